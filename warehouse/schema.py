"""The warehouse schema: every table, column, type and description, in one place.

`TABLES` is the single source of truth. The DDL (`CREATE TABLE IF NOT EXISTS …`), the
`COMMENT ON TABLE/COLUMN` statements that document the contract inside the DuckDB file,
the pyarrow schemas the loader builds its bulk inserts with, and `CONTRACT` (the
analysts' public contract, for a README section and for tests) are all generated from it.

Every table carries `report_id` (the first 16 hex digits of the PDF's sha256) plus
`series` and `report_fiscal_year`, the pair that identifies an edition, so that an edition
can be replaced as a whole and any row can be traced back to its file.

Changing a table (adding, dropping or retyping a column, changing a constraint) MUST bump
`SCHEMA_VERSION` and add the statements that upgrade the previous version to `MIGRATIONS`
— `CREATE TABLE IF NOT EXISTS` does not alter a table that already exists. Views are
recreated on every read-write connect, so changing a view needs no version bump.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

import duckdb
import pyarrow as pa

from nenpo.extractors.models import KpiKind, KpiStatus, OpinionKind, PdcaPhase, ReadBy
from nenpo.warehouse.tx import rollback_quietly
from nenpo.warehouse.views import VIEWS

SCHEMA_VERSION = 3
"""Version of the table layout below; stored in the `schema_version` table."""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (  # 2: audit_runs, so that an ingest that changes nothing can reuse the last audit
        "CREATE TABLE IF NOT EXISTS audit_runs (audited_at TIMESTAMPTZ NOT NULL, "
        "inputs_fingerprint VARCHAR NOT NULL, editions INTEGER NOT NULL, findings INTEGER NOT NULL, "
        "seconds DOUBLE NOT NULL)",
    ),
    2: tuple(  # 3: how each typed table row was read (layout or text order)
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS read_by VARCHAR DEFAULT 'layout'"
        for table in ("article_opinions", "stat_values", "committee_members", "policy_list", "budget_items",
                      "budget_results", "other_measures", "table_cells", "measures", "kpi_values", "pdca_items")
    ),
}
"""from_version → SQL statements that upgrade a warehouse from that version to the next.
Each is written out in full (not generated from `TABLES`), so it keeps meaning what it
meant when that version was current."""


class SchemaVersionError(RuntimeError):
    """The warehouse file was written with a table layout this nenpo cannot use."""


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    """DuckDB type, spelled as `duckdb_columns().data_type` reports it."""
    description: str
    constraint: str = ""
    """Column constraint appended to the DDL (NOT NULL, CHECK …, DEFAULT …)."""


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    constraints: tuple[str, ...] = ()
    """Table constraints (PRIMARY KEY …, UNIQUE …)."""
    public: bool = True
    """Part of the analysts' contract (False for bookkeeping tables)."""

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


VARCHAR = "VARCHAR"
INTEGER = "INTEGER"
BIGINT = "BIGINT"
DOUBLE = "DOUBLE"
BOOLEAN = "BOOLEAN"
TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"
VARCHAR_LIST = "VARCHAR[]"
INTEGER_LIST = "INTEGER[]"
CHARS_MAP = "MAP(VARCHAR, INTEGER)"


def _in(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{v}'" for v in values)


KPI_KINDS: tuple[str, ...] = get_args(KpiKind)
KPI_STATUSES: tuple[str, ...] = get_args(KpiStatus)
PDCA_PHASES: tuple[str, ...] = get_args(PdcaPhase)
OPINION_KINDS: tuple[str, ...] = get_args(OpinionKind)

# Columns every per-edition table starts with.
_REPORT_ID = Column("report_id", VARCHAR, "Id of the PDF file: first 16 hex digits of its sha256.", "NOT NULL")
_SERIES = Column("series", VARCHAR, "Report series (which yearly report this is an edition of).", "NOT NULL")
_REPORT_FY = Column(
    "report_fiscal_year", INTEGER, "Fiscal year of the edition (the report's own year).", "NOT NULL"
)
_SHA256 = Column("sha256", VARCHAR, "sha256 of the PDF file the row was extracted from (provenance).", "NOT NULL")
_EXTRACTOR_VERSION = Column(
    "extractor_version", VARCHAR, "Version of the nenpo extractor that produced the row (provenance).", "NOT NULL"
)


_READ_BY = Column(
    "read_by",
    VARCHAR,
    "How the row was read: 'layout' (from positions on the page: ruled grids, aligned columns) or "
    "'text_order' (from the order of the page's text layer, where positions carry no structure).",
    f"NOT NULL CHECK (read_by IN ({_in(get_args(ReadBy))}))",
)


def _read_by(how: str) -> Column:
    """`_READ_BY` with what each reading means for the table's rows."""
    return Column(_READ_BY.name, _READ_BY.type, f"How the row was read: {how}", _READ_BY.constraint)


def _bbox(what: str) -> tuple[Column, ...]:
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
        Column("reason", VARCHAR, "'exact' (same name), 'evidence' (renamed: see evidence) or 'pinned' (alias file).", "NOT NULL"),
        Column("score", DOUBLE, "Evidence score 0..1 of the link (NULL when pinned)."),
        Column("evidence", VARCHAR, f"JSON: {evidence}."),
        Column("first_report_fiscal_year", INTEGER, "First edition printing this name."),
        Column("last_report_fiscal_year", INTEGER, "Last edition printing this name."),
    )


