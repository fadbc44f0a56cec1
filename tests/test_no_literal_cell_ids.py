"""Cell ids used in code come from the data dictionary (report_tables.yaml), never from string literals.

The package's source is parsed and every string constant checked (docstrings and schema
``description=`` texts are prose, not ids): a literal that names a table's row (``applications.
new_received``, a whole cell id or a ``where`` pattern), a row or column id of the dictionary
(row ids with an underscore: ``total`` or ``fees`` are words of other vocabularies too), or a row
prefix (``denied_``) means an id was written again outside the dictionary. Column ids alone are not
checked: ``previous_year`` is a column of the 2019 template and of the continuity findings.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from gongkai.extract.domain.schema import TABLES, schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ["extract", "gongkai", "nlp", "ocr"]


def _vocabulary() -> tuple[re.Pattern[str], set[str], re.Pattern[str]]:
    sch = schema()
    rows = {r for t in TABLES for r in sch.row_ids(t)}
    qualified = sorted({f"{t}.{r}" for t in TABLES for r in sch.row_ids(t)}, key=len, reverse=True)
    named = re.compile("|".join(rf"\b{re.escape(q)}\b" for q in qualified))
    ids = {x for x in rows if "_" in x}  # a column id alone (previous_year …) is too often another word
    prefixes = {r[: i + 1] for r in rows for i, ch in enumerate(r) if ch == "_"}
    prefixes = sorted(p for p in prefixes if sum(r.startswith(p) for r in rows) >= 2)
    # a prefix standing alone, as in LIKE 'denied_%' or startswith("other_"), not other_matters
    prefix = re.compile("|".join(rf"(?<![\w]){re.escape(p)}(?![a-z])" for p in prefixes))
    return named, ids, prefix


def _prose(tree: ast.AST) -> set[int]:
    """ids of the constants that are documentation: docstrings and description= keywords."""
    out: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            out.add(id(body[0].value))
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
            out.add(id(node.value))  # attribute docstrings
        if isinstance(node, ast.keyword) and node.arg == "description":
            out.add(id(node.value))
    return out


def literal_ids(path: Path) -> list[tuple[int, str]]:
    named, ids, prefix = _vocabulary()
    tree = ast.parse(path.read_text("utf-8"))
    prose = _prose(tree)
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Constant) or not isinstance(node.value, str) or id(node) in prose:
            continue
        s = node.value
        if named.search(s) or s in ids or prefix.search(s):
            found.append((node.lineno, s))
    return found


def test_the_check_finds_ids_written_as_literals(tmp_path):
    """The check itself: each kind of literal id is caught, prose and other vocabularies are not."""
    src = tmp_path / "sample.py"
    src.write_text(
        '"""A docstring may say applications.new_received.total."""\n'
        'a = "applications.new_received.total"\n'
        'b = {"other_no_correction", "other_total"}\n'
        "c = f\"WHERE row_name LIKE 'denied_%'\"\n"
        'd = "review_litigation.review.*"\n'
        'ok = ["total", "fees", "active_disclosure", "other_matters", "applications"]\n',
        "utf-8",
    )
    got = sorted(s for _, s in literal_ids(src))
    assert got == sorted(["applications.new_received.total", "other_no_correction", "other_total",
                          "WHERE row_name LIKE 'denied_%'", "review_litigation.review.*"]), got


def test_no_cell_ids_written_in_the_code():
    found = {
        f"{path.relative_to(ROOT)}:{line}": text
        for pkg in PACKAGE
        for path in sorted((ROOT / pkg).rglob("*.py"))
        for line, text in literal_ids(path)
    }
    assert not found, f"cell, row or column ids written in code (use the data dictionary, schema()): {found}"
