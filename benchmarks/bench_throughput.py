"""Archive throughput: documents per minute with 1 and 2 local workers and with Dask.

    python benchmarks/bench_throughput.py [--repeat 2] [--engines local:1 local:2 dask:2]

Runs `run_batch` over the shared and generated corpora (every file, every format) into a
fresh DuckDB per configuration, and prints documents per minute, the speed-up over one
local worker, and the peak resident memory of each worker process (sampled every 50 ms
over the whole process tree: pool workers, Dask nannies and workers). The figures
include worker start-up, as a user's run does. Each configuration runs ``--repeat``
times; the best wall time is kept (the machine may be shared).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai.extract.archive.batch import RunOptions, run_batch  # noqa: E402

CORPORA = [ROOT / "tests/corpus/shared", ROOT / "tests/corpus/generated"]


class TreeMemory:
    """Peak RSS per descendant process of this one, sampled in a thread."""

    def __init__(self, every: float = 0.05):
        self.every = every
        self.peaks: dict[int, int] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        me = psutil.Process()
        while not self._stop.is_set():
            for p in me.children(recursive=True):
                try:
                    rss = p.memory_info().rss
                except psutil.Error:
                    continue
                self.peaks[p.pid] = max(self.peaks.get(p.pid, 0), rss)
            self._stop.wait(self.every)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus_files() -> list[Path]:
    exts = {".pdf", ".docx", ".html", ".txt"}
    return sorted(p for c in CORPORA for p in c.rglob("*") if p.suffix in exts)


def one_run(files_dir: Path, engine: str, workers: int) -> tuple[float, int, dict[str, int], list[int], float]:
    """Wall time, documents, statuses, worker peaks, and the time to the first finished document
    (worker start-up: imports, models, a Dask cluster), which a long run pays once."""
    with tempfile.TemporaryDirectory() as tmp:
        ro = RunOptions(db=Path(tmp) / "bench.duckdb", workers=workers, engine=engine)  # type: ignore[arg-type]
        first: list[float] = []

        def progress(event: str, s: object, total: int) -> None:
            if event != "start" and not first:
                first.append(time.perf_counter())

        with TreeMemory() as mem:
            started = time.perf_counter()
            summary = run_batch([files_dir], ro, progress)
            wall = time.perf_counter() - started
    # worker processes are the ones that did work: ignore tiny helpers (resource trackers, spawn servers)
    peaks = sorted((v for v in mem.peaks.values() if v > 40 * 2**20), reverse=True)
    startup = (first[0] - started) if first else wall
    return wall, summary.processed, dict(summary.statuses), peaks, startup


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--engines", nargs="*", default=["local:1", "local:2", "dask:2"])
    args = ap.parse_args()
    files = corpus_files()
    with tempfile.TemporaryDirectory() as tmp:
        # one flat folder, names kept unique, so every configuration sees the same inputs
        src = Path(tmp) / "archive"
        src.mkdir()
        for f in files:
            shutil.copy2(f, src / f"{f.parent.name}__{f.name}")
        print(f"corpus: {len(files)} files from {', '.join(c.name for c in CORPORA)}; {os.cpu_count()} cores")
        base: float | None = None
        base_steady: float | None = None
        for spec in args.engines:
            engine, workers = spec.split(":")
            best = None
            for _ in range(args.repeat):
                res = one_run(src, engine, int(workers))
                if best is None or res[0] < best[0]:
                    best = res
            assert best is not None
            wall, n, statuses, peaks, startup = best
            rate = n / wall * 60
            steady = (n - 1) / max(wall - startup, 1e-9) * 60
            base = base or rate
            base_steady = base_steady or steady
            top = ", ".join(f"{p / 2**20:.0f}" for p in peaks[: int(workers) + 2])
            print(
                f"{spec:10s} docs={n} wall={wall:6.1f}s  {rate:7.1f} docs/min  speed-up x{rate / base:.2f}  "
                f"(start-up {startup:4.1f}s; after it {steady:6.1f} docs/min, x{steady / base_steady:.2f})  "
                f"statuses={statuses}  peak RSS of largest processes (MB): {top}"
            )


if __name__ == "__main__":
    main()
