"""Born-digital PDFs: pdfplumber for characters, rulings and table grids.

WPS draws a box behind every prose line, so the table finder also returns prose
"tables": only grids with at least two columns and numeric content are tables.
Each table keeps its cell boxes and column boundaries, so a fragment continued on
the next page can be aligned with its header, and a reviewer can draw it.
"""

from __future__ import annotations

import contextlib
import logging
import re
from io import BytesIO

import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.errors import REPAIRED, TRUNCATED, CorruptInput, EncryptedInput, NoTextLayer, TooLarge
from gongkai.extract.input.readers import pdf_repair
from gongkai.extract.input.readers.pdf_camelot import camelot_tables
from gongkai.extract.input.readers.textlayer import (
    DigitReader,
    NumberRun,
    Verdict,
    cross_check_digits,
    judge_page,
    number_runs,
    render_offset,
)
from gongkai.extract.layout import BBox, Block, Cell, Document, PageError, PageInfo, Table, TextLine
from gongkai.extract.options import Options

log = logging.getLogger(__name__)

# "-3-", "— 3 —", "第3页", "第 3 页 共 5 页", "3/5": page furniture, not report text
_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$")

QUALITY_OK = 0.95
"""Below this a pdfplumber table gets a second opinion from camelot."""

_TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


_PDFIUM_PASSWORD = 4  # FPDF_ERR_PASSWORD

MAX_RENDER_PIXELS = 16_000_000
"""A page is rendered for OCR at the OCR dpi, or smaller if that would exceed this (A2 at 200 dpi)."""


