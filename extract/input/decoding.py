"""Bytes to text for the text and web-page readers, as far as the bytes go.

Two kinds of damage are common in archives and both leave most of the text readable:

- a download cut off inside a multi-byte character: the whole file is valid in its
  encoding except for the last one to three bytes;
- two exports joined into one file: the first lines UTF-8, the rest GBK (or the other way).

``decode`` reads the first with an incremental decoder (everything up to the cut) and the
second line by line (UTF-8 first: GBK text is almost never valid UTF-8, while UTF-8 text
often decodes as GB18030 mojibake). What it did is reported, never silently fixed.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from gongkai.extract.errors import MIXED_ENCODING, TRUNCATED
from gongkai.extract.layout import PageError

BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
GB = "gb18030"
"""GBK and GB2312 are read as GB18030, their superset."""


@dataclass
class Decoded:
    text: str
    encoding: str
    """The encoding of the whole text, or of most of its lines when ``mixed``."""
    cut: bool = False
    """The bytes end inside a character: the file was truncated (the partial character is dropped)."""
    mixed: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    """Encoding -> runs of 1-based line numbers decoded with it, when lines differ in encoding."""
    unreadable: list[int] = field(default_factory=list)
    """Lines no candidate encoding decodes (read with replacement characters)."""

    def describe_mixed(self) -> str:
        """"lines 1-40 UTF-8, lines 41-410 GB18030" (the first runs of each encoding)."""
        runs = sorted((a, b, enc) for enc, rs in self.mixed.items() for a, b in rs)
        shown = [f"lines {a}-{b} {_NAMES.get(enc, enc)}" if a != b else f"line {a} {_NAMES.get(enc, enc)}"
                 for a, b, enc in runs[:6]]
        more = f" and {len(runs) - 6} more runs" if len(runs) > 6 else ""
        return ", ".join(shown) + more


_NAMES = {"utf-8": "UTF-8", GB: "GBK/GB18030"}


def decode_prefix(data: bytes, encoding: str) -> tuple[str, bool] | None:
    """``data`` in ``encoding`` up to a character cut off at the very end: (text, cut), or None when
    the bytes are invalid in that encoding before their last character."""
    try:
        dec = codecs.getincrementaldecoder(encoding)("strict")
    except LookupError:
        return None
    try:
        text = dec.decode(data, final=False)
    except UnicodeError:  # a decode error, or UTF-16 asking for a byte order mark the bytes lack
        return None
    pending = dec.getstate()[0]
    return text, bool(pending)


def decode(
    data: bytes,
    declared: str | None = None,
    candidates: tuple[str, ...] = ("utf-8", GB),
    guess: Callable[[bytes], str | None] | None = None,
) -> Decoded:
    """The text of ``data``: a BOM, else ``declared`` (a web page's charset), else the first candidate
    (then ``guess``'s answer) that reads the whole file, a cut last character allowed; else line by
    line, each in the first of those (and GB18030) that reads it."""
    for bom, enc in BOMS:
        if data.startswith(bom):
            got = decode_prefix(data, enc)
            if got is not None:
                return Decoded(got[0], enc, cut=got[1])
            return Decoded(data.decode(enc, errors="replace"), enc)
    order = list(dict.fromkeys([*([declared] if declared else []), *candidates]))
    for enc in order:
        got = decode_prefix(data, enc)
        if got is not None:
            if enc != "utf-8" and _utf8_lines(data):
                break  # GB18030 reads UTF-8 bytes too, as mojibake: the file is two files joined
            return Decoded(got[0], enc, cut=got[1])
    guessed = guess(data) if guess else None
    if guessed:
        got = decode_prefix(data, guessed)
        if got is not None:
            return Decoded(got[0], guessed, cut=got[1])
    return _by_line(data, [e for e in dict.fromkeys([*order, GB]) if _known(e)])


_UTF8_CJK = re.compile(rb"[\xe0-\xef][\x80-\xbf]{2}")


def _utf8_lines(data: bytes) -> bool:
    """Some line of a file that is not UTF-8 as a whole is UTF-8 with Chinese in it (three-byte characters;
    a GBK line is almost never valid UTF-8)."""
    for line in data.split(b"\n"):
        if line.isascii() or not _UTF8_CJK.search(line):
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            continue
        return True
    return False


def _known(encoding: str) -> bool:
    try:
        codecs.lookup(encoding)
    except LookupError:
        return False
    return True


def _by_line(data: bytes, order: list[str]) -> Decoded:
    """Each line in the first candidate that reads it; a line none reads gets replacement characters."""
    lines = data.split(b"\n")
    out: list[str] = []
    used: list[str | None] = []
    unreadable: list[int] = []
    cut = False
    for no, raw in enumerate(lines, start=1):
        last = no == len(lines)
        for enc in order:
            got = decode_prefix(raw, enc)
            if got is not None and (not got[1] or last):
                out.append(got[0])
                used.append(enc)
                cut = cut or got[1]
                break
        else:
            out.append(raw.decode(order[0], errors="replace"))
            used.append(None)
            unreadable.append(no)
    counts: dict[str, int] = {}
    for enc, raw in zip(used, lines, strict=True):
        if enc and not raw.isascii():  # ASCII lines read the same in every candidate
            counts[enc] = counts.get(enc, 0) + 1
    main = max(counts, key=lambda e: counts[e]) if counts else order[0]
    mixed: dict[str, list[tuple[int, int]]] = {}
    current: tuple[str, int, int] | None = None
    for no, (enc, raw) in enumerate(zip(used, lines, strict=True), start=1):
        if enc is None or raw.isascii():
            continue  # an ASCII line belongs to whichever run it sits in
        if current and current[0] == enc:
            current = (enc, current[1], no)
            continue
        if current:
            mixed.setdefault(current[0], []).append((current[1], current[2]))
        current = (enc, no, no)
    if current:
        mixed.setdefault(current[0], []).append((current[1], current[2]))
    if len(mixed) < 2:
        mixed = {}
    return Decoded("\n".join(out), main, cut=cut, mixed=mixed, unreadable=unreadable)


def notes(decoded: Decoded, unit: str) -> list[PageError]:
    """What decoding the bytes had to do, as the report's errors: a cut, mixed or unreadable lines."""
    out = []
    if decoded.mixed or decoded.unreadable:
        what = f"the file mixes encodings ({decoded.describe_mixed()})" if decoded.mixed else ""
        if decoded.unreadable:
            bad = ", ".join(map(str, decoded.unreadable[:10])) + (" …" if len(decoded.unreadable) > 10 else "")
            what += ("; " if what else "") + f"{len(decoded.unreadable)} {unit}(s) in no known encoding ({bad})"
        out.append(PageError(MIXED_ENCODING, f"{what}: each {unit} was decoded on its own; check those parts"))
    if decoded.cut:
        out.append(PageError(TRUNCATED, "the file ends inside a character (a download cut off?): it was read up "
                                          "to the cut; re-download it for the rest"))
    return out
