"""The template-anchored table reading, on the words of born-digital reports and on the same words
disturbed the way scans disturb them (an edge cut off, rows drifting, labels and headers unread)."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pdfplumber
import pytest

from gongkai.extract.domain.anchored import label_score, read_table
from gongkai.extract.domain.model import Doubt
from gongkai.extract.domain.schema import TABLES, schema
from gongkai.extract.layout import Cell, Piece
from tests.conftest import GENERATED, SHARED

SOURCES = sorted((SHARED / "pdf").glob("*.pdf")) + sorted(GENERATED.glob("*.pdf"))


def _truth(pdf: Path) -> dict:
    path = pdf.with_suffix(".json") if pdf.with_suffix(".json").exists() else SHARED / "truth" / f"{pdf.stem}.json"
    return json.loads(path.read_text("utf-8"))["cells"]


def _pieces(pdf: Path) -> list[list[Piece]]:
    out = []
    with pdfplumber.open(pdf) as doc:
        for n, page in enumerate(doc.pages, start=1):
            words = page.extract_words()
            out.append([Piece(Cell(w["text"], n, b, method="text"), b)
                        for w in words for b in [(w["x0"], w["top"], w["x1"], w["bottom"])]])
    return out


class _Words:
    """A text layer's page: every word is a piece, and nothing is printed where no word is."""

    def __init__(self, pieces: list[Piece]) -> None:
        self._pieces = pieces

    def pieces(self) -> list[Piece]:
        return self._pieces

    def read_at(self, box, number: bool = False) -> Piece | None:
        return None

    def seen(self, box) -> float:
        return 1.0


def _read(pages: list[list[Piece]], blank: float = 1.0) -> dict:
    got = {}
    texts = [_Words(p) for p in pages]
    for t in TABLES:
        got.update({k: v.value for k, v in read_table(texts, schema(), t, blank).cells.items()})
    return got


def _score(got: dict, truth: dict) -> tuple[int, list]:
    right = sum(1 for k, v in truth.items() if k in got and got[k] == v and type(got[k]) is type(v))
    wrong = [(k, got[k], truth[k]) for k in got if k in truth and got[k] != truth[k]]
    return right, wrong


@pytest.mark.parametrize("pdf", SOURCES, ids=lambda p: p.stem)
def test_every_cell_of_a_born_digital_report_from_its_words_alone(pdf):
    truth = _truth(pdf)
    right, wrong = _score(_read(_pieces(pdf)), truth)
    assert not wrong
    assert right == len(truth)


def _cut_left(pages: list[list[Piece]], share: float) -> list[list[Piece]]:
    """The page's left edge outside the scan: pieces there lost, labels crossing it lose their first characters."""
    out = []
    for pieces in pages:
        xs = [p.box[0] for p in pieces]
        x_cut = min(xs) + share * (max(p.box[2] for p in pieces) - min(xs))
        kept = []
        for p in pieces:
            x0, top, x1, bottom = p.box
            if x1 <= x_cut:
                continue
            if x0 < x_cut:
                keep = max(1, round(len(p.text) * (x1 - x_cut) / (x1 - x0)))
                text = p.text[len(p.text) - keep :]
                box = (x_cut, top, x1, bottom)
                p = Piece(Cell(text, p.cell.page, box, method=p.cell.method), box)
            kept.append(p)
        out.append(kept)
    return out


def _bend(pages: list[list[Piece]], depth: float) -> list[list[Piece]]:
    """Rows bent like a curled page: the middle of each line stands ``depth`` of the page lower."""
    out = []
    for pieces in pages:
        width = max(p.box[2] for p in pieces)
        height = max(p.box[3] for p in pieces)

        def dy(x: float, width: float = width, height: float = height) -> float:
            return depth * height * math.sin(math.pi * x / width)

        out.append([Piece(p.cell, (p.box[0], p.box[1] + dy(p.cx), p.box[2], p.box[3] + dy(p.cx))) for p in pieces])
    return out


def _without(pages: list[list[Piece]], texts: tuple[str, ...]) -> list[list[Piece]]:
    return [[p for p in pieces if not any(t in p.text for t in texts)] for pieces in pages]


FEW = [s for s in SOURCES if s.stem in ("hongze_2024", "huaian_2024", "gen_000", "gen_010", "gen_021", "gen_040")]


