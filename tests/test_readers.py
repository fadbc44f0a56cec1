"""Word, web-page and text readers: grids with spans, charsets, page chrome, layouts."""

from __future__ import annotations

import codecs
import io

import docx
import pytest

from gongkai import Options, read_report
from gongkai.extract.input.readers.docx import read_docx
from gongkai.extract.input.readers.html import read_html
from gongkai.extract.input.readers.text import read_text
from gongkai.extract.layout import Table
from tests.conftest import SHARED

OPT = Options()


def _grid(t: Table) -> list[list[object]]:
    return [[(c.text, c.rowspan, c.colspan) if c else None for c in r] for r in t.rows]


def test_official_template_tables_and_spans():
    d = read_docx((SHARED / "docx" / "official_template_2021.docx").read_bytes(), OPT)
    tables = d.tables()
    assert [(len(t.rows), t.n_cols) for t in tables] == [(14, 4), (28, 10), (4, 15)]
    apps = _grid(tables[1])
    assert apps[0][0][1:] == (3, 3) and apps[1][0] is None and apps[0][3] == ("申请人情况", 1, 7)
    assert apps[5][0] == ("三、本年度办理结果", 22, 1)
    assert apps[1][3] == ("自然人", 2, 1) and apps[2][3] is None


def test_blank_template_gives_null_cells_not_missing_ones(tmp_path):
    r = read_report(SHARED / "docx" / "official_template_2021.docx")
    assert len(r.cells) == 200 and all(c.value is None for c in r.cells.values())
    assert any(f.rule == "blank.tables" for f in r.findings)


def _docx_bytes() -> bytes:
    d = docx.Document()
    d.add_paragraph("某县人民政府2022年政府信息公开工作年度报告")
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t = d.add_table(rows=4, cols=15)
    t.cell(0, 0).merge(t.cell(0, 4)).text = "行政复议"
    t.cell(0, 5).merge(t.cell(0, 14)).text = "行政诉讼"
    labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for i, lab in enumerate(labels):
        t.cell(1, i).merge(t.cell(2, i)).text = lab
        t.cell(2, 5 + i).text = lab
        t.cell(2, 10 + i).text = lab
    t.cell(1, 5).merge(t.cell(1, 9)).text = "未经复议直接起诉"
    t.cell(1, 10).merge(t.cell(1, 14)).text = "复议后起诉"
    for i in range(15):
        t.cell(3, i).text = str(i)
    d.add_paragraph("五、存在的主要问题及改进情况")
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def test_docx_merges_both_ways_and_mapping():
    d = read_docx(_docx_bytes(), OPT)
    (t,) = d.tables()
    g = _grid(t)
    assert g[0][0] == ("行政复议", 1, 5) and g[0][1] is None
    assert g[1][0] == ("结果维持", 2, 1) and g[2][0] is None
    assert g[1][5] == ("未经复议直接起诉", 1, 5)
    assert t.rows[3][14].source == "table 1 row 4 col 15"


HTML_BODY = """
<div class="header"><ul class="nav"><li>首页</li><li>政务公开</li></ul></div>
<div class="breadcrumb">首页 &gt; 政务公开 &gt; 年报</div>
<table width="100%"><tr><td class="left">友情链接 政府信息公开 年度报告 其他网站</td><td>
<div id="zoom">
<p>某县人民政府2022年政府信息公开工作年度报告</p>
<p>一、总体情况</p><p>2022年，我县持续推进政务公开。<br>（一）主动公开情况。公开信息120条。</p>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
<table border="1">
<tr><td colspan="5">行政复议</td><td colspan="10">行政诉讼</td></tr>
<tr><td rowspan="2">结果维持</td><td rowspan="2">结果<br>纠正</td><td rowspan="2">其他结果</td><td rowspan="2">尚未审结</td>
<td rowspan="2">总计</td><td colspan="5">未经复议直接起诉</td><td colspan="5">复议后起诉</td></tr>
<tr><td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td>
<td>结果维持</td><td>结果纠正</td><td>其他结果</td><td>尚未审结</td><td>总计</td></tr>
<tr><td>1</td><td>0</td><td>0</td><td>0</td><td>1</td><td>2</td><td>0</td><td>0</td><td>0</td><td>2</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
</table>
<p>五、存在的主要问题及改进情况</p><p>一是公开意识不强。</p>
<p>六、其他需要报告的事项</p><p>无。</p>
</div></td></tr></table>
<div class="footer">版权所有 某县人民政府 网站标识码 1234 ICP备案</div>
<script>var x = "行政复议 自然人";</script>
"""


