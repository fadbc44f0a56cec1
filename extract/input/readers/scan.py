"""Scanned pages: page images through the OCR library into layout blocks.

Used for image files (PNG/JPEG/TIFF, several files of one report) and for PDF
pages without a usable text layer. Coordinates are converted to PDF points so a
scanned value has the same kind of page and box as a born-digital one.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from functools import cache
from io import BytesIO

import numpy as np
from PIL import Image, ImageOps

from gongkai.extract.domain.page_judge import TemplateJudge
from gongkai.extract.domain.schema import schema
from gongkai.extract.errors import CorruptInput, NoTextLayer, TooLarge
from gongkai.extract.layout import BBox, Block, Cell, Document, PageError, PageInfo, Piece, Table, TextLine
from gongkai.extract.options import OcrOptions, Options
from gongkai.ocr.engines import Engine, EngineError, RapidEngine, TesseractEngine
from gongkai.ocr.page import PageReader
from gongkai.ocr.page import PageText as OcrPageText
from gongkai.ocr.types import RapidModelSet, Reading

log = logging.getLogger(__name__)

A4_WIDTH_IN = 8.27
MAX_PIXELS = 80_000_000
"""Larger images are refused (decompression bombs); a 600 dpi A4 page is ~35 Mpx."""
SHEET_UNSURE = 0.75
"""Highest confidence of anything read on a photo whose page outline was not found (``Sheet.unsure``: the
part of the picture on its side of a spine, bounded by the frame): print near the spine may be the facing
page's, and rows not laid level may give a cell its neighbour's value; the values may be right, but not
surely."""


def _engine(name: str, o: OcrOptions) -> Engine:
    return TesseractEngine(timeout_s=o.timeout_s) if name == "tesseract" else _rapid(o.rapid_models)


@cache
def _rapid(models: RapidModelSet) -> RapidEngine:
    """One RapidOCR per process and model set: loading its models costs ~0.5 s."""
    return RapidEngine(models=models)


def page_reader(o: OcrOptions) -> PageReader:
    """The page reader, its candidate readings of a page judged by the report's template."""
    return PageReader(
        prose=_engine(o.prose_engine, o),
        cells=_engine(o.cell_engine, o),
        second=_engine(o.second_engine, o) if o.second_engine else None,
        judge=TemplateJudge(schema()),
    )


# "-3-", "— 3 —", "第3页", "3/5": page furniture, not report text (as in the PDF reader)
_PAGE_NUMBER = re.compile(
    r"^[-—–－=~\s]*\d{1,3}[-—–－=~\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$"
)


class ScanPageText:
    """A scanned page's every detected line as layout pieces: read by OCR when first asked for,
    boxes upright (the reading frame) and, for provenance, in points of the image as given."""

    def __init__(self, text: OcrPageText, page: int, points_per_px: float, method: str, most: float = 1.0) -> None:
        self._text = text
        self._page = page
        self._scale = points_per_px
        self._method = method
        self._most = most  # the highest confidence anything read on the page is given (``SHEET_UNSURE``)
        self._pieces: list[Piece] | None = None

    def pieces(self) -> list[Piece]:
        if self._pieces is None:
            self._pieces = [self._piece(box, r) for box, r in self._text.lines()]
        return self._pieces

    def read_at(self, box: BBox, number: bool = False) -> Piece | None:
        found = self._text.read_box(tuple(round(v) for v in box), number)  # type: ignore[arg-type]
        return None if found is None else self._piece(*found)

    def seen(self, box: BBox) -> float:
        return self._text.seen(box)  # type: ignore[arg-type]

    def _piece(self, box: tuple[int, int, int, int], r: Reading) -> Piece:
        src = tuple(round(float(v) * self._scale, 2) for v in self._text.to_source(box))
        cell = Cell(r.text, self._page, src, None, f"{self._method}:{r.engine}" if r.engine else self._method,
                    round(min(max(r.confidence, 0.0), self._most), 3),
                    alternatives=tuple((a, round(min(float(c), self._most), 3)) for a, c in r.alternatives))
        return Piece(cell, tuple(float(v) for v in box))


