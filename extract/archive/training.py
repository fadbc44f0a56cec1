"""Table and page training data out of extracted reports.

Three kinds, each in the formats the tools of its field read:

- ``tables``: page images with every table's region and its cell grid (row and column spans,
  cell boxes, cell text) as COCO JSON (categories ``table`` and ``table_cell``), and table
  crops with PubTabNet-style records (HTML structure tokens, cell tokens, content boxes) as
  JSONL. Only from reports whose cells are certain: a born-digital PDF read from its text
  layer, status ok, no broken rule, nothing missing, every cell from the text layer (or
  given by a person).
- ``cells``: crops of table cells with the printed text and value, in the Hugging Face
  ``imagefolder`` layout (a folder per split with ``metadata.jsonl``), for a digit
  recogniser; cells from the text layer of certain reports, and cells a person corrected on
  any report (a scan's corrected cells are the hard, real examples). Optionally each crop is
  also passed through the scan degradations of the test generator, their parameters recorded
  per crop (``--degrade``; needs a source checkout, see ``degradation.py``).
- ``layout``: page regions (title, section_heading, paragraph, table, seal, page_number) as
  COCO boxes, from born-digital PDFs whose pages were all read from the text layer.

Splits are by document and deterministic: a document's split comes from a hash of its
identity and the seed alone, so adding documents never moves one already exported. Every
box is checked to lie on its image (``check_export``), and the folder gets a data card
(README.md) with counts, sources and the licence field.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from gongkai._version import __version__
from gongkai.extract.archive.pageimages import PAGED_FORMATS, PageImages
from gongkai.extract.domain.corrections import CORRECTED, CorrectionFile, apply_corrections
from gongkai.extract.domain.model import CellValue, Report
from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.layout import BBox, Cell, Document, Table, TextLine

KINDS = ("tables", "cells", "layout")
SPLITS = ("train", "val", "test")
LAYOUT_CATEGORIES = ("title", "section_heading", "paragraph", "table", "seal", "page_number")
TABLE_CATEGORIES = ("table", "table_cell")
DEFAULT_LICENCE = (
    "unknown: the reports are public government documents (政府信息公开); check the terms of the sites "
    "they were taken from before you publish this set"
)
_SLACK_PX = 1.0
"""A box may overrun its image by this much (rounding at the edge); more is an error."""


@dataclass
class ExportOptions:
    dpi: float = 150.0
    seed: int = 0
    val_fraction: float = 0.1
    test_fraction: float = 0.1
    licence: str = DEFAULT_LICENCE
    degrade: str | None = None
    """cells only: also write each crop degraded at this level of the test generator."""
    command: str = ""


@dataclass
class TrainingDoc:
    """One report to export, with the bytes of its input (for page images) when they can be read."""

    key: str
    """Identity used for the split: the report's identity (same content, same split)."""
    name: str
    report: Report
    files: list[bytes] | None
    path: str | None
    layout: Document | None = None
    """The layout document the report came from, when it was extracted just now."""


# -- where the reports come from ----------------------------------------------------


def safe_name(text: str) -> str:
    """A file-name part from a document name: letters, digits, CJK, dot, dash, underscore."""
    out = re.sub(r"[^\w.\-\u3400-\u9fff]+", "_", text).strip("._")
    return out[:80] or "doc"


def docs_from_files(paths: Iterable[Path], corrections: Iterable[CorrectionFile] = ()) -> Iterator[TrainingDoc]:
    """Reports extracted from files now, with corrections (by the input's content hash) applied."""
    from gongkai.extract.archive.inputs import display_path, read_file
    from gongkai.extract.archive.store import report_identity
    from gongkai.extract.domain.model import Source
    from gongkai.extract.errors import GongkaiError
    from gongkai.extract.options import Options
    from gongkai.extract.pipeline import analyse_bytes, read_report

    by_sha: dict[str, list] = {}
    for cf in corrections:
        by_sha.setdefault(cf.source.sha256, []).extend(cf.corrections)
    for path in paths:
        options = Options(narrative=False)  # tables, cells and layout need no narrative
        try:
            data = read_file(path, options.limits)
            layout, report = analyse_bytes(data, options, Source(path=display_path(path), paths=[display_path(path)]))
        except GongkaiError:
            data, layout, report = None, None, read_report(path, options)  # the coded failure, as extract gives it
        if report.source.sha256 in by_sha:
            apply_corrections(report, by_sha[report.source.sha256])
        key = report_identity(report.model_dump(mode="json")) if report.status != "failed" else str(path)
        yield TrainingDoc(key, safe_name(path.stem), report, [data] if data else None, str(path), layout)


