"""One page image in, text lines and ruled tables with read cells out.

The page is made upright, flat and level (``geometry``), cleaned (``preprocess``)
and its ruled tables found (``grid``). One detection pass finds every text line;
lines outside the tables are prose, lines inside are cut at the cell borders, so a
header line that ran across two cells is two labels. Each cell's lines are put side
by side into one strip and read in one batched pass (a label wrapped over three
lines reads as one label; vertical text is cut into its characters first).

Numbers get a second, independent reading: Tesseract, digits only, on the cells
stacked into one image (~5 ms a cell). Where the two engines agree the reading is
confident; where they disagree both are kept, with their confidences, so the
report's arithmetic can choose (the caller's business, not this library's).

Which way up the page is, is decided by reading: a sample of detected lines must
read confidently; if not, the page is tried upside down and on its sides.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field, replace
from typing import Protocol

import cv2
import numpy as np

from .align import find_tables
from .dewarp import find_bend
from .engines import Engine
from .geometry import STANDARD_SHORT_SIDE, Upright, page_of_spread, upright
from .grid import find_grids, line_masks, long_strokes, ruling_ink
from .marks import DASH_READINGS, SLASHES
from .pen import TallInk, pen_strokes, unmarked
from .preprocess import (
    SEAL_REACH,
    Seal,
    binarize_inv,
    clean,
    descreen,
    is_bitonal,
    lift_grey_seals,
    maybe_negative,
    normalise_crop,
    outside_paper,
)
from .streaks import remove_streaks
from .types import Box, Grid, GridCell, Line, Reading

_NUMERICISH = re.compile(r"^[\dOoIl|〇.,，\-—/]{1,14}$")
_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "〇": "0", "I": "1", "l": "1", "|": "1", "，": ","})

SURE_ORIENTATION = 12
"""Confidently read Chinese characters in the sample lines above which a page is taken to be upright."""
RED_UNSURE = 0.4
"""Share of a page's ink that is red from which the red may be the print's own (a tint the paper's
white balance did not take out) rather than a seal's or a pen's: the page is read with the red kept
as print too (``PageReader.read``)."""


@dataclass
class CellReading:
    cell: GridCell
    reading: Reading


@dataclass
class TableResult:
    grid: Grid
    cells: list[CellReading]


@dataclass
class PageResult:
    """What was read, with boxes in the pixels of the image given to ``PageReader.read``.

    ``grid.xs``/``grid.ys`` stay in the upright page's pixels (``upright_size``): they line
    up the columns of a table continued on the next page, which only makes sense upright,
    and for photos only relative to the sheet (each photo frames it differently).
    """

    width: int
    height: int
    angle: float
    lines: list[Line] = field(default_factory=list)
    tables: list[TableResult] = field(default_factory=list)
    quarter_turns: int = 0
    """Clockwise quarter turns that made the page upright."""
    perspective: bool = False
    """A photographed sheet was found and flattened."""
    bent: bool = False
    """A bend of the print's rows or columns (a curled sheet, a photo's leftover perspective) was undone."""
    upright_size: tuple[int, int] = (0, 0)
    """Width and height of the upright page the grids' lines are measured in."""
    upright_scale: float = 1.0
    """Upright pixels per source pixel."""
    order: list[tuple[str, int]] = field(default_factory=list)
    """Reading order of the page: ("line", index in lines) and ("table", index in tables)."""
    text: PageText | None = None
    """Every detected line of the upright page, read on demand (for readings that do not trust the grid)."""
    sheet_unsure: bool = False
    """A photo whose page outline was not found whole: other print in view may be read as the page's and
    its rows may not lie level (``geometry.Sheet.unsure``)."""
    page_region: np.ndarray | None = None
    """The page's corners in the picture where it showed a facing page beside this one, left unread
    (``geometry.page_of_spread``); None where the page was read from the whole picture or its outline."""
    choice: Choice | None = None
    """Which of several candidate readings of the page was kept (``PageReader.read``), None where the
    page was read one way only."""
    red_share: float = 0.0
    """The share of the page's ink that was red (``preprocess.Cleaned.red_share``)."""

    @property
    def facing_cut(self) -> bool:
        return self.page_region is not None

    @property
    def note(self) -> str:
        parts = [] if self.choice is None else [self.choice.note]
        if self.perspective:
            parts.append("photo flattened")
        if self.sheet_unsure:
            parts.append("sheet outline not found")
        if self.facing_cut:
            parts.append("facing page cut off")
        if self.bent:
            parts.append("bent lines laid straight")
        if self.quarter_turns:
            parts.append(f"turned {90 * self.quarter_turns}°")
        if abs(self.angle) >= 0.05:
            parts.append(f"deskewed {self.angle:+.1f}°")
        return ", ".join(parts)


@dataclass(frozen=True)
class Choice:
    """The candidate reading kept for a page, and the best of the others: what decided, and by how much."""

    chosen: str
    score: float
    runner_up: str
    runner_up_score: float

    @property
    def note(self) -> str:
        return f"read {self.chosen} ({self.score:.1f} against {self.runner_up_score:.1f} {self.runner_up})"


class PageJudge(Protocol):
    """How well one reading of a page fits what the caller knows of the document (a template's labels,
    its numbers, its rules): the higher, the likelier the reading is of the page as printed. Candidate
    readings of one page (inverted or not) are told apart by it; this library knows nothing of
    documents, so the caller brings the knowledge (``ReadingJudge`` where it has none)."""

    def score(self, result: PageResult) -> float: ...


SURE_READ = 0.8
"""Confidence from which a line's or a cell's characters count as read surely (``ReadingJudge``)."""


class ReadingJudge:
    """Judges a reading by itself: the Chinese characters and digits read surely. A page read the wrong
    way round (inverted, another sheet's outline) reads as few unsure characters."""

    def score(self, result: PageResult) -> float:
        texts = [(ln.text, ln.confidence) for ln in result.lines]
        texts += [(cr.reading.text, cr.reading.confidence) for t in result.tables for cr in t.cells]
        return float(sum(_sure_chars(text) for text, conf in texts if conf >= SURE_READ))


def _sure_chars(text: str) -> int:
    return sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff" or ch.isdigit())


@dataclass
class _Page:
    up: Upright
    gray: np.ndarray
    ink: np.ndarray
    lines: np.ndarray
    """The sensitive binary the rulings are found in."""
    boxes: list[Box]
    grids: list[Grid]
    read: dict[Box, Reading] = field(default_factory=dict)
    """Lines already read while deciding the orientation (reused as prose)."""
    seals: list[Seal] = field(default_factory=list)
    """Grey seals lifted from the page."""
    unseen: np.ndarray | None = None
    """Where the upright page does not show its print: beyond the picture's edge, a lid or desk, a
    seal's ink or lifted grey ring (255 there)."""
    red_share: float = 0.0
    """The share of the page's ink that was red (``preprocess.Cleaned.red_share``)."""


class _Frames:
    """The framings of one picture (``PageReader._framed``) made so far, by turn and region: the reading
    with the red lifted and the one with it kept frame the picture alike (a photo's flattening and
    levelling, ~0.3-0.4 s of CPU, made once, not twice)."""

    def __init__(self) -> None:
        self._made: dict[tuple[int, bytes | None], tuple[Upright, np.ndarray]] = {}

    def framed(self, image: np.ndarray, turns: int, region: np.ndarray | None,
               make: Callable[[np.ndarray, int, np.ndarray | None], tuple[Upright, np.ndarray]],
               ) -> tuple[Upright, np.ndarray]:
        """``make``'s framing of ``image``, made on first asking; each caller gets its own ``Upright``
        (the reading sets its bend), the pictures shared and never written to."""
        key = (turns, None if region is None else region.tobytes())
        if key not in self._made:
            self._made[key] = make(image, turns, region)
        up, outside = self._made[key]
        return replace(up), outside


def _cut_at(result: PageResult, region: np.ndarray | None) -> bool:
    """Whether ``result`` was read from ``region`` of its picture (a facing page cut off there)."""
    return region is not None and result.page_region is not None and np.array_equal(result.page_region, region)


@dataclass
class PageText:
    """Every detected text line of an upright page with its reading, read when first asked for.

    The page reader reads a table's cells from its ruled grid; a reading that does not trust
    the grid (a cut or broken table) needs the lines themselves. They are read here only then,
    from the page with its rulings blanked (a ruling beside a digit is never read as a "1"),
    numbers twice like cells. Boxes are in the upright page's pixels; ``to_source`` maps them back.
    """

    reader: PageReader
    image: np.ndarray
    ink: np.ndarray
    """The text's ink (rulings taken out), for looking where the detector found nothing."""
    boxes: list[Box]
    done: dict[Box, Reading]
    to_source: Callable[[Box], Box]
    unseen: np.ndarray | None = None
    """255 where the page does not show its print (``_Page.unseen``)."""

    def seen(self, box: Box) -> float:
        """The share of ``box`` that shows the print: a slot beyond the picture's edge, under the
        scanner's lid or under a seal is not seen, and no blank may be read there."""
        h, w = self.image.shape[:2]
        x0, y0, x1, y1 = (round(v) for v in box)
        area = max(x1 - x0, 1) * max(y1 - y0, 1)
        a, b, c, d = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
        inside = max(c - a, 0) * max(d - b, 0)
        if self.unseen is None or inside == 0:
            return inside / area
        return float((self.unseen[b:d, a:c] == 0).sum()) / area
    seals: list[Seal] = field(default_factory=list)
    """Grey seals lifted from the page: what is read under one may be the seal's."""
    bitonal: bool = False
    """The page came one bit per pixel: its numbers are looked at smoothed too (``_smoothed_look``)."""

    def lines(self) -> list[tuple[Box, Reading]]:
        todo = [b for b in self.boxes if b not in self.done]
        if todo:
            got = self.reader.prose.recognize([_line_crop(self.image, b) for b in todo])
            readings: dict[Box, Reading] = {}
            numeric: list[Box] = []
            singles: dict[Box, np.ndarray] = {}
            for b, r in zip(todo, got, strict=True):
                squeezed = r.text.strip().replace(" ", "")
                if squeezed and _NUMERICISH.match(squeezed):
                    numeric.append(b)
                    readings[b] = _as_number(r, squeezed)
                    x0, y0, x1, y1 = b
                    singles[b] = _pad(self.image[y0:y1, x0:x1], share=False)
                else:
                    readings[b] = Reading(r.text.strip(), _line_confidence(r), [], r.engine)
            if numeric:
                self.reader._check_numbers(numeric, readings, singles, self.bitonal)
                _doubt_under_seals(readings, {b: b for b in numeric}, self.seals)
            self.done.update(readings)
        return [(b, self.done[b]) for b in self.boxes if self.done[b].text]

    def read_box(self, box: Box, number: bool = False) -> tuple[Box, Reading] | None:
        """What is printed inside ``box`` where the detector found no line (it drops a lone faint
        "0"): None when there is no ink there but specks; else the ink's box and its reading (empty,
        confidence 0, where the ink reads as nothing). ``number``: the caller expects a number
        there, so a short reading that is none ("Q" for a faint "0") is read for digits too."""
        h, w = self.image.shape[:2]
        x0, y0, x1, y1 = max(0, box[0]), max(0, box[1]), min(w, box[2]), min(h, box[3])
        if x1 - x0 < 4 or y1 - y0 < 4:
            return None
        char_h = _char_height(self.boxes) or 0.012 * max(h, w)
        cell = GridCell(0, 0, 1, 1, (x0, y0, x1, y1))
        parts = _cell_lines(cell, self.ink, char_h) or _faint_parts(cell, self.image, char_h)
        if not parts:
            if any(s.meets((x0, y0, x1, y1)) for s in self.seals):  # print as light as the seal went with it
                return (x0, y0, x1, y1), Reading("", 0.0, [], "unread")
            return None
        ink_box = (min(p[0] for p in parts), min(p[1] for p in parts), max(p[2] for p in parts),
                   max(p[3] for p in parts))
        crop = _stitch([_pad(self.image[b:d, a:c]) for a, b, c, d in parts])
        r = self.reader.prose.recognize([crop])[0]
        squeezed = r.text.strip().replace(" ", "")
        if not squeezed:  # ink the engines cannot read: not a blank
            return ink_box, Reading("", 0.0, [], r.engine)
        numeric = _NUMERICISH.match(squeezed)
        if not numeric and not (number and len(squeezed) <= _SHORT):
            return ink_box, Reading(r.text.strip(), _line_confidence(r), [], r.engine)
        first = _as_number(r, squeezed) if numeric else Reading(squeezed, _line_confidence(r), [], r.engine)
        readings = {ink_box: first}
        a, b, c, d = ink_box
        self.reader._check_numbers([ink_box], readings, {ink_box: _pad(self.image[b:d, a:c], share=False)},
                                   self.bitonal)
        _doubt_under_seals(readings, {ink_box: ink_box}, self.seals)
        return ink_box, readings[ink_box]