def ocr_page(
    image: np.ndarray, page: int, points_per_px: float, reader: PageReader, info: PageInfo | None = None
) -> tuple[list[Block], ScanPageText | None]:
    """Layout blocks (text lines and tables, top to bottom) of one page image, and its text as pieces.

    Boxes are in the given image's frame (the OCR library maps them back from the
    upright page it read), scaled to points; ``info`` gets a note of what was done
    to the image (turned, deskewed, flattened).
    """
    res = reader.read(image)
    if info is not None and res.note:
        info.note = f"{info.note}; {res.note}" if info.note else res.note
    method = f"ocr:{reader.cells.name}"
    most = SHEET_UNSURE if res.sheet_unsure else 1.0
    # column lines in points across the upright page: a photographed sheet is taken as A4 wide
    upright_w = res.upright_size[0] or res.width
    page_w = A4_WIDTH_IN * 72 if res.perspective else upright_w / res.upright_scale * points_per_px
    col_scale = page_w / max(upright_w, 1)

    def box(b: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        return tuple(round(float(v) * points_per_px, 2) for v in b)  # type: ignore[return-value]

    lines: list[Block | None] = []
    for ln in res.lines:
        if _PAGE_NUMBER.match(ln.text.strip()):
            lines.append(None)
            continue
        source = f"ocr:{reader.prose.name} conf={ln.confidence:.2f}"
        lines.append(TextLine(ln.text, page, box(ln.box), source))
    tables: list[Block] = []
    for t in res.tables:
        rows: list[list[Cell | None]] = [[None] * t.grid.cols for _ in range(t.grid.rows)]
        for cr in t.cells:
            c, r = cr.cell, cr.reading
            rows[c.row][c.col] = Cell(
                r.text, page, box(c.box), None, f"ocr:{r.engine or reader.cells.name}",
                round(min(max(r.confidence, 0.0), most), 3), c.rowspan, c.colspan,
                tuple((a, round(min(float(p), most), 3)) for a, p in r.alternatives),
            )
        cols = [round(x * col_scale, 2) for x in t.grid.xs]
        tables.append(Table(rows, method, page, box(t.grid.box), True, t.grid.confidence, cols))
    # in the upright page's reading order (a page scanned on its side runs across the image)
    blocks = [lines[i] if kind == "line" else tables[i] for kind, i in res.order]
    text = ScanPageText(res.text, page, points_per_px, "ocr", most) if res.text is not None else None
    return [b for b in blocks if b is not None], text


def _frames(data: bytes) -> Iterator[tuple[np.ndarray, float | None]]:
    """Every frame of an image file (multi-page TIFF too), upright per its EXIF tag, as BGR arrays,
    with the resolution it declares (None when it declares none or an implausible one)."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        im = Image.open(BytesIO(data))
        n = getattr(im, "n_frames", 1)
        for i in range(n):
            im.seek(i)
            if im.width * im.height > MAX_PIXELS:
                raise TooLarge(f"image of {im.width}x{im.height} pixels exceeds {MAX_PIXELS}")
            dpi = im.info.get("dpi")
            frame = ImageOps.exif_transpose(im.convert("RGB"))
            found = _plausible_dpi(dpi, frame.width, frame.height)
            bgr = np.ascontiguousarray(np.asarray(frame)[:, :, ::-1])
            # the decoded picture and its RGB copy are not kept while the page is read: a 12 Mpx
            # phone photo is ~36 MB in each, on top of the page reader's own peak
            frame = None
            if i == n - 1:
                im.close()
            yield bgr, found
    except Image.DecompressionBombError:
        raise TooLarge("the image is a decompression bomb (too many pixels)") from None
    except (OSError, SyntaxError, ValueError, EOFError) as exc:
        raise CorruptInput(f"the image cannot be decoded ({type(exc).__name__})") from None


def _plausible_dpi(dpi: object, w: int, h: int) -> float | None:
    """A declared resolution that makes a page of paper size (4 to 17 inches on the short side)."""
    try:
        d = float(dpi[0])  # type: ignore[index]
    except (TypeError, ValueError, IndexError):
        return None
    if not 90 <= d <= 1200:
        return None  # cameras write 72 (or nothing): meaningless for the page
    return d if 4.0 <= min(w, h) / d <= 17.0 else None


def load_images(data: bytes) -> list[np.ndarray]:
    """Every frame of an image file as BGR arrays."""
    return [f for f, _ in _frames(data)]


def read_images(images: list[bytes], options: Options) -> Document:
    """One report from image files (photos of its pages, a multi-page TIFF): every frame is a page, in order."""
    if not options.ocr.enabled:
        raise NoTextLayer("an image has no text layer, and OCR is switched off")
    doc = Document("image")
    reader = page_reader(options.ocr)
    number = 0
    for data in images:
        for frame, dpi in _frames(data):
            number += 1
            if number > options.limits.max_pages:
                raise TooLarge(f"more than {options.limits.max_pages} pages")
            h, w = frame.shape[:2]
            # without a declared resolution the page is taken to be A4 (its short side 8.27 in)
            points_per_px = 72 / dpi if dpi else (A4_WIDTH_IN * 72) / min(w, h)
            info = PageInfo(number, w * points_per_px, h * points_per_px, 0, f"ocr:{options.ocr.cell_engine}", "image")
            doc.pages.append(info)
            try:
                blocks, text = ocr_page(frame, number, points_per_px, reader, info)
                doc.blocks.extend(blocks)
                if text is not None:
                    doc.page_text[number] = text
            except EngineError as exc:
                info.note = f"failed: {exc.code}"
                doc.errors.append(PageError(exc.code, f"page {number}: {exc}; the other pages were read", number))
            del frame  # not kept while the next page is decoded
    return doc


def read_image(data: bytes, options: Options) -> Document:
    return read_images([data], options)
