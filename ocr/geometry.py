"""Putting a page image upright, flat and level, with the transform that undoes it.

A phone photo shows the sheet in perspective on a desk; a scan may lie on its side
or upside down and a few degrees askew. The sheet is found (the largest bright
quadrilateral with a sharp edge), turned by the quarter turns the reader asks for
(``PageReader`` decides which way up by reading), scaled to a standard resolution and
levelled, all composed into one 3x3 transform applied to the source once (one
resampling, not four). Recognition results are mapped back with the inverse, so
boxes are in the caller's image.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from .dewarp import Bend
from .preprocess import flat_gray_without_red, skew_angle
from .types import Box

STANDARD_SHORT_SIDE = 1654
"""Pages are read at an A4 width of 200 dpi: large enough for 9 pt table digits, small enough to be quick."""


@dataclass
class Upright:
    """A page image made upright and level, and how to get back to the source."""

    image: np.ndarray
    to_source: np.ndarray
    """3x3 transform from this image's pixels to the source image's pixels."""
    quarter_turns: int = 0
    """Clockwise quarter turns applied (the source lay on its side for 1 and 3)."""
    skew: float = 0.0
    perspective: bool = False
    scale: float = 1.0
    bend: Bend | None = None
    """A curled page's bend, undone after the transform (``dewarp``)."""
    sheet_unsure: bool = False
    """A photo whose page outline was not found whole (``Sheet.unsure``)."""
    region: np.ndarray | None = None
    """The page's corners in the source picture where it showed a facing page beside this one, cut off by
    the gutter in the print (``page_of_spread``); None where the page is the picture or its outline."""

    @property
    def facing_cut(self) -> bool:
        return self.region is not None

    def box_to_source(self, box: Box) -> Box:
        """A box of this image in the source image's pixels (the bend, then the transform, undone)."""
        return self.source_map()(box)

    def source_map(self) -> SourceMap:
        """The way back to the source without the upright image (what a read page's text keeps)."""
        return SourceMap(self.to_source, self.bend)

    def turned(self, quarter_turns: int) -> Upright:
        """The same page turned by more clockwise quarter turns (a 180° check after reading)."""
        k = quarter_turns % 4
        if k == 0:
            return self
        h, w = self.image.shape[:2]
        turn = _quarter_turn_matrix(k, w, h)
        image = np.ascontiguousarray(np.rot90(self.image, -k))
        to_source = self.to_source @ np.linalg.inv(turn)
        if self.bend is not None and k != 2:
            raise ValueError("a bent page is turned half round only (its bend was measured upright or upside down)")
        bend = self.bend.turned_half() if self.bend is not None else None
        return Upright(image, to_source, (self.quarter_turns + k) % 4, self.skew, self.perspective, self.scale, bend,
                       self.sheet_unsure, self.region)


@dataclass(frozen=True)
class SourceMap:
    """Boxes of an upright page in the source image's pixels. A page's text is read after the page
    (the anchored reading asks for its lines): it keeps this, not the ~11 MB upright colour image."""

    to_source: np.ndarray
    bend: Bend | None = None

    def __call__(self, box: Box) -> Box:
        if self.bend is None:
            return map_box(self.to_source, box)
        x0, y0, x1, y1 = box
        pts = self.points(np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)], np.float64))
        return (round(float(pts[:, 0].min())), round(float(pts[:, 1].min())), round(float(pts[:, 0].max())),
                round(float(pts[:, 1].max())))

    def points(self, pts: np.ndarray) -> np.ndarray:
        """Points (n x 2) of the upright page in the source image's pixels."""
        if self.bend is not None:
            pts = np.array([(x + dx, y + dy) for x, y in pts for dx, dy in [self.bend.at(x, y)]], np.float64)
        out = np.hstack([pts, np.ones((len(pts), 1))]) @ self.to_source.T
        return out[:, :2] / out[:, 2:3]


def map_box(m: np.ndarray, box: Box) -> Box:
    """Axis-aligned box around the four corners of ``box`` under the transform ``m``."""
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64) @ m.T
    pts = pts[:, :2] / pts[:, 2:3]
    return (
        round(float(pts[:, 0].min())),
        round(float(pts[:, 1].min())),
        round(float(pts[:, 0].max())),
        round(float(pts[:, 1].max())),
    )


