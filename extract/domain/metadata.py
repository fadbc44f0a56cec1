"""Issuing organisation, report year, administrative level and publication date.

Taken from the content (title, body, signature), never from the file name.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from gongkai.extract.domain.sections import Section, clean_text
from gongkai.extract.domain.vocabulary import org_endings_pattern
from gongkai.extract.layout import TextLine

_TITLE = re.compile(
    r"(?P<org>.*?)(?P<year>(19|20)\d{2})\s*年(度)?(?P<kind>政府信息公开|政务公开|信息公开)?.{0,12}?报告"
)
_TITLE_TAIL = re.compile(r"(政府信息)?公开(工作)?(年度)?报\s*告")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
_ORG_IN_BODY = re.compile(
    r"(?:^|[，,。；;：:“\s（(])(?:\d{4}年)?([\u4e00-\u9fff]{2,20}?" + org_endings_pattern() + ")"
    r"(?=政务公开|政府信息公开|信息公开)"
)
_ORG_SUFFIX = re.compile(org_endings_pattern() + "$")
_LEVELS = [
    (re.compile(r"街道(办事处)?$"), "街道"),
    (re.compile(r"[镇乡](人民政府)?$"), "乡镇"),
    (re.compile(r"(局|厅|委员会|委|办公室|办|中心|院|署|所|站|队|公司|管委会)$"), "部门"),
    (re.compile(r"省(人民政府)?$"), "省"),
    (re.compile(r"(自治区)(人民政府)?$"), "省"),
    (re.compile(r"区(人民政府)?$"), "区"),
    (re.compile(r"(县|旗)(人民政府)?$"), "县"),
    (re.compile(r"(市|州|盟)(人民政府)?$"), "市"),
]


@dataclass
class Metadata:
    organization: str | None = None
    year: int | None = None
    level: str | None = None
    publication_date: date | None = None
    title: str | None = None


def level_of(org: str | None) -> str | None:
    if not org:
        return None
    for rx, level in _LEVELS:
        if rx.search(org):
            return level
    return None


def _title(preamble: list[TextLine]) -> tuple[str | None, str | None, int | None]:
    """(title, organisation, year) from the first lines; titles wrap and carry stray spaces."""
    texts = [clean_text(ln.text).replace(" ", "") for ln in preamble[:12]]
    fallback: tuple[str | None, str | None, int | None] = (None, None, None)
    # a title wraps: every line alone first, then joined with the line after, then with the one before
    passes = [
        list(texts),
        [t + (texts[i + 1] if i + 1 < len(texts) else "") for i, t in enumerate(texts)],
        [(texts[i - 1] if i else "") + t for i, t in enumerate(texts)],
    ]
    for candidates in passes:
        for candidate in candidates:
            if not _TITLE_TAIL.search(candidate):
                continue
            m = _TITLE.search(candidate)
            if m:
                org = re.split(r"[>》]", m.group("org"))[-1].strip(" ：:《") or None
                if org:
                    return m.group(0), org, int(m.group("year"))
                if fallback[2] is None:
                    fallback = (m.group(0), None, int(m.group("year")))
            elif fallback[0] is None:
                fallback = (candidate, None, None)
    return fallback


def _org_from_body(sections: dict[str, Section]) -> str | None:
    counts: Counter[str] = Counter()
    for s in sections.values():
        for m in _ORG_IN_BODY.finditer(s.text):
            # "成立了以镇长为组长的召都巴镇": the name is what follows the last function word
            name = re.split(r"[的了以为在由是对将把从向]", m.group(1))[-1]
            if len(name) < 2 or not _ORG_SUFFIX.search(name):
                continue
            # "将政府门户网站作为全区…": a clause, not a name
            if not name.startswith(tuple("我本全各该将对在为把从向与及其")) and "作为" not in name:
                counts[name] += 1
    return counts.most_common(1)[0][0] if counts else None


def _year_from_body(sections: dict[str, Section], preamble: list[TextLine]) -> int | None:
    text = "\n".join(clean_text(ln.text) for ln in preamble) + "\n".join(s.text for s in sections.values())
    m = re.search(r"统计期限[^。]*?((?:19|20)\d{2})年1月1日", text)
    if m:
        return int(m.group(1))
    years = Counter(int(y) for y in re.findall(r"((?:19|20)\d{2})年", text))
    return years.most_common(1)[0][0] if years else None


def _publication_date(lines: list[TextLine]) -> date | None:
    """The signature date after the last section, else a "日期: …" line in the header."""
    for ln in reversed(lines[-8:]):
        m = _DATE.fullmatch(clean_text(ln.text).replace(" ", ""))
        if m:
            return _date(m)
    for ln in lines[:8]:
        t = clean_text(ln.text)
        if re.match(r"^(发布)?(日期|时间)", t):
            m = _DATE.search(t)
            if m:
                return _date(m)
    return None


def _date(m: re.Match[str]) -> date | None:
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def find_metadata(lines: list[TextLine], sections: dict[str, Section], preamble: list[TextLine]) -> Metadata:
    title, org, year = _title(preamble or lines[:12])
    if not org:
        org = _org_from_body(sections)
    if not year:
        year = _year_from_body(sections, preamble)
    return Metadata(org, year, level_of(org), _publication_date(lines), title)