def _preflight(data: bytes) -> int | None:
    """Page count from pdfium, which is fast and tells a password from damage by error code;
    None when it cannot open the file (damaged: the repair ladder may still recover it)."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PDFIUM_PASSWORD:
            raise EncryptedInput("the PDF is protected by a user password") from None
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


_PDFMINER_ERRORS = (PdfminerException, MalformedPDFException, PDFSyntaxError, ValueError, KeyError, TypeError,
                    AttributeError)


def _open(data: bytes) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(BytesIO(data))
        _ = pdf.pages  # the page tree is parsed lazily; broken files fail here
        return pdf
    except PDFPasswordIncorrect:
        raise EncryptedInput("the PDF is protected by a user password") from None
    except _PDFMINER_ERRORS as exc:
        raise CorruptInput(f"the PDF cannot be parsed ({type(exc).__name__})") from None


def _walk(data: bytes) -> int | None:
    """Pages pdfminer finds walking the file, or None when it cannot."""
    try:
        with _open(data) as pdf:
            return len(pdf.pages)
    except (CorruptInput, EncryptedInput):
        return None


def _open_or_repair(data: bytes, doc: Document, max_pages: int) -> tuple[pdfplumber.PDF, bytes]:
    """pdfplumber on the file, or on a repaired copy when pdfminer cannot walk it or finds other
    pages than pdfium (``pdf_repair``), and the bytes it reads; what was done is said on the document."""
    if pdf_repair.ends_early(data):
        doc.errors.append(PageError(TRUNCATED, f"the PDF is cut off ({len(data)} bytes, no end-of-file marker "
                                               "after its last object): what came before the cut was read; "
                                               "re-download it for the rest"))
    n = _preflight(data)
    if n is not None and n > max_pages:
        raise TooLarge(f"{n} pages, more than the limit of {max_pages}")
    pdf: pdfplumber.PDF | None = None
    with contextlib.suppress(CorruptInput):
        pdf = _open(data)
    found = None if pdf is None else len(pdf.pages)
    bad_lengths = pdf_repair.wrong_lengths(data) if found else 0
    if pdf is not None and found == n and not bad_lengths:
        return pdf, data
    fixed = pdf_repair.repair(data, n, _walk)
    if fixed is None or (found is not None and fixed.pages < found) or (fixed.pages == found and not bad_lengths):
        if pdf is not None and found:
            return pdf, data  # no reader does better than pdfminer itself
        tools = "pdfium" + (" and qpdf" if pdf_repair.qpdf_available() else "")
        what = "cut off before any whole page" if pdf_repair.ends_early(data) else "damaged"
        raise CorruptInput(f"the PDF is {what}: no page could be recovered (tried {tools} and a salvage)")
    if pdf is not None:
        pdf.close()
    if fixed.pages > max_pages:
        raise TooLarge(f"{fixed.pages} pages, more than the limit of {max_pages}")
    seen = ("could not walk it" if found is None else f"found {found} page(s)" if not bad_lengths
            else f"would read {bad_lengths} stream(s) short: their /Length is wrong")
    doc.errors.append(PageError(REPAIRED, f"the PDF's structure is damaged (pdfminer {seen}, pdfium "
                                          f"{'could not open it' if n is None else f'found {n}'}); read the "
                                          f"{fixed.pages} page(s) of the copy repaired by {fixed.how}"))
    return _open(fixed.data), fixed.data


class _BoundedLayout(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's own layout device, stopped once a page has drawn ``limit`` characters, paths
    and images: a few kB of compressed content can draw millions, at ~2 kB of memory each."""

    def __init__(self, *args, limit: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.limit = self.left = limit

    def _count(self) -> None:
        self.left -= 1
        if self.left < 0:
            raise TooLarge(f"the page draws more than {self.limit} characters, paths and images")

    def render_char(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._count()
        return super().render_char(*args, **kwargs)

    def paint_path(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._count()
        return super().paint_path(*args, **kwargs)

    def render_image(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        self._count()
        return super().render_image(*args, **kwargs)


def _bounded_layout(page: pdfplumber.page.Page, limit: int) -> None:
    """Lay the page out exactly as pdfplumber would (it reuses the cached result), within ``limit``."""
    device = _BoundedLayout(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams, limit=limit)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


def read_pdf(data: bytes, options: Options) -> Document:
    doc = Document("pdf")
    pdf, data = _open_or_repair(data, doc, options.limits.max_pages)  # pages render from the copy read
    page_blocks: dict[int, list[Block]] = {}
    verdicts: dict[int, Verdict] = {}
    runs: list[NumberRun] = []
    origins: dict[int, tuple[float, float]] = {}
    with pdf:
        for i, page in enumerate(pdf.pages, start=1):
            try:
                _bounded_layout(page, options.limits.max_page_objects)
                chars = page.chars
                v = judge_page(chars, page.images, float(page.width), float(page.height),
                               bool(page.rects or page.lines or page.curves))
                verdicts[i] = v
                page_blocks[i] = _read_page(page, i, doc, data, options) if v.decision != "ocr" else []
                if v.decision == "ocr":
                    doc.pages.append(PageInfo(i, float(page.width), float(page.height), len(chars)))
                origins[i] = (float(page.mediabox[0]), float(page.mediabox[1]))
                if v.decision == "text":
                    runs.extend(number_runs(chars, i, origins[i]))
            except Exception as exc:  # noqa: BLE001 - one bad page must not sink the document
                verdicts.pop(i, None)
                page_blocks.pop(i, None)
                _page_failed(doc, i, exc, next((p for p in doc.pages if p.number == i), None))
            finally:
                page.close()
    if runs and options.ocr.enabled and options.ocr.check_digits:
        _check_digits(data, runs, verdicts, options)
    infos = {p.number: p for p in doc.pages}
    for i, v in verdicts.items():
        info = infos[i]
        info.decision, info.reason = v.decision, v.reason
        if v.detail:
            info.note = f"{info.note}; {v.detail}" if info.note else v.detail
        if v.decision == "text":
            continue
        if not options.ocr.enabled:
            if v.decision == "ocr":
                page_blocks[i] = []  # a garbage text layer is worse than none
                msg = f"page {i} needs OCR ({v.reason}: {v.detail}), which is switched off; the page was not read"
            else:
                msg = f"page {i}: pictures the text layer does not cover were not read (OCR is switched off)"
            doc.errors.append(PageError("E_NO_TEXT", msg, i))
            continue
        try:
            page_blocks[i] = _ocr_page(data, info, doc, options, v, page_blocks.get(i, []), origins.get(i, (0.0, 0.0)))
        except Exception as exc:  # noqa: BLE001 - a page OCR cannot read must not sink the document
            _page_failed(doc, i, exc, info)
            if v.decision == "ocr":
                page_blocks[i] = []  # the text layer was not to be trusted; a mixed page keeps it
    doc.blocks = [b for i in sorted(page_blocks) for b in page_blocks[i]]
    if verdicts and not options.ocr.enabled and all(v.decision == "ocr" for v in verdicts.values()):
        doc.errors = [e for e in doc.errors if e.code != "E_NO_TEXT"]
        raise NoTextLayer("no page has a usable text layer, and OCR is switched off")
    return doc


def _page_failed(doc: Document, number: int, exc: Exception, info: PageInfo | None = None) -> None:
    log.warning("page %d failed: %r", number, exc)
    if info is None:
        doc.pages.append(PageInfo(number, note="failed"))
    else:
        info.note = f"{info.note}; failed" if info.note else "failed"
    code, why = (exc.code, exc.detail) if isinstance(exc, TooLarge) else ("E_PAGE", type(exc).__name__)
    doc.errors.append(
        PageError(code, f"page {number} could not be read ({why}); the other pages were extracted", number)
    )


def _check_digits(data: bytes, runs: list[NumberRun], verdicts: dict[int, Verdict], options: Options) -> None:
    """Pages whose digits come from a font the rendered glyphs contradict go to OCR."""
    check = cross_check_digits(data, runs, DigitReader(timeout_s=min(options.ocr.timeout_s, 20.0)))
    if check.skipped:
        log.warning("text-layer digits not cross-checked (%s)", check.skipped)
    for number in sorted({r.page for r in runs if r.font in check.flagged}):
        fonts = sorted({r.font for r in runs if r.page == number and r.font in check.flagged})
        detail = "; ".join(f"font {f}: {check.flagged[f]}" for f in fonts)
        note = f"the text layer's digits disagree with the print: {detail}"
        verdicts[number] = Verdict("ocr", "digit_mismatch", note)


def _ocr_page(
    data: bytes,
    info: PageInfo,
    doc: Document,
    options: Options,
    v: Verdict,
    text_blocks: list[Block],
    origin: tuple[float, float] = (0.0, 0.0),
) -> list[Block]:
    """OCR a page (decision "ocr") or the pictures the text layer does not cover ("mixed").

    A mixed page is OCR'd whole with everything outside its pictures painted white: the
    OCR library sizes its ruling detection by the page, and the text layer has the rest.
    """
    from gongkai.extract.input.readers.scan import ocr_page, page_reader
    from gongkai.ocr.engines import EngineError

    number = info.number
    engine = f"ocr:{options.ocr.cell_engine}"
    info.method = engine if v.decision == "ocr" else f"text+{engine}"
    scale = options.ocr.dpi / 72
    pdf = pdfium.PdfDocument(data)
    try:
        page = pdf[number - 1]
        w, h = page.get_size()
        scale = min(scale, (MAX_RENDER_PIXELS / max(w * h, 1.0)) ** 0.5)  # a 200-inch page is not rendered at 1.6 Gpx
        bitmap = page.render(scale=scale)
        pixels = bitmap.to_numpy()
        dx, dy = render_offset(page, origin)
        page.close()
    finally:
        pdf.close()
    # pdfium renders BGR(A) unless asked otherwise: OCR takes BGR, and a red seal must stay red
    bgr = (pixels[:, :, :3] if bitmap.mode.startswith("BGR") else pixels[:, :, 2::-1]).copy()
    regions = [((r[0] - dx) * scale, (r[1] - dy) * scale, (r[2] - dx) * scale, (r[3] - dy) * scale)
               for r in v.regions] if v.decision == "mixed" else []
    if regions:
        keep = np.zeros(bgr.shape[:2], bool)
        for x0, top, x1, bottom in regions:
            m = 4 * scale  # the picture's own border rulings stay
            keep[max(0, int(top - m)) : int(bottom + m), max(0, int(x0 - m)) : int(x1 + m)] = True
        bgr[~keep] = 255
    try:
        ocred, text = ocr_page(bgr, number, 1 / scale, page_reader(options.ocr), info)
    except EngineError as exc:
        info.note = f"{info.note}; OCR failed: {exc.code}" if info.note else f"OCR failed: {exc.code}"
        doc.errors.append(PageError(exc.code, f"page {number}: {exc}; the other pages were read", number))
        return list(text_blocks) if v.decision == "mixed" else []
    if v.decision == "ocr":
        if text is not None:
            doc.page_text[number] = text
        return ocred
    ocred = [_shift(b, dx, dy) for b in ocred]  # into the text layer's frame
    inside = [b for b in ocred if b.bbox and any(_contains(r, b.bbox) for r in v.regions)]
    return sorted([*text_blocks, *inside], key=lambda b: b.bbox[1] if b.bbox else 0.0)


def _shift(block: Block, dx: float, dy: float) -> Block:
    """An OCR'd block's boxes moved by (dx, dy) points (rendered CropBox to pdfplumber's frame)."""
    if dx == 0 and dy == 0:
        return block

    def mv(b: BBox | None) -> BBox | None:
        return None if b is None else (b[0] + dx, b[1] + dy, b[2] + dx, b[3] + dy)

    block.bbox = mv(block.bbox)
    if isinstance(block, Table):
        for row in block.rows:
            for c in row:
                if c is not None:
                    c.bbox = mv(c.bbox)
        if block.columns:
            block.columns = [x + dx for x in block.columns]
    return block


def _contains(region: BBox, box: BBox) -> bool:
    cx, cy = (box[0] + box[2]) / 2, (box[1] + box[3]) / 2
    return region[0] - 2 <= cx <= region[2] + 2 and region[1] - 2 <= cy <= region[3] + 2


def _read_page(page: pdfplumber.page.Page, number: int, doc: Document, data: bytes, options: Options) -> list[Block]:
    """The page's text lines and tables, top to bottom, from its text layer."""
    chars = page.chars
    info = PageInfo(number, float(page.width), float(page.height), len(chars))
    doc.pages.append(info)
    if not chars:
        return []
    tables: list[Table] = []
    if options.table_strategy != "camelot":
        tables = [t for t in (_to_table(ft, number) for ft in page.find_tables(_TABLE_SETTINGS)) if t is not None]
    lines = _text_lines(page, number, tables)
    if options.table_strategy == "camelot" or _needs_second_opinion(tables, lines):
        flavor = "lattice" if (page.lines or page.rects) else "stream"
        alt = [t for t in camelot_tables(data, number, float(page.height), flavor) if _is_real_table(t.texts())]
        for t in alt:
            t.quality = _quality(t.rows)  # the same score for both strategies
        chosen = _choose(tables, alt, prefer_alt=options.table_strategy == "camelot")
        info.note = f"tables: {', '.join(sorted({t.method for t in chosen})) or 'none'}"
        if chosen != tables:
            tables = chosen
            lines = _text_lines(page, number, tables)
    blocks: list[tuple[float, TextLine | Table]] = [(ln.bbox[1], ln) for ln in lines if ln.bbox]
    blocks += [(t.bbox[1], t) for t in tables if t.bbox]
    blocks.sort(key=lambda b: b[0])
    return [b for _, b in blocks]


# a table row printed without rulings ends in three or more separate numbers: "规章  0  0  0"
_NUMERIC_LINE = re.compile(r"(?:\s+[\d.,]*\d){3,}\s*$")


def _needs_second_opinion(tables: list[Table], lines: list[TextLine]) -> bool:
    """A table that scores low, or table-like lines of numbers with no ruled table at all."""
    if any(t.quality < QUALITY_OK for t in tables):
        return True
    if tables:
        return False
    return sum(1 for ln in lines if _NUMERIC_LINE.search(ln.text)) >= 3


def _text_lines(page: pdfplumber.page.Page, number: int, tables: list[Table]) -> list[TextLine]:
    """Running text: the page's lines outside the multi-cell rows of real tables, without page numbers."""
    exclude = [b for t in tables for b in _multi_cell_rows(t)]
    if exclude:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or not _inside(obj, exclude))
    return [
        TextLine(ln["text"], number, (ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
        for ln in page.extract_text_lines(strip=True, return_chars=False)
        if ln["text"].strip() and not _PAGE_NUMBER.match(ln["text"].strip())
    ]


def _overlap(a: BBox, b: BBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))


def _choose(primary: list[Table], alt: list[Table], prefer_alt: bool) -> list[Table]:
    """Per table, the strategy whose own quality score is higher (ties keep pdfplumber)."""
    out = list(primary)
    for t in alt:
        rivals = [p for p in out if p.bbox and t.bbox and _overlap(p.bbox, t.bbox) > 0.5]
        if not rivals:
            out.append(t)
        elif prefer_alt or t.quality > max(p.quality for p in rivals):
            out = [p for p in out if p not in rivals] + [t]
    out.sort(key=lambda t: t.bbox[1] if t.bbox else 0)
    return out


def _multi_cell_rows(t: Table) -> list[BBox]:
    """Boxes of the rows with two or more cells: their text is table text, not prose."""
    out = []
    for row in t.rows:
        boxes = [c.bbox for c in row if c is not None and c.bbox]
        if len(boxes) >= 2:
            out.append(
                (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            )
    return out


def _inside(obj: dict, boxes: list[BBox]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def _is_real_table(text: list[list[str | None]]) -> bool:
    """WPS boxes every prose line: a table has two or more columns, and numbers or a row of
    two or more filled cells (a header whose values went to the next page)."""
    if not text or max(len(r) for r in text) < 2:
        return False
    if any(parse_cell(t).kind == "number" for row in text for t in row if t):
        return True
    return any(sum(1 for t in row if t and t.strip()) >= 2 for row in text)


def _to_table(found: pdfplumber.table.Table, page: int) -> Table | None:
    """A pdfplumber table as a gridded Table (spans from the cells' own edges), or None for prose boxes."""
    text = found.extract()
    if not _is_real_table(text):
        return None
    # grid lines from the cells' own edges: spans are the grid lines a cell crosses
    xs = _edges([b for r in found.rows for b in r.cells if b], 0, 2)
    ys = _edges([b for r in found.rows for b in r.cells if b], 1, 3)
    rows: list[list[Cell | None]] = []
    for row, row_text in zip(found.rows, text, strict=True):
        out: list[Cell | None] = []
        for bbox, t in zip(row.cells, row_text, strict=True):
            if bbox is None:
                out.append(None)
                continue
            colspan = 1 + sum(1 for x in xs if bbox[0] + 1 < x < bbox[2] - 1)
            rowspan = 1 + sum(1 for y in ys if bbox[1] + 1 < y < bbox[3] - 1)
            out.append(Cell(t or "", page, tuple(bbox), None, "text", 1.0, rowspan, colspan))
        rows.append(out)
    return Table(rows, "pdfplumber", page, tuple(found.bbox), True, _quality(rows), xs)


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
