"""The embedded DuckDB database a batch run writes: one transaction per document.

A document's rows (documents, reports, cells, findings, sections, items, sentences, facts, errors)
are written together or not at all, so a run killed at any point leaves only
finished documents behind and a re-run picks up exactly the rest.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from gongkai.extract.archive.corrections import DDL as CORRECTIONS_DDL
from gongkai.extract.archive.corrections import corrected_report
from gongkai.extract.domain.schema import TABLES, schema

DDL = """
CREATE TABLE IF NOT EXISTS documents (
    key VARCHAR PRIMARY KEY, path VARCHAR, member VARCHAR, sha256 VARCHAR, size BIGINT, mtime DOUBLE,
    format VARCHAR, pages INTEGER, status VARCHAR, error_code VARCHAR, error_message VARCHAR,
    report_id VARCHAR, duplicate_of VARCHAR, seconds DOUBLE, extractor_version VARCHAR, processed_at TIMESTAMP
);
CREATE TABLE IF NOT EXISTS reports (
    report_id VARCHAR PRIMARY KEY, key VARCHAR, sha256 VARCHAR, organization VARCHAR, year INTEGER,
    level VARCHAR, template VARCHAR, template_variant JSON, status VARCHAR, publication_date DATE,
    title VARCHAR, n_cells INTEGER, n_findings INTEGER, report_json JSON, body VARCHAR
);
CREATE TABLE IF NOT EXISTS cells (
    report_id VARCHAR, cell_id VARCHAR, table_name VARCHAR, row_name VARCHAR, column_name VARCHAR,
    value DOUBLE, text VARCHAR, page INTEGER, bbox DOUBLE[], source VARCHAR, method VARCHAR, confidence DOUBLE
);
CREATE TABLE IF NOT EXISTS findings (
    report_id VARCHAR, rule VARCHAR, severity VARCHAR, where_ref VARCHAR, cells VARCHAR[], message VARCHAR,
    expected DOUBLE, printed DOUBLE
);
CREATE TABLE IF NOT EXISTS sections (
    report_id VARCHAR, section_id VARCHAR, title VARCHAR, text VARCHAR, page INTEGER
);
CREATE TABLE IF NOT EXISTS items (
    report_id VARCHAR, label VARCHAR, topic VARCHAR, section VARCHAR, text VARCHAR,
    start_char INTEGER, end_char INTEGER, confidence DOUBLE
);
CREATE TABLE IF NOT EXISTS errors (
    key VARCHAR, code VARCHAR, message VARCHAR, page INTEGER
);
CREATE TABLE IF NOT EXISTS sentences (
    report_id VARCHAR, section VARCHAR, section_id VARCHAR, start_char INTEGER, end_char INTEGER, text VARCHAR,
    confidence DOUBLE
);
CREATE TABLE IF NOT EXISTS facts (
    report_id VARCHAR, kind VARCHAR, value DOUBLE, approximate BOOLEAN, text VARCHAR, section_id VARCHAR,
    start_char INTEGER, end_char INTEGER, cells VARCHAR[]
);
-- added after the first release: databases written before it gain the column
ALTER TABLE items ADD COLUMN IF NOT EXISTS section_id VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS body VARCHAR;
-- the body across years and its place (行政区划代码); filled for older rows by `build_across`
ALTER TABLE reports ADD COLUMN IF NOT EXISTS org_key VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS division_code VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS province VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS prefecture VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS county VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS township VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS place_match VARCHAR;
ALTER TABLE reports ADD COLUMN IF NOT EXISTS place_confidence DOUBLE;
"""
# a person's corrections: kept apart from the extraction (never deleted by a re-run), re-applied by write()
DDL += CORRECTIONS_DDL

REPORT_COLUMNS = (
    "report_id", "key", "sha256", "organization", "year", "level", "template", "template_variant", "status",
    "publication_date", "title", "n_cells", "n_findings", "report_json",
    "org_key", "division_code", "province", "prefecture", "county", "township", "place_match", "place_confidence",
    "body",
)

_CHILD_TABLES = ("cells", "findings", "sections", "items", "sentences", "facts")


def _wide_views() -> str:
    """One view per standard table in wide form; columns come from the data dictionary."""
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
    totals = """
    CREATE OR REPLACE VIEW report_totals AS
    SELECT r.report_id, r.organization, r.year, r.level, r.body, r.template, r.status,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.new_received.total') AS new_received,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.carried_over.total') AS carried_over,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.granted.total') AS granted,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.partially_granted.total') AS partially_granted,
      sum(c.value) FILTER (WHERE c.table_name = 'applications' AND c.column_name = 'total'
                           AND c.row_name LIKE 'denied\\_%' ESCAPE '\\') AS denied,
      sum(c.value) FILTER (WHERE c.table_name = 'applications' AND c.column_name = 'total'
                           AND c.row_name LIKE 'unavailable\\_%' ESCAPE '\\') AS unavailable,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.unavailable_not_held.total') AS not_held,
      sum(c.value) FILTER (WHERE c.table_name = 'applications' AND c.column_name = 'total'
                           AND c.row_name LIKE 'rejected\\_%' ESCAPE '\\') AS rejected,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.total_processed.total') AS total_processed,
      max(c.value) FILTER (WHERE c.cell_id = 'applications.carried_forward.total') AS carried_forward,
      max(c.value) FILTER (WHERE c.cell_id = 'review_litigation.review.total') AS reviews,
      sum(c.value) FILTER (WHERE c.table_name = 'review_litigation' AND c.column_name = 'total'
                           AND c.row_name LIKE 'litigation\\_%' ESCAPE '\\') AS lawsuits,
      (SELECT count(*) FROM findings f WHERE f.report_id = r.report_id AND f.severity = 'error'
         AND f.rule NOT LIKE 'missing.%' AND f.rule NOT LIKE 'unreadable.%') AS rule_violations
    FROM reports r LEFT JOIN cells c USING (report_id)
    GROUP BY ALL
    """
    out.append(totals)
    return ";\n".join(out) + ";"


ACROSS_VIEWS = """
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
    any_value(division_code) FILTER (WHERE pick = 1) AS division_code,
    any_value(province) FILTER (WHERE pick = 1) AS province,
    any_value(prefecture) FILTER (WHERE pick = 1) AS prefecture,
    any_value(county) FILTER (WHERE pick = 1) AS county,
    any_value(township) FILTER (WHERE pick = 1) AS township,
    any_value(place_match) FILTER (WHERE pick = 1) AS place_match,
    any_value(place_confidence) FILTER (WHERE pick = 1) AS place_confidence