@dataclass
class PageReader:
    """Reads a page: detection once, prose lines and cell strips with the prose engine, digits twice.

    Any ``Engine`` serves in any role. ``prose`` detects and recognises the lines (RapidOCR
    by default); ``cells`` reads the numbers a second time (Tesseract, stacked crops);
    ``second``, when given and different from both, is asked about the numbers they disagree on.
    """

    prose: Engine
    cells: Engine
    second: Engine | None = None
    unsure_below: float = SURE_READ
    short_side: int = STANDARD_SHORT_SIDE
    correct_perspective: bool = True
    align: bool = True
    """Look for tables without rulings in the text outside the ruled ones (``align``)."""
    dewarp: bool = True
    """Lay a curled page's lines straight (``dewarp``) when its print shows a bend."""
    judge: PageJudge = field(default_factory=ReadingJudge)
    """Chooses among candidate readings of a page where a measure cannot decide (``read``)."""
    lift_red: bool = True
    """Lift red ink (seals, a red pen) off the page before reading; the reader that doubts it is a
    seal's reads it as print (``read``)."""

    def read(self, image: np.ndarray) -> PageResult:
        """The page read; where it may be light print on a dark ground (``preprocess.maybe_negative``: a
        screen's night mode, or a photo of a white sheet on a dark desk, which measures alike), read both
        ways; where much of its ink is red (``RED_UNSURE``: a seal's, or print that a tinted light or
        paper made red), read with red lifted and kept. The reading the judge scores higher is kept
        (``PageResult.choice``).

        Candidates are told apart by one thing only: a facing page found beside the page in one of them
        (``geometry.page_of_spread``, decided on each reading's own detected lines, which a gutter near
        its least width may pass in one and fail in the other) is cut off in all of them; a cut reading
        reads the page larger and without the other page's print, and outscored the whole picture read
        the right way round (clutter gen_000 seed 1 p0: inverted and cut 344, as given whole 240, as
        given cut 650). A candidate already read with the facing page cut where the others are to cut it
        is not read again, and the readings of one picture share its framing (``_Frames``)."""
        ways = [(image, "as given", _Frames())]
        if maybe_negative(image):
            ways.append((cv2.bitwise_not(image), "inverted", _Frames()))
        read = [self._red_either_way(picture, name, frames) for picture, name, frames in ways]
        cut = next((r.page_region for way in read for _, r in way if r.page_region is not None), None)
        if cut is not None:
            read = [way if all(r.facing_cut for _, r in way) else self._red_either_way(picture, name, frames, cut, way)
                    for way, (picture, name, frames) in zip(read, ways, strict=True)]
        candidates = [c for way in read for c in way]
        if len(candidates) == 1:
            return candidates[0][1]
        return _choose(candidates, self.judge)

    def _red_either_way(self, image: np.ndarray, name: str, frames: _Frames, region: np.ndarray | None = None,
                        before: Sequence[tuple[str, PageResult]] = ()) -> list[tuple[str, PageResult]]:
        """The page read with its red ink lifted, and, where red is much of its ink, kept as print too;
        from ``region`` of the picture alone where given (a facing page cut off). Of the readings made
        ``before`` (lifted first, then red kept), one already cut at ``region`` is kept, not read again."""
        done = [r for _, r in before]
        lifted = done[0] if done and _cut_at(done[0], region) else self._read(image, frames, region)
        if not self.lift_red or lifted.red_share < RED_UNSURE:
            return [(name, lifted)]
        if len(done) > 1 and _cut_at(done[1], region):
            kept = done[1]
        else:
            kept = replace(self, lift_red=False)._read(image, frames, region)
        return [(name, lifted), (f"{name}, red kept as print", kept)]

    def _read(self, image: np.ndarray, frames: _Frames, region: np.ndarray | None = None) -> PageResult:
        bitonal = is_bitonal(image)
        if bitonal:  # a halftoned or dithered grey (shading, light print) read as grey, not as specks
            grey = descreen(image)
            image = image if grey is None else grey
        page = self._oriented(image, frames, region)
        up, gray, grids = page.up, page.gray, list(page.grids)
        rulings = _grid_rulings(page.lines, grids, _char_height(page.boxes))
        strokes = long_strokes(page.lines, _char_height(page.boxes))
        for sl in page.seals:  # the rulings' ink was taken before the grey seals were lifted: a ring's
            cv2.circle(strokes, (sl.x, sl.y), round(SEAL_REACH * sl.r), 0, -1)  # straight arcs are no ruling
        rulings |= strokes
        text_ink = cv2.bitwise_and(page.ink, cv2.bitwise_not(rulings))
        blank = gray.copy()
        blank[rulings > 0] = 255  # a border is never read as a "1"
        in_table: list[list[Box]] = [[] for _ in grids]
        prose_boxes: list[Box] = []
        for b in page.boxes:
            k = _grid_of(b, grids)
            if k is None:
                prose_boxes.append(b)
            else:
                in_table[k].append(b)
        lines = self._prose(gray, prose_boxes, page.read)
        done = {ln.box: Reading(ln.text, ln.confidence, [], self.prose.name) for ln in lines}
        if self.align:
            # tables without rulings: their text, read as prose, stands in columns
            found = find_tables(lines, _char_height(prose_boxes), text_ink)
            taken = {i for t in found for i in t.lines}
            for t in found:
                grids.append(t.grid)
                in_table.append([lines[i].box for i in t.lines])
            lines = [ln for i, ln in enumerate(lines) if i not in taken]
        shared: dict[Box, Reading] = {}
        tables = self._read_grids(grids, blank, text_ink, in_table, page.seals, shared, bitonal, (gray, rulings))
        for b, r in shared.items():  # a table line read as its cell is not read again for the page's text
            done.setdefault(b, r)
        src_h, src_w = image.shape[:2]
        result = PageResult(src_w, src_h, up.skew, quarter_turns=up.quarter_turns, perspective=up.perspective,
                            bent=up.bend is not None, upright_size=(gray.shape[1], gray.shape[0]),
                            upright_scale=up.scale, sheet_unsure=up.sheet_unsure, red_share=page.red_share,
                            page_region=up.region)
        # reading order is the upright page's: a page scanned on its side runs across the source image
        tops = [(ln.box[1], "line", i) for i, ln in enumerate(lines)] + [
            (t.grid.box[1], "table", j) for j, t in enumerate(tables)
        ]
        result.order = [(kind, i) for _, kind, i in sorted(tops)]
        m = up.source_map()  # not up.box_to_source: the page's text would keep the upright image
        result.text = PageText(self, blank, text_ink, list(page.boxes), done, m, page.unseen, list(page.seals),
                               bitonal)
        for ln in lines:
            ln.box = m(ln.box)
            for wd in ln.words:
                wd.box = m(wd.box)
        result.lines = lines
        for t in tables:
            g = t.grid
            cells = [GridCell(c.row, c.col, c.rowspan, c.colspan, m(c.box)) for c in g.cells]
            grid = Grid(m(g.box), g.rows, g.cols, cells, list(g.xs), list(g.ys), g.confidence, g.ruled)
            result.tables.append(
                TableResult(grid, [CellReading(c, cr.reading) for c, cr in zip(cells, t.cells, strict=True)])
            )
        return result

    # -- orientation ----------------------------------------------------------
    def _prepared(self, image: np.ndarray, frames: _Frames, turns: int, region: np.ndarray | None = None) -> _Page:
        """The page upright, cleaned, its lines detected and its rulings found; where the picture shows a
        facing page beside it (``page_of_spread``), prepared again from the page's part of the picture alone
        (``region``): the facing page's print is never read, and the page fills the standard width."""
        up, outside = frames.framed(image, turns, region, self._framed)
        cleaned = clean(up.image, outside, self.lift_red)
        gray, ink = cleaned.gray, cleaned.ink
        unseen = _beyond_picture(up, image.shape[:2]) | ((outside | cleaned.seal).astype(np.uint8) * 255)
        if up.perspective:  # whatever is left of the desk at the sheet's edge is not ink
            m = max(2, round(0.006 * min(gray.shape)))
            gray[:m], gray[-m:], gray[:, :m], gray[:, -m:] = 255, 255, 255, 255
            ink[:m], ink[-m:], ink[:, :m], ink[:, -m:] = 0, 0, 0, 0
        bend = find_bend(ink) if self.dewarp else None
        if bend is not None:  # a curled sheet: its lines laid straight before anything is looked for
            up.bend = bend
            gray = bend.apply(gray)
            ink = binarize_inv(gray)
            unseen = bend.apply(unseen)
        lines = ruling_ink(gray)  # before a grey seal is lifted: the lifting breaks the rulings under it
        before = gray
        gray, seals = lift_grey_seals(gray)
        if seals:
            ink = binarize_inv(gray)
            # print under a lifted grey ring may have gone with it: what was lifted is not seen (not the
            # whole disc: a black 0 beside the seal's characters is there to read)
            lifted = ((before != gray).astype(np.uint8)) * 255
            unseen |= cv2.dilate(lifted, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (LIFT_GROW, LIFT_GROW)))
        boxes = self.prose.detect(gray)
        char_h = _char_height(boxes)
        grids = find_grids(lines, char_h=char_h, gray=gray)
        span = None if region is not None else page_of_spread(boxes, [g.box for g in grids], gray.shape[1], char_h)
        if span is not None:
            h = gray.shape[0]
            corners = np.array([(span[0], 0), (span[1], 0), (span[1], h - 1), (span[0], h - 1)], np.float64)
            return self._prepared(image, frames, turns, up.source_map().points(corners))
        return _Page(up, gray, ink, lines, boxes, grids, seals=seals, unseen=unseen, red_share=cleaned.red_share)

    def _oriented(self, image: np.ndarray, frames: _Frames, region: np.ndarray | None = None) -> _Page:
        """The page the right way up: the orientation whose sample lines read most confidently.

        An upright page costs nothing extra: its sample lines are prose read anyway. ``region``: the
        page's part of the picture, where a facing page is known to be beside it.
        """
        page = self._prepared(image, frames, 0, region)
        if not page.boxes:
            return page  # nothing to read either way
        sample = _sample(page.boxes, page.grids)
        score0, read0 = self._sample_score(page.gray, sample)
        page.read.update(read0)
        tall = sum(1 for b in page.boxes if (b[3] - b[1]) >= 2 * (b[2] - b[0]))
        wide = sum(1 for b in page.boxes if (b[2] - b[0]) >= 2 * (b[3] - b[1]))
        if score0 >= SURE_ORIENTATION and tall < wide:  # lines run across, and read as Chinese
            return page
        h, w = page.gray.shape
        score180, _ = self._sample_score(page.gray[::-1, ::-1], [_flip_box(b, w, h) for b in sample])
        flip_better = score180 > max(1.25 * score0, score0 + 2)
        if flip_better and score180 >= SURE_ORIENTATION:
            return self._flipped(page)  # reads as Chinese upside down: no need to try its sides
        if wide >= max(10, 3 * tall):
            # lines run across the page: it is upright or upside down, never on its side (a page on
            # its side has its lines, and a table's short labels, detected as tall boxes)
            return self._flipped(page) if flip_better else page
        side = self._prepared(image, frames, 1, region)
        side_sample = _sample(side.boxes, side.grids)
        score90, read90 = self._sample_score(side.gray, side_sample)
        side.read.update(read90)
        sh, sw = side.gray.shape
        score270, _ = self._sample_score(side.gray[::-1, ::-1], [_flip_box(b, sw, sh) for b in side_sample])
        best_score, turns = max((score0, 0), (score180, 2), (score90, 1), (score270, 3))
        if turns == 0 or best_score <= max(1.25 * score0, score0 + 2):
            return page
        if turns == 1:
            return side
        return self._flipped(page if turns == 2 else side)

    def _framed(self, image: np.ndarray, turns: int, region: np.ndarray | None) -> tuple[Upright, np.ndarray]:
        """The picture upright, levelled, at the standard size, its feeder streaks painted over, and where it
        shows no paper (``outside_paper``): what ``_prepared`` does before the red is lifted or kept."""
        up = upright(image, turns, self.short_side, self.correct_perspective, region=region)
        up.image = remove_streaks(up.image)  # before anything takes a feeder's dust line for a ruling
        return up, outside_paper(up.image)

    @staticmethod
    def _flipped(base: _Page) -> _Page:
        """``base`` turned half round, its detected boxes with it."""
        bh, bw = base.gray.shape
        gray = np.ascontiguousarray(base.gray[::-1, ::-1])
        ink = np.ascontiguousarray(base.ink[::-1, ::-1])
        lines = np.ascontiguousarray(base.lines[::-1, ::-1])
        boxes = sorted((_flip_box(b, bw, bh) for b in base.boxes), key=lambda b: (b[1], b[0]))
        seals = [s._replace(x=bw - s.x, y=bh - s.y) for s in base.seals]
        unseen = None if base.unseen is None else np.ascontiguousarray(base.unseen[::-1, ::-1])
        grids = find_grids(lines, char_h=_char_height(boxes), gray=gray)
        return _Page(base.up.turned(2), gray, ink, lines, boxes, grids, seals=seals, unseen=unseen,
                     red_share=base.red_share)

    def _sample_score(self, gray: np.ndarray, boxes: list[Box]) -> tuple[float, dict[Box, Reading]]:
        """Chinese characters read confidently: upright text has them, text on its side or upside
        down reads as a few unsure characters (digits, which read alike upside down, do not count)."""
        if not boxes:
            return 0.0, {}
        got = self.prose.recognize([_line_crop(gray, b) for b in boxes])
        return float(sum(r.sure_cjk() for r in got)), dict(zip(boxes, got, strict=True))

    # -- prose ----------------------------------------------------------------
    def _prose(self, gray: np.ndarray, boxes: list[Box], done: dict[Box, Reading]) -> list[Line]:
        todo = [b for b in boxes if b not in done]
        got = dict(zip(todo, self.prose.recognize([_line_crop(gray, b) for b in todo]), strict=True))
        got.update({b: done[b] for b in boxes if b in done})
        out = []
        for b in boxes:
            r = got[b]
            if r.text.strip():
                out.append(Line(r.text, b, _line_confidence(r)))
        return sorted(out, key=lambda ln: (ln.box[1], ln.box[0]))

    # -- tables ---------------------------------------------------------------
    def _read_grids(
        self, grids: list[Grid], gray: np.ndarray, ink: np.ndarray, boxes: list[list[Box]],
        seals: Sequence[Seal] = (), shared: dict[Box, Reading] | None = None, bitonal: bool = False,
        ruled: tuple[np.ndarray, np.ndarray] | None = None,
    ) -> list[TableResult]:
        """Every cell of every table: one batched recognition pass, one Tesseract call for the numbers.

        A cell with no ink under a lifted grey seal is not surely blank: print as light as the
        seal went with it. A cell whose ink was too faint for the page's binarisation (thin toner)
        is read from its faint strokes; when those read as nothing, it is unread, not a sure blank.
        A number read under a seal whose ink could not be told from the print is not sure. Pieces of
        a ruling left inside the cells (``ruling_stubs``) are blanked in ``gray`` and ``ink``
        themselves: whatever reads the page after the grid must not see them either. ``shared``
        gets, for each detected line (of ``boxes``) that is a cell's one line of ink, that cell's
        reading: the page's text reuses it instead of reading the same ink again. ``ruled`` (the page
        before its rulings were blanked, and the rulings' mask) lets a number that reads as no number
        be read again with the ruling strokes it stood on given back (``_rejoined``).
        """
        owner: list[tuple[int, int]] = []  # (table, cell) of each strip
        strips: list[np.ndarray] = []
        singles: dict[tuple[int, int], np.ndarray] = {}
        faint: set[tuple[int, int]] = set()
        single_parts: dict[tuple[int, int], Box] = {}
        cell_parts: dict[tuple[int, int], list[Box]] = {}
        cores: list[list[int]] = [[] for _ in grids]
        cell_core: dict[tuple[int, int], int] = {}  # the darkest grey of a cell's print
        for t, g in enumerate(grids):
            char_h = _char_height(boxes[t]) or 0.012 * self.short_side
            gx0, gy0, gx1, gy1 = g.box
            stats = cv2.connectedComponentsWithStats(ink[gy0:gy1, gx0:gx1], connectivity=8)[2][1:].copy()
            stats[:, 0] += gx0  # one labelling for the table, not one per cell
            stats[:, 1] += gy0
            if g.ruled:  # pieces of the rulings left in the cells are no text: out of the crops and the page
                stub = ruling_stubs(stats, g, char_h)
                for sx, sy, sw, sh, _ in stats[stub].tolist():
                    piece = ink[sy : sy + sh, sx : sx + sw] > 0
                    gray[sy : sy + sh, sx : sx + sw][piece] = 255
                    ink[sy : sy + sh, sx : sx + sw][piece] = 0
                stats = stats[~stub]
            for k, c in enumerate(g.cells):
                parts = _cell_lines(c, ink, char_h, stats)
                if not parts:
                    parts = _faint_parts(c, gray, char_h)
                    if parts:
                        faint.add((t, k))
                if parts:
                    cell_parts[(t, k)] = parts
                darks = [_darkest(gray[y0:y1, x0:x1]) for x0, y0, x1, y1 in parts if x1 > x0 and y1 > y0]
                cores[t].extend(darks)
                if darks:
                    cell_core[(t, k)] = min(darks)
                crops = [_pad(gray[y0:y1, x0:x1]) for x0, y0, x1, y1 in parts]
                for chunk in _chunks(crops):
                    strips.append(_stitch(chunk))
                    owner.append((t, k))
                if len(parts) == 1:
                    x0, y0, x1, y1 = parts[0]
                    singles[(t, k)] = _pad(gray[y0:y1, x0:x1], share=False)
                    single_parts[(t, k)] = parts[0]
        first: dict[tuple[int, int], Reading] = {}
        for key, r in zip(owner, self.prose.recognize(strips), strict=True):
            if key in first:  # a long cell read in chunks: the text joined, the least sure chunk's confidence
                prev = first[key]
                first[key] = Reading(prev.text + r.text, min(prev.confidence, r.confidence), [], prev.engine,
                                     prev.char_confidences + r.char_confidences)
            else:
                first[key] = r
        readings: dict[tuple[int, int], Reading] = {}
        numeric: list[tuple[int, int]] = []
        for t, g in enumerate(grids):
            blank_conf = FAINT_BLANK if faint_print(cores[t]) else 1.0
            for k in range(len(g.cells)):
                r = first.get((t, k))
                if r is None:
                    under_seal = any(s.meets(g.cells[k].box) for s in seals)
                    readings[(t, k)] = Reading("", UNDER_SEAL_BLANK if under_seal else blank_conf, [], "blank")
                    continue
                squeezed = r.text.strip().replace(" ", "")
                if squeezed in DASH_READINGS:  # a printed blank: "—" read as 一 would pass for a label
                    readings[(t, k)] = Reading("—", r.confidence, [], r.engine)
                    continue
                # a lone "0" read as "()" by one engine is still a number to check with the other
                odd = len(squeezed) <= 3 and not any("\u4e00" <= ch <= "\u9fff" for ch in squeezed)
                # on a bitonal page a 0 resampled by nearest neighbour reads as a CJK box ("口"): its shape says
                if (t, k) in singles and (not squeezed or odd or _NUMERICISH.match(squeezed) or (
                        bitonal and len(squeezed) == 1 and ring_zero(singles[(t, k)]))):
                    numeric.append((t, k))
                    readings[(t, k)] = _as_number(r, squeezed)
                else:
                    readings[(t, k)] = Reading(r.text.strip(), _line_confidence(r), [], r.engine)
        if numeric:
            self._check_numbers(numeric, readings, singles, bitonal)
            self._pen_free(grids, gray, ink, boxes, readings, numeric, cell_parts)
            if ruled is not None:
                self._rejoin_numbers(numeric, readings, single_parts, ruled, gray, grids, boxes)
            if bitonal:
                self._thinned_numbers(numeric, readings, singles)
            else:
                faint_tables = {t for t in range(len(grids)) if faint_print(cores[t])}
                looks: dict[tuple[int, int], np.ndarray] = {}
                for key in numeric:
                    t, k = key
                    c = grids[t].cells[k]
                    char_h = _char_height(boxes[t]) or 0.012 * self.short_side
                    seal = next((sl for sl in seals if sl.meets(c.box)), None)
                    if seal is not None:
                        crop = _dark_crop(c, gray, seal.level, char_h)
                    elif t in faint_tables or key in faint or cell_core.get(key, 0) > FAINT_PRINT:
                        crop = _grey_crop(c, gray, char_h)
                    else:
                        continue
                    if crop is not None:
                        looks[key] = crop
                for t in faint_tables:  # blank cells of a faint table: looked at nearer the paper's noise
                    char_h = _char_height(boxes[t]) or 0.012 * self.short_side
                    for k, c in enumerate(grids[t].cells):
                        if (t, k) not in first and not any(sl.meets(c.box) for sl in seals):
                            crop = _grey_crop(c, gray, char_h, FAINT_STEP_LOW)
                            if crop is not None:
                                looks[(t, k)] = crop
                self._look_again(looks, readings)
                self._own_threshold_numbers(numeric, readings, singles)
            _doubt_under_seals(readings, {key: grids[key[0]].cells[key[1]].box for key in numeric}, seals)
        for key in faint:  # faint ink that reads as no number: unread, not blank
            r = readings[key]
            junk = len(r.text) <= _SHORT and not any(ch.isdigit() or "\u4e00" <= ch <= "\u9fff" for ch in r.text)
            if junk:
                readings[key] = Reading("", FAINT_UNREAD, r.alternatives, "unread")
        if shared is not None:
            for b, key in _lines_of_cells(grids, boxes, single_parts).items():
                if readings[key].text:
                    shared[b] = readings[key]
        for t, g in enumerate(grids):
            if g.confidence < 1.0:  # a cell of an inferred grid may stand in the wrong place
                for k in range(len(g.cells)):
                    r = readings[(t, k)]
                    readings[(t, k)] = Reading(r.text, r.confidence * g.confidence, r.alternatives, r.engine,
                                               r.char_confidences)
        return [
            TableResult(g, [CellReading(c, readings[(t, k)]) for k, c in enumerate(g.cells)])
            for t, g in enumerate(grids)
        ]

    def _pen_free(
        self, grids: list[Grid], gray: np.ndarray, ink: np.ndarray, boxes: list[list[Box]], readings: dict,
        numeric: Sequence[tuple[int, int]], cell_parts: dict[tuple[int, int], list[Box]],
    ) -> None:
        """Cells holding ink shaped like a pen's (``pen``: a ring round a figure or a label, a tick beside
        it, the arc of a ring round the row above) read again without it, each way of taking it off
        (``pen.pen_strokes``); the reading that fits the cell is kept (``_pen_choice``)."""
        values = set(numeric)
        keys: list[tuple[int, int]] = []
        crops: list[list[np.ndarray]] = []
        for t, g in enumerate(grids):
            char_h = _char_height(boxes[t]) or 0.012 * self.short_side
            sizes = _print_sizes(g, t, cell_parts, readings, values)
            glyphs = [h for h in (sizes.figure, sizes.character) if h is not None]
            if not glyphs or not g.cells:
                continue
            tall = TallInk(ink, _cells_box(g, ink.shape), min(glyphs))
            for k, c in enumerate(g.cells):
                glyph_h = sizes.figure if (t, k) in values else sizes.character
                if (t, k) not in cell_parts or glyph_h is None:
                    continue
                x0, y0, x1, y1 = max(0, c.box[0]), max(0, c.box[1]), c.box[2], c.box[3]
                if not tall.may_hold_pen((x0, y0, x1, y1), glyph_h):
                    continue
                band = sizes.bands.get(c.row)
                local = None if band is None else (band[0] - y0, band[1] - y0)
                cell_ink = ink[y0:y1, x0:x1]
                for strokes in pen_strokes(cell_ink, glyph_h, local):
                    g2, ink2 = unmarked(gray[y0:y1, x0:x1], cell_ink, strokes)
                    parts = _cell_lines(GridCell(0, 0, 1, 1, (0, 0, x1 - x0, y1 - y0)), ink2, char_h)
                    keys.append((t, k))
                    crops.append([g2[b:d, a:cc] for a, b, cc, d in parts])
        if not keys:
            return
        single = [i for i in range(len(keys)) if len(crops[i]) == 1]
        several = [i for i in range(len(keys)) if len(crops[i]) > 1]
        got: dict[int, Reading] = {i: Reading("", 0.0, [], "") for i in range(len(keys))}  # no ink left
        for i, (a, b) in zip(single, self._both_engines([crops[i][0] for i in single]), strict=True):
            number = _settle_stroke(_combine(_number_read(a), b), _pad(crops[i][0], share=False))
            text = Reading(a.text.strip(), _line_confidence(a), [], a.engine)
            got[i] = number if number.text and not text.sure_cjk(0.0) else text
        strips = [_stitch([_pad(c) for c in crops[i]]) for i in several]
        for i, r in zip(several, self.prose.recognize(strips) if strips else [], strict=True):
            got[i] = Reading(r.text.strip(), _line_confidence(r), [], r.engine)
        others: dict[tuple[int, int], list[Reading]] = {}
        for i, key in enumerate(keys):
            others.setdefault(key, []).append(got[i])
        for key, rs in others.items():
            readings[key] = _pen_choice(readings[key], rs, grids[key[0]].cells[key[1]], self.judge)

    def _look_again(self, crops: dict[tuple[int, int], np.ndarray], readings: dict) -> None:
        """Numbers read a second time, from crops cut otherwise than the first (``_grey_crop`` for
        faint print, ``_dark_crop`` under a grey seal): both engines read each; a number that differs
        from the first reading is a candidate beside it (``_look_candidate``), never sure."""
        if not crops:
            return
        keys = list(crops)
        for key, (a, b) in zip(keys, self._both_engines([crops[k] for k in keys]), strict=True):
            first = _number_read(a)
            look = _settle_stroke(_combine(first, b), _pad(crops[key], share=False))
            readings[key] = _look_candidate(readings[key], look)

    def _both_engines(self, crops: list[np.ndarray]) -> list[tuple[Reading, Reading]]:
        """Each crop read by the prose engine (padded with paper) and by the digits engine (padded as
        a cell): the pair every second look at a number weighs."""
        firsts = self.prose.recognize([_pad(c) for c in crops])
        digits = self.cells.read_cells([_pad(c, share=False) for c in crops], digits=True)
        return list(zip(firsts, digits, strict=True))

    def _rejoin_numbers(
        self, numeric: Sequence[tuple[int, int]], readings: dict, parts: dict[tuple[int, int], Box],
        ruled: tuple[np.ndarray, np.ndarray], blanked: np.ndarray, grids: list[Grid], boxes: list[list[Box]],
    ) -> None:
        """Numbers that read as no number ("U" for a 0 whose top lay on a doubled ruling), read again
        with the ruling strokes they touch given back over their own width (``_rejoined``). What the
        prose engine reads there is a candidate, never a sure value (``REJOINED``): the strokes given
        back are the ruling's as much as the glyph's, so the arithmetic has the last word."""
        source, rulings = ruled
        keys, crops = [], []
        for k in numeric:
            if _NUMERICISH.match(readings[k].text) or k not in parts:
                continue
            char_h = _char_height(boxes[k[0]]) or 0.012 * self.short_side
            crop = _rejoined(parts[k], source, rulings, blanked, char_h)
            if crop is not None:
                keys.append(k)
                crops.append(crop)
        self._candidate_numbers(keys, crops, readings)

    def _own_threshold_numbers(self, numeric: Sequence[tuple[int, int]], readings: dict, singles: dict) -> None:
        """Numbers that still read as some other glyph ("D", "B" for a 0 blurred at ~90 dpi: a
        photo sent through a messaging app) read again binarised at their crop's own threshold
        (Otsu): the blur's grey halo, which gave the glyph another shape, goes. What reads as a
        number there is a candidate, never sure (``REJOINED``): the arithmetic has the last word.
        Only what read as something: an empty reading of a speck stays empty."""
        keys = [k for k in numeric if k in singles and readings[k].text and not _NUMERICISH.match(readings[k].text)]
        crops = [_own_threshold(singles[k]) for k in keys]
        self._candidate_numbers(keys, crops, readings)

    def _thinned_numbers(self, numeric: Sequence[tuple[int, int]], readings: dict, singles: dict) -> None:
        """On a bitonal page, numbers read as another glyph ("a", "G", "口": a 0 whose counter the threshold
        closed, as on a bitonal copy printed and scanned black-and-white again, every stroke swollen) or
        put in doubt by the smoothed look ("9", "6" for such a 0), read again with their strokes thinned
        by a pixel (``_thinned``). Where the first read no number, a number read thinned is a candidate
        (``_candidate_numbers``, never sure); beside a doubted number, another number read thinned is an
        alternative for the arithmetic repair (``BITONAL_DOUBT``, ``REJOINED_DISPUTED`` where the digits
        engine reads otherwise), the first reading kept. A glyph that reads as no number even thinned but is
        shaped as a 0 (``ring_zero``: a 0 resampled by nearest neighbour, read "D", "U", "口") is a 0 at
        ``REJOINED_ALONE``."""
        glyphs = [k for k in numeric if k in singles and readings[k].text and not _NUMERICISH.match(readings[k].text)]
        doubted = [k for k in numeric if k in singles and any(ch.isdigit() for ch in readings[k].text)
                   and readings[k].confidence <= BITONAL_DOUBT]
        self._candidate_numbers(glyphs, [_thinned(singles[k]) for k in glyphs], readings)
        for k in glyphs:  # what no look read as a number may still be shaped as a 0: a candidate, never sure
            r = readings[k]
            if not _NUMERICISH.match(r.text) and ring_zero(singles[k]):
                readings[k] = Reading("0", REJOINED_ALONE, r.alternatives, "shape")
        if not doubted:
            return
        for k, (a, b) in zip(doubted, self._both_engines([_thinned(singles[k]) for k in doubted]), strict=True):
            text = _number_read(a).text
            r = readings[k]
            if not any(ch.isdigit() for ch in text) or text == r.text:
                continue
            other = b.text.strip().replace(" ", "")
            alts = dict(r.alternatives)
            cap = BITONAL_DOUBT if other in ("", text) else REJOINED_DISPUTED
            alts[text] = max(alts.get(text, 0.0), min(a.confidence, cap))
            readings[k] = Reading(r.text, r.confidence, sorted(alts.items(), key=lambda x: -x[1]), r.engine,
                                  r.char_confidences)

    def _candidate_numbers(self, keys: list[tuple[int, int]], crops: list[np.ndarray], readings: dict) -> None:
        """Another look at numbers that read as no number: a number the prose engine reads in the new
        crop is a candidate, at most ``REJOINED`` (the two engines agree), ``REJOINED_ALONE`` (the
        digits engine reads nothing) or ``REJOINED_DISPUTED`` (they disagree: both kept)."""
        if not keys:
            return
        for k, (a, b) in zip(keys, self._both_engines(crops), strict=True):
            text = _number_read(a).text
            other = b.text.strip().replace(" ", "")
            other = other if any(ch.isdigit() for ch in other) else ""
            if not any(ch.isdigit() for ch in text):
                continue
            alts = dict(readings[k].alternatives)
            if other and other != text:  # the engines disagree: both stay, neither is trusted
                alts[other] = min(b.confidence, REJOINED_DISPUTED)
                conf = min(a.confidence, REJOINED_DISPUTED)
            else:  # the same number, or the digits engine sees none in so small a crop
                conf = min(a.confidence, REJOINED if other else REJOINED_ALONE)
            readings[k] = Reading(text, conf, sorted(alts.items(), key=lambda x: -x[1]), a.engine)

    def _check_numbers(
        self, numeric: Sequence[Hashable], readings: dict, singles: dict, bitonal: bool = False,
    ) -> None:
        """A second engine's digits for every number; disagreements keep both readings. On a
        bitonal page the prose engine also reads each number smoothed (``_smoothed_look``)."""
        other = self.cells.read_cells([singles[k] for k in numeric], digits=True)
        unsure = []
        for k, o in zip(numeric, other, strict=True):
            readings[k] = _settle_stroke(_combine(readings[k], o), singles[k])
            if readings[k].confidence < self.unsure_below:
                unsure.append(k)
        if self.second is not None and self.second not in (self.prose, self.cells) and unsure:
            for k, r in zip(unsure, self.second.read_cells([singles[k] for k in unsure], digits=True), strict=True):
                readings[k] = _vote(readings[k], r)
        if bitonal:
            keys = [k for k in numeric if readings[k].text]
            looks = self.prose.recognize([_smoothed(singles[k]) for k in keys]) if keys else []
            for k, s in zip(keys, looks, strict=True):
                readings[k] = _smoothed_look(readings[k], s)


