"""Contract tests for maker8b's camera families (round 8): determinism, output, params, ink kept."""

from __future__ import annotations

import json
import random
import sys

import cv2
import numpy as np
import pytest

from tests.heldout_scans import WRITTEN_INDEPENDENTLY as FAMILIES
from tests.heldout_scans.base import PageContext

NAMES = ("in8b_forward", "ho8b_gaopai", "in8b_volume", "ho8b_appscan")
DPI = 150


def _page(with_table: bool = True) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    h, w = round(297 / 25.4 * DPI), round(210 / 25.4 * DPI)
    page = np.full((h, w, 3), 255, np.uint8)
    box = (int(w * 0.12), int(h * 0.3), int(w * 0.88), int(h * 0.62))
    if with_table:
        x0, y0, x1, y1 = box
        for y in np.linspace(y0, y1, 9).astype(int):
            cv2.line(page, (x0, y), (x1, y), (0, 0, 0), 1)
        for x in np.linspace(x0, x1, 6).astype(int):
            cv2.line(page, (x, y0), (x, y1), (0, 0, 0), 1)
        rng = random.Random(5)
        for r in range(8):
            for c in range(5):
                cv2.putText(
                    page,
                    str(rng.randint(0, 9999)),
                    (x0 + 10 + c * (x1 - x0) // 5, y0 + 25 + r * (y1 - y0) // 8),
                    cv2.FONT_HERSHEY_SIMPLEX,
                    0.6,
                    (0, 0, 0),
                    2,
                )
    cv2.putText(page, "2024 report", (int(w * 0.2), int(h * 0.15)), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), 2)
    return page, [box]


def _run(name: str, seed: int, last: bool = False, with_table: bool = True):
    page, tables = _page(with_table)
    ctx = PageContext(dpi=DPI, tables_px=tables, last=last, org="某市某区人民政府办公室")
    return FAMILIES[name].degrade_page(page, random.Random(seed), ctx)


@pytest.mark.parametrize("name", NAMES)
def test_registered_and_described(name):
    fam = FAMILIES[name]
    assert fam.name == name
    assert fam.kind in ("pdf", "jpg", "png", "tiff")
    assert fam.summary and len(sys.modules[type(fam).__module__].__doc__ or "") > 200
    assert fam.choose_dpi(random.Random(1)) in fam.dpis


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_typed_jsonable(name):
    a, pa = _run(name, 3, last=True)
    b, pb = _run(name, 3, last=True)
    assert a.dtype == np.uint8 and a.ndim in (2, 3)
    if a.ndim == 3:
        assert a.shape[2] == 3
    assert a.tobytes() == b.tobytes()
    assert pa == pb
    assert json.loads(json.dumps(pa)) == pa
    assert pa["family"] == name
    _, pc = _run(name, 4)
    assert pc != pa


@pytest.mark.parametrize("name", NAMES)
def test_page_changed_and_table_ink_kept(name):
    page, _ = _page(True)
    out, _ = _run(name, 7)
    blank, _ = _run(name, 7, with_table=False)
    assert out.shape != page.shape or not np.array_equal(out, page)
    g = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    gb = blank if blank.ndim == 2 else cv2.cvtColor(blank, cv2.COLOR_BGR2GRAY)
    assert g.shape == gb.shape
    # same seed, same damage: the only difference is the table, which must still print dark ink
    ink = (g.astype(int) < gb.astype(int) - 60).sum()
    src = (cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 128).sum()
    scale = g.size / page.shape[0] / page.shape[1]
    assert ink > 0.25 * src * scale


def test_gaopai_is_one_bit():
    out, p = _run("ho8b_gaopai", 2)
    assert out.ndim == 2 and set(np.unique(out).tolist()) <= {0, 255}
    assert p["bw"][0] in (120, 150, 200)


def test_seal_on_last_page():
    seen = 0
    for seed in range(4):
        _, p = _run("ho8b_appscan", seed, last=True)
        seen += "seal" in p
    assert seen == 4
