"""Prepared files (extract/cache.py): jieba's dictionary read in pieces cuts as jieba does, the
gazetteer read by key places as the one indexed in memory, and a missing, broken or unwritable
cache costs time, never a different answer."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gongkai.extract.cache import PreparedTable
from gongkai.extract.domain import gazetteer
from tests.conftest import SHARED


def _narratives() -> list[str]:
    texts = []
    for path in sorted((SHARED / "truth").glob("*.json")):
        texts += [t for t in json.loads(path.read_text("utf-8"))["sections"].values() if t]
    return texts


TEXTS = _narratives()


@pytest.fixture(scope="module")
def jieba_pair():
    """jieba's global tokenizer cutting from the prepared dictionary, and a tokenizer of its own with
    the whole dictionary loaded, as jieba loads it."""
    from gongkai.nlp.dictionary import import_jieba, prepare

    prepare()
    jieba = import_jieba()
    reference = jieba.Tokenizer()
    reference.initialize()
    return jieba, reference


def test_prepared_jieba_cuts_the_corpus_as_jieba_does(jieba_pair):
    jieba, reference = jieba_pair
    assert len(TEXTS) >= 20
    for text in TEXTS:
        assert list(jieba.cut(text)) == list(reference.cut(text))
        assert list(jieba.cut(text, HMM=False)) == list(reference.cut(text, HMM=False))


_CHARS = "".join(sorted({ch for t in TEXTS for ch in t}))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=_CHARS or "公开", min_size=1, max_size=80))
def test_prepared_jieba_cuts_any_text_as_jieba_does(jieba_pair, text):
    jieba, reference = jieba_pair
    assert list(jieba.cut(text)) == list(reference.cut(text))


def test_words_added_at_run_time_keep_their_frequency(jieba_pair):
    jieba, _ = jieba_pair
    jieba.add_word("依申请公开工作台账", 50000)
    assert "依申请公开工作台账" in list(jieba.cut("建立依申请公开工作台账制度"))
    jieba.del_word("依申请公开工作台账")


def _in_fresh_process(cache: Path, code: str) -> str:
    env = {**os.environ, "GONGKAI_CACHE_DIR": str(cache)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout.strip()


_CUT = ("from gongkai.nlp.dictionary import prepare, import_jieba; prepare(); "
        "print('|'.join(import_jieba().cut('全市共受理政府信息公开申请3119件，均在法定期限内予以答复。')))")
_EXPECTED = "全市|共|受理|政府|信息|公开|申请|3119|件|，|均|在|法定期限|内|予以|答复|。"


def test_the_dictionary_is_built_once_then_read(tmp_path):
    assert _in_fresh_process(tmp_path, _CUT) == _EXPECTED
    (built,) = tmp_path.glob("jieba-*.dict")
    stamp = built.stat().st_mtime_ns
    assert _in_fresh_process(tmp_path, _CUT) == _EXPECTED
    assert built.stat().st_mtime_ns == stamp  # read, not rebuilt


def test_only_the_pieces_a_text_needs_are_read(tmp_path):
    code = _CUT + "; print(len(import_jieba().dt.FREQ))"
    cut, loaded = _in_fresh_process(tmp_path, code).splitlines()
    assert cut == _EXPECTED and int(loaded) < 20_000  # of 498,113 entries


def test_a_cut_short_dictionary_is_rebuilt(tmp_path):
    _in_fresh_process(tmp_path, _CUT)
    (built,) = tmp_path.glob("jieba-*.dict")
    built.write_bytes(built.read_bytes()[:100_000])
    assert _in_fresh_process(tmp_path, _CUT) == _EXPECTED
    assert built.stat().st_size > 5_000_000


def test_an_unwritable_cache_folder_costs_time_not_answers(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert _in_fresh_process(blocked / "cache", _CUT) == _EXPECTED  # jieba loads its whole dictionary


# -- the gazetteer ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def gazetteers(tmp_path_factory):
    path = gazetteer.build_prepared(tmp_path_factory.mktemp("cache") / "gazetteer.table")
    return gazetteer.prepared(path), gazetteer.load()


def test_the_prepared_gazetteer_is_the_whole_one(gazetteers):
    prepared, whole = gazetteers
    assert len(prepared.divisions) == len(whole.divisions)
    for i, (code, d) in enumerate(whole.divisions.items()):
        if i % 37 == 0:
            assert prepared.divisions[code] == d
            assert prepared.by_name[d.name] == whole.by_name[d.name]
            assert prepared.path(d) == whole.path(d)
    assert "no such place" not in prepared.by_name and prepared.by_name.get("no such place") is None


def test_organisations_read_from_the_prepared_tables_as_from_the_whole_one(gazetteers, monkeypatch):
    from gongkai.extract.domain import organisations

    names = [d.name + "人民政府" for i, d in enumerate(gazetteers[1].divisions.values()) if i % 211 == 0]
    names += ["淮安市洪泽区人民政府", "重庆市大足区宝顶镇人民政府", "洪泽县政府办公室", "西咸新区底张街道办事处",
              "江苏省人民政府办公厅", "苏州工业园区管委会", "城乡一体化示范区党政办公室"]
    prepared = [organisations.classify(n) for n in names]
    assert isinstance(organisations.vocabulary().gazetteer.divisions, gazetteer.Divisions)
    organisations.vocabulary.cache_clear()
    organisations.classify.cache_clear()
    monkeypatch.setattr(organisations, "gazetteer", lambda: gazetteers[1])
    try:
        assert not isinstance(organisations.vocabulary().gazetteer.divisions, gazetteer.Divisions)
        assert [organisations.classify(n) for n in names] == prepared
    finally:
        organisations.vocabulary.cache_clear()
        organisations.classify.cache_clear()


def test_a_prepared_table_that_is_cut_short_is_refused(tmp_path):
    path = PreparedTable.write(tmp_path / "t.table", [("a", 1), ("b", (2, "x"))], buckets=7)
    table = PreparedTable(path)
    assert (table.get("a"), table.get("b"), table.get("c", "none")) == (1, (2, "x"), "none")
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match="cut short"):
        PreparedTable(path)
