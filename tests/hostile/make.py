"""The hostile corpus: broken, lying, absurd and malicious inputs, each with the outcome it is owed.

    python -m tests.hostile.make --out DIR [--huge] [--canary-port N]

writes the files into DIR and their expected outcomes into DIR/manifest.json (one entry per
input: file name, expected status/code/format/cells, which pages must be named as failed).
Everything is made from the repository's own seed reports and a few lines of code, the
same bytes on every run; nothing is downloaded. The small files take about a second to
make; ``--huge`` adds the ones that only a memory test should pay for (a 200 MB text file).

The expectations are the issue's contract, not what the code happened to do: a case whose
outcome changes is a regression to look at, never a manifest line to edit.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import shutil
import struct
import subprocess
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from tests.hostile import damage

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT / "tests" / "corpus" / "shared"
REPORT_PDF = SHARED / "pdf" / "hongze_2024.pdf"
"""5 pages, 186 cells; page 5 holds only section 六 (其他需要报告的事项), no table."""
REPORT_PDF_CELLS = 186
REPORT_TXT = SHARED / "seeds" / "seed000.txt"
REPORT_TXT_CELLS = 200
TEMPLATE_DOCX = SHARED / "docx" / "official_template_2021.docx"
CANARY = "GONGKAI-CANARY-3f9c1e"
"""Written to canary.json; an entity that names that file must never bring this text into a report."""
CANARY_PORT = 47291
"""The port an external entity points at; the test listens there and expects no connection."""


@dataclass
class Expect:
    """What gongkai owes one input, in ``extract`` and in ``run``."""

    status: list[str]
    """Allowed statuses (a repaired file may come out ok or partial)."""
    code: str | None = None
    """For a failed report: the first error's code. Otherwise a code that must be among the errors."""
    format: str | None = None
    """The sniffed format (the content's, whatever the name says)."""
    cells: int | None = 0
    """Exact number of cells; 0 for anything that is not a report (no fabricated cells)."""
    failed_pages: list[int] = field(default_factory=list)
    """Pages that must be named in E_PAGE errors."""
    message: str | None = None
    """A substring the first error's message must hold (the hint that tells the user what to do)."""
    run_code: str | None = None
    """Where ``run`` rightly differs from ``extract`` (e.g. a zip archive is unpacked by run)."""
    truth: str | None = None
    """A damaged copy of this file (path from the repository root): every cell read must hold the value
    the intact file gives (nothing fabricated from the damage)."""
    whole_tables: list[str] = field(default_factory=list)
    """Tables of ``truth`` that lie wholly before the damage: every one of their cells must be read."""
    findings: list[str] = field(default_factory=list)
    """Rule prefixes that must be among the findings ("missing." for what a cut file lost)."""


@dataclass
class Case:
    file: str
    """Name in the corpus folder (odd on purpose for the naming cases)."""
    why: str
    expect: Expect
    special: str | None = None
    """fifo | device-link | dangling-link | directory: not a regular file."""
    name_hex: str | None = None
    """For a name that is not UTF-8: the raw bytes of the name, hex (``file`` is then a readable stand-in)."""
    members: dict[str, Expect] | None = None
    """For a zip archive: what ``run`` owes each member."""
    args: list[str] = field(default_factory=list)
    """Extra `gongkai extract` options (a raised limit, to show the file is then processed in bounded memory)."""


# -- building blocks ----------------------------------------------------------------------


def pdf_bytes(pages: list[bytes], box: tuple[float, float] = (595, 842), compress: bool = False) -> bytes:
    """A PDF whose pages run the given content streams with Helvetica as /F1 (no dependencies)."""
    n = len(pages)
    objs: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [" + b" ".join(b"%d 0 R" % (4 + 2 * i) for i in range(n)) + b"] /Count %d >>" % n,
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    for i, content in enumerate(pages):
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %g %g] /Contents %d 0 R /Resources << /Font << /F1 3 0 R >> >> >>"
            % (box[0], box[1], 5 + 2 * i)
        )
        body = zlib.compress(content, 9) if compress else content
        flt = b" /Filter /FlateDecode" if compress else b""
        objs.append(b"<< /Length %d%s >>\nstream\n" % (len(body), flt) + body + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objs, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objs) + 1, xref)
    return bytes(out)


def text_page(lines: list[str]) -> bytes:
    return ("BT /F1 12 Tf 72 760 Td 16 TL " + " ".join(f"({ln}) '" for ln in lines) + " ET").encode("latin-1")


def _qpdf(*args: str) -> None:
    subprocess.run(["qpdf", *args], check=True, capture_output=True)


