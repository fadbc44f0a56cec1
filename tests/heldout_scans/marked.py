"""ho_marked: someone's working copy, fed through the office sheet-feed scanner.

Before it reached the archive the sheet was read and checked: figures ticked, circled or
underlined in ballpoint, rows run over with a highlighter, a word or two written in the margin.
It was punched for a binder and stapled, a cup stood on it, a corner got folded over. The
scanner's feeder adds a little skew, its dark backing shows through the holes and the missing
corner, and it saves colour JPEG inside a PDF.

Marks sit beside figures, around them or across their row, never on top of a digit's strokes:
a person reading the page can still read every number.
"""

from __future__ import annotations

import math
import random
from functools import lru_cache
from pathlib import Path
from typing import Any

import cv2
import numpy as np
from PIL import Image, ImageDraw, ImageFont

from .base import Family, PageFacts, grey, ink_box, mm, np_rng
from .optics import apply_gain, blur, f32, jpeg, light_field, multiply_ink, paper, rotate_bound, sensor_noise, u8
from .seal import press_seals

HAND_FONTS = ("/usr/share/fonts/truetype/arphic/ukai.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc")
"""A kai (brush-hand) face passes for quick handwriting; None of them installed: no margin notes."""
PENS = {"blue": (150, 60, 25), "black": (45, 40, 40), "red": (50, 40, 200)}
HIGHLIGHTERS = {"yellow": (70, 240, 255), "green": (130, 245, 150), "pink": (200, 150, 255)}
NOTES = ("已核", "核对", "已阅", "?", "对", "待核实", "同意")


@lru_cache(maxsize=8)
def _hand_font(size: int) -> ImageFont.FreeTypeFont | None:
    path = next((p for p in HAND_FONTS if Path(p).exists()), None)
    return ImageFont.truetype(path, size) if path else None


def figures(
    page: np.ndarray, tables: list[tuple[int, int, int, int]], dpi: int
) -> tuple[list[tuple[int, int, int, int]], np.ndarray]:
    """Boxes of the words and figures printed in table cells (rulings removed), and the ink mask."""
    ink = (grey(page) < 170).astype(np.uint8)
    found = []
    span = mm(dpi, 8)
    for x0, y0, x1, y1 in tables:
        x0, y0 = max(0, x0), max(0, y0)
        sub = ink[y0:y1, x0:x1]
        if sub.size == 0:
            continue
        lines = cv2.morphologyEx(sub, cv2.MORPH_OPEN, np.ones((1, span), np.uint8)) | cv2.morphologyEx(
            sub, cv2.MORPH_OPEN, np.ones((span, 1), np.uint8)
        )
        text = sub & (1 - cv2.dilate(lines, np.ones((3, 3), np.uint8)))
        words = cv2.dilate(text, np.ones((1, max(3, mm(dpi, 1.2))), np.uint8))
        n, _, stats, _ = cv2.connectedComponentsWithStats(words, connectivity=8)
        for i in range(1, n):
            x, y, w, h, _area = stats[i]
            if mm(dpi, 1.5) <= h <= mm(dpi, 5) and w <= mm(dpi, 25):
                found.append((x0 + x, y0 + y, x0 + x + w, y0 + y + h))
    return found, ink


def _clear(ink: np.ndarray, box: tuple[int, int, int, int], pad: int = 0) -> bool:
    x0, y0, x1, y1 = box
    h, w = ink.shape
    x0, y0, x1, y1 = max(0, x0 - pad), max(0, y0 - pad), min(w, x1 + pad), min(h, y1 + pad)
    return x1 > x0 and y1 > y0 and not ink[y0:y1, x0:x1].any()


def _stroke(layer: np.ndarray, pts: np.ndarray, width: float, g: np.random.Generator) -> None:
    """A ballpoint stroke on a coverage layer: antialiased, pressure varying, small skips."""
    pts = pts + g.normal(0, width * 0.15, pts.shape)
    tmp = np.zeros(layer.shape, np.uint8)  # OpenCV antialiases 8-bit images only
    cv2.polylines(tmp, [np.round(pts * 4).astype(np.int32)], False, 255, max(1, round(width)), cv2.LINE_AA, shift=2)
    skips = np.clip(0.75 + 0.5 * g.random(tmp.shape).astype(np.float32), 0, 1)
    np.maximum(layer, tmp.astype(np.float32) / 255 * skips, out=layer)


