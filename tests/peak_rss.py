"""A child process's own peak memory, measured by a small launcher.

Linux carries a process's peak RSS across fork and exec: ``wait4`` on a child of a large process
reports at least the parent's high-water mark (a benchmark that made its pages in-process reported
1.3 GB for every reader it started afterwards). A small launcher starts the real command and reports
that command's ``ru_maxrss`` (it and the processes it waited for), which then starts from the
launcher's few megabytes. Used by the benchmarks and the memory checks of the tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

_LAUNCH = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[2:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "open(sys.argv[1], 'w').write(str(usage.ru_maxrss))\n"
    "sys.exit(os.waitstatus_to_exitcode(status))\n"
)


@dataclass
class Measured:
    returncode: int
    stdout: bytes
    stderr: bytes
    peak_mb: float


def run_measured(cmd: Sequence[str | bytes], *, env: Mapping[str, str] | None = None, capture_stderr: bool = False,
                 timeout: float | None = None) -> Measured:
    """Run ``cmd`` (stdin closed) and return its exit code, stdout, stderr (when captured; else it goes
    where this process's goes) and its own peak RSS in MB."""
    with tempfile.TemporaryDirectory() as tmp:
        peak_file = Path(tmp) / "peak"
        proc = subprocess.run([sys.executable, "-S", "-c", _LAUNCH, str(peak_file), *cmd], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE if capture_stderr else None, stdin=subprocess.DEVNULL,
                              env=dict(env) if env is not None else None, timeout=timeout)
        peak_kb = float(peak_file.read_text()) if peak_file.exists() else float("nan")
    return Measured(proc.returncode, proc.stdout, proc.stderr or b"", peak_kb / 1024)


if __name__ == "__main__":  # by hand: python -m tests.peak_rss
    hog = bytearray(400 * 1024 * 1024)
    for i in range(0, len(hog), 4096):
        hog[i] = 1
    _, status, usage = os.wait4(subprocess.Popen([sys.executable, "-c", "pass"]).pid, 0)
    print(f"wait4 on a direct child: {usage.ru_maxrss / 1024:.0f} MB; "
          f"through the launcher: {run_measured([sys.executable, '-c', 'pass']).peak_mb:.0f} MB")
