"""The one place that reaches into RapidOCR beyond its public call.

RapidOCR's public ``RapidOCR()(image)`` pads every crop of a batch to ~320 px and returns
only each line's best text. Reading table cells fast and keeping the recogniser's
runner-up characters needs its recogniser's ONNX session, its input size and its
character list, which are private attributes. They are used here and nowhere else, for
the pinned version only: ``tests/test_ocr.py`` fails loudly when the installed version
differs from ``PINNED`` or the attributes move, instead of the cells going quietly wrong.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
from rapidocr.ch_ppocr_det.utils import DetPreProcess

from .types import ArenaUse

PINNED = "3.10.0"
"""The RapidOCR release this adapter was written and measured against (pyproject pins it)."""

QUANTISED = ("PP-OCRv6_det_small_int8.onnx", "PP-OCRv6_rec_small_int8.onnx")
"""The wheel's detector and recogniser quantised by scripts/quantise_ocr_models.py, in models/ocr."""


def quantised_models() -> tuple[Path, Path]:
    """Where the quantised detector and recogniser are: models/ocr installs beside this package
    (gongkai/models/ocr in the wheel, the repository's models/ocr in development)."""
    folder = Path(__file__).resolve().parent.parent / "models" / "ocr"
    return folder / QUANTISED[0], folder / QUANTISED[1]


class RapidModels:
    """RapidOCR's detector (public call) and recogniser (private session and charset), loaded once.

    ``det`` and ``rec`` name model files to use instead of the ones in RapidOCR's wheel (the same
    networks quantised: models/ocr); None keeps RapidOCR's own. ``arena``: the networks whose
    memory onnxruntime keeps from one run for the next (its CPU arena, grown by what is asked:
    RapidOCR's ``kSameAsRequested``) instead of taking fresh pages from the system at every run;
    the others hand theirs back after each run (the arena shrunk).
    """

    def __init__(self, threads: int, det: Path | None = None, rec: Path | None = None,
                 arena: ArenaUse = "none") -> None:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        params: dict[str, object] = {
            "Global.log_level": "warning",
            "EngineConfig.onnxruntime.intra_op_num_threads": threads,
            "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            "EngineConfig.onnxruntime.enable_cpu_mem_arena": arena != "none",
        }
        if det is not None:
            params["Det.model_path"] = str(det)
        if rec is not None:
            params["Rec.model_path"] = str(rec)
        self._ocr = RapidOCR(params=params)
        self._rec = None
        self._arena = arena

    def detect(self, image: np.ndarray) -> list[Sequence[Sequence[float]]]:
        """Text line quadrilaterals (four (x, y) points each) in ``image`` (uint8 BGR) pixels: what
        RapidOCR's public ``RapidOCR()(image, use_det=True, use_cls=False, use_rec=False)`` gives, the
        same boxes to the bit, without two of its costs: it cut out and straightened every line found
        (a perspective warp a box, for a recogniser it does not run) and normalised the page in float64
        (a 1654 x 2340 page at half size: ~9 million values through three float64 passes; here one
        table look-up a channel, ``_LookUpPreProcess``)."""
        from rapidocr.utils.process_img import apply_vertical_padding, map_boxes_to_original

        ocr = self._ocr
        det = self._detector()
        img, record = ocr.preprocess_img(image)
        if ocr.cfg.Global.use_vertical_padding:
            img, record = apply_vertical_padding(img, record, ocr.width_height_ratio, ocr.min_height)
        else:
            record["padding_1"] = {"top": 0, "left": 0}
        res = det(img)
        if res.boxes is None:
            return []
        return list(map_boxes_to_original(res.boxes, record, image.shape[0], image.shape[1]))

    def _detector(self):
        """RapidOCR's detector (private: built lazily), its preprocessing by look-up table."""
        det = self._ocr._load_det_model()  # private
        if not isinstance(det.get_preprocess(), _LookUpPreProcess):
            lut = _LookUpPreProcess(det.limit_side_len, det.limit_type, det.mean, det.std)
            det.get_preprocess = lambda: lut  # private: the detector builds its preprocessing per call
        return det

    def _recogniser(self):
        if self._rec is None:
            self._rec = self._ocr._load_rec_model()  # private: the recogniser object, built lazily
            if self._arena == "det":
                self._rec.session = _Shrunk(self._rec.session)  # private: the ONNX session wrapper
        return self._rec

    @property
    def charset(self) -> Sequence[str]:
        """The recogniser's output classes; index 0 is CTC's blank."""
        return self._recogniser().postprocess_op.character  # private

    def recognise(self, batch: np.ndarray) -> np.ndarray:
        """Per-step class probabilities for a normalised batch (N, 3, 48, W) of line images."""
        return self._recogniser().session(batch)  # private: the ONNX session wrapper

    def record_inputs(self, sink: Callable[[str, np.ndarray], None]) -> None:
        """From now on hand every input of the detector ("det") and the recogniser ("rec") to ``sink``
        before the model runs: the calibration set of scripts/quantise_ocr_models.py is what the
        page reader really feeds the models."""
        for name, model in (("det", self._ocr._load_det_model()), ("rec", self._recogniser())):  # private
            model.session = _Recorded(name, model.session, sink)


class _LookUpPreProcess(DetPreProcess):
    """RapidOCR's detector preprocessing (``DetPreProcess``: resize to multiples of 32, then
    ``(x * (1/255) - mean) / std`` in float64, channels first, float32) with the arithmetic done
    once for each of the 256 values of a channel: the same float32 input, to the bit."""

    def __init__(self, limit_side_len: int, limit_type: str, mean: Sequence[float] | None,
                 std: Sequence[float] | None) -> None:
        super().__init__(limit_side_len, limit_type, mean, std)
        levels = np.arange(256, dtype=np.float32)[:, None] * self.scale  # float32, as RapidOCR's
        self._table = np.ascontiguousarray(((levels - self.mean) / self.std).astype(np.float32).T)

    def __call__(self, img: np.ndarray) -> np.ndarray | None:
        if img.dtype != np.uint8 or img.ndim != 3 or img.shape[2] != len(self._table):
            return super().__call__(img)
        resized = self.resize(img)
        if resized is None:
            return None
        out = np.empty((1, resized.shape[2], resized.shape[0], resized.shape[1]), np.float32)
        for c, table in enumerate(self._table):
            np.take(table, resized[:, :, c], out=out[0, c])
        return out


class _Shrunk:
    """A model session that hands its arena's memory back after each run."""

    def __init__(self, wrapped: Any) -> None:  # RapidOCR's private session wrapper: no public type
        import onnxruntime

        self._session = wrapped.session  # private: RapidOCR's wrapper holds the InferenceSession
        self._names = [o.name for o in self._session.get_outputs()]
        self._input = self._session.get_inputs()[0].name
        self._options = onnxruntime.RunOptions()
        self._options.add_run_config_entry("memory.enable_memory_arena_shrinkage", "cpu:0")

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        return self._session.run(self._names, {self._input: batch}, self._options)[0]


class _Recorded:
    """A model session that shows each input to a sink, then runs it."""

    def __init__(self, name: str, run: Callable[[np.ndarray], np.ndarray], sink: Callable[[str, np.ndarray], None]):
        self._name, self._run, self._sink = name, run, sink

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        self._sink(self._name, batch)
        return self._run(batch)


def installed_version() -> str:
    from importlib.metadata import version

    return version("rapidocr")
