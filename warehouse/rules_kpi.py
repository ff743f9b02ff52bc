"""Audit rules over KPI values: what one edition says against the next, and against itself."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import duckdb

from nenpo.warehouse.audit import Finding, rule

Row = dict[str, Any]
"""A result row by column name (DuckDB's values are typed by the query, at run time)."""


def _evidence(row: Row, *keys: str) -> dict[str, object]:
    return {k: row[k] for k in keys if k in row}


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None) -> list[Row]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r)) for r in cursor.fetchall()]


def _fmt(value: float | None, text: str) -> str:
    return text if value is None else f"{value:,.10g}"


@rule("restated_value", "warning")
def restated_value(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A later edition prints a different target or actual for a year an earlier edition printed.

    Each fiscal year is printed by two editions (as the current year, then as the previous
    year); both must agree. Read from `kpi_restatements`; the check's detail names both
    editions and both values. Values in a table whose own units disagree (see
    `unit_mismatch`) are compared as printed.
    """
    for r in _rows(
        con,
        "SELECT * FROM kpi_restatements ORDER BY series, later_report_fiscal_year, measure, indicator, fiscal_year, kind",
    ):
        kind = "actual" if r["kind"] == "actual" else "target"
        yield Finding(
            "restated_value",
            "warning",
            f"{kind} for FY{r['fiscal_year']}: {_fmt(r['earlier_value'], r['earlier_text'])} in the "
            f"FY{r['earlier_report_fiscal_year']} edition, {_fmt(r['later_value'], r['later_text'])} in the "
            f"FY{r['later_report_fiscal_year']} edition"
            + (f" (Δ {r['delta']:+,.10g})" if r["delta"] is not None else ""),
            r["later_report_fiscal_year"],
            r["measure"],
            r["indicator"],
            r["fiscal_year"],
            r["later_page"],
            r["series"],
            r["later_report_id"],
            {**r, "restated_kind": kind},
        )


@rule("unit_mismatch", "warning")
def unit_mismatch(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """One KPI table prints its target and actual rows in different units (目標（人）, 実績（万人）).

    Values are stored as printed, unscaled; whether the scale would make sense is in the
    extraction warning the extractor wrote for the same table.
    """
    sql = """
        SELECT k.series, k.report_fiscal_year, k.report_id, k.measure, k.indicator, k.table_no,
               min(k.page) AS page,
               any_value(k.unit) FILTER (WHERE k.kind = 'target') AS target_unit,
               any_value(k.unit) FILTER (WHERE k.kind = 'actual') AS actual_unit
        FROM kpi_values_resolved k
        GROUP BY ALL
        HAVING target_unit IS NOT NULL AND actual_unit IS NOT NULL AND target_unit <> actual_unit
        ORDER BY series, report_fiscal_year, table_no
    """
    for r in _rows(con, sql):
        yield Finding(
            "unit_mismatch",
            "warning",
            f"KPI table {r['table_no']} prints the target in {r['target_unit']} and the actual in {r['actual_unit']}",
            r["report_fiscal_year"],
            r["measure"],
            r["indicator"],
            None,
            r["page"],
            r["series"],
            r["report_id"],
            _evidence(r, "target_unit", "actual_unit", "table_no"),
        )


@rule("unit_changed", "warning")
def unit_changed(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """Two editions print the same indicator, year and kind in different units.

    A table whose own target and actual units disagree is already reported by
    `unit_mismatch`; its values are left out here so that one misprint gives one finding.
    """
    sql = """
        WITH mismatched AS (
            SELECT report_id, table_no FROM kpi_values
            GROUP BY ALL
            HAVING count(DISTINCT unit) > 1
        ),
        clean AS (
            SELECT k.* FROM kpi_values_resolved k
            ANTI JOIN mismatched m ON m.report_id = k.report_id AND m.table_no = k.table_no
        )
        SELECT e.series, e.measure, e.indicator, e.fiscal_year, e.kind,
               e.report_fiscal_year AS earlier_report_fiscal_year, e.unit AS earlier_unit,
               l.report_fiscal_year AS later_report_fiscal_year, l.unit AS later_unit,
               l.page, l.report_id
        FROM clean e JOIN clean l
          ON l.series = e.series AND l.measure = e.measure AND l.indicator = e.indicator
         AND l.fiscal_year = e.fiscal_year AND l.kind = e.kind
         AND l.report_fiscal_year > e.report_fiscal_year
        WHERE e.unit IS DISTINCT FROM l.unit
        ORDER BY e.series, later_report_fiscal_year, e.measure, e.indicator, e.fiscal_year, e.kind
    """
    for r in _rows(con, sql):
        yield Finding(
            "unit_changed",
            "warning",
            f"{r['kind']} for FY{r['fiscal_year']} is in {r['earlier_unit']} in the FY{r['earlier_report_fiscal_year']} "
            f"edition and in {r['later_unit']} in the FY{r['later_report_fiscal_year']} edition",
            r["later_report_fiscal_year"],
            r["measure"],
            r["indicator"],
            r["fiscal_year"],
            r["page"],
            r["series"],
            r["report_id"],
            r,
        )


EDITIONS = """
    editions AS (
        SELECT series, report_fiscal_year, whole, report_id,
               lag(report_fiscal_year) OVER w AS previous, lag(whole) OVER w AS previous_whole
        FROM (SELECT series, report_fiscal_year, bool_and(part IS NULL) AS whole, min(report_id) AS report_id
              FROM reports GROUP BY ALL)
        WINDOW w AS (PARTITION BY series ORDER BY report_fiscal_year)
    )"""
"""Each loaded edition once (an edition held in parts has a row per part in `reports`), the
edition before it, and whether each is held whole. What an edition held in parts does not
print says nothing: its other parts may print it. Such an edition's absent measure is
neither dropped nor new; an indicator is compared only within a measure both print."""


def _consecutive_presence(con: duckdb.DuckDBPyConnection, level: str) -> list[Row]:
    """(series, identity, edition, previous edition, printed in each) for consecutive loaded
    editions: what the previous edition printed and this one does not, where that is known
    (see `EDITIONS`)."""
    key = "measure" if level == "measure" else "measure, indicator"
    return _rows(
        con,
        f"""
        WITH {EDITIONS},
        printed AS (
            SELECT DISTINCT series, report_fiscal_year, {key},
                   min(page) OVER (PARTITION BY series, report_fiscal_year, {key}) AS page
            FROM kpi_values_resolved
        ),
        measures AS (SELECT DISTINCT series, report_fiscal_year, measure FROM kpi_values_resolved)
        SELECT e.series, e.report_fiscal_year, e.previous, e.report_id, p.{key.replace(", ", ", p.")},
               p.page AS previous_page
        FROM editions e
        JOIN printed p ON p.series = e.series AND p.report_fiscal_year = e.previous
        LEFT JOIN printed c ON c.series = e.series AND c.report_fiscal_year = e.report_fiscal_year
            AND {" AND ".join(f"c.{k} = p.{k}" for k in key.split(", "))}
        LEFT JOIN measures m ON m.series = e.series AND m.report_fiscal_year = e.report_fiscal_year
            AND m.measure = p.measure
        WHERE e.previous IS NOT NULL AND c.series IS NULL AND (e.whole OR m.series IS NOT NULL)
        ORDER BY e.series, e.report_fiscal_year, {", ".join("p." + k for k in key.split(", "))}
    """,
    )


@rule("measure_dropped", "warning")
def measure_dropped(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A measure with KPI values in edition N−1 prints none in edition N (after renames are resolved)."""
    for r in _consecutive_presence(con, "measure"):
        yield Finding(
            "measure_dropped",
            "warning",
            f"printed with KPI values in the FY{r['previous']} edition, not in the FY{r['report_fiscal_year']} edition",
            r["report_fiscal_year"],
            r["measure"],
            None,
            None,
            None,
            r["series"],
            r["report_id"],
            {"previous_edition": r["previous"], "previous_page": r["previous_page"]},
        )


@rule("indicator_dropped", "warning")
def indicator_dropped(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """An indicator printed in edition N−1 is not printed in edition N, although its measure is.

    A dropped measure is reported once by `measure_dropped`, not once per indicator.
    """
    measures_gone = {
        (r["series"], r["report_fiscal_year"], r["measure"]) for r in _consecutive_presence(con, "measure")
    }
    for r in _consecutive_presence(con, "indicator"):
        if (r["series"], r["report_fiscal_year"], r["measure"]) in measures_gone:
            continue
        yield Finding(
            "indicator_dropped",
            "warning",
            f"printed in the FY{r['previous']} edition (page {r['previous_page']}), "
            f"not in the FY{r['report_fiscal_year']} edition",
            r["report_fiscal_year"],
            r["measure"],
            r["indicator"],
            None,
            None,
            r["series"],
            r["report_id"],
            {"previous_edition": r["previous"], "previous_page": r["previous_page"]},
        )


@rule("new_measure_or_indicator", "info")
def new_measure_or_indicator(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A measure or indicator first printed by edition N, when edition N−1 is loaded too.

    A measure is new only against an edition N−1 held whole; an indicator, against an
    edition N−1 that prints its measure (see `EDITIONS`).
    """
    sql = f"""
        WITH {EDITIONS},
        first_seen AS (
            SELECT series, measure, indicator, min(report_fiscal_year) AS first_edition,
                   arg_min(page, report_fiscal_year * 100000 + page) AS page,
                   arg_min(report_id, report_fiscal_year * 100000 + page) AS report_id
            FROM kpi_values_resolved GROUP BY ALL
        ),
        measure_first AS (
            SELECT series, measure, min(report_fiscal_year) AS first_edition FROM kpi_values_resolved GROUP BY ALL
        ),
        measures AS (SELECT DISTINCT series, report_fiscal_year, measure FROM kpi_values_resolved)
        SELECT f.*, e.previous, (m.first_edition = f.first_edition) AS new_measure
        FROM first_seen f
        JOIN editions e ON e.series = f.series AND e.report_fiscal_year = f.first_edition
        JOIN measure_first m ON m.series = f.series AND m.measure = f.measure
        LEFT JOIN measures p ON p.series = f.series AND p.report_fiscal_year = e.previous AND p.measure = f.measure
        WHERE e.previous IS NOT NULL AND (e.previous_whole OR p.series IS NOT NULL)
        ORDER BY f.series, f.first_edition, f.measure, f.indicator
    """
    reported_measures: set[tuple[str, int, str]] = set()
    for r in _rows(con, sql):
        if r["new_measure"]:
            key = (r["series"], r["first_edition"], r["measure"])
            if key in reported_measures:
                continue
            reported_measures.add(key)
            detail, indicator = f"new measure: not printed by the FY{r['previous']} edition", None
        else:
            detail, indicator = f"new indicator: not printed by the FY{r['previous']} edition", r["indicator"]
        yield Finding(
            "new_measure_or_indicator",
            "info",
            detail,
            r["first_edition"],
            r["measure"],
            indicator,
            None,
            r["page"],
            r["series"],
            r["report_id"],
            {"previous_edition": r["previous"]},
        )


@rule("renamed", "info")
def renamed(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A measure or indicator printed under another name by an earlier edition, linked as one.

    The link comes from `measure_aliases` / `indicator_aliases` (evidence or a pin); the
    finding shows the names and the evidence so an auditor can confirm or pin it.
    """
    sql = """
        SELECT 'measure' AS level, series, name, canonical, NULL AS measure, reason, score, evidence,
               first_report_fiscal_year, last_report_fiscal_year
        FROM measure_aliases WHERE name <> canonical
        UNION ALL
        SELECT 'indicator', series, name, canonical, measure, reason, score, evidence,
               first_report_fiscal_year, last_report_fiscal_year
        FROM indicator_aliases WHERE name <> canonical
        ORDER BY series, level, name
    """
    for r in _rows(con, sql):
        edition = con.execute(
            "SELECT min(report_fiscal_year), any_value(report_id) FROM reports WHERE series = ? AND report_fiscal_year > ?",
            [r["series"], r["last_report_fiscal_year"]],
        ).fetchone()
        assert edition is not None, "an aggregate returns one row"
        how = f"score {r['score']}" if r["score"] is not None else "pinned in the alias file"
        yield Finding(
            "renamed",
            "info",
            f"{r['level']} printed as {r['name']} up to the FY{r['last_report_fiscal_year']} edition and as "
            f"{r['canonical']} from the FY{edition[0]} edition ({r['reason']}, {how})",
            edition[0],
            r["measure"] if r["level"] == "indicator" else r["canonical"],
            r["canonical"] if r["level"] == "indicator" else None,
            None,
            None,
            r["series"],
            edition[1],
            r,
        )


SHORTFALL_RATIO = 0.5
"""An actual below this share of its target counts as far below."""

SHORTFALL_WORDS = ("下回", "減少", "中止", "縮小", "延期", "休止", "見送", "取りやめ")
"""Words with which a supplement explains a shortfall: ``実績が目標を下回った`` ``開催を中止``."""


@rule("actual_far_below_target", "info")
def actual_far_below_target(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """An edition's own-year actual is below half its target and the sheet says nothing about it.

    A sheet explains a shortfall in its 補足事項 or Do items; the shortfall counts as
    explained when one of the measure's Do items in that edition speaks of one (下回る,
    減少, 中止, 縮小, 延期 …). Naming the indicator is not enough: a supplement that says how
    a figure is counted does not explain why it fell.
    """
    sql = """
        SELECT k.series, k.report_fiscal_year, k.report_id, k.measure, k.measure_printed, k.indicator,
               k.fiscal_year, k.page, t.value AS target, k.value AS actual, k.unit
        FROM kpi_values_resolved k
        JOIN kpi_values_resolved t
          ON t.report_id = k.report_id AND t.table_no = k.table_no AND t.fiscal_year = k.fiscal_year
         AND t.kind = 'target' AND k.kind = 'actual'
        WHERE k.fiscal_year = k.report_fiscal_year AND t.unit IS NOT DISTINCT FROM k.unit
          AND t.value > 0 AND k.value IS NOT NULL AND k.value < ? * t.value
        ORDER BY k.series, k.report_fiscal_year, k.table_no
    """
    notes: dict[tuple[str, str], list[str]] = {}
    for report_id, measure, text in con.execute(
        "SELECT p.report_id, l.measure, p.text FROM pdca_items p JOIN pdca_item_measures l USING (pdca_item_id) "
        "WHERE p.phase = 'do'"
    ).fetchall():
        notes.setdefault((report_id, measure), []).append(text)
    for r in _rows(con, sql, [SHORTFALL_RATIO]):
        texts = notes.get((r["report_id"], r["measure_printed"]), [])
        if any(word in text for text in texts for word in SHORTFALL_WORDS):
            continue
        yield Finding(
            "actual_far_below_target",
            "info",
            f"FY{r['fiscal_year']} actual {r['actual']:,.10g} is {r['actual'] / r['target']:.0%} of the target "
            f"{r['target']:,.10g} and no Do/補足事項 item of the sheet mentions it",
            r["report_fiscal_year"],
            r["measure"],
            r["indicator"],
            r["fiscal_year"],
            r["page"],
            r["series"],
            r["report_id"],
            {"target": r["target"], "actual": r["actual"], "unit": r["unit"], "notes": texts},
        )
