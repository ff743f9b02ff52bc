"""Views over the warehouse tables; (re)created on every read-write connect.

Each view carries its documented columns so that `schema.CONTRACT` and the
`COMMENT ON` statements cover views as well as tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb


@dataclass(frozen=True)
class View:
    name: str
    description: str
    sql: str
    columns: tuple[tuple[str, str, str], ...]
    """(column, DuckDB type, description), in the view's column order."""


KPI_VALUES_RESOLVED_SQL = """
CREATE OR REPLACE VIEW kpi_values_resolved AS
SELECT
    k.* REPLACE (
        coalesce(ma.canonical, k.measure) AS measure,
        coalesce(ia.canonical, k.indicator) AS indicator
    ),
    k.measure AS measure_printed,
    k.indicator AS indicator_printed
FROM kpi_values AS k
LEFT JOIN measure_aliases AS ma
    ON ma.series = k.series AND ma.name = k.measure
LEFT JOIN indicator_aliases AS ia
    ON ia.series = k.series AND ia.measure = coalesce(ma.canonical, k.measure) AND ia.name = k.indicator
"""

_KPI_RESOLVED_COLUMNS = (
    ("measure", "VARCHAR", "Canonical measure name (stable across editions, see measure_aliases)."),
    ("indicator", "VARCHAR", "Canonical indicator name (stable across editions, see indicator_aliases)."),
    ("measure_printed", "VARCHAR", "Measure name as this edition prints it (normalised)."),
    ("indicator_printed", "VARCHAR", "Indicator name as this edition prints it (normalised)."),
)

KPI_VALUES_RESOLVED = View(
    name="kpi_values_resolved",
    description=(
        "kpi_values with measure and indicator replaced by their stable identities across editions "
        "(measure_aliases, indicator_aliases); the printed names are kept beside them. All other "
        "kpi_values columns follow."
    ),
    sql=KPI_VALUES_RESOLVED_SQL,
    columns=_KPI_RESOLVED_COLUMNS,
)

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
    FROM kpi_values_resolved AS k
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
    FROM kpi_values_resolved
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

KPI_RESTATEMENTS_SQL = """
CREATE OR REPLACE VIEW kpi_restatements AS
SELECT
    e.series,
    e.measure,
    e.indicator,
    e.fiscal_year,
    e.kind,
    e.report_fiscal_year AS earlier_report_fiscal_year,
    e.value AS earlier_value,
    l.report_fiscal_year AS later_report_fiscal_year,
    l.value AS later_value,
    l.value - e.value AS delta,
    e.value_text AS earlier_text,
    l.value_text AS later_text,
    e.status AS earlier_status,
    l.status AS later_status,
    e.unit AS earlier_unit,
    l.unit AS later_unit,
    e.page AS earlier_page,
    l.page AS later_page,
    e.report_id AS earlier_report_id,
    l.report_id AS later_report_id,
    e.kpi_value_id AS earlier_kpi_value_id,
    l.kpi_value_id AS later_kpi_value_id
FROM kpi_values_resolved AS e
JOIN kpi_values_resolved AS l
    ON l.series = e.series AND l.measure = e.measure AND l.indicator = e.indicator
   AND l.fiscal_year = e.fiscal_year AND l.kind = e.kind
   AND l.report_fiscal_year > e.report_fiscal_year
WHERE e.value IS DISTINCT FROM l.value OR e.status IS DISTINCT FROM l.status
"""

KPI_RESTATEMENTS = View(
    name="kpi_restatements",
    description=(
        "The same fiscal year and kind of an indicator printed with different values (or one NULL) "
        "by two editions. A value cancelled (中止) in both is not a restatement. Measures and "
        "indicators are matched by their stable identities."
    ),
    sql=KPI_RESTATEMENTS_SQL,
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("measure", "VARCHAR", "Canonical measure name."),
        ("indicator", "VARCHAR", "Canonical indicator name."),
        ("fiscal_year", "INTEGER", "Fiscal year the values are for."),
        ("kind", "VARCHAR", "'target' or 'actual'."),
        ("earlier_report_fiscal_year", "INTEGER", "The earlier edition."),
        ("earlier_value", "DOUBLE", "Value the earlier edition prints (NULL if not a number)."),
        ("later_report_fiscal_year", "INTEGER", "The later edition."),
        ("later_value", "DOUBLE", "Value the later edition prints (NULL if not a number)."),
        ("delta", "DOUBLE", "later_value − earlier_value (NULL when either is NULL)."),
        ("earlier_text", "VARCHAR", "Cell text as the earlier edition prints it."),
        ("later_text", "VARCHAR", "Cell text as the later edition prints it."),
        ("earlier_status", "VARCHAR", "kpi_values.status in the earlier edition."),
        ("later_status", "VARCHAR", "kpi_values.status in the later edition."),
        ("earlier_unit", "VARCHAR", "Unit printed by the earlier edition."),
        ("later_unit", "VARCHAR", "Unit printed by the later edition."),
        ("earlier_page", "INTEGER", "Page of the earlier edition."),
        ("later_page", "INTEGER", "Page of the later edition."),
        ("earlier_report_id", "VARCHAR", "report_id of the earlier edition."),
        ("later_report_id", "VARCHAR", "report_id of the later edition."),
        ("earlier_kpi_value_id", "VARCHAR", "kpi_values row in the earlier edition."),
        ("later_kpi_value_id", "VARCHAR", "kpi_values row in the later edition."),
    ),
)

CORE_VIEWS: tuple[View, ...] = (KPI_VALUES_RESOLVED, KPI_TIMESERIES, KPI_RESTATEMENTS)
"""Views over the core tables, for every series and family; families add their own (`ReportFamily.views`)."""


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create every view, the core's and the families'."""
    from nenpo.warehouse.schema import all_views

    for view in all_views():
        con.execute(view.sql)


def __getattr__(name: str) -> tuple[View, ...]:
    """``VIEWS``: the core's views and those of the families registered now."""
    if name == "VIEWS":
        from nenpo.warehouse.schema import all_views

        return all_views()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
