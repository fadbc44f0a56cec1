"""The run's writer: holds the database only while it commits a batch, so it can be read meanwhile.

Results wait in memory for at most ``commit_every_s`` seconds (or ``max_batch`` documents),
then the writer opens the database, writes them in one transaction (``Store.flush``: a batch
the database refuses goes in document by document, each with all of its rows or none), and
closes it again, which checkpoints it. Between commits the file is free:
``duckdb.connect(path, read_only=True)`` gets in, and the writer waits, without taking more
results from the workers, until readers let go. One ``Store`` serves the whole run (what it
knows of the stored documents stays in memory between commits). A kill at any moment loses at
most the documents not yet committed; a re-run does exactly those again.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from gongkai.extract.archive import dblock
from gongkai.extract.archive.store import ReportRows, Store
from gongkai.extract.archive.tables import DocumentRecord


@dataclass
class Pending:
    doc: DocumentRecord
    rows: ReportRows | None


Written = Callable[[DocumentRecord, ReportRows | None, str | None], None]
"""Told of each committed document: (its documents record, its report's rows or None, key of the report it
duplicates)."""
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
        self._store: Store | None = None

    @property
    def demoted(self) -> list[DocumentRecord]:
        """Documents (as they were given) whose report could not be stored: written as failed (E_INTERNAL)."""
        return self._store.demoted if self._store is not None else []

    # -- the file, held briefly ---------------------------------------------------------------
    def _connect(self, first: bool = False) -> duckdb.DuckDBPyConnection:
        def waiting(who: dblock.Holder, seconds: float) -> None:
            if self.notice:
                self.notice(f"{self.db} is held by {who.describe()}: the run waits for it to close "
                            f"(waited {seconds:.0f} s; extraction is paused meanwhile)")

        # at the start a writer is refused (another program has it open read-write); readers are waited for
        return dblock.connect(self.db, read_only=False, timeout_s=None, waiting=waiting, refuse_writers=first)

    def _take(self) -> Store:
        """The run's store, holding the file (the first time: creating or migrating the tables)."""
        first = self._store is None
        con = self._connect(first=first)
        try:
            if self._store is None:
                # the writer decides when a batch commits: the store commits only when told (flush, close)
                self._store = Store(self.db, batch_docs=self.max_batch, batch_seconds=math.inf, con=con)
            else:
                self._store.reopen(con)
        except BaseException:
            con.close()
            raise
        return self._store

    def finished(self) -> dict[str, tuple[int, float]]:
        """key -> (size, mtime) of every document already written (the run's first look at the database:
        another program that has it open for writing is refused here, ``DatabaseBusy``)."""
        store = self._take()
        try:
            return store.finished()
        finally:
            store.close()

    # -- batches ------------------------------------------------------------------------------
    def add(self, doc: DocumentRecord, rows: ReportRows | None) -> None:
        if not self.pending:
            self.oldest = time.monotonic()
        self.pending.append(Pending(doc, rows))
        self.maybe_commit()

    def maybe_commit(self) -> None:
        """Commit if the oldest waiting result is due or the batch is full (also called while idle)."""
        if self.pending and (len(self.pending) >= self.max_batch
                             or time.monotonic() - self.oldest >= self.commit_every_s):
            self.commit()

    def apply(self, step: Callable[[duckdb.DuckDBPyConnection], object]) -> None:
        """Run ``step`` on the database, held as for a commit (the cross-report tables at the end)."""
        t0 = time.monotonic()
        store = self._take()
        try:
            step(store.con)
        finally:
            store.close()
            self.commits += 1
            self.hold_s += time.monotonic() - t0

    def commit(self) -> None:
        """Write every waiting document in one transaction and let go of the file.

        The batch leaves ``pending`` only once committed: a commit interrupted part-way is done again
        whole by the next (the store replaces documents it already holds), so nothing is lost or doubled."""
        if not self.pending:
            return
        t0 = time.monotonic()
        batch = list(self.pending)
        store = self._take()
        try:
            told: list[tuple[DocumentRecord, ReportRows | None, str | None]] = []
            for p in batch:
                doc = p.doc
                dup = store.report_for_sha(doc.sha256) if doc.sha256 else None
                duplicate_of = dup[0] if dup and dup[0] != doc.key else None
                if duplicate_of:
                    doc.report_id = dup[1]
                _, duplicate_of = store.write_rows(doc, p.rows, duplicate_of)
                told.append((doc, p.rows, duplicate_of))
            store.flush()
            del self.pending[:len(batch)]
        finally:
            store.close()  # a checkpoint: the file is whole and free for readers
            self.commits += 1
            self.hold_s += time.monotonic() - t0
        if self.written:
            for t in told:
                self.written(*t)
