"""Sentences and enumerated statements in Chinese administrative prose.

Reports list what went wrong and what they will do as enumerations (一是…二是…,
（一）（二）, 1. 2., 1、, 第一，, ①), as colon lists (主要表现在：A，B，C等) or as bare
sentences after a lead-in (针对存在问题，下一步，我市将…；…). This module works on
characters only (no tokenizer, no model) so it is fast and testable on its own; the
spaCy components in ``nlp.components`` put its spans on ``Doc`` objects.

Offsets are always into the text given, so callers can map spans back to a page.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field

CN_DIGITS = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(CN_DIGITS)}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

# one alternative per enumeration family; group "n" is the ordinal
_MARKERS = [
    ("shi", re.compile(rf"(?P<n>[{CN_DIGITS}]{{1,2}})是")),
    ("paren_cn", re.compile(rf"[（(](?P<n>[{CN_DIGITS}]{{1,2}})[)）]")),
    ("cn_dun", re.compile(rf"(?P<n>[{CN_DIGITS}]{{1,2}})[、．.](?![\d])")),
    ("paren_num", re.compile(r"[（(](?P<n>\d{1,2})[)）]")),
    ("num", re.compile(r"(?P<n>\d{1,2})(?:[.．、]|[)）](?![\d]))(?![\d.．])")),
    ("di", re.compile(rf"第(?P<n>[{CN_DIGITS}]{{1,2}})(?:[，,、：:]|是)")),
    ("qi", re.compile(rf"其(?P<n>[{CN_DIGITS}])[，,、：:是]")),
    ("order", re.compile(r"(?P<n>首先|其次|再次|最后)[，,、]")),
    ("circled", re.compile(rf"(?P<n>[{_CIRCLED}])")),
]
_ORDER_WORDS = {"首先": 1, "其次": 2, "再次": 3, "最后": 4}
# where an enumeration marker may start: text start, after a line break or punctuation
_MARKER_BEFORE = set("\n。；;：:，,！？!? \t\u3000")
_SENT_END = set("。；;！？!?")
_CLOSERS = set("”’」』）)")


@dataclass(frozen=True)
class Marker:
    family: str
    ordinal: int
    start: int
    end: int


@dataclass
class Sentence:
    """A sentence (or clause ended by ；) with the enumeration marker it starts with, if any."""

    start: int
    end: int
    text: str
    marker: Marker | None = None
    paragraph: int = 0
    lead: bool = False
    """Ends in ，or ： right before a numbered statement: it introduces the list."""
    cue: str | None = None
    """Set by ``find_items``: 'problem' / 'improvement' when the sentence's context says which it is about."""

    @property
    def body_start(self) -> int:
        """Where the content starts (after the marker)."""
        return self.marker.end if self.marker else self.start


@dataclass
class Item:
    """One statement: ``start``/``end`` index the source text; ``cue`` is the label its context gives."""

    start: int
    end: int
    text: str
    cue: str | None = None
    """'problem' or 'improvement' when a lead-in or heading says so, else None (a classifier decides)."""
    context: str = ""
    """The item with its elaboration (the following sentences up to the next item): what a classifier reads."""
    style: str = ""
    sentences: list[int] = field(default_factory=list)
    """Indices of the sentences the item and its elaboration cover."""


def _ordinal(family: str, raw: str) -> int:
    if family in ("num", "paren_num"):
        return int(raw)
    if family == "order":
        return _ORDER_WORDS[raw]
    if family == "circled":
        return _CIRCLED.index(raw) + 1
    if len(raw) == 2:  # 十一 … 十九
        return 10 + _CN_VALUE.get(raw[1], 0) if raw[0] == "十" else 0
    return _CN_VALUE.get(raw, 0)


