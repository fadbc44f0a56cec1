"""Word .docx files: paragraphs and tables in body order, merged cells as spans.

Spans are read from the XML (gridSpan for columns, vMerge for rows), so a merged
label and an empty cell are never confused. Only the main part (word/document.xml)
is read: inflated in bounded reads (a zip directory that lies about sizes cannot
make the read inflate more than the limit) and parsed by lxml with python-docx's
parser settings (no entities resolved, no DTD loaded, blank text dropped), without
python-docx's element classes and package model, which cost ~20 ms per report and
are not needed to walk paragraphs and tables. A package cut off before its zip directory
is read from its parts' own headers (``zipsalvage``), its body XML as far as it goes.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from lxml import etree

from gongkai.extract.errors import REPAIRED, TRUNCATED, CorruptInput, TooLarge
from gongkai.extract.input import zipsalvage
from gongkai.extract.layout import Cell, Document, PageError, Table, TextLine
from gongkai.extract.options import Options

_BOOKMARK = re.compile(r"\[bookmark:\s*[^\]]*\]")
MAX_SPAN = 64
"""Word tables have at most 63 columns; a larger gridSpan/gridBefore is hostile (a grid of millions)."""
_CHUNK = 1 << 20
_TAGS_PER_LINE = 60
"""A Word paragraph runs to 20-60 tags (runs, properties, fonts): the tag budget per max_text_lines."""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DOCUMENT, _BODY, _P, _TBL, _TR, _TC, _SDT, _SDT_CONTENT = (
    _W + t for t in ("document", "body", "p", "tbl", "tr", "tc", "sdt", "sdtContent"))
_T, _TAB, _BR, _CR, _TR_PR, _TC_PR, _V_MERGE, _VAL = (
    _W + t for t in ("t", "tab", "br", "cr", "trPr", "tcPr", "vMerge", "val"))
_GRID_BEFORE, _GRID_SPAN = _W + "gridBefore", _W + "gridSpan"
_COUNT_PARAGRAPHS_AND_CELLS = etree.XPath("count(.//w:p | .//w:tc)", namespaces={"w": _W[1:-1]})


def _parser() -> etree.XMLParser:
    """python-docx's parser settings (no entities resolved, blank text dropped), plain lxml elements."""
    return etree.XMLParser(remove_blank_text=True, resolve_entities=False, load_dtd=False, no_network=True)


class _NoDirectory(Exception):
    """The zip directory cannot be read: the parts are read from their local headers instead."""


_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error)


def _main_part(data: bytes, options: Options) -> bytes:
    """word/document.xml, inflated in bounded reads; zip bombs are refused by declared and by real size."""
    limit, max_lines = options.limits.max_unzipped_bytes, options.limits.max_text_lines
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except _ZIP_ERRORS:
        raise _NoDirectory from None
    try:
        with archive as z:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > limit:
                raise TooLarge(f"the .docx inflates to {total} bytes, more than {limit}")
            info = next((i for i in infos if i.filename == "word/document.xml"), None)
            if info is None:
                raise CorruptInput("the .docx has no word/document.xml")
            parts = []
            seen = 0
            with z.open(info) as f:
                while chunk := f.read(_CHUNK):  # read() past a lying size stops at the declared size
                    seen += len(chunk)
                    if seen > limit:
                        raise TooLarge(f"the .docx inflates to more than {limit} bytes")
                    parts.append(chunk)
    except _ZIP_ERRORS as exc:
        raise CorruptInput(f"the .docx is not a readable zip archive ({type(exc).__name__})") from None
    body = b"".join(parts)
    _count_tags(body, max_lines)
    return body


def _count_tags(body: bytes, max_lines: int) -> None:
    """lxml spends ~150 bytes per element: count the tags before any XML is parsed."""
    if body.count(b"<") > _TAGS_PER_LINE * max_lines:
        raise TooLarge(f"word/document.xml holds more than {_TAGS_PER_LINE * max_lines} tags")


def read_docx(data: bytes, options: Options) -> Document:
    try:
        xml = _main_part(data, options)
    except _NoDirectory:
        return _read_salvaged(data, options)
    try:
        root = etree.fromstring(xml, _parser())
    except Exception as exc:  # noqa: BLE001 - lxml raises several kinds on damaged XML
        raise CorruptInput(f"the .docx cannot be parsed ({type(exc).__name__})") from None
    body = root.find(_BODY) if root.tag == _DOCUMENT else None
    if body is None:  # the main part parsed, but its root is not <w:document>
        raise CorruptInput("the .docx main part is not a Word document body")
    return _read_body(body, Document("docx"), options)


def _read_body(body: etree._Element, doc: Document, options: Options) -> Document:
    n = int(_COUNT_PARAGRAPHS_AND_CELLS(body))
    if n > options.limits.max_text_lines:
        raise TooLarge(f"{n} paragraphs and cells, more than the limit of {options.limits.max_text_lines}")
    counters = {"p": 0, "t": 0}
    _walk(body, doc, counters)
    return doc


