"""Scan degradations for training crops: the test generator's, from a source checkout.

``tests/generator/degrade.py`` makes the benchmark's scans (toner, blur, noise, speckle, uneven
light, JPEG, red seals, skew, pages fed upside down). The training export passes cell crops
through the same ``degrade_page`` (a crop taken as a small page, a seal possible anywhere on
it), so a recogniser trained on them sees the degradations the benchmark measures. That module
is test code and stays with the tests, where it is developed; this adapter finds it in the
checkout gongkai runs from (an editable install or ``python -m`` from the repository) and says
so when there is none (an installed wheel): ``E_NEEDS_SOURCE``.
"""

from __future__ import annotations

import random
import sys
from dataclasses import asdict
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
from PIL import Image

from gongkai.extract.errors import GongkaiError

SOURCE_ROOT = Path(__file__).resolve().parents[2]
"""The repository this package runs from, in a source checkout (extract/archive/ is two below it)."""
LEVELS = ("clean", "hard")
"""The generator's levels that make sense on a crop ("photo" puts the sheet on a desk)."""


class NeedsSourceCheckout(GongkaiError):
    code = "E_NEEDS_SOURCE"
    hint = ("degraded crops use the test generator (tests/generator/degrade.py): run gongkai from a source "
            "checkout (pip install -e . in the repository), or export without --degrade")


def generator() -> ModuleType:
    """The test generator's degrade module, from the source checkout this package was installed from."""
    root = SOURCE_ROOT
    if not (root / "tests" / "generator" / "degrade.py").is_file():
        raise NeedsSourceCheckout(f"no tests/generator/degrade.py beside {root}")
    if str(root) not in sys.path:
        sys.path.append(str(root))
    from tests.generator import degrade  # type: ignore[import-not-found]

    return degrade


def check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"--degrade takes {' or '.join(LEVELS)}, not {level!r}")
    generator()


def degrade_crop(crop: Image.Image, level: str, rng: random.Random, dpi: float, org: str) -> tuple[
    Image.Image, dict[str, Any]
]:
    """The crop degraded as the generator degrades a page at ``level``; the parameters it drew."""
    gen = generator()
    page = np.ascontiguousarray(np.asarray(crop.convert("RGB"))[:, :, ::-1])
    h, w = page.shape[:2]
    out, deg = gen.degrade_page(page, level, rng, round(dpi), [(0, 0, w, h)], False, org)
    img = Image.fromarray(np.ascontiguousarray(out[:, :, ::-1]))
    if deg.grey:
        img = img.convert("L")
    return img, {"level": level, **asdict(deg)}
