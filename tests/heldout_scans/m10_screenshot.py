"""A phone screenshot of a scanned PDF open in a messaging app's file viewer, then forwarded.

Staff often do not forward the PDF itself: they open it in the chat app's built-in viewer, take a
screenshot of each page and send the pictures on (a PDF will not open on the recipient's old
phone, the file expired in the chat, the boss wants "pictures"). The archive receives those. What
that does to a page, none of it optical (no camera is involved):

- the page is a scan already (slightly askew, grey paper), shown fit-to-width on a 1080-1440 px wide
  phone screen: it is resampled to an effective 125-170 dpi, by a viewer that either filters well
  or just samples (thin rulings then vanish or thicken line by line, digits alias);
- the viewer's quirks: tiles not yet re-rendered at full resolution after a zoom stay soft
  (rectangular patches of the page blurred at a lower resolution), a reading mode that tints
  the page sepia or inverts it (night mode: light text on dark grey);
- UI chrome around the page: status bar (time, battery), the app's title bar with the file name,
  a bottom toolbar, a scroll thumb, the page-number bubble floating over the page's margin, and
  the ends of the previous and next pages above and below this one (their footer and header);
- marked up before sending: a red freehand ring round a figure, a wobbly stroke under a row (the
  phone's screenshot editor), the file name pixelated;
- the screenshot forwarded through the app: JPEG at quality 55-85, sometimes downscaled first; a
  quarter of the time opened on an older, shorter phone and screenshotted again, letterboxed on
  black and coded twice (effective resolution down to ~100 dpi).

Every number stays readable at full size; tables keep their geometry apart from the scale.
"""

from __future__ import annotations

import random
from typing import Any

import cv2
import numpy as np

from .base import Family, PageFacts, grey, np_rng
from .m10_tools import draw_text, jpeg, rotate

TITLES = ("政府信息公开工作年度报告.pdf", "年度报告（定稿）.pdf", "信息公开年报.pdf", "附件1.pdf")
BUTTONS = ("转发", "收藏", "用其他应用打开", "更多")


