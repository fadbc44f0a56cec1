"""Choosing between readings of a scanned report's tables by what the report says of itself.

A scanned table has more than one reading. The ruled grid (the page reader's cells, mapped
by their labels) is exact when the grid is right; the anchored reading (rows found by their
printed labels, ``anchored``) holds when the grid is cut, broken or bent. The anchored
reading costs a second OCR pass over the table's lines, so it is made only for a table whose
grid reading falls short: cells of its template missing, values left unplaced, a rule
broken, or a cell read unsurely. Then the reading that fills more of the template, less its
broken rules, wins (ties go to the grid); the other reading's values stay as alternatives
of the winner's cells, for the repair step to weigh where a rule is broken, and fill the
cells the winner lacks. Which reading won is recorded with the table. Then, row by row, a row
the two readings disagree on is taken from the other reading where that makes the table fit
its rules and template better (one reading's row shift or lost row is the other's right row).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from gongkai.extract.domain.anchored import NOT_READ, AnchoredTable, read_table
from gongkai.extract.domain.mapping import MapIssue, Mapping
from gongkai.extract.domain.model import CellValue, Doubt, TableRecord
from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import TABLES, Schema
from gongkai.extract.layout import Document

UNSURE = 0.8
"""A grid cell read with less confidence than this asks for a second reading of its table."""
BLANK_CONFIDENCE = 0.9
"""A column position of the anchored reading with no ink at all: a blank, unless the print was as
faint as the paper."""
DISAGREE_MIN = 0.5
"""A reading at least this sure of another value (or of a blank) puts the chosen reading in doubt."""
ANCHORED = "ocr:anchored"
FILLED = 0.5
"""An empty cell fills its slot when read blank at least this surely (not unread, not unseen)."""
RULE_WEIGHT = 3
"""A broken rule costs as much as three cells not read."""
MAX_ROW_CHOICES = 10
"""Rows where the two readings disagree that are weighed together (every combination: 2^10 checks of
the rules at most); beyond that, those in a broken rule first."""


@dataclass
class _Score:
    filled: int
    broken: int

    @property
    def value(self) -> int:
        return self.filled - RULE_WEIGHT * self.broken


def _score(cells: dict[str, CellValue], sch: Schema, table: str, checker: RuleChecker) -> _Score:
    ids = sch.expected_cells(table, set(cells))
    broken = [v for v in checker.check({k: c.value for k, c in cells.items()}) if v.rule.startswith(f"{table}.")]
    filled = {k for k, c in cells.items() if not _unread(c)}
    return _Score(len(ids & filled), len(broken))


def _falls_short(mapping: Mapping, cells: dict[str, CellValue], sch: Schema, table: str,
                 checker: RuleChecker) -> bool:
    ids = sch.expected_cells(table, set(cells))
    return (
        not ids <= set(cells)
        or any(i.table == table for i in mapping.issues)
        or any(c.confidence < UNSURE for c in cells.values())
        or _score(cells, sch, table, checker).broken > 0
    )


def _as_mapped(table: AnchoredTable) -> dict[str, CellValue]:
    out = {}
    for cid, p in table.cells.items():
        c = CellValue.printed(p.cell, p.value, table.table, p.row, p.column)
        c.read = c.confidence = round(p.read, 3)  # the anchored reading's own, not the crop's
        for why in p.doubts:
            c.doubt(why)
        out[cid] = c
    return out


def _shifted(winner: dict[str, CellValue], loser: dict[str, CellValue], sch: Schema, table: str) -> set[str]:
    """The loser's columns and rows, page by page ("<page>:column:<id>", "<page>:row:<id>"), that agree
    with the winner's neighbouring line more often than with the same line: a grid that lost its
    first column on one page names every column there by its right-hand neighbour."""
    spec = sch.templates["2021"].tables[table]
    won = {(c.row, c.column): c.value for c in winner.values()}
    out = set()
    for page in {c.page for c in loser.values()}:
        for kind, lines in (("column", list(spec.columns)), ("row", list(spec.rows))):
            for i, line in enumerate(lines):
                cells = [c for c in loser.values()
                         if c.page == page and (c.column if kind == "column" else c.row) == line]
                if not cells:
                    continue

                def agree(other: str, cells: list[CellValue] = cells, kind: str = kind) -> int:
                    at = [((c.row, other) if kind == "column" else (other, c.column), c.value) for c in cells]
                    return sum(key in won and won[key] == v for key, v in at)

                own = agree(line)
                if any(agree(lines[j]) > own for j in (i - 1, i + 1) if 0 <= j < len(lines)):
                    out.add(_line(page, kind, line))
    return out


def _line(page: int | None, kind: str, line: str) -> str:
    return f"{page}:{kind}:{line}"


def _in_shifted(c: CellValue, shifted: set[str]) -> bool:
    return _line(c.page, "column", c.column) in shifted or _line(c.page, "row", c.row) in shifted


def _unread(c: CellValue) -> bool:
    """Empty and not read as a blank (unread, unseen): no value, and no claim that there is none."""
    return c.value is None and c.confidence < FILLED


def _merge(winner: dict[str, CellValue], loser: dict[str, CellValue], shifted: set[str]
           ) -> tuple[dict[str, CellValue], dict[str, CellValue]]:
    """The winner's cells; the loser's different values as their alternatives; the loser's cells where
    the winner has none or could not read one (``Doubt.DISAGREED``), unsure where the loser's line is
    ``shifted``. Where the other reading says
    something else with some conviction (a value, or a blank), the winner's cell is not sure: two
    independent readings disagree there. Returns the cells and, of those filled where the winner
    could not read, the winner's unread cell."""
    out = dict(winner)
    unread: dict[str, CellValue] = {}
    for cid, other in loser.items():
        mine = out.get(cid)
        if mine is None:
            if _in_shifted(other, shifted):
                other.doubt(Doubt.SHIFTED)
            out[cid] = other
            continue
        if other.value == mine.value:
            continue
        if _unread(mine) and other.value is not None and other.confidence >= DISAGREE_MIN:
            # the winner could not read the cell (unread, unseen), the other reading read a number there: an
            # honest gap the other reading fills, never surely (one reading saw it, the other saw no number)
            if _in_shifted(other, shifted):
                other.doubt(Doubt.SHIFTED)
            other.doubt(Doubt.DISAGREED)
            out[cid] = other
            unread[cid] = mine
            continue
        _outvoted(mine, other)
    return out, unread


