"""Quality gates: an edition that reads markedly worse than the one the warehouse holds
does not replace it.

A damaged copy of a good edition (a few KiB of random bytes, a page whose content stream
is gone) still opens: PyMuPDF repairs it and the extractors read what is left. Loaded, it
would replace the good edition with less data and no error. So before an edition
replaces the one held for the same (series, report_fiscal_year), its figures are compared
with the held ones (`EditionFigures`), rule by rule (`COUNT_GATES`, then the page rules):

============== ===================================================================
sheets          fewer measure sheets than held
kpi_values      more than 2 % fewer KPI values than held
pdca_items      more than 2 % fewer PDCA items than held
text_pages      fewer pages with text than held
lost_pages      a page that held text (>= 50 characters) now has less than half of it
garbled_pages   more pages flagged garbled than held (the new ones are named)
============== ===================================================================

Every rule that fails is named in one message with the file, the pages and the figures;
the pipeline records it as a failure at `validate` and the held edition stays. The caller
may override (`--force`). A first load has nothing to compare with and passes here; a
series may declare its own count gates in the catalogue (`min_sheets`, `min_kpi_values`,
`below_expected_counts`), which apply to every load and are checked with the catalogue.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import duckdb

from nenpo.extractors.models import ReportExtraction

__all__ = [
    "COUNT_GATES",
    "EditionFigures",
    "below_expected_counts",
    "figures_held",
    "figures_of",
    "replace_refusal",
    "shortfalls",
]

TEXT_CHARS = 50
"""A page with at least this many characters (by the best engine) counts as a page with text."""

LOST_SHARE = 0.5
"""A text page whose character count falls below this share of the held count lost its content."""


@dataclass(frozen=True)
class EditionFigures:
    """What an edition reads as: counts, and per page its characters and whether it is garbled."""

    sha256: str
    source_path: str
    sheets: int
    kpi_values: int
    pdca_items: int
    page_count: int
    chars: dict[int, int] = field(default_factory=dict)
    """page → characters read by the engine that read the most."""
    garbled: frozenset[int] = frozenset()

    @property
    def text_pages(self) -> int:
        return sum(1 for n in self.chars.values() if n >= TEXT_CHARS)


def figures_of(x: ReportExtraction) -> EditionFigures:
    return EditionFigures(
        sha256=x.sha256,
        source_path=x.source_path,
        sheets=len(x.measures),
        kpi_values=len(x.kpi_values),
        pdca_items=len(x.pdca_items),
        page_count=x.page_count,
        chars={p.page: max(p.chars.values(), default=0) for p in x.pages},
        garbled=frozenset(p.page for p in x.pages if "garbled" in p.flags),
    )


def figures_held(
    con: duckdb.DuckDBPyConnection, series: str, report_fiscal_year: int, part: str | None = None
) -> EditionFigures | None:
    """The figures of the edition (of its `part`) the warehouse holds for (series, year); None
    when it holds none."""
    held = con.execute(
        "SELECT report_id, sha256, source_path, measure_count, kpi_value_count, page_count, "
        "(SELECT count(*) FROM pdca_items p WHERE p.report_id = r.report_id) "
        "FROM reports r WHERE series = ? AND report_fiscal_year = ? AND part IS NOT DISTINCT FROM ?",
        [series, report_fiscal_year, part],
    ).fetchone()
    if held is None:
        return None
    report_id, sha256, source_path, sheets, kpi_values, page_count, pdca_items = held
    pages = con.execute(
        "SELECT page, coalesce(list_max(map_values(chars)), 0), list_contains(flags, 'garbled') "
        "FROM report_pages WHERE report_id = ?",
        [report_id],
    ).fetchall()
    return EditionFigures(
        sha256=sha256,
        source_path=source_path,
        sheets=sheets,
        kpi_values=kpi_values,
        pdca_items=pdca_items,
        page_count=page_count,
        chars={page: chars for page, chars, _ in pages},
        garbled=frozenset(page for page, _, garbled in pages if garbled),
    )


@dataclass(frozen=True)
class CountGate:
    """A count that may not fall by more than `tolerance` (a share of the held count)."""

    name: str
    what: str
    count: Callable[[EditionFigures], int]
    tolerance: float = 0.0

    def shortfall(self, held: EditionFigures, new: EditionFigures) -> str | None:
        before, after = self.count(held), self.count(new)
        if before - after > int(before * self.tolerance):
            return f"{self.what} {before} → {after}"
        return None


COUNT_GATES: tuple[CountGate, ...] = (
    CountGate("sheets", "measure sheets", lambda f: f.sheets),
    CountGate("kpi_values", "KPI values", lambda f: f.kpi_values, tolerance=0.02),
    CountGate("pdca_items", "PDCA items", lambda f: f.pdca_items, tolerance=0.02),
    CountGate("text_pages", "pages with text", lambda f: f.text_pages),
)


def _pages(pages: list[int]) -> str:
    return ", ".join(str(p) for p in pages[:12]) + (f" and {len(pages) - 12} more" if len(pages) > 12 else "")


def _lost_pages(held: EditionFigures, new: EditionFigures) -> str | None:
    lost = sorted(
        page
        for page, before in held.chars.items()
        if before >= TEXT_CHARS and new.chars.get(page, 0) < before * LOST_SHARE
    )
    if not lost:
        return None
    detail = "; ".join(f"p.{p} {held.chars[p]} → {new.chars.get(p, 0)} characters" for p in lost[:5])
    return f"page(s) {_pages(lost)} lost their text ({detail})"


def _garbled_pages(held: EditionFigures, new: EditionFigures) -> str | None:
    if len(new.garbled) <= len(held.garbled):
        return None
    fresh = sorted(new.garbled - held.garbled)
    return f"garbled pages {len(held.garbled)} → {len(new.garbled)} (newly garbled: page(s) {_pages(fresh)})"


PAGE_GATES: tuple[Callable[[EditionFigures, EditionFigures], str | None], ...] = (_lost_pages, _garbled_pages)


def shortfalls(held: EditionFigures, new: EditionFigures) -> list[str]:
    """Every way `new` reads worse than `held`; empty when it may replace it."""
    found = [s for gate in COUNT_GATES if (s := gate.shortfall(held, new))]
    return found + [s for rule in PAGE_GATES if (s := rule(held, new))]


def replace_refusal(con: duckdb.DuckDBPyConnection, x: ReportExtraction) -> str | None:
    """Why `x` may not replace the edition the warehouse holds for it, or None when it may
    (no edition held, or no worse). The same file read by another extractor version is
    gated too: an extractor that reads less is as bad for the warehouse as a damaged file."""
    held = figures_held(con, x.series, x.report_fiscal_year, x.part)
    if held is None:
        return None
    problems = shortfalls(held, figures_of(x))
    if not problems:
        return None
    return (
        f"{x.source_path}: reads markedly worse than the {x.series} FY{x.report_fiscal_year} edition the "
        f"warehouse holds (from {held.source_path}, sha256 {held.sha256[:16]}): "
        + "; ".join(problems)
        + "; the held edition is kept (use --force to replace it anyway)"
    )


def below_expected_counts(
    x: ReportExtraction, min_sheets: int | None = None, min_kpi_values: int | None = None
) -> str | None:
    """The series' own count gates (catalogue `min_sheets`, `min_kpi_values`), which apply to a
    first load too: what the edition lacks, or None."""
    lacking = [
        f"{what} {have} (the series expects at least {least})"
        for what, have, least in (
            ("measure sheets", len(x.measures), min_sheets),
            ("KPI values", len(x.kpi_values), min_kpi_values),
        )
        if least is not None and have < least
    ]
    return "reads too little: " + ", ".join(lacking) if lacking else None