class Screenshot(Family):
    name = "ho10_screenshot"
    kind = "jpg"
    dpis = (150, 200, 200)
    summary = "phone screenshot of a scanned PDF in a chat app's viewer: fit-width resampling, soft tiles, reading modes, UI chrome, forwarded JPEG"

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        nrng = np_rng(rng)
        h, w = page.shape[:2]

        # 1. the PDF is an office scan: grey paper, a little skew, noise.
        paper = rng.uniform(228, 250)
        g = grey(page).astype(np.float32) * (paper / 255.0) + nrng.normal(0, 3, (h, w)).astype(np.float32)
        skew = rng.uniform(-0.8, 0.8)
        scan = rotate(np.clip(g, 0, 255).astype(np.uint8), skew, int(paper))
        scan = jpeg(scan, rng.randint(55, 80))

        # 2. the phone and the viewer's layout.
        sw = rng.choice((1080, 1080, 1170, 1242, 1284, 1440))
        sh = round(sw * rng.choice((2.0, 2.111, 2.167, 2.222)))
        status_h, title_h, bar_h = round(sw * 0.06), round(sw * 0.115), round(sw * 0.13)
        gutter = round(sw * rng.uniform(0.0, 0.03))
        pw = sw - 2 * gutter
        scale = pw / w
        ph = round(h * scale)
        content_top, content_bot = status_h + title_h, sh - bar_h
        free = (content_bot - content_top) - ph
        if free < 0:  # a short screen: fit the whole page in height instead
            ph = content_bot - content_top - 8
            scale = ph / h
            pw = round(w * scale)
            gutter = (sw - pw) // 2
            free = 8
        gap = round(sw * 0.02)
        top = content_top + rng.randint(0, max(0, free))

        # 3. resampling: a good filter or plain sampling; soft tiles.
        filt = rng.choice(("area", "linear", "nearest"))
        interp = {"area": cv2.INTER_AREA, "linear": cv2.INTER_LINEAR, "nearest": cv2.INTER_NEAREST}[filt]
        shown = cv2.resize(scan, (pw, ph), interpolation=interp)
        soft_tiles = []
        if rng.random() < 0.55:
            tile = rng.choice((256, 384, 512))
            lowres = rng.uniform(0.62, 0.78)
            small = cv2.resize(scan, (round(pw * lowres), round(ph * lowres)), interpolation=cv2.INTER_AREA)
            blurry = cv2.resize(small, (pw, ph), interpolation=cv2.INTER_LINEAR)
            for ty in range(0, ph, tile):
                for tx in range(0, pw, tile):
                    if rng.random() < 0.3:
                        shown[ty : ty + tile, tx : tx + tile] = blurry[ty : ty + tile, tx : tx + tile]
                        soft_tiles.append([tx, ty])
            soft_tiles = soft_tiles[:40]

        # 4. reading mode.
        mode = rng.choices(("normal", "sepia", "night"), weights=(0.6, 0.2, 0.2))[0]
        shown_bgr = cv2.cvtColor(shown, cv2.COLOR_GRAY2BGR).astype(np.float32)
        if mode == "sepia":
            shown_bgr *= np.array((0.78, 0.9, 0.98), np.float32)
        elif mode == "night":
            shown_bgr = 255.0 - shown_bgr * rng.uniform(0.78, 0.88)  # light grey text on dark grey
        shown_bgr = np.clip(shown_bgr, 0, 255).astype(np.uint8)
        viewer_bg = (40, 40, 40) if mode == "night" else (rng.randint(225, 240),) * 3

        screen = np.full((sh, sw, 3), viewer_bg, np.uint8)
        # the neighbouring pages: the end of the previous one above (its footer line only), the
        # start of the next one below (its blank top margin): never a second copy of a table
        rows = np.flatnonzero((shown < paper * 0.6).sum(axis=1) > 0)
        first_ink = int(rows[0]) if len(rows) else ph // 10
        footer = ph
        if len(rows):
            breaks = np.flatnonzero(np.diff(rows) > max(4, round(ph * 0.008)))
            footer = int(rows[breaks[-1] + 1]) if len(breaks) else ph
            if ph - footer > ph * 0.1:  # no footer line at the very bottom: show only blank paper
                footer = ph
        blank = np.full((1, pw, 3), shown_bgr[2, pw // 2], np.uint8)
        above = top - gap - content_top
        if above > 0:
            strip = shown_bgr[ph - min(above, ph) :].copy()
            cut = max(0, footer - (ph - len(strip)) - 2)
            strip[:cut] = blank
            screen[top - gap - len(strip) : top - gap, gutter : gutter + pw] = strip
        below = content_bot - (top + ph + gap)
        if below > 0:
            strip = np.repeat(blank, below, axis=0)
            strip[: max(0, first_ink - 2)] = shown_bgr[: min(below, max(0, first_ink - 2))]
            screen[top + ph + gap : top + ph + gap + below, gutter : gutter + pw] = strip
        y1 = min(top + ph, content_bot)
        screen[top:y1, gutter : gutter + pw] = shown_bgr[: y1 - top]

        # 5. the chrome.
        dark_ui = mode == "night" or rng.random() < 0.2
        ui_bg, ui_fg = ((25, 25, 25), (230, 230, 230)) if dark_ui else ((247, 247, 247), (20, 20, 20))
        screen[:content_top] = ui_bg
        screen[content_bot:] = ui_bg
        fs = round(sw * 0.035)
        clock = f"{rng.randint(7, 23)}:{rng.randint(0, 59):02d}"
        screen = draw_text(screen, (round(sw * 0.06), round(status_h * 0.2)), clock, fs, ui_fg)
        bx = sw - round(sw * 0.12)
        cv2.rectangle(screen, (bx, round(status_h * 0.3)), (bx + round(sw * 0.06), round(status_h * 0.7)), ui_fg, 2)
        cv2.rectangle(
            screen,
            (bx + 3, round(status_h * 0.3) + 3),
            (bx + round(sw * 0.06 * rng.uniform(0.2, 0.95)), round(status_h * 0.7) - 3),
            ui_fg,
            -1,
        )
        title = rng.choice(TITLES)
        screen = draw_text(screen, (round(sw * 0.05), status_h + round(title_h * 0.3)), "<", round(fs * 1.3), ui_fg)
        screen = draw_text(screen, (round(sw * 0.15), status_h + round(title_h * 0.3)), title, round(fs * 1.1), ui_fg)
        cv2.line(
            screen, (0, content_top - 1), (sw, content_top - 1), (200, 200, 200) if not dark_ui else (70, 70, 70), 1
        )
        for i, label in enumerate(rng.sample(BUTTONS, 3)):
            screen = draw_text(
                screen, (round(sw * (0.06 + 0.33 * i)), content_bot + round(bar_h * 0.3)), label, fs, ui_fg
            )
        # scroll thumb on the right edge
        ty0 = content_top + rng.randint(0, max(1, content_bot - content_top - round(sw * 0.15)))
        cv2.rectangle(screen, (sw - 14, ty0), (sw - 6, ty0 + round(sw * 0.12)), (150, 150, 150), -1)
        # the page-number bubble, floating over the page's top margin (never over a table)
        n_pages = rng.randint(3, 9)
        label = f"{rng.randint(1, n_pages)}/{n_pages}"
        bub_w, bub_h = round(sw * 0.13), round(sw * 0.06)
        bub_x, bub_y = gutter + round(sw * 0.04), content_top + round(sw * 0.03)
        table_boxes = [
            (gutter + t[0] * scale, top + t[1] * scale, gutter + t[2] * scale, top + t[3] * scale)
            for t in ctx.tables_px
        ]
        clash = any(
            not (bub_x + bub_w < x0 or bub_x > x1 or bub_y + bub_h < y0 or bub_y > y1) for x0, y0, x1, y1 in table_boxes
        )
        bubble = not clash
        if bubble:
            roi = screen[bub_y : bub_y + bub_h, bub_x : bub_x + bub_w].astype(np.float32)
            screen[bub_y : bub_y + bub_h, bub_x : bub_x + bub_w] = (roi * 0.45 + 20).astype(np.uint8)
            screen = draw_text(
                screen,
                (bub_x + round(bub_w * 0.2), bub_y + round(bub_h * 0.12)),
                label,
                round(bub_h * 0.7),
                (245, 245, 245),
            )

        # 6. marked up in the phone's screenshot editor: a red freehand ring and a stroke under a row.
        markup = []
        if table_boxes and rng.random() < 0.6:
            red = rng.choice(((40, 40, 240), (0, 0, 255), (60, 30, 230)))
            thick = max(3, round(sw * rng.uniform(0.004, 0.007)))
            ink = np.zeros(screen.shape[:2], np.uint8)
            for _ in range(rng.randint(1, 2)):
                x0, y0, x1, y1 = rng.choice(table_boxes)
                cx, cy = rng.uniform(x0, x1), rng.uniform(y0, y1)
                rx, ry = sw * rng.uniform(0.06, 0.14), sw * rng.uniform(0.025, 0.05)
                t = np.linspace(0, 2 * np.pi * rng.uniform(1.05, 1.2), 80)
                wob = 1 + 0.08 * np.sin(t * rng.uniform(1.5, 3) + rng.uniform(0, 6))
                pts = np.stack([cx + rx * wob * np.cos(t), cy + ry * wob * np.sin(t) + t * ry * 0.08], 1)
                cv2.polylines(ink, [pts.astype(np.int32)], False, 255, thick, cv2.LINE_AA)
                markup.append(["ring", round(cx), round(cy)])
            if rng.random() < 0.5:
                x0, y0, x1, y1 = rng.choice(table_boxes)
                uy = rng.uniform(y0, y1)
                ux0, ux1 = rng.uniform(x0, (x0 + x1) / 2), rng.uniform((x0 + x1) / 2, x1)
                xs = np.linspace(ux0, ux1, 40)
                ys = uy + np.cumsum(np.array([rng.uniform(-1.5, 1.5) for _ in xs]))
                cv2.polylines(ink, [np.stack([xs, ys], 1).astype(np.int32)], False, 255, thick, cv2.LINE_AA)
                markup.append(["stroke", round(ux0), round(uy)])
            # the editor's pen is a little translucent: print under it shows through darker
            a = ink.astype(np.float32)[..., None] / 255.0 * 0.75
            screen = (screen * (1 - a) + np.array(red, np.float32) * a).astype(np.uint8)
        if rng.random() < 0.3:  # the file name pixelated before sending
            ty0, ty1, tx0, tx1 = status_h, content_top - 2, round(sw * 0.14), round(sw * 0.9)
            block = max(8, round(sw * 0.02))
            roi = screen[ty0:ty1, tx0:tx1]
            small = cv2.resize(
                roi, (max(1, roi.shape[1] // block), max(1, roi.shape[0] // block)), interpolation=cv2.INTER_AREA
            )
            screen[ty0:ty1, tx0:tx1] = cv2.resize(small, (roi.shape[1], roi.shape[0]), interpolation=cv2.INTER_NEAREST)
            markup.append(["mosaic"])

        # 7. forwarded: sometimes downscaled, then JPEG; now and then opened on another phone and
        # screenshotted again (letterboxed in its image viewer on black, coded twice).
        out_scale, out_x, out_y = scale, float(gutter), float(top)
        down = 1.0
        if rng.random() < 0.3 and sw > 1080:
            down = 1080 / sw
            screen = cv2.resize(screen, (1080, round(sh * down)), interpolation=cv2.INTER_AREA)
            out_scale, out_x, out_y = out_scale * down, out_x * down, out_y * down
        quality = rng.randint(55, 85)
        screen = jpeg(screen, quality)
        rescreen = rng.random() < 0.25
        if rescreen:
            h2, w2 = screen.shape[:2]
            sw2 = rng.choice((1080, 1170, 1242))
            sh2 = round(sw2 * rng.choice((1.778, 2.0)))  # an older, shorter phone
            f = min(sw2 / w2, sh2 / h2)
            nw, nh = round(w2 * f), round(h2 * f)
            second = np.zeros((sh2, sw2, 3), np.uint8)
            ox2, oy2 = (sw2 - nw) // 2, (sh2 - nh) // 2
            second[oy2 : oy2 + nh, ox2 : ox2 + nw] = cv2.resize(screen, (nw, nh), interpolation=cv2.INTER_AREA)
            if oy2 >= round(sw2 * 0.05):  # the second phone's own status bar over the black letterbox
                second = draw_text(second, (round(sw2 * 0.06), round(sw2 * 0.01)), clock, fs, (235, 235, 235))
            screen = jpeg(second, rng.randint(60, 85))
            out_scale, out_x, out_y = out_scale * f, ox2 + out_x * f, oy2 + out_y * f
            down *= f
        params = {
            "scan_skew": skew,
            "screen": [sw, sh],
            "scale": scale,
            "effective_dpi": float(ctx.dpi) * scale * down,
            "page_top": top,
            "page_left": gutter,
            "filter": filt,
            "soft_tiles": len(soft_tiles),
            "mode": mode,
            "dark_ui": dark_ui,
            "page_bubble": bubble,
            "downscaled": down,
            "markup": markup,
            "rescreenshot": rescreen,
            "page_to_output": [out_scale, out_x, out_y],
            "jpeg_quality": quality,
        }
        return screen, params
