"""Every real report of the shared corpus gives exactly its ground truth."""

from __future__ import annotations

import pytest

from gongkai import read_report
from tests.conftest import shared_docs
from tests.truth import cell_diff, rule_findings, squash, truth_violations

DOCS = shared_docs()


@pytest.fixture(scope="module", params=DOCS, ids=[d[0] for d in DOCS])
def extracted(request):
    _, path, truth = request.param
    return read_report(path), truth


def test_corpus_is_complete():
    assert len(DOCS) == 8


def test_cells_exact(extracted):
    report, truth = extracted
    missing, extra, wrong = cell_diff(report, truth)
    assert not missing and not extra and not wrong, (missing[:5], extra[:5], list(wrong.items())[:5])


def test_value_types(extracted):
    report, truth = extracted
    for k, v in truth["cells"].items():
        assert type(report.cells[k].value) is type(v), k


def test_rule_violations_exact(extracted):
    report, truth = extracted
    assert rule_findings(report) == truth_violations(truth)


def test_status_ok_and_template(extracted):
    report, truth = extracted
    assert report.status == "ok", (report.errors, [f for f in report.findings if f.rule.startswith("missing")])
    assert report.template == truth["template"]


# The shared truth files predate level and body; what their organisations are, by the convention
# of extract/domain/data/organisations.yaml:
LEVEL_BODY = {
    "洪泽区人民政府": ("县级", "人民政府"),
    "淮安市洪泽区人民政府": ("县级", "人民政府"),
    "淮安市人民政府": ("地级", "人民政府"),
    "重庆市大足区宝顶镇人民政府": ("乡级", "乡镇"),
    "城乡一体化示范区党政办公室": (None, "办公厅/室"),  # a zone whose government the report never names
    "余关镇人民政府": ("乡级", "乡镇"),
    "金山镇": ("乡级", "乡镇"),
    "召都巴镇": ("乡级", "乡镇"),
}


def test_metadata(extracted):
    report, truth = extracted
    assert report.organization == truth["organization"]
    assert report.year == truth["year"]
    assert (report.level, report.body) == LEVEL_BODY[truth["organization"]]


@pytest.mark.parametrize("section", ["overall", "problems_improvements", "other_matters"])
def test_sections_text(extracted, section):
    report, truth = extracted
    assert section in report.sections
    assert squash(report.sections[section].text) == squash(truth["sections"][section])


def test_provenance(extracted):
    report, _ = extracted
    # born-digital: every page read from its text layer, none OCR'd (extract/readers/textlayer.py)
    assert [(p.decision, p.reason) for p in report.pages] == [("text", None)] * len(report.pages)
    for cid, cell in report.cells.items():
        assert cell.method == "text"
        assert 0 < cell.confidence <= 1
        if report.source.format == "pdf":
            assert cell.page and cell.bbox, cid
        else:
            assert cell.source, cid
