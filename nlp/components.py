"""The spaCy components of the narrative pipeline (registered as factories).

Pipeline (``nlp/config.cfg``): jieba tokenizer → ``gongkai_sentences`` (sentence and
enumeration boundaries) → ``textcat`` (trained section classifier, bag of words) →
``gongkai_sections`` (a section label for every sentence, within the labels the caller
allows) → ``gongkai_items`` (problem/improvement statements in ``doc.spans["items"]``) →
``gongkai_facts`` (numeric facts in ``doc.ents`` with ``ent._.value``).

A caller that knows a passage's heading sets ``doc._.allowed_sections`` before the
components run (see ``nlp.analyse``); without it every label is possible and the
classifier decides alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import numpy
from spacy.attrs import IDX, LENGTH, SENT_START
from spacy.language import Language
from spacy.tokens import Doc, Span

from .clauses import ClauseCRF
from .facts import find_facts
from .labels import ITEM_SECTION, SECTION_ITEM
from .learned import ItemCRF, SectionCRF
from .learned import Span as LearnedSpan
from .lexicon import alt
from .segment import Item, Sentence, find_items, says_plan, split_sentences, strip_lead
from .topics import topic_of

# words by which a sentence states a shortcoming or a plan (see _UsesTextcat.scores)
_SAYS_SO = re.compile(alt("shortfall", "problem_words", "need_words", "plan_words", "next_step", extra=("问题",)))
_FEE = re.compile(alt("fee_words"))

for _name, _default in (("allowed_sections", None), ("char_sentences", None)):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=_default)
for _name in ("section", "section_score", "section_source", "topic", "topic_score", "cue", "value", "approximate",
              "context", "style", "char_start", "char_end", "char_text", "sentences"):
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


def sentence_spans(doc: Doc) -> list[Span]:
    """``doc.sents`` as a list; the boundaries are found once per doc (each component reads them, and spaCy
    scans every token on every read). Span extension values live in the doc, so every copy sees the same
    section; token offsets are kept, not spans, so the doc holds no reference to itself."""
    if "gongkai_sents" not in doc.user_data:
        doc.user_data["gongkai_sents"] = [(s.start, s.end) for s in doc.sents]
    return [doc[a:b] for a, b in doc.user_data["gongkai_sents"]]


def _char_span(doc: Doc, start: int, end: int, label: str = "") -> Span | None:
    return doc.char_span(start, end, label=label, alignment_mode="expand")


@Language.factory("gongkai_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceSegmenter:
    return SentenceSegmenter()


class SentenceSegmenter:
    """Sentence starts at 。；！？, paragraph breaks and enumeration markers (一是, （一）, 1.)."""

    def __call__(self, doc: Doc) -> Doc:
        sents = split_sentences(doc.text)
        # statements and the context cue of every sentence (a lead-in, a list) are known from the text alone
        doc.user_data["gongkai_items"] = find_items(doc.text, sents)
        doc._.char_sentences = sents
        if not len(doc):
            return doc
        # one array write, not a Python call per token (a quarter of the pipeline's time before)
        at = doc.to_array([IDX, LENGTH])
        ends = at[:, 0] + at[:, 1]
        flags = numpy.full((len(doc), 1), -1, dtype="int64")
        flags[0, 0] = 1
        # a boundary inside a jieba token starts the sentence at that token
        k = numpy.searchsorted(ends, numpy.array(sorted({s.start for s in sents}), dtype=ends.dtype), side="right")
        flags[k[(k > 0) & (k < len(doc))], 0] = 1
        doc.from_array([SENT_START], flags.astype("uint64"))  # spaCy's attribute type: -1 wraps, as to_array gives it
        return doc


class _StoresCRF:
    """A component whose trained CRF travels in the model folder (``<component>/<FILE>``)."""

    FILE = ""
    crf: ItemCRF | SectionCRF

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        p = Path(path)
        p.mkdir(parents=True, exist_ok=True)
        if self.crf.data:
            (p / self.FILE).write_bytes(self.crf.data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> _StoresCRF:
        f = Path(path) / self.FILE
        if f.is_file():
            self.crf.load(f.read_bytes())
        return self


class _UsesTextcat:
    def __init__(self, nlp: Language, textcat: str) -> None:
        self.nlp = nlp
        self.textcat_name = textcat

    def ranked(self, spans: list[Span]) -> list[list[tuple[str, float]]] | None:
        """Every label with the classifier's probability, best first, for each span (None: no classifier)."""
        if self.textcat_name not in self.nlp.pipe_names or not spans:
            return None
        pipe = self.nlp.get_pipe(self.textcat_name)
        labels = list(pipe.labels)
        if not labels:
            return None
        probs = pipe.predict([sp.as_doc() for sp in spans])
        probs = probs.get() if hasattr(probs, "get") else probs
        return [sorted(zip(labels, map(float, row), strict=True), key=lambda x: -x[1]) for row in probs]

    def scores(
        self, texts_or_spans: Iterable[Span | str], allowed: Iterable[str] | None, evidence: bool = False
    ) -> list[tuple[str, float]]:
        """Best label and its probability renormalised over the allowed labels, for each input.

        With ``evidence``, problems / improvements need words that say so (不足, 有待, 将, 下一步 …):
        what a report did and what it will do share their vocabulary, so without a heading the
        classifier alone over-reads plans into accounts of the year's work.
        """
        items = list(texts_or_spans)
        docs = [self.nlp.make_doc(x) if isinstance(x, str) else x.as_doc() for x in items]
        if not docs:
            return []
        fallback = [(next(iter(allowed)) if allowed else "overall", 0.0)] * len(docs)
        if self.textcat_name not in self.nlp.pipe_names:
            return fallback  # an untrained pipeline: rules only
        pipe = self.nlp.get_pipe(self.textcat_name)
        labels = list(pipe.labels)
        if not labels:
            return fallback
        probs = pipe.predict(docs)
        probs = probs.get() if hasattr(probs, "get") else probs
        keep = [i for i, lab in enumerate(labels) if allowed is None or lab in set(allowed)]
        if not keep:
            keep = list(range(len(labels)))
        out = []
        cues = [bool(x._.cue) if isinstance(x, Span) else False for x in items]
        for row, doc, cued in zip(probs, docs, cues, strict=True):
            cand = keep
            if evidence and not _SAYS_SO.search(doc.text) and not cued:
                cand = [i for i in keep if labels[i] not in SECTION_ITEM] or keep
            total = float(sum(row[i] for i in cand)) or 1.0
            best = max(cand, key=lambda i: row[i])
            out.append((labels[best], round(float(row[best]) / total, 4)))
        return out


