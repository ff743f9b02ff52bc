"""The steps of an ingest run as plain functions: find the PDFs, extract one, load a batch.

`pipeline.flows` wraps these in Prefect tasks; tests and the benchmark call them
directly. A report that fails is returned as an `IngestFailure` (never raised past
this layer), so one bad file cannot stop the others from loading.
"""

from __future__ import annotations

import traceback
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.pages import PdfError, sha256_file
from nenpo.extractors.report import extract_report
from nenpo.warehouse.audit import Finding, run_audit
from nenpo.warehouse.db import connect
from nenpo.warehouse.identity import Aliases, refresh_identities
from nenpo.warehouse.load import LoadResult, load_extraction, record_error


@dataclass(frozen=True)
class IngestFailure:
    """A report that could not be extracted or loaded, with the stage and a clear reason."""

    report: str
    stage: str
    error: str
    page: int | None = None
    sha256: str | None = None


@dataclass
class IngestSummary:
    """What one run did: per-report outcomes, in the order the reports were given."""

    loaded: list[tuple[ReportExtraction, LoadResult]] = field(default_factory=list)
    failed: list[IngestFailure] = field(default_factory=list)
    db: str = ""
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failed


def discover_pdfs(paths: Iterable[str | Path]) -> list[Path]:
    """Every PDF named or found under the given folders, once per distinct content.

    Files are identified by their sha256, not their name: the same edition saved twice
    under different names is ingested once (the first path, in sorted order, wins).
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        else:
            found.append(path)
    seen: set[str] = set()
    unique: list[Path] = []
    for path in found:
        digest = sha256_file(path) if path.is_file() else f"missing:{path}"
        if digest not in seen:
            seen.add(digest)
            unique.append(path)
    return unique


def extract_one(path: str | Path, verify: str = "auto") -> ReportExtraction | IngestFailure:
    """Extract a report; a PDF problem becomes an `IngestFailure` naming the file and page."""
    path = Path(path)
    if not path.is_file():
        return IngestFailure(str(path), "extract", f"{path}: no such file")
    try:
        return extract_report(path, verify=verify)
    except PdfError as exc:
        return IngestFailure(str(path), "extract", str(exc), exc.page, _sha(path))
    except Exception as exc:  # an extractor bug must still name the file, and not stop the run
        detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
        return IngestFailure(str(path), "extract", f"{path}: unexpected {detail}", None, _sha(path))


def _sha(path: Path) -> str | None:
    try:
        return sha256_file(path)
    except OSError:
        return None


def load_batch(db: str | Path, outcomes: list[ReportExtraction | IngestFailure]) -> IngestSummary:
    """Load every extracted edition (one transaction each) and record every failure.

    The warehouse is opened once for the batch: DuckDB allows one writer per file.
    """
    summary = IngestSummary(db=str(db))
    con = connect(db)
    try:
        for outcome in outcomes:
            if isinstance(outcome, IngestFailure):
                summary.failed.append(outcome)
                continue
            try:
                summary.loaded.append((outcome, load_extraction(con, outcome)))
            except Exception as exc:
                summary.failed.append(
                    IngestFailure(outcome.source_path, "load", f"{outcome.source_path}: {exc}", None, outcome.sha256)
                )
        for failure in summary.failed:
            record_error(con, failure.report, failure.stage, failure.error, page=failure.page, sha256=failure.sha256)
    finally:
        con.close()
    return summary


def audit_warehouse(db: str | Path, aliases: str | Path | None = None) -> list[Finding]:
    """Link names across editions (alias tables), then run every audit rule and store the findings."""
    con = connect(db)
    try:
        refresh_identities(con, Aliases.load(aliases))
        return run_audit(con)
    finally:
        con.close()


def ingest(paths: Iterable[str | Path], db: str | Path, verify: str = "auto") -> IngestSummary:
    """The whole run without Prefect: discover, extract each, load the batch, audit."""
    summary = load_batch(db, [extract_one(p, verify) for p in discover_pdfs(paths)])
    summary.findings = audit_warehouse(db)
    return summary


