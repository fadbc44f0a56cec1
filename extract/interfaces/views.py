"""Short views of one report for people: a notebook cell (HTML) and a terminal (rich).

Both show the same things, from the same helpers: who and what (title, status, template,
level and body), the three tables as printed with their official labels (cells in a broken
rule highlighted, unread cells marked), the findings and errors. The JSON stays the contract;
these are for reading.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import TYPE_CHECKING

from gongkai.extract.domain.schema import TABLES, ColumnSpec, RowSpec, schema

if TYPE_CHECKING:
    from rich.console import Console

    from gongkai.extract.domain.model import CellValue, Report

MAX_FINDINGS = 12


@dataclass(frozen=True)
class PrintedTable:
    """One standard table as the report's template prints it."""

    id: str
    title: str
    rows: list[RowSpec]
    columns: list[ColumnSpec]

    def applies(self, row: RowSpec, col: ColumnSpec) -> bool:
        return col.applies_to(row.id)

    def with_groups(self) -> list[tuple[str | None, RowSpec]]:
        """Each row with the group heading to print before it (the first time a group starts)."""
        seen: set[str] = set()
        out = []
        for row in self.rows:
            new = row.group if row.group and row.group not in seen else None
            if row.group:
                seen.add(row.group)
            out.append((new, row))
        return out


def printed_table(report: Report, table: str) -> PrintedTable:
    """The rows (in printed order) and columns of ``table`` for this report's template and variant.

    Rows the template prints are all there, found or not; a row the report printed beyond its
    template (a 2019 row in a 2021 report) is kept where the other template puts it.
    """
    sch = schema()
    spec = sch.templates.get(report.template or "2021", sch.templates["2021"]).tables[table]
    found = {c.row for c in report.cells.values() if c.table == table}
    expected = list(spec.rows)
    for v in sch.variants.values():  # rows printed in one of several forms (（六）: three rows or one)
        if v.table != table:
            continue
        form = report.template_variant.get(v.name)
        if form not in v.forms or not set(v.forms[form]) <= set(spec.rows):  # the template's own form
            form = next(f for f, rows in v.forms.items() if set(rows) <= set(spec.rows))
        expected = [r for r in expected if r not in v.rows - set(v.forms[form])]
    all_rows = {r.id: r for t in sch.templates.values() for r in t.tables[table].rows.values()}
    extra = [r for r in all_rows if r in found and r not in expected]
    rows = [spec.rows.get(r) or all_rows[r] for r in expected + extra]
    columns = list(spec.columns.values())
    return PrintedTable(table, sch.titles.get(table, table), rows, columns)


def broken_cells(report: Report) -> set[str]:
    """Cells named by an error finding (a broken rule, an unreadable cell)."""
    return {c for f in report.findings if f.severity == "error" for c in f.cells}


def _shown(value: int | float | None) -> str:
    return "" if value is None else str(value)


def headline(report: Report) -> str:
    """One line: who, which year, what kind of body."""
    who = report.organization or "organisation not found"
    kind = " ".join(x for x in (report.level, report.body) if x)
    return " · ".join(x for x in (who, str(report.year) if report.year else "", kind) if x)


def short_repr(report: Report) -> str:
    src = report.source.path or "?"
    if report.status == "failed":
        codes = ", ".join(dict.fromkeys(e.code for e in report.errors)) or "no error recorded"
        return f"<Report failed: {codes} | {src}>"
    return (
        f"<Report {headline(report)} | {report.status}, template {report.template or '?'}, "
        f"{len(report.cells)} cells, {len(report.findings)} findings, {len(report.errors)} errors | {src}>"
    )


