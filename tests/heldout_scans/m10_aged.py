"""A colour scan of an aged file copy: yellowed, foxed, water-stained, the back page showing through.

The paper copy kept in a 档案室 for ten or fifteen years on cheap 70 g paper, printed both sides (or
filed against another sheet), then scanned in colour by an outsourced digitisation firm with a
mis-set colour profile. What the scan holds:

- paper yellowed to brown, darker at the edges (acid burn along the edges that were exposed);
- foxing: clusters of rust-brown spots with dark cores, some on the tables;
- a tide line where the file once got wet: a pale-brown blob with a darker ring at its edge;
- a fold across the page (it was posted folded): a dark crease line with a light shoulder;
- show-through of the BACK page: its print mirrored and blurred by the paper, 10-30 % as strong as
  the front, offset so its rulings and digits fall between the front's (mirrored ghost tables);
- the front print faded unevenly (dye-based ink goes brownish where the light reached it);
- what the archive added: the red filing stamp (归档章: a small ruled box of fonds / year /
  retention / item numbers, filled in by hand) in the top margin, a pencilled folio number in
  the corner, a rusted staple with its halo at the top left;
- the scanner's wrong profile: either crushed shadows (dark paper tone pushed towards the ink) or
  blown highlights (light print thinned), plus a colour cast; colour JPEG with 4:2:0 chroma.

Every number on the front stays readable; the back's mirrored ghosts are the trap.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, mm, np_rng
from .m10_tools import draw_text, jpeg, low_freq, rotate, tables_union


class Aged(Family):
    name = "ho10_aged"
    kind = "jpg"
    dpis = (150, 150, 200, 200, 300)
    summary = (
        "aged file copy scanned in colour: yellowing, foxing, tide line, fold, mirrored show-through, wrong profile"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        dpi = int(ctx.dpi)
        h, w = page.shape[:2]
        front_ink = 1.0 - page.astype(np.float32).mean(axis=2) / 255.0  # 0 paper .. 1 black

        # 1. the back page: this page mirrored, shifted so its rows fall between the front's.
        dy = rng.randint(mm(dpi, 2), mm(dpi, 25)) * rng.choice((-1, 1))
        dx = rng.randint(-mm(dpi, 8), mm(dpi, 8))
        back = front_ink[:, ::-1]
        m = np.float32([[1, 0, dx], [0, 1, dy]])
        back = cv2.warpAffine(back, m, (w, h), borderValue=0)
        back = cv2.GaussianBlur(back, (0, 0), rng.uniform(0.8, 1.8) * dpi / 200)
        show = rng.uniform(0.10, 0.30)

        # 2. the front print faded unevenly (more on the side that lay in the light).
        light_side = rng.choice(("left", "right", "top", "bottom"))
        ramp = np.linspace(1, 0, w if light_side in ("left", "right") else h, dtype=np.float32)
        if light_side in ("right", "bottom"):
            ramp = ramp[::-1]
        ramp = ramp[None, :] if light_side in ("left", "right") else ramp[:, None]
        fade_max = rng.uniform(0.15, 0.40)
        fade = fade_max * (0.6 * ramp + 0.4 * low_freq(nrng, (h, w), 4))
        ink = front_ink * (1.0 - fade)

        # 3. the paper: yellowed, mottled, edges burnt.
        tint = np.array([rng.uniform(150, 195), rng.uniform(198, 225), rng.uniform(222, 240)], np.float32)  # BGR
        mottle = low_freq(nrng, (h, w), rng.randint(6, 14)) - 0.5
        paper = tint[None, None, :] * (1.0 + 0.06 * mottle[..., None])
        yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
        edge_d = np.minimum(np.minimum(xx, w - 1 - xx), np.minimum(yy, h - 1 - yy))
        ragged = mm(dpi, rng.uniform(4, 14)) * (0.6 + 0.8 * low_freq(nrng, (h, w), 20))
        burn = np.clip(1.0 - edge_d / np.maximum(ragged, 1), 0, 1) ** 1.5 * rng.uniform(0.15, 0.35)
        paper *= 1.0 - burn[..., None] * np.array([0.9, 0.6, 0.35], np.float32)

        # 4. foxing: spots and clusters; a tide line; a fold.
        stain = np.zeros((h, w), np.float32)
        n_clusters = rng.randint(2, 8)
        spots = 0
        for _ in range(n_clusters):
            cx, cy = rng.randrange(w), rng.randrange(h)
            for _ in range(rng.randint(2, 12)):
                sx = int(np.clip(cx + nrng.normal(0, mm(dpi, 12)), 0, w - 1))
                sy = int(np.clip(cy + nrng.normal(0, mm(dpi, 12)), 0, h - 1))
                r = max(1, mm(dpi, rng.uniform(0.3, 3.0)))
                halo = rng.uniform(0.15, 0.4)
                for _ in range(rng.randint(3, 7)):  # an irregular spot: overlapping blots
                    jx, jy = int(sx + nrng.normal(0, r / 2)), int(sy + nrng.normal(0, r / 2))
                    cv2.circle(stain, (jx, jy), max(1, int(r * rng.uniform(0.4, 0.9))), halo, -1, cv2.LINE_AA)
                cv2.circle(stain, (sx, sy), max(1, r // 3), rng.uniform(0.45, 0.75), -1, cv2.LINE_AA)
                spots += 1
        stain = cv2.GaussianBlur(stain, (0, 0), max(1.0, dpi / 120))
        tide = rng.random() < 0.65
        if tide:
            blob = (low_freq(nrng, (h, w), rng.randint(3, 5)) > rng.uniform(0.6, 0.75)).astype(np.uint8)
            ring = cv2.morphologyEx(blob, cv2.MORPH_GRADIENT, np.ones((3, 3), np.uint8)).astype(np.float32)
            ring = cv2.GaussianBlur(cv2.dilate(ring, np.ones((mm(dpi, 1.2),) * 2, np.uint8)), (0, 0), mm(dpi, 0.6))
            stain += 0.12 * cv2.GaussianBlur(blob.astype(np.float32), (0, 0), mm(dpi, 2)) + 0.35 * ring
        stain = np.clip(stain, 0, 0.85)
        # over the tables a stain never gets dark enough to drown the print (an archivist reads it)
        stain = np.where(tables_union(ctx.tables_px, (h, w)), np.minimum(stain, 0.45), stain)
        brown = np.array([40, 80, 130], np.float32)
        paper = paper * (1 - stain[..., None]) + brown * stain[..., None]

        fold = rng.random() < 0.6
        if fold:
            horizontal = rng.random() < 0.7
            pos = rng.uniform(0.3, 0.7) * (h if horizontal else w)
            coord = yy if horizontal else xx
            d = (coord - pos) / max(1, mm(dpi, 0.5))
            crease = 0.35 * np.exp(-(d**2)) - 0.06 * np.exp(-((d - 3) ** 2) / 4)
            paper *= 1.0 - crease[..., None]

        # 5. compose: ink colour (brownish black where faded), show-through under it.
        ink_colour = np.array([rng.uniform(15, 35), rng.uniform(20, 40), rng.uniform(25, 55)], np.float32)
        base = paper * (1.0 - show * back[..., None])
        img = base * (1.0 - ink[..., None]) + ink_colour * ink[..., None]
        img, archive_marks = _archive_marks(img, rng, ctx, dpi)

        # 6. the scanner with a wrong profile, and its colour cast.
        profile = rng.choice(("crushed", "blown", "cast"))
        x = np.clip(img / 255.0, 0, 1)
        if profile == "crushed":
            gamma = rng.uniform(1.4, 1.9)
            x = x**gamma
        elif profile == "blown":
            gamma = rng.uniform(0.6, 0.8)
            x = np.clip(x**gamma * rng.uniform(1.0, 1.06), 0, 1)
        else:
            gamma = 1.0
        cast = np.array([rng.uniform(0.9, 1.02), rng.uniform(0.97, 1.02), rng.uniform(1.0, 1.08)], np.float32)
        x = np.clip(x * cast, 0, 1)
        img = (x * 255 + nrng.normal(0, 3, x.shape)).clip(0, 255).astype(np.uint8)
        skew = rng.uniform(-1.0, 1.0)
        img = rotate(img, skew, (235, 235, 235))
        img = cv2.GaussianBlur(img, (0, 0), 0.5 * dpi / 200)
        quality = rng.randint(30, 60)
        img = jpeg(img, quality)
        params = {
            "back_offset_px": [dx, dy],
            "show_through": show,
            "fade_side": light_side,
            "fade_max": fade_max,
            "paper_tint": tint.tolist(),
            "foxing_spots": spots,
            "tide_line": tide,
            "fold": fold,
            "archive_marks": archive_marks,
            "profile": profile,
            "gamma": gamma,
            "cast": cast.tolist(),
            "skew": skew,
            "jpeg_quality": quality,
        }
        return img, params


def _archive_marks(img: np.ndarray, rng: random.Random, ctx: PageFacts, dpi: int) -> tuple[np.ndarray, list[Any]]:
    """The archive's own marks, kept clear of the tables: filing stamp, folio number, staple."""
    h, w = img.shape[:2]
    tables = tables_union(ctx.tables_px, (h, w))
    marks: list[Any] = []
    hand = cv2.FONT_HERSHEY_SCRIPT_SIMPLEX

    def free(x0: int, y0: int, x1: int, y1: int) -> bool:
        return x0 >= 0 and y0 >= 0 and x1 <= w and y1 <= h and not tables[y0:y1, x0:x1].any()

    if rng.random() < 0.7:  # 归档章: 2 rows x 3 cells, red, printed labels as strokes, digits by hand
        cw, ch = mm(dpi, rng.uniform(11, 14)), mm(dpi, rng.uniform(5.5, 7))
        sw, sh = 3 * cw, 2 * ch
        x0 = w - sw - mm(dpi, rng.uniform(12, 30))
        y0 = mm(dpi, rng.uniform(5, 14))
        if free(x0, y0, x0 + sw, y0 + sh):
            red = np.array([rng.uniform(40, 80), rng.uniform(40, 70), rng.uniform(170, 215)], np.float32)
            layer = np.zeros((h, w), np.float32)
            t = max(1, mm(dpi, 0.35))
            for r in range(3):
                cv2.line(layer, (x0, y0 + r * ch), (x0 + sw, y0 + r * ch), 1.0, t)
            for c in range(4):
                cv2.line(layer, (x0 + c * cw, y0), (x0 + c * cw, y0 + sh), 1.0, t)
            labels = np.full((sh, sw, 3), 255, np.uint8)  # the printed field names
            for c, label in enumerate(rng.choice((("全宗号", "年度", "件号"), ("档号", "年度", "保管期限")))):
                labels = draw_text(
                    labels, (c * cw + mm(dpi, 1.0), mm(dpi, 0.8)), label, max(8, mm(dpi, 2.6)), (0, 0, 0)
                )
            layer[y0 : y0 + sh, x0 : x0 + sw] = np.maximum(
                layer[y0 : y0 + sh, x0 : x0 + sw], 1.0 - labels[..., 1].astype(np.float32) / 255.0
            )
            img = img * (1 - 0.8 * layer[..., None]) + red * 0.8 * layer[..., None]
            pen = np.array([rng.uniform(90, 140), rng.uniform(40, 70), rng.uniform(20, 50)], np.float32)  # blue-black
            fields = [
                str(rng.randint(1, 399)),
                str(rng.randint(2015, 2025)),
                rng.choice(("10", "30", "Y")),
                str(rng.randint(1, 80)),
            ]
            hw = np.zeros((h, w), np.uint8)
            for c, text in enumerate(fields[:3]):
                cv2.putText(
                    hw,
                    text,
                    (x0 + c * cw + mm(dpi, 1.2), y0 + 2 * ch - mm(dpi, 1.2)),
                    hand,
                    dpi / 220,
                    255,
                    max(1, dpi // 100),
                    cv2.LINE_AA,
                )
            hwf = hw.astype(np.float32)[..., None] / 255.0
            img = img * (1 - 0.85 * hwf) + pen * 0.85 * hwf
            marks.append(["filing_stamp", x0, y0, sw, sh])
    if rng.random() < 0.6:  # the folio number in pencil, top right corner
        fx, fy = w - mm(dpi, rng.uniform(10, 18)), mm(dpi, rng.uniform(6, 12))
        if free(fx - mm(dpi, 2), fy - mm(dpi, 5), min(w, fx + mm(dpi, 9)), fy + mm(dpi, 2)):
            layer = np.zeros((h, w), np.uint8)
            cv2.putText(
                layer, str(rng.randint(1, 240)), (fx, fy), hand, dpi / 180, 255, max(1, dpi // 120), cv2.LINE_AA
            )
            lf = layer.astype(np.float32)[..., None] / 255.0
            img = img * (1 - 0.55 * lf) + 90 * 0.55 * lf
            marks.append(["folio", fx, fy])
    if rng.random() < 0.5:  # a rusted staple at the top left, its halo spreading into the paper
        sx, sy = mm(dpi, rng.uniform(8, 15)), mm(dpi, rng.uniform(8, 15))
        length = mm(dpi, 12)
        ang = np.deg2rad(rng.uniform(30, 60))
        ex, ey = int(sx + length * np.cos(ang)), int(sy + length * np.sin(ang))
        if free(min(sx, ex) - mm(dpi, 4), min(sy, ey) - mm(dpi, 4), max(sx, ex) + mm(dpi, 4), max(sy, ey) + mm(dpi, 4)):
            halo = np.zeros((h, w), np.float32)
            cv2.line(halo, (sx, sy), (ex, ey), 1.0, mm(dpi, 2.5))
            halo = cv2.GaussianBlur(halo, (0, 0), mm(dpi, 1.2)) * 0.45
            rust = np.array([30, 70, 140], np.float32)
            img = img * (1 - halo[..., None]) + rust * halo[..., None]
            wire = np.zeros((h, w), np.float32)
            cv2.line(wire, (sx, sy), (ex, ey), 1.0, max(2, mm(dpi, 0.7)))
            img = img * (1 - 0.8 * wire[..., None]) + np.array([60, 60, 70], np.float32) * 0.8 * wire[..., None]
            marks.append(["staple", sx, sy, ex, ey])
    return img, marks
