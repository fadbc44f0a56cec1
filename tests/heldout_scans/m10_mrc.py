"""A portal's "compressed" PDF: an office scan re-encoded by a CMS as mixed raster content (MRC).

Government portals cap uploads (often 2-5 MB), so the web team runs scans through a PDF compressor
(the LuraDocument / ABBYY / Acrobat "high compression" kind) before publishing. Such a compressor
splits the page into layers, and the published file is what a viewer composes from them:

- a 1-bit text mask at 150-300 dpi (blown up blocky where it is coarser than the page), coded lossily in the JBIG2 way: marks of the same size
  and almost the same shape are replaced by ONE stored bitmap (so every copy of a glyph looks
  identical, jaggy edges included; only near-identical marks are merged, so no digit becomes
  another), small specks dropped;
- what fell below the mask's threshold (light print, thin greyed rulings, highlighter, the
  seal) goes to a background layer downsampled to 50-100 dpi and coded with JPEG 2000 or JPEG at
  a punishing rate: it comes back blurred into blocks and rings;
- the mask painted from a foreground colour layer of ~25 dpi (each block's mean ink colour,
  darkened): print near the seal turns reddish, the seal stays red, the rest near-black.

The input of the compressor was itself a poor office scan: uneven thin print (toner running out
across the page, light bands), a little skew, a red seal and a highlighter stroke someone made
before scanning. Where the print was light, strokes are broken in the mask and half-present as a
blurred ghost in the background; rulings come and go. Every number stays readable.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, mm, np_rng
from .m10_tools import jpeg, jpeg2000, low_freq, rotate


def _symbol_substitute(mask: np.ndarray, max_diff: float, rng: random.Random) -> tuple[np.ndarray, int, int]:
    """Lossy JBIG2-style pattern matching on a boolean ``mask``: each connected mark whose bitmap
    matches an earlier one of the same size in at most ``max_diff`` of its pixels (and in no more
    than 3 pixels) is replaced by that earlier bitmap. Returns the new mask, marks and substitutions."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
    out = mask.copy()
    dictionary: dict[tuple[int, int], list[np.ndarray]] = {}
    subs = 0
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if w > 60 or h > 60 or area < 6:
            continue  # rulings and big marks go as generic regions
        bmp = labels[y : y + h, x : x + w] == i
        cands = dictionary.setdefault((w, h), [])
        limit = min(3, max(1, int(max_diff * area)))
        hit = None
        for c in cands:
            if int(np.count_nonzero(c ^ bmp)) <= limit:
                hit = c
                break
        if hit is None:
            cands.append(bmp)
            continue
        region = out[y : y + h, x : x + w]
        region[bmp] = False
        region[hit] = True
        subs += 1
    return out, n - 1, subs


