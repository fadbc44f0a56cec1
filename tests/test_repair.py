"""Arithmetic repair of unsure OCR cells (extract/repair.py) on synthetic tables."""

from __future__ import annotations

import json

from gongkai.extract.domain.mapping import map_tables
from gongkai.extract.domain.model import CellValue, Doubt
from gongkai.extract.domain.repair import (
    doubt_blanks,
    doubt_contradicted,
    doubt_lone_blanks,
    repair_cells,
)
from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import schema
from gongkai.extract.input.readers import read_document
from gongkai.extract.layout import Cell
from gongkai.extract.options import Options
from gongkai.extract.pipeline import build_report
from tests.conftest import SHARED


def _truth(doc_id: str) -> dict:
    return json.loads((SHARED / "truth" / f"{doc_id}.json").read_text("utf-8"))


def _ocr_cells(values: dict, method: str = "ocr:tesseract", confidence: float = 0.95) -> dict[str, CellValue]:
    """A table as OCR would give it when every reading is sure (and right)."""
    out = {}
    for cid, v in values.items():
        table, row, col = cid.split(".")
        text = "" if v is None else str(v)
        out[cid] = CellValue(value=v, text=text, page=1, method=method, confidence=confidence, table=table, row=row, column=col)
    return out


def _misread(cells: dict[str, CellValue], cid: str, value: int, conf: float, alts: list[tuple[str, float]]) -> None:
    c = cells[cid]
    c.value, c.text, c.confidence, c.alternatives = value, str(value), conf, tuple(alts)


def _checker() -> RuleChecker:
    return RuleChecker(schema())


def test_single_wrong_digit_is_repaired_with_its_rules():
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    cid = "applications.new_received.commercial_enterprise"  # printed 53, read 58
    _misread(cells, cid, 58, 0.55, [("53", 0.41), ("83", 0.12)])
    checker = _checker()
    assert checker.check({k: c.value for k, c in cells.items()})  # broken before
    repairs = repair_cells(cells, checker)
    assert [(r.cell, r.old, r.new) for r in repairs] == [(cid, 58, 53)]
    assert cells[cid].value == 53 and cells[cid].text == "53"
    assert cells[cid].method == "repaired:applications.balance,applications.row_total"
    assert cells[cid].confidence == 0.41
    assert ("58", 0.55) in cells[cid].alternatives  # the OCR reading is kept
    assert not checker.check({k: c.value for k, c in cells.items()})
    others = {k: c.value for k, c in cells.items() if k != cid}
    assert others == {k: v for k, v in truth.items() if k != cid}


def test_two_ambiguous_cells_are_resolved_by_two_rules():
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    a = "applications.new_received.natural_person"  # 3001 read 3007
    b = "review_litigation.review.other"  # 178 read 176
    _misread(cells, a, 3007, 0.6, [("3001", 0.58), ("3004", 0.3)])
    _misread(cells, b, 176, 0.5, [("178", 0.49), ("170", 0.45)])
    repairs = repair_cells(cells, _checker())
    assert {(r.cell, r.new) for r in repairs} == {(a, 3001), (b, 178)}
    assert cells[a].method == "repaired:applications.balance,applications.row_total"
    assert cells[b].method == "repaired:review_litigation.row_total"


def test_two_unsure_cells_of_one_table_need_both_rules():
    """Two wrong cells in one column and one row: no single change fits, the pair does."""
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    a = "applications.new_received.legal_service_org"  # 61 read 67
    b = "applications.carried_over.natural_person"
    _misread(cells, a, 67, 0.5, [("61", 0.45)])
    _misread(cells, b, truth[b] + 5, 0.5, [(str(truth[b]), 0.45), (str(truth[b] + 50), 0.2)])
    repairs = repair_cells(cells, _checker())
    assert {(r.cell, r.new) for r in repairs} == {(a, 61), (b, truth[b])}


def test_a_truly_inconsistent_report_is_not_repaired():
    """hongze_2023 prints total 0 where its row sums to 11: confident readings keep the finding."""
    truth = _truth("hongze_2023")["cells"]
    cells = _ocr_cells(truth)
    checker = _checker()
    before = checker.check({k: c.value for k, c in cells.items()})
    assert {v.where for v in before} == {"review_litigation.review.*", "review_litigation.litigation_after_review.*"}
    # a confident reading with a weak disagreeing alternative that would "fix" it is still not doubted
    _misread(cells, "review_litigation.review.total", 0, 0.93, [("11", 0.2)])
    assert repair_cells(cells, checker) == []
    assert cells["review_litigation.review.total"].value == 0
    assert cells["review_litigation.review.total"].method == "ocr:tesseract"


