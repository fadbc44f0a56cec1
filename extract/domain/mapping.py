"""Mapping printed table cells to the data dictionary's cell ids.

A value's id comes from its labels, never from its position in the document:
its row label path (e.g. 三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密) and its
column header path (申请人情况 / 法人或其他组织 / 商业企业) are matched against the
official labels. Tables are processed as one stream of rows across fragments, so a
table that crosses a page continues with the header of its first part.

Ragged tables (text exports, no geometry) keep each row's printed cells in order.
For them a value's column is its place in the row, checked against the header
where the header is flat, or the template's printed order where the header is
nested (nested headers cannot be placed without geometry).
"""

from __future__ import annotations

import itertools
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from gongkai.extract.domain.labels import best_match, normalize, similarity
from gongkai.extract.domain.model import CellValue, Doubt, TableRecord
from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import TABLES, Schema, TableSpec
from gongkai.extract.domain.sections import TOP
from gongkai.extract.layout import Cell, Document, Table, TextLine

# Section headings of the table sections (二、 三、 四、, sections.TOP): a hint for which table follows.
_TABLE_HEADINGS = {f"{number}、": sid for sid, number, _ in TOP if sid in TABLES}


@dataclass
class MapIssue:
    """Something the mapper could not do cleanly; becomes a finding or an error."""

    code: str
    message: str
    page: int | None = None
    cells: list[str] = field(default_factory=list)
    table: str | None = None
    """The table kind being read when it happened."""


ORDER_LABEL_MARGIN = 5.0
"""How much more like their own rows (mean fuzzy score, 0-100) the labels of rows placed by the template's
order alone must read than like the rows one or two up or down (webcms huaian_2024: 19 against at most 1)."""


@dataclass
class Mapping:
    cells: dict[str, CellValue] = field(default_factory=dict)
    issues: list[MapIssue] = field(default_factory=list)
    tables: list[TableRecord] = field(default_factory=list)
    active_template: str | None = None
    """"2021" or "2019" by the active-disclosure rows/columns found."""


def confirm_inferred(cells: dict[str, CellValue], confirmed: set[str]) -> None:
    """Give a cell placed by inference (``Doubt.INFERRED``) back what its reading claims, as far as its other
    doubts allow, where the report's rules vouch for its value (``RuleChecker.confirmed``). Whichever
    reading placed it (the grid's mapping, the labels' reading), the doubt and its lifting are the same."""
    for cid in confirmed:
        cell = cells.get(cid)
        if cell is not None:
            cell.vouch(Doubt.INFERRED)


@dataclass
class _Kind:
    """Label candidates of one table kind, merged over both templates."""

    id: str
    rows: dict[str, tuple[str, ...]]
    columns: dict[str, tuple[str, ...]]
    groups: tuple[str, ...]
    specs: dict[str, TableSpec]
    row_orders: tuple[tuple[str, ...], ...] = ()
    """The rows a report of this kind may print, in order: each template's, with each form of the table's
    variants (（六）其他处理 as three rows or as one) that the template prints."""

    def column_applies(self, col: str, row: str) -> bool:
        return any(col in s.columns and row in s.rows and s.columns[col].applies_to(row) for s in self.specs.values())

    def printed_order(self, row: str | None) -> list[tuple[str, str]]:
        """(row, column) pairs in the official template's printed order."""
        spec = self.specs["2021"]
        rows = [row] if row else list(spec.rows)
        return [(r, c.id) for r in rows if r in spec.rows for c in spec.columns_for(r)]


_KINDS: dict[int, tuple[Schema, dict[str, _Kind]]] = {}
_LABEL_OF: dict[tuple[str, int], tuple[_Kind, bool]] = {}


LABEL_MATCH = 80
"""The fuzzy score (0-100) at which a text, not a whole cell's worth of context, reads as a template label."""


def _label_hits(text: str, kind: _Kind) -> list[tuple[str, str]]:
    """The labels of ``kind`` that ``text`` reads as, as ("row" | "column", id); under two characters, none."""
    if len(normalize(text)) < 2:
        return []
    sides = (("row", kind.rows), ("column", kind.columns))
    return [(side, hit[0]) for side, labels in sides if (hit := best_match(text, labels, LABEL_MATCH))]


def _is_label_of(text: str, kind: _Kind) -> bool:
    """Whether ``text`` reads as one of ``kind``'s row or column labels (remembered like ``best_match``)."""
    key = (text, id(kind))
    hit = _LABEL_OF.get(key)
    if hit is not None and hit[0] is kind:
        return hit[1]
    found = bool(_label_hits(text, kind))
    if len(_LABEL_OF) >= 65_536:
        _LABEL_OF.clear()
    _LABEL_OF[key] = (kind, found)
    return found


def _kinds(schema: Schema) -> dict[str, _Kind]:
    """The label candidates of each table kind, made once per data dictionary (the label matcher
    remembers its answers per candidate set)."""
    known = _KINDS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    out = _make_kinds(schema)
    _KINDS[id(schema)] = (schema, out)
    return out


def _make_kinds(schema: Schema) -> dict[str, _Kind]:
    out = {}
    for tid in TABLES:
        rows: dict[str, list[str]] = {}
        cols: dict[str, list[str]] = {}
        groups: set[str] = set()
        specs = {name: t.tables[tid] for name, t in schema.templates.items()}
        for spec in specs.values():
            for r in spec.rows.values():
                rows.setdefault(r.id, []).extend([r.label, *r.aliases])
                if r.group:
                    groups.add(r.group)
            for c in spec.columns.values():
                cols.setdefault(c.id, []).extend([c.label, *c.aliases])
                if c.group:
                    groups.add(c.group)
        out[tid] = _Kind(
            tid,
            {k: tuple(dict.fromkeys(v)) for k, v in rows.items()},
            {k: tuple(dict.fromkeys(v)) for k, v in cols.items()},
            tuple(sorted(groups)),
            specs,
            _row_orders(schema, tid, specs),
        )
    return out


def _row_orders(schema: Schema, tid: str, specs: dict[str, TableSpec]) -> tuple[tuple[str, ...], ...]:
    """Each template's rows of table ``tid`` as a report prints them: for each of the table's variants one
    form (its rows kept, the other forms' left out), each form whose rows the template has."""
    out: list[tuple[str, ...]] = []
    variants = [v for v in schema.variants.values() if v.table == tid]
    for spec in specs.values():
        drops: list[set[str]] = [set()]
        for v in variants:
            drops = [d | (v.rows - set(form)) for d in drops for form in v.forms.values()
                     if set(form) <= set(spec.rows)] or drops
        for d in drops:
            order = tuple(r for r in spec.rows if r not in d)
            if order not in out:
                out.append(order)
    return tuple(out)


def _filled(table: Table) -> list[list[Cell | None]]:
    """Every grid position with the cell that covers it (spans expanded)."""
    n = table.n_cols
    grid: list[list[Cell | None]] = [[None] * n for _ in table.rows]
    for r, row in enumerate(table.rows):
        for c, cell in enumerate(row):
            if cell is None:
                continue
            for rr in range(r, min(r + max(cell.rowspan, 1), len(grid))):
                for cc in range(c, min(c + max(cell.colspan, 1), n)):
                    if grid[rr][cc] is None:
                        grid[rr][cc] = cell
    return grid


