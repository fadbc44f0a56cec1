"""Make the int8 OCR models gongkai ships in models/ocr: RapidOCR's own detector and recogniser
(PP-OCRv6 small, Apache-2.0, from the pinned rapidocr wheel), statically quantised.

    .venv/bin/python scripts/quantise_ocr_models.py            # ~10 min on one core; needs `onnx` (dev extra)

Why: on a scanned page the two networks were ~2/3 of the CPU (recognition ~1.3 s, detection ~0.6 s a
page) and issue 13 asks for <= 2 s a page. Dynamic int8 (weights only) was no faster on this CPU
(its integer convolutions are slower than the float ones); static int8 (QDQ, per-channel weights,
8-bit activations) runs both networks in about half the time. Static quantisation needs the range of
every activation: they are measured here on what the page reader really feeds the models (every
detector input and a sample of the recogniser's batches) while it reads scans the generator makes
of born-digital reports no benchmark or family test reads (CALIBRATION), degraded by own families
(never a held-out one). ``--work DIR`` keeps the recorded inputs, so a change of the quantisation
alone is tried again in minutes.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from onnxruntime.quantization import CalibrationDataReader

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CALIBRATION: dict[str, list[str]] = {
    # generated report -> own families it is degraded by (gen_000-gen_009 are the benchmark's,
    # tests/test_scan_families.py takes its own: these five are neither)
    "gen_012": ["clean", "lid", "curl"],
    "gen_013": ["hard", "fax", "fill"],
    "gen_015": ["toner", "archive", "glare"],
    "gen_016": ["copyseal", "sealbw", "forwarded"],
    "gen_018": ["photo", "copy2", "halftone"],
}
SEED = 101
"""The degradations' seed: none of the benchmark's (1, 2) nor the family tests'."""
REC_EVERY = 4
"""Every fourth recogniser batch is kept (a page gives 20-60; their widths vary, their ink does not much)."""


def record(work: Path) -> None:
    """Read the calibration scans with the float models, saving every model input in ``work``."""
    from gongkai import OcrOptions, Options
    from gongkai.extract.input.readers.scan import page_reader
    from gongkai.extract.pipeline import analyse_bytes, analyse_pages
    from tests.generator.degrade import make

    options = Options(ocr=OcrOptions(rapid_models="float"), narrative=False)
    counts = {"det": 0, "rec": 0}

    def keep(name: str, batch: np.ndarray) -> None:
        counts[name] += 1
        if name == "det" or counts[name] % REC_EVERY == 1:
            np.save(work / f"{name}_{counts[name]:05d}.npy", batch)

    page_reader(options.ocr).prose._engine().record_inputs(keep)
    pages = work / "pages"
    pages.mkdir(exist_ok=True)
    for doc, families in CALIBRATION.items():
        for family in families:
            truth = make(ROOT / "tests" / "corpus" / "generated" / f"{doc}.pdf", pages, family, SEED)
            data = [(pages / f).read_bytes() for f in truth["files"]]
            analyse_bytes(data[0], options) if len(data) == 1 else analyse_pages(data, options)
            print(f"{doc} {family}: {counts['det']} detector inputs, {counts['rec']} recogniser batches so far")


class _Inputs(CalibrationDataReader):
    """onnxruntime's calibration reader over the saved inputs of one model."""

    def __init__(self, files: list[Path]) -> None:
        super().__init__()
        self._files: Iterator[Path] = iter(files)

    def get_next(self) -> dict[str, np.ndarray] | None:
        f = next(self._files, None)
        return None if f is None else {"x": np.load(f)}


def quantise(source: Path, inputs: list[Path], target: Path, work: Path) -> None:
    """Static QDQ int8 of ``source``, ranges from ``inputs``; the model's metadata (the charset) kept."""
    import onnx
    from onnx import version_converter
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static
    from onnxruntime.quantization.shape_inference import quant_pre_process

    # per-channel scales need DequantizeLinear's axis (opset 13); the wheel's models are opset 11
    upgraded = work / f"{source.stem}_13.onnx"
    onnx.save(version_converter.convert_version(onnx.load(source), 13), upgraded)
    prepared = work / f"{source.stem}_pre.onnx"
    quant_pre_process(upgraded, prepared, skip_symbolic_shape=True)
    quantize_static(
        prepared, target, _Inputs(inputs), quant_format=QuantFormat.QDQ, per_channel=True,
        activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, nodes_to_exclude=_head(onnx.load(prepared)),
        # a MatMul's output stays float (onnxruntime then multiplies in int8 and hands back float): the
        # recogniser's logits come out of one, in 8 bits they were in steps of ~0.25
        extra_options={"CalibMaxIntermediateOutputs": 8, "OpTypesToExcludeOutputQuantization": ["MatMul"]},
    )
    print(f"{target.name}: {target.stat().st_size / 1e6:.1f} MB from {len(inputs)} inputs")


def _head(model) -> list[str]:
    """The output's last two nodes (the logits' bias, then softmax or sigmoid) stay float: quantised,
    every probability came in steps of 1/255 (a sure character read 0.9961), and the page reader
    reads a character's doubt (< 0.9) and its runner-up (>= 0.05) in them."""
    producer = {out: node for node in model.graph.node for out in node.output}
    last = producer[model.graph.output[0].name]
    return [last.name, producer[last.input[0]].name]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=ROOT / "models" / "ocr")
    ap.add_argument("--work", type=Path, help="keep the pages and recorded inputs here (default: a temporary folder)")
    args = ap.parse_args()

    import rapidocr

    from gongkai.ocr._rapidocr import QUANTISED

    wheel = Path(rapidocr.__file__).parent / "models"
    with tempfile.TemporaryDirectory(prefix="gongkai-quantise-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if not any(work.glob("det_*.npy")):
            record(work)
        args.out.mkdir(parents=True, exist_ok=True)
        for name, target in zip(("det", "rec"), QUANTISED, strict=True):
            source = wheel / target.replace("_int8", "")
            quantise(source, sorted(work.glob(f"{name}_*.npy")), args.out / target, work)


if __name__ == "__main__":
    main()
