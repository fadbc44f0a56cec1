"""Who issues a report, read from the organisation's name: its divisions, level, kind of body and key words.

A name is read left to right as a chain of divisions (江苏省 · 淮安市 · 洪泽区 · 岔河镇), each one of
the national division table inside the one before, then the words after the last one say which body
of it this is (人民政府, 办公室, 生态环境局 …). This one reading gives the report's ``level`` and
``body`` and the words of its organisation key (``across.orgs``), whose place is settled from the
same divisions (``across.places``). The divisions come from ``gazetteer`` (the Ministry of Civil
Affairs' code table); every word of ours is in data/organisations.yaml, which also states the
convention (直辖市 are 省级, their districts 县级, zones one level below).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

from gongkai.extract.domain.gazetteer import CodesBy, Division, Divisions, Gazetteer, gazetteer
from gongkai.extract.domain.schema import load_yaml

_MAX_NAME = 16  # the longest division name (莫力达瓦达斡尔族自治旗, 恩施土家族苗族自治州 …) with room to spare
_BRACKETS = str.maketrans("", "", "（）()")
_NOT_IN_NAME = ("局", "厅", "委", "办", "政府", "部", "处", "室", "中心", "管理")  # 学院路街道, 人民路街道 are names
_NOISE = re.compile(r"[\s　·•,，、:：\"“”'‘’《》<>]")


@dataclass(frozen=True)
class NamedDivision:
    """A division as the name prints it, and the divisions of the table it can be."""

    name: str
    kind: str
    """The suffix kind (镇, 乡, 街道, 县 …; data/organisations.yaml), 'zone', or '' (市, 区, 省 … say nothing more)."""
    level: str | None
    candidates: tuple[Division, ...] = ()
    """Divisions of the table with this name (or stem), each inside the last placed division before it;
    () where none fits: a zone, a name the table lacks, or one that is not inside what came before."""
    renamed: bool = False
    """Found by its stem: the table has it under another suffix (洪泽县 is now 洪泽区)."""


@dataclass(frozen=True)
class Organisation:
    name: str
    divisions: tuple[NamedDivision, ...] = ()
    level: str | None = None
    body: str | None = None
    words: str = ""
    """What follows the divisions (人民政府办公室, 生态环境局 …); the whole name when there are none."""
    key_words: str | None = None
    """The body's part of the organisation key, from the same reading of ``words``: the body's key for a
    government (人民政府, 办事处, 管理委员会), the office's key, or the words with abbreviations and
    departments renamed by the reform replaced (环境保护局 -> 生态环境局)."""

    @property
    def placed(self) -> int | None:
        """Index of the last division the table has (its place), None when none is."""
        return next((i for i in range(len(self.divisions) - 1, -1, -1) if self.divisions[i].candidates), None)


@dataclass(frozen=True)
class _Vocabulary:
    levels: tuple[str, ...]
    table_levels: dict[int, str]
    division_levels: dict[str, str]
    gazetteer: Gazetteer
    upper_names: frozenset[str]
    """Names of the table's provinces, prefectures and counties."""
    stems: dict[str, str | None]
    """A province's or prefecture's name without its suffix (苏州) -> level (None where two disagree)."""
    renamed: Mapping[tuple[int, str], tuple[Division, ...]]
    """(table level, name without a renamable suffix) -> divisions."""
    renamed_suffixes: dict[int, tuple[str, ...]]
    suffix_kinds: tuple[tuple[str, str], ...]
    not_a_place_before: frozenset[str]
    common_word_divisions: frozenset[str]
    zones: tuple[str, ...]
    zone_prefix: int
    central_starts: tuple[str, ...]
    central_ends: tuple[str, ...]
    central_government: str
    kept_prefixes: tuple[str, ...]
    offices: dict[str, str]
    """Printed office name -> its key."""
    endings: tuple[tuple[str, tuple[str, ...]], ...]
    government_words: frozenset[str]
    government_of: dict[str, str]
    body_keys: dict[str, str]
    """Body -> the key of a government body (人民政府, 办事处, 管理委员会)."""
    replacements: tuple[tuple[str, str], ...]
    """Abbreviated or superseded name -> its full current name, longest first."""
    bodies: tuple[str, ...]

    def kind(self, name: str) -> str:
        return next((kind for suffix, kind in self.suffix_kinds if name.endswith(suffix)), "")

    def table_level(self, found: tuple[Division, ...]) -> str | None:
        return self.table_levels.get(found[0].level) if found else None


