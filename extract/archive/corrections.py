"""Corrections in a results database: stored apart from the extraction, applied to it.

``import_corrections`` keeps each correction in the ``corrections`` table (with the value
the database held before the first correction of that cell or item) and rewrites the
report's rows with the corrected values. The table is never touched by a re-extraction:
``Store.write`` applies the stored corrections to a report extracted again (``gongkai run
--force``), matched by the content hash of the reviewed input or by the report's identity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb
from pydantic import TypeAdapter, ValidationError

from gongkai.extract.archive.tables import CORRECTIONS, CorrectionRecord
from gongkai.extract.domain.corrections import (
    CellCorrection,
    Correction,
    CorrectionFile,
    ItemCorrection,
    Outcome,
    apply_corrections,
    item_id,
)
from gongkai.extract.domain.model import Report
from gongkai.extract.errors import GongkaiError

if TYPE_CHECKING:
    from gongkai.extract.archive.store import Store

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
                _store(store, cf, rid, report)
                outcomes = apply_corrections(report, [c for _, c in stored(con, sha, rid)])
                store.replace_report(rid, key, report_sha, report)
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


def corrected_targets(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every content hash and report identity the corrections table holds corrections for (what
    ``Store`` keeps in memory so that only those documents ask the table)."""
    if not _has_table(con):
        return set()
    return {v for row in con.execute("SELECT DISTINCT sha256, report_id FROM corrections").fetchall()
            for v in row if v is not None}


def corrected_report(con: duckdb.DuckDBPyConnection, report: Report, sha256: str | None,
                     report_id: str | None) -> Report:
    """A freshly extracted ``report`` with the stored corrections applied (a copy; the same report
    when there are none)."""
    found = stored(con, sha256, report_id)
    if not found:
        return report
    report = report.model_copy(deep=True)
    apply_corrections(report, [c for _, c in found])
    return report


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(con.execute(
        "SELECT 1 FROM information_schema.tables WHERE table_name = 'corrections' AND table_schema = current_schema()"
    ).fetchone())


def _store(store: Store, cf: CorrectionFile, rid: str, report: Report) -> None:
    """Upsert the file's corrections; the value before the first correction of a target is kept."""
    con, now, sha = store.con, datetime.now(), cf.source.sha256
    for c in cf.corrections:  # one at a time: a file correcting a target twice keeps the later, with the first previous
        old = con.execute(
            "SELECT previous, previous_label FROM corrections WHERE sha256 = ? AND target = ? AND target_id = ?",
            [sha, c.target, c.id],
        ).fetchone()
        con.execute("DELETE FROM corrections WHERE sha256 = ? AND target = ? AND target_id = ?", [sha, c.target, c.id])
        if isinstance(c, CellCorrection):
            cell = report.cells.get(c.id)
            given: dict[str, Any] = {"value": c.value,
                                     "previous": old[0] if old else (cell.value if cell is not None else None)}
        else:
            item = next((it for it in report.items if item_id(it.section_id, it.start, it.end) == c.id), None)
            given = {"label": c.label, "topic": c.topic,
                     "previous_label": old[1] if old else (item.label if item is not None else None)}
        row = CorrectionRecord(
            sha256=sha, report_id=rid, target=c.target, target_id=c.id, note=c.note, corrected_at=c.at,
            imported_at=now, source_path=cf.source.path, correction=c.model_dump(mode="json"), **given,
        )
        CORRECTIONS.insert(con, CORRECTIONS.arrow([CORRECTIONS.data([row])]))
    store.corrected |= {sha, rid}
