"""The ``gongkai`` command."""

from __future__ import annotations

import dataclasses
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn, TypeVar

import typer

from gongkai._version import __version__
from gongkai.extract.errors import GongkaiError
from gongkai.extract.options import Limits, Options

if TYPE_CHECKING:
    from gongkai.extract.domain.model import Report

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


def _limits(max_pages: int | None, pairs: list[str] | None) -> Limits:
    """Limits from --max-pages and repeated --limit NAME=VALUE (names as in extract.options.Limits)."""
    import dataclasses

    values: dict[str, int | float] = {}
    fields = {f.name: f for f in dataclasses.fields(Limits)}
    for pair in pairs or []:
        name, _, raw = pair.partition("=")
        name = name.strip().replace("-", "_")
        if name not in fields:
            raise typer.BadParameter(f"{name!r} is not a limit; use one of {', '.join(fields)}", param_hint="--limit")
        try:
            values[name] = float(raw) if fields[name].type in (float, "float") else int(raw)
        except ValueError:
            raise typer.BadParameter(f"{pair!r}: the value must be a number", param_hint="--limit") from None
    if max_pages is not None:
        values["max_pages"] = max_pages
    return Limits(**values)  # type: ignore[arg-type]


EXIT_DB_BUSY = 75
"""A command on a database another process has (sysexits' EX_TEMPFAIL: try again later)."""


def _fail(exc: GongkaiError) -> NoReturn:
    """One line, no traceback; exit 75 when another process has the database, else 1."""
    from gongkai.extract.archive.dblock import DatabaseBusy

    typer.echo(str(exc), err=True)
    raise typer.Exit(EXIT_DB_BUSY if isinstance(exc, DatabaseBusy) else 1) from None


_Command = TypeVar("_Command", bound=Callable[..., None])


def _opens_db(command: _Command) -> _Command:
    """A command that opens a results database: another process holding it past the wait is one line
    and exit 75 (``DatabaseBusy``), as for ``gongkai run``."""

    @functools.wraps(command)
    def wrapped(*args: object, **kwargs: object) -> None:
        from gongkai.extract.archive.dblock import DatabaseBusy

        try:
            command(*args, **kwargs)
        except DatabaseBusy as exc:
            _fail(exc)

    return wrapped  # type: ignore[return-value]

_LIMIT_HELP = "Raise or lower a resource limit, e.g. --limit max_text_lines=500000 (see README, Security)."

# The extraction flags, declared once and shared by `extract` and `run`.
LimitFlag = Annotated[list[str] | None, typer.Option("--limit", help=_LIMIT_HELP)]
StrategyFlag = Annotated[str, typer.Option(
    "--table-strategy",
    help="auto (pdfium, pdfplumber where it is unsure) | pdfplumber (every page) | camelot.")]
OcrFlag = Annotated[
    bool, typer.Option("--ocr/--no-ocr", help="OCR pages without a usable text layer (off: E_NO_TEXT).")
]
NarrativeFlag = Annotated[
    bool,
    typer.Option("--narrative/--no-narrative", help="Tag narrative items, sentences and stated counts (spaCy)."),
]


def _options(limits: Limits, table_strategy: str, ocr: bool, narrative: bool) -> Options:
    """One Options from the shared flags."""
    import dataclasses

    if table_strategy not in ("auto", "pdfplumber", "camelot"):
        raise typer.BadParameter("use auto, pdfplumber or camelot", param_hint="--table-strategy")
    base = Options()
    return Options(
        limits=limits,
        table_strategy=table_strategy,  # type: ignore[arg-type]
        ocr=dataclasses.replace(base.ocr, enabled=ocr),
        narrative=narrative,
    )


