"""The round-7 office and archive families (ho7_fax, in7_adf, in7_reprint, ho7_filed): contract checks.

They run on a synthetic ruled table, never on the corpus, so a failure names the family's own
fault: not deterministic, not JSON-able, did nothing, or drowned / erased the table's figures.
"""

from __future__ import annotations

import json
import random

import cv2
import numpy as np
import pytest

from tests.heldout_scans import WRITTEN_INDEPENDENTLY as FAMILIES
from tests.heldout_scans.base import PageContext, grey, mm
from tests.heldout_scans.m7a_tools import free_spot, round_seal

OURS = ("ho7_fax", "in7_adf", "in7_reprint", "ho7_filed")


def _page(dpi: int) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """An A4 page: a title line, and a 6 x 8 ruled table of two-digit figures in the middle."""
    w, h = mm(dpi, 210), mm(dpi, 297)
    page = np.full((h, w, 3), 255, np.uint8)
    cv2.putText(
        page,
        "ANNUAL REPORT 2024",
        (mm(dpi, 30), mm(dpi, 30)),
        cv2.FONT_HERSHEY_SIMPLEX,
        dpi / 150,
        (0, 0, 0),
        max(1, dpi // 100),
    )
    x0, y0, cw, ch = mm(dpi, 25), mm(dpi, 90), mm(dpi, 26), mm(dpi, 10)
    for r in range(9):
        cv2.line(page, (x0, y0 + r * ch), (x0 + 6 * cw, y0 + r * ch), (0, 0, 0), max(1, dpi // 150))
    for c in range(7):
        cv2.line(page, (x0 + c * cw, y0), (x0 + c * cw, y0 + 8 * ch), (0, 0, 0), max(1, dpi // 150))
    for r in range(8):
        for c in range(6):
            cv2.putText(
                page,
                str(10 + 7 * r + 3 * c),
                (x0 + c * cw + cw // 3, y0 + r * ch + 3 * ch // 4),
                cv2.FONT_HERSHEY_SIMPLEX,
                dpi / 200,
                (0, 0, 0),
                max(2, dpi // 100),
            )
    return page, (x0, y0, x0 + 6 * cw, y0 + 8 * ch)


def _run(name: str, seed: int) -> tuple[np.ndarray, dict, np.ndarray, tuple[int, int, int, int]]:
    family = FAMILIES[name]
    rng = random.Random(seed)
    dpi = family.choose_dpi(rng)
    page, box = _page(dpi)
    ctx = PageContext(dpi=dpi, tables_px=[box], last=True, org="测试县人民政府办公室")
    out, params = family.degrade_page(page, rng, ctx)
    return out, params, page, box


def _upright(out: np.ndarray, params: dict) -> np.ndarray:
    """Undo a page fed upside down or scanned sideways, as the params record it."""
    if params.get("upside_down"):
        out = cv2.rotate(out, cv2.ROTATE_180)
    if params.get("sideways") == "cw":
        out = cv2.rotate(out, cv2.ROTATE_90_COUNTERCLOCKWISE)
    if params.get("sideways") == "ccw":
        out = cv2.rotate(out, cv2.ROTATE_90_CLOCKWISE)
    return out


@pytest.mark.parametrize("name", OURS)
def test_registered_with_a_container_and_resolutions(name: str) -> None:
    family = FAMILIES[name]
    assert family.name == name
    assert family.kind in ("pdf", "jpg", "png", "tiff")
    assert family.dpis and all(100 <= d <= 600 for d in family.dpis)
    assert family.summary and family.__doc__ and type(family).__module__.split(".")[-1].startswith("m7a_")


@pytest.mark.parametrize("name", OURS)
def test_same_seed_same_bytes(name: str) -> None:
    a, pa, _, _ = _run(name, 5)
    b, pb, _, _ = _run(name, 5)
    assert a.tobytes() == b.tobytes()
    assert pa == pb


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_output_is_a_changed_uint8_image_with_jsonable_params(name: str, seed: int) -> None:
    out, params, page, _ = _run(name, seed)
    assert out.dtype == np.uint8 and (out.ndim == 2 or (out.ndim == 3 and out.shape[2] == 3))
    assert min(out.shape[:2]) > 500
    json.dumps(params)
    assert params["family"] == name
    up = grey(_upright(out, params))
    same_size = cv2.resize(up, (page.shape[1], page.shape[0]), interpolation=cv2.INTER_AREA)
    assert np.abs(same_size.astype(int) - grey(page).astype(int)).mean() > 2.0


@pytest.mark.parametrize("name", OURS)
@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_table_ink_survives_and_is_not_buried(name: str, seed: int) -> None:
    """Inside the table (scaled to the output, inset for skew and crop) ink stays near the original amount."""
    out, params, page, box = _run(name, seed)
    up = grey(_upright(out, params))
    h, w = page.shape[:2]
    sy, sx = up.shape[0] / h, up.shape[1] / w
    x0, y0, x1, y1 = box
    ix, iy = (x1 - x0) // 8, (y1 - y0) // 8
    extra = up.shape[1] - round(w * sx)
    crop_out = up[
        round((y0 + iy) * sy) : round((y1 - iy) * sy), round((x0 + ix) * sx) + extra : round((x1 - ix) * sx) + extra
    ]
    crop_in = grey(page)[y0 + iy : y1 - iy, x0 + ix : x1 - ix]
    before = (crop_in < 128).mean()
    after = (crop_out < np.median(crop_out) - 50).mean()  # ink against this scan's own paper (faded prints are grey)
    assert 0.3 * before < after < 4.0 * before, (before, after)


def test_free_spot_never_overlaps_a_box() -> None:
    rng = random.Random(7)
    boxes = [(100, 100, 400, 300), (500, 50, 700, 600)]
    for _ in range(50):
        spot = free_spot(boxes, (80, 60), (0, 0, 800, 800), rng)
        if spot is None:
            continue
        x, y = spot
        assert all(x + 80 <= bx0 or x >= bx1 or y + 60 <= by0 or y >= by1 for bx0, by0, bx1, by1 in boxes)


def test_seal_has_ring_name_and_uneven_ink() -> None:
    alpha = round_seal(300, "测试县人民政府办公室", random.Random(3))
    assert alpha.shape[0] == alpha.shape[1] > mm(300, 36)
    inked = alpha[alpha > 0.2]
    assert 0.05 < (alpha > 0.2).mean() < 0.5
    assert inked.std() > 0.05
