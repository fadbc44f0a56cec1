"""What one PDF page draws, read by pdfium: characters with boxes, ruling edges, pictures.

pdfium parses a page in C++ in a few milliseconds; pdfminer (under pdfplumber) spends
40-100 ms per page interpreting the same content stream in Python. This module gives the
born-digital reader the objects it needs in pdfplumber's frame (points from the top-left
corner of the MediaBox) and vocabulary (char dicts with ``text``, ``x0``, ``x1``, ``top``,
``bottom``, ``upright``, ``size``, ``fontname``; edges as pdfplumber derives them from lines,
rectangles and curves), so the text-layer checks, the table finder and the line builder
work on either reader alike.

Where this reader cannot promise pdfplumber's view of a page it says why in
``PageObjects.unsure`` and reads nothing more: the caller reads that page with pdfplumber.
"""

from __future__ import annotations

import ctypes
import itertools
import os
from dataclasses import dataclass, field

import pypdfium2 as pdfium
import pypdfium2.raw as R

from gongkai.extract.errors import TooLarge
from gongkai.extract.input.readers.digit_glyphs import GlyphVerdict, judge_font

Matrix = tuple[float, float, float, float, float, float]
Edge = tuple[str, float, float, float, float]
"""(orientation "h" or "v", x0, top, x1, bottom), in the order pdfplumber lists ``page.edges``."""

_IDENTITY: Matrix = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0)

GLYPHS_PER_EM = 10.0
"""Estimated glyphs of a text object per em of its width: far above any real text (a CJK line
holds one glyph per em, Latin about two), so only a page drawing glyphs on top of each other in
bulk comes near the limit by this estimate."""

PAGE_LOAD_GROWTH_MB = 16
"""Memory pdfium may take to parse one page before its characters are listed (~14 bytes per glyph,
so ~1.2 million glyphs): listing them takes ~200 bytes each, so a page past this goes to the
bounded reader, which counts as it goes."""

_FORM_DEPTH = 12


@dataclass
class PageObjects:
    """One page as the fast reader sees it."""

    number: int
    width: float = 0.0
    height: float = 0.0
    chars: list[dict] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    images: list[dict] = field(default_factory=list)
    has_graphics: bool = False
    digit_fonts: dict[str, GlyphVerdict] = field(default_factory=dict)
    """Each font printing digits (by the name its characters carry) and whether its digit glyphs
    look like the digits its text claims (``digit_glyphs``)."""
    unsure: str | None = None
    """Why this page must be read by pdfplumber instead (None: read it here)."""


def _resident_mb() -> float | None:
    """Resident memory of this process (Linux); None elsewhere."""
    try:
        with open("/proc/self/statm", "rb") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except (OSError, ValueError, IndexError):
        return None


def load_page(pdf: pdfium.PdfDocument, number: int, limit: int) -> PageObjects:
    """The characters, edges and pictures of page ``number`` (1-based), within ``limit`` objects.

    Raises ``TooLarge`` when the page draws more than ``limit`` characters, paths and pictures.
    """
    before = _resident_mb()
    page = pdf[number - 1]
    try:
        grown = (_resident_mb() or 0.0) - before if before is not None else 0.0
        return _read(pdf, page, number, limit, grown)
    finally:
        page.close()


def _read(pdf: pdfium.PdfDocument, page: pdfium.PdfPage, number: int, limit: int, grown_mb: float) -> PageObjects:
    left, bottom, right, top = page.get_mediabox()
    out = PageObjects(number, right - left, top - bottom)
    if page.get_rotation() % 360:
        out.unsure = "the page is rotated"
        return out
    if left != 0 or bottom != 0:
        out.unsure = "the page box does not start at the origin"
        return out
    walk = _Walk(out.height, limit)
    walk.objects(ctypes.c_void_p(ctypes.cast(page.raw, ctypes.c_void_p).value), _IDENTITY, 0)
    if walk.unsure:
        out.unsure = walk.unsure
        return out
    if walk.glyphs_estimate + walk.count > limit or grown_mb > PAGE_LOAD_GROWTH_MB:
        # the characters are counted exactly as the bounded reader draws them
        out.unsure = "the page may draw more characters than the limit"
        return out
    out.edges = walk.lines + walk.rects + walk.curves
    out.images = walk.images
    out.has_graphics = walk.paths > 0
    textpage = page.get_textpage()
    try:
        n = R.FPDFText_CountChars(textpage.raw)
        if n + walk.count > limit:
            raise TooLarge(f"the page draws more than {limit} characters, paths and images")
        out.chars, digits, out.unsure = _chars(textpage.raw, n, out.height)
        if not out.unsure:
            out.digit_fonts = _judge_digits(pdf, page, digits)
    finally:
        textpage.close()
    return out


