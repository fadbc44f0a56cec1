"""A phone photo of one page of a bound annual volume (装订成册的汇编/档案卷) in a reading room.

Imitates a researcher photographing an archive volume that cannot be opened flat or taken apart:
the page curls into the binding, so lines bend and shrink towards the gutter, which is in deep
shadow with a sliver of the facing page beyond it; a thumb holds the page down at the outer edge;
the archive has foliated the page (blue numbering-machine stamp in the top corner), an earlier
reader highlighted rows and ticked numbers in pen, someone left a yellow sticky note; the last page
carries the issuing body's red seal, here over whatever it lands on; window light falls from one
side, the phone's HDR leaves halos, and a landscape shot is often saved without honouring its
orientation flag, so the page arrives sideways.
Why it matters: bound volumes are how older reports survive in archives and libraries, and photos of
them are never flat, evenly lit or upright.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from . import m8b_tools as t
from .base import Family, PageFacts, np_rng


class Volume(Family):
    name = "in8b_volume"
    kind = "jpg"
    dpis = (200, 250)
    summary = (
        "phone photo of a page in a bound volume: curl and shadow at the gutter, facing-page sliver, "
        "thumb, foliation stamp, highlighter/pen/sticky note, seal over the table, window light, HDR, "
        "orientation flag ignored"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nr = np_rng(rng)
        dpi = int(ctx.dpi)
        h, w = page.shape[:2]
        tables = [tuple(int(v) for v in b) for b in ctx.tables_px]
        p: dict[str, Any] = {}
        img = page.copy()

        # marks on the paper (page coordinates)
        paper = np.array([rng.uniform(0.86, 0.95), rng.uniform(0.92, 0.98), 1.0], np.float32)  # aged, yellowish
        img = np.clip(img.astype(np.float32) * paper, 0, 255).astype(np.uint8)
        folio = f"{rng.randint(1, 480):04d}" if rng.random() < 0.5 else str(rng.randint(1, 480))
        patch, a = t.text_image(
            folio, int(dpi * rng.uniform(0.16, 0.22)), (150, 60, 25), rng.uniform(-6, 6), hand=False
        )
        spot = t.free_spot(nr, h, w, a.shape[1], a.shape[0], tables, 4, region=(int(w * 0.7), 0, w, int(h * 0.12)))
        if spot:
            t.blend_ink(img, patch, a * t.field(nr, a.shape[0], a.shape[1], 2, 0.5, 1.0), spot[0], spot[1], 0.9)
            p["folio"] = folio
        if rng.random() < 0.6:
            p["highlight"] = t.highlight_rows(img, nr, tables, dpi, rng.randint(1, 3))
        if rng.random() < 0.6:
            p["pen"] = t.pen_marks(
                img, nr, tables, dpi, rng.randint(1, 5), (120, 30, 30) if rng.random() < 0.7 else (40, 40, 40)
            )
        if rng.random() < 0.35:
            sw_, sh_ = int(dpi * rng.uniform(1.2, 1.6)), int(dpi * rng.uniform(1.0, 1.5))
            spot = t.free_spot(nr, h, w, sw_, sh_, tables, int(dpi * 0.03))
            if spot:
                note = np.zeros((sh_, sw_, 3), np.uint8)
                note[:] = (110, 235, 250)
                txt = ["见附表", "复核", "数据来源?", "已复印", "对比2018"][rng.randint(0, 4)]
                tp, ta = t.text_image(txt, int(dpi * 0.2), (90, 40, 20), rng.uniform(-8, 8))
                t.blend_ink(note, tp, ta, int(sw_ * 0.1), int(sh_ * 0.3), 0.9)
                t.blend_ink(img, note, np.ones((sh_, sw_), np.float32), spot[0], spot[1], 1.0, multiply=False)
                p["sticky"] = list(spot)
        if ctx.last and rng.random() < 0.9:
            d = int(dpi * rng.uniform(1.5, 1.65))
            x = int(rng.uniform(0.35, 0.8) * w)
            y = int(rng.uniform(0.45, 0.85) * h)
            sp, sa = t.seal(d, ctx.org, (60, 45, 205), nr)
            t.blend_ink(img, sp, sa, x - d // 2, y - d // 2, rng.uniform(0.55, 0.8))
            p["seal"] = [x, y, d]
        gutter = rng.choice(["left", "right"])
        outer = "right" if gutter == "left" else "left"
        if rng.random() < 0.6 and t.finger_on_edge(img, nr, tables, dpi, outer):
            p["thumb"] = outer

        # the curl: towards the gutter the page dips away - lines shrink towards the middle and bend
        L = w * rng.uniform(0.12, 0.25)
        k = rng.uniform(0.03, 0.08)
        comp = rng.uniform(0.05, 0.15)
        lift = rng.uniform(-0.5, 0.5)  # one end of the spine sits higher: the bending is lopsided
        xs = np.arange(w, dtype=np.float32)
        d_out = xs if gutter == "left" else (w - 1 - xs)
        e = np.exp(-d_out / L)
        d_src = d_out + comp * L * e * 2.0 - comp * L * 2.0 * np.exp(-w / L)
        x_src = d_src if gutter == "left" else (w - 1 - d_src)
        yy = np.arange(h, dtype=np.float32)[:, None]
        cy = h / 2 * (1 + lift * 0.3)
        scale = 1 - k * e[None, :]
        y_src = cy + (yy - cy) / scale
        map_x = np.repeat(x_src[None, :], h, axis=0).astype(np.float32)
        map_y = y_src.astype(np.float32)
        img = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(70, 70, 70))
        shade = 1 - rng.uniform(0.3, 0.6) * np.exp(-d_out / (L * rng.uniform(0.25, 0.5)))
        img = np.clip(img.astype(np.float32) * shade[None, :, None], 0, 255).astype(np.uint8)
        p["curl"] = [gutter, L / w, k, comp, lift]

        # the facing page beyond the gutter: a sliver, foreshortened, darker
        sliver_w = int(w * rng.uniform(0.05, 0.14))
        src_strip = page[:, int(w * 0.1) : int(w * 0.1) + sliver_w * 3]
        if src_strip.shape[1] < 3:
            src_strip = page[:, : max(3, sliver_w * 3)]
        strip = cv2.resize(src_strip, (sliver_w, h), interpolation=cv2.INTER_AREA)
        strip = cv2.GaussianBlur(strip, (0, 0), 1.2)
        ramp = np.linspace(0.45, 0.85, sliver_w, dtype=np.float32)
        if gutter == "left":
            ramp = ramp[::-1]
        strip = np.clip(strip.astype(np.float32) * paper * ramp[None, :, None], 0, 255).astype(np.uint8)
        spread = np.hstack([strip, img]) if gutter == "left" else np.hstack([img, strip])
        p["facing_sliver"] = sliver_w / w

        # the photo: hand-held above the table, window light from one side, HDR halos
        frame_long = rng.choice([2400, 2600, 2800])
        landscape = rng.random() < 0.3
        fw, fh = (frame_long, frame_long * 3 // 4) if landscape else (frame_long * 3 // 4, frame_long)
        wood = (int(nr.uniform(40, 90)), int(nr.uniform(70, 120)), int(nr.uniform(110, 170)))
        bg = t.desk(nr, fh, fw, wood, 8)
        fill = rng.uniform(0.82, 0.95)
        side = rng.choice(["top", "bottom", "left", "right"])
        frame, _ = t.place_on(spread, bg, nr, fill, rng.uniform(-5, 5), rng.uniform(0, 0.1), side, 0.03, 0.01)
        yy2, xx2 = np.mgrid[0:fh, 0:fw].astype(np.float32)
        ang = nr.uniform(0, 2 * np.pi)
        grad = (xx2 / fw - 0.5) * np.cos(ang) + (yy2 / fh - 0.5) * np.sin(ang)
        win = rng.uniform(0.2, 0.45)
        light = (1 + win * grad) * rng.uniform(0.75, 0.95) * t.field(nr, fh, fw, 3, 0.85, 1.0)
        cool = np.array([rng.uniform(0.97, 1.04), 1.0, rng.uniform(0.95, 1.02)], np.float32)
        f = frame.astype(np.float32) * light[..., None] * cool
        frame = np.clip(f, 0, 255).astype(np.uint8)
        frame = cv2.GaussianBlur(frame, (0, 0), rng.uniform(0.5, 1.3))
        frame = t.sensor_noise(frame, nr, rng.uniform(2, 6))
        hdr = rng.uniform(0.2, 0.6)
        frame = t.unsharp(frame, fw / 60, hdr)  # local tone mapping: wide halos round dark areas
        frame = t.unsharp(frame, 1.2, rng.uniform(0.3, 0.9))
        q = rng.randint(78, 92)
        frame = t.jpeg(frame, q)
        p["photo"] = [fw, fh, fill, side, win, hdr, q]
        turn = 0
        if rng.random() < 0.35:
            turn = rng.choice([1, 3])
            frame = t.rotate_quarter(frame, turn)
        p["turned"] = turn
        return frame, p
