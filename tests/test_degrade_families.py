"""Issue 13's degradation families: each deterministic for a seed, keeping the source's truth,
and showing what it claims (on small synthetic pages: these tests run no OCR)."""

from __future__ import annotations

import json
import random
import sys
import types
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest
from PIL import Image

from tests.conftest import GENERATED
from tests.generator import degrade
from tests.generator.degrade import (
    EXTRA_LEVELS,
    OWN_FAMILIES,
    PageContext,
    _break_rulings,
    _curl,
    family,
    make,
    write_images,
)

ORG = "某某区人民政府"
TABLE = (60, 150, 560, 700)
ROWS = list(range(175, 700, 25))
COLS = [260, 320, 380, 440, 500]


def _page(dpi: int, scale: int = 1) -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """A 600x800 page (times ``scale``) with a ruled table: labels left, numbers right;
    rulings as thin as 0.5 pt at ``dpi``, digits with strokes as thick as print's."""
    s = scale
    img = np.full((800 * s, 600 * s, 3), 255, np.uint8)
    rule = max(1, round(dpi / 144))
    x0, y0, x1, y1 = (v * s for v in TABLE)
    cv2.rectangle(img, (x0, y0), (x1, y1), (0, 0, 0), rule)
    for y in ROWS:
        cv2.line(img, (x0, y * s), (x1, y * s), (0, 0, 0), rule)
    for x in COLS:
        cv2.line(img, (x * s, y0), (x * s, y1), (0, 0, 0), rule)
    stroke = max(1, round(dpi / 75))
    for y in ROWS:
        cv2.putText(img, "Row label", (x0 + 4 * s, (y - 5) * s), cv2.FONT_HERSHEY_SIMPLEX, 0.5 * s, (0, 0, 0), max(1, s))
        for x in COLS:
            cv2.putText(img, "95", ((x + 12) * s, (y - 4) * s), cv2.FONT_HERSHEY_SIMPLEX, 0.55 * s, (0, 0, 0), stroke)
    cv2.putText(img, "Some running text above the table", (60 * s, 100 * s), cv2.FONT_HERSHEY_SIMPLEX, 0.6 * s,
                (0, 0, 0), max(1, s))
    return img, (x0, y0, x1, y1)


def _ctx(dpi: int, table, last: bool = False) -> PageContext:
    return PageContext(dpi, [table], last, ORG)


def test_the_families_are_levels_of_their_own():
    assert set(OWN_FAMILIES) == {"lid", "rot6", "fax", "toner", "copyseal", "curl", "jpeg", "colour150", "archive",
                                 *degrade.PHONE_VARIANTS, *degrade.PHONE_ARCHIVED, *degrade.PHONE_AMONG, "copy2",
                                 "sealbw", "halftone", "finebw", "rebitonal", "webcms", "reviewed"}
    assert set(OWN_FAMILIES) <= set(EXTRA_LEVELS) and not set(OWN_FAMILIES) & set(degrade.LEVELS)
    assert {degrade.DEFAULT_KIND[k] for k in OWN_FAMILIES} <= {"pdf", "tiff", "jpg", "png"}
    assert degrade.DEFAULT_KIND["fax"] == "tiff" and degrade.DEFAULT_KIND["curl"] == "jpg"


@pytest.mark.parametrize("level", sorted(OWN_FAMILIES))
def test_a_family_is_deterministic_for_a_seed(level):
    fam = family(level)
    dpi = fam.choose_dpi(random.Random(1))
    assert isinstance(dpi, int) and dpi == fam.choose_dpi(random.Random(1))
    page, table = _page(dpi)
    a, pa = fam.degrade_page(page, random.Random(7), _ctx(dpi, table, last=True))
    b, pb = fam.degrade_page(page, random.Random(7), _ctx(dpi, table, last=True))
    c, _ = fam.degrade_page(page, random.Random(8), _ctx(dpi, table, last=True))
    assert np.array_equal(a, b) and pa == pb
    assert not np.array_equal(a, c) or a.shape != c.shape
    assert json.loads(json.dumps(pa)) == pa  # recorded in the truth as it is
    assert a.dtype == np.uint8 and a.ndim in (2, 3)


def test_lid_cuts_the_page_edge_and_fills_the_wedges_with_the_dark_lid():
    for seed in range(5):
        page, table = _page(72)
        out, p = family("lid").degrade_page(page, random.Random(seed), _ctx(72, table))
        g = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
        h, w = g.shape
        assert 2.0 <= abs(p["rotation"]) <= 6.0
        # the table's outer (left) ruling leaves the image at least at one end
        assert min(x for x, _ in p["table_left_ruling_ends"]) < 0
        # the page runs on past the left edge: paper in most of the first column
        assert (g[:, 0] > 150).mean() > 0.3
        # the page was pushed left: the lid fills the right, grey 50-70 (darker in a band of shade)
        right = g[:, int(w * 0.92) :]
        assert (right < 90).mean() > 0.5
        assert 25 <= np.median(right) <= 80 and 50 <= p["lid"] <= 70
        # and the number columns are all on the image (the table's right edge, both ends)
        a, (tx, ty) = np.radians(p["rotation"]), p["shift"]
        for y in (table[1], table[3]):
            x = np.cos(a) * (table[2] - w / 2) + np.sin(a) * (y - h / 2) + w / 2 + tx
            yy = -np.sin(a) * (table[2] - w / 2) + np.cos(a) * (y - h / 2) + h / 2 + ty
            assert 0 < x < w and 0 < yy < h


