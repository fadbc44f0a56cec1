"""Where a cold `gongkai extract` spends its CPU, per process, and when each step happens.

    python benchmarks/cli_timeline.py [--runs 7] [--pdf tests/corpus/shared/pdf/huaian_2024.pdf]
                                      [--importtime] [-- extract options...]

Runs the real command (``gongkai.extract.interfaces.entry.main``, as the ``gongkai`` script does)
cold, ``--runs`` times (a first, dropped run writes bytecode and warms the file cache), each in a
new interpreter that first installs a few hooks: an import watcher (when ``typer``, the command
line, spaCy, the analysis modules, jieba have finished importing), wrappers around the report's
reading and narrative, and around the pipe between the command and its narrative helper (when the
helper is ready, each question and answer, how long the command waits). Every event records the
moment (seconds since the launcher started the process; one monotonic clock for both processes)
and the CPU the process has used so far. Printed: the median of each over the runs, per process,
and the CPU on the critical path (the helper's CPU until it answers last, or the command's until
it no longer waits).

On a loaded machine wall moments stretch with the load; CPU figures are the sturdier ones. With
``--importtime`` one more run is made under ``python -X importtime`` with the helper's stderr
split from the command's, and the slowest imports (self time, by top-level package) are printed
per process.
"""

from __future__ import annotations

import os
import sys
import time

_T0 = float(os.environ.get("GONGKAI_TIMELINE_T0", "0"))


