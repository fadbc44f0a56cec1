"""Cleaning a page image before recognition: seals, light, skew, binarisation.

Each step returns a new image and is cheap (a few tens of ms on a 200 dpi page).
"""

from __future__ import annotations

import cv2
import numpy as np


def to_gray_without_red(image: np.ndarray) -> np.ndarray:
    """Grey image with red ink (official seals) removed.

    Black text under a red seal stays dark in every channel, while the seal's red
    is bright in the red channel: taking the red channel where a pixel is
    saturated red keeps the text and drops the seal.
    """
    if image.ndim == 2:
        return image
    bgr = image[:, :, :3]
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY)
    hsv = cv2.cvtColor(bgr, cv2.COLOR_BGR2HSV)
    hue, sat, val = hsv[:, :, 0], hsv[:, :, 1], hsv[:, :, 2]
    red = ((hue < 12) | (hue > 165)) & (sat > 60) & (val > 90)
    out = gray.copy()
    out[red] = np.maximum(bgr[:, :, 2][red], 200)
    return out


def flatten_illumination(gray: np.ndarray) -> np.ndarray:
    """Divide by a blurred background so shadows and uneven light become white paper."""
    k = max(31, (min(gray.shape) // 20) | 1)
    background = cv2.morphologyEx(gray, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    background = cv2.GaussianBlur(background, (0, 0), k / 4)
    return cv2.divide(gray, np.maximum(background, 1), scale=255)


def binarize_inv(gray: np.ndarray) -> np.ndarray:
    """Ink = 255 on black; adaptive, so faint copies and dark scans both work."""
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def skew_angle(binary_inv: np.ndarray) -> float:
    """Page skew in degrees from long near-horizontal strokes (rulings, text lines)."""
    w = binary_inv.shape[1]
    # smear text lines into bars so pages without tables have long strokes too
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (max(15, w // 60), 1))
    bars = cv2.morphologyEx(binary_inv, cv2.MORPH_CLOSE, kernel)
    lines = cv2.HoughLinesP(bars, 1, np.pi / 1800, threshold=200, minLineLength=w // 4, maxLineGap=20)
    if lines is None:
        return 0.0
    angles = []
    for x1, y1, x2, y2 in np.asarray(lines).reshape(-1, 4):
        a = np.degrees(np.arctan2(y2 - y1, x2 - x1))
        if abs(a) < 8:
            angles.append(a)
    return float(np.median(angles)) if angles else 0.0


def rotate(image: np.ndarray, degrees: float) -> np.ndarray:
    """Rotate about the centre, filling with white."""
    if abs(degrees) < 0.05:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    border = 255 if image.ndim == 2 else (255, 255, 255)
    return cv2.warpAffine(image, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=border)


def prepare(image: np.ndarray) -> tuple[np.ndarray, np.ndarray, float]:
    """(grey, binary ink mask, skew corrected in degrees) ready for grids and recognition."""
    gray = flatten_illumination(to_gray_without_red(image))
    angle = skew_angle(binarize_inv(gray))
    gray = rotate(gray, angle)
    if _speckled(binarize_inv(gray)):
        gray = cv2.medianBlur(gray, 3)
    return gray, binarize_inv(gray), angle


def _speckled(binary_inv: np.ndarray) -> bool:
    """Speckle noise: most ink components are a few pixels and there are many of them."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary_inv, connectivity=8)
    if n < 500:
        return False
    tiny = int((stats[1:, cv2.CC_STAT_AREA] <= 3).sum())
    return tiny > 0.5 * (n - 1)


def ink_ratio(binary_inv: np.ndarray) -> float:
    return float((binary_inv > 0).mean()) if binary_inv.size else 0.0
