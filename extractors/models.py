"""Normalised records that extractors produce and the warehouse loads.

Every record carries its provenance (file sha256, page, bbox, extractor version) and
the text as printed beside each normalised value, so that an auditor can go from any
row in the warehouse back to the spot on the PDF page it came from.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from nenpo.extractors.collector import collector_paused
from nenpo.extractors.lines import BBox

EXTRACTOR_VERSION = "0.3.2"


KpiKind = Literal["target", "actual", "forecast"]
"""target: a goal (目標, 目標値, 計画, 想定); actual: what happened (実績, 実績値); forecast: an
expected outcome not yet known when printed (見込, 見込み)."""
KpiStatus = Literal["reported", "cancelled", "not_reported", "not_numeric"]
PdcaPhase = Literal["plan", "do", "covid_do", "check", "covid_check", "action", "next_plan"]
PDCA_PHASES: tuple[PdcaPhase, ...] = get_args(PdcaPhase)
"""The phases of a PDCA cycle in the order a sheet prints them."""
ReadBy = Literal["layout", "text_order"]
"""How a record was read: ``layout`` from positions on the page (boxes, columns, grids,
aligned cells), ``text_order`` from the order of the page's text layer (the grammars that
read a text extractor's output). Readers choose per sheet or table by evidence."""
EvidenceKind = Literal["title", "heading", "sentence", "metadata", "catalogue", "command_line"]


TextSource = Literal["text_layer", "ocr"]
"""Where a record's characters came from: the PDF's text layer, or Tesseract's recognition
of the page image (an auditor tells a printed value from a recognised one by it)."""


class Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    text_source: TextSource = Field(
        default="text_layer",
        description="where the record's characters came from: 'text_layer' (the PDF's text "
        "layer) or 'ocr' (recognised from the page image by Tesseract: see the page's confidence)",
    )


class PageRecord(Record):
    """What nenpo read from one page, and how much it trusts that text."""

    page: int = Field(ge=1)
    engine: str
    chars: dict[str, int]
    quality: float
    flags: tuple[str, ...] = ()
    conf: float | None = Field(default=None, description="OCR pages: mean confidence of the recognised lines, 0..1")


