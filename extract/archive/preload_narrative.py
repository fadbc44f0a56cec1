"""``preload`` and the narrative pipeline (spaCy without its command line, the trained model,
jieba's prepared dictionary): for runs that tag the narrative. Frozen for the collector, as ``preload``."""

from __future__ import annotations

import gc

from gongkai.extract.archive import preload  # noqa: F401
from gongkai.nlp.imports import import_spacy

import_spacy()

from gongkai.nlp.analyse import load  # noqa: E402 - after spaCy is imported without its command line

load()
gc.freeze()
