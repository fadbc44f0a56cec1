"""Word lists of the report domain that several modules use, loaded once from data/.

A list kept in two modules drifts (each grows the members its own bug needed); here it is one
file of data (``data/organisations.yaml``) and the regular expressions are built from it.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml


@cache
def _organisations() -> dict:
    text = resources.files(__package__).joinpath("data/organisations.yaml").read_text("utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def org_name_endings() -> tuple[str, ...]:
    """How the name of a government body ends (人民政府, 局, 街道办事处 …), longest first."""
    return tuple(sorted(_organisations()["name_endings"], key=len, reverse=True))


def org_endings_pattern() -> str:
    """The endings as a regular-expression alternation (a group), longest first so 街道办事处 wins over 办事处."""
    return "(?:" + "|".join(map(re.escape, org_name_endings())) + ")"