def _tick(box: tuple[int, int, int, int], dpi: int, rng: random.Random) -> np.ndarray:
    """A quick check mark just right of a figure: short stroke down, long stroke up, slightly bowed."""
    _, y0, x1, y1 = box
    h = (y1 - y0) * rng.uniform(1.1, 1.6)
    cx, cy = x1 + mm(dpi, 1.5), (y0 + y1) / 2
    a = np.array([cx, cy - h * 0.05])
    b = np.array([cx + h * 0.3, cy + h * 0.4])
    c = np.array([cx + h * rng.uniform(0.8, 1.1), cy - h * rng.uniform(0.5, 0.8)])
    t = np.linspace(0, 1, 8)[:, None]
    bow = np.sin(t * math.pi) * np.array([h * 0.06, h * 0.04])
    return np.vstack([a + (b - a) * t, b + (c - b) * t + bow])


def _ellipse(box: tuple[int, int, int, int], dpi: int, rng: random.Random) -> np.ndarray:
    x0, y0, x1, y1 = box
    pad = mm(dpi, 1.2)
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    rx, ry = (x1 - x0) / 2 + pad * 1.5, (y1 - y0) / 2 + pad
    start = rng.uniform(0, 2 * math.pi)
    t = np.linspace(start, start + 2 * math.pi * rng.uniform(1.05, 1.2), 60)
    wobble = 1 + 0.06 * np.sin(t * 3 + rng.uniform(0, 6))
    return np.c_[cx + rx * wobble * np.cos(t), cy + ry * wobble * np.sin(t)]


def _underline(box: tuple[int, int, int, int], dpi: int, rng: random.Random) -> np.ndarray:
    x0, _, x1, y1 = box
    y = y1 + mm(dpi, 0.9)
    xs = np.linspace(x0 - mm(dpi, 1), x1 + mm(dpi, 2), 12)
    return np.c_[xs, y + np.sin(xs / mm(dpi, 6)) * mm(dpi, 0.3) + np.linspace(0, rng.uniform(-1, 1) * mm(dpi, 0.8), 12)]


