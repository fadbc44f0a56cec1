"""Soak: 2,000 documents through `gongkai run --workers 2`, the writer killed three times and resumed.

    python benchmarks/bench_soak.py --corpus /tmp/soak            # builds the corpus on first use
    python benchmarks/bench_soak.py --corpus /tmp/soak --build-only

The corpus (made once, then reused): reports from ``tests/generator`` (seed 4242, not the
checked-in corpus's) as Word, LibreOffice PDF, web page (five encodings) and Word's text export,
some as .doc and .odt (LibreOffice) and some as clean scans (image-only PDFs, OCR), and 5 %
hostile inputs (``tests/hostile/make.py``'s corpus and the soak's own documents cut off at random
points). The run goes as a user's does: ``gongkai run DIR --db DB --workers 2``. When the
database holds a random share of the documents (read with ``duckdb.connect(read_only=True)``
while the run writes it), the writer process alone gets ``kill -9``, three times; each time the
same command is started again and resumes. Printed:

- documents per minute over the whole soak (restarts included) and per segment;
- the resident memory of every worker and of the writer over time (peak per 2-minute window) and
  whether it grew (``memory_growth``, the rule printed as ``RULE``: growth is judged between the
  one-time loads of the engines, ``ENGINES``, never across them);
- whether the workers of a killed writer went away on their own;
- the check: every input exactly one ``documents`` row; every generated report (in whichever
  format) has every cell of its truth with the truth's value (the scans: cells right, counted);
  every hostile input the outcome its manifest owes it; no E_INTERNAL;
- the reads during the run: every one got in, none waited long;
- the machine's load (a shared machine makes every timing noisy).

The soak fails (exit 1, a ``SOAK FAILED:`` line per reason) when any check does, a worker's or the
writer's memory grew, the writer was not killed as often as asked, a killed writer's workers stayed, or a
reader was kept out.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SEED = 4242
DOCS = 2000
HOSTILE_SHARE = 0.05
SCANS = 10
OFFICE = 15  # .doc and .odt each
SCAN = f"_clean_{SEED}"
"""In the name of a scan (tests.generator.degrade's clean level) of a generated PDF."""
READ_WAIT_MAX_S = 10.0
"""A reader during the run must get in within this (the writer holds the file only while it
commits a batch, about a second; a shared, loaded machine stretches that several times)."""
ENGINES = {"RapidOCR": "/onnxruntime/", "Tesseract": "/libtesseract", "camelot": "/matplotlib/", "spaCy": "/blis/"}
"""Engine -> a path mapped into a worker once it has loaded that engine (its native library). A worker
loads each at most once, on the first document that needs it, and its memory steps up then, for
good (benchmarks/worker_memory.py, at 311b764's successor: the first scan loads RapidOCR, +280 MB; the
first born-digital PDF whose table pdfium is unsure of, or whose digits are checked, loads camelot
(with matplotlib and OpenCV) and Tesseract, +124 MB; the first document spaCy and jieba, +70 MB).
Those are warm-up, not growth: growth is judged between them (``memory_growth``)."""


# -- the corpus -------------------------------------------------------------------------------------


def _one(i: int, out: str) -> tuple[dict, str | None]:
    from tests.generator.__main__ import generate_one

    want_pdf, want_html = i % 3 != 2, (i % 2 == 0 or i % 7 == 3)
    truth, pdf_src = generate_one(i, SEED, Path(out), want_pdf, want_html, want_text=True)
    return truth, str(pdf_src) if pdf_src else None


def build(corpus: Path, docs: int = DOCS) -> None:
    """Generate the documents (two processes), convert, scan and damage; write corpus.json."""
    from tests.generator.__main__ import convert_to_pdf

    gen, office, hostile = (corpus / "inputs" / d for d in ("generated", "office", "hostile"))
    for d in (gen, office, hostile):
        d.mkdir(parents=True, exist_ok=True)
    n_hostile = round(docs * HOSTILE_SHARE)
    n_scans, n_office = max(1, SCANS * docs // DOCS), max(1, OFFICE * docs // DOCS)
    good = docs - n_hostile - n_scans - 2 * n_office
    # formats per report: docx, txt always; pdf 2 in 3; html 4 in 7 -> about 3.2 documents a report
    reports = int(good / 3.2) + 1
    t0 = time.time()
    with get_context("forkserver").Pool(2) as pool:
        made = pool.starmap(_one, [(i, str(gen)) for i in range(reports)])
    print(f"generated {reports} reports in {time.time() - t0:.0f} s", flush=True)
    to_pdf = [Path(p) for _, p in made if p]
    for _ in range(4):  # LibreOffice may stop part-way through a long list and still exit 0
        missing = [p for p in to_pdf if not p.with_suffix(".pdf").exists()]
        for k in range(0, len(missing), 50):
            convert_to_pdf(missing[k : k + 50], gen)
    made_pdf = sum(p.with_suffix(".pdf").exists() for p in to_pdf)
    print(f"{made_pdf} of {len(to_pdf)} PDFs by LibreOffice after {time.time() - t0:.0f} s", flush=True)
    files = sorted(p for p in gen.iterdir() if p.suffix in (".docx", ".pdf", ".html", ".txt"))
    drop = len(files) - good
    if drop > 0:  # keep every format: drop text exports of the last reports
        for p in sorted((p for p in files if p.suffix == ".txt"), reverse=True)[:drop]:
            p.unlink()
    rng = random.Random(SEED)
    docx = sorted(gen.glob("*.docx"))
    _office([*rng.sample(docx, 2 * n_office)], office)
    from tests.generator import degrade

    for pdf in rng.sample(sorted(gen.glob("*.pdf")), n_scans):
        # beside their source: the walk meets them throughout the run, so every segment's workers load OCR
        degrade.make(pdf, gen, "clean", SEED)
    from tests.hostile import damage
    from tests.hostile.make import make as make_hostile

    cases = make_hostile(hostile / "corpus", port=9)
    extra = n_hostile - len(cases)
    cut_dir = hostile / "cut"
    cut_dir.mkdir(exist_ok=True)
    pool_ = sorted(p for p in gen.iterdir() if p.suffix in (".docx", ".pdf", ".html", ".txt"))
    for k, src in enumerate(rng.sample(pool_, max(0, extra))):
        (cut_dir / f"cut{k:03d}_{src.name}").write_bytes(damage.cut(src.read_bytes(), rng.uniform(0.2, 0.97)))
    _trim(corpus, docs)
    (corpus / "corpus.json").write_text(json.dumps({"seed": SEED, "documents": docs, "reports": reports,
                                                    "built_s": round(time.time() - t0)}))
    print(f"corpus ready in {time.time() - t0:.0f} s", flush=True)


def _trim(corpus: Path, docs: int) -> None:
    """Exactly ``docs`` inputs as the run counts them (a zip's members each, a folder none): text
    exports of the last reports go."""
    from gongkai.extract.archive.inputs import iter_inputs

    extra = sum(1 for _ in iter_inputs([corpus / "inputs"])) - docs
    texts = sorted((corpus / "inputs" / "generated").glob("*.txt"), reverse=True)
    for p in texts[: max(0, extra)]:
        p.unlink()


def _office(docx: list[Path], out: Path) -> None:
    """Half as .doc, half as .odt (one LibreOffice run each), named after their source."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to make the .doc/.odt documents")
    half = len(docx) // 2
    for fmt, group in (("doc", docx[:half]), ("odt", docx[half:])):
        with tempfile.TemporaryDirectory() as profile:
            subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", fmt,
                            "--outdir", str(out), *map(str, group)], check=True, capture_output=True, timeout=1800)


# -- the run, killed and resumed --------------------------------------------------------------------


class Memory:
    """RSS of every process under the run, sampled each second: {pid: [(t, rss, role)]}."""

    def __init__(self) -> None:
        self.samples: dict[int, list[tuple[float, int]]] = defaultdict(list)
        self.vms: dict[int, int] = defaultdict(int)
        """Peak address space per process: what --memory-mb caps (RLIMIT_AS), not RSS."""
        self.role: dict[int, str] = {}
        self.segment: dict[int, int] = {}
        self.loads: dict[int, dict[str, float]] = defaultdict(dict)
        """pid -> engine -> when it was first seen loaded in that worker (its memory steps up then)."""
        self.proc: psutil.Process | None = None
        self.seg = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)
        self.started = time.monotonic()

    def watch(self, pid: int, seg: int) -> None:
        self.proc, self.seg = psutil.Process(pid), seg

    def _loop(self) -> None:
        while not self._stop.wait(1.0):
            proc = self.proc
            if proc is None:
                continue
            try:
                tree = [proc, *proc.children(recursive=True)]
            except psutil.Error:
                continue
            now = time.monotonic() - self.started
            for p in tree:
                try:
                    info = p.memory_info()
                    rss = info.rss
                    self.vms[p.pid] = max(self.vms[p.pid], info.vms)
                    if p.pid not in self.role:
                        cmd, parent = " ".join(p.cmdline()), p.ppid()
                        self.role[p.pid] = ("writer" if p.pid == proc.pid else
                                            ("forkserver" if "forkserver" in cmd else "helper")
                                            if parent == proc.pid else
                                            "worker" if self.role.get(parent) == "forkserver" else
                                            "tool")  # a worker's LibreOffice, qpdf
                        self.segment[p.pid] = self.seg
                except psutil.Error:
                    continue
                if self.role[p.pid] == "worker" and len(self.loads[p.pid]) < len(ENGINES):
                    for engine in _loaded(p.pid, [e for e in ENGINES if e not in self.loads[p.pid]]):
                        self.loads[p.pid][engine] = now
                self.samples[p.pid].append((now, rss))

    def start(self) -> Memory:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()

    def save(self, path: Path) -> None:
        """Every sample, to judge or draw again later."""
        path.write_text(json.dumps({pid: {"role": self.role.get(pid), "segment": self.segment.get(pid),
                                          "loads": self.loads.get(pid, {}), "samples": samples}
                                    for pid, samples in self.samples.items()}))


def _loaded(pid: int, engines: Sequence[str]) -> list[str]:
    """Which of ``engines`` have their library mapped into process ``pid`` (Linux; elsewhere none: no
    step excused)."""
    try:
        with open(f"/proc/{pid}/maps", encoding="utf-8", errors="replace") as f:
            maps = f.read()
    except OSError:
        return []
    return [e for e in engines if ENGINES[e] in maps]


def _count(db: Path, failures: list[str] | None = None) -> int | None:
    """Documents written so far, read as an analyst would while the run writes. None before the run
    has made its tables; a read kept out or broken is also put in ``failures``."""
    import duckdb

    from gongkai import open_results
    from gongkai.extract.archive.dblock import DatabaseBusy

    if not db.exists():
        return None
    try:
        with open_results(db, timeout_s=30) as con:
            return con.execute("SELECT count(*) FROM documents").fetchone()[0]
    except duckdb.CatalogException:
        return None  # the tables are being made
    except (duckdb.Error, DatabaseBusy) as exc:
        if failures is not None:
            failures.append(f"{type(exc).__name__}: {exc}")
        return None


def soak(corpus: Path, kills: int, rng: random.Random) -> dict:
    inputs, db = corpus / "inputs", corpus / "soak.duckdb"
    for p in (db, Path(f"{db}.wal"), Path(f"{db}.lock")):
        p.unlink(missing_ok=True)
    from gongkai.extract.archive.inputs import iter_inputs

    total = sum(1 for _ in iter_inputs([inputs]))
    targets = sorted(rng.uniform(0.05, 0.9) * total for _ in range(kills))
    cmd = [str(Path(sys.executable).parent / "gongkai"), "run", str(inputs), "--db", str(db), "--workers", "2",
           "--no-progress"]
    mem = Memory().start()
    segments, loads, read_waits, orphans, read_failures = [], [], [], [], []
    seg = 0
    while True:
        started = time.monotonic()
        log = (corpus / f"run{seg}.log").open("wb")
        proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
        mem.watch(proc.pid, seg)
        killed_at = None
        target = targets[seg] if seg < len(targets) else None
        while proc.poll() is None:
            time.sleep(2.0)
            loads.append(os.getloadavg()[0])
            t = time.monotonic()
            n = _count(db, read_failures)
            read_waits.append(time.monotonic() - t)
            if target is not None and n is not None and n >= target:
                time.sleep(rng.uniform(0.0, 3.0))
                children = psutil.Process(proc.pid).children(recursive=True)
                os.kill(proc.pid, signal.SIGKILL)  # the writer only: its workers must go by themselves
                proc.wait()
                killed_at = _count(db)
                _, alive = psutil.wait_procs(children, timeout=15)
                orphans.append(len(alive))
                if alive:
                    print(f"  still alive 15 s after the kill: {[(p.pid, mem.role.get(p.pid, '?')) for p in alive]}",
                          flush=True)
                for p in alive:
                    p.kill()
                break
        log.close()
        segments.append({"segment": seg, "seconds": round(time.monotonic() - started, 1),
                         "killed": killed_at is not None,
                         "documents_after": killed_at if killed_at is not None else _count(db),
                         "exit": proc.returncode})
        print(f"segment {seg}: {segments[-1]}", flush=True)
        if killed_at is None:
            break
        seg += 1
    mem.stop()
    mem.save(corpus / "memory.json")
    return {"total_inputs": total, "segments": segments, "memory": mem, "loads": loads, "read_waits": read_waits,
            "read_failures": read_failures, "orphans": orphans, "db": db, "kills": kills}


# -- the check --------------------------------------------------------------------------------------


def check(corpus: Path, db: Path) -> dict:
    from gongkai import open_results
    from gongkai.extract.archive.inputs import display_path, iter_inputs
    from tests.hostile.make import load_manifest, path_of

    inputs = corpus / "inputs"
    keys = [i.key for i in iter_inputs([inputs])]
    with open_results(db) as con:
        rows = con.execute("SELECT key, count(*) FROM documents GROUP BY key").fetchall()
        docs = {k: v for k, *v in con.execute(
            "SELECT key, status, error_code, report_id, format FROM documents").fetchall()}
        cells = defaultdict(dict)
        for rid, cid, value in con.execute("SELECT report_id, cell_id, value FROM cells").fetchall():
            cells[rid][cid] = value
        internal = con.execute("SELECT count(*) FROM documents WHERE error_code = 'E_INTERNAL'").fetchone()[0]
    counts = dict(rows)
    out: dict = {"inputs": len(keys), "rows": sum(counts.values()),
                 "missing": sorted(set(keys) - set(counts)), "extra": sorted(set(counts) - set(keys)),
                 "twice": sorted(k for k, n in counts.items() if n != 1), "e_internal": internal}
    # generated documents: every cell of the truth, with its value
    bad_good: list[tuple[str, str, int]] = []
    per_format: Counter[str] = Counter()
    truths = {p.stem: json.loads(p.read_text("utf-8")) for p in (inputs / "generated").glob("gen_*.json")
              if SCAN not in p.stem}
    for k in keys:
        path = Path(k.split("!", 1)[0])
        if path.parent.name not in ("generated", "office") or SCAN in path.stem:
            continue
        want = truths[path.stem]["cells"]
        status, code, rid, _ = docs.get(k, (None, None, None, None))
        got = cells.get(rid, {})
        wrong = [c for c in want if got.get(c, "missing") != want[c]] + [c for c in got if c not in want]
        per_format[path.suffix] += 1
        if status != "ok" or wrong:
            bad_good.append((k, f"{status} {code}", len(wrong)))
    out["good"] = sum(per_format.values())
    out["good_formats"] = dict(per_format)
    out["good_incomplete"] = bad_good
    # scans: OCR cells right
    right = total = 0
    for truth_path in (inputs / "generated").glob(f"*{SCAN}*.json"):
        t = json.loads(truth_path.read_text("utf-8"))
        key = display_path(inputs / "generated" / t["files"][0])
        got = cells.get(docs.get(key, (None, None, None))[2], {})
        total += len(t["cells"])
        right += sum(1 for c, v in t["cells"].items() if got.get(c, "missing") == v)
    out["scans_cells"] = (right, total)
    # hostile: the manifest's outcome
    hostile_bad = []
    folder = inputs / "hostile" / "corpus"
    for case in load_manifest(folder):
        if case.members or case.expect.run_code == "-":
            continue
        key = display_path(path_of(folder, case))
        status, code, *_ = docs.get(key, (None, None))
        want_code = case.expect.run_code or case.expect.code
        if status not in case.expect.status or (status == "failed" and code != want_code):
            hostile_bad.append((case.file, status, code, case.expect.status, want_code))
    out["hostile_unexpected"] = hostile_bad
    out["hostile_cut_statuses"] = dict(Counter(docs[k][0] for k in keys if "/hostile/cut/" in k))
    return out


# -- report -----------------------------------------------------------------------------------------


SETTLE_S = 60.0
"""Skipped after a worker starts or loads an engine: its first documents grow the heap to its
working size (the allocator's pools, onnxruntime's first runs)."""
MIN_STEADY_S = 180.0
"""A stretch of steady life shorter than this is not judged (thirds of under a minute hold a few
dozen documents: too few to tell a trend from which documents fell where)."""
TOLERANCE = 0.05
"""A third's lower level must exceed the third before's higher by more than this share to count as
a rise (~35 MB on a 700 MB worker): on a flat line the allocator's high-water mark still moves a
few per cent with the documents."""

RULE = (f"a process's life is cut where it loads an engine ({', '.join(ENGINES)}: each once, a step that is "
        f"warm-up, not growth); each stretch from {SETTLE_S:.0f} s after its start or a load to the next load or "
        f"its end, if {MIN_STEADY_S / 60:.0f} min or longer, is cut into six windows (level: the window's median "
        f"RSS) taken in thirds; it grew when the middle third's lower level is over the first's higher by more "
        f"than {TOLERANCE:.0%} and the last's over the middle's likewise; the soak fails if any worker or the "
        f"writer grew, or if no worker had a stretch judged")
"""The memory rule, printed by the soak."""


@dataclass(frozen=True)
class Growth:
    """The memory verdict on one process: its steady stretches, each in thirds of two windows."""

    judged: bool
    grew: bool
    thirds: tuple[tuple[float, float], ...] = ()
    """(lower, higher) level of each third's two windows, MB: of the stretch that grew, else the longest."""
    steady_s: float = 0.0
    """Judged steady life, all stretches together."""
    why: str = ""
    role: str = "worker"


def memory_growth(samples: Sequence[tuple[float, int]], loads: Sequence[float] = (), settle_s: float = SETTLE_S,
                  min_steady_s: float = MIN_STEADY_S, tolerance: float = TOLERANCE) -> Growth:
    """Whether a process's memory grew over its life: ``samples`` (seconds, RSS bytes), ``loads`` when
    it loaded an engine (each a step, not growth: ``ENGINES``).

    Its life is cut at each load; each stretch's steady part (from ``settle_s`` after its start) is
    judged when it lasts ``min_steady_s``: cut into six equal windows, taken in thirds of two; a
    window's level is its median RSS. A stretch grew when the lower level of the middle third
    exceeds the higher of the first, and the lower of the last the higher of the middle, each by more
    than ``tolerance``; the process grew when any stretch did.

    The median, not the peak: a window's peak is set by the heaviest document that fell in it (a
    scan's OCR lifts it 150-250 MB for seconds), which would hide a climb of that size; memory kept
    for good lifts the level the worker returns to between documents, which the median is.
    Lower against higher, two rises in a row: a single step (a document that leaves the heap
    bigger, once) lifts one third above the one before but not the next above it; memory that
    keeps climbing lifts both. Cut at loads: an engine's load is a step of known cause that may fall
    anywhere (the first document that needs it), and two of them in one stretch look like a climb.
    """
    if not samples:
        return Growth(False, False, why="no samples")
    first, end = samples[0][0], samples[-1][0]
    cuts = sorted(t for t in loads if first <= t <= end)
    bounds = list(zip([first, *cuts], [*cuts, end], strict=True))
    judged: list[tuple[float, tuple[tuple[float, float], ...], bool]] = []
    longest_short = 0.0
    for lo, hi in bounds:
        start = lo + settle_s
        if hi - start < min_steady_s:
            longest_short = max(longest_short, hi - start)
            continue
        width = (hi - start) / 6
        windows: list[list[float]] = [[] for _ in range(6)]
        for t, rss in samples:
            if start <= t <= hi:
                windows[min(5, int((t - start) // width))].append(rss / 2**20)
        if not all(windows):
            continue
        level = [statistics.median(w) for w in windows]
        thirds = tuple((min(level[k : k + 2]), max(level[k : k + 2])) for k in (0, 2, 4))
        grew = all(thirds[k + 1][0] > thirds[k][1] * (1 + tolerance) for k in (0, 1))
        judged.append((hi - start, thirds, grew))
    if not judged:
        return Growth(False, False, steady_s=max(0.0, longest_short),
                      why=f"steady for {max(0.0, longest_short) / 60:.1f} min at most between loads "
                          f"(under {min_steady_s / 60:.0f})")
    steady = sum(j[0] for j in judged)
    grown = [j for j in judged if j[2]]
    if grown:
        thirds = grown[0][1]
        return Growth(True, True, thirds, steady, f"grew: {thirds[0][1]:.0f} MB, then over {thirds[1][0]:.0f}, "
                                                  f"then over {thirds[2][0]:.0f}")
    return Growth(True, False, max(judged)[1], steady,
                  f"no growth ({len(judged)} stretch{'es' if len(judged) > 1 else ''} judged)")


def memory_table(mem: Memory, window_s: float = 120.0) -> tuple[list[str], dict[int, Growth]]:
    """Lines: per process, its peak RSS (MB) per window; and the growth verdict on every worker and writer."""
    lines, verdicts = [], {}
    for pid, samples in sorted(mem.samples.items(), key=lambda kv: kv[1][0][0]):
        if mem.role.get(pid) not in ("worker", "writer") or len(samples) < 5:
            continue
        t0 = samples[0][0]
        windows: dict[int, int] = defaultdict(int)
        for t, rss in samples:
            w = int((t - t0) // window_s)
            windows[w] = max(windows[w], rss)
        life = samples[-1][0] - t0
        peaks = " ".join(f"{windows[w] / 2**20:4.0f}" for w in sorted(windows))
        loads = mem.loads.get(pid, {})
        loaded = "".join(f", {e} at {(t - t0) / 60:.1f} min" for e, t in sorted(loads.items(), key=lambda kv: kv[1]))
        lines.append(f"  segment {mem.segment[pid]} {mem.role[pid]:6s} pid {pid:7d} {life / 60:5.1f} min: {peaks}"
                     f"   (address space at most {mem.vms[pid] / 2**20:.0f} MB{loaded})")
        verdicts[pid] = dataclasses.replace(memory_growth(samples, list(loads.values())), role=mem.role[pid])
    return lines, verdicts


def failures(c: dict, res: dict, growth: dict[int, Growth]) -> list[str]:
    """Why the soak failed, one line a reason; none when it passed."""
    out = []
    if c["missing"] or c["extra"] or c["twice"]:
        out.append(f"documents rows: {len(c['missing'])} inputs without one, {len(c['extra'])} not inputs, "
                   f"{len(c['twice'])} more than once (first: {(c['missing'] + c['extra'] + c['twice'])[:3]})")
    if c["e_internal"]:
        out.append(f"{c['e_internal']} documents E_INTERNAL")
    if c["good_incomplete"]:
        out.append(f"{len(c['good_incomplete'])} generated documents without every cell of their truth "
                   f"(first: {c['good_incomplete'][:3]})")
    if c["hostile_unexpected"]:
        out.append(f"{len(c['hostile_unexpected'])} hostile inputs not the outcome their manifest owes them "
                   f"(first: {c['hostile_unexpected'][:3]})")
    killed = sum(s["killed"] for s in res["segments"])
    last = res["segments"][-1]
    if killed != res["kills"]:
        out.append(f"the writer was killed {killed} times, not {res['kills']}")
    if last["killed"] or last["exit"] != 0:
        out.append(f"the last run did not finish cleanly (exit {last['exit']})")
    if any(res["orphans"]):
        out.append(f"workers of a killed writer still alive 15 s after it: {res['orphans']}")
    if not res["read_waits"]:
        out.append("no reads during the runs")
    elif max(res["read_waits"]) > READ_WAIT_MAX_S:
        out.append(f"a reader waited {max(res['read_waits']):.1f} s (more than {READ_WAIT_MAX_S:.0f})")
    if res["read_failures"]:
        out.append(f"{len(res['read_failures'])} reads during the runs failed (first: {res['read_failures'][0]})")
    grew = [f"{g.role} {pid}: {g.why}" for pid, g in growth.items() if g.grew]
    if grew:
        out.append("memory grew: " + "; ".join(grew))
    if not any(g.judged for g in growth.values() if g.role == "worker"):
        out.append(f"memory not judged: no worker was steady for {MIN_STEADY_S / 60:.0f} min (a bigger corpus)")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, required=True, help="folder for the corpus (built on first use) and the run")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--seed", type=int, default=1, help="when to kill")
    ap.add_argument("--docs", type=int, default=DOCS, help="corpus size when it is built (a smaller one to try)")
    a = ap.parse_args()
    if not (a.corpus / "corpus.json").exists():
        build(a.corpus, a.docs)
    if a.build_only:
        return
    print(f"{os.cpu_count()} cores; load before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)
    res = soak(a.corpus, a.kills, random.Random(a.seed))
    wall = sum(s["seconds"] for s in res["segments"])
    total = res["total_inputs"]
    print(f"\n{total} inputs, {len(res['segments'])} segments ({a.kills} kill -9 of the writer), {wall / 60:.1f} min "
          f"of runs in all: {total / wall * 60:.0f} documents/minute (restarts and re-done work included)")
    for s in res["segments"]:
        print(f"  segment {s['segment']}: {s['seconds'] / 60:5.1f} min, documents in the database after it: "
              f"{s['documents_after']}, {'killed' if s['killed'] else 'finished, exit ' + str(s['exit'])}")
    print(f"workers of a killed writer still alive 15 s after it: {res['orphans']}")
    waits = res["read_waits"]
    print(f"reads during the runs (open_results + a count): {len(waits)}, median {statistics.median(waits):.2f} s, "
          f"max {max(waits):.2f} s")
    if res["read_failures"]:
        print(f"  reads that failed: {len(res['read_failures'])}, first: {res['read_failures'][0]}")
    loads = res["loads"]
    print(f"load average (1 min) during the runs: median {statistics.median(loads):.1f}, max {max(loads):.1f} "
          f"on {os.cpu_count()} cores")
    lines, growth = memory_table(res["memory"])
    print("peak RSS (MB) per 2-minute window, per process (a worker that lived seconds replaced one stopped "
          "after a timeout or crash):")
    print("\n".join(lines))
    print(f"memory growth, per worker and writer (the rule: {RULE}; thirds shown as lower-higher window median "
          f"RSS, MB):")
    for pid, g in growth.items():
        thirds = "  ".join(f"{lo:.0f}-{hi:.0f}" for lo, hi in g.thirds)
        print(f"  {g.role} {pid}: " + (f"{g.steady_s / 60:.1f} min steady, {thirds}: {g.why}" if g.judged else
                                       f"not judged, {g.why}"))
    c = check(a.corpus, res["db"])
    print(f"\ncheck: {c['inputs']} inputs, {c['rows']} documents rows; missing {len(c['missing'])}, not inputs "
          f"{len(c['extra'])}, more than one row {len(c['twice'])}; E_INTERNAL {c['e_internal']}")
    print(f"  generated documents {c['good']} {c['good_formats']}: {c['good'] - len(c['good_incomplete'])} with every "
          f"cell of their truth; not: {c['good_incomplete'][:10]}")
    print(f"  scans: {c['scans_cells'][0]}/{c['scans_cells'][1]} cells right (OCR)")
    print(f"  hostile: manifest outcomes not met: {c['hostile_unexpected']}; "
          f"cut documents: {c['hostile_cut_statuses']}")
    why = failures(c, res, growth)
    for line in why:
        print(f"SOAK FAILED: {line}")
    if why:
        sys.exit(1)
    print("SOAK PASSED")


if __name__ == "__main__":
    main()
