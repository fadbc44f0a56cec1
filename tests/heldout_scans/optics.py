"""Physical effects shared by the families: light fields, paper, sensor noise, blur, compression.

Images are float32 in 0..255 while they are worked on (so several multiplicative effects do
not round away) and uint8 at the end.
"""

from __future__ import annotations

import math

import cv2
import numpy as np


def f32(img: np.ndarray) -> np.ndarray:
    return img.astype(np.float32)


def u8(img: np.ndarray) -> np.ndarray:
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)


def smooth_noise(h: int, w: int, g: np.random.Generator, cells: float) -> np.ndarray:
    """Low-frequency noise in about -1..1 with roughly ``cells`` blobs across the longer side."""
    n = max(2.0, cells)
    gh = max(2, round(n * h / max(h, w)) + 1)
    gw = max(2, round(n * w / max(h, w)) + 1)
    small = g.standard_normal((gh, gw)).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return field / max(1e-6, float(np.abs(field).max()))


def gradient(h: int, w: int, angle: float) -> np.ndarray:
    """0..1 ramp across the image in direction ``angle`` (radians)."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    d = xs * math.cos(angle) + ys * math.sin(angle)
    d -= d.min()
    return d / max(1e-6, float(d.max()))


def light_field(h: int, w: int, g: np.random.Generator, depth: float, blobs: float = 0.4) -> np.ndarray:
    """Multiplicative illumination in [1 - depth, 1]: a tilt plus soft patches."""
    ramp = gradient(h, w, float(g.uniform(0, 2 * math.pi)))
    patches = (smooth_noise(h, w, g, 3) + 1) / 2
    shade = (1 - blobs) * ramp + blobs * patches
    shade = (shade - shade.min()) / max(1e-6, float(shade.max() - shade.min()))
    return (1 - depth * shade).astype(np.float32)


def apply_gain(img: np.ndarray, gain: np.ndarray) -> np.ndarray:
    return img * (gain[..., None] if img.ndim == 3 and gain.ndim == 2 else gain)


def paper(img: np.ndarray, g: np.random.Generator, tint: tuple[float, float, float], grain: float) -> np.ndarray:
    """Put the print on real paper: tinted, not perfectly white, with fibre grain (multiplies)."""
    h, w = img.shape[:2]
    fibre = g.normal(0, grain, (h, w)).astype(np.float32)
    fibre = cv2.GaussianBlur(fibre, (0, 0), 0.8)
    mottle = smooth_noise(h, w, g, 12) * grain * 0.8
    base = (1 + (fibre + mottle) / 255)[..., None] * np.array(tint, np.float32)[None, None, :] / 255
    return img * base


def sensor_noise(img: np.ndarray, g: np.random.Generator, sigma: float, chroma: float = 0.0) -> np.ndarray:
    """Shot-like noise: stronger in dark areas is ignored (scanner noise is nearly flat)."""
    h, w = img.shape[:2]
    out = img + g.normal(0, sigma, (h, w) if img.ndim == 2 else (h, w, 1)).astype(np.float32)
    if chroma > 0 and img.ndim == 3:
        c = g.normal(0, chroma, (h // 2 + 1, w // 2 + 1, 3)).astype(np.float32)
        out = out + cv2.resize(c, (w, h), interpolation=cv2.INTER_LINEAR)
    return out


def blur(img: np.ndarray, sigma: float) -> np.ndarray:
    return cv2.GaussianBlur(img, (0, 0), sigma) if sigma > 0.05 else img


def sharpen(img: np.ndarray, sigma: float, amount: float) -> np.ndarray:
    """Unsharp mask, as phone and scanner firmware apply it (halos at strokes)."""
    return img + amount * (img - cv2.GaussianBlur(img, (0, 0), sigma))


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", u8(img), [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return f32(cv2.imdecode(buf, cv2.IMREAD_UNCHANGED))


def tone(img: np.ndarray, black: float, white: float, gamma: float = 1.0) -> np.ndarray:
    """Levels: ``black`` and darker -> 0, ``white`` and lighter -> 255, gamma on the rest."""
    x = np.clip((img - black) / max(1.0, white - black), 0, 1)
    return 255 * x**gamma


def rotate_bound(img: np.ndarray, degrees: float, border: float | tuple[float, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Rotate without clipping; returns the image and the 2x3 matrix used."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    c, s = abs(m[0, 0]), abs(m[0, 1])
    nw, nh = int(h * s + w * c + 1), int(h * c + w * s + 1)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    out = cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=border)
    return out, m


def transform_points(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    pts = np.asarray(pts, np.float64).reshape(-1, 2)
    if m.shape == (2, 3):
        return pts @ m[:, :2].T + m[:, 2]
    p = np.c_[pts, np.ones(len(pts))] @ m.T
    return p[:, :2] / p[:, 2:3]


def box_corners(box: tuple[float, float, float, float]) -> np.ndarray:
    x0, y0, x1, y1 = box
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float64)


def box_after(box: tuple[float, float, float, float], *matrices: np.ndarray) -> tuple[int, int, int, int]:
    """Axis-aligned bounds of ``box`` carried through affine (2x3) or perspective (3x3) maps in turn."""
    pts = box_corners(box)
    for m in matrices:
        pts = transform_points(m, pts)
    return int(pts[:, 0].min()), int(pts[:, 1].min()), math.ceil(pts[:, 0].max()), math.ceil(pts[:, 1].max())


def composite(fg: np.ndarray, bg: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    a = alpha[..., None] if fg.ndim == 3 else alpha
    return fg * a + bg * (1 - a)


def multiply_ink(img: np.ndarray, cover: np.ndarray, colour: tuple[float, float, float], x: int, y: int) -> None:
    """Lay translucent ink (``cover`` 0..1) of ``colour`` (BGR) on ``img`` at top-left (x, y), in place.

    Ink is subtractive: what is under it stays visible and dark print stays dark.
    """
    h, w = img.shape[:2]
    ch, cw = cover.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + cw), min(h, y + ch)
    if x0 >= x1 or y0 >= y1:
        return
    a = cover[y0 - y : y1 - y, x0 - x : x1 - x][..., None]
    absorb = 1 - np.array(colour, np.float32)[None, None, :] / 255
    region = img[y0:y1, x0:x1]
    if img.ndim == 2:
        lum = float(np.dot(absorb[0, 0], (0.114, 0.587, 0.299)))
        img[y0:y1, x0:x1] = region * (1 - a[..., 0] * lum)
    else:
        img[y0:y1, x0:x1] = region * (1 - a * absorb)


def desk(h: int, w: int, g: np.random.Generator, kind: str) -> np.ndarray:
    """A surface a page is photographed on: wood, a dark cloth or a grey office desk (BGR float)."""
    if kind == "wood":
        base = np.array(g.choice([(60, 100, 150), (40, 70, 110), (90, 130, 170)]), np.float32)
        fibres = cv2.resize(
            g.normal(0, 1, (h, max(2, w // 60))).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR
        )
        fibres = cv2.GaussianBlur(fibres, (0, 0), 0.8)
        ys = np.arange(h, dtype=np.float32)[:, None]
        figure = np.sin((ys + smooth_noise(h, w, g, 4) * h * 0.05) / (h * float(g.uniform(0.02, 0.06))))
        shade = 0.8 + 0.07 * fibres + 0.08 * figure + 0.05 * smooth_noise(h, w, g, 3)
        out = base[None, None, :] * shade[..., None]
        if g.random() < 0.5:  # the joint between two boards
            y = int(g.integers(h // 5, 4 * h // 5))
            out[y : y + max(2, h // 500)] *= 0.55
    elif kind == "cloth":
        base = np.array(g.choice([(45, 40, 38), (70, 50, 35), (30, 35, 45)]), np.float32)
        weave = g.normal(0, 6, (h, w)).astype(np.float32)
        out = base[None, None, :] + (weave + smooth_noise(h, w, g, 5) * 10)[..., None]
    else:
        base = np.array(g.choice([(150, 150, 145), (120, 125, 130), (185, 185, 180)]), np.float32)
        out = base[None, None, :] * (0.9 + 0.1 * smooth_noise(h, w, g, 3))[..., None]
        out = out + g.normal(0, 3, (h, w, 1)).astype(np.float32)
    return out.astype(np.float32)