def _is_data_row(cells: list[Cell]) -> bool:
    return any(parse_cell(c.text).kind == "number" for c in cells)


@dataclass
class _Segment:
    """A header block and the data rows under it, within one table fragment."""

    table: Table
    header_rows: list[int]
    data_rows: list[int]


def _segments(table: Table, filled: list[list[Cell | None]], is_row_label: Callable[[str], bool]) -> list[_Segment]:
    """Split a fragment into header blocks and the data rows under them.

    A data row prints a number, or (a report that left it blank) names a known row
    and has only blank/null cells after its label; in a gridded table a row of only
    empty cells right under a header is the blank value row of a header-only table.
    """
    segs: list[_Segment] = []
    cur = _Segment(table, [], [])
    for r, row in enumerate(table.rows):
        origin = [c for c in row if c is not None]
        printed = [c for c in origin if c.text.strip()] if table.gridded else origin
        data = _is_data_row(printed) or (_is_blank_row(origin, is_row_label) and not _lost_header(r, origin))
        if not data and table.gridded and len(origin) >= 2 and not printed and cur.header_rows and not cur.data_rows:
            data = True
        if data:
            cur.data_rows.append(r)
        else:
            if cur.data_rows:
                segs.append(cur)
                cur = _Segment(table, [], [])
            cur.header_rows.append(r)
    if cur.header_rows or cur.data_rows:
        segs.append(cur)
    return segs


def _lost_header(r: int, origin: list[Cell]) -> bool:
    """A table's first row with a label beside an empty cell spanning several columns: a header
    whose spanning text was lost (a seal over 行政诉讼), not a row printed blank."""
    return r == 0 and any(c.colspan > 1 and not c.text.strip() for c in origin[1:])


def _is_blank_row(origin: list[Cell], is_row_label: Callable[[str], bool]) -> bool:
    kinds = [parse_cell(c.text).kind for c in origin]
    if not 1 <= kinds.count("text") <= 3:
        return False  # no label, or a header row (many labels)
    last = max(i for i, k in enumerate(kinds) if k == "text")
    return last < len(origin) - 1 and all(k == "null" for k in kinds[last + 1 :]) and is_row_label(origin[last].text)


@dataclass
class _Row:
    """A data row of a gridded segment, with what placing its values needs."""

    labels: list[Cell]
    last_label_col: int
    origins: list[Cell | None]
    header: list[list[str]]
    col_ids: list[str | None]
    n_cols: int
    column_rows: list[str | None]
    """The row each column's header names (a one-line table's: the review table's row groups)."""
    inferred: list[bool]
    """Per column, whether its place (its column, or the row its header names) was inferred, not read."""
    row_inferred: bool = False
    """Whether the row was named by inference (its neighbours, the printed order), not by its label."""


def _holds_data(row: _Row) -> bool:
    """Whether an unnamed row is a row of the table still to be named: it has labels, or numbers where
    values stand (its labels lost: a negative microfilm print's light face, hongze_2023 in10_microfilm p3)."""
    return bool(row.labels) or any(
        cell is not None and parse_cell(cell.text).kind == "number" for cell in row.origins[row.last_label_col + 1 :]
    )


@dataclass
class _End:
    """How a kind's gridded fragment ended: on ``page``, the last row it named (``row``) and the rows after
    it that no label named, with the issues their values raised (withdrawn if they are named later)."""

    page: int | None
    row: str
    pending: list[tuple[_Row, list[MapIssue]]]


@dataclass
class _Fragment:
    """A gridded fragment whose rows no label named: its table's record, its data rows' cells, and each
    row as placed (nothing) with the issues its values raised."""

    record: TableRecord
    table: Table
    data: list[list[Cell | None]]
    rows: list[tuple[_Row, list[MapIssue]]]


@dataclass
class _Unnamed:
    """A kind's fragments whose rows no label named, on consecutive pages up to ``page``."""

    page: int | None
    fragments: list[_Fragment]


def _continues_page(page: int | None, seg: _Segment) -> bool:
    """Whether ``seg`` continues a fragment that ended on ``page``: it is on the next page and opens its
    table there (its header, repeated or not, then its data rows)."""
    opens = seg.header_rows == list(range(len(seg.header_rows))) and seg.data_rows[:1] == [len(seg.header_rows)]
    return page is not None and seg.table.page == page + 1 and opens


