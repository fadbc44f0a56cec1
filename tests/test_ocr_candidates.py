"""Candidate readings of one page (``PageReader.read``): what one reading made is not made again for another
(cpu11: a facing page's cut re-read every candidate of the picture, and the reading with the red kept framed
the picture again, ~0.3-0.4 s of CPU each on a photo)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from gongkai.ocr.geometry import Upright, upright
from gongkai.ocr.page import RED_UNSURE, PageReader, PageResult, _Frames
from gongkai.ocr.types import Box, Reading


class _Counting:
    """An engine that reads nothing and counts the pages it was asked to detect lines on."""

    name = "counting"

    def __init__(self) -> None:
        self.pages = 0

    def detect(self, image: np.ndarray) -> list[Box]:
        self.pages += 1
        return []

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        return [Reading("", 0.0, [], self.name) for _ in crops]

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]:
        return self.recognize(crops)


PICTURE = np.full((400, 600), 250, np.uint8)
CUT = np.array([(0, 0), (380, 0), (380, 399), (0, 399)], np.float64)


def _result(region: np.ndarray | None, red_share: float = 0.0) -> PageResult:
    return PageResult(600, 400, 0.0, page_region=region, red_share=red_share)


def test_a_reading_already_cut_where_the_others_are_cut_is_kept_not_read_again():
    engine = _Counting()
    reader = PageReader(prose=engine, cells=engine)
    cut = _result(CUT.copy())
    assert reader._red_either_way(PICTURE, "as given", _Frames(), CUT, [("as given", cut)]) == [("as given", cut)]
    assert engine.pages == 0


def test_of_a_ways_readings_only_the_one_not_cut_is_read_again():
    engine = _Counting()
    reader = PageReader(prose=engine, cells=engine)
    lifted, kept = _result(CUT.copy(), RED_UNSURE), _result(None, RED_UNSURE)
    out = reader._red_either_way(PICTURE, "as given", _Frames(), CUT,
                                 [("as given", lifted), ("as given, red kept as print", kept)])
    assert [name for name, _ in out] == ["as given", "as given, red kept as print"]
    assert out[0][1] is lifted and out[1][1] is not kept
    assert out[1][1].page_region is not None and np.array_equal(out[1][1].page_region, CUT)
    assert engine.pages == 1


def test_a_reading_cut_elsewhere_is_read_again():
    engine = _Counting()
    reader = PageReader(prose=engine, cells=engine)
    elsewhere = _result(CUT + 5.0)
    (out,) = reader._red_either_way(PICTURE, "as given", _Frames(), CUT, [("as given", elsewhere)])
    assert out[1] is not elsewhere and engine.pages == 1


def test_a_pictures_framing_is_made_once_a_turn_and_region_and_each_reading_gets_its_own_upright():
    made: list[int] = []

    def make(image: np.ndarray, turns: int, region: np.ndarray | None) -> tuple[Upright, np.ndarray]:
        made.append(turns)
        return upright(image, turns, region=region), np.zeros(image.shape[:2], bool)

    frames = _Frames()
    a, _ = frames.framed(PICTURE, 0, None, make)
    b, _ = frames.framed(PICTURE, 0, None, make)
    assert made == [0] and a is not b and a.image is b.image
    a.bend = object()  # a reading laying its page's lines straight does not bend the other's
    assert b.bend is None
    frames.framed(PICTURE, 1, None, make)
    frames.framed(PICTURE, 0, CUT, make)
    frames.framed(PICTURE, 0, CUT.copy(), make)
    assert made == [0, 1, 0]