def _judge_digits(
    pdf: pdfium.PdfDocument, page: pdfium.PdfPage, digits: list[tuple[dict, int]]
) -> dict[str, GlyphVerdict]:
    """Each font's digit glyphs judged; its digits renamed after their glyphs (``name#signature``), so
    two fonts of one name stay apart and one font keeps one name across pages."""
    by_font: dict[int, list[dict]] = {}
    for c, font in digits:
        by_font.setdefault(font, []).append(c)
    out: dict[str, GlyphVerdict] = {}
    for font, chars in by_font.items():
        handle = ctypes.cast(font, R.FPDF_FONT)
        signature, verdict = judge_font(pdf.raw, page.raw, handle, "".join(c["text"] for c in chars))
        name = f"{chars[0]['fontname']}#{signature}"
        for c in chars:
            c["fontname"] = name
        out[name] = verdict
    return out


def _unchecked(fn, restype: type = ctypes.c_int):
    """``fn`` called without ctypes converting its arguments: in the per-character loop the
    bindings' argument checks cost as much as pdfium's work, so the arguments are made once
    (``c_void_p`` handles, ``byref`` structs, small ints) and passed as they are."""
    return ctypes.CFUNCTYPE(restype)(ctypes.cast(fn, ctypes.c_void_p).value)


_GET_LOOSE = _unchecked(R.FPDFText_GetLooseCharBox)
_GET_ORIGIN = _unchecked(R.FPDFText_GetCharOrigin)
_GET_MATRIX = _unchecked(R.FPDFText_GetMatrix)
_GET_SIZE = _unchecked(R.FPDFText_GetFontSize, ctypes.c_double)
_GET_OBJECT = _unchecked(R.FPDFText_GetTextObject, ctypes.c_void_p)
_GET_FONT = _unchecked(R.FPDFTextObj_GetFont, ctypes.c_void_p)
_UNMAPPED = _unchecked(R.FPDFText_HasUnicodeMapError)


_COUNT_OBJECTS = _unchecked(R.FPDFPage_CountObjects)
_GET_PAGE_OBJECT = _unchecked(R.FPDFPage_GetObject, ctypes.c_void_p)
_COUNT_FORM_OBJECTS = _unchecked(R.FPDFFormObj_CountObjects)
_GET_FORM_OBJECT = _unchecked(R.FPDFFormObj_GetObject, ctypes.c_void_p)
_GET_TYPE = _unchecked(R.FPDFPageObj_GetType)
_GET_BOUNDS = _unchecked(R.FPDFPageObj_GetBounds)
_GET_OBJ_MATRIX = _unchecked(R.FPDFPageObj_GetMatrix)
_COUNT_SEGMENTS = _unchecked(R.FPDFPath_CountSegments)
_GET_SEGMENT = _unchecked(R.FPDFPath_GetPathSegment, ctypes.c_void_p)
_SEGMENT_TYPE = _unchecked(R.FPDFPathSegment_GetType)
_SEGMENT_POINT = _unchecked(R.FPDFPathSegment_GetPoint)
_SEGMENT_CLOSES = _unchecked(R.FPDFPathSegment_GetClose)
_TEXT, _PATH, _IMAGE, _FORM = R.FPDF_PAGEOBJ_TEXT, R.FPDF_PAGEOBJ_PATH, R.FPDF_PAGEOBJ_IMAGE, R.FPDF_PAGEOBJ_FORM
_MOVETO, _LINETO, _BEZIERTO = R.FPDF_SEGMENT_MOVETO, R.FPDF_SEGMENT_LINETO, R.FPDF_SEGMENT_BEZIERTO


