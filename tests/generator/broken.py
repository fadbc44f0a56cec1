"""PDFs with broken text layers, made from a good PDF whose ground truth is known.

    python -m tests.generator.broken --src tests/corpus/shared/pdf/hongze_2024.pdf \
        --truth tests/corpus/shared/truth/hongze_2024.json --pages 2 3 4 --out /tmp/broken

The page images stay exactly as printed (so the ground truth of the source holds);
only what a text extractor reads is damaged, the ways real archives damage it:

- ``pua``: the fonts' ToUnicode maps send Chinese to private-use code points and
  drop the digits (pdfminer then gives "(cid:NN)");
- ``digits``: the ToUnicode maps swap digits (1<->7, 3<->8): plausible text, wrong numbers;
- ``mojibake``: every character is replaced by its GBK bytes read as Latin-1 ("中" -> "ÖÐ");
- ``rare``: Chinese is mapped onto rare characters (a wrong CMap): implausible text;
- ``partial``: the tables are cut out of the text layer and pasted back as pictures,
  so the page keeps its typed header and prose but its table is an image.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pikepdf

KINDS = ("pua", "digits", "mojibake", "rare", "partial")
DIGIT_SWAP = {"1": "7", "7": "1", "3": "8", "8": "3"}

# -- ToUnicode CMaps ------------------------------------------------------------

_HEX = r"<([0-9A-Fa-f]+)>"
_BFCHAR = re.compile(r"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(r"beginbfrange(.*?)endbfrange", re.S)


def _utf16(hexstr: str) -> str:
    return bytes.fromhex(hexstr).decode("utf-16-be", errors="replace")


def parse_tounicode(data: bytes) -> tuple[dict[int, str], int]:
    """Code -> text of a ToUnicode CMap (bfchar and both bfrange forms), and the code width in bytes."""
    text = data.decode("latin-1")
    out: dict[int, str] = {}
    width = 2
    m = re.search(r"begincodespacerange\s*" + _HEX, text)
    if m:
        width = len(m.group(1)) // 2
    for block in _BFCHAR.findall(text):
        for src, dst in re.findall(_HEX + r"\s*" + _HEX, block):
            out[int(src, 16)] = _utf16(dst)
    for block in _BFRANGE.findall(text):
        for lo, hi, rest in re.findall(_HEX + r"\s*" + _HEX + r"\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])", block):
            a, b = int(lo, 16), int(hi, 16)
            if rest.startswith("["):
                for k, d in enumerate(re.findall(_HEX, rest)):
                    out[a + k] = _utf16(d)
            else:
                start = bytes.fromhex(rest[1:-1])
                base = int.from_bytes(start[-2:], "big")
                for k in range(b - a + 1):
                    out[a + k] = (start[:-2] + (base + k).to_bytes(2, "big")).decode("utf-16-be", errors="replace")
    return out, width


def write_tounicode(mapping: dict[int, str], width: int = 2) -> bytes:
    """A ToUnicode CMap of bfchar entries (at most 100 per block, as the spec asks)."""
    items = sorted(mapping.items())
    lines = [
        "/CIDInit /ProcSet findresource begin", "12 dict begin", "begincmap",
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        "/CMapName /Adobe-Identity-UCS def", "/CMapType 2 def",
        "1 begincodespacerange", f"<{'0' * 2 * width}> <{'F' * 2 * width}>", "endcodespacerange",
    ]
    for k in range(0, len(items), 100):
        chunk = items[k : k + 100]
        lines.append(f"{len(chunk)} beginbfchar")
        lines += [f"<{code:0{2 * width}X}> <{text.encode('utf-16-be').hex().upper()}>" for code, text in chunk]
        lines.append("endbfchar")
    lines += ["endcmap", "CMapName currentdict /CMap defineresource pop", "end", "end"]
    return "\n".join(lines).encode("ascii")


# -- the damage, one function per kind: text -> new text, or None for "unmapped" --


def _pua(code: int, text: str) -> str | None:
    if text.isdigit():
        return None
    return text if text.isascii() else chr(0xE000 + code % 0x1900)


def _digits(code: int, text: str) -> str | None:
    return "".join(DIGIT_SWAP.get(ch, ch) for ch in text)


def _mojibake(code: int, text: str) -> str | None:
    return text.encode("gbk", errors="replace").decode("latin-1")


def _rare(code: int, text: str) -> str | None:
    if not any("\u4e00" <= ch <= "\u9fff" for ch in text):
        return text
    # a block of CJK Extension A: real characters, almost never printed
    return chr(0x3400 + (code * 7919) % 0x19B0)


TRANSFORMS: dict[str, Callable[[int, str], str | None]] = {
    "pua": _pua, "digits": _digits, "mojibake": _mojibake, "rare": _rare,
}


def _fonts(pdf: pikepdf.Pdf):
    seen: set[tuple[int, int]] = set()
    for page in pdf.pages:
        fonts = page.obj.get("/Resources", {}).get("/Font", {})
        for font in fonts.values():
            if font.objgen in seen:
                continue
            seen.add(font.objgen)
            yield font


def break_tounicode(pdf: pikepdf.Pdf, kind: str) -> int:
    """Rewrite every font's ToUnicode map with the damage of ``kind``; the number of fonts changed."""
    fn = TRANSFORMS[kind]
    n = 0
    for font in _fonts(pdf):
        tu = font.get("/ToUnicode")
        if tu is None or not isinstance(tu, pikepdf.Stream):
            continue
        mapping, width = parse_tounicode(tu.read_bytes())
        new = {code: t for code, t in ((c, fn(c, s)) for c, s in mapping.items()) if t is not None}
        font.ToUnicode = pdf.make_stream(write_tounicode(new, width))
        n += 1
    return n


