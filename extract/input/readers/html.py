"""Web pages saved from government sites: the report inside the page chrome.

The charset comes from a BOM, then the page's own declaration (meta charset or
http-equiv), then detection; GBK/GB2312 are read as GB18030, their superset. The
parser never touches the network or the file system (no DTDs, no entities).
The report's container is the element with the most report signal (title,
section headings, table labels); navigation, scripts and footers are dropped.
Layout tables (tables holding tables, or one cell of running text) are
descended into, data tables become gridded layout tables honouring rowspan/colspan.
"""

from __future__ import annotations

import re

from lxml import etree

from gongkai.extract.errors import TRUNCATED, CorruptInput, EmptyInput, TooLarge
from gongkai.extract.input import decoding
from gongkai.extract.layout import Cell, Document, PageError, Table, TextLine
from gongkai.extract.options import Options

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "cp936": "gb18030"}
_DROP = (
    "script",
    "style",
    "noscript",
    "iframe",
    "object",
    "embed",
    "form",
    "select",
    "button",
    "nav",
    "svg",
    "header",
    "footer",
)
_BLOCK = {
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "section",
    "article",
    "blockquote",
    "center",
    "pre",
    "dd",
    "dt",
    "ul",
    "ol",
    "dl",
    "body",
    "main",
    "span",
    "font",
    "strong",
    "b",
}
_SIGNAL = re.compile(
    r"政府信息公开|年度报告|总体情况|主动公开|依申请|行政复议|自然人|结果维持|存在的主要问题|其他需要报告"
)
_CHROME_CLASS = re.compile(
    r"nav|menu|header|footer|breadcrumb|crumb|sidebar|side|share|copyright|foot|top|banner|toolbar|link", re.I
)
MAX_SPAN = 50
MAX_GRID = 200_000
"""Grid positions one table may cover (rows x columns after spans); report tables cover ~300.
A small page whose cells claim big spans would otherwise build a grid of billions."""


def decode_html(data: bytes) -> decoding.Decoded:
    """BOM, the page's own charset, UTF-8, then detection; a page cut inside a character or made of
    two encodings is read as far as it goes (``decoding``)."""
    m = _META_CHARSET.search(data[:4096])
    declared = None
    if m:
        enc = m.group(1).decode("ascii", "ignore").lower()
        declared = _ALIASES.get(enc, enc)
    return decoding.decode(data, declared, candidates=("utf-8",), guess=_detect)


def _detect(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data[:200_000]).best()
    return _ALIASES.get(best.encoding, best.encoding) if best else None


_END_TAG = re.compile(rb"</\s*(html|body)\s*>", re.IGNORECASE)
_START_TAG = re.compile(rb"<\s*(html|body)[\s>]", re.IGNORECASE)


def _ends_early(data: bytes) -> bool:
    """A saved page that opens <html>/<body> and never closes either was cut off."""
    return bool(_START_TAG.search(data[:65536])) and not _END_TAG.search(data[-65536:])


_TITLE_WORDS = re.compile(r"(19|20)\d{2}\s*年.{0,30}报\s*告")


TAGS_PER_LINE = 60
"""Tags allowed per max_text_lines, counted on the bytes: lxml spends ~150 bytes on an element."""


