"""Mapping OCR'd tables that a seal, a faint ruling or a stroke on a ruling has damaged.

Each grid is what the OCR reader produced on a degraded scan (tests/generator/degrade.py,
bench_ocr): the mapping still places every value it can tell, and guesses nothing else.
"""

from __future__ import annotations

from gongkai.extract.domain.mapping import confirm_inferred, map_tables
from gongkai.extract.domain.model import Doubt, held
from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import schema
from gongkai.extract.layout import Document, Table, TextLine
from tests.test_mapping import APPS_HEADER, REVIEW_HEADER, _apps_row, grid

S = schema()


def _apps(rows: list[list[object]], header: list[list[object]] = APPS_HEADER):
    return map_tables(Document("test", [grid([*header, *rows])]), S)


def test_seal_characters_among_the_values_do_not_unplace_the_values_before_them():
    rows = [_apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [5, 1, 0, 0, 0, 0, 6])]
    rows[0][7] = "市"  # legal_service_org under the seal reads as one of its characters
    rows[0][8] = "区岔"
    m = _apps(rows)
    assert m.cells["applications.new_received.natural_person"].value == 5
    assert m.cells["applications.new_received.social_welfare_org"].value == 0
    assert m.cells["applications.new_received.total"].value == 6
    assert "applications.new_received.legal_service_org" not in m.cells
    assert any(i.code == "E_UNREADABLE_CELL" for i in m.issues)


def test_a_header_under_a_seal_is_named_by_its_neighbours():
    header = [list(r) for r in APPS_HEADER]
    header[1][9] = ("B 2u", 2, 1)  # 总计 under the seal
    m = _apps([_apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [5, 1, 0, 0, 0, 0, 6])], header)
    assert m.cells["applications.new_received.total"].value == 6


def test_review_total_under_a_seal_is_named_by_its_neighbours():
    header = [list(r) for r in REVIEW_HEADER]
    header[2][9] = "忘亡"  # litigation_direct 总计
    m = map_tables(Document("test", [grid([*header, [str(i) for i in range(15)]])]), S)
    assert m.cells["review_litigation.litigation_direct.total"].value == 9
    assert len(m.cells) == 15


def test_an_unreadable_row_label_is_the_row_printed_between_its_neighbours():
    rows = [
        _apps_row([("（五）不予处理", 3, 1), None, "4.无正当理由大量反复申请"], [1, 0, 0, 0, 0, 0, 1]),
        _apps_row([None, None, "設約是以或重斯出其"], [2, 0, 0, 0, 0, 0, 2]),
        _apps_row([None, ("（六）其他处理", 1, 2), None], [3, 0, 0, 0, 0, 0, 3]),
    ]
    m = _apps(rows)
    assert m.cells["applications.rejected_confirmation.natural_person"].value == 2
    assert m.cells["applications.other_total.total"].value == 3


def test_an_unreadable_label_between_rows_that_are_not_neighbours_stays_unplaced():
    rows = [
        _apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [1, 0, 0, 0, 0, 0, 1]),
        _apps_row([("設約是以", 1, 3), None, None], [2, 0, 0, 0, 0, 0, 2]),
        _apps_row([("（七）总计", 1, 3), None, None], [3, 0, 0, 0, 0, 0, 3]),
    ]
    m = _apps(rows)
    assert not [k for k in m.cells if ".new_received." not in k and ".total_processed." not in k]


def test_two_row_labels_run_into_one_cell_are_cut_apart():
    """The faint ruling between 一 and 二 was lost: one label cell spans both value rows."""
    label = ("一、本年新收政府信息公 开申请数量 二、上年结转政府信息公八 开申请数量", 2, 3)
    rows = [
        _apps_row([label, None, None], [44, 31, 0, 0, 0, 0, 75]),
        _apps_row([None, None, None], [0, 0, 0, 0, 0, 0, 0]),
    ]
    m = _apps(rows)
    assert m.cells["applications.new_received.natural_person"].value == 44
    assert m.cells["applications.carried_over.total"].value == 0


def test_a_continuation_with_as_many_columns_split_differently_is_aligned_by_its_lines():
    """The first page's header has two characters' strokes taken for column lines inside 社会公益组织,
    the continuation has its three label columns: ten columns each, in different places."""
    first_cols = [0.0, 120.0, 150.0, 180.0, 210.0, 220.0, 230.0, 240.0, 270.0, 300.0, 330.0]
    header = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 1), ("申请人情况", 1, 9)] + [None] * 8,
        [None, ("自然人", 2, 1), ("法人或其他组织", 1, 7), None, None, None, None, None, None, ("总计", 2, 1)],
        [None, None, "商业企业", "科研机构", ("社会公益组织", 1, 3), None, None, "法律服务机构", "其他", None],
    ]
    first = grid([*header, ["一、本年新收政府信息公开申请数量", "1", "2", "3", ("4", 1, 3), None, None, "5", "6", "21"]],
                 columns=first_cols)
    cont_cols = [0.0, 40.0, 80.0, 120.0, 150.0, 180.0, 210.0, 240.0, 270.0, 300.0, 330.0]
    cont = grid([[("三、本年度办理结果", 1, 1), "（三）不予公开", "1.属于国家秘密", "7", "0", "0", "0", "0", "1", "8"]],
                page=2, columns=cont_cols)
    m = map_tables(Document("test", [first, TextLine("- 3 -"), cont]), S)
    assert m.cells["applications.denied_state_secret.natural_person"].value == 7
    assert m.cells["applications.denied_state_secret.social_welfare_org"].value == 0
    assert m.cells["applications.denied_state_secret.other_org"].value == 1
    assert m.cells["applications.denied_state_secret.total"].value == 8