SMOOTH_SIGMA = 1.0
"""Blur (px at the page's 200 dpi) that gives a bitonal crop back the grey edges print has: a
glyph the threshold broke ("0" in two arcs read as "11") or swelled reads otherwise smoothed,
a whole one reads the same."""
BITONAL_DOUBT = 0.6
"""Highest confidence of a number on a bitonal page whose smoothed crop reads another number (or
none): the threshold left the glyphs ambiguous, and no reading of them is sure."""


REJOINED = 0.7
REJOINED_ALONE = 0.6
REJOINED_DISPUTED = 0.4
"""... read so by the prose engine alone (Tesseract reads nothing in so small a crop), or against
another number read by the digits engine (both kept, for the arithmetic to choose)."""
STROKE_SHARE = 0.12
"""A printed digit's stroke width as a share of the character height (what is given back of a ruling)."""
"""Highest confidence of a number read only once the ruling strokes it touched were given back: two
engines agree on it, but part of its ink is the ruling's, so the arithmetic must confirm it."""


PEN_FREE = 0.75
"""Highest confidence of a value read only once ink shaped like a pen's was taken off its cell
(``PageReader._pen_free``): the ink taken may have been print, so the reading as first made stays
beside it and the arithmetic has the last word."""


@dataclass
class _PrintSizes:
    """What a table's print measures (page pixels): its figures' and its characters' height (None
    where too few were read surely to tell), and each grid row's band of printed figures (top, bottom)."""

    figure: float | None
    character: float | None
    bands: dict[int, tuple[int, int]]


