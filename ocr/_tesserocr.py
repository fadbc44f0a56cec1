"""Tesseract as a library (tesserocr), one engine per language, started once per process.

A ``tesseract`` process per call spent ~0.1 s of its ~0.15-0.2 s loading its model, and a
scanned page makes ~3 calls (the digits of its tables and of its text, a look at a missed
slot): in this process the model loads once and a call costs only its recognition. The
library answers with the same TSV as the command-line tool, so the caller parses one format.
"""

from __future__ import annotations

import logging
import threading
from functools import cache

import numpy as np

from .tessdata import tessdata_folders

log = logging.getLogger(__name__)

_LOCK = threading.Lock()
"""One API per language and process: Dask may call from several threads, an API is not re-entrant."""

TSV_COLUMNS = ("level", "page_num", "block_num", "par_num", "line_num", "word_num",
               "left", "top", "width", "height", "conf", "text")


@cache
def library_api(lang: str) -> object | None:
    """A started Tesseract for ``lang`` (OEM as the command-line tool's default), or None where
    tesserocr or the language's model is missing: the caller then runs the command-line tool,
    which reports what is wrong."""
    try:
        import tesserocr
    except ImportError:
        return None
    for folder in tessdata_folders():
        if (folder / f"{lang}.traineddata").is_file():
            try:
                return tesserocr.PyTessBaseAPI(path=str(folder), lang=lang, oem=tesserocr.OEM.DEFAULT)
            except RuntimeError as exc:
                log.info("tesserocr could not start %s with %s: %s", lang, folder, exc)
    return None


class Timeout(RuntimeError):
    """Tesseract did not finish within its deadline (it stopped there: nothing is left running)."""


def read_tsv(api: object, image: np.ndarray, psm: int, whitelist: str, timeout_s: float) -> dict[str, list]:
    """``image`` (8-bit grey) read with page segmentation ``psm``; words as the command-line
    tool's ``tsv`` columns (as pytesseract's ``image_to_data`` returns them). Tesseract's own
    deadline stops it after ``timeout_s``, as the command's time limit did."""
    image = np.ascontiguousarray(image, dtype=np.uint8)
    h, w = image.shape[:2]
    with _LOCK:
        api.SetPageSegMode(psm)  # type: ignore[attr-defined]
        api.SetVariable("tessedit_char_whitelist", whitelist)  # type: ignore[attr-defined]
        api.SetImageBytes(image.tobytes(), w, h, 1, w)  # type: ignore[attr-defined]
        try:
            if not api.Recognize(timeout=max(1, round(1000 * timeout_s))):  # type: ignore[attr-defined]
                raise Timeout(f"tesseract took longer than {timeout_s:g} s")
            tsv = api.GetTSVText(0)  # type: ignore[attr-defined]
        finally:
            api.Clear()  # type: ignore[attr-defined]
    out: dict[str, list] = {c: [] for c in TSV_COLUMNS}
    for line in tsv.splitlines():
        f = line.split("\t")
        if len(f) < 12 or not f[0].isdigit():
            continue
        for c, v in zip(TSV_COLUMNS[:10], f[:10], strict=True):
            out[c].append(int(v))
        out["conf"].append(float(f[10]))
        out["text"].append(f[11])
    return out
