"""Reading a table by what the data dictionary says it holds: rows found by their printed labels.

A scan's ruled grid fails in many ways (an edge cut off by the scanner's frame, broken or
faded rulings, a seal, a curled page); the labels stay. The applications table prints its
rows in a fixed order, and a person reads a row by finding its label and following the line
to the right. This reading does the same with the recognised text pieces of the pages:

1. numbers and printed blanks are chained left to right into value bands (a band may drift
   a little in height along the page: it follows its pieces, not a straight line);
2. text pieces are aligned with the template's rows in printed order by dynamic programming,
   fuzzily and partially (a label that lost its first characters to the frame is still its
   row; a label wrapped over three lines is three pieces of one row);
3. each labelled row takes the band beside its label; rows whose label was not read take
   the bands between their labelled neighbours when the count fits;
4. a band's values go to the row's columns in printed order when there are as many values
   as columns, otherwise to the nearest column centre learnt from the complete bands of the
   page (or from the column labels of the header).

Pieces are text with boxes in the page's reading frame (upright and level); this module
knows nothing of OCR or of file formats.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass, field
from statistics import median

from rapidfuzz import fuzz

from gongkai.extract.domain.labels import normalize, split_label
from gongkai.extract.domain.model import Doubt, held
from gongkai.extract.domain.numbers import is_value, parse_cell
from gongkai.extract.domain.schema import Schema, TableSpec
from gongkai.extract.layout import Cell, PageText, Piece

LABEL_THRESHOLD = 0.62
"""Similarity below which a piece is not taken for a row's label (it pays to skip it)."""
BY_CENTRE = 0.9
BY_SPACING = 0.75
"""How sure a value's column is: by the nearest column centre, or by the gaps between the values
themselves (no column centres known). Placed by count and printed order alone, a value's column is
inferred as the grid's mapping infers one (``Doubt.INFERRED``, until the rules vouch). A value whose place
another placement explains about as well (the header's other fit of a one-line table, the next column centre,
the next band beside its row's label) is ``Doubt.AMBIGUOUS``, which the rules never lift."""
CENTRE_MARGIN = 0.4
"""A value is as near the next column centre as its own when the two distances differ by less than
this share of the columns' spacing (it stands more than ~0.3 of a column off its own centre)."""
WAY_MARGIN = 0.25
"""A one-line header's other fit explains the values as well when its mean distance from them is
within this share of the columns' spacing of the best fit's."""
ROW_MARGIN = 0.5
"""A second band beside a row's label is as near as the one taken when their distances from the
label's middle differ by less than this many value heights."""
UNREAD = 0.3
"""Ink at a column position that reads as no number: not a blank, and no value to stand on."""
AT_EDGE = 0.5
"""A value printed within a character of where the picture ends may have lost digits there ("64" read
"4"): its confidence is scaled by this."""
SEEN = 0.8
"""A column position whose box the picture shows less than this share of (beyond its edge, under a
lid) is not seen: no blank is read there."""
NOT_READ = {
    "unread": "ink where the value is printed reads as no number",
    "unseen": "the picture does not show where the value is printed (beyond its edge, a lid, a seal)",
}
"""Placements that hold no value but are no blank either (they become unreadable.cell findings)."""
SPACING_TOLERANCE = 0.3
"""How far from a whole number of steps a gap between values may be for the steps to be counted."""


@dataclass
class Placed:
    """A value placed in a cell of the table, with how it was placed."""

    row: str
    column: str
    cell: Cell
    """The text read there (with its page, box and method), or an empty cell where nothing was."""
    value: int | float | None
    confidence: float
    """What the reading claims: ``read`` held at its ``doubts``."""
    how: str
    """"order" (count and printed order), "centre" (nearest column centre), "spacing" (the values'
    own gaps counted in steps), "blank" (no ink at a column's centre on a band that has values),
    "unread" (ink there that reads as no number) or "unseen" (the slot beyond the picture)."""
    doubts: set[Doubt] = field(default_factory=set)
    """Why its place is less sure than its reading (``Doubt.INFERRED``, ``Doubt.AMBIGUOUS``)."""
    read: float = 0.0
    """What the text read there and the way it was placed claim, before the doubts."""


@dataclass
class AnchoredTable:
    """What the anchored reading found for one table kind."""

    table: str
    template: str
    cells: dict[str, Placed] = field(default_factory=dict)
    rows_found: int = 0
    """Template rows whose label (or place between labelled rows) was found."""
    columns_seen: set[str] = field(default_factory=set)
    """Columns whose label is printed among the rows found (which template the header follows)."""
    unplaced: list[Piece] = field(default_factory=list)


# -- pieces -------------------------------------------------------------------


