"""What a body said last year against what it says this year: recurring problems, promises not mentioned.

A problem of year N recurs in N+1 when a problem of N+1 is a near-duplicate of it (character
similarity) or has the same topic and shares its wording (character bigrams). An improvement promised
in N came back as a problem when a problem of N+1 holds most of the promise's lead clause ("丰富政策解读形式"
of "丰富政策解读形式，推出图解…"), is mentioned when some other sentence of N+1 does, and is an unmentioned
promise otherwise. Plain string
measures, no model: the two sentences are shown side by side for the analyst to judge.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from rapidfuzz import fuzz

NEAR_DUPLICATE = 75.0
"""rapidfuzz ratio (0-100) at which two problem statements are one problem restated."""
SAME_TOPIC_OVERLAP = 0.3
"""Share of the shorter statement's bigrams two same-topic problems must share."""
MENTION = 0.5
"""Share of a promise's lead-clause bigrams one sentence of the next year must hold to mention it."""

Kind = Literal["recurring_problem", "promise_became_problem", "mentioned_promise", "unmentioned_promise"]

_NUM = "一二三四五六七八九十"
_MARKER = re.compile(rf"^\s*(?:[{_NUM}]+是|[（(][{_NUM}\d]+[)）]|\d+[.、．]|第[{_NUM}]+[，,])")
_PUNCT = re.compile(r"[\s，,。；;：:、“”\"'‘’（）()《》！!？?]")
_CLAUSE = re.compile(r"[，,；;。：:]")


@dataclass(frozen=True)
class Statement:
    label: str
    """'problem' or 'improvement'."""
    text: str
    topic: str | None = None


@dataclass(frozen=True)
class Recurrence:
    kind: Kind
    text: str
    """The statement of year N."""
    next_text: str | None
    """The problem of N+1 it recurs as, or the sentence of N+1 that mentions the promise."""
    similarity: float
    topic: str | None = None


def _clean(text: str) -> str:
    return _PUNCT.sub("", _MARKER.sub("", text))


def _bigrams(text: str) -> set[str]:
    t = _clean(text)
    return {t[i : i + 2] for i in range(len(t) - 1)}


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / min(len(a), len(b)) if a and b else 0.0


def lead_clause(text: str) -> str:
    """The promise's head: its first clause, if that says enough (four characters or more)."""
    cleaned = _MARKER.sub("", text).strip()
    head = _CLAUSE.split(cleaned, maxsplit=1)[0]
    return head if len(_clean(head)) >= 4 else cleaned


def compare_narratives(
    last: Sequence[Statement], this: Sequence[Statement], this_sentences: Iterable[str]
) -> list[Recurrence]:
    out: list[Recurrence] = []
    this_problems = [(s, _bigrams(s.text), _clean(s.text)) for s in this if s.label == "problem"]
    for p in (s for s in last if s.label == "problem"):
        grams, clean = _bigrams(p.text), _clean(p.text)
        best: tuple[float, Statement] | None = None
        for q, qgrams, qclean in this_problems:
            ratio = fuzz.ratio(clean, qclean)
            if ratio >= NEAR_DUPLICATE:
                score = ratio / 100
            elif p.topic and p.topic == q.topic and _overlap(grams, qgrams) >= SAME_TOPIC_OVERLAP:
                score = _overlap(grams, qgrams)
            else:
                continue
            if best is None or score > best[0]:
                best = (score, q)
        if best:
            out.append(Recurrence("recurring_problem", p.text, best[1].text, round(best[0], 3), p.topic))
    problems = [(q.text, grams) for q, grams, _ in this_problems]
    problem_grams = [g for _, g in problems]
    others = [(s, g) for s in dict.fromkeys(this_sentences) if s.strip() and (g := _bigrams(s))
              and not any(_overlap(g, pg) >= 0.8 for pg in problem_grams)]
    others += [(s.text, _bigrams(s.text)) for s in this if s.label != "problem"]
    for i in (s for s in last if s.label == "improvement"):
        head = _bigrams(lead_clause(i.text))
        as_problem = _best(head, problems)
        mention = _best(head, others)
        if as_problem[0] >= MENTION:
            out.append(Recurrence("promise_became_problem", i.text, as_problem[1], round(as_problem[0], 3), i.topic))
        elif mention[0] >= MENTION:
            out.append(Recurrence("mentioned_promise", i.text, mention[1], round(mention[0], 3), i.topic))
        else:
            out.append(Recurrence("unmentioned_promise", i.text, None, round(max(as_problem[0], mention[0]), 3),
                                  i.topic))
    return out


def _best(head: set[str], candidates: list[tuple[str, set[str]]]) -> tuple[float, str | None]:
    """The candidate holding the largest share of ``head``'s bigrams, and that share."""
    score, where = 0.0, None
    for text, grams in candidates:
        share = len(head & grams) / len(head) if head else 0.0
        if share > score:
            score, where = share, text
    return score, where
