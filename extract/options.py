"""Settings for one extraction, passed explicitly (no globals, no kwargs bags).

The CLI builds an ``Options`` from its flags; notebooks pass one to ``read_report``.
Each setting is declared once here, with its default and why it exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from gongkai.ocr.types import RapidModelSet

TableStrategy = Literal["auto", "pdfplumber", "camelot"]


@dataclass(frozen=True)
class Limits:
    """Resource bounds: archives contain hostile and absurd files."""

    max_file_bytes: int = 200 * 1024 * 1024
    """Larger inputs are refused with E_TOO_LARGE before being parsed."""
    max_pages: int = 300
    """Annual reports run to ~10 pages; hundreds of pages is not a report."""
    max_unzipped_bytes: int = 100 * 1024 * 1024
    """Bound on the decompressed size of a .docx/.odt (zip bombs)."""
    max_page_objects: int = 100_000
    """Characters and drawn paths on one PDF page (a dense page has ~5000); a few kB of
    compressed content can draw millions, at ~2 kB of memory each. Such a page gets E_TOO_LARGE."""
    max_text_lines: int = 100_000
    """Lines of a text file, elements of a web page, paragraphs and cells of a Word file
    (a report has ~1000); past it the file is refused before it is laid out."""
    max_text_bytes: int = 20 * 1024 * 1024
    """A plain-text export of a report is ~50 kB; a text file over this is refused before it is
    decoded (one 200 MB line took a minute and 500 MB to lay out)."""
    converter_timeout_s: float = 120.0
    """LibreOffice conversion of .doc/.wps/.odt is killed after this."""


OcrEngineName = Literal["tesseract", "rapidocr"]


@dataclass(frozen=True)
class OcrOptions:
    """How scanned pages are read (measured choices: see README, OCR)."""

    enabled: bool = True
    """Pages without a usable text layer are OCR'd; False reports them as E_NO_TEXT."""
    dpi: int = 200
    """PDF pages are rendered at this resolution for OCR."""
    prose_engine: OcrEngineName = "rapidocr"
    """RapidOCR had ~0% character errors on prose against ~1% for Tesseract."""
    cell_engine: OcrEngineName = "tesseract"
    """Tesseract reads many stacked cell crops in one call (~5 ms per cell)."""
    second_engine: OcrEngineName | None = "rapidocr"
    """Asked only for numeric cells the first engine is unsure of; its reading becomes an alternative."""
    timeout_s: float = 60.0
    """Per engine call; a page whose engine times out is skipped with E_OCR_TIMEOUT."""
    rapid_models: RapidModelSet = "float"
    """RapidOCR's weights: "float" (its own), "int8-det" (its detector quantised, models/ocr: about half
    the detection CPU) or "int8" (the recogniser too); both int8 sets lost cells: ocr.engines.RapidEngine.models."""
    check_digits: bool = True
    """Cross-check a few text-layer numbers per font against Tesseract's reading of the rendered
    glyphs (~0.02 s per document in-process; ~0.15 s where only the tesseract command is there):
    a broken ToUnicode map can print 1 where the page shows 7."""


@dataclass(frozen=True)
class Options:
    limits: Limits = field(default_factory=Limits)
    table_strategy: TableStrategy = "auto"
    """"auto": pdfium's characters and rulings with pdfplumber's table finder (fast), pdfplumber
    itself on the pages where that reader is unsure, camelot where a table scores low;
    "pdfplumber": pdfplumber on every page (camelot where a table scores low); "camelot": camelot's
    tables. See extract/input/readers/pdf.py."""
    soffice: str | None = None
    """Path to LibreOffice's soffice; None finds it on PATH."""
    ocr: OcrOptions = field(default_factory=OcrOptions)
    narrative: bool = True
    """Items, sentence sections and stated counts (spaCy; ~0.7 s of CPU to import and load once per
    process, in a helper process alongside the reading for `gongkai extract`; ~5 ms a page). False
    leaves ``items``/``sentences``/``facts`` empty, for table-only runs."""
    strict: bool = False
    """A bug in gongkai (E_INTERNAL, or a W_NLP narrative failure) raises the real exception with its
    traceback instead of being recorded on the report: for debugging and for tests. Bad input is
    never a bug: it is still a coded error on the report."""
