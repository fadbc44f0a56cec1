"""Tables without rulings: the cell grid from the alignment of the text alone.

A table printed without borders (or a copy whose thin rulings vanished) is still a
table to the eye: its text stands in columns and rows. From recognised line boxes
(the detector's, with their text):

- text rows are boxes that share a baseline band (vertical overlap);
- a run of rows, two or more of which hold several boxes apart by a wide gap, is a
  table candidate; a row of one box inside or at the edge of the run belongs to it
  only when it sits in one column or is centred over a run of columns (a heading at
  the page margin ends the table);
- column bands come from the x-extents of the boxes of those rows, narrowest first:
  a box over one band widens it, a box over two or more is a spanning cell;
- a row without values whose text lies left of the values of the row above (a
  wrapped label's next line) joins that row; header lines of the same column span
  stacked one under the other are one header cell.

The result is the same ``Grid`` the ruled-table finder gives, with a lower
``confidence`` (the structure is inferred, not drawn), so the cells are read by the
same code. Nothing here knows what the table is about.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from .marks import BLANK_MARKS, DASH_READINGS
from .types import Box, Grid, GridCell, Line

_VALUE = re.compile(r"^[\dOoIl〇.,，%\-—–/／]+$")
_BLANKS = BLANK_MARKS | DASH_READINGS
"""A cell holding only a dash, a slash or 无 ("none") is a printed blank: a value, not a label."""

STRUCTURE_CONFIDENCE = 0.7
"""Confidence of a grid inferred from alignment when every value sits inside one column band."""


@dataclass
class AlignedTable:
    """A table found by alignment: its grid and the indices of the lines it took."""

    grid: Grid
    lines: list[int]


@dataclass
class _Row:
    members: list[int]
    top: int
    bottom: int
    multi: bool = False
    spans: list[tuple[int, int, list[int]]] = field(default_factory=list)
    """(first band, last band, member lines) of each cell of the row, left to right."""
    value: bool = False
    first_value_band: int = 10**6


def is_value(text: str) -> bool:
    """A number, a dash or a slash: what stands in a table's value cells."""
    t = text.strip().replace(" ", "")
    if not t:
        return False
    if t in _BLANKS:
        return True
    return bool(_VALUE.match(t)) and any(ch.isdigit() or ch in "Oo〇" for ch in t)


