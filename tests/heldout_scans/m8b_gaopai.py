"""A document camera (高拍仪) at a service counter, saving in its black-and-white "document" mode.

Imitates the overhead USB camera on a gooseneck that government halls and archive reading rooms use
instead of a scanner: a stamped photocopy lies on the dark pad, held flat by the clerk's fingers; the
5-8 MP sensor sees it at 150-200 px per inch through a wide lens (slight barrel distortion, vignetting)
under its own LED ring, which leaves a hot spot; the software's auto-crop finds the page a few
millimetres off (a strip of pad left along one edge, or the margin cut); it deskews only sometimes;
its "document / 文档" mode binarises with a local threshold at the saved resolution (120-200 dpi, one
bit, a multi-page TIFF), which breaks thin strokes and rulings, speckles the paper and turns fingers, pad and red seals
solid black; pages laid landscape on the pad come out sideways, some upside down.
Why it matters: whole annual report folders were digitised this way, page by page, as 1-bit PDFs.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from . import m8b_tools as t
from .base import Family, PageFacts, np_rng


class Gaopai(Family):
    name = "ho8b_gaopai"
    kind = "tiff"
    dpis = (120, 150, 150, 200)
    """The resolution the software saves at (one setting per session); the camera itself sees more."""
    summary = (
        "document camera (高拍仪) B&W mode: LED hot spot, barrel lens, fingers, auto-crop off by mm, "
        "local threshold at 120-200 dpi 1-bit, speckle, pages sideways/upside down"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nr = np_rng(rng)
        dpi = int(ctx.dpi)
        h, w = page.shape[:2]
        tables = [tuple(int(v) for v in b) for b in ctx.tables_px]
        p: dict[str, Any] = {}
        img = page.copy()

        # the paper: a photocopy (grey cast, toner unevenness, a little dirt), pen marks, a seal
        keep = t.field(nr, h, w, 4, rng.uniform(0.55, 0.85), 1.0)
        img = t.fade_ink(img, keep)
        cast = rng.uniform(0, 22)
        img = np.clip(img.astype(np.float32) - cast * t.field(nr, h, w, 3, 0.4, 1.0)[..., None], 0, 255).astype(
            np.uint8
        )
        dirt = (nr.random((h // 4, w // 4)) > 0.99975).astype(np.uint8) * 255
        dirt = cv2.resize(dirt, (w, h), interpolation=cv2.INTER_NEAREST)
        img[dirt > 0] = (img[dirt > 0] * 0.4).astype(np.uint8)
        p["copy"] = [float(keep.min()), cast]
        if rng.random() < 0.55:
            p["pen"] = t.pen_marks(img, nr, tables, dpi, rng.randint(1, 4), (150, 60, 30))
        if ctx.last:
            d = int(dpi * rng.uniform(1.5, 1.65))
            spot = t.free_spot(nr, h, w, d, d, tables, int(dpi * 0.05), region=(0, h // 3, w, h))
            if spot is not None:
                patch, a = t.seal(d, ctx.org, (40, 40, 200), nr)
                t.blend_ink(img, patch, a, spot[0], spot[1], rng.uniform(0.7, 0.95))
                p["seal"] = [spot[0], spot[1], d]
        fingers = []
        for edge in ("left", "right", "bottom", "top"):
            if rng.random() < 0.3 and t.finger_on_edge(img, nr, tables, dpi, edge):
                fingers.append(edge)
        p["fingers"] = fingers

        # the camera: landscape sensor, page upright or laid sideways, LED hot spot, lens, vignette
        sideways = rng.random() < 0.35
        if sideways:
            img = t.rotate_quarter(img, rng.choice([1, 3]))
        upside = rng.random() < 0.12
        if upside:
            img = t.rotate_quarter(img, 2)
        sensor = rng.choice([(2592, 1944), (3264, 2448)])
        fw, fh = sensor
        pad_grey = rng.randint(15, 70)
        bg = t.desk(nr, fh, fw, (pad_grey, pad_grey, pad_grey + 5), 4)
        fill = rng.uniform(0.84, 0.95)
        frame, quad = t.place_on(img, bg, nr, fill, rng.uniform(-3, 3), rng.uniform(0, 0.02), "top", 0.02, 0.004)
        yy, xx = np.mgrid[0:fh, 0:fw].astype(np.float32)
        hx, hy = nr.uniform(0.3, 0.7) * fw, nr.uniform(0.3, 0.7) * fh
        hr = nr.uniform(0.08, 0.2) * fw
        hot = rng.uniform(0.15, 0.4)
        vig = rng.uniform(0.15, 0.35)
        light = (1 - vig * (((xx - fw / 2) / fw) ** 2 + ((yy - fh / 2) / fh) ** 2) * 2) * rng.uniform(0.85, 1.0)
        light += hot * np.exp(-(((xx - hx) ** 2 + (yy - hy) ** 2) / (2 * hr * hr)))
        f = frame.astype(np.float32) * light[..., None]
        frame = np.clip(f, 0, 255).astype(np.uint8)
        k1 = rng.uniform(0.0, 0.05)
        r2 = ((xx - fw / 2) / (fw / 2)) ** 2 + ((yy - fh / 2) / (fw / 2)) ** 2
        mx = fw / 2 + (xx - fw / 2) * (1 + k1 * r2)
        my = fh / 2 + (yy - fh / 2) * (1 + k1 * r2)
        frame = cv2.remap(frame, mx, my, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.1))
        frame = t.sensor_noise(frame, nr, rng.uniform(2, 6), 0.3)
        frame = t.jpeg(frame, rng.randint(75, 90))  # the camera streams MJPEG
        p["camera"] = [fw, fh, fill, sideways, upside, hot, vig, k1]

        # where barrel distortion moved the corners: invert approximately (corner radius)
        def undistort_pt(pt: np.ndarray) -> np.ndarray:
            q = pt.copy()
            for _ in range(5):
                r2q = ((q[0] - fw / 2) / (fw / 2)) ** 2 + ((q[1] - fh / 2) / (fw / 2)) ** 2
                q = np.array([fw / 2 + (pt[0] - fw / 2) / (1 + k1 * r2q), fh / 2 + (pt[1] - fh / 2) / (1 + k1 * r2q)])
            return q

        quad = np.array([undistort_pt(c) for c in quad], np.float32)

        # auto-crop: the detected quad off by a few mm per side (pad left in, or margin cut)
        pw_ = float(np.linalg.norm(quad[1] - quad[0]))
        errs = [rng.uniform(-0.012, 0.03) for _ in range(4)]  # top, right, bottom, left; + = pad left in
        deskew = rng.random() < 0.6
        if deskew:
            q = quad.copy()
            cen = q.mean(axis=0)
            for k in range(4):
                q[k] = cen + (q[k] - cen) * 1.0
            # move sides outward/inward
            off = np.array([[-errs[3], -errs[0]], [errs[1], -errs[0]], [errs[1], errs[2]], [-errs[3], errs[2]]]) * pw_
            u = (q[1] - q[0]) / np.linalg.norm(q[1] - q[0])
            v = np.array([-u[1], u[0]])
            q = q + off[:, :1] * u + off[:, 1:] * v
            ow = int(np.linalg.norm(q[1] - q[0]))
            oh = int(np.linalg.norm(q[3] - q[0]))
            dst = np.array([[0, 0], [ow, 0], [ow, oh], [0, oh]], np.float32)
            m = cv2.getPerspectiveTransform(q.astype(np.float32), dst)
            crop = cv2.warpPerspective(frame, m, (ow, oh), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
        else:
            x0 = int(quad[:, 0].min() - errs[3] * pw_)
            x1 = int(quad[:, 0].max() + errs[1] * pw_)
            y0 = int(quad[:, 1].min() - errs[0] * pw_)
            y1 = int(quad[:, 1].max() + errs[2] * pw_)
            x0, y0 = max(0, x0), max(0, y0)
            crop = frame[y0 : min(fh, y1), x0 : min(fw, x1)]
        p["autocrop"] = [errs, deskew]

        # B&W document mode at the saved resolution
        out_dpi = dpi
        long_mm = 297 * (1 + max(errs[0] + errs[2], errs[1] + errs[3]))
        g = cv2.cvtColor(crop, cv2.COLOR_BGR2GRAY)
        g = t.resize_long(g, int(long_mm / 25.4 * out_dpi))
        g = t.unsharp(g, 1.0, rng.uniform(0.3, 1.0))
        block = int(out_dpi * rng.uniform(0.2, 0.45)) | 1
        c = rng.uniform(6, 16)
        bw = cv2.adaptiveThreshold(g, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, c)
        # very dark regions (pad, fingers) stay black as a whole: the threshold also gates on a floor
        bw[g < rng.randint(60, 90)] = 0
        p["bw"] = [out_dpi, block, c]
        if out_dpi >= 200 and rng.random() < 0.5:
            # the software's "despeckle": removes lone black pixels (at 200 dpi a decimal point is larger)
            k = np.ones((3, 3), np.uint8)
            dark = (bw == 0).astype(np.uint8)
            n = cv2.filter2D(dark, -1, k)
            bw[(dark == 1) & (n <= 1)] = 255
            p["despeckle"] = True
        return bw, p
