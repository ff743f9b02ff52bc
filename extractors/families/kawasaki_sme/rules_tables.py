"""Audit rules over the report's other tables: do their numbers add up?

A mismatch is a finding for an auditor, never an exception: the warehouse keeps what
was printed, and these rules say where the printed numbers disagree with each other.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from nenpo.extractors.families.kawasaki_sme.budget_shares import counted_budgets, sharing_groups
from nenpo.warehouse.audit import Finding, declare

if TYPE_CHECKING:
    import duckdb

TOTAL_CATEGORY = "全産業"
SHARE_MEASURE = "構成比"
ROUNDING = 0.05
"""Largest rounding error of one share printed with one decimal (21.64 → 21.6)."""


@declare("census_total_mismatch", "warning")
def census_total_mismatch(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A census table whose categories do not sum to its 全産業 total row.

    For each edition, table (事業所数, 従業者数), survey year and count column, the values
    of the 業種大分類 rows must add up to the 全産業 row printed under them; a difference
    means a misprint in a row or in the total.
    """
    rows = con.execute(
        f"""
        SELECT series, report_fiscal_year, report_id, "table", survey_year, measure,
               sum(value) FILTER (WHERE category <> '{TOTAL_CATEGORY}') AS categories,
               count(*) FILTER (WHERE category <> '{TOTAL_CATEGORY}') AS n,
               max(value) FILTER (WHERE category = '{TOTAL_CATEGORY}') AS total,
               max(page) FILTER (WHERE category = '{TOTAL_CATEGORY}') AS page
        FROM stat_values
        WHERE source = 'table' AND measure <> '{SHARE_MEASURE}'
        GROUP BY ALL
        HAVING total IS NOT NULL AND abs(categories - total) > 1e-9
        ORDER BY series, report_fiscal_year, "table", survey_year
        """
    ).fetchall()
    for series, edition, report_id, table, year, measure, categories, n, total, page in rows:
        yield Finding(
            "census_total_mismatch",
            "warning",
            f"{table} {year}: the {n} categories sum to {categories:,.0f}, the {TOTAL_CATEGORY} row prints "
            f"{total:,.0f} (difference {total - categories:+,.0f})",
            edition,
            None,
            f"{table}/{measure}",
            year,
            page,
            series,
            report_id,
            {
                "table": table,
                "measure": measure,
                "survey_year": year,
                "sum_of_categories": categories,
                "printed_total": total,
                "categories": n,
            },
        )


