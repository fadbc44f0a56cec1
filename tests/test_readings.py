"""Merging two readings of a scanned table (extract/domain/readings.py)."""

from __future__ import annotations

from gongkai.extract.domain.model import CellValue
from gongkai.extract.domain.readings import DISAGREED, _merge


def _cell(value, conf: float) -> CellValue:
    return CellValue(value=value, text="" if value is None else str(value), page=1, method="ocr:rapidocr",
                     confidence=conf, table="applications", row="granted", column="total")


def test_readings_that_agree_keep_the_winners_confidence():
    out = _merge({"a": _cell(3, 0.95)}, {"a": _cell(3, 0.9)})
    assert out["a"].confidence == 0.95 and out["a"].alternatives == ()


def test_a_value_the_other_reading_contradicts_is_not_sure():
    out = _merge({"a": _cell(1, 0.95), "b": _cell(None, 0.9)}, {"a": _cell(3, 0.9), "b": _cell(8, 0.9)})
    assert out["a"].value == 1 and out["a"].confidence == DISAGREED and ("3", 0.9) in out["a"].alternatives
    assert out["b"].value is None and out["b"].confidence == DISAGREED  # a blank where the other read an 8


def test_a_sure_blank_against_a_value_is_a_disagreement_too_but_a_weak_one_is_not():
    out = _merge({"a": _cell(6, 1.0), "b": _cell(13, 1.0)}, {"a": _cell(None, 0.9), "b": _cell(None, 0.3)})
    assert out["a"].confidence == DISAGREED and out["b"].confidence == 1.0


def test_cells_only_the_other_reading_has_are_taken():
    out = _merge({}, {"a": _cell(2, 0.7)})
    assert out["a"].value == 2 and out["a"].confidence == 0.7
