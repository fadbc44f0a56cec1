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
    five_turn: int = 0
    """Index of the first paragraph of ``five`` about improvements (those before it are about problems)."""


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


# -- richer narrative (training data for the section classifier; opt in with rich=True) -----------------

R_OVERALL = [
    "{year}年，{org}坚持以习近平新时代中国特色社会主义思想为指导，全面贯彻落实党中央、国务院关于全面推进政务公开工作的决策部署。",
    "{org}认真贯彻《中华人民共和国政府信息公开条例》，紧紧围绕中心工作，持续深化政务公开，各项工作取得了新的进展。",
    "{year}年度，我{unit}按照上级部署要求，以公开为常态、不公开为例外，不断提升政务公开质量和实效。",
    "全年政务公开工作紧扣优化营商环境、保障改善民生等重点任务，较好地发挥了政务公开的服务作用。",
    "现将本{unit}{year}年度政府信息公开工作情况报告如下。",
    "围绕党委政府中心工作，坚持以人民为中心的发展思想，扎实推进决策、执行、管理、服务、结果公开。",
]
R_SUB = {
    "active_disclosure": [
        "全年通过政府门户网站主动公开政府信息{n1}条，其中政策文件{n2}件、政策解读{n3}篇。",
        "及时公开财政预决算、重大建设项目、公共资源配置等重点领域信息，发布通知公告{n4}条。",
        "动态调整主动公开基本目录，做好规范性文件集中统一公开，现行有效规范性文件全部在网站公开。",
        "坚持政策文件与解读材料同步组织、同步审签、同步发布，采用图解、视频等形式解读政策{n3}次。",
        "围绕“高效办成一件事”、就业创业、乡村振兴等群众关注事项，开设专题专栏集中发布信息。",
        "主动公开人事任免、工作动态、统计数据等信息{n4}条，保障群众知情权。",
    ],
    "on_request": [
        "全年共收到政府信息公开申请{a}件，均在法定期限内予以答复。",
        "严格规范依申请公开办理流程，落实登记、审核、办理、答复、归档全流程管理。",
        "加强与申请人沟通，准确把握申请人诉求，依法依规作出答复，答复文书格式规范。",
        "畅通信函、当面、网络等申请渠道，全年受理政府信息公开申请{a}件，未发生因依申请公开引起的行政复议。",
        "对疑难复杂申请开展会商研判，必要时征求法律顾问意见，确保答复合法合规。",
        "建立依申请公开办理台账，实行一件一档，办理情况定期通报。",
    ],
    "information_management": [
        "严格落实信息发布审核制度，坚持“先审后发”和“三审三校”，确保发布信息准确规范。",
        "加强政府信息公开保密审查，对拟公开信息逐条审核，防止泄密和不当公开。",
        "开展政策文件清理，及时更新现行有效文件目录，标注文件有效性。",
        "规范政府信息公开属性源头认定，在公文办理环节明确公开方式。",
        "对历史发布信息开展全面排查，及时处理错链断链、内容过期等问题。",
    ],
    "platform_construction": [
        "持续推进政府网站集约化建设，优化栏目设置，提升网站检索和服务功能。",
        "加强政务新媒体规范管理，关停整合更新慢、互动少的账号，政务新媒体运行平稳。",
        "依托政府网站政府信息公开专栏，集中发布法定主动公开内容，实现分类清晰、查询便捷。",
        "在政务服务大厅、图书馆和档案馆设置政府信息查阅点，方便群众查阅。",
        "开展网站和政务新媒体常态化监测，按季度开展检查并通报结果。",
    ],
    "supervision": [
        "成立政务公开工作领导小组，主要负责同志亲自部署，分管负责同志具体抓落实。",
        "将政务公开工作纳入年度绩效考核，组织业务培训{t}次，提升工作人员业务水平。",
        "主动接受社会评议和群众监督，对发现的问题立行立改。",
        "本年度未发生因政务公开工作引发的责任追究情况。",
        "通过聘请社会监督员、开展满意度测评等方式，广泛听取意见建议。",
    ],
}
R_SUB_HEADS = {
    "active_disclosure": ["主动公开情况", "主动公开", "主动公开方面", "主动公开政府信息情况"],
    "on_request": ["依申请公开情况", "依申请公开", "依申请公开方面", "依申请公开办理情况"],
    "information_management": ["政府信息管理情况", "政府信息管理", "政府信息管理方面"],
    "platform_construction": ["政府信息公开平台建设情况", "平台建设", "政府信息公开平台建设方面", "平台建设情况"],
    "supervision": ["监督保障情况", "监督保障", "监督保障方面"],
}
P_SUBJ = [
    ("政策解读", ["形式比较单一", "形式还不够丰富", "质量仍需提升", "针对性和通俗性不够", "以文字为主，图解、视频等形式运用较少"]),
    ("公开内容的深度和广度", ["还有待提升", "仍需进一步拓展", "与群众期待还有差距"]),
    ("重点领域信息公开", ["不够全面", "还不够深入", "存在碎片化现象"]),
    ("依申请公开办理", ["规范性有待加强", "答复文书不够规范", "对复杂申请的研判能力不足"]),
    ("政务新媒体", ["更新不够及时", "运维管理还需加强", "互动回应不够积极"]),
    ("政府网站栏目", ["设置不够科学", "信息更新不够及时", "部分栏目内容空白"]),
    ("信息发布", ["时效性有待提高", "存在滞后现象", "审核把关还不够严格"]),
    ("政务公开队伍", ["业务能力参差不齐", "建设有待加强", "人员流动性大、兼职多", "专业化水平不高"]),
    ("工作人员", ["对政务公开工作认识不足", "业务培训不够系统", "主动公开意识不强"]),
    ("公众参与", ["渠道不够丰富", "程度不高", "机制还不健全"]),
    ("政策宣传和引导", ["力度还不够", "覆盖面不广", "群众知晓率不高"]),
    ("工作长效机制", ["需要进一步完善", "尚不健全", "落实还不到位"]),
    ("基层政务公开标准化规范化", ["水平不高", "工作推进不平衡", "还需进一步深化"]),
    ("回应社会关切", ["还不够及时", "针对性不强"]),
]
I_VERB_OBJ = [
    ("丰富政策解读形式", ["推出图解、视频、问答等解读产品，提高解读的可读性", "提升政策解读的针对性和通俗性"]),
    ("深化重点领域信息公开", ["围绕群众关注的热点问题，及时准确公开重点领域信息", "拓展公开的深度和广度"]),
    ("规范依申请公开办理", ["严格执行登记、审核、办理、答复、归档等流程", "加强答复文书审核把关，提升答复质量"]),
    ("加强政务新媒体管理", ["落实日常巡查和内容审核制度，确保信息更新及时", "提高互动回应能力"]),
    ("优化政府网站建设", ["优化栏目设置，及时更新栏目内容", "提升网站检索和服务功能"]),
    ("提高信息发布时效性", ["建立信息发布提醒机制，确保信息在规定时限内公开", "做到应公开尽公开、及时公开"]),
    ("加强业务培训", ["定期组织政务公开业务培训和交流学习", "提升工作人员业务能力和水平"]),
    ("加强队伍建设", ["配齐配强政务公开工作人员，保持队伍相对稳定", "建立传帮带机制"]),
    ("拓展公众参与渠道", ["通过征求意见、政民互动、政府开放日等方式扩大公众参与", "认真做好意见收集和反馈"]),
    ("加大宣传引导力度", ["通过多种渠道宣传政府信息公开条例", "提高群众对政务公开的知晓度"]),
    ("健全工作机制", ["完善信息发布审核、考核评估等制度", "建立激励约束长效机制"]),
    ("推进基层政务公开标准化规范化", ["持续完善基层政务公开事项标准目录", "推动公开向村（社区）延伸"]),
    ("强化监督考核", ["将政务公开纳入年度绩效考核", "加强日常监督检查，发现问题及时整改"]),
    ("积极回应社会关切", ["对涉及群众切身利益的热点问题及时发声", "提高回应的针对性和时效性"]),
]
R_FIVE_TITLES = [*FIVE_TITLES, "五、存在的主要问题及改进措施", "五、存在的问题和改进情况", "五、政府信息公开工作存在的问题及改进措施"]
P_LEADS = [
    "对照新形势新要求，工作中仍存在一些不足，主要表现在：",
    "{year}年，我{unit}政府信息公开工作虽取得一定成效，但仍存在一些问题：",
    "对照上级要求和群众期盼，还存在一些薄弱环节，主要是：",
    "存在问题：",
    "工作中还存在以下不足：",
    "但也清醒地看到，工作中还存在差距，具体表现为：",
]
I_LEADS = [
    "下一步，将重点做好以下工作：",
    "针对上述问题，我们将采取以下措施：",
    "下步打算：",
    "针对存在的问题，{year_next}年我{unit}将从以下几个方面加以改进：",
    "下一步工作中，我们将着力抓好以下几点：",
    "改进措施：",
]
OTHER_SENTS = [
    "本年度无其他需要报告的事项。",
    "认真办理人大代表建议和政协委员提案，办理结果按要求公开。",
    "按照《国务院办公厅关于印发〈{year}年政务公开工作要点〉的通知》要求，全面落实年度政务公开工作任务。",
    "本年度未发生需要报告的其他事项。",
    "{year}年，全面落实政务公开工作要点，各项任务均已完成。",
]
FEE_SENTS = [
    "本年度未收取信息处理费。",
    "本年度共收取信息处理费{fee}元。",
    "按照《政府信息公开信息处理费管理办法》，本年度发出收费通知{x}件，收取信息处理费{fee}元。",
    "严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费0元。",
    "本机关未收取任何信息处理费。",
]


