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
from typing import Any

import yaml


@dataclass(frozen=True)
class RowSpec:
    id: str
    label: str
    aliases: tuple[str, ...] = ()
    group: str | None = None
    article: str | None = None
    """The article of the regulations the row reports on (第二十条第（一）项), which the active-disclosure
    table prints over the rows of each article: a header that names it names the rows under it."""


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
class Variant:
    """Rows a report prints in one of several forms (（六）其他处理 as three rows or as one)."""

    name: str
    table: str
    forms: dict[str, tuple[str, ...]]
    otherwise: str
    """The form a report that prints none of them is expected to print."""

    @property
    def rows(self) -> set[str]:
        return {r for rows in self.forms.values() for r in rows}

    def form_printed(self, rows: set[str]) -> str | None:
        """The first form (in the dictionary's order) with a row among ``rows``."""
        return next((name for name, form in self.forms.items() if rows & set(form)), None)


@dataclass(frozen=True)
class CellSum:
    """One cell, or the sum of the rows a ``prefix*`` names, in one column of one table."""

    table: str
    row: str
    column: str

    @property
    def is_glob(self) -> bool:
        return self.row.endswith("*")

    @property
    def id(self) -> str:
        return f"{self.table}.{self.row}.{self.column}"


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
    variants: dict[str, Variant] = field(default_factory=dict)
    totals: dict[str, CellSum] = field(default_factory=dict)
    """The report_totals view: column name -> what it sums."""
    narrative_facts: dict[str, tuple[tuple[str, ...], ...]] = field(default_factory=dict)
    """A count the prose states (nlp fact kind) -> the lists of cells any one of which sums to it."""
    titles: dict[str, str] = field(default_factory=dict)
    """The official heading of each table (二、主动公开政府信息情况 …)."""
    continuity: tuple[ContinuityRuleSpec, ...] = field(default_factory=tuple)

    def table(self, template: str, table: str) -> TableSpec:
        return self.templates[template].tables[table]

    def expected_cells(self, table: str, got: set[str]) -> set[str]:
        """``table``'s cell ids in the template a reading holding the cells ``got`` fits best."""
        options = [set(t.tables[table].cell_ids()) for t in self.templates.values() if table in t.tables]
        return max(options, key=lambda ids: (len(ids & got), -len(ids)))

    def row_ids(self, table: str) -> list[str]:
        """Every row id of ``table`` over both templates, in printed order."""
        return list(dict.fromkeys(r for t in self.templates.values() for r in t.tables[table].rows))

    def is_cell(self, cid: str) -> bool:
        table, _, rest = cid.partition(".")
        row, _, col = rest.partition(".")
        return any(
            table in t.tables and row in t.tables[table].rows and col in t.tables[table].columns
            and t.tables[table].columns[col].applies_to(row)
            for t in self.templates.values()
        )


def _row(rid: str, d: dict) -> RowSpec:
    return RowSpec(rid, d["label"], tuple(d.get("aliases", ())), d.get("group"), d.get("article"))


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


def _derived(tid: str, d: dict, templates: dict[str, Template], variants: dict[str, Variant]) -> TableSpec:
    """A table ``same_as`` another template's, printing only the ``forms`` named of its variants."""
    base = templates[d["same_as"]].tables[tid]
    drop: set[str] = set()
    for name, form in d.get("forms", {}).items():
        drop |= variants[name].rows - set(variants[name].forms[form])
    return TableSpec(tid, {k: v for k, v in base.rows.items() if k not in drop}, base.columns, base.one_line)


def _template(name: str, raw: dict, templates: dict[str, Template], variants: dict[str, Variant]) -> Template:
    tables = {
        tid: _derived(tid, d, templates, variants) if "same_as" in d else _table(tid, d) for tid, d in raw.items()
    }
    order = list(next(iter(templates.values())).tables) if templates else list(tables)
    return Template(name, {tid: tables[tid] for tid in sorted(tables, key=lambda t: order.index(t))})


def _variant(name: str, d: dict) -> Variant:
    forms = {k: tuple(v) for k, v in d["forms"].items()}
    if d["otherwise"] not in forms:
        raise ValueError(f"variant {name}: otherwise {d['otherwise']!r} is not one of its forms")
    return Variant(name, d["table"], forms, d["otherwise"])


def _cell_sum(text: str) -> CellSum:
    table, row, column = text.split(".")
    return CellSum(table, row, column)


def _check_ids(sch: Schema) -> None:
    """Every id the dictionary's own sections name exists in a template: a typo fails at load."""
    for v in sch.variants.values():
        unknown = v.rows - set(sch.row_ids(v.table))
        if unknown:
            raise ValueError(f"variant {v.name}: unknown rows {sorted(unknown)}")
    for name, s in sch.totals.items():
        rows = [r for r in sch.row_ids(s.table) if r.startswith(s.row.rstrip("*"))] if s.is_glob else [s.row]
        bad = [f"{s.table}.{r}.{s.column}" for r in rows if not sch.is_cell(f"{s.table}.{r}.{s.column}")]
        if not rows or bad:
            raise ValueError(f"totals.{name}: {s.id} names no cell {bad}")
    for kind, options in sch.narrative_facts.items():
        bad = [c for cells in options for c in cells if not sch.is_cell(c)]
        if bad:
            raise ValueError(f"narrative_facts.{kind}: unknown cells {bad}")


def load_yaml(text: str) -> Any:
    """A data file's YAML, parsed by libyaml where PyYAML has it (~10x faster than its Python parser)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def load_schema(path: Path | None = None) -> Schema:
    text = (
        path.read_text("utf-8")
        if path
        else resources.files(__package__).joinpath("data/report_tables.yaml").read_text("utf-8")
    )
    raw = load_yaml(text)
    variants = {k: _variant(k, v) for k, v in raw.get("variants", {}).items()}
    templates: dict[str, Template] = {}
    for name, tables in raw["templates"].items():
        templates[name] = _template(name, tables, templates, variants)
    first = next(iter(templates.values()))
    rules = tuple(_rule(r, first.tables) for r in raw["rules"])
    sch = Schema(
        templates,
        rules,
        variants,
        {k: _cell_sum(v) for k, v in raw.get("totals", {}).items()},
        {k: tuple(tuple(cells) for cells in v) for k, v in raw.get("narrative_facts", {}).items()},
        dict(raw.get("titles", {})),
        tuple(_continuity_rule(r, first.tables) for r in raw.get("continuity", [])),
    )
    _check_ids(sch)
    return sch


@cache
def schema() -> Schema:
    """The bundled data dictionary, parsed once per process (it is immutable)."""
    return load_schema()


TABLES: tuple[str, ...] = tuple(next(iter(schema().templates.values())).tables)
"""The standard tables' ids, in printed order (the first template's)."""
