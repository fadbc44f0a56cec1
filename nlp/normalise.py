"""Script normalisation before analysis: one written form for the rules and the models to learn.

Reports reach us in traditional characters (Hong Kong and Macao bodies, converted web copies), with
Kangxi radicals where a PDF font maps 一 to ⼀ (U+2F00), with full-width digits and letters, and with
half-width punctuation where a web page or converter folded it. Everything downstream is trained on
simplified text with Chinese punctuation, so ``normalise`` folds:

- traditional → simplified with OpenCC (``t2s``, its dictionaries ship inside the wheel, no download), then the
  words t2s leaves in Taiwan / Hong Kong usage or a variant form (資訊 → 资讯 → 信息, 著力 → 着力, 衞 → 卫) by the
  fold table ``script_folds`` of ``nlp/lexicon.yaml`` (each fold keeps its length);
- Kangxi radicals and CJK compatibility ideographs → the unified ideograph (NFKC of that one character);
- full-width ASCII letters and digits → ASCII (numbers parse as numbers);
- half-width ``, ; : ( ) ! ?`` between Chinese text → the full-width forms the reports print (never
  between digits: "1,136" and "10:30" stay as they are);
- pinyin glosses that mirror sites print inside words ("發(fā)布", "改進(jìn)措施") are left out: a bracketed run of
  Latin letters with a tone mark right after a Chinese character (real round-6 passages, 4 of 6 traditional).

Every character maps to one character except where OpenCC changes a phrase's length (rare) or a gloss is left
out; ``Normalised`` keeps an offset map so spans found in the normalised text point back into the original.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "(": "（", ")": "）", "!": "！", "?": "？"}
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_GLOSS = re.compile(f"(?<=[\u4e00-\u9fff])（[a-zü{_TONED}]*[{_TONED}][a-zü{_TONED}]*）")
"""A pinyin gloss after a character, its brackets already full-width: "进（jìn）"; a tone mark is required, so
a bracketed word of English or an abbreviation ("（app）") is kept."""


def _fold_char(c: str) -> str:
    o = ord(c)
    if 0x2F00 <= o <= 0x2FDF or 0xF900 <= o <= 0xFAFF or 0x2F800 <= o <= 0x2FA1F or o in (0x2E9F, 0x2EF3):
        n = unicodedata.normalize("NFKC", c)
        return n if len(n) == 1 else c
    if 0xFF10 <= o <= 0xFF19 or 0xFF21 <= o <= 0xFF3A or 0xFF41 <= o <= 0xFF5A:
        return chr(o - 0xFEE0)
    if c == "\u3000":
        return " "
    return c


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _folds() -> tuple[re.Pattern[str], dict[str, str]]:
    """The fold table after OpenCC (``script_folds``); a fold that changed a length would break the offset map."""
    from .lexicon import lexicon

    table: dict[str, str] = lexicon()["script_folds"]
    bad = [k for k, v in table.items() if len(k) != len(v)]
    if bad:
        raise ValueError(f"nlp/lexicon.yaml script_folds: not the same length: {', '.join(bad)}")
    return re.compile("|".join(re.escape(k) for k in sorted(table, key=len, reverse=True))), table


def _t2s(text: str) -> str:
    """OpenCC's t2s, then the fold table where OpenCC changed the text (a traditional source): a mainland
    text's own words (新闻资讯, 显著) stay as written (review10)."""
    rx, table = _folds()
    conv = _converter().convert(text)
    return conv if conv == text else rx.sub(lambda m: table[m.group(0)], conv)


def simplified(text: str) -> str:
    """``text`` in simplified script (``_script``: OpenCC ``t2s`` and the fold table), nothing else changed: for
    comparing a label an OCR engine read in a traditional form (規章, 資訊) with its own. The same step as
    ``normalise``'s, so a table label and the narrative never read one word two ways (review10)."""
    return text if text.isascii() else _script(text)[0]


def _script(text: str) -> tuple[str, list[int] | None]:
    """``text`` in simplified script, with the offset in ``text`` of each character of the result when a phrase
    changed length (None: the same offsets). A changed length is rare: then line by line and clause by clause,
    each piece mapped linearly."""
    conv = _t2s(text)
    if len(conv) == len(text):
        return conv, None
    starts: list[int] = []
    out: list[str] = []
    pos = 0
    for piece in _pieces(text):
        c = _t2s(piece)
        n, m = len(piece), len(c)
        starts += [pos + (k * n) // max(m, 1) for k in range(m)]
        out.append(c)
        pos += n
    return "".join(out), starts


def _is_han(c: str) -> bool:
    return "\u4e00" <= c <= "\u9fff" or c in "，。；：、“”（）《》"


@dataclass
class Normalised:
    text: str
    """The normalised text."""
    original: str
    _starts: list[int] | None = None
    """Original offset of each normalised character when lengths differ (None: the same offsets)."""

    def to_original(self, pos: int) -> int:
        """Original offset of normalised offset ``pos`` (an end offset maps to the end of its character)."""
        if self._starts is None:
            return pos
        if pos >= len(self._starts):
            return len(self.original)
        return self._starts[pos]

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self._starts is None:
            return start, end
        a = self.to_original(start)
        b = self.to_original(end) if end < len(self._starts) else len(self.original)
        return a, max(a, b)


def normalise(text: str) -> Normalised:
    """``text`` in one script and one set of forms, with the map back to ``text``'s offsets."""
    chars = [_fold_char(c) for c in text]
    for i, c in enumerate(chars):
        full = _HALF_TO_FULL.get(c)
        if full is None:
            continue
        prev = chars[i - 1] if i else ""
        nxt = chars[i + 1] if i + 1 < len(chars) else ""
        if prev.isdigit() and nxt.isdigit():
            continue  # 1,136 / 10:30
        if (prev and _is_han(prev)) or (nxt and _is_han(nxt)) or c in "()":
            chars[i] = full
    folded = "".join(chars)
    if folded.isascii():
        return Normalised(folded, text)
    base: list[int] | None = None  # original offset of each character of ``folded`` once glosses are out
    if _GLOSS.search(folded):
        keep = [True] * len(folded)
        for m in _GLOSS.finditer(folded):
            keep[m.start() : m.end()] = [False] * (m.end() - m.start())
        base = [i for i, k in enumerate(keep) if k]
        folded = "".join(folded[i] for i in base)
    conv, starts = _script(folded)
    if starts is None:
        return Normalised(conv, text, base)
    return Normalised(conv, text, starts if base is None else [base[k] for k in starts])


def _pieces(text: str) -> list[str]:
    out, cur = [], []
    for c in text:
        cur.append(c)
        if c in "，。；：、\n":
            out.append("".join(cur))
            cur = []
    if cur:
        out.append("".join(cur))
    return out

