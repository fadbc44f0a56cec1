"""The ``gongkai`` command."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from . import __version__
from .model import Report
from .options import Limits, Options
from .pipeline import read_report

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Government information disclosure annual reports as validated data.",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"gongkai {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """gongkai: 政府信息公开工作年度报告 -> clean, validated data."""


@app.command()
def extract(
    files: Annotated[list[Path], typer.Argument(help="The report file (PDF, Word, web page or text).")],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the JSON here instead of stdout.")] = None,
    compact: Annotated[bool, typer.Option(help="One-line JSON.")] = False,
    table_strategy: Annotated[str, typer.Option(help="auto | pdfplumber | camelot")] = "auto",
    max_pages: Annotated[int, typer.Option(help="Refuse PDFs with more pages (E_TOO_LARGE).")] = Limits.max_pages,
) -> None:
    """Extract one report and print it as JSON. Exit 0 for ok/partial, 1 for failed."""
    if table_strategy not in ("auto", "pdfplumber", "camelot"):
        raise typer.BadParameter("use auto, pdfplumber or camelot", param_hint="--table-strategy")
    options = Options(limits=Limits(max_pages=max_pages), table_strategy=table_strategy)  # type: ignore[arg-type]
    report = read_report(files[0] if len(files) == 1 else files, options)
    text = report.to_json(indent=None if compact else 2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    for err in report.errors:
        typer.echo(f"{err.code}: {err.message}", err=True)
    raise typer.Exit(1 if report.status == "failed" else 0)


@app.command()
def debug(
    file: Annotated[Path, typer.Argument(help="A PDF report.")],
    page: Annotated[int, typer.Option(help="1-based page to draw.")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="PNG to write.")] = Path("page.png"),
) -> None:
    """Draw the tables, text lines and mapped cells found on one PDF page."""
    from .debug import draw_page
    from .pipeline import analyse_bytes

    doc, report = analyse_bytes(file.read_bytes(), Options())
    if doc is None or report.source.format != "pdf":
        typer.echo("debug drawing needs a readable PDF", err=True)
        raise typer.Exit(1)
    draw_page(file, page, doc, report).save(out)
    typer.echo(f"wrote {out}")


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the report (generated from the models)."""
    sys.stdout.write(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    app()