def _rich_items(rng: random.Random, k: int, bank: list, elaborate: float) -> tuple[list[str], list[str]]:
    """k statements (the item text) and what is printed for each (item + optional elaboration)."""
    picks = rng.sample(bank, k)
    items, printed = [], []
    for head, tails in picks:
        if bank is P_SUBJ:
            text = head + rng.choice(tails)
            if rng.random() < 0.3:
                text += "，" + rng.choice(["个别单位存在应付心态", "与群众期盼还有一定差距", "需要进一步改进"])
            items.append(text)
            printed.append(text)
        else:
            tail = rng.choice(tails)
            if rng.random() < elaborate:
                items.append(head)
                printed.append(f"{head}。{tail}")
            else:
                text = f"{head}，{tail}"
                items.append(text)
                printed.append(text)
    return items, printed


def _rich_enumerate(rng: random.Random, printed: list[str], style: str) -> list[str]:
    if style == "一是":
        sep = rng.choice(["；", "。"])
        return [sep.join(f"{NUMERALS[i]}是{t}" for i, t in enumerate(printed)) + "。"]
    if style == "一是/段":
        return [f"{NUMERALS[i]}是{t}。" for i, t in enumerate(printed)]
    if style == "（一）":
        return [f"（{NUMERALS[i]}）{t}。" for i, t in enumerate(printed)]
    if style == "1.":
        sep = rng.choice([".", "、", "．"])
        return [f"{i + 1}{sep}{t}。" for i, t in enumerate(printed)]
    if style == "第一":
        return ["；".join(f"第{NUMERALS[i]}，{t}" for i, t in enumerate(printed)) + "。"]
    return ["；".join(printed) + "。"]  # bare statements after the lead-in


