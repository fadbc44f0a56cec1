"""The C heap (glibc's malloc) through ctypes: its free memory counted, handed back, or kept for the
next model run; elsewhere than glibc every call does nothing.

malloc's settings belong to the whole process, so nothing here changes them unless the process's owner
asks: an archive worker or a benchmark calls ``keep_freed``; a library user's process keeps glibc's
defaults, and a model run hands back what it freed (``release``), as before the setting existed.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache

KEPT_FOR_MODEL_RUNS_MB = 128
"""What a worker lets the heap keep between model runs: the recogniser's activations and a page's own
arrays. Kept, a clean bench run read the same cells in 2.60 instead of 2.96 s CPU a page (~90,000 fewer
page faults a page), peak 968 -> 907 MB; every block kept with no cap took the peak to 1081-1155 MB."""

_M_TRIM_THRESHOLD = -1
_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_LARGEST_KEPT_BLOCK = 32 << 20  # glibc's own ceiling for the mmap threshold (64-bit)


class _MallInfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (2.33 and later)."""

    _fields_ = [(name, ctypes.c_size_t) for name in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks", "fordblks", "keepcost")]


class _Malloc:
    """glibc's malloc controls. Without ``mallinfo2`` (glibc before 2.33) the free memory cannot be
    counted, so nothing is kept: every ``release`` trims."""

    def __init__(self, libc: ctypes.CDLL) -> None:
        self._libc = libc
        self.counts = hasattr(libc, "mallinfo2") and hasattr(libc, "mallopt")
        if self.counts:
            libc.mallinfo2.restype = _MallInfo2
        self.kept = 0
        """Bytes of free memory ``release`` leaves in the heap: 0 until ``keep_freed``."""
        self.settled = False
        """Whether the models have loaded (``settle``): malloc's settings for ``kept`` are made from then."""

    def info(self) -> _MallInfo2 | None:
        return self._libc.mallinfo2() if self.counts else None

    def trim(self) -> None:
        self._libc.malloc_trim(0)

    def option(self, param: int, value: int) -> None:
        if hasattr(self._libc, "mallopt"):
            self._libc.mallopt(param, value)


@cache
def _glibc() -> _Malloc | None:
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name) if name else None
    except OSError:
        return None
    return _Malloc(libc) if libc is not None and hasattr(libc, "malloc_trim") else None


def trim() -> None:
    """Hand every free page of the C heap back to the system (``malloc_trim(0)``): well under 1 ms."""
    heap = _glibc()
    if heap is not None:
        heap.trim()


def release() -> None:
    """After a model run: hand the heap's free pages back when it holds more than ``keep_freed`` allowed
    (by default nothing: all of them).

    onnxruntime (RapidOCR runs it without its memory arena) frees a page's detection maps and a batch's
    activations through malloc, which keeps the pages: resident memory crept up by ~40 MB a document and
    a 10-document benchmark run peaked at 1.0-1.17 GB; trimmed after each run, 0.95-1.02 GB. But then
    every run maps its activations afresh (~90,000 page faults, ~0.4 s of system time a page), which
    ``keep_freed`` trades for a little memory. Counting the free memory walks malloc's free lists:
    microseconds."""
    heap = _glibc()
    if heap is None:
        return
    info = heap.info()
    if heap.kept > 0 and info is not None and info.fordblks <= heap.kept:
        return
    heap.trim()


def keep_freed(kept_mb: int = KEPT_FOR_MODEL_RUNS_MB) -> None:
    """For the whole process: serve blocks up to 32 MB from the heap, and let ``release`` (and malloc
    itself) keep up to ``kept_mb`` MB freed there for the next model run (0: ``release`` trims after
    every run again; the blocks up to 32 MB stay in the heap).

    By default glibc maps each block above its threshold (128 kB, raised towards 32 MB only as such
    blocks are freed) on its own and unmaps it when freed, and gives back the heap's top past 128 kB:
    the recogniser's activations were fresh zeroed pages at every batch. Larger blocks (a 300 dpi page's
    arrays, the detector's one block of activations) are still mapped on their own: kept in the heap with
    the rest (``M_MMAP_MAX`` 0), a clean bench run's peak rose 968 -> 1081 MB.

    The settings are made once the OCR models have loaded (``settle``), where cpu9 made them: what a
    process allocates before its first model run is placed as it was."""
    heap = _glibc()
    if heap is None or not heap.counts:
        return
    heap.kept = kept_mb << 20
    if heap.settled:
        _apply(heap)


def settle() -> None:
    """The models have loaded: from now on the heap keeps what ``keep_freed`` asked (nothing if not asked)."""
    heap = _glibc()
    if heap is None or heap.settled or not heap.counts:
        return
    heap.settled = True
    if heap.kept > 0:
        _apply(heap)


def _apply(heap: _Malloc) -> None:
    heap.option(_M_MMAP_THRESHOLD, _LARGEST_KEPT_BLOCK)
    heap.option(_M_TRIM_THRESHOLD, min(heap.kept, (1 << 31) - 1))


def limit_arenas(n: int) -> None:
    """At most ``n`` malloc arenas for the process. glibc gives each thread that allocates (onnxruntime's,
    OpenCV's) its own 64 MB arena of address space; under RLIMIT_AS those reservations, not the memory
    used, reach the cap after many documents (the soak saw 3 GB of address space beside 800 MB
    resident)."""
    heap = _glibc()
    if heap is not None:
        heap.option(_M_ARENA_MAX, n)


def usage() -> tuple[int, int]:
    """(bytes malloc has handed out, bytes it holds free) in this process; (0, 0) without ``mallinfo2``."""
    heap = _glibc()
    info = heap.info() if heap is not None else None
    if info is None:
        return 0, 0
    return int(info.uordblks + info.hblkhd), int(info.fordblks)
