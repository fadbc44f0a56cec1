"""The data dictionary loads as expected and the rules find exactly the broken sums."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import schema

S = schema()
APPS = S.table("2021", "applications")
COLS = [c for c in APPS.columns if c != "total"]


def test_templates_and_cell_counts():
    assert set(S.templates) == {"2021", "2019"}
    assert len(S.table("2021", "active_disclosure").cell_ids()) == 10
    assert len(S.table("2019", "active_disclosure").cell_ids()) == 22
    assert "other_no_correction" not in S.table("2019", "applications").rows
    assert len(S.table("2021", "review_litigation").cell_ids()) == 15
    assert [r.id for r in S.rules] == [
        "applications.balance",
        "applications.results_sum",
        "applications.other_sum",
        "applications.row_total",
        "review_litigation.row_total",
    ]


def _consistent_apps(draw_counts: list[int], three_rows: bool) -> dict[str, int | None]:
    """A consistent applications table from per-result-row counts for one column, copied to natural_person."""
    result_rows = [
        r for r in APPS.rows if r.startswith(("granted", "partially", "denied_", "unavailable_", "rejected_"))
    ]
    other = ["other_no_correction", "other_unpaid_fee", "other_other"] if three_rows else ["other_total"]
    rows = result_rows + other
    vals = dict(zip(rows, draw_counts[: len(rows)], strict=False))
    total = sum(vals.values())
    vals["total_processed"] = total
    vals["carried_forward"] = draw_counts[-1]
    vals["new_received"] = total + draw_counts[-1]
    vals["carried_over"] = 0
    cells: dict[str, int | None] = {}
    for row, v in vals.items():
        for col in APPS.columns:
            cells[f"applications.{row}.{col}"] = v if col in ("natural_person", "total") else 0
    return cells


@settings(max_examples=60)
@given(st.lists(st.integers(0, 500), min_size=26, max_size=26), st.booleans())
def test_consistent_tables_have_no_findings(counts, three_rows):
    assert RuleChecker(S).check(_consistent_apps(counts, three_rows)) == []


@settings(max_examples=60)
@given(st.lists(st.integers(0, 500), min_size=26, max_size=26), st.integers(1, 50))
def test_one_changed_total_breaks_exactly_the_expected_rules(counts, delta):
    cells = _consistent_apps(counts, True)
    cells["applications.total_processed.natural_person"] += delta
    got = sorted((v.rule, v.where) for v in RuleChecker(S).check(cells))
    assert got == [
        ("applications.balance", "applications.*.natural_person"),
        ("applications.results_sum", "applications.*.natural_person"),
        ("applications.row_total", "applications.total_processed.*"),
    ]


def test_blank_counts_as_zero_and_other_total_is_derived():
    cells = _consistent_apps([1] * 26, True)
    cells["applications.other_other.natural_person"] = None
    cells["applications.other_other.total"] = None
    found = {(v.rule, v.where) for v in RuleChecker(S).check(cells)}
    # the blank row makes (七)总计 exceed the sum of results in both columns
    assert ("applications.results_sum", "applications.*.natural_person") in found
    assert ("applications.other_sum", "applications.*.natural_person") not in found  # other_total not printed


def test_review_row_total_message_names_values():
    cells = {
        f"review_litigation.review.{c}": v
        for c, v in zip(["upheld", "corrected", "other", "pending", "total"], [10, 1, 0, 0, 0], strict=True)
    }
    (v,) = RuleChecker(S).check(cells)
    assert v.where == "review_litigation.review.*" and v.expected == 11 and v.printed == 0
    assert "11" in v.message and "total = 0" in v.message
