"""A pool of worker processes with a per-document timeout and memory cap.

``concurrent.futures`` cannot stop one task that hangs or eats memory; here each
worker is a process the parent can kill. A document that times out, exhausts its
memory cap or crashes its worker gets a coded error and a fresh worker takes over:
one bad file never stops the batch.
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import resource
import signal
import time
import traceback
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

from gongkai.ocr import heap

log = logging.getLogger(__name__)

Task = Callable[[Any], Any]
Idle = Callable[[], None]
"""Called when a wait for results ends with none (the writer commits what is due meanwhile)."""
Suspect = Callable[[Any], bool]
"""True for a result that may owe its failure to the worker rather than the document (a native
library that could not allocate under the cap reports it as its own error): it is run once more
in a fresh worker when the worker had done other jobs, and the fresh verdict stands."""


@dataclass
class Outcome:
    job: Any
    result: Any = None
    error_code: str | None = None
    error_message: str | None = None
    seconds: float = 0.0


def _die_with_parent() -> None:
    """Linux: the kernel kills this worker when its parent goes. The parent is the forkserver, which
    exits when the run does (``_let_the_fork_server_go``), so a run killed with kill -9 leaves no
    worker computing on a document whose result nobody will take (without it a worker lives until
    its document is done)."""
    parent = os.getppid()
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the worker ends when it next reads its pipe
        return
    if os.getppid() != parent:  # the parent went before the request took hold
        os._exit(1)


_PR_SET_PDEATHSIG = 1


def _let_the_fork_server_go() -> None:
    """Close this worker's end of the fork server's "alive" pipe. The server stops when every process
    holding that pipe has gone, and multiprocessing gives it to each process it forks as well as to
    the run: so after a kill -9 of the run the server waited for its workers, and they (whose death
    signal comes when the server goes) computed on until their documents were done, minutes for an
    OCR'd scan on a loaded machine (the soak found three processes of a killed run alive 15 s after
    it). A worker never asks the server for processes; with its end closed the run's is the last."""
    from multiprocessing import forkserver

    server = getattr(forkserver, "_forkserver", None)
    fd = getattr(server, "_forkserver_alive_fd", None)
    if fd is None:  # spawned, not forked by a server
        return
    with contextlib.suppress(OSError):
        os.close(fd)
    server._forkserver_alive_fd = None


def _worker_main(conn: Connection, task: Task, memory_mb: int | None) -> None:
    _die_with_parent()
    _let_the_fork_server_go()
    # two malloc arenas are enough for one document at a time (heap.limit_arenas: address space under
    # RLIMIT_AS); freed model memory is kept for the next run (RapidOCR's activations)
    heap.limit_arenas(2)
    heap.keep_freed()
    if memory_mb:
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # tesseract & friends must not start a thread per core in every worker
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    if not _send(conn, _READY):
        return
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):  # the run is gone (killed): nobody to work for
            return
        if job is None:
            return
        try:
            outcome: tuple[str, Any] = ("ok", task(job))
        except MemoryError:
            outcome = _OUT_OF_MEMORY
        except Exception as exc:  # noqa: BLE001 - reported as the job's outcome
            log.debug("worker error: %s", traceback.format_exc())
            outcome = ("E_INTERNAL", f"unexpected {type(exc).__name__}: {exc}")
        sent = _send(conn, outcome)
        del outcome  # not held while the next document is read
        if not sent:
            return
        # what the document freed goes back to the system, not into the heap's high-water mark: glibc
        # keeps freed large blocks (a scan's page images, OCR's activations) once its threshold for
        # mapping big requests on their own has risen, and one small block in use above them keeps the
        # heap from shrinking; the soak's workers stepped up ~90 MB at a time and stayed there
        # (benchmarks/worker_memory.py: a born-digital PDF after a scan, 500 -> 678 MB resident with
        # 250 MB free in malloc's hands; trimmed, 500 MB again, on every repeat)
        heap.trim()


_READY = ("ready", None)
"""Sent once the worker has started: a document's clock starts there, not at the fork (a fresh
worker's start-up took more than a 3 s timeout on a machine at load 20)."""
_OUT_OF_MEMORY = ("E_MEMORY", "the document needed more memory than the per-document cap; raise --memory-mb")


def _send(conn: Connection, outcome: tuple[str, Any]) -> bool:
    """Hand the outcome back; False when the run is gone (killed while this document was read): the
    worker ends quietly instead of printing a traceback into the killed run's terminal."""
    try:
        try:
            conn.send(outcome)
        except (BrokenPipeError, ConnectionResetError):
            raise
        except MemoryError:
            conn.send(_OUT_OF_MEMORY)
        except Exception as exc:  # noqa: BLE001 - a result that cannot be sent is the job's outcome too
            conn.send(("E_INTERNAL", f"unexpected {type(exc).__name__}: {exc}"))
    except (BrokenPipeError, ConnectionResetError):
        return False
    return True


