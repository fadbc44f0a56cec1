"""The run's writer alone, in one process: real results (extracted once from the soak's corpus)
written through ``BatchWriter`` as a run writes them, a batch every ``--batch`` documents, under new
keys round after round. Printed every ``--every`` documents: RSS, Python's allocated blocks, the C
heap (``mallinfo2``: in use and held free), DuckDB's own memory (``duckdb_memory()``) and what
tracemalloc holds. Tells memory kept per document written (the run's index, Python objects) from
the allocators' high-water marks.

    python benchmarks/writer_memory.py --corpus /tmp/soak/corpus --documents 2000
"""

from __future__ import annotations

import argparse
import pickle
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import psutil

from gongkai.ocr import heap


def _extracted(item: object) -> bytes:
    from gongkai.extract.archive.batch import process_job
    from gongkai.extract.options import Options

    return pickle.dumps(process_job((item, Options())))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="bench_soak.py's corpus folder")
    ap.add_argument("--sources", type=int, default=60, help="distinct results to extract first")
    ap.add_argument("--documents", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=25, help="documents per commit (a run's 2 s of results)")
    ap.add_argument("--every", type=int, default=200)
    ap.add_argument("--trace", action="store_true", help="tracemalloc (slower): what Python holds, by line")
    ap.add_argument("--distinct", action="store_true", help="every result a different input's, written once (as a "
                    "run's are), not --sources results round after round; extracted in 2 processes first")
    a = ap.parse_args()
    from gongkai.extract.archive.batch import process_job
    from gongkai.extract.archive.inputs import iter_inputs
    from gongkai.extract.archive.writer import BatchWriter
    from gongkai.extract.options import Options

    every = [i for i in iter_inputs([a.corpus / "inputs"]) if "_clean_" not in i.key and "/office/" not in i.key]
    if a.distinct:
        from multiprocessing import get_context

        with get_context("forkserver").Pool(2) as pool:
            results = pool.map(_extracted, every[: a.documents], chunksize=8)
        a.documents = len(results)
    else:
        items = every[:: max(1, len(every) // a.sources)][: a.sources]  # every kind of document but scans
        results = [pickle.dumps(process_job((i, Options()))) for i in items]
    print(f"{len(results)} results extracted", flush=True)
    me = psutil.Process()
    with tempfile.TemporaryDirectory() as tmp:
        writer = BatchWriter(Path(tmp) / "w.duckdb", commit_every_s=1e9, max_batch=a.batch)
        writer.finished()
        if a.trace:
            tracemalloc.start(5)
        first = None
        t0 = time.time()
        for n in range(a.documents):
            r = pickle.loads(results[n % len(results)])  # fresh objects, as from a worker's pipe
            # a new document: its own key and content hash (a copy would be stored as a duplicate)
            doc = r.doc.model_copy(update={"key": f"{r.doc.key}#{n}", "sha256": f"{n:064x}"})
            writer.add(doc, r.rows)
            if (n + 1) % a.every == 0:
                used, free = heap.usage()
                traced = tracemalloc.get_traced_memory()[0] >> 20 if a.trace else 0
                rss = me.memory_info().rss >> 20
                print(f"{n + 1:6d} {time.time() - t0:5.0f} s  RSS {rss:5d} MB  heap used {used >> 20} free "
                      f"{free >> 20}  blocks {sys.getallocatedblocks() / 1e3:6.0f}k  traced {traced} MB", flush=True)
                if a.trace:
                    snap = tracemalloc.take_snapshot()
                    if first is None:
                        first = snap
                    else:
                        for stat in snap.compare_to(first, "lineno")[:5]:
                            print(f"    {stat}")
        writer.commit()
    heap.trim()
    print(f"after malloc_trim(0): RSS {me.memory_info().rss >> 20} MB", flush=True)


if __name__ == "__main__":
    main()
