"""Scanned pages: page images through the OCR library into layout blocks.

Used for image files (PNG/JPEG/TIFF, several files of one report) and for PDF
pages without a usable text layer. Coordinates are converted to PDF points so a
scanned value has the same kind of page and box as a born-digital one.
"""

from __future__ import annotations

import logging
from functools import cache
from io import BytesIO

import numpy as np
from PIL import Image, ImageOps

from ocr.engines import Engine, EngineError, RapidEngine, TesseractEngine
from ocr.page import PageReader

from ..errors import CorruptInput, TooLarge
from ..layout import Block, Cell, Document, PageError, PageInfo, Table, TextLine
from ..options import OcrOptions, Options

log = logging.getLogger(__name__)

A4_WIDTH_IN = 8.27
MAX_PIXELS = 80_000_000
"""Larger images are refused (decompression bombs); a 600 dpi A4 page is ~35 Mpx."""


def _engine(name: str, timeout_s: float) -> Engine:
    return TesseractEngine(timeout_s=timeout_s) if name == "tesseract" else _rapid()


@cache
def _rapid() -> RapidEngine:
    """One RapidOCR per process: loading its models costs ~0.5 s."""
    return RapidEngine()


def page_reader(o: OcrOptions) -> PageReader:
    return PageReader(
        prose=_engine(o.prose_engine, o.timeout_s),
        cells=_engine(o.cell_engine, o.timeout_s),
        second=_engine(o.second_engine, o.timeout_s) if o.second_engine else None,
    )


def ocr_page(image: np.ndarray, page: int, points_per_px: float, reader: PageReader) -> list[Block]:
    """Layout blocks (text lines and tables, top to bottom) of one page image."""
    res = reader.read(image)
    method = f"ocr:{reader.cells.name}"

    def box(b: tuple[int, int, int, int]) -> tuple[float, float, float, float]:
        return tuple(round(float(v) * points_per_px, 2) for v in b)  # type: ignore[return-value]

    blocks: list[tuple[float, Block]] = []
    for ln in res.lines:
        source = f"ocr:{reader.prose.name} conf={ln.confidence:.2f}"
        blocks.append((ln.box[1], TextLine(ln.text, page, box(ln.box), source)))
    for t in res.tables:
        rows: list[list[Cell | None]] = [[None] * t.grid.cols for _ in range(t.grid.rows)]
        for cr in t.cells:
            c, r = cr.cell, cr.reading
            rows[c.row][c.col] = Cell(
                r.text, page, box(c.box), None, f"ocr:{r.engine or reader.cells.name}",
                round(min(max(r.confidence, 0.0), 1.0), 3), c.rowspan, c.colspan,
                tuple((a, float(p)) for a, p in r.alternatives),
            )
        cols = [round(x * points_per_px, 2) for x in t.grid.xs]
        blocks.append((t.grid.box[1], Table(rows, method, page, box(t.grid.box), True, 1.0, cols)))
    blocks.sort(key=lambda b: b[0])
    return [b for _, b in blocks]


def load_images(data: bytes) -> list[np.ndarray]:
    """Every frame of an image file (multi-page TIFF too), upright per its EXIF tag, as BGR arrays."""
    Image.MAX_IMAGE_PIXELS = MAX_PIXELS
    try:
        im = Image.open(BytesIO(data))
        frames = []
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            if im.width * im.height > MAX_PIXELS:
                raise TooLarge(f"image of {im.width}x{im.height} pixels exceeds {MAX_PIXELS}")
            frame = ImageOps.exif_transpose(im.convert("RGB"))
            frames.append(np.asarray(frame)[:, :, ::-1].copy())
        return frames
    except Image.DecompressionBombError:
        raise TooLarge("the image is a decompression bomb (too many pixels)") from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise CorruptInput(f"the image cannot be decoded ({type(exc).__name__})") from None


def read_images(images: list[bytes], options: Options) -> Document:
    """One report from image files: every frame of every file is a page, in order."""
    doc = Document("image")
    reader = page_reader(options.ocr)
    number = 0
    for data in images:
        for frame in load_images(data):
            number += 1
            h, w = frame.shape[:2]
            points_per_px = (A4_WIDTH_IN * 72) / w  # unknown dpi: the page is taken as A4 wide
            info = PageInfo(number, w * points_per_px, h * points_per_px, 0, f"ocr:{options.ocr.cell_engine}", "image")
            doc.pages.append(info)
            try:
                doc.blocks.extend(ocr_page(frame, number, points_per_px, reader))
            except EngineError as exc:
                info.note = f"failed: {exc.code}"
                doc.errors.append(PageError(exc.code, f"page {number}: {exc}; the other pages were read", number))
    return doc


def read_image(data: bytes, options: Options) -> Document:
    return read_images([data], options)
