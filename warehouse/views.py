"""Views over the warehouse tables; (re)created on every read-write connect.

Each view carries its documented columns so that `schema.CONTRACT` and the
`COMMENT ON` statements cover views as well as tables.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    columns: tuple[tuple[str, str, str], ...]
    """(column, DuckDB type, description), in the view's column order."""


KPI_TIMESERIES_SQL = """
CREATE OR REPLACE VIEW kpi_timeseries AS
WITH ranked AS (
    SELECT
        k.*,
        row_number() OVER (
            PARTITION BY k.series, k.measure, k.indicator, k.fiscal_year, k.kind
            ORDER BY (k.status = 'not_reported'), k.report_fiscal_year DESC,
                     k.table_no, k.page, k.ordinal
        ) AS pick
    FROM kpi_values AS k
),
chosen AS (
    SELECT * FROM ranked WHERE pick = 1
),
series_keys AS (
    SELECT
        series, measure, indicator, fiscal_year,
        count(DISTINCT report_id) AS editions,
        max(report_fiscal_year) AS source_report_fiscal_year,
        arg_max(report_id, report_fiscal_year) AS source_report_id
    FROM kpi_values
    GROUP BY series, measure, indicator, fiscal_year
)
SELECT
    s.series,
    s.measure,
    s.indicator,
    s.fiscal_year,
    t.value AS target,
    a.value AS actual,
    CASE
        WHEN t.value IS NOT NULL AND a.value IS NOT NULL AND t.value <> 0
             AND t.unit IS NOT DISTINCT FROM a.unit
        THEN a.value / t.value
    END AS achievement_ratio,
    coalesce(a.unit, t.unit) AS unit,
    t.status AS target_status,
    a.status AS actual_status,
    s.source_report_fiscal_year,
    s.source_report_id,
    t.report_fiscal_year AS target_report_fiscal_year,
    a.report_fiscal_year AS actual_report_fiscal_year,
    t.report_id AS target_report_id,
    a.report_id AS actual_report_id,
    s.editions,
    t.unit AS target_unit,
    a.unit AS actual_unit,
    t.value_text AS target_text,
    a.value_text AS actual_text,
    t.kpi_value_id AS target_kpi_value_id,
    a.kpi_value_id AS actual_kpi_value_id
FROM series_keys AS s
LEFT JOIN chosen AS t
    ON t.kind = 'target' AND t.series = s.series AND t.measure = s.measure
   AND t.indicator = s.indicator AND t.fiscal_year = s.fiscal_year
LEFT JOIN chosen AS a
    ON a.kind = 'actual' AND a.series = s.series AND a.measure = s.measure
   AND a.indicator = s.indicator AND a.fiscal_year = s.fiscal_year
"""

KPI_TIMESERIES = View(
    name="kpi_timeseries",
    description=(
        "One row per (series, measure, indicator, fiscal_year): the target and actual as printed "
        "by the latest edition that prints them. Each kind comes from the latest edition that "
        "prints a cell for it, so target and actual come from the same (latest) edition when it "
        "prints both; a blank/－ cell (status not_reported) is used only when no edition prints "
        "that kind otherwise. Within one edition the first KPI table wins."
    ),
    sql=KPI_TIMESERIES_SQL,
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("measure", "VARCHAR", "Measure name, normalised."),
        ("indicator", "VARCHAR", "Indicator name, normalised."),
        ("fiscal_year", "INTEGER", "Fiscal year the values are for."),
        ("target", "DOUBLE", "Target value; NULL when not printed or not a number."),
        ("actual", "DOUBLE", "Actual value; NULL when not printed or not a number (e.g. 中止)."),
        (
            "achievement_ratio",
            "DOUBLE",
            "actual / target when both are numbers, target ≠ 0 and both have the same unit; else NULL.",
        ),
        ("unit", "VARCHAR", "Unit of the actual (of the target when there is no actual)."),
        ("target_status", "VARCHAR", "kpi_values.status of the target cell used; NULL when none printed."),
        ("actual_status", "VARCHAR", "kpi_values.status of the actual cell used; NULL when none printed."),
        (
            "source_report_fiscal_year",
            "INTEGER",
            "Fiscal year of the latest edition that prints this fiscal year for the measure and indicator.",
        ),
        ("source_report_id", "VARCHAR", "report_id of that latest edition."),
        ("target_report_fiscal_year", "INTEGER", "Edition (report_fiscal_year) the target was taken from."),
        ("actual_report_fiscal_year", "INTEGER", "Edition (report_fiscal_year) the actual was taken from."),
        ("target_report_id", "VARCHAR", "report_id the target was taken from."),
        ("actual_report_id", "VARCHAR", "report_id the actual was taken from."),
        ("editions", "BIGINT", "How many editions print this fiscal year for the measure and indicator."),
        ("target_unit", "VARCHAR", "Unit printed with the target."),
        ("actual_unit", "VARCHAR", "Unit printed with the actual."),
        ("target_text", "VARCHAR", "Target cell text as printed."),
        ("actual_text", "VARCHAR", "Actual cell text as printed."),
        ("target_kpi_value_id", "VARCHAR", "kpi_values row of the target (page, bbox, provenance)."),
        ("actual_kpi_value_id", "VARCHAR", "kpi_values row of the actual (page, bbox, provenance)."),
    ),
)

