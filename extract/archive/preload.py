"""What every worker of a local run starts with: imported once by the pool's fork server, so each
worker is forked with gongkai's modules imported and its data read (the data dictionary, the
organisation vocabulary, the gazetteer, the digit references), instead of importing and reading
them itself (~0.5 s per worker, and again for each worker that replaces a killed one).

``preload_narrative`` adds spaCy and the trained narrative pipeline (~0.7 s more), for runs that
tag the narrative.

Last, what the fork server holds is moved out of the cyclic collector's reach (``gc.freeze``): a full
collection in a worker walked all of it (~55 ms for ~116,000 objects) and, writing to each object's
header, copied the fork server's memory page by page into every worker, once per worker.
"""

from __future__ import annotations

import gc

from gongkai.extract.archive.batch import process_job  # noqa: F401 - the task the workers run
from gongkai.extract.domain.gazetteer import gazetteer
from gongkai.extract.domain.organisations import vocabulary
from gongkai.extract.domain.schema import schema
from gongkai.extract.input.readers import pdf  # noqa: F401 - the born-digital reader and pdfium
from gongkai.extract.input.readers.digit_glyphs import _references

schema()
vocabulary()
gazetteer()
_references()
gc.freeze()