def encrypted_pdf(user_password: str) -> bytes:
    """The seed report encrypted with AES-256; an empty user password means owner restrictions only."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out.pdf"
        _qpdf("--encrypt", user_password, "owner-secret", "256", "--modify=none", "--extract=n", "--",
              str(REPORT_PDF), str(out))
        return out.read_bytes()


def corrupt_page_pdf(page: int) -> bytes:
    """The seed report with every font of one page replaced by a malformed Type0 font dictionary.

    pdfium and the page tree are fine with it, so the document opens; pdfminer fails on that
    page's text only: the other pages must still be read, and the bad one named.
    """
    import re

    with tempfile.TemporaryDirectory() as tmp:
        qdf, fixed = Path(tmp) / "r.qdf", Path(tmp) / "r.pdf"
        _qpdf("--qdf", "--object-streams=disable", str(REPORT_PDF), str(qdf))
        data = qdf.read_bytes()
        start = data.index(b"%% Page %d\n" % page)
        end = data.index(b"endobj", start)
        obj = re.sub(rb"(/FT\w+) \d+ 0 R", rb"\1 << /Type /Font /Subtype /Type0 /DescendantFonts 3 >>", data[start:end])
        qdf.write_bytes(data[:start] + obj + data[end:])
        with fixed.open("wb") as f:
            subprocess.run(["fix-qdf", str(qdf)], stdout=f, check=True)
        return fixed.read_bytes()


def damaged_xref_pdf() -> bytes:
    data = REPORT_PDF.read_bytes()
    start = data.rindex(b"startxref")
    return data[:start] + b"startxref\n999999\n%%EOF\n"


def bad_mediabox_pdf() -> bytes:
    """A page whose /MediaBox holds strings: pdfium reads the page as US Letter, pdfplumber refuses it."""
    pages = [text_page(["Page one"]), text_page(["Page two"])]
    return pdf_bytes(pages).replace(b"/MediaBox [0 0 595 842]", b"/MediaBox [(a) (b) (c) (d)]", 1)


def png_bytes(width: int, height: int) -> bytes:
    """A white greyscale PNG written by hand, streamed through zlib so a huge one costs little memory."""
    row = b"\x00" + b"\xff" * width
    per = max(1, (8 << 20) // len(row))
    full, rest = divmod(height, per)
    # raw deflate blocks ended by a full flush start afresh: one compressed batch repeats as is
    comp = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = comp.compress(row * per) + comp.flush(zlib.Z_FULL_FLUSH)
    adler = 1
    for _ in range(full):
        adler = zlib.adler32(row * per, adler)
    tail = comp.compress(row * rest) + comp.flush()
    adler = zlib.adler32(row * rest, adler)
    idat = b"\x78\xda" + block * full + tail + struct.pack(">I", adler)

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


def menu_png() -> bytes:
    """A photo-like picture of a lunch menu: an image, whatever its name says."""
    from PIL import Image, ImageDraw

    im = Image.new("L", (640, 360), 255)
    d = ImageDraw.Draw(im)
    for i, line in enumerate(["LUNCH MENU", "Noodles 12", "Dumplings 18", "Tea 4"]):
        d.text((40, 40 + 60 * i), line, fill=0)
    buf = io.BytesIO()
    im.save(buf, format="PNG")
    return buf.getvalue()


def _docx_with(document_xml: bytes, extra: dict[str, bytes] | None = None) -> bytes:
    """The official template's package with its body replaced (all other parts kept)."""
    buf = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE_DOCX) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = document_xml if info.filename == "word/document.xml" else zin.read(info)
            zout.writestr(info.filename, body)
        for name, body in (extra or {}).items():
            zout.writestr(name, body)
    return buf.getvalue()


_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _body(paragraphs: list[str], doctype: str = "", tables: str = "") -> bytes:
    paras = "".join(f"<w:p><w:r><w:t>{p}</w:t></w:r></w:p>" for p in paragraphs)
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n{doctype}'
            f"<w:document {_W}><w:body>{paras}{tables}</w:body></w:document>").encode()


def guide_docx() -> bytes:
    """A 政府信息公开指南: the archives' commonest non-report, full of the reports' own words."""
    rows = [("公开方式", "件数"), ("政府网站", "12"), ("政务新媒体", "3"), ("合计", "15")]
    tbl = "<w:tbl>" + "".join(
        "<w:tr>" + "".join(f"<w:tc><w:p><w:r><w:t>{c}</w:t></w:r></w:p></w:tc>" for c in r) + "</w:tr>" for r in rows
    ) + "</w:tbl>"
    paras = [
        "某县人民政府政府信息公开指南",
        "一、主动公开",
        "本机关主动公开的政府信息，通过政府网站、政务新媒体等途径公开。",
        "二、依申请公开",
        "公民、法人或者其他组织可以向本机关申请获取相关政府信息。申请人情况包括自然人、商业企业等。",
        "三、监督和救济",
        "申请人认为本机关侵犯其合法权益的，可以依法申请行政复议或者提起行政诉讼。",
    ]
    return _docx_with(_body(paras, tables=tbl))


