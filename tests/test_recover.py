"""Damaged but recoverable files, piece by piece: decoding, zip salvage, PDF repair.

The whole files (several kinds, several reports each) are in the hostile corpus
(tests/hostile/make.py: ``recoverable``) and run by tests/test_hostile.py; these tests pin
the mechanisms those results rest on.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest

from gongkai import read_report
from gongkai.extract.input import decoding, zipsalvage
from gongkai.extract.input.readers import pdf_repair
from gongkai.extract.input.readers.pdf import _walk, read_pdf
from gongkai.extract.options import OcrOptions, Options
from tests.conftest import GENERATED, SHARED
from tests.hostile import damage
from tests.hostile.make import text_page

NO_OCR = Options(ocr=OcrOptions(enabled=False), narrative=False)
SEED = (SHARED / "seeds" / "seed000.txt").read_text("utf-8")


# -- decoding ---------------------------------------------------------------------------------


def test_text_cut_inside_a_character_is_read_up_to_the_cut():
    data = "一、总体情况\n本机关".encode()
    got = decoding.decode(data[:-1])
    assert (got.text, got.cut, got.encoding) == ("一、总体情况\n本机", True, "utf-8")
    gbk = "一、总体情况\n本机关".encode("gb18030")
    got = decoding.decode(gbk[:-1])
    assert (got.text, got.cut, got.encoding) == ("一、总体情况\n本机", True, "gb18030")


def test_lines_in_two_encodings_are_decoded_each_on_its_own():
    lines = SEED.split("\n")
    data = "\n".join(lines[:40]).encode() + b"\n" + "\n".join(lines[40:]).encode("gb18030")
    got = decoding.decode(data)
    assert got.text == SEED and set(got.mixed) == {"utf-8", "gb18030"} and not got.cut
    assert got.mixed["gb18030"][0][0] > 40 and "UTF-8" in got.describe_mixed()
    # GBK first: GB18030 reads the UTF-8 rest without an error, as mojibake; the UTF-8 lines give it away
    data = "\n".join(lines[:40]).encode("gb18030") + b"\n" + "\n".join(lines[40:]).encode()
    got = decoding.decode(data)
    assert got.text == SEED and set(got.mixed) == {"utf-8", "gb18030"}


def test_a_file_in_one_encoding_is_not_called_mixed():
    for enc in ("utf-8", "gb18030"):
        got = decoding.decode(SEED.encode(enc))
        assert (got.text, got.encoding, got.mixed, got.unreadable) == (SEED, enc, {}, [])


def test_lines_in_no_known_encoding_are_named():
    data = "一、总体情况\n".encode() + b"\xff\xfe\xfd\x80\n" + "二、主动公开".encode("gb18030")
    got = decoding.decode(data)
    assert got.unreadable == [2] and got.text.endswith("二、主动公开")
    (note,) = decoding.notes(got, "line")
    assert note.code == "W_MIXED_ENCODING" and "(2)" in note.message


def test_mixed_encoding_text_file_reads_whole_with_a_warning(tmp_path):
    p = tmp_path / "joined.txt"
    p.write_bytes(damage.mixed_encodings(SEED, [(0, "utf-8"), (60, "gb18030")]))
    r = read_report(p, NO_OCR)
    assert r.status == "ok" and len(r.cells) == 200
    assert [e.code for e in r.errors] == ["W_MIXED_ENCODING"]


# -- zip salvage ------------------------------------------------------------------------------


def _zip(members: dict[str, bytes], descriptor: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            if descriptor:  # written to a stream: sizes follow the data (as many writers do)
                with z.open(name, "w", force_zip64=False) as f:
                    f.write(body)
            else:
                z.writestr(name, body)
    return buf.getvalue()


def test_zip_parts_are_read_from_their_own_headers_as_far_as_they_go():
    body = ("<w:p>" + "".join(chr(0x4E00 + i * 7919 % 20000) for i in range(8000)) + "</w:p>").encode()
    data = _zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": body, "word/styles.xml": b"<s/>"})
    whole = zipsalvage.salvage(data, 1 << 20)
    assert whole.members["word/document.xml"] == body and not whole.cut
    start = data.index(b"word/document.xml") + len("word/document.xml")
    cut = zipsalvage.salvage(data[: start + 200], 1 << 20)
    got = cut.members["word/document.xml"]
    assert cut.cut == {"word/document.xml"} and 0 < len(got) < len(body) and body.startswith(got)
    assert "word/styles.xml" not in cut.members
    assert zipsalvage.local_names(data[: start + 10]) == ["[Content_Types].xml", "word/document.xml"]


def test_zip_salvage_is_bounded():
    from gongkai.extract.errors import TooLarge

    data = _zip({"word/document.xml": b" " * (4 << 20)})
    with pytest.raises(TooLarge):
        zipsalvage.salvage(data[:-200], 1 << 20)


def test_word_file_cut_after_its_body_is_ok_with_a_warning(tmp_path):
    src = GENERATED / "gen_001.docx"
    p = tmp_path / "cut.docx"
    p.write_bytes(damage.cut(src.read_bytes(), 0.6))
    r, whole = read_report(p, NO_OCR), read_report(src, NO_OCR)
    assert r.status == "ok" and [e.code for e in r.errors] == ["W_REPAIRED"]
    assert {k: c.value for k, c in r.cells.items()} == {k: c.value for k, c in whole.cells.items()}


# -- PDF repair -------------------------------------------------------------------------------


def test_wrong_stream_lengths_are_found_and_fixed():
    data = (SHARED / "pdf" / "huaian_2024.pdf").read_bytes()
    assert pdf_repair.wrong_lengths(data) == 0
    short = damage.bad_lengths(data, -23)
    n = pdf_repair.wrong_lengths(short)
    assert n == len(re.findall(rb"/Length \d+", data))
    assert pdf_repair.wrong_lengths(pdf_repair.fix_lengths(short)) == 0


def test_no_sign_of_damage_in_a_sound_file():
    """The born-digital reader trusts pdfium alone on a file without signs (pdfminer never walks it):
    no file of the corpus may show one, or it would lose the fast reader."""
    sound = sorted(SHARED.glob("pdf/*.pdf")) + sorted(GENERATED.glob("*.pdf"))
    assert len(sound) > 20
    assert [p.name for p in sound if pdf_repair.signs_of_damage(p.read_bytes())] == []


@pytest.mark.skipif(not pdf_repair.qpdf_available(), reason="qpdf is installed by scripts/setup.sh")
def test_an_object_stream_claiming_more_objects_than_it_lists_is_a_sign_of_damage():
    """pdfium reads such a file with a valid xref; pdfminer loses its way in the stream."""
    data = (SHARED / "pdf" / "hongze_2024.pdf").read_bytes()
    packed = damage._qpdf(data, "--object-streams=generate")
    assert b"/ObjStm" in packed and pdf_repair.short_object_streams(packed) == 0
    broken = damage.object_stream_count_wrong(data)
    assert pdf_repair.short_object_streams(broken) == 1 and pdf_repair.signs_of_damage(broken)
    doc = read_pdf(broken, NO_OCR)
    assert doc.n_pages == 5 and "W_REPAIRED" in [e.code for e in doc.errors]


def test_end_of_file_marker_tells_a_cut_file():
    data = (SHARED / "pdf" / "hongze_2024.pdf").read_bytes()
    assert not pdf_repair.ends_early(data)
    assert not pdf_repair.ends_early(data + b"<html>junk a server appended</html>" * 100)
    assert pdf_repair.ends_early(data[:-10]) and pdf_repair.ends_early(damage.cut(data, 0.5))


def _pages_last(n: int) -> bytes:
    """A PDF written as LibreOffice does: content first, then the pages, the page tree and the catalog."""
    objs = {3: b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"}
    for i in range(n):
        content = text_page([f"Page {i + 1}"])
        objs[10 + i] = b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"
    for i in range(n):
        objs[30 + i] = (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R "
                        b"/Resources << /Font << /F1 3 0 R >> >> >>" % (10 + i))
    objs[2] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (b" ".join(b"%d 0 R" % (30 + i) for i in range(n)), n)
    objs[1] = b"<< /Type /Catalog /Pages 2 0 R >>"
    out = bytearray(b"%PDF-1.4\n")
    for num, body in objs.items():
        out += b"%d 0 obj\n" % num + body + b"\nendobj\n"
    out += b"trailer\n<< /Size 40 /Root 1 0 R >>\n%%EOF\n"
    return bytes(out)


def test_salvage_rebuilds_the_page_tree_from_the_pages_that_survived():
    data = _pages_last(3)
    cut = data[: data.index(b"\n2 0 obj") + 1]  # the page tree and the catalog are lost
    assert pdf_repair.pdfium_pages(cut) is None
    fixed = pdf_repair.repair(cut, None, _walk)
    assert fixed is not None and fixed.pages == 3 and fixed.how.startswith("salvage")
    doc = read_pdf(cut, NO_OCR)
    assert [ln.text for ln in doc.lines()] == ["Page 1", "Page 2", "Page 3"]
    assert [e.code for e in doc.errors] == ["E_TRUNCATED", "W_REPAIRED"]


def test_salvage_keeps_a_whole_page_tree_and_only_adds_a_trailer():
    data = _pages_last(2)
    lost_trailer = data[: data.index(b"trailer")]
    salvaged = pdf_repair.salvage(lost_trailer)
    assert salvaged is not None and salvaged.startswith(lost_trailer)
    assert salvaged[len(lost_trailer) :].strip().startswith(b"trailer") and b"/Root 1 0 R" in salvaged


def test_pdf_with_its_xref_offsets_shifted_is_repaired_not_read_as_empty():
    """The issue's case: pdfminer opened it silently with 0 pages (E_NOT_A_REPORT); pdfium finds all."""
    src = GENERATED / "gen_000.pdf"
    data = damage.shifted_xref_table(src.read_bytes())
    assert _walk(data) == 0 and pdf_repair.pdfium_pages(data) == 5
    doc = read_pdf(data, NO_OCR)
    assert doc.n_pages == 5 and [e.code for e in doc.errors] == ["W_REPAIRED"]
    assert "pdfminer found 0 page(s), pdfium found 5" in doc.errors[0].message


