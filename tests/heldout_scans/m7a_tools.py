"""Drawing and device helpers shared by the m7a_* office and archive families.

Kept apart so the four families (fax, ADF copier, print-and-rescan, filed archive) draw ink,
stamps, handwriting and compression the same way instead of four slightly different copies.
"""

from __future__ import annotations

import itertools
import math
import random
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .base import mm

Box = tuple[int, int, int, int]

_KAI_FONTS = ("/usr/share/fonts/truetype/arphic/ukai.ttc", "/usr/share/fonts/truetype/arphic/gkai00mp.ttf")
_SANS_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)


@lru_cache(maxsize=64)
def cjk_font(size: int, hand: bool) -> ImageFont.FreeTypeFont:
    """A CJK font: a brush-like Kai face for handwriting, a sans face for machine print."""
    for path in (_KAI_FONTS if hand else ()) + _SANS_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    raise FileNotFoundError("no CJK font found for the m7a families' stamps and handwriting")


def text_mask(text: str, size: int, hand: bool, angle: float = 0.0) -> np.ndarray:
    """Float alpha (0..1) of ``text`` rendered at ``size`` px and rotated ``angle`` degrees."""
    font = cjk_font(max(6, size), hand)
    left, top, right, bottom = font.getbbox(text)
    pad = size // 3 + 2
    im = Image.new("L", (right - left + 2 * pad, bottom - top + 2 * pad), 0)
    ImageDraw.Draw(im).text((pad - left, pad - top), text, font=font, fill=255)
    if angle:
        im = im.rotate(angle, resample=Image.BICUBIC, expand=True)
    return np.asarray(im, dtype=np.float32) / 255.0


def ink(
    img: np.ndarray, alpha: np.ndarray, x: int, y: int, colour: tuple[int, int, int], strength: float = 1.0
) -> None:
    """Multiply ``colour`` ink (BGR) into ``img`` in place where ``alpha`` sits at (x, y); clipped to the image."""
    h, w = img.shape[:2]
    ah, aw = alpha.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + aw), min(h, y + ah)
    if x0 >= x1 or y0 >= y1:
        return
    a = alpha[y0 - y : y1 - y, x0 - x : x1 - x] * strength
    region = img[y0:y1, x0:x1].astype(np.float32)
    tint = np.asarray(colour, dtype=np.float32) / 255.0
    if img.ndim == 2:
        tint = np.float32(tint @ np.array([0.114, 0.587, 0.299], dtype=np.float32))
        region *= 1.0 - a * (1.0 - tint)
    else:
        region *= 1.0 - a[..., None] * (1.0 - tint)
    img[y0:y1, x0:x1] = np.clip(region, 0, 255).astype(np.uint8)


def hand_stroke(
    points: list[tuple[float, float]], width: float, shape: tuple[int, int], rng: np.random.Generator
) -> np.ndarray:
    """Alpha of a pen stroke through ``points``: wobbling path, pressure varying along it."""
    pts = np.asarray(points, dtype=np.float64)
    dense: list[np.ndarray] = []
    for a, b in itertools.pairwise(pts):
        n = max(2, int(np.hypot(*(b - a)) / 2))
        t = np.linspace(0, 1, n)[:, None]
        dense.append(a + (b - a) * t)
    path = np.concatenate(dense)
    wobble = np.cumsum(rng.normal(0, 0.25, path.shape), axis=0)
    wobble -= np.linspace(0, 1, len(path))[:, None] * wobble[-1]
    path = path + wobble
    alpha = np.zeros(shape, dtype=np.float32)
    pressure = 0.65 + 0.35 * np.sin(np.linspace(0, math.pi, len(path))) * rng.uniform(0.7, 1.0)
    for (xa, ya), (xb, yb), p in zip(path[:-1], path[1:], pressure[1:], strict=True):
        cv2.line(
            alpha,
            (round(xa * 4), round(ya * 4)),
            (round(xb * 4), round(yb * 4)),
            float(p),
            max(1, round(width * p)),
            cv2.LINE_AA,
            shift=2,
        )
    return alpha


