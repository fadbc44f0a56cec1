"""Marks a table prints in a value cell to mean "nothing here", and what OCR reads them as.

One vocabulary for the OCR library and for the report's number parsing
(``gongkai.extract.domain.numbers``), which imports it from here: a dash, a slash or 无 in a
table cell is table typography, not report knowledge, and ocr/ is the layer both already stand
on (extract uses ocr, never the reverse), so nothing needs passing down through the readers.
"""

from __future__ import annotations

DASHES = frozenset({"-", "--", "—", "——", "–", "－"})
"""Dashes printed for a blank."""
SLASHES = frozenset({"/", "／", "\\"})
"""Slashes printed for a blank."""
BLANK_WORDS = frozenset({"无", "空", "×"})
"""Words and signs printed for a blank: none, empty, not applicable."""
BLANK_MARKS = DASHES | SLASHES | BLANK_WORDS
"""Everything printed in a value cell to mean "nothing here" (a null, counted as 0 by the rules)."""
BLANK_STROKES = frozenset("-—–－_/／\\")
"""Characters any run of which (——, //, ___) is a printed blank too."""

DASH_MISREADINGS = frozenset({"一", "一一", "_", "~"})
"""What OCR engines make of a printed dash besides a dash: the character 一 most of all."""
DASH_READINGS = DASHES | DASH_MISREADINGS
"""What a cell holding only a printed dash reads as."""
