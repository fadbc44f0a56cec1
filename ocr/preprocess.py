"""Cleaning a page image before recognition: seals, light, skew, noise, binarisation.

Every step works on a downscaled copy where it can (a 200 dpi A4 page is 3.9 Mpx;
the analysis needs a tenth of that), so the whole chain costs ~0.1 s per page.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import cv2
import numpy as np


def _red(r: np.ndarray, excess: np.ndarray) -> np.ndarray:
    """A seal's red ink: clearly redder than green or blue, and bright in red."""
    return (excess > 28) & (r > 90)


def red_ink(image: np.ndarray) -> np.ndarray:
    """Where a red seal's (or a red pen's) ink lies on a page white-balanced on its own paper
    (``flattened``'s second picture: its paper is white, so red is red relative to the page's own paper)."""
    if image.ndim == 2:
        return np.zeros(image.shape, bool)
    b, g, r = cv2.split(image[:, :, :3])
    return _red(r, cv2.subtract(r, cv2.max(g, b)))


def seal_ink(red: np.ndarray) -> np.ndarray:
    """Where a red seal's ink lies, grown by a stroke (``red``: ``red_ink``): print under it may have
    been lifted with it."""
    if not red.any():
        return red
    k = max(3, (min(red.shape) // 300) | 1)
    return cv2.dilate(red.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))) > 0


def to_gray_without_red(image: np.ndarray, red: np.ndarray | None = None, gray: np.ndarray | None = None) -> np.ndarray:
    """Grey image with red ink (official seals) removed (``red``: where it lies, ``red_ink`` of
    ``image`` when not given). ``gray``: the grey the seal is lifted out of, where it is not ``image``'s
    own (``clean``: the page read flattened, its colours judged white-balanced; read from the red channel
    of the flattened picture, print beside a seal under a warm lamp went as pale as its red).

    Black text under a red seal stays dark in every channel, while the seal's red
    is bright in the red channel: taking the red channel where a pixel is
    clearly redder than it is green or blue keeps the text and drops the seal,
    faded and JPEG-smeared seals included.
    """
    if image.ndim == 2:
        return image
    bgr = image[:, :, :3]
    gray = cv2.cvtColor(bgr, cv2.COLOR_BGR2GRAY) if gray is None else gray
    red = red_ink(image) if red is None else red
    if not red.any():
        return gray
    b, g, r = cv2.split(bgr)
    excess = cv2.subtract(r, cv2.max(g, b))
    out = gray.copy()
    # around the seal the red channel is the grey: JPEG keeps colour at half resolution, so a
    # seal's edges and thin strokes are only faintly red, yet bright in red (black print is not)
    near = cv2.dilate(red.astype(np.uint8), cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (7, 7))) > 0
    out[near] = np.maximum(out[near], r[near])
    # clearly red pixels, lifted by how red they are: a seal's blotchy ink goes to paper white
    # (left at its red-channel grey it would still draw the ring for the ruling finder). Only
    # where the red channel is bright: black print under the seal is dark red, as red as the
    # seal by hue but dark in red (a ruling under a seal would be lifted away with it)
    rr = r[red].astype(np.int32)
    bright = np.clip((rr - SEAL_RED_MIN) * (1.0 / 25.0), 0.0, 1.0)
    lifted = rr + (3.0 * (excess[red].astype(np.int32) - 28) * bright).astype(np.int32)
    out[red] = np.clip(np.maximum(lifted, out[red]), 0, 255).astype(np.uint8)
    return out


SEAL_RED_MIN = 175
"""Red-channel level (paper = 255 after the light is flattened) below which a red pixel is black
print under a seal rather than the seal's ink (~190-235): it keeps its red-channel grey."""


def paper_level(gray: np.ndarray) -> np.ndarray:
    """The paper's brightness at every pixel (the ink closed away), full size.

    Estimated on a 1/8 copy, which is as good as full resolution for a slowly varying
    light and 50x cheaper.
    """
    return _full_size(_small_level(gray), gray.shape)