@app.command()
def extract(
    files: Annotated[
        list[Path], typer.Argument(help="The report file (PDF, Word, web page, text), or the page images of one.")
    ],
    out: Annotated[Path | None, typer.Option("--out", "-o", help="Write the JSON here.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON report on stdout even on a terminal.")
    ] = False,
    compact: Annotated[bool, typer.Option(help="One-line JSON.")] = False,
    table_strategy: StrategyFlag = "auto",
    max_pages: Annotated[
        int | None, typer.Option(help=f"Refuse PDFs with more pages (E_TOO_LARGE); default {Limits.max_pages}.")
    ] = None,
    limit: LimitFlag = None,
    ocr: OcrFlag = True,
    narrative: NarrativeFlag = True,
    strict: Annotated[
        bool, typer.Option(help="Raise a bug's real exception and traceback instead of an E_INTERNAL record.")
    ] = False,
) -> None:
    """Extract one report. Exit 0 for ok/partial, 1 for failed.

    On a terminal, a short view (who, status, the three tables, findings); the JSON report goes to
    pipes and files, to -o, and to stdout with --json. The JSON is the contract; the view is for reading.
    """
    options = dataclasses.replace(_options(_limits(max_pages, limit), table_strategy, ocr, narrative), strict=strict)
    report = _read_one(files[0] if len(files) == 1 else files, options)
    text = report.to_json(indent=None if compact else 2)
    if out:
        out.write_text(text + "\n", encoding="utf-8")
    view = not as_json and sys.stdout.isatty()
    if view:
        from rich.console import Console

        from gongkai.extract.interfaces.views import print_report

        print_report(report, Console(highlight=False), " ".join(str(f) for f in files), str(out) if out else None)
    elif as_json or not out:
        sys.stdout.write(text + "\n")
    if not view:  # the view lists them itself
        for err in report.errors:
            typer.echo(f"{err.code}: {err.message}", err=True)
    raise typer.Exit(1 if report.status == "failed" else 0)


def _read_one(source: Path | list[Path], options: Options) -> Report:
    """One report; the narrative pipeline loads in a helper process meanwhile (two cores: a one-report
    command spends about half its time importing spaCy and loading the pipeline, the other half reading)."""
    if not options.narrative:
        from gongkai.extract.pipeline import read_report

        return read_report(source, options)
    from gongkai.nlp.remote import claim

    with claim() as helper:
        from gongkai.extract.domain.narrative import use_analyser
        from gongkai.extract.pipeline import read_report

        with use_analyser(helper.analyse):
            return read_report(source, options)


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
    commit_every: Annotated[
        float, typer.Option(help="Seconds results wait before they are committed; the database is free for "
                                 "readers in between.")
    ] = 2.0,
    limit: LimitFlag = None,
    table_strategy: StrategyFlag = "auto",
    ocr: OcrFlag = True,
    narrative: NarrativeFlag = True,
) -> None:
    """Extract a whole archive into a DuckDB database; interrupted runs resume where they stopped.

    Exit 0 when done, 130 when interrupted, 75 when another process has the database.
    """
    import datetime as dt
    import os

    from gongkai.extract.archive.batch import RunOptions, run_batch
    from gongkai.extract.archive.inputs import read_list
    from gongkai.extract.archive.progress import RichProgress, print_summary
    from gongkai.extract.archive.tables import SchemaMismatch

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
        extract=_options(_limits(None, limit), table_strategy, ocr, narrative),
        scheduler=scheduler,  # type: ignore[arg-type]
        commit_every_s=commit_every,
    )
    try:
        with RichProgress(enabled=progress) as bar:
            summary = run_batch(paths, ro, bar.update, bar.notice)
    except SchemaMismatch as err:  # a database this version cannot write into: say what to do, no traceback
        typer.echo(f"{err.code}: {err.message}", err=True)
        raise typer.Exit(3) from None
    except GongkaiError as exc:  # another process has the database, or it cannot be made
        _fail(exc)
    print_summary(summary, db)
    raise typer.Exit(130 if summary.interrupted else 0)


