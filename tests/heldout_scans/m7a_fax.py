"""ho7_fax: a page that went through a Group 3 fax, as archived by the receiving office.

Many county offices still send reports to the archive or to the level above by fax, and the
archive keeps what came out of the receiving machine. The page is sampled on the fax grid
(1728 dots across 215 mm, 3.85 or 7.7 lines per mm, so pixels are not square), thresholded or
dithered to one bit, stamped with the sender's header line (often printed over the top of the
page), hit by line errors that the decoder hides by repeating the previous line or drops, and
squeezed vertically by the receiver's auto-reduction. It then reaches the archive either as the
received TIFF (lines doubled back to square pixels) or as a thermal print later scanned in grey,
with faded, uneven ink and the white line of a dead print-head element. Readers trained on
isotropic, grey, smoothly-degraded pages meet blocky, stretched, staircase digits here.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, mm, np_rng
from .m7a_tools import jpeg, rotate, smooth_field, text_mask

FAX_DOTS_PER_MM = 1728 / 215.0
LINES_PER_MM = {"standard": 3.85, "fine": 7.7}


class Fax(Family):
    """A fax received and archived: one-bit, non-square lines, header, line errors (see the module)."""

    name = "ho7_fax"
    kind = "tiff"
    dpis = (200, 300)
    summary = "G3 fax: anisotropic 1-bit grid, sender header, line errors, auto-reduction, TIFF or faded thermal print rescanned"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        src = rotate(grey(page), rng.uniform(-1.3, 1.3), 255)
        mode = rng.choices(["fine", "standard"], weights=[0.7, 0.3])[0]
        halftone = mode == "fine" and rng.random() < 0.2  # 'photo' mode switches the machine to fine lines
        fax, drift = _sample_on_fax_grid(src, dpi, LINES_PER_MM[mode], g)
        threshold = rng.randint(120, 170)
        bits = _dither(fax, g) if halftone else np.where(_edge_enhanced(fax) < threshold, 0, 255).astype(np.uint8)
        _sender_header(bits, mode, rng, ctx.org)
        errors = _line_errors(bits, rng.uniform(0.0, 14.0), g)
        reduction = rng.uniform(0.93, 1.0)
        square = _to_square(bits, LINES_PER_MM[mode] * reduction)
        printed = rng.random() < 0.45
        params: dict[str, Any] = {
            "mode": mode,
            "halftone": halftone,
            "threshold": threshold,
            "line_errors": errors,
            "drift": drift,
            "reduction": reduction,
            "printed": printed,
        }
        if not printed:
            return square, params
        out, print_params = _thermal_print_rescanned(square, dpi, rng, g)
        return out, {**params, **print_params}


def _sample_on_fax_grid(
    src: np.ndarray, dpi: int, lines_per_mm: float, g: np.random.Generator
) -> tuple[np.ndarray, float]:
    """Resample the page to 1728 dots by fax lines, the feed speed drifting a little down the page."""
    h, w = src.shape
    px_per_mm = dpi / 25.4
    width_dots = max(1, round(w / px_per_mm * FAX_DOTS_PER_MM))
    n_lines = max(1, round(h / px_per_mm * lines_per_mm))
    drift = float(g.uniform(0.005, 0.02))
    speed = 1.0 + drift * np.sin(np.linspace(0, g.uniform(2, 9), n_lines) + g.uniform(0, 6.3))
    rows = np.cumsum(speed) * (px_per_mm / lines_per_mm)
    rows = (rows - rows[0]).astype(np.float32)
    aperture = (
        max(1, round(px_per_mm / lines_per_mm * 0.8)) | 1
    )  # odd: OpenCV 5.1's blur darkens the right edge at kernel area 2
    smooth = cv2.blur(src, (1, aperture)) if aperture > 1 else src
    cols = np.linspace(0, w - 1, width_dots, dtype=np.float32)
    map_x = np.broadcast_to(cols[None, :], (n_lines, width_dots)).astype(np.float32)
    map_y = np.broadcast_to(rows[:, None], (n_lines, width_dots)).astype(np.float32)
    fax = cv2.remap(smooth, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=255)
    canvas = np.full((n_lines, 1728), 255, dtype=np.uint8)
    x0 = max(0, (1728 - width_dots) // 2)
    take = min(1728, width_dots)
    canvas[:, x0 : x0 + take] = fax[:, :take]
    return canvas, drift


def _edge_enhanced(img: np.ndarray) -> np.ndarray:
    """The 'text' mode's MTF correction: an unsharp mask that keeps hairline strokes above the threshold."""
    f = img.astype(np.float32)
    return np.clip(f + 1.2 * (f - cv2.GaussianBlur(f, (0, 0), 1.5)), 0, 255)


