"""Finding the report's six sections and the five subsections of 一 in its text.

Headings come in many wordings (情况 / 方面, own line or run into the first
sentence, older titles); a heading is recognised by its numbering, its key words
and its order, so an enumeration inside a paragraph is not taken for one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from gongkai.extract.domain.labels import normalize
from gongkai.extract.domain.organisations import classify
from gongkai.extract.layout import TextLine

# (id, numbering, key words any of which identifies it)
TOP = [
    ("overall", "一", ("总体情况", "概述", "基本情况", "总体", "概况")),
    ("active_disclosure", "二", ("主动公开",)),
    ("applications", "三", ("收到和处理", "依申请", "申请情况")),
    ("review_litigation", "四", ("行政复议", "行政诉讼", "复议")),
    ("problems_improvements", "五", ("问题", "改进", "不足")),
    ("other_matters", "六", ("其他需要报告", "其他事项", "其他")),
]
SUB = [
    ("overall.active_disclosure", "一", ("主动公开",)),
    ("overall.on_request", "二", ("依申请", "申请公开")),
    ("overall.information_management", "三", ("信息管理", "政府信息管理")),
    ("overall.platform_construction", "四", ("平台建设", "平台")),
    ("overall.supervision", "五", ("监督保障", "监督")),
]

_TOP_RE = re.compile(r"^([一二三四五六])[、.．,，]\s*(.*)$")
_SUB_RE = re.compile(r"^[（(]([一二三四五])[)）]\s*(.*)$")
_CJK = r"\u3000-\u303f\u3400-\u9fff\uff00-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])[ \t\u00a0]+|[ \t\u00a0]+(?=[{_CJK}])")
_DATE = re.compile(r"^\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日$")
_CHROME = re.compile(
    r"^(下一[条篇]|上一[条篇]|【?关闭|打印|窗体[底顶]端|返回|分享|扫一扫|网站地图|版权所有|主办|承办|联系我们|技术支持|相关(链接|文件)|附件)"
)
# what a browser's "copy" leaves of a page's form elements
_FORM_MARKERS = {"窗体顶端", "窗体底端"}


@dataclass
class Section:
    id: str
    title: str
    text: str = ""
    page: int | None = None
    lines: list[TextLine] = field(default_factory=list, repr=False)
    heading: TextLine | None = field(default=None, repr=False)
    """The line the heading was printed on (its text may run on into the section's first sentence)."""


def clean_text(text: str) -> str:
    """Drop the spaces a layout put next to Chinese characters (justification gaps)."""
    return _SPACE_NEAR_CJK.sub("", text).strip()


def _heading(
    line: str, table: list[tuple[str, str, tuple[str, ...]]], rx: re.Pattern[str], after: int
) -> tuple[int, str, str] | None:
    """(index into table, title, rest of line) when ``line`` starts a heading after ``after``."""
    t = clean_text(line)
    m = rx.match(t)
    if not m:
        return None
    num, rest = m.group(1), m.group(2)
    for i, (_, n, keys) in enumerate(table):
        if n != num or i <= after:
            continue
        head = normalize(rest)[:30]
        if not any(k in head for k in keys):
            continue
        title, body = _split_inline(rest)
        return i, f"{m.group(0)[: len(m.group(0)) - len(rest)]}{title}", body
    return None


def _split_inline(rest: str) -> tuple[str, str]:
    """ "主动公开情况。主要通过…" -> ("主动公开情况。", "主要通过…")."""
    m = re.search(r"[。：:]", rest)
    if m and m.end() < len(rest) and m.start() <= 40:
        return rest[: m.end()], rest[m.end() :].strip()
    return rest, ""


def paragraphs(lines: list[TextLine]) -> str:
    """Join wrapped PDF lines into paragraphs; lines from markup are paragraphs already."""
    if not lines:
        return ""
    boxed = [ln for ln in lines if ln.bbox]
    if not boxed:
        return "\n".join(clean_text(ln.text) for ln in lines if clean_text(ln.text))
    left = min(ln.bbox[0] for ln in boxed)
    right = max(ln.bbox[2] for ln in boxed)
    out: list[str] = []
    prev: TextLine | None = None
    for ln in lines:
        text = clean_text(ln.text)
        if not text:
            continue
        new_para = prev is None or ln.bbox is None or prev.bbox is None
        if not new_para:
            assert ln.bbox is not None and prev is not None and prev.bbox is not None
            indented = ln.bbox[0] > left + 12
            prev_short = prev.bbox[2] < right - 20
            new_para = indented or prev_short
        if new_para or not out:
            out.append(text)
        else:
            out[-1] += text
        prev = ln
    return "\n".join(out)


def _names_a_body(text: str) -> bool:
    """A line that is an organisation's name (a signature): the one vocabulary of organisations.py."""
    return classify(text).body is not None


def _strip_tail(lines: list[TextLine]) -> list[TextLine]:
    """Drop a signature, a date and page chrome after the last paragraph."""
    out = list(lines)
    while out:
        t = clean_text(out[-1].text)
        if not t or _DATE.match(t) or _CHROME.match(t) or (len(t) <= 25 and "。" not in t and _names_a_body(t)):
            out.pop()
            continue
        break
    return out


def find_sections(lines: list[TextLine]) -> tuple[dict[str, Section], list[TextLine]]:
    """Sections keyed by id (top level and 一's subsections), and the lines before 一."""
    sections: dict[str, Section] = {}
    preamble: list[TextLine] = []
    current: Section | None = None
    current_sub: Section | None = None
    top_pos, sub_pos = -1, -1
    for ln in lines:
        if clean_text(ln.text) in _FORM_MARKERS:
            continue
        h = _heading(ln.text, TOP, _TOP_RE, top_pos)
        if h:
            top_pos, title, body = h
            current = Section(TOP[top_pos][0], title, page=ln.page, heading=ln)
            sections[current.id] = current
            current_sub = None
            if body:
                current.lines.append(TextLine(body, ln.page, ln.bbox, ln.source))
            continue
        if current is None:
            preamble.append(ln)
            continue
        if current.id == "overall":
            s = _heading(ln.text, SUB, _SUB_RE, sub_pos)
            if s:
                sub_pos, title, body = s
                current_sub = Section(SUB[sub_pos][0], title, page=ln.page, heading=ln)
                sections[current_sub.id] = current_sub
                if body:
                    current_sub.lines.append(TextLine(body, ln.page, ln.bbox, ln.source))
                current.lines.append(ln)
                continue
        current.lines.append(ln)
        if current_sub is not None:
            current_sub.lines.append(ln)
    if current is not None:
        current.lines = _strip_tail(current.lines)
    for s in sections.values():
        s.text = paragraphs(s.lines)
    return sections, preamble
