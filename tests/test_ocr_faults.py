"""Fault injection: Tesseract missing, crashing or hanging on a scanned page.

The document has two born-digital pages and one scanned page; only Tesseract is used
(prose and cells), through a stand-in binary put first on PATH with tesserocr taken away (the
command is the fallback where the library cannot start), or in this process with a deadline
no page can meet. The scanned page gets
a coded error, the born-digital pages are read, the report is partial, and a batch
run records the document as partial instead of failing. The text pages' digit
cross-check uses the same broken Tesseract and must simply be skipped.
"""

from __future__ import annotations

import os
import shutil
import stat
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pikepdf
import pypdfium2 as pdfium
import pytest

from gongkai import Options, read_report
from gongkai.extract.archive.batch import RunOptions, run_batch
from gongkai.extract.options import OcrOptions
from gongkai.ocr import _tesserocr
from tests.conftest import SHARED

SRC = SHARED / "pdf" / "hongze_2024.pdf"
TESS_ONLY = replace(Options(), ocr=OcrOptions(prose_engine="tesseract", cell_engine="tesseract", second_engine=None,
                                              timeout_s=2.0))


def _mixed_pdf(path: Path) -> Path:
    """Pages 1-2 of a born-digital report and page 3 as a scan (an image-only page)."""
    pdf = pdfium.PdfDocument(str(SRC))
    img = pdf[2].render(scale=150 / 72).to_pil().convert("RGB")
    pdf.close()
    scan = BytesIO()
    img.save(scan, format="PDF", resolution=150)
    with pikepdf.open(SRC) as src, pikepdf.open(BytesIO(scan.getvalue())) as scanned:
        out = pikepdf.new()
        out.pages.extend([src.pages[0], src.pages[1]])
        out.pages.append(scanned.pages[0])
        out.save(path)
    return path


def _fake_tesseract(bindir: Path, body: str) -> None:
    """A ``tesseract`` that answers --version like the real one and then does ``body``."""
    bindir.mkdir(exist_ok=True)
    exe = bindir / "tesseract"
    exe.write_text(f'#!/bin/sh\ncase "$*" in *--version*) echo "tesseract 5.3.0"; exit 0;; esac\n{body}\n')
    exe.chmod(exe.stat().st_mode | stat.S_IEXEC)


FAULTS = {
    "missing": (None, "E_OCR_MISSING"),
    "crash": ("echo 'Segmentation fault' >&2; kill -SEGV $$", "E_OCR_FAILED"),
    "error": ("echo 'Error opening data file chi_sim.traineddata' >&2; exit 1", "E_OCR_FAILED"),
    "hang": (f"exec {shutil.which('sleep')} 30", "E_OCR_TIMEOUT"),
}


@pytest.fixture(params=list(FAULTS))
def fault(request, tmp_path, monkeypatch) -> str:
    body, code = FAULTS[request.param]
    bindir = tmp_path / "bin"
    if body is None:
        bindir.mkdir()
    else:
        _fake_tesseract(bindir, body)
    monkeypatch.setenv("PATH", f"{bindir}{os.pathsep}/usr/bin/nonexistent")
    monkeypatch.setattr(_tesserocr, "library_api", lambda lang: None)  # no tesserocr: the command runs
    return code


def test_a_failing_tesseract_costs_the_scanned_page_only(fault, tmp_path):
    r = read_report(_mixed_pdf(tmp_path / "mixed.pdf"), TESS_ONLY)
    assert r.status == "partial"
    assert [(e.code, e.page) for e in r.errors] == [(fault, 3)]
    assert [(p.decision, p.reason) for p in r.pages] == [("text", None), ("text", None), ("ocr", "no_text")]
    assert fault in (r.pages[2].note or "")
    # the born-digital pages were read: the active-disclosure cells of page 2
    assert sum(1 for c in r.cells.values() if c.page == 2) == 7
    assert all(c.method == "text" for c in r.cells.values())


def test_tesseract_in_process_past_its_deadline_costs_the_scanned_page_only(tmp_path):
    """In this process there is no command to kill: Tesseract's own deadline stops it."""
    assert _tesserocr.library_api("chi_sim") is not None, "tesserocr and tesseract-ocr-chi-sim are installed"
    impatient = replace(TESS_ONLY, ocr=replace(TESS_ONLY.ocr, timeout_s=0.001))
    r = read_report(_mixed_pdf(tmp_path / "mixed.pdf"), impatient)
    assert r.status == "partial"
    assert [(e.code, e.page) for e in r.errors] == [("E_OCR_TIMEOUT", 3)]
    assert sum(1 for c in r.cells.values() if c.page == 2) == 7


def test_a_hanging_tesseract_does_not_fail_the_batch(tmp_path):
    """Batch workers come from a fork server whose environment is fixed when it starts, so the
    fault travels with the job: a Tesseract time limit no page can meet."""
    archive = tmp_path / "archive"
    archive.mkdir()
    _mixed_pdf(archive / "mixed.pdf")
    (archive / "born_digital.pdf").write_bytes(SRC.read_bytes())
    impatient = replace(TESS_ONLY, ocr=replace(TESS_ONLY.ocr, timeout_s=0.001))
    s = run_batch([archive], RunOptions(db=tmp_path / "r.duckdb", workers=1, extract=impatient))
    assert s.processed == 2 and not s.interrupted
    assert s.statuses == {"partial": 1, "ok": 1}
    assert s.error_codes == {"E_OCR_TIMEOUT": 1}
