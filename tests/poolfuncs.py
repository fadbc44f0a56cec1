"""Tasks for worker-pool tests (importable by worker processes)."""

from __future__ import annotations

import os
import time

_HELD: list[bytearray] = []


def behave(job: str) -> str:
    if job == "leak":  # a document that leaves memory behind in its worker
        _HELD.append(bytearray(600 * 1024**2))
    if job == "big":  # needs 500 MB: fits a fresh worker under a 1 GB cap, not one that leaked 600
        _ = bytearray(500 * 1024**2)
    if job == "hang":
        time.sleep(60)
    if job == "crash":
        os._exit(3)
    if job == "memory":
        _ = bytearray(4 * 1024**3)
    if job == "native":  # a native library that cannot allocate where an earlier document left memory
        return "FAILED" if _HELD else "NATIVE"
    if job == "always":  # fails whatever the worker
        return "FAILED"
    if job == "raise":
        raise ValueError("boom")
    return job.upper()
