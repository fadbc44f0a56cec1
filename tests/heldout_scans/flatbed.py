"""ho_flatbed: an office flatbed scan of a sheet laid on the glass by hand.

The sheet lies askew and off the registration corner, so one edge runs past the scan area and
the dark lid (or the room, with the lid up) shows where the paper does not cover the glass. The
lamp lights the bed unevenly, the glass has dust on it, and the scanner saves JPEG inside a PDF.
Some pages carry the red seal pressed across a table.
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
    box_corners,
    f32,
    jpeg,
    light_field,
    paper,
    rotate_bound,
    sensor_noise,
    smooth_noise,
    transform_points,
    u8,
)
from .seal import press_seals

BED_MM = (216.0, 297.0)
"""A4/letter flatbed glass."""


def _place(lo: float, hi: float, rng: random.Random, towards: int) -> float:
    """An offset in [lo, hi], pushed to one end when that end is where the sheet hangs over."""
    if hi < lo:
        return (lo + hi) / 2
    t = rng.uniform(0.0, 0.3) if towards < 0 else rng.uniform(0.7, 1.0) if towards > 0 else rng.uniform(0.3, 0.7)
    return lo + (hi - lo) * t


def _dust(img: np.ndarray, g: np.random.Generator, rng: random.Random, dpi: int, avoid: list) -> int:
    """Specks and at times a hair on the glass (never across a table, where it would hide a figure)."""
    h, w = img.shape[:2]
    n = rng.randint(3, 30)
    for _ in range(n):
        x, y = rng.randrange(w), rng.randrange(h)
        r = max(1, round(rng.uniform(0.5, 1.6) * dpi / 200))
        cv2.circle(img, (x, y), r, (rng.uniform(20, 90),) * 3, -1, lineType=cv2.LINE_AA)
    if rng.random() < 0.35:
        for _ in range(10):
            x, y = rng.uniform(0, w), rng.uniform(0, h)
            length = mm(dpi, rng.uniform(8, 30))
            a = rng.uniform(0, 2 * math.pi)
            t = np.linspace(0, 1, 40)
            bend = rng.uniform(-0.3, 0.3)
            xs = x + length * t * np.cos(a + bend * t * 3)
            ys = y + length * t * np.sin(a + bend * t * 3)
            pts = np.c_[xs, ys]
            inside = any(
                ((pts[:, 0] > x0 - 20) & (pts[:, 0] < x1 + 20) & (pts[:, 1] > y0 - 20) & (pts[:, 1] < y1 + 20)).any()
                for x0, y0, x1, y1 in avoid
            )
            if not inside:
                cv2.polylines(img, [np.round(pts * 4).astype(np.int32)], False, (40, 40, 40), 1, cv2.LINE_AA, shift=2)
                break
    return n


class Flatbed(Family):
    name = "ho_flatbed"
    kind = "pdf"
    dpis = (150, 200, 200, 300)
    summary = "hand-placed sheet on an office flatbed: skew, overhang, dark lid, uneven lamp, seal, JPEG-in-PDF"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        h, w = page.shape[:2]
        img = f32(page)
        tint = (rng.uniform(228, 246), rng.uniform(234, 248), rng.uniform(238, 250))
        img = paper(img, g, tint, rng.uniform(1.5, 4.0))

        seals = press_seals(img, page, ctx, rng, table_chance=0.45)

        # the sheet on the glass: rotated, then slid so that one side hangs off the bed
        angle = rng.choice((-1, 1)) * rng.uniform(1.0, 6.0)
        sheet, m = rotate_bound(u8(img), angle, (0, 0, 0))
        cover, _ = rotate_bound(np.full((h, w), 255, np.uint8), angle, 0)
        ink_pts = transform_points(m, box_corners(ink_box(page)))
        bed_w = max(mm(dpi, BED_MM[0]), w + mm(dpi, 6))
        bed_h = max(mm(dpi, BED_MM[1]), h)
        margin = mm(dpi, 3)
        hang = rng.choice(("left", "right", "top", "bottom"))
        ox = _place(
            margin - ink_pts[:, 0].min(),
            bed_w - margin - ink_pts[:, 0].max(),
            rng,
            -1 if hang == "right" else 1 if hang == "left" else 0,
        )
        oy = _place(
            margin - ink_pts[:, 1].min(),
            bed_h - margin - ink_pts[:, 1].max(),
            rng,
            -1 if hang == "bottom" else 1 if hang == "top" else 0,
        )
        shift = np.float32([[1, 0, ox], [0, 1, oy]])
        sheet = f32(cv2.warpAffine(sheet, shift, (bed_w, bed_h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0)))
        alpha = f32(cv2.warpAffine(cover, shift, (bed_w, bed_h), flags=cv2.INTER_LINEAR, borderValue=0)) / 255

        # what the glass sees where there is no paper: a dark lid or the dim room
        lid_open = rng.random() < 0.4
        level = rng.uniform(12, 35) if lid_open else rng.uniform(40, 80)
        bg = level * (0.75 + 0.25 * smooth_noise(bed_h, bed_w, g, 3)) + g.normal(0, 3, (bed_h, bed_w)).astype(
            np.float32
        )
        bg = np.repeat(bg[..., None], 3, axis=2) * np.array([1.05, 1.0, 0.95], np.float32)
        # the sheet's edge lifts a little off the glass and darkens
        edge = cv2.GaussianBlur(alpha, (0, 0), mm(dpi, 1.2))
        sheet = sheet * (0.82 + 0.18 * np.clip((edge - 0.5) * 2, 0, 1))[..., None]
        out = sheet * alpha[..., None] + bg * (1 - alpha[..., None])

        depth = rng.uniform(0.08, 0.24)
        out = apply_gain(out, light_field(bed_h, bed_w, g, depth))
        cast = np.array([rng.uniform(0.93, 1.0), rng.uniform(0.97, 1.0), 1.0], np.float32)
        out = out * cast
        specks = _dust(out, g, rng, dpi, [box_after(b, m, shift) for b in ctx.tables_px])
        sigma = rng.uniform(0.5, 1.0) * dpi / 200
        out = blur(out, sigma)
        noise = rng.uniform(1.5, 4.0)
        out = sensor_noise(out, g, noise, chroma=1.0)
        quality = rng.randint(55, 85)
        out = jpeg(out, quality)
        params = {
            "angle": angle,
            "offset_px": [ox, oy],
            "bed_px": [bed_w, bed_h],
            "overhang": hang,
            "lid_open": lid_open,
            "background": level,
            "light_depth": depth,
            "colour_cast": cast.tolist(),
            "dust": specks,
            "blur": sigma,
            "noise": noise,
            "jpeg": quality,
            "seals": seals,
        }
        return u8(out), params