class TableMapper:
    """Consumes a document's blocks in order and collects mapped cells."""

    def __init__(self, schema: Schema):
        self.kinds = _kinds(schema)
        self.result = Mapping()
        self._hint: str | None = None
        self._fresh_hint = False
        """The hint is a heading seen after the last table: it names the next table better than the last one's kind."""
        # last header per kind: list of column paths (gridded) + the table it came from
        self._headers: dict[str, tuple[Table, list[list[str]]]] = {}
        self._flat_order: dict[str, list[str]] = {}
        self._last_kind: str | None = None
        # a kind whose header block ended a fragment without data: its next header block continues it
        self._open_header: str | None = None
        # per kind, how its last gridded fragment ended (for a fragment continuing it on the next page)
        self._ends: dict[str, _End] = {}
        # per kind, its fragments on consecutive pages whose rows no label named (placed by the template's order)
        self._unnamed: dict[str, _Unnamed] = {}
        self._rules = RuleChecker(schema)

    # -- public -------------------------------------------------------------
    def run(self, doc: Document) -> Mapping:
        for block in doc.blocks:
            if isinstance(block, TextLine):
                self._see_text(block.text)
            else:
                self._table(block)
        for kind_id in list(self._unnamed):
            self._place_unnamed(kind_id)
        self.result.active_template = self._active_template()
        return self.result

    # -- kind detection -----------------------------------------------------
    def _see_text(self, text: str) -> None:
        t = normalize(text)
        for prefix, kind in _TABLE_HEADINGS.items():
            if t.startswith(prefix) and len(t) < 40:
                self._hint = kind
                self._fresh_hint = True
                return
        if t.startswith(("五、", "六、")):
            self._hint = None

    def _score(self, kind: _Kind, texts: list[str]) -> int:
        return sum(n for t, n in Counter(texts).items() if _is_label_of(t, kind))

    def _pick_kind(self, texts: list[str]) -> str | None:
        scores = {k: self._score(kind, texts) for k, kind in self.kinds.items()}
        best = max(scores.values())
        # a table under its own heading is that heading's kind; one without (continued on the next page)
        # goes on with the last table's. A faint copy's header may read as no label of any kind.
        order = (self._hint, self._last_kind) if self._fresh_hint else (self._last_kind, self._hint)
        if best == 0:
            return order[0] or order[1]
        winners = [k for k, v in scores.items() if v == best]
        if len(winners) == 1:
            return winners[0]
        for prefer in order:
            if prefer in winners:
                return prefer
        return winners[0]

    # -- tables -------------------------------------------------------------
    def _table(self, table: Table) -> None:
        record = TableRecord(kind=None, page=table.page, bbox=table.bbox, method=table.method,
                             quality=round(table.quality, 3), rows=len(table.rows), cols=table.n_cols, cells_mapped=0)
        self.result.tables.append(record)
        filled = _filled(table) if table.gridded else [list(r) for r in table.rows]
        for seg in _segments(table, filled, self._is_row_label):
            texts = [c.text for r in seg.header_rows + seg.data_rows for c in filled[r] if c is not None]
            kind_id = self._pick_kind(texts)
            if kind_id is None:
                continue
            if not seg.data_rows:
                # a header whose values (or the rest of the header) continue on the next page
                if table.gridded and self._score(self.kinds[kind_id], texts):
                    self._last_kind = kind_id
                    self._header_paths(self.kinds[kind_id], seg, filled, header_only=True)
                    self._open_header = kind_id
                continue
            record.kind = record.kind or kind_id
            self._last_kind = kind_id
            self._fresh_hint = False
            kind = self.kinds[kind_id]
            before = len(self.result.cells)
            if table.gridded:
                self._gridded_segment(kind, seg, filled)
            else:
                self._ragged_segment(kind, seg)
            self._open_header = None
            record.cells_mapped += len(self.result.cells) - before

    def _header_paths(
        self, kind: _Kind, seg: _Segment, filled: list[list[Cell | None]], header_only: bool = False
    ) -> tuple[list[list[str]], list[bool]] | None:
        """Column header paths for a segment, and per column whether its path is another fragment's header
        aligned by position (not the same grid's lines: ``_same_grid``), a column named by inference; a
        header-only segment is remembered whatever it names."""
        table = seg.table
        paths: list[list[str]] = []
        for c in range(table.n_cols):
            path: list[str] = []
            seen: list[int] = []
            for r in seg.header_rows:
                cell = filled[r][c]
                if cell is not None and id(cell) not in seen and cell.text.strip():
                    seen.append(id(cell))
                    path.append(cell.text)
            paths.append(path)
        named = [any(best_match(t, kind.columns) for t in p) for p in paths]
        inherited = self._headers.get(kind.id)
        borrowed = [False] * len(paths)
        if inherited and not _same_grid(inherited[0], table):
            borrowed = [not n for n in named]
        if not any(named) and not header_only:
            return (_align(inherited[0], inherited[1], table), borrowed) if inherited else None
        if inherited and self._open_header == kind.id:
            # the rest of a header begun on the previous page: every column continues its first part's path
            # (a header repeated in full adds nothing new)
            before = _align(inherited[0], inherited[1], table)
            paths = [[t for t in before[c] if t not in p] + p for c, p in enumerate(paths)]
        elif inherited and not all(named):
            # a header split over two pages: columns this part leaves unnamed keep the first part's path
            before = _align(inherited[0], inherited[1], table)
            paths = [p if named[c] else before[c] + p for c, p in enumerate(paths)]
        self._headers[kind.id] = (table, paths)
        return paths, borrowed

    def _gridded_segment(self, kind: _Kind, seg: _Segment, filled: list[list[Cell | None]]) -> None:
        header_read = self._header_paths(kind, seg, filled)
        header, borrowed = header_read if header_read else (None, [])
        table = seg.table
        named_cols = [self._match_column(kind, p) for p in header] if header else []
        # a column named by another page's header aligned by position is named by inference, not read
        read_cols = [None if lent else cid for cid, lent in zip(named_cols, borrowed, strict=True)]
        col_ids = list(named_cols)
        col_ids = _split_repeated(kind, _fill_column_gaps(kind, col_ids), [filled[r] for r in seg.data_rows])
        # the first column the header names (a value column, or one whose header names the row: the
        # review table's) holds values: text there is never a row label, a number left of it never a value
        by_header = [c for c, p in enumerate(header or []) if self._match_row(kind, p)]
        value_cols = [c for c, cid in enumerate(col_ids) if cid is not None]
        first_value = min(by_header[:1] + value_cols[:1], default=None)
        rows = [self._row_labels(kind, filled[r], first_value) for r in seg.data_rows]
        if not any(col_ids):
            col_ids = _columns_by_count(kind, table.n_cols, rows) or col_ids
        elif (lead := _leading_columns(kind, col_ids, rows, _value_start(filled, seg.data_rows))) != col_ids:
            col_ids = lead  # the labels now end where the first value column begins
            first_value = min(by_header[:1] + [c for c, cid in enumerate(col_ids) if cid is not None][:1])
            rows = [self._row_labels(kind, filled[r], first_value) for r in seg.data_rows]
        if not seg.header_rows and any(col_ids) and (counted := self._counted(kind, seg, filled, col_ids)):
            col_ids = counted
            read_cols = [None] * len(counted)  # named by count, not read: where it agrees with the header, by chance
            first_value = next(c for c, cid in enumerate(col_ids) if cid is not None)
            rows = [self._row_labels(kind, filled[r], first_value) for r in seg.data_rows]
        _split_merged_labels(kind, rows)
        before, pending = self._continues(kind, seg)
        ids = [None] * len(pending) + [rid if labels else None for labels, _, rid in rows]
        named = _fill_row_gaps(kind, ids, before)
        self._settle(kind, pending, named[: len(pending)])
        named = _rows_in_order(kind, named[len(pending) :], [[c.text for c in labels] for labels, _, _ in rows])
        own_header = [c.text for r in seg.header_rows for c in filled[r] if c is not None]
        placed_rows = {v.row for v in self.result.cells.values() if v.table == kind.id}
        named = _rows_by_header(kind, named, col_ids, own_header, placed_rows)
        read_rows = [self._match_row(kind, p) for p in header or []]
        column_rows, value_line, first_value_col = list(read_rows), None, 0
        if (by_order := _one_line_by_order(kind, [filled[r] for r in seg.data_rows], read_rows, col_ids)) is not None:
            value_line, first_value_col, column_rows, col_ids = by_order
        inferred = [c >= len(read_cols) or cid != read_cols[c]
                    or (c < len(read_rows) and column_rows[c] != read_rows[c])
                    for c, cid in enumerate(col_ids)]
        placed = []
        for k, r in enumerate(seg.data_rows):
            labels, last_label_col, row_id = rows[k]
            if value_line is not None:  # a one-line table's values have no labels of their own
                labels, last_label_col = [], first_value_col - 1
            row = _Row(labels, last_label_col, table.rows[r], header or [], col_ids, table.n_cols, column_rows,
                       inferred, row_inferred=row_id is None)
            if value_line not in (None, k):
                placed.append((row, []))  # a line of the header its misread characters passed off as numbers
                continue
            placed.append((row, self._place_row(kind, row_id or named[k], row)))
        final = [row_id or named[k] for k, (_, _, row_id) in enumerate(rows)]
        self._remember_end(kind, table.page, final, placed)
        if value_line is None and not any(final) and not any(column_rows):
            self._keep_unnamed(kind, seg, filled, placed)
        else:
            self._place_unnamed(kind.id)

    def _counted(self, kind: _Kind, seg: _Segment, filled: list[list[Cell | None]],
                 col_ids: list[str | None]) -> list[str | None] | None:
        """A continuation named by another page's header (aligned by position: a book's facing page lies
        elsewhere and wider, its grid split otherwise; or its own lines, the same grid), named instead by its
        own layout: values counted from where its labels end, when that names at least as many of its numbers
        (in8_bound gen_001 p2: 4 of 7, wrongly; aligned by its right edge (``_align``) all 7, one column off,
        as the header's page split a column in two: on a tie its own count, which starts where its labels end,
        is kept). None where the count names the columns as the header does. Every column it names otherwise
        is inferred, whichever way the header came (the caller's)."""
        own = [self._row_labels(kind, filled[r], None) for r in seg.data_rows]
        counted = _columns_by_count(kind, seg.table.n_cols, own)
        data = [filled[r] for r in seg.data_rows]
        if not counted or counted == col_ids:
            return None  # the header's naming stands, read where it was read
        return counted if _numbers_named(counted, data) >= _numbers_named(col_ids, data) else None

    def _place_row(self, kind: _Kind, row_id: str | None, row: _Row) -> list[MapIssue]:
        """A data row's values put in their cells; returns the issues raised for values it could not place."""
        at = len(self.result.issues)
        for c in range(row.last_label_col + 1, row.n_cols):
            cell = row.origins[c] if c < len(row.origins) else None
            if cell is None:
                continue
            # a row named only by the header (the review table) has no label cells of its own; a row whose
            # labels were lost (a negative microfilm print's light face) is named by its neighbours, if at all
            by_header = None if row.labels or row_id else (row.column_rows[c] if c < len(row.column_rows) else None)
            rid = by_header or row_id
            cid = row.col_ids[c] if c < len(row.col_ids) else None
            if rid is None or cid is None:
                if parse_cell(cell.text).kind == "number":
                    self._issue(
                        "E_UNPLACED_VALUE",
                        f"value {cell.text!r} in a {kind.id} table has no row/column label that matches",
                        cell,
                    )
                continue
            if not kind.column_applies(cid, rid):
                if cell.text.strip():
                    self._issue("E_UNPLACED_VALUE", f"{kind.id}: column {cid} is not printed for row {rid}", cell)
                continue
            inferred = (row.row_inferred and by_header is None) or (c < len(row.inferred) and row.inferred[c])
            self._put(kind.id, rid, cid, cell, inferred)
        return self.result.issues[at:]

    def _remember_end(self, kind: _Kind, page: int | None, ids: list[str | None],
                      placed: list[tuple[_Row, list[MapIssue]]]) -> None:
        """How a fragment ended, for the next page's fragment of its table: the last row it named and the
        rows after it that no label named (kept with their values, still unplaced)."""
        end = len(ids)
        while end > 0 and ids[end - 1] is None and _holds_data(placed[end - 1][0]):
            end -= 1
        if end == 0 or ids[end - 1] is None or not placed[end - 1][0].labels:
            self._ends.pop(kind.id, None)
            return
        self._ends[kind.id] = _End(page, ids[end - 1], placed[end:])

    def _continues(self, kind: _Kind, seg: _Segment) -> tuple[str | None, list[tuple[_Row, list[MapIssue]]]]:
        """Where a fragment continues from: the last row the kind's fragment on the page before named, and the
        unnamed rows it ended with, when this one opens its page's table (a table broken by the page, its
        header repeated or not). Its first unnamed rows (blobs on a 120 dpi bitonal copy) and those follow
        that row, in the template's order."""
        end = self._ends.get(kind.id)
        if end is None or not _continues_page(end.page, seg):
            return None, []
        return end.row, end.pending

    def _keep_unnamed(self, kind: _Kind, seg: _Segment, filled: list[list[Cell | None]],
                      placed: list[tuple[_Row, list[MapIssue]]]) -> None:
        """A fragment whose rows no label named (a 90 dpi web copy's labels read as 州, 立, 坤): kept with its
        unplaced values until the table ends, continued by the next page's fragment that opens its page."""
        found = self._unnamed.get(kind.id)
        if found is None or not _continues_page(found.page, seg):
            self._place_unnamed(kind.id)
            found = self._unnamed[kind.id] = _Unnamed(seg.table.page, [])
        found.page = seg.table.page
        found.fragments.append(_Fragment(self.result.tables[-1], seg.table, [filled[r] for r in seg.data_rows], placed))

    def _place_unnamed(self, kind_id: str) -> None:
        """A table's fragments whose rows no label named, placed by the template's order where their data rows
        number exactly the rows a report of the kind prints (over the pages: 13 + 12 = the applications
        table's 25) and their value columns are named (by the header, or by count: ``_columns_by_template``).
        Of the templates' orders that fit, the one the report's rules hold on best, alone; and its labels,
        too garbled to name a row alone, must read more like its rows than like the rows one or two up or
        down (``_label_fit``). Every value so placed is inferred (``Doubt.INFERRED``), lifted where the
        rules vouch for it later (``confirm_inferred``), but never above ``Doubt.ORDERED``'s cap: a row swapped with
        its neighbour inside a group still sums, so the rules cannot vouch for the row (review11)."""
        found = self._unnamed.pop(kind_id, None)
        if found is None:
            return
        kind = self.kinds[kind_id]
        lines: list[tuple[_Row, list[MapIssue], list[str | None], _Fragment]] = []
        for frag in found.fragments:
            own = frag.rows[0][0].col_ids
            ids = own if any(own) else _columns_by_template(kind, frag.table.n_cols, frag.data)
            if not any(ids):
                return
            lines.extend((row, issues, ids, frag) for row, issues in frag.rows)
        fits = sorted(((self._rule_fit(kind, o, [(row, ids) for row, _, ids, _ in lines]), o)
                       for o in kind.row_orders if len(o) == len(lines)), key=lambda f: -f[0])
        if not fits or (len(fits) > 1 and fits[1][0] == fits[0][0]):
            return
        order = fits[0][1]
        texts = [row.labels[-1].text if row.labels else None for row, _, _, _ in lines]
        best = _label_fit(kind, texts, order, 0)
        if any(_label_fit(kind, texts, o, shift) > best - ORDER_LABEL_MARGIN
               for o in kind.row_orders for shift in (-2, -1, 1, 2)):
            return
        for rid, (row, issues, ids, frag) in zip(order, lines, strict=True):
            self.result.issues = [i for i in self.result.issues if not any(i is j for j in issues)]
            first = next(c for c, cid in enumerate(ids) if cid is not None)
            before = set(self.result.cells)
            self._place_row(kind, rid, replace(row, col_ids=ids, last_label_col=first - 1, row_inferred=True,
                                               column_rows=[rid] * row.n_cols, inferred=[True] * row.n_cols))
            placed = [v for k, v in self.result.cells.items() if k not in before]
            for value in placed:
                if value.method.startswith("ocr"):
                    value.doubt(Doubt.ORDERED)
            frag.record.cells_mapped += len(placed)

    def _rule_fit(self, kind: _Kind, order: tuple[str, ...], lines: list[tuple[_Row, list[str | None]]]) -> int:
        """Lines of the report's rules that hold less those that break, each line's numbers placed in
        ``order``'s row (a blob or a glyph is no number: the rules skip it)."""
        values = {f"{kind.id}.{rid}.{cid}": parse_cell(cell.text).value
                  for rid, (row, ids) in zip(order, lines, strict=True)
                  for cid, cell in zip(ids, row.origins, strict=False)
                  if cid is not None and cell is not None and parse_cell(cell.text).kind == "number"
                  and kind.column_applies(cid, rid)}
        held, broken = self._rules.tally(values)
        return held - broken

    def _settle(self, kind: _Kind, pending: list[tuple[_Row, list[MapIssue]]], ids: list[str | None]) -> None:
        """The previous page's unnamed last rows, named now that the next page's rows tell which they are:
        their values placed, the issues they raised withdrawn."""
        for (row, issues), rid in zip(pending, ids, strict=True):
            if rid is None:
                continue
            self.result.issues = [i for i in self.result.issues if not any(i is j for j in issues)]
            row.row_inferred = True
            self._place_row(kind, rid, row)

    def _row_labels(
        self, kind: _Kind, row_cells: list[Cell | None], first_value: int | None
    ) -> tuple[list[Cell], int, str | None]:
        """A data row's label cells, the column of its last label, and the row they name.

        Labels stand left of ``first_value`` when the header tells it, else left of the row's
        first number: text among the values (a seal remnant, a misread digit) is no label.
        """
        labels: list[Cell] = []
        last_label_col = -1
        if first_value is None:
            first_value = next(
                (c for c, cell in enumerate(row_cells) if cell is not None and parse_cell(cell.text).kind == "number"),
                len(row_cells),
            )
        for c, cell in enumerate(row_cells[:first_value]):
            if cell is not None and parse_cell(cell.text).kind == "text":
                if not labels or labels[-1] is not cell:
                    labels.append(cell)
                last_label_col = c
        return labels, last_label_col, self._match_row(kind, [c.text for c in labels])

    def _ragged_segment(self, kind: _Kind, seg: _Segment) -> None:
        table = seg.table
        for r in seg.header_rows:
            self._see_flat_header(kind, [c.text for c in table.rows[r] if c is not None])
        for r in seg.data_rows:
            cells = [c for c in table.rows[r] if c is not None]
            last_label = max((i for i, c in enumerate(cells) if parse_cell(c.text).kind == "text"), default=-1)
            labels = [c.text for c in cells[: last_label + 1]]
            values = cells[last_label + 1 :]
            # a one-cell-per-line export may run header cells into the first row
            self._see_flat_header(kind, labels)
            row_kind, row_id = kind, self._ragged_row_label(kind, labels)
            if labels and row_id is None and not any(best_match(t, kind.columns) for t in labels):
                # not header cells run into a value row: a row of another table, or nothing to place
                found = self._row_of_other_kind(kind, labels)
                if found is None:
                    continue
                row_kind, row_id = found
            self._ragged_row(row_kind, row_id, values, cells)

    def _see_flat_header(self, kind: _Kind, texts: list[str]) -> None:
        order = [m[0] for t in texts if (m := best_match(t, kind.columns))]
        if order:
            self._flat_order[kind.id] = order

    def _ragged_row_label(self, kind: _Kind, labels: list[str]) -> str | None:
        """The row named by the row's last label (or its last two, for a label wrapped over lines).

        Only the end of the label run is a row label: earlier cells may be header
        cells of the table run into the row (行政复议, 复议后起诉 … are row names there).
        """
        if not labels:
            return None
        for candidate in (labels[-1], "".join(labels[-2:])):
            m = best_match(candidate, kind.rows)
            if m:
                return m[0]
        return None

    def _row_of_other_kind(self, kind: _Kind, labels: list[str]) -> tuple[_Kind, str] | None:
        """A row whose label belongs to another table (tables printed back to back)."""
        for other in self.kinds.values():
            if other is not kind:
                rid = self._ragged_row_label(other, labels)
                if rid:
                    self._last_kind = other.id
                    return other, rid
        return None

    def _ragged_row(self, kind: _Kind, row_id: str | None, values: list[Cell], cells: list[Cell]) -> None:
        slots = self._ragged_slots(kind, row_id)
        # a tab export leaves empty cells where a label spans columns and after the last value
        while len(values) > len(slots) and not values[0].text.strip():
            values.pop(0)
        while len(values) > len(slots) and not values[-1].text.strip():
            values.pop()
        if len(values) != len(slots):
            where = row_id or kind.id
            self._issue(
                "E_RAGGED_ROW",
                f"{kind.id} row {where}: {len(values)} values printed for {len(slots)} columns; "
                "cannot tell which is which",
                values[0] if values else (cells[0] if cells else None),
            )
            return
        for (rid, cid), cell in zip(slots, values, strict=True):
            self._put(kind.id, rid, cid, cell)

    def _ragged_slots(self, kind: _Kind, row_id: str | None) -> list[tuple[str, str]]:
        if row_id and not kind.specs["2021"].nested_header and kind.id in self._flat_order:
            cols = [c for c in self._flat_order[kind.id] if kind.column_applies(c, row_id)]
            if cols:
                return [(row_id, c) for c in cols]
        if row_id and row_id not in kind.specs["2021"].rows:
            # a 2019-only row: printed order of the 2019 template
            spec = kind.specs["2019"]
            return [(row_id, c.id) for c in spec.columns_for(row_id)]
        return kind.printed_order(row_id)

    # -- matching -----------------------------------------------------------
    def _is_row_label(self, text: str) -> bool:
        return any(best_match(text, k.rows, 85) for k in self.kinds.values())

    def _match_row(self, kind: _Kind, path: list[str]) -> str | None:
        for text in reversed(path):
            m = best_match(text, kind.rows)
            if m:
                return m[0]
        return None

    def _match_column(self, kind: _Kind, path: list[str]) -> str | None:
        for text in reversed(path):
            m = best_match(text, kind.columns)
            if m:
                return m[0]
        return None

    def _put(self, table: str, row: str, col: str, cell: Cell, inferred: bool = False) -> None:
        """``inferred``: the cell's place comes from count or order, not from a label or header read; a
        scanned cell's claim is then held below sure (``Doubt.INFERRED``: bitonal8's mapping named rows and columns
        so, +9 cells right on a held-out family and +4 wrong-and-sure) until the rules vouch for it."""
        cid = f"{table}.{row}.{col}"
        parsed = parse_cell(cell.text)
        if parsed.kind == "text":
            self._issue("E_UNREADABLE_CELL", f"{cid}: printed {cell.text!r} is not a number", cell, [cid])
            return
        old = self.result.cells.get(cid)
        if old is not None:
            if old.value != parsed.value:
                self._issue(
                    "E_DUPLICATE_CELL",
                    f"{cid} printed twice with different values ({old.value} and {parsed.value}); kept the first",
                    cell,
                    [cid],
                )
            return
        value = CellValue.printed(cell, parsed.value, table, row, col)
        if inferred and value.method.startswith("ocr"):
            value.doubt(Doubt.INFERRED)
        self.result.cells[cid] = value

    def _issue(self, code: str, message: str, cell: Cell | None, cells: list[str] | None = None) -> None:
        self.result.issues.append(MapIssue(code, message, cell.page if cell else None, cells or [], self._last_kind))

    def _active_template(self) -> str | None:
        found = [c for c in self.result.cells.values() if c.table == "active_disclosure"]
        if not found:
            return None
        only_2019 = set(self.kinds["active_disclosure"].specs["2019"].columns) - set(
            self.kinds["active_disclosure"].specs["2021"].columns
        )
        rows_2019 = set(self.kinds["active_disclosure"].specs["2019"].rows) - set(
            self.kinds["active_disclosure"].specs["2021"].rows
        )
        return "2019" if any(c.column in only_2019 or c.row in rows_2019 for c in found) else "2021"


