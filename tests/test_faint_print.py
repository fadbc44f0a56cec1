"""Thin toner under dark dust: the print is judged against its specks (``print_core``) and deepened (``deepened``)."""

from __future__ import annotations

import cv2
import numpy as np

from gongkai.ocr.preprocess import binarize_inv, deepened, print_core


def _page(print_grey: int, speck_grey: int, seed: int = 3) -> np.ndarray:
    """A 200 dpi A4-sized page of rows of digits printed ``print_grey``, ~3,000 1-2 px specks of
    ``speck_grey`` and a little noise (hard seed 2 huaian_2024 p4: print ~191, specks ~131)."""
    rng = np.random.default_rng(seed)
    page = np.full((1170, 827), 255, np.uint8)  # half of 200 dpi A4 each way: the tests stay fast
    for y in range(60, 1120, 40):
        for x in range(40, 780, 90):
            cv2.putText(page, str(int(rng.integers(0, 9999))), (x, y), cv2.FONT_HERSHEY_SIMPLEX, 0.6, print_grey, 2)
    ys, xs = rng.integers(0, page.shape[0], 3000), rng.integers(0, page.shape[1], 3000)
    page[ys, xs] = speck_grey
    page[np.clip(ys + 1, 0, page.shape[0] - 1), xs] = speck_grey
    noise = rng.normal(0.0, 1.5, page.shape)
    return np.clip(page + noise, 0, 255).astype(np.uint8)


def test_dust_darker_than_thin_print_goes_and_the_print_is_deepened() -> None:
    gray = _page(print_grey=190, speck_grey=120)
    ink = binarize_inv(gray)
    core = print_core(gray, ink)
    assert core is not None and core.specks is not None
    assert 40 < core.depth < 90  # the digits' cores, not the specks'
    out = deepened(gray, ink)
    assert out is not None
    n_before = cv2.connectedComponentsWithStats(ink, connectivity=8)[0]
    n_after = cv2.connectedComponentsWithStats(binarize_inv(out), connectivity=8)[0]
    assert n_after < 0.3 * n_before  # the specks gone, the digits' components left
    digits = gray < 230
    assert float(out[digits].mean()) < float(gray[digits].mean()) - 30  # the print darker than it was


def test_black_print_with_the_same_specks_is_left_as_it_is() -> None:
    gray = _page(print_grey=20, speck_grey=120)
    ink = binarize_inv(gray)
    core = print_core(gray, ink)
    assert core is not None and core.specks is None  # no speck goes deeper than black print
    assert deepened(gray, ink) is None


def test_faint_print_on_noisy_paper_is_not_deepened_into_its_noise() -> None:
    rng = np.random.default_rng(5)
    gray = _page(print_grey=150, speck_grey=250)
    noisy = np.clip(gray.astype(np.float32) + rng.normal(0.0, 12.0, gray.shape), 0, 255).astype(np.uint8)
    quiet = deepened(gray, binarize_inv(gray))
    assert quiet is not None  # ~105 deep on a quiet paper: deepened
    assert deepened(noisy, binarize_inv(noisy)) is None  # the same print under noise reaching ~20 steps