@Language.factory("gongkai_sections", default_config={"textcat": "textcat"})
def make_sections(nlp: Language, name: str, textcat: str) -> SectionTagger:
    return SectionTagger(nlp, textcat)


class SectionTagger(_UsesTextcat, _StoresCRF):
    """A section for every sentence: the only allowed one, or the classifier's best among the allowed.

    With a trained sentence CRF (``sections.crfsuite``) the passage's sentences are tagged together
    (their words, their neighbours', the rules' cues, the label transitions); without it, the bag-of-words
    ``textcat`` labels each sentence alone.
    """

    FILE = "sections.crfsuite"

    def __init__(self, nlp: Language, textcat: str) -> None:
        super().__init__(nlp, textcat)
        self.crf = SectionCRF()

    def __call__(self, doc: Doc) -> Doc:
        allowed = doc._.allowed_sections
        sents = sentence_spans(doc)
        if allowed is not None and len(allowed) == 1:
            for s in sents:
                s._.section, s._.section_score, s._.section_source = allowed[0], 1.0, "heading"
            return doc
        if allowed is not None and set(allowed) == {"other_matters", "fees"}:
            # under 六: a sentence about the information processing fee is about fees, the rest is other matters
            for s in sents:
                fee = bool(_FEE.search(s.text))
                s._.section, s._.section_score, s._.section_source = ("fees" if fee else "other_matters"), 0.95, "cue"
            return doc
        if allowed is None:
            cue_at = {c.start: c.cue for c in (doc._.char_sentences or [])}
            for s in sents:
                s._.cue = cue_at.get(s.start_char)
        chars: list[Sentence] = doc._.char_sentences or []
        if allowed is None and self.crf.tagger is not None and len(chars) == len(sents):
            words = [[t.text for t in s if not t.is_space and not t.is_punct] for s in sents]
            for s, (label, p) in zip(sents, self.crf(words, chars, allowed, self.ranked(sents)), strict=True):
                s._.section, s._.section_score, s._.section_source = label, p, "classifier"
            return doc
        for s, (label, p) in zip(sents, self.scores(sents, allowed, evidence=allowed is None), strict=True):
            s._.section, s._.section_score, s._.section_source = label, p, "classifier"
        return doc


