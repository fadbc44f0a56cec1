"""Seals and thin toner over table cells: what is lifted, what is read, and how sure it is.

Synthetic pages at 200 dpi (the reader's standard width), so the print's grey and stroke width
and the seal's are known: a photocopied grey seal over thin, light digits (the copy's print as
grey as the seal), over thin black digits, and a digit too faint for the page's binarisation.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import cv2
import numpy as np

from gongkai.ocr.page import (
    FAINT_UNREAD,
    SEAL_DOUBT,
    PageReader,
    _cell_lines,
    _doubt_under_seals,
    _faint_parts,
)
from gongkai.ocr.preprocess import Seal, binarize_inv, lift_grey_seals, print_ink
from gongkai.ocr.types import Box, Grid, GridCell, Reading
from tests.generator.degrade import _grey_seal

SEAL_AT = (800, 1000)
SEAL_SIZE = 330  # a 42 mm seal at 200 dpi


def _table(ink: int, thickness: int) -> np.ndarray:
    """A grey A4 page at 200 dpi: a ruled table of "0"s printed ``ink`` grey, and lines of text
    beside it (the print the page's own grey and stroke width are measured on)."""
    page = np.full((2339, 1654), 255, np.uint8)
    for x in range(300, 1400, 150):
        cv2.line(page, (x, 600), (x, 1400), ink, 2)
    for y in range(600, 1401, 80):
        cv2.line(page, (300, y), (1350, y), ink, 2)
        if y < 1400:
            for x in range(300, 1350, 150):
                cv2.putText(page, "0", (x + 60, y + 55), cv2.FONT_HERSHEY_SIMPLEX, 1.2, ink, thickness, cv2.LINE_AA)
    for k in range(12):  # text outside the seal: digits and letters of the same face
        cv2.putText(page, "2024 1086 537 40", (200, 200 + 30 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.8, ink, thickness,
                    cv2.LINE_AA)
        cv2.putText(page, "2024 1086 537 40", (200, 1600 + 30 * k), cv2.FONT_HERSHEY_SIMPLEX, 0.8, ink, thickness,
                    cv2.LINE_AA)
    return cv2.GaussianBlur(page, (0, 0), 0.7)


def _stamped(page: np.ndarray, darkest: int, seed: int = 1) -> np.ndarray:
    bgr = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    _grey_seal(bgr, SEAL_AT, SEAL_SIZE, random.Random(seed), "某某市人民政府办公室", darkest)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)


def _disc() -> np.ndarray:
    d = np.zeros((2339, 1654), bool)
    yy, xx = np.ogrid[:2339, :1654]
    d[(yy - SEAL_AT[1]) ** 2 + (xx - SEAL_AT[0]) ** 2 <= (SEAL_SIZE // 2) ** 2] = True
    return d


def test_light_digits_under_a_darker_grey_seal_stay_and_the_ring_goes():
    """huaian_2024 (copyseal, seed 1): thin toner left the digits lighter than the seal's ring, and
    lifting whatever was lighter than the ring took 1288, 447 and 21 with it (read as sure blanks)."""
    clean_page = _table(ink=150, thickness=2)
    grey = _stamped(clean_page, darkest=90)
    measured = print_ink(clean_page)
    assert measured is not None and measured.core > 100  # the print is grey
    lifted, seals = lift_grey_seals(grey)
    assert len(seals) == 1 and seals[0].told_by_grey is False
    disc = _disc()
    digits = disc & (clean_page < 200)
    assert (lifted[digits] < 215).mean() > 0.9  # the print under the seal stays
    ring = np.zeros_like(disc)
    cv2.circle(ring.view(np.uint8), SEAL_AT, SEAL_SIZE // 2 - SEAL_SIZE // 28, 1, SEAL_SIZE // 28 - 4)
    ring_only = ring & (clean_page > 250) & (grey < 200)
    assert ring_only.sum() > 2000
    assert (lifted[ring_only] == 255).mean() > 0.85  # the ring, far thicker than the print, goes


def test_a_thin_black_zero_under_a_grey_ring_keeps_its_curves():
    """hongze_2023 (copyseal, seed 1): a thin "0" whose curves were lighter than most of the ring lost
    them with the seal and read as a sure "11"."""
    clean_page = _table(ink=0, thickness=1)
    grey = _stamped(clean_page, darkest=120)
    lifted, seals = lift_grey_seals(grey)
    assert len(seals) == 1 and seals[0].told_by_grey is True
    digits = _disc() & (clean_page < 200)
    assert (lifted[digits] < 255).mean() > 0.97  # every pixel of the print, its fringes too
    seal_only = _disc() & (clean_page > 250) & (grey < 200)
    assert (lifted[seal_only] == 255).mean() > 0.9


def test_a_number_under_a_seal_grey_cannot_tell_is_not_sure():
    told = Seal(100, 100, 50, 120.0, told_by_grey=True)
    untold = Seal(400, 100, 50, 120.0, told_by_grey=False)
    readings = {k: Reading("10", 0.97, [("0", 0.4)], "rapidocr") for k in "abc"}
    boxes: dict[str, Box] = {"a": (90, 90, 110, 110), "b": (390, 90, 410, 110), "c": (700, 90, 720, 110)}
    _doubt_under_seals(readings, boxes, [told, untold])
    assert readings["a"].confidence == 0.97  # the seal was told from the print by its grey
    assert readings["b"].confidence == SEAL_DOUBT and readings["b"].text == "10"  # kept, not sure
    assert dict(readings["b"].alternatives) == {"0": 0.4}
    assert readings["c"].confidence == 0.97  # no seal there


def _faint_cell() -> tuple[np.ndarray, GridCell]:
    """A "4" of thin, uneven toner: ~18 grey steps under the paper, two pixels thin, in noise."""
    gray = np.full((200, 300), 250, np.uint8)
    cv2.putText(gray, "4", (130, 125), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 232, 2, cv2.LINE_AA)
    noise = np.random.default_rng(3).normal(0, 3, gray.shape)
    gray = np.clip(gray + noise, 0, 255).astype(np.uint8)
    return gray, GridCell(0, 0, 1, 1, (60, 60, 240, 150))


def test_a_faint_thin_toner_digit_is_found_where_the_binarisation_lost_it():
    gray, cell = _faint_cell()
    assert _cell_lines(cell, binarize_inv(gray), 24.0) == []  # what the page's ink mask keeps: nothing
    (box,) = _faint_parts(cell, gray, 24.0)
    assert box[0] >= 120 and box[2] <= 170 and box[1] >= 80 and box[3] <= 130
    blank = np.clip(250 + np.random.default_rng(3).normal(0, 3, (200, 300)), 0, 255).astype(np.uint8)
    assert _faint_parts(cell, blank, 24.0) == []  # paper noise is no ink


class _Blind:
    """An engine that reads nothing (as both engines did on the faintest thin-toner cells)."""

    name = "blind"

    def detect(self, image: np.ndarray) -> list[Box]:
        return []

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        return [Reading("", 0.0, [], self.name) for _ in crops]

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]:
        return self.recognize(crops)


def test_a_cell_whose_faint_ink_reads_as_nothing_is_unread_not_a_sure_blank():
    """huaian_2024 (toner, seed 1): cells printing 50, 34 and 8 were reported blank at confidence 1.0."""
    gray, cell = _faint_cell()
    empty = GridCell(0, 1, 1, 1, (240, 60, 299, 150))
    grid = Grid((60, 60, 299, 150), 1, 2, [cell, empty], [60, 240, 299], [60, 150])
    reader = PageReader(prose=_Blind(), cells=_Blind())
    (table,) = reader._read_grids([grid], gray, binarize_inv(gray), [[]])
    got = [(c.reading.text, c.reading.confidence) for c in table.cells]
    assert got == [("", FAINT_UNREAD), ("", 1.0)]  # the faint cell unread; the empty one surely blank
