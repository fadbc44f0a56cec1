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
def run(
    sources: Annotated[list[Path], typer.Argument(help="Folders, zip archives or files (recursively).")],
    db: Annotated[Path, typer.Option(help="DuckDB database to write (created if missing).")] = Path("results.duckdb"),
    workers: Annotated[int, typer.Option(help="Worker processes (default: all cores).")] = 0,
    timeout: Annotated[float, typer.Option(help="Seconds per document before E_TIMEOUT.")] = 300.0,
    memory_mb: Annotated[int, typer.Option(help="Memory cap per worker in MB (E_MEMORY above).")] = 3072,
    force: Annotated[bool, typer.Option(help="Re-run documents already in the database.")] = False,
    since: Annotated[str | None, typer.Option(help="Only files modified on/after this date (YYYY-MM-DD).")] = None,
    from_list: Annotated[Path | None, typer.Option(help="A file listing input paths, one per line.")] = None,
    engine: Annotated[str, typer.Option(help="local (process pool) or dask.")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address, e.g. tcp://host:8786.")] = None,
    progress: Annotated[bool, typer.Option(help="Show a progress bar.")] = True,
) -> None:
    """Extract a whole archive into a DuckDB database; interrupted runs resume where they stopped."""
    import datetime as dt
    import os

    from .batch import RunOptions, run_batch
    from .inputs import read_list
    from .progress import RichProgress, print_summary

    if engine not in ("local", "dask"):
        raise typer.BadParameter("use local or dask", param_hint="--engine")
    paths = list(sources) + (read_list(from_list) if from_list else [])
    since_ts = dt.datetime.fromisoformat(since).timestamp() if since else None
    ro = RunOptions(
        db=db,
        workers=workers or os.cpu_count() or 1,
        timeout_s=timeout,
        memory_mb=memory_mb,
        force=force,
        since=since_ts,
        engine=engine,
        scheduler=scheduler,  # type: ignore[arg-type]
    )
    with RichProgress(enabled=progress) as bar:
        summary = run_batch(paths, ro, bar.update)
    print_summary(summary, db)
    raise typer.Exit(130 if summary.interrupted else 0)


@app.command()
def export(
    db: Annotated[Path, typer.Option(help="The results database.")] = Path("results.duckdb"),
    to: Annotated[str, typer.Option(help="parquet, csv, xlsx or jsonl.")] = "parquet",
    out: Annotated[Path, typer.Option(help="Folder to write into.")] = Path("export"),
) -> None:
    """Export the database's tables (long) and views (wide) to files."""
    from .export import export_db

    if to not in ("parquet", "csv", "xlsx", "jsonl"):
        raise typer.BadParameter("use parquet, csv, xlsx or jsonl", param_hint="--to")
    if not db.exists():
        typer.echo(f"no database at {db}; run `gongkai run ... --db {db}` first", err=True)
        raise typer.Exit(1)
    for path in export_db(db, to, out):  # type: ignore[arg-type]
        typer.echo(str(path))


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


@app.command()
def review(
    file: Annotated[Path, typer.Argument(help="A report file.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML page to write.")] = Path("review.html"),
) -> None:
    """Write a self-contained HTML page: page images with the extracted cells drawn, and the tables."""
    from .review import render_review

    report = read_report(file)
    out.write_text(render_review(report, file if report.source.format == "pdf" else None), encoding="utf-8")
    typer.echo(f"wrote {out} ({report.status}, {len(report.cells)} cells, {len(report.findings)} findings)")
    raise typer.Exit(1 if report.status == "failed" else 0)


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the report (generated from the models)."""
    sys.stdout.write(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    app()
