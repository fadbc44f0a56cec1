"""A phone photo of the report posted behind glass on a public notice board (公示栏/政务公开栏).

Disclosure rules make offices post reports on boards in halls and on streets; citizens, journalists
and researchers photograph them there. The camera stands below and to one side (the board hangs
high, the glass reflects straight on), so the page is a strong trapezoid and small at its far edge.
The glass adds what a scanner never sees: the window or ceiling lights reflected as bright washes
over parts of the page, a dim mirror image of the street, a green tint; the sheet is held by
magnets and is often sun-faded, neighbouring notices crowd the frame, and a dim hall means sensor
noise smeared by the phone's denoiser. Contrast is lost unevenly, so a global threshold cannot work.
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np

from . import m7b_camera as cam
from .base import Family, PageFacts, np_rng


def _neighbour_notices(board: np.ndarray, quad: np.ndarray, rng: random.Random) -> int:
    """Other sheets pinned round the report: pale rectangles with grey bars for lines of print."""
    h, w = board.shape[:2]
    x0, x1 = quad[:, 0].min(), quad[:, 0].max()
    spots = [(0, x0 - 10), (x1 + 10, w)]
    n = 0
    for a, b in spots:
        if b - a < w * 0.05:
            continue
        top = rng.randint(0, h // 4)
        bottom = rng.randint(top + h // 3, h)
        left, right = round(a + rng.uniform(0, 0.2) * (b - a)), round(b - rng.uniform(0, 0.2) * (b - a))
        cv2.rectangle(board, (left, top), (right, bottom), (225, 228, 232), -1)
        for y in range(top + 40, bottom - 20, rng.randint(18, 30)):
            cv2.line(board, (left + 20, y), (right - 20 - rng.randint(0, 60), y), (150, 150, 150), rng.randint(3, 6))
        n += 1
    return n


def _reflection(h: int, w: int, rng: random.Random, nrng: np.random.Generator, strength: float) -> np.ndarray:
    """Light added by the glass: a soft window or light strip, plus a blurred mirror of the street."""
    refl = np.zeros((h, w), np.float32)
    for _ in range(rng.randint(1, 3)):  # windows, doorways, ceiling tubes
        cx, cy = rng.uniform(0, w), rng.uniform(0, h)
        bw, bh = rng.uniform(0.1, 0.5) * w, rng.uniform(0.05, 0.4) * h
        rect = np.zeros((h, w), np.float32)
        pts = cv2.boxPoints(((cx, cy), (bw, bh), rng.uniform(-30, 30)))
        cv2.fillPoly(rect, [np.int32(pts)], 1.0)
        refl += cam.soft(rect, max(h, w) * rng.uniform(0.02, 0.06)) * rng.uniform(0.5, 1.0)
    street = np.clip(cam.smooth_field(h, w, nrng, 6), 0, 1) * 0.5
    refl = np.clip(refl + street, 0, 1.2)
    return refl * strength


class Glass(Family):
    name = "ho7_glass"
    kind = "jpg"
    dpis = (200, 250)
    summary = "phone photo of the report on a notice board behind glass: steep angle, reflections, tint, magnets, faded print"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        h, w = page.shape[:2]
        # Sun-faded sheet: ink loses density, paper yellows.
        fade = rng.uniform(0.0, 0.35)
        f = page.astype(np.float32)
        f = 255 - (255 - f) * (1 - fade)
        f *= np.array((rng.uniform(0.85, 0.97), rng.uniform(0.95, 1.0), 1.0), np.float32)
        sheet = np.clip(f, 0, 255).astype(np.uint8)
        for cx, cy in ((w * 0.06, h * 0.03), (w * 0.94, h * 0.03), (w * 0.06, h * 0.97), (w * 0.94, h * 0.97)):
            if rng.random() < 0.8:  # magnets at the corners
                colour = rng.choice(((40, 40, 200), (200, 90, 30), (40, 160, 40), (30, 30, 30)))
                cv2.circle(sheet, (round(cx), round(cy)), round(w * 0.025), colour, -1, cv2.LINE_AA)
        long_px = rng.choice((3000, 4000))
        ch, cw = long_px, round(long_px * 0.75)
        board = cam.background(ch, cw, rng.choice(("cork", "laminate")), nrng)
        fill = rng.uniform(0.72, 0.9)
        tilt = (rng.uniform(-0.22, 0.22), rng.uniform(0.05, 0.25))
        turn = math.radians(rng.uniform(-5, 5))
        quad = cam.tilted_quad(w, h, cw, ch, fill, tilt, turn)
        neighbours = _neighbour_notices(board, quad, rng)
        photo = cam.place(sheet, board, quad)
        # Behind glass: some light lost and tinted green, reflections added on top.
        transmit = rng.uniform(0.75, 0.9)
        strength = rng.uniform(40, 130)
        tinted = photo.astype(np.float32) * transmit * np.array((0.97, 1.0, 0.93), np.float32)
        refl = _reflection(ch, cw, rng, nrng, strength)
        photo = np.clip(tinted + refl[..., None], 0, 255).astype(np.uint8)
        photo = cam.light(photo, cam.vignette(ch, cw, rng.uniform(0.1, 0.35)))
        dim = rng.uniform(0.0, 1.0)
        photo = cam.sensor_noise(photo, nrng, 3 + 9 * dim)
        photo = cam.denoise_smear(photo, round(1 + 2 * dim))
        photo = cam.unsharp(photo, 2.0, rng.uniform(0.3, 0.9))
        forwarded = rng.random() < 0.6
        if forwarded:
            photo = cam.resize_long(photo, rng.choice((1920, 2560)))
        out = cam.jpeg(photo, rng.randint(65, 90))
        return out, {
            "fade": fade, "fill": fill, "tilt": tilt, "turn_deg": math.degrees(turn), "neighbours": neighbours,
            "transmit": transmit, "reflection": strength, "dim": dim, "forwarded": forwarded,
        }
