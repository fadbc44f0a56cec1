"""Feeder streaks: lines a document feeder draws down the whole sheet, found and painted over.

In a feeder the sensor stands still and the paper moves past it, so one speck of dust on the
glass darkens (or a dirty white reference lightens) one column of every row read: a thin line
from the sheet's top edge to its bottom edge. Inside a table it is a column ruling that is not
there (a cell split in two, its ``0`` read on the wrong side) and through a number it is a ``1``
(or, lightening, a ``1`` erased: not looked for, since a light line shows only where it crosses
ink, and the gaps of a column of right-aligned numbers look alike). A printed ruling never runs
through the page's top and bottom margins and a character's stroke never runs down the page, so a
line present in nearly every band of the sheet's height is a streak: its columns are painted from
the columns beside them.
"""

from __future__ import annotations

import numpy as np

BANDS = 24
"""Horizontal bands the sheet's height is cut into: a streak is followed band by band, so that
one left a little slanted by the deskew (the sensor's column under a skewed sheet) is still one."""
DARK_STEP = 8
"""Grey levels a streak's column is darker than both sides, 4 px away (wider than any streak)."""
DARK_ROWS = 0.5
"""Share of a band's rows with paper on both sides in which the column is darker: a band shows it."""
DARK_BANDS = 0.9
"""Share of the bands with paper in which the line shows: a table's ruling spans 80 % at most
(the margins above and below it are paper)."""
INK_UNDER = 25
"""Grey levels below the streak's own darkness from which a pixel under it is print, kept."""
ROW_STEP = 3
"""Every third row is looked at: the statistics of a band are as clear, at a third of the cost."""
DRIFT = 3
"""Pixels a streak may move sideways from one band to the next."""
SIDE = 4
"""Distance to the columns a dark streak is compared with (and painted from): past a 3 px streak."""


def _band_edges(h: int) -> np.ndarray:
    return np.linspace(0, h, BANDS + 1).astype(int)


def _band_sums(rows: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """Per band, per column, how many rows of the boolean ``rows`` are set."""
    return np.add.reduceat(rows.astype(np.int32), edges[:-1], axis=0)


def _near(hit: np.ndarray, reach: int) -> np.ndarray:
    """``hit`` (bands x columns) widened by ``reach`` columns either side."""
    out = hit.copy()
    for d in range(1, reach + 1):
        out[:, d:] |= hit[:, :-d]
        out[:, :-d] |= hit[:, d:]
    return out


def _followed(hit: np.ndarray, seen: np.ndarray, share: float, least: int) -> np.ndarray:
    """Columns (of ``hit``, bands x columns) whose line shows in ``share`` of the bands where it
    could be seen (``seen``), allowing a drift of ``DRIFT`` px per band, in at least ``least`` bands."""
    near = _near(hit, DRIFT)
    shown = (near & seen).sum(axis=0)
    could = seen.sum(axis=0)
    return (shown >= share * np.maximum(could, 1)) & (shown >= least) & hit.any(axis=0)


def dark_streaks(gray: np.ndarray) -> np.ndarray:
    """Per band, the columns a full-height dark line darkens (bands x width, boolean)."""
    h, w = gray.shape
    out = np.zeros((BANDS, w), bool)
    if w <= 2 * SIDE + 1 or h < 4 * BANDS:
        return out
    g = gray.astype(np.int16)
    paper = float(np.percentile(g[::4, ::4], 90))
    side = np.minimum(g[:, : -2 * SIDE], g[:, 2 * SIDE :])
    papery = side > 0.7 * paper
    dark = papery & (g[:, SIDE:-SIDE] < side - DARK_STEP)
    edges = _band_edges(h)
    n_paper = _band_sums(papery, edges)
    n_dark = _band_sums(dark, edges)
    rows = np.diff(edges)[:, None]
    seen = n_paper >= 0.3 * rows
    hit = seen & (n_dark >= DARK_ROWS * np.maximum(n_paper, 1))
    keep = _followed(hit, seen, DARK_BANDS, int(0.6 * BANDS))
    out[:, SIDE:-SIDE] = hit & _near(keep[None, :], DRIFT)
    return out


def paint_over(image: np.ndarray, marked: np.ndarray) -> np.ndarray:
    """``image`` with the ``marked`` columns of each band (bands x width) painted from the nearest
    unmarked columns on either side (linear between them): a copy when anything is marked.

    Only rows with paper on both sides whose darkness is the streak's own (its level on the
    band's paper, ``INK_UNDER`` levels of slack) are painted: a stroke of print under the line is
    darker still and stays (a 9's stem painted away reads as nothing), and where ink runs across
    the line on both sides it was ink anyway.
    """
    if not marked.any():
        return image
    out = image.copy()
    h, w = image.shape[:2]
    darkest = image if image.ndim == 2 else image[:, :, :3].min(axis=2)
    paper = float(np.percentile(darkest[::4, ::4], 90))
    edges = _band_edges(h)
    for b in np.flatnonzero(marked.any(axis=1)):
        cols = np.flatnonzero(marked[b])
        runs = np.split(cols, np.flatnonzero(np.diff(cols) > 1) + 1)
        y0, y1 = edges[b], edges[b + 1]
        for run in runs:
            a, z = int(run[0]) - 1, int(run[-1]) + 1
            if a < 0 or z >= w:
                continue
            centre = darkest[y0:y1, a + 1 : z].min(axis=1).astype(np.float32)
            papery = np.minimum(darkest[y0:y1, a], darkest[y0:y1, z]) > 0.7 * paper
            if not papery.any():
                continue
            level = float(np.median(centre[papery]))
            rows = y0 + np.flatnonzero(papery & (centre >= level - max(INK_UNDER, 0.3 * level)))
            left = image[rows, a].astype(np.float32)
            right = image[rows, z].astype(np.float32)
            for x in range(a + 1, z):
                t = (x - a) / (z - a)
                out[rows, x] = np.round(left * (1 - t) + right * t).astype(image.dtype)
    return out


def remove_streaks(image: np.ndarray) -> np.ndarray:
    """``image`` (grey or colour) with dark feeder streaks painted over; itself when it has none.

    Looked for in the darkest channel (dust tinting one colour is a line there), on every
    ``ROW_STEP``-th row (the line is followed through bands of rows, not read).
    """
    darkest = image if image.ndim == 2 else image[::ROW_STEP, :, :3].min(axis=2)
    marked = dark_streaks(darkest[::ROW_STEP] if image.ndim == 2 else darkest)
    return paint_over(image, _grown(marked))


def _grown(marked: np.ndarray) -> np.ndarray:
    """A streak's columns and one more either side (the JPEG and resampling smear its edges)."""
    return _near(marked, 1)
