"""The data dictionary (report_tables.yaml) as typed objects.

The yaml is the single source of cell ids, labels, templates and rules; nothing
else in the code lists them again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import yaml

TABLES = ("active_disclosure", "applications", "review_litigation")


@dataclass(frozen=True)
class RowSpec:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    group: str | None = None


@dataclass(frozen=True)
class ColumnSpec:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    group: str | None = None
    rows: tuple[str, ...] | None = None
    """Rows that print this column (active disclosure); None means every row."""
    decimal: bool = False

    def applies_to(self, row: str) -> bool:
        return self.rows is None or row in self.rows


@dataclass(frozen=True)
class TableSpec:
    id: str
    rows: dict[str, RowSpec]
    columns: dict[str, ColumnSpec]
    one_line: bool = False
    """The rows are printed as column groups in the header over a single line of values
    (the review and litigation table), not each on a line of its own."""

    @property
    def nested_header(self) -> bool:
        """Grouped column headers: a ragged text export loses where each value sits."""
        return any(c.group for c in self.columns.values())

    def columns_for(self, row: str) -> list[ColumnSpec]:
        return [c for c in self.columns.values() if c.applies_to(row)]

    def cell_ids(self, rows: list[str] | None = None) -> list[str]:
        return [f"{self.id}.{r}.{c.id}" for r in (rows or list(self.rows)) for c in self.columns_for(r)]


@dataclass(frozen=True)
class Template:
    name: str
    tables: dict[str, TableSpec]


@dataclass(frozen=True)
class Term:
    """One side's summand of a rule: a row/column id, or ``sum(prefix_*)``."""

    name: str
    is_glob: bool = False

    def expand(self, names: list[str]) -> list[str]:
        if not self.is_glob:
            return [self.name]
        prefix = self.name.rstrip("*")
        return [n for n in names if n.startswith(prefix)]


@dataclass(frozen=True)
class RuleSpec:
    """A consistency rule ``sum(lhs) == sum(rhs)``, checked along rows or columns."""

    id: str
    table: str
    lhs: tuple[Term, ...]
    rhs: tuple[Term, ...]
    along: str
    """"column": terms are row ids, checked in each column; "row": the reverse."""
    text: str = ""


@dataclass(frozen=True)
class CellTerm:
    """One summand of a rule across years: ``this.`` or ``last.`` report, a cell id with one ``*``."""

    report: str
    """"this" (the later year) or "last"."""
    cell: str
    """"applications.carried_over.*": the ``*`` is the line the rule is checked along."""
    sign: int = 1

    def at(self, line: str) -> str:
        return self.cell.replace("*", line)


@dataclass(frozen=True)
class ContinuityRuleSpec:
    """``sum(lhs) == sum(rhs)`` between a body's reports of two consecutive years."""

    id: str
    severity: str
    table: str
    lhs: tuple[CellTerm, ...]
    rhs: tuple[CellTerm, ...]
    lines: tuple[str, ...]
    """What ``*`` stands for: every row (or column) of the table that prints all the rule's cells."""
    text: str = ""

    @property
    def along(self) -> str:
        """"column" when ``*`` is a column (applications.carried_over.*), else "row"."""
        return "column" if self.lhs[0].cell.endswith(".*") else "row"


@dataclass(frozen=True)
class Schema:
    templates: dict[str, Template]
    rules: tuple[RuleSpec, ...] = field(default_factory=tuple)
    titles: dict[str, str] = field(default_factory=dict)
    """The official heading of each table (二、主动公开政府信息情况 …)."""
    continuity: tuple[ContinuityRuleSpec, ...] = field(default_factory=tuple)

    def table(self, template: str, table: str) -> TableSpec:
        return self.templates[template].tables[table]


def _row(rid: str, d: dict) -> RowSpec:
    return RowSpec(rid, d["label"], tuple(d.get("aliases", ())), d.get("group"))


def _col(cid: str, d: dict) -> ColumnSpec:
    rows = tuple(d["rows"]) if "rows" in d else None
    return ColumnSpec(cid, d["label"], tuple(d.get("aliases", ())), d.get("group"), rows, d.get("type") == "decimal")


