"""jieba's dictionary, prepared once and read in the pieces a text needs.

jieba loads its whole prefix dictionary (498 113 entries) before it cuts a word: 0.3 s from
its own cache, ~1 s from ``dict.txt``, in every new process, and ~0.1 s more to import
``pkg_resources`` for the file's path. A command that reads one report pays that for a
few thousand characters. Prepared here: the same entries (jieba's own ``gen_pfdict`` makes
them), grouped by their first two characters into buckets written to one file; a text's
buckets are merged into jieba's dictionary before jieba cuts it. Every lookup jieba makes
for a text is a piece of that text (a character, or a run starting with one of its pairs of
characters), so the segmentation is exactly jieba's (tested against jieba on its own).

The file is built from jieba's ``dict.txt`` by ``make setup`` (``python -m gongkai.nlp.dictionary``)
or on first use, in ``$GONGKAI_CACHE_DIR`` or the user's cache folder (``~/.cache/gongkai``);
where no folder can be written, the dictionary is prepared in memory for the process.
"""

from __future__ import annotations

import itertools
import logging
import marshal
import mmap
import os
import struct
import sys
import tempfile
import threading
from array import array
from collections.abc import Iterable
from pathlib import Path

log = logging.getLogger(__name__)

BUCKETS = 65521
"""Buckets of two-character prefixes (a prime); one more holds the single characters."""
_MAGIC = b"GKJIEBA1"
_HEADER = struct.Struct("<8sQQQI")  # magic, total frequency, source size, source mtime (ns), buckets
_BASE = BUCKETS

_lock = threading.Lock()
_prepared: PreparedDictionary | None = None


def bucket(word: str) -> int:
    """Where ``word`` is kept: its first two characters, or the single characters' bucket."""
    if len(word) < 2:
        return _BASE
    return (ord(word[0]) * 31 + ord(word[1])) % BUCKETS


def import_jieba():
    """jieba, imported without ``pkg_resources`` (deprecated; ~0.1 s to import): jieba then
    opens its data files by path, as it does where setuptools is missing."""
    if "jieba" in sys.modules:
        return sys.modules["jieba"]
    blocked = "pkg_resources" not in sys.modules
    if blocked:
        sys.modules["pkg_resources"] = None  # type: ignore[assignment]  # makes `import pkg_resources` fail
    try:
        import jieba
    finally:
        if blocked and sys.modules.get("pkg_resources", 0) is None:
            del sys.modules["pkg_resources"]
    jieba.setLogLevel(logging.WARNING)
    return jieba


def cache_dir() -> Path:
    env = os.environ.get("GONGKAI_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "gongkai"


def _source() -> tuple[Path, int, int]:
    """jieba's dictionary file, its size and modification time."""
    jieba = import_jieba()
    custom = jieba.dt.dictionary
    path = Path(custom) if custom else Path(jieba.__file__).parent / jieba.DEFAULT_DICT_NAME
    st = path.stat()
    return path, st.st_size, st.st_mtime_ns


def _file_for(size: int, mtime: int) -> Path:
    jieba = import_jieba()
    return cache_dir() / f"jieba-{jieba.__version__}-{size}-{mtime}.dict"


def build(target: Path | None = None) -> Path:
    """Write the prepared dictionary (atomically) and return its path."""
    jieba = import_jieba()
    path, size, mtime = _source()
    target = target or _file_for(size, mtime)
    with open(path, "rb") as f:
        freq, total = jieba.Tokenizer.gen_pfdict(f)
    groups: list[dict[str, int]] = [{} for _ in range(BUCKETS + 1)]
    for word, n in freq.items():
        groups[bucket(word)][word] = n
    blobs = [marshal.dumps(g) for g in groups]
    offsets = array("Q", [0])
    for b in blobs:
        offsets.append(offsets[-1] + len(b))
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(_HEADER.pack(_MAGIC, total, size, mtime, BUCKETS))
            out.write(offsets.tobytes())
            for b in blobs:
                out.write(b)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


class PreparedDictionary:
    """The prepared file, mapped; buckets read as texts need them into jieba's own dictionary."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, self.total, _, _, n = _HEADER.unpack_from(self._map, 0)
        if magic != _MAGIC or n != BUCKETS:
            raise ValueError(f"{path} is not a prepared dictionary of this version")
        start = _HEADER.size
        self._offsets = array("Q")
        self._offsets.frombytes(self._map[start : start + 8 * (BUCKETS + 2)])
        self._data = start + 8 * (BUCKETS + 2)
        if self._data + self._offsets[-1] != len(self._map):
            raise ValueError(f"{path} is cut short")
        self._loaded: set[int] = set()

    def read(self, b: int) -> dict[str, int]:
        lo, hi = self._offsets[b], self._offsets[b + 1]
        return marshal.loads(self._map[self._data + lo : self._data + hi])

    def fill(self, freq: dict[str, int], text: Iterable[str] | str) -> None:
        """Merge into ``freq`` every bucket a lookup for ``text`` may reach."""
        loaded = self._loaded
        if _BASE not in loaded:
            freq.update(self.read(_BASE))
            loaded.add(_BASE)
        s = text if isinstance(text, str) else "".join(text)
        wanted = {(ord(a) * 31 + ord(b)) % BUCKETS for a, b in itertools.pairwise(s)} - loaded
        for b in wanted:
            part = self.read(b)
            for word, n in part.items():
                freq.setdefault(word, n)  # a word added at run time keeps its own frequency
            loaded.add(b)


def prepare() -> None:
    """Make jieba cut from the prepared dictionary (built now if missing): jieba's global
    tokenizer fills its dictionary per text instead of loading it whole. Idempotent."""
    global _prepared
    with _lock:
        if _prepared is not None:
            return
        jieba = import_jieba()
        dt = jieba.dt
        if dt.initialized:
            _prepared = False  # type: ignore[assignment]  # jieba already has it all
            return
        _, size, mtime = _source()
        path = _file_for(size, mtime)
        prepared = None
        for attempt in ("read", "build"):
            try:
                if attempt == "build":
                    path = build(path)
                prepared = PreparedDictionary(path)
                break
            except (OSError, ValueError, EOFError) as exc:
                if attempt == "build":
                    log.info("jieba's dictionary could not be prepared in %s (%s); jieba loads it whole", path, exc)
        if prepared is None:
            _prepared = False  # type: ignore[assignment]
            return
        dt.FREQ, dt.total, dt.initialized = {}, prepared.total, True
        _wrap(jieba, dt, prepared)
        _prepared = prepared


def _wrap(jieba, dt, prepared: PreparedDictionary) -> None:
    """jieba's global tokenizer, filling its dictionary for each text before it reads it."""
    cut, add_word, del_word = dt.cut, dt.add_word, dt.del_word

    def cut_filled(sentence, *args, **kwargs):
        text = sentence if isinstance(sentence, str) else sentence.decode("utf-8", "ignore")
        prepared.fill(dt.FREQ, text)
        return cut(sentence, *args, **kwargs)

    def add_filled(word, *args, **kwargs):
        prepared.fill(dt.FREQ, word)
        return add_word(word, *args, **kwargs)

    def del_filled(word):
        prepared.fill(dt.FREQ, word)
        return del_word(word)

    dt.cut, dt.add_word, dt.del_word = cut_filled, add_filled, del_filled
    jieba.cut, jieba.add_word, jieba.del_word = cut_filled, add_filled, del_filled


if __name__ == "__main__":
    print(build())
