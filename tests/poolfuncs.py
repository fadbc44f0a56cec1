"""Tasks for worker-pool tests (importable by worker processes)."""

from __future__ import annotations

import os
import time
from pathlib import Path

_HELD: list[bytearray] = []

SLOW_START = Path(__file__).with_name(".slow_start")
"""While this file exists, a worker process takes as many seconds as it says to start (importing this)."""
if SLOW_START.exists():
    time.sleep(float(SLOW_START.read_text()))


def behave(job: str) -> str:
    if job == "leak":  # a document that leaves memory behind in its worker
        _HELD.append(bytearray(600 * 1024**2))
    if job == "big":  # needs 500 MB: fits a fresh worker under a 1 GB cap, not one that leaked 600
        _ = bytearray(500 * 1024**2)
    if job == "slow":
        time.sleep(1)
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
    if job == "size":  # the worker's address space (what RLIMIT_AS caps), in kB
        with open("/proc/self/status") as f:
            return next(line.split()[1] for line in f if line.startswith("VmSize:"))
    if job == "raise":
        raise ValueError("boom")
    if job == "heap":  # uses 100 MB and frees it in a way glibc keeps in its heap; the RSS while in use, MB
        big = b"\x01" * (16 * 2**20)
        del big  # a freed mapping: glibc now serves requests up to 16 MB from its heap, not their own mappings
        chunks = [b"\x01" * 2**20 for _ in range(100)]  # noqa: F841 - held until the return
        _PINS.append(b"\x02" * 2**19)  # kept, above them (no hole below fits it): the heap cannot shrink from its top
        return str(_rss_mb())  # the chunks are freed on return
    if job == "rss":
        return str(_rss_mb())
    return job.upper()


_PINS: list[bytes] = []


def _rss_mb() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") // 2**20



def ocr_models(job: str) -> tuple[int, int]:
    """This worker's process id and the RapidOCR models its page reader uses (loaded on first use)."""
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import OcrOptions

    models = page_reader(OcrOptions()).prose._engine()
    _KEPT.append(models)  # kept alive: models built anew would not reuse this one's id
    return os.getpid(), id(models)


_KEPT: list[object] = []
