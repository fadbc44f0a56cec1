"""OCR library pieces and the scanned-page path: grids, skew, seals, engine faults, provenance."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import cv2
import numpy as np
import pypdfium2 as pdfium
import pytest

from gongkai import Options, read_report
from gongkai.extract.options import OcrOptions
from gongkai.ocr.engines import EngineError, TesseractEngine
from gongkai.ocr.grid import find_grids
from gongkai.ocr.preprocess import binarize_inv, rotate, skew_angle, to_gray_without_red
from tests.conftest import SHARED


def _table_image() -> np.ndarray:
    """A 3x4 ruled table whose top row is one merged cell and whose first column spans rows 1-2."""
    img = np.full((400, 800), 255, np.uint8)
    xs, ys = [50, 250, 400, 550, 750], [50, 150, 250, 350]
    for y in ys:
        cv2.line(img, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs:
        cv2.line(img, (x, ys[0]), (x, ys[-1]), 0, 2)
    img[52:148, 252:748] = 255  # no rulings inside the top row: one cell over columns 1-3
    img[248:253, 52:249] = 255  # no ruling between rows 1 and 2 in column 0
    cv2.line(img, (xs[0], ys[0]), (xs[0], ys[-1]), 0, 2)
    return img


def test_grid_finds_cells_and_spans():
    (g,) = find_grids(binarize_inv(_table_image()))
    assert (g.rows, g.cols) == (3, 4)
    spans = {(c.row, c.col): (c.rowspan, c.colspan) for c in g.cells}
    assert spans[(0, 1)] == (1, 3)
    assert spans[(1, 0)] == (2, 1)
    assert len(g.cells) == 1 + 1 + 1 + 3 + 3  # (0,0) (0,1-3) (1-2,0) and 3+3 single cells


def test_skew_is_measured_and_undone():
    img = _table_image()
    tilted = rotate(img, 1.5)
    assert abs(skew_angle(binarize_inv(tilted)) - 1.5) < 0.3 or abs(skew_angle(binarize_inv(tilted)) + 1.5) < 0.3


def test_red_seal_is_removed_but_black_text_under_it_stays():
    img = np.full((100, 100, 3), 255, np.uint8)
    cv2.circle(img, (50, 50), 40, (30, 30, 220), 6)  # red ring (BGR)
    cv2.putText(img, "8", (35, 70), cv2.FONT_HERSHEY_SIMPLEX, 1.5, (0, 0, 0), 4)
    gray = to_gray_without_red(img)
    assert gray[50, 10] >= 200  # the ring is gone
    assert gray.min() < 60  # the digit is still black


def test_missing_tesseract_is_a_coded_engine_error():
    with pytest.raises(EngineError) as exc:
        TesseractEngine(binary="/nonexistent/tesseract").read_cells([np.full((20, 20), 255, np.uint8)], digits=True)
    assert exc.value.code == "E_OCR_MISSING"


def _digit_cells() -> tuple[list[np.ndarray], list[str]]:
    """Printed numbers as the cell finder cuts them: tight crops of different widths."""
    texts = ["0", "17", "305", "4126", "98.5", "/", "62", "7"]
    crops = []
    for t in texts:
        img = np.full((60, 30 + 28 * len(t)), 255, np.uint8)
        cv2.putText(img, t, (12, 44), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2, cv2.LINE_AA)
        ys, xs = np.nonzero(img < 128)
        crops.append(img[max(0, ys.min() - 4) : ys.max() + 5, max(0, xs.min() - 4) : xs.max() + 5])
    return crops, texts


def test_tesseract_reads_cells_in_process_without_its_command():
    """tesserocr in this process: no ``tesseract`` command is run (one named that does not exist
    is never looked for), the model loads once, and the numbers read as printed."""
    from gongkai.ocr._tesserocr import library_api

    assert library_api("eng") is not None, "tesserocr and tesseract-ocr-eng are installed by the project"
    crops, texts = _digit_cells()
    engine = TesseractEngine(binary="/nonexistent/tesseract", in_process=True)
    got = [r.text for r in engine.read_cells(crops, digits=True)]
    numbers = [t for t in texts if t != "/"]
    assert sum(g == t for g, t in zip(got, texts, strict=True) if t != "/") >= len(numbers) - 1, got
    assert engine.read_cells(crops, digits=True)[3].text == got[3]  # the same engine again: same reading


def test_tesseract_without_tesserocr_runs_its_command(monkeypatch):
    """Where tesserocr (or the language's model) is missing, the command-line tool reads the
    same cells, and a missing command is the coded error that says what to install."""
    from gongkai.ocr import _tesserocr

    monkeypatch.setattr(_tesserocr, "library_api", lambda lang: None)
    crops, texts = _digit_cells()
    got = [r.text for r in TesseractEngine().read_cells(crops, digits=True)]
    assert sum(g == t for g, t in zip(got, texts, strict=True) if t != "/") >= len(texts) - 2, got
    with pytest.raises(EngineError) as exc:
        TesseractEngine(binary="/nonexistent/tesseract", in_process=True).read_cells(crops, digits=True)
    assert exc.value.code == "E_OCR_MISSING"


def test_rapidocr_adapter_is_the_pinned_version_with_its_private_parts():
    """ocr/_rapidocr.py reaches into RapidOCR's recogniser; a new release must fail here, loudly."""
    from gongkai.ocr._rapidocr import PINNED, RapidModels, installed_version

    assert installed_version() == PINNED, "RapidOCR changed: re-check ocr/_rapidocr.py, re-measure, then move PINNED"
    models = RapidModels(threads=1)
    assert len(models.charset) > 6000 and "0" in models.charset and "政" in models.charset
    probs = models.recognise(np.zeros((1, 3, 48, 96), np.float32))
    assert probs.ndim == 3 and probs.shape[0] == 1 and probs.shape[2] == len(models.charset)


def test_the_int8_models_read_cells_and_a_line_as_the_float_ones_do():
    """The quantised detector and recogniser (models/ocr) keep the recogniser's characters, find the
    same line and read printed numbers and a line of Chinese as RapidOCR's own weights do, with
    confidences close enough for the doubt the page reader reads in them (< 0.9, runner-up >= 0.05)."""
    from gongkai.ocr.engines import RapidEngine

    crops, _ = _digit_cells()
    line = _chinese_line("政府信息公开工作年度报告2024")
    got = {}
    for models in ("float", "int8"):
        engine = RapidEngine(models=models)
        got[models] = (engine.recognize([*crops, line]), engine.detect(cv2.copyMakeBorder(line, 40, 40, 40, 40,
                                                                                     cv2.BORDER_CONSTANT, value=255)))
    (f_read, f_boxes), (q_read, q_boxes) = got["float"], got["int8"]
    assert [r.text for r in q_read] == [r.text for r in f_read]
    assert q_read[-1].text == "政府信息公开工作年度报告2024"
    assert all(abs(a.confidence - b.confidence) < 0.1 for a, b in zip(q_read, f_read, strict=True))
    assert len(q_boxes) == len(f_boxes) == 1
    assert all(abs(a - b) <= 3 for a, b in zip(q_boxes[0], f_boxes[0], strict=True))


def _chinese_line(text: str) -> np.ndarray:
    """A line of text in a CJK font the generator uses (for seals), black on white, tight."""
    from PIL import Image, ImageDraw, ImageFont

    from tests.generator.degrade import SEAL_FONTS

    font = ImageFont.truetype(next(f for f in SEAL_FONTS if Path(f).exists()), 32)
    img = Image.new("L", (40 * len(text), 56), 255)
    ImageDraw.Draw(img).text((8, 8), text, font=font, fill=0)
    arr = np.asarray(img)
    ys, xs = np.nonzero(arr < 128)
    return np.ascontiguousarray(arr[ys.min() - 6 : ys.max() + 7, xs.min() - 6 : xs.max() + 7])


def test_a_missing_int8_model_is_a_coded_engine_error(monkeypatch, tmp_path):
    from gongkai.ocr import _rapidocr
    from gongkai.ocr.engines import RapidEngine

    monkeypatch.setattr(_rapidocr, "quantised_models", lambda: (tmp_path / "det.onnx", tmp_path / "rec.onnx"))
    with pytest.raises(EngineError) as exc:
        RapidEngine(models="int8").recognize([np.full((48, 96), 255, np.uint8)])
    assert exc.value.code == "E_OCR_MODEL_MISSING"
    assert RapidEngine(models="float").recognize([np.full((48, 96), 255, np.uint8)])[0].text == ""


class _Mirror:
    """An engine that is not one of ours: the page reader must use it through the interface alone."""

    name = "mirror"

    def __init__(self) -> None:
        from gongkai.ocr.engines import TesseractEngine

        self.inner = TesseractEngine()
        self.calls: list[str] = []

    def detect(self, image):
        self.calls.append("detect")
        return self.inner.detect(image)

    def recognize(self, crops):
        self.calls.append("recognize")
        return self.inner.recognize(crops)

    def read_cells(self, crops, digits):
        self.calls.append("read_cells")
        return self.inner.read_cells(crops, digits)


@pytest.mark.slow
def test_any_engine_plugs_into_the_page_reader():
    from gongkai.ocr.page import PageReader

    truth = json.loads((SHARED / "truth" / "hongze_2024.json").read_text("utf-8"))
    page = pdfium.PdfDocument(str(SHARED / truth["source"]))[2].render(scale=200 / 72).to_numpy()[:, :, :3]
    engine = _Mirror()
    res = PageReader(prose=engine, cells=engine).read(np.ascontiguousarray(page))
    assert {"detect", "recognize", "read_cells"} <= set(engine.calls)
    assert res.tables and sum(len(t.cells) for t in res.tables) > 50
    assert any("公开" in ln.text for ln in res.lines)


def _scan(tmp_path, doc_id: str, pages: list[int]) -> tuple:
    truth = json.loads((SHARED / "truth" / f"{doc_id}.json").read_text("utf-8"))
    pdf = pdfium.PdfDocument(str(SHARED / truth["source"]))
    images = [pdf[i - 1].render(scale=200 / 72).to_pil().convert("RGB") for i in pages]
    out = tmp_path / f"scan_{doc_id}.pdf"
    images[0].save(out, save_all=True, append_images=images[1:], resolution=200)
    return out, truth


@pytest.mark.slow
def test_image_only_pdf_goes_through_ocr_with_provenance(tmp_path):
    path, truth = _scan(tmp_path, "hongze_2024", [3, 4])
    r = read_report(path)
    assert all(p.method.startswith("ocr:") and p.note for p in r.pages)
    got = r.values()
    assert got, "no cell was read"
    wrong = {k: (v, truth["cells"].get(k)) for k, v in got.items() if truth["cells"].get(k, "absent") != v}
    assert not wrong, wrong  # what is read must be right; what is unsure must be missing, not invented
    apps = [k for k in truth["cells"] if k.startswith("applications.")]
    assert sum(k in got for k in apps) >= 0.6 * len(apps)
    for c in r.cells.values():
        assert c.method.startswith("ocr:") and c.page in (1, 2) and c.bbox and 0 <= c.confidence <= 1


@pytest.mark.slow
def test_engine_failure_on_a_page_degrades_to_partial(tmp_path, monkeypatch):
    path, _ = _scan(tmp_path, "hongze_2024", [3])

    def broken(self, *a, **k):
        raise EngineError("E_OCR_FAILED", "tesseract crashed (injected)")

    monkeypatch.setattr(TesseractEngine, "read_cells", broken)
    r = read_report(path, replace(Options(), ocr=OcrOptions(second_engine=None)))
    assert r.status in ("partial", "failed")
    assert any(e.code == "E_OCR_FAILED" and e.page == 1 for e in r.errors)


_HEAP_PROBE = """
import resource
import numpy as np
from gongkai.ocr import heap

def run(release):
    f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    a = [np.ones(2 << 20) for _ in range(6)]  # 6 x 16 MB, every page touched, freed: a batch's activations
    del a
    release()
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0

heap.keep_freed(128)
heap.settle()  # as the engine does once its models have loaded
first, kept, handed_back, again = run(heap.release), run(heap.release), run(heap.trim), run(heap.trim)
heap.keep_freed(64)
print(first, kept, handed_back, again, run(heap.release), run(heap.release))
"""


def test_freed_model_memory_is_kept_for_the_next_run_up_to_the_cap():
    """What a model run freed serves the next run from pages already mapped (no page faults) while the
    heap keeps no more than ``heap.keep_freed`` allows; past it, or trimmed, it is handed back and the
    next run faults again. In a process of its own: malloc's settings are the whole process's."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", _HEAP_PROBE], capture_output=True, text=True, check=True).stdout
    first, kept, handed_back, again, _, capped = (int(v) for v in out.split())
    assert kept < first / 10, out
    assert handed_back < first / 10, out  # read from the kept pages, then handed back
    assert again > first / 2, out
    assert capped > first / 2, out  # 96 MB freed is past a 64 MB cap: handed back after the run before


def test_reading_changes_no_malloc_setting_of_the_process(monkeypatch):
    """malloc's settings are the whole process's: a library user's process reading pages keeps glibc's
    (the archive's workers and the benchmarks ask for ``heap.keep_freed``), and every model run hands
    back what it freed."""
    from gongkai.ocr import heap
    from gongkai.ocr.engines import RapidEngine

    monkeypatch.setattr(heap._glibc(), "kept", 0)  # a process that never asked (whatever ran before here)
    asked: list[tuple[int, int]] = []
    trimmed: list[int] = []
    monkeypatch.setattr(heap._Malloc, "option", lambda self, param, value: asked.append((param, value)))
    monkeypatch.setattr(heap._Malloc, "trim", lambda self: trimmed.append(1))
    engine = RapidEngine()
    page = cv2.cvtColor(_chinese_line("政府信息公开工作年度报告"), cv2.COLOR_GRAY2BGR)
    engine.detect(page)
    engine.recognize([page])
    assert asked == []
    assert len(trimmed) >= 2  # after detection and after recognition


def test_detection_gives_rapidocrs_own_boxes_to_the_bit():
    """RapidModels.detect skips the public call's crops and float64 normalisation (a look-up table
    instead): the boxes must stay exactly what RapidOCR's public call finds."""
    from gongkai.ocr._rapidocr import RapidModels

    lines = [_chinese_line(t) for t in ("政府信息公开工作年度报告", "2024年12月31日", "申请人 0 3 17")]
    width = max(ln.shape[1] for ln in lines) + 80
    page = np.full((60 + 90 * len(lines), width), 255, np.uint8)
    for i, ln in enumerate(lines):
        page[40 + 90 * i : 40 + 90 * i + ln.shape[0], 30 + 7 * i : 30 + 7 * i + ln.shape[1]] = ln
    page = cv2.cvtColor(cv2.GaussianBlur(page, (3, 3), 0), cv2.COLOR_GRAY2BGR)
    models = RapidModels(threads=1)
    public = models._ocr(page, use_det=True, use_cls=False, use_rec=False).boxes
    ours = models.detect(page)
    assert len(ours) == len(public) == 3
    assert all(np.array_equal(a, b) for a, b in zip(ours, public, strict=True))
    from rapidocr.ch_ppocr_det.utils import DetPreProcess

    det = models._detector()
    noisy = np.random.default_rng(7).integers(0, 256, (200, 300, 3), dtype=np.uint8)
    theirs = DetPreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)(noisy)
    assert np.array_equal(det.get_preprocess()(noisy), theirs) and theirs.dtype == np.float32