class Measure(Record):
    """One measure sheet (事務事業) of an edition."""

    name: str
    name_raw: str
    parent: str | None = None
    position: int | None = Field(default=None, description="①② number under the parent")
    article: int | None = Field(default=None, description="第N条 of the ordinance")
    article_title: str | None = None
    page_start: int = Field(ge=1)
    page_end: int = Field(ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = Field(
        default="layout",
        description="layout: title from the page's type and position; text_order: the "
        "line before 事業計画 Plan in text order",
    )

    @field_validator("page_end")
    @classmethod
    def _span_is_ordered(cls, page_end: int, info: ValidationInfo) -> int:
        start = info.data.get("page_start")
        if start is not None and page_end < start:
            raise ValueError(f"page_end {page_end} before page_start {start}")
        return page_end


class KpiValue(Record):
    """One cell of a KPI table (主な成果・活動指標): a target or actual for one fiscal year."""

    measure: str
    indicator: str
    indicator_raw: str
    unit: str | None
    unit_raw: str | None
    fiscal_year: int = Field(ge=1900, le=2200)
    kind: KpiKind
    kind_raw: str | None = Field(
        default=None, description="the label the table prints for the kind (目標値, 実績, 想定, R6見込)"
    )
    value: float | None
    value_text: str
    status: KpiStatus
    annotation: str | None = None
    sub_value: float | None = None
    table_no: int = Field(ge=1, description="order of the table within the edition")
    page: int = Field(ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = Field(
        default="layout",
        description="layout: cells and indicator by position; text_order: the indicator "
        "by the grammar of the text layer's order",
    )


class PdcaItem(Record):
    """One item of a measure sheet's PDCA cycle: a Plan paragraph or bullet, a Do result, a
    Check opinion, an Action response …, in reading order within its phase."""

    measure: str = Field(description="the measure whose sheet prints the item (normalised name)")
    parent: str | None = None
    phase: PdcaPhase
    item_no: int = Field(ge=1, description="order within (measure, phase), from 1")
    seq: tuple[int, ...] = Field(default=(), description="opinion numbers of the label: ①・② → (1, 2)")
    label: str = Field(default="", description="item label as printed (①, ①・②, ④~⑥); '' for bullets")
    text: str
    text_raw: str
    page: int = Field(ge=1)
    bbox: BBox | None = None
    covers: tuple[str, ...] = Field(
        default=(),
        description="measures the item applies to: the sheet's own, or every sub-measure "
        "of a shared Check/Action block",
    )
    read_by: ReadBy = Field(
        default="layout",
        description="layout: boxes under their headings by position; text_order: the "
        "numbered block after 主な検証意見 Check in text order (opinions, then responses)",
    )


class ExtractionWarning(Record):
    """Something an extractor noticed but could still handle (unit mismatch, garbled text…)."""

    code: str
    message: str
    page: int | None = None
    measure: str | None = None
    indicator: str | None = None


class TableCell(Record):
    """One cell of any table found on a page, claimed by a typed reader or not."""

    table_no: int = Field(ge=1, description="order of the table within the edition")
    kind: str | None = Field(default=None, description="reader that claimed the table (census, budget …)")
    page: int = Field(ge=1)
    row: int = Field(ge=0)
    col: int = Field(ge=0)
    row_span: int = Field(default=1, ge=1)
    col_span: int = Field(default=1, ge=1)
    text: str
    text_raw: str
    read_by: ReadBy = Field(
        default="layout",
        description="layout: a grid or aligned columns; text_order: a table "
        "the text layer's order gave, its cells placed as the table prints them",
    )
    bbox: BBox | None = None


CostBasis = Literal["settled", "budget", "forecast"]
"""settled: 決算 (the year's closed accounts); budget: 予算 (appropriated); forecast: 見込 (expected)."""


class Section(Record):
    """One headed section of a report, as the generic and profile readers find them: its
    heading path (outermost first), the heading as printed and the text under it."""

    measure: str | None = Field(default=None, description="the record (sheet) the section belongs to, if any")
    path: tuple[str, ...] = Field(description="normalised headings from the outermost to this one")
    level: int = Field(ge=1, description="1 for a top-level heading")
    heading: str
    heading_raw: str
    text: str
    text_raw: str
    page: int = Field(ge=1)
    page_end: int | None = Field(default=None, ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = "layout"


class CostValue(Record):
    """One money cell of a sheet's cost table (事業費, 決算額, 予算額, 財源 …) for one fiscal year."""

    measure: str = Field(description="the record (sheet) whose table prints the cell")
    item: str = Field(description="row label, normalised (事業費, 一般財源, 国庫支出金 …)")
    item_raw: str
    fiscal_year: int = Field(ge=1900, le=2200)
    basis: CostBasis
    basis_raw: str = Field(description="the label as printed (R5決算, ６年度, 予算額)")
    thousand_yen: float | None = Field(description="the amount in thousands of yen (converted when printed in yen)")
    value_text: str
    unit_raw: str | None = None
    page: int = Field(ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = "layout"


class CategoryValue(Record):
    """One category field of a sheet (達成状況 A, 方向性 現状維持 …): the normalised value from
    the profile's vocabulary beside the text as printed."""

    measure: str
    field: str = Field(description="the field's id in the profile (achievement, direction …)")
    label_raw: str = Field(description="the field's label as printed (達成状況, 今後の方向性)")
    value: str
    value_raw: str
    page: int = Field(ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = "layout"


class EditionEvidence(Record):
    """One place that names the edition (`extractors.edition`): a title line, the section
    heading or purpose sentence naming the year, the PDF metadata, or a claim from outside
    the file (the catalogue entry, the command line)."""

    kind: EvidenceKind
    series: str | None
    fiscal_year: int | None = Field(default=None, ge=1900, le=2200)
    text: str = Field(default="", description="the evidence as printed ('' for a claim)")
    page: int | None = Field(default=None, ge=1)


class ReportExtraction(Record):
    """Everything extracted from one PDF edition."""

    family: str | None = Field(default=None, description="id of the report family that read the file")
    series: str
    report_fiscal_year: int
    part: str | None = Field(
        default=None,
        description="the part of the edition the file holds (one 款 of a budget book …); None: the whole edition",
    )
    title: str
    source_path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    page_count: int = Field(ge=1)
    extractor_version: str = EXTRACTOR_VERSION
    extracted_at: datetime
    seconds: float = 0.0
    pages: tuple[PageRecord, ...] = ()
    measures: tuple[Measure, ...] = ()
    kpi_values: tuple[KpiValue, ...] = ()
    pdca_items: tuple[PdcaItem, ...] = ()
    warnings: tuple[ExtractionWarning, ...] = ()
    table_cells: tuple[TableCell, ...] = ()
    sections: tuple[Section, ...] = ()
    costs: tuple[CostValue, ...] = ()
    categories: tuple[CategoryValue, ...] = ()
    edition_evidence: tuple[EditionEvidence, ...] = Field(
        default=(), description="everything that named the edition, strongest first; the edition is the first's"
    )

    @property
    def report_id(self) -> str:
        """Stable id of an edition's file: its content hash, short."""
        return self.sha256[:16]

    @classmethod
    def from_json(cls, text: str | bytes) -> ReportExtraction:
        """Validate an extraction's JSON (a cache entry, a worker process's result) as the
        extraction type of the family that wrote it (`extractors.registry`), with the cyclic
        collector paused: tens of thousands of records, none in a cycle."""
        from nenpo.extractors.registry import extraction_type

        kind = extraction_type(_family_in(text))
        with collector_paused():
            return (kind if issubclass(kind, cls) else cls).model_validate_json(text)


_FAMILY_FIELD = re.compile(r'"family"\s*:\s*(?:"((?:[^"\\]|\\.)*)"|null)')
"""The family field of an extraction's JSON: ``"family":"generic"`` (pydantic writes it
among the first fields, before any record)."""


def _family_in(text: str | bytes) -> str | None:
    head = text[:4096]
    head = head.decode("utf-8", "ignore") if isinstance(head, bytes) else head
    match = _FAMILY_FIELD.search(head)
    if match is None:  # not where pydantic puts it: read the document to be sure
        value = json.loads(text).get("family")
        return value if isinstance(value, str) else None
    return json.loads(f'"{match.group(1)}"') if match.group(1) is not None else None
