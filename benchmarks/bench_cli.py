"""`gongkai extract` of one report from the shell, cold: a new process each time, as a user runs it.

    python benchmarks/bench_cli.py [--runs 5] [--pdf tests/corpus/shared/pdf/huaian_2024.pdf]

Prints, per command, the median wall time and the median CPU time (user + system, the process
and its children) over ``--runs`` runs, beside the same PDF opened cold by the libraries gongkai
builds on, in the same run: pdfplumber reading every page's characters and tables, camelot's
lattice tables, and pypdfium2 listing every character (the floor of any reader). The first run
of each command is dropped (file cache, and the bytecode Python writes on a first import: the
commands run without PYTHONDONTWRITEBYTECODE, as on a user's machine, where a wheel's modules are
also compiled when pip installs it). The target: the born-digital report with its
narrative in <= 1 s wall. The load average is printed: on a busy machine wall time is CPU time
stretched by the other processes; CPU time is the sturdier figure.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GONGKAI = str(Path(sys.executable).parent / "gongkai")

PLUMBER = """
import sys, pdfplumber
with pdfplumber.open(sys.argv[1]) as pdf:
    for page in pdf.pages:
        page.chars
        page.extract_tables()
"""
CAMELOT = """
import sys, camelot
camelot.read_pdf(sys.argv[1], pages="all", flavor="lattice", backend="pdfium")
"""
PDFIUM = """
import sys, pypdfium2 as pdfium
pdf = pdfium.PdfDocument(sys.argv[1])
for page in pdf:
    tp = page.get_textpage()
    n = tp.count_chars()
    [tp.get_charbox(i, loose=True) for i in range(n)]
"""


# a sandbox may set it; a user's Python writes bytecode, and the dropped first run lets it
_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def _timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system of the process and what it waited for)."""
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=_ENV)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"{cmd} failed: {proc.stderr.read().decode()[-500:] if proc.stderr else ''}")
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--pdf", default=str(ROOT / "tests/corpus/shared/pdf/huaian_2024.pdf"))
    ap.add_argument("--text", default=str(ROOT / "tests/corpus/shared/seeds/seed000.txt"))
    args = ap.parse_args()
    py = sys.executable
    commands = {
        "gongkai extract PDF (with narrative)": [GONGKAI, "extract", args.pdf, "--json"],
        "gongkai extract PDF --no-narrative": [GONGKAI, "extract", args.pdf, "--json", "--no-narrative"],
        "gongkai extract text export": [GONGKAI, "extract", args.text, "--json"],
        "pdfplumber: chars + tables": [py, "-c", PLUMBER, args.pdf],
        "camelot lattice tables": [py, "-c", CAMELOT, args.pdf],
        "pypdfium2: every char box": [py, "-c", PDFIUM, args.pdf],
        "python -c pass": [py, "-c", "pass"],
    }
    print(
        f"{Path(args.pdf).name} and {Path(args.text).name}; {args.runs} cold runs each (first dropped); "
        f"{os.cpu_count()} cores; load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for name, cmd in commands.items():
        _timed(cmd)  # file cache, compiled bytecode
        walls, cpus = zip(*(_timed(cmd) for _ in range(args.runs)), strict=True)
        print(
            f"{name:40s} wall {statistics.median(walls):5.2f} s   CPU {statistics.median(cpus):5.2f} s"
            f"   (min wall {min(walls):.2f} s)  [load {os.getloadavg()[0]:.1f}]"
        )


if __name__ == "__main__":
    main()