def test_rot6_turns_the_page_up_to_6_degrees_and_cuts_nothing():
    frame = np.full((800, 600, 3), 255, np.uint8)
    cv2.rectangle(frame, (40, 40), (560, 760), (0, 0, 0), 3)
    ink_in = int((frame[:, :, 0] < 128).sum())
    seen = []
    for seed in range(6):
        out, p = family("rot6").degrade_page(frame, random.Random(seed), _ctx(72, TABLE))
        g = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
        assert 0.5 <= abs(p["rotation"]) <= 6.0
        assert g.shape[0] > 800 and g.shape[1] > 600
        border = np.concatenate([g[:3].ravel(), g[-3:].ravel(), g[:, :3].ravel(), g[:, -3:].ravel()])
        assert border.min() > 200  # white all round
        ink = np.column_stack(np.nonzero(g < 128)[::-1]).astype(np.float32)
        assert 0.8 < len(ink) / ink_in < 1.25  # all of the frame is there
        (_, _), (_, _), angle = cv2.minAreaRect(ink)
        angle = (angle + 45) % 90 - 45  # the rectangle's tilt, whatever convention OpenCV uses
        assert abs(abs(angle) - abs(p["rotation"])) < 0.3
        seen.append(p["rotation"])
    assert min(seen) < 0 < max(seen)


def test_fax_is_bitonal_at_150_dpi_and_written_as_group4(tmp_path):
    fam = family("fax")
    assert fam.choose_dpi(random.Random(3)) == 150
    page, table = _page(150)
    out, p = fam.degrade_page(page, random.Random(2), _ctx(150, table))
    assert out.ndim == 2 and set(np.unique(out)) <= {0, 255}
    assert p["ruling_gaps"] > 0 and p["paper"] > p["threshold"] > p["ink"]
    (name,) = write_images([out, out], 150, [90, 90], tmp_path, "fax", fam.kind)
    im = Image.open(tmp_path / name)
    assert im.mode == "1" and im.n_frames == 2 and im.info["compression"] == "group4"
    assert round(im.info["dpi"][0]) == 150


def _light_font_page() -> np.ndarray:
    """The synthetic page printed in a light grey font (rulings and digits at grey 150), as
    gen_025's thin font comes out at 150 dpi."""
    page, _ = _page(150)
    return np.where(page < 128, 150, 255).astype(np.uint8)


def _kept(out: np.ndarray, page: np.ndarray) -> float:
    """Share of the source's ink that is still black in the fax (a pixel of slack for the skew)."""
    src = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 200
    return float((cv2.dilate((out == 0).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)[src].mean())


def test_fax_threshold_follows_the_pages_own_ink_so_a_light_font_stays():
    """The first fax binarised at a fixed 110-170 and thinned a light font away (gen_025, seed 11,
    illegible by eye); the page's own threshold keeps it, the old level still erases it."""
    page = _light_font_page()
    new, p = family("fax").degrade_page(page, random.Random(5), _ctx(150, TABLE))
    old, q = family("fax_fixed").degrade_page(page, random.Random(5), _ctx(150, TABLE))
    assert p["ink"] >= 140 and p["threshold"] > 150 and 110 <= q["threshold"] <= 170
    assert _kept(new, page) > 0.9 > 0.5 > _kept(old, page)
    assert (new == 0).mean() < 2 * (cv2.cvtColor(page, cv2.COLOR_BGR2GRAY) < 200).mean()  # no page of speckle


def test_fax_fixed_is_the_first_fax_kept_as_a_level_of_its_own():
    assert "fax_fixed" in EXTRA_LEVELS and "fax_fixed" not in OWN_FAMILIES
    assert degrade.DEFAULT_KIND["fax_fixed"] == "tiff"
    page, _ = _page(150)
    _, p = family("fax").degrade_page(page, random.Random(6), _ctx(150, TABLE))
    _, q = family("fax_fixed").degrade_page(page, random.Random(6), _ctx(150, TABLE))
    same = ("rotation", "ruling_gaps", "blur", "noise", "speckle")  # one stream: only the threshold differs
    assert {k: p[k] for k in same} == {k: q[k] for k in same} and "paper" not in q


def test_fax_gaps_in_rulings_are_short():
    page, _ = _page(150)
    gray = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    out, gaps = _break_rulings(gray, 150, 0.5, random.Random(4))
    assert gaps > 3
    runs = []
    for y in ROWS:
        row = out[y, TABLE[0] + 1 : TABLE[2]] > 128
        n = 0
        for white in row:
            if white:
                n += 1
            elif n:
                runs.append(n)
                n = 0
    assert runs and all(2 <= r <= 14 for r in runs)  # 2-7 px, two gaps may touch
    assert (out < 128).sum() > 0.97 * (gray < 128).sum()  # only bits of rulings went


def test_archive_is_one_bit_per_pixel_at_100_to_200_dpi_and_records_its_conditions(tmp_path):
    fam = family("archive")
    assert {fam.choose_dpi(random.Random(s)) for s in range(40)} == {100, 120, 150, 200}
    modes, strokes = set(), set()
    for seed in range(16):
        dpi = (100, 120, 150, 200)[seed % 4]
        page, table = _page(dpi)
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(dpi, table, last=seed % 3 == 0))
        assert out.ndim == 2 and set(np.unique(out).tolist()) <= {0, 255}, p
        assert p["bitonal"] and p["dpi"] == dpi and abs(p["rotation"]) <= 2.0
        assert p["stroke"] == 0 or dpi >= (150 if p["stroke"] < 0 else 200)  # a 1-2 px stroke is neither thinned nor swollen
        src = cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
        turned = cv2.warpAffine(src, cv2.getRotationMatrix2D((src.shape[1] / 2, src.shape[0] / 2), p["rotation"], 1.0),
                                src.shape[::-1], borderValue=255)
        assert _kept(out, cv2.cvtColor(turned, cv2.COLOR_GRAY2BGR)) > 0.85, p  # the print stays black
        modes.add(p["binarise"])
        strokes.add(p["stroke"])
    assert modes == {"threshold", "bayer", "diffusion"} and strokes == {-1, 0, 1}
    (name,) = write_images([out, out], 150, [90, 90], tmp_path, "archive", fam.kind)
    im = Image.open(tmp_path / name)
    assert im.mode == "1" and im.n_frames == 2 and im.info["compression"] == "group4"


