"""The OCR library's image side, without recognition: page finding, turning, skew, rulings, cells.

Synthetic images with known geometry, so every number asserted is known exactly.
"""

from __future__ import annotations

import random

import cv2
import numpy as np
import pytest

from gongkai.ocr.geometry import Upright, find_page_quad, find_sheet, map_box, page_of_spread, upright
from gongkai.ocr.grid import find_grids, ruling_ink
from gongkai.ocr.page import PageText, _beyond_picture, _cell_lines, _content
from gongkai.ocr.preprocess import (
    binarize_inv,
    clean,
    descreen,
    grey_seals,
    lift_grey_seals,
    normalise_crop,
    red_ink,
    rotate,
    seal_ink,
    skew_angle,
    to_gray_without_red,
)
from gongkai.ocr.types import GridCell
from tests.conftest import SHARED
from tests.generator.degrade import PageDegradation, degrade_page, render, stamp


def _page(w: int = 1240, h: int = 1754) -> np.ndarray:
    """A white A4 page at 150 dpi with a ruled 4x6 table and lines of 'text' (black bars)."""
    img = np.full((h, w, 3), 255, np.uint8)
    for i in range(12):
        y = 120 + i * 45
        cv2.rectangle(img, (150, y), (150 + (900 if i % 4 else 500), y + 22), (0, 0, 0), -1)
    xs, ys = [150, 450, 650, 850, 1090], [800 + i * 60 for i in range(7)]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), (0, 0, 0), 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), (0, 0, 0), 2)
    return img


