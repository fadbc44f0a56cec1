"""Broken text layers: is each page's decision right, and are the cells right after OCR?

    python benchmarks/bench_broken.py                 # hongze_2024 p1-4, huaian_2024 p3-5, every kind
    python benchmarks/bench_broken.py --kinds digits partial

The PDFs are made by tests/generator/broken.py from shared reports (the printed pages
are unchanged, so the source truth holds for the cells printed on the kept pages). For
each kind: pages given the expected reason, cells right / truth cells on those pages,
cells read wrong (worse than missing), cells repaired by the rules, seconds (wall).
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai import Options  # noqa: E402
from gongkai.extract.pipeline import extract_bytes  # noqa: E402
from tests.generator.broken import KINDS, make_broken  # noqa: E402

SHARED = ROOT / "tests" / "corpus" / "shared"
EXPECT = {"pua": "garbage_pua", "digits": "digit_mismatch", "mojibake": "garbage_mojibake",
          "rare": "implausible_text", "partial": "partial_coverage"}
DOCS = {"hongze_2024": [1, 2, 3, 4], "huaian_2024": [3, 4, 5]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    args = ap.parse_args()
    totals: dict[str, collections.Counter] = {k: collections.Counter() for k in args.kinds}
    for doc_id, pages in DOCS.items():
        truth_all = json.loads((SHARED / "truth" / f"{doc_id}.json").read_text("utf-8"))["cells"]
        src = (SHARED / "pdf" / f"{doc_id}.pdf").read_bytes()
        born = extract_bytes(src, Options())
        truth = {k: truth_all[k] for k, c in born.cells.items() if c.page in pages}
        for kind in args.kinds:
            data = make_broken(src, kind, pages)
            t0 = time.perf_counter()
            r = extract_bytes(data, Options())
            seconds = time.perf_counter() - t0
            got = r.values()
            t = totals[kind]
            t["pages"] += len(r.pages)
            t["flagged"] += sum(p.reason == EXPECT[kind] for p in r.pages)
            t["cells"] += len(truth)
            t["right"] += sum(1 for k, v in truth.items() if k in got and got[k] == v)
            t["wrong"] += sum(1 for k, v in got.items() if truth.get(k, "absent") != v)
            t["repaired"] += sum(1 for c in r.cells.values() if c.method.startswith("repaired"))
            t["seconds"] += seconds
            decisions = ", ".join(f"{p.number}:{p.decision}/{p.reason}" for p in r.pages)
            print(f"{doc_id:12s} {kind:9s} {decisions}  {seconds:.1f}s", flush=True)
    print()
    for kind, t in totals.items():
        print(f"{kind:9s} pages with reason {EXPECT[kind]}: {t['flagged']}/{t['pages']}  "
              f"cells right {t['right']}/{t['cells']} ({100 * t['right'] / max(t['cells'], 1):.2f}%)  "
              f"wrong {t['wrong']}  repaired {t['repaired']}  {t['seconds'] / max(t['pages'], 1):.1f} s/page")


if __name__ == "__main__":
    main()
