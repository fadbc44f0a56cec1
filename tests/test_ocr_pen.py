"""Pen marks over print (``ocr.pen``) and highlighter bands that are no rulings (``ocr.grid``)."""

from __future__ import annotations

import cv2
import numpy as np

from gongkai.ocr.grid import find_grids, ruling_ink
from gongkai.ocr.page import PEN_FREE, PageResult, ReadingJudge, _pen_choice
from gongkai.ocr.pen import TallInk, off_rim, pen_pieces, pen_strokes, unmarked
from gongkai.ocr.types import GridCell, Reading

FIGURE = 20  # px: a figure's height at 200 dpi


def _cell() -> np.ndarray:
    """A value cell's grey crop (paper 250) holding a printed 0."""
    g = np.full((80, 160), 250, np.uint8)
    cv2.putText(g, "0", (70, 50), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 30, 2)
    return g


def _ink(g: np.ndarray) -> np.ndarray:
    return ((g < 128) * 255).astype(np.uint8)


def test_a_ring_round_a_figure_is_a_pen_piece_and_its_rim_leaves_the_figure():
    g = _cell()
    figure = _ink(g)
    cv2.ellipse(g, (80, 41), (19, 23), 0, 0, 360, 40, 2)  # touches the 0's sides: one piece of ink
    ink = _ink(g)
    (piece,) = pen_pieces(ink, FIGURE)
    rim = off_rim(piece)
    kept = cv2.bitwise_and(ink, cv2.bitwise_not(rim))
    assert np.count_nonzero(kept & figure) >= 0.6 * np.count_nonzero(figure)  # the figure stays
    ring = cv2.bitwise_and(ink, cv2.bitwise_not(cv2.dilate(figure, np.ones((3, 3), np.uint8))))
    assert np.count_nonzero(kept & ring) <= 0.1 * np.count_nonzero(ring)  # the ring goes


def test_a_tick_beside_a_figure_goes_whole_and_the_figure_stays():
    g = _cell()
    figure = _ink(g)
    cv2.polylines(g, [np.array([(100, 38), (108, 50), (126, 18)], np.int32)], False, 40, 2)
    ink = _ink(g)
    (strokes,) = pen_strokes(ink, FIGURE, None)
    assert not np.count_nonzero(strokes & figure)
    gray, left = unmarked(g, ink, strokes)
    assert np.count_nonzero(left) == np.count_nonzero(figure)
    assert gray[20:55, 98:130].min() > 200  # the tick is paper now


def test_print_alone_holds_no_pen_piece():
    g = _cell()
    cv2.putText(g, "1", (20, 50), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 30, 2)
    cv2.line(g, (40, 40), (60, 40), 30, 2)  # a printed dash
    assert pen_pieces(_ink(g), FIGURE) == []


def test_an_arc_from_the_row_above_fused_with_the_print_is_cut_at_the_rows_band():
    g = _cell()
    figure = _ink(g)
    cv2.ellipse(g, (80, 0), (45, 36), 0, 0, 180, 40, 2)  # the bottom of a ring round the header above
    ink = _ink(g)
    ways = pen_strokes(ink, FIGURE, (33, 51))
    assert len(ways) == 2  # the rim, and what lies beyond the row's band
    beyond = ways[1]
    assert not np.count_nonzero(beyond & figure)
    assert np.count_nonzero(beyond) > 0


def _banded_table(tint: int, fringe: int) -> np.ndarray:
    """A 4-row ruled table, a highlighter band (grey ``tint``, its edges ``fringe``: what lifting a pink
    band as red leaves of its blurred edge) along the middle of its third row."""
    img = np.full((500, 900), 250, np.uint8)
    img[270:310, 60:840] = tint
    img[268:274, 60:840] = fringe
    img[306:312, 60:840] = fringe
    xs, ys = [50, 300, 550, 850], [50, 150, 250, 350, 450]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 60, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 60, 2)
    return cv2.GaussianBlur(img, (5, 5), 0)


def test_a_highlighter_band_along_a_row_adds_no_rows():
    for tint, fringe in ((240, 205), (240, 215), (230, 190), (200, 200)):
        img = _banded_table(tint, fringe)
        (g,) = find_grids(ruling_ink(img), gray=img)
        assert (g.rows, g.cols) == (4, 3), (tint, fringe)


def test_faint_rulings_of_a_thin_toner_copy_stay_rulings():
    img = np.full((500, 900), 250, np.uint8)
    xs, ys = [50, 300, 550, 850], [50, 150, 250, 350, 450]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 200, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 200, 2)
    img[148:153, 400:700] = 235  # a ruling faded in a patch
    img = cv2.GaussianBlur(img, (3, 3), 0)
    (g,) = find_grids(ruling_ink(img), gray=img)
    assert (g.rows, g.cols) == (4, 3)


