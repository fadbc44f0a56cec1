"""A person's corrections of a report: what they are, and applying them.

The review page (``gongkai review``) writes a corrections file; ``gongkai import-corrections``
stores it beside the extracted data and applies it. Applying changes only what the person
said: the corrected cells (value, method ``corrected``, confidence 1) and items (label,
topic); the findings that derive from cell values (the rules of the data dictionary, the
narrative's stated counts against the tables, ``missing.cell`` for a cell now given) are
checked again. Page, box, printed text and everything else stay as extracted, and the
previous value is kept in the correction itself (the database's ``corrections`` table), so
the extraction and the correction can always be told apart.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from gongkai.extract.domain.model import CellValue, Finding, Report
from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import schema

FORMAT = "gongkai-corrections/1"
CORRECTED = "corrected"
"""The ``method`` of a cell whose value a person gave."""
ITEM_LABELS = ("problem", "improvement")
NOT_AN_ITEM = "none"


class CellCorrection(BaseModel):
    """The value a cell should have (the same value as extracted confirms it)."""

    target: Literal["cell"] = "cell"
    id: str = Field(description="Cell id, e.g. applications.granted.total.")
    value: int | float | None = Field(description="The right value; null for a printed blank ('/', '—').")
    previous: int | float | None = Field(None, description="The value as extracted when the person saw it.")
    note: str = ""
    at: datetime | None = None


class ItemCorrection(BaseModel):
    """The right label (or: not an item) and topic of a narrative item."""

    target: Literal["item"] = "item"
    id: str = Field(description="'<section_id>:<start>-<end>': the item's offsets into its section text.")
    label: Literal["problem", "improvement", "none"]
    topic: str | None = None
    previous: str | None = Field(None, description="The label as extracted.")
    note: str = ""
    at: datetime | None = None


Correction = Annotated[CellCorrection | ItemCorrection, Field(discriminator="target")]


class CorrectionSource(BaseModel):
    path: str | None = None
    sha256: str = Field(description="The reviewed input's content hash: how corrections find their report.")


class CorrectionFile(BaseModel):
    """What the review page saves."""

    format: Literal["gongkai-corrections/1"] = FORMAT
    source: CorrectionSource
    organization: str | None = None
    year: int | None = None
    corrections: list[Correction] = Field(default_factory=list)


def item_id(section_id: str | None, start: int | None, end: int | None) -> str:
    return f"{section_id or ''}:{start}-{end}"


class Outcome(BaseModel):
    """What applying one correction did."""

    target: str
    id: str
    applied: bool
    previous: int | float | str | None = None
    reason: str = ""


def apply_corrections(report: Report, corrections: list[CellCorrection | ItemCorrection]) -> list[Outcome]:
    """Apply ``corrections`` to ``report`` in place and re-check what derives from the values."""
    sch = schema()
    template = sch.templates.get(report.template or "2021", sch.templates["2021"])
    valid_ids = {cid for t in template.tables.values() for cid in t.cell_ids()}
    outcomes: list[Outcome] = []
    cells_changed = False
    for c in corrections:
        if isinstance(c, CellCorrection):
            outcomes.append(_apply_cell(report, c, valid_ids))
            cells_changed |= outcomes[-1].applied
        else:
            outcomes.append(_apply_item(report, c))
    if cells_changed:
        _recheck(report)
    return outcomes


def _apply_cell(report: Report, c: CellCorrection, valid_ids: set[str]) -> Outcome:
    cell = report.cells.get(c.id)
    if cell is None:
        if c.id not in valid_ids:
            return Outcome(target="cell", id=c.id, applied=False,
                           reason=f"no cell {c.id} in the {report.template or '2021'} template")
        table, row, column = c.id.split(".")
        report.cells[c.id] = CellValue(value=c.value, text="", method=CORRECTED, confidence=1.0,
                                       table=table, row=row, column=column)
        return Outcome(target="cell", id=c.id, applied=True, previous=None, reason="not extracted; added")
    previous = cell.value
    cell.given(c.value, CORRECTED)
    return Outcome(target="cell", id=c.id, applied=True, previous=previous)


def _apply_item(report: Report, c: ItemCorrection) -> Outcome:
    for i, it in enumerate(report.items):
        if item_id(it.section_id, it.start, it.end) != c.id:
            continue
        previous = it.label
        if c.label == NOT_AN_ITEM:
            del report.items[i]
        else:
            it.label = c.label
            it.section = "problems" if c.label == "problem" else "improvements"
            if c.topic is not None:
                it.topic = c.topic
            it.confidence = 1.0
        return Outcome(target="item", id=c.id, applied=True, previous=previous)
    return Outcome(target="item", id=c.id, applied=False, reason="no item at these offsets (the text changed?)")


def _recheck(report: Report) -> None:
    """Findings that derive from cell values, computed again from the corrected values."""
    from gongkai.extract.domain.narrative import table_mismatches

    sch = schema()
    rule_ids = {r.id for r in sch.rules}
    kept = []
    for f in report.findings:
        if f.rule in rule_ids or f.rule == "narrative.table_mismatch":
            continue
        if f.rule in ("missing.cell", "unreadable.cell") and f.cells and all(
            cid in report.cells and report.cells[cid].method == CORRECTED for cid in f.cells
        ):
            continue  # a person gave the value
        kept.append(f)
    checker = RuleChecker(sch)
    rules = [
        Finding(rule=v.rule, severity="error", where=v.where, cells=v.cells, message=v.message,
                expected=v.expected, printed=v.printed)
        for v in checker.check({k: c.value for k, c in report.cells.items()})
    ]
    for fact in report.facts:
        fact.cells = []
    report.findings = kept + rules
    report.findings.extend(table_mismatches(report))