DECISIONS = ("rules", "crf", "fill", "fill_polarity", "rules_polarity", "veto_polarity", "crf_fill", "clauses",
             "clauses_polarity", "clauses_veto", "clauses_split")
"""Who decides the statements (``ItemFinder``): the rules; the CRF; the rules, and the CRF in the sentences
the rules' statements leave untouched (``fill``); either of those with the CRF's side for the rules'
statements it overlaps (``*_polarity``); ``veto_polarity``: as ``rules_polarity``, and a rules' statement
the CRF tags none of is dropped (a heading line or a context clause the rules took for a statement);
``crf_fill``: the CRF's statements, and the rules' in the sentences the CRF tags nothing in (title-only
entries the CRF misses); ``clauses``: the clause tagger (``nlp.clauses``, ``clauses.crfsuite``) decides
where statements are and which side each is on, the rules' statements among its features. Chosen by
measurement (README "The narrative"); ``clauses_polarity`` / ``clauses_veto``: as ``rules_polarity`` /
``veto_polarity`` with the clause tagger's statements in place of the character CRF's; ``clauses_split``: as
``clauses_polarity``, and a rules' statement the tagger reads as two or more (each opened by a ``B-`` clause of
its own inside it: "A有待提升，B有待规范") is cut where the tagger opens them: the rules say where statements are,
the tagger where one holds several and which side each is on."""


@Language.factory("gongkai_items", default_config={"textcat": "textcat", "min_chars": 4, "decision": "rules_polarity",
                                                   "side_floor": 0.0, "open_floor": ClauseCRF.open_floor,
                                                   "fill_floor": 1.0})
def make_items(nlp: Language, name: str, textcat: str, min_chars: int, decision: str,
               side_floor: float, open_floor: float, fill_floor: float) -> ItemFinder:
    if decision not in DECISIONS:
        raise ValueError(f"gongkai_items: decision {decision!r} is none of {', '.join(DECISIONS)}: fix config.cfg")
    return ItemFinder(nlp, textcat, min_chars, decision, side_floor, open_floor, fill_floor)


