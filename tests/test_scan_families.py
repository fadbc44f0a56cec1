"""Every degradation family of issue 13 end to end, one small document each, none of them in the
benchmark's set (benchmarks/bench_ocr.py reads the shared reports and the first generated ones,
gen_000-gen_009): a family reads a document the fixes were not made on. The floors are the first
run's figures less a margin (a floor, not a target: the targets are the benchmark's)."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest

from gongkai import Report, read_report
from tests.conftest import GENERATED
from tests.generator.degrade import OWN_FAMILIES, make, released_families

pytestmark = pytest.mark.slow

BENCHMARK_READS = 10
"""Generated reports below this number may be read by the benchmark (``--generated`` up to 7 reads
gen_000-gen_009)."""
DOCUMENT = {
    "colour150": "gen_021", "copyseal": "gen_022", "curl": "gen_024", "fax": "gen_025", "jpeg": "gen_027",
    "lid": "gen_028", "rot6": "gen_030", "toner": "gen_031", "archive": "gen_033", "lowangle": "gen_034",
    "fill": "gen_036", "cutoff": "gen_037", "pale": "gen_039", "shake": "gen_040", "fold": "gen_042",
    "landscape": "gen_043", "copy2": "gen_019", "sealbw": "gen_045", "halftone": "gen_046", "finebw": "gen_048",
    "forwarded": "gen_045", "scanapp": "gen_046", "glare": "gen_048", "clutter": "gen_049",
    "binder": "gen_012", "rebitonal": "gen_018", "in7_screen": "gen_018", "in7_adf": "gen_040", "in7_reprint": "gen_042",
    "webcms": "gen_015", "reviewed": "gen_027", "in10_microfilm": "gen_016",
}
"""One generated report per family, none the benchmark reads, chosen before the family was first read on
it; a family keeps its document (its floor was set there). Written out since 2026-12-07: branches that
added families at the same time each took the next free documents on their own branch, so two families
may share a document (neither was tuned on it); a new family takes one no benchmark reads."""
RIGHT = {"colour150": 0.99, "copyseal": 0.8, "curl": 0.5, "fax": 0.95, "jpeg": 0.99, "lid": 0.9, "rot6": 0.99,
         "toner": 0.6, "archive": 0.8, "lowangle": 0.97, "fill": 0.97, "cutoff": 0.97, "pale": 0.97, "shake": 0.97,
         "fold": 0.97, "landscape": 0.97, "copy2": 0.97, "sealbw": 0.93, "halftone": 0.8, "finebw": 0.97,
         "forwarded": 0.97, "scanapp": 0.97, "glare": 0.97, "clutter": 0.72, "binder": 0.95, "rebitonal": 0.4,
         "in7_screen": 0.97, "in7_adf": 0.97, "in7_reprint": 0.97, "webcms": 0.9, "reviewed": 0.97,
         "in10_microfilm": 0.05}
"""Share of the document's cells read right. First run (seed 11): colour150 200/200, copyseal 175/200,
curl 115/200, fax 0/200, jpeg 198/198, lid 192/200, rot6 198/198, toner 87/186. The fax page of gen_025
was illegible by eye at the first fax's fixed threshold (it thinned a light font away; that family is now
``fax_fixed``); at the page's own threshold it reads 197/200 (branch bitonal, first run of that family). archive (branch
archive4, gen_033, first run before any fix): 173/198, 8 wrong, none sure. The phone families of branch phone5
(first run on these documents, after that branch's dewarp fixes, 2026-12-07): lowangle 198/198, fill 198/198,
cutoff 186/186, pale 200/200, shake 200/200, fold 198/198, landscape 198/198, none wrong. copy2 (branch copy6,
gen_019, first run on main's code c8ddd49): 198/198, none wrong. toner 105/186 (1 sure) on main c8ddd49, 124/186
(none sure) with the second look at faint numbers (branch copy6): its floor raised from 0.4 to 0.6. The bitonal families of
branch bitonal6 (first run, before any fix, commit c2efabe; generated reports gen_044-048 added for them): sealbw
(gen_045) 193/200, 6 wrong; halftone (gen_046) 169/198, 29 wrong; finebw (gen_048) 186/186; none sure. The phone families as
archives hold them (branch phone6, first run on these documents, on that branch's code: the clutter crash mended,
a number that reads as another glyph read again at its own threshold): forwarded 198/200 (1 wrong, not sure),
scanapp 198/198, glare 186/186, clutter 151/198 (3 wrong, 2 of them sure: see ``NOT_YET_HONEST``). binder (branch
phone7, gen_012, the first free document from the start; first read on that branch's code, with the page found
without the facing one): 196/200, 4 wrong, none sure. rebitonal
(branch bitonal7, gen_018, the last free generated report; first read on that branch's code after its fixes made on
the benchmark's documents, 7c6a9e8): 35/198, then 88/198 (15 wrong, none sure) once a table fragment under a repeated
header continues the page before's (bf85792). in7_screen (round 7's
released family, branch camera7; gen_018 because gen_030-039's free numbers have no PDF): 120/198 on the branch's
starting code 96d8ff3 (its night-mode page unread), 198/198 with the negative page read inverted, none wrong. in7_adf (gen_040, shared with shake) and in7_reprint
(gen_042, shared with fold; branch office7: no free report from gen_040 on had a PDF; first run after the
feeder-streak fix): 199/200 (1 wrong, not sure) and 198/198. webcms (branch bitonal8, gen_015, a free report no
benchmark reads; first read on that branch's code 21af4f5, after its mapping fixes made on the benchmark's
documents): 193/200. reviewed (branch mark10, gen_027, shared with jpeg; first read on that branch's code 7fd8a85,
whose pen and highlighter fixes were made on in8_workcopy's pages): 197/198, 1 wrong. in10_microfilm (round 10's
released family, branch micro11, gen_016, free; first read on that branch's code b5d3eff after its polarity and
lost-label fixes made on the benchmark's documents): 14/198, 2 wrong, none sure: p1 is a negative print scanned
bitonal at a fixed threshold that kept only dots of its applications table (illegible by eye), p0 a 124 dpi bitonal
positive whose small tables' light face is dotted (docs/diag11_microfilm.md, causes 3 and 5)."""
NOT_YET_HONEST: dict[str, str] = {
    "clutter": "issue 13, open: a curled, dim photo of gen_049 among other sheets (seed 11) reads the changes "
               "active_disclosure.penalty.change -2 and .coercion.change -19 as 2 and 19 at 1.0: the minus sign is lost "
               "and both engines agree on the digits",
}
"""Families whose wrong values are still read as sure on this document (issue 13, open). toner
left it when an empty cell in a table that writes 0 for nothing stopped being sure (its 42 were
faded 0s read as sure blanks); curl when the dewarp stood the columns upright too (5 sure-wrong
in leaning columns whose cells straddled two; 120 -> 151 of 200 cells, 1 sure)."""


FAMILIES = sorted({*OWN_FAMILIES, *(f for f in DOCUMENT if f in released_families())})
"""Our families, and the released independent ones (``in7_``) that have a document here (where
tests/heldout_scans is there to make them)."""


def test_every_family_has_a_document_of_its_own():
    assert set(OWN_FAMILIES) <= set(DOCUMENT), "give each new family a generated report (tests/corpus/generated)"
    assert set(DOCUMENT) <= set(OWN_FAMILIES) | set(released_families()) or not released_families()
    assert all(int(d[4:]) >= BENCHMARK_READS and (GENERATED / f"{d}.pdf").exists() for d in DOCUMENT.values())


@dataclass
class _Read:
    report: Report
    expected: dict


_READ: dict[str, _Read] = {}


def _read(family: str, tmp_path_factory, document: str | None = None) -> _Read:
    key = f"{family}/{document or DOCUMENT[family]}"
    if key not in _READ:
        out = tmp_path_factory.mktemp(family)
        truth = make(GENERATED / f"{document or DOCUMENT[family]}.pdf", out, family, seed=11)
        files = [out / f for f in truth["files"]]
        _READ[key] = _Read(read_report(files[0] if len(files) == 1 else files), truth["cells"])
    return _READ[key]


def _wrong(r: _Read) -> dict[str, tuple]:
    cells = r.report.cells
    return {k: (cells[k].value, v, cells[k].confidence) for k, v in r.expected.items()
            if k in cells and cells[k].value != v}


@pytest.mark.parametrize("family", FAMILIES)
def test_a_family_reads_a_document_it_was_not_tuned_on(family, tmp_path_factory):
    r = _read(family, tmp_path_factory)
    right = [k for k, v in r.expected.items() if k in r.report.cells and r.report.cells[k].value == v]
    print(json.dumps({"family": family, "doc": DOCUMENT[family], "right": len(right), "cells": len(r.expected),
                      "wrong": len(_wrong(r))}))
    assert len(right) >= RIGHT[family] * len(r.expected), (len(right), len(r.expected), _wrong(r))
    for c in r.report.cells.values():  # provenance on every value
        assert c.page is not None and c.bbox is not None and c.method.startswith(("ocr:", "repaired:"))
    named = {cid for f in r.report.findings if f.rule == "unreadable.cell" for cid in f.cells}
    unread = {k for k, c in r.report.cells.items() if c.value is None and c.confidence < 0.5}
    assert unread <= named, unread - named  # an honest gap says it is one


@pytest.mark.parametrize(
    "family",
    [pytest.param(f, marks=pytest.mark.xfail(reason=NOT_YET_HONEST[f], strict=True)) if f in NOT_YET_HONEST else f
     for f in FAMILIES],
)
def test_no_wrong_value_is_sure(family, tmp_path_factory):
    sure = {k: w for k, w in _wrong(_read(family, tmp_path_factory)).items() if w[2] >= 0.8}
    assert len(sure) <= 1, sure


def test_pale_photo_of_gen_037_reads_no_sure_wrong_value(tmp_path_factory):
    sure = {k: w for k, w in _wrong(_read("pale", tmp_path_factory, "gen_037")).items() if w[2] >= 0.8}
    assert len(sure) <= 1, sure