def _is_number(text: str) -> bool:
    return bool(_NUMERICISH.match(text)) and any(ch.isdigit() for ch in text)


def _cells_box(g: Grid, shape: tuple[int, ...]) -> tuple[int, int, int, int]:
    """The part of a page of ``shape`` that holds all of ``g``'s cells (a cell may reach past the grid's box)."""
    h, w = shape[:2]
    x0 = max(0, min(c.box[0] for c in g.cells))
    y0 = max(0, min(c.box[1] for c in g.cells))
    return x0, y0, min(w, max(c.box[2] for c in g.cells)), min(h, max(c.box[3] for c in g.cells))


def _print_sizes(g: Grid, t: int, parts: dict[tuple[int, int], list[Box]], readings: dict,
                 values: set[tuple[int, int]], least: int = 3) -> _PrintSizes:
    """The print of table ``t`` measured on its cells read surely: numbers for its figures (one line),
    lines holding Chinese for its characters."""
    figures: list[Box] = []
    characters: list[int] = []
    rows: dict[int, list[Box]] = {}
    for k, c in enumerate(g.cells):
        key, r = (t, k), readings[(t, k)]
        if key not in parts or r.confidence < SURE_READ:
            continue
        if key in values and len(parts[key]) == 1 and _is_number(r.text):
            figures.append(parts[key][0])
            if c.rowspan == 1:
                rows.setdefault(c.row, []).append(parts[key][0])
        elif key not in values and r.sure_cjk():
            characters.extend(b[3] - b[1] for b in parts[key])
    figure = float(np.median([b[3] - b[1] for b in figures])) if len(figures) >= least else None
    character = float(np.median(characters)) if len(characters) >= least else None
    bands = {row: (int(np.median([b[1] for b in bs])), int(np.median([b[3] for b in bs])))
             for row, bs in rows.items() if len(bs) >= 2}
    return _PrintSizes(figure, character, bands)


