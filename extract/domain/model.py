"""The JSON report: the output contract other tools (and the checks) rely on.

``schemas/report.schema.json`` is generated from these models
(``gongkai schema > schemas/report.schema.json``); a test keeps the two in step.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field
from pydantic.json_schema import SkipJsonSchema

from gongkai.extract.layout import PageDecision, PageReason

if TYPE_CHECKING:
    from collections.abc import Iterable

    import pandas as pd

    from gongkai.extract.layout import Cell

SCHEMA_VERSION = "1.0"

# cells_frame(): the long format's columns and their dtypes (nullable: a blank is <NA>, never NaN)
CELL_COLUMNS = ["cell", "table", "row", "column", "value", "amount", "text", "page", "bbox", "source", "method",
                "confidence"]
CELL_DTYPES = {"value": "Int64", "amount": "Float64", "page": "Int64", "confidence": "Float64"}

Status = Literal["ok", "partial", "failed"]
Severity = Literal["error", "warning", "info"]


class Doubt(Enum):
    """Why a scanned cell claims less than its reading does (``CellValue.doubt``), and the most it lets the cell
    claim: each kind's cap is here and only here, the same wherever the doubt is raised. A doubt about the
    value's place (its row or column) outlives a repair, which only chooses among the cell's readings;
    a doubt about the reading does not."""

    INFERRED = ("its row or column inferred from count, printed order or alignment, not read from a label or a "
                "header (a line more or less, or a label lost, moves every such place); the rules may vouch",
                True, 0.75)
    AMBIGUOUS = ("another placement (the header's other fit, the neighbouring column or row) explains it as well; "
                 "the rules cannot settle it (a row group shifted whole still sums)", True, 0.6)
    ORDERED = ("its row taken from the template's printed order alone, no label read: the rules cannot tell a "
               "row from its neighbour in a group that still sums, so they never vouch", True, 0.75)
    ALIGNED = ("no ruled grid: placed by the text's alignment alone", True, 0.75)
    SHIFTED = ("taken from a line of the other reading that matches its neighbour", True, 0.3)
    DISAGREED = ("the table's other reading says otherwise with some conviction", False, 0.6)
    CONTRADICTED = ("a rule the report still breaks runs through it: one of the rule's cells is wrong", False, 0.7)
    CROSSED = ("two or more broken rules meet in it (a row's and a column's sum): the likeliest culprit", False, 0.4)
    EMPTY = ("read empty: no ink is what a print lifted with a seal's colour, a faint 0 or a blank all look like; "
             "still a value, only not a sure one", False, 0.75)
    LONE_BLANK = ("read empty in a table whose convention for nothing is 0: more often a faint 0 the scan lost "
                  "than a cell left empty (below the pipeline's UNSURE_BLANK: reported unreadable)", False, 0.45)

    def __init__(self, why: str, place: bool, most: float) -> None:
        self.why = why
        self.place = place
        self.most = most


def held(read: float, doubts: Iterable[Doubt]) -> float:
    """What a reading claiming ``read`` may claim under ``doubts`` (several: the lowest cap holds)."""
    return min([read, *(d.most for d in doubts)])


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
    read: SkipJsonSchema[float] = Field(1.0, exclude=True, repr=False)
    """What the cell's reading claims before any doubt (``confidence`` is this less its doubts); not in the JSON."""
    doubts: SkipJsonSchema[set[Doubt]] = Field(default_factory=set, exclude=True, repr=False)
    """Why the cell claims less than its reading (the reason is carried, so that lifting one doubt leaves the
    others; each kind's cap is ``Doubt.most``); not in the JSON."""

    def doubt(self, why: Doubt) -> None:
        """Hold the cell at ``why``'s cap (several doubts: the lowest holds)."""
        self.doubts.add(why)
        self.confidence = min(self.confidence, why.most)

    def vouch(self, why: Doubt) -> None:
        """Lift one doubt (the rules vouch for a value placed by inference): the reading's claim comes
        back as far as the other doubts allow."""
        if why in self.doubts:
            self.doubts.discard(why)
            self.confidence = held(self.read, self.doubts)

    def reread(self, text: str, value: int | float | None, confidence: float) -> None:
        """Another of the cell's readings taken (the repair): doubts about the old reading go, doubts about
        the value's place stay."""
        self.text, self.value, self.read = text, value, confidence
        self.doubts = {d for d in self.doubts if d.place}
        self.confidence = held(confidence, self.doubts)

    def given(self, value: int | float | None, method: str) -> None:
        """A value a person gave (a correction): sure, and none of the extracted reading's doubts or other
        readings are its own."""
        self.value, self.method, self.read, self.confidence = value, method, 1.0, 1.0
        self.doubts = set()
        self.alternatives = ()

    @classmethod
    def printed(cls, cell: Cell, value: int | float | None, table: str, row: str, column: str) -> CellValue:
        """The report's cell for a printed one: its provenance is carried over here, and only here."""
        return cls(value=value, text=cell.text.strip(), page=cell.page, bbox=cell.bbox, source=cell.source,
                   method=cell.method, confidence=cell.confidence, table=table, row=row, column=column,
                   alternatives=cell.alternatives, read=cell.confidence)


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
    chosen: bool = True
    """False where another reading of the same table (``method`` "ocr:anchored" or the grid) was taken."""
    rows_kept: list[str] = Field(default_factory=list)
    """Where this reading lost (``chosen`` False), the rows still taken from it, row by row, because the
    report's rules and template fit better with them (row ids of the data dictionary)."""


PlaceMatch = Literal["exact", "unique", "renamed", "context", "ambiguous", "none"]


