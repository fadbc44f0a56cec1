"""Many reports from Python: a tidy frame of cells (``read_reports``) or a run into DuckDB (``run``).

Both walk folders and zip archives like ``gongkai run`` (extract.archive.inputs) and show a
progress bar where someone is watching: a notebook, or a terminal on stderr; never in a pipe
or a log, and never with ``progress=False``. A file that cannot be read is a document row
with its error code, never an exception: the rest go on.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import sys
import time
from collections.abc import Iterable, Sequence
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gongkai.extract.archive.inputs import iter_inputs, load_bytes
from gongkai.extract.domain.model import CELL_COLUMNS, CELL_DTYPES, Report, Source
from gongkai.extract.errors import GongkaiError
from gongkai.extract.options import Options
from gongkai.extract.pipeline import extract_bytes, failed_report

if TYPE_CHECKING:
    import pandas as pd

    from gongkai.extract.archive.batch import RunSummary

log = logging.getLogger(__name__)

Paths = str | os.PathLike[str] | Sequence[str | os.PathLike[str]]

# the report's columns that every cell row carries, before the cell's own
REPORT_COLUMNS = ["path", "organization", "year", "level", "body", "template", "status"]
DOCUMENT_COLUMNS = ["path", "status", "error_code", "error_message", "format", "pages", "organization", "year",
                    "level", "body", "template", "cells", "findings", "seconds"]
_DOCUMENT_DTYPES = {"pages": "Int64", "year": "Int64", "cells": "Int64", "findings": "Int64"}


def in_notebook() -> bool:
    """True inside a Jupyter kernel (a notebook, or nbclient running one)."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None  # type: ignore[attr-defined]
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def progress_bar(total: int, progress: bool | None, desc: str) -> Any:
    """A tqdm bar, or None. ``progress=None`` shows one only in a notebook or on a terminal (stderr)."""
    if progress is False:
        return None
    notebook = in_notebook()
    if progress is None and not notebook and not sys.stderr.isatty():
        return None
    if notebook and find_spec("ipywidgets") is not None:
        from tqdm.notebook import tqdm
    else:  # a text bar: on a terminal, or in a notebook without widgets
        from tqdm import tqdm
    # a text bar in a notebook is saved line by line: redraw it every few seconds there, not ten times a second
    every = 3.0 if notebook else 0.1
    return tqdm(total=total, desc=desc, unit="file", file=sys.stderr, dynamic_ncols=True, mininterval=every)


def _as_list(sources: Paths) -> list[Path]:
    if isinstance(sources, (str, os.PathLike)):
        return [Path(sources)]
    return [Path(s) for s in sources]


def iter_reports(sources: Paths, options: Options | None = None, progress: bool | None = None
                 ) -> Iterable[tuple[str, Report, float]]:
    """(input key, report, seconds) for every file under ``sources``, one after the other."""
    options = options or Options()
    items = list(iter_inputs(_as_list(sources)))
    bar = progress_bar(len(items), progress, "gongkai")
    try:
        for item in items:
            started = time.perf_counter()
            src = Source(path=item.key, paths=[item.key])
            try:
                report = extract_bytes(load_bytes(item, options.limits), options, src, started)
            except GongkaiError as exc:  # the file could not be read: a coded error, the rest go on
                report = failed_report(src, exc, started)
            except Exception as exc:
                if options.strict:
                    raise
                log.warning(
                    "E_INTERNAL on %s (a bug: please report it with the file)", item.key, exc_info=True)
                report = failed_report(src, GongkaiError(f"unexpected {type(exc).__name__}: {exc}"), started)
            if bar is not None:
                bar.update(1)
                bar.set_postfix_str(report.status, refresh=False)
            yield item.key, report, time.perf_counter() - started
    finally:
        if bar is not None:
            bar.close()


def read_reports(
    sources: Paths, options: Options | None = None, *, progress: bool | None = None, strict: bool | None = None
) -> pd.DataFrame:
    """Every report under ``sources`` (files, folders, zip archives) as one tidy frame: a row per cell.

    Each row carries its report's path, organisation, year, level, body, template and status, then
    the cell with its provenance (as ``Report.cells_frame()``: counts in ``value`` as ``Int64``, money
    in ``amount``). A file that could not be read has no rows; ``frame.attrs["documents"]`` has one
    row per input file with its status and error code, whatever happened to it.
    """
    import pandas as pd

    options = options or Options()
    if strict is not None:
        options = dataclasses.replace(options, strict=strict)
    frames, docs = [], []
    for key, report, seconds in iter_reports(sources, options, progress):
        first_error = next((e for e in report.errors if e.code.startswith("E_")), None)
        meta = {"path": key, "organization": report.organization, "year": report.year, "level": report.level,
                "body": report.body, "template": report.template, "status": report.status}
        docs.append({**meta, "error_code": first_error.code if first_error else None,
                     "error_message": first_error.message if first_error else None,
                     "format": report.source.format, "pages": report.source.pages, "cells": len(report.cells),
                     "findings": len(report.findings), "seconds": round(seconds, 3)})
        if report.cells:
            cells = report.cells_frame()
            for i, (col, value) in enumerate(meta.items()):
                cells.insert(i, col, value)
            frames.append(cells)
    columns = REPORT_COLUMNS + CELL_COLUMNS
    out = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=columns)
    out = out.astype({**CELL_DTYPES, "year": "Int64"})[columns]
    out.attrs["documents"] = pd.DataFrame(docs, columns=DOCUMENT_COLUMNS).astype(_DOCUMENT_DTYPES)
    return out


def run(
    sources: Paths,
    db: str | os.PathLike[str],
    *,
    workers: int | None = None,
    options: Options | None = None,
    force: bool = False,
    progress: bool | None = None,
) -> RunSummary:
    """``gongkai run`` from Python: every report under ``sources`` into the DuckDB database ``db``.

    Parallel (``workers`` processes, default all cores) and resumable: documents already in the
    database are skipped unless ``force``. Returns the run's counts; query the database with duckdb.
    """
    from gongkai.extract.archive.batch import RunOptions, run_batch

    ro = RunOptions(db=Path(db), workers=workers or os.cpu_count() or 1, force=force,
                    extract=options or Options())
    state: dict[str, Any] = {}

    def update(event: str, summary: RunSummary, total: int) -> None:
        if event == "start":
            state["bar"] = progress_bar(total, progress, "gongkai run")
        bar = state.get("bar")
        if bar is None:
            return
        if event == "advance":
            bar.update(summary.processed - bar.n)
            bar.set_postfix_str(f"ok {summary.statuses['ok']} · partial {summary.statuses['partial']} · "
                                f"failed {summary.statuses['failed']}", refresh=False)
        elif event == "end":
            bar.close()

    return run_batch(_as_list(sources), ro, update)
