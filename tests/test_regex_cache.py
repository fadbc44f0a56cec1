"""Compiled patterns kept between runs (extract/regexes.py): a second process builds the patterns the
first compiled without compiling them, and gets the very patterns ``re`` would have compiled."""

from __future__ import annotations

import json
import marshal
import os
import re
import subprocess
import sys

import pytest

from gongkai.extract import regexes

PATTERNS = [
    (r"(?P<n>[一二三四五六七八九十]{1,2})是", 0),
    (r"[（(](?P<n>\d{1,2})[)）]", 0),
    (r"(?<!另)(?P<n>一方面|另一方面)(?:[，,]|要|将)?", 0),
    (r"^\s*(\d+(?:\.\d+)?)\s*%$", re.MULTILINE),
    (r"foo|BAR", re.IGNORECASE),
    (rb"\bstream\r?\n", 0),
    (r"(a)(?:b)(?P<c>c)?\1", re.ASCII | re.VERBOSE),
]

_RUN = """
import json, re, sys
from re import _compiler
from gongkai.extract import regexes
regexes.keep_compiled("test")
compiled = []
original = regexes._original
def counting(p, flags=0):
    compiled.append(repr(p))
    return original(p, flags)
regexes._original = counting
patterns = [re.compile(p, f) for p, f in json.loads(sys.argv[1])]
regexes.save()
print(json.dumps({"compiled": compiled, "matched": [bool(p.search("二是 (12) 一方面 foo")) for p in patterns
                                                  if isinstance(p.pattern, str)]}))
"""


def _run(tmp_path, patterns) -> dict:
    env = {**os.environ, "GONGKAI_CACHE_DIR": str(tmp_path)}
    plain = [(p if isinstance(p, str) else p.decode("latin-1"), f) for p, f in patterns]
    out = subprocess.run([sys.executable, "-c", _RUN, json.dumps(plain)], capture_output=True, text=True,
                         env=env, timeout=120, check=True)
    return json.loads(out.stdout)


def test_a_second_run_builds_the_patterns_without_compiling_them(tmp_path):
    patterns = [(p, f) for p, f in PATTERNS if isinstance(p, str)]
    first = _run(tmp_path, patterns)
    assert len(first["compiled"]) == len(patterns)
    second = _run(tmp_path, patterns)
    # fails loudly where Python's compiler is laid out otherwise (the cache then does nothing)
    assert second["compiled"] == [], second["compiled"]
    assert second["matched"] == first["matched"]


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_rebuilt_pattern_is_the_one_re_compiles(pattern, flags):
    expected = re.compile(pattern, flags)
    import _sre

    args = regexes.compile_args(pattern, int(flags))  # the flags re hands its compiler
    rebuilt = _sre.compile(pattern, *args)
    assert rebuilt == expected  # same pattern, flags and compiled program
    assert rebuilt.groupindex == expected.groupindex and rebuilt.groups == expected.groups


def test_a_damaged_entry_is_compiled_as_usual(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path))
    pattern = r"(?P<year>(?:19|20)\d{2})年"
    flags = int(re.UNICODE)  # as re hands it to its compiler
    good = regexes.compile_args(pattern, flags)
    bad = (good[0], [1, 2, 3, 99999], *good[2:])  # a program _sre refuses
    path = regexes._file("damaged")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(marshal.dumps({(pattern, flags): bad}))
    original = regexes._compiler.compile
    try:
        regexes.keep_compiled("damaged")
        built = regexes._compile(pattern, flags)
    finally:
        regexes._compiler.compile = original
        regexes._original = None
        regexes._role = None
    assert built == re.compile(pattern) and built.search("2024年").group("year") == "2024"


def test_the_file_keeps_only_what_the_last_run_used(tmp_path):
    _run(tmp_path, [(r"first(\d+)", 0), (r"second(\d+)", 0)])
    _run(tmp_path, [(r"second(\d+)", 0), (r"third(\d+)", 0)])
    kept = marshal.loads(next(tmp_path.glob("regex-test-*.marshal")).read_bytes())
    assert sorted(p for p, _ in kept) == [r"second(\d+)", r"third(\d+)"]


def test_the_command_and_its_narrative_helper_keep_their_patterns(tmp_path):
    from tests.conftest import SHARED

    gongkai = os.path.join(os.path.dirname(sys.executable), "gongkai")
    env = {**os.environ, "GONGKAI_CACHE_DIR": str(tmp_path)}
    report = subprocess.run([gongkai, "extract", str(SHARED / "pdf" / "huaian_2024.pdf"), "--json"],
                            capture_output=True, text=True, env=env, timeout=300, check=True)
    assert json.loads(report.stdout)["sentences"]  # the helper answered
    kept = {p.name.split("-")[1]: marshal.loads(p.read_bytes()) for p in tmp_path.glob("regex-*.marshal")}
    assert set(kept) == {"cli", "narrative"}, sorted(kept)  # regex-cli-extract-…, regex-narrative-…
    assert len(kept["cli"]) > 20 and len(kept["narrative"]) > 100


def test_a_forked_process_that_did_not_ask_compiles_as_usual(tmp_path, monkeypatch):
    monkeypatch.setenv("GONGKAI_CACHE_DIR", str(tmp_path))
    original = regexes._compiler.compile
    try:
        regexes.keep_compiled("parent")
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: compiles a new pattern; the cache must not record it
            re.compile(r"child-only-(\d+)-pattern")
            os.write(write, str(regexes._new).encode())
            os._exit(0)
        os.waitpid(pid, 0)
        recorded_in_child = int(os.read(read, 16))
        re.compile(r"parent-only-(\d+)-pattern")
        recorded_here = regexes._new
    finally:
        regexes._compiler.compile = original
        regexes._original = None
        regexes._role = None
    assert (recorded_in_child, recorded_here) == (0, 1)
