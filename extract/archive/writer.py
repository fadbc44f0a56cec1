"""The run's writer: holds the database only while it commits a batch, so it can be read meanwhile.

Results wait in memory for at most ``commit_every_s`` seconds (or ``max_batch`` documents),
then the writer opens the database, writes each document in its own transaction (all of
its rows or none), and closes it again, which checkpoints it. Between commits the file is
free: ``duckdb.connect(path, read_only=True)`` gets in, and the writer waits, without taking
more results from the workers, until readers let go. A kill at any moment loses at most the
documents not yet committed; a re-run does exactly those again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from gongkai.extract.archive import dblock
from gongkai.extract.archive.store import Store


@dataclass
class Pending:
    key: str
    doc: dict[str, Any]
    report: dict[str, Any] | None


Written = Callable[[dict[str, Any], dict[str, Any] | None, str | None], None]
"""Told of each committed document: (documents row, report or None, key of the report it duplicates)."""
Notice = Callable[[str], None]


class BatchWriter:
    def __init__(self, db: Path, commit_every_s: float = 2.0, max_batch: int = 200,
                 written: Written | None = None, notice: Notice | None = None):
        self.db = db
        self.commit_every_s = commit_every_s
        self.max_batch = max_batch
        self.written = written
        self.notice = notice
        self.pending: list[Pending] = []
        self.oldest = 0.0
        self.commits = 0
        self.hold_s = 0.0
        """Seconds the writer held the file in all (open, write, checkpoint, close)."""

    # -- the file, held briefly ---------------------------------------------------------------
    def _open(self, first: bool = False) -> Store:
        def waiting(who: dblock.Holder, seconds: float) -> None:
            if self.notice:
                self.notice(f"{self.db} is held by {who.describe()}: the run waits for it to close "
                            f"(waited {seconds:.0f} s; extraction is paused meanwhile)")

        # at the start a writer is refused (another program has it open read-write); readers are waited for
        con = dblock.connect(self.db, read_only=False, timeout_s=None, waiting=waiting, refuse_writers=first)
        try:
            return Store(self.db, con=con, create=first)
        except BaseException:
            con.close()
            raise

    def finished(self) -> dict[str, tuple[int, float]]:
        """Creates the tables if need be; key -> (size, mtime) of every document already written."""
        store = self._open(first=True)
        try:
            return store.finished()
        finally:
            store.close()

    # -- batches ------------------------------------------------------------------------------
    def add(self, key: str, doc: dict[str, Any], report: dict[str, Any] | None) -> None:
        if not self.pending:
            self.oldest = time.monotonic()
        self.pending.append(Pending(key, doc, report))
        self.maybe_commit()

    def maybe_commit(self) -> None:
        """Commit if the oldest waiting result is due or the batch is full (also called while idle)."""
        if self.pending and (len(self.pending) >= self.max_batch
                             or time.monotonic() - self.oldest >= self.commit_every_s):
            self.commit()

    def apply(self, step: Callable[[duckdb.DuckDBPyConnection], object]) -> None:
        """Run ``step`` on the database, held as for a commit (the cross-report tables at the end)."""
        t0 = time.monotonic()
        store = self._open()
        try:
            step(store.con)
        finally:
            store.close()
            self.commits += 1
            self.hold_s += time.monotonic() - t0

    def commit(self) -> None:
        """Write every waiting document, each in its own transaction, and let go of the file."""
        if not self.pending:
            return
        t0 = time.monotonic()
        store = self._open()
        try:
            while self.pending:
                p = self.pending[0]
                doc, report = p.doc, p.report
                dup = store.report_for_sha(doc["sha256"]) if doc.get("sha256") else None
                duplicate_of = dup[0] if dup and dup[0] != p.key else None
                if duplicate_of:
                    doc["report_id"] = dup[1]
                try:
                    _, duplicate_of = store.write(doc, report, duplicate_of)
                except duckdb.Error as exc:  # one unstorable report must not stop the batch
                    doc = {**doc, "status": "failed", "error_code": "E_INTERNAL", "report_id": None,
                           "error_message": f"the report could not be stored ({type(exc).__name__}); please report it"}
                    report = None
                    _, duplicate_of = store.write(doc, None)
                self.pending.pop(0)
                if self.written:
                    self.written(doc, report, duplicate_of)
        finally:
            store.close()  # a checkpoint: the file is whole and free for readers
            self.commits += 1
            self.hold_s += time.monotonic() - t0
