"""A report that was never printed: a screenshot or a phone photo of a PDF viewer on a screen.

Reports reach archives and petitions as pictures of a screen: a desktop screenshot of the viewer
(toolbar, grey backdrop, thumbnail sidebar with tiny copies of the pages), a phone "long
screenshot" with the status bar and the app's buttons, or a phone photo of the monitor. Screens
show pages at 100-150 dpi with coloured ClearType fringes, often in the "eye-care" green (护眼模式)
or a dark night mode that inverts the page; a photo of a monitor adds moiré from the pixel grid, a
tilt, and glare. The picture is then forwarded through a messaging app that recompresses it.
Nothing here was ever paper: low resolution, inverted or tinted grounds and interface clutter are
the damage, and the thumbnails are small tables that are not the report's tables.
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np

from . import m7b_camera as cam
from .base import Family, PageFacts, np_rng

MODES = ("desktop", "phone_long", "monitor_photo")
THEMES = ("plain", "eyecare", "night")
VIEWER_GREY = (89, 86, 82)  # BGR of a typical PDF viewer's backdrop


def _theme(page: np.ndarray, theme: str) -> np.ndarray:
    """Recolour the page as the viewer shows it: eye-care green paper, or night mode (inverted)."""
    if theme == "eyecare":
        f = page.astype(np.float32) / 255.0
        paper = np.array((204, 237, 199), np.float32)  # #C7EDCC, the usual 护眼 green
        return (f * paper).astype(np.uint8)
    if theme == "night":
        inv = 255 - page
        return np.clip(inv.astype(np.float32) * 0.85 + 28, 0, 255).astype(np.uint8)
    return page


def _cleartype(img: np.ndarray, shift: float) -> np.ndarray:
    """Sub-pixel text rendering: red and blue drawn a third of a pixel apart, coloured fringes."""
    h, w = img.shape[:2]
    out = img.copy()
    for ch, dx in ((2, shift), (0, -shift)):
        m = np.float32([[1, 0, dx], [0, 1, 0]])
        out[..., ch] = cv2.warpAffine(img[..., ch], m, (w, h), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out


def _desktop(page: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict[str, Any]]:
    """A viewer window: toolbar on top, thumbnail sidebar at the left, grey backdrop round the page."""
    h, w = page.shape[:2]
    bar = rng.randint(36, 60)
    side = rng.choice((0, rng.randint(150, 220)))
    gap = rng.randint(20, 120)
    H, W = h + bar + 2 * 12, side + w + 2 * gap
    screen = np.empty((H, W, 3), np.uint8)
    screen[:] = VIEWER_GREY
    screen[:bar] = (rng.randint(40, 60),) * 3 if rng.random() < 0.5 else (240, 240, 240)
    for i in range(rng.randint(6, 12)):  # toolbar buttons
        x = 12 + i * rng.randint(34, 44)
        cv2.rectangle(screen, (x, bar // 4), (x + 20, bar - bar // 4), (160, 160, 160), 2)
    if side:
        screen[bar:, :side] = (70, 68, 66)
        tw = side - 40
        th = round(tw * h / w)
        thumb = cv2.resize(page, (tw, th), interpolation=cv2.INTER_AREA)
        y = bar + 20
        while y + th < H:
            screen[y:y + th, 20:20 + tw] = thumb
            y += th + 30
    y0, x0 = bar + 12, side + gap
    cv2.rectangle(screen, (x0 + 3, y0 + 3), (x0 + w + 3, y0 + h + 3), (50, 50, 50), -1)  # page shadow
    screen[y0:y0 + h, x0:x0 + w] = page
    return screen, {"toolbar": bar, "sidebar": side}


def _phone_long(page: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict[str, Any]]:
    """A phone's stitched long screenshot: status bar, title bar, page, and the app's bottom buttons."""
    h, w = page.shape[:2]
    status, title, foot = round(w * 0.06), round(w * 0.11), round(w * 0.14)
    screen = np.full((status + title + h + foot, w, 3), 245, np.uint8)
    screen[:status] = (30, 30, 30) if rng.random() < 0.5 else (245, 245, 245)
    screen[status:status + title] = (250, 250, 250)
    cv2.line(screen, (0, status + title - 1), (w, status + title - 1), (210, 210, 210), 2)
    cv2.putText(screen, "< " + rng.choice(("report.pdf", "2023ndbg.pdf", "gkbg.pdf")), (w // 20, status + title * 2 // 3),
                cv2.FONT_HERSHEY_SIMPLEX, w / 1000, (40, 40, 40), 2, cv2.LINE_AA)
    screen[status + title:status + title + h] = page
    y = status + title + h
    for i in range(4):
        cx = round((i + 0.5) * w / 4)
        cv2.circle(screen, (cx, y + foot // 2), foot // 5, (120, 120, 120), 2, cv2.LINE_AA)
    return screen, {"status_bar": status}


def _monitor_photo(screen: np.ndarray, rng: random.Random, nrng: np.random.Generator) -> tuple[np.ndarray, dict[str, Any]]:
    """Photograph the screen: its RGB stripe grid beats against the camera's pixels (moiré), plus tilt and glare."""
    h, w = screen.shape[:2]
    grid = np.zeros((3 * h, 3 * w, 3), np.uint8)
    for ch, col in ((2, 0), (1, 1), (0, 2)):
        lit = np.repeat(screen[..., ch], 3, axis=0).astype(np.uint16) * 5 // 2
        grid[:, col::3, ch] = np.minimum(lit, 255).astype(np.uint8)
    grid[2::3] = (grid[2::3].astype(np.uint16) * 115 >> 8).astype(np.uint8)  # the dark gap between pixel rows
    grid = cv2.GaussianBlur(grid, (0, 0), rng.uniform(0.6, 1.1))  # the lens, not enough to kill the grid
    long_px = rng.choice((3000, 4000))
    ch_, cw_ = (long_px, round(long_px * 0.75)) if h >= w else (round(long_px * 0.75), long_px)
    fill = rng.uniform(0.85, 0.97)
    tilt = (rng.uniform(-0.06, 0.06), rng.uniform(-0.06, 0.06))
    turn = math.radians(rng.uniform(-4, 4))
    quad = cam.tilted_quad(3 * w, 3 * h, cw_, ch_, fill, tilt, turn)
    m = cv2.getPerspectiveTransform(np.float32([[0, 0], [3 * w, 0], [3 * w, 3 * h], [0, 3 * h]]), quad)
    frame = cv2.warpPerspective(grid, m, (cw_, ch_), flags=cv2.INTER_LINEAR, borderValue=(25, 25, 28))
    glare = np.clip(cam.smooth_field(ch_, cw_, nrng, 2), 0, 1) * rng.uniform(20, 70)
    frame = frame.astype(np.float32) + glare[..., None]
    exposure = rng.uniform(225, 250) / max(float(np.percentile(frame, 99)), 1.0)  # the camera's auto-exposure
    frame = np.clip(frame * exposure, 0, 255).astype(np.uint8)
    frame = cam.sensor_noise(frame, nrng, rng.uniform(2, 6))
    frame = cam.unsharp(cam.denoise_smear(frame, 1), 1.5, 0.5)
    return frame, {"exposure": exposure, "fill": fill, "tilt": tilt, "turn_deg": math.degrees(turn)}


class Screen(Family):
    name = "in7_screen"
    kind = "png"
    dpis = (110, 130, 150)
    summary = "screenshot or phone photo of a PDF viewer (night/eye-care themes, thumbnails, moiré), forwarded through a messaging app"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        mode = rng.choice(MODES)
        theme = rng.choice(THEMES)
        shown = _cleartype(_theme(page, theme), rng.uniform(0.25, 0.4))
        screen, layout = _phone_long(shown, rng) if mode == "phone_long" else _desktop(shown, rng)
        params: dict[str, Any] = {"mode": mode, "theme": theme, **layout}
        if mode == "monitor_photo":
            screen, shot = _monitor_photo(screen, rng, nrng)
            params.update(shot)
            screen = cam.resize_long(screen, rng.choice((2048, 2560)))
        forwarded = rng.random() < 0.7
        if forwarded:  # the chat app recompresses; pictures stay at least 1080 wide when sent as is
            quality = rng.randint(60, 85)
            screen = cam.jpeg(screen, quality)
            params["jpeg_quality"] = quality
        params["forwarded"] = forwarded
        return screen, params
