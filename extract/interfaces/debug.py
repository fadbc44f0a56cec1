"""Drawing what the extractor saw on a PDF page, for debugging by eye.

Table grids are outlined by strategy, text lines in grey, and every mapped value
is boxed in green (or red where a rule it takes part in is broken) with its cell id.
"""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

from gongkai.extract.domain.model import Report
from gongkai.extract.layout import Document, Table, TextLine

_TABLE_COLOURS = {"pdfium": (0, 150, 120), "pdfplumber": (0, 90, 255), "camelot-lattice": (200, 0, 200),
                  "camelot-stream": (255, 140, 0)}


def draw_page(pdf_path: str | Path, page: int, doc: Document, report: Report, scale: float = 2.0) -> Image.Image:
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        image = pdf[page - 1].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    draw = ImageDraw.Draw(image)

    def box(b: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
        return (b[0] * scale, b[1] * scale, b[2] * scale, b[3] * scale)

    for block in doc.blocks:
        if isinstance(block, TextLine) and block.page == page and block.bbox:
            draw.rectangle(box(block.bbox), outline=(170, 170, 170))
        elif isinstance(block, Table) and block.page == page:
            colour = _TABLE_COLOURS.get(block.method, (0, 0, 0))
            for row in block.rows:
                for cell in row:
                    if cell is not None and cell.bbox:
                        draw.rectangle(box(cell.bbox), outline=colour)
    broken = {c for f in report.findings for c in f.cells}
    for cid, cell in report.cells.items():
        if cell.page == page and cell.bbox:
            colour = (220, 0, 0) if cid in broken else (0, 160, 0)
            b = box(cell.bbox)
            draw.rectangle(b, outline=colour, width=3)
            draw.text((b[0] + 2, b[1] + 1), cid.split(".", 1)[1], fill=colour)
    return image
