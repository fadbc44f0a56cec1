"""Shared fixtures: the corpora with ground truth."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "corpus"
SHARED = CORPUS / "shared"
GENERATED = CORPUS / "generated"


def shared_docs() -> list[tuple[str, Path, dict]]:
    """(doc_id, source file, truth) for every real report with ground truth."""
    out = []
    for truth_path in sorted((SHARED / "truth").glob("*.json")):
        truth = json.loads(truth_path.read_text("utf-8"))
        out.append((truth["doc_id"], SHARED / truth["source"], truth))
    return out


@pytest.fixture(scope="session")
def shared_corpus() -> list[tuple[str, Path, dict]]:
    return shared_docs()
