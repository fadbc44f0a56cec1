"""One report in, one validated ``Report`` out.

Every failure becomes a coded error on a ``failed`` report; a page or a table that
fails makes the report ``partial``; nothing raises out of ``read_report``.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import time
from collections.abc import Sequence
from pathlib import Path

from gongkai._version import __version__
from gongkai.extract.archive.inputs import display_path, read_file
from gongkai.extract.domain.across.orgs import identify_report
from gongkai.extract.domain.mapping import Mapping, confirm_inferred, map_tables
from gongkai.extract.domain.metadata import find_metadata
from gongkai.extract.domain.model import (
    ErrorRecord,
    Finding,
    PageRecord,
    Report,
    SectionText,
    Source,
)
from gongkai.extract.domain.readings import choose_readings
from gongkai.extract.domain.repair import doubt_blanks, doubt_contradicted, doubt_lone_blanks, repair_cells
from gongkai.extract.domain.rules import RuleChecker
from gongkai.extract.domain.schema import Schema, schema
from gongkai.extract.domain.sections import find_sections
from gongkai.extract.errors import TRUNCATED, GongkaiError, NotAReport, NotPageImages
from gongkai.extract.input.readers import read_document
from gongkai.extract.input.sniff import sniff
from gongkai.extract.layout import Document, PageInfo
from gongkai.extract.options import Options

log = logging.getLogger(__name__)

# Map-stage problems that are errors of extraction (not of the report's content)
UNSURE_BLANK = 0.5
"""An OCR cell read empty with less confidence than this is not taken for a printed blank."""
_EXTRACTION_CODES = {"E_RAGGED_ROW", "E_UNPLACED_VALUE", "E_DUPLICATE_CELL"}


def read_report(
    source: str | Path | Sequence[str | Path], options: Options | None = None, *, strict: bool | None = None
) -> Report:
    """Extract one report from a file (or the page images of one report); never raises for bad input.

    ``strict=True`` (or ``Options(strict=True)``) raises a bug's real exception instead of E_INTERNAL.
    """
    options = options or Options()
    if strict is not None:
        options = dataclasses.replace(options, strict=strict)
    paths = [Path(source)] if isinstance(source, (str, Path)) else [Path(p) for p in source]
    started = time.perf_counter()
    src = Source(path=display_path(paths[0]) if paths else None, paths=[display_path(p) for p in paths])
    try:
        if len(paths) > 1:  # the pages of one report photographed or scanned to separate files
            return analyse_pages([read_file(p, options.limits) for p in paths], options, src, started)[1]
        if not paths:
            raise GongkaiError("no input file given")
        data = read_file(paths[0], options.limits)
        return extract_bytes(data, options, src, started)
    except GongkaiError as exc:
        return failed_report(src, exc, started)
    except Exception as exc:
        if options.strict:
            raise
        log.warning("E_INTERNAL on %s (a bug: please report it with the file)", src.path, exc_info=True)
        return failed_report(src, GongkaiError(f"unexpected {type(exc).__name__}: {exc}"), started)


def extract_bytes(data: bytes, options: Options, src: Source | None = None, started: float | None = None) -> Report:
    """The pipeline proper, on bytes already in memory (the batch runner calls this)."""
    return analyse_bytes(data, options, src, started)[1]


def analyse_bytes(
    data: bytes, options: Options, src: Source | None = None, started: float | None = None
) -> tuple[Document | None, Report]:
    """The report and the layout document it came from (for drawing and debugging)."""
    started = started if started is not None else time.perf_counter()
    src = src or Source()
    src.sha256 = hashlib.sha256(data).hexdigest()
    src.bytes = len(data)
    doc: Document | None = None
    try:
        src.format = sniff(data)
        t0 = time.perf_counter()
        doc = read_document(data, src.format, options)
        src.pages = doc.n_pages or None
        t1 = time.perf_counter()
        return doc, _finish(build_report(doc, schema(), src), options, started, t0, t1)
    except GongkaiError as exc:
        return doc, _failed_after_reading(src, exc, started, doc)


def analyse_pages(
    files: list[bytes], options: Options, src: Source | None = None, started: float | None = None
) -> tuple[Document | None, Report]:
    """Several page images (PNG/JPEG/TIFF) of one report, in order, as one report."""
    from gongkai.extract.input.readers.scan import read_images
    from gongkai.extract.input.sniff import IMAGE

    started = started if started is not None else time.perf_counter()
    src = src or Source()
    src.sha256 = hashlib.sha256(b"".join(hashlib.sha256(f).digest() for f in files)).hexdigest()
    src.bytes = sum(len(f) for f in files)
    doc: Document | None = None
    try:
        formats = [sniff(f) for f in files]
        if any(f != IMAGE for f in formats):
            names = [Path(p).name for p in src.paths] or [str(i + 1) for i in range(len(files))]
            others = ", ".join(f"{n} is {f}" for n, f in zip(names, formats, strict=False) if f != IMAGE)
            raise NotPageImages(f"{len(files)} files were given as the pages of one report, but {others}")
        src.format = IMAGE
        t0 = time.perf_counter()
        doc = read_images(files, options)
        src.pages = doc.n_pages or None
        t1 = time.perf_counter()
        return doc, _finish(build_report(doc, schema(), src), options, started, t0, t1)
    except GongkaiError as exc:
        return doc, _failed_after_reading(src, exc, started, doc)


def build_report(doc: Document, sch: Schema, src: Source) -> Report:
    """From a layout document to a validated report (no I/O here)."""
    mapping = map_tables(doc, sch)
    lines = doc.lines()
    sections, preamble = find_sections(lines)
    meta = find_metadata(lines, sections, preamble)
    errors = _page_errors(doc)
    top_sections = [s for s in sections if "." not in s]
    # a file cut off after its title is still that report: partial, with every table missing
    cut_report = meta.title is not None and any(e.code == TRUNCATED for e in doc.errors)
    if not mapping.cells and len(top_sections) < 2 and not cut_report:
        raise NotAReport("neither the six sections nor the standard tables were found")
    checker = RuleChecker(sch)
    choose_readings(mapping, doc, sch, checker)  # scanned tables: the grid's or the labels' reading
    repair_cells(mapping.cells, checker)  # OCR cells only: unsure readings chosen by the rules
    doubt_contradicted(mapping.cells, checker)  # and none is sure where the arithmetic still fails
    doubt_lone_blanks(mapping.cells)  # nor an empty cell among numbers (a faint 0 lost)
    confirm_inferred(mapping.cells, checker.confirmed({k: c.value for k, c in mapping.cells.items()}))  # rules vouch
    doubt_blanks(mapping.cells)  # and no cell read empty is sure

    cells = mapping.cells
    findings: list[Finding] = []
    for issue in mapping.issues:
        if issue.code in _EXTRACTION_CODES:
            errors.append(ErrorRecord(code=issue.code, message=issue.message, page=issue.page))
        else:
            findings.append(Finding(rule="unreadable.cell", severity="error", cells=issue.cells, message=issue.message))
    named = {cid for f in findings for cid in f.cells}
    for cid, c in cells.items():  # an empty OCR cell nobody is sure is blank is no value: say so
        if c.value is None and c.method.startswith("ocr") and c.confidence < UNSURE_BLANK and cid not in named:
            findings.append(Finding(rule="unreadable.cell", severity="error", cells=[cid],
                                    message=f"{cid}: read as empty with confidence {c.confidence:.2f}"))
    template, variant, missing = _template_and_missing(mapping, sch, meta.year)
    findings.extend(missing)
    for v in checker.check({k: c.value for k, c in cells.items()}):
        findings.append(
            Finding(
                rule=v.rule,
                severity="error",
                where=v.where,
                cells=v.cells,
                message=v.message,
                expected=v.expected,
                printed=v.printed,
            )
        )
    if cells and all(c.value is None for c in cells.values()):
        findings.append(Finding(rule="blank.tables", severity="warning",
                                message="every table cell is blank: an unfilled template?"))
    incomplete = any(f.rule.startswith(("missing.", "unreadable.")) for f in findings) or any(
        e.code.startswith("E_") for e in errors
    )
    report = Report(
        extractor_version=__version__,
        status="partial" if incomplete else "ok",
        template=template,
        template_variant=variant,
        organization=meta.organization,
        year=meta.year,
        level=meta.level,
        body=meta.body,
        publication_date=meta.publication_date,
        title=meta.title,
        cells=cells,
        findings=findings,
        sections={k: SectionText(title=s.title, text=s.text, page=s.page) for k, s in sections.items()},
        errors=errors,
        source=src,
        pages=[_page_record(p) for p in doc.pages],
        tables=mapping.tables,
    )
    identify_report(report)  # org_key and place: the body across years (extract/domain/across)
    return report


def _finish(report: Report, options: Options, started: float, t0: float, t1: float) -> Report:
    """The narrative (unless switched off) and the timings: reading t0-t1, then analysis."""
    t2 = time.perf_counter()
    if options.narrative:
        _narrative(report, options.strict)
    t3 = time.perf_counter()
    report.timings = {"read": round(t1 - t0, 4), "analyse": round(t2 - t1, 4), "narrative": round(t3 - t2, 4),
                      "total": round(t3 - started, 4)}
    return report


def _narrative(report: Report, strict: bool = False) -> None:
    """Items, sentence sections and stated counts; a failure here costs the narrative, not the report."""
    from gongkai.extract.domain.narrative import analyse_narrative

    try:
        analyse_narrative(report)
    except Exception as exc:
        if strict:
            raise
        log.warning("narrative analysis failed: %s", exc, exc_info=log.isEnabledFor(logging.DEBUG))
        report.errors.append(ErrorRecord(code="W_NLP", message=f"narrative analysis failed: {exc}"))


def _template_and_missing(mapping: Mapping, sch: Schema, year: int | None) -> tuple[str, dict[str, str], list[Finding]]:
    """Which template the printed rows follow, and what a report of that template lacks."""
    found_rows: dict[str, set[str]] = {}
    for c in mapping.cells.values():
        found_rows.setdefault(c.table, set()).add(c.row)
    template = mapping.active_template or ("2019" if year and year < 2021 else "2021")
    variant: dict[str, str] = {"active_disclosure": mapping.active_template or "not found"}
    forms = {name: v.form_printed(found_rows.get(v.table, set())) for name, v in sch.variants.items()}
    variant.update({name: form or "not found" for name, form in forms.items()})
    findings: list[Finding] = []
    for table, spec in sch.templates[template].tables.items():
        rows = found_rows.get(table)
        if not rows:
            findings.append(
                Finding(
                    rule="missing.table",
                    severity="error",
                    where=f"{table}.*.*",
                    message=f"the {table} table was not found",
                )
            )
            continue
        expected = set(spec.rows)
        for name, v in sch.variants.items():
            if v.table == table:  # the rows of the form it prints, not of the others
                expected = (expected - v.rows) | set(v.forms[forms[name] or v.otherwise])
        labels = {r.id: r.label for t in sch.templates.values() for r in t.tables[table].rows.values()}
        order = {r: i for i, r in enumerate(labels)}
        for row in sorted(expected - rows, key=lambda r: order.get(r, len(order))):
            findings.append(
                Finding(
                    rule="missing.row",
                    severity="error",
                    where=f"{table}.{row}.*",
                    message=f"row {table}.{row} ({labels.get(row, row)}) was not found",
                )
            )
        for row in expected & rows:
            for col in spec.columns_for(row):
                cid = f"{table}.{row}.{col.id}"
                if cid not in mapping.cells:
                    findings.append(
                        Finding(
                            rule="missing.cell",
                            severity="error",
                            cells=[cid],
                            where=cid,
                            message=f"{cid} ({labels.get(row, row)} / {col.label}) could not be read",
                        )
                    )
    return template, variant, findings


def _failed_after_reading(src: Source, exc: GongkaiError, started: float, doc: Document | None) -> Report:
    """A failed report that keeps what the pages said: it comes first, as it is usually why nothing was found."""
    report = failed_report(src, exc, started)
    if doc is not None:
        report.errors = _page_errors(doc) + report.errors
        report.pages = [_page_record(p) for p in doc.pages]
    return report


def _page_errors(doc: Document) -> list[ErrorRecord]:
    return [ErrorRecord(code=e.code, message=e.message, page=e.page) for e in doc.errors]


def _page_record(p: PageInfo) -> PageRecord:
    return PageRecord(
        number=p.number, method=p.method, chars=p.n_chars, note=p.note, decision=p.decision or "text", reason=p.reason
    )


def failed_report(src: Source, exc: GongkaiError, started: float) -> Report:
    """A report that carries only the coded error (and what was known of the source)."""
    return Report(
        extractor_version=__version__,
        status="failed",
        source=src,
        errors=[ErrorRecord(code=exc.code, message=exc.message, page=exc.page)],
        timings={"total": round(time.perf_counter() - started, 4)},
    )