def make_rich_narrative(rng: random.Random, org: str, year: int, applications: int, pub: str) -> Narrative:
    """Like ``make_narrative`` with many more wordings, enumeration styles and list forms."""
    unit = rng.choice(["单位", "局", "镇", "区", "市", "县", "委", "办"])
    fill = {"n1": rng.randint(30, 6000), "n2": rng.randint(0, 60), "n3": rng.randint(0, 40), "n4": rng.randint(5, 900),
            "a": applications, "t": rng.randint(1, 8), "year": year, "org": org, "unit": unit}
    title = f"{org}{year}年政府信息公开工作年度报告"
    intro = (f"本报告依据《中华人民共和国政府信息公开条例》和国务院办公厅政府信息与政务公开办公室有关要求编制。"
             f"本报告中使用数据统计期限为{year}年1月1日至{year}年12月31日。")
    overall = ["".join(rng.sample(R_OVERALL, rng.randint(1, 3))).format(**fill)]
    inline = rng.random() < 0.5
    sep = rng.choice(["情况", "方面", ""])
    for i, key in enumerate(R_SUB):
        head = f"（{NUMERALS[i]}）" + (rng.choice(R_SUB_HEADS[key]) if not sep else R_SUB_HEADS[key][0].replace("情况", sep))
        body = "".join(rng.sample(R_SUB[key], rng.randint(1, 2))).format(**fill)
        body += "".join(_parts_sentence(rng, key, fill) for _ in range(rng.randint(1, 3)))
        if inline:
            overall.append(f"{head}。{body}")
        else:
            overall += [head, body]
    n_p, n_i = rng.randint(2, 4), rng.randint(2, 4)
    problems, p_printed = _rich_items(rng, n_p, P_SUBJ, 0.0)
    improvements, i_printed = _rich_items(rng, n_i, I_VERB_OBJ, 0.6)
    form = rng.choice(["lead+enum", "lead+enum", "headings", "inline-list", "exist-list"])
    five: list[str] = []
    if form == "headings":
        five.append(rng.choice(["（一）存在的问题", "（一）存在的主要问题", "（一）主要问题"]))
        five += _rich_enumerate(rng, p_printed, rng.choice(["1.", "一是", "一是/段"]))
        turn = len(five)
        five.append(rng.choice(["（二）改进情况", "（二）改进措施", "（二）下一步工作打算"]))
        five += _rich_enumerate(rng, i_printed, rng.choice(["1.", "一是", "一是/段"]))
    else:
        if form == "inline-list":
            lead = rng.choice(["工作中还存在一些不足，主要是：", "对照上级要求，仍存在一定差距，主要表现在："])
            five.append(f"{year}年，{org}政府信息公开工作取得一定成效。{lead}" + ("；" if any("，" in p for p in problems) else rng.choice(["，", "；"])).join(problems) + "等。")
        elif form == "exist-list":
            five.append(f"{year}年{org}政府信息公开工作取得了明显成效，但仍存在" + "、".join(problems) + "等问题。")
        else:
            five.append(rng.choice(P_LEADS).format(year=year, unit=unit))
            five += _rich_enumerate(rng, p_printed, rng.choice(["一是", "一是/段", "（一）", "1.", "第一"]))
        year_next = year + 1
        turn = len(five)
        five.append(rng.choice(I_LEADS).format(year_next=year_next, unit=unit))
        five += _rich_enumerate(rng, i_printed, rng.choice(["一是", "一是/段", "（一）", "1.", "第一", "bare"]))
    fee = rng.choice(FEE_SENTS).format(fee=rng.randint(0, 800), x=rng.randint(0, 5))
    six = rng.sample([fee, *[s.format(year=year) for s in rng.sample(OTHER_SENTS, 2)]], rng.randint(1, 3))
    return Narrative(title, intro, overall, rng.choice(R_FIVE_TITLES), five, six, problems, improvements, [org, pub],
                     turn)

