"""Where a body sits: the divisions its name was read into, settled to one national division code (行政区划代码).

The name is read once (``organisations.classify``): a chain of division names, each one of the
Ministry of Civil Affairs' table (``gazetteer``) inside the one before, so 淮安市洪泽区 and 洪泽区 both
land on 320813. A name the table no longer has because its suffix changed (洪泽县 became 洪泽区 in 2016; a
乡 became a 镇; a 镇 a 街道) was found by its stem, less surely. A name that several divisions carry
(金山镇: 14 of them) stays ambiguous unless the report's own text names one candidate's county,
prefecture or province; how sure the match is travels with it (``Place.match``, ``Place.confidence``).
"""

from __future__ import annotations

from collections.abc import Iterable

from gongkai.extract.domain.gazetteer import Division, Gazetteer, gazetteer
from gongkai.extract.domain.model import Place, PlaceMatch
from gongkai.extract.domain.organisations import Organisation, vocabulary

# how sure each way of matching is; a chain of two or more names that nest is as sure as it gets
CONFIDENCE: dict[PlaceMatch, float] = {
    "exact": 1.0, "unique": 0.9, "renamed": 0.75, "context": 0.7, "ambiguous": 0.0, "none": 0.0,
}
MAX_CANDIDATES = 20


def _place(gaz: Gazetteer, d: Division, match: PlaceMatch, name: str, candidates: Iterable[Division] = ()) -> Place:
    levels = vocabulary().table_levels
    by_level = {x.level: x.name for x in gaz.path(d)}
    return Place(
        name=name,
        division_code=d.code,
        level=levels[d.level],
        province=by_level.get(1),
        prefecture=by_level.get(2),
        county=by_level.get(3),
        township=by_level.get(4),
        match=match,
        confidence=CONFIDENCE[match],
        candidates=[c.code for c in candidates][:MAX_CANDIDATES],
    )


def ancestor_names(gaz: Gazetteer, d: Division) -> list[str]:
    """Names the report's text may use for the places above ``d`` (the province also by its stem)."""
    out = []
    for x in gaz.path(d)[:-1]:
        out.append(x.name)
        if x.level == 1:  # 江苏省 → 江苏, 广西壮族自治区 → 广西 (内蒙 is inside 内蒙古)
            stem = x.name[:2] if x.name.endswith("自治区") else x.name.removesuffix("省").removesuffix("市")
            if len(stem) >= 2:
                out.append(stem)
    return out


def resolve_place(org: Organisation, context: str = "") -> Place:
    """The place of a reading: its last division the table has, settled by ``context`` if several fit.

    ``context`` is the report's own text (title, sections, signature): it can settle a name that
    several divisions carry, by naming one candidate's county, prefecture or province.
    """
    last = org.placed
    if last is None:
        return Place(match="none", confidence=0.0)
    gaz = gazetteer()
    placed = [d for d in org.divisions[: last + 1] if d.candidates]
    printed = "".join(d.name for d in org.divisions[: last + 1])  # with a zone in front, if any
    cands = org.divisions[last].candidates
    if len(cands) == 1:
        renamed = any(d.renamed for d in placed)
        match: PlaceMatch = "renamed" if renamed else ("exact" if len(placed) > 1 else "unique")
        return _place(gaz, cands[0], match, printed)
    chosen = _by_context(gaz, cands, context)
    if chosen is not None:
        return _place(gaz, chosen, "context", printed, cands)
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
    return place


def _by_context(gaz: Gazetteer, cands: tuple[Division, ...], context: str) -> Division | None:
    """The one candidate whose surrounding places the text names most, if exactly one does."""
    if not context:
        return None
    scores = [sum(1 for n in set(ancestor_names(gaz, c)) if n in context) for c in cands]
    best = max(scores)
    if best == 0 or scores.count(best) > 1:
        return None
    return cands[scores.index(best)]
