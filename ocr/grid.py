"""Ruled tables in an image: ruling lines by morphology, then cells with their spans.

A cell boundary counts as present when enough of it is inked, so broken rulings
and a seal stamped over a line still separate cells, and a missing line merges them.
"""

from __future__ import annotations

import math

import cv2
import numpy as np

from .types import Grid, GridCell


def _positions(profile: np.ndarray, min_fill: float, gap: int = 4) -> list[int]:
    """Centres of runs where a projection profile is at least ``min_fill``."""
    idx = np.flatnonzero(profile >= min_fill)
    if idx.size == 0:
        return []
    out, start, prev = [], idx[0], idx[0]
    for i in idx[1:]:
        if i - prev > gap:
            out.append(int((start + prev) // 2))
            start = i
        prev = int(i)
    out.append(int((start + prev) // 2))
    return out


def ruling_ink(gray: np.ndarray) -> np.ndarray:
    """A binary image for finding rulings: more sensitive than the text's (ink = 255).

    A thin ruling on a faint, blurred copy is lighter than text strokes and breaks
    into dashes at the text's threshold; noise let through here is removed by the
    long openings of ``line_masks``.
    """
    blur = cv2.GaussianBlur(gray, (3, 3), 0)
    return cv2.adaptiveThreshold(blur, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 31, 5)


def line_masks(binary_inv: np.ndarray, char_h: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Horizontal and vertical ruling masks of an inverted binary image (ink = 255).

    A ruling is longer than any character (the stem of a "1" or of 十 is not a ruling):
    the kernels are a share of the page, so short lines are found separately, inside
    the tables (``find_grids``). A ruling need not be whole along the kernel (``_mostly_along``):
    a fax, a worn drum or a fixed threshold leaves it dotted or broken by short gaps.
    """
    h, w = binary_inv.shape
    v_len = max(12, h // 52)
    h_len = max(20, w // 25)
    gap = gap_length(char_h, binary_inv.shape)
    hk = cv2.getStructuringElement(cv2.MORPH_RECT, (h_len, 1))
    vk = cv2.getStructuringElement(cv2.MORPH_RECT, (1, v_len))
    h_src = cv2.morphologyEx(binary_inv, cv2.MORPH_OPEN, hk)
    v_src = cv2.morphologyEx(binary_inv, cv2.MORPH_OPEN, vk)
    h_src |= _mostly_along(binary_inv, 2 * h_len, gap, vertical=False)
    v_src |= _mostly_along(binary_inv, 2 * v_len, gap, vertical=True)
    horiz = _lone(_thin(h_src, (1, _THICK)), binary_inv, vertical=False)
    vert = _lone(_thin(v_src, (_THICK, 1)), binary_inv, vertical=True)
    # close small breaks in printed/scanned rulings
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 9)))
    return horiz, vert


COVER = 0.75
"""Share of a window twice the ruling kernel long that must be inked for it to be a ruling: a thin
ruling on a fax is dotted and broken by 2-7 px gaps. Lower shares or longer windows took rows of
characters for rulings (measured on the clean renderings of the benchmark's sources: with 0.75 their
grids are the same as with a whole-kernel opening)."""
BESIDE = 0.15
"""Most ink allowed 4 px either side of a gapped ruling (a crossing ruling; not a line of text)."""
GAP_SHARE = 0.4
"""Longest gap filled inside a ruling, as a share of the text height: a fax drops 2-7 px of a line
at 150 dpi, ~10 px once read at 200 dpi."""


def gap_length(char_h: float | None, shape: tuple[int, ...]) -> int:
    """The longest gap filled in a ruling on a page whose text is ``char_h`` px high (a share of
    the page when unknown)."""
    if not char_h or char_h <= 0:
        char_h = 0.015 * min(shape[:2])
    return int(np.clip(round(GAP_SHARE * char_h), 3, 15))


def _mostly_along(ink: np.ndarray, length: int, gap: int, vertical: bool) -> np.ndarray:
    """The ink lying in a window ``length`` long along the line direction that is at least
    ``COVER`` inked with paper beside it (a rank opening: an opening that forgives gaps), gaps up
    to ``gap`` filled.

    Unlike closing the page first, nothing is bridged across the line direction or between
    a character and the ruling beside it: only windows already mostly ink along the line count,
    and a row through a line of text has text above and below it. The ink kept must have paper
    beside it locally too: a window reaching past a line's end into a character keeps nothing of it.
    Shares are counted in whole pixels (16-bit window sums): the same masks as float shares at a
    quarter of the memory, which a full page's float copies spent in fresh pages.
    """
    along = (1, length) if vertical else (length, 1)
    band = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 1) if vertical else (1, 3)))
    on = cv2.threshold(ink, 0, 1, cv2.THRESH_BINARY)[1]
    cover = _counts(cv2.threshold(band, 0, 1, cv2.THRESH_BINARY)[1], along)
    good = cv2.bitwise_and(cv2.compare(cover, _least(COVER, length), cv2.CMP_GE),
                           _paper_beside(on, along, vertical))
    windows = cv2.dilate(good, cv2.getStructuringElement(cv2.MORPH_RECT, along))
    short = (1, 2 * gap + 1) if vertical else (2 * gap + 1, 1)
    clear = _paper_beside(on, short, vertical)
    fill = cv2.getStructuringElement(cv2.MORPH_RECT, (1, gap) if vertical else (gap, 1))
    return cv2.bitwise_and(cv2.bitwise_and(windows, clear), cv2.morphologyEx(ink, cv2.MORPH_CLOSE, fill))


def _counts(on: np.ndarray, along: tuple[int, int]) -> np.ndarray:
    """Per pixel, the ink pixels (``on`` is 0/1) in the window ``along`` centred on it; off the page is paper."""
    return cv2.boxFilter(on, cv2.CV_16U, along, normalize=False, borderType=cv2.BORDER_CONSTANT)


def _least(share: float, n: int) -> float:
    """The fewest of ``n`` pixels that make ``share`` of them."""
    return float(math.ceil(share * n))


def _paper_beside(on: np.ndarray, along: tuple[int, int], vertical: bool, d: int = 4) -> np.ndarray:
    """255 where the window ``along`` shifted ``d`` px to either side across the line direction holds
    less than ``BESIDE`` ink on both sides: about none beside a ruling, a good share inside a line of
    text (never within ``d`` px of the page's edge)."""
    cover = _counts(on, along)
    side = np.full_like(cover, np.iinfo(cover.dtype).max)
    if vertical:
        np.maximum(cover[:, : -2 * d], cover[:, 2 * d :], out=side[:, d:-d])
    else:
        np.maximum(cover[: -2 * d], cover[2 * d :], out=side[d:-d])
    return cv2.compare(side, _least(BESIDE, max(along)), cv2.CMP_LT)


_THICK = 9
"""Rulings are thinner than this (a bold border is ~4 px at 200 dpi); the arc of a grey seal's
ring is not (~10 px), and its near-vertical sides would otherwise pass for a column ruling."""


def _thin(mask: np.ndarray, across: tuple[int, int]) -> np.ndarray:
    """``mask`` without the parts at least ``_THICK`` px thick across the line direction."""
    k = cv2.getStructuringElement(cv2.MORPH_RECT, across)
    thick = cv2.morphologyEx(mask, cv2.MORPH_OPEN, k)
    if not thick.any():
        return mask
    return cv2.bitwise_and(mask, cv2.bitwise_not(cv2.dilate(thick, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 3)))))


LONG_STROKE = 3.0
"""A straight thin stroke this many text heights long is a ruling wherever it lies: no character's
stroke is (a heading's 十 in a bold font twice the text's size is ~2). A table whose grid was read
wrong (a shaded band broke its rows) keeps its column lines in the page's text otherwise, and a
line beside "26" read as "126", sure."""


def long_strokes(ink: np.ndarray, char_h: float | None) -> np.ndarray:
    """Thin, straight ink at least ``LONG_STROKE`` text heights long, across or down the page
    (a ruling piece of a table whose grid missed it, an underline): never text, so it is left out
    of what is read, like the grids' own rulings."""
    if not char_h or char_h <= 0:
        return np.zeros_like(ink)
    n = max(15, round(LONG_STROKE * char_h))
    horiz = _thin(cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (n, 1))),
                  (1, _THICK))
    vert = _thin(cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, n))),
                 (_THICK, 1))
    return cv2.dilate(cv2.bitwise_or(horiz, vert), np.ones((3, 3), np.uint8))