def test_archive_dithering_turns_grey_into_dots_and_keeps_black_print_black():
    from tests.generator.degrade import dither

    gray = np.full((64, 64), 255, np.uint8)
    gray[:, :16] = 0  # print
    gray[:, 32:48] = 200  # a shaded header, a seal's grey
    for mode in ("bayer", "diffusion"):
        out = dither(gray, mode, white=230, black=150)
        assert (out[:, :16] == 0).all() and (out[:, 52:] == 255).all()
        assert 0.2 < (out[:, 32:48] == 0).mean() < 0.8  # dots, neither solid nor gone


def test_archive_keeps_the_truth_and_writes_group4(tmp_path):
    truth = make(GENERATED / "gen_001.pdf", tmp_path, "archive", 3)
    source = json.loads((GENERATED / "gen_001.json").read_text("utf-8"))
    assert truth["cells"] == source["cells"]
    d = truth["degradation"]
    assert d["level"] == "archive" and not d["held_out"] and d["kind"] == "tiff"
    im = Image.open(tmp_path / truth["files"][0])
    assert im.mode == "1" and im.info["compression"] == "group4" and im.n_frames == len(d["pages"])
    assert all(p["bitonal"] and p["binarise"] in ("threshold", "bayer", "diffusion") for p in d["pages"])


def test_thin_toner_thins_strokes_fades_rulings_in_patches_and_lightens_headers():
    fam = family("toner")
    assert fam.choose_dpi(random.Random(1)) == 300
    page, table = _page(300, scale=2)
    ink_in = 255.0 - cv2.cvtColor(page, cv2.COLOR_BGR2GRAY)
    out, p = fam.degrade_page(page, random.Random(3), _ctx(300, table))
    assert out.ndim == 2
    ink = 255.0 - out.astype(np.float32)
    assert ink.sum() < 0.8 * ink_in.sum()  # strokes thinner
    # along the rulings (away from the rotation's drift: a band of +-4 px), some stretches gone, others kept
    kept = []
    for y in ROWS[4:]:
        band = out[2 * y - 4 : 2 * y + 5, 2 * COLS[0] + 6 : 2 * COLS[1] - 6]
        kept.extend(band.min(axis=0) < 170)
    kept = np.array(kept)
    assert 0.05 < kept.mean() < 0.98
    # the digits stay: most of the number columns' ink survives somewhere
    digits = ink[2 * ROWS[4] : 2 * ROWS[-1], 2 * COLS[0] : 2 * COLS[-1]]
    assert digits.sum() > 0.3 * ink_in[2 * ROWS[4] : 2 * ROWS[-1], 2 * COLS[0] : 2 * COLS[-1]].sum()
    share, light = p["light_headers"][0]
    assert 0.1 <= share <= 0.3 and 0.35 <= light <= 0.55


