"""Every real report of the shared corpus gives exactly its ground truth."""

from __future__ import annotations

import re

import pytest

from extract import read_report
from tests.conftest import shared_docs

DOCS = shared_docs()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module", params=DOCS, ids=[d[0] for d in DOCS])
def extracted(request):
    _, path, truth = request.param
    return read_report(path), truth


def test_corpus_is_complete():
    assert len(DOCS) == 8


def test_cells_exact(extracted):
    report, truth = extracted
    got = report.values()
    missing = sorted(set(truth["cells"]) - set(got))
    extra = sorted(set(got) - set(truth["cells"]))
    wrong = {k: (truth["cells"][k], got[k]) for k in truth["cells"] if k in got and got[k] != truth["cells"][k]}
    assert not missing and not extra and not wrong, (missing[:5], extra[:5], list(wrong.items())[:5])


def test_value_types(extracted):
    report, truth = extracted
    for k, v in truth["cells"].items():
        assert type(report.cells[k].value) is type(v), k


def test_rule_violations_exact(extracted):
    report, truth = extracted
    got = sorted((f.rule, f.where) for f in report.findings if not f.rule.startswith(("missing.", "unreadable.")))
    assert got == sorted((v["rule"], v["where"]) for v in truth["rule_violations"])


def test_status_ok_and_template(extracted):
    report, truth = extracted
    assert report.status == "ok", (report.errors, [f for f in report.findings if f.rule.startswith("missing")])
    assert report.template == truth["template"]


def test_metadata(extracted):
    report, truth = extracted
    assert report.organization == truth["organization"]
    assert report.year == truth["year"]


@pytest.mark.parametrize("section", ["overall", "problems_improvements", "other_matters"])
def test_sections_text(extracted, section):
    report, truth = extracted
    assert section in report.sections
    assert _squash(report.sections[section].text) == _squash(truth["sections"][section])


def test_provenance(extracted):
    report, _ = extracted
    for cid, cell in report.cells.items():
        assert cell.method == "text"
        assert 0 < cell.confidence <= 1
        if report.source.format == "pdf":
            assert cell.page and cell.bbox, cid
        else:
            assert cell.source, cid
