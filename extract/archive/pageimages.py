"""The pages of a report's input as images, in the frame of the report's boxes.

Cell and line boxes are in PDF points from the page's top-left corner; for a PDF (born
digital or scanned) a page rendered at ``dpi`` has ``dpi / 72`` pixels per point, and for
page images (PNG, JPEG, TIFF frames) the scan reader took the image's declared resolution
or, without one, an A4 page (``gongkai.extract.input.readers.scan``). Both the review page
and the training export draw and crop with this one mapping.
"""

from __future__ import annotations

from io import BytesIO

import numpy as np
from PIL import Image

PAGED_FORMATS = ("pdf", "image")


class PageImages:
    """Renders page ``n`` (1-based) of one input at a chosen resolution."""

    def __init__(self, files: list[bytes], fmt: str):
        if fmt not in PAGED_FORMATS:
            raise ValueError(f"{fmt} inputs have no pages to draw")
        self.format = fmt
        self._pdf = None
        self._frames: list[tuple[np.ndarray, float]] = []
        if fmt == "pdf":
            import pypdfium2 as pdfium

            self._pdf = pdfium.PdfDocument(files[0])
        else:
            from gongkai.extract.input.readers.scan import A4_WIDTH_IN, _frames

            for data in files:
                for frame, dpi in _frames(data):
                    h, w = frame.shape[:2]
                    points_per_px = 72 / dpi if dpi else (A4_WIDTH_IN * 72) / min(w, h)
                    self._frames.append((frame, points_per_px))

    def __len__(self) -> int:
        return len(self._pdf) if self._pdf is not None else len(self._frames)

    def close(self) -> None:
        if self._pdf is not None:
            self._pdf.close()
            self._pdf = None

    def __enter__(self) -> PageImages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def render(self, n: int, dpi: float) -> tuple[Image.Image, float]:
        """(RGB image of page ``n``, pixels per point of the report's boxes)."""
        scale = dpi / 72
        if self._pdf is not None:
            return self._pdf[n - 1].render(scale=scale).to_pil().convert("RGB"), scale
        frame, points_per_px = self._frames[n - 1]
        img = Image.fromarray(np.ascontiguousarray(frame[:, :, ::-1]))
        native = 1 / points_per_px  # pixels per point as the file is
        if abs(native - scale) > 1e-3:
            size = (max(1, round(img.width * scale / native)), max(1, round(img.height * scale / native)))
            img = img.resize(size, Image.Resampling.LANCZOS)
        return img, scale


def png_bytes(img: Image.Image) -> bytes:
    buf = BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
