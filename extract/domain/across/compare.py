"""Two reports side by side: the same body or not, what changed, the rules across years, the narrative."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from gongkai.extract.domain.across.continuity import ContinuityChecker
from gongkai.extract.domain.across.orgs import identify_report
from gongkai.extract.domain.across.recurring import Recurrence, Statement, compare_narratives
from gongkai.extract.domain.model import Finding, Report


@dataclass
class CellChange:
    cell: str
    before: float | int | None
    after: float | int | None

    @property
    def changed(self) -> bool:
        return (self.before or 0) != (self.after or 0)


@dataclass
class Comparison:
    """``earlier`` and ``later`` by year (the order given when the years are equal or unknown)."""

    earlier: Report
    later: Report
    same_body: bool
    findings: list[Finding] = field(default_factory=list)
    recurring: list[Recurrence] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def changes(self) -> list[CellChange]:
        """Every cell either report prints, in the data dictionary's order of the later one."""
        before, after = self.earlier.values(), self.later.values()
        ids = list(dict.fromkeys([*after, *before]))
        return [CellChange(c, before.get(c), after.get(c)) for c in ids]

    def to_dict(self) -> dict[str, Any]:
        def side(r: Report) -> dict[str, Any]:
            return {
                "organization": r.organization,
                "org_key": r.org_key,
                "year": r.year,
                "status": r.status,
                "source": r.source.path,
                "place": r.place.model_dump(),
            }

        return {
            "same_body": self.same_body,
            "org_keys": [self.earlier.org_key, self.later.org_key],
            "years": [self.earlier.year, self.later.year],
            "earlier": side(self.earlier),
            "later": side(self.later),
            "findings": [f.model_dump() for f in self.findings],
            "recurring": [
                {"kind": r.kind, "topic": r.topic, "text": r.text, "next_text": r.next_text, "similarity": r.similarity}
                for r in self.recurring
            ],
            "changes": [
                {"cell": c.cell, "before": c.before, "after": c.after} for c in self.changes() if c.changed
            ],
            "notes": self.notes,
        }


def statements(report: Report) -> list[Statement]:
    return [Statement(i.label, i.text, i.topic) for i in report.items]


def compare_reports(a: Report, b: Report) -> Comparison:
    """Compare two reports of (ideally) one body; the rules across years need consecutive years."""
    for r in (a, b):
        if r.org_key is None and r.organization:
            identify_report(r)
    earlier, later = (b, a) if (a.year or 0) > (b.year or 0) else (a, b)
    same = earlier.org_key is not None and earlier.org_key == later.org_key
    cmp = Comparison(earlier, later, same)
    if not same:
        cmp.notes.append(
            f"not the same body ({earlier.org_key} vs {later.org_key}): the rules across years are not checked"
        )
    elif (earlier.org_key or "").startswith("?"):
        cmp.notes.append(f"{earlier.org_key}: the place is not settled, so 'the same body' rests on the name alone")
    if same and earlier.year and later.year:
        if later.year - earlier.year == 1:
            cmp.findings = ContinuityChecker().check(earlier.values(), later.values(), earlier.year, later.year)
        else:
            cmp.notes.append(f"{earlier.year} and {later.year} are not consecutive: the rules across years need both")
        cmp.recurring = compare_narratives(statements(earlier), statements(later), [s.text for s in later.sentences])
    return cmp
