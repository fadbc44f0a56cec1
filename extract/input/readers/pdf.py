"""Born-digital PDFs: characters, rulings and table grids, read by pdfium.

Each page is read from pdfium's objects (``pdfium_page``): characters with their boxes,
the edges its paths draw, its pictures; tables are found from the edges by pdfplumber's
own method (``lattice``), lines and cell text laid out as pdfplumber lays them out
(``textflow``). That is ~10x faster than pdfplumber, which interprets the content stream in
Python, and gives the same text and tables on every page of the corpus (the reference tests
compare them page by page).

pdfplumber reads a page instead (``pdf_plumber``, with camelot's second opinion) where the
pdfium reader is unsure, and the page's note says why ("pdfplumber: ..."):

- the file is damaged (pdfium had to rebuild its cross-reference table or cannot open it; it is
  cut off; a stream's /Length or an object stream's count is wrong: ``pdf_repair.Signs``): every
  page, from a repaired copy where pdfminer cannot read the file as it is;
- the page is rotated, or its MediaBox does not start at the origin (pdfplumber's frame);
- it holds rotated, slanted or mirrored text, or characters without a Unicode mapping;
- it may draw more objects than the limit (pdfplumber counts them as it draws, and stops);
- its text layer is not plain text (a scan, garbage, pictures it does not cover: the OCR path);
- a table scores low, or lines of numbers stand without rulings (camelot's second opinion).

A damaged file is repaired (``pdf_repair``: pdfium's, then qpdf's copy, then both on a salvage of
what a cut file still holds) when pdfminer cannot walk it, finds other pages than pdfium, or would
read streams short because their /Length is wrong; the report says ``W_REPAIRED``, and
``E_TRUNCATED`` for a file cut off. An undamaged file costs a few searches of its bytes for this
(~0.2 ms), and pdfminer never opens it unless a page falls back to pdfplumber.

``Options.table_strategy``: "auto" is the above; "pdfplumber" reads every page with
pdfplumber (and camelot where a table scores low); "camelot" takes camelot's tables.
"""

from __future__ import annotations

import contextlib
import logging
from typing import TYPE_CHECKING

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from gongkai.extract.errors import REPAIRED, TRUNCATED, CorruptInput, EncryptedInput, NoTextLayer, TooLarge
from gongkai.extract.input.readers import lattice, pdf_repair, textflow
from gongkai.extract.input.readers.digit_glyphs import GlyphVerdict
from gongkai.extract.input.readers.pdf_tables import (
    PAGE_NUMBER,
    grid_table,
    in_reading_order,
    multi_cell_rows,
    needs_second_opinion,
    outside,
)
from gongkai.extract.input.readers.pdfium_page import PageObjects, load_page
from gongkai.extract.input.readers.textlayer import (
    DigitReader,
    NumberRun,
    Verdict,
    cross_check_digits,
    judge_page,
    number_runs,
    render_offset,
)
from gongkai.extract.layout import BBox, Block, Document, PageError, PageInfo, Table, TextLine
from gongkai.extract.options import Options

if TYPE_CHECKING:
    import pdfplumber

log = logging.getLogger(__name__)

_PDFIUM_PASSWORD = 4  # FPDF_ERR_PASSWORD

MAX_RENDER_PIXELS = 16_000_000
"""A page is rendered for OCR at the OCR dpi, or smaller if that would exceed this (A2 at 200 dpi)."""

FALLBACK = "pdfplumber"
"""The note's prefix on a page the pdfium reader left to pdfplumber."""