def _judged(r: Reading, c: GridCell, judge: PageJudge) -> float:
    """What the caller makes of a cell reading ``r`` (a template's label, a number): the judge's score of
    it alone, read surely, so that what the text is counts and not how sure its engine was."""
    grid = Grid(c.box, 1, 1, [c], [c.box[0], c.box[2]], [c.box[1], c.box[3]])
    sure = Reading(r.text, 1.0, [], r.engine)
    return judge.score(PageResult(0, 0, 0.0, tables=[TableResult(grid, [CellReading(c, sure)])]))


def _pen_choice(first: Reading, others: list[Reading], c: GridCell, judge: PageJudge) -> Reading:
    """A cell's first reading against its readings without the pen's ink (``PageReader._pen_free``).

    Two numbers: the surer (the first on a tie). A number where the first read another glyph ("①",
    "0✓"): the number, unless the judge makes more of the first (a label). No number: the reading the
    judge makes most of (a ringed label read "10" is its label again). Nothing left is never chosen: the
    rim of a ring's arc fused with a figure it does not enclose takes the figure too (gen_000 in8_workcopy
    p1: a 0 under the ring round the 6 above). A value other than the first is a candidate, never sure
    (``PEN_FREE``), the first kept as its alternative (the readings of the other ways of taking the pen
    off are not: each leaves another fragment of it, read as some number)."""
    numbers = [r for r in others if _is_number(r.text)]
    best = max(numbers, key=lambda r: r.confidence) if numbers else None
    if best is not None and _is_number(first.text):
        if best.text == first.text:  # the same number, read better without the pen
            conf = max(first.confidence, min(best.confidence, PEN_FREE))
            return Reading(first.text, conf, first.alternatives, first.engine, first.char_confidences)
        if first.confidence >= best.confidence:
            return first
    elif best is not None:
        if _judged(first, c, judge) > _judged(best, c, judge):
            return first
    else:
        best = max(others, key=lambda r: _judged(r, c, judge))
        if best.text and _judged(best, c, judge) > _judged(first, c, judge):
            return best  # a label's reading: no value to doubt
        return first
    alts = dict(first.alternatives)
    if first.text:
        alts[first.text] = max(alts.get(first.text, 0.0), first.confidence)
    alts.pop(best.text, None)
    return Reading(best.text, min(best.confidence, PEN_FREE), sorted(alts.items(), key=lambda a: -a[1]), best.engine)


def _choose(candidates: list[tuple[str, PageResult]], judge: PageJudge) -> PageResult:
    """The candidate reading the judge scores highest (the first on a tie), with the choice recorded."""
    scored = sorted(((judge.score(r), -i, name, r) for i, (name, r) in enumerate(candidates)), reverse=True)
    (best, _, name, result), (second, _, other, _) = scored[0], scored[1]
    result.choice = Choice(name, best, other, second)
    return result


def _rejoined(part: Box, source: np.ndarray, rulings: np.ndarray, blanked: np.ndarray,
              char_h: float) -> np.ndarray | None:
    """A number's crop with the ruling rows it touches above or below given back, over its own
    columns only: a glyph whose stroke lay on a ruling (a 0 under a doubled line) lost that stroke
    with the ruling and reads as another shape. None where the glyph touches no ruling."""
    x0, y0, x1, y1 = part
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    reach = max(3, round(0.35 * char_h))
    h = rulings.shape[0]

    def run(ys: range) -> int:
        n = 0
        for y in ys:
            if not 0 <= y < h or (rulings[y, x0:x1] > 0).mean() < 0.5:
                break
            n += 1
        return n

    up, down = run(range(y0 - 1, y0 - 1 - reach, -1)), run(range(y1, y1 + reach))
    if not up and not down:
        return None
    # a stroke's width of the ruling next to the glyph, its corners left out: more would be a bar
    # across the glyph ("口"), the ruling's own thickness rather than the glyph's
    width = max(1, round(STROKE_SHARE * char_h))
    top, bottom = y0 - min(up, width), y1 + min(down, width)
    crop = blanked[top:bottom, x0:x1].copy()
    given = rulings[top:bottom, x0:x1] > 0
    given[:, [0, -1]] = False
    crop[given] = source[top:bottom, x0:x1][given]
    return crop


def _own_threshold(single: np.ndarray) -> np.ndarray:
    """A number's crop black on white at its own Otsu threshold (after a light smoothing of the JPEG's blocks)."""
    _, out = cv2.threshold(cv2.GaussianBlur(single, (3, 3), 0), 0, 255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)
    return out


RING_CENTRE = 0.1
"""Farthest a 0's counter's centre lies from its glyph's centre, as a share of the glyph's height: a 6's
or a 9's counter sits in its lower or upper half (~0.15-0.3 off), a 0's in the middle."""
RING_COUNTER = 0.4
"""Least height of a 0's counter as a share of the glyph's: a 4's or a swollen 6's is smaller."""
RING_ASPECT = (1.1, 2.8)
"""A 0's height over its width on the benchmark's faces (a lone round glyph wider than high is no digit)."""


def ring_zero(single: np.ndarray) -> bool:
    """Whether a number's crop is, by its shape alone, a 0: one glyph whose ink, a pixel-wide break
    closed, encloses one counter centred in it and more than a third of its height. What a 0 at
    90-120 dpi resampled by nearest neighbour looks like ("D", "口", "U", "n": a column or row of its
    pixels dropped or doubled) when no engine reads it as a 0; a 6, 8, 9 or 4 has its counters off
    centre, two of them, or small."""
    _, ink = cv2.threshold(single, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    if _ringed(ink):
        return True
    return _ringed(cv2.morphologyEx(ink, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_CROSS, (3, 3))))