def _lone(mask: np.ndarray, ink: np.ndarray, vertical: bool, reach: int = 24) -> np.ndarray:
    """Only the pieces that are narrow in the ink: across a ruling the ink is a few pixels wide
    (wider only where another ruling crosses it), while the straight-looking middle of a grey
    seal's ring or of a bold stroke lies in a wider band of ink."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out = mask.copy()
    src = ink if vertical else ink.T
    for i in range(1, n):
        bx, by, bw, bh = (int(v) for v in stats[i, :4])
        x, y, w, h = (bx, by, bw, bh) if vertical else (by, bx, bh, bw)
        c = x + w // 2
        lo, hi = max(0, c - reach), min(src.shape[1], c + reach + 1)
        band = src[y : y + h : 2, lo:hi] > 0
        k = c - lo
        left = band[:, : k + 1][:, ::-1]
        right = band[:, k:]
        run_left = np.where(left.all(axis=1), left.shape[1], np.argmin(left, axis=1))
        run_right = np.where(right.all(axis=1), right.shape[1], np.argmin(right, axis=1))
        width = run_left + run_right
        med = float(np.median(width))
        # a ruling is 3-7 px across (thicker only for a bold border, which is straight)
        if med >= _THICK or (med >= _THICK - 1 and _curved(run_right - run_left, width)):
            # within the piece's box: the whole page's labels compared once per piece cost ~20 ms a mask
            out[by : by + bh, bx : bx + bw][labels[by : by + bh, bx : bx + bw] == i] = 0
    return out


def _curved(offset: np.ndarray, width: np.ndarray) -> bool:
    """Does the middle of the ink run bend away from a straight line (an arc of a ring)?

    ``offset`` is twice the run's middle relative to the piece, per sampled row;
    rows where another ruling crosses (a very wide run) are left out.
    """
    keep = width <= 2 * _THICK
    if keep.sum() < 8:
        return False
    y = np.flatnonzero(keep).astype(np.float64)
    mid = offset[keep] / 2.0
    fit = np.polyval(np.polyfit(y, mid, 1), y)
    return float(np.percentile(np.abs(mid - fit), 90)) > 2.0


def _apart(xs: list[int], profile: np.ndarray, min_cell: int = 15) -> list[int]:
    """Line positions at least ``min_cell`` apart: no cell is narrower than a character, so of
    two "lines" closer than that the weaker is a character's stroke beside a ruling."""
    out: list[int] = []
    for x in xs:
        if out and x - out[-1] < min_cell:
            if profile[max(0, x - 2) : x + 3].sum() > profile[max(0, out[-1] - 2) : out[-1] + 3].sum():
                out[-1] = x
            continue
        out.append(x)
    return out


