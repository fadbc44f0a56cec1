"""The benchmarks' memory figures are the measured process's own, not the parent's high-water mark."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.peak_rss import run_measured


def test_a_small_child_of_a_large_process_is_measured_small():
    hog = bytearray(300 * 1024 * 1024)
    for i in range(0, len(hog), 4096):  # touched, so resident
        hog[i] = 1
    _, _, usage = os.wait4(subprocess.Popen([sys.executable, "-c", "pass"]).pid, 0)
    assert usage.ru_maxrss / 1024 > 300  # the trap: Linux counts this process's peak in its direct child
    run = run_measured([sys.executable, "-c", "import sys; sys.stdout.write('hi')"])
    assert run.returncode == 0 and run.stdout == b"hi"
    assert run.peak_mb < 100
    del hog


def test_a_large_child_is_measured_large_and_its_exit_code_kept():
    run = run_measured([sys.executable, "-c", "b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); "
                        "raise SystemExit(3)"], capture_stderr=True)
    assert run.returncode == 3
    assert run.peak_mb > 200
