"""A self-contained HTML page comparing two reports of a body (``gongkai compare``).

Both years' tables side by side with every changed value marked (up, down), the cells of a broken
rule across years filled red in both, the continuity findings, the problems that recur and the
promises the next year does not mention, and a small bar chart per table. Cells of a warning (documents
in force that do not follow) are filled orange. No script, nothing fetched.
"""

from __future__ import annotations

import html

from gongkai.extract.domain.across.compare import Comparison
from gongkai.extract.domain.model import Report
from gongkai.extract.domain.schema import TABLES, schema

# colours the headless-browser test looks for: keep them distinct from everything else on the page
BROKEN_FILL = "#ff5a5a"
EARLIER_BAR = "#4e79a7"
LATER_BAR = "#f28e2b"

_CSS = f"""
body{{font-family:sans-serif;margin:12px;background:#fafafa;color:#222}}
h1{{font-size:20px;margin:4px 0}} h2{{font-size:16px;margin:18px 0 6px}}
.badge{{display:inline-block;padding:2px 8px;border-radius:4px;color:#fff;font-size:13px}}
.same{{background:#2e7d32}} .different{{background:#b71c1c}}
.pair{{display:flex;gap:18px;align-items:flex-start;flex-wrap:nowrap}}
table{{border-collapse:collapse;background:#fff;font-size:12px}}
td,th{{border:1px solid #bbb;padding:1px 5px;text-align:right}} th{{background:#f0f0f0;font-weight:normal}}
th.row{{text-align:left;max-width:260px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}}
td.up{{background:#e3f2e3}} td.down{{background:#e3e9f7}} td.new{{background:#fff3c4}}
td.broken{{background:{BROKEN_FILL};color:#fff;font-weight:bold}}
td.warned{{background:#ffd59a;font-weight:bold}}
td.null{{color:#999}}
li.error{{color:#b00}} li.warning{{color:#a65f00}}
table.recur td{{text-align:left;max-width:480px;vertical-align:top}}
.note{{color:#555;font-size:13px}}
svg text{{font-size:10px;fill:#333}}
"""


def _fmt(v: float | int | None) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _rows(table: str, *reports: Report) -> list[str]:
    spec = schema().templates["2021"].tables[table]
    rows2019 = schema().templates["2019"].tables[table].rows
    printed = {k.split(".")[1] for r in reports for k in r.cells if k.startswith(f"{table}.")}
    order = list(spec.rows) + [r for r in rows2019 if r not in spec.rows]
    return [r for r in order if r in printed]


def _columns(table: str, *reports: Report) -> list[str]:
    cols: dict[str, None] = {}
    for t in schema().templates.values():
        cols.update(dict.fromkeys(t.tables[table].columns))
    printed = {k.split(".")[2] for r in reports for k in r.cells if k.startswith(f"{table}.")}
    return [c for c in cols if c in printed]


def _label(table: str, kind: str, name: str) -> str:
    for t in schema().templates.values():
        specs = t.tables[table].rows if kind == "row" else t.tables[table].columns
        if name in specs:
            return specs[name].label
    return name