def _dither(img: np.ndarray, g: np.random.Generator) -> np.ndarray:
    """'Photo' mode: a 4x4 Bayer ordered dither after the machine's contrast boost."""
    bayer = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]], dtype=np.float32)
    levels = (bayer + 0.5) / 16 * 255
    h, w = img.shape
    tiled = np.tile(levels, (h // 4 + 1, w // 4 + 1))[:h, :w]
    boosted = np.clip((img.astype(np.float32) - 40) * g.uniform(1.25, 1.5), 0, 255)
    return np.where(boosted < tiled, 0, 255).astype(np.uint8)


def _sender_header(bits: np.ndarray, mode: str, rng: random.Random, org: str) -> None:
    """Stamp the TTI line (date, sender, number, page) across the top, over whatever is there."""
    line_h = 2.6 * LINES_PER_MM[mode]
    number = f"0{rng.randint(310, 990)}-{rng.randint(2000000, 8999999)}"
    text = (
        f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
        f"{rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}   FROM: {org or number}   {number}   P.{rng.randint(1, 9):03d}"
    )
    alpha = text_mask(text, 22, hand=False)
    scale_y = line_h / 22 * 1.25
    alpha = cv2.resize(alpha, (alpha.shape[1], max(4, round(alpha.shape[0] * scale_y))), interpolation=cv2.INTER_AREA)
    y = round(rng.uniform(0.3, 2.5) * LINES_PER_MM[mode])
    x = rng.randint(20, 200)
    h, w = alpha.shape
    h = min(h, bits.shape[0] - y)
    w = min(w, bits.shape[1] - x)
    if h <= 0:  # a page shorter than the header's offset
        return
    region = bits[y : y + h, x : x + w]
    region[:] = 255
    region[alpha[:h, :w] > 0.5] = 0


def _line_errors(bits: np.ndarray, rate: float, g: np.random.Generator) -> int:
    """Noisy-line bursts: the decoder repeats the last good line, blanks it, or loses sync mid-line."""
    n = int(g.poisson(rate))
    h, w = bits.shape
    if h < 9:  # too few lines for a burst
        return 0
    for _ in range(n):
        y = int(g.integers(2, h - 6))
        length = int(g.integers(1, 4))
        kind = g.choice(3, p=[0.6, 0.25, 0.15])
        if kind == 0:
            bits[y : y + length] = bits[y - 1]
        elif kind == 1:
            bits[y : y + length] = 255
        else:
            x = int(g.integers(0, w - 40))
            shift = int(g.integers(5, 60))
            bits[y, x:] = np.roll(bits[y, x:], shift)
    return n


def _to_square(bits: np.ndarray, lines_per_mm: float) -> np.ndarray:
    """The receiving machine's TIFF viewed square: lines repeated (nearest) up to the dot pitch."""
    h, w = bits.shape
    new_h = round(h * FAX_DOTS_PER_MM / lines_per_mm)
    return cv2.resize(bits, (w, new_h), interpolation=cv2.INTER_NEAREST)


def _thermal_print_rescanned(
    bits: np.ndarray, dpi: int, rng: random.Random, g: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """Print on thermal paper (fading, dead element), then a grey flatbed scan at ``dpi``."""
    scale = dpi / (FAX_DOTS_PER_MM * 25.4)
    img = cv2.resize(bits, None, fx=scale, fy=scale, interpolation=cv2.INTER_LINEAR).astype(np.float32)
    img = cv2.GaussianBlur(img, (0, 0), 0.5 * scale + 0.3)
    h, w = img.shape
    density = smooth_field((h, w), 4, rng.uniform(0.5, 0.7), rng.uniform(0.8, 0.95), g)
    paper = rng.uniform(222, 242)
    ink_level = (255 - img) / 255 * density
    img = paper - ink_level * (paper - rng.uniform(25, 60))
    dead = rng.randint(0, 2)
    for _ in range(dead):
        x = rng.randint(w // 10, w - w // 10)
        img[:, x : x + max(1, round(scale))] = paper
    img += g.normal(0, rng.uniform(2, 5), img.shape)
    out = rotate(np.clip(img, 0, 255).astype(np.uint8), rng.uniform(-1.0, 1.0), int(paper) - 20)
    top = mm(dpi, rng.uniform(0, 6))
    out = np.vstack([np.full((top, w), int(paper), np.uint8), out])
    quality = rng.randint(60, 90)
    return jpeg(out, quality), {"print_density": float(density.mean()), "dead_elements": dead, "jpeg": quality}
