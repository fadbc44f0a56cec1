"""The clause tagger (issue 14, round 5): clauses cut where statements may start or end, gold statements
expressible as clause runs, a reproducible CRF shipped in the model, and its side deciding the statements."""

from pathlib import Path

import pytest
import yaml

from gongkai.nlp import learned
from gongkai.nlp.analyse import DEFAULT_MODEL, analyse, load
from gongkai.nlp.clauses import (
    block_context,
    clause_features,
    clause_tags,
    decode_clauses,
    own_subject_pair,
    split_clauses,
)
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
    """Shipped and loaded with the model, and deciding since round 6 (``clauses_split``, chosen on the released
    real passages and cross-validation, README "Round 6"); ``clauses_polarity`` keeps the rules' boundaries."""
    nlp = load()
    pipe = nlp.get_pipe("gongkai_items")
    assert pipe.decision == "clauses_split"
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


# round 6 (issue 14)


def test_a_list_entry_is_cut_from_its_frame():
    """"A、B、C等存在不规范的情况": the last entry ends before its frame, so each entry can be a statement (the
    guide: three items) and the frame can be left out; commas alone are not cut this way."""
    text = "1.信息发布的标题、内容、格式等存在不规范的情况。"
    clauses, _ = _clauses(text)
    pieces = [text[c.start : c.end] for c in clauses]
    assert "格式" in pieces and any(p.startswith("等存在不规范") for p in pieces)
    text = "如政务公开内容、创新方式、开展开放日活动方面有待提升。"
    pieces = [text[c.start : c.end] for c in _clauses(text)[0]]
    assert "开展开放日活动" in pieces
    text = "加强学习，增强公开意识，规范公开内容。"
    assert [text[c.start : c.end] for c in _clauses(text)[0]] == ["加强学习，", "增强公开意识，", "规范公开内容。"]


class _SpansClauses(_StubClauses):
    """A clause tagger that returns the given statements (start, end, label)."""

    def __init__(self, spans):
        self.spans = spans

    def __call__(self, text, sents, found, allowed, sections=None):
        return [learned.Span(a, b, lab, 0.9) for a, b, lab in self.spans]


def test_clauses_split_cuts_a_statement_the_tagger_reads_as_several():
    """``clauses_split``: where the tagger opens two statements inside one of the rules', the rules' statement is
    cut there (a part may be a short list entry); one statement inside it leaves it whole."""
    nlp = load()
    pipe = nlp.get_pipe("gongkai_items")
    text = "存在问题：一是政策解读形式单一；二是网站栏目更新不及时，公开栏内容陈旧。"
    a, b = text.index("网站"), text.index("，")
    c, d = text.index("公开栏"), text.index("。")
    saved, decision = pipe.clauses, pipe.decision
    try:
        pipe.decision = "clauses_split"
        pipe.clauses = _SpansClauses([(a, b, "problem"), (c, d, "problem")])
        assert [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items] == [
            ("problem", "政策解读形式单一"), ("problem", "网站栏目更新不及时"), ("problem", "公开栏内容陈旧")]
        pipe.clauses = _SpansClauses([(a, d, "problem")])
        assert [it.text for it in analyse(text, ["problems", "improvements"], nlp).items] == [
            "政策解读形式单一", "网站栏目更新不及时，公开栏内容陈旧"]
    finally:
        pipe.clauses = saved
        pipe.decision = decision


def test_a_title_entry_takes_the_side_of_its_explanation():
    """seed002's "1.公开平台进一步完善方面。持续加强…": a tagger reading the title alone as a shortfall does not
    decide its side; the whole entry (title and explanation) does."""
    nlp = load()
    pipe = nlp.get_pipe("gongkai_items")
    text = ("1.公开平台进一步完善方面。持续加强政府门户网站、微信公众号等公开平台建设，收集群众意见。\n\n"
            "2.公开队伍进一步强化方面。加强相关工作人员的教育培训，提升队伍的服务和专业水平。")
    saved, decision = pipe.clauses, pipe.decision
    try:
        pipe.decision = "clauses_polarity"
        pipe.clauses = _StubClauses("problem")
        got = [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items]
    finally:
        pipe.clauses = saved
        pipe.decision = decision
    assert got == [("improvement", "公开平台进一步完善方面"), ("improvement", "公开队伍进一步强化方面")]


# round 7 (issue 14)