def test_unsure_cells_whose_readings_cannot_fix_the_rule_stay():
    truth = _truth("hongze_2023")["cells"]
    cells = _ocr_cells(truth)
    # unsure, but none of its readings makes 10 + 1 + 0 + 0 == total
    _misread(cells, "review_litigation.review.total", 0, 0.4, [("8", 0.39), ("0", 0.3)])
    assert repair_cells(cells, _checker()) == []
    assert cells["review_litigation.review.total"].value == 0


def test_ties_are_left_alone():
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    # review row: 72 + 64 + 178 + 37 = 351. Read upheld 71 and corrected 64 -> 63: both "+1" fixes fit the row
    up, co = "review_litigation.review.upheld", "review_litigation.review.corrected"
    _misread(cells, up, 71, 0.5, [("72", 0.45)])
    _misread(cells, co, 64, 0.5, [("65", 0.45)])
    assert repair_cells(cells, _checker()) == []
    assert cells[up].value == 71 and cells[co].value == 64


def test_text_layer_cells_are_never_repaired():
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth, method="text", confidence=1.0)
    cid = "applications.new_received.commercial_enterprise"
    _misread(cells, cid, 58, 0.5, [("53", 0.49)])
    cells[cid].method = "text"
    assert repair_cells(cells, _checker()) == []
    assert cells[cid].value == 58


def test_no_reading_is_invented():
    """A cell with low confidence but no alternatives is not given the value the rules want."""
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    cid = "applications.new_received.commercial_enterprise"
    _misread(cells, cid, 58, 0.2, [])
    assert repair_cells(cells, _checker()) == []
    assert cells[cid].value == 58


def test_repair_through_the_pipeline_shows_in_the_report():
    """A born-digital document whose one cell is made an unsure OCR reading: the report repairs it
    and says how; the untouched document is not repaired at all."""
    truth = _truth("huaian_2024")
    data = (SHARED / truth["source"]).read_bytes()
    doc = read_document(data, "pdf", Options())
    clean = build_report(doc, schema(), _src())
    assert not any(c.method.startswith("repaired") for c in clean.cells.values())
    cid = "applications.new_received.commercial_enterprise"
    bbox = map_tables(doc, schema()).cells[cid].bbox
    (cell,) = [c for t in doc.tables() for r in t.rows for c in r if isinstance(c, Cell) and c.bbox == bbox]
    cell.text, cell.method, cell.confidence, cell.alternatives = "58", "ocr:tesseract", 0.5, (("53", 0.45),)
    r = build_report(doc, schema(), _src())
    assert r.cells[cid].value == 53
    assert r.cells[cid].method == "repaired:applications.balance,applications.row_total"
    assert not [f for f in r.findings if f.rule.startswith("applications.")]
    assert '"method": "repaired:applications.balance,applications.row_total"' in r.to_json()


def _src():
    from gongkai.extract.domain.model import Source

    return Source(format="pdf")


def test_cells_the_arithmetic_still_contradicts_are_not_sure():
    """A confident misreading no alternative can fix: every OCR cell of the broken rules loses its
    sureness, the cell where the row's and the column's rules cross most; the rest keep theirs."""
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    cid = "applications.new_received.commercial_enterprise"
    _misread(cells, cid, 58, 0.97, [])
    checker = _checker()
    assert repair_cells(cells, checker) == []
    doubt_contradicted(cells, checker)
    broken = checker.check({k: c.value for k, c in cells.items()})
    involved = {k for v in broken for k in v.cells}
    assert cid in involved and cells[cid].confidence <= 0.4
    assert all(cells[k].confidence < 0.8 for k in involved)
    assert all(c.confidence == 0.95 for k, c in cells.items() if k not in involved)


