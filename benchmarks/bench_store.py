"""The results writer alone: documents per minute into DuckDB, against extraction's own pace.

    python benchmarks/bench_store.py [--docs 2000] [--sample 40]

Extracts ``--sample`` files of the corpora once (timed: the extraction's documents per minute
in one process, the pace one worker hands results to the writer), then writes ``--docs``
results made from them (each with its own key, bytes and content, so none is a duplicate)
through the same ``Store`` calls ``gongkai run`` makes, into a fresh database, and prints
documents per minute for the whole run and for its last quarter (a writer whose cost grows
with the database shows it there), and per CPU-minute (steadier than wall time on a shared
machine). Reopening the database at the end checks every row landed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.extract.archive.batch import Extracted, process_job  # noqa: E402
from gongkai.extract.archive.inputs import iter_inputs  # noqa: E402
from gongkai.extract.archive.store import ReportRows, Store  # noqa: E402
from gongkai.extract.options import Options  # noqa: E402

CORPORA = [ROOT / "tests/corpus/shared", ROOT / "tests/corpus/generated"]


def sample(n: int) -> tuple[list[Extracted], float]:
    """Worker results of ``n`` corpus files (spread over the formats) and the seconds they took."""
    items = sorted(iter_inputs(CORPORA), key=lambda i: i.key)
    step = max(1, len(items) // n)
    picked = items[::step][:n]
    process_job((picked[0], Options()))  # imports and models: paid once per worker, not per document
    t0 = time.perf_counter()
    out = [process_job((item, Options())) for item in picked]
    return out, time.perf_counter() - t0


def variant(result: Extracted, i: int) -> Extracted:
    """The i-th copy of a worker result: its own key, sha256 and organisation (so its own report), its
    rows built as the worker builds them (not timed: the writer's work starts from the rows)."""
    doc = result.doc.model_copy(update={"key": f"bench/{i:06d}/{result.doc.key}",
                                        "sha256": f"{i:08x}" + (result.doc.sha256 or "")[8:]})
    if not result.rows.data:  # a failed report: no rows of its own
        return Extracted(doc, result.rows)
    report = result.rows.report()
    if report.organization is not None or report.cells:
        report.organization = f"{report.organization or ''}#{i}"
    report.source.sha256 = doc.sha256
    return Extracted(doc, ReportRows.of(report, doc.key, doc.sha256))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--docs", type=int, default=2000)
    ap.add_argument("--sample", type=int, default=40)
    args = ap.parse_args()
    results, extract_s = sample(args.sample)
    n_cells = sum(r.rows.data["reports"]["n_cells"][0] if r.rows.data else 0 for r in results) / len(results)
    print(f"extraction, one process: {len(results)} documents in {extract_s:.1f}s = "
          f"{len(results) / extract_s * 60:.0f} docs/min (mean {n_cells:.0f} cells per report)")
    work = [variant(results[i % len(results)], i) for i in range(args.docs)]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.duckdb"
        marks: list[float] = []
        t0, c0 = time.perf_counter(), time.process_time()
        with Store(db) as store:
            for r in work:
                dup = store.report_for_sha(r.doc.sha256) if r.doc.sha256 else None
                store.write_rows(r.doc, r.rows, dup[0] if dup and dup[0] != r.doc.key else None)
                marks.append(time.perf_counter())
        total, cpu = time.perf_counter() - t0, time.process_time() - c0
        q = args.docs * 3 // 4
        last = total - (marks[q - 1] - t0)
        import duckdb

        con = duckdb.connect(str(db), read_only=True)
        n_docs = con.execute("SELECT count(*) FROM documents").fetchone()[0]
        n_rows = con.execute("SELECT count(*) FROM cells").fetchone()[0]
        con.close()
    print(f"writer: {args.docs} documents in {total:.1f}s = {args.docs / total * 60:.0f} docs/min; "
          f"last quarter {(args.docs - q) / last * 60:.0f} docs/min; CPU {cpu:.1f}s (all threads) = "
          f"{args.docs / cpu * 60:.0f} docs per CPU-minute; {n_docs} documents, {n_rows} cells stored")


if __name__ == "__main__":
    main()