@app.command()
@_opens_db
def export(
    db: Annotated[Path, typer.Option(help="The results database.")] = Path("results.duckdb"),
    to: Annotated[str, typer.Option(help="parquet, csv, xlsx or jsonl.")] = "parquet",
    out: Annotated[Path, typer.Option(help="Folder to write into.")] = Path("export"),
) -> None:
    """Export the database's tables (long) and views (wide) to files."""
    from gongkai.extract.archive.export import export_db

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
    from gongkai.extract.interfaces.debug import draw_page
    from gongkai.extract.pipeline import analyse_bytes

    doc, report = analyse_bytes(file.read_bytes(), Options())
    if doc is None or report.source.format != "pdf":
        typer.echo("debug drawing needs a readable PDF", err=True)
        raise typer.Exit(1)
    draw_page(file, page, doc, report).save(out)
    typer.echo(f"wrote {out}")


@app.command()
def review(
    files: Annotated[list[Path], typer.Argument(help="A report file (or the page images of one report, in order).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML page to write.")] = Path("review.html"),
) -> None:
    """Write a self-contained correction page: the pages with the extracted cells drawn, the cells to
    check first, the tables and the items; corrections are saved from the page as a JSON file for
    `gongkai import-corrections`."""
    from gongkai.extract.interfaces.review import render_review, unsure_cells
    from gongkai.extract.pipeline import read_report

    report = read_report(files[0] if len(files) == 1 else files)
    out.write_text(render_review(report, files), encoding="utf-8")
    typer.echo(f"wrote {out} ({report.status}, {len(report.cells)} cells, {len(unsure_cells(report))} to check, "
               f"{len(report.items)} items)")
    raise typer.Exit(1 if report.status == "failed" else 0)


@app.command("import-corrections")
def import_corrections_cmd(
    file: Annotated[Path, typer.Argument(help="A corrections file saved from a review page.")],
    db: Annotated[Path, typer.Option(help="The results database (gongkai run) holding the reviewed report.")] = Path(
        "results.duckdb"
    ),
) -> None:
    """Apply a person's corrections to the database: the values change (method `corrected`), the rules are
    checked again, the previous values are kept in the `corrections` table, and a re-run keeps them."""
    from gongkai.extract.archive.corrections import import_corrections, read_corrections
    from gongkai.extract.errors import GongkaiError

    if not db.exists():
        typer.echo(f"no database at {db}; run `gongkai run ... --db {db}` first", err=True)
        raise typer.Exit(1)
    try:
        result = import_corrections(db, read_corrections(file))
    except GongkaiError as exc:  # not a corrections file, no such report, or the database busy past 30 s
        _fail(exc)
    for o in result.outcomes:
        if o.applied:
            typer.echo(f"{o.target} {o.id}: {o.previous!r} -> corrected" + (f" ({o.reason})" if o.reason else ""))
        else:
            typer.echo(f"{o.target} {o.id}: not applied: {o.reason}", err=True)
    applied = sum(o.applied for o in result.outcomes)
    typer.echo(f"{applied} of {len(result.outcomes)} corrections applied to report {', '.join(result.report_ids)}")
    raise typer.Exit(0 if applied == len(result.outcomes) else 1)


def _load_report(path: Path) -> Report:
    """A report file, or a JSON report written by `gongkai extract`."""
    from gongkai.extract.domain.model import Report
    from gongkai.extract.pipeline import read_report

    if path.suffix.lower() == ".json":
        try:
            return Report.model_validate_json(path.read_text("utf-8"))
        except (OSError, ValueError) as exc:
            typer.echo(f"{path}: not a JSON report of `gongkai extract` ({type(exc).__name__})", err=True)
            raise typer.Exit(1) from None
    return read_report(path)


