"""Laying a curled page flat: the bend of its rows and its columns measured from the print itself, then undone.

A sheet that is not flat (curling off a bound report, or folded) bends every text line and
ruling the same smooth way, which no perspective transform straightens; a photo whose sheet
has no clear four corners (its outline bends with it) keeps its perspective too, and the
columns of a table lean, each by another angle. Both are measured the same way, from the
print: the page is cut into narrow strips; the rows of print in each vertical strip are the
same rows as in its neighbour, a little higher or lower, and the columns of print (rulings,
the character grid of the text) in each horizontal strip are the same columns as in its
neighbour, a little left or right. The shifts between neighbouring strips, measured by
correlating their profiles in several bands, add up to the displacement at every strip and
band; a smooth field through those values is the displacement to undo. The rows are laid
straight first, then the columns are measured on the page with straight rows and stood
upright; both are undone in one resampling. A flat page measures no bend and is left as it is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

STRIPS = 32
"""Strips along a direction: narrow enough that neighbours differ by less than half a line."""
BANDS = 6
"""Bands across it in which the shifts are measured (a sheet curls more at one end)."""
MIN_BEND = 0.004
"""Bends smaller than this share of the page's side are left alone (the deskew took the rest)."""
STRIPE = 256
"""Rows of the output resampled at a time: the maps of a whole page are ~15 MB each."""


def _grid_at(grid: np.ndarray, x: float, y: float, width: int, height: int) -> float:
    """A coarse grid of cell-centred values (as ``cv2.resize`` spreads it over the page) at one point."""
    ny, nx = grid.shape
    gx = np.clip(x / max(width, 1) * nx - 0.5, 0, nx - 1)
    gy = np.clip(y / max(height, 1) * ny - 0.5, 0, ny - 1)
    x0, y0 = int(gx), int(gy)
    x1, y1 = min(x0 + 1, nx - 1), min(y0 + 1, ny - 1)
    fx, fy = gx - x0, gy - y0
    top = grid[y0, x0] * (1 - fx) + grid[y0, x1] * fx
    bottom = grid[y1, x0] * (1 - fx) + grid[y1, x1] * fx
    return float(top * (1 - fy) + bottom * fy)


@dataclass
class Bend:
    """The displacement of the print at every point of the page, sampled on coarse grids: the point
    (x, y) of the flat page shows what the curled page has at (x', y + dy(x', y)), x' = x + dx(x, y)
    (the columns stood upright on the page whose rows were laid straight)."""

    dy: np.ndarray
    """Vertical displacements in pixels of the page: BANDS down the page x STRIPS across it."""
    width: int
    height: int
    dx: np.ndarray | None = None
    """Horizontal displacements in pixels: STRIPS down the page x BANDS across it (None: columns stand)."""

    def _fields(self) -> tuple[np.ndarray | None, np.ndarray]:
        size = (self.width, self.height)
        dx = None if self.dx is None else cv2.resize(self.dx.astype(np.float32), size, interpolation=cv2.INTER_CUBIC)
        return dx, cv2.resize(self.dy.astype(np.float32), size, interpolation=cv2.INTER_CUBIC)

    def at(self, x: float, y: float) -> tuple[float, float]:
        """(dx, dy) at one point (bilinear on the coarse grids)."""
        ddx = 0.0 if self.dx is None else _grid_at(self.dx, x, y, self.width, self.height)
        return ddx, _grid_at(self.dy, x + ddx, y, self.width, self.height)

    def turned_half(self) -> Bend:
        """The same bend on the page turned upside down."""
        dx = None if self.dx is None else np.ascontiguousarray(-self.dx[::-1, ::-1])
        return Bend(np.ascontiguousarray(-self.dy[::-1, ::-1]), self.width, self.height, dx)

    def apply(self, image: np.ndarray, border: int = 255) -> np.ndarray:
        """``image`` laid flat: one resampling, its maps made a stripe of rows at a time."""
        h, w = image.shape[:2]
        if (w, h) != (self.width, self.height):
            raise ValueError(f"the bend was measured on a {self.width} x {self.height} page, not {w} x {h}")
        fdx, fdy = self._fields()
        fill = border if image.ndim == 2 else (border,) * image.shape[2]
        out = np.empty_like(image)
        xs = np.arange(w, dtype=np.float32)
        for y0 in range(0, h, STRIPE):
            y1 = min(h, y0 + STRIPE)
            map_y = np.repeat(np.arange(y0, y1, dtype=np.float32)[:, None], w, axis=1)
            if fdx is None:
                map_x = np.repeat(xs[None, :], y1 - y0, axis=0)
                map_y += fdy[y0:y1]
            else:
                map_x = xs[None, :] + fdx[y0:y1]
                map_y += cv2.remap(fdy, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
            out[y0:y1] = cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                                   borderValue=fill)
        return out


