"""Where Tesseract's traineddata files may be, for every caller that starts Tesseract as a library.

Kept free of numpy and OpenCV: the born-digital reader checks a text layer with it without
paying for the OCR stack's imports.
"""

from __future__ import annotations

import os
from pathlib import Path


def tessdata_folders() -> list[Path]:
    """``TESSDATA_PREFIX`` (and its ``tessdata``), then the distributions' folders, newest version first."""
    env = os.environ.get("TESSDATA_PREFIX")
    found = [Path(env), Path(env) / "tessdata"] if env else []
    for pattern in ("usr/share/tesseract-ocr/*/tessdata", "usr/share/tessdata", "usr/local/share/tessdata"):
        found += sorted(Path("/").glob(pattern), reverse=True)
    return found