class ItemFinder(_UsesTextcat, _StoresCRF):
    """Problem and improvement statements as ``doc.spans["items"]`` (label problem | improvement).

    ``decision`` (``DECISIONS``) says who decides with a trained character CRF (``items.crfsuite``, which
    reads the rules' statements as features); the shipped ``rules_polarity``: the rules say where
    statements are, the CRF which side each is on. Without a CRF (``nlp.analyse.blank``) the rules decide
    and the classifier labels what they leave open.
    """

    FILE = "items.crfsuite"

    def __init__(self, nlp: Language, textcat: str, min_chars: int, decision: str = "rules_polarity",
                 side_floor: float = 0.0, open_floor: float = ClauseCRF.open_floor, fill_floor: float = 1.0) -> None:
        super().__init__(nlp, textcat)
        self.min_chars = min_chars
        self.decision = decision
        self.side_floor = side_floor
        """``*_polarity``: the CRF's side counts where its mean marginal reaches this; below it the rules' cue,
        else the classifier, decides (the CRF unsure: 0.61 on a title "3.公开质量进一步提升方面。")."""
        self.fill_floor = fill_floor
        """``clauses_split``: a statement the clause tagger opens where the rules found none (measures under "（二）改进
        措施" with no "will", a second shortfall after an entry's first sentence) stands when the tagger's mean
        marginal over its clauses reaches this (1.0: never; round 10)."""
        self.crf = ItemCRF()
        self.clauses = ClauseCRF()
        self.clauses.open_floor = open_floor

    CLAUSES_FILE = "clauses.crfsuite"

    def to_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> None:
        super().to_disk(path, exclude=exclude)
        if self.clauses.data:
            (Path(path) / self.CLAUSES_FILE).write_bytes(self.clauses.data)

    def from_disk(self, path: str | Path, *, exclude: Iterable[str] = ()) -> ItemFinder:
        super().from_disk(path, exclude=exclude)
        f = Path(path) / self.CLAUSES_FILE
        if f.is_file():
            self.clauses.load(f.read_bytes())
        return self

    def __call__(self, doc: Doc) -> Doc:
        allowed = doc._.allowed_sections
        doc.spans["items"] = []
        if allowed is not None and not set(allowed) & set(SECTION_ITEM):
            return doc
        sents: list[Sentence] = doc._.char_sentences or split_sentences(doc.text)
        found = doc.user_data.get("gongkai_items")
        if found is None:
            found = find_items(doc.text, sents)
        if self.crf.tagger is None or self.decision == "rules":
            doc.spans["items"] = self._rules(doc, sents, found, allowed)
            return doc
        if self.decision == "crf":
            doc.spans["items"] = self._learned(doc, sents, found, allowed, self._crf_spans(doc, sents, found, allowed))
            return doc
        if self.decision.startswith("clauses") and self.clauses.tagger is not None:
            by_start = {s.start_char: s for s in sentence_spans(doc)}
            sections = [sp._.section if (sp := by_start.get(s.start)) is not None else None for s in sents]
            raw = self.clauses(doc.text, sents, found, allowed, sections)
            tagged = self._tagged(doc, sents, found, allowed, raw)
            if self.decision == "clauses":
                doc.spans["items"] = self._learned(doc, sents, found, allowed, tagged)
                return doc
            if self.decision == "clauses_veto":
                found = [it for it in found if _side(it, tagged) is not None]
            if self.decision == "clauses_split":
                found = [part for it in found for part in _split_by(it, raw, doc.text)]
                found = sorted([*found, *self._unfound(doc.text, sents, found, tagged)], key=lambda it: it.start)
            doc.spans["items"] = self._rules(doc, sents, found, allowed, tagged)
            return doc
        tagged = self._crf_spans(doc, sents, found, allowed)
        if self.decision == "crf_fill":
            taken = {i for t in tagged for i in t[1]}
            free = [it for it in found if it.sentences and it.sentences[0] not in taken
                    and not any(t[0].start < it.end and it.start < t[0].end for t in tagged)]
            spans = self._rules(doc, sents, free, allowed) if free else []
            spans += self._learned(doc, sents, found, allowed, tagged)  # after: its sentences take its side
            spans.sort(key=lambda sp: sp._.char_start)
            doc.spans["items"] = spans
            return doc
        if self.decision == "veto_polarity":
            found = [it for it in found if _side(it, tagged) is not None]
        spans = self._rules(doc, sents, found, allowed, tagged if self.decision.endswith("_polarity") else None)
        if self.decision.startswith("fill"):
            # the rules' statements with their elaborations cover these sentences; the CRF speaks elsewhere
            taken = {i for sp in spans for i in sp._.sentences}
            free = [t for t in tagged if not set(t[1]) & taken
                    and not any(sp._.char_start < t[0].end and t[0].start < sp._.char_end for sp in spans)]
            spans += self._learned(doc, sents, found, allowed, free)
            spans.sort(key=lambda sp: sp._.char_start)
        doc.spans["items"] = spans
        return doc

    def _unfound(self, text: str, sents: list[Sentence], found: list[Item],
                 tagged: list[tuple[LearnedSpan, list[int], Item | None]]) -> list[Item]:
        """The tagger's statements that overlap none of the rules' (``fill_floor``), as statements of their own with
        no cue: their side is the tagger's."""
        if self.fill_floor >= 1.0:  # off: a span's confidence is rounded, so many are exactly 1.0
            return []
        explained = {i for it in found if _title_line(it, text, sents) for i in it.sentences[1:]}
        out = []
        for sp, idx, _ in tagged:
            if sp.confidence < self.fill_floor or any(it.start < sp.end and sp.start < it.end for it in found):
                continue
            if set(idx) & explained:
                continue  # a title line's explanation: the guide's item is the title
            if idx and text[sents[idx[0]].body_start : sp.start].strip():
                continue  # opened after clauses of its sentence the tagger left out: an explanation's tail
            out.append(Item(sp.start, sp.end, _flat(text[sp.start : sp.end]), None,
                            "".join(sents[i].text for i in idx), "learned", idx))
        return out

    def _rules(self, doc: Doc, sents: list[Sentence], found: list[Item], allowed: list[str] | None,
               polarity: list[tuple[LearnedSpan, list[int], Item | None]] | None = None) -> list[Span]:
        """The rules' statements; a statement's side from ``polarity`` (the CRF's spans that overlap it) when
        given and one overlaps, else from its cue, else from the classifier."""
        # a list entry under a frame may be short ("存在A、B等问题": 及时性、全面性): the frame vouches for it
        found = [it for it in found if it.end - it.start >= (2 if it.style in ("list", "split") else self.min_chars)]
        if not found:
            return []
        # sections of the char sentences from the sentence spans (same boundaries, token-aligned)
        sent_spans = sentence_spans(doc)
        by_start = {s.start_char: s for s in sent_spans}
        # the context of a sentence (a lead-in, a list under "主要表现在：") says which side it is on
        prev: Sentence | None = None
        prev_in_items = False
        for s in sents:
            span = by_start.get(s.start)
            # without a heading, a sentence in the same paragraph and under the same lead-in as one the
            # classifier put in problems/improvements follows it when it continues the same list
            # ("…；开展依申请公开答复专项培训。", "二是…"): a list goes on, not a new sentence of prose
            follows = (allowed is None and prev is not None and prev_in_items and s.cue is not None
                       and prev.cue == s.cue and (prev.text.endswith(("；", ";"))
                                                  or (s.marker is not None and prev.paragraph == s.paragraph)))
            # without a heading, "下一步，将…" / "2025年，我局拟…" says it is a plan whatever the classifier reads
            follows = follows or (allowed is None and s.plan)
            # without a heading, the plan sentence that turns from a stated problem ("X不足。2022年，我局将…")
            # is its improvement, whatever year it names
            follows = follows or (allowed is None and s.cue == "improvement" and prev is not None
                                  and prev.cue == "problem" and prev_in_items and says_plan(s.text, strip_lead(s.text)))
            if s.cue and span is not None and (span._.section in SECTION_ITEM or follows) and (
                allowed is None or ITEM_SECTION[s.cue] in allowed
            ):
                span._.section, span._.section_score, span._.section_source = ITEM_SECTION[s.cue], 0.9, "cue"
            prev, prev_in_items = s, span is not None and span._.section in SECTION_ITEM
        predicted = [self._sentence_section(by_start, s) for s in sents]
        if allowed is None:
            # no heading: keep statements in sentences the classifier puts in problems/improvements
            found = [it for it in found if predicted[it.sentences[0]] in SECTION_ITEM or (it.cue is not None
                     and any(predicted[i] in SECTION_ITEM for i in it.sentences))]
        sides = {id(it): side for it in found if not _titled(it, sents) and (side := _side(it, polarity)) is not None
                 and side[1] >= self.side_floor} if polarity is not None else {}
        need = [it for it in found if it.cue is None and sides.get(id(it)) is None]
        guesses = self.scores([it.context or it.text for it in need], list(SECTION_ITEM))
        guess = {id(it): g for it, g in zip(need, guesses, strict=True)}
        spans: list[Span] = []
        for it in found:
            side = sides.get(id(it))
            if side is not None:
                label, conf = side
            elif it.cue is not None:
                label, conf = it.cue, 0.95
            else:
                sec, conf = guess[id(it)]
                label = SECTION_ITEM[sec]
            span = _char_span(doc, it.start, it.end, label)
            if span is None:
                continue
            span._.topic, span._.topic_score = topic_of(it.text, it.context)
            span._.section_score = conf
            span._.cue = it.cue
            span._.context = it.context
            span._.style = it.style
            # the statement's exact characters (a jieba token may straddle its first or last one)
            span._.char_start, span._.char_end, span._.char_text = it.start, it.end, it.text
            span._.sentences = list(it.sentences)
            spans.append(span)
            self._relabel_sentences(by_start, sents, it, label, conf)
        return spans

    def _crf_spans(self, doc: Doc, sents: list[Sentence], found: list[Item], allowed: list[str] | None
                   ) -> list[tuple[LearnedSpan, list[int], Item | None]]:
        """The CRF's statements that may stand: each with its sentences and the rules' statement it overlaps."""
        return self._tagged(doc, sents, found, allowed, self._split_lists(self.crf(doc.text, sents, found, allowed),
                                                                          found))

    def _tagged(self, doc: Doc, sents: list[Sentence], found: list[Item], allowed: list[str] | None,
                spans: list[LearnedSpan]) -> list[tuple[LearnedSpan, list[int], Item | None]]:
        """A tagger's statements that may stand: each with its sentences and the rules' statement it overlaps."""
        by_start = {s.start_char: s for s in sentence_spans(doc)}
        out = []
        for sp in spans:
            if sp.end - sp.start < self.min_chars or (allowed is not None and ITEM_SECTION[sp.label] not in allowed):
                continue
            idx = [i for i, s in enumerate(sents) if s.start < sp.end and sp.start < s.end]
            rule = next((it for it in found if it.start < sp.end and sp.start < it.end), None)
            if allowed is None and (rule is None or rule.cue is None) and not any(
                    (sec := by_start.get(sents[i].start)) is not None and sec._.section in SECTION_ITEM for i in idx):
                continue  # no heading: a statement needs a sentence the section tagger reads as 五, or a cue
            out.append((sp, idx, rule))
        return out

    def _learned(self, doc: Doc, sents: list[Sentence], found: list[Item], allowed: list[str] | None,
                 tagged: list[tuple[LearnedSpan, list[int], Item | None]]) -> list[Span]:
        """Statements as the CRF tags them; the sentences holding one take its side."""
        by_start = {s.start_char: s for s in sentence_spans(doc)}
        spans: list[Span] = []
        for sp, idx, rule in tagged:
            span = _char_span(doc, sp.start, sp.end, sp.label)
            if span is None:
                continue
            text = _flat(doc.text[sp.start : sp.end])
            context = "".join(sents[i].text for i in idx)
            span._.topic, span._.topic_score = topic_of(text, context)
            span._.section_score = sp.confidence
            span._.cue = rule.cue if rule is not None else None
            span._.context = context
            span._.style = rule.style if rule is not None else "learned"
            span._.char_start, span._.char_end, span._.char_text = sp.start, sp.end, text
            span._.sentences = idx
            spans.append(span)
            for i in idx:
                sent = by_start.get(sents[i].start)
                if sent is not None:
                    sent._.section, sent._.section_score = ITEM_SECTION[sp.label], sp.confidence
                    # a lead-in or heading cue says the side; otherwise it is the model's reading, never a label
                    # to train on (extract.domain.narrative.training_examples keeps structure only)
                    sent._.section_source = "cue" if rule is not None and rule.cue else "classifier"
        return spans

    @staticmethod
    def _split_lists(spans: list[LearnedSpan], found: list[Item]) -> list[LearnedSpan]:
        """A tagged statement that holds two or more of the rules' list entries ("存在A、B、C等问题",
        "主要表现在：A，B，C") is that list: the entries keep the tagger's side and confidence."""
        out: list[LearnedSpan] = []
        for sp in spans:
            inside = [it for it in found if sp.start <= it.start and it.end <= sp.end and it.style == "list"]
            if len(inside) >= 2:
                out += [LearnedSpan(it.start, it.end, sp.label, sp.confidence) for it in inside]
            else:
                out.append(sp)
        return out

    @staticmethod
    def _sentence_section(by_start: dict[int, Span], s: Sentence) -> str | None:
        span = by_start.get(s.start)
        return span._.section if span is not None else None

    @staticmethod
    def _relabel_sentences(by_start: dict[int, Span], sents: list[Sentence], it: Item, label: str, conf: float) -> None:
        for i in it.sentences:
            span = by_start.get(sents[i].start)
            if span is not None:
                span._.section, span._.section_score = ITEM_SECTION[label], conf
                span._.section_source = "cue" if it.cue else "classifier"


