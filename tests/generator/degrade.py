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

The output truth is the source truth plus ``degradation`` (level, seed, per-page
parameters) and ``files``; the page text for error rates is the source PDF's own
text layer, so the benchmark reads it from ``source_pdf``.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import cv2
import numpy as np
import pdfplumber
import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont

LEVELS = ("clean", "hard", "photo")
EXTRA_LEVELS = ("unruled",)
"""Levels not in the default set (their pages come from their own random stream: the default
levels' output for a seed does not change when one is added)."""
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


def _photo(page: np.ndarray, rng: random.Random, deg: PageDegradation) -> np.ndarray:
    """The sheet in perspective on a desk, about 12 Mpx, as a phone takes it."""
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
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, (out_w, out_h), flags=cv2.INTER_LINEAR)
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


def degrade_document(pdf_path: Path, level: str, seed: int, org: str = "") -> tuple[list[np.ndarray], list[PageDegradation]]:
    """Every page of ``pdf_path`` rendered and degraded (deterministic for a seed)."""
    rng = random.Random(f"{pdf_path.name}:{level}:{seed}")
    tables = table_boxes(pdf_path)
    erase = ruling_edges(pdf_path) if level == "unruled" else None
    scan = "clean" if level == "unruled" else level  # an unruled page is scanned as a clean one
    pages, degs = [], []
    # one resolution per document: a scanner keeps its setting for the whole job
    dpi = rng.choice([200, 300]) if scan == "clean" else rng.randint(150, 220) if level == "hard" else 300
    for i, boxes in enumerate(tables):
        img = render(pdf_path, dpi, i)
        if erase is not None:
            img = erase_rulings(img, erase[i], dpi)
        px = [tuple(int(v * dpi / 72) for v in b) for b in boxes]
        out, deg = degrade_page(img, scan, rng, dpi, px, i == len(tables) - 1, org)  # type: ignore[arg-type]
        pages.append(out)
        degs.append(deg)
    return pages, degs


def write_pages(pages: list[np.ndarray], degs: list[PageDegradation], out: Path, stem: str, kind: str) -> list[str]:
    """Write the pages as one image-only PDF, one multi-page TIFF, or one JPEG/PNG per page."""
    out.mkdir(parents=True, exist_ok=True)
    ims = [Image.fromarray(p[:, :, ::-1]) for p in pages]
    ims = [im.convert("L") if d.grey else im for im, d in zip(ims, degs, strict=True)]
    if kind == "pdf":
        path = out / f"{stem}.pdf"
        q = degs[0].jpeg or 90
        ims[0].save(path, save_all=True, append_images=ims[1:], resolution=float(degs[0].dpi), quality=q)
        return [path.name]
    if kind == "tiff":
        path = out / f"{stem}.tif"
        ims[0].save(path, save_all=True, append_images=ims[1:], compression="tiff_deflate", dpi=(degs[0].dpi,) * 2)
        return [path.name]
    names = []
    for i, (im, d) in enumerate(zip(ims, degs, strict=True), start=1):
        name = f"{stem}_p{i}.{kind}"
        if kind in ("jpg", "jpeg"):
            im.save(out / name, quality=d.jpeg or 90)
        else:
            im.save(out / name)
        names.append(name)
    return names


DEFAULT_KIND = {"clean": "pdf", "hard": "pdf", "photo": "jpg", "unruled": "pdf"}


def find_truth(pdf_path: Path) -> Path | None:
    for p in (pdf_path.with_suffix(".json"), SHARED_TRUTH / f"{pdf_path.stem}.json"):
        if p.exists():
            return p
    return None


def make(pdf_path: Path, out: Path, level: str, seed: int, kind: str | None = None) -> dict:
    """Degrade one source document and write it with its truth; returns the truth written."""
    truth_path = find_truth(pdf_path)
    truth = json.loads(truth_path.read_text("utf-8")) if truth_path else {}
    pages, degs = degrade_document(pdf_path, level, seed, truth.get("organization") or "")
    stem = f"{pdf_path.stem}_{level}_{seed}"
    files = write_pages(pages, degs, out, stem, kind or DEFAULT_KIND[level])
    truth.update(
        {
            "doc_id": stem,
            "source_pdf": str(pdf_path.resolve()),
            "files": files,
            "degradation": {"level": level, "seed": seed, "pages": [asdict(d) for d in degs]}
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
    ap.add_argument("--level", choices=LEVELS + EXTRA_LEVELS, nargs="+", default=list(LEVELS))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kind", choices=["pdf", "tiff", "jpg", "png"], help="output container (default by level)")
    ap.add_argument("--clear", action="store_true", help="empty --out first")
    args = ap.parse_args()
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