@app.command()
@_opens_db
def compare(
    files: Annotated[
        list[Path] | None, typer.Argument(help="Two report files, or JSON reports written by `gongkai extract`.")
    ] = None,
    db: Annotated[Path | None, typer.Option(help="Or: a run database (gongkai run), with --org and --years.")] = None,
    org: Annotated[str | None, typer.Option(help="The body's org_key (see the `bodies` view), with --db.")] = None,
    years: Annotated[str | None, typer.Option(help="Two years, e.g. 2022,2023, with --db.")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="HTML page to write.")] = Path("compare.html"),
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (same_body, org_keys, findings …), no page.")
    ] = False,
) -> None:
    """Compare two reports of a body: tables side by side, rules across years, recurring problems."""
    from gongkai.extract.domain.across.compare import compare_reports
    from gongkai.extract.interfaces.compare import render_compare

    if db is not None:
        from gongkai.extract.archive.across import Archive

        if files:
            raise typer.BadParameter("give two files or --db, not both")
        if not org or not years:
            raise typer.BadParameter("--db needs --org KEY and --years YEAR,YEAR", param_hint="--org/--years")
        try:
            y = [int(x) for x in years.split(",")]
        except ValueError:
            raise typer.BadParameter(f"{years!r}: two years, e.g. 2022,2023", param_hint="--years") from None
        if len(y) != 2:
            raise typer.BadParameter(f"{years!r}: two years, e.g. 2022,2023", param_hint="--years")
        if not db.exists():
            typer.echo(f"no database at {db}; run `gongkai run ARCHIVE --db {db}` first", err=True)
            raise typer.Exit(1)
        with Archive(db) as archive:
            try:
                cmp = archive.compare(org, y[0], y[1])
            except KeyError as exc:
                typer.echo(str(exc.args[0]), err=True)
                raise typer.Exit(1) from None
    else:
        if not files or len(files) != 2:
            raise typer.BadParameter("give two report files (or JSON reports), or --db with --org and --years")
        a, b = (_load_report(f) for f in files)
        for path, rep in zip(files, (a, b), strict=True):
            if rep.status == "failed":
                code = rep.errors[0].code if rep.errors else "failed"
                typer.echo(f"{path}: {code}: {rep.errors[0].message if rep.errors else ''}", err=True)
                raise typer.Exit(1)
        cmp = compare_reports(a, b)
    if as_json:
        sys.stdout.write(json.dumps(cmp.to_dict(), ensure_ascii=False, indent=2, default=str) + "\n")
        return
    out.write_text(render_compare(cmp), encoding="utf-8")
    same = "same body" if cmp.same_body else "different bodies"
    typer.echo(f"wrote {out} ({same}, {len(cmp.findings)} findings across years, {len(cmp.recurring)} narrative rows)")


_TRAINING_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".odt", ".html", ".htm", ".txt", ".json"}


def _reports_for_training(sources: list[Path], db: Path | None):
    """(doc name, Report) from report files, JSON reports (`gongkai extract` output) or a run database."""
    from gongkai.extract.domain.model import Report
    from gongkai.extract.pipeline import read_report

    if db is not None:
        from gongkai.extract.archive.dblock import open_results

        con = open_results(db)
        try:
            rows = con.execute("SELECT report_id, report_json FROM reports ORDER BY report_id").fetchall()
        finally:
            con.close()
        for rid, js in rows:
            yield str(rid), Report.model_validate_json(js)
    files: list[Path] = []
    for src in sources:
        files += sorted(p for p in src.rglob("*") if p.suffix.lower() in _TRAINING_SUFFIXES) if src.is_dir() else [src]
    for f in files:
        if f.suffix.lower() == ".json":
            data = json.loads(f.read_text("utf-8"))
            if "status" not in data or "sections" not in data:
                continue  # not a report (e.g. a ground-truth file)
            report = Report.model_validate(data)
            if not report.sentences:
                from gongkai.extract.domain.narrative import analyse_narrative

                analyse_narrative(report)
            yield f.stem, report
        else:
            yield f.stem, read_report(f)