def _denied(labels: list[str]) -> list[list[object]]:
    """Rows of the 不予公开 group, their item labels as given, each row's values its number."""
    rows = []
    for k, text in enumerate(labels, 1):
        first = ("（三）不予公开", len(labels), 1) if k == 1 else None
        rows.append(_apps_row([("三、本年度办理结果", len(labels), 1) if k == 1 else None, first, text],
                              [k, 0, 0, 0, 0, 0, k]))
    return rows


def test_three_unreadable_labels_in_a_run_are_the_three_rows_printed_between_their_neighbours():
    """A grey seal over the label column: 2., 3. and 4. read as seal characters."""
    m = _apps(_denied(["1.属于国家秘密", "绍兴", "市", "W", "5.属于三类内部事务信息"]))
    assert m.cells["applications.denied_prohibited_by_law.natural_person"].value == 2
    assert m.cells["applications.denied_security_stability.natural_person"].value == 3
    assert m.cells["applications.denied_third_party_rights.total"].value == 4
    assert m.cells["applications.denied_internal_affairs.total"].value == 5


def test_a_run_of_unreadable_labels_shorter_than_the_gap_stays_unplaced():
    m = _apps(_denied(["1.属于国家秘密", "绍兴", "市", "5.属于三类内部事务信息"]))
    assert {k.split(".")[1] for k in m.cells} == {"denied_state_secret", "denied_internal_affairs"}
    assert sum(i.code == "E_UNPLACED_VALUE" for i in m.issues) == 2 * 7


def test_two_unreadable_review_headers_in_a_run_are_named_by_their_neighbours():
    header = [list(r) for r in REVIEW_HEADER]
    header[2][7] = "忘亡"  # litigation_direct 其他结果 and 尚未审结 under the seal
    header[2][8] = "区"
    m = map_tables(Document("test", [grid([*header, [str(i) for i in range(15)]])]), S)
    assert m.cells["review_litigation.litigation_direct.other"].value == 7
    assert m.cells["review_litigation.litigation_direct.pending"].value == 8
    assert len(m.cells) == 15


def test_a_misread_value_in_the_first_review_column_names_no_row():
    """The review table has no row labels: "Q" (a blurred 0) first in the value row is an
    unreadable value, not a label that unplaces the row."""
    values = [str(i) for i in range(15)]
    values[0] = "Q"
    m = map_tables(Document("test", [grid([*REVIEW_HEADER, values])]), S)
    assert "review_litigation.review.upheld" not in m.cells
    assert m.cells["review_litigation.review.corrected"].value == 1
    assert len(m.cells) == 14
    assert [i.code for i in m.issues] == ["E_UNREADABLE_CELL"]


def test_a_lost_spanning_header_is_not_taken_for_a_blank_row():
    """行政诉讼 under a seal reads as nothing: 行政复议 beside a blank ten columns wide is still
    the header's first row, not a review row printed blank."""
    header = [list(r) for r in REVIEW_HEADER]
    header[0][5] = ("", 1, 10)
    m = map_tables(Document("test", [grid([*header, [str(i) for i in range(15)]])]), S)
    assert m.cells["review_litigation.review.upheld"].value == 0
    assert m.cells["review_litigation.litigation_after_review.total"].value == 14
    assert len(m.cells) == 15


def test_a_stray_digit_in_a_label_column_leaves_the_label_after_it():
    """A continuation row under a seal's remnant: the group column reads "3", the item column
    "2.重复申请". The header says where the values begin: the digit is no value, the label names the row."""
    rows = [["", "3", "2重 复申请", "52", "44", "31", "22", "0", "62", "211"]]
    m = _apps(rows)
    assert m.cells["applications.rejected_duplicate.natural_person"].value == 52
    assert m.cells["applications.rejected_duplicate.total"].value == 211
    assert len(m.cells) == 7


# a thin-toner copy (bench_ocr toner, gen_004): the header band printed light reads as fragments
FAINT_APPS_HEADER = [
    [("一项加第二坝之书三坝加第四项之", 3, 3), None, None, ("人情况", 1, 7)] + [None] * 6,
    [None, None, None, ("", 2, 1), ("织", 1, 5), None, None, None, None, ("", 2, 1)],
    [None, None, None, None, "", "田", "", "法律", "", None],
]


def test_a_faint_header_names_its_columns_by_count_and_order():
    rows = [
        _apps_row([("一、本年新改政府信息公开申请数量", 1, 3), None, None], [52, 0, 0, 45, 0, 0, 97]),
        _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [0, 0, 0, 4, 0, 0, 4]),
    ]
    m = _apps(rows, FAINT_APPS_HEADER)
    assert m.cells["applications.new_received.natural_person"].value == 52
    assert m.cells["applications.new_received.social_welfare_org"].value == 45
    assert m.cells["applications.carried_over.total"].value == 4
    assert len(m.cells) == 14


def test_a_faint_header_over_a_column_more_than_printed_names_nothing():
    rows = [
        _apps_row([("一、本年新改政府信息公开申请数量", 1, 3), None, None], [52, 0, 0, 45, 0, 0, 97, 1]),
        _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [0, 0, 0, 4, 0, 0, 4, 1]),
    ]
    header = [[*r, None] for r in FAINT_APPS_HEADER]
    assert not _apps(rows, header).cells  # eight value columns: the count does not fit, nothing is guessed


def test_a_table_whose_labels_name_no_kind_is_the_kind_of_the_heading_above_it():
    """The active-disclosure table came first; the applications table under its own heading has a
    header that names nothing and rows read too poorly to tell its kind."""
    active = grid([["信息内容", "本年处理决定数量"], ["行政许可", "19"]])
    apps = grid([*FAINT_APPS_HEADER, _apps_row([("", 1, 3), None, None], [52, 0, 0, 45, 0, 0, 97])])
    doc = Document("test", [TextLine("二、主动公开政府信息情况", 1), active,
                            TextLine("三、收到和处理政府信息公开申请情况", 1), apps])
    m = map_tables(doc, S)
    kinds = [t.kind for t in m.tables]
    assert kinds[0] == "active_disclosure"
    assert kinds[1] == "applications"


