"""Whole archives: parallel, resumable runs into DuckDB.

Workers (local processes or a Dask cluster) only extract and return plain data;
the parent alone writes the database, one transaction per document, so
resumability holds whichever engine ran the work. It holds the file only while it
commits a batch (``writer``), and the whole run holds ``<db>.lock`` (``dblock``): a
second run on the same database is refused, readers get in between commits.
"""

from __future__ import annotations

import os
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from gongkai._version import __version__
from gongkai.extract.archive.across import build_across
from gongkai.extract.archive.dblock import RunLock
from gongkai.extract.archive.inputs import InputFile, display_path, iter_inputs, load_bytes
from gongkai.extract.archive.store import ReportRows
from gongkai.extract.archive.tables import DocumentRecord
from gongkai.extract.archive.workers import Idle, Outcome, run_pool
from gongkai.extract.archive.writer import BatchWriter
from gongkai.extract.domain.model import Report, Source
from gongkai.extract.errors import GongkaiError
from gongkai.extract.options import Options
from gongkai.extract.pipeline import extract_bytes, failed_report

Engine = Literal["local", "dask"]


@dataclass(frozen=True)
class RunOptions:
    db: Path
    workers: int = field(default_factory=lambda: os.cpu_count() or 1)
    timeout_s: float = 300.0
    """Per document; a document still running then is stopped with E_TIMEOUT (local engine)."""
    memory_mb: int = 3072
    """Per worker address-space cap; a document exceeding it gets E_MEMORY (local engine)."""
    force: bool = False
    since: float | None = None
    """Only inputs modified at or after this POSIX time."""
    engine: Engine = "local"
    scheduler: str | None = None
    """Dask scheduler address; None starts a LocalCluster."""
    commit_every_s: float = 2.0
    """Results wait in memory at most this long before they are committed; between commits the
    database is free for readers (and a kill loses at most these)."""
    extract: Options = field(default_factory=Options)


@dataclass
class RunSummary:
    seen: int = 0
    skipped: int = 0
    processed: int = 0
    statuses: Counter[str] = field(default_factory=Counter)
    error_codes: Counter[str] = field(default_factory=Counter)
    findings: Counter[str] = field(default_factory=Counter)
    duplicates: int = 0
    seconds: float = 0.0
    interrupted: bool = False
    commits: int = 0
    hold_s: float = 0.0
    """Seconds the database was held by the writer (open, write, checkpoint, close) in all."""


Job = tuple[InputFile, Options]


@dataclass
class Extracted:
    """What a worker hands back for one input: its documents row and its report's rows, built in the
    worker (lists of plain values cross the pipe, not the report's models)."""

    doc: DocumentRecord
    rows: ReportRows


def process_job(job: Job) -> Extracted:
    """Worker side: one input file to a document record and its report's rows."""
    item, options = job
    started = time.perf_counter()
    src = Source(path=item.key, paths=[item.key])
    try:
        data = load_bytes(item, options.limits)
        report = extract_bytes(data, options, src, started)
    except GongkaiError as exc:
        report = failed_report(src, exc, started)
    doc = document_record(item, report, time.perf_counter() - started)
    return Extracted(doc, ReportRows.of(report, doc.key, doc.sha256))


def document_record(
    item: InputFile, report: Report | None, seconds: float, code: str | None = None, message: str | None = None
) -> DocumentRecord:
    """The documents row of an input: from its report, or from the pool's error when it has none."""
    src = report.source if report is not None else Source()
    first_error = next((e for e in report.errors if e.code.startswith("E_")), None) if report else None
    return DocumentRecord(
        key=item.key,
        path=display_path(item.path),
        member=item.member,
        size=item.size,
        mtime=item.mtime,
        sha256=src.sha256,
        format=src.format,
        pages=src.pages,
        status=report.status if report is not None else "failed",
        error_code=code or (first_error.code if first_error else None),
        error_message=message or (first_error.message if first_error else None),
        seconds=round(seconds, 4),
        extractor_version=__version__,
    )


