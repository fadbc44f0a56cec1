"""A phone photo of a faded printout in a plastic sleeve, in dim light, forwarded through a messaging app.

Imitates what a clerk sends when asked "send me last year's report": the only paper copy sits in a
clear punched sleeve (文件袋/资料册) in a binder; the printer was low on toner, so the print is thin and
streaked; the office light is a ceiling tube behind the phone, so the shot is dim, warm, noisy and
smeared by the phone's noise reduction; the sleeve adds a milky haze and bright glare streaks where it
creases; then the picture goes through a chat app (long side cut to 1280-1920 px, JPEG with 4:2:0
chroma) and is forwarded again - sometimes as a screenshot of the chat window, which wraps the page
in phone chrome and scales it once more. Every resampling and recompression stacks on the last.
Why it matters: most requests for old disclosure reports are answered this way, and the result
carries 90-150 effective dpi, low contrast and blocky chroma, yet a person reads it without doubt.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from . import m8b_tools as t
from .base import Family, PageFacts, np_rng


class Forward(Family):
    name = "in8b_forward"
    kind = "jpg"
    dpis = (200, 250, 300)
    summary = (
        "phone photo of a toner-starved printout in a plastic sleeve, dim warm light, noise-smear, "
        "glare streaks; sent and forwarded through a chat app (1280-1920 px, JPEG twice, maybe a screenshot)"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nr = np_rng(rng)
        dpi = int(ctx.dpi)
        h, w = page.shape[:2]
        tables = [tuple(int(v) for v in b) for b in ctx.tables_px]
        img = page.copy()
        p: dict[str, Any] = {}

        # 1. the printout: low toner (uneven, vertical streaks along the drum), a reviewer's pen
        fade_lo = rng.uniform(0.55, 0.8)
        keep = t.field(nr, h, w, 3, fade_lo, 1.0)
        n_streak = rng.randint(0, 3)
        for _ in range(n_streak):
            xc = nr.uniform(0, w)
            sw = dpi * nr.uniform(0.1, 0.5)
            depth = nr.uniform(0.15, 0.3)
            xs = np.arange(w, dtype=np.float32)
            keep *= (1 - depth * np.exp(-(((xs - xc) / sw) ** 2)))[None, :]
        keep = np.clip(keep, 0.5, 1.0)
        img = t.fade_ink(img, keep)
        p["toner_keep_min"] = float(keep.min())
        p["toner_streaks"] = n_streak
        if rng.random() < 0.6:
            p["pen"] = t.pen_marks(img, nr, tables, dpi, rng.randint(1, 4), (140, 40, 20))
        if ctx.last and rng.random() < 0.8:
            d = int(dpi * rng.uniform(1.5, 1.65))
            patch, a = t.seal(d, ctx.org, (50, 40, 215), nr)
            x = int(w * rng.uniform(0.5, 0.75))
            y = int(h * rng.uniform(0.55, 0.85))
            t.blend_ink(img, patch, a, x - d // 2, y - d // 2, rng.uniform(0.6, 0.85))
            p["seal"] = [x, y, d]

        # 2. the sleeve: milky haze, faint scuffs, crease glare (bright, soft, diagonal)
        f = img.astype(np.float32)
        haze = rng.uniform(0.04, 0.14)
        f = f * (1 - haze) + 235 * haze
        n_glare = rng.randint(1, 3)
        gl = np.zeros((h, w), np.float32)
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        for _ in range(n_glare):
            ang = nr.uniform(-0.9, 0.9)
            x0, y0 = nr.uniform(0, w), nr.uniform(0, h)
            dist = np.abs((xx - x0) * np.cos(ang) + (yy - y0) * np.sin(ang))
            width = dpi * nr.uniform(0.08, 0.5)
            along = t.field(nr, h, w, 3, 0.2, 1.0)
            gl = np.maximum(gl, np.exp(-((dist / width) ** 2)) * along)
        glare = rng.uniform(0.25, 0.45)
        f = f * (1 - glare * gl[..., None]) + 255 * glare * gl[..., None]
        scuff = (nr.random((h, w)) > 0.9993).astype(np.float32)
        scuff = cv2.dilate(scuff, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3)))
        scuff = cv2.GaussianBlur(scuff, (0, 0), 1.5) * 60
        f += scuff[..., None]
        img = np.clip(f, 0, 255).astype(np.uint8)
        p["sleeve_haze"] = haze
        p["glare"] = [n_glare, glare]

        # 3. the photo: held over the desk, perspective + rotation, in a frame with some desk visible
        cam_long = rng.choice([2400, 2600, 2800])  # computed below the sensor size; it is cut to <=1920 anyway
        cam = (int(cam_long * 0.75), cam_long)  # portrait phone: (w, h)
        fill = rng.uniform(0.80, 0.93)
        s = min(cam[0] / w, cam[1] / h) * fill
        pw, ph = w * s, h * s
        cx, cy = cam[0] / 2 + nr.uniform(-0.03, 0.03) * cam[0], cam[1] / 2 + nr.uniform(-0.03, 0.03) * cam[1]
        rot = np.radians(rng.uniform(-4, 4))
        corners = np.array([[-pw / 2, -ph / 2], [pw / 2, -ph / 2], [pw / 2, ph / 2], [-pw / 2, ph / 2]])
        r = np.array([[np.cos(rot), -np.sin(rot)], [np.sin(rot), np.cos(rot)]])
        dst = corners @ r.T + [cx, cy]
        keyst = rng.uniform(0.0, 0.06)
        side = rng.choice(["top", "bottom", "left", "right"])
        jitter = nr.normal(0, 0.008, (4, 2)) * [pw, ph]
        dst = dst + jitter
        i, j = {"top": (0, 1), "bottom": (3, 2), "left": (0, 3), "right": (1, 2)}[side]
        mid = (dst[i] + dst[j]) / 2
        dst[i] = dst[i] + (mid - dst[i]) * keyst
        dst[j] = dst[j] + (mid - dst[j]) * keyst
        src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
        deskc = (int(nr.uniform(60, 140)), int(nr.uniform(80, 150)), int(nr.uniform(100, 170)))
        bg = t.desk(nr, cam[1], cam[0], deskc, 6)
        m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
        warped = cv2.warpPerspective(
            img,
            m,
            cam,
            flags=cv2.INTER_AREA if s < 1 else cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0,
        )
        mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, cam, flags=cv2.INTER_LINEAR)
        mk = (mask.astype(np.float32) / 255)[..., None]
        shot = warped.astype(np.float32) * mk + bg.astype(np.float32) * (1 - mk)
        p["camera"] = [cam[0], cam[1], fill, float(np.degrees(rot)), keyst, side]

        # dim, warm, uneven light; the phone's own shadow on one side
        gain = rng.uniform(0.5, 0.8)
        light = t.field(nr, cam[1], cam[0], 2, 0.7, 1.0)
        yy, xx = np.mgrid[0 : cam[1], 0 : cam[0]].astype(np.float32)
        vig = 1 - rng.uniform(0.15, 0.35) * (((xx - cam[0] / 2) / cam[0]) ** 2 + ((yy - cam[1] / 2) / cam[1]) ** 2) * 2
        light = light * vig
        if rng.random() < 0.6:
            ang = nr.uniform(0, 2 * np.pi)
            d = (xx - cam[0] / 2) * np.cos(ang) + (yy - cam[1] / 2) * np.sin(ang)
            edge = nr.uniform(0.1, 0.35) * cam[0]
            sh = 1 / (1 + np.exp(-(d - edge) / (cam[0] * 0.03)))
            light = light * (1 - rng.uniform(0.2, 0.35) * sh)
            p["phone_shadow"] = True
        warm = np.array([rng.uniform(0.7, 0.85), rng.uniform(0.88, 0.95), 1.0], np.float32)
        shot = shot * (gain * light)[..., None] * warm
        shot = np.clip(shot, 0, 255).astype(np.uint8)
        blur = rng.uniform(0.6, 1.6)
        shot = cv2.GaussianBlur(shot, (0, 0), blur)
        shot = t.sensor_noise(shot, nr, rng.uniform(3, 8))
        # phone pipeline: noise reduction smear, auto-exposure, sharpening, HEIF/JPEG
        shot = cv2.bilateralFilter(shot, 5, rng.uniform(20, 40), 3)
        lo, hi = np.percentile(shot, [1, 99.5])
        stretch = rng.uniform(0.75, 1.0)
        hi2 = lo + (hi - lo) / (stretch + (1 - stretch) * (hi - lo) / 255)
        shot = np.clip((shot.astype(np.float32) - lo * stretch) * 255 / max(hi2 - lo * stretch, 1), 0, 255).astype(
            np.uint8
        )
        shot = t.unsharp(shot, 1.5, rng.uniform(0.5, 1.0))
        shot = t.jpeg(shot, rng.randint(85, 93))
        p["light"] = [gain, blur]

        # 4. the chat app: first send, then a forward (recompress, or a screenshot of the chat view)
        send_long = rng.choice([1280, 1280, 1440, 1600, 1920])
        out = t.resize_long(shot, send_long)
        q1 = rng.randint(62, 80)
        out = t.jpeg(out, q1)
        hops = [["send", send_long, q1]]
        mode = rng.choice(["recompress", "screenshot", "twice"])
        if mode == "screenshot":
            sw, sh_ = 1080, rng.choice([2340, 2400])
            scr = np.full((sh_, sw, 3), rng.choice([0, 16, 237]), np.uint8)
            im = t.resize_long(
                out, max(1, int(min(sw / out.shape[1], (sh_ - 400) / out.shape[0]) * max(out.shape[:2])))
            )
            oy = (sh_ - im.shape[0]) // 2 + rng.randint(-40, 40)
            ox = (sw - im.shape[1]) // 2
            oy = min(max(oy, 0), sh_ - im.shape[0])
            scr[oy : oy + im.shape[0], ox : ox + im.shape[1]] = im
            bar = int(sh_ * 0.035)
            scr[:bar] = (scr[:bar].astype(np.int16) * 0 + 30).astype(np.uint8)
            clock, _ = t.text_image(
                f"{rng.randint(8, 18)}:{rng.randint(0, 59):02d}", bar // 2, (230, 230, 230), 0, hand=False
            )
            t.blend_ink(scr, clock, _, 40, bar // 4, 1.0, multiply=False)
            out = scr
            q2 = rng.randint(70, 85)
            out = t.jpeg(out, q2)
            hops.append(["screenshot", sw, sh_, q2])
        else:
            n = 1 if mode == "recompress" else 2
            for _ in range(n):
                long2 = min(max(out.shape[:2]), rng.choice([1280, 1440, 1600, 1920]))
                out = t.resize_long(out, long2)
                q2 = rng.randint(60, 80)
                out = t.jpeg(out, q2)
                hops.append(["forward", long2, q2])
        p["hops"] = hops
        return out, p
