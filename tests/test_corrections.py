"""Corrections in: applied to a report (rules re-checked, nothing else moves), stored in the
database apart from the extraction, kept when the extraction is run again."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from gongkai import read_report
from gongkai.extract.archive.batch import RunOptions, run_batch
from gongkai.extract.archive.corrections import (
    BadCorrections,
    UnknownReport,
    import_corrections,
    read_corrections,
)
from gongkai.extract.domain.corrections import (
    CellCorrection,
    CorrectionFile,
    CorrectionSource,
    ItemCorrection,
    apply_corrections,
    item_id,
)
from gongkai.extract.domain.model import Doubt
from gongkai.extract.interfaces.cli import app
from gongkai.extract.options import Options
from tests.conftest import SHARED

HONGZE = SHARED / "pdf" / "hongze_2023.pdf"
# hongze_2023 prints the review row's total as 0 beside 10 upheld and 1 corrected: a broken rule
REVIEW_TOTAL = "review_litigation.review.total"


@pytest.fixture(scope="module")
def hongze():
    return read_report(HONGZE)


def _rules(report) -> set[str]:
    return {f.rule for f in report.findings}


def test_a_cell_correction_changes_the_value_and_rechecks_the_rules(hongze):
    report = hongze.model_copy(deep=True)
    before = report.cells[REVIEW_TOTAL].model_copy()
    broken = [f for f in report.findings if REVIEW_TOTAL in f.cells]
    assert broken and broken[0].rule == "review_litigation.row_total"
    out = apply_corrections(report, [CellCorrection(id=REVIEW_TOTAL, value=11)])
    assert out[0].applied and out[0].previous == 0
    cell = report.cells[REVIEW_TOTAL]
    assert (cell.value, cell.method, cell.confidence) == (11, "corrected", 1.0)
    assert (cell.page, cell.bbox, cell.text) == (before.page, before.bbox, before.text)  # provenance stays
    assert not [f for f in report.findings if REVIEW_TOTAL in f.cells]  # the rule holds now
    # the other broken row is untouched, and so is every other cell
    assert [f.where for f in report.findings if f.rule == "review_litigation.row_total"] == [
        "review_litigation.litigation_after_review.*"
    ]
    assert {k: c for k, c in report.cells.items() if k != REVIEW_TOTAL} == {
        k: c for k, c in hongze.cells.items() if k != REVIEW_TOTAL
    }
    assert report.sections == hongze.sections and report.items == hongze.items


def test_a_corrected_value_carries_none_of_the_extracted_values_doubts(hongze):
    """review10: a correction changed the value and its confidence but left the extracted reading's doubts (and
    its read claim, its other readings): lifting one (the rules vouching) gave the old reading's 0.62 back to a
    value a person gave, and a scanned cell held for a blank kept that doubt on a number."""
    report = hongze.model_copy(deep=True)
    cell = report.cells[REVIEW_TOTAL]
    cell.read, cell.alternatives = 0.62, (("8", 0.5),)
    cell.doubt(Doubt.INFERRED)
    cell.doubt(Doubt.EMPTY)
    apply_corrections(report, [CellCorrection(id=REVIEW_TOTAL, value=11)])
    assert not cell.doubts and not cell.alternatives
    cell.vouch(Doubt.INFERRED)
    assert (cell.value, cell.confidence) == (11, 1.0)


def test_a_wrong_correction_breaks_a_rule_that_held(hongze):
    report = hongze.model_copy(deep=True)
    cid = "applications.granted.total"
    apply_corrections(report, [CellCorrection(id=cid, value=(report.cells[cid].value or 0) + 1)])
    assert any(cid in f.cells and f.rule.startswith("applications.") for f in report.findings)


def test_a_missing_cell_given_by_a_person_is_added_and_no_longer_missing(hongze):
    report = hongze.model_copy(deep=True)
    cid = "applications.granted.natural_person"
    del report.cells[cid]
    report.findings.append(report.findings[0].model_copy(update={"rule": "missing.cell", "cells": [cid]}))
    out = apply_corrections(report, [CellCorrection(id=cid, value=3), CellCorrection(id="applications.nope.total",
                                                                                      value=1)])
    assert out[0].applied and report.cells[cid].method == "corrected" and report.cells[cid].bbox is None
    assert not any(f.rule == "missing.cell" for f in report.findings)
    assert not out[1].applied and "no cell" in out[1].reason


def test_item_corrections_relabel_or_remove(hongze):
    report = hongze.model_copy(deep=True)
    assert len(report.items) >= 2
    a, b = report.items[0], report.items[1]
    ida, idb = item_id(a.section_id, a.start, a.end), item_id(b.section_id, b.start, b.end)
    other = "improvement" if a.label == "problem" else "problem"
    out = apply_corrections(report, [ItemCorrection(id=ida, label=other, topic="platform"),
                                     ItemCorrection(id=idb, label="none"),
                                     ItemCorrection(id="x:1-2", label="problem")])
    assert [o.applied for o in out] == [True, True, False]
    assert report.items[0].label == other and report.items[0].topic == "platform"
    assert len(report.items) == len(hongze.items) - 1 and all(it.text != b.text for it in report.items)


# -- the database ------------------------------------------------------------------


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _tables(db: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        out = {}
        for t in ("documents", "reports", "cells", "findings", "sections", "items", "sentences", "facts", "errors"):
            # what differs between two extractions of the same file: when, and how long each stage took
            cols = "* EXCLUDE (report_json, timings)" if t == "reports" else "* EXCLUDE (processed_at)" \
                if t == "documents" else "*"
            out[t] = sorted(map(repr, con.execute(f"SELECT {cols} FROM {t}").fetchall()))
        return out
    finally:
        con.close()


def _q(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> Path:
    """Two reports extracted once; each test gets its own copy of the database."""
    root = tmp_path_factory.mktemp("extracted")
    src = root / "in"
    src.mkdir()
    shutil.copy(HONGZE, src / HONGZE.name)
    shutil.copy(SHARED / "pdf" / "huaian_2024.pdf", src / "huaian_2024.pdf")
    run_batch([src], RunOptions(db=root / "r.duckdb", workers=1, extract=Options(narrative=False)))
    return root


@pytest.fixture
def db(extracted: Path, tmp_path: Path) -> Path:
    shutil.copy(extracted / "r.duckdb", tmp_path / "r.duckdb")
    return tmp_path / "r.duckdb"


def _file(tmp_path: Path, corrections: list, sha: str | None = None) -> Path:
    cf = CorrectionFile(source=CorrectionSource(path=HONGZE.name, sha256=sha or _sha(HONGZE)), corrections=corrections)
    path = tmp_path / "corrections.json"
    path.write_text(cf.model_dump_json(), encoding="utf-8")
    return path


def test_import_changes_only_the_corrected_cell_and_the_findings_it_decides(db, tmp_path):
    before = _tables(db)
    path = _file(tmp_path, [CellCorrection(id=REVIEW_TOTAL, value=11, previous=0)])
    res = CliRunner().invoke(app, ["import-corrections", str(path), "--db", str(db)])
    assert res.exit_code == 0, res.output
    assert "1 of 1 corrections applied" in res.output
    after = _tables(db)
    for t in ("documents", "sections", "items", "sentences", "facts", "errors"):
        assert after[t] == before[t], t
    changed_cells = set(after["cells"]) ^ set(before["cells"])
    assert len(changed_cells) == 2 and all(REVIEW_TOTAL in row for row in changed_cells)
    assert _q(db, "SELECT value, method, confidence FROM cells JOIN reports USING (report_id) "
                  "WHERE cell_id = ? AND reports.sha256 = ?", [REVIEW_TOTAL, _sha(HONGZE)]) == [(11.0, "corrected", 1.0)]
    # the broken review row's finding is gone, nothing else in findings moved
    gone = set(before["findings"]) - set(after["findings"])
    assert len(gone) == 1 and REVIEW_TOTAL in next(iter(gone)) and set(after["findings"]) < set(before["findings"])
    # the previous value is kept beside the correction; the report row carries the corrected JSON
    assert _q(db, "SELECT target_id, value, previous FROM corrections") == [(REVIEW_TOTAL, 11.0, 0.0)]
    (js,) = _q(db, "SELECT report_json FROM reports WHERE sha256 = ?", [_sha(HONGZE)])[0]
    assert json.loads(js)["cells"][REVIEW_TOTAL]["method"] == "corrected"
    # the views follow the cells
    assert _q(db, "SELECT reviews FROM report_totals r JOIN reports USING (report_id) WHERE reports.sha256 = ?",
              [_sha(HONGZE)]) == [(11.0,)]


def test_corrections_survive_a_forced_rerun_and_a_second_import(db, extracted, tmp_path):
    path = _file(tmp_path, [CellCorrection(id=REVIEW_TOTAL, value=11, previous=0)])
    import_corrections(db, read_corrections(path))
    corrected = _tables(db)
    keys = _q(db, "SELECT key FROM documents ORDER BY 1")
    s = run_batch([extracted / "in"], RunOptions(db=db, workers=1, force=True, extract=Options(narrative=False)))
    assert s.processed == 2 and s.duplicates == 0
    assert _q(db, "SELECT key FROM documents ORDER BY 1") == keys  # the same documents, extracted again
    assert _q(db, "SELECT value, method FROM cells WHERE cell_id = ? AND report_id IN "
                  "(SELECT report_id FROM reports WHERE sha256 = ?)", [REVIEW_TOTAL, _sha(HONGZE)]) == [
        (11.0, "corrected")]
    rerun = _tables(db)
    for t in ("cells", "findings", "reports", "items", "facts"):
        assert rerun[t] == corrected[t], t
    # importing again (or a newer file for the same cell) keeps the value as first extracted
    path = _file(tmp_path, [CellCorrection(id=REVIEW_TOTAL, value=12, previous=11)])
    import_corrections(db, read_corrections(path))
    assert _q(db, "SELECT value, previous FROM corrections") == [(12.0, 0.0)]


def test_import_refuses_what_it_cannot_apply(db, tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "gongkai-corrections/1", "corrections": []}', encoding="utf-8")
    with pytest.raises(BadCorrections) as exc:
        read_corrections(bad)
    assert exc.value.code == "E_CORRECTIONS" and "source" in exc.value.message
    with pytest.raises(UnknownReport) as exc2:
        import_corrections(db, read_corrections(_file(tmp_path, [], sha="0" * 64)))
    assert exc2.value.code == "E_NO_SUCH_REPORT" and "gongkai run" in exc2.value.message
    res = CliRunner().invoke(app, ["import-corrections", str(bad), "--db", str(db)])
    assert res.exit_code == 1 and "E_CORRECTIONS" in res.output
