"""Recognition engines behind one interface: Tesseract and RapidOCR.

Whole-page OCR drops lone "0" cells and confuses 9 with 6 on table pages, so
numeric cells are read one by one from tight crops. Tesseract reads many cells
in one call when they are stacked into one image (one process per cell costs
~150 ms); RapidOCR's recogniser reads a crop directly. Both report confidences
so the caller can keep alternatives.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from .types import Line, Reading, Word


class EngineError(RuntimeError):
    """The engine is missing, crashed or timed out; ``code`` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Engine(Protocol):
    name: str

    def read_lines(self, image: np.ndarray, lang: str = "chi_sim") -> list[Line]: ...

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]: ...


@dataclass
class TesseractEngine:
    """Tesseract through pytesseract; one process per call, single-threaded."""

    timeout_s: float = 60.0
    binary: str | None = None
    name: str = "tesseract"

    def __post_init__(self) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        self.binary = self.binary or shutil.which("tesseract")

    def _check(self) -> None:
        if not self.binary or not os.path.exists(self.binary):
            raise EngineError(
                "E_OCR_MISSING", "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
            )

    def _data(self, image: np.ndarray, lang: str, config: str) -> dict[str, list]:
        import pytesseract

        self._check()
        pytesseract.pytesseract.tesseract_cmd = self.binary
        try:
            return pytesseract.image_to_data(
                image, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=self.timeout_s
            )
        except (pytesseract.TesseractError, subprocess.SubprocessError, OSError) as exc:
            # first: TesseractError (a crash, a bad exit) is itself a RuntimeError
            raise EngineError("E_OCR_FAILED", f"tesseract failed: {exc}") from exc
        except RuntimeError as exc:  # pytesseract raises a bare RuntimeError on its own timeout
            raise EngineError("E_OCR_TIMEOUT", f"tesseract took longer than {self.timeout_s:.0f} s") from exc

    def read_lines(self, image: np.ndarray, lang: str = "chi_sim") -> list[Line]:
        d = self._data(image, lang, "--psm 6")
        lines: dict[tuple[int, int, int], Line] = {}
        for i, text in enumerate(d["text"]):
            if not str(text).strip():
                continue
            conf = float(d["conf"][i])
            box = (d["left"][i], d["top"][i], d["left"][i] + d["width"][i], d["top"][i] + d["height"][i])
            w = Word(str(text), box, max(conf, 0.0) / 100.0)
            key = (d["block_num"][i], d["par_num"][i], d["line_num"][i])
            ln = lines.get(key)
            if ln is None:
                lines[key] = Line(w.text, box, w.confidence, [w])
            else:
                ln.words.append(w)
                ln.text += w.text if _cjk(w.text[0]) or _cjk(ln.text[-1]) else " " + w.text
                a = ln.box
                ln.box = (min(a[0], box[0]), min(a[1], box[1]), max(a[2], box[2]), max(a[3], box[3]))
        for ln in lines.values():
            ln.confidence = float(np.mean([w.confidence for w in ln.words]))
        return sorted(lines.values(), key=lambda ln: (ln.box[1], ln.box[0]))

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]:
        """Stack the crops into one column image and read them in one call."""
        if not crops:
            return []
        pad = 24
        height = max(c.shape[0] for c in crops)
        width = max(c.shape[1] for c in crops) + 2 * pad
        slots = []
        canvas = np.full((sum(c.shape[0] + pad for c in crops) + pad, width), 255, np.uint8)
        y = pad
        for c in crops:
            canvas[y : y + c.shape[0], pad : pad + c.shape[1]] = c
            slots.append((y, y + c.shape[0]))
            y += c.shape[0] + pad
        del height
        config = "--psm 6 -c tessedit_char_whitelist=0123456789.,-" if digits else "--psm 6"
        d = self._data(canvas, "eng" if digits else "chi_sim", config)
        texts: list[list[tuple[int, str, float]]] = [[] for _ in crops]
        for i, text in enumerate(d["text"]):
            t = str(text).strip()
            if not t:
                continue
            cy = d["top"][i] + d["height"][i] / 2
            for k, (a, b) in enumerate(slots):
                if a - pad / 2 <= cy <= b + pad / 2:
                    texts[k].append((d["left"][i], t, max(float(d["conf"][i]), 0.0) / 100.0))
                    break
        out = []
        for words in texts:
            words.sort()
            text = "".join(w for _, w, _ in words)
            conf = min((c for _, _, c in words), default=0.0)
            out.append(Reading(text, conf, [], self.name))
        return out


@dataclass
class RapidEngine:
    """RapidOCR (PP-OCR models shipped in its wheel; never downloads)."""

    name: str = "rapidocr"

    def __post_init__(self) -> None:
        self._ocr = None

    def _engine(self):
        if self._ocr is None:
            import logging

            from rapidocr import RapidOCR

            logging.getLogger("RapidOCR").setLevel(logging.WARNING)
            self._ocr = RapidOCR(params={"Global.log_level": "warning"})
        return self._ocr

    def read_lines(self, image: np.ndarray, lang: str = "chi_sim") -> list[Line]:
        # the flags must be explicit: rapidocr keeps the last call's use_det/use_rec
        res = self._engine()(image, use_det=True, use_cls=False, use_rec=True)
        out = []
        boxes = res.boxes if res.boxes is not None else []
        for box, text, score in zip(boxes, res.txts or (), res.scores or (), strict=False):
            xs = [p[0] for p in box]
            ys = [p[1] for p in box]
            b = (int(min(xs)), int(min(ys)), int(max(xs)), int(max(ys)))
            out.append(Line(str(text), b, float(score), [Word(str(text), b, float(score))]))
        return sorted(out, key=lambda ln: (ln.box[1], ln.box[0]))

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]:
        eng = self._engine()
        out = []
        for c in crops:
            res = eng(c, use_det=False, use_cls=False, use_rec=True)
            text = "".join(res.txts or ())
            score = float(min(res.scores)) if res.scores else 0.0
            if digits:
                text = "".join(ch for ch in text if ch.isdigit() or ch in ".,-")
            out.append(Reading(text, score, [], self.name))
        return out


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
