"""The learned parts of the narrative pipeline: two linear-chain CRFs (python-crfsuite).

- ``ItemCRF`` tags characters ``B-P I-P B-I I-I O``: where a problem / improvement statement starts and
  ends, and which it is. Its features are the characters around (unigrams to trigrams) and what the
  rules of ``nlp.segment`` say (their statement spans and cues, sentence starts, enumeration markers,
  lead-ins): the rules are evidence the model weighs against the wording, not the decision.
- ``SectionCRF`` tags the sentences of a passage with their section when no heading says it: the
  sentence's words and opening, its neighbours' words, the rules' cue, and the label transitions
  (a subsection's sentences follow one another).

Both are trained by ``nlp.training.train_learned`` from the hand-labelled YAML sets and stored inside
the spaCy model folder (``items.crfsuite``, ``sections.crfsuite``), so ``spacy.load`` brings them.
Chosen over spaCy ``spancat`` and a token tagger because item boundaries fall inside jieba tokens
("一是要…" drops 要) and the corpus is small (~1 000 items): a CRF on characters trains in a minute,
tags a report in milliseconds and is deterministic (measurements: README "The narrative").
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .segment import Item, Sentence

ITEM_TAGS = ("O", "B-P", "I-P", "B-I", "I-I")
LABEL_OF = {"P": "problem", "I": "improvement"}
TAG_OF = {v: k for k, v in LABEL_OF.items()}


@dataclass
class Span:
    start: int
    end: int
    label: str
    confidence: float


def heading_mode(allowed: Sequence[str] | None) -> str:
    """How the passage is read, a feature of both taggers: under 五's heading, another heading, or none."""
    if allowed is None:
        return "none"
    return "five" if set(allowed) <= {"problems", "improvements"} else "other"


def item_features(text: str, sents: list[Sentence], rule_items: list[Item], allowed: Sequence[str] | None
                  ) -> list[list[str]]:
    """One feature list per character of ``text``."""
    n = len(text)
    rule = ["O"] * n
    for it in rule_items:
        lab = TAG_OF.get(it.cue or "", "X")
        for k in range(it.start, min(it.end, n)):
            rule[k] = ("B-" if k == it.start else "I-") + lab
    sent_of = [-1] * n
    for j, s in enumerate(sents):
        for k in range(s.start, min(s.end, n)):
            sent_of[k] = j
    starts = {s.start: s for s in sents}
    bodies = {s.body_start for s in sents if s.marker is not None}
    marks = {s.start for s in sents if s.marker is not None}
    mode = "h=" + heading_mode(allowed)
    pad = "\x02\x02" + text.replace("\n", "¶") + "\x03\x03"
    out: list[list[str]] = []
    for i in range(n):
        p = i + 2
        c = pad[p]
        j = sent_of[i]
        s = sents[j] if j >= 0 else None
        cue = (s.cue or "none") if s is not None else "out"
        pos = i - s.body_start if s is not None else -1
        bucket = "neg" if pos < 0 else str(pos) if pos < 4 else "4-8" if pos < 9 else "9+"
        f = [
            "b", mode, "c=" + c, "c-1=" + pad[p - 1], "c+1=" + pad[p + 1], "c-2=" + pad[p - 2], "c+2=" + pad[p + 2],
            "b-1=" + pad[p - 1 : p + 1], "b+1=" + pad[p : p + 2], "b-2=" + pad[p - 2 : p], "b+2=" + pad[p + 1 : p + 3],
            "t=" + pad[p - 1 : p + 2], "r=" + rule[i], "r-1=" + (rule[i - 1] if i else "^"),
            "r+1=" + (rule[i + 1] if i + 1 < n else "$"), "cue=" + cue, "pos=" + bucket,
            mode + "|r=" + rule[i], mode + "|cue=" + cue, "r=" + rule[i] + "|c=" + c,
        ]
        if i in starts:
            f.append("sent_start")
            if starts[i].lead:
                f.append("lead_in")
            if starts[i].plan:
                f.append("plan")
        if i in marks:
            f.append("marker")
        if i in bodies:
            f.append("after_marker")
        if s is not None and i == s.end - 1:
            f.append("sent_end")
        out.append(f)
    if CONTEXT_FEATURES:
        for f, g in zip(out, context_features(text, sents, rule_items, sent_of), strict=True):
            f += g
    return out


