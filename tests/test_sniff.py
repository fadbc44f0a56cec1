"""Formats come from content, never from the file name."""

from __future__ import annotations

import io
import zipfile

import pytest

from gongkai.extract.errors import EmptyInput, UnsupportedFormat
from gongkai.extract.input.sniff import sniff
from tests.conftest import SHARED


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, d in names.items():
            z.writestr(n, d)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("data", "fmt"),
    [
        ((SHARED / "pdf" / "hongze_2023.pdf").read_bytes(), "pdf"),
        ((SHARED / "docx" / "official_template_2021.docx").read_bytes(), "docx"),
        ((SHARED / "seeds" / "seed001.txt").read_bytes(), "text"),
        ("<html><head><meta charset=gbk></head><body>报告</body></html>".encode("gb18030"), "html"),
        ("一、总体情况\n二、主动公开".encode("gb18030"), "text"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 20, "image"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20, "doc"),
        (_zip({"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<x/>"}), "odt"),
    ],
)
def test_sniff(data, fmt):
    assert sniff(data) == fmt


@pytest.mark.parametrize("data", [b"", b"  \n\t "])
def test_empty(data):
    with pytest.raises(EmptyInput):
        sniff(data)


def test_random_bytes_are_unsupported():
    with pytest.raises(UnsupportedFormat):
        sniff(bytes(range(256)) * 8)