def _quarter_turn_matrix(k: int, w: int, h: int) -> np.ndarray:
    """Pixels of a w x h image to those of the image turned clockwise k times."""
    k %= 4
    if k == 0:
        return np.eye(3)
    if k == 1:
        return np.array([[0, -1, h - 1], [1, 0, 0], [0, 0, 1]], np.float64)
    if k == 2:
        return np.array([[-1, 0, w - 1], [0, -1, h - 1], [0, 0, 1]], np.float64)
    return np.array([[0, 1, 0], [-1, 0, w - 1], [0, 0, 1]], np.float64)


def _order(quad: np.ndarray) -> np.ndarray:
    """Corners as top-left, top-right, bottom-right, bottom-left."""
    s = quad.sum(axis=1)
    d = np.diff(quad, axis=1).ravel()
    return np.array([quad[np.argmin(s)], quad[np.argmin(d)], quad[np.argmax(s)], quad[np.argmax(d)]], np.float32)


def find_page_quad(image: np.ndarray, min_area: float = 0.2) -> np.ndarray | None:
    """Corners of a sheet of paper photographed on a darker background, or None for a scan (``find_sheet``)."""
    return find_sheet(image, min_area).quad


@dataclass(frozen=True)
class Sheet:
    """Where the page is in a picture, and whether its outline was seen."""

    quad: np.ndarray | None
    """Corners of the photographed page (tl, tr, br, bl), or None (a scan, or no outline found)."""
    unsure: bool = False
    """The page was told from a facing one by the spine between them but its own outline was not found:
    it is taken as the picture's part on its side of the spine, bounded by the frame, so its rows may not
    lie level and print near the spine may be the facing page's. (A picture in which no sheet is found at
    all is not flagged: a sheet running out of the frame or curled is read well so, and nothing tells it
    from sheets among other sheets.)"""


