"""Comparing an extracted report with a ground-truth file (shared by the corpus tests and benchmarks)."""

from __future__ import annotations

import re
from typing import Any

from gongkai.extract.domain.model import Report


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def cell_diff(report: Report, truth: dict[str, Any]) -> tuple[list[str], list[str], dict[str, tuple]]:
    """(missing ids, extra ids, {id: (truth, got)}) — all empty when every cell is exact."""
    got = report.values()
    want = truth["cells"]
    missing = sorted(set(want) - set(got))
    extra = sorted(set(got) - set(want))
    wrong = {k: (want[k], got[k]) for k in want if k in got and (got[k] != want[k] or type(got[k]) is not type(want[k]))}
    return missing, extra, wrong


def rule_findings(report: Report) -> list[tuple[str, str]]:
    """Broken consistency rules, without the missing/unreadable flags and the prose-vs-table checks (tests/test_nlp.py)."""
    skip = ("missing.", "unreadable.", "narrative.")
    return sorted((f.rule, f.where) for f in report.findings if not f.rule.startswith(skip))


def truth_violations(truth: dict[str, Any]) -> list[tuple[str, str]]:
    return sorted((v["rule"], v["where"]) for v in truth["rule_violations"])
