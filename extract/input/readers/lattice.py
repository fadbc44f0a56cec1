"""Ruled tables from a page's edges: pdfplumber's "lines" strategy, without its quadratic steps.

The same steps and tolerances as ``pdfplumber.table.TableFinder`` with
``vertical_strategy="lines", horizontal_strategy="lines"`` (snap 3, join 3, minimum edge
length 3, intersection tolerance 3): edges snapped to shared positions and joined along a
line, their crossings, the smallest cell at each crossing, cells sharing a corner grouped
into tables, rows and columns by cell position, and each cell's text from the characters
whose middle lies inside it. pdfplumber compares every crossing with every other one
(and every edge with every other one) through Python dicts; here crossings are indexed by
line, which is what turns tens of milliseconds per table page into one or two. The
reference tests compare the two on every page of the corpus.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from dataclasses import dataclass
from functools import cached_property

from gongkai.extract.input.readers import textflow
from gongkai.extract.input.readers.pdfium_page import Edge

SNAP = 3.0
JOIN = 3.0
MIN_LENGTH = 3.0
MIN_LENGTH_PREFILTER = 1.0
INTERSECTION = 3.0

BBox = tuple[float, float, float, float]


@dataclass
class FoundTable:
    """One table as pdfplumber's ``Table``: its cells, their rows (``None`` where a spanning
    cell covers the position) and the text of each cell."""

    cells: list[BBox]

    @cached_property
    def bbox(self) -> BBox:
        c = self.cells
        return (min(b[0] for b in c), min(b[1] for b in c), max(b[2] for b in c), max(b[3] for b in c))

    @cached_property
    def rows(self) -> list[list[BBox | None]]:
        ordered = sorted(self.cells, key=lambda b: (b[1], b[0]))
        xs = sorted({b[0] for b in self.cells})
        out = []
        for _, row in itertools.groupby(ordered, key=lambda b: b[1]):
            at = {b[0]: b for b in row}
            out.append([at.get(x) for x in xs])
        return out

    def extract(self, chars: list[dict]) -> list[list[str | None]]:
        """Each cell's text (pdfplumber's ``Table.extract()`` with its default settings).

        A character belongs to a row, then a cell, when its middle lies inside (left and top
        edges in, right and bottom out); rows are looked up by the characters' middles, sorted.
        """
        mids = sorted((((c["top"] + c["bottom"]) / 2, (c["x0"] + c["x1"]) / 2, k, c) for k, c in enumerate(chars)),
                      key=lambda m: m[0])
        ys = [m[0] for m in mids]
        out: list[list[str | None]] = []
        for row in self.rows:
            cells = [b for b in row if b is not None]
            x0 = min(b[0] for b in cells)
            x1 = max(b[2] for b in cells)
            lo, hi = bisect_left(ys, min(b[1] for b in cells)), bisect_left(ys, max(b[3] for b in cells))
            in_row = sorted((m for m in mids[lo:hi] if x0 <= m[1] < x1), key=lambda m: m[2])  # page order
            texts: list[str | None] = []
            for b in row:
                if b is None:
                    texts.append(None)
                    continue
                inside = [c for v, h, _, c in in_row if b[0] <= h < b[2] and b[1] <= v < b[3]]
                texts.append(textflow.extract_text(inside) if inside else "")
            out.append(texts)
        return out


def find_tables(edges: list[Edge]) -> list[FoundTable]:
    """The ruled tables these edges draw, top to bottom (pdfplumber's order)."""
    v = [e for e in edges if e[0] == "v" and e[4] - e[2] >= MIN_LENGTH_PREFILTER]
    h = [e for e in edges if e[0] == "h" and e[3] - e[1] >= MIN_LENGTH_PREFILTER]
    merged = _merge(v + h)
    merged = [e for e in merged if (e[4] - e[2] if e[0] == "v" else e[3] - e[1]) >= MIN_LENGTH]
    crossings = _intersections(merged)
    cells = _cells(crossings)
    return [FoundTable(group) for group in _group(cells)]


# -- edges --------------------------------------------------------------------------------


def _cluster(values: list[float], tolerance: float) -> dict[float, int]:
    """pdfplumber's ``make_cluster_dict``: sorted distinct values chained within ``tolerance``."""
    out: dict[float, int] = {}
    last = None
    k = -1
    for x in sorted(set(values)):
        if last is None or x > last + tolerance:
            k += 1
        out[x] = k
        last = x
    return out


def _snap(edges: list[Edge], pos: int) -> list[Edge]:
    """Edges within ``SNAP`` of each other (chained) moved to their mean position (``snap_objects``)."""
    if not edges:
        return []
    cluster = _cluster([e[pos] for e in edges], SNAP)
    groups: dict[int, list[Edge]] = {}
    for e in edges:
        groups.setdefault(cluster[e[pos]], []).append(e)
    out: list[Edge] = []
    for k in sorted(groups):
        group = groups[k]
        avg = sum(e[pos] for e in group) / len(group)
        for o, x0, top, x1, bottom in group:
            if pos == 1:
                d = avg - x0
                out.append((o, x0 + d, top, x1 + d, bottom))
            else:
                d = avg - top
                out.append((o, x0, top + d, x1, bottom + d))
    return out


def _merge(edges: list[Edge]) -> list[Edge]:
    """``merge_edges``: snapped, then joined where collinear pieces meet within ``JOIN``."""
    snapped = _snap([e for e in edges if e[0] == "v"], 1) + _snap([e for e in edges if e[0] == "h"], 2)

    def group(e: Edge) -> tuple[str, float]:
        return ("h", e[2]) if e[0] == "h" else ("v", e[1])

    out: list[Edge] = []
    for (orientation, _), items in itertools.groupby(sorted(snapped, key=group), key=group):
        lo, hi = (1, 3) if orientation == "h" else (2, 4)
        joined: list[Edge] = []
        for e in sorted(items, key=lambda e: e[lo]):
            if joined and e[lo] <= joined[-1][hi] + JOIN:
                if e[hi] > joined[-1][hi]:
                    last = list(joined[-1])
                    last[hi] = e[hi]
                    joined[-1] = tuple(last)  # type: ignore[assignment]
            else:
                joined.append(e)
        out += joined
    return out


# -- crossings and cells ------------------------------------------------------------------

Point = tuple[float, float]


def _intersections(edges: list[Edge]) -> dict[Point, tuple[set[BBox], set[BBox]]]:
    """Each crossing of a vertical and a horizontal edge (within the tolerance), with the
    boxes of the vertical and horizontal edges that pass through it."""
    v = sorted((e for e in edges if e[0] == "v"), key=lambda e: (e[1], e[2]))
    h = sorted((e for e in edges if e[0] == "h"), key=lambda e: (e[2], e[1]))
    tops = [e[2] for e in h]
    out: dict[Point, tuple[set[BBox], set[BBox]]] = {}
    for ve in v:
        _, x, top, _, bottom = ve
        # horizontal edges whose line lies within [top - tol, bottom + tol]
        for k in range(bisect_left(tops, top - INTERSECTION), len(h)):
            he = h[k]
            if he[2] > bottom + INTERSECTION:
                break
            if he[1] - INTERSECTION <= x <= he[3] + INTERSECTION:
                vs, hs = out.setdefault((x, he[2]), (set(), set()))
                vs.add(ve[1:])
                hs.add(he[1:])
    return out


def _cells(crossings: dict[Point, tuple[set[BBox], set[BBox]]]) -> list[BBox]:
    """``intersections_to_cells``: from each crossing, the smallest rectangle whose four
    corners are crossings joined by common edges."""
    points = sorted(crossings)
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for p in points:
        by_x.setdefault(p[0], []).append(p)  # ascending y (points are sorted)
        by_y.setdefault(p[1], []).append(p)  # ascending x

    def vertical(p: Point, q: Point) -> bool:
        return not crossings[p][0].isdisjoint(crossings[q][0])

    def horizontal(p: Point, q: Point) -> bool:
        return not crossings[p][1].isdisjoint(crossings[q][1])

    out: list[BBox] = []
    for pt in points:
        col, row = by_x[pt[0]], by_y[pt[1]]
        below = col[col.index(pt) + 1:]
        right = row[row.index(pt) + 1:]
        found = None
        for b in below:
            if not vertical(pt, b):
                continue
            for r in right:
                if not horizontal(pt, r):
                    continue
                corner = (r[0], b[1])
                if corner in crossings and vertical(corner, r) and horizontal(corner, b):
                    found = (pt[0], pt[1], corner[0], corner[1])
                    break
            if found:
                break
        if found:
            out.append(found)
    return out


def _group(cells: list[BBox]) -> list[list[BBox]]:
    """``cells_to_tables``: cells that share a corner (transitively) are one table; tables
    ordered by their top-left cell, single cells dropped."""
    parent = list(range(len(cells)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    corner_owner: dict[Point, int] = {}
    for i, (x0, top, x1, bottom) in enumerate(cells):
        for corner in ((x0, top), (x0, bottom), (x1, top), (x1, bottom)):
            j = corner_owner.setdefault(corner, i)
            if j != i:
                parent[find(i)] = find(j)
    groups: dict[int, list[BBox]] = {}
    for i, c in enumerate(cells):
        groups.setdefault(find(i), []).append(c)
    tables = sorted(groups.values(), key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in tables if len(t) > 1]
