"""Word, web pages and text exports: milliseconds per report, steady state, without the narrative.

    python benchmarks/bench_formats.py [--repeat 5]

For every .docx, .html and .txt of the shared and generated corpora: gongkai's whole pipeline
without the narrative (``read_report(path, Options(narrative=False))``: reading, mapping, rules,
sections, metadata, the report model), CPU time, the best of ``--repeat`` passes after one pass
that warms the process (imports, the data dictionary); beside it, in the same run, the time the
libraries underneath need just to parse the same files (python-docx opening the document, lxml
parsing the page, decoding the text). Born-digital PDFs are in bench_extract.py. Target: <= 10 ms
per report. The load average is printed: CPU times hold up better than wall times on a busy
machine, but not perfectly.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from gongkai import Options, read_report  # noqa: E402

CORPORA = [ROOT / "tests/corpus/shared", ROOT / "tests/corpus/generated"]


def _python_docx(data: bytes) -> None:
    import docx

    docx.Document(BytesIO(data))


def _lxml_html(data: bytes) -> None:
    from lxml import html

    html.document_fromstring(data)


def _decode(data: bytes) -> None:
    from charset_normalizer import from_bytes

    str(from_bytes(data).best())


BASELINES: dict[str, tuple[str, Callable[[bytes], None]]] = {
    ".docx": ("python-docx Document()", _python_docx),
    ".html": ("lxml.html parse", _lxml_html),
    ".txt": ("charset-normalizer decode", _decode),
}


def _per_file(paths: list[Path], fn: Callable[[Path], object], repeat: int) -> list[float]:
    """CPU seconds per file: the best of ``repeat`` passes (one warm-up pass first)."""
    for p in paths:
        fn(p)
    best = [float("inf")] * len(paths)
    for _ in range(repeat):
        for k, p in enumerate(paths):
            t = time.process_time()
            fn(p)
            best[k] = min(best[k], time.process_time() - t)
    return best


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    options = Options(narrative=False)
    print(f"{os.cpu_count()} cores; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}; "
          f"CPU ms per report, best of {args.repeat} passes")
    for ext, (label, baseline) in BASELINES.items():
        paths = sorted(p for c in CORPORA for p in c.rglob(f"*{ext}"))
        ours = _per_file(paths, lambda p: read_report(p, options), args.repeat)
        theirs = _per_file(paths, lambda p, parse=baseline: parse(p.read_bytes()), args.repeat)
        bad = sum(1 for p in paths if read_report(p, options).status != "ok")
        print(f"{ext:6s} {len(paths):3d} reports  gongkai median {1000 * statistics.median(ours):5.1f} ms "
              f"(max {1000 * max(ours):5.1f})  |  {label}: median {1000 * statistics.median(theirs):5.1f} ms  "
              f"|  not ok: {bad}  (target <= 10 ms)  [load {os.getloadavg()[0]:.1f}]")


if __name__ == "__main__":
    main()
