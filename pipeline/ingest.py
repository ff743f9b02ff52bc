"""The steps of an ingest run as plain functions.

    plan_sources → fetch_source → unique_reports → extract (or the extraction cache)
    → validate_batch → load_batch → audit_warehouse → publish

`pipeline.flows` wraps these in Prefect tasks; `ingest()` runs them in order without
Prefect (tests and the benchmark use it), loading and auditing on one warehouse
connection (`load_into`, `warehouse.audit.audit`). A report that fails becomes an
`IngestFailure` naming the stage and the reason (never raised past this layer), so one
bad file cannot stop the others from loading.
"""

from __future__ import annotations

import os
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import regex

from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.ocr import extraction_mode
from nenpo.extractors.pages import PdfError, sha256_file
from nenpo.extractors.report import extract_report
from nenpo.pipeline.cache import ExtractionCache
from nenpo.sources.catalogue import EditionSource, load_catalogue
from nenpo.sources.fetch import FetchError, FetchPolicy
from nenpo.sources.local import pdfs_under
from nenpo.sources.obtain import Obtained, obtain
from nenpo.sources.store import FileStore
from nenpo.warehouse.audit import AuditRun, Finding, audit
from nenpo.warehouse.db import connect
from nenpo.warehouse.identity import Aliases
from nenpo.warehouse.load import LoadResult, load_extraction, record_error
from nenpo.warehouse.publish import Published, publish


@dataclass(frozen=True)
class IngestFailure:
    """A report that could not be fetched, extracted, validated or loaded, with a clear reason."""

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
    from_cache: dict[str, float] = field(default_factory=dict)
    """sha256 → seconds it took to read the extraction from the cache (not extracted again)."""
    extracted: int = 0
    """Reports extracted in this run (the others came from the extraction cache or failed before)."""
    labels: dict[str, str] = field(default_factory=dict)
    """sha256 → the source the file came from (its URL or path), for summaries."""
    published: Published | None = None
    audited_at: datetime | None = None
    audit_reused: bool = False
    """True when nothing the audit depends on had changed, so the latest audit's findings were kept."""

    def record_audit(self, run: AuditRun) -> None:
        self.findings, self.audited_at, self.audit_reused = run.findings, run.audited_at, run.reused

    @property
    def audit_note(self) -> str:
        """' (kept from the audit of …)' when the audit was not run again, else ''."""
        if not (self.audit_reused and self.audited_at):
            return ""
        return f" (kept from the audit of {self.audited_at:%Y-%m-%d %H:%M}: nothing it depends on changed)"

    @property
    def ok(self) -> bool:
        return not self.failed


# --- sources -------------------------------------------------------------------------------


def plan_sources(
    paths: Iterable[str | os.PathLike[str]] = (), catalogue: str | os.PathLike[str] | None = None
) -> list[EditionSource]:
    """Everything a run should ingest: the catalogue's editions and folders, then `paths`.

    Folders (in the catalogue or among `paths`) contribute every PDF under them.
    """
    sources: list[EditionSource] = []
    folders: list[Path] = []
    if catalogue is not None:
        listed = load_catalogue(catalogue)
        sources.extend(listed.editions())
        folders.extend(listed.folder_paths())
    for path in pdfs_under([*folders, *paths]):
        sources.append(EditionSource(label=str(path), path=str(path)))
    return sources


def fetch_source(source: EditionSource, store: FileStore, policy: FetchPolicy = FetchPolicy()) -> Obtained:
    """The source's bytes on local disk (downloading into `store` if need be). Raises FetchError."""
    return obtain(source, store, policy)


def fetch_failure(source: EditionSource, exc: BaseException) -> IngestFailure:
    error = str(exc) if isinstance(exc, FetchError) else f"{source.label}: {type(exc).__name__}: {exc}"
    return IngestFailure(source.label, "fetch", error)


def unique_reports(obtained: Iterable[Obtained]) -> list[Obtained]:
    """Once per distinct content: the first source with those bytes wins."""
    seen: set[str] = set()
    unique: list[Obtained] = []
    for item in obtained:
        if item.sha256 not in seen:
            seen.add(item.sha256)
            unique.append(item)
    return unique


# --- extraction ----------------------------------------------------------------------------


