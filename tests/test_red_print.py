"""Red is a seal's relative to the page's own paper and print, and a page whose print is red is read both ways.

Regression: in8b_forward (diag8, seed 1), a phone photo under a warm lamp: divided by one grey level, the
print came out as red as a faded seal (r - max(g, b) 29-40 on huaian_2024 p2/p4/p5, hongze_2024 p4), was
lifted to paper with it and the tables vanished (huaian_2024 6/200 cells).
"""

from __future__ import annotations

import json

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from gongkai.ocr.page import RED_UNSURE
from gongkai.ocr.preprocess import clean, flattened, red_ink
from tests.conftest import SHARED

WARM = np.array([0.72, 0.9, 1.0], np.float32)
"""A warm lamp's light on white paper (B, G, R), as in8b_forward draws it (B 0.70-0.85, G 0.88-0.95)."""


def _warm_photo_with_seal() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A 200 dpi page of grey print (a table, lines of text) with a red seal, photographed under a warm
    lamp whose light falls off to one side, then auto-exposed (a stretch with an offset, as a phone does);
    with the masks of its print and of its seal's ring."""
    h, w = 2339, 1654
    page = np.full((h, w, 3), 240, np.uint8)
    print_mask = np.zeros((h, w), np.uint8)
    for x in range(200, 1500, 160):
        cv2.line(print_mask, (x, 400), (x, 1400), 255, 3)
    for y in range(400, 1401, 60):
        cv2.line(print_mask, (200, y), (1480, y), 255, 3)
        for x in range(230, 1450, 160):
            cv2.putText(print_mask, "1 0", (x, y + 45), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 255, 3)
    for y in range(1500, 2100, 70):
        for x in range(200, 1450, 60):
            cv2.rectangle(print_mask, (x, y), (x + 36, y + 40), 255, 3)
    page[print_mask > 0] = 150  # toner-starved
    seal_mask = np.zeros((h, w), np.uint8)
    cv2.circle(seal_mask, (1100, 1800), 160, 255, 12)
    seal = np.full((h, w, 3), 255, np.uint8)
    seal[seal_mask > 0] = (60, 50, 215)
    page = (page.astype(np.float32) * seal.astype(np.float32) / 255.0).astype(np.uint8)
    light = np.linspace(1.0, 0.75, w, dtype=np.float32)[None, :, None]
    shot = page.astype(np.float32) * light * WARM * 0.8
    lo = 60.0
    shot = np.clip((shot - lo) * 255.0 / (shot.max() - lo), 0, 255).astype(np.uint8)
    return shot, print_mask > 0, seal_mask > 0


def test_print_under_a_warm_lamp_is_not_red_and_the_seal_is():
    shot, print_mask, seal_mask = _warm_photo_with_seal()
    # the cause: divided by the paper's grey level alone, the print is as red as a faded seal
    gray = cv2.cvtColor(shot, cv2.COLOR_BGR2GRAY).astype(np.float32)
    level = cv2.dilate(gray, np.ones((61, 61), np.uint8))
    grey_flat = np.clip(shot / level[..., None] * 255, 0, 255).astype(np.uint8)
    b, g, r = cv2.split(grey_flat)
    excess = cv2.subtract(r, cv2.max(g, b))
    old_red = (excess > 28) & (r > 90)
    assert old_red[print_mask & ~seal_mask].mean() > 0.5
    # the paper white-balanced channel by channel: the print is grey, the seal red
    red = red_ink(flattened(shot)[1])
    assert red[print_mask & ~seal_mask].mean() < 0.02
    assert red[seal_mask & ~print_mask].mean() > 0.8
    cleaned = clean(shot)
    assert cleaned.red_share < RED_UNSURE
    assert np.median(cleaned.gray[print_mask & ~seal_mask]) < 140  # the print stays
    assert np.median(cleaned.gray[seal_mask & ~print_mask]) > 230  # the seal is lifted


def _red_brown_page() -> np.ndarray:
    """hongze_2024's applications page printed in red-brown ink on white paper (a colour laser's brown,
    a red-toned copy): its print is red against white, which no white balance takes out."""
    truth = json.loads((SHARED / "truth" / "hongze_2024.json").read_text("utf-8"))
    page = pdfium.PdfDocument(str(SHARED / truth["source"]))[2].render(scale=200 / 72).to_numpy()[:, :, :3]
    gray = cv2.cvtColor(np.ascontiguousarray(page), cv2.COLOR_RGB2GRAY).astype(np.float32)
    ink = (255.0 - gray)[..., None] / 255.0
    brown = np.array([70, 80, 175], np.float32)  # BGR
    return np.clip(255.0 * (1 - ink) + brown * ink, 0, 255).astype(np.uint8)


def test_a_page_printed_red_measures_its_red_as_most_of_its_ink():
    assert clean(_red_brown_page()).red_share >= RED_UNSURE


@pytest.mark.slow
def test_a_page_printed_red_is_read_with_its_red_kept_as_print():
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.options import OcrOptions

    result = page_reader(OcrOptions()).read(_red_brown_page())
    assert result.choice is not None and result.choice.chosen == "as given, red kept as print"
    assert "red kept as print" in result.note
    digits = sum(c.isdigit() for t in result.tables for cr in t.cells for c in cr.reading.text)
    assert digits > 50