def test_a_natural_person_header_read_as_nothing_is_named_by_the_column_after_it():
    """gen_001 (seed 1, archive at 120 dpi, error-diffused): 自然人 read as nothing, the header named
    商业企业 … 总计 only, and every row's first value went unplaced (33 cells of 198)."""
    header = [list(r) for r in APPS_HEADER]
    header[1][3] = ("", 2, 1)
    rows = [
        _apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [5, 1, 0, 0, 0, 0, 6]),
        _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [2, 0, 0, 0, 0, 0, 2]),
    ]
    m = _apps(rows, header)
    assert m.cells["applications.new_received.natural_person"].value == 5
    assert m.cells["applications.carried_over.natural_person"].value == 2
    assert m.cells["applications.new_received.commercial_enterprise"].value == 1
    assert not any(i.code == "E_UNPLACED_VALUE" for i in m.issues)


def test_a_column_left_of_the_first_named_one_is_not_named_when_the_count_differs():
    """Two unnamed value-holding columns where the template prints one before 商业企业: no guess."""
    header = [list(r) for r in APPS_HEADER]
    header[1][3] = ("", 2, 1)
    header = [[*r[:3], None if k else "", *r[3:]] for k, r in enumerate(header)]
    header[0][0] = ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 4)
    header[0][1:4] = [None, None, None]
    rows = [
        [("一、本年新收政府信息公开申请数量", 1, 3), None, None, "9", "5", "1", "0", "0", "0", "0", "6"],
        [("二、上年结转政府信息公开申请数量", 1, 3), None, None, "9", "2", "0", "0", "0", "0", "0", "2"],
    ]
    m = _apps(rows, header)
    assert "applications.new_received.natural_person" not in m.cells
    assert m.cells["applications.new_received.commercial_enterprise"].value == 1


def test_the_last_rows_with_unreadable_labels_are_the_rows_the_template_ends_with():
    """gen_001 (seed 1, archive, 120 dpi): the labels of the table's last four rows read as blobs
    ("3.要承 行政机 关确认", "（八）具把处理", "(七) 总订", "四87年度驱沃办理0"); after 4.无正当理由大量反复申请
    the template prints exactly four rows to its end."""
    rows = [
        _apps_row([("（五）不予处理", 2, 1), None, "4.无正当理由大量反复申请"], [1, 0, 0, 0, 0, 0, 1]),
        _apps_row([None, None, "設約是以或重斯出其"], [2, 0, 0, 0, 0, 0, 2]),
        _apps_row([None, ("八具把", 1, 2), None], [3, 0, 0, 0, 0, 0, 3]),
        _apps_row([("七总订", 1, 3), None, None], [6, 0, 0, 0, 0, 0, 6]),
        _apps_row([("四87驱沃0", 1, 3), None, None], [0, 0, 0, 0, 0, 0, 0]),
    ]
    m = _apps(rows)
    assert m.cells["applications.rejected_confirmation.natural_person"].value == 2
    assert m.cells["applications.other_total.total"].value == 3
    assert m.cells["applications.total_processed.natural_person"].value == 6
    assert m.cells["applications.carried_forward.total"].value == 0


def test_unreadable_last_rows_more_than_the_template_prints_stay_unplaced():
    rows = [
        _apps_row([("（五）不予处理", 2, 1), None, "3.要求提供公开出版物"], [1, 0, 0, 0, 0, 0, 1]),
        _apps_row([None, None, "設約是以或重斯出其"], [2, 0, 0, 0, 0, 0, 2]),
        _apps_row([None, ("八具把", 1, 2), None], [3, 0, 0, 0, 0, 0, 3]),
    ]
    m = _apps(rows)
    assert {k.split(".")[1] for k in m.cells} == {"rejected_publication"}


def test_a_poorly_read_label_names_its_row_when_the_printed_order_agrees():
    """gen_001 (seed 1, archive, 120 dpi): "1.属于国家秘密" read "T.属丁 U 国家秘 密" (similarity ~62, under
    the label threshold, no other row near): the row above and below it are the template's neighbours."""
    m = _apps(_denied(["T.属丁 U 国家秘 密", "2.其他法律行政法规禁止公开"]))
    assert m.cells["applications.denied_state_secret.natural_person"].value == 1
    assert m.cells["applications.denied_prohibited_by_law.total"].value == 2


def test_a_poorly_read_label_out_of_the_printed_order_names_nothing():
    """The same reading below the row the template prints after it: not that row."""
    m = _apps(_denied(["2.其他法律行政法规禁止公开", "T.属丁 U 国家秘 密"]))
    assert "applications.denied_state_secret.natural_person" not in m.cells


def _continued(second_page: int, blobs: int) -> dict:
    """A table broken by the page after 予以公开: the next page's fragment, no header of its own, its row
    labels read as blobs (rebitonal gen_001, seed 1: a 100-120 dpi bitonal page printed and rescanned)."""
    first = [
        *APPS_HEADER,
        _apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [5, 1, 0, 0, 0, 0, 6]),
        _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [0, 0, 0, 0, 0, 0, 0]),
        _apps_row([("三、本年度办理结果", 1, 1), ("（一）予以公开", 1, 2), None], [2, 0, 0, 0, 0, 0, 2]),
    ]
    second = [_apps_row([None, None, f"話{k}口"], [k + 1, 0, 0, 0, 0, 0, k + 1]) for k in range(blobs)]
    return map_tables(Document("test", [grid(first), grid(second, page=second_page)]), S).cells