def test_comma_joined_problems_of_an_older_guide_are_not_taught():
    """Sets labelled before the comma rule was settled kept "A有待提升，B有待规范" as one item: the clause tagger's
    sequence is cut around that sentence (not taught either way); so is it (round 9) where a set written to the rule
    still keeps such an own-subject pair whole, as writers did about half the time; a narrowing clause kept with the
    one before is taught in a settled set, and a pair split as the rule says is taught in both."""
    text = "存在问题：一是公开内容有待丰富，答复文书有待规范；二是政策解读形式单一。下一步将加强培训。"
    rec = {"id": "x", "heading": "problems_improvements", "text": text, "sections": [],
           "items": [{"label": "problem", "text": "公开内容有待丰富，答复文书有待规范"},
                     {"label": "problem", "text": "政策解读形式单一"},
                     {"label": "improvement", "text": "加强培训"}]}
    settled = dict(rec, items=[{"label": "problem", "text": "公开内容有待丰富"},
                               {"label": "problem", "text": "答复文书有待规范"}, *rec["items"][1:]])
    whole = clause_sequences([settled], None)
    assert [len(t) for _, t in whole] == [len(whole[0][1])] * 2  # one sequence per heading mode
    assert clause_sequences([settled], None, settled=False)[0] == whole[0]
    for kept in (True, False):
        cut = clause_sequences([rec], None, settled=kept)
        assert len(cut) > len(whole)  # the passage is cut around the masked sentence
        assert sum(len(t) for _, t in cut) < sum(len(t) for _, t in whole)
    narrows = "存在问题：一是公开内容不够全面，部分栏目内容有待更新；二是政策解读形式单一。下一步将加强培训。"
    rec = dict(rec, text=narrows, items=[{"label": "problem", "text": "公开内容不够全面，部分栏目内容有待更新"},
                                         *rec["items"][1:]])
    assert len(clause_sequences([rec], None)) == 2 and len(clause_sequences([rec], None, settled=False)) > 2


def test_own_subject_pair_is_the_comma_rule_split_not_a_narrowing_or_a_continuation():
    assert own_subject_pair("网站栏目更新不及时，政策解读形式单一")
    assert own_subject_pair("信息公开的内容不够全面，公开的范围有待进一步拓宽")
    assert not own_subject_pair("公开内容不够全面，部分栏目内容陈旧")  # narrows the clause before
    assert not own_subject_pair("信息更新不够及时，不够通俗")  # no subject of its own
    assert not own_subject_pair("加强学习，增强公开意识")  # no lack at all


@pytest.mark.xfail(strict=True, reason="round 7: the clause tagger learnt the comma rule only in part (README, round 7); "
                                      "the guide's own example inside a 一是 entry stays one item")
def test_problem_clauses_with_their_own_subjects_are_separate_items():
    """The settled comma rule on the shipped model: two shortfalls, each with its own subject, are two items."""
    got = [(it.label, it.text) for it in analyse(
        "存在问题：一是公开内容有待丰富，答复文书有待规范；二是政策解读形式单一。", ["problems", "improvements"]).items]
    assert ("problem", "公开内容有待丰富") in got and ("problem", "答复文书有待规范") in got


def test_open_floor_lets_a_second_shortfall_open_its_own_statement():
    """``open_floor`` (round 8): a second shortfall after a comma inside a problem statement opens one of its own when
    the tagger gives that at least this probability; at 0 every such clause does. Improvements' comma clauses are
    never cut this way (the comma rule is about problems)."""
    nlp = load()
    clauses = nlp.get_pipe("gongkai_items").clauses
    text = "存在问题：栏目维护还不够及时，解读形式单一。改进措施：加强学习，增强公开意识。"
    kept = clauses.open_floor
    try:
        clauses.open_floor = 0.0
        got = [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items]
        assert ("problem", "栏目维护还不够及时") in got and ("problem", "解读形式单一") in got
        assert ("improvement", "加强学习，增强公开意识") in got
    finally:
        clauses.open_floor = kept


def test_comma_rule_facts_are_typed_and_bare_ru_does_not_narrow():
    """The tagger's decision reads the comma rule's facts from typed fields (not by searching feature strings);
    a clause opening with 如实 / 涉及 is not narrowing (the lexicon's bare 如 and 涉及 matched them), 部分… is."""
    for second, narrows in (("如实公开的内容有待丰富", False), ("涉及民生的信息不够全面", False),
                            ("部分栏目内容有待更新", True)):
        text = f"存在问题：一是信息更新不够及时，{second}；二是答复文书不规范。"
        sents = split_sentences(text)
        found = find_items(text, sents)
        clauses = split_clauses(text, sents, found)
        feats = clause_features(text, sents, clauses, found, None)
        k = next(i for i, c in enumerate(clauses) if text[c.start : c.end].startswith(second))
        assert (feats[k].lack_after_lack, feats[k].narrows) == (True, narrows)
        assert ("lack_after_lack|narrows=" + ("yes" if narrows else "no")) in feats[k].names


