"""in7_adf (released by lot for tuning, round 7): a multifunction copier's document feeder scanning a stack to e-mail as JPEG.

The office drops the whole printed report into the MFP's automatic document feeder and picks
"scan to e-mail, auto colour". In the feeder the sensor stands still and the paper moves, so one
speck of dust or correction fluid on the glass becomes a dark (or, on a dirty white-reference,
a light) line through the full page; the rollers skew and slip the sheet, stretching or smearing
bands of it; the colour sensor reads R, G and B at slightly different moments, fringing text;
a duplex-printed sheet shows its back through; the black feeder backing shows round a crooked
sheet that auto-crop missed; a sheet put in the wrong way round comes out upside down; and the
device compresses hard (4:2:0 JPEG), sometimes re-compressed again by the mail gateway.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, mm, np_rng
from .m7a_tools import jpeg, smooth_field


class AdfCopier(Family):
    """A copier's feeder scan to e-mail: full-length dust lines, slips, fringes, JPEG (see the module)."""

    name = "in7_adf"
    kind = "jpg"
    dpis = (150, 200, 300)
    summary = "MFP feeder to JPEG: full-length dust lines, skew/slip bands, RGB fringes, show-through, black backing, upside down"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        img = page.astype(np.float32)
        show = rng.uniform(0.04, 0.13) if rng.random() < 0.6 else 0.0
        if show:
            img = _show_through(img, show, dpi, rng)
        img, slip = _feed(img, dpi, rng, g)
        img = _colour_fringe(img, rng.randint(0, 2), rng.randint(0, 2))
        streaks = _dust_lines(img, dpi, rng)
        img, backing = _skew_on_backing(img, dpi, rng)
        img = _auto_exposure(img, rng, g)
        img += g.normal(0, rng.uniform(1.5, 4.0), img.shape).astype(np.float32)
        out = np.clip(img, 0, 255).astype(np.uint8)
        colour = rng.random() < 0.5
        if not colour:
            out = grey(out)
        upside_down = rng.random() < 0.12
        if upside_down:
            out = cv2.rotate(out, cv2.ROTATE_180)
        qualities = [rng.randint(35, 70)]
        if rng.random() < 0.3:
            qualities.append(rng.randint(50, 80))
        for q in qualities:
            out = jpeg(out, q)
        return out, {
            "show_through": show,
            "slip": slip,
            "streaks": streaks,
            "backing": backing,
            "colour": colour,
            "upside_down": upside_down,
            "jpeg_passes": qualities,
            "jpeg": qualities[-1],
        }


def _show_through(img: np.ndarray, strength: float, dpi: int, rng: random.Random) -> np.ndarray:
    """The back of a duplex sheet: this page mirrored, shifted, blurred by the paper, faintly darkening."""
    back = cv2.flip(img, 1)
    dx, dy = mm(dpi, rng.uniform(-8, 8)), mm(dpi, rng.uniform(-15, 15))
    back = np.roll(back, (dy, dx), axis=(0, 1))
    back = cv2.GaussianBlur(back, (0, 0), dpi / 150 * 1.6)
    return img * (1.0 - strength * (1.0 - back / 255.0))


def _feed(
    img: np.ndarray, dpi: int, rng: random.Random, g: np.random.Generator
) -> tuple[np.ndarray, list[dict[str, float]]]:
    """Roller speed: slow waves of stretch plus a few slips where lines are read twice (a smear)."""
    h, w = img.shape[:2]
    speed = 1.0 + rng.uniform(0.004, 0.025) * np.sin(np.linspace(0, rng.uniform(3, 12), h) + rng.uniform(0, 6.3))
    slips: list[dict[str, float]] = []
    for _ in range(rng.randint(0, 3)):
        y = rng.randint(h // 8, h - h // 8)
        length = mm(dpi, rng.uniform(0.5, 2.0))
        factor = rng.uniform(0.35, 0.7)
        speed[y : y + length] *= factor
        slips.append({"y": y, "length": length, "speed": factor})
    rows = np.cumsum(speed).astype(np.float32) - float(speed[0])
    rows = rows[rows < max(h - 1, 1)]  # a one-row page keeps its row
    map_y = np.broadcast_to(rows[:, None], (len(rows), w)).astype(np.float32)
    map_x = np.broadcast_to(np.arange(w, dtype=np.float32)[None, :], (len(rows), w)).astype(np.float32)
    out = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out, slips


def _colour_fringe(img: np.ndarray, dy_blue: int, dy_red: int) -> np.ndarray:
    """A CIS sensor reads R, G, B lines one after another while the sheet moves: channels misregister."""
    out = img.copy()
    if dy_blue:
        out[dy_blue:, :, 0] = img[:-dy_blue, :, 0]
    if dy_red:
        out[:-dy_red, :, 2] = img[dy_red:, :, 2]
    return out


def _dust_lines(img: np.ndarray, dpi: int, rng: random.Random) -> list[dict[str, Any]]:
    """Specks on the stationary feeder glass: lines through the whole page, dark, coloured or white."""
    w = img.shape[1]
    lines: list[dict[str, Any]] = []
    for _ in range(rng.randint(1, 5)):
        x = rng.randint(0, max(0, w - 4))
        kind = rng.choices(["dark", "white", "tinted"], weights=[0.6, 0.2, 0.2])[0]
        width = rng.randint(1, 3 if dpi >= 300 else 2) if kind != "white" else 1
        if kind == "dark":
            img[:, x : x + width] *= rng.uniform(0.35, 0.8)
        elif kind == "white":
            img[:, x : x + width] = np.maximum(img[:, x : x + width], rng.uniform(200, 250))
        else:
            channel = rng.randint(0, 2)
            img[:, x : x + width, channel] *= rng.uniform(0.3, 0.6)
        lines.append({"x": x, "width": width, "kind": kind})
    return lines


def _skew_on_backing(img: np.ndarray, dpi: int, rng: random.Random) -> tuple[np.ndarray, dict[str, Any]]:
    """The sheet skews against the black feeder backing; auto-crop cuts a box a little off the sheet."""
    angle = rng.uniform(-2.5, 2.5)
    pad = mm(dpi, 6)
    canvas = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=(22, 22, 22))
    ch, cw = canvas.shape[:2]
    m = cv2.getRotationMatrix2D((cw / 2 + rng.uniform(-pad, pad), ch / 2), angle, 1.0)
    canvas = cv2.warpAffine(
        canvas, m, (cw, ch), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(22, 22, 22)
    )
    crop_err = [rng.randint(-pad // 2, pad) for _ in range(4)]
    h, w = img.shape[:2]  # a page smaller than the crop errors keeps at least a pixel of itself
    crop_err = [min(e, (w - 1) // 2 if k % 2 == 0 else (h - 1) // 2) for k, e in enumerate(crop_err)]
    x0, y0 = pad + crop_err[0], pad + crop_err[1]
    x1, y1 = cw - pad - crop_err[2], ch - pad - crop_err[3]
    return canvas[y0:y1, x0:x1], {"angle": angle, "crop": crop_err}


def _auto_exposure(img: np.ndarray, rng: random.Random, g: np.random.Generator) -> np.ndarray:
    """'Text' background removal clips paper to white; without it the lamp falls off across the sheet."""
    if rng.random() < 0.5:
        white = rng.uniform(185, 225)
        return np.clip(img * (255.0 / white), 0, 255)
    lamp = smooth_field(img.shape[:2], 3, rng.uniform(0.82, 0.9), rng.uniform(0.95, 1.0), g)
    return img * lamp[..., None]