def _side(it: Item, tagged: list[tuple[LearnedSpan, list[int], Item | None]]) -> tuple[str, float] | None:
    """The CRF's side for a rules' statement: that of the tagged characters it overlaps most, if any."""
    best: tuple[int, LearnedSpan] | None = None
    for sp, _, _ in tagged:
        n = min(sp.end, it.end) - max(sp.start, it.start)
        if n > 0 and (best is None or n > best[0]):
            best = (n, sp)
    return (best[1].label, best[1].confidence) if best is not None else None


def _split_by(it: Item, spans: list[LearnedSpan], text: str) -> list[Item]:
    """``it`` cut where the tagger opens statements inside it (two or more inside ``it``: its tags decide, the
    side floor is for sides; a part may be a short list entry, "格式"), the parts keeping its cue, context and
    sentences; ``it`` itself otherwise."""
    inner = [sp for sp in spans if it.start <= sp.start and sp.end <= it.end and sp.end - sp.start >= 2]
    if len(inner) < 2:
        return [it]
    starts = [it.start] + [sp.start for sp in inner[1:]]
    ends = [sp.start for sp in inner[1:]] + [inner[-1].end]  # not the frame after the last ("格式|等存在不规范")
    out = []
    for a, b in zip(starts, ends, strict=True):
        while b > a and text[b - 1] in "，,、；;：: \n\t":
            b -= 1
        out.append(replace(it, start=a, end=b, text=_flat(text[a:b]), style="split"))
    return out


