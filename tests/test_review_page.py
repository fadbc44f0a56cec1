"""The review page, rendered in headless Chromium: extracted cells are drawn where they are."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from PIL import Image

from gongkai import read_report
from gongkai.extract.interfaces.review import SCALE, render_review
from tests.conftest import SHARED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_review_page_is_self_contained():
    path = SHARED / "pdf" / "hongze_2023.pdf"
    page = render_review(read_report(path), path)
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert page.count("<rect class='cell") == 186
    assert page.count("data:image/png;base64,") == 5


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by scripts/setup.sh")
def test_cells_are_drawn_in_headless_chromium(tmp_path):
    path = SHARED / "pdf" / "hongze_2023.pdf"
    report = read_report(path)
    html_path = tmp_path / "review.html"
    html_path.write_text(render_review(report, path), encoding="utf-8")
    shot = tmp_path / "shot.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1400,6500",
            f"--screenshot={shot}",
            html_path.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    img = Image.open(shot).convert("RGB")
    page_h = 842 * SCALE + 12  # page image + margin

    def edge(cid: str) -> list[tuple[int, int, int]]:
        """Pixels across the left edge of the cell's outline, at mid-height."""
        c = report.cells[cid]
        x0, top, _, bottom = c.bbox
        x, y = 8 + x0 * SCALE, round(8 + (c.page - 1) * page_h + (top + bottom) / 2 * SCALE)
        return [img.getpixel((round(x) + dx, y)) for dx in range(-2, 4)]

    # in a broken rule: outlined and filled red
    assert any(r > 180 and g < 80 and b < 80 for r, g, b in edge("review_litigation.review.upheld"))
    # fine, from the text layer: outlined green
    assert any(g > 120 and r < 90 and b < 90 for r, g, b in edge("applications.carried_forward.total"))
    # and nothing is drawn where no cell is
    assert all(p == (255, 255, 255) for p in [img.getpixel((20, 20 + i)) for i in range(5)])
