"""Shared pieces of maker8b's camera families: light fields, optics, app pipelines, marks on paper.

Everything takes a ``numpy.random.Generator`` (from ``base.np_rng``) so a seed fixes the output.
Marks that would hide print (fingers, stickers, redactions) are placed away from the tables.
"""

from __future__ import annotations

import math
from functools import lru_cache

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

FONT_PATHS = (
    "/usr/share/fonts/truetype/arphic/ukai.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
)


@lru_cache(maxsize=32)
def font(size: int, hand: bool = True) -> ImageFont.ImageFont:
    paths = FONT_PATHS if hand else FONT_PATHS[1:] + FONT_PATHS[:1]
    for p in paths:
        try:
            return ImageFont.truetype(p, size)
        except OSError:
            continue
    return ImageFont.load_default()


def field(nr: np.random.Generator, h: int, w: int, cells: int, lo: float, hi: float) -> np.ndarray:
    """A smooth random field in [lo, hi] (float32), varying over about ``cells`` blobs per side."""
    gh = max(2, cells)
    gw = max(2, round(cells * w / max(h, 1)))
    g = nr.random((gh, gw)).astype(np.float32)
    sh, sw = (64, max(2, round(64 * w / max(h, 1)))) if h >= w else (max(2, round(64 * h / max(w, 1))), 64)
    f = cv2.resize(g, (sw, sh), interpolation=cv2.INTER_CUBIC)
    f = cv2.GaussianBlur(f, (0, 0), 64 / (cells * 4.0))
    f -= f.min()
    f /= max(float(f.max()), 1e-6)
    f = cv2.resize(f, (w, h), interpolation=cv2.INTER_LINEAR)
    return lo + (hi - lo) * f


def fade_ink(img: np.ndarray, keep: np.ndarray) -> np.ndarray:
    """Ink darkness multiplied by ``keep`` (HxW in 0..1): thin, uneven print on white paper."""
    f = img.astype(np.float32)
    k = keep[..., None] if f.ndim == 3 else keep
    return np.clip(255.0 - (255.0 - f) * k, 0, 255).astype(np.uint8)


def overlaps(box: tuple[int, int, int, int], avoid: list[tuple[int, int, int, int]], pad: int) -> bool:
    x0, y0, x1, y1 = box
    return any(x0 < a1 + pad and a0 - pad < x1 and y0 < b1 + pad and b0 - pad < y1 for a0, b0, a1, b1 in avoid)


def free_spot(
    nr: np.random.Generator,
    h: int,
    w: int,
    bw: int,
    bh: int,
    avoid: list[tuple[int, int, int, int]],
    pad: int,
    tries: int = 60,
    region: tuple[int, int, int, int] | None = None,
) -> tuple[int, int] | None:
    """Top-left corner of a ``bw`` x ``bh`` box inside ``region`` clear of ``avoid``; None if none found."""
    rx0, ry0, rx1, ry1 = region or (0, 0, w, h)
    if rx1 - rx0 <= bw or ry1 - ry0 <= bh:
        return None
    for _ in range(tries):
        x = int(nr.integers(rx0, rx1 - bw))
        y = int(nr.integers(ry0, ry1 - bh))
        if not overlaps((x, y, x + bw, y + bh), avoid, pad):
            return x, y
    return None


def jpeg(img: np.ndarray, quality: int, subsample420: bool = True) -> np.ndarray:
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    if img.ndim == 3 and hasattr(cv2, "IMWRITE_JPEG_SAMPLING_FACTOR"):
        params += [
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if subsample420 else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444,
        ]
    ok, buf = cv2.imencode(".jpg", img, params)
    if not ok:
        raise RuntimeError("jpeg encode failed")
    flag = cv2.IMREAD_COLOR if img.ndim == 3 else cv2.IMREAD_GRAYSCALE
    return cv2.imdecode(buf, flag)


def resize_long(img: np.ndarray, long_side: int) -> np.ndarray:
    h, w = img.shape[:2]
    s = long_side / max(h, w)
    if abs(s - 1) < 1e-3:
        return img
    interp = cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR
    return cv2.resize(img, (max(1, round(w * s)), max(1, round(h * s))), interpolation=interp)


