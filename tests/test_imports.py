"""Each command imports what it needs: `gongkai extract` of a report with a text layer loads no OCR
engine, no Dask, DuckDB or pandas, no pdfplumber; spaCy (without its command line) loads in a helper
process while the report is read (nlp/remote.py), not in the command's own."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.conftest import GENERATED, SHARED

_RUN = """
import json, sys
from gongkai.extract.interfaces.entry import main  # the `gongkai` command's own entry
out, sys.argv = sys.argv[1], ["gongkai", *sys.argv[2:]]
try:
    main()
except SystemExit:
    pass
with open(out, "w") as f:
    json.dump(sorted(sys.modules), f)
"""

NEVER = ("pandas", "duckdb", "dask", "distributed", "cv2", "tesserocr", "pytesseract", "rapidocr", "onnxruntime",
         "pdfplumber", "pdfminer", "camelot", "pkg_resources", "weasel", "requests", "httpx", "pyarrow")


def _modules(tmp_path, *args: str) -> set[str]:
    out = tmp_path / "modules.json"
    proc = subprocess.run([sys.executable, "-c", _RUN, str(out), *args], capture_output=True, text=True, timeout=300)
    assert out.exists(), proc.stderr[-2000:]
    return {m.split(".")[0] for m in json.loads(out.read_text())}


@pytest.mark.parametrize("path", [SHARED / "pdf" / "huaian_2024.pdf", GENERATED / "gen_000.docx",
                                  GENERATED / "gen_002.html", SHARED / "seeds" / "seed000.txt"],
                         ids=["pdf", "docx", "html", "text"])
def test_extract_imports_only_what_it_needs(tmp_path, path):
    loaded = _modules(tmp_path, "extract", str(path), "--json", "-o", str(tmp_path / "r.json"))
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["status"] == "ok" and report["sentences"]  # the narrative ran, in the helper
    narrative = {"spacy", "thinc", "jieba", "numpy"}  # the helper's, with the spaCy pipeline
    assert not loaded & {*narrative, *NEVER}, sorted(loaded & {*narrative, *NEVER})


def test_extract_without_the_narrative_loads_no_spacy(tmp_path):
    loaded = _modules(tmp_path, "extract", str(SHARED / "pdf" / "huaian_2024.pdf"), "--json", "--no-narrative",
                      "-o", str(tmp_path / "r.json"))
    assert not loaded & {"spacy", "thinc", "jieba", "numpy", *NEVER}


_AT_FORK = """
import json, os, sys
out, sys.argv = sys.argv[1], ["gongkai", *sys.argv[2:]]
at_fork = []
os.register_at_fork(before=lambda: at_fork.append(sorted(m for m in ("pydantic.main", "yaml", "spacy", "typer")
                                                         if m in sys.modules)))
from gongkai.extract.interfaces.entry import main
try:
    main()
except SystemExit:
    pass
with open(out, "w") as f:
    json.dump(at_fork, f)
"""


def test_what_the_command_and_its_helper_both_import_is_imported_before_the_fork(tmp_path):
    """pydantic and PyYAML, needed on both sides of the fork, are imported once (~0.1 s of CPU less in all);
    spaCy and the command line are not (each is one side's)."""
    out = tmp_path / "at_fork.json"
    proc = subprocess.run([sys.executable, "-c", _AT_FORK, str(out), "extract", str(SHARED / "pdf" / "huaian_2024.pdf"),
                           "--json", "-o", str(tmp_path / "r.json")], capture_output=True, text=True, timeout=300)
    assert out.exists(), proc.stderr[-2000:]
    assert json.loads(out.read_text())[0] == ["pydantic.main", "yaml"]
