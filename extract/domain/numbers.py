"""Reading the numbers printed in table cells."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from gongkai.ocr.marks import BLANK_MARKS, BLANK_STROKES

# Printed in place of a number to mean "nothing here": kept as null, counted as 0 by rules.
NULL_MARKERS = BLANK_MARKS | {""}

_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?$")
_UNITS = re.compile(r"(件|条|个|项|次|元|万元|篇|家)$")

Kind = Literal["number", "null", "text"]


@dataclass(frozen=True)
class Parsed:
    kind: Kind
    value: int | float | None = None


@lru_cache(maxsize=16384)
def parse_cell(text: str | None) -> Parsed:
    """Classify a cell's text as a number, a printed blank/null marker, or text (remembered: the
    same few hundred cell texts fill every report)."""
    if text is None:
        return Parsed("null")
    t = unicodedata.normalize("NFKC", text)
    t = re.sub(r"\s+", "", t).replace("—", "—")
    if t in NULL_MARKERS or set(t) <= BLANK_STROKES:
        return Parsed("null")
    t = _UNITS.sub("", t)
    m = _NUMBER.match(t)
    if not m:
        return Parsed("text")
    sign, whole, frac = m.groups()
    digits = whole.replace(",", "")
    if frac is not None:
        value: int | float = float(f"{digits}.{frac}")
    else:
        value = int(digits)
    return Parsed("number", -value if sign == "-" else value)


def is_value(text: str | None) -> bool:
    """True for anything that may stand in a value cell (a number or a null marker)."""
    return parse_cell(text).kind != "text"
