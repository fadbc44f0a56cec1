"""layout: page regions (title, section_heading, paragraph, table, seal, page_number) as COCO boxes.

From born-digital PDFs whose pages were all read from the text layer: the lines and tables are the
layout document's, the headings the ones the section finder took, paragraphs are joined from lines
as the section text joins them, page numbers are the lines the readers drop at the margins, and a
seal is a red image of a seal's size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gongkai.extract.archive.pageimages import PageImages
from gongkai.extract.archive.training.common import (
    SPLITS,
    Card,
    Coco,
    ExportOptions,
    OffPage,
    TrainingDoc,
    centre_in,
    layout_of,
    save_png,
    split_of,
    to_px,
    union,
)
from gongkai.extract.domain.model import Report
from gongkai.extract.layout import BBox, TextLine

LAYOUT_CATEGORIES = ("title", "section_heading", "paragraph", "table", "seal", "page_number")

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$")
_MARGIN = 0.12
"""A page number sits in the top or bottom 12 % of the page."""




def page_regions(
    layout: Any, report: Report, pdf: Any, images: PageImages, dpi: float
) -> dict[int, list[tuple[str, BBox]]]:
    """Per page, (category, box in points) of every region: title, section headings, paragraphs, tables,
    seals and page numbers."""
    from gongkai.extract.domain.sections import clean_text, find_sections

    lines = [ln for ln in layout.lines() if ln.page and ln.bbox]
    sections, preamble = find_sections(layout.lines())
    # a heading on its own line; one run into the section's first sentence starts that paragraph
    headings = {id(s.heading) for s in sections.values() if s.heading is not None
                and len(clean_text(s.heading.text).replace(" ", "")) <= len(clean_text(s.title).replace(" ", "")) + 1}
    title = re.sub(r"\s+", "", report.title or "")
    tables: dict[int, list[BBox]] = {}
    for t in layout.tables():
        if t.page and t.bbox:
            tables.setdefault(t.page, []).append(t.bbox)
    out: dict[int, list[tuple[str, BBox]]] = {}
    preamble_ids = {id(ln) for ln in preamble}
    by_page: dict[int, list[TextLine]] = {}
    for ln in lines:
        if not any(centre_in(ln.bbox, tb) for tb in tables.get(ln.page, [])):  # type: ignore[arg-type]
            by_page.setdefault(ln.page, []).append(ln)  # type: ignore[arg-type]
    for n in range(1, len(pdf.pages) + 1):
        regions: list[tuple[str, BBox]] = [("table", b) for b in tables.get(n, [])]
        body: list[TextLine] = []
        title_lines: list[BBox] = []
        for ln in by_page.get(n, []):
            text = clean_text(ln.text).replace(" ", "")
            if id(ln) in headings:
                regions.append(("section_heading", ln.bbox))  # type: ignore[arg-type]
            elif id(ln) in preamble_ids and title and text and text in title:
                title_lines.append(ln.bbox)  # type: ignore[arg-type]
            else:
                body.append(ln)
        if title_lines:
            regions.append(("title", union(title_lines)))
        regions += [("paragraph", b) for b in _paragraphs(body)]
        page = pdf.pages[n - 1]
        height = float(page.height)
        for ln in page.extract_text_lines(strip=True, return_chars=False):
            box = (ln["x0"], ln["top"], ln["x1"], ln["bottom"])
            in_margin = box[1] > height * (1 - _MARGIN) or box[3] < height * _MARGIN
            if in_margin and _PAGE_NUMBER.match(ln["text"].strip()):
                regions.append(("page_number", box))
        regions += [("seal", b) for b in _seals(page, images, n, dpi)]
        out[n] = regions
    return out


def _paragraphs(lines: list[TextLine]) -> list[BBox]:
    """Body lines of one page joined into paragraphs, as the section text joins them: a new paragraph
    at an indented line, after a line that ends short, or after a gap wider than a line."""
    if not lines:
        return []
    left = min(ln.bbox[0] for ln in lines)  # type: ignore[index]
    right = max(ln.bbox[2] for ln in lines)  # type: ignore[index]
    paras: list[list[BBox]] = []
    prev: BBox | None = None
    for ln in lines:
        b: BBox = ln.bbox  # type: ignore[assignment]
        new = prev is None
        if prev is not None:
            height = max(prev[3] - prev[1], b[3] - b[1])
            new = b[0] > left + 12 or prev[2] < right - 20 or b[1] - prev[3] > 1.2 * height or b[1] < prev[1]
        if new:
            paras.append([b])
        else:
            paras[-1].append(b)
        prev = b
    return [union(p) for p in paras]


def _seals(page: Any, images: PageImages, n: int, dpi: float) -> list[BBox]:
    """Images on the page that are a seal: about 3-6 cm, near square, their ink mostly red."""
    import numpy as np

    found = []
    rendered = None
    for im in page.images:
        box = (float(im["x0"]), float(im["top"]), float(im["x1"]), float(im["bottom"]))
        w, h = box[2] - box[0], box[3] - box[1]
        if not (60 <= w <= 250 and 60 <= h <= 250 and 0.7 <= w / h <= 1.4):
            continue
        if rendered is None:
            rendered = images.render(n, dpi)
        img, scale = rendered
        px = np.asarray(img.crop(tuple(round(v * scale) for v in box)).convert("RGB")).astype(int)
        r, g, b = px[..., 0], px[..., 1], px[..., 2]
        ink = (r + g + b) < 600
        red = (r > 120) & (r - g > 50) & (r - b > 40)
        if ink.sum() > 0.03 * ink.size and red.sum() >= 0.5 * ink.sum():
            found.append(box)
    return found


def export_layout(docs: Iterable[TrainingDoc], out: Path, opts: ExportOptions) -> Card:
    import io

    import pdfplumber

    card = Card("layout", opts)
    cocos = {s: Coco(LAYOUT_CATEGORIES) for s in SPLITS}
    seen: set[str] = set()
    for doc in docs:
        r = doc.report
        why = ("failed" if r.status == "failed" else f"not a PDF ({r.source.format})" if r.source.format != "pdf"
               else "pages read by OCR" if any(p.decision != "text" for p in r.pages)
               else "input not readable" if not doc.files else "same report as another document" if doc.key in seen
               else "sections not found" if len([s for s in r.sections if "." not in s]) < 4 else None)
        if why:
            card.skipped[f"document: {why}"] += 1
            continue
        seen.add(doc.key)
        split = split_of(doc.key, opts.seed, opts.val_fraction, opts.test_fraction)
        layout = layout_of(doc)
        with PageImages(doc.files, "pdf") as pages, pdfplumber.open(io.BytesIO(doc.files[0])) as pdf:
            regions = page_regions(layout, r, pdf, pages, opts.dpi)
            for n, found in sorted(regions.items()):
                img, scale = pages.render(n, opts.dpi)
                name = f"pages/{doc.name}_p{n}.png"
                anns = []
                try:
                    anns = [(cat, to_px(b, scale, img.width, img.height)) for cat, b in found]
                except OffPage:
                    card.skipped["page: a box off its page"] += 1
                    continue
                iid = cocos[split].image(name, img.width, img.height, doc=doc.name, page=n)
                for cat, box in anns:
                    cocos[split].box(iid, cat, box)
                    card.counts[split][cat] += 1
                save_png(img, out / name)
                card.counts[split]["page images"] += 1
        card.add_source(doc, split)
    for s in SPLITS:
        cocos[s].write(out / f"coco_{s}.json", f"gongkai layout ({s}): page regions")
    card.write(out, [
        "`coco_{train,val,test}.json`: COCO detection files over `pages/*.png`; categories "
        + ", ".join(f"`{c}`" for c in LAYOUT_CATEGORIES)
        + " (paragraphs joined from lines as the report's section text is: a new one at an indent, after a short "
        "line or a gap; a heading run into its first sentence is part of the paragraph; seals are red images)",
    ])
    return card




