"""The test-document generator: reproducible, and its truth agrees with the product's rule engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from extract.rules import RuleChecker
from extract.schema import schema
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
