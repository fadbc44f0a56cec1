"""Plain-text exports of reports (copied from Word, PDF viewers or web pages).

Three table layouts occur: tab-separated rows (one table row per line, rows
sometimes shifted by a tab, trailing empty cells lost); one cell per line with
blank lines between rows; and one cell per line with blank lines everywhere or
nowhere. Lines between a table-section heading (二/三/四) and the next section
heading are table cells; the rest is prose.
"""

from __future__ import annotations

import itertools
import re

from gongkai.extract.domain.numbers import parse_cell
from gongkai.extract.domain.schema import TABLES
from gongkai.extract.domain.sections import TOP
from gongkai.extract.errors import EmptyInput, TooLarge
from gongkai.extract.input import decoding
from gongkai.extract.layout import Cell, Document, Table, TextLine
from gongkai.extract.options import Options

_HEADING = re.compile(r"^\s*([一二三四五六])[、.．]\s*(.*)$")
# the six headings' numerals and key words are the section finder's (sections.TOP)
_SECTION_KEYS = {number: keys for _, number, keys in TOP}
_TABLE_SECTIONS = {number for sid, number, _ in TOP if sid in TABLES}


# Word's "copy as text" keeps bookmarks as "[bookmark: _GoBack]"
_ARTEFACTS = re.compile(r"\[bookmark:\s*[^\]]*\]")


def _section_heading(line: str) -> str | None:
    """The numeral of a top-level section heading on this line, if it is one."""
    m = _HEADING.match(line)
    if not m or len(line.strip()) > 40:
        return None
    keys = _SECTION_KEYS.get(m.group(1), ())
    return m.group(1) if any(k in m.group(2) for k in keys) else None


def read_text(data: bytes, options: Options) -> Document:
    if len(data) > options.limits.max_text_bytes:
        raise TooLarge(f"{len(data)} bytes of text, more than the limit of {options.limits.max_text_bytes}")
    lines = max(data.count(b"\n"), data.count(b"\r"))  # counted on the bytes: no copy of a huge file
    if lines > options.limits.max_text_lines:
        raise TooLarge(f"{lines} lines, more than the limit of {options.limits.max_text_lines}")
    decoded = decoding.decode(data)
    text = decoded.text.replace("\r\n", "\n").replace("\r", "\n").replace("\x0c", "\n")
    text = _ARTEFACTS.sub("", text)
    if not text.strip():
        raise EmptyInput("the text file holds no text")
    lines = text.split("\n")
    doc = Document("text")
    doc.errors.extend(decoding.notes(decoded, "line"))
    region: list[tuple[int, str]] = []
    in_table = False
    for no, raw in enumerate(lines, start=1):
        numeral = _section_heading(raw)
        if numeral is not None:
            if region:
                doc.blocks.extend(_tables(region))
                region = []
            in_table = numeral in _TABLE_SECTIONS
            doc.blocks.append(TextLine(raw.strip(), None, None, f"line {no}"))
            continue
        if in_table:
            region.append((no, raw))
        elif raw.strip():
            doc.blocks.append(TextLine(raw.strip(), None, None, f"line {no}"))
    if region:
        doc.blocks.extend(_tables(region))
    return doc


def _cell(text: str, no: int) -> Cell:
    return Cell(text.strip(), None, None, f"line {no}")


def _tables(region: list[tuple[int, str]]) -> list[Table]:
    """The table(s) of one table section, as ragged rows."""
    filled = [(no, raw) for no, raw in region if raw.strip()]
    if not filled:
        return []
    multi = sum(1 for _, raw in filled if len([c for c in raw.split("\t") if c.strip()]) >= 2)
    if multi >= 0.3 * len(filled):
        rows = []
        for no, raw in filled:
            cells = [c.strip() for c in raw.split("\t")]
            if raw.rstrip("\r\n ").endswith("\t"):
                cells.pop()  # Word ends every cell with a tab: the last one ends the row
            if all(not c for c in cells):
                cells = []
            # other empty cells stay, first and last ones too: a blank printed first or last in its row
            # is one of them (the mapping drops those beyond the row's columns, merged labels' first)
            rows.append([_cell(c, no) for c in cells])
        return [Table(rows, "text-tsv", gridded=False)]
    # one cell per line: blank lines separate rows unless they separate every line
    gaps = sum(1 for (a, _), (b, _) in itertools.pairwise(filled) if b - a > 1)
    rows: list[list[Cell]] = []
    if 0 < gaps < 0.8 * (len(filled) - 1):
        current: list[Cell] = []
        last = None
        for no, raw in filled:
            if last is not None and no - last > 1 and current:
                rows.append(current)
                current = []
            current.append(_cell(raw, no))
            last = no
        if current:
            rows.append(current)
    else:
        current = []
        for no, raw in filled:
            cell = _cell(raw, no)
            numeric = parse_cell(cell.text).kind == "number"
            if current and not numeric and parse_cell(current[-1].text).kind == "number":
                rows.append(current)
                current = []
            current.append(cell)
        if current:
            rows.append(current)
    return [Table(rows, "text-lines", gridded=False)]
