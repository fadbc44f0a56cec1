"""The family interface the benchmark calls, and the page facts every family reads.

A family is one archive condition (a flatbed office scan, a fax, a worn photocopy...). The
benchmark asks it once per document for a resolution and then once per page for the damaged
image; all randomness comes from the ``random.Random`` it is handed, so a seed fixes the output.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import cv2
import numpy as np

KINDS = ("pdf", "jpg", "png", "tiff")


class PageFacts(Protocol):
    """What the benchmark tells a family about a page (attributes, not a dict)."""

    dpi: int
    tables_px: list[tuple[int, int, int, int]]
    last: bool
    org: str


@dataclass(frozen=True)
class PageContext:
    """A concrete ``PageFacts`` for tests and previews; the benchmark may pass its own object."""

    dpi: int
    tables_px: list[tuple[int, int, int, int]] = field(default_factory=list)
    last: bool = False
    org: str = ""


class Family:
    """One archive condition. Subclasses set ``name``, ``kind``, ``dpis`` and implement ``_degrade``."""

    name: ClassVar[str]
    kind: ClassVar[str]
    dpis: ClassVar[tuple[int, ...]]
    """Resolutions a device of this kind is set to; one is drawn per document."""
    summary: ClassVar[str]

    def choose_dpi(self, rng: random.Random) -> int:
        return rng.choice(self.dpis)

    def degrade_page(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        if page.ndim != 3 or page.shape[2] != 3 or page.dtype != np.uint8:
            raise ValueError(f"{self.name}: expected a BGR uint8 page, got {page.dtype} {page.shape}")
        out, params = self._degrade(page, rng, ctx)
        params = {"family": self.name, "dpi": int(ctx.dpi), **params}
        return out, jsonable(params)

    def _degrade(self, page: np.ndarray, rng: random.Random, ctx: PageFacts) -> tuple[np.ndarray, dict[str, Any]]:
        raise NotImplementedError


def np_rng(rng: random.Random) -> np.random.Generator:
    """A NumPy generator seeded from ``rng`` (so one seed still fixes everything)."""
    return np.random.default_rng(rng.getrandbits(63))


def jsonable(value: Any) -> Any:
    """Plain Python numbers, lists and dicts (NumPy scalars and tuples converted, floats rounded)."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if isinstance(value, bool | np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return round(float(value), 4)
    return value


def grey(img: np.ndarray) -> np.ndarray:
    return img if img.ndim == 2 else cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)


def ink_box(page: np.ndarray, threshold: int = 225) -> tuple[int, int, int, int]:
    """Bounding box (x0, y0, x1, y1) of everything printed; the whole page when it is blank."""
    g = grey(page)
    ys, xs = np.nonzero(g < threshold)
    if len(xs) == 0:
        h, w = g.shape
        return 0, 0, w, h
    return int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1


def mm(dpi: int, millimetres: float) -> int:
    return round(millimetres / 25.4 * dpi)
