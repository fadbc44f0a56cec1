"""The held-out scan families keep the benchmark's interface and are deterministic per seed.

Nothing here measures OCR: these families exist to be measured against, not tuned to.
"""

from __future__ import annotations

import json
import random

import cv2
import numpy as np
import pytest

from tests.heldout_scans import WRITTEN_INDEPENDENTLY as FAMILIES
from tests.heldout_scans import PageContext
from tests.heldout_scans.base import KINDS, mm
from tests.heldout_scans.bitonal import FAX_DPI
from tests.heldout_scans.phone import Camera, _surface

NAMES = sorted(FAMILIES)


def synthetic_page(dpi: int, width_mm: float = 105, height_mm: float = 148) -> tuple[np.ndarray, list]:
    """A small page with a ruled table of figures and a line of text, at ``dpi`` (BGR)."""
    w, h = mm(dpi, width_mm), mm(dpi, height_mm)
    page = np.full((h, w, 3), 255, np.uint8)
    x0, y0, x1, y1 = mm(dpi, 15), mm(dpi, 40), w - mm(dpi, 15), mm(dpi, 110)
    rows, cols = 6, 4
    for r in range(rows + 1):
        y = y0 + (y1 - y0) * r // rows
        cv2.line(page, (x0, y), (x1, y), (0, 0, 0), max(1, dpi // 150))
    for c in range(cols + 1):
        x = x0 + (x1 - x0) * c // cols
        cv2.line(page, (x, y0), (x, y1), (0, 0, 0), max(1, dpi // 150))
    rng = random.Random(7)
    scale = dpi / 200 * 0.7
    for r in range(rows):
        for c in range(1, cols):
            x = x0 + (x1 - x0) * c // cols + mm(dpi, 3)
            y = y0 + (y1 - y0) * (r + 1) // rows - mm(dpi, 3)
            cv2.putText(page, str(rng.randint(0, 3000)), (x, y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 2)
    cv2.putText(page, "2024 annual report", (x0, mm(dpi, 25)), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), 2)
    return page, [(x0, y0, x1, y1)]


def run(name: str, seed: int, last: bool = True, dpi: int | None = None) -> tuple[np.ndarray, dict, np.ndarray]:
    fam = FAMILIES[name]
    rng = random.Random(seed)
    chosen = fam.choose_dpi(rng)
    dpi = dpi or chosen
    page, tables = synthetic_page(dpi)
    ctx = PageContext(dpi=dpi, tables_px=tables, last=last, org="测试市人民政府办公室")
    out, params = fam.degrade_page(page, rng, ctx)
    return out, params, page


def test_registry_interface() -> None:
    assert len(FAMILIES) >= 4
    for name, fam in FAMILIES.items():
        assert name.startswith(("ho_", "ho7_", "in7_", "ho8_", "in8_", "ho8b_", "in8b_", "ho10_", "in10_")) and fam.name == name
        assert fam.kind in KINDS
        dpis = {fam.choose_dpi(random.Random(s)) for s in range(40)}
        assert dpis <= set(fam.dpis) and all(isinstance(d, int) and 72 <= d <= 600 for d in dpis)
        assert fam.choose_dpi(random.Random(3)) == fam.choose_dpi(random.Random(3))


@pytest.mark.parametrize("name", NAMES)
def test_deterministic_sane_and_jsonable(name: str) -> None:
    dpi = min(FAMILIES[name].dpis)  # the cheapest setting keeps this test fast
    a, pa, page = run(name, 11, dpi=dpi)
    b, pb, _ = run(name, 11, dpi=dpi)
    c, _, _ = run(name, 12, dpi=dpi)
    assert np.array_equal(a, b) and pa == pb
    assert a.shape != c.shape or not np.array_equal(a, c)
    assert a.dtype == np.uint8
    assert a.ndim == 2 or (a.ndim == 3 and a.shape[2] == 3)
    ph, pw = page.shape[:2]
    assert 0.4 * ph <= a.shape[0] <= 8 * ph and 0.4 * pw <= a.shape[1] <= 8 * pw
    g = a if a.ndim == 2 else cv2.cvtColor(a, cv2.COLOR_BGR2GRAY)
    assert float((g < 128).mean()) > 0.001, "print lost"
    assert float((g > 150).mean()) > 0.1, "no paper left to see"
    text = json.dumps(pa, ensure_ascii=False)
    assert json.loads(text) == pa and pa["family"] == name and pa["dpi"] > 0


@pytest.mark.parametrize("name", NAMES)
def test_blank_and_tiny_pages_do_not_break(name: str) -> None:
    fam = FAMILIES[name]
    for shape in ((60, 50, 3), (30, 400, 3)):
        rng = random.Random(5)
        dpi = fam.choose_dpi(rng)
        out, params = fam.degrade_page(np.full(shape, 255, np.uint8), rng, PageContext(dpi=dpi, last=True, org=""))
        assert out.dtype == np.uint8 and out.size > 0
        json.dumps(params)


@pytest.mark.parametrize("name", NAMES)
def test_rejects_a_page_that_is_not_bgr(name: str) -> None:
    with pytest.raises(ValueError, match="BGR uint8"):
        FAMILIES[name].degrade_page(np.zeros((50, 40), np.uint8), random.Random(0), PageContext(dpi=200))


def test_bitonal_is_black_and_white_and_fax_has_its_modes() -> None:
    fax, params, page = run("ho_bitonal", 3, dpi=FAX_DPI)
    assert fax.ndim == 2 and set(np.unique(fax).tolist()) <= {0, 255}
    assert params["device"] == "fax" and params["mode"] in ("fine", "standard")
    assert fax.shape[0] > page.shape[0], "the receiving machine's header line goes above the page"
    archive, params, _ = run("ho_bitonal", 3, dpi=100)
    assert set(np.unique(archive).tolist()) <= {0, 255} and params["device"] == "archive"


def test_copy_is_grey_and_seal_on_last_page() -> None:
    out, params, _ = run("ho_copy", 4, last=True)
    assert out.ndim == 2
    assert any(s["where"] == "signature" for s in params["seals"])
    _, params, _ = run("ho_copy", 4, last=False)
    assert all(s["where"] != "signature" for s in params["seals"])


def test_flatbed_keeps_every_printed_mark_on_the_bed() -> None:
    """The sheet overhangs the bed, but only blank margin is lost: four blue marks at the corners of
    the printed area all survive (blue because the lid background is dark)."""
    dpi = 150
    page = np.full((mm(dpi, 297), mm(dpi, 210), 3), 255, np.uint8)
    m, s = mm(dpi, 20), mm(dpi, 5)
    h, w = page.shape[:2]
    for x, y in ((m, m), (w - m - s, m), (m, h - m - s), (w - m - s, h - m - s)):
        page[y : y + s, x : x + s] = (255, 0, 0)
    for seed in range(3):
        out, params = FAMILIES["ho_flatbed"].degrade_page(page, random.Random(seed), PageContext(dpi=dpi))
        b, g, r = (out[..., i].astype(int) for i in range(3))
        blue = ((b - r > 60) & (b - g > 40)).astype(np.uint8)
        _, _, stats, _ = cv2.connectedComponentsWithStats(blue)
        big = [a for a in stats[1:, cv2.CC_STAT_AREA] if a > 0.5 * s * s]
        assert len(big) == 4, params
        assert abs(params["angle"]) <= 6


@pytest.mark.parametrize("seed", range(6))
def test_phone_geometry_inverts_exactly(seed: int) -> None:
    """The bent page's camera model maps page points to the image and back to the same point."""
    rng = random.Random(seed)
    pw, ph = 500, 700
    axis = seed % 2
    surface, _ = _surface(pw if axis == 0 else ph, axis, rng)
    cam = Camera(surface, pw, ph, distance=ph * 1.3)
    if not cam.monotonic():
        pytest.skip("this draw folds over itself; the family redraws it")
    pts = np.array([[x, y] for x in np.linspace(0, pw - 1, 9) for y in np.linspace(0, ph - 1, 9)])
    s, t = (pts[:, 0], pts[:, 1]) if axis == 0 else (pts[:, 1], pts[:, 0])
    xy = cam.forward(s, t)
    px, py = cam.inverse(xy[:, 0], xy[:, 1])
    assert np.allclose(px, pts[:, 0], atol=0.05) and np.allclose(py, pts[:, 1], atol=0.05)


def test_seal_carries_the_issuing_body_when_a_font_is_installed() -> None:
    from tests.heldout_scans.seal import font_path, seal_shape

    plain = seal_shape(300, "", random.Random(1))
    named = seal_shape(300, "某某县某某镇人民政府", random.Random(1))
    assert plain.shape == named.shape and 0 < plain.max() <= 1
    if font_path():
        assert named.sum() != plain.sum()