def test_thin_inner_rulings_inside_a_bold_frame_stay_rulings():
    """review10: the rulings' darkness was the darkest quarter of the lines, which a 3 px frame fills on a
    small table, so blurred 1 px inner rulings counted as light lines and the table read 1 x 3."""
    for blur, inner in ((5, 0), (3, 40)):
        img = np.full((500, 900), 250, np.uint8)
        xs, ys = [50, 300, 550, 850], [50, 150, 250, 350, 450]
        for y in ys:
            cv2.line(img, (xs[0], y), (xs[-1], y), 0 if y in (ys[0], ys[-1]) else inner, 3 if y in (ys[0], ys[-1]) else 1)
        for x in xs:
            cv2.line(img, (x, ys[0]), (x, ys[-1]), 0 if x in (xs[0], xs[-1]) else inner, 3 if x in (xs[0], xs[-1]) else 1)
        img = cv2.GaussianBlur(img, (blur, blur), 0)
        (g,) = find_grids(ruling_ink(img), gray=img)
        assert (g.rows, g.cols) == (4, 3), (blur, inner)


class _Labels:
    """A judge that knows one label (as the report's template judge knows its row labels)."""

    def score(self, result: PageResult) -> float:
        texts = [cr.reading.text for t in result.tables for cr in t.cells]
        return 10.0 * texts.count("规章") + ReadingJudge().score(result)


_CELL = GridCell(0, 0, 1, 1, (0, 0, 60, 30))


def test_a_value_read_without_the_pen_is_a_candidate_the_first_reading_beside_it():
    got = _pen_choice(Reading("94870", 0.57), [Reading("9487", 0.95)], _CELL, ReadingJudge())
    assert got.text == "9487" and got.confidence == PEN_FREE and ("94870", 0.57) in got.alternatives
    got = _pen_choice(Reading("①", 0.87), [Reading("0", 0.62)], _CELL, ReadingJudge())
    assert got.text == "0" and got.confidence == 0.62
    sure = Reading("0", 0.95)
    assert _pen_choice(sure, [Reading("8", 0.7)], _CELL, ReadingJudge()) is sure


def test_a_ringed_label_is_its_label_again_and_nothing_left_is_never_a_blank():
    got = _pen_choice(Reading("10", 0.9), [Reading("规章", 0.9)], _CELL, _Labels())
    assert got.text == "规章"
    first = Reading("d", 0.85)
    assert _pen_choice(first, [Reading("", 0.0), Reading("d", 0.86)], _CELL, _Labels()) is first


def _table_ink() -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A row of three value cells' ink (a printed 0 in each), a pen ring round the middle one's 0 and a
    tick beside the last one's; and the cells' boxes."""
    g = np.full((80, 480), 250, np.uint8)
    for x in (70, 230, 390):
        cv2.putText(g, "0", (x, 50), cv2.FONT_HERSHEY_SIMPLEX, 0.75, 30, 2)
    cv2.ellipse(g, (240, 41), (19, 23), 0, 0, 360, 40, 2)
    cv2.polylines(g, [np.array([(420, 38), (428, 50), (446, 18)], np.int32)], False, 40, 2)
    return _ink(g), [(0, 0, 160, 80), (160, 0, 320, 80), (320, 0, 480, 80)]


def test_cells_passed_over_by_the_tables_labelling_hold_no_pen_piece():
    ink, cells = _table_ink()
    tall = TallInk(ink, (0, 0, ink.shape[1], ink.shape[0]), FIGURE)
    held = [tall.may_hold_pen(box, FIGURE) for box in cells]
    found = [bool(pen_pieces(ink[y0:y1, x0:x1], FIGURE)) for x0, y0, x1, y1 in cells]
    assert found == [False, True, True]
    assert held == [False, True, True]  # passes over the print alone, never a cell with a pen piece


def test_a_tall_piece_cut_short_by_a_cells_box_is_no_pen_piece_there():
    """A ring's arc reaching a cell from the row above: cut at the cell's top, it is a short piece there."""
    ink, _ = _table_ink()
    tall = TallInk(ink, (0, 0, ink.shape[1], ink.shape[0]), FIGURE)
    band = (160, 45, 320, 80)  # the ringed cell's lower part: the ring's bottom arc alone, < HAND_TALL glyphs
    x0, y0, x1, y1 = band
    assert not pen_pieces(ink[y0:y1, x0:x1], FIGURE)
    assert not tall.may_hold_pen(band, FIGURE)