def find_markers(text: str) -> list[Marker]:
    """Enumeration markers that start a statement and continue a sequence (一 before 二 …)."""
    cands: list[Marker] = []
    for family, rx in _MARKERS:
        for m in rx.finditer(text):
            s = m.start()
            if s > 0 and text[s - 1] not in _MARKER_BEFORE:
                continue
            n = _ordinal(family, m.group("n"))
            if n <= 0:
                continue
            cands.append(Marker(family, n, s, m.end()))
    cands.sort(key=lambda m: m.start)
    # a marker counts when its family's sequence is consistent: 1 starts it, n follows n-1
    accepted: list[Marker] = []
    last: dict[str, int] = {}
    for i, m in enumerate(cands):
        prev = last.get(m.family, 0)
        if m.ordinal == prev + 1 or (m.ordinal == 1 and prev >= 1):
            # a lone "1." or "一是" is a marker only when "2." / "二是" follows (or 一是 opens a line)
            lone = m.ordinal == 1 and m.family in ("num", "circled", "shi", "order", "di", "qi", "cn_dun") and not any(
                c.family == m.family and c.ordinal == 2 for c in cands[i + 1 :]
            )
            if lone and (m.family != "shi" or not _line_start(text, m.start)):
                continue
            last[m.family] = m.ordinal
            accepted.append(m)
    # nested markers at one position (e.g. "（一）1.") keep the first
    out: list[Marker] = []
    for m in accepted:
        if out and m.start < out[-1].end:
            continue
        out.append(m)
    return out


def _line_start(text: str, pos: int) -> bool:
    return pos == 0 or text[pos - 1] == "\n"


def _is_wrap(text: str, nl: int) -> bool:
    """A line break inside a sentence (a wrapped line in a text export), not a paragraph break."""
    line_start = text.rfind("\n", 0, nl) + 1
    line = text[line_start:nl].rstrip()
    nxt_end = text.find("\n", nl + 1)
    nxt = text[nl + 1 : nxt_end if nxt_end >= 0 else len(text)].lstrip()
    if not line or not nxt:
        return False
    if line[-1] in _SENT_END or line[-1] in "：:" or line[-1] in _CLOSERS:
        return False
    # a short numbered line without punctuation is a heading ("（一）完善信息公开配套工作")
    family = _leading_marker(line)
    if family and family != "shi" and len(line) <= 40:
        return False
    if len(line) <= 12 and not family:
        return False  # a short title line
    return _leading_marker(nxt) is None


def _leading_marker(line: str) -> str | None:
    """The enumeration family a line starts with (no sequence check: one line alone)."""
    for family, rx in _MARKERS:
        m = rx.match(line)
        if m and _ordinal(family, m.group("n")) > 0:
            return family
    return None


def split_sentences(text: str) -> list[Sentence]:
    """Sentences ended by 。！？；, paragraph breaks, and before enumeration markers."""
    cuts: set[int] = set()
    markers = {m.start: m for m in find_markers(text)}
    cuts.update(markers)
    para_breaks: set[int] = set()
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in _SENT_END:
            j = i + 1
            while j < n and (text[j] in _CLOSERS or text[j] in _SENT_END):
                j += 1
            cuts.add(j)
            i = j
            continue
        if ch == "\n" and not _is_wrap(text, i):
            cuts.add(i + 1)
            para_breaks.add(i + 1)
        i += 1
    bounds = sorted(c for c in cuts if 0 < c < n)
    out: list[Sentence] = []
    para = 0
    prev = 0
    for b in [*bounds, n]:
        if prev in para_breaks:
            para += 1
        s, e = prev, b
        while s < e and text[s] in " \t\u3000\n\r":
            s += 1
        while e > s and text[e - 1] in " \t\u3000\n\r":
            e -= 1
        if e > s:
            out.append(Sentence(s, e, text[s:e], markers.get(s), para))
        prev = b
    for a, b in itertools.pairwise(out):
        if a.marker is None and b.marker is not None and a.text.endswith(("，", ",", "：", ":")):
            a.lead = True
    return out