def _split_merged_labels(kind: _Kind, rows: list[tuple[list[Cell], int, str | None]]) -> None:
    """Rows whose labels ran into one cell (a faint ruling between them was lost), named by
    cutting that cell's lines into as many labels, each naming a row, in printed order."""
    k = 0
    while k < len(rows):
        labels, _, rid = rows[k]
        j = k + 1
        if labels and rid is None:
            last = labels[-1]
            while j < len(rows) and rows[j][0] and rows[j][0][-1] is last and rows[j][2] is None:
                j += 1
        n = j - k
        if n >= 2:
            ids = _cut_into_rows(kind, last.text.split(), n)
            if ids:
                for i, rid_i in enumerate(ids):
                    rows[k + i] = (rows[k + i][0], rows[k + i][1], rid_i)
        k = j


def _cut_into_rows(kind: _Kind, pieces: list[str], n: int) -> list[str] | None:
    """The best way to cut a label's lines into ``n`` consecutive labels that each name a
    different row, top to bottom in the template's order; None if there is none."""
    if len(pieces) < n or len(pieces) > 12:
        return None
    order = list(kind.specs["2021"].rows) + [r for r in kind.rows if r not in kind.specs["2021"].rows]
    best: tuple[float, list[str]] | None = None
    for cuts in itertools.combinations(range(1, len(pieces)), n - 1):
        bounds = [0, *cuts, len(pieces)]
        found = [best_match("".join(pieces[a:b]), kind.rows) for a, b in itertools.pairwise(bounds)]
        if any(m is None for m in found):
            continue
        ids = [m[0] for m in found if m]
        where = [order.index(i) for i in ids if i in order]
        if len(where) != n or any(b <= a for a, b in itertools.pairwise(where)):
            continue
        score = sum(m[1] for m in found if m)
        if best is None or score > best[0]:
            best = (score, ids)
    return best[1] if best else None