class _Walk:
    """Page objects, forms entered, paths turned into pdfplumber's edges, pictures into boxes."""

    def __init__(self, height: float, limit: int):
        self.height = height
        self.limit = limit
        self.count = 0
        self.paths = 0
        self.glyphs_estimate = 0.0
        self.lines: list[Edge] = []
        self.rects: list[Edge] = []
        self.curves: list[Edge] = []
        self.images: list[dict] = []
        self.unsure: str | None = None
        self._m = R.FS_MATRIX()
        self._pm = ctypes.byref(self._m)
        self._box = [ctypes.c_float() for _ in range(4)]
        self._pbox = [ctypes.byref(v) for v in self._box]
        self._x, self._y = ctypes.c_float(), ctypes.c_float()
        self._px, self._py = ctypes.byref(self._x), ctypes.byref(self._y)

    def objects(self, container: ctypes.c_void_p, matrix: Matrix, depth: int) -> None:
        if depth > _FORM_DEPTH:
            self.unsure = "forms nested too deep"
            return
        if depth == 0:
            n, get = _COUNT_OBJECTS(container), _GET_PAGE_OBJECT
        else:
            n, get = _COUNT_FORM_OBJECTS(container), _GET_FORM_OBJECT
        for k in range(n):
            obj = ctypes.c_void_p(get(container, k))
            kind = _GET_TYPE(obj)
            if kind == _TEXT:
                self._text(obj)  # its characters are counted instead
                continue
            self.count += 1
            if self.count > self.limit:
                raise TooLarge(f"the page draws more than {self.limit} characters, paths and images")
            if kind == _PATH:
                self.paths += 1
                self._path(obj, _compose(self._matrix(obj), matrix))
            elif kind == _IMAGE:
                self._image(obj, matrix)
            elif kind == _FORM:
                self.objects(obj, _compose(self._matrix(obj), matrix), depth + 1)
            if self.unsure:
                return

    def _matrix(self, obj: ctypes.c_void_p) -> Matrix:
        m = self._m
        if not _GET_OBJ_MATRIX(obj, self._pm):
            return _IDENTITY
        return (m.a, m.b, m.c, m.d, m.e, m.f)

    def _bounds(self, obj: ctypes.c_void_p) -> tuple[float, float, float, float] | None:
        if not _GET_BOUNDS(obj, *self._pbox):
            return None
        b = self._box
        return b[0].value, b[1].value, b[2].value, b[3].value

    def _text(self, obj: ctypes.c_void_p) -> None:
        box = self._bounds(obj)
        if box is None:
            return
        w, h = box[2] - box[0], box[3] - box[1]
        self.glyphs_estimate += 1 + GLYPHS_PER_EM * max(w, h) / max(min(w, h), 1e-3)

    def _image(self, obj: ctypes.c_void_p, matrix: Matrix) -> None:
        box = self._bounds(obj)
        if box is None:
            return
        x0, y0, x1, y1 = _transform_box(box, matrix)
        self.images.append({"x0": x0, "top": self.height - y1, "x1": x1, "bottom": self.height - y0})

    def _path(self, obj: ctypes.c_void_p, matrix: Matrix) -> None:
        """The object's subpaths as pdfminer paints them (lines, rectangles, curves) and
        pdfplumber turns them into edges (see pdfminer's ``paint_path``)."""
        n = _COUNT_SEGMENTS(obj)
        if n > self.limit:
            raise TooLarge(f"a path of {n} segments, more than the limit of {self.limit}")
        x, y = self._x, self._y
        px_, py_ = self._px, self._py
        a, b, c, d, e, f = matrix
        shape: list[str] = []
        pts: list[tuple[float, float]] = []
        pending = 0  # Bézier points still to come in the current curve segment
        for j in range(n):
            seg = ctypes.c_void_p(_GET_SEGMENT(obj, j))
            kind = _SEGMENT_TYPE(seg)
            _SEGMENT_POINT(seg, px_, py_)
            px, py = x.value, y.value
            # pdfium keeps coordinates in single precision: rounded to a thousandth of a point, they
            # are the decimals the page wrote (pdfminer's, computed in double precision)
            pt = (round(a * px + c * py + e, 3), round(b * px + d * py + f, 3))
            if kind == _MOVETO:
                self._subpath(shape, pts)
                shape, pts, pending = ["m"], [pt], 0
            elif kind == _LINETO:
                shape.append("l")
                pts.append(pt)
            elif kind == _BEZIERTO:
                # pdfium lists a curve's two control points and its end as three segments;
                # pdfminer keeps one point per operator: the end
                if pending == 0:
                    pending = 3
                pending -= 1
                if pending == 0:
                    shape.append("c")
                    pts.append(pt)
            else:
                self.unsure = "a path segment of unknown type"
                return
            if _SEGMENT_CLOSES(seg) and pts:
                shape.append("h")
                pts.append(pts[0])
        self._subpath(shape, pts)

    def _subpath(self, shape_ops: list[str], pts: list[tuple[float, float]]) -> None:
        if not shape_ops or shape_ops[0] != "m" or len(shape_ops) < 2:
            return
        shape = "".join(shape_ops)
        if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
            shape = shape[:-2] + "h"  # a redundant "l" back to the start of a closed path
            pts = pts[:-2] + pts[-1:]
        flip = self.height
        if shape in ("mlh", "ml"):
            (x0, y0), (x1, y1) = pts[0], pts[1]
            top, bottom = flip - max(y0, y1), flip - min(y0, y1)
            self.lines.append(("h" if top == bottom else "v", min(x0, x1), top, max(x0, x1), bottom))
            return
        if shape in ("mlllh", "mllll"):
            (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
            if pts[0] == pts[4] and (
                (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0)
            ):
                left, right = min(x0, x2), max(x0, x2)
                top, bottom = flip - max(y0, y2), flip - min(y0, y2)
                self.rects += [("h", left, top, right, top), ("h", left, bottom, right, bottom),
                               ("v", left, top, left, bottom), ("v", right, top, right, bottom)]
                return
        for (px, py), (qx, qy) in itertools.pairwise(pts):
            if px == qx:
                orientation = "v"
            elif py == qy:
                orientation = "h"
            else:
                continue  # pdfplumber gives a slanted curve segment no orientation: never an edge
            self.curves.append((orientation, min(px, qx), flip - max(py, qy), max(px, qx), flip - min(py, qy)))


def _compose(inner: Matrix, outer: Matrix) -> Matrix:
    """``inner`` then ``outer`` (PDF row-vector convention)."""
    a, b, c, d, e, f = inner
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _transform_box(box: tuple[float, float, float, float], m: Matrix) -> tuple[float, float, float, float]:
    if m == _IDENTITY:
        return box
    a, b, c, d, e, f = m
    xs, ys = [], []
    for px, py in ((box[0], box[1]), (box[0], box[3]), (box[2], box[1]), (box[2], box[3])):
        xs.append(a * px + c * py + e)
        ys.append(b * px + d * py + f)
    return min(xs), min(ys), max(xs), max(ys)


_BLANK = frozenset(" \r\n\t")


def _all_text(tp, n: int) -> str | None:
    """The page's characters in one call (UTF-16); None when they do not line up one per index."""
    buf = ctypes.create_string_buffer(2 * (n + 1))
    got = R.FPDFText_GetText(tp, 0, n, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: 2 * max(got - 1, 0)].decode("utf-16-le", "replace")
    return text if len(text) == n else None


def _chars(tp, n: int, height: float) -> tuple[list[dict], list[tuple[dict, int]], str | None]:
    """pdfplumber-like char dicts and the digits among them with their fonts, or why the page is not
    for this reader.

    A box is pdfminer's: from the origin, the advance width wide, the size tall, resting on
    the font's descent below the baseline. pdfium's loose box gives the advance; its height
    follows the ink where a font states no ascent or descent, so the descent is the font's
    own (``FPDFFont_GetDescent``), the same for all its characters.
    """
    text = _all_text(tp, n)
    loose, m = R.FS_RECTF(), R.FS_MATRIX()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    h = ctypes.c_void_p(ctypes.cast(tp, ctypes.c_void_p).value)
    p_loose, p_m, p_ox, p_oy = ctypes.byref(loose), ctypes.byref(m), ctypes.byref(ox), ctypes.byref(oy)
    fonts: dict[int | None, tuple[str, float]] = {}  # handle -> (name, descent per unit of size)
    out: list[dict] = []
    digits: list[tuple[dict, int]] = []
    append = out.append
    for i in range(n):
        ch = text[i] if text is not None else chr(R.FPDFText_GetUnicode(tp, i))
        if ch in _BLANK and R.FPDFText_IsGenerated(tp, i):
            continue  # pdfium's own spaces and line breaks
        if _UNMAPPED(h, i) == 1:
            return [], [], "characters without a Unicode mapping"
        _GET_MATRIX(h, i, p_m)
        if m.b != 0 or m.c != 0 or m.a <= 0 or m.d <= 0:
            return [], [], "rotated, slanted or mirrored text"
        size = _GET_SIZE(h, i) * m.d
        _GET_ORIGIN(h, i, p_ox, p_oy)
        _GET_LOOSE(h, i, p_loose)
        font = _GET_FONT(ctypes.c_void_p(_GET_OBJECT(h, i)))
        known = fonts.get(font)
        if known is None:
            known = fonts[font] = _font(font)
        x0, base = ox.value, oy.value
        advance = loose.right - loose.left
        if loose.top - loose.bottom > 3 * size:  # pdfium left the text matrix out of this box
            x1, y0 = x0 + advance * m.a, base
        else:
            x1, y0 = x0 + advance, base + known[1] * size
        c = {"text": ch, "x0": x0, "x1": x1, "top": height - y0 - size, "bottom": height - y0, "upright": True,
             "size": size, "fontname": known[0]}
        if "0" <= ch <= "9" and font:
            digits.append((c, font))
        append(c)
    return out, digits, None


def _font(font: int | None) -> tuple[str, float]:
    """A font's name and its descent per unit of size (between -0.5 and 0; 0 where it states none)."""
    if not font:
        return "", 0.0
    handle = ctypes.cast(font, R.FPDF_FONT)
    n = R.FPDFFont_GetBaseFontName(handle, None, 0)
    buf = ctypes.create_string_buffer(max(n, 1))
    R.FPDFFont_GetBaseFontName(handle, buf, n)
    value = ctypes.c_float()
    descent = min(0.0, max(-0.5, value.value)) if R.FPDFFont_GetDescent(handle, 1.0, value) else 0.0
    return buf.value.decode("utf-8", "replace"), descent