def _cjk(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")


@dataclass
class _Band:
    pieces: list[Piece]

    def y_at(self, x: float) -> float:
        """The band's height at ``x``: its nearest piece's centre (bands drift on curled pages)."""
        return min(self.pieces, key=lambda p: abs(p.cx - x)).cy

    @property
    def x0(self) -> float:
        return self.pieces[0].box[0]


def _unwrap(values: list[Piece], unit: float, rows_at: list[float]) -> list[Piece]:
    """A number wrapped in a narrow cell ("101" over "1") joined again: a value right under
    another, closer than a line's leading, continues it, unless another value or a row's label
    stands at its height (``rows_at``: where labels are): then it is the next row's."""
    out = sorted(values, key=lambda p: p.cy)
    k = 0
    while k < len(out):
        p = out[k]
        under = [
            q
            for q in out
            if q is not p
            and 0 <= q.box[1] - p.box[3] <= 0.5 * unit
            and min(q.box[2], p.box[2]) - max(q.box[0], p.box[0]) >= 0.5 * min(q.box[2] - q.box[0], p.box[2] - p.box[0])
        ]
        alone = (
            len(under) == 1
            and not any(r is not under[0] and abs(r.cy - under[0].cy) < 0.45 * unit for r in out)
            and not any(abs(y - under[0].cy) < 0.45 * unit for y in rows_at)
        )
        if alone and parse_cell(p.text + under[0].text).kind == "number":
            q = under[0]
            box = (min(p.box[0], q.box[0]), p.box[1], max(p.box[2], q.box[2]), p.box[3])  # the first line's height
            c = p.cell
            bbox = c.bbox
            if bbox is not None and q.cell.bbox is not None:
                qb = q.cell.bbox
                bbox = (min(bbox[0], qb[0]), min(bbox[1], qb[1]), max(bbox[2], qb[2]), max(bbox[3], qb[3]))
            cell = Cell(p.text + q.text, c.page, bbox, c.source, c.method, min(c.confidence, q.cell.confidence))
            out[k] = Piece(cell, box)
            out.remove(q)
            continue
        k += 1
    return out


def _bands(values: list[Piece], unit: float, rows_at: list[float]) -> list[_Band]:
    """Values chained left to right: each takes the nearest piece on its left at its height."""
    ordered = sorted(_unwrap(values, unit, rows_at), key=lambda p: p.box[0])
    succ: dict[int, int] = {}
    pred: dict[int, int] = {}
    links = []
    for i, p in enumerate(ordered):
        for j in range(i):
            q = ordered[j]
            gap = p.box[0] - q.box[2]
            dy = abs(p.cy - q.cy)
            if gap > -0.3 * unit and dy < 0.45 * unit + 0.02 * max(gap, 0.0) and gap < 40 * unit:
                links.append((gap + 6 * dy, j, i))
    for _, j, i in sorted(links):
        if j not in succ and i not in pred:
            succ[j], pred[i] = i, j
    out = []
    for i in range(len(ordered)):
        if i in pred:
            continue
        chain = [i]
        while chain[-1] in succ:
            chain.append(succ[chain[-1]])
        out.append(_Band([ordered[k] for k in chain]))
    return sorted(out, key=lambda b: b.pieces[0].cy)


# -- labels -------------------------------------------------------------------


def label_score(text: str, label: str) -> float:
    """How well a printed piece reads as (part of) an official label, in [0, 1].

    A whole label compares by ratio; a part (cut by the frame, or one line of a wrapped
    label) by partial ratio, weighed by how much of the label it covers. A numbering
    printed on both sides must agree.
    """
    a, b = split_label(text), split_label(label)
    if not a.body or not b.body or _cjk(a.body) < 2:
        return 0.0
    whole = fuzz.ratio(a.body, b.body) / 100
    part = 0.0
    if len(a.body) >= 3 and len(a.body) < len(b.body):
        cover = len(a.body) / len(b.body)
        part = fuzz.partial_ratio(a.body, b.body) / 100 * (0.75 + 0.25 * cover) if cover >= 0.3 else 0.0
    score = max(whole, part)
    if a.numbering and b.numbering and a.numbering != b.numbering:
        score -= 0.4
    elif b.numbering and not a.numbering and whole >= part:
        score -= 0.05  # "其他" is more likely a column's "其他" than the row "3.其他"
    return max(score, 0.0)


def _row_labels(spec: TableSpec, row: str) -> list[str]:
    r = spec.rows[row]
    return [r.label, *r.aliases]


def _all_row_labels(spec: TableSpec) -> list[str]:
    return [lab for r in spec.rows for lab in _row_labels(spec, r)]


def _best_row_score(text: str, spec: TableSpec) -> float:
    return max((label_score(text, lab) for lab in _all_row_labels(spec)), default=0.0)


def _inside(text: str, labels: list[str]) -> float:
    """How well ``text`` reads as a stretch of one of ``labels`` (no credit for covering it all)."""
    a = split_label(text)
    if not a.body:
        return 0.0
    best = 0.0
    for lab in labels:
        b = split_label(lab)
        if len(a.body) <= len(b.body) + 1 and (not a.numbering or not b.numbering or a.numbering == b.numbering):
            best = max(best, fuzz.partial_ratio(a.body, b.body) / 100)
    return best


MAX_FRAGMENTS = 3
"""Lines of a wrapped label looked through above its matched fragment for the line it begins with."""
WHOLE = 0.85
"""A label piece this like one of the labels is taken for that label whole, not a part of one."""


def _whole(text: str, labels: list[str]) -> bool:
    return max((label_score(text, lab) for lab in labels), default=0.0) >= WHOLE


def _blocks(pieces: list[Piece], labels: list[str]) -> list[list[Piece]]:
    """Label pieces joined into labels: a line goes on with the line below it (a label wrapped in
    its cell) when together they still read as a stretch of one label, never across a numbering, and
    never two lines that each read as a whole label."""
    blocks = [[p] for p in sorted(pieces, key=lambda p: (p.cy, p.box[0]))]
    joined = True
    while joined:
        joined = False
        for a in blocks:
            last = a[-1]
            h = max(last.height, 1.0)
            below = [
                b
                for b in blocks
                if b is not a
                and -0.35 * h <= b[0].box[1] - last.box[3] <= 0.9 * h
                and min(b[0].box[2], last.box[2]) - max(b[0].box[0], last.box[0])
                >= 0.5 * min(b[0].box[2] - b[0].box[0], last.box[2] - last.box[0])
            ]
            nearest = min((b[0].box[1] for b in below), default=0.0)
            below = [b for b in below if b[0].box[1] <= nearest + 0.3 * h]  # the next line, not the one after
            if len(below) != 1 or split_label(below[0][0].text).numbering:
                continue
            b = below[0]
            if _whole(text_of(a), labels) and _whole(text_of(b), labels):
                continue  # two rows' labels one under the other ("规章" over a cut "政规范性文件")
            if _inside(text_of(a + b), labels) >= 0.9:
                a.extend(b)
                blocks.remove(b)
                joined = True
                break
    return sorted(blocks, key=lambda b: (b[0].cy, b[0].box[0]))


def _align_labels(
    blocks: list[list[Piece]], spec: TableSpec, bands: list[_Band], unit: float
) -> dict[str, list[Piece]]:
    """Label blocks assigned to the template's rows in printed order (dynamic programming).

    Each block is skipped or given to a row after the previous block's row; it earns its
    similarity minus ``LABEL_THRESHOLD``, so weak matches are skipped. A row label has
    values beside it: a block with none (a column header "其他" or "总计") counts half.
    """
    rows = list(spec.rows)
    if not blocks or not rows:
        return {}
    score = []
    for b in blocks:
        weight = 1.0 if _bands_beside(b, bands, unit) else 0.5
        score.append(
            [weight * max(label_score(text_of(b), lab) for lab in _row_labels(spec, r)) - LABEL_THRESHOLD for r in rows]
        )
    n, m = len(blocks), len(rows)
    neg = float("-inf")
    # best[i][j]: best total over the first i blocks with row j the last one taken (m: none yet)
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, bool] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    best[0][m] = 0.0
    for i in range(1, n + 1):
        s = score[i - 1]
        for j in range(m + 1):  # block i skipped
            if best[i - 1][j] > best[i][j]:
                best[i][j], back[i][j] = best[i - 1][j], (j, False)
        prefix, prefix_j = best[i - 1][m], m  # the best state whose row comes before j
        for j in range(m):
            if s[j] > 0 and prefix + s[j] > best[i][j]:
                best[i][j], back[i][j] = prefix + s[j], (prefix_j, True)
            if best[i - 1][j] > prefix:
                prefix, prefix_j = best[i - 1][j], j
    j = max(range(m + 1), key=lambda k: best[n][k])
    out: dict[str, list[Piece]] = {}
    for i in range(n, 0, -1):
        step = back[i][j]
        if step is None:
            break
        prev, took = step
        if took:
            out[rows[j]] = blocks[i - 1]
        j = prev
    return out


