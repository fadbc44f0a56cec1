"""Per-page OCR decisions: no text, garbage text layers, partial coverage, wrong digits.

Broken PDFs are made from a shared report by tests/generator/broken.py (its truth holds:
only the text layer is damaged, the printed page is not). Tests that run the OCR on
them are slow; the decisions themselves are checked with OCR switched off (or the page
OCR stubbed), which is fast.
"""

from __future__ import annotations

import json
from dataclasses import replace
from functools import cache
from io import BytesIO

import pdfplumber
import pikepdf
import pytest

from gongkai import Options, read_report
from gongkai.extract.errors import NoTextLayer
from gongkai.extract.input.readers import pdf as pdf_reader
from gongkai.extract.input.readers import read_document
from gongkai.extract.input.readers.textlayer import (
    common_chars,
    cross_check_digits,
    judge_page,
    judge_text,
    number_runs,
    uncovered_pictures,
)
from gongkai.extract.options import OcrOptions
from tests.conftest import SHARED, shared_docs
from tests.generator.broken import make_broken, parse_tounicode, write_tounicode

SRC = SHARED / "pdf" / "hongze_2024.pdf"
NO_OCR = replace(Options(), ocr=OcrOptions(enabled=False))


def _chars(text: str, font: str = "F1") -> list[dict]:
    return [{"text": ch, "fontname": font, "x0": i * 10.0, "x1": i * 10.0 + 9, "top": 100.0, "bottom": 110.0}
            for i, ch in enumerate(text)]


PROSE = "本机关坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实政府信息公开条例，全面推进政务公开工作。"


# -- the character checks ------------------------------------------------------------


def test_common_characters_come_from_the_codec():
    common = common_chars()
    assert 3700 < len(common) < 3800
    assert {"政", "府", "公", "开"} <= common and "㐀" not in common


def test_plain_chinese_is_text():
    assert judge_text(_chars(PROSE * 2)).decision == "text"


def test_private_use_and_cid_are_garbage():
    pua = "".join(chr(0xE000 + i) for i in range(40))
    assert judge_text(_chars(pua)).reason == "garbage_pua"
    cid = [{"text": f"(cid:{i})", "fontname": "F2", "x0": 0, "x1": 1, "top": 0, "bottom": 1} for i in range(30)]
    assert judge_text(_chars(PROSE) + cid).reason == "garbage_pua"


def test_a_few_private_use_bullets_are_not_garbage():
    """Word exports print list bullets from Wingdings/Symbol as private-use code points."""
    bullets = _chars("\uf06c\uf0d8" * 6, "Wingdings")
    assert judge_text(_chars(PROSE * 2) + bullets).decision == "text"


def test_mojibake_is_garbage():
    moji = PROSE.encode("gbk").decode("latin-1")
    v = judge_text(_chars(moji))
    assert (v.decision, v.reason) == ("ocr", "garbage_mojibake")


def test_latin1_symbols_chinese_reports_print_are_not_mojibake():
    assert judge_text(_chars(PROSE * 2 + "×÷·°±§¥" * 3)).decision == "text"


def test_rare_characters_are_implausible():
    rare = "".join(chr(0x3400 + i * 37) for i in range(60))
    assert judge_text(_chars(rare)).reason == "implausible_text"
    # too few characters to judge by statistics
    assert judge_text(_chars(rare[:10] + "0123456789")).decision == "text"


# -- pictures -----------------------------------------------------------------------


def _image(x0, top, x1, bottom) -> dict:
    return {"x0": x0, "top": top, "x1": x1, "bottom": bottom}


def test_a_pasted_table_picture_is_partial_coverage_but_a_seal_is_not():
    chars = _chars(PROSE)
    seal = _image(380, 600, 500, 720)
    assert uncovered_pictures(chars, [seal], 595, 842) == []
    table = _image(70, 300, 520, 780)
    v = judge_page(chars, [table, seal], 595, 842, True)
    assert (v.decision, v.reason) == ("mixed", "partial_coverage")
    assert v.regions == ((70, 300, 520, 780),)


def test_a_scan_with_an_invisible_text_layer_is_text():
    """OCR'd scans put their (invisible) text over the whole page image: it is covered."""
    chars = [{"text": "政", "fontname": "F", "x0": x, "x1": x + 9, "top": y, "bottom": y + 10}
             for x in range(60, 540, 12) for y in range(60, 800, 20)]
    assert judge_page(chars, [_image(0, 0, 595, 842)], 595, 842, False).decision == "text"


def test_no_text_and_blank_pages():
    assert judge_page([], [_image(0, 0, 595, 842)], 595, 842, False).reason == "no_text"
    assert judge_page([], [], 595, 842, False).decision == "text"  # nothing to read


