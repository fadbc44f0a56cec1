"""camelot as a second table strategy for PDF pages.

pdfplumber's ruling finder is exact on the reports we know and 3-4x faster, so it
runs first; camelot (lattice where there are rulings, stream where there are none)
is asked only for pages where pdfplumber's tables score low or are missing, and
each table is then taken from whichever strategy scores higher on that page.
"""

from __future__ import annotations

import logging
from typing import Literal

from gongkai.extract.layout import BBox, Cell, Table

log = logging.getLogger(__name__)

Flavor = Literal["lattice", "stream"]


def camelot_tables(data: bytes, page: int, page_height: float, flavor: Flavor) -> list[Table]:
    """camelot's tables on one page as gridded layout tables with spans and boxes."""
    import camelot

    try:
        found = camelot.read_pdf(data, pages=str(page), flavor=flavor, backend="pdfium", suppress_stdout=True)
    except Exception as exc:  # noqa: BLE001 - a failing fallback leaves pdfplumber's result
        log.info("camelot %s failed on page %d: %r", flavor, page, exc)
        return []
    return [_convert(t, page, page_height, flavor) for t in found]


def _flip(x0: float, y0: float, x1: float, y1: float, height: float) -> BBox:
    """camelot's PDF coordinates (y up) to pdfplumber's (top-based)."""
    return (x0, height - max(y0, y1), x1, height - min(y0, y1))


def _convert(t, page: int, height: float, flavor: Flavor) -> Table:
    cells = t.cells
    n_rows, n_cols = len(cells), len(cells[0]) if cells else 0
    rows: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
    covered = [[False] * n_cols for _ in range(n_rows)]
    for r in range(n_rows):
        for c in range(n_cols):
            if covered[r][c]:
                continue
            cell = cells[r][c]
            colspan = 1
            if flavor == "lattice":
                while c + colspan < n_cols and not cells[r][c + colspan - 1].right:
                    colspan += 1
            rowspan = 1
            if flavor == "lattice":
                while r + rowspan < n_rows and not cells[r + rowspan - 1][c].bottom:
                    rowspan += 1
            last = cells[r + rowspan - 1][c + colspan - 1]
            bbox = _flip(cell.x1, cell.y2, last.x2, last.y1, height)
            text = " ".join(
                cells[rr][cc].text.strip() for rr in range(r, r + rowspan) for cc in range(c, c + colspan)
            ).strip()
            rows[r][c] = Cell(text, page, bbox, None, "text", 1.0, rowspan, colspan)
            for rr in range(r, r + rowspan):
                for cc in range(c, c + colspan):
                    if (rr, cc) != (r, c):
                        covered[rr][cc] = True
    xs = [cells[0][c].x1 for c in range(n_cols)] + [cells[0][-1].x2] if n_cols else []
    report = getattr(t, "parsing_report", {}) or {}
    quality = float(report.get("accuracy", 0.0)) / 100.0
    x0, y0, x1, y1 = t._bbox
    return Table(rows, f"camelot-{flavor}", page, _flip(x0, y0, x1, y1, height), True, quality, xs)
