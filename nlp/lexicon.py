"""The narrative's vocabularies (``nlp/lexicon.yaml``): each list written once, patterns built from it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

PATH = Path(__file__).resolve().parent / "lexicon.yaml"


@cache
def lexicon() -> dict[str, Any]:
    """Parsed by libyaml where PyYAML has it: PyYAML's Python parser takes ~25 ms of CPU for this file, in
    every process that analyses a narrative (the one-report command's helper among them); libyaml ~4 ms."""
    return yaml.load(PATH.read_text("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def words(*names: str) -> list[str]:
    """The words of the named vocabularies, in the order given, without repeats."""
    out: list[str] = []
    for name in names:
        out += [w for w in lexicon()[name] if w not in out]
    return out


def alt(*names: str, extra: tuple[str, ...] = ()) -> str:
    """A regex alternation of the named vocabularies (longest first, so 下一阶段 wins over 下阶段; words of one
    length in the lexicon's order, so the pattern does not change with the interpreter's string hashing)."""
    return "|".join(re.escape(w) for w in sorted(dict.fromkeys([*words(*names), *extra]), key=len, reverse=True))
