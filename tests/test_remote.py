"""The narrative pipeline in a helper process (nlp/remote.py) answers as the pipeline in this process
does, and whatever goes wrong with the helper, the answer (or the failure) is the in-process one."""

from __future__ import annotations

import json

import pytest

from gongkai.extract.domain.narrative import analyse_narrative, use_analyser
from gongkai.nlp import remote
from gongkai.nlp.analyse import analyse
from tests.conftest import SHARED


def _passages() -> list[tuple[str, list[str]]]:
    out = []
    for path in sorted((SHARED / "truth").glob("*.json"))[:4]:
        sections = json.loads(path.read_text("utf-8"))["sections"]
        out += [(sections["overall"], ["overall"]), (sections["problems_improvements"], ["problems", "improvements"])]
    return out


def _plain(result) -> dict:
    return {k: [vars(x) for x in getattr(result, k)] for k in ("sentences", "items", "facts")}


def test_the_helper_answers_as_the_pipeline_here():
    with remote.AnalyserProcess() as helper:
        for text, allowed in _passages():
            assert _plain(helper.analyse(text, allowed)) == _plain(analyse(text, allowed))
        assert helper._ready is True


def test_a_helper_that_cannot_load_leaves_the_analysis_here(tmp_path):
    from gongkai.nlp.analyse import ModelMissing

    with remote.AnalyserProcess(model=str(tmp_path / "no-model")) as helper:
        text, allowed = _passages()[0]
        with pytest.raises(ModelMissing):  # what the analysis here says: no model there
            helper.analyse(text, allowed)
        assert helper._ready is False


def test_a_dead_helper_leaves_the_analysis_here():
    with remote.AnalyserProcess() as helper:
        assert helper._usable()
        helper._proc.kill()
        helper._proc.join()
        text, allowed = _passages()[0]
        assert _plain(helper.analyse(text, allowed)) == _plain(analyse(text, allowed))


def test_the_helper_fills_a_report_as_the_pipeline_here():
    from gongkai import read_report
    from gongkai.extract.options import Options

    here = read_report(SHARED / "pdf" / "hongze_2024.pdf")
    bare = read_report(SHARED / "pdf" / "hongze_2024.pdf", Options(narrative=False))
    with remote.AnalyserProcess() as helper, use_analyser(helper.analyse):
        analyse_narrative(bare)
    for field in ("sentences", "items", "facts", "findings"):
        assert getattr(bare, field) == getattr(here, field), field


def test_an_error_in_the_helper_is_raised_here():
    with pytest.raises(AttributeError):
        analyse(None, ["overall"])  # type: ignore[arg-type]
    with remote.AnalyserProcess() as helper, pytest.raises(AttributeError):
        helper.analyse(None, ["overall"])  # type: ignore[arg-type]


def test_the_early_helper_is_the_one_the_command_claims():
    remote.start_early()
    early = remote._early
    assert early is not None
    with remote.claim() as helper:
        assert helper is early and remote._early is None
        text, allowed = _passages()[0]
        assert _plain(helper.analyse(text, allowed)) == _plain(analyse(text, allowed))
    with remote.claim() as fresh:  # nothing started early: a new one
        assert fresh is not early


def test_an_early_helper_for_another_model_is_stopped_not_used(tmp_path):
    remote.start_early(model=str(tmp_path / "other"))
    early = remote._early
    with remote.claim() as helper:
        assert helper is not early
    assert early._proc is None or not early._proc.is_alive()


@pytest.mark.parametrize(
    ("argv", "wanted"),
    [
        (["gongkai", "extract", "r.pdf"], True),
        (["gongkai", "extract", "r.pdf", "--json", "-o", "x.json"], True),
        (["gongkai", "extract", "r.pdf", "--no-narrative"], False),
        (["gongkai", "extract", "--help"], False),
        (["gongkai", "extract"], False),
        (["gongkai", "run", "archive/"], False),
        (["gongkai"], False),
    ],
)
def test_the_command_line_starts_the_helper_only_for_one_report_with_its_narrative(argv, wanted):
    from gongkai.extract.interfaces.entry import _wants_narrative

    assert _wants_narrative(argv) is wanted


def test_gongkai_extract_from_the_shell_fills_the_narrative(tmp_path):
    import subprocess
    import sys

    out = tmp_path / "r.json"
    done = subprocess.run(
        [sys.executable, "-m", "gongkai", "extract", str(SHARED / "pdf" / "hongze_2024.pdf"), "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    report = json.loads(out.read_text("utf-8"))
    assert report["items"] and report["sentences"]
