"""The budget book's warehouse tables and view (`warehouse.schema.Table`, `warehouse.views.View`).

Columns are named as the record fields they hold (`records.Appropriation`,
`records.AppropriationNote`), plus the edition's keys and the provenance every table carries.
"""

from __future__ import annotations

from nenpo.warehouse.schema import DOUBLE, INTEGER, VARCHAR, Column, Table
from nenpo.warehouse.views import View

_EDITION = (
    Column(
        "report_id",
        VARCHAR,
        "Id of the PDF file (part) the row comes from: first 16 hex digits of its sha256.",
        "NOT NULL",
    ),
    Column("series", VARCHAR, "The budget-book series (whose books: one city's general account).", "NOT NULL"),
    Column("report_fiscal_year", INTEGER, "Fiscal year of the edition (the budget's year).", "NOT NULL"),
)
_PROVENANCE = (
    Column(
        "read_by", VARCHAR, "'layout' (columns by position) or 'text_order' (the 予算 article's sentence).", "NOT NULL"
    ),
    Column("page", INTEGER, "Page of the file the row is printed on (1-based).", "NOT NULL"),
    Column("bbox_x0", DOUBLE, "Left edge of the row's cells, PDF points from the left."),
    Column("bbox_top", DOUBLE, "Top edge, PDF points from the top of the page."),
    Column("bbox_x1", DOUBLE, "Right edge, PDF points from the left."),
    Column("bbox_bottom", DOUBLE, "Bottom edge, PDF points from the top of the page."),
    Column("sha256", VARCHAR, "sha256 of the PDF file (provenance).", "NOT NULL"),
    Column("extractor_version", VARCHAR, "Version of the budget-book reader (provenance).", "NOT NULL"),
)
_PATH = (
    Column(
        "side",
        VARCHAR,
        "'revenue' (歳入) or 'expenditure' (歳出).",
        "NOT NULL CHECK (side IN ('revenue', 'expenditure'))",
    ),
    Column("kan_no", INTEGER, "款 number."),
    Column("kou_no", INTEGER, "項 number within the 款."),
    Column("moku_no", INTEGER, "目 number within the 項."),
    Column("setsu_no", INTEGER, "節 number within the 目."),
)


def _table(name: str, description: str, columns: tuple[Column, ...], records: str) -> Table:
    return Table(name, description, columns, records=records)


APPROPRIATIONS = _table(
    "appropriations",
    "One row per amount row of a budget book: the totals (予算 article, 歳入合計 / 歳出合計), every 款 and 項 "
    "of 第1表, every 款 of the 総括, and every 款, 項, 目 and 節 of the 事項別明細書. The same account appears "
    "once per part that prints it (`source`); the audit compares them.",
    (
        *_EDITION,
        Column(
            "source",
            VARCHAR,
            "The part of the book that printed the row: 'articles', '第1表', '総括' or '明細書'.",
            "NOT NULL",
        ),
        *_PATH[:1],
        Column(
            "level",
            VARCHAR,
            "'total', 'kan' (款), 'kou' (項), 'moku' (目) or 'setsu' (節).",
            "NOT NULL CHECK (level IN ('total', 'kan', 'kou', 'moku', 'setsu'))",
        ),
        _PATH[1],
        Column("kan", VARCHAR, "款 name as printed (justifying spaces removed)."),
        _PATH[2],
        Column("kou", VARCHAR, "項 name."),
        _PATH[3],
        Column("moku", VARCHAR, "目 name."),
        _PATH[4],
        Column("setsu", VARCHAR, "節 name (区分)."),
        Column("current_thousand_yen", DOUBLE, "本年度予算額 in 千円."),
        Column("current_text", VARCHAR, "本年度 as printed.", "NOT NULL"),
        Column(
            "previous_thousand_yen",
            DOUBLE,
            "前年度予算額 in 千円; NULL where the part prints none (第1表, 節, 明細書 款).",
        ),
        Column("previous_text", VARCHAR, "前年度 as printed."),
        Column("change_thousand_yen", DOUBLE, "比較 in 千円 (△ printed for a decrease)."),
        Column("change_text", VARCHAR, "比較 as printed."),
        *_PROVENANCE,
    ),
    "appropriations",
)