def _photo(page: np.ndarray, corners: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """The page warped onto a dark desk at ``corners`` (tl, tr, br, bl)."""
    h, w = page.shape[:2]
    src = np.array([[0, 0], [w, 0], [w, h], [0, h]], np.float32)
    m = cv2.getPerspectiveTransform(src, corners.astype(np.float32))
    desk = np.full((size[1], size[0], 3), (40, 60, 90), np.uint8)
    warped = cv2.warpPerspective(page, m, size, borderValue=(0, 0, 0))
    mask = cv2.warpPerspective(np.full((h, w), 255, np.uint8), m, size)
    return np.where(mask[:, :, None] > 127, warped, desk)


def test_a_photographed_sheet_is_found_and_a_scan_is_not():
    corners = np.array([[210, 160], [1500, 230], [1440, 2010], [150, 1950]], np.float32)
    photo = _photo(_page(), corners, (1700, 2200))
    quad = find_page_quad(photo)
    assert quad is not None
    assert np.abs(quad - corners).max() < 12  # within ~0.5 % of the frame
    assert find_page_quad(_page()) is None


def _open_binder(facing_share: float, corners: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """``_page`` beside the facing page (``_page`` set lower, ``facing_share`` of it in view) in an open
    binder: the gutter shaded half dark at the spine, the cover showing between the pages; photographed
    on a desk. Returns the photo and the corners of the page (not the facing one) in it."""
    page = _page().astype(np.float32)
    h, w = page.shape[:2]
    shade = 1.0 - 0.5 * np.exp(-np.arange(w, dtype=np.float32) / 60.0)
    facing = np.roll(_page(), 80, axis=0)[:, w - round(facing_share * w) :].astype(np.float32)
    facing *= shade[: facing.shape[1]][::-1][None, :, None]
    gap = np.full((h, 8, 3), 50, np.float32)
    spread = np.hstack([facing, gap, page * shade[None, :, None]]).astype(np.uint8)
    sw = spread.shape[1]
    if corners is None:
        corners = np.array([[150, 260], [1550, 230], [1600, 1950], [120, 1990]], np.float32)
    m = cv2.getPerspectiveTransform(np.array([[0, 0], [sw, 0], [sw, h], [0, h]], np.float32), corners)
    x0 = sw - w
    inner = np.array([[x0, 0], [sw, 0], [sw, h], [x0, h]], np.float32)
    return _photo(spread, corners, (1700, 2200)), cv2.perspectiveTransform(inner[None], m)[0]


@pytest.mark.parametrize("share", [0.25, 0.45])
def test_the_facing_page_of_an_open_binder_is_left_out_of_the_sheet(share):
    photo, page = _open_binder(share)
    quad = find_page_quad(photo)
    assert quad is not None and np.abs(quad - page).max() < 0.01 * 2200  # the page alone, to its spine


def test_a_binder_page_running_out_of_the_frame_is_cut_at_its_spine_and_not_sure():
    photo, page = _open_binder(0.35, np.array([[150, 260], [1900, 230], [1950, 1950], [120, 1990]], np.float32))
    sheet = find_sheet(photo)
    assert sheet.unsure and sheet.quad is not None
    spine_side = sheet.quad[[0, 3], 0]  # its left side is the spine, where the page begins
    assert np.abs(spine_side - page[[0, 3], 0]).max() < 0.01 * 2200
    assert find_sheet(_open_binder(0.35)[0]).unsure is False  # the page's outline found: sure


def test_two_pages_alike_are_not_split():
    photo, page = _open_binder(1.0)
    quad = find_page_quad(photo)
    assert quad is None or cv2.contourArea(quad) > 1.6 * cv2.contourArea(page)  # which one was meant is unknown


def test_uneven_light_on_a_scan_is_not_taken_for_a_sheet():
    page = _page().astype(np.float32)
    h, w = page.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w]
    gain = 1.0 - 0.45 * np.clip((xx + yy - 0.9 * (w + h)) / (0.3 * (w + h)), 0, 1)  # a dark corner
    assert find_page_quad((page * gain[:, :, None]).astype(np.uint8)) is None


def test_perspective_is_undone_and_boxes_map_back_to_the_photo():
    corners = np.array([[210, 160], [1500, 230], [1440, 2010], [150, 1950]], np.float32)
    photo = _photo(_page(), corners, (1700, 2200))
    up = upright(photo)
    assert up.perspective
    assert up.image.shape[1] == 1654  # the short side at the standard resolution
    grids = find_grids(ruling_ink(cv2.cvtColor(up.image, cv2.COLOR_BGR2GRAY)))
    assert [(g.rows, g.cols) for g in grids] == [(6, 4)]
    # the table's corner in the upright page maps back onto the photo's table corner
    table_tl = cv2.perspectiveTransform(
        np.array([[[150, 800]]], np.float32),
        cv2.getPerspectiveTransform(np.array([[0, 0], [1240, 0], [1240, 1754], [0, 1754]], np.float32), corners),
    )[0, 0]
    gx, gy = grids[0].box[:2]
    x0, y0 = cv2.perspectiveTransform(np.array([[[gx, gy]]], np.float32), up.to_source)[0, 0]
    assert abs(x0 - table_tl[0]) < 12 and abs(y0 - table_tl[1]) < 12


@pytest.mark.parametrize("turns", [1, 2, 3])
def test_quarter_turns_round_trip(turns):
    page = _page()
    turned = np.ascontiguousarray(np.rot90(page, turns))  # counter-clockwise, as a scanner might feed it
    up = upright(turned, turns=turns)  # turning back clockwise the same number of times
    assert up.image.shape[:2] == (round(1754 * 1654 / 1240), 1654)
    assert up.quarter_turns == turns
    grids = find_grids(ruling_ink(cv2.cvtColor(up.image, cv2.COLOR_BGR2GRAY)))
    assert [(g.rows, g.cols) for g in grids] == [(6, 4)]
    # a box on the upright page maps onto the same content in the turned source
    x0, y0, x1, y1 = map_box(up.to_source, grids[0].box)
    patch = cv2.cvtColor(turned[y0:y1, x0:x1], cv2.COLOR_BGR2GRAY)
    assert patch.shape[0] > 100 and patch.shape[1] > 100 and (patch < 128).mean() > 0.02


def test_upright_turned_composes_with_the_transform():
    up = Upright(np.zeros((20, 10), np.uint8), np.eye(3))
    t = up.turned(2)
    assert t.image.shape == (20, 10) and t.quarter_turns == 2
    assert map_box(t.to_source, (0, 0, 2, 2)) == (7, 17, 9, 19)


@pytest.mark.parametrize("angle", [-2.7, -0.6, 0.4, 1.9])
def test_skew_is_measured_to_a_tenth_of_a_degree(angle):
    gray = cv2.cvtColor(rotate(_page(), angle), cv2.COLOR_BGR2GRAY)
    assert abs(skew_angle(binarize_inv(gray)) + angle) <= 0.1


def _flatbed_with_lid(page: np.ndarray, degrees: float, shift: int, lid: int = 60) -> np.ndarray:
    """A flatbed scan of a sheet placed askew and shifted left, so its left edge is outside the scan;
    the lid, dark grey, fills what the sheet does not cover."""
    h, w = page.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    m[0, 2] -= shift
    m[1, 2] += shift // 3
    sheet = cv2.warpAffine(page, m, (w, h), borderValue=(0, 0, 0))
    cover = cv2.warpAffine(np.full((h, w), 255, np.uint8), m, (w, h))
    return np.where(cover[:, :, None] > 127, sheet, np.full_like(page, lid))


@pytest.mark.parametrize("degrees", [-5.5, -2.5, 3.0, 6.0])
def test_a_shifted_sheet_cut_by_the_frame_with_the_lid_beside_it_is_levelled_not_flattened(degrees):
    """The scanner's dark lid around a sheet cut by the frame once made a wrong quadrilateral: the page
    was "flattened" from corners that were not the sheet's and the applications table lost every cell."""
    scan = _flatbed_with_lid(_page(), degrees, shift=60)
    assert find_page_quad(scan) is None
    up = upright(scan)
    assert not up.perspective
    assert abs(up.skew + degrees) <= 0.2
    gray = clean(up.image).gray
    printed = clean(upright(_page()).image).gray
    assert abs((gray < 128).mean() - (printed < 128).mean()) < 0.01  # the lid is no longer dark: only the print is
    (g,) = find_grids(ruling_ink(gray))
    assert (g.rows, g.cols) == (6, 4)  # the sheet's edge was not taken for a ruling


def test_a_level_page_is_not_rotated():
    assert skew_angle(binarize_inv(cv2.cvtColor(_page(), cv2.COLOR_BGR2GRAY))) == 0.0


def test_a_grey_seal_over_a_table_adds_no_columns():
    """A grey scan keeps the seal; the near-vertical sides of its ring are not column rulings."""
    page = _page()
    stamp(page, (700, 980), 260, random.Random(3), "某某市人民政府办公室")
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)  # grey: the colour that would remove it is gone
    grids = find_grids(ruling_ink(gray))
    assert [(g.rows, g.cols, len(g.cells)) for g in grids] == [(6, 4, 24)]


