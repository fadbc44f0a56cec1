"""Narrative NLP on the hand-labelled dev set (tests/nlp_dev): item P/R/F1, section accuracy, speed.

    python benchmarks/bench_nlp.py [--model models/gongkai_narrative] [--errors]

Two section figures: with the report's headings (what the product sees on a normal report)
and with every heading withheld (older free-form reports, lost headings: the classifier alone).
Speed: the whole NLP of one typical report (all its narrative sections), first call (jieba's
dictionary and the model load) and steady state, on one core.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from extract.narrative import SECTION_LABELS  # noqa: E402
from nlp.analyse import DEFAULT_MODEL, analyse, load  # noqa: E402
from nlp.evaluate import Score, score  # noqa: E402

DEV = ROOT / "tests" / "nlp_dev"


def dev_set() -> list[dict]:
    out: list[dict] = []
    for f in sorted(DEV.glob("*.yaml")):
        out += yaml.safe_load(f.read_text("utf-8"))
    return out


def evaluate(nlp, with_headings: bool = True) -> Score:
    total = Score()
    for rec in dev_set():
        allowed = SECTION_LABELS.get(rec["heading"]) if with_headings and rec["heading"] else None
        res = analyse(rec["text"], allowed, nlp)
        total.add(score(res, rec["text"], rec["items"], rec["sections"], rec["id"]))
    return total


def speed(model: Path) -> dict[str, float]:
    """Seconds of NLP for a typical report (huaian_2024's narrative), first call and steady state."""
    import json
    import subprocess

    code = f"""
import json, sys, time
sys.path.insert(0, {str(ROOT)!r})
from extract import read_report
from extract.narrative import analyse_narrative
import extract.pipeline as p
p._narrative = lambda r: None  # extract without NLP, then time the NLP alone
r = read_report({str(ROOT / "tests/corpus/shared/pdf/huaian_2024.pdf")!r})
from nlp.analyse import analyse, load
t0 = time.perf_counter(); nlp = load({str(model)!r}); t1 = time.perf_counter()
f = lambda text, allowed: analyse(text, allowed, nlp)
analyse_narrative(r, f); t2 = time.perf_counter()
runs = []
for _ in range(10):
    s = time.perf_counter(); analyse_narrative(r, f); runs.append(time.perf_counter() - s)
runs.sort()
chars = sum(len(s.text) for s in r.sentences)
print(json.dumps({{"load_s": t1 - t0, "first_call_s": t2 - t1, "steady_s": runs[len(runs) // 2], "chars": chars}}))
"""
    env = dict(os.environ, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1", MKL_NUM_THREADS="1")
    out = subprocess.run(["taskset", "-c", "0", sys.executable, "-c", code], capture_output=True, text=True, env=env,
                         check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--model", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--errors", action="store_true", help="list every miss")
    args = ap.parse_args()
    nlp = load(args.model)
    recs = dev_set()
    n_items = sum(len(r["items"]) for r in recs)
    n_chars = sum(len(r["text"]) for r in recs)
    print(f"dev set: {len(recs)} passages, {n_items} items, {sum(len(r['sections']) for r in recs)} labelled "
          f"sentences, {n_chars} chars; model {args.model}")
    for with_headings in (True, False):
        t = time.perf_counter()
        sc = evaluate(nlp, with_headings)
        dt = time.perf_counter() - t
        name = "with headings" if with_headings else "headings withheld"
        print(f"{name:18s} items P {sc.precision:.3f} R {sc.recall:.3f} F1 {sc.f1:.3f} "
              f"(tp {sc.tp} fp {sc.fp} fn {sc.fn}); section accuracy {sc.section_accuracy:.3f} "
              f"({sc.sections_right}/{sc.sections_total}); {n_chars / dt:,.0f} chars/s")
        if args.errors:
            for e in sc.errors:
                print("   ", e)
    sp = speed(args.model)
    print(f"typical report (huaian_2024, {sp['chars']} narrative chars, one core): model load {sp['load_s']:.2f} s, "
          f"first call {sp['first_call_s']:.3f} s (jieba dictionary), steady state {sp['steady_s']:.3f} s/report "
          f"({sp['chars'] / sp['steady_s']:,.0f} chars/s)")
    size = sum(f.stat().st_size for f in Path(args.model).rglob("*") if f.is_file())
    print(f"model size: {size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
