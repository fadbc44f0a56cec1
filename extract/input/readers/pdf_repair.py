"""Damaged PDFs: a copy pdfminer can walk, from whichever reader could recover the file.

pdfminer (under pdfplumber) trusts a PDF's cross-reference table: with its offsets shifted
it opens the file with no pages, and without a trailer it cannot open it at all. Other
readers recover much more, so a file is repaired whenever pdfminer cannot walk it or
finds another number of pages than pdfium. The ladder, first copy that pdfminer walks
with as many pages as the best reader found wins:

1. pdfium's copy (it rebuilds a lost xref by scanning the objects; a page box it reads
   and pdfminer cannot is written back as read);
2. qpdf's copy, when qpdf is installed (``apt-packages.txt``): it repairs what pdfium
   refuses (bad stream lengths of the xref stream, for one);
3. both again on a *salvaged* copy, for files that lost their end (a truncated download,
   a missing trailer) or whose stream lengths lie: every wrong /Length is set to the
   distance to its ``endstream``, object streams are unpacked as far as their bytes
   inflate, and a trailer is appended that points at the catalog, or at a page tree
   rebuilt from the page objects that survived when the catalog or its tree was cut off.

Nothing here reads text; it only hands ``pdf.py`` bytes it can read.
"""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium

log = logging.getLogger(__name__)

QPDF_TIMEOUT_S = 60.0


@dataclass
class Repaired:
    data: bytes
    pages: int
    how: str
    """What made the copy, for the W_REPAIRED message ("pdfium", "qpdf", "salvage + qpdf" …)."""


@dataclass(frozen=True)
class Signs:
    """Damage pdfminer trusts and pdfium reads past, as a file's bytes show it without parsing them
    (~1 ms for a report): ``pdf.py`` sends a file with any of them, as one pdfium had to rebuild, to
    the ladder, and reads an undamaged file with pdfium alone, never asking pdfminer to walk it."""

    cut: bool
    wrong_lengths: int
    short_object_streams: int

    def __bool__(self) -> bool:
        return self.cut or self.wrong_lengths > 0 or self.short_object_streams > 0


def signs_of_damage(data: bytes) -> Signs:
    return Signs(ends_early(data), wrong_lengths(data), short_object_streams(data))


def ends_early(data: bytes) -> bool:
    """The file was cut off: no %%EOF marker after its last object (junk appended after one is fine)."""
    return data.rfind(b"%%EOF") < data.rfind(b"obj")


_STREAM_AT = re.compile(rb">>\s*stream(?:\r\n|\n|\r)")
_LENGTH = re.compile(rb"/Length\s+(\d+)(?:\s+(\d+)\s+R)?")
_NUMBER_BODY = re.compile(rb"obj\s*(\d+)\s*endobj")
_NUMBER_HEAD = re.compile(rb"(?<![0-9])(\d{1,9})\s+(\d{1,5})\s+$")


def _number_objects(data: bytes) -> dict[tuple[int, int], int]:
    """Objects that are a bare number ("3 0 obj 1234 endobj"), as indirect /Length values are written.

    Searched from their literal "obj", then the number and generation before it: a pattern that
    starts with digits would be tried at every digit of the file's binary streams (~50x slower)."""
    out = {}
    for m in _NUMBER_BODY.finditer(data):
        head = _NUMBER_HEAD.search(data, max(0, m.start() - 32), m.start())
        if head is not None:
            out[(int(head.group(1)), int(head.group(2)))] = int(m.group(1))
    return out


def wrong_lengths(data: bytes) -> int:
    """Streams whose /Length does not end where their ``endstream`` is: pdfminer reads exactly /Length
    bytes (losing the rest of a content stream), where pdfium and qpdf look for the keyword."""
    return len(_length_fixes(data))


def _length_fixes(data: bytes) -> list[tuple[int, int, bytes]]:
    """(start, end, replacement) of every /Length entry that is wrong: the distance to ``endstream``."""
    numbers: dict[tuple[int, int], int] | None = None  # "3 0 obj 1234 endobj": indirect lengths
    fixes = []
    for m in _STREAM_AT.finditer(data):
        window = max(0, m.start() - 1024)
        head = data[window : m.start()]
        skip = head.rfind(b"obj") + 3 if b"obj" in head else 0
        lengths = list(_LENGTH.finditer(head, skip))
        if not lengths:
            continue
        entry = lengths[-1]
        value, ref = int(entry.group(1)), entry.group(2)
        if ref is not None:
            if numbers is None:
                numbers = _number_objects(data)
            resolved = numbers.get((value, int(ref)))
            if resolved is None:
                continue
            value = resolved
        after = data[m.end() + value : m.end() + value + 16].lstrip(b"\r\n \t\x00")
        if after.startswith(b"endstream"):
            continue
        end = data.find(b"endstream", m.end())
        if end < 0:
            continue  # cut off inside the stream: nothing to measure
        real = end - m.end()
        for eol in (b"\r\n", b"\n", b"\r"):
            if data[m.end() : end].endswith(eol):
                real -= len(eol)
                break
        fixes.append((window + entry.start(), window + entry.end(), b"/Length %d" % real))
    return fixes


