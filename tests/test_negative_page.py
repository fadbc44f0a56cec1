"""A page's polarity: dark print on light is read as given; a page that may be light print on a dark
ground (a screen's night mode, or a sheet photographed on a dark desk, which measure alike) is read both
ways and the reading the report's template fits kept (regressions: landscape photos of gen_043 and
hongze_2024 taken for night mode at a thin-light share of 0.1, losing minus signs and a row, CI
2026-12-07; a dim clutter photo, gen_000 p1 at 0.39, and a sheet on a checked cloth, hongze_2023 p2 at
0.84, read inverted by a threshold of 0.2)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ocr.preprocess import NEGATIVE_UNSURE, maybe_negative, thin_light
from tests.generator.degrade import degrade_document

CORPUS = Path(__file__).parent / "corpus"


def _text_lines(h: int, w: int, ink: int, paper: int, gap: int) -> np.ndarray:
    """Lines of 'text' (short strokes) on paper, the lines ``gap`` pixels apart."""
    page = np.full((h, w), paper, np.uint8)
    for y in range(20, h - 20, gap):
        for x in range(20, w - 40, 14):
            page[y : y + 12, x : x + 3] = ink
            page[y + 5 : y + 7, x : x + 10] = ink
    return page


def test_light_print_on_a_dark_ground_may_be_negative_and_dark_print_on_paper_is_not():
    assert maybe_negative(255 - _text_lines(1600, 1200, 0, 255, 24))
    assert not maybe_negative(_text_lines(1600, 1200, 0, 255, 24))


def test_a_white_sheet_on_a_dark_desk_may_be_negative_too():
    """Thin light between the sheet's lines of text beside the broad light of its margins: the measure
    cannot tell it from a night screen, only reading can."""
    desk = np.full((1600, 1200), 40, np.uint8)
    desk[300:1300, 250:950] = _text_lines(1000, 700, 30, 235, 14)
    assert thin_light(desk) >= NEGATIVE_UNSURE
    assert maybe_negative(desk)


def _chosen(pages: list[np.ndarray]) -> list[str]:
    """How each page was read: "as given" or "inverted" (by the candidates, where the measure allows both)."""
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import OcrOptions

    reader = page_reader(OcrOptions())
    out = []
    for p in pages:
        if maybe_negative(p):
            choice = reader.read(p).choice
            assert choice is not None
            out.append(choice.chosen)
        else:
            out.append("as given")
    return out


@pytest.mark.slow
def test_photos_on_a_dark_desk_are_read_as_given_and_night_screens_inverted():
    for doc, level, seed, pick in (
        ("generated/gen_043", "landscape", 11, None),
        ("generated/gen_043", "landscape", 1, None),
        ("generated/gen_000", "clutter", 1, 0),
        ("shared/pdf/hongze_2023", "clutter", 1, 1),
    ):
        pages, _ = degrade_document(CORPUS / f"{doc}.pdf", level, seed)
        pages = pages if pick is None else [pages[pick]]
        assert set(_chosen(pages)) == {"as given"}, (doc, level, seed)
    pages, _ = degrade_document(CORPUS / "generated/gen_001.pdf", "in7_screen", 1)
    assert _chosen(pages) == ["inverted", "as given", "as given"]