def test_copyseal_stamps_grey_seals_over_the_number_columns():
    fam = family("copyseal")
    for seed in range(20):
        page, table = _page(72)
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(72, table))
        if any(s["where"] == "table" for s in p["seals"]):
            break
    else:
        pytest.fail("no seal over a table in 20 draws")
    assert out.ndim == 2  # a grey copy: no red left
    assert all(90 <= s["darkest"] <= 150 for s in p["seals"] if s["where"] == "table")
    x0, y0, x1, y1 = table
    mid = (x0 + x1) // 2
    numbers, labels = out[y0:y1, mid:x1], out[y0:y1, x0:mid]
    grey = lambda a: ((a > 70) & (a < 200)).mean()  # noqa: E731 - the seal's mid grey
    assert grey(numbers) > grey(labels) + 0.02


@pytest.mark.parametrize("shape", ["bow", "left", "right"])
def test_curl_bends_every_row_by_its_share_of_the_page_height(shape):
    h, w = 800, 600
    page = np.full((h, w, 3), 255, np.uint8)
    lines = list(range(60, 760, 70))
    for y in lines:
        cv2.line(page, (0, y), (w - 1, y), (0, 0, 0), 2)
    out, sheet = _curl(page, (0.02, 0.04), shape, random.Random(1))
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    assert sheet.shape == g.shape and sheet[:, w // 2].min() == 0 < sheet.max()  # the outline bends too
    bends = []
    for k in range(len(lines)):
        # the k-th line in every column (its dark runs, top to bottom)
        ys = []
        for x in range(5, w - 5, 10):
            dark = np.flatnonzero(g[:, x] < 128)
            starts = dark[np.r_[True, np.diff(dark) > 3]]
            ys.append(starts[k])
        bends.append((max(ys) - min(ys)) / h)
    # 2 % of the height at the top row, 4 % at the bottom row, in proportion between
    for y, bend in zip(lines, bends, strict=True):
        assert abs(bend - (0.02 + 0.02 * y / h)) < 0.004


def test_curl_photos_record_their_bend():
    page, table = _page(72)
    out, p = family("curl").degrade_page(page, random.Random(5), _ctx(72, table))
    assert out.ndim == 3 and all(0.02 <= b <= 0.04 for b in p["bend"]) and p["curl"] in ("bow", "left", "right")


def test_jpeg_quality_35_to_50_and_colour150(tmp_path):
    page, table = _page(72)
    qs = {family("jpeg").degrade_page(page, random.Random(s), _ctx(72, table))[1]["jpeg"] for s in range(8)}
    assert qs and all(35 <= q <= 50 for q in qs)
    # each page of a PDF keeps its own quality
    small = write_images([page], 72, [35], tmp_path, "q35", "pdf")[0]
    big = write_images([page], 72, [95], tmp_path, "q95", "pdf")[0]
    assert (tmp_path / small).stat().st_size < (tmp_path / big).stat().st_size
    fam = family("colour150")
    assert fam.choose_dpi(random.Random(2)) == 150
    out, p = fam.degrade_page(page, random.Random(2), _ctx(150, table))
    assert out.ndim == 3 and not p["grey"]
    assert np.abs(out[:, :, 0].astype(int) - out[:, :, 2].astype(int)).mean() > 3  # tinted: not grey


class _HeldOut:
    kind = "png"

    def choose_dpi(self, rng: random.Random) -> int:
        return 40

    def degrade_page(self, page, rng, ctx):
        return cv2.cvtColor(page, cv2.COLOR_BGR2GRAY), {"tables": len(ctx.tables_px), "last": ctx.last}


def test_make_takes_a_held_out_family_and_keeps_the_truth(tmp_path, monkeypatch):
    mod = types.ModuleType("tests.heldout_scans")
    mod.FAMILIES = {"ho_test": _HeldOut()}
    mod.RELEASED = {}
    monkeypatch.setitem(sys.modules, "tests.heldout_scans", mod)
    truth = make(GENERATED / "gen_001.pdf", tmp_path, "ho_test", 3)
    source = json.loads((GENERATED / "gen_001.json").read_text("utf-8"))
    assert truth["cells"] == source["cells"]
    d = truth["degradation"]
    assert d["level"] == "ho_test" and d["held_out"] and d["kind"] == "png"
    assert [p["last"] for p in d["pages"]] == [False] * (len(d["pages"]) - 1) + [True]
    assert all(p["dpi"] == 40 for p in d["pages"])
    assert len(truth["files"]) == len(d["pages"]) and all((tmp_path / f).exists() for f in truth["files"])
    assert json.loads((tmp_path / f"{truth['doc_id']}.json").read_text("utf-8")) == truth


def test_a_released_family_is_made_as_an_own_level(tmp_path, monkeypatch):
    mod = types.ModuleType("tests.heldout_scans")
    mod.FAMILIES = {"ho_test": _HeldOut()}
    mod.RELEASED = {"in7_test": _HeldOut()}
    monkeypatch.setitem(sys.modules, "tests.heldout_scans", mod)
    truth = make(GENERATED / "gen_001.pdf", tmp_path, "in7_test", 3)
    assert truth["degradation"]["level"] == "in7_test" and truth["degradation"]["held_out"] is False


def test_own_levels_never_import_the_held_out_families(monkeypatch):
    mod = types.ModuleType("tests.heldout_scans")

    def boom(name):
        raise AssertionError(f"tests.heldout_scans.{name} read for an own level")

    mod.__getattr__ = boom  # type: ignore[method-assign]
    monkeypatch.setitem(sys.modules, "tests.heldout_scans", mod)
    for level in [*degrade.LEVELS, *EXTRA_LEVELS]:
        assert family(level).kind in ("pdf", "tiff", "jpg", "png")
    monkeypatch.setitem(sys.modules, "tests.heldout_scans", None)  # the package is not there
    with pytest.raises(ValueError, match="unknown level"):
        family("no_such_family")


# -- phone photos made otherwise than ``photo`` and ``curl`` ------------------------------------------------


def _print_page() -> tuple[np.ndarray, tuple[int, int, int, int]]:
    """The test page at 300 dpi size (2480 x 3508 would be slow: 620 x 877) with the print's corners marked."""
    img = cv2.resize(_page(72)[0], (620, 877), interpolation=cv2.INTER_AREA)
    for x, y in ((60, 60), (560, 60), (560, 797), (60, 797)):  # the corners of all that is printed
        cv2.rectangle(img, (x, y), (x + 19, y + 19), (0, 0, 0), -1)
    return img, (60, 150, 560, 700)


def _phone(variant: str, seed: int) -> tuple[np.ndarray, dict]:
    page, table = _print_page()
    return family(variant).degrade_page(page, random.Random(seed), _ctx(300, table))


def _print_seen(out: np.ndarray, p: dict) -> bool:
    """Are the print's four corners inside the picture and printed there (dark, not a thumb)?"""
    h, w = out.shape[:2]
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    for x, y in p["print"]:
        if not (0 <= x < w and 0 <= y < h):
            return False
        x0, y0 = int(x), int(y)
        if g[max(0, y0 - 12) : y0 + 13, max(0, x0 - 12) : x0 + 13].min() > 90:
            return False
    return True


def test_phone_variants_are_own_levels():
    assert set(degrade.PHONE_VARIANTS) == {"lowangle", "fill", "cutoff", "pale", "shake", "fold", "landscape"}
    assert set(degrade.PHONE_VARIANTS) <= set(OWN_FAMILIES)
    assert all(degrade.DEFAULT_KIND[v] == "jpg" for v in degrade.PHONE_VARIANTS)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fill_shows_no_desk_and_all_the_print(seed):
    out, p = _phone("fill", seed)
    assert p["attempt"] >= 0 and _print_seen(out, p)
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    border = np.concatenate([g[:8].ravel(), g[-8:].ravel(), g[:, :8].ravel(), g[:, -8:].ravel()])
    assert np.percentile(border, 2) > 120  # paper (lit unevenly) to every edge: no dark desk, no outline


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_cutoff_cuts_the_sheet_through_its_margin_and_keeps_the_print(seed):
    out, p = _phone("cutoff", seed)
    assert p["cut"] and _print_seen(out, p)
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    edges = {"left": g[:, :4], "right": g[:, -4:], "top": g[:4], "bottom": g[-4:]}
    for side in p["cut"]:  # paper runs out of the picture on a cut side
        assert np.median(edges[side]) > 150


def test_lowangle_keystones_the_sheet():
    out, p = _phone("lowangle", 3)
    assert 0.6 <= p["narrow"] <= 0.8 and _print_seen(out, p)
    q = np.array(p["print"])
    near, far = (np.linalg.norm(q[2] - q[3]), np.linalg.norm(q[1] - q[0])) if p["far"] == "top" else (
        (np.linalg.norm(q[1] - q[2]), np.linalg.norm(q[0] - q[3])) if p["far"] == "left" else
        (np.linalg.norm(q[0] - q[3]), np.linalg.norm(q[1] - q[2])))
    assert p["narrow"] - 0.03 < far / near < p["narrow"] + 0.08  # the print's far edge is a little nearer


def test_pale_desk_is_nearly_as_light_as_the_paper():
    out, p = _phone("pale", 1)
    assert _print_seen(out, p)
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY).astype(np.float32)
    q = np.array(p["print"], np.float32)
    mask = np.zeros(g.shape, np.uint8)
    cv2.fillConvexPoly(mask, q.astype(np.int32), 1)
    assert abs(np.median(g[:20]) - np.median(g[mask > 0])) < 60  # a dark desk is ~150 darker


