"""The Python API a notebook user meets: short reprs, the HTML view, typed frames, strict mode,
many reports at once, and the run into DuckDB."""

from __future__ import annotations

import ast
import json
import logging
import shutil
import subprocess
import zipfile
from pathlib import Path

import duckdb
import lxml.html
import pandas as pd
import pytest

import gongkai
from gongkai.extract import pipeline
from gongkai.extract.domain.schema import schema
from tests.conftest import ROOT, SHARED

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
HONGZE = SHARED / "pdf" / "hongze_2023.pdf"
SEEDS = SHARED / "seeds"
FAST = gongkai.Options(narrative=False)


@pytest.fixture(scope="module")
def hongze() -> gongkai.Report:
    return gongkai.read_report(HONGZE, FAST)


def test_public_api_exports():
    for name in gongkai.__all__:
        assert getattr(gongkai, name) is not None
    assert {"read_report", "read_reports", "run", "Report", "Options", "OcrOptions", "Limits", "GongkaiError",
            "load_narrative"} <= set(gongkai.__all__)


def test_repr_is_short(hongze):
    text = repr(hongze)
    assert text == str(hongze)
    assert len(text) < 200 and "\n" not in text
    assert "洪泽区人民政府" in text and "2023" in text and "ok" in text and "186 cells" in text


def test_repr_html_structure(hongze):
    doc = lxml.html.fromstring(hongze._repr_html_())
    assert "<script" not in hongze._repr_html_()
    tables = doc.xpath("//table[@class='gongkai-table']")
    assert [t.get("data-table") for t in tables] == ["active_disclosure", "applications", "review_litigation"]
    assert [t.xpath("string(caption)") for t in tables] == list(schema().titles.values())
    # the official labels, as printed
    labels = {th.text_content() for th in doc.xpath("//table//th")}
    assert {"1.属于国家秘密", "（三）不予公开", "法人或其他组织", "法律服务机构", "本年收费金额（单位：万元）", "复议后起诉"} <= labels
    # every cell of the report is in a table, with its value
    cells = {td.get("data-cell"): td.text_content() for td in doc.xpath("//td[@data-cell]")}
    assert set(hongze.cells) <= set(cells)
    assert cells["applications.new_received.natural_person"] == "21"
    # findings: listed, and their cells highlighted (and only those)
    broken = {c for f in hongze.findings if f.severity == "error" for c in f.cells}
    assert broken and {td.get("data-cell") for td in doc.xpath("//td[@class='broken']")} == broken
    assert len(doc.xpath("//ul[@class='findings']/li")) == len(hongze.findings)
    assert doc.xpath("string(//span[@class='status'])") == "ok"
    assert "template 2021" in doc.text_content() and "县级 人民政府" in doc.text_content()


def test_repr_html_of_failed_report(tmp_path):
    empty = tmp_path / "empty.pdf"
    empty.write_bytes(b"")
    report = gongkai.read_report(empty)
    doc = lxml.html.fromstring(report._repr_html_())
    assert not doc.xpath("//table") and "E_EMPTY" in doc.text_content()
    assert repr(report).startswith("<Report failed: E_EMPTY")


def test_frames_keep_counts_as_integers(hongze):
    cells = hongze.cells_frame()
    assert str(cells["value"].dtype) == "Int64" and str(cells["amount"].dtype) == "Float64"
    assert str(cells["page"].dtype) == "Int64"
    fee = cells.set_index("cell").loc["active_disclosure.fees.amount"]
    assert pd.isna(fee["value"]) and fee["amount"] == pytest.approx(7730.28)
    assert cells.set_index("cell").loc["applications.new_received.total", "value"] == 21
    wide = hongze.table_frame("applications")
    assert all(str(t) == "Int64" for t in wide.dtypes)
    assert list(wide.index[:2]) == ["new_received", "carried_over"] and wide.loc["new_received", "total"] == 21
    ad = hongze.table_frame("active_disclosure")
    assert str(ad["amount"].dtype) == "Float64" and str(ad["issued"].dtype) == "Int64"
    assert pd.isna(ad.loc["licensing", "issued"])  # a column that row does not print
    findings = hongze.findings_frame()
    assert str(findings["expected"].dtype) == "Int64" and list(findings["expected"]) == [11, 5]