def _through_text(band: np.ndarray, x: int, reach: int = 14) -> bool:
    """Is the vertical ink at ``x`` in this row band a stroke of a character rather than a ruling?

    Across a ruling the ink is as wide as the line in (almost) every pixel row; a
    character's vertical stroke has its horizontal strokes attached or crossing, so in
    a good share of rows the run of ink through it is much wider. (Strokes of characters
    stacked over a ruling, 情 over 人, make a "line" as long as a column ruling.)
    """
    lo = max(0, x - reach)
    win = band[:, lo : x + reach + 1] > 0
    if win.shape[0] < 6 or win.shape[1] < 8:
        return False
    c0 = x - lo
    near = win[:, max(0, c0 - 3) : c0 + 4].sum(axis=0)
    k = max(0, c0 - 3) + int(np.argmax(near))
    on = win[:, k]
    if on.sum() < 3:
        return False
    left = win[on, : k + 1][:, ::-1]
    right = win[on, k:]
    run_left = np.where(left.all(axis=1), left.shape[1], np.argmin(left, axis=1))
    run_right = np.where(right.all(axis=1), right.shape[1], np.argmin(right, axis=1))
    width = run_left + run_right - 1
    med = float(np.median(width))
    return med >= 8 or float((width >= max(8.0, 2 * med)).mean()) >= 0.1


