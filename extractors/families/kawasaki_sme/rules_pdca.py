"""Audit rules over PDCA sheets: every verification opinion should get a response."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from nenpo.warehouse.audit import Finding, declare

if TYPE_CHECKING:
    import duckdb

_PAIRS = """
SELECT series, report_fiscal_year, report_id, measure, seq, opinion, response, opinion_phase,
       opinion_label, response_label, opinion_page, response_page, printed_on, shared
FROM opinion_responses
WHERE {side} IS NULL
ORDER BY series, report_fiscal_year, measure, seq
"""


def _pairs(con: duckdb.DuckDBPyConnection, missing: str) -> list[dict]:
    cursor = con.execute(_PAIRS.format(side=missing))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _shared_note(row: dict) -> str:
    return (
        f" (block shared with {row['printed_on']}'s sheet)"
        if row["shared"] and row["printed_on"] != row["measure"]
        else ""
    )


@declare("opinion_without_response", "warning")
def opinion_without_response(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """A verification opinion (主な検証意見 Check, or a numbered COVID opinion) that no Action
    response names.

    The Action column answers the opinions by number (①, ①・②, ④~⑥); an opinion whose
    number appears on no response was not answered, or its response is mislabelled.
    """
    for row in _pairs(con, "response"):
        yield Finding(
            "opinion_without_response",
            "warning",
            f"opinion {row['opinion_label']} on {row['measure']} in the FY{row['report_fiscal_year']} edition "
            f"(page {row['opinion_page']}) has no Action response{_shared_note(row)}",
            row["report_fiscal_year"],
            row["measure"],
            None,
            None,
            row["opinion_page"],
            row["series"],
            row["report_id"],
            {
                "seq": row["seq"],
                "label": row["opinion_label"],
                "phase": row["opinion_phase"],
                "opinion": row["opinion"],
            },
        )


@declare("response_without_opinion", "warning")
def response_without_opinion(con: duckdb.DuckDBPyConnection) -> Iterator[Finding]:
    """An Action response labelled with a number that no verification opinion carries.

    Either the opinion was left out of the report or the response's label is wrong.
    """
    for row in _pairs(con, "opinion"):
        yield Finding(
            "response_without_opinion",
            "warning",
            f"response {row['response_label']} on {row['measure']} in the FY{row['report_fiscal_year']} edition "
            f"(page {row['response_page']}) answers no opinion numbered {row['seq']}{_shared_note(row)}",
            row["report_fiscal_year"],
            row["measure"],
            None,
            None,
            row["response_page"],
            row["series"],
            row["report_id"],
            {"seq": row["seq"], "label": row["response_label"], "response": row["response"]},
        )