def _between(
    orders: list[list[str]], before: str | None, after: str | None, n: int = 1, cyclic: bool = False
) -> list[str] | None:
    """The ``n`` ids printed between ``before`` and ``after`` (or last, after ``before``), if the
    templates that print both ``n`` apart agree on them. ``cyclic``: the order repeats across the
    table (the review table's groups), so the last may stand before the next group's first."""
    found: set[tuple[str, ...]] = set()
    for order in orders:
        if before not in order:
            continue
        i = order.index(before)
        if i == len(order) - 1 - n and (after is None or (cyclic and after == order[0])):
            found.add(tuple(order[i + 1 :]))  # the last, at the table's end or before the next group's first
        elif after is not None and after in order and order.index(after) == i + n + 1:
            found.add(tuple(order[i + 1 : i + 1 + n]))
    return list(found.pop()) if len(found) == 1 else None


def _runs(ids: list[str | None]) -> list[tuple[int, int]]:
    """Maximal runs [a, b) of unnamed entries."""
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(ids):
        if ids[k] is None:
            j = k
            while j < len(ids) and ids[j] is None:
                j += 1
            out.append((k, j))
            k = j
        else:
            k += 1
    return out


def _fill_row_gaps(kind: _Kind, ids: list[str | None], before: str | None = None) -> list[str | None]:
    """Rows whose labels could not be read (a seal over them, blobs on a 120 dpi bitonal scan), named
    by the rows above and below: the rows the template prints between them, when there are exactly
    as many; the last rows of a table, after a named row the template prints exactly as many rows
    before its end. ``before``: the row printed above the first (the previous page's last)."""
    orders = [list(spec.rows) for spec in kind.specs.values()]
    out = list(ids)
    for a, b in _runs(ids):
        above = ids[a - 1] if a > 0 else before
        if above is not None:
            out[a:b] = _between(orders, above, ids[b] if b < len(ids) else None, b - a) or out[a:b]
    return out


