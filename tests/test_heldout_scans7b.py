"""The camera and app families (in7_scanapp, ho7_binder, in7_screen, ho7_glass): seeded, JSON-able, damaging, ink kept."""

from __future__ import annotations

import json
import random
from functools import cache

import cv2
import numpy as np
import pytest

from tests.heldout_scans import WRITTEN_INDEPENDENTLY as FAMILIES
from tests.heldout_scans import PageContext
from tests.heldout_scans.base import grey, mm

NAMES = ("in7_scanapp", "ho7_binder", "in7_screen", "ho7_glass")


def _page(dpi: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """An A4 page with a ruled table of two-digit numbers in its middle, and the table's box."""
    w, h = mm(dpi, 210), mm(dpi, 297)
    page = np.full((h, w, 3), 255, np.uint8)
    x0, y0, x1, y1 = mm(dpi, 25), mm(dpi, 90), w - mm(dpi, 25), mm(dpi, 200)
    rows, cols = 10, 6
    for r in range(rows + 1):
        y = y0 + (y1 - y0) * r // rows
        cv2.line(page, (x0, y), (x1, y), (0, 0, 0), max(1, dpi // 100))
    for c in range(cols + 1):
        x = x0 + (x1 - x0) * c // cols
        cv2.line(page, (x, y0), (x, y1), (0, 0, 0), max(1, dpi // 100))
    for r in range(rows):
        for c in range(cols):
            org = (x0 + (x1 - x0) * c // cols + mm(dpi, 8), y0 + (y1 - y0) * (r + 1) // rows - mm(dpi, 3))
            cv2.putText(page, str(10 + 7 * r + c), org, cv2.FONT_HERSHEY_SIMPLEX, dpi / 200, (0, 0, 0), max(1, dpi // 100))
    return page, (x0, y0, x1, y1)


def _run(name: str, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    family = FAMILIES[name]
    rng = random.Random(seed)
    dpi = family.choose_dpi(rng)
    page, box = _page(dpi)
    out, params = family.degrade_page(page, rng, PageContext(dpi=dpi, tables_px=[box], last=True, org="某某市某某局"))
    return page, out, params


@cache
def _cached(name: str, seed: int) -> tuple[np.ndarray, np.ndarray, dict]:
    """One run per (family, seed) shared by the tests that only look at the result."""
    return _run(name, seed)


def _ink(img: np.ndarray) -> int:
    """Pixels that stand out from their neighbourhood (dark print on paper, or light print in night mode)."""
    g = grey(img).astype(np.int16)
    local = cv2.medianBlur(grey(img), 31).astype(np.int16)
    return int((np.abs(g - local) > 50).sum())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [1])
def test_same_seed_same_image_and_jsonable_params(name: str, seed: int) -> None:
    _, a, pa = _cached(name, seed)
    _, b, pb = _run(name, seed)
    assert a.tobytes() == b.tobytes() and pa == pb
    assert pa["family"] == name and json.loads(json.dumps(pa)) == pa


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [2, 3])
def test_page_changed_but_its_ink_kept(name: str, seed: int) -> None:
    page, out, _ = _cached(name, seed)
    assert out.dtype == np.uint8 and (out.ndim == 2 or (out.ndim == 3 and out.shape[2] == 3))
    assert min(out.shape[:2]) >= 800  # big enough to read a table by eye
    if out.shape == page.shape:
        assert np.abs(out.astype(np.int16) - page).mean() > 3
    # The ink of the table must survive, allowing for the change of scale.
    scale = (out.shape[0] * out.shape[1]) / (page.shape[0] * page.shape[1])
    assert _ink(out) > 0.2 * _ink(page) * min(scale, 1.0)


def test_different_seeds_differ() -> None:
    for name in NAMES:
        assert _cached(name, 1)[2] != _cached(name, 2)[2]
