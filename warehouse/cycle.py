"""A measure's PDCA cycle, edition by edition, read back from the warehouse.

    from nenpo.warehouse.cycle import find_cycles
    for cycle in find_cycles(con, "商業力強化"):
        cycle.items["check"], cycle.pairs …

A measure is named by its normalised name (exact match first) or by part of it; a part
that names several measures of one edition is ambiguous. A measure renamed between
editions is found in each edition under the name that edition prints, when the part
given is common to both names.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb

from nenpo.core.errors import AuditError
from nenpo.extractors.normalise import normalise_name


class MeasureNotFound(AuditError):
    """No loaded measure has that name."""


class AmbiguousMeasure(AuditError):
    """The text names several measures of one edition."""

    def __init__(self, query: str, candidates: list[str]):
        self.candidates = candidates
        super().__init__(f"{query!r} names several measures: {', '.join(candidates)}")


@dataclass(frozen=True)
class Item:
    label: str
    text: str
    page: int
    printed_on: str


@dataclass(frozen=True)
class Pair:
    seq: int
    opinion_phase: str | None
    opinion_label: str | None
    opinion: str | None
    response_label: str | None
    response: str | None


@dataclass(frozen=True)
class KpiCell:
    indicator: str
    unit: str | None
    fiscal_year: int
    kind: str
    text: str
    status: str


@dataclass
class Cycle:
    """One measure as one edition prints it."""

    series: str
    report_fiscal_year: int
    report_id: str
    name: str
    name_raw: str
    parent: str | None
    position: int | None
    article: int | None
    article_title: str | None
    page_start: int
    page_end: int
    items: dict[str, list[Item]] = field(default_factory=dict)
    pairs: list[Pair] = field(default_factory=list)
    kpis: list[KpiCell] = field(default_factory=list)

    @property
    def review_printed_on(self) -> str | None:
        """The measure whose sheet prints this measure's Check/Action block, when it is another's."""
        for phase in ("check", "covid_check", "action"):
            for item in self.items.get(phase, []):
                if item.printed_on != self.name:
                    return item.printed_on
        return None


def _matching_names(con: duckdb.DuckDBPyConnection, query: str, year: int | None) -> list[tuple[str, int, str]]:
    key = normalise_name(query)
    where, params = "", []
    if year is not None:
        where, params = " AND report_fiscal_year = ?", [year]
    exact = con.execute(
        f"SELECT DISTINCT series, report_fiscal_year, name FROM measures WHERE name = ?{where}", [key, *params]
    ).fetchall()
    if exact:
        return exact
    return con.execute(
        f"SELECT DISTINCT series, report_fiscal_year, name FROM measures WHERE contains(name, ?){where}", [key, *params]
    ).fetchall()


def find_cycles(con: duckdb.DuckDBPyConnection, query: str, year: int | None = None) -> list[Cycle]:
    """The measure's cycle in every loaded edition of every series (or in the editions of
    fiscal year `year`), by series, oldest first."""
    matches = _matching_names(con, query, year)
    if not matches:
        raise MeasureNotFound(f"no measure named {query!r}" + (f" in the FY{year} edition" if year is not None else ""))
    per_edition: dict[tuple[str, int], set[str]] = {}
    for series, fy, name in matches:
        per_edition.setdefault((series, fy), set()).add(name)
    ambiguous = sorted({n for names in per_edition.values() if len(names) > 1 for n in names})
    if ambiguous:
        raise AmbiguousMeasure(query, ambiguous)
    cycles = []
    pairs = _has_view(con, "opinion_responses")
    for (series, fy), names in sorted(per_edition.items()):
        (name,) = names
        cycles.extend(_cycles(con, series, fy, name, pairs))
    return cycles


def _has_view(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    """A family's view (opinion_responses pairs Check opinions with Action responses) is there
    only when the family is installed."""
    return bool(
        con.execute(
            "SELECT 1 FROM duckdb_views() WHERE view_name = ? AND database_name = current_database() "
            "AND schema_name = current_schema()",
            [name],
        ).fetchall()
    )


def _cycles(con: duckdb.DuckDBPyConnection, series: str, fy: int, name: str, pairs: bool) -> list[Cycle]:
    sheets = con.execute(
        "SELECT series, report_fiscal_year, report_id, name, name_raw, parent, position, article, article_title, "
        "page_start, page_end FROM measures WHERE series = ? AND report_fiscal_year = ? AND name = ? ORDER BY ordinal",
        [series, fy, name],
    ).fetchall()
    cycles = [Cycle(*row) for row in sheets]
    for cycle in cycles:
        for phase, label, text, page, printed_on in con.execute(
            """
            SELECT p.phase, p.label, p.text, p.page, p.measure
            FROM pdca_items AS p JOIN pdca_item_measures AS l USING (pdca_item_id)
            WHERE l.report_id = ? AND l.measure = ?
            ORDER BY p.ordinal
            """,
            [cycle.report_id, cycle.name],
        ).fetchall():
            cycle.items.setdefault(phase, []).append(Item(label, text, page, printed_on))
        cycle.pairs = (
            [
                Pair(*row)
                for row in con.execute(
                    "SELECT seq, opinion_phase, opinion_label, opinion, response_label, response FROM opinion_responses "
                    "WHERE report_id = ? AND measure = ? ORDER BY seq",
                    [cycle.report_id, cycle.name],
                ).fetchall()
            ]
            if pairs
            else []
        )
        cycle.kpis = [
            KpiCell(*row)
            for row in con.execute(
                "SELECT indicator, unit, fiscal_year, kind, value_text, status FROM kpi_values "
                "WHERE report_id = ? AND measure = ? ORDER BY table_no, ordinal",
                [cycle.report_id, cycle.name],
            ).fetchall()
        ]
    return cycles
