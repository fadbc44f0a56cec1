"""Labelled examples in and out: spaCy DocBin, doccano-style JSONL, Label Studio tasks; and training.

An example is one sentence: its text, its section label (``cats``), and the problem /
improvement spans inside it (offsets into the sentence). Model builders annotate these
in Label Studio or doccano, and ``read_annotations`` brings their exports back.
Training is ``spacy train`` on ``config.cfg`` with a fixed seed, so a run is reproducible.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .labels import SECTION_LABELS

SPAN_LABELS = ("problem", "improvement")


@dataclass
class Example:
    text: str
    section: str | None = None
    spans: list[tuple[int, int, str]] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "section": self.section, "spans": [list(s) for s in self.spans], "meta": self.meta}


def split(examples: list[Example], dev_fraction: float, seed: int, group: str = "doc") -> tuple[list, list]:
    """Train/dev split by document (``meta[group]``), so no report has sentences on both sides."""
    groups = sorted({str(e.meta.get(group, i)) for i, e in enumerate(examples)})
    rng = random.Random(seed)
    rng.shuffle(groups)
    n_dev = max(1, round(len(groups) * dev_fraction)) if dev_fraction > 0 and len(groups) > 1 else 0
    dev_groups = set(groups[:n_dev])
    train = [e for i, e in enumerate(examples) if str(e.meta.get(group, i)) not in dev_groups]
    dev = [e for i, e in enumerate(examples) if str(e.meta.get(group, i)) in dev_groups]
    return train, dev


# -- writers ----------------------------------------------------------------


def to_docbin(examples: Iterable[Example], path: Path, nlp: Any = None) -> int:
    """A spaCy DocBin: ``doc.cats`` one-hot over the section labels, ``doc.spans["items"]``."""
    from spacy.tokens import DocBin

    if nlp is None:
        from .analyse import blank

        nlp = blank()
    db = DocBin(store_user_data=False)
    n = 0
    for ex in examples:
        doc = nlp.make_doc(ex.text)
        if ex.section:
            doc.cats = {lab: float(lab == ex.section) for lab in SECTION_LABELS}
        spans = [doc.char_span(s, e, label=lab, alignment_mode="expand") for s, e, lab in ex.spans]
        doc.spans["items"] = [sp for sp in spans if sp is not None]
        db.add(doc)
        n += 1
    path.parent.mkdir(parents=True, exist_ok=True)
    db.to_disk(path)
    return n


def to_jsonl(examples: Iterable[Example], path: Path) -> int:
    """doccano-style JSONL: ``{"text", "label": [[start, end, "problem"], …], "cats": ["problems"], "meta"}``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as fh:
        for ex in examples:
            rec = {"text": ex.text, "label": [list(s) for s in ex.spans], "cats": [ex.section] if ex.section else [],
                   "meta": ex.meta}
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            n += 1
    return n


LABEL_STUDIO_CONFIG = """<View>
  <Labels name="label" toName="text">
    <Label value="problem" background="#d9534f"/>
    <Label value="improvement" background="#5cb85c"/>
  </Labels>
  <Text name="text" value="$text"/>
  <Choices name="section" toName="text" choice="single" showInline="true">
{choices}
  </Choices>
</View>
""".format(choices="\n".join(f'    <Choice value="{lab}"/>' for lab in SECTION_LABELS))


def to_labelstudio(examples: Iterable[Example], path: Path, model_version: str = "gongkai") -> int:
    """Label Studio tasks with the pipeline's labels as pre-annotations (``predictions``); writes the
    labelling config next to it (``<name>.xml``) to paste into the project settings."""
    tasks = []
    for i, ex in enumerate(examples):
        result: list[dict[str, Any]] = [
            {"id": f"s{i}_{j}", "from_name": "label", "to_name": "text", "type": "labels",
             "value": {"start": s, "end": e, "text": ex.text[s:e], "labels": [lab]}}
            for j, (s, e, lab) in enumerate(ex.spans)
        ]
        if ex.section:
            result.append({"id": f"c{i}", "from_name": "section", "to_name": "text", "type": "choices",
                           "value": {"choices": [ex.section]}})
        tasks.append({"data": {"text": ex.text, "meta": ex.meta},
                      "predictions": [{"model_version": model_version, "result": result}]})
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=1), encoding="utf-8")
    path.with_suffix(".xml").write_text(LABEL_STUDIO_CONFIG, encoding="utf-8")
    return len(tasks)