# -- columns ------------------------------------------------------------------


def _header_centres(pieces: list[Piece], spec: TableSpec, above: float) -> dict[str, float]:
    """Column centres from column labels printed above ``above`` (the first row's top)."""
    found: dict[str, list[float]] = {}
    for p in pieces:
        if p.box[3] > above:
            continue
        for c in spec.columns.values():
            if max(label_score(p.text, lab) for lab in (c.label, *c.aliases)) >= 0.85:
                found.setdefault(c.id, []).append(p.cx)
    return {c: median(xs) for c, xs in found.items() if len(xs) == 1}


# -- the reading --------------------------------------------------------------


@dataclass
class _Reader:
    """One table kind read page after page (a table may continue on the next page)."""

    spec: TableSpec
    blank_confidence: float
    out: AnchoredTable
    header_slots: list[list[float]] | None = None
    """A one-line table's value positions (each way its header's labels fit) from a header whose
    values were not on its page; [] for a header begun whose labels were not read yet."""
    text: PageText | None = None
    """The page being read."""

    def page(self, text: PageText) -> None:
        self.text = text
        pieces = text.pieces()
        values = [p for p in pieces if p.text.strip() and is_value(p.text)]
        if not values:
            return
        unit = median(p.height for p in values)
        rows_at = [
            p.cy for p in pieces if not is_value(p.text) and _best_row_score(p.text, self.spec) > LABEL_THRESHOLD
        ]
        bands = _bands(values, unit, rows_at)
        if self.spec.one_line:
            self._one_line(pieces, bands)
        else:
            self._rows(pieces, bands, unit)

    # -- tables printed a row per line ------------------------------------------
    def _rows(self, pieces: list[Piece], bands: list[_Band], unit: float) -> None:
        spec = self.spec
        labels = [p for p in pieces if not is_value(p.text) and _cjk(p.text) >= 1]
        assigned = _align_labels(_blocks(labels, _all_row_labels(spec)), spec, bands, unit)
        rows = [r for r in spec.rows if r in assigned]
        if not rows:
            return
        _whole_cells(assigned, labels, spec)
        row_band, unsure = _beside_labels(rows, assigned, bands, unit)
        labelled = set(row_band)
        used = {id(b) for b in row_band.values()}
        free = [b for b in bands if id(b) not in used]
        _fill_unlabelled(spec, row_band, free)
        placed = [list(spec.rows).index(c.row) for c in self.out.cells.values()]
        if placed:
            _fill_continued(spec, row_band, free, max(placed))
        self.out.rows_found += len(row_band)
        slots_of = {r: [(r, c.id) for c in spec.columns_for(r)] for r in row_band}
        # column centres: from the bands holding one value per column, else the header's labels
        complete: dict[str, list[tuple[str, float]]] = {}
        for r, b in row_band.items():
            if len(b.pieces) == len(slots_of[r]):
                for (_, c), p in zip(slots_of[r], b.pieces, strict=True):
                    complete.setdefault(c, []).append((r, p.cx))
        first_top = min(min(p.box[1] for p in assigned[r]) for r in rows)
        header = _header_centres(pieces, spec, first_top)
        centres = _centres(complete, header)
        last = max(max(p.box[3] for p in assigned[r]) for r in rows)
        span = [p for p in labels if first_top - 3 * unit <= p.cy <= last]
        self.out.columns_seen.update(_best_column(text_of(b), spec) for b in _column_blocks(span, spec))
        for r, b in row_band.items():
            slots = slots_of[r]
            doubts = {Doubt.INFERRED} if r not in labelled else set()
            if r in unsure:
                doubts.add(Doubt.AMBIGUOUS)
            # what else says where the row's columns stand: the header's labels, the other rows' values
            witness = _centres({c: [v for v in xs if v[0] != r] for c, xs in complete.items()}, header)
            self._place(b, slots, [centres.get(c) for _, c in slots], [witness.get(c) for _, c in slots], doubts)

    # -- a table printed as one line under its header ---------------------------
    def _one_line(self, pieces: list[Piece], bands: list[_Band]) -> None:
        """The line of values under the header that names the row groups and their columns; the
        header may end a page and its values (or the rest of it) begin the next."""
        slots = [(r, c.id) for r in self.spec.rows for c in self.spec.columns_for(r)]
        words = [p for p in pieces if not is_value(p.text) and _cjk(p.text) >= 1]
        groups = [p for p in words if _best_row_score(p.text, self.spec) > LABEL_THRESHOLD]
        if len({_best_row(p.text, self.spec) for p in groups}) >= 2:
            top = min(p.box[1] for p in groups) - 0.5 * median(p.height for p in groups)
            self.header_slots = []
        elif self.header_slots is not None:
            top = float("-inf")  # the header began on the page before
        else:
            return
        cols = _column_blocks([p for p in words if p.box[1] >= top and p not in groups], self.spec)
        ways = _slot_xs(cols, [c for _, c in slots], self.spec)
        if ways:
            self.header_slots = ways
        bottom = max((p.box[3] for p in [*groups, *(p for b in cols for p in b)]), default=top)
        below = [b for b in bands if len(b.pieces) >= min(5, len(slots)) and b.pieces[0].cy > bottom]
        if not below:
            return  # the values are on the next page
        band = min(below, key=lambda b: b.pieces[0].cy)
        ways = sorted(self.header_slots or [], key=lambda w: _fit(w, band))
        self.header_slots = None
        self.out.rows_found += len(self.spec.rows)
        if not ways:
            self._place(band, slots, [None] * len(slots), [None] * len(slots), {})
            return
        xs: list[float | None] = list(ways[0])
        self._place(band, slots, xs, xs, {}, _rival_way(band, slots, ways))

    # -- values to cells ---------------------------------------------------------
    def _place(self, band: _Band, slots: list[tuple[str, str]], xs: list[float | None],
               read_xs: list[float | None], doubts: set[Doubt],
               rival: dict[tuple[str, str], Piece | None] | None = None) -> None:
        """Count and printed order when they agree; else the nearest column centre; blanks between.

        ``xs``: each slot's column centre where known; ``read_xs`` those known otherwise than from this band
        (column labels read, other rows' values): an order they bear out is not inferred from count alone.
        ``doubts``: the row's (its band inferred or ambiguous). ``rival``: where another placement explains
        the band about as well, what it puts in each slot it fills otherwise (those slots are ambiguous)."""
        if len(band.pieces) == len(slots):
            order = set(doubts)
            kinds = [self.spec.columns[c].decimal for _, c in slots]
            if not _borne_out([p.cx for p in band.pieces], read_xs) and not _kinds_fit(band.pieces, kinds):
                order.add(Doubt.INFERRED)
            for slot, p in zip(slots, band.pieces, strict=True):
                self._put(*slot, p.cell, self._whole(p), "order", order)
            return
        known = sorted((x, slot) for x, slot in zip(xs, slots, strict=True) if x is not None)
        by = BY_CENTRE
        if len(known) < 2:
            stepped = _xs_by_spacing([p.cx for p in band.pieces], len(slots))
            if stepped is None:
                self.out.unplaced.extend(band.pieces)
                return
            known, by = list(zip(stepped, slots, strict=True)), BY_SPACING
        taken, unsure, spacing = _by_centre(band, known)
        self.out.unplaced.extend(p for p in band.pieces if p not in taken.values())
        unit = median(p.height for p in band.pieces)
        for x, (row, col) in known:
            p = taken.get((row, col))
            if p is None:  # nothing detected there: look (a faint lone "0" escapes the detector)
                y = band.y_at(x)
                slot = (x - 0.4 * spacing, y - 0.7 * unit, x + 0.4 * spacing, y + 0.7 * unit)
                if self.text.seen(slot) < SEEN:
                    self._put(row, col, _blank_at(band, x), 0.0, "unseen")
                    continue
                p = self.text.read_at(slot, True)
                if p is not None and not is_value(p.text):
                    self._put(row, col, p.cell, UNREAD, "unread")
                    continue
            if p is not None:
                mine = set(doubts)
                cell = p.cell
                if p in unsure or (rival is not None and (row, col) in rival):
                    mine.add(Doubt.AMBIGUOUS)
                    cell = _with_rival(cell, rival.get((row, col)) if rival else None)
                self._put(row, col, cell, by * self._whole(p), "centre" if by == BY_CENTRE else "spacing", mine)
            else:
                self._put(row, col, _blank_at(band, x), self.blank_confidence, "blank")

    def _whole(self, p: Piece) -> float:
        """1, or ``AT_EDGE`` for a value whose neighbourhood (a character's height either side) the
        picture does not show in full."""
        if self.text is None:
            return 1.0
        x0, y0, x1, y1 = p.box
        return 1.0 if self.text.seen((x0 - p.height, y0, x1 + p.height, y1)) >= 0.999 else AT_EDGE

    def _put(self, row: str, col: str, cell: Cell, sure: float, how: str,
             doubts: set[Doubt] | None = None) -> None:
        cid = f"{self.spec.id}.{row}.{col}"
        if cid in self.out.cells:
            return  # the first page that printed the row keeps it
        value = parse_cell(cell.text).value if cell.text and how not in NOT_READ else None
        read = sure if how == "blank" or how in NOT_READ else cell.confidence * sure
        doubts = set(doubts or ())
        self.out.cells[cid] = Placed(row, col, cell, value, held(read, doubts), how, doubts, read)


