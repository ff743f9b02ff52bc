"""The warehouse schema: every table, column, type and description, in one place.

`CORE_TABLES` and the tables of every registered report family (`ReportFamily.tables`,
together `all_tables()`, also spelled `TABLES`) are the single source of truth. The DDL
(`CREATE TABLE IF NOT EXISTS …`), the `COMMENT ON TABLE/COLUMN` statements that document
the contract inside the DuckDB file, the pyarrow schemas the loader builds its bulk
inserts with, `CONTRACT` (the analysts' public contract, for docs/analysts.md and for
tests) and how the loader fills each edition table (`Table.records`, `Table.derived`) are
all generated from it.

Every edition table carries `report_id` (the first 16 hex digits of the PDF's sha256) plus
`series` and `report_fiscal_year`, the pair that identifies an edition, so that an edition
can be replaced as a whole and any row can be traced back to its file.

Changing a core table (adding, dropping or retyping a column, changing a constraint) MUST
bump `SCHEMA_VERSION` and add the statements that upgrade the previous version to
`MIGRATIONS` — `CREATE TABLE IF NOT EXISTS` does not alter a table that already exists. A
family's table may gain columns (added to files that lack them); views are recreated on
every read-write connect, so changing a view needs no version bump.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING, Any, get_args

import regex

from nenpo.core.errors import WarehouseError
from nenpo.extractors.models import CostBasis, KpiKind, KpiStatus, PdcaPhase, ReadBy, TextSource
from nenpo.warehouse import columns
from nenpo.warehouse.tx import transaction
from nenpo.warehouse.views import CORE_VIEWS, View

if TYPE_CHECKING:  # DuckDB and pyarrow are imported where used: declaring tables needs neither
    import duckdb
    import pyarrow as pa

    from nenpo.warehouse.columns import Cells, Rows

SCHEMA_VERSION = 4
"""Version of the table layout below; stored in the `schema_version` table."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (  # 2: audit_runs, so that an ingest that changes nothing can reuse the last audit
        "CREATE TABLE IF NOT EXISTS audit_runs (audited_at TIMESTAMPTZ NOT NULL, "
        "inputs_fingerprint VARCHAR NOT NULL, editions INTEGER NOT NULL, findings INTEGER NOT NULL, "
        "seconds DOUBLE NOT NULL)",
    ),
    2: tuple(  # 3: how each typed table row was read (layout or text order)
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS read_by VARCHAR DEFAULT 'layout'"
        for table in (
            "article_opinions",
            "stat_values",
            "committee_members",
            "policy_list",
            "budget_items",
            "budget_results",
            "other_measures",
            "table_cells",
            "measures",
            "kpi_values",
            "pdca_items",
        )
    ),
    3: (  # 4: report families, editions in parts, the records every family shares, OCR provenance
        # reports: the family that read the file, the part of the edition it holds; an edition
        # may now have several rows (one per part), so the table is rebuilt with the new key
        """CREATE TABLE reports_v4 (
    "report_id" VARCHAR NOT NULL,
    "series" VARCHAR NOT NULL,
    "report_fiscal_year" INTEGER NOT NULL,
    "family" VARCHAR,
    "part" VARCHAR,
    "title" VARCHAR NOT NULL,
    "source_path" VARCHAR NOT NULL,
    "sha256" VARCHAR NOT NULL,
    "page_count" INTEGER NOT NULL,
    "extractor_version" VARCHAR NOT NULL,
    "ingested_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "extracted_at" TIMESTAMP WITH TIME ZONE NOT NULL,
    "seconds" DOUBLE NOT NULL,
    "measure_count" INTEGER NOT NULL,
    "kpi_value_count" INTEGER NOT NULL,
    "warning_count" INTEGER NOT NULL,
    PRIMARY KEY (report_id),
    UNIQUE (series, report_fiscal_year, part)
)""",
        "INSERT INTO reports_v4 BY NAME SELECT * FROM reports",
        # until version 4 each series was read by the one family of the same id
        "UPDATE reports_v4 SET family = series WHERE family IS NULL",
        "DROP TABLE reports",
        "ALTER TABLE reports_v4 RENAME TO reports",
        # kpi_values: kind 'forecast' (a CHECK constraint cannot be altered: the table is rebuilt),
        # the kind's printed label, where the characters came from
        """CREATE TABLE kpi_values_v4 (
    "kpi_value_id" VARCHAR NOT NULL,
    "report_id" VARCHAR NOT NULL,
    "series" VARCHAR NOT NULL,
    "report_fiscal_year" INTEGER NOT NULL,
    "ordinal" INTEGER NOT NULL,
    "measure_id" VARCHAR,
    "measure" VARCHAR NOT NULL,
    "indicator" VARCHAR NOT NULL,
    "indicator_raw" VARCHAR NOT NULL,
    "unit" VARCHAR,
    "unit_raw" VARCHAR,
    "fiscal_year" INTEGER NOT NULL,
    "kind" VARCHAR NOT NULL CHECK (kind IN ('target', 'actual', 'forecast')),
    "kind_raw" VARCHAR,
    "value" DOUBLE,
    "value_text" VARCHAR NOT NULL,
    "status" VARCHAR NOT NULL CHECK (status IN ('reported', 'cancelled', 'not_reported', 'not_numeric')),
    "annotation" VARCHAR,
    "sub_value" DOUBLE,
    "table_no" INTEGER NOT NULL,
    "read_by" VARCHAR NOT NULL CHECK (read_by IN ('layout', 'text_order')),
    "page" INTEGER NOT NULL,
    "bbox_x0" DOUBLE,
    "bbox_top" DOUBLE,
    "bbox_x1" DOUBLE,
    "bbox_bottom" DOUBLE,
    "text_source" VARCHAR NOT NULL DEFAULT 'text_layer' CHECK (text_source IN ('text_layer', 'ocr')),
    "sha256" VARCHAR NOT NULL,
    "extractor_version" VARCHAR NOT NULL,
    PRIMARY KEY (kpi_value_id)
)""",
        "INSERT INTO kpi_values_v4 BY NAME SELECT * FROM kpi_values",
        "DROP TABLE kpi_values",
        "ALTER TABLE kpi_values_v4 RENAME TO kpi_values",
        # every other record table: where its characters came from; pages: the OCR confidence
        *(
            f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS text_source VARCHAR DEFAULT 'text_layer'"
            for table in ("measures", "pdca_items", "report_pages", "extraction_warnings", "table_cells")
        ),
        "ALTER TABLE report_pages ADD COLUMN IF NOT EXISTS conf DOUBLE",
        # sections, costs and categories are new tables: the DDL run after every migration creates them
    ),
}
"""from_version → SQL statements that upgrade a warehouse from that version to the next.
Each is written out in full (not generated from `TABLES`), so it keeps meaning what it
meant when that version was current."""