def read_html(data: bytes, options: Options) -> Document:
    tags = data.count(b"<")
    if tags > TAGS_PER_LINE * options.limits.max_text_lines:
        raise TooLarge(f"{tags} tags, more than {TAGS_PER_LINE * options.limits.max_text_lines}")
    decoded = decode_html(data)
    text = decoded.text
    if not text.strip():
        raise EmptyInput("the web page is empty")
    # the text is decoded already: the parser must not re-read the page's own charset declaration
    # lxml's HTML parser with plain elements: lxml.html's element classes cost a lookup per element
    parser = etree.HTMLParser(
        encoding="utf-8", no_network=True, remove_comments=True, remove_pis=True, default_doctype=False
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
        if root is None:
            raise etree.ParserError("Document is empty")
    except (etree.ParserError, ValueError) as exc:
        raise CorruptInput(f"the web page cannot be parsed ({type(exc).__name__})") from None
    elements = sum(1 for _ in root.iter())
    if elements > options.limits.max_text_lines:
        raise TooLarge(f"{elements} elements, more than the limit of {options.limits.max_text_lines}")
    for el in root.xpath("|".join(f"//{t}" for t in _DROP)):
        _drop_tree(el)
    for el in root.xpath("//*[@class or @id]"):
        ident = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag not in ("table", "td", "tr", "body", "html") and _CHROME_CLASS.search(ident) and not _has_report(el):
            _drop_tree(el)
    container = _container(root)
    doc = Document("html")
    doc.errors.extend(decoding.notes(decoded, "line"))
    if _ends_early(data) and not decoded.cut:
        doc.errors.append(PageError(TRUNCATED, "the page ends before its closing </body></html> (a download cut "
                                               "off?): it was read up to the cut; re-download it for the rest"))
    counter = [0]
    title = _title_before(container)
    if title is not None:
        _emit(title, doc, counter)
    _emit(container, doc, counter)
    return doc


_text_content = etree.XPath("string()", smart_strings=False)
"""An element's text with its descendants' (lxml.html's ``text_content``)."""


def _drop_tree(el) -> None:
    """The element and its subtree out; its tail joins what came before (lxml.html's ``drop_tree``)."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        previous = el.getprevious()
        if previous is None:
            parent.text = (parent.text or "") + el.tail
        else:
            previous.tail = (previous.tail or "") + el.tail
    parent.remove(el)


def _has_report(el) -> bool:
    """Chrome-looking class names are common on real content wrappers too."""
    return len(_SIGNAL.findall(_text_content(el)[:20000])) >= 3


def _container(root):
    """The element holding the report: the smallest one with most (3/4) of the report signal."""
    scored = []
    for el in root.iter("div", "td", "article", "section", "main", "body", "table"):
        text = _text_content(el)
        hits = len(_SIGNAL.findall(text))
        if hits >= 3:
            scored.append((hits, len(text), el))
    if not scored:
        return root
    top = max(h for h, _, _ in scored)
    return min((s for s in scored if s[0] >= 0.75 * top), key=lambda s: s[1])[2]


def _title_before(container):
    """Sites print the report's title in a heading just above the content box, outside it."""
    node = container
    for _ in range(3):
        parent = node.getparent()
        if parent is None:
            return None
        for sib in reversed(list(node.itersiblings(preceding=True))):
            if not isinstance(sib.tag, str):
                continue
            for el in sib.iter("h1", "h2", "h3", "div", "p"):
                is_heading = el.tag in ("h1", "h2", "h3") or "title" in (el.get("class") or "")
                if is_heading and _TITLE_WORDS.search(_text_content(el)):
                    return el
        node = parent
    return None


_BLANKS = re.compile(r"[ \t\r\f\v\u00a0]+")


def _norm(text: str) -> str:
    return _BLANKS.sub(" ", text).strip()


def _emit(el, doc: Document, counter: list[int]) -> None:
    """Walk in document order: text runs become lines, data tables become tables."""
    buf: list[str] = []

    def flush() -> None:
        for line in "".join(buf).split("\n"):
            t = _norm(line)
            if t:
                counter[0] += 1
                doc.blocks.append(TextLine(t, None, None, f"text {counter[0]}"))
        buf.clear()

    def walk(node) -> None:
        if not isinstance(node.tag, str):
            return
        tag = node.tag.lower()
        if tag == "table":
            flush()
            if _is_layout_table(node):
                for cell in node.iter("td", "th"):
                    if _nearest_table(cell) is node:
                        for child in cell:
                            walk(child)
                        if cell.text:
                            buf.append(cell.text)
                        buf.append("\n")
                flush()
            else:
                _data_table(node, doc)
            if node.tail:
                buf.append(node.tail)
            return
        if tag == "br" or tag in _BLOCK:
            buf.append("\n")
        if node.text:
            buf.append(node.text)
        for child in node:
            walk(child)
        if tag in _BLOCK:
            buf.append("\n")
        if node.tail:
            buf.append(node.tail)

    walk(el)
    flush()


def _nearest_table(el):
    p = el.getparent()
    while p is not None and p.tag != "table":
        p = p.getparent()
    return p


def _is_layout_table(t) -> bool:
    """A wrapper, not data: it holds tables, or few cells with a lot of running text."""
    if t.xpath(".//table"):
        return True
    cells = [c for c in t.iter("td", "th") if _nearest_table(c) is t]
    if len(cells) <= 3:
        return sum(len(_text_content(c)) for c in cells) > 200 or len(cells) <= 1
    return False


def _cell_text(td) -> str:
    if len(td) == 0:  # text only, as most cells are
        return "\n".join(t for t in map(_norm, (td.text or "").split("\n")) if t)
    parts: list[str] = []

    def walk(n) -> None:
        if not isinstance(n.tag, str):
            return
        if n.tag in ("br", "p", "div") and parts:
            parts.append("\n")
        if n.text:
            parts.append(n.text)
        for c in n:
            walk(c)
        if n.tail:
            parts.append(n.tail)

    if td.text:
        parts.append(td.text)
    for c in td:
        walk(c)
    return "\n".join(t for t in map(_norm, "".join(parts).split("\n")) if t)


def _span(el, name: str) -> int:
    try:
        return max(1, min(MAX_SPAN, int(el.get(name, "1"))))
    except ValueError:
        return 1


def _data_table(t, doc: Document) -> None:
    tno = sum(1 for b in doc.blocks if isinstance(b, Table)) + 1
    occupied: dict[tuple[int, int], bool] = {}
    cells: list[tuple[int, int, Cell]] = []
    width = 0
    rows = [tr for tr in t.iter("tr") if _nearest_table(tr) is t]
    for r, tr in enumerate(rows):
        c = 0
        for td in tr:
            if not isinstance(td.tag, str) or td.tag not in ("td", "th"):
                continue
            while occupied.get((r, c)):
                c += 1
            rs, cs = _span(td, "rowspan"), _span(td, "colspan")
            rs = min(rs, len(rows) - r)
            cell = Cell(_cell_text(td), None, None, f"table {tno} row {r + 1} col {c + 1}", "text", 1.0, rs, cs)
            cells.append((r, c, cell))
            if len(occupied) + rs * cs > MAX_GRID or (c + cs) * len(rows) > MAX_GRID:
                raise TooLarge(f"table {tno} spans more than {MAX_GRID} grid positions")
            for dr in range(rs):
                for dc in range(cs):
                    occupied[(r + dr, c + dc)] = True
            c += cs
            width = max(width, c)
    if not cells:
        return
    grid: list[list[Cell | None]] = [[None] * width for _ in rows]
    for r, c, cell in cells:
        grid[r][c] = cell
    # positions no cell covers (short rows) are printed empty cells
    for r in range(len(rows)):
        for c in range(width):
            if grid[r][c] is None and not occupied.get((r, c)):
                grid[r][c] = Cell("", None, None, f"table {tno} row {r + 1} col {c + 1}")
    doc.blocks.append(Table(grid, "html", None, None, True, 1.0))
