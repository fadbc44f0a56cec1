"""A bound annual compilation captured open on a document camera (高拍仪) (in8_bound; released by lot, round 8).

What it imitates: reports that survive only in the year's bound volume (政府信息公开年报汇编) and are
digitised at a service window on an overhead document camera. The volume lies open: the page
curls up toward the spine, so lines bend and letters are squeezed near the gutter, which is in
shadow; part of the facing page is in the frame (the camera's auto-crop found the spread, not the
page); the operator's fingers hold the outer edge flat; the LED lamp makes a hot spot. The camera
software then applies one of its modes - colour, 'document' (background flattened, contrast
pushed), or black-and-white (local threshold) - at the camera's 110-170 pixels per inch of paper,
often delivers the image sideways because of how the head was turned, and saves JPEG inside a PDF.

Why it matters: the tables are no longer rectangles (rulings curve near the spine, columns near the
gutter are narrower than the others), the image holds two pages' worth of text, sometimes turned
90 degrees, and the black-and-white mode breaks thin strokes - while every figure stays legible.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, ink_box, mm, np_rng
from .m8_tools import glyph_height, jpeg, resize_to, rotate_expand, smooth_field, text_mask

FILLER = (
    "本机关认真贯彻落实政府信息公开条例要求围绕中心工作推进决策执行管理服务结果公开加强政策解读回应社会关切"
    "进一步规范依申请公开办理流程完善政府信息管理制度做好公开平台建设监督保障等各项工作全年未发生因信息公开引发的"
)


def _facing_page(h: int, w: int, dpi: int, box, rnd: random.Random) -> np.ndarray:
    """A page of running text (no tables) standing for the facing page of the volume."""
    page = np.full((h, w), 255.0, np.float32)
    size = mm(dpi, rnd.uniform(2.8, 3.6))
    lead = int(size * rnd.uniform(1.7, 2.1))
    x0, y0, x1, y1 = box
    y = y0
    while y + size < y1:
        n = max(4, int((x1 - x0) / (size * 1.05)))
        if rnd.random() < 0.12:
            n = int(n * rnd.uniform(0.2, 0.8))
        start = rnd.randrange(len(FILLER))
        text = (FILLER * 3)[start : start + n]
        m = text_mask(text, size, "hei")
        mh, mw = m.shape
        mw = min(mw, w - x0)
        mh = min(mh, h - y)
        page[y : y + mh, x0 : x0 + mw] -= 230 * m[:mh, :mw]
        y += lead
    return np.clip(page, 0, 255)


class Bound(Family):
    """A page of an open bound volume on a document camera: curl, gutter, facing page, fingers, capture modes."""

    name = "in8_bound"
    kind = "pdf"
    dpis = (150, 200)
    summary = "open bound volume on a document camera: gutter curl and shadow, facing page, fingers, modes, sideways"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = int(ctx.dpi)
        H, W = page.shape[:2]
        ib = ink_box(page)
        p: dict[str, Any] = {}

        # 1. the spread: this page and the visible part of the facing page
        spine_left = rng.random() < 0.5
        facing = _facing_page(H, W, dpi, (W - ib[2], ib[1], W - ib[0], ib[3]), rng)
        facing = cv2.cvtColor(facing.astype(np.uint8), cv2.COLOR_GRAY2BGR)
        vis = rng.uniform(0.1, 0.65)
        fv = int(W * vis)
        if spine_left:
            spread = np.concatenate([facing[:, W - fv :], page], axis=1)
            spine = fv
        else:
            spread = np.concatenate([page, facing[:, :fv]], axis=1)
            spine = W
        SH, SW = spread.shape[:2]
        p.update(spine_left=spine_left, facing_visible=vis)

        # 2. curl toward the spine: squeezed across, bulged along the lines, shadowed
        lam = mm(dpi, rng.uniform(25, 60))
        beta = rng.uniform(0.3, 1.1)
        lift = rng.uniform(0.02, 0.06)
        bow = rng.uniform(-0.012, 0.012) * SH  # the whole leaf is not flat either
        xs = np.arange(SW, dtype=np.float32)
        u = np.abs(xs - spine)
        sgn = np.sign(xs - spine)
        d = u + beta * lam * (1 - np.exp(-u / lam))  # distance on paper for distance u in the picture
        src_x = spine + sgn * d
        rise = lift * np.exp(-u / lam)  # closer to the lens near the spine: looks larger
        yy = np.arange(SH, dtype=np.float32)[:, None]
        cy = SH / 2 + rng.uniform(-0.1, 0.1) * SH
        src_y = (
            cy
            + (yy - cy) / (1 + rise[None, :])
            - lift * 0.3 * SH * np.exp(-u / lam)[None, :]
            - bow * np.sin(np.pi * np.clip(u / W, 0, 1))[None, :]
        )
        map_x = np.broadcast_to(src_x[None, :], (SH, SW)).astype(np.float32)
        map_y = src_y.astype(np.float32)
        warped = cv2.remap(
            spread, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(60, 60, 60)
        )
        shadow = rng.uniform(0.35, 0.7) * np.exp(-u / mm(dpi, rng.uniform(5, 12)))
        img = warped.astype(np.float32) * (1 - shadow)[None, :, None]
        img[:, max(0, spine - 1) : spine + 1] *= 0.4
        aged = np.array([rng.uniform(0.86, 0.97), rng.uniform(0.95, 1.0), 1.0], np.float32)
        img *= aged
        p.update(curl_scale=lam, squeeze=beta, lift=lift, bow=bow)

        # 3. fingers holding the outer edge (in the margin only)
        fingers = []
        outer_margin = (W - ib[2]) if spine_left else ib[0]
        if outer_margin > mm(dpi, 10) and rng.random() < 0.6:
            for _ in range(rng.randint(1, 2)):
                fy = int(SH * rng.uniform(0.2, 0.8))
                fl = int(min(outer_margin - mm(dpi, 3), mm(dpi, rng.uniform(15, 30))))
                fw = mm(dpi, rng.uniform(8, 10))
                ex = (SW - fl // 2) if spine_left else fl // 2
                m = np.zeros((SH, SW), np.float32)
                cv2.ellipse(m, (ex, fy), (fl, fw), rng.uniform(-15, 15), 0, 360, 1.0, -1, cv2.LINE_AA)
                m = cv2.GaussianBlur(m, (0, 0), mm(dpi, 0.6))
                skin = np.array([rng.uniform(70, 110), rng.uniform(100, 140), rng.uniform(160, 200)], np.float32)
                shade = 0.85 + 0.15 * smooth_field((SH, SW), g, mm(dpi, 8))
                img = img * (1 - m[..., None]) + (skin * shade[..., None]) * m[..., None]
                fingers.append(fy)
        p["fingers"] = fingers

        # 4. the camera: LED hot spot, cool cast, resolution of the sensor, noise, focus
        yy2, xx2 = np.mgrid[0:SH, 0:SW].astype(np.float32)
        hx, hy = SW * rng.uniform(0.3, 0.7), SH * rng.uniform(0.3, 0.7)
        r2 = ((xx2 - hx) ** 2 + (yy2 - hy) ** 2) / (0.6 * max(SH, SW)) ** 2
        light = rng.uniform(0.75, 0.9) + rng.uniform(0.1, 0.3) * np.exp(-r2 * 3)
        img *= light[..., None] * np.array([1.0, rng.uniform(0.96, 1.0), rng.uniform(0.88, 0.97)], np.float32)
        ppi = rng.uniform(110, 170)
        gh = glyph_height(page, ctx.tables_px, dpi)  # small print: the operator lowers the camera arm
        ppi = min(float(dpi), max(ppi, 12.0 * dpi / max(gh, 1.0)))
        f = ppi / dpi
        small = resize_to(np.clip(img, 0, 255).astype(np.uint8), SW * f, SH * f, cv2.INTER_AREA).astype(np.float32)
        small = cv2.GaussianBlur(small, (0, 0), rng.uniform(0.3, 0.8))
        small += g.normal(0, rng.uniform(2, 6), small.shape).astype(np.float32)
        small = np.clip(small, 0, 255).astype(np.uint8)
        p.update(camera_ppi=ppi, glyph_px_page=gh)

        # 5. the capture software's mode, small tilt, sideways delivery, JPEG
        mode = rng.choice(["colour", "document", "document", "bw"])
        if mode == "document":
            grey_ = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY).astype(np.float32)
            bg = cv2.GaussianBlur(cv2.dilate(grey_, np.ones((7, 7), np.uint8)), (0, 0), 12)
            norm = np.clip(grey_ / np.maximum(bg, 1) * 255, 0, 255)
            norm = np.clip((norm - rng.uniform(40, 90)) * rng.uniform(1.3, 1.8), 0, 255)
            blur = cv2.GaussianBlur(norm, (0, 0), 1.5)
            out = np.clip(norm + 0.8 * (norm - blur), 0, 255).astype(np.uint8)
        elif mode == "bw":
            grey_ = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
            block = int(ppi / 4) | 1
            out = cv2.adaptiveThreshold(
                grey_, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, rng.uniform(8, 16)
            )
        else:
            out = small
        tilt = rng.uniform(-3, 3)
        bv = 255 if mode == "bw" else (70, 70, 70) if out.ndim == 3 else 70
        out = rotate_expand(out, tilt, bv)
        turn = rng.choice([0, 0, 0, 90, 270])
        if turn == 90:
            out = cv2.rotate(out, cv2.ROTATE_90_COUNTERCLOCKWISE)
        elif turn == 270:
            out = cv2.rotate(out, cv2.ROTATE_90_CLOCKWISE)
        if mode != "bw":
            out = jpeg(out, rng.randint(55, 85))
        p.update(mode=mode, tilt=tilt, turned=turn)
        return np.ascontiguousarray(out), p


__all__ = ["Bound"]
