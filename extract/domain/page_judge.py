"""Which of several readings of a scanned page is the report's page: judged by its template.

The OCR library reads a page more than one way where a measure cannot decide (inverted or not: a
photo of a white sheet on a dark desk measures like a screen's night mode) and asks its caller which
reading fits the document (``ocr.page.PageJudge``). A report's page shows the template's labels and
numbers in its cells; a page read the wrong way shows neither.
"""

from __future__ import annotations

from gongkai.extract.domain.mapping import template_labels
from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.domain.schema import Schema
from gongkai.ocr.page import SURE_READ, PageResult, ReadingJudge

LABEL_WEIGHT = 10.0
"""Score of each of the template's row and column labels the reading shows: the strongest sign that a
reading is of the report's page (a page of prose has none, and is judged by its reading alone)."""
NUMBER_WEIGHT = 2.0
"""Score of each table cell read surely as a number."""


class TemplateJudge:
    """Scores a reading of a page by the report's template: its labels found, its cells read surely as
    numbers, and the characters read surely (``ReadingJudge``) as the tie-breaker of pages without
    tables."""

    def __init__(self, schema: Schema) -> None:
        self._schema = schema
        self._reading = ReadingJudge()

    def score(self, result: PageResult) -> float:
        cells = [cr.reading for t in result.tables for cr in t.cells]
        labels = template_labels([ln.text for ln in result.lines] + [r.text for r in cells], self._schema)
        numbers = sum(1 for r in cells if r.confidence >= SURE_READ and parse_cell(r.text).kind == "number")
        return LABEL_WEIGHT * len(labels) + NUMBER_WEIGHT * numbers + self._reading.score(result)