def extract_one(path: str | Path, verify: str = "auto", ocr: str = "auto") -> ReportExtraction | IngestFailure:
    """Extract a report; a PDF problem becomes an `IngestFailure` naming the file and page."""
    path = Path(path)
    if not path.is_file():
        return IngestFailure(str(path), "extract", f"{path}: no such file")
    try:
        return extract_report(path, verify=verify, ocr=ocr)
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


def labelled(report: Obtained, outcome: ReportExtraction | IngestFailure) -> ReportExtraction | IngestFailure:
    """A failure of a downloaded file is recorded under its URL rather than its cache path."""
    if isinstance(outcome, IngestFailure) and outcome.report != report.source.label:
        return IngestFailure(report.source.label, outcome.stage, outcome.error, outcome.page, report.sha256)
    return outcome


def cached_extractions(
    cache: ExtractionCache | None, reports: Iterable[Obtained], verify: str
) -> tuple[dict[str, ReportExtraction], dict[str, float]]:
    """The reports whose extraction is in the cache (by sha256), and the seconds each read took."""
    hits: dict[str, ReportExtraction] = {}
    seconds: dict[str, float] = {}
    if cache is None:
        return hits, seconds
    for report in reports:
        started = time.perf_counter()
        hit = cache.get(report.sha256, verify, report.path)
        if hit is not None:
            hits[report.sha256], seconds[report.sha256] = hit, time.perf_counter() - started
    return hits, seconds


def extract_for_transfer(path: str | os.PathLike[str], verify: str = "auto", ocr: str = "auto") -> str | IngestFailure:
    """`extract_one` for a worker process: a successful extraction comes back as its JSON.

    A result crosses back to the flow's process as one string, which pydantic validates
    (in Rust) several times faster than pickle rebuilds thousands of records; the parent's
    share of each report shrinks, so two workers come closer to twice the throughput.
    """
    outcome = extract_one(path, verify, ocr)
    return outcome.model_dump_json() if isinstance(outcome, ReportExtraction) else outcome


def finish_extraction(
    report: Obtained,
    outcome: ReportExtraction | IngestFailure | BaseException | str,
    cache: ExtractionCache | None,
    verify: str,
) -> ReportExtraction | IngestFailure:
    """An extract step's outcome, named by its source and remembered in the cache when it succeeded.

    `outcome` is an exception when the step itself crashed (e.g. a worker process died),
    and JSON when it came from `extract_for_transfer`.
    """
    text = outcome if isinstance(outcome, str) else None
    if text is not None:
        outcome = ReportExtraction.from_json(text)
    if isinstance(outcome, BaseException):
        outcome = IngestFailure(report.path, "extract", f"{report.path}: {type(outcome).__name__}: {outcome}")
    if isinstance(outcome, ReportExtraction) and cache is not None:
        cache.put(outcome, verify, text)
    return labelled(report, outcome)


# --- validation ----------------------------------------------------------------------------


def _series_as_listed(source: EditionSource, x: ReportExtraction) -> str | None:
    if source.series and x.series != source.series:
        return f"the catalogue lists it as series {source.series!r}, the PDF is an edition of {x.series!r}"
    return None


def _year_as_listed(source: EditionSource, x: ReportExtraction) -> str | None:
    if source.fiscal_year and x.report_fiscal_year != source.fiscal_year:
        return (
            f"the catalogue lists it as FY{source.fiscal_year}, "
            f"the PDF's title says FY{x.report_fiscal_year} ({x.title})"
        )
    return None


def _title_as_listed(source: EditionSource, x: ReportExtraction) -> str | None:
    if source.title_pattern and not regex.search(source.title_pattern, normalise_text(x.title)):
        return f"its title {x.title!r} does not match the series' title_pattern {source.title_pattern!r}"
    return None


VALIDATIONS = (_series_as_listed, _year_as_listed, _title_as_listed)
"""Checks of an extraction against what its source promised; each returns a problem or None."""


