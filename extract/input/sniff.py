"""Decide a file's format from its bytes, never from its name."""

from __future__ import annotations

import zipfile
import zlib
from io import BytesIO

from gongkai.extract.errors import CorruptInput, EmptyInput, UnsupportedFormat
from gongkai.extract.input import decoding, zipsalvage

# Formats the pipeline knows. Readers are chosen by these names.
PDF = "pdf"
DOCX = "docx"
ODT = "odt"
DOC = "doc"  # OLE2 Word / WPS binary: needs LibreOffice
HTML = "html"
TEXT = "text"
IMAGE = "image"
ZIP = "zip"

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_IMAGE_MAGIC = (
    b"\x89PNG\r\n\x1a\n",
    b"\xff\xd8\xff",
    b"II*\x00",
    b"MM\x00*",
    b"GIF87a",
    b"GIF89a",
    b"BM",
)


def sniff(data: bytes) -> str:
    """Name the format of ``data``; raise a coded error when it is none we read."""
    if not data or data.isspace():  # no stripped copy: the input may be 200 MB
        raise EmptyInput("the file is empty")
    head = data[:2048]
    if b"%PDF-" in head[:1024]:
        return PDF
    if head.startswith(_OLE2):
        return DOC
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if any(head.startswith(m) for m in _IMAGE_MAGIC) or head[8:12] == b"WEBP":
        return IMAGE
    if head.startswith(b"{\\rtf"):
        return DOC  # LibreOffice converts RTF too
    lowered = head.lower()
    if any(tag in lowered for tag in (b"<html", b"<!doctype html", b"<body", b"<table", b"<meta", b"<div", b"<p>")):
        return HTML
    if _looks_like_text(data[:65536]):
        return TEXT
    raise UnsupportedFormat("the file is not a PDF, Word, web page, text or image file")


def _sniff_zip(data: bytes) -> str:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            names = set(z.namelist())
            if "word/document.xml" in names:
                return DOCX
            if "mimetype" in names:
                with z.open("mimetype") as f:  # a bounded read: the member may be a bomb
                    mimetype = f.read(64)
                if mimetype.startswith(b"application/vnd.oasis.opendocument.text"):
                    return ODT
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, zlib.error):
        # damaged directories raise all of these; ValueError also for a name flagged UTF-8 that is not.
        # A .docx cut off before its directory still names its parts in their own headers.
        if "word/document.xml" in zipsalvage.local_names(data):
            return DOCX
        raise CorruptInput("the file starts like a zip archive (.docx?) but is damaged or truncated") from None
    return ZIP


def _looks_like_text(sample: bytes) -> bool:
    if b"\x00" in sample.replace(b"\x00\x00", b"") and not sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    for enc in ("utf-8", "gb18030", "utf-16"):
        got = decoding.decode_prefix(sample, enc)  # a sample cut mid-character still counts as text
        if got is not None:
            return _printable(got[0])
    # two exports joined (UTF-8 lines, then GBK ones): text if nearly every line reads in one or the other
    mixed = decoding.decode(sample)
    lines = mixed.text.count("\n") + 1
    return len(mixed.unreadable) <= 0.02 * lines and _printable(mixed.text)


def _printable(text: str) -> bool:
    printable = sum(ch.isprintable() or ch in "\r\n\t" for ch in text)
    return printable >= 0.95 * max(len(text), 1)