@pytest.mark.parametrize("pdf", FEW, ids=lambda p: p.stem)
def test_an_edge_cut_off_by_the_frame_loses_no_row(pdf):
    """A flatbed scan with the page shifted: the table's first column and the labels' first characters
    fall outside the image (a cut "本年新收…申请数量" is still that row)."""
    truth = _truth(pdf)
    apps = {k: v for k, v in truth.items() if k.startswith("applications.")}
    right, wrong = _score(_read(_cut_left(_pieces(pdf), 0.1), 0.6), apps)
    assert not wrong
    assert right == len(apps)


@pytest.mark.parametrize("pdf", FEW, ids=lambda p: p.stem)
def test_rows_bent_by_a_curled_page_are_followed(pdf):
    truth = _truth(pdf)
    right, wrong = _score(_read(_bend(_pieces(pdf), 0.012)), truth)
    assert not wrong
    assert right >= 0.98 * len(truth)


@pytest.mark.parametrize("pdf", FEW, ids=lambda p: p.stem)
def test_unread_labels_and_header_are_placed_by_their_neighbours_and_by_count(pdf):
    """A seal over a few row labels and over the header: the rows between read labels are placed by
    count, the columns by the complete rows."""
    truth = _truth(pdf)
    apps = {k: v for k, v in truth.items() if k.startswith("applications.")}
    hidden = ("重复申请", "属于国家秘密", "自然人", "商业", "科研", "总计")
    right, wrong = _score(_read(_without(_pieces(pdf), hidden)), apps)
    assert not wrong
    assert right >= 0.9 * len(apps)


@pytest.mark.parametrize(
    ("printed", "official", "low", "high"),
    [
        ("新收政府信息公开申请数量", "一、本年新收政府信息公开申请数量", 0.9, 1.0),  # cut at the left
        ("1.属于国家秘密", "1.属于国家秘密", 1.0, 1.0),
        ("2.属于国家秘密", "1.属于国家秘密", 0.0, 0.65),  # another row's numbering
        ("总计", "（七）总计", 0.9, 0.97),  # a column's 总计 is less likely the row
        ("属于", "1.属于国家秘密", 0.0, 0.6),  # two characters of a long label say little (under the threshold)
    ],
)
def test_label_score(printed, official, low, high):
    assert low <= label_score(printed, official) <= high


def _review_line(pages: list[list[Piece]]) -> tuple[int, list[Piece]]:
    """The page index and the line of values (left to right) of the review/litigation table."""
    for n, pieces in enumerate(pages):
        heads = [p for p in pieces if p.text.strip() == "行政复议"]
        if not heads:
            continue
        below = [p for p in pieces if p.cy > heads[0].cy and p.text.strip().isdigit()]
        lines: dict[int, list[Piece]] = {}
        for p in below:
            lines.setdefault(round(p.cy / 4), []).append(p)
        y = max(lines.values(), key=len)[0].cy
        return n, sorted((p for p in below if abs(p.cy - y) < 4), key=lambda p: p.cx)
    raise AssertionError("no review table")


def _drop_review_values(pages: list[list[Piece]], drop: tuple[int, ...]) -> tuple[list[list[Piece]], int]:
    """The review/litigation table's line of values with the values at ``drop`` (left to right) gone,
    as a seal or faint print loses them; the page index of that line."""
    n, line = _review_line(pages)
    gone = {id(p) for i, p in enumerate(line) if i in drop}
    return [ps if k != n else [p for p in ps if id(p) not in gone] for k, ps in enumerate(pages)], n


@pytest.mark.parametrize("pdf", FEW, ids=lambda p: p.stem)
def test_a_one_line_table_without_its_header_and_some_values_is_placed_by_their_spacing(pdf):
    """The review/litigation header under a seal (its column labels unread, its group labels misread)
    and the second value of each group lost: the values left count the slots by their gaps (a value
    lost at either end of the line could not be told from the gaps; the header's labels are needed)."""
    truth = _truth(pdf)
    pages, _ = _drop_review_values(_pieces(pdf), (1, 6, 11))
    pages = _without(pages, ("维持", "纠正", "其他", "尚未", "总计"))
    pages = [[Piece(Cell(p.text.replace("复议", "更议", 1) if p.text.startswith("行政复议") else p.text, p.cell.page,
                         p.cell.bbox, method="text"), p.box) for p in ps] for ps in pages]
    got = read_table([_Words(p) for p in pages], schema(), "review_litigation", 0.6).cells
    spec = schema().templates["2021"].tables["review_litigation"]
    printed = [f"{spec.id}.{r}.{c.id}" for r in spec.rows for c in spec.columns_for(r)]
    printed = [k for k in printed if truth[k] is not None]  # a generated report may print a blank
    lost = {printed[i] for i in (1, 6, 11)}
    for k, v in truth.items():
        if k.startswith("review_litigation."):
            assert k in got
            if k in lost or v is None:
                assert got[k].value is None and got[k].how == "blank"
            else:
                assert got[k].value == v, (k, got[k])
                assert got[k].how == "centre" or (got[k].how == "spacing" and got[k].confidence < 0.8), (k, got[k])