@cache
def vocabulary() -> _Vocabulary:
    raw = load_yaml(resources.files(__package__).joinpath("data/organisations.yaml").read_text("utf-8"))
    gaz = gazetteer()
    table_levels = {d["table"]: name for name, d in raw["levels"].items() if d["table"] is not None}
    renamed_suffixes = {int(k): tuple(v) for k, v in raw["renamed_suffixes"].items()}
    stems, upper_names, renamed = _from_table(gaz, table_levels, tuple(raw["stem_suffixes"]), renamed_suffixes)
    bodies = raw["bodies"]
    replacements = {**raw["abbreviations"], **raw["renamed"]}
    return _Vocabulary(
        levels=tuple(raw["levels"]),
        table_levels=table_levels,
        division_levels=raw["division_levels"],
        gazetteer=gaz,
        upper_names=upper_names,
        stems=stems,
        renamed=renamed,
        renamed_suffixes=renamed_suffixes,
        suffix_kinds=tuple(sorted(raw["suffix_kinds"].items(), key=lambda kv: -len(kv[0]))),
        not_a_place_before=frozenset(raw["not_a_place_before"]),
        common_word_divisions=frozenset(raw["common_word_divisions"]),
        zones=tuple(sorted(raw["zones"], key=len, reverse=True)),
        zone_prefix=raw["zone_prefix"],
        central_starts=tuple(raw["central"]["starts"]),
        central_ends=tuple(raw["central"]["ends"]),
        central_government=raw["central"]["government"],
        kept_prefixes=tuple(raw["kept_prefixes"]),
        offices={name: key for key, names in bodies["办公厅/室"]["offices"].items() for name in names},
        endings=tuple((b, tuple(sorted(d["endings"], key=len, reverse=True))) for b, d in bodies.items()
                      if "endings" in d),
        government_words=frozenset(raw["government_words"]),
        government_of=raw["government_of"],
        body_keys={b: d["key"] for b, d in bodies.items() if "key" in d},
        replacements=tuple(sorted(replacements.items(), key=lambda kv: -len(kv[0]))),
        bodies=tuple(bodies),
    )


Derived = tuple[dict[str, "str | None"], frozenset[str], Mapping[tuple[int, str], tuple[Division, ...]]]


def _derive(
    gaz: Gazetteer, table_levels: dict[int, str], stem_suffixes: tuple[str, ...], renamed: dict[int, tuple[str, ...]]
) -> Derived:
    """What the vocabulary reads off the whole table: the stems of provinces and prefectures (苏州 of
    苏州市, with their level), the names of the divisions above the townships, and the divisions by
    name without a renamable suffix."""
    stems: dict[str, str | None] = {}
    for d in gaz.divisions.values():
        level = table_levels[d.level]
        if d.level <= 2 and len(d.name) >= 3:
            for suffix in stem_suffixes:
                if d.name.endswith(suffix) and len(d.name) - len(suffix) >= 2:
                    stem = d.name[: -len(suffix)]
                    stems[stem] = level if stems.get(stem, level) == level else None
                    break
    upper = frozenset(d.name for d in gaz.divisions.values() if d.level <= 3)
    return stems, upper, gaz.stems(renamed)


def _from_table(
    gaz: Gazetteer, table_levels: dict[int, str], stem_suffixes: tuple[str, ...], renamed: dict[int, tuple[str, ...]]
) -> Derived:
    """``_derive``'s answer, kept prepared beside the prepared gazetteer (``extract/cache.py``): derived
    from the whole table once (~0.15 s), then read by key. A gazetteer in memory is derived from directly."""
    if not isinstance(gaz.divisions, Divisions):
        return _derive(gaz, table_levels, stem_suffixes, renamed)
    from gongkai.extract.cache import PreparedTable, cache_dir
    from gongkai.extract.domain.gazetteer import load, prepared_path

    sig = hashlib.blake2b(repr((prepared_path().name, sorted(table_levels.items()), stem_suffixes,
                                sorted(renamed.items()))).encode(), digest_size=6).hexdigest()
    path = cache_dir() / f"division-vocabulary-{sig}.table"
    for attempt in ("read", "build"):
        try:
            if attempt == "build":
                stems, upper, by_stem = _derive(load(), table_levels, stem_suffixes, renamed)
                items = [("stems", stems), ("upper", tuple(sorted(upper)))]
                items += [(f"r:{level}:{stem}", tuple(d.code for d in ds)) for (level, stem), ds in by_stem.items()]
                PreparedTable.write(path, items)
            table = PreparedTable(path)
            stems, upper = table.get("stems"), table.get("upper")
            if stems is None or upper is None:
                raise ValueError(f"{path} is not a prepared vocabulary")
            return stems, frozenset(upper), CodesBy(table, gaz.divisions, "r:", pairs=True)
        except (OSError, ValueError, EOFError):
            continue
    return _derive(gaz, table_levels, stem_suffixes, renamed)