def test_shake_is_8mpx_dark_and_blurred():
    out, p = _phone("shake", 2)
    assert out.shape[:2] == (3264, 2448) and 0.5 <= p["gain"] <= 0.75 and _print_seen(out, p)
    assert ("motion" in p) != ("defocus" in p)


@pytest.mark.parametrize("shape", ["tent", "zigzag", "edge"])
def test_fold_shapes_bend_rows_as_a_crease_or_a_lifted_edge(shape):
    h, w = 400, 600
    page = np.full((h, w, 3), 255, np.uint8)
    cv2.line(page, (0, 200), (w - 1, 200), (0, 0, 0), 2)
    out, _ = _curl(page, (0.03, 0.03), shape, random.Random(1))
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    ys = np.array([float(np.flatnonzero(g[:, x] < 128).mean()) for x in range(2, w - 2, 4)])
    d = np.diff(ys)
    if shape == "edge":  # flat for most of the page, then lifting
        assert np.ptp(ys[: len(ys) * 3 // 4]) < 2 and np.ptp(ys) > 0.02 * h
    else:  # straight panels (constant slope) meeting at creases (the slope changes sign)
        assert np.ptp(ys) > 0.02 * h and (np.sign(d[np.abs(d) > 0.1]) != np.sign(d[np.abs(d) > 0.1][0])).any()


def test_landscape_is_a_wide_8mpx_picture():
    for seed in (1, 2, 3, 4):
        out, p = _phone("landscape", seed)
        assert out.shape[:2] == (2448, 3264) and _print_seen(out, p)


@pytest.mark.parametrize("level", ["sealbw", "halftone", "finebw"])
def test_the_bitonal_families_are_one_bit_per_pixel_and_keep_the_print(level):
    fam = family(level)
    for seed in range(6):
        dpi = fam.choose_dpi(random.Random(seed))
        page, table = _page(dpi, 2 if dpi >= 300 else 1)
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(dpi, table, last=seed % 2 == 0))
        assert out.ndim == 2 and set(np.unique(out).tolist()) <= {0, 255}, p
        assert p["bitonal"] and p["dpi"] == dpi
    assert {fam.choose_dpi(random.Random(s)) for s in range(40)} == {
        "sealbw": {150, 200, 300}, "halftone": {200, 300}, "finebw": {300, 400}}[level]


def test_sealbw_turns_a_red_seal_over_the_table_solid_black():
    fam = family("sealbw")
    page, table = _page(200)
    for seed in range(12):
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(200, table))
        if p["seals"]:
            break
    assert p["seals"] and p["seals"][0]["where"] in ("right", "labels")
    cx, cy = p["seals"][0]["centre"]
    ring = [out[int(cy + r * np.sin(a)), min(out.shape[1] - 1, int(cx + r * np.cos(a)))]
            for a in np.linspace(0, 2 * np.pi, 90, endpoint=False) for r in np.arange(0.40, 0.49, 0.01) * 1.6 * 200]
    assert np.mean(np.array(ring) == 0) > 0.3  # the ring's grey went black, not to dots or to paper