class SchemaVersionError(WarehouseError):
    """The warehouse file was written with a table layout this nenpo cannot use."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """DuckDB type, spelled as `duckdb_columns().data_type` reports it."""
    description: str
    constraint: str = ""
    """Column constraint appended to the DDL (NOT NULL, CHECK …, DEFAULT …)."""


ColumnFunction = Callable[["Rows"], "Cells"]
"""Fills one derived column for all rows of a table at once (`warehouse.columns`)."""


@dataclass(frozen=True)
class Table:
    """A warehouse table, and for an edition table how the loader fills it.

    The loader (`warehouse.load`) builds an edition table's rows from the records of the
    `ReportExtraction` field named by `records` (or from `rows(extraction)` for a table whose
    rows are not one per record). Each column is filled by the first of: the edition
    columns (report_id, series, report_fiscal_year, sha256, extractor_version), `id_column`
    (``'<report_id>:<id_prefix><ordinal>'``), ``ordinal`` (1, 2 … in record order), a
    function of `derived`, ``bbox_x0/top/x1/bottom`` from the record's ``bbox``, and the
    record's attribute of the column's name (tuples become lists, a dict a map). A column
    none of them fills is an error when the table is loaded (a misspelt name must not load
    as NULLs).
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()
    """Table constraints (PRIMARY KEY …, UNIQUE …)."""
    public: bool = True
    """Part of the analysts' contract (False for bookkeeping tables)."""
    records: str | None = None
    """The `ReportExtraction` field whose records the table holds, one row each."""
    rows: Callable[[Any], Sequence[Any]] | None = None
    """Instead of `records`: the rows' source objects, from the extraction."""
    id_column: str | None = None
    id_prefix: str = ""
    derived: tuple[tuple[str, ColumnFunction], ...] = ()
    """(column, function) for the few columns no record attribute holds."""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def per_edition(self) -> bool:
        """Holds rows of editions (replaced when an edition is loaded again)."""
        return self.records is not None or self.rows is not None


VARCHAR = "VARCHAR"
INTEGER = "INTEGER"
BIGINT = "BIGINT"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"
VARCHAR_LIST = "VARCHAR[]"
INTEGER_LIST = "INTEGER[]"
CHARS_MAP = "MAP(VARCHAR, INTEGER)"


