"""The round official seal (公章) an issuing body stamps over its signature, and at times over a table.

A Chinese government seal is a ring about 42 mm across with a five-pointed star in the middle and
the body's name running clockwise along the upper arc. Stamp-pad ink is translucent and uneven:
pressure falls off to one side, the paper's tooth leaves voids, and the print under it shows through.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .base import PageFacts, mm, np_rng
from .optics import multiply_ink, smooth_noise

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
FALLBACK_NAME = "人民政府办公室"
RED_INKS = ((60, 45, 205), (45, 35, 190), (80, 60, 220), (55, 40, 175))
"""Stamp-pad reds (BGR): fresh, deep, orange-ish, dried."""


@lru_cache(maxsize=1)
def font_path() -> str | None:
    """A CJK font from the apt packages (fonts-arphic-uming, fonts-wqy-*); None draws the seal without text."""
    return next((p for p in FONT_CANDIDATES if Path(p).exists()), None)


@lru_cache(maxsize=32)
def _font(size: int) -> ImageFont.FreeTypeFont | None:
    path = font_path()
    return ImageFont.truetype(path, size) if path else None


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else r * 0.382
        a = -math.pi / 2 + i * math.pi / 5
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def _glyph(ch: str, size: int) -> Image.Image | None:
    font = _font(size)
    if font is None:
        return None
    im = Image.new("L", (size * 2, size * 2), 0)
    ImageDraw.Draw(im).text((size, size), ch, fill=255, font=font, anchor="mm")
    # seal lettering is cut tall and narrow
    return im.resize((round(size * 2 * 0.78), round(size * 2 * 1.08)), Image.BILINEAR)


def seal_shape(diameter: int, text: str, rng: random.Random, lower_text: str = "") -> np.ndarray:
    """The seal's design as coverage 0..1 on a square of side ``diameter`` (+ a small margin)."""
    ss = 2  # supersample: PIL draws without antialiasing
    d = diameter * ss
    side = d + 8 * ss
    c = side / 2
    im = Image.new("L", (side, side), 0)
    draw = ImageDraw.Draw(im)
    ring = max(2 * ss, round(d * rng.uniform(0.03, 0.04)))
    draw.ellipse((c - d / 2, c - d / 2, c + d / 2, c + d / 2), outline=255, width=ring)
    draw.polygon(_star(c, c, d * rng.uniform(0.16, 0.19)), fill=255)
    name = text.strip() or FALLBACK_NAME
    n = len(name)
    span = math.radians(min(270.0, max(160.0, 24.0 * n)))
    inner = d / 2 - ring - d * 0.03
    size = round(min(d * 0.16, 0.9 * (inner - d * 0.08) * span / n))
    radius = inner - size * 0.58
    for i, ch in enumerate(name):
        phi = -span / 2 + span * (i + 0.5) / n
        g = _glyph(ch, size)
        if g is None:
            break
        g = g.rotate(-math.degrees(phi), resample=Image.BILINEAR, expand=True)
        x = c + radius * math.sin(phi) - g.width / 2
        y = c - radius * math.cos(phi) - g.height / 2
        im.paste(255, (round(x), round(y)), g)
    lower_font = _font(round(d * 0.085))
    if lower_text and lower_font is not None:
        draw.text((c, c + d * 0.3), lower_text, fill=255, font=lower_font, anchor="mm")
    shape = np.asarray(im, np.float32) / 255
    return cv2.resize(shape, (side // ss, side // ss), interpolation=cv2.INTER_AREA)


def inked(shape: np.ndarray, rng: random.Random, strength: float) -> np.ndarray:
    """What a real impression leaves: pressure falling off to one side, voids, a little spread."""
    g = np_rng(rng)
    h, w = shape.shape
    ang = rng.uniform(0, 2 * math.pi)
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    ramp = ((xs - w / 2) * math.cos(ang) + (ys - h / 2) * math.sin(ang)) / (w / 2)
    pressure = np.clip(1 - rng.uniform(0.1, 0.45) * (ramp + 1) / 2, 0, 1)
    blotch = 0.7 + 0.3 * smooth_noise(h, w, g, 7)
    tooth = cv2.GaussianBlur(g.random((h, w)).astype(np.float32), (0, 0), 0.7)
    voids = np.where(tooth > rng.uniform(0.56, 0.62), rng.uniform(0.2, 0.5), 1.0).astype(np.float32)
    spread = cv2.GaussianBlur(shape, (0, 0), rng.uniform(0.4, 0.9))
    return np.clip(spread * pressure * blotch * voids * strength, 0, 1).astype(np.float32)


def stamp(
    img: np.ndarray, centre: tuple[int, int], dpi: int, org: str, rng: random.Random, colour: tuple[int, int, int]
) -> dict:
    """Stamp a seal centred at ``centre`` on a float BGR page in place; returns what was done."""
    diameter = mm(dpi, rng.uniform(40, 45))
    lower = rng.choice(["", "", "", "政务公开专用章"])
    shape = seal_shape(diameter, org, rng, lower)
    angle = rng.uniform(-18, 18)
    h, w = shape.shape
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    shape = cv2.warpAffine(shape, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    strength = rng.uniform(0.7, 0.95)
    cover = inked(shape, rng, strength)
    multiply_ink(img, cover, colour, centre[0] - w // 2, centre[1] - h // 2)
    return {"centre": list(centre), "diameter_px": diameter, "angle": angle, "strength": strength}


def signature_spot(page: np.ndarray, dpi: int, rng: random.Random) -> tuple[int, int]:
    """Where the seal goes on the last page: right of centre, over the last lines of the text (the
    issuing body's name and date when the report is signed); the footer's page number does not count."""
    g = page if page.ndim == 2 else cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    h, w = g.shape
    body = (g[: int(h * 0.9)] < 200).any(axis=1)
    rows = np.nonzero(body)[0]
    last_row = int(rows.max()) if len(rows) else int(h * 0.7)
    cx = round(w * rng.uniform(0.62, 0.76))
    cy = last_row + rng.randint(-mm(dpi, 14), mm(dpi, 4))
    return cx, max(mm(dpi, 30), min(cy, h - mm(dpi, 25)))


def press_seals(
    img: np.ndarray, page: np.ndarray, ctx: PageFacts, rng: random.Random, table_chance: float
) -> list[dict]:
    """The seal over the signature on the last page and, with ``table_chance``, one pressed across a
    table, in the same pad's ink; stamped on the float BGR ``img`` in place."""
    seals = []
    ink = RED_INKS[rng.randrange(len(RED_INKS))]
    if ctx.last:
        seals.append(
            {"where": "signature", **stamp(img, signature_spot(page, ctx.dpi, rng), ctx.dpi, ctx.org, rng, ink)}
        )
    if ctx.tables_px and rng.random() < table_chance:
        box = ctx.tables_px[rng.randrange(len(ctx.tables_px))]
        seals.append({"where": "table", **stamp(img, table_spot(box, rng), ctx.dpi, ctx.org, rng, ink)})
    return seals


def table_spot(box: tuple[int, int, int, int], rng: random.Random) -> tuple[int, int]:
    """A point inside a table, away from its very edge, for a seal pressed across figures."""
    x0, y0, x1, y1 = box
    return (round(x0 + (x1 - x0) * rng.uniform(0.35, 0.9)), round(y0 + (y1 - y0) * rng.uniform(0.15, 0.85)))