def levels() -> tuple[str, ...]:
    """The level vocabulary, top down."""
    return vocabulary().levels


def bodies() -> tuple[str, ...]:
    """The body vocabulary."""
    return vocabulary().bodies


def normalise_name(name: str | None) -> str:
    """The name without spaces and punctuation, brackets as ASCII: how every reading sees it."""
    return _NOISE.sub("", name or "").replace("（", "(").replace("）", ")")


def _below(level: str | None) -> str | None:
    order = vocabulary().levels
    return None if level is None else order[min(order.index(level) + 1, len(order) - 1)]


def _zone_level(name: str, parent: NamedDivision | None) -> str | None:
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


def _nested(found: tuple[Division, ...], anchor: NamedDivision | None) -> tuple[Division, ...]:
    """Those of ``found`` inside one of the anchor's candidates (all of them without an anchor)."""
    if anchor is None:
        return found
    gaz = vocabulary().gazetteer
    return tuple(c for c in found if any(gaz.is_within(c, a) for a in anchor.candidates))


def _table_division_at(s: str, j: int, within: tuple[Division, ...] | None = None) -> bool:
    """Whether a name of the table starts at ``s[j]`` (one inside a division of ``within``, if given)."""
    v = vocabulary()
    for k in range(j + 2, min(len(s), j + _MAX_NAME) + 1):
        found = v.gazetteer.by_name.get(s[j:k])
        if found and (within is None or any(v.gazetteer.is_within(c, w) for c in found for w in within)):
            return True
    return False


def _common_word_is_division(s: str, j: int, nested: tuple[Division, ...], anchor: NamedDivision | None) -> bool:
    """城区, 东区 …: a division inside the one before it (阳泉市城区), or alone before a government word
    or a division of its own (东区东华街道); not a word of a department's name (城区管理局)."""
    if anchor is not None:
        return bool(nested)
    return s[j:] in vocabulary().government_words or _table_division_at(s, j, nested)


def _holds_a_place(piece: str) -> bool:
    """Whether a province's, prefecture's or county's name is inside ``piece`` (首页云南省保山市隆阳区)."""
    names = vocabulary().upper_names
    return any(piece[a:b] in names for a in range(len(piece)) for b in range(a + 2, len(piece) + 1))


def _candidates(
    s: str, i: int, prev: NamedDivision | None, anchor: NamedDivision | None
) -> Iterator[tuple[int, NamedDivision]]:
    """Divisions that can start at ``s[i]``, preferred first: names of the table inside the last placed
    division (longest first), names it has under another suffix, zones, suffix readings, then names of
    the table that are not inside what came before (read, but not placed)."""
    v = vocabulary()
    top = min(len(s), i + _MAX_NAME)
    taken: set[int] = set()
    unplaced: list[tuple[int, NamedDivision]] = []
    for j in range(top, i + 1, -1):
        piece = s[i:j]
        found = v.gazetteer.by_name.get(piece)
        if found is None:
            continue
        nested = _nested(found, anchor)
        if piece in v.common_word_divisions and not _common_word_is_division(s, j, nested, anchor):
            continue
        div = NamedDivision(piece, v.kind(piece), v.table_level(found), nested)
        if nested:
            taken.add(j)
            yield j, div
        else:
            unplaced.append((j, div))
    for j in range(top, i + 2, -1):
        piece = s[i:j]
        for level, suffixes in v.renamed_suffixes.items():
            suffix = next((x for x in suffixes if piece.endswith(x) and len(piece) - len(x) >= 2), None)
            found = _nested(v.renamed.get((level, piece[: -len(suffix)]), ()), anchor) if suffix else ()
            if found and j not in taken:
                taken.add(j)
                yield j, NamedDivision(piece, v.kind(piece), v.table_levels[level], found, renamed=True)
    for j in range(i + 2, top + 1):
        piece = s[i:j]
        zone = next((z for z in v.zones if piece.endswith(z)), None)
        own = piece[: -len(zone)] if zone else ""
        if zone:
            words, ok = own, bool(own) or prev is not None
        else:  # 西咸新区北杜街道: words up to a 区 the table lacks, before a division it has
            words, ok = piece, (prev is None and j - i <= v.zone_prefix and piece.endswith("区")
                                and piece not in v.gazetteer.by_name and _table_division_at(s, j)
                                and not _holds_a_place(piece))
        if ok and not any(w in words for w in _NOT_IN_NAME):
            yield j, NamedDivision(piece, "zone", _zone_level(piece, prev))
    for j in range(i + 3, top + 1):
        for suffix, kind in v.suffix_kinds:
            if s[i:j].endswith(suffix):
                # "启用沛县" is 沛县 with a word before it, not a county of its own
                if (j not in taken and _placeable(s[i : j - len(suffix)])
                        and not any(s[k:j] in v.upper_names for k in range(i, j - 1))):
                    taken.add(j)
                    yield j, NamedDivision(s[i:j], kind, v.division_levels.get(kind))
                break
    for j, div in unplaced:
        if j not in taken:
            yield j, div


