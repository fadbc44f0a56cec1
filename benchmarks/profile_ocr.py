"""CPU per stage of the scan path, over a fixed set of cached scan pages, in one process.

    python benchmarks/profile_ocr.py --cache /tmp/gongkai-bench-ocr --levels lid,fax --seed 1
    python benchmarks/profile_ocr.py --cache DIR --levels hard --docs hongze_2023 --repeat 2
    python benchmarks/profile_ocr.py --cache DIR --levels clean,hard,fax --models int8-det,float --repeat 2
    python benchmarks/profile_ocr.py --cache DIR --levels clean,hard --docs hongze_2024 --arena none,det,both --repeat 2

Reads the degraded pages bench_ocr.py left in ``--cache`` (run it first with the same
levels and seed) with the whole pipeline (``analyse_bytes``), and charges every CPU second
(``time.process_time``: user + system, this process) to one stage: each stage's function
is wrapped, and a stage's time excludes the stages called inside it, so the shares add up
to the total. Why not cProfile: its per-call overhead inflates the Python-heavy stages
(grid, levelling) against the model runs, which distorts exactly the comparison wanted.

The first document also pays the models' loading (``load``); with ``--repeat`` > 1 the
later rounds show the steady state a ``gongkai run`` worker sees. ``--models int8-det,float`` reads
the set with each of RapidOCR's model sets in turn, round after round in this one process: an
interleaved A/B that the machine's load (±20 % between runs) moves alike; ``--arena none,det,both`` does
the same with onnxruntime's memory arena kept by no network, the detector, or both (``RapidEngine.arena``).
Printed per page: each stage's CPU, its share and its minor page faults (freshly mapped memory is paid for there, in
system time), the process's system time, and the peak RSS.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

STAGES: list[tuple[str, str, str]] = [
    # (module, attribute, stage): attribute may be "Class.method"; module-level functions are
    # wrapped in gongkai.ocr.page's namespace, where the page reader looks them up
    ("gongkai.ocr._rapidocr", "RapidModels.__init__", "load"),
    ("gongkai.ocr._rapidocr", "RapidModels._recogniser", "load"),
    ("gongkai.ocr.engines", "RapidEngine.detect", "detect"),
    ("gongkai.ocr.engines", "RapidEngine.recognize", "recognise"),
    ("gongkai.ocr.engines", "TesseractEngine._data", "tesseract"),
    ("gongkai.ocr.page", "upright", "levelling"),
    ("gongkai.ocr.page", "outside_paper", "cleaning"),
    ("gongkai.ocr.page", "clean", "cleaning"),
    ("gongkai.ocr.page", "lift_grey_seals", "seals"),
    ("gongkai.ocr.page", "find_bend", "dewarp"),
    ("gongkai.ocr.page", "ruling_ink", "grid/rulings"),
    ("gongkai.ocr.page", "find_grids", "grid/rulings"),
    ("gongkai.ocr.page", "long_strokes", "grid/rulings"),
    ("gongkai.ocr.page", "line_masks", "grid/rulings"),
    ("gongkai.ocr.page", "_grid_rulings", "grid/rulings"),
    ("gongkai.ocr.page", "find_tables", "align"),
    ("gongkai.ocr.page", "PageReader._pen_free", "cells: pen (own python)"),
    ("gongkai.ocr.page", "PageReader._check_numbers", "cells: numbers checked (own python)"),
    ("gongkai.ocr.page", "PageReader._read_grids", "cells (own python)"),
    ("gongkai.ocr.page", "PageReader._sample_score", "orientation (own python)"),
    ("gongkai.extract.domain.page_judge", "TemplateJudge.score", "judge"),
    ("gongkai.ocr.page", "PageReader.read", "page (own python)"),
]

_spent: dict[str, float] = defaultdict(float)
_faults: dict[str, int] = defaultdict(int)
_stack: list[list] = []  # [stage, start, time of nested stages, faults at start, faults of nested stages]


def _minflt() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def _timed(fn, stage: str):
    @functools.wraps(fn)
    def wrapper(*a, **kw):  # a transparent wrapper: passes on whatever the wrapped function takes
        _stack.append([stage, time.process_time(), 0.0, _minflt(), 0])
        try:
            return fn(*a, **kw)
        finally:
            _, start, nested, f0, f_nested = _stack.pop()
            took = time.process_time() - start
            faulted = _minflt() - f0
            _spent[stage] += took - nested
            _faults[stage] += faulted - f_nested
            if _stack:
                _stack[-1][2] += took
                _stack[-1][4] += faulted

    return wrapper


def instrument() -> None:
    import importlib

    for module, attr, stage in STAGES:
        mod = importlib.import_module(module)
        owner_name, _, name = attr.rpartition(".")
        owner = getattr(mod, owner_name) if owner_name else mod
        setattr(owner, name, _timed(getattr(owner, name), stage))


def truths(cache: Path, levels: list[str], seed: int, docs: list[str]) -> list[dict]:
    out = []
    for level in levels:
        for path in sorted(cache.glob(f"*_{level}_{seed}.json")):
            t = json.loads(path.read_text("utf-8"))
            if t["degradation"]["level"] == level and (not docs or any(t["doc_id"].startswith(d) for d in docs)):
                out.append(t)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache", type=Path, required=True, help="bench_ocr.py's --cache (pages already made)")
    ap.add_argument("--levels", default="hard", help="families, comma-separated")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", default="", help="document id prefixes, comma-separated (default: every cached one)")
    ap.add_argument("--repeat", type=int, default=1, help="rounds over the set; the first pays the loading")
    ap.add_argument("--models", help="RapidOCR's model sets (OcrOptions.rapid_models), comma-separated: read in turn "
                    "each round (default: the default set)")
    ap.add_argument("--arena", help="networks keeping onnxruntime's memory arena (RapidEngine.arena: none, det, "
                    "both), comma-separated: read in turn each round (default: the engine's default)")
    ap.add_argument("--json", type=Path, help="also write the per-stage seconds here")
    args = ap.parse_args()

    from gongkai import OcrOptions, Options
    from gongkai.extract.input.readers import scan
    from gongkai.extract.pipeline import analyse_bytes, analyse_pages
    from gongkai.ocr import heap
    from gongkai.ocr.engines import RapidEngine

    heap.keep_freed()  # as a `gongkai run` worker does (extract/archive/workers.py)
    instrument()
    todo = truths(args.cache, args.levels.split(","), args.seed, [d for d in args.docs.split(",") if d])
    if not todo:
        raise SystemExit(f"no cached pages for {args.levels} seed {args.seed} in {args.cache}: run bench_ocr.py first")
    rounds = []
    sets = args.models.split(",") if args.models else [OcrOptions().rapid_models]
    arenas = args.arena.split(",") if args.arena else [RapidEngine().arena]
    engines: dict[tuple[str, str], RapidEngine] = {}
    for r, models, arena in ((r, m, a) for r in range(args.repeat) for m in sets for a in arenas):
        options = Options(ocr=OcrOptions(rapid_models=models))
        if args.arena:  # the reader's one engine per model set, here one per model set and arena
            engine = engines.setdefault((models, arena), RapidEngine(models=models, arena=arena))
            scan._rapid = lambda _models, e=engine: e
        _spent.clear()
        _faults.clear()
        u0 = resource.getrusage(resource.RUSAGE_SELF)
        t0 = time.process_time()
        pages = 0
        for truth in todo:
            data = [(args.cache / f).read_bytes() for f in truth["files"]]
            _, rep = analyse_bytes(data[0], options) if len(data) == 1 else analyse_pages(data, options)
            pages += rep.source.pages or len(truth["degradation"]["pages"])
        total = time.process_time() - t0
        u1 = resource.getrusage(resource.RUSAGE_SELF)
        staged = dict(_spent)
        staged["report (rest)"] = total - sum(staged.values())
        faults = dict(_faults)
        faults["report (rest)"] = u1.ru_minflt - u0.ru_minflt - sum(faults.values())
        rounds.append({"round": r, "models": models, "arena": arena, "pages": pages, "cpu": total, "stages": staged,
                       "faults": faults,
                       "sys": u1.ru_stime - u0.ru_stime, "minflt": u1.ru_minflt - u0.ru_minflt})
        print(f"round {r} ({models}, arena {arena}): {len(todo)} documents, {pages} pages, "
              f"{total / pages:.3f} s CPU/page "
              f"(system {(u1.ru_stime - u0.ru_stime) / pages:.3f} s, {(u1.ru_minflt - u0.ru_minflt) / pages:,.0f} "
              f"minor faults a page)")
        for stage, s in sorted(staged.items(), key=lambda kv: -kv[1]):
            flt = faults.get(stage, 0) / pages
            print(f"  {stage:22s} {s / pages:7.3f} s/page  {s / total:6.1%}  {flt:9,.0f} faults/page")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB; load average {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps({"levels": args.levels, "seed": args.seed, "rounds": rounds, "peak_mb": peak}))


if __name__ == "__main__":
    main()
