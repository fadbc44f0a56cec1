"""Two programs, one database: who holds it, a second run refused, readers during a run.

The lock detection asks the kernel, not DuckDB's message text; these tests hold the file
with the pinned DuckDB in another process, so a DuckDB release that locks otherwise fails
here instead of being misread by ``gongkai run``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from gongkai.extract.archive import dblock
from gongkai.extract.archive.batch import RunOptions, run_batch
from gongkai.extract.options import Options
from tests.conftest import SHARED

GONGKAI = [sys.executable, "-m", "gongkai"]
SEED = SHARED / "seeds" / "seed000.txt"
FAST = Options(narrative=False)


def _hold(db: Path, read_only: bool, seconds: float = 60.0) -> subprocess.Popen:
    """Another process with a DuckDB connection open on ``db`` (it says "held" once it has it)."""
    code = (f"import duckdb, sys, time; c = duckdb.connect({str(db)!r}, read_only={read_only}); "
            f"print('held', flush=True); time.sleep({seconds})")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def _stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "results.duckdb"
    duckdb.connect(str(path)).close()
    return path


def test_holder_names_the_process_and_its_lock_with_the_pinned_duckdb(db):
    assert dblock.holder(db) is None
    for read_only in (False, True):
        proc = _hold(db, read_only)
        try:
            who = dblock.holder(db)
            assert who == dblock.Holder(proc.pid, writes=not read_only), duckdb.__version__
            assert str(proc.pid) in who.describe() and ("read-only" in who.describe()) == read_only
        finally:
            _stop(proc)
    assert dblock.holder(db) is None  # the kernel dropped the lock with the process


def test_connect_waits_for_a_holder_and_names_it_past_the_timeout(db):
    proc = _hold(db, read_only=False, seconds=1.5)
    started = time.monotonic()
    con = dblock.connect(db, read_only=True, timeout_s=20)  # the writer exits after 1.5 s
    con.close()
    assert time.monotonic() - started < 15
    proc.wait()
    proc = _hold(db, read_only=False)
    try:
        with pytest.raises(dblock.DatabaseBusy, match=f"process {proc.pid}"):
            dblock.connect(db, read_only=True, timeout_s=0.5)
        with pytest.raises(dblock.DatabaseBusy, match="open for writing"):  # not waited for
            dblock.connect(db, read_only=False, timeout_s=None, refuse_writers=True)
    finally:
        _stop(proc)


def test_connect_raises_real_errors_at_once(tmp_path):
    with pytest.raises(duckdb.IOException):  # not a lock: nobody holds a missing file
        dblock.connect(tmp_path / "missing" / "r.duckdb", read_only=True, timeout_s=None)


def test_run_lock_refuses_a_second_run_and_dies_with_its_process(db):
    code = (f"from gongkai.extract.archive.dblock import RunLock; import time; l = RunLock({str(db)!r}); "
            "l.acquire(); print('held', flush=True); time.sleep(60)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
        with pytest.raises(dblock.DatabaseBusy, match=f"another gongkai run \\(process {proc.pid}, started"):
            dblock.RunLock(db).acquire()
        # the command: one line naming the other run, its own exit code, no traceback
        out = subprocess.run([*GONGKAI, "run", str(SEED), "--db", str(db), "--no-progress"], capture_output=True,
                             text=True, timeout=120)
        assert out.returncode == 75, out.stderr
        lines = out.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("E_DB_BUSY: ") and f"process {proc.pid}" in lines[0]
        assert "another --db" in lines[0] and "Traceback" not in out.stderr
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    with dblock.RunLock(db):  # kill -9 dropped it
        pass


def test_run_refuses_a_database_another_program_has_open_for_writing(db):
    proc = _hold(db, read_only=False)
    try:
        out = subprocess.run([*GONGKAI, "run", str(SEED), "--db", str(db), "--no-progress"], capture_output=True,
                             text=True, timeout=120)
    finally:
        _stop(proc)
    assert out.returncode == 75 and "Traceback" not in out.stderr
    (line,) = out.stderr.strip().splitlines()
    assert f"open for writing in process {proc.pid}" in line and "read_only=True" in line


def test_run_waits_for_a_reader_and_loses_nothing(db):
    """A reader that has the file when a commit is due holds the run up; the run goes on after it."""
    proc = _hold(db, read_only=True, seconds=3)
    notices: list[str] = []
    started = time.monotonic()
    s = run_batch([SEED], RunOptions(db=db, workers=1, extract=FAST), notice=notices.append)
    assert time.monotonic() - started >= 2.0 and proc.wait() == 0
    assert s.processed == 1 and s.statuses == {"ok": 1}
    with dblock.open_results(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT key) FROM documents").fetchone() == (1, 1)
        assert con.execute("SELECT count(*) FROM cells").fetchone() == (200,)


def poll_during_run(db: Path, run: subprocess.Popen, every_s: float = 0.1) -> tuple[list[float], list[tuple]]:
    """Read ``db`` as the README says, over and over while ``run`` writes it: the seconds each
    ``duckdb.connect(db, read_only=True)`` took to get in (retrying while the writer commits), and
    what each read saw: (documents, distinct keys, documents whose report has no cells)."""
    waits: list[float] = []
    seen: list[tuple] = []
    while run.poll() is None:
        if not db.exists():
            time.sleep(0.05)
            continue
        t = time.monotonic()
        try:
            con = dblock.connect(db, read_only=True, timeout_s=60)
        except duckdb.IOException:
            continue  # the run is creating the file
        waits.append(time.monotonic() - t)
        try:
            seen.append(con.execute(
                "SELECT count(*), count(DISTINCT key), count(*) FILTER (WHERE report_id IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM cells c WHERE c.report_id = d.report_id)) FROM documents d").fetchone())
        except duckdb.CatalogException:
            pass  # before the tables exist
        finally:
            con.close()
        time.sleep(every_s)
    return waits, seen


def test_readers_get_in_between_commits(tmp_path):
    """A reader polling while `gongkai run` writes: it gets in within seconds every time, and never sees a
    document twice or a documents row whose cells are not there yet; rows only ever arrive."""
    db = tmp_path / "r.duckdb"
    src = tmp_path / "in"
    src.mkdir()
    for i in range(8):  # eight distinct files
        (src / f"seed{i}.txt").write_bytes((SHARED / "seeds" / f"seed00{i % 5}.txt").read_bytes() + b"\n" * i)
    run = subprocess.Popen([*GONGKAI, "run", str(src), "--db", str(db), "--workers", "2", "--no-progress",
                            "--no-narrative", "--commit-every", "0.3"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    waits, seen = poll_during_run(db, run)
    assert run.wait() == 0, run.stderr.read() if run.stderr else ""
    assert len(waits) >= 3 and max(waits) < 10, waits
    assert all(n == keys and bare == 0 for n, keys, bare in seen), seen
    assert [n for n, _, _ in seen] == sorted(n for n, _, _ in seen)
    with dblock.open_results(db) as con:
        assert con.execute("SELECT count(*), count(DISTINCT key) FROM documents").fetchone() == (8, 8)
        assert con.execute("SELECT count(*) FROM cells").fetchone() == (8 * 200 - 3 * 200,)  # 3 are duplicates


def test_archive_during_a_run_reads_it_as_it_is_and_holds_nothing_up(tmp_path):
    """``gongkai.Archive(db)`` in a notebook while a run goes: read-only (the run builds the cross-report
    tables when it ends), so the run's commits are not held up by an open Archive."""
    import gongkai

    db = tmp_path / "r.duckdb"
    run_batch([SEED], RunOptions(db=db, workers=1, extract=FAST))
    code = (f"from gongkai.extract.archive.dblock import RunLock; import time; l = RunLock({str(db)!r}); "
            "l.acquire(); print('held', flush=True); time.sleep(60)")
    run = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert run.stdout is not None and run.stdout.readline().strip() == "held"
        assert f"process {run.pid}" in (dblock.running(db) or "")
        with gongkai.Archive(db) as archive:
            assert archive.running and archive.bodies() is not None
            with pytest.raises(duckdb.Error):  # read-only: the run's writer is not shut out
                archive.con.execute("CREATE TABLE x (a INT)")
    finally:
        os.kill(run.pid, signal.SIGKILL)
        run.wait()
    assert dblock.running(db) is None
    with gongkai.Archive(db) as archive:  # no run: read-write, the tables brought up to date
        assert not archive.running


