"""Is a PDF page's text layer worth reading? A per-page decision with a reason.

A text layer can be absent (a scan), garbage (a font without a usable ToUnicode map:
private-use or unmapped code points, GBK bytes shown as Latin-1, random rare
characters), partial (a header typed, the table pasted as a picture) or, worst,
plausible text with wrong digits (a ToUnicode map that sends 1 to 7). The first
three are told from the characters and images alone, for free. The last needs
eyes: a few numbers per font are rendered from the page and read by Tesseract, and
a font whose rendered digits disagree with its text is not trusted. That costs one
Tesseract call per document (~0.15 s of CPU), not per page.

Decisions: "text" (use the text layer), "ocr" (OCR the whole page), "mixed" (text
layer plus OCR of the picture regions). Reasons: no_text, garbage_pua,
garbage_mojibake, implausible_text, digit_mismatch, partial_coverage.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from io import BytesIO

from PIL import Image

from gongkai.extract.layout import BBox
from gongkai.extract.layout import PageDecision as Decision
from gongkai.extract.layout import PageReason as Reason
from gongkai.ocr.tessdata import tessdata_folders

log = logging.getLogger(__name__)


# -- thresholds (why each: see the docstrings of the checks) ------------------
MIN_DISTINCT_GARBAGE = 8
"""A broken font maps many glyphs wrongly; one or two private-use bullets (Wingdings) are not garbage."""
GARBAGE_SHARE_PAGE = 0.05
GARBAGE_SHARE_FONT = 0.5
MIN_FONT_CHARS = 10
MIN_CJK_FOR_STATS = 30
"""Below this many Chinese characters the frequency statistics say nothing."""
COMMON_SHARE_MIN = 0.75
"""Running Chinese is ~99% GB2312 level-1 characters; a wrong map that lands on random
code points gives ~20%."""
IMAGE_SHARE_MIN = 0.12
"""A picture over this share of the page with no text on it is content (a pasted table),
not a seal (~3%) or a logo."""
TEXT_DENSITY_OVER_IMAGE = 1 / 4000
"""Characters per square point over a picture below which the picture is not covered by
text (an OCR'd scan has its invisible text over the whole image)."""

_CID = re.compile(r"^\(cid:\d+\)$")
# symbols of Latin-1 that Chinese documents do print
_LATIN_OK = set("×÷·°±§¥©®²³µ¼½¾")


@dataclass(frozen=True)
class Verdict:
    decision: Decision
    reason: Reason | None = None
    detail: str = ""
    regions: tuple[BBox, ...] = ()
    """For "mixed": the picture regions (PDF points) to OCR."""


TEXT = Verdict("text")


@cache
def common_chars() -> frozenset[str]:
    """GB2312 level 1: the 3755 most used characters, from the codec (no data file)."""
    out = set()
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                out.add(bytes((hi, lo)).decode("gb2312"))
            except UnicodeDecodeError:
                continue
    return frozenset(out)


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf"


def _is_pua(text: str) -> bool:
    if len(text) == 1:  # nearly every character: no generator, no pattern
        return "\ue000" <= text <= "\uf8ff" or text == "\ufffd"
    return bool(_CID.match(text)) or any("\ue000" <= ch <= "\uf8ff" or ch == "\ufffd" for ch in text)


def _is_mojibake(text: str) -> bool:
    if len(text) == 1:
        return "\u0080" <= text <= "\u024f" and text not in _LATIN_OK
    return any("\u0080" <= ch <= "\u024f" and ch not in _LATIN_OK for ch in text)


def judge_text(chars: Sequence[dict]) -> Verdict:
    """Garbage checks on a page's characters (pdfplumber char dicts: text, fontname)."""
    glyphs = [c for c in chars if c["text"].strip()]
    if not glyphs:
        return Verdict("ocr", "no_text", "the page has no text layer")
    for reason, test, what in (
        ("garbage_pua", _is_pua, "private-use or unmapped characters"),
        ("garbage_mojibake", _is_mojibake, "Latin-1 mojibake"),
    ):
        bad = [c for c in glyphs if test(c["text"])]
        distinct = {c["text"] for c in bad}
        if len(distinct) < MIN_DISTINCT_GARBAGE:
            continue
        share = len(bad) / len(glyphs)
        fonts = _font_shares(glyphs, bad)
        broken = [f for f, (n, s) in fonts.items() if n >= MIN_FONT_CHARS and s >= GARBAGE_SHARE_FONT]
        if share >= GARBAGE_SHARE_PAGE or broken:
            detail = f"{share:.0%} {what} ({len(distinct)} distinct)"
            if broken:
                detail += f"; fonts: {', '.join(sorted(broken))}"
            return Verdict("ocr", reason, detail)  # type: ignore[arg-type]
    cjk = [ch for c in glyphs for ch in c["text"] if _is_cjk(ch)]
    if len(cjk) >= MIN_CJK_FOR_STATS:
        common = common_chars()
        share = sum(ch in common for ch in cjk) / len(cjk)
        if share < COMMON_SHARE_MIN:
            note = f"only {share:.0%} of {len(cjk)} Chinese characters are common ones"
            return Verdict("ocr", "implausible_text", note)
    return TEXT


def _font_shares(glyphs: Sequence[dict], bad: Sequence[dict]) -> dict[str, tuple[int, float]]:
    total: dict[str, int] = {}
    for c in glyphs:
        total[c.get("fontname", "")] = total.get(c.get("fontname", ""), 0) + 1
    nbad: dict[str, int] = {}
    for c in bad:
        nbad[c.get("fontname", "")] = nbad.get(c.get("fontname", ""), 0) + 1
    return {f: (n, nbad.get(f, 0) / n) for f, n in total.items()}


def uncovered_pictures(
    chars: Sequence[dict], images: Sequence[dict], width: float, height: float
) -> list[BBox]:
    """Large pictures with no text over them: content the text layer does not have."""
    out: list[BBox] = []
    page_area = max(width * height, 1.0)
    for im in images:
        box = (max(0.0, im["x0"]), max(0.0, im["top"]), min(width, im["x1"]), min(height, im["bottom"]))
        area = (box[2] - box[0]) * (box[3] - box[1])
        if area < IMAGE_SHARE_MIN * page_area:
            continue
        inside = sum(
            1
            for c in chars
            if c["text"].strip()
            and box[0] <= (c["x0"] + c["x1"]) / 2 <= box[2]
            and box[1] <= (c["top"] + c["bottom"]) / 2 <= box[3]
        )
        if inside < area * TEXT_DENSITY_OVER_IMAGE:
            out.append(box)
    return _merge_boxes(out)


def _merge_boxes(boxes: list[BBox]) -> list[BBox]:
    """Overlapping pictures (a table pasted in strips) become one region."""
    out: list[BBox] = []
    for b in sorted(boxes, key=lambda b: b[1]):
        for i, o in enumerate(out):
            if b[0] <= o[2] and o[0] <= b[2] and b[1] <= o[3] + 2 and o[1] <= b[3] + 2:
                out[i] = (min(o[0], b[0]), min(o[1], b[1]), max(o[2], b[2]), max(o[3], b[3]))
                break
        else:
            out.append(b)
    return out


def judge_page(
    chars: Sequence[dict], images: Sequence[dict], width: float, height: float, has_graphics: bool
) -> Verdict:
    """The decision for one page from what the PDF says about it (no rendering)."""
    if not any(c["text"].strip() for c in chars):
        if not images and not has_graphics:
            return Verdict("text", None, "blank page")
        return Verdict("ocr", "no_text", "the page has no text layer")
    v = judge_text(chars)
    if v.decision != "text":
        return v
    regions = uncovered_pictures(chars, images, width, height)
    if regions:
        share = sum((b[2] - b[0]) * (b[3] - b[1]) for b in regions) / max(width * height, 1.0)
        note = f"{share:.0%} of the page is a picture without text"
        return Verdict("mixed", "partial_coverage", note, tuple(regions))
    return TEXT


# -- digits: the text layer against the rendered glyphs -----------------------


@dataclass(frozen=True)
class NumberRun:
    """Consecutive digits printed in one font on one line."""

    page: int
    font: str
    text: str
    bbox: BBox
    origin: tuple[float, float] = (0.0, 0.0)
    """pdfplumber's top-left corner of the MediaBox in its own frame (``page.mediabox[:2]``)."""


def render_offset(page, origin: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """(dx, dy) such that a pdfplumber (x, top) is at (x - dx, top - dy) on pdfium's rendering.

    pdfplumber measures from the MediaBox, pdfium renders the CropBox: they differ when a
    page is cropped (scanners and imposition tools do that) or its box does not start at 0.
    """
    left, _, _, top = page.get_cropbox()
    m_left, _, _, m_top = page.get_mediabox()
    return left - m_left + origin[0], m_top - top + origin[1]


def number_runs(chars: Sequence[dict], page: int, origin: tuple[float, float] = (0.0, 0.0)) -> list[NumberRun]:
    """Every run of digit characters of one font on one line, in content order."""
    out: list[NumberRun] = []
    run: list[dict] = []

    def flush() -> None:
        if run:
            box = (min(c["x0"] for c in run), min(c["top"] for c in run),
                   max(c["x1"] for c in run), max(c["bottom"] for c in run))
            out.append(NumberRun(page, run[0].get("fontname", ""), "".join(c["text"] for c in run), box, origin))

    for c in chars:
        t = c["text"]
        if len(t) == 1 and "0" <= t <= "9" and c.get("upright", True):
            prev = run[-1] if run else None
            if (
                prev is not None
                and c.get("fontname") == prev.get("fontname")
                and abs(c["top"] - prev["top"]) < 1
                and -1 < c["x0"] - prev["x1"] < 2
            ):
                run.append(c)
                continue
            flush()
            run = [c]
        elif run:
            flush()
            run = []
    flush()
    return out


def _pick(runs: Sequence[NumberRun], per_font: int, taken: set[int], want: set[str] | None = None) -> list[int]:
    """Indexes of runs covering as many distinct digits per font as possible (longer first on ties)."""
    by_font: dict[str, list[int]] = {}
    for i, r in enumerate(runs):
        if i not in taken and (want is None or set(r.text) & want):
            by_font.setdefault(r.font, []).append(i)
    out: list[int] = []
    for idx in by_font.values():
        seen: set[str] = set()
        texts: set[str] = set()
        chosen: list[int] = []
        pool = [i for i in idx if not (runs[i].text in texts or texts.add(runs[i].text))]  # distinct numbers
        while pool and len(chosen) < per_font:
            best = max(pool, key=lambda i: (len(set(runs[i].text) - seen), min(len(runs[i].text), 6), -i))
            if not set(runs[best].text) - seen and len(chosen) >= 4:
                break  # every digit seen, and enough numbers to tell noise from a broken map
            pool.remove(best)
            chosen.append(best)
            seen |= set(runs[best].text)
        out.extend(chosen)
    return out


@dataclass
class DigitCheck:
    """What the cross-check found: fonts whose digits are wrong, and what was compared."""

    flagged: dict[str, str] = field(default_factory=dict)
    """font -> a human note ("text 17 but image 71 in 3 of 3 numbers")."""
    compared: int = 0
    skipped: str | None = None
    """Why the check did not run (Tesseract missing, failed)."""


def cross_check_digits(
    data: bytes, runs: Sequence[NumberRun], reader: DigitReader | None = None, per_font: int = 6
) -> DigitCheck:
    """Render a few numbers per font and read them with ``reader`` (Tesseract, digits only).

    A font is flagged when at least two of its numbers read differently from its text
    and at least half of the numbers holding the suspect digits do: one misread crop
    is OCR noise, a consistent disagreement is a broken ToUnicode map. A first
    disagreement buys a second look at more numbers with the same digits.
    """
    reader = reader or DigitReader()
    result = DigitCheck()
    if not runs:
        return result
    taken: set[int] = set()
    first = _pick(runs, per_font, taken)
    readings: dict[int, str] = {}
    try:
        readings.update(_read_runs(data, runs, first, reader))
        taken |= set(first)
        suspects: dict[str, set[str]] = {}
        for i, got in readings.items():
            want = runs[i].text
            if got and got != want:
                suspects.setdefault(runs[i].font, set()).update(_suspect_digits(want, got))
        if suspects:
            more = [i for i in _pick(runs, 8, taken, set().union(*suspects.values())) if runs[i].font in suspects]
            readings.update(_read_runs(data, runs, more, reader))
    except DigitReaderError as exc:
        result.skipped = f"{exc.code}: {exc}"
        log.info("digit cross-check skipped: %s", exc)
        return result
    result.compared = sum(1 for g in readings.values() if g)
    if result.compared < 0.5 * len(readings):
        # most crops read as nothing: the crops are not where the numbers are printed
        result.skipped = f"only {result.compared} of {len(readings)} numbers could be read from their crops"
        log.info("digit cross-check inconclusive: %s", result.skipped)
        return result
    by_font: dict[str, list[tuple[str, str]]] = {}
    for i, got in readings.items():
        if got:
            by_font.setdefault(runs[i].font, []).append((runs[i].text, got))
    for font, pairs in by_font.items():
        bad = [(w, g) for w, g in pairs if w != g]
        if len(bad) < 2:
            continue
        suspect = set().union(*(_suspect_digits(w, g) for w, g in bad))
        relevant = [(w, g) for w, g in pairs if set(w) & suspect]
        if len(bad) >= 0.5 * max(len(relevant), 1):
            examples = ", ".join(f"text {w} but image {g}" for w, g in bad[:3])
            result.flagged[font] = f"{len(bad)} of {len(pairs)} numbers differ ({examples})"
    return result


def _suspect_digits(text: str, got: str) -> set[str]:
    """Digits of the text layer that the image contradicts (position by position when lengths agree)."""
    if len(text) == len(got):
        return {a for a, b in zip(text, got, strict=True) if a != b}
    return set(text)


def _read_runs(data: bytes, runs: Sequence[NumberRun], idx: Sequence[int], reader: DigitReader) -> dict[int, str]:
    if not idx:
        return {}
    crops = _render_runs(data, [runs[i] for i in idx], reader.target_px)
    return dict(zip(idx, reader.read(crops), strict=True))


def _render_runs(data: bytes, runs: Sequence[NumberRun], target_px: float) -> list[Image.Image]:
    """Each number rendered alone (only its box is rasterised), grey, about ``target_px`` tall."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    out: list[Image.Image] = []
    try:
        pages: dict[int, object] = {}
        for r in runs:
            page = pages.get(r.page)
            if page is None:
                page = pages[r.page] = pdf[r.page - 1]
            w, h = page.get_size()
            dx, dy = render_offset(page, r.origin)
            x0, top, x1, bottom = r.bbox[0] - dx, r.bbox[1] - dy, r.bbox[2] - dx, r.bbox[3] - dy
            if x0 < 0 or top < 0 or x1 > w or bottom > h:
                out.append(Image.new("L", (8, 8), 255))  # outside the visible page: nothing to read
                continue
            scale = target_px / max(bottom - top, 1.0)
            m = 0.6
            crop = (max(0.0, x0 - m), max(0.0, h - bottom - m), max(0.0, w - x1 - m), max(0.0, top - m))
            out.append(page.render(scale=scale, crop=crop, grayscale=True).to_pil().convert("L"))
        for p in pages.values():
            p.close()
    finally:
        pdf.close()
    return out


class DigitReaderError(RuntimeError):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass
class DigitReader:
    """Tesseract (eng, digits only) on crops stacked into one image: in this process through
    tesserocr where it and the ``eng`` model are installed, else (or with ``binary`` set) one
    ``tesseract`` process per call, with a time limit.

    Called directly rather than through the OCR library's engine: a born-digital report
    should not pay for importing numpy, OpenCV and pandas (pytesseract's) to check a
    dozen numbers (~100 MB of peak memory per worker).
    """

    timeout_s: float = 20.0
    binary: str | None = None
    target_px: float = 40.0
    """Rendered digit height: Tesseract reads 30-50 px text best."""

    def read(self, crops: Sequence[Image.Image]) -> list[str]:
        pad = 24
        width = max(c.width for c in crops) + 2 * pad
        height = sum(c.height + pad for c in crops) + pad
        canvas = Image.new("L", (width, height), 255)
        slots = []
        y = pad
        for c in crops:
            canvas.paste(c, (pad, y))
            slots.append((y, y + c.height))
            y += c.height + pad
        api = _library_api() if self.binary is None else None
        tsv = _read_in_process(api, canvas) if api is not None else self._read_by_process(canvas)
        return _digits_by_slot(tsv, slots, pad)

    def _read_by_process(self, canvas: Image.Image) -> str:
        binary = self.binary or shutil.which("tesseract")
        if not binary:
            raise DigitReaderError("E_OCR_MISSING", "tesseract is not installed")
        buf = BytesIO()
        canvas.save(buf, format="PNG")
        cmd = [binary, "stdin", "stdout", "-l", "eng", "--psm", "6",
               "-c", "tessedit_char_whitelist=0123456789", "tsv"]
        try:
            proc = subprocess.run(cmd, input=buf.getvalue(), capture_output=True, timeout=self.timeout_s,
                                  env={**os.environ, "OMP_THREAD_LIMIT": "1"})
        except subprocess.TimeoutExpired:
            raise DigitReaderError("E_OCR_TIMEOUT", f"tesseract took longer than {self.timeout_s:.0f} s") from None
        except OSError as exc:
            raise DigitReaderError("E_OCR_FAILED", f"tesseract could not run: {exc}") from None
        if proc.returncode != 0:
            err = proc.stderr.decode("utf-8", "replace").strip()[-200:]
            raise DigitReaderError("E_OCR_FAILED", f"tesseract exited with {proc.returncode}: {err}")
        return proc.stdout.decode("utf-8", "replace")


_API_LOCK = threading.Lock()


@cache
def _library_api() -> object | None:
    """Tesseract as a library (tesserocr), started once per process: a ``tesseract`` process per
    document spent ~0.1 s of its ~0.15 s loading the model. None where tesserocr or the
    ``eng`` model is missing: the process path then runs and reports what is wrong."""
    try:
        import tesserocr
    except ImportError:
        return None
    for folder in tessdata_folders():
        if (folder / "eng.traineddata").is_file():
            try:
                api = tesserocr.PyTessBaseAPI(path=str(folder), lang="eng", psm=tesserocr.PSM.SINGLE_BLOCK,
                                              oem=tesserocr.OEM.LSTM_ONLY)
            except RuntimeError as exc:
                log.info("tesserocr could not start with %s: %s", folder, exc)
                continue
            api.SetVariable("tessedit_char_whitelist", "0123456789")
            return api
    return None


def _read_in_process(api: object, canvas: Image.Image) -> str:
    with _API_LOCK:  # one engine per process; Dask may call from several threads
        api.SetImage(canvas)  # type: ignore[attr-defined]
        return api.GetTSVText(0)  # type: ignore[attr-defined]


def _digits_by_slot(tsv: str, slots: list[tuple[int, int]], pad: int) -> list[str]:
    """The digits Tesseract read inside each crop's slot of the stacked image (TSV rows, with or
    without the header line the command-line tool prints)."""
    words: list[list[tuple[int, str]]] = [[] for _ in slots]
    for line in tsv.splitlines():
        f = line.split("\t")
        if len(f) < 12 or not f[11].strip() or not f[6].isdigit():
            continue
        left, top, h = int(f[6]), int(f[7]), int(f[9])
        cy = top + h / 2
        for k, (a, b) in enumerate(slots):
            if a - pad / 2 <= cy <= b + pad / 2:
                words[k].append((left, f[11].strip()))
                break
    return ["".join(ch for _, t in sorted(ws) for ch in t if ch.isdigit()) for ws in words]
