"""The organisation key: one body across years and the ways its name is printed.

``<division code>/<body>``: 淮安市洪泽区人民政府, 洪泽区人民政府, 洪泽区政府 and (before 2016)
洪泽县人民政府 are all ``320813/人民政府``; 洪泽区政府办公室 is ``320813/人民政府办公室``, a
different body of the same place. When the place is ambiguous or not a division (a development
zone), the key is the printed place and body behind a ``?`` (``?金山镇/人民政府``), so it never
claims a code it does not have. The body vocabulary is data (``data/bodies.yaml``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

from gongkai.extract.domain.across.places import Gazetteer, resolve_place
from gongkai.extract.domain.model import Place, Report

_NOISE = re.compile(r"[\s　·•,，、:：\"“”'‘’《》<>]")


@dataclass(frozen=True)
class Bodies:
    government: str
    government_names: frozenset[str]
    street_office: str
    street_names: frozenset[str]
    offices: dict[str, str]
    """Printed name -> office key."""
    departments: dict[str, str]
    """Abbreviated or superseded department name -> current full name."""

    def key(self, body: str, street: bool) -> str:
        if street and (body in self.street_names or not body):
            return self.street_office
        if not body or body in self.government_names:
            return self.government
        if body in self.offices:
            return self.offices[body]
        for old, new in self.departments.items():
            if body.endswith(old):
                return body[: -len(old)] + new
        return body


@cache
def bodies() -> Bodies:
    text = resources.files("gongkai.extract.domain").joinpath("data/bodies.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    offices = {name: key for key, names in raw["offices"].items() for name in names}
    departments = {**raw.get("abbreviations", {}), **raw.get("renamed", {})}
    # longest first, so 卫生和计划生育委员会 is replaced before a shorter name inside it
    departments = dict(sorted(departments.items(), key=lambda kv: -len(kv[0])))
    return Bodies(
        raw["government"]["key"],
        frozenset(raw["government"]["names"]),
        raw["street_office"]["key"],
        frozenset(raw["street_office"]["names"]),
        offices,
        departments,
    )


def normalise_name(org: str) -> str:
    return _NOISE.sub("", org or "").replace("（", "(").replace("）", ")")


@dataclass(frozen=True)
class Organisation:
    key: str | None
    body: str
    place: Place


def identify(org: str | None, context: str = "", gaz: Gazetteer | None = None) -> Organisation:
    """Key, body and place of an organisation name; ``context`` is the report's text (see resolve_place)."""
    name = normalise_name(org or "")
    if not name:
        return Organisation(None, "", Place())
    place, rest = resolve_place(name, context, gaz)
    street = (place.township or place.name or "").endswith("街道")
    body = bodies().key(rest, street)
    if place.division_code:
        return Organisation(f"{place.division_code}/{body}", body, place)
    if place.name:
        return Organisation(f"?{place.name}/{body}", body, place)
    return Organisation(f"?{name}", body, place)


def report_context(report: Report) -> str:
    """The text a report gives about itself: title, sections (the start of each) and signature."""
    parts = [report.title or ""]
    parts += [s.text[:2000] for s in report.sections.values()]
    return "\n".join(parts)


def identify_report(report: Report, gaz: Gazetteer | None = None) -> None:
    """Fill ``report.org_key`` and ``report.place`` from its organisation and its own text."""
    who = identify(report.organization, report_context(report), gaz)
    report.org_key, report.place = who.key, who.place