CONTEXT_FEATURES = False
"""Whether ``item_features`` adds ``context_features`` (benchmarks/cv_learned.py compares both)."""


def context_features(text: str, sents: list[Sentence], rule_items: list[Item], sent_of: list[int]
                     ) -> list[list[str]]:
    """Where a character stands in the passage's argument, beyond its own sentence: the enumeration family
    of its sentence, how many sentences since the last lead-in and what that lead-in's cue was, its clause
    (comma) index in the sentence, and the side of the rules' previous statement. These carry a side across
    a list whose own words are neutral ("一是…；二是…" after "存在以下不足：")."""
    n = len(text)
    lead_at: list[tuple[int, str]] = []  # per sentence: (sentences since the last lead-in, its cue)
    since, lead_cue = -1, "none"
    for j, s in enumerate(sents):
        if j and s.paragraph != sents[j - 1].paragraph and s.marker is None:
            since, lead_cue = -1, "none"  # a new unnumbered paragraph leaves the list
        if since >= 0:
            since += 1
        lead_at.append((since, lead_cue))
        if s.lead or (s.marker is None and text[max(s.start, s.end - 1) : s.end] in "：:"):
            since, lead_cue = 0, s.cue or "none"
    prev_side = ["^"] * n
    last = "^"
    ends = sorted(rule_items, key=lambda it: it.start)
    k = 0
    for i in range(n):
        while k < len(ends) and ends[k].end <= i:
            last = TAG_OF.get(ends[k].cue or "", "X")
            k += 1
        prev_side[i] = last
    out: list[list[str]] = []
    clause = 0
    cur = -2
    for i in range(n):
        j = sent_of[i]
        if j != cur:
            cur, clause = j, 0
        elif text[i - 1] in "，,；;":
            clause += 1
        if j < 0:
            out.append(["ctx=out", "prev=" + prev_side[i]])
            continue
        s = sents[j]
        since, lc = lead_at[j]
        sl = "nolead" if since < 0 else str(since) if since < 3 else "3+"
        cl = str(clause) if clause < 3 else "3+"
        fam = s.marker.family if s.marker is not None else "none"
        out.append(["mk=" + fam, "sl=" + sl, "lc=" + lc, "sl|lc=" + sl + "|" + lc, "cl=" + cl,
                    "prev=" + prev_side[i], "prev|cue=" + prev_side[i] + "|" + (s.cue or "none"),
                    "mk|lc=" + fam + "|" + lc])
    return out


def decode_items(text: str, tags: Sequence[str], probs: Sequence[float]) -> list[Span]:
    """Spans from a B/I/O tag sequence, trimmed of punctuation and white space at both ends."""
    out: list[Span] = []
    start, lab = -1, ""

    def close(end: int) -> None:
        a, b = start, end
        while a < b and (text[a].isspace() or text[a] in _TRIM):
            a += 1
        while b > a and (text[b - 1].isspace() or text[b - 1] in _TRIM):
            b -= 1
        if b - a >= 2:
            conf = sum(probs[a:b]) / (b - a)
            out.append(Span(a, b, LABEL_OF[lab], round(conf, 4)))

    for i, t in enumerate(tags):
        if t.startswith("B-") or (t.startswith("I-") and (start < 0 or t[2:] != lab)):
            if start >= 0:
                close(i)
            start, lab = i, t[2:]
        elif t == "O" and start >= 0:
            close(i)
            start = -1
    if start >= 0:
        close(len(tags))
    return out


_TRIM = "。；;，,：: \t\n\u3000、"


class CrfTagger:
    """A trained CRF held in memory (its bytes kept, for saving with the pipeline); empty until loaded."""

    def __init__(self, data: bytes | None = None) -> None:
        self.tagger = None
        self.data = b""
        if data:
            self.load(data)

    def load(self, data: bytes) -> None:
        import pycrfsuite

        self.tagger = pycrfsuite.Tagger()
        self.tagger.open_inmemory(data)
        self.data = data