def _by_centre(band: _Band, known: list[tuple[float, tuple[str, str]]]
               ) -> tuple[dict[tuple[str, str], Piece], list[Piece], float]:
    """Each value of the band in the slot whose centre is nearest (within half a column, one value a
    slot); the values about as near another centre (``CENTRE_MARGIN``); and the columns' spacing."""
    spacing = min(b[0] - a[0] for a, b in itertools.pairwise(known))
    taken: dict[tuple[str, str], Piece] = {}
    unsure: list[Piece] = []
    for p in band.pieces:
        near = sorted(known, key=lambda k: abs(k[0] - p.cx))
        x, slot = near[0]
        if abs(x - p.cx) <= 0.5 * spacing and slot not in taken:
            taken[slot] = p
            if len(near) > 1 and abs(near[1][0] - p.cx) - abs(x - p.cx) < CENTRE_MARGIN * spacing:
                unsure.append(p)
    return taken, unsure, spacing


def _centres(complete: dict[str, list[tuple[str, float]]], header: dict[str, float]) -> dict[str, float]:
    """Column centres: the median x of the values complete bands put in each column (by row), else the
    column's label in the header."""
    out = {c: median(x for _, x in xs) for c, xs in complete.items() if xs}
    for c, x in header.items():
        out.setdefault(c, x)
    return out