def zip_bomb_docx(inflated: int) -> bytes:
    """word/document.xml inflates to ``inflated`` bytes, and says so in the zip directory."""
    buf = io.BytesIO()
    with zipfile.ZipFile(TEMPLATE_DOCX) as zin, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            if info.filename != "word/document.xml":
                zout.writestr(info.filename, zin.read(info))
        info = zipfile.ZipInfo("word/document.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zout.open(info, "w") as f:
            head = _body(["x"])[:-len("</w:body></w:document>")]
            f.write(head)
            chunk = b" " * (1 << 20)
            for _ in range(inflated // len(chunk)):
                f.write(chunk)
            f.write(b"</w:body></w:document>")
    return buf.getvalue()


def lying_zip_bomb_docx() -> bytes:
    """The zip directory claims word/document.xml is 1 kB; it inflates to 300 MB."""
    data = bytearray(zip_bomb_docx(300 * 1024 * 1024))
    # patch the sizes of that member in its local header and in the central directory
    name = b"word/document.xml"
    for sig, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        pos = 0
        while (pos := data.find(sig, pos)) >= 0:
            name_len = struct.unpack_from("<H", data, pos + (26 if sig == b"PK\x03\x04" else 28))[0]
            name_at = pos + (30 if sig == b"PK\x03\x04" else 46)
            if data[name_at:name_at + name_len] == name:
                struct.pack_into("<I", data, pos + size_at, 1024)
            pos += 4
    return bytes(data)


def _lol(n: int) -> str:
    ents = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, n)]
    return "<!DOCTYPE lolz [" + "".join(ents) + "]>"


def billion_laughs_docx() -> bytes:
    return _docx_with(_body(["&lol9;"], doctype=_lol(10)))


def xxe_docx(canary_path: Path, port: int) -> bytes:
    doctype = (f'<!DOCTYPE w:document [<!ENTITY xxe SYSTEM "file://{canary_path}">'
               f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/docx">]>')
    return _docx_with(_body(["一、总体情况", "&xxe;", "&net;"], doctype=doctype))


def billion_laughs_html() -> bytes:
    return (f'<?xml version="1.0"?>\n{_lol(10)}\n<html><body><p>&lol9;</p></body></html>').encode()


def billion_laughs_xml() -> bytes:
    return (f'<?xml version="1.0"?>\n{_lol(10)}\n<lolz>&lol9;</lolz>\n').encode()


def xxe_html(canary_path: Path, port: int) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file://{canary_path}">'
        f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/html">]>\n'
        f'<html><head><link rel="stylesheet" href="http://127.0.0.1:{port}/css">'
        f'<script src="http://127.0.0.1:{port}/js"></script></head>'
        f'<body><p>一、总体情况</p><p>&xxe;</p><p>&net;</p><img src="http://127.0.0.1:{port}/img">'
        f'<iframe src="file://{canary_path}"></iframe></body></html>'
    ).encode()


def xxe_xml(canary_path: Path, port: int) -> bytes:
    return (f'<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file://{canary_path}">'
            f'<!ENTITY net SYSTEM "http://127.0.0.1:{port}/xml">]>\n<r>&xxe;&net;</r>\n').encode()


def linked_odt(port: int) -> bytes:
    """An OpenDocument text whose image and section are links: LibreOffice fetches such links on load."""
    ns = ('xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
          'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" '
          'xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0" xmlns:xlink="http://www.w3.org/1999/xlink" '
          'xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0"')
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {ns} office:version="1.2"><office:body>'
        "<office:text><text:p>一、总体情况</text:p><text:p><draw:frame svg:width=\"2cm\" svg:height=\"2cm\">"
        f'<draw:image xlink:href="http://127.0.0.1:{port}/odt.png" xlink:type="simple" xlink:show="embed" '
        'xlink:actuate="onLoad"/></draw:frame></text:p><text:section text:name="S">'
        f'<text:section-source xlink:href="http://127.0.0.1:{port}/odt-section.odt" xlink:type="simple"/>'
        "</text:section></office:text></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
        'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0">'
        '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.text"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>'
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        z.writestr("content.xml", content)
        z.writestr("META-INF/manifest.xml", manifest)
    return buf.getvalue()


def span_bomb_html() -> bytes:
    """A 200 kB page whose cells claim huge row and column spans (a grid of billions of slots)."""
    row = "<tr>" + '<td rowspan="100000" colspan="100000">1</td>' * 60 + "</tr>"
    return ("<html><body><p>三、收到和处理政府信息公开申请情况</p><table>" + row * 60 + "</table></body></html>").encode()


def span_bomb_docx() -> bytes:
    """Word cells that claim a million grid columns each."""
    cells = '<w:tc><w:tcPr><w:gridSpan w:val="1000000"/></w:tcPr><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>'
    tbl = "<w:tbl>" + ("<w:tr>" + cells * 40 + "</w:tr>") * 40 + "</w:tbl>"
    return _docx_with(_body(["三、收到和处理政府信息公开申请情况"], tables=tbl))


def nested_tables_docx(depth: int) -> bytes:
    """Tables nested ``depth`` deep, one cell each: a few kB."""
    inner = "<w:p><w:r><w:t>1</w:t></w:r></w:p>"
    for _ in range(depth):
        inner = f"<w:tbl><w:tr><w:tc>{inner}<w:p/></w:tc></w:tr></w:tbl>"
    return _docx_with(_body(["一、总体情况"], tables=inner))