@pytest.mark.skipif(not pdf_repair.qpdf_available(), reason="qpdf is installed by scripts/setup.sh")
def test_each_rung_of_the_ladder_repairs_alone(monkeypatch):
    """pdfium's copy and qpdf's copy each repair shifted offsets; without either nothing does."""
    data = damage.shifted_objects((SHARED / "pdf" / "hongze_2024.pdf").read_bytes())
    assert pdf_repair.repair(data, 5, _walk).how == "pdfium"
    monkeypatch.setattr(pdf_repair, "_pdfium_copy", lambda d: None)
    assert pdf_repair.repair(data, 5, _walk).how in ("qpdf", "salvage + qpdf")
    monkeypatch.setattr(pdf_repair, "_qpdf_copy", lambda d: None)
    assert pdf_repair.repair(data, 5, _walk) is None


def test_a_cut_report_with_its_title_is_partial_not_refused(tmp_path):
    p = tmp_path / "cut.txt"
    lines = SEED.split("\n")
    head = "\n".join(lines[:8]).encode()  # the title and part of section 一, then a broken character
    p.write_bytes(head + "二".encode()[:1])
    r = read_report(p, NO_OCR)
    assert r.status == "partial" and r.title and r.errors[0].code == "E_TRUNCATED"
    assert {f.rule for f in r.findings} == {"missing.table"}
