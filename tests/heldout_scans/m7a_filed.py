"""ho7_filed: a report that lived years in an archive box before a digitisation service scanned it.

What the paper collected on its way: two punched holes and a staple (or the holes of one pulled
out); the folds of an envelope; yellowing and foxing; the red 归档章 box of the archivist with
the file numbers written in by hand; a received-document stamp; the issuing body's round seal on
the last page; a reviewer's ticks beside table rows and circles round figures; a pencilled folio
number in the corner; marginal notes and a yellow sticky note. Pages bound in a volume are shot
on an overhead scanner: the gutter curls and darkens, the facing page intrudes at the edge and
a fingertip holds the sheet down. The master is kept lossless (PNG) in grey or colour. None of it
hides a figure, but all of it is ink a reader must learn to ignore, some of it inside the tables.
"""

from __future__ import annotations

import math
import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, ink_box, mm, np_rng
from .m7a_tools import Box, free_spot, hand_stroke, ink, round_seal, smooth_field, text_mask

RED = (40, 40, 200)
BLUE_PEN = (150, 60, 20)
BLACK_PEN = (50, 40, 40)
PENCIL = (110, 110, 110)
NOTES = ("核对无误", "已阅", "请归档", "数据已核", "同意公开", "存档备查", "此页复印一份", "送办公室", "阅 请存")


class Filed(Family):
    """Paper that lived in an archive box, digitised losslessly (see the module)."""

    name = "ho7_filed"
    kind = "png"
    dpis = (300, 400)
    summary = "archived paper: holes, staple, folds, foxing, 归档章/收文章/seal, ticks and circles, notes, sticky note, overhead-scanner gutter"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        tables = [tuple(int(v) for v in b) for b in ctx.tables_px]
        img = _aged_paper(page, dpi, rng, g)
        params: dict[str, Any] = {"holes": _punch_holes(img, dpi, rng), "staple": _staple(img, dpi, rng)}
        params["folds"] = _folds(img, dpi, rng)
        pen = rng.choice([BLUE_PEN, BLACK_PEN, PENCIL])
        params["ticks"] = _ticks(img, tables, dpi, pen, rng, g)
        params["circles"] = _circles(img, tables, dpi, pen, rng, g)
        stamps = []
        if rng.random() < 0.2:  # stamped on an item's first sheet, which the page does not know
            stamps.append(_archive_stamp(img, tables, dpi, rng, g))
        if rng.random() < 0.35:
            stamps.append(_received_stamp(img, tables, dpi, ctx.org, rng))
        if ctx.last:
            stamps.append(_seal(img, tables, dpi, ctx.org, rng))
        params["stamps"] = [s for s in stamps if s]
        params["folio"] = _folio(img, dpi, rng, g)
        params["notes"] = _notes(img, tables, dpi, pen, rng)
        params["sticky"] = _sticky_note(img, tables, dpi, rng)
        img, params["bound"] = _overhead_scan(img, tables, dpi, rng)
        img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.9))
        noise = g.standard_normal(img.shape, dtype=np.float32) * 2.0
        out = cv2.add(img, noise, dtype=cv2.CV_8U)
        params["colour"] = rng.random() < 0.6
        return (out if params["colour"] else grey(out)), params


def _aged_paper(page: np.ndarray, dpi: int, rng: random.Random, g: np.random.Generator) -> np.ndarray:
    """Yellowed, unevenly toned paper with brown foxing spots; ink a little faded."""
    fade = rng.uniform(0.8, 1.0)
    faded = cv2.LUT(page, np.clip(255 - (255 - np.arange(256)) * fade, 0, 255).astype(np.uint8))
    tone = np.array([rng.uniform(0.8, 0.9), rng.uniform(0.93, 0.98), rng.uniform(0.98, 1.0)])  # B, G, R: yellowed
    field = smooth_field(page.shape[:2], 4, 0.93, 1.0, g)
    out = cv2.multiply(faded, cv2.merge([field * float(t) for t in tone]), dtype=cv2.CV_8U)
    h, w = out.shape[:2]
    for _ in range(rng.randint(0, 30)):
        r = mm(dpi, rng.uniform(0.3, 2.0))
        spot = np.zeros((4 * r + 1, 4 * r + 1), np.float32)
        cv2.circle(spot, (2 * r, 2 * r), r, 1.0, -1, cv2.LINE_AA)
        spot = cv2.GaussianBlur(spot, (0, 0), r / 2 + 0.5)
        ink(out, spot, rng.randint(0, w), rng.randint(0, h), (60, 110, 160), rng.uniform(0.15, 0.4))
    return out