def _read_salvaged(data: bytes, options: Options) -> Document:
    """A package without its zip directory (cut off): the body XML as far as its bytes go."""
    found = zipsalvage.salvage(data, options.limits.max_unzipped_bytes)
    xml = found.members.get("word/document.xml")
    if not xml:
        raise CorruptInput("the .docx is damaged or cut off before its text (word/document.xml); re-download it")
    _count_tags(xml, options.limits.max_text_lines)
    # the same parser settings, and on past the cut
    parser = etree.XMLParser(recover=True, resolve_entities=False, load_dtd=False, no_network=True,
                             remove_blank_text=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        root = None
    body = root.find(_BODY) if root is not None else None
    if body is None:
        raise CorruptInput("the .docx's text (word/document.xml) is damaged beyond reading; re-download it")
    doc = Document("docx")
    if "word/document.xml" in found.cut:
        doc.errors.append(PageError(TRUNCATED, f"the Word file is cut off inside its text (after {len(xml)} bytes of "
                                               "word/document.xml): read up to the cut; re-download it for the rest"))
    else:
        doc.errors.append(PageError(REPAIRED, "the Word file's zip directory is missing (cut off after its text?): "
                                              "its parts were read from their own headers"))
    return _read_body(body, doc, options)


def _walk(body, doc: Document, counters: dict[str, int]) -> None:
    for child in body.iterchildren():
        if child.tag == _P:
            counters["p"] += 1
            text = _para_text(child)
            if text.strip():
                doc.blocks.append(TextLine(text.strip(), None, None, f"paragraph {counters['p']}"))
        elif child.tag == _TBL:
            counters["t"] += 1
            _table(child, doc, counters)
        elif child.tag == _SDT:
            content = child.find(_SDT_CONTENT)
            if content is not None:
                _walk(content, doc, counters)


def _para_text(p) -> str:
    parts = []
    for node in p.iter(_T, _TAB, _BR, _CR):
        tag = node.tag
        if tag == _T:
            parts.append(node.text or "")
        elif tag == _TAB:
            parts.append("\t")
        else:
            parts.append("\n")
    text = "".join(parts)
    return _BOOKMARK.sub("", text) if "[bookmark" in text else text


def _cell_text(tc) -> str:
    """The cell's paragraphs (not those of a table nested in it), one per line."""
    texts = []
    for p in tc.iter(_P):
        parent = p.getparent()
        if parent is tc or parent.tag != _TC:
            t = _para_text(p)
            if t.strip():
                texts.append(t)
    return "\n".join(texts).strip()


def _table(tbl, doc: Document, counters: dict[str, int]) -> None:
    """A table as a gridded layout table; a nested table is emitted after its parent."""
    tno = counters["t"]
    grid: list[list[Cell | None]] = []
    # (row, col) of the cell that a vMerge "continue" extends
    open_vmerge: dict[int, Cell] = {}
    # only tables directly inside this one: each nested table walks its own (no 2^depth repeats)
    nested = [t for t in tbl.iter(_TBL) if t is not tbl and _parent_table(t) is tbl]
    for r, tr in enumerate(tbl.iterchildren(_TR)):
        row: list[Cell | None] = []
        col = 0
        tr_pr = tr.find(_TR_PR)
        grid_before = min(MAX_SPAN, max(0, _int_attr(tr_pr, _GRID_BEFORE))) if tr_pr is not None else 0
        row.extend([None] * grid_before)
        col += grid_before
        for tc in tr.iterchildren(_TC):
            tc_pr = tc.find(_TC_PR)
            span = min(MAX_SPAN, max(1, _int_attr(tc_pr, _GRID_SPAN))) if tc_pr is not None else 1
            vmerge = tc_pr.find(_V_MERGE) if tc_pr is not None else None
            if vmerge is not None and vmerge.get(_VAL, "continue") == "continue" and col in open_vmerge:
                open_vmerge[col].rowspan += 1
                row.extend([None] * span)
            else:
                cell = Cell(_cell_text(tc), None, None, f"table {tno} row {r + 1} col {col + 1}", "text", 1.0, 1, span)
                row.append(cell)
                row.extend([None] * (span - 1))
                if vmerge is not None:
                    open_vmerge[col] = cell
                else:
                    open_vmerge.pop(col, None)
            col += span
        grid.append(row)
    width = max((len(r) for r in grid), default=0)
    for row in grid:
        row.extend([None] * (width - len(row)))
    if grid and width:
        doc.blocks.append(Table(grid, "docx", None, None, True, 1.0))
    for inner in nested:
        counters["t"] += 1
        _table(inner, doc, counters)


def _parent_table(tbl):
    p = tbl.getparent()
    while p is not None and p.tag != _TBL:
        p = p.getparent()
    return p


def _int_attr(el, tag: str) -> int:
    if el is None:
        return 0
    child = el.find(tag)
    if child is None:
        return 0
    try:
        return int(child.get(_VAL, "0"))
    except ValueError:
        return 0