def _grey_stamped(seed: int, stroke: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """An A4 page at 200 dpi (the OCR's standard width) with digits in a table, and the same page
    stamped and photocopied grey."""
    page = np.full((2339, 1654, 3), 255, np.uint8)
    for x in range(300, 1400, 150):
        cv2.line(page, (x, 600), (x, 1400), (0, 0, 0), 2)
    for y in range(600, 1401, 80):
        cv2.line(page, (300, y), (1350, y), (0, 0, 0), 2)
        if y < 1400:
            for x in range(300, 1350, 150):
                cv2.putText(page, "0", (x + 60, y + 55), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (0, 0, 0), stroke)
    stamped = page.copy()
    stamp(stamped, (800, 1000), 330, random.Random(seed), "某某市人民政府办公室")  # a 42 mm seal
    return cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), cv2.cvtColor(stamped, cv2.COLOR_BGR2GRAY)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_grey_seal_is_found_and_lifted_and_the_print_under_it_stays(seed):
    clean_page, grey = _grey_stamped(seed)
    seals = grey_seals(grey)
    assert len(seals) == 1
    x, y, r, level, _ = seals[0]
    assert 70 <= level <= 190  # the ring is grey: lighter than the print, darker than the paper
    assert abs(x - 800) <= 12 and abs(y - 1000) <= 12 and 140 <= r <= 170
    lifted, lifted_seals = lift_grey_seals(grey)
    assert [s[:4] for s in lifted_seals] == [s[:4] for s in seals]
    assert lifted_seals[0].told_by_grey  # black print: the seal's grey tells it apart
    disc = np.zeros_like(grey)
    cv2.circle(disc, (800, 1000), 170, 255, -1)
    seal_only = (disc > 0) & (clean_page > 250) & (grey < 200)  # the seal's ink on bare paper
    assert seal_only.sum() > 5000
    assert (lifted[seal_only] == 255).mean() > 0.97
    print_ = (disc > 0) & (clean_page < 60)  # digits and rulings under the seal
    assert (lifted[print_] < 100).mean() > 0.97


