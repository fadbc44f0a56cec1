"""tables: page images with table and cell boxes (COCO) and table crops with their structure (PubTabNet).

Only from reports whose cells are certain (``uncertain``): the grid comes from the layout document
the report was extracted from (read again for a report from a database), and a table is kept only
when its cells are the report's own, matched by box, and its grid is a clean partition.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from PIL import Image

from gongkai.extract.archive.pageimages import PageImages
from gongkai.extract.archive.training.common import (
    SPLITS,
    Card,
    Coco,
    ExportOptions,
    OffPage,
    TrainingDoc,
    centre_in,
    format_value,
    layout_of,
    save_png,
    split_of,
    to_px,
    uncertain,
)
from gongkai.extract.domain.corrections import CORRECTED
from gongkai.extract.domain.model import CellValue
from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.layout import BBox, Cell, Table

TABLE_CATEGORIES = ("table", "table_cell")


def _one_line(text: str) -> str:
    """A cell's wrapped lines as one: no space where Chinese wraps, one space between Latin words."""
    parts = [p.strip() for p in text.splitlines() if p.strip()]
    out = ""
    for p in parts:
        if out and re.match(r"[A-Za-z0-9]", out[-1]) and re.match(r"[A-Za-z0-9]", p[0]):
            out += " "
        out += p
    return out


