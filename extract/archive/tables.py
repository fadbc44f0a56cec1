"""The results database's tables, derived in this one place from the models they store.

A table's columns are the fields of a model (``cells`` from ``CellValue``, ``items`` from
``Item`` …, ``documents`` from ``DocumentRecord``, ``reports`` from the scalar fields of
``Report``, ``corrections`` from ``CorrectionRecord``, ``continuity_findings`` from ``Finding``
and ``recurring_problems`` from ``Recurrence`` with the body and years they are about), with the
DuckDB and Arrow types their annotations say. A field added to a model
is a column of the next database, and a database written before it gains the column when a
run opens it (``migrate``); a column whose type no longer fits stops the run with
``E_DB_SCHEMA`` and what to do. Rows go in by column name, as Arrow tables, never by position.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import types
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal, Union

import duckdb
import pyarrow as pa
from pydantic import BaseModel, Field

from gongkai.extract.domain.across.recurring import Recurrence
from gongkai.extract.domain.model import ErrorRecord, Finding, Report, Status
from gongkai.extract.domain.schema import TABLES, schema
from gongkai.extract.errors import GongkaiError

SQL_NAMES = {
    "table": "table_name",
    "row": "row_name",
    "column": "column_name",
    "where": "where_ref",
    "start": "start_char",
    "end": "end_char",
}
"""Fields named by SQL key words (or by words that read badly in SQL) get these column names."""


class DocumentRecord(BaseModel):
    """One input file of a run: the ``documents`` table's row (the worker makes it beside the report)."""

    key: str = Field(description="The input's identity: its path, or archive!member.")
    path: str
    member: str | None = None
    sha256: str | None = None
    size: int | None = None
    mtime: float | None = None
    format: str | None = None
    pages: int | None = None
    status: Status = "failed"
    error_code: str | None = None
    error_message: str | None = None
    report_id: str | None = None
    duplicate_of: str | None = Field(None, description="Key of the document whose report this one repeats.")
    seconds: float | None = None
    extractor_version: str | None = None
    processed_at: dt.datetime | None = None


class CorrectionRecord(BaseModel):
    """One correction as the database keeps it: the ``corrections`` table's row (archive/corrections.py
    makes it from the review page's correction; a re-extraction never deletes it)."""

    sha256: str = Field(description="The reviewed input's content hash: how the correction finds its report again.")
    report_id: str | None = None
    target: Literal["cell", "item"]
    target_id: str = Field(description="The cell id, or '<section_id>:<start>-<end>' of an item.")
    value: float | None = None
    previous: float | None = Field(None, description="The cell's value before its first correction.")
    label: str | None = None
    previous_label: str | None = Field(None, description="The item's label before its first correction.")
    topic: str | None = None
    note: str | None = None
    corrected_at: dt.datetime | None = None
    imported_at: dt.datetime | None = None
    source_path: str | None = None
    correction: dict[str, Any] = Field(description="The correction as the review page saved it.")


class SchemaMismatch(GongkaiError):
    code = "E_DB_SCHEMA"
    hint = (
        "the database was written by a gongkai whose tables differ in a way it cannot migrate: "
        "write this run to a new file (--db new.duckdb), or export the old one (gongkai export) and start anew"
    )


@dataclass(frozen=True)
class Column:
    name: str
    field: str | None
    """The model field it stores; None for a column the writer fills (report_id, key …)."""
    sql: str
    arrow: pa.DataType
    json: bool = False
    """A dict field, stored as JSON text."""


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: str | None = None

    def ddl(self, replace: bool = False) -> str:
        """CREATE TABLE (IF NOT EXISTS, or OR REPLACE for a table rebuilt whole)."""
        cols = ", ".join(f"{c.name} {c.sql}" for c in self.columns)
        pk = f", PRIMARY KEY ({self.primary_key})" if self.primary_key else ""
        head = f"CREATE OR REPLACE TABLE {self.name}" if replace else f"CREATE TABLE IF NOT EXISTS {self.name}"
        return f"{head} ({cols}{pk})"

    @property
    def arrow_schema(self) -> pa.Schema:
        return pa.schema([(c.name, c.arrow) for c in self.columns])

    def data(self, records: Sequence[BaseModel], **given: Any) -> dict[str, list[Any]]:
        """The records' rows, column by column: the writer's own columns from ``given`` (one value
        for every row, or a list of one per row), the rest from the records' fields."""
        out: dict[str, list[Any]] = {}
        n = len(records)
        for c in self.columns:
            if c.field is None:
                v = given[c.name]
                out[c.name] = v if isinstance(v, list) else [v] * n
            elif c.json:
                out[c.name] = [None if (x := getattr(r, c.field)) is None else json.dumps(x, ensure_ascii=False)
                               for r in records]
            elif "." in c.field:
                out[c.name] = [_get(r, c.field) for r in records]
            else:
                out[c.name] = [getattr(r, c.field) for r in records]
        return out

    def insert(self, con: duckdb.DuckDBPyConnection, table: pa.Table) -> None:
        """Insert an Arrow table (``arrow``) by column name."""
        if table.num_rows:
            con.register("_incoming", table)
            try:
                con.execute(f"INSERT INTO {self.name} BY NAME SELECT * FROM _incoming")
            finally:
                con.unregister("_incoming")

    def arrow(self, parts: Iterable[dict[str, list[Any]]]) -> pa.Table:
        """Column data (as ``data`` gives it) of several documents as one Arrow table."""
        parts = list(parts)
        return pa.Table.from_arrays(
            [pa.array([v for p in parts for v in p[c.name]], type=c.arrow) for c in self.columns],
            schema=self.arrow_schema,
        )


