"""gongkai: China's government information disclosure annual reports as validated data.

Public API (everything else is private machinery)::

    from extract import read_report
    r = read_report("report.pdf")
    r.status, r.cells_frame(), r.findings
"""

__version__ = "0.1.0"

from .errors import GongkaiError
from .model import Report
from .options import Limits, Options
from .pipeline import read_report

__all__ = ["GongkaiError", "Limits", "Options", "Report", "__version__", "read_report"]