def find_grids(binary_inv: np.ndarray, min_w: int = 150, min_h: int = 40, char_h: float | None = None,
               gray: np.ndarray | None = None) -> list[Grid]:
    """Every ruled table in the image, top to bottom. ``char_h``: the text's height in px, which
    sets the longest gap in a ruling that is closed (a share of the page when not given). ``gray``:
    the page the ink was taken from, where given a line much lighter than its table's rulings is
    none (``LIGHT_LINE``)."""
    horiz, vert = line_masks(binary_inv, char_h)
    both = cv2.bitwise_or(horiz, vert)
    n, _, stats, _ = cv2.connectedComponentsWithStats(both, connectivity=8)
    grids = []
    for i in range(1, n):
        x, y, w, h = (int(v) for v in stats[i][:4])
        if w < min_w or h < min_h:
            continue
        g = _grid(horiz[y : y + h, x : x + w], vert[y : y + h, x : x + w], x, y, binary_inv[y : y + h, x : x + w],
                  char_h, None if gray is None else gray[y : y + h, x : x + w])
        if g is not None:
            grids.append(g)
    grids.sort(key=lambda g: g.box[1])
    return _outermost(grids)


def _outermost(grids: list[Grid], slack: int = 6) -> list[Grid]:
    """Grids not lying inside another grid.

    A seal or a shadow breaking a table's rulings can cut a piece of them off as a
    component of its own; inside the table's box that piece borrows the table's own
    lines and would be read a second time as a little table of its own.
    """

    def inside(a: Grid, b: Grid) -> bool:
        return (
            a is not b
            and a.box[0] >= b.box[0] - slack
            and a.box[1] >= b.box[1] - slack
            and a.box[2] <= b.box[2] + slack
            and a.box[3] <= b.box[3] + slack
            and (a.box[2] - a.box[0]) * (a.box[3] - a.box[1]) < (b.box[2] - b.box[0]) * (b.box[3] - b.box[1])
        )

    return [g for g in grids if not any(inside(g, o) for o in grids)]


def _rectangles(members: list[tuple[int, int]]) -> list[tuple[int, int, int, int]]:
    """A group of merged base cells as rectangles (r0, r1, c0, c1).

    A merged cell is a rectangle. An L-shaped group means a ruling was broken (a seal
    over it): its bounding box would swallow the cells in the corner, so the group is
    cut instead into row runs of the same columns.
    """
    r0, r1 = min(r for r, _ in members), max(r for r, _ in members)
    c0, c1 = min(c for _, c in members), max(c for _, c in members)
    if len(members) == (r1 - r0 + 1) * (c1 - c0 + 1):
        return [(r0, r1, c0, c1)]
    rows: dict[int, list[int]] = {}
    for r, c in members:
        rows.setdefault(r, []).append(c)
    runs: list[tuple[int, int, int]] = []  # (row, first column, last column)
    for r in sorted(rows):
        cols = sorted(rows[r])
        start = prev = cols[0]
        for c in cols[1:]:
            if c != prev + 1:
                runs.append((r, start, prev))
                start = c
            prev = c
        runs.append((r, start, prev))
    out: list[list[int]] = []
    for r, a, b in runs:
        last = next((o for o in out if o[1] == r - 1 and o[2] == a and o[3] == b), None)
        if last is not None:
            last[1] = r
        else:
            out.append([r, r, a, b])
    return [(a, b, c, d) for a, b, c, d in out]


def _short_columns(ink: np.ndarray, xs: list[int], ys: list[int], min_cell: int = 15) -> dict[int, set[int]]:
    """Column lines too short for the page's kernel: a sub-table's line one row tall.

    Within each row, a thin vertical run of ruling ink from the ruling above to the
    ruling below, away from the known column lines and not a character's stroke, is a
    column line of that row. Returns the new positions with the rows they divide.
    """
    out: dict[int, set[int]] = {}
    for r in range(len(ys) - 1):
        top, bottom = ys[r], ys[r + 1] + 1
        if bottom - top < 16:
            continue
        # unbroken from ruling to ruling: a character's stroke leaves paper above or below it
        band = ink[top:bottom] > 0
        cover = band.mean(axis=0)
        found = _positions(cover, 0.999, gap=2)
        for x in found:
            if any(abs(x - k) < min_cell for k in xs) or any(0 < abs(x - k) < min_cell for k in found):
                continue  # beside a column line, or one of a pair of strokes: not a line of its own
            run = cover[max(0, x - 6) : x + 7] >= 0.999
            if run.sum() > 7:  # a solid block (a filled cell, a bar), not a line
                continue
            if _through_text(ink[ys[r] + 5 : ys[r + 1] - 4], x) or not _margins(band[4:-4], x):
                continue
            key = next((k for k in out if abs(k - x) <= 3), x)
            out.setdefault(key, set()).add(r)
    return out


