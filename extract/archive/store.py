"""The embedded DuckDB database a batch run writes: whole documents per transaction, in batches.

A document's rows (documents, reports, cells, findings, sections, items, sentences, facts, errors)
are written together or not at all; a report someone corrected (``corrections``, never touched
by a re-run) is stored with the corrections applied. Finished documents wait in memory, already turned into
Arrow tables, and go in as one transaction per batch (``batch_docs`` documents, or whatever has
waited ``batch_seconds``): one INSERT per table instead of one per table and document, so the
writer keeps ahead of the workers. A run killed at any point leaves only whole documents behind
(it loses at most the waiting batch, which a re-run extracts again) and a re-run picks up exactly
the rest. The tables themselves are derived from the models in ``tables.py``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa

from gongkai.extract.archive.corrections import corrected_report, corrected_targets
from gongkai.extract.archive.tables import (
    ACROSS_VIEWS,
    ALL,
    CHILDREN,
    DOCUMENTS,
    ERRORS,
    REPORTS,
    WRITTEN,
    DocumentRecord,
    migrate,
    report_data,
    views,
)
from gongkai.extract.domain.model import Report, Status

log = logging.getLogger(__name__)

_CHILD_TABLES = tuple(t.name for t, _ in CHILDREN.values())
_WRITTEN = {t.name: t for t in WRITTEN}


def report_identity(report: Report) -> str:
    """The same report as PDF and as web page gives the same identity: its content, not its bytes."""
    cells = sorted((k, c.value) for k, c in report.cells.items())
    basis = json.dumps([report.organization, report.year, cells], ensure_ascii=False)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class ReportRows:
    """A report as the database stores it: its identity and its rows, column by column, per table.

    Built where the report was extracted (a run's worker), and handed back instead of the ``Report``:
    the run's own process then neither unpickles the report's few hundred models nor builds its rows,
    work it did per document on one of the cores the workers need. ``report()`` gives the model back
    (from its JSON) for the rare document someone corrected."""

    report_id: str
    status: Status
    data: dict[str, dict[str, list[Any]]]
    """Table -> its column data (``report_data``); empty for a failed report or one that could not be stored."""
    errors: dict[str, list[Any]]
    """The ``errors`` table's column data."""
    rules: tuple[str, ...] = ()
    """The rule of each finding (what the run's summary counts)."""
    error_codes: tuple[str, ...] = ()
    refused: str | None = None
    """Why the report's rows could not be built (it is stored as failed, E_INTERNAL)."""

    @classmethod
    def of(cls, report: Report, key: str, sha256: str | None) -> ReportRows:
        report_id = report_identity(report)
        data: dict[str, dict[str, list[Any]]] = {}
        refused = None
        if report.status != "failed":
            try:
                data = report_data(report_id, key, sha256, report)
            except _REFUSED as exc:  # e.g. text no encoding can write
                refused = f"{type(exc).__name__}: {exc}"
        return cls(report_id, report.status, data, ERRORS.data(report.errors, key=key),
                   tuple(f.rule for f in report.findings), tuple(e.code for e in report.errors), refused)

    def report(self) -> Report:
        return Report.model_validate_json(self.data["reports"]["report_json"][0])


@dataclass
class _Pending:
    """One written document waiting for its batch, with its rows per table."""

    doc: DocumentRecord
    report_id: str | None
    """The report it stored (not one it duplicates)."""
    data: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    """Table -> its column data (``Table.data``)."""


class Store:
    def __init__(self, path: Path | str, batch_docs: int = 200, batch_seconds: float = 1.0,
                 con: duckdb.DuckDBPyConnection | None = None):
        """``con``: a connection already open on ``path`` (opened by ``dblock``, which waits for
        other processes that hold the file)."""
        self.path = str(path)
        self.batch_docs = batch_docs
        self.batch_seconds = batch_seconds
        self.con = con if con is not None else duckdb.connect(self.path)
        try:
            added = migrate(self.con, self.path)
            self.con.execute(views())
            self.con.execute(ACROSS_VIEWS)
            self._load_index()
        except BaseException:
            self.con.close()
            raise
        if added and len(added) < len(ALL):
            log.info("%s: added %s", self.path, ", ".join(added))
        self._pending: dict[str, _Pending] = {}
        self._since: float | None = None
        self.demoted: list[DocumentRecord] = []
        """Documents (as they were given) whose report could not be stored: written as failed (E_INTERNAL)."""

    def _load_index(self) -> None:
        """What the duplicate checks ask of every document, held in memory (one query per run, not per document)."""
        self._stored: dict[str, tuple[str | None, str | None]] = {}
        """key -> (sha256 when it is no duplicate, report it stored) of every written document."""
        self._by_sha: dict[str, list[str]] = {}
        self._owner: dict[str, str] = {}
        """report_id -> key of the document that stored it."""
        self.corrected = corrected_targets(self.con)
        """sha256s and report_ids someone corrected (the only documents whose write asks the corrections table)."""
        owners = dict(self.con.execute("SELECT report_id, key FROM reports").fetchall())
        for key, sha, dup in self.con.execute("SELECT key, sha256, duplicate_of FROM documents").fetchall():
            self._index(key, sha if dup is None else None, None)
        for rid, key in owners.items():
            self._index(key, self._stored.get(key, (None, None))[0], rid)

    def _index(self, key: str, sha: str | None, report_id: str | None) -> None:
        self._unindex(key)
        self._stored[key] = (sha, report_id)
        if sha:
            self._by_sha.setdefault(sha, []).append(key)
        if report_id:
            self._owner[report_id] = key

    def _unindex(self, key: str) -> None:
        sha, rid = self._stored.pop(key, (None, None))
        if sha and key in self._by_sha.get(sha, ()):
            self._by_sha[sha].remove(key)
        if rid and self._owner.get(rid) == key:
            del self._owner[rid]

    def close(self) -> None:
        """Commit what waits and let go of the file (closing checkpoints it: whole and free for readers).

        What the run knows of the database stays in memory: ``reopen`` takes the file again."""
        try:
            self.flush()
        finally:
            self.con.close()

    def reopen(self, con: duckdb.DuckDBPyConnection) -> None:
        """Write through ``con`` (the same file, opened again) after ``close``: the run's writer holds the
        database only while it commits a batch (``writer``). Only a run writes documents, so the index
        stands; corrections may have been imported in between, so those are read again."""
        self.con = con
        self.corrected = corrected_targets(con)

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- resumability -------------------------------------------------------
    def finished(self) -> dict[str, tuple[int, float]]:
        """key -> (size, mtime) of every document already written."""
        self.flush()
        return {k: (s, m) for k, s, m in self.con.execute("SELECT key, size, mtime FROM documents").fetchall()}

    def report_for_sha(self, sha256: str) -> tuple[str, str | None] | None:
        """(key, report_id) of a document with these exact bytes that is no duplicate, if one was written."""
        keys = self._by_sha.get(sha256)
        if not keys:
            return None
        key = keys[0]
        p = self._pending.get(key)
        return key, p.doc.report_id if p is not None else self._stored[key][1]

    # -- writing --------------------------------------------------------------
    def write(
        self, doc: DocumentRecord, report: Report | None, duplicate_of: str | None = None
    ) -> tuple[str | None, str | None]:
        """Queue one document (and its report unless it duplicates one); its batch commits it.

        Returns (report_id, key of the document it duplicates or None).
        """
        rows = ReportRows.of(report, doc.key, doc.sha256) if report is not None else None
        return self.write_rows(doc, rows, duplicate_of)

    def write_rows(
        self, doc: DocumentRecord, rows: ReportRows | None, duplicate_of: str | None = None
    ) -> tuple[str | None, str | None]:
        """``write`` of a report whose rows were built already (by the worker that extracted it)."""
        self._pending.pop(doc.key, None)  # the same input twice in a batch: the later one stands
        self._unindex(doc.key)
        report_id = doc.report_id
        stored: str | None = None
        data: dict[str, dict[str, list[Any]]] = {}
        errors = rows.errors if rows is not None else ERRORS.data([], key=doc.key)
        if rows is not None and rows.status != "failed" and duplicate_of is None:
            report_id = rows.report_id
            owner = self._owner.get(report_id)
            if owner is not None and owner != doc.key:
                duplicate_of = owner
            else:
                try:
                    if rows.refused:
                        raise ValueError(rows.refused)
                    data = dict(rows.data)  # this document's own: the rows stay as they were given
                    if doc.sha256 in self.corrected or report_id in self.corrected:
                        report = corrected_report(self.con, rows.report(), doc.sha256, report_id)
                        data = report_data(report_id, doc.key, doc.sha256, report)
                    stored = report_id
                except _REFUSED:  # e.g. text no encoding can write: one unstorable report must not stop the run
                    log.warning("could not store the report of %s", doc.key, exc_info=True)
                    self.demoted.append(doc)
                    doc, report_id, data = _failed(doc), None, {}
                    errors = ERRORS.data([], key=doc.key)
        elif rows is not None and rows.status == "failed":
            report_id = None
        doc = doc.model_copy(update={"report_id": report_id, "duplicate_of": duplicate_of,
                                     "processed_at": datetime.now()})
        data["errors"] = errors
        data["documents"] = DOCUMENTS.data([doc])
        self._pending[doc.key] = _Pending(doc, stored, data)
        self._index(doc.key, doc.sha256 if duplicate_of is None else None, stored)
        self._since = self._since or time.monotonic()
        if len(self._pending) >= self.batch_docs or time.monotonic() - self._since >= self.batch_seconds:
            self.flush()
        return report_id, duplicate_of

    def flush(self) -> None:
        """Commit the waiting documents in one transaction. A batch the database (or Arrow) refuses is
        written document by document, and a document refused alone is stored as failed (E_INTERNAL)."""
        pending, self._pending, self._since = list(self._pending.values()), {}, None
        if not pending:
            return
        try:
            self._commit(pending)
        except _REFUSED:
            if len(pending) > 1:
                log.warning("a batch of %d documents was refused; writing them one by one", len(pending))
            for p in pending:
                try:
                    self._commit([p])
                except _REFUSED:
                    self._demote(p)

    def _demote(self, p: _Pending) -> None:
        """A document whose rows the database refused: its document row alone, failed with E_INTERNAL."""
        log.warning("could not store the report of %s", p.doc.key, exc_info=True)
        doc = _failed(p.doc)
        self._index(doc.key, None, None)
        self._commit([_Pending(doc, None, {"documents": DOCUMENTS.data([doc])})])
        self.demoted.append(p.doc)

    def _commit(self, pending: list[_Pending]) -> None:
        con = self.con
        incoming = {t.name: t.arrow(p.data[t.name] for p in pending if t.name in p.data) for t in WRITTEN}
        keys = [p.doc.key for p in pending]
        con.begin()
        try:
            con.register("_keys", pa.table({"key": pa.array(keys, pa.string())}))
            if con.execute("SELECT count(*) FROM documents WHERE key IN (SELECT key FROM _keys)").fetchall()[0][0]:
                self._delete(con)  # documents written before (a re-run with --force, a changed file)
            for t in WRITTEN:
                t.insert(con, incoming[t.name])
            con.unregister("_keys")
            con.commit()
        except BaseException:
            con.rollback()
            raise

    def replace_report(self, report_id: str, key: str, sha256: str | None, report: Report) -> None:
        """Rewrite one stored report's rows (a corrected report: same identity, same document), inside
        the caller's transaction."""
        for t in _CHILD_TABLES:
            self.con.execute(f"DELETE FROM {t} WHERE report_id = ?", [report_id])
        self.con.execute("DELETE FROM reports WHERE report_id = ?", [report_id])
        for name, data in report_data(report_id, key, sha256, report).items():
            _WRITTEN[name].insert(self.con, _WRITTEN[name].arrow([data]))

    @staticmethod
    def _delete(con: duckdb.DuckDBPyConnection) -> None:
        """Every row of the documents in ``_keys``: their reports' children, reports, errors, documents."""
        for t in _CHILD_TABLES:
            con.execute(f"DELETE FROM {t} WHERE report_id IN "
                        "(SELECT report_id FROM reports WHERE key IN (SELECT key FROM _keys))")
        for t in (REPORTS.name, ERRORS.name, DOCUMENTS.name):
            con.execute(f"DELETE FROM {t} WHERE key IN (SELECT key FROM _keys)")


def _failed(doc: DocumentRecord) -> DocumentRecord:
    return doc.model_copy(update={
        "status": "failed", "error_code": "E_INTERNAL", "report_id": None, "duplicate_of": None,
        "error_message": "the report could not be stored; please report it with the input file",
    })


_REFUSED = (duckdb.Error, pa.ArrowException, ValueError, TypeError, OverflowError)
"""What a database or Arrow raises for rows it will not take (a UnicodeError is a ValueError)."""