def grid_positions(t: Table) -> list[tuple[int, int, Cell]] | None:
    """(row, column, cell) of every cell at its top-left position, or None when the grid is not a
    clean partition (holes, overlaps, spans past the edge): such a structure is not certain."""
    n_rows, n_cols = len(t.rows), t.n_cols
    if not n_rows or any(len(r) != n_cols for r in t.rows):
        return None
    covered = [[False] * n_cols for _ in range(n_rows)]
    out = []
    for r, row in enumerate(t.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            if r + cell.rowspan > n_rows or c + cell.colspan > n_cols:
                return None
            for rr in range(r, r + cell.rowspan):
                for cc in range(c, c + cell.colspan):
                    if covered[rr][cc]:
                        return None
                    covered[rr][cc] = True
            out.append((r, c, cell))
    return out if all(all(row) for row in covered) else None


def _head_rows(t: Table, positions: list[tuple[int, int, Cell]]) -> int:
    """Leading rows without a number (the header), grown to cover a header cell's row span."""
    numeric = {r for r, _, c in positions if parse_cell(_one_line(c.text)).kind == "number"}
    if not numeric:
        return 0
    head = min(numeric)
    for r, _, c in positions:
        if r < head:
            head = max(head, r + c.rowspan)
    return head if head < len(t.rows) else 0


def _structure(t: Table, positions: list[tuple[int, int, Cell]]) -> tuple[list[str], list[tuple[int, int, Cell]]]:
    """PubTabNet structure tokens and the cells in the order of their <td>."""
    head = _head_rows(t, positions)
    tokens: list[str] = []
    order: list[tuple[int, int, Cell]] = []
    by_row: dict[int, list[tuple[int, int, Cell]]] = {}
    for p in positions:
        by_row.setdefault(p[0], []).append(p)
    for r in range(len(t.rows)):
        if r == 0 and head:
            tokens.append("<thead>")
        if r == head:
            tokens.append("<tbody>")
        tokens.append("<tr>")
        for p in sorted(by_row.get(r, []), key=lambda p: p[1]):
            cell = p[2]
            if cell.rowspan > 1 or cell.colspan > 1:
                tokens.append("<td")
                if cell.rowspan > 1:
                    tokens.append(f' rowspan="{cell.rowspan}"')
                if cell.colspan > 1:
                    tokens.append(f' colspan="{cell.colspan}"')
                tokens.append(">")
            else:
                tokens.append("<td>")
            tokens.append("</td>")
            order.append(p)
        tokens.append("</tr>")
        if head and r == head - 1:
            tokens.append("</thead>")
    tokens.append("</tbody>")
    return tokens, order


def _cell_text(cell: Cell, value: CellValue | None) -> str:
    """The printed text; a value a person corrected replaces what the text layer said."""
    text = _one_line(cell.text)
    if value is not None and value.method == CORRECTED and parse_cell(text).value != value.value:
        return format_value(value.value)
    return text



def _content_box(page: Any, bbox: BBox) -> BBox | None:
    """The box of the characters inside a cell (PubTabNet's cell box), in points."""
    chars = [ch for ch in page.chars if ch["text"].strip() and centre_in((ch["x0"], ch["top"], ch["x1"], ch["bottom"]),
                                                                      bbox, slack=0.0)]
    if not chars:
        return None
    return (min(c["x0"] for c in chars), min(c["top"] for c in chars),
            max(c["x1"] for c in chars), max(c["bottom"] for c in chars))



def _match(cells: dict[str, CellValue], page: int) -> dict[tuple[float, ...], tuple[str, CellValue]]:
    return {tuple(round(v, 1) for v in c.bbox): (cid, c) for cid, c in cells.items() if c.page == page and c.bbox}


def export_tables(docs: Iterable[TrainingDoc], out: Path, opts: ExportOptions) -> Card:

    import pdfplumber

    card = Card("tables", opts)
    cocos = {s: Coco(TABLE_CATEGORIES) for s in SPLITS}
    ptn: dict[str, list[dict[str, Any]]] = {s: [] for s in SPLITS}
    seen: set[str] = set()
    for doc in docs:
        why = uncertain(doc.report) or (None if doc.files else "input not readable")
        if why is None and doc.key in seen:
            why = "same report as another document"
        if why:
            card.skipped[f"document: {why}"] += 1
            continue
        seen.add(doc.key)
        split = split_of(doc.key, opts.seed, opts.val_fraction, opts.test_fraction)
        layout = layout_of(doc)
        tables_by_page: dict[int, list[Table]] = {}
        for t in layout.tables() if layout is not None else []:
            if t.page and t.bbox and t.gridded:
                tables_by_page.setdefault(t.page, []).append(t)
        n_tables = 0
        with PageImages(doc.files, "pdf") as pages, pdfplumber.open(io.BytesIO(doc.files[0])) as pdf:
            for n, tables in sorted(tables_by_page.items()):
                img, scale = pages.render(n, opts.dpi)
                by_box = _match(doc.report.cells, n)
                page_name = f"pages/{doc.name}_p{n}.png"
                image_id = None
                for k, t in enumerate(tables, start=1):
                    record = _table_record(t, by_box, pdf.pages[n - 1], img, scale, doc, n, k, split, card)
                    if record is None:
                        continue
                    crop_img, rec, anns = record
                    if image_id is None:
                        image_id = cocos[split].image(page_name, img.width, img.height, doc=doc.name, page=n)
                    table_ann = cocos[split].box(image_id, "table", anns[0]["bbox"], table=k)
                    for a in anns[1:]:
                        cocos[split].box(image_id, "table_cell", a.pop("bbox"), table_id=table_ann, **a)
                    save_png(crop_img, out / rec["filename"])
                    rec["imgid"] = sum(len(v) for v in ptn.values())
                    ptn[split].append(rec)
                    n_tables += 1
                    card.counts[split]["tables"] += 1
                    card.counts[split]["table cells"] += len(anns) - 1
                if image_id is not None:
                    save_png(img, out / page_name)
                    card.counts[split]["page images"] += 1
        card.add_source(doc, split, tables=n_tables)
    for s in SPLITS:
        cocos[s].write(out / f"coco_{s}.json", f"gongkai tables ({s}): table and table_cell boxes on page images")
        with (out / f"pubtabnet_{s}.jsonl").open("w", encoding="utf-8") as fh:
            for rec in ptn[s]:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    card.write(out, [
        "`coco_{train,val,test}.json`: COCO detection files over `pages/*.png`; categories `table` and `table_cell`; "
        "a cell's annotation also has `table_id` (its table's annotation id), `row`, `col`, `row_span`, `col_span`, "
        "`text`, `header` and `cell_id` (the gongkai cell id, or null for label cells); cell boxes are the ruled cells",
        "`pubtabnet_{train,val,test}.jsonl`: one table crop (`crops/*.png`) a line, as PubTabNet: `filename`, `split`, "
        "`imgid`, `html.structure.tokens` (`<thead>`, `<tr>`, `<td>`, ` rowspan=\"n\"` …) and `html.cells` in "
        "`<td>` order with `tokens` (characters) and `bbox` (the text's box in the crop; absent for an empty cell)",
    ])
    return card


def _table_record(t: Table, by_box: dict, page: Any, img: Image.Image, scale: float, doc: TrainingDoc, n: int,
                  k: int, split: str, card: Card) -> tuple[Image.Image, dict[str, Any], list[dict[str, Any]]] | None:
    """(table crop, PubTabNet record, [table box, cell annotations…]) of one table, or None (counted why)."""
    positions = grid_positions(t)
    if positions is None:
        card.skipped["table: grid with holes or overlaps"] += 1
        return None
    matched = {p[2].bbox and tuple(round(v, 1) for v in p[2].bbox) for p in positions} & set(by_box)
    if not matched:
        card.skipped["table: not a standard table"] += 1
        return None
    inside = {b for b in by_box if centre_in(b, t.bbox)}
    if inside - matched:
        card.skipped["table: cells differ from the extraction"] += 1
        return None
    try:
        table_px = to_px(t.bbox, scale, img.width, img.height)
        margin = 4
        x0, y0, x1, y1 = (int(table_px[0]), int(table_px[1]), int(table_px[2] + 0.999), int(table_px[3] + 0.999))
        crop_box = (max(0, x0 - margin), max(0, y0 - margin), min(img.width, x1 + margin), min(img.height, y1 + margin))
        crop = img.crop(crop_box)
        tokens, order = _structure(t, positions)
        head = _head_rows(t, positions)
        cells_out: list[dict[str, Any]] = []
        anns: list[dict[str, Any]] = [{"bbox": table_px}]
        for r, c, cell in order:
            key = tuple(round(v, 1) for v in cell.bbox) if cell.bbox else None
            cid, value = by_box.get(key, (None, None))
            text = _cell_text(cell, value)
            entry: dict[str, Any] = {"tokens": list(text)}
            content = _content_box(page, cell.bbox) if cell.bbox and text else None
            if content is not None:
                entry["bbox"] = to_px(content, scale, crop.width, crop.height, origin=crop_box[:2])
            if cid:
                entry["cell_id"] = cid
            cells_out.append(entry)
            if cell.bbox:
                anns.append({"bbox": to_px(cell.bbox, scale, img.width, img.height), "row": r, "col": c,
                             "row_span": cell.rowspan, "col_span": cell.colspan, "text": text,
                             "header": r < head, "cell_id": cid})
    except OffPage:
        card.skipped["table: a box off its page"] += 1
        return None
    name = f"crops/{doc.name}_p{n}_t{k}.png"
    rec = {"filename": name, "split": split, "imgid": 0,
           "html": {"structure": {"tokens": tokens}, "cells": cells_out},
           "gongkai": {"doc": doc.name, "page": n, "table": k, "dpi": card.options.dpi}}
    return crop, rec, anns