def round_seal(dpi: int, org: str, rng: random.Random) -> np.ndarray:
    """Alpha of a 42 mm round official seal: ring, the body's name round the top, a star, uneven ink."""
    d = mm(dpi, rng.uniform(38, 44))
    r = d // 2
    alpha = np.zeros((d + 8, d + 8), dtype=np.float32)
    c = (r + 4, r + 4)
    cv2.circle(alpha, c, r - 2, 1.0, max(2, mm(dpi, 1.1)), cv2.LINE_AA)
    star = [
        (
            c[0] + r * 0.28 * math.cos(math.pi / 2 + k * 4 * math.pi / 5),
            c[1] - r * 0.28 * math.sin(math.pi / 2 + k * 4 * math.pi / 5),
        )
        for k in range(5)
    ]
    cv2.fillPoly(alpha, [np.round(np.array(star)).astype(np.int32)], 1.0, cv2.LINE_AA)
    name = (org or "人民政府办公室")[:16]
    size = max(8, int(r * 0.26))
    span = math.radians(min(250, 18 * len(name) + 40))
    for k, ch in enumerate(name):
        theta = math.pi / 2 + span / 2 - span * (k + 0.5) / len(name)
        glyph = text_mask(ch, size, hand=False, angle=math.degrees(theta - math.pi / 2))
        gx = c[0] + (r - size * 0.95) * math.cos(theta) - glyph.shape[1] / 2
        gy = c[1] - (r - size * 0.95) * math.sin(theta) - glyph.shape[0] / 2
        _paste_max(alpha, glyph, round(gx), round(gy))
    return alpha * _uneven(alpha.shape, rng)


def _paste_max(alpha: np.ndarray, glyph: np.ndarray, x: int, y: int) -> None:
    h, w = alpha.shape
    gh, gw = glyph.shape
    x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + gw), min(h, y + gh)
    if x0 < x1 and y0 < y1:
        alpha[y0:y1, x0:x1] = np.maximum(alpha[y0:y1, x0:x1], glyph[y0 - y : y1 - y, x0 - x : x1 - x])


def _uneven(shape: tuple[int, int], rng: random.Random) -> np.ndarray:
    """Stamp-pad unevenness: a smooth field from about 0.45 to 1 (one side pressed harder)."""
    g = np.random.default_rng(rng.getrandbits(63))
    small = g.uniform(0.45, 1.0, (6, 6)).astype(np.float32)
    field = cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    tilt = np.linspace(rng.uniform(0.6, 1.0), 1.0, shape[1], dtype=np.float32)[None, :]
    return np.clip(field * tilt, 0.3, 1.0)


def jpeg(img: np.ndarray, quality: int, chroma_420: bool = True) -> np.ndarray:
    """Round trip through baseline JPEG at ``quality`` (4:2:0 chroma like office devices, or 4:4:4)."""
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    if img.ndim == 3 and hasattr(cv2, "IMWRITE_JPEG_SAMPLING_FACTOR"):
        params += [
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR,
            cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if chroma_420 else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444,
        ]
    ok, buf = cv2.imencode(".jpg", img, params)
    if not ok:
        raise RuntimeError("JPEG encoding failed")
    flag = cv2.IMREAD_COLOR if img.ndim == 3 else cv2.IMREAD_GRAYSCALE
    return cv2.imdecode(buf, flag)


def rotate(img: np.ndarray, degrees: float, fill: int | tuple[int, int, int]) -> np.ndarray:
    """Rotate about the centre keeping the size (corners filled with ``fill``, e.g. a lid or backing)."""
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    border = fill if isinstance(fill, tuple) or img.ndim == 2 else (fill, fill, fill)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=border)


def free_spot(
    boxes: list[Box], size: tuple[int, int], area: Box, rng: random.Random, tries: int = 40
) -> tuple[int, int] | None:
    """Top-left corner of a ``size`` (w, h) rectangle inside ``area`` that overlaps no box, or None."""
    w, h = size
    x0, y0, x1, y1 = area
    if x1 - x0 <= w or y1 - y0 <= h:
        return None
    for _ in range(tries):
        x, y = rng.randint(x0, x1 - w), rng.randint(y0, y1 - h)
        if all(x + w <= bx0 or x >= bx1 or y + h <= by0 or y >= by1 for bx0, by0, bx1, by1 in boxes):
            return x, y
    return None


def smooth_field(shape: tuple[int, int], cells: int, lo: float, hi: float, g: np.random.Generator) -> np.ndarray:
    """A smooth random field between ``lo`` and ``hi`` (lighting, paper tone, toner density)."""
    small = g.uniform(lo, hi, (cells, cells)).astype(np.float32)
    return cv2.resize(small, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC).clip(min(lo, hi), max(lo, hi))
