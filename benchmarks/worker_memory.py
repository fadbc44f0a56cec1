"""One worker's life in one process: the soak's inputs read in run order (every second one, about a
worker's share of two), printing every 50 documents its RSS, Python's allocated blocks, the objects
the garbage collector tracks and the entries in the domain's bounded lru caches. Tells memory kept
per document (blocks and objects climbing with RSS) from steps (a model or module loaded once) and
from the heap's high-water mark.

    python benchmarks/worker_memory.py --corpus /tmp/soak/corpus --seconds 600
    python benchmarks/worker_memory.py --corpus /tmp/soak/corpus --log steps.jsonl --repeat 2

``--log`` writes one JSON line per document: its kind (format, scan, hostile), RSS before and
after, the C heap's bytes in use and held free (``mallinfo2``), Python's blocks, the collector's
objects and the modules it imported; every document that moved RSS by ``--step-mb`` or more is
printed. ``--repeat`` reads the same sequence again in the same process: memory kept per document
climbs again on the second pass, a one-time load does not. The C heap is trimmed after each document
as the pool's workers do (``--no-trim``: as they did before).
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time
from pathlib import Path

import psutil


def kind(key: str) -> str:
    """A document's kind as the soak's corpus makes them: hostile, a scan, or its format."""
    path = key.split("!", 1)[0]
    if "/hostile/" in path:
        return "hostile"
    if "_clean_" in path:
        return "scan"
    return Path(path).suffix.lstrip(".") or "?"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="bench_soak.py's corpus folder")
    ap.add_argument("--seconds", type=float, default=600.0)
    ap.add_argument("--every", type=int, default=2, help="read every n-th input")
    ap.add_argument("--start", type=int, default=0, help="first input (of every n-th)")
    ap.add_argument("--limit", type=int, default=0, help="at most this many inputs a pass (0: all)")
    ap.add_argument("--repeat", type=int, default=1, help="passes over the same inputs")
    ap.add_argument("--log", type=Path, help="one JSON line per document")
    ap.add_argument("--step-mb", type=float, default=15.0, help="print documents that moved RSS this much")
    ap.add_argument("--no-trim", action="store_true", help="do not trim the C heap after each document (the "
                    "workers do: the level before that fix)")
    a = ap.parse_args()
    import gongkai.extract.archive.preload  # noqa: F401 - what the fork server gives every worker
    from gongkai.extract.archive.batch import process_job
    from gongkai.extract.archive.inputs import iter_inputs
    from gongkai.extract.domain import labels, numbers, organisations, rules
    from gongkai.extract.options import Options
    from gongkai.ocr import heap

    heap.limit_arenas(2)  # as the workers set them (extract/archive/workers.py)
    heap.keep_freed()
    caches = [f for m in (labels, numbers, rules, organisations) for f in vars(m).values() if hasattr(f, "cache_info")]
    options, me = Options(), psutil.Process()
    items = list(iter_inputs([a.corpus / "inputs"]))[a.start :: a.every]
    if a.limit:
        items = items[: a.limit]
    log = a.log.open("w") if a.log else None
    t0 = time.time()
    n = 0
    for rnd in range(a.repeat):
        for i, item in enumerate(items):
            mods, objs, blocks = set(sys.modules), len(gc.get_objects()), sys.getallocatedblocks()
            before, t = me.memory_info().rss, time.time()
            process_job((item, options))
            if not a.no_trim:
                heap.trim()  # as a pool's worker does after each document
            after = me.memory_info().rss
            used, free = heap.usage()
            new = sorted(set(sys.modules) - mods)
            row = {"pass": rnd, "i": i, "kind": kind(item.key), "key": item.key, "s": round(time.time() - t, 2),
                   "rss0": before >> 20, "rss": after >> 20, "heap_used": used >> 20, "heap_free": free >> 20,
                   "blocks": sys.getallocatedblocks() - blocks, "objects": len(gc.get_objects()) - objs,
                   "modules": new}
            if log:
                log.write(json.dumps(row, ensure_ascii=False) + "\n")
            if abs(after - before) >= a.step_mb * 2**20:
                print(f"  step {rnd}:{i:5d} {row['kind']:8s} {before >> 20:5d} -> {after >> 20:5d} MB  heap used "
                      f"{used >> 20} free {free >> 20}  blocks {row['blocks']:+d} objects {row['objects']:+d}  "
                      f"{len(new)} modules {new[:6]}  {item.key[-50:]}", flush=True)
            if n % 50 == 0:
                print(f"{rnd}:{i:5d} {time.time() - t0:5.0f} s  RSS {after / 2**20:5.0f} MB  heap used {used >> 20} "
                      f"free {free >> 20}  blocks {sys.getallocatedblocks() / 1e3:6.0f}k  "
                      f"gc objects {len(gc.get_objects()) / 1e3:4.0f}k  "
                      f"lru entries {sum(f.cache_info().currsize for f in caches)}", flush=True)
            n += 1
            if time.time() - t0 > a.seconds:
                return


if __name__ == "__main__":
    main()
