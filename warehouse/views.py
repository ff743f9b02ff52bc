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

OPINION_RESPONSES_SQL = """
CREATE OR REPLACE VIEW opinion_responses AS
WITH numbered AS (
    SELECT
        l.series, l.report_fiscal_year, l.report_id, l.measure_id, l.measure,
        p.pdca_item_id, p.ordinal, p.measure AS printed_on, p.phase, p.label, p.text, p.page, p.shared,
        unnest(p.seq) AS seq
    FROM pdca_items AS p
    JOIN pdca_item_measures AS l USING (pdca_item_id)
    WHERE p.phase IN ('check', 'covid_check', 'action')
),
sides AS (
    SELECT
        series, report_fiscal_year, report_id, measure, seq,
        phase = 'action' AS is_response,
        any_value(measure_id) AS measure_id,
        string_agg(text, chr(10) ORDER BY ordinal) AS text,
        arg_min(phase, ordinal) AS phase,
        arg_min(label, ordinal) AS label,
        arg_min(page, ordinal) AS page,
        arg_min(pdca_item_id, ordinal) AS pdca_item_id,
        arg_min(printed_on, ordinal) AS printed_on,
        bool_or(shared) AS shared
    FROM numbered
    GROUP BY series, report_fiscal_year, report_id, measure, seq, phase = 'action'
),
opinions AS (SELECT * FROM sides WHERE NOT is_response),
responses AS (SELECT * FROM sides WHERE is_response)
SELECT
    coalesce(o.series, r.series) AS series,
    coalesce(o.report_fiscal_year, r.report_fiscal_year) AS report_fiscal_year,
    coalesce(o.report_id, r.report_id) AS report_id,
    coalesce(o.measure_id, r.measure_id) AS measure_id,
    coalesce(o.measure, r.measure) AS measure,
    coalesce(o.seq, r.seq) AS seq,
    o.text AS opinion,
    r.text AS response,
    o.phase AS opinion_phase,
    o.label AS opinion_label,
    r.label AS response_label,
    o.page AS opinion_page,
    r.page AS response_page,
    o.pdca_item_id AS opinion_item_id,
    r.pdca_item_id AS response_item_id,
    coalesce(o.printed_on, r.printed_on) AS printed_on,
    coalesce(o.shared, r.shared) AS shared
FROM opinions AS o
FULL OUTER JOIN responses AS r
    ON o.report_id = r.report_id AND o.measure = r.measure AND o.seq = r.seq
"""

OPINION_RESPONSES = View(
    name="opinion_responses",
    description=(
        "One row per (edition, measure, opinion number): the verification opinion (主な検証意見 "
        "Check, or the COVID opinion that continues its numbering) paired with the Action response "
        "of the same number. A response labelled for several opinions (①・②, ④~⑥) appears on each "
        "of their rows; a shared Check/Action block gives its pairs to every sub-measure it covers. "
        "response is NULL where an opinion was not answered, opinion is NULL for a response to no "
        "printed opinion. Items without a number are not paired."
    ),
    sql=OPINION_RESPONSES_SQL,
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("report_fiscal_year", "INTEGER", "Fiscal year of the edition."),
        ("report_id", "VARCHAR", "report_id of the edition."),
        ("measure_id", "VARCHAR", "measures.measure_id of the measure."),
        ("measure", "VARCHAR", "Measure the opinion is about, normalised."),
        ("seq", "INTEGER", "Opinion number (① → 1)."),
        ("opinion", "VARCHAR", "Opinion text, normalised; NULL when no opinion has this number."),
        ("response", "VARCHAR", "Response text, normalised; NULL when no response names this number."),
        ("opinion_phase", "VARCHAR", "'check' or 'covid_check'; NULL without an opinion."),
        ("opinion_label", "VARCHAR", "Label of the opinion as printed."),
        ("response_label", "VARCHAR", "Label of the response as printed (e.g. ①・② on the rows of both)."),
        ("opinion_page", "INTEGER", "Page the opinion is printed on."),
        ("response_page", "INTEGER", "Page the response is printed on."),
        ("opinion_item_id", "VARCHAR", "pdca_items row of the opinion (bbox, raw text, provenance)."),
        ("response_item_id", "VARCHAR", "pdca_items row of the response."),
        ("printed_on", "VARCHAR", "Measure whose sheet prints the block (differs from measure for a shared block)."),
        ("shared", "BOOLEAN", "True when the block is shared by several sub-measures."),
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

VIEWS: tuple[View, ...] = (
    KPI_VALUES_RESOLVED, KPI_TIMESERIES, KPI_RESTATEMENTS, OPINION_RESPONSES, BUDGET_TOTALS, COMMITTEE_MEMBERSHIP,
)


def create_views(con) -> None:
    """(Re)create every view."""
    for view in VIEWS:
        con.execute(view.sql)