def find_tables(
    lines: Sequence[Line], char_h: float | None = None, ink: np.ndarray | None = None
) -> list[AlignedTable]:
    """Tables among ``lines`` (boxes in one page's pixels, not inside a ruled table).

    ``ink`` (the page's binary text ink, same pixels), when given, splits a detected box
    that runs over a column boundary at the white gap there (the detector joins two
    header cells whose texts nearly touch)."""
    if len(lines) < 4:
        return []
    boxes = [ln.box for ln in lines]
    heights = sorted(b[3] - b[1] for b in boxes)
    line_h = float(heights[len(heights) // 2])
    ch = char_h or 0.6 * line_h
    flat = [i for i, b in enumerate(boxes) if b[3] - b[1] <= 2.2 * line_h]
    rows = _text_rows(boxes, flat)
    for r in rows:
        xs = sorted(boxes[i] for i in r.members)
        r.multi = any(b[0] - a[2] >= 1.5 * ch for a, b in itertools.pairwise(xs))
    out = []
    for run in _runs(rows, ch):
        for piece in _accepted(run, boxes, [ln.text for ln in lines], ch):
            t = _build(piece, lines, ch, ink)
            if t is not None:
                out.append(t)
    tall = set(range(len(boxes))) - set(flat)
    for t in out:  # vertical text (a label printed top to bottom) inside the table is the table's
        x0, y0, x1, y1 = t.grid.box
        inside = [i for i in tall
                  if x0 <= (boxes[i][0] + boxes[i][2]) / 2 <= x1 and y0 <= (boxes[i][1] + boxes[i][3]) / 2 <= y1]
        t.lines = sorted(t.lines + inside)
        tall -= set(inside)
    return out


def _text_rows(boxes: list[Box], idx: list[int]) -> list[_Row]:
    """Boxes sharing a baseline band, top to bottom. A box joins the row whose first box it
    overlaps by 40 % of the lower height (a value centred between two label lines joins the upper)."""
    rows: list[_Row] = []
    for i in sorted(idx, key=lambda k: (boxes[k][1] + boxes[k][3]) / 2):
        t, b = boxes[i][1], boxes[i][3]
        for r in reversed(rows[-4:]):
            a = boxes[r.members[0]]
            if min(b, a[3]) - max(t, a[1]) >= 0.4 * min(b - t, a[3] - a[1]):
                r.members.append(i)
                r.top, r.bottom = min(r.top, t), max(r.bottom, b)
                break
        else:
            rows.append(_Row([i], t, b))
    rows.sort(key=lambda r: r.top)
    return rows


def _runs(rows: list[_Row], ch: float) -> list[list[_Row]]:
    """Consecutive rows close enough to be one table, with at least two rows of several boxes."""
    runs: list[list[_Row]] = []
    cur: list[_Row] = []
    for r in rows:
        if cur and r.top - max(x.bottom for x in cur) > 2.5 * ch:
            runs.append(cur)
            cur = []
        cur.append(r)
    runs.append(cur)
    return [run for run in runs if sum(r.multi for r in run) >= 2]


def _bands(segs: list[Box]) -> list[list[int]]:
    """Column bands from box x-extents, narrowest first: a box over one band widens it, a box
    over none starts one, a box over several spans them and leaves them as they are."""
    bands: list[list[int]] = []
    for b in sorted(segs, key=lambda s: s[2] - s[0]):
        hit = [band for band in bands if min(b[2], band[1]) - max(b[0], band[0]) > 0]
        if len(hit) == 1:
            hit[0][0], hit[0][1] = min(hit[0][0], b[0]), max(hit[0][1], b[2])
        elif not hit:
            bands.append([b[0], b[2]])
    bands.sort()
    merged: list[list[int]] = []
    for band in bands:  # a widened band that reached its neighbour is one column
        if merged and band[0] < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], band[1])
        else:
            merged.append(band)
    return merged


def _edges(bands: list[list[int]], left: float, right: float) -> list[float]:
    """Column boundaries: the table's edges and the middle of each gap between bands."""
    return [left] + [(a[1] + b[0]) / 2 for a, b in itertools.pairwise(bands)] + [right]


def _span(b: Box, bands: list[list[int]]) -> tuple[int, int]:
    hit = [k for k, band in enumerate(bands) if min(b[2], band[1]) - max(b[0], band[0]) > 0]
    if not hit:
        cx = (b[0] + b[2]) / 2
        k = min(range(len(bands)), key=lambda k: abs((bands[k][0] + bands[k][1]) / 2 - cx))
        return k, k
    return hit[0], hit[-1]


def _fits(r: _Row, boxes: list[Box], bands: list[list[int]], edges: list[float], ch: float) -> bool:
    """A row of one box belongs to the table when it sits inside one column or is centred
    over a run of columns, within the table's width (a heading at the page margin is not)."""
    for i in r.members:
        b = boxes[i]
        # the edges lie half a character outside the table's outermost text: a box that starts
        # left of all of it (or ends right of all of it) is the page's prose, not a cell
        if b[0] < edges[0] + 0.25 * ch or b[2] > edges[-1] - 0.25 * ch:
            return False
        i0, i1 = _span(b, bands)
        if i0 == i1 and edges[i0] - 0.25 * ch <= b[0] and b[2] <= edges[i0 + 1] + 0.25 * ch:
            continue
        cx = (b[0] + b[2]) / 2
        if not any(abs(cx - (edges[a] + edges[z + 1]) / 2) <= 1.5 * ch
                   for a in range(len(bands)) for z in range(a + 1, len(bands))):
            return False
    return True


def _frame(rows: list[_Row], boxes: list[Box], ch: float) -> tuple[list[list[int]], list[float]] | None:
    core = [boxes[i] for r in rows if r.multi for i in r.members]
    bands = _bands(core)
    if len(bands) < 2:
        return None
    # never left of the page: a table of text at the picture's edge (a photo read whole) cut there
    left = max(0.0, min(boxes[i][0] for r in rows if r.multi for i in r.members) - 0.5 * ch)
    right = max(boxes[i][2] for r in rows if r.multi for i in r.members) + 0.5 * ch
    return bands, _edges(bands, left, right)


