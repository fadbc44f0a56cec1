"""Archive throughput: documents per minute with 1 and 2 local workers and with Dask.

    python benchmarks/bench_throughput.py [--repeat 2] [--engines local:1 local:2 dask:2]
        [--only pdf] [--copies 4] [--strategies auto,pdfplumber] [--pool-only]

Runs `run_batch` over the shared and generated corpora (every file, every format; ``--only pdf``
for born-digital PDFs alone; ``--copies N`` puts each file in the archive N times under other
names, for a longer run) into a fresh DuckDB per configuration, and prints documents per minute,
the speed-up over one local worker, the time to the first finished document (worker start-up),
the CPU time per document of the run's own process (walking the archive, writing DuckDB; the
benchmark's own sampling thread is measured and left out) and of its workers (extracting), and
the peak resident memory of each worker process (sampled every 50 ms over the whole process
tree). ``--strategies auto,pdfplumber`` runs each configuration with each PDF reader
(``--table-strategy``): pdfplumber is the reader gongkai had before pdfium's, the baseline in the
same run. ``--pool-only`` runs the worker pool alone (no database), which is the
extraction side of a run. Each configuration runs ``--repeat`` times; the best wall time is kept
(the machine may be shared: the CPU times say what the work costs when the wall clock does not).
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
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

from gongkai.extract.archive.batch import RunOptions, process_job, run_batch  # noqa: E402
from gongkai.extract.archive.inputs import iter_inputs  # noqa: E402
from gongkai.extract.archive.workers import run_pool  # noqa: E402
from gongkai.extract.options import Options  # noqa: E402

CORPORA = [ROOT / "tests/corpus/shared", ROOT / "tests/corpus/generated"]


class TreeWatch:
    """Peak RSS and CPU time spent while watched per descendant process of this one, sampled in a thread."""

    def __init__(self, every: float = 0.05):
        self.every = every
        self.peaks: dict[int, int] = {}
        self.cpu: dict[int, float] = {}
        self.sampler_cpu = 0.0
        """This thread's own CPU time (psutil walks every process of the machine to find the tree):
        spent in the run's process, but the benchmark's cost, not the run's."""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        me = psutil.Process()
        before: dict[int, float] = {}  # processes already there (a fork server kept from an earlier run)
        for p in me.children(recursive=True):
            with contextlib.suppress(psutil.Error):
                t = p.cpu_times()
                before[p.pid] = t.user + t.system
        while not self._stop.is_set():
            for p in me.children(recursive=True):
                try:
                    with p.oneshot():
                        rss = p.memory_info().rss
                        t = p.cpu_times()
                except psutil.Error:
                    continue
                self.peaks[p.pid] = max(self.peaks.get(p.pid, 0), rss)
                self.cpu[p.pid] = t.user + t.system - before.get(p.pid, 0.0)
            self.sampler_cpu = time.thread_time()
            self._stop.wait(self.every)

    def __enter__(self) -> TreeWatch:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def corpus_files(only: str | None = None) -> list[Path]:
    exts = {f".{only}"} if only else {".pdf", ".docx", ".html", ".txt"}
    return sorted(p for c in CORPORA for p in c.rglob("*") if p.suffix in exts)


@dataclasses.dataclass
class Result:
    wall: float
    docs: int
    statuses: dict[str, int]
    peaks: list[int]
    startup: float
    own_cpu: float
    worker_cpu: float
    sampler_cpu: float
    commits: int


