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


def _vector(bitmap: bytes, width: int, height: int, stride: int) -> Vector | None:
    """The glyph's ink (alpha of a BGRA rendering), cropped, centred in a square, blurred, normalised."""
    if not width or not height:
        return None
    ink = Image.frombuffer("RGBA", (width, height), bitmap, "raw", "BGRA", stride, 1).getchannel("A")
    ink = ink.point(lambda v: 255 if v >= 96 else 0)
    box = ink.getbbox()
    if box is None:
        return None
    glyph = ink.crop(box)
    w, h = glyph.size
    side = max(w, h)
    square = Image.new("L", (side, side), 0)
    square.paste(glyph, ((side - w) // 2, (side - h) // 2))
    values = list(square.resize((GRID, GRID), Image.Resampling.BOX).filter(ImageFilter.GaussianBlur(BLUR)).tobytes())
    mean = sum(values) / len(values)
    centred = [v - mean for v in values]
    norm = sum(v * v for v in centred) ** 0.5
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


_verdicts: dict[bytes, GlyphVerdict] = {}


def judge_font(doc, page, font, digits: str) -> tuple[str, GlyphVerdict]:
    """A signature of ``font``'s glyphs for ``digits`` (the digits it prints on the page) and the verdict.

    The same glyphs give the same verdict: it is kept per process, by signature.
    """
    drawn = {ch: _render(doc, page, font, ch) for ch in sorted(set(digits))}
    signature = hashlib.blake2b(b"".join(ch.encode() + bm[0] for ch, bm in drawn.items()), digest_size=8).digest()
    verdict = _verdicts.get(signature)
    if verdict is None:
        verdict = _judge({ch: _vector(*bm) for ch, bm in drawn.items()})
        if len(_verdicts) >= _CACHE_SIZE:
            _verdicts.clear()
        _verdicts[signature] = verdict
    return signature.hex()[:8], verdict


def _judge(glyphs: dict[str, Vector | None]) -> GlyphVerdict:
    references = _references()
    wrong: list[str] = []
    unsure: list[str] = []
    for ch, v in glyphs.items():
        if v is None:
            unsure.append(f"no glyph drawn for {ch}")
            continue
        best = [-1.0] * 10
        for d, ref in references:
            score = sum(map(operator.mul, v, ref))
            if score > best[d]:
                best[d] = score
        claimed = int(ch)
        top = max(range(10), key=best.__getitem__)
        if best[claimed] >= AGREE_MIN and best[claimed] >= best[top] - AGREE_SLACK:
            continue
        if top != claimed and best[top] - best[claimed] >= OTHER_MARGIN:
            wrong.append(f"the glyph for {ch} looks like {top}")
        else:
            unsure.append(f"the glyph for {ch} is like no digit ({best[claimed]:.2f})")
    if wrong:
        return GlyphVerdict(False, "; ".join(wrong + unsure))
    if unsure:
        return GlyphVerdict(None, "; ".join(unsure))
    return GlyphVerdict(True)
