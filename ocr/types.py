"""What the OCR library returns: words, lines and table cells with boxes and confidences.

Boxes are in pixels of the image given to the library (x0, top, x1, bottom).
"""

from __future__ import annotations

from dataclasses import dataclass, field

Box = tuple[int, int, int, int]


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