def test_export_waits_for_a_commit_to_end(db, tmp_path):
    """`gongkai export` (and every command on a results database) gets in once the writer lets go."""
    run_batch([SEED], RunOptions(db=db, workers=1, extract=FAST))
    proc = _hold(db, read_only=False, seconds=2)
    out = subprocess.run([*GONGKAI, "export", "--db", str(db), "--to", "csv", "--out", str(tmp_path / "x")],
                         capture_output=True, text=True, timeout=120)
    proc.wait()
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "x").is_dir() and any((tmp_path / "x").iterdir())


def test_a_lock_let_go_between_the_error_and_the_probe_is_retried(db, monkeypatch):
    """The holder may exit after DuckDB refused and before the kernel is asked: nobody holds the file
    then, and the next attempt gets in (was raised as DuckDB's error once the wait had passed 2 s)."""
    real = duckdb.connect
    calls = {"connect": 0, "holder": 0}

    def connect(path: str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
        calls["connect"] += 1
        if calls["connect"] <= 3:
            raise duckdb.IOException("refused")  # held, held, and held when the holder is already gone
        return real(path, read_only=read_only)

    def holder(path: object) -> dblock.Holder | None:
        calls["holder"] += 1
        time.sleep(1.0)  # a wait of 3 s in all
        return dblock.Holder(4242, writes=False) if calls["holder"] <= 2 else None

    monkeypatch.setattr(dblock.duckdb, "connect", connect)
    monkeypatch.setattr(dblock, "holder", holder)
    dblock.connect(db, read_only=False, timeout_s=None).close()
    assert calls["connect"] == 4


def test_a_commit_cut_short_is_done_again_whole_and_the_file_is_free_after_it(tmp_path, monkeypatch):
    """The writer's batch leaves its queue only once committed: a commit interrupted after the
    database took it (the worst moment) is done again by the next one, which replaces what is there,
    so nothing is lost or doubled; and the file is free for a reader after each commit, failed or not."""
    from gongkai import read_report
    from gongkai.extract.archive.batch import document_record
    from gongkai.extract.archive.inputs import InputFile
    from gongkai.extract.archive.store import ReportRows, Store
    from gongkai.extract.archive.writer import BatchWriter

    seeds = sorted((SHARED / "seeds").glob("*.txt"))[:3]
    reports = [read_report(p, FAST) for p in seeds]
    db = tmp_path / "w.duckdb"
    told: list[str] = []
    writer = BatchWriter(db, commit_every_s=3600, written=lambda doc, report, dup: told.append(doc.key))
    assert writer.finished() == {}
    real = Store._commit
    calls = 0

    def commit_then_interrupt(self, pending):
        nonlocal calls
        calls += 1
        real(self, pending)
        if calls == 1:
            raise KeyboardInterrupt  # Ctrl-C after the database took the batch, before the writer knew

    monkeypatch.setattr(Store, "_commit", commit_then_interrupt)
    for p, r in zip(seeds, reports, strict=True):
        st = p.stat()
        doc = document_record(InputFile(str(p), str(p), None, st.st_size, st.st_mtime), r, 0.1)
        writer.add(doc, ReportRows.of(r, doc.key, doc.sha256))  # the rows, as a run's worker hands them back
    with pytest.raises(KeyboardInterrupt):
        writer.commit()
    assert len(writer.pending) == 3 and told == []
    duckdb.connect(str(db), read_only=True).close()  # let go even so
    writer.commit()
    assert not writer.pending and told == [str(p) for p in seeds]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*), count(DISTINCT key) FROM documents").fetchone() == (3, 3)
        assert con.execute("SELECT count(*) FROM cells").fetchone() == (sum(len(r.cells) for r in reports),)
    assert writer.commits == 2
