"""Checking the report's own arithmetic (勾稽关系) with the data dictionary's rules.

A broken rule is a finding; printed values are never changed. A blank cell counts
as 0. A rule is checked only where its cells were printed; a term that was not
printed but that another rule defines as a sum (other_total = the three other_*
rows) is derived from that sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gongkai.extract.domain.schema import RuleSpec, Schema, Term

Severity = Literal["error", "warning", "info"]


@dataclass
class RuleViolation:
    rule: str
    where: str
    """"applications.*.total" (checked down a column) or "review_litigation.review.*" (along a row)."""
    cells: list[str]
    expected: float
    printed: float
    message: str


@dataclass
class _Line:
    """One line (a row or a column) a rule was checked on, held or broken."""

    rule: RuleSpec
    where: str
    cells: list[str]
    lhs: float
    rhs: float

    @property
    def holds(self) -> bool:
        return abs(self.lhs - self.rhs) <= 1e-6


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


class RuleChecker:
    def __init__(self, schema: Schema):
        self.schema = schema
        # terms defined as sums by some rule: name -> rhs terms
        self._definitions = {r.lhs[0].name: r for r in schema.rules if len(r.lhs) == 1 and not r.lhs[0].is_glob}

    def check(self, values: dict[str, float | int | None]) -> list[RuleViolation]:
        out = []
        for line in self._lines(values):
            if not line.holds:
                rule = line.rule
                lhs_text = " + ".join(t.name for t in rule.lhs)
                rhs_text = " + ".join(t.name for t in rule.rhs)
                out.append(RuleViolation(rule.id, line.where, line.cells, float(line.rhs), float(line.lhs),
                                         f"{lhs_text} = {_fmt(line.lhs)} but {rhs_text} = {_fmt(line.rhs)} "
                                         f"({line.where})"))
        return out

    def confirmed(self, values: dict[str, float | int | None]) -> set[str]:
        """The cells some rule checks and finds to hold, less those any rule finds broken: the values the
        report's own arithmetic vouches for (a value placed by order, not by a label read, is sure only so)."""
        held: set[str] = set()
        broken: set[str] = set()
        for line in self._lines(values):
            (held if line.holds else broken).update(line.cells)
        return held - broken

    def gapped(self, v: RuleViolation, missing: set[str]) -> bool:
        """Whether a cell the broken line adds up is among ``missing`` (cells its table prints that were not
        placed: a row not found): the line's difference may be that cell's value, and says nothing of the
        cells placed. A term another rule defines as a sum is no gap (the line derives it)."""
        rule = next(r for r in self.schema.rules if r.id == v.rule)
        table, row, col = v.where.split(".")
        spec = self.schema.templates["2021"].tables[table]
        column = rule.along == "column"
        names = tuple(spec.rows) if column else tuple(spec.columns)
        terms = {n for t in (*rule.lhs, *rule.rhs) for n in _expand(t, names)} - set(self._definitions)
        line = col if column else row
        return any(self._cell_id(rule, n, line) in missing for n in terms)

    def tally(self, values: dict[str, float | int | None]) -> tuple[int, int]:
        """How many lines of the rules hold on ``values`` and how many break: how well a candidate reading
        (rows placed by the template's order, no label read) fits the report's arithmetic."""
        lines = self._lines(values)
        held = sum(1 for line in lines if line.holds)
        return held, len(lines) - held

    def _lines(self, values: dict[str, float | int | None]) -> list[_Line]:
        by_table: dict[str, dict[tuple[str, str], float | int | None]] = {}
        for key, v in values.items():
            table, row, col = key.split(".")
            by_table.setdefault(table, {})[(row, col)] = v
        out: list[_Line] = []
        for rule in self.schema.rules:
            out.extend(self._check_rule(rule, by_table.get(rule.table, {})))
        return out

    def _check_rule(self, rule: RuleSpec, found: dict[tuple[str, str], float | int | None]) -> list[_Line]:
        """``rule`` on every line of its table's printed values (by (row, column)) where it can be checked."""
        if not found:
            return []
        spec = self.schema.templates["2021"].tables[rule.table]
        column = rule.along == "column"
        names = tuple(spec.rows) if column else tuple(spec.columns)
        by_line: dict[str, dict[str, float | int | None]] = {}  # lines in the order first printed
        for (row, col), v in found.items():
            if column:
                by_line.setdefault(col, {})[row] = v
            else:
                by_line.setdefault(row, {})[col] = v
        out = []
        for line, values in by_line.items():
            get = values.get
            lhs = self._side(rule.lhs, names, get, rule)
            rhs = self._side(rule.rhs, names, get, rule)
            if lhs is None or rhs is None:
                continue
            (lv, lcells), (rv, rcells) = lhs, rhs
            where = f"{rule.table}.*.{line}" if column else f"{rule.table}.{line}.*"
            out.append(_Line(rule, where, [self._cell_id(rule, n, line) for n in lcells + rcells], lv, rv))
        return out

    def _cell_id(self, rule: RuleSpec, name: str, line: str) -> str:
        return f"{rule.table}.{name}.{line}" if rule.along == "column" else f"{rule.table}.{line}.{name}"

    def _side(self, terms: tuple[Term, ...], names: tuple[str, ...], get, rule: RuleSpec, depth: int = 0):
        """Sum of a rule side (``get``: a printed value by name, ``_MISSING`` where none was printed),
        or None when a term was not printed and cannot be derived."""
        total = 0.0
        used: list[str] = []
        for term in terms:
            if term.is_glob:
                present = [(n, v) for n in _expand(term, names) if (v := get(n, _MISSING)) is not _MISSING]
                if not present:
                    return None
                for n, v in present:
                    total += v or 0
                    used.append(n)
                continue
            v = get(term.name, _MISSING)
            if v is not _MISSING:
                total += v or 0
                used.append(term.name)
                continue
            definition = self._definitions.get(term.name)
            if definition is None or definition is rule or depth > 2:
                return None
            sub = self._side(definition.rhs, names, get, definition, depth + 1)
            if sub is None:
                return None
            total += sub[0]
            used.extend(sub[1])
        return total, used


_MISSING = object()


@lru_cache(maxsize=1024)
def _expand(term: Term, names: tuple[str, ...]) -> list[str]:
    """A term's names among ``names`` (the same few rules and tables in every report)."""
    return term.expand(list(names))