def test_halftone_screen_turns_grey_into_round_dots_and_keeps_black_print_black():
    from tests.generator.degrade import screen

    gray = np.full((96, 96), 255, np.uint8)
    gray[:, :16] = 0
    gray[:, 32:64] = 200  # a shaded row
    out = screen(gray, 4.0, 45, white=235, black=40)
    assert (out[:, :16] == 0).all() and (out[:, 72:] == 255).all()
    assert 0.05 < (out[:, 32:64] == 0).mean() < 0.5  # dots, neither solid nor gone


def test_halftone_shades_table_rows_and_finebw_deskews_on_the_bits():
    page, table = _page(300, 2)
    kinds = set()
    for seed in range(30):
        _, p = family("halftone").degrade_page(page, random.Random(seed), _ctx(300, table))
        kinds |= {s[0] for s in p["shading"]}
        assert all(s[2] >= 10 for s in p["shading"])  # the table's rows were found between its rulings
    assert {"zebra", "header", "column"} <= kinds
    _, p = family("finebw").degrade_page(page, random.Random(1), _ctx(300, table))
    assert 0.5 <= p["toward_ink"] <= 0.7 and abs(p["deskew_on_bits"]) <= abs(p["rotation"]) + 1e-9


# -- phone photos as archives hold them ----------------------------------------------------------------------


def test_archived_phone_variants_are_own_levels():
    assert set(degrade.PHONE_ARCHIVED) == {"forwarded", "scanapp", "glare", "clutter"}
    assert not set(degrade.PHONE_ARCHIVED) & set(degrade.PHONE_VARIANTS)
    assert all(degrade.DEFAULT_KIND[v] == "jpg" for v in degrade.PHONE_ARCHIVED)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_forwarded_is_a_small_recompressed_copy(seed):
    out, p = _phone("forwarded", seed)
    assert max(out.shape[:2]) == p["sent"][-1] and 1080 <= p["sent"][-1] <= 1280
    assert 60 <= p["jpeg"] <= 80 and p["jpeg"] == p["qualities"][-1] and _print_seen(out, p)


