"""What the OCR library returns: words, lines and table cells with boxes and confidences.

Boxes are in pixels of the image given to the library (x0, top, x1, bottom).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Box = tuple[int, int, int, int]

RapidModelSet = Literal["int8-det", "int8", "float"]
"""Which weights RapidOCR runs: "int8-det", its detector quantised (models/ocr) and its own recogniser;
"int8", both quantised; "float", its own."""

ArenaUse = Literal["none", "det", "both"]
"""The networks that keep onnxruntime's memory arena between runs (``RapidEngine.arena``)."""


@dataclass
class Word:
    text: str
    box: Box
    confidence: float
    """0..1 as reported by the engine."""


@dataclass
class Line:
    text: str
    box: Box
    confidence: float
    words: list[Word] = field(default_factory=list)


@dataclass
class Reading:
    """One region's text with the engine's alternatives, best first."""

    text: str
    confidence: float
    alternatives: list[tuple[str, float]] = field(default_factory=list)
    engine: str = ""
    char_confidences: list[float] = field(default_factory=list)
    """Per character of ``text``, when the engine gives them (RapidOCR)."""

    def sure_cjk(self, threshold: float = 0.8) -> int:
        """Chinese characters read with at least ``threshold``: what upright text has and rotated text lacks.

        An engine without per-character confidences lends each character the line's."""
        confs = self.char_confidences
        if len(confs) != len(self.text):
            confs = [self.confidence] * len(self.text)
        pairs = zip(self.text, confs, strict=True)
        return sum(1 for ch, c in pairs if "\u4e00" <= ch <= "\u9fff" and c >= threshold)


@dataclass
class GridCell:
    """A cell of a ruled table found in an image; spans count grid rows/columns."""

    row: int
    col: int
    rowspan: int
    colspan: int
    box: Box


@dataclass
class Grid:
    box: Box
    rows: int
    cols: int
    cells: list[GridCell]
    xs: list[int]
    ys: list[int]
    confidence: float = 1.0
    """How sure the structure is: 1 for drawn rulings, lower for a grid inferred from text alignment."""
    ruled: bool = True
