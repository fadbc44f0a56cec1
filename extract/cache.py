"""Files gongkai prepares once per installation and reads in pieces: jieba's dictionary
(``nlp/dictionary.py``) and the division gazetteer (``extract/domain/across/places.py``).

Both are derived from data that ships with their packages and take ~0.3-1 s to load whole; a
command that reads one report needs a few hundred entries of each. They are written by
``make setup`` (``python -m gongkai.extract.cache``) or on first use, to ``$GONGKAI_CACHE_DIR``
or the user's cache folder (``$XDG_CACHE_HOME/gongkai``, ``~/.cache/gongkai``); a name carries
the version of the data it came from, so an upgrade writes a new file. Where no folder can be
written, each is built in memory for the process, as before.
"""

from __future__ import annotations

import contextlib
import marshal
import mmap
import os
import struct
import tempfile
import zlib
from array import array
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

_MAGIC = b"GKTABLE1"
_HEADER = struct.Struct("<8sI")  # magic, buckets


def cache_dir() -> Path:
    env = os.environ.get("GONGKAI_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME")
    return (Path(base) if base else Path.home() / ".cache") / "gongkai"


def write_atomic(target: Path, chunks: Iterable[bytes]) -> Path:
    """Write ``chunks`` to ``target`` through a temporary file renamed into place (no torn files)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as out:
            for c in chunks:
                out.write(c)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return target


def cached(name: str, version: str, build: Callable[[], Any]) -> Any:
    """``build()``'s value (built-in types only), kept in the cache folder as ``name-version.marshal``:
    read when it is there, else built, written and returned (only returned where nothing can be written)."""
    path = cache_dir() / f"{name}-{version}.marshal"
    try:
        return marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        pass
    value = build()
    with contextlib.suppress(OSError):  # no folder to keep it in: built again next time
        write_atomic(path, [marshal.dumps(value)])
    return value


def _bucket(key: str, buckets: int) -> int:
    return zlib.crc32(key.encode("utf-8")) % buckets


class PreparedTable:
    """String keys to marshalable values, in buckets on disk: a lookup reads one small bucket."""

    def __init__(self, path: Path):
        with open(path, "rb") as f:
            self._map = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
        magic, self._n = _HEADER.unpack_from(self._map, 0)
        if magic != _MAGIC:
            raise ValueError(f"{path} is not a prepared table")
        start = _HEADER.size
        self._offsets = array("Q")
        self._offsets.frombytes(self._map[start : start + 8 * (self._n + 1)])
        self._data = start + 8 * (self._n + 1)
        if self._data + self._offsets[-1] != len(self._map):
            raise ValueError(f"{path} is cut short")
        self._buckets: dict[int, dict[str, Any]] = {}

    def _read(self, b: int) -> dict[str, Any]:
        part = self._buckets.get(b)
        if part is None:
            part = self._buckets[b] = marshal.loads(
                self._map[self._data + self._offsets[b] : self._data + self._offsets[b + 1]])
        return part

    def get(self, key: str, default: Any = None) -> Any:
        return self._read(_bucket(key, self._n)).get(key, default)

    def items(self) -> Iterator[tuple[str, Any]]:
        for b in range(self._n):
            yield from self._read(b).items()

    @staticmethod
    def write(target: Path, items: Iterable[tuple[str, Any]], buckets: int = 4093) -> Path:
        groups: list[dict[str, Any]] = [{} for _ in range(buckets)]
        for k, v in items:
            groups[_bucket(k, buckets)][k] = v
        blobs = [marshal.dumps(g) for g in groups]
        offsets = array("Q", [0])
        for b in blobs:
            offsets.append(offsets[-1] + len(b))
        return write_atomic(target, [_HEADER.pack(_MAGIC, buckets), offsets.tobytes(), *blobs])


def prepare_all() -> list[Path]:
    """Build every prepared file (``make setup``); returns their paths."""
    from gongkai.extract.domain.gazetteer import build_prepared
    from gongkai.extract.domain.organisations import vocabulary
    from gongkai.nlp.dictionary import build

    paths = [build(), build_prepared()]
    vocabulary()  # what the organisation vocabulary derives from the table, prepared as it is first read
    return paths + sorted(cache_dir().glob("division-vocabulary-*.table"))


if __name__ == "__main__":
    for p in prepare_all():
        print(p)