def test_a_continued_tables_unreadable_first_rows_follow_the_previous_pages_last_row():
    """After 予以公开 the template prints exactly 20 rows to its end: a fragment of 20 rows with no label
    read, opening the next page, is those rows."""
    cells = _continued(2, 20)
    assert cells["applications.partially_granted.natural_person"].value == 1
    assert cells["applications.denied_state_secret.total"].value == 2
    assert cells["applications.carried_forward.natural_person"].value == 20


def test_unreadable_rows_follow_no_row_from_a_page_not_just_before_or_when_too_many():
    assert not [k for k in _continued(3, 20) if ".granted." not in k and k.split(".")[1] not in ("new_received", "carried_over")]
    assert "applications.partially_granted.natural_person" not in _continued(2, 21)


def test_unreadable_rows_on_both_sides_of_a_page_break_are_the_rows_the_template_prints_between():
    """rebitonal hongze_2024 (seed 1): the applications table's page ends with five rows whose labels read as
    blobs after 4.保护第三方合法权益, and the next page opens with one more before 3.补正后申请内容仍不明确: the
    template prints exactly six rows between those two, so the rows on both pages are those six."""
    spec = S.templates["2021"].tables["applications"]
    order = list(spec.rows)
    cut = order.index("denied_third_party_rights")

    def row(k: int, label: str | None) -> list[object]:
        return _apps_row([(label or f"話{k}口", 1, 3), None, None], [k, 0, 0, 0, 0, 0, k])

    first = [*APPS_HEADER, *(row(k + 1, spec.rows[r].label) for k, r in enumerate(order[: cut + 1])),
             *(row(k + 1, None) for k in range(cut + 1, cut + 6))]
    second = [row(cut + 7, None), row(cut + 8, spec.rows["unavailable_unclear"].label)]
    m = map_tables(Document("test", [grid(first), grid(second, page=2)]), S)
    for k, r in enumerate(order[cut + 1 : cut + 7], start=cut + 2):
        assert m.cells[f"applications.{r}.natural_person"].value == k, r
    assert not [i for i in m.issues if i.code == "E_UNPLACED_VALUE"]
    m = map_tables(Document("test", [grid(first), grid([*APPS_HEADER, *second], page=2)]), S)  # the header repeated
    assert m.cells["applications.unavailable_needs_creation.natural_person"].value == cut + 7
    assert m.cells["applications.denied_internal_affairs.natural_person"].value == cut + 2
    m = map_tables(Document("test", [grid(first), grid([row(0, None), *second], page=2)]), S)  # one row too many
    assert "applications.denied_internal_affairs.natural_person" not in m.cells


def _active(first_item: str = "一", blob_rows: int = 2) -> list[list[object]]:
    """The 2021 active-disclosure table as a 100 dpi display copy reads it (webcms gen_001, seed 1): each
    article's heading and column headers read, its row labels blobs."""
    return [
        [(f"第二十条第（{first_item}）项", 1, 4), None, None, None],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        *[[f"話{k}口", str(k + 1), "0", "11"] for k in range(blob_rows)],
        [("第二十条第（五）项", 1, 4), None, None, None],
        ["信息内容", ("本年处理决定数量", 1, 3), None, None],
        ["口口", ("447228", 1, 3), None, None],
        [("第二十条第（大)项", 1, 4), None, None, None],  # 六 read 大: the rows by their columns alone
        ["信息内容", ("本年处理决定数量", 1, 3), None, None],
        ["口話", ("3985758", 1, 3), None, None],
        ["話", ("88283", 1, 3), None, None],
    ]


def test_unreadable_rows_are_the_rows_of_the_article_their_header_names():
    cells = map_tables(Document("test", [grid(_active())]), S).cells
    assert cells["active_disclosure.regulations.issued"].value == 1
    assert cells["active_disclosure.normative_documents.issued"].value == 2
    assert cells["active_disclosure.licensing.decisions"].value == 447228
    # 第二十条第（六）项 unread: of the rows that print 本年处理决定数量, those not yet placed
    assert cells["active_disclosure.penalty.decisions"].value == 3985758
    assert cells["active_disclosure.coercion.decisions"].value == 88283


def test_rows_by_the_header_name_nothing_when_the_count_does_not_fit():
    cells = map_tables(Document("test", [grid(_active(blob_rows=3))]), S).cells
    assert not [k for k in cells if ".regulations." in k or ".normative_documents." in k]
    cells = map_tables(Document("test", [grid(_active(first_item="九"))]), S).cells  # no such rows under 本年制发件数
    assert not [k for k in cells if ".regulations." in k or ".normative_documents." in k]


def test_value_columns_begin_where_most_rows_print_a_number():
    """webcms gen_001 (seed 1): only 总计 of the applications header read, and a 0 read "a" in the first
    value column, a 0 read "口" in another row's third, made the labels seem to run into them; the
    columns before 总计 are the template's six,
    from the column where most rows print a number on."""
    header = [list(r) for r in APPS_HEADER]
    header[1][3] = ("白然人", 2, 1)
    header[1][4] = ("法人成其健阳商业", 1, 5)
    header[2][4:9] = ["H注", "长能", "科研", "甲谓", "另"]
    rows = [
        _apps_row([("一、本年新收政府信息公开申请数量", 1, 3), None, None], [5, 1, 0, 0, 0, 0, 6]),
        _apps_row([("二、上年结转政府信息公开申请数量", 1, 3), None, None], [0, 0, 0, 0, 0, 0, 0]),
        _apps_row([("三、本年度办理结果", 1, 1), ("（一）予以公开", 1, 2), None], [2, 0, 0, 0, 0, 0, 2]),
    ]
    rows[0][3] = "a"
    rows[1][5] = "口"  # each row's labels seem to end elsewhere: no two agree
    m = _apps(rows, header)
    assert m.cells["applications.carried_over.natural_person"].value == 0
    assert m.cells["applications.granted.natural_person"].value == 2
    assert m.cells["applications.new_received.commercial_enterprise"].value == 1
    assert "applications.new_received.natural_person" not in m.cells or m.cells[
        "applications.new_received.natural_person"].value is None