# -- problem / improvement statements ---------------------------------------

_IMPROVE_CUE = re.compile(
    r"下一步|下步|今后|接下来|改进|整改|措施|打算|努力|计划|针对|将(?:从|重点|着力|切实|继续|进一步|采取|持续|抓好|做好|以)"
)
_PROBLEM_CUE = re.compile(r"问题|不足|差距|短板|薄弱|表现在|主要是|主要有|弱项|欠缺")
# a lead-in clause that opens an improvement statement: "针对存在问题，下一步，我市将…"
_LEAD_CLAUSE = re.compile(
    r"^(?:(?:针对|对照|结合|围绕|按照)[^，,。；]{0,20}[，,]|(?:下一步|下步|今后|接下来|为此|对此|同时|此外|另外)(?:工作中)?[，,]?"
    r"|20\d\d年(?:度)?[，,]?)"
)
_SUBJECT_WILL = re.compile(
    r"^(?:我们|我[市区县镇乡局委厅办院部街]|本(?:单位|机关|部门|局|委|镇|街道)|[\u4e00-\u9fff]{2,8}?(?:政府|办公室|办|局|镇|街道))?"
    r"(?:还|仍)?(?:将|要|会)(?:继续)?"
)
_INLINE_LIST = re.compile(r"(?:主要(?:是|有|表现为|表现在|体现在)|具体(?:是|表现为|表现在)|包括)[：:]?")
_RU_LIST = re.compile(r"(?:^|[，,。：:])(?:例如|比如|如)(?=[^，,。；]{4,})")
_DENG = re.compile(r"等(?:问题|方面|不足|情况|短板|现象)?(?:的问题)?[。；;！!]?$")
_EXIST_LIST = re.compile(r"(?:仍|还|依然|尚)?存在(?:着)?(?P<body>[^。；]*?、[^。；]*?)等(?:问题|不足|方面|短板|情况)")
_INTRODUCES = re.compile(r"(?:但|然而|不过)[^。]*(?:存在|还有)[^。]{0,12}(?:问题|不足|差距)[^。；，]{0,6}[。；]?$")
_TRIM = "。；;，,：: \t\n\u3000"
_HEADING_CUE_ONLY = re.compile(
    r"^(?:(?:存在|主要|面临)(?:的)?(?:主要)?(?:问题|不足)(?:及|和|与)?(?:改进(?:情况|措施|方向)?)?(?:方面)?"
    r"|(?:下一步|下步|今后)?(?:工作)?(?:改进|整改)(?:情况|措施|方向|计划)?|(?:下一步|下步|今后)(?:工作)?(?:打算|计划|安排|思路)"
    r"|(?:问题|不足)(?:和|及)(?:改进|建议)(?:情况|措施)?)[：:。]?$"
)


_SHORTCOMING = re.compile(r"(?:需要|有待|亟待|仍需|还需)[^。；]{0,6}改进的地方|不足之处|薄弱环节")


def cue_of(text: str) -> str | None:
    """The label a lead-in sentence sets for what follows, if it says one."""
    if _SHORTCOMING.search(text) and not re.search(r"下一步|下步|今后|针对|将", text):
        return "problem"
    if _IMPROVE_CUE.search(text):
        return "improvement"
    if _PROBLEM_CUE.search(text):
        return "problem"
    return None


def strip_lead(text: str) -> int:
    """Length of a leading context clause ("针对存在问题，下一步，我市将") to drop from a statement."""
    pos = 0
    while True:
        m = _LEAD_CLAUSE.match(text[pos:])
        if not m or not m.group(0):
            break
        pos += m.end()
    m = _SUBJECT_WILL.match(text[pos:])
    if m and m.group(0) and len(text) - pos - m.end() >= 4:
        pos += m.end()
    return pos


