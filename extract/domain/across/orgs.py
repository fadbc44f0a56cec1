"""The organisation key: one body across years and the ways its name is printed.

``<division code>/<body>``: 淮安市洪泽区人民政府, 洪泽区人民政府, 洪泽区政府 and (before 2016)
洪泽县人民政府 are all ``320813/人民政府``; 洪泽区政府办公室 is ``320813/人民政府办公室``, a
different body of the same place. When the place is ambiguous, the key is the printed place and body
behind a ``?`` (``?金山镇/人民政府``), so it never claims a code it does not have; a name with no
division of the table is its own key (``?城乡一体化示范区党政办公室``). The key is made from the same
reading of the name as the report's ``level`` and ``body`` (``organisations.classify``): its body part
is the reading's key words, after the divisions below the place the table does not have
(``430626/某某乡人民政府``).
"""

from __future__ import annotations

from dataclasses import dataclass

from gongkai.extract.domain.across.places import resolve_place
from gongkai.extract.domain.model import Place, Report
from gongkai.extract.domain.organisations import Organisation, classify


@dataclass(frozen=True)
class Identity:
    """An organisation's key and place, with the reading of its name they and its level and body come from."""

    key: str | None
    reading: Organisation
    place: Place


def org_key(reading: Organisation, place: Place) -> str | None:
    """``<code>/<body>``, ``?<place>/<body>`` or ``?<name>`` for a reading and its settled place."""
    if not reading.name:
        return None
    last = reading.placed
    if last is None:
        return f"?{reading.name}"
    below = "".join(d.name for d in reading.divisions[last + 1 :])
    body = below + (reading.key_words or "")
    return f"{place.division_code}/{body}" if place.division_code else f"?{place.name}/{body}"


def identify(org: str | None, context: str = "") -> Identity:
    """Key, reading and place of an organisation name; ``context`` is the report's text (see resolve_place)."""
    reading = classify(org)
    place = resolve_place(reading, context)
    return Identity(org_key(reading, place), reading, place)


def report_context(report: Report) -> str:
    """The text a report gives about itself: title, sections (the start of each) and signature."""
    parts = [report.title or ""]
    parts += [s.text[:2000] for s in report.sections.values()]
    return "\n".join(parts)


def identify_report(report: Report) -> None:
    """Fill ``report.org_key`` and ``report.place``, and its ``level`` and ``body``, from one reading of its name."""
    who = identify(report.organization, report_context(report))
    report.org_key, report.place = who.key, who.place
    report.level, report.body = who.reading.level, who.reading.body
