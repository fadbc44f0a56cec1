"""ho_copy: a worn office photocopy (sometimes a copy of a copy), scanned in grey for the archive.

A copier is a scanner and a laser printer in one box. Each generation it reads the sheet (a
little askew, a little reduced), pushes the contrast with its darkness setting, and prints with
toner: density falls off in patches and in streaks along the paper path where the drum is worn,
hairline table rulings (thinner than any text stroke) fade and break first, broad greys (the red
seal) come out as a halftone screen, loose toner fogs the background, and the area of the glass the original did not cover prints dark. The last
copy is then scanned in grey at 150-300 dpi and stored as PNG.
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, ink_box, mm, np_rng
from .optics import (
    apply_gain,
    blur,
    box_after,
    f32,
    light_field,
    paper,
    sensor_noise,
    smooth_noise,
    u8,
)
from .seal import press_seals


def _broad_grey(dark: np.ndarray) -> np.ndarray:
    """Grey areas wider than a stroke edge (a seal's ink, a shaded cell): what a copier's text/photo
    separation treats as picture. Anti-aliased edges and hairlines are too thin to count."""
    greyish = ((dark > 0.12) & (dark < 0.85)).astype(np.uint8)
    k = np.ones((3, 3), np.uint8)
    return cv2.dilate(cv2.erode(greyish, k), k).astype(bool)


def _screen(dark: np.ndarray, broad: np.ndarray, dpi: int, lpi: float, angle: float) -> np.ndarray:
    """Clustered-dot halftone of the ``broad`` grey areas of a darkness image (0 paper .. 1 black).

    Computed finer than the page and averaged back, as the next scan sees it: mottle and moire
    rather than clean dots. Text stays continuous, as a copier's text mode keeps it.
    """
    h, w = dark.shape
    if not broad.any():
        return dark
    ss = max(1, round(400 / dpi))
    k = 2 * math.pi / (dpi * ss / lpi)
    c, s = math.cos(angle) * k, math.sin(angle) * k
    x = np.arange(w * ss, dtype=np.float32)[None, :]
    y = np.arange(h * ss, dtype=np.float32)[:, None]
    # cos(u) + cos(v) with u = cx + sy, v = -sx + cy, from 1-D factors
    spot = np.cos(c * x) * np.cos(s * y) - np.sin(c * x) * np.sin(s * y)
    spot += np.cos(s * x) * np.cos(c * y) + np.sin(s * x) * np.sin(c * y)
    spot = spot * 0.25 + 0.5
    big = cv2.resize(dark, (w * ss, h * ss), interpolation=cv2.INTER_LINEAR) if ss > 1 else dark
    dots = (big > spot).astype(np.float32)
    del spot, big
    dots = cv2.resize(dots, (w, h), interpolation=cv2.INTER_AREA) if ss > 1 else dots
    return np.where(broad, dots, dark).astype(np.float32)


def _fade_rulings(dark: np.ndarray, rng: random.Random, g: np.random.Generator, dpi: int) -> float:
    """Hairline rulings lose toner first: long straight thin lines of a darkness image are
    lightened, unevenly along their length, in place; returns how much."""
    ink = (dark > 0.35).astype(np.uint8)
    span = mm(dpi, 12)
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, span), np.uint8)) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, np.ones((span, 1), np.uint8)
    )
    if not lines.any():
        return 0.0
    h, w = dark.shape
    strength = rng.uniform(0.4, 0.85)
    keep = 1 - strength * np.clip(0.6 + 0.6 * smooth_noise(h, w, g, 25), 0, 1)
    np.copyto(dark, dark * keep, where=lines.astype(bool))
    return strength


def _generation(
    lum: np.ndarray, rng: random.Random, g: np.random.Generator, dpi: int, keep: tuple[int, int, int, int]
) -> tuple[np.ndarray, dict, tuple[int, int, int, int]]:
    """One pass through the copier; ``keep`` is the printed area, which must stay on the sheet."""
    h, w = lum.shape
    # the original on the glass: a little askew and shifted; the copy is on a fresh sheet
    angle = rng.uniform(-1.3, 1.3)
    scale = rng.uniform(0.97, 1.0)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
    kx0, ky0, kx1, ky1 = box_after(keep, m)
    dx = rng.uniform(max(-kx0 + mm(dpi, 4), -mm(dpi, 6)), min(w - kx1 - mm(dpi, 4), mm(dpi, 6)))
    dy = rng.uniform(max(-ky0 + mm(dpi, 4), -mm(dpi, 6)), min(h - ky1 - mm(dpi, 4), mm(dpi, 6)))
    m[:, 2] += (dx, dy)
    beyond = rng.uniform(20, 90) if rng.random() < 0.6 else rng.uniform(150, 200)  # lid open: dark; closed: grey
    read = cv2.warpAffine(lum, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=beyond)
    read = blur(read, rng.uniform(0.25, 0.5))

    # text/photo separation: text is pushed to solid black; broad greys (the seal) keep their tone
    # and are screened; the paper is dropped to white
    floor, push = rng.uniform(0.05, 0.14), rng.uniform(2.0, 4.0)
    dark = np.clip((1 - read / 255 - floor) / (1 - floor), 0, 1)
    broad = _broad_grey(dark)
    dark = np.where(broad, dark, (1 - np.exp(-push * dark)) / (1 - math.exp(-push))).astype(np.float32)
    faded = _fade_rulings(dark, rng, g, dpi)
    lpi = rng.uniform(85, 133)
    dark = _screen(dark, broad, dpi, lpi, math.radians(rng.choice((45, 15, 75))))

    # toner laid down unevenly: patches, and streaks along the paper path (down the page)
    patches = 1 - rng.uniform(0.1, 0.3) * (smooth_noise(h, w, g, 5) + 1) / 2
    bands = 1 - rng.uniform(0.03, 0.15) * (smooth_noise(1, w, g, 40)[0] + 1) / 2
    side = rng.uniform(0.0, 0.45)  # the cartridge runs dry at one end of the drum: one side of the page pales
    ramp = np.linspace(0, 1, w, dtype=np.float32) ** 1.5
    across = 1 - side * (ramp if rng.random() < 0.5 else ramp[::-1])
    density = patches * (bands * across)[None, :]
    streaks = []
    for _ in range(rng.randint(0, 2)):
        sx, sw = rng.randrange(w), rng.randint(1, max(1, mm(dpi, 0.6)))
        density[:, sx : sx + sw] *= rng.uniform(0.5, 0.75)
        streaks.append(sx)
    dark = dark * density
    fog = rng.uniform(0.03, 0.16)
    grit = cv2.GaussianBlur(g.random((h, w), dtype=np.float32), (0, 0), 0.8)
    grit = np.clip((grit - 0.5) * 6, 0, 1)  # clumps of loose toner, not a flat grey
    dark = np.maximum(dark, fog * (0.6 + 0.4 * smooth_noise(h, w, g, 8)) * (0.4 + 1.2 * grit))
    printed = blur(255 * (1 - dark), rng.uniform(0.3, 0.6))

    # loose toner specks
    n = int(h * w * rng.uniform(5e-6, 4e-5))
    ys, xs = g.integers(0, h, n), g.integers(0, w, n)
    sizes = g.integers(1, max(2, round(dpi / 150)), n)
    for x0, y0, r in zip(xs.tolist(), ys.tolist(), sizes.tolist(), strict=True):
        cv2.circle(printed, (x0, y0), r, float(g.uniform(40, 150)), -1)
    params = {
        "angle": angle,
        "scale": scale,
        "shift_px": [dx, dy],
        "beyond_original": beyond,
        "ruling_fade": faded,
        "paper_floor": floor,
        "contrast_push": push,
        "streaks": streaks,
        "fog": fog,
        "pale_side": side,
        "lpi": lpi,
        "specks": n,
    }
    return printed, params, box_after(keep, m)


class Photocopy(Family):
    name = "ho_copy"
    kind = "png"
    dpis = (150, 200, 200, 300)
    summary = "worn photocopy, 1-2 generations: uneven toner, faded rulings, fog, halftoned grey seals; grey scan"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        h, w = page.shape[:2]
        img = paper(f32(page), g, (rng.uniform(232, 248), rng.uniform(236, 250), rng.uniform(240, 252)), 2.0)
        seals = press_seals(img, page, ctx, rng, table_chance=0.45)
        lum = cv2.cvtColor(u8(img), cv2.COLOR_BGR2GRAY).astype(np.float32)
        keep = ink_box(page)
        gens = []
        for _ in range(2 if rng.random() < 0.45 else 1):
            lum, params, keep = _generation(lum, rng, g, dpi, keep)
            gens.append(params)
        # the archive's grey scan of the last copy
        depth = rng.uniform(0.04, 0.12)
        lum = apply_gain(lum, light_field(h, w, g, depth))
        lum = blur(lum, rng.uniform(0.4, 0.8) * dpi / 200)
        noise = rng.uniform(1.5, 3.5)
        lum = sensor_noise(lum, g, noise)
        return u8(lum), {"generations": gens, "scan_light_depth": depth, "scan_noise": noise, "seals": seals}
