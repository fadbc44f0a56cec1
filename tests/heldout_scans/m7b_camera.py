"""Camera and app building blocks shared by the m7b families (phone, document camera, screen, glass).

Each helper imitates one physical or software step that a picture of a page goes through: the
lens projecting a tilted page, uneven light, the sensor's noise and its denoiser, a messaging app
shrinking and recompressing. Families chain them in their own order; nothing here draws its own
randomness except from the generator handed in.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[int, int, int, int]


def jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    """One JPEG round trip (4:2:0 chroma for colour, as phones and messaging apps save)."""
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def resize_long(img: np.ndarray, long_px: int) -> np.ndarray:
    """Shrink so the longer side is ``long_px`` (an upload limit); never enlarges."""
    h, w = img.shape[:2]
    scale = long_px / max(h, w)
    if scale >= 1.0:
        return img
    return cv2.resize(img, (round(w * scale), round(h * scale)), interpolation=cv2.INTER_AREA)


def smooth_field(h: int, w: int, nrng: np.random.Generator, cells: int) -> np.ndarray:
    """A random field in [-1, 1] that varies over about ``cells`` blobs per side (light, stains)."""
    small = nrng.uniform(-1.0, 1.0, (cells + 1, cells + 1)).astype(np.float32)
    field = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    peak = float(np.abs(field).max()) or 1.0
    return field / peak


def soft(mask: np.ndarray, sigma: float) -> np.ndarray:
    """A wide Gaussian blur of a float mask, done at reduced size (shadows and glare have no fine detail)."""
    h, w = mask.shape[:2]
    k = max(1, int(sigma // 4))
    small = cv2.resize(mask, (max(1, w // k), max(1, h // k)), interpolation=cv2.INTER_AREA)
    small = cv2.GaussianBlur(small, (0, 0), max(sigma / k, 0.5))
    return cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)


def light(img: np.ndarray, gain: np.ndarray) -> np.ndarray:
    """Multiply every channel by a per-pixel illumination ``gain`` (float, HxW)."""
    out = img.astype(np.float32) * (gain[..., None] if img.ndim == 3 else gain)
    return np.clip(out, 0, 255).astype(np.uint8)


def linear_gain(h: int, w: int, angle: float, low: float, high: float) -> np.ndarray:
    """Light falling off across the frame along ``angle`` (a lamp or window on one side)."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    t = (xs / max(w - 1, 1)) * np.cos(angle) + (ys / max(h - 1, 1)) * np.sin(angle)
    t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
    return low + (high - low) * t


def vignette(h: int, w: int, strength: float) -> np.ndarray:
    """Phone lens fall-off: corners darker by up to ``strength``."""
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    r2 = ((xs - w / 2) / (w / 2)) ** 2 + ((ys - h / 2) / (h / 2)) ** 2
    return 1.0 - strength * np.clip(r2 / 2.0, 0, 1)


def sensor_noise(img: np.ndarray, nrng: np.random.Generator, sigma: float) -> np.ndarray:
    """Shot and read noise, stronger in the dark parts as in a small phone sensor."""
    f = img.astype(np.float32)
    scale = sigma * (1.3 - f / 255.0)
    noisy = f + nrng.standard_normal(f.shape).astype(np.float32) * scale
    return np.clip(noisy, 0, 255).astype(np.uint8)


def denoise_smear(img: np.ndarray, strength: int) -> np.ndarray:
    """The phone's noise reduction: edge-keeping smoothing that waxes fine strokes together."""
    if strength <= 0:
        return img
    return cv2.bilateralFilter(img, 5, 20 + 10 * strength, 3)


def unsharp(img: np.ndarray, radius: float, amount: float) -> np.ndarray:
    """The sharpening every phone and app adds; leaves bright halos along strokes."""
    blur = cv2.GaussianBlur(img, (0, 0), radius)
    return cv2.addWeighted(img, 1.0 + amount, blur, -amount, 0)


def white_balance(img: np.ndarray, bgr_gain: tuple[float, float, float]) -> np.ndarray:
    """A colour cast (tungsten lamp, fluorescent tube, tinted glass)."""
    out = img.astype(np.float32) * np.array(bgr_gain, np.float32)
    return np.clip(out, 0, 255).astype(np.uint8)


def background(h: int, w: int, kind: str, nrng: np.random.Generator) -> np.ndarray:
    """What lies around the page in a photo: a wooden desk, trousers on a lap, a dark table, a cork board."""
    base = {
        "wood": (60, 110, 160),
        "jeans": (120, 80, 45),
        "dark": (45, 45, 50),
        "cork": (70, 125, 170),
        "laminate": (200, 205, 205),
    }[kind]
    img = np.empty((h, w, 3), np.float32)
    img[:] = base
    if kind == "wood":
        grain = cv2.resize(nrng.normal(0, 1, (h // 8 + 1, 3)).astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
        img += (18 * grain)[..., None]
    elif kind in ("jeans", "cork"):
        weave = nrng.normal(0, 14 if kind == "jeans" else 22, (h, w)).astype(np.float32)
        img += cv2.GaussianBlur(weave, (0, 0), 1.2)[..., None]
    img += (25 * smooth_field(h, w, nrng, 4))[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def place(page: np.ndarray, canvas: np.ndarray, quad: np.ndarray) -> np.ndarray:
    """Project the page onto ``canvas`` so its corners land on ``quad`` (TL, TR, BR, BL), as a lens does."""
    h, w = page.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    m = cv2.getPerspectiveTransform(src, quad.astype(np.float32))
    ch, cw = canvas.shape[:2]
    warped = cv2.warpPerspective(page, m, (cw, ch), flags=cv2.INTER_AREA)
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (cw, ch), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[..., None]
    return (warped * alpha + canvas * (1.0 - alpha)).astype(np.uint8)


def tilted_quad(w: int, h: int, cw: int, ch: int, fill: float, tilt: tuple[float, float], turn: float) -> np.ndarray:
    """Corners of a ``w``x``h`` page seen by a tilted camera in a ``cw``x``ch`` frame.

    ``fill`` is how much of the frame's height the page takes, ``tilt`` the keystone along x and y
    (fractions: the far edge shorter by that much), ``turn`` the rotation in radians.
    """
    scale = fill * min(ch / h, cw / w)
    hw, hh = w * scale / 2, h * scale / 2
    kx, ky = tilt
    top, bottom = 1 - max(ky, 0.0), 1 - max(-ky, 0.0)
    left, right = 1 - max(kx, 0.0), 1 - max(-kx, 0.0)
    quad = np.float32([[-hw * top, -hh * left], [hw * top, -hh * right], [hw * bottom, hh * right], [-hw * bottom, hh * left]])
    c, s = np.cos(turn), np.sin(turn)
    rot = np.float32([[c, -s], [s, c]])
    return quad @ rot.T + np.float32([cw / 2, ch / 2])


def overlaps(box: Box, boxes: list[Box], pad: int = 0) -> bool:
    """True when ``box`` comes within ``pad`` pixels of any of ``boxes`` (keep marks off the tables)."""
    x0, y0, x1, y1 = box
    return any(x0 < bx1 + pad and bx0 - pad < x1 and y0 < by1 + pad and by0 - pad < y1 for bx0, by0, bx1, by1 in boxes)
