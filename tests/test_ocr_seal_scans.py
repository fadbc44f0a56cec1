"""A photocopy with grey seals over its tables, and a thin-toner copy, end to end.

gen_040 is a generated report the OCR benchmark does not use (it takes the first seven), degraded
by the benchmark's own ``copyseal`` and ``toner`` families with a seed of this test's. What a scan
like this must never do is report a wrong number as sure: a seal's stroke read as a digit, a
digit lifted with the seal and reported a sure blank. Cells it cannot read may stay unsure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai import read_report
from tests.generator.degrade import degrade_document, write_images

pytestmark = pytest.mark.slow

SRC = Path(__file__).parent / "corpus" / "generated" / "gen_040.pdf"
SEED = 4040
SURE = 0.8
RIGHT = {"copyseal": 0.9, "toner": 0.8}
"""Share of the cells read right (measured on this document: a floor against regressions)."""


@pytest.mark.parametrize("level", ["copyseal", "toner"])
def test_a_copy_reports_no_wrong_number_as_sure(level, tmp_path):
    truth = json.loads(SRC.with_suffix(".json").read_text("utf-8"))["cells"]
    pages, params = degrade_document(SRC, level, SEED, "潍坊市生态环境局")
    (name,) = write_images(pages, params[0]["dpi"], [p.get("jpeg", 85) for p in params], tmp_path, level, "pdf")
    report = read_report(tmp_path / name)
    got = report.cells
    wrong_sure = {k: (got[k].value, v, got[k].confidence) for k, v in truth.items()
                  if k in got and got[k].value != v and got[k].confidence >= SURE}
    assert not wrong_sure, wrong_sure
    right = sum(1 for k, v in truth.items() if k in got and got[k].value == v)
    assert right >= RIGHT[level] * len(truth), (right, len(truth))