def test_a_doubt_holds_a_cell_at_its_kinds_one_cap_wherever_it_is_raised():
    """review10: caps were chosen per call site, so one kind of doubt held cells at different values (a
    contradiction at 0.7 or 0.4, an empty reading at 0.75 or 0.45) and a cell's doubts did not say what they
    cost. Each kind has one cap (``Doubt.most``); the crossing of two broken rules and a blank among zeros are
    kinds of their own."""
    truth = _truth("huaian_2024")["cells"]
    cells = _ocr_cells(truth)
    cid = "applications.new_received.commercial_enterprise"
    _misread(cells, cid, 58, 0.97, [])
    checker = _checker()
    doubt_contradicted(cells, checker)
    involved = {k for v in checker.check({k: c.value for k, c in cells.items()}) for k in v.cells}
    assert cells[cid].doubts == {Doubt.CROSSED} and cells[cid].confidence == Doubt.CROSSED.most
    once = [cells[k] for k in involved - {cid}]
    assert once and all(c.doubts == {Doubt.CONTRADICTED} and c.confidence == Doubt.CONTRADICTED.most for c in once)
    blanks = _ocr_cells(truth, confidence=1.0)
    zero = next(k for k, c in blanks.items() if c.table == "applications" and c.value == 0)
    blanks[zero].value, blanks[zero].text = None, ""
    doubt_lone_blanks(blanks)
    doubt_blanks(blanks)
    assert blanks[zero].doubts == {Doubt.LONE_BLANK, Doubt.EMPTY}
    assert blanks[zero].confidence == min(Doubt.LONE_BLANK.most, Doubt.EMPTY.most)
    for kind in Doubt:  # a fresh cell doubted once or twice for one reason claims its kind's cap, no other
        c = CellValue(value=1, method="ocr:test", confidence=0.99, read=0.99, table="t", row="r", column="c")
        c.doubt(kind)
        c.doubt(kind)
        assert c.confidence == min(0.99, kind.most) and c.doubts == {kind}


def test_a_text_layer_that_does_not_add_up_keeps_its_confidence():
    truth = _truth("hongze_2023")["cells"]  # prints a total that its row does not sum to
    cells = _ocr_cells(truth, method="text", confidence=1.0)
    doubt_contradicted(cells, _checker())
    assert all(c.confidence == 1.0 for c in cells.values())


def test_an_empty_cell_in_a_table_that_writes_0_for_nothing_is_not_sure():
    """A thin-toner scan lost a faint 0 and the cell read empty with confidence 1.0 (toner family,
    huaian_2024): where the table's own convention for nothing is 0, an empty cell is unsure."""
    cells = _ocr_cells(_truth("huaian_2024")["cells"], confidence=1.0)
    zero = next(k for k, c in cells.items() if c.table == "applications" and c.value == 0)
    cells[zero].value, cells[zero].text = None, ""
    doubt_lone_blanks(cells)
    assert cells[zero].confidence == Doubt.LONE_BLANK.most
    assert all(c.confidence == 1.0 for k, c in cells.items() if k != zero)


def test_a_table_that_leaves_nothing_empty_keeps_its_empty_cells_sure():
    """A report that writes its nothing as empty cells (more empty than 0) is read as printed."""
    cells = _ocr_cells(_truth("huaian_2024")["cells"], confidence=1.0)
    for c in cells.values():
        if c.table == "applications" and c.value == 0:
            c.value, c.text = None, ""
    doubt_lone_blanks(cells)
    assert all(c.confidence == 1.0 for c in cells.values())


def test_a_cell_read_empty_is_never_sure():
    """in8b_forward huaian_2024: a warm-lit photo's print lifted as seal ink, its 0 read blank at 0.9 (sure and
    wrong). Empty readings are capped wherever they came from; values and text-layer blanks are untouched."""
    cells = _ocr_cells(_truth("huaian_2024")["cells"], confidence=0.9)
    zero = next(k for k, c in cells.items() if c.table == "applications" and c.value == 0)
    cells[zero].value, cells[zero].text = None, ""
    printed = _ocr_cells(_truth("huaian_2024")["cells"], method="text", confidence=1.0)
    blank = next(k for k in printed)
    printed[blank].value = None
    doubt_blanks(cells)
    doubt_blanks(printed)
    assert cells[zero].confidence == Doubt.EMPTY.most
    assert all(c.confidence == 0.9 for k, c in cells.items() if k != zero)
    assert printed[blank].confidence == 1.0


def test_a_sum_over_a_row_not_found_repairs_nothing():
    """pale gen_037 seed 11 (a warm-lit photo): the row 2、重复申请 (3 in two columns) was not found, the
    results sum short by its 3, and the row above's unsure 0s had the other reading's 3 (that row's band)
    as an alternative: the repair took it, 3 for 0 at 0.9. A line that adds up a cell not placed may be
    short by that cell: it vouches for no change."""
    truth = _truth("huaian_2024")["cells"]
    lost = {k for k in truth if k.startswith("applications.rejected_confirmation.")}  # 1 in natural_person, total
    cells = _ocr_cells({k: v for k, v in truth.items() if k not in lost})
    for col in ("natural_person", "total"):
        _misread(cells, f"applications.rejected_duplicate.{col}", 25, 0.6, [("26", 0.9)])  # 25 printed
    checker = _checker()
    assert checker.check({k: c.value for k, c in cells.items()})  # short by the lost row's 1
    assert repair_cells(cells, checker) == []
    assert cells["applications.rejected_duplicate.natural_person"].value == 25
