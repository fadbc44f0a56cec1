"""One page image in, text lines and ruled tables with read cells out.

Prose is read line by line with the prose engine on the page with its tables
blanked; table cells are read from tight crops with the rulings erased. Cells
that look numeric get a digits-only pass and, where the engines disagree or are
unsure, a second engine's reading: the alternatives let the caller use the
table's own arithmetic to choose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import cv2
import numpy as np

from .engines import Engine
from .grid import find_grids, line_masks
from .preprocess import ink_ratio, prepare
from .types import Grid, GridCell, Line, Reading

_NUMERICISH = re.compile(r"^[\dOoIlSB|.,，\-—/]{1,12}$")
_CONFUSABLE = str.maketrans({"O": "0", "o": "0", "I": "1", "l": "1", "|": "1", "S": "5", "B": "8", "，": ","})


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
    width: int
    height: int
    angle: float
    lines: list[Line] = field(default_factory=list)
    tables: list[TableResult] = field(default_factory=list)


@dataclass
class PageReader:
    """Reads a page: one pass of the prose engine over the whole page, digits from cell crops.

    The prose engine's lines inside a table cell become the cell's text (labels read
    as well as prose); numeric cells are read again from their own crop by the cell
    engine, because page-level OCR drops lone "0"s; where the two disagree, both
    readings are kept, the crop's first.
    """

    prose: Engine
    cells: Engine
    second: Engine | None = None
    """Asked for numeric cells that neither reading settles (empty or unsure)."""
    unsure_below: float = 0.80

    def read(self, image: np.ndarray) -> PageResult:
        gray, ink, angle = prepare(image)
        h, w = gray.shape
        result = PageResult(w, h, angle)
        grids = find_grids(ink)
        horiz, vert = line_masks(ink)
        rulings = cv2.bitwise_or(horiz, vert)
        clean = gray.copy()
        clean[rulings > 0] = 255  # rulings erased: a border is never read as a "1"
        lines = self.prose.read_lines(clean) if ink_ratio(ink) > 0.0005 else []
        used: set[int] = set()
        for g in grids:
            result.tables.append(TableResult(g, self._read_grid(g, clean, ink & ~rulings, lines, used)))
        result.lines = [ln for i, ln in enumerate(lines) if i not in used]
        return result

    def _read_grid(
        self, g: Grid, clean: np.ndarray, ink: np.ndarray, lines: list[Line], used: set[int]
    ) -> list[CellReading]:
        texts: list[list[tuple[int, int, Line]]] = [[] for _ in g.cells]
        for i, ln in enumerate(lines):
            cx, cy = (ln.box[0] + ln.box[2]) / 2, (ln.box[1] + ln.box[3]) / 2
            for k, c in enumerate(g.cells):
                x0, y0, x1, y1 = c.box
                if x0 <= cx <= x1 and y0 <= cy <= y1:
                    texts[k].append((ln.box[1], ln.box[0], ln))
                    used.add(i)
                    break
        readings: list[Reading] = []
        crops: list[np.ndarray] = []
        numeric: list[int] = []
        for k, c in enumerate(g.cells):
            x0, y0, x1, y1 = c.box
            pad = 3
            crop = clean[y0 + pad : y1 - pad, x0 + pad : x1 - pad]
            ink_crop = ink[y0 + pad : y1 - pad, x0 + pad : x1 - pad]
            crops.append(_tight(crop, ink_crop))
            parts = [ln for _, _, ln in sorted(texts[k], key=lambda t: (t[0], t[1]))]
            text = "".join(ln.text for ln in parts)
            conf = min((ln.confidence for ln in parts), default=0.0)
            has_ink = crop.size > 0 and ink_ratio(ink_crop) > 0.002
            if not has_ink:
                readings.append(Reading("", 1.0, [], "blank"))
                continue
            readings.append(Reading(text, conf, [], self.prose.name))
            if not text or _NUMERICISH.match(text.replace(" ", "")):
                numeric.append(k)
        if numeric:
            digits = self.cells.read_cells([crops[k] for k in numeric], digits=True)
            unsure: list[int] = []
            for k, d in zip(numeric, digits, strict=True):
                page_text = readings[k].text.replace(" ", "").translate(_CONFUSABLE)
                if d.text and page_text == d.text:
                    readings[k] = Reading(d.text, max(d.confidence, readings[k].confidence), [], d.engine)
                    continue
                alts = [(page_text, readings[k].confidence)] if page_text else []
                if d.text:
                    readings[k] = Reading(d.text, d.confidence, alts, d.engine)
                else:
                    readings[k] = Reading(page_text, readings[k].confidence, [], self.prose.name)
                if alts or not readings[k].text or readings[k].confidence < self.unsure_below:
                    unsure.append(k)
            if self.second is not None and unsure:
                for k, r in zip(unsure, self.second.read_cells([crops[k] for k in unsure], digits=True), strict=True):
                    readings[k] = _vote(readings[k], r)
        return [CellReading(c, r) for c, r in zip(g.cells, readings, strict=True)]


def _vote(cur: Reading, extra: Reading) -> Reading:
    """Majority of the readings of one cell; the crop reading wins a tie. Losers stay as alternatives."""
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


def _tight(crop: np.ndarray, ink: np.ndarray) -> np.ndarray:
    """Crop to the ink with a white margin: engines read small, centred text best."""
    if crop.size == 0:
        return np.full((8, 8), 255, np.uint8)
    ys, xs = np.nonzero(ink)
    if ys.size == 0:
        return crop
    m = 6
    y0, y1 = max(0, ys.min() - m), min(crop.shape[0], ys.max() + m + 1)
    x0, x1 = max(0, xs.min() - m), min(crop.shape[1], xs.max() + m + 1)
    return cv2.copyMakeBorder(crop[y0:y1, x0:x1], 8, 8, 8, 8, cv2.BORDER_CONSTANT, value=255)