def _unbroken(band: np.ndarray, x: int, max_gap: int = 2) -> bool:
    """Does ink run down the whole band at ``x`` (give or take two pixels) without a gap?"""
    on = (band[:, max(0, x - 2) : x + 3] > 0).any(axis=1)
    gaps = np.diff(np.flatnonzero(np.r_[True, on, True])) - 1
    return on.size > 0 and int(gaps.max()) <= max_gap


def _margins(band: np.ndarray, x: int, near: int = 5, far: int = 10) -> bool:
    """Is there paper on both sides of the vertical line at ``x``? Text keeps its distance from a
    ruling, while a character's stroke has the rest of the character a few pixels beside it."""
    left = band[:, max(0, x - far) : max(0, x - near + 1)]
    right = band[:, x + near : x + far + 1]
    if left.size == 0 or right.size == 0:
        return False
    return float((left.any(axis=1) | right.any(axis=1)).mean()) < 0.3


def _text_edge(band: np.ndarray, x: int, lo: int, hi: int, reach: int) -> bool:
    """Is the vertical ink at ``x`` in this row band the edge of a line of text rather than a ruling?

    Beside a ruling each cell keeps its padding of paper; a character's outer stroke (the left
    stroke of 行, the right one of 可) has the rest of its text within ``reach`` px on one side and,
    where labels of one length stand centred over each other, nothing on the other, so its "cells"
    are an empty one and one whose text touches the line. ``lo`` and ``hi``: the lines either side.
    """
    on = band > 0
    if on.shape[0] < 6:
        return False
    cols = on.mean(axis=0)
    # the piece's own ink: the most inked column near x (a line's position is its mask's middle) and the
    # columns inked in most rows beside it, a ruling's width at most
    near = max(lo + 1, x - _THICK // 2)
    k = near + int(np.argmax(cols[near : min(hi, x + _THICK // 2 + 1)]))
    a, b = k, k
    while a - 1 > max(lo, k - _THICK // 2) and cols[a - 1] >= 0.5:
        a -= 1
    while b + 1 < min(hi, on.shape[1] - 1, k + _THICK // 2) and cols[b + 1] >= 0.5:
        b += 1
    left, right = on[:, lo + 4 : max(lo + 4, a - 1)], on[:, b + 2 : max(b + 2, hi - 3)]
    near_left, near_right = on[:, max(lo + 4, a - 1 - reach) : max(lo + 4, a - 1)], on[:, b + 2 : b + 2 + reach]

    def empty(side: np.ndarray) -> bool:
        # no column holds a stroke of a glyph (``reach`` px of ink: a digit's side; a speck, or a smear along
        # a ruling, is less)
        return int((side.sum(axis=0) >= max(3, reach)).sum()) < 2

    def touching(side: np.ndarray) -> bool:
        return side.size > 0 and float(side.any(axis=1).mean()) >= 0.3

    return (empty(left) and touching(near_right)) or (empty(right) and touching(near_left))


ABUT = 0.35
"""Share of the text height within which text beside a line belongs to its stroke: the gap between two
strokes of one character (the 口 of 可 and its right stroke, ~0.3) is narrower; a cell's text is centred
or keeps its padding."""
TIGHT = 1.5
"""Rows at most this many text heights tall are as tight as their text: only there do a character's
strokes run from ruling to ruling and stack into a line (a chat screenshot's compact table). In taller
rows a line with an empty cell on one side and text near it on the other is a ruling beside a tall
merged label (its text in another row) and a left-aligned sub-label."""
EDGE_ROWS = 3
"""Rows a stack of text edges runs down at most (信息内容 over 行政处罚 over 行政强制, centred labels of one
length in a sub-table's rows); a ruling beside an empty cell that runs further is a ruling."""


def _abut(char_h: float | None) -> int:
    """Pixels within which text touches a line, for text ``char_h`` px high (4 when unknown)."""
    return max(4, round(ABUT * char_h)) if char_h else 4


def _true_lines(lines: list[int], xs: list[int], drawn_in: dict[int, list[bool]], char_h: float | None) -> list[int]:
    """``lines`` (indexes into ``xs``, the borders first and last) without the inner line of every column
    narrower than a character that is never a cell of its own: no text fits it, so one of its lines is
    a stroke lined up with a line (起 over 尚未 in a header), and the one drawn in fewer rows goes."""
    if not char_h:
        return lines
    out = list(lines)
    k = 0
    while k < len(out) - 1:
        a, b = out[k], out[k + 1]
        inner = [c for c in (a, b) if 0 < c < len(xs) - 1]
        own = any(all(row) for row in zip(*(drawn_in[c] for c in inner), strict=True))
        if xs[b] - xs[a] < char_h and inner and not own:
            out.remove(min(inner, key=lambda c: sum(drawn_in[c])))
            k = max(0, k - 1)
            continue
        k += 1
    return out


LIGHT_LINE = 0.5
"""A line whose ink is lighter than this share of the way from its table's rulings to the paper is no
ruling: the edge of a highlighter's band (its grey tint, or the fringe that lifting a pink one as red
leaves) runs straight along a row like a ruling, 30-50 steps under the paper where rulings lie ~170."""


def _dark_lines(pos: list[int], mask: np.ndarray, gray: np.ndarray | None, reach: int = 3) -> list[int]:
    """Line positions (rows of ``mask``, the lines' ink) without those much lighter than the table's
    darker rulings (``LIGHT_LINE``); all of them where the grey is not given or too few to compare."""
    if gray is None or len(pos) < 3:
        return pos
    dark = []
    for p in pos:
        rows = slice(max(0, p - reach), p + reach + 1)
        on = (mask[rows] > 0).any(axis=0)
        dark.append(float(np.median(gray[rows].min(axis=0)[on])) if on.any() else 255.0)
    rulings = float(np.median(dark))  # not the darkest quarter: a bold frame is that much of a small table's lines
    paper = float(np.percentile(gray, 90))
    return [p for p, d in zip(pos, dark, strict=True) if d <= rulings + LIGHT_LINE * (paper - rulings)]


def _grid(horiz: np.ndarray, vert: np.ndarray, ox: int, oy: int, ink: np.ndarray | None = None,
          char_h: float | None = None, gray: np.ndarray | None = None) -> Grid | None:
    h, w = horiz.shape
    ys = _dark_lines(_positions((horiz > 0).sum(axis=1), 0.12 * w), horiz, gray)
    col_profile = (vert > 0).sum(axis=0)
    xs = _dark_lines(_apart(_positions(col_profile, 0.12 * h), col_profile), vert.T, None if gray is None else gray.T)
    if not ys or len(xs) < 2:
        return None
    # a table broken by a page has no ruling under its last row (or over its first): the
    # column lines running on past the last ruling close that row, if most of them do
    # (one border line running on is a heading's stroke touching it, not a row)
    cols = np.stack([(vert[:, max(0, x - 3) : x + 4] > 0).any(axis=1) for x in xs], axis=1)
    drawn = np.flatnonzero(cols.sum(axis=1) >= max(2, (len(xs) + 1) // 2))
    if drawn.size:
        if drawn[-1] - ys[-1] > 15:
            ys.append(int(drawn[-1]))
        if ys[0] - drawn[0] > 15:
            ys.insert(0, int(drawn[0]))
    if len(ys) < 2:
        return None
    short = _short_columns(ink, xs, ys) if ink is not None else {}
    if short:
        xs = sorted({*xs, *short})
    nr, nc = len(ys) - 1, len(xs) - 1

    def drawn(x: int, r: int) -> bool:
        seg = vert[ys[r] + 3 : ys[r + 1] - 2, max(0, x - 3) : x + 4]
        return seg.size > 0 and (seg.max(axis=1) > 0).mean() > 0.5

    column_runs: dict[int, list[bool]] = {}  # the rows each line's pieces are drawn in, by x: asked per (c, r)

    def run(x: int, r: int) -> int:
        """How many rows the piece of line at ``x`` through row ``r`` runs down."""
        on = column_runs.get(x)
        if on is None:
            on = column_runs[x] = [k in short[x] if x in short else drawn(x, k) for k in range(nr)]
        a, b = r, r
        while a > 0 and on[a - 1]:
            a -= 1
        while b < nr - 1 and on[b + 1]:
            b += 1
        return b - a + 1

    def edge(c: int, r: int) -> bool:
        """Is the line at xs[c] in row r, a tight one, a few rows' stack of text edges (``_text_edge``)?
        A ruling running further is one whatever stands beside it (sub-labels beside a tall merged label)."""
        return (ink is not None and char_h is not None and ys[r + 1] - ys[r] <= TIGHT * char_h
                and run(xs[c], r) <= EDGE_ROWS
                and _text_edge(ink[ys[r] + 3 : ys[r + 1] - 2], xs[c], xs[c - 1], xs[c + 1], _abut(char_h)))

    def v_inked(c: int, r: int) -> bool:
        """Is the vertical boundary at xs[c] between ys[r] and ys[r+1] drawn?

        Not when the "line" runs through text: a column line ends at a merged title cell,
        and a stroke of its text sitting on that x continues it; a ruling has margin beside it.
        """
        x = xs[c]
        if x in short:
            return r in short[x] and not edge(c, r)
        if not drawn(x, r):
            return False
        if ink is None:
            return True
        band = ink[ys[r] + 3 : ys[r + 1] - 2]
        left = band[:, max(0, x - 10) : max(0, x - 5)]
        right = band[:, x + 6 : x + 11]
        if left.size == 0 or right.size == 0:
            return True
        beside = (left.max(axis=1) > 0) & (right.max(axis=1) > 0)
        if beside.mean() >= 0.3 or edge(c, r):
            return False
        # a line running on above and below is a ruling whatever crosses it (a grey seal's ink);
        # one that ends in this row may be a character's stroke standing on it
        through = 0 < r < nr - 1 and drawn(x, r - 1) and drawn(x, r + 1)
        # in the last row: a line that comes from above and runs unbroken to the bottom border
        closing = 0 < r == nr - 1 and drawn(x, r - 1) and _unbroken(ink[ys[r] : ys[r + 1] + 1], x)
        return through or closing or not _through_text(ink[ys[r] + 5 : ys[r + 1] - 4], x)

    def h_inked(r: int, c: int) -> bool:
        """Is the horizontal boundary at ys[r] over column c drawn?

        Where a label's last line sits on the ruling, the ruling and the characters make
        one thick band that the line finder drops; the raw ink still runs unbroken along it.
        """
        y = ys[r]
        seg = horiz[max(0, y - 3) : y + 4, xs[c] + 3 : xs[c + 1] - 2]
        if seg.size == 0:
            return False
        fill = float((seg.max(axis=0) > 0).mean())
        if fill > 0.5:
            return True
        if ink is None or fill < 0.2:
            return False
        raw = ink[max(0, y - 3) : y + 4, xs[c] + 3 : xs[c + 1] - 2]
        return float((raw.max(axis=0) > 0).mean()) >= 0.97
    # a line drawn in no row is no column line; a column narrower than a character that is never a cell
    # of its own has one line too many (a stroke lined up with strokes of the rows above or below)
    # (each line judged between the lines kept: an edge of text is one beside an empty cell)
    drawn_in = {c: [v_inked(c, r) for r in range(nr)] for c in range(1, nc)}
    while not all(any(d) for d in drawn_in.values()):
        xs = [xs[0], *(xs[c] for c in range(1, nc) if any(drawn_in[c])), xs[-1]]
        nc = len(xs) - 1
        drawn_in = {c: [v_inked(c, r) for r in range(nr)] for c in range(1, nc)}
    lines = _true_lines(list(range(nc + 1)), xs, drawn_in, char_h)
    on = {k: drawn_in[c] for k, c in enumerate(lines) if 0 < c < nc}
    xs = [xs[c] for c in lines]
    nc = len(xs) - 1
    # union-find over base cells; merge across undrawn boundaries
    parent = list(range(nr * nc))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r in range(nr):
        for c in range(nc):
            if c + 1 < nc and not on[c + 1][r]:
                parent[find(r * nc + c)] = find(r * nc + c + 1)
            if r + 1 < nr and not h_inked(r + 1, c):
                parent[find(r * nc + c)] = find((r + 1) * nc + c)
    groups: dict[int, list[tuple[int, int]]] = {}
    for r in range(nr):
        for c in range(nc):
            groups.setdefault(find(r * nc + c), []).append((r, c))
    cells = []
    for members in groups.values():
        for r0, r1, c0, c1 in _rectangles(members):
            cells.append(
                GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (ox + xs[c0], oy + ys[r0], ox + xs[c1 + 1], oy + ys[r1 + 1]))
            )
    cells.sort(key=lambda c: (c.row, c.col))
    # the box of its rulings, not of the ink connected to them (a heading touching the border)
    box = (ox + xs[0], oy + ys[0], ox + xs[-1], oy + ys[-1])
    return Grid(box, nr, nc, cells, [ox + x for x in xs], [oy + y for y in ys])