_ENGINE_FAILED = "E_OCR_FAILED"
"""An OCR engine that failed while it ran (onnxruntime's ``std::bad_alloc`` under the memory cap
comes as its own error, not ``MemoryError``): the soak saw it once in a worker that had read ~1,000
documents, and the same scan read in a fresh worker."""


def doubtful(result: Extracted) -> bool:
    """A result that may be the worker's fault rather than the document's (``run_pool``'s ``suspect``)."""
    return result.doc.error_code == _ENGINE_FAILED or _ENGINE_FAILED in result.rows.error_codes


def _local(jobs: Iterable[Job], ro: RunOptions, idle: Idle | None = None) -> Iterator[Outcome]:
    preload = "gongkai.extract.archive." + ("preload_narrative" if ro.extract.narrative else "preload")
    yield from run_pool(process_job, jobs, ro.workers, ro.timeout_s, ro.memory_mb, idle, suspect=doubtful,
                        preload=[preload])


def _dask(jobs: Iterable[Job], ro: RunOptions, idle: Idle | None = None) -> Iterator[Outcome]:
    from gongkai.extract.archive.cluster import run_dask

    yield from run_dask(process_job, jobs, ro.workers, ro.timeout_s, ro.memory_mb, ro.scheduler, idle)


ENGINES: dict[Engine, Callable[[Iterable[Job], RunOptions, Idle | None], Iterator[Outcome]]] = {
    "local": _local, "dask": _dask}

Progress = Callable[[str, RunSummary, int], None]
Notice = Callable[[str], None]


def run_batch(
    sources: list[Path], ro: RunOptions, progress: Progress | None = None, notice: Notice | None = None
) -> RunSummary:
    """Extract every report under ``sources`` into ``ro.db``; finished documents are skipped.

    Raises ``DatabaseBusy`` when another run (or a read-write connection) has the database.
    """
    started = time.perf_counter()
    summary = RunSummary()

    def written(doc: DocumentRecord, rows: ReportRows | None, duplicate_of: str | None) -> None:
        summary.statuses[doc.status] += 1
        if doc.error_code:
            summary.error_codes[doc.error_code] += 1
        if duplicate_of:
            summary.duplicates += 1
        summary.findings.update(rows.rules if rows is not None else ())

    with RunLock(ro.db):
        writer = BatchWriter(ro.db, ro.commit_every_s, written=written, notice=notice)
        done = writer.finished()  # also with --force: a database another program writes is refused now
        if ro.force:
            done = {}
        todo: list[InputFile] = []
        for item in iter_inputs(sources, ro.since):
            summary.seen += 1
            if done.get(item.key) == (item.size, item.mtime):
                summary.skipped += 1
            else:
                todo.append(item)
        if progress:
            progress("start", summary, len(todo))
        jobs = ((item, ro.extract) for item in todo)
        try:
            for outcome in ENGINES[ro.engine](jobs, ro, writer.maybe_commit):
                item: InputFile = outcome.job[0]
                rows: ReportRows | None
                if outcome.result is not None:
                    doc, rows = outcome.result.doc, outcome.result.rows
                else:
                    doc = document_record(item, None, outcome.seconds, outcome.error_code, outcome.error_message)
                    rows = None
                summary.processed += 1
                writer.add(doc, rows)
                if progress:
                    progress("advance", summary, len(todo))
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            try:
                writer.commit()  # what finished before the end (or the interruption) is kept
                if not summary.interrupted:
                    writer.apply(build_across)  # one body over the years: continuity, recurring problems
            except KeyboardInterrupt:
                summary.interrupted = True
            summary.commits, summary.hold_s = writer.commits, writer.hold_s
        for doc in writer.demoted:  # one unstorable report must not stop the batch: it is stored as failed
            summary.statuses[doc.status] -= 1
            if doc.error_code:
                summary.error_codes[doc.error_code] -= 1
            summary.statuses["failed"] += 1
            summary.error_codes["E_INTERNAL"] += 1
        summary.statuses, summary.error_codes = +summary.statuses, +summary.error_codes  # no zero counts
    summary.seconds = time.perf_counter() - started
    if progress:
        progress("end", summary, len(todo))
    return summary
