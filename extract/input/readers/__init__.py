"""Format readers: bytes in, a layout ``Document`` out. One function, strategies behind it."""

from __future__ import annotations

from collections.abc import Callable

from gongkai.extract.errors import UnsupportedFormat
from gongkai.extract.input import sniff as fmt
from gongkai.extract.layout import Document
from gongkai.extract.options import Options

Reader = Callable[[bytes, Options], Document]


def _pdf(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.pdf import read_pdf

    return read_pdf(data, options)


def _docx(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.docx import read_docx

    return read_docx(data, options)


def _office(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.docx import read_docx
    from gongkai.extract.input.readers.office import convert_with_libreoffice

    doc = read_docx(convert_with_libreoffice(data, ".doc", options), options)
    doc.format = "doc"
    return doc


def _odt(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.docx import read_docx
    from gongkai.extract.input.readers.office import convert_with_libreoffice

    doc = read_docx(convert_with_libreoffice(data, ".odt", options), options)
    doc.format = "odt"
    return doc


def _html(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.html import read_html

    return read_html(data, options)


def _text(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.text import read_text

    return read_text(data, options)


def _image(data: bytes, options: Options) -> Document:
    from gongkai.extract.input.readers.scan import read_image

    return read_image(data, options)


READERS: dict[str, Reader] = {
    fmt.IMAGE: _image,
    fmt.PDF: _pdf,
    fmt.DOCX: _docx,
    fmt.DOC: _office,
    fmt.ODT: _odt,
    fmt.HTML: _html,
    fmt.TEXT: _text,
}


def read_document(data: bytes, format: str, options: Options) -> Document:
    reader = READERS.get(format)
    if reader is None:
        raise UnsupportedFormat(f"{format} input is not supported yet")
    return reader(data, options)
