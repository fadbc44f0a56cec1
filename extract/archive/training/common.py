"""What every kind of training export shares: the documents, splits, certainty, boxes, data card, COCO."""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from PIL import Image

from gongkai._version import __version__
from gongkai.extract.domain.corrections import CORRECTED, CorrectionFile, apply_corrections
from gongkai.extract.domain.model import Report
from gongkai.extract.layout import BBox, Document

SPLITS = ("train", "val", "test")
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
        key = report_identity(report) if report.status != "failed" else str(path)
        yield TrainingDoc(key, safe_name(path.stem), report, [data] if data else None, str(path), layout)


def docs_from_db(db: Path) -> Iterator[TrainingDoc]:
    """The reports of a run database (corrections applied), with their inputs read from where the run found them."""
    from gongkai.extract.archive.dblock import open_results
    from gongkai.extract.archive.inputs import InputFile, load_bytes
    from gongkai.extract.errors import GongkaiError
    from gongkai.extract.options import Limits

    con = open_results(db)  # also while a run writes it
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


def save_png(img: Image.Image, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")


def layout_of(doc: TrainingDoc) -> Document | None:
    """The layout document of the input (tables with their grids, lines), read again for a report
    from a database: the grids are not stored, and their cells are matched to the report's by box."""
    if doc.layout is None and doc.files:
        from gongkai.extract.options import Options
        from gongkai.extract.pipeline import analyse_bytes

        doc.layout, _ = analyse_bytes(doc.files[0], Options(narrative=False))
    return doc.layout


def format_value(v: int | float | None) -> str:
    if v is None:
        return "/"
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def centre_in(b: BBox, region: BBox, slack: float = 1.0) -> bool:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    return region[0] - slack <= cx <= region[2] + slack and region[1] - slack <= cy <= region[3] + slack