class Mrc(Family):
    name = "in10_mrc"
    kind = "pdf"
    dpis = (200, 240, 300)
    summary = (
        "portal-compressed PDF: JBIG2-style symbol mask + low-res JPEG2000 background over a thin, uneven office scan"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        dpi = int(ctx.dpi)
        img = page.astype(np.float32)
        h, w = img.shape[:2]

        # 1. the office printout: toner thin and uneven (a light band, a fading side).
        ink = 255.0 - img
        fade = rng.uniform(0.3, 0.55)  # how much of the ink the worst place lost
        field = low_freq(nrng, (h, w), rng.randint(3, 6))
        band_y = rng.uniform(0.1, 0.9) * h
        band = np.exp(-(((np.arange(h) - band_y) / (rng.uniform(0.04, 0.12) * h)) ** 2)).astype(np.float32)
        loss = np.clip(fade * (0.55 * field + 0.6 * band[:, None]), 0, fade)
        img = 255.0 - ink * (1.0 - loss[..., None])

        # 2. marks made before scanning: highlighter over a table row, the seal at the signature.
        marks = []
        if ctx.tables_px and rng.random() < 0.7:
            x0, y0, x1, y1 = rng.choice(ctx.tables_px)
            if y1 - y0 > mm(dpi, 12):
                hy = rng.randint(int(y0) + mm(dpi, 4), int(y1) - mm(dpi, 6))
                hh = mm(dpi, rng.uniform(3.5, 5))
                hx0 = int(x0) + rng.randint(0, max(1, (int(x1) - int(x0)) // 3))
                hx1 = int(x1) - rng.randint(0, max(1, (int(x1) - int(x0)) // 4))
                colour = rng.choice(((110, 250, 255), (215, 185, 255), (165, 255, 185)))  # yellow, pink, green (BGR)
                strip = img[hy : hy + hh, hx0:hx1]
                strip *= np.array(colour, np.float32) / 255.0
                marks.append(["highlighter", hx0, hy, hx1, hy + hh])
        if ctx.last:
            cy = int(h * rng.uniform(0.55, 0.85))
            cx = int(w * rng.uniform(0.55, 0.75))
            r = mm(dpi, 20)
            seal = np.zeros((h, w), np.uint8)
            cv2.circle(seal, (cx, cy), r, 255, max(2, mm(dpi, 1.0)))
            star = [
                (
                    cx + (r * 0.32 if k % 2 == 0 else r * 0.13) * np.sin(k * np.pi / 5),
                    cy - (r * 0.32 if k % 2 == 0 else r * 0.13) * np.cos(k * np.pi / 5),
                )
                for k in range(10)
            ]
            cv2.fillPoly(seal, [np.array(star, np.int32)], 255)
            cv2.ellipse(seal, (cx, cy), (int(r * 0.75), int(r * 0.75)), 0, 200, 340, 255, max(2, mm(dpi, 1.6)))
            a = (seal.astype(np.float32) / 255.0 * rng.uniform(0.5, 0.8))[..., None]
            img = img * (1 - a) + a * np.array((60, 50, 215), np.float32) * (img / 255.0)
            marks.append(["seal", cx, cy, r])

        # 3. the office scanner: a little skew, sensor noise, grey-ish paper.
        skew = rng.uniform(-1.2, 1.2)
        paper = rng.uniform(225, 245)
        img = img * (paper / 255.0) + nrng.normal(0, 4, img.shape).astype(np.float32)
        scan = rotate(np.clip(img, 0, 255).astype(np.uint8), skew, (int(paper),) * 3)
        scan = cv2.GaussianBlur(scan, (0, 0), rng.uniform(0.5, 0.9) * dpi / 200)

        # 4. the compressor: text mask at a global threshold, speck filter, symbol matching.
        mask_dpi = min(dpi, rng.choice((150, 200, 200, 300)))
        g = grey(scan)
        if mask_dpi < dpi:
            g = cv2.resize(g, (round(w * mask_dpi / dpi), round(h * mask_dpi / dpi)), interpolation=cv2.INTER_AREA)
        # the compressor sets its threshold from the page's darkest print (as an auto level would),
        # so a pale font keeps its core; what the fading took below it lives on only as background.
        page_g = grey(page)
        inked = page_g[page_g < 200]
        core = 1.0 - float(np.percentile(inked, 5)) / 255.0 if inked.size > 50 else 0.8
        threshold = min(int(paper) - 25, int(paper * (1.0 - rng.uniform(0.2, 0.32) * core * (1.0 - fade))))
        # its segmenter measures darkness against the local paper (a highlighter band is paper to it)
        k = max(3, mm(mask_dpi, 2.5))
        local_paper = cv2.dilate(g, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        local_paper = cv2.blur(local_paper, (k, k)).astype(np.int16)
        mask = g.astype(np.int16) < local_paper - (int(paper) - threshold)
        _, labels, stats, _ = cv2.connectedComponentsWithStats(mask.astype(np.uint8), connectivity=8)
        min_area = rng.randint(2, 5)
        keep = stats[:, cv2.CC_STAT_AREA] >= min_area
        keep[0] = False
        mask = keep[labels]
        mask, n_marks, n_subs = _symbol_substitute(mask, rng.uniform(0.03, 0.06), rng)
        if mask_dpi < dpi:
            mask = cv2.resize(mask.astype(np.uint8), (w, h), interpolation=cv2.INTER_NEAREST) > 0

        # 5. the background: the page with the mask lifted out, then tiny and heavily coded.
        bg_dpi = rng.choice((50, 60, 75, 100))
        lifted = scan.copy()
        grown = cv2.dilate(mask.astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
        fill = cv2.blur(scan, (mm(dpi, 2) * 2 + 1,) * 2)
        lifted[grown] = np.maximum(fill[grown], int(paper * 0.9))
        f = bg_dpi / dpi
        small = cv2.resize(lifted, (max(8, round(w * f)), max(8, round(h * f))), interpolation=cv2.INTER_AREA)
        codec = rng.choice(("jp2", "jp2", "jpeg"))
        if codec == "jp2":
            rate = rng.randint(8, 25)
            small = jpeg2000(small, rate)
        else:
            rate = rng.randint(10, 25)
            small = jpeg(small, rate)
        bg = cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR)

        # 6. the viewer composes: foreground colour through the mask over the background.
        # the foreground colour is a layer of its own at ~25 dpi: the mean colour of the marks in
        # each block, darkened (a red seal stays red, black print takes a tint from its neighbours)
        fg = rng.choice(((20, 20, 20), (45, 40, 40), (70, 40, 30)))
        block = max(4, round(dpi / 25))
        fw, fh = max(1, w // block), max(1, h // block)
        m32 = mask.astype(np.float32)
        summed = cv2.resize(scan.astype(np.float32) * m32[..., None], (fw, fh), interpolation=cv2.INTER_AREA)
        weight = cv2.resize(m32, (fw, fh), interpolation=cv2.INTER_AREA)[..., None]
        colour = np.where(weight > 1e-3, summed / np.maximum(weight, 1e-3), np.array(fg, np.float32))
        colour = np.clip(colour * rng.uniform(0.55, 0.8), 0, 255)
        colour = cv2.resize(colour, (w, h), interpolation=cv2.INTER_NEAREST)
        out = bg.copy()
        out[mask] = colour[mask].astype(np.uint8)
        params = {
            "print_fade": fade,
            "fade_band_y": band_y / h,
            "marks": marks,
            "skew": skew,
            "paper": paper,
            "mask_dpi": mask_dpi,
            "mask_threshold": threshold,
            "speck_area": min_area,
            "marks_in_mask": n_marks,
            "symbols_substituted": n_subs,
            "background_dpi": bg_dpi,
            "background_codec": codec,
            "background_rate": rate,
            "foreground": list(fg),
        }
        return out, params
