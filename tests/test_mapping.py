"""Label-driven mapping of table grids to cell ids, on small synthetic grids."""

from __future__ import annotations

from gongkai.extract.domain.mapping import map_tables
from gongkai.extract.domain.schema import schema
from gongkai.extract.layout import Cell, Document, Table, TextLine

S = schema()


def grid(spec: list[list[object]], method: str = "test", page: int = 1, columns: list[float] | None = None) -> Table:
    """Rows of cells; a cell is text, None (covered by a span), or (text, rowspan, colspan)."""
    rows: list[list[Cell | None]] = []
    for r in spec:
        out: list[Cell | None] = []
        for c in r:
            if c is None:
                out.append(None)
            elif isinstance(c, tuple):
                out.append(Cell(c[0], page, rowspan=c[1], colspan=c[2]))
            else:
                out.append(Cell(str(c), page))
        rows.append(out)
    return Table(rows, method, page, columns=columns)


REVIEW_HEADER = [
    [("行政复议", 1, 5), None, None, None, None, ("行政诉讼", 1, 10)] + [None] * 9,
    [("结果维持", 2, 1), ("结果纠正", 2, 1), ("其他结果", 2, 1), ("尚未审结", 2, 1), ("总计", 2, 1),
     ("未经复议直接起诉", 1, 5), None, None, None, None, ("复议后起诉", 1, 5), None, None, None, None],
    [None] * 5 + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
]


def test_review_table_rows_come_from_the_header():
    t = grid([*REVIEW_HEADER, [str(i) for i in range(15)]])
    m = map_tables(Document("test", [t]), S)
    assert m.cells["review_litigation.review.upheld"].value == 0
    assert m.cells["review_litigation.litigation_direct.total"].value == 9
    assert m.cells["review_litigation.litigation_after_review.pending"].value == 13
    assert len(m.cells) == 15


def test_blank_and_marker_cells_are_null_not_zero():
    t = grid([*REVIEW_HEADER, ["1", "", "/", "—", "无"] + ["0"] * 10])
    m = map_tables(Document("test", [t]), S)
    assert m.cells["review_litigation.review.upheld"].value == 1
    for col in ("corrected", "other", "pending", "total"):
        assert m.cells[f"review_litigation.review.{col}"].value is None


APPS_HEADER = [
    [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), None, None, ("申请人情况", 1, 7)] + [None] * 6,
    [None, None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 5), None, None, None, None, ("总计", 2, 1)],
    [None, None, None, None, "商业\n企业", "科研\n机构", "社会公益组织", "法律服务机构", "其他", None],
]


def _apps_row(label_cells: list[object], values: list[int]) -> list[object]:
    return [*label_cells, *[str(v) for v in values]]


def test_applications_with_wrapped_group_cell_typo_and_one_row_other():
    rows = [
        *APPS_HEADER,
        _apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [5, 1, 0, 0, 0, 0, 6]),
        _apps_row([("三\n、\n本\n年\n度", 4, 1), ("（三）不予公开", 2, 1), "1.属于国家秘密"], [1, 0, 0, 0, 0, 0, 1]),
        _apps_row([None, None, "2.其他法律行政止公开"], [2, 0, 0, 0, 0, 0, 2]),
        _apps_row([None, ("（六）其他处理", 1, 2), None], [3, 0, 0, 0, 0, 0, 3]),
        _apps_row([None, ("（七）总计", 1, 2), None], [6, 0, 0, 0, 0, 0, 6]),
    ]
    m = map_tables(Document("test", [grid(rows)]), S)
    assert m.cells["applications.new_received.commercial_enterprise"].value == 1
    assert m.cells["applications.new_received.total"].value == 6
    assert m.cells["applications.denied_prohibited_by_law.natural_person"].value == 2
    assert m.cells["applications.other_total.total"].value == 3
    assert m.cells["applications.total_processed.natural_person"].value == 6
    assert not [i for i in m.issues if i.code != "E_DUPLICATE_CELL"]


def test_continuation_on_next_page_uses_the_first_header_aligned_by_x():
    cols = [0.0, 40.0, 80.0, 120.0, 150.0, 180.0, 210.0, 240.0, 270.0, 300.0, 330.0]
    first = grid([*APPS_HEADER, _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [1, 2, 3, 4, 5, 6, 21])], columns=cols)
    # next page: the group column was not drawn, so the fragment has 9 columns
    cont_cols = [40.0, 80.0, 120.0, 150.0, 180.0, 210.0, 240.0, 270.0, 300.0, 330.0]
    cont = grid([_apps_row(["（四）无法提供", "3.补正后申请内容仍不明确"], [7, 0, 0, 0, 0, 1, 8])], page=2, columns=cont_cols)
    m = map_tables(Document("test", [first, TextLine("- 3 -"), cont]), S)
    assert m.cells["applications.unavailable_unclear.natural_person"].value == 7
    assert m.cells["applications.unavailable_unclear.other_org"].value == 1
    assert m.cells["applications.unavailable_unclear.total"].page == 2


