"""The three standard tables as abstract grids (text, rowspan, colspan), rendered by the Word and HTML writers."""

from __future__ import annotations

import random
from dataclasses import dataclass

from .values import APPLICANTS, REVIEW_COLS, REVIEW_ROWS, Numbers

Spec = tuple[str, int, int]  # text, rowspan, colspan


@dataclass
class Grid:
    ncols: int
    rows: list[list[Spec | None]]
    widths: list[float]
    """Relative column widths."""
    header_rows: int = 0
    """Rows to repeat on a new page (Word "repeat header row")."""


def _place(ncols: int, specs: list[list[tuple[int, Spec]]]) -> list[list[Spec | None]]:
    """Rows from (column, spec) pairs; covered positions become None."""
    grid: list[list[Spec | None]] = [[None] * ncols for _ in specs]
    covered: set[tuple[int, int]] = set()
    for r, row in enumerate(specs):
        for c, spec in row:
            if (r, c) in covered:
                raise ValueError(f"overlap at {(r, c)}")
            grid[r][c] = spec
            for dr in range(spec[1]):
                for dc in range(spec[2]):
                    if (dr, dc) != (0, 0):
                        covered.add((r + dr, c + dc))
    return grid


@dataclass
class Style:
    """Label variations seen in real reports."""

    arabic_sep: str
    paren: tuple[str, str]
    typo: bool
    wrap: bool
    space_in_labels: bool

    @staticmethod
    def pick(rng: random.Random) -> Style:
        return Style(
            rng.choice([".", ".", "、", "．"]), rng.choice([("（", "）"), ("（", "）"), ("(", ")")]),
            rng.random() < 0.25, rng.random() < 0.5, rng.random() < 0.2,
        )

    def cn(self, n: str, text: str) -> str:
        return f"{self.paren[0]}{n}{self.paren[1]}{text}"

    def num(self, n: int, text: str) -> str:
        return f"{n}{self.arabic_sep}{text}"

    def wrapped(self, text: str, at: int) -> str:
        return text[:at] + "\n" + text[at:] if self.wrap and len(text) > at else text


def active_2021(n: Numbers, st: Style) -> Grid:
    p = n.printed
    repealed = "本年度止件数" if st.typo else "本年废止件数"
    rows: list[list[tuple[int, Spec]]] = [
        [(0, ("第二十条第（一）项", 1, 4))],
        [(0, ("信息内容", 1, 1)), (1, ("本年制发件数", 1, 1)), (2, (repealed, 1, 1)), (3, ("现行有效件数", 1, 1))],
    ]
    for row, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件")):
        rows.append([(0, (label, 1, 1))] + [(i + 1, (p[f"active_disclosure.{row}.{c}"], 1, 1)) for i, c in enumerate(("issued", "repealed", "in_force"))])
    for art, items in (("（五）", [("licensing", "行政许可")]), ("（六）", [("penalty", "行政处罚"), ("coercion", "行政强制")])):
        rows.append([(0, (f"第二十条第{art}项", 1, 4))])
        rows.append([(0, ("信息内容", 1, 1)), (1, ("本年处理决定数量", 1, 3))])
        for row, label in items:
            rows.append([(0, (label, 1, 1)), (1, (p[f"active_disclosure.{row}.decisions"], 1, 3))])
    rows.append([(0, ("第二十条第（八）项", 1, 4))])
    rows.append([(0, ("信息内容", 1, 1)), (1, ("本年收费金额（单位：万元）", 1, 3))])
    rows.append([(0, ("行政事业性收费", 1, 1)), (1, (p["active_disclosure.fees.amount"], 1, 3))])
    return Grid(4, _place(4, rows), [2.2, 1.3, 1.3, 1.3])


def active_2019(n: Numbers, st: Style) -> Grid:
    p = n.printed
    rows: list[list[tuple[int, Spec]]] = [
        [(0, ("第二十条第（一）项", 1, 4))],
        [(0, ("信息内容", 1, 1)), (1, ("本年新制作数量", 1, 1)), (2, ("本年新公开数量", 1, 1)), (3, ("对外公开总数量", 1, 1))],
    ]
    for row, label in (("regulations", "规章"), ("normative_documents", "规范性文件")):
        rows.append([(0, (label, 1, 1))] + [(i + 1, (p[f"active_disclosure.{row}.{c}"], 1, 1)) for i, c in enumerate(("new_made", "new_published", "total_published"))])
    for art, items in (("（五）", [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]), ("（六）", [("penalty", "行政处罚"), ("coercion", "行政强制")])):
        rows.append([(0, (f"第二十条第{art}项", 1, 4))])
        rows.append([(0, ("信息内容", 1, 1)), (1, ("上一年项目数量", 1, 1)), (2, ("本年增/减", 1, 1)), (3, ("处理决定数量", 1, 1))])
        for row, label in items:
            rows.append([(0, (label, 1, 1))] + [(i + 1, (p[f"active_disclosure.{row}.{c}"], 1, 1)) for i, c in enumerate(("previous_year", "change", "decisions"))])
    rows.append([(0, ("第二十条第（八）项", 1, 4))])
    rows.append([(0, ("信息内容", 1, 1)), (1, ("上一年项目数量", 1, 1)), (2, ("本年增/减", 1, 2))])
    rows.append([(0, ("行政事业性收费", 1, 1)), (1, (p["active_disclosure.fees.previous_year"], 1, 1)), (2, (p["active_disclosure.fees.change"], 1, 2))])
    rows.append([(0, ("第二十条第（九）项", 1, 4))])
    rows.append([(0, ("信息内容", 1, 1)), (1, ("采购项目数量", 1, 1)), (2, ("采购总金额", 1, 2))])
    rows.append([(0, ("政府集中采购", 1, 1)), (1, (p["active_disclosure.procurement.projects"], 1, 1)), (2, (p["active_disclosure.procurement.amount"], 1, 2))])
    return Grid(4, _place(4, rows), [2.2, 1.3, 1.3, 1.3])


