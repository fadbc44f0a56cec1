"""Scans and phone photos of known documents: rasterise, then degrade, with the truth of the source.

    python -m tests.generator.degrade --src tests/corpus/shared/pdf/hongze_2024.pdf --out /tmp/scans --level hard
    python -m tests.generator.degrade --src tests/corpus/generated --out /tmp/scans --level photo --seed 3

A source is a born-digital PDF with its truth JSON (``<stem>.json`` next to it, or
``tests/corpus/shared/truth/<stem>.json``). Pages are rendered with pypdfium2 and
degraded the way archives degrade them:

- ``clean``: an office scanner: 200-300 dpi, up to 0.5° askew, a little sensor noise,
  the official seal over the signature; an image-only PDF (JPEG inside, as scanners write).
- ``hard``: a poor copy: 150-220 dpi, 0.3-3° askew, blur, speckle, toner too thin or too
  heavy, uneven light, JPEG artefacts (quality 40-70), red seals over the tables and the
  text, now and then a page fed upside down or sideways; an image-only PDF. Thin toner
  erases 0.5 pt rulings in places at these resolutions; it was taken out of this level
  once because the OCR had no fallback for tables without rulings, and is back in it
  (issue 13: a level is never narrowed because it got hard).
- ``photo``: a phone photo on a desk: perspective, shadow, uneven light, slight
  defocus, colour cast, JPEG; one file per page (several files make one report).
- ``unruled``: an office scan (as ``clean``) of the document with every ruling erased
  before scanning: tables without borders, or a copy whose thin rulings vanished. The
  OCR must find the cells from the alignment of the text alone.

Issue 13's families, each its own level (``EXTRA_LEVELS``; every number stays readable by eye):

- ``lid``: a flatbed scan of a page laid 2-6° askew and pushed off the glass: its left
  edge, the tables' outer ruling and the first characters of the row labels fall outside
  the image; the scanner's dark lid (grey 50-70) fills the uncovered wedges; sometimes a
  dark band of light along one edge, a red seal over the main table.
- ``rot6``: a flatbed scan up to 6° askew with a white border all round, nothing cut.
- ``fax``: 150 dpi, one bit per pixel (fax, black-and-white archive scanner): the page's own
  threshold (between its paper and its ink) over sensor noise, 2-7 px gaps in some rulings; a
  Group 4 TIFF. ``fax_fixed``, its first version, binarised at a fixed 110-170, which erases a
  light font: kept as a level of its own (``SUPERSEDED_FAMILIES``), never narrowed.
- ``toner``: thin, uneven toner at 300 dpi grey: strokes thinned, rulings fading or gone
  in patches, a light header band over each table.
- ``copyseal``: a photocopy: seals gone grey over the tables' number columns, copier contrast.
- ``curl``: a phone photo of a curled page (rows bent by 2-4 % of the page height),
  perspective, shadow; a JPEG per page.
- ``jpeg``: an office scan at JPEG quality 35-50.  ``colour150``: a colour scan at 150 dpi.
- phone photos made otherwise than ``photo`` and ``curl`` (``Phone``, ``PHONE_VARIANTS``): ``lowangle``
  (strong keystone, far part soft), ``fill`` (the sheet fills the picture: no outline), ``cutoff``
  (sides out of the picture, a thumb), ``pale`` (a light desk, another sheet under it), ``shake``
  (8 Mpx, motion blur or defocus, low light), ``fold`` (creases, or one edge lifting), ``landscape``
  (8 Mpx held sideways, the sheet small or on its side); and as archives hold them (``PHONE_ARCHIVED``):
  ``forwarded`` (through a messaging app: 1080-1280 px, JPEG 60-80, once or twice), ``scanapp`` (a
  scanner app's flattened, blown-out, over-sharpened or black-and-white page), ``glare`` (a flash's hot
  spot over the print, a hand's shadow), ``clutter`` (curl, keystone, shadow and low light on a busy desk
  among other printed sheets); and with other print in view (``PHONE_AMONG``): ``binder`` (a page of
  an open binder: its gutter curving and shaded, the facing page beyond the spine).
- ``copy2``: a photocopy of a photocopy: two generations of toner loss and pushed contrast, each a
  little out of register, a grey fogged background, worn bands and drum scratches along the paper
  path, 200 or 300 dpi grey saved as JPEG 45-75.
- black-and-white archive scans beyond ``fax`` and ``archive`` (issue 13, branch bitonal6): ``sealbw`` (red
  seals over the number columns and row labels thresholded solid black), ``halftone`` (a scanner's
  halftone mode over zebra-shaded rows, shaded headers and columns, light print: clustered-dot screen,
  ordered dither or error diffusion), ``finebw`` (300-400 dpi, threshold toward the ink: thin broken
  strokes, salt-and-pepper and dust, deskewed on the bits by nearest neighbour, now and then a moiré).
- ``rebitonal`` (branch bitonal7): an archive's black-and-white page (100-150 dpi, light grey rulings
  sometimes lost to its threshold) printed on a laser printer and scanned black-and-white again at
  150-200 dpi; a few scan lines repeated where the fax coding lost them.
- ``webcms`` (branch bitonal8): a 100-120 dpi black-and-white scan kept by a website's CMS as a 1-bit PNG
  and resized by nearest neighbour to a display width of 720-1000 px (1 px rulings and strokes dropped or
  doubled unevenly), now and then saved from the browser at 110-150 % zoom (smoothed); a PNG per page.
- ``reviewed`` (branch mark10): a reviewer's copy scanned on an office scanner: blue or black ballpoint
  ticks, check marks and crosses beside figures inside their cells, strokes under figures, a highlighter
  down a table's label column, a sticky note and its shadow; colour or grey, JPEG.

Every level is a ``Family`` (``choose_dpi`` once per document, ``degrade_page`` per page
with a ``PageContext``); ``make`` also takes the name of a held-out family
(``tests.heldout_scans.FAMILIES``, written independently and imported only when asked for).
Each level draws from its own random stream (seeded by file, level and seed).

The output truth is the source truth plus ``degradation`` (level, seed, container,
whether held out, per-page parameters) and ``files``; the page text for error rates is the source PDF's own
text layer, so the benchmark reads it from ``source_pdf``.
"""

from __future__ import annotations

import argparse
import io
import itertools
import json
import math
import random
import shutil
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

LEVELS = ("clean", "hard", "photo")
SHARED_TRUTH = Path(__file__).resolve().parents[1] / "corpus" / "shared" / "truth"
SEAL_FONTS = ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "/usr/share/fonts/truetype/arphic/uming.ttc")


@dataclass
class PageDegradation:
    """What was done to one page (recorded in the truth so a failure can be reproduced)."""

    dpi: int
    rotation: float = 0.0
    quarter_turns: int = 0
    blur: float = 0.0
    noise: float = 0.0
    speckle: float = 0.0
    toner: int = 0
    """-1 thinner strokes, +1 heavier strokes."""
    light: float = 0.0
    """Depth of the uneven-light gradient (0 = even)."""
    jpeg: int = 0
    seals: list[str] = field(default_factory=list)
    """Where seals were stamped: "table", "text", "signature"."""
    perspective: float = 0.0
    """Largest corner displacement as a share of the page size (photos)."""
    shadow: float = 0.0
    grey: bool = True


# -- rendering ----------------------------------------------------------------


def render(pdf_path: Path, dpi: int, page_index: int) -> np.ndarray:
    """One page as a BGR array at ``dpi``."""
    pdf = pdfium.PdfDocument(str(pdf_path))
    try:
        bitmap = pdf[page_index].render(scale=dpi / 72)
        pixels = bitmap.to_numpy()
        mode = bitmap.mode
    finally:
        pdf.close()
    return np.ascontiguousarray(pixels[:, :, :3] if mode.startswith("BGR") else pixels[:, :, 2::-1])


def table_boxes(pdf_path: Path) -> list[list[tuple[float, float, float, float]]]:
    """Per page, the ruled tables' boxes in points (where seals may land over numbers)."""
    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
            out.append([tuple(t.bbox) for t in found if (t.bbox[2] - t.bbox[0]) > 150 and (t.bbox[3] - t.bbox[1]) > 60])
            page.close()
    return out


def ruling_edges(pdf_path: Path) -> list[list[tuple[float, float, float, float, float]]]:
    """Per page, every straight horizontal or vertical edge the PDF draws (lines, rectangle
    sides) as (x0, top, x1, bottom, line width) in points: the rulings of its tables."""
    out = []
    with pdfplumber.open(str(pdf_path)) as pdf:
        for page in pdf.pages:
            edges = []
            for e in page.edges:
                length = max(e["x1"] - e["x0"], e["bottom"] - e["top"])
                if length >= 6:  # a tick or a dot is not a ruling
                    edges.append((e["x0"], e["top"], e["x1"], e["bottom"], float(e.get("linewidth") or 0.5)))
            out.append(edges)
            page.close()
    return out


def erase_rulings(img: np.ndarray, edges: list[tuple[float, float, float, float, float]], dpi: int) -> np.ndarray:
    """The page with its rulings painted over in paper white (a margin of ~1 pt around each,
    so no grey fringe of the anti-aliased line is left)."""
    out = img.copy()
    s = dpi / 72
    for x0, top, x1, bottom, width in edges:
        m = (max(width, 0.5) / 2 + 1.0) * s
        cv2.rectangle(out, (int(x0 * s - m), int(top * s - m)), (int(np.ceil(x1 * s + m)), int(np.ceil(bottom * s + m))),
                      (255, 255, 255), -1)
    return out


# -- effects ------------------------------------------------------------------