_PAGE_SUFFIXES = {".pdf", ".docx", ".doc", ".wps", ".odt", ".html", ".htm", ".txt", ".png", ".jpg", ".jpeg", ".tif",
                  ".tiff"}


@app.command("export-training")
@_opens_db
def export_training(
    sources: Annotated[
        list[Path] | None, typer.Argument(help="Report files, JSON reports (gongkai extract) or folders of them.")
    ] = None,
    db: Annotated[Path | None, typer.Option(help="Or: a run database (gongkai run), corrections applied.")] = None,
    kind: Annotated[str, typer.Option(help="narrative, tables, cells or layout.")] = "narrative",
    fmt: Annotated[str, typer.Option("--format", help="narrative: spacy, jsonl or labelstudio.")] = "spacy",
    out: Annotated[Path, typer.Option("--out", "-o", help="Folder to write into.")] = Path("out/training"),
    dev_fraction: Annotated[float, typer.Option(help="narrative: share of documents held out as dev.")] = 0.2,
    seed: Annotated[int, typer.Option(help="Seed of the split.")] = 0,
    include_predicted: Annotated[
        bool, typer.Option(help="Also sentences labelled by the classifier (default: structure only).")
    ] = False,
    labelled: Annotated[
        list[Path] | None,
        typer.Option(help="Also the hand-labelled sentences of this YAML set (tests/nlp_test format); repeatable."),
    ] = None,
    labelled_repeat: Annotated[
        int, typer.Option(help="Copies of each hand-labelled sentence in train (they are few beside generated ones).")
    ] = 1,
    corrections: Annotated[
        list[Path] | None,
        typer.Option(help="Corrections files (gongkai review) to apply to the reports read from files; repeatable."),
    ] = None,
    dpi: Annotated[float, typer.Option(help="tables, cells, layout: resolution of the page images.")] = 150.0,
    val_fraction: Annotated[float, typer.Option(help="tables, cells, layout: share of documents in val.")] = 0.1,
    test_fraction: Annotated[float, typer.Option(help="tables, cells, layout: share of documents in test.")] = 0.1,
    licence: Annotated[str | None, typer.Option(help="The licence field of the data card (README.md).")] = None,
    degrade: Annotated[
        str | None,
        typer.Option(help="cells: also each crop degraded as a scan at this level (clean, hard; source checkout)."),
    ] = None,
) -> None:
    """Training data from extracted reports, split by document.

    narrative: labelled sentences (section) and spans (problem / improvement): train.spacy + dev.spacy
    (DocBin), train.jsonl + dev.jsonl (doccano-style), or train.json + dev.json (Label Studio tasks).
    tables: page images with table and cell boxes (COCO) and table crops with their structure (PubTabNet
    JSONL), from reports whose cells are certain. cells: numeric cell crops with their text and value
    (Hugging Face imagefolder). layout: page regions as COCO boxes. Each with a data card (README.md).
    """
    from gongkai.extract.archive.corrections import read_corrections
    from gongkai.extract.errors import GongkaiError

    if kind not in ("narrative", "tables", "cells", "layout"):
        raise typer.BadParameter("use narrative, tables, cells or layout", param_hint="--kind")
    try:
        fixes = [read_corrections(p) for p in corrections or []]
    except GongkaiError as exc:
        typer.echo(str(exc), err=True)
        raise typer.Exit(1) from None
    if kind != "narrative":
        _export_pages(kind, list(sources or []), db, out, fixes, dpi, seed, val_fraction, test_fraction, licence,
                      degrade)
        return
    from gongkai.extract.domain.corrections import apply_corrections
    from gongkai.extract.domain.narrative import training_examples
    from gongkai.nlp.training import labelled_examples, split, to_docbin, to_jsonl, to_labelstudio

    if fmt not in ("spacy", "jsonl", "labelstudio"):
        raise typer.BadParameter("use spacy, jsonl or labelstudio", param_hint="--format")
    if not sources and db is None and not labelled:
        raise typer.BadParameter("give report files/folders, --db or --labelled")
    by_sha = {cf.source.sha256: cf.corrections for cf in fixes}
    examples = []
    n_docs = 0
    for name, report in _reports_for_training(list(sources or []), db):
        if report.status == "failed":
            typer.echo(f"skipped {name}: {report.errors[0].code if report.errors else 'failed'}", err=True)
            continue
        if report.source.sha256 in by_sha:
            apply_corrections(report, by_sha[report.source.sha256])
        n_docs += 1
        examples += training_examples(report, name, include_predicted)
    for path in labelled or []:
        hand = labelled_examples(path)
        typer.echo(f"{path}: {len(hand)} hand-labelled sentences")
        examples += hand
    train_set, dev_set = split(examples, dev_fraction, seed)
    if labelled_repeat > 1:  # after the split, so a passage's copies stay on one side
        train_set += [e for e in train_set if e.meta.get("source") == "hand"] * (labelled_repeat - 1)
    writer = {"spacy": (to_docbin, ".spacy"), "jsonl": (to_jsonl, ".jsonl"), "labelstudio": (to_labelstudio, ".json")}
    write, suffix = writer[fmt]
    for part, exs in (("train", train_set), ("dev", dev_set)):
        n = write(exs, out / f"{part}{suffix}")
        typer.echo(f"{out / (part + suffix)}: {n} sentences")
    typer.echo(f"{n_docs} documents, {len(examples)} sentences")