def test_scanapp_gives_a_flattened_upright_page_in_its_own_look():
    looks = set()
    for seed in range(1, 9):
        out, p = _phone("scanapp", seed)
        looks.add(p["app"])
        assert 1700 <= out.shape[0] <= 2600 and abs(out.shape[1] / out.shape[0] - 620 / 877) < 0.01
        assert _print_seen(out if out.ndim == 3 else cv2.cvtColor(out, cv2.COLOR_GRAY2BGR), p)
        q = np.array(p["print"])  # flattened: the print's box upright, its sides within 1.5 % of level
        assert abs(q[1, 1] - q[0, 1]) < 0.015 * out.shape[1] and abs(q[3, 0] - q[0, 0]) < 0.015 * out.shape[0]
        if p["app"] == "bw":
            assert out.ndim == 2 and np.isin(out, (0, 255)).all()
        else:
            g = out if out.ndim == 2 else cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
            assert np.percentile(g, 50) >= 250  # the whites blown out
    assert {"bw", "enhance"} <= looks


@pytest.mark.parametrize("seed", [1, 2])
def test_glare_washes_out_a_spot_of_the_print(seed):
    out, p = _phone("glare", seed)
    assert _print_seen(out, p) and 0.55 <= p["spot_strength"] <= 0.85
    cx, cy, rx, ry = p["spot"]
    q = np.array(p["print"], np.float32)
    assert cv2.pointPolygonTest(q.reshape(-1, 1, 2), (cx, cy), False) > 0
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY).astype(np.float32)

    def spread(x: int, y: int) -> float:  # ink against paper around (x, y)
        r = g[y - ry // 3 : y + ry // 3, x - rx // 3 : x + rx // 3]
        return float(np.percentile(r, 99) - np.percentile(r, 1))

    mx, my = (2 * q.mean(axis=0) - (cx, cy)).astype(int)  # as far from the print's centre, the other side
    assert spread(cx, cy) < 0.5 * spread(mx, my)  # the print under the hot spot has lost most of its contrast


def test_clutter_curls_a_dim_sheet_among_other_printed_sheets():
    out, p = _phone("clutter", 1)
    assert out.shape[:2] == (4032, 3024) and 0.55 <= p["gain"] <= 0.8 and 0.78 <= p["narrow"] <= 0.92
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    rim = np.concatenate([g[:60].ravel(), g[-60:].ravel(), g[:, :60].ravel(), g[:, -60:].ravel()])
    assert (cv2.Canny(g[:200], 50, 150) > 0).mean() > 0.001 and rim.std() > 8  # a busy, not a plain, desk


@pytest.mark.parametrize("spine", ["left", "right"])
def test_gutter_squeezes_and_shades_the_strip_by_the_spine_and_maps_points_where_they_go(spine):
    h, w = 400, 600
    page = np.full((h, w, 3), 255, np.uint8)
    for x in range(20, w, 40):
        cv2.line(page, (x, 0), (x, h - 1), (0, 0, 0), 1)
    cv2.line(page, (0, 40), (w - 1, 40), (0, 0, 0), 1)
    dot = (30, 60) if spine == "left" else (w - 31, 60)  # in the curved strip
    cv2.circle(page, dot, 4, (0, 0, 0), -1)
    out, forward = degrade._gutter(page, spine, 0.2, 0.4, 0.05, 0.5)
    assert out.shape == (h, round(w - 0.2 * w * 0.4), 3)
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    row = g[200] < 160
    xs = np.flatnonzero(row[1:] & ~row[:-1])
    gaps = np.diff(xs) if spine == "left" else np.diff(xs)[::-1]  # from the spine outwards
    assert gaps[0] < 0.8 * 40 and abs(gaps[-1] - 40) <= 2  # bunched by the spine, as printed where flat
    top_row = np.array([float(np.flatnonzero(g[:100, x] < 160).min()) for x in range(0, out.shape[1], 3)
                        if (g[:100, x] < 160).any() and (g[:100, x] < 160).sum() < 20])
    assert np.ptp(top_row) > 3  # the top rule drawn towards the middle near the spine
    shade = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)[300, [2, -3][spine == "right"]]
    assert shade < 0.7 * 255  # dark at the spine
    fx, fy = forward(np.array([dot], np.float32))[0]
    assert g[round(fy), round(fx)] < 100  # the dot is where the map says


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_binder_shows_the_facing_page_beyond_the_gutter_and_all_the_print(seed):
    out, p = _phone("binder", seed)
    assert out.shape[:2] == (4032, 3024) and _print_seen(out, p) and 0.2 <= p["facing_shown"] <= 0.45
    g = cv2.cvtColor(out, cv2.COLOR_BGR2GRAY)
    q = np.array(p["print"])
    band = slice(int(q[:, 1].min()) + 200, int(q[:, 1].max()) - 200)
    beyond = g[band, : int(q[:, 0].min()) - 150] if p["spine"] == "left" else g[band, int(q[:, 0].max()) + 150 :]
    strokes = (beyond < 110) & (cv2.dilate(beyond, np.ones((9, 9), np.uint8)) > 170)  # dark by light: print on paper
    assert strokes.mean() > 0.02  # the facing page's print in the picture, on the spine's side (the outer side: ~0)


# -- black-and-white pages printed and scanned again (branch bitonal7) -----------------------------------------