def one_run(files_dir: Path, engine: str, workers: int, options: Options, pool_only: bool,
            sample_every: float) -> Result:
    """One configuration, timed: wall, documents, statuses, worker peaks, the time to the first
    finished document (worker start-up: imports, models, a Dask cluster) and CPU times."""
    with tempfile.TemporaryDirectory() as tmp:
        first: list[float] = []
        with TreeWatch(sample_every) as watch:
            started, cpu0 = time.perf_counter(), time.process_time()
            if pool_only:
                jobs = ((item, options) for item in iter_inputs([files_dir], None))
                preload = ["gongkai.extract.archive." + ("preload_narrative" if options.narrative else "preload")]
                statuses: dict[str, int] = {}
                for outcome in run_pool(process_job, jobs, workers, 300.0, 3072, preload=preload):
                    if not first:
                        first.append(time.perf_counter())
                    status = outcome.result.doc.status if outcome.result else "failed"
                    statuses[status] = statuses.get(status, 0) + 1
                n, commits = sum(statuses.values()), 0
            else:
                ro = RunOptions(db=Path(tmp) / "bench.duckdb", workers=workers, engine=engine,  # type: ignore[arg-type]
                                extract=options)

                def progress(event: str, s: object, total: int) -> None:
                    if event != "start" and not first:
                        first.append(time.perf_counter())

                summary = run_batch([files_dir], ro, progress)
                n, statuses, commits = summary.processed, dict(summary.statuses), summary.commits
            wall = time.perf_counter() - started
        own = time.process_time() - cpu0 - watch.sampler_cpu
    # worker processes are the ones that did work: ignore tiny helpers (resource trackers, spawn servers)
    peaks = sorted((v for v in watch.peaks.values() if v > 40 * 2**20), reverse=True)
    startup = (first[0] - started) if first else wall
    return Result(wall, n, statuses, peaks, startup, own, sum(watch.cpu.values()), watch.sampler_cpu, commits)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--engines", nargs="*", default=["local:1", "local:2", "dask:2"])
    ap.add_argument("--only", help="only files with this extension (pdf, docx, html, txt)")
    ap.add_argument("--copies", type=int, default=1, help="each file this many times in the archive")
    ap.add_argument("--strategies", default="auto", help="comma-separated --table-strategy values to run")
    ap.add_argument("--pool-only", action="store_true", help="the worker pool alone: no database")
    ap.add_argument("--no-narrative", action="store_true")
    ap.add_argument("--sample-every", type=float, default=0.05,
                    help="seconds between memory samples (the sampler's CPU competes with the workers on 2 cores)")
    args = ap.parse_args()
    files = corpus_files(args.only)
    with tempfile.TemporaryDirectory() as tmp:
        # one flat folder, names kept unique, so every configuration sees the same inputs
        src = Path(tmp) / "archive"
        src.mkdir()
        for k in range(args.copies):
            for f in files:
                shutil.copy2(f, src / f"{k}__{f.parent.name}__{f.name}")
        print(f"archive: {len(files) * args.copies} files ({len(files)} from {', '.join(c.name for c in CORPORA)}"
              f"{f', only .{args.only}' if args.only else ''}, x{args.copies}); {os.cpu_count()} cores; "
              f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
              f"{'worker pool alone' if args.pool_only else 'gongkai run into DuckDB'}")
        for strategy in args.strategies.split(","):
            options = Options(table_strategy=strategy, narrative=not args.no_narrative)  # type: ignore[arg-type]
            base: float | None = None
            base_steady: float | None = None
            for spec in args.engines:
                engine, workers = spec.split(":")
                if args.pool_only and engine != "local":
                    continue
                best = None
                for _ in range(args.repeat):
                    res = one_run(src, engine, int(workers), options, args.pool_only, args.sample_every)
                    if best is None or res.wall < best.wall:
                        best = res
                assert best is not None
                rate = best.docs / best.wall * 60
                steady = (best.docs - 1) / max(best.wall - best.startup, 1e-9) * 60
                base = base or rate
                base_steady = base_steady or steady
                top = ", ".join(f"{p / 2**20:.0f}" for p in best.peaks[: int(workers) + 2])
                print(
                    f"{strategy:10s} {spec:8s} docs={best.docs} wall={best.wall:6.1f}s {rate:7.1f} docs/min "
                    f"x{rate / base:.2f}  (start-up {best.startup:4.1f}s; after it {steady:6.1f} docs/min, "
                    f"x{steady / base_steady:.2f})  CPU per doc: run {1000 * best.own_cpu / best.docs:.1f} ms, "
                    f"workers {1000 * best.worker_cpu / best.docs:.1f} ms; {best.commits} commits "
                    f"(the benchmark's sampler "
                    f"{1000 * best.sampler_cpu / best.docs:.1f} ms, not counted)  statuses={best.statuses}  "
                    f"peak RSS (MB): {top}  [load {os.getloadavg()[0]:.1f}]"
                )


if __name__ == "__main__":
    main()
