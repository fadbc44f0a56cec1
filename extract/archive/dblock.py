"""Who holds a results database, asked of the kernel, and the lock a run holds on it.

DuckDB lets one process write a database file, or any number read it, and tells a process
that loses by raising an ``IOException`` whose only detail is English text. gongkai never
reads that text: DuckDB takes its lock with ``fcntl`` (a POSIX record lock over the whole
file: a write lock for a writer, a read lock for a read-only connection), so ``holder``
asks the kernel (``F_GETLK``) which process holds a lock on the file, and of what kind.
``tests/test_dblock.py`` checks this against the pinned DuckDB: a release that locks
differently fails that test instead of being misread here.

A ``gongkai run`` also holds ``RunLock`` (``flock`` on ``<db>.lock``) from start to end,
because it lets go of the database itself between commits so that readers can get in: the
database's own lock cannot tell a second run that the first is still going. The kernel
drops both locks when a process dies, even by ``kill -9``.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import struct
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

import duckdb

from gongkai.extract.errors import GongkaiError

# struct flock: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid (padded to 8)
_FLOCK = struct.Struct("hhqqi4x")


class DatabaseBusy(GongkaiError):
    """Another process has the results database: a second run, or a read-write connection."""

    code = "E_DB_BUSY"
    hint = "wait for it to finish, stop it, or give this run another --db"


class DatabasePath(GongkaiError):
    """The database (or its lock file) cannot be created where it was asked for."""

    code = "E_DB_PATH"
    hint = "check that the database's folder can be written"


@dataclass(frozen=True)
class Holder:
    pid: int
    writes: bool
    """A write lock (a read-write connection); False: a read-only connection."""

    @property
    def command(self) -> str:
        """The holder's command line (``/proc``), or "" if it cannot be read."""
        try:
            raw = Path(f"/proc/{self.pid}/cmdline").read_bytes()
        except OSError:
            return ""
        return " ".join(a.decode("utf-8", "replace") for a in raw.split(b"\0") if a)

    def describe(self) -> str:
        cmd = self.command
        cmd = f"{cmd[:80]}…" if len(cmd) > 80 else cmd
        mode = "for writing" if self.writes else "read-only"
        return f"process {self.pid}" + (f" ({cmd})" if cmd else "") + f", {mode}"


def holder(db: Path | str) -> Holder | None:
    """The process holding a DuckDB lock on ``db`` (another than this one), or None.

    Linux (the layout of ``struct flock``). Call it only while this process has no connection to
    ``db``: closing the probe's descriptor drops every POSIX lock this process holds on the file.
    """
    try:
        fd = os.open(db, os.O_RDONLY)
    except OSError:
        return None
    try:
        probe = _FLOCK.pack(fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = _FLOCK.unpack(fcntl.fcntl(fd, fcntl.F_GETLK, probe))
    finally:
        os.close(fd)
    if kind == fcntl.F_UNLCK:
        return None
    return Holder(pid, kind == fcntl.F_WRLCK)


def connect(
    db: Path | str,
    read_only: bool,
    timeout_s: float | None,
    waiting: Callable[[Holder, float], None] | None = None,
    refuse_writers: bool = False,
) -> duckdb.DuckDBPyConnection:
    """``duckdb.connect``, retried while another process holds a conflicting lock on the file.

    ``timeout_s`` None waits for ever; ``waiting(holder, seconds)`` is told every few seconds.
    ``refuse_writers``: a process that has the file open for writing is not waited for
    (``DatabaseBusy`` at once). An error that is not a lock held by another process is raised
    as DuckDB raised it; past the timeout, ``DatabaseBusy`` names the holder.
    """
    started = time.monotonic()
    told = seen = started
    pause = 0.02
    while True:
        try:
            return duckdb.connect(str(db), read_only=read_only)
        except duckdb.IOException:
            who = holder(db)
            now = time.monotonic()
            if who is not None:
                seen = now
            # nobody holds it: either the holder let go between the two calls (retry), or, when nobody has
            # for 2 s of failures, a real I/O error
            elif now - seen > 2.0 or not Path(db).exists():
                raise
        if who is not None and refuse_writers and who.writes:
            raise DatabaseBusy(f"{db} is open for writing in {who.describe()}",
                               hint="close that connection (read with duckdb.connect(..., read_only=True) "
                                    "during a run), or give this run another --db") from None
        if who is not None and timeout_s is not None and now - started >= timeout_s:
            raise DatabaseBusy(f"{db} is held by {who.describe()} (waited {now - started:.0f} s)") from None
        if who is not None and waiting is not None and now - told >= 5.0:
            waiting(who, now - started)
            told = now
        time.sleep(pause)
        pause = min(pause * 1.5, 0.25)


def open_results(db: Path | str, timeout_s: float = 30.0) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a results database, also while ``gongkai run`` writes it.

    The run holds the file only while it commits a batch (a second or less every few
    seconds); this retries until it lets go. Close the connection when done (``with``):
    the run waits for readers to let go before its next commit.
    """
    return connect(db, read_only=True, timeout_s=timeout_s)


class RunLock:
    """Held by a ``gongkai run`` for its whole length: ``flock`` on ``<db>.lock``, which says who runs."""

    def __init__(self, db: Path | str):
        self.path = Path(f"{os.fspath(db)}.lock")
        self._file: TextIO | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            f = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise DatabasePath(f"cannot create {self.path} ({exc.strerror})") from None
        try:
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            other = _read_owner(f)
            f.close()
            raise DatabaseBusy(f"{self.path.with_suffix('')} is being written by {other}") from None
        f.seek(0)
        f.truncate()
        f.write(json.dumps({"pid": os.getpid(), "started": datetime.now().isoformat(timespec="seconds"),
                            "argv": sys.argv}, ensure_ascii=False))
        f.flush()
        self._file = f

    def release(self) -> None:
        """Drop the lock; the file stays (unlinking a locked file races with a run taking it)."""
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.truncate(0)
            self._file.close()  # closing drops the flock
            self._file = None

    def __enter__(self) -> RunLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def running(db: Path | str) -> str | None:
    """"another gongkai run (process 1234, …)" while a run holds ``db``'s ``RunLock``, else None."""
    path = Path(f"{os.fspath(db)}.lock")
    try:
        f = path.open("r", encoding="utf-8")
    except OSError:
        return None
    with f:
        try:
            fcntl.flock(f, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_owner(f)
        fcntl.flock(f, fcntl.LOCK_UN)
        return None


def _read_owner(f: TextIO) -> str:
    """"gongkai run (process 1234, started 2026-01-05T10:00:00)" from the lock file, as far as it says."""
    f.seek(0)
    try:
        info: dict[str, Any] = json.loads(f.read() or "{}")
    except json.JSONDecodeError:
        info = {}
    pid, started = info.get("pid"), info.get("started")
    return "another gongkai run" + (f" (process {pid}" + (f", started {started}" if started else "") + ")"
                                    if pid else "")