def test_rebitonal_is_one_bit_at_150_to_200_dpi_from_a_coarser_first_scan():
    fam = family("rebitonal")
    assert {fam.choose_dpi(random.Random(s)) for s in range(40)} == {150, 200}
    page, table = _page(200)
    firsts = set()
    for seed in range(8):
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(200, table, last=seed % 2 == 0))
        assert out.shape == page.shape[:2] and set(np.unique(out).tolist()) <= {0, 255}, p
        assert p["bitonal"] and p["first_dpi"] <= p["dpi"] and p["first_scan"]["threshold"] < 255
        assert (out[TABLE[1] + 30 : TABLE[3] - 30, COLS[0] + 5 : TABLE[2] - 5] == 0).mean() > 0.02  # the digits stay
        firsts.add(p["first_dpi"])
    assert firsts <= {100, 120, 150} and len(firsts) >= 2


def test_rebitonal_light_rulings_are_lost_to_the_first_threshold_and_lines_repeat():
    fam = family("rebitonal")
    page, table = _page(200)
    seen = {"light": False, "repeated": False}
    for seed in range(40):
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(200, table))
        if p["light_rulings"] and not seen["light"]:
            seen["light"] = True
            ink = (out < 128).astype(np.uint8) * 255
            long_h = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, 200), np.uint8))
            assert long_h.sum() == 0  # no horizontal ruling is left anywhere
        for y, k in p["repeated_lines"]:
            seen["repeated"] = True
            assert 1 <= k <= 4 and (out[y : y + k] == out[y - 1]).mean() > 0.99  # the specks came after
    assert seen == {"light": True, "repeated": True}


def test_bitonal_page_in_a_pdf_is_written(tmp_path: Path) -> None:
    """A family returning a black-and-white page in a PDF crashed the writer (Pillow refuses a JPEG quality for
    a Group 4 page: found by maker8b); the page is written and reads back bitonal at its size."""
    page = np.full((400, 300), 255, np.uint8)
    page[100:120, 50:250] = 0
    names = degrade.write_images([page, page], 150, [40, 40], tmp_path, "bw", "pdf")
    doc = pdfium.PdfDocument(str(tmp_path / names[0]))
    try:
        assert len(doc) == 2
        img = np.asarray(doc[0].render(scale=150 / 72).to_pil().convert("L"))
        assert img.shape[:2] == (400, 300) and img[110, 150] < 80 and img[300, 150] > 200
    finally:
        doc.close()


# -- a website's display copy of a black-and-white scan (branch bitonal8) ----------------------------------------


def test_webcms_is_a_nearest_neighbour_display_copy_of_a_coarse_bitonal_scan():
    fam = family("webcms")
    assert {fam.choose_dpi(random.Random(s)) for s in range(40)} == {100, 120} and fam.kind == "png"
    page, table = _page(100, scale=2)  # 1200 px wide: the display widths shrink it
    seen = {"zoom": False, "bits": False, "dropped": False}
    for seed in range(12):
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(100, table, last=seed % 2 == 0))
        width = round(p["display_width"] * (p["saved_at_zoom"] or 1))
        assert abs(out.shape[1] - width) <= 1 and abs(out.shape[0] / out.shape[1] - 800 / 600) < 0.01, p
        if p["saved_at_zoom"]:
            seen["zoom"] = True
            assert not p["bitonal"] and len(np.unique(out)) > 2  # smoothed by the browser: grey edges
            continue
        seen["bits"] = True
        assert p["bitonal"] and set(np.unique(out).tolist()) <= {0, 255}
        scale = p["display_width"] / 1200
        assert (out[300:1300, 600:1100] == 0).mean() > 0.01  # the digits stay
        # a 1 px ruling whose row the display dropped is gone: fewer long lines than printed
        long_h = cv2.morphologyEx((out == 0).astype(np.uint8), cv2.MORPH_OPEN, np.ones((1, int(400 * scale)), np.uint8))
        rows = np.flatnonzero(long_h.any(axis=1))
        seen["dropped"] |= len(np.split(rows, np.flatnonzero(np.diff(rows) > 1) + 1)) < len(ROWS) + 2
    assert seen == {"zoom": True, "bits": True, "dropped": True}


def test_reviewed_marks_figures_in_a_pen_that_is_never_red():
    fam = family("reviewed")
    page, table = _page(200, scale=2)  # figures 2.6 mm tall, as a report's
    marked = 0
    for seed in range(8):
        out, p = fam.degrade_page(page, random.Random(seed), _ctx(200, table))
        assert p["pen"] in ("blue", "black") and 55 <= p["jpeg"] <= 80
        marked += sum(m in ("tick", "check", "cross", "underline") for m in p["marks"])
        if out.ndim == 3:  # no ink red enough to be lifted with the seals
            b, g, r = (out[:, :, i].astype(int) for i in range(3))
            assert not ((r - np.maximum(g, b) > 28) & (r > 120)).sum() > 50
    assert marked >= 8
