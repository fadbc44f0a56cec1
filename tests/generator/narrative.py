"""Report prose in the style of real reports, with its problems and improvements as ground truth."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

SUBSECTIONS = [
    ("主动公开", ["紧紧围绕中心工作，通过政府门户网站、政务新媒体等渠道主动公开政府信息{n1}条，其中政策文件{n2}件、政策解读{n3}篇。",
                  "坚持以公开为常态、不公开为例外，全年主动公开各类信息{n1}条，及时发布通知公告、人事信息、财政预决算等内容。"]),
    ("依申请公开", ["进一步规范依申请公开办理流程，全年共收到政府信息公开申请{a}件，均在法定期限内答复。",
                    "畅通申请渠道，严格落实登记、审核、办理、答复、归档等环节，全年受理申请{a}件。"]),
    ("政府信息管理", ["严格执行信息发布审核制度，落实“三审三校”要求，动态调整主动公开基本目录。",
                      "加强政府信息公开保密审查，对拟公开信息逐条审核，防止泄密和不当公开。"]),
    ("政府信息公开平台建设", ["持续加强政府网站集约化建设，优化栏目设置，开展常态化自查整改。",
                              "加强政务新媒体管理，关停整合更新慢、互动少的账号，提升平台服务能力。"]),
    ("监督保障", ["将政务公开纳入年度考核，组织业务培训{t}次，接受社会评议和群众监督。",
                  "成立政务公开工作领导小组，明确分管领导和专职人员，形成一级抓一级的工作格局。"]),
]
SUB_TITLES = [
    ["（一）主动公开情况", "（二）依申请公开情况", "（三）政府信息管理情况", "（四）政府信息公开平台建设情况", "（五）监督保障情况"],
    ["（一）主动公开", "（二）依申请公开", "（三）政府信息管理", "（四）平台建设", "（五）监督保障"],
    ["（一）主动公开方面", "（二）依申请公开方面", "（三）政府信息管理方面", "（四）政府信息公开平台建设方面", "（五）监督保障方面"],
]
PROBLEMS = [
    "政策解读形式比较单一", "公开内容的深度和广度还有待提升", "依申请公开办理规范性有待加强", "政务公开队伍业务能力参差不齐",
    "政务新媒体更新不够及时", "信息发布时效性有待提高", "公众参与渠道不够丰富", "基层政务公开标准化水平不高",
]
IMPROVEMENTS = [
    "丰富政策解读形式，推出图解、视频等解读产品", "加强业务培训，提升工作人员能力水平", "严格执行依申请公开办理流程",
    "加强政府网站和政务新媒体日常监管", "拓展公众参与渠道，做好政民互动", "深化基层政务公开标准化规范化建设", "完善信息发布审核机制",
]
FIVE_TITLES = ["五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况", "五、存在问题及改进措施"]
NUMERALS = "一二三四五六"


@dataclass
class Narrative:
    title: str
    intro: str
    overall: list[str]
    """Paragraphs of section 一 (the subsection headings as printed among them)."""
    five_title: str
    five: list[str]
    six: list[str]
    problems: list[str] = field(default_factory=list)
    improvements: list[str] = field(default_factory=list)
    signature: list[str] = field(default_factory=list)


def _enumerate(rng: random.Random, items: list[str], style: str) -> list[str]:
    """Items printed in one of the enumeration styles of real reports."""
    if style == "一是":
        return ["；".join(f"{NUMERALS[i]}是{t}" for i, t in enumerate(items)) + "。"]
    if style == "（一）":
        return [f"（{NUMERALS[i]}）{t}。" for i, t in enumerate(items)]
    if style == "1.":
        sep = rng.choice([".", "、"])
        return [f"{i + 1}{sep}{t}。" for i, t in enumerate(items)]
    return ["；".join(f"第{NUMERALS[i]}，{t}" for i, t in enumerate(items)) + "。"]


def make_narrative(rng: random.Random, org: str, year: int, applications: int, pub: str) -> Narrative:
    title = f"{org}{year}年政府信息公开工作年度报告"
    intro = (f"本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室有关要求编制。"
             f"本报告中使用数据统计期限为{year}年1月1日至{year}年12月31日。")
    titles = rng.choice(SUB_TITLES)
    inline = rng.random() < 0.5
    overall = [f"{year}年，{org if rng.random() < 0.5 else '我单位'}认真贯彻落实《条例》要求，扎实推进政府信息公开工作。"]
    fill = {"n1": rng.randint(30, 3000), "n2": rng.randint(0, 40), "n3": rng.randint(0, 30), "a": applications, "t": rng.randint(1, 6)}
    for (_, texts), head in zip(SUBSECTIONS, titles, strict=True):
        body = rng.choice(texts).format(**fill)
        if inline:
            overall.append(f"{head}。{body}")
        else:
            overall += [head, body]
    problems = rng.sample(PROBLEMS, rng.randint(2, 4))
    improvements = rng.sample(IMPROVEMENTS, rng.randint(2, 4))
    style_p, style_i = rng.choice(["一是", "（一）", "1.", "第一"]), rng.choice(["一是", "（一）", "1."])
    five = [rng.choice(["对照新形势新要求，工作中仍存在一些不足，主要表现在：", "我单位政府信息公开工作还存在一些问题："])]
    five += _enumerate(rng, problems, style_p)
    five.append(rng.choice(["下一步，将重点做好以下工作：", "针对上述问题，我们将采取以下措施："]))
    five += _enumerate(rng, improvements, style_i)
    fee = rng.choice(["本年度未收取信息处理费。", f"本年度共收取信息处理费{rng.randint(0, 500)}元。"])
    six = [fee] if rng.random() < 0.7 else ["无。"]
    return Narrative(title, intro, overall, rng.choice(FIVE_TITLES), five, six, problems, improvements, [org, pub])