_SCALARS: dict[type, tuple[str, pa.DataType]] = {
    str: ("VARCHAR", pa.string()),
    bool: ("BOOLEAN", pa.bool_()),
    int: ("BIGINT", pa.int64()),
    float: ("DOUBLE", pa.float64()),
    dt.date: ("DATE", pa.date32()),
    dt.datetime: ("TIMESTAMP", pa.timestamp("us")),
}


def _types(annotation: Any) -> tuple[str, pa.DataType, bool] | None:
    """(DuckDB type, Arrow type, stored as JSON) of a field's annotation; None when it is no column
    (a nested model, or a list or dict of them: those are tables of their own or stay in the JSON)."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (Union, types.UnionType):
        inner = [a for a in args if a is not type(None)]
        if set(inner) == {int, float}:
            return "DOUBLE", pa.float64(), False
        return _types(inner[0]) if len(inner) == 1 else None
    if origin is Literal:
        return _types(type(args[0]))
    if origin in (tuple, list):
        item = _types(args[0]) if args else None
        if item is None or item[2] or item[0].endswith("[]"):
            return None
        return f"{item[0]}[]", pa.list_(item[1]), False
    if origin is dict:
        value = args[1] if len(args) > 1 else None
        return None if _is_model(value) else ("JSON", pa.string(), True)
    if _is_model(annotation):
        return None
    if annotation in _SCALARS:
        return (*_SCALARS[annotation], False)
    raise TypeError(f"no DuckDB type for {annotation!r}: say in tables.py how it is stored")


def _is_model(annotation: Any) -> bool:
    return isinstance(annotation, type) and (issubclass(annotation, BaseModel) or dataclasses.is_dataclass(annotation))


def _annotations(model: type) -> dict[str, Any]:
    """Field -> annotation of a pydantic model (its excluded fields left out) or a dataclass."""
    if issubclass(model, BaseModel):
        return {n: f.annotation for n, f in model.model_fields.items() if not f.exclude}
    hints = typing.get_type_hints(model)
    return {f.name: hints[f.name] for f in dataclasses.fields(model)}


FLATTENED: dict[str, dict[str, str]] = {
    "place": {"division_code": "division_code", "province": "province", "prefecture": "prefecture",
              "county": "county", "township": "township", "match": "place_match", "confidence": "place_confidence"},
}
"""A nested model a row stores flat: field -> {its field: column}. The rest of it stays in report_json."""


def fields(model: type, first: Iterable[str] = ()) -> list[Column]:
    """The columns of a model's fields (a pydantic model's or a dataclass's; ``first`` leading), each
    under its SQL name; a nested model named in ``FLATTENED`` gives the columns named there."""
    annotations = _annotations(model)
    lead = [n for n in first if n in annotations]
    out = []
    for name in lead + [n for n in annotations if n not in lead]:
        annotation = annotations[name]
        if name in FLATTENED and _is_model(annotation):
            for sub, column in FLATTENED[name].items():
                t = _types(_annotations(annotation)[sub])
                assert t is not None, f"{name}.{sub}"
                out.append(Column(column, f"{name}.{sub}", t[0], t[1], t[2]))
            continue
        t = _types(annotation)
        if t is not None:
            out.append(Column(SQL_NAMES.get(name, name), name, t[0], t[1], t[2]))
    return out


def _get(record: Any, path: str) -> Any:
    for part in path.split("."):
        record = getattr(record, part)
    return record


def given(name: str, annotation: type) -> Column:
    """A column the writer fills (a parent's key, a dict's key, a count)."""
    sql, arrow, is_json = _types(annotation) or ("VARCHAR", pa.string(), False)
    return Column(name, None, sql, arrow, is_json)


def _child(field: str, key_column: str | None = None, first: Iterable[str] = ()) -> tuple[Table, str | None]:
    """The table of a list or dict field of ``Report``: named after it, its columns the fields of the
    model it holds, after report_id (and, for a dict, the column of its keys)."""
    model = typing.get_args(Report.model_fields[field].annotation)[-1]
    lead = (REPORT_ID, given(key_column, str)) if key_column else (REPORT_ID,)
    return Table(field, (*lead, *fields(model, first))), key_column


REPORT_ID = given("report_id", str)

DOCUMENTS = Table("documents", tuple(fields(DocumentRecord)), primary_key="key")
REPORTS = Table(
    "reports",
    (
        REPORT_ID,
        given("key", str),
        given("sha256", str),
        *fields(Report),  # its scalar fields: the lists and dicts of records are the tables below
        given("n_cells", int),
        given("n_findings", int),
        Column("report_json", None, "JSON", pa.string()),
    ),
    primary_key="report_id",
)
CHILDREN: dict[str, tuple[Table, str | None]] = {
    "cells": _child("cells", "cell_id", first=("table", "row", "column")),
    "findings": _child("findings"),
    "sections": _child("sections", "section_id"),
    "items": _child("items"),
    "sentences": _child("sentences"),
    "facts": _child("facts"),
}
"""Report field -> its table, and the column of a dict field's keys."""
ERRORS = Table("errors", (given("key", str), *fields(ErrorRecord)))
"""A document's errors (a failed document has no report: they hang on its key)."""
WRITTEN: tuple[Table, ...] = (DOCUMENTS, REPORTS, *(t for t, _ in CHILDREN.values()), ERRORS)
"""The tables a document's rows go in (deleted and written anew when it is extracted again)."""