def test_rows_by_the_header_skip_a_template_that_does_not_print_a_row_named_there():
    """A 2019 segment naming 其他对外管理服务事项 (a row the 2021 template has not) beside a blob: the 2021
    template is no witness, the 2019 one names the blob (a first version crashed on the 2021 order)."""
    rows = [
        [("第二十条第（五）项", 1, 4), None, None, None],
        ["信息内容", "口口", "口口", "处理决定数量"],  # only the column both templates print read
        ["話口", "2", "5", "0"],
        ["其他对外管理服务事项", "11", "2", "6"],
    ]
    cells = map_tables(Document("test", [grid(rows)]), S).cells
    assert cells["active_disclosure.licensing.decisions"].value == 0
    assert cells["active_disclosure.other_services.decisions"].value == 6



def test_one_header_cell_over_two_columns_names_the_first_by_the_template():
    """toner gen_001 (seed 1): the ruling between 本年增/减 and 处理决定数量 faded, one header cell over both
    read "增Z减处理决定数量" named both 处理决定数量; the first is the column the template prints between."""
    rows = [
        [("第二十条第（六）项", 1, 4), None, None, None],
        ["信息内容", "上一年项目数量", ("增Z减处理决定数量", 1, 2), None],
        ["行政处罚", "3", "-1", "12"],
        ["其他对外管理服务事项", "4", "2", "7"],
    ]
    cells = map_tables(Document("test", [grid(rows)]), S).cells
    assert cells["active_disclosure.penalty.change"].value == -1
    assert cells["active_disclosure.penalty.decisions"].value == 12
    assert cells["active_disclosure.other_services.change"].value == 2
    rows[2] = ["行政处罚", "0", ("8", 1, 2), None]  # one value cell over both too (its 0 lost): either column's
    cells = map_tables(Document("test", [grid(rows)]), S).cells
    assert "active_disclosure.penalty.change" not in cells


def test_an_unread_header_is_named_by_the_columns_its_named_rows_print():
    """toner gen_001 (seed 1): the (五) header faded to "1"s; 行政许可 and 其他对外管理服务事项 read, and only
    the 2019 template prints both: its three columns, as many as the grid has right of the labels."""
    rows = [
        ["1", "1", "1", "1"],
        ["行政许可", "2", "5", "0"],
        ["其他对外管理服务事项", "11", "2", "6"],
    ]
    cells = map_tables(Document("test", [grid(rows)]), S).cells
    assert cells["active_disclosure.licensing.change"].value == 5
    assert cells["active_disclosure.other_services.decisions"].value == 6
    rows[2] = ["行政处罚", "11", "2", "6"]  # both templates print these rows, with 3 and 1 columns: the 2019's fit
    cells = map_tables(Document("test", [grid(rows)]), S).cells
    assert cells["active_disclosure.penalty.previous_year"].value == 11


def _scanned_table(t: Table, confidence: float = 0.95) -> Table:
    """A grid as the scan reader gives it: every cell read by OCR, surely."""
    for row in t.rows:
        for c in row:
            if c is not None:
                c.method, c.confidence = "ocr:test", confidence
    return t


def _scanned(rows: list[list[object]], confidence: float = 0.95, page: int = 1) -> Document:
    return Document("test", [_scanned_table(grid(rows, page=page), confidence)])


GARBLED_REVIEW = [  # in8b_forward gen_001 p3: a 95 dpi screenshot's header, read as fragments and numbers
    ["3", "", "政复议", "", "2", "行政诉论", *[""] * 9],
    ["结果 维持", "结甲 纠正", "其他 情果", "簡牙 服結", "e计", "156", "根量复仅看接起诉", "", "", "", "复议后起诉",
     "", "", "", ""],
    ["", "", "", "", "", "结果 维持", "结果期正", "其迪结果", "尚未 审請", "Si", "结果 维持", "结果 纠正", "其他 结果",
     "尚未 审结", "01"],
]


def test_a_garbled_review_header_names_its_fifteen_values_by_printed_order_and_not_surely():
    """in8b_forward gen_001 p3: 13 of 15 digits right, none mapped, as the header named no column."""
    values = ["0", "0", "9", "", "0", "0", "1", "0", "0", "1", "0", "1", "1", "0", "2"]
    m = map_tables(_scanned([*GARBLED_REVIEW, values]), S)
    assert m.cells["review_litigation.review.other"].value == 9
    assert m.cells["review_litigation.litigation_direct.total"].value == 1
    assert m.cells["review_litigation.litigation_after_review.total"].value == 2
    assert m.cells["review_litigation.review.pending"].value is None
    assert len(m.cells) == 15
    assert all(c.confidence == Doubt.INFERRED.most for c in m.cells.values())
    assert all(Doubt.INFERRED in c.doubts for c in m.cells.values())  # the reason carried, for the rules to lift


def test_a_garbled_review_header_over_a_column_more_than_printed_names_nothing_by_order():
    header = [[*r, ""] for r in GARBLED_REVIEW]
    m = map_tables(_scanned([*header, [str(i) for i in range(16)]]), S)
    assert not m.cells


def test_a_review_header_that_names_a_column_against_the_printed_order_names_nothing_by_order():
    header = [["" if c in ("3", "2", "156", "01") else c for c in r] for r in GARBLED_REVIEW]  # read as a header
    header[2][5] = "总计"  # the order says litigation_direct.upheld stands there
    m = map_tables(_scanned([*header, [str(i) for i in range(15)]]), S)
    assert set(m.cells) == {"review_litigation.review.other", "review_litigation.litigation_after_review.upheld"}
    assert all(c.confidence == 0.95 for c in m.cells.values())  # what the header names, read: sure