def _borne_out(xs: list[float], read_xs: list[float | None]) -> bool:
    """Whether values placed by count and order stand where something else puts their columns (the column
    labels read, the other rows' values): a row of one column, or at least two slots' centres known so,
    every value nearest its own slot's of those."""
    if len(read_xs) == 1:
        return True
    known = [(x, k) for k, x in enumerate(read_xs) if x is not None]
    if len(known) < 2:
        return False
    return all(min(known, key=lambda c: abs(c[0] - xs[k]))[1] == k for _, k in known)


def _kinds_fit(pieces: list[Piece], decimal: list[bool]) -> bool:
    """Whether values placed by count and order bear their columns out by kind: the row prints one decimal
    column among others (the procurement amount beside its count) and the one value with a decimal
    point stands in it."""
    points = [k for k, p in enumerate(pieces) if "." in p.text]
    return len(decimal) > 1 and decimal.count(True) == 1 and points == [decimal.index(True)]


def _rival_way(band: _Band, slots: list[tuple[str, str]], ways: list[list[float]]
               ) -> dict[tuple[str, str], Piece | None] | None:
    """Where the header's next best fit (``ways`` best first) explains the band about as well as the best
    (``WAY_MARGIN``) and puts its values elsewhere: what it puts in each slot the two fill otherwise."""
    if len(ways) < 2 or len(band.pieces) == len(slots):
        return None
    best, other = ways[0], ways[1]
    spacing = min(b - a for a, b in itertools.pairwise(sorted(best)))
    if _fit(other, band) - _fit(best, band) >= WAY_MARGIN * spacing:
        return None
    mine, theirs = (_by_centre(band, sorted(zip(w, slots, strict=True)))[0] for w in (best, other))
    differ = {s for s in slots if mine.get(s) is not theirs.get(s)}
    return {s: theirs.get(s) for s in differ} or None


