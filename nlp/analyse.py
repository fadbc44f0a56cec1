"""Text in, labelled sentences, statements and facts out: the library's entry point.

``analyse(text, allowed=["problems", "improvements"])`` runs the shipped pipeline
(``models/gongkai_narrative``) on one passage. ``allowed`` is what the caller knows
from a heading: one label fixes every sentence's section, several let the
classifier choose among them, ``None`` lets it choose among all.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc

from . import components as _components  # registers the factories when not installed; sentence_spans
from .normalise import normalise

# models/ installs beside this package (gongkai/models in the wheel, the repo's models/ in development)
MODELS = Path(__file__).resolve().parent.parent / "models"
DEFAULT_MODEL = MODELS / "gongkai_narrative"
CONFIG = Path(__file__).resolve().parent / "config.cfg"

_lock = threading.Lock()
_cache: dict[str, Language] = {}


@dataclass
class SentenceTag:
    start: int
    end: int
    text: str
    section: str
    confidence: float
    source: str
    """'heading' (the passage's heading decides), 'cue' (a lead-in or list), or 'classifier'."""


@dataclass
class ItemTag:
    label: str
    topic: str
    start: int
    end: int
    text: str
    confidence: float
    cue: str | None = None
    style: str = ""


@dataclass
class FactTag:
    kind: str
    value: float
    start: int
    end: int
    text: str
    approximate: bool = False


@dataclass
class Analysis:
    sentences: list[SentenceTag] = field(default_factory=list)
    items: list[ItemTag] = field(default_factory=list)
    facts: list[FactTag] = field(default_factory=list)


def quiet_jieba() -> None:
    """jieba logs its dictionary loading at INFO on stderr; that is noise in a CLI. jieba then cuts
    from the prepared dictionary (``nlp/dictionary.py``): no whole-dictionary load per process."""
    from .dictionary import prepare

    prepare()


class ModelMissing(RuntimeError):
    """The trained pipeline is not where it should be; a blank one would label every sentence 'overall'."""

    def __init__(self, path: Path) -> None:
        super().__init__(
            f"no trained narrative model at {path}: reinstall gongkai (its wheel ships the model), "
            "or train one with `gongkai train` and pass its folder"
        )
        self.path = path


def load(path: str | Path | None = None) -> Language:
    """The trained pipeline (cached per path); ``ModelMissing`` if there is none, never a silent blank."""
    p = Path(path or DEFAULT_MODEL)
    key = str(p)
    with _lock:
        if key not in _cache:
            if not (p / "config.cfg").is_file():
                raise ModelMissing(p)
            quiet_jieba()
            _cache[key] = spacy.load(p)
        return _cache[key]


def blank() -> Language:
    """The pipeline of ``config.cfg`` with an untrained classifier (rules only)."""
    from spacy.util import load_config, load_model_from_config

    quiet_jieba()
    nlp = load_model_from_config(load_config(CONFIG), auto_fill=True, validate=True)
    nlp.remove_pipe("textcat")
    return nlp


def make_doc(nlp: Language, text: str, allowed: list[str] | None = None) -> Doc:
    doc = nlp.make_doc(text)
    doc._.allowed_sections = list(allowed) if allowed is not None else None
    for _, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def analyse(text: str, allowed: list[str] | None = None, nlp: Language | None = None) -> Analysis:
    """Sentences with sections, problem/improvement statements with topics, and numeric facts of ``text``.

    The pipeline reads the normalised text (simplified script, folded forms: ``nlp.normalise``); every
    offset and text returned points into ``text`` as given.
    """
    nlp = nlp or load()
    if not text.strip():
        return Analysis()
    norm = normalise(text)
    doc = make_doc(nlp, norm.text, allowed)
    out = Analysis()
    for s in _components.sentence_spans(doc):
        a, b = norm.span(s.start_char, s.end_char)
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if a == b:
            continue
        out.sentences.append(
            SentenceTag(a, b, text[a:b], s._.section or "overall", float(s._.section_score or 0.0),
                        s._.section_source or "classifier")
        )
    for sp in doc.spans.get("items", []):
        a, b = norm.span(sp._.char_start, sp._.char_end)
        out.items.append(
            ItemTag(sp.label_, sp._.topic or "other", a, b, _flat(text[a:b]),
                    float(sp._.section_score or 0.0), sp._.cue, sp._.style or "")
        )
    for e in doc.ents:
        a, b = norm.span(e._.char_start, e._.char_end)
        out.facts.append(FactTag(e.label_, e._.value, a, b, text[a:b], bool(e._.approximate)))
    return out


def _flat(s: str) -> str:
    """A statement's text without the line breaks of a wrapped line."""
    return re.sub(r"\s*\n\s*", "", s)
