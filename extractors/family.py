"""A report family: everything nenpo knows about one kind of yearly report.

A family says how an edition of it is recognised (`recognise`, on a cheap `DocumentProbe`
of the whole document), how it is read (`extract`, returning a `ReportExtraction` or the
family's subclass of it), and what it adds to the warehouse: its own tables (each naming
the extraction field whose records it loads), views, audit rules and CLI commands.
Families are found through the entry-point group ``nenpo.families`` (`extractors.registry`).
The core (pages, normalisation, grids, loading, the audit runner, flows, CLI) names no
family: it asks the registry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nenpo.extractors.models import ReportExtraction

if TYPE_CHECKING:  # the warehouse imports extractors, not the other way round
    import typer

    from nenpo.warehouse.audit import Rule
    from nenpo.warehouse.schema import Table
    from nenpo.warehouse.views import View

__all__ = ["DocumentProbe", "Recognition", "ReportFamily"]


@dataclass(frozen=True)
class DocumentProbe:
    """What recognition sees: cheap to build, the whole document."""

    path: Path
    metadata: dict[str, Any]
    """PDF metadata (title, subject, author …) as PyMuPDF reports it."""
    page_texts: tuple[str, ...]
    """Text of every page (PyMuPDF's text layer), NFKC-normalised; '' for a page without one."""
    sha256: str


@dataclass(frozen=True)
class Recognition:
    """A family's verdict that a document is one of its editions."""

    series: str
    """The series id the file belongs to."""
    fiscal_year: int | None
    """The edition's year, if the probe shows it."""
    confidence: float
    """0..1; the registry takes the highest, ties broken by the family's priority."""
    why: str
    """What matched, for messages: ``title '令和2年度 …' on page 1``."""
    family: str = ""
    """Filled in by the registry: the id of the family that recognised the file."""


@dataclass(frozen=True)
class ReportFamily:
    id: str
    """'generic', 'budget-book' …: how the catalogue, ``--family`` and the warehouse name it."""
    title: str
    extractor_version: str
    recognise: Callable[[DocumentProbe], Recognition | None]
    extract: Callable[..., ReportExtraction]
    """``extract(path, *, claim: EditionClaim | None = None, ocr: str = "auto", verify: str = "auto")``:
    a `ReportExtraction` (or `extraction`) with ``family`` set to `id`."""
    extraction: type[ReportExtraction] = ReportExtraction
    """The subclass adding the family's own record tuples (`ReportExtraction.from_json` uses it)."""
    tables: tuple[Table, ...] = ()
    """The family's own warehouse tables; each names the extraction field it loads (`Table.records`)."""
    views: tuple[View, ...] = ()
    rules: tuple[Rule, ...] = ()
    """Audit rules (`warehouse.audit.Rule`) run beside the core's."""
    cli: Callable[[typer.Typer], None] | None = None
    """Adds the family's commands to ``nenpo``."""
    compare: Callable[[Any, str, str | None], Any] | None = None
    """``compare(con, series, text)``: what ``nenpo compare --series`` prints for a series this
    family read, as a rich renderable (None when nothing matches `text`); without it, the core's
    KPI comparison is printed."""
    priority: int = 0
    """Breaks ties of confidence: higher wins. The generic family has the lowest."""
    source: str = ""
    """Where the family comes from (entry point and distribution), filled in by the registry."""

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "title": self.title, "version": self.extractor_version, "source": self.source}