def _small_level(channel: np.ndarray) -> np.ndarray:
    """``paper_level`` on its 1/8 copy."""
    h, w = channel.shape
    f = 8 if min(h, w) >= 400 else 1
    small = cv2.resize(channel, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    k = max(5, (min(small.shape) // 25) | 1)
    background = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    return cv2.GaussianBlur(background, (0, 0), k / 2)


def _full_size(level: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    h, w = shape[:2]
    return np.maximum(cv2.resize(level, (w, h), interpolation=cv2.INTER_LINEAR), 1)


def outside_paper(image: np.ndarray) -> np.ndarray:
    """Where the picture shows no paper: a scanner's dark lid or a desk beside a shifted or cut sheet.

    Such a region is far darker than the paper, wide (no stroke of print is), and reaches the
    picture's edge. Left in, the light is flattened against it and its edge along the sheet reads
    as a table's outer ruling. Found on a 1/8 copy; a boolean mask at full size.
    """
    gray = image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = 8 if min(h, w) >= 400 else 1
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    paper = float(np.percentile(small, 90))
    dark = (small < 0.45 * paper).astype(np.uint8)
    k = max(3, (min(small.shape) // 60) | 1)  # ~1 cm: wider than any printed stroke
    dark = cv2.morphologyEx(dark, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (k, k)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(dark, connectivity=4)
    sh, sw = dark.shape
    keep = np.zeros(n, bool)
    for i in range(1, n):
        x, y, bw, bh, _ = stats[i]
        keep[i] = x == 0 or y == 0 or x + bw >= sw or y + bh >= sh
    mask = keep[labels].astype(np.uint8)
    mask = cv2.dilate(mask, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))  # the blurred rim with it
    return cv2.resize(mask, (w, h), interpolation=cv2.INTER_NEAREST).astype(bool)


def flatten_illumination(image: np.ndarray) -> np.ndarray:
    """Divide by the paper's brightness so shadows and uneven light become white paper; a colour image
    has every channel divided by the same level, so colours keep their hue (the picture that is read)."""
    return flattened(image)[0]


def flattened(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The page with its light flattened (``flatten_illumination``), and the same page white-balanced on
    its own paper for judging colour: where the paper is tinted (``paper_tinted``: a warm lamp, yellowed
    paper, a phone's white balance) each channel divided by its own paper's level, so print is grey again
    and only a seal stays red (divided by the grey level, print under a warm lamp comes out as red as a
    faded seal). The balanced picture only decides what is seal ink: read, it moved columns of pinkish
    sheets on brown desks and of bound volumes (in8b_volume, in8_bound gen_001: 198 -> 58 cells)."""
    gray = image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
    small = _small_level(gray)
    level = _full_size(small, gray.shape)
    if image.ndim == 2:
        flat = cv2.divide(image, level, scale=255)
        return flat, flat
    flat = cv2.divide(image[:, :, :3], cv2.merge([level, level, level]), scale=255)
    channels = cv2.split(image[:, :, :3])
    levels = [_small_level(c) for c in channels]
    if not paper_tinted(levels, small):
        return flat, flat
    return flat, cv2.merge([cv2.divide(c, _full_size(lv, c.shape), scale=255) for c, lv in zip(channels, levels,
                                                                                           strict=True)])


def flat_gray_without_red(image: np.ndarray) -> np.ndarray:
    """The page's light flattened, in grey, its red seals lifted (judged on the white-balanced picture,
    ``flattened``): what looking for its skew sees, as ``clean`` does for reading."""
    flat, balanced = flattened(image)
    gray = flat if flat.ndim == 2 else cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY)
    return to_gray_without_red(balanced, red_ink(balanced), gray)


TINT_MIN = 0.03
"""Least departure of a channel's paper level from the grey's that is a tint of the light or the paper
(a scanner's white is within a percent or two; a warm lamp's blue is 10-30 % down)."""
TINT_AREA = 0.1
"""Share of the picture whose paper must be tinted for the page to be flattened channel by channel
(a sheet under a warm lamp in a screenshot's white frame is tinted on half of it)."""


def paper_tinted(levels: list[np.ndarray], gray_level: np.ndarray) -> bool:
    """Whether enough of the paper (``TINT_AREA``) has a channel whose level (``_small_level``, B, G, R)
    departs from the grey's by ``TINT_MIN`` or more: the light's or the paper's colour."""
    grey = np.maximum(gray_level, 1.0)
    off = np.max([np.abs(lv / grey - 1.0) for lv in levels], axis=0)
    return float((off >= TINT_MIN).mean()) >= TINT_AREA


def binarize_inv(gray: np.ndarray) -> np.ndarray:
    """Ink = 255 on black; adaptive, so faint copies and dark scans both work."""
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 15)


def _profile_score(small: np.ndarray, degrees: float) -> float:
    """How sharply text lines and rulings separate into rows at this rotation."""
    rotated = rotate(small, degrees, border=0)
    rows = rotated.sum(axis=1, dtype=np.float64)
    return float(np.square(np.diff(rows)).sum())


def skew_angle(binary_inv: np.ndarray, max_degrees: float = 5.0) -> float:
    """Degrees to pass to ``rotate`` to level the page (projection profiles, coarse to fine).

    Rows of a level page alternate between ink (text lines, rulings) and paper; the
    rotation that makes the row profile change most sharply is the one that levels it.
    Below the resolution of the analysis copy scores tie: the middle of the tie is taken. The
    coarse pass, half a degree apart, looks at a copy of half that size: it only has to land
    within the finer passes' reach, and it is most of the rotations (33 of 57 at ±8°).
    """
    h, w = binary_inv.shape
    s = min(1.0, 900.0 / max(w, 1))
    small = cv2.resize(binary_inv, (max(1, int(w * s)), max(1, int(h * s))), interpolation=cv2.INTER_AREA)
    if not small.any():
        return 0.0
    small = small.astype(np.float32)
    coarse = cv2.resize(small, (max(1, small.shape[1] // 2), max(1, small.shape[0] // 2)), interpolation=cv2.INTER_AREA)
    best = 0.0
    for step, span, copy in ((0.5, max_degrees, coarse), (0.1, 0.5, small), (0.02, 0.12, small)):
        candidates = np.arange(best - span, best + span + step / 2, step)
        scores = np.array([_profile_score(copy, float(a)) for a in candidates])
        top = candidates[scores >= scores.max() * (1 - 1e-4)]
        best = float((top.min() + top.max()) / 2)
    return round(best, 2) if abs(best) >= 0.02 else 0.0


def rotate(image: np.ndarray, degrees: float, interpolation: int = cv2.INTER_LINEAR, border: int = 255) -> np.ndarray:
    """Rotate about the centre, filling with white (or ``border``)."""
    if abs(degrees) < 0.01:
        return image
    h, w = image.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), degrees, 1.0)
    fill = border if image.ndim == 2 else (border,) * image.shape[2]
    return cv2.warpAffine(image, m, (w, h), flags=interpolation, borderValue=fill)


NEGATIVE_GROUND = 100
"""Grey level (0-255) below which a page's ground is dark: a viewer's night mode, a negative microfilm
print. Paper, even in a dim photo of a monitor or under a phone's shadow, is above ~120."""
NEGATIVE_UNSURE = 0.15
"""Share of a dark-ground page's light pixels that are thin strokes from which the page may be light
print on a dark ground, and is read both ways, the reading that fits best kept (``PageReader``). No
share tells the polarity alone: a white sheet photographed on a dark desk has thin light too (the paper
between its dark lines of text, a checked cloth's squares): 0.10-0.18 on the landscape photos of gen_043
and hongze_2024, 0.08-0.14 on 12 of 32 curl and fold photos (seed 1, 3 reports), 0.39 and 0.84 on
clutter photos (gen_000 p1, hongze_2023 p2, seed 1), 0.95 and 0.998 on clutter at seed 2 (huaian_2024
p3, hongze_2024 p1); night-mode screens measure 0.20-0.79 (in7_screen, seeds 1 and 2). Below it (under
any night screen seen, above most photos of a sheet on a desk: each page above it costs a second
reading) the page is read as printed."""


def thin_light(image: np.ndarray) -> float:
    """The share of a dark-ground page's light pixels that are thin strokes (0 on a light ground).

    The ground is the page's commonest grey (on a 1/8 copy); light print on it (a screen's night mode)
    is thin strokes, a white sheet lying on a dark desk, or an app's light bars, broad areas.
    """
    gray = image if image.ndim == 2 else cv2.cvtColor(image[:, :, :3], cv2.COLOR_BGR2GRAY)
    h, w = gray.shape
    f = 8 if min(h, w) >= 400 else 1
    small = cv2.resize(gray, (max(1, w // f), max(1, h // f)), interpolation=cv2.INTER_AREA)
    ground = int(np.bincount((small // 16).ravel(), minlength=16).argmax()) * 16 + 8
    if ground >= NEGATIVE_GROUND:
        return 0.0
    full = cv2.resize(gray, (max(1, w // 2), max(1, h // 2)), interpolation=cv2.INTER_AREA) if f > 1 else gray
    light = full > ground + 60
    k = cv2.getStructuringElement(cv2.MORPH_RECT, (15, 15))  # wider than a stroke at half size
    broad = cv2.morphologyEx(light.astype(np.uint8), cv2.MORPH_OPEN, k).astype(bool)
    thin = int(light.sum()) - int(broad.sum())
    if thin < 0.01 * light.size:
        return 0.0  # too little light print to be a page of it
    return thin / max(int(light.sum()), 1)


def maybe_negative(image: np.ndarray) -> bool:
    """Whether the page may be light print on a dark ground (a screen's night mode shows the page
    inverted): enough of its light is thin strokes (``NEGATIVE_UNSURE``); which it is, only reading tells."""
    return thin_light(image) >= NEGATIVE_UNSURE


def is_bitonal(image: np.ndarray) -> bool:
    """Whether a page came one bit per pixel (a fax, a black-and-white archive scanner): every
    sampled pixel black or white. Its strokes are jagged and thresholded, so its digits are
    looked at a second time, smoothed (``PageReader``)."""
    sample = image[::5, ::5]
    if sample.ndim == 3:
        if not (sample == sample[..., :1]).all():
            return False
        sample = sample[..., 0]
    return bool(np.isin(sample, (0, 255)).all()) and sample.min() < 128


def descreen(image: np.ndarray) -> np.ndarray | None:
    """A bitonal page whose greys came as dots (a scanner's halftone screen, ordered dither or error
    diffusion: a shaded row or column, light print, a seal) smoothed back to grey; None when it has
    no dot field. A dot field is where the ink is mostly specks too small to be print (``DOT_AREA``)
    and dense (``DOT_DENSITY``). The whole page is smoothed over about a third of the dots' spacing,
    at most ~1 px at 200 dpi: a shading becomes an even light grey that no threshold takes for ink and
    that breaks no row, dotted print a grey stroke (a light face is dotted all over such a page: gen_001's
    review table, halftone seed 1, read its labels and digits only so), and black print stays black;
    rulings (long straight runs of ink) keep their pixels."""
    gray = image if image.ndim == 2 else image[:, :, 0]
    scale = min(gray.shape) / 1654.0  # 1 at 200 dpi A4
    if scale < DOT_MIN_SCALE:
        return None
    ink = (gray < 128).astype(np.uint8)
    _, labels, stats, centres = cv2.connectedComponentsWithStats(ink, connectivity=8)
    small = stats[:, cv2.CC_STAT_AREA] <= max(4, round(DOT_AREA * scale * scale))
    small[0] = False
    k = max(5, round(8 * scale)) | 1
    field = cv2.blur(small[labels].astype(np.float32), (k, k)) > DOT_DENSITY
    if field.mean() < DOT_FIELD_SHARE:
        return None
    xs, ys = centres[small].astype(int).T
    spacing = math.sqrt(float(field.sum()) / max(1, int(field[ys, xs].sum())))  # between the dots in the fields
    soft = cv2.GaussianBlur(gray, (0, 0), min(scale, max(0.8, 0.3 * spacing)))
    # the rulings keep their crisp black: at 100-150 dpi a 1 px ruling smoothed goes grey and breaks the grid
    long = max(15, round(40 * scale))
    lines = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((1, long), np.uint8)) | cv2.morphologyEx(
        ink, cv2.MORPH_OPEN, np.ones((long, 1), np.uint8))
    soft[lines > 0] = 0
    return soft if image.ndim == 2 else cv2.cvtColor(soft, cv2.COLOR_GRAY2BGR)


DOT_MIN_SCALE = 0.7
"""Below ~140 dpi (a share of 200 dpi A4's short side) a page is left as it is: there a dot and a piece
of a 1-2 px stroke are the same size, and smoothing took the print and the labels with the dots
(gen_001's applications table, archive seed 1 at 120 dpi: 176 -> 58 cells)."""
DOT_AREA = 6.0
"""Largest dot of a screen or dither at 200 dpi (px; grows with the square of the resolution): the
dots of a light shading, a fraction of a print's smallest stroke piece."""
DOT_DENSITY = 0.06
"""Share of a ~1 mm window covered by dots above which it is a dot field (salt-and-pepper and the
specks beside a fax's strokes stay far below)."""
DOT_FIELD_SHARE = 0.005
"""Share of the page in dot fields below which the page is left as it is (a few specks, dust)."""


def speckled(binary_inv: np.ndarray) -> bool:
    """Speckle noise: most ink components are a few pixels and there are many of them."""
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary_inv, connectivity=8)
    if n < 500:
        return False
    tiny = int((stats[1:, cv2.CC_STAT_AREA] <= 4).sum())
    return tiny > 0.4 * (n - 1)


GLYPH_SIZE = (0.4, 2.5)
"""A glyph-sized ink component's larger side, in characters (``char_unit``): a stroke's piece to a
character and a half with its neighbour; below it, specks."""


def char_unit(gray: np.ndarray) -> float:
    """A character's size at ~10 pt, in pixels, from the page's short side."""
    return 0.012 * min(gray.shape)


def glyph_sized(stats: np.ndarray, unit: float) -> np.ndarray:
    """Which components (``connectedComponentsWithStats`` rows) are the size of print's glyphs."""
    size = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    lo, hi = GLYPH_SIZE
    return (size >= lo * unit) & (size <= hi * unit) & (stats[:, cv2.CC_STAT_AREA] >= 12)


SPECK_DARKER = 1.2
"""How much deeper under the paper (255 - grey) a speck's darkest pixel must go than the print's
typical core for it to be dust and not print: a fragment of a stroke is as dark as its stroke. Thin
toner under dark dust (hard seed 2 huaian_2024 p4: print core ~191, specks' median 131) is the case;
on a page of black print (core ~0-40) no speck can be that dark, and nothing is done."""
SPECKS_OVER_PRINT = 1.0
"""Dark specks per glyph-sized component above which the page's dust outweighs its print (hard seed 2:
6.2 on huaian_2024 p4, at most 0.54 on its other pages at ``SPECK_DARKER`` 1)."""
PRINT_DEPTH = 160.0
"""Depth under the paper to which faint print's typical core is deepened (black print's core is ~200-255
deep): ``binarize_inv``'s fixed offset of 15 steps then takes whole strokes, not their cores, and the
rulings whole (thin toner's faded 0s are 15-35 steps deep on a paper whose noise is ~1.5)."""
NOISE_ROOM = 12.0
"""Deepest the paper's commonest noise (``paper_noise``) may go under the paper once a page is deepened:
``binarize_inv``'s offset of 15 steps stays above it, so a quiet page's faint print is deepened and a
noisy page's noise is not made ink (hard seed 2 huaian_2024 p4 after the median: 5 steps; toner seed 2
huaian_2024 p5: 3)."""


class PrintCore(NamedTuple):
    """The page's ink components judged against its print (``print_core``)."""

    depth: float
    """How deep under the paper (255 - grey) the typical glyph-sized component's darkest pixel goes."""
    specks: np.ndarray | None
    """Where dust darker than the print lies, where it outnumbers the glyphs; else None."""


def print_core(gray: np.ndarray, ink: np.ndarray) -> PrintCore | None:
    """How deep the page's print goes, and its dust darker than the print (``ink``: ``binarize_inv(gray)``);
    None on a page with too little print to judge.

    A threshold that takes thin toner's print takes every speck darker than it, and ``binarize_inv``'s
    blur grows a 1-4 px speck to 5-12 px, so counting tiny components (``speckled``) does not see them;
    the specks then join the cells' crops and, darker than the digits, set their contrast. Judged
    against the print instead: components smaller than any glyph piece (under ~0.4 of a character) whose
    darkest pixel goes ``SPECK_DARKER`` times as deep as the typical glyph's are specks, and only where
    they outnumber the glyphs (``SPECKS_OVER_PRINT``) is the page dusty rather than its print uneven.
    """
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 50:
        return None
    darkest = np.full(n, 255, np.uint8)
    np.minimum.at(darkest, labels.ravel(), gray.ravel())
    size = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    unit = char_unit(gray)
    glyph = glyph_sized(stats, unit)
    glyph[0] = False
    if glyph.sum() < 20:
        return None
    depth = max(1.0, 255.0 - float(np.median(darkest[glyph])))
    speck = (size < GLYPH_SIZE[0] * unit) & (255.0 - darkest.astype(np.float32) >= SPECK_DARKER * depth)
    speck[0] = False
    if speck.sum() <= SPECKS_OVER_PRINT * glyph.sum():
        return PrintCore(depth, None)
    return PrintCore(depth, cv2.dilate(speck[labels].astype(np.uint8), np.ones((3, 3), np.uint8)) > 0)


def paper_noise(gray: np.ndarray, ink: np.ndarray) -> float:
    """How deep under the paper its noise goes: the 95th percentile of the depth (255 - grey) of the
    pixels away from the ink, on every other pixel (flattened paper clips at 255, so no spread measure
    of the grey serves)."""
    g = gray[::2, ::2]
    near = cv2.dilate(ink[::2, ::2], np.ones((5, 5), np.uint8)) > 0
    paper = g[~near]
    if paper.size < 1000:
        return 255.0
    return 255.0 - float(np.percentile(paper, 5))


def deepened(gray: np.ndarray, ink: np.ndarray) -> np.ndarray | None:
    """The page with dust darker than its print taken off and faint print deepened; None when neither
    applies (``ink``: ``binarize_inv(gray)``).

    Dust (``print_core``) goes to paper and a 3x3 median takes the lighter specks and the noise. Print
    whose core is shallower than ``PRINT_DEPTH`` is stretched towards it, as far as the paper's noise
    allows (``NOISE_ROOM``): the print is then the darkest mark left, whole under the threshold.
    """
    core = print_core(gray, ink)
    if core is None:
        return None
    out = gray
    if core.specks is not None:
        out = gray.copy()
        out[core.specks] = 255
        out = cv2.medianBlur(out, 3)
    gain = PRINT_DEPTH / core.depth
    if gain > 1.0:
        gain = min(gain, NOISE_ROOM / max(paper_noise(out, ink), 1.0))
    if gain <= 1.05:
        return out if core.specks is not None else None
    lut = np.clip(255.0 - (255.0 - np.arange(256, dtype=np.float32)) * gain, 0, 255).astype(np.uint8)
    return cv2.LUT(out, lut)


def normalise_crop(crop: np.ndarray) -> np.ndarray:
    """A crop for recognition with its paper white and its ink dark.

    Per crop rather than per page: a faint copy's strokes get dark, while a tinted
    header cell's background (light blue, grey) becomes white instead of darker.
    """
    if crop.size < 16:
        return crop
    paper = float(np.percentile(crop, 90))
    ink = float(np.percentile(crop, 1))
    if paper - ink < 20:
        return crop  # a blank or a flat crop: nothing to stretch
    scale = 235.0 / (paper - ink)
    lut = np.clip(20.0 + (np.arange(256, dtype=np.float32) - ink) * scale, 0, 255).astype(np.uint8)
    return cv2.LUT(crop, lut)


SEAL_RADIUS = (0.075, 0.13)
"""A round seal's radius as a share of the page's short side (a 38-45 mm seal on A4: 0.09-0.11)."""
SEAL_REACH = 1.08
"""The disc a seal's ink may cover, as a multiple of its ring's radius (the ring's own width, blur)."""


BLACK_SEAL = 70.0
"""Ring grey below which a seal is black, as print is: a grey seal's ring is ~80-190."""


class Seal(NamedTuple):
    x: int
    y: int
    r: int
    level: float
    """The ring's grey (0 black, 255 paper)."""
    told_by_grey: bool | None = None
    """Whether the page's print is clearly darker than the ring, so that the seal's ink was told from
    it by its grey (set by ``lift_grey_seals``). When it is not, the seal's thin strokes (its
    characters) stay on the page as grey as the print, and what is read under the seal is in doubt."""

    @property
    def black(self) -> bool:
        """A ring as black as print (a black-and-white scan of a red seal): told from print by its shape only."""
        return self.level < BLACK_SEAL

    def meets(self, box: tuple[int, int, int, int]) -> bool:
        """Whether the box (x0, y0, x1, y1) reaches into the seal's disc."""
        nx, ny = min(max(self.x, box[0]), box[2]), min(max(self.y, box[1]), box[3])
        return (nx - self.x) ** 2 + (ny - self.y) ** 2 <= (SEAL_REACH * self.r) ** 2


def grey_seals(gray: np.ndarray) -> list[Seal]:
    """Round seals printed grey (a photocopy of a red seal) or black (a black-and-white scan of
    one): (x, y, radius, ring's grey level).

    Circles of a seal's size are proposed on a quarter-size copy and kept when ink runs all
    round them (a seal's ring; a circle of table corners and text has gaps) at a level between
    black print and paper, or as black as print when the ring is as thick as a seal's
    (``_thick_ring``): that one is told from print by its shape only.
    """
    h, w = gray.shape
    f = 4
    if min(h, w) < 100:
        return []  # no room for a seal (nor for a quarter-size copy to look in)
    small = cv2.GaussianBlur(cv2.resize(gray, (w // f, h // f), interpolation=cv2.INTER_AREA), (0, 0), 1.0)
    rmin, rmax = (int(share * min(h, w) / f) for share in SEAL_RADIUS)
    found = cv2.HoughCircles(small, cv2.HOUGH_GRADIENT_ALT, 1.5, rmin, param1=60, param2=0.6,
                             minRadius=rmin, maxRadius=rmax)
    if found is None:
        return []
    out = []
    angles = np.linspace(0.0, 2.0 * np.pi, 180, endpoint=False)
    offsets = np.arange(-2.0 * f, 2.0 * f + 1, 2.0)
    for x, y, r in found[0]:
        cx, cy, rad = x * f, y * f, r * f
        # the darkest pixel across the ring's width at each angle
        rr = rad + offsets[:, None]
        xs = np.clip((cx + rr * np.cos(angles)).astype(int), 0, w - 1)
        ys = np.clip((cy + rr * np.sin(angles)).astype(int), 0, h - 1)
        ring = gray[ys, xs].min(axis=0)
        inked = ring < 200
        if inked.mean() < 0.9:
            continue
        level = float(np.median(ring[inked]))
        if BLACK_SEAL <= level <= 190.0 or (level < BLACK_SEAL and _thick_ring(gray, cx, cy, rad, angles)):
            out.append(Seal(int(cx), int(cy), int(rad), level))
    return out


def _thick_ring(gray: np.ndarray, cx: float, cy: float, rad: float, angles: np.ndarray) -> bool:
    """Whether a black circle is a seal's ring gone black (a black-and-white scan of a red seal):
    at most angles the ink across it runs for a seal ring's width (~7 % of its radius), far wider
    than print's strokes, which a circle through a table's text and rulings only crosses."""
    h, w = gray.shape
    offsets = np.arange(-0.15 * rad, 0.15 * rad + 1.0, 1.0)
    xs = np.clip((cx + (rad + offsets[:, None]) * np.cos(angles)).astype(int), 0, w - 1)
    ys = np.clip((cy + (rad + offsets[:, None]) * np.sin(angles)).astype(int), 0, h - 1)
    dark = gray[ys, xs] < 128  # offsets x angles
    run = np.zeros(len(angles), int)
    longest = np.zeros(len(angles), int)
    for row in dark:
        run = np.where(row, run + 1, 0)
        longest = np.maximum(longest, run)
    return float(np.median(longest)) >= BLACK_RING * rad


def _ring_kernel(s: Seal) -> np.ndarray:
    """What a black seal's ring and star survive and print's strokes do not: a disc ~2/3 of the ring's
    width (measured by the seal's size, not by the page's print: a page of bold print would keep it)."""
    k = max(3, round(BLACK_RING * s.r) | 1)
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k))


BLACK_RING = 0.045
"""Shortest typical run of ink across a black circle, as a share of its radius, for it to be a seal's
ring (its drawn width is ~7 % of the radius; a text stroke at a seal's size is ~1.5-3 %)."""


class PrintInk(NamedTuple):
    """How the page's own print looks, measured outside the seals: what a seal's ink is told from."""

    stroke: float
    """Typical stroke width in pixels (twice the median distance from a stroke's middle to its edge)."""
    core: float
    """Typical grey of a stroke's core (its darkest tenth): black for a good copy, mid grey for thin toner."""


def print_ink(gray: np.ndarray, outside: np.ndarray | None = None) -> PrintInk | None:
    """The print's stroke width and core grey, from the text-sized ink components of the page
    (where ``outside`` is set, if given). None on a page with too little print to measure."""
    ink = binarize_inv(gray)
    if outside is not None:
        ink[~outside] = 0
    n, labels, stats, _ = cv2.connectedComponentsWithStats(ink, connectivity=8)
    if n < 20:
        return None
    text = np.flatnonzero(glyph_sized(stats[1:], char_unit(gray))) + 1
    if len(text) < 10:
        return None
    keep = np.zeros(n, bool)
    keep[text] = True
    mask = keep[labels]
    dist = cv2.distanceTransform(mask.astype(np.uint8), cv2.DIST_L2, 3)
    ridge = mask & (dist >= cv2.dilate(dist, np.ones((3, 3), np.uint8)))  # the strokes' middles
    stroke = 2.0 * float(np.median(dist[ridge])) if ridge.any() else 2.0
    # each component's core: the grey of its darkest tenth; the page's: their median
    order = np.argsort(labels[mask], kind="stable")
    lab, val = labels[mask][order], gray[mask][order]
    cuts = np.flatnonzero(np.diff(lab)) + 1
    cores = [float(np.percentile(v, 10)) for v in np.split(val, cuts) if len(v) >= 12]
    return PrintInk(max(stroke, 1.0), float(np.median(cores)) if cores else 0.0)


SEAL_DARKER = 0.65
"""The print counts as darker than a seal when its core is under this share of the ring's grey:
then whatever in the disc is lighter than most of the ring is the seal. Otherwise (thin toner, a
light face) grey alone cannot tell them apart and only the seal's thick strokes are lifted."""


def lift_grey_seals(gray: np.ndarray) -> tuple[np.ndarray, list[Seal]]:
    """The page with grey seals lifted to paper white, and the seals lifted.

    Stamped over print, a seal darkens the paper to its own grey but cannot lighten the
    print: where print and seal cross, the pixel is darker than either. Within the seal's
    disc, the seal's ink is lifted when it can be told from the print:

    - by its grey, when the page's print (measured outside the seals) is clearly darker than
      the ring: whatever is lighter than most of the ring goes, except the fringes of dark
      strokes (a thin "0" whose curves are lighter than its sides would read "11" without them);
    - by its shape always: the ring and the star are far thicker than the print's strokes, and
      go wherever they are lighter than the ring (their crossings with print stay).

    A seal's characters, as thin and as grey as a light print, stay when grey cannot tell them
    apart: the reader doubts what it reads under a seal.
    """
    seals = grey_seals(gray)
    if not seals:
        return gray, []
    out = gray.copy()
    h, w = gray.shape
    discs = np.zeros(gray.shape, np.uint8)
    for s in seals:
        cv2.circle(discs, (s.x, s.y), int(SEAL_REACH * s.r), 255, -1)
    ink = print_ink(gray, discs == 0) or PrintInk(2.0, 0.0)
    thick_k = max(3, round(2.2 * ink.stroke) | 1)
    thick_kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (thick_k, thick_k))
    fringe = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * max(1, round(ink.stroke / 2)) + 1,) * 2)
    lifted = []
    for s in seals:
        reach = int(SEAL_REACH * s.r)
        x0, y0 = max(0, s.x - reach), max(0, s.y - reach)
        x1, y1 = min(w, s.x + reach + 1), min(h, s.y + reach + 1)
        roi = out[y0:y1, x0:x1]  # the disc's square only: a page-sized mask per seal is wasted work
        disc = np.zeros(roi.shape, np.uint8)
        cv2.circle(disc, (s.x - x0, s.y - y0), reach, 255, -1)
        by_grey = not s.black and ink.core < SEAL_DARKER * s.level
        lifted.append(s._replace(told_by_grey=by_grey))
        # lighter than most of the ring: the seal, or a print's fringe; a black ring (a bitonal scan's)
        # is as dark as print, and goes by its shape alone
        light = np.ones(roi.shape, bool) if s.black else roi > 0.8 * s.level
        inked = (roi < 0.5 * (s.level + 255.0)).astype(np.uint8)
        kernel = _ring_kernel(s) if s.black else thick_kernel
        thick = cv2.dilate(cv2.morphologyEx(inked, cv2.MORPH_OPEN, kernel), fringe) > 0
        lift = thick & light
        if by_grey:
            # the print's cores (half way from its core grey to the seal's) keep their fringes
            cores = cv2.dilate((roi < 0.5 * (ink.core + 0.8 * s.level)).astype(np.uint8), np.ones((3, 3), np.uint8)) > 0
            lift |= light & ~cores
        roi[(disc > 0) & lift] = 255
    return out, lifted


class Cleaned(NamedTuple):
    gray: np.ndarray
    ink: np.ndarray
    """Binary ink mask (255)."""
    seal: np.ndarray
    """Where red ink was lifted, grown by a stroke (``seal_ink``): print under it may have gone with it."""
    red_share: float
    """The share of the page's ink that was red (``red_ink``): a seal's is a few per cent of a page
    of print; the print's own, where the page's colour fooled the measure."""


def clean(image: np.ndarray, outside: np.ndarray | None = None, lift_red: bool = True) -> Cleaned:
    """An upright, level page with seals dropped, light flattened, speckle removed.
    ``outside``: the page's ``outside_paper`` mask when the caller has it already; ``lift_red``: False
    keeps red ink as grey print (a reading that doubts the page's red is a seal's)."""
    # no paper, no print: a dark lid or desk beside the sheet becomes white before anything else
    outside = outside_paper(image) if outside is None else outside
    if outside.any():
        image = image.copy()
        image[outside] = 255
    # light first, then seals: a seal lifted to white before the light is flattened would
    # be taken for the paper's level and darken the paper around it
    flat, balanced = flattened(image)
    red = red_ink(balanced)
    gray = cv2.cvtColor(flat, cv2.COLOR_BGR2GRAY) if flat.ndim == 3 else flat
    ink = binarize_inv(gray)
    share = 0.0
    if red.any():
        share = float(red.sum()) / max(1, int((red | (ink > 0)).sum()))
        if lift_red:
            gray = to_gray_without_red(balanced, red, gray)
            ink = binarize_inv(gray)
        else:
            red = np.zeros(red.shape, bool)
    if speckled(ink):
        gray = cv2.medianBlur(gray, 3)
        ink = binarize_inv(gray)
    deep = deepened(gray, ink)
    if deep is not None:  # dust darker than thin print gone, faint print deepened: before any crop is cut
        gray, ink = deep, binarize_inv(deep)
    return Cleaned(gray, ink, seal_ink(red), share)
