"""Table strategies: pdfplumber first, camelot where a table scores low; per table by quality."""

from __future__ import annotations

import json

import pytest

from gongkai import Options, read_report
from gongkai.extract.input.readers.pdf_tables import choose as _choose
from gongkai.extract.input.readers.pdf_tables import quality as _quality
from gongkai.extract.layout import Cell, Table
from tests.conftest import SHARED


def _table(texts: list[list[str]], method: str, bbox=(0, 0, 100, 100)) -> Table:
    rows = [[Cell(t) for t in r] for r in texts]
    return Table(rows, method, 1, bbox, True, _quality(rows))


def test_quality_penalises_cells_holding_two_numbers():
    good = _table([["规章", "0", "1", "2"]], "a")
    merged = _table([["规章", "0 1", "2", ""]], "b")
    assert good.quality == 1.0
    assert merged.quality < good.quality


def test_choose_takes_the_better_table_and_keeps_the_rest():
    weak = _table([["规章", "0 1", "2"]], "pdfplumber")
    other = _table([["行政许可", "5"]], "pdfplumber", (0, 200, 100, 300))
    strong = _table([["规章", "0", "1", "2"]], "camelot-lattice", (1, 1, 99, 99))
    chosen = _choose([weak, other], [strong], prefer_alt=False)
    assert strong in chosen and other in chosen and weak not in chosen
    # a tie keeps the primary strategy
    assert _choose([strong], [_table([["规章", "0", "1", "2"]], "camelot-lattice")], prefer_alt=False) == [strong]


@pytest.mark.slow
@pytest.mark.parametrize("doc_id", ["hongze_2023", "huaian_2024"])
def test_camelot_strategy_is_exact_too(doc_id):
    truth = json.loads((SHARED / "truth" / f"{doc_id}.json").read_text("utf-8"))
    r = read_report(SHARED / truth["source"], Options(table_strategy="camelot"))
    assert {t.method for t in r.tables} == {"camelot-lattice"}
    assert r.values() == truth["cells"]
