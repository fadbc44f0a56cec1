"""Every generated document (Word, LibreOffice PDF, web page) gives exactly the truth it was generated from."""

from __future__ import annotations

import json

import pytest

from gongkai import read_report
from tests.conftest import GENERATED
from tests.truth import cell_diff, rule_findings, squash, truth_violations


def _files() -> list[tuple[str, dict]]:
    out = []
    for truth_path in sorted(GENERATED.glob("gen_*.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        out += [(name, truth) for name in truth["formats"]]
    return out


FILES = _files()


@pytest.fixture(scope="module", params=FILES, ids=[f[0] for f in FILES])
def extracted(request):
    name, truth = request.param
    return read_report(GENERATED / name), truth


def test_corpus_is_large_and_varied():
    truths = {t["doc_id"]: t for _, t in FILES}
    assert len(truths) >= 40
    suffixes = {name.rsplit(".", 1)[1] for name, _ in FILES}
    assert suffixes == {"docx", "pdf", "html"}
    assert {t["template"] for t in truths.values()} == {"2019", "2021"}
    assert sum(bool(t["rule_violations"]) for t in truths.values()) >= 3


def test_cells_exact(extracted):
    report, truth = extracted
    missing, extra, wrong = cell_diff(report, truth)
    assert not missing and not extra and not wrong, (missing[:5], extra[:5], list(wrong.items())[:5])


def test_rule_violations_exact(extracted):
    report, truth = extracted
    assert rule_findings(report) == truth_violations(truth)


def test_status_template_metadata(extracted):
    report, truth = extracted
    assert report.status == "ok", (report.errors, [f.message for f in report.findings if f.rule.startswith("missing")])
    assert report.template == truth["template"]
    assert (report.organization, report.year, report.level, report.body) == (
        truth["organization"], truth["year"], truth["level"], truth["body"])
    assert str(report.publication_date) == truth["publication_date"]


@pytest.mark.parametrize("section", ["overall", "problems_improvements", "other_matters"])
def test_sections_text(extracted, section):
    report, truth = extracted
    assert squash(report.sections[section].text) == squash(truth["sections"][section])


def test_provenance(extracted):
    report, _ = extracted
    for cid, cell in report.cells.items():
        assert cell.method == "text" and 0 < cell.confidence <= 1
        assert (cell.page and cell.bbox) if report.source.format == "pdf" else cell.source, cid