# -- notebook ------------------------------------------------------------------
# Inline styles only: a notebook page shares its CSS between cells, and some viewers drop <style>.
_TD = "border:1px solid #bbb;padding:1px 6px;text-align:right;white-space:nowrap"
_TH = "border:1px solid #bbb;padding:1px 6px;background:#f4f4f4;font-weight:normal"
_BROKEN = "background:#ffd0d0;color:#900;font-weight:bold"
_MISSING = "background:#eee;color:#999"
_STATUS = {"ok": "#1a7f37", "partial": "#b26b00", "failed": "#c00"}


def _cell_html(cid: str, cell: CellValue | None, broken: set[str]) -> str:
    e = html.escape
    if cell is None:
        return f"<td class='missing' data-cell='{e(cid)}' title='{e(cid)}: not found' style='{_TD};{_MISSING}'>?</td>"
    where = f"page {cell.page}" if cell.page else (cell.source or "")
    tip = f"{cid} · printed {cell.text!r} · {where} · {cell.method} · {cell.confidence:.2f}"
    cls, style = ("broken", f"{_TD};{_BROKEN}") if cid in broken else ("", _TD)
    return f"<td class='{cls}' data-cell='{e(cid)}' title='{e(tip)}' style='{style}'>{e(_shown(cell.value))}</td>"


def _header_html(table: PrintedTable) -> str:
    """The column labels; a grouped header (法人或其他组织) spans its columns on a row above."""
    e = html.escape
    if not any(c.group for c in table.columns):
        return f"<tr><th style='{_TH}'></th>" + "".join(f"<th style='{_TH}'>{e(c.label)}</th>"
                                                        for c in table.columns) + "</tr>"
    top, bottom = [f"<th rowspan='2' style='{_TH}'></th>"], []
    i = 0
    while i < len(table.columns):
        col = table.columns[i]
        if col.group is None:
            top.append(f"<th rowspan='2' style='{_TH}'>{e(col.label)}</th>")
            i += 1
            continue
        n = next((k for k in range(i, len(table.columns)) if table.columns[k].group != col.group), len(table.columns))
        top.append(f"<th colspan='{n - i}' style='{_TH}'>{e(col.group)}</th>")
        bottom += [f"<th style='{_TH}'>{e(c.label)}</th>" for c in table.columns[i:n]]
        i = n
    return f"<tr>{''.join(top)}</tr><tr>{''.join(bottom)}</tr>"


