"""A hand-held phone photo of a printed page, run through a scanning app (CamScanner-style).

Offices now "scan" with a phone: the page lies on a desk or on someone's lap, the phone is tilted,
its own shadow falls across the sheet, and the app then guesses the page's corners, straightens it
and applies a filter ("enhance", "B&W", "grey"). What reaches an archive is the app's output, not
the photo: the corner guess is a few millimetres off (a wedge of desk left along one side, a keystone
left in), the B&W filter turns the shadow's edge into grey blotches and breaks thin strokes, the
enhance filter over-sharpens, and a watermark sits in a corner. Some users save a page sideways
(the phone's orientation flag lost on upload). This matters because every step is adaptive: the
damage depends on where the shadow fell, not on one global setting.
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np

from . import m7b_camera as cam
from .base import Family, PageFacts, grey, mm, np_rng

FILTERS = ("original", "enhance", "bw", "grey")
SURFACES = ("wood", "jeans", "dark", "laminate")


def _shadow(h: int, w: int, rng: random.Random, depth: float) -> np.ndarray:
    """The soft shadow of the phone and hand: a blurred polygon entering from one edge."""
    mask = np.zeros((h, w), np.uint8)
    side = rng.choice(("top", "right", "bottom", "left"))
    reach = rng.uniform(0.2, 0.55)
    a, b = sorted((rng.uniform(0.0, 1.0), rng.uniform(0.0, 1.0)))
    b = max(b, a + 0.3)
    pts = {
        "top": [(a * w, 0), (b * w, 0), ((b - 0.1) * w, reach * h), ((a + 0.05) * w, reach * h * 0.8)],
        "bottom": [(a * w, h), (b * w, h), ((b - 0.1) * w, (1 - reach) * h), ((a + 0.05) * w, (1 - reach * 0.8) * h)],
        "left": [(0, a * h), (0, b * h), (reach * w, (b - 0.1) * h), (reach * w * 0.8, (a + 0.05) * h)],
        "right": [(w, a * h), (w, b * h), ((1 - reach) * w, (b - 0.1) * h), ((1 - reach * 0.8) * w, (a + 0.05) * h)],
    }[side]
    cv2.fillPoly(mask, [np.int32(pts)], 255)
    soft = cam.soft(mask.astype(np.float32) / 255.0, max(h, w) * rng.uniform(0.01, 0.04))
    return 1.0 - depth * soft


def _app_filter(img: np.ndarray, name: str, rng: random.Random) -> tuple[np.ndarray, dict[str, Any]]:
    """The app's look: flatten the light by dividing by a blurred copy, then its own contrast rule."""
    if name == "original":
        return cam.unsharp(img, 1.5, rng.uniform(0.2, 0.6)), {}
    g = grey(img)
    bg_sigma = max(img.shape[:2]) * rng.uniform(0.01, 0.03)
    if name == "enhance":
        f = img.astype(np.float32)
        bgd = cam.soft(cv2.dilate(img, np.ones((7, 7), np.uint8)).astype(np.float32), bg_sigma)
        flat = np.clip(f / np.maximum(bgd, 1) * 255.0, 0, 255)
        gamma = rng.uniform(1.3, 2.0)
        out = (255.0 * (flat / 255.0) ** gamma).astype(np.uint8)
        hsv = cv2.cvtColor(out, cv2.COLOR_BGR2HSV).astype(np.float32)
        hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(1.3, 2.0), 0, 255)
        out = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)
        amount = rng.uniform(0.6, 1.5)
        return cam.unsharp(out, 2.0, amount), {"gamma": gamma, "sharpen": amount}
    if name == "grey":
        lo, hi = np.percentile(g, (rng.uniform(0.5, 3.0), rng.uniform(88, 97)))
        out = np.clip((g.astype(np.float32) - lo) / max(hi - lo, 1) * 255.0, 0, 255).astype(np.uint8)
        return out, {"stretch": [lo, hi]}
    block = 2 * round(max(img.shape[:2]) * rng.uniform(0.006, 0.02)) + 1
    offset = rng.uniform(6, 16)
    bw = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, offset)
    return bw, {"block": block, "offset": offset}


class ScanApp(Family):
    name = "in7_scanapp"
    kind = "jpg"
    dpis = (200, 300)
    summary = "phone photo on a desk or lap, auto-cropped and filtered by a scanning app (enhance/B&W/grey), corner guess off"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        h, w = page.shape[:2]
        # The photo: a 4:3 frame a little larger than the page, page tilted and turned.
        long_px = rng.choice((3000, 3264, 4000))
        ch, cw = long_px, round(long_px * 0.75)
        surface = rng.choice(SURFACES)
        fill = rng.uniform(0.78, 0.93)
        tilt = (rng.uniform(-0.08, 0.08), rng.uniform(-0.02, 0.14))
        turn = math.radians(rng.uniform(-7, 7))
        quad = cam.tilted_quad(w, h, cw, ch, fill, tilt, turn)
        photo = cam.place(page, cam.background(ch, cw, surface, nrng), quad)
        depth = rng.uniform(0.15, 0.5)
        gain = cam.linear_gain(ch, cw, rng.uniform(0, 2 * math.pi), rng.uniform(0.7, 0.9), 1.0)
        gain *= _shadow(ch, cw, rng, depth) * cam.vignette(ch, cw, rng.uniform(0.05, 0.2))
        photo = cam.light(photo, gain)
        cast = (rng.uniform(0.8, 1.0), rng.uniform(0.93, 1.0), rng.uniform(1.0, 1.08))
        photo = cam.white_balance(photo, cast)
        photo = cam.denoise_smear(cam.sensor_noise(photo, nrng, rng.uniform(3, 10)), rng.randint(0, 2))
        photo = cam.jpeg(photo, rng.randint(80, 94))
        # The app's corner guess: each corner off by up to a few millimetres, in or out of the page.
        px_per_mm = fill * min(ch / h, cw / w) * ctx.dpi / 25.4
        err = rng.uniform(1.0, 6.0) * px_per_mm
        guess = quad + nrng.uniform(-err, err, (4, 2)).astype(np.float32)
        out_w = rng.choice((1240, 1654, 2480))
        out_h = round(out_w * h / w)
        m = cv2.getPerspectiveTransform(guess, np.float32([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]]))
        flat = cv2.warpPerspective(photo, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        filt = rng.choice(FILTERS)
        out, filt_params = _app_filter(flat, filt, rng)
        watermark = rng.random() < 0.5
        if watermark:
            scale = out_w / 1240 * 0.6
            colour = 150 if out.ndim == 2 else (150, 150, 150)
            cv2.putText(out, "Scanned with CamScanner", (out_w - round(330 * scale / 0.6), out_h - mm(round(out_w / 8.27), 5)),
                        cv2.FONT_HERSHEY_SIMPLEX, scale, colour, max(1, round(scale * 2)), cv2.LINE_AA)
        sideways = rng.random() < 0.15
        if sideways:
            out = cv2.rotate(out, rng.choice((cv2.ROTATE_90_CLOCKWISE, cv2.ROTATE_90_COUNTERCLOCKWISE)))
        out = cam.jpeg(out, rng.randint(55, 85))
        return out, {
            "surface": surface, "fill": fill, "tilt": tilt, "turn_deg": math.degrees(turn), "shadow": depth,
            "cast": cast, "corner_error_mm": err / px_per_mm, "out_width": out_w, "filter": filt,
            **filt_params, "watermark": watermark, "sideways": sideways,
        }
