"""Across reports in a run database: one body over the years.

Views (always current): ``body_years``, one row per (org_key, year) with the report chosen for it and a
``duplicate`` flag when two different reports claim the same body and year; ``bodies``, one row per
org_key. Tables (rebuilt by ``build_across``, which ``gongkai run`` calls at the end of a run):
``continuity_findings``, the rules across years of the data dictionary between consecutive years, in
the findings format plus both reports; ``recurring_problems``, problems of year N that recur in N+1
and improvements promised in N that N+1 does or does not mention, the two statements side by side.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
import pandas as pd

from gongkai.extract.archive.store import Store
from gongkai.extract.archive.tables import (
    ACROSS_STATE,
    ACROSS_VIEWS,
    CONTINUITY,
    RECURRING,
    REPORTS,
    DocumentRecord,
    Table,
)
from gongkai.extract.domain.across.compare import Comparison, compare_reports
from gongkai.extract.domain.across.continuity import ContinuityChecker
from gongkai.extract.domain.across.orgs import identify_report
from gongkai.extract.domain.across.recurring import Statement, compare_narratives
from gongkai.extract.domain.model import Report

if TYPE_CHECKING:
    from collections.abc import Iterable

Columns = dict[str, list[Any]]
"""A table's column data (``Table.data``)."""


def _rebuild(con: duckdb.DuckDBPyConnection, table: Table, parts: list[Columns]) -> None:
    """Create ``table`` anew (its columns from tables.py) and insert the rows by column name."""
    con.execute(table.ddl(replace=True))
    table.insert(con, table.arrow(parts))


@dataclass
class BuildStats:
    reports: int
    bodies: int
    pairs: int
    continuity_findings: int
    recurring_rows: int
    keyed: int
    """Reports whose org_key was filled here (written before keys existed)."""
    seconds: dict[str, float]


Pair = tuple[str, int, str, int, str]
"""(org_key, previous year, its report, year, its report)."""


def _fingerprint(con: duckdb.DuckDBPyConnection) -> str:
    n, h = con.execute("SELECT count(*), coalesce(bit_xor(hash(report_id)), 0) FROM reports").fetchone()
    return f"{n}:{h}"


_IDENTITY_COLUMNS = [c for c in REPORTS.columns
                     if c.field and c.field.split(".")[0] in ("org_key", "place", "level", "body")]
"""The reports columns identify_report fills (tables.py derives them from Report.org_key, .place, .level and
.body: level and body too, the key's reading of the name is the one they come from)."""


def _key_old_rows(con: duckdb.DuckDBPyConnection) -> int:
    rows = con.execute(
        "SELECT report_id, report_json FROM reports WHERE org_key IS NULL AND organization IS NOT NULL"
    ).fetchall()
    for rid, js in rows:
        report = Report.model_validate_json(js)
        identify_report(report)
        data = REPORTS.data([report], **{c.name: None for c in REPORTS.columns if c.field is None})
        names = [c.name for c in _IDENTITY_COLUMNS]
        con.execute(f"UPDATE reports SET {', '.join(f'{n} = ?' for n in names)} WHERE report_id = ?",
                    [data[n][0] for n in names] + [rid])
    return len(rows)


def _pairs(picks: Iterable[tuple[str, int, str]]) -> list[Pair]:
    """(org_key, previous year, its report, year, its report) for every two consecutive years of a body."""
    by_body: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for key, year, rid in picks:
        by_body[key].append((year, rid))
    out = []
    for key, years in by_body.items():
        years.sort()
        for (y0, r0), (y1, r1) in pairwise(years):
            if y1 - y0 == 1:
                out.append((key, y0, r0, y1, r1))
    return out


def _ids(con: duckdb.DuckDBPyConnection, name: str, column: str, ids: Iterable[str]) -> None:
    """A list of ids the queries below join on (registered as a view of a frame)."""
    con.register(name, pd.DataFrame({column: sorted(set(ids))}))