BUDGET_TOTALS = View(
    name="budget_totals",
    description=(
        "One row per edition with an emergency-measure budget table: its total budget with every "
        "shared amount counted once (the sum of budget_items.counted_budget_thousand_yen), beside "
        "the plain sum of the printed amounts, which counts shared budgets twice."
    ),
    sql="""
CREATE OR REPLACE VIEW budget_totals AS
SELECT
    series,
    report_fiscal_year,
    report_id,
    count(DISTINCT no) AS measures,
    count(*) AS rows,
    sum(counted_budget_thousand_yen) AS budget_thousand_yen,
    sum(budget_thousand_yen) AS printed_sum_thousand_yen,
    count(*) FILTER (WHERE len(shared_with) > 0) AS shared_rows
FROM budget_items
GROUP BY series, report_fiscal_year, report_id
""",
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("report_fiscal_year", "INTEGER", "Edition (its fiscal year)."),
        ("report_id", "VARCHAR", "report_id of the edition."),
        ("measures", "BIGINT", "Distinct №s in the table."),
        ("rows", "BIGINT", "Rows of budget_items (one per phase)."),
        ("budget_thousand_yen", "DOUBLE", "Total budget in thousand yen, each shared amount counted once."),
        ("printed_sum_thousand_yen", "DOUBLE", "Plain sum of the printed amounts (shared budgets counted on every row that prints them)."),
        ("shared_rows", "BIGINT", "Rows whose budget note shares the amount with other rows."),
    ),
)

COMMITTEE_MEMBERSHIP = View(
    name="committee_membership",
    description=(
        "One row per (series, committee, member name): the editions whose roster lists the member, "
        "so that members joining and leaving show across years; role and group from the latest of them."
    ),
    sql="""
CREATE OR REPLACE VIEW committee_membership AS
SELECT
    series,
    committee,
    name,
    list(DISTINCT report_fiscal_year ORDER BY report_fiscal_year) AS editions,
    min(report_fiscal_year) AS first_report_fiscal_year,
    max(report_fiscal_year) AS last_report_fiscal_year,
    arg_max(role, report_fiscal_year) AS role,
    arg_max(grp, report_fiscal_year) AS grp
FROM committee_members
GROUP BY series, committee, name
""",
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("committee", "VARCHAR", "Committee (川崎市産業振興協議会 …)."),
        ("name", "VARCHAR", "Member name, normalised."),
        ("editions", "INTEGER[]", "Editions (report_fiscal_year) whose roster lists the member."),
        ("first_report_fiscal_year", "INTEGER", "First of those editions."),
        ("last_report_fiscal_year", "INTEGER", "Last of those editions."),
        ("role", "VARCHAR", "役職名 in the latest of those editions."),
        ("grp", "VARCHAR", "Group (学識者 / 関係団体役職員) in the latest of those editions."),
    ),
)

VIEWS: tuple[View, ...] = (KPI_TIMESERIES, BUDGET_TOTALS, COMMITTEE_MEMBERSHIP)


def create_views(con) -> None:
    """(Re)create every view."""
    for view in VIEWS:
        con.execute(view.sql)