CORRECTIONS = Table("corrections", tuple(fields(CorrectionRecord)))
"""What a person corrected: kept apart from the extraction, applied to it (archive/corrections.py)."""

ALL: tuple[Table, ...] = (*WRITTEN, CORRECTIONS)
"""Every table a run database keeps (a run creates them, and the columns an older one lacks)."""

CONTINUITY = Table(
    "continuity_findings",
    (given("org_key", str), given("year", int), REPORT_ID, given("previous_year", int),
     given("previous_report_id", str), *fields(Finding)),
)
"""A rule across years broken between a body's report of a year and of the year before."""
RECURRING = Table(
    "recurring_problems",
    (given("org_key", str), given("year", int), given("next_year", int),
     *fields(Recurrence, first=("kind", "topic", "text", "next_text", "similarity")),
     REPORT_ID, given("next_report_id", str)),
)
"""A problem or promise of one year against the statements of the next."""
ACROSS_STATE = Table("across_state", (given("fingerprint", str), given("built_at", dt.datetime)))
"""Which reports the two tables above were built from (one row): bookkeeping of the build, no model's record."""
ACROSS: tuple[Table, ...] = (CONTINUITY, RECURRING, ACROSS_STATE)
"""Tables rebuilt whole from the others (extract/archive/across.py), never migrated."""


def report_data(report_id: str, key: str, sha256: str | None, report: Report) -> dict[str, dict[str, list[Any]]]:
    """The column data of every row one report gives, per table (its ``reports`` row and its children)."""
    out = {
        "reports": REPORTS.data(
            [report],
            report_id=report_id,
            key=key,
            sha256=sha256,
            n_cells=len(report.cells),
            n_findings=len(report.findings),
            report_json=report.model_dump_json(),
        )
    }
    for field, (table, key_column) in CHILDREN.items():
        records = getattr(report, field)
        if key_column is None:
            out[table.name] = table.data(records, report_id=report_id)
        else:
            out[table.name] = table.data(list(records.values()), report_id=report_id, **{key_column: list(records)})
    return out


# -- creating and migrating -------------------------------------------------------

_INTEGERS = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"}


def _fits(have: str, want: str) -> bool:
    """Whether a column written as ``have`` takes the values of a ``want`` column (INTEGER takes counts)."""
    return have == want or (have in _INTEGERS and want in _INTEGERS)