@pytest.mark.parametrize(
    "encode",
    [
        lambda b: (
            f"<html><head><meta http-equiv='Content-Type' content='text/html; charset=gbk'></head><body>{b}</body></html>".encode(
                "gb18030"
            )
        ),
        lambda b: f'<html><head><meta charset="gb2312"></head><body>{b}</body></html>'.encode("gb18030"),
        lambda b: codecs.BOM_UTF8 + f"<html><body>{b}</body></html>".encode(),
        lambda b: f"<html><body>{b}</body></html>".encode("gb18030"),
    ],
    ids=["http-equiv-gbk", "meta-gb2312", "utf8-bom", "undeclared-gbk"],
)
def test_html_charsets_chrome_and_spans(encode, tmp_path):
    data = encode(HTML_BODY)
    d = read_html(data, OPT)
    texts = [ln.text for ln in d.lines()]
    assert "一、总体情况" in texts and "（一）主动公开情况。公开信息120条。" in texts
    assert not any("版权所有" in t or "首页" in t or "var x" in t for t in texts)
    (t,) = d.tables()
    g = _grid(t)
    assert g[0][0] == ("行政复议", 1, 5) and g[1][1] == ("结果\n纠正", 2, 1) and g[2][1] is None
    p = tmp_path / "page.htm"
    p.write_bytes(data)
    r = read_report(p)
    assert r.organization == "某县人民政府" and r.year == 2022
    assert r.cells["review_litigation.litigation_direct.upheld"].value == 2
    assert r.cells["review_litigation.review.total"].source == "table 1 row 4 col 5"
    assert r.sections["other_matters"].text == "无。"


def test_html_never_resolves_entities_or_fetches(tmp_path):
    evil = b"""<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>
    <html><body><p>&e;</p><img src="http://127.0.0.1:9/x.png"><p>\xe4\xb8\x80\xe3\x80\x81\xe6\x80\xbb\xe4\xbd\x93\xe6\x83\x85\xe5\x86\xb5</p></body></html>"""
    d = read_html(evil, OPT)
    assert not any("root:" in ln.text for ln in d.lines())


@pytest.mark.parametrize(
    ("seed", "layout"),
    [
        ("seed000", "text-lines"),
        ("seed001", "text-tsv"),
        ("seed002", "text-tsv"),
        ("seed003", "text-lines"),
        ("seed004", "text-lines"),
    ],
)
def test_text_layouts(seed, layout):
    d = read_text((SHARED / "seeds" / f"{seed}.txt").read_bytes(), OPT)
    tables = d.tables()
    assert tables and {t.method for t in tables} == {layout}
    assert all(not t.gridded for t in tables)
    review_rows = [r for r in tables[-1].rows if sum(c.text.strip().isdigit() for c in r) == 15]
    assert review_rows, "the 15 review/litigation values stay together in one row"


def test_text_decodes_gbk_and_bom():
    src = "一、总体情况\n本年度工作稳步推进。\n"
    for data in (src.encode("gb18030"), codecs.BOM_UTF8 + src.encode(), src.encode("utf-16")):
        assert read_text(data, OPT).lines()[1].text == "本年度工作稳步推进。"


class _Named:
    def __init__(self, name: str) -> None:
        self.name = name


class _OneTableReader:
    """A page reader that returns one read table: a sure 17 and a 5 read at 0.6 (with 6 beside it)."""

    def __init__(self, sheet_unsure: bool) -> None:
        self.sheet_unsure = sheet_unsure
        self.cells, self.prose = _Named("tesseract"), _Named("rapidocr")

    def read(self, image):
        from gongkai.ocr.page import CellReading, PageResult, TableResult
        from gongkai.ocr.types import Grid, GridCell, Reading

        cells = [GridCell(0, 0, 1, 1, (0, 0, 50, 20)), GridCell(0, 1, 1, 1, (50, 0, 100, 20))]
        grid = Grid((0, 0, 100, 20), 1, 2, cells, [0, 50, 100], [0, 20])
        readings = [Reading("17", 0.99, [], "rapidocr"), Reading("5", 0.6, [("6", 0.9)], "rapidocr")]
        res = PageResult(100, 20, 0.0, sheet_unsure=self.sheet_unsure, upright_size=(100, 20))
        res.tables.append(TableResult(grid, [CellReading(c, r) for c, r in zip(cells, readings, strict=True)]))
        res.order = [("table", 0)]
        return res


@pytest.mark.parametrize("unsure", [False, True])
def test_nothing_read_on_a_page_whose_sheet_outline_was_not_found_is_sure(unsure):
    from gongkai.extract.input.readers.scan import SHEET_UNSURE, ocr_page

    blocks, _ = ocr_page(None, 1, 1.0, _OneTableReader(unsure))  # type: ignore[arg-type]
    sure, doubted = blocks[0].rows[0]
    assert sure.confidence == (SHEET_UNSURE if unsure else 0.99) and doubted.confidence == 0.6
    assert dict(doubted.alternatives)["6"] == (SHEET_UNSURE if unsure else 0.9)