def _unfill_misfits(cells: dict[str, CellValue], unread: dict[str, CellValue], sch: Schema, table: str,
                    checker: RuleChecker) -> None:
    """A gap filled from the other reading that breaks one of the table's rules more than the gap did
    goes back to the gap (a blank cell whose neighbour's number the other reading's band put there:
    the row's total says it is empty). In place."""
    for cid, gap in unread.items():
        trial = dict(cells)
        trial[cid] = gap
        if _score(trial, sch, table, checker).broken < _score(cells, sch, table, checker).broken:
            cells[cid] = gap


def _rows(cells: dict[str, CellValue]) -> dict[str, dict[str, CellValue]]:
    out: dict[str, dict[str, CellValue]] = {}
    for cid, c in cells.items():
        out.setdefault(c.row, {})[cid] = c
    return out


def _disagree(mine: dict[str, CellValue], other: dict[str, CellValue]) -> bool:
    """Some cell both readings hold has another value in each (a blank counts as a value)."""
    return any(cid in mine and mine[cid].value != c.value for cid, c in other.items())


def _choose_rows(chosen: dict[str, CellValue], other: dict[str, CellValue], sch: Schema, table: str,
                 checker: RuleChecker) -> set[str]:
    """Row by row, the other reading's row where that makes the table fit its rules and template better.

    The two readings of a table fail in different rows: the grid loses a row a ruling broke, the labels'
    reading gives a row the band of its neighbour. Rules cross rows (a column's total is the sum of its
    rows), so rows are weighed together: every combination of the disagreeing rows is scored like a
    whole reading (cells filled less three per broken rule), and the other reading's row is taken only
    where the score is strictly better (fewest rows changed on a tie). ``chosen`` is updated in place;
    the rows taken are returned."""
    mine_rows, other_rows = _rows(chosen), _rows(other)
    differ = [r for r, cells in other_rows.items() if _disagree(mine_rows.get(r, {}), cells)]
    if not differ:
        return set()
    if len(differ) > MAX_ROW_CHOICES:
        involved = {cid for v in checker.check({k: c.value for k, c in chosen.items()}) for cid in v.cells}
        differ = sorted(differ, key=lambda r: not any(cid in involved for cid in other_rows[r]))[:MAX_ROW_CHOICES]
    best, best_rows = _score(chosen, sch, table, checker).value, ()
    for size in range(1, len(differ) + 1):
        for rows in itertools.combinations(differ, size):
            trial = dict(chosen)
            for r in rows:
                trial.update(other_rows[r])
            value = _score(trial, sch, table, checker).value
            if value > best:
                best, best_rows = value, rows
    for r in best_rows:
        for cid, c in other_rows[r].items():
            mine = chosen.get(cid)
            if mine is not None and mine.value != c.value:
                _outvoted(c, mine)
            chosen[cid] = c
    return set(best_rows)