def _ringed(ink: np.ndarray) -> bool:
    """Whether the largest glyph of a binary crop (ink 255) is a 0 by its counter (``ring_zero``)."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return False
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    x, y, w, h, area = stats[k].tolist()
    if area < 0.8 * int(stats[1:, cv2.CC_STAT_AREA].sum()) or not RING_ASPECT[0] <= h / max(w, 1) <= RING_ASPECT[1]:
        return False  # more than one glyph, or specks as much as the glyph
    glyph = (labels[y : y + h, x : x + w] == k).astype(np.uint8)
    holes = cv2.connectedComponentsWithStats(1 - glyph, connectivity=8)
    # a counter is a paper region not touching the glyph's box
    inner = [s for s in holes[2][1:].tolist()
             if s[0] > 0 and s[1] > 0 and s[0] + s[2] < w and s[1] + s[3] < h]
    if len(inner) != 1:
        return False
    cx, cy, cw, ch, _ = inner[0]
    counter = labels[y + cy : y + cy + ch, x + cx : x + cx + cw]
    if ((counter != 0) & (counter != k)).any():
        return False  # ink inside the counter: a pen ring round a figure, not a 0 (review10)
    off = abs((cy + ch / 2) - h / 2) / h
    across = abs((cx + cw / 2) - w / 2) / w  # a 4's counter stands left of its stem
    return off <= RING_CENTRE and across <= RING_CENTRE and ch >= RING_COUNTER * h


def _thinned(single: np.ndarray) -> np.ndarray:
    """A number's crop with its strokes thinned by a pixel (the paper grown over the ink's edge): a counter
    the threshold closed opens again, a stroke of print keeps its shape."""
    return cv2.dilate(single, np.ones((2, 2), np.uint8))


def _smoothed(single: np.ndarray) -> np.ndarray:
    """A number's crop as Tesseract gets it (``_pad(share=False)``), smoothed and fitted for the
    prose engine (text at ``CELL_TEXT_SHARE`` of the height, never narrower than high)."""
    out = cv2.GaussianBlur(single, (0, 0), SMOOTH_SIGMA)
    out = _share(out, out.shape[0] - 12, CELL_TEXT_SHARE)
    extra = out.shape[0] - out.shape[1]
    if extra > 0:
        out = cv2.copyMakeBorder(out, 0, 0, extra // 2, extra - extra // 2, cv2.BORDER_CONSTANT, value=255)
    return out


def _smoothed_look(r: Reading, smooth: Reading) -> Reading:
    """A number read on a bitonal page against the same crop read smoothed: the same number
    leaves it as it is; another (or nothing) makes it unsure, the smoothed reading kept as an
    alternative for the arithmetic repair to choose from. Where the smoothed look reads what the
    losing engine read (the engines disagreed), that reading has two looks of three and is taken,
    still unsure: on a swollen bitonal 0 (counter a slit) the digits engine reads a sure 9 or 6 that
    the prose engine and the smoothed crop both read 0 (rebitonal gen_001, docs/diag10_bitonal.md). A lone
    stroke (1 or a printed "/") is left to its slant (``_settle_stroke``): smoothed, a slash reads 1."""
    squeezed = smooth.text.strip().replace(" ", "")
    other = _as_number(smooth, squeezed).text if _NUMERICISH.match(squeezed) else ""
    if other == r.text:
        return r
    alts = dict(r.alternatives)
    doubt = min(r.confidence, BITONAL_DOUBT)
    if other and other in alts and not {other, r.text} & _STROKES:  # a stroke's slant decides it, not votes
        taken = min(max(alts.pop(other), smooth.confidence), BITONAL_DOUBT)
        alts[r.text] = max(alts.get(r.text, 0.0), doubt)
        return Reading(other, taken, sorted(alts.items(), key=lambda a: -a[1]), smooth.engine)
    if other:
        alts[other] = max(alts.get(other, 0.0), min(smooth.confidence, BITONAL_DOUBT))
    return Reading(r.text, doubt, sorted(alts.items(), key=lambda a: -a[1]), r.engine, r.char_confidences)



def _number_read(a: Reading) -> Reading:
    """The prose engine's reading of a crop as a number (spaces squeezed out), or an empty reading
    where its text does not look like one: what every second look at a number starts from."""
    squeezed = a.text.strip().replace(" ", "")
    return _as_number(a, squeezed) if _NUMERICISH.match(squeezed) else Reading("", 0.0, [], a.engine)

def _as_number(r: Reading, squeezed: str) -> Reading:
    """A cell read as a number: look-alikes ("O", "〇", "l") as digits, numeric alternatives kept."""
    text = _trim_number(squeezed.translate(_CONFUSABLE))
    alts: dict[str, float] = {}
    for a, c in r.alternatives:
        a = _trim_number(a.replace(" ", "").translate(_CONFUSABLE))
        if a != text and _NUMERICISH.match(a):
            alts[a] = max(c, alts.get(a, 0.0))
    # a character whose runner-up is its own look-alike ("0" or "O") is not in doubt
    conf = r.confidence if alts or not r.alternatives else max(r.confidence, 1.0 - _runner_up(r))
    return Reading(text, conf, list(alts.items()), r.engine)


_SHORT = 3
"""A reading this short where a number is expected may be a number the prose engine misread."""
_EDGE_SPECKS = "·.,:;'`‘’\"“”、。，"


def _trim_number(text: str) -> str:
    """A number never starts or ends with a dot or a comma: those are specks beside the digits
    ("·0", "0."). A sign, a slash (a printed blank) and the digits stay."""
    trimmed = text.strip(_EDGE_SPECKS)
    return trimmed if any(ch.isdigit() for ch in trimmed) else text


def _runner_up(r: Reading) -> float:
    return max((c for _, c in r.alternatives), default=0.0)


def _line_confidence(r: Reading) -> float:
    """A line's confidence: its least sure character, but one odd character in a long line does not sink it."""
    return r.confidence if not r.alternatives else max(r.confidence, 1.0 - max(c for _, c in r.alternatives))


def _combine(first: Reading, other: Reading) -> Reading:
    """Two engines' readings of one number: agreement is near-certain; a disagreement keeps both.

    The reading kept is the more confident one; the other and the first engine's
    character alternatives stay as alternatives with their own confidences.
    """
    alts = dict(first.alternatives)
    if other.text and not _NUMERICISH.match(first.text):
        # the first reading is not a number at all ("()" for a blurred "0"): the digits reading stands
        return Reading(other.text, other.confidence * 0.8, [], other.engine)
    if first.text in SLASHES and other.text == "1":
        # a printed "/" (a blank) is a thin stroke the digits-only engine can only call 1
        alts[other.text] = max(alts.get(other.text, 0.0), 0.5 * other.confidence)
        return Reading(first.text, first.confidence * (1.0 - 0.3 * other.confidence),
                       sorted(alts.items(), key=lambda a: -a[1]), first.engine)
    if first.text == other.text:
        if not first.text:
            return first
        conf = 1.0 - (1.0 - first.confidence) * (1.0 - other.confidence)
        return Reading(first.text, conf, sorted(alts.items(), key=lambda a: -a[1]), first.engine)
    if not other.text:
        return first
    if not first.text:
        return Reading(other.text, other.confidence * 0.9, [], other.engine)
    a, b = (first, other) if first.confidence >= other.confidence else (other, first)
    alts[b.text] = max(alts.get(b.text, 0.0), b.confidence)
    alts.pop(a.text, None)
    conf = a.confidence * (1.0 - 0.5 * b.confidence)
    return Reading(a.text, conf, sorted(alts.items(), key=lambda x: -x[1]), a.engine)


_STROKES = SLASHES | {"1", "l", "I", "L", "|"}
"""What one straight stroke reads as: a 1 or a slash (a printed blank), told apart by its slant."""


def stroke_slant(crop: np.ndarray) -> float | None:
    """Degrees from vertical (positive leaning right) of the crop's main ink, if it is one long
    thin stroke; None for anything rounder (a 1 with a large foot, a 7, any other digit)."""
    if crop.size < 16:
        return None
    _, ink = cv2.threshold(crop, 0, 255, cv2.THRESH_BINARY_INV + cv2.THRESH_OTSU)
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 2:
        return None
    k = 1 + int(np.argmax(stats[1:, cv2.CC_STAT_AREA]))
    ys, xs = np.nonzero(labels == k)
    if len(xs) < 12:
        return None
    values, vectors = np.linalg.eigh(np.cov(np.vstack([xs, ys]).astype(np.float64)))
    if values[1] < 16.0 * max(values[0], 1e-6):  # long axis under 4x the short one: not a lone stroke
        return None
    vx, vy = vectors[:, 1]
    return float((np.degrees(np.arctan2(-vx, vy)) + 90.0) % 180.0 - 90.0)


def _settle_stroke(r: Reading, crop: np.ndarray) -> Reading:
    """A lone stroke read as 1, l, L or / is a slash when it leans like one and a 1 when it stands
    upright: neither engine tells them apart reliably on a blurred scan (each called a printed
    "/" a confident 1 in turn), the slant does. The other reading stays as an alternative."""
    if r.text not in _STROKES:
        return r
    slant = stroke_slant(crop)
    if slant is None or 6.0 < abs(slant) < 12.0:
        return r
    text = "/" if slant >= 12.0 else "1" if abs(slant) <= 6.0 else r.text
    if text == r.text:
        return r
    alts = {a: c for a, c in r.alternatives if a != text}
    if r.text in ("1", "/"):
        alts[r.text] = min(r.confidence, 0.3)
    return Reading(text, max(r.confidence, 0.8), sorted(alts.items(), key=lambda a: -a[1]), r.engine,
                   r.char_confidences)


def _vote(cur: Reading, extra: Reading) -> Reading:
    """Majority of the readings of one cell; the current reading wins a tie. Losers stay as alternatives."""
    candidates = [(cur.text, cur.confidence, cur.engine), *((a, c, "") for a, c in cur.alternatives)]
    if extra.text:
        candidates.append((extra.text, extra.confidence, extra.engine))
    votes: dict[str, list[float]] = {}
    for text, conf, _ in candidates:
        if text:
            votes.setdefault(text, []).append(conf)
    if not votes:
        return cur
    best = max(votes, key=lambda t: (len(votes[t]), t == cur.text, max(votes[t])))
    agree = len(votes[best]) / max(len(candidates), 1)
    engine = next((e for t, _, e in candidates if t == best and e), cur.engine)
    alternatives = [(t, max(c)) for t, c in votes.items() if t != best]
    return Reading(best, min(1.0, max(votes[best]) * agree), alternatives, engine)


# -- geometry helpers ---------------------------------------------------------


LIFT_GROW = 7
"""Pixels (at 200 dpi) a lifted seal stroke is grown by in the mask of what is not seen: print it
crossed, lifted with it, was about a stroke's width beside it."""
UNDER_SEAL_BLANK = 0.4
"""Confidence of a cell read blank under a lifted grey seal: on hard scans some such cells held
a 0 printed as light as the seal, lifted with it."""


SEAL_DOUBT = 0.7
"""Highest confidence of a number read under a grey seal whose ink could not be told from the
print by its grey (thin toner, a light face): the seal's characters stayed on the page as grey
as the digits, and a stroke of one beside or across a digit reads as a digit (a "0" as "10")."""
FAINT_STEP = 14
"""Grey steps below a cell's paper (after a light blur against the noise) from which a stroke is
faint ink: a thin toner's digits the page's binarisation lost."""
FAINT_STEP_LOW = 9
"""The same for a second look at a cell read blank in a table whose print is faint (``faint_print``):
a light face's thin 0 on a thin-toner copy stands 20-28 steps under the paper at its darkest and
breaks into specks at ``FAINT_STEP`` (huaian_2024 toner, seed 1: 38 cells read blank with such ink)."""
FAINT_PRINT = 150
"""Grey (paper 255 once the light is flattened) that the darkest pixel of a table's printed text
typically stays lighter than on a faint copy (thin toner: ~170-180; a good copy's print ~50-120):
there a cell with no ink found may hold print as light as the paper's noise."""
FAINT_BLANK = 0.5
"""Confidence of a cell with no ink found in a table whose print is faint (``faint_print``)."""


def _darkest(crop: np.ndarray) -> int:
    """The darkest grey of a line of print, a little blurred: a speck of noise is not its ink."""
    return int(cv2.GaussianBlur(crop, (3, 3), 0).min())


def faint_print(cores: Sequence[int]) -> bool:
    """Whether a table's print is faint: the median over its cells' lines of their darkest grey."""
    return len(cores) >= 5 and float(np.median(cores)) > FAINT_PRINT


FAINT_UNREAD = 0.3
"""Confidence of a cell that holds faint ink reading as no number: unread, not a sure blank."""


def _doubt_under_seals(readings: dict, boxes: dict, seals: Sequence[Seal]) -> None:
    """Numbers read under a seal that was not told from the print by its grey: not sure."""
    doubtful = [s for s in seals if s.told_by_grey is False]
    if not doubtful:
        return
    for key, box in boxes.items():
        r = readings[key]
        if r.text and r.confidence > SEAL_DOUBT and any(s.meets(box) for s in doubtful):
            readings[key] = Reading(r.text, SEAL_DOUBT, r.alternatives, r.engine, r.char_confidences)


