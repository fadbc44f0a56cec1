"""Rules across years (data dictionary ``continuity:``): one body's report against the year before.

Checked only between consecutive years: this year's 上年结转 is last year's 结转下年度继续办理, not
that of two years ago. Findings have the in-report format; their cells carry the year they were
printed in (``2023:applications.carried_forward.total``) so both reports' cells are named.
"""

from __future__ import annotations

from collections.abc import Mapping

from gongkai.extract.domain.model import Finding
from gongkai.extract.domain.schema import ContinuityRuleSpec, Schema, schema

Values = Mapping[str, float | int | None]


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def cell_ref(year: int, cell: str) -> str:
    return f"{year}:{cell}"


class ContinuityChecker:
    def __init__(self, sch: Schema | None = None):
        self.rules = (sch or schema()).continuity

    @property
    def cells(self) -> set[str]:
        """Every cell id some continuity rule reads (to load no more than these from a database)."""
        return {t.at(line) for r in self.rules for t in r.lhs + r.rhs for line in r.lines}

    def check(self, last: Values, this: Values, last_year: int, this_year: int) -> list[Finding]:
        if this_year - last_year != 1:
            return []
        out: list[Finding] = []
        for rule in self.rules:
            out.extend(self._check(rule, last, this, last_year, this_year))
        return out

    def _check(
        self, rule: ContinuityRuleSpec, last: Values, this: Values, last_year: int, this_year: int
    ) -> list[Finding]:
        reports = {"this": (this, this_year), "last": (last, last_year)}
        out = []
        for line in rule.lines:
            terms = [(t, t.at(line)) for t in rule.lhs + rule.rhs]
            if any(cell not in reports[t.report][0] for t, cell in terms):
                continue  # not printed in one of the two reports (another template, a lost table)

            def side(ts, line=line) -> float:
                return sum(t.sign * (reports[t.report][0][t.at(line)] or 0) for t in ts)

            printed, expected = side(rule.lhs), side(rule.rhs)
            if abs(printed - expected) <= 1e-6:
                continue
            where = _where(rule, line)
            refs = [cell_ref(reports[t.report][1], cell) for t, cell in terms]
            lhs_text = " + ".join(f"{reports[t.report][1]} {t.at(line).split('.', 1)[1]}" for t in rule.lhs)
            rhs_text = " ".join(
                f"{'-' if t.sign < 0 else '+'} {reports[t.report][1]} {t.at(line).split('.', 1)[1]}" for t in rule.rhs
            ).lstrip("+ ")
            out.append(
                Finding(
                    rule=rule.id,
                    severity=rule.severity,  # type: ignore[arg-type]
                    where=where,
                    cells=refs,
                    message=f"{lhs_text} = {_fmt(printed)} but {rhs_text} = {_fmt(expected)} ({where})",
                    expected=float(expected),
                    printed=float(printed),
                )
            )
        return out


def _where(rule: ContinuityRuleSpec, line: str) -> str:
    """"applications.*.total" (down a column) or "active_disclosure.normative_documents.*" (along a row)."""
    return f"{rule.table}.*.{line}" if rule.along == "column" else f"{rule.table}.{line}.*"
