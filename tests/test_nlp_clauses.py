"""The clause tagger (issue 14, round 5): clauses cut where statements may start or end, gold statements
expressible as clause runs, a reproducible CRF shipped in the model, and its side deciding the statements."""

from pathlib import Path

import yaml

from gongkai.nlp import learned
from gongkai.nlp.analyse import DEFAULT_MODEL, analyse, load
from gongkai.nlp.clauses import clause_tags, decode_clauses, split_clauses
from gongkai.nlp.segment import find_items, split_sentences
from gongkai.nlp.training import clause_sequences, train_crf

ROOT = Path(__file__).resolve().parent.parent
TEXT = "存在问题：一是政策解读形式单一，网站栏目更新不及时；二是在及时性、完整性等方面有待加强。"


def _clauses(text):
    sents = split_sentences(text)
    found = find_items(text, sents)
    return split_clauses(text, sents, found), found


def test_clauses_cut_at_markers_commas_list_marks_and_the_rules_boundaries():
    clauses, found = _clauses(TEXT)
    pieces = [TEXT[c.start : c.end] for c in clauses]
    assert "一是" in pieces and "二是" in pieces  # a marker is its own clause
    assert [c.marker for c in clauses if TEXT[c.start : c.end] == "一是"] == [True]
    assert "政策解读形式单一，" in pieces and "网站栏目更新不及时；" in pieces  # cut after the comma
    assert any(p.startswith("完整性") for p in pieces)  # after 、 inside the list frame
    assert {it.start for it in found} <= {c.start for c in clauses}  # whatever the rules say stays expressible
    # a rules' boundary right before the closing mark leaves no clause of punctuation alone
    assert not any(all(ch in "。；，、：" for ch in p) for p in pieces)


def test_gold_statements_are_runs_of_clauses():
    """The clause tags of gold statements decode back to them: the representation can say what labellers say."""
    clauses, _ = _clauses(TEXT)
    gold = [(TEXT.index("政策"), TEXT.index("，"), "problem"), (TEXT.index("网站"), TEXT.index("；"), "problem")]
    tags = clause_tags(TEXT, clauses, gold)
    spans = decode_clauses(TEXT, clauses, tags, [1.0] * len(tags))
    assert [(TEXT[s.start : s.end], s.label) for s in spans] == [("政策解读形式单一", "problem"),
                                                                ("网站栏目更新不及时", "problem")]
    merged = [(TEXT.index("政策"), TEXT.index("；"), "problem")]  # one statement over two clauses
    tags = clause_tags(TEXT, clauses, merged)
    assert [TEXT[s.start : s.end] for s in decode_clauses(TEXT, clauses, tags, [1.0] * len(tags))] == [
        "政策解读形式单一，网站栏目更新不及时"]


def test_the_shipped_pipeline_carries_the_clause_tagger():
    """Shipped and loaded with the model; ``decision = "clauses_polarity"`` in config.cfg switches it on (kept
    off by default: it reads three title entries of a shared real report on the wrong side, README)."""
    nlp = load()
    pipe = nlp.get_pipe("gongkai_items")
    assert (DEFAULT_MODEL / "gongkai_items" / "clauses.crfsuite").is_file()
    assert pipe.clauses.tagger is not None
    text = "存在问题：一是政策解读形式单一；二是网站栏目更新不及时。下一步，我局将丰富解读形式，加强栏目日常维护。"
    saved = pipe.decision
    try:
        pipe.decision = "clauses_polarity"
        got = [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items]
    finally:
        pipe.decision = saved
    assert ("problem", "政策解读形式单一") in got and ("problem", "网站栏目更新不及时") in got
    assert any(lab == "improvement" for lab, _ in got)


class _StubClauses:
    """A clause tagger that reads the whole passage as one statement of ``label`` (or nothing)."""

    tagger = object()
    data = b""

    def __init__(self, label):
        self.label = label

    def __call__(self, text, sents, found, allowed, sections=None):
        return [learned.Span(0, len(text), self.label, 0.9)] if self.label else []


def test_the_clause_taggers_side_decides_the_rules_statements():
    """``clauses_polarity``: the rules' statements, each on the side of the clause tagger's statement that overlaps
    it; where it tags nothing, the rules' cue. (Before round 5 the character CRF's side decided.)"""
    nlp = load()
    pipe = nlp.get_pipe("gongkai_items")
    text = "存在问题：一是政策解读形式单一；二是网站栏目更新不及时。"
    saved, decision = pipe.clauses, pipe.decision
    try:
        pipe.decision = "clauses_polarity"
        pipe.clauses = _StubClauses("improvement")
        assert {it.label for it in analyse(text, ["problems", "improvements"], nlp).items} == {"improvement"}
        pipe.clauses = _StubClauses(None)
        assert [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items] == [
            ("problem", "政策解读形式单一"), ("problem", "网站栏目更新不及时")]
        pipe.clauses = _StubClauses("problem")
        pipe.decision = "clauses"  # the clause tagger alone: its one statement is the statement
        assert [it.text for it in analyse(text, ["problems", "improvements"], nlp).items] == [text]
    finally:
        pipe.clauses = saved
        pipe.decision = decision


def test_clause_training_is_deterministic():
    recs = yaml.safe_load((ROOT / "tests/nlp_test/fresh8.yaml").read_text("utf-8"))[:6]
    seqs = clause_sequences(recs, load())
    assert seqs and all(len(f) == len(t) for f, t in seqs)
    assert train_crf(seqs, max_iterations=20) == train_crf(seqs, max_iterations=20)