def _export_pages(kind: str, sources: list[Path], db: Path | None, out: Path, fixes: list, dpi: float, seed: int,
                  val_fraction: float, test_fraction: float, licence: str | None, degrade: str | None) -> None:
    """The tables, cells and layout kinds: images and boxes, checked, with a data card."""
    import shlex

    from gongkai.extract.archive import training
    from gongkai.extract.errors import GongkaiError

    if not sources and db is None:
        raise typer.BadParameter("give report files/folders or --db")
    if degrade is not None:
        if kind != "cells":
            raise typer.BadParameter("only the cells kind is degraded", param_hint="--degrade")
        from gongkai.extract.archive.degradation import check_level

        try:
            check_level(degrade)
        except ValueError as exc:
            raise typer.BadParameter(str(exc), param_hint="--degrade") from None
        except GongkaiError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(1) from None
    if not 0 <= val_fraction + test_fraction < 1:
        raise typer.BadParameter("val and test fractions must add up to less than 1", param_hint="--val-fraction")
    files: list[Path] = []
    for src in sources:
        files += sorted(p for p in src.rglob("*") if p.suffix.lower() in _PAGE_SUFFIXES) if src.is_dir() else [src]
    docs = training.docs_from_db(db) if db is not None else training.docs_from_files(files, fixes)
    opts = training.ExportOptions(dpi=dpi, seed=seed, val_fraction=val_fraction, test_fraction=test_fraction,
                                  licence=licence or training.DEFAULT_LICENCE, degrade=degrade,
                                  command=shlex.join(["gongkai", *sys.argv[1:]]))
    out.mkdir(parents=True, exist_ok=True)
    card = training.EXPORTERS[kind](docs, out, opts)
    problems = training.check_export(out)
    totals = card.totals()
    typer.echo(f"{out}: " + ", ".join(f"{v} {k}" for k, v in sorted(totals.items())))
    for why, n in sorted(card.skipped.items()):
        typer.echo(f"  left out: {why}: {n}")
    for p in problems:
        typer.echo(f"box check: {p}", err=True)
    raise typer.Exit(1 if problems else 0)


