"""The Dask engine: the same jobs as the local pool, on a Dask cluster, with the same outcomes.

``run_dask`` mirrors ``workers.run_pool``: a bounded window of tasks in flight, an
``Outcome`` per job, a per-document time limit (a task past it is given up as
``E_TIMEOUT`` and the worker running it restarted, since a Python thread cannot be
stopped), a task that raises is ``E_INTERNAL`` and one whose worker died is
``E_WORKER_CRASHED``. Results come back to the caller, which writes the database in
one place.
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from gongkai.extract.archive.workers import Idle, Outcome

log = logging.getLogger(__name__)

Task = Callable[[Any], Any]


def _limit_threads() -> None:
    """Tesseract & friends must not start a thread per core in every worker (as in the local pool)."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")


def run_dask(
    task: Task,
    jobs: Iterable[Any],
    workers: int,
    timeout_s: float | None,
    memory_mb: int | None,
    scheduler: str | None = None,
    idle: Idle | None = None,
) -> Iterator[Outcome]:
    """Run ``task`` on each job on a Dask cluster (``scheduler``) or a LocalCluster of ``workers``."""
    from distributed import Client, LocalCluster

    cluster = None
    if scheduler:
        client = Client(scheduler)
    else:
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            memory_limit=f"{memory_mb}MB" if memory_mb else "auto",
            dashboard_address=None,
        )
        client = Client(cluster)
    try:
        client.run(_limit_threads)
        # one task per worker thread: nothing waits on a worker behind a slow document (where
        # the clock would run, and a crash would take it along); documents take far longer than a
        # scheduler round trip, so little is lost
        threads = sum(w.get("nthreads", 1) for w in client.scheduler_info().get("workers", {}).values())
        window = max(1, threads or workers)
        yield from _drive(client, task, iter(jobs), window, timeout_s, idle)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def _drive(client: Any, task: Task, pending: Iterator[Any], window: int, timeout_s: float | None,
           idle: Idle | None = None) -> Iterator[Outcome]:
    from distributed import wait
    from distributed.client import FutureCancelledError

    in_flight: dict[Any, tuple[Any, float]] = {}
    began: dict[str, tuple[str, float]] = {}

    def submit() -> None:
        while len(in_flight) < window:
            job = next(pending, None)
            if job is None:
                return
            in_flight[client.submit(task, job, pure=False)] = (job, time.monotonic())

    submit()
    while in_flight:
        with contextlib.suppress(TimeoutError):
            wait(list(in_flight), timeout=1.0, return_when="FIRST_COMPLETED")
        now = time.monotonic()
        done = [f for f in in_flight if f.done()]
        if not done and idle is not None:
            idle()
        for fut in done:
            job, started = in_flight.pop(fut)
            seconds = now - started
            if fut.status == "finished":
                yield Outcome(job, result=fut.result(), seconds=seconds)
                continue
            try:
                exc = fut.exception()
            except FutureCancelledError as e:
                exc = e
            if type(exc).__name__ == "KilledWorker":  # Dask retried it on other workers first
                yield Outcome(job, error_code="E_WORKER_CRASHED", seconds=seconds,
                              error_message="the Dask worker died on this document (out of memory or a crash)")
            elif isinstance(exc, MemoryError):
                yield Outcome(job, error_code="E_MEMORY", seconds=seconds,
                              error_message="the document needed more memory than the worker has; raise --memory-mb")
            else:
                yield Outcome(job, error_code="E_INTERNAL", seconds=seconds,
                              error_message=f"unexpected {type(exc).__name__}: {exc}")
        if timeout_s and in_flight:
            # the clock starts when a worker takes the task, not while it waits in the queue
            # (and starts again when a task whose worker died is run by another)
            running = {k: w for w, ks in client.processing().items() for k in ks}
            for f in in_flight:
                w = running.get(f.key)
                if w is not None and began.get(f.key, (None, 0.0))[0] != w:
                    began[f.key] = (w, now)
            late = [f for f in in_flight if f.key in began and now - began[f.key][1] > timeout_s]
            if late:
                yield from _give_up(client, late, in_flight, timeout_s, now)
        submit()


def _give_up(client: Any, late: list[Any], in_flight: dict[Any, tuple[Any, float]], timeout_s: float,
             now: float) -> Iterator[Outcome]:
    """Record late tasks as E_TIMEOUT, cancel them and restart the workers still running them."""
    processing = client.processing()
    keys = {f.key for f in late}
    stuck = [w for w, ks in processing.items() if keys & set(ks)]
    for fut in late:
        job, started = in_flight.pop(fut)
        yield Outcome(job, error_code="E_TIMEOUT", seconds=now - started,
                      error_message=f"no result after {timeout_s:.0f} s; raise --timeout if the file is sound")
    client.cancel(late, force=True)
    if stuck:
        try:
            client.restart_workers(stuck, timeout=60)
        except Exception as exc:  # noqa: BLE001 - the nanny may already be restarting it
            log.warning("could not restart Dask workers %s: %s", stuck, exc)