def one_of(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


KPI_KINDS: tuple[str, ...] = get_args(KpiKind)
KPI_STATUSES: tuple[str, ...] = get_args(KpiStatus)
PDCA_PHASES: tuple[str, ...] = get_args(PdcaPhase)
TEXT_SOURCES: tuple[str, ...] = get_args(TextSource)
COST_BASES: tuple[str, ...] = get_args(CostBasis)

# Columns every per-edition table starts with.
REPORT_ID = Column("report_id", VARCHAR, "Id of the PDF file: first 16 hex digits of its sha256.", "NOT NULL")
SERIES = Column("series", VARCHAR, "Report series (which yearly report this is an edition of).", "NOT NULL")
REPORT_FY = Column("report_fiscal_year", INTEGER, "Fiscal year of the edition (the report's own year).", "NOT NULL")
SHA256 = Column("sha256", VARCHAR, "sha256 of the PDF file the row was extracted from (provenance).", "NOT NULL")
EXTRACTOR = Column(
    "extractor_version", VARCHAR, "Version of the nenpo extractor that produced the row (provenance).", "NOT NULL"
)


READ_BY = Column(
    "read_by",
    VARCHAR,
    "How the row was read: 'layout' (from positions on the page: ruled grids, aligned columns) or "
    "'text_order' (from the order of the page's text layer, where positions carry no structure).",
    f"NOT NULL CHECK (read_by IN ({one_of(get_args(ReadBy))}))",
)


TEXT_SOURCE = Column(
    "text_source",
    VARCHAR,
    "Where the row's characters came from: 'text_layer' (the PDF's text layer) or 'ocr' (recognised "
    "from the page image by Tesseract; report_pages.conf gives the page's confidence).",
    f"NOT NULL DEFAULT 'text_layer' CHECK (text_source IN ({one_of(TEXT_SOURCES)}))",
)


def read_by(how: str) -> Column:
    """`READ_BY` with what each reading means for the table's rows."""
    return Column(READ_BY.name, READ_BY.type, f"How the row was read: {how}", READ_BY.constraint)


def bbox(what: str) -> tuple[Column, ...]:
    return (
        Column("bbox_x0", DOUBLE, f"Left edge of the {what} on the page, PDF points from the left."),
        Column("bbox_top", DOUBLE, f"Top edge of the {what}, PDF points from the top of the page."),
        Column("bbox_x1", DOUBLE, f"Right edge of the {what}, PDF points from the left."),
        Column("bbox_bottom", DOUBLE, f"Bottom edge of the {what}, PDF points from the top of the page."),
    )


def _alias_columns(name: str, evidence: str) -> tuple[Column, ...]:
    return (
        Column("name", VARCHAR, name, "NOT NULL"),
        Column("canonical", VARCHAR, "The name in the latest edition that prints it.", "NOT NULL"),
        Column(
            "reason",
            VARCHAR,
            "'exact' (same name), 'evidence' (renamed: see evidence) or 'pinned' (alias file).",
            "NOT NULL",
        ),
        Column("score", DOUBLE, "Evidence score 0..1 of the link (NULL when pinned)."),
        Column("evidence", VARCHAR, f"JSON: {evidence}."),
        Column("first_report_fiscal_year", INTEGER, "First edition printing this name."),
        Column("last_report_fiscal_year", INTEGER, "Last edition printing this name."),
    )


CORE_TABLES: tuple[Table, ...] = (
    Table(
        "reports",
        "One row per loaded edition (one PDF file), or per part of an edition that arrives in several "
        "files. An edition is identified by (series, report_fiscal_year), a part by its part too; "
        "loading a new file for an edition replaces all its rows, for a part only that part's.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("family", VARCHAR, "Report family that read the file (its id, as nenpo families lists it)."),
            Column(
                "part",
                VARCHAR,
                "The part of the edition the file holds (one 款 of a budget book …); NULL "
                "when the file is the whole edition.",
            ),
            Column("title", VARCHAR, "Title printed on the report.", "NOT NULL"),
            Column("source_path", VARCHAR, "Path of the PDF when it was extracted.", "NOT NULL"),
            SHA256,
            Column("page_count", INTEGER, "Number of pages in the PDF.", "NOT NULL"),
            EXTRACTOR,
            Column("ingested_at", TIMESTAMPTZ, "When this file was loaded into the warehouse.", "NOT NULL"),
            Column("extracted_at", TIMESTAMPTZ, "When the extractor read the PDF.", "NOT NULL"),
            Column("seconds", DOUBLE, "Seconds the extraction took.", "NOT NULL"),
            Column("measure_count", INTEGER, "Rows of this edition in measures.", "NOT NULL"),
            Column("kpi_value_count", INTEGER, "Rows of this edition in kpi_values.", "NOT NULL"),
            Column("warning_count", INTEGER, "Rows of this edition in extraction_warnings.", "NOT NULL"),
        ),
        ("PRIMARY KEY (report_id)", "UNIQUE (series, report_fiscal_year, part)"),
        rows=lambda x: (x,),
        derived=(
            ("ingested_at", columns.ingested_at),
            ("measure_count", columns.count_of("measures")),
            ("kpi_value_count", columns.count_of("kpi_values")),
            ("warning_count", columns.count_of("warnings")),
        ),
    ),
    Table(
        "measures",
        "One row per measure sheet (事務事業) of an edition.",
        (
            Column(
                "measure_id",
                VARCHAR,
                "Deterministic id '<report_id>:m<ordinal>'; stable across re-loads of the same file "
                "by the same extractor version.",
                "NOT NULL",
            ),
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the measure within the edition, from 1.", "NOT NULL"),
            Column("article", INTEGER, "第N条 of the ordinance the measure falls under."),
            Column("article_title", VARCHAR, "Title of that article."),
            Column("parent", VARCHAR, "Parent measure (施策) the sheet sits under, normalised."),
            Column("position", INTEGER, "①② number of the measure under its parent."),
            Column("name", VARCHAR, "Measure name, normalised (NFKC, spacing).", "NOT NULL"),
            Column("name_raw", VARCHAR, "Measure name exactly as printed.", "NOT NULL"),
            Column("page_start", INTEGER, "First page of the measure sheet (1-based).", "NOT NULL"),
            Column("page_end", INTEGER, "Last page of the measure sheet (1-based).", "NOT NULL"),
            read_by(
                "'layout': the title is the page's largest type at its top; 'text_order': the line "
                "before 事業計画 Plan in text order (a sheet that starts mid-page, its title set like the body)."
            ),
            *bbox("measure header"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (measure_id)",),
        records="measures",
        id_column="measure_id",
        id_prefix="m",
    ),
    Table(
        "kpi_values",
        "One row per cell of a KPI table (主な成果・活動指標): a target or an actual for one "
        "fiscal year, as printed in one edition, with its provenance.",
        (
            Column(
                "kpi_value_id",
                VARCHAR,
                "Deterministic id '<report_id>:k<ordinal>'; stable across re-loads of the same file "
                "by the same extractor version.",
                "NOT NULL",
            ),
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the cell within the edition's extraction, from 1.", "NOT NULL"),
            Column(
                "measure_id",
                VARCHAR,
                "measures.measure_id of the edition's measure with this name; NULL when no measure "
                "or several measures of the edition have that name.",
            ),
            Column("measure", VARCHAR, "Measure name, normalised (joins measures.name).", "NOT NULL"),
            Column("indicator", VARCHAR, "Indicator name, normalised.", "NOT NULL"),
            Column("indicator_raw", VARCHAR, "Indicator label exactly as printed.", "NOT NULL"),
            Column("unit", VARCHAR, "Unit, normalised (件, 人, % …)."),
            Column("unit_raw", VARCHAR, "Unit exactly as printed."),
            Column("fiscal_year", INTEGER, "Fiscal year the value is for.", "NOT NULL"),
            Column(
                "kind",
                VARCHAR,
                "'target' (目標, 目標値, 計画, 想定), 'actual' (実績, 実績値) or 'forecast' (見込: "
                "an outcome expected when the report was printed).",
                f"NOT NULL CHECK (kind IN ({one_of(KPI_KINDS)}))",
            ),
            Column(
                "kind_raw",
                VARCHAR,
                "The label the table prints for the kind (目標値, 実績, 想定, R6見込); NULL "
                "where the kind is read from the table's layout alone.",
            ),
            Column("value", DOUBLE, "The number; NULL when the cell is not a number (see status)."),
            Column("value_text", VARCHAR, "The cell text exactly as printed.", "NOT NULL"),
            Column(
                "status",
                VARCHAR,
                "'reported' (a number), 'cancelled' (中止), 'not_reported' (blank or －), 'not_numeric' (other text).",
                f"NOT NULL CHECK (status IN ({one_of(KPI_STATUSES)}))",
            ),
            Column("annotation", VARCHAR, "Parenthesised note printed with the value, e.g. 新規38件・変更21件."),
            Column("sub_value", DOUBLE, "Second number printed in the cell, e.g. the (M) of 'N (M)'."),
            Column("table_no", INTEGER, "Order of the KPI table within the edition, from 1.", "NOT NULL"),
            read_by(
                "'layout': the indicator is the label printed right above the table in its column; "
                "'text_order': the label the text layer's order gives (it may sit above another box, "
                "or be a 【参考 …】 caption under the table). Cells are always read by position."
            ),
            Column("page", INTEGER, "Page the cell is printed on (1-based).", "NOT NULL"),
            *bbox("cell"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (kpi_value_id)",),
        records="kpi_values",
        id_column="kpi_value_id",
        id_prefix="k",
        derived=(("measure_id", columns.measure_id),),
    ),
    Table(
        "pdca_items",
        "One row per item of a measure sheet's PDCA cycle (Plan paragraphs and 主な取組 bullets, "
        "Do results, COVID responses, Check opinions, COVID opinions, Action responses, next "
        "year's plan), in reading order. A Check/Action block shared by several sub-measures is "
        "recorded once, on the sheet that prints it; pdca_item_measures links it to each of them.",
        (
            Column(
                "pdca_item_id",
                VARCHAR,
                "Deterministic id '<report_id>:p<ordinal>'; stable across re-loads of the same file "
                "by the same extractor version.",
                "NOT NULL",
            ),
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the item within the edition, from 1.", "NOT NULL"),
            Column(
                "measure_id",
                VARCHAR,
                "measures.measure_id of the sheet that prints the item; NULL when several measures of "
                "the edition have its name.",
            ),
            Column(
                "measure", VARCHAR, "Measure whose sheet prints the item, normalised (joins measures.name).", "NOT NULL"
            ),
            Column("parent", VARCHAR, "Parent measure (施策) of that sheet, normalised."),
            Column(
                "phase",
                VARCHAR,
                "'plan' (事業計画 Plan, 主な取組), 'do' (事業の実施状況 Do, 補足事項), 'covid_do' "
                "(新型コロナウイルス感染症に関する対応), 'check' (主な検証意見 Check), 'covid_check' "
                "(新型コロナウイルス感染症への対応に関する意見), 'action' (以降の対応 Action), "
                "'next_plan' (翌年度の実施計画).",
                f"NOT NULL CHECK (phase IN ({one_of(PDCA_PHASES)}))",
            ),
            Column("item_no", INTEGER, "Order of the item within its sheet and phase, from 1.", "NOT NULL"),
            Column(
                "seq",
                INTEGER_LIST,
                "Opinion numbers named by the item's label: ① → [1], ①・② → [1, 2], ④~⑥ → [4, 5, 6]; "
                "empty for bulleted items.",
                "NOT NULL",
            ),
            Column(
                "label", VARCHAR, "Item label exactly as printed (①, ①・②, ④~⑥); '' for bulleted items.", "NOT NULL"
            ),
            Column(
                "text", VARCHAR, "Item text, normalised, without its label or bullet; wrapped lines joined.", "NOT NULL"
            ),
            Column(
                "text_raw",
                VARCHAR,
                "Item text exactly as printed (lines joined), without its label or bullet.",
                "NOT NULL",
            ),
            Column(
                "shared",
                BOOLEAN,
                "True when the item belongs to a Check/Action block shared by several sub-measures.",
                "NOT NULL",
            ),
            read_by(
                "'layout': the item is under its box's heading by position; 'text_order': a Check/Action "
                "item of the numbered block after 主な検証意見 Check, opinions and responses told apart by "
                "where the numbering restarts, or a Plan/Do item of a box whose heading the text layer "
                "prints after its items (an edition set in one column)."
            ),
            Column("page", INTEGER, "Page the item is printed on (1-based).", "NOT NULL"),
            *bbox("item"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (pdca_item_id)",),
        records="pdca_items",
        id_column="pdca_item_id",
        id_prefix="p",
        derived=(("measure_id", columns.measure_id), ("shared", columns.shared)),
    ),
    Table(
        "pdca_item_measures",
        "One row per (PDCA item, measure it applies to): the sheet's own measure, or every "
        "sub-measure of a shared Check/Action block (e.g. 商店街課題対応事業 and 商業力強化事業 for "
        "the block printed on the latter's sheet).",
        (
            Column("pdca_item_id", VARCHAR, "pdca_items.pdca_item_id.", "NOT NULL"),
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column(
                "measure_id",
                VARCHAR,
                "measures.measure_id of the measure; NULL when several measures of the edition have its name.",
            ),
            Column("measure", VARCHAR, "Measure the item applies to, normalised (joins measures.name).", "NOT NULL"),
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (pdca_item_id, measure)",),
        rows=columns.item_measures,
        derived=(("measure_id", columns.measure_id),),
    ),
    Table(
        "report_pages",
        "One row per page of an edition: which text engine was used and how trustworthy its text is.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("page", INTEGER, "Page number (1-based).", "NOT NULL"),
            Column("engine", VARCHAR, "Text engine whose output was used for the page.", "NOT NULL"),
            Column("chars_pymupdf", INTEGER, "Characters PyMuPDF read on the page (NULL when not run)."),
            Column("chars_pdfplumber", INTEGER, "Characters pdfplumber read on the page (NULL when not run)."),
            Column("chars", CHARS_MAP, "Characters read on the page by every engine that ran.", "NOT NULL"),
            Column("quality", DOUBLE, "Quality score of the page text, higher is better.", "NOT NULL"),
            Column("flags", VARCHAR_LIST, "Problems noticed on the page (e.g. garbled text).", "NOT NULL"),
            Column(
                "conf",
                DOUBLE,
                "Pages recognised by OCR: mean confidence of the recognised lines, 0..1; NULL otherwise.",
            ),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, page)",),
        records="pages",
        derived=(("chars_pymupdf", columns.chars_of("pymupdf")), ("chars_pdfplumber", columns.chars_of("pdfplumber"))),
    ),
    Table(
        "extraction_warnings",
        "Things the extractor noticed but could handle (unit mismatch, garbled text …).",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the warning within the edition, from 1.", "NOT NULL"),
            Column("code", VARCHAR, "Machine-readable warning code.", "NOT NULL"),
            Column("message", VARCHAR, "Human-readable explanation.", "NOT NULL"),
            Column("page", INTEGER, "Page concerned, if any."),
            Column("measure", VARCHAR, "Measure concerned, if any."),
            Column("indicator", VARCHAR, "Indicator concerned, if any."),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="warnings",
    ),
    Table(
        "ingest_errors",
        "Append-only log: one row per failure of a report at a pipeline stage.",
        (
            Column("report", VARCHAR, "The report that failed: its path, or its report_id.", "NOT NULL"),
            Column("stage", VARCHAR, "Pipeline stage that failed: fetch, extract, validate or load.", "NOT NULL"),
            Column("error", VARCHAR, "Error message, prefixed with the exception type.", "NOT NULL"),
            Column("at", TIMESTAMPTZ, "When the failure was recorded.", "NOT NULL DEFAULT current_timestamp"),
            Column("sha256", VARCHAR, "sha256 of the file, when known."),
            Column("page", INTEGER, "Page concerned, when known."),
            Column("error_type", VARCHAR, "Qualified exception class name, when an exception was recorded."),
            Column("traceback", VARCHAR, "Formatted traceback, when an exception with one was recorded."),
        ),
    ),
    Table(
        "measure_aliases",
        "Stable identity of each printed measure name across editions: the canonical name (the one "
        "the latest edition prints) and why they were linked. Recomputed after every load.",
        (
            Column("series", VARCHAR, "Report series.", "NOT NULL"),
            *_alias_columns(
                "Measure name as normalised in measures.name / kpi_values.measure.",
                "previous name, same article, indicator overlap, name similarity",
            ),
        ),
        ("PRIMARY KEY (series, name)",),
    ),
    Table(
        "indicator_aliases",
        "Stable identity of each printed indicator name within its (canonical) measure across editions.",
        (
            Column("series", VARCHAR, "Report series.", "NOT NULL"),
            Column("measure", VARCHAR, "Canonical measure name (measure_aliases.canonical).", "NOT NULL"),
            *_alias_columns(
                "Indicator name as normalised in kpi_values.indicator.", "previous name, same unit, name similarity"
            ),
        ),
        ("PRIMARY KEY (series, measure, name)",),
    ),
    Table(
        "audit_findings",
        "One row per finding of the latest audit run (nenpo audit, and after every ingest): "
        "restatements between editions, unit changes and mismatches, renamed or dropped "
        "indicators, unexpected year columns, totals that do not add up, unanswered opinions.",
        (
            Column("finding_no", BIGINT, "Order of the finding in the run, from 1.", "NOT NULL"),
            Column("check", VARCHAR, "Name of the audit rule that found it.", "NOT NULL"),
            Column(
                "severity",
                VARCHAR,
                "'info', 'warning' or 'error'.",
                "NOT NULL CHECK (severity IN ('info', 'warning', 'error'))",
            ),
            Column("series", VARCHAR, "Report series concerned."),
            Column("report_fiscal_year", INTEGER, "Edition concerned (the later one for cross-edition checks)."),
            Column("report_id", VARCHAR, "report_id of that edition."),
            Column("measure", VARCHAR, "Measure concerned, normalised."),
            Column("indicator", VARCHAR, "Indicator concerned, normalised."),
            Column("fiscal_year", INTEGER, "Fiscal year of the values concerned."),
            Column("detail", VARCHAR, "What is wrong, in words, with the values.", "NOT NULL"),
            Column("page", INTEGER, "Page of the edition where it is printed."),
            Column("evidence", VARCHAR, "JSON with the values behind the finding (both editions, units, names)."),
            Column("audited_at", TIMESTAMPTZ, "When the audit ran.", "NOT NULL"),
        ),
    ),
    Table(
        "audit_runs",
        "One row per audit run: when it ran, over which inputs, how many findings it stored "
        "and how long it took. An ingest whose inputs match the latest run (same editions "
        "loaded, same alias pins, same rules) keeps that run's findings instead of auditing again.",
        (
            Column(
                "audited_at", TIMESTAMPTZ, "When the audit ran (audit_findings.audited_at of its findings).", "NOT NULL"
            ),
            Column(
                "inputs_fingerprint",
                VARCHAR,
                "sha256 over what the findings depend on: every loaded edition "
                "(report_id, sha256, extractor_version, ingested_at), the alias pins and the code of the "
                "rules and views.",
                "NOT NULL",
            ),
            Column("editions", INTEGER, "Editions loaded when it ran.", "NOT NULL"),
            Column("findings", INTEGER, "Findings it stored.", "NOT NULL"),
            Column("seconds", DOUBLE, "How long linking the names and running the rules took.", "NOT NULL"),
        ),
    ),
    Table(
        "table_cells",
        "One row per cell of every table found on any page (ruled grids, and tables found by "
        "aligning lines), whether or not a typed table claims it, so nothing printed in a grid is lost.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("page", INTEGER, "Page the table is printed on (1-based).", "NOT NULL"),
            Column("table_no", INTEGER, "Order of the table within the edition, from 1.", "NOT NULL"),
            Column(
                "kind",
                VARCHAR,
                "Typed table that claimed it: census, roster, policy_list, budget, "
                "other_measure, kpi; NULL when none did.",
            ),
            Column("row", INTEGER, "Row of the cell's top-left corner, from 0 (the header row).", "NOT NULL"),
            Column("col", INTEGER, "Column of the cell's top-left corner, from 0.", "NOT NULL"),
            Column("row_span", INTEGER, "Rows the cell spans (merged cells span several).", "NOT NULL"),
            Column("col_span", INTEGER, "Columns the cell spans.", "NOT NULL"),
            Column("text", VARCHAR, "Cell text, normalised; printed lines joined by newlines.", "NOT NULL"),
            Column("text_raw", VARCHAR, "Cell text exactly as printed.", "NOT NULL"),
            Column(
                "read_by",
                VARCHAR,
                "How the table was found: 'layout' (a ruled grid, columns aligned on the page, a KPI table) or "
                "'text_order' (a table only the text layer's order gave, its cells placed as the table prints them).",
                f"NOT NULL CHECK (read_by IN ({one_of(get_args(ReadBy))}))",
            ),
            *bbox("cell"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ('PRIMARY KEY (report_id, table_no, "row", col)',),
        records="table_cells",
    ),
    Table(
        "sections",
        "One row per headed section of a report as the generic and declared readers find them: the "
        "heading path from the outermost heading, the heading as printed and the text under it.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the section within the edition, from 1.", "NOT NULL"),
            Column("measure", VARCHAR, "The record (sheet) the section belongs to, normalised; NULL when none."),
            Column("path", VARCHAR_LIST, "Normalised headings from the outermost to this one.", "NOT NULL"),
            Column("level", INTEGER, "Depth of the heading: 1 for a top-level heading.", "NOT NULL"),
            Column("heading", VARCHAR, "The heading, normalised.", "NOT NULL"),
            Column("heading_raw", VARCHAR, "The heading exactly as printed.", "NOT NULL"),
            Column(
                "text", VARCHAR, "Text under the heading, normalised; paragraphs separated by line breaks.", "NOT NULL"
            ),
            Column("text_raw", VARCHAR, "Text under the heading exactly as printed.", "NOT NULL"),
            Column("page", INTEGER, "Page the heading is printed on (1-based).", "NOT NULL"),
            Column("page_end", INTEGER, "Last page of the section's text, when it runs past the heading's page."),
            read_by("'layout': headings by type size and position; 'text_order': headings by the text layer's order."),
            *bbox("heading"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="sections",
    ),
    Table(
        "costs",
        "One row per money cell of a sheet's cost table (事業費, 決算額, 予算額, 財源 …) for one fiscal "
        "year, in thousands of yen beside the text as printed.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the cell within the edition, from 1.", "NOT NULL"),
            Column(
                "measure_id",
                VARCHAR,
                "measures.measure_id of the edition's measure with this name; NULL when "
                "no measure or several measures of the edition have that name.",
            ),
            Column("measure", VARCHAR, "The record (sheet) whose table prints the cell, normalised.", "NOT NULL"),
            Column("item", VARCHAR, "Row label, normalised (事業費, 一般財源, 国庫支出金 …).", "NOT NULL"),
            Column("item_raw", VARCHAR, "Row label exactly as printed.", "NOT NULL"),
            Column("fiscal_year", INTEGER, "Fiscal year the amount is for.", "NOT NULL"),
            Column(
                "basis",
                VARCHAR,
                "'settled' (決算), 'budget' (予算) or 'forecast' (見込).",
                f"NOT NULL CHECK (basis IN ({one_of(COST_BASES)}))",
            ),
            Column(
                "basis_raw",
                VARCHAR,
                "The column or row label the basis is read from, as printed (R5決算, 6年度, 予算額).",
                "NOT NULL",
            ),
            Column(
                "thousand_yen",
                DOUBLE,
                "The amount in thousands of yen (converted when printed in yen); NULL when the cell is not a number.",
            ),
            Column("value_text", VARCHAR, "The cell text exactly as printed.", "NOT NULL"),
            Column("unit_raw", VARCHAR, "The unit as printed (千円, 円), when the table prints one."),
            read_by("'layout': cells by position; 'text_order': cells by the text layer's order."),
            Column("page", INTEGER, "Page the cell is printed on (1-based).", "NOT NULL"),
            *bbox("cell"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="costs",
        derived=(("measure_id", columns.measure_id),),
    ),
    Table(
        "categories",
        "One row per category field of a sheet (達成状況 A, 今後の方向性 現状維持 …): the value from the "
        "family's vocabulary beside the text as printed.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the field within the edition, from 1.", "NOT NULL"),
            Column(
                "measure_id",
                VARCHAR,
                "measures.measure_id of the edition's measure with this name; NULL when "
                "no measure or several measures of the edition have that name.",
            ),
            Column("measure", VARCHAR, "The record (sheet) the field belongs to, normalised.", "NOT NULL"),
            Column("field", VARCHAR, "The field's id in the family (achievement, direction …).", "NOT NULL"),
            Column("label_raw", VARCHAR, "The field's label as printed (達成状況, 今後の方向性).", "NOT NULL"),
            Column("value", VARCHAR, "The value, normalised to the family's vocabulary.", "NOT NULL"),
            Column("value_raw", VARCHAR, "The value exactly as printed.", "NOT NULL"),
            read_by("'layout': the value by position beside its label; 'text_order': by the text layer's order."),
            Column("page", INTEGER, "Page the field is printed on (1-based).", "NOT NULL"),
            *bbox("value"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="categories",
        derived=(("measure_id", columns.measure_id),),
    ),
    Table(
        "schema_version",
        "Table layout versions applied to this warehouse file; the highest is the current one.",
        (
            Column("version", INTEGER, "Schema version (nenpo.warehouse.schema.SCHEMA_VERSION).", "NOT NULL"),
            Column("applied_at", TIMESTAMPTZ, "When the version was applied.", "NOT NULL DEFAULT current_timestamp"),
            Column("fingerprint", VARCHAR, "sha256 of the DDL, views and comments last applied at this version."),
        ),
        ("PRIMARY KEY (version)",),
        public=False,
    ),
)


def family_tables() -> tuple[Table, ...]:
    """The tables of every registered report family (`extractors.registry`)."""
    from nenpo.extractors.registry import families

    return tuple(t for f in families() for t in f.tables)


def family_views() -> tuple[View, ...]:
    from nenpo.extractors.registry import families

    return tuple(v for f in families() for v in f.views)


def all_tables() -> tuple[Table, ...]:
    """The core tables, then every family's; a family table may not take a name already used."""
    found = CORE_TABLES + family_tables()
    names = [t.name for t in found]
    clashes = sorted({n for n in names if names.count(n) > 1})
    if clashes:
        raise SchemaVersionError(f"warehouse table name(s) {clashes} declared more than once (core and families)")
    return found


def all_views() -> tuple[View, ...]:
    return CORE_VIEWS + family_views()


def tables_by_name() -> dict[str, Table]:
    return {t.name: t for t in all_tables()}


def edition_tables() -> tuple[str, ...]:
    """Tables holding rows of an edition, children first: the order rows are deleted in (and
    the reverse of the order they are inserted in)."""
    return tuple(t.name for t in reversed(all_tables()) if t.per_edition)


def contract() -> dict[str, list[tuple[str, str, str]]]:
    """The analysts' public contract: table or view → [(column, DuckDB type, description)]."""
    return {
        **{t.name: [(c.name, c.type, c.description) for c in t.columns] for t in all_tables() if t.public},
        **{v.name: list(v.columns) for v in all_views()},
    }


def descriptions() -> dict[str, str]:
    return {**{t.name: t.description for t in all_tables()}, **{v.name: v.description for v in all_views()}}


def ddl() -> tuple[str, ...]:
    return tuple(create_table_sql(t) for t in all_tables())


_EVERY = {
    "TABLES": all_tables,
    "TABLES_BY_NAME": tables_by_name,
    "EDITION_TABLES": edition_tables,
    "CONTRACT": contract,
    "DESCRIPTIONS": descriptions,
    "DDL": ddl,
    "VIEWS": all_views,
}


def __getattr__(name: str) -> Any:
    """``TABLES``, ``CONTRACT`` …: everything of the core and of the families registered now."""
    if name in _EVERY:
        return _EVERY[name]()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def contract_markdown() -> str:
    """The contract as Markdown, for docs/analysts.md (`warehouse.generated_docs`)."""
    out: list[str] = []
    views, described = {v.name for v in all_views()}, descriptions()
    for name, documented in contract().items():
        kind = "view" if name in views else "table"
        out += [f"### `{name}` ({kind})", "", described[name], "", "| column | type | description |", "|---|---|---|"]
        out += [f"| `{c}` | {t} | {_md_cell(d)} |" for c, t, d in documented]
        out.append("")
    return "\n".join(out)


# --- DDL -------------------------------------------------------------------------------------


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def create_table_sql(table: Table) -> str:
    lines = [f'    "{c.name}" {c.type} {c.constraint}'.rstrip() for c in table.columns]
    lines += [f"    {c}" for c in table.constraints]
    return f"CREATE TABLE IF NOT EXISTS {table.name} (\n" + ",\n".join(lines) + "\n)"


def _comments() -> list[tuple[tuple[str, str | None], str, str]]:
    """((object, column or None), comment, COMMENT ON statement) for every table, view and column."""
    out: list[tuple[tuple[str, str | None], str, str]] = []
    for t in all_tables():
        out.append(((t.name, None), t.description, f"COMMENT ON TABLE {t.name} IS {_quote(t.description)}"))
        out += [
            ((t.name, c.name), c.description, f'COMMENT ON COLUMN {t.name}."{c.name}" IS {_quote(c.description)}')
            for c in t.columns
        ]
    for v in all_views():
        out.append(((v.name, None), v.description, f"COMMENT ON VIEW {v.name} IS {_quote(v.description)}"))
        out += [((v.name, c), d, f'COMMENT ON COLUMN {v.name}."{c}" IS {_quote(d)}') for c, _, d in v.columns]
    return out


def comment_sql() -> list[str]:
    """COMMENT ON statements documenting every table, view and column in the file itself."""
    return [stmt for _, _, stmt in _comments()]


def _stale_comment_sql(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The COMMENT ON statements whose comment the file does not hold yet (one query to
    read them all: a file that is already documented costs no statement per column)."""
    held = {
        (r[0], r[1]): r[2]
        for r in con.execute(
            "SELECT table_name, NULL, comment FROM duckdb_tables() "
            "WHERE database_name = current_database() AND schema_name = current_schema() "
            "UNION ALL SELECT view_name, NULL, comment FROM duckdb_views() "
            "WHERE database_name = current_database() AND schema_name = current_schema() "
            "UNION ALL SELECT table_name, column_name, comment FROM duckdb_columns() "
            "WHERE database_name = current_database() AND schema_name = current_schema()"
        ).fetchall()
    }
    return [stmt for key, comment, stmt in _comments() if held.get(key) != comment]


# --- arrow schemas for bulk inserts ----------------------------------------------------------


@cache
def _arrow_types() -> dict[str, pa.DataType]:
    import pyarrow as pa

    return {
        VARCHAR: pa.string(),
        INTEGER: pa.int32(),
        BIGINT: pa.int64(),
        DOUBLE: pa.float64(),
        BOOLEAN: pa.bool_(),
        TIMESTAMPTZ: pa.timestamp("us", tz="UTC"),
        VARCHAR_LIST: pa.list_(pa.string()),
        INTEGER_LIST: pa.list_(pa.int32()),
        CHARS_MAP: pa.map_(pa.string(), pa.int32()),
    }


def arrow_schema(table: str) -> pa.Schema:
    """The pyarrow schema matching a table's columns, in order."""
    import pyarrow as pa

    types = _arrow_types()
    return pa.schema([(c.name, types[c.type]) for c in tables_by_name()[table].columns])


# --- applying and checking -------------------------------------------------------------------


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def _added_column_sql(con: duckdb.DuckDBPyConnection) -> list[str]:
    """ALTER TABLE … ADD COLUMN for the columns a family's table declares and the file lacks.

    A family's tables evolve by adding columns (rows already there get the column's DEFAULT,
    else NULL); the core's tables change only through `MIGRATIONS`."""
    held: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE database_name = current_database() AND schema_name = current_schema()"
    ).fetchall():
        held.setdefault(table, set()).add(column)
    out = []
    for t in family_tables():
        for c in t.columns:
            if t.name in held and c.name not in held[t.name]:
                default = regex.search(r"DEFAULT\s+('(?:[^']|'')*'|[^\s,]+)", c.constraint)
                out.append(
                    f'ALTER TABLE {t.name} ADD COLUMN "{c.name}" {c.type}'
                    + (f" DEFAULT {default.group(1)}" if default else "")
                )
    return out


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The warehouse's schema version; None for a file nenpo has not initialised."""
    if "schema_version" not in _existing_tables(con):
        return None
    row = con.execute("SELECT max(version) FROM schema_version").fetchone()
    version: int | None = row[0] if row is not None else None  # an aggregate returns one row
    return version


def check_schema(con: duckdb.DuckDBPyConnection, path: str = "warehouse") -> int:
    """Check, without writing, that the warehouse has this nenpo's schema version."""
    version = stored_version(con)
    if version is None:
        raise SchemaVersionError(f"{path} is not an initialised nenpo warehouse (no schema_version)")
    if version != SCHEMA_VERSION:
        raise SchemaVersionError(
            f"{path} has warehouse schema version {version}; this nenpo uses version {SCHEMA_VERSION}"
            + (" (open it read-write to migrate)" if version < SCHEMA_VERSION else " (upgrade nenpo)")
        )
    return version


def schema_fingerprint() -> str:
    """sha256 of everything `apply_schema` executes, so an up-to-date file can skip it."""
    import hashlib

    statements = list(ddl()) + [v.sql for v in all_views()] + comment_sql()
    return hashlib.sha256("\n;\n".join(statements).encode("utf-8")).hexdigest()


def _duckdb() -> ModuleType:
    import duckdb

    return duckdb


def _fingerprint_matches(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the file was last set up by exactly this schema code (the common case)."""
    if "schema_version" not in _existing_tables(con):
        return False
    try:
        row = con.execute("SELECT version, fingerprint FROM schema_version ORDER BY version DESC LIMIT 1").fetchone()
    except _duckdb().BinderException:  # a file from before fingerprints were stored
        return False
    return row is not None and row[0] == SCHEMA_VERSION and row[1] == schema_fingerprint()


def apply_schema(con: duckdb.DuckDBPyConnection, path: str = "warehouse") -> int:
    """Create or migrate the schema, idempotently, in one transaction; return the version.

    A fresh file gets every table; a file at an older version is migrated through
    `MIGRATIONS`; a file at a newer version, or one with nenpo's tables but no version,
    raises SchemaVersionError and is left untouched. Views and comments are (re)created
    whenever they differ from this code (a fingerprint of the statements is stored), so
    connecting to an up-to-date file costs one query.
    """
    if _fingerprint_matches(con) and not _stale_comment_sql(con):
        return SCHEMA_VERSION
    with transaction(con):
        existing = _existing_tables(con)
        version = stored_version(con)
        if version is None:
            ours = existing & set(tables_by_name())
            if ours:
                raise SchemaVersionError(
                    f"{path} has warehouse tables ({', '.join(sorted(ours))}) but no schema_version"
                )
            if existing:  # another application's database: never add nenpo's tables to it
                shown = ", ".join(sorted(existing)[:5]) + (" …" if len(existing) > 5 else "")
                raise SchemaVersionError(
                    f"{path} is a DuckDB database of something else (tables {shown}), not a nenpo "
                    f"warehouse; nenpo leaves it alone: give --db a new file or a nenpo warehouse"
                )
        elif version > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{path} has warehouse schema version {version}, newer than this nenpo's "
                f"{SCHEMA_VERSION}; upgrade nenpo"
            )
        else:
            while version < SCHEMA_VERSION:
                if version not in MIGRATIONS:
                    raise SchemaVersionError(
                        f"{path} has warehouse schema version {version} and there is no migration "
                        f"to {version + 1}; rebuild it by re-ingesting the editions"
                    )
                for stmt in MIGRATIONS[version]:
                    con.execute(stmt)
                version += 1
                con.execute("INSERT INTO schema_version (version) VALUES (?)", [version])
        for stmt in ddl():
            con.execute(stmt)
        for stmt in _added_column_sql(con):
            con.execute(stmt)
        for view in all_views():
            con.execute(view.sql)
        if stored_version(con) is None:
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION])
        stale = _stale_comment_sql(con)
        if stale:  # one call: a fresh file gets every comment at once
            con.execute(";\n".join(stale))
        con.execute(
            "UPDATE schema_version SET fingerprint = ? WHERE version = ?", [schema_fingerprint(), SCHEMA_VERSION]
        )
    return SCHEMA_VERSION
