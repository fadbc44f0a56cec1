"""Issuing organisation, report year, administrative level, kind of body and publication date.

Taken from the content (title, body, signature), never from the file name. Level and body come
from the organisation's name (``organisations.classify``).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date

from gongkai.extract.domain.organisations import classify, name_start
from gongkai.extract.domain.sections import Section, clean_text
from gongkai.extract.layout import TextLine

_TITLE = re.compile(
    r"(?P<org>.*?)(?P<year>(19|20)\d{2})\s*年(度)?(?P<kind>政府信息公开|政务公开|信息公开)?.{0,12}?报告"
)
_TITLE_TAIL = re.compile(r"(政府信息)?公开(工作)?(年度)?报\s*告")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?")
# "2023年上海市人民政府办公厅政府信息公开工作年度报告": the year before the name
_TITLE_YEAR_FIRST = re.compile(
    r"(?P<year>(19|20)\d{2})\s*年(度)?(?P<org>[\u4e00-\u9fff（）()]{2,40}?)(政府信息公开|政务公开|信息公开)(工作)?(年度)?报\s*告"
)
# up to 20 characters before "政务公开/政府信息公开…" in the body: a name, after trimming
_ORG_IN_BODY = re.compile(
    r"(?:^|[，,。；;：:“\s（(])(?:\d{4}年)?([\u4e00-\u9fff]{2,20}?)(?=政务公开|政府信息公开|信息公开)"
)


@dataclass
class Metadata:
    organization: str | None = None
    year: int | None = None
    level: str | None = None
    body: str | None = None
    publication_date: date | None = None
    title: str | None = None


def organisation_name(text: str | None) -> str | None:
    """``text`` without the words before the name (a page's button, a verb): "启用上海市" is 上海市."""
    if not text:
        return None
    if text.endswith("人民"):  # "某市人民政府信息公开…": the 政府 was read as part of 政府信息公开
        text += "政府"
    start = name_start(text)
    return text[start:] if start else text


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
    for joined, candidates in enumerate(passes):
        for candidate in candidates:
            if not _TITLE_TAIL.search(candidate):
                continue
            m = _TITLE.search(candidate)
            if not m or not m.group("org"):
                m = _TITLE_YEAR_FIRST.search(candidate) or m
            if m:
                org = organisation_name(re.split(r"[>》]", m.group("org"))[-1].strip(" ：:《"))
                # a name joined from the next or previous line, or after the year, must read as a name
                # ("启用" is a button, "2020年度政府信息公开…" names nobody)
                if org and ((not joined and m.re is _TITLE) or name_start(org) is not None):
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
            name = organisation_name(re.split(r"[的了以为在由是对将把从向]", m.group(1))[-1])
            if not name or len(name) < 2 or name_start(name) is None:
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
    who = classify(org)
    return Metadata(org, year, who.level, who.body, _publication_date(lines), title)
