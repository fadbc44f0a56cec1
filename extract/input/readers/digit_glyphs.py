"""Do the glyphs a font draws for its digits look like the digits its text layer claims?

A broken ToUnicode map can make a page print 7 where its text says 1: plausible text, wrong
numbers. pdfium looks a digit up the way a copy-paste would (the text layer's map, reversed)
when it is asked to set the digit "1" in the page's own font; drawing that glyph alone and
comparing it with the digits of pdfium's built-in fonts (Helvetica, Times, Courier, plain and
bold) tells whether it is a 1. That costs a few milliseconds per font and no OCR engine.

Each digit printed in the font is judged: it agrees when it matches its own digit about as
well as any (``AGREE_MIN``, ``AGREE_SLACK``), it looks like another digit when that one matches
clearly better (``OTHER_MARGIN``), and otherwise the check cannot tell (a calligraphic face,
a glyph missing from the subset). Measured on the 52 fonts that print digits in the shared
and generated corpora: every digit agrees; on the corpus's pages with swapped maps
(tests/generator/broken.py: 1<->7, 3<->8) every swapped digit looks like its partner by 0.15
to 0.45 of correlation. What cannot be told, or looks wrong, is read by Tesseract
(``textlayer.cross_check_digits``) before a page is sent to OCR.
"""

from __future__ import annotations

import ctypes
import hashlib
import operator
from dataclasses import dataclass
from functools import cache

import pypdfium2 as pdfium
import pypdfium2.raw as R
from PIL import Image, ImageFilter

DIGITS = "0123456789"
SIZE = 40.0
"""Points at which a glyph is drawn (scale 1: ~28 pixels tall)."""
GRID = 20
BLUR = 1.5
"""Glyphs are compared as 20x20 ink maps blurred by 1.5 pixels: thin and bold strokes compare alike."""
AGREE_MIN = 0.75
AGREE_SLACK = 0.04
OTHER_MARGIN = 0.15
_REFERENCE_FONTS = ("Helvetica", "Times-Roman", "Courier", "Helvetica-Bold", "Times-Bold", "Courier-Bold")
_CACHE_SIZE = 4096


@dataclass(frozen=True)
class GlyphVerdict:
    agree: bool | None
    """True: every digit's glyph looks like it; False: some look like another digit; None: cannot tell."""
    note: str = ""


Vector = list[float]
_INK = [255 if v >= 96 else 0 for v in range(256)]


def _vector(bitmap: bytes, width: int, height: int, stride: int) -> Vector | None:
    """The glyph's ink (alpha of a BGRA rendering), cropped, centred in a square, blurred, normalised."""
    if not width or not height:
        return None
    ink = Image.frombuffer("RGBA", (width, height), bitmap, "raw", "BGRA", stride, 1).getchannel("A").point(_INK)
    box = ink.getbbox()
    if box is None:
        return None
    glyph = ink.crop(box)
    w, h = glyph.size
    side = max(w, h)
    square = Image.new("L", (side, side), 0)
    square.paste(glyph, ((side - w) // 2, (side - h) // 2))
    values = square.resize((GRID, GRID), Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(BLUR)).tobytes()
    mean = sum(values) / len(values)
    centred = [v - mean for v in values]
    norm = sum(map(operator.mul, centred, centred)) ** 0.5
    return [v / norm for v in centred] if norm else None


def _render(doc, page, font, ch: str) -> tuple[bytes, int, int, int]:
    """``ch`` set in ``font`` as the text layer's map finds it, drawn alone: (BGRA, width, height, stride)."""
    obj = R.FPDFPageObj_CreateTextObj(doc, font, ctypes.c_float(SIZE))
    try:
        R.FPDFText_SetText(obj, (ctypes.c_ushort * 2)(ord(ch), 0))
        bitmap = R.FPDFTextObj_GetRenderedBitmap(doc, page, obj, ctypes.c_float(1.0))
        if not bitmap:
            return b"", 0, 0, 0
        try:
            w, h, stride = R.FPDFBitmap_GetWidth(bitmap), R.FPDFBitmap_GetHeight(bitmap), R.FPDFBitmap_GetStride(bitmap)
            return ctypes.string_at(R.FPDFBitmap_GetBuffer(bitmap), stride * h), w, h, stride
        finally:
            R.FPDFBitmap_Destroy(bitmap)
    finally:
        R.FPDFPageObj_Destroy(obj)


@cache
def _references() -> tuple[tuple[int, Vector], ...]:
    """(digit, ink map) of every digit in pdfium's built-in fonts, drawn as the page's fonts are."""
    doc = pdfium.PdfDocument.new()
    page = doc.new_page(200, 200)
    out = []
    try:
        for name in _REFERENCE_FONTS:
            font = R.FPDFText_LoadStandardFont(doc.raw, name.encode())
            for d, ch in enumerate(DIGITS):
                v = _vector(*_render(doc.raw, page.raw, font, ch))
                if v is not None:
                    out.append((d, v))
            R.FPDFFont_Close(font)
    finally:
        page.close()
        doc.close()
    return tuple(out)


Outcome = tuple[str, str]
"""("agree" | "other" | "unsure", a note) for one digit's glyph."""

_outcomes: dict[bytes, Outcome] = {}


def judge_font(doc, page, font, digits: str) -> tuple[str, GlyphVerdict]:
    """A signature of ``font``'s glyphs for ``digits`` (the digits it prints on the page) and the verdict.

    A glyph is judged once per process: the same glyph drawn the same way has the same outcome
    (the fonts of a producer recur on every page and in every report).
    """
    signature = hashlib.blake2b(digest_size=8)
    outcomes = []
    for ch in sorted(set(digits)):
        drawn = _render(doc, page, font, ch)
        key = ch.encode() + hashlib.blake2b(drawn[0], digest_size=16).digest() + bytes(str(drawn[1:]), "ascii")
        signature.update(key)
        outcome = _outcomes.get(key)
        if outcome is None:
            outcome = _judge_glyph(ch, _vector(*drawn))
            if len(_outcomes) >= _CACHE_SIZE:
                _outcomes.clear()
            _outcomes[key] = outcome
        outcomes.append(outcome)
    wrong = [note for kind, note in outcomes if kind == "other"]
    unsure = [note for kind, note in outcomes if kind == "unsure"]
    if wrong:
        verdict = GlyphVerdict(False, "; ".join(wrong + unsure))
    elif unsure:
        verdict = GlyphVerdict(None, "; ".join(unsure))
    else:
        verdict = GlyphVerdict(True)
    return signature.hexdigest()[:8], verdict


def _judge_glyph(ch: str, v: Vector | None) -> Outcome:
    """Whether glyph ``v`` looks like the digit ``ch`` it is drawn for, like another, or like none."""
    if v is None:
        return "unsure", f"no glyph drawn for {ch}"
    best = [-1.0] * 10
    for d, ref in _references():  # no numpy: a one-report command would import it for this alone
        score = sum(map(operator.mul, v, ref))
        if score > best[d]:
            best[d] = score
    claimed = int(ch)
    top = max(range(10), key=best.__getitem__)
    if best[claimed] >= AGREE_MIN and best[claimed] >= best[top] - AGREE_SLACK:
        return "agree", ""
    if top != claimed and best[top] - best[claimed] >= OTHER_MARGIN:
        return "other", f"the glyph for {ch} looks like {top}"
    return "unsure", f"the glyph for {ch} is like no digit ({best[claimed]:.2f})"
