"""The img2table baseline's reader: runs in img2table's own venv (scripts/setup-img2table.sh).

Reads one JSON list of page image paths per line on stdin and answers one JSON line:
``{"pages": [[{"bbox", "rows": [[{"bbox", "value"} | null]]}]], "cpu": seconds}`` (this
process's CPU time and that of the Tesseract processes it ran), or ``{"error": text}``.
It imports nothing of gongkai: bench_ocr.py turns the cells into layout Tables.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def _cpu() -> float:
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time() + kids.ru_utime + kids.ru_stime


def _box(b) -> list[int]:
    return [int(b.x1), int(b.y1), int(b.x2), int(b.y2)]


def main() -> None:
    answers = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # whatever else writes to stdout (img2table runs `tesseract --version` there) goes to stderr
    from img2table.document import Image
    from img2table.ocr import TesseractOCR

    ocr = TesseractOCR(n_threads=1, lang="chi_sim")
    for line in sys.stdin:
        t0 = _cpu()
        try:
            pages = []
            for path in json.loads(line):
                # detect_rotation: img2table's own deskew, as a user would switch it on for scans
                image = Image(src=path, detect_rotation=True)
                tables = image.extract_tables(ocr=ocr, implicit_rows=False, implicit_columns=False,
                                              borderless_tables=False, min_confidence=50)
                pages.append([
                    {"bbox": _box(t.bbox),
                     "rows": [[None if c is None else {"bbox": _box(c.bbox), "value": c.value} for c in row]
                              for row in t.content.values()]}
                    for t in tables
                ])
            answer = {"pages": pages, "cpu": _cpu() - t0}
        except Exception as exc:  # noqa: BLE001 - reported to the benchmark, which stops
            answer = {"error": f"{type(exc).__name__}: {exc}"}
        answers.write(json.dumps(answer, ensure_ascii=False) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