def test_block_context_tells_measures_under_a_heading_from_an_entrys_explanation():
    """Round 10: the clause tagger reads where a sentence sits under the heading or lead-in above it: the measures
    after "（二）改进措施" with no "will" are first / next under an improvement heading, an unmarked sentence after a
    numbered entry is inside the entry."""
    text = "（一）存在的主要问题\n信息覆盖面有待扩大。\n（二）改进措施\n加强宣传教育，提高思想认识；加强组织领导。\n" \
           "（三）下一步工作：一是加大公开力度。做好依申请公开工作。二是完善审核制度。"
    sents = split_sentences(text)
    find_items(text, sents)
    ctx = dict(zip([s.text.strip() for s in sents], block_context(sents), strict=True))
    assert ctx["（一）存在的主要问题"] == "problem|head"
    assert ctx["信息覆盖面有待扩大。"] == "problem|first"
    assert ctx["加强宣传教育，提高思想认识；"] == "improvement|first"
    assert ctx["加强组织领导。"] == "improvement|next"
    assert ctx["一是加大公开力度。"] == "improvement|entry"
    assert ctx["做好依申请公开工作。"] == "improvement|in_entry"


def test_fill_floor_adds_the_taggers_statements_where_the_rules_found_none():
    """``fill_floor`` (round 10): a statement the clause tagger opens where no rules' statement lies stands from that
    confidence up; at 1.0 (never) the rules' statements are all there is."""
    nlp = load()
    items = nlp.get_pipe("gongkai_items")
    text = "（一）存在问题：一是能够被上级部门采用的信息量偏少。信息公开内容深度和广度不够；二是载体有待完善。"
    kept = items.fill_floor
    try:
        items.fill_floor = 1.0
        never = [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items]
        items.fill_floor = 0.0
        always = [(it.label, it.text) for it in analyse(text, ["problems", "improvements"], nlp).items]
    finally:
        items.fill_floor = kept
    assert ("problem", "信息公开内容深度和广度不够") not in never
    assert ("problem", "信息公开内容深度和广度不够") in always
    assert set(never) < set(always)


def test_fill_floor_one_adds_nothing_even_where_the_taggers_confidence_rounds_to_one():
    """review10: span confidences are rounded to 4 places, so many are exactly 1.0 and ``confidence < 1.0`` let
    them through: the shipped "off" (1.0) filled statements anyway."""
    items = load().get_pipe("gongkai_items")
    text = "信息公开内容深度和广度不够。"
    kept = items.fill_floor
    try:
        items.fill_floor = 1.0
        assert items._unfound(text, [], [], [(learned.Span(0, len(text) - 1, "problem", 1.0), [0], None)]) == []
    finally:
        items.fill_floor = kept


def test_fill_leaves_a_title_lines_explanation_and_an_explanations_tail_to_the_title():
    """Round 10 shipped fill off because at 0.75 it took a generated report's explanations for statements (seed003: 12
    items, 6 true; test_nlp's truth test): under a title line of its own ("（一）完善信息公开配套工作" and "按照…" on the
    next line) and the last comma clause of an entry's explanation ("…还需进一步加强，公开内容的准确性与及时性需要进一步
    提高；"). The guide's item is the title; a fill statement opens its sentence (the second shortfall above does)."""
    nlp = load()
    items = nlp.get_pipe("gongkai_items")
    text = ("工作中还存在薄弱环节和不足之处。一是公开内容需要进一步深化。主动公开的政务信息与公众的需求还存在一些距离，"
            "听取公众意见方面还需进一步加强，公开内容的准确性与及时性需要进一步提高；二是宣传和引导工作需要进一步加强。"
            "针对上述存在的问题，下步工作中，我镇将从以下几个方面努力：\n（一）完善信息公开配套工作\n按照市政府政务公开要求，"
            "全面规范政务公开制度，更新信息公开指南和目录，丰富信息公开形式。\n（二）深化政府信息公开内容\n进一步细化、优化"
            "政府信息公开目录，及时发布和更新信息，确保信息发布的准确性与及时性。")
    kept = items.fill_floor
    try:
        items.fill_floor = 0.0
        got = [it.text for it in analyse(text, ["problems", "improvements"], nlp).items]
    finally:
        items.fill_floor = kept
    assert got == ["公开内容需要进一步深化", "宣传和引导工作需要进一步加强", "完善信息公开配套工作", "深化政府信息公开内容"]