def _child(events_path: str, argv: list[str]) -> None:
    """Run the command with the hooks installed (imports as little as possible before it)."""
    fd = os.open(events_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    role = {"name": "main"}

    def mark(name: str) -> None:
        line = f"{os.getpid()}\t{role['name']}\t{name}\t{time.perf_counter() - _T0:.4f}\t{time.process_time():.4f}\n"
        os.write(fd, line.encode())

    mark("interpreter up")

    split_stderr = os.environ.get("GONGKAI_TIMELINE_HELPER_STDERR")

    def in_helper() -> None:
        role["name"] = "helper"
        mark("forked")
        if split_stderr:
            err = os.open(split_stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
            os.dup2(err, 2)
            os.close(err)

    os.register_at_fork(before=lambda: mark("forks the helper"), after_in_child=in_helper)

    watched = {
        "typer": "typer imported",
        "gongkai.extract.interfaces.cli": "command line imported",
        "gongkai.extract.pipeline": "pipeline imported",
        "numpy": "numpy imported",
        "pydantic": "pydantic imported",
        "thinc.api": "thinc imported",
        "spacy": "spacy imported",
        "jieba": "jieba imported",
        "gongkai.nlp.analyse": "analysis modules imported",
    }
    wrap_after = {
        "gongkai.extract.pipeline": [("read_report", "read")],
        "gongkai.extract.domain.narrative": [("analyse_narrative", "narrative")],
        "gongkai.nlp.analyse": [("load", "load model")],
        "gongkai.extract.domain.model": [],
    }

    def wrapped(fn, label: str):
        def inner(*args, **kw):
            mark(f"{label} start")
            try:
                return fn(*args, **kw)
            finally:
                mark(f"{label} end")

        return inner

    class Loader:
        def __init__(self, loader, name: str):
            self.loader, self.name = loader, name

        def create_module(self, spec):
            return self.loader.create_module(spec)

        def exec_module(self, module):
            self.loader.exec_module(module)
            if self.name in watched:
                mark(watched[self.name])
            for attr, label in wrap_after.get(self.name, []):
                setattr(module, attr, wrapped(getattr(module, attr), label))

        def __getattr__(self, item):
            return getattr(self.loader, item)

    class Watcher:
        @staticmethod
        def find_spec(name, path=None, target=None):
            if name not in watched and name not in wrap_after:
                return None
            for finder in sys.meta_path:
                if finder is Watcher or not hasattr(finder, "find_spec"):
                    continue
                spec = finder.find_spec(name, path, target)
                if spec is not None:
                    if spec.loader is not None and hasattr(spec.loader, "exec_module"):
                        spec.loader = Loader(spec.loader, name)
                    return spec
            return None

    sys.meta_path.insert(0, Watcher)

    from multiprocessing.connection import Connection

    send, recv = Connection.send, Connection.recv

    def send_marked(self, obj):
        status = obj[0] if isinstance(obj, tuple) and obj and isinstance(obj[0], str) else None
        if role["name"] == "helper" and status in ("ready", "unavailable"):
            mark(status)
        result = send(self, obj)
        if role["name"] == "helper" and status in ("ok", "error"):
            mark("answered")
        elif role["name"] == "main" and obj is not None:
            mark("asked")
        return result

    def recv_marked(self):
        mark("waits")
        try:
            return recv(self)
        finally:
            mark("received")

    Connection.send, Connection.recv = send_marked, recv_marked

    import atexit
    import importlib

    for target in filter(None, os.environ.get("GONGKAI_TIMELINE_WITHOUT", "").split(",")):
        module, _, func = target.rpartition(".")
        setattr(importlib.import_module(module), func, lambda *a, **k: None)  # that step skipped in this arm
    atexit.register(mark, "exit")
    sys.argv = ["gongkai", *argv]
    from gongkai.extract.interfaces.entry import main

    try:
        main()
    finally:
        sys.stdout.flush()
        mark("output written")


def _run(argv: list[str], events: str, importtime: str | None = None, without: str = "") -> tuple[float, float]:
    """One cold run: the events file filled; (wall, CPU of the process tree)."""
    import subprocess

    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["GONGKAI_TIMELINE_WITHOUT"] = without
    cmd = [sys.executable]
    if importtime:
        cmd += ["-X", "importtime"]
        env["GONGKAI_TIMELINE_HELPER_STDERR"] = importtime + ".helper"
    cmd += [__file__, "--child", events, "--", *argv]
    stderr = open(importtime + ".main", "w") if importtime else subprocess.PIPE  # noqa: SIM115
    t0 = time.perf_counter()
    env["GONGKAI_TIMELINE_T0"] = repr(t0)
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=stderr, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - t0
    if importtime:
        stderr.close()
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        err = proc.stderr.read().decode()[-800:] if proc.stderr else ""
        raise SystemExit(f"{cmd} failed: {err}")
    if proc.stderr:
        proc.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def _read_events(path: str) -> dict[str, list[tuple[str, float, float]]]:
    """role -> [(event, moment, CPU)] in the order written; repeated events numbered (asked #3)."""
    out: dict[str, list[tuple[str, float, float]]] = {}
    seen: dict[tuple[str, str], int] = {}
    with open(path) as f:
        for line in f:
            _, role, name, t, cpu = line.rstrip("\n").split("\t")
            n = seen.get((role, name), 0) + 1
            seen[(role, name)] = n
            out.setdefault(role, []).append((name if n == 1 else f"{name} #{n}", float(t), float(cpu)))
    return out


def _digest(path: str, top: int) -> list[str]:
    """The slowest imports of one -X importtime log: self time by top-level package, and by module."""
    by_pkg: dict[str, int] = {}
    by_mod: dict[str, int] = {}
    total = 0
    with open(path, errors="replace") as f:
        for line in f:
            if not line.startswith("import time:") or "self [us]" in line:
                continue
            self_us, _, name = (x.strip() for x in line[len("import time:") :].split("|"))
            us = int(self_us)
            mod = name.strip()
            by_pkg[mod.split(".")[0]] = by_pkg.get(mod.split(".")[0], 0) + us
            by_mod[mod] = by_mod.get(mod, 0) + us
            total += us
    lines = [f"  all imports: {total / 1e6:.3f} s self time"]
    lines.append("  by package: " + ", ".join(f"{k} {v / 1e3:.0f} ms" for k, v in
                                                sorted(by_pkg.items(), key=lambda kv: -kv[1])[:top]))
    lines.append("  by module:  " + ", ".join(f"{k} {v / 1e3:.0f} ms" for k, v in
                                                sorted(by_mod.items(), key=lambda kv: -kv[1])[:top]))
    return lines


def _summarise(runs: list, walls: list[float], cpus: list[float]) -> None:
    """Medians of the moments and CPU of each event per process, and of the critical path."""
    import itertools
    import statistics

    print(f"wall median {statistics.median(walls):.3f} s (min {min(walls):.3f}); "
          f"CPU of all processes median {statistics.median(cpus):.3f} s (min {min(cpus):.3f})")
    for role in ("main", "helper"):
        names: list[str] = []
        for r in runs:
            for name, _, _ in r.get(role, []):
                if name not in names:
                    names.append(name)
        print(f"\n{role}{'':32s} moment     CPU   (medians over the runs that have the event)")
        for name in names:
            ts = [t for r in runs for n, t, _ in r.get(role, []) if n == name]
            cs = [c for r in runs for n, _, c in r.get(role, []) if n == name]
            note = "" if len(ts) == len(runs) else f"  ({len(ts)} of {len(runs)} runs)"
            print(f"  {name:34s} {statistics.median(ts):6.3f} s  {statistics.median(cs):6.3f} s{note}")
    # critical path: the helper's CPU until its last answer, the command's CPU until it stops waiting
    waits, helper_cpu, main_cpu, waited = [], [], [], []
    for r in runs:
        answers = [c for n, _, c in r.get("helper", []) if n.startswith("answered")]
        if answers:
            helper_cpu.append(answers[-1])
        main = r.get("main", [])
        waited.append(sum(t2 - t1 for (n1, t1, _), (n2, t2, _) in itertools.pairwise(main)
                          if n1.startswith("waits") and n2.startswith("received")))
        main_cpu += [c for n, _, c in main if n == "exit"]
        waits.append(len([n for n, _, _ in main if n.startswith("waits")]))
    if helper_cpu:
        print(f"\nhelper CPU until its last answer: median {statistics.median(helper_cpu):.3f} s "
              f"(min {min(helper_cpu):.3f})")
    if main_cpu:
        print(f"command CPU until exit: median {statistics.median(main_cpu):.3f} s (min {min(main_cpu):.3f}); "
              f"it waited on the helper {statistics.median(waited):.3f} s (median, {statistics.median(waits):.0f} "
              "receives)")


def main() -> None:
    import argparse
    import tempfile
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--pdf", default=str(root / "tests/corpus/shared/pdf/huaian_2024.pdf"))
    ap.add_argument("--importtime", action="store_true", help="one more run under -X importtime, digested")
    ap.add_argument("--top", type=int, default=12, help="packages and modules listed per import digest")
    ap.add_argument("--without", default="", metavar="MODULE.FUNC[,...]",
                    help="also time runs with these functions made no-ops (interleaved with the plain runs)")
    ap.add_argument("extra", nargs="*", help="more options for `gongkai extract` (after --)")
    args = ap.parse_args()
    argv = ["extract", args.pdf, "--json", *args.extra]
    with tempfile.TemporaryDirectory(prefix="cli_timeline") as tmp:
        _measure(args, argv, Path(tmp))


def _measure(args, argv: list[str], tmp) -> None:
    """The runs of ``main``, their events in ``tmp``."""
    arms = ["", args.without] if args.without else [""]
    results: dict[str, tuple[list, list, list]] = {arm: ([], [], []) for arm in arms}
    for arm in arms:
        _run(argv, str(tmp / "warm.tsv"), without=arm)
    for i in range(args.runs):
        for k, arm in enumerate(arms):
            path = tmp / f"run{i}-{k}.tsv"
            wall, cpu = _run(argv, str(path), without=arm)
            runs, walls, cpus = results[arm]
            walls.append(wall)
            cpus.append(cpu)
            runs.append(_read_events(str(path)))
    print(
        f"gongkai {' '.join(argv)}: {args.runs} cold runs (first dropped); {os.cpu_count()} cores; "
        f"load {' '.join(f'{x:.1f}' for x in os.getloadavg())}"
    )
    for arm in arms:
        if len(arms) > 1:
            print(f"\n=== {'without ' + arm if arm else 'as is'} ===")
        _summarise(*results[arm])
    if args.importtime:
        base = str(tmp / "importtime")
        _run(argv, str(tmp / "importtime.tsv"), importtime=base)
        for role in ("main", "helper"):
            print(f"\n-X importtime, {role} (one run):")
            print("\n".join(_digest(f"{base}.{role}", args.top)))


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        _child(sys.argv[2], sys.argv[4:] if sys.argv[3:4] == ["--"] else sys.argv[3:])
    else:
        main()