def _accepted(run: list[_Row], boxes: list[Box], texts: list[str], ch: float) -> list[list[_Row]]:
    """The run cut at rows that do not fit its columns, each piece with two rows of several boxes."""
    frame = _frame(run, boxes, ch)
    if frame is None:
        return []
    bands, edges = frame
    heights = sorted(boxes[i][3] - boxes[i][1] for r in run if r.multi for i in r.members)
    tall = 1.3 * heights[len(heights) // 2]
    pieces: list[list[_Row]] = [[]]
    for r in run:
        # a line in a bigger font than the table's (a section heading, the body text) is not in it;
        # a few characters with a quotation mark or a bracket stand taller and are no heading
        if r.multi or (_fits(r, boxes, bands, edges, ch) and not any(_heading(boxes[i], tall) for i in r.members)):
            pieces[-1].append(r)
        elif pieces[-1]:
            pieces.append([])
    out = []
    for p in pieces:
        # above the first row of several boxes only a title centred over the whole table,
        # close to it (a section heading has a paragraph's space under it); below the last,
        # a wrapped label's next line or a note over the whole table, never a lone number
        # (the page number)
        if sum(r.multi for r in p) < 2:
            continue
        first = next(k for k, r in enumerate(p) if r.multi)
        gaps = sorted(b.top - a.bottom for a, b in itertools.pairwise(p[first:]))
        reach = max(0.8 * ch, 1.5 * gaps[len(gaps) // 2]) if gaps else 0.8 * ch
        while first and _title(p[first - 1], p[first], boxes, edges, ch, reach):
            first -= 1
        p = p[first:]
        last = max((k for k, r in enumerate(p) if r.multi), default=-1)
        end = last + 1
        while end < len(p) and _tail(p[end], boxes, texts, bands, edges, ch):
            end += 1
        p = p[:end]
        if sum(r.multi for r in p) >= 2:
            out.append(p)
    return out


def _heading(b: Box, tall: float) -> bool:
    h = b[3] - b[1]
    return h > tall and b[2] - b[0] > 3 * h


def _centred(b: Box, edges: list[float], ch: float) -> bool:
    return abs((b[0] + b[2]) / 2 - (edges[0] + edges[-1]) / 2) <= 1.5 * ch


def _crosses(b: Box, edges: list[float]) -> bool:
    """The box runs over a column boundary."""
    return any(b[0] < e < b[2] for e in edges[1:-1])


def _title(r: _Row, below: _Row, boxes: list[Box], edges: list[float], ch: float, reach: float) -> bool:
    return below.top - r.bottom <= reach and all(_centred(boxes[i], edges, ch) for i in r.members)


def _tail(r: _Row, boxes: list[Box], texts: list[str], bands: list[list[int]], edges: list[float], ch: float) -> bool:
    if not _fits(r, boxes, bands, edges, ch) or all(is_value(texts[i]) for i in r.members):
        return False
    for i in r.members:
        b = boxes[i]
        k = _span(b, bands)[0]
        inside = _span(b, bands) == (k, k) and edges[k] - 0.25 * ch <= b[0] and b[2] <= edges[k + 1] + 0.25 * ch
        if not inside and not _centred(b, edges, ch):
            return False
    return True


def _split(b: Box, bands: list[list[int]], edges: list[float], ink: np.ndarray | None, ch: float) -> list[Box]:
    """A box over several column bands cut at the white gaps of its ink near the column
    boundaries it crosses (two cells' texts the detector took for one line); each part
    trimmed to its ink. A title over the columns has no such gap and stays whole."""
    a, z = _span(b, bands)
    if ink is None or a == z:
        return [b]
    x0, y0, x1, y1 = b
    cols = (ink[y0:y1, x0:x1] > 0).sum(axis=0)
    if cols.size == 0:
        return [b]
    cuts = []
    for e in edges[a + 1 : z + 1]:
        lo, hi = max(0, int(e - ch - x0)), min(cols.size, int(e + ch - x0))
        best, run, start, best_at = 0, 0, 0, 0
        for k in range(lo, hi):
            if cols[k] == 0:
                if run == 0:
                    start = k
                run += 1
                if run > best:
                    best, best_at = run, start
            else:
                run = 0
        if best >= max(2.0, 0.4 * ch):
            cuts.append(best_at + best // 2)
    if not cuts:
        return [b]
    out = []
    for lo, hi in itertools.pairwise([0, *cuts, cols.size]):
        filled = np.flatnonzero(cols[lo:hi])
        if filled.size:
            out.append((x0 + lo + int(filled[0]), y0, x0 + lo + int(filled[-1]) + 1, y1))
    return out or [b]


def _build(rows: list[_Row], lines: Sequence[Line], ch: float, ink: np.ndarray | None = None) -> AlignedTable | None:
    frame = _frame(rows, [ln.box for ln in lines], ch)
    if frame is None:
        return None
    bands, edges = frame
    boxes: list[Box] = []
    texts: list[str] = []
    owner: list[int] = []  # the line each segment comes from
    for r in rows:
        members = []
        for i in r.members:
            for part in _split(lines[i].box, bands, edges, ink, ch):
                members.append(len(boxes))
                boxes.append(part)
                texts.append(lines[i].text)
                owner.append(i)
        r.members = members
    clean = straddled = 0
    for r in rows:
        spans: list[list] = []
        for i in sorted(r.members, key=lambda k: boxes[k][0]):
            a, z = _span(boxes[i], bands)
            if len(r.members) == 1 and _centred(boxes[i], edges, ch) and _crosses(boxes[i], edges):
                a, z = 0, len(bands) - 1  # a title over the whole table (its text narrower than the table)
            if is_value(texts[i]):
                r.value = True
                r.first_value_band = min(r.first_value_band, a)
                clean += a == z
                straddled += a != z
            if spans and a <= spans[-1][1]:
                spans[-1][1] = max(spans[-1][1], z)
                spans[-1][2].append(i)
            else:
                spans.append([a, z, [i]])
        r.spans = [(a, z, m) for a, z, m in spans]
    if clean + straddled == 0:
        return None  # no figure at all: two short prose lines beside a seal's characters are no table
    merged = _join_wrapped(rows, boxes, ch)
    table = _grid(merged, boxes, bands, edges, ch, clean, straddled)
    table.lines = sorted({owner[k] for k in table.lines})
    return table


def _labels_only(r: _Row, limit: int) -> bool:
    return not r.value and all(z < limit for _, z, _ in r.spans)


def _join_wrapped(rows: list[_Row], boxes: list[Box], ch: float) -> list[_Row]:
    """A row without values whose text lies left of the values of its neighbour is a wrapped
    label's other line: it joins the row above, or the row below when that one is clearly closer."""
    out: list[_Row] = []
    pending: list[_Row] = []
    for k, r in enumerate(rows):
        if pending and r.value and all(_labels_only(p, r.first_value_band) for p in pending):
            for p in pending:
                _absorb(r, p)
            pending = []
        elif pending:
            out.extend(pending)
            pending = []
        prev = out[-1] if out else None
        if prev is not None and prev.value and _labels_only(r, prev.first_value_band):
            nxt = rows[k + 1] if k + 1 < len(rows) else None
            down = nxt is not None and nxt.value and _labels_only(r, nxt.first_value_band)
            if down and nxt is not None and (nxt.top - r.bottom) < (r.top - prev.bottom) - 0.3 * ch:
                pending.append(r)
            else:
                _absorb(prev, r)
            continue
        out.append(r)
    out.extend(pending)
    return out


def _absorb(into: _Row, r: _Row) -> None:
    into.members += r.members
    into.top, into.bottom = min(into.top, r.top), max(into.bottom, r.bottom)
    spans = sorted([*into.spans, *r.spans], key=lambda s: s[0])
    out: list[list] = []
    for a, z, m in spans:
        if out and a <= out[-1][1]:
            out[-1][1] = max(out[-1][1], z)
            out[-1][2] = out[-1][2] + m
        else:
            out.append([a, z, list(m)])
    into.spans = [(a, z, m) for a, z, m in out]


def _grid(rows: list[_Row], boxes: list[Box], bands: list[list[int]], edges: list[float], ch: float,
          clean: int, straddled: int) -> AlignedTable:
    n, ncols = len(rows), len(bands)
    ys = [max(0.0, rows[0].top - 0.3 * ch)]
    ys += [(a.bottom + b.top) / 2 for a, b in itertools.pairwise(rows)]
    ys.append(rows[-1].bottom + 0.3 * ch)
    # cells: (row, rowspan, first band, last band)
    cells: dict[tuple[int, int], list[int]] = {}
    for r, row in enumerate(rows):
        for a, z, _ in row.spans:
            above = cells.get((r - 1, a))
            # a header line under another of the same column span is the same header cell
            if (above is not None and not row.value and not rows[r - 1].value and above[3] == z
                    and above[0] + above[1] == r and row.top - rows[r - 1].bottom <= 0.8 * ch
                    and _same_cell(boxes, rows[r - 1].spans, row.spans, a, ch)):
                above[1] += 1
                cells[(r, a)] = above
                continue
            cells[(r, a)] = [r, 1, a, z]
    # a label with nothing under it while the rows below name sub-labels to its right spans them
    for r, row in enumerate(rows):
        if not row.value:
            continue
        for a, z, _ in row.spans:
            cell = cells[(r, a)]
            if cell[0] != r or z >= row.first_value_band:
                continue
            k = r + 1
            while (k < n and rows[k].value and not any(s[0] <= z and s[1] >= a for s in rows[k].spans)
                   and any(z < s[0] < rows[k].first_value_band for s in rows[k].spans)):
                cell[1] += 1
                k += 1
    covered: dict[tuple[int, int], list[int]] = {}
    unique = {id(c): c for c in cells.values()}
    for c in unique.values():
        for rr in range(c[0], c[0] + c[1]):
            for cc in range(c[2], c[3] + 1):
                covered.setdefault((rr, cc), c)
    grid_cells = []
    for c in sorted(unique.values(), key=lambda c: (c[0], c[2])):
        grid_cells.append(_cell(c[0], c[2], c[1], c[3] - c[2] + 1, edges, ys))
    for rr in range(n):
        for cc in range(ncols):
            if (rr, cc) not in covered:
                grid_cells.append(_cell(rr, cc, 1, 1, edges, ys))
    grid_cells.sort(key=lambda g: (g.row, g.col))
    xs = [round(x) for x in edges]
    box = (xs[0], round(ys[0]), xs[-1], round(ys[-1]))
    share = clean / max(clean + straddled, 1)
    grid = Grid(box, n, ncols, grid_cells, xs, [round(y) for y in ys],
                confidence=round(STRUCTURE_CONFIDENCE * (0.5 + 0.5 * share), 3), ruled=False)
    return AlignedTable(grid, sorted(i for row in rows for i in row.members))


def _same_cell(boxes: list[Box], upper: list[tuple[int, int, list[int]]], lower: list[tuple[int, int, list[int]]],
               a: int, ch: float) -> bool:
    """Two stacked lines are one wrapped cell when they are centred alike or start alike
    (a title over the table above a column's header is not)."""
    u = [b for s in upper if s[0] == a for b in (boxes[i] for i in s[2])]
    w = [b for s in lower if s[0] == a for b in (boxes[i] for i in s[2])]
    if not u or not w:
        return False
    ux0, ux1 = min(b[0] for b in u), max(b[2] for b in u)
    wx0, wx1 = min(b[0] for b in w), max(b[2] for b in w)
    return abs((ux0 + ux1) - (wx0 + wx1)) / 2 <= ch or abs(ux0 - wx0) <= ch


def _cell(row: int, col: int, rowspan: int, colspan: int, edges: list[float], ys: list[float]) -> GridCell:
    box = (round(edges[col]), round(ys[row]), round(edges[col + colspan]), round(ys[row + rowspan]))
    return GridCell(row, col, rowspan, colspan, box)
