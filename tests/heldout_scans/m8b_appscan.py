"""A scanning app's "enhance" output of a hand-held photo, then squeezed by a PDF-compress step.

Imitates the PDF a clerk makes with a phone scanning app (扫描全能王-style) and mails on: the photo has
the phone's and hand's shadow across the page; the app's edge detection picks the page corners a
little wrong, so its perspective correction leaves residual keystone, a wedge of desk along one edge
or a trimmed margin; its "enhance / 增强锐化" filter divides by an estimated background (shadow
boundaries come out as grey halos and bands), stretches contrast until faint print thins and light
greys vanish, oversharpens (white halos round strokes), boosts colour; the page is saved at the app's
A4 size (992-1654 px wide) as JPEG with the app's watermark; some pages then pass a "compress PDF" step
(120-150 dpi, JPEG 45-60), and some a video-range colour conversion that greys the blacks and whites.
A contributor also blacked out a phone number with marker before scanning.
Why it matters: by volume, most re-published scans of recent years are such app PDFs.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from . import m8b_tools as t
from .base import Family, PageFacts, np_rng


class AppScan(Family):
    name = "ho8b_appscan"
    kind = "pdf"
    dpis = (120, 150, 200)
    """The app's output size (A4 at 992, 1240 or 1654 px wide), one setting per document."""
    summary = (
        "phone scanning app: hand/phone shadow, wrong auto-crop corners, enhance filter (background divide, "
        "contrast clip, oversharpen), A4 JPEG with watermark, sometimes PDF-compressed to 120-150 dpi and "
        "video-range greys"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nr = np_rng(rng)
        dpi = int(ctx.dpi)
        h, w = page.shape[:2]
        tables = [tuple(int(v) for v in b) for b in ctx.tables_px]
        p: dict[str, Any] = {}
        img = page.copy()

        # the paper: thin laser print, a marker redaction outside the tables, signature, seal
        img = t.fade_ink(img, t.field(nr, h, w, 4, rng.uniform(0.6, 0.9), 1.0))
        if rng.random() < 0.4:
            rw, rh = int(dpi * rng.uniform(0.8, 2.0)), int(dpi * rng.uniform(0.12, 0.2))
            spot = t.free_spot(nr, h, w, rw, rh, tables, int(dpi * 0.05), region=(int(w * 0.1), 0, int(w * 0.9), h))
            if spot:
                a = np.zeros((rh + 20, rw + 20), np.float32)
                for _ in range(rng.randint(2, 4)):
                    y = int(nr.uniform(10, rh + 10))
                    cv2.line(a, (10, y), (rw + 10, int(y + nr.normal(0, 3))), 1.0, max(3, rh // 2), cv2.LINE_AA)
                patch = np.full((*a.shape, 3), 25, np.uint8)
                t.blend_ink(img, patch, a * 0.95, spot[0] - 10, spot[1] - 10, 1.0, multiply=False)
                p["redaction"] = list(spot)
        if ctx.last:
            d = int(dpi * rng.uniform(1.5, 1.65))
            x = int(rng.uniform(0.4, 0.8) * w)
            y = int(rng.uniform(0.5, 0.85) * h)
            sp, sa = t.seal(d, ctx.org, (55, 35, 210), nr)
            t.blend_ink(img, sp, sa, x - d // 2, y - d // 2, rng.uniform(0.6, 0.85))
            name = ["王建国", "李明", "张伟", "刘洋", "陈静"][rng.randint(0, 4)]
            tp, ta = t.text_image(name, int(dpi * 0.3), (30, 30, 30), rng.uniform(-10, 5))
            t.blend_ink(img, tp, ta, x - d // 2 + int(dpi * 0.2), y - int(dpi * 0.2), 0.9)
            p["seal"] = [x, y, d]

        # the sheet was folded (in three for an envelope, or in half for a file): panels no longer lie flat,
        # so after the app's plane correction the lines kink at each crease; creases shade light/dark
        nfold = rng.choice([0, 1, 2, 2])
        if nfold:
            folds = [h // 2] if nfold == 1 else [h // 3, 2 * h // 3]
            folds = [int(f + nr.uniform(-0.02, 0.02) * h) for f in folds]
            xs = np.arange(w, dtype=np.float32)[None, :]
            ys = np.arange(h, dtype=np.float32)[:, None]
            map_x = np.repeat(xs, h, axis=0)
            map_y = np.repeat(ys, w, axis=1)
            kinks = []
            for f in folds:
                shear = nr.uniform(-0.012, 0.012)  # the next panel leans: horizontal drift per row
                tilt = nr.uniform(-0.006, 0.006)  # and turns: vertical drift across the row
                below = (ys >= f).astype(np.float32)
                map_x = map_x + below * shear * (ys - f)
                map_y = map_y + below * tilt * (xs - w / 2)
                kinks.append([f, shear, tilt])
                shade = np.ones((h, 1), np.float32)
                wd = dpi * nr.uniform(0.03, 0.08)
                sgn = rng.choice([-1, 1])
                shade += sgn * 0.12 * np.exp(-(((ys - f + wd) / wd) ** 2)) - sgn * 0.12 * np.exp(
                    -(((ys - f - wd) / wd) ** 2)
                )
                img = np.clip(img.astype(np.float32) * shade[..., None], 0, 255).astype(np.uint8)
            img = cv2.remap(
                img,
                map_x.astype(np.float32),
                map_y.astype(np.float32),
                cv2.INTER_LINEAR,
                borderMode=cv2.BORDER_CONSTANT,
                borderValue=(255, 255, 255),
            )
            p["folds"] = kinks

        # the photo, in a larger frame with desk round it
        fw, fh = 1800, 2400
        deskc = (int(nr.uniform(120, 200)),) * 3
        bg = t.desk(nr, fh, fw, deskc, 5)
        side = rng.choice(["top", "bottom", "left", "right"])
        frame, quad = t.place_on(img, bg, nr, rng.uniform(0.82, 0.92), rng.uniform(-6, 6), rng.uniform(0.02, 0.1), side)
        yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
        light = t.field(nr, fh, fw, 2, 0.75, 1.0) * rng.uniform(0.7, 0.95)
        # the shadow of the phone and hand: a blob with a soft-ish edge coming from one side
        sh_ang = nr.uniform(0, 2 * np.pi)
        dd = (xx - fw / 2) * np.cos(sh_ang) + (yy - fh / 2) * np.sin(sh_ang)
        wob = t.field(nr, fh, fw, 3, -1, 1) * fw * 0.08
        edge = nr.uniform(0.0, 0.35) * fw
        soft = fw * rng.uniform(0.01, 0.04)
        sh = 1 / (1 + np.exp(-(dd + wob - edge) / soft))
        depth = rng.uniform(0.3, 0.5)
        light = light * (1 - depth * sh)
        f = (
            frame.astype(np.float32)
            * light[..., None]
            * np.array([rng.uniform(0.85, 1.0), 1.0, rng.uniform(0.95, 1.05)])
        )
        frame = np.clip(f, 0, 255).astype(np.uint8)
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.2))
        frame = t.sensor_noise(frame, nr, rng.uniform(2, 6))
        frame = t.jpeg(frame, rng.randint(85, 92))
        p["photo"] = [side, depth, float(soft)]

        # the app's corner detection: each corner a little off
        pw_ = float(np.linalg.norm(quad[1] - quad[0]))
        # + = outward (a wedge of desk stays in), - = inward (a margin trimmed; never as far as the tables)
        err = np.clip(nr.normal(0.004, rng.uniform(0.006, 0.016), (4, 2)), -0.018, 0.035) * pw_
        outward = np.array([[-1, -1], [1, -1], [1, 1], [-1, 1]], np.float32)
        q = quad + outward * err
        aw = round(210 / 25.4 * dpi)
        ah = int(aw * 297 / 210)
        dst = np.array([[0, 0], [aw, 0], [aw, ah], [0, ah]], np.float32)
        m = cv2.getPerspectiveTransform(q.astype(np.float32), dst)
        out = cv2.warpPerspective(frame, m, (aw, ah), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
        p["autocrop"] = [aw, ah, err.round(1).tolist()]

        # the enhance filter
        mode = rng.choice(["magic", "magic", "grey", "lighten"])
        small = cv2.resize(out, (aw // 16, ah // 16), interpolation=cv2.INTER_AREA)
        bgk = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (5, 5)))
        bgk = cv2.GaussianBlur(bgk, (0, 0), rng.uniform(1.0, 3.0))  # coarse: shadow edges leave bands
        bgk = cv2.resize(bgk, (aw, ah), interpolation=cv2.INTER_LINEAR).astype(np.float32)
        flat = rng.uniform(0.6, 0.95)  # how much of the shadow the filter takes out
        norm = out.astype(np.float32) / (np.maximum(bgk, 20) ** flat * 255 ** (1 - flat)) * 255
        if mode == "grey":
            norm = cv2.cvtColor(np.clip(norm, 0, 255).astype(np.uint8), cv2.COLOR_BGR2GRAY).astype(np.float32)
        white = rng.uniform(0.8, 0.92) * 255
        black = rng.uniform(0.12, 0.3) * 255 if mode != "lighten" else rng.uniform(0.0, 0.1) * 255
        gamma = rng.uniform(1.05, 1.4) if mode != "lighten" else rng.uniform(0.8, 1.0)
        x = np.clip((norm - black) / (white - black), 0, 1) ** gamma * 255
        out = x.astype(np.uint8)
        out = t.unsharp(out, rng.uniform(1.0, 2.0), rng.uniform(0.8, 1.8))
        if mode == "magic":
            hsv = cv2.cvtColor(out, cv2.COLOR_BGR2HSV).astype(np.float32)
            hsv[..., 1] = np.clip(hsv[..., 1] * rng.uniform(1.4, 2.0), 0, 255)
            out = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2BGR)
        p["enhance"] = [mode, flat, white, black, gamma]

        # the watermark
        wm = rng.choice(["扫描全能王 创建", "CS 扫描全能王", "由 扫描王 扫描创建"])
        tp, ta = t.text_image(wm, max(10, aw // 55), (150, 150, 150), 0, hand=False)
        if out.ndim == 2:
            tp = tp[..., 0]
            out3 = cv2.cvtColor(out, cv2.COLOR_GRAY2BGR)
            t.blend_ink(
                out3,
                np.dstack([tp] * 3),
                ta,
                aw - ta.shape[1] - aw // 40,
                ah - ta.shape[0] - ah // 60,
                0.8,
                multiply=False,
            )
            out = cv2.cvtColor(out3, cv2.COLOR_BGR2GRAY)
        else:
            t.blend_ink(out, tp, ta, aw - ta.shape[1] - aw // 40, ah - ta.shape[0] - ah // 60, 0.8, multiply=False)
        q1 = rng.randint(45, 70)
        out = t.jpeg(out, q1)
        p["save"] = q1

        # a "compress PDF" step, a video-range colour conversion
        if rng.random() < 0.5:
            cdpi = rng.choice([120, 130, 150])
            out = t.resize_long(out, int(297 / 25.4 * cdpi))
            q2 = rng.randint(45, 60)
            out = t.jpeg(out, q2)
            p["compress"] = [cdpi, q2]
            p["dpi"] = cdpi  # what the compressed PDF now holds
        if rng.random() < 0.35:
            out = (16 + out.astype(np.float32) * 219 / 255).round().astype(np.uint8)
            p["video_range"] = True
        return out, p
