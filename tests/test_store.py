"""The results database: tables derived from the models, rows in by name in batches, old files migrated."""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import subprocess
import sys
from pathlib import Path
from typing import Literal

import duckdb
import pytest
from pydantic import BaseModel, Field

from gongkai import read_report
from gongkai.extract.archive import batch as batch_module
from gongkai.extract.archive import store as store_module
from gongkai.extract.archive.batch import RunOptions, document_record, run_batch
from gongkai.extract.archive.inputs import InputFile
from gongkai.extract.archive.store import Store
from gongkai.extract.archive.tables import (
    ALL,
    CHILDREN,
    CONTINUITY,
    CORRECTIONS,
    FLATTENED,
    PLACE,
    RECURRING,
    REPORTS,
    SQL_NAMES,
    CorrectionRecord,
    SchemaMismatch,
    fields,
)
from gongkai.extract.archive.workers import Outcome
from gongkai.extract.domain.across.recurring import Recurrence
from gongkai.extract.domain.model import CellValue, Finding, Report
from tests.conftest import SHARED

SEEDS = sorted((SHARED / "seeds").glob("*.txt"))

# The tables as the version before this one wrote them by hand (extract/archive/store.py at dada648),
# items without the section_id a later release added: a results file of that version must still open.
PREVIOUS_VERSION_DDL = """
CREATE TABLE documents (
    key VARCHAR PRIMARY KEY, path VARCHAR, member VARCHAR, sha256 VARCHAR, size BIGINT, mtime DOUBLE,
    format VARCHAR, pages INTEGER, status VARCHAR, error_code VARCHAR, error_message VARCHAR,
    report_id VARCHAR, duplicate_of VARCHAR, seconds DOUBLE, extractor_version VARCHAR, processed_at TIMESTAMP);
CREATE TABLE reports (
    report_id VARCHAR PRIMARY KEY, key VARCHAR, sha256 VARCHAR, organization VARCHAR, year INTEGER,
    level VARCHAR, template VARCHAR, template_variant JSON, status VARCHAR, publication_date DATE,
    title VARCHAR, n_cells INTEGER, n_findings INTEGER, report_json JSON);
CREATE TABLE cells (
    report_id VARCHAR, cell_id VARCHAR, table_name VARCHAR, row_name VARCHAR, column_name VARCHAR,
    value DOUBLE, text VARCHAR, page INTEGER, bbox DOUBLE[], source VARCHAR, method VARCHAR, confidence DOUBLE);
CREATE TABLE findings (
    report_id VARCHAR, rule VARCHAR, severity VARCHAR, where_ref VARCHAR, cells VARCHAR[], message VARCHAR,
    expected DOUBLE, printed DOUBLE);
CREATE TABLE sections (report_id VARCHAR, section_id VARCHAR, title VARCHAR, text VARCHAR, page INTEGER);
CREATE TABLE items (
    report_id VARCHAR, label VARCHAR, topic VARCHAR, section VARCHAR, text VARCHAR,
    start_char INTEGER, end_char INTEGER, confidence DOUBLE);
CREATE TABLE errors (key VARCHAR, code VARCHAR, message VARCHAR, page INTEGER);
CREATE TABLE sentences (
    report_id VARCHAR, section VARCHAR, section_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR,
    confidence DOUBLE);
CREATE TABLE facts (
    report_id VARCHAR, kind VARCHAR, value DOUBLE, approximate BOOLEAN, text VARCHAR, section_id VARCHAR,
    start_char INTEGER, end_char INTEGER, cells VARCHAR[]);
INSERT INTO documents VALUES ('old.pdf', 'old.pdf', NULL, 'abc', 10, 1.0, 'pdf', 3, 'ok', NULL, NULL, 'r_old',
    NULL, 0.5, '0.0.9', '2025-01-01 00:00:00');
INSERT INTO reports VALUES ('r_old', 'old.pdf', 'abc', '淮安市洪泽区人民政府', 2022, '区', '2021', '{}', 'ok', NULL,
    '旧报告', 1, 0, '{"status": "ok", "organization": "淮安市洪泽区人民政府", "year": 2022}');
INSERT INTO cells VALUES ('r_old', 'applications.new_received.total', 'applications', 'new_received', 'total',
    7, '7', 1, [1.0, 2.0, 3.0, 4.0], NULL, 'text', 1.0);
INSERT INTO items VALUES ('r_old', 'problem', NULL, 'problems', '旧的问题', 0, 4, 0.9);
INSERT INTO sentences VALUES ('r_old', 'problems', 'problems_improvements', 0, 4, '旧的问题', 0.9);
"""


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _columns(db: Path | str) -> dict[str, dict[str, str]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out: dict[str, dict[str, str]] = {}
        for t, c, d in _rows(con, "SELECT table_name, column_name, data_type FROM information_schema.columns"):
            out.setdefault(t, {})[c] = d
        return out
    finally:
        con.close()


def _doc(path: Path, report: Report, key: str | None = None):
    st = path.stat()
    return document_record(InputFile(key or str(path), str(path), None, st.st_size, st.st_mtime), report, 0.1)


def test_a_field_of_a_model_is_a_column_of_its_table():
    """Each child table holds exactly the fields of the model its Report field holds (under SQL names);
    the reports table holds the report's scalar fields; nothing is listed again by hand."""
    for field, (table, key_column) in CHILDREN.items():
        model = Report.model_fields[field].annotation.__args__[-1]
        stored = {c.field for c in table.columns if c.field}
        assert stored == {n for n, f in model.model_fields.items() if not f.exclude}, field
        assert {c.name for c in table.columns} >= {SQL_NAMES.get(n, n) for n in stored}
        assert table.columns[0].name == "report_id" and (key_column is None or table.columns[1].name == key_column)
    assert "alternatives" not in {c.name for c in CHILDREN["cells"][0].columns}  # kept out of the JSON: out of here
    reports = {c.field for c in REPORTS.columns if c.field}
    assert {"status", "organization", "year", "level", "template", "template_variant", "title"} <= reports
    assert not reports & {"cells", "findings", "sections", "items", "sentences", "facts", "errors", "source"}


def test_corrections_and_the_across_tables_come_from_their_models_too():
    """The corrections a person made (CorrectionRecord), the rules across years (Finding with the body and
    both years), the narrative across years (the Recurrence dataclass): no column list kept by hand."""
    assert [c.field for c in CORRECTIONS.columns] == list(CorrectionRecord.model_fields)
    assert {c.field for c in CONTINUITY.columns if c.field} == set(Finding.model_fields)
    assert {c.field for c in RECURRING.columns if c.field} == {f.name for f in dataclasses.fields(Recurrence)}
    assert [c.name for c in CONTINUITY.columns if c.field is None] == [
        "org_key", "year", "report_id", "previous_year", "previous_report_id"]
    assert [c.name for c in RECURRING.columns] == [  # the order analysts saw before the columns were derived
        "org_key", "year", "next_year", "kind", "topic", "text", "next_text", "similarity", "report_id",
        "next_report_id"]
    assert {c.name: c.sql for c in CORRECTIONS.columns}["correction"] == "JSON"


def test_the_across_views_carry_every_column_of_the_flattened_place():
    assert tuple(FLATTENED["place"].values()) == PLACE and "place_match" in PLACE
    with Store(":memory:") as store:
        for view in ("body_years", "bodies"):
            cols = [r[0] for r in store.con.execute(f"DESCRIBE {view}").fetchall()]
            assert set(PLACE) <= set(cols), view
            assert set(PLACE) <= {c.name for c in REPORTS.columns}


def test_a_correction_in_a_database_of_the_previous_version_is_applied_when_the_file_is_extracted_again(tmp_path):
    """The corrections table as the version before wrote it by hand, holding a correction of a file not
    yet in the database: the run keeps the table as it is and stores that file's report corrected."""
    db = tmp_path / "old.duckdb"
    sha = hashlib.sha256(SEEDS[0].read_bytes()).hexdigest()
    con = duckdb.connect(str(db))
    con.execute("""CREATE TABLE corrections (
        sha256 VARCHAR, report_id VARCHAR, target VARCHAR, target_id VARCHAR,
        value DOUBLE, previous DOUBLE, label VARCHAR, previous_label VARCHAR, topic VARCHAR, note VARCHAR,
        corrected_at TIMESTAMP, imported_at TIMESTAMP, source_path VARCHAR, correction JSON)""")
    con.execute("INSERT INTO corrections VALUES (?, NULL, 'cell', 'applications.new_received.total', 4321, 7, "
                "NULL, NULL, NULL, '', NULL, now(), 'seed.txt', ?)",
                [sha, '{"target": "cell", "id": "applications.new_received.total", "value": 4321}'])
    con.close()
    assert run_batch([SEEDS[0]], RunOptions(db=db, workers=1)).statuses == {"ok": 1}
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert _rows(con, "SELECT value, method FROM cells WHERE cell_id = 'applications.new_received.total'") == [
            (4321.0, "corrected")]
        assert _rows(con, "SELECT count(*) FROM corrections") == [(1,)]
    finally:
        con.close()
    assert _columns(db)["corrections"] == {c.name: c.sql for c in CORRECTIONS.columns}


def test_types_come_from_the_annotations():
    class Sample(BaseModel):
        name: str
        count: int | None = None
        value: int | float | None = None
        ratio: float = 0.0
        flag: bool = False
        day: dt.date | None = None
        at: dt.datetime | None = None
        kind: Literal["a", "b"] = "a"
        box: tuple[float, float, float, float] | None = None
        tags: list[str] = Field(default_factory=list)
        extra: dict[str, str] = Field(default_factory=dict)
        cells: dict[str, CellValue] = Field(default_factory=dict)
        where: str | None = None

    got = {c.name: c.sql for c in fields(Sample)}
    assert got == {
        "name": "VARCHAR", "count": "BIGINT", "value": "DOUBLE", "ratio": "DOUBLE", "flag": "BOOLEAN",
        "day": "DATE", "at": "TIMESTAMP", "kind": "VARCHAR", "box": "DOUBLE[]", "tags": "VARCHAR[]",
        "extra": "JSON", "where_ref": "VARCHAR",
    }


def test_database_of_the_previous_version_opens_gains_the_new_columns_and_keeps_its_rows(tmp_path):
    db = tmp_path / "old.duckdb"
    con = duckdb.connect(str(db))
    con.execute(PREVIOUS_VERSION_DDL)
    con.close()
    summary = run_batch([SEEDS[0]], RunOptions(db=db, workers=1))
    assert summary.statuses == {"ok": 1}
    cols = _columns(db)
    for t in ALL:  # every column this version writes is there, added to the old tables
        assert {c.name for c in t.columns} <= set(cols[t.name]), t.name
    assert cols["items"]["section_id"] == "VARCHAR" and cols["sentences"]["source"] == "VARCHAR"
    assert cols["cells"]["page"] == "INTEGER"  # an old INTEGER column takes this version's counts as it is
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert _rows(con, "SELECT count(*) FROM documents") == [(2,)]
        assert _rows(con, "SELECT organization, year FROM reports WHERE report_id = 'r_old'") == [("淮安市洪泽区人民政府", 2022)]
        # the body across years is filled for the old row too (archive/across.py, from its report_json)
        assert _rows(con, "SELECT org_key FROM reports WHERE report_id = 'r_old'") == [("320813/人民政府",)]
        assert _rows(con, "SELECT count(*) FROM items WHERE report_id = 'r_old' AND section_id IS NULL") == [(1,)]
        assert _rows(con, "SELECT count(*) FROM sentences WHERE report_id <> 'r_old' AND source IS NULL") == [(0,)]
        # the views analysts query cover the old report and the new one alike
        totals = dict(_rows(con, "SELECT report_id, new_received FROM report_totals"))
        assert totals["r_old"] == 7 and len(totals) == 2
        assert _rows(con, "SELECT total FROM applications_wide WHERE report_id = 'r_old'") == [(7.0,)]
        new = _rows(con, "SELECT schema_version, json_extract_string(report_json, '$.status') FROM reports "
                         "WHERE report_id <> 'r_old'")
        assert new == [("1.0", "ok")]
    finally:
        con.close()


def test_a_database_whose_columns_do_not_fit_is_refused_with_what_to_do(tmp_path):
    db = tmp_path / "odd.duckdb"
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE cells (report_id VARCHAR, cell_id VARCHAR, value VARCHAR)")
    con.close()
    with pytest.raises(SchemaMismatch) as err:
        Store(db)
    assert err.value.code == "E_DB_SCHEMA" and "cells.value is VARCHAR, not DOUBLE" in err.value.message
    assert "--db" in err.value.message
    proc = subprocess.run([sys.executable, "-m", "gongkai", "run", str(SEEDS[0]), "--db", str(db), "--no-progress"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.startswith("E_DB_SCHEMA: ") and "Traceback" not in proc.stderr
    assert _columns(db)["cells"] == {"report_id": "VARCHAR", "cell_id": "VARCHAR", "value": "VARCHAR"}  # untouched


def test_documents_go_in_whole_in_batches_and_duplicates_are_seen_before_their_batch_commits(tmp_path):
    db = tmp_path / "r.duckdb"
    reports = [read_report(p) for p in SEEDS[:3]]
    with Store(db, batch_docs=4, batch_seconds=3600) as store:
        written = []
        for i in range(3):  # seed i under two keys: the second is a duplicate of the first, same batch or not
            for copy in ("a", "b"):
                written.append(store.write(_doc(SEEDS[i], reports[i], f"{copy}/{SEEDS[i].name}"), reports[i]))
        committed = _rows(store.con, "SELECT count(*) FROM documents")[0][0]
        assert committed == 4 and len(store._pending) == 2  # one batch of 4 is in, 2 documents wait
        # the same bytes again: found in the waiting batch
        assert store.report_for_sha(reports[2].source.sha256)[0] == f"a/{SEEDS[2].name}"
    assert [dup for _, dup in written] == [None, f"a/{SEEDS[0].name}", None, f"a/{SEEDS[1].name}", None,
                                           f"a/{SEEDS[2].name}"]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert _rows(con, "SELECT count(*), count(DISTINCT report_id) FROM documents") == [(6, 3)]
        assert _rows(con, "SELECT count(*) FROM reports") == [(3,)]
        assert _rows(con, "SELECT count(*) FROM cells") == [(sum(len(r.cells) for r in reports),)]
        assert _rows(con, "SELECT count(*) FROM sentences")[0][0] == sum(len(r.sentences) for r in reports)
        # every cell as the report has it, provenance included
        cid = next(iter(reports[0].cells))
        c = reports[0].cells[cid]
        got = _rows(con, f"SELECT value, text, table_name, row_name, column_name, method, confidence FROM cells "
                         f"WHERE cell_id = '{cid}' AND report_id = (SELECT report_id FROM documents "
                         f"WHERE key = 'a/{SEEDS[0].name}')")
        assert got == [(c.value, c.text, c.table, c.row, c.column, c.method, c.confidence)]
    finally:
        con.close()
    # written again (a --force run): replaced, not doubled
    with Store(db, batch_docs=2) as store:
        for i in range(3):
            store.write(_doc(SEEDS[i], reports[i], f"a/{SEEDS[i].name}"), reports[i])
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert _rows(con, "SELECT count(*) FROM documents") == [(6,)]
        assert _rows(con, "SELECT count(*) FROM cells") == [(sum(len(r.cells) for r in reports),)]
    finally:
        con.close()


def test_a_report_the_database_cannot_take_is_stored_as_failed_and_the_run_goes_on(tmp_path, monkeypatch):
    """Fault injection: the rows of one report fail to convert (as text with a lone surrogate would);
    that document is failed with E_INTERNAL, the batch around it goes in. The rows are built in the
    worker that extracted the report: the pool is run in this process, so that the injected fault
    reaches it (forked workers would not see the patch)."""
    real = store_module.report_data

    def in_process(jobs, ro, idle=None):
        for job in jobs:
            yield Outcome(job, result=batch_module.process_job(job))

    def refuse_one(report_id, key, sha256, report):
        if key.endswith(SEEDS[1].name):
            raise ValueError("cannot encode")
        return real(report_id, key, sha256, report)

    monkeypatch.setattr(store_module, "report_data", refuse_one)
    monkeypatch.setitem(batch_module.ENGINES, "local", in_process)
    db = tmp_path / "r.duckdb"
    summary = run_batch(SEEDS[:3], RunOptions(db=db, workers=1))
    assert summary.statuses == {"ok": 2, "failed": 1} and summary.error_codes == {"E_INTERNAL": 1}
    con = duckdb.connect(str(db), read_only=True)
    try:
        got = dict(_rows(con, "SELECT key, error_code FROM documents"))
        assert got == {str(SEEDS[0]): None, str(SEEDS[1]): "E_INTERNAL", str(SEEDS[2]): None}
        assert _rows(con, "SELECT count(*) FROM reports") == [(2,)]
    finally:
        con.close()


def test_a_batch_the_database_refuses_is_written_document_by_document(tmp_path):
    """Fault injection at the commit: one document's rows break the batch; the others are kept."""
    reports = [read_report(p) for p in SEEDS[:3]]
    db = tmp_path / "r.duckdb"
    with Store(db, batch_docs=10) as store:
        for i, r in enumerate(reports):
            store.write(_doc(SEEDS[i], r), r)
        bad = store._pending[str(SEEDS[1])]
        bad.data["cells"]["confidence"][0] = "not a number"  # what Arrow will not take as a DOUBLE
    assert [d.key for d in store.demoted] == [str(SEEDS[1])]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert dict(_rows(con, "SELECT key, status FROM documents")) == {
            str(SEEDS[0]): "ok", str(SEEDS[1]): "failed", str(SEEDS[2]): "ok"}
        assert _rows(con, "SELECT count(DISTINCT report_id) FROM cells") == [(2,)]
    finally:
        con.close()


def test_a_worker_hands_back_its_reports_rows_and_the_report_comes_back_from_them():
    """The worker builds the rows the store writes (what crosses the pipe is plain column data, not
    the report's models); the report itself comes back from them whole, for a document someone
    corrected, whose rows the run's process builds again."""
    from gongkai.extract.archive.batch import process_job
    from gongkai.extract.archive.store import ReportRows, report_identity
    from gongkai.extract.archive.tables import report_data
    from gongkai.extract.options import Options

    pdf = sorted((SHARED / "pdf").glob("*.pdf"))[0]
    st = pdf.stat()
    got = process_job((InputFile(str(pdf), str(pdf), None, st.st_size, st.st_mtime), Options(narrative=False)))
    report = read_report(pdf, Options(narrative=False))
    assert isinstance(got.rows, ReportRows) and not hasattr(got, "report")
    assert got.rows.report_id == report_identity(report) and got.rows.status == report.status
    want = report_data(got.rows.report_id, str(pdf), got.doc.sha256, report)
    assert set(got.rows.data) == set(want)
    for table, columns in want.items():
        for column, values in columns.items():
            if column not in ("report_json", "timings"):  # a stage's milliseconds differ between two readings
                assert got.rows.data[table][column] == values, (table, column)
    assert got.rows.rules == tuple(f.rule for f in report.findings)
    back = got.rows.report()
    assert back.model_dump_json() == got.rows.data["reports"]["report_json"][0]
    assert back.cells == report.cells and back.findings == report.findings
