"""Ruled-table geometry on degraded copies: what broke on scans and photos, on small synthetic pages.

Each test draws a table with known cells and the one degradation that used to merge,
split or lose them.
"""

from __future__ import annotations

import random

import cv2
import numpy as np

from gongkai.ocr.geometry import find_page_quad, upright
from gongkai.ocr.grid import find_grids, long_strokes, ruling_ink
from gongkai.ocr.preprocess import clean, flatten_illumination, to_gray_without_red
from tests.generator.degrade import stamp


def _table(xs: list[int], ys: list[int], size: tuple[int, int] = (1654, 2339)) -> np.ndarray:
    """A white page (BGR) with a full grid of 2 px rulings."""
    w, h = size
    img = np.full((h, w, 3), 255, np.uint8)
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), (0, 0, 0), 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), (0, 0, 0), 2)
    return img


def _cells(img: np.ndarray) -> list[tuple[int, int, int, int]]:
    grids = find_grids(ruling_ink(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY) if img.ndim == 3 else img))
    assert len(grids) == 1
    return sorted((c.row, c.col, c.rowspan, c.colspan) for c in grids[0].cells)


def _character(img: np.ndarray, x: int, top: int, bottom: int) -> None:
    """A character whose vertical stroke sits at ``x`` from ``top`` to ``bottom``, with the
    horizontal strokes of a 丰 crossing it (a stroke of 情 standing on a column line)."""
    cv2.line(img, (x, top), (x, bottom), (0, 0, 0), 2)
    for y in np.linspace(top + 3, bottom - 3, 3).astype(int):
        cv2.line(img, (x - 9, int(y)), (x + 9, int(y)), (0, 0, 0), 2)


def test_a_stroke_standing_on_a_column_line_does_not_split_the_title_over_it():
    """A title cell across two columns whose text has a stroke right over the column line below,
    touching both rulings of a tight row, stays one cell."""
    xs, ys = [200, 500, 800, 1100], [300, 328, 400, 460]
    img = _table(xs, ys)
    cv2.rectangle(img, (xs[1] - 1, ys[0] + 2), (xs[1] + 1, ys[1] - 2), (255, 255, 255), -1)  # merged title
    _character(img, xs[1], ys[0] + 1, ys[1] - 1)
    cells = _cells(img)
    assert (0, 0, 1, 2) in cells
    assert len(cells) == 2 + 3 + 3


def test_strokes_stacked_over_a_ruling_are_not_a_column():
    """Two characters in rows above each other, their strokes lined up across the ruling between
    them: together as long as a column line, still no column."""
    xs, ys = [200, 500, 1100], [300, 328, 356, 420, 480]
    img = _table(xs, ys)
    for r in (0, 1):
        _character(img, 800, ys[r] + 1, ys[r + 1] - 1)
    assert _cells(img) == [(r, c, 1, 1) for r in range(4) for c in range(2)]


def test_a_column_line_one_short_row_tall_is_found():
    """A sub-table's line only as tall as one 28 px row (shorter than the page's ruling kernel)
    separates that row's two labels."""
    xs, ys = [200, 600, 900, 1200], [300, 360, 420, 448, 508]
    img = _table(xs, ys)
    cv2.line(img, (330, ys[2]), (330, ys[3]), (0, 0, 0), 2)  # only in row 2
    cells = _cells(img)
    assert (2, 0, 1, 1) in cells and (2, 1, 1, 1) in cells
    assert (0, 0, 1, 2) in cells  # the other rows span it