def _faint_parts(c: GridCell, gray: np.ndarray, char_h: float, step: int = FAINT_STEP) -> list[Box]:
    """The text lines of a cell from ink fainter than the page's binarisation keeps (a thin
    toner's strokes): whatever is clearly darker than the cell's own paper, as ``_cell_lines``
    finds lines (specks and ruling slivers are still not text)."""
    x0, y0, x1, y1 = c.box
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 10 or y1 - y0 < 10:
        return []
    blur = cv2.GaussianBlur(gray[y0:y1, x0:x1], (0, 0), 1.0)
    paper = float(np.percentile(blur, 75))
    mask = (blur < paper - step).astype(np.uint8) * 255
    if step < FAINT_STEP:  # so near the noise a thin stroke comes in pieces: joined across a pixel's gap
        mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((3, 3), np.uint8))
    found = _cell_lines(GridCell(0, 0, 1, 1, (0, 0, x1 - x0, y1 - y0)), mask, char_h)
    return [(a + x0, b + y0, cc + x0, d + y0) for a, b, cc, d in found]


LOOK_DISPUTED = 0.6
"""Highest confidence of a number whose second look (``PageReader._look_again``) and first look
read different numbers: the ink leaves both possible, and the report's arithmetic chooses."""
LOOK_ALONE = 0.7
"""Highest confidence of a number only the second look read (the first read nothing, or no
number): two engines agree on it at best, on strokes the first crop lost or buried."""
LOOK_MIN = 0.5
"""Confidence from which the second look's number is preferred to the first's, however sure that
was: its crop is cut to what a reader looks at — every faint stroke the binarisation lost (a 4's
hairline diagonal, a whole faint digit: "14" for 44, "10" for 102, "1" for 17 on thin toner), or
only the print darker than a grey seal (its characters read as digits: "1417" for 447)."""


def _grey_crop(c: GridCell, gray: np.ndarray, char_h: float, step: int = FAINT_STEP) -> np.ndarray | None:
    """A cell's faint print cut from the grey page around its ink at a faint threshold (``step`` grey
    steps under its paper; a stroke's width of margin), denoised and stretched; None where no faint
    ink is found."""
    parts = _faint_parts(c, gray, char_h, step)
    if not parts:
        return None
    m = max(1, round(STROKE_SHARE * char_h))
    h, w = gray.shape[:2]
    x0, y0 = max(0, min(p[0] for p in parts) - m), max(0, min(p[1] for p in parts) - m)
    x1, y1 = min(w, max(p[2] for p in parts) + m), min(h, max(p[3] for p in parts) + m)
    cx0, cy0, cx1, cy1 = c.box
    x0, y0, x1, y1 = max(x0, cx0 + 1), max(y0, cy0 + 1), min(x1, cx1 - 1), min(y1, cy1 - 1)
    if x1 - x0 < 3 or y1 - y0 < 3:
        return None
    return _stretched(gray[y0:y1, x0:x1])


SEAL_PRINT = 0.8
"""Share of a grey seal's ring grey under which ink is print: the seal's own strokes (its characters,
thinner than the ring) are no darker than most of the ring, where they do not cross print."""


SEAL_PRINT_CORE = 0.5
"""A cell's darkest grey must be under this share of the seal's ring grey for its print to be told
from the seal's characters by grey (a stamp over print is at most ~0.6 of the ring's grey there)."""


