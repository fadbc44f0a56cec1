"""OCR accuracy, speed and memory on scans and photos of documents with known truth.

    python benchmarks/bench_ocr.py                      # 3 shared + 7 generated reports x clean/hard/photo/unruled
    python benchmarks/bench_ocr.py --levels clean --generated 0 --show-wrong

Sources are born-digital PDFs with exact truth (tests/corpus/shared and the first
``--generated`` LibreOffice PDFs of tests/corpus/generated); each is rasterised and
degraded by tests/generator/degrade.py (cached in ``--cache``); ``unruled`` is a clean scan
with every ruling erased (tables read from text alignment alone, reported on a line of their
own and with no target: it is a fallback). For every degradation
level and system, in a process of its own (so its peak memory is its own):

- cells: every truth cell counts; right only when exactly equal; ``wrong`` counts cells
  read with a value that differs from the truth (worse than missing), and how many of
  those were reported with a confidence of 0.8 or more (the repair step and a reviewer
  trust those);
- CER: character error rate of the running text (page by page, NFKC, white space
  dropped) against the text the born-digital reader gets from the source PDF's text
  layer (lines outside the tables, page numbers excluded);
- CPU seconds per page (this process and its children: Tesseract runs as a child),
  peak RSS of the worker.

Systems: ``gongkai`` (the pipeline: read_report on the scan) and ``tesseract-page``
(the baseline: plain full-page Tesseract, chi_sim, image_to_data with its own page
segmentation, words put into the cells of the same ruled grids and fed to the same
table mapping).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

LEVELS = ["clean", "hard", "photo", "unruled"]
SYSTEMS = ["gongkai", "tesseract-page"]
TARGET_CELLS = {"clean": 99.5, "hard": 98.0, "photo": 98.0}


def _cpu() -> float:
    import resource

    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def sources(n_generated: int) -> list[Path]:
    shared = sorted((ROOT / "tests/corpus/shared/pdf").glob("*.pdf"))
    generated = sorted((ROOT / "tests/corpus/generated").glob("*.pdf"))[:n_generated]
    return shared + generated


def build(cache: Path, levels: list[str], n_generated: int, seed: int) -> list[dict]:
    """The degraded corpus (made once per seed and kept in ``cache``)."""
    from tests.generator.degrade import make

    out = []
    for pdf in sources(n_generated):
        for level in levels:
            path = cache / f"{pdf.stem}_{level}_{seed}.json"
            out.append(json.loads(path.read_text("utf-8")) if path.exists() else make(pdf, cache, level, seed))
    return out


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def _page_text(blocks) -> dict[int, str]:
    """Running text per page, in reading order.

    A table row of one cell across the table ("第二十条第（一）项") is a text line to the
    PDF reader (it keeps the text of single-cell rows as lines) and a cell to OCR:
    such rows count as running text on both sides.
    """
    from gongkai.extract.layout import Table, TextLine

    out: dict[int, list[str]] = {}
    for b in blocks:
        if isinstance(b, TextLine):
            out.setdefault(b.page or 0, []).append(b.text)
        elif isinstance(b, Table) and b.method.startswith("ocr"):
            for row in b.rows:
                cells = [c for c in row if c is not None]
                if len(cells) == 1 and cells[0].colspan == b.n_cols and cells[0].text.strip():
                    out.setdefault(b.page or 0, []).append(cells[0].text)
    return {p: _norm("".join(t)) for p, t in out.items()}


_REFERENCE: dict[str, dict[int, str]] = {}


def reference_text(source_pdf: str) -> dict[int, str]:
    """Running text per page from the source's text layer (the born-digital reader's lines)."""
    if source_pdf not in _REFERENCE:
        from dataclasses import replace

        from gongkai import Options
        from gongkai.extract.input.readers.pdf import read_pdf

        opts = replace(Options(), ocr=replace(Options().ocr, enabled=False, check_digits=False))
        doc = read_pdf(Path(source_pdf).read_bytes(), opts)
        _REFERENCE[source_pdf] = _page_text(doc.lines())
    return _REFERENCE[source_pdf]


def cer(got: dict[int, str], ref: dict[int, str]) -> tuple[int, int]:
    """(edit distance, reference length) summed over the reference's pages."""
    from rapidfuzz.distance import Levenshtein

    dist = total = 0
    for page, text in ref.items():
        dist += Levenshtein.distance(got.get(page, ""), text)
        total += len(text)
    return dist, total