def paste_tables_as_images(data: bytes, pages: list[int] | None = None, dpi: int = 200) -> bytes:
    """Cut each ruled table out of the page content and put a picture of it in its place."""
    import pdfplumber
    import pypdfium2 as pdfium

    boxes: dict[int, list[tuple[float, float, float, float]]] = {}
    with pdfplumber.open(BytesIO(data)) as plumb:
        for i, page in enumerate(plumb.pages):
            if pages is None or i + 1 in pages:
                found = page.find_tables({"vertical_strategy": "lines", "horizontal_strategy": "lines"})
                # data tables only: WPS also boxes every prose line
                # with a margin: a picture of a table shows its outer rulings whole
                boxes[i] = [(t.bbox[0] - 3, t.bbox[1] - 3, t.bbox[2] + 3, t.bbox[3] + 3) for t in found
                            if sum(bool(c and c.strip().isdigit()) for r in t.extract() for c in r) >= 5]
    pdf = pdfium.PdfDocument(data)
    try:
        for i, regions in boxes.items():
            if not regions:
                continue
            page = pdf[i]
            w, h = page.get_size()
            shots = []
            for x0, top, x1, bottom in regions:
                crop = (x0, h - bottom, w - x1, top)
                shots.append(((x0, top, x1, bottom), page.render(scale=dpi / 72, crop=crop).to_pil()))
            for obj in list(page.get_objects()):
                left, bottom_, right, top_ = obj.get_bounds()
                cx, cy = (left + right) / 2, h - (bottom_ + top_) / 2
                if any(x0 - 1 <= cx <= x1 + 1 and top - 1 <= cy <= bottom + 1 for x0, top, x1, bottom in regions):
                    page.remove_obj(obj)
            for (x0, top, x1, bottom), im in shots:
                buf = BytesIO()
                im.convert("RGB").save(buf, format="JPEG", quality=92)
                buf.seek(0)
                img = pdfium.PdfImage.new(pdf)
                img.load_jpeg(buf, pages=[page], inline=False)
                img.set_matrix(pdfium.PdfMatrix().scale(x1 - x0, bottom - top).translate(x0, h - bottom))
                page.insert_obj(img)
            page.gen_content()
        out = BytesIO()
        pdf.save(out)
        return out.getvalue()
    finally:
        pdf.close()


def keep_pages(data: bytes, pages: list[int] | None) -> bytes:
    """Only the given 1-based pages (all when None)."""
    with pikepdf.open(BytesIO(data)) as pdf:
        if pages:
            keep = [pdf.pages[p - 1] for p in pages]
            out = pikepdf.new()
            for p in keep:
                out.pages.append(p)
            pdf = out
        buf = BytesIO()
        pdf.save(buf)
        return buf.getvalue()


def make_broken(data: bytes, kind: str, pages: list[int] | None = None) -> bytes:
    """The source PDF (optionally only some pages) with its text layer damaged as ``kind``."""
    data = keep_pages(data, pages)
    if kind == "partial":
        return paste_tables_as_images(data)
    with pikepdf.open(BytesIO(data)) as pdf:
        break_tounicode(pdf, kind)
        buf = BytesIO()
        pdf.save(buf)
        return buf.getvalue()


def truth_for(truth: dict, kind: str, pages: list[int] | None, name: str) -> dict:
    """The source truth: the cells are those of the kept pages (all of them when no page is dropped)."""
    out = dict(truth)
    out.update(source=name, formats=[name], broken=kind, source_pages=pages)
    out["notes"] = f"{truth.get('notes', '')}; text layer broken: {kind}".lstrip("; ")
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--src", type=Path, required=True)
    ap.add_argument("--truth", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    ap.add_argument("--pages", type=int, nargs="*")
    ap.add_argument("--kinds", nargs="*", default=list(KINDS), choices=KINDS)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    truth = json.loads(args.truth.read_text("utf-8"))
    data = args.src.read_bytes()
    for kind in args.kinds:
        name = f"{args.src.stem}_{kind}.pdf"
        (args.out / name).write_bytes(make_broken(data, kind, args.pages))
        t = truth_for(truth, kind, args.pages, name)
        (args.out / f"{args.src.stem}_{kind}.json").write_text(json.dumps(t, ensure_ascii=False, indent=1), "utf-8")
        print(args.out / name)


if __name__ == "__main__":
    main()