def _continuity_rows(con: duckdb.DuckDBPyConnection, pairs: list[Pair]) -> list[Columns]:
    """The rules across years of the data dictionary for every pair, from only the cells they read."""
    checker = ContinuityChecker()
    _ids(con, "_involved", "report_id", (r for p in pairs for r in (p[2], p[4])))
    _ids(con, "_wanted", "cell_id", checker.cells)
    values: dict[str, dict[str, Any]] = defaultdict(dict)
    for rid, cell, value in con.execute(
        "SELECT report_id, cell_id, value FROM cells JOIN _involved USING (report_id) JOIN _wanted USING (cell_id)"
    ).fetchall():
        values[rid][cell] = value
    parts = []
    for key, y0, r0, y1, r1 in pairs:
        found = checker.check(values.get(r0, {}), values.get(r1, {}), y0, y1)
        if found:
            parts.append(CONTINUITY.data(found, org_key=key, year=y1, report_id=r1, previous_year=y0,
                                         previous_report_id=r0))
    return parts


def _narrative_rows(con: duckdb.DuckDBPyConnection, pairs: list[Pair]) -> list[Columns]:
    """Recurring problems and the fate of promises for every pair (items of both, sentences of the later)."""
    _ids(con, "_involved", "report_id", (r for p in pairs for r in (p[2], p[4])))
    statements: dict[str, list[Statement]] = defaultdict(list)
    for rid, label, topic, text in con.execute(
        "SELECT report_id, label, topic, text FROM items JOIN _involved USING (report_id) "
        "ORDER BY report_id, start_char"
    ).fetchall():
        statements[rid].append(Statement(label, text, topic))
    _ids(con, "_later", "report_id", (p[4] for p in pairs))
    sentences: dict[str, list[str]] = defaultdict(list)
    for rid, text in con.execute(
        "SELECT report_id, text FROM sentences JOIN _later USING (report_id) ORDER BY report_id, start_char"
    ).fetchall():
        sentences[rid].append(text)
    parts = []
    for key, y0, r0, y1, r1 in pairs:
        if not statements.get(r0):
            continue
        found = compare_narratives(statements[r0], statements.get(r1, []), sentences.get(r1, []))
        if found:
            parts.append(RECURRING.data(found, org_key=key, year=y0, next_year=y1, report_id=r0, next_report_id=r1))
    return parts


def build_across(con: duckdb.DuckDBPyConnection) -> BuildStats:
    """(Re)build the views and the cross-report tables of an open run database, in one transaction."""
    t0 = time.perf_counter()
    con.begin()
    try:
        keyed = _key_old_rows(con)
        con.execute(ACROSS_VIEWS)
        t1 = time.perf_counter()
        picks = con.execute("SELECT org_key, year, report_id FROM body_years").fetchall()
        pairs = _pairs(picks)
        findings = _continuity_rows(con, pairs)
        t2 = time.perf_counter()
        recurring = _narrative_rows(con, pairs)
        t3 = time.perf_counter()
        _rebuild(con, CONTINUITY, findings)
        _rebuild(con, RECURRING, recurring)
        _rebuild(con, ACROSS_STATE, [ACROSS_STATE.data([], fingerprint=[_fingerprint(con)], built_at=[datetime.now()])])
        for name in ("_involved", "_wanted", "_later"):
            con.unregister(name)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    t4 = time.perf_counter()
    return BuildStats(
        reports=len(picks), bodies=len({p[0] for p in picks}), pairs=len(pairs),
        continuity_findings=sum(len(p["rule"]) for p in findings),
        recurring_rows=sum(len(p["kind"]) for p in recurring), keyed=keyed,
        seconds={"keys_and_views": round(t1 - t0, 3), "continuity": round(t2 - t1, 3),
                 "narrative": round(t3 - t2, 3), "write": round(t4 - t3, 3), "total": round(t4 - t0, 3)},
    )


def is_built(con: duckdb.DuckDBPyConnection) -> bool:
    """The cross-report tables exist and were built from the reports now in the database."""
    try:
        row = con.execute("SELECT fingerprint FROM across_state").fetchone()
    except duckdb.CatalogException:
        return False
    return row is not None and row[0] == _fingerprint(con)


