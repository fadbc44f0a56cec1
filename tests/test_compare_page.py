"""The compare page, rendered in headless Chromium: broken rules across years and the charts are drawn."""

from __future__ import annotations

import json
import shutil
import subprocess

import duckdb
import pytest
from PIL import Image

import gongkai
from gongkai.extract.archive.batch import RunOptions, run_batch
from gongkai.extract.interfaces.compare import BROKEN_FILL, EARLIER_BAR, LATER_BAR, render_compare
from tests.conftest import CORPUS, SHARED
from tests.generator.series import score

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _screenshot(html: str, tmp_path, name: str) -> Image.Image:
    page = tmp_path / f"{name}.html"
    page.write_text(html, encoding="utf-8")
    shot = tmp_path / f"{name}.png"
    subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--hide-scrollbars",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1600,3200", f"--screenshot={shot}",
         page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )
    return Image.open(shot).convert("RGB")


def _count(img: Image.Image, colour: str) -> int:
    want = _rgb(colour)
    return sum(n for n, px in img.getcolors(maxcolors=1 << 20) if px == want)


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by scripts/setup.sh")
def test_broken_continuity_and_charts_are_drawn_in_headless_chromium(tmp_path):
    opts = gongkai.Options(narrative=False)
    a = gongkai.read_report(SHARED / "pdf" / "hongze_2023.pdf", opts)
    b = gongkai.read_report(SHARED / "pdf" / "hongze_2024.pdf", opts)
    clean = _screenshot(render_compare(gongkai.compare(a, b)), tmp_path, "clean")
    # the real pair follows on: nothing red, both years' bars drawn
    assert _count(clean, BROKEN_FILL) == 0
    assert _count(clean, EARLIER_BAR) > 200 and _count(clean, LATER_BAR) > 200

    broken = b.model_copy(deep=True)
    broken.cells["applications.carried_over.total"].value = 7  # 2023 carried forward 0
    cmp = gongkai.compare(a, broken)
    assert [f.where for f in cmp.findings if f.rule == "continuity.carried_over"] == ["applications.*.total"]
    img = _screenshot(render_compare(cmp), tmp_path, "broken")
    red = _count(img, BROKEN_FILL)
    # two cells filled (2023's carried forward, 2024's carried over), each some 20 x 14 px at least
    assert 2 * 20 * 10 < red < 2 * 120 * 30, red
    # the bar of 2024's carried-over requests is there now (7 against 0)
    assert _count(img, LATER_BAR) > _count(clean, LATER_BAR)


@pytest.mark.slow
def test_series_end_to_end_against_truth(tmp_path):
    """Extract the committed series (web pages) with `gongkai run`, then score the cross-report tables."""
    series = CORPUS / "series"
    db = tmp_path / "series.duckdb"
    summary = run_batch([series], RunOptions(db=db, workers=2))
    assert summary.statuses["ok"] == summary.processed > 50
    truth = json.loads((series / "truth.json").read_text("utf-8"))
    s = score(truth, duckdb.connect(str(db), read_only=True))
    assert s["org_pairs"]["precision"] == s["org_pairs"]["recall"] == 1.0
    assert s["division_code"]["wrong"] == s["division_code"]["claimed_wrongly"] == 0
    assert s["continuity"]["precision"] == s["continuity"]["recall"] == 1.0
    assert s["duplicates"]["precision"] == s["duplicates"]["recall"] == 1.0
    # the narrative rows rest on the NLP's items: measured in benchmarks/bench_across.py, not pinned here
    assert s["recurring_problems"]["tp"] > 0 and s["unmentioned_promises"]["tp"] > 0
