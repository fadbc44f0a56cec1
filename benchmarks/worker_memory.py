"""One worker's life in one process: the soak's inputs read in run order (every second one, about a
worker's share of two), printing every 50 documents its RSS, Python's allocated blocks, the objects
the garbage collector tracks and the entries in the domain's bounded lru caches. Tells memory kept
per document (blocks and objects climbing with RSS) from steps (a model or module loaded once) and
from the heap's high-water mark.

    python benchmarks/worker_memory.py --corpus /tmp/soak/corpus --seconds 600
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import sys
import time
from pathlib import Path

import psutil


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="bench_soak.py's corpus folder")
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--every", type=int, default=2, help="read every n-th input")
    a = ap.parse_args()
    import gongkai.extract.archive.preload  # noqa: F401 - what the fork server gives every worker
    from gongkai.extract.archive.batch import process_job
    from gongkai.extract.archive.inputs import iter_inputs
    from gongkai.extract.domain import labels, numbers, organisations, rules
    from gongkai.extract.options import Options

    ctypes.CDLL(None).mallopt(-8, 2)  # M_ARENA_MAX as the workers set it
    caches = [f for m in (labels, numbers, rules, organisations) for f in vars(m).values() if hasattr(f, "cache_info")]
    options, me = Options(), psutil.Process()
    items = list(iter_inputs([a.corpus / "inputs"]))[:: a.every]
    t0 = time.time()
    for i, item in enumerate(items):
        process_job((item, options))
        if i % 50 == 0:
            print(f"{i:5d} {time.time() - t0:5.0f} s  RSS {me.memory_info().rss / 2**20:5.0f} MB  "
                  f"blocks {sys.getallocatedblocks() / 1e3:6.0f}k  gc objects {len(gc.get_objects()) / 1e3:4.0f}k  "
                  f"lru entries {sum(f.cache_info().currsize for f in caches)}", flush=True)
        if time.time() - t0 > a.seconds:
            break


if __name__ == "__main__":
    main()
