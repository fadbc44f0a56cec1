"""Corrections in a results database: stored apart from the extraction, applied to it.

``import_corrections`` keeps each correction in the ``corrections`` table (with the value
the database held before the first correction of that cell or item) and rewrites the
report's rows with the corrected values. The table is never touched by a re-extraction:
``Store.write`` applies the stored corrections to a report extracted again (``gongkai run
--force``), matched by the content hash of the reviewed input or by the report's identity.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
from pydantic import TypeAdapter, ValidationError

from gongkai.extract.domain.corrections import (
    CellCorrection,
    Correction,
    CorrectionFile,
    ItemCorrection,
    Outcome,
    apply_corrections,
)
from gongkai.extract.domain.model import Report
from gongkai.extract.errors import GongkaiError

DDL = """
CREATE TABLE IF NOT EXISTS corrections (
    sha256 VARCHAR, report_id VARCHAR, target VARCHAR, target_id VARCHAR,
    value DOUBLE, previous DOUBLE, label VARCHAR, previous_label VARCHAR, topic VARCHAR, note VARCHAR,
    corrected_at TIMESTAMP, imported_at TIMESTAMP, source_path VARCHAR, correction JSON
);
"""

_ADAPTER: TypeAdapter[CellCorrection | ItemCorrection] = TypeAdapter(Correction)


class BadCorrections(GongkaiError):
    code = "E_CORRECTIONS"
    hint = "save the corrections again from the review page (gongkai review)"


class UnknownReport(GongkaiError):
    code = "E_NO_SUCH_REPORT"
    hint = "extract the reviewed file into this database first (gongkai run FILE --db DB)"


def read_corrections(path: Path) -> CorrectionFile:
    """A corrections file as the review page saves it; a coded error says what is wrong with it."""
    try:
        return CorrectionFile.model_validate_json(path.read_bytes())
    except OSError as exc:
        raise BadCorrections(f"{path} cannot be read ({exc.strerror})", hint="check the path") from None
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise BadCorrections(
            f"{path} is not a gongkai corrections file ({where}: {first['msg']})"
        ) from None


@dataclass
class ImportResult:
    report_ids: list[str]
    outcomes: list[Outcome] = field(default_factory=list)


def import_corrections(db: Path, cf: CorrectionFile) -> ImportResult:
    """Store ``cf``'s corrections and apply them to the report(s) of the reviewed input in ``db``."""
    from gongkai.extract.archive import dblock
    from gongkai.extract.archive.store import Store

    sha = cf.source.sha256
    # during a `gongkai run` it gets in between two of the run's commits (DatabaseBusy past 30 s)
    with Store(db, con=dblock.connect(db, read_only=False, timeout_s=30)) as store:
        con = store.con
        rids = [r for (r,) in con.execute(
            "SELECT DISTINCT report_id FROM documents WHERE sha256 = ? AND report_id IS NOT NULL "
            "AND report_id IN (SELECT report_id FROM reports) ORDER BY 1", [sha]).fetchall()]
        if not rids:
            raise UnknownReport(f"no extracted report of {cf.source.path or 'the reviewed file'} "
                                f"(sha256 {sha[:12]}…) in {db}")
        result = ImportResult(rids)
        for rid in rids:
            con.begin()
            try:
                key, report_sha, js = con.execute(
                    "SELECT key, sha256, report_json FROM reports WHERE report_id = ?", [rid]).fetchone()
                report = Report.model_validate_json(js)
                _store(con, cf, rid, report)
                outcomes = apply_corrections(report, [c for _, c in stored(con, sha, rid)])
                _rewrite(store, rid, key, report_sha, report)
                con.commit()
            except BaseException:
                con.rollback()
                raise
            mine = {(c.target, c.id) for c in cf.corrections}
            result.outcomes += [o for o in outcomes if (o.target, o.id) in mine]
    return result


def stored(con: duckdb.DuckDBPyConnection, sha256: str | None, report_id: str | None) -> list[
    tuple[dict[str, Any], CellCorrection | ItemCorrection]
]:
    """The corrections kept for an input (by content hash) or a report (by identity), oldest first."""
    if not _has_table(con):
        return []
    rows = con.execute(
        "SELECT target, target_id, previous, previous_label, correction FROM corrections "
        "WHERE sha256 = ? OR report_id = ? ORDER BY imported_at, target, target_id",
        [sha256, report_id],
    ).fetchall()
    out: dict[tuple[str, str], tuple[dict[str, Any], CellCorrection | ItemCorrection]] = {}
    for target, tid, prev, prev_label, js in rows:
        out[(target, tid)] = ({"previous": prev if target == "cell" else prev_label}, _ADAPTER.validate_json(js))
    return list(out.values())


def corrected_report(con: duckdb.DuckDBPyConnection, report: dict[str, Any], sha256: str | None,
                     report_id: str | None) -> dict[str, Any]:
    """``report`` (a freshly extracted report's dict) with the stored corrections applied."""
    found = stored(con, sha256, report_id)
    if not found:
        return report
    r = Report.model_validate(report)
    apply_corrections(r, [c for _, c in found])
    return r.model_dump(mode="json")


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'corrections' AND table_schema = current_schema()"
    ).fetchone())


def _store(con: duckdb.DuckDBPyConnection, cf: CorrectionFile, rid: str, report: Report) -> None:
    """Upsert the file's corrections; the value before the first correction of a target is kept."""
    now = datetime.now()
    for c in cf.corrections:
        old = con.execute(
            "SELECT previous, previous_label FROM corrections WHERE sha256 = ? AND target = ? AND target_id = ?",
            [cf.source.sha256, c.target, c.id],
        ).fetchone()
        con.execute("DELETE FROM corrections WHERE sha256 = ? AND target = ? AND target_id = ?",
                    [cf.source.sha256, c.target, c.id])
        if isinstance(c, CellCorrection):
            cell = report.cells.get(c.id)
            previous = old[0] if old else (cell.value if cell is not None else None)
            values = [c.value, previous, None, None, None]
        else:
            item = next((it for it in report.items if f"{it.section_id or ''}:{it.start}-{it.end}" == c.id), None)
            previous_label = old[1] if old else (item.label if item is not None else None)
            values = [None, None, c.label, previous_label, c.topic]
        con.execute(
            "INSERT INTO corrections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [cf.source.sha256, rid, c.target, c.id, *values, c.note, c.at, now, cf.source.path,
             json.dumps(c.model_dump(mode="json"), ensure_ascii=False)],
        )


def _rewrite(store: Any, rid: str, key: str, sha: str | None, report: Report) -> None:
    """Replace the report's rows with the corrected report's (same identity, same document)."""
    from gongkai.extract.archive.store import _CHILD_TABLES

    for t in _CHILD_TABLES:
        store.con.execute(f"DELETE FROM {t} WHERE report_id = ?", [rid])
    store.con.execute("DELETE FROM reports WHERE report_id = ?", [rid])
    store._insert_report(rid, {"key": key, "sha256": sha}, report.model_dump(mode="json"))