def page_images(files: list[Path]) -> list:
    """The degraded document's page images, as the OCR reader gets them."""
    import numpy as np
    import pypdfium2 as pdfium

    from gongkai.extract.input.readers.scan import load_images

    out = []
    for f in files:
        if f.suffix == ".pdf":
            pdf = pdfium.PdfDocument(str(f))
            for page in pdf:
                # image-only pages: render at the scan's own resolution
                objs = [o for o in page.get_objects() if o.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE]
                px = objs[0].get_px_size()[0] if objs else 1654
                scale = px / page.get_width()
                bitmap = page.render(scale=scale)
                pixels = bitmap.to_numpy()
                bgr = pixels[:, :, :3] if bitmap.mode.startswith("BGR") else pixels[:, :, 2::-1]
                out.append(np.ascontiguousarray(bgr))
            pdf.close()
        else:
            out.extend(load_images(f.read_bytes()))
    return out


def tesseract_page_document(images: list):
    """Baseline: plain full-page Tesseract words, put into the cells of the page's ruled grids."""
    import cv2
    import pytesseract

    from gongkai.extract.layout import Cell, Document, Table, TextLine
    from gongkai.ocr.grid import find_grids
    from gongkai.ocr.preprocess import binarize_inv

    doc = Document("image")
    for number, img in enumerate(images, start=1):
        gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
        d = pytesseract.image_to_data(gray, lang="chi_sim", output_type=pytesseract.Output.DICT)
        grids = find_grids(binarize_inv(gray))
        words = []
        for i, t in enumerate(d["text"]):
            t = str(t).strip()
            if t:
                box = (d["left"][i], d["top"][i], d["left"][i] + d["width"][i], d["top"][i] + d["height"][i])
                words.append((t, box, (d["block_num"][i], d["par_num"][i], d["line_num"][i])))
        used: set[int] = set()
        blocks = []
        for g in grids:
            rows: list[list[Cell | None]] = [[None] * g.cols for _ in range(g.rows)]
            for c in g.cells:
                x0, y0, x1, y1 = c.box
                inside = [
                    (k, w) for k, w in enumerate(words)
                    if x0 <= (w[1][0] + w[1][2]) / 2 <= x1 and y0 <= (w[1][1] + w[1][3]) / 2 <= y1
                ]
                used.update(k for k, _ in inside)
                text = "".join(w[0] for _, w in sorted(inside, key=lambda kw: (kw[1][2], kw[1][1][0])))
                rows[c.row][c.col] = Cell(text, number, c.box, None, "ocr:tesseract-page", 1.0, c.rowspan, c.colspan)
            columns = [float(x) for x in g.xs]
            blocks.append((g.box[1], Table(rows, "ocr:tesseract-page", number, g.box, True, 1.0, columns)))
        lines: dict[tuple, list] = {}
        for k, (t, box, key) in enumerate(words):
            if k not in used:
                lines.setdefault(key, []).append((t, box))
        for ws in lines.values():
            text = "".join(t for t, _ in sorted(ws, key=lambda w: w[1][0]))
            top = min(b[1] for _, b in ws)
            box = (min(b[0] for _, b in ws), top, max(b[2] for _, b in ws), max(b[3] for _, b in ws))
            if not re.fullmatch(r"[-—–\s\d]*", text):  # page numbers
                blocks.append((top, TextLine(text, number, box)))
        blocks.sort(key=lambda b: b[0])
        doc.blocks.extend(b for _, b in blocks)
    return doc


def run_worker(system: str, truths: list[dict], cache: Path) -> list[dict]:
    from gongkai import Options
    from gongkai.extract.domain.mapping import map_tables
    from gongkai.extract.domain.schema import schema
    from gongkai.extract.pipeline import analyse_bytes, analyse_pages

    options = Options()
    out = []
    for truth in truths:
        files = [cache / f for f in truth["files"]]
        t0 = _cpu()
        if system == "gongkai":
            data = [f.read_bytes() for f in files]
            doc, rep = analyse_bytes(data[0], options) if len(data) == 1 else analyse_pages(data, options)
            values = rep.values()
            confidence = {k: c.confidence for k, c in rep.cells.items()}
            pages = rep.source.pages or len(truth["degradation"]["pages"])
            lines = doc.blocks if doc is not None else []
            errors = sorted({e.code for e in rep.errors})
        else:
            images = page_images(files)
            doc = tesseract_page_document(images)
            values = {k: c.value for k, c in map_tables(doc, schema()).cells.items()}
            confidence = dict.fromkeys(values, 1.0)  # plain Tesseract gives no cell confidence here
            pages = len(images)
            lines = doc.blocks
            errors = []
        cpu = _cpu() - t0
        cells = truth["cells"]
        right = [k for k, v in cells.items() if k in values and values[k] == v and type(values[k]) is type(v)]
        wrong = {k: [values[k], cells.get(k)] for k in values if k in cells and k not in set(right)}
        dist, total = cer(_page_text(lines), reference_text(truth["source_pdf"]))
        out.append(
            {
                "doc": truth["doc_id"],
                "level": truth["degradation"]["level"],
                "pages": pages,
                "cpu": cpu,
                "cells_total": len(cells),
                "cells_right": len(right),
                "cells_wrong": len(wrong),
                "cells_wrong_sure": sum(1 for k in wrong if confidence.get(k, 1.0) >= 0.8),
                "wrong": dict(list(wrong.items())[:12]),
                "missing": [k for k in cells if k not in values][:12],
                "n_missing": sum(1 for k in cells if k not in values),
                "cer_dist": dist,
                "cer_total": total,
                "errors": errors,
            }
        )
        print(f"  {system} {truth['doc_id']}: {len(right)}/{len(cells)} cells, {len(wrong)} wrong, "
              f"CER {dist / max(total, 1):.3%}, {cpu / max(pages, 1):.2f} s/page", file=sys.stderr)
    return out