def sensor_noise(img: np.ndarray, nr: np.random.Generator, sigma: float, chroma: float = 0.5) -> np.ndarray:
    """Shot-like noise (stronger in dark areas) with some colour noise, as a phone in dim light."""
    f = img.astype(np.float32)
    lum = np.sqrt(np.clip(f, 1, 255) / 255.0)
    if f.ndim == 3:
        n_l = nr.normal(0, sigma, f.shape[:2]).astype(np.float32)[..., None]
        n_c = nr.normal(0, sigma * chroma, f.shape).astype(np.float32)
        n = n_l + n_c
    else:
        n = nr.normal(0, sigma, f.shape).astype(np.float32)
    return np.clip(f + n * (0.5 + 0.5 * lum), 0, 255).astype(np.uint8)


def unsharp(img: np.ndarray, radius: float, amount: float) -> np.ndarray:
    b = cv2.GaussianBlur(img, (0, 0), radius)
    return cv2.addWeighted(img, 1 + amount, b, -amount, 0)


def quad_warp(
    img: np.ndarray, src: np.ndarray, dst: np.ndarray, size: tuple[int, int], border: tuple[int, int, int] | int
) -> np.ndarray:
    m = cv2.getPerspectiveTransform(src.astype(np.float32), dst.astype(np.float32))
    return cv2.warpPerspective(img, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def desk(nr: np.random.Generator, h: int, w: int, base: tuple[int, int, int], grain: float) -> np.ndarray:
    """A desk or pad surface: a colour, a slow variation and a fine grain (BGR)."""
    f = field(nr, h, w, 4, 0.8, 1.1)
    g = nr.normal(0, grain, (h, w)).astype(np.float32)
    g = cv2.GaussianBlur(g, (0, 0), 1.5)
    out = np.empty((h, w, 3), np.float32)
    for c in range(3):
        out[..., c] = base[c] * f + g
    return np.clip(out, 0, 255).astype(np.uint8)


def text_image(
    text: str, size: int, colour: tuple[int, int, int], angle: float, hand: bool = True, stroke: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """Rendered ``text`` as (BGR colour patch, alpha 0..1 float) rotated by ``angle`` degrees."""
    f = font(size, hand)
    left, top, right, bottom = f.getbbox(text, stroke_width=stroke)
    im = Image.new("L", (right - left + 8, bottom - top + 8), 0)
    ImageDraw.Draw(im).text((4 - left, 4 - top), text, fill=255, font=f, stroke_width=stroke, stroke_fill=255)
    im = im.rotate(angle, resample=Image.BICUBIC, expand=True)
    a = np.asarray(im, np.float32) / 255.0
    patch = np.empty((*a.shape, 3), np.uint8)
    patch[:] = colour
    return patch, a


def blend_ink(
    img: np.ndarray, patch: np.ndarray, alpha: np.ndarray, x: int, y: int, opacity: float = 1.0, multiply: bool = True
) -> None:
    """Put ink ``patch`` at (x, y) in place: multiplied like ink/highlighter, or laid over (opaque media)."""
    h, w = img.shape[:2]
    ph, pw = alpha.shape
    x0, y0, x1, y1 = max(x, 0), max(y, 0), min(x + pw, w), min(y + ph, h)
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y : y1 - y, x0 - x : x1 - x, None] * opacity
    p = patch[y0 - y : y1 - y, x0 - x : x1 - x].astype(np.float32)
    region = img[y0:y1, x0:x1].astype(np.float32)
    if region.ndim == 2:
        region = region[..., None]
        p = p.mean(axis=2, keepdims=True)
    target = region * p / 255.0 if multiply else p
    out = region * (1 - a) + target * a
    img[y0:y1, x0:x1] = np.clip(out, 0, 255).astype(np.uint8).reshape(img[y0:y1, x0:x1].shape)


def seal(
    diameter: int, org: str, colour: tuple[int, int, int], nr: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """A round official seal (ring, star, the body's name round the top), uneven inking; (patch, alpha)."""
    d = int(diameter)
    im = Image.new("L", (d, d), 0)
    dr = ImageDraw.Draw(im)
    ring = max(2, d // 28)
    dr.ellipse((ring, ring, d - ring - 1, d - ring - 1), outline=255, width=ring)
    c = d / 2
    rs = d * 0.14
    pts = []
    for i in range(10):
        rr = rs if i % 2 == 0 else rs * 0.4
        ang = -math.pi / 2 + i * math.pi / 5
        pts.append((c + rr * math.cos(ang), c + rr * math.sin(ang)))
    dr.polygon(pts, fill=255)
    name = (org or "人民政府办公室")[:16]
    n = len(name)
    fs = max(8, int(d * 0.12))
    span = min(250.0, 18.0 * n + 40)
    for i, ch in enumerate(name):
        ang = -90 - span / 2 + span * (i + 0.5) / n
        rad = math.radians(ang)
        cr = c - ring * 2 - fs * 0.7
        cx, cy = c + cr * math.cos(rad), c + cr * math.sin(rad)
        g = Image.new("L", (fs * 2, fs * 2), 0)
        ImageDraw.Draw(g).text((fs // 2, fs // 2), ch, fill=255, font=font(fs, hand=False))
        g = g.rotate(-(ang + 90), resample=Image.BICUBIC)
        im.paste(255, (int(cx - fs), int(cy - fs)), g)
    a = np.asarray(im, np.float32) / 255.0
    inking = field(nr, d, d, 3, 0.45, 1.0)
    a = a * inking * (nr.random(a.shape) > 0.08)
    a = cv2.GaussianBlur(a.astype(np.float32), (0, 0), max(0.6, d / 400))
    patch = np.empty((d, d, 3), np.uint8)
    patch[:] = colour
    return patch, np.clip(a, 0, 1)


def highlight_rows(
    img: np.ndarray, nr: np.random.Generator, tables: list[tuple[int, int, int, int]], dpi: int, count: int
) -> list[list[int]]:
    """Highlighter strokes along table rows (slightly wavy, uneven pressure, multiplied); returns their boxes."""
    h, w = img.shape[:2]
    colours = [(90, 250, 255), (140, 255, 150), (200, 150, 255), (255, 220, 120)]  # BGR yellow green pink blue
    done = []
    for _ in range(count):
        if not tables:
            break
        x0, y0, x1, y1 = tables[int(nr.integers(len(tables)))]
        if y1 - y0 < 20:
            continue
        col = colours[int(nr.integers(len(colours)))]
        thick = int(dpi * nr.uniform(0.13, 0.2))
        yc = int(nr.integers(y0, y1))
        xs = int(x0 + (x1 - x0) * nr.uniform(0.0, 0.35))
        xe = int(x0 + (x1 - x0) * nr.uniform(0.6, 1.02))
        a = np.zeros((h, w), np.float32)
        n = 24
        tilt = nr.uniform(-0.015, 0.015)
        pts = []
        for i in range(n + 1):
            x = xs + (xe - xs) * i / n
            y = yc + tilt * (x - xs) + nr.normal(0, dpi * 0.008)
            pts.append((int(x), int(y)))
        cv2.polylines(a, [np.array(pts, np.int32)], False, 1.0, thickness=thick, lineType=cv2.LINE_AA)
        a *= field(nr, h, w, 6, 0.55, 1.0)
        patch = np.empty((h, w, 3), np.uint8)
        patch[:] = col
        blend_ink(img, patch, a, 0, 0, opacity=0.85, multiply=True)
        done.append([xs, yc - thick // 2, xe, yc + thick // 2])
    return done


def pen_marks(
    img: np.ndarray,
    nr: np.random.Generator,
    tables: list[tuple[int, int, int, int]],
    dpi: int,
    count: int,
    colour: tuple[int, int, int],
) -> list[str]:
    """A reviewer's ballpoint marks: ticks and crosses by rows, a ring round a cell, a note in the margin."""
    h, w = img.shape[:2]
    kinds = []
    lw = max(1, round(dpi / 150))
    for _ in range(count):
        k = ["tick", "ring", "note", "underline"][int(nr.integers(4))]
        if tables and k != "note":
            x0, y0, x1, y1 = tables[int(nr.integers(len(tables)))]
        else:
            x0, y0, x1, y1 = 0, 0, w, h
        if k == "tick":
            x = int(min(w - dpi * 0.2, x1 + dpi * nr.uniform(0.03, 0.15)))
            y = int(nr.integers(y0, max(y0 + 1, y1)))
            s = dpi * nr.uniform(0.08, 0.14)
            pts = np.array([(x, y), (x + s * 0.35, y + s * 0.45), (x + s, y - s * 0.6)], np.int32)
            cv2.polylines(img, [pts], False, colour, lw + 1, cv2.LINE_AA)
        elif k == "ring":
            cx = int(nr.integers(x0, max(x0 + 1, x1)))
            cy = int(nr.integers(y0, max(y0 + 1, y1)))
            ax = int(dpi * nr.uniform(0.35, 0.6))
            ay = int(dpi * nr.uniform(0.12, 0.18))
            start = nr.uniform(0, 360)
            cv2.ellipse(
                img, (cx, cy), (ax, ay), nr.uniform(-8, 8), start, start + nr.uniform(330, 380), colour, lw, cv2.LINE_AA
            )
        elif k == "underline":
            if tables:  # along a table's top or bottom ruling, never through a row of digits
                y = int((y0 if nr.random() < 0.5 else y1) + dpi * nr.uniform(-0.02, 0.04))
            else:
                y = int(nr.integers(y0, max(y0 + 1, y1)))
            xa = int(nr.integers(x0, max(x0 + 1, (x0 + x1) // 2)))
            xb = int(min(x1, xa + dpi * nr.uniform(0.8, 2.5)))
            pts = np.array(
                [(xa, y), ((xa + xb) // 2, int(y + nr.normal(0, 2))), (xb, int(y + nr.normal(0, 3)))], np.int32
            )
            cv2.polylines(img, [pts], False, colour, lw, cv2.LINE_AA)
        else:
            text = ["已核", "核对无误", "与上年比?", "数据待核", "见附件", "存档", "复印件"][int(nr.integers(7))]
            size = int(dpi * nr.uniform(0.16, 0.24))
            patch, a = text_image(text, size, colour, nr.uniform(-12, 12))
            spot = free_spot(nr, h, w, a.shape[1], a.shape[0], tables, int(dpi * 0.05))
            if spot is None:
                continue
            blend_ink(img, patch, a, spot[0], spot[1], 0.9)
        kinds.append(k)
    return kinds


def skin_patch(nr: np.random.Generator, length: int, width: int, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """A fingertip/thumb coming in from an edge: a rounded skin-coloured blob with shading; (patch, alpha)."""
    L, W = int(length), int(width)
    size = int(math.hypot(L, W)) + 4
    a = np.zeros((size * 2, size * 2), np.float32)
    c = size
    cv2.ellipse(a, (c, c), (L // 2, W // 2), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    cv2.rectangle(a, (c, c - W // 2), (c + L, c + W // 2), 1.0, -1)
    nail = np.zeros_like(a)
    cv2.ellipse(nail, (c - L // 2 + W // 3, c), (W // 3, int(W * 0.3)), 0, 0, 360, 1.0, -1, cv2.LINE_AA)
    m = cv2.getRotationMatrix2D((c, c), angle, 1.0)
    a = cv2.warpAffine(a, m, a.shape[::-1])
    nail = cv2.warpAffine(nail, m, a.shape[::-1])
    a = cv2.GaussianBlur(a, (0, 0), max(1.0, W / 25))
    tone = np.array([nr.uniform(105, 140), nr.uniform(140, 170), nr.uniform(190, 225)], np.float32)
    shade = cv2.GaussianBlur(a, (0, 0), W / 5)
    patch = np.clip(tone[None, None, :] * (0.6 + 0.4 * shade[..., None]) + 25 * nail[..., None], 0, 255)
    return patch.astype(np.uint8), a


def finger_on_edge(
    img: np.ndarray, nr: np.random.Generator, tables: list[tuple[int, int, int, int]], dpi: int, edge: str
) -> bool:
    """A finger or thumb pressing the page from ``edge`` ('left','right','top','bottom'), clear of the tables."""
    h, w = img.shape[:2]
    L = int(dpi * nr.uniform(0.9, 1.6))
    W = int(dpi * nr.uniform(0.55, 0.8))
    ang = {"left": 180, "right": 0, "top": 90, "bottom": -90}[edge] + nr.uniform(-25, 25)
    patch, a = skin_patch(nr, L, W, ang)
    ph, pw = a.shape
    for _ in range(40):
        if edge in ("left", "right"):
            cx = (0 if edge == "left" else w) + int(nr.uniform(-0.1, 0.1) * L)
            cy = int(nr.uniform(0.1, 0.9) * h)
        else:
            cx = int(nr.uniform(0.1, 0.9) * w)
            cy = (0 if edge == "top" else h) + int(nr.uniform(-0.1, 0.1) * L)
        ys, xs = np.nonzero(a > 0.05)
        box = (
            cx - pw // 2 + int(xs.min()),
            cy - ph // 2 + int(ys.min()),
            cx - pw // 2 + int(xs.max()),
            cy - ph // 2 + int(ys.max()),
        )
        if not overlaps(box, tables, int(dpi * 0.03)):
            blend_ink(img, patch, a, cx - pw // 2, cy - ph // 2, 1.0, multiply=False)
            return True
    return False


def place_on(
    img: np.ndarray,
    bg: np.ndarray,
    nr: np.random.Generator,
    fill: float,
    rot_deg: float,
    keystone: float,
    side: str,
    shift: float = 0.03,
    jitter: float = 0.008,
) -> tuple[np.ndarray, np.ndarray]:
    """The page photographed on ``bg``: scaled to ``fill`` of the frame, turned, keystoned on ``side``.

    Returns (BGR frame, the page's four corners in the frame: tl, tr, br, bl)."""
    h, w = img.shape[:2]
    fh, fw = bg.shape[:2]
    s = min(fw / w, fh / h) * fill
    pw, ph = w * s, h * s
    cx = fw / 2 + nr.uniform(-shift, shift) * fw
    cy = fh / 2 + nr.uniform(-shift, shift) * fh
    rot = np.radians(rot_deg)
    corners = np.array([[-pw / 2, -ph / 2], [pw / 2, -ph / 2], [pw / 2, ph / 2], [-pw / 2, ph / 2]])
    r = np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
    dst = corners @ r.T + [cx, cy] + nr.normal(0, jitter, (4, 2)) * [pw, ph]
    i, j = {"top": (0, 1), "bottom": (3, 2), "left": (0, 3), "right": (1, 2)}[side]
    mid = (dst[i] + dst[j]) / 2
    dst[i] = dst[i] + (mid - dst[i]) * keystone
    dst[j] = dst[j] + (mid - dst[j]) * keystone
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    warped = cv2.warpPerspective(
        img,
        m,
        (fw, fh),
        flags=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_CONSTANT,
        borderValue=0,
    )
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (fw, fh), flags=cv2.INTER_LINEAR)
    mk = (mask.astype(np.float32) / 255)[..., None]
    frame = warped.astype(np.float32) * mk + bg.astype(np.float32) * (1 - mk)
    return np.clip(frame, 0, 255).astype(np.uint8), dst.astype(np.float32)


def rotate_quarter(img: np.ndarray, quarter: int) -> np.ndarray:
    """Turned by ``quarter`` x 90 degrees clockwise (a phone's orientation flag ignored)."""
    q = quarter % 4
    if q == 0:
        return img
    return cv2.rotate(img, {1: cv2.ROTATE_90_CLOCKWISE, 2: cv2.ROTATE_180, 3: cv2.ROTATE_90_COUNTERCLOCKWISE}[q])


def bound_page_box(tables: list[tuple[int, int, int, int]], w: int, h: int) -> tuple[int, int, int, int]:
    """The union of the tables (the whole page when there are none)."""
    if not tables:
        return 0, 0, w, h
    return (min(b[0] for b in tables), min(b[1] for b in tables), max(b[2] for b in tables), max(b[3] for b in tables))
