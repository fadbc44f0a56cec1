"""A phone photo of a faded printout in a plastic sheet protector, in dim light, forwarded twice (ho8_sleeve).

What it imitates: the copy that reaches an office through a messaging group. Someone keeps the
printed report in a ring binder, each sheet in a clear punched sleeve (the reinforced strip with
its eleven holes on the left). The printer was low on toner or in economy mode, so the print is
grey and has paler vertical bands. The photo is taken at a desk under one warm lamp: the page is in
perspective, not filling the frame, the sleeve adds a milky veil and a bright specular band of
glare across the page, there is sensor noise, a little defocus or hand shake, vignetting, a tungsten
colour cast, then the phone's own tone curve, sharpening and JPEG. The picture is then forwarded
twice through chat apps, each of which scales the long edge down (1280-2048 px; small print goes
as the 'original image') and re-encodes JPEG at modest quality with 4:2:0 chroma; sometimes the
second forward is a screenshot of the phone's image viewer (black bands, status bar, buttons).

Why it matters: the figures end at about 100-170 px per inch of paper, grey on grey, washed out
under the glare band and blocky from two generations of JPEG, and the rulings are curved by
perspective rather than straight; yet a person zooming in on the phone reads every number.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, np_rng
from .m8_tools import glyph_height, jpeg, resize_to, smooth_field


def _screenshot(img: np.ndarray, rng: random.Random) -> np.ndarray:
    """The picture as a phone's image viewer shows it, screenshotted: fitted to the screen width on
    black, a status bar (clock, signal, battery) above and the viewer's buttons below."""
    sw, sh = rng.choice([(1080, 2340), (1080, 2400), (1170, 2532)])
    h, w = img.shape[:2]
    f = min(sw / w, sh / h)
    pic = resize_to(img, w * f, h * f, cv2.INTER_LINEAR)
    screen = np.zeros((sh, sw, 3), np.uint8)
    y0, x0 = (sh - pic.shape[0]) // 2, (sw - pic.shape[1]) // 2
    screen[y0 : y0 + pic.shape[0], x0 : x0 + pic.shape[1]] = pic
    font = cv2.FONT_HERSHEY_SIMPLEX
    cv2.putText(
        screen, f"{rng.randint(7, 22)}:{rng.randint(0, 59):02d}", (40, 70), font, 1.4, (255, 255, 255), 3, cv2.LINE_AA
    )
    cv2.rectangle(screen, (sw - 130, 40), (sw - 60, 72), (255, 255, 255), 3)
    cv2.rectangle(screen, (sw - 126, 44), (sw - 126 + rng.randint(10, 62), 68), (255, 255, 255), -1)
    for i in range(4):
        cv2.rectangle(screen, (sw - 240 + i * 18, 72 - 8 * (i + 1)), (sw - 228 + i * 18, 72), (255, 255, 255), -1)
    by = sh - 150
    for i in range(3):
        cx = sw * (i + 1) // 4
        cv2.circle(screen, (cx, by), 34, (200, 200, 200), 3, cv2.LINE_AA)
    return screen