def _titled(it: Item, sents: list[Sentence]) -> bool:
    """A title entry ("1.公开平台进一步完善方面。持续加强…"): the statement is its first sentence and the entry
    goes on to explain it. Its side is the whole entry's, which a tagger reading the title's clauses does not
    see ("进一步完善方面" reads as a shortfall alone): the classifier reads title and explanation together."""
    return len(it.sentences) > 1 and it.end <= sents[it.sentences[0]].end and it.cue is None


def _title_line(it: Item, text: str, sents: list[Sentence]) -> bool:
    """A title on a line of its own ("（一）完善信息公开配套工作" and the explanation from the next line): the statement
    is the title, what follows in its entry explains it (the guide). A first sentence closed by 。 or ； is no title
    line: what follows it may be a second statement ("一是…偏少。信息公开内容深度和广度不够；")."""
    if len(it.sentences) < 2:
        return False
    first = sents[it.sentences[0]]
    return it.end <= first.end and text[first.start : first.end].rstrip()[-1:] not in "。；;！!？?"


@Language.factory("gongkai_facts")
def make_facts(nlp: Language, name: str) -> FactFinder:
    return FactFinder()


class FactFinder:
    """Numeric facts as entities: ``ent.label_`` is the kind, ``ent._.value`` the normalised number."""

    def __call__(self, doc: Doc) -> Doc:
        ents: list[Span] = []
        last_end = -1
        for f in find_facts(doc.text):
            span = _char_span(doc, f.start, f.end, f.kind)
            if span is None or span.start < last_end:
                continue
            span._.value, span._.approximate = f.value, f.approximate
            span._.char_start, span._.char_end, span._.char_text = f.start, f.end, f.text
            ents.append(span)
            last_end = span.end
        doc.ents = ents
        return doc


def _flat(s: str) -> str:
    return re.sub(r"\s*\n\s*", "", s)