# -- readers (annotation tools' exports back) -------------------------------


def read_annotations(path: Path, use_predictions: bool = False) -> list[Example]:
    """Examples from a Label Studio JSON export or a doccano (or our) JSONL export, by content."""
    raw = path.read_text(encoding="utf-8").lstrip("\ufeff")
    if raw.lstrip().startswith("["):
        return _from_labelstudio(json.loads(raw), use_predictions)
    return [_from_jsonl(json.loads(line)) for line in raw.splitlines() if line.strip()]


def _from_labelstudio(tasks: list[dict[str, Any]], use_predictions: bool) -> list[Example]:
    out = []
    for t in tasks:
        data = t.get("data", {})
        text = data.get("text", "")
        done = [a for a in t.get("annotations", []) if not a.get("was_cancelled")]
        source = done[-1] if done else (t["predictions"][-1] if use_predictions and t.get("predictions") else None)
        if source is None:
            continue  # not annotated yet
        ex = Example(text, meta=dict(data.get("meta") or {}, annotated=bool(done)))
        for r in source.get("result", []):
            v = r.get("value", {})
            if r.get("type") == "labels" and v.get("labels"):
                ex.spans.append((int(v["start"]), int(v["end"]), v["labels"][0]))
            elif r.get("type") == "choices" and v.get("choices"):
                ex.section = v["choices"][0]
        out.append(ex)
    return out


def _from_jsonl(rec: dict[str, Any]) -> Example:
    ex = Example(rec.get("text", ""), meta=rec.get("meta") or {})
    labels = rec.get("label", rec.get("labels", []))
    for lab in labels:
        if isinstance(lab, list) and len(lab) == 3:
            ex.spans.append((int(lab[0]), int(lab[1]), str(lab[2])))
        elif isinstance(lab, str) and lab in SECTION_LABELS:
            ex.section = lab  # doccano text classification export
    for ent in rec.get("entities", []):  # doccano sequence labelling export (newer)
        ex.spans.append((int(ent["start_offset"]), int(ent["end_offset"]), ent["label"]))
    cats = rec.get("cats")
    if isinstance(cats, list) and cats:
        ex.section = cats[0]
    elif isinstance(cats, dict) and cats:
        ex.section = max(cats, key=cats.get)
    return ex


# -- hand-labelled sets (tests/nlp_dev, tests/nlp_test format) --------------


def labelled_examples(path: Path, nlp: Any = None) -> list[Example]:
    """One example per hand-labelled sentence of a YAML set (``id``, ``text``, ``sections``, ``items``).

    Sentences are cut by the pipeline's own sentence rules, so they are the units the classifier sees;
    a sentence takes the label of the gold fragment that starts in it (as ``nlp.evaluate`` scores it),
    and sentences the set leaves unlabelled are left out. Items whose text is found verbatim in a
    sentence become its spans. ``meta["doc"]`` is the passage id, so splits keep passages whole.
    """
    import yaml

    from .analyse import analyse
    from .analyse import blank as blank_pipeline

    nlp = nlp or blank_pipeline()
    out: list[Example] = []
    for rec in yaml.safe_load(path.read_text("utf-8")) or []:
        text = rec["text"]
        sents = analyse(text, None, nlp).sentences
        labels: dict[int, str] = {}
        for label, fragment in rec.get("sections") or []:
            pos = text.find(fragment)
            if pos < 0:
                raise ValueError(f"{path.name} {rec['id']}: fragment not in text: {fragment}")
            hit = next((i for i, s in enumerate(sents) if s.start <= pos < s.end), None)
            if hit is not None:
                labels.setdefault(hit, label)
        for i, label in sorted(labels.items()):
            s = sents[i]
            spans = []
            for it in rec.get("items") or []:
                at = s.text.find(it["text"])
                if at >= 0 and it["label"] in SPAN_LABELS:
                    spans.append((at, at + len(it["text"]), it["label"]))
            out.append(Example(s.text, label, spans,
                               {"doc": f"{path.stem}:{rec['id']}", "source": "hand", "set": path.stem}))
    return out