def _clean_span(text: str, start: int, end: int, list_item: bool = False) -> tuple[int, int]:
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if list_item:
        m = _DENG.search(text[start:end])
        if m and end - start - len(m.group(0)) >= 4:
            end = start + m.start()
    return start, end


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a list body by its strongest separator (；, then ，, then 、)."""
    body = text[start:end]
    for sep in "；;", "，,", "、":
        if any(c in body for c in sep):
            parts: list[tuple[int, int]] = []
            s = start
            for i in range(start, end):
                if text[i] in sep:
                    parts.append((s, i))
                    s = i + 1
            parts.append((s, end))
            parts = [_clean_span(text, a, b, True) for a, b in parts]
            parts = [(a, b) for a, b in parts if b - a >= 2]
            if len(parts) >= 2 and all(b - a >= 4 for a, b in parts):
                return parts
    return [_clean_span(text, start, end, True)]


def inline_list(text: str, sent: Sentence) -> list[tuple[int, int]]:
    """Items of a colon or 如/存在…等 list inside one sentence, as offsets into ``text``."""
    s = sent.text
    m = _INLINE_LIST.search(s)
    if m and m.end() < len(s) - 3:
        return _split_list(text, sent.start + m.end(), sent.end)
    m = _RU_LIST.search(s)
    if m and _DENG.search(s):
        return _split_list(text, sent.start + m.end(), sent.end)
    m = _EXIST_LIST.search(s)
    if m:
        return _split_list(text, sent.start + m.start("body"), sent.start + m.end("body"))
    m = re.search(r"[：:]", s)
    if m and cue_of(s[: m.start()]) and m.end() < len(s) - 8:
        parts = _split_list(text, sent.start + m.end(), sent.end)
        if len(parts) >= 2:
            return parts  # "…还有差距：A，B，C。"
    return []


def _is_lead_in(s: Sentence) -> bool:
    body = s.text[s.body_start - s.start :].strip()
    if s.marker is not None:
        return bool(_HEADING_CUE_ONLY.match(body))
    return s.lead or body.endswith(("：", ":")) or bool(_HEADING_CUE_ONLY.match(body))


def find_items(text: str, sentences: list[Sentence] | None = None) -> list[Item]:
    """Problem and improvement statements of a passage, with the label their context gives."""
    sents = sentences if sentences is not None else split_sentences(text)
    # blocks: runs of sentences under one lead-in (a context switch starts a block)
    blocks: list[tuple[str | None, list[int]]] = [(None, [])]
    marked_since_lead = False
    intros: set[int] = set()
    for i, s in enumerate(sents):
        if _is_lead_in(s):
            cue = cue_of(s.text)
            blocks.append((cue if cue else blocks[-1][0], [i]))
            marked_since_lead = False
            continue
        if s.marker is not None:
            marked_since_lead = True
        elif not marked_since_lead and blocks[-1][0] is None and _is_intro(text, sents, i):
            # "…还有一些需要加强和改进的地方。" before a list: introduces, states nothing itself
            cue = cue_of(s.text)
            blocks.append(("problem" if cue == "problem" else blocks[-1][0], [i]))
            intros.add(i)
            continue
        lead = strip_lead(s.text) if not s.marker else 0
        if marked_since_lead and _sequence_goes_on(sents, i):
            lead = 0  # "一是X。下一步，将Y。二是…": a follow-up inside the list, not a new block
        if not s.marker and lead and _LEAD_CLAUSE.match(s.text) and cue_of(s.text[: max(lead, 1)]) == "improvement":
            blocks.append(("improvement", [i]))
            continue
        if not s.marker and cue_of(s.text) == "problem" and (inline_list(text, s) or s is sents[0]):
            blocks.append(("problem", [i]))
            continue
        blocks[-1][1].append(i)
    for cue, idx in blocks:
        for i in idx:
            sents[i].cue = cue
    items: list[Item] = []
    structured = any(cue for cue, _ in blocks) or any(s.marker is not None for s in sents)
    for cue, idx in blocks:
        idx = [i for i in idx if i not in intros]
        if not idx or (cue is None and structured and not any(sents[i].marker for i in idx)):
            continue  # prose before the first lead-in or list of a structured passage states nothing
        marked = [i for i in idx if sents[i].marker is not None and not _is_lead_in(sents[i])]
        if marked:
            items += _marked_items(text, sents, idx, marked, cue)
        else:
            items += _plain_items(text, sents, idx, cue)
    return items


def _sequence_goes_on(sents: list[Sentence], i: int) -> bool:
    """The numbered list before sentence ``i`` continues after it."""
    last = next((sents[j].marker for j in range(i - 1, -1, -1) if sents[j].marker), None)
    if last is None:
        return False
    return any(s.marker and s.marker.family == last.family and s.marker.ordinal == last.ordinal + 1
               for s in sents[i + 1 :])


def _is_intro(text: str, sents: list[Sentence], i: int) -> bool:
    """An unmarked sentence right before a lead-in or the first numbered statement."""
    if i + 1 >= len(sents) or inline_list(text, sents[i]):
        return False
    nxt = sents[i + 1]
    return nxt.marker is not None or _is_lead_in(nxt)


def _follow_up(s: Sentence) -> int:
    """Length of the lead clause when ``s`` turns to what will be done ("下一步，将…"), else 0."""
    lead = strip_lead(s.text)
    return lead if lead and cue_of(s.text[:lead]) == "improvement" else 0


def _marked_items(text: str, sents: list[Sentence], idx: list[int], marked: list[int], cue: str | None) -> list[Item]:
    out: list[Item] = []
    if cue is None and any(i > marked[0] and i not in marked and _follow_up(sents[i]) for i in idx):
        cue = "problem"  # "一是X不足。下一步，将Y。二是…": the numbered ones are the problems
    for i in idx:
        s = sents[i]
        if i < marked[0]:
            if not _is_lead_in(s):
                out += _list_items(text, inline_list(text, s), cue, i)
            continue
        if i in marked:
            a, b = _clean_span(text, s.body_start, s.end)
            if b - a >= 2:
                family = s.marker.family if s.marker else ""
                out.append(Item(a, b, _flat(text[a:b]), cue, s.text, family, [i]))
            continue
        if _is_lead_in(s):
            continue
        # elaboration of the previous item, unless it turns to what will be done about it
        lead = _follow_up(s)
        if cue == "problem" and lead:
            a, b = _clean_span(text, s.start + lead, s.end)
            s.cue = "improvement"
            out.append(Item(a, b, _flat(text[a:b]), "improvement", s.text, "follow-up", [i]))
            continue
        if out:
            out[-1].context += s.text
            out[-1].sentences.append(i)
    return out


def _plain_items(text: str, sents: list[Sentence], idx: list[int], cue: str | None) -> list[Item]:
    out: list[Item] = []
    for i in idx:
        s = sents[i]
        if _is_lead_in(s):
            continue
        parts = inline_list(text, s)
        if parts:
            out += _list_items(text, parts, cue, i)
            continue
        if cue == "problem" and _INTRODUCES.search(s.text):
            continue  # "…取得了一定成绩，但仍存在一些不足。" introduces, it does not state one
        lead = strip_lead(s.text)
        a, b = _clean_span(text, s.start + lead, s.end)
        if b - a >= 4:
            out.append(Item(a, b, _flat(text[a:b]), cue, s.text, "sentence", [i]))
    return out


def _list_items(text: str, parts: list[tuple[int, int]], cue: str | None, i: int) -> list[Item]:
    """The items of one list sentence; each is its own context (the sentence mixes topics)."""
    return [Item(a, b, _flat(text[a:b]), cue, _flat(text[a:b]), "list", [i]) for a, b in parts]


def _flat(s: str) -> str:
    """An item's text without the line breaks of a wrapped line."""
    return re.sub(r"\s*\n\s*", "", s)