def validate_batch(
    pairs: Iterable[tuple[Obtained, ReportExtraction | IngestFailure]],
) -> list[ReportExtraction | IngestFailure]:
    """Check each extraction against its catalogue entry and against the rest of the batch.

    A batch may hold one file per edition (series, fiscal year): a second file claiming an
    edition already in the batch fails, naming the first (the catalogue's entries come first).
    """
    claimed: dict[tuple[str, int], str] = {}
    checked: list[ReportExtraction | IngestFailure] = []
    for report, outcome in pairs:
        if isinstance(outcome, IngestFailure):
            checked.append(outcome)
            continue
        problems = [p for check in VALIDATIONS if (p := check(report.source, outcome))]
        edition = (outcome.series, outcome.report_fiscal_year)
        if not problems and edition in claimed:
            problems.append(
                f"edition {outcome.series} FY{outcome.report_fiscal_year} is already in this run as {claimed[edition]}"
            )
        if problems:
            error = f"{report.source.label}: " + "; ".join(problems)
            checked.append(IngestFailure(report.source.label, "validate", error, None, outcome.sha256))
            continue
        claimed[edition] = report.source.label
        checked.append(outcome)
    return checked


# --- warehouse -----------------------------------------------------------------------------


def load_batch(
    db: str | Path, outcomes: list[ReportExtraction | IngestFailure], wait_seconds: float = 0.0
) -> IngestSummary:
    """Load every extracted edition (one transaction each) and record every failure.

    The warehouse is opened once for the batch: DuckDB allows one writer per file. While
    another process holds it, this waits up to `wait_seconds`, then raises
    WarehouseLockedError (nothing written).
    """
    con = connect(db, wait_seconds=wait_seconds)
    try:
        return load_into(con, outcomes, str(db))
    finally:
        con.close()


def load_into(con: duckdb.DuckDBPyConnection, outcomes: list[ReportExtraction | IngestFailure], db: str = "") -> IngestSummary:
    """`load_batch` on an open warehouse connection."""
    summary = IngestSummary(db=db)
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
    return summary


def audit_warehouse(
    db: str | Path, aliases: str | Path | None = None, wait_seconds: float = 0.0, *, reuse: bool = True
) -> AuditRun:
    """Link names across editions (alias tables), then run every audit rule and store the
    findings; with `reuse`, a warehouse unchanged since its latest audit keeps that audit."""
    con = connect(db, wait_seconds=wait_seconds)
    try:
        return audit(con, Aliases.load(aliases), reuse=reuse)
    finally:
        con.close()


# --- the whole run -------------------------------------------------------------------------


def ingest(
    paths: Iterable[str | os.PathLike[str]] = (),
    db: str | Path = "nenpo.duckdb",
    verify: str = "auto",
    *,
    catalogue: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    reuse_extractions: bool = False,
    publish_dir: str | os.PathLike[str] | None = None,
    lock_timeout: float = 0.0,
    fetch_policy: FetchPolicy = FetchPolicy(),
    ocr: str = "auto",
) -> IngestSummary:
    """The whole run without Prefect: fetch, extract each, validate, load the batch, audit,
    and publish when `publish_dir` is given.

    Downloads go to `cache_dir` (default: the user cache directory); extractions are read
    from and written to the same cache only when `reuse_extractions` is set.
    """
    store = FileStore(cache_dir)
    cache = ExtractionCache(store.root) if reuse_extractions else None
    outcomes: list[ReportExtraction | IngestFailure] = []
    obtained: list[Obtained] = []
    for source in plan_sources(paths, catalogue):
        try:
            obtained.append(fetch_source(source, store, fetch_policy))
        except Exception as exc:
            outcomes.append(fetch_failure(source, exc))
    reports = unique_reports(obtained)
    mode = extraction_mode(verify, ocr)  # the cache keeps one extraction per (verify, OCR) mode
    hits, from_cache = cached_extractions(cache, reports, mode)
    pairs = [
        (r, hits[r.sha256] if r.sha256 in hits else finish_extraction(r, extract_one(r.path, verify, ocr), cache, mode))
        for r in reports
    ]
    con = connect(db, wait_seconds=lock_timeout)  # one connection for the load and the audit
    try:
        summary = load_into(con, validate_batch(pairs) + outcomes, str(db))
        summary.record_audit(audit(con, Aliases.load()))
    finally:
        con.close()
    summary.from_cache, summary.extracted = from_cache, len(reports) - len(hits)
    summary.labels = {r.sha256: r.source.label for r in reports}
    if publish_dir is not None:
        summary.published = publish(db, publish_dir, lock_timeout)
    return summary
