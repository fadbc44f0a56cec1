"""Born-digital PDFs: pdfplumber for characters, rulings and table grids.

WPS draws a box behind every prose line, so the table finder also returns prose
"tables": only grids with at least two columns and numeric content are tables.
Each table keeps its cell boxes and column boundaries, so a fragment continued on
the next page can be aligned with its header, and a reviewer can draw it.
"""

from __future__ import annotations

import logging
import re
from io import BytesIO

import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.utils.exceptions import PdfminerException

from ..errors import CorruptInput, EncryptedInput, NoTextLayer, TooLarge
from ..layout import BBox, Cell, Document, PageError, PageInfo, Table, TextLine
from ..numbers import parse_cell
from ..options import Options

log = logging.getLogger(__name__)

# "-3-", "— 3 —", "第3页", "第 3 页 共 5 页", "3/5": page furniture, not report text
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$")

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


_PDFIUM_PASSWORD = 4  # FPDF_ERR_PASSWORD


def _preflight(data: bytes) -> int:
    """Page count from pdfium, which is fast and tells a password from damage by error code."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PDFIUM_PASSWORD:
            raise EncryptedInput("the PDF is protected by a user password") from None
        raise CorruptInput("the PDF is damaged beyond what pdfium can repair (truncated or not a PDF)") from None
    try:
        return len(pdf)
    finally:
        pdf.close()


def _repair(data: bytes) -> bytes:
    """pdfium opens files whose xref pdfminer rejects; saving them rewrites a clean xref."""
    pdf = pdfium.PdfDocument(data)
    try:
        buf = BytesIO()
        pdf.save(buf)
        return buf.getvalue()
    finally:
        pdf.close()


def _open(data: bytes) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(BytesIO(data))
        _ = pdf.pages  # the page tree is parsed lazily; broken files fail here
        return pdf
    except PDFPasswordIncorrect:
        raise EncryptedInput("the PDF is protected by a user password") from None
    except (PdfminerException, PDFSyntaxError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CorruptInput(f"the PDF cannot be parsed ({type(exc).__name__})") from None


def read_pdf(data: bytes, options: Options) -> Document:
    n = _preflight(data)
    if n > options.limits.max_pages:
        raise TooLarge(f"{n} pages, more than the limit of {options.limits.max_pages}")
    doc = Document("pdf")
    try:
        pdf = _open(data)
    except CorruptInput:
        try:
            pdf = _open(_repair(data))
        except pdfium.PdfiumError:
            raise CorruptInput("the PDF cannot be parsed, and pdfium could not rewrite it") from None
        doc.errors.append(PageError("W_REPAIRED", "the PDF's structure was damaged; read from pdfium's repaired copy"))
    with pdf:
        for i, page in enumerate(pdf.pages, start=1):
            try:
                _read_page(page, i, doc)
            except Exception as exc:  # noqa: BLE001 - one bad page must not sink the document
                log.warning("page %d failed: %r", i, exc)
                doc.pages.append(PageInfo(i, note="failed"))
                doc.errors.append(PageError("E_PAGE", f"page {i} could not be read ({type(exc).__name__}); the other pages were extracted", i))
            finally:
                page.close()
    if doc.pages and sum(p.n_chars for p in doc.pages) == 0:
        raise NoTextLayer("no page has a text layer")
    return doc


def _read_page(page: pdfplumber.page.Page, number: int, doc: Document) -> None:
    chars = page.chars
    info = PageInfo(number, float(page.width), float(page.height), len(chars))
    doc.pages.append(info)
    if not chars:
        info.note = "no text layer"
        return
    tables = [t for t in (_to_table(ft, number) for ft in page.find_tables(_TABLE_SETTINGS)) if t is not None]
    # text outside the multi-cell rows of real tables is running text
    exclude = [row_bbox for t, rows in tables for row_bbox in rows]
    if exclude:
        text_page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, exclude))
    else:
        text_page = page
    lines = [
        TextLine(ln["text"], number, (ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
        for ln in text_page.extract_text_lines(strip=True, return_chars=False)
        if ln["text"].strip() and not _PAGE_NUMBER.match(ln["text"].strip())
    ]
    blocks: list[tuple[float, TextLine | Table]] = [(ln.bbox[1], ln) for ln in lines if ln.bbox]
    blocks += [(t.bbox[1], t) for t, _ in tables if t.bbox]
    blocks.sort(key=lambda b: b[0])
    doc.blocks.extend(b for _, b in blocks)


def _inside(obj: dict, boxes: list[BBox]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _to_table(found: pdfplumber.table.Table, page: int) -> tuple[Table, list[BBox]] | None:
    """A pdfplumber table as a gridded Table, or None for prose boxes."""
    text = found.extract()
    if not text or max(len(r) for r in text) < 2:
        return None
    if not any(parse_cell(t).kind == "number" for row in text for t in row if t):
        return None
    # grid lines from the cells' own edges: spans are the grid lines a cell crosses
    xs = _edges([b for r in found.rows for b in r.cells if b], 0, 2)
    ys = _edges([b for r in found.rows for b in r.cells if b], 1, 3)
    rows: list[list[Cell | None]] = []
    multi_cell_rows: list[BBox] = []
    for r, (row, row_text) in enumerate(zip(found.rows, text, strict=True)):
        out: list[Cell | None] = []
        for c, (bbox, t) in enumerate(zip(row.cells, row_text, strict=True)):
            if bbox is None:
                out.append(None)
                continue
            colspan = 1 + sum(1 for x in xs if bbox[0] + 1 < x < bbox[2] - 1)
            rowspan = 1 + sum(1 for y in ys if bbox[1] + 1 < y < bbox[3] - 1)
            out.append(Cell(t or "", page, tuple(bbox), None, "text", 1.0, rowspan, colspan))
        if sum(c is not None for c in out) >= 2:
            multi_cell_rows.append(tuple(row.bbox))
        rows.append(out)
    table = Table(rows, "pdfplumber", page, tuple(found.bbox), True, _quality(rows), xs)
    return table, multi_cell_rows


def _edges(boxes: list[tuple[float, ...]], lo: int, hi: int) -> list[float]:
    """Distinct grid line positions (merged within a point) along one axis."""
    out: list[float] = []
    for v in sorted({round(b[lo], 1) for b in boxes} | {round(b[hi], 1) for b in boxes}):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def _quality(rows: list[list[Cell | None]]) -> float:
    """Share of non-empty cells whose text is clean: no stray line-merged numbers.

    A cell holding two numbers ("0 0") means the grid missed a ruling.
    """
    cells = [c for r in rows for c in r if c is not None and c.text.strip()]
    if not cells:
        return 0.0
    bad = sum(1 for c in cells if re.fullmatch(r"[\d.,\s]+\s[\d.,\s]+", c.text.strip()))
    return 1.0 - bad / len(cells)