class ItemCRF(CrfTagger):
    """Character tagger of problem / improvement statements."""

    def __call__(self, text: str, sents: list[Sentence], rule_items: list[Item],
                 allowed: Sequence[str] | None) -> list[Span]:
        if self.tagger is None or not text:
            return []
        self.tagger.set(item_features(text, sents, rule_items, allowed))
        tags = self.tagger.tag()
        # marginals only where a statement is tagged: the rest are never read
        probs = [self.tagger.marginal(t, i) if t != "O" else 0.0 for i, t in enumerate(tags)]
        return decode_items(text, tags, probs)


def sentence_features(words: list[list[str]], sents: list[Sentence], bow: list[list[tuple[str, float]]] | None = None
                      ) -> list[list[str]]:
    """One feature list per sentence: its words and character bigrams, its opening, its neighbours' words, the
    rules' cue, and the bag-of-words classifier's two best labels (``bow``: it has read ~14 000 generated
    sentences)."""
    out: list[list[str]] = []
    for j, (ws, s) in enumerate(zip(words, sents, strict=True)):
        body = s.text[s.body_start - s.start :]
        f = ["b", "cue=" + (s.cue or "none"), "p2=" + body[:2], "p4=" + body[:4]]
        if bow is not None:
            (l1, p1), (l2, _) = bow[j][0], bow[j][1]
            f += ["tc=" + l1, "tc2=" + l2, "tc=" + l1 + ("|hi" if p1 >= 0.8 else "|mid" if p1 >= 0.5 else "|lo")]
            for k in (j - 1, j + 1):
                if 0 <= k < len(bow):
                    f.append(("ptc=" if k < j else "ntc=") + bow[k][0][0])
        f += ["w=" + w for w in ws]
        f += ["w2=" + a + b for a, b in itertools.pairwise(ws)]
        if s.marker is not None:
            f.append("marker=" + s.marker.family)
        if len(body) <= 16 and not body.endswith("。"):
            f.append("short_title")
        if s.plan:
            f.append("plan")
        if j == 0 or sents[j - 1].paragraph != s.paragraph:
            f.append("para_start")
        if j > 0:
            f += ["pw=" + w for w in words[j - 1][:12]]
        else:
            f.append("first")
        if j + 1 < len(words):
            f += ["nw=" + w for w in words[j + 1][:12]]
        else:
            f.append("last")
        if SECTION_CHAR_BIGRAMS:
            f += sorted({"cb=" + body[k : k + 2] for k in range(len(body) - 1) if not _skip_bigram(body[k : k + 2])})
        if SECTION_WIDE:
            f += ["p2w=" + w for w in (words[j - 2][:8] if j > 1 else [])]
            f += ["n2w=" + w for w in (words[j + 2][:8] if j + 2 < len(words) else [])]
        out.append(f)
    return out


SECTION_CHAR_BIGRAMS = True
"""Whether ``sentence_features`` adds the sentence's character bigrams (words jieba cuts differently
still share them: 新媒体 / 政务新媒体); benchmarks/cv_learned.py compares."""
SECTION_WIDE = False
"""Whether ``sentence_features`` adds the words of the sentences two before and two after."""


def _skip_bigram(bigram: str) -> bool:
    return any(c.isspace() or c in _TRIM or c in "（）()《》“”\"、.．" or c.isdigit() for c in bigram)


class SectionCRF(CrfTagger):
    """Sentence tagger of sections, for passages without a heading."""

    def __call__(self, words: list[list[str]], sents: list[Sentence], allowed: Iterable[str] | None = None,
                 bow: list[list[tuple[str, float]]] | None = None) -> list[tuple[str, float]]:
        """(label, marginal probability) per sentence; with ``allowed``, the best allowed label."""
        if self.tagger is None or not sents:
            return []
        self.tagger.set(sentence_features(words, sents, bow))
        tags = self.tagger.tag()
        labels = set(self.tagger.labels())
        keep = [lab for lab in allowed if lab in labels] if allowed is not None else []
        out = []
        for i, t in enumerate(tags):
            if keep and t not in keep:
                probs = {lab: self.tagger.marginal(lab, i) for lab in keep}
                total = sum(probs.values()) or 1.0
                t = max(probs, key=probs.get)
                out.append((t, round(probs[t] / total, 4)))
            else:
                out.append((t, round(self.tagger.marginal(t, i), 4)))
        return out
