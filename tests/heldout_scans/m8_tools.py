"""Small drawing and imaging helpers shared by the round-8 (maker8) families.

Everything takes its randomness from a NumPy generator or ``random.Random`` handed in, so the
families stay deterministic for a seed. Fonts: a Kai (hand-brush) face for handwriting and a
heavy Hei face for seals; when neither is installed the helpers fall back to OpenCV's Hershey
script face, so the families never fail on a machine without CJK fonts.
"""

from __future__ import annotations

import itertools
import math
import random
from functools import lru_cache

import cv2
import numpy as np

_KAI = ("/usr/share/fonts/truetype/arphic/ukai.ttc", "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc")
_HEI = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")


@lru_cache(maxsize=32)
def _font(kind: str, size: int):
    try:
        from PIL import ImageFont
    except ImportError:  # pragma: no cover - Pillow is a project dependency
        return None
    for path in _KAI if kind == "kai" else _HEI:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return None


def text_mask(text: str, size_px: int, kind: str = "kai", angle: float = 0.0) -> np.ndarray:
    """A float mask (0..1) of ``text`` drawn ``size_px`` high, rotated by ``angle`` degrees."""
    size_px = max(6, int(size_px))
    font = _font(kind, size_px)
    w = int(size_px * (len(text) + 1) * 1.1) + 8
    h = int(size_px * 1.6) + 8
    if font is not None:
        from PIL import Image, ImageDraw

        im = Image.new("L", (w, h), 0)
        ImageDraw.Draw(im).text((4, 4), text, fill=255, font=font)
        m = np.asarray(im, dtype=np.float32) / 255.0
    else:
        m = np.zeros((h, w), np.float32)
        ascii_text = "".join(c if ord(c) < 128 else "*" for c in text)
        cv2.putText(
            m, ascii_text, (4, h - 8), cv2.FONT_HERSHEY_SCRIPT_SIMPLEX, size_px / 30.0, 1.0, max(1, size_px // 12)
        )
    ys, xs = np.nonzero(m > 0.05)
    if len(xs):
        m = m[max(0, ys.min() - 2) : ys.max() + 3, max(0, xs.min() - 2) : xs.max() + 3]
    if angle:
        m = rotate_expand(m, angle, 0.0)
    return m


def rotate_expand(img: np.ndarray, angle: float, border, interp=cv2.INTER_LINEAR) -> np.ndarray:
    """Rotate by ``angle`` degrees (counter-clockwise) on a canvas large enough to keep every pixel."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c + 0.5), int(h * c + w * s + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    bv = border if np.isscalar(border) else tuple(float(b) for b in border)
    return cv2.warpAffine(img, m, (nw, nh), flags=interp, borderMode=cv2.BORDER_CONSTANT, borderValue=bv)


def stamp(canvas: np.ndarray, mask: np.ndarray, x: int, y: int, colour, opacity: float = 1.0) -> None:
    """Multiply-blend ``colour`` (BGR or grey 0..255) through ``mask`` at top-left (x, y), in place.

    Multiply is how transparent ink (seal paste, pen, highlighter) sits on printed toner: the
    dark print shows through, the ink only tints paper and toner.
    """
    H, W = canvas.shape[:2]
    h, w = mask.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(W, x + w), min(H, y + h)
    if x1 <= x0 or y1 <= y0:
        return
    m = mask[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32) * opacity
    region = canvas[y0:y1, x0:x1].astype(np.float32)
    if canvas.ndim == 3:
        tint = np.array(colour, np.float32).reshape(1, 1, 3) / 255.0
        region *= 1.0 - m[..., None] * (1.0 - tint)
    else:
        tint = float(np.mean(colour)) / 255.0
        region *= 1.0 - m * (1.0 - tint)
    canvas[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def seal_mask(radius: int, org: str, rnd: random.Random, g: np.random.Generator) -> np.ndarray:
    """A round official seal (公章): double ring, five-point star, the body's name round the top arc,
    with the uneven inking of a rubber stamp pressed by hand (some sectors pale, paste blobs)."""
    size = 2 * radius + 8
    m = np.zeros((size, size), np.float32)
    c = (size // 2, size // 2)
    ring = max(2, radius // 20)
    cv2.circle(m, c, radius - ring // 2, 1.0, ring, cv2.LINE_AA)
    # five-point star
    r_out, r_in = radius * 0.30, radius * 0.12
    pts = []
    for k in range(10):
        r = r_out if k % 2 == 0 else r_in
        a = -math.pi / 2 + k * math.pi / 5
        pts.append((c[0] + r * math.cos(a), c[1] + r * math.sin(a)))
    cv2.fillPoly(m, [np.array(pts, np.int32)], 1.0, cv2.LINE_AA)
    name = (org or "人民政府办公室").strip()[:16] or "人民政府办公室"
    n = len(name)
    span = min(250.0, 22.0 * n + 20)
    ch = max(8, int(radius * 0.26))
    for i, chr_ in enumerate(name):
        a_deg = -90 - span / 2 + span * (i + 0.5) / n  # along the top arc, left to right
        a = math.radians(a_deg)
        rr = radius - ring - ch * 0.75
        cx, cy = c[0] + rr * math.cos(a), c[1] + rr * math.sin(a)
        glyph = text_mask(chr_, ch, "hei", angle=-(a_deg + 90))
        gh, gw = glyph.shape
        x, y = int(cx - gw / 2), int(cy - gh / 2)
        x0, y0 = max(0, x), max(0, y)
        x1, y1 = min(size, x + gw), min(size, y + gh)
        if x1 > x0 and y1 > y0:
            m[y0:y1, x0:x1] = np.maximum(m[y0:y1, x0:x1], glyph[y0 - y : y1 - y, x0 - x : x1 - x])
    label = rnd.choice(["公开专用章", "办公室", "信息公开", ""])
    if label:
        lab = text_mask(label, max(7, int(radius * 0.2)), "hei")
        lh, lw = lab.shape
        x, y = c[0] - lw // 2, int(c[1] + radius * 0.42)
        if lw < size and x >= 0 and y + lh <= size:
            m[y : y + lh, x : x + lw] = np.maximum(m[y : y + lh, x : x + lw], lab)
    # uneven pressure: a smooth field plus paste grain
    yy, xx = np.mgrid[0:size, 0:size].astype(np.float32)
    a = g.uniform(0, 2 * math.pi)
    press = 0.55 + 0.45 * np.clip(
        0.5 + ((xx - c[0]) * math.cos(a) + (yy - c[1]) * math.sin(a)) / (radius * g.uniform(1.2, 2.5)), 0, 1
    )
    grain = cv2.GaussianBlur(g.random((size, size)).astype(np.float32), (0, 0), 1.2)
    grain = np.clip((grain - grain.mean()) * 4 + 0.85, 0.2, 1.0)
    return np.clip(m * press * grain, 0, 1)


def hand_path(points, g: np.random.Generator, jitter: float) -> np.ndarray:
    """A wobbly pen path through ``points`` (list of (x, y)); returns int32 polyline points."""
    pts = np.asarray(points, np.float32)
    out = []
    for p, q in itertools.pairwise(pts):
        n = max(2, int(np.hypot(*(q - p)) / 3))
        t = np.linspace(0, 1, n, endpoint=False)[:, None]
        seg = p + (q - p) * t
        out.append(seg)
    out.append(pts[-1:])
    path = np.concatenate(out)
    wob = np.cumsum(g.normal(0, jitter * 0.25, path.shape), axis=0)
    wob -= np.linspace(0, 1, len(path))[:, None] * wob[-1:]
    return (path + wob).astype(np.int32)


def ellipse_points(cx, cy, rx, ry, g: np.random.Generator, turns: float = 1.1):
    start = g.uniform(0, 2 * math.pi)
    t = np.linspace(start, start + 2 * math.pi * turns, 60)
    drift = np.linspace(0, g.uniform(-0.12, 0.12), len(t))
    return [(cx + rx * (1 + d) * math.cos(a), cy + ry * (1 + d) * math.sin(a)) for a, d in zip(t, drift, strict=False)]


def tick_points(x, y, s):
    return [(x, y), (x + 0.35 * s, y + 0.45 * s), (x + s, y - 0.55 * s)]


def jpeg(img: np.ndarray, quality: int, subsample_420: bool = True) -> np.ndarray:
    """Round-trip through JPEG (4:2:0 chroma unless told otherwise), like every camera and app."""
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    if img.ndim == 3 and hasattr(cv2, "IMWRITE_JPEG_SAMPLING_FACTOR"):
        params += [
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if subsample_420 else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444,
        ]
    ok, buf = cv2.imencode(".jpg", img, params)
    if not ok:  # pragma: no cover
        return img
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def resize_to(img: np.ndarray, w: int, h: int, interp=cv2.INTER_AREA) -> np.ndarray:
    return cv2.resize(img, (max(1, int(w)), max(1, int(h))), interpolation=interp)


def smooth_field(shape, g: np.random.Generator, scale: float) -> np.ndarray:
    """A smooth random field in 0..1 with features about ``scale`` pixels across."""
    h, w = shape[:2]
    sh, sw = max(2, int(h / scale) + 2), max(2, int(w / scale) + 2)
    f = cv2.resize(g.random((sh, sw)).astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    f -= f.min()
    return f / max(1e-6, float(f.max()))


def union_box(boxes):
    if not boxes:
        return None
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def rotated_box(box, w: int, h: int, angle: float) -> tuple[int, int, int, int]:
    """Where ``box`` (x0, y0, x1, y1) of a w x h image lands after ``rotate_expand(img, angle)``:
    the bounding box of its four rotated corners."""
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c + 0.5), int(h * c + w * s + 0.5)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    x0, y0, x1, y1 = box
    pts = np.array([[x0, y0, 1], [x1, y0, 1], [x1, y1, 1], [x0, y1, 1]], np.float64) @ m.T
    return int(pts[:, 0].min()), int(pts[:, 1].min()), math.ceil(pts[:, 0].max()), math.ceil(pts[:, 1].max())


def glyph_height(page: np.ndarray, boxes, dpi: int) -> float:
    """Typical height in pixels of the small printed glyphs (figures) inside ``boxes`` (the whole page
    when there are none): the 30th percentile of the heights of small dark connected components."""
    g = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    h, w = g.shape
    regions = [tuple(int(v) for v in b) for b in boxes] or [(0, 0, w, h)]
    heights: list[int] = []
    lo, hi = max(3, round(1.0 / 25.4 * dpi)), round(6.0 / 25.4 * dpi)
    for x0, y0, x1, y1 in regions:
        sub = (g[max(0, y0) : y1, max(0, x0) : x1] < 160).astype(np.uint8)
        if sub.size == 0:
            continue
        _, _, stats, _ = cv2.connectedComponentsWithStats(sub, connectivity=8)
        for _x, _y, cw, ch, _a in stats[1:]:
            if lo <= ch <= hi and cw <= hi:
                heights.append(int(ch))
    if not heights:
        return 2.5 / 25.4 * dpi
    return float(np.percentile(heights, 30))