def element_bomb_docx(paragraphs: int) -> bytes:
    """Empty paragraphs, 6 bytes each, compressing ~1000:1: lxml would spend ~150 bytes on each."""
    return _docx_with(_body([]).replace(b"<w:body>", b"<w:body>" + b"<w:p/>" * paragraphs))


def deep_html(depth: int) -> bytes:
    return ("<html><body>" + "<div>" * depth + "一、总体情况" + "</div>" * depth + "</body></html>").encode()


def menu_html() -> bytes:
    rows = "".join(f"<tr><td>{a}</td><td>{b}</td><td>{c}</td></tr>" for a, b, c in [
        ("菜品", "份数", "价格"), ("牛肉面", "1", "18"), ("小笼包", "2", "12"), ("合计", "3", "30")])
    return (
        "<html><head><meta charset='gbk'><title>食堂菜单</title></head><body><h1>机关食堂本周菜单</h1>"
        f"<table border=1>{rows}</table><p>总计：30元</p></body></html>"
    ).encode("gbk")


def huge_text(size: int, newline: str = "\n") -> Callable[[Path], None]:
    """A text file of ``size`` bytes of report-like lines (or one line, newline=""), written in chunks."""

    def write(path: Path) -> None:
        line = f"一、总体情况 本机关全年主动公开政府信息1234条，其中规章0件。{newline}".encode()
        block = line * ((1 << 20) // len(line) + 1)
        with path.open("wb") as f:
            left = size
            while left > 0:
                f.write(block[:left])
                left -= len(block)

    return write


def big_page_count_pdf(n: int) -> bytes:
    return pdf_bytes([text_page([f"Page {i + 1}"]) for i in range(n)], compress=True)


def giant_page_pdf() -> bytes:
    """A 200 x 200 inch page (PDF's largest) that is one grey picture: OCR at 200 dpi would render 1.6 Gpx."""
    return pdf_bytes([b"q 14400 0 0 14400 0 0 cm BI /W 2 /H 2 /CS /G /BPC 8 ID \x80\x80\x80\x80 EI Q"], box=(14400, 14400))


def char_bomb_pdf(thousands: int = 2000) -> bytes:
    """A few kB that draw ``thousands`` x 1000 glyphs on one page (a compressed content stream)."""
    run = b"(" + b"A" * 1000 + b") Tj "
    return pdf_bytes([b"BT /F1 1 Tf 10 10 Td " + run * thousands + b"ET"], compress=True)


def zip_slip_archive() -> bytes:
    """Member names that would climb out of any folder they were unpacked into."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("../../escaped-report.txt", REPORT_TXT.read_bytes())
        z.writestr("/tmp/absolute-report.txt", REPORT_TXT.read_bytes())
        z.writestr("sub/../../../dots.txt", b"")
    return buf.getvalue()


# -- the corpus ----------------------------------------------------------------------------


def cases(canary_path: Path, port: int, huge: bool, small: bool = True) -> list[tuple[Case, bytes | Callable[[Path], None] | None]]:
    """Every case with its content (bytes, a writer for huge files, or None for special files)."""
    rng = random.Random(6)
    report = REPORT_PDF.read_bytes()
    text = REPORT_TXT.read_bytes()
    ok_pdf = Expect(["ok"], format="pdf", cells=REPORT_PDF_CELLS)
    ok_txt = Expect(["ok"], format="text", cells=REPORT_TXT_CELLS)
    not_report = "E_NOT_A_REPORT"
    guide, guide_bytes = Expect(["failed"], not_report, "docx"), guide_docx()
    out: list[tuple[Case, bytes | Callable[[Path], None] | None]] = [
        # broken
        (Case("empty.pdf", "zero bytes", Expect(["failed"], "E_EMPTY", message="re-download")), b""),
        (Case("whitespace.txt", "only blanks and newlines", Expect(["failed"], "E_EMPTY")), b"  \r\n\t \n\x0c  "),
        (Case("truncated.pdf", "the first 40 kB of a report: page 1 is recovered, its fonts are not",
              Expect(["failed"], "E_TRUNCATED", "pdf", message="re-download")), report[:40000]),
        (Case("truncated.docx", "the first half of a Word file: the start of its body is read",
              Expect(["partial"], "E_TRUNCATED", "docx", cells=None, truth=_rel(TEMPLATE_DOCX),
                     whole_tables=["active_disclosure"], findings=["missing."])),
         TEMPLATE_DOCX.read_bytes()[:11000]),
        (Case("random.bin", "random bytes", Expect(["failed"], "E_UNSUPPORTED_FORMAT")), rng.randbytes(65536)),
        (Case("header-only.pdf", "a PDF header and nothing else", Expect(["failed"], "E_CORRUPT", "pdf")),
         b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        # passwords
        (Case("user-password.pdf", "needs a password to open",
              Expect(["failed"], "E_ENCRYPTED", "pdf", message="qpdf --decrypt")), encrypted_pdf("open-sesame")),
        (Case("owner-password.pdf", "restrictions only: opens without a password", ok_pdf), encrypted_pdf("")),
        # damage that can be repaired or contained
        (Case("damaged-xref.pdf", "startxref points nowhere: pdfium rebuilds the xref",
              Expect(["ok", "partial"], "W_REPAIRED", "pdf", cells=REPORT_PDF_CELLS)), damaged_xref_pdf()),
        (Case("corrupt-page-5.pdf", "one page's fonts are malformed; the other four are fine",
              Expect(["partial"], "E_PAGE", "pdf", cells=REPORT_PDF_CELLS, failed_pages=[5])), corrupt_page_pdf(5)),
        (Case("bad-mediabox.pdf", "a page box of strings: pdfium repairs it, the text is not a report",
              Expect(["failed"], not_report, "pdf")), bad_mediabox_pdf()),
        # lying names
        (Case("menu-photo.pdf", "a PNG named .pdf", Expect(["failed"], not_report, "image")), menu_png()),
        (Case("report.docx", "a PDF named .docx", ok_pdf), report),
        (Case("template.pdf", "a .docx named .pdf (the blank official template)",
              Expect(["ok"], format="docx", cells=200)), TEMPLATE_DOCX.read_bytes()),
        (Case("report.html", "a text export named .html", ok_txt), text),
        # valid documents that are not reports
        (Case("menu.html", "a canteen menu with a priced table", Expect(["failed"], not_report, "html")), menu_html()),
        (Case("disclosure-guide.docx", "a 政府信息公开指南: report words, a numeric table, not a report", guide),
         guide_bytes),
        (Case("manual.pdf", "two pages of a product manual",
              Expect(["failed"], not_report, "pdf")),
         pdf_bytes([text_page(["User manual", "1. Install", "2. Run: 3 steps"]), text_page(["Table 1", "A 1 2 3"])])),
        (Case("blank-page.pdf", "one empty page", Expect(["failed"], not_report, "pdf")), pdf_bytes([b""])),
        # resource attacks
        (Case("zip-bomb.docx", "document.xml inflates to 120 MB (says so in the zip directory)",
              Expect(["failed"], "E_TOO_LARGE", "docx")), zip_bomb_docx(120 * 1024 * 1024)),
        (Case("zip-bomb-lying.docx", "the zip directory claims 1 kB for a 300 MB member",
              Expect(["failed"], "E_CORRUPT", "docx")), lying_zip_bomb_docx()),
        (Case("bomb.png", "10000 x 10000 pixels in 100 kB", Expect(["failed"], "E_TOO_LARGE", "image")),
         png_bytes(10000, 10000)),
        (Case("pages-400.pdf", "400 pages (the default limit is 300)", Expect(["failed"], "E_TOO_LARGE", "pdf")),
         big_page_count_pdf(400)),
        (Case("giant-page.pdf", "a 200-inch page holding one picture: OCR would render 1.6 Gpx",
              Expect(["failed"], not_report, "pdf")), giant_page_pdf()),
        (Case("char-bomb.pdf", "two million glyphs on one page from a few kB",
              Expect(["failed"], "E_TOO_LARGE", "pdf")), char_bomb_pdf()),
        (Case("billion-laughs.docx", "nested entities in document.xml: libxml2 refuses the amplification",
              Expect(["failed"], "E_CORRUPT", "docx")),
         billion_laughs_docx()),
        (Case("billion-laughs.html", "nested entities in an XHTML page", Expect(["failed"], not_report, "html")),
         billion_laughs_html()),
        (Case("billion-laughs.xml", "nested entities in plain XML (read as text)",
              Expect(["failed"], not_report, "text")), billion_laughs_xml()),
        (Case("xxe.docx", "external entities (file and network) in document.xml",
              Expect(["failed"], not_report, "docx")), xxe_docx(canary_path, port)),
        (Case("xxe.html", "external entities, remote stylesheet, script, image and iframe",
              Expect(["failed"], not_report, "html")), xxe_html(canary_path, port)),
        (Case("xxe.xml", "external entities in plain XML (read as text)",
              Expect(["failed"], not_report, "text")), xxe_xml(canary_path, port)),
        (Case("linked-image.odt", "an image and a section linked by URL (LibreOffice loads links)",
              Expect(["failed"], not_report, "odt")), linked_odt(port)),
        (Case("ole-junk.doc", "an OLE2 header and random bytes", Expect(["failed"], not_report, "doc")),
         b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + rng.randbytes(4096)),
        (Case("span-bomb.html", "cells with rowspan/colspan 100000", Expect(["failed"], "E_TOO_LARGE", "html")),
         span_bomb_html()),
        (Case("span-bomb.docx", "cells with gridSpan 1000000", Expect(["failed"], not_report, "docx")),
         span_bomb_docx()),
        (Case("element-bomb.docx", "16 million empty paragraphs in 100 kB", Expect(["failed"], "E_TOO_LARGE", "docx")),
         element_bomb_docx(16_000_000)),
        (Case("nested-tables.docx", "tables nested 40 deep", Expect(["failed"], not_report, "docx")),
         nested_tables_docx(40)),
        (Case("deep.html", "divs nested 100000 deep", Expect(["failed"], not_report, "html")), deep_html(100000)),
        # odd names (the content is a good report)
        # (two hold a good report; the others a non-report, which fails fast and is just as much this file)
        (Case("it's a \"quoted\"  `guide` $HOME.docx", "spaces, quotes, a backtick, a dollar", guide), guide_bytes),
        (Case("淮安市洪泽区2024年政府信息公开工作年度报告" + "年" * 56 + ".pdf",
              "Chinese, 245 bytes long (the file system allows 255)", ok_pdf), report),
        (Case("--help.docx", "a leading dash: looks like an option", guide), guide_bytes),
        (Case("new\nline <img src=x onerror=alert(1)>.docx", "a newline and markup in the name", guide), guide_bytes),
        (Case("gbk-name.txt", "a name that is not UTF-8 (GBK bytes, as unpacked from an old archive)", ok_txt,
              name_hex=b"gbk-".hex() + "报告".encode("gbk").hex() + b".txt".hex()), text),
        # not regular files
        (Case("fifo.pdf", "a named pipe: opening it would block forever",
              Expect(["failed"], "E_UNREADABLE"), special="fifo"), None),
        (Case("zero.pdf", "a symlink to /dev/zero: reading it never ends",
              Expect(["failed"], "E_UNREADABLE"), special="device-link"), None),
        (Case("folder.pdf", "a folder with a report's name", Expect(["failed"], "E_UNREADABLE", run_code="-"),
              special="directory"), None),
        (Case("slip.zip", "a zip archive whose member names climb out of any folder",
              Expect(["failed"], "E_UNSUPPORTED_FORMAT", "zip"),
              members={"../../escaped-report.txt": ok_txt, "/tmp/absolute-report.txt": ok_txt,
                       "sub/../../../dots.txt": Expect(["failed"], "E_EMPTY")}), zip_slip_archive()),
    ]
    out += recoverable()
    if not small:
        out = []
    if huge:
        out += [
            (Case("huge-200mb.txt", "200 MB of report-like text (2.9 million lines)",
                  Expect(["failed"], "E_TOO_LARGE", "text")), huge_text(200 * 1000 * 1000)),
            (Case("one-line-190mb.txt", "190 MB of text without a line break",
                  Expect(["failed"], "E_TOO_LARGE", "text")), huge_text(190 * 1000 * 1000, newline="")),
            (Case("bomb-900mpx.png", "30000 x 30000 pixels in 1 MB", Expect(["failed"], "E_TOO_LARGE", "image")),
             png_bytes(30000, 30000)),
            (Case("pages-400-allowed.pdf", "400 pages read with --max-pages 1000: processed, one page at a time",
                  Expect(["failed"], not_report, "pdf"), args=["--max-pages", "1000"]), big_page_count_pdf(400)),
            (Case("tags-48mb.html", "six million paragraphs (lxml would take ~2 GB)",
                  Expect(["failed"], "E_TOO_LARGE", "html")),
             b"<html><body>" + b"<p>1</p>" * 6_000_000 + b"</body></html>"),
            (Case("char-bomb-20m.pdf", "twenty million glyphs on one page from 40 kB",
                  Expect(["failed"], "E_TOO_LARGE", "pdf")), char_bomb_pdf(20_000)),
        ]
    return out


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT))


GENERATED = ROOT / "tests" / "corpus" / "generated"
TABLES = ["active_disclosure", "applications", "review_litigation"]


def recoverable() -> list[tuple[Case, bytes]]:
    """Damaged files that some reader recovers (tests/hostile/damage.py), several of each kind from
    several reports: read, never refused; ``partial`` with ``missing.*`` findings where a part is lost."""
    pdf = {n: SHARED / "pdf" / f"{n}.pdf" for n in ("hongze_2023", "hongze_2024", "huaian_2024")}
    gen = {n: GENERATED / f"gen_{n:03d}" for n in (0, 1, 2, 3, 4, 5, 6, 7)}
    seeds = {n: SHARED / "seeds" / f"seed{n:03d}.txt" for n in range(5)}

    def repaired(name: str, why: str, src: Path, data: bytes, fmt: str = "pdf", code: str = "W_REPAIRED"):
        # every cell of the intact file, with its value, and no other
        return Case(name, why, Expect(["ok"], code, fmt, cells=None, truth=_rel(src), whole_tables=TABLES)), data

    def cut(name: str, why: str, src: Path, data: bytes, fmt: str, whole: list[str], code: str | None = "E_TRUNCATED"):
        lost = [] if whole == TABLES else ["missing."]  # a table the cut runs through is reported missing
        return Case(name, why, Expect(["partial"], code, fmt, cells=None, truth=_rel(src), whole_tables=whole,
                                      findings=lost)), data

    def b(path: Path, suffix: str = "") -> bytes:
        return Path(f"{path}{suffix}").read_bytes()

    return [
        # PDF structure: xref offsets, the xref itself, object streams, stream lengths
        repaired("xref-shifted-huaian.pdf", "300 bytes inserted after the header: every xref offset is off",
                 pdf["huaian_2024"], damage.shifted_objects(b(pdf["huaian_2024"]))),
        repaired("xref-shifted-hongze2023.pdf", "517 bytes inserted after the header (an xref stream)",
                 pdf["hongze_2023"], damage.shifted_objects(b(pdf["hongze_2023"]), 517)),
        repaired("xref-table-shifted-gen000.pdf", "classic xref offsets +300: pdfminer opens it with 0 pages",
                 gen[0].with_suffix(".pdf"), damage.shifted_xref_table(b(gen[0], ".pdf"))),
        repaired("xref-table-shifted-gen003.pdf", "classic xref offsets -120", gen[3].with_suffix(".pdf"),
                 damage.shifted_xref_table(b(gen[3], ".pdf"), -120)),
        repaired("xref-missing-hongze2023.pdf", "the xref stream (and with it the trailer) blanked out",
                 pdf["hongze_2023"], damage.missing_xref(b(pdf["hongze_2023"]))),
        repaired("xref-missing-gen004.pdf", "the xref table and trailer blanked out", gen[4].with_suffix(".pdf"),
                 damage.missing_xref(b(gen[4], ".pdf"))),
        repaired("objstm-count-hongze2024.pdf", "an object stream claiming 5 objects more than it holds",
                 pdf["hongze_2024"], damage.object_stream_count_wrong(b(pdf["hongze_2024"]))),
        repaired("objstm-count-gen007.pdf", "an object stream claiming 5 objects more than it holds",
                 gen[7].with_suffix(".pdf"), damage.object_stream_count_wrong(b(gen[7], ".pdf"))),
        repaired("objstm-no-xref-huaian.pdf", "object streams and no xref stream to find their objects by",
                 pdf["huaian_2024"], damage.object_streams_without_xref(b(pdf["huaian_2024"]))),
        repaired("objstm-no-xref-gen004.pdf", "object streams and no xref stream to find their objects by",
                 gen[4].with_suffix(".pdf"), damage.object_streams_without_xref(b(gen[4], ".pdf"))),
        repaired("length-long-hongze2024.pdf", "every direct /Length 37 bytes too long (the xref stream's too)",
                 pdf["hongze_2024"], damage.bad_lengths(b(pdf["hongze_2024"]))),
        repaired("length-short-huaian.pdf", "every direct /Length 23 bytes short: pdfminer would lose the rest",
                 pdf["huaian_2024"], damage.bad_lengths(b(pdf["huaian_2024"]), -23)),
        repaired("length-long-gen001.pdf", "the font streams' /Length 37 bytes too long", gen[1].with_suffix(".pdf"),
                 damage.bad_lengths(b(gen[1], ".pdf"))),
        # cut off: PDF, web page, Word, text
        cut("cut-90-hongze2024.pdf", "the last 10 %: every table page is there, the trailer is not",
            pdf["hongze_2024"], damage.cut(b(pdf["hongze_2024"]), 0.9), "pdf", TABLES),
        cut("cut-80-huaian.pdf", "the last 20 %: the pages with the tables are lost", pdf["huaian_2024"],
            damage.cut(b(pdf["huaian_2024"]), 0.8), "pdf", []),
        cut("cut-70-hongze2023.pdf", "the last 30 %: only the title page is left", pdf["hongze_2023"],
            damage.cut(b(pdf["hongze_2023"]), 0.7), "pdf", []),
        cut("cut-99-gen001.pdf", "the last 1 %: the trailer and the end of the catalog", gen[1].with_suffix(".pdf"),
            damage.cut(b(gen[1], ".pdf"), 0.99), "pdf", TABLES),
        (Case("cut-80-gen000.pdf", "LibreOffice writes the pages last: cut at 80 % no reader finds a page",
              Expect(["failed"], "E_CORRUPT", "pdf", message="re-download")), damage.cut(b(gen[0], ".pdf"), 0.8)),
        cut("cut-table2-gen000.html", "a UTF-8 page cut inside a character half-way through table 2",
            gen[0].with_suffix(".html"), damage.cut_in_table(b(gen[0], ".html"), 1), "html", TABLES[:1]),
        cut("cut-table3-gen002.html", "a GB2312 page cut inside a character half-way through table 3",
            gen[2].with_suffix(".html"), damage.cut_in_table(b(gen[2], ".html"), 2, "gb18030"), "html", TABLES[:2]),
        cut("cut-table2-gen006.html", "a GBK page cut inside a character half-way through table 2",
            gen[6].with_suffix(".html"), damage.cut_in_table(b(gen[6], ".html"), 1, "gb18030"), "html", TABLES[:1]),
        cut("cut-table3-row-gen004.html", "a page cut after a row of table 3 (no </html>)",
            gen[4].with_suffix(".html"), damage.cut_in_table(b(gen[4], ".html"), 2, None), "html", TABLES[:2]),
        cut("cut-body-40-gen000.docx", "cut 40 % into word/document.xml: no zip directory, half a body",
            gen[0].with_suffix(".docx"), damage.cut_in_body(b(gen[0], ".docx"), 0.4), "docx", TABLES[:1]),
        cut("cut-body-70-gen005.docx", "cut 70 % into word/document.xml", gen[5].with_suffix(".docx"),
            damage.cut_in_body(b(gen[5], ".docx"), 0.7), "docx", TABLES[:1]),
        repaired("cut-after-body-gen001.docx", "cut after its body: the zip directory is lost, the text is not",
                 gen[1].with_suffix(".docx"), damage.cut(b(gen[1], ".docx"), 0.6), "docx"),
        cut("cut-char-seed000.txt", "UTF-8 text cut inside a character in table 3", seeds[0],
            damage.cut_inside_character(b(seeds[0]), 0.55), "text", TABLES[:1]),
        cut("cut-char-gbk-seed003.txt", "GBK text cut inside a character in table 4", seeds[3],
            damage.cut_inside_character(b(seeds[3]).decode().encode("gb18030"), 0.7, "gb18030"), "text",
            TABLES[:2]),
        cut("cut-line-seed001.txt", "text cut at a line end in table 3: nothing says it was cut but what is missing",
            seeds[1], damage.cut_at_line(b(seeds[1]), 0.5), "text", TABLES[:1], code=None),
        # encodings that change part-way
        repaired("mixed-utf8-gbk-seed001.txt", "lines 1-30 UTF-8, the rest GBK (two exports joined)", seeds[1],
                 damage.mixed_encodings(b(seeds[1]).decode(), [(0, "utf-8"), (30, "gb18030")]), "text",
                 "W_MIXED_ENCODING"),
        repaired("mixed-gbk-utf8-seed002.txt", "lines 1-40 GBK, the rest UTF-8 (GB18030 alone reads it as mojibake)",
                 seeds[2], damage.mixed_encodings(b(seeds[2]).decode(), [(0, "gb18030"), (40, "utf-8")]), "text",
                 "W_MIXED_ENCODING"),
        repaired("mixed-block-seed004.txt", "UTF-8 with lines 101-160 in GBK", seeds[4],
                 damage.mixed_encodings(b(seeds[4]).decode(), [(0, "utf-8"), (100, "gb18030"), (160, "utf-8")]),
                 "text", "W_MIXED_ENCODING"),
    ]


def make(out: Path, huge: bool = False, port: int = CANARY_PORT, small: bool = True) -> list[Case]:
    """Write the corpus (the small files, the huge ones or both) and ``manifest.json`` into ``out``."""
    out.mkdir(parents=True, exist_ok=True)
    canary = out / "canary.json"  # .json: folder walks skip it, it is not an input
    canary.write_text(json.dumps(CANARY))
    made = []
    for case, content in cases(canary.resolve(), port, huge, small):
        path = out / case.file if case.name_hex is None else Path(os.fsdecode(out)) / os.fsdecode(
            bytes.fromhex(case.name_hex))
        if path.exists() or path.is_symlink():
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
        if case.special == "fifo":
            os.mkfifo(path)
        elif case.special == "device-link":
            path.symlink_to("/dev/zero")
        elif case.special == "directory":
            path.mkdir()
            (path / "loop").symlink_to("..")  # a symlink loop: walks must end, each file once
        elif callable(content):
            content(path)
        else:
            assert content is not None
            path.write_bytes(content)
        made.append(case)
    manifest = [asdict(c) for c in made]
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return made


def load_manifest(folder: Path) -> list[Case]:
    cases_ = []
    for d in json.loads((folder / "manifest.json").read_text("utf-8")):
        members = {k: Expect(**v) for k, v in (d.pop("members") or {}).items()} or None
        cases_.append(Case(**{**d, "expect": Expect(**d["expect"]), "members": members}))
    return cases_


def path_of(folder: Path, case: Case) -> Path:
    if case.name_hex is not None:
        return Path(os.fsdecode(os.fsencode(folder) + b"/" + bytes.fromhex(case.name_hex)))
    return folder / case.file


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--huge", action="store_true", help="add the files only a memory test should pay for")
    ap.add_argument("--only-huge", action="store_true", help="only those")
    ap.add_argument("--canary-port", type=int, default=CANARY_PORT)
    a = ap.parse_args()
    for c in make(a.out, a.huge or a.only_huge, a.canary_port, small=not a.only_huge):
        print(f"{c.file!r:60} {c.expect.status} {c.expect.code or ''}")


if __name__ == "__main__":
    main()
