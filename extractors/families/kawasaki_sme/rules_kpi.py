"""Audit rules over the KPI tables of Kawasaki's report, where its layout fixes what they print."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from nenpo.extractors.families.kawasaki_sme.series import FAMILY_ID
from nenpo.warehouse.audit import Finding, declare

if TYPE_CHECKING:
    import duckdb


@declare("unexpected_year_columns", "warning")
def unexpected_year_columns(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """An edition N whose KPI table prints year columns other than (N−1, N).

    Each edition of the report reports the year just ended and the one before it; any
    other year in a KPI table means a misprint or a table copied from another edition.
    (Other families print plans over several years: the rule is this family's.)
    """
    rows = con.execute(
        """
        SELECT k.series, k.report_fiscal_year, k.report_id, k.measure, k.indicator, k.table_no, min(k.page),
               list(DISTINCT k.fiscal_year ORDER BY k.fiscal_year)
        FROM kpi_values k JOIN reports r USING (report_id)
        WHERE coalesce(r.family, r.series) = ?
        GROUP BY ALL
        HAVING list(DISTINCT k.fiscal_year ORDER BY k.fiscal_year)
               <> [k.report_fiscal_year - 1, k.report_fiscal_year]
           AND NOT list_has_all([k.report_fiscal_year - 1, k.report_fiscal_year], list(DISTINCT k.fiscal_year))
        ORDER BY k.series, k.report_fiscal_year, k.table_no
        """,
        [FAMILY_ID],
    ).fetchall()
    for series, edition, report_id, measure, indicator, table_no, page, years in rows:
        yield Finding(
            "unexpected_year_columns",
            "warning",
            f"KPI table {table_no} of the FY{edition} edition prints years {years}, "
            f"expected [{edition - 1}, {edition}]",
            edition,
            measure,
            indicator,
            None,
            page,
            series,
            report_id,
            {"years": years},
        )
