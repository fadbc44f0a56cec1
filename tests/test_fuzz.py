"""Fuzzing the input sniffing and the PDF, Word, web-page and text readers (hypothesis on bytes).

A reader may return a document or raise a coded ``GongkaiError``; anything else (or taking
longer than ``HANG_S``) is a crash. Inputs are random bytes and the shared corpus's real
files mutated by byte flips, truncation, splicing, duplication and deletion (for Word, also
inside the unzipped XML, where a flip is not caught by the zip's checksum).

Bounded time: a fixed number of examples per target, derandomized, so CI sees the same
inputs each run (~30 s on 2 cores). For a longer hunt with fresh inputs:

    GONGKAI_FUZZ_EXAMPLES=2000 GONGKAI_FUZZ_RANDOM=1 pytest -m slow tests/test_fuzz.py

A crash is saved to tests/hostile/regressions/new-<target>.<ext>; rename it after what
broke, fix the bug, and ``test_regression_fixtures`` (fast) replays it from then on.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import signal
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gongkai.extract.errors import GongkaiError
from gongkai.extract.input.readers import read_document
from gongkai.extract.input.sniff import sniff
from gongkai.extract.layout import Document
from gongkai.extract.options import Limits, OcrOptions, Options
from gongkai.extract.pipeline import extract_bytes
from tests.conftest import SHARED
from tests.hostile.make import menu_html, pdf_bytes, text_page

REGRESSIONS = Path(__file__).parent / "hostile" / "regressions"
HANG_S = 20
"""One input taking longer than this in one reader is a hang (the batch would time it out)."""

EXAMPLES = int(os.environ.get("GONGKAI_FUZZ_EXAMPLES", "0")) or None
# OCR is off: the readers' own parsing is the target, and rendering pages would eat the time budget
OPTIONS = Options(limits=Limits(max_pages=20), ocr=OcrOptions(enabled=False))


def _fuzz_settings(n: int) -> settings:
    return settings(
        max_examples=EXAMPLES or n,
        deadline=None,
        derandomize=not os.environ.get("GONGKAI_FUZZ_RANDOM"),
        database=None,
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )


def _seeds() -> dict[str, list[bytes]]:
    texts = [p.read_bytes() for p in sorted((SHARED / "seeds").glob("*.txt"))]
    table = "<table>" + "".join(
        "<tr>" + "".join(f"<td rowspan={r % 3 + 1} colspan={c % 2 + 1}>{r * c}</td>" for c in range(4)) + "</tr>"
        for r in range(4)) + "</table>"
    return {
        "pdf": [
            pdf_bytes([text_page(["Report", "1 2 3"]),
                       b"0 0 m 100 100 l S 10 10 200 50 re f " + text_page(["Table 3 4"])]),
            (SHARED / "pdf" / "hongze_2023.pdf").read_bytes(),
        ],
        "docx": [(SHARED / "docx" / "official_template_2021.docx").read_bytes()],
        "html": [menu_html(), f"<html><body><p>一、总体情况</p>{table}</body></html>".encode("gb18030"),
                 b"<html><body><pre>" + texts[0] + b"</pre></body></html>"],
        "text": texts,
    }


SEEDS = _seeds()


@st.composite
def mutated(draw: st.DrawFn, fmt: str) -> bytes:
    """A seed of ``fmt`` with a few random edits."""
    data = bytearray(draw(st.sampled_from(SEEDS[fmt])))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "truncate", "splice", "duplicate", "delete", "insert"]))
        i = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[i] ^= 1 << draw(st.integers(0, 7))
        elif kind == "truncate":
            del data[max(1, i):]
        elif kind == "splice":  # a piece of another format's seed pasted in
            other = draw(st.sampled_from([s for v in SEEDS.values() for s in v]))
            j = draw(st.integers(0, len(other) - 1))
            data[i:i] = other[j:j + draw(st.integers(1, 4096))]
        elif kind == "duplicate":
            n = draw(st.integers(1, 4096))
            data[i:i] = data[i:i + n]
        elif kind == "delete":
            del data[i:i + draw(st.integers(1, 512))]
        else:
            data[i:i] = draw(st.binary(min_size=1, max_size=64))
    return bytes(data)


@st.composite
def mutated_docx_xml(draw: st.DrawFn) -> bytes:
    """The Word template with its document.xml mutated and re-zipped (checksums then match)."""
    src = SEEDS["docx"][0]
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(src)) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "word/document.xml":
                b = bytearray(body)
                for _ in range(draw(st.integers(1, 6))):
                    i = draw(st.integers(0, len(b) - 1))
                    op = draw(st.sampled_from(["flip", "digit", "delete", "insert"]))
                    if op == "flip":
                        b[i] ^= 1 << draw(st.integers(0, 7))
                    elif op == "digit":  # spans and merges are numbers in attributes
                        b[i:i + 1] = str(draw(st.integers(-5, 10**7))).encode()
                    elif op == "delete":
                        del b[i:i + draw(st.integers(1, 200))]
                    else:
                        b[i:i] = draw(st.sampled_from([b"<w:tbl>", b"</w:tc>", b"<w:tr>", b'<w:gridSpan w:val="9"/>',
                                                       b'<w:vMerge/>', b"<w:sdt><w:sdtContent>", b"&amp;", b"\x00"]))
                body = bytes(b)
            zout.writestr(info.filename, body)
    return out.getvalue()


class Hang(Exception):
    pass


def _alarm(signum, frame):
    raise Hang(f"no result after {HANG_S} s")


def _check(target: str, fn: Callable[[bytes], object], data: bytes, ext: str) -> None:
    """Run ``fn``; coded errors are fine, anything else is saved as a regression fixture and re-raised."""
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(HANG_S)
    try:
        fn(data)
    except GongkaiError:
        pass
    except BaseException as exc:
        if isinstance(exc, KeyboardInterrupt):
            raise
        REGRESSIONS.mkdir(parents=True, exist_ok=True)
        # hypothesis replays the minimal failing example last: that is what stays in the file
        name = REGRESSIONS / f"new-{target}.{ext}"
        name.write_bytes(data)
        raise AssertionError(f"{target} crashed with {type(exc).__name__}: {exc}; input saved as {name}") from exc
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)


def _read(fmt: str) -> Callable[[bytes], Document]:
    return lambda data: read_document(data, fmt, OPTIONS)


def _sniff_then_read(data: bytes) -> None:
    fmt = sniff(data)
    if fmt in ("pdf", "docx", "html", "text"):
        read_document(data, fmt, OPTIONS)


@pytest.mark.slow
@_fuzz_settings(300)
@given(st.one_of(st.binary(max_size=4096), *(mutated(f) for f in SEEDS)))
def test_sniff(data):
    _check("sniff", sniff, data, "bin")


@pytest.mark.slow
@_fuzz_settings(120)
@given(mutated("text"))
def test_text_reader(data):
    _check("text", _read("text"), data, "txt")


@pytest.mark.slow
@_fuzz_settings(120)
@given(mutated("html"))
def test_html_reader(data):
    _check("html", _read("html"), data, "html")


@pytest.mark.slow
@_fuzz_settings(60)
@given(st.one_of(mutated("docx"), mutated_docx_xml()))
def test_docx_reader(data):
    _check("docx", _read("docx"), data, "docx")


@pytest.mark.slow
@_fuzz_settings(25)
@given(mutated("pdf"))
def test_pdf_reader(data):
    _check("pdf", _read("pdf"), data, "pdf")


@pytest.mark.slow
@_fuzz_settings(60)
@given(st.one_of(*(mutated(f) for f in SEEDS)))
def test_sniff_then_reader(data):
    """Whatever the bytes look like, the reader the sniffer picks copes with them."""
    _check("sniffed", _sniff_then_read, data, "bin")


def _whole_pipeline(data: bytes) -> None:
    """Sniffing, reading, mapping, rules, metadata, sections, the narrative and the JSON: a
    failed report with a coded error is fine, an exception or an E_INTERNAL is a crash."""
    report = extract_bytes(data, OPTIONS)
    assert report.status in ("ok", "partial", "failed")
    internal = [e.message for e in report.errors if e.code == "E_INTERNAL"]
    assert not internal, internal
    json.loads(report.to_json())


@pytest.mark.slow
@_fuzz_settings(60)
@given(st.one_of(*(mutated(f) for f in SEEDS), mutated_docx_xml()))
def test_whole_pipeline(data):
    """The readers' output, however strange, goes through everything after them too."""
    _check("pipeline", _whole_pipeline, data, "bin")


@pytest.mark.parametrize("path", sorted(REGRESSIONS.glob("*")) if REGRESSIONS.exists() else [], ids=lambda p: p.name)
def test_regression_fixtures(path):
    """Every input that once crashed a reader: now a coded error or a document."""
    with contextlib.suppress(GongkaiError):
        _sniff_then_read(path.read_bytes())
    _whole_pipeline(path.read_bytes())
