"""Choosing between OCR readings with the report's own arithmetic.

The rules of the data dictionary (a column balances, a row sums to its total) are
an error-correcting code: where OCR was unsure of a cell and a rule is broken, the
combination of the cells' readings that makes the table consistent is taken, and
the chosen cells say so (method "repaired:<rule ids>").

What this never does:
- invent a value: only readings an engine produced (a cell's alternatives) are tried;
- touch text-layer values (born-digital reports keep what they print, findings and all);
- touch confident cells: a cell is a candidate only when OCR was unsure of it (low
  confidence, or another reading of some conviction disagrees);
- guess: when two different choices are equally good, nothing is changed, and the
  broken rule stays a finding, as it does for a report that really is inconsistent.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from gongkai.extract.domain.model import CellValue, Doubt
from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.domain.rules import RuleChecker, RuleViolation

UNSURE_BELOW = 0.80
"""OCR confidence under which a reading is doubtful (the OCR library's own threshold)."""
DISAGREE_MIN = 0.5
"""An alternative at least this confident makes even a confident reading doubtful."""
MAX_CHANGES = 3
"""Cells changed at once in one table: more would fit the rules by coincidence."""
MAX_CANDIDATES = 12
MAX_TRIALS = 20_000
TIE = 1e-6

Value = int | float


@dataclass(frozen=True)
class Option:
    value: Value
    text: str
    confidence: float


@dataclass
class Repair:
    cell: str
    old: Value | None
    new: Value
    rules: list[str]


def _options(c: CellValue) -> list[Option]:
    """The cell's other numeric readings, when OCR was unsure of it; [] otherwise."""
    if not c.method.startswith("ocr"):
        return []
    out: dict[Value, Option] = {}
    for text, conf in c.alternatives:
        p = parse_cell(text)
        if p.kind != "number" or p.value == c.value or p.value is None:
            continue
        if p.value not in out or conf > out[p.value].confidence:
            out[p.value] = Option(p.value, text.strip(), float(conf))
    unsure = c.confidence < UNSURE_BELOW or any(o.confidence >= DISAGREE_MIN for o in out.values())
    return list(out.values()) if unsure else []


def repair_cells(cells: dict[str, CellValue], checker: RuleChecker) -> list[Repair]:
    """Change unsure OCR cells to the readings that satisfy broken rules; returns what was changed."""
    if not any(c.method.startswith("ocr") for c in cells.values()):
        return []
    repairs: list[Repair] = []
    for table in sorted({c.table for c in cells.values()}):
        sub = {k: c for k, c in cells.items() if c.table == table}
        missing = checker.schema.expected_cells(table, set(sub)) - set(sub)
        repairs.extend(_repair_table(sub, checker, missing))
    return repairs


def doubt_contradicted(cells: dict[str, CellValue], checker: RuleChecker) -> None:
    """Cap the confidence of OCR cells the report's arithmetic still contradicts after repair.

    A broken rule says one of its cells is wrong without saying which: none of them is sure. A
    cell where two broken rules cross is the likeliest culprit (``Doubt.CROSSED``). Text-layer values keep theirs (a
    born-digital report that does not add up printed what it printed)."""
    count: dict[str, int] = {}
    for v in checker.check({k: c.value for k, c in cells.items()}):
        for cid in v.cells:
            count[cid] = count.get(cid, 0) + 1
    for cid, n in count.items():
        c = cells.get(cid)
        if c is None or not c.method.startswith(("ocr", "repaired")):
            continue
        c.doubt(Doubt.CONTRADICTED if n == 1 else Doubt.CROSSED)


def doubt_lone_blanks(cells: dict[str, CellValue]) -> None:
    """Cap the confidence of OCR cells read empty (no ink, no printed dash) in a table whose own
    convention for nothing is 0: more of its cells read 0 than read empty (``Doubt.LONE_BLANK``: there an
    empty cell was more often a faint 0 the scan lost, thin toner or a light copy, than a cell the writer left
    empty; it costs no value, the rules treat an empty cell as 0 either way). A report that leaves its nothing
    empty (no or few zeros) keeps its empty cells (``doubt_blanks`` holds them below sure)."""
    tables: dict[str, list[CellValue]] = {}
    for c in cells.values():
        if c.method.startswith(("ocr", "repaired")):
            tables.setdefault(c.table, []).append(c)
    for group in tables.values():
        empty = [c for c in group if c.value is None and not (c.text or "").strip()]
        zeros = sum(1 for c in group if c.value == 0)
        if empty and zeros > len(empty):
            for c in empty:
                c.doubt(Doubt.LONE_BLANK)


def doubt_blanks(cells: dict[str, CellValue]) -> None:
    """Cap the confidence of OCR cells read empty (``Doubt.EMPTY``), whatever the table's convention: an
    empty reading is never sure (in8b_forward huaian_2024: a warm-lit photo's print taken for seal ink, its 0
    read as a blank at 0.9). Run
    last, after the readings were chosen and repaired (their choices weigh a blank's conviction)."""
    for c in cells.values():
        if c.value is None and c.method.startswith(("ocr", "repaired")):
            c.doubt(Doubt.EMPTY)


def _key(v) -> tuple[str, str]:
    return (v.rule, v.where)


def _repair_table(cells: dict[str, CellValue], checker: RuleChecker, missing: set[str]) -> list[Repair]:
    """The table's unsure cells changed to the readings that mend its broken lines. A line that adds up a
    cell not placed (``missing``: a row not found) is no evidence: its difference may be that cell's value
    (pale gen_037 seed 11: 2、重复申请's row lost, its 3 taken into the row above at 0.9)."""

    def broken_lines(values: dict[str, Value | None]) -> list[RuleViolation]:
        return [v for v in checker.check(values) if not checker.gapped(v, missing)]

    values: dict[str, Value | None] = {k: c.value for k, c in cells.items()}
    before = broken_lines(values)
    if not before:
        return []
    broken = {_key(v): v for v in before}
    involved = {cid for v in before for cid in v.cells}
    cands = {cid: opts for cid in sorted(involved) if cid in cells and (opts := _options(cells[cid]))}
    if not cands:
        return []
    ids = sorted(cands, key=lambda k: cells[k].confidence)[:MAX_CANDIDATES]
    best: tuple[int, int, float] | None = None
    best_choice: dict[str, Option] | None = None
    tied = False
    trials = 0
    for size in range(1, min(MAX_CHANGES, len(ids)) + 1):
        for subset in itertools.combinations(ids, size):
            for picks in itertools.product(*(cands[k] for k in subset)):
                trials += 1
                if trials > MAX_TRIALS:
                    return []  # too many ways to fit the rules: none of them is evidence
                trial = dict(values)
                for k, o in zip(subset, picks, strict=True):
                    trial[k] = o.value
                after = {_key(v): v for v in broken_lines(trial)}
                if not set(after) <= set(broken):
                    continue  # the change breaks a rule that held
                if any(k in v.cells for v in after.values() for k in subset):
                    continue  # a changed cell is still in a broken rule: not a fix
                gain = sum(o.confidence - cells[k].confidence for k, o in zip(subset, picks, strict=True))
                score = (len(broken) - len(after), -size, gain)
                if best is None or _better(score, best):
                    best, best_choice, tied = score, dict(zip(subset, picks, strict=True)), False
                elif _same(score, best):
                    tied = True
    if best_choice is None or tied:
        return []
    after_keys = {_key(v) for v in broken_lines({**values, **{k: o.value for k, o in best_choice.items()}})}
    out = []
    for cid, o in best_choice.items():
        rules = sorted({v.rule for k, v in broken.items() if k not in after_keys and cid in v.cells})
        c = cells[cid]
        out.append(Repair(cid, c.value, o.value, rules))
        c.alternatives = ((c.text, c.confidence), *((t, p) for t, p in c.alternatives if t != o.text))
        c.reread(o.text, o.value, round(o.confidence, 3))
        c.method = f"repaired:{','.join(rules)}"
    return out


def _better(a: tuple[int, int, float], b: tuple[int, int, float]) -> bool:
    return a[:2] > b[:2] or (a[:2] == b[:2] and a[2] > b[2] + TIE)


def _same(a: tuple[int, int, float], b: tuple[int, int, float]) -> bool:
    return a[:2] == b[:2] and abs(a[2] - b[2]) <= TIE
