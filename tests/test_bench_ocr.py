"""benchmarks/bench_ocr.py's own logic (no OCR): baselines' cells into layout tables, the
summary's targets, held-out families kept apart."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
bench = pytest.importorskip("bench_ocr")


def _cell(box, value):
    return {"bbox": list(box), "value": value}


def test_img2table_merged_cells_become_spans():
    title = _cell((0, 0, 300, 20), "申请人情况")
    label = _cell((0, 20, 100, 60), "一、本年新收")
    rows = [
        [title, title, title],
        [label, _cell((100, 20, 200, 40), "95"), _cell((200, 20, 300, 40), "0")],
        [label, _cell((100, 40, 200, 60), "3"), None],
    ]
    doc = bench.img2table_document([[{"bbox": [0, 0, 300, 60], "rows": rows}]])
    (table,) = doc.blocks
    assert table.texts() == [["申请人情况", None, None], ["一、本年新收", "95", "0"], [None, "3", None]]
    assert (table.rows[0][0].colspan, table.rows[1][0].rowspan) == (3, 2)
    assert table.rows[1][1].method == "ocr:img2table" and table.page == 1


def test_plain_words_go_into_the_cells_of_the_grid_found_on_the_page():
    import cv2
    import numpy as np

    img = np.full((300, 400, 3), 255, np.uint8)
    for y in (20, 100, 180, 260):
        cv2.line(img, (20, y), (380, y), (0, 0, 0), 2)
    for x in (20, 200, 380):
        cv2.line(img, (x, 20), (x, 260), (0, 0, 0), 2)
    words = [("本年新收", (40, 50, 120, 70), (0,), 0.99), ("95", (280, 50, 300, 70), (0,), 0.7),
             ("标题文字", (40, 275, 160, 295), (1,), 0.9)]
    doc = bench.words_document([img], [words], "ocr:rapidocr-page")
    tables = [b for b in doc.blocks if hasattr(b, "rows")]
    assert tables and tables[0].texts()[0] == ["本年新收", "95"]
    assert tables[0].rows[0][1].confidence == 0.7
    assert [b.text for b in doc.blocks if not hasattr(b, "rows")] == ["标题文字"]


def _rec(right: int, sure: int, cpu: float) -> dict:
    return {"pages": 10, "cpu": cpu, "cells_total": 2000, "cells_right": right, "cells_wrong": sure, "cells_wrong_sure": sure,
            "cer_dist": 5, "cer_total": 100}


def test_the_summary_checks_every_target_for_gongkai_only():
    ok = bench._summary("gongkai", "lid", [_rec(1990, 1, 15.0)], 900, 99.0)
    assert "cells ok, sure ok, cpu ok, rss ok" in ok and "(99.50%)" in ok and "(1.00/2000)" in ok
    bad = bench._summary("gongkai", "fax", [_rec(1900, 3, 30.0)], 1500, 99.0)
    assert "cells MISSED 99%, sure MISSED, cpu MISSED, rss MISSED" in bad
    assert "[" not in bench._summary("img2table", "fax", [_rec(100, 3, 30.0) | {"cer_dist": None}], 300, 99.0)
    assert "CER=n/a" in bench._summary("img2table", "fax", [_rec(100, 3, 30.0) | {"cer_dist": None}], 300, 99.0)


def test_held_out_families_are_not_own_ones():
    assert not set(bench.HELD_OUT) & set(bench.OWN)
    assert bench.LEVELS == bench.OWN + bench.HELD_OUT
    assert {"lid", "rot6", "fax", "toner", "copyseal", "curl", "jpeg", "colour150", "hard", "fax_fixed"} <= set(bench.OWN)
