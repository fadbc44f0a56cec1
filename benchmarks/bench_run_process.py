"""The run's own process alone: receiving the workers' results and writing them, CPU per document.

    python benchmarks/bench_run_process.py [--copies 20] [--per-commit 57]

With two workers on two cores, every millisecond the run's own process spends on a document is
taken from the workers (issue 16: the 1-to-2 worker scaling). This extracts the born-digital
PDFs of the shared and generated corpora once, in this process, pickles each worker result as
the pool's pipe carries it (``--copies`` times, under other keys: byte duplicates after the
first, as in ``bench_throughput.py --copies``), then times what the run's process does with
them: unpickle, hand to the writer, commit every ``--per-commit`` documents (a quiet machine at
~1,700 documents a minute with the 2 s commits gives ~57) into a fresh DuckDB. The wall clock of
a shared machine says little here: the figures are CPU time, and they do not depend on how fast
the workers happen to be (``bench_throughput.py``'s run figure does: a slow machine commits fewer
documents at a time).
"""

from __future__ import annotations

import argparse
import dataclasses
import math
import os
import pickle
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_throughput import corpus_files  # noqa: E402

from gongkai.extract.archive.batch import process_job  # noqa: E402
from gongkai.extract.archive.dblock import RunLock  # noqa: E402
from gongkai.extract.archive.inputs import iter_inputs  # noqa: E402
from gongkai.extract.archive.writer import BatchWriter  # noqa: E402
from gongkai.extract.options import Options  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--copies", type=int, default=20)
    ap.add_argument("--per-commit", type=int, default=57)
    ap.add_argument("--rounds", type=int, default=2)
    args = ap.parse_args()
    items = [i for f in corpus_files("pdf") for i in iter_inputs([f], None)]
    results = [process_job((it, Options())) for it in items]
    started = time.process_time()
    sent = [pickle.dumps(("ok", dataclasses.replace(r, doc=r.doc.model_copy(update={"key": f"{k}/{r.doc.key}"}))))
            for k in range(args.copies) for r in results]
    pickling = time.process_time() - started
    print(f"{len(sent)} results ({len(items)} PDFs x{args.copies}), {sum(map(len, sent)) / len(sent) / 1024:.0f} kB "
          f"each through the pipe; pickling them (the workers' side) {1000 * pickling / len(sent):.2f} ms a document; "
          f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    for rnd in range(args.rounds):
        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "r.duckdb"
            with RunLock(db):
                writer = BatchWriter(db, math.inf, max_batch=args.per_commit)
                writer.finished()
                started = time.process_time()
                for blob in sent:
                    _, result = pickle.loads(blob)
                    writer.add(result.doc, result.rows)
                writer.commit()
                cpu = time.process_time() - started
        print(f"round {rnd + 1}: the run's process {1000 * cpu / len(sent):.2f} ms CPU a document "
              f"({writer.commits} commits)")


if __name__ == "__main__":
    main()