def _child(system: str, level: str, args: argparse.Namespace) -> tuple[list[dict], float]:
    cmd = [sys.executable, __file__, "--worker", system, "--levels", level, "--generated", str(args.generated),
           "--seed", str(args.seed), "--cache", str(args.cache)]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    assert proc.stdout is not None
    stdout = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)  # this child alone: its own peak RSS (KiB on Linux)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{system} worker failed")
    return json.loads(stdout), usage.ru_maxrss / 1024


def _summary(system: str, level: str, recs: list[dict], peak_mb: float) -> str:
    pages = sum(r["pages"] for r in recs)
    cpu = sum(r["cpu"] for r in recs)
    total = sum(r["cells_total"] for r in recs)
    right = sum(r["cells_right"] for r in recs)
    wrong = sum(r["cells_wrong"] for r in recs)
    sure = sum(r.get("cells_wrong_sure", 0) for r in recs)
    exact = sum(1 for r in recs if r["cells_right"] == r["cells_total"])
    dist = sum(r["cer_dist"] for r in recs)
    chars = sum(r["cer_total"] for r in recs)
    pct = 100 * right / max(total, 1)
    target = TARGET_CELLS.get(level)
    mark = "" if system != "gongkai" or target is None else (" ok" if pct >= target else f" MISSED target {target}%")
    return (
        f"{system:15s} {level:6s} docs={len(recs):3d} pages={pages:4d}  cells={right}/{total} ({pct:.2f}%){mark} "
        f"wrong={wrong} (sure: {sure}) docs_exact={exact}/{len(recs)}  CER={100 * dist / max(chars, 1):.2f}%  "
        f"cpu/page={cpu / max(pages, 1):.2f}s  peakRSS={peak_mb:.0f}MB"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", choices=SYSTEMS, help=argparse.SUPPRESS)
    ap.add_argument("--levels", default=",".join(LEVELS))
    ap.add_argument("--systems", default=",".join(SYSTEMS))
    ap.add_argument("--generated", type=int, default=7, help="how many generated PDFs besides the shared ones")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--cache", type=Path, default=Path("/tmp/gongkai-bench-ocr"))
    ap.add_argument("--show-wrong", action="store_true")
    ap.add_argument("--json", type=Path, help="also write every per-document record here")
    args = ap.parse_args()
    levels = args.levels.split(",")
    args.cache.mkdir(parents=True, exist_ok=True)
    truths = build(args.cache, levels, args.generated, args.seed)
    if args.worker:
        json.dump(run_worker(args.worker, truths, args.cache), sys.stdout)
        return
    print(f"corpus: {len(truths) // len(levels)} source PDFs x {levels}; seed {args.seed}; cache {args.cache}; "
          "one process per system and level; CPU time incl. Tesseract child processes; OMP_THREAD_LIMIT=1")
    records: dict[str, list[dict]] = {}
    for level in levels:
        for system in args.systems.split(","):
            recs, peak = _child(system, level, args)
            records[f"{system}/{level}"] = recs
            print(_summary(system, level, recs, peak), flush=True)
            if args.show_wrong and system == "gongkai":
                for r in recs:
                    if r["cells_right"] != r["cells_total"]:
                        print(f"    {r['doc']}: wrong {r['wrong']} missing({r['n_missing']}) {r['missing'][:6]} "
                              f"errors {r['errors']}")
    if args.json:
        args.json.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