def test_table_frame_labels(hongze):
    apps = hongze.table_frame("applications", labels=True)
    assert ("（三）不予公开", "1.属于国家秘密") in apps.index
    assert ("", "一、本年新收政府信息公开申请数量") in apps.index
    assert ("法人或其他组织", "商业企业") in apps.columns and ("", "总计") in apps.columns
    assert apps.loc[("", "一、本年新收政府信息公开申请数量"), ("", "总计")] == 21
    assert apps.shape == hongze.table_frame("applications").shape
    ad = hongze.table_frame("active_disclosure", labels=True)
    assert list(ad.index) == ["规章", "行政规范性文件", "行政许可", "行政处罚", "行政强制", "行政事业性收费"]
    assert "本年制发件数" in ad.columns


def test_internal_error_is_recorded_and_logged_or_raised_in_strict_mode(monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("boom in the mapping")

    monkeypatch.setattr(pipeline, "build_report", boom)
    with caplog.at_level(logging.WARNING, logger="gongkai.extract.pipeline"):
        report = gongkai.read_report(SEEDS / "seed000.txt", FAST)
    assert report.status == "failed" and report.errors[0].code == "E_INTERNAL"
    assert any(r.levelno == logging.WARNING and "E_INTERNAL" in r.getMessage() for r in caplog.records)
    with pytest.raises(RuntimeError, match="boom in the mapping"):
        gongkai.read_report(SEEDS / "seed000.txt", FAST, strict=True)
    with pytest.raises(RuntimeError, match="boom in the mapping"):
        gongkai.read_report(SEEDS / "seed000.txt", gongkai.Options(narrative=False, strict=True))
    with pytest.raises(RuntimeError, match="boom in the mapping"):
        gongkai.read_reports([SEEDS / "seed000.txt"], FAST, strict=True)
    # bad input is no bug: still a coded error in strict mode
    assert gongkai.read_report(ROOT / "no-such-file.pdf", strict=True).errors[0].code == "E_UNREADABLE"


def test_narrative_failure_raises_in_strict_mode(monkeypatch):
    from gongkai.extract.domain import narrative

    def broken(report, analyse=None):
        raise ValueError("narrative bug")

    monkeypatch.setattr(narrative, "analyse_narrative", broken)
    report = gongkai.read_report(SEEDS / "seed000.txt")
    assert report.status == "ok" and "W_NLP" in {e.code for e in report.errors}
    with pytest.raises(ValueError, match="narrative bug"):
        gongkai.read_report(SEEDS / "seed000.txt", strict=True)


def test_several_files_that_are_not_page_images_is_a_clear_error():
    report = gongkai.read_report([HONGZE, SHARED / "pdf" / "hongze_2024.pdf"])
    assert report.status == "failed"
    err = report.errors[0]
    assert err.code == "E_NOT_PAGE_IMAGES"
    assert "hongze_2023.pdf is pdf" in err.message and "read_reports" in err.message
    assert "convert" not in err.message


@pytest.fixture
def folder(tmp_path) -> Path:
    root = tmp_path / "archive"
    (root / "sub").mkdir(parents=True)
    shutil.copy(SEEDS / "seed000.txt", root / "seed000.txt")
    (root / "sub" / "empty.pdf").write_bytes(b"")
    with zipfile.ZipFile(root / "more.zip", "w") as z:
        z.write(SEEDS / "seed002.txt", "inner/seed002.txt")
        z.writestr("broken.pdf", b"%PDF-1.7 not really")
    return root


def test_read_reports_tidy_frame_and_documents(folder, capsys):
    cells = gongkai.read_reports(folder, FAST)
    docs = cells.attrs["documents"]
    assert len(docs) == 4  # the folder walk and the zip's members, each once
    by_path = docs.set_index("path")
    assert by_path.loc[str(folder / "sub" / "empty.pdf"), "error_code"] == "E_EMPTY"
    assert by_path.loc[f"{folder / 'more.zip'}!broken.pdf", "status"] == "failed"
    ok = docs[docs.status != "failed"]
    assert set(ok.path) == {str(folder / "seed000.txt"), f"{folder / 'more.zip'}!inner/seed002.txt"}
    # one row per cell of the readable reports, each with its report's metadata; bad files have none
    assert len(cells) == int(ok.cells.sum())
    assert set(cells.path) == set(ok.path)
    assert list(cells.columns[:7]) == ["path", "organization", "year", "level", "body", "template", "status"]
    assert str(cells["value"].dtype) == "Int64" and str(cells["year"].dtype) == "Int64"
    seed = cells[cells.path == str(folder / "seed000.txt")]
    assert set(seed.organization) == {"重庆市大足区宝顶镇人民政府"} and set(seed.level) == {"乡级"}
    # not a terminal, not a notebook: no progress bar
    assert capsys.readouterr().err == ""


def test_read_reports_progress_bar_on_request_only(capsys):
    gongkai.read_reports([SEEDS / "seed000.txt"], FAST, progress=True)
    err = capsys.readouterr().err
    assert "gongkai" in err and "1/1" in err
    gongkai.read_reports([SEEDS / "seed000.txt"], FAST, progress=False)
    assert capsys.readouterr().err == ""


def test_read_reports_of_nothing_is_an_empty_typed_frame(tmp_path):
    cells = gongkai.read_reports(tmp_path, FAST)
    assert cells.empty and str(cells["value"].dtype) == "Int64" and cells.attrs["documents"].empty


def test_run_into_duckdb(folder, tmp_path):
    db = tmp_path / "results.duckdb"
    summary = gongkai.run(folder, db, workers=1, options=FAST)
    assert (summary.seen, summary.processed) == (4, 4)
    assert summary.statuses["failed"] == 2
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.sql("SELECT organization, level, body FROM reports ORDER BY organization").fetchall()
    assert ("重庆市大足区宝顶镇人民政府", "乡级", "乡镇") in rows
    assert gongkai.run(folder, db, workers=1, options=FAST).skipped == 4  # resumable


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebooks_import_only_the_public_api(path):
    """Notebooks show what users do: `import gongkai`, never its machinery."""
    nb = json.loads(path.read_text("utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        tree = ast.parse("\n".join(ln for ln in source.splitlines() if not ln.lstrip().startswith(("!", "%"))))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("gongkai.", "extract", "nlp", "ocr")), f"{path.name}: imports {name}"
                assert name != "typer", f"{path.name}: drives the CLI's internals"
        assert "gongkai.extract" not in source and "gongkai.nlp" not in source, path.name


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="chromium is installed by scripts/setup.sh")
def test_repr_html_renders_in_headless_chromium(hongze, tmp_path):
    import numpy as np
    from PIL import Image

    page = tmp_path / "cell.html"
    page.write_text(f"<!doctype html><html><head><meta charset='utf-8'></head><body style='margin:8px'>"
                    f"{hongze._repr_html_()}</body></html>", encoding="utf-8")
    shot = tmp_path / "shot.png"
    common = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync",
              f"--user-data-dir={tmp_path / 'profile'}"]
    subprocess.run([*common, "--hide-scrollbars", "--window-size=1400,2000", f"--screenshot={shot}", page.as_uri()],
                   check=True, capture_output=True, timeout=120)
    dom = subprocess.run([*common, "--dump-dom", page.as_uri()], check=True, capture_output=True, text=True,
                         timeout=120).stdout
    # the browser parsed it as we wrote it: three tables, the broken cells marked
    rendered = lxml.html.fromstring(dom)
    assert len(rendered.xpath("//table[@class='gongkai-table']")) == 3
    broken = {c for f in hongze.findings if f.severity == "error" for c in f.cells}
    assert {td.get("data-cell") for td in rendered.xpath("//td[@class='broken']")} == broken
    px = np.asarray(Image.open(shot).convert("RGB")).astype(int)
    r, g, b = px[..., 0], px[..., 1], px[..., 2]
    highlight = int(((r > 240) & (g > 195) & (g < 220) & (b > 195) & (b < 220)).sum())  # #ffd0d0
    badge = int(((r < 60) & (g > 110) & (g < 150) & (b > 40) & (b < 80)).sum())  # the green "ok"
    ink = int(((r < 80) & (g < 80) & (b < 80)).sum())  # text was drawn
    assert highlight > len(broken) * 100, highlight  # each broken cell filled
    assert badge > 50 and ink > 5000, (badge, ink)
