"""Batch runs: folders, zips, duplicates, resumability, kill -9, timeouts, Dask, export."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import psutil
import pytest

from gongkai.extract.archive.batch import RunOptions, run_batch
from gongkai.extract.archive.export import export_db
from gongkai.extract.archive.workers import run_pool
from tests.conftest import SHARED
from tests.poolfuncs import SLOW_START, behave, ocr_models

PDFS = sorted((SHARED / "pdf").glob("*.pdf"))


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    for p in PDFS:
        shutil.copy(p, root / p.name)
    shutil.copy(PDFS[0], root / "sub" / "same bytes, other name.pdf")
    (root / "sub" / "broken.pdf").write_bytes(b"%PDF-1.7\n")
    (root / "sub" / "empty.docx").write_bytes(b"")
    os.symlink("..", root / "sub" / "loop")
    with zipfile.ZipFile(root / "bundle.zip", "w") as z:
        z.write(PDFS[1], "inner/report.pdf")
    return root


def _rows(db: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_run_walks_dedups_and_records_failures(archive, tmp_path):
    db = tmp_path / "r.duckdb"
    s = run_batch([archive], RunOptions(db=db, workers=2))
    assert s.seen == 7 and s.processed == 7
    assert s.statuses == {"ok": 5, "failed": 2}
    assert s.duplicates == 2  # same bytes under another name; the zip's inner copy of a report
    docs = dict(_rows(db, "SELECT key, status FROM documents"))
    assert len(docs) == 7 and any("!inner/report.pdf" in k for k in docs)
    assert dict(_rows(db, "SELECT error_code, count(*) FROM documents WHERE status = 'failed' GROUP BY 1")) == {
        "E_CORRUPT": 1,
        "E_EMPTY": 1,
    }
    assert _rows(db, "SELECT count(*) FROM reports") == [(3,)]
    assert _rows(db, "SELECT count(*) FROM cells") == [(186 + 186 + 200,)]
    wide = _rows(
        db,
        "SELECT natural_person, total FROM applications_wide w JOIN reports r USING (report_id) "
        "WHERE r.year = 2024 AND r.organization = '淮安市人民政府' AND w.row_name = 'new_received'",
    )
    assert wide == [(3001.0, 3119.0)]
    assert _rows(db, "SELECT sum(rule_violations) FROM report_totals") == [(2,)]
    # the narrative: items with their section, every sentence, stated counts (one disagrees with its table)
    assert _rows(db, "SELECT count(*) FROM items WHERE section_id IS NULL") == [(0,)]
    assert {r[0] for r in _rows(db, "SELECT DISTINCT label FROM items")} == {"problem", "improvement"}
    assert _rows(db, "SELECT count(DISTINCT report_id) FROM sentences") == [(3,)]
    assert _rows(db, "SELECT count(*) FROM sentences WHERE section = 'problems'")[0][0] > 0
    mismatched = _rows(db, "SELECT kind, value, cells FROM facts WHERE len(cells) > 0")
    assert ("applications_received", 17.0, ["applications.new_received.total"]) in mismatched, mismatched


def test_database_from_before_the_narrative_tables_gains_them(tmp_path):
    """A results file written by an earlier version (items without section_id, no sentences/facts) stays usable."""
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE items (report_id VARCHAR, label VARCHAR, topic VARCHAR, section VARCHAR, text VARCHAR,"
                " start_char INTEGER, end_char INTEGER, confidence DOUBLE)")
    con.execute("INSERT INTO items VALUES ('old', 'problem', NULL, 'problems', '旧的问题', 0, 4, 0.9)")
    con.close()
    run_batch([PDFS[0]], RunOptions(db=db, workers=1))
    assert _rows(db, "SELECT count(*) FROM items WHERE report_id = 'old'") == [(1,)]
    assert _rows(db, "SELECT count(*) FROM items WHERE report_id <> 'old' AND section_id IS NOT NULL")[0][0] > 0
    assert _rows(db, "SELECT count(*) FROM sentences")[0][0] > 0


def test_rerun_skips_and_force_redoes_without_duplicating(archive, tmp_path):
    db = tmp_path / "r.duckdb"
    run_batch([archive], RunOptions(db=db, workers=2))
    before = _rows(db, "SELECT count(*) FROM documents"), _rows(db, "SELECT count(*) FROM cells")
    again = run_batch([archive], RunOptions(db=db, workers=2))
    assert again.skipped == 7 and again.processed == 0
    forced = run_batch([archive], RunOptions(db=db, workers=2, force=True))
    assert forced.processed == 7
    assert (_rows(db, "SELECT count(*) FROM documents"), _rows(db, "SELECT count(*) FROM cells")) == before
    # --since picks up only newer files
    newer = archive / "new.pdf"
    shutil.copy(PDFS[2], newer)
    s = run_batch([archive], RunOptions(db=db, workers=1, since=newer.stat().st_mtime - 1))
    assert s.seen == 1 and s.processed == 1


def test_pool_times_out_crashes_and_caps_memory():
    jobs = ["a", "hang", "b", "crash", "memory", "raise", "c"]
    out = {o.job: o for o in run_pool(behave, jobs, workers=2, timeout_s=3, memory_mb=1024)}
    assert {k: out[k].result for k in "abc"} == {"a": "A", "b": "B", "c": "C"}
    assert out["hang"].error_code == "E_TIMEOUT"
    assert out["crash"].error_code == "E_WORKER_CRASHED"
    assert out["memory"].error_code == "E_MEMORY"
    assert out["raise"].error_code == "E_INTERNAL" and "boom" in out["raise"].error_message


def _start_run(archive: Path, db: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "gongkai", "run", str(archive), "--db", str(db), "--workers", "2", "--no-progress",
         *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )


def _kill_mid_commit(proc: subprocess.Popen, db: Path, within_s: float = 120.0) -> bool:
    """kill -9 the run the moment it holds the database for writing (inside a commit); False if it never did."""
    from gongkai.extract.archive.dblock import holder

    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline and proc.poll() is None:
        who = holder(db) if db.exists() else None
        if who is not None and who.pid == proc.pid and who.writes:
            os.killpg(proc.pid, signal.SIGKILL)
            return True
        time.sleep(0.002)
    return False


def test_memory_verdict_is_the_documents_own():
    """A document that runs out of memory in a worker earlier documents left memory in is run again in a
    fresh one (was E_MEMORY in the soak for two PDFs after a thousand documents); one that needs too much
    even there stays E_MEMORY. The cap is 1 GB over a fresh worker's own address space: a fork server an
    earlier run in this process started with its preload (spaCy and the model) starts workers larger."""
    fresh_mb = int(next(run_pool(behave, ["size"], workers=1, timeout_s=120, memory_mb=None)).result) // 1024
    out = list(run_pool(behave, ["leak", "big", "memory"], workers=1, timeout_s=120, memory_mb=fresh_mb + 1024))
    got = {o.job: (o.result, o.error_code) for o in out}
    assert got == {"leak": ("LEAK", None), "big": ("BIG", None), "memory": (None, "E_MEMORY")}
    assert [o.job for o in out] == ["leak", "big", "memory"]


def test_a_doubtful_result_is_checked_in_a_fresh_worker():
    """A result ``suspect`` doubts (an OCR engine's own error for a failed allocation, seen once in the soak)
    from a worker that had done other documents is run once more in a fresh worker, whose verdict stands."""
    out = list(run_pool(behave, ["leak", "native", "always"], workers=1, timeout_s=120, memory_mb=2048,
                        suspect=lambda r: r == "FAILED"))
    assert {o.job: o.result for o in out} == {"leak": "LEAK", "native": "NATIVE", "always": "FAILED"}
    assert len(out) == 3


def test_a_worker_whose_run_is_gone_ends_quietly():
    """A run killed while its workers read: a worker that finishes its document finds the pipe closed and
    ends without a traceback (the soak's killed runs printed two per kill into the user's terminal)."""
    code = ("import threading; from multiprocessing import Pipe; "
            "from gongkai.extract.archive.workers import _worker_main; from tests.poolfuncs import behave; "
            "run, worker = Pipe(); run.send('slow'); "
            "threading.Thread(target=lambda: (run.recv(), run.close())).start(); "  # the run dies once it is up
            "_worker_main(worker, behave, None); print('ended')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent)
    assert (out.returncode, out.stdout.strip(), out.stderr) == (0, "ended", "")


def test_workers_held_the_fork_server_alive_after_a_kill_9():
    """kill -9 of a run whose workers are in the middle of long documents: the fork server, its workers
    and the resource tracker are gone within seconds, not when the documents are done (each worker held
    the server's "alive" pipe, so the server waited for the workers and they for it: the soak found
    three processes of a killed run alive 15 s after it)."""
    code = ("from gongkai.extract.archive.workers import run_pool; from tests.poolfuncs import behave; "
            "list(run_pool(behave, ['hang', 'hang'], workers=2, timeout_s=120, memory_mb=None))")
    run = subprocess.Popen([sys.executable, "-c", code], cwd=Path(__file__).resolve().parent.parent)
    try:
        me = psutil.Process(run.pid)
        deadline = time.monotonic() + 60
        while sum(k.ppid() != run.pid for k in me.children(recursive=True)) < 2:  # the workers, the server's
            assert time.monotonic() < deadline and run.poll() is None, "the workers never started"
            time.sleep(0.2)
        time.sleep(1.0)  # both on their 60 s documents
        left = me.children(recursive=True)
        assert len(left) == 4  # fork server, resource tracker, two workers
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    _, alive = psutil.wait_procs(left, timeout=10)
    for p in alive:
        p.kill()
    assert not alive, [(p.pid, p.cmdline()[-1][:60]) for p in alive]


def test_a_workers_start_up_is_not_its_documents_time():
    """A fresh worker that takes longer to start than the timeout (imports on a machine at load 20 took
    more than 3 s) still reads its document; a document that hangs once the worker is up still times out."""
    SLOW_START.write_text("4")
    try:
        out = list(run_pool(behave, ["a", "hang", "b"], workers=1, timeout_s=2, memory_mb=None))
    finally:
        SLOW_START.unlink()
    got = {o.job: (o.result, o.error_code) for o in out}
    assert got == {"a": ("A", None), "hang": (None, "E_TIMEOUT"), "b": ("B", None)}
    assert all(o.seconds < 2 for o in out if o.job != "hang")


def test_an_ocr_engine_failure_is_doubtful():
    from gongkai.extract.archive.batch import Extracted, doubtful
    from gongkai.extract.archive.store import ReportRows
    from gongkai.extract.archive.tables import DocumentRecord
    from gongkai.extract.domain.model import ErrorRecord, Report

    def result(code: str | None, *errors: str) -> Extracted:
        report = Report(status="partial" if errors else "ok", errors=[ErrorRecord(code=c, message="") for c in errors])
        return Extracted(DocumentRecord(key="k", path="p", error_code=code), ReportRows.of(report, "k", None))

    assert not doubtful(result(None))
    assert doubtful(result("E_OCR_FAILED", "E_OCR_FAILED"))
    assert doubtful(result("E_PAGE", "E_PAGE", "E_OCR_FAILED"))
    assert not doubtful(result("E_NOT_A_REPORT", "E_NOT_A_REPORT"))


def test_ocr_models_are_loaded_once_per_worker_not_per_document():
    """RapidOCR's models cost ~0.3 s and ~0.2 GB to load: a worker keeps them for every document it reads."""
    got = [o.result for o in run_pool(ocr_models, ["a", "b", "c", "d"], workers=1, timeout_s=60, memory_mb=None)]
    assert len(got) == 4 and len(set(got)) == 1  # one worker process, one set of models


@pytest.mark.slow
def test_sigkill_then_rerun_gives_the_uninterrupted_result(archive, tmp_path):
    """kill -9 at random moments and inside commits (seen from the kernel's lock table), then resume:
    the database equals an uninterrupted run's, one documents row per input, and a reader polling
    all along never saw a document twice or without its cells."""
    from gongkai.extract.archive.dblock import RunLock
    from tests.test_dblock import poll_during_run

    reference = tmp_path / "ref.duckdb"
    run_batch([archive], RunOptions(db=reference, workers=2))
    want_cells = _rows(reference, "SELECT cell_id, value FROM cells ORDER BY ALL")
    db = tmp_path / "killed.duckdb"
    rng = random.Random(7)
    inside = 0
    for i in range(6):
        proc = _start_run(archive, db, "--commit-every", "0.2")
        if i % 2:
            inside += _kill_mid_commit(proc, db)
        else:  # the writer alone: its workers must not compute on for nobody
            time.sleep(rng.uniform(1.0, 4.0))
            children = psutil.Process(proc.pid).children(recursive=True)
            os.kill(proc.pid, signal.SIGKILL)
            _, alive = psutil.wait_procs(children, timeout=30)
            assert not alive, [(p.pid, p.cmdline()) for p in alive]
        proc.wait()
    assert inside >= 2, "the runs never got to commit before they ended: the test killed nothing mid-commit"
    with RunLock(db):  # the killed runs' locks died with them
        pass
    last = _start_run(archive, db, "--commit-every", "0.2")
    waits, seen = poll_during_run(db, last)
    assert last.wait() == 0
    assert max(waits, default=0) < 10, waits
    assert all(n == keys and bare == 0 for n, keys, bare in seen), seen
    keys = _rows(db, "SELECT key, count(*) FROM documents GROUP BY key")
    assert len(keys) == 7 and all(n == 1 for _, n in keys)
    assert _rows(db, "SELECT cell_id, value FROM cells ORDER BY ALL") == want_cells
    q = "SELECT key, status, error_code FROM documents ORDER BY key"  # which copy is the original may differ
    assert _rows(db, q) == _rows(reference, q)


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_database(archive, tmp_path):
    local, dask_db = tmp_path / "local.duckdb", tmp_path / "dask.duckdb"
    run_batch([archive], RunOptions(db=local, workers=2))
    s = run_batch([archive], RunOptions(db=dask_db, workers=2, engine="dask"))
    assert s.processed == 7
    q = "SELECT key, status, error_code FROM documents ORDER BY key"
    assert _rows(dask_db, q) == _rows(local, q)
    assert _rows(dask_db, "SELECT cell_id, value FROM cells ORDER BY ALL") == _rows(
        local, "SELECT cell_id, value FROM cells ORDER BY ALL"
    )


@pytest.mark.parametrize("fmt", ["parquet", "csv", "jsonl", "xlsx"])
def test_export(archive, tmp_path, fmt):
    db = tmp_path / "r.duckdb"
    run_batch([PDFS[0]], RunOptions(db=db, workers=1))
    files = export_db(db, fmt, tmp_path / "out")
    if fmt == "xlsx":
        sheets = pd.read_excel(files[0], sheet_name=None)
        assert len(sheets["cells"]) == 186 and "applications_wide" in sheets
        assert "corrections" in sheets and sheets["corrections"].empty  # every table, the empty ones too
    else:
        names = {p.stem for p in files}
        assert {"documents", "reports", "cells", "findings", "corrections", "applications_wide",
                "report_totals"} <= names
        cells = next(p for p in files if p.stem == "cells")
        df = {"parquet": pd.read_parquet, "csv": pd.read_csv}.get(fmt, lambda p: pd.read_json(p, lines=True))(cells)
        assert len(df) == 186


@pytest.mark.slow
def test_dask_engine_times_out_crashes_and_goes_on():
    """The Dask engine's outcomes match the local pool's: a hanging task is E_TIMEOUT (its worker
    restarted), an exception E_INTERNAL, a dead worker E_WORKER_CRASHED, and the rest finish."""
    from gongkai.extract.archive.cluster import run_dask

    jobs = ["a", "hang", "b", "raise", "crash", "c"]
    out = {o.job: o for o in run_dask(behave, jobs, workers=2, timeout_s=5, memory_mb=2048)}
    assert set(out) == set(jobs)
    assert {k: out[k].result for k in "abc"} == {"a": "A", "b": "B", "c": "C"}
    assert out["hang"].error_code == "E_TIMEOUT"
    assert out["raise"].error_code == "E_INTERNAL" and "boom" in out["raise"].error_message
    assert out["crash"].error_code == "E_WORKER_CRASHED"


def test_workers_gave_back_the_heap_a_document_freed():
    """A document that freed 100 MB the way a scan and a large PDF do left the worker's C heap holding
    it (glibc keeps freed blocks once its mmap threshold has risen): the soak's workers stepped up
    ~90 MB at a time. The worker trims the heap after each document: its next one starts where the
    one before started."""
    before, during, after = (int(o.result) for o in
                             run_pool(behave, ["rss", "heap", "rss"], workers=1, timeout_s=120, memory_mb=None))
    assert during - before >= 90, (before, during)
    assert after - before < 30, (before, during, after)
