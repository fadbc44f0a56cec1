"""The narrative's label vocabulary: sentence sections and item labels.

Kept apart from ``nlp.components`` (which imports spaCy) so that callers that only name labels —
the report's narrative step in a command whose pipeline runs in a helper process — import no spaCy.
"""

from __future__ import annotations

SECTION_LABELS = (
    "overall",
    "active_disclosure",
    "on_request",
    "information_management",
    "platform_construction",
    "supervision",
    "problems",
    "improvements",
    "other_matters",
    "fees",
)
ITEM_SECTION = {"problem": "problems", "improvement": "improvements"}  # an item's label -> its section
SECTION_ITEM = {v: k for k, v in ITEM_SECTION.items()}