WEAK_LABEL = 50.0
"""A label read this like one row (and far less like any other) names that row when the template
prints it between the rows named above and below it (a 120 dpi scan's "T.属丁 U 国家秘 密")."""
WEAK_MARGIN = 25.0


def _rows_in_order(kind: _Kind, ids: list[str | None], texts: list[list[str]]) -> list[str | None]:
    """Rows still unnamed whose labels read too poorly to name a row alone, named by their best
    match when it clearly beats every other row and the template prints it between the nearest
    named rows above and below (the printed order is the second witness)."""
    out = list(ids)
    for k, rid in enumerate(ids):
        if rid is not None or not texts[k]:
            continue
        own = texts[k][-1]  # the row's own label (those left of it name its group)
        scored = sorted(((max(similarity(own, lab) for lab in labels), cid) for cid, labels in kind.rows.items()),
                        reverse=True)
        if len(scored) < 2 or scored[0][0] < WEAK_LABEL or scored[1][0] > scored[0][0] - WEAK_MARGIN:
            continue
        cand = scored[0][1]
        above = next((r for r in reversed(out[:k]) if r is not None), None)
        below = next((r for r in out[k + 1 :] if r is not None), None)
        if cand in out:
            continue
        fits = any(cand in order and (above is None or (above in order and order.index(above) < order.index(cand)))
                   and (below is None or (below in order and order.index(cand) < order.index(below)))
                   for order in (list(spec.rows) for spec in kind.specs.values()))
        if fits and (above is not None or below is not None):
            out[k] = cand
    return out


_NUMERAL = "一二三四五六七八九十"
ARTICLE_ITEM = re.compile(
    rf"(?<![{_NUMERAL}])(?:[（(]\s*([{_NUMERAL}])(?![{_NUMERAL}])|([{_NUMERAL}])(?![{_NUMERAL}])\s*(?:[)）]|项))"
)
"""The item of an article as printed in a header (第二十条第（五）项; a scan may lose either bracket, or both
when 项 follows); a numeral beside another (二十条, （十一）) is no item of the templates' (一)-(九)."""