DENIED = [("denied_state_secret", "属于国家秘密"), ("denied_prohibited_by_law", "其他法律行政法规禁止公开"),
          ("denied_security_stability", "危及“三安全一稳定”"), ("denied_third_party_rights", "保护第三方合法权益"),
          ("denied_internal_affairs", "属于三类内部事务信息"), ("denied_process_information", "属于四类过程性信息"),
          ("denied_enforcement_files", "属于行政执法案卷"), ("denied_inquiry_matters", "属于行政查询事项")]
UNAVAILABLE = [("unavailable_not_held", "本机关不掌握相关政府信息"), ("unavailable_needs_creation", "没有现成信息需要另行制作"),
               ("unavailable_unclear", "补正后申请内容仍不明确")]
REJECTED = [("rejected_petition", "信访举报投诉类申请"), ("rejected_duplicate", "重复申请"), ("rejected_publication", "要求提供公开出版物"),
            ("rejected_excessive", "无正当理由大量反复申请"), ("rejected_confirmation", "要求行政机关确认或重新出具已获取信息")]
OTHER = [("other_no_correction", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
         ("other_unpaid_fee", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"), ("other_other", "其他")]


def applications(n: Numbers, st: Style) -> Grid:
    p = n.printed
    cols = [*APPLICANTS, "total"]

    def values(row: str) -> list[tuple[int, Spec]]:
        return [(3 + i, (p[f"applications.{row}.{c}"], 1, 1)) for i, c in enumerate(cols)]

    partial = "部分公开（区分处理的，只计这一情形，不计其他情形）"
    if st.space_in_labels:
        partial = partial.replace("这一情形", "这一情 形")
    rows: list[list[tuple[int, Spec]]] = [
        [(0, ("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, 3)), (3, ("申请人情况", 1, 7))],
        [(3, ("自然人", 2, 1)), (4, ("法人或其他组织", 1, 5)), (9, ("总计", 2, 1))],
        [(4, (st.wrapped("商业企业", 2), 1, 1)), (5, (st.wrapped("科研机构", 2), 1, 1)), (6, ("社会公益组织", 1, 1)), (7, ("法律服务机构", 1, 1)), (8, ("其他", 1, 1))],
        [(0, ("一、本年新收政府信息公开申请数量", 1, 3)), *values("new_received")],
        [(0, ("二、上年结转政府信息公开申请数量", 1, 3)), *values("carried_over")],
    ]
    others = [("other_total", "")] if n.other_one_row else OTHER
    n_result_rows = 2 + len(DENIED) + len(UNAVAILABLE) + len(REJECTED) + len(others) + 1
    result_label = "三、本年度办理结果" if not st.wrap else "三\n、\n本\n年\n度\n办\n理\n结\n果"
    rows.append([(0, (result_label, n_result_rows, 1)), (1, (st.cn("一", "予以公开"), 1, 2)), *values("granted")])
    rows.append([(1, (st.cn("二", st.wrapped(partial, 14)), 1, 2)), *values("partially_granted")])
    for group_no, group, items in (("三", "不予公开", DENIED), ("四", "无法提供", UNAVAILABLE), ("五", "不予处理", REJECTED)):
        for i, (row, label) in enumerate(items):
            if st.typo and row == "denied_prohibited_by_law":
                label = "其他法律行政止公开"
            lead = [(1, (st.cn(group_no, group), len(items), 1))] if i == 0 else []
            rows.append([*lead, (2, (st.num(i + 1, label), 1, 1)), *values(row)])
    if n.other_one_row:
        rows.append([(1, (st.cn("六", "其他处理"), 1, 2)), *values("other_total")])
    else:
        for i, (row, label) in enumerate(OTHER):
            lead = [(1, (st.cn("六", "其他处理"), 3, 1))] if i == 0 else []
            rows.append([*lead, (2, (st.num(i + 1, label), 1, 1)), *values(row)])
    rows.append([(1, (st.cn("七", "总计"), 1, 2)), *values("total_processed")])
    rows.append([(0, ("四、结转下年度继续办理", 1, 3)), *values("carried_forward")])
    return Grid(10, _place(10, rows), [0.5, 1.1, 2.4, 0.8, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7], header_rows=3)


def review(n: Numbers, st: Style) -> Grid:
    p = n.printed
    labels = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    row1: list[tuple[int, Spec]] = [(i, (st.wrapped(lab, 2), 2, 1)) for i, lab in enumerate(labels)]
    row1 += [(5, ("未经复议直接起诉", 1, 5)), (10, ("复议后起诉", 1, 5))]
    row2 = [(5 + i, (st.wrapped(lab, 2), 1, 1)) for i, lab in enumerate(labels * 2)]
    vals = [(i, (p[f"review_litigation.{r}.{c}"], 1, 1)) for i, (r, c) in enumerate((r, c) for r in REVIEW_ROWS for c in REVIEW_COLS)]
    rows = [[(0, ("行政复议", 1, 5)), (5, ("行政诉讼", 1, 10))], row1, row2, vals]
    return Grid(15, _place(15, rows), [1.0] * 15, header_rows=3)
