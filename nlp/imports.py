"""spaCy imported without its command line.

``import spacy`` imports every spaCy CLI command (and with them weasel, requests, httpx and a
typer app: ~0.25 s of a ~0.75 s import) because the package exposes ``spacy.info`` from
``spacy.cli.info``. Running a trained pipeline needs none of it. ``import_spacy`` imports
spaCy with ``spacy.cli.info`` stood in for by a module whose ``info`` imports the real one
when called; the stand-in is removed as soon as spaCy is imported, so a later
``import spacy.cli`` (``gongkai train``) loads the real command line as usual.
(spaCy's own lazy loading of the CLI, explosion/spaCy#12962, is not in the 3.8 releases.)
"""

from __future__ import annotations

import sys
import types
from typing import Any


def _info(*args: Any, **kwargs: Any) -> Any:
    from spacy.cli.info import info

    return info(*args, **kwargs)


def import_spacy() -> types.ModuleType:
    """The ``spacy`` module, imported (once) without its command line."""
    if "spacy" in sys.modules:
        return sys.modules["spacy"]
    stand_in = types.ModuleType("spacy.cli.info")
    stand_in.info = _info  # type: ignore[attr-defined]
    sys.modules["spacy.cli.info"] = stand_in
    try:
        import spacy
    finally:
        if sys.modules.get("spacy.cli.info") is stand_in:
            del sys.modules["spacy.cli.info"]
    return spacy
