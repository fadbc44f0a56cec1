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
from dataclasses import dataclass, field, replace

from .lexicon import alt

NEXT = alt("next_step")  # 下一步 | 下步 | 今后 | 明年 …: the one "what comes next" vocabulary
YAO = "(?!" + alt("yao_nouns") + ")要"
"""The modal 要 of a plan ("一要…", "我局要…"), not the first character of a noun (要求, 要素)."""
LACK = re.compile(alt("shortfall", "need_words"))
"""A predicate of lack: a shortfall ("不够及时", "有待提高") or a need ("仍需进一步完善")."""

CN_DIGITS = "一二三四五六七八九十"
_CN_VALUE = {c: i + 1 for i, c in enumerate(CN_DIGITS)}
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"

# one alternative per enumeration family; group "n" is the ordinal
_MARKERS = [
    ("shi", re.compile(rf"(?P<n>[{CN_DIGITS}]{{1,2}})是")),
    # "（二）是健全…": a 是 after the bracket belongs to the marker
    ("paren_cn", re.compile(rf"[（(](?P<n>[{CN_DIGITS}]{{1,2}})[)）](?:是(?=[^，,。；;：:]{{4}}))?")),
    ("cn_dun", re.compile(rf"(?P<n>[{CN_DIGITS}]{{1,2}})[、．.](?![\d])")),
    ("paren_num", re.compile(r"[（(](?P<n>\d{1,2})[)）]")),
    ("num", re.compile(r"(?P<n>\d{1,2})(?:[.．、]|[)）](?![\d]))(?![\d.．])")),
    ("di", re.compile(rf"第(?P<n>[{CN_DIGITS}]{{1,2}})(?:[，,、：:]|是)")),
    ("qi", re.compile(rf"其(?P<n>[{CN_DIGITS}])[，,、：:是]")),
    ("yao", re.compile(rf"(?P<n>[{CN_DIGITS}]){YAO}")),
    ("order", re.compile(r"(?P<n>首先|其次|再次|最后)[，,、]")),
    ("circled", re.compile(rf"(?P<n>[{_CIRCLED}])")),
    # "问题一：…措施：…问题二：…": a numbered problem label
    ("label", re.compile(rf"(?:问题|不足|短板)(?P<n>[{CN_DIGITS}]{{1,2}})[：:]")),
    # "一方面…，另一方面…"; may follow its subject ("我委一方面要…")
    ("aspect", re.compile(r"(?<!另)(?P<n>一方面|另一方面)(?:[，,]|要|将)?")),
]
_NEED_TWO = ("num", "circled", "shi", "order", "di", "qi", "cn_dun", "label", "aspect", "yao")
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
    plan: bool = False
    """Set by ``find_items``: the sentence itself says what will be done ("下一步，将…", "2025年，我局拟…")."""

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
    if family == "aspect":
        return 2 if raw == "另一方面" else 1
    if family == "label":
        return _CN_VALUE.get(raw, 0) if len(raw) == 1 else 0
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
            if s > 0 and text[s - 1] not in _MARKER_BEFORE and family != "aspect" \
                    and not (family == "shi" and _after_subject(text, s)):
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
            lone = m.ordinal == 1 and m.family in _NEED_TWO and not any(
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


def _after_subject(text: str, pos: int) -> bool:
    """``pos`` follows a bare subject ("2025年，我局一是要…", "下一步我们一是…"): a list may start there."""
    k = pos
    while k > 0 and text[k - 1] not in _MARKER_BEFORE:
        k -= 1
    return bool(_SUBJECT_ONLY.fullmatch(text[k:pos]))


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
    if _HEADING_CUE_ONLY.match(nxt.strip()):
        return False  # "改进措施" on its own line starts a block
    # wrapped prose ends its paragraphs with 。 at some line end; a passage where no line does is a list
    # of bare lines, one entry a line ("存在问题\n栏目更新不及时\n…"), and joins nothing
    if not any(x.rstrip()[-1:] in _SENT_END for x in text.split("\n")):
        return False
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
        if a.marker is None and b.marker is not None and (a.text.endswith(("，", ",", "：", ":"))
                                                      or (b.start == a.end and _after_subject(text, b.start))):
            a.lead = True
    return out


# -- problem / improvement statements ---------------------------------------

_IMPROVE_CUE = re.compile(
    alt("next_step", "measures", "refers_back") + r"|将(?:从|重点|着力|切实|继续|进一步|采取|持续|抓好|做好|以)"
)
_PROBLEM_CUE = re.compile(alt("problem_words"))
BOTH_CUE = re.compile(r"(?:问题|不足)(?:及|和|与|以及)(?:其)?(?:改进|整改)")
"""A lead-in naming both halves ("存在问题及改进措施："): it sets neither side, the statements' own wording decides
(public: the clause tagger's block context reads it too)."""
# a lead-in clause that opens an improvement statement: "针对存在问题，下一步，我市将…"
_LEAD_CLAUSE = re.compile(
    r"^(?:(?:针对|对照|结合|围绕|按照)[^，,。；]{0,20}[，,]"
    r"|(?:" + NEXT + r"|为此|对此|同时|此外|另外|今年|下一年度?)(?:工作中|里|中)?[，,]?"
    r"|20\d\d年(?:度)?[，,]?|(?:工作中|经检查|自查中?|检查中)发现[，,]|[^，,。；：:]{0,10}(?:评估|检查|督查|测评|调查)(?:中)?(?:指出|发现|显示|反映)[，,]|在[^，,。；：:]{2,10}(?:上|方面)[，,])"
)
# the subject of a plan: 我们 / 我局 / 本机关, or any body named by its kind ("区政府", "省政府办公厅", "街道")
_BODY = "(?:" + alt("bodies") + ")"
_SUBJECT_ONLY = re.compile(
    rf"(?:{NEXT})?(?:我们|我[\u4e00-\u9fff]|本(?:单位|机关|部门|局|委|镇|街道)|[\u4e00-\u9fff]{{0,8}}?{_BODY})(?:还|仍|将)?"
)
_SUBJECT_WILL = re.compile(
    rf"^(?:我们|我[\u4e00-\u9fff]|本(?:单位|机关|部门|局|委|镇|街道)|[\u4e00-\u9fff]{{0,8}}?{_BODY})?"
    r"(?:还|仍)?(?:打算)?(?:将|" + YAO + r"|会|拟|计划)(?:于?(?:20\d\d年|明年|新的一年)(?:内|里|中)?)?(?:继续)?[：:]?"
)
_PREPS = ("针对", "对照", "结合", "围绕", "按照")
# what a context clause refers to ("针对存在问题，", "对照上级要求，")
_CONTEXT_WORDS = re.compile(r"问题|不足|短板|要求|部署|精神|规定|安排|意见|上述|以上|这些|实际|情况")
# the lead of a sentence ends in "将 / 拟 / 要": it says what will be done
_WILL_END = re.compile(r"(?:将|拟|要|计划)(?:于(?:20\d\d年|明年|新的一年)(?:内|里|中)?)?(?:继续)?[：:]?$")
# words that put a plan in the future whatever the report's year
_FUTURE = re.compile(r"拟|计划|将于|" + NEXT)
# "将X纳入Y": 将 marks the object (what was done), it does not say "will"
_BA = re.compile(r"^[^，,。；;]{1,30}?(?:纳入|列入|列为|作为|融入|摆在|放在|确定为|当作|落实到|贯穿)")
_SHORTFALL = re.compile(alt("shortfall"))
_INLINE_LIST = re.compile(
    r"(?:主要(?:是|有|表现为|表现在|体现在)|具体(?:是|表现为|表现在)|包括"
    r"|(?:存在的|主要的?)(?:主要)?(?:问题|不足|困难)(?:是|为|有)|不足之处(?:是|为|在于|主要是)"
    r"|(?:问题|不足|短板|弱项|薄弱环节)(?:主要)?(?:在于|体现在|表现在))[：:]?"
)
_RU_LIST = re.compile(r"(?:^|[，,。：:])(?:例如|比如|如)(?=[^，,。；]{4,})")
_DENG = re.compile(r"等(?:问题|方面|不足|情况|短板|现象)?(?:的问题)?[。；;！!]?$")
_EXIST_LIST = re.compile(
    # not "…等问题的账号" (a description of what was checked)
    r"(?:仍|还|依然|尚)?(?:存在|面临)(?:着)?(?P<body>[^。；]*?、[^。；]*?)(?:等|的)(?:问题|不足|方面|短板|情况|现象)(?!的)"
)
# "在A、B以及C等方面还存在不足", "在A、B上仍有不足"
_ASPECT_LIST = re.compile(
    r"在(?P<body>[^。；在，,]{4,40}?)(?:等方面|等|方面|上)(?:都|均)?(?:还|仍|依然|尚)?(?:存在|有)(?:一些|一定的?)?"
    r"(?:不足|差距|短板|问题|欠缺)"
)
# "在A、B以及C等方面仍有提升空间 / 有待加强 / 仍需…改进": the same frame, any predicate saying it falls short
_ASPECT_FRAME = re.compile(
    r"(?<![存现正所实])在(?P<body>[^。；在，,]{4,40}?、[^。；在，,]{2,40}?)(?:等方面|等|方面)(?!(?:问题|不足)?的)"
    r"(?P<pred>[^。；，,]{2,24})"
)
# "A、B、C等存在不规范的情况", "A、B和C需要在今后工作中改进": a list of subjects before one predicate
_SUBJECT_LIST = re.compile(
    r"(?:^|[，,：:])(?P<body>[^。；，,：:在]{2,30}?、[^。；，,：:]{2,60}?)(?:等)?(?:方面)?(?:都|均|也|还|仍|尚)*"
    r"(?=存在|需要|有待|亟待|仍需|还需|尚需)"
)
_FALLS_SHORT = re.compile(alt("shortfall", "problem_words") + r"|需|改进|加强|提升|提高")
# "存在X的问题", "面临X的问题" (one problem, no list)
_EXIST_ONE = re.compile(
    r"(?:存在|面临)(?:着)?(?!以下|如下|一些|一定|不少|主要|较多|诸多|的)(?P<body>[^。；、，,：:]{4,60}?)(?:等)?(?:的)?(?:问题|现象)"
)
# "A和B两个方面"
_TWO_ASPECTS = re.compile(r"^(?P<a>[^。；、]{4,}?)(?:和|以及|与)(?P<b>[^。；、]{4,}?)(?:两|几)个(?:方面)?$")
_INTRODUCES = re.compile(r"(?:但|然而|不过)[^。]*(?:存在|还有)[^。]{0,12}(?:问题|不足|差距|距离)[^。；，]{0,6}[。；]?$")
# a sentence or clause that only says there is a gap, naming none ("…相比还有差距", "仍存在一些短板")
_GAP_ONLY = re.compile(
    r"(?:存在|还有|仍有|尚有|有|还|仍)(?:着)?(?:一些|一定|不少|不小|较大|较多|以下|如下)?(?:的)?"
    r"(?:问题|不足|差距|距离|短板|薄弱环节|弱项|不足之处|提升空间|改进空间"
    r"|(?:需要|有待|亟待|仍需|还需)(?:进一步)?(?:加强|改进|完善|提升|提高)(?:和(?:加强|改进|完善|提升|提高))?的地方"
    r"|做得(?:还)?不够(?:好|到位)?)"
    r"(?:和|与|及)?(?:不足|短板|弱项|差距)?[。；;，,：:]?$"
)
_TRIM = "。；;，,：: \t\n\u3000"
_HEAD_TRIM = _TRIM + "—-•●■◆▪·"
_HEADING_CUE_ONLY = re.compile(
    r"^(?:(?:存在|主要|面临)(?:的)?(?:主要)?(?:问题|不足)(?:及|和|与)?(?:改进(?:情况|措施|方向)?)?(?:方面)?"
    rf"|(?:{NEXT})?(?:工作)?(?:改进|整改)(?:情况|措施|方向|计划)?|(?:{NEXT})(?:工作)?(?:打算|计划|安排|思路|重点)?"
    r"|(?:问题|不足)(?:和|及)(?:改进|建议)(?:情况|措施)?"
    # any short title made only of these words: "工作中的不足", "上年度问题整改情况", "努力方向",
    # "政府信息公开工作存在的问题"
    rf"|(?:{NEXT}|存在|的|主要|政府信息公开|信息公开|政务公开|工作中|工作|上年度|上一年度|本年度|今年|本年|20\d\d年度?|年度|问题|不足|改进|整改"
    r"|及|和|与|方面|中"
    r"|落实|努力|面临|困难|差距|短板|弱项|存在的)*(?:问题|不足|困难|短板|差距|改进|整改|措施|举措|对策|打算|计划|方向|安排|思路|情况))[：:。]?$"
)
# a short label ending in a colon that opens a sentence ("措施：…", "整改情况：…")
_LABEL_COLON = re.compile(r"^(?P<label>[^，,。；;：:]{1,10})[：:]")
# "解决办法和改进措施": a label that ends in what it introduces
_LABEL_END = re.compile(r"(?:措施|举措|对策|打算|问题|不足)$")
_LABEL_WORD = re.compile(r"(?:问题|不足|措施|举措|对策|整改|改进|打算|方向)[^，,]{0,4}")
# "将重点做好三方面工作：A；B": a lead ending in a colon before the statement
_LIST_LEAD = re.compile(r"[^，,。；;：:]{0,24}?(?:以下|如下|方面|几点|工作|措施|改进)[^，,。；;：:]{0,6}[：:]")
_MIXED_TURN = re.compile(r"[，,](?=(?:" + NEXT + r")[，,]?(?:我们|我[市区县镇乡局委厅办])?(?:打算|计划)?(?:将|拟|要))")
# "…还是存在一些问题与不足，A，B": a clause that only says there are problems introduces the list after it, as
# a colon would ("存在一些问题：A，B"); the real passages' labellers split these, one writer did not (README)
_GAP_THEN = re.compile(
    r"(?:存在|还有|仍有|尚有)(?:着)?(?:一些|一定|不少|以下)?(?:的)?(?:问题|不足|差距|短板)"
    r"(?:(?:与|和|及)(?:问题|不足|差距|短板))?[，,]"
)
# "X不高，计划明年…" / "X陈旧，已于年底前…" / "X没有经费，将积极…": a shortfall, then what will be / was done
# about it (only after a clause that names a shortfall: see _split_turn)
_ACT_TURN = re.compile(r"[，,](?=(?:我们|我[市区县镇乡局委厅办])?(?:计划|拟|将(?!其)|已于|已经|已))")
# "针对…指出的X问题，…": a rectification naming last year's problem, then what was done
# "…中我局存在的X问题，今年已整改，Y" (in a rectification block): last year's problem X, then what was done
_RECTIFY_DONE = re.compile(
    r"^[^，,。；;：:]{0,30}?(?:存在|反映|指出|提出|提到)的(?P<p>[^，,。；;、]{2,30}?)(?:的)?问题"
    r"(?:[^，,。；;]{0,8}整改(?:到位|完毕|完成)?)?[，,](?:[^，,。；;]{0,8}整改(?:到位|完毕|完成)?[，,])?"
)
_RECTIFY = re.compile(
    r"^(?:[^，,。；;：:]{4,30}[：:])?(?:(?:本|今|上)?年度?[，,]|20\d\d年度?[，,])?(?:针对|关于|对于)"
    r"(?:[^，,。；]*?(?:指出|提出|提到|反映|发现|存在)的)?(?P<p>[^，,。；]{4,30}?)(?:的)?问题[，,]"
)



_LAST_YEAR = re.compile(r"上一?年度?|去年|上期")
# what was done: "已…", "本年度已…", "均已…"
_DONE = re.compile(r"(?:(?:本|今)年度?[，,]?)?(?:均已|已经|已)")
_SHORTCOMING = re.compile(
    r"(?:需要|有待|亟待|仍需|还需)[^。；]{0,6}(?:改进|加强|提高|完善)(?:的(?:地方|方面)|之处)|不足之处|薄弱环节"
)
# "但也要清醒看到，": a clause that only turns to what follows
_SEE_LEAD = re.compile(r"(?:但|同时)?(?:也|还)?(?:要|应|应当|必须)?(?:清醒|客观|清楚)?(?:地)?(?:看到|认识到)[，,]")
# "虽然坚持X，但Y不足": what was done is conceded, the shortfall is after 但
_CONCESSIVE = re.compile(r"^[^。；]*?(?:虽然|虽|尽管)[^。；]*?[，,](?:但是|但|却)")


_TURN_BUT = re.compile(r"[，,](?:但是|但|然而|不过)")
"""A lead-in's turn: what it introduces comes after it ("…努力推进各项工作，取得了成效，但对照要求仍有一些不足：")."""


def cue_of(text: str) -> str | None:
    """The label a lead-in sentence sets for what follows, if it says one; after a turn (但, 然而), the label the
    words after the last turn say, as what was done before it is conceded, not introduced."""
    if BOTH_CUE.search(text):
        return None
    turns = list(_TURN_BUT.finditer(text))
    if turns and (after := cue_of(text[turns[-1].end() :])) is not None:
        return after
    lead = strip_lead(text)
    if lead and _WILL_END.search(text[:lead]) and not (text[lead - 1] == "将" and _BA.match(text[lead:])):
        return "improvement"  # "2025年，我们要着力解决上述问题："
    if text.rstrip().endswith(("：", ":")) and _WILL_END.search(text.rstrip()) \
            and _SUBJECT_WILL.search(text[strip_lead(text) :].rstrip()):
        return "improvement"  # "2023年，市政府办公室将：（一）…"
    if _SHORTCOMING.search(text) and not re.search(NEXT + r"|针对|将", text):
        return "problem"
    if _IMPROVE_CUE.search(text):
        return "improvement"
    if _PROBLEM_CUE.search(text):
        return "problem"
    return None


def says_plan(text: str, lead: int) -> bool:
    """The lead ``text[:lead]`` turns to what will be done: an improvement cue, or "…将 / 拟 / 要"."""
    if lead <= 0:
        return False
    if cue_of(text[:lead]) == "improvement":
        return True
    return bool(_WILL_END.search(text[:lead])) and not (text[lead - 1] == "将" and _BA.match(text[lead:]))


def strip_lead(text: str) -> int:
    """Length of a leading context clause ("针对存在问题，下一步，我市将") to drop from a statement."""
    pos = 0
    while True:
        m = _LEAD_CLAUSE.match(text[pos:])
        if not m or not m.group(0):
            break
        clause = m.group(0)
        if clause[:2] in _PREPS and not _CONTEXT_WORDS.search(clause):
            # "对照标准目录重新梳理栏目设置，…" is the statement itself, unless a lead or "我局将" follows
            rest = text[pos + m.end() :]
            nxt = _LEAD_CLAUSE.match(rest)
            will = _SUBJECT_WILL.match(rest)
            if not (nxt and nxt.group(0)) and not (will and will.group(0)):
                break
        pos += m.end()
    m = _SUBJECT_WILL.match(text[pos:])
    if m and m.group(0) and len(text) - pos - m.end() >= 4:
        pos += m.end()
    return pos


_LONE_SHI = re.compile(r"[一二三四五六七八九十]是(?=[^，,。；;：:]{4})")
"""An enumeration word inside a sentence that no marker split ("还有一些不足，一是X。" with no 二是)."""


def _clean_span(text: str, start: int, end: int, list_item: bool = False) -> tuple[int, int]:
    while start < end and text[start] in _HEAD_TRIM:
        start += 1
    m = _LONE_SHI.match(text, start, end)
    if m:
        start = m.end()
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    if list_item:
        m = _DENG.search(text[start:end])
        if m and end - start - len(m.group(0)) >= 4:
            end = start + m.start()
    return start, end


_AND_ALSO = ("以及", "还有", "另外")
_COUNT_LEAD = re.compile(r"(?:以下)?[一二两三四五六七八九十\d]{1,2}(?:点|个方面|方面|项|条)[：:]")
_MODAL_YAO = re.compile(YAO)


def _split_list(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Split a list body by its strongest separator (；, then ，, then 、)."""
    body = text[start:end]
    m = _TWO_ASPECTS.match(body.strip(_TRIM))
    if m:  # "A和B两个方面"
        off = start + len(body) - len(body.lstrip(_TRIM))
        return [_clean_span(text, off + m.start(g), off + m.end(g)) for g in ("a", "b")]
    for sep in "；;", "，,", "、":
        if any(c in body for c in sep):
            parts: list[tuple[int, int]] = []
            s = start
            for i in range(start, end):
                if text[i] in sep:
                    parts.append((s, i))
                    s = i + 1
                elif sep == "、" and text.startswith("以及", i) and i >= s + 4:
                    parts.append((s, i))  # "A、B以及C"
                    s = i + 2
            parts.append((s, end))
            parts = [_clean_span(text, a, b, True) for a, b in parts]
            if sep == "、":  # "A、B和C": the last entry joined by 和
                parts = [q for a, b in parts for q in _split_and(text, a, b, 2)]
            # drop clauses that state nothing: "仍有不小差距", a lead-in "在栏目设置上"
            parts = [(a, b) for k, (a, b) in enumerate(parts) if b - a >= 2 and not _GAP_ONLY.search(text[a:b])
                     and not (k == 0 and sep in "，," and _LEAD_CLAUSE.fullmatch(text[a:b] + "，"))]
            if sep in "，," and len(parts) == 2 and text.startswith(_AND_ALSO, parts[1][0]):
                a, b = parts[1]  # "A，以及B": two statements
                k = next(len(w) for w in _AND_ALSO if text.startswith(w, a))
                return [parts[0], _clean_span(text, a + k, b, True)]
            if sep in "，," and len(parts) == 2 and not _DENG.search(body):
                # two comma clauses are a statement and its detail ("X不高，对…把握不准");
                # a list of statements is longer or ends in 等
                return [_clean_span(text, parts[0][0], parts[1][1], True)]
            if len(parts) >= 2 and all(b - a >= (2 if sep == "、" else 4) for a, b in parts):
                return parts  # short noun phrases under one frame are items too ("及时性、完整性")
            if len(parts) == 1 and sep in "，,":
                return parts
    a, b = _clean_span(text, start, end, True)
    return _split_and(text, a, b)


_AND = re.compile(r"和|以及")
_ASPECT_END = re.compile(r"(?:等)?(?:方面)?(?<![网线])上$|方面$")


def _split_and(text: str, a: int, b: int, least: int = 4) -> list[tuple[int, int]]:
    """A list entry "A和B" of two statements or aspects, each of ``least`` characters or more, is two entries
    when each side says its own shortfall or neither does ("公开形式单一和工作人员业务不熟", "信息公开的主动性和公开
    内容的完整性上"), one when a predicate after B covers both ("内容的深度和广度还有待提升")."""
    m = _ASPECT_END.search(text, a, b)
    if m and m.start() - a >= 4:
        b = m.start()
    hits = [m for m in _AND.finditer(text, a, b)]
    if len(hits) != 1 or hits[0].start() - a < least or b - hits[0].end() < least \
            or any(c in text[a:b] for c in "，,；;（(“"):
        return [(a, b)]
    if bool(_SHORTFALL.search(text, a, hits[0].start())) != bool(_SHORTFALL.search(text, hits[0].end(), b)):
        return [(a, b)]  # "深度和广度还有待提升": one predicate over both, one statement
    return [_clean_span(text, a, hits[0].start(), True), _clean_span(text, hits[0].end(), b, True)]


def inline_list(text: str, sent: Sentence) -> list[tuple[int, int]]:
    """Items of a colon or 如/存在…等 list inside one sentence, as offsets into ``text``."""
    s = sent.text
    m = _INLINE_LIST.search(s)
    if m and m.end() < len(s) - 3:
        count = _COUNT_LEAD.match(s, m.end())  # "主要有两点：A；B"
        return _split_list(text, sent.start + (count.end() if count else m.end()), sent.end)
    m = _RU_LIST.search(s)
    if m and (_DENG.search(s) or (m.start() > 0 and _GAP_ONLY.search(s[: m.start() + 1]))):
        return _split_list(text, sent.start + m.end(), sent.end)
    m = _EXIST_LIST.search(s)
    if m:
        return _lacks_before(text, sent, m.start()) + _split_list(text, sent.start + m.start("body"),
                                                                  sent.start + m.end("body"))
    m = _ASPECT_LIST.search(s)
    if m:
        return _split_list(text, sent.start + m.start("body"), sent.start + m.end("body"))
    m = _ASPECT_FRAME.search(s)
    if m and _FALLS_SHORT.search(m.group("pred")):
        return _split_list(text, sent.start + m.start("body"), sent.start + m.end("body"))
    m = _SUBJECT_LIST.search(s)
    if m and not _IMPROVE_CUE.search(s[: m.start("body")]):
        return _split_list(text, sent.start + m.start("body"), sent.start + m.end("body"))
    m = _EXIST_ONE.search(s)
    if m and not s.startswith("针对") and not re.search(NEXT + r"|将", s[: m.start()]) \
            and not _MIXED_TURN.search(s):
        return [*_lacks_before(text, sent, m.start()),
                _clean_span(text, sent.start + m.start("body"), sent.start + m.end("body"))]
    m = _GAP_THEN.search(s)
    if m and not _IMPROVE_CUE.search(s[m.end() :]):
        parts = _split_list(text, sent.start + m.end(), sent.end)
        if len(parts) >= 2:
            return parts
    m = re.search(r"[：:]", s)
    if m and cue_of(s[: m.start()]) and m.end() < len(s) - 8:
        if s.endswith(("；", ";")):  # "…薄弱环节：A，B，C；D。": ； separates the entries, so this is one
            return [_clean_span(text, sent.start + m.end(), sent.end, True)]
        if cue_of(s[: m.start()]) == "improvement" and not _DENG.search(s) and not re.search(r"[；;]", s):
            # "整改措施：梳理A，按类别公开，6月底前完成": a measure's clauses (how, when) are one statement
            return [_clean_span(text, sent.start + m.end(), sent.end, True)]
        parts = _split_list(text, sent.start + m.end(), sent.end)
        if parts and parts[0][1] > parts[0][0]:
            return parts  # "…还有差距：A，B，C。", "存在的问题：A，B。"
    return []


def _lacks_before(text: str, sent: Sentence, at: int) -> list[tuple[int, int]]:
    """The comma clauses before a "（还）存在X等问题" frame at ``at`` when each of them says a shortfall of its own
    ("A有待扩大，B不够完善，还存在C等问题": A and B are statements as C is), as one span: where it holds several
    statements is the clause tagger's to say (``decision = clauses_split``). Nothing when any clause before the
    frame does not fall short ("取得了一定成效，但仍存在X等问题") or only says there is a gap."""
    head = sent.text[:at]
    cut = max(head.rfind("，"), head.rfind(","))
    if cut < 0 or head[cut + 1 :].strip("还仍也尚依然 ") != "":
        return []
    body = sent.body_start - sent.start  # after the marker ("一是A有待扩大，…": the span is A…, not 一是A…)
    if cut <= body:
        return []
    a0 = body + strip_lead(head[body:])
    clauses = [c for c in re.split("[，,]", head[a0:cut]) if c.strip()]
    if not clauses or not all(LACK.search(c) and not _GAP_ONLY.search(c) for c in clauses):
        return []
    return [_clean_span(text, sent.start + a0, sent.start + cut)]


def is_lead_in(s: Sentence) -> bool:
    """``s`` heads what follows (a heading line, a lead-in ending in a colon, a marked heading cue): the rules'
    blocks and the clause tagger's block context open here."""
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
    by_sentence = False  # the current block was opened by a statement, not by a lead-in or heading
    for i, s in enumerate(sents):
        if by_sentence and i and s.paragraph != sents[i - 1].paragraph and not s.marker:
            # a block a statement opened ("下一步将…") ends with its paragraph
            blocks.append((None, []))
            by_sentence = False
        label = label_cue(s)
        # "措施：按照…": the label says which side the rest of the sentence is on
        if label and not (marked_since_lead and (_sequence_goes_on(sents, i) or _under_topic(text, sents, i))):
            blocks.append((label, [i]))
            marked_since_lead = False
            by_sentence = False
            continue
        if label:  # "（一）关于X 存在问题：…改进措施：…（二）…": the label speaks for its sentence only
            blocks[-1][1].append(i)
            continue
        if not s.marker and _rectification(s.text) and blocks[-1][0] != "improvement":
            blocks.append(("improvement", [i]))  # "（…整改到位：）针对X问题，Y": what was done
            marked_since_lead = False
            by_sentence = False
            continue
        if is_lead_in(s):
            by_sentence = False
            cue = cue_of(s.text)
            if cue == "improvement" and blocks[-1][0] is None and blocks[-1][1] \
                    and any(sents[j].marker for j in blocks[-1][1]):
                _claim_problems(blocks, sents)  # "一是X不够；二是Y不便。\n2023年，我市将：（一）…"
            if s.lead and i + 1 < len(sents) and _after_subject(text, sents[i + 1].start):
                # "2025年，我局一是要…；二是要…", "今后，我委一方面要…": the subject's plans follow
                nxt = sents[i + 1]
                if cue is None and (re.search(r"(?:要|将|拟)$", text[nxt.start : nxt.body_start].rstrip("，,"))
                                    or re.match(r"(?:将|拟|" + YAO + ")", text[nxt.body_start :])):
                    cue = "improvement"
                s.plan = cue == "improvement"
                if s.plan and blocks[-1][0] is None:
                    _claim_problems(blocks, sents)
            both = bool(BOTH_CUE.search(s.text))  # "（二）存在的问题及改进措施": the statements decide
            blocks.append((cue if cue or both else blocks[-1][0], [i]))
            marked_since_lead = False
            continue
        if s.marker is not None:
            marked_since_lead = True
        elif not marked_since_lead and blocks[-1][0] is None and _is_intro(text, sents, i):
            # "…还有一些需要加强和改进的地方。" before a list: introduces, states nothing itself
            cue = cue_of(s.text)
            blocks.append((cue or blocks[-1][0], [i]))
            intros.add(i)
            continue
        lead = strip_lead(s.text) if not s.marker else 0
        if marked_since_lead and _sequence_goes_on(sents, i):
            lead = 0  # "一是X。下一步，将Y。二是…": a follow-up inside the list, not a new block
        if not s.marker and lead and (_LEAD_CLAUSE.match(s.text) or _SUBJECT_WILL.match(s.text).group(0)) \
                and says_plan(s.text, lead) and blocks[-1][0] != "improvement":
            s.plan = bool(_FUTURE.search(s.text[:lead]))
            if blocks[-1][0] is None:
                _claim_problems(blocks, sents)
            blocks.append(("improvement", [i]))
            by_sentence = True
            continue
        if not s.marker and cue_of(s.text) == "problem" and (inline_list(text, s) or s is sents[0]) \
                and blocks[-1][0] != "problem":
            blocks.append(("problem", [i]))
            by_sentence = True
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
        marked = [i for i in idx if sents[i].marker is not None and not is_lead_in(sents[i])]
        if marked:
            items += _marked_items(text, sents, idx, marked, cue)
        else:
            items += _plain_items(text, sents, idx, cue)
    return items


def _claim_problems(blocks: list[tuple[str | None, list[int]]], sents: list[Sentence]) -> None:
    """"工作中发现，X过于笼统。我们将…": the shortfalls right before a plan are its problems (a block of their own)."""
    k = len(blocks[-1][1])
    while k > 0 and _states_shortfall(sents[blocks[-1][1][k - 1]].text):
        k -= 1
    if k < len(blocks[-1][1]):
        moved = blocks[-1][1][k:]
        del blocks[-1][1][k:]
        blocks.append(("problem", moved))


def _sequence_goes_on(sents: list[Sentence], i: int) -> bool:
    """The numbered list before sentence ``i`` continues after it."""
    last = next((sents[j].marker for j in range(i - 1, -1, -1) if sents[j].marker), None)
    if last is None:
        return False
    return any(s.marker and s.marker.family == last.family and s.marker.ordinal == last.ordinal + 1
               for s in sents[i + 1 :])


def _under_topic(text: str, sents: list[Sentence], i: int) -> bool:
    """The last numbered entry before sentence ``i`` only names a topic ("（二）关于依申请公开")."""
    last = next((sents[j] for j in range(i - 1, -1, -1) if sents[j].marker), None)
    if last is None:
        return False
    a, b = _clean_span(text, last.body_start, last.end)
    return text.startswith("关于", a) and b - a <= 20


def _is_intro(text: str, sents: list[Sentence], i: int) -> bool:
    """An unmarked sentence right before a lead-in or the first numbered statement."""
    if i + 1 >= len(sents) or inline_list(text, sents[i]) or _states_shortfall(sents[i].text):
        return False  # a sentence naming a shortfall states it, whatever follows
    nxt = sents[i + 1]
    return nxt.marker is not None or is_lead_in(nxt)


def _states_shortfall(sentence: str) -> bool:
    """An unmarked sentence that names a shortcoming (not one that only says there are some)."""
    return bool(_SHORTFALL.search(sentence)) and not _INTRODUCES.search(sentence) and not _GAP_ONLY.search(sentence) \
        and not _IMPROVE_CUE.search(sentence)


def _rectification(sentence: str) -> re.Match[str] | None:
    """"针对…指出的X问题，Y" naming a specific problem X (not "针对以上问题"), else None."""
    m = _RECTIFY.match(sentence)
    if m is None:
        # "上年度报告中提出的X问题，本年度已…": last year's problem named, and said done
        m = _RECTIFY_DONE.match(sentence)
        if m is None or not _LAST_YEAR.search(sentence, 0, m.start("p")) \
                or not _DONE.match(sentence[m.end() + strip_lead(sentence[m.end() :]) :]):
            return None
    return m if not re.match(r"(?:以上|上述|这些|存在|前述)", m.group("p")) else None


def label_cue(s: Sentence) -> str | None:
    """'problem' / 'improvement' when ``s`` opens with a short label and colon ("措施：…") that says which."""
    body = s.text[s.body_start - s.start :]  # "（二）改进措施：…": the label after the marker
    m = _LABEL_COLON.match(body)
    if not m or len(body) - m.end() < 4:
        return None
    return _label_cue_of(m.group("label"))


def _label_cue_of(label: str) -> str | None:
    """The side a short heading label says ("存在问题", "改进措施"), if it is only a heading."""
    if not _HEADING_CUE_ONLY.match(label) and not _LABEL_WORD.fullmatch(label) and not _LABEL_END.search(label):
        return None
    return cue_of(label)


def _follow_up_will(rest: str) -> int:
    """Length of the subject and modal opening ``rest`` ("我局将"), kept out of the statement."""
    will = _SUBJECT_WILL.match(rest)
    return will.end() if will and len(rest) - will.end() >= 4 else 0


def _follow_up(s: Sentence) -> int:
    """Length of the lead clause when ``s`` turns to what will be done ("下一步，将…", "措施：…"), else 0."""
    if label_cue(s) == "improvement":
        at = s.body_start - s.start
        m = _LABEL_COLON.match(s.text[at:])
        if not m:
            return 0
        will = _SUBJECT_WILL.match(s.text[at + m.end() :])
        return at + m.end() + (will.end() if will else 0)
    lead = strip_lead(s.text)
    return lead if says_plan(s.text, lead) else 0


def _split_turn(text: str, a: int, b: int, cue: str | None) -> list[tuple[int, int, str | None, str]]:
    """A statement that turns to its fix mid-sentence ("…偏少，今后将要求…"): (start, end, cue, style) parts."""
    m = _MIXED_TURN.search(text, a, b)
    if not m and cue != "improvement":
        m = _ACT_TURN.search(text, a, b)
        if m and not (_SHORTFALL.search(text, a, m.start()) and not _GAP_ONLY.search(text, a, m.start())):
            m = None
    if not m or m.start() - a < 4 or (cue == "improvement" and not _SHORTFALL.search(text, a, m.start())):
        return [(a, b, cue, "")]
    rest = m.end()
    lead = strip_lead(text[rest:b])
    done = re.match(r"(?:已经|已)", text[rest + lead : b])
    lead += done.end() if done else 0
    p0, p1 = _clean_span(text, a, m.start())
    one = _EXIST_ONE.search(text, p0, p1)
    if one:  # "本年度仍存在X的问题，下一步将…"
        p0, p1 = _clean_span(text, one.start("body"), one.end("body"))
    i0, i1 = _clean_span(text, rest + lead, b)
    return [(p0, p1, "problem", "turn"), (i0, i1, "improvement", "turn")]


def _marked_items(text: str, sents: list[Sentence], idx: list[int], marked: list[int], cue: str | None) -> list[Item]:
    out: list[Item] = []
    topic_only: set[int] = set()
    if cue is None and any(i > marked[0] and i not in marked and _follow_up(sents[i]) for i in idx):
        cue = "problem"  # "一是X不足。下一步，将Y。二是…": the numbered ones are the problems
    for i in idx:
        s = sents[i]
        if i < marked[0]:
            if not is_lead_in(s):
                parts = inline_list(text, s)
                out += _list_items(text, parts, cue, i) if parts else _plan_before_list(text, s, cue, i)
            continue
        if i in marked:
            a, b = _clean_span(text, s.body_start, s.end)
            rect = _rectification(text[a:b]) if cue != "problem" else None
            if rect:  # "1.关于“X”问题，已…": last year's problem and what was done, as unnumbered
                out += _rectification_items(text, a, rect, s, i)
                continue
            label = _LABEL_COLON.match(text[a:b])
            if label and _label_cue_of(label.group("label")) and b - a - label.end() >= 4:
                # "（二）解决办法和改进措施：我局将…": the heading on the entry's own line is not the statement
                a += label.end() + _follow_up_will(text[a + label.end() : b])
            if cue != "problem" and _MODAL_YAO.match(text, a) and b - a > 5:
                a += 1  # "一是要…": the statement starts after 要
            family = s.marker.family if s.marker else ""
            if text.startswith("关于", a) and b - a <= 20 and i + 1 < len(sents) and sents[i + 1].marker is None \
                    and (i + 1 not in idx or (i + 1 not in marked and not _follow_up(sents[i + 1]))):
                topic_only.add(i)  # "（一）关于政务新媒体管理。": a topic line; the statement follows
                continue
            if b - a >= 2:
                for x, y, c, style in _split_turn(text, a, b, cue):
                    if y - x >= 2:
                        out.append(Item(x, y, _flat(text[x:y]), c, s.text, style or family, [i]))
            continue
        if i - 1 in topic_only or (topic_only and label_cue(s)):
            own = label_cue(s)  # "存在问题：X" / "改进措施：Y" under a topic line
            lm = _LABEL_COLON.match(s.text) if own else None
            a, b = _clean_span(text, s.start + (lm.end() if lm else 0), s.end)
            for x, y, c, style in _split_turn(text, a, b, own or cue):
                out.append(Item(x, y, _flat(text[x:y]), c, s.text, style or "topic", [i]))
            continue
        if is_lead_in(s):
            continue
        # elaboration of the previous item, unless it turns to what will be done about it
        lead = _follow_up(s)
        if cue == "problem" and lead:
            a, b = _clean_span(text, s.start + lead, s.end)
            s.cue = "improvement"
            out.append(Item(a, b, _flat(text[a:b]), "improvement", s.text, "follow-up", [i]))
            continue
        if out and cue == "improvement" and _ALSO.match(s.text) and len(s.text) - strip_lead(s.text) >= 8:
            # "…。同时，加强对公开信息的质量把控…": a second measure inside the entry
            a, b = _clean_span(text, s.start + strip_lead(s.text), s.end)
            out.append(Item(a, b, _flat(text[a:b]), cue, s.text, "also", [i]))
            continue
        if out:
            out[-1].context += s.text
            out[-1].sentences.append(i)
    return out


_ALSO = re.compile(r"(?:同时|此外|另外|另一方面)[，,]")
_ANNOUNCES = re.compile(r"以下|如下|几点|几个方面|[两三四五六七八九十\d]个?方面|[两三四五六七八九十\d]项|[：:]")


def _plan_before_list(text: str, s: Sentence, cue: str | None, i: int) -> list[Item]:
    """A plan sentence before a numbered list that states measures itself, not announcing the list
    ("2009年，我们将继续加大力度，拓展渠道，完善机制。一是…"; not "下一步，我局将做好以下工作。")."""
    lead = strip_lead(s.text)
    if cue != "improvement" or not says_plan(s.text, lead) or _ANNOUNCES.search(s.text) \
            or not re.search(r"[，,]", s.text[lead:]):
        return []
    a, b = _clean_span(text, s.start + lead, s.end)
    return [Item(a, b, _flat(text[a:b]), cue, s.text, "plan", [i])] if b - a >= 8 else []


def _plain_items(text: str, sents: list[Sentence], idx: list[int], cue: str | None) -> list[Item]:
    out: list[Item] = []
    for i in idx:
        s = sents[i]
        if is_lead_in(s):
            continue
        m = _rectification(s.text) or (_RECTIFY_DONE.match(s.text) if cue == "improvement" else None)
        if m and cue != "problem":
            out += _rectification_items(text, s.start, m, s, i)
            continue
        turn = _MIXED_TURN.search(s.text) if cue != "improvement" else None
        head = replace(s, end=s.start + turn.start(), text=s.text[: turn.start()]) if turn else None
        if turn and head is not None and (parts := inline_list(text, head)):
            # "存在的主要问题是A，下步打算将B": the list, then what will be done about it
            out += _list_items(text, parts, "problem", i)
            rest = s.start + turn.end()
            a, b = _clean_span(text, rest + strip_lead(text[rest : s.end]), s.end)
            if b - a >= 4:
                out.append(Item(a, b, _flat(text[a:b]), "improvement", s.text, "turn", [i]))
            continue
        parts = inline_list(text, s)
        if parts:
            out += _list_items(text, parts, cue, i)
            continue
        if cue == "problem" and (_INTRODUCES.search(s.text) or _GAP_ONLY.search(s.text)):
            continue  # "…取得了一定成绩，但仍存在一些不足。" introduces, it does not state one
        lead = strip_lead(s.text)
        m = _LIST_LEAD.match(s.text[lead:])
        if m and len(s.text) - lead - m.end() >= 4:
            lead += m.end()  # "将重点做好三方面工作：A；B": the statement starts after the colon
        while (m := re.match(r"[^，,。；;：:]{2,40}[，,]", s.text[lead:])) and len(s.text) - lead - m.end() >= 8 \
                and (_GAP_ONLY.search(m.group(0)) or _SEE_LEAD.fullmatch(m.group(0))):
            lead += m.end()  # "但也要清醒看到，我局…还有差距，X": the statement is X
        m = _CONCESSIVE.match(s.text[lead:])
        if m and cue != "improvement" and _SHORTFALL.search(s.text, lead + m.end()):
            lead += m.end()  # "虽然坚持X，但Y不够固定": the statement is Y
        a, b = _clean_span(text, s.start + lead, s.end)
        if b - a < 4:
            continue
        if out and out[-1].style == "title" and s.paragraph == sents[out[-1].sentences[-1]].paragraph:
            out[-1].context += s.text  # the explanation of a title sentence ("持续完善政策文件库。指导各地…")
            out[-1].sentences.append(i)
            continue
        title = (i + 1 < len(sents) and sents[i + 1].paragraph == s.paragraph and s.text.endswith("。")
                 and b - a <= 16 and (i == 0 or sents[i - 1].paragraph != s.paragraph) and "，" not in text[a:b])
        if title:
            out.append(Item(a, b, _flat(text[a:b]), cue, s.text, "title", [i]))
            continue
        for x, y, c, style in _split_turn(text, a, b, cue):
            if y - x >= 4:
                out.append(Item(x, y, _flat(text[x:y]), c, s.text, style or "sentence", [i]))
    return out


def _rectification_items(text: str, at: int, m: re.Match[str], s: Sentence, i: int) -> list[Item]:
    """"针对…指出的X问题，Y" (``m`` matched at ``at``): last year's problem X and what was done about it."""
    a, b = _clean_span(text, at + m.start("p"), at + m.end("p"))
    if b - a > 2 and text[a] in "“「‘" and text[b - 1] in "”」’":
        a, b = a + 1, b - 1  # "关于“X”问题"
    out = [Item(a, b, _flat(text[a:b]), "problem", s.text, "rectification", [i])]
    rest = text[at + m.end() : s.end]
    done = _DONE.match(rest[strip_lead(rest) :])
    a, b = _clean_span(text, at + m.end() + strip_lead(rest) + (done.end() if done else 0), s.end)
    if b - a >= 4:
        out.append(Item(a, b, _flat(text[a:b]), "improvement", s.text, "rectification", [i]))
    return out


def _list_items(text: str, parts: list[tuple[int, int]], cue: str | None, i: int) -> list[Item]:
    """The items of one list sentence; each is its own context (the sentence mixes topics)."""
    return [Item(a, b, _flat(text[a:b]), cue, _flat(text[a:b]), "list", [i]) for a, b in parts]


def _flat(s: str) -> str:
    """An item's text without the line breaks of a wrapped line."""
    return re.sub(r"\s*\n\s*", "", s)
