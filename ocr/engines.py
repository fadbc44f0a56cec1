"""Recognition engines behind one interface: Tesseract and RapidOCR.

An engine finds text lines in a page (``detect``), reads single-line crops
(``recognize``) and reads table cells, digits only if asked (``read_cells``). The page
reader uses any engine through these three calls alone; an engine is a plugin.

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
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np

from . import heap
from .types import ArenaUse, Box, Line, RapidModelSet, Reading, Word


class EngineError(RuntimeError):
    """The engine is missing, crashed or timed out; ``code`` says which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


class Engine(Protocol):
    """What the page reader asks of an engine; boxes are (x0, top, x1, bottom) in image pixels."""

    name: str

    def detect(self, image: np.ndarray) -> list[Box]:
        """Text line boxes, top to bottom."""
        ...

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        """Each single-line crop read, with alternatives where the engine gives them."""
        ...

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]:
        """Table cells; ``digits`` restricts the reading to numbers and printed blanks."""
        ...


@dataclass
class TesseractEngine:
    """Tesseract, single-threaded: in this process through tesserocr where it and the language's
    model are installed (the model loads once), else, or with ``binary`` given, through
    pytesseract, one ``tesseract`` process per call with a time limit."""

    timeout_s: float = 60.0
    binary: str | None = None
    name: str = "tesseract"
    cell_height: int = 40
    """Cell crops are scaled to this height (text about 28 px): measured best for lone digits
    (much smaller or larger and Tesseract drops them or reads "10" for "0")."""
    in_process: bool | None = None
    """None: in this process unless ``binary`` names a command to run."""

    def __post_init__(self) -> None:
        os.environ.setdefault("OMP_THREAD_LIMIT", "1")
        if self.in_process is None:
            self.in_process = self.binary is None
        self.binary = self.binary or shutil.which("tesseract")

    def _check(self) -> None:
        if not self.binary or not os.path.exists(self.binary):
            raise EngineError(
                "E_OCR_MISSING", "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-chi-sim)"
            )

    def _data(self, image: np.ndarray, lang: str, psm: int, whitelist: str = "") -> dict[str, list]:
        """Words with their boxes, confidences and line numbers (pytesseract's ``image_to_data``)."""
        from ._tesserocr import Timeout, library_api, read_tsv

        api = library_api(lang) if self.in_process else None
        if api is None:
            return self._data_by_process(image, lang, psm, whitelist)
        try:
            return read_tsv(api, _gray(image), psm, whitelist, self.timeout_s)
        except Timeout as exc:
            raise EngineError("E_OCR_TIMEOUT", f"tesseract took longer than {self.timeout_s:g} s") from exc

    def _data_by_process(self, image: np.ndarray, lang: str, psm: int, whitelist: str) -> dict[str, list]:
        import pytesseract

        self._check()
        pytesseract.pytesseract.tesseract_cmd = self.binary
        config = f"--psm {psm}" + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")
        try:
            return pytesseract.image_to_data(
                image, lang=lang, config=config, output_type=pytesseract.Output.DICT, timeout=self.timeout_s
            )
        except (pytesseract.TesseractError, subprocess.SubprocessError, OSError) as exc:
            # first: TesseractError (a crash, a bad exit) is itself a RuntimeError
            raise EngineError("E_OCR_FAILED", f"tesseract failed: {exc}") from exc
        except RuntimeError as exc:  # pytesseract raises a bare RuntimeError on its own timeout
            raise EngineError("E_OCR_TIMEOUT", f"tesseract took longer than {self.timeout_s:.0f} s") from exc

    def detect(self, image: np.ndarray) -> list[Box]:
        """Tesseract's own line boxes (its page segmentation, psm 3)."""
        return [ln.box for ln in self._lines(image, "chi_sim", 3)]

    def recognize(self, crops: Sequence[np.ndarray]) -> list[Reading]:
        return self.read_cells(crops, digits=False)

    def _lines(self, image: np.ndarray, lang: str, psm: int) -> list[Line]:
        d = self._data(image, lang, psm)
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
        pad = 30
        crops = [_to_height(_gray(c), self.cell_height) for c in crops]
        width = max(c.shape[1] for c in crops) + 2 * pad
        slots = []
        canvas = np.full((sum(c.shape[0] + pad for c in crops) + pad, width), 255, np.uint8)
        y = pad
        for c in crops:
            canvas[y : y + c.shape[0], pad : pad + c.shape[1]] = c
            slots.append((y, y + c.shape[0]))
            y += c.shape[0] + pad
        # "/" is a printed blank: without it in the list Tesseract reads it as "1"
        d = self._data(canvas, "eng" if digits else "chi_sim", 6, "0123456789.,-/" if digits else "")
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
            out.append(Reading(_digits(text) if digits else text, conf, [], self.name))
        return out


