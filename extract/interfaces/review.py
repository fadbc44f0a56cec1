"""A self-contained HTML page for checking an extraction by eye.

Each PDF page is shown as an image with every extracted cell outlined (colour by
method and confidence; cells in a broken rule outlined red and filled), next to
the three standard tables as extracted. Hovering a value shows its provenance.
Nothing is fetched: images are inlined, there is no script.
"""

from __future__ import annotations

import base64
import html
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium

from gongkai.extract.domain.model import Report
from gongkai.extract.domain.schema import TABLES
from gongkai.extract.interfaces.views import printed_table

SCALE = 1.5

_CSS = """
body{font-family:sans-serif;margin:0;display:flex;gap:16px;background:#eee}
.pages{flex:0 0 auto;padding:8px} .tables{flex:1 1 auto;padding:8px;overflow:auto}
.page{position:relative;margin-bottom:12px;box-shadow:0 0 4px #999;background:#fff}
.page img{display:block}
.page svg{position:absolute;left:0;top:0}
rect.cell{fill:none;stroke-width:2}
rect.text{stroke:#1a9e2f} rect.ocr{stroke:#1f5fd6} rect.repaired{stroke:#d68a00}
rect.low{stroke-dasharray:4 2}
rect.broken{stroke:#e00000;fill:rgba(255,0,0,.18);stroke-width:3}
table{border-collapse:collapse;margin-bottom:18px;background:#fff;font-size:13px}
td,th{border:1px solid #aaa;padding:2px 6px;text-align:right} th{background:#f4f4f4}
td.broken{background:#ffd0d0} td.missing{background:#eee;color:#999} td.null{color:#999}
.findings li.error{color:#b00}
"""


def _page_images(pdf_path: Path, pages: list[int]) -> dict[int, tuple[str, int, int]]:
    pdf = pdfium.PdfDocument(str(pdf_path))
    out = {}
    try:
        for n in pages:
            img = pdf[n - 1].render(scale=SCALE).to_pil().convert("RGB")
            buf = BytesIO()
            img.save(buf, format="PNG", optimize=True)
            out[n] = (base64.b64encode(buf.getvalue()).decode(), img.width, img.height)
    finally:
        pdf.close()
    return out


def _css_class(method: str, confidence: float, broken: bool) -> str:
    kind = "ocr" if method.startswith("ocr") else "repaired" if method.startswith("repaired") else "text"
    return " ".join(["cell", kind] + (["low"] if confidence < 0.9 else []) + (["broken"] if broken else []))


def render_review(report: Report, pdf_path: Path | None = None) -> str:
    e = html.escape
    broken = {c for f in report.findings if f.severity == "error" for c in f.cells}
    parts = [
        f"<!doctype html><html><head><meta charset='utf-8'><title>gongkai review: {e(report.source.path or '')}</title>"
    ]
    parts.append(f"<style>{_CSS}</style></head><body>")
    parts.append("<div class='pages'>")
    if pdf_path is not None and report.source.format == "pdf" and report.source.pages:
        images = _page_images(pdf_path, list(range(1, report.source.pages + 1)))
        for n, (b64, w, h) in images.items():
            rects = []
            for cid, c in report.cells.items():
                if c.page == n and c.bbox:
                    x0, top, x1, bottom = (v * SCALE for v in c.bbox)
                    tip = f"{cid} = {c.value} ({c.method}, {c.confidence:.2f})"
                    rects.append(
                        f"<rect class='{_css_class(c.method, c.confidence, cid in broken)}' data-cell='{e(cid)}' "
                        f"x='{x0:.1f}' y='{top:.1f}' width='{x1 - x0:.1f}' height='{bottom - top:.1f}'>"
                        f"<title>{e(tip)}</title></rect>"
                    )
            parts.append(
                f"<div class='page' id='page-{n}' style='width:{w}px;height:{h}px'>"
                f"<img src='data:image/png;base64,{b64}' width='{w}' height='{h}' alt='page {n}'>"
                f"<svg width='{w}' height='{h}' viewBox='0 0 {w} {h}'>{''.join(rects)}</svg></div>"
            )
    else:
        parts.append("<p>No page images: the source has no pages (web page, Word or text); see the element paths.</p>")
    parts.append("</div><div class='tables'>")
    parts.append(
        f"<h2>{e(report.organization or '?')} {report.year or ''} · {e(report.status)} · template "
        f"{e(report.template or '?')}</h2>"
    )
    if report.findings or report.errors:
        parts.append("<ul class='findings'>")
        for f in report.findings:
            parts.append(f"<li class='{e(f.severity)}'><b>{e(f.rule)}</b> {e(f.message)}</li>")
        for err in report.errors:
            parts.append(f"<li class='error'><b>{e(err.code)}</b> {e(err.message)}</li>")
        parts.append("</ul>")
    for table in TABLES:
        t = printed_table(report, table)
        parts.append(
            f"<h3>{e(t.title)}</h3><table><tr><th></th>"
            + "".join(f"<th>{e(c.label)}</th>" for c in t.columns)
            + "</tr>"
        )
        for row in t.rows:
            parts.append(f"<tr><th style='text-align:left'>{e(row.label)}</th>")
            for col in t.columns:
                cid = f"{table}.{row.id}.{col.id}"
                if not t.applies(row, col):
                    parts.append("<td></td>")
                    continue
                cell = report.cells.get(cid)
                if cell is None:
                    parts.append(f"<td class='missing' title='{e(cid)}: not found'>?</td>")
                    continue
                cls = "broken" if cid in broken else "null" if cell.value is None else ""
                where = f"page {cell.page}" if cell.page else (cell.source or "")
                tip = f"{cid} · printed {cell.text!r} · {where} · {cell.method} · {cell.confidence:.2f}"
                shown = "" if cell.value is None else cell.value
                parts.append(f"<td class='{cls}' data-cell='{e(cid)}' title='{e(tip)}'>{e(str(shown))}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    parts.append("</div></body></html>")
    return "".join(parts)