_OBJSTM = re.compile(rb"/Type\s*/ObjStm\b")


def short_object_streams(data: bytes) -> int:
    """Object streams whose header lists fewer objects than their /N claims: pdfminer reads /N pairs
    and loses its way, where pdfium takes the objects that are there. Only each header is inflated."""
    short = 0
    for m in _OBJSTM.finditer(data):
        start = data.rfind(b"obj", max(0, m.start() - 1024), m.start())
        s = _STREAM_AT.search(data, m.end(), m.end() + 1024)
        if start < 0 or s is None:
            continue
        head = data[start : s.end()]
        n, first = re.search(rb"/N\s+(\d+)", head), re.search(rb"/First\s+(\d+)", head)
        if n is None or first is None or not re.search(rb"/Filter\s*/FlateDecode", head):
            continue
        try:
            listed = zlib.decompressobj().decompress(data[s.end() : s.end() + (1 << 20)], int(first.group(1)))
        except zlib.error:
            short += 1
            continue
        if len(listed.split()) < 2 * int(n.group(1)):
            short += 1
    return short


def fix_lengths(data: bytes) -> bytes:
    """Every wrong /Length set to the stream's real length (offsets move: readers rebuild the xref)."""
    out, last = [], 0
    for start, end, text in _length_fixes(data):
        out += [data[last:start], text]
        last = end
    return b"".join(out) + data[last:]


def pdfium_pages(data: bytes) -> int | None:
    """Pages pdfium finds, or None when it cannot open the file."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        return len(pdf)
    finally:
        pdf.close()


def repair(data: bytes, pdfium_count: int | None, walk: Callable[[bytes], int | None]) -> Repaired | None:
    """The best copy pdfminer can walk (``walk`` gives its page count, None when it cannot), or None.

    ``pdfium_count`` is what pdfium found in the damaged file (None: it could not open it).
    """
    best: Repaired | None = None
    salvaged: bytes | None = None
    # the copy on which pdfminer walks the most pages wins (pages pdfium lists but no reader can
    # find are lost either way); one with as many as pdfium found in the damaged file ends the search
    for how in ("pdfium", "qpdf", "salvage + pdfium", "salvage + qpdf"):
        source = data
        if how.startswith("salvage"):
            if salvaged is None:
                salvaged = salvage(data) or b""
            if not salvaged:
                break
            source = salvaged
        copy = _pdfium_copy(source) if how.endswith("pdfium") else _qpdf_copy(source)
        if copy is None:
            continue
        n = walk(copy)
        if not n:
            continue  # pdfminer still cannot walk it
        if best is None or n > best.pages:
            best = Repaired(copy, n, how)
        if pdfium_count is not None and n >= pdfium_count:
            break
    return best


def _pdfium_copy(data: bytes) -> bytes | None:
    """pdfium's copy: a clean xref; a page box pdfminer cannot read written back as pdfium read it."""
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        for i in range(len(pdf)):
            try:
                page = pdf[i]
            except pdfium.PdfiumError:
                continue  # a page pdfium cannot load is written as it is: another reader may
            left, bottom, right, top = page.get_mediabox()
            if right <= left or top <= bottom:
                page.set_mediabox(0, 0, *page.get_size())
            page.close()
        buf = BytesIO()
        pdf.save(buf)
        return buf.getvalue()
    except pdfium.PdfiumError:
        return None
    finally:
        pdf.close()


def qpdf_available() -> bool:
    return shutil.which("qpdf") is not None


def _qpdf_copy(data: bytes) -> bytes | None:
    """qpdf's repaired copy (exit 3 means: repaired with warnings), or None without qpdf or on failure."""
    exe = shutil.which("qpdf")
    if exe is None:
        return None
    with tempfile.TemporaryDirectory(prefix="gongkai-qpdf-") as tmp:
        src, out = Path(tmp) / "in.pdf", Path(tmp) / "out.pdf"
        src.write_bytes(data)
        try:
            proc = subprocess.run([exe, "--object-streams=disable", str(src), str(out)], capture_output=True,
                                  stdin=subprocess.DEVNULL, timeout=QPDF_TIMEOUT_S)
        except (OSError, subprocess.TimeoutExpired) as exc:
            log.warning("qpdf could not repair the PDF: %s", exc)
            return None
        if proc.returncode not in (0, 3) or not out.exists():
            return None
        return out.read_bytes()


# -- salvage: what the end of the file held, rebuilt from what its front still holds -----------

_OBJ = re.compile(rb"(?<![0-9])(\d{1,9})\s+(\d{1,5})\s+obj\b")
_ENDOBJ = re.compile(rb"\bendobj\b")
_STREAM = re.compile(rb"\bstream\r?\n")
_REF = rb"(\d{1,9})\s+\d{1,5}\s+R"
_MAX_OBJECTS = 200_000


@dataclass
class _Obj:
    num: int
    body: bytes
    """Between "N G obj" and "endobj"."""
    packed: bool = False
    """Found inside an object stream: written out as a top-level object by the salvage."""


