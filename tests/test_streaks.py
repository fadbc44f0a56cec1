"""Feeder streaks (ocr.streaks): a dust line down the whole sheet is painted over; print is not."""

from __future__ import annotations

import cv2
import numpy as np

from ocr.streaks import remove_streaks


def _page() -> np.ndarray:
    """A grey A4 page at ~150 dpi with a ruled table (its rulings stop at the table) and a digit."""
    page = np.full((1754, 1240), 235, np.uint8)
    x0, x1, y0, y1 = 150, 1090, 400, 1300
    for y in range(y0, y1 + 1, 90):
        page[y : y + 2, x0:x1] = 30
    for x in (x0, 500, 800, x1):
        page[y0:y1, x : x + 2] = 30
    cv2.putText(page, "9", (600, 470), cv2.FONT_HERSHEY_SIMPLEX, 1.6, 30, 3)
    return page


def test_feeder_dust_line_through_a_table_is_painted_over() -> None:
    page = _page()
    dusty = page.copy()
    dusty[:, 650:652] = (dusty[:, 650:652] * 0.6).astype(np.uint8)  # the whole sheet's height
    noise = np.random.default_rng(1).normal(0, 2, dusty.shape)
    dusty = np.clip(dusty + noise, 0, 255).astype(np.uint8)
    out = remove_streaks(dusty)
    assert np.abs(out[:, 646:656].astype(int) - page[:, 646:656].astype(int)).mean() < 6
    for x in (500, 800):  # the table's own column rulings are kept
        assert out[450:1250, x].mean() < 60


def test_a_page_without_streaks_is_left_as_it_is() -> None:
    page = _page()
    assert remove_streaks(page) is page
    colour = cv2.cvtColor(page, cv2.COLOR_GRAY2BGR)
    assert remove_streaks(colour) is colour


def test_a_stroke_of_print_under_the_line_stays() -> None:
    page = _page()
    page[900:960, 640:646] = 20  # a digit's stem in a cell, where the line will run
    dusty = page.copy()
    dusty[:, 641:644] = (dusty[:, 641:644] * 0.7).astype(np.uint8)
    out = remove_streaks(dusty)
    assert out[900:960, 641:644].mean() < 40
    assert out[200:300, 641:644].mean() > 220