def _with_rival(cell: Cell, rival: Piece | None) -> Cell:
    """The cell with the rival placement's value in the slot kept as an alternative reading."""
    if rival is None or rival.text == cell.text:
        return cell
    alts = dict(cell.alternatives)
    alts[rival.text] = max(alts.get(rival.text, 0.0), min(rival.cell.confidence, Doubt.AMBIGUOUS.most))
    return dataclasses.replace(cell, alternatives=tuple(sorted(alts.items(), key=lambda a: -a[1])))


def _xs_by_spacing(xs: list[float], slots: int) -> list[float] | None:
    """Every slot's x from values that lost some of theirs, when the gaps between the values read
    count exactly the slots as whole steps of the smallest gaps' width (the slots between two
    values spread evenly). None when they do not: the values cannot tell their columns."""
    if len(xs) < 3 or len(xs) >= slots:
        return None
    gaps = [b - a for a, b in itertools.pairwise(sorted(xs))]
    if min(gaps) <= 0:
        return None
    step = median(g for g in gaps if g < 1.5 * min(gaps))
    counts = [round(g / step) for g in gaps]
    off = any(abs(g / step - k) > SPACING_TOLERANCE * k for g, k in zip(gaps, counts, strict=True))
    if sum(counts) + 1 != slots or off:
        return None
    out = [sorted(xs)[0]]
    for g, k in zip(gaps, counts, strict=True):
        start = out[-1]
        out.extend(start + g * (i + 1) / k for i in range(k))
    return out


def _blank_at(band: _Band, x: float) -> Cell:
    """An empty cell on ``band`` at ``x``: the box of the band's nearest piece, moved there."""
    near = min(band.pieces, key=lambda p: abs(p.cx - x))
    c = near.cell
    bbox = c.bbox
    if bbox is not None:
        scale = (bbox[2] - bbox[0]) / max(near.box[2] - near.box[0], 1e-6)
        dx = (x - near.cx) * scale
        bbox = (bbox[0] + dx, bbox[1], bbox[2] + dx, bbox[3])
    return Cell("", c.page, bbox, c.source, c.method, 1.0)


