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
