"""The learned item finder and sentence-section tagger: shipped, loaded by spacy.load, deciding, reproducible."""

from pathlib import Path

import pytest
import yaml

from gongkai.nlp import learned
from gongkai.nlp.analyse import DEFAULT_MODEL, analyse, load
from gongkai.nlp.lexicon import alt, words
from gongkai.nlp.training import crf_sequences, train_crf

ROOT = Path(__file__).resolve().parent.parent


def test_the_shipped_pipeline_carries_both_crfs():
    nlp = load()
    assert nlp.get_pipe("gongkai_items").crf.tagger is not None
    assert nlp.get_pipe("gongkai_sections").crf.tagger is not None
    assert (DEFAULT_MODEL / "gongkai_items" / "items.crfsuite").is_file()
    assert (DEFAULT_MODEL / "gongkai_sections" / "sections.crfsuite").is_file()


def test_the_item_crf_decides_not_the_rules():
    """With the CRF emptied the rules alone run; with it, the spans are the CRF's (style 'learned' or the rule's)."""
    nlp = load()
    text = "存在问题：一是政策解读形式单一；二是网站栏目更新不及时。下一步，我局将丰富解读形式，加强栏目日常维护。"
    res = analyse(text, ["problems", "improvements"], nlp)
    got = {(it.label, it.text) for it in res.items}
    assert ("problem", "政策解读形式单一") in got and ("problem", "网站栏目更新不及时") in got
    assert any(lab == "improvement" for lab, _ in got)
    pipe = nlp.get_pipe("gongkai_items")
    saved = pipe.crf.tagger
    try:
        pipe.crf.tagger = None
        rules = {(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items}
    finally:
        pipe.crf.tagger = saved
    assert rules  # the rules still work on their own (features for the CRF, and the blank pipeline)


def test_decode_trims_and_splits_spans():
    text = "一是A不够；二是B不足。"
    tags = ["O", "O", "B-P", "I-P", "I-P", "I-P", "O", "O", "B-P", "I-P", "I-P", "I-P"]
    spans = learned.decode_items(text, tags, [1.0] * len(tags))
    assert [(text[s.start : s.end], s.label) for s in spans] == [("A不够", "problem"), ("B不足", "problem")]


def test_crf_training_is_deterministic(tmp_path):
    recs = yaml.safe_load((ROOT / "tests/nlp_test/fresh8.yaml").read_text("utf-8"))[:6]
    f = tmp_path / "small.yaml"
    f.write_text(yaml.safe_dump(recs, allow_unicode=True), "utf-8")
    items, sections, stats = crf_sequences(f)
    assert stats["items_not_found"] == 0 and items and sections
    assert train_crf(items, max_iterations=20) == train_crf(items, max_iterations=20)


def test_each_vocabulary_is_written_once():
    assert "下一步" in words("next_step") and alt("next_step").startswith("下一阶段")
    src = "".join(p.read_text("utf-8") for p in (ROOT / "nlp").glob("*.py"))
    assert "下一步|下步" not in src and "下步|今后" not in src


@pytest.mark.parametrize("text", ["", "   \n"])
def test_empty_text(text):
    assert analyse(text).items == []