class Place(BaseModel):
    """Where the issuing body sits, matched to the national administrative divisions (行政区划代码)."""

    name: str | None = Field(None, description="The place names at the start of the organisation, as printed.")
    division_code: str | None = Field(
        None, description="6 digits (province, prefecture, county) or 9 (township); null unless one division fits."
    )
    level: str | None = Field(None, description="省级 / 地级 / 县级 / 乡级: the level of that division.")
    province: str | None = None
    prefecture: str | None = None
    county: str | None = None
    township: str | None = None
    match: PlaceMatch = Field(
        "none",
        description="'exact' (a chain of nested names, e.g. 淮安市洪泽区), 'unique' (one name only one division "
        "carries), 'renamed' (by its stem: 洪泽县 is now 洪泽区), 'context' (several carry it; the report's text "
        "names one's county or province), 'ambiguous' (several, the text does not say which), 'none'.",
    )
    confidence: float = Field(0.0, ge=0.0, le=1.0, description="How sure the match is (1 / candidates if ambiguous).")
    candidates: list[str] = Field(default_factory=list, description="Division codes that also fit (up to 20).")


class Report(BaseModel):
    model_config = ConfigDict(extra="forbid")

    schema_version: str = SCHEMA_VERSION
    extractor_version: str = ""
    status: Status
    template: str | None = Field(None, description="'2021' or '2019', as the printed rows say.")
    template_variant: dict[str, str] = Field(default_factory=dict)
    organization: str | None = None
    year: int | None = None
    level: str | None = Field(
        None,
        description="Administrative level of the government the body belongs to: 国家级 / 省级 / 地级 / "
        "县级 / 乡级 (直辖市 are 省级, their districts 县级; extract/domain/data/organisations.yaml); "
        "null when the name does not say.",
    )
    body: str | None = Field(
        None,
        description="Kind of body: 人民政府 / 乡镇 / 街道办事处 / 管委会 / 办公厅/室 / 事业单位 / 部门; "
        "null when the name does not say.",
    )
    publication_date: date | None = None
    title: str | None = None
    org_key: str | None = Field(
        None,
        description="The body across years and name variants: '<division code>/<body>' ('320813/人民政府'); "
        "'?<place>/<body>' when the place is ambiguous or unknown.",
    )
    place: Place = Field(default_factory=Place)
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
    def __repr__(self) -> str:
        from gongkai.extract.interfaces.views import short_repr

        return short_repr(self)

    __str__ = __repr__

    def _repr_html_(self) -> str:
        """Jupyter's view: title, status, template, the three tables as printed, findings highlighted."""
        from gongkai.extract.interfaces.views import report_html

        return report_html(self)

    def values(self) -> dict[str, int | float | None]:
        return {k: c.value for k, c in self.cells.items()}

    def cells_frame(self) -> pd.DataFrame:
        """Long format: one row per cell with its provenance.

        ``value`` holds the counts (nullable ``Int64``); the money cells the data dictionary marks
        decimal (fees, procurement amounts) are in ``amount`` (``Float64``) instead, so neither
        column turns counts into floats.
        """
        import pandas as pd

        decimal = _decimal_cells()
        rows = []
        for k, c in self.cells.items():
            d = c.model_dump()
            is_amount = (c.table, c.column) in decimal
            d["amount"] = d["value"] if is_amount else None
            d["value"] = None if is_amount else d["value"]
            rows.append({"cell": k, **d})
        df = pd.DataFrame(rows, columns=CELL_COLUMNS)
        return df.astype(CELL_DTYPES)

    def table_frame(self, table: str, labels: bool = False) -> pd.DataFrame:
        """One standard table in wide form, rows and columns as the template prints them.

        Counts are ``Int64`` (a blank is <NA>), money columns ``Float64``; a row of the template the
        report lacks is all <NA>. ``labels=True`` puts the official Chinese labels on rows and
        columns (a (group, label) MultiIndex where the table groups them) instead of the cell ids.
        """
        import pandas as pd

        from gongkai.extract.interfaces.views import printed_table

        t = printed_table(self, table)
        data = {}
        for col in t.columns:
            dtype = "Float64" if col.decimal else "Int64"
            values = []
            for row in t.rows:
                cell = self.cells.get(f"{table}.{row.id}.{col.id}")
                values.append(None if cell is None or not col.applies_to(row.id) else cell.value)
            data[col.id] = pd.array(values, dtype=dtype)
        df = pd.DataFrame(data, index=pd.Index([r.id for r in t.rows], name="row"))
        df.columns.name = "column"
        if labels:
            def index(specs: list) -> pd.Index:
                if any(s.group for s in specs):
                    return pd.MultiIndex.from_tuples([(s.group or "", s.label) for s in specs])
                return pd.Index([s.label for s in specs])

            df.index, df.columns = index(t.rows), index(t.columns)
        return df

    def findings_frame(self) -> pd.DataFrame:
        """One row per finding; ``expected``/``printed`` are Int64 unless a money amount is involved."""
        import pandas as pd

        df = pd.DataFrame([f.model_dump() for f in self.findings], columns=list(Finding.model_fields))
        for col in ("expected", "printed"):
            nums = df[col].dropna()
            whole = all(float(v).is_integer() for v in nums)
            df[col] = df[col].astype("Float64").round(0).astype("Int64") if whole else df[col].astype("Float64")
        return df

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(indent=indent)


def _decimal_cells() -> set[tuple[str, str]]:
    """(table, column) pairs the data dictionary marks decimal (money), in any template."""
    from gongkai.extract.domain.schema import schema

    return {(tid, cid) for t in schema().templates.values() for tid, spec in t.tables.items()
            for cid, col in spec.columns.items() if col.decimal}
