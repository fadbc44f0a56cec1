"""in7_reprint (released by lot for tuning, round 7): a scan-to-PDF file, printed again from a viewer, and scanned again into the archive.

A common path to the archive: someone scanned the signed report into a compact PDF (mixed raster
content: a one-bit text mask over a coarse, heavily compressed background and a coarse text-colour
layer), e-mailed it, and the receiving office printed it from a browser or viewer ("fit to page",
with the viewer's own header and footer: date, file path, "3/12") on a mono laser printer, which
screens every grey into a 45-degree dot pattern, starves a band of toner and ghosts the drum's
previous turn; the printout was scanned again on a flatbed with the lid showing at two edges,
sometimes sideways, and saved as a grey JPEG-in-PDF. Each stage is mild alone; together they
give blocky halos round text, moire from the re-sampled halftone, and extra machine text.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, mm, np_rng
from .m7a_tools import jpeg, rotate, smooth_field, text_mask


class Reprint(Family):
    """A compact scan-PDF printed again on a laser and rescanned (see the module)."""

    name = "in7_reprint"
    kind = "pdf"
    dpis = (200, 300)
    summary = "MRC scan-PDF printed fit-to-page with viewer header/footer on a mono laser (screen, toner band, ghost), rescanned grey"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        g = np_rng(rng)
        dpi = ctx.dpi
        mrc, mrc_params = _mrc_pdf(page, rng)
        work_dpi = 400 if dpi <= 200 else 450  # the printer's finer grid, kept small for memory
        printed, print_params = _laser_print(grey(mrc), dpi, work_dpi, rng, g)
        scan, scan_params = _flatbed_rescan(printed, dpi, work_dpi, rng, g)
        return scan, {**mrc_params, **print_params, **scan_params}


def _mrc_pdf(page: np.ndarray, rng: random.Random) -> tuple[np.ndarray, dict[str, Any]]:
    """Mixed raster content: 1-bit mask at full size, background and text colour at low resolution."""
    img = cv2.GaussianBlur(page, (0, 0), 0.7)
    g = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    local = cv2.blur(g, (31, 31)).astype(np.int16)
    offset = rng.uniform(8, 25)
    mask = (g < local - offset) | (g < rng.uniform(90, 130))
    h, w = g.shape
    bg_factor = rng.choice([3, 4, 6])
    bg_quality = rng.randint(12, 35)
    bg = _layer_mean(img, ~mask, bg_factor)
    bg = cv2.resize(jpeg(bg, bg_quality), (w, h), interpolation=cv2.INTER_LINEAR)
    fg_factor = rng.choice([8, 12, 16])
    fg = np.minimum(_layer_mean(img, mask, fg_factor), 110)
    fg = cv2.resize(jpeg(fg, 40), (w, h), interpolation=cv2.INTER_NEAREST)
    out = np.where(mask[..., None], fg, bg)
    return out, {"mrc_offset": offset, "bg_factor": bg_factor, "bg_quality": bg_quality, "fg_factor": fg_factor}


def _layer_mean(img: np.ndarray, where: np.ndarray, factor: int) -> np.ndarray:
    """One MRC layer at 1/``factor`` size: the mean colour of the ``where`` pixels in each block (holes filled)."""
    h, w = where.shape
    size = (max(1, w // factor), max(1, h // factor))
    weight = cv2.resize(where.astype(np.float32), size, interpolation=cv2.INTER_AREA)
    total = cv2.resize(np.where(where[..., None], img, 0).astype(np.float32), size, interpolation=cv2.INTER_AREA)
    wide_w, wide_t = cv2.blur(weight, (7, 7)), cv2.blur(total, (7, 7))
    near = wide_t / np.maximum(wide_w, 1e-4)[..., None]
    mean = np.where((weight > 0.02)[..., None], total / np.maximum(weight, 1e-4)[..., None], near)
    return np.clip(mean, 0, 255).astype(np.uint8)


def _laser_print(
    page: np.ndarray, dpi: int, work_dpi: int, rng: random.Random, g: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """Fit-to-page print with the viewer's header/footer, screened, toner-starved and ghosted."""
    h, w = page.shape
    work_scale = work_dpi / dpi
    fit = rng.uniform(0.88, 0.97)
    content = cv2.resize(page, None, fx=work_scale * fit, fy=work_scale * fit, interpolation=cv2.INTER_CUBIC)
    sheet_h, sheet_w = round(h * work_scale), round(w * work_scale)
    sheet = np.full((sheet_h, sheet_w), 255, np.uint8)
    y0 = (sheet_h - content.shape[0]) // 2 + mm(work_dpi, rng.uniform(-2, 4))
    x0 = (sheet_w - content.shape[1]) // 2
    y0 = min(max(0, y0), sheet_h - 1)  # only a tiny page's offset leaves the sheet
    ch, cw = min(content.shape[0], sheet_h - y0), min(content.shape[1], sheet_w - x0)
    sheet[y0 : y0 + ch, x0 : x0 + cw] = content[:ch, :cw]
    _viewer_margins(sheet, work_dpi, rng)
    tone_curve = np.clip((1.0 - np.arange(256) / 255.0) * 1.3, 0, 1) ** 0.8  # the driver darkens mid-tones
    dark = cv2.LUT(sheet, np.round(tone_curve * 255).astype(np.uint8))
    lpi = rng.uniform(85, 133)
    k = 2 * np.pi / (work_dpi / lpi * np.sqrt(2))
    cos_x = np.cos(k * np.arange(sheet_w, dtype=np.float32))
    cos_y = np.cos(k * np.arange(sheet_h, dtype=np.float32))
    screen = (127.5 + 127.5 * cos_y[:, None] * cos_x[None, :]).astype(np.float32)  # 45-degree dots: cos u + cos v
    toner = (dark > screen).astype(np.float32)
    del screen, dark
    toner = cv2.GaussianBlur(toner, (0, 0), work_dpi / 600 * rng.uniform(0.6, 1.1))
    toner *= rng.uniform(0.85, 1.0)
    band = None
    if rng.random() < 0.5:
        bx, bw = rng.randint(0, sheet_w - sheet_w // 6), rng.randint(sheet_w // 12, sheet_w // 4)
        fade = np.ones(sheet_w, np.float32)
        fade[bx : bx + bw] = rng.uniform(0.6, 0.8)
        toner *= cv2.GaussianBlur(fade[None, :], (0, 0), max(2.0, sheet_w / 100))[0][None, :]
        band = [bx, bw]
    toner *= smooth_field((sheet_h, sheet_w), 5, 0.9, 1.0, g)
    ghost_mm = rng.uniform(75, 95)
    shift = mm(work_dpi, ghost_mm)
    ghost_strength = rng.uniform(0.03, 0.09)
    toner[shift:] += toner[:-shift] * ghost_strength  # the right side is computed first, so no feedback
    np.clip(toner, 0, 1, out=toner)
    paper = rng.uniform(238, 250)
    out = paper - toner * (paper - rng.uniform(18, 40))
    return out.astype(np.float32), {
        "fit": fit,
        "lpi": lpi,
        "toner_band": band,
        "ghost_mm": ghost_mm,
        "ghost": ghost_strength,
    }


def _viewer_margins(sheet: np.ndarray, work_dpi: int, rng: random.Random) -> None:
    """The viewer's print header (date, title) and footer (file path, page x/y) in the margins."""
    size = mm(work_dpi, 2.6)
    pages = rng.randint(6, 16)
    header = f"{rng.randint(2020, 2025)}/{rng.randint(1, 12)}/{rng.randint(1, 28)} {rng.randint(8, 18)}:{rng.randint(0, 59):02d}"
    footer_left = rng.choice(["file:///C:/Users/Admin/Desktop/", "file:///D:/", "file:///C:/Users/user/Downloads/"])
    footer_left += rng.choice(["扫描件", "年报扫描", "Scan", "SCAN_"]) + f"{rng.randint(1, 9999):04d}.pdf"
    footer_right = f"{rng.randint(1, pages)}/{pages}"
    margin = mm(work_dpi, 6)
    h, w = sheet.shape
    for text, x, y in (
        (header, margin, margin // 2),
        (footer_left, margin, h - margin - size),
        (footer_right, w - margin - size * 3, h - margin - size),
    ):
        alpha = text_mask(text, size, hand=False)
        ah, aw = min(alpha.shape[0], h - y), min(alpha.shape[1], w - x)
        if x < 0 or y < 0 or ah <= 0 or aw <= 0:  # a sheet too small for its margins
            continue
        region = sheet[y : y + ah, x : x + aw]
        region[:] = np.minimum(region, (255 - alpha[:ah, :aw] * 230).astype(np.uint8))


def _flatbed_rescan(
    printed: np.ndarray, dpi: int, work_dpi: int, rng: random.Random, g: np.random.Generator
) -> tuple[np.ndarray, dict[str, Any]]:
    """Grey flatbed scan of the printout: resampled (moire), skewed, lid edges, sometimes sideways."""
    scale = dpi / work_dpi
    interpolation = rng.choice([cv2.INTER_AREA, cv2.INTER_LINEAR])
    if round(printed.shape[0] * scale) >= 1 and round(printed.shape[1] * scale) >= 1:
        img = cv2.resize(printed, None, fx=scale, fy=scale, interpolation=interpolation)
    else:  # a printout so small it would scan to nothing keeps one pixel
        size = (max(1, round(printed.shape[1] * scale)), max(1, round(printed.shape[0] * scale)))
        img = cv2.resize(printed, size, interpolation=interpolation)
    img = cv2.GaussianBlur(img, (0, 0), rng.uniform(0.4, 0.8))
    angle = rng.uniform(-1.8, 1.8)
    lid = int(rng.uniform(90, 170))
    pad = mm(dpi, 5)
    img = cv2.copyMakeBorder(img, pad, pad, pad, pad, cv2.BORDER_CONSTANT, value=lid)
    img = rotate(img, angle, lid)
    dx, dy = rng.randint(0, pad), rng.randint(0, pad)
    img = img[dy : img.shape[0] - (pad - dy), dx : img.shape[1] - (pad - dx)]
    img += g.normal(0, rng.uniform(1.5, 3.5), img.shape).astype(np.float32)
    out = np.clip(img, 0, 255).astype(np.uint8)
    sideways = rng.choice(["cw", "ccw"]) if rng.random() < 0.08 else None
    if sideways:
        out = cv2.rotate(out, cv2.ROTATE_90_CLOCKWISE if sideways == "cw" else cv2.ROTATE_90_COUNTERCLOCKWISE)
    quality = rng.randint(45, 80)
    return jpeg(out, quality), {"angle": angle, "lid": lid, "sideways": sideways, "jpeg": quality}
