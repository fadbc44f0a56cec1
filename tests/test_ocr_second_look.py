"""A number read a second time from a crop cut as a reader looks at it (issue 13, photocopies).

Thin toner: the page's binarisation keeps a thin 4's stem and loses its hairline diagonal and bar,
so the crop cut from the binarised ink held a "1" (gen_007 toner, seed 1: 44 read 14, 448 read 148,
102 read 10); the grey look cuts the crop around the ink at a faint threshold. Grey seals: a black 0
beside the seal's characters read as nothing (hongze_2023 copyseal, seed 1); the dark look keeps
only the print darker than the seal's ring. What a second look reads is a candidate, never sure.
"""

from __future__ import annotations

import cv2
import numpy as np

from gongkai.ocr.page import (
    LOOK_ALONE,
    LOOK_DISPUTED,
    _cell_lines,
    _dark_crop,
    _grey_crop,
    _look_candidate,
)
from gongkai.ocr.preprocess import binarize_inv
from gongkai.ocr.types import GridCell, Reading


def _thin_four() -> np.ndarray:
    """A 4 of thin toner: its stem printed, its diagonal and bar 17 grey steps under the paper."""
    g = np.full((120, 160), 250, np.uint8)
    cv2.line(g, (90, 40), (90, 80), 150, 3)
    cv2.line(g, (90, 40), (66, 70), 233, 2)
    cv2.line(g, (66, 70), (98, 70), 233, 2)
    return np.clip(g + np.random.default_rng(1).normal(0, 2, g.shape), 0, 255).astype(np.uint8)


def test_the_grey_look_cuts_a_thin_four_with_the_strokes_the_binarisation_lost():
    g, cell = _thin_four(), GridCell(0, 0, 1, 1, (10, 10, 150, 110))
    stems = _cell_lines(cell, binarize_inv(g), 24.0)
    assert stems and min(p[0] for p in stems) >= 85  # the binarised ink: the stem alone, a "1"
    crop = _grey_crop(cell, g, 24.0)
    assert crop is not None and crop.shape[1] >= 30  # the diagonal from x 66 is in the crop
    assert crop.min() < 60 and np.percentile(crop, 75) > 200  # stretched: the faint strokes read as print
    assert _grey_crop(cell, np.full((120, 160), 250, np.uint8), 24.0) is None  # no ink, no look


def test_the_dark_look_keeps_a_black_zero_and_drops_a_seal_character_beside_it():
    g = np.full((120, 200), 245, np.uint8)
    cv2.putText(g, "0", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 40, 3, cv2.LINE_AA)
    cv2.putText(g, "X", (130, 85), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 165, 2, cv2.LINE_AA)  # the seal's, grey
    cell = GridCell(0, 0, 1, 1, (5, 5, 195, 115))
    (line,) = _cell_lines(cell, binarize_inv(g), 30.0)
    assert line[2] > 140  # the first crop: "0" and the seal's stroke in one line
    crop = _dark_crop(cell, g, 120.0, 30.0)
    assert crop is not None and crop.shape[1] < 45  # the 0 alone
    light = np.full((120, 200), 245, np.uint8)
    cv2.putText(light, "0", (40, 80), cv2.FONT_HERSHEY_SIMPLEX, 1.4, 150, 3, cv2.LINE_AA)
    assert _dark_crop(cell, light, 120.0, 30.0) is None  # print no darker than the seal: no look by grey


def _r(text: str, conf: float, alts: list[tuple[str, float]] | None = None) -> Reading:
    return Reading(text, conf, alts or [], "e")


def test_a_second_look_is_a_candidate_never_a_sure_value():
    assert _look_candidate(_r("14", 1.0), _r("14", 0.9)) == _r("14", 1.0)  # the same number stands
    assert _look_candidate(_r("14", 1.0), _r("", 0.0)) == _r("14", 1.0)  # a look that reads nothing is no evidence
    took = _look_candidate(_r("14", 1.0), _r("44", 0.81))  # the look sees the strokes the first crop lost
    assert (took.text, took.confidence) == ("44", LOOK_DISPUTED) and dict(took.alternatives)["14"] == LOOK_DISPUTED
    kept = _look_candidate(_r("1", 0.86), _r("14", 0.32))  # an unsure look: the first stays, in doubt
    assert (kept.text, kept.confidence) == ("1", LOOK_DISPUTED) and "14" in dict(kept.alternatives)
    alone = _look_candidate(_r("", 0.0), _r("0", 0.99))  # the first read nothing
    assert (alone.text, alone.confidence) == ("0", LOOK_ALONE)