def test_a_page_without_a_seal_has_no_grey_seal():
    clean_page, _ = _grey_stamped(1)
    assert grey_seals(clean_page) == []
    assert lift_grey_seals(clean_page)[1] == []


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_seal_thresholded_black_is_found_by_its_thick_ring_lifted_and_doubted(seed):
    """A black-and-white scan makes a red seal's ring as black as print (branch bitonal6: digits under
    such a ring read 10 as 1, 6 as 61, sure): found by the ring's width, lifted by its shape."""
    clean_page, grey = _grey_stamped(seed, stroke=2)  # print's strokes at 200 dpi (the ring is ~12 px)
    bits = np.where(grey < 200, 0, 255).astype(np.uint8)
    seals = grey_seals(bits)
    assert len(seals) == 1 and seals[0].black
    assert abs(seals[0].x - 800) <= 12 and abs(seals[0].y - 1000) <= 12
    lifted, lifted_seals = lift_grey_seals(bits)
    assert lifted_seals[0].told_by_grey is False  # what is read under it stays in doubt
    ring = np.zeros_like(grey)
    cv2.circle(ring, (800, 1000), 155, 255, 8)
    on_paper = (ring > 0) & (clean_page > 250) & (bits == 0)
    assert on_paper.sum() > 1500 and (lifted[on_paper] == 255).mean() > 0.9
    assert grey_seals(np.where(clean_page < 200, 0, 255).astype(np.uint8)) == []  # print alone has no ring