class _Smudged(_Words):
    """A page where a slot the detector missed holds ink that reads as a letter."""

    def read_at(self, box, number: bool = False) -> Piece | None:
        return Piece(Cell("Q", 1, box, method="ocr"), box)


@pytest.mark.parametrize("pdf", FEW[:2], ids=lambda p: p.stem)
def test_ink_that_reads_as_no_number_is_no_blank(pdf):
    pages, _ = _drop_review_values(_pieces(pdf), (1, 6, 11))
    got = read_table([_Smudged(p) for p in pages], schema(), "review_litigation", 0.9).cells
    lost = [got[f"review_litigation.{g}.corrected"] for g in ("review", "litigation_direct", "litigation_after_review")]
    assert all(c.value is None and c.how == "unread" and c.confidence < 0.5 for c in lost)


class _Framed(_Words):
    """A page whose picture ends at ``edge`` (x): the scanner saw nothing left of it."""

    def __init__(self, pieces: list[Piece], edge: float) -> None:
        kept = []
        for p in pieces:
            x0, top, x1, bottom = p.box
            if x1 <= edge:
                continue
            if x0 < edge:  # a piece crossing the edge keeps the characters inside it
                keep = max(1, round(len(p.text) * (x1 - edge) / (x1 - x0)))
                p = Piece(Cell(p.text[len(p.text) - keep :], p.cell.page, (edge, top, x1, bottom), method="text"),
                          (edge, top, x1, bottom))
            kept.append(p)
        super().__init__(kept)
        self.edge = edge

    def seen(self, box) -> float:
        x0, _, x1, _ = box
        return max(0.0, min(1.0, (x1 - max(x0, self.edge)) / max(x1 - x0, 1e-6)))


@pytest.mark.parametrize("pdf", FEW[:3], ids=lambda p: p.stem)
def test_a_column_beyond_the_picture_is_unseen_not_blank(pdf):
    """The review table's first column lies beyond the picture's edge: its cells are unseen (no value,
    no confidence), never blanks; the value the edge cuts through may have lost digits and is not sure."""
    pages = _pieces(pdf)
    n, line = _review_line(pages)
    edge = line[1].cx  # through the second value
    texts = [_Words(p) if k != n else _Framed(p, edge) for k, p in enumerate(pages)]
    got = read_table(texts, schema(), "review_litigation", 0.9).cells
    lost = got["review_litigation.review.upheld"]
    assert lost.value is None and lost.how == "unseen" and lost.confidence == 0.0
    assert got["review_litigation.review.corrected"].confidence < 0.8  # the value cut by the edge


@pytest.mark.parametrize("pdf", FEW[:3], ids=lambda p: p.stem)
def test_two_rows_labels_one_under_the_other_are_not_one_label(pdf):
    """"规章" above a "规范性文件" cut to "政规范性文件": each is its own row's label, not one wrapped label."""
    truth = _truth(pdf)
    pages = [[Piece(Cell("政规范性文件", p.cell.page, p.cell.bbox, method="text"), p.box) if p.text == "行政规范性文件"
              or p.text == "规范性文件" else p for p in ps] for ps in _pieces(pdf)]
    got = read_table([_Words(p) for p in pages], schema(), "active_disclosure", 1.0).cells
    for row in ("regulations", "normative_documents"):
        for k in (k for k in truth if k.startswith(f"active_disclosure.{row}.")):
            assert got[k].value == truth[k], k


def test_a_wrapped_label_matched_by_its_last_fragment_keeps_its_own_band():
    """lid gen_001 page 2: "3.要求" / "提供公" (misread) / "开出版" / "物" was matched by "开出版物" alone,
    whose reach missed its own values (printed level with the label's first line) and, the last line's
    box padded down as OCR pads it, took those of the next row, whose label was not read."""
    pdf = GENERATED / "gen_001.pdf"
    truth = _truth(pdf)
    above = {"提供公": "水", "当理由": "藥", "大量反": "天", "复申请": "复备"}  # the next row's label unread

    def damaged(p: Piece) -> Piece:
        if p.text in above:
            return Piece(Cell(above[p.text], p.cell.page, p.cell.bbox, method="text"), p.box)
        if p.text == "物":
            x0, y0, x1, y1 = p.box
            return Piece(p.cell, (x0, y0, x1, y1 + 4))
        return p

    pages = [[damaged(p) for p in ps] for ps in _pieces(pdf)]
    got = read_table([_Words(p) for p in pages], schema(), "applications", 1.0).cells
    for row in ("rejected_publication", "rejected_excessive"):
        for k in (k for k in truth if k.startswith(f"applications.{row}.")):
            assert k in got and got[k].value == truth[k], k