def _dark_crop(c: GridCell, gray: np.ndarray, level: float, char_h: float) -> np.ndarray | None:
    """A cell under a grey seal with only its print: the ink darker than most of the seal's ring
    (``SEAL_PRINT``), cut to its lines, everything lighter (the seal's characters and star, still on
    the page where grey could not tell them from the print page-wide) made paper. None where no ink
    that dark is found."""
    x0, y0, x1, y1 = c.box
    h, w = gray.shape[:2]
    x0, y0, x1, y1 = max(0, x0), max(0, y0), min(w, x1), min(h, y1)
    if x1 - x0 < 10 or y1 - y0 < 10:
        return None
    roi = gray[y0:y1, x0:x1]
    blur = cv2.GaussianBlur(roi, (3, 3), 0)
    if float(blur.min()) >= SEAL_PRINT_CORE * level:
        return None  # print no darker than the seal's characters (thin toner, a light face): grey cannot part them
    dark = (blur < SEAL_PRINT * level).astype(np.uint8) * 255
    parts = _cell_lines(GridCell(0, 0, 1, 1, (0, 0, x1 - x0, y1 - y0)), dark, char_h)
    if len(parts) != 1:
        return None
    a, b, cc, d = parts[0]
    m = max(1, round(STROKE_SHARE * char_h))
    a, b, cc, d = max(0, a - m), max(0, b - m), min(x1 - x0, cc + m), min(y1 - y0, d + m)
    # the print's lighter strokes (a serif 0's hairline arcs) join its dark ones: ink within a
    # stroke or two of them stays, the seal's characters further off go
    k = 2 * m + 1
    near = cv2.dilate(dark[b:d, a:cc], cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0
    paper = float(np.percentile(blur, 75))
    keep = near & (blur[b:d, a:cc] < 0.5 * (level + paper))
    return np.where(keep, roi[b:d, a:cc], 255).astype(np.uint8)


def _stretched(crop: np.ndarray) -> np.ndarray:
    """Local contrast stretch of a faint crop: a light blur against the paper's noise, then its paper
    (75th percentile) to white and its darkest stroke to black, so ink 15-20 steps under the paper
    reads like print."""
    blur = cv2.GaussianBlur(crop, (0, 0), 0.7)
    paper = float(np.percentile(blur, 75))
    ink = float(blur.min())
    if paper - ink < 8:
        return crop
    lut = np.clip((np.arange(256, dtype=np.float32) - ink) * (255.0 / (paper - ink)), 0, 255).astype(np.uint8)
    return cv2.LUT(blur, lut)


def _look_candidate(first: Reading, look: Reading) -> Reading:
    """A number's first reading and its second look's: the same number stands; another number is a
    candidate, kept beside the first (the second look's preferred when it is fairly sure), neither
    sure (``LOOK_DISPUTED``); a number where the first read none stands at ``LOOK_ALONE`` at most."""
    if not look.text or not any(ch.isdigit() for ch in look.text) or look.text == first.text:
        return first
    if not first.text or not _NUMERICISH.match(first.text):
        alts = [(a, c) for a, c in look.alternatives if a != look.text]
        return Reading(look.text, min(look.confidence, LOOK_ALONE), alts, look.engine)
    a, b = (look, first) if look.confidence >= LOOK_MIN else (first, look)
    alts = {t: c for t, c in [*first.alternatives, *look.alternatives] if t != a.text}
    alts[b.text] = max(alts.get(b.text, 0.0), min(b.confidence, LOOK_DISPUTED))
    return Reading(a.text, min(a.confidence, LOOK_DISPUTED), sorted(alts.items(), key=lambda x: -x[1]), a.engine)


def _beyond_picture(up: Upright, source_shape: tuple[int, int], f: int = 8) -> np.ndarray:
    """255 where the upright page's pixels come from beyond the source picture (a sheet shifted or
    turned past the scanner's frame: the corners the turn fills in), on a 1/``f`` copy scaled back."""
    h, w = up.image.shape[:2]
    sh, sw = source_shape
    scale = np.diag([f, f, 1.0])
    m = up.to_source @ scale  # small upright pixels -> source pixels
    small = np.full((-(-sh // f), -(-sw // f)), 255, np.uint8)
    to_small = np.diag([1 / f, 1 / f, 1.0]) @ m
    seen = cv2.warpPerspective(small, to_small, (-(-w // f), -(-h // f)),
                               flags=cv2.INTER_NEAREST | cv2.WARP_INVERSE_MAP, borderValue=0)
    big = cv2.resize(seen, (w, h), interpolation=cv2.INTER_NEAREST)
    return np.where(big > 0, 0, 255).astype(np.uint8)


def _flip_box(b: Box, w: int, h: int) -> Box:
    return (w - b[2], h - b[3], w - b[0], h - b[1])


def _grid_rulings(ink: np.ndarray, grids: list[Grid], char_h: float | None = None, reach: int = 6) -> np.ndarray:
    """The ruling pixels of the tables: line-shaped ink near the grid's own line positions.

    Morphology alone also takes the long strokes of big bold characters (the vertical
    of 十 in a header is a "line" 30 px tall); keeping only what lies on a grid line
    leaves the characters whole.
    """
    out = np.zeros_like(ink)
    if not grids:
        return out
    horiz, vert = line_masks(ink, char_h)
    for g in grids:
        for c in g.cells:  # a cell's own borders: no line runs through a merged cell
            x0, y0, x1, y1 = c.box
            for y in (y0, y1):
                a, b = max(0, y - reach), y + reach + 1
                out[a:b, x0 : x1 + 1] |= horiz[a:b, x0 : x1 + 1]
            for x in (x0, x1):
                a, b = max(0, x - reach), x + reach + 1
                out[y0 : y1 + 1, a:b] |= vert[y0 : y1 + 1, a:b]
    return out


def ruling_stubs(stats: np.ndarray, grid: Grid, char_h: float, near: int = 4) -> np.ndarray:
    """Which ink components (x, y, w, h, area rows, page pixels) are pieces of the grid's column lines.

    A ruling broken by gaps, or running on through a cell merged over it, leaves thin strokes the
    ruling mask did not take; in a cell's crop such a stroke beside a digit reads as a "1"
    (``0｜0`` read as 10, sure). A stroke is a ruling's when it is a thin line (no wider across than
    a ruling, at least half a character long) lying on one of the grid's line positions: a printed
    "1" stands inside its cell, clear of the lines, and a character's stroke over a line is joined
    to the rest of the character (a wider component). Flat pieces on row lines are left alone: the
    strokes of 一, 二 and 三 in a label merged over rows are flat lines of their own.
    """
    if stats.size == 0:
        return np.zeros(0, bool)
    x, w, h = (stats[:, i].astype(np.float64) for i in (0, 2, 3))
    xs = np.asarray(grid.xs, np.float64)
    if xs.size == 0:
        return np.zeros(len(x), bool)
    on_line = np.abs((x + w / 2)[:, None] - xs[None, :]).min(axis=1) <= near
    return (w <= max(4.0, 0.15 * char_h)) & (h >= 0.5 * char_h) & on_line
def _lines_of_cells(
    grids: list[Grid], boxes: list[list[Box]], parts: dict[tuple[int, int], Box]
) -> dict[Box, tuple[int, int]]:
    """Detected lines that are one cell's only line of ink: (table, cell) by line box.

    The line must lie within its cell (a line running over a ruling into the next cell is more
    than the cell's text) and hold the cell's ink; a cell with two detected lines shares neither.
    """
    found: dict[tuple[int, int], list[Box]] = {}
    for t, g in enumerate(grids):
        for b in boxes[t]:
            cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
            for k, c in enumerate(g.cells):
                x0, y0, x1, y1 = c.box
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    found.setdefault((t, k), []).append(b)
                    break
    out: dict[Box, tuple[int, int]] = {}
    for (t, k), lines in found.items():
        part = parts.get((t, k))
        if part is None or len(lines) != 1:
            continue
        b = lines[0]
        x0, y0, x1, y1 = grids[t].cells[k].box
        slack = max(4, (b[3] - b[1]) // 2)  # a detector box stands a little beyond its ink
        inside = b[0] >= x0 - slack and b[2] <= x1 + slack and b[1] >= y0 - slack and b[3] <= y1 + slack
        px, py = (part[0] + part[2]) / 2, (part[1] + part[3]) / 2
        if inside and b[0] <= px <= b[2] and b[1] <= py <= b[3]:
            out[b] = (t, k)
    return out


def _char_height(boxes: list[Box]) -> float | None:
    """Typical character height from detected line boxes (they stand ~1.6x taller than the characters)."""
    heights = sorted(b[3] - b[1] for b in boxes if b[2] - b[0] > b[3] - b[1])
    return 0.6 * float(heights[len(heights) // 2]) if heights else None


def _grid_of(b: Box, grids: list[Grid]) -> int | None:
    cx, cy = (b[0] + b[2]) / 2, (b[1] + b[3]) / 2
    for k, g in enumerate(grids):
        x0, y0, x1, y1 = g.box
        if x0 <= cx <= x1 and y0 <= cy <= y1:
            return k
    return None


def _sample(boxes: list[Box], grids: list[Grid], n: int = 5) -> list[Box]:
    """Up to ``n`` boxes shaped like horizontal lines, prose first (its reading is kept)."""
    lines = [b for b in boxes if (b[2] - b[0]) >= 3 * (b[3] - b[1]) and (b[3] - b[1]) >= 12]
    lines.sort(key=lambda b: (_grid_of(b, grids) is not None, -(b[2] - b[0])))
    if len(lines) >= n:
        return lines[:n]
    # a page that is all table: its labels are short lines of two or three characters
    short = [b for b in boxes if 1.8 * (b[3] - b[1]) <= (b[2] - b[0]) < 3 * (b[3] - b[1]) and (b[3] - b[1]) >= 12]
    return lines + sorted(short, key=lambda b: -(b[2] - b[0]))[: 2 * n - len(lines)]


TEXT_SHARE = 0.4
"""Share of a prose crop's height the text takes. The recogniser scales every crop to 48 px
high and costs ~proportional to the scaled width: with the text at 0.4 of the height instead
of ~0.55 (a detector box), a page reads in ~2/3 of the time with the same result. Measured:
at 0.3 the time halves and most fonts still read, but a small "、" (LibreOffice's CJK fonts)
is dropped; below 0.25 characters go wrong."""
CELL_TEXT_SHARE = 0.45
"""The same for table cells, more cautiously: a lone digit has no neighbours to help."""


def _line_crop(gray: np.ndarray, b: Box) -> np.ndarray:
    """The line with a margin, its contrast normalised, padded to ``TEXT_SHARE``."""
    x0, y0, x1, y1 = b
    h, w = gray.shape[:2]
    m = max(2, (y1 - y0) // 8)
    crop = normalise_crop(gray[max(0, y0 - m) : min(h, y1 + m), max(0, x0 - m) : min(w, x1 + m)])
    return _share(crop, 0.6 * (y1 - y0), TEXT_SHARE)  # a detector box is ~1.6x the text height


def _pad(crop: np.ndarray, share: bool = True, m: int = 6) -> np.ndarray:
    """A tight crop of a cell's line with a margin, its contrast normalised, padded to
    ``CELL_TEXT_SHARE`` (not for Tesseract, which wants its text large)."""
    if crop.size == 0:
        return np.full((16, 16), 255, np.uint8)
    out = cv2.copyMakeBorder(normalise_crop(crop), m, m, m, m, cv2.BORDER_CONSTANT, value=255)
    if not share:
        return out
    out = _share(out, crop.shape[0], CELL_TEXT_SHARE)
    extra = out.shape[0] - out.shape[1]
    if extra > 0:  # the recogniser drops a lone digit in a crop narrower than it is high ("0" read as nothing)
        out = cv2.copyMakeBorder(out, 0, 0, extra // 2, extra - extra // 2, cv2.BORDER_CONSTANT, value=255)
    return out


def _share(crop: np.ndarray, text_h: float, share: float) -> np.ndarray:
    """White above and below so the text is ``share`` of the height."""
    want = int(text_h / share)
    extra = want - crop.shape[0]
    if extra <= 1:
        return crop
    top = extra // 2
    return cv2.copyMakeBorder(crop, top, extra - top, 0, 0, cv2.BORDER_CONSTANT, value=255)


def _chunks(crops: list[np.ndarray], max_ratio: float = 25.0) -> list[list[np.ndarray]]:
    """The crops of a cell in groups whose strip stays under ``max_ratio`` heights wide: a strip
    the size of a page (a grid that took the sheet's edge for a ruling) would cost gigabytes."""
    out: list[list[np.ndarray]] = []
    width = 0.0
    for c in crops:
        ratio = c.shape[1] / max(c.shape[0], 1)
        if out and width + ratio <= max_ratio:
            out[-1].append(c)
            width += ratio
        else:
            out.append([c])
            width = ratio
    return out


def _stitch(crops: list[np.ndarray]) -> np.ndarray:
    """Crops side by side on one line, vertically centred, with a small gap."""
    if len(crops) == 1:
        return crops[0]
    h = max(c.shape[0] for c in crops)
    gap = max(4, h // 4)
    out = np.full((h, sum(c.shape[1] for c in crops) + gap * (len(crops) - 1)), 255, np.uint8)
    x = 0
    for c in crops:
        y = (h - c.shape[0]) // 2
        out[y : y + c.shape[0], x : x + c.shape[1]] = c
        x += c.shape[1] + gap
    return out


def _content(ink: np.ndarray, stats: np.ndarray | None = None, origin: tuple[int, int] = (0, 0)) -> list[Box]:
    """Boxes of the ink components that are text: specks and ruling remnants at the border dropped.

    ``stats`` are components found once for a whole table (x, y, w, h, area, page pixels):
    those centred in this crop (at ``origin``, the size of ``ink``) are clipped to it.
    """
    h, w = ink.shape
    ox, oy = origin
    if stats is None:
        stats = cv2.connectedComponentsWithStats(ink, connectivity=8)[2][1:]
        ox = oy = 0
    else:
        cx = stats[:, 0] + stats[:, 2] / 2 - ox
        cy = stats[:, 1] + stats[:, 3] / 2 - oy
        stats = stats[(cx >= 0) & (cx < w) & (cy >= 0) & (cy < h)]
    out = []
    for sx, sy, bw, bh, area in stats.tolist():
        if area < 5:
            continue
        x0, y0 = max(0, sx - ox), max(0, sy - oy)
        x1, y1 = min(w, sx - ox + bw), min(h, sy - oy + bh)
        bw, bh = x1 - x0, y1 - y0
        if bw <= 0 or bh <= 0:
            continue
        left_right = x0 == 0 or x1 >= w
        top_bottom = y0 == 0 or y1 >= h
        if (left_right and (bw <= 4 or bh >= 0.9 * h)) or (top_bottom and (bh <= 4 or bw >= 0.9 * w)):
            continue  # a sliver of the ruling it lies along (a stroke of 信 may touch the top of a tight cell)
        out.append((x0, y0, x1, y1))
    return out


def _rows(boxes: list[Box], char_h: float) -> list[Box]:
    """Component boxes grouped into text lines (vertical overlap), each line's union box.

    Flat fragments (the strokes of 三, a dash) are joined to the line above or below
    when together they are no taller than a character.
    """
    lines: list[list[int]] = []
    for x0, y0, x1, y1 in sorted(boxes, key=lambda b: (b[1] + b[3]) / 2):
        cy = (y0 + y1) / 2
        for ln in lines:
            if ln[1] - 2 <= cy <= ln[3] + 2 or (y0 <= (ln[1] + ln[3]) / 2 <= y1):
                ln[0], ln[1], ln[2], ln[3] = min(ln[0], x0), min(ln[1], y0), max(ln[2], x1), max(ln[3], y1)
                break
        else:
            lines.append([x0, y0, x1, y1])
    lines.sort(key=lambda ln: ln[1])
    merged = True
    while merged and len(lines) > 1:
        merged = False
        for i in range(len(lines) - 1):
            a, b = lines[i], lines[i + 1]
            flat = min(a[3] - a[1], b[3] - b[1]) < 0.5 * char_h
            if flat and b[1] - a[3] < 0.5 * char_h and max(a[3], b[3]) - min(a[1], b[1]) <= 1.25 * char_h:
                lines[i] = [min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3])]
                del lines[i + 1]
                merged = True
                break
    return [(a, b, c, d) for a, b, c, d in lines]


def _reading_order(parts: list[Box]) -> list[Box]:
    """Top to bottom by line, left to right within a line."""
    rows: list[list[Box]] = []
    for p in sorted(parts, key=lambda p: p[1]):
        for r in rows:
            top, bottom = min(q[1] for q in r), max(q[3] for q in r)
            if min(bottom, p[3]) - max(top, p[1]) > 0.5 * min(bottom - top, p[3] - p[1]):
                r.append(p)
                break
        else:
            rows.append([p])
    return [p for r in rows for p in sorted(r, key=lambda q: q[0])]


def _cell_lines(c: GridCell, ink: np.ndarray, char_h: float, stats: np.ndarray | None = None) -> list[Box]:
    """The text lines of one cell in reading order, in page pixels, from the cell's own ink.

    Detected line boxes are not used inside tables: in a narrow header cell of two
    characters a line, detection returns columns as often as lines. Specks smaller
    than a third of a character are not text.
    """
    x0, y0, x1, y1 = c.box
    inset = 3
    cx0, cy0, cx1, cy1 = x0 + inset, y0 + inset, x1 - inset, y1 - inset
    if cx1 - cx0 < 4 or cy1 - cy0 < 4:
        return []
    found = _content(ink[cy0:cy1, cx0:cx1], stats, (cx0, cy0))
    comps = [(a + cx0, b + cy0, cc + cx0, d + cy0) for a, b, cc, d in found]
    core = [k for k in comps if max(k[2] - k[0], k[3] - k[1]) >= 0.3 * char_h]
    if not core:
        return []
    # a "line" smaller than half a character is a speck of dust, not text
    bands = [b for b in _rows(core, char_h) if max(b[2] - b[0], b[3] - b[1]) >= 0.5 * char_h]
    if not bands:
        return []
    rows = [list(r) for r in bands]
    for k in comps:
        # pieces of characters (the 丿 of 信, a "2" broken by a faint copy) join the line beside them;
        # specks join only between its characters (a decimal point), never at its ends
        size = max(k[2] - k[0], k[3] - k[1])
        if size >= 0.3 * char_h:
            continue
        piece = size >= 0.2 * char_h and (k[2] - k[0]) * (k[3] - k[1]) >= 0.02 * char_h * char_h
        reach = 0.5 * char_h if piece else 0.0
        cx, cy = (k[0] + k[2]) / 2, (k[1] + k[3]) / 2
        for band, r in zip(bands, rows, strict=True):  # the lines' own bands: no chaining through specks
            if band[1] - 0.15 * char_h <= cy <= band[3] + 0.15 * char_h and band[0] - reach <= cx <= band[2] + reach:
                r[0], r[1], r[2], r[3] = min(r[0], k[0]), min(r[1], k[1]), max(r[2], k[2]), max(r[3], k[3])
                break
    return _reading_order([(a, b, c, d) for a, b, c, d in rows])
