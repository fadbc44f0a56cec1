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
from collections.abc import Sequence

import numpy as np

PINNED = "3.10.0"
"""The RapidOCR release this adapter was written and measured against (pyproject pins it)."""


class RapidModels:
    """RapidOCR's detector (public call) and recogniser (private session and charset), loaded once."""

    def __init__(self, threads: int) -> None:
        from rapidocr import RapidOCR

        logging.getLogger("RapidOCR").setLevel(logging.WARNING)
        self._ocr = RapidOCR(
            params={
                "Global.log_level": "warning",
                "EngineConfig.onnxruntime.intra_op_num_threads": threads,
                "EngineConfig.onnxruntime.inter_op_num_threads": 1,
            }
        )
        self._rec = None

    def detect(self, image: np.ndarray) -> list[Sequence[Sequence[float]]]:
        """Text line quadrilaterals (four (x, y) points each) in ``image`` pixels (public API)."""
        res = self._ocr(image, use_det=True, use_cls=False, use_rec=False)
        boxes = getattr(res, "boxes", None)
        return [] if boxes is None else list(boxes)

    def _recogniser(self):
        if self._rec is None:
            self._rec = self._ocr._load_rec_model()  # private: the recogniser object, built lazily
        return self._rec

    @property
    def charset(self) -> Sequence[str]:
        """The recogniser's output classes; index 0 is CTC's blank."""
        return self._recogniser().postprocess_op.character  # private

    def recognise(self, batch: np.ndarray) -> np.ndarray:
        """Per-step class probabilities for a normalised batch (N, 3, 48, W) of line images."""
        return self._recogniser().session(batch)  # private: the ONNX session wrapper


def installed_version() -> str:
    from importlib.metadata import version

    return version("rapidocr")