def _jpeg(img: np.ndarray, quality: int) -> np.ndarray:
    ok, buf = cv2.imencode(".jpg", img, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return cv2.imdecode(buf, cv2.IMREAD_COLOR)


def test_a_ruling_under_a_red_seal_still_separates_cells():
    """A seal over a column line on a blurred JPEG copy: the line under the red is dark red, not
    the seal's bright red, and stays; the seal goes."""
    xs, ys = [200, 450, 700, 950, 1200], [400 + 70 * i for i in range(6)]
    img = _table(xs, ys)
    stamp(img, (xs[2] + 10, ys[2] + 20), 300, random.Random(5), "某某市人民政府办公室")
    img = _jpeg(cv2.GaussianBlur(img, (0, 0), 0.8), 50)
    gray = clean(img).gray
    grids = find_grids(ruling_ink(gray))
    assert len(grids) == 1 and len(grids[0].cells) == 20


def test_black_print_under_a_seal_stays_darker_than_the_paper():
    img = np.full((200, 200, 3), 255, np.uint8)
    cv2.line(img, (100, 0), (100, 199), (0, 0, 0), 2)
    stamp(img, (100, 100), 190, random.Random(2), "某某市人民政府")
    img = _jpeg(cv2.GaussianBlur(img, (0, 0), 0.8), 50)
    gray = to_gray_without_red(flatten_illumination(img))
    line = gray[20:180, 99:102].min(axis=1)
    assert np.percentile(line, 90) < 200  # the ruling is still there all the way down


def test_a_sheet_running_out_of_the_frame_is_flattened_by_its_sides():
    """A photo with the sheet's top-left corner outside the picture: the corner is found where the
    sides meet beyond the frame, and the page's column lines come out straight."""
    page = _table([150, 450, 650, 850, 1090], [800 + 60 * i for i in range(7)], (1240, 1754))
    corners = np.array([[-90, 140], [1500, 60], [1450, 2050], [120, 2120]], np.float32)
    src = np.array([[0, 0], [1240, 0], [1240, 1754], [0, 1754]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners)
    size = (1650, 2200)
    warped = cv2.warpPerspective(page, m, size, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.full((1754, 1240), 255, np.uint8), m, size)
    photo = np.where(mask[:, :, None] > 127, warped, np.full_like(warped, (40, 60, 90)))
    quad = find_page_quad(photo)
    assert quad is not None and quad[0, 0] < 0  # beyond the left edge of the frame
    assert np.abs(quad - corners).max() < 25
    up = upright(photo)
    grids = find_grids(ruling_ink(cv2.cvtColor(up.image, cv2.COLOR_BGR2GRAY)))
    assert [(g.rows, g.cols, len(g.cells)) for g in grids] == [(6, 4, 24)]


def _fax_rulings(img: np.ndarray, xs: list[int], ys: list[int], rng: random.Random) -> None:
    """Every ruling of the table as a fax leaves a thin one: a pixel dropped every few pixels
    (a fixed threshold over sensor noise) and 1-3 gaps of 2-9 px per line (a 150 dpi fax's
    2-7 px read at 200 dpi)."""
    for y in ys:
        for x in range(xs[0], xs[-1] + 1):
            if rng.random() < 0.15:
                img[y - 1 : y + 2, x] = 255
        for _ in range(rng.randint(1, 3)):
            g, x = rng.randint(2, 9), rng.randint(xs[0] + 10, xs[-1] - 20)
            img[y - 1 : y + 2, x : x + g] = 255
    for x in xs:
        for y in range(ys[0], ys[-1] + 1):
            if rng.random() < 0.15:
                img[y, x - 1 : x + 2] = 255
        for _ in range(rng.randint(1, 3)):
            g, y = rng.randint(2, 9), rng.randint(ys[0] + 10, ys[-1] - 20)
            img[y : y + g, x - 1 : x + 2] = 255


def test_a_grid_survives_gaps_and_dots_in_its_rulings():
    """A fax (seed 1, the ``fax`` family) leaves thin rulings dotted and cut by short gaps: no piece
    of a line is as long as the ruling kernel, and the table fell apart into small grids or none.
    The grid is the intact table's all the same."""
    xs, ys = [200, 330, 460, 590, 720, 850, 980], [300 + 44 * i for i in range(9)]
    whole = _table(xs, ys)
    for x in xs:  # 1 px rulings (0.5 pt at 150 dpi)
        whole[ys[0] : ys[-1] + 1, x + 1] = 255
    for y in ys:
        whole[y + 1, xs[0] : xs[-1] + 1] = 255
    expected = [(r, c, 1, 1) for r in range(8) for c in range(6)]
    assert _cells(whole) == expected
    for seed in range(3):
        img = whole.copy()
        _fax_rulings(img, xs, ys, random.Random(seed))
        assert _cells(img) == expected


def test_a_row_of_characters_is_not_taken_for_a_gapped_ruling():
    """The forgiving line finder takes no row of characters for a ruling: cells holding a line of
    丰-like characters (horizontal strokes in a row at the same height, short gaps between them,
    the next stroke a few pixels above and below) keep the table's three rows."""
    xs, ys = [200, 700, 1200], [300, 360, 420, 480]
    img = _table(xs, ys)
    for r in range(3):
        for c in range(2):
            for k in range(15):
                x, y = xs[c] + 30 + 28 * k, ys[r] + 30
                for dy in (-10, -5, 0, 5, 10):
                    cv2.line(img, (x, y + dy), (x + 24, y + dy), (0, 0, 0), 2)
                cv2.line(img, (x + 12, y - 12), (x + 12, y + 12), (0, 0, 0), 2)
    assert _cells(img) == [(r, c, 1, 1) for r in range(3) for c in range(2)]


def test_a_column_line_no_grid_took_is_left_out_of_the_text_but_characters_stay():
    """huaian 2024 on a fax: a shaded band broke the grid's rows, the column line beside "26" stayed in
    the page's text and the labels' reading took "126", sure. A long thin stroke is a ruling wherever it
    lies; the digits beside it and a heading's big characters (strokes up to ~2 text heights) stay."""
    char_h = 22.0
    img = np.full((400, 500), 255, np.uint8)
    cv2.line(img, (100, 20), (100, 380), 0, 2)  # a column line, 16 text heights long
    cv2.putText(img, "26", (110, 210), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)
    cv2.line(img, (300, 100), (300, 140), 0, 3)  # a heading's 十 in a font twice the text's size
    cv2.line(img, (280, 120), (320, 120), 0, 3)
    cv2.line(img, (20, 300), (260, 300), 0, 2)  # a long horizontal line
    ink = ruling_ink(img)
    strokes = long_strokes(ink, char_h)
    assert strokes[50:350, 99:102].all() and strokes[299:302, 30:250].all()
    digits = (img[185:215, 108:160] < 128) & (ink[185:215, 108:160] > 0)
    assert not (strokes[185:215, 108:160] > 0)[digits].any()
    assert not strokes[95:145, 275:325].any()
    assert not long_strokes(ink, None).any()  # no text height known: nothing is taken


def _label(img: np.ndarray, x: int, top: int, bottom: int, n: int = 4, pitch: int = 28) -> None:
    """A label of ``n`` characters from ``x`` in a row as tight as its text (a chat screenshot's
    compact table, blown up): the first character's left stroke (彳 of 行) runs from ruling to ruling,
    the rest of it and the next characters a few pixels to its right."""
    cv2.line(img, (x, top), (x, bottom), (0, 0, 0), 3)
    for k in range(n):
        x0 = x + 6 + k * pitch
        for y in np.linspace(top + 5, bottom - 5, 3).astype(int):
            cv2.line(img, (x0, int(y)), (x0 + 18, int(y)), (0, 0, 0), 2)
        cv2.line(img, (x0 + 14, top + 5), (x0 + 14, bottom - 6), (0, 0, 0), 2)


def _grid_cells(img: np.ndarray, char_h: float) -> list[tuple[int, int, int, int]]:
    grids = find_grids(ruling_ink(cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)), char_h=char_h)
    assert len(grids) == 1
    return sorted((c.row, c.col, c.rowspan, c.colspan) for c in grids[0].cells)


def test_the_left_edges_of_centred_labels_stacked_in_tight_rows_are_not_a_column():
    """Labels of one length centred over each other in rows one text line tall (信息内容 / 行政处罚 /
    行政强制 in a sub-table of a chat screenshot, in8b_forward gen_001): their first strokes line up
    into a line from the top ruling to the bottom one, with nothing left of it and their text right
    beside it. That is the edge of the text, not a column line (it split the label cell in two)."""
    xs, ys = [200, 600, 1000], [300, 331, 362, 393]
    img = _table(xs, ys)
    for r in range(3):
        _label(img, 330, ys[r] + 1, ys[r + 1] - 1)
    assert _grid_cells(img, 28.0) == [(r, c, 1, 1) for r in range(3) for c in range(2)]


def test_a_line_beside_an_empty_cell_with_text_at_its_padding_stays():
    """The same labels a cell's padding (15 px) right of a real column line with an empty cell left of
    it: the line is kept (its text is not within reach of it), the labels' first strokes are still no
    line of their own (main took them for one: four columns)."""
    xs, ys = [200, 330, 600, 1000], [300, 331, 362, 393]
    img = _table(xs, ys)
    for r in range(3):
        _label(img, 345, ys[r] + 8, ys[r + 1] - 8)
    cells = _grid_cells(img, 28.0)
    assert [(r, c, 1, 1) for r in range(3) for c in range(3)] == cells


def test_a_stroke_piece_beside_a_column_line_in_a_header_adds_no_column():
    """A header cell's stroke lining up 18 px beside the column line under it (起 of 未经复议直接起诉
    over 尚未审结, in8_bound gen_001): a column narrower than a character that is a cell of its own in
    no row is one line too many; the line drawn in fewer rows goes and the review table keeps its
    columns."""
    xs, ys = [200, 400, 600, 800], [300, 360, 390, 420]
    img = _table(xs, ys)
    cv2.rectangle(img, (599, ys[0] + 2), (601, ys[1] - 2), (255, 255, 255), -1)  # the header spans it
    cv2.line(img, (582, ys[0]), (582, ys[1]), (0, 0, 0), 2)  # the stroke's piece, top to bottom of the header
    cells = _grid_cells(img, 21.0)
    assert (0, 1, 1, 2) in cells and len({c for _, c, _, _ in cells}) == 3
    assert [(r, c, 1, 1) for r in (1, 2) for c in range(3)] == [x for x in cells if x[0] > 0]
