"""Reading one table cell: the crop the recogniser gets and how two engines' readings combine."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from gongkai.ocr.page import (
    BITONAL_DOUBT,
    _combine,
    _pad,
    _settle_stroke,
    _smoothed_look,
    ring_zero,
    stroke_slant,
)
from gongkai.ocr.preprocess import is_bitonal
from gongkai.ocr.types import Grid, GridCell, Reading

REGRESSION = Path(__file__).parent / "corpus" / "regression"


def _lone_zero() -> np.ndarray:
    """A tight crop of a blurred "0" as the cell finder cuts it: narrower than it is high."""
    img = np.full((40, 40), 255, np.uint8)
    cv2.ellipse(img, (20, 20), (7, 11), 0, 0, 360, 0, 3)
    img = cv2.GaussianBlur(img, (0, 0), 1.2)
    return img[7:34, 11:30]


def test_a_cell_crop_for_the_recogniser_is_at_least_as_wide_as_it_is_high():
    crop = _pad(_lone_zero())
    assert crop.shape[1] >= crop.shape[0]
    ink = np.argwhere(crop < 128)
    centre = (ink[:, 1].min() + ink[:, 1].max()) / 2
    assert abs(centre - crop.shape[1] / 2) <= 2  # the digit stays in the middle
    assert _pad(_lone_zero(), share=False).shape[1] < _pad(_lone_zero(), share=False).shape[0]  # Tesseract's is tight


@pytest.mark.slow
def test_a_lone_zero_in_a_narrow_crop_is_read():
    """A clear "0" of a hard scan (gen_009, seed 2) read as nothing by both engines: RapidOCR
    drops a character in a crop narrower than it is high."""
    from gongkai.ocr.engines import RapidEngine

    crop = cv2.imread(str(REGRESSION / "lone_zero_dropped_in_narrow_crop.png"), cv2.IMREAD_GRAYSCALE)
    assert RapidEngine().recognize([_pad(crop)])[0].text == "0"


def test_a_printed_slash_read_as_1_by_the_digits_engine_stays_a_slash():
    """The digits-only engine can only call a "/" (a printed blank) 1 or 7, however sure it is."""
    got = _combine(Reading("/", 0.91, [], "rapidocr"), Reading("1", 0.95, [], "tesseract"))
    assert got.text == "/"
    assert dict(got.alternatives)["1"] > 0  # kept for the arithmetic to choose
    assert got.confidence < 0.91


def test_two_engines_agreeing_are_surer_and_disagreeing_keep_both():
    same = _combine(Reading("7", 0.9, [], "rapidocr"), Reading("7", 0.8, [], "tesseract"))
    assert same.text == "7" and same.confidence > 0.9
    differ = _combine(Reading("6", 0.7, [], "rapidocr"), Reading("9", 0.9, [], "tesseract"))
    assert differ.text == "9" and dict(differ.alternatives) == {"6": 0.7}


def _stroke(ch: str) -> np.ndarray:
    img = np.full((60, 40), 255, np.uint8)
    cv2.putText(img, ch, (8, 48), cv2.FONT_HERSHEY_SIMPLEX, 1.5, 0, 3)
    return img


def test_a_slash_is_told_from_a_1_by_its_slant():
    scanned = cv2.imread(str(REGRESSION / "slash_read_as_1.png"), cv2.IMREAD_GRAYSCALE)
    assert stroke_slant(_pad(scanned, share=False)) > 15
    assert stroke_slant(_stroke("/")) > 15
    upright = np.full((60, 40), 255, np.uint8)
    cv2.line(upright, (20, 8), (20, 52), 0, 3)
    assert abs(stroke_slant(upright)) < 2
    for rounder in "0127":  # a 1 with its flag and foot is no lone stroke: left to the engines
        assert stroke_slant(_stroke(rounder)) is None


def test_a_printed_slash_read_as_1_by_both_engines_is_a_slash():
    """A "/" of a hard scan (gen_000, seed 2): RapidOCR read L, Tesseract 1."""
    scanned = _pad(cv2.imread(str(REGRESSION / "slash_read_as_1.png"), cv2.IMREAD_GRAYSCALE), share=False)
    got = _settle_stroke(Reading("1", 0.7, [("L", 0.4)], "tesseract"), scanned)
    assert got.text == "/"
    assert "1" in dict(got.alternatives)
    assert _settle_stroke(Reading("7", 0.9, [], "rapidocr"), scanned).text == "7"  # not a stroke reading: kept


def test_a_cell_read_blank_under_a_lifted_seal_is_not_surely_blank():
    """gen_001 (hard, seed 1): 0s as light as a grey seal went with it, and the empty cells were
    reported blank at confidence 1.0. Nothing is invented; the blank is only not sure."""
    from gongkai.ocr.engines import TesseractEngine
    from gongkai.ocr.page import UNDER_SEAL_BLANK, PageReader
    from gongkai.ocr.preprocess import Seal
    from gongkai.ocr.types import Grid, GridCell

    cells = [GridCell(0, 0, 1, 1, (100, 100, 200, 150)), GridCell(0, 1, 1, 1, (200, 100, 300, 150))]
    grid = Grid((100, 100, 300, 150), 1, 2, cells, [100, 200, 300], [100, 150])
    gray = np.full((400, 600), 255, np.uint8)
    ink = np.zeros_like(gray)
    reader = PageReader(prose=TesseractEngine(), cells=TesseractEngine())
    seal = Seal(120, 125, 60, 120.0)  # over the first cell only
    (table,) = reader._read_grids([grid], gray, ink, [[]], [seal])
    assert [c.reading.text for c in table.cells] == ["", ""]
    assert [c.reading.confidence for c in table.cells] == [UNDER_SEAL_BLANK, 1.0]


def test_a_ruling_stub_beside_a_digit_is_no_text_but_a_printed_1_is():
    """A column line gone in one row but for a short piece (a fading patch, a fax's gaps) merges that
    row's two cells; the piece left between their digits read as a "1" (``0｜0`` read as 10 at 0.93).
    It lies on the grid's column line and is as thin as a ruling: a stub. A printed "1" inside a
    cell, and the digits, are not."""
    from gongkai.ocr.page import ruling_stubs
    from gongkai.ocr.types import Grid, GridCell

    xs, ys = [200, 400, 600, 800], [300, 360, 420, 480]
    cells = [GridCell(r, c, 1, 1, (xs[c], ys[r], xs[c + 1], ys[r + 1])) for r in range(3) for c in range(3)
             if (r, c) not in ((1, 0), (1, 1))]
    cells.append(GridCell(1, 0, 1, 2, (xs[0], ys[1], xs[2], ys[2])))  # merged: its line was not found
    grid = Grid((xs[0], ys[0], xs[-1], ys[-1]), 3, 3, cells, xs, ys)
    img = np.full((700, 1000), 255, np.uint8)
    cv2.line(img, (xs[1], ys[1] + 22), (xs[1], ys[1] + 38), 0, 2)  # what is left of the line
    for cx in (xs[1] - 40, xs[1] + 40):  # a 0 either side of it
        cv2.ellipse(img, (cx, ys[1] + 30), (7, 12), 0, 0, 360, 0, 2)
    cv2.line(img, (xs[2] + 100, ys[2] + 18), (xs[2] + 100, ys[2] + 42), 0, 2)  # a printed 1 in cell (2, 2)
    cv2.line(img, (xs[2] + 8, ys[0] + 18), (xs[2] + 8, ys[0] + 42), 0, 2)  # a 1 set close to a line
    stats = cv2.connectedComponentsWithStats(255 - img, connectivity=8)[2][1:]
    stub = ruling_stubs(stats, grid, char_h=25.0)
    assert len(stats) == 5
    assert [(int(x + w / 2), int(y + h / 2)) for x, y, w, h, _ in stats[stub].tolist()] == [(xs[1], ys[1] + 30)]


def test_a_fax_page_is_told_bitonal():
    page = np.full((200, 160), 255, np.uint8)
    cv2.putText(page, "12", (20, 100), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 0, 2)
    fax = np.where(page < 128, 0, 255).astype(np.uint8)
    assert is_bitonal(fax) and is_bitonal(cv2.cvtColor(fax, cv2.COLOR_GRAY2BGR))
    assert not is_bitonal(page)  # anti-aliased print: a grey scan
    assert not is_bitonal(np.full((200, 160), 255, np.uint8))  # a blank page says nothing


def test_a_number_a_bitonal_page_reads_otherwise_smoothed_is_not_sure():
    """A 0 the fax threshold broke into two arcs read as a sure 11 by both engines (fax, seed 1):
    smoothed, the crop reads 0. Neither reading is sure then; the other stays for the repair."""
    both = Reading("11", 0.97, [], "rapidocr")
    got = _smoothed_look(both, Reading("0", 0.95, [], "rapidocr"))
    assert got.text == "11" and got.confidence <= BITONAL_DOUBT and dict(got.alternatives)["0"] > 0
    assert _smoothed_look(both, Reading("11", 0.9, [], "rapidocr")) is both  # the same number: as sure as it was
    junk = _smoothed_look(both, Reading("H", 0.9, [], "rapidocr"))
    assert junk.confidence <= BITONAL_DOUBT and "H" not in dict(junk.alternatives)


def test_two_looks_of_three_that_agree_on_a_bitonal_number_win_unsure():
    """Swollen bitonal 0s (rebitonal gen_001, seed 1, page 2): the prose engine read 0, the digits engine a
    more confident 9, and the 9 was kept (13 cells wrong). The smoothed look reads 0 too: two looks of
    three, the 0 is taken, still unsure, the 9 an alternative for the repair."""
    disputed = Reading("9", 0.96, [("0", 0.92)], "tesseract")
    got = _smoothed_look(disputed, Reading("0", 0.9, [], "rapidocr"))
    assert got.text == "0" and got.confidence <= BITONAL_DOUBT and 0 < dict(got.alternatives)["9"] <= BITONAL_DOUBT
    alone = _smoothed_look(Reading("9", 0.96, [], "tesseract"), Reading("0", 0.9, [], "rapidocr"))
    assert alone.text == "9" and alone.confidence <= BITONAL_DOUBT  # one look against one: kept, in doubt
    # a printed "/" (a blank) the digits engine and the smoothed look both read 1 (rebitonal gen_000): the
    # stroke's slant decided it, not a vote
    slash = _smoothed_look(Reading("/", 0.6, [("1", 0.75)], "rapidocr"), Reading("1", 0.9, [], "rapidocr"))
    assert slash.text == "/"


@pytest.mark.parametrize(("name", "zero"), [
    ("zero_webcms_nearest_read_D", True), ("zero_webcms_nearest_read_a", True),
    ("zero_rebitonal_swollen_read_a", True), ("three_rebitonal_not_a_ring", False),
    ("four_rebitonal_not_a_ring", False), ("six_rebitonal_not_a_ring", False), ("slash_read_as_1", False),
])
def test_a_zero_no_engine_reads_is_told_by_its_centred_counter(name: str, zero: bool):
    """0s of a 120 dpi bitonal scan resized by nearest neighbour (webcms gen_001, seed 1, page 2) read "D" and
    "a" by both engines, thinned too, and the cells were lost: one glyph whose counter is centred and
    high is a 0 by its shape; a 3, a 4's small counter, a 6's low one and a slash are not."""
    crop = cv2.imread(str(REGRESSION / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    assert ring_zero(crop) is zero


class _Crisp:
    """An engine that reads the broken 0's jagged crop as 11 and its smoothed crop (grey edges) as 0."""

    name = "crisp"

    def detect(self, image: np.ndarray) -> list:
        return []

    def recognize(self, crops) -> list[Reading]:
        return [Reading("0" if ((c > 40) & (c < 215)).mean() > 0.01 else "11", 0.95, [], self.name) for c in crops]

    def read_cells(self, crops, digits: bool) -> list[Reading]:
        return [Reading("11", 0.9, [], self.name) for _ in crops]


def _broken_zero_cell() -> tuple[np.ndarray, GridCell]:
    """A cell holding a 0 whose top and bottom the threshold broke: two arcs, black on white."""
    gray = np.full((120, 200), 255, np.uint8)
    cv2.ellipse(gray, (100, 60), (9, 15), 0, 0, 360, 0, 3)
    gray[42:48, 94:107] = 255
    gray[72:78, 94:107] = 255
    return gray, GridCell(0, 0, 1, 1, (40, 20, 160, 100))


def test_the_smoothed_look_is_taken_on_bitonal_pages_only():
    from gongkai.ocr.page import PageReader
    from gongkai.ocr.preprocess import binarize_inv
    from gongkai.ocr.types import Grid

    gray, cell = _broken_zero_cell()
    grid = Grid(cell.box, 1, 1, [cell], [40, 160], [20, 100])
    reader = PageReader(prose=_Crisp(), cells=_Crisp())
    (fax,) = reader._read_grids([grid], gray.copy(), binarize_inv(gray), [[]], bitonal=True)
    (scan,) = reader._read_grids([grid], gray.copy(), binarize_inv(gray), [[]], bitonal=False)
    assert fax.cells[0].reading.text == "11" and fax.cells[0].reading.confidence <= BITONAL_DOUBT
    assert "0" in dict(fax.cells[0].reading.alternatives)
    assert scan.cells[0].reading.confidence > 0.9  # two engines agreeing, nothing else asked


class _Digits:
    """An engine that reads every crop as 7."""

    name = "digits"

    def detect(self, image: np.ndarray) -> list:
        return []

    def recognize(self, crops) -> list[Reading]:
        return [Reading("7", 0.95, [], self.name) for _ in crops]

    def read_cells(self, crops, digits: bool) -> list[Reading]:
        return [Reading("7", 0.95, [], self.name) for _ in crops]


def _row_of_sevens(ink: int, empty: int) -> tuple[np.ndarray, Grid]:
    """One row of eight cells: a "7" printed at grey ``ink`` in all but the ``empty`` last ones."""
    gray = np.full((80, 800), 252, np.uint8)
    cells = []
    for k in range(8):
        x0 = k * 100
        cells.append(GridCell(0, k, 1, 1, (x0, 0, x0 + 100, 80)))
        if k < 8 - empty:
            cv2.putText(gray, "7", (x0 + 38, 58), cv2.FONT_HERSHEY_SIMPLEX, 1.4, ink, 3)
    return gray, Grid((0, 0, 800, 80), 1, 8, cells, [100 * k for k in range(9)], [0, 80])


@pytest.mark.parametrize(("ink", "sure"), [(40, True), (190, False)])
def test_an_empty_cell_is_a_sure_blank_only_where_the_print_is_dark(ink, sure):
    """Thin toner (bench_ocr toner, gen_004 seed 1): a table whose print is as light as ~180 on
    paper 255 lost whole values to the binarisation, and their cells read as sure blanks."""
    from gongkai.ocr.page import FAINT_BLANK, PageReader
    from gongkai.ocr.preprocess import binarize_inv

    gray, grid = _row_of_sevens(ink, empty=2)
    reader = PageReader(prose=_Digits(), cells=_Digits())
    (table,) = reader._read_grids([grid], gray.copy(), binarize_inv(gray), [[]])
    readings = [c.reading for c in table.cells]
    assert [r.text for r in readings] == ["7"] * 6 + ["", ""]
    blank = readings[-1].confidence
    assert blank == 1.0 if sure else blank == FAINT_BLANK


def _zero_under_a_doubled_ruling() -> tuple[np.ndarray, Grid]:
    """A bitonal cell whose 0 hangs from the fainter copy of a doubled row ruling (an archive
    scanner's ghost line, gen_001 seed 1 at 120 dpi): the ruling mask takes the 0's top with the line."""
    gray = np.full((130, 400), 255, np.uint8)
    gray[20:23, 60:340] = 0  # the row ruling
    gray[25:27, 60:340] = 0  # its doubled copy, 5 px below
    gray[110:113, 60:340] = 0
    gray[20:113, 60:63] = 0
    gray[20:113, 337:340] = 0
    cv2.ellipse(gray, (200, 33), (6, 9), 0, 0, 360, 0, 2)  # its top on the copy
    cv2.ellipse(gray, (260, 70), (6, 9), 0, 0, 360, 0, 2)  # a 0 clear of the rulings
    cell = GridCell(0, 0, 1, 1, (60, 20, 340, 113))
    return gray, Grid(cell.box, 1, 1, [cell], [60, 340], [20, 113])


def _blanked(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What the page reader reads cells from: the page with its rulings blanked, the text's ink, and
    the rulings' mask as the grid finder leaves it (a pixel wider than the lines, the copy with them)."""
    from gongkai.ocr.preprocess import binarize_inv

    rulings = np.zeros_like(gray)
    rulings[19:28, 60:340] = 255
    rulings[109:114, 60:340] = 255
    rulings[20:113, 59:64] = 255
    rulings[20:113, 336:341] = 255
    blank = gray.copy()
    blank[rulings > 0] = 255
    return blank, cv2.bitwise_and(binarize_inv(gray), cv2.bitwise_not(rulings)), rulings


def test_a_glyph_cut_by_a_ruling_gets_the_ruling_stroke_it_touched_back():
    from gongkai.ocr.page import _rejoined

    gray, _ = _zero_under_a_doubled_ruling()
    blank, _, rulings = _blanked(gray)
    glyph = np.argwhere(blank[20:60, 190:211] < 128)
    top = 20 + int(glyph[:, 0].min())
    assert not (blank[top, 198:203] < 128).any()  # the blanked 0 is open at the top: a "U"
    part = (193, top, 208, 20 + int(glyph[:, 0].max()) + 1)
    crop = _rejoined(part, gray, rulings, blank, 26.0)
    assert crop is not None and crop.shape[0] > part[3] - part[1]
    assert (crop[0, 5:10] < 128).all()  # closed again over its own width
    assert not (crop[:, 0] < 128).all()  # no bar beyond it
    assert _rejoined((253, 60, 268, 81), gray, rulings, blank, 26.0) is None  # a glyph touching no ruling


@pytest.mark.slow
def test_a_zero_whose_top_lay_on_a_doubled_ruling_is_read_as_a_candidate_0():
    """gen_001 (seed 1, archive, 120 dpi error-diffused, doubled rulings): 0s hanging from the ghost
    line read "U", 60 cells of the applications table lost. Given back the stroke the ruling took,
    the 0 reads again, as a candidate (≤ REJOINED) the arithmetic confirms, never as sure."""
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import Options
    from gongkai.ocr.page import REJOINED

    gray, grid = _zero_under_a_doubled_ruling()
    gray[55:90, 250:270] = 255  # the one 0, hanging from the ruling
    blank, ink, rulings = _blanked(gray)
    reader = page_reader(Options().ocr)
    (cut,) = reader._read_grids([grid], blank.copy(), ink.copy(), [[]], bitonal=True)
    (table,) = reader._read_grids([grid], blank.copy(), ink.copy(), [[]], bitonal=True, ruled=(gray, rulings))
    assert cut.cells[0].reading.text != "0"
    assert table.cells[0].reading.text == "0"
    assert table.cells[0].reading.confidence <= REJOINED


@pytest.mark.slow
@pytest.mark.parametrize("name", ["zero_forwarded_at_90dpi_read_D", "zero_forwarded_at_90dpi_read_B"])
def test_a_zero_blurred_into_another_glyph_is_read_at_its_own_threshold_as_a_candidate(name):
    """huaian_2024 sent through a messaging app (forwarded, seed 1: ~90 dpi, JPEG 65): lone 0s read
    "D" and "B" by the prose engine and as nothing by the digits engine, so their cells were lost.
    Binarised at the crop's own threshold they read 0: a candidate (<= REJOINED), never sure."""
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import Options
    from gongkai.ocr.page import REJOINED

    crop = cv2.imread(str(REGRESSION / f"{name}.png"), cv2.IMREAD_GRAYSCALE)
    reader = page_reader(Options().ocr)
    assert reader.prose.recognize([_pad(crop)])[0].text != "0"
    readings = {(0, 0): Reading(name[-1], 0.8, [], "rapidocr")}
    reader._own_threshold_numbers([(0, 0)], readings, {(0, 0): crop})
    assert readings[(0, 0)].text == "0" and readings[(0, 0)].confidence <= REJOINED


@pytest.mark.slow
def test_a_swollen_bitonal_zero_read_as_another_glyph_or_number_is_read_thinned():
    """gen_001 printed from a 100-120 dpi bitonal scan and scanned bitonal again (rebitonal, seed 1): 0s
    whose counter the thresholds closed read "a" (the cell lost) and "9" (wrong, unsure). Thinned by a
    pixel both read 0: a candidate where no number was read (<= REJOINED), an alternative beside the 9
    for the arithmetic repair (<= BITONAL_DOUBT), the 9 kept as read."""
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import Options
    from gongkai.ocr.page import REJOINED

    reader = page_reader(Options().ocr)
    crops = {(0, k): cv2.imread(str(REGRESSION / f"zero_rebitonal_swollen_read_{g}.png"), cv2.IMREAD_GRAYSCALE)
             for k, g in enumerate("a9")}
    readings = {(0, 0): Reading("a", 0.6, [], "rapidocr"), (0, 1): Reading("9", 0.51, [], "rapidocr")}
    reader._thinned_numbers(list(crops), readings, crops)
    assert readings[(0, 0)].text == "0" and readings[(0, 0)].confidence <= REJOINED
    assert readings[(0, 1)].text == "9" and 0 < dict(readings[(0, 1)].alternatives)["0"] <= BITONAL_DOUBT


@pytest.mark.parametrize("figure", ["5", "7", "1"])
def test_a_pen_ring_round_a_figure_is_no_zero(figure: str):
    """review10: ``ring_zero`` looked only at the largest glyph's counter, so a ring drawn round a 5, 7 or 1 (one
    piece, four fifths of the ink) passed for a 0 on a bitonal page."""
    crop = np.full((60, 60), 255, np.uint8)
    cv2.ellipse(crop, (30, 30), (20, 26), 0, 0, 360, 0, 3)
    cv2.putText(crop, figure, (24, 38), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 1)
    assert ring_zero(crop) is False
