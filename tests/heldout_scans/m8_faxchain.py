"""A stamped report, photocopied, faxed, printed by the receiving fax, then scanned bitonal (ho8_faxchain).

What it imitates: the copy a county archive actually holds of a report that went round by fax.
The signed original got its red seal (公章) - on the last page over the signature block and, on
other pages, half a paging seal (骑缝章) at the edge, both often landing on table figures. A clerk
photocopied it (grey haze, darkened seal, a slight reduction, black lid-open borders), fed the copy
to a fax machine: the sender's fax reads the page at 8 dots/mm across but only 3.85 lines/mm down in
standard mode (7.7 in fine), hard-thresholds it to black/white, and stamps its header line; a dirty
read sensor leaves a vertical streak, a noisy line drops or repeats scan lines. The receiver printed
it on a machine with a tired drum (one side paler, thin strokes broken) and the archive scanned that
print in 1-bit at 150-200 dpi with the scanner's fixed threshold, slightly skewed, sometimes the
sheet fed upside down, with the feeder cutting the margins.

Why it matters: every stage throws information away differently (anisotropic resolution, two
thresholds at different gains, seal strokes turned black, rulings partly broken), and the last
stage leaves pure black/white at low resolution: the figures are readable by eye but their strokes
are staircased, touching or broken, and a black seal arc may cross them.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, ink_box, mm, np_rng
from .m8_tools import resize_to, rotate_expand, rotated_box, seal_mask, smooth_field, stamp, text_mask, union_box


class FaxChain(Family):
    """Seal on the original -> photocopy -> sending fax (anisotropic, 1-bit) -> receiver's print -> 1-bit rescan."""

    name = "ho8_faxchain"
    kind = "tiff"
    dpis = (150, 150, 200)
    summary = "stamped page -> photocopy -> fax (standard/fine) -> fax print -> 1-bit rescan 150-200 dpi"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = int(ctx.dpi)
        img = page.copy()
        H, W = img.shape[:2]
        p: dict[str, Any] = {}

        # 1. the seal on the original (red, multiply)
        tables = list(ctx.tables_px)
        seals = []
        r = mm(dpi, rng.uniform(19, 21))
        ib = ink_box(page)
        if ctx.last:  # over the signature and date, which close the text
            cx = int(rng.uniform(max(ib[0] + r, ib[2] - 3 * r), max(ib[0] + r + 1, ib[2] - r)))
            cy = int(ib[3] - r * rng.uniform(0.1, 0.9))
            seals.append(("round", cx, cy))
        if tables and rng.random() < 0.35:  # an approval seal dropped on a table
            tb = rng.choice(tables)
            cx = int(rng.uniform(tb[0] + r, max(tb[0] + r + 1, tb[2] - r)))
            cy = int(rng.uniform(tb[1], max(tb[1] + 1, tb[3])))
            seals.append(("round", cx, cy))
        if rng.random() < 0.5:  # half of a paging seal at the right edge
            seals.append(("edge", W - int(r * rng.uniform(0.3, 0.55)), int(H * rng.uniform(0.3, 0.7))))
        # seal paste as the copier sees it: red reads as a middle grey, so after the thresholds the
        # ring and name come out broken and speckled rather than as a solid black band
        ink = (rng.uniform(105, 150), rng.uniform(90, 135), rng.uniform(210, 245))
        for _kind, cx, cy in seals:
            m = seal_mask(r, ctx.org, rng, g)
            m = rotate_expand(m, rng.uniform(-25, 25), 0.0)
            stamp(img, m, cx - m.shape[1] // 2, cy - m.shape[0] // 2, ink, rng.uniform(0.55, 0.8))
        p["seals"] = [[k, x, y] for k, x, y in seals]

        # 2. photocopy: grey, contrast up (seal red goes dark), toner haze, reduction, lid border
        grey_w = (0.114, 0.587, 0.299)  # copier CCD with green-heavy response
        gimg = (img.astype(np.float32) * np.array(grey_w, np.float32)).sum(axis=2)
        gamma = rng.uniform(1.2, 1.8)
        gimg = 255.0 * (gimg / 255.0) ** gamma
        haze = rng.uniform(8, 30)
        gimg = gimg - haze * (0.6 + 0.4 * smooth_field(gimg.shape, g, W / 3))
        gimg += g.normal(0, 6, gimg.shape).astype(np.float32)
        reduce = rng.choice([1.0, 0.97, 0.94])
        if reduce < 1.0:
            small = resize_to(gimg, W * reduce, H * reduce)
            canvas = np.full((H, W), 255.0 - haze, np.float32)
            oy, ox = (H - small.shape[0]) // 2, (W - small.shape[1]) // 2
            canvas[oy : oy + small.shape[0], ox : ox + small.shape[1]] = small
            gimg = canvas
        lid = rng.random() < 0.5
        if lid:
            bw = mm(dpi, rng.uniform(2, 6))
            side = rng.choice(["left", "top", "bottom"])
            if side == "left":
                gimg[:, :bw] = 25
            elif side == "top":
                gimg[:bw, :] = 25
            else:
                gimg[-bw:, :] = 25
            p["copy_lid_border"] = side
        gimg = np.clip(gimg, 0, 255)
        p.update(copy_gamma=gamma, copy_haze=haze, copy_reduce=reduce)

        # 3. the sending fax: 8 dots/mm x 3.85 or 7.7 lines/mm, hard threshold, header, line faults
        fine = rng.random() < 0.45
        fx = 203.2 / dpi
        fy = (195.6 if fine else 97.8) / dpi
        fw, fh = int(W * fx), int(H * fy)
        fax = resize_to(gimg, fw, fh, cv2.INTER_AREA)
        thr = rng.uniform(120, 160)
        fax = np.where(fax < thr, 0, 255).astype(np.uint8)
        # margins the fax cannot read
        lost_top = int(fh * rng.uniform(0.0, 0.012))
        fax[:lost_top] = 255
        # header line in the sender's 'ID' font
        hdr = (
            f"{rng.randint(1, 12):02d}/{rng.randint(1, 28):02d}/2026 {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d} "
            f"FAX 0{rng.randint(10, 999)}{rng.randint(1000000, 9999999)}"
        )
        hdr_h = max(8, int(fh * 0.009))
        hm = text_mask(hdr + "   " + (ctx.org or "")[:10] + f"   P.{rng.randint(1, 9):02d}", hdr_h * 2, "hei")
        hm = resize_to(hm, hm.shape[1], hm.shape[0] * (0.5 if not fine else 1.0))
        y0 = max(0, lost_top + 1)
        x0 = int(fw * 0.04)
        hh, hw = hm.shape
        hw = min(hw, fw - x0)
        hh = min(hh, fh - y0)
        fax[y0 : y0 + hh, x0 : x0 + hw][hm[:hh, :hw] > 0.5] = 0
        # transmission faults: dropped / repeated scan lines
        n_err = rng.randint(0, 6)
        for _ in range(n_err):
            y = rng.randrange(10, fh - 10)
            if rng.random() < 0.6:  # a corrupted line: the previous one repeated
                n = rng.randint(1, 2)
                fax[y : y + n] = fax[y - 1]
            else:  # a lost line left white
                fax[y] = 255
        # dirty read sensor: thin vertical streak(s)
        streaks = []
        for _ in range(rng.choice([0, 1, 1, 2])):
            x = rng.randrange(0, fw - 2)
            if rng.random() < 0.6:
                fax[:, x : x + 1] = 0
                streaks.append(["black", x])
            else:
                fax[:, x : x + 2] = 255
                streaks.append(["white", x])
        p.update(fax_fine=fine, fax_threshold=thr, fax_line_errors=n_err, fax_streaks=streaks)

        # 4. the receiving fax prints it (nearest-neighbour upscale, pale side, broken thin strokes)
        pr = resize_to(fax, W, H, cv2.INTER_NEAREST).astype(np.float32)
        pr = cv2.GaussianBlur(pr, (0, 0), 0.45 * dpi / 100)
        fade = rng.uniform(0.0, 0.45)
        ramp = np.linspace(0, 1, W, dtype=np.float32)[None, :]
        if rng.random() < 0.5:
            ramp = ramp[:, ::-1]
        pale = fade * ramp * (0.7 + 0.3 * smooth_field((H, W), g, H / 6))
        pr = pr + (255 - pr) * pale * 0.9  # dark pixels lighten on the pale side
        pr += g.normal(0, 14, pr.shape).astype(np.float32)
        p["print_fade"] = fade

        # 5. 1-bit rescan: skew, fixed threshold, optional upside-down feed, feeder crop
        skew = rng.uniform(-2.2, 2.2)
        pr = np.clip(pr, 0, 255).astype(np.uint8)
        pr = rotate_expand(pr, skew, 255, cv2.INTER_LINEAR)
        thr2 = rng.uniform(140, 175)
        out = np.where(pr < thr2, 0, 255).astype(np.uint8)
        # the feeder / auto-crop cuts the margins; it may nick the outer rulings, never the text
        oh, ow = out.shape
        x0, y0, x1, y1 = rotated_box(ib, W, H, skew)
        lim = [x0 - 3, y0 - 3, x1 + 3, y1 + 3]
        ub = union_box(tables)
        if ub is not None:  # where a table is the outermost ink its ruling may be nicked, never a figure
            tb = rotated_box(ub, W, H, skew)
            nick = max(1, dpi // 100)
            for k, sign in ((0, 1), (1, 1), (2, -1), (3, -1)):
                if abs(tb[k] - lim[k]) <= 5:
                    lim[k] = tb[k] + sign * nick
        cut_l = int(rng.uniform(0.3, 1.0) * max(0, lim[0]))
        cut_r = ow - int(rng.uniform(0.3, 1.0) * max(0, ow - lim[2]))
        cut_t = int(rng.uniform(0.0, 0.9) * max(0, lim[1]))
        cut_b = oh - int(rng.uniform(0.0, 0.9) * max(0, oh - lim[3]))
        out = out[cut_t:cut_b, cut_l:cut_r]
        flipped = rng.random() < 0.12
        if flipped:
            out = out[::-1, ::-1].copy()
        p.update(scan_skew=skew, scan_threshold=thr2, crop=[cut_l, cut_t, cut_r, cut_b], upside_down=flipped)
        return np.ascontiguousarray(grey(out)), p


__all__ = ["FaxChain"]
