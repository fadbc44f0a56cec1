"""Tasks for worker-pool tests (importable by worker processes)."""

from __future__ import annotations

import os
import time


def behave(job: str) -> str:
    if job == "hang":
        time.sleep(60)
    if job == "crash":
        os._exit(3)
    if job == "memory":
        _ = bytearray(4 * 1024**3)
    if job == "raise":
        raise ValueError("boom")
    return job.upper()



def ocr_models(job: str) -> tuple[int, int]:
    """This worker's process id and the RapidOCR models its page reader uses (loaded on first use)."""
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import OcrOptions

    models = page_reader(OcrOptions()).prose._engine()
    _KEPT.append(models)  # kept alive: models built anew would not reuse this one's id
    return os.getpid(), id(models)


_KEPT: list[object] = []
