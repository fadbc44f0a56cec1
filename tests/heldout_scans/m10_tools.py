"""Small image helpers shared by round 10's families (maker10): fields, codecs, drawing."""

from __future__ import annotations

import os
from functools import lru_cache

import cv2
import numpy as np


def low_freq(nrng: np.random.Generator, shape: tuple[int, int], cells: int) -> np.ndarray:
    """A smooth random field in [0, 1] of ``shape``: ``cells`` x ``cells`` noise blown up bicubically."""
    h, w = shape
    cells = max(2, cells)
    small = nrng.random((cells, max(2, round(cells * w / max(h, 1)))))
    big = cv2.resize(small.astype(np.float32), (w, h), interpolation=cv2.INTER_CUBIC)
    lo, hi = float(big.min()), float(big.max())
    return (big - lo) / max(hi - lo, 1e-6)


def jpeg(img: np.ndarray, quality: int, subsample_420: bool = True) -> np.ndarray:
    params = [cv2.IMWRITE_JPEG_QUALITY, int(quality)]
    if img.ndim == 3 and hasattr(cv2, "IMWRITE_JPEG_SAMPLING_FACTOR"):
        factor = cv2.IMWRITE_JPEG_SAMPLING_FACTOR_420 if subsample_420 else cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
        params += [cv2.IMWRITE_JPEG_SAMPLING_FACTOR, factor]
    ok, buf = cv2.imencode(".jpg", img, params)
    if not ok:  # pragma: no cover - OpenCV always encodes JPEG
        return img
    flag = cv2.IMREAD_COLOR if img.ndim == 3 else cv2.IMREAD_GRAYSCALE
    return cv2.imdecode(buf, flag)


def jpeg2000(img: np.ndarray, rate_x1000: int) -> np.ndarray:
    """A JPEG 2000 round trip at ``rate_x1000`` (OpenCV's compression knob); JPEG q20 if no codec."""
    try:
        ok, buf = cv2.imencode(".jp2", img, [cv2.IMWRITE_JPEG2000_COMPRESSION_X1000, int(rate_x1000)])
    except cv2.error:
        ok = False
    if not ok:
        return jpeg(img, 20)
    flag = cv2.IMREAD_COLOR if img.ndim == 3 else cv2.IMREAD_GRAYSCALE
    out = cv2.imdecode(buf, flag)
    return img if out is None else out


def rotate(img: np.ndarray, degrees: float, fill: int | tuple[int, ...], interp: int = cv2.INTER_LINEAR) -> np.ndarray:
    h, w = img.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    return cv2.warpAffine(img, m, (w, h), flags=interp, borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def tables_union(tables: list[tuple[int, int, int, int]], shape: tuple[int, int]) -> np.ndarray:
    """A boolean mask of the tables' boxes (clipped to ``shape``)."""
    mask = np.zeros(shape, bool)
    h, w = shape
    for x0, y0, x1, y1 in tables:
        mask[max(0, int(y0)) : min(h, int(y1)), max(0, int(x0)) : min(w, int(x1))] = True
    return mask


@lru_cache(maxsize=1)
def cjk_font_path() -> str | None:
    for path in (
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
        "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
        "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
        "/usr/share/fonts/truetype/arphic/ukai.ttc",
    ):
        if os.path.exists(path):
            return path
    return None


def draw_text(img: np.ndarray, xy: tuple[int, int], text: str, size: int, colour: tuple[int, int, int]) -> np.ndarray:
    """Draw ``text`` (CJK if a font is installed, else its ASCII part with OpenCV) with its top-left at ``xy``."""
    path = cjk_font_path()
    if path is not None:
        from PIL import Image, ImageDraw, ImageFont

        pil = Image.fromarray(cv2.cvtColor(img, cv2.COLOR_BGR2RGB))
        font = ImageFont.truetype(path, size)
        ImageDraw.Draw(pil).text(xy, text, font=font, fill=colour[::-1])
        return cv2.cvtColor(np.asarray(pil), cv2.COLOR_RGB2BGR)
    ascii_text = "".join(ch for ch in text if ord(ch) < 128).strip() or "..."
    scale = size / 30
    cv2.putText(
        img, ascii_text, (xy[0], xy[1] + size), cv2.FONT_HERSHEY_SIMPLEX, scale, colour, max(1, size // 15), cv2.LINE_AA
    )
    return img