@app.command("import-annotations")
def import_annotations(
    files: Annotated[list[Path], typer.Argument(help="Label Studio JSON exports or doccano JSONL exports.")],
    fmt: Annotated[str, typer.Option("--format", help="spacy or jsonl.")] = "spacy",
    out: Annotated[Path, typer.Option("--out", "-o", help="File to write (.spacy or .jsonl).")] = Path(
        "out/training/annotated.spacy"
    ),
    use_predictions: Annotated[
        bool, typer.Option(help="Label Studio tasks nobody annotated keep their pre-annotations.")
    ] = False,
) -> None:
    """Bring corrected annotations back as a spaCy DocBin or JSONL for `gongkai train`."""
    from gongkai.nlp.training import read_annotations, to_docbin, to_jsonl

    if fmt not in ("spacy", "jsonl"):
        raise typer.BadParameter("use spacy or jsonl", param_hint="--format")
    examples = [ex for f in files for ex in read_annotations(f, use_predictions)]
    n = to_docbin(examples, out) if fmt == "spacy" else to_jsonl(examples, out)
    typer.echo(f"{out}: {n} sentences ({sum(len(e.spans) for e in examples)} spans)")


@app.command()
def train(
    data: Annotated[Path, typer.Argument(help="Folder with train.spacy and dev.spacy (gongkai export-training).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Where the trained pipeline goes.")] = Path(
        "models/gongkai_narrative"
    ),
    seed: Annotated[int, typer.Option(help="Random seed (same data + seed = same model).")] = 0,
    max_steps: Annotated[int | None, typer.Option(help="Override the config's training.max_steps.")] = None,
) -> None:
    """Train the section classifier with nlp/config.cfg, evaluate on dev, write the pipeline."""
    from gongkai.nlp.training import train as nlp_train

    for part in ("train.spacy", "dev.spacy"):
        if not (data / part).exists():
            typer.echo(f"no {data / part}; run `gongkai export-training ... --format spacy --out {data}`", err=True)
            raise typer.Exit(1)
    scores = nlp_train(data, out, seed=seed, max_steps=max_steps)
    typer.echo(json.dumps({"model": str(out), "dev": scores}, ensure_ascii=False, indent=2))


@app.command("train-learned")
def train_learned_cmd(
    labelled: Annotated[
        list[Path], typer.Argument(help="Hand-labelled YAML sets (tests/nlp_test format) to train on.")
    ],
    model: Annotated[Path, typer.Option("--model", "-m", help="The pipeline folder to add the CRFs to.")] = Path(
        "models/gongkai_narrative"
    ),
    sections_only: Annotated[
        list[Path] | None,
        typer.Option("--sections-only", help="A set whose sentence sections (not items) train the section CRF "
                                             "(python -m tests.generator.sections); repeatable."),
    ] = None,
    settled: Annotated[
        list[Path] | None,
        typer.Option("--settled", help="One of the labelled sets written to the comma rule settled in round 7 "
                                       "(separate problem clauses); the others' comma-joined problems are not "
                                       "taught to the clause tagger; repeatable."),
    ] = None,
    sections_read: Annotated[
        list[Path] | None,
        typer.Option("--sections-read", help="A hand-labelled set whose sentence sections train the section CRF, "
                                             "read with the classifier, and whose items were not labelled "
                                             "(sections6_heldout); repeatable."),
    ] = None,
) -> None:
    """Train the item CRF and the sentence-section CRF into a trained pipeline (deterministic)."""
    from gongkai.nlp.training import train_learned

    if not (model / "config.cfg").is_file():
        typer.echo(f"no pipeline at {model}; run `gongkai train` first", err=True)
        raise typer.Exit(1)
    report = train_learned(model, labelled, sections_only or [], settled or [], sections_read or [])
    typer.echo(json.dumps({"model": str(model), **report}, ensure_ascii=False, indent=2))


@app.command("schema")
def schema_cmd() -> None:
    """Print the JSON Schema of the report (generated from the models)."""
    from gongkai.extract.domain.model import Report

    sys.stdout.write(json.dumps(Report.model_json_schema(), ensure_ascii=False, indent=2) + "\n")


if __name__ == "__main__":
    app()
