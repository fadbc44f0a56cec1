"""Bad input gives a failed report with a coded error; readable damage is repaired."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from gongkai import read_report
from tests.conftest import SHARED
from tests.pdfmini import tiny_pdf

REPORT_PDF = SHARED / "pdf" / "hongze_2024.pdf"
needs_qpdf = pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is installed by scripts/setup.sh")


def _code(report) -> str:
    assert report.status == "failed"
    assert report.cells == {}
    return report.errors[0].code


@needs_qpdf
def test_user_password_is_e_encrypted(tmp_path):
    out = tmp_path / "enc.pdf"
    subprocess.run(["qpdf", "--encrypt", "pw", "owner", "256", "--", str(REPORT_PDF), str(out)], check=True)
    r = read_report(out)
    assert _code(r) == "E_ENCRYPTED"
    assert "qpdf --decrypt" in r.errors[0].message


@needs_qpdf
def test_owner_password_only_reads_normally(tmp_path):
    out = tmp_path / "restricted.pdf"
    subprocess.run(
        ["qpdf", "--encrypt", "", "owner", "256", "--modify=none", "--", str(REPORT_PDF), str(out)], check=True
    )
    r = read_report(out)
    assert r.status == "ok" and len(r.cells) == 186


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "E_EMPTY"),
        (b"   \n  ", "E_EMPTY"),
        (REPORT_PDF.read_bytes()[:40000], "E_TRUNCATED"),  # page 1 is recovered, too little of it to be a report
        (b"%PDF-1.7\n", "E_CORRUPT"),
        (bytes(range(256)) * 4, "E_UNSUPPORTED_FORMAT"),
    ],
    ids=["empty", "whitespace", "truncated", "header-only", "random"],
)
def test_unreadable_files(tmp_path, data, code):
    p = tmp_path / "x.pdf"
    p.write_bytes(data)
    assert _code(read_report(p)) == code


def test_damaged_xref_is_repaired(tmp_path):
    data = REPORT_PDF.read_bytes()
    start = data.rindex(b"startxref")
    broken = data[:start] + b"startxref\n999999\n%%EOF\n"
    p = tmp_path / "badxref.pdf"
    p.write_bytes(broken)
    r = read_report(p)
    assert r.status in ("ok", "partial")
    assert len(r.cells) == 186


def test_pdf_that_is_not_a_report(tmp_path):
    p = tmp_path / "menu.pdf"
    p.write_bytes(tiny_pdf(["Lunch menu", "Coffee 3", "Tea 4"]))
    assert _code(read_report(p)) == "E_NOT_A_REPORT"


def test_extension_lies(tmp_path):
    p = tmp_path / "report.docx"
    p.write_bytes(REPORT_PDF.read_bytes())
    r = read_report(p)
    assert r.source.format == "pdf" and r.status == "ok"


def test_odd_file_names(tmp_path):
    p = tmp_path / "-报告 2024 'q\".pdf"
    p.write_bytes(REPORT_PDF.read_bytes())
    assert read_report(p).status == "ok"
