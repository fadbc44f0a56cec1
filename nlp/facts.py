"""Numeric facts stated in narrative prose, with normalised values.

"全年主动公开政府信息2428条", "受理政府信息公开申请17件", "收取信息处理费3940元",
"行政复议案件2件": the kind of count, the number as printed and as a value. Chinese
numerals (三件, 一百二十条) and 万 are normalised; "未收取信息处理费" is a fee of 0.
Kinds are narrative notions, not table cells: the caller decides what to compare them with.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUM = r"(?P<num>\d[\d,，]*(?:\.\d+)?|[零〇一二两三四五六七八九十百千万]+)(?P<wan>万)?(?:余|多)?"
_GAP = r"[^。；;，,：:\d]{0,14}?"
_GAP_SHORT = r"[^。；;，,：:\d]{0,6}?"

# (kind, unit, pattern) — the number is group "num"
KINDS: list[tuple[str, str, re.Pattern[str]]] = [
    ("active_disclosure", "条", re.compile(rf"(?:主动|累计|共|全年|总计)(?:公开|发布){_GAP}(?:政府|政务)?信息(?:总数为|总量)?{_GAP_SHORT}{_NUM}\s*条")),  # noqa: E501
    (
        "applications_received",
        "件",
        re.compile(rf"(?:收到|受理|接收|接到|新收|办理){_GAP}申请(?:数量|总数)?(?:为|共)?{_GAP_SHORT}{_NUM}\s*(?:件|个|次|份)"),
    ),
    ("applications_received", "件", re.compile(rf"(?:收到|受理|接到){_GAP_SHORT}{_NUM}\s*(?:件|次)(?:依申请|政府信息公开申请|申请)")),  # noqa: E501
    ("policy_interpretations", "篇", re.compile(rf"(?:政策)?解读(?:材料|稿件|文章|信息|产品)?{_GAP_SHORT}{_NUM}\s*(?:篇|条|件|个|期)")),  # noqa: E501
    ("policy_documents", "件", re.compile(rf"(?:政策性?文件|规范性文件|政府规章|规章){_GAP_SHORT}{_NUM}\s*(?:件|个|份)")),  # noqa: E501
    ("fees", "元", re.compile(rf"信息处理费(?:共计|合计|共|为)?{_NUM}\s*(?P<yuan>万?元)")),
    ("admin_review", "件", re.compile(rf"行政复议(?:案件|申请)?{_GAP_SHORT}{_NUM}\s*(?:件|起|宗)")),
    ("admin_litigation", "件", re.compile(rf"行政诉讼(?:案件)?{_GAP_SHORT}{_NUM}\s*(?:件|起|宗)")),
    ("training_sessions", "次", re.compile(rf"培训{_GAP_SHORT}{_NUM}\s*(?:次|场|期)")),
]
_NO_FEE = re.compile(r"(?:未|没有|不)收取(?:任何)?(?:政府信息公开)?(?:信息处理费|费用)|信息处理费[为是]?(?:0|零|无)(?!\d)")  # noqa: E501
_ZERO_OF = [
    ("admin_review", re.compile(r"未(?:发生|收到|产生|出现)(?:政府信息公开)?(?:方面的)?行政复议")),
    ("admin_litigation", re.compile(r"(?:未(?:发生|收到|产生|出现)|无)(?:政府信息公开)?(?:方面的)?[^。；]{0,6}行政诉讼")),  # noqa: E501
]

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000, "万": 10000}


@dataclass(frozen=True)
class Fact:
    kind: str
    value: float
    unit: str
    start: int
    end: int
    text: str
    approximate: bool = False
    """"5500余条": at least this much."""


def cn_number(s: str) -> int | None:
    """一百二十 -> 120, 两千零五 -> 2005, 十五 -> 15; None when it is not a number."""
    if not s:
        return None
    total, section, digit = 0, 0, None
    for ch in s:
        if ch in _CN:
            digit = _CN[ch]
        elif ch in _UNITS:
            u = _UNITS[ch]
            if u == 10000:
                section = (section + (digit or 0)) * u
                total += section
                section = 0
            else:
                section += (1 if digit is None else digit) * u
            digit = None
        else:
            return None
    return total + section + (digit or 0)


def parse_number(num: str, wan: str | None = None) -> float | None:
    raw = num.replace(",", "").replace("，", "")
    if raw and raw[0].isdigit():
        value: float = float(raw)
    else:
        n = cn_number(raw)
        if n is None:
            return None
        value = n
    if wan:
        value *= 10000
    return int(value) if float(value).is_integer() else value


def find_facts(text: str) -> list[Fact]:
    """Every numeric fact in ``text``, in order; overlapping matches keep the first kind listed."""
    out: list[Fact] = []
    taken: list[tuple[int, int]] = []
    for kind, unit, rx in KINDS:
        for m in rx.finditer(text):
            s, e = m.start("num"), m.end()
            if any(s < b and a < e for a, b in taken):
                continue
            value = parse_number(m.group("num"), m.group("wan"))
            if value is None:
                continue
            if kind == "fees" and m.group("yuan").startswith("万"):
                value = value * 10000
            approx = m.group(0)[m.end("num") - m.start() :].startswith(("余", "多", "万余", "万多"))
            fs = m.start()
            out.append(Fact(kind, value, unit, fs, e, text[fs:e], approx))
            taken.append((s, e))
    for m in _NO_FEE.finditer(text):
        if not any(m.start() < b and a < m.end() for a, b in taken):
            out.append(Fact("fees", 0, "元", m.start(), m.end(), m.group(0)))
    for kind, rx in _ZERO_OF:
        for m in rx.finditer(text):
            if not any(m.start() < b and a < m.end() for a, b in taken):
                out.append(Fact(kind, 0, "件", m.start(), m.end(), m.group(0)))
    out.sort(key=lambda f: f.start)
    return out