def _article_items(texts: list[str]) -> set[str]:
    """The article items (一, 五, ...) the texts name: only texts that name an article (条) count."""
    return {m.group(1) or m.group(2) for t in texts if "条" in t for m in ARTICLE_ITEM.finditer(t)}


def _rows_by_header(kind: _Kind, ids: list[str | None], col_ids: list[str | None], header: list[str],
                    placed: set[str]) -> list[str | None]:
    """Rows of a segment still unnamed (labels read as blobs at 100 dpi, or lost) named by what its own
    header says stands under it: the template's rows of the article the header names (第二十条第（五）项),
    or, its item unread, the rows that print every column the header names (when some rows do not: columns
    every row prints tell nothing), less the rows already placed or named here. Named in printed order,
    and only when exactly as many as the unnamed rows, every template that fits agreeing and the
    segment's named rows keeping their printed order."""
    unnamed = [k for k, r in enumerate(ids) if r is None]
    cols = {c for c in col_ids if c is not None}
    if not unnamed or not cols:
        return ids
    items = _article_items(header)
    found: set[tuple[str, ...]] = set()
    for spec in kind.specs.values():
        if not cols <= set(spec.columns):
            continue
        printing = [r for r in spec.rows.values() if all(spec.columns[c].applies_to(r.id) for c in cols)]
        if not items and len(printing) == len(spec.rows):
            continue  # columns every row prints tell no row
        fits = [r.id for r in printing if r.id not in placed and r.id not in ids
                and (not items or _article_items([r.article or ""]) == items)]
        if len(fits) != len(unnamed):
            continue
        out = list(ids)
        for k, rid in zip(unnamed, fits, strict=True):
            out[k] = rid
        if not all(r in spec.rows for r in out if r is not None):
            continue  # a row named here that this template does not print
        order = list(spec.rows)
        at = [order.index(r) for r in out if r is not None]
        if at == sorted(at):
            found.add(tuple(fits))
    if len(found) != 1:
        return ids
    out = list(ids)
    for k, rid in zip(unnamed, found.pop(), strict=True):
        out[k] = rid
    return out


def _columns_by_count(kind: _Kind, n_cols: int, rows: list[tuple[list[Cell], int, str | None]]) -> list[str | None]:
    """Value columns named by their count and printed order, when the header names none (a light
    header band on a thin-toner copy, a header left on the previous page unread).

    The labels end where most rows that name their row end them; the columns right of that are the
    columns the rows named there print, the same ones in the same order on each of them (the
    applications table's seven; 上一年项目数量, 本年增/减, 处理决定数量 under 行政许可 and 其他对外管理服务事项),
    in every template that prints those rows and as many columns. A grid with a column more or less (a
    line through text, a lost line) names nothing: the count must fit exactly.
    """
    ends = Counter(last for labels, last, rid in rows if labels and rid is not None)
    if not ends:
        return []
    end, votes = ends.most_common(1)[0]
    if votes < 2:
        return []
    named = {rid for _, _, rid in rows if rid is not None}
    orders = set()
    for spec in kind.specs.values():
        if spec.one_line:
            return []
        if not named <= set(spec.rows):
            continue
        printed = {tuple(c.id for c in spec.columns_for(r)) for r in named}
        if len(printed) != 1:
            return []
        order = printed.pop()
        if len(order) == n_cols - end - 1:
            orders.add(order)
    if len(orders) != 1:
        return []
    return [None] * (end + 1) + list(orders.pop())


def _columns_by_template(kind: _Kind, n_cols: int, data: list[list[Cell | None]]) -> list[str | None]:
    """Value columns of rows no label names, by the template alone: the grid's last columns, where every row
    of every template prints the same ones (the applications table's seven), most of their cells read as
    numbers and the column left of them (the labels') in few rows; a grid with a column more or less, or
    whose value cells read as text, names nothing."""
    printed = {tuple(c.id for c in spec.columns_for(r)) for spec in kind.specs.values() for r in spec.rows}
    if len(printed) != 1 or not data:
        return []
    order = printed.pop()
    start = n_cols - len(order)
    if start < 1:
        return []

    def numbers(c: int) -> int:
        return sum(1 for line in data if c < len(line) and line[c] is not None
                   and (c == 0 or line[c - 1] is not line[c]) and parse_cell(line[c].text).kind == "number")  # type: ignore[union-attr]

    values = sum(numbers(c) for c in range(start, n_cols))
    if 4 * numbers(start - 1) > len(data) or 2 * values <= len(order) * len(data):
        return []
    return [None] * start + list(order)


def _label_fit(kind: _Kind, texts: list[str | None], order: tuple[str, ...], shift: int) -> float:
    """How like its row's labels each line's own label reads (mean fuzzy score), line k read as ``order``'s
    row k + ``shift``; lines without a label, or beyond the order, are not counted."""
    scores = [max(similarity(text, lab) for lab in kind.rows[order[k + shift]])
              for k, text in enumerate(texts) if text and 0 <= k + shift < len(order)]
    return sum(scores) / len(scores) if scores else 0.0


def _numbers_named(col_ids: list[str | None], data: list[list[Cell | None]]) -> int:
    """How many of the rows' printed numbers stand in a column ``col_ids`` names."""
    return sum(1 for line in data for c, cell in enumerate(line)
               if c < len(col_ids) and col_ids[c] is not None and cell is not None
               and (c == 0 or line[c - 1] is not cell) and parse_cell(cell.text).kind == "number")


def _one_line_by_order(kind: _Kind, data: list[list[Cell | None]], rows_read: list[str | None],
                       cols_read: list[str | None]) -> tuple[int, int, list[str | None], list[str | None]] | None:
    """A one-line table's values (the review table's fifteen under its row groups) named by the template's
    printed order when the header names too few of them (a garbled header on a 95 dpi screenshot, its
    misread characters taken for numbers): the one line of the segment that is mostly numbers must end in
    exactly as many cells as the template prints, with no number left of them, and every place the header
    does name must be the one the order gives. Returns that line's index in ``data``, its first value
    column, and the row and column per grid column; None where any of that fails (the header stands)."""
    if not kind.specs["2021"].one_line:
        return None
    order = kind.printed_order(None)
    origins = [[c for c, cell in enumerate(line) if cell is not None and (c == 0 or line[c - 1] is not cell)]
               for line in data]
    numbers = [sum(1 for c in starts if parse_cell(line[c].text).kind == "number")  # type: ignore[union-attr]
               for line, starts in zip(data, origins, strict=True)]
    lines = [k for k, n in enumerate(numbers) if 2 * n > len(order)]
    if len(lines) != 1 or len(origins[lines[0]]) < len(order):
        return None
    line, starts = data[lines[0]], origins[lines[0]]
    values = starts[len(starts) - len(order) :]
    if any(parse_cell(line[c].text).kind == "number" for c in starts[: len(starts) - len(order)]):  # type: ignore[union-attr]
        return None
    rows = [*rows_read, *[None] * (len(line) - len(rows_read))]
    cols = [*cols_read, *[None] * (len(line) - len(cols_read))]
    if all(rows[c] == rid and cols[c] == cid for c, (rid, cid) in zip(values, order, strict=True)):
        return None  # the header names every value: nothing to infer
    for c, (rid, cid) in zip(values, order, strict=True):
        if rows[c] not in (None, rid) or cols[c] not in (None, cid):
            return None
        rows[c], cols[c] = rid, cid
    return lines[0], values[0], rows, cols