def _whole_cells(assigned: dict[str, list[Piece]], labels: list[Piece], spec: TableSpec) -> None:
    """A numbered label read in fragments taken from its numbering on: a label wrapped in a narrow cell
    ("3.要求" / a misread line / "开出版物") may be matched by a later fragment alone, and its values,
    printed level with the label's first line, then stand above that fragment's reach while the next
    row's (whose label went unread) stand within it. The free lines right above the fragment, in its
    column, up to the line that begins with the row's own numbering, are the cell's (never past
    another numbering)."""
    taken = {id(p) for b in assigned.values() for p in b}
    free = [p for p in labels if id(p) not in taken]
    for r, block in assigned.items():
        numbering = split_label(spec.rows[r].label).numbering
        if not numbering or any(split_label(p.text).numbering for p in block):
            continue
        above: list[Piece] = []
        top = min(block, key=lambda p: p.box[1])
        while (line := _next_line(top, free)) is not None and len(above) < MAX_FRAGMENTS:
            above.append(line)
            own = split_label(line.text).numbering
            if own == numbering:
                block.extend(above)
                for p in above:
                    free.remove(p)
                break
            if own:
                break
            top = line


def _next_line(p: Piece, free: list[Piece]) -> Piece | None:
    """The free line right above ``p`` in its column: overlapping it across, less than half a line
    away."""
    h = max(p.height, 1.0)
    near = [
        q
        for q in free
        if min(q.box[2], p.box[2]) - max(q.box[0], p.box[0]) >= 0.5 * min(q.box[2] - q.box[0], p.box[2] - p.box[0])
        and -0.9 * h <= p.box[1] - q.box[3] <= 0.5 * h
        and q.cy < p.cy
    ]
    return min(near, key=lambda q: abs(q.cy - p.cy), default=None)


def _bands_beside(label: list[Piece], bands: list[_Band], unit: float) -> list[tuple[float, int]]:
    """(distance, index) of the bands right of a label at its height: centred on it, or on its
    first line when the cell's text sits at the top."""
    top, bottom = min(p.box[1] for p in label), max(p.box[3] for p in label)
    cy, right = (top + bottom) / 2, max(p.box[2] for p in label)
    out = []
    for k, b in enumerate(bands):
        if b.pieces[-1].box[2] <= right:
            continue
        y = b.y_at(right)
        if top - 0.5 * unit <= y <= bottom + 0.5 * unit:
            out.append((abs(y - cy), k))
    return out


def _beside_labels(
    rows: list[str], assigned: dict[str, list[Piece]], bands: list[_Band], unit: float
) -> tuple[dict[str, _Band], set[str]]:
    """Each labelled row's band: the nearest one beside its label, no band twice; and the rows whose band
    is not surely theirs: another band stands about as near their label (``ROW_MARGIN``), or nearer (taken
    by another row), or the band lies within another row's label too (a curled page's wrapped labels
    overlapping: "规章" over a two-line "行政规范性文件", the one band between them)."""
    near = {r: _bands_beside(assigned[r], bands, unit) for r in rows}
    pairs = [(d, r, k) for r in rows for d, k in near[r]]
    out: dict[str, _Band] = {}
    dist: dict[str, float] = {}
    used: set[int] = set()
    for d, r, k in sorted(pairs):
        if r not in out and k not in used:
            out[r], dist[r] = bands[k], d
            used.add(k)
    unsure = {r for r in out if any(bands[k] is not out[r] and d < dist[r] + ROW_MARGIN * unit for d, k in near[r])}
    for r, band in out.items():
        right = max(p.box[2] for p in assigned[r])
        y = band.y_at(right)
        if any(o != r and min(p.box[1] for p in assigned[o]) <= y <= max(p.box[3] for p in assigned[o])
               and band.pieces[-1].box[2] > max(p.box[2] for p in assigned[o]) for o in rows):
            unsure.add(r)
    return out, unsure


def _slot_xs(blocks: list[list[Piece]], columns: list[str], spec: TableSpec) -> list[list[float]]:
    """The x of every value slot under a header whose column labels were read in part: the labels
    read are matched to the slots in order (by their names), the slots between them interpolated,
    those beyond the ends extrapolated by the spacing found. A header repeating its labels for each
    row group matches in more than one way: every way is returned, for the values to choose."""
    if len(blocks) < 2:
        return []
    names = [_best_column(text_of(b), spec) for b in blocks]
    xs = [median(p.cx for p in b) for b in blocks]
    n, m = len(blocks), len(columns)
    # best[i][j]: most labels matched with the first i blocks and the first j slots
    best = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            hit = best[i - 1][j - 1] + 1 if names[i - 1] == columns[j - 1] else -1
            best[i][j] = max(best[i - 1][j], best[i][j - 1], hit)
    out = []
    for late in (True, False):  # matches taken as late, or as early, as the labels allow
        pairs: list[tuple[int, float]] = []
        i, j = n, m
        while i and j:
            hit = names[i - 1] == columns[j - 1] and best[i][j] == best[i - 1][j - 1] + 1
            skip_slot = best[i][j] == best[i][j - 1]
            if hit and not (skip_slot and not late):
                pairs.append((j - 1, xs[i - 1]))
                i, j = i - 1, j - 1
            elif skip_slot:
                j -= 1
            else:
                i -= 1
        pairs.sort()
        if len(pairs) >= 2:
            out.append(_interpolate(pairs, m))
    return out


