"""The page reader's work done once: a wrapped label's lines read once
for its cell and the page text (issue 13's CPU a page); detection in the print area (off by default). Real
engines: slow, except the geometry."""

from __future__ import annotations

import json

import numpy as np
import pypdfium2 as pdfium
import pytest

from gongkai.ocr.engines import DET_STRIDE, RapidEngine, _print_area
from tests.conftest import SHARED


def test_print_area_keeps_the_print_and_drops_the_margins():
    page = np.full((1169, 827), 255, np.uint8)
    page[120:1110, 100:720:7] = 0  # a column of print with wide margins round it
    x, y, crop = _print_area(page)
    h, w = crop.shape
    assert h % DET_STRIDE == 0 and w % DET_STRIDE == 0
    assert x <= 100 - 16 and y <= 120 - 16 and x + w >= 720 + 16 and y + h >= 1110 + 16  # print and paper round it
    assert w * h < 0.8 * page.size
    assert (crop == page[y : y + h, x : x + w]).all()
    assert _print_area(np.full((300, 300), 255, np.uint8))[2].size == 0  # nothing printed: nothing to detect
    full = np.full((640, 640), 255, np.uint8)
    full[5:635:9, 5:635] = 0  # print to the edges: the whole image
    assert _print_area(full)[2] is full


def _page(number: int) -> np.ndarray:
    truth = json.loads((SHARED / "truth" / "hongze_2024.json").read_text("utf-8"))
    img = pdfium.PdfDocument(str(SHARED / truth["source"]))[number - 1].render(scale=200 / 72).to_numpy()
    return np.ascontiguousarray(img[:, :, 0])


@pytest.mark.slow
def test_detection_in_the_print_area_finds_the_lines_of_the_whole_page():
    gray = _page(3)
    whole = RapidEngine(det_crop=False).detect(gray)
    area = RapidEngine(det_crop=True).detect(gray)
    assert len(area) == len(whole) > 50
    for b in whole:  # the same lines, a few px apart at most (the whole page is stretched to 32 px steps)
        assert min(max(abs(p - q) for p, q in zip(b, c, strict=True)) for c in area) <= 10, b


class _Counting(RapidEngine):
    def __init__(self) -> None:
        super().__init__()
        self.crops = 0

    def recognize(self, crops, max_batch: int = 16):
        self.crops += len(crops)
        return super().recognize(crops, max_batch)


@pytest.mark.slow
def test_a_wrapped_label_is_read_once_for_its_cell_and_the_page_text():
    """The applications table's labels wrap over two or three lines: each line is read once, as
    part of its cell, and the page text (which the labels' reading of the table needs) takes it
    from there instead of reading the line again; what it takes reads as the line itself."""
    from gongkai.ocr.page import PageReader, _line_crop

    engine = _Counting()
    res = PageReader(prose=engine, cells=engine).read(_page(3))
    text = res.text
    in_tables = [b for b in text.boxes if b not in {ln.box for ln in res.lines}]
    shared = [b for b in text.boxes if b in text.done]
    engine.crops = 0
    lines = text.lines()
    assert len(lines) > 50 and len(in_tables) > 40
    assert engine.crops <= 0.25 * len(in_tables)  # most table lines were not read again
    fresh = RapidEngine().recognize([_line_crop(text.image, b) for b in shared])
    same = sum(text.done[b].text == r.text.strip() for b, r in zip(shared, fresh, strict=True))
    assert same >= 0.9 * len(shared)