def _punch_holes(img: np.ndarray, dpi: int, rng: random.Random) -> dict[str, Any] | None:
    """Two 6 mm holes 80 mm apart in the left margin, showing the dark scanner backing or a shadow."""
    if rng.random() < 0.35:
        return None
    h = img.shape[0]
    x = mm(dpi, rng.uniform(9, 13))
    cy = h // 2 + mm(dpi, rng.uniform(-6, 6))
    fill = rng.choice([(35, 35, 35), (200, 200, 200)])
    for y in (cy - mm(dpi, 40), cy + mm(dpi, 40)):
        cv2.circle(img, (x, y), mm(dpi, 3), fill, -1, cv2.LINE_AA)
        cv2.circle(img, (x, y), mm(dpi, 3), (90, 90, 90), max(1, mm(dpi, 0.3)), cv2.LINE_AA)
    return {"x": x, "fill": fill[0]}


def _staple(img: np.ndarray, dpi: int, rng: random.Random) -> dict[str, Any] | None:
    """A staple across the top-left corner, or the two holes and torn corner of one pulled out."""
    if rng.random() < 0.3:
        return None
    cx, cy = mm(dpi, rng.uniform(8, 16)), mm(dpi, rng.uniform(8, 16))
    angle = math.radians(rng.uniform(20, 70))
    half = mm(dpi, 6)
    p0 = (round(cx - half * math.cos(angle)), round(cy + half * math.sin(angle)))
    p1 = (round(cx + half * math.cos(angle)), round(cy - half * math.sin(angle)))
    removed = rng.random() < 0.4
    if removed:
        for p in (p0, p1):
            cv2.circle(img, p, max(1, mm(dpi, 0.4)), (40, 40, 40), -1, cv2.LINE_AA)
        cv2.line(img, p0, (p0[0] + mm(dpi, 2), p0[1] + mm(dpi, 1)), (150, 150, 150), 1, cv2.LINE_AA)
    else:
        thick = max(2, mm(dpi, 0.7))
        cv2.line(img, p0, p1, (70, 70, 75), thick + 2, cv2.LINE_AA)
        cv2.line(img, p0, p1, (190, 190, 195), max(1, thick // 2), cv2.LINE_AA)
    return {"removed": removed, "at": [cx, cy]}


def _folds(img: np.ndarray, dpi: int, rng: random.Random) -> list[dict[str, Any]]:
    """Envelope folds: a thin crease line, light on one side and shaded on the other, a step across it."""
    h, w = img.shape[:2]
    kind = rng.choice(["none", "thirds", "half", "cross"])
    folds: list[tuple[str, int]] = []
    if kind == "thirds":
        folds = [("h", h // 3 + mm(dpi, rng.uniform(-5, 5))), ("h", 2 * h // 3 + mm(dpi, rng.uniform(-5, 5)))]
    elif kind == "half":
        folds = [("h", h // 2 + mm(dpi, rng.uniform(-5, 5)))]
    elif kind == "cross":
        folds = [("h", h // 2 + mm(dpi, rng.uniform(-4, 4))), ("v", w // 2 + mm(dpi, rng.uniform(-4, 4)))]
    out: list[dict[str, Any]] = []
    for axis, at in folds:
        band = mm(dpi, rng.uniform(2, 6))
        dark = rng.uniform(0.65, 0.85)
        profile = np.ones(2 * band, np.float32)
        profile[:band] = np.linspace(1.0, rng.uniform(0.9, 0.96), band)
        profile[band:] = np.linspace(1.04, 1.0, band)
        profile[band - 1 : band + 1] = dark
        view = img if axis == "h" else img.transpose(1, 0, 2)
        at = min(max(0, at), view.shape[0] - 1)  # only on a tiny page can the fold miss the sheet
        lo, hi = max(0, at - band), min(view.shape[0], at + band)
        seg = view[lo:hi].astype(np.float32) * profile[lo - (at - band) : hi - (at - band), None, None]
        view[lo:hi] = np.clip(seg, 0, 255).astype(np.uint8)
        step = rng.randint(0, 2)
        if step:
            view[at:] = np.roll(view[at:], step, axis=1)
        out.append({"axis": axis, "at": at, "dark": dark, "step": step})
    return out


def _ticks(
    img: np.ndarray, tables: list[Box], dpi: int, pen: tuple[int, int, int], rng: random.Random, g: np.random.Generator
) -> int:
    """A reviewer's ticks in a column just right of a table, one beside each of several rows."""
    if not tables or rng.random() < 0.45:
        return 0
    _, y0, x1, y1 = rng.choice(tables)
    n = rng.randint(2, 8)
    size = mm(dpi, rng.uniform(3, 5))
    x = x1 + mm(dpi, rng.uniform(1.5, 4))
    if x + size >= img.shape[1]:
        return 0
    for _ in range(n):
        y = rng.randint(y0, max(y0 + 1, y1 - size))
        pts = [(size * 0.05, size * 0.55), (size * 0.35, size * 0.95), (size * 0.95, size * 0.05)]
        ink(img, hand_stroke(pts, mm(dpi, 0.35), (size + 4, size + 4), g), x, y, pen)
    return n


def _circles(
    img: np.ndarray, tables: list[Box], dpi: int, pen: tuple[int, int, int], rng: random.Random, g: np.random.Generator
) -> int:
    """Loose pen loops round a few figures inside a table (around the ink, never over it)."""
    if not tables or rng.random() < 0.5:
        return 0
    x0, y0, x1, y1 = rng.choice(tables)
    if y1 <= y0 or x1 <= x0:
        return 0
    region = grey(img[y0:y1, x0:x1])
    dark = (region < 110).astype(np.uint8)
    joined = cv2.dilate(dark, np.ones((max(1, mm(dpi, 0.6)), mm(dpi, 1.6)), np.uint8))
    stats = cv2.connectedComponentsWithStats(joined)[2]
    small = [s for s in stats[1:] if mm(dpi, 2) < s[2] < mm(dpi, 25) and mm(dpi, 1.5) < s[3] < mm(dpi, 6)]
    drawn = 0
    for s in rng.sample(small, min(len(small), rng.randint(1, 3))):
        cx, cy = x0 + s[0] + s[2] / 2, y0 + s[1] + s[3] / 2
        ax, ay = s[2] / 2 + mm(dpi, 1.8), s[3] / 2 + mm(dpi, 1.6)
        start = rng.uniform(0, 2 * math.pi)
        pts = [
            (ax * 1.02 * math.cos(start + t) + ax + 6, ay * math.sin(start + t) + ay + 6)
            for t in np.linspace(0, 2 * math.pi * rng.uniform(1.05, 1.2), 40)
        ]
        alpha = hand_stroke(pts, mm(dpi, 0.3), (round(2 * ay) + 12, round(2 * ax) + 12), g)
        ink(img, alpha, round(cx - ax - 6), round(cy - ay - 6), pen)
        drawn += 1
    return drawn


def _handwriting(text: str, dpi: int, height_mm: float, rng: random.Random) -> np.ndarray:
    """Text in a brush-like face, slanted a little and squashed unevenly like a quick hand."""
    alpha = text_mask(text, mm(dpi, height_mm), hand=True, angle=rng.uniform(-6, 6))
    sx = rng.uniform(0.85, 1.15)
    return cv2.resize(alpha, (max(1, round(alpha.shape[1] * sx)), alpha.shape[0]), interpolation=cv2.INTER_LINEAR)


def _archive_stamp(
    img: np.ndarray, tables: list[Box], dpi: int, rng: random.Random, g: np.random.Generator
) -> dict[str, Any] | None:
    """The red 2 x 3 归档章 (fonds, year, item / office, retention, pages) with values written in."""
    cw, chh = mm(dpi, 16), mm(dpi, 8)
    w, h = 3 * cw, 2 * chh
    w_img = img.shape[1]
    spot = free_spot(tables, (w + 8, h + 8), (w_img // 2, 0, w_img, mm(dpi, 45)), rng)
    if spot is None:
        return None
    alpha = np.zeros((h + 8, w + 8), np.float32)
    line = max(1, mm(dpi, 0.35))
    for i in range(3):
        for j in range(2):
            cv2.rectangle(alpha, (4 + i * cw, 4 + j * chh), (4 + (i + 1) * cw, 4 + (j + 1) * chh), 1.0, line)
    angle = rng.uniform(-3, 3)
    m = cv2.getRotationMatrix2D((alpha.shape[1] / 2, alpha.shape[0] / 2), angle, 1.0)
    alpha = cv2.warpAffine(alpha, m, (alpha.shape[1], alpha.shape[0]))
    x, y = spot
    ink(img, alpha * smooth_field(alpha.shape, 4, 0.5, 1.0, g), x, y, RED)
    values = [
        f"Z{rng.randint(1, 300):03d}",
        str(rng.randint(2016, 2025)),
        str(rng.randint(1, 400)),
        rng.choice(["办公室", "政务公开", "综合科"]),
        rng.choice(["永久", "30年", "10年"]),
        str(rng.randint(2, 30)),
    ]
    pen = rng.choice([BLUE_PEN, BLACK_PEN])
    for k, value in enumerate(values):
        hand = _handwriting(value, dpi, 4.0, rng)
        hx = x + 4 + (k % 3) * cw + max(0, (cw - hand.shape[1]) // 2)
        hy = y + 4 + (k // 3) * chh + max(0, (chh - hand.shape[0]) // 2)
        ink(img, hand[:, :cw], hx, hy, pen)
    return {"stamp": "archive", "at": [x, y], "angle": angle}


def _received_stamp(
    img: np.ndarray, tables: list[Box], dpi: int, org: str, rng: random.Random
) -> dict[str, Any] | None:
    """A rectangular 收文 stamp with the date, inked crooked in the top half, away from the tables."""
    lines = [
        f"{(org or '人民政府')[:10]}",
        "收  文",
        f"{rng.randint(2019, 2025)}年{rng.randint(1, 12)}月{rng.randint(1, 28)}日",
    ]
    size = mm(dpi, 3.2)
    masks = [text_mask(t, size, hand=False) for t in lines]
    w = max(m.shape[1] for m in masks) + mm(dpi, 4)
    h = sum(m.shape[0] for m in masks) + mm(dpi, 3)
    alpha = np.zeros((h, w), np.float32)
    cv2.rectangle(alpha, (1, 1), (w - 2, h - 2), 1.0, max(1, mm(dpi, 0.5)))
    y = mm(dpi, 1.5)
    for m in masks:
        x = (w - m.shape[1]) // 2
        alpha[y : y + m.shape[0], x : x + m.shape[1]] = np.maximum(alpha[y : y + m.shape[0], x : x + m.shape[1]], m)
        y += m.shape[0]
    angle = rng.uniform(-12, 12)
    m2 = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    alpha = cv2.warpAffine(alpha, m2, (w, h))
    h_img, w_img = img.shape[:2]
    spot = free_spot(tables, (w, h), (0, 0, w_img, h_img // 2), rng)
    if spot is None:
        return None
    colour = rng.choice([RED, (150, 70, 40)])
    ink(img, alpha, spot[0], spot[1], colour, rng.uniform(0.55, 0.9))
    return {"stamp": "received", "at": list(spot), "angle": angle}


def _seal(img: np.ndarray, tables: list[Box], dpi: int, org: str, rng: random.Random) -> dict[str, Any] | None:
    """The issuing body's round red seal over the signature and date at the end of the text."""
    alpha = round_seal(dpi, org, rng)
    x0, _, x1, y1 = ink_box(img)
    area = (
        max(0, (x0 + x1) // 2 - alpha.shape[1] // 2),
        max(0, y1 - 2 * alpha.shape[0]),
        min(img.shape[1], x1 + alpha.shape[1] // 3),
        min(img.shape[0], y1 + alpha.shape[0] // 2),
    )
    spot = free_spot(tables, (alpha.shape[1], alpha.shape[0]), area, rng)
    if spot is None:
        return None
    ink(img, alpha, spot[0], spot[1], RED, rng.uniform(0.7, 0.95))
    return {"stamp": "seal", "at": list(spot)}


def _folio(img: np.ndarray, dpi: int, rng: random.Random, g: np.random.Generator) -> int | None:
    """The archivist's pencilled folio number, circled, in the top right corner."""
    if rng.random() < 0.4:
        return None
    number = rng.randint(1, 240)
    hand = _handwriting(str(number), dpi, 5.0, rng)
    x = img.shape[1] - mm(dpi, rng.uniform(12, 22)) - hand.shape[1]
    y = mm(dpi, rng.uniform(5, 12))
    ink(img, hand, x, y, PENCIL, 0.85)
    r = max(hand.shape) // 2 + mm(dpi, 1)
    pts = [(r * math.cos(t) + r + 4, r * math.sin(t) + r + 4) for t in np.linspace(0, 2.2 * math.pi, 30)]
    ink(
        img,
        hand_stroke(pts, mm(dpi, 0.25), (2 * r + 8, 2 * r + 8), g),
        x + hand.shape[1] // 2 - r - 4,
        y + hand.shape[0] // 2 - r - 4,
        PENCIL,
        0.7,
    )
    return number


def _notes(img: np.ndarray, tables: list[Box], dpi: int, pen: tuple[int, int, int], rng: random.Random) -> list[str]:
    """One or two short marginal notes by a reader, wherever the page is free of tables."""
    notes: list[str] = []
    h, w = img.shape[:2]
    for _ in range(rng.choice([0, 1, 1, 2])):
        text = rng.choice(NOTES)
        hand = _handwriting(text, dpi, rng.uniform(4.5, 7.0), rng)
        spot = free_spot(tables, (hand.shape[1], hand.shape[0]), (0, 0, w, h), rng)
        if spot is not None:
            ink(img, hand, spot[0], spot[1], pen)
            notes.append(text)
    return notes


def _sticky_note(img: np.ndarray, tables: list[Box], dpi: int, rng: random.Random) -> list[int] | None:
    """A yellow sticky note with a line of handwriting, on a margin or blank patch, often sticking out."""
    if rng.random() < 0.7:
        return None
    side = mm(dpi, rng.uniform(38, 76))
    h, w = img.shape[:2]
    for _ in range(30):
        spot = free_spot(tables, (side, side), (-side // 2, -side // 3, w + side // 2, h), rng, tries=1)
        if spot is None:
            continue
        x, y = spot
        x0, y0, x1, y1 = max(0, x), max(0, y), min(w, x + side), min(h, y + side)
        if (grey(img[y0:y1, x0:x1]) < 140).mean() < 0.02:  # people stick notes where nothing is written
            break
    else:
        return None
    shadow = mm(dpi, 1)
    sy0, sx0 = max(0, y0 + shadow), max(0, x0 + shadow)
    img[sy0 : y1 + shadow, sx0 : x1 + shadow] = (img[sy0 : y1 + shadow, sx0 : x1 + shadow] * 0.75).astype(np.uint8)
    img[y0:y1, x0:x1] = (rng.randint(90, 140), rng.randint(225, 245), rng.randint(240, 255))
    text = rng.choice(NOTES)
    hand = _handwriting(text, dpi, min(8.0, side / dpi * 25.4 / (len(text) + 1)), rng)
    ink(img, hand[:, : side - 4], x + 4, y + side // 3, rng.choice([BLUE_PEN, BLACK_PEN]))
    return [x, y, side]


def _overhead_scan(
    img: np.ndarray, tables: list[Box], dpi: int, rng: random.Random
) -> tuple[np.ndarray, dict[str, Any] | None]:
    """Bound volume on an overhead scanner: curled, shaded gutter, the facing page's inner strip, a fingertip."""
    if rng.random() < 0.7:
        return img, None
    h, w = img.shape[:2]
    curl = min(w, mm(dpi, rng.uniform(12, 22)))
    xs = np.arange(w, dtype=np.float32)
    squeeze = np.where(xs < curl, (curl - xs) ** 2 / curl * rng.uniform(0.2, 0.45), 0).astype(np.float32)
    map_x = np.broadcast_to((xs + squeeze)[None, :], (h, w)).astype(np.float32)
    map_y = np.broadcast_to(np.arange(h, dtype=np.float32)[:, None], (h, w)).astype(np.float32)
    img = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    shade = np.ones(w, np.float32)
    shade[:curl] = np.linspace(rng.uniform(0.35, 0.6), 1.0, curl) ** 0.7
    img = (img.astype(np.float32) * shade[None, :, None]).astype(np.uint8)
    facing_w = min(w, mm(dpi, rng.uniform(6, 25)))
    inner = max(facing_w, w - mm(dpi, 12))  # the facing page shows the strip next to its own inner margin
    facing = img[:, inner - facing_w : inner].copy()
    facing = (facing.astype(np.float32) * np.linspace(1.0, 0.4, facing_w)[None, :, None]).astype(np.uint8)
    img = np.hstack([facing, img])
    finger = None
    if rng.random() < 0.4:
        fx = rng.choice([facing_w + mm(dpi, 2), img.shape[1] - mm(dpi, 14)])
        fy = rng.randint(h // 5, 4 * h // 5)
        shifted = [(bx0 + facing_w, by0, bx1 + facing_w, by1) for bx0, by0, bx1, by1 in tables]
        if all(
            fy + mm(dpi, 20) < by0 or fy - mm(dpi, 20) > by1 or fx + mm(dpi, 12) < bx0 or fx - mm(dpi, 12) > bx1
            for bx0, by0, bx1, by1 in shifted
        ):
            blob = np.zeros((mm(dpi, 44), mm(dpi, 26)), np.float32)
            cv2.ellipse(blob, (blob.shape[1] // 2, blob.shape[0] // 2), (mm(dpi, 9), mm(dpi, 18)), 0, 0, 360, 1.0, -1)
            blob = cv2.GaussianBlur(blob, (0, 0), mm(dpi, 1.2))
            skin = (rng.randint(120, 160), rng.randint(150, 180), rng.randint(200, 230))
            ink(img, blob, fx - blob.shape[1] // 2, fy - blob.shape[0] // 2, skin, 1.0)
            finger = [fx, fy]
    return img, {"curl": curl, "facing": facing_w, "finger": finger}