def test_a_row_named_by_its_neighbours_is_not_sure_until_the_rules_vouch_for_it():
    rows = [
        _apps_row([("（五）不予处理", 3, 1), None, "4.无正当理由大量反复申请"], [1, 0, 0, 0, 0, 0, 1]),
        _apps_row([None, None, "設約是以或重斯出其"], [2, 0, 0, 0, 0, 0, 2]),
        _apps_row([None, ("（六）其他处理", 1, 2), None], [3, 0, 0, 0, 0, 0, 3]),
    ]
    m = map_tables(_scanned([*APPS_HEADER, *rows]), S)
    named = m.cells["applications.rejected_confirmation.natural_person"]
    assert named.value == 2 and named.confidence == Doubt.INFERRED.most
    assert m.cells["applications.rejected_excessive.natural_person"].confidence == 0.95  # its label was read
    confirm_inferred(m.cells, RuleChecker(S).confirmed({k: c.value for k, c in m.cells.items()}))
    assert m.cells["applications.rejected_confirmation.total"].confidence == 0.95  # 2 + 0 + ... = 2: vouched for
    m2 = map_tables(_scanned([*APPS_HEADER, *rows]), S)
    m2.cells["applications.rejected_confirmation.total"].value = 3  # a row that does not add up stays unsure
    confirm_inferred(m2.cells, RuleChecker(S).confirmed({k: c.value for k, c in m2.cells.items()}))
    assert m2.cells["applications.rejected_confirmation.natural_person"].confidence == Doubt.INFERRED.most


def test_a_continuation_lying_elsewhere_on_its_page_is_named_by_its_own_count_of_values():
    """in8_bound gen_001 p2: a book's next page lies further left and is drawn wider than the first page's
    table, its ten columns split otherwise; aligned by position, the first page's header named 4 of its 7
    value columns, wrongly (rejected_excessive's 1 lost). Counted from where its labels end, all 7."""
    first_cols = [165.6, 199.9, 266.3, 298.1, 328.6, 343.3, 358.7, 384.3, 409.3, 432.3, 453.7]
    header = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 2), None, ("申请人情况", 1, 8)] + [None] * 7,
        [None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 7), None, None, None, None, None, None],
        [None, None, None, "商业企业", "科研机构", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    first = grid([*header, [("一、本年新收政府信息公开申请数量", 1, 2), None, "1", "0", "0", "0", "0", "0", "0", "1"]],
                 columns=first_cols)
    cont_cols = [112.8, 148.1, 183.1, 217.6, 251.9, 285.4, 318.6, 350.7, 381.8, 411.9, 440.5]
    cont = grid([
        [("三、本年度办理结果", 3, 1), ("（五）不予处理", 3, 1), "3.要求提供公开出版物", "0", "0", "0", "0", "0", "0", "0"],
        [None, None, "4.无正当理由大量反复申请", "1", "0", "0", "0", "0", "0", "1"],
        [None, None, "5.要求行政机关确认或重新出具已获取信息", "0", "0", "0", "0", "0", "2", "2"],
    ], page=2, columns=cont_cols)
    m = map_tables(Document("test", [first, TextLine("- 3 -"), cont]), S)
    assert m.cells["applications.rejected_excessive.natural_person"].value == 1
    assert m.cells["applications.rejected_excessive.total"].value == 1
    assert m.cells["applications.rejected_confirmation.other_org"].value == 2
    assert len([k for k in m.cells if ".rejected_" in k]) == 21


def test_columns_named_by_another_pages_header_by_position_are_inferred_not_read():
    """review9: a continuation without a header of its own takes the first page's by aligning the grids. Where
    it draws the same column lines, its columns are the header's, read; where its lines stand elsewhere (a
    book's next page, another scale), the header is aligned by position: its columns are inferred, held at
    Doubt.INFERRED until the rules vouch (in8b_forward s2 huaian_2024: a label-less fragment's 1 at 0.997)."""
    cols = [165.6, 199.9, 266.3, 298.1, 328.6, 343.3, 358.7, 384.3, 409.3, 432.3, 453.7]
    header = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 2), None, ("申请人情况", 1, 8)] + [None] * 7,
        [None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 7), None, None, None, None, None, None],
        [None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "", "总计"],
    ]
    first = _scanned_table(grid([*header, [("一、本年新收政府信息公开申请数量", 1, 2), None, "1", "0", "0", "0", "0", "0", "1", "2"]],
                 columns=cols))
    rows = [[("二、上年结转政府信息公开申请数量", 1, 2), None, "3", "0", "0", "0", "0", "0", "0", "3"]]
    same = map_tables(Document("test", [first, TextLine("- 3 -"), _scanned_table(grid(rows, page=2, columns=cols))]), S)
    carried = [c for k, c in same.cells.items() if ".carried_over." in k]
    assert carried and all(Doubt.INFERRED not in c.doubts for c in carried)
    moved = [x - 40 + (12 if k == 4 else 0) for k, x in enumerate(cols)]  # elsewhere, one line split otherwise
    other = map_tables(Document("test", [first, TextLine("- 3 -"), _scanned_table(grid(rows, page=2, columns=moved))]), S)
    carried = [c for k, c in other.cells.items() if ".carried_over." in k]
    assert carried and all(Doubt.INFERRED in c.doubts and c.confidence <= Doubt.INFERRED.most for c in carried)
    assert {c.column: c.value for c in carried} == {c.column: c.value for c in same.cells.values()
                                                    if c.row == "carried_over"}


