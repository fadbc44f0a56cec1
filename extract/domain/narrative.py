"""The report's narrative through the NLP pipeline: items, sentence sections, numeric facts.

``nlp`` knows narrative language, not reports; this module is the glue. It decides
what each report section's heading tells the tagger (``SECTION_LABELS``), keeps the
offsets pointing into ``report.sections[<id>].text``, and compares the counts the prose
states with the tables (rule ``narrative.table_mismatch``): real reports disagree with
themselves, and an analyst should know which number to doubt.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator

from gongkai.extract.domain.model import Fact, Finding, Item, Report, Sentence
from gongkai.extract.domain.schema import schema

log = logging.getLogger(__name__)

# report section id -> the sentence labels its heading allows (one: fixed; several: the classifier picks)
SECTION_LABELS: dict[str, list[str]] = {
    "overall": ["overall"],
    "overall.active_disclosure": ["active_disclosure"],
    "overall.on_request": ["on_request"],
    "overall.information_management": ["information_management"],
    "overall.platform_construction": ["platform_construction"],
    "overall.supervision": ["supervision"],
    "active_disclosure": ["active_disclosure"],
    "applications": ["on_request"],
    # requests that end in review or court are part of handling requests
    "review_litigation": ["on_request"],
    "problems_improvements": ["problems", "improvements"],
    "other_matters": ["other_matters", "fees"],
}
_SUBSECTIONS = [k for k in SECTION_LABELS if k.startswith("overall.")]
# sections 二 to 四 hold the tables; their "text" is table crumbs unless it reads as prose
_TABLE_SECTIONS = {"active_disclosure", "applications", "review_litigation"}

def _passages(report: Report) -> list[tuple[str, int, int, list[str] | None]]:
    """(section id, start, end, allowed labels) for each stretch of section text to analyse once.

    The text of 一 contains its subsections; those stretches are analysed under the subsection.
    """
    out: list[tuple[str, int, int, list[str] | None]] = []
    secs = report.sections
    if "overall" in secs:
        text = secs["overall"].text
        cuts: list[tuple[int, int]] = []
        for sub in _SUBSECTIONS:
            if sub in secs and secs[sub].text:
                pos = text.find(secs[sub].text)
                if pos >= 0:
                    cuts.append((pos, pos + len(secs[sub].text)))
        cuts.sort()
        prev = 0
        for a, b in cuts:
            if a > prev:
                out.append(("overall", prev, a, SECTION_LABELS["overall"]))
            prev = max(prev, b)
        if prev < len(text):
            out.append(("overall", prev, len(text), SECTION_LABELS["overall"]))
        for sub in _SUBSECTIONS:
            if sub in secs and secs[sub].text:
                out.append((sub, 0, len(secs[sub].text), SECTION_LABELS[sub]))
    for sid, sec in secs.items():
        if sid == "overall" or sid in _SUBSECTIONS or not sec.text.strip():
            continue
        if sid in _TABLE_SECTIONS and "。" not in sec.text:
            continue
        out.append((sid, 0, len(sec.text), SECTION_LABELS.get(sid)))
    return out


_analyser: Callable | None = None


@contextlib.contextmanager
def use_analyser(analyse: Callable | None) -> Iterator[None]:
    """Within the block, the narrative is analysed by ``analyse`` (``nlp.analyse.analyse``'s signature),
    e.g. ``nlp.remote.AnalyserProcess.analyse``, whose pipeline loads while the report is read."""
    global _analyser
    before, _analyser = _analyser, analyse
    try:
        yield
    finally:
        _analyser = before


def analyse_narrative(report: Report, analyse: Callable | None = None) -> None:
    """Fill ``items``, ``sentences`` and ``facts`` of ``report`` and add mismatch findings (in place)."""
    from gongkai.nlp.labels import ITEM_SECTION  # an item's label -> its sentences' section label (no spaCy)

    analyse = analyse or _analyser
    if analyse is None:
        from gongkai.nlp.imports import import_spacy

        import_spacy()  # before the pipeline's modules import it: without spaCy's command line
        from gongkai.nlp.analyse import analyse
    started = time.perf_counter()
    items: list[Item] = []
    sentences: list[Sentence] = []
    facts: list[Fact] = []
    for sid, a, b, allowed in _passages(report):
        text = report.sections[sid].text
        res = analyse(text[a:b], allowed)
        for s in res.sentences:
            sentences.append(Sentence(section=s.section, section_id=sid, start=a + s.start, end=a + s.end,
                                      text=s.text, confidence=round(s.confidence, 3), source=s.source))
        for it in res.items:
            items.append(Item(label=it.label, topic=it.topic, section=ITEM_SECTION[it.label], text=it.text,
                              start=a + it.start, end=a + it.end, confidence=round(it.confidence, 3), section_id=sid))
        for f in res.facts:
            facts.append(Fact(kind=f.kind, value=f.value, text=f.text, section_id=sid, start=a + f.start,
                              end=a + f.end, approximate=f.approximate))
    report.items = items
    report.sentences = sentences
    report.facts = facts
    report.findings.extend(table_mismatches(report))
    report.timings["nlp"] = round(time.perf_counter() - started, 4)


def table_mismatches(report: Report) -> list[Finding]:
    """A finding for each count stated in the prose that no corresponding table total matches."""
    out: list[Finding] = []
    seen: set[tuple[str, float]] = set()
    for f in report.facts:
        options = schema().narrative_facts.get(f.kind)
        if not options or f.approximate or (f.kind, f.value) in seen:
            continue
        seen.add((f.kind, f.value))
        sums: list[tuple[list[str], float]] = []
        for cells in options:
            if not all(c in report.cells for c in cells):
                continue
            values = [report.cells[c].value for c in cells]
            sums.append((list(cells), float(sum(v or 0 for v in values))))
        if not sums or any(abs(total - f.value) < 1e-6 for _, total in sums):
            continue
        cells, total = sums[0]
        f.cells = cells
        out.append(
            Finding(
                rule="narrative.table_mismatch",
                severity="warning",
                where=f"sections.{f.section_id}",
                cells=cells,
                message=f"the text says “{f.text}” ({f.value:g}) but the table gives {total:g}",
                expected=total,
                printed=f.value,
            )
        )
    return out


def training_examples(report: Report, doc: str, include_predicted: bool = False) -> list:
    """One labelled example per sentence of the report (``nlp.training.Example``).

    A sentence's section comes from the report's structure (its heading, or a lead-in such
    as "主要表现在：") — never from the classifier unless ``include_predicted`` — so a model
    trained on these does not learn from its own guesses.
    """
    from gongkai.nlp.training import Example

    out = []
    items_by_sid: dict[str, list[Item]] = {}
    for it in report.items:
        items_by_sid.setdefault(it.section_id or "", []).append(it)
    for s in report.sentences:
        if s.source == "classifier" and not include_predicted:
            continue
        spans = [
            (it.start - s.start, it.end - s.start, it.label)
            for it in items_by_sid.get(s.section_id, [])
            if it.start is not None and it.end is not None and s.start <= it.start and it.end <= s.end
        ]
        out.append(Example(s.text, s.section, spans, {"doc": doc, "section_id": s.section_id, "source": s.source}))
    return out
