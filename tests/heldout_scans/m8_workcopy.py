"""An office's worked-over copy, scanned by a multifunction printer to a 'compact' MRC PDF (in8_workcopy; released by lot, round 8).

What it imitates: the copy of the report that went through an office's hands before it was filed.
The receiving clerk put the blue or red receipt stamp (收文登记章) in the top margin and wrote the
file number in it; the reviewer highlighted rows of the tables, circled and ticked figures in red
pen, wrote short notes in the margin (请核实, 已核, ?), stuck a sticky note on it; someone blacked
out a line before it was passed on, stapled it, punched two holes and folded it in three for an
envelope (creases with flaked toner). It was then scanned on an office MFP set to 'high
compression PDF' (mixed raster content): the scanner cuts the page into a sharp 1-bit text mask at
full resolution, a coarse colour for that mask, and a background at a third of the resolution
compressed hard with JPEG. Auto colour detection sometimes chooses grey.

Why it matters: highlighter and pen ink sit on the figures in colours that the MRC layers treat
inconsistently (a highlighted row goes blotchy, red circles become part of the 'text' mask and touch
the digits, ticks sit in the cell next to the number), the text edges are hard 1-bit edges with
colour fringes, and extra handwriting sits outside the tables - but every printed figure is still
plain to a reader.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, ink_box, mm, np_rng
from .m8_tools import ellipse_points, hand_path, jpeg, smooth_field, stamp, text_mask, tick_points, union_box

NOTES = ("请核实", "已核", "?", "数据来源?", "与上年对比", "核对无误", "存档", "见附件", "重点", "留存")
HIGHLIGHTERS = ((90, 250, 250), (120, 250, 140), (200, 150, 250), (250, 210, 120))  # BGR yellow green pink blue


def _text_ink(g: np.ndarray, box, dpi: int) -> np.ndarray:
    """Dark pixels inside ``box`` that are neither horizontal nor vertical rulings."""
    x0, y0, x1, y1 = (int(v) for v in box)
    dark = (g[y0:y1, x0:x1] < 128).astype(np.uint8)
    if dark.size == 0:
        return dark.astype(bool)
    n = max(5, mm(dpi, 7))
    hor = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((1, n), np.uint8))
    ver = cv2.morphologyEx(dark, cv2.MORPH_OPEN, np.ones((n, 1), np.uint8))
    lines = cv2.dilate(hor | ver, np.ones((3, 3), np.uint8))
    return (dark > 0) & (lines == 0)


def _text_rows(g: np.ndarray, box, dpi: int) -> list[tuple[int, int]]:
    """Y runs of text lines inside a box (rulings taken out first)."""
    ink = _text_ink(g, box, dpi)
    if ink.size == 0:
        return []
    rows = ink.any(axis=1)
    y0 = int(box[1])
    runs, start = [], None
    for i, v in enumerate([*rows.tolist(), False]):
        if v and start is None:
            start = i
        elif not v and start is not None:
            if i - start >= 3:
                runs.append((y0 + start, y0 + i))
            start = None
    return runs


def _blobs_in_row(g: np.ndarray, box, run, dpi: int) -> list[tuple[int, int]]:
    """X extents of ink clusters (a figure or a word) in one text line of a table."""
    x0, _, x1, _ = (int(v) for v in box)
    ink = _text_ink(g, (x0, run[0], x1, run[1]), dpi)
    cols = ink.any(axis=0)
    out, start, end, gap = [], None, 0, 0
    for i, v in enumerate([*cols.tolist(), False]):
        if v:
            if start is None:
                start = i
            gap = 0
            end = i
        elif start is not None:
            gap += 1
            if gap > mm(dpi, 1.5) or i == len(cols):
                if end - start < (x1 - x0) * 0.3:
                    out.append((x0 + start, x0 + end + 1))
                start = None
    return out


class WorkCopy(Family):
    """A marked-up office photocopy (stamp, highlighter, pen, notes, staple, folds) scanned to an MRC PDF."""

    name = "in8_workcopy"
    kind = "pdf"
    dpis = (150, 200, 300)
    summary = "receipt stamp, highlighter, red pen, notes, redaction, staple, holes, folds; MFP MRC 'compact PDF'"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = int(ctx.dpi)
        H, W = page.shape[:2]
        # the working copy is itself a photocopy: grey, contrast up, toner haze and specks
        gp = grey(page).astype(np.float32)
        gamma = rng.uniform(1.0, 1.7)
        gp = 255.0 * (gp / 255.0) ** gamma - rng.uniform(0, 22) * smooth_field((H, W), g, W / 2)
        specks = (g.random((H, W)) < rng.uniform(0.0, 0.0003)).astype(np.float32)
        gp -= 160 * cv2.GaussianBlur(specks, (0, 0), 0.7) * 4
        gp = np.clip(gp + g.normal(0, 4, gp.shape), 0, 255).astype(np.uint8)
        img = cv2.cvtColor(gp, cv2.COLOR_GRAY2BGR)
        p_copy = {"copy_gamma": gamma}
        ib = ink_box(page)
        tables = [tuple(int(v) for v in t) for t in ctx.tables_px]
        p: dict[str, Any] = dict(p_copy)
        marks: list[str] = []

        # highlighter over table rows (drawn first: the pen goes over it)
        hl = HIGHLIGHTERS[rng.randrange(len(HIGHLIGHTERS))]
        rows_all = [(t, r) for t in tables for r in _text_rows(gp, t, dpi)]
        n_hl = min(len(rows_all), rng.randint(1, 5)) if rows_all else 0
        for t, (ya, yb) in rng.sample(rows_all, n_hl):
            yb = min(yb, ya + mm(dpi, 4.5))  # one stroke of the felt tip: the first line of the row
            pad = mm(dpi, rng.uniform(0.3, 1.2))
            xa = int(t[0] + rng.uniform(0, 0.3) * (t[2] - t[0]))
            xb = int(t[2] - rng.uniform(0, 0.2) * (t[2] - t[0]))
            m = np.zeros((yb - ya + 2 * pad, xb - xa), np.float32)
            m[:] = 1.0
            m *= 0.75 + 0.25 * smooth_field(m.shape, g, mm(dpi, 6))  # streaky felt tip
            tilt = rng.uniform(-0.6, 0.6)
            m = cv2.warpAffine(m, np.float32([[1, 0, 0], [tilt * 0.02, 1, 0]]), (m.shape[1], m.shape[0]))
            stamp(img, m, xa, ya - pad, hl, rng.uniform(0.8, 1.0))
        if n_hl:
            marks.append(f"highlight x{n_hl}")

        # red pen: circles round figures, ticks beside them
        pen = (
            (rng.uniform(20, 60), rng.uniform(20, 50), rng.uniform(170, 220)) if rng.random() < 0.75 else (150, 60, 20)
        )
        thick = max(1, mm(dpi, rng.uniform(0.3, 0.5)))
        n_pen = rng.randint(1, 6) if rows_all else 0
        for _ in range(n_pen):
            t, run = rows_all[rng.randrange(len(rows_all))]
            blobs = _blobs_in_row(gp, t, run, dpi)
            if not blobs:
                continue
            bx = blobs[rng.randrange(len(blobs))]
            cx, cy = (bx[0] + bx[1]) / 2, (run[0] + run[1]) / 2
            if rng.random() < 0.5:
                rx = (bx[1] - bx[0]) / 2 + mm(dpi, rng.uniform(1.0, 2.5))
                ry = (run[1] - run[0]) / 2 + mm(dpi, rng.uniform(0.8, 2.0))
                pts = hand_path(ellipse_points(cx, cy, rx, ry, g), g, mm(dpi, 0.3))
                kind = "circle"
            else:
                s = mm(dpi, rng.uniform(2.5, 4))
                pts = hand_path(tick_points(bx[1] + mm(dpi, 1), cy, s), g, mm(dpi, 0.2))
                kind = "tick"
            m = np.zeros((H, W), np.float32)
            cv2.polylines(m, [pts], False, 1.0, thick, cv2.LINE_AA)
            stamp(img, m, 0, 0, pen, 0.9)
            marks.append(kind)

        # margin notes in handwriting (never inside a table)
        ub = union_box(tables)
        for _ in range(rng.randint(0, 3)):
            note = rng.choice(NOTES)
            size = mm(dpi, rng.uniform(4, 6.5))
            tm = text_mask(note, size, "kai", angle=rng.uniform(-12, 12))
            side = rng.choice(["left", "right", "top", "bottom"])
            if side == "left" and ib[0] > tm.shape[1] // 3:
                x, y = rng.randint(0, max(0, ib[0] - tm.shape[1] // 3)), rng.randint(0, H - tm.shape[0])
            elif side == "right" and W - ib[2] > tm.shape[1] // 3:
                x, y = rng.randint(ib[2] - tm.shape[1] // 3, W - tm.shape[1] // 2), rng.randint(0, H - tm.shape[0])
            elif side == "top":
                x, y = rng.randint(0, max(0, W - tm.shape[1])), rng.randint(0, max(0, ib[1] - tm.shape[0]))
            else:
                x, y = (
                    rng.randint(0, max(0, W - tm.shape[1])),
                    rng.randint(min(H - tm.shape[0], ib[3]), max(ib[3], H - tm.shape[0])),
                )
            if ub is not None and not (x + tm.shape[1] < ub[0] or x > ub[2] or y + tm.shape[0] < ub[1] or y > ub[3]):
                continue
            stamp(img, tm, x, y, pen if rng.random() < 0.5 else (40, 40, 40), 0.95)
            marks.append(f"note:{note}")

        # receipt stamp in the top margin: a ruled box, the office's name, a hand-written number
        stamped = rng.random() < 0.7
        bw, bh = mm(dpi, 45), mm(dpi, 16)
        x = y = 0
        if stamped:
            x = rng.randint(mm(dpi, 10), max(mm(dpi, 10), W - bw - mm(dpi, 10)))
            y = rng.randint(mm(dpi, 3), max(mm(dpi, 3), max(mm(dpi, 4), ib[1]) - bh // 2))
            if ub is not None and y + bh > ub[1] and y < ub[3] and x + bw > ub[0] and x < ub[2]:
                y = H - bh - mm(dpi, rng.uniform(3, 10))  # no room above: the bottom margin
            if ub is not None and y + bh > ub[1] and y < ub[3] and x + bw > ub[0] and x < ub[2]:
                bw = 0  # no free margin at all: the clerk stamped the cover page instead
        if stamped and bw:
            m = np.zeros((bh, bw), np.float32)
            t2 = max(1, mm(dpi, 0.5))
            cv2.rectangle(m, (1, 1), (bw - 2, bh - 2), 1.0, t2)
            cv2.line(m, (0, bh // 2), (bw, bh // 2), 1.0, t2)
            cv2.line(m, (bw // 2, bh // 2), (bw // 2, bh), 1.0, t2)
            lab = text_mask("收文登记", int(bh * 0.3), "hei")
            m[3 : 3 + min(lab.shape[0], bh // 2 - 4), 4 : 4 + min(lab.shape[1], bw - 8)] = np.maximum(
                m[3 : 3 + min(lab.shape[0], bh // 2 - 4), 4 : 4 + min(lab.shape[1], bw - 8)],
                lab[: min(lab.shape[0], bh // 2 - 4), : min(lab.shape[1], bw - 8)],
            )
            m *= 0.55 + 0.45 * smooth_field(m.shape, g, mm(dpi, 5))
            ink = (170, 70, 30) if rng.random() < 0.5 else (50, 40, 200)
            mr = cv2.warpAffine(m, cv2.getRotationMatrix2D((bw / 2, bh / 2), rng.uniform(-4, 4), 1.0), (bw, bh))
            stamp(img, mr, x, y, ink, 0.9)
            num = text_mask(f"{rng.randint(2024, 2026)}-{rng.randint(1, 480)}", int(bh * 0.32), "kai")
            stamp(img, num, x + mm(dpi, 2), y + bh // 2 + mm(dpi, 1), (60, 40, 30), 0.95)
            marks.append("receipt_stamp")

        # redaction bar over a narrative line outside the tables
        if rng.random() < 0.35:
            ruled = (gp < 128).mean(axis=1) > 0.3  # rows holding a table ruling
            near = (
                cv2.dilate(ruled.astype(np.uint8).reshape(-1, 1), np.ones((mm(dpi, 12) | 1, 1), np.uint8)).ravel() > 0
            )
            rows = [
                r
                for r in _text_rows(gp, (ib[0], ib[1], ib[2], ib[3]), dpi)
                if not near[r[0] : r[1]].any()
                and not any(r[1] > t[1] - mm(dpi, 2) and r[0] < t[3] + mm(dpi, 2) for t in tables)
            ]
            if rows:
                ya, yb = rows[rng.randrange(len(rows))]
                half = max((yb - ya) // 2 + 2, mm(dpi, 2.2))
                ya, yb = (ya + yb) // 2 - half, (ya + yb) // 2 + half
                xa = int(ib[0] + rng.uniform(0.2, 0.6) * (ib[2] - ib[0]))
                xb = min(ib[2], xa + mm(dpi, rng.uniform(20, 60)))
                cv2.rectangle(img, (xa, ya - 2), (xb, yb + 2), (25, 25, 25), -1)
                marks.append("redaction")

        # sticky note in a corner, outside the tables
        if rng.random() < 0.4:
            sw, sh = mm(dpi, 38), mm(dpi, 38)
            corner = rng.choice(["tr", "br"])
            x = W - sw + mm(dpi, rng.uniform(0, 14))
            y = mm(dpi, rng.uniform(-5, 8)) if corner == "tr" else H - sh - mm(dpi, rng.uniform(-5, 8))
            box = (x, y, x + sw, y + sh)
            if ub is None or box[0] > ub[2] or box[3] < ub[1] or box[1] > ub[3]:
                col = (
                    np.array([120, 235, 250], np.float32)
                    if rng.random() < 0.7
                    else np.array([200, 220, 255], np.float32)
                )
                xa, ya, xb, yb = max(0, x), max(0, y), min(W, x + sw), min(H, y + sh)
                img[ya:yb, xa:xb] = (col * (0.96 + 0.04 * smooth_field((yb - ya, xb - xa), g, 40)[..., None])).astype(
                    np.uint8
                )
                tm = text_mask(rng.choice(["请王科长阅", "下周一前回复", "复印两份"]), mm(dpi, 5), "kai")
                stamp(img, tm, xa + mm(dpi, 3), ya + mm(dpi, 8), (40, 40, 40), 0.95)
                marks.append("sticky_note")

        # tri-fold creases with flaked toner, two punched holes, a staple
        folds = []
        if rng.random() < 0.6:
            for frac in (1 / 3, 2 / 3):
                yc = int(H * frac + rng.uniform(-0.02, 0.02) * H)
                slope = rng.uniform(-0.01, 0.01)
                xs = np.arange(W)
                ys = (yc + slope * (xs - W / 2)).astype(int).clip(1, H - 2)
                flake = g.random(W) < 0.5
                img[ys[flake], xs[flake]] = np.maximum(img[ys[flake], xs[flake]], 200)
                shade = np.zeros((H, W), np.float32)
                shade[ys, xs] = 1.0
                shade = cv2.GaussianBlur(shade, (0, 0), mm(dpi, 1.2))
                shade /= max(1e-6, float(shade.max()))
                img = (img.astype(np.float32) * (1 - 0.12 * shade[..., None])).astype(np.uint8)
                folds.append(yc)
        holes = rng.random() < 0.5
        if holes:
            for fy in (0.5 - 40 / 297, 0.5 + 40 / 297):
                c = (mm(dpi, 12), int(H * fy))
                cv2.circle(img, c, mm(dpi, 3), (215, 215, 215), -1, cv2.LINE_AA)
                cv2.circle(img, (c[0] + 1, c[1] + 1), mm(dpi, 3), (90, 90, 90), max(1, dpi // 150), cv2.LINE_AA)
        if rng.random() < 0.6:
            a = rng.uniform(-50, -35)
            c = np.array([mm(dpi, 9), mm(dpi, 9)], np.float32)
            d = np.array([np.cos(np.radians(a)), np.sin(np.radians(a))]) * mm(dpi, 6)
            cv2.line(
                img,
                tuple((c - d + 2).astype(int)),
                tuple((c + d + 2).astype(int)),
                (120, 120, 120),
                mm(dpi, 0.9),
                cv2.LINE_AA,
            )
            cv2.line(
                img, tuple((c - d).astype(int)), tuple((c + d).astype(int)), (185, 185, 190), mm(dpi, 0.7), cv2.LINE_AA
            )
            marks.append("staple")
        p.update(marks=marks, folds=folds, holes=holes)

        # the MFP: scan (blur, noise), then MRC: 1-bit mask + coarse colour + low-res JPEG background
        skew = rng.uniform(-1.2, 1.2)
        rot = cv2.getRotationMatrix2D((W / 2, H / 2), skew, 1.0)
        img = cv2.warpAffine(
            img, rot, (W, H), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(235, 235, 235)
        )
        scan = cv2.GaussianBlur(img.astype(np.float32), (0, 0), 0.5 * dpi / 150) + g.normal(0, 3, img.shape).astype(
            np.float32
        )
        scan = np.clip(scan, 0, 255).astype(np.uint8)
        gs = grey(scan).astype(np.float32)
        local = cv2.blur(gs, (mm(dpi, 6) | 1, mm(dpi, 6) | 1))
        t_off = rng.uniform(18, 40)
        mask = (gs < np.minimum(local - t_off, rng.uniform(150, 190))).astype(np.uint8)
        bg_f = rng.choice([3, 4, 5])
        q_bg = rng.randint(15, 40)
        # background: text pixels filled from their surroundings, then shrunk and JPEG'd hard
        dil = cv2.dilate(mask, np.ones((3, 3), np.uint8))
        blurred = cv2.blur(scan, (9, 9)).astype(np.float32)
        weight = cv2.blur((1 - dil).astype(np.float32), (9, 9))[..., None]
        fill = cv2.blur(scan.astype(np.float32) * (1 - dil)[..., None], (9, 9)) / np.maximum(weight, 1e-3)
        bg = np.where(dil[..., None] > 0, np.where(weight > 0.05, fill, blurred), scan.astype(np.float32))
        small = cv2.resize(np.clip(bg, 0, 255).astype(np.uint8), (W // bg_f, H // bg_f), interpolation=cv2.INTER_AREA)
        small = jpeg(small, q_bg)
        bg_up = cv2.resize(small, (W, H), interpolation=cv2.INTER_LINEAR)
        # foreground colour: per-block mean colour of the mask, pushed darker
        fg_f = rng.choice([6, 8, 12])
        hw_, ww_ = H // fg_f, W // fg_f
        msum = cv2.resize(mask.astype(np.float32), (ww_, hw_), interpolation=cv2.INTER_AREA)
        csum = cv2.resize(scan.astype(np.float32) * mask[..., None], (ww_, hw_), interpolation=cv2.INTER_AREA)
        fg = csum / np.maximum(msum[..., None], 1e-3)
        fg = np.where(msum[..., None] > 1e-3, fg * rng.uniform(0.55, 0.85), 30.0)
        fg_up = cv2.resize(fg.astype(np.float32), (W, H), interpolation=cv2.INTER_NEAREST)
        out = np.where(mask[..., None] > 0, fg_up, bg_up.astype(np.float32))
        out = np.clip(out, 0, 255).astype(np.uint8)
        grey_mode = rng.random() < 0.3
        if grey_mode:
            out = grey(out)
        p.update(
            scan_skew=skew,
            mrc_bg_factor=bg_f,
            mrc_bg_quality=q_bg,
            mrc_fg_factor=fg_f,
            mrc_offset=t_off,
            grey_mode=grey_mode,
        )
        return out, p


__all__ = ["WorkCopy"]