def choose_readings(mapping: Mapping, doc: Document, sch: Schema, checker: RuleChecker) -> None:
    """Replace a scanned table's grid reading by its anchored reading where that reads it better."""
    if not doc.page_text:
        return
    pages = [doc.page_text[n] for n in sorted(doc.page_text)]
    for table in TABLES:
        grid = {k: c for k, c in mapping.cells.items() if c.table == table}
        if grid and not _falls_short(mapping, grid, sch, table, checker):
            continue
        anchored = read_table(pages, sch, table, BLANK_CONFIDENCE)
        other = _as_mapped(anchored)
        if not other:
            continue
        if not any(t.kind == table and t.method != ANCHORED and t.quality >= 1.0 for t in mapping.tables):
            for c in other.values():  # no ruled grid of this table: placed by alignment alone, never sure
                c.doubt(Doubt.ALIGNED)
        won = _score(other, sch, table, checker).value > _score(grid, sch, table, checker).value
        winner, loser = (other, grid) if won else (grid, other)
        shifted = _shifted(winner, loser, sch, table)
        cells, unread = _merge(winner, loser, shifted)
        _unfill_misfits(cells, unread, sch, table, checker)
        kept = _choose_rows(cells, {k: c for k, c in loser.items() if not _in_shifted(c, shifted)}, sch, table, checker)
        for k in list(mapping.cells):
            if mapping.cells[k].table == table:
                del mapping.cells[k]
        mapping.cells.update(cells)
        if won or sch.expected_cells(table, set(cells)) <= set(cells):  # what the grid left unplaced is placed now
            mapping.issues = [i for i in mapping.issues if i.table != table]
        for cid, p in anchored.cells.items():
            if p.how in NOT_READ and cells.get(cid) is not None and cells[cid].value is None:
                mapping.issues.append(
                    MapIssue("E_UNREADABLE_CELL", f"{cid}: {NOT_READ[p.how]}", p.cell.page, [cid], table)
                )
        if won:
            for t in mapping.tables:
                if t.kind == table:
                    t.chosen = False
                    t.rows_kept = sorted(r for r in kept if any(c.page == t.page and c.row == r for c in grid.values()))
        pages_read = sorted({c.page for c in other.values() if c.page is not None})
        mapping.tables.append(
            TableRecord(kind=table, page=pages_read[0] if pages_read else None, bbox=None, method="ocr:anchored",
                        quality=round(anchored.rows_found / max(len(sch.templates["2021"].tables[table].rows), 1), 3),
                        rows=anchored.rows_found, cols=0, cells_mapped=len(other), chosen=won,
                        rows_kept=[] if won else sorted(kept))
        )


def _outvoted(winner: CellValue, loser: CellValue) -> None:
    """The losing reading of a cell stays as the winner's alternative; a confident loser caps the winner."""
    if loser.text:
        alts = dict(winner.alternatives)
        alts[loser.text] = max(alts.get(loser.text, 0.0), loser.confidence)
        winner.alternatives = tuple(sorted(alts.items(), key=lambda a: -a[1]))
    if loser.confidence >= DISAGREE_MIN:
        winner.doubt(Doubt.DISAGREED)
