"""Tables without rulings: the grid found from the alignment of recognised line boxes (fast, no OCR)."""

from __future__ import annotations

import numpy as np
import pytest

from gongkai.ocr.align import find_tables, is_value
from gongkai.ocr.types import Line

CH = 24  # character height in pixels (a 10.5 pt font at 200 dpi)
H = 40  # a detected line box's height
PITCH = 42


def _line(text: str, x: int, y: int, w: int | None = None) -> Line:
    w = w if w is not None else CH * len(text)
    return Line(text, (x, y, x + w, y + H), 0.99)


def _centred(text: str, cx: int, y: int) -> Line:
    w = CH * len(text)
    return _line(text, cx - w // 2, y, w)


PROSE_X, PROSE_W = 160, 1330


def _prose(y: int, text: str = "本报告根据条例要求编制数据统计期限自一月一日起至十二月三十一日止") -> Line:
    return _line(text, PROSE_X, y, PROSE_W)


COLS = [300, 700, 1000, 1300]  # column centres of a four-column table


def _simple_table(y0: int) -> list[Line]:
    """A header and three data rows, every cell centred in its column."""
    rows = [["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "0", "12", "3"], ["行政规范性文件", "5", "0", "17"], ["合计", "5", "12", "20"]]
    out = []
    for r, texts in enumerate(rows):
        out += [_centred(t, cx, y0 + r * PITCH) for t, cx in zip(texts, COLS, strict=True)]
    return out


def _where(table, line: Line) -> tuple[int, int]:
    cx, cy = (line.box[0] + line.box[2]) / 2, (line.box[1] + line.box[3]) / 2
    for c in table.grid.cells:
        x0, y0, x1, y1 = c.box
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return c.row, c.col
    raise AssertionError(f"{line.text} in no cell")


def test_values_and_labels():
    assert is_value("0") and is_value("1,234") and is_value("7730.28") and is_value("—") and is_value("/")
    assert is_value("O")  # a zero read as the letter
    assert not is_value("规章") and not is_value("") and not is_value("第二十条")


def test_a_borderless_table_between_paragraphs_is_found_with_its_columns_and_rows():
    lines = [_prose(100), _prose(150), *_simple_table(260), _prose(260 + 4 * PITCH + 80)]
    found = find_tables(lines, CH)
    assert len(found) == 1
    t = found[0]
    g = t.grid
    assert (g.rows, g.cols) == (4, 4)
    assert not g.ruled and 0 < g.confidence < 1
    assert t.lines == list(range(2, 18))  # the prose stays prose
    for k, ln in enumerate(lines[2:18]):
        assert _where(t, ln) == (k // 4, k % 4)
    assert len(g.xs) == 5 and len(g.ys) == 5


def test_prose_alone_is_no_table():
    lines = [_prose(100 + 50 * k) for k in range(12)]
    assert find_tables(lines, CH) == []


def test_one_row_of_two_boxes_is_no_table():
    lines = [_prose(100), _prose(150), _line("机关名称", 200, 220), _line("二〇二四年一月", 1100, 220), _prose(300)]
    assert find_tables(lines, CH) == []


def test_a_wrapped_label_joins_its_row():
    """A label printed on two lines beside one line of values (cells aligned to the top) is one row."""
    y = 300
    lines = [_centred("信息内容", 300, y), _centred("数量", 700, y), _centred("金额", 1000, y),
             _centred("一、本年新收政府", 300, y + PITCH), _centred("4", 700, y + PITCH), _centred("12", 1000, y + PITCH),
             _centred("信息公开申请", 300, y + 2 * PITCH),
             _centred("二、上年结转", 300, y + 3 * PITCH), _centred("0", 700, y + 3 * PITCH),
             _centred("1", 1000, y + 3 * PITCH)]
    found = find_tables(lines, CH)
    assert len(found) == 1
    t = found[0]
    assert t.grid.rows == 3
    assert _where(t, lines[3]) == _where(t, lines[6]) == (1, 0)
    assert _where(t, lines[7]) == (2, 0)


def test_a_title_over_the_table_spans_it_and_a_heading_above_it_is_prose():
    heading = _line("二、主动公开政府信息情况", PROSE_X + 2 * CH, 150)
    title = _centred("第二十条第（一）项", (COLS[0] + COLS[-1]) // 2, 200)
    lines = [_prose(100), heading, title, *_simple_table(200 + PITCH)]
    found = find_tables(lines, CH)
    assert len(found) == 1
    t = found[0]
    assert 1 not in t.lines and 2 in t.lines
    top = next(c for c in t.grid.cells if c.row == 0 and c.col == 0)
    assert top.colspan == 4


def test_a_stacked_header_cell_is_one_cell():
    """A header wrapped in its column ("商业" over "企业") is one cell two lines high."""
    y = 300
    lines = [_centred("项目", COLS[0], y), _centred("商业", COLS[1], y), _centred("科研", COLS[2], y),
             _centred("总计", COLS[3], y), _centred("企业", COLS[1], y + PITCH), _centred("机构", COLS[2], y + PITCH)]
    for r in range(3):
        lines += [_centred(t, cx, y + (2 + r) * PITCH) for t, cx in zip([f"第{r + 1}项", "1", "2", "3"], COLS, strict=True)]
    found = find_tables(lines, CH)
    assert len(found) == 1
    g = found[0].grid
    cell = next(c for c in g.cells if c.row == 0 and c.col == 1)
    assert cell.rowspan == 2


def test_a_box_over_two_columns_is_cut_at_the_ink_gap():
    """The detector joined two header cells whose texts nearly touch: the ink shows the gap."""
    y = 300
    joined = _line("本年废止件数现行有效件数", 880, y, 1420 - 880)
    lines = [_centred("信息内容", COLS[0], y), _centred("本年制发件数", COLS[1], y), joined]
    for r in range(3):
        lines += [_centred(t, cx, y + (1 + r) * PITCH) for t, cx in zip([f"第{r + 1}项", "1", "22", "3"], COLS, strict=True)]
    ink = np.zeros((800, 1600), np.uint8)
    for ln in lines:
        x0, y0, x1, y1 = ln.box
        ink[y0 + 8 : y1 - 8, x0:x1] = 255
    ink[y + 8 : y + H - 8, 1130:1170] = 0  # the white between the two texts
    whole = find_tables(lines, CH)[0].grid
    cut = find_tables(lines, CH, ink)[0].grid
    assert next(c for c in whole.cells if c.row == 0 and c.col == 2).colspan == 2
    assert next(c for c in cut.cells if c.row == 0 and c.col == 2).colspan == 1
    assert next(c for c in cut.cells if c.row == 0 and c.col == 3).colspan == 1


@pytest.mark.parametrize("number", ["- 3 -", "3"])
def test_the_page_number_under_a_table_is_not_a_row(number):
    lines = [*_simple_table(1800), _centred(number, (COLS[0] + COLS[-1]) // 2, 1800 + 4 * PITCH + 4)]
    found = find_tables(lines, CH)
    assert len(found) == 1 and found[0].grid.rows == 4 and len(lines) - 1 not in found[0].lines


def test_a_run_cut_into_pieces_without_two_tabular_rows_is_no_table():
    """Regression: a piece of a run holding a single row of several boxes (or none) crashed."""
    lines = [*_simple_table(300)[:4], _line("三、收到和处理政府信息公开申请情况", PROSE_X, 300 + PITCH),
             *_simple_table(300 + 2 * PITCH)[4:8], _prose(300 + 3 * PITCH)]
    assert find_tables(lines, CH) == []


def test_short_lines_beside_a_seals_characters_are_no_table():
    """Regression (a hard scan of hongze_2023): two short prose lines with a seal's characters
    detected far to their right made a two-column "table" and took the prose away."""
    lines = [_prose(100), _line("均在法定期限答复。", PROSE_X, 150), _line("八", 1300, 150, CH),
             _line("（三）政府信息管理情况。", PROSE_X + 2 * CH, 150 + PITCH), _line("用", 1290, 150 + PITCH, CH),
             _prose(150 + 2 * PITCH + 10)]
    assert find_tables(lines, CH) == []


def test_a_table_at_the_pictures_edge_starts_on_the_page():
    """A photo read whole (clutter, huaian_2024 seed 1): another sheet's table reaching the picture's
    top-left corner gave a grid at x=-16, an empty slice of the page, and the reader crashed."""
    lines = [ln for ln in _simple_table(0)]
    shift = lines[0].box[0]  # the first column's text touching the left edge, the first row the top
    lines = [Line(ln.text, (ln.box[0] - shift, ln.box[1], ln.box[2] - shift, ln.box[3]), ln.confidence) for ln in lines]
    (table,) = find_tables(lines, CH)
    x0, y0, _, _ = table.grid.box
    assert x0 >= 0 and y0 >= 0
    assert all(c.box[0] >= 0 and c.box[1] >= 0 and c.box[2] > c.box[0] and c.box[3] > c.box[1] for c in table.grid.cells)
