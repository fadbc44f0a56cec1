"""The JSON report: the output contract other tools (and the checks) rely on.

``schemas/report.schema.json`` is generated from these models
(``gongkai schema > schemas/report.schema.json``); a test keeps the two in step.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from gongkai.extract.layout import PageDecision, PageReason

if TYPE_CHECKING:
    import pandas as pd

    from gongkai.extract.layout import Cell

SCHEMA_VERSION = "1.0"

Status = Literal["ok", "partial", "failed"]
Severity = Literal["error", "warning", "info"]


# The one type of a table value from the mapping on: the mapping makes it from the printed
# ``layout.Cell`` (``CellValue.printed``), the repair changes it in place, and the report, the
# JSON and the database's ``cells`` table carry it. (Model docstrings are schema descriptions.)
class CellValue(BaseModel):
    """One printed table value with its provenance."""

    value: int | float | None = Field(
        description="The printed number; null for a blank cell or a printed '/', '—', '无'."
    )
    text: str = Field("", description="The cell text as printed.")
    page: int | None = Field(None, description="1-based page, for paged formats.")
    bbox: tuple[float, float, float, float] | None = Field(None, description="x0, top, x1, bottom in PDF points.")
    source: str | None = Field(None, description="Element path for formats without pages (table/row/col, line).")
    method: str = Field("text", description="'text' (text layer or markup), 'ocr:<engine>', or 'repaired:<rule>'.")
    confidence: float = Field(1.0, ge=0.0, le=1.0)
    table: str
    row: str
    column: str
    alternatives: SkipJsonSchema[tuple[tuple[str, float], ...]] = Field((), exclude=True, repr=False)
    """Other readings OCR gave (text, confidence), for the repair to choose among; not in the JSON."""

    @classmethod
    def printed(cls, cell: Cell, value: int | float | None, table: str, row: str, column: str) -> CellValue:
        """The report's cell for a printed one: its provenance is carried over here, and only here."""
        return cls(value=value, text=cell.text.strip(), page=cell.page, bbox=cell.bbox, source=cell.source,
                   method=cell.method, confidence=cell.confidence, table=table, row=row, column=column,
                   alternatives=cell.alternatives)


class Finding(BaseModel):
    """Something wrong in the report's own content (a broken rule, a missing table)."""

    rule: str = Field(description="Rule id from the data dictionary, or a 'missing.*' / 'unreadable.*' check.")
    severity: Severity
    where: str | None = Field(
        None, description="'applications.*.total' (a column) or 'review_litigation.review.*' (a row)."
    )
    cells: list[str] = Field(default_factory=list)
    message: str
    expected: float | None = None
    printed: float | None = None


class ErrorRecord(BaseModel):
    """A problem reading the input; ``code`` is stable, ``message`` says what to do."""

    code: str
    message: str
    page: int | None = None


class SectionText(BaseModel):
    title: str
    text: str
    page: int | None = None


class Item(BaseModel):
    """A problem or improvement stated in the narrative (filled by the NLP pipeline)."""

    label: str = Field(description="'problem' or 'improvement'.")
    topic: str | None = Field(None, description="What it is about, from the taxonomy of nlp/topics.py.")
    section: str | None = Field(None, description="Sentence section label: 'problems' or 'improvements'.")
    text: str
    start: int | None = Field(None, description="Offset into sections[section_id].text.")
    end: int | None = None
    confidence: float | None = None
    section_id: str | None = Field(None, description="The report section whose text start/end index.")


class Sentence(BaseModel):
    """A narrative sentence with its section label (overall, on_request, problems, fees …)."""

    section: str
    section_id: str = Field(description="The report section whose text start/end index.")
    start: int
    end: int
    text: str
    confidence: float = Field(ge=0.0, le=1.0)
    source: str = Field(description="'heading', 'cue' (a lead-in or list) or 'classifier'.")


class Fact(BaseModel):
    """A count the narrative states (主动公开政府信息N条, 受理申请N件 …), normalised."""

    kind: str = Field(description="active_disclosure, applications_received, policy_interpretations, "
                      "policy_documents, fees, admin_review, admin_litigation, training_sessions")
    value: float
    text: str
    section_id: str
    start: int
    end: int
    approximate: bool = Field(False, description="'5500余条': at least the value.")
    cells: list[str] = Field(default_factory=list, description="Table cells it disagrees with, if any.")


class Source(BaseModel):
    path: str | None = None
    paths: list[str] = Field(default_factory=list, description="All input files of this report (e.g. page photos).")
    sha256: str | None = None
    format: str | None = None
    pages: int | None = None
    bytes: int | None = None




class PageRecord(BaseModel):
    number: int
    method: str = "text"
    chars: int = 0
    note: str | None = None
    decision: PageDecision = Field(
        "text", description="'text' (text layer used), 'ocr' (page image read), 'mixed' (text layer + OCR of pictures)."
    )
    reason: PageReason | None = Field(None, description="Why the page was not read from its text layer alone.")


# geometry and quality of one table fragment, made by the mapping, for debugging and review pages
class TableRecord(BaseModel):
    kind: str | None
    page: int | None
    bbox: tuple[float, float, float, float] | None
    method: str
    quality: float
    rows: int
    cols: int
    cells_mapped: int


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    extractor_version: str = ""
    status: Status
    template: str | None = Field(None, description="'2021' or '2019', as the printed rows say.")
    template_variant: dict[str, str] = Field(default_factory=dict)
    organization: str | None = None
    year: int | None = None
    level: str | None = Field(None, description="省 / 市 / 县 / 区 / 乡镇 / 街道 / 部门")
    publication_date: date | None = None
    title: str | None = None
    cells: dict[str, CellValue] = Field(default_factory=dict)
    findings: list[Finding] = Field(default_factory=list)
    sections: dict[str, SectionText] = Field(default_factory=dict)
    items: list[Item] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    facts: list[Fact] = Field(default_factory=list)
    errors: list[ErrorRecord] = Field(default_factory=list)
    source: Source = Field(default_factory=Source)
    pages: list[PageRecord] = Field(default_factory=list)
    tables: list[TableRecord] = Field(default_factory=list)
    timings: dict[str, float] = Field(default_factory=dict)

    # -- notebook helpers ---------------------------------------------------
    def values(self) -> dict[str, int | float | None]:
        return {k: c.value for k, c in self.cells.items()}

    def cells_frame(self) -> pd.DataFrame:
        """Long format: one row per cell with its provenance."""
        import pandas as pd

        rows = [{"cell": k, **c.model_dump()} for k, c in self.cells.items()]
        cols = ["cell", "table", "row", "column", "value", "text", "page", "bbox", "source", "method", "confidence"]
        return pd.DataFrame(rows, columns=cols)

    def table_frame(self, table: str) -> pd.DataFrame:
        """One standard table in wide form (rows x columns), as printed."""
        df = self.cells_frame()
        df = df[df["table"] == table]
        wide = df.pivot(index="row", columns="column", values="value")
        order_r = list(dict.fromkeys(df["row"]))
        order_c = list(dict.fromkeys(df["column"]))
        return wide.reindex(index=order_r, columns=order_c)

    def findings_frame(self) -> pd.DataFrame:
        import pandas as pd

        return pd.DataFrame([f.model_dump() for f in self.findings], columns=list(Finding.model_fields))

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)