def test_a_continuation_photographed_wider_and_shifted_is_named_by_its_own_values_not_its_x():
    # a bound volume's two pages curl differently: the first fragment squeezed by the gutter, the next one
    # read from its own part of the picture (another origin); their column lines have no common frame
    cols = [0.0, 40.0, 80.0, 120.0, 150.0, 180.0, 210.0, 240.0, 270.0, 300.0, 330.0]
    first = grid([*APPS_HEADER, _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [1, 2, 3, 4, 5, 6, 21])], columns=cols)
    cont_cols = [-100.0, -60.0, -10.0, 40.0, 80.0, 116.0, 152.0, 188.0, 224.0, 260.0, 296.0, 332.0]  # a column more
    cont = grid([_apps_row(["三、", "本年度办理结果", "（四）无法提供", "3.补正后申请内容仍不明确"],
                           [7, 0, 0, 0, 0, 1, 8])], page=2, columns=cont_cols)
    m = map_tables(Document("test", [first, TextLine("- 3 -"), cont]), S)
    assert m.cells["applications.unavailable_unclear.natural_person"].value == 7
    assert m.cells["applications.unavailable_unclear.total"].value == 8


def test_active_disclosure_subtables_and_2019_template():
    rows = [
        [("第二十条第（一）项", 1, 4), None, None, None],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "0", "0", "3"],
        ["规范性文件", "2", "2", "15"],
        [("第二十条第（九）项", 1, 4), None, None, None],
        ["信息内容", "采购项目数量", ("采购总金额", 1, 2), None],
        ["政府集中采购", "4", ("1234.5", 1, 2), None],
    ]
    m = map_tables(Document("test", [grid(rows)]), S)
    assert m.active_template == "2019"
    assert m.cells["active_disclosure.normative_documents.total_published"].value == 15
    assert m.cells["active_disclosure.procurement.amount"].value == 1234.5


def test_ragged_rows_place_values_by_printed_order_or_refuse():
    rows = [
        [Cell("信息内容"), Cell("本年制发件数"), Cell("本年度止件数"), Cell("现行有效件数")],
        [Cell("规章"), Cell("1"), Cell("0"), Cell("4")],
        [Cell("行政许可"), Cell("12"), Cell(""), Cell("")],
        [Cell("一、本年新收政府信息公开申请数量"), Cell("3"), Cell("0"), Cell("3")],
    ]
    t = Table(rows, "text-tsv", gridded=False)
    m = map_tables(Document("test", [TextLine("二、主动公开政府信息情况"), t]), S)
    assert m.cells["active_disclosure.regulations.repealed"].value == 0
    assert m.cells["active_disclosure.regulations.in_force"].value == 4
    assert m.cells["active_disclosure.licensing.decisions"].value == 12
    # 3 values for a 7-column row: reported, not guessed
    assert not any(k.startswith("applications.") for k in m.cells)
    assert [i.code for i in m.issues] == ["E_RAGGED_ROW"]


def test_unmatched_prose_box_rows_are_ignored():
    rows = [[("二、主动公开政府信息情况", 1, 2), None], ["（一）主动公开情况。全年发布 1136 条", None], ["行政许可", "7"]]
    t = grid([[*r, *([None] * (2 - len(r)))] if len(r) < 2 else r for r in rows])
    m = map_tables(Document("test", [t]), S)
    assert set(m.cells) <= {"active_disclosure.licensing.decisions"}


def test_review_header_split_mid_rowspan_continues_on_next_page():
    """Regression (generated LibreOffice PDFs): the page breaks inside the header, so the
    leaf cells' text and the values land on the next page under a 15-column grid while the
    first page holds the group cells in a 7-column grid."""
    first = grid(
        [
            [("行政复议", 1, 5), None, None, None, None, ("行政诉讼", 1, 2), None],
            ["", "", "", "", "", "未经复议直接起诉", "复议后起诉"],
        ],
        page=3,
        columns=[0, 10, 20, 30, 40, 50, 100, 150],
    )
    second = grid(
        [["结\n果\n维\n持", "结\n果\n纠\n正", "其\n他\n结\n果", "尚\n未\n审\n结", "总\n计"] * 3, [str(i) for i in range(15)]],
        page=4,
        columns=[float(x) for x in range(0, 151, 10)],
    )
    m = map_tables(Document("test", [first, TextLine("-3-", 3), second]), S)
    assert len(m.cells) == 15
    assert m.cells["review_litigation.review.total"].value == 4
    assert m.cells["review_litigation.litigation_direct.upheld"].value == 5
    assert m.cells["review_litigation.litigation_after_review.total"].value == 14


def test_article_item_survives_a_lost_bracket():
    """A scan loses either bracket of 第二十条第（五）项 (found in review: only the opening one was optional, and
    （十一） read as 一): the item is read with either or both brackets lost, a two-numeral item is none."""
    from gongkai.extract.domain.mapping import _article_items

    assert _article_items(["第二十条第（五）项"]) == {"五"}
    assert _article_items(["第二十条第（五项"]) == {"五"}
    assert _article_items(["第二十条第五）项"]) == {"五"}
    assert _article_items(["第二十条第五项"]) == {"五"}
    assert _article_items(["第二十条第（六）项、第（八）项"]) == {"六", "八"}
    assert _article_items(["第二十条第（十一）项"]) == set()
    assert _article_items(["（五）行政许可"]) == set()  # no 条: not an article