def _open_pdfium(data: bytes) -> pdfium.PdfDocument | None:
    """pdfium's document, which tells a password from damage by error code; None when it cannot
    open the file (damaged: the repair ladder may still recover it)."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if getattr(exc, "err_code", None) == _PDFIUM_PASSWORD:
            raise EncryptedInput("the PDF is protected by a user password") from None
        return None


def _walk(data: bytes) -> int | None:
    """Pages pdfminer finds walking the file, or None when it cannot."""
    from gongkai.extract.input.readers.pdf_plumber import open_pdf

    try:
        with open_pdf(data) as pdf:
            return len(pdf.pages)
    except (CorruptInput, EncryptedInput):
        return None


def _open_or_repair(data: bytes, doc: Document, n: int | None, wrong_lengths: int,
                    max_pages: int) -> tuple[pdfplumber.PDF, bytes]:
    """pdfplumber on the file, or on a repaired copy when pdfminer cannot walk it, finds other pages
    than pdfium (``n``; None: pdfium could not open it) or would read streams short (``wrong_lengths``,
    ``pdf_repair``); and the bytes it reads. What was done is said on the document."""
    from gongkai.extract.input.readers.pdf_plumber import open_pdf

    pdf: pdfplumber.PDF | None = None
    with contextlib.suppress(CorruptInput):
        pdf = open_pdf(data)
    found = None if pdf is None else len(pdf.pages)
    bad_lengths = wrong_lengths if found else 0
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
    return open_pdf(fixed.data), fixed.data


class _Plumber:
    """pdfplumber's view of the document, opened the first time a page needs it: on the file, or on
    the copy ``_open_or_repair`` made of it (``data`` is then the copy's bytes)."""

    def __init__(self, data: bytes, doc: Document, pdfium_pages: int | None, signs: pdf_repair.Signs,
                 max_pages: int):
        self.data = data
        self.doc = doc
        self._pdfium_pages = pdfium_pages
        self._signs = signs
        self._max_pages = max_pages
        self._pdf: pdfplumber.PDF | None = None

    @property
    def pdf(self) -> pdfplumber.PDF:
        if self._pdf is None:
            self._pdf, self.data = _open_or_repair(self.data, self.doc, self._pdfium_pages,
                                                   self._signs.wrong_lengths, self._max_pages)
        return self._pdf

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()


class _Pages:
    """What reading the pages learned, for the digit check and the OCR pass after them."""

    def __init__(self) -> None:
        self.blocks: dict[int, list[Block]] = {}
        self.verdicts: dict[int, Verdict] = {}
        self.runs: list[NumberRun] = []
        self.origins: dict[int, tuple[float, float]] = {}
        self.glyphs: dict[str, GlyphVerdict] = {}
        """Fonts whose digit glyphs were judged (pages read by pdfium)."""


def read_pdf(data: bytes, options: Options) -> Document:
    doc = Document("pdf")
    signs = pdf_repair.signs_of_damage(data)
    if signs.cut:
        doc.errors.append(PageError(TRUNCATED, f"the PDF is cut off ({len(data)} bytes, no end-of-file marker "
                                               "after its last object): what came before the cut was read; "
                                               "re-download it for the rest"))
    pdf = _open_pdfium(data)
    n = None if pdf is None else len(pdf)
    plumber = _Plumber(data, doc, n, signs, options.limits.max_pages)
    try:
        if n is not None and n > options.limits.max_pages:
            raise TooLarge(f"{n} pages, more than the limit of {options.limits.max_pages}")
        whole = None  # why every page is pdfplumber's
        if pdf is None or signs or not pdfium_c.FPDF_DocumentHasValidCrossReferenceTable(pdf.raw):
            whole = "the file is damaged"
        if options.table_strategy != "auto":
            whole = ""  # asked for: not worth a note
        if whole is not None:
            n = len(plumber.pdf.pages)  # opened (or repaired) now: a damaged file is said once, first
        pages = _Pages()
        for i in range(1, (n or 0) + 1):
            try:
                reason = whole if whole is not None else _read_fast(pdf, i, doc, pages, options)
                if reason is not None:
                    _read_plumber(plumber, i, doc, pages, options)
                    if reason:
                        _note(doc, i, f"{FALLBACK}: {reason}")
            except Exception as exc:  # noqa: BLE001 - one bad page must not sink the document
                pages.verdicts.pop(i, None)
                pages.blocks.pop(i, None)
                _page_failed(doc, i, exc, next((p for p in doc.pages if p.number == i), None))
        _after_pages(plumber.data, doc, pages, options)  # a copy pdfplumber reads has the pages' geometry
    finally:
        plumber.close()
        if pdf is not None:
            pdf.close()
    return doc


def _note(doc: Document, number: int, note: str) -> None:
    info = next((p for p in doc.pages if p.number == number), None)
    if info is not None:
        info.note = f"{note}; {info.note}" if info.note else note


def _read_fast(pdf: pdfium.PdfDocument, number: int, doc: Document, pages: _Pages, options: Options) -> str | None:
    """Page ``number`` read from pdfium's objects; or, reading nothing, why pdfplumber should."""
    po = load_page(pdf, number, options.limits.max_page_objects)
    if po.unsure:
        return po.unsure
    v = judge_page(po.chars, po.images, po.width, po.height, po.has_graphics)
    if v.decision != "text":
        return f"the text layer needs a closer look ({v.reason})"
    blocks = _fast_blocks(po, number) if po.chars else []
    if blocks is None:
        return "a table scores low, or numbers stand in lines without rulings"
    doc.pages.append(PageInfo(number, po.width, po.height, len(po.chars)))
    pages.verdicts[number] = v
    pages.blocks[number] = blocks
    pages.origins[number] = (0.0, 0.0)
    pages.runs.extend(number_runs(po.chars, number))
    pages.glyphs.update(po.digit_fonts)
    return None


def _fast_blocks(po: PageObjects, number: int) -> list[Block] | None:
    """The page's lines and tables, top to bottom; None where camelot's opinion is wanted."""
    tables = []
    for found in lattice.find_tables(po.edges):
        t = grid_table(found.extract(po.chars), found.rows, found.bbox, number, "pdfium")
        if t is not None:
            tables.append(t)
    lines = _fast_lines(po.chars, number, tables)
    if needs_second_opinion(tables, lines):
        return None
    return in_reading_order(lines, tables)


def _fast_lines(chars: list[dict], number: int, tables: list[Table]) -> list[TextLine]:
    """Running text: the lines outside the multi-cell rows of real tables, without page numbers."""
    chars = outside(chars, [b for t in tables for b in multi_cell_rows(t)])
    return [
        TextLine(text, number, (x0, top, x1, bottom))
        for text, x0, top, x1, bottom in textflow.text_lines(chars)
        if not PAGE_NUMBER.match(text.strip())
    ]


def _read_plumber(plumber: _Plumber, number: int, doc: Document, pages: _Pages, options: Options) -> None:
    """Page ``number`` read by pdfplumber (and camelot where a table scores low)."""
    from gongkai.extract.input.readers.pdf_plumber import bounded_layout, read_page

    if number > len(plumber.pdf.pages):
        raise CorruptInput(f"pdfminer does not find page {number}")
    page = plumber.pdf.pages[number - 1]
    try:
        bounded_layout(page, options.limits.max_page_objects)
        chars = page.chars
        v = judge_page(chars, page.images, float(page.width), float(page.height),
                       bool(page.rects or page.lines or page.curves))
        pages.verdicts[number] = v
        pages.blocks[number] = read_page(page, number, doc, plumber.data, options) if v.decision != "ocr" else []
        if v.decision == "ocr":
            doc.pages.append(PageInfo(number, float(page.width), float(page.height), len(chars)))
        pages.origins[number] = (float(page.mediabox[0]), float(page.mediabox[1]))
        if v.decision == "text":
            pages.runs.extend(number_runs(chars, number, pages.origins[number]))
    finally:
        page.close()


def _after_pages(data: bytes, doc: Document, pages: _Pages, options: Options) -> None:
    """The digit cross-check, the verdicts on the page records, OCR where the text layer fell short."""
    if pages.runs and options.ocr.enabled and options.ocr.check_digits:
        _check_digits(data, pages.runs, pages.verdicts, options, pages.glyphs)
    infos = {p.number: p for p in doc.pages}
    for i, v in pages.verdicts.items():
        info = infos[i]
        info.decision, info.reason = v.decision, v.reason
        if v.detail:
            info.note = f"{info.note}; {v.detail}" if info.note else v.detail
        if v.decision == "text":
            continue
        if not options.ocr.enabled:
            if v.decision == "ocr":
                pages.blocks[i] = []  # a garbage text layer is worse than none
                msg = f"page {i} needs OCR ({v.reason}: {v.detail}), which is switched off; the page was not read"
            else:
                msg = f"page {i}: pictures the text layer does not cover were not read (OCR is switched off)"
            doc.errors.append(PageError("E_NO_TEXT", msg, i))
            continue
        try:
            pages.blocks[i] = _ocr_page(data, info, doc, options, v, pages.blocks.get(i, []),
                                        pages.origins.get(i, (0.0, 0.0)))
        except Exception as exc:  # noqa: BLE001 - a page OCR cannot read must not sink the document
            _page_failed(doc, i, exc, info)
            if v.decision == "ocr":
                pages.blocks[i] = []  # the text layer was not to be trusted; a mixed page keeps it
    doc.pages.sort(key=lambda p: p.number)
    doc.blocks = [b for i in sorted(pages.blocks) for b in pages.blocks[i]]
    if pages.verdicts and not options.ocr.enabled and all(v.decision == "ocr" for v in pages.verdicts.values()):
        doc.errors = [e for e in doc.errors if e.code != "E_NO_TEXT"]
        raise NoTextLayer("no page has a usable text layer, and OCR is switched off")


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


def _check_digits(data: bytes, runs: list[NumberRun], verdicts: dict[int, Verdict], options: Options,
                  glyphs: dict[str, GlyphVerdict]) -> None:
    """Pages whose digits come from a font the printed glyphs contradict go to OCR.

    A font whose digit glyphs look like its digits (``digit_glyphs``) is trusted as it is;
    Tesseract reads a few numbers of the others (fonts the glyph check could not tell, or found
    wrong, and fonts of pages pdfplumber read), and has the last word where it can run.
    """
    doubtful = [r for r in runs if r.font not in glyphs or glyphs[r.font].agree is not True]
    if not doubtful:
        return
    check = cross_check_digits(data, doubtful, DigitReader(timeout_s=min(options.ocr.timeout_s, 20.0)))
    flagged = check.flagged
    if check.skipped:
        log.warning("text-layer digits not cross-checked by Tesseract (%s)", check.skipped)
        flagged = {f: f"its glyphs: {v.note}" for f, v in glyphs.items() if v.agree is False}
    for number in sorted({r.page for r in doubtful if r.font in flagged}):
        fonts = sorted({r.font for r in doubtful if r.page == number and r.font in flagged})
        detail = "; ".join(f"font {f}: {flagged[f]}" for f in fonts)
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
    import numpy as np

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
