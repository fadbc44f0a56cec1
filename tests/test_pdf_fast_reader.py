"""The pdfium reader against pdfplumber, the reference: the same tables and text on every page
of the corpus, pdfplumber's table finder and text layout reproduced on random input, and the
pages the fast reader leaves to pdfplumber (and says so)."""

from __future__ import annotations

from dataclasses import replace
from io import BytesIO

import pikepdf
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfplumber import table as pt
from pdfplumber.utils import text as ptext

from gongkai import Options
from gongkai.extract.input.readers import lattice, read_document, textflow
from gongkai.extract.input.readers.pdf import FALLBACK
from gongkai.extract.layout import Table, TextLine
from gongkai.extract.options import OcrOptions
from tests.conftest import GENERATED, SHARED

NO_OCR = replace(Options(), ocr=OcrOptions(enabled=False))
PDFS = sorted((SHARED / "pdf").glob("*.pdf")) + sorted(GENERATED.glob("*.pdf"))


def _blocks(doc) -> list[tuple]:
    """What the report is made of: each line's text, each table's cells (text, spans) and box."""
    out: list[tuple] = []
    for b in doc.blocks:
        if isinstance(b, TextLine):
            out.append(("line", b.page, b.text))
        else:
            assert isinstance(b, Table)
            cells = [[None if c is None else (c.text, c.rowspan, c.colspan, tuple(round(v) for v in c.bbox))
                      for c in row] for row in b.rows]
            out.append(("table", b.page, tuple(round(v) for v in b.bbox), str(cells), round(b.quality, 3)))
    return out


@pytest.mark.parametrize("path", PDFS, ids=[p.name for p in PDFS])
def test_every_corpus_page_reads_as_pdfplumber_reads_it(path):
    data = path.read_bytes()
    fast = read_document(data, "pdf", NO_OCR)
    reference = read_document(data, "pdf", replace(NO_OCR, table_strategy="pdfplumber"))
    assert not [p.note for p in fast.pages if p.note and p.note.startswith(FALLBACK)]  # read by pdfium, every page
    assert {t.method for t in fast.tables()} <= {"pdfium"} and {t.method for t in reference.tables()} <= {"pdfplumber"}
    ours, theirs = _blocks(fast), _blocks(reference)
    assert [b for b in ours if b[0] == "line"] == [b for b in theirs if b[0] == "line"]
    assert [b for b in ours if b[0] == "table"] == [b for b in theirs if b[0] == "table"]
    # a line touching a table's top ruling may sort before or after it: pdfminer rests a character on
    # the descent its font descriptor states, pdfium on the font's own (LibreOffice states none)
    lines_before = [[sum(1 for x in bs[:k] if x[0] == "line") for k, b in enumerate(bs) if b[0] == "table"]
                    for bs in (ours, theirs)]
    assert all(abs(a - b) <= 1 for a, b in zip(*lines_before, strict=True))
    # (pdfium keeps fewer blank characters: a footer's "- 1 -" spaces are not glyphs to it)
    assert [(p.number, p.decision) for p in fast.pages] == [(p.number, p.decision) for p in reference.pages]


# -- the table finder on random rulings --------------------------------------------------------

_pos = st.integers(0, 60).map(lambda k: k * 5 + 0.0)
_jitter = st.sampled_from([0.0, 0.0, 0.4, -0.7, 1.5, 2.9, 3.2])


@st.composite
def _edges(draw) -> list[tuple[str, float, float, float, float]]:
    """Grid-like rulings: near-duplicates (snap), pieces with gaps (join), stubs, crossings."""
    out = []
    for _ in range(draw(st.integers(0, 40))):
        o = draw(st.sampled_from("hv"))
        at, a, b = draw(_pos) + draw(_jitter), draw(_pos), draw(_pos)
        lo, hi = min(a, b), max(a, b) + draw(st.sampled_from([0.0, 0.5, 2.0]))
        out.append(("h", lo, at, hi, at) if o == "h" else ("v", at, lo, at, hi))
    return out


def _pdfplumber_tables(edges) -> list[list[tuple]]:
    dicts = [{"orientation": o, "x0": x0, "top": top, "x1": x1, "bottom": bottom, "width": x1 - x0,
              "height": bottom - top, "doctop": top, "object_type": "line"} for o, x0, top, x1, bottom in edges]
    dicts = [e for e in dicts if e["height" if e["orientation"] == "v" else "width"] >= 1]
    merged = pt.merge_edges(dicts, 3, 3, 3, 3)
    merged = [e for e in merged if e["height" if e["orientation"] == "v" else "width"] >= 3]
    cells = pt.intersections_to_cells(pt.edges_to_intersections(merged, 3, 3))
    return [[tuple(c) for c in t] for t in pt.cells_to_tables(cells)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_edges())