def _seal_layer(size: int, rng: random.Random, text: str) -> np.ndarray:
    """A round official seal (ring, star, arc of characters) as a BGR image on white."""
    img = Image.new("RGB", (size, size), (255, 255, 255))
    d = ImageDraw.Draw(img)
    red = (rng.randint(190, 230), rng.randint(20, 60), rng.randint(30, 70))
    ring = max(3, size // 28)
    d.ellipse((ring, ring, size - ring, size - ring), outline=red, width=ring)
    c = size / 2
    r_star = size * 0.16
    pts = []
    for k in range(10):
        a = -math.pi / 2 + k * math.pi / 5
        rr = r_star if k % 2 == 0 else r_star * 0.4
        pts.append((c + rr * math.cos(a), c + rr * math.sin(a)))
    d.polygon(pts, fill=red)
    font_path = next((f for f in SEAL_FONTS if Path(f).exists()), None)
    chars = text[:14] or "人民政府办公室"
    if font_path:
        font = ImageFont.truetype(font_path, max(8, int(size * 0.11)))
        span = math.radians(250)
        for k, ch in enumerate(chars):
            a = math.radians(215) + span * (k + 0.5) / len(chars)
            x = c + (size / 2 - ring * 2 - size * 0.09) * math.cos(a)
            y = c + (size / 2 - ring * 2 - size * 0.09) * math.sin(a)
            glyph = Image.new("L", (int(size * 0.14), int(size * 0.14)), 0)
            ImageDraw.Draw(glyph).text((0, 0), ch, fill=255, font=font)
            glyph = glyph.rotate(-math.degrees(a) - 90, expand=True)
            img.paste(Image.new("RGB", glyph.size, red), (int(x - glyph.width / 2), int(y - glyph.height / 2)), glyph)
    out = np.asarray(img)[:, :, ::-1].astype(np.float32)
    # uneven ink: stamps print blotchy
    blotch = cv2.GaussianBlur(np.random.default_rng(rng.randint(0, 2**31)).random((size, size)).astype(np.float32),
                              (0, 0), size / 30)
    blotch = (blotch - blotch.min()) / max(1e-6, float(blotch.max() - blotch.min()))
    ink = 1.0 - out / 255.0
    ink *= 0.55 + 0.45 * blotch[:, :, None]
    return (255.0 * (1.0 - ink)).clip(0, 255).astype(np.uint8)


def stamp(page: np.ndarray, centre: tuple[int, int], size: int, rng: random.Random, text: str) -> None:
    """Stamp a seal in place: multiplied, so the black print under it stays black."""
    layer = _seal_layer(size, rng, text)
    layer = cv2.warpAffine(layer, cv2.getRotationMatrix2D((size / 2, size / 2), rng.uniform(-30, 30), 1.0),
                           (size, size), borderValue=(255, 255, 255))
    h, w = page.shape[:2]
    x0, y0 = centre[0] - size // 2, centre[1] - size // 2
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if ax1 <= ax0 or ay1 <= ay0:
        return
    region = page[ay0:ay1, ax0:ax1].astype(np.float32)
    seal = layer[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0].astype(np.float32)
    page[ay0:ay1, ax0:ax1] = (region * seal / 255.0).astype(np.uint8)


def _rotate(img: np.ndarray, degrees: float) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def _gain(img: np.ndarray, field: np.ndarray) -> np.ndarray:
    """Multiply by a smooth field computed small and scaled up (full-size fields cost seconds)."""
    h, w = img.shape[:2]
    big = cv2.resize(field.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    return (img.astype(np.float32) * big[:, :, None]).clip(0, 255).astype(np.uint8)


def _light(img: np.ndarray, depth: float, rng: random.Random) -> np.ndarray:
    """A smooth brightness gradient with a darker corner (lid not closed, lamp to one side)."""
    h, w = (max(2, v // 16) for v in img.shape[:2])
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    cx, cy = rng.uniform(-0.3, 1.3) * w, rng.uniform(-0.3, 1.3) * h
    dist = np.sqrt((xx - cx) ** 2 + (yy - cy) ** 2)
    return _gain(img, 1.0 - depth * dist / max(float(dist.max()), 1e-6))


def _speckle(img: np.ndarray, density: float, rng: random.Random) -> np.ndarray:
    out = img.copy()
    h, w = img.shape[:2]
    g = np.random.default_rng(rng.randint(0, 2**31))
    n = int(density * h * w)
    ys, xs = g.integers(0, h, n), g.integers(0, w, n)
    out[ys, xs] = 0
    ys, xs = g.integers(0, h, n // 2), g.integers(0, w, n // 2)
    out[ys, xs] = 255
    for _ in range(int(density * 2000)):  # a few dust blobs
        cv2.circle(out, (rng.randrange(w), rng.randrange(h)), rng.randint(1, 3), (30, 30, 30), -1)
    return out


def _toner(img: np.ndarray, kind: int) -> np.ndarray:
    k = np.ones((2, 2), np.uint8)
    return cv2.dilate(img, k) if kind < 0 else cv2.erode(img, k)


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(buf, cv2.IMREAD_COLOR) if ok else img


def _grey(img: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), cv2.COLOR_GRAY2BGR)


def _desk(h: int, w: int, rng: random.Random) -> np.ndarray:
    """A desk top: a dark wood or grey colour with grain and streaks."""
    g = np.random.default_rng(rng.randint(0, 2**31))
    base = np.array(rng.choice([(40, 70, 110), (60, 60, 60), (30, 45, 70), (90, 85, 80)]), np.float32)
    grain = cv2.GaussianBlur(g.random((h // 4, w // 4)).astype(np.float32), (0, 0), 1.5) * 40 - 20
    streaks = g.random((h // 4, 8)).astype(np.float32) * 30 - 15
    texture = cv2.resize(grain + cv2.resize(streaks, (w // 4, h // 4)), (w, h), interpolation=cv2.INTER_LINEAR)
    return (base[None, None, :] + texture[:, :, None]).clip(0, 255).astype(np.uint8)


def _shadow(img: np.ndarray, strength: float, rng: random.Random) -> np.ndarray:
    """The soft shadow of a hand or a phone across part of the sheet."""
    h, w = (max(2, v // 16) for v in img.shape[:2])
    mask = np.zeros((h, w), np.float32)
    corner = rng.choice([(0, 0), (w, 0), (0, h), (w, h)])
    pts = np.array([corner, (corner[0] or w * rng.uniform(0.3, 0.7), rng.uniform(0.2, 0.6) * h),
                     (rng.uniform(0.2, 0.6) * w, corner[1] or h * rng.uniform(0.3, 0.7))], np.int32)
    cv2.fillPoly(mask, [pts], 1.0)
    mask = cv2.GaussianBlur(mask, (0, 0), max(h, w) / 25)
    return _gain(img, 1.0 - strength * mask)


def _photo(page: np.ndarray, rng: random.Random, deg: PageDegradation, sheet: np.ndarray | None = None) -> np.ndarray:
    """The sheet in perspective on a desk, about 12 Mpx, as a phone takes it. ``sheet`` masks
    the paper in ``page`` where it is not all of it (a curled page's bent outline)."""
    h, w = page.shape[:2]
    out_h = int(h * rng.uniform(1.08, 1.2))
    out_w = int(out_h * 0.75)
    scale = 0.88 * out_h / h
    cx, cy = out_w / 2, out_h / 2
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float32) * scale / 2
    a = math.radians(deg.rotation)  # the camera held a little askew
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    base = half @ rot.T + np.array([cx, cy], np.float32)
    jitter = deg.perspective * max(out_w, out_h)
    dst = base + np.array([[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)], np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    desk = _desk(out_h, out_w, rng)
    warped = cv2.warpPerspective(page, m, (out_w, out_h), flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    paper = np.full((h, w), 255, np.uint8) if sheet is None else sheet
    mask = cv2.warpPerspective(paper, m, (out_w, out_h), flags=cv2.INTER_LINEAR)
    alpha = (mask.astype(np.float32) / 255.0)[:, :, None]
    out = (warped * alpha + desk * (1 - alpha)).astype(np.uint8)
    cast = np.array([rng.uniform(0.85, 0.97), rng.uniform(0.93, 1.0), 1.0], np.float32)  # warm light (BGR)
    out = (out.astype(np.float32) * cast).clip(0, 255).astype(np.uint8)
    return out


def degrade_page(
    page: np.ndarray, level: str, rng: random.Random, dpi: int, tables_px: list[tuple[int, int, int, int]],
    last: bool, org: str,
) -> tuple[np.ndarray, PageDegradation]:
    """One rendered page degraded at ``level``; the parameters come from ``rng``."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}")
    deg = PageDegradation(dpi=dpi)
    img = page.copy()
    h, w = img.shape[:2]
    seal_size = int(dpi * rng.uniform(1.55, 1.75))  # a 4 cm seal
    if level == "clean":
        deg.grey = rng.random() < 0.5
        if last:
            stamp(img, (int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.55, 0.85))), seal_size, rng, org)
            deg.seals.append("signature")
    else:
        deg.grey = level == "hard" and rng.random() < 0.4
        if tables_px and rng.random() < 0.7:
            x0, y0, x1, y1 = rng.choice(tables_px)
            stamp(img, (rng.randint(x0, x1), rng.randint(y0, y1)), seal_size, rng, org)
            deg.seals.append("table")
        elif rng.random() < 0.4:
            stamp(img, (int(w * rng.uniform(0.25, 0.75)), int(h * rng.uniform(0.2, 0.8))), seal_size, rng, org)
            deg.seals.append("text")
        if last:
            stamp(img, (int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.55, 0.85))), seal_size, rng, org)
            deg.seals.append("signature")
    if deg.grey:
        img = _grey(img)
    if level == "clean":
        deg.rotation = round(rng.uniform(-0.5, 0.5), 2)
        deg.noise = 2.0
        deg.jpeg = 90
    elif level == "hard":
        deg.rotation = round(rng.choice([-1, 1]) * rng.uniform(0.3, 3.0), 2)
        deg.blur = round(rng.uniform(0.4, 1.0), 2)
        deg.noise = round(rng.uniform(3, 8), 1)
        deg.speckle = round(rng.uniform(0.0005, 0.003), 4)
        deg.toner = rng.choice([-1, 0, 0, 1])  # thin or heavy toner (thin erases 0.5 pt rulings in places)
        deg.light = round(rng.uniform(0.1, 0.35), 2)
        deg.jpeg = rng.randint(40, 70)
        u = rng.random()
        deg.quarter_turns = 2 if u < 0.08 else 1 if u < 0.11 else 3 if u < 0.14 else 0
    else:
        deg.rotation = round(rng.uniform(-4, 4), 2)
        deg.blur = round(rng.uniform(0.5, 1.2), 2)
        deg.noise = round(rng.uniform(3, 6), 1)
        deg.light = round(rng.uniform(0.15, 0.4), 2)
        deg.perspective = round(rng.uniform(0.02, 0.07), 3)
        deg.shadow = round(rng.uniform(0.25, 0.5), 2) if rng.random() < 0.7 else 0.0
        deg.jpeg = rng.randint(70, 88)
    if deg.toner:
        img = _toner(img, deg.toner)
    if level == "photo":
        img = _photo(img, rng, deg)
    if deg.rotation and level != "photo":
        img = _rotate(img, deg.rotation)
    if deg.blur:
        img = cv2.GaussianBlur(img, (0, 0), deg.blur)
    if deg.light:
        img = _light(img, deg.light, rng)
    if deg.shadow:
        img = _shadow(img, deg.shadow, rng)
    if deg.noise:
        cv2.setRNGSeed(rng.randint(0, 2**31))
        noise = np.zeros(img.shape, np.int16)
        cv2.randn(noise, 0, deg.noise)
        img = cv2.add(img.astype(np.int16), noise).clip(0, 255).astype(np.uint8)
    if deg.speckle:
        img = _speckle(img, deg.speckle, rng)
    if deg.quarter_turns:
        img = np.ascontiguousarray(np.rot90(img, -deg.quarter_turns))
    if deg.jpeg and level != "clean":
        img = _jpeg(img, deg.jpeg)  # clean pages are JPEG-compressed once, by the PDF writer
    return img, deg


# -- families: one interface for every way of degrading a document ------------


@dataclass(frozen=True)
class PageContext:
    """What a family may know of the page it degrades, besides its pixels."""

    dpi: int
    tables_px: list[tuple[int, int, int, int]]
    """The ruled tables' boxes (x0, top, x1, bottom) in pixels of the rendered page."""
    last: bool
    """The last page of the document: where the signature seal goes."""
    org: str
    """The body's name (seal text)."""


class Family(Protocol):
    """A way archives degrade documents. ``choose_dpi`` is called once per document (a
    scanner keeps its setting for a job), ``degrade_page`` once per page, in order, with
    the same random stream; the page comes rendered at the chosen dpi (BGR uint8) and
    goes back BGR, or grey as a 2-D array, with a JSON-able dict of what was done."""

    kind: str
    """The container written: "pdf" (image-only), "tiff" (multi-page), "jpg"/"png" (a file per page)."""

    def choose_dpi(self, rng: random.Random) -> int: ...

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]: ...


@dataclass(frozen=True)
class Level:
    """The first levels (clean, hard, photo) through the family interface; their draws are
    unchanged, so a seed still gives the same pages."""

    scan: str
    kind: str

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300]) if self.scan == "clean" else rng.randint(150, 220) if self.scan == "hard" else 300

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img, deg = degrade_page(page, self.scan, rng, ctx.dpi, ctx.tables_px, ctx.last, ctx.org)
        return (_as_grey(img) if deg.grey else img), asdict(deg)


def _as_grey(img: np.ndarray) -> np.ndarray:
    """BGR to grey as PIL does it (the writer of the first levels did; pages stay byte-identical)."""
    return np.asarray(Image.fromarray(np.ascontiguousarray(img[:, :, ::-1])).convert("L"))


def _np(rng: random.Random) -> np.random.Generator:
    return np.random.default_rng(rng.randint(0, 2**31))


def _salt_pepper(out: np.ndarray, share: tuple[float, float], rng: random.Random, pepper: bool) -> float:
    """Black specks over a bitonal page (a share of its pixels drawn from ``share``), and half as many
    white ones where ``pepper``: the sensor noise a one-bit scanner keeps. Returns the share drawn."""
    salt = round(rng.uniform(*share), 5)
    g = _np(rng)
    h, w = out.shape[:2]
    n = int(salt * out.size)
    out[g.integers(0, h, n), g.integers(0, w, n)] = 0
    if pepper:
        out[g.integers(0, h, n // 2), g.integers(0, w, n // 2)] = 255
    return salt


def _smooth(shape: tuple[int, int], rng: random.Random, cells: int = 12) -> np.ndarray:
    """A smooth random field in [0, 1] of ``shape`` (blobs about 1/``cells`` of the page)."""
    h, w = shape
    small = _np(rng).random((max(2, cells * h // max(h, w)) + 1, max(2, cells * w // max(h, w)) + 1)).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return ((big - big.min()) / max(1e-6, float(big.max() - big.min()))).astype(np.float32)


def _noise(img: np.ndarray, sigma: float, rng: random.Random) -> np.ndarray:
    g = _np(rng)
    noisy = img.astype(np.float32) + g.normal(0.0, sigma, img.shape).astype(np.float32)
    return noisy.clip(0, 255).astype(np.uint8)


def _signature(img: np.ndarray, rng: random.Random, ctx: PageContext, seals: list[str]) -> None:
    if ctx.last:
        h, w = img.shape[:2]
        stamp(img, (int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.55, 0.85))),
              int(ctx.dpi * rng.uniform(1.55, 1.75)), rng, ctx.org)
        seals.append("signature")


def _main_table(ctx: PageContext) -> tuple[int, int, int, int] | None:
    """The tallest table of the page (on its page, the 25-row applications table)."""
    return max(ctx.tables_px, key=lambda b: b[3] - b[1], default=None)


def _ink_left(page: np.ndarray) -> int:
    """The leftmost column with print on it."""
    cols = np.flatnonzero((cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 160).sum(axis=0) > 2)
    return int(cols[0]) if cols.size else page.shape[1] // 8


def _rotate_whole(img: np.ndarray, degrees: float, margin: int) -> np.ndarray:
    """Rotated on a white canvas large enough for all of it, with ``margin`` px to spare."""
    h, w = img.shape[:2]
    a = math.radians(degrees)
    nw = int(abs(w * math.cos(a)) + abs(h * math.sin(a))) + 2 * margin
    nh = int(abs(w * math.sin(a)) + abs(h * math.cos(a))) + 2 * margin
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    m[0, 2] += nw / 2 - w / 2
    m[1, 2] += nh / 2 - h / 2
    return cv2.warpAffine(img, m, (nw, nh), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))


def _band(img: np.ndarray, edge: str, width: float, depth: float) -> np.ndarray:
    """A dark band along one edge (a lid not pressed flat, a lamp fading at the end of its travel)."""
    h, w = (max(2, v // 8) for v in img.shape[:2])
    t = np.linspace(0, 1, h if edge in ("top", "bottom") else w, dtype=np.float32)
    if edge in ("bottom", "right"):
        t = t[::-1]
    ramp = 1.0 - depth * np.clip(1.0 - t / width, 0, 1) ** 2
    field = np.repeat(ramp[:, None], w, 1) if edge in ("top", "bottom") else np.repeat(ramp[None, :], h, 0)
    return _gain(img, field)


@dataclass(frozen=True)
class LidScan:
    """A flatbed scan of a page laid 2-6° askew and pushed off the glass: its left edge, the
    tables' outer ruling and the first characters of the row labels are outside the image,
    and the scanner's dark lid (grey 50-70) fills the wedges the page leaves uncovered;
    sometimes a dark band of light along one edge and a red seal over the main table."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        h, w = page.shape[:2]
        img = page.copy()
        seals: list[str] = []
        table = _main_table(ctx)
        if table and rng.random() < 0.5:
            x0, y0, x1, y1 = table
            stamp(img, (rng.randint((x0 + x1) // 2, x1), rng.randint(y0, y1)), int(ctx.dpi * rng.uniform(1.55, 1.75)),
                  rng, ctx.org)
            seals.append("table")
        _signature(img, rng, ctx, seals)
        angle = rng.choice([-1, 1]) * rng.uniform(2.0, 6.0)
        char = ctx.dpi * 10.5 / 72
        # the image's left edge crosses the page this far right of the print's left edge,
        # at the deeper end of the table (or of the page); less deep (or not at all) at the other end
        left, top, bottom = (table[0], table[1], table[3]) if table else (_ink_left(page), 0, h)
        cut = rng.uniform(1.0, 3.0) * char
        a = math.radians(angle)
        cx, cy = w / 2, h / 2
        # page -> image (cv2's rotation by +angle about the centre, then the shift):
        #   x' = c (x - cx) + s (y - cy) + cx + tx,   y' = -s (x - cx) + c (y - cy) + cy + ty
        c, s = math.cos(a), math.sin(a)
        tx = max(-s * (y - cy) for y in (top, bottom)) - cx - c * (left + cut - cx)
        ty = rng.uniform(-0.015, 0.015) * h
        m = np.array([[c, s, -c * cx - s * cy + cx + tx], [-s, c, s * cx - c * cy + cy + ty]], np.float64)
        warped = cv2.warpAffine(img, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
        cover = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (w, h), flags=cv2.INTER_LINEAR)
        cover = cv2.GaussianBlur(cover, (0, 0), 0.8).astype(np.float32)[:, :, None] / 255.0
        grey_lid = rng.randint(50, 70)
        lid = grey_lid + 10 * (_smooth((h // 8, w // 8), rng, 6) - 0.5)
        lid = cv2.resize(lid, (w, h), interpolation=cv2.INTER_LINEAR)[:, :, None]
        out = (warped.astype(np.float32) * cover + lid * (1 - cover)).clip(0, 255).astype(np.uint8)
        band = None
        if rng.random() < 0.4:
            band = {"edge": rng.choice(["top", "bottom", "left", "right"]), "width": round(rng.uniform(0.04, 0.1), 3),
                    "depth": round(rng.uniform(0.3, 0.5), 2)}
            out = _band(out, band["edge"], band["width"], band["depth"])
        grey = rng.random() < 0.5
        blur = round(rng.uniform(0.3, 0.7), 2)
        noise = round(rng.uniform(2, 4), 1)
        out = _noise(cv2.GaussianBlur(out, (0, 0), blur), noise, rng)
        # where the table's left ruling went: its two ends in the image (negative x = outside)
        ends = [] if table is None else [
            [round(float(m[0, 0] * table[0] + m[0, 1] * y + m[0, 2]), 1),
             round(float(m[1, 0] * table[0] + m[1, 1] * y + m[1, 2]), 1)]
            for y in (table[1], table[3])
        ]
        params = {"dpi": ctx.dpi, "rotation": round(angle, 2), "shift": [round(tx, 1), round(ty, 1)],
                  "cut_px": round(cut, 1), "lid": grey_lid, "band": band, "seals": seals, "grey": grey,
                  "blur": blur, "noise": noise, "jpeg": rng.randint(75, 90), "table_left_ruling_ends": ends}
        return (_as_grey(out) if grey else out), params


@dataclass(frozen=True)
class Rot6:
    """A flatbed scan of a page laid up to 6° askew on a larger glass: white all round, nothing cut."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        if ctx.tables_px and rng.random() < 0.3:
            x0, y0, x1, y1 = rng.choice(ctx.tables_px)
            stamp(img, (rng.randint(x0, x1), rng.randint(y0, y1)), int(ctx.dpi * rng.uniform(1.55, 1.75)), rng, ctx.org)
            seals.append("table")
        _signature(img, rng, ctx, seals)
        angle = rng.choice([-1, 1]) * rng.uniform(0.5, 6.0)
        margin = int(ctx.dpi * rng.uniform(0.05, 0.3))
        out = _rotate_whole(img, angle, margin)
        grey = rng.random() < 0.5
        blur = round(rng.uniform(0.3, 0.6), 2)
        noise = round(rng.uniform(2, 3.5), 1)
        out = _noise(cv2.GaussianBlur(out, (0, 0), blur), noise, rng)
        params = {"dpi": ctx.dpi, "rotation": round(angle, 2), "margin_px": margin, "seals": seals, "grey": grey,
                  "blur": blur, "noise": noise, "jpeg": rng.randint(80, 92)}
        return (_as_grey(out) if grey else out), params


def _rulings(ink: np.ndarray, dpi: int) -> tuple[np.ndarray, np.ndarray]:
    """Masks of the long horizontal and vertical lines of a binary ink image."""
    k = max(15, int(dpi * 0.6))
    return (cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, k), np.uint8)),
            cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((k // 2, 1), np.uint8)))


def _break_rulings(gray: np.ndarray, dpi: int, share: float, rng: random.Random) -> tuple[np.ndarray, int]:
    """``share`` of the rulings given 1-3 short gaps (2-7 px) each, as a fax line or a worn
    copier drum drops them; returns the page and the number of gaps cut."""
    ink = (gray < 160).astype(np.uint8) * 255
    out = gray.copy()
    gaps = 0
    for mask, horizontal in zip(_rulings(ink, dpi), (True, False), strict=True):
        n, _, stats, _ = cv2.connectedComponentsWithStats(mask)
        for i in range(1, n):
            x, y, bw, bh = (int(v) for v in stats[i, :4])
            if rng.random() >= share:
                continue
            for _ in range(rng.randint(1, 3)):
                g = rng.randint(2, 7)
                if horizontal and bw > 4 * g:
                    gx = rng.randint(x + g, x + bw - 2 * g)
                    out[max(0, y - 1) : y + bh + 1, gx : gx + g] = 255
                    gaps += 1
                elif not horizontal and bh > 4 * g:
                    gy = rng.randint(y + g, y + bh - 2 * g)
                    out[gy : gy + g, max(0, x - 1) : x + bw + 1] = 255
                    gaps += 1
    return out, gaps


def page_threshold(gray: np.ndarray, share: float, noise: float) -> tuple[int, int, int]:
    """The threshold a fax or an archive scanner sets from the page itself: its paper level
    (most of a page is paper) and its print's ink level (the median of what is clearly darker),
    ``share`` of the way from the paper down to the ink, kept ~3.5 noise deviations below the
    paper so the paper does not turn to speckle. Returns (threshold, paper, ink): a light font
    raises the threshold with it, so its strokes stay."""
    paper = int(np.percentile(gray, 75))
    dark = gray[gray < paper - 40]
    ink = int(np.median(dark)) if dark.size else 0
    threshold = round(paper - share * (paper - ink))
    return min(threshold, int(paper - 3.5 * noise)), paper, ink


@dataclass(frozen=True)
class Fax:
    """A fax or a black-and-white archive scanner: 150 dpi, one bit per pixel over sensor noise
    (ragged strokes, specks, thin strokes broken or swollen), short 2-7 px gaps in some rulings,
    a little skew; a multi-page TIFF (Group 4). The threshold is the page's own (``page_threshold``:
    between its paper and its ink), as such a scanner sets it, so a light font stays legible;
    ``fixed=True`` keeps the first version's fixed 110-170, which thins a light font away
    (the level ``fax_fixed``, drawing the same stream as ``fax``)."""

    kind: str = "tiff"
    fixed: bool = False
    stream: str = ""
    """The random stream's name when not the level's (``fax_fixed`` draws ``fax``'s pages)."""

    def choose_dpi(self, rng: random.Random) -> int:
        return 150

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        share = round(rng.uniform(0.15, 0.4), 2)
        gray, gaps = _break_rulings(gray, ctx.dpi, share, rng)
        angle = round(rng.uniform(-1.2, 1.2), 2)
        gray = cv2.warpAffine(gray, cv2.getRotationMatrix2D((gray.shape[1] / 2, gray.shape[0] / 2), angle, 1.0),
                              gray.shape[::-1], flags=cv2.INTER_LINEAR, borderValue=255)
        blur = round(rng.uniform(0.3, 0.6), 2)
        noise = round(rng.uniform(8, 20), 1)
        drawn = rng.randint(110, 170)  # drawn by both versions, so they share every other draw
        gray = cv2.GaussianBlur(gray, (0, 0), blur)
        levels: dict = {}
        if self.fixed:
            threshold = drawn
        else:
            toward_ink = round(0.35 + 0.3 * (drawn - 110) / 60, 2)  # 0.35-0.65 of the way from paper to ink
            threshold, paper, ink = page_threshold(gray, toward_ink, noise)
            levels = {"paper": paper, "ink": ink, "toward_ink": toward_ink}
        gray = _noise(gray, noise, rng)
        out = np.where(gray < threshold, 0, 255).astype(np.uint8)
        speckle = round(rng.uniform(0.00005, 0.0003), 5)
        g = _np(rng)
        n = int(speckle * out.size)
        out[g.integers(0, out.shape[0], n), g.integers(0, out.shape[1], n)] = 0
        params = {"dpi": ctx.dpi, "rotation": angle, "ruling_gap_share": share, "ruling_gaps": gaps, "blur": blur,
                  "noise": noise, "threshold": threshold, **levels, "speckle": speckle, "seals": seals,
                  "bitonal": True}
        return out, params


@dataclass(frozen=True)
class ThinToner:
    """A copy with thin, uneven toner at 300 dpi grey: strokes thinned, whole patches where
    the 0.5 pt rulings fade or go, a light header band over each table."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return 300

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        ink = 255.0 - cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        h, w = ink.shape
        thin = cv2.erode(ink, np.ones((2, 2), np.uint8))  # every stroke a pixel thinner
        thinner = cv2.erode(ink, np.ones((3, 3), np.uint8)) * 0.8  # 2-3 px rulings gone, digits' 4-5 px strokes kept
        coverage = rng.uniform(0.2, 0.4)
        field = _smooth((h // 4, w // 4), rng, 10)
        patch = np.clip((np.quantile(field, coverage) - field) * 8 + 0.5, 0, 1)  # ~coverage of the page, soft edges
        patch = cv2.resize(patch, (w, h), interpolation=cv2.INTER_LINEAR)
        density = 0.7 + 0.3 * cv2.resize(_smooth((h // 8, w // 8), rng, 6), (w, h), interpolation=cv2.INTER_LINEAR)
        out = (thin * (1 - patch) + thinner * patch) * density
        headers = []
        for x0, y0, x1, y1 in ctx.tables_px:
            share = rng.uniform(0.1, 0.3)
            light = rng.uniform(0.35, 0.55)
            hy = int(y0 + share * (y1 - y0))
            out[max(0, y0 - 2) : hy, max(0, x0 - 2) : x1 + 2] *= light
            headers.append([round(share, 2), round(light, 2)])
        gray = (255.0 - out).clip(0, 255).astype(np.uint8)
        angle = round(rng.uniform(-1.0, 1.0), 2)
        gray = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                              flags=cv2.INTER_LINEAR, borderValue=255)
        noise = round(rng.uniform(2, 5), 1)
        gray = _noise(gray, noise, rng)
        params = {"dpi": ctx.dpi, "rotation": angle, "faded_share": round(coverage, 2), "light_headers": headers,
                  "noise": noise, "seals": seals, "grey": True, "jpeg": rng.randint(70, 85)}
        return gray, params


def _grey_seal(page: np.ndarray, centre: tuple[int, int], size: int, rng: random.Random, text: str, darkest: int) -> None:
    """A seal as a photocopier prints it: grey (its red gone to a mid grey), multiplied in place."""
    layer = cv2.cvtColor(_seal_layer(size, rng, text), cv2.COLOR_BGR2GRAY).astype(np.float32)
    layer = cv2.warpAffine(layer, cv2.getRotationMatrix2D((size / 2, size / 2), rng.uniform(-30, 30), 1.0),
                           (size, size), borderValue=255)
    ink = (255.0 - layer) / max(1.0, float(255.0 - layer.min()))  # 0..1, the seal's densest ink 1
    layer = 255.0 - ink * (255 - darkest)
    h, w = page.shape[:2]
    x0, y0 = centre[0] - size // 2, centre[1] - size // 2
    ax0, ay0, ax1, ay1 = max(0, x0), max(0, y0), min(w, x0 + size), min(h, y0 + size)
    if ax1 <= ax0 or ay1 <= ay0:
        return
    seal = layer[ay0 - y0 : ay1 - y0, ax0 - x0 : ax1 - x0][:, :, None] / 255.0
    page[ay0:ay1, ax0:ax1] = (page[ay0:ay1, ax0:ax1].astype(np.float32) * seal).astype(np.uint8)


@dataclass(frozen=True)
class CopySeal:
    """A photocopy of a stamped page: the seals came out grey, and they sit over the number
    columns of the tables; copier contrast, toner haze and speckle, a little skew."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals = []
        size = int(ctx.dpi * rng.uniform(1.55, 1.75))
        for x0, y0, x1, y1 in ctx.tables_px:
            for _ in range(1 if (y1 - y0) < 2 * size or rng.random() < 0.6 else 2):
                if rng.random() < 0.85:
                    darkest = rng.randint(90, 150)
                    centre = (rng.randint(x0 + (x1 - x0) // 2, x1 - (x1 - x0) // 10), rng.randint(y0 + (y1 - y0) // 5, y1))
                    _grey_seal(img, centre, size, rng, ctx.org, darkest)
                    seals.append({"where": "table", "darkest": darkest})
        if ctx.last:
            h, w = img.shape[:2]
            _grey_seal(img, (int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.55, 0.85))), size, rng, ctx.org,
                       rng.randint(90, 150))
            seals.append({"where": "signature"})
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        toner = rng.choice([-1, 0, 1])
        if toner:
            gray = cv2.dilate(gray, np.ones((2, 2), np.uint8)) if toner < 0 else cv2.erode(gray, np.ones((2, 2), np.uint8))
        haze = rng.randint(225, 245)  # the copy's paper is never white
        gamma = rng.uniform(1.2, 1.6)  # copier contrast: darks darker
        gray = (haze * (gray.astype(np.float32) / 255.0) ** gamma).astype(np.uint8)
        h, w = gray.shape
        angle = round(rng.uniform(-1.5, 1.5), 2)
        gray = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                              flags=cv2.INTER_LINEAR, borderValue=haze)
        noise = round(rng.uniform(3, 6), 1)
        speckle = round(rng.uniform(0.0003, 0.0015), 4)
        gray = _speckle(cv2.cvtColor(_noise(gray, noise, rng), cv2.COLOR_GRAY2BGR), speckle, rng)[:, :, 0]
        params = {"dpi": ctx.dpi, "rotation": angle, "toner": toner, "haze": haze, "gamma": round(gamma, 2),
                  "noise": noise, "speckle": speckle, "seals": seals, "grey": True, "jpeg": rng.randint(60, 80)}
        return np.ascontiguousarray(gray), params


def _curl(img: np.ndarray, bend: tuple[float, float], shape: str, rng: random.Random) -> tuple[np.ndarray, np.ndarray]:
    """The page bent out of its plane as a photo sees it: each row displaced along a smooth
    curve across the page, by ``bend`` (shares of the page height: at the top row, at the
    bottom row, in between in proportion), the sloping parts foreshortened and shaded.
    Returns the image (with a margin above and below for the bend) and the mask of the
    paper in it (its outline bends too)."""
    h, w = img.shape[:2]
    u = np.linspace(0, 1, w, dtype=np.float64)
    if shape == "bow":  # the middle of the sheet lifted (a sheet that was folded)
        curve = 1 - (2 * u - 1) ** 2
    elif shape == "tent":  # folded once and opened: the crease a ridge, the halves flat panels
        crease = rng.uniform(0.4, 0.6)
        curve = np.minimum(u / crease, (1 - u) / (1 - crease))
    elif shape == "zigzag":  # a letter folded in three and opened: two creases, the panels alternate
        curve = np.interp(u, [0, 1 / 3, 2 / 3, 1], [0, 1, 0, 1])
    elif shape == "edge":  # flat but for the last strip, lifting at one edge
        start = rng.uniform(0.8, 0.9)
        curve = np.clip((u - start) / (1 - start), 0, 1) ** 2
    else:  # one side curling up (a sheet from a bound report)
        start = rng.uniform(0.2, 0.5)
        curve = np.clip((u - start) / (1 - start), 0, 1) ** 2
        if shape == "left":
            curve = curve[::-1]
    top, bottom = bend[0] * h, bend[1] * h
    slope = np.gradient(curve * max(top, bottom))
    # foreshortening: a sloping strip of paper looks narrower
    step = 1 / np.sqrt(1 + slope**2)
    xs = np.concatenate([[0], np.cumsum(step[:-1])])
    xs = xs * (w - 1) / xs[-1]
    src_x = np.interp(np.arange(w), xs, np.arange(w)).astype(np.float32)
    pad = int(max(top, bottom)) + 4
    ys = np.arange(h + 2 * pad, dtype=np.float32)[:, None]
    amp = top + (bottom - top) * np.clip((ys - pad) / h, 0, 1)
    dy = np.interp(src_x, np.arange(w), curve).astype(np.float32)[None, :]
    map_y = (ys - pad + dy * amp - max(top, bottom) / 2).astype(np.float32)
    map_x = np.repeat(src_x[None, :], h + 2 * pad, 0)
    out = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    sheet = cv2.remap(np.full((h, w), 255, np.uint8), map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT,
                      borderValue=0)
    at = np.interp(src_x, np.arange(w), slope)
    if shape in ("tent", "zigzag"):  # flat panels: one facing the light, the other turned from it
        shade = np.where(at > 0, 1.0, 0.86)
    else:
        shade = 1 - 0.25 * np.abs(at) / max(1e-6, float(np.abs(slope).max()))
    out = _gain(out, np.repeat(shade[None, :].astype(np.float32), max(2, out.shape[0] // 16), 0))
    return out, sheet


@dataclass(frozen=True)
class Curl:
    """A phone photo of a curled page: rows bent by 2-4 % of the page height, perspective,
    a shadow, uneven light; a JPEG per page."""

    kind: str = "jpg"

    def choose_dpi(self, rng: random.Random) -> int:
        return 300

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        bend = (round(rng.uniform(0.02, 0.04), 3), round(rng.uniform(0.02, 0.04), 3))  # at the top, at the bottom
        shape = rng.choice(["bow", "left", "right"])
        img, sheet = _curl(img, bend, shape, rng)
        deg = PageDegradation(dpi=ctx.dpi, rotation=round(rng.uniform(-3, 3), 2),
                              perspective=round(rng.uniform(0.02, 0.06), 3), grey=False)
        out = _photo(img, rng, deg, sheet)
        blur = round(rng.uniform(0.5, 1.0), 2)
        light = round(rng.uniform(0.15, 0.35), 2)
        shadow = round(rng.uniform(0.25, 0.45), 2) if rng.random() < 0.6 else 0.0
        out = _light(cv2.GaussianBlur(out, (0, 0), blur), light, rng)
        if shadow:
            out = _shadow(out, shadow, rng)
        noise = round(rng.uniform(3, 5), 1)
        out = _noise(out, noise, rng)
        params = {"dpi": ctx.dpi, "bend": list(bend), "curl": shape, "rotation": deg.rotation, "perspective": deg.perspective,
                  "blur": blur, "light": light, "shadow": shadow, "noise": noise, "seals": seals, "grey": False,
                  "jpeg": rng.randint(75, 88)}
        return out, params


PHONE_12MP = (3024, 4032)
"""A phone's 12 Mpx picture held upright (width, height)."""
PHONE_8MP = (2448, 3264)


def _print_corners(page: np.ndarray) -> np.ndarray:
    """The corners of the box around everything printed on a rendered page (what must stay in the picture)."""
    g = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if page.ndim == 3 else page
    ink = g < 200
    cols, rows = np.flatnonzero(ink.any(axis=0)), np.flatnonzero(ink.any(axis=1))
    h, w = g.shape
    x0, x1 = (int(cols[0]), int(cols[-1])) if cols.size else (w // 8, w - w // 8)
    y0, y1 = (int(rows[0]), int(rows[-1])) if rows.size else (h // 8, h - h // 8)
    return np.array([[x0, y0], [x1, y0], [x1, y1], [x0, y1]], np.float32)


def _mapped(m: np.ndarray, pts: np.ndarray) -> np.ndarray:
    return cv2.perspectiveTransform(pts.reshape(1, -1, 2).astype(np.float64), m)[0].astype(np.float32)


def _in_frame(pts: np.ndarray, size: tuple[int, int], margin: float) -> bool:
    w, h = size
    return bool(((pts[:, 0] >= margin) & (pts[:, 1] >= margin) & (pts[:, 0] <= w - 1 - margin)
                 & (pts[:, 1] <= h - 1 - margin)).all())


def _fit(w: float, h: float, size: tuple[int, int], rotation: float) -> float:
    """The scale at which a w x h box turned by ``rotation`` degrees just fits a picture of ``size``."""
    a = math.radians(rotation)
    ext_w = abs(w * math.cos(a)) + abs(h * math.sin(a))
    ext_h = abs(w * math.sin(a)) + abs(h * math.cos(a))
    return min(size[0] / ext_w, size[1] / ext_h)


def _placed(w: int, h: int, size: tuple[int, int], rng: random.Random, fill: float, rotation: float,
            perspective: float, shift: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Where a w x h sheet's corners fall in a picture of ``size``: turned by ``rotation`` degrees, as
    large as ``fill`` of the picture allows (``fill`` > 1: larger than the picture), moved by ``shift``
    (shares of the picture), each corner displaced by up to ``perspective`` of the picture's long side."""
    pw, ph = size
    a = math.radians(rotation)
    s = fill * _fit(w, h, size, rotation)
    half = np.array([[-w, -h], [w, -h], [w, h], [-w, h]], np.float32) * s / 2
    rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32)
    centre = np.array([pw / 2 + shift[0] * pw, ph / 2 + shift[1] * ph], np.float32)
    jitter = perspective * max(pw, ph)
    return half @ rot.T + centre + np.array(
        [[rng.uniform(-jitter, jitter), rng.uniform(-jitter, jitter)] for _ in range(4)], np.float32)


def _shoot(page: np.ndarray, dst: np.ndarray, size: tuple[int, int], background: np.ndarray,
           sheet: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The sheet with its corners at ``dst`` over ``background``; and the transform page -> picture."""
    h, w = page.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, dst.astype(np.float32))
    paper = np.full((h, w), 255, np.uint8) if sheet is None else sheet
    shrink = math.sqrt(abs(cv2.contourArea(dst.astype(np.float32))) / (w * h))
    img, mm = page, m
    if shrink < 0.8:  # area-average first: a warp alone aliases thin strokes away
        sw, sh = max(1, int(w * shrink)), max(1, int(h * shrink))
        img = cv2.resize(page, (sw, sh), interpolation=cv2.INTER_AREA)
        paper = cv2.resize(paper, (sw, sh), interpolation=cv2.INTER_AREA)
        mm = m @ np.diag([w / sw, h / sh, 1.0])
    warped = cv2.warpPerspective(img, mm, size, flags=cv2.INTER_LINEAR, borderValue=(0, 0, 0))
    alpha = (cv2.warpPerspective(paper, mm, size, flags=cv2.INTER_LINEAR).astype(np.float32) / 255.0)[:, :, None]
    out = (warped * alpha + background * (1 - alpha)).astype(np.uint8)
    return out, m


def _cast(img: np.ndarray, rng: random.Random) -> np.ndarray:
    cast = np.array([rng.uniform(0.85, 0.97), rng.uniform(0.93, 1.0), 1.0], np.float32)  # warm light (BGR)
    return (img.astype(np.float32) * cast).clip(0, 255).astype(np.uint8)


def _pale_desk(h: int, w: int, rng: random.Random) -> tuple[np.ndarray, str]:
    """A light desk the paper hardly stands out from: white laminate, light wood, a checked cloth."""
    kind = rng.choice(["laminate", "wood", "check"])
    g = _np(rng)
    base = rng.uniform(200, 235)
    if kind == "laminate":
        small = np.full((h // 8, w // 8), base, np.float32) + g.normal(0, 2, (h // 8, w // 8)).astype(np.float32)
    elif kind == "wood":
        streaks = cv2.GaussianBlur(g.random((h // 8, 16)).astype(np.float32), (0, 0), 1.0) * 24 - 12
        small = base + cv2.resize(streaks, (w // 8, h // 8), interpolation=cv2.INTER_LINEAR)
    else:
        cell = rng.randint(40, 90) // 8 + 1
        yy, xx = np.mgrid[0 : h // 8, 0 : w // 8]
        small = np.where(((yy // cell) + (xx // cell)) % 2 == 0, base, base - rng.uniform(10, 25)).astype(np.float32)
    grey = cv2.resize(small.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR)
    tint = np.array([rng.uniform(0.93, 1.0), rng.uniform(0.96, 1.0), 1.0], np.float32)
    return (grey[:, :, None] * tint[None, None, :]).clip(0, 255).astype(np.uint8), kind


def _thumb(img: np.ndarray, edge: str, reach: float, rng: random.Random) -> None:
    """A thumb coming in from ``edge`` of the picture, ``reach`` px into it (holding the sheet down)."""
    h, w = img.shape[:2]
    across = rng.uniform(0.035, 0.06) * max(h, w)
    along = (h if edge in ("left", "right") else w) * rng.uniform(0.2, 0.8)
    depth = reach + across  # half of it is out of the picture
    cx, cy = {"left": (reach - depth, along), "right": (w - reach + depth, along),
              "top": (along, reach - depth), "bottom": (along, h - reach + depth)}[edge]
    axes = (int(depth), int(across)) if edge in ("left", "right") else (int(across), int(depth))
    skin = np.array([rng.uniform(100, 140), rng.uniform(130, 170), rng.uniform(190, 225)])
    mask = np.zeros((h, w), np.uint8)
    cv2.ellipse(mask, (int(cx), int(cy)), axes, 0, 0, 360, 255, -1)
    ys, xs = np.nonzero(mask)
    if not len(ys):
        return
    d = np.hypot((xs - cx) / max(axes[0], 1), (ys - cy) / max(axes[1], 1))
    img[ys, xs] = (skin[None, :] * (1.0 - 0.35 * d[:, None] ** 2)).clip(0, 255).astype(np.uint8)


def _frame_gap(pts: np.ndarray, size: tuple[int, int], edge: str) -> float:
    """Pixels between the picture's ``edge`` and the nearest print."""
    w, h = size
    return float({"left": pts[:, 0].min(), "right": w - 1 - pts[:, 0].max(), "top": pts[:, 1].min(),
                  "bottom": h - 1 - pts[:, 1].max()}[edge])


def _depth_blur(img: np.ndarray, far: str, sigma: float) -> np.ndarray:
    """The far part of a sheet shot from a low angle out of focus, the near part sharp."""
    h, w = img.shape[:2]
    soft = cv2.GaussianBlur(img, (0, 0), sigma)
    ramp = np.linspace(1.0, 0.0, h if far == "top" else w, dtype=np.float32)
    if far == "right":
        ramp = ramp[::-1]
    t = (ramp[:, None, None] if far == "top" else ramp[None, :, None]) ** 2
    return (soft * t + img * (1 - t)).astype(np.uint8)


def _motion(img: np.ndarray, length: int, degrees: float) -> np.ndarray:
    k = np.zeros((length, length), np.float32)
    k[length // 2, :] = 1.0
    r = cv2.getRotationMatrix2D((length / 2 - 0.5, length / 2 - 0.5), degrees, 1.0)
    k = cv2.warpAffine(k, r, (length, length))
    return cv2.filter2D(img, -1, k / max(float(k.sum()), 1e-6))


def _defocus(img: np.ndarray, radius: float) -> np.ndarray:
    n = 2 * math.ceil(radius) + 1
    k = np.zeros((n, n), np.float32)
    cv2.circle(k, (n // 2, n // 2), round(radius), 1.0, -1)
    return cv2.filter2D(img, -1, k / float(k.sum()))


def _cluttered_desk(h: int, w: int, rng: random.Random, page: np.ndarray) -> tuple[np.ndarray, str]:
    """A busy desk: strong wood grain or a printed cloth, and one to three other printed sheets
    (pages of the same report) lying under and beside the one photographed: its outline runs
    into theirs."""
    g = _np(rng)
    kind = rng.choice(["wood", "cloth"])
    if kind == "wood":
        base = np.array(rng.choice([(60, 110, 160), (40, 80, 130), (90, 140, 190)]), np.float32)
        rings = np.sin(np.linspace(0, rng.uniform(30, 60), h // 4, dtype=np.float32)[:, None]
                       + cv2.resize(g.random((8, 6)).astype(np.float32) * 6, (w // 4, h // 4)))
        texture = cv2.resize(rings * 25, (w, h), interpolation=cv2.INTER_LINEAR)
        desk = base[None, None, :] + texture[:, :, None]
    else:
        colours = [np.array([rng.uniform(40, 230) for _ in range(3)], np.float32) for _ in range(3)]
        cell = rng.randint(30, 90)
        yy, xx = np.mgrid[0:h, 0:w]
        pattern = ((yy // cell) % 3 + (xx // cell) % 2) % 3
        desk = np.zeros((h, w, 3), np.float32)
        for i, c in enumerate(colours):
            desk[pattern == i] = c
    desk = desk.clip(0, 255).astype(np.uint8)
    ph, pw = page.shape[:2]
    for _ in range(rng.randint(1, 3)):  # other sheets of the report, each turned its own way, peeking out
        shift = (rng.choice([-1, 1]) * rng.uniform(0.25, 0.5), rng.choice([-1, 1]) * rng.uniform(0.15, 0.4))
        other = _placed(pw, ph, (w, h), rng, rng.uniform(0.75, 0.95), rng.uniform(-25, 25), 0.02, shift)
        desk, _ = _shoot(page, other, (w, h), desk)
    return desk, kind


def _gutter(img: np.ndarray, spine: str, depth: float, squeeze: float, sink: float, dark: float,
            ) -> tuple[np.ndarray, Callable[[np.ndarray], np.ndarray]]:
    """A page of an open binder or bound volume as the camera sees it near the spine: the strip
    ``depth`` of the page's width next to the ``spine`` side curves down into the gutter, so it is
    foreshortened (``squeeze``: the strip's share lost) and, further from the camera, smaller
    (``sink``: rows at the spine drawn towards the middle by that share of their distance from it:
    the top rows bend down and the bottom ones up), and shaded (``dark``: the share of the light
    lost at the spine). Returns the page (narrower by the squeeze) and the map of page points into it."""
    h, w = img.shape[:2]
    d = depth * w
    dd = d * (1 - squeeze)  # the strip's width in the picture
    k = (d - dd) / dd**2  # source distance from the spine s(t) = d - (dd - t) - k (dd - t)^2: s(0) = 0, s'(dd) = 1
    out_w = round(w - (d - dd))
    t = np.arange(out_w, dtype=np.float32)
    if spine == "right":
        t = t[::-1]  # distance from the spine, in output columns
    inner = t < dd
    s = np.where(inner, d - (dd - t) - k * (dd - t) ** 2, t + (d - dd)).astype(np.float32)
    near = np.where(inner, ((dd - t) / dd) ** 2, 0.0).astype(np.float32)  # 1 at the spine, 0 where flat
    src_x = s if spine == "left" else (w - 1 - s).astype(np.float32)
    yc = (h - 1) / 2
    ys = np.arange(h, dtype=np.float32)[:, None]
    map_y = (yc + (ys - yc) * (1 + sink * near[None, :])).astype(np.float32)
    map_x = np.repeat(src_x[None, :], h, 0)
    out = cv2.remap(img, map_x, map_y, cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=(255, 255, 255))
    shade = 1.0 - dark * np.exp(-t / max(1.0, 0.3 * dd))
    out = _gain(out, np.repeat(shade[None, :].astype(np.float32), max(2, h // 16), 0))

    def forward(pts: np.ndarray) -> np.ndarray:
        """Page points (x, y) to where they are in the curved page."""
        res = []
        for x, y in pts:
            sx = float(x) if spine == "left" else float(w - 1 - x)
            if sx >= d:
                tt = sx - (d - dd)
            else:  # solve d - (dd - t) - k (dd - t)^2 = sx for u = dd - t >= 0
                u = (-1 + math.sqrt(1 + 4 * k * (d - sx))) / (2 * k) if k else d - sx
                tt = dd - u
            nn = ((dd - tt) / dd) ** 2 if tt < dd else 0.0
            yy = yc + (float(y) - yc) / (1 + sink * nn)
            res.append([tt if spine == "left" else out_w - 1 - tt, yy])
        return np.array(res, np.float32)

    return out, forward


def _open_binder(img: np.ndarray, rng: random.Random) -> tuple[np.ndarray, np.ndarray, dict]:
    """The page in an open binder, flat but for its gutter, with the facing page beyond the spine
    and the cover around them (``Phone._binder``); the print's corners in it, and what was drawn."""
    h = img.shape[0]
    spine = rng.choice(["left", "right"])
    bends = {"depth": round(rng.uniform(0.12, 0.2), 3), "squeeze": round(rng.uniform(0.3, 0.5), 3),
             "sink": round(rng.uniform(0.02, 0.05), 3), "dark": round(rng.uniform(0.35, 0.6), 3)}
    page, forward = _gutter(img, spine, bends["depth"], bends["squeeze"], bends["sink"], bends["dark"])
    # the facing page: the report's print again, set higher or lower, curving into the same gutter
    shift = round(rng.choice([-1, 1]) * rng.uniform(0.02, 0.06) * h)
    other = np.full_like(img, 255)
    if shift > 0:
        other[shift:] = img[:-shift]
    else:
        other[:shift] = img[-shift:]
    facing, _ = _gutter(other, "right" if spine == "left" else "left", bends["depth"],
                        round(rng.uniform(0.3, 0.5), 3), bends["sink"], round(rng.uniform(0.35, 0.6), 3))
    show = round(rng.uniform(0.2, 0.45), 3)
    cut = round(show * facing.shape[1])
    facing = facing[:, -cut:] if spine == "left" else facing[:, :cut]
    gap = rng.randint(4, 12)  # the spine between the pages: the cover shows through
    cover_m = round(rng.uniform(0.03, 0.06) * h)
    ch, cw = h + 2 * cover_m, page.shape[1] + gap + cut + 2 * cover_m
    cover = np.array(rng.choice([(90, 40, 20), (30, 30, 30), (40, 30, 110), (70, 70, 70), (40, 90, 40)]), np.uint8)
    canvas = np.empty((ch, cw, 3), np.uint8)
    canvas[:] = cover
    page_x = cover_m + (cut + gap if spine == "left" else 0)
    facing_x = cover_m if spine == "left" else cover_m + page.shape[1] + gap
    canvas[cover_m : cover_m + h, page_x : page_x + page.shape[1]] = page
    canvas[cover_m : cover_m + h, facing_x : facing_x + cut] = facing
    inked = forward(_print_corners(img)) + np.array([page_x, cover_m], np.float32)
    return canvas, inked, {"spine": spine, **bends, "facing_shift": shift, "facing_shown": show, "spine_gap": gap,
                           "cover": cover.tolist()}



@dataclass(frozen=True)
class Phone:
    """Phone photos made otherwise than ``photo`` and ``curl`` (each ``variant`` its own level):

    - ``lowangle``: a flat sheet shot from a low angle: the far edge 60-80 % as wide as the near
      one, the sheet foreshortened to 70-90 %, the far part out of focus.
    - ``fill``: the camera close: the sheet fills the whole picture, no desk and no outline.
    - ``cutoff``: one or two sides of the sheet out of the picture (through the margin), desk
      elsewhere, sometimes a thumb over the margin.
    - ``pale``: the sheet on a light desk (laminate, light wood, a checked cloth) over another
      white sheet: its outline barely shows.
    - ``shake``: 8 Mpx in low light: motion blur or defocus, underexposed, strong colour noise.
    - ``fold``: a sheet folded and opened (one crease or a letter's two, across or down the
      page), or lifting at one edge only; then photographed as ``curl`` is.
    - ``landscape``: 8 Mpx held sideways: the sheet upright and small in the wide picture, or
      lying on its side filling it; sometimes a thumb over the margin.

    Phone photos as archives hold them (``PHONE_ARCHIVED``, added 2026-12-07 after the held-out phone
    family read 85 % where all of the above read 99.8-100 %):

    - ``forwarded``: a photo sent through a messaging app: cut to 1080-1280 px on the long side and
      recompressed at JPEG 60-80, half the time twice (the page at ~80-110 dpi).
    - ``scanapp``: a phone "document scanner" app's output: its own corners (a little off), the page
      flattened to 1700-2600 px, then its look: light flattened, whites blown out, over-sharpened
      (colour or grey), or its black-and-white mode (a local threshold that thins light print).
    - ``glare``: a flash: bright middle, dark corners, a specular hot spot washing the ink of part of
      the print towards the paper (55-85 % of the way), the shadow of a hand or the phone.
    - ``clutter``: everything at once: a curled sheet (1.5-3.5 %) in keystone (far edge 78-92 %),
      on a busy desk (wood grain or printed cloth) among other printed sheets of the report, with a
      shadow, in low light (gain 0.55-0.8, noise 5-9).

    A page among others in view (``PHONE_AMONG``, added 2026-12-07 round 7, declared before its first run):

    - ``binder``: a page of an open binder or bound volume shot from above: the strip by the spine
      (12-20 % of the page) curving down into the gutter (foreshortened by 30-50 %, rows there drawn
      2-5 % towards the middle, shaded 35-60 % at the spine), the facing page beyond the gutter
      (another copy of the report's page, set 2-6 % higher or lower, curving into the gutter too,
      20-45 % of its width in view, part of it out of the picture), the binder's cover around the
      pages, on a desk; half the time a thumb holding the volume open over the outer margin.

    Every printed mark stays in the picture and uncovered: the truth is the source's (``print``: the
    corners of the box around the print, in the picture, where the sheet is flat)."""

    variant: str
    kind: str = "jpg"

    def choose_dpi(self, rng: random.Random) -> int:
        return 300

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        params: dict = {"dpi": ctx.dpi, "variant": self.variant, "seals": seals, "grey": False}
        out = getattr(self, f"_{self.variant}")(img, rng, params)
        blur = params.pop("_blur", round(rng.uniform(0.4, 0.9), 2))
        if blur:
            out = cv2.GaussianBlur(out, (0, 0), blur)
        light = round(rng.uniform(0.1, 0.35), 2)
        out = _light(out, light, rng)
        shadow = round(rng.uniform(0.2, 0.4), 2) if rng.random() < 0.5 else 0.0
        if shadow:
            out = _shadow(out, shadow, rng)
        noise = params.pop("_noise", round(rng.uniform(3, 5), 1))
        out = _noise(out, noise, rng)
        params.update({"blur": blur, "light": light, "shadow": shadow, "noise": noise, "jpeg": rng.randint(72, 88)})
        after = getattr(self, f"_after_{self.variant}", None)  # what an app did to the picture once taken
        return (out if after is None else after(out, rng, params)), params

    def _lowangle(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        far = rng.choice(["top", "top", "left", "right"])
        narrow, short = round(rng.uniform(0.6, 0.8), 3), round(rng.uniform(0.7, 0.9), 3)
        if far == "top":
            quad = np.array([[-narrow * w, -short * h], [narrow * w, -short * h], [w, short * h], [-w, short * h]])
        else:
            quad = np.array([[-short * w, -h], [short * w, -narrow * h], [short * w, narrow * h], [-short * w, h]])
            if far == "left":
                quad = np.array([[-short * w, -narrow * h], [short * w, -h], [short * w, h], [-short * w, narrow * h]])
        quad = quad.astype(np.float32) / 2
        rotation = round(rng.uniform(-5, 5), 2)
        a = math.radians(rotation)
        quad = quad @ np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32).T
        pw, ph = PHONE_12MP
        ext = quad.max(axis=0) - quad.min(axis=0)
        s = rng.uniform(0.82, 0.92) * min(pw / ext[0], ph / ext[1])
        dst = (quad - (quad.max(axis=0) + quad.min(axis=0)) / 2) * s + np.array([pw / 2, ph / 2], np.float32)
        out, m = _shoot(img, dst, PHONE_12MP, _desk(ph, pw, rng))
        params["print"] = _mapped(m, _print_corners(img)).round(1).tolist()
        sigma = round(rng.uniform(1.0, 1.8), 2)
        out = _depth_blur(_cast(out, rng), far, sigma)
        params.update({"far": far, "narrow": narrow, "short": short, "rotation": rotation, "far_blur": sigma})
        return out

    def _fill(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_12MP
        inked = _print_corners(img)
        frame = np.array([[0, 0], [pw - 1, 0], [pw - 1, ph - 1], [0, ph - 1]], np.float32)
        lo = max(pw / w, ph / h)  # the sheet at least as large as the picture
        ext = inked.max(axis=0) - inked.min(axis=0)
        hi = min(pw / ext[0], ph / ext[1])  # the print no larger than it
        centre = (inked.max(axis=0) + inked.min(axis=0)) / 2 - np.array([w / 2, h / 2], np.float32)
        dst = None
        for attempt in range(40):
            calm = 1.0 - attempt / 40  # fewer turns and less tilt until a framing fits
            rotation = round(rng.uniform(-3, 3) * calm, 2)
            s = rng.uniform(lo, max(lo, hi))
            # the print's centre near the picture's centre (shift: from the sheet's centre, in the picture)
            a = math.radians(rotation)
            c = np.array([centre[0] * math.cos(a) - centre[1] * math.sin(a),
                          centre[0] * math.sin(a) + centre[1] * math.cos(a)]) * s
            shift = (-c[0] / pw + rng.uniform(-0.02, 0.02) * calm, -c[1] / ph + rng.uniform(-0.02, 0.02) * calm)
            cand = _placed(w, h, PHONE_12MP, rng, s / _fit(w, h, PHONE_12MP, rotation), rotation, 0.015 * calm, shift)
            m = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), cand)
            sheet_poly = cand.reshape(-1, 1, 2)
            covered = all(cv2.pointPolygonTest(sheet_poly, (float(x), float(y)), False) > 0 for x, y in frame)
            if covered and _in_frame(_mapped(m, inked), PHONE_12MP, 0.004 * pw):
                dst = cand
                params.update({"rotation": rotation, "scale": round(float(s), 3), "attempt": attempt})
                break
        if dst is None:  # margins too narrow to fill the picture: the print in it, a sliver of desk
            s = hi * 0.98
            dst = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32) * s
            dst += (np.array([pw / 2, ph / 2]) - ((inked.max(axis=0) + inked.min(axis=0)) / 2) * s).astype(np.float32)
            params.update({"rotation": 0.0, "scale": round(float(s), 3), "attempt": -1})
        out, m = _shoot(img, dst, PHONE_12MP, _desk(ph, pw, rng))
        params["print"] = _mapped(m, inked).round(1).tolist()
        return _cast(out, rng)

    def _cutoff(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_12MP
        inked = _print_corners(img)
        sides = rng.choice([("left",), ("right",), ("bottom",), ("top",), ("right", "bottom"), ("left", "bottom")])
        fill = rng.uniform(0.95, 1.05)
        dst = m = None
        for attempt in range(40):
            calm = 1.0 - attempt / 40
            rotation = round(rng.uniform(-3, 3) * calm, 2)
            cand = _placed(w, h, PHONE_12MP, rng, fill, rotation, 0.03 * calm)
            mm = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), cand)
            ink = _mapped(mm, inked)
            move = np.zeros(2, np.float32)
            for side in sides:  # push the sheet out through this side: the frame cuts its margin along all of it
                u = rng.uniform(0.3, 0.8)
                axis = 0 if side in ("left", "right") else 1
                corners = list(CUT_CORNERS[side])
                if side in ("right", "bottom"):
                    edge, print_edge, frame = cand[corners, axis].min(), ink[:, axis].max(), (pw, ph)[axis] - 1
                    move[axis] = frame - (print_edge + u * (edge - print_edge))
                else:
                    edge, print_edge = cand[corners, axis].max(), ink[:, axis].min()
                    move[axis] = -(print_edge - u * (print_edge - edge))
                if (edge - print_edge) * (1 if side in ("right", "bottom") else -1) <= 0:
                    move[:] = np.nan  # the side slants across the print: no cut through the margin alone
            cand = cand + move
            if np.isnan(cand).any():
                continue
            mm = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), cand)
            if _in_frame(_mapped(mm, inked), PHONE_12MP, 0.004 * pw) and not _in_frame(cand, PHONE_12MP, 0):
                dst, m = cand, mm
                params.update({"rotation": rotation, "cut": list(sides), "attempt": attempt})
                break
        if dst is None:
            dst = _placed(w, h, PHONE_12MP, rng, 0.9, 0.0, 0.0)
            m = cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), dst)
            params.update({"rotation": 0.0, "cut": [], "attempt": -1})
        out, _ = _shoot(img, dst, PHONE_12MP, _desk(ph, pw, rng))
        out = _cast(out, rng)
        params["print"] = _mapped(m, inked).round(1).tolist()
        if rng.random() < 0.5:
            edge = rng.choice(["left", "right", "top", "bottom"])
            gap = _frame_gap(_mapped(m, inked), PHONE_12MP, edge)
            if gap > 40:
                _thumb(out, edge, 0.7 * gap, rng)
                params["thumb"] = edge
        return out

    def _pale(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_12MP
        desk, kind = _pale_desk(ph, pw, rng)
        rotation = round(rng.uniform(-6, 6), 2)
        dst = _placed(w, h, PHONE_12MP, rng, rng.uniform(0.8, 0.92), rotation, rng.uniform(0.02, 0.05))
        # another white sheet under this one, showing along one side
        under = _placed(w, h, PHONE_12MP, rng, rng.uniform(0.8, 0.92), rotation + rng.uniform(-8, 8), 0.02,
                        (rng.uniform(-0.12, 0.12), rng.uniform(-0.1, 0.1)))
        paper = np.full((8, 8, 3), int(rng.uniform(238, 250)), np.uint8)
        desk, _ = _shoot(paper, under, PHONE_12MP, desk)
        out, m = _shoot(img, dst, PHONE_12MP, desk)
        params.update({"desk": kind, "rotation": rotation, "print": _mapped(m, _print_corners(img)).round(1).tolist()})
        return _cast(out, rng)

    def _shake(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_8MP
        rotation = round(rng.uniform(-4, 4), 2)
        dst = _placed(w, h, PHONE_8MP, rng, rng.uniform(0.85, 0.95), rotation, rng.uniform(0.02, 0.05))
        out, m = _shoot(img, dst, PHONE_8MP, _desk(ph, pw, rng))
        out = _cast(out, rng)
        params["print"] = _mapped(m, _print_corners(img)).round(1).tolist()
        if rng.random() < 0.5:
            length, angle = rng.randint(3, 6), round(rng.uniform(0, 180), 1)
            out = _motion(out, length, angle)
            params.update({"motion": length, "motion_angle": angle})
        else:
            radius = round(rng.uniform(1.5, 3.0), 2)
            out = _defocus(out, radius)
            params["defocus"] = radius
        gain = round(rng.uniform(0.5, 0.75), 2)
        out = (out.astype(np.float32) * gain).astype(np.uint8)
        params.update({"rotation": rotation, "gain": gain, "_blur": 0.0, "_noise": round(rng.uniform(6, 12), 1)})
        return out

    def _fold(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        shape = rng.choice(["tent", "zigzag", "edge"])
        across = shape != "edge" and rng.random() < 0.5  # creases along the rows: the columns kink
        bend = round(rng.uniform(0.01, 0.025), 3) if shape != "edge" else round(rng.uniform(0.02, 0.04), 3)
        if across:
            bent, sheet = _curl(np.ascontiguousarray(np.swapaxes(img, 0, 1)), (bend, bend), shape, rng)
            bent, sheet = np.ascontiguousarray(np.swapaxes(bent, 0, 1)), np.ascontiguousarray(sheet.T)
        else:
            if shape == "edge" and rng.random() < 0.5:
                img = img[:, ::-1]  # the left edge lifting: bend the mirror image and mirror back
                bent, sheet = _curl(np.ascontiguousarray(img), (bend, bend), shape, rng)
                bent, sheet = np.ascontiguousarray(bent[:, ::-1]), np.ascontiguousarray(sheet[:, ::-1])
                shape = "edge-left"
            else:
                bent, sheet = _curl(img, (bend, bend), shape, rng)
        deg = PageDegradation(dpi=300, rotation=round(rng.uniform(-3, 3), 2),
                              perspective=round(rng.uniform(0.02, 0.05), 3), grey=False)
        params.update({"fold": shape, "across": across, "bend": bend, "rotation": deg.rotation,
                       "perspective": deg.perspective})
        return _photo(bent, rng, deg, sheet)

    def _landscape(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        size = (PHONE_8MP[1], PHONE_8MP[0])
        pw, ph = size
        sideways = rng.random() < 0.5
        rotation = round((rng.choice([-90, 90]) if sideways else 0) + rng.uniform(-3, 3), 2)
        fill = rng.uniform(0.85, 0.95)
        dst = _placed(w, h, size, rng, fill, rotation, rng.uniform(0.02, 0.04),
                      (0.0 if sideways else rng.uniform(-0.12, 0.12), 0.0))
        out, m = _shoot(img, dst, size, _desk(ph, pw, rng))
        out = _cast(out, rng)
        inked = _mapped(m, _print_corners(img))
        params.update({"sideways": sideways, "rotation": rotation, "print": inked.round(1).tolist()})
        if rng.random() < 0.6:
            edge = rng.choice(["left", "right"] if not sideways else ["top", "bottom", "left", "right"])
            gap = _frame_gap(inked, size, edge)
            if gap > 40:
                _thumb(out, edge, 0.7 * gap, rng)
                params["thumb"] = edge
        return out

    def _forwarded(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_12MP
        rotation = round(rng.uniform(-4, 4), 2)
        dst = _placed(w, h, PHONE_12MP, rng, rng.uniform(0.88, 0.98), rotation, rng.uniform(0.01, 0.03))
        out, m = _shoot(img, dst, PHONE_12MP, _desk(ph, pw, rng))
        params.update({"rotation": rotation, "print": _mapped(m, _print_corners(img)).round(1).tolist()})
        return _cast(out, rng)

    def _after_forwarded(self, out: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        """A messaging app's copy: the long side cut to 1080-1280 px and recompressed, once or twice."""
        sends = [rng.randint(1080, 1280)]
        if rng.random() < 0.5:  # forwarded again: another app, another cut
            sends.append(rng.randint(1080, sends[0]))
        qualities = [rng.randint(60, 80) for _ in sends]
        scale = 1.0
        for i, (side, q) in enumerate(zip(sends, qualities, strict=True)):
            f = side / max(out.shape[:2])
            out = cv2.resize(out, (round(out.shape[1] * f), round(out.shape[0] * f)), interpolation=cv2.INTER_AREA)
            scale *= f
            if i < len(sends) - 1:
                out = _jpeg(out, q)  # the last compression is the file's own (``jpeg``)
        params["print"] = (np.array(params["print"]) * scale).round(1).tolist()
        params.update({"sent": sends, "qualities": qualities, "jpeg": qualities[-1]})
        return out

    def _scanapp(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_12MP
        rotation = round(rng.uniform(-8, 8), 2)
        dst = _placed(w, h, PHONE_12MP, rng, rng.uniform(0.78, 0.92), rotation, rng.uniform(0.02, 0.05))
        out, _ = _shoot(img, dst, PHONE_12MP, _desk(ph, pw, rng))
        params.update({"rotation": rotation, "_sheet": dst.round(1).tolist(),
                       "_inked": _print_corners(img).tolist(), "_page": [w, h]})
        return _cast(out, rng)

    def _after_scanapp(self, out: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        """A scanner app's output: its own corners (a little off: a sliver of desk or margin cut),
        flattened to a page of 1700-2600 px, then its look: ``enhance`` (light flattened, whites
        blown out, over-sharpened), ``grey`` (the same in grey) or ``bw`` (a local threshold: light
        print and thin rulings thin out or break)."""
        sheet = np.array(params.pop("_sheet"), np.float32)
        inked = np.array(params.pop("_inked"), np.float32)
        w, h = params.pop("_page")
        side = float(np.linalg.norm(sheet[1] - sheet[0]))
        corners = sheet + np.array([[rng.gauss(0, 0.006), rng.gauss(0, 0.006)] for _ in range(4)], np.float32) * side
        out_h = rng.randint(1700, 2600)
        out_w = round(out_h * w / h)
        rect = np.array([[0, 0], [out_w, 0], [out_w, out_h], [0, out_h]], np.float32)
        flat = cv2.getPerspectiveTransform(corners, rect)
        page = cv2.warpPerspective(out, flat, (out_w, out_h), flags=cv2.INTER_AREA, borderMode=cv2.BORDER_REPLICATE)
        to_page = flat @ cv2.getPerspectiveTransform(np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32), sheet)
        params["print"] = _mapped(to_page, inked).round(1).tolist()
        mode = rng.choice(["enhance", "enhance", "grey", "bw"])
        grey = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) if mode != "enhance" else page
        background = cv2.dilate(grey, np.ones((15, 15), np.uint8))
        background = cv2.GaussianBlur(background, (0, 0), 25).astype(np.float32)
        level = grey.astype(np.float32) / np.maximum(background, 1) * 255  # the light flattened, paper ~255
        if mode == "bw":
            block, c = rng.choice([25, 31, 41, 51]), rng.randint(8, 16)
            smooth = cv2.GaussianBlur(level.clip(0, 255).astype(np.uint8), (0, 0), 0.8)
            page = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY, block, c)
            params.update({"app": mode, "block": block, "c": c, "jpeg": rng.randint(80, 92)})
            return page
        white, black = rng.uniform(0.8, 0.9) * 255, rng.uniform(0.15, 0.3) * 255
        stretched = ((level - black) / (white - black) * 255).clip(0, 255)
        amount, radius = round(rng.uniform(0.8, 2.0), 2), round(rng.uniform(1.0, 2.5), 2)
        sharp = stretched + amount * (stretched - cv2.GaussianBlur(stretched, (0, 0), radius))
        params.update({"app": mode, "white": round(white), "black": round(black), "sharpen": amount, "radius": radius,
                       "jpeg": rng.randint(75, 92)})
        return sharp.clip(0, 255).astype(np.uint8)

    def _glare(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        h, w = img.shape[:2]
        pw, ph = PHONE_12MP
        rotation = round(rng.uniform(-5, 5), 2)
        dst = _placed(w, h, PHONE_12MP, rng, rng.uniform(0.82, 0.95), rotation, rng.uniform(0.02, 0.05))
        out, m = _shoot(img, dst, PHONE_12MP, _desk(ph, pw, rng))
        inked = _mapped(m, _print_corners(img))
        out = _cast(out, rng)
        # the flash: bright in the middle, falling off to the corners
        yy, xx = np.mgrid[0 : ph // 16, 0 : pw // 16].astype(np.float32)
        r = np.hypot(xx / (pw / 32) - 1, yy / (ph / 32) - 1) / math.sqrt(2)
        falloff = round(rng.uniform(0.15, 0.3), 2)
        out = _gain(out, 1.08 - falloff * r**2)
        # a specular hot spot over the print, washing the ink towards the paper
        u, v = rng.uniform(0.2, 0.8), rng.uniform(0.25, 0.75)
        top = inked[0] + (inked[1] - inked[0]) * u
        bottom = inked[3] + (inked[2] - inked[3]) * u
        cx, cy = top + (bottom - top) * v
        rx, ry = rng.uniform(0.06, 0.14) * pw, rng.uniform(0.04, 0.1) * ph
        strength = round(rng.uniform(0.55, 0.85), 2)
        spot = np.exp(-(((xx * 16 - cx) / rx) ** 2 + ((yy * 16 - cy) / ry) ** 2))
        lift = cv2.resize(strength * spot, (pw, ph), interpolation=cv2.INTER_LINEAR)[:, :, None]
        out = (out.astype(np.float32) + lift * (255.0 - out.astype(np.float32))).clip(0, 255).astype(np.uint8)
        # the hand or the phone between the flash-lit sheet and the room's light
        hand = round(rng.uniform(0.35, 0.55), 2)
        out = _shadow(out, hand, rng)
        params.update({"rotation": rotation, "print": inked.round(1).tolist(), "falloff": falloff,
                       "spot": [round(float(cx)), round(float(cy)), round(rx), round(ry)], "spot_strength": strength,
                       "hand": hand})
        return out

    def _clutter(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        pw, ph = PHONE_12MP
        bend = (round(rng.uniform(0.015, 0.035), 3), round(rng.uniform(0.015, 0.035), 3))
        shape = rng.choice(["bow", "left", "right"])
        bent, sheet = _curl(img, bend, shape, rng)
        bh, bw = bent.shape[:2]
        narrow = round(rng.uniform(0.78, 0.92), 3)
        rotation = round(rng.uniform(-6, 6), 2)
        quad = np.array([[-narrow * bw, -bh], [narrow * bw, -bh], [bw, bh], [-bw, bh]], np.float32) / 2
        a = math.radians(rotation)
        quad = quad @ np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]], np.float32).T
        ext = quad.max(axis=0) - quad.min(axis=0)
        s = rng.uniform(0.78, 0.9) * min(pw / ext[0], ph / ext[1])
        dst = quad * s + np.array([pw / 2, ph / 2], np.float32)
        desk, kind = _cluttered_desk(ph, pw, rng, img)
        out, _ = _shoot(bent, dst, PHONE_12MP, desk, sheet)
        out = _cast(out, rng)
        gain = round(rng.uniform(0.55, 0.8), 2)
        out = (out.astype(np.float32) * gain).astype(np.uint8)
        shadow = round(rng.uniform(0.25, 0.45), 2)
        out = _shadow(out, shadow, rng)
        params.update({"shadow_hand": shadow, "bend": list(bend), "curl": shape, "narrow": narrow, "rotation": rotation, "desk": kind,
                       "gain": gain, "_noise": round(rng.uniform(5, 9), 1)})
        return out


    def _binder(self, img: np.ndarray, rng: random.Random, params: dict) -> np.ndarray:
        pw, ph = PHONE_12MP
        canvas, inked, spread = _open_binder(img, rng)
        spine = spread["spine"]
        ch, cw = canvas.shape[:2]
        src = np.array([[0, 0], [cw, 0], [cw, ch], [0, ch]], np.float32)
        dst = m = None
        toward = -1 if spine == "left" else 1  # the facing page's side of the picture
        for attempt in range(40):
            calm = 1.0 - attempt / 40
            rotation = round(rng.uniform(-4, 4) * calm, 2)
            cand = _placed(cw, ch, PHONE_12MP, rng, rng.uniform(0.95, 1.15), rotation, 0.03 * calm,
                           (toward * rng.uniform(0.0, 0.12) * calm, rng.uniform(-0.02, 0.02)))
            mm = cv2.getPerspectiveTransform(src, cand)
            if _in_frame(_mapped(mm, inked), PHONE_12MP, 0.01 * pw):
                dst, m = cand, mm
                params.update({"rotation": rotation, "attempt": attempt})
                break
        if dst is None:
            s = 0.9 * _fit(cw, ch, PHONE_12MP, 0.0)
            dst = src * s + np.array([(pw - cw * s) / 2, (ph - ch * s) / 2], np.float32)
            m = cv2.getPerspectiveTransform(src, dst)
            params.update({"rotation": 0.0, "attempt": -1})
        out, _ = _shoot(canvas, dst, PHONE_12MP, _desk(ph, pw, rng))
        out = _cast(out, rng)
        params["print"] = _mapped(m, inked).round(1).tolist()
        params.update(spread)
        if rng.random() < 0.5:
            edge = "right" if spine == "left" else "left"
            room = _frame_gap(_mapped(m, inked), PHONE_12MP, edge)
            if room > 40:
                _thumb(out, edge, 0.7 * room, rng)
                params["thumb"] = edge
        return out


CUT_CORNERS = {"left": (0, 3), "right": (1, 2), "top": (0, 1), "bottom": (2, 3)}
"""The corners (top-left, top-right, bottom-right, bottom-left) of a sheet on each side."""
PHONE_VARIANTS = ("lowangle", "fill", "cutoff", "pale", "shake", "fold", "landscape")
"""Phone photos made otherwise than ``photo`` and ``curl`` (``Phone``)."""
PHONE_ARCHIVED = ("forwarded", "scanapp", "glare", "clutter")
"""Phone photos as archives hold them and none of the above makes (``Phone``; declared before their first run)."""
PHONE_AMONG = ("binder",)
"""Photos of a page with other print in view beside it (``Phone``; declared before their first run, round 7)."""


@dataclass(frozen=True)
class Jpeg:
    """An office scan saved with strong JPEG compression (quality 35-50)."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        angle = round(rng.uniform(-0.5, 0.5), 2)
        img = _noise(_rotate(img, angle), 2.0, rng)
        grey = rng.random() < 0.5
        params = {"dpi": ctx.dpi, "rotation": angle, "noise": 2.0, "seals": seals, "grey": grey,
                  "jpeg": rng.randint(35, 50)}
        return (_as_grey(img) if grey else img), params


@dataclass(frozen=True)
class Colour150:
    """A colour scan at 150 dpi: tinted paper, colour noise, soft optics, seals in red."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return 150

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        if ctx.tables_px and rng.random() < 0.3:
            x0, y0, x1, y1 = rng.choice(ctx.tables_px)
            stamp(img, (rng.randint(x0, x1), rng.randint(y0, y1)), int(ctx.dpi * rng.uniform(1.55, 1.75)), rng, ctx.org)
            seals.append("table")
        _signature(img, rng, ctx, seals)
        tint = [round(rng.uniform(0.86, 0.95), 3), round(rng.uniform(0.93, 0.99), 3), 1.0]  # BGR: warm paper
        img = (img.astype(np.float32) * np.array(tint, np.float32)).astype(np.uint8)
        angle = round(rng.uniform(-0.7, 0.7), 2)
        blur = round(rng.uniform(0.3, 0.6), 2)
        noise = round(rng.uniform(2, 4), 1)
        img = _noise(cv2.GaussianBlur(_rotate(img, angle), (0, 0), blur), noise, rng)
        params = {"dpi": ctx.dpi, "rotation": angle, "tint": tint, "blur": blur, "noise": noise, "seals": seals,
                  "grey": False, "jpeg": rng.randint(80, 92)}
        return img, params


BAYER8 = np.array([[0, 32, 8, 40, 2, 34, 10, 42], [48, 16, 56, 24, 50, 18, 58, 26],
                   [12, 44, 4, 36, 14, 46, 6, 38], [60, 28, 52, 20, 62, 30, 54, 22],
                   [3, 35, 11, 43, 1, 33, 9, 41], [51, 19, 59, 27, 49, 17, 57, 25],
                   [15, 47, 7, 39, 13, 45, 5, 37], [63, 31, 55, 23, 61, 29, 53, 21]], np.float32)
"""The 8x8 Bayer matrix: an ordered dither's thresholds (a scanner's "halftone" mode)."""


def _stretch(gray: np.ndarray, white: float, black: float) -> np.ndarray:
    """Levels as a scanner sets them before dithering: ``white`` and lighter to 255, ``black`` and darker to 0."""
    return ((gray.astype(np.float32) - black) * 255.0 / max(1.0, white - black)).clip(0, 255)


def dither(gray: np.ndarray, mode: str, white: float, black: float) -> np.ndarray:
    """One bit per pixel by dithering (``bayer``: ordered; ``diffusion``: Floyd-Steinberg error
    diffusion, PIL's): paper stays white and print black, what is grey between (a shaded header,
    a seal, grey print) becomes a pattern of dots."""
    level = _stretch(gray, white, black)
    if mode == "bayer":
        h, w = level.shape
        ths = np.tile((BAYER8 + 0.5) * 4.0, (h // 8 + 1, w // 8 + 1))[:h, :w]
        return np.where(level > ths, 255, 0).astype(np.uint8)
    im = Image.fromarray(level.astype(np.uint8)).convert("1")  # Floyd-Steinberg by default
    return np.array(im.convert("L"))


def _ruling_changes(gray: np.ndarray, dpi: int, rng: random.Random) -> tuple[np.ndarray, dict]:
    """The rulings as an archive copy has them: some broken by short gaps, some doubled (a second,
    fainter line 2-4 px beside: a copy of a copy out of register), some thickened by a pixel or two."""
    share = round(rng.uniform(0.0, 0.3), 2)
    out, gaps = _break_rulings(gray, dpi, share, rng)
    ink = (gray < 160).astype(np.uint8) * 255
    horizontal, vertical = _rulings(ink, dpi)
    doubled = rng.random() < 0.3
    thick = rng.choice([0, 0, 1, 2])
    changes = {"ruling_gap_share": share, "ruling_gaps": gaps, "rulings_doubled": doubled, "rulings_thickened_px": thick}
    if doubled:
        off = rng.randint(2, 4)
        shade = rng.randint(60, 120)
        ghost = np.zeros_like(horizontal)
        ghost[off:, :] |= horizontal[:-off, :]
        ghost[:, off:] |= vertical[:, :-off]
        out = np.where(ghost > 0, np.minimum(out, shade), out).astype(np.uint8)
        changes |= {"double_offset_px": off, "double_grey": shade}
    if thick:
        grown = cv2.dilate(horizontal, np.ones((thick + 1, 1), np.uint8)) | cv2.dilate(vertical, np.ones((1, thick + 1), np.uint8))
        out = np.where(grown > 0, np.minimum(out, 40), out).astype(np.uint8)
    return out, changes


def _edge_bands(gray: np.ndarray, rng: random.Random) -> list[dict]:
    """Dark bands along one or two edges where the scanner saw past the sheet (its lid, a
    feeder's roller), with a ragged inner edge; in place."""
    h, w = gray.shape
    bands = []
    for edge in rng.sample(["left", "right", "top", "bottom"], rng.choice([1, 1, 2])):
        width = rng.uniform(0.004, 0.02) * (w if edge in ("left", "right") else h)
        level = rng.randint(15, 60)
        n = h if edge in ("left", "right") else w
        wobble = np.cumsum(_np(rng).normal(0, 0.6, n)).astype(np.float32)
        wobble = (width + np.clip(wobble - wobble.mean(), -width / 2, width / 2)).astype(int)
        for i, d in enumerate(wobble):
            if edge == "left":
                gray[i, :d] = level
            elif edge == "right":
                gray[i, w - d:] = level
            elif edge == "top":
                gray[:d, i] = level
            else:
                gray[h - d:, i] = level
        bands.append({"edge": edge, "width_px": round(width, 1), "grey": level})
    return bands


def _punch_holes(gray: np.ndarray, dpi: int, rng: random.Random) -> dict:
    """Two filing holes (6 mm across, 80 mm apart, 12 mm from the edge) near the left or top
    edge, dark where the lid showed through; in place."""
    h, w = gray.shape
    edge = rng.choice(["left", "top"])
    mm = dpi / 25.4
    r, gap, inset = int(3 * mm), 80 * mm, int(12 * mm)
    level = rng.randint(20, 70)
    mid = (h if edge == "left" else w) / 2 + rng.uniform(-10, 10) * mm
    for c in (mid - gap / 2, mid + gap / 2):
        centre = (inset, int(c)) if edge == "left" else (int(c), inset)
        cv2.circle(gray, centre, r, int(level), -1)
    return {"edge": edge, "grey": level}


@dataclass(frozen=True)
class Archive:
    """A black-and-white archive scanner, broader than ``fax``: 100-200 dpi, one bit per pixel
    by the page's threshold or by dithering (ordered or error diffusion: a shaded header, grey
    print and seals become dots); red seals (grey ~80-110 once the colour is gone, so a threshold
    makes their strokes solid black over the digits they cross); strokes swollen or eroded by a
    pixel; up to 2° of skew before binarising (jagged lines); dark bands at the edges, punch holes;
    salt-and-pepper and dust; rulings broken, doubled or thickened. A multi-page TIFF (Group 4)."""

    kind: str = "tiff"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([100, 120, 150, 200])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        size = int(ctx.dpi * rng.uniform(1.55, 1.75))
        table = _main_table(ctx)
        if table and rng.random() < 0.35:
            # a seal over the table's last rows, its centre (the solid star) just below the bottom edge: a
            # threshold makes its ring and characters solid black across the digits they cross, and a
            # digit under the star would be lost to anyone (the family stays fair)
            x0, y0, x1, y1 = table
            stamp(img, (rng.randint(x0 + (x1 - x0) // 2, x1 - (x1 - x0) // 8), rng.randint(y1 + size // 6, y1 + size // 3)),
                  size, rng, ctx.org)
            seals.append("table")
        _signature(img, rng, ctx, seals)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        shaded = []
        tint = np.ones(gray.shape, np.float32)  # a shaded header row (grey under black print), laid on below
        for x0, y0, x1, y1 in ctx.tables_px:
            if rng.random() < 0.4:
                share, shade = rng.uniform(0.04, 0.1), rng.uniform(0.75, 0.9)  # the header's rows
                tint[y0 : int(y0 + share * (y1 - y0)), x0:x1] = shade
                shaded.append([round(share, 2), round(shade, 2)])
        gray, rulings = _ruling_changes(gray, ctx.dpi, rng)
        stroke = rng.choice([-1, 0, 0, 1])  # -1 eroded (thinner: half a pixel's ink gone), +1 swollen by a pixel
        # at 100-120 dpi a stroke is 1-2 px: thinned it goes, swollen a 0 fills in; at 150 dpi a bold
        # face swollen by a pixel fills its 0s into 8s (huaian 2024, seed 2: illegible by eye)
        stroke = stroke if (stroke < 0 and ctx.dpi >= 150) or (stroke > 0 and ctx.dpi >= 200) else 0
        if stroke:
            k = np.ones((2, 2), np.uint8)
            gray = cv2.erode(gray, k) if stroke > 0 else (gray + 0.5 * (cv2.dilate(gray, k) - gray)).astype(np.uint8)
        angle = round(rng.uniform(-2.0, 2.0), 2)
        h, w = gray.shape
        turn = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
        gray = cv2.warpAffine(gray, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
        tint = cv2.warpAffine(tint, turn, (w, h), flags=cv2.INTER_LINEAR, borderValue=1.0)
        bands = _edge_bands(gray, rng) if rng.random() < 0.5 else []
        holes = _punch_holes(gray, ctx.dpi, rng) if rng.random() < 0.3 else {}
        blur = round(rng.uniform(0.3, 0.6), 2)
        noise = round(rng.uniform(5, 15), 1)
        gray = _noise(cv2.GaussianBlur(gray, (0, 0), blur), noise, rng)
        mode = rng.choice(["threshold", "threshold", "bayer", "diffusion"])
        toward_ink = round(rng.uniform(0.3, 0.5), 2)
        threshold, paper, ink = page_threshold(gray, toward_ink, noise)
        if mode == "threshold":
            # under a threshold a shaded row stays lighter than it (speckle at most): shaded darker, the
            # row would go solid black with the numbers in it (gen_033, seed 11: illegible by eye)
            tint = np.maximum(tint, min(1.0, (threshold + 2.5 * noise) / max(paper, 1)))
        gray = (gray * tint).astype(np.uint8)
        if mode == "threshold":
            out = np.where(gray < threshold, 0, 255).astype(np.uint8)
            levels: dict = {"threshold": threshold}
        else:
            # print black, paper white, grey between (a light font's ink counts as print)
            white, black = paper - 2.5 * noise, min(ink + 0.5 * (paper - ink), paper - 90)
            out = dither(gray, mode, white, black)
            levels = {"white": round(white), "black": round(black)}
        salt = _salt_pepper(out, (0.0, 0.0004), rng, pepper=True)
        dust = rng.randint(0, 40)
        for _ in range(dust):
            cv2.circle(out, (rng.randrange(w), rng.randrange(h)), rng.randint(1, 2), 0, -1)
        params = {"dpi": ctx.dpi, "binarise": mode, "toward_ink": toward_ink, "paper": paper, "ink": ink, **levels,
                  "stroke": stroke, "rotation": angle, "blur": blur, "noise": noise, "shaded_headers": shaded,
                  **rulings, "edge_bands": bands, "punch_holes": holes, "salt_pepper": salt, "dust": dust,
                  "seals": seals, "bitonal": True}
        return out, params


def _copy_generation(dark: np.ndarray, rng: random.Random, scale: float) -> tuple[np.ndarray, dict]:
    """One pass through a worn photocopier, in darkness (0 paper .. 1 black): toner laid unevenly
    (a smooth density field), the contrast pushed (faint edges dropped, mid greys made black), the
    copy out of register (shifted and turned a little against the original); ``scale`` is px per
    300-dpi px (the page's dpi / 300)."""
    h, w = dark.shape
    low, high = rng.uniform(0.03, 0.08), rng.uniform(0.55, 0.8)
    density = 0.8 + 0.2 * cv2.resize(_smooth((h // 8, w // 8), rng, 7), (w, h), interpolation=cv2.INTER_LINEAR)
    out = np.clip((dark * density - low) / (high - low), 0, 1)
    shift = (round(rng.uniform(-6, 6) * scale), round(rng.uniform(-6, 6) * scale))
    angle = rng.uniform(-0.6, 0.6)
    m = cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0)
    m[:, 2] += shift
    out = cv2.warpAffine(out, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=0)
    return out.astype(np.float32), {"contrast": [round(low, 2), round(high, 2)], "shift": list(shift),
                                    "turn": round(angle, 2)}


def _feed_streaks(dark: np.ndarray, rng: random.Random, scale: float, across: bool) -> tuple[np.ndarray, dict]:
    """Streaks along the paper path of a worn copier: bands where the drum lays less toner (the print
    in them lighter, never gone) and thin lines where it is scratched (toner on the paper, grey,
    over print and paper alike). ``across``: the sheet went through sideways (streaks run across)."""
    img = dark.T if across else dark
    h, w = img.shape
    out = img.copy()
    worn = []
    for _ in range(rng.randint(1, 3)):
        x, width = rng.randrange(w), max(3, round(rng.uniform(5, 40) * scale))
        keep = rng.uniform(0.6, 0.85)
        profile = np.ones(w, np.float32)
        profile[max(0, x - width) : x + width] = keep
        out *= cv2.GaussianBlur(profile[None, :], (0, 0), sigmaX=width / 3 + 1)[0][None, :]
        worn.append([x, width, round(keep, 2)])
    lines = []
    for _ in range(rng.randint(1, 3)):
        x, width = rng.randrange(w), rng.choice([1, 1, 2]) if scale > 0.8 else 1
        level = rng.uniform(0.25, 0.5)
        y0 = 0 if rng.random() < 0.6 else rng.randrange(h // 2)
        y1 = h if rng.random() < 0.6 else rng.randrange(y0 + h // 4, h + 1)
        out[y0:y1, x : x + width] = np.maximum(out[y0:y1, x : x + width], level)
        lines.append([x, width, y0, y1, round(level, 2)])
    out = out.T if across else out
    return np.ascontiguousarray(out), {"worn_bands": worn, "drum_lines": lines, "across": across}


@dataclass(frozen=True)
class CopyOfCopy:
    """A photocopy of a photocopy, as archives keep the reports that were copied for a file and
    copied again for a request: two generations of toner loss and pushed contrast (faint edges
    gone; on a darker setting strokes swollen), each generation a little out of
    register (shifted, turned), a grey background of fog (loose toner, blotchy), worn bands and
    scratch lines along the paper path (down the page, or across it for a sheet fed sideways), the
    signature's seal gone grey; scanned at 200 or 300 dpi grey and saved as a JPEG (quality 45-75).
    Every number stays readable by eye: the print's darkest part keeps >= ~60 grey levels under
    the fog."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[dict] = []
        if ctx.last:
            h, w = img.shape[:2]
            darkest = rng.randint(100, 160)
            _grey_seal(img, (int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.55, 0.85))),
                       int(ctx.dpi * rng.uniform(1.55, 1.75)), rng, ctx.org, darkest)
            seals.append({"where": "signature", "darkest": darkest})
        scale = ctx.dpi / 300
        dark = 1.0 - cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32) / 255.0
        # as printed, or swollen (a second copy is set darker to make up for the first's loss); not
        # thinned: with two contrast pushes a light serif face's hairlines go and its 0 reads "()"
        stroke = rng.choice([0, 0, 1])
        if stroke:
            dark = cv2.dilate(dark, np.ones((2, 2), np.uint8))
        dark, first = _copy_generation(dark, rng, scale)
        dark, streaks = _feed_streaks(dark, rng, scale, rng.random() < 0.35)
        dark, second = _copy_generation(dark, rng, scale)
        h, w = dark.shape
        fog = rng.uniform(0.07, 0.2)  # the background: never white on a copy of a copy
        blotch = cv2.resize(_smooth((h // 16, w // 16), rng, 30), (w, h), interpolation=cv2.INTER_LINEAR)
        background = fog * (0.7 + 0.6 * blotch)
        dark = 1.0 - (1.0 - dark) * (1.0 - background)
        black = rng.uniform(10, 40)
        gray = 255.0 - dark * (255.0 - black)
        noise = round(rng.uniform(2, 4), 1)
        gray = _noise(gray.clip(0, 255).astype(np.uint8), noise, rng)
        params = {"dpi": ctx.dpi, "stroke": stroke, "first": first, "second": second, **streaks,
                  "fog": round(fog, 2), "black": round(black), "noise": noise, "seals": seals, "grey": True,
                  "jpeg": rng.randint(45, 75)}
        return np.ascontiguousarray(gray), params


def _binarise(gray: np.ndarray, rng: random.Random, toward_ink: tuple[float, float], noise: tuple[float, float],
              skew: float) -> tuple[np.ndarray, dict]:
    """A black-and-white scanner's pass over a grey page: skew up to ``skew``°, soft optics, sensor noise, the
    page's own threshold (``page_threshold``) ``toward_ink`` of the way from its paper to its ink."""
    h, w = gray.shape
    angle = round(rng.uniform(-skew, skew), 2)
    gray = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                          flags=cv2.INTER_LINEAR, borderValue=255)
    blur = round(rng.uniform(0.3, 0.6), 2)
    sigma = round(rng.uniform(*noise), 1)
    share = round(rng.uniform(*toward_ink), 2)
    gray = cv2.GaussianBlur(gray, (0, 0), blur)
    threshold, paper, ink = page_threshold(gray, share, sigma)
    out = np.where(_noise(gray, sigma, rng) < threshold, 0, 255).astype(np.uint8)
    return out, {"rotation": angle, "blur": blur, "noise": sigma, "toward_ink": share, "threshold": threshold,
                 "paper": paper, "ink": ink}


@dataclass(frozen=True)
class SealBW:
    """Stamped pages through a black-and-white scanner at its page threshold: a red seal's ink (grey
    ~90-160 once the colour is dropped, blotchy) goes solid black, ring, characters and star, with holes
    where the stamp printed thin. Seals sit over the tables as clerks stamp them: across the number
    columns from the table's right edge or over the row labels, one or two per table, the signature seal
    on the last page; the star (solid) lies off the numbers (a digit under it is lost to anyone), the
    ring and characters cross them. 150-300 dpi; a multi-page TIFF (Group 4)."""

    kind: str = "tiff"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([150, 200, 200, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[dict] = []
        size = int(ctx.dpi * rng.uniform(1.55, 1.75))
        for x0, y0, x1, y1 in ctx.tables_px:
            for _ in range(1 if (y1 - y0) < 2 * size or rng.random() < 0.5 else 2):
                if rng.random() < 0.8:
                    where = rng.choice(["right", "right", "labels"])
                    cx = (x1 + rng.randint(-size // 8, size // 6) if where == "right"  # the ring over the last column
                          else x0 + rng.randint(size // 5, max(size // 5 + 1, (x1 - x0) // 6)))
                    cy = rng.randint(y0 + size // 4, max(y0 + size // 4 + 1, y1 - size // 4))
                    stamp(img, (cx, cy), size, rng, ctx.org)
                    seals.append({"where": where, "centre": [cx, cy]})
        if ctx.last:
            h, w = img.shape[:2]
            stamp(img, (int(w * rng.uniform(0.6, 0.75)), int(h * rng.uniform(0.55, 0.85))), size, rng, ctx.org)
            seals.append({"where": "signature"})
        out, levels = _binarise(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), rng, (0.3, 0.55), (5, 12), 1.5)
        salt = _salt_pepper(out, (0.0, 0.0002), rng, pepper=False)
        return out, {"dpi": ctx.dpi, **levels, "salt": salt, "seals": seals, "bitonal": True}


def screen(gray: np.ndarray, period: float, degrees: float, white: float, black: float) -> np.ndarray:
    """One bit per pixel by a clustered-dot halftone screen (a scanner's "halftone" mode, as newspapers
    print grey): round dots on a grid ``period`` px apart turned by ``degrees``, growing with the grey."""
    level = _stretch(gray, white, black) / 255.0
    h, w = level.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
    a = math.radians(degrees)
    u = (xs * math.cos(a) + ys * math.sin(a)) * (2 * math.pi / period)
    v = (-xs * math.sin(a) + ys * math.cos(a)) * (2 * math.pi / period)
    spot = 0.5 + 0.25 * (np.cos(u) + np.cos(v))  # 1 at a dot's centre, 0 between dots
    return np.where(spot > level, 0, 255).astype(np.uint8)


def _row_bands(gray: np.ndarray, box: tuple[int, int, int, int], dpi: int) -> list[tuple[int, int]]:
    """The rows of a ruled table: the bands between its horizontal rulings (top, bottom) in pixels."""
    x0, y0, x1, y1 = box
    ink = (gray[max(0, y0 - 3) : y1 + 3, x0:x1] < 160).astype(np.uint8) * 255
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, max(15, (x1 - x0) // 2)), np.uint8))
    ys = np.flatnonzero(lines.any(axis=1)) + max(0, y0 - 3)
    tops = [int(y) for i, y in enumerate(ys) if i == 0 or y - ys[i - 1] > 2]
    return [(a + 2, b - 1) for a, b in itertools.pairwise(tops) if b - a > dpi // 20]


@dataclass(frozen=True)
class Halftone:
    """A black-and-white scanner in its halftone mode over a page that has grey on it: table rows shaded
    every other one (a zebra), a shaded header, a shaded total column, sometimes the whole print a light
    grey (a worn laser printer), the seals red; every grey becomes a pattern of dots — a clustered-dot
    screen (50-85 lines an inch, turned 0-45°), an 8x8 ordered dither or error diffusion — so a shaded
    row is a field of dots touching its digits and light print is dotted through. 200-300 dpi (light
    print only at 300, where a dotted stroke stays legible); a multi-page TIFF (Group 4)."""

    kind: str = "tiff"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 300, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        if ctx.tables_px and rng.random() < 0.3:
            x0, y0, x1, y1 = rng.choice(ctx.tables_px)
            stamp(img, (rng.randint(x1, x1 + ctx.dpi // 2), rng.randint(y0, y1)), int(ctx.dpi * rng.uniform(1.55, 1.75)),
                  rng, ctx.org)
            seals.append("table")
        _signature(img, rng, ctx, seals)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        light = rng.randint(60, 100) if ctx.dpi >= 300 and rng.random() < 0.4 else 0
        if light:  # print a light grey: black becomes ``light``, paper stays
            gray = light + gray * (255.0 - light) / 255.0
        tint = np.ones(gray.shape, np.float32)
        shading = []
        for box in ctx.tables_px:
            x0, y0, x1, y1 = box
            kind = rng.choice(["zebra", "zebra", "header", "column", "none"])
            shade = round(rng.uniform(0.78, 0.9), 2)
            rows = _row_bands(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), box, ctx.dpi)
            if kind == "zebra":
                for top, bottom in rows[rng.randint(0, 1)::2]:
                    tint[top:bottom, x0:x1] = shade
            elif kind == "header" and rows:
                top, bottom = rows[0][0], rows[min(len(rows), rng.randint(1, 2)) - 1][1]
                tint[top:bottom, x0:x1] = shade - 0.08
            elif kind == "column":
                tint[y0:y1, x1 - (x1 - x0) // 8 : x1] = shade
            shading.append([kind, shade, len(rows)])
        gray = gray * tint
        h, w = gray.shape
        angle = round(rng.uniform(-1.0, 1.0), 2)
        gray = cv2.warpAffine(gray, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                              flags=cv2.INTER_LINEAR, borderValue=255)
        noise = round(rng.uniform(3, 8), 1)
        gray = _noise(cv2.GaussianBlur(gray, (0, 0), 0.5).clip(0, 255).astype(np.uint8), noise, rng)
        paper = float(np.percentile(gray, 75))
        white, black = paper - 2.5 * noise, float(rng.randint(20, 50))
        mode = rng.choice(["screen", "screen", "bayer", "diffusion"])
        screen_params: dict = {}
        if mode == "screen":
            lpi, degrees = rng.randint(50, 85), rng.choice([0, 45, 45, rng.uniform(0, 90)])
            out = screen(gray, ctx.dpi / lpi, degrees, white, black)
            screen_params = {"lpi": lpi, "screen_degrees": round(degrees, 1)}
        else:
            out = dither(gray, mode, white, black)
        return out, {"dpi": ctx.dpi, "binarise": mode, **screen_params, "white": round(white), "black": black,
                     "light_print": light, "shading": shading, "rotation": angle, "noise": noise, "seals": seals,
                     "bitonal": True}


@dataclass(frozen=True)
class FineBW:
    """A black-and-white scan at 300-400 dpi set dark-critical (threshold toward the ink): thin strokes,
    a light face's strokes broken, rulings of 1-2 px with gaps; salt-and-pepper and dust clusters; the
    page then deskewed by the scanner's software on its bits (nearest neighbour: staircase lines, a
    1 px ruling broken at each step, part of the skew left); now and then a moiré from a screened original (a faint dot screen
    over the paper that the threshold catches in bands). A multi-page TIFF (Group 4)."""

    kind: str = "tiff"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([300, 400])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY).astype(np.float32)
        h, w = gray.shape
        moire = rng.random() < 0.3
        moire_params: dict = {}
        if moire:  # a faint screen of the original's paper tone, beating with the scanner's grid
            period, depth = rng.uniform(2.2, 3.2), rng.uniform(18, 30)
            ys, xs = np.mgrid[0:h, 0:w].astype(np.float32)
            a = math.radians(rng.uniform(10, 40))
            tone = np.cos((xs * math.cos(a) + ys * math.sin(a)) * 2 * math.pi / period)
            gray = np.minimum(gray, 255.0 - depth * (0.5 + 0.5 * tone))
            moire_params = {"moire_period_px": round(period, 2), "moire_depth": round(depth, 1)}
        out, levels = _binarise(gray.clip(0, 255).astype(np.uint8), rng, (0.5, 0.7), (8, 16), 1.5)
        salt = _salt_pepper(out, (0.0003, 0.0015), rng, pepper=True)
        dust = rng.randint(20, 120)
        for _ in range(dust):
            cv2.circle(out, (rng.randrange(w), rng.randrange(h)), rng.randint(1, 3), 0, -1)
        angle = round(-levels["rotation"] * rng.uniform(0.6, 1.0), 2)  # the skew the software took out, on the bits
        out = cv2.warpAffine(out, cv2.getRotationMatrix2D((w / 2, h / 2), angle, 1.0), (w, h),
                             flags=cv2.INTER_NEAREST, borderValue=255)
        return out, {"dpi": ctx.dpi, **levels, **moire_params, "salt": salt, "dust": dust, "deskew_on_bits": angle,
                     "seals": seals, "bitonal": True}


def _repeated_lines(out: np.ndarray, rng: random.Random) -> list[list[int]]:
    """Bands of 1-4 scan lines replaced by the line above them, in place: a fax-coded file (CCITT) whose
    coding lost a few lines, which its decoder fills by repeating the last good one. Returns [[row, lines]]."""
    h = out.shape[0]
    bands = []
    for _ in range(rng.choice([0, 0, 1, 2, 3])):
        y, k = rng.randint(h // 10, h - h // 10), rng.randint(1, 4)
        out[y : y + k] = out[y - 1]
        bands.append([y, k])
    return bands


@dataclass(frozen=True)
class Rebitonal:
    """A page of an archive's black-and-white file printed and scanned black-and-white again, as a request
    is often answered: the archive's scan (100-150 dpi at the page's threshold; a table printed with light
    grey rulings, as office templates print them, loses them to that threshold, so only the text's
    alignment is left of the grid) printed on an office laser printer (each of its pixels a square of
    toner, the squares spread and merged by the toner, the staircase of its strokes kept) and scanned
    black-and-white again at 150-200 dpi at that page's threshold, with its own skew, noise and specks;
    the fax-coded file repeats a few scan lines its coding lost. The first scan's resolution is drawn per
    page (pages of one request come from several files). A multi-page TIFF (Group 4)."""

    kind: str = "tiff"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([150, 200, 200])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        h, w = gray.shape
        light_rulings = rng.randint(185, 215) if rng.random() < 0.3 else 0
        if light_rulings:  # printed light grey: the first threshold (<= 180 here) leaves nothing of them
            horizontal, vertical = _rulings((gray < 160).astype(np.uint8) * 255, ctx.dpi)
            gray = np.where((horizontal | vertical) > 0, np.maximum(gray, light_rulings), gray).astype(np.uint8)
        first = min(ctx.dpi, rng.choice([100, 120, 150]))
        small = cv2.resize(gray, (round(w * first / ctx.dpi), round(h * first / ctx.dpi)), interpolation=cv2.INTER_AREA)
        bits, scan1 = _binarise(small, rng, (0.3, 0.5), (5, 12), 1.5)
        # the printer: each bit a square (nearest neighbour, at twice the rescan's resolution), toner spread
        # over ~0.1 mm and laid ``toner`` dark on paper ``paper`` grey
        fine = cv2.resize(bits, (2 * w, 2 * h), interpolation=cv2.INTER_NEAREST)
        spread = round(rng.uniform(0.6, 1.4), 2)
        dark = cv2.GaussianBlur((fine == 0).astype(np.float32), (0, 0), spread * 2 * ctx.dpi / 200)
        paper, toner = rng.randint(232, 250), rng.randint(10, 60)
        printed = cv2.resize(paper - (paper - toner) * dark.clip(0, 1), (w, h), interpolation=cv2.INTER_AREA)
        out, scan2 = _binarise(printed.clip(0, 255).astype(np.uint8), rng, (0.35, 0.6), (4, 10), 1.0)
        repeated = _repeated_lines(out, rng)
        salt = _salt_pepper(out, (0.0, 0.0003), rng, pepper=True)
        return out, {"dpi": ctx.dpi, "first_dpi": first, "light_rulings": light_rulings, "first_scan": scan1,
                     "toner_spread_px": spread, "print_paper": paper, "print_toner": toner, **scan2,
                     "repeated_lines": repeated, "salt": salt, "seals": seals, "bitonal": True}


@dataclass(frozen=True)
class WebCMS:
    """A report published on a government website as page pictures, as many bodies publish their scanned
    annual reports: the archive's black-and-white scan (100 or 120 dpi at the page's threshold, up to 1.5°
    askew, specks) kept by the site's CMS as a 1-bit PNG and resized there for display by nearest neighbour
    to the width of its column (720-1000 px, smaller or larger than the scan): rows and columns of pixels
    dropped or doubled at an uneven beat, so a 1 px ruling vanishes wherever its row or column is dropped
    and a stroke is one or two pixels by where it falls; in three pages of ten what the archive holds is a
    reader's save of the displayed picture at the browser's zoom (110-150 %, smoothed: grey edges). Each
    page uploaded on its own, so its display width is drawn per page. A PNG per page, no resolution in it."""

    kind: str = "png"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([100, 120])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        bits, scan = _binarise(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY), rng, (0.3, 0.5), (5, 12), 1.5)
        salt = _salt_pepper(bits, (0.0, 0.0003), rng, pepper=True)
        h, w = bits.shape
        width = rng.choice([720, 800, 880, 960, 1000])
        shown = cv2.resize(bits, (width, round(h * width / w)), interpolation=cv2.INTER_NEAREST)
        zoom = round(rng.uniform(1.1, 1.5), 2) if rng.random() < 0.3 else 0.0
        if zoom:
            shown = cv2.resize(shown, None, fx=zoom, fy=zoom, interpolation=cv2.INTER_LINEAR)
        return shown, {"dpi": ctx.dpi, **scan, "salt": salt, "display_width": width, "saved_at_zoom": zoom,
                       "seals": seals, "bitonal": not zoom}


LEVEL_FAMILIES: dict[str, Family] = {
    "clean": Level("clean", "pdf"),
    "hard": Level("hard", "pdf"),
    "photo": Level("photo", "jpg"),
    "unruled": Level("clean", "pdf"),  # a clean scan of the page with its rulings erased first
}
def _figures(gray: np.ndarray, box: tuple[int, int, int, int], dpi: int) -> list[tuple[int, int, int, int]]:
    """Boxes of the figure-shaped pieces of print in a table's value columns (right of its first quarter,
    1.5-4 mm tall, narrower than tall: its digits, now and then a narrow part of a header's character)."""
    x0, y0, x1, y1 = box
    ink = (gray[y0:y1, x0:x1] < 128).astype(np.uint8)
    stats = cv2.connectedComponentsWithStats(ink, connectivity=8)[2]
    small, big = dpi * 0.06, dpi * 0.16
    return [(x0 + x, y0 + y, x0 + x + w, y0 + y + h) for x, y, w, h, _ in stats[1:].tolist()
            if small <= h <= big and w <= 0.85 * h and x >= 0.25 * (x1 - x0)]


def _ballpoint(img: np.ndarray, pts: list[tuple[float, float]], colour: tuple[int, int, int], width: int,
               rng: random.Random) -> None:
    """A ballpoint stroke through ``pts``: a little wobble, pressure thinning it here and there."""
    g = _np(rng)
    path = np.asarray(pts, np.float32)
    dense = np.concatenate([np.linspace(a, b, max(2, int(np.hypot(*(b - a)) / 2)), endpoint=False)
                            for a, b in itertools.pairwise(path)] + [path[-1:]])
    dense += np.cumsum(g.normal(0, 0.25, dense.shape), axis=0) * 0.5
    mask = np.zeros(img.shape[:2], np.float32)
    cv2.polylines(mask, [dense.astype(np.int32)], False, 1.0, width, cv2.LINE_AA)
    mask *= 0.7 + 0.3 * _smooth(mask.shape, rng, 30)
    for c in range(3):
        img[:, :, c] = (img[:, :, c] * (1 - mask) + colour[c] * mask).astype(np.uint8)


@dataclass(frozen=True)
class Reviewed:
    """A copy a reviewer went through with a ballpoint and a highlighter before it was filed, scanned on
    an office scanner (round 10, branch mark10; declared before its first run): ticks, check marks and
    small crosses written just right of figures inside their cells (a stroke 1.2-2 figures tall, blue or
    black ballpoint, often touching the figure), now and then a short stroke under a figure; a highlighter
    run down the label column of a table (yellow or green, over the row labels, its edges ragged and its
    ink uneven); a sticky note in a margin with its shadow. Scanned at 200-300 dpi, colour or grey (four
    in ten), up to 1° askew, JPEG 55-80. Unlike ``in8_workcopy`` (red pen rings, highlighter along rows,
    an MRC PDF) the pen is never red (no lifting with the seals) and the highlighter crosses the rows."""

    kind: str = "pdf"

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice([200, 250, 300])

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageContext) -> tuple[np.ndarray, dict]:
        img = page.copy()
        seals: list[str] = []
        _signature(img, rng, ctx, seals)
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        dpi = ctx.dpi
        pen = (150, 60, 30) if rng.random() < 0.6 else (40, 40, 40)  # BGR blue or black ballpoint
        width = max(1, round(dpi / 130))
        marks: list[str] = []
        for box in ctx.tables_px:
            if rng.random() < 0.6:  # the highlighter down the label column, over the row labels
                x0, y0, x1, y1 = box
                xa = x0 + round(rng.uniform(0.02, 0.08) * (x1 - x0))
                xb = xa + round(rng.uniform(0.1, 0.22) * (x1 - x0))
                ya, yb = y0 + round(rng.uniform(0.0, 0.3) * (y1 - y0)), y1 - round(rng.uniform(0.0, 0.2) * (y1 - y0))
                tint = np.array([120, 245, 250] if rng.random() < 0.6 else [150, 250, 160], np.float32)
                band = np.zeros(img.shape[:2], np.float32)
                band[ya:yb, xa:xb] = 1.0
                band = cv2.GaussianBlur(band, (0, 0), dpi * 0.01) * (0.75 + 0.25 * _smooth(band.shape, rng, 20))
                img[:] = (img * (1 - band[..., None] * (1 - tint / 255.0))).astype(np.uint8)
                marks.append("highlight column")
            figures = _figures(gray, box, dpi)
            for fx0, fy0, fx1, fy1 in rng.sample(figures, min(len(figures), rng.randint(0, 4))):
                h = fy1 - fy0
                kind = rng.choice(["tick", "tick", "check", "cross", "underline"])
                s = h * rng.uniform(1.2, 2.0)
                x = fx1 + rng.uniform(0.0, 0.5) * h  # beside the figure, often touching it
                y = fy1 - 0.2 * h
                if kind == "tick":
                    pts = [(x, y - 0.45 * s), (x + 0.3 * s, y), (x + 0.8 * s, y - s)]
                elif kind == "check":  # a long-armed check mark rising past the figure's top
                    pts = [(x, y - 0.3 * s), (x + 0.2 * s, y), (x + 0.4 * s, y - 1.2 * s)]
                elif kind == "cross":
                    pts = [(x, y - 0.6 * s), (x + 0.5 * s, y), (x + 0.25 * s, y - 0.3 * s), (x, y), (x + 0.5 * s,
                                                                                                  y - 0.6 * s)]
                else:
                    pts = [(fx0 - 0.3 * h, fy1 + 0.25 * h), (fx1 + 0.3 * h, fy1 + 0.3 * h)]
                _ballpoint(img, pts, pen, width, rng)
                marks.append(kind)
        h, w = img.shape[:2]
        side = round(dpi * 1.5)
        x, y = w - round(side * rng.uniform(0.5, 0.8)), round(rng.uniform(0.05, 0.7) * h)
        clear = not any(y < b[3] and y + side + 8 > b[1] for b in ctx.tables_px)  # never over a table's figures
        if rng.random() < 0.35 and clear:  # a sticky note in the right margin, its shadow on the page
            shadow = np.zeros((h, w), np.float32)
            shadow[y + 6 : y + side + 6, x + 6 : w] = 1.0
            shadow = cv2.GaussianBlur(shadow, (0, 0), dpi * 0.02)
            img[:] = (img * (1 - 0.35 * shadow[..., None])).astype(np.uint8)
            img[y : y + side, x:w] = (img[y : y + side, x:w] * 0 + np.array([130, 235, 250])).astype(np.uint8)
            marks.append("sticky note")
        angle = round(rng.uniform(-1.0, 1.0), 2)
        img = _rotate(img, angle)
        img = _noise(cv2.GaussianBlur(img, (0, 0), 0.5 * dpi / 200), 3.0, rng)
        quality = rng.randint(55, 80)  # the page's JPEG quality in its PDF (``write_images``)
        grey = rng.random() < 0.4
        out = _as_grey(img) if grey else img
        return out, {"dpi": dpi, "marks": marks, "pen": "blue" if pen[0] > 100 else "black", "rotation": angle,
                     "grey": grey, "jpeg": quality, "seals": seals}


OWN_FAMILIES: dict[str, Family] = {
    "lid": LidScan(),
    "rot6": Rot6(),
    "fax": Fax(),
    "toner": ThinToner(),
    "copyseal": CopySeal(),
    "curl": Curl(),
    "jpeg": Jpeg(),
    "colour150": Colour150(),
    "archive": Archive(),
    **{name: Phone(name) for name in PHONE_VARIANTS},
    "copy2": CopyOfCopy(),
    "sealbw": SealBW(),
    "halftone": Halftone(),
    "finebw": FineBW(),
    **{name: Phone(name) for name in PHONE_ARCHIVED},
    **{name: Phone(name) for name in PHONE_AMONG},
    "rebitonal": Rebitonal(),
    "webcms": WebCMS(),
    "reviewed": Reviewed(),
}
"""The families of issue 13 (each its own level, each from its own random stream)."""
SUPERSEDED_FAMILIES: dict[str, Family] = {
    "fax_fixed": Fax(fixed=True, stream="fax"),
}
"""First versions of own families, replaced by a more faithful one and kept measurable (a level
is never narrowed): ``fax_fixed`` binarises at a fixed 110-170, which erases a light font
(some of its pages are illegible by eye, so their truth cannot be read by anyone)."""
EXTRA_LEVELS = ("unruled", *OWN_FAMILIES, *SUPERSEDED_FAMILIES)
"""Levels not in the default set (their pages come from their own random stream: the default
levels' output for a seed does not change when one is added)."""
DEFAULT_KIND = {name: f.kind for name, f in (LEVEL_FAMILIES | OWN_FAMILIES | SUPERSEDED_FAMILIES).items()}


def held_out_families() -> dict[str, Family]:
    """The held-out families (tests/heldout_scans, written independently: measured, never
    looked at while fixing); empty where that package is not there."""
    try:
        from tests.heldout_scans import FAMILIES
    except ModuleNotFoundError as exc:
        if exc.name in ("tests.heldout_scans", "tests"):
            return {}
        raise
    return dict(FAMILIES)


def released_families() -> dict[str, Family]:
    """Families written independently like the held-out ones (round 7: makers who never read the reader
    or this generator) and released by lot for tuning (tests/heldout_scans ``RELEASED``): own levels since,
    so their numbers are no longer a held-out measure; empty where that package is not there."""
    try:
        from tests.heldout_scans import RELEASED
    except ModuleNotFoundError as exc:
        if exc.name in ("tests.heldout_scans", "tests"):
            return {}
        raise
    return dict(RELEASED)


def family(level: str) -> Family:
    """The family behind a level name: ours first, then the held-out ones."""
    if level in LEVEL_FAMILIES:
        return LEVEL_FAMILIES[level]
    if level in OWN_FAMILIES:
        return OWN_FAMILIES[level]
    if level in SUPERSEDED_FAMILIES:
        return SUPERSEDED_FAMILIES[level]
    held = held_out_families() | released_families()
    if level in held:
        return held[level]
    raise ValueError(f"unknown level {level!r}: one of {[*LEVEL_FAMILIES, *OWN_FAMILIES, *SUPERSEDED_FAMILIES, *held]}")


def degrade_document(pdf_path: Path, level: str, seed: int, org: str = "") -> tuple[list[np.ndarray], list[dict]]:
    """Every page of ``pdf_path`` rendered and degraded by the family ``level`` (deterministic
    for a seed: each level draws from its own stream, so adding one changes no other)."""
    fam = family(level)
    rng = random.Random(f"{pdf_path.name}:{getattr(fam, 'stream', '') or level}:{seed}")
    tables = table_boxes(pdf_path)
    erase = ruling_edges(pdf_path) if level == "unruled" else None
    pages, params = [], []
    dpi = fam.choose_dpi(rng)  # one resolution per document: a scanner keeps its setting for the whole job
    for i, boxes in enumerate(tables):
        img = render(pdf_path, dpi, i)
        if erase is not None:
            img = erase_rulings(img, erase[i], dpi)
        px = [tuple(int(v * dpi / 72) for v in b) for b in boxes]
        ctx = PageContext(dpi, px, i == len(tables) - 1, org)  # type: ignore[arg-type]
        out, p = fam.degrade_page(img, rng, ctx)
        p.setdefault("dpi", dpi)
        pages.append(out)
        params.append(p)
    return pages, params


def _pil(img: np.ndarray) -> Image.Image:
    """A page as PIL writes it: 2-D arrays grey, or bitonal when only black and white."""
    if img.ndim == 2:
        im = Image.fromarray(img)
        return im.convert("1") if np.isin(img, (0, 255)).all() else im
    return Image.fromarray(np.ascontiguousarray(img[:, :, ::-1]))


def write_images(images: list[np.ndarray], dpi: int, quality: list[int], out: Path, stem: str, kind: str) -> list[str]:
    """Write pages (BGR, grey or bitonal) as one image-only PDF, one multi-page TIFF, or one
    JPEG/PNG per page; ``quality`` is each page's JPEG quality (a PDF page is a JPEG, a bitonal
    one Group 4)."""
    out.mkdir(parents=True, exist_ok=True)
    ims = [_pil(p) for p in images]
    if kind == "pdf":
        path = out / f"{stem}.pdf"
        doc = pdfium.PdfDocument.new()
        try:
            for im, q in zip(ims, quality, strict=True):  # page by page: each keeps its own quality
                buf = io.BytesIO()
                if im.mode == "1":  # Pillow writes a bitonal page as Group 4 and refuses a JPEG quality for it
                    im.save(buf, "PDF", resolution=float(dpi))
                else:
                    im.save(buf, "PDF", resolution=float(dpi), quality=q)
                one = pdfium.PdfDocument(buf.getvalue())
                doc.import_pages(one)
                one.close()
            doc.save(str(path))
        finally:
            doc.close()
        return [path.name]
    if kind == "tiff":
        path = out / f"{stem}.tif"
        compression = "group4" if all(im.mode == "1" for im in ims) else "tiff_deflate"
        ims[0].save(path, save_all=True, append_images=ims[1:], compression=compression, dpi=(dpi,) * 2)
        return [path.name]
    names = []
    for i, (im, q) in enumerate(zip(ims, quality, strict=True), start=1):
        name = f"{stem}_p{i}.{kind}"
        if kind in ("jpg", "jpeg"):
            im.convert("L" if im.mode == "1" else im.mode).save(out / name, quality=q)
        else:
            im.save(out / name)
        names.append(name)
    return names


def write_pages(pages: list[np.ndarray], degs: list[PageDegradation], out: Path, stem: str, kind: str) -> list[str]:
    """Pages of the first levels (clean, hard, photo) written with ``write_images``."""
    images = [_as_grey(p) if d.grey else p for p, d in zip(pages, degs, strict=True)]
    return write_images(images, degs[0].dpi, [d.jpeg or 90 for d in degs], out, stem, kind)


def find_truth(pdf_path: Path) -> Path | None:
    for p in (pdf_path.with_suffix(".json"), SHARED_TRUTH / f"{pdf_path.stem}.json"):
        if p.exists():
            return p
    return None


def make(pdf_path: Path, out: Path, level: str, seed: int, kind: str | None = None) -> dict:
    """Degrade one source document by the family ``level`` (ours or held out) and write it
    with its truth; returns the truth written."""
    truth_path = find_truth(pdf_path)
    truth = json.loads(truth_path.read_text("utf-8")) if truth_path else {}
    fam = family(level)
    pages, params = degrade_document(pdf_path, level, seed, truth.get("organization") or "")
    stem = f"{pdf_path.stem}_{level}_{seed}"
    kind = kind or fam.kind
    files = write_images(pages, int(params[0]["dpi"]), [int(p.get("jpeg") or 90) for p in params], out, stem, kind)
    truth.update(
        {
            "doc_id": stem,
            "source_pdf": str(pdf_path.resolve()),
            "files": files,
            "degradation": {"level": level, "seed": seed, "kind": kind,
                            "held_out": level in held_out_families(), "pages": params}
            | ({"rulings": "erased"} if level == "unruled" else {}),
        }
    )
    (out / f"{stem}.json").write_text(json.dumps(truth, ensure_ascii=False, indent=1), encoding="utf-8")
    return truth


def sources(paths: list[Path]) -> list[Path]:
    """PDFs given directly or found in folders, each with a truth file."""
    out = []
    for p in paths:
        for pdf in sorted(p.glob("*.pdf")) if p.is_dir() else [p]:
            if find_truth(pdf):
                out.append(pdf)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, nargs="+", required=True, help="PDFs or folders of PDFs with truth JSON")
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--level", nargs="+", default=list(LEVELS),
                    help=f"{', '.join(LEVELS + EXTRA_LEVELS)} or a held-out family (tests/heldout_scans)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", choices=["pdf", "tiff", "jpg", "png"], help="output container (default by level)")
    ap.add_argument("--clear", action="store_true", help="empty --out first")
    args = ap.parse_args()
    for level in args.level:
        family(level)  # an unknown name fails before any work
    if args.clear and args.out.exists():
        shutil.rmtree(args.out)
    n = 0
    for pdf in sources(args.src):
        for level in args.level:
            make(pdf, args.out, level, args.seed, args.kind)
            n += 1
    print(f"{n} degraded documents in {args.out}")


if __name__ == "__main__":
    main()