class Archive:
    """A run database (``gongkai run``) seen across reports: bodies, their years, continuity, narrative.

    Opening it brings the cross-report tables up to date if reports were added since they were built
    (which needs write access; ``read_only=True`` uses them as they are).
    """

    def __init__(self, db: Path | str, read_only: bool = False):
        self.path = Path(db)
        if not self.path.exists():
            raise FileNotFoundError(f"no database at {db}; run `gongkai run ARCHIVE --db {db}` first")
        from gongkai.extract.archive import dblock

        self.running = dblock.running(self.path)
        """Who writes the database (a ``gongkai run``) if one does: then it is read as it is, read-only, and
        the run brings the cross-report tables up to date when it ends."""
        if read_only or self.running:
            self.con = dblock.open_results(self.path)  # also while a run writes it (retried over its commits)
        else:
            self.con = dblock.connect(self.path, read_only=False, timeout_s=30)
            try:
                Store(self.path, con=self.con)  # brings an older database's tables and columns up to date
            except BaseException:
                self.con.close()
                raise
            if not is_built(self.con):
                build_across(self.con)

    @classmethod
    def from_reports(cls, reports: Iterable[Report], db: Path | str = ":memory:") -> Archive:
        """The same tables from reports in hand (``gongkai extract`` users): no run database needed.

        ``[gongkai.read_report(p) for p in files]`` or JSON reports (``Report.model_validate_json``);
        ``db`` keeps them in a file instead of memory.
        """
        store = Store(db)
        for i, report in enumerate(reports):
            key = report.source.path or f"report-{i}"
            doc = DocumentRecord(key=f"{key}#{i}", path=key, sha256=report.source.sha256, format=report.source.format,
                                 pages=report.source.pages, status=report.status,
                                 extractor_version=report.extractor_version)
            store.write(doc, report)
        store.flush()
        build_across(store.con)
        archive = cls.__new__(cls)
        archive.path, archive.con = Path(str(db)), store.con
        return archive

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def sql(self, query: str, params: list[Any] | None = None) -> pd.DataFrame:
        return self.con.execute(query, params or []).df()

    def bodies(self) -> pd.DataFrame:
        """One row per body: its names, place, the years it reported, whether a year has two reports."""
        return self.sql("SELECT * FROM bodies ORDER BY n_years DESC, org_key")

    def body_years(self, org_key: str | None = None) -> pd.DataFrame:
        where = "WHERE org_key = ?" if org_key else ""
        return self.sql(f"SELECT * FROM body_years {where} ORDER BY org_key, year", [org_key] if org_key else [])

    def series(self, org_key: str) -> pd.DataFrame:
        """The body's key figures (view report_totals) by year, from the report chosen for each year."""
        return self.sql(
            "SELECT b.year, b.duplicate, t.* EXCLUDE (year) FROM body_years b JOIN report_totals t USING (report_id) "
            "WHERE b.org_key = ? ORDER BY b.year",
            [org_key],
        )

    def continuity(self, org_key: str | None = None) -> pd.DataFrame:
        where = "WHERE org_key = ?" if org_key else ""
        return self.sql(
            f"SELECT * FROM continuity_findings {where} ORDER BY org_key, year, rule, where_ref",
            [org_key] if org_key else [],
        )

    def recurring(self, org_key: str | None = None, kind: str | None = None) -> pd.DataFrame:
        conds, params = [], []
        for col, val in (("org_key", org_key), ("kind", kind)):
            if val:
                conds.append(f"{col} = ?")
                params.append(val)
        where = f"WHERE {' AND '.join(conds)}" if conds else ""
        return self.sql(f"SELECT * FROM recurring_problems {where} ORDER BY org_key, year, kind", params)

    def report(self, org_key: str, year: int) -> Report:
        row = self.con.execute(
            "SELECT r.report_json FROM body_years b JOIN reports r USING (report_id) "
            "WHERE b.org_key = ? AND b.year = ?",
            [org_key, year],
        ).fetchone()
        if row is None:
            known = [y for (y,) in self.con.execute(
                "SELECT year FROM body_years WHERE org_key = ? ORDER BY year", [org_key]).fetchall()]
            raise KeyError(f"no report of {org_key} for {year}; its years: {known or 'none (unknown org_key)'}")
        return Report.model_validate(json.loads(row[0]))

    def compare(self, org_key: str, year_a: int, year_b: int) -> Comparison:
        return compare_reports(self.report(org_key, year_a), self.report(org_key, year_b))