def _sharpness(small_ink: np.ndarray) -> float:
    """How sharply the print separates into rows (the skew finder's measure): straight lines score high."""
    rows = small_ink.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def _running_median(values: np.ndarray, width: int = 5) -> np.ndarray:
    pad = np.pad(values, width // 2, mode="edge")
    return np.array([np.median(pad[i : i + width]) for i in range(len(values))])


def _strip_steps(small: np.ndarray) -> np.ndarray:
    """The shift of the rows between each pair of neighbouring vertical strips of ``small``, per band
    (BANDS x STRIPS - 1, its pixels; NaN where unmeasured).

    A shift is kept only where the correlation of the two strips' profiles has one clear peak (text
    lines repeat: aliases tie). The correlations of every band and strip are taken at once, one
    shift at a time (the same sums a dot product per band, strip and shift took, ~20x faster)."""
    sh, sw = small.shape
    edges = np.linspace(0, sw, STRIPS + 1).astype(int)
    profiles = np.stack([small[:, a:b].sum(axis=1, dtype=np.float64) for a, b in itertools.pairwise(edges)])
    profiles = cv2.GaussianBlur(profiles.astype(np.float32), (7, 1), sigmaX=1.2)  # along y only, strips apart
    reach = max(2, int(0.012 * sh))  # neighbouring strips of a 4 % bend differ by ~1 % of the height
    centres = (np.arange(BANDS) + 0.5) * sh / BANDS
    ys = np.arange(sh, dtype=np.float64)
    windows = np.exp(-0.5 * ((ys[None, :] - centres[:, None]) / (0.6 * sh / BANDS)) ** 2)
    upper = profiles[:-1][None, :, :] * windows[:, None, :]  # (bands, strip pairs, rows)
    lower = profiles[1:][None, :, :] * windows[:, None, :]
    printed = (upper.sum(axis=2) >= 1e-3 * sh * 255) & (lower.sum(axis=2) >= 1e-3 * sh * 255)
    shifts = range(-reach, reach + 1)
    scores = np.stack([np.einsum("zky,zky->zk", upper[:, :, max(0, -s) : sh - max(0, s)],
                                 lower[:, :, max(0, s) : sh - max(0, -s)]) for s in shifts], axis=2)
    steps = np.full((BANDS, STRIPS - 1), np.nan)
    for z, k in zip(*np.nonzero(printed), strict=True):  # a margin, or a strip without print in a band: none
        row = scores[z, k]
        best = int(np.argmax(row))
        # one clear peak: the runner-up away from it well below (text lines repeat: aliases tie)
        away = np.concatenate([row[: max(0, best - 2)], row[best + 3 :]])
        if best in (0, len(row) - 1) or (away.size and away.max() > 0.9 * row[best]):
            continue
        y0, y1, y2 = row[best - 1 : best + 2]
        den = y0 - 2 * y1 + y2
        steps[z, k] = best - reach + (0.5 * (y0 - y2) / den if den < 0 else 0.0)
    return steps


def _row_shifts(steps: np.ndarray, creased: bool = False) -> np.ndarray:
    """The vertical displacement of the rows (BANDS x STRIPS, in the pixels ``steps`` were measured in;
    0 where unmeasured) from the shifts between neighbouring strips (``_strip_steps``).

    Each band's shifts are smoothed by a cubic across the page (a sheet bends smoothly) and summed
    into its bend. A ``creased`` sheet (folded and opened: flat panels meeting at sharp creases) has
    shifts constant on each panel, jumping at a crease, which no cubic follows: they are smoothed by
    a running median instead, which keeps the jumps.
    """
    dy = np.zeros((BANDS, STRIPS))
    measured = np.zeros(BANDS, bool)
    seen = np.zeros((BANDS, STRIPS), bool)
    """The strips of each band between its first and last measured shift."""
    u = (np.arange(STRIPS - 1) + 1.0) / STRIPS
    for z in range(BANDS):
        known = ~np.isnan(steps[z])
        if known.sum() < STRIPS // 3:
            continue
        measured[z] = True
        x, y = u[known], steps[z][known]
        span = (float(x.min()), float(x.max()))
        if creased:
            fitted = _running_median(np.interp(u, x, y))
        else:
            for _ in range(2):  # a cubic through the shifts, far outliers left out once
                coef = np.polyfit(x, y, 3)
                resid = np.abs(y - np.polyval(coef, x))
                keep = resid <= max(3 * float(np.median(resid)), 0.5)
                x, y = x[keep], y[keep]
                if len(x) < 6:
                    break
            fitted = np.polyval(coef, u)
        # only where the print was measured: a cubic carried on past the last strip with print (a short
        # title over a blank top, a text block ending mid-page) grows without bound and tears the page
        inside = (u >= span[0]) & (u <= span[1])
        dy[z, 1:] = np.cumsum(np.where(inside, fitted, 0.0))
        dy[z] -= np.median(dy[z])
        k = np.flatnonzero(inside)
        seen[z, k[0] : k[-1] + 2] = True
    _carry_on(dy, seen)
    zs = np.arange(BANDS)
    if 0 < measured.sum() < BANDS:
        # a band with too little print to measure (a margin, a short table) bends as its neighbours do:
        # a sheet bends smoothly, and a band left straight between bent ones would fold the page
        for k in range(STRIPS):
            dy[~measured, k] = np.interp(zs[~measured], zs[measured], dy[measured, k])
    return dy


def _carry_on(dy: np.ndarray, seen: np.ndarray) -> None:
    """Past its own measured strips (``seen``) a band goes on as the bands that measured them do (a sheet
    bends smoothly: held flat, it would tear from its neighbours), step by step from its own last value;
    where no band measured a strip, it is held. ``dy`` (bands x strips) is filled in place."""
    zs = np.arange(dy.shape[0])
    for z in zs[seen.any(axis=1)]:
        ks = np.flatnonzero(seen[z])
        right = [(k, k - 1) for k in range(ks[-1] + 1, dy.shape[1])]
        left = [(k, k + 1) for k in range(ks[0] - 1, -1, -1)]
        for k, prev in right + left:
            both = seen[:, k] & seen[:, prev]
            step = float(np.interp(z, zs[both], dy[both, k] - dy[both, prev])) if both.any() else 0.0
            dy[z, k] = dy[z, prev] + step


def _straightest(small: np.ndarray, least: float) -> tuple[np.ndarray | None, np.ndarray]:
    """The rows' displacement that lays them straightest, and the image laid so; (None, ``small``) when
    none sharpens the rows by 10 % or bends by ``least`` pixels (a flat page gains nothing from being bent).

    Two readings of the shifts compete: a smooth curl (a cubic) and a creased sheet (flat panels); the
    creased one wins only when it makes the rows 3 % sharper still, so a curl keeps its smooth field."""
    best, chosen, laid = 1.1 * _sharpness(small), None, small
    steps = _strip_steps(small)  # the same measurements serve both readings
    for creased in (False, True):
        dy = _row_shifts(steps, creased)
        if float(np.abs(dy).max()) < least:
            continue
        flat = Bend(dy.astype(np.float32), small.shape[1], small.shape[0]).apply(small, border=0)
        score = _sharpness(flat)
        if score >= best * (1.03 if chosen is not None else 1.0):
            best, chosen, laid = score, dy, flat
    return chosen, laid


def find_bend(ink: np.ndarray) -> Bend | None:
    """The bend of a page's print (``ink``: 255 where printed), or None when it lies flat.

    Rows first: their bend is taken only if laying them straight makes the page's rows sharper
    (a flat page's print gains nothing from being bent). Then the columns, measured the same way
    on the page with straight rows lying on its side, taken only if they get sharper too.
    """
    h, w = ink.shape
    f = min(1.0, 900.0 / max(h, 1))
    small = cv2.resize(ink, (max(STRIPS, int(w * f)), max(STRIPS, BANDS * 8, int(h * f))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    fy, fx = h / sh, w / sw
    rows, flat = _straightest(small, MIN_BEND * h / fy)
    if rows is not None:
        small = flat
    cols, _ = _straightest(np.ascontiguousarray(small.T), MIN_BEND * w / fx)  # columns: rows of the page on its side
    if cols is not None:
        cols = cols.T
    if rows is None and cols is None:
        return None
    dy_px = (np.zeros((BANDS, STRIPS)) if rows is None else rows * fy).astype(np.float32)
    return Bend(dy_px, w, h, None if cols is None else (cols * fx).astype(np.float32))
