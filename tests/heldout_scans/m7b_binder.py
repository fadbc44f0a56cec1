"""A page photographed in its ring binder or bound volume under a document camera (高拍仪).

Archive rooms and service halls digitise filed reports without taking them out: the binder lies
open under a 高拍仪 (a camera on a gooseneck looking straight down, with an LED ring) or a phone
held above it. The sheet does not lie flat: it rises in a curve towards the rings or the spine, so
lines of text and table rules bend and crowd together there, a shadow darkens the gutter, the edges
of the pages beneath show as a stack of thin lines, metal rings cover the punched margin, and a
thumb holds the page down at the edge. The LED leaves a bright patch in the middle and dim corners;
the device's "document" mode then sharpens and its software saves the pictures into a PDF. Straight
rules are what table readers lean on; here no rule is straight near the gutter.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from . import m7b_camera as cam
from .base import Family, PageFacts, mm, np_rng


def _curl(page: np.ndarray, gutter_left: bool, lift: float, zone: float, camera: float) -> tuple[np.ndarray, np.ndarray]:
    """Bend the page up towards the gutter as seen from a camera above the middle.

    The sheet's height rises as a parabola over ``zone`` pixels from the gutter edge up to ``lift``
    pixels; a camera ``camera`` pixels above the desk magnifies raised parts and the slope
    foreshortens them. Returns the warped page and the gutter-side height profile (for shading).
    """
    h, w = page.shape[:2]
    s = np.arange(w, dtype=np.float32)
    d = s if gutter_left else (w - 1 - s)
    t = np.clip(1.0 - d / zone, 0.0, 1.0)
    z = lift * t**2
    slope = np.gradient(z)
    dx = np.sqrt(np.clip(1.0 - slope**2, 0.05, 1.0))
    x_flat = np.cumsum(dx) - dx[0]
    x_flat += (w - x_flat[-1]) / 2.0  # keep the page centred under the lens
    cx, cy = w / 2.0, h / 2.0
    mag = camera / (camera - z)
    u = cx + (x_flat - cx) * mag
    order = np.argsort(u)
    us = np.arange(w, dtype=np.float32)
    src_s = np.interp(us, u[order], s[order], left=-10, right=w + 10).astype(np.float32)
    src_mag = np.interp(src_s, s, mag).astype(np.float32)
    vs = np.arange(h, dtype=np.float32)[:, None]
    map_y = (cy + (vs - cy) / src_mag[None, :]).astype(np.float32)
    map_x = np.broadcast_to(src_s[None, :], (h, w)).astype(np.float32)
    warped = cv2.remap(page, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(90, 90, 90))
    height = np.interp(src_s, s, z).astype(np.float32)
    return warped, height / max(lift, 1e-6)


def _rings(img: np.ndarray, gutter_left: bool, dpi: int, tables: list[cam.Box], rng: random.Random) -> int:
    """Metal binder rings through punched holes in the gutter margin (skipped where a table reaches)."""
    h, w = img.shape[:2]
    x = mm(dpi, rng.uniform(8, 12))
    x = x if gutter_left else w - x
    r = mm(dpi, 3)
    drawn = 0
    for frac in rng.choice(((0.3, 0.7), (0.2, 0.5, 0.8), (0.12, 0.38, 0.62, 0.88))):
        y = round(frac * h)
        if cam.overlaps((x - 3 * r, y - 3 * r, x + 3 * r, y + 3 * r), tables):
            continue
        cv2.circle(img, (x, y), r, (40, 40, 40), -1, cv2.LINE_AA)
        cv2.ellipse(img, (x, y), (2 * r, round(1.2 * r)), 0, 0, 360, (170, 170, 175), max(2, r // 2), cv2.LINE_AA)
        cv2.ellipse(img, (x, y - r // 3), (2 * r, round(1.2 * r)), 0, 180, 360, (230, 230, 235), max(1, r // 4), cv2.LINE_AA)
        drawn += 1
    return drawn


def _thumb(img: np.ndarray, dpi: int, tables: list[cam.Box], rng: random.Random) -> bool:
    """A thumb pressing the page flat at the outer or bottom edge; only where no table lies."""
    h, w = img.shape[:2]
    rx, ry = mm(dpi, 11), mm(dpi, 16)
    for _ in range(6):
        cx = rng.choice((rng.randint(0, w), rng.choice((0, w))))
        cy = h if cx not in (0, w) else rng.randint(h // 4, 3 * h // 4)
        box = (cx - rx, cy - ry, cx + rx, cy + ry)
        if cam.overlaps(box, tables, mm(dpi, 3)):
            continue
        skin = np.zeros((h, w), np.uint8)
        cv2.ellipse(skin, (cx, cy), (rx, ry), rng.uniform(-30, 30), 0, 360, 255, -1, cv2.LINE_AA)
        alpha = cv2.GaussianBlur(skin.astype(np.float32) / 255.0, (0, 0), mm(dpi, 1.0))[..., None]
        tone = np.array((rng.uniform(120, 160), rng.uniform(150, 185), rng.uniform(200, 230)), np.float32)
        shade = cam.soft(skin.astype(np.float32), mm(dpi, 4))[..., None] / 255.0
        hand = tone * (0.6 + 0.4 * shade)
        img[:] = (img * (1 - alpha) + hand * alpha).astype(np.uint8)
        return True
    return False


class Binder(Family):
    name = "ho7_binder"
    kind = "pdf"
    dpis = (200, 250)
    summary = "filed page photographed open in a ring binder under a document camera: curl, gutter shadow, rings, thumb, LED hotspot"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        img = page.copy()
        h, w = img.shape[:2]
        gutter_left = rng.random() < 0.75  # right-hand pages of a binder are the usual view
        rings = _rings(img, gutter_left, ctx.dpi, ctx.tables_px, rng)
        thumb = rng.random() < 0.5 and _thumb(img, ctx.dpi, ctx.tables_px, rng)
        # The sheets underneath, then the curl of the whole stack towards the gutter.
        n_edges = rng.randint(3, 12)
        edge_w = mm(ctx.dpi, rng.uniform(2, 6))
        band = np.full((h, edge_w, 3), 215, np.uint8)
        for i in range(n_edges):
            x = round((i + 1) * edge_w / (n_edges + 1))
            cv2.line(band, (x, 0), (x + rng.randint(-4, 4), h - 1), (150, 150, 150), 1, cv2.LINE_AA)
        img = np.hstack((img, band)) if gutter_left else np.hstack((band, img))
        lift = mm(ctx.dpi, rng.uniform(8, 30))
        zone = w * rng.uniform(0.2, 0.45)
        camera = mm(ctx.dpi, rng.uniform(330, 450))
        margin = mm(ctx.dpi, 15)
        img = cv2.copyMakeBorder(img, margin, margin, margin, margin, cv2.BORDER_CONSTANT, value=(70, 68, 66))
        warped, height = _curl(img, gutter_left, lift, zone + margin, camera)
        hh, ww = warped.shape[:2]
        # Light: gutter shadow from the raised sheet, the LED's bright middle, dim corners.
        gutter_dark = rng.uniform(0.25, 0.6)
        shade = 1.0 - gutter_dark * height**1.5
        ys, xs = np.mgrid[0:hh, 0:ww].astype(np.float32)
        hx, hy = ww * rng.uniform(0.35, 0.65), hh * rng.uniform(0.35, 0.65)
        sigma = max(hh, ww) * rng.uniform(0.25, 0.45)
        hot = rng.uniform(0.05, 0.2)
        gain = (1.0 - hot + hot * np.exp(-((xs - hx) ** 2 + (ys - hy) ** 2) / (2 * sigma**2))) * shade[None, :]
        gain *= cam.vignette(hh, ww, rng.uniform(0.1, 0.3))
        out = cam.light(warped, gain.astype(np.float32) * rng.uniform(1.0, 1.12))
        out = cam.white_balance(out, (rng.uniform(1.0, 1.08), 1.0, rng.uniform(0.9, 1.0)))
        out = cam.sensor_noise(out, nrng, rng.uniform(2, 7))
        turn = rng.uniform(-2.5, 2.5)
        rot = cv2.getRotationMatrix2D((ww / 2, hh / 2), turn, 1.0)
        out = cv2.warpAffine(out, rot, (ww, hh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        # The camera's own resolution (a 5-12 MP 高拍仪 sensor covering the page and its surround).
        sensor_long = rng.choice((2592, 3264, 4000))
        scale = min(1.0, sensor_long / max(hh, ww))
        out = cv2.resize(out, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
        out = cam.unsharp(out, 1.2, rng.uniform(0.3, 1.0))
        out = cam.jpeg(out, rng.randint(60, 88))
        return out, {
            "gutter_left": gutter_left, "rings": rings, "thumb": thumb, "sheet_edges": n_edges,
            "lift_mm": lift / ctx.dpi * 25.4, "curl_zone": zone / w, "camera_mm": camera / ctx.dpi * 25.4,
            "gutter_dark": gutter_dark, "hotspot": hot, "turn_deg": turn, "sensor_long": sensor_long,
        }
