"""gongkai (公开): government information disclosure annual reports as validated data.

The public API; everything under ``gongkai.extract``, ``gongkai.ocr`` and
``gongkai.nlp`` is machinery that may change::

    import gongkai
    r = gongkai.read_report("report.pdf")
    r.status, r.cells_frame(), r.findings
    with gongkai.open_results("results.duckdb") as con:   # also while `gongkai run` writes it
        con.sql("SELECT status, count(*) FROM documents GROUP BY ALL").df()
"""

from gongkai._version import __version__
from gongkai.extract.archive.dblock import open_results
from gongkai.extract.domain.model import Report
from gongkai.extract.errors import GongkaiError
from gongkai.extract.options import Limits, OcrOptions, Options
from gongkai.extract.pipeline import read_report

__all__ = ["GongkaiError", "Limits", "OcrOptions", "Options", "Report", "__version__", "open_results", "read_report"]