def test_descreen_turns_a_dotted_shading_grey_keeps_print_black_and_leaves_a_salted_page_alone():
    page = np.full((2339, 1654), 255, np.uint8)  # A4 at 200 dpi
    for y in range(200, 1000, 80):
        cv2.putText(page, "0  12  5", (100, y + 55), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 3)
    rng = np.random.default_rng(1)
    salted = page.copy()
    salted[rng.random(page.shape) < 0.0005] = 0  # salt-and-pepper is no screen
    assert descreen(salted) is None
    shaded = page.copy()
    band = shaded[200:280, 80:800]
    dots = np.zeros(band.shape, bool)
    dots[::3, ::3] = True  # a 67 lpi screen at 200 dpi: a light grey row (11 % ink)
    band[dots] = 0
    out = descreen(shaded)
    assert out is not None
    assert 180 < float(np.median(out[205:275, 500:800])) < 250  # the dots are a light grey now,
    assert out[210:270, 600:780].min() > 170  # nowhere as dark as print
    assert descreen(cv2.resize(shaded, (992, 1403), interpolation=cv2.INTER_NEAREST)) is None  # 120 dpi: left alone
    solid = cv2.erode((page == 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
    assert (out[solid] < 100).all() and (out[page == 255][::7] > 200).mean() > 0.95  # print black, paper white


def test_a_red_seal_turns_to_paper_white_and_black_print_under_it_stays():
    page = np.full((300, 300, 3), 255, np.uint8)
    cv2.putText(page, "808", (60, 170), cv2.FONT_HERSHEY_SIMPLEX, 2.5, (0, 0, 0), 6)
    stamp(page, (150, 150), 260, random.Random(1), "某某市人民政府")
    gray = to_gray_without_red(page)
    ring = gray[150, 12:22]  # the ring's left side, away from the digits
    assert ring.min() >= 235
    assert (gray[100:180, 60:240] < 60).sum() > 800  # the digits are still black


def test_crop_contrast_makes_faint_print_dark_and_a_tinted_background_white():
    crop = np.full((40, 120), 205, np.uint8)  # a light-blue header cell, in grey
    cv2.putText(crop, "12", (10, 32), cv2.FONT_HERSHEY_SIMPLEX, 1.0, 150, 2)  # faint print
    out = normalise_crop(crop)
    assert out[2, 2] == 255 and out.min() <= 40


def _cell_image() -> tuple[np.ndarray, GridCell]:
    """A cell with a two-line label (second line shorter), specks around it, and a ruling sliver."""
    img = np.zeros((120, 400), np.uint8)
    for i, (y, n) in enumerate([(25, 9), (65, 4)]):
        for k in range(n):
            cv2.rectangle(img, (20 + 34 * k, y), (44 + 34 * k, y + 26), 255, 2 if i else 3)
    for x, y in [(370, 10), (360, 100), (200, 57), (12, 110)]:
        img[y : y + 2, x : x + 2] = 255  # specks
    img[:, 397:400] = 255  # the remnant of the right-hand ruling
    return img, GridCell(0, 0, 1, 1, (0, 0, 400, 120))


def test_a_cells_lines_come_in_reading_order_without_specks_or_ruling_slivers():
    img, cell = _cell_image()
    lines = _cell_lines(cell, img, char_h=26.0)
    assert len(lines) == 2
    (_, a1, a2, _), (_, b1, b2, _) = lines
    assert a1 < b1  # the first line first
    assert a2 < 340 and b2 < 150  # neither line reaches a speck or the ruling sliver
    assert all(not (x <= 370 <= x2) for x, _, x2, _ in lines)


def test_a_stroke_touching_a_tight_cell_is_kept_but_a_ruling_sliver_is_not():
    ink = np.zeros((21, 200), np.uint8)
    ink[:, 50:53] = 255  # the stem of 亻 touching top and bottom
    ink[:, 0:2] = 255  # a sliver of the left ruling
    boxes = _content(ink)
    assert (50, 0, 53, 21) in boxes and all(b[0] != 0 for b in boxes)


def test_degradation_is_deterministic_and_within_its_ranges():
    src = render(SHARED / "pdf" / "hongze_2024.pdf", 100, 2)
    out = {}
    for level in ("clean", "hard", "photo"):
        a, da = degrade_page(src, level, random.Random(5), 100, [(100, 100, 500, 500)], True, "某某区人民政府")
        b, db = degrade_page(src, level, random.Random(5), 100, [(100, 100, 500, 500)], True, "某某区人民政府")
        assert np.array_equal(a, b) and da == db
        out[level] = da
    clean, hard, photo = out["clean"], out["hard"], out["photo"]
    assert isinstance(clean, PageDegradation)
    assert abs(clean.rotation) <= 0.5 and clean.seals == ["signature"]
    assert 0.3 <= abs(hard.rotation) <= 3.0 and 40 <= hard.jpeg <= 70 and hard.blur > 0 and hard.speckle > 0
    assert 0.02 <= photo.perspective <= 0.07 and photo.jpeg >= 70


def test_a_tiny_image_has_no_grey_seal():
    assert grey_seals(np.full((3, 3000), 128, np.uint8)) == []  # a quarter of 3 px rows is none: no crash


def _curled(page: np.ndarray, amp: float, shape: str) -> tuple[np.ndarray, np.ndarray]:
    """The page bent like a curled sheet: rows displaced by up to ``amp`` of the height, more at the bottom."""
    h, w = page.shape[:2]
    u = np.linspace(0, 1, w)
    curve = 1 - (2 * u - 1) ** 2 if shape == "bow" else np.clip((u - 0.3) / 0.7, 0, 1) ** 2
    ys = np.arange(h)[:, None]
    d = (amp * h * curve[None, :] * (0.7 + 0.6 * ys / h)).astype(np.float32)
    mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    return cv2.remap(page, mx, my - d, cv2.INTER_LINEAR, borderValue=255), d


def _row_tilt(gray: np.ndarray) -> float:
    """How far the table's bottom ruling rises or falls between its left and right ends (pixels)."""
    ink = gray < 128
    bottoms = [float(len(c) - np.argmax(c[::-1])) for c in (ink[:, a:b].any(axis=1) for a, b in
                                                            ((160, 190), (600, 640), (1060, 1085)))]
    return max(bottoms) - min(bottoms)


@pytest.mark.parametrize(("amp", "shape"), [(0.03, "bow"), (0.04, "right"), (0.02, "right")])
def test_a_curled_page_is_laid_flat_from_its_own_lines(amp, shape):
    from gongkai.ocr.dewarp import find_bend

    gray = cv2.cvtColor(_page(), cv2.COLOR_BGR2GRAY)
    curled, _d = _curled(gray, amp, shape)
    assert _row_tilt(curled) > 15
    bend = find_bend(binarize_inv(curled))
    assert bend is not None
    flat = bend.apply(curled)
    assert _row_tilt(flat) <= 4
    (g,) = find_grids(ruling_ink(flat))
    assert (g.rows, g.cols) == (6, 4)


def test_a_flat_page_has_no_bend_and_a_bent_box_maps_back_onto_the_curl():
    from gongkai.ocr.dewarp import find_bend

    gray = cv2.cvtColor(_page(), cv2.COLOR_BGR2GRAY)
    assert find_bend(binarize_inv(gray)) is None
    curled, d = _curled(gray, 0.03, "right")
    up = Upright(curled, np.eye(3), bend=find_bend(binarize_inv(curled)))
    # the table's bottom-right corner, laid flat, maps back to where the curl put it
    _x0, y0, _x1, y1 = up.box_to_source((1080, 1150, 1090, 1160))
    assert abs((y0 + y1) / 2 - (1155 + d[1155, 1085])) <= 8


def test_what_lies_beyond_the_picture_is_not_seen():
    """A sheet shifted past the scanner's frame: the upright page's strip that came from beyond the
    source picture is unseen (no blank may be read there), the rest is seen."""
    source = np.full((800, 600), 255, np.uint8)
    shift = np.array([[1.0, 0, -100], [0, 1, 0], [0, 0, 1]])  # upright x = source x + 100
    up = Upright(np.full((800, 700), 255, np.uint8), shift)
    mask = _beyond_picture(up, source.shape)
    assert (mask[:, :90] == 255).all() and (mask[:, 115:690] == 0).all()
    text = PageText(None, up.image, np.zeros_like(up.image), [], {}, up.box_to_source, mask)  # type: ignore[arg-type]
    assert text.seen((20, 100, 80, 140)) == 0.0 and text.seen((200, 100, 260, 140)) == 1.0
    assert 0.3 < text.seen((60, 100, 140, 140)) < 0.7
    assert text.seen((650, 100, 750, 140)) == 0.5  # half of it beyond the upright image itself


def test_a_red_seals_ink_is_where_print_may_be_hidden():
    page = np.full((400, 400, 3), 255, np.uint8)
    cv2.circle(page, (200, 200), 80, (40, 40, 220), 6)  # BGR red ring
    cv2.putText(page, "0", (60, 60), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (0, 0, 0), 2)
    ink = seal_ink(red_ink(page))
    assert ink[200, 120] and ink[120, 200] and not ink[200, 200] and not ink[50, 70]
    assert not seal_ink(red_ink(cv2.cvtColor(page, cv2.COLOR_BGR2GRAY))).any()
    assert (clean(page).seal == ink).all()


def _tall_table(w: int = 1240, h: int = 1754) -> np.ndarray:
    """A page that is mostly one ruled table (5 columns, 16 rows), as a report's applications table."""
    img = np.full((h, w), 255, np.uint8)
    xs, ys = [150, 450, 600, 750, 900, 1090], [200 + i * 85 for i in range(17)]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys[:-1]:
        cv2.rectangle(img, (170, y + 30), (330, y + 52), 0, -1)  # a label
    return img


def _leaning(page: np.ndarray, lean: float) -> tuple[np.ndarray, np.ndarray]:
    """The page's columns leaning as a photo's perspective leans them (each by its own angle: they
    converge) and its rows bent: the source point each output pixel shows, and the picture."""
    h, w = page.shape[:2]
    mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    dx = (lean * (mx - w / 2) * (my - h / 2) / h).astype(np.float32)
    dy = (0.03 * h * (1 - (2 * mx / w - 1) ** 2)).astype(np.float32)
    return cv2.remap(page, mx - dx, my - dy, cv2.INTER_LINEAR, borderValue=255), dx


def _column_spread(gray: np.ndarray, x: int, near: int = 15, y0: int = 260, y1: int = 1500) -> float:
    """How far a column ruling within ``near`` px of ``x`` wanders from top to bottom (pixels)."""
    centres = []
    for y in range(y0, y1, 40):
        row = gray[y, x - near : x + near] < 128
        if row.any():
            centres.append(float(np.flatnonzero(row).mean()))
    return max(centres) - min(centres)


def test_leaning_columns_are_stood_upright_from_their_own_rulings():
    """A photo whose sheet showed no four corners keeps its perspective: the columns of its table
    lean, each by another angle, and a table read with them leaning straddles its columns. They
    are measured from the print like the rows' bend, and undone with it; a box maps back."""
    from gongkai.ocr.dewarp import find_bend

    page = _tall_table()
    leaning, dx = _leaning(page, 0.12)
    assert _column_spread(leaning, 1090, near=60) > 30
    bend = find_bend(binarize_inv(leaning))
    assert bend is not None and bend.dx is not None
    flat = bend.apply(leaning)
    # each ruling where the flat page has it (the whole page may have moved a little)
    spreads = [_column_spread(flat, int(np.argmin(flat[800, x - 40 : x + 40])) + x - 40) for x in (150, 450, 750, 1090)]
    assert max(spreads) <= 10, spreads  # from ~60 px over the table
    (g,) = find_grids(ruling_ink(flat))
    assert (g.rows, g.cols) == (16, 5)
    up = Upright(leaning, np.eye(3), bend=bend)
    # the table's bottom-right corner, stood upright, maps back to where the lean put it
    x0, _y0, x1, _y1 = up.box_to_source((1085, 1540, 1095, 1550))
    assert abs((x0 + x1) / 2 - (1090 + dx[1545, 1090])) <= 8


def test_a_bend_is_not_carried_on_past_the_print_it_was_measured_on():
    """Text lines bowed over the left half of the page, nothing printed right of them (a block that
    ends mid-page): the cubic through the measured shifts, carried on across the blank half, grew to
    hundreds of pixels and tore the page (a folded photo's upright page, 1326 px of column shift).
    Beyond the last measured strip the displacement stays as it was there."""
    from gongkai.ocr.dewarp import find_bend

    h, w, amp = 1754, 1240, 0.02
    img = np.full((h, w), 255, np.uint8)
    for i in range(30):
        y = 120 + i * 50
        cv2.rectangle(img, (150, y), (650, y + 22), 0, -1)
    t = np.clip((np.arange(w) - 150) / 500, 0, 1)
    d = (amp * h * (1 - (2 * t - 1) ** 2)).astype(np.float32)
    mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    bowed = cv2.remap(img, mx, my - d[None, :], cv2.INTER_LINEAR, borderValue=255)
    bend = find_bend(binarize_inv(bowed))
    assert bend is not None
    assert float(np.abs(bend.dy).max()) <= 1.5 * amp * h  # 35 px of bow: not hundreds


def test_the_page_note_says_when_bent_lines_were_laid_straight():
    """A dewarp changes every box's way back to the source: the page's note says it was done."""
    from gongkai.ocr.page import PageResult

    assert PageResult(100, 100, 0.0).note == ""
    assert PageResult(100, 100, 1.0, perspective=True, bent=True).note == (
        "photo flattened, bent lines laid straight, deskewed +1.0°")



def test_a_band_whose_print_ends_mid_page_bends_on_as_its_neighbours_do():
    """A curl rising to the right edge; the middle band's print ends halfway across (a real curl
    photo's page: held flat past its last measured strip, that band tore from its neighbours, 9 px
    where they rose to 110-124). It goes on as the bands above and below it bend, from its own value."""
    from gongkai.ocr.dewarp import _carry_on

    rise = np.linspace(0, 100, 8) ** 2 / 100
    dy = np.vstack([rise, rise * 1.1, np.where(np.arange(8) < 4, rise * 1.2, rise[3] * 1.2), rise * 1.3])
    seen = np.ones((4, 8), bool)
    seen[2, 4:] = False
    _carry_on(dy, seen)
    assert np.allclose(dy[2], rise * 1.2)  # the neighbours' steps, interpolated: as it would have bent
    lone = np.vstack([np.r_[rise[:4], np.full(4, rise[3])]])
    seen1 = np.zeros((1, 8), bool)
    seen1[0, :5] = True
    _carry_on(lone, seen1)
    assert np.allclose(lone[0, 5:], lone[0, 4])  # no band measured those strips: held


def test_a_sheet_folded_in_three_is_laid_flat_panel_by_panel():
    """A letter folded in three and opened: its rows kink at two creases (flat panels, rising, falling,
    rising). No cubic follows that (a real page kept its right panel a row out: 28 cells lost); the
    creased reading of the same shifts (a running median keeps the jumps) lays it flat."""
    from gongkai.ocr.dewarp import find_bend

    gray = cv2.cvtColor(_page(), cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    u = np.linspace(0, 1, w)
    d = (0.02 * h * np.interp(u, [0, 1 / 3, 2 / 3, 1], [0, 1, 0, 1])).astype(np.float32)
    mx, my = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    folded = cv2.remap(gray, mx, my - d[None, :], cv2.INTER_LINEAR, borderValue=255)
    def kink(img: np.ndarray) -> float:  # the bottom ruling's height at the creases and between them
        ink = img < 128
        bottoms = [float(len(c) - np.argmax(c[::-1])) for c in (ink[:, a:b].any(axis=1) for a, b in
                                                                ((160, 190), (400, 430), (810, 840), (1060, 1085)))]
        return max(bottoms) - min(bottoms)

    assert kink(folded) > 25
    bend = find_bend(binarize_inv(folded))
    assert bend is not None
    flat = bend.apply(folded)
    assert kink(flat) <= 5
    (g,) = find_grids(ruling_ink(flat))
    assert (g.rows, g.cols) == (6, 4)


CHAR_H = 18.0
"""The character height of ``_lines``' print (0.6 of its 30-pixel line boxes, as the reader measures it)."""


def _lines(x0: int, x1: int, y0: int, pitch: int, n: int, h: int = 30) -> list[tuple[int, int, int, int]]:
    """Detected boxes of ``n`` lines of print between ``x0`` and ``x1``, one every ``pitch`` pixels."""
    return [(x0, y0 + i * pitch, x1, y0 + i * pitch + h) for i in range(n)]


def test_a_facing_page_beyond_a_wide_gutter_is_cut_off_on_either_side():
    page = _lines(150, 1100, 100, 70, 30)
    facing = _lines(1500, 1900, 130, 61, 34)  # its own lines, at its own pitch
    assert page_of_spread(page + facing, [], 2000, CHAR_H) == (0, 1100 + 36)  # two character heights past the print
    mirrored = [(2000 - x1, y0, 2000 - x0, y1) for x0, y0, x1, y1 in page + facing]
    assert page_of_spread(mirrored, [], 2000, CHAR_H) == (900 - 36, 2000)


def test_a_page_of_print_or_a_table_whose_rows_run_across_a_gap_is_not_cut():
    assert page_of_spread(_lines(150, 1500, 100, 70, 30), [], 1654, CHAR_H) is None  # one page of prose
    labels, values = _lines(150, 600, 100, 70, 30), _lines(1300, 1400, 100, 70, 30)  # a table without rulings
    assert page_of_spread(labels + values, [], 1500, CHAR_H) is None
    assert page_of_spread(labels + _lines(1300, 1400, 130, 61, 34), [], 1500, CHAR_H) == (0, 636)  # not level: pages
    sides = _lines(150, 600, 100, 70, 8) + _lines(1000, 1300, 130, 61, 8)
    assert page_of_spread(sides, [], 1400, CHAR_H) == (0, 636)
    assert page_of_spread(sides, [(150, 100, 1300, 400)], 1400, CHAR_H) is None  # a ruled table across the gap
    assert page_of_spread(sides, [(700, 0, 760, 1400)], 1400, CHAR_H) == (0, 636)  # the spine's edges: no print in them


def test_two_pages_alike_or_a_page_on_its_side_are_not_cut():
    assert page_of_spread(_lines(100, 800, 100, 70, 30) + _lines(1100, 1800, 130, 61, 30), [], 1900, CHAR_H) is None
    on_side = [(x, 100, x + 30, 1500) for x in range(100, 1000, 60)] + _lines(1500, 1900, 130, 61, 4)
    assert page_of_spread(on_side, [], 2000, CHAR_H) is None


def test_a_region_of_the_picture_is_read_as_the_page_at_the_standard_width():
    spread = np.full((1200, 1400, 3), 255, np.uint8)
    region = np.array([[0, 0], [850, 0], [850, 1199], [0, 1199]], np.float64)
    up = upright(spread, region=region)
    assert up.facing_cut and not up.perspective
    assert up.image.shape[1] == 1654  # the page's own width, not the spread's height, is the standard side
    assert np.allclose(up.source_map().points(np.array([[1653.0, 0.0]])), [[850, 0]], atol=1.5)
