"""The intermediate document every reader produces.

Readers (PDF, Word, HTML, text, later OCR) know file formats; the report logic
downstream knows only this: text lines and tables in reading order, each piece
with where it came from. Keeping geometry here lets a debugger draw what the
extractor saw and lets every value carry its provenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, Protocol

BBox = tuple[float, float, float, float]
"""x0, top, x1, bottom in PDF points from the page's top-left corner."""

PageDecision = Literal["text", "ocr", "mixed"]
"""How a page was read: its text layer (or markup), its image by OCR, or both."""
PageReason = Literal[
    "no_text", "garbage_pua", "garbage_mojibake", "implausible_text", "digit_mismatch", "partial_coverage"
]
"""Why a page was not read from its text layer alone (extract/input/readers/textlayer.py decides)."""


@dataclass
class Cell:
    """One printed table cell.

    In a gridded table a spanning cell sits at its top-left grid position and
    the positions it covers are ``None`` in the row list (pdfplumber's convention).
    """

    text: str
    page: int | None = None
    bbox: BBox | None = None
    source: str | None = None
    """Where it is in a file without pages: "table 2 row 5 col 3", "line 88"."""
    method: str = "text"
    """How the text was obtained: "text" (text layer / markup) or "ocr:<engine>"."""
    confidence: float = 1.0
    rowspan: int = 1
    colspan: int = 1
    """Grid positions covered (gridded tables); the covered ones are None in the rows."""
    alternatives: tuple[tuple[str, float], ...] = ()
    """Other readings of the text (OCR) with their confidences, best first after ``text``:
    the arithmetic repair chooses among them (extract/repair.py)."""


@dataclass
class Table:
    """A table fragment as found on one page (cross-page merging is done later).

    ``gridded`` tables have rows of equal length with ``None`` for span-covered
    positions. Ragged tables (text exports) have rows of the printed cells only,
    so a value's column is only known from its order in the row.
    """

    rows: list[list[Cell | None]]
    method: str
    page: int | None = None
    bbox: BBox | None = None
    gridded: bool = True
    quality: float = 1.0
    """The table's own quality estimate in [0, 1] (strategy selection uses it)."""
    columns: list[float] | None = None
    """Column boundaries (x positions) of a gridded PDF table, for aligning
    a continuation fragment on the next page with its header."""

    @property
    def n_cols(self) -> int:
        return max((len(r) for r in self.rows), default=0)

    def texts(self) -> list[list[str | None]]:
        """Plain text grid, for debugging and tests."""
        return [[c.text if c is not None else None for c in r] for r in self.rows]


@dataclass
class TextLine:
    """One line (or paragraph) of running text."""

    text: str
    page: int | None = None
    bbox: BBox | None = None
    source: str | None = None


Block = TextLine | Table


@dataclass
class PageInfo:
    """What a reader learned about one page, and whether its text layer was used or OCR'd (and why)."""

    number: int
    width: float | None = None
    height: float | None = None
    n_chars: int = 0
    method: str = "text"
    note: str | None = None
    decision: PageDecision | None = None
    """"text" (text layer or markup), "ocr" (the page image was read) or "mixed" (text layer
    plus OCR of pictures it does not cover); None means: as the method says."""
    reason: PageReason | None = None
    """Why not "text": no_text, garbage_pua, garbage_mojibake, implausible_text,
    digit_mismatch, partial_coverage (extract/readers/textlayer.py)."""

    def __post_init__(self) -> None:
        if self.decision is None:
            self.decision = "ocr" if self.method.startswith("ocr") else "text"
        if self.decision == "ocr" and self.reason is None:
            self.reason = "no_text"  # an image input: there never was a text layer


@dataclass(frozen=True)
class Piece:
    """A run of text read on a page: ``box`` in the page's reading frame (upright and level, in
    the reader's own units), ``cell`` the text with where it came from (page, box in points, method,
    confidence, alternatives)."""

    cell: Cell
    box: BBox

    @property
    def text(self) -> str:
        return self.cell.text

    @property
    def cy(self) -> float:
        return (self.box[1] + self.box[3]) / 2

    @property
    def cx(self) -> float:
        return (self.box[0] + self.box[2]) / 2

    @property
    def height(self) -> float:
        return self.box[3] - self.box[1]


class PageText(Protocol):
    """Every run of text of one page as pieces, produced when first asked for (it may cost OCR)."""

    def pieces(self) -> list[Piece]: ...

    def read_at(self, box: BBox, number: bool = False) -> Piece | None:
        """What is printed in ``box`` (reading frame) that no piece covers: None where nothing is.
        ``number``: a number is expected there (a short misreading is read for digits too)."""
        ...

    def seen(self, box: BBox) -> float:
        """The share of ``box`` (reading frame) the page shows: less where it lies beyond the
        picture's edge or under a scanner's lid (nothing there can be called blank)."""
        ...


@dataclass
class Document:
    """A whole input in reading order."""

    format: str
    blocks: list[Block] = field(default_factory=list)
    pages: list[PageInfo] = field(default_factory=list)
    errors: list[PageError] = field(default_factory=list)
    page_text: dict[int, PageText] = field(default_factory=dict)
    """Scanned pages' text, by page number, for readings that do not trust the table grids."""

    @property
    def n_pages(self) -> int:
        return len(self.pages)

    def lines(self) -> list[TextLine]:
        return [b for b in self.blocks if isinstance(b, TextLine)]

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class PageError:
    """A problem confined to one page (or one part) that did not sink the document."""

    code: str
    message: str
    page: int | None = None
