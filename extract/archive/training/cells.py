"""cells: crops of table cells with what they show, for a digit recogniser (Hugging Face imagefolder).

A text-layer cell counts only from a certain report; a cell a person corrected counts from any
report (a scan's corrected cells are the hard, real examples).
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from gongkai.extract.archive.pageimages import PAGED_FORMATS, PageImages
from gongkai.extract.archive.training.common import (
    SPLITS,
    Card,
    ExportOptions,
    OffPage,
    TrainingDoc,
    format_value,
    save_png,
    split_of,
    to_px,
    uncertain,
)
from gongkai.extract.domain.corrections import CORRECTED
from gongkai.extract.domain.model import CellValue
from gongkai.extract.domain.numbers import parse_cell


def _cell_label(c: CellValue) -> str | None:
    """What the crop shows: the printed text (a corrected value where a person changed it); None: nothing printed."""
    text = re.sub(r"\s+", "", c.text or "")
    if c.method == CORRECTED and parse_cell(text).value != c.value:
        return format_value(c.value) if c.value is not None else None
    if not text:
        return None
    return text


def _cell_ok(c: CellValue, report_uncertain: str | None) -> str | None:
    """Why a cell's crop cannot be labelled with certainty (None: it can)."""
    if c.page is None or c.bbox is None:
        return "no box"
    if c.method == CORRECTED:
        return None
    if report_uncertain is not None:
        return "report not certain"
    return None if c.method == "text" else f"method {c.method}"


def export_cells(docs: Iterable[TrainingDoc], out: Path, opts: ExportOptions) -> Card:
    from gongkai.extract.archive.degradation import degrade_crop

    card = Card("cells", opts)
    meta: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    pad = 2.0  # points around the cell's box: the rulings frame the digits as on a page
    for doc in docs:
        fmt = doc.report.source.format
        if doc.report.status == "failed" or fmt not in PAGED_FORMATS or not doc.files or doc.key in seen:
            why = ("failed" if doc.report.status == "failed" else "no pages" if fmt not in PAGED_FORMATS
                   else "input not readable" if not doc.files else "same report as another document")
            card.skipped[f"document: {why}"] += 1
            continue
        seen.add(doc.key)
        split = split_of(doc.key, opts.seed, opts.val_fraction, opts.test_fraction)
        report_why = uncertain(doc.report)  # text-layer cells count only from a certain report
        chosen: dict[int, list[tuple[str, CellValue, str]]] = {}
        for cid, c in doc.report.cells.items():
            why = _cell_ok(c, report_why)
            label = _cell_label(c) if why is None else None
            if why is None and label is None:
                why = "nothing printed"
            if why is not None:
                card.skipped[f"cell: {why}"] += 1
                continue
            chosen.setdefault(c.page, []).append((cid, c, label))  # type: ignore[arg-type]
        n_cells = 0
        with PageImages(doc.files, fmt) as pages:
            for n, cells in sorted(chosen.items()):
                if n > len(pages):
                    card.skipped["cell: page not in the input"] += len(cells)
                    continue
                img, scale = pages.render(n, opts.dpi)
                for cid, c, label in sorted(cells, key=lambda x: x[0]):
                    b = c.bbox
                    try:
                        box = to_px((b[0] - pad, b[1] - pad, b[2] + pad, b[3] + pad), scale, img.width, img.height)
                    except OffPage:
                        try:
                            box = to_px(b, scale, img.width, img.height)
                        except OffPage:
                            card.skipped["cell: box off its page"] += 1
                            continue
                    crop = img.crop(tuple(round(v) for v in box))
                    name = f"{doc.name}_p{n}_{cid}"
                    row = {"file_name": f"{name}.png", "text": label, "value": c.value, "cell_id": cid,
                           "doc": doc.name, "page": n, "method": c.method, "source_format": fmt,
                           "dpi": opts.dpi, "degradation": None}
                    save_png(crop, out / split / row["file_name"])
                    meta[split].append(row)
                    n_cells += 1
                    card.counts[split]["crops"] += 1
                    card.counts[split][f"crops from {c.method}"] += 1
                    if opts.degrade:
                        rng = random.Random(f"{opts.seed}:{doc.key}:{cid}:{opts.degrade}")
                        bad, params = degrade_crop(crop, opts.degrade, rng, opts.dpi, doc.report.organization or "")
                        drow = dict(row, file_name=f"{name}__{opts.degrade}.png", degradation=params)
                        save_png(bad, out / split / drow["file_name"])
                        meta[split].append(drow)
                        card.counts[split][f"crops degraded ({opts.degrade})"] += 1
        card.add_source(doc, split, cells=n_cells)
    for s in SPLITS:
        if not meta[s]:
            continue  # an empty split folder is an error to imagefolder readers
        with (out / s / "metadata.jsonl").open("w", encoding="utf-8") as fh:
            for row in meta[s]:
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
    card.write(out, [
        "`{train,val,test}/*.png` with `{train,val,test}/metadata.jsonl` (the Hugging Face `imagefolder` layout: "
        "`datasets.load_dataset('imagefolder', data_dir=...)`; a split without documents has no folder): "
        "`file_name`, `text` (what the crop shows: the "
        "printed text, or the value a person corrected), `value` (the number; null for a printed blank), "
        "`cell_id`, `doc`, `page`, `method` (`text` from a born-digital text layer, `corrected` by a person), "
        "`source_format`, `dpi`, `degradation` (null, or the test generator's parameters for a degraded copy, "
        "file name `…__<level>.png`)",
    ])
    return card

