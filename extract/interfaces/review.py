"""The review page: check an extraction by eye and correct it, in one self-contained HTML file.

Each page (PDF or page image) is shown with every extracted cell outlined (colour by method
and confidence; cells in a broken rule outlined red and filled), beside the three standard
tables and the narrative's items. The cells a person should look at first (not read, in a
broken rule, chosen by the repair, read with low confidence) are listed at the top. Clicking
a cell or an item opens an editor: type the right value (or confirm the one shown), pick the
right label; "Save corrections" downloads a corrections JSON for ``gongkai import-corrections``.

Why a file and not a local server (``gongkai review --serve``): the page can be sent to the
person who checks (no Python, no gongkai needed), opened by a double click, archived with the
report, and nothing listens on a port. Corrections are also kept in the browser's storage for
that file, so closing the tab loses nothing. Nothing is fetched: images are inlined, the data
is inline JSON, and a Content-Security-Policy lets only the page's own script run.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from pathlib import Path

from gongkai.extract.archive.pageimages import PAGED_FORMATS, PageImages, png_bytes
from gongkai.extract.domain.corrections import CORRECTED, FORMAT, ITEM_LABELS, NOT_AN_ITEM, item_id
from gongkai.extract.domain.model import Report
from gongkai.extract.domain.schema import TABLES, schema
from gongkai.extract.interfaces.views import printed_table

SCALE = 1.5
"""Pixels per point of the page images (108 dpi)."""
LOW_CONFIDENCE = 0.9

_CSS = """
body{font-family:sans-serif;margin:0;display:flex;gap:16px;background:#eee}
.pages{flex:0 0 auto;padding:8px}
.side{flex:1 1 auto;padding:8px;overflow:auto;max-height:100vh;box-sizing:border-box;position:sticky;top:0;
 align-self:flex-start}
.page{position:relative;margin-bottom:12px;box-shadow:0 0 4px #999;background:#fff}
.page img{display:block}
.page svg{position:absolute;left:0;top:0}
rect.cell{fill:rgba(0,0,0,0);stroke-width:2;cursor:pointer;pointer-events:all}
rect.text{stroke:#1a9e2f} rect.ocr{stroke:#1f5fd6} rect.repaired{stroke:#d68a00}
rect.low{stroke-dasharray:4 2}
rect.broken{stroke:#e00000;fill:rgba(255,0,0,.18);stroke-width:3}
rect.corrected{stroke:#8a2be2;fill:rgba(138,43,226,.18);stroke-width:3;stroke-dasharray:none}
rect.focus{stroke:#ffb000;stroke-width:4} td.focus{outline:3px solid #ffb000}
table{border-collapse:collapse;margin-bottom:18px;background:#fff;font-size:13px}
td,th{border:1px solid #aaa;padding:2px 6px;text-align:right} th{background:#f4f4f4}
td[data-cell]{cursor:pointer} td[data-cell]:hover{background:#fff6d0}
td.broken{background:#ffd0d0} td.missing{background:#eee;color:#999} td.null{color:#999}
td.corrected{background:#ead8ff} .findings li.error{color:#b00}
.bar{position:sticky;top:0;background:#fffbe6;border:1px solid #e6d48a;padding:6px;margin-bottom:8px;z-index:2}
.bar code{background:#fff;padding:1px 3px}
ol.unsure li,ol.items li{cursor:pointer;margin:2px 0} ol.unsure li:hover,ol.items li:hover{background:#fff6d0}
li.done{color:#777;text-decoration:line-through} li.done.corrected{text-decoration:none;color:#8a2be2}
.why{color:#b00;font-size:12px} .lab{font-weight:bold} .lab.problem{color:#b04000} .lab.improvement{color:#1a7e2f}
#editor{position:fixed;right:16px;bottom:16px;width:380px;background:#fff;border:2px solid #8a2be2;
 box-shadow:0 2px 12px #666;padding:10px;z-index:5;font-size:14px}
#editor[hidden]{display:none} #editor .info{color:#444;font-size:12px;margin:4px 0 8px}
#editor input,#editor select{font-size:16px;width:100%;box-sizing:border-box;margin-bottom:6px}
#ed-error{color:#b00;font-size:12px}
"""

_SCRIPT = r"""
(function(){
"use strict";
const D = JSON.parse(document.getElementById("gk-data").textContent);
const KEY = "gongkai-corrections:" + D.source.sha256;
let corr = {};
try { corr = JSON.parse(localStorage.getItem(KEY) || "{}"); } catch (e) { corr = {}; }
let saved = true, current = null;
const $ = (id) => document.getElementById(id);
const fmt = (v) => v === null || v === undefined ? "" : String(v);

function parseValue(raw) {
  let t = raw.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xFEE0))
    .replace(/[，,\s]/g, "").replace(/．/g, ".");
  if (t === "" || /^[\/／—\-－–无]+$/.test(t)) return {ok: true, value: null};
  if (!/^-?\d+(\.\d+)?$/.test(t)) return {ok: false};
  return {ok: true, value: Number(t)};
}

function store() {
  try { localStorage.setItem(KEY, JSON.stringify(corr)); } catch (e) { /* private mode: memory only */ }
  const n = Object.keys(corr).length;
  $("gk-count").textContent = n;
  $("gk-save").disabled = n === 0;
  paint();
}

function paint() {
  document.querySelectorAll("[data-cell]").forEach((el) => {
    const c = corr["cell|" + el.dataset.cell];
    el.classList.toggle("corrected", !!c);
    if (el.tagName === "TD") {
      const cell = D.cells[el.dataset.cell];
      el.textContent = c ? fmt(c.value) : (cell ? fmt(cell.value) : "?");
    }
    if (el.tagName === "LI") el.classList.toggle("done", !!c);
  });
  document.querySelectorAll("[data-item]").forEach((el) => {
    const c = corr["item|" + el.dataset.item];
    const it = D.items[el.dataset.item];
    const label = c ? c.label : it.label;
    const lab = el.querySelector(".lab");
    lab.textContent = label === "none" ? "not an item" : label;
    lab.className = "lab " + label;
    el.classList.toggle("done", !!c);
    el.classList.toggle("corrected", !!c);
  });
}

function focusOn(sel) {
  document.querySelectorAll(".focus").forEach((el) => el.classList.remove("focus"));
  document.querySelectorAll(sel).forEach((el) => el.classList.add("focus"));
  const r = document.querySelector("rect" + sel);
  if (r) r.scrollIntoView({block: "center", inline: "nearest"});
}

function openCell(id) {
  const cell = D.cells[id], c = corr["cell|" + id];
  current = {target: "cell", id: id};
  $("ed-title").textContent = id;
  $("ed-info").textContent = (D.labels[id] || "") + " · " + (cell
    ? "extracted " + (cell.value === null ? "blank" : cell.value) + (cell.text ? " (read “" + cell.text + "”)" : "")
      + " · " + cell.method + " · confidence " + cell.confidence.toFixed(2)
      + (cell.page ? " · page " + cell.page : "")
    : "not read from the page") + (D.why[id] ? " · " + D.why[id] : "");
  $("ed-value").hidden = false; $("ed-label").hidden = true; $("ed-topic").hidden = true;
  $("ed-confirm").hidden = !cell;
  $("ed-value").value = c ? fmt(c.value) : (cell ? fmt(cell.value) : "");
  $("ed-error").textContent = "";
  $("editor").hidden = false;
  focusOn('[data-cell="' + CSS.escape(id) + '"]');
  $("ed-value").focus(); $("ed-value").select();
}

function openItem(id) {
  const it = D.items[id], c = corr["item|" + id];
  current = {target: "item", id: id};
  $("ed-title").textContent = "item in " + id;
  $("ed-info").textContent = it.text;
  $("ed-value").hidden = true; $("ed-label").hidden = false; $("ed-topic").hidden = false;
  $("ed-confirm").hidden = false;
  $("ed-label").value = c ? c.label : it.label;
  $("ed-topic").value = (c && c.topic) || it.topic || "";
  $("ed-error").textContent = "";
  $("editor").hidden = false;
  $("ed-label").focus();
}

function close() { $("editor").hidden = true; current = null; }

function commit(confirmOnly) {
  if (!current) return;
  const now = new Date().toISOString();
  if (current.target === "cell") {
    const cell = D.cells[current.id];
    let value;
    if (confirmOnly) { value = cell.value; }
    else {
      const p = parseValue($("ed-value").value);
      if (!p.ok) { $("ed-error").textContent = "a number, or empty / “/” for a blank cell"; return; }
      value = p.value;
    }
    corr["cell|" + current.id] = {target: "cell", id: current.id, value: value,
      previous: cell ? cell.value : null, note: confirmOnly ? "confirmed" : "", at: now};
  } else {
    const it = D.items[current.id];
    const label = confirmOnly ? it.label : $("ed-label").value;
    const topic = confirmOnly ? it.topic : ($("ed-topic").value || null);
    corr["item|" + current.id] = {target: "item", id: current.id, label: label, topic: topic,
      previous: it.label, note: confirmOnly ? "confirmed" : "", at: now};
  }
  saved = false;
  close();
  store();
}

function download() {
  const list = Object.keys(corr).sort().map((k) => corr[k]);
  const body = {format: D.format, source: D.source, organization: D.organization, year: D.year, corrections: list};
  const blob = new Blob([JSON.stringify(body, null, 1)], {type: "application/json"});
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = D.filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  saved = true;
  $("gk-saved").textContent = "saved " + list.length + " as " + D.filename;
}

document.addEventListener("click", (ev) => {
  if (ev.target.closest("#editor")) return;
  const cellEl = ev.target.closest("[data-cell]");
  if (cellEl) { openCell(cellEl.dataset.cell); return; }
  const itemEl = ev.target.closest("[data-item]");
  if (itemEl) openItem(itemEl.dataset.item);
});
$("ed-save").addEventListener("click", () => commit(false));
$("ed-confirm").addEventListener("click", () => commit(true));
$("ed-cancel").addEventListener("click", close);
$("ed-forget").addEventListener("click", () => {
  if (current) { delete corr[current.target + "|" + current.id]; saved = false; close(); store(); }
});
$("editor").addEventListener("keydown", (ev) => {
  if (ev.key === "Enter") { ev.preventDefault(); commit(false); }
  if (ev.key === "Escape") close();
});
$("gk-save").addEventListener("click", download);
window.addEventListener("beforeunload", (ev) => { if (!saved) { ev.preventDefault(); ev.returnValue = ""; } });
store();
})();
"""


def _css_class(method: str, confidence: float, broken: bool) -> str:
    kind = "ocr" if method.startswith("ocr") else "repaired" if method.startswith("repaired") else "text"
    if method == CORRECTED:
        kind = "corrected"
    return " ".join(["cell", kind] + (["low"] if confidence < LOW_CONFIDENCE else []) + (["broken"] if broken else []))


def unsure_cells(report: Report) -> list[tuple[str, str]]:
    """(cell id, why) for the cells a person should check first, most doubtful first.

    Not read at all; then in a broken rule and read with low confidence (the likely culprit of the
    rule); then the rest of a broken rule's cells; then chosen among readings by the repair; then read
    with low confidence; then contradicted by a count the text states. Within each, lowest confidence
    first; a cell already corrected is not listed.
    """
    rule_ids = {r.id for r in schema().rules}
    broken: dict[str, str] = {}
    mismatch: dict[str, str] = {}
    not_read: set[str] = set()
    for f in report.findings:
        if f.rule in ("missing.cell", "unreadable.cell"):
            not_read.update(f.cells)
        elif f.rule in rule_ids and f.severity == "error":
            for cid in f.cells:
                broken.setdefault(cid, f.rule)
        elif f.rule == "narrative.table_mismatch":
            for cid in f.cells:
                said = f"the text says {f.printed:g}" if f.printed is not None else "the text differs"
                mismatch.setdefault(cid, said)
    out: list[tuple[int, float, str, str]] = []
    for cid in sorted(not_read | set(broken) | set(mismatch) | set(report.cells)):
        cell = report.cells.get(cid)
        if cell is not None and cell.method == CORRECTED:
            continue
        conf = cell.confidence if cell is not None else 0.0
        low = cell is not None and conf < LOW_CONFIDENCE
        repaired = cell is not None and cell.method.startswith("repaired")
        if cid in not_read:
            out.append((0, conf, cid, "not read"))
        elif cid in broken:
            why = f"in broken rule {broken[cid]}" + (f", confidence {conf:.2f}" if low else "")
            out.append((1 if low or repaired else 2, conf, cid, why))
        elif repaired:
            out.append((3, conf, cid, f"chosen by the rules ({cell.method.split(':', 1)[-1]})"))  # type: ignore[union-attr]
        elif low:
            out.append((4, conf, cid, f"confidence {conf:.2f}"))
        elif cid in mismatch:
            out.append((5, conf, cid, mismatch[cid]))
    return [(cid, why) for _, _, cid, why in sorted(out)]


def _labels(report: Report) -> dict[str, str]:
    """cell id -> "row label / column label" for every cell of the report's template."""
    tmpl = schema().templates.get(report.template or "2021", schema().templates["2021"])
    out = {}
    for table in TABLES:
        spec = tmpl.tables[table]
        for r, row in spec.rows.items():
            for col in spec.columns_for(r):
                out[f"{table}.{r}.{col.id}"] = f"{row.label} / {col.label}"
    return out


def _json_for_script(data: object) -> str:
    """JSON that cannot end the <script> element it sits in, whatever the report's text holds."""
    return (json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("&", "\\u0026").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def render_review(report: Report, source: Path | list[Path] | None = None) -> str:
    """The review page of ``report``; ``source`` (the input file, or its page images) gives the page images."""
    e = html.escape
    broken = {c for f in report.findings if f.severity == "error" for c in f.cells}
    unsure = unsure_cells(report)
    labels = _labels(report)
    stem = Path(report.source.path or "report").stem
    data = {
        "format": FORMAT,
        "filename": f"corrections-{stem}.json",
        "source": {"path": report.source.path, "sha256": report.source.sha256 or ""},
        "organization": report.organization,
        "year": report.year,
        "cells": {cid: {"value": c.value, "text": c.text, "method": c.method, "confidence": c.confidence,
                        "page": c.page} for cid, c in report.cells.items()},
        "labels": labels,
        "why": dict(unsure),
        "items": {item_id(it.section_id, it.start, it.end): {"label": it.label, "topic": it.topic, "text": it.text}
                  for it in report.items},
    }
    script_hash = base64.b64encode(hashlib.sha256(_SCRIPT.encode("utf-8")).digest()).decode()
    csp = f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src 'sha256-{script_hash}'"
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<meta http-equiv='Content-Security-Policy' content=\"{csp}\">",
        f"<title>gongkai review: {e(report.source.path or '')}</title><style>{_CSS}</style></head><body>",
        "<div class='pages'>",
    ]
    parts += _pages(report, source, broken)
    parts.append("</div><div class='side'>")
    parts.append(
        f"<h2>{e(report.organization or '?')} {report.year or ''} · {e(report.status)} · template "
        f"{e(report.template or '?')}</h2>"
    )
    parts.append(
        "<div class='bar'><b><span id='gk-count'>0</span> corrections</b> "
        "<button id='gk-save' disabled>Save corrections (JSON)</button> <span id='gk-saved'></span><br>"
        "<small>Click a cell (on the page or in the tables) or an item to correct it. Then: "
        f"<code>gongkai import-corrections {e(data['filename'])} --db results.duckdb</code></small></div>"
    )
    n_cells = len(report.cells) + sum(1 for _, w in unsure if w == "not read")
    parts.append(f"<h3>To check first: {len(unsure)} of {n_cells} cells</h3><ol class='unsure' id='unsure'>")
    for cid, why in unsure:
        cell = report.cells.get(cid)
        shown = "—" if cell is None else ("blank" if cell.value is None else str(cell.value))
        parts.append(f"<li data-cell='{e(cid)}'>{e(labels.get(cid, cid))}: <b>{e(shown)}</b> "
                     f"<span class='why'>{e(why)}</span></li>")
    parts.append("</ol>")
    if report.findings or report.errors:
        parts.append("<ul class='findings'>")
        for f in report.findings:
            parts.append(f"<li class='{e(f.severity)}'><b>{e(f.rule)}</b> {e(f.message)}</li>")
        for err in report.errors:
            parts.append(f"<li class='error'><b>{e(err.code)}</b> {e(err.message)}</li>")
        parts.append("</ul>")
    parts += _tables(report, broken)
    parts += _items(report)
    parts.append(_editor())
    parts.append(f"<script type='application/json' id='gk-data'>{_json_for_script(data)}</script>")
    parts.append(f"<script>{_SCRIPT}</script></body></html>")
    return "".join(parts)


def _pages(report: Report, source: Path | list[Path] | None, broken: set[str]) -> list[str]:
    e = html.escape
    paths = [source] if isinstance(source, Path) else list(source or [])
    if not paths or report.source.format not in PAGED_FORMATS or not report.source.pages:
        return ["<p>No page images: the source has no pages (web page, Word or text); see the element paths.</p>"]
    parts = []
    with PageImages([p.read_bytes() for p in paths], report.source.format) as pages:
        for n in range(1, min(len(pages), report.source.pages) + 1):
            img, scale = pages.render(n, SCALE * 72)
            b64 = base64.b64encode(png_bytes(img)).decode()
            w, h = img.width, img.height
            rects = []
            for cid, c in report.cells.items():
                if c.page == n and c.bbox:
                    x0, top, x1, bottom = (v * scale for v in c.bbox)
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
    return parts


def _tables(report: Report, broken: set[str]) -> list[str]:
    e = html.escape
    parts = []
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
                    parts.append(f"<td class='missing' data-cell='{e(cid)}' title='{e(cid)}: not found'>?</td>")
                    continue
                cls = "corrected" if cell.method == CORRECTED else "broken" if cid in broken else (
                    "null" if cell.value is None else "")
                where = f"page {cell.page}" if cell.page else (cell.source or "")
                tip = f"{cid} · printed {cell.text!r} · {where} · {cell.method} · {cell.confidence:.2f}"
                shown = "" if cell.value is None else cell.value
                parts.append(f"<td class='{cls}' data-cell='{e(cid)}' title='{e(tip)}'>{e(str(shown))}</td>")
            parts.append("</tr>")
        parts.append("</table>")
    return parts


def _items(report: Report) -> list[str]:
    e = html.escape
    parts = [f"<h3>Problems and improvements: {len(report.items)} items</h3><ol class='items' id='items'>"]
    for it in report.items:
        iid = item_id(it.section_id, it.start, it.end)
        parts.append(f"<li data-item='{e(iid)}'><span class='lab {e(it.label)}'>{e(it.label)}</span> "
                     f"{e(it.text)} <small>{e(it.topic or '')}</small></li>")
    parts.append("</ol>")
    return parts


def _editor() -> str:
    from gongkai.nlp.topics import ORDER

    labels = "".join(f"<option value='{lab}'>{lab}</option>" for lab in ITEM_LABELS)
    labels += f"<option value='{NOT_AN_ITEM}'>not an item</option>"
    topics = "<option value=''>(topic)</option>" + "".join(f"<option value='{t}'>{t}</option>" for t in ORDER)
    return (
        "<div id='editor' hidden><b id='ed-title'></b><div class='info' id='ed-info'></div>"
        "<input id='ed-value' autocomplete='off' inputmode='decimal' aria-label='right value'>"
        f"<select id='ed-label' aria-label='label'>{labels}</select>"
        f"<select id='ed-topic' aria-label='topic'>{topics}</select>"
        "<div id='ed-error'></div>"
        "<button id='ed-save'>Correct</button> <button id='ed-confirm'>It is right</button> "
        "<button id='ed-forget'>Undo</button> <button id='ed-cancel'>Cancel</button></div>"
    )