def pen_marks(
    img: np.ndarray, boxes: list, ink: np.ndarray, dpi: int, rng: random.Random, g: np.random.Generator
) -> dict:
    """Ticks, circles and underlines around some figures, in one pen."""
    pen = rng.choice(tuple(PENS))
    layer = np.zeros(ink.shape, np.float32)
    width = max(1.0, dpi * 0.4 / 25.4)
    done = {"tick": 0, "circle": 0, "underline": 0}
    picks = rng.sample(boxes, min(len(boxes), rng.randint(3, 10)))
    for box in picks:
        x0, y0, x1, y1 = box
        kind = rng.choice(("tick", "tick", "circle", "underline"))
        h = y1 - y0
        if kind == "tick":
            room = (x1 + mm(dpi, 0.8), y0 - h // 2, x1 + mm(dpi, 1.5) + int(h * 1.2), y1 + h // 4)
            if not _clear(ink, room):
                continue
            pts = _tick(box, dpi, rng)
        elif kind == "circle":
            ring = (x0 - mm(dpi, 3), y0 - mm(dpi, 2.5), x1 + mm(dpi, 3), y1 + mm(dpi, 2.5))
            inside = ink[max(0, ring[1]) : ring[3], max(0, ring[0]) : ring[2]].copy()
            inside[max(0, y0 - ring[1]) : y1 - ring[1], max(0, x0 - ring[0]) : x1 - ring[0]] = 0
            # rulings may pass under the loop, other words may not
            lines = cv2.morphologyEx(inside, cv2.MORPH_OPEN, np.ones((1, mm(dpi, 5)), np.uint8)) | cv2.morphologyEx(
                inside, cv2.MORPH_OPEN, np.ones((mm(dpi, 5), 1), np.uint8)
            )
            if (inside & (1 - cv2.dilate(lines, np.ones((3, 3), np.uint8)))).any():
                continue
            pts = _ellipse(box, dpi, rng)
        else:
            if not _clear(ink, (x0 - mm(dpi, 1), y1 + mm(dpi, 0.3), x1 + mm(dpi, 2), y1 + mm(dpi, 1.6))):
                continue
            pts = _underline(box, dpi, rng)
        _stroke(layer, pts, width, g)
        done[kind] += 1
    multiply_ink(img, layer * rng.uniform(0.75, 0.95), PENS[pen], 0, 0)
    return {"pen": pen, **done}


def highlight_rows(
    img: np.ndarray, boxes: list, tables: list, dpi: int, rng: random.Random, g: np.random.Generator
) -> dict:
    """A highlighter run along one to three table rows (two passes, ragged ends)."""
    if not boxes:
        return {"rows": 0}
    colour = rng.choice(tuple(HIGHLIGHTERS))
    h, w = img.shape[:2]
    layer = np.zeros((h, w), np.float32)
    rows = rng.sample(boxes, min(len(boxes), rng.randint(1, 3)))
    for x0, y0, x1, y1 in rows:
        table = next((t for t in tables if t[0] <= x0 and x1 <= t[2] and t[1] <= y0 and y1 <= t[3]), (x0, y0, x1, y1))
        start = rng.uniform(table[0], x0)
        end = rng.uniform(x1, table[2])
        mid = (y0 + y1) / 2
        half = max((y1 - y0) * 0.75, mm(dpi, 2.2))
        for _ in range(rng.choice((1, 2))):
            off = rng.uniform(-0.2, 0.2) * half
            xs = np.linspace(start, end, 30)
            ys = mid + off + np.linspace(0, rng.uniform(-0.3, 0.3) * half, 30)
            poly = np.r_[
                np.c_[xs, ys - half + g.normal(0, half * 0.05, 30)],
                np.c_[xs[::-1], ys[::-1] + half + g.normal(0, half * 0.05, 30)],
            ]
            tmp = np.zeros((h, w), np.uint8)
            cv2.fillPoly(tmp, [np.round(poly * 4).astype(np.int32)], 255, cv2.LINE_AA, shift=2)
            streaks = 0.85 + 0.15 * cv2.GaussianBlur(g.random((h, 1)).astype(np.float32), (0, 0), 2)
            layer = np.clip(layer + tmp.astype(np.float32) / 255 * rng.uniform(0.45, 0.6) * streaks, 0, 0.85)
    multiply_ink(img, layer, HIGHLIGHTERS[colour], 0, 0)
    return {"colour": colour, "rows": len(rows)}


def margin_note(img: np.ndarray, ink: np.ndarray, boxes: list, dpi: int, rng: random.Random) -> str | None:
    """A word or two in the right margin beside a table row, in the reviewer's pen."""
    font = _hand_font(mm(dpi, rng.uniform(4.5, 6.5)))
    if font is None or not boxes:
        return None
    text = rng.choice(NOTES)
    _, y0, _, y1 = rng.choice(boxes)
    right = int(np.nonzero(ink.any(axis=0))[0].max()) if ink.any() else ink.shape[1] // 2
    size = font.size
    tw, th = size * len(text) + 8, size * 2
    x = right + mm(dpi, 2)
    if x + tw > ink.shape[1] - mm(dpi, 3):
        return None
    y = max(0, (y0 + y1) // 2 - th // 2)
    cover = Image.new("L", (tw, th), 0)
    ImageDraw.Draw(cover).text((2, th // 2), text, fill=255, font=font, anchor="lm")
    cover = cover.rotate(rng.uniform(-8, 8), resample=Image.BILINEAR)
    pen = rng.choice(tuple(PENS))
    multiply_ink(img, np.asarray(cover, np.float32) / 255 * 0.9, PENS[pen], x, y)
    return text


def coffee_ring(img: np.ndarray, dpi: int, rng: random.Random, g: np.random.Generator) -> dict:
    """A cup's ring: dried coffee collects at the rim, the inside is a faint wash."""
    h, w = img.shape[:2]
    r = mm(dpi, rng.uniform(30, 42))
    cx, cy = rng.randrange(w), rng.randrange(h)
    ys, xs = np.ogrid[-r - 10 : r + 11, -r - 10 : r + 11]
    d = np.sqrt(xs**2 + ys**2).astype(np.float32) / r
    width = rng.uniform(0.015, 0.04)
    rim = np.exp(-(((d - 1) / width) ** 2))
    wash = (d < 1).astype(np.float32) * rng.uniform(0.03, 0.1)
    arc = np.ones_like(d)
    if rng.random() < 0.5:  # only part of the rim touched the paper
        ang = np.arctan2(ys, xs)
        arc = (np.cos(ang - rng.uniform(-math.pi, math.pi)) > rng.uniform(-0.6, 0.2)).astype(np.float32)
        arc = cv2.GaussianBlur(arc, (0, 0), r * 0.05)
    cover = np.clip((rim * rng.uniform(0.2, 0.35) * arc + wash) * (0.8 + 0.2 * g.random(d.shape)), 0, 1).astype(
        np.float32
    )
    cover = cv2.GaussianBlur(cover, (0, 0), 1.0)
    multiply_ink(img, cover, (80, 130, 185), cx - r - 10, cy - r - 10)
    return {"centre": [cx, cy], "radius_px": r}


def holes_and_staple(page_ink: tuple[int, int, int, int], shape: tuple[int, int], dpi: int, rng: random.Random) -> dict:
    """Where a two-hole punch and a staple went, if the margins leave room (nothing printed under them)."""
    h = shape[0]
    x0, y0, _, _ = page_ink
    out: dict[str, Any] = {"holes": [], "staple": None}
    centre_x = mm(dpi, rng.uniform(9, 13))
    radius = mm(dpi, 3)
    if centre_x + radius + mm(dpi, 2) < x0:
        gap = mm(dpi, 80) / 2
        cy = h / 2 + mm(dpi, rng.uniform(-4, 4))
        out["holes"] = [[centre_x, round(cy - gap)], [centre_x, round(cy + gap)]]
        out["hole_radius"] = radius
    if mm(dpi, 20) < min(x0, y0) and rng.random() < 0.7:
        at = mm(dpi, rng.uniform(6, 10))
        # archives pull staples before scanning; often only the two punctures are left
        out["staple"] = {
            "at": [at, at],
            "angle": rng.uniform(30, 60),
            "length": mm(dpi, 12),
            "removed": rng.random() < 0.6,
        }
    return out


def draw_holes(img: np.ndarray, alpha: np.ndarray, spec: dict, rng: random.Random) -> None:
    """Punch the holes (alpha 0: the scanner backing shows) and draw the staple on the paper."""
    gone = np.zeros(alpha.shape, np.uint8)
    for cx, cy in spec["holes"]:
        cv2.circle(gone, (cx, cy), spec["hole_radius"], 255, -1, cv2.LINE_AA)
        if rng.random() < 0.2:  # torn out toward the edge
            cv2.rectangle(gone, (0, cy - spec["hole_radius"] // 2), (cx, cy + spec["hole_radius"] // 2), 255, -1)
    np.minimum(alpha, 1 - gone.astype(np.float32) / 255, out=alpha)
    st = spec["staple"]
    if st:
        (x, y), a, length = st["at"], math.radians(st["angle"]), st["length"]
        p0 = np.array([x, y + length * math.sin(a)])
        p1 = p0 + np.array([length * math.cos(a), -length * math.sin(a)])
        thick = max(2, length // 16)
        pts = np.round(np.array([p0, p1])).astype(np.int32)
        if st["removed"]:
            for p in pts:
                cv2.circle(gone, tuple(p), max(1, thick // 2), 255, -1, cv2.LINE_AA)
            np.minimum(alpha, 1 - gone.astype(np.float32) / 255, out=alpha)
            cv2.line(img, tuple(pts[0]), tuple(pts[1]), (200, 200, 200), max(1, thick // 2), cv2.LINE_8)  # its dent
            return
        cv2.line(img, tuple(pts[0] + 2), tuple(pts[1] + 2), (150, 150, 150), thick + 2, cv2.LINE_8)  # its shadow
        cv2.line(img, tuple(pts[0]), tuple(pts[1]), (95, 95, 100), thick, cv2.LINE_8)
        cv2.line(img, tuple(pts[0] - 1), tuple(pts[1] - 1), (215, 215, 220), max(1, thick // 3), cv2.LINE_8)


def dog_ear(img: np.ndarray, alpha: np.ndarray, ink: np.ndarray, dpi: int, rng: random.Random) -> dict | None:
    """A corner folded over: it is missing (backing shows) and the flap, back side up, covers the
    triangle next to it. Only where both triangles are blank paper."""
    h, w = ink.shape
    leg = mm(dpi, rng.uniform(12, 25))
    corner = rng.choice(("top-right", "bottom-right", "bottom-left"))
    cx = w - 1 if "right" in corner else 0
    cy = 0 if "top" in corner else h - 1
    sx = -1 if "right" in corner else 1
    sy = 1 if "top" in corner else -1
    a = (cx + sx * leg, cy)
    b = (cx, cy + sy * leg)
    lost = np.array([(cx, cy), a, b], np.int32)
    flap = np.array([a, b, (cx + sx * leg, cy + sy * leg)], np.int32)
    region = np.zeros((h, w), np.uint8)
    cv2.fillPoly(region, [lost, flap], 1)
    if (ink & region).any():
        return None
    cv2.fillPoly(alpha, [lost], 0.0)
    back = rng.uniform(200, 225)  # the sheet's blank back, in the shade of the fold
    cv2.fillPoly(img, [flap], (back, back, back))
    cv2.line(img, a, b, (150, 150, 150), max(1, dpi // 150))
    return {"corner": corner, "leg_px": leg}


class Marked(Family):
    name = "ho_marked"
    kind = "pdf"
    dpis = (200, 300)
    summary = "a reader's working copy: ticks/circles, highlighter, margin notes, holes, staple, stain, dog-ear; ADF colour scan"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        h, w = page.shape[:2]
        img = paper(f32(page), g, (rng.uniform(232, 246), rng.uniform(236, 248), rng.uniform(238, 250)), 2.0)
        boxes, ink = figures(page, ctx.tables_px, dpi)
        seals = press_seals(img, page, ctx, rng, table_chance=0.0)
        marks: dict[str, Any] = {}
        if boxes and rng.random() < 0.6:
            marks["highlighter"] = highlight_rows(img, boxes, ctx.tables_px, dpi, rng, g)
        if boxes and rng.random() < 0.8:
            marks["pen"] = pen_marks(img, boxes, ink, dpi, rng, g)
        if rng.random() < 0.35:
            marks["note"] = margin_note(img, ink, boxes, dpi, rng)
        if rng.random() < 0.3:
            marks["coffee"] = coffee_ring(img, dpi, rng, g)
        alpha = np.ones((h, w), np.float32)
        binding = holes_and_staple(ink_box(page), (h, w), dpi, rng)
        draw_holes(img, alpha, binding, rng)
        ear = dog_ear(img, alpha, ink, dpi, rng) if rng.random() < 0.3 else None

        # the sheet-feed scanner: dark backing where there is no paper, a little skew, JPEG
        backing = rng.uniform(25, 70)
        img = img * alpha[..., None] + backing * (1 - alpha[..., None])
        angle = rng.uniform(-1.5, 1.5)
        img, _ = rotate_bound(u8(img), angle, (backing,) * 3)
        img = f32(img)
        depth = rng.uniform(0.03, 0.1)
        img = apply_gain(img, light_field(img.shape[0], img.shape[1], g, depth))
        img = blur(img, rng.uniform(0.4, 0.8) * dpi / 200)
        img = sensor_noise(img, g, rng.uniform(1.0, 3.0), chroma=0.8)
        quality = rng.randint(65, 88)
        img = jpeg(img, quality)
        params = {
            "figures_found": len(boxes),
            **marks,
            "binding": binding,
            "dog_ear": ear,
            "backing": backing,
            "angle": angle,
            "light_depth": depth,
            "jpeg": quality,
            "seals": seals,
        }
        return u8(img), params
