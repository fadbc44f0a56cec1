"""Hand marks over print: a reviewer's pen rings and ticks told from the printed glyphs.

A reviewed or filed copy carries rings round figures and labels (圈注) and ticks (勾) in pen. In
a table cell they read as glyphs: a ring round a 0 as "①", a tick beside a figure as another
digit, a ring beside a figure as its last "0". On a colour page a red pen is lifted with the
seals; a black or blue one, or any pen on a grey or black-and-white copy, is ink like the print.
What tells it from print is its shape: the print of a table is set in one size and a pen stroke
is taller than the glyphs round it, and thin (a line, not a glyph's strokes packed in a box).

Where a ring touches the print it encloses, the two are one piece of ink: the print lies inside
the ring's convex hull, the ring on its rim, so what lies deeper in than the ring's own width is
kept. A ring's arc crossing into a cell from the row above or below and fused with its print
keeps the print's own band of the row instead. Neither is sure to be right, so the reader reads
what is left beside what it read first and lets the reading decide (``ocr.page``).
"""

from __future__ import annotations

import cv2
import numpy as np

HAND_TALL = 1.4
"""A piece of ink at least this many glyph heights tall (the glyphs of its cell's kind: the
table's figures for a value, its characters for a label) is no glyph of the print. A ring round a
figure is ~2 figures tall, a tick 1.1-1.8; wrapped lines of print are separate pieces."""
HAND_FILL = 0.5
"""Most share of its box a pen stroke inks: a ring or a tick is a line round or across its box
(0.25-0.35 alone, up to ~0.47 with the figure it touches); a figure or a character fills ~0.45-0.85
of its own box, and two lines of print a bad copy joined more than half of theirs."""
RIM_PAD = 1
"""Pixels beyond the ring's own stroke width taken off its hull's rim (its blur)."""
BAND_PAD = 0.2
"""Margin, in glyph heights, kept above and below the row's print band."""
EDGE_NEAR = 0.3
"""A piece within this many glyph heights of its cell's top or bottom comes from beyond the ruling there
(print keeps its padding from the rulings): a ring's arc from the row above or below."""


def pen_pieces(ink: np.ndarray, glyph_h: float) -> list[np.ndarray]:
    """Masks (the size of ``ink``, 255 = ink) of the pieces of a cell's ink shaped like pen strokes:
    taller than ``HAND_TALL`` glyphs and thin (``HAND_FILL``). ``ink``: the cell's ink, 255 on 0."""
    if glyph_h <= 0 or ink.size == 0:
        return []
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    out = []
    for i in range(1, n):
        _, _, w, h, area = (int(v) for v in stats[i])
        if h >= HAND_TALL * glyph_h and area <= HAND_FILL * w * h:
            out.append(((labels == i) * 255).astype(np.uint8))
    return out


class TallInk:
    """The pieces of a table's ink labelled once, so that the cells that cannot hold a pen piece
    (``pen_pieces``) are passed over without labelling each cell's ink: a piece of a cell's ink lies
    inside one piece of the table's cut at the cell's box, so a cell where no piece so cut is
    ``HAND_TALL`` glyphs tall holds none (a table of ~200 cells was labelled ~200 times)."""

    def __init__(self, ink: np.ndarray, box: tuple[int, int, int, int], glyph_h: float) -> None:
        """``ink`` the page's (255 on 0), ``box`` the part of it holding the table's cells, ``glyph_h``
        the least glyph height any of its cells is measured by."""
        x0, y0, x1, y1 = box
        region = ink[y0:y1, x0:x1]
        stats = cv2.connectedComponentsWithStats(region, connectivity=8)[2][1:] if region.size else np.zeros((0, 5))
        tall = stats[stats[:, 3] >= HAND_TALL * glyph_h] if glyph_h > 0 else stats[:0]
        self._x0 = tall[:, 0] + x0
        self._y0 = tall[:, 1] + y0
        self._x1 = self._x0 + tall[:, 2]
        self._y1 = self._y0 + tall[:, 3]

    def may_hold_pen(self, box: tuple[int, int, int, int], glyph_h: float) -> bool:
        """Whether the ink inside ``box`` (of the table's part) may hold a pen piece for ``glyph_h``."""
        x0, y0, x1, y1 = box
        across = (self._x0 < x1) & (self._x1 > x0)
        tall = np.minimum(self._y1, y1) - np.maximum(self._y0, y0) >= HAND_TALL * glyph_h
        return bool((across & tall).any())


def off_rim(piece: np.ndarray) -> np.ndarray:
    """What of a pen piece lies on its convex hull's rim (255): a lone ring or tick whole, a ring's
    own stroke where it touches the print it encloses (the print, deeper in, is not taken)."""
    points = cv2.findNonZero(piece)
    hull = np.zeros_like(piece)
    if points is None:
        return hull
    cv2.fillConvexPoly(hull, cv2.convexHull(points), 255)
    contours, _ = cv2.findContours(piece, cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    perimeter = sum(cv2.arcLength(c, True) for c in contours)
    width = 2.0 * float(np.count_nonzero(piece)) / max(perimeter, 1.0)  # a thin stroke's area / half its outline
    depth = round(width) + RIM_PAD
    k = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * depth + 1, 2 * depth + 1))
    inner = cv2.erode(hull, k)
    return cv2.bitwise_and(piece, cv2.bitwise_not(inner))


def off_band(piece: np.ndarray, band: tuple[int, int], glyph_h: float) -> np.ndarray:
    """What of a pen piece lies above or below its row's print band (rows ``band``, a margin of
    ``BAND_PAD`` glyphs kept): the arc of a ring drawn round the print of the row above or below."""
    pad = round(BAND_PAD * glyph_h)
    out = piece.copy()
    top, bottom = max(0, band[0] - pad), max(0, band[1] + pad)
    out[top:bottom] = 0
    return out


def pen_strokes(ink: np.ndarray, glyph_h: float, band: tuple[int, int] | None) -> list[np.ndarray]:
    """The ways of taking pen strokes off a cell's ink (255 = stroke), none where it holds no pen piece:
    the pieces' hull rims (a ring or a tick alone, or round the print it touches), and where a piece
    reaches the cell's top or bottom and the row's print ``band`` (rows of the crop) is known, its ink
    outside the band (the arc of a ring round the row above, fused with the print it crosses)."""
    pieces = pen_pieces(ink, glyph_h)
    if not pieces:
        return []
    rim = np.zeros_like(ink)
    for p in pieces:
        rim |= off_rim(p)
    out = [rim]
    near = round(EDGE_NEAR * glyph_h)
    crossing = [p for p in pieces if p[:near].any() or p[p.shape[0] - near :].any()]
    if band is not None and crossing:
        off = np.zeros_like(ink)
        for p in crossing:
            off |= off_band(p, band, glyph_h)
        if off.any() and not np.array_equal(off, rim):
            out.append(off)
    return out


def unmarked(gray: np.ndarray, ink: np.ndarray, strokes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A cell's grey crop and ink with the ``strokes`` (255) made what surrounds them (inpainted: a
    highlighter's tint stays a tint), a pixel round them too (the pen's blurred edge)."""
    grown = cv2.dilate(strokes, np.ones((3, 3), np.uint8))
    return cv2.inpaint(gray, grown, 3, cv2.INPAINT_TELEA), cv2.bitwise_and(ink, cv2.bitwise_not(grown))
