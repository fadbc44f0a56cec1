"""The JSON output contract: schema file in step with the models, CLI behaviour, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema

from gongkai.extract.domain.model import Report
from tests.conftest import ROOT, SHARED

SCHEMA_FILE = ROOT / "schemas" / "report.schema.json"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "gongkai", *args], capture_output=True, text=True, timeout=120)


def test_schema_file_matches_models():
    on_disk = json.loads(SCHEMA_FILE.read_text("utf-8"))
    assert on_disk == Report.model_json_schema(), "regenerate with: gongkai schema > schemas/report.schema.json"


def test_cli_extract_prints_valid_report():
    proc = _cli("extract", str(SHARED / "pdf" / "hongze_2024.pdf"))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    jsonschema.validate(data, json.loads(SCHEMA_FILE.read_text("utf-8")))
    for key in (
        "status",
        "template",
        "organization",
        "year",
        "level",
        "cells",
        "findings",
        "sections",
        "items",
        "errors",
        "source",
    ):
        assert key in data
    assert data["status"] == "ok"
    # the narrative's problems and improvements, labelled (tests/test_nlp.py checks them in detail)
    assert {i["label"] for i in data["items"]} == {"problem", "improvement"}
    assert data["sentences"] and data["facts"]
    cell = data["cells"]["applications.new_received.natural_person"]
    assert cell["value"] == 95 and cell["page"] == 3 and len(cell["bbox"]) == 4
    assert cell["method"] == "text" and cell["confidence"] == 1.0
    assert data["source"]["format"] == "pdf" and data["source"]["pages"] == 5 and len(data["source"]["sha256"]) == 64


def test_cli_failed_document_exit_code_and_coded_error(tmp_path):
    bad = tmp_path / "empty.pdf"
    bad.write_bytes(b"")
    proc = _cli("extract", str(bad))
    assert proc.returncode == 1
    data = json.loads(proc.stdout)
    assert data["status"] == "failed"
    assert data["errors"][0]["code"] == "E_EMPTY"
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith("E_EMPTY: ")


def test_cli_missing_file_is_failed_report(tmp_path):
    proc = _cli("extract", str(tmp_path / "nope.pdf"))
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["status"] == "failed"
    assert "Traceback" not in proc.stderr


def test_cli_switches_narrative_and_ocr_off(tmp_path):
    """--no-narrative leaves the narrative empty and the tables as they were; --no-ocr refuses a scan."""
    import pypdfium2 as pdfium

    pdf = SHARED / "pdf" / "hongze_2024.pdf"
    proc = _cli("extract", "--no-narrative", str(pdf))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["items"] == [] and data["sentences"] == [] and data["facts"] == []
    assert data["cells"]["applications.new_received.natural_person"]["value"] == 95
    assert "narrative" in data["timings"]

    scan = tmp_path / "page1.png"
    pdfium.PdfDocument(str(pdf))[0].render(scale=1).to_pil().save(scan)
    proc = _cli("extract", "--no-ocr", "--no-narrative", str(scan))
    assert proc.returncode == 1
    assert json.loads(proc.stdout)["errors"][0]["code"] == "E_NO_TEXT"


def test_cli_run_passes_the_shared_flags(tmp_path):
    import duckdb

    db = tmp_path / "r.duckdb"
    proc = _cli("run", "--no-progress", "--workers", "1", "--no-narrative", "--db", str(db), str(SHARED / "pdf" / "hongze_2024.pdf"))
    assert proc.returncode == 0, proc.stderr
    con = duckdb.connect(str(db), read_only=True)
    assert con.execute("select count(*) from cells").fetchone()[0] > 100
    assert con.execute("select count(*) from items").fetchone()[0] == 0