# -- the CMap tooling of the generator --------------------------------------------


def test_tounicode_round_trip_keeps_ranges_and_multi_char_entries():
    cmap = (b"1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
            b"2 beginbfchar <0003> <0020> <0010> <4E2D> endbfchar\n"
            b"2 beginbfrange <0013> <0015> <0030> <0020> <0021> [<6587> <00D600D0>] endbfrange")
    mapping, width = parse_tounicode(cmap)
    assert width == 2
    assert mapping == {3: " ", 0x10: "中", 0x13: "0", 0x14: "1", 0x15: "2", 0x20: "文", 0x21: "ÖÐ"}
    assert parse_tounicode(write_tounicode(mapping, width))[0] == mapping


# -- broken PDFs: decisions ----------------------------------------------------------


@cache
def _broken(kind: str, pages: tuple[int, ...] = (3,)) -> bytes:
    return make_broken(SRC.read_bytes(), kind, list(pages))


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("pua", "garbage_pua"), ("mojibake", "garbage_mojibake"), ("rare", "implausible_text")],
)
def test_garbage_text_layers_are_refused_without_ocr(kind, reason):
    """With OCR off, a garbage page is not read at all (never mapped into wrong values)."""
    data = _broken(kind, (3, 4))
    with pytest.raises(NoTextLayer):
        read_document(data, "pdf", NO_OCR)
    r = read_report_bytes(data, NO_OCR)
    assert r.status == "failed" and [e.code for e in r.errors] == ["E_NO_TEXT"]


def read_report_bytes(data: bytes, options: Options):
    from gongkai.extract.pipeline import extract_bytes

    return extract_bytes(data, options)


@pytest.mark.parametrize(
    ("kind", "reason"),
    [("pua", "garbage_pua"), ("mojibake", "garbage_mojibake"), ("rare", "implausible_text"),
     ("partial", "partial_coverage"), ("digits", "digit_mismatch")],
)
def test_decision_and_reason_per_page(kind, reason, monkeypatch):
    """Every page of each kind gets its reason; page 2's text stays text where the damage spares it."""
    ocred: list[int] = []

    def fake_ocr(data, info, doc, options, v, text_blocks, origin):  # the decision is under test, not the OCR
        ocred.append(info.number)
        info.method = "ocr:stub" if v.decision == "ocr" else "text+ocr:stub"
        return list(text_blocks)

    monkeypatch.setattr(pdf_reader, "_ocr_page", fake_ocr)
    doc = read_document(_broken(kind, (3, 4)), "pdf", Options())
    got = [(p.number, p.decision, p.reason) for p in doc.pages]
    decision = "mixed" if kind == "partial" else "ocr"
    assert got == [(1, decision, reason), (2, decision, reason)]
    assert ocred == [1, 2]
    assert all(p.note for p in doc.pages)


def test_decisions_are_in_the_json_report():
    r = read_report_bytes(_broken("partial", (3, 4)), NO_OCR)
    pages = json.loads(r.to_json())["pages"]
    assert [(p["decision"], p["reason"]) for p in pages] == [("mixed", "partial_coverage")] * 2
    # the pictures were not read (OCR off): a coded page error, the typed text was
    assert r.status == "partial" and {e.code for e in r.errors} == {"E_NO_TEXT"}


