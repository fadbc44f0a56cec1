"""Normalising and fuzzily matching printed table labels.

Printed labels differ from the official wording by wraps, spaces, full/half-width
punctuation, numbering style ("1." / "1、" / "1．") and typos; OCR adds noise.
Matching compares the label body and the numbering separately so that "3.其他"
(a row) never matches "其他" (a column) by accident.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz

from gongkai.nlp.normalise import simplified

_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "「": '"', "」": '"'})
_CN_NUM = "一二三四五六七八九十"
# "(三)", "三、", "1.", "1、" at the start of a label
_NUMBERING = re.compile(rf"^(?:\(([{_CN_NUM}]+)\)|([{_CN_NUM}]+)[、.]|(\d{{1,2}})[.、,]?(?!\d))")


@lru_cache(maxsize=32768)
def normalize(text: str) -> str:
    """Canonical form for comparison: NFKC, simplified characters, no white space, unified
    punctuation. An OCR engine reads a blurred or bitonal 规 as 規 now and then: the label is still 规章."""
    t = simplified(unicodedata.normalize("NFKC", text)).translate(_QUOTES)
    # removing spaces can join a combining mark to a letter: compose once more
    t = unicodedata.normalize("NFKC", _SPACE.sub("", t))
    return t.replace("、", "、").replace("．", ".")


@dataclass(frozen=True)
class Label:
    numbering: str | None
    """"(三)", "三、" or "1." after normalising; None when unnumbered."""
    body: str


@lru_cache(maxsize=8192)
def split_label(text: str) -> Label:
    t = normalize(text)
    m = _NUMBERING.match(t)
    if not m:
        return Label(None, t)
    if m.group(1):
        num = f"({m.group(1)})"
    elif m.group(2):
        num = f"{m.group(2)}、"
    else:
        num = f"{m.group(3)}."
    return Label(num, t[m.end() :])


@lru_cache(maxsize=16384)
def similarity(printed: str, official: str) -> float:
    """Score in [0, 100] of a printed label against an official one.

    Bodies are compared fuzzily; a numbering printed on both sides must agree,
    and a numbering on only one side costs a little.
    """
    a, b = split_label(printed), split_label(official)
    if not a.body or not b.body:
        return 0.0
    score = fuzz.ratio(a.body, b.body)
    if a.numbering and b.numbering and a.numbering != b.numbering:
        score -= 40
    elif bool(a.numbering) != bool(b.numbering):
        score -= 5
    return max(score, 0.0)


_MATCHES: dict[tuple[str, int, float], tuple[dict, tuple[str, float] | None]] = {}
_MATCHES_MAX = 65_536


def best_match(
    printed: str, candidates: dict[str, tuple[str, ...]], threshold: float = 72.0
) -> tuple[str, float] | None:
    """The candidate id whose labels best match ``printed``, if good enough and unambiguous.

    Remembered per printed text and candidate set (the same labels recur in every report): the
    candidate sets are the data dictionary's, made once and never changed, and each remembered
    answer holds its set so that the set's identity stays its own.
    """
    key = (printed, id(candidates), threshold)
    hit = _MATCHES.get(key)
    if hit is not None and hit[0] is candidates:
        return hit[1]
    result = _best_match(printed, candidates, threshold)
    if len(_MATCHES) >= _MATCHES_MAX:
        _MATCHES.clear()
    _MATCHES[key] = (candidates, result)
    return result


def _best_match(printed: str, candidates: dict[str, tuple[str, ...]], threshold: float) -> tuple[str, float] | None:
    scored = sorted(
        ((max(similarity(printed, lab) for lab in labels), cid) for cid, labels in candidates.items()),
        reverse=True,
    )
    if not scored or scored[0][0] < threshold:
        return None
    if len(scored) > 1 and scored[1][0] >= scored[0][0] - 3 and scored[1][0] >= threshold:
        return None  # two labels fit equally well: refuse to guess
    return scored[0][1], scored[0][0]