def find_sheet(image: np.ndarray, min_area: float = 0.2) -> Sheet:
    """The photographed page in a picture.

    The sheet is the largest bright region whose outline is a convex quadrilateral
    with a sharp paper-to-desk step on its sides inside the frame (a scan is paper to
    the edges). A shadow across the sheet darkens part of it below Otsu's threshold,
    so lower thresholds are tried too, and the largest valid sheet wins. Where two pages
    meet in it (an open binder: ``_one_page``), the page is the larger one alone.
    """
    h, w = image.shape[:2]
    s = min(1.0, 640.0 / max(h, w))
    small = cv2.resize(image, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    gray = small if small.ndim == 2 else cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    gray = cv2.GaussianBlur(gray, (5, 5), 0)
    otsu, _ = cv2.threshold(gray, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    quad = _brightest_quad(gray, otsu, min_area)
    photo = quad is not None or _desk_in_view(gray)
    one = _one_page(gray, quad, otsu, min_area) if photo else None
    if one is not None:
        return Sheet(one[0] / s, not one[1])
    return Sheet(None if quad is None else quad / s)


def _brightest_quad(gray: np.ndarray, otsu: float, min_area: float) -> np.ndarray | None:
    """The largest sheet found at Otsu's threshold or lower ones (a shadow across the sheet)."""
    best: tuple[float, np.ndarray] | None = None
    for f in (1.0, 0.85, 0.7):
        quad = _bright_quad(gray, otsu * f, min_area)
        if quad is not None:
            area = float(cv2.contourArea(quad))
            if best is None or area > best[0]:
                best = (area, quad)
    return None if best is None else best[1]


SPINE_DIP = 0.8
"""A spine's valley is at most this share of the paper's brightness on both sides of it (an open
binder's gutter: 0.4-0.75 by the shade, the cover showing between the pages; a crease or the curve
of a curled sheet is a step or a broad slope, not a valley)."""
SPINE_REACH = 0.12
"""Paper as bright as the page's is found within this share of the region's width on both sides."""
SPINE_PAPER = 0.7
"""As bright as the page's paper: this share of its 90th percentile (light falls off across a photo by
up to a quarter; a desk is half as bright as paper or less)."""


def _one_page(gray: np.ndarray, quad: np.ndarray | None, otsu: float, min_area: float,
              ) -> tuple[np.ndarray, bool] | None:
    """The photographed page alone where two pages meet in the picture (an open binder or a bound volume,
    the facing page beyond the spine): its quadrilateral without the facing page and whether its outline
    was found; None where no spine runs down the paper or neither side is clearly the page photographed
    (two whole pages alike).

    The sheet found (or, where none was, the picture) is searched for a spine (``_spine``); the smaller
    side is darkened and the sheet looked for again, on the larger side alone. Where it is still not a
    quadrilateral (cut by the frame), the larger side bounded by the spine is, its outline not found."""
    h, w = gray.shape
    region = quad if quad is not None else np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    split = _spine(gray, region)
    if split is None:
        return None
    big, small = split
    dark = gray.copy()
    cv2.fillPoly(dark, [small.astype(np.int32)], 0)
    alone = _brightest_quad(dark, otsu, min_area)
    if alone is not None and cv2.pointPolygonTest(big.reshape(-1, 1, 2), tuple(map(float, alone.mean(axis=0))),
                                                  False) > 0:
        return alone, True
    return big, quad is not None


def _desk_in_view(gray: np.ndarray, rim: float = 0.03, share: float = 0.4) -> bool:
    """Is 40 % of the picture's rim darker than paper (a desk or a cover around the sheet, more than one
    side of it)? A scan's rim is paper (a flatbed's lid or a dark band along one edge at most)."""
    h, w = gray.shape
    m = max(1, int(rim * min(h, w)))
    ring = np.concatenate([gray[:m].ravel(), gray[-m:].ravel(), gray[m:-m, :m].ravel(), gray[m:-m, -m:].ravel()])
    return float((ring < SPINE_PAPER * np.percentile(gray, 90)).mean()) >= share


def _spine(gray: np.ndarray, region: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """Where two pages meet in ``region``: a valley of shade running straight across it from its top
    side to its bottom one, bright paper within ``SPINE_REACH`` of it on both sides, in at least six of
    eight bands down the region. Returns the region's two parts (quadrilaterals in ``gray``'s pixels),
    the larger first, when the larger is at least 1.25 times as wide; else None."""
    p, w1, h1 = _rectify(region)
    if w1 < 50 or h1 < 50:
        return None
    flat = cv2.warpPerspective(gray, p, (w1, h1))
    paper = cv2.morphologyEx(flat, cv2.MORPH_CLOSE, np.ones((9, 9), np.uint8)).astype(np.float32)  # print gone
    bright = float(np.percentile(paper, 90))
    r = max(3, int(SPINE_REACH * w1))
    found = []
    for i in range(8):
        y0, y1 = int(h1 * (0.05 + 0.9 * i / 8)), int(h1 * (0.05 + 0.9 * (i + 1) / 8))
        prof = cv2.GaussianBlur(np.median(paper[y0:y1], axis=0)[None, :], (0, 0), 1.5).ravel()
        win = np.lib.stride_tricks.sliding_window_view(prof, r + 1).max(axis=1)  # win[i]: max of prof[i : i + r + 1]
        xs = np.arange(r, w1 - r - 1)
        side = np.minimum(win[xs - r], win[xs])  # the brighter paper left of x, and right of it: the dimmer of the two
        ratio = np.where(side >= SPINE_PAPER * bright, prof[xs] / np.maximum(side, 1.0), np.inf)
        k = int(np.argmin(ratio))
        if ratio[k] <= SPINE_DIP:
            found.append(((y0 + y1) / 2, float(xs[k])))
    if len(found) < 6:
        return None
    ys, xs_found = np.array(found).T
    b, a = np.polyfit(ys, xs_found, 1)
    if np.abs(a + b * ys - xs_found).max() > 0.02 * w1 or abs(b) > 0.1:
        return None  # not one straight valley down the region
    top, bottom = float(a), float(a + b * h1)
    left = np.array([[0, 0], [top, 0], [bottom, h1], [0, h1]], np.float32)
    right = np.array([[top, 0], [w1, 0], [w1, h1], [bottom, h1]], np.float32)
    lw, rw = (top + bottom) / 2, w1 - (top + bottom) / 2
    if max(lw, rw) < 1.25 * min(lw, rw):
        return None  # two pages alike: which was meant cannot be told from the shapes
    back = np.linalg.inv(p)
    parts = [cv2.perspectiveTransform(q.reshape(1, -1, 2).astype(np.float64), back)[0].astype(np.float32)
             for q in ((right, left) if rw > lw else (left, right))]
    return parts[0], parts[1]


def _bright_quad(gray: np.ndarray, threshold: float, min_area: float) -> np.ndarray | None:
    mask = (gray > threshold).astype(np.uint8) * 255
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, k)  # text on the paper is not a hole
    mask = cv2.morphologyEx(mask, cv2.MORPH_OPEN, k)
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    if not contours:
        return None
    c = max(contours, key=cv2.contourArea)
    area = cv2.contourArea(c)
    sh, sw = gray.shape
    if area < min_area * sh * sw:
        return None
    hull = cv2.convexHull(c)
    peri = cv2.arcLength(hull, True)
    quad = None
    for eps in (0.01, 0.02, 0.03, 0.05):
        approx = cv2.approxPolyDP(hull, eps * peri, True)
        if len(approx) == 4:
            quad = approx.reshape(4, 2).astype(np.float32)
            break
    if quad is None or not cv2.isContourConvex(quad.reshape(-1, 1, 2)):
        return None
    if cv2.contourArea(quad) < 0.85 * area:
        return None  # not a quadrilateral sheet
    quad = _order(quad)
    if not _inside_frame(quad, sw, sh):
        # a sheet cut by the frame: only one lost corner, between two sides seen along most of their
        # length, is found where they meet beyond the frame; a sheet that lost an edge (a flatbed scan
        # of a shifted page, the lid dark beside it) has no corners to flatten from, and is levelled
        outline = c.reshape(-1, 2).astype(np.float32)
        out = ~_corners_inside(quad, sw, sh)
        if out.sum() != 1:
            return None
        quad = _beyond_frame(quad, outline, sw, sh)
        if not _sides_seen(quad, outline, int(np.flatnonzero(out)[0]), sw, sh):
            return None
    if not _sheet_edges(gray, quad):
        return None  # paper to the edges (a scan), or a shadow's soft edge rather than a sheet's
    return quad


def _corners_inside(quad: np.ndarray, w: int, h: int, margin: float = 0.01) -> np.ndarray:
    """Which corners lie inside the picture, clear of its edges."""
    m = margin * max(w, h)
    return (quad[:, 0] > m) & (quad[:, 1] > m) & (quad[:, 0] < w - 1 - m) & (quad[:, 1] < h - 1 - m)


def _inside_frame(quad: np.ndarray, w: int, h: int) -> bool:
    return bool(_corners_inside(quad, w, h).all())


def _sides_seen(quad: np.ndarray, outline: np.ndarray, lost: int, w: int, h: int, share: float = 0.45) -> bool:
    """Are both sides that meet at the lost corner seen inside the picture along ``share`` of their length?
    A side seen along less is extended with its angle error multiplied: the corner found is not the sheet's."""
    dense = _densify(outline)
    m = 2.0
    inside = dense[(dense[:, 0] > m) & (dense[:, 1] > m) & (dense[:, 0] < w - 1 - m) & (dense[:, 1] < h - 1 - m)]
    tol = 0.02 * max(w, h)
    for a, b in ((quad[lost - 1], quad[lost]), (quad[lost], quad[(lost + 1) % 4])):
        d = b - a
        length = float(np.linalg.norm(d))
        n = np.array([-d[1], d[0]], np.float32) / max(length, 1e-6)
        t = (inside - a) @ (d / max(length, 1e-6))
        near = inside[(np.abs((inside - a) @ n) < tol) & (t >= 0) & (t <= length)]
        if len(near) < 2:
            return False
        along = (near - a) @ (d / length)
        if float(along.max() - along.min()) < share * length:
            return False
    return True


def _beyond_frame(quad: np.ndarray, outline: np.ndarray, w: int, h: int, margin: float = 2.0) -> np.ndarray:
    """Corners of a sheet that runs out of the frame, where its sides meet outside the picture.

    A corner cut off by the frame makes the outline a pentagon; its best quadrilateral
    puts a corner on the frame's edge, and flattening with it leaves the page's lines
    slanting. Each side is fitted again to the outline's points along it that are not on
    the frame's edge, and neighbouring sides are intersected.
    """
    on_frame = (quad[:, 0] <= margin) | (quad[:, 1] <= margin) | (quad[:, 0] >= w - 1 - margin) | (
        quad[:, 1] >= h - 1 - margin)
    if not on_frame.any():
        return quad
    dense = _densify(outline)
    inside = dense[(dense[:, 0] > margin) & (dense[:, 1] > margin) & (dense[:, 0] < w - 1 - margin)
                   & (dense[:, 1] < h - 1 - margin)]
    tol = 0.02 * max(w, h)
    lines = []
    for i in range(4):
        a, b = quad[i], quad[(i + 1) % 4]
        for _ in range(3):  # fit, take the points near the fitted line, fit again
            d = b - a
            n = np.array([-d[1], d[0]], np.float32) / max(float(np.linalg.norm(d)), 1e-6)
            near = inside[np.abs((inside - a) @ n) < tol]
            if len(near) < 10:
                return quad
            vx, vy, x0, y0 = cv2.fitLine(near, cv2.DIST_HUBER, 0, 0.01, 0.01).ravel()
            a = np.array([x0, y0], np.float32)
            b = a + np.array([vx, vy], np.float32) * 100.0
        lines.append((a, b))
    corners = []
    for i in range(4):
        p = _intersect(lines[i - 1], lines[i])
        if p is None:
            return quad
        corners.append(p)
    out = np.array(corners, np.float32)
    # a refit that moves a corner inside the picture by much is not the sheet's corner
    if np.abs(out - quad).max() > 0.25 * max(w, h):
        return quad
    return _order(out)


def _densify(points: np.ndarray, step: float = 2.0) -> np.ndarray:
    """Points every ``step`` pixels along a closed outline given by its vertices."""
    out = []
    for a, b in zip(points, np.roll(points, -1, axis=0), strict=True):
        n = max(1, int(np.linalg.norm(b - a) / step))
        t = np.linspace(0.0, 1.0, n, endpoint=False, dtype=np.float32)[:, None]
        out.append(a + t * (b - a))
    return np.concatenate(out).astype(np.float32)


def _intersect(l1: tuple[np.ndarray, np.ndarray], l2: tuple[np.ndarray, np.ndarray]) -> np.ndarray | None:
    (p, p2), (q, q2) = l1, l2
    r, s = p2 - p, q2 - q
    den = float(r[0] * s[1] - r[1] * s[0])
    if abs(den) < 1e-6:
        return None
    t = float((q - p)[0] * s[1] - (q - p)[1] * s[0]) / den
    return p + t * r




def _sheet_edges(gray: np.ndarray, quad: np.ndarray, step: float = 6.0, contrast: float = 30.0) -> bool:
    """Do the quadrilateral's sides inside the frame look like paper against a darker background?

    A sheet's edge is a sharp step from bright paper to the desk; the border Otsu
    draws through uneven light on a scan is a soft gradient. At least two sides must
    lie inside the frame and every such side must show the step.
    """
    h, w = gray.shape
    centre = quad.mean(axis=0)
    margin = 0.015 * max(h, w)
    inside_sides = 0
    for a, b in zip(quad, np.roll(quad, -1, axis=0), strict=True):
        mid = (a + b) / 2
        on_border = (min(a[0], b[0]) < margin and max(a[0], b[0]) < margin) or (
            min(a[1], b[1]) < margin and max(a[1], b[1]) < margin) or (
            min(a[0], b[0]) > w - 1 - margin) or (min(a[1], b[1]) > h - 1 - margin)
        if on_border:
            continue
        inside_sides += 1
        d = b - a
        n = np.array([-d[1], d[0]], np.float32) / max(float(np.linalg.norm(d)), 1e-6)
        if np.dot(centre - mid, n) < 0:
            n = -n  # the normal points into the sheet
        steps = []
        for t in np.linspace(0.1, 0.9, 17):
            p = a + t * d
            pi, po = p + n * step, p - n * step
            if not (0 <= po[0] < w and 0 <= po[1] < h and 0 <= pi[0] < w and 0 <= pi[1] < h):
                continue
            steps.append(float(gray[int(pi[1]), int(pi[0])]) - float(gray[int(po[1]), int(po[0])]))
        if not steps or float(np.median(steps)) < contrast:
            return False
    return inside_sides >= 2


def _rectify(quad: np.ndarray) -> tuple[np.ndarray, int, int]:
    """Perspective transform taking the quadrilateral to an upright rectangle of its own size."""
    tl, tr, br, bl = quad
    w = round(float(max(np.linalg.norm(tr - tl), np.linalg.norm(br - bl))))
    h = round(float(max(np.linalg.norm(bl - tl), np.linalg.norm(br - tr))))
    dst = np.array([[0, 0], [w - 1, 0], [w - 1, h - 1], [0, h - 1]], np.float32)
    return cv2.getPerspectiveTransform(quad.astype(np.float32), dst).astype(np.float64), w, h


def _ink_small(image: np.ndarray, m: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """Binary ink of the source warped by ``m`` into a small image of ``size`` (w, h)."""
    shrink = float(np.sqrt(abs(np.linalg.det(m[:2, :2]))))
    if shrink < 0.5:  # area-average first: a warp alone would alias strokes away
        h, w = image.shape[:2]
        image = cv2.resize(image, (max(1, int(w * shrink)), max(1, int(h * shrink))), interpolation=cv2.INTER_AREA)
        m = m @ np.diag([w / image.shape[1], h / image.shape[0], 1.0])
    small = cv2.warpPerspective(image, m, size, flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    gray = flat_gray_without_red(small)
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    block = max(11, (min(size) // 40) | 1)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 15)


def upright(
    image: np.ndarray,
    turns: int = 0,
    short_side: int = STANDARD_SHORT_SIDE,
    correct_perspective: bool = True,
    max_skew: float = 8.0,
    region: np.ndarray | None = None,
) -> Upright:
    """The page flat, turned clockwise by ``turns`` quarter turns, levelled and at the standard resolution.

    Which way up a page is cannot be told reliably from its shapes (a column of
    lone digits looks like a line of text on its side); ``PageReader`` decides it
    by reading, and asks for the turn here. ``region``: the page's corners in the picture where the
    reader found them by its print (a facing page cut off: ``page_of_spread``), instead of its outline.
    """
    h, w = image.shape[:2]
    if region is not None:
        sheet = Sheet(_order(region.astype(np.float32)))
    else:
        sheet = find_sheet(image) if correct_perspective else Sheet(None)
    quad = sheet.quad
    if quad is not None:
        if region is None:  # 1 % inside the found edge: a sliver of desk along the border would look like a ruling
            quad = quad + (quad.mean(axis=0) - quad) * 0.01
        p, w1, h1 = _rectify(quad)
    else:
        p, w1, h1 = np.eye(3), w, h
    turns %= 4
    turn = _quarter_turn_matrix(turns, w1, h1)
    w2, h2 = (h1, w1) if turns % 2 else (w1, h1)
    scale = short_side / max(1, min(w2, h2))
    w3, h3 = max(1, round(w2 * scale)), max(1, round(h2 * scale))
    m = np.diag([scale, scale, 1.0]) @ turn @ p
    # skew on a small copy of the turned page
    g = min(1.0, 1000.0 / max(w3, h3))
    ink2 = _ink_small(image, np.diag([g, g, 1.0]) @ m, (max(1, int(w3 * g)), max(1, int(h3 * g))))
    angle = skew_angle(ink2, max_skew)
    if angle:
        d = np.vstack([cv2.getRotationMatrix2D((w3 / 2, h3 / 2), angle, 1.0), [0, 0, 1]])
        m = d @ m
    if np.allclose(m, np.eye(3), atol=1e-6) and (w3, h3) == (w, h):
        out = image
    else:
        src, m_src = image, m
        if scale < 0.75:  # shrink by area first: a warp alone would alias a large photo's strokes
            src = cv2.resize(image, (max(1, int(w * scale)), max(1, int(h * scale))), interpolation=cv2.INTER_AREA)
            m_src = m @ np.diag([w / src.shape[1], h / src.shape[0], 1.0])
        out = cv2.warpPerspective(src, m_src, (w3, h3), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return Upright(out, np.linalg.inv(m), turns, angle, quad is not None and region is None, scale,
                   sheet_unsure=sheet.unsure, region=region)


GUTTER_WIDTH = 3.0
"""A gutter between two pages is at least this many character heights wide with no text in it (the two
pages' margins, squeezed by the curl towards the spine; a column gap of a table without rulings, or
between two columns of print, is narrower or has its rows aligned across it)."""
GUTTER_SIDE = 1.25
"""The page photographed is at least this many times as wide in the picture as the facing one beyond
the gutter (as for a spine: two pages alike are not split, which was meant cannot be told)."""
GUTTER_LINES = 6
"""Text lines there must be on each side of a gutter: a page of print, not a page number or a note."""
ROWS_ACROSS = 0.6
"""Share of the lines beyond a gap that stand level with a line on the near side from which the gap is
a table's column gap (its rows run across it), not two pages' gutter."""


def page_of_spread(boxes: Sequence[Box], tables: Sequence[Box], width: int,
                   char_h: float | None) -> tuple[int, int] | None:
    """The photographed page's span across an upright picture that shows a facing page beside it (a bound
    volume or a spread on a document camera, the capture's crop taking both), or None.

    No sheet outline or spine shade is needed (a black-and-white capture keeps neither): the two pages'
    text stands apart with a wide text-free band down the whole picture between them, which no page of
    print has inside it (its prose lines and ruled tables run across its width). The band must be
    ``GUTTER_WIDTH`` character heights wide, cross no ruled table with print in it, have lines of print on
    both sides whose rows do not run across it, and leave one side ``GUTTER_SIDE`` times as wide as the
    other. ``char_h``: the print's character height, as the caller measured it on the same lines. Returns
    the larger side's span, cut at most two character heights beyond its print."""
    lines = [b for b in boxes if b[2] - b[0] > b[3] - b[1]]
    tall = sum(1 for b in boxes if b[3] - b[1] >= 2 * (b[2] - b[0]))
    if char_h is None or len(lines) < 2 * GUTTER_LINES or tall * 3 > len(lines):
        return None  # too little print, or a page on its side (its lines are tall boxes)
    # a table holds print: ruled "tables" with none in them are the spine's edges and shade, not a page's table
    printed = [t for t in tables if any(t[0] <= (b[0] + b[2]) / 2 <= t[2] and t[1] <= (b[1] + b[3]) / 2 <= t[3]
                                        for b in lines)]
    cover = np.zeros(width + 1, np.int32)
    for x0, _, x1, _ in (*lines, *printed):
        cover[max(0, x0):max(0, min(width, x1))] += 1
    free = np.concatenate([[0], (cover[:width] == 0).astype(np.int8), [0]])
    edges = np.flatnonzero(np.diff(free))
    runs = [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True) if a > 0 and b < width]
    runs = [r for r in runs if r[1] - r[0] >= GUTTER_WIDTH * char_h]
    if not runs:
        return None
    a, b = max(runs, key=lambda r: r[1] - r[0])
    left = [ln for ln in lines if ln[2] <= a]
    right = [ln for ln in lines if ln[0] >= b]
    if min(len(left), len(right)) < GUTTER_LINES:
        return None
    mid = (a + b) / 2
    page_left = mid >= GUTTER_SIDE * (width - mid)
    if not page_left and width - mid < GUTTER_SIDE * mid:
        return None  # two pages alike
    near, far = (left, right) if page_left else (right, left)
    near_y = np.array(sorted((ln[1] + ln[3]) / 2 for ln in near))
    level = 0
    for ln in far:
        y = (ln[1] + ln[3]) / 2
        k = int(np.searchsorted(near_y, y))
        d = min(abs(near_y[j] - y) for j in (k - 1, k) if 0 <= j < len(near_y))
        level += d <= 0.3 * char_h
    if level >= ROWS_ACROSS * len(far):
        return None  # a table's rows running across a column gap
    reach = round(min((b - a) / 2, 2 * char_h))
    return (0, a + reach) if page_left else (b - reach, width)