def test_digit_reader_in_process_reads_as_the_tesseract_command(tmp_path):
    """tesserocr (no model load per document) and the command-line tool read the same digits."""
    import shutil

    from gongkai.extract.input.readers.textlayer import DigitReader, _library_api, _read_runs

    assert _library_api() is not None, "tesserocr and tesseract-ocr-eng are installed by the project"
    with pdfplumber.open(SRC) as pdf:
        runs = [r for i, p in enumerate(pdf.pages, 1) for r in number_runs(p.chars, i)]
    idx = list(range(0, len(runs), max(1, len(runs) // 12)))[:12]
    data = SRC.read_bytes()
    library = _read_runs(data, runs, idx, DigitReader())
    command = _read_runs(data, runs, idx, DigitReader(binary=shutil.which("tesseract")))
    assert library == command
    assert sum(library[i] == runs[i].text for i in idx) >= len(idx) - 1


def test_swapped_digits_are_caught_by_the_cross_check():
    data = _broken("digits", (3, 4))
    with pdfplumber.open(BytesIO(data)) as pdf:
        runs = [r for i, p in enumerate(pdf.pages, 1) for r in number_runs(p.chars, i)]
    check = cross_check_digits(data, runs)
    assert check.skipped is None
    assert "LNUHNF+宋体" in check.flagged  # the table font
    assert "differ" in check.flagged["LNUHNF+宋体"]


def test_only_one_swapped_pair_is_still_caught(monkeypatch):
    import tests.generator.broken as broken

    monkeypatch.setattr(broken, "DIGIT_SWAP", {"1": "7", "7": "1"})
    data = make_broken(SRC.read_bytes(), "digits", [3, 4])
    monkeypatch.setattr(pdf_reader, "_ocr_page", lambda data, info, doc, options, v, blocks, origin: [])
    doc = read_document(data, "pdf", Options())
    assert {p.reason for p in doc.pages} == {"digit_mismatch"}


# -- born-digital reports: text, cheaply -----------------------------------------------


@pytest.mark.parametrize("doc_id", [d[0] for d in shared_docs() if d[1].suffix == ".pdf"])
def test_born_digital_pages_are_text_and_their_digit_glyphs_agree_without_ocr(doc_id, monkeypatch):
    def no_tesseract(*a, **k):
        raise AssertionError("Tesseract was asked about a font whose digit glyphs agree with its text")

    monkeypatch.setattr(pdf_reader, "cross_check_digits", no_tesseract)
    data = (SHARED / "pdf" / f"{doc_id}.pdf").read_bytes()
    doc = read_document(data, "pdf", Options())
    assert [(p.decision, p.reason) for p in doc.pages] == [("text", None)] * len(doc.pages)
    fonts = _digit_fonts(data)
    assert len(fonts) >= 2 and all(v.agree for v in fonts.values()), fonts


def _digit_fonts(data: bytes) -> dict:
    import pypdfium2 as pdfium

    from gongkai.extract.input.readers.pdfium_page import load_page

    pdf = pdfium.PdfDocument(data)
    return {k: v for i in range(len(pdf)) for k, v in load_page(pdf, i + 1, 100_000).digit_fonts.items()}


def test_swapped_digit_glyphs_are_seen_without_tesseract(monkeypatch):
    from gongkai.extract.input.readers import textlayer

    data = _broken("digits", (3, 4))
    wrong = {k: v for k, v in _digit_fonts(data).items() if v.agree is False}
    assert {k.split("#")[0] for k in wrong} == {"AUWCNV+TimesNewRomanPSMT", "LNUHNF+宋体"}
    assert all("looks like" in v.note for v in wrong.values())
    note = next(v.note for k, v in wrong.items() if k.startswith("AUWCNV"))
    for pair in ("1 looks like 7", "7 looks like 1", "3 looks like 8", "8 looks like 3"):
        assert pair in note
    # where Tesseract cannot run, the glyphs alone send the pages to OCR
    monkeypatch.setattr(textlayer, "_library_api", lambda: None)
    monkeypatch.setattr(textlayer.shutil, "which", lambda name: None)
    monkeypatch.setattr(pdf_reader, "_ocr_page", lambda data, info, doc, options, v, blocks, origin: [])
    doc = read_document(data, "pdf", Options())
    assert {p.reason for p in doc.pages} == {"digit_mismatch"}
    assert "looks like" in (doc.pages[0].note or "")


def test_fonts_the_glyph_check_cannot_tell_go_to_tesseract(monkeypatch):
    from gongkai.extract.input.readers import digit_glyphs

    monkeypatch.setattr(digit_glyphs, "_outcomes", {})
    monkeypatch.setattr(digit_glyphs, "_judge_glyph", lambda ch, v: ("unsure", "cannot tell"))
    checks = []
    real = pdf_reader.cross_check_digits
    monkeypatch.setattr(pdf_reader, "cross_check_digits", lambda *a, **k: checks.append(real(*a, **k)) or checks[-1])
    doc = read_document(SRC.read_bytes(), "pdf", Options())
    assert [p.decision for p in doc.pages] == ["text"] * 5
    (check,) = checks
    assert check.skipped is None and check.compared >= 10 and not check.flagged


def test_tesseract_missing_does_not_stop_a_born_digital_report(monkeypatch):
    monkeypatch.setattr("gongkai.ocr.engines.shutil.which", lambda name: None)
    r = read_report(SRC)
    assert r.status == "ok" and not r.errors
    assert {p.decision for p in r.pages} == {"text"}


# -- broken PDFs through the OCR: the right cells (slow) -----------------------------

_SLOW_KINDS = [("pua", "ocr", "garbage_pua"), ("digits", "ocr", "digit_mismatch"),
               ("mojibake", "ocr", "garbage_mojibake"), ("rare", "ocr", "implausible_text"),
               ("partial", "mixed", "partial_coverage")]
MIN_SHARE_READ = 0.95
"""Share of the page's truth cells the OCR must read (measured: all of them on every kind, on
hongze_2024 pages 1-4 and huaian_2024 pages 3-5); every value read must be right: what is
unsure must be missing, not invented."""


@cache
def _page3_truth() -> dict:
    """Truth cells printed on page 3 of the source (the born-digital reading equals the truth)."""
    truth = json.loads((SHARED / "truth" / "hongze_2024.json").read_text("utf-8"))["cells"]
    r = read_report(SRC)
    return {k: truth[k] for k, c in r.cells.items() if c.page == 3}


@pytest.mark.slow
@pytest.mark.parametrize(("kind", "decision", "reason"), _SLOW_KINDS, ids=[k[0] for k in _SLOW_KINDS])
def test_broken_page_goes_through_ocr_and_gives_the_right_cells(kind, decision, reason):
    r = read_report_bytes(_broken(kind, (3,)), Options())
    assert [(p.decision, p.reason) for p in r.pages] == [(decision, reason)]
    truth = _page3_truth()
    got = r.values()
    wrong = {k: (v, truth.get(k, "absent")) for k, v in got.items() if truth.get(k, "absent") != v}
    assert not wrong, wrong
    assert sum(k in got for k in truth) >= MIN_SHARE_READ * len(truth), (len(got), len(truth))
    ocr_methods = {c.method.split(":")[0] for c in r.cells.values()}
    assert ocr_methods <= ({"ocr", "repaired", "text"} if kind == "partial" else {"ocr", "repaired"})


@pytest.mark.parametrize("strategy", ["auto", "pdfplumber"])
def test_a_page_whose_text_layer_fails_is_one_page_error_not_a_decision(strategy, monkeypatch):
    from gongkai.extract.input.readers import pdf_plumber

    module, name = (pdf_reader, "_fast_blocks") if strategy == "auto" else (pdf_plumber, "read_page")
    real = getattr(module, name)

    def flaky(*args):
        blocks = real(*args)
        if args[1] == 2:  # the page number, second argument of both readers
            raise ValueError("injected")
        return blocks

    monkeypatch.setattr(module, name, flaky)
    doc = read_document(SRC.read_bytes(), "pdf", Options(table_strategy=strategy))
    assert [p.number for p in doc.pages] == [1, 2, 3, 4, 5]
    assert [(e.code, e.page) for e in doc.errors] == [("E_PAGE", 2)]
    assert "failed" in (doc.pages[1].note or "")
    assert not [b for b in doc.blocks if b.page == 2]


def _cropped(data: bytes) -> bytes:
    """Every page cropped off-centre and its MediaBox not starting at 0: pdfplumber's frame
    (MediaBox) and pdfium's rendering (CropBox) no longer coincide."""
    with pikepdf.open(BytesIO(data)) as pdf:
        for p in pdf.pages:
            p.MediaBox = [-10, -20, 585, 822]
            p.CropBox = [10, 10, 575, 807]
        out = BytesIO()
        pdf.save(out)
        return out.getvalue()


def test_cropped_pages_crosscheck_where_the_numbers_are(monkeypatch):
    checks = []
    real = pdf_reader.cross_check_digits
    monkeypatch.setattr(pdf_reader, "cross_check_digits", lambda *a, **k: checks.append(real(*a, **k)) or checks[-1])
    monkeypatch.setattr(pdf_reader, "_ocr_page", lambda data, info, doc, options, v, blocks, origin: blocks)
    good = read_document(_cropped(SRC.read_bytes()), "pdf", Options())
    assert {p.decision for p in good.pages} == {"text"}
    assert checks[-1].compared >= 10 and not checks[-1].flagged and checks[-1].skipped is None
    bad = read_document(_cropped(_broken("digits", (3, 4))), "pdf", Options())
    assert {p.reason for p in bad.pages} == {"digit_mismatch"}


def test_crops_that_read_as_nothing_are_inconclusive_not_a_mismatch():
    """Numbers whose boxes are off the visible page render blank: no verdict from them."""
    runs = [r for r in _runs(SRC.read_bytes()) if r.page == 3]
    off = [replace(r, bbox=(r.bbox[0], r.bbox[1] + 2000, r.bbox[2], r.bbox[3] + 2000)) for r in runs]
    check = cross_check_digits(SRC.read_bytes(), off)
    assert not check.flagged and check.skipped and "could be read" in check.skipped


def _runs(data: bytes):
    with pdfplumber.open(BytesIO(data)) as pdf:
        return [r for i, p in enumerate(pdf.pages, 1) for r in number_runs(p.chars, i)]