def _objects(data: bytes) -> list[_Obj]:
    """Every complete top-level object, in file order (a later copy of a number overrides an earlier)."""
    out = []
    for m in _OBJ.finditer(data):
        end = _ENDOBJ.search(data, m.end())
        if end is None:
            break  # cut off inside this object: nothing after it survives
        nxt = _OBJ.search(data, m.end(), end.start())
        if nxt is not None and not _STREAM.search(data, m.end(), nxt.start()):
            continue  # an object without its endobj, followed by the next one: damaged
        out.append(_Obj(int(m.group(1)), data[m.end() : end.start()]))
        if len(out) > _MAX_OBJECTS:
            break
    return out


def _dict_of(body: bytes) -> bytes:
    """The dictionary part of an object (before its stream, if any)."""
    s = _STREAM.search(body)
    return body[: s.start()] if s else body


def _unpack_object_streams(objs: list[_Obj]) -> list[_Obj]:
    """The objects inside every flate object stream, as far as its bytes inflate."""
    out = []
    for o in objs:
        head = _dict_of(o.body)
        if not re.search(rb"/Type\s*/ObjStm", head) or not re.search(rb"/FlateDecode", head):
            continue
        first = re.search(rb"/First\s+(\d+)", head)
        s = _STREAM.search(o.body)
        if first is None or s is None:
            continue
        plain = _inflate_prefix(o.body[s.end() :])
        offset = int(first.group(1))
        nums = [int(x) for x in plain[:offset].split() if x.isdigit()]
        pairs = list(zip(nums[::2], nums[1::2], strict=False))
        for k, (num, rel) in enumerate(pairs):
            start = offset + rel
            end = offset + pairs[k + 1][1] if k + 1 < len(pairs) else len(plain)
            if start < len(plain):
                out.append(_Obj(num, plain[start:end], packed=True))
    return out


def _inflate_prefix(raw: bytes, limit: int = 64 << 20) -> bytes:
    """Flate data inflated as far as it goes: damage part-way keeps what came before it."""
    d = zlib.decompressobj()
    out: list[bytes] = []
    size = 0
    for i in range(0, len(raw), 256):
        try:
            chunk = d.decompress(raw[i : i + 256])
        except zlib.error:
            break
        out.append(chunk)
        size += len(chunk)
        if d.eof or size > limit:
            break
    return b"".join(out)


def salvage(data: bytes) -> bytes | None:
    """``data`` with a trailer appended (and, if need be, unpacked objects and a new page tree),
    so that readers rebuilding the xref find the document; None when no page survives."""
    data = fix_lengths(data)
    objs = _objects(data)
    objs += _unpack_object_streams(objs)
    if not objs:
        return None
    latest = {o.num: o for o in objs}
    pages = [o for o in latest.values() if re.search(rb"/Type\s*/Page(?![a-zA-Z])", _dict_of(o.body))]
    if not pages:
        return None
    top = max(latest) + 1
    extra: list[bytes] = [_write(o.num, o.body) for o in objs if o.packed and latest[o.num] is o]
    root = _catalog_with_tree(latest)
    if root is None:
        # the catalog or its page tree was lost: a new tree of the surviving pages, in file order
        kids, catalog = top, top + 1
        for p in pages:
            body = re.sub(rb"/Parent\s+" + _REF, b"/Parent %d 0 R" % kids, p.body, count=1)
            extra.append(_write(p.num, body))
        refs = b" ".join(b"%d 0 R" % p.num for p in pages)
        extra.append(_write(kids, b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(pages))))
        extra.append(_write(catalog, b"<< /Type /Catalog /Pages %d 0 R >>" % kids))
        root, top = catalog, top + 2
    tail = b"\n" + b"".join(extra) + b"trailer\n<< /Size %d /Root %d 0 R >>\n%%%%EOF\n" % (top, root)
    return data + tail


def _catalog_with_tree(latest: dict[int, _Obj]) -> int | None:
    """The catalog whose page tree survived whole (its root and every node under it), if there is one."""
    for o in latest.values():
        head = _dict_of(o.body)
        if not re.search(rb"/Type\s*/Catalog", head):
            continue
        m = re.search(rb"/Pages\s+" + _REF, head)
        if m and _tree_whole(int(m.group(1)), latest, set()):
            return o.num
    return None


def _tree_whole(num: int, latest: dict[int, _Obj], seen: set[int]) -> bool:
    node = latest.get(num)
    if node is None or num in seen or len(seen) > _MAX_OBJECTS:
        return False
    seen.add(num)
    head = _dict_of(node.body)
    if re.search(rb"/Type\s*/Page(?![a-zA-Z])", head):
        return True
    kids = re.search(rb"/Kids\s*\[([^\]]*)\]", head)
    if kids is None:
        return False
    refs = [int(r) for r in re.findall(_REF, kids.group(1))]
    return bool(refs) and all(_tree_whole(r, latest, seen) for r in refs)


def _write(num: int, body: bytes) -> bytes:
    return b"%d 0 obj\n" % num + body.strip() + b"\nendobj\n"
