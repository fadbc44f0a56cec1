"""gongkai (公开): government information disclosure annual reports as validated data.

The public API; everything under ``gongkai.extract``, ``gongkai.ocr`` and
``gongkai.nlp`` is machinery that may change::

    import gongkai
    r = gongkai.read_report("report.pdf")          # one report (a Report: shows itself in a notebook)
    r.status, r.table_frame("applications", labels=True), r.findings_frame()
    cells = gongkai.read_reports("archive/")       # many: one row per cell; .attrs["documents"]
    gongkai.run("archive/", db="results.duckdb")   # an archive into DuckDB, parallel and resumable
    a = gongkai.Archive("results.duckdb")          # a `gongkai run` database, across reports
    a.bodies(), a.series(org_key), a.continuity(), a.recurring()
    gongkai.compare(report_2023, report_2024)      # same_body, findings across years, recurring problems
    with gongkai.open_results("results.duckdb") as con:   # read-only, also while `gongkai run` writes it
        con.sql("SELECT status, count(*) FROM documents GROUP BY ALL").df()
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from gongkai._version import __version__
from gongkai.extract.errors import GongkaiError
from gongkai.extract.options import Limits, OcrOptions, Options

if TYPE_CHECKING:
    from spacy.language import Language

    from gongkai.extract.archive.dblock import open_results
    from gongkai.extract.domain.model import Report
    from gongkai.extract.interfaces.notebook import read_reports, run
    from gongkai.extract.pipeline import read_report


def load_narrative() -> Language:
    """The trained narrative pipeline that ships with gongkai (``spacy.load`` of the packaged model)."""
    from gongkai.nlp.imports import import_spacy

    import_spacy()
    from gongkai.nlp.analyse import load

    return load()


# imported on first use: a command imports what it needs (the report model and the pipeline: ~0.3 s;
# many reports and across reports: tqdm, DuckDB and pandas, which reading one report does not need)
_LAZY = {
    "Report": ("gongkai.extract.domain.model", "Report"),
    "read_report": ("gongkai.extract.pipeline", "read_report"),
    "read_reports": ("gongkai.extract.interfaces.notebook", "read_reports"),
    "run": ("gongkai.extract.interfaces.notebook", "run"),
    "Archive": ("gongkai.extract.archive.across", "Archive"),
    "Comparison": ("gongkai.extract.domain.across.compare", "Comparison"),
    "compare": ("gongkai.extract.domain.across.compare", "compare_reports"),
    "open_results": ("gongkai.extract.archive.dblock", "open_results"),
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'gongkai' has no attribute {name!r}")


__all__ = [
    "Archive",
    "Comparison",
    "GongkaiError",
    "Limits",
    "OcrOptions",
    "Options",
    "Report",
    "__version__",
    "compare",
    "load_narrative",
    "open_results",
    "read_report",
    "read_reports",
    "run",
]
