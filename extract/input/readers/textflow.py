"""Characters to words, lines and cell text, as pdfplumber lays out upright text.

pdfplumber's defaults (``x_tolerance=3``, ``y_tolerance=3``, no layout): characters are
grouped into lines by the tops within 3 points of each other (chained), sorted left to
right in a line, split into words at blanks and at gaps over 3 points; a cell's text is its
lines joined by newlines, words by spaces. The fast PDF reader uses these on pdfium's
characters, so that its text and pdfplumber's are the same text; pdfplumber's generic
machinery (directions, layout mode, regular expressions over a text map) is what costs it
several milliseconds per page, and none of it applies to upright text read without layout.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

X_TOLERANCE = 3.0
Y_TOLERANCE = 3.0

LIGATURES = {"ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl", "ﬁ": "fi", "ﬂ": "fl", "ﬆ": "st", "ﬅ": "st"}

Word = tuple[str, float, float, float, float, list[dict]]
"""(text, x0, top, x1, bottom, chars)."""


def _clusters(items: Sequence, key: Callable, tolerance: float, preserve_order: bool = False) -> list[list]:
    """pdfplumber's ``cluster_objects``: items whose keys chain within ``tolerance``."""
    keys = [key(x) for x in items]
    if not keys:
        return []
    if max(keys) - min(keys) <= tolerance:  # one line (a cell, mostly): one cluster, in the given order
        return [list(items)]
    values = sorted(set(keys))
    ids: dict[float, int] = {}
    last = None
    k = -1
    for v in values:
        if last is None or v > last + tolerance:
            k += 1
        ids[v] = k
        last = v
    tagged = [(x, ids[k]) for x, k in zip(items, keys, strict=True)]
    if not preserve_order:
        tagged.sort(key=lambda t: t[1])
    out: list[list] = []
    prev = None
    for x, k in tagged:
        if not out or k != prev:
            out.append([x])
            prev = k
        else:
            out[-1].append(x)
    return out


def _top(c: dict) -> float:
    return c["top"]


def _x0(c: dict) -> tuple[float, float]:
    return (c["x0"], c["x0"])


def words(chars: Sequence[dict]) -> list[Word]:
    """Words in pdfplumber's order: line clusters top to bottom, left to right in each."""
    out: list[Word] = []
    for line in _clusters(chars, _top, Y_TOLERANCE):
        line.sort(key=_x0)
        current: list[dict] = []
        for c in line:
            t = c["text"]
            if t.isspace():
                if current:
                    out.append(_word(current))
                current = []
                continue
            if current:
                prev = current[-1]
                if (c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + X_TOLERANCE
                        or abs(c["top"] - prev["top"]) > Y_TOLERANCE):
                    out.append(_word(current))
                    current = [c]
                    continue
            current.append(c)
        if current:
            out.append(_word(current))
    return out


def _word(chars: list[dict]) -> Word:
    first = chars[0]
    x0, top, x1, bottom = first["x0"], first["top"], first["x1"], first["bottom"]
    for c in chars[1:]:
        if c["x0"] < x0:
            x0 = c["x0"]
        if c["top"] < top:
            top = c["top"]
        if c["x1"] > x1:
            x1 = c["x1"]
        if c["bottom"] > bottom:
            bottom = c["bottom"]
    text = "".join([c["text"] for c in chars])
    if not text.isascii() and any(ch in LIGATURES for ch in text):
        text = "".join(LIGATURES.get(c["text"], c["text"]) for c in chars)
    return (text, x0, top, x1, bottom, chars)


def extract_text(chars: Sequence[dict]) -> str:
    """A cell's text: ``pdfplumber.utils.extract_text(chars)`` with its defaults."""
    tops = [c["top"] for c in chars]
    if tops and max(tops) - min(tops) <= Y_TOLERANCE:
        return _one_line(chars)
    lines = _clusters(words(chars), lambda w: w[2], Y_TOLERANCE)
    return "\n".join(" ".join(w[0] for w in line) for line in lines)


def _one_line(chars: Sequence[dict]) -> str:
    """``extract_text`` of characters whose tops all lie within the tolerance (most cells): one line,
    left to right, split at blanks and at gaps (what ``words`` does, without clustering twice)."""
    out: list[str] = []
    word: list[str] = []
    prev = None
    for c in sorted(chars, key=_x0):
        t = c["text"]
        if t.isspace():
            if word:
                out.append("".join(word))
            word, prev = [], None
            continue
        if prev is not None and (c["x0"] < prev["x0"] or c["x0"] > prev["x1"] + X_TOLERANCE
                                 or abs(c["top"] - prev["top"]) > Y_TOLERANCE):
            out.append("".join(word))
            word = []
        word.append(LIGATURES.get(t, t))
        prev = c
    if word:
        out.append("".join(word))
    return " ".join(out)


def text_lines(chars: Sequence[dict]) -> list[tuple[str, float, float, float, float]]:
    """The page's lines (text, x0, top, x1, bottom): ``page.extract_text_lines(strip=True)``."""
    out = []
    for line in _clusters(words(chars), lambda w: w[2], Y_TOLERANCE, preserve_order=True):
        text = " ".join(w[0] for w in line).strip(" ")
        if not text.strip():
            continue
        out.append((text, min(w[1] for w in line), min(w[2] for w in line), max(w[3] for w in line),
                    max(w[4] for w in line)))
    return out
