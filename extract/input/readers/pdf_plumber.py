"""A PDF page read by pdfplumber (pdfminer underneath), with camelot's second opinion.

The reference reader, and the one for pages the pdfium reader is unsure of (see
``pdf.read_pdf``): characters, rulings and table grids from pdfminer's interpretation of
the content stream, bounded in the objects it may draw. Where a table scores low or a page
has table-like lines of numbers but no ruled table, camelot (lattice where there are
rulings, stream where there are none) is asked too, and each table is taken from whichever
strategy scores higher.
"""

from __future__ import annotations

from io import BytesIO

import pdfplumber
from pdfminer.pdfdocument import PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdfparser import PDFSyntaxError
from pdfplumber.page import PDFPageAggregatorWithMarkedContent
from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

from gongkai.extract.errors import CorruptInput, EncryptedInput, TooLarge
from gongkai.extract.input.readers.pdf_camelot import camelot_tables
from gongkai.extract.input.readers.pdf_tables import (
    PAGE_NUMBER,
    choose,
    grid_table,
    in_reading_order,
    inside,
    is_real_table,
    multi_cell_rows,
    needs_second_opinion,
    quality,
)
from gongkai.extract.layout import Block, Document, PageInfo, Table, TextLine
from gongkai.extract.options import Options

TABLE_SETTINGS = {"vertical_strategy": "lines", "horizontal_strategy": "lines"}


def open_pdf(data: bytes) -> pdfplumber.PDF:
    try:
        pdf = pdfplumber.open(BytesIO(data))
        _ = pdf.pages  # the page tree is parsed lazily; broken files fail here
        return pdf
    except PDFPasswordIncorrect:
        raise EncryptedInput("the PDF is protected by a user password") from None
    except (PdfminerException, MalformedPDFException, PDFSyntaxError, ValueError, KeyError, TypeError,
            AttributeError) as exc:
        raise CorruptInput(f"the PDF cannot be parsed ({type(exc).__name__})") from None


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


def bounded_layout(page: pdfplumber.page.Page, limit: int) -> None:
    """Lay the page out exactly as pdfplumber would (it reuses the cached result), within ``limit``."""
    device = _BoundedLayout(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams, limit=limit)
    PDFPageInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
    page._layout = device.get_result()


def read_page(page: pdfplumber.page.Page, number: int, doc: Document, data: bytes, options: Options) -> list[Block]:
    """The page's text lines and tables, top to bottom, from its text layer."""
    chars = page.chars
    info = PageInfo(number, float(page.width), float(page.height), len(chars))
    doc.pages.append(info)
    if not chars:
        return []
    tables: list[Table] = []
    if options.table_strategy != "camelot":
        tables = [t for t in (_to_table(ft, number) for ft in page.find_tables(TABLE_SETTINGS)) if t is not None]
    lines = _text_lines(page, number, tables)
    if options.table_strategy == "camelot" or needs_second_opinion(tables, lines):
        flavor = "lattice" if (page.lines or page.rects) else "stream"
        alt = [t for t in camelot_tables(data, number, float(page.height), flavor) if is_real_table(t.texts())]
        for t in alt:
            t.quality = quality(t.rows)  # the same score for both strategies
        chosen = choose(tables, alt, prefer_alt=options.table_strategy == "camelot")
        note = f"tables: {', '.join(sorted({t.method for t in chosen})) or 'none'}"
        info.note = f"{info.note}; {note}" if info.note else note
        if chosen != tables:
            tables = chosen
            lines = _text_lines(page, number, tables)
    return in_reading_order(lines, tables)


def _text_lines(page: pdfplumber.page.Page, number: int, tables: list[Table]) -> list[TextLine]:
    """Running text: the page's lines outside the multi-cell rows of real tables, without page numbers."""
    exclude = [b for t in tables for b in multi_cell_rows(t)]
    if exclude:
        page = page.filter(lambda obj: obj.get("object_type") != "char" or not inside(obj, exclude))
    return [
        TextLine(ln["text"], number, (ln["x0"], ln["top"], ln["x1"], ln["bottom"]))
        for ln in page.extract_text_lines(strip=True, return_chars=False)
        if ln["text"].strip() and not PAGE_NUMBER.match(ln["text"].strip())
    ]


def _to_table(found: pdfplumber.table.Table, page: int) -> Table | None:
    """A pdfplumber table as a gridded Table (spans from the cells' own edges), or None for prose boxes."""
    return grid_table(found.extract(), [r.cells for r in found.rows], found.bbox, page, "pdfplumber")