class Sleeve(Family):
    """Faded print in a punched plastic sleeve, photographed in dim warm light, forwarded twice by chat apps."""

    name = "ho8_sleeve"
    kind = "jpg"
    dpis = (200, 300)
    summary = "faded print in a plastic sleeve, phone photo in dim warm light, forwarded twice (1280-2048 px, JPEG)"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        H, W = page.shape[:2]
        p: dict[str, Any] = {}
        img = page.astype(np.float32)

        # 1. the faded print: economy toner, pale vertical bands, grainy toner coverage
        depth = rng.uniform(0.6, 0.85)
        bands = smooth_field((1, W), g, W / rng.uniform(4, 12))[0]
        band = 1.0 - rng.uniform(0.1, 0.3) * (bands > rng.uniform(0.55, 0.8))
        band = cv2.GaussianBlur(band.reshape(1, -1).astype(np.float32), (0, 0), W / 200).reshape(1, W, 1)
        grain = 1.0 - 0.25 * g.random((H, W, 1)).astype(np.float32)
        img = 255.0 - (255.0 - img) * depth * band * grain
        paper = np.array([rng.uniform(236, 250), rng.uniform(240, 252), rng.uniform(242, 253)], np.float32)
        img = img * (paper / 255.0)
        p.update(toner_depth=depth)

        # 2. the sleeve: punched strip with holes on the left, welded top seam, milky veil
        strip = int(W * 0.045)
        holes_x = int(strip * 0.45)
        img[:, :strip] = img[:, :strip] * 0.93 + 8
        n_holes = 11
        for k in range(n_holes):
            y = int(H * (0.06 + 0.88 * k / (n_holes - 1)))
            cv2.circle(img, (holes_x, y), max(3, int(W * 0.008)), (60.0, 58.0, 55.0), -1, cv2.LINE_AA)
        cv2.line(img, (0, 2), (W, 2), (200.0, 200.0, 200.0), max(2, H // 500))
        veil = rng.uniform(0.05, 0.14)
        img = img * (1 - veil) + 255.0 * veil
        p.update(sleeve_veil=veil)

        # 3. place the page in the camera frame: perspective on a dark desk
        long_cam = 3000
        fill = rng.uniform(0.78, 0.93)
        landscape_frame = False
        fh = long_cam
        fw = int(long_cam * 0.75)
        s = fill * min(fw / W, fh / H)
        pw, ph = W * s, H * s
        cx, cy = fw / 2 + rng.uniform(-0.04, 0.04) * fw, fh / 2 + rng.uniform(-0.03, 0.03) * fh
        j = 0.045 * min(fw, fh)
        dst = np.array(
            [
                [cx - pw / 2, cy - ph / 2],
                [cx + pw / 2, cy - ph / 2],
                [cx + pw / 2, cy + ph / 2],
                [cx - pw / 2, cy + ph / 2],
            ],
            np.float32,
        )
        tilt = rng.uniform(-1, 1)
        dst[0, 0] += j * max(0, tilt) * 1.5
        dst[1, 0] -= j * max(0, -tilt) * 1.5
        dst += g.uniform(-j, j, dst.shape).astype(np.float32) * 0.6
        src = np.array([[0, 0], [W, 0], [W, H], [0, H]], np.float32)
        M = cv2.getPerspectiveTransform(src, dst)
        desk = np.array([rng.uniform(40, 90), rng.uniform(55, 100), rng.uniform(70, 120)], np.float32)
        frame = cv2.warpPerspective(
            img,
            M,
            (fw, fh),
            flags=cv2.INTER_AREA,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=tuple(float(v) for v in desk),
        )
        frame += (
            (smooth_field((fh, fw), g, 200)[..., None] - 0.5)
            * 25
            * (cv2.warpPerspective(np.zeros((H, W), np.float32), M, (fw, fh), borderValue=1.0)[..., None])
        )
        # how tall the figures are in the photo: the sender zooms in / sends the original image
        # when a figure would otherwise drop under about a dozen pixels (a person reads it then)
        gh = glyph_height(page, ctx.tables_px, int(ctx.dpi)) * s
        p.update(frame_fill=fill, corners=dst.round(1).tolist(), landscape=landscape_frame, glyph_px_frame=gh)

        # 4. light: warm lamp falling off across the page, vignetting, glare band on the sleeve
        yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
        lx, ly = rng.uniform(-0.3, 1.3) * fw, rng.uniform(-0.3, 0.4) * fh
        dist = np.hypot(xx - lx, yy - ly) / np.hypot(fw, fh)
        light = 1.0 - rng.uniform(0.25, 0.5) * dist
        vig = 1.0 - 0.35 * ((xx / fw - 0.5) ** 2 + (yy / fh - 0.5) ** 2) * 2
        exposure = rng.uniform(0.45, 0.7)
        frame *= (light * vig * exposure)[..., None]
        warm = np.array([rng.uniform(0.7, 0.85), rng.uniform(0.88, 0.96), 1.0], np.float32)
        frame *= warm
        # glare: a soft band along a random direction, lifting everything toward white
        ang = rng.uniform(0, np.pi)
        d = (xx - fw * rng.uniform(0.3, 0.7)) * np.cos(ang) + (yy - fh * rng.uniform(0.3, 0.7)) * np.sin(ang)
        gw = rng.uniform(0.02, 0.06) * fh
        glare = rng.uniform(0.15, 0.32) * np.exp(-0.5 * (d / gw) ** 2)
        glare += 0.2 * glare * (smooth_field((fh, fw), g, 60) - 0.5)
        frame = frame * (1 - glare[..., None]) + 255.0 * exposure * 1.1 * glare[..., None]
        p.update(exposure=exposure, glare_peak=float(glare.max()), glare_angle=float(ang))

        # 5. the sensor: defocus / shake, high-ISO noise, then phone tone curve + sharpening
        sigma = min(rng.uniform(0.6, 1.6), gh / 14)
        frame = cv2.GaussianBlur(frame, (0, 0), sigma)
        shake = min(rng.randint(0, 5), int(gh / 8))
        if shake:
            k = np.zeros((2 * shake + 1, 2 * shake + 1), np.float32)
            a = rng.uniform(0, np.pi)
            c, s_ = np.cos(a), np.sin(a)
            cv2.line(
                k,
                (int(shake - shake * c), int(shake - shake * s_)),
                (int(shake + shake * c), int(shake + shake * s_)),
                1.0,
                1,
            )
            frame = cv2.filter2D(frame, -1, k / k.sum())
        lum_noise = g.normal(0, 1, (fh, fw, 1)).astype(np.float32) * rng.uniform(2, 5)
        chroma_noise = cv2.GaussianBlur(g.normal(0, 1, (fh, fw, 3)).astype(np.float32), (0, 0), 2) * rng.uniform(2, 5)
        frame = frame + lum_noise + chroma_noise
        # auto-exposure / tone: stretch so the paper comes out light grey, slight gamma
        paper = np.percentile(frame[fh // 4 : 3 * fh // 4, fw // 4 : 3 * fw // 4].reshape(-1, 3), 92, axis=0)
        awb = rng.uniform(0.4, 0.85)  # the phone's auto white balance only half undoes the lamp
        frame *= ((paper.mean() / np.maximum(paper, 1.0)) ** awb).astype(np.float32)
        centre = frame[fh // 4 : 3 * fh // 4, fw // 4 : 3 * fw // 4].mean(axis=2)
        hi = float(np.percentile(centre, 92))
        lo = float(np.percentile(centre, 0.5)) * rng.uniform(0.5, 0.9)  # the phone's black point
        frame = (frame - lo) * (rng.uniform(215, 240) / max(hi - lo, 1.0))
        frame = 255.0 * np.clip(frame / 255.0, 0, 1) ** rng.uniform(0.85, 1.1)
        frame = np.clip(frame, 0, 255).astype(np.uint8)
        if gh >= 24:  # the phone's denoiser, which would eat strokes of small print
            frame = cv2.medianBlur(frame, 3)
        frame = frame.astype(np.float32)
        blur = cv2.GaussianBlur(frame, (0, 0), 2.0)
        frame = frame + rng.uniform(0.6, 1.4) * (frame - blur)
        frame = np.clip(frame, 0, 255).astype(np.uint8)
        frame = jpeg(frame, rng.randint(85, 93))
        p.update(defocus=sigma, shake=shake)

        # 6. forwarded twice through chat apps
        hops = []
        need = int(min(long_cam, 13.0 * long_cam / max(gh, 1.0)))
        first = max(need, rng.choice([1280, 1440, 1600, 2048]))
        second = max(need, min(first, rng.choice([1280, 1440, 1600, 1920, 2048])))
        screenshot = need <= 1600 and rng.random() < 0.3
        for k, (long_edge, q) in enumerate(((first, rng.randint(70, 85)), (second, rng.randint(62, 80)))):
            if k == 1 and screenshot:  # the second 'forward' is a screenshot of the image viewer
                frame = _screenshot(frame, rng)
                frame = jpeg(frame, q)
                hops.append(["screenshot", q])
                continue
            h, w = frame.shape[:2]
            if max(h, w) > long_edge:
                f = long_edge / max(h, w)
                frame = resize_to(frame, w * f, h * f, cv2.INTER_AREA if rng.random() < 0.6 else cv2.INTER_LINEAR)
            frame = jpeg(frame, q)
            hops.append([long_edge, q])
        p["forwards"] = hops
        return frame, p


__all__ = ["Sleeve"]
