"""A night-mode page (light print on a dark ground) is read inverted; a white sheet photographed on a
dark desk is not (regression: landscape photos of gen_043 and hongze_2024 were taken for night mode at
a thin-light share of 0.1, losing minus signs and a row, CI 2026-12-07)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocr.preprocess import is_negative
from tests.generator.degrade import degrade_document

GENERATED = Path(__file__).parent / "corpus" / "generated"


def _text_lines(h: int, w: int, ink: int, paper: int, gap: int) -> np.ndarray:
    """Lines of 'text' (short strokes) on paper, the lines ``gap`` pixels apart."""
    page = np.full((h, w), paper, np.uint8)
    for y in range(20, h - 20, gap):
        for x in range(20, w - 40, 14):
            page[y : y + 12, x : x + 3] = ink
            page[y + 5 : y + 7, x : x + 10] = ink
    return page


def test_light_print_on_a_dark_ground_is_negative():
    assert is_negative(255 - _text_lines(1600, 1200, 0, 255, 24))
    assert not is_negative(_text_lines(1600, 1200, 0, 255, 24))


@pytest.mark.slow
def test_landscape_photos_on_a_dark_desk_are_not_negative_and_night_screens_are():
    for doc, seed in (("gen_043", 11), ("gen_043", 1)):
        pages, _ = degrade_document(GENERATED / f"{doc}.pdf", "landscape", seed)
        assert not any(is_negative(p) for p in pages), (doc, seed)
    pages, _ = degrade_document(GENERATED / "gen_001.pdf", "in7_screen", 1)
    assert [is_negative(p) for p in pages] == [True, False, False]