def docs_from_db(db: Path) -> Iterator[TrainingDoc]:
    """The reports of a run database (corrections applied), with their inputs read from where the run found them."""
    import duckdb

    from gongkai.extract.archive.inputs import InputFile, load_bytes
    from gongkai.extract.errors import GongkaiError
    from gongkai.extract.options import Limits

    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute(
            "SELECT r.report_id, r.report_json, d.key, d.path, d.member, d.size, d.mtime FROM reports r "
            "LEFT JOIN documents d ON d.key = r.key ORDER BY r.report_id"
        ).fetchall()
    finally:
        con.close()
    for rid, js, key, path, member, size, mtime in rows:
        report = Report.model_validate_json(js)
        files = None
        if path is not None:
            try:
                files = [load_bytes(InputFile(key, path, member, size or 0, mtime or 0.0), Limits())]
            except GongkaiError:
                files = None  # moved or deleted since the run: kinds that need pages skip it
        stem = Path(member or path or rid).stem
        yield TrainingDoc(rid, safe_name(f"{stem}_{rid[:8]}"), report, files, key)


# -- splits, certainty, boxes -----------------------------------------------------


def split_of(key: str, seed: int, val_fraction: float, test_fraction: float) -> str:
    """train / val / test from a hash of the document's identity: stable as the set grows."""
    u = int(hashlib.sha256(f"{seed}:{key}".encode()).hexdigest()[:13], 16) / 16**13
    return "test" if u < test_fraction else "val" if u < test_fraction + val_fraction else "train"


def uncertain(report: Report) -> str | None:
    """Why the report's cells are not certain enough for table training data (None: they are)."""
    if report.status != "ok":
        return f"status {report.status}"
    if report.source.format != "pdf":
        return f"not a PDF ({report.source.format})"
    if any(p.decision != "text" for p in report.pages):
        return "pages read by OCR"
    errors = sorted({f.rule for f in report.findings if f.severity == "error"})
    if errors:
        return f"finding {errors[0]}"
    methods = sorted({c.method for c in report.cells.values()} - {"text", CORRECTED})
    if methods:
        return f"cells by {methods[0]}"
    if not report.cells:
        return "no cells"
    return None


class OffPage(ValueError):
    """A box that does not lie on its image."""


def to_px(bbox: BBox, scale: float, width: int, height: int, origin: tuple[float, float] = (0.0, 0.0)) -> list[float]:
    """[x0, y0, x1, y1] in pixels of an image of ``width`` x ``height``; raises OffPage beyond the slack."""
    x0, y0, x1, y1 = (bbox[0] * scale - origin[0], bbox[1] * scale - origin[1],
                      bbox[2] * scale - origin[0], bbox[3] * scale - origin[1])
    if x0 < -_SLACK_PX or y0 < -_SLACK_PX or x1 > width + _SLACK_PX or y1 > height + _SLACK_PX or x1 <= x0 or y1 <= y0:
        raise OffPage(f"box {[round(v, 1) for v in (x0, y0, x1, y1)]} is not on a {width}x{height} image")
    return [round(max(0.0, x0), 2), round(max(0.0, y0), 2), round(min(width, x1), 2), round(min(height, y1), 2)]


def _xywh(b: list[float]) -> list[float]:
    return [b[0], b[1], round(b[2] - b[0], 2), round(b[3] - b[1], 2)]


# -- the data card ----------------------------------------------------------------------


