"""Round 10's independent families (maker10): microfilm, MRC-compressed PDF, aged colour scan, screenshot."""

from __future__ import annotations

import json
import random

import cv2
import numpy as np
import pytest

from tests.heldout_scans import WRITTEN_INDEPENDENTLY, PageContext
from tests.heldout_scans.m10_aged import Aged
from tests.heldout_scans.m10_microfilm import Microfilm
from tests.heldout_scans.m10_mrc import Mrc
from tests.heldout_scans.m10_screenshot import Screenshot

FAMILIES = (Microfilm(), Mrc(), Aged(), Screenshot())
DPI = 100


def _page(dpi: int = DPI) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """An A4 page with a ruled table of digits and a few text lines."""
    w, h = round(8.27 * dpi), round(11.69 * dpi)
    page = np.full((h, w, 3), 255, np.uint8)
    for k in range(6):
        cv2.putText(
            page, f"Report line {k} 2024", (dpi, dpi + k * dpi // 4), cv2.FONT_HERSHEY_SIMPLEX, dpi / 200, (0, 0, 0), 1
        )
    x0, y0, x1, y1 = dpi, 3 * dpi, w - dpi, 3 * dpi + 10 * dpi // 3
    rows, cols = 10, 5
    for r in range(rows + 1):
        y = y0 + r * (y1 - y0) // rows
        cv2.line(page, (x0, y), (x1, y), (0, 0, 0), 1)
    for c in range(cols + 1):
        x = x0 + c * (x1 - x0) // cols
        cv2.line(page, (x, y0), (x, y1), (0, 0, 0), 1)
    for r in range(rows):
        for c in range(cols):
            x = x0 + c * (x1 - x0) // cols + dpi // 6
            y = y0 + r * (y1 - y0) // rows + (y1 - y0) // rows * 3 // 4
            cv2.putText(page, str(37 * r + 11 * c), (x, y), cv2.FONT_HERSHEY_SIMPLEX, dpi / 250, (0, 0, 0), 2)
    return page, [(x0, y0, x1, y1)]


def _run(family, seed: int, last: bool = False):
    page, tables = _page()
    ctx = PageContext(dpi=DPI, tables_px=tables, last=last, org="某市某局")
    out, params = family.degrade_page(page, random.Random(seed), ctx)
    return page, tables, out, params


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_registered_and_described(family):
    assert WRITTEN_INDEPENDENTLY[family.name] is not None
    assert family.kind in ("pdf", "jpg", "png", "tiff")
    assert family.summary and family.dpis
    # module m10_<word>, family m10_<word> (or ho10_/in10_<word> once drawn by lot)
    assert family.__class__.__module__.split(".")[-1].split("_", 1)[1] == family.name.split("_", 1)[1]
    assert type(family).__doc__ or __import__(type(family).__module__, fromlist=["x"]).__doc__


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
def test_deterministic(family):
    _, _, a, pa = _run(family, 5)
    _, _, b, pb = _run(family, 5)
    assert a.tobytes() == b.tobytes() and pa == pb
    _, _, c, _ = _run(family, 6)
    assert c.shape != a.shape or c.tobytes() != a.tobytes()


@pytest.mark.parametrize("family", FAMILIES, ids=lambda f: f.name)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_params_change_and_ink(family, seed):
    page, tables, out, params = _run(family, seed, last=seed == 3)
    assert out.dtype == np.uint8 and out.ndim in (2, 3)
    if out.ndim == 3:
        assert out.shape[2] == 3
    json.dumps(params)
    assert params["family"] == family.name
    g = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    if g.shape == page.shape[:2]:
        assert np.abs(g.astype(int) - cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)).mean() > 2
    # where the table went on the output
    x0, y0, x1, y1 = tables[0]
    if family.name.endswith("_microfilm"):
        (sx, sy), (ox, oy) = params["scale"], params["offset"]
        box = (ox + x0 * sx, oy + y0 * sy, ox + x1 * sx, oy + y1 * sy)
    elif family.name.endswith("_screenshot"):
        s, ox, oy = params["page_to_output"]
        box = (ox + x0 * s, oy + y0 * s, ox + x1 * s, oy + y1 * s)
    else:
        box = (x0, y0, x1, y1)
    bx0, by0, bx1, by1 = box
    mx, my = (bx1 - bx0) * 0.1, (by1 - by0) * 0.1
    region = g[int(by0 + my) : int(by1 - my), int(bx0 + mx) : int(bx1 - mx)].astype(int)
    assert region.size > 1000
    # the table's print still stands out from its paper (dark on light, or light on dark)
    contrast = np.abs(region - np.median(region)) > 60
    assert 0.01 < contrast.mean() < 0.6, contrast.mean()


def test_screenshot_chrome_and_size():
    _, _, out, _ = _run(Screenshot(), 4)
    assert out.shape[1] in (1080, 1170, 1242, 1284, 1440)
    assert out.shape[0] > out.shape[1] * 1.7


def test_microfilm_negative_prints_exist():
    negs = [_run(Microfilm(), s)[3]["negative"] for s in range(12)]
    assert any(negs) and not all(negs)


def test_mrc_substitutes_symbols_but_keeps_the_mask():
    """JBIG2-like coding swaps some marks for an earlier look-alike on every page (36-85 of 147-211 marks
    over seeds 0-7 of the test page), never all of them (review10: ``>= 0`` could not fail)."""
    for seed in (5, 6, 7):
        params = _run(Mrc(), seed)[3]
        assert params["marks_in_mask"] > 50
        assert 0 < params["symbols_substituted"] < params["marks_in_mask"]
