"""Damage that some reader can recover: the files archives really hold after bad transfers.

Each function takes the bytes of a good report (shared or generated corpus) and returns them
damaged the way real files are: PDF cross-reference offsets shifted or lost, files cut off
mid-download (inside a table, inside a multi-byte character), object streams whose header lies,
stream lengths that are wrong, two text exports of different encodings joined into one file.
The same bytes on every run; nothing is random.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path


def _qpdf(data: bytes, *args: str) -> bytes:
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(data)
        subprocess.run(["qpdf", *args, str(src), str(out)], check=True, capture_output=True)
        return out.read_bytes()


def _startxref(data: bytes) -> tuple[int, int]:
    """(position of the last "startxref" keyword, the offset it names)."""
    at = data.rindex(b"startxref")
    return at, int(data[at + 9 :].split()[0])


# -- PDF ------------------------------------------------------------------------------------


def shifted_objects(data: bytes, by: int = 300) -> bytes:
    """``by`` bytes inserted after the header: every offset the xref (table or stream) holds is off by them,
    as after a transfer that rewrote line ends or an editor that prepended a comment."""
    cut = data.index(b"\n") + 1
    return data[:cut] + b"%" + b"~" * (by - 2) + b"\n" + data[cut:]


def shifted_xref_table(data: bytes, by: int = 300) -> bytes:
    """Every offset of a classic xref table moved by ``by`` (the objects stay): pdfminer finds no page."""
    _, off = _startxref(data)
    if data[off : off + 4] != b"xref":
        raise ValueError("the PDF has no classic xref table")
    end = data.index(b"trailer", off)
    table = re.sub(rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + by, m.group(2)), data[off:end])
    return data[:off] + table + data[end:]


def missing_xref(data: bytes) -> bytes:
    """The cross-reference section (table and trailer, or xref stream) blanked out; %%EOF stays."""
    at, off = _startxref(data)
    return data[:off] + b" " * (at - off) + data[at:]


def cut(data: bytes, fraction: float) -> bytes:
    """The first ``fraction`` of the file: a download that stopped."""
    return data[: int(len(data) * fraction)]


def _object_stream(data: bytes) -> tuple[bytes, int, int, int]:
    """The file rewritten with object streams (as Word and WPS write them), and where its first one
    starts, where its data starts and where the data ends."""
    d = _qpdf(data, "--object-streams=generate")
    m = re.search(rb"/Type\s*/ObjStm", d)
    assert m is not None
    head = d.rindex(b" obj", 0, m.start())
    s = d.index(b"stream", m.end()) + 6
    s += 2 if d[s : s + 2] == b"\r\n" else 1
    return d, head, s, d.index(b"endstream", s)


def object_stream_count_wrong(data: bytes, by: int = 5) -> bytes:
    """An object stream whose /N claims ``by`` more objects than it holds."""
    d, head, s, _ = _object_stream(data)
    fixed = re.sub(rb"/N (\d+)", lambda m: b"/N %d" % (int(m.group(1)) + by), d[head:s], count=1)
    return d[:head] + fixed + d[s:]


def object_streams_without_xref(data: bytes) -> bytes:
    """Object streams and no cross-reference stream to find their objects by: only a reader that
    unpacks the object streams it scans finds the pages."""
    return missing_xref(_qpdf(data, "--object-streams=generate"))


def bad_lengths(data: bytes, by: int = 37) -> bytes:
    """Every stream's /Length off by ``by`` bytes (the xref stream's too, when there is one)."""
    return re.sub(rb"/Length (\d+)", lambda m: b"/Length %d" % (int(m.group(1)) + by), data)


# -- web pages ------------------------------------------------------------------------------


def _tables(page: bytes) -> list[tuple[int, int]]:
    starts = [m.start() for m in re.finditer(rb"<table", page, re.IGNORECASE)]
    return [(s, page.index(b"</table>", s)) for s in starts]


def cut_in_table(page: bytes, table: int, encoding: str | None = "utf-8") -> bytes:
    """The page cut half-way through its ``table``-th table (0-based): inside the first multi-byte
    character after the middle (in the page's ``encoding``), or, with None, just after a row's ``</tr>``."""
    start, end = _tables(page)[table]
    middle = (start + end) // 2
    if encoding is None:
        return page[: page.index(b"</tr>", middle) + 5]
    return cut_inside_character(page, middle / len(page), encoding)


# -- Word -----------------------------------------------------------------------------------


def cut_in_body(docx: bytes, fraction: float) -> bytes:
    """The .docx cut ``fraction`` of the way through its word/document.xml part (the zip directory,
    at the end, is lost with everything after the cut)."""
    import zipfile
    from io import BytesIO

    with zipfile.ZipFile(BytesIO(docx)) as z:
        info = z.getinfo("word/document.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    return docx[: start + int(info.compress_size * fraction)]


# -- text -----------------------------------------------------------------------------------


def cut_inside_character(data: bytes, fraction: float, encoding: str = "utf-8") -> bytes:
    """``data`` (text in ``encoding``) cut after ``fraction`` of its bytes, after the first byte of the
    next character that takes several."""
    at = len(data[: int(len(data) * fraction)].decode(encoding, errors="ignore"))
    text = data.decode(encoding)
    while len(text[at].encode(encoding)) < 2:
        at += 1
    return text[:at].encode(encoding) + text[at].encode(encoding)[:1]


def cut_at_line(text: bytes, fraction: float) -> bytes:
    """Text cut at the end of the line found after ``fraction`` of its bytes (no character broken)."""
    at = text.index(b"\n", int(len(text) * fraction))
    return text[: at + 1]


def mixed_encodings(text: str, runs: list[tuple[int, str]]) -> bytes:
    """The text's lines in several encodings: ``runs`` are (first line, encoding) from line 0 on, as
    when exports are joined (``[(0, "utf-8"), (40, "gb18030")]``)."""
    lines = text.split("\n")
    bounds = [first for first, _ in runs] + [len(lines)]
    parts = []
    for (first, enc), nxt in zip(runs, bounds[1:], strict=True):
        parts.append("\n".join(lines[first:nxt]).encode(enc))
    return b"\n".join(parts)
