"""One exception hierarchy; every error has a stable code and tells the user what to do.

Callers branch on ``code`` (or the class), never on message text.
"""

from __future__ import annotations


class GongkaiError(Exception):
    """Base class. ``code`` is stable and machine-readable; the message says what to do."""

    code = "E_INTERNAL"
    hint = "this is a bug in gongkai; please report it with the input file"

    def __init__(self, detail: str = "", *, page: int | None = None, hint: str | None = None):
        self.detail = detail
        self.page = page
        if hint is not None:
            self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        parts = [p for p in (self.detail, self.hint) if p]
        return "; ".join(parts)

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"


class InputError(GongkaiError):
    """The input file cannot be read as a document."""

    code = "E_INPUT"
    hint = "check that the file is a complete PDF, Word, web page, text or image file"


class Unreadable(InputError):
    code = "E_UNREADABLE"
    hint = "check that the path exists, is a regular file (not a folder, pipe or device) and can be read"


class EmptyInput(InputError):
    code = "E_EMPTY"
    hint = "the file is empty or holds only white space; re-download or re-export it"


class CorruptInput(InputError):
    code = "E_CORRUPT"
    hint = "the file is damaged or truncated; re-download it, or repair a PDF with qpdf"


class EncryptedInput(InputError):
    code = "E_ENCRYPTED"
    hint = "decrypt it first: qpdf --decrypt --password=PW in.pdf out.pdf"


class UnsupportedFormat(InputError):
    code = "E_UNSUPPORTED_FORMAT"
    hint = "convert it to PDF, .docx, HTML or plain text first"


class ConverterMissing(InputError):
    code = "E_CONVERTER_MISSING"
    hint = "install LibreOffice (apt-get install libreoffice-writer-nogui) or convert the file to .docx or PDF"


class ConversionFailed(InputError):
    code = "E_CONVERSION_FAILED"
    hint = "open the file in LibreOffice or Word and save it as .docx or PDF"


class NotPageImages(InputError):
    code = "E_NOT_PAGE_IMAGES"
    hint = (
        "several files are read as one report only when each is a photo or scan of one page (PNG/JPEG/TIFF), "
        "in page order; to read several reports, give one file per call, or use gongkai.read_reports([...]) "
        "or `gongkai run`"
    )


class TooLarge(InputError):
    code = "E_TOO_LARGE"
    hint = "the input exceeds a configured limit; raise the limit (see README, Security) if you trust the file"


class NotAReport(GongkaiError):
    code = "E_NOT_A_REPORT"
    hint = (
        "no 政府信息公开工作年度报告 structure (section titles or standard tables) was found; "
        "check the file is an annual report"
    )


class NoTextLayer(GongkaiError):
    code = "E_NO_TEXT"
    hint = "the document has no usable text layer (a scan?); the OCR path is needed for it"


class PageFailed(GongkaiError):
    """Raised inside a reader for one page; the document goes on without it."""

    code = "E_PAGE"
    hint = "this page could not be read; the rest of the document was extracted"


# Codes a reader records on the document and reads on past (``layout.PageError``): the report
# carries them in ``errors``; an E_ code makes it ``partial``, a W_ code is a warning.
TRUNCATED = "E_TRUNCATED"
"""The file ends early (a download cut off): what was there was read; re-download it for the rest."""
REPAIRED = "W_REPAIRED"
"""A PDF's structure was damaged and a repaired copy was read."""
MIXED_ENCODING = "W_MIXED_ENCODING"
"""A text file's lines are in different encodings (two exports joined): each line was decoded on its own."""