_LOOKALIKES = ("0Oo〇", "1lI|")
_LOOKALIKE_IDS: dict[int, dict[int, list[int]]] = {}
"""Per character set (by identity: one per loaded model), index -> indices of the characters that look the same."""


@dataclass
class RapidEngine:
    """RapidOCR (PP-OCR models shipped in its wheel; never downloads).

    Recognition costs ~5 ms per character on one core whatever the crop, so crops
    are batched (the recogniser pads a batch to its widest member: similar widths
    are batched together) and detection runs at half resolution (~0.4 s per page
    instead of ~1.7 s, with the same boxes on 200 dpi pages).
    """

    name: str = "rapidocr"
    threads: int = 1
    """onnxruntime threads: one per process is the most work per core (batch runs use a process per core)."""
    det_scale: float = 0.5
    """The largest scale detection runs at."""
    det_side: int = 960
    """Detection runs with the image's short side at most this long (and at most ``det_scale``): a
    300 dpi page at ~0.39, a 12 Mpx photo at ~0.29, a 200 dpi page at 0.5 as before (the detector's
    activations grow with the area). At 736 (RapidOCR's own ``limit_side_len``) curled phone photos
    lost whole tables (gen_001 curl: 182 -> 112 of 198 cells; 921 read 182 again) and the hard
    scan test read wrong values, so the short side keeps ~960 px."""
    rec_height: int = 48
    """The recogniser's input height (its training size)."""
    unsure_char: float = 0.9
    """A character read with less probability than this gets its runner-up as an alternative."""
    models: RapidModelSet = "float"
    """Which weights run: RapidOCR's own, or ours quantised (models/ocr: made from the wheel's own by
    scripts/quantise_ocr_models.py, calibrated on our generated scans). Each int8 network runs in about
    half the time but reads otherwise: the int8 recogniser lost a cell of hard and raised prose CER
    (1.35 -> 2.28 %), the int8 detector alone lost 4 cells of toner (509 -> 505 of 572) and raised
    hard's CER (1.35 -> 1.94 %) on seed 1 (README, OCR). So "float" by default; the others are there
    to be measured (bench_ocr.py's gongkai-float beside gongkai, profile_ocr.py --models)."""

    arena: ArenaUse = "none"
    """Which networks keep onnxruntime's memory arena between runs (``RapidModels``). Without it every
    run takes its activations in fresh pages (freed and trimmed after it: ``heap.release``), ~65,000
    page faults a page. Interleaved in one process (clean and hard of hongze_2024, load 14), the same
    reports each way: none 2.91 s CPU a page, 91,000 faults; both 2.85 s, 25,000 faults; the detector's
    alone 2.80 s, 54,000 faults (at load 11, clean, hard and fax: none 2.94, both 2.67 s). Not the
    default: the memory kept raised a bench run's peak past 1 GB (clean 985 -> 1155 MB with both,
    1098 MB with the detector's alone)."""

    def __post_init__(self) -> None:
        self._models = None

    def _engine(self):
        if self._models is None:
            try:
                from ._rapidocr import RapidModels

                det, rec = self._model_files()
                self._models = RapidModels(self.threads, det, rec, self.arena)
            except ImportError as exc:
                raise EngineError("E_OCR_MISSING", f"rapidocr is not installed ({exc})") from exc
            heap.settle()  # the memory a process's owner asked to keep between runs (heap.keep_freed)
        return self._models

    def _model_files(self) -> tuple[Path | None, Path | None]:
        """The model files ``models`` names (None: RapidOCR's own); a missing file is a coded error."""
        if self.models == "float":
            return None, None
        from ._rapidocr import quantised_models

        det, rec = quantised_models()
        chosen = (det, rec) if self.models == "int8" else (det, None)
        for f in chosen:
            if f is not None and not f.is_file():
                raise EngineError(
                    "E_OCR_MODEL_MISSING",
                    f"the int8 OCR model {f} is missing (make it with scripts/quantise_ocr_models.py, "
                    "or read with OcrOptions(rapid_models='float'))",
                )
        return chosen

    def detect(self, image: np.ndarray) -> list[Box]:
        """Text line boxes (x0, top, x1, bottom) in ``image`` pixels, top to bottom."""
        eng = self._engine()
        h, w = image.shape[:2]
        s = min(self.det_scale, self.det_side / max(1, min(h, w)))
        small = image
        if s != 1:
            small = cv2.resize(image, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
        heap.trim()  # a new page: what the last one's runs left free is handed back, not kept on
        try:
            boxes = eng.detect(_bgr(small))
        except Exception as exc:  # onnxruntime raises its own types
            raise EngineError("E_OCR_FAILED", f"rapidocr detection failed: {exc}") from exc
        finally:
            heap.release()
        out = []
        for quad in boxes:
            xs = [p[0] / s for p in quad]
            ys = [p[1] / s for p in quad]
            out.append((max(0, int(min(xs))), max(0, int(min(ys))), min(w, int(max(xs)) + 1), min(h, int(max(ys)) + 1)))
        return sorted(out, key=lambda b: (b[1], b[0]))

    def recognize(self, crops: Sequence[np.ndarray], max_batch: int = 16) -> list[Reading]:
        """Each single-line crop read, with per-character alternatives for unsure characters.

        RapidOCR's own batching pads every crop to at least 320 px (~7 characters): a
        lone "0" then costs as much as a line. Here only crops of the same width (to 8 px)
        share a batch: the recogniser's cost is its input's width, padding included.
        The recogniser's second choice at an unsure character gives an alternative
        reading ("9" unsure, "6" second: "1906" also "1606").
        """
        if not crops:
            return []
        models, charset = self._recognizer()
        h = self.rec_height
        imgs = [_bgr(c) for c in crops]
        ratios = np.array([max(1, c.shape[1]) / max(1, c.shape[0]) for c in imgs])
        widths = [max(16, int(np.ceil(h * r / 8) * 8)) for r in ratios]
        same: dict[int, list[int]] = {}
        for i, w in enumerate(widths):
            same.setdefault(w, []).append(i)
        out: list[Reading | None] = [None] * len(imgs)
        # measured on table and prose pages: recognition in ~2/3 of the time of batches of 16
        # similar widths padded to their widest (35-47 % of that input was padding)
        batches = [g[k : k + max_batch] for g in same.values() for k in range(0, len(g), max_batch)]
        for idx in batches:
            width = widths[idx[0]]
            batch = np.zeros((len(idx), 3, h, width), np.float32)
            for j, i in enumerate(idx):
                w = min(width, max(1, int(np.ceil(h * ratios[i]))))
                interp = cv2.INTER_AREA if imgs[i].shape[0] > h else cv2.INTER_LINEAR
                im = cv2.resize(imgs[i], (w, h), interpolation=interp)
                batch[j, :, :, :w] = (im.astype(np.float32).transpose(2, 0, 1) / 255.0 - 0.5) / 0.5
            try:
                preds = models.recognise(batch)
            except Exception as exc:  # onnxruntime raises its own types
                raise EngineError("E_OCR_FAILED", f"rapidocr recognition failed: {exc}") from exc
            for j, i in enumerate(idx):
                out[i] = self._decode(preds[j], charset)
        heap.release()
        return [r if r is not None else Reading("", 0.0, [], self.name) for r in out]

    def _recognizer(self):
        """The loaded models and the recogniser's character list (look-alike groups indexed once)."""
        models = self._engine()
        try:
            charset = models.charset
        except Exception as exc:  # model files missing or unreadable
            raise EngineError("E_OCR_FAILED", f"rapidocr could not load its recogniser: {exc}") from exc
        if id(charset) not in _LOOKALIKE_IDS:
            index = {c: i for i, c in enumerate(charset)}
            groups = [[index[c] for c in g if c in index] for g in _LOOKALIKES]
            _LOOKALIKE_IDS[id(charset)] = {i: g for g in groups for i in g}
        return models, charset

    def _decode(self, probs: np.ndarray, charset: Sequence[str]) -> Reading:
        """Greedy CTC decoding, keeping the runner-up of each character the model was unsure of."""
        ids = probs.argmax(axis=1)
        keep = np.ones(len(ids), bool)
        keep[1:] = ids[1:] != ids[:-1]
        keep &= ids != 0
        steps = np.flatnonzero(keep)
        if steps.size == 0:
            return Reading("", 0.0, [], self.name)
        chars = [charset[k] for k in ids[steps]]
        conf = probs[steps, ids[steps]].copy()
        for pos, t in enumerate(steps):  # "0" or "O" is one glyph: the choice between them is no doubt
            same = _LOOKALIKE_IDS.get(id(charset), {}).get(int(ids[t]))
            if same:
                conf[pos] = float(probs[t, same].sum())
        text = "".join(chars)
        alternatives: list[tuple[str, float]] = []
        for pos, t in enumerate(steps):
            if conf[pos] >= self.unsure_char:
                continue
            row = probs[t].copy()
            row[_LOOKALIKE_IDS.get(id(charset), {}).get(int(ids[t]), [int(ids[t])])] = 0
            k = int(row.argmax())
            if k == 0 or row[k] < 0.05:
                continue
            alt = chars.copy()
            alt[pos] = charset[k]
            alternatives.append(("".join(alt), float(row[k])))
        alternatives.sort(key=lambda a: -a[1])
        return Reading(text, float(conf.min()), alternatives[:3], self.name, [round(float(c), 4) for c in conf])

    def read_cells(self, crops: Sequence[np.ndarray], digits: bool) -> list[Reading]:
        out = self.recognize(crops)
        if digits:
            for r in out:
                r.text = _digits(r.text)
                r.alternatives = [(_digits(a), c) for a, c in r.alternatives if _digits(a) != r.text]
        return out


def _gray(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else cv2.cvtColor(np.ascontiguousarray(image[:, :, :3]), cv2.COLOR_BGR2GRAY)


def _to_height(image: np.ndarray, height: int) -> np.ndarray:
    h, w = image.shape[:2]
    if h == height or h == 0:
        return image
    f = height / h
    interp = cv2.INTER_AREA if f < 1 else cv2.INTER_CUBIC
    return cv2.resize(image, (max(1, round(w * f)), height), interpolation=interp)


def _digits(text: str) -> str:
    kept = "".join(ch for ch in text if ch.isdigit() or ch in ".,-/")
    trimmed = kept.strip(".,")  # a dot or comma at either end is a speck, not part of the number
    return trimmed if any(ch.isdigit() for ch in trimmed) else kept


def _bgr(image: np.ndarray) -> np.ndarray:
    if image.ndim == 2:
        return cv2.cvtColor(np.ascontiguousarray(image), cv2.COLOR_GRAY2BGR)
    return np.ascontiguousarray(image[:, :, :3])


def _cjk(ch: str) -> bool:
    return "\u3000" <= ch <= "\u9fff" or "\uff00" <= ch <= "\uffef"