APPROPRIATION_NOTES = _table(
    "appropriation_notes",
    "One row per 説明 line under a 節 (or a 目 without 節): a name with its amount, or a formula such as "
    "調定見込額 408,000×98.9%.",
    (
        *_EDITION,
        *_PATH,
        Column("seq", INTEGER, "Order of the line under its 節, from 1.", "NOT NULL"),
        Column("indent", INTEGER, "0 for a line flush with the 説明 column, 1.. for indented lines.", "NOT NULL"),
        Column("name", VARCHAR, "The line's words without amount or formula ('' for a formula line).", "NOT NULL"),
        Column("text", VARCHAR, "The line as printed (normalised).", "NOT NULL"),
        Column("thousand_yen", DOUBLE, "The amount printed at the right of the line, in 千円."),
        Column("amount_text", VARCHAR, "The amount as printed."),
        Column("formula", VARCHAR, "The formula as printed (408,000×98.9%)."),
        Column("formula_label", VARCHAR, "The formula's label (調定見込額, 算定標準額 …)."),
        *_PROVENANCE,
    ),
    "appropriation_notes",
)

TIMESERIES_SQL = """
CREATE OR REPLACE VIEW appropriations_timeseries AS
WITH ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY series, report_fiscal_year, side, level, kan_no, kou_no, moku_no, setsu_no
        ORDER BY CASE source WHEN '明細書' THEN 0 WHEN '総括' THEN 1 WHEN '第1表' THEN 2 ELSE 3 END, page
    ) AS pick
    FROM appropriations
    WHERE level <> 'total' OR source <> 'articles'
),
chosen AS (SELECT * EXCLUDE (pick) FROM ranked WHERE pick = 1),
printed_previous AS (
    SELECT *, row_number() OVER (
        PARTITION BY series, report_fiscal_year, side, level, kan_no, kou_no, moku_no, setsu_no
        ORDER BY CASE source WHEN '明細書' THEN 0 WHEN '総括' THEN 1 ELSE 2 END, page
    ) AS pick
    FROM appropriations WHERE previous_thousand_yen IS NOT NULL
),
restated AS (
    SELECT series, report_fiscal_year - 1 AS fiscal_year, side, level, kan_no, kou_no, moku_no, setsu_no,
           previous_thousand_yen, page, report_id, source
    FROM printed_previous WHERE pick = 1
)
SELECT c.series, c.report_fiscal_year AS fiscal_year, c.side, c.level, c.kan_no, c.kou_no, c.moku_no, c.setsu_no,
       c.kan, c.kou, c.moku, c.setsu,
       c.current_thousand_yen AS budget_thousand_yen,
       r.previous_thousand_yen AS next_edition_previous_thousand_yen,
       r.previous_thousand_yen - c.current_thousand_yen AS restated_by_thousand_yen,
       c.source, c.report_id, c.page,
       r.report_id AS next_report_id, r.page AS next_page
FROM chosen c
LEFT JOIN restated r
  ON r.series = c.series AND r.fiscal_year = c.report_fiscal_year AND r.side = c.side AND r.level = c.level
 AND r.kan_no IS NOT DISTINCT FROM c.kan_no AND r.kou_no IS NOT DISTINCT FROM c.kou_no
 AND r.moku_no IS NOT DISTINCT FROM c.moku_no AND r.setsu_no IS NOT DISTINCT FROM c.setsu_no
"""

APPROPRIATIONS_TIMESERIES = View(
    "appropriations_timeseries",
    "One row per account path and fiscal year: the amount budgeted by that year's edition (its 明細書 where "
    "loaded, else its 総括, else 第1表), and the amount the next edition prints as 前年度 for the same path.",
    TIMESERIES_SQL,
    (
        ("series", VARCHAR, "The budget-book series."),
        ("fiscal_year", INTEGER, "The budget's fiscal year."),
        ("side", VARCHAR, "'revenue' or 'expenditure'."),
        ("level", VARCHAR, "'total', 'kan', 'kou', 'moku' or 'setsu'."),
        ("kan_no", INTEGER, "款 number."),
        ("kou_no", INTEGER, "項 number."),
        ("moku_no", INTEGER, "目 number."),
        ("setsu_no", INTEGER, "節 number."),
        ("kan", VARCHAR, "款 name in that year's edition."),
        ("kou", VARCHAR, "項 name."),
        ("moku", VARCHAR, "目 name."),
        ("setsu", VARCHAR, "節 name."),
        ("budget_thousand_yen", DOUBLE, "本年度 of that year's edition, 千円."),
        (
            "next_edition_previous_thousand_yen",
            DOUBLE,
            "前年度 printed by the next year's edition, 千円 (NULL until loaded).",
        ),
        ("restated_by_thousand_yen", DOUBLE, "next edition's 前年度 minus this edition's 本年度 (0 when they agree)."),
        ("source", VARCHAR, "Which part of this year's edition gave the amount."),
        ("report_id", VARCHAR, "The file of this year's amount."),
        ("page", INTEGER, "Its page."),
        ("next_report_id", VARCHAR, "The file of the next edition's 前年度."),
        ("next_page", INTEGER, "Its page."),
    ),
)

TABLES = (APPROPRIATIONS, APPROPRIATION_NOTES)
VIEWS = (APPROPRIATIONS_TIMESERIES,)