class _Worker:
    def __init__(self, ctx: Any, task: Task, memory_mb: int | None):
        self.conn, child = ctx.Pipe()
        self.proc = ctx.Process(target=_worker_main, args=(child, task, memory_mb), daemon=True)
        self.proc.start()
        child.close()
        self.job: Any = None
        self.ready = False
        self.born = time.monotonic()
        self.started = 0.0
        self.done = 0
        """Documents this worker finished: memory it holds from them may be why the next one fails."""

    def give(self, job: Any) -> None:
        self.job = job
        self.started = time.monotonic()
        self.conn.send(job)

    def clock(self) -> float:
        """When the job's time started: once the worker is up. Its start-up (imports, under load) is not
        the document's; a worker not up ``_START_UP_S`` after its fork is stuck, and its job times out."""
        return self.started if self.ready else self.born + _START_UP_S

    def kill(self) -> None:
        self.proc.kill()
        self.proc.join(5)
        self.conn.close()


_START_UP_S = 60.0
_RETRIED = ("E_MEMORY", "E_WORKER_CRASHED")


def run_pool(
    task: Task,
    jobs: Iterable[Any],
    workers: int,
    timeout_s: float | None,
    memory_mb: int | None,
    idle: Idle | None = None,
    suspect: Suspect | None = None,
    preload: list[str] | None = None,
) -> Iterator[Outcome]:
    """Run ``task`` on each job in worker processes; yield outcomes as they finish.

    A job that runs out of memory or kills a worker that had done other jobs before is run once
    more in a fresh worker: what the earlier jobs left in that process (a grown heap, loaded
    models) counts against the cap too, and the verdict must be the document's own. So is a job
    whose result ``suspect`` doubts.

    ``preload``: modules the fork server imports before it forks the first worker, so that every
    worker starts with them (effective when this process starts its fork server; later runs reuse it).
    """
    ctx = mp.get_context("forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn")
    if preload and ctx.get_start_method() == "forkserver":
        ctx.set_forkserver_preload(preload)
    pending = iter(jobs)
    again: deque[Any] = deque()  # jobs to run once more in a fresh worker
    retried: set[int] = set()
    pool = [_Worker(ctx, task, memory_mb) for _ in range(max(1, workers))]
    exhausted = False

    def renew(i: int) -> None:
        pool[i].kill()
        pool[i] = _Worker(ctx, task, memory_mb)

    def verdict(i: int, w: _Worker, code: str, message: str, elapsed: float) -> Outcome | None:
        """The job's failed outcome, or None when it goes to a fresh worker first; the worker is replaced."""
        job, w.job = w.job, None
        renew(i)
        if code in _RETRIED and w.done and id(job) not in retried:
            retried.add(id(job))
            again.append(job)
            return None
        return Outcome(job, error_code=code, error_message=message, seconds=elapsed)

    try:
        while True:
            for i, w in enumerate(pool):
                if w.job is None and again and w.done:
                    renew(i)  # a retried job gets a worker that has done nothing else
                    w = pool[i]
                if w.job is None and again:
                    w.give(again.popleft())
                elif w.job is None and not exhausted:
                    job = next(pending, None)
                    if job is None:
                        exhausted = True
                    else:
                        w.give(job)
            busy = [w for w in pool if w.job is not None]
            if not busy:
                return
            now = time.monotonic()
            wait_s = 1.0
            if timeout_s:
                wait_s = max(0.01, min(wait_s, min(w.clock() + timeout_s - now for w in busy)))
            ready = wait([w.conn for w in busy] + [w.proc.sentinel for w in busy], timeout=wait_s)
            if not ready and idle is not None:
                idle()
            for i, w in enumerate(pool):
                if w.job is None:
                    continue
                out: Outcome | None
                if w.conn in ready:
                    try:
                        status, payload = w.conn.recv()
                    except (EOFError, OSError):
                        status, payload = "E_WORKER_CRASHED", "the worker process died on this document"
                    if status == _READY[0]:
                        w.ready, w.started = True, time.monotonic()
                        continue
                elapsed = time.monotonic() - w.clock()
                if w.conn in ready:
                    if status == "ok" and suspect is not None and w.done and id(w.job) not in retried \
                            and suspect(payload):
                        retried.add(id(w.job))
                        again.append(w.job)
                        w.job = None
                        renew(i)
                        continue
                    if status in ("ok", "E_INTERNAL"):
                        out = (Outcome(w.job, result=payload, seconds=elapsed) if status == "ok" else
                               Outcome(w.job, error_code=status, error_message=payload, seconds=elapsed))
                        w.job = None
                        w.done += 1
                    else:
                        out = verdict(i, w, status, payload, elapsed)
                elif w.proc.sentinel in ready or not w.proc.is_alive():
                    out = verdict(i, w, "E_WORKER_CRASHED", f"the worker died on this document (exit code "
                                  f"{w.proc.exitcode}; out of memory?)", elapsed)
                elif timeout_s and elapsed > timeout_s:
                    out = verdict(i, w, "E_TIMEOUT", f"no result after {timeout_s:.0f} s; raise --timeout or "
                                  "check the file", elapsed)
                else:
                    continue
                if out is not None:
                    yield out
    finally:
        for w in pool:
            if w.proc.is_alive():
                with contextlib.suppress(OSError):
                    w.conn.send(None)
                w.proc.join(1)
            if w.proc.is_alive():
                w.proc.kill()