def test_a_continuation_aligned_by_its_right_edge_under_a_header_with_a_split_column_is_named_by_its_count():
    """bound9's right-edge alignment (a continuation drawn wider than its header's page) and map9's naming by
    the continuation's own count of values, combined: the header's page splits a column in two (科研机构
    twice), so the right edge names as many numbers as the count, one column off (natural_person on the
    labels' last column); the tie went to the right edge and lost natural_person's value."""
    first_cols = [0.0, 60.0, 120.0, 150.0, 180.0, 195.0, 210.0, 240.0, 270.0, 300.0, 330.0]
    header = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 2), None, ("申请人情况", 1, 8)] + [None] * 7,
        [None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 7), None, None, None, None, None, None],
        [None, None, None, "商业企业", "科研机构", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    first = grid([*header, [("一、本年新收政府信息公开申请数量", 1, 2), None, "3", "0", "0", "0", "0", "0", "0", "3"]],
                 columns=first_cols)
    cont_cols = [-80.0, -40.0, 0.0, 80.0, 120.0, 160.0, 200.0, 240.0, 280.0, 320.0, 360.0]  # wider, elsewhere
    cont = grid([
        [("三、本年度办理结果", 2, 1), ("（四）无法提供", 2, 1), "1.本机关不掌握相关政府信息", "5", "1", "0", "0", "0", "2", "8"],
        [None, None, "2.没有现成信息需要另行制作", "4", "0", "0", "0", "0", "0", "4"],
    ], page=2, columns=cont_cols)
    m = map_tables(Document("test", [first, TextLine("- 4 -"), cont]), S)
    assert m.cells["applications.unavailable_not_held.natural_person"].value == 5
    assert m.cells["applications.unavailable_not_held.commercial_enterprise"].value == 1
    assert m.cells["applications.unavailable_not_held.other_org"].value == 2
    assert m.cells["applications.unavailable_not_held.total"].value == 8
    assert m.cells["applications.unavailable_needs_creation.natural_person"].value == 4


def _unavailable_after(first: Table, cols: list[float]) -> list:
    """The 无法提供 cells of a page-2 continuation drawn on ``cols``, mapped after ``first``."""
    cont = _scanned_table(grid([
        [("三、本年度办理结果", 2, 1), ("（四）无法提供", 2, 1), "1.本机关不掌握相关政府信息", "5", "1", "0", "0", "0", "2", "8"],
        [None, None, "2.没有现成信息需要另行制作", "4", "0", "0", "0", "0", "0", "4"],
    ], page=2, columns=cols))
    m = map_tables(Document("test", [first, TextLine("- 4 -"), cont]), S)
    return [c for k, c in m.cells.items() if ".unavailable_" in k]


def test_a_continuation_drawing_its_headers_grid_named_by_its_count_has_every_column_inferred():
    """review10: a continuation drawing the same column lines as its header's page, the header split a column
    in two (科研机构 twice), names its values by its own count (its labels end a column later than the header
    says). Its columns named so are inferred, as on a continuation whose header is aligned by position; the
    four that the shifted header happened to name alike counted as read and were sure (1.0)."""
    cols = [0.0, 60.0, 120.0, 150.0, 180.0, 195.0, 210.0, 240.0, 270.0, 300.0, 330.0]
    header = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 2), None, ("申请人情况", 1, 8)] + [None] * 7,
        [None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 7), None, None, None, None, None, None],
        [None, None, None, "商业企业", "科研机构", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
    ]
    first = _scanned_table(grid([*header, [("一、本年新收政府信息公开申请数量", 1, 2), None, "3", "0", "0", "0", "0", "0",
                                           "0", "3"]], columns=cols))
    held = _unavailable_after(first, cols)
    assert {(c.row, c.column): c.value for c in held if c.value} == {
        ("unavailable_not_held", "natural_person"): 5, ("unavailable_not_held", "commercial_enterprise"): 1,
        ("unavailable_not_held", "other_org"): 2, ("unavailable_not_held", "total"): 8,
        ("unavailable_needs_creation", "natural_person"): 4, ("unavailable_needs_creation", "total"): 4}
    assert len(held) == 14 and all(Doubt.INFERRED in c.doubts and c.confidence == Doubt.INFERRED.most for c in held)


