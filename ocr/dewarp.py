"""Laying a curled page flat: the bend of its lines measured from the print itself, then undone.

A sheet that is not flat (curling off a bound report, or folded) bends every text line and
ruling the same smooth way, which no perspective transform straightens. The page is cut into
narrow vertical strips; the rows of print in each strip are the same rows as in its neighbour,
a little higher or lower. The shift between neighbouring strips, measured by correlating their
row profiles in several bands down the page, adds up across the page to the bend at every
strip and band; a smooth field through those values is the displacement to undo. A flat page
measures no bend and is left as it is.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import cv2
import numpy as np

STRIPS = 32
"""Vertical strips across the page: narrow enough that neighbours differ by less than half a line."""
BANDS = 6
"""Bands down the page in which the bend is measured (a sheet curls more at one end)."""
MIN_BEND = 0.004
"""Bends smaller than this share of the page height are left alone (the deskew took the rest)."""


@dataclass
class Bend:
    """The vertical displacement of the print at every point of the page, sampled on a coarse grid:
    the point (x, y) of the flat page shows what the curled page has at (x, y + dy(x, y))."""

    dy: np.ndarray
    """BANDS x STRIPS displacements in pixels of the page."""
    width: int
    height: int

    def field(self) -> np.ndarray:
        """dy at every pixel (float32, height x width)."""
        return cv2.resize(self.dy.astype(np.float32), (self.width, self.height), interpolation=cv2.INTER_CUBIC)

    def at(self, x: float, y: float) -> float:
        """dy at one point (bilinear on the coarse grid)."""
        gx = np.clip(x / max(self.width, 1) * STRIPS - 0.5, 0, STRIPS - 1)
        gy = np.clip(y / max(self.height, 1) * BANDS - 0.5, 0, BANDS - 1)
        x0, y0 = int(gx), int(gy)
        x1, y1 = min(x0 + 1, STRIPS - 1), min(y0 + 1, BANDS - 1)
        fx, fy = gx - x0, gy - y0
        d = self.dy
        top = d[y0, x0] * (1 - fx) + d[y0, x1] * fx
        bottom = d[y1, x0] * (1 - fx) + d[y1, x1] * fx
        return float(top * (1 - fy) + bottom * fy)

    def turned_half(self) -> Bend:
        """The same bend on the page turned upside down."""
        return Bend(np.ascontiguousarray(-self.dy[::-1, ::-1]), self.width, self.height)

    def apply(self, image: np.ndarray, border: int = 255) -> np.ndarray:
        h, w = image.shape[:2]
        map_x, map_y = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
        map_y += self.field()
        fill = border if image.ndim == 2 else (border,) * image.shape[2]
        return cv2.remap(image, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def _sharpness(small_ink: np.ndarray) -> float:
    """How sharply the print separates into rows (the skew finder's measure): straight lines score high."""
    rows = small_ink.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def find_bend(ink: np.ndarray) -> Bend | None:
    """The bend of a page's print (``ink``: 255 where printed), or None when it lies flat.

    Shifts between neighbouring strips are kept only where their correlation has one clear
    peak; each band's shifts are smoothed by a cubic across the page (a sheet bends smoothly)
    and summed into its bend. The bend is taken only if laying the page flat with it makes its
    rows sharper (a flat page's print gains nothing from being bent).
    """
    h, w = ink.shape
    f = min(1.0, 900.0 / max(h, 1))
    small = cv2.resize(ink, (max(STRIPS, int(w * f)), max(BANDS * 8, int(h * f))), interpolation=cv2.INTER_AREA)
    sh, sw = small.shape
    edges = np.linspace(0, sw, STRIPS + 1).astype(int)
    profiles = np.stack([small[:, a:b].sum(axis=1, dtype=np.float64) for a, b in itertools.pairwise(edges)])
    profiles = cv2.GaussianBlur(profiles.astype(np.float32), (7, 1), sigmaX=1.2)  # along y only, strips apart
    reach = max(2, int(0.012 * sh))  # neighbouring strips of a 4 % bend differ by ~1 % of the height
    centres = (np.arange(BANDS) + 0.5) * sh / BANDS
    ys = np.arange(sh, dtype=np.float64)
    steps = np.full((BANDS, STRIPS - 1), np.nan)
    for z, c in enumerate(centres):
        window = np.exp(-0.5 * ((ys - c) / (0.6 * sh / BANDS)) ** 2)
        for k in range(STRIPS - 1):
            a, b = profiles[k] * window, profiles[k + 1] * window
            if a.sum() < 1e-3 * sh * 255 or b.sum() < 1e-3 * sh * 255:
                continue  # a margin, or a strip without print in this band
            scores = np.array([float(np.dot(a[max(0, -s) : sh - max(0, s)], b[max(0, s) : sh - max(0, -s)]))
                               for s in range(-reach, reach + 1)])
            best = int(np.argmax(scores))
            # one clear peak: the runner-up away from it well below (text lines repeat: aliases tie)
            away = np.concatenate([scores[: max(0, best - 2)], scores[best + 3 :]])
            if best in (0, len(scores) - 1) or (away.size and away.max() > 0.9 * scores[best]):
                continue
            y0, y1, y2 = scores[best - 1 : best + 2]
            den = y0 - 2 * y1 + y2
            steps[z, k] = (best - reach + (0.5 * (y0 - y2) / den if den < 0 else 0.0)) / f
    dy = np.zeros((BANDS, STRIPS))
    u = (np.arange(STRIPS - 1) + 1.0) / STRIPS
    for z in range(BANDS):
        known = ~np.isnan(steps[z])
        if known.sum() < STRIPS // 3:
            continue
        x, y = u[known], steps[z][known]
        for _ in range(2):  # a cubic through the shifts, far outliers left out once
            coef = np.polyfit(x, y, 3)
            resid = np.abs(y - np.polyval(coef, x))
            keep = resid <= max(3 * float(np.median(resid)), 0.5 / f)
            x, y = x[keep], y[keep]
            if len(x) < 6:
                break
        dy[z, 1:] = np.cumsum(np.polyval(coef, u))
        dy[z] -= np.median(dy[z])
    if float(np.abs(dy).max()) < MIN_BEND * h:
        return None
    bend = Bend(dy.astype(np.float32), w, h)
    flat = Bend(dy.astype(np.float32) * f, sw, sh).apply(small, border=0)
    if _sharpness(flat) < 1.1 * _sharpness(small):
        return None
    return bend
