"""ho_bitonal: black-and-white pages from a fax line or a bitonal archive scanner.

Two devices share the family, told apart by the resolution drawn for the document:

* 204 dpi is a fax machine (ITU T.4: 204 dots per inch across; 196 lines per inch in fine mode,
  98 in standard mode, where every line is printed twice). The sender's scanner thresholds at a
  fixed level, the paper feed stretches the page a little and unevenly, line errors drop, repeat or
  scramble scan lines, a dirty sender glass draws a black streak down the whole page, and the
  receiving machine prints its header (date, time, sender number) above the page.
* 100, 150 and 200 dpi are a bitonal archive scanner (the mass-digitisation setting that keeps
  files small): fixed or adaptive thresholding, an ordered-dither "halftone" mode, or red dropout
  (the scanner thresholds the red channel so red seals vanish). Thin table rulings break where
  they fall below the threshold.

Output is single-channel 0/255, stored as TIFF (what fax servers and archives keep).
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, mm, np_rng
from .optics import apply_gain, blur, f32, light_field, paper, rotate_bound, smooth_noise, u8
from .seal import RED_INKS, press_seals, signature_spot, stamp

FAX_DPI = 204
BAYER8 = np.array(
    [
        [0, 32, 8, 40, 2, 34, 10, 42],
        [48, 16, 56, 24, 50, 18, 58, 26],
        [12, 44, 4, 36, 14, 46, 6, 38],
        [60, 28, 52, 20, 62, 30, 54, 22],
        [3, 35, 11, 43, 1, 33, 9, 41],
        [51, 19, 59, 27, 49, 17, 57, 25],
        [15, 47, 7, 39, 13, 45, 5, 37],
        [63, 31, 55, 23, 61, 29, 53, 21],
    ],
    np.float32,
)


def _overlaps(centre: tuple[int, int], radius: int, boxes: list) -> bool:
    cx, cy = centre
    return any(x0 - radius < cx < x1 + radius and y0 - radius < cy < y1 + radius for x0, y0, x1, y1 in boxes)


def _seal_clear_of_tables(img: np.ndarray, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> list[dict]:
    """A red seal thresholds to a black blot: on a bitonal page it is stamped only where it hides no
    figure (below the last table when the signature would fall on one), else left off."""
    if not ctx.last:
        return []
    radius = mm(ctx.dpi, 23)
    spot = signature_spot(page, ctx.dpi, rng)
    if _overlaps(spot, radius, ctx.tables_px):
        below = max(y1 for _, y0, _, y1 in ctx.tables_px if y0 < spot[1] + radius) + radius
        spot = (spot[0], below)
        if below > page.shape[0] - radius or _overlaps(spot, radius, ctx.tables_px):
            return [{"where": "signature", "skipped": "would cover a table"}]
    ink = RED_INKS[rng.randrange(len(RED_INKS))]
    return [{"where": "signature", **stamp(img, spot, ctx.dpi, ctx.org, rng, ink)}]


def _feed_stretch(img: np.ndarray, g: np.random.Generator, amount: float) -> np.ndarray:
    """Uneven paper feed: scan lines land a little early or late, so the page stretches in bands."""
    h, w = img.shape[:2]
    wobble = smooth_noise(h, 1, g, 6)[:, 0] * amount
    rows = np.arange(h, dtype=np.float32) * (1 + float(g.uniform(-0.015, 0.015))) + wobble * h
    map_y = np.repeat(np.clip(rows, 0, h - 1)[:, None], w, axis=1).astype(np.float32)
    map_x = np.repeat(np.arange(w, dtype=np.float32)[None, :], h, axis=0)
    return cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderValue=255)


def _line_errors(bw: np.ndarray, rng: random.Random, g: np.random.Generator, bursts: int) -> list[dict]:
    """Corrupted fax lines: lost (white), repeated from the line above, or scrambled with black runs."""
    h, w = bw.shape
    done = []
    for _ in range(bursts if h > 16 else 0):
        r = rng.randrange(1, h - 8)
        n = rng.randint(1, 3)
        kind = rng.choice(("lost", "lost", "repeat", "repeat", "noise"))
        if kind == "lost":
            bw[r : r + n] = 255
        elif kind == "repeat":
            bw[r : r + n] = bw[r - 1]
        else:
            row = np.where(g.random(w) < rng.uniform(0.03, 0.12), 0, 255).astype(np.uint8)
            row = cv2.erode(row[None, :], np.ones((1, 3), np.uint8))[0]
            bw[r : r + n] = np.minimum(bw[r : r + n], row[None, :])
        done.append({"row": r, "rows": n, "kind": kind})
    return done


def _fax_header(w: int, dpi: int, rng: random.Random) -> tuple[np.ndarray, str]:
    """The receiving machine's header line, printed above the page in its bitmap font."""
    month = rng.choice(("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"))
    text = (
        f"{month}-{rng.randint(1, 28):02d}-{rng.randint(2019, 2025)} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}"
        f"   FROM:{rng.choice(('0517', '023', '0471', '0551', '027'))}-{rng.randint(2000000, 89999999)}"
        f"   TO:{rng.randint(60000000, 89999999)}"
    )
    strip = np.full((mm(dpi, 6), w), 255, np.uint8)
    scale = mm(dpi, 2.6) / 22
    cv2.putText(
        strip,
        text,
        (mm(dpi, 8), mm(dpi, 4.5)),
        cv2.FONT_HERSHEY_PLAIN,
        scale * 1.6,
        0,
        max(1, round(scale)),
        cv2.LINE_8,
    )
    return np.where(strip < 128, 0, 255).astype(np.uint8), text


