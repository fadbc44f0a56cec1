"""What both PDF readers share once a page's ruled grids are found: which grids are tables,
a table's cells with their spans, its quality score, and the choice between strategies.

WPS draws a box behind every prose line, so a ruling finder also returns prose "tables":
only grids with at least two columns and numbers (or a row of two filled cells) are tables.
Each table keeps its cell boxes and column boundaries, so a fragment continued on the next
page can be aligned with its header, and a reviewer can draw it.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Sequence

from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.layout import BBox, Cell, Table, TextLine

# "-3-", "— 3 —", "第3页", "第 3 页 共 5 页", "3/5": page furniture, not report text
PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$")

QUALITY_OK = 0.95
"""Below this a table gets a second opinion (camelot, on the pdfplumber reader)."""

# a table row printed without rulings ends in three or more separate numbers: "规章  0  0  0"
_NUMERIC_LINE = re.compile(r"(?:\s+[\d.,]*\d){3,}\s*$")


def needs_second_opinion(tables: list[Table], lines: list[TextLine]) -> bool:
    """A table that scores low, or table-like lines of numbers with no ruled table at all."""
    if any(t.quality < QUALITY_OK for t in tables):
        return True
    if tables:
        return False
    return sum(1 for ln in lines if _NUMERIC_LINE.search(ln.text)) >= 3


def is_real_table(text: list[list[str | None]]) -> bool:
    """WPS boxes every prose line: a table has two or more columns, and numbers or a row of
    two or more filled cells (a header whose values went to the next page)."""
    if not text or max(len(r) for r in text) < 2:
        return False
    if any(parse_cell(t).kind == "number" for row in text for t in row if t):
        return True
    return any(sum(1 for t in row if t and t.strip()) >= 2 for row in text)


def grid_table(
    text: list[list[str | None]], boxes: Sequence[Sequence[BBox | None]], bbox: BBox, page: int, method: str
) -> Table | None:
    """A found grid (cell boxes by row, ``None`` where a span covers the position, and their
    texts) as a gridded ``Table`` with spans from the cells' own edges; None for prose boxes."""
    if not is_real_table(text):
        return None
    cells = [b for r in boxes for b in r if b]
    xs = _edges(cells, 0, 2)
    ys = _edges(cells, 1, 3)
    rows: list[list[Cell | None]] = []
    for row, row_text in zip(boxes, text, strict=True):
        out: list[Cell | None] = []
        for box, t in zip(row, row_text, strict=True):
            if box is None:
                out.append(None)
                continue
            colspan = 1 + sum(1 for x in xs if box[0] + 1 < x < box[2] - 1)
            rowspan = 1 + sum(1 for y in ys if box[1] + 1 < y < box[3] - 1)
            out.append(Cell(t or "", page, tuple(box), None, "text", 1.0, rowspan, colspan))  # type: ignore[arg-type]
        rows.append(out)
    return Table(rows, method, page, tuple(bbox), True, quality(rows), xs)  # type: ignore[arg-type]


def _edges(boxes: list[BBox], lo: int, hi: int) -> list[float]:
    """Distinct grid line positions (merged within a point) along one axis."""
    out: list[float] = []
    for v in sorted({round(b[lo], 1) for b in boxes} | {round(b[hi], 1) for b in boxes}):
        if not out or v - out[-1] > 1.0:
            out.append(v)
    return out


def quality(rows: list[list[Cell | None]]) -> float:
    """Share of non-empty cells whose text is clean: no stray line-merged numbers.

    A cell holding two numbers ("0 0") means the grid missed a ruling.
    """
    cells = [c for r in rows for c in r if c is not None and c.text.strip()]
    if not cells:
        return 0.0
    bad = sum(1 for c in cells if re.fullmatch(r"[\d.,\s]+\s[\d.,\s]+", c.text.strip()))
    return 1.0 - bad / len(cells)


def overlap(a: BBox, b: BBox) -> float:
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    return w * h / min((a[2] - a[0]) * (a[3] - a[1]), (b[2] - b[0]) * (b[3] - b[1]))


def choose(primary: list[Table], alt: list[Table], prefer_alt: bool) -> list[Table]:
    """Per table, the strategy whose own quality score is higher (ties keep the primary)."""
    out = list(primary)
    for t in alt:
        rivals = [p for p in out if p.bbox and t.bbox and overlap(p.bbox, t.bbox) > 0.5]
        if not rivals:
            out.append(t)
        elif prefer_alt or t.quality > max(p.quality for p in rivals):
            out = [p for p in out if p not in rivals] + [t]
    out.sort(key=lambda t: t.bbox[1] if t.bbox else 0)
    return out


def multi_cell_rows(t: Table) -> list[BBox]:
    """Boxes of the rows with two or more cells: their text is table text, not prose."""
    out = []
    for row in t.rows:
        boxes = [c.bbox for c in row if c is not None and c.bbox]
        if len(boxes) >= 2:
            out.append(
                (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))
            )
    return out


def outside(chars: list[dict], boxes: list[BBox]) -> list[dict]:
    """The characters whose middle lies in none of ``boxes`` (``inside``, for a page's worth at once)."""
    if not boxes:
        return list(chars)
    boxes = sorted(boxes, key=lambda b: b[1])
    tops = [b[1] for b in boxes]
    reach = []  # the lowest bottom among the boxes up to each one
    low = float("-inf")
    for b in boxes:
        low = max(low, b[3])
        reach.append(low)
    out = []
    for c in chars:
        cx = (c["x0"] + c["x1"]) / 2
        cy = (c["top"] + c["bottom"]) / 2
        k = bisect_right(tops, cy) - 1
        while k >= 0 and reach[k] >= cy:
            x0, _, x1, bottom = boxes[k]
            if x0 <= cx <= x1 and cy <= bottom:
                break
            k -= 1
        else:
            out.append(c)
    return out


def inside(obj: dict, boxes: list[BBox]) -> bool:
    cx = (obj["x0"] + obj["x1"]) / 2
    cy = (obj["top"] + obj["bottom"]) / 2
    return any(x0 <= cx <= x1 and top <= cy <= bottom for x0, top, x1, bottom in boxes)


def in_reading_order(lines: list[TextLine], tables: list[Table]) -> list[TextLine | Table]:
    """A page's text lines and tables, top to bottom."""
    blocks: list[tuple[float, TextLine | Table]] = [(ln.bbox[1], ln) for ln in lines if ln.bbox]
    blocks += [(t.bbox[1], t) for t in tables if t.bbox]
    blocks.sort(key=lambda b: b[0])
    return [b for _, b in blocks]
