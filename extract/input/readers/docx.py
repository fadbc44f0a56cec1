"""Word .docx files: paragraphs and tables in body order, merged cells as spans.

python-docx repeats a merged cell's object at every grid position it covers;
spans are read from the XML instead (gridSpan for columns, vMerge for rows), so a
merged label and an empty cell are never confused. The XML is parsed by lxml
through python-docx, whose parser does not resolve entities or load DTDs.
The package is inflated once, member by member in bounded reads, and handed to
python-docx re-packed: a zip directory that lies about sizes cannot make a later
read inflate more than the limit. A package cut off before its zip directory is read
from its parts' own headers (``zipsalvage``), its body XML as far as it goes.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from io import BytesIO

from docx import Document as open_docx
from docx.oxml.ns import qn
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


class _NoDirectory(Exception):
    """The zip directory cannot be read: the parts are read from their local headers instead."""


_ZIP_ERRORS = (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error)


def _guard_zip(data: bytes, options: Options) -> bytes:
    """The package re-packed from bounded reads; zip bombs are refused by declared and by real size."""
    limit, max_lines = options.limits.max_unzipped_bytes, options.limits.max_text_lines
    out = BytesIO()
    try:
        archive = zipfile.ZipFile(BytesIO(data))
    except _ZIP_ERRORS:
        raise _NoDirectory from None
    try:
        with archive as z, zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as clean:
            infos = z.infolist()
            total = sum(i.file_size for i in infos)
            if total > limit:
                raise TooLarge(f"the .docx inflates to {total} bytes, more than {limit}")
            if "word/document.xml" not in {i.filename for i in infos}:
                raise CorruptInput("the .docx has no word/document.xml")
            seen = 0
            for info in infos:
                if info.is_dir():
                    continue
                parts = []
                with z.open(info) as f:
                    while chunk := f.read(_CHUNK):  # read() past a lying size stops at the declared size
                        seen += len(chunk)
                        if seen > limit:
                            raise TooLarge(f"the .docx inflates to more than {limit} bytes")
                        parts.append(chunk)
                body = b"".join(parts)
                if info.filename == "word/document.xml":
                    _count_tags(body, max_lines)
                clean.writestr(info.filename, body)
    except _ZIP_ERRORS as exc:
        raise CorruptInput(f"the .docx is not a readable zip archive ({type(exc).__name__})") from None
    return out.getvalue()


def _count_tags(body: bytes, max_lines: int) -> None:
    """lxml spends ~150 bytes per element: count the tags before any XML is parsed."""
    if body.count(b"<") > _TAGS_PER_LINE * max_lines:
        raise TooLarge(f"word/document.xml holds more than {_TAGS_PER_LINE * max_lines} tags")


def read_docx(data: bytes, options: Options) -> Document:
    try:
        data = _guard_zip(data, options)
    except _NoDirectory:
        return _read_salvaged(data, options)
    try:
        d = open_docx(BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - python-docx raises many kinds on damaged parts
        raise CorruptInput(f"the .docx cannot be parsed ({type(exc).__name__})") from None
    body = getattr(d.element, "body", None)
    if body is None:  # the main part parsed, but its root is not <w:document>
        raise CorruptInput("the .docx main part is not a Word document body")
    return _read_body(body, Document("docx"), options)


def _read_body(body, doc: Document, options: Options) -> Document:  # type: ignore[no-untyped-def]
    n = sum(1 for _ in body.iter(qn("w:p"), qn("w:tc")))
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
    # as python-docx parses (no entities, no DTD, no network), and on past the cut
    parser = etree.XMLParser(recover=True, resolve_entities=False, load_dtd=False, no_network=True,
                             remove_blank_text=True, huge_tree=False)
    try:
        root = etree.fromstring(xml, parser)
    except etree.XMLSyntaxError:
        root = None
    body = root.find(qn("w:body")) if root is not None else None
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
        if child.tag == qn("w:p"):
            counters["p"] += 1
            text = _para_text(child)
            if text.strip():
                doc.blocks.append(TextLine(text.strip(), None, None, f"paragraph {counters['p']}"))
        elif child.tag == qn("w:tbl"):
            counters["t"] += 1
            _table(child, doc, counters)
        elif child.tag == qn("w:sdt"):
            content = child.find(qn("w:sdtContent"))
            if content is not None:
                _walk(content, doc, counters)


def _para_text(p) -> str:
    parts = []
    for node in p.iter(qn("w:t"), qn("w:tab"), qn("w:br"), qn("w:cr")):
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        else:
            parts.append("\n")
    return _BOOKMARK.sub("", "".join(parts))


def _cell_text(tc) -> str:
    paras = [_para_text(p) for p in tc.iter(qn("w:p")) if p.getparent() is tc or p.getparent().tag != qn("w:tc")]
    return "\n".join(t for t in paras if t.strip()).strip()


def _table(tbl, doc: Document, counters: dict[str, int]) -> None:
    """A table as a gridded layout table; a nested table is emitted after its parent."""
    tno = counters["t"]
    grid: list[list[Cell | None]] = []
    # (row, col) of the cell that a vMerge "continue" extends
    open_vmerge: dict[int, Cell] = {}
    nested = []
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        row: list[Cell | None] = []
        col = 0
        tr_pr = tr.find(qn("w:trPr"))
        grid_before = min(MAX_SPAN, max(0, _int_attr(tr_pr, "w:gridBefore"))) if tr_pr is not None else 0
        row.extend([None] * grid_before)
        col += grid_before
        for tc in tr.iterchildren(qn("w:tc")):
            tc_pr = tc.find(qn("w:tcPr"))
            span = min(MAX_SPAN, max(1, _int_attr(tc_pr, "w:gridSpan"))) if tc_pr is not None else 1
            vmerge = tc_pr.find(qn("w:vMerge")) if tc_pr is not None else None
            # only tables directly inside this one: each nested table walks its own (no 2^depth repeats)
            nested.extend(t for t in tc.iter(qn("w:tbl")) if _parent_table(t) is tbl)
            if vmerge is not None and vmerge.get(qn("w:val"), "continue") == "continue" and col in open_vmerge:
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
        if inner is not tbl:
            counters["t"] += 1
            _table(inner, doc, counters)


def _parent_table(tbl):
    p = tbl.getparent()
    while p is not None and p.tag != qn("w:tbl"):
        p = p.getparent()
    return p


def _int_attr(el, name: str) -> int:
    if el is None:
        return 0
    child = el.find(qn(name))
    if child is None:
        return 0
    try:
        return int(child.get(qn("w:val"), "0"))
    except ValueError:
        return 0
