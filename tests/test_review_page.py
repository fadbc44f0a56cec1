"""The review page, rendered in headless Chromium: extracted cells are drawn where they are."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess

import pytest
from PIL import Image

from gongkai import read_report
from gongkai.extract.interfaces.review import SCALE, render_review, unsure_cells
from tests.conftest import SHARED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def test_review_page_is_self_contained():
    path = SHARED / "pdf" / "hongze_2023.pdf"
    page = render_review(read_report(path), path)
    assert "http://" not in page and "https://" not in page and " src='http" not in page
    assert page.count("<rect class='cell") == 186
    assert page.count("data:image/png;base64,") == 5
    # one script of its own, allowed by its hash; the data it reads is inert JSON
    assert page.count("<script>") == 1 and page.count("<script type='application/json'") == 1
    csp = re.search(r"Content-Security-Policy' content=\"([^\"]+)\"", page).group(1)
    script = page.split("<script>")[1].split("</script>")[0]
    digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
    assert "default-src 'none'" in csp and f"script-src 'sha256-{digest}'" in csp


def test_report_text_cannot_break_out_of_the_page(tmp_path):
    report = read_report(SHARED / "pdf" / "hongze_2023.pdf").model_copy(deep=True)
    report.organization = "</script><script>alert(1)</script>"
    report.items[0].text = "<img src=x onerror=alert(1)>"
    page = render_review(report, None)
    assert "alert(1)</script>" not in page and "<img src=x" not in page
    data = page.split("<script type='application/json' id='gk-data'>")[1].split("</script>")[0]
    assert json.loads(data)["organization"] == report.organization


def test_cells_to_check_come_first():
    report = read_report(SHARED / "pdf" / "hongze_2023.pdf").model_copy(deep=True)
    report.cells["applications.granted.total"].method = "repaired:applications.balance"
    report.cells["applications.new_received.total"].confidence = 0.5
    report.findings.append(report.findings[0].model_copy(update={"rule": "missing.cell",
                                                                 "cells": ["applications.granted.other_org"]}))
    report.cells["review_litigation.review.pending"].confidence = 0.7
    got = unsure_cells(report)
    assert got[0] == ("applications.granted.other_org", "not read")
    # the broken review rows' cells, the one read with low confidence first
    assert got[1] == ("review_litigation.review.pending", "in broken rule review_litigation.row_total, confidence 0.70")
    assert [w.split(" ")[0] for _, w in got[2:11]] == ["in"] * 9
    assert got[11][0] == "applications.granted.total" and got[11][1].startswith("chosen by the rules")
    assert got[12] == ("applications.new_received.total", "confidence 0.50")
    assert len(got) == 13


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


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by scripts/setup.sh")
def test_correct_a_cell_and_an_item_in_chromium_then_import_and_query(tmp_path):
    """The whole loop as a person does it: extract into a database, open the review page, click the
    cell the rules doubt on the page image, type the right value, relabel an item, save, import, query."""
    import duckdb
    from typer.testing import CliRunner

    from gongkai.extract.archive.batch import RunOptions, run_batch
    from gongkai.extract.domain.corrections import item_id
    from gongkai.extract.interfaces.cli import app
    from tests.cdp import Chromium

    src = tmp_path / "in"
    src.mkdir()
    path = src / "hongze_2023.pdf"
    path.write_bytes((SHARED / "pdf" / "hongze_2023.pdf").read_bytes())
    db = tmp_path / "r.duckdb"
    run_batch([src], RunOptions(db=db, workers=1))
    report = read_report(path)
    page = tmp_path / "review.html"
    page.write_text(render_review(report, path), encoding="utf-8")
    item = report.items[0]
    iid = item_id(item.section_id, item.start, item.end)
    relabel = "improvement" if item.label == "problem" else "problem"

    browser = Chromium(CHROMIUM, tmp_path / "profile", tmp_path / "downloads")
    try:
        browser.open(page.as_uri())
        # the cells to check first are the ten of the two broken review rows
        listed = browser.eval("[...document.querySelectorAll('#unsure li')].map(li => li.dataset.cell)")
        assert len(listed) == 10 and "review_litigation.review.total" in listed
        browser.click("rect[data-cell='review_litigation.review.total']")
        assert browser.eval("document.getElementById('editor').hidden") is False
        assert browser.eval("document.getElementById('ed-value').value") == "0"
        browser.type("11")
        browser.key("Enter", 13)
        assert browser.eval("document.getElementById('gk-count').textContent") == "1"
        assert browser.eval("document.querySelector(\"td[data-cell='review_litigation.review.total']\").textContent") \
            == "11"
        # a typo is refused, not saved
        browser.click("td[data-cell='applications.granted.total']")
        browser.type("1O")
        browser.click("#ed-save")
        assert browser.eval("document.getElementById('ed-error').textContent")
        browser.click("#ed-cancel")
        # an item: pick the other label and save it
        browser.click(f"li[data-item='{iid}']")
        browser.eval(f"(() => {{ const s = document.getElementById('ed-label'); s.value = '{relabel}';"
                     " s.dispatchEvent(new Event('change')); })()")
        browser.click("#ed-save")
        assert browser.eval("document.getElementById('gk-count').textContent") == "2"
        browser.click("#gk-save")
        saved = browser.wait_download("corrections-hongze_2023.json")
        assert browser.problems() == []
    finally:
        browser.close()

    res = CliRunner().invoke(app, ["import-corrections", str(saved), "--db", str(db)])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT value, method FROM cells WHERE cell_id = 'review_litigation.review.total'"
                           ).fetchall() == [(11.0, "corrected")]
        assert con.execute("SELECT count(*) FROM findings WHERE where_ref = 'review_litigation.review.*'"
                           ).fetchone() == (0,)
        assert con.execute("SELECT label FROM items WHERE section_id = ? AND start_char = ? AND end_char = ?",
                           [item.section_id, item.start, item.end]).fetchall() == [(relabel,)]
        assert con.execute("SELECT target, previous, previous_label FROM corrections ORDER BY target").fetchall() == [
            ("cell", 0.0, None), ("item", None, item.label)]
    finally:
        con.close()