def table_html(report: Report, table: PrintedTable, broken: set[str]) -> str:
    e = html.escape
    out = [f"<table class='gongkai-table' data-table='{e(table.id)}' style='border-collapse:collapse;"
           f"font-size:12px;margin:4px 0 12px'><caption style='text-align:left;font-weight:bold;padding:2px 0'>"
           f"{e(table.title)}</caption>{_header_html(table)}"]
    for group, row in table.with_groups():
        if group:
            out.append(f"<tr><th colspan='{len(table.columns) + 1}' style='{_TH};text-align:left'>{e(group)}</th></tr>")
        indent = "padding-left:14px" if row.group else ""
        out.append(f"<tr><th style='{_TH};text-align:left;{indent}'>{e(row.label)}</th>")
        for col in table.columns:
            cid = f"{table.id}.{row.id}.{col.id}"
            out.append(_cell_html(cid, report.cells.get(cid), broken) if table.applies(row, col)
                       else f"<td style='{_TD}'></td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def report_html(report: Report) -> str:
    """A notebook's view: title, status, template, the three tables as printed, findings highlighted."""
    e = html.escape
    broken = broken_cells(report)
    colour = _STATUS.get(report.status, "#333")
    parts = [
        "<div class='gongkai-report' style='font-family:sans-serif;font-size:13px'>",
        f"<div style='font-size:15px;font-weight:bold'>{e(report.title or headline(report))}</div>",
        f"<div>{e(headline(report))} · <span class='status' style='color:#fff;background:{colour};"
        f"padding:0 5px;border-radius:3px'>{e(report.status)}</span> · template {e(report.template or '?')}"
        f" · {len(report.cells)} cells · {e(report.source.format or '?')}, {report.source.pages or '?'} pages"
        f" · <code>{e(report.source.path or '')}</code></div>",
    ]
    if report.findings or report.errors:
        parts.append("<ul class='findings' style='margin:6px 0;padding-left:18px'>")
        for err in report.errors:
            page = f" (page {err.page})" if err.page else ""
            parts.append(f"<li class='error' style='color:#c00'><b>{e(err.code)}</b>{page} {e(err.message)}</li>")
        for f in report.findings[:MAX_FINDINGS]:
            style = "color:#c00" if f.severity == "error" else "color:#8a6d00"
            parts.append(f"<li class='{e(f.severity)}' style='{style}'><b>{e(f.rule)}</b> {e(f.message)}</li>")
        if len(report.findings) > MAX_FINDINGS:
            parts.append(f"<li>… and {len(report.findings) - MAX_FINDINGS} more: <code>findings_frame()</code></li>")
        parts.append("</ul>")
    if report.status != "failed":
        parts += [table_html(report, printed_table(report, t), broken) for t in TABLES]
    parts.append("</div>")
    return "".join(parts)


# -- terminal ------------------------------------------------------------------
def print_report(report: Report, console: Console, file_hint: str, wrote: str | None = None) -> None:
    """A terminal's view, and where to look next."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    broken = broken_cells(report)
    colour = {"ok": "green", "partial": "yellow", "failed": "red"}.get(report.status, "white")
    if report.title:
        console.print(f"[bold]{escape(report.title)}[/]")
    console.print(f"{escape(headline(report))}  [bold {colour}]{report.status}[/]  template {report.template or '?'}  "
                  f"{len(report.cells)} cells  {report.source.format or '?'}, {report.source.pages or '?'} pages")
    if report.status != "failed":
        for t in TABLES:
            table = printed_table(report, t)
            # one line per row: labels are cut (…) rather than wrapped, numbers stay whole
            grid = Table(title=table.title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False,
                         title_style="bold")
            grid.add_column("", no_wrap=True, overflow="ellipsis", min_width=12, max_width=30)
            for col in table.columns:
                grid.add_column(col.label, justify="right", overflow="fold", min_width=4, max_width=10)
            for group, row in table.with_groups():
                if group:
                    grid.add_row(f"[dim]{escape(group)}[/]")
                cells = []
                for col in table.columns:
                    cid = f"{t}.{row.id}.{col.id}"
                    cell = report.cells.get(cid)
                    if not table.applies(row, col):
                        cells.append("")
                    elif cell is None:
                        cells.append("[dim]?[/]")
                    else:
                        shown = escape(_shown(cell.value))
                        cells.append(f"[bold red]{shown}[/]" if cid in broken else shown)
                grid.add_row(("  " if row.group else "") + escape(row.label), *cells)
            console.print(grid)
    for err in report.errors:
        console.print(f"[red]{escape(err.code)}[/]{f' (page {err.page})' if err.page else ''}: {escape(err.message)}")
    for f in report.findings[:MAX_FINDINGS]:
        style = "red" if f.severity == "error" else "yellow"
        console.print(f"[{style}]{escape(f.rule)}[/] {escape(f.message)}")
    if len(report.findings) > MAX_FINDINGS:
        console.print(f"… and {len(report.findings) - MAX_FINDINGS} more findings (in the JSON)")
    if not report.findings and report.status == "ok":
        console.print("[green]every rule holds[/]")
    console.print()
    console.print("[dim]next:[/]")
    if wrote:
        console.print(f"  the JSON report is in {escape(wrote)}", soft_wrap=True)
    else:
        console.print(f"  gongkai extract {escape(file_hint)} -o report.json  [dim]# the JSON report; or --json, "
                      "or a pipe[/]", soft_wrap=True)
    console.print(f"  gongkai review {escape(file_hint)} -o review.html  [dim]# every cell drawn on its page[/]",
                  soft_wrap=True)