def _table(tid: str, d: dict) -> TableSpec:
    rows = {k: _row(k, v) for k, v in d["rows"].items()}
    cols = {k: _col(k, v) for k, v in d["columns"].items()}
    return TableSpec(tid, rows, cols, d.get("print") == "one_line")


_TERM = re.compile(r"sum\((\w+\*)\)|(\w+)")


def _terms(expr: str) -> tuple[Term, ...]:
    out = []
    for part in expr.split("+"):
        m = _TERM.search(part.strip())
        if not m:
            raise ValueError(f"cannot parse rule term {part!r}")
        out.append(Term(m.group(1), True) if m.group(1) else Term(m.group(2)))
    return tuple(out)


def _rule(d: dict, tables: dict[str, TableSpec]) -> RuleSpec:
    rid = d["id"]
    table = rid.split(".")[0]
    lhs, rhs = (_terms(s.strip()) for s in d["check"].split("#")[0].split("=="))
    along = "row" if lhs[0].name in tables[table].columns else "column"
    return RuleSpec(rid, table, lhs, rhs, along, d.get("text", ""))


_CELL_TERM = re.compile(r"([+-]?)\s*(this|last)\.(\w+\.(?:\w+|\*)\.(?:\w+|\*))")


def _cell_terms(expr: str) -> tuple[CellTerm, ...]:
    terms = tuple(
        CellTerm(m.group(2), m.group(3), -1 if m.group(1) == "-" else 1) for m in _CELL_TERM.finditer(expr)
    )
    if not terms or re.sub(_CELL_TERM, "", expr).strip(" +-"):
        raise ValueError(f"cannot parse continuity rule side {expr!r}")
    return terms


def _continuity_rule(d: dict, tables: dict[str, TableSpec]) -> ContinuityRuleSpec:
    lhs, rhs = (_cell_terms(s.strip()) for s in d["check"].split("#")[0].split("=="))
    table = lhs[0].cell.split(".")[0]
    spec = tables[table]
    cells = [t.cell for t in lhs + rhs]
    if any(c.split(".")[0] != table or c.count("*") != 1 for c in cells):
        raise ValueError(f"{d['id']}: every cell of a continuity rule is in one table with one '*'")
    if cells[0].endswith(".*"):  # along a column: * is the column, each term names a row
        lines = tuple(c for c in spec.columns if all(spec.columns[c].applies_to(x.split(".")[1]) for x in cells))
    else:
        lines = tuple(r for r in spec.rows if all(spec.columns[x.split(".")[2]].applies_to(r) for x in cells))
    return ContinuityRuleSpec(d["id"], d.get("severity", "error"), table, lhs, rhs, lines, d.get("text", ""))


def _derive_2019(t2021: Template, raw2019: dict) -> Template:
    tables = {tid: _table(tid, d) for tid, d in raw2019.items()}
    apps = t2021.tables["applications"]
    tables["applications"] = TableSpec(
        "applications",
        {k: v for k, v in apps.rows.items() if not (k.startswith("other_") and k != "other_total")},
        apps.columns,
    )
    tables.setdefault("review_litigation", t2021.tables["review_litigation"])
    return Template("2019", tables)


def load_schema(path: Path | None = None) -> Schema:
    text = (
        path.read_text("utf-8")
        if path
        else resources.files(__package__).joinpath("data/report_tables.yaml").read_text("utf-8")
    )
    raw = yaml.safe_load(text)
    t2021 = Template("2021", {tid: _table(tid, d) for tid, d in raw["templates"]["2021"].items()})
    t2019 = _derive_2019(t2021, raw["templates"]["2019"])
    rules = tuple(_rule(r, t2021.tables) for r in raw["rules"])
    continuity = tuple(_continuity_rule(r, t2021.tables) for r in raw.get("continuity", []))
    return Schema({"2021": t2021, "2019": t2019}, rules, dict(raw.get("titles", {})), continuity)


@cache
def schema() -> Schema:
    """The bundled data dictionary, parsed once per process (it is immutable)."""
    return load_schema()
