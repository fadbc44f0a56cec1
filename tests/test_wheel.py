"""The built wheel, installed in a fresh venv outside the repository, behaves like the development install.

It once lacked the narrative model (every sentence came out 'overall') and put three
top-level packages named extract, ocr and nlp into site-packages.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

SAMPLE = ROOT / "tests" / "corpus" / "shared" / "pdf" / "huaian_2024.pdf"
SOURCES = ["pyproject.toml", "README.md", "gongkai", "extract", "ocr", "nlp", "models"]


def _run(cmd: list[str], cwd: Path, timeout: int = 900) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """The wheel, built from a copy of the sources (nothing is written into the repository)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        s = ROOT / name
        if s.is_dir():
            shutil.copytree(s, src / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(s, src / name)
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(src)], cwd=src)
    (whl,) = out.glob("gongkai-*.whl")
    return whl


def test_the_wheel_holds_one_top_level_package_and_the_model(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert {n.split("/")[0] for n in names} == {"gongkai", f"{wheel.name.split('-')[0]}-{wheel.name.split('-')[1]}.dist-info"}
    for folder, prefix in [("models", "gongkai/models"), ("extract/domain/data", "gongkai/extract/domain/data")]:
        want = {f"{prefix}/{p.relative_to(ROOT / folder).as_posix()}" for p in (ROOT / folder).rglob("*") if p.is_file()}
        assert want and want <= set(names), sorted(want - set(names))
    entry_points = zipfile.ZipFile(wheel).read(next(n for n in names if n.endswith("entry_points.txt"))).decode()
    assert "gongkai = gongkai.extract.interfaces.entry:main" in entry_points
    assert "gongkai_items = gongkai.nlp.components:make_items" in entry_points


@pytest.mark.slow
def test_the_wheel_in_a_fresh_venv_gives_the_development_output(wheel, tmp_path):
    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", str(venv)], cwd=tmp_path)
    _run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path, timeout=1800)

    # a user's own extract.py / nlp.py are not shadowed, and nothing of ours takes those names
    probe = "import importlib.util as u; print([n for n in ('extract', 'ocr', 'nlp') if u.find_spec(n)])"
    assert _run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path).stdout.strip() == "[]"

    fresh = tmp_path / "wheel.json"
    dev = tmp_path / "dev.json"
    _run([str(venv / "bin" / "gongkai"), "extract", str(SAMPLE), "-o", str(fresh)], cwd=tmp_path)
    _run([sys.executable, "-m", "gongkai", "extract", str(SAMPLE), "-o", str(dev)], cwd=tmp_path)
    a, b = (json.loads(p.read_text("utf-8")) for p in (fresh, dev))
    for r in (a, b):
        r.pop("timings")
    assert not [e for e in a["errors"] if e["code"] == "W_NLP"]
    assert a["sentences"] and {s["source"] for s in a["sentences"]} - {"classifier"}  # headings and cues read
    assert a == b
