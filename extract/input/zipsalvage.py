"""The parts of a zip archive whose central directory is lost (a truncated .docx).

A zip's directory sits at its end, so a download cut short loses it although every part
before the cut is intact: each part starts with a local header that names it and says
how it is packed. ``salvage`` walks those headers from the front and inflates each part
as far as its bytes go, in bounded reads (a lying header cannot make it inflate more
than ``limit``), and says which parts were cut.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass, field

from gongkai.extract.errors import TooLarge

_LOCAL = b"PK\x03\x04"
_HEADER = struct.Struct("<4sHHHHHIIIHH")
_STORED, _DEFLATED = 0, 8
_CHUNK = 1 << 16


@dataclass
class Salvaged:
    members: dict[str, bytes] = field(default_factory=dict)
    """Every part found, inflated as far as its bytes go."""
    cut: set[str] = field(default_factory=set)
    """Parts whose bytes end before the part does."""
    unreadable: list[str] = field(default_factory=list)
    """Parts found but packed in a way that cannot be read (encrypted, an unknown method)."""


def local_names(data: bytes, limit: int = 4096) -> list[str]:
    """The part names in the local headers, front to back (no inflating): enough to tell a .docx."""
    names = []
    for name, *_ in _headers(data):
        names.append(name)
        if len(names) >= limit:
            break
    return names


def _headers(data: bytes):  # type: ignore[no-untyped-def]
    """(name, flags, method, compressed size, data offset) of each local header, in order."""
    pos = data.find(_LOCAL)
    while pos >= 0 and pos + _HEADER.size <= len(data):
        _sig, _ver, flags, method, _t, _d, _crc, csize, _usize, nlen, xlen = _HEADER.unpack_from(data, pos)
        start = pos + _HEADER.size
        raw_name = data[start : start + nlen]
        name = raw_name.decode("utf-8" if flags & 0x800 else "cp437", errors="replace")
        body = start + nlen + xlen
        if body > len(data):
            return
        yield name, flags, method, csize, body
        nxt = body + csize if csize and not flags & 0x08 else body + 1
        pos = data.find(_LOCAL, nxt)


def salvage(data: bytes, limit: int) -> Salvaged:
    """Every part the local headers lead to; ``limit`` bounds the bytes inflated in all."""
    out = Salvaged()
    total = 0
    for name, flags, method, csize, body in _headers(data):
        if name.endswith("/"):
            continue
        if flags & 0x01 or method not in (_STORED, _DEFLATED):
            out.unreadable.append(name)
            continue
        known = csize and not flags & 0x08  # else the size follows the data (a data descriptor)
        if method == _STORED:
            end = body + csize if known else _next_header(data, body)
            content = data[body:end]
            cut = end > len(data)
        else:
            content, cut = _inflate(data, body, body + csize if known else len(data), limit - total)
            cut = cut or (bool(known) and body + csize > len(data))
        total += len(content)
        if name in out.members and not content:
            continue
        out.members[name] = content
        if cut:
            out.cut.add(name)
        else:
            out.cut.discard(name)
    return out


def _next_header(data: bytes, start: int) -> int:
    nxt = data.find(_LOCAL, start)
    return nxt if nxt >= 0 else len(data)


def _inflate(data: bytes, start: int, end: int, budget: int) -> tuple[bytes, bool]:
    """Raw deflate from ``start`` as far as it goes: (bytes, cut before the stream's end)."""
    d = zlib.decompressobj(-15)
    parts: list[bytes] = []
    size = 0
    pos = start
    try:
        while pos < min(end, len(data)) and not d.eof:
            chunk = d.decompress(data[pos : min(pos + _CHUNK, end)], _CHUNK)
            pos += _CHUNK
            while True:
                size += len(chunk)
                if size > budget:
                    raise TooLarge(f"the .docx parts inflate to more than {size} bytes")
                parts.append(chunk)
                if d.eof or not d.unconsumed_tail:
                    break
                chunk = d.decompress(d.unconsumed_tail, _CHUNK)
    except zlib.error:
        return b"".join(parts), True  # damaged in the middle: what came before is kept
    return b"".join(parts), not d.eof
