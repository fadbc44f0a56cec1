"""A microfilm reader-printer copy, scanned: what an archive hands out when the paper went to film.

Many county archives filmed their yearly reports (16 mm roll or microfiche at 24-32x reduction) and
pulped the paper. A request is answered from the film: a reader-printer projects the frame through a
worn lens onto electrostatic paper, and that print is scanned again for the PDF. What that does:

- the film's resolution and the reader's lens: everything softened to an effective 110-170 dpi,
  then blown up again; high-contrast film (steep H&D curve) fills small loops and drops faint lines;
- film grain, and the reader's lamp: a bright hot spot in the middle, dark corners;
- defects on the film, which a negative film prints reversed: long scratches along the roll
  (continuous thin DARK lines across the whole frame, parallel to the rulings), dust and hairs
  (white specks and curls, drop-outs in strokes);
- the frame: black bands where the film between frames was clear, a sliver of the neighbouring
  frame, the page a little rotated in the frame and not quite to scale (x and y differ by up to 3 %);
- the reader-printer: toner fog over the whole sheet, banding across the scan direction;
- now and then a print made in the wrong polarity: white text on a black page (a negative print),
  which archives file as is;
- the print scanned grey with JPEG for the PDF, or (a third of the documents) black-and-white at a
  local threshold, which turns the grain and the fog into speckle.

Tables: rulings thin to broken, digits softened and closed up but every number still readable.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, mm, np_rng
from .m10_tools import jpeg, low_freq


class Microfilm(Family):
    name = "in10_microfilm"
    kind = "pdf"
    dpis = (200, 200, 240, 300)
    summary = (
        "microfilm reader-printer copy rescanned: soft, contrasty, scratched, vignetted, framed, sometimes negative"
    )

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        dpi = int(ctx.dpi)
        g = grey(page).astype(np.float32) / 255.0
        h, w = g.shape

        # 1. filming: page in the camera a little askew, optics and film resolution.
        film_skew = rng.uniform(-1.5, 1.5)
        # the film never resolves less than a legible digit: small print keeps more resolution
        glyph = _glyph_height(page, ctx)
        eff_dpi = max(rng.uniform(100, 150), min(float(dpi), dpi * 13.0 / glyph))
        lens_sigma = rng.uniform(0.35, 0.7) * dpi / eff_dpi
        m = cv2.getRotationMatrix2D((w / 2, h / 2), film_skew, 1.0)
        g = cv2.warpAffine(g, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=1.0)
        # the reader's focus is uneven: one side of the frame softer than the other
        soft = cv2.GaussianBlur(g, (0, 0), lens_sigma * rng.uniform(1.5, 2.0))
        g = cv2.GaussianBlur(g, (0, 0), lens_sigma)
        ramp_axis = rng.choice(("x", "y"))
        ramp = np.linspace(0, 1, w if ramp_axis == "x" else h, dtype=np.float32)
        if rng.random() < 0.5:
            ramp = ramp[::-1]
        ramp = np.clip((ramp - 0.5) * 2, 0, 1)
        ramp = ramp[None, :] if ramp_axis == "x" else ramp[:, None]
        g = g * (1 - ramp) + soft * ramp
        sw, sh = max(8, round(w * eff_dpi / dpi)), max(8, round(h * eff_dpi / dpi))
        small = cv2.resize(g, (sw, sh), interpolation=cv2.INTER_AREA)

        # 2. the film's characteristic curve: steep, its threshold drawn per document.
        ink = 1.0 - small  # density of the print
        mid = rng.uniform(0.36, 0.48)
        gamma_k = rng.uniform(7.0, 11.0)
        dens = 1.0 / (1.0 + np.exp(-gamma_k * (ink - mid)))
        lo, hi = 1.0 / (1.0 + np.exp(gamma_k * mid)), 1.0 / (1.0 + np.exp(-gamma_k * (1 - mid)))
        dens = (dens - lo) / (hi - lo)
        dens += nrng.normal(0, rng.uniform(0.03, 0.07), dens.shape).astype(np.float32)  # grain
        small = np.clip(1.0 - dens, 0, 1)

        # 3. defects on the film (at film scale): scratches along the roll, dust, hairs.
        # the archive's scanner setting for the print (decided here: it changes what a scratch does)
        bitonal = rng.random() < 0.35
        # a scratch along the text lines, turned black by a bitonal scan, would strike digits through
        # (an 8 then reads as a 0): such prints come from rolls filmed across the lines only
        vertical_roll = bitonal or rng.random() < 0.6
        scratches = []
        for _ in range(rng.randint(1, 5)):
            pos = rng.uniform(0.05, 0.95)
            strength = rng.uniform(0.2, 0.5) if vertical_roll else rng.uniform(0.12, 0.3)
            width = rng.choice((1, 1, 1, 2))
            wobble = rng.uniform(0, 3)
            scratches.append([round(pos, 3), round(strength, 2), width])
            n = sh if vertical_roll else sw
            t = np.arange(n)
            off = (wobble * np.sin(t / rng.uniform(40, 200) + rng.uniform(0, 6))).astype(int)
            base = int(pos * (sw if vertical_roll else sh))
            start, stop = sorted((rng.randint(0, n // 3), rng.randint(2 * n // 3, n)))
            for k in range(width):
                idx = np.clip(base + off + k, 0, (sw if vertical_roll else sh) - 1)
                seg = slice(start, stop)
                if vertical_roll:
                    small[t[seg], idx[seg]] *= 1 - strength
                else:
                    small[idx[seg], t[seg]] *= 1 - strength
        n_dust = rng.randint(20, 160)
        for _ in range(n_dust):
            cx, cy = rng.randrange(sw), rng.randrange(sh)
            cv2.circle(small, (cx, cy), rng.choice((0, 0, 1, 1, 2)), 1.0, -1)
        for _ in range(rng.randint(0, 3)):  # hairs: white curls
            pts = [(rng.randrange(sw), rng.randrange(sh))]
            for _ in range(rng.randint(4, 9)):
                x, y = pts[-1]
                pts.append((x + rng.randint(-12, 12), y + rng.randint(-12, 12)))
            cv2.polylines(small, [np.array(pts, np.int32)], False, 1.0, 1, cv2.LINE_AA)

        # 4. the reader's projection: back to print scale, anisotropic, lamp hot spot.
        sx, sy = rng.uniform(0.97, 1.0), rng.uniform(0.97, 1.0)
        proj = cv2.resize(small, (round(w * sx), round(h * sy)), interpolation=cv2.INTER_CUBIC)
        proj = cv2.GaussianBlur(proj, (0, 0), rng.uniform(0.4, 0.9) * dpi / 200)
        ph, pw = proj.shape
        yy, xx = np.mgrid[0:ph, 0:pw].astype(np.float32)
        cx, cy = pw * rng.uniform(0.4, 0.6), ph * rng.uniform(0.4, 0.6)
        r2 = ((xx - cx) / pw) ** 2 + ((yy - cy) / ph) ** 2
        vignette = rng.uniform(0.25, 0.55)
        light = 1.0 - vignette * np.clip(r2 / 0.5, 0, 1) ** 1.2
        light *= 1.0 - rng.uniform(0.0, 0.12) * low_freq(nrng, (ph, pw), 3)

        # 5. the frame on the printer's sheet: black where the film was clear, a neighbour's sliver.
        margin_x, margin_y = mm(dpi, rng.uniform(6, 16)), mm(dpi, rng.uniform(6, 16))
        out_h, out_w = ph + 2 * margin_y, pw + 2 * margin_x
        sheet = np.zeros((out_h, out_w), np.float32)  # clear film prints black
        ox, oy = (
            margin_x + rng.randint(-margin_x // 2, margin_x // 2),
            margin_y + rng.randint(-margin_y // 2, margin_y // 2),
        )
        sheet[oy : oy + ph, ox : ox + pw] = proj
        frame_gap = mm(dpi, rng.uniform(2, 5))
        neighbour = rng.random() < 0.6
        if neighbour:
            # the end of the previous frame above (or beside) this one: a strip of a blank-ish page
            strip = np.clip(1.0 - 0.1 * nrng.random((max(1, oy - frame_gap), pw)), 0, 1).astype(np.float32)
            sheet[: strip.shape[0], ox : ox + pw] = strip
            # its footer line: the page number of the previous page, as blocks of print
            fy = max(0, strip.shape[0] - mm(dpi, rng.uniform(4, 9)))
            fx = ox + pw // 2 - mm(dpi, 4)
            for k in range(rng.randint(1, 3)):
                cv2.rectangle(
                    sheet,
                    (fx + k * mm(dpi, 2.2), fy),
                    (fx + k * mm(dpi, 2.2) + mm(dpi, 1.4), fy + mm(dpi, 2.4)),
                    0.15,
                    -1,
                )
        light_full = np.full_like(sheet, 1.0 - vignette)
        light_full[oy : oy + ph, ox : ox + pw] = light
        sheet = sheet * light_full + (1 - light_full) * 0.0

        # 6. the reader-printer: toner fog, banding across the scan direction, polarity.
        negative = rng.random() < 0.22
        fog = rng.uniform(0.04, 0.14)
        band_period = rng.uniform(3, 12) * dpi / 25.4
        band_amp = rng.uniform(0.01, 0.05)
        axis = np.arange(out_h if rng.random() < 0.5 else out_w, dtype=np.float32)
        bands = band_amp * np.sin(2 * np.pi * axis / band_period + rng.uniform(0, 6))
        if negative:
            sheet = 1.0 - sheet
            # the frame is white on a negative print; the page black.
        tone = sheet * (1 - fog)
        tone = tone - (bands[:, None] if len(axis) == out_h else bands[None, :]) * tone
        tone += nrng.normal(0, 0.025, tone.shape).astype(np.float32)
        out = np.clip(tone * 255, 0, 255).astype(np.uint8)

        # 7. the archive scans the print: slight skew, grey JPEG.
        scan_skew = rng.uniform(-0.8, 0.8)
        m = cv2.getRotationMatrix2D((out_w / 2, out_h / 2), scan_skew, 1.0)
        out = cv2.warpAffine(out, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=235 if not negative else 30)
        if bitonal:  # the archive's scanner set to black-and-white: a local threshold
            quality = 0
            block = (mm(dpi, rng.uniform(3, 6)) // 2) * 2 + 1
            c = rng.uniform(12, 20)
            if negative:  # a local threshold would outline the white print; the operator used a fixed one
                level, _ = cv2.threshold(out, 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
                _, out = cv2.threshold(out, level * rng.uniform(0.9, 1.1), 255, cv2.THRESH_BINARY)
            else:
                out = cv2.adaptiveThreshold(out, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, c)
        else:
            quality = rng.randint(35, 65)
            out = jpeg(out, quality)
        params = {
            "film_skew": film_skew,
            "effective_dpi": eff_dpi,
            "glyph_px": glyph,
            "film_threshold": mid,
            "film_contrast": gamma_k,
            "roll_vertical": vertical_roll,
            "scratches": scratches,
            "dust": n_dust,
            "scale": [sx, sy],
            "vignette": vignette,
            "offset": [ox, oy],
            "neighbour_frame": neighbour,
            "negative": negative,
            "fog": fog,
            "banding": band_amp,
            "scan_skew": scan_skew,
            "bitonal": bitonal,
            "focus_ramp": ramp_axis,
            "jpeg_quality": quality,
        }
        return out, params


def _glyph_height(page: np.ndarray, ctx: PageFacts) -> float:
    """Typical height (px) of the printed marks inside the tables (whole page when none is given)."""
    g = grey(page)
    mask = np.zeros(g.shape, np.uint8)
    boxes = ctx.tables_px or [(0, 0, g.shape[1], g.shape[0])]
    for x0, y0, x1, y1 in boxes:
        sub = g[int(y0) : int(y1), int(x0) : int(x1)]
        mask[int(y0) : int(y1), int(x0) : int(x1)] = sub < 128
    _, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    hs = stats[1:, cv2.CC_STAT_HEIGHT]
    ws = stats[1:, cv2.CC_STAT_WIDTH]
    hs = hs[(hs >= 4) & (hs <= 80) & (ws <= 80)]
    return float(np.percentile(hs, 75)) if len(hs) else 20.0