def _chains(
    s: str, i: int, prev: NamedDivision | None, anchor: NamedDivision | None, depth: int = 0
) -> Iterator[tuple[tuple[NamedDivision, ...], int]]:
    """Chains of divisions from ``s[i]``, preferred first, each with where the words after it start."""
    if depth < 6:
        for j, div in _candidates(s, i, prev, anchor):
            for rest, end in _chains(s, j, div, div if div.candidates else anchor, depth + 1):
                yield (div, *rest), end
    yield (), i


def _government(kind: str) -> str:
    v = vocabulary()
    return v.government_of.get(kind, v.government_of["default"])


def _full_name(words: str) -> str:
    """``words`` with a short or superseded name at its end replaced by the full current one."""
    for old, new in vocabulary().replacements:
        if words.endswith(old):
            return words[: -len(old)] + new
    return words


def read_body(words: str, kind: str) -> tuple[str | None, str]:
    """The kind of body that ``words`` (what follows a division of ``kind``) names, and its key words."""
    v = vocabulary()
    if words in v.government_words:
        body = _government(kind)
        return body, v.body_keys[body]
    if words in v.offices:
        return "办公厅/室", v.offices[words]
    for word in ("人民政府", "政府"):  # 淮安市人民政府外事办公室: a department of the government
        if words.startswith(word) and len(words) > len(word) + 1:
            words = words[len(word) :]
            break
    key = _full_name(words)
    for body, endings in v.endings:
        if words.endswith(endings):
            return body, key
    return None, key


def body_of(words: str, kind: str) -> str | None:
    """The kind of body that ``words`` (what follows a division of ``kind``) names."""
    return read_body(words, kind)[0]


def _reading(s: str, chain: tuple[NamedDivision, ...], end: int) -> Organisation:
    body, key = read_body(s[end:], chain[-1].kind)
    level = chain[-1].level
    return Organisation(s, chain, level, body, s[end:], key)


def _read(s: str) -> Organisation | None:
    """The best reading with a division at the start of ``s``: the first chain whose words name a body."""
    first: Organisation | None = None
    for chain, end in _chains(s, 0, None, None):
        if not chain:
            break
        org = _reading(s, chain, end)
        if org.body is not None:
            return org
        first = first or org
    return first


def _ends_a_body(s: str) -> bool:
    return any(s.endswith(endings) for _, endings in vocabulary().endings)


@lru_cache(maxsize=8192)
def classify(name: str | None) -> Organisation:
    """The reading of an organisation's name: its divisions, level, body and key words; what it does not say is None."""
    s = normalise_name(name)
    if not s:
        return Organisation(s)
    org = _read(s)
    if org is not None and org.body is not None:
        return org
    # a vertically managed branch: 国家税务总局淮安市税务局 is a 地级 department
    for k in range(2, len(s) - 2):
        branch = _read(s[k:]) if _ends_a_body(s[:k]) else None
        if branch is not None and branch.body is not None and branch.divisions[0].kind != "zone":
            return Organisation(s, branch.divisions, branch.level, "部门", branch.words, branch.key_words)
    if org is not None:
        return org
    v = vocabulary()
    if s.startswith(v.central_starts) or any(s[:k].endswith(v.central_ends) for k in range(2, len(s) + 1)):
        gov = v.central_government
        tail = s.removeprefix(gov) if s.startswith(gov) else None
        body = _government("central") if tail == "" else "办公厅/室" if tail in v.offices else "部门"
        return Organisation(s, (), "国家级", body, s)
    return Organisation(s, (), None, body_of(s, "") if _ends_a_body(s) else None, s)


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
        if any(div.kind != "zone" for _, div in _candidates(s, i, None, None)):
            org = _read(s[i:])
            if org is not None and org.body is not None:
                return 0 if s[:i].endswith(v.kept_prefixes) else i
    return 0 if whole.body is not None else None
