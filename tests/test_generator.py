"""The test-document generator: reproducible, and its truth agrees with the product's rule engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import schema
from tests.conftest import GENERATED
from tests.generator.__main__ import generate_one


def _make(out: Path, indices: range) -> dict[int, dict]:
    out.mkdir()
    return {i: generate_one(i, 7, out, want_pdf=False, want_html=True)[0] for i in indices}


def test_same_seed_same_documents(tmp_path):
    a, b = _make(tmp_path / "a", range(6)), _make(tmp_path / "b", range(6))
    assert a == b
    for i in range(6):
        assert (tmp_path / "a" / f"gen_{i:03d}.html").read_bytes() == (tmp_path / "b" / f"gen_{i:03d}.html").read_bytes()
    assert len({json.dumps(t["cells"], sort_keys=True) for t in a.values()}) == 6


@pytest.mark.parametrize("truth_path", sorted(GENERATED.glob("gen_*.json")), ids=lambda p: p.stem)
def test_truth_violations_agree_with_the_rule_engine(truth_path):
    """Two independent implementations of the yaml's rules must agree on every generated truth."""
    truth = json.loads(truth_path.read_text("utf-8"))
    found = sorted((v.rule, v.where) for v in RuleChecker(schema()).check(truth["cells"]))
    assert found == sorted((v["rule"], v["where"]) for v in truth["rule_violations"])


def test_unruled_pages_keep_their_text_and_lose_every_ruling():
    """The 'unruled' degradation erases the tables' rulings before the scan, and only them."""
    import cv2
    import numpy as np

    from tests.generator.degrade import erase_rulings, render, ruling_edges

    pdf = GENERATED / "gen_000.pdf"
    page = 1  # the applications table
    img = render(pdf, 200, page)
    edges = ruling_edges(pdf)[page]
    assert len(edges) > 20
    out = erase_rulings(img, edges, 200)
    ink = lambda im: cv2.threshold(cv2.cvtColor(im, cv2.COLOR_BGR2GRAY), 0, 255,  # noqa: E731
                                   cv2.THRESH_BINARY_INV | cv2.THRESH_OTSU)[1]
    long_h = cv2.morphologyEx(ink(out), cv2.MORPH_OPEN, np.ones((1, 120), np.uint8))
    long_v = cv2.morphologyEx(ink(out), cv2.MORPH_OPEN, np.ones((120, 1), np.uint8))
    assert cv2.morphologyEx(ink(img), cv2.MORPH_OPEN, np.ones((1, 120), np.uint8)).any()
    assert not long_h.any() and not long_v.any()
    # the text is all still there: most of the ink outside the rulings stays
    assert ink(out).sum() > 0.5 * ink(img).sum()


def test_unruled_is_its_own_level_and_leaves_the_others_alone(tmp_path):
    from tests.generator.degrade import DEFAULT_KIND, EXTRA_LEVELS, LEVELS, degrade_document

    assert "unruled" in EXTRA_LEVELS and "unruled" not in LEVELS and DEFAULT_KIND["unruled"] == "pdf"
    pages, degs = degrade_document(GENERATED / "gen_003.pdf", "unruled", 1)
    assert pages and all(d["dpi"] in (200, 300) for d in degs)  # scanned as an office scanner does


def test_text_exports_read_back_every_cell(tmp_path):
    """Word's "save as text" (every cell ended by a tab, merged cells once or empty): read back whole,
    blanks printed last in a row included (was E_RAGGED_ROW: the reader dropped every trailing empty cell)."""
    from gongkai import read_report
    from gongkai.extract.options import Options

    for i in range(4):
        truth, _ = generate_one(i, 78, tmp_path, want_pdf=False, want_html=False, want_text=True)
        r = read_report(tmp_path / f"gen_{i:03d}.txt", Options(narrative=False))
        assert r.status == "ok" and {k: c.value for k, c in r.cells.items()} == truth["cells"], r.errors


def test_text_export_with_a_blank_first_value_reads_whole(tmp_path):
    """Report 62 of the soak corpus (seed 4242) prints its review table's first value blank: the row
    starts with a tab. Was E_RAGGED_ROW (the reader took every leading empty cell for a merged label)."""
    from gongkai import read_report
    from gongkai.extract.options import Options

    truth, _ = generate_one(62, 4242, tmp_path, want_pdf=False, want_html=False, want_text=True)
    assert truth["cells"]["review_litigation.review.upheld"] is None
    r = read_report(tmp_path / "gen_062.txt", Options(narrative=False))
    assert r.status == "ok" and {k: c.value for k, c in r.cells.items()} == truth["cells"], r.errors


def test_section_passages_take_their_labels_from_the_headings():
    """tests.generator.sections: each subsection of 一 alone, 五 split at its 改进 half, 六's fee sentence, the
    whole narrative; every labelled fragment is in its passage, and the 五 passage's statements are the truth's."""
    from tests.generator.sections import passages

    recs = passages(3, 5)
    assert len(recs) == 3 * 8
    for r in recs:
        assert r["sections"] and all(frag in r["text"] for _, frag in r["sections"])
    sub = [r for r in recs if ".sub." in r["id"]]
    assert all({lab for lab, _ in r["sections"]} == {r["heading"].split(".")[1]} for r in sub)
    for r in (r for r in recs if r["id"].endswith(".five")):
        labels = [lab for lab, _ in r["sections"]]
        assert labels[0] == "problems" and labels[-1] == "improvements"
        assert labels == sorted(labels, key=["problems", "improvements"].index)  # one turn, problems first
    six = [lab for r in recs if r["id"].endswith(".six") for lab, frag in r["sections"] if "处理费" in frag]
    assert six and set(six) == {"fees"}
    assert passages(3, 5) == recs  # deterministic