FROM ranked GROUP BY org_key, year;

CREATE OR REPLACE VIEW bodies AS
SELECT org_key,
    list(DISTINCT n ORDER BY n) AS names,
    any_value(division_code) AS division_code,
    any_value(province) AS province, any_value(prefecture) AS prefecture, any_value(county) AS county,
    any_value(township) AS township,
    min(place_confidence) AS place_confidence,
    list(year ORDER BY year) AS years, count(*) AS n_years, bool_or(duplicate) AS has_duplicates
FROM body_years, unnest(names) AS t(n)
GROUP BY org_key;
"""


def report_identity(report: dict[str, Any]) -> str:
    """The same report as PDF and as web page gives the same identity: its content, not its bytes."""
    cells = sorted((k, v.get("value")) for k, v in report.get("cells", {}).items())
    basis = json.dumps([report.get("organization"), report.get("year"), cells], ensure_ascii=False)
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:32]


class Store:
    def __init__(self, path: Path | str, con: duckdb.DuckDBPyConnection | None = None, create: bool = True):
        """``con``: a connection already open on ``path`` (the run's writer opens it, waiting for
        readers); ``create``: make the tables and views if need be (once per run is enough)."""
        self.path = str(path)
        self.con = con if con is not None else duckdb.connect(self.path)
        if create:
            self.con.execute(DDL)
            self.con.execute(_wide_views())
            self.con.execute(ACROSS_VIEWS)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- resumability -------------------------------------------------------
    def finished(self) -> dict[str, tuple[int, float]]:
        """key -> (size, mtime) of every document already written."""
        return {k: (s, m) for k, s, m in self.con.execute("SELECT key, size, mtime FROM documents").fetchall()}

    def report_for_sha(self, sha256: str) -> tuple[str, str | None] | None:
        """(key, report_id) of a document with these exact bytes, if one was processed."""
        row = self.con.execute(
            "SELECT key, report_id FROM documents WHERE sha256 = ? AND duplicate_of IS NULL LIMIT 1", [sha256]
        ).fetchone()
        return (row[0], row[1]) if row else None

    # -- writing --------------------------------------------------------------
    def write(
        self, doc: dict[str, Any], report: dict[str, Any] | None, duplicate_of: str | None = None
    ) -> tuple[str | None, str | None]:
        """Write one document (and its report unless it duplicates one) in one transaction.

        Returns (report_id, key of the document it duplicates or None).
        """
        con = self.con
        report_id = doc.get("report_id")
        con.begin()
        try:
            self._delete_key(doc["key"])
            if report is not None and report.get("status") != "failed" and duplicate_of is None:
                report_id = report_identity(report)
                existing = con.execute("SELECT key FROM reports WHERE report_id = ?", [report_id]).fetchone()
                if existing and existing[0] != doc["key"]:
                    duplicate_of = existing[0]
                else:
                    report = corrected_report(con, report, doc.get("sha256"), report_id)
                    self._insert_report(report_id, doc, report)
            elif report is not None and report.get("status") == "failed":
                report_id = None
            for err in (report or {}).get("errors", []):
                con.execute(
                    "INSERT INTO errors VALUES (?, ?, ?, ?)", [doc["key"], err["code"], err["message"], err.get("page")]
                )
            con.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    doc["key"],
                    doc["path"],
                    doc.get("member"),
                    doc.get("sha256"),
                    doc.get("size"),
                    doc.get("mtime"),
                    doc.get("format"),
                    doc.get("pages"),
                    doc["status"],
                    doc.get("error_code"),
                    doc.get("error_message"),
                    report_id,
                    duplicate_of,
                    doc.get("seconds"),
                    doc.get("extractor_version"),
                    datetime.now(),
                ],
            )
            con.commit()
        except BaseException:
            con.rollback()
            raise
        return report_id, duplicate_of

    def _delete_key(self, key: str) -> None:
        old = self.con.execute("SELECT report_id FROM reports WHERE key = ?", [key]).fetchall()
        for (rid,) in old:
            for t in _CHILD_TABLES:
                self.con.execute(f"DELETE FROM {t} WHERE report_id = ?", [rid])
            self.con.execute("DELETE FROM reports WHERE report_id = ?", [rid])
        self.con.execute("DELETE FROM errors WHERE key = ?", [key])
        self.con.execute("DELETE FROM documents WHERE key = ?", [key])

    def _insert_report(self, rid: str, doc: dict[str, Any], r: dict[str, Any]) -> None:
        con = self.con
        place = r.get("place") or {}
        con.execute(
            f"INSERT INTO reports ({', '.join(REPORT_COLUMNS)}) VALUES ({', '.join('?' * len(REPORT_COLUMNS))})",
            [
                rid,
                doc["key"],
                doc.get("sha256"),
                r.get("organization"),
                r.get("year"),
                r.get("level"),
                r.get("template"),
                json.dumps(r.get("template_variant", {}), ensure_ascii=False),
                r.get("status"),
                r.get("publication_date"),
                r.get("title"),
                len(r.get("cells", {})),
                len(r.get("findings", [])),
                json.dumps(r, ensure_ascii=False),
                r.get("org_key"),
                place.get("division_code"),
                place.get("province"),
                place.get("prefecture"),
                place.get("county"),
                place.get("township"),
                place.get("match"),
                place.get("confidence"),
                r.get("body"),
            ],
        )
        frames = {
            "cells": pd.DataFrame(
                [
                    (
                        rid,
                        k,
                        c["table"],
                        c["row"],
                        c["column"],
                        c["value"],
                        c.get("text"),
                        c.get("page"),
                        list(c["bbox"]) if c.get("bbox") else None,
                        c.get("source"),
                        c.get("method"),
                        c.get("confidence"),
                    )
                    for k, c in r.get("cells", {}).items()
                ],
                columns=[
                    "report_id",
                    "cell_id",
                    "table_name",
                    "row_name",
                    "column_name",
                    "value",
                    "text",
                    "page",
                    "bbox",
                    "source",
                    "method",
                    "confidence",
                ],
            ),
            "findings": pd.DataFrame(
                [
                    (
                        rid,
                        f["rule"],
                        f["severity"],
                        f.get("where"),
                        f.get("cells", []),
                        f["message"],
                        f.get("expected"),
                        f.get("printed"),
                    )
                    for f in r.get("findings", [])
                ],
                columns=["report_id", "rule", "severity", "where_ref", "cells", "message", "expected", "printed"],
            ),
            "sections": pd.DataFrame(
                [(rid, k, s["title"], s["text"], s.get("page")) for k, s in r.get("sections", {}).items()],
                columns=["report_id", "section_id", "title", "text", "page"],
            ),
            "items": pd.DataFrame(
                [
                    (
                        rid,
                        i["label"],
                        i.get("topic"),
                        i.get("section"),
                        i["text"],
                        i.get("start"),
                        i.get("end"),
                        i.get("confidence"),
                        i.get("section_id"),
                    )
                    for i in r.get("items", [])
                ],
                columns=["report_id", "label", "topic", "section", "text", "start_char", "end_char", "confidence",
                         "section_id"],
            ),
            "sentences": pd.DataFrame(
                [(rid, x["section"], x["section_id"], x["start"], x["end"], x["text"], x["confidence"])
                 for x in r.get("sentences", [])],
                columns=["report_id", "section", "section_id", "start_char", "end_char", "text", "confidence"],
            ),
            "facts": pd.DataFrame(
                [(rid, f["kind"], f["value"], f.get("approximate", False), f["text"], f["section_id"], f["start"],
                  f["end"], f.get("cells", [])) for f in r.get("facts", [])],
                columns=["report_id", "kind", "value", "approximate", "text", "section_id", "start_char", "end_char",
                         "cells"],
            ),
        }
        for table, frame in frames.items():
            if len(frame):
                con.register("_incoming", frame)
                con.execute(f"INSERT INTO {table} SELECT * FROM _incoming")
                con.unregister("_incoming")