# sentences built from parts, so the classifier learns each section's words rather than a few templates
R_PARTS = {
    "active_disclosure": (
        ["政府文件", "通知公告", "财政预决算信息", "重大建设项目信息", "人事任免信息", "政策解读材料", "重点领域信息",
         "行政规范性文件", "工作动态", "统计数据", "征地拆迁信息", "公共资源交易信息", "教育医疗信息", "社会救助信息"],
        ["全年主动公开{obj}{n}条", "及时准确发布{obj}", "在政府网站公开{obj}{n}条", "集中公开{obj}",
         "做好{obj}的主动公开", "按照公开目录发布{obj}", "围绕中心工作公开{obj}"],
    ),
    "on_request": (
        ["政府信息公开申请", "依申请公开件", "申请人诉求", "答复文书", "申请登记台账", "疑难申请"],
        ["全年共收到{obj}{n}件", "全年受理{obj}{n}件", "依法依规办理{obj}", "规范处理{obj}，均在法定期限内答复",
         "建立{obj}会商机制", "强化{obj}审核把关"],
    ),
    "information_management": (
        ["信息发布审核", "保密审查", "政策文件清理", "公开属性认定", "主动公开目录", "政府信息管理动态调整", "“三审三校”"],
        ["严格落实{obj}制度", "规范开展{obj}", "落实{obj}要求，防止泄密", "定期开展{obj}工作", "健全{obj}机制"],
    ),
    "platform_construction": (
        ["政府门户网站", "政务新媒体", "政府信息公开专栏", "政府公报", "政务服务平台", "政府信息查阅点", "网站栏目"],
        ["持续优化{obj}建设", "加强{obj}日常运维", "对{obj}开展常态化监测", "整合{obj}资源", "规范{obj}管理，提升服务功能",
         "发挥{obj}第一平台作用"],
    ),
    "supervision": (
        ["政务公开工作领导小组", "年度绩效考核", "社会评议", "业务培训", "责任追究", "监督检查", "考核评估"],
        ["成立{obj}，明确分管领导和专职人员", "将政务公开纳入{obj}", "组织开展{obj}{t}次", "主动接受{obj}和群众监督",
         "本年度未发生{obj}情况", "定期开展{obj}，督促整改落实"],
    ),
}


def _parts_sentence(rng: random.Random, key: str, fill: dict) -> str:
    objs, frames = R_PARTS[key]
    s = rng.choice(frames).format(obj=rng.choice(objs), n=rng.randint(1, 3000), t=rng.randint(1, 9))
    return (rng.choice(["", f"{fill['year']}年，", "本年度，", "全年", "一年来，"]) + s + "。").replace("，全年", "，")