# -- training ---------------------------------------------------------------


def train(data_dir: Path, out_dir: Path, seed: int = 0, max_steps: int | None = None) -> dict[str, Any]:
    """``spacy train`` on ``data_dir/train.spacy`` with ``data_dir/dev.spacy`` held out; the best
    pipeline goes to ``out_dir``. Returns the dev scores."""
    from spacy.cli.train import train as spacy_train

    from .analyse import CONFIG, quiet_jieba

    quiet_jieba()
    overrides: dict[str, Any] = {
        "paths.train": str(data_dir / "train.spacy"),
        "paths.dev": str(data_dir / "dev.spacy"),
        "system.seed": seed,
    }
    if max_steps:
        overrides["training.max_steps"] = max_steps
        overrides["training.eval_frequency"] = max(1, min(400, max_steps // 2))
    work = out_dir.parent / (out_dir.name + ".training")
    if work.exists():
        shutil.rmtree(work)
    spacy_train(CONFIG, output_path=work, overrides=overrides)
    best = work / "model-best" if (work / "model-best").exists() else work / "model-last"
    if out_dir.exists():
        shutil.rmtree(out_dir)
    shutil.copytree(best, out_dir)
    shutil.rmtree(work)
    meta = json.loads((out_dir / "meta.json").read_text("utf-8"))
    meta.update({"name": "gongkai_narrative", "version": "0.1.0",
                 "description": "Section classifier (bag of words over jieba words) and rule components for "
                                "government information disclosure report narrative. Trained with seed "
                                f"{seed} by `gongkai train`."})
    (out_dir / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    return meta.get("performance", {})


# -- the learned item finder and sentence-section tagger (CRFs) --------------

FIVE_HEADING = "problems_improvements"


def _locate(text: str, item: str, start: int = 0) -> tuple[int, int] | None:
    """Offsets of a gold item in its passage; line breaks in the passage may sit between its characters."""
    import re

    rx = re.compile(r"\s*".join(re.escape(c) for c in item if not c.isspace()))
    m = rx.search(text, start) or rx.search(text)
    return (m.start(), m.end()) if m else None


def crf_sequences(path: Path, nlp: Any = None, bow: Any = None) -> tuple[list, list, dict[str, int]]:
    """Item and sentence training sequences of one hand-labelled YAML set (texts normalised first).

    Items: one character sequence per passage and per heading mode it is read in (under 五's heading and
    without one); gold tags from the items' offsets. Sentences: the passage's labelled sentences in order.
    """
    import yaml

    return passage_sequences(yaml.safe_load(path.read_text("utf-8")) or [], nlp, bow)


def passage_sequences(recs: list[dict], nlp: Any = None, bow: Any = None) -> tuple[list, list, dict[str, int]]:
    """``crf_sequences`` of passages already read (``id``, ``heading``, ``text``, ``items``, ``sections``)."""
    from .learned import TAG_OF, item_features, sentence_features
    from .normalise import normalise
    from .segment import find_items, split_sentences

    if nlp is None:
        from .analyse import blank

        nlp = blank()
    items, sections = [], []
    stats = {"passages": 0, "items": 0, "items_not_found": 0}
    for rec in recs:
        text = normalise(rec["text"]).text
        sents = split_sentences(text)
        found = find_items(text, sents)
        tags = ["O"] * len(text)
        pos = 0
        for it in rec.get("items") or []:
            stats["items"] += 1
            at = _locate(text, normalise(it["text"]).text, pos)
            if at is None:
                stats["items_not_found"] += 1
                continue
            a, b = at
            for k in range(a, b):
                tags[k] = ("B-" if k == a else "I-") + TAG_OF[it["label"]]
            pos = b
        modes: list[list[str] | None] = [None]
        if rec.get("heading") == FIVE_HEADING:
            modes.append(["problems", "improvements"])
        for allowed in modes:
            items.append((item_features(text, sents, found, allowed), tags))
        labels: dict[int, str] = {}
        for label, fragment in rec.get("sections") or []:
            if label is None:
                continue  # a heading line: the labeller gave it no section
            p = text.find(normalise(fragment).text)
            hit = next((i for i, s in enumerate(sents) if s.start <= p < s.end), None) if p >= 0 else None
            if hit is not None:
                labels.setdefault(hit, label)
        if labels:
            doc = nlp.make_doc(text)
            words = [[t.text for t in doc if s.start <= t.idx < s.end and not t.is_space and not t.is_punct]
                     for s in sents]
            keep = sorted(labels)
            ranked = None
            if bow is not None:  # the trained pipeline's bag-of-words classifier, as the tagger will see it
                sec = bow.get_pipe("gongkai_sections")
                spans = [doc.char_span(sents[i].start, sents[i].end, alignment_mode="expand") for i in keep]
                ranked = sec.ranked([sp for sp in spans if sp is not None]) if all(spans) else None
            feats = sentence_features([words[i] for i in keep], [sents[i] for i in keep], ranked)
            sections.append((feats, [labels[i] for i in keep]))
        stats["passages"] += 1
    return items, sections, stats


def clause_sequences(recs: list[dict], nlp: Any = None, settled: bool = True) -> list:
    """Clause-tagger training sequences (``nlp.clauses``) of passages already read: one per passage and per
    heading mode it is read in, gold tags from the items' offsets in the normalised text. ``nlp``: a trained
    pipeline whose section tagger gives each sentence the section feature, as it will when tagging.

    ``settled``: the passages were labelled to the comma rule settled in round 7 (problem clauses each with
    their own subject and predicate of lack are separate items). Otherwise the sentences holding a gold
    problem item made of such comma clauses are left out of the sequence (it is cut there): the older guide
    kept them whole, and the tagger should learn the rule from the sets that follow it, not unlearn it."""
    from .clauses import clause_features, clause_tags, own_subject_pair, split_clauses
    from .normalise import normalise
    from .segment import find_items, split_sentences

    out = []
    for rec in recs:
        text = normalise(rec["text"]).text
        sents = split_sentences(text)
        found = find_items(text, sents)
        clauses = split_clauses(text, sents, found)
        if not clauses:
            continue
        gold, pos = [], 0
        for it in rec.get("items") or []:
            at = _locate(text, normalise(it["text"]).text, pos)
            if at is not None:
                gold.append((at[0], at[1], it["label"]))
                pos = at[1]
        tags = clause_tags(text, clauses, gold)
        # the older sets kept every comma-joined problem whole; the settled sets' writers still kept about half of
        # the pairs the rule splits (own subject, not narrowing) whole: neither is taught (the real labellers split)
        kept = own_subject_pair if settled else _joined_shortfalls
        joined = [(a, b) for a, b, label in gold if label == "problem" and kept(text[a:b])]
        masked = {i for a, b in joined for i, s in enumerate(sents) if s.start < b and a < s.end}
        modes: list[list[str] | None] = [None]
        if rec.get("heading") == FIVE_HEADING:
            modes.append(["problems", "improvements"])
        for allowed in modes:
            sections = _sentence_sections(nlp, text, sents, allowed) if nlp is not None else None
            feats = clause_features(text, sents, clauses, found, allowed, sections)
            run: list[int] = []
            for k, c in enumerate([*clauses, None]):
                if c is not None and c.sentence not in masked:
                    run.append(k)
                    continue
                if run:
                    out.append(([feats[k].names for k in run], [tags[k] for k in run]))
                run = []
    return out


def _joined_shortfalls(item: str) -> bool:
    """Two or more comma clauses of a gold problem item each say a lack (``segment.LACK``: "A有待提升，B仍需规范")."""
    import re

    from .segment import LACK

    return sum(bool(LACK.search(part)) for part in re.split("[，,]", item)) >= 2


def _sentence_sections(nlp: Any, text: str, sents: list, allowed: list[str] | None) -> list[str | None]:
    """Each sentence's section as the pipeline's components before ``gongkai_items`` read it."""
    from .components import sentence_spans

    doc = nlp.make_doc(text)
    doc._.allowed_sections = allowed
    for name, proc in nlp.pipeline:
        if name == "gongkai_items":
            break
        doc = proc(doc)
    by_start = {s.start_char: s for s in sentence_spans(doc)}
    return [sp._.section if (sp := by_start.get(s.start)) is not None else None for s in sents]


def train_crf(sequences: list, c1: float = 0.05, c2: float = 0.01, max_iterations: int = 150) -> bytes:
    """A CRF (L-BFGS, elastic net) on (features, tags) sequences, as the model file's bytes."""
    import tempfile

    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for feats, tags in sequences:
        trainer.append(feats, tags)
    trainer.set_params({"c1": c1, "c2": c2, "max_iterations": max_iterations,
                        "feature.possible_transitions": True})
    with tempfile.TemporaryDirectory() as tmp:
        f = Path(tmp) / "model.crfsuite"
        trainer.train(str(f))
        return f.read_bytes()


def train_learned(model_dir: Path, labelled: list[Path], sections_only: list[Path] | None = None,
                  settled: list[Path] | None = None, sections_read: list[Path] | None = None) -> dict[str, Any]:
    """Train the item CRF and the sentence-section CRF on hand-labelled YAML sets into ``model_dir``.

    ``sections_only``: sets whose sentence sections train the section CRF but whose items do not train the
    item CRF (passages from generated reports: their sections come from headings, their statements from
    a few templates that would teach the item CRF a generator's wording).
    ``settled``: those of ``labelled`` written or brought to the round-7 comma rule (``clause_sequences``).
    ``sections_read``: hand-labelled sets whose sentence sections train the section CRF, read with the classifier as
    real text is, but whose items were not labelled (whole headingless narratives, ``sections6_heldout``): their
    problems would teach the item CRF and the clause tagger that there are none.
    Deterministic (L-BFGS from zero weights): the same sets give the same model files.
    """
    import spacy

    from .analyse import blank, quiet_jieba

    nlp = blank()
    quiet_jieba()
    bow = spacy.load(model_dir, exclude=["gongkai_items"]) if (model_dir / "textcat").is_dir() else None
    item_seqs, sect_seqs = [], []
    report: dict[str, Any] = {}
    for path in labelled:
        i, s, stats = crf_sequences(path, nlp, bow)
        item_seqs += i
        sect_seqs += s
        report[path.name] = stats
    for path in sections_only or []:
        # without the classifier's readings: it was trained on the generator's sentences, so it reads them
        # near perfectly and the CRF would learn to trust it more than real text warrants (dev 0.754 -> 0.707
        # with them, 0.776 without; benchmarks/cv_learned.py --extra-without-bow)
        _, s, stats = crf_sequences(path, nlp, None)
        sect_seqs += s
        report[path.name] = {**stats, "sections_only": True}
    for path in sections_read or []:
        _, s, stats = crf_sequences(path, nlp, bow)
        sect_seqs += s
        report[path.name] = {**stats, "sections_read": True}
    items = train_crf(item_seqs)
    # a light L1 penalty: 0.005 kept the words of the generated passages that carry to real subsections
    # (dev withheld 0.806 against 0.776 at 0.1, cross-validated; README "The narrative")
    sections = train_crf(sect_seqs, c1=0.005, c2=0.01, max_iterations=200)
    (model_dir / "gongkai_items").mkdir(parents=True, exist_ok=True)
    (model_dir / "gongkai_sections").mkdir(parents=True, exist_ok=True)
    (model_dir / "gongkai_items" / "items.crfsuite").write_bytes(items)
    (model_dir / "gongkai_sections" / "sections.crfsuite").write_bytes(sections)
    report["item_sequences"], report["section_sequences"] = len(item_seqs), len(sect_seqs)
    if bow is not None:
        # the clause tagger reads each sentence's section as the pipeline gives it, so it is trained after the
        # section CRF above, with the pipeline as it now stands (its own statements excluded)
        import yaml

        piped = spacy.load(model_dir, exclude=["gongkai_items"])
        done = {p.resolve() for p in settled or []}
        seqs = []
        for path in labelled:
            recs = yaml.safe_load(path.read_text("utf-8")) or []
            seqs += clause_sequences(recs, piped, settled=path.resolve() in done)
        (model_dir / "gongkai_items" / "clauses.crfsuite").write_bytes(train_crf(seqs))
        report["clause_sequences"] = len(seqs)
    return report