def _split_repeated(kind: _Kind, ids: list[str | None], data: list[list[Cell | None]]) -> list[str | None]:
    """Neighbouring columns named alike, as one header cell over both names them (the ruling between
    本年增/减 and 处理决定数量 faded on a thin-toner copy): all but the last are the columns the template
    prints before it, when the column named before the run says exactly which (``_fill_column_gaps``)
    and no data row has one cell over them (its one value could be either column's: toner gen_001's
    "8" over 本年增/减 and 处理决定数量, its 0 lost); otherwise they stay as they are."""
    out = list(ids)
    k = 0
    while k < len(out):
        j = k
        while j + 1 < len(out) and out[k] is not None and out[j + 1] == out[k]:
            j += 1
        spanned = any(c is not None and c is row[i + 1] for row in data for i, c in enumerate(row[k:j], start=k)
                      if i + 1 < len(row))
        if j > k and not spanned:
            trial = _fill_column_gaps(kind, [*out[:k], *([None] * (j - k)), *out[j:]])
            if all(trial[i] is not None for i in range(k, j)):
                out = trial
        k = j + 1
    return out


def _value_start(filled: list[list[Cell | None]], data_rows: list[int]) -> int | None:
    """The leftmost column where most data rows print a number: where the values begin, whatever the
    cells left of it read (a 0 read "a" or "口" on a coarse scan passes for a label)."""
    if len(data_rows) < 2:
        return None
    width = max(len(filled[r]) for r in data_rows)
    for c in range(width):
        numbers = sum(1 for r in data_rows if c < len(filled[r]) and filled[r][c] is not None
                      and parse_cell(filled[r][c].text).kind == "number"  # type: ignore[union-attr]
                      and (c == 0 or filled[r][c - 1] is not filled[r][c]))
        if 2 * numbers > len(data_rows):
            return c
    return None


def _leading_columns(kind: _Kind, ids: list[str | None], rows: list[tuple[list[Cell], int, str | None]],
                     value_start: int | None = None) -> list[str | None]:
    """Unnamed columns between the row labels and the first column the header names (自然人 read as
    nothing on a bitonal scan), named by the columns every template prints before that one, when
    there are exactly as many. The labels end where most rows that name their row end them, or, where
    that gives no such count (misread digits taken for labels), before ``value_start``."""
    first = next((c for c, cid in enumerate(ids) if cid is not None), None)
    if first is None:
        return ids
    before = {tuple(spec.columns)[: list(spec.columns).index(ids[first])]
              for spec in kind.specs.values() if ids[first] in spec.columns}
    if len(before) != 1:
        return ids
    lead = before.pop()
    ends = Counter(last for labels, last, rid in rows if labels and rid is not None)
    end, votes = ends.most_common(1)[0] if ends else (-1, 0)
    if votes < 2 or first - end - 1 != len(lead):
        if value_start is None or first - value_start != len(lead) or value_start < 1:
            return ids
        end = value_start - 1
    if end + 1 >= first:
        return ids
    return [*ids[: end + 1], *lead, *ids[first:]]


def _fill_column_gaps(kind: _Kind, ids: list[str | None]) -> list[str | None]:
    """Columns whose headers could not be read (a seal over 总计), named by their neighbours.

    Unnamed columns between two named ones that a template prints exactly that many
    apart are the columns between them; unnamed last columns after a named one are the
    template's last, if it prints exactly that many after it.
    """
    out = list(ids)
    orders = [list(spec.columns) for spec in kind.specs.values()]
    for a, b in _runs(ids):
        if a > 0:
            out[a:b] = _between(orders, ids[a - 1], ids[b] if b < len(ids) else None, b - a, cyclic=True) or out[a:b]
    return out


def _align(src: Table, paths: list[list[str]], dst: Table) -> list[list[str]]:
    """Header paths of ``src``'s columns, re-indexed for ``dst`` (a continuation fragment).

    By the column lines where both have them and span as wide (two fragments with as many columns may
    still split them differently: a line through a header's text is one more column); otherwise by the
    right edge, where the value columns are.
    """
    if src.n_cols == dst.n_cols and not _columns_differ(src, dst):
        return paths
    a, b = src.columns or [], dst.columns or []
    wa, wb = (a[-1] - a[0], b[-1] - b[0]) if a and b else (0.0, 0.0)
    # the same table on the next page: relative to its own edges (a scan shifts pages a little); fragments
    # as wide as each other only (two photos of a bound volume, curled differently, have no common origin
    # nor scale: their column lines say nothing of which column is which)
    if wa > 0 and wb > 0 and abs(wa - wb) <= 0.05 * max(wa, wb):
        out: list[list[str]] = []
        for i in range(dst.n_cols):
            x = (b[i] + b[i + 1]) / 2 if i + 1 < len(b) else b[i]
            x = a[0] + (x - b[0]) * wa / wb
            j = next((k for k in range(len(a) - 1) if a[k] <= x < a[k + 1]), None)
            out.append(paths[j] if j is not None else [])
        return out
    # value columns sit on the right: align the right edges
    shift = src.n_cols - dst.n_cols
    return [paths[i + shift] if 0 <= i + shift < len(paths) else [] for i in range(dst.n_cols)]


def map_tables(doc: Document, schema: Schema) -> Mapping:
    return TableMapper(schema).run(doc)


def _same_grid(src: Table, dst: Table) -> bool:
    """Whether a continuation draws the column lines of the fragment whose header it takes (as many, each
    in its place relative to the table's width): its columns are then the header's, read, not inferred."""
    a, b = src.columns or [], dst.columns or []
    return len(a) >= 3 and len(a) == len(b) and not _columns_differ(src, dst)


def _columns_differ(src: Table, dst: Table, tolerance: float = 0.02) -> bool:
    """Do two fragments with as many columns draw their inner column lines in different places
    (relative to their own width, so a page scanned a little shifted or scaled still matches)?"""
    a, b = src.columns, dst.columns
    if not a or not b or len(a) != len(b) or len(a) < 3:
        return False
    wa, wb = a[-1] - a[0], b[-1] - b[0]
    if wa <= 0 or wb <= 0:
        return False
    return any(abs((x - a[0]) / wa - (y - b[0]) / wb) > tolerance for x, y in zip(a, b, strict=True))


def template_labels(texts: Iterable[str], schema: Schema) -> set[tuple[str, str, str]]:
    """The template's row and column labels that ``texts`` read as, as (table, "row"/"column", id):
    how much of the template a reading of a page shows (``page_judge.TemplateJudge``)."""
    kinds = _kinds(schema).values()
    return {(kind.id, side, label) for text in texts for kind in kinds for side, label in _label_hits(text, kind)}