def _table(cmp: Comparison, table: str, which: str, broken: set[str], warned: set[str]) -> str:
    e = html.escape
    me = cmp.later if which == "later" else cmp.earlier
    other = cmp.earlier if which == "later" else cmp.later
    rows, cols = _rows(table, me, other), _columns(table, me, other)
    out = [f"<table class='{which}'><tr><th>{me.year or '?'}</th>"]
    out += [f"<th title='{e(c)}'>{e(_label(table, 'col', c))}</th>" for c in cols]
    out.append("</tr>")
    for r in rows:
        out.append(f"<tr><th class='row' title='{e(r)}'>{e(_label(table, 'row', r))}</th>")
        for c in cols:
            cid = f"{table}.{r}.{c}"
            cell = me.cells.get(cid)
            if cell is None:
                out.append("<td></td>")
                continue
            mine, theirs = cell.value, other.values().get(cid)
            cls = []
            if f"{me.year}:{cid}" in broken:
                cls.append("broken")
            elif f"{me.year}:{cid}" in warned:
                cls.append("warned")
            elif which == "later" and cid not in other.cells:
                cls.append("new")
            elif which == "later" and (mine or 0) != (theirs or 0):
                cls.append("up" if (mine or 0) > (theirs or 0) else "down")
            if mine is None:
                cls.append("null")
            tip = f"{cid}: {cmp.earlier.year} {_fmt(cmp.earlier.values().get(cid))} → {cmp.later.year} " \
                  f"{_fmt(cmp.later.values().get(cid))}"
            out.append(f"<td class='{' '.join(cls)}' data-cell='{e(cid)}' title='{e(tip)}'>{e(_fmt(mine))}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _chart_series(table: str, cmp: Comparison) -> list[tuple[str, float, float]]:
    """(row label, earlier, later) for the rows a chart shows: the totals, or the one value a row prints."""
    out = []
    decimal = {c for t in schema().templates.values() for c, spec in t.tables[table].columns.items() if spec.decimal}
    for r in _rows(table, cmp.earlier, cmp.later):
        pair = []
        for rep in (cmp.earlier, cmp.later):
            vals = rep.values()
            picked = vals.get(f"{table}.{r}.total")
            if picked is None:  # amounts (万元, 元) are not counts: they would dwarf the bars of a count chart
                picked = next((vals[k] for k in vals if k.startswith(f"{table}.{r}.") and vals[k] is not None
                               and k.split(".")[2] not in decimal), None)
            pair.append(float(picked or 0))
        if any(pair):
            out.append((_label(table, "row", r), pair[0], pair[1]))
    return out


def _chart(table: str, cmp: Comparison) -> str:
    """Horizontal bars, earlier above later, one pair per row that has a value in either year."""
    series = _chart_series(table, cmp)
    if not series:
        return "<p class='note'>nothing to chart: every value is 0 or blank in both years</p>"
    e = html.escape
    top = max(max(a, b) for _, a, b in series) or 1.0
    label_w, bar_w, row_h = 170, 260, 22
    height = row_h * len(series) + 24
    parts = [f"<svg class='chart' data-table='{e(table)}' width='{label_w + bar_w + 60}' height='{height}' "
             f"role='img' aria-label='{e(table)} by year'>"]
    for i, (label, a, b) in enumerate(series):
        y = 4 + i * row_h
        short = label if len(label) <= 14 else label[:13] + "…"
        parts.append(f"<text x='0' y='{y + 13}'>{e(short)}</text>")
        for j, (v, colour) in enumerate(((a, EARLIER_BAR), (b, LATER_BAR))):
            w = max(1.0, bar_w * v / top) if v else 0.0
            parts.append(f"<rect x='{label_w}' y='{y + j * 9}' width='{w:.1f}' height='8' fill='{colour}'>"
                         f"<title>{e(label)}: {_fmt(v)}</title></rect>")
            parts.append(f"<text x='{label_w + w + 3:.1f}' y='{y + j * 9 + 8}'>{e(_fmt(v))}</text>")
    ly = height - 8
    parts.append(f"<rect x='{label_w}' y='{ly - 7}' width='10' height='8' fill='{EARLIER_BAR}'/>"
                 f"<text x='{label_w + 14}' y='{ly}'>{cmp.earlier.year}</text>"
                 f"<rect x='{label_w + 60}' y='{ly - 7}' width='10' height='8' fill='{LATER_BAR}'/>"
                 f"<text x='{label_w + 74}' y='{ly}'>{cmp.later.year}</text></svg>")
    return "".join(parts)


def render_compare(cmp: Comparison) -> str:
    e = html.escape
    a, b = cmp.earlier, cmp.later
    broken = {c for f in cmp.findings if f.severity == "error" for c in f.cells}
    warned = {c for f in cmp.findings if f.severity != "error" for c in f.cells}
    badge = ("<span class='badge same'>same body</span>" if cmp.same_body
             else "<span class='badge different'>different bodies</span>")
    parts = [
        "<!doctype html><html><head><meta charset='utf-8'>",
        f"<title>gongkai compare: {e(a.organization or '?')} {a.year} / {e(b.organization or '?')} {b.year}</title>",
        f"<style>{_CSS}</style></head><body>",
        f"<h1>{e(a.organization or '?')} {a.year or '?'} → {e(b.organization or '?')} {b.year or '?'} {badge}</h1>",
        "<p class='note'>",
    ]
    for rep in (a, b):
        p = rep.place
        where = " ".join(x for x in (p.province, p.prefecture, p.county, p.township) if x) or "place unknown"
        parts.append(f"{rep.year}: <code>{e(rep.org_key or '?')}</code> · {e(where)} "
                     f"({e(p.match)}, {p.confidence:.2f}) · {e(rep.source.path or '')}<br>")
    parts.append("</p>")
    for note in cmp.notes:
        parts.append(f"<p class='note'>{e(note)}</p>")
    parts.append("<h2>Rules across years</h2>")
    if cmp.findings:
        parts.append("<ul class='findings'>")
        for f in cmp.findings:
            parts.append(f"<li class='{e(f.severity)}'><b>{e(f.rule)}</b> {e(f.message)}</li>")
        parts.append("</ul>")
    elif cmp.same_body and a.year and b.year and b.year - a.year == 1:
        parts.append("<p class='note'>carried-over requests and documents in force follow from the year before.</p>")
    else:
        parts.append("<p class='note'>not checked (see above).</p>")
    for table in TABLES:
        parts.append(f"<h2>{e(table)}</h2><div class='pair'>")
        parts.append(_table(cmp, table, "earlier", broken, warned))
        parts.append(_table(cmp, table, "later", broken, warned))
        parts.append("</div>")
        parts.append(_chart(table, cmp))
    parts.append("<h2>The narrative: what recurs, what was promised</h2>")
    if cmp.recurring:
        names = {"recurring_problem": "problem again", "unmentioned_promise": "promise not mentioned",
                 "mentioned_promise": "promise mentioned",
                 "promise_became_problem": "promise came back as a problem"}
        parts.append(f"<table class='recur'><tr><th>kind</th><th>topic</th><th>{a.year}</th><th>{b.year}</th>"
                     "<th>similarity</th></tr>")
        for r in cmp.recurring:
            parts.append(f"<tr class='{e(r.kind)}'><td>{e(names[r.kind])}</td><td>{e(r.topic or '')}</td>"
                         f"<td>{e(r.text)}</td><td>{e(r.next_text or '—')}</td><td>{r.similarity:.2f}</td></tr>")
        parts.append("</table>")
    else:
        parts.append("<p class='note'>no problems or improvements to compare.</p>")
    parts.append("</body></html>")
    return "".join(parts)
