"""Contract tests for the round-8 (maker8) held-out families: deterministic, JSON-able, really damaged,
and the tables' ink still there."""

from __future__ import annotations

import json
import random

import cv2
import numpy as np
import pytest

from tests.heldout_scans import WRITTEN_INDEPENDENTLY as FAMILIES
from tests.heldout_scans.base import KINDS, PageContext, grey
from tests.heldout_scans.m8_tools import rotated_box, seal_mask, text_mask

NAMES = ("ho8_faxchain", "ho8_sleeve", "in8_bound", "in8_workcopy")
DPI = 150


def _page(dpi: int = DPI) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A small synthetic A4 page: a title line, a ruled 6x4 table of figures, a closing line."""
    h, w = int(297 / 25.4 * dpi), int(210 / 25.4 * dpi)
    page = np.full((h, w, 3), 255, np.uint8)
    cv2.putText(page, "2024 REPORT", (w // 5, h // 10), cv2.FONT_HERSHEY_SIMPLEX, dpi / 150, (0, 0, 0), 2)
    x0, y0, cw, ch = w // 8, h // 5, w // 5, h // 22
    rows, cols = 6, 4
    for r in range(rows + 1):
        cv2.line(page, (x0, y0 + r * ch), (x0 + cols * cw, y0 + r * ch), (0, 0, 0), 1)
    for c in range(cols + 1):
        cv2.line(page, (x0 + c * cw, y0), (x0 + c * cw, y0 + rows * ch), (0, 0, 0), 1)
    for r in range(rows):
        for c in range(cols):
            cv2.putText(
                page,
                str(17 * r + 3 * c + 1),
                (x0 + c * cw + cw // 3, y0 + r * ch + 2 * ch // 3),
                cv2.FONT_HERSHEY_SIMPLEX,
                dpi / 250,
                (0, 0, 0),
                2,
            )
    cv2.putText(page, "END OF TEXT", (w // 2, int(h * 0.6)), cv2.FONT_HERSHEY_SIMPLEX, dpi / 200, (0, 0, 0), 2)
    return page, [(x0, y0, x0 + cols * cw + 1, y0 + rows * ch + 1)]


def _run(name: str, seed: int, last: bool = False):
    page, tables = _page()
    ctx = PageContext(dpi=DPI, tables_px=tables, last=last, org="某某市卫生健康委员会")
    return FAMILIES[name].degrade_page(page, random.Random(seed), ctx)


@pytest.mark.parametrize("name", NAMES)
def test_registered_with_interface(name: str) -> None:
    fam = FAMILIES[name]
    assert fam.name == name
    assert fam.kind in KINDS
    assert fam.dpis and all(isinstance(d, int) and 72 <= d <= 600 for d in fam.dpis)
    assert fam.summary and type(fam).__doc__
    assert fam.choose_dpi(random.Random(3)) in fam.dpis


@pytest.mark.parametrize("name", NAMES)
def test_deterministic(name: str) -> None:
    a, pa = _run(name, 11, last=True)
    b, pb = _run(name, 11, last=True)
    assert pa == pb
    assert a.shape == b.shape and a.dtype == b.dtype
    assert a.tobytes() == b.tobytes()


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [1, 2, 5])
def test_output_params_and_change(name: str, seed: int) -> None:
    page, _ = _page()
    out, params = _run(name, seed, last=seed == 2)
    assert out.dtype == np.uint8
    assert out.ndim == 2 or (out.ndim == 3 and out.shape[2] == 3)
    assert min(out.shape[:2]) > 200
    json.dumps(params)
    assert params["family"] == name and params["dpi"] == DPI
    # the page really changed
    if out.shape[:2] == page.shape[:2]:
        assert np.abs(grey(out).astype(int) - grey(page).astype(int)).mean() > 1.0


def _strokes(img: np.ndarray) -> int:
    """Pixels of thin dark strokes (black-hat), blind to dark desks and shadows around the page."""
    g = grey(img)
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (9, 9))
    return int((cv2.morphologyEx(g, cv2.MORPH_BLACKHAT, k) > 40).sum())


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("seed", [1, 3])
def test_table_ink_survives(name: str, seed: int) -> None:
    """The table's figures and rulings still leave dark strokes: compare with the same page, same seed,
    without the table (two dots keep the ink box, so the random path and the geometry are the same)."""
    page, tables = _page()
    x0, y0, x1, y1 = tables[0]
    bare = page.copy()
    bare[y0:y1, x0:x1] = 255
    bare[y0, x0] = bare[y1 - 1, x1 - 1] = 0
    ctx = PageContext(dpi=DPI, tables_px=tables, last=False, org="某某市卫生健康委员会")
    out, _ = FAMILIES[name].degrade_page(page, random.Random(seed), ctx)
    table_ink = int((grey(page)[y0:y1, x0:x1] < 128).sum())
    if name == "in8_workcopy":  # same canvas, at most a degree of skew: look in the box itself
        assert out.shape[:2] == page.shape[:2]
        assert (grey(out)[y0:y1, x0:x1] < 140).sum() > 0.5 * table_ink
        return
    ref, _ = FAMILIES[name].degrade_page(bare, random.Random(seed), ctx)
    if name == "ho8_sleeve":  # the chat app's size follows the print size: same photo, other scale
        ref = cv2.resize(ref, (out.shape[1], out.shape[0]), interpolation=cv2.INTER_AREA)
    assert ref.shape == out.shape
    scale = out.shape[0] * out.shape[1] / (page.shape[0] * page.shape[1])
    assert _strokes(out) - _strokes(ref) > 0.25 * table_ink * scale


def test_helpers() -> None:
    m = seal_mask(60, "测试单位", random.Random(1), np.random.default_rng(1))
    assert m.shape[0] == m.shape[1] and 0 < m.max() <= 1.0
    t = text_mask("已核", 30, "kai", angle=10)
    assert t.ndim == 2 and t.max() > 0.5
    assert rotated_box((10, 10, 90, 40), 100, 50, 0.0)[:2] == (10, 10)
