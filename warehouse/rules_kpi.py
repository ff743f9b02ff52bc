"""Audit rules over KPI values: what one edition says against the next, and against itself."""

from __future__ import annotations

from collections.abc import Iterator

import duckdb

from nenpo.warehouse.audit import Finding, rule


@rule("unexpected_year_columns", "warning")
def unexpected_year_columns(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """An edition N whose KPI table prints year columns other than (N−1, N).

    Each edition reports the year just ended and the one before it; any other year in a
    KPI table means a misprint or a table copied from another edition.
    """
    rows = con.execute(
        """
        SELECT series, report_fiscal_year, report_id, measure, indicator, table_no, min(page),
               list(DISTINCT fiscal_year ORDER BY fiscal_year)
        FROM kpi_values
        GROUP BY ALL
        HAVING list(DISTINCT fiscal_year ORDER BY fiscal_year)
               <> [report_fiscal_year - 1, report_fiscal_year]
           AND NOT list_has_all([report_fiscal_year - 1, report_fiscal_year], list(DISTINCT fiscal_year))
        ORDER BY series, report_fiscal_year, table_no
        """
    ).fetchall()
    for series, edition, report_id, measure, indicator, table_no, page, years in rows:
        yield Finding(
            "unexpected_year_columns", "warning",
            f"KPI table {table_no} of the FY{edition} edition prints years {years}, "
            f"expected [{edition - 1}, {edition}]",
            edition, measure, indicator, None, page, series, report_id, {"years": years},
        )