@dataclass
class Card:
    """What went into an export, for the data card and the summary line."""

    kind: str
    options: ExportOptions
    counts: dict[str, Counter] = field(default_factory=lambda: {s: Counter() for s in SPLITS})
    skipped: Counter = field(default_factory=Counter)
    sources: list[dict[str, Any]] = field(default_factory=list)

    def add_source(self, doc: TrainingDoc, split: str, **extra: Any) -> None:
        r = doc.report
        self.sources.append({"name": doc.name, "path": doc.path, "sha256": r.source.sha256,
                             "organization": r.organization, "year": r.year, "template": r.template,
                             "split": split, **extra})
        self.counts[split]["documents"] += 1

    def totals(self) -> Counter:
        out: Counter = Counter()
        for c in self.counts.values():
            out.update(c)
        return out

    def write(self, out: Path, formats: list[str]) -> None:
        o = self.options
        keys = sorted({k for c in self.counts.values() for k in c})
        rows = "\n".join(f"| {k} | " + " | ".join(str(self.counts[s][k]) for s in SPLITS) + f" | {self.totals()[k]} |"
                         for k in keys)
        skipped = "\n".join(f"- {why}: {n}" for why, n in sorted(self.skipped.items())) or "- none"
        sources = "\n".join(
            f"| {s['name']} | {s['organization'] or ''} | {s['year'] or ''} | {s['split']} | "
            f"{(s['sha256'] or '')[:16]} |" for s in self.sources)
        text = f"""# gongkai training data: {self.kind}

Exported by gongkai {__version__} from China's government information disclosure annual reports
(政府信息公开工作年度报告).

- **Licence:** {o.licence}
- **Command:** `{o.command or 'gongkai export-training --kind ' + self.kind}`
- **Images:** {o.dpi:g} dpi{'; degraded copies: level ' + o.degrade if o.degrade else ''}
- **Splits:** by document, from a hash of the report's identity with seed {o.seed}
  (val {o.val_fraction:g}, test {o.test_fraction:g}); a document never has items in two splits,
  and adding documents never moves one already exported.
- **Boxes:** every box was checked to lie on its image.

## Formats

{chr(10).join('- ' + f for f in formats)}

## Counts

| | {' | '.join(SPLITS)} | total |
|---|{'---|' * (len(SPLITS) + 1)}
{rows}

Left out:

{skipped}

## Sources

| document | organisation | year | split | sha256 |
|---|---|---|---|---|
{sources}
"""
        (out / "README.md").write_text(text, encoding="utf-8")
        manifest = {"kind": self.kind, "gongkai": __version__, "options": asdict(o),
                    "counts": {s: dict(self.counts[s]) for s in SPLITS}, "skipped": dict(self.skipped),
                    "sources": self.sources}
        (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")


class Coco:
    """A COCO detection file being built: images, annotations, categories."""

    def __init__(self, categories: tuple[str, ...]):
        self.cat = {name: i for i, name in enumerate(categories, start=1)}
        self.images: list[dict[str, Any]] = []
        self.annotations: list[dict[str, Any]] = []

    def image(self, file_name: str, width: int, height: int, **extra: Any) -> int:
        iid = len(self.images) + 1
        self.images.append({"id": iid, "file_name": file_name, "width": width, "height": height, **extra})
        return iid

    def box(self, image_id: int, category: str, box: list[float], **extra: Any) -> int:
        aid = len(self.annotations) + 1
        x, y, w, h = _xywh(box)
        self.annotations.append({"id": aid, "image_id": image_id, "category_id": self.cat[category],
                                 "bbox": [x, y, w, h], "area": round(w * h, 2), "iscrowd": 0,
                                 "segmentation": [[x, y, x + w, y, x + w, y + h, x, y + h]], **extra})
        return aid

    def write(self, path: Path, description: str) -> None:
        data = {"info": {"description": description, "version": __version__},
                "licenses": [], "images": self.images, "annotations": self.annotations,
                "categories": [{"id": i, "name": n, "supercategory": "report"} for n, i in self.cat.items()]}
        path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _save(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")


# -- tables -----------------------------------------------------------------------------


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


def format_value(v: int | float | None) -> str:
    if v is None:
        return "/"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _content_box(page: Any, bbox: BBox) -> BBox | None:
    """The box of the characters inside a cell (PubTabNet's cell box), in points."""
    chars = [ch for ch in page.chars if ch["text"].strip() and _centre_in((ch["x0"], ch["top"], ch["x1"], ch["bottom"]),
                                                                      bbox, slack=0.0)]
    if not chars:
        return None
    return (min(c["x0"] for c in chars), min(c["top"] for c in chars),
            max(c["x1"] for c in chars), max(c["bottom"] for c in chars))


def _layout(doc: TrainingDoc) -> Document | None:
    """The layout document of the input (tables with their grids, lines), read again for a report
    from a database: the grids are not stored, and their cells are matched to the report's by box."""
    if doc.layout is None and doc.files:
        from gongkai.extract.options import Options
        from gongkai.extract.pipeline import analyse_bytes

        doc.layout, _ = analyse_bytes(doc.files[0], Options(narrative=False))
    return doc.layout


def _match(cells: dict[str, CellValue], page: int) -> dict[tuple[float, ...], tuple[str, CellValue]]:
    return {tuple(round(v, 1) for v in c.bbox): (cid, c) for cid, c in cells.items() if c.page == page and c.bbox}


def export_tables(docs: Iterable[TrainingDoc], out: Path, opts: ExportOptions) -> Card:
    import io

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
        layout = _layout(doc)
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
                    _save(crop_img, out / rec["filename"])
                    rec["imgid"] = sum(len(v) for v in ptn.values())
                    ptn[split].append(rec)
                    n_tables += 1
                    card.counts[split]["tables"] += 1
                    card.counts[split]["table cells"] += len(anns) - 1
                if image_id is not None:
                    _save(img, out / page_name)
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
    inside = {b for b in by_box if _centre_in(b, t.bbox)}
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


# -- cells ------------------------------------------------------------------------------


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
                    _save(crop, out / split / row["file_name"])
                    meta[split].append(row)
                    n_cells += 1
                    card.counts[split]["crops"] += 1
                    card.counts[split][f"crops from {c.method}"] += 1
                    if opts.degrade:
                        rng = random.Random(f"{opts.seed}:{doc.key}:{cid}:{opts.degrade}")
                        bad, params = degrade_crop(crop, opts.degrade, rng, opts.dpi, doc.report.organization or "")
                        drow = dict(row, file_name=f"{name}__{opts.degrade}.png", degradation=params)
                        _save(bad, out / split / drow["file_name"])
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


# -- layout -------------------------------------------------------------------------------

_PAGE_NUMBER = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$|^第\s*\d+\s*页(\s*共\s*\d+\s*页)?$|^\d{1,3}\s*/\s*\d{1,3}$")
_MARGIN = 0.12
"""A page number sits in the top or bottom 12 % of the page."""


def _union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _centre_in(b: BBox, region: BBox, slack: float = 1.0) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return region[0] - slack <= cx <= region[2] + slack and region[1] - slack <= cy <= region[3] + slack


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
        if not any(_centre_in(ln.bbox, tb) for tb in tables.get(ln.page, [])):  # type: ignore[arg-type]
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
            regions.append(("title", _union(title_lines)))
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
    return [_union(p) for p in paras]


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
        layout = _layout(doc)
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
                _save(img, out / name)
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


EXPORTERS = {"tables": export_tables, "cells": export_cells, "layout": export_layout}


# -- the check ----------------------------------------------------------------------------


def check_export(out: Path) -> list[str]:
    """Every box of an export lies on its image (read back from the files written): problems found."""
    problems = []
    for coco_path in sorted(out.glob("coco_*.json")):
        data = json.loads(coco_path.read_text("utf-8"))
        images = {im["id"]: im for im in data["images"]}
        for im in images.values():
            with Image.open(out / im["file_name"]) as f:
                if f.size != (im["width"], im["height"]):
                    problems.append(f"{coco_path.name}: {im['file_name']} is {f.size}, not "
                                    f"{im['width']}x{im['height']}")
        for a in data["annotations"]:
            im = images[a["image_id"]]
            x, y, w, h = a["bbox"]
            if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > im["width"] + 0.01 or y + h > im["height"] + 0.01:
                problems.append(f"{coco_path.name}: annotation {a['id']} {a['bbox']} is off {im['file_name']}")
    for jl in sorted(out.glob("pubtabnet_*.jsonl")):
        for line in jl.read_text("utf-8").splitlines():
            rec = json.loads(line)
            with Image.open(out / rec["filename"]) as f:
                w, h = f.size
            for cell in rec["html"]["cells"]:
                if "bbox" in cell:
                    x0, y0, x1, y1 = cell["bbox"]
                    if x0 < 0 or y0 < 0 or x1 > w + 0.01 or y1 > h + 0.01 or x1 <= x0 or y1 <= y0:
                        problems.append(f"{jl.name}: {rec['filename']} cell box {cell['bbox']} is off the crop")
    for meta in sorted(out.glob("*/metadata.jsonl")):
        for line in meta.read_text("utf-8").splitlines():
            row = json.loads(line)
            if not (meta.parent / row["file_name"]).exists():
                problems.append(f"{meta}: {row['file_name']} is missing")
    return problems