class Bitonal(Family):
    name = "ho_bitonal"
    kind = "tiff"
    dpis = (100, 150, 200, FAX_DPI, FAX_DPI)
    summary = (
        "fax (204 dpi, fine/standard) or bitonal archive scanner (100-200 dpi): thresholded, dithered, line errors"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        if ctx.dpi == FAX_DPI:
            return self._fax(page, rng, ctx)
        return self._archive(page, rng, ctx)

    def _fax(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        img = paper(f32(page), g, (rng.uniform(235, 250),) * 3, rng.uniform(2, 5))
        seals = _seal_clear_of_tables(img, page, rng, ctx)
        lum = cv2.cvtColor(u8(img), cv2.COLOR_BGR2GRAY)
        angle = rng.uniform(-1.2, 1.2)
        lum, _ = rotate_bound(lum, angle, 255)
        stretch = rng.uniform(0.001, 0.004)
        lum = _feed_stretch(lum, g, stretch)
        lum = f32(blur(lum, rng.uniform(0.4, 0.8)))
        standard = rng.random() < 0.5
        if standard:  # 98 lines per inch: half the rows are scanned
            lum = cv2.resize(lum, (lum.shape[1], lum.shape[0] // 2), interpolation=cv2.INTER_AREA)
        level = rng.uniform(125, 170)
        halftone = rng.random() < 0.2
        bw = _dither(lum, 1.0) if halftone else np.where(lum < level, 0, 255).astype(np.uint8)
        errors = _line_errors(bw, rng, g, rng.randint(2, 14))
        if standard:  # the receiver prints each line twice
            bw = np.repeat(bw, 2, axis=0)
        streak = None
        if rng.random() < 0.4 and bw.shape[1] > 2 * mm(dpi, 10) + 2:
            x = rng.randrange(mm(dpi, 10), bw.shape[1] - mm(dpi, 10))
            width = rng.randint(1, 2)
            bw[:, x : x + width] = 0
            streak = x
        bw = _salt_pepper(bw, g, rng.uniform(0.0002, 0.0015))
        header, text = _fax_header(bw.shape[1], dpi, rng)
        bw = np.vstack([header, bw])
        params = {
            "device": "fax",
            "mode": "standard" if standard else "fine",
            "angle": angle,
            "feed_stretch": stretch,
            "threshold": None if halftone else level,
            "halftone": halftone,
            "line_errors": errors,
            "streak_x": streak,
            "header": text,
            "seals": seals,
        }
        return bw, params

    def _archive(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        h, w = page.shape[:2]
        img = paper(
            f32(page), g, (rng.uniform(225, 248), rng.uniform(230, 248), rng.uniform(235, 250)), rng.uniform(3, 7)
        )
        mode = rng.choice(("threshold", "threshold", "adaptive", "halftone", "dropout"))
        if mode == "dropout":  # red vanishes on this scanner: a seal may sit anywhere
            seals = press_seals(img, page, ctx, rng, table_chance=0.5)
        else:
            seals = _seal_clear_of_tables(img, page, rng, ctx)
        depth = rng.uniform(0.05, 0.2)
        img = apply_gain(img, light_field(h, w, g, depth))
        lum = img[..., 2] if mode == "dropout" else cv2.cvtColor(u8(img), cv2.COLOR_BGR2GRAY).astype(np.float32)
        angle = rng.uniform(-2.0, 2.0)
        lum, _ = rotate_bound(u8(lum), angle, 255)
        lum = f32(blur(lum, rng.uniform(0.3, 0.6)))
        level = rng.uniform(115, 165)
        if mode == "adaptive":
            block = mm(dpi, 8) | 1
            bw = cv2.adaptiveThreshold(
                u8(lum), 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, rng.uniform(12, 25)
            )
        elif mode == "halftone":
            bw = _dither(lum, rng.uniform(0.9, 1.1))
        else:
            bw = np.where(lum < level, 0, 255).astype(np.uint8)
        specks = rng.uniform(0.0002, 0.002)
        bw = _salt_pepper(bw, g, specks)
        dirt = _dirt(bw, rng, dpi, ctx, angle)
        params = {
            "device": "archive",
            "mode": mode,
            "angle": angle,
            "light_depth": depth,
            "threshold": level if mode in ("threshold", "dropout") else None,
            "specks": specks,
            "dirt": dirt,
            "seals": seals,
        }
        return bw, params


def _dither(lum: np.ndarray, contrast: float) -> np.ndarray:
    """Ordered (Bayer) dithering, the "halftone" mode of bitonal scanners and fax machines.

    Levels first: paper goes to white and print to black, so only the greys (seals, thin
    rulings, anti-aliased edges) turn into dot patterns.
    """
    h, w = lum.shape
    x = np.clip((lum - 60) / (200 - 60), 0, 1) ** contrast * 255
    tile = np.tile((BAYER8 + 0.5) * 4, (h // 8 + 1, w // 8 + 1))[:h, :w]
    return np.where(x < tile, 0, 255).astype(np.uint8)


def _salt_pepper(bw: np.ndarray, g: np.random.Generator, density: float) -> np.ndarray:
    """Isolated black specks on the paper and white pinholes in the print."""
    noise = g.random(bw.shape)
    bw = bw.copy()
    bw[noise < density] = 0
    bw[noise > 1 - density * 0.5] = 255
    return bw


def _dirt(bw: np.ndarray, rng: random.Random, dpi: int, ctx: PageFacts, angle: float) -> dict:
    """Marks from the archive: toner or dust blobs on the margins, and a fold or border shadow line."""
    h, w = bw.shape
    blobs = 0
    rim = min(mm(dpi, 18), w // 2)
    for _ in range(rng.randint(0, 6)):
        x = rng.choice((rng.randrange(0, rim), rng.randrange(w - rim, w)))
        y = rng.randrange(h)
        r = max(1, round(rng.uniform(0.3, 1.2) * dpi / 100))
        cv2.ellipse(bw, (x, y), (r, max(1, round(r * rng.uniform(0.5, 1.5)))), rng.uniform(0, 180), 0, 360, 0, -1)
        blobs += 1
    edge = None
    if rng.random() < 0.5:  # the sheet's edge shadow along one side of the scan
        edge = rng.choice(("left", "right", "top"))
        t = max(1, round(rng.uniform(1, 4) * dpi / 100))
        jitter = (np.sin(np.arange(max(h, w)) / rng.uniform(20, 60) + rng.uniform(0, math.pi)) * t / 2).astype(int)
        if edge == "left":
            for y in range(h):
                bw[y, : max(1, t + jitter[y])] = 0
        elif edge == "right":
            for y in range(h):
                bw[y, w - max(1, t + jitter[y]) :] = 0
        else:
            for x in range(w):
                bw[: max(1, t + jitter[x]), x] = 0
    return {"blobs": blobs, "edge_shadow": edge}
