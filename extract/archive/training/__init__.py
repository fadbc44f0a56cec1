"""Table and page training data out of extracted reports.

Three kinds, each in the formats the tools of its field read:

- ``tables``: page images with every table's region and its cell grid (row and column spans,
  cell boxes, cell text) as COCO JSON (categories ``table`` and ``table_cell``), and table
  crops with PubTabNet-style records (HTML structure tokens, cell tokens, content boxes) as
  JSONL. Only from reports whose cells are certain: a born-digital PDF read from its text
  layer, status ok, no broken rule, nothing missing, every cell from the text layer (or
  given by a person).
- ``cells``: crops of table cells with the printed text and value, in the Hugging Face
  ``imagefolder`` layout (a folder per split with ``metadata.jsonl``), for a digit
  recogniser; cells from the text layer of certain reports, and cells a person corrected on
  any report (a scan's corrected cells are the hard, real examples). Optionally each crop is
  also passed through the scan degradations of the test generator, their parameters recorded
  per crop (``--degrade``; needs a source checkout, see ``degradation.py``).
- ``layout``: page regions (title, section_heading, paragraph, table, seal, page_number) as
  COCO boxes, from born-digital PDFs whose pages were all read from the text layer.

Splits are by document and deterministic: a document's split comes from a hash of its
identity and the seed alone, so adding documents never moves one already exported. Every
box is checked to lie on its image (``check_export``), and the folder gets a data card
(README.md) with counts, sources and the licence field.
"""

from __future__ import annotations

from gongkai.extract.archive.training.cells import export_cells
from gongkai.extract.archive.training.check import check_export
from gongkai.extract.archive.training.common import (
    DEFAULT_LICENCE,
    SPLITS,
    ExportOptions,
    TrainingDoc,
    docs_from_db,
    docs_from_files,
    split_of,
    uncertain,
)
from gongkai.extract.archive.training.layout import LAYOUT_CATEGORIES, export_layout
from gongkai.extract.archive.training.tables import TABLE_CATEGORIES, export_tables

KINDS = ("tables", "cells", "layout")
EXPORTERS = {"tables": export_tables, "cells": export_cells, "layout": export_layout}

__all__ = [
    "DEFAULT_LICENCE", "EXPORTERS", "KINDS", "LAYOUT_CATEGORIES", "SPLITS", "TABLE_CATEGORIES", "ExportOptions",
    "TrainingDoc", "check_export", "docs_from_db", "docs_from_files", "split_of", "uncertain",
]