def _interpolate(pairs: list[tuple[int, float]], m: int) -> list[float]:
    step = median((b[1] - a[1]) / (b[0] - a[0]) for a, b in itertools.pairwise(pairs))
    out = []
    for k in range(m):
        left = [p for p in pairs if p[0] <= k]
        right = [p for p in pairs if p[0] >= k]
        if left and right:
            (a, xa), (b, xb) = left[-1], right[0]
            out.append(xa if a == b else xa + (xb - xa) * (k - a) / (b - a))
        elif left:
            out.append(left[-1][1] + step * (k - left[-1][0]))
        else:
            out.append(right[0][1] - step * (right[0][0] - k))
    return out


def _fit(xs: list[float], band: _Band) -> float:
    """How far a band's values stand from the nearest of the slots, on average (less is better)."""
    return sum(min(abs(x - p.cx) for x in xs) for p in band.pieces) / len(band.pieces)


def _best_row(text: str, spec: TableSpec) -> str:
    return max(spec.rows, key=lambda r: max(label_score(text, lab) for lab in _row_labels(spec, r)))


def _best_column(text: str, spec: TableSpec) -> str:
    return max(
        spec.columns,
        key=lambda c: max(label_score(text, lab) for lab in (spec.columns[c].label, *spec.columns[c].aliases)),
    )


def _column_blocks(words: list[Piece], spec: TableSpec) -> list[list[Piece]]:
    """The header's column labels (wrapped ones joined), left to right."""
    labels = [lab for c in spec.columns.values() for lab in (c.label, *c.aliases)]
    found = [b for b in _blocks(words, labels) if _best_column_score(text_of(b), spec) >= 0.85]
    return sorted(found, key=lambda b: median(p.cx for p in b))


def _best_column_score(text: str, spec: TableSpec) -> float:
    return max((label_score(text, lab) for c in spec.columns.values() for lab in (c.label, *c.aliases)), default=0.0)


def read_rows(pages: list[PageText], spec: TableSpec, template: str, blank_confidence: float) -> AnchoredTable:
    """Rows found by their labels, values by their bands, over the pages in order."""
    reader = _Reader(spec, blank_confidence, AnchoredTable(spec.id, template))
    for text in pages:
        reader.page(text)
    return reader.out


def _fill_unlabelled(spec: TableSpec, row_band: dict[str, _Band], free: list[_Band]) -> None:
    """Rows whose labels were not read take the free bands between their labelled neighbours, when as many."""
    order = list(spec.rows)
    found = sorted((order.index(r), r) for r in row_band)
    for (i, a), (j, b) in itertools.pairwise(found):
        missing = order[i + 1 : j]
        if not missing:
            continue
        top, bottom = row_band[a].pieces[-1].cy, row_band[b].pieces[-1].cy
        between = sorted((band for band in free if top < band.pieces[-1].cy < bottom), key=lambda b: b.pieces[-1].cy)
        if len(between) == len(missing):
            for r, band in zip(missing, between, strict=True):
                row_band[r] = band
                free.remove(band)


def _fill_continued(spec: TableSpec, row_band: dict[str, _Band], free: list[_Band], last: int) -> None:
    """A table continued from the page before: the rows after the last one placed there (index ``last``
    in the template) whose labels were not read on this page (the frame cut them) take the free bands
    above this page's first labelled row, when there are as many, each holding no more values than
    its row has columns."""
    order = list(spec.rows)
    first = min(order.index(r) for r in row_band)
    missing = order[last + 1 : first]
    if not missing:
        return
    top = row_band[order[first]].pieces[-1].cy
    above = sorted((b for b in free if b.pieces[-1].cy < top), key=lambda b: b.pieces[-1].cy)
    if len(above) != len(missing):
        return
    if any(len(b.pieces) > len(spec.columns_for(r)) for r, b in zip(missing, above, strict=True)):
        return
    for r, band in zip(missing, above, strict=True):
        row_band[r] = band
        free.remove(band)


def read_table(pages: list[PageText], schema: Schema, table: str, blank_confidence: float) -> AnchoredTable:
    """The better of the templates' readings of ``table`` (more of its rows and column labels found,
    then more cells).

    ``blank_confidence``: how sure a column position is a printed blank where the page shows
    nothing there (1.0 for a text layer; less for a scan, where ink as faint as the paper is lost).
    """
    readings = [
        read_rows(pages, t.tables[table], name, blank_confidence)
        for name, t in schema.templates.items()
        if table in t.tables
    ]
    return max(readings, key=lambda a: (a.rows_found + len(a.columns_seen), len(a.cells)))


def text_of(pieces: list[Piece]) -> str:
    return normalize("".join(p.text for p in pieces))