def test_rows_continued_on_the_next_page_with_their_labels_cut_take_the_bands_above():
    """lid hongze_2023 page 3: the active-disclosure table goes on from page 2 with 行政处罚 and 行政强制,
    whose labels the frame cut ("上罚", "虽制"); their values stand above the first row read (行政事业性收费)."""
    pdf = SHARED / "pdf" / "hongze_2023.pdf"
    truth = _truth(pdf)
    cut = {"行政处罚": "上罚", "行政强制": "虽制"}
    pages = [[Piece(Cell(cut[p.text], p.cell.page, p.cell.bbox, method="text"), p.box) if p.text in cut else p
              for p in ps] for ps in _pieces(pdf)]
    assert sum(p.text in cut.values() for ps in pages for p in ps) == 2
    got = read_table([_Words(p) for p in pages], schema(), "active_disclosure", 1.0).cells
    for row in ("penalty", "coercion", "fees"):
        for k in (k for k in truth if k.startswith(f"active_disclosure.{row}.")):
            assert k in got and got[k].value == truth[k], k


def test_a_review_header_whose_first_group_is_hidden_places_no_value_surely():
    """clutter s2 huaian_2024 p5: the first row group's header and values hidden (another sheet over them);
    the labels read fit the later groups as well as the earlier ones, and each group sums by itself, so no
    rule objects to a shift by a whole group: the values are placed, none surely, and where the other fit
    puts another value in a slot, that value stays as the cell's alternative."""
    pdf = SHARED / "pdf" / "hongze_2024.pdf"
    pages = _pieces(pdf)
    hidden = [p for p in pages[3] if not (p.box[0] < 230 and 370 < p.box[1] < 460)]
    table = read_table([_Words(p) for p in [*pages[:3], hidden, *pages[4:]]], schema(), "review_litigation", 1.0)
    placed = [c for c in table.cells.values() if c.value is not None]
    assert len(placed) == 10
    assert all(c.confidence <= Doubt.AMBIGUOUS.most and Doubt.AMBIGUOUS in c.doubts for c in placed)
    other = table.cells["review_litigation.litigation_direct.total"].cell.alternatives
    assert ("3", Doubt.AMBIGUOUS.most) in other  # the value the other fit puts there
    whole = read_table([_Words(p) for p in pages], schema(), "review_litigation", 1.0)
    assert all(c.confidence >= 0.9 and not c.doubts for c in whole.cells.values())  # the header read whole: sure


def _ocr_piece(text: str, box: tuple[float, float, float, float]) -> Piece:
    return Piece(Cell(text, 2, box, method="ocr:test", confidence=0.99), box)


def test_a_band_within_two_rows_labels_is_no_sure_row_of_either():
    """clutter s1 hongze_2024 p2 (a curled page): 规章's values unread, its label and the two-line 行政规范性文件
    below it overlapping, the one band "3 0 8" between them; taken for 规章 (nearer), its 8 for 0 was sure.
    Beside two labels, the band is neither row's surely; a band beside one label alone stays sure."""
    page = [_ocr_piece("规章", (434, 1394, 497, 1441)), _ocr_piece("行政规范性文件", (430, 1436, 613, 1513)),
            *(_ocr_piece(v, (x, 1420, x + 20, 1456)) for v, x in (("3", 800), ("0", 980), ("8", 1160))),
            _ocr_piece("行政许可", (436, 1690, 561, 1761)), _ocr_piece("9487", (940, 1656, 1020, 1692))]
    cells = read_table([_Words(page)], schema(), "active_disclosure", 0.9).cells
    row = [c for k, c in cells.items() if ".regulations." in k]
    assert [c.value for c in row] == [3, 0, 8]
    assert all(c.confidence <= Doubt.AMBIGUOUS.most and Doubt.AMBIGUOUS in c.doubts for c in row)
    assert cells["active_disclosure.licensing.decisions"].confidence == 0.99