def test_the_table_finder_is_pdfplumbers(edges):
    ours = lattice.find_tables(edges)
    theirs = _pdfplumber_tables(edges)
    assert [sorted(t.cells) for t in ours] == [sorted(t) for t in theirs]
    for mine, cells in zip(ours, theirs, strict=True):
        assert mine.rows == [r.cells for r in pt.Table(None, cells).rows]  # type: ignore[arg-type]


# -- the text layout on random characters -----------------------------------------------------


@st.composite
def _chars(draw) -> list[dict]:
    out = []
    x, top = 10.0, 10.0
    for _ in range(draw(st.integers(0, 60))):
        step = draw(st.sampled_from(["same", "same", "gap", "overlap", "line", "nudge"]))
        if step == "line":
            x, top = draw(st.floats(0, 50)), top + draw(st.sampled_from([2.0, 3.0, 3.5, 12.0]))
        elif step == "gap":
            x += draw(st.sampled_from([2.9, 3.1, 8.0]))
        elif step == "overlap":
            x -= draw(st.sampled_from([1.0, 12.0]))
        elif step == "nudge":
            top += draw(st.sampled_from([-1.5, 1.0, 2.5]))
        size = draw(st.sampled_from([10.5, 12.0]))
        text = draw(st.sampled_from(["公", "开", "1", "0", " ", "ﬁ", "\u3000", "a"]))
        out.append({"text": text, "x0": x, "x1": x + size, "top": top, "bottom": top + size, "doctop": top,
                    "upright": True, "size": size, "height": size, "width": size})
        x += size
    return out


@settings(max_examples=300, deadline=None)
@given(_chars())
def test_the_text_layout_is_pdfplumbers(chars):
    assert textflow.extract_text(chars) == (ptext.extract_text(chars) if chars else "")
    theirs = ptext.chars_to_textmap(chars).extract_text_lines(strip=True, return_chars=False) if chars else []
    ours = textflow.text_lines(chars)
    assert [(ln[0], ln[1], ln[2], ln[3], ln[4]) for ln in ours] == [
        (t["text"], t["x0"], t["top"], t["x1"], t["bottom"]) for t in theirs]


# -- pages left to pdfplumber ------------------------------------------------------------------

SRC = SHARED / "pdf" / "hongze_2024.pdf"


def _edited(edit) -> bytes:
    with pikepdf.open(BytesIO(SRC.read_bytes())) as pdf:
        edit(pdf)
        out = BytesIO()
        pdf.save(out)
        return out.getvalue()


def _notes(data: bytes) -> list[str | None]:
    return [p.note for p in read_document(data, "pdf", NO_OCR).pages]


def test_a_rotated_page_is_left_to_pdfplumber_and_said_so():
    notes = _notes(_edited(lambda pdf: pdf.pages[1].obj.__setitem__("/Rotate", 90)))
    assert notes[1] == f"{FALLBACK}: the page is rotated"
    assert not any(n and n.startswith(FALLBACK) for i, n in enumerate(notes) if i != 1)


def test_a_page_box_away_from_the_origin_is_left_to_pdfplumber():
    notes = _notes(_edited(lambda pdf: setattr(pdf.pages[0], "MediaBox", [-10, -20, 585, 822])))
    assert notes[0] == f"{FALLBACK}: the page box does not start at the origin"


def test_rotated_text_is_left_to_pdfplumber():
    def turn(pdf):
        page = pdf.pages[4]
        page.contents_add(pikepdf.Stream(pdf, b"BT /F1 12 Tf 0 1 -1 0 300 300 Tm (9) Tj ET"), prepend=False)
        page.Resources.Font = page.Resources.get("/Font", pikepdf.Dictionary())
        page.Resources.Font.F1 = pikepdf.Dictionary(Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1,
                                                     BaseFont=pikepdf.Name.Helvetica)
    notes = _notes(_edited(turn))
    assert notes[4] == f"{FALLBACK}: rotated, slanted or mirrored text"


def test_a_damaged_file_is_read_by_pdfplumber_on_every_page():
    data = SRC.read_bytes()
    broken = data[: data.rindex(b"startxref")] + b"startxref\n999999\n%%EOF\n"  # the xref is lost
    doc = read_document(broken, "pdf", NO_OCR)
    assert [p.note for p in doc.pages] == [f"{FALLBACK}: the file is damaged"] * 5
    assert [t.texts() for t in doc.tables()] == [t.texts() for t in read_document(data, "pdf", NO_OCR).tables()]


def test_the_fallback_reasons_are_counted_in_the_report(tmp_path):
    from gongkai import read_report

    path = tmp_path / "rotated.pdf"
    path.write_bytes(_edited(lambda pdf: pdf.pages[1].obj.__setitem__("/Rotate", 90)))
    report = read_report(path, NO_OCR)
    assert [p.number for p in report.pages if (p.note or "").startswith(FALLBACK)] == [2]