TABLES: tuple[Table, ...] = (
    Table(
        "reports",
        "One row per loaded edition (one PDF file). An edition is identified by "
        "(series, report_fiscal_year); loading a new file for an edition replaces all its rows.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("title", VARCHAR, "Title printed on the report.", "NOT NULL"),
            Column("source_path", VARCHAR, "Path of the PDF when it was extracted.", "NOT NULL"),
            _SHA256,
            Column("page_count", INTEGER, "Number of pages in the PDF.", "NOT NULL"),
            _EXTRACTOR_VERSION,
            Column("ingested_at", TIMESTAMPTZ, "When this file was loaded into the warehouse.", "NOT NULL"),
            Column("extracted_at", TIMESTAMPTZ, "When the extractor read the PDF.", "NOT NULL"),
            Column("seconds", DOUBLE, "Seconds the extraction took.", "NOT NULL"),
            Column("measure_count", INTEGER, "Rows of this edition in measures.", "NOT NULL"),
            Column("kpi_value_count", INTEGER, "Rows of this edition in kpi_values.", "NOT NULL"),
            Column("warning_count", INTEGER, "Rows of this edition in extraction_warnings.", "NOT NULL"),
        ),
        ("PRIMARY KEY (report_id)", "UNIQUE (series, report_fiscal_year)"),
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
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the measure within the edition, from 1.", "NOT NULL"),
            Column("article", INTEGER, "第N条 of the ordinance the measure falls under."),
            Column("article_title", VARCHAR, "Title of that article."),
            Column("parent", VARCHAR, "Parent measure (施策) the sheet sits under, normalised."),
            Column("position", INTEGER, "①② number of the measure under its parent."),
            Column("name", VARCHAR, "Measure name, normalised (NFKC, spacing).", "NOT NULL"),
            Column("name_raw", VARCHAR, "Measure name exactly as printed.", "NOT NULL"),
            Column("page_start", INTEGER, "First page of the measure sheet (1-based).", "NOT NULL"),
            Column("page_end", INTEGER, "Last page of the measure sheet (1-based).", "NOT NULL"),
            _read_by("'layout': the title is the page's largest type at its top; 'text_order': the line "
                     "before 事業計画 Plan in text order (a sheet that starts mid-page, its title set like the body)."),
            *_bbox("measure header"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (measure_id)",),
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
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
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
            Column("kind", VARCHAR, "'target' or 'actual'.", f"NOT NULL CHECK (kind IN ({_in(KPI_KINDS)}))"),
            Column("value", DOUBLE, "The number; NULL when the cell is not a number (see status)."),
            Column("value_text", VARCHAR, "The cell text exactly as printed.", "NOT NULL"),
            Column(
                "status",
                VARCHAR,
                "'reported' (a number), 'cancelled' (中止), 'not_reported' (blank or －), "
                "'not_numeric' (other text).",
                f"NOT NULL CHECK (status IN ({_in(KPI_STATUSES)}))",
            ),
            Column("annotation", VARCHAR, "Parenthesised note printed with the value, e.g. 新規38件・変更21件."),
            Column("sub_value", DOUBLE, "Second number printed in the cell, e.g. the (M) of 'N (M)'."),
            Column("table_no", INTEGER, "Order of the KPI table within the edition, from 1.", "NOT NULL"),
            _read_by("'layout': the indicator is the label printed right above the table in its column; "
                     "'text_order': the label the text layer's order gives (it may sit above another box, "
                     "or be a 【参考 …】 caption under the table). Cells are always read by position."),
            Column("page", INTEGER, "Page the cell is printed on (1-based).", "NOT NULL"),
            *_bbox("cell"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (kpi_value_id)",),
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
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the item within the edition, from 1.", "NOT NULL"),
            Column(
                "measure_id",
                VARCHAR,
                "measures.measure_id of the sheet that prints the item; NULL when several measures of "
                "the edition have its name.",
            ),
            Column("measure", VARCHAR, "Measure whose sheet prints the item, normalised (joins measures.name).", "NOT NULL"),
            Column("parent", VARCHAR, "Parent measure (施策) of that sheet, normalised."),
            Column(
                "phase",
                VARCHAR,
                "'plan' (事業計画 Plan, 主な取組), 'do' (事業の実施状況 Do, 補足事項), 'covid_do' "
                "(新型コロナウイルス感染症に関する対応), 'check' (主な検証意見 Check), 'covid_check' "
                "(新型コロナウイルス感染症への対応に関する意見), 'action' (以降の対応 Action), "
                "'next_plan' (翌年度の実施計画).",
                f"NOT NULL CHECK (phase IN ({_in(PDCA_PHASES)}))",
            ),
            Column("item_no", INTEGER, "Order of the item within its sheet and phase, from 1.", "NOT NULL"),
            Column(
                "seq",
                INTEGER_LIST,
                "Opinion numbers named by the item's label: ① → [1], ①・② → [1, 2], ④~⑥ → [4, 5, 6]; "
                "empty for bulleted items.",
                "NOT NULL",
            ),
            Column("label", VARCHAR, "Item label exactly as printed (①, ①・②, ④~⑥); '' for bulleted items.", "NOT NULL"),
            Column("text", VARCHAR, "Item text, normalised, without its label or bullet; wrapped lines joined.", "NOT NULL"),
            Column("text_raw", VARCHAR, "Item text exactly as printed (lines joined), without its label or bullet.", "NOT NULL"),
            Column("shared", BOOLEAN, "True when the item belongs to a Check/Action block shared by several sub-measures.", "NOT NULL"),
            _read_by("'layout': the item is under its box's heading by position; 'text_order': a Check/Action "
                     "item of the numbered block after 主な検証意見 Check, opinions and responses told apart by "
                     "where the numbering restarts, or a Plan/Do item of a box whose heading the text layer "
                     "prints after its items (an edition set in one column)."),
            Column("page", INTEGER, "Page the item is printed on (1-based).", "NOT NULL"),
            *_bbox("item"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (pdca_item_id)",),
    ),
    Table(
        "pdca_item_measures",
        "One row per (PDCA item, measure it applies to): the sheet's own measure, or every "
        "sub-measure of a shared Check/Action block (e.g. 商店街課題対応事業 and 商業力強化事業 for "
        "the block printed on the latter's sheet).",
        (
            Column("pdca_item_id", VARCHAR, "pdca_items.pdca_item_id.", "NOT NULL"),
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("measure_id", VARCHAR, "measures.measure_id of the measure; NULL when several measures of the edition have its name."),
            Column("measure", VARCHAR, "Measure the item applies to, normalised (joins measures.name).", "NOT NULL"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (pdca_item_id, measure)",),
    ),
    Table(
        "article_opinions",
        "One row per article and kind of opinion in the table at the start of section 4 "
        "(条文 / 施策 / 施策全体への意見 / コロナ対応への意見): the council's opinion on the "
        "article's measures as a whole, and on their response to COVID-19.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the row within the edition, from 1.", "NOT NULL"),
            Column("article", INTEGER, "第N条 of the ordinance.", "NOT NULL"),
            Column("policy", VARCHAR, "The article's policy (条例に基づく中小企業活性化施策), normalised.", "NOT NULL"),
            Column("policy_raw", VARCHAR, "The policy exactly as printed (wrapped lines joined).", "NOT NULL"),
            Column(
                "kind",
                VARCHAR,
                "'overall' (施策全体への意見) or 'covid' (コロナ対応への意見).",
                f"NOT NULL CHECK (kind IN ({_in(OPINION_KINDS)}))",
            ),
            Column("kind_raw", VARCHAR, "The kind label exactly as printed (wrapped lines joined).", "NOT NULL"),
            Column("text", VARCHAR, "The opinion, normalised; paragraphs separated by line breaks.", "NOT NULL"),
            Column("text_raw", VARCHAR, "The opinion exactly as printed; paragraphs separated by line breaks.", "NOT NULL"),
            _READ_BY,
            Column("page", INTEGER, "Page the row is printed on (1-based).", "NOT NULL"),
            *_bbox("opinion text"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
    ),
    Table(
        "report_pages",
        "One row per page of an edition: which text engine was used and how trustworthy its text is.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("page", INTEGER, "Page number (1-based).", "NOT NULL"),
            Column("engine", VARCHAR, "Text engine whose output was used for the page.", "NOT NULL"),
            Column("chars_pymupdf", INTEGER, "Characters PyMuPDF read on the page (NULL when not run)."),
            Column("chars_pdfplumber", INTEGER, "Characters pdfplumber read on the page (NULL when not run)."),
            Column("chars", CHARS_MAP, "Characters read on the page by every engine that ran.", "NOT NULL"),
            Column("quality", DOUBLE, "Quality score of the page text, higher is better.", "NOT NULL"),
            Column("flags", VARCHAR_LIST, "Problems noticed on the page (e.g. garbled text).", "NOT NULL"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, page)",),
    ),
    Table(
        "extraction_warnings",
        "Things the extractor noticed but could handle (unit mismatch, garbled text …).",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the warning within the edition, from 1.", "NOT NULL"),
            Column("code", VARCHAR, "Machine-readable warning code.", "NOT NULL"),
            Column("message", VARCHAR, "Human-readable explanation.", "NOT NULL"),
            Column("page", INTEGER, "Page concerned, if any."),
            Column("measure", VARCHAR, "Measure concerned, if any."),
            Column("indicator", VARCHAR, "Indicator concerned, if any."),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
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
            *_alias_columns("Measure name as normalised in measures.name / kpi_values.measure.",
                            "previous name, same article, indicator overlap, name similarity"),
        ),
        ("PRIMARY KEY (series, name)",),
    ),
    Table(
        "indicator_aliases",
        "Stable identity of each printed indicator name within its (canonical) measure across editions.",
        (
            Column("series", VARCHAR, "Report series.", "NOT NULL"),
            Column("measure", VARCHAR, "Canonical measure name (measure_aliases.canonical).", "NOT NULL"),
            *_alias_columns("Indicator name as normalised in kpi_values.indicator.",
                            "previous name, same unit, name similarity"),
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
            Column("severity", VARCHAR, "'info', 'warning' or 'error'.", "NOT NULL CHECK (severity IN ('info', 'warning', 'error'))"),
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
            Column("audited_at", TIMESTAMPTZ, "When the audit ran (audit_findings.audited_at of its findings).", "NOT NULL"),
            Column("inputs_fingerprint", VARCHAR, "sha256 over what the findings depend on: every loaded edition "
                   "(report_id, sha256, extractor_version, ingested_at), the alias pins and the code of the "
                   "rules and views.", "NOT NULL"),
            Column("editions", INTEGER, "Editions loaded when it ran.", "NOT NULL"),
            Column("findings", INTEGER, "Findings it stored.", "NOT NULL"),
            Column("seconds", DOUBLE, "How long linking the names and running the rules took.", "NOT NULL"),
        ),
    ),
    Table(
        "stat_values",
        "One row per statistic printed in section 2 (市内産業の現状): each cell of the census "
        "tables (業種大分類 × survey year: 事業所数, 従業者数, 構成比, with the 全産業 total row) and "
        "figures printed in prose (業況DI, 倒産件数, 有効求人倍率).",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the value within the edition, from 1.", "NOT NULL"),
            Column("table", VARCHAR, "Which statistic: the census table's measure (事業所数, 従業者数) or the "
                   "section the prose figure is printed in (市内中小企業の景況感 …).", "NOT NULL"),
            Column("title", VARCHAR, "Caption printed over the table (図表 …), normalised; NULL for prose figures."),
            Column("category", VARCHAR, "Row of the table (業種大分類 such as 建設業, or 全産業 for the total), "
                   "or what a prose figure is about (川崎全市, 神奈川県 …).", "NOT NULL"),
            Column("survey_year", INTEGER, "Year of the survey the value is from (H26(2014) → 2014; a fiscal "
                   "year for 倒産件数 and 有効求人倍率)."),
            Column("measure", VARCHAR, "What the value measures: 事業所数, 従業者数, 構成比, 業況DI, 倒産件数, 有効求人倍率 ….", "NOT NULL"),
            Column("value", DOUBLE, "The number (△21.2 → -21.2; 21.6% → 21.6); NULL when the cell is not a number."),
            Column("value_text", VARCHAR, "The value as printed (normalised).", "NOT NULL"),
            Column("unit", VARCHAR, "Unit: 事業所, 人, %, 件, 倍, DI."),
            Column("period", VARCHAR, "Survey period when finer than a year (2021年4-6月期; 前期 for the quarter before)."),
            Column("source", VARCHAR, "'table' (a table cell) or 'text' (a figure in prose).",
                   "NOT NULL CHECK (source IN ('table', 'text'))"),
            _READ_BY,
            Column("page", INTEGER, "Page the value is printed on (1-based).", "NOT NULL"),
            *_bbox("cell (or the line of a prose figure)"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
    ),
    Table(
        "committee_members",
        "One row per member listed in a committee roster (委員名簿) of section 3, so that "
        "membership changes show across editions.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the row within the edition, from 1.", "NOT NULL"),
            Column("committee", VARCHAR, "Committee named in the roster's caption (川崎市産業振興協議会 …).", "NOT NULL"),
            Column("as_of", VARCHAR, "Date the roster is as of, from the caption (令和3年8月), normalised."),
            Column("seq", INTEGER, "Number printed before the member.", "NOT NULL"),
            Column("role", VARCHAR, "役職名, normalised.", "NOT NULL"),
            Column("role_raw", VARCHAR, "役職名 exactly as printed.", "NOT NULL"),
            Column("name", VARCHAR, "氏名, normalised (one space between family and given name).", "NOT NULL"),
            Column("name_raw", VARCHAR, "氏名 exactly as printed.", "NOT NULL"),
            Column("grp", VARCHAR, "Group the member is listed under: 学識者 or 関係団体役職員."),
            _READ_BY,
            Column("page", INTEGER, "Page the roster is printed on (1-based).", "NOT NULL"),
            *_bbox("roster row"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
    ),
    Table(
        "policy_list",
        "One row per measure in the policy list 中小企業活性化施策一覧 (条文 / 中小企業活性化施策 / "
        "事務事業名 / 頁), both parts: 検証対象事業 (the measures with a PDCA sheet) and その他の事業.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("seq", INTEGER, "Order of the entry in the list, from 1 (both parts).", "NOT NULL"),
            Column("part", VARCHAR, "'検証対象事業' or 'その他の事業'.", "NOT NULL CHECK (part IN ('検証対象事業', 'その他の事業'))"),
            Column("article", INTEGER, "第N条 of the ordinance (the 条文 column)."),
            Column("article_title", VARCHAR, "The 中小企業活性化施策 column: the article's policy, normalised."),
            Column("parent", VARCHAR, "Parent measure printed before the measure (商業振興関連事業), normalised."),
            Column("name", VARCHAR, "Measure name, normalised (joins measures.name and other_measures.name).", "NOT NULL"),
            Column("name_raw", VARCHAR, "The 事務事業名 cell exactly as printed.", "NOT NULL"),
            Column("page_start", INTEGER, "First page the list gives for the measure (頁, as printed)."),
            Column("page_end", INTEGER, "Last page the list gives for the measure."),
            _READ_BY,
            Column("page", INTEGER, "Page the list entry is printed on (1-based).", "NOT NULL"),
            *_bbox("事務事業名 cell"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, seq)",),
    ),
    Table(
        "budget_items",
        "One row per measure (№) of the emergency-measure budget table (新型コロナウイルス感染症に"
        "関する本市の緊急経済対策: № / 事業名 / 概要 / 予算規模（千円） / 実績等), one per phase when a "
        "measure has two (第1弾/第2弾, 1回目/2回目). A budget shared with other rows "
        "(（№13の一部の予算を含む）) is kept as a note and counted once: sum counted_budget_thousand_yen, "
        "not budget_thousand_yen, for totals (view budget_totals).",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the row within the edition, from 1.", "NOT NULL"),
            Column("no", INTEGER, "The № printed for the measure.", "NOT NULL"),
            Column("phase", VARCHAR, "Phase of the measure (第1弾, 2回目 …), normalised; NULL when it has one."),
            Column("name", VARCHAR, "事業名, normalised (lines joined, spaces removed).", "NOT NULL"),
            Column("name_raw", VARCHAR, "事業名 as printed, lines joined.", "NOT NULL"),
            Column("summary", VARCHAR, "概要, normalised; wrapped lines joined, one paragraph per line.", "NOT NULL"),
            Column("budget_thousand_yen", DOUBLE, "予算規模 in thousand yen as printed for the row; NULL when none is printed."),
            Column("budget_text", VARCHAR, "The budget amount as printed.", "NOT NULL"),
            Column("budget_note", VARCHAR, "Note printed under the budget, e.g. (No13の一部の予算を含む), normalised."),
            Column("shared_with", INTEGER_LIST, "The №s the budget note says the amount is shared with.", "NOT NULL"),
            Column("counted_budget_thousand_yen", DOUBLE,
                   "The amount this row adds to a total: its budget, except that an amount shared by several "
                   "rows is counted once (on the first of them) and 0 on the others; NULL when no budget is printed."),
            Column("results_text", VARCHAR, "実績等, normalised; wrapped lines joined, one paragraph per line.", "NOT NULL"),
            _READ_BY,
            Column("page", INTEGER, "Page the row is printed on (1-based).", "NOT NULL"),
            *_bbox("table row"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
    ),
    Table(
        "budget_results",
        "One row per number printed inside a budget row's 実績等 (交付件数 66 件, 交付額 11,073 千円, "
        "相談件数 19,302 件 …).",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the number within the edition, from 1.", "NOT NULL"),
            Column("no", INTEGER, "№ of the budget row (budget_items.no).", "NOT NULL"),
            Column("phase", VARCHAR, "Phase of the budget row (budget_items.phase)."),
            Column("metric", VARCHAR, "What the number counts: the label printed before it (交付件数, 交付額 …).", "NOT NULL"),
            Column("value", DOUBLE, "The number.", "NOT NULL"),
            Column("unit", VARCHAR, "Unit printed after the number (件, 千円, 冊 …).", "NOT NULL"),
            Column("value_text", VARCHAR, "Number and unit as printed (normalised).", "NOT NULL"),
            _READ_BY,
            Column("page", INTEGER, "Page the number is printed on (1-based).", "NOT NULL"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
    ),
    Table(
        "other_measures",
        "One row per measure of the その他の事業 part: next fiscal year's plan (令和N+1年度の概要) and "
        "the edition year's results (令和N年度の実績), with the article the measure falls under.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("ordinal", INTEGER, "Order of the measure within the edition, from 1.", "NOT NULL"),
            Column("article", INTEGER, "第N条 of the ordinance: the article heading above the measure, else the policy list."),
            Column("article_title", VARCHAR, "Title of that article, normalised."),
            Column("name", VARCHAR, "Measure name, normalised.", "NOT NULL"),
            Column("name_raw", VARCHAR, "Measure name as printed.", "NOT NULL"),
            Column("next_year_plan", VARCHAR, "令和N+1年度の概要, normalised; one paragraph per line.", "NOT NULL"),
            Column("results", VARCHAR, "令和N年度の実績, normalised; one paragraph per line.", "NOT NULL"),
            _READ_BY,
            Column("page", INTEGER, "Page the measure is printed on (1-based).", "NOT NULL"),
            *_bbox("measure's block"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
    ),
    Table(
        "table_cells",
        "One row per cell of every table found on any page (ruled grids, and tables found by "
        "aligning lines), whether or not a typed table claims it, so nothing printed in a grid is lost.",
        (
            _REPORT_ID,
            _SERIES,
            _REPORT_FY,
            Column("page", INTEGER, "Page the table is printed on (1-based).", "NOT NULL"),
            Column("table_no", INTEGER, "Order of the table within the edition, from 1.", "NOT NULL"),
            Column("kind", VARCHAR, "Typed table that claimed it: census, roster, policy_list, budget, "
                   "other_measure, kpi; NULL when none did."),
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
                f"NOT NULL CHECK (read_by IN ({_in(get_args(ReadBy))}))",
            ),
            *_bbox("cell"),
            _SHA256,
            _EXTRACTOR_VERSION,
        ),
        ("PRIMARY KEY (report_id, table_no, \"row\", col)",),
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

TABLES_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}

EDITION_TABLES: tuple[str, ...] = (
    "table_cells", "other_measures", "budget_results", "budget_items", "policy_list", "committee_members",
    "stat_values", "extraction_warnings", "report_pages", "article_opinions", "pdca_item_measures", "pdca_items",
    "kpi_values", "measures", "reports",
)
"""Tables holding rows of an edition, children first: the order rows are deleted in (and the
reverse of the order they are inserted in)."""

CONTRACT: dict[str, list[tuple[str, str, str]]] = {
    **{t.name: [(c.name, c.type, c.description) for c in t.columns] for t in TABLES if t.public},
    **{v.name: list(v.columns) for v in VIEWS},
}
"""The analysts' public contract: table or view → [(column, DuckDB type, description)]."""

DESCRIPTIONS: dict[str, str] = {
    **{t.name: t.description for t in TABLES},
    **{v.name: v.description for v in VIEWS},
}


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


def contract_markdown() -> str:
    """The contract as Markdown, for the README's warehouse section."""
    out: list[str] = []
    for name, columns in CONTRACT.items():
        kind = "view" if name in {v.name for v in VIEWS} else "table"
        out += [f"### `{name}` ({kind})", "", DESCRIPTIONS[name], "", "| column | type | description |", "|---|---|---|"]
        out += [f"| `{c}` | {t} | {_md_cell(d)} |" for c, t, d in columns]
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
    for t in TABLES:
        out.append(((t.name, None), t.description, f"COMMENT ON TABLE {t.name} IS {_quote(t.description)}"))
        out += [((t.name, c.name), c.description, f'COMMENT ON COLUMN {t.name}."{c.name}" IS {_quote(c.description)}')
                for c in t.columns]
    for v in VIEWS:
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


DDL: tuple[str, ...] = tuple(create_table_sql(t) for t in TABLES)


# --- arrow schemas for bulk inserts ----------------------------------------------------------

_ARROW_TYPES: dict[str, pa.DataType] = {
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
    return pa.schema([(c.name, _ARROW_TYPES[c.type]) for c in TABLES_BY_NAME[table].columns])


# --- applying and checking -------------------------------------------------------------------

_VERSION_TABLE = TABLES_BY_NAME["schema_version"]


def _existing_tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM duckdb_tables() "
        "WHERE database_name = current_database() AND schema_name = current_schema()"
    ).fetchall()
    return {r[0] for r in rows}


def stored_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The warehouse's schema version; None for a file nenpo has not initialised."""
    if "schema_version" not in _existing_tables(con):
        return None
    return con.execute("SELECT max(version) FROM schema_version").fetchone()[0]


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

    statements = list(DDL) + [v.sql for v in VIEWS] + comment_sql()
    return hashlib.sha256("\n;\n".join(statements).encode("utf-8")).hexdigest()


def _fingerprint_matches(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the file was last set up by exactly this schema code (the common case)."""
    if "schema_version" not in _existing_tables(con):
        return False
    try:
        row = con.execute(
            "SELECT version, fingerprint FROM schema_version ORDER BY version DESC LIMIT 1"
        ).fetchone()
    except duckdb.BinderException:  # a file from before fingerprints were stored
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
    con.execute("BEGIN TRANSACTION")
    try:
        existing = _existing_tables(con)
        version = stored_version(con)
        if version is None:
            ours = existing & set(TABLES_BY_NAME)
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
        for stmt in DDL:
            con.execute(stmt)
        for view in VIEWS:
            con.execute(view.sql)
        if stored_version(con) is None:
            con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION])
        stale = _stale_comment_sql(con)
        if stale:  # one call: a fresh file gets every comment at once
            con.execute(";\n".join(stale))
        con.execute("UPDATE schema_version SET fingerprint = ? WHERE version = ?", [schema_fingerprint(), SCHEMA_VERSION])
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    return SCHEMA_VERSION


def update_readme(path: str) -> bool:
    """Rewrite the contract section of a README (between the contract markers); True if it changed."""
    import re
    from pathlib import Path

    readme = Path(path)
    text = readme.read_text(encoding="utf-8")
    updated = re.sub(
        r"<!-- contract:start -->.*?<!-- contract:end -->",
        lambda _: "<!-- contract:start -->\n" + contract_markdown().strip() + "\n<!-- contract:end -->",
        text,
        flags=re.S,
    )
    readme.write_text(updated, encoding="utf-8")
    return updated != text


if __name__ == "__main__":  # python -m nenpo.warehouse.schema README.md
    import sys

    print("updated" if update_readme(sys.argv[1] if len(sys.argv) > 1 else "README.md") else "unchanged")