@declare("census_shares_not_100", "warning")
def census_shares_not_100(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A census share column (構成比) whose categories do not sum to 100% within rounding.

    Each share is printed with one decimal, so n categories may miss 100 by up to
    n × 0.05 points; anything further off (or a 全産業 share other than 100.0) means a
    share was misprinted or computed against another total.
    """
    rows = con.execute(
        f"""
        SELECT series, report_fiscal_year, report_id, "table", survey_year,
               sum(value) FILTER (WHERE category <> '{TOTAL_CATEGORY}') AS shares,
               count(*) FILTER (WHERE category <> '{TOTAL_CATEGORY}') AS n,
               max(value) FILTER (WHERE category = '{TOTAL_CATEGORY}') AS total,
               min(page) AS page
        FROM stat_values
        WHERE source = 'table' AND measure = '{SHARE_MEASURE}'
        GROUP BY ALL
        ORDER BY series, report_fiscal_year, "table", survey_year
        """
    ).fetchall()
    for series, edition, report_id, table, year, shares, n, total, page in rows:
        off_sum = abs(shares - 100.0) > n * ROUNDING + 1e-9
        off_total = total is not None and abs(total - 100.0) > 1e-9
        if off_sum or off_total:
            yield Finding(
                "census_shares_not_100",
                "warning",
                f"{table} {year}: the {n} shares sum to {shares:.1f}% (allowed 100 ± {n * ROUNDING:.2f})"
                + (f"; the {TOTAL_CATEGORY} share prints {total:.1f}%" if off_total else ""),
                edition,
                None,
                f"{table}/{SHARE_MEASURE}",
                year,
                page,
                series,
                report_id,
                {"table": table, "survey_year": year, "sum_of_shares": shares, "categories": n, "total_share": total},
            )


def _budget_rows(con: duckdb.DuckDBPyConnection):
    """Budget rows by edition: {(series, edition, report_id): [(ordinal, no, phase, shared, budget, counted, page)]}."""
    editions: dict[tuple, list[tuple]] = {}
    for row in con.execute(
        "SELECT series, report_fiscal_year, report_id, ordinal, no, phase, shared_with, budget_thousand_yen, "
        "counted_budget_thousand_yen, page FROM budget_items ORDER BY series, report_fiscal_year, ordinal"
    ).fetchall():
        editions.setdefault(row[:3], []).append(row[3:])
    return editions


@declare("budget_shared_amounts_differ", "warning")
def budget_shared_amounts_differ(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """Rows of the budget table that share one budget but print different amounts.

    A note such as （№13の一部の予算を含む） says two rows draw on one pool, and both print
    the pool's amount. When the amounts differ, the edition's total is ambiguous (the
    warehouse counts the largest once).
    """
    for (series, edition, report_id), rows in _budget_rows(con).items():
        groups = sharing_groups([r[1] for r in rows], [r[3] for r in rows])
        for group in sorted(set(groups)):
            members = [r for r, g in zip(rows, groups) if g == group]
            amounts = sorted({r[4] for r in members if r[4] is not None})
            if len(members) > 1 and len(amounts) > 1:
                nos = sorted({r[1] for r in members})
                yield Finding(
                    "budget_shared_amounts_differ",
                    "warning",
                    f"budget rows №{', '.join(map(str, nos))} share a budget "
                    f"but print {', '.join(f'{a:,.0f}' for a in amounts)} 千円",
                    edition,
                    None,
                    None,
                    None,
                    members[0][6],
                    series,
                    report_id,
                    {"nos": nos, "amounts": amounts},
                )


@declare("budget_note_unknown_row", "warning")
def budget_note_unknown_row(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A budget note that names a № the table does not have.

    （№13の一部の予算を含む） must point at a row of the same table; otherwise the shared
    amount cannot be counted once and the note is probably a misprint.
    """
    for (series, edition, report_id), rows in _budget_rows(con).items():
        nos = {r[1] for r in rows}
        for _ordinal, no, phase, shared, _budget, _counted, page in rows:
            missing = sorted(set(shared) - nos)
            if missing:
                yield Finding(
                    "budget_note_unknown_row",
                    "warning",
                    f"budget row №{no} shares its budget with №{', '.join(map(str, missing))}, which the table does not list",
                    edition,
                    None,
                    None,
                    None,
                    page,
                    series,
                    report_id,
                    {"no": no, "phase": phase, "missing": missing},
                )


@declare("budget_double_counted", "error")
def budget_double_counted(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """An edition whose budget total (budget_totals) counts a shared budget more than once.

    The total of an edition's table is the sum of counted_budget_thousand_yen, which must
    count each shared pool once; recomputed here from the printed amounts and notes, a
    different sum means a shared amount is counted twice (or dropped).
    """
    for (series, edition, report_id), rows in _budget_rows(con).items():
        expected = counted_budgets([r[1] for r in rows], [r[3] for r in rows], [r[4] for r in rows])
        want = sum(v for v in expected if v is not None)
        have = sum(r[5] for r in rows if r[5] is not None)
        if abs(want - have) > 1e-6:
            yield Finding(
                "budget_double_counted",
                "error",
                f"the FY{edition} budget total counts {have:,.0f} 千円; with each shared budget counted once it is "
                f"{want:,.0f} 千円 (difference {have - want:+,.0f})",
                edition,
                None,
                None,
                None,
                rows[0][6],
                series,
                report_id,
                {"counted_total": have, "expected_total": want},
            )