def migrate(con: duckdb.DuckDBPyConnection, where: str = "the database") -> list[str]:
    """Create the tables a database lacks and add the columns its tables lack; returns what was added.

    A column of an earlier version's type that cannot take this version's values raises
    ``SchemaMismatch`` (nothing is changed then)."""
    have: dict[str, dict[str, str]] = {}
    for table, column, dtype in con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'main' AND table_catalog = current_database()"
    ).fetchall():
        have.setdefault(table, {})[column] = dtype
    bad = [
        f"{t.name}.{c.name} is {have[t.name][c.name]}, not {c.sql}"
        for t in ALL
        if t.name in have
        for c in t.columns
        if c.name in have[t.name] and not _fits(have[t.name][c.name], c.sql)
    ]
    if bad:
        raise SchemaMismatch(f"{where}: " + "; ".join(bad))
    added = []
    for t in ALL:
        if t.name not in have:
            con.execute(t.ddl())
            added.append(t.name)
            continue
        for c in t.columns:
            if c.name not in have[t.name]:
                con.execute(f"ALTER TABLE {t.name} ADD COLUMN IF NOT EXISTS {c.name} {c.sql}")
                added.append(f"{t.name}.{c.name}")
    return added


# -- views ------------------------------------------------------------------------


def views() -> str:
    """The views analysts query: each standard table wide (columns from the data dictionary), and
    one row of totals per report (columns from the dictionary's ``totals``)."""
    out = []
    sch = schema()
    for table in TABLES:
        cols: dict[str, None] = {}
        for t in sch.templates.values():
            cols.update(dict.fromkeys(t.tables[table].columns))
        select = ", ".join(f"max(value) FILTER (WHERE column_name = '{c}') AS {c}" for c in cols)
        out.append(
            f"CREATE OR REPLACE VIEW {table}_wide AS SELECT report_id, row_name, {select} "
            f"FROM cells WHERE table_name = '{table}' GROUP BY report_id, row_name"
        )
    columns = []
    for name, t in sch.totals.items():
        if t.is_glob:
            prefix = t.row.rstrip("*").replace("_", "\\_")
            columns.append(f"sum(c.value) FILTER (WHERE c.table_name = '{t.table}' AND c.column_name = '{t.column}'\n"
                           f"                           AND c.row_name LIKE '{prefix}%' ESCAPE '\\') AS {name}")
        else:
            columns.append(f"max(c.value) FILTER (WHERE c.cell_id = '{t.id}') AS {name}")
    totals = f"""
    CREATE OR REPLACE VIEW report_totals AS
    SELECT r.report_id, r.organization, r.year, r.level, r.body, r.template, r.status,
      {(',' + chr(10) + '      ').join(columns)},
      (SELECT count(*) FROM findings f WHERE f.report_id = r.report_id AND f.severity = 'error'
         AND f.rule NOT LIKE 'missing.%' AND f.rule NOT LIKE 'unreadable.%') AS rule_violations
    FROM reports r LEFT JOIN cells c USING (report_id)
    GROUP BY ALL
    """
    out.append(totals)
    return ";\n".join(out) + ";"


PLACE = tuple(FLATTENED["place"].values())
"""The reports columns of the body's place, as the across views carry them."""
_LEAST_SURE = {"place_confidence": "min"}
"""How ``bodies`` folds a place column over a body's years (any one year's value otherwise: they agree)."""

ACROSS_VIEWS = f"""
-- one body over the years (extract/archive/across.py builds the tables that go with them)
CREATE OR REPLACE VIEW body_years AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY org_key, year
        ORDER BY n_cells DESC, n_findings, publication_date DESC NULLS LAST, report_id) AS pick
    FROM reports WHERE org_key IS NOT NULL AND year IS NOT NULL AND status <> 'failed'
)
SELECT org_key, year,
    any_value(report_id) FILTER (WHERE pick = 1) AS report_id,
    count(*) AS n_reports,
    count(*) > 1 AS duplicate,
    list(report_id ORDER BY pick) AS report_ids,
    list(DISTINCT organization) AS names,
    {", ".join(f"any_value({c}) FILTER (WHERE pick = 1) AS {c}" for c in PLACE)}
FROM ranked GROUP BY org_key, year;

CREATE OR REPLACE VIEW bodies AS
SELECT org_key,
    list(DISTINCT n ORDER BY n) AS names,
    {", ".join(f"{_LEAST_SURE.get(c, 'any_value')}({c}) AS {c}" for c in PLACE)},
    list(year ORDER BY year) AS years, count(*) AS n_years, bool_or(duplicate) AS has_duplicates
FROM body_years, unnest(names) AS t(n)
GROUP BY org_key;
"""
