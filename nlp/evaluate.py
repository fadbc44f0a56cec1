"""Scoring tagged narrative against hand labels: statement P/R/F1 and sentence-section accuracy."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .analyse import Analysis


def same_statement(a: str, b: str, threshold: float = 85.0) -> bool:
    """Two renderings of one statement: equal up to punctuation, or nearly so (fuzzy, for wraps and 等)."""
    strip = "。；;，,：: \n"
    a, b = a.strip(strip), b.strip(strip)
    return a == b or fuzz.ratio(a, b) >= threshold


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    sections_right: int = 0
    sections_total: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.sections_right += other.sections_right
        self.sections_total += other.sections_total
        self.errors += other.errors

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def section_accuracy(self) -> float:
        return self.sections_right / self.sections_total if self.sections_total else 1.0


def score(analysis: Analysis, text: str, items: Iterable[dict], sections: Iterable[list[str]], name: str = "") -> Score:
    """A predicted item counts when its text matches a gold item's and its label is the gold label."""
    sc = Score()
    gold = [(g["label"], g["text"]) for g in items]
    used: set[int] = set()
    for it in analysis.items:
        hit = next((i for i, (lab, t) in enumerate(gold) if i not in used and lab == it.label
                    and same_statement(it.text, t)), None)
        if hit is None:
            sc.fp += 1
            sc.errors.append(f"{name}: extra {it.label} “{it.text}”")
        else:
            used.add(hit)
            sc.tp += 1
    for i, (lab, t) in enumerate(gold):
        if i not in used:
            sc.fn += 1
            sc.errors.append(f"{name}: missed {lab} “{t}”")
    for label, fragment in sections:
        pos = text.find(fragment)
        if pos < 0:
            raise ValueError(f"{name}: fragment not in text: {fragment}")
        sent = next((s for s in analysis.sentences if s.start <= pos < s.end), None)
        sc.sections_total += 1
        if sent is not None and sent.section == label:
            sc.sections_right += 1
        else:
            got = sent.section if sent else None
            sc.errors.append(f"{name}: section of “{fragment}” is {got}, not {label}")
    return sc