def test_a_continuation_drawing_its_headers_grid_whose_count_names_its_columns_alike_keeps_them_read():
    """The count of a continuation's values that names its columns as the header does changes nothing: they stay
    read, sure (gen_042's active-disclosure continuation went to 0.75 when every count was taken for a renaming)."""
    cols = [0.0, 60.0, 100.0, 140.0, 170.0, 200.0, 230.0, 260.0, 290.0, 320.0, 350.0]
    header = [
        [("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3), None, None, ("申请人情况", 1, 7)] + [None] * 6,
        [None, None, None, ("自然人", 2, 1), ("法人或其他组织", 1, 5), None, None, None, None, ("总计", 2, 1)],
        [None, None, None, None, "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", None],
    ]
    first = _scanned_table(grid([*header, [("一、本年新收政府信息公开申请数量", 1, 3), None, None, "3", "0", "0", "0", "0",
                                           "0", "3"]], columns=cols))
    held = _unavailable_after(first, cols)
    assert len(held) == 14 and {(c.row, c.column): c.value for c in held}[("unavailable_not_held", "other_org")] == 2
    assert all(not c.doubts and c.confidence == 0.95 for c in held)


def test_rows_whose_labels_were_lost_at_a_page_end_are_the_rows_the_template_prints_before_the_next_pages():
    """in10_microfilm hongze_2023 (seed 1): a negative microfilm print thresholded for a bitonal scan lost its light
    label face, so after 上年结转 the page ends with twelve rows of values whose label cells hold nothing (the first)
    or glyph dust; the next page opens with 3.补正后申请内容仍不明确. The template prints exactly twelve rows between
    those two: the rows are those twelve, a row with no label text at all among them, their place inferred."""
    spec = S.templates["2021"].tables["applications"]
    order = list(spec.rows)
    start, stop = order.index("carried_over"), order.index("unavailable_unclear")

    def row(k: int, label: str) -> list[object]:
        return _apps_row([(label, 1, 3), None, None], [k, 0, 0, 0, 0, 0, k])

    lost = ["", *(f"話{k}口" for k in range(stop - start - 2))]
    first = [*APPS_HEADER, *(row(k + 1, spec.rows[r].label) for k, r in enumerate(order[: start + 1])),
             *(row(start + 2 + k, label) for k, label in enumerate(lost))]
    second = [row(stop + 1, spec.rows["unavailable_unclear"].label)]
    m = map_tables(Document("test", [*_scanned(first).blocks, *_scanned(second, page=2).blocks]), S)
    for k, r in enumerate(order[start + 1 : stop], start=start + 2):
        assert m.cells[f"applications.{r}.natural_person"].value == k, r
    assert Doubt.INFERRED in m.cells["applications.granted.total"].doubts
    assert not [i for i in m.issues if i.code == "E_UNPLACED_VALUE"]


# webcms huaian_2024 (seed 1): the applications table's labels and header as a 720 px wide web copy of a bitonal
# print reads them (13 rows on page 4, 12 on page 5); not one reads as its row or column
_WEBCMS_HEADER = [
    [("「本列睡蛋的幻帕是品为：看一用加筆項之和。導千納一項加津料項之和）", 3, 3), None, None, ("中國人情說", 1, 7)] + [None] * 6,
    [None, None, None, ("白第人", 2, 1), ("注人或其他吧吸", 1, 5), None, None, None, None, ("单计", 2, 1)],
    [None, None, None, None, "高生是量", "川威電 動", "社公公益 範氣", "註陳獻秀 訓拘", "美物", None],
]
_WEBCMS_LABELS = [
    "“、本年新收敗軒临事公斤中消睡量", "二.上年必钟政育的身公月申可障量", "(一) ÷u分开",
    "《二）被舟公平（區分故理的，只可述一帽 副，不计其地論划）", "1. 点中国家社雪", "主基他止非指政消試物止公件",
    "1电是“三字套一條式”", "4.佩护區三方語種組藏", "1馬于正國內部事音由島", "在義手聯員達任性信息", "-7.&子計激林d自息",
    "匯義于門通查論寧用", "1. 字帆段軍最显相益些或体息",
    "2. 以有风风性高方真厅行制节", "3.朴正前中请内書停不明明", "1.性博准期投诉是申清", "2.重乳中请", "3. 美喜具制公开止组构",
    "4元正当理內大量反更中滑", "5.要表行控讽关确认我要析出 具已获取性息",
    "1.申涵天毛子当理由適期不證 正、行致帆关不再睡球其は府目 息公有申滑",
    "2、中请人確期承旗收雪通加費 成識的黃用，非明概式不再疑坦 其教所性包公开中指", "3、其纯", "【七）热计", "四、仿转F年度植实小界",
]


def _unlabelled(labels: list[str], on_first: int = 13):
    rows = [_apps_row([(label, 1, 3), None, None], [k + 1, 0, 0, 0, 0, 0, k + 1]) for k, label in enumerate(labels)]
    first = grid([*_WEBCMS_HEADER, *rows[:on_first]], page=4)
    second = grid(rows[on_first:], page=5)
    for cell in (c for t in (first, second) for row in t.rows for c in row if c is not None):
        cell.method = "ocr:test"
    return map_tables(Document("test", [TextLine("三、收到和处理政府信息公开申请情况"), first, TextLine("- 4 -"), second]), S)


def test_a_table_whose_rows_no_label_names_is_placed_in_the_templates_order_when_its_rows_fit():
    """webcms huaian_2024: 13 + 12 data rows under a header read as nothing, labels read as 州/点中国家社雪:
    exactly the 25 rows the 2021 template prints with （六） as three rows, and the labels read more like
    those rows than like the rows one or two up or down. Placed in that order, every value inferred."""
    m = _unlabelled(_WEBCMS_LABELS)
    order = [r for r in S.templates["2021"].tables["applications"].rows if r != "other_total"]
    for k, rid in enumerate(order):
        cell = m.cells[f"applications.{rid}.natural_person"]
        assert cell.value == k + 1, rid
        assert Doubt.INFERRED in cell.doubts and cell.confidence <= Doubt.INFERRED.most
        assert m.cells[f"applications.{rid}.total"].value == k + 1
    assert len([c for c in m.cells if c.startswith("applications.")]) == 25 * 7
    assert not [i for i in m.issues if i.code == "E_UNPLACED_VALUE"]
    assert sum(t.cells_mapped for t in m.tables) == 25 * 7


def test_unlabelled_rows_are_not_placed_by_order_when_a_row_is_lost_or_their_labels_say_nothing():
    """A row less or more than any printed form (a row lost or a header line taken for data would shift them
    all), or labels that read no more like their rows than like their neighbours': nothing is placed, the
    values stay unplaced."""
    for m in (_unlabelled(_WEBCMS_LABELS[:-1]), _unlabelled([*_WEBCMS_LABELS[:5], "話口", *_WEBCMS_LABELS[5:]]),
              _unlabelled(["話口"] * 25)):
        assert not [c for c in m.cells if c.startswith("applications.")]
        assert [i for i in m.issues if i.code == "E_UNPLACED_VALUE"]



def test_rows_placed_by_the_templates_order_stay_unsure_where_the_rules_vouch():
    """review11: a value placed by the printed order alone was lifted back to its reading's claim (0.95) by
    ``confirm_inferred`` wherever the rules held, but a row swapped with its neighbour inside a group still
    sums: the rules cannot vouch for the row. Vouched for, every such value stays at ``Doubt.ORDERED``'s cap."""
    m = _unlabelled(_WEBCMS_LABELS)
    placed = {k: c for k, c in m.cells.items() if k.startswith("applications.")}
    for c in placed.values():
        c.read = 0.95
        c.confidence = held(c.read, c.doubts)
    confirm_inferred(m.cells, set(placed))
    assert all(Doubt.ORDERED in c.doubts and c.confidence <= Doubt.ORDERED.most < 0.8 for c in placed.values())
