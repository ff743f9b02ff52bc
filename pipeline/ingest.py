"""The steps of an ingest run as plain functions.

    plan_sources → fetch_source → unique_reports → extract (or the extraction cache)
    → validate_batch → load_batch → audit_warehouse → publish

`pipeline.flows` wraps these in Prefect tasks; `ingest()` runs them in order without
Prefect (`nenpo ingest` when no Prefect server is configured, tests and the benchmark),
loading and auditing on one warehouse connection (`load_into`, `warehouse.audit.audit`).
Both give the same outcomes, `ingest_errors`, audit and snapshot. A report that fails
becomes an `IngestFailure` naming the stage and the reason (never raised past this
layer), so one bad file cannot stop the others from loading.
"""

from __future__ import annotations

import os
import pickle
import time
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import regex

from nenpo.extractors import edition
from nenpo.extractors.dispatch import extract_edition
from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.ocr import extraction_mode
from nenpo.extractors.pages import PdfError, sha256_file
from nenpo.extractors.registry import UnknownFamilyError
from nenpo.pipeline.cache import ExtractionCache
from nenpo.pipeline.guard import Limits, Pickled, guarded
from nenpo.pipeline.settings import FETCH_RETRY_SECONDS
from nenpo.pipeline.warm import warm
from nenpo.sources.catalogue import EditionSource, load_catalogue
from nenpo.sources.fetch import FetchError, FetchPolicy, is_transient
from nenpo.sources.local import pdfs_under
from nenpo.sources.obtain import Obtained, obtain
from nenpo.sources.store import FileStore
from nenpo.warehouse.audit import AuditRun, Finding, audit
from nenpo.warehouse.db import connect
from nenpo.warehouse.gates import below_expected_counts, replace_refusal
from nenpo.warehouse.identity import Aliases
from nenpo.warehouse.load import LoadResult, load_extraction, record_error
from nenpo.warehouse.publish import Published
from nenpo.warehouse.publish import publish as publish_warehouse

if TYPE_CHECKING:
    from nenpo.pipeline.runners import Pool


@dataclass(frozen=True)
class IngestFailure:
    """A report that could not be fetched, extracted, validated or loaded, with a clear reason."""

    report: str
    stage: str
    error: str
    page: int | None = None
    sha256: str | None = None


@dataclass(frozen=True)
class LoadedReport:
    """What a run's summary keeps of an edition it loaded: which file and edition, and how
    much it held. The records are in the warehouse; a run of many editions keeps none of
    them in memory."""

    sha256: str
    source_path: str
    series: str
    report_fiscal_year: int
    title: str
    extractor_version: str
    page_count: int
    seconds: float
    measures: int
    kpi_values: int
    pdca_items: int
    warnings: int

    @classmethod
    def of(cls, x: ReportExtraction) -> LoadedReport:
        return cls(
            x.sha256,
            x.source_path,
            x.series,
            x.report_fiscal_year,
            x.title,
            x.extractor_version,
            x.page_count,
            x.seconds,
            len(x.measures),
            len(x.kpi_values),
            len(x.pdca_items),
            len(x.warnings),
        )


@dataclass
class IngestSummary:
    """What one run did: per-report outcomes, in the order the reports were given."""

    loaded: list[tuple[LoadedReport, LoadResult]] = field(default_factory=list)
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
    flow_run: str | None = None
    """The name of the Prefect flow run that did this run; None for a run without Prefect."""
    stage_cpu_seconds: dict[str, float] = field(default_factory=dict)
    """CPU time of this process (all its threads, DuckDB's too; not the worker processes')
    in the same stages: what a stage costs whatever else runs on the machine."""
    stage_seconds: dict[str, float] = field(default_factory=dict)
    """Wall time of each stage of a run without Prefect: fetch, then extract + load (made of
    extract — with workers, the wait for their results —, validate + cache, open warehouse
    and load), audit and publish."""

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
    paths: Iterable[str | os.PathLike[str]] = (),
    catalogue: str | os.PathLike[str] | None = None,
    series: str | None = None,
    fiscal_year: int | None = None,
    family: str | None = None,
) -> list[EditionSource]:
    """Everything a run should ingest: the catalogue's editions and folders, then `paths`.

    Folders (in the catalogue or among `paths`) contribute every PDF under them. `series`
    and `fiscal_year` (``nenpo ingest PATH --series ID --fiscal-year N``) say which
    edition the files of `paths` are, `family` (``--family ID``) which report family reads them.
    """
    sources: list[EditionSource] = []
    folders: list[Path] = []
    if catalogue is not None:
        listed = load_catalogue(catalogue)
        sources.extend(listed.editions())
        folders.extend(listed.folder_paths())
    for path in pdfs_under(folders):
        sources.append(EditionSource(label=str(path), path=str(path)))
    for path in pdfs_under(list(paths)):
        sources.append(
            EditionSource(
                label=str(path),
                path=str(path),
                series=series,
                fiscal_year=fiscal_year,
                claimed_by="command_line",
                family=family,
            )
        )
    return sources


def claim_of(source: EditionSource) -> edition.EditionClaim | None:
    """What the catalogue entry or the command line says the source's edition is."""
    if source.series is None and source.fiscal_year is None and source.family is None:
        return None
    return edition.EditionClaim(source.series, source.fiscal_year, source.claimed_by, source.family)


def fetch_source(source: EditionSource, store: FileStore, policy: FetchPolicy = FetchPolicy()) -> Obtained:
    """The source's bytes on local disk (downloading into `store` if need be). Raises FetchError."""
    return obtain(source, store, policy)


def fetch_with_retries(
    source: EditionSource,
    store: FileStore,
    policy: FetchPolicy = FetchPolicy(),
    delays: Sequence[float] = FETCH_RETRY_SECONDS,
    sleep: Callable[[float], None] = time.sleep,
) -> Obtained:
    """`fetch_source`, tried again after each of `delays` seconds while the failure may pass,
    as the flow's fetch task is retried. Raises the last failure."""
    for delay in (*delays, None):
        try:
            return fetch_source(source, store, policy)
        except Exception as exc:
            if delay is None or not is_transient(exc):
                raise
            sleep(delay)
    raise AssertionError("unreachable")


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


def extract_one(
    path: str | Path, verify: str = "auto", claim: edition.EditionClaim | None = None, ocr: str = "auto"
) -> ReportExtraction | IngestFailure:
    """Extract a report with its family's reader (`extractors.dispatch`: the claim's family,
    else the family that recognises the file); a PDF problem becomes an `IngestFailure`
    naming the file and page. `claim` decides the edition of a file that names none; `ocr`
    says which pages Tesseract reads (`extractors.ocr_pages`)."""
    path = Path(path)
    if not path.is_file():
        return IngestFailure(str(path), "extract", f"{path}: no such file")
    try:
        return extract_edition(path, family=claim.family if claim else None, claim=claim, verify=verify, ocr=ocr)
    except UnknownFamilyError as exc:
        return IngestFailure(str(path), "extract", f"{path}: {exc}", None, _sha(path))
    except PdfError as exc:
        return IngestFailure(str(path), "extract", str(exc), exc.page, _sha(path))
    except Exception as exc:  # noqa: BLE001 - an extractor bug must still name the file, and not stop the run
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
    """The reports whose extraction is in the cache (by sha256), and the seconds each read took.
    An extraction by another family than the one the source names is no hit: the file is read
    again by the family asked for."""
    hits: dict[str, ReportExtraction] = {}
    seconds: dict[str, float] = {}
    if cache is None:
        return hits, seconds
    for report in reports:
        started = time.perf_counter()
        hit = cache.get(report.sha256, verify, report.path)
        if hit is not None and report.source.family not in (None, hit.family):
            continue
        if hit is not None:
            hits[report.sha256], seconds[report.sha256] = hit, time.perf_counter() - started
    return hits, seconds


@dataclass(frozen=True)
class Transferred:
    """A successful extraction as it leaves a worker process: its JSON, and the edition's
    warehouse rows (table name → Arrow table, `warehouse.load.edition_rows`) built there, so
    that the process holding the warehouse only inserts them."""

    json: str
    rows: dict = field(default_factory=dict)


def extract_for_transfer(
    path: str | os.PathLike[str],
    verify: str = "auto",
    claim: edition.EditionClaim | None = None,
    limits: Limits | None = Limits(),
    ocr: str = "auto",
    with_rows: bool = False,
    keep_pickled: bool = False,
) -> str | Transferred | IngestFailure | Pickled:
    """`extract_one` for a worker process: a successful extraction comes back as its JSON
    (with `with_rows`, as a `Transferred` carrying its warehouse rows too). With
    `keep_pickled`, the outcome comes back as the guarded child pickled it (`Pickled`): a
    pool worker hands it on without unpickling and pickling it again.

    A result crosses back to the flow's process as one string, which pydantic validates
    (in Rust) several times faster than pickle rebuilds thousands of records; the parent's
    share of each report shrinks, so two workers come closer to twice the throughput.
    With `limits` (the default) the extraction runs in a child process under them
    (`pipeline.guard`): running out of memory or time, or dying, fails this report only.
    """
    args = (path, verify, claim, ocr, with_rows)
    if limits is not None:
        warm()  # once per process: the forked child imports nothing the next one needs again
        return guarded(_extract_json, args, limits, path, keep_pickled=keep_pickled)
    outcome = _extract_json(*args)
    return Pickled(pickle.dumps(outcome, protocol=pickle.HIGHEST_PROTOCOL)) if keep_pickled else outcome


def _extract_json(
    path: str | os.PathLike[str],
    verify: str,
    claim: edition.EditionClaim | None = None,
    ocr: str = "auto",
    with_rows: bool = False,
) -> str | Transferred | IngestFailure:
    outcome = extract_one(path, verify, claim, ocr)
    if not isinstance(outcome, ReportExtraction):
        return outcome
    if not with_rows:
        return outcome.model_dump_json()
    from nenpo.warehouse.load import edition_rows

    return Transferred(outcome.model_dump_json(), edition_rows(outcome))


def finish_extraction(
    report: Obtained,
    outcome: ReportExtraction | IngestFailure | BaseException | str | Transferred,
    cache: ExtractionCache | None,
    verify: str,
) -> ReportExtraction | IngestFailure:
    """An extract step's outcome, named by its source and remembered in the cache when it succeeded.

    `outcome` is an exception when the step itself crashed (e.g. a worker process died),
    and JSON (or a `Transferred`) when it came from `extract_for_transfer`.
    """
    if isinstance(outcome, Transferred):
        outcome = outcome.json
    text = outcome if isinstance(outcome, str) else None
    if text is not None:
        outcome = ReportExtraction.from_json(text)
    if isinstance(outcome, BaseException):
        outcome = IngestFailure(report.path, "extract", f"{report.path}: {type(outcome).__name__}: {outcome}")
    if isinstance(outcome, ReportExtraction) and cache is not None and not _edition_claimed(outcome):
        cache.put(outcome, verify, text)
    return labelled(report, outcome)


# --- validation ----------------------------------------------------------------------------


def _edition_claimed(x: ReportExtraction) -> bool:
    """Did the edition come from a claim (the file names none)? Such an extraction is not
    cached: the next run's claim may differ."""
    return bool(x.edition_evidence) and x.edition_evidence[0].kind in edition.CLAIM_KINDS


def _edition_agrees(source: EditionSource, x: ReportExtraction) -> str | None:
    """Everything that names the edition must agree: the file's title, section heading,
    purpose sentence and metadata, the catalogue entry or command line. A conflict names
    both sides, e.g. ``the catalogue lists it as FY2020, the PDF's section heading says
    FY2019 (page 12: '４ 令和元（2019）年度中小企業活性化施策の実施状況')``."""
    claim = claim_of(source)
    found = [e for e in x.edition_evidence if e.kind not in edition.CLAIM_KINDS]
    evidence = ([claim.evidence()] if claim is not None else []) + (
        found or [e for e in x.edition_evidence if e.kind in edition.CLAIM_KINDS]
    )
    problems = [edition.conflict_message(a, b) for a, b in edition.conflicts(evidence)]
    return "; ".join(problems) or None


def _title_as_listed(source: EditionSource, x: ReportExtraction) -> str | None:
    """A title line the file prints must match the series' title_pattern (a file without
    one was recognised by other evidence)."""
    titles = [e.text for e in x.edition_evidence if e.kind == "title"]
    if (
        source.title_pattern
        and titles
        and not any(regex.search(source.title_pattern, normalise_text(t)) for t in titles)
    ):
        return f"its title {titles[0]!r} does not match the series' title_pattern {source.title_pattern!r}"
    return None


def _counts_as_expected(source: EditionSource, x: ReportExtraction) -> str | None:
    return below_expected_counts(x, source.min_sheets, source.min_kpi_values)


VALIDATIONS = (_edition_agrees, _title_as_listed, _counts_as_expected)
"""Checks of an extraction against what its source promised; each returns a problem or None."""


def validate_batch(
    pairs: Iterable[tuple[Obtained, ReportExtraction | IngestFailure]],
) -> list[ReportExtraction | IngestFailure]:
    """Check each extraction against its catalogue entry and against the rest of the batch.

    A batch may hold one file per edition (series, fiscal year, part): a second file claiming
    an edition already in the batch fails, naming the first (the catalogue's entries come first).
    """
    return list(validated(pairs))


def validated(
    pairs: Iterable[tuple[Obtained, ReportExtraction | IngestFailure]],
) -> Iterator[ReportExtraction | IngestFailure]:
    """`validate_batch` one outcome at a time, as the extractions arrive."""
    claimed: dict[tuple[str, int, str | None], str] = {}
    for report, outcome in pairs:
        if isinstance(outcome, IngestFailure):
            yield outcome
            continue
        problems = [p for check in VALIDATIONS if (p := check(report.source, outcome))]
        edition = (outcome.series, outcome.report_fiscal_year, outcome.part)
        if not problems and edition in claimed:
            part = f" part {outcome.part}" if outcome.part is not None else ""
            problems.append(
                f"edition {outcome.series} FY{outcome.report_fiscal_year}{part} is already in this run as {claimed[edition]}"
            )
        if problems:
            error = f"{report.source.label}: " + "; ".join(problems)
            yield IngestFailure(report.source.label, "validate", error, None, outcome.sha256)
            continue
        claimed[edition] = report.source.label
        yield outcome


# --- warehouse -----------------------------------------------------------------------------


def load_batch(
    db: str | Path,
    outcomes: Iterable[ReportExtraction | IngestFailure],
    wait_seconds: float = 0.0,
    force: bool = False,
    labels: dict[str, str] | None = None,
    built_rows: dict[str, dict | None] | None = None,
) -> IngestSummary:
    """Load every extracted edition (one transaction each) and record every failure.

    The warehouse is opened once for the batch: DuckDB allows one writer per file. While
    another process holds it, this waits up to `wait_seconds`, then raises
    WarehouseLockedError (nothing written). `outcomes` may be given as they arrive: each
    edition is loaded as it comes.
    """
    con = connect(db, wait_seconds=wait_seconds)
    try:
        return load_into(con, outcomes, str(db), force, labels, built_rows)
    finally:
        con.close()


def load_into(
    con: duckdb.DuckDBPyConnection,
    outcomes: Iterable[ReportExtraction | IngestFailure],
    db: str = "",
    force: bool = False,
    labels: dict[str, str] | None = None,
    built_rows: dict[str, dict | None] | None = None,
) -> IngestSummary:
    """`load_batch` on an open warehouse connection (each outcome as `load_one`).
    `built_rows`: sha256 → the edition's rows built where it was extracted (taken from it
    as each edition is loaded)."""
    summary = IngestSummary(db=db)
    for outcome in outcomes:
        rows = built_rows.pop(outcome.sha256, None) if built_rows and outcome.sha256 else None
        load_one(con, summary, outcome, force, labels, rows)
    record_failures(con, summary)
    return summary


def load_one(
    con: duckdb.DuckDBPyConnection,
    summary: IngestSummary,
    outcome: ReportExtraction | IngestFailure,
    force: bool = False,
    labels: dict[str, str] | None = None,
    rows: dict | None = None,
) -> None:
    """Load an extracted edition (its own transaction) or note a failure, in `summary`.

    An edition that reads markedly worse than the one held for it fails at `validate`
    (`warehouse.gates`), checked under the writer's lock, unless `force`; the failure is
    named by the file's source in `labels` (sha256 → URL or path) when given. `rows`: the
    edition's warehouse rows built where it was extracted (`Transferred.rows`).
    """
    if isinstance(outcome, IngestFailure):
        summary.failed.append(outcome)
        return
    if not force and (refused := replace_refusal(con, outcome)):
        label = (labels or {}).get(outcome.sha256, outcome.source_path)
        summary.failed.append(IngestFailure(label, "validate", refused, None, outcome.sha256))
        return
    try:
        summary.loaded.append((LoadedReport.of(outcome), load_extraction(con, outcome, rows=rows)))
    except Exception as exc:  # noqa: BLE001 - one edition's load failure is recorded; the others load
        summary.failed.append(
            IngestFailure(outcome.source_path, "load", f"{outcome.source_path}: {exc}", None, outcome.sha256)
        )


def record_failures(con: duckdb.DuckDBPyConnection, summary: IngestSummary) -> None:
    """Every failure of the run into `ingest_errors`, in the order they were noted.

    A failure that cannot be written (e.g. the disk that just refused the load is still
    full) stays in the summary, saying so: the run's report of it is never lost.
    """
    for n, failure in enumerate(summary.failed):
        try:
            record_error(con, failure.report, failure.stage, failure.error, page=failure.page, sha256=failure.sha256)
        except duckdb.Error as exc:
            summary.failed[n] = replace(failure, error=f"{failure.error} (not recorded in ingest_errors: {exc})")


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


def _planned(
    paths: Iterable[str | os.PathLike[str]],
    catalogue: str | os.PathLike[str] | None,
    series: str | None,
    fiscal_year: int | None,
    family: str | None,
    cache_dir: str | os.PathLike[str] | None,
    reuse_extractions: bool,
    fetch_policy: FetchPolicy,
    fetch_retry_delays: Sequence[float],
    verify: str,
    ocr: str,
) -> tuple[list[Obtained], list[IngestFailure], ExtractionCache | None, str]:
    """A run's distinct reports on local disk, the sources that failed to fetch, the
    extraction cache (when `reuse_extractions`) and the cache's key for (verify, ocr)."""
    store = FileStore(cache_dir)
    cache = ExtractionCache(store.root) if reuse_extractions else None
    fetch_failures: list[IngestFailure] = []
    obtained: list[Obtained] = []
    for source in plan_sources(paths, catalogue, series, fiscal_year, family):
        try:
            obtained.append(fetch_with_retries(source, store, fetch_policy, fetch_retry_delays if source.url else ()))
        except Exception as exc:  # noqa: BLE001 - one source's failure is recorded; the others go on
            fetch_failures.append(fetch_failure(source, exc))
    mode = extraction_mode(verify, ocr)  # the cache keeps one extraction per (verify, OCR) mode
    return unique_reports(obtained), fetch_failures, cache, mode


def ingest(
    paths: Iterable[str | os.PathLike[str]] = (),
    db: str | Path = "nenpo.duckdb",
    verify: str = "auto",
    *,
    catalogue: str | os.PathLike[str] | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    reuse_extractions: bool = False,
    publish: bool = False,
    publish_dir: str | os.PathLike[str] | None = None,
    lock_timeout: float = 0.0,
    fetch_policy: FetchPolicy = FetchPolicy(),
    series: str | None = None,
    fiscal_year: int | None = None,
    family: str | None = None,
    fetch_retry_delays: Sequence[float] = FETCH_RETRY_SECONDS,
    runner: str = "sequential",
    workers: int | None = None,
    dask_address: str | None = None,
    force: bool = False,
    limits: Limits | None = Limits(),
    ocr: str = "auto",
    pool: Pool | None = None,
) -> IngestSummary:
    """The whole run without Prefect: fetch, extract each, validate and load each edition as
    it is extracted, audit, and publish when `publish` is set or `publish_dir` is given.
    `series` and `fiscal_year` say which edition the files of `paths` are (checked against
    what the files say), `family` which report family reads them.

    Downloads go to `cache_dir` (default: the user cache directory); extractions are read
    from and written to the same cache only when `reuse_extractions` is set. Extractions
    run on `runner` (`pipeline.runners.extract_all`), each under `limits`
    (`pipeline.guard`; None: in the calling process, unguarded). An edition that reads
    markedly worse than the one held fails at validate unless `force`. `ocr` (auto, always,
    never) says which pages Tesseract reads; the cache keeps one extraction per mode.
    `pool`: the workers of `runner`, started by the caller (`runners.start_pool`); the run
    closes it.
    """
    from nenpo.pipeline.runners import closed_if_failing, extract_all, start_pool

    clock = _StageClock()
    # the workers start now, while this process plans, fetches and looks in the cache
    if pool is None:
        pool = start_pool(runner, workers, dask_address)
    with closed_if_failing(pool):
        reports, fetch_failures, cache, mode = _planned(
            paths,
            catalogue,
            series,
            fiscal_year,
            family,
            cache_dir,
            reuse_extractions,
            fetch_policy,
            fetch_retry_delays,
            verify,
            ocr,
        )
        clock.lap("fetch")
        cached = {r.sha256 for r in reports if cache is not None and cache.holds(r.sha256, mode)}
        misses = [r for r in reports if r.sha256 not in cached]
        extracted = extract_all(
            [r.path for r in misses],
            verify,
            runner,
            workers,
            dask_address,
            [claim_of(r.source) for r in misses],
            limits,
            ocr,
            with_rows=True,
            pool=pool,
        )
    from_cache: dict[str, float] = {}
    extracted_so_far: list[str] = []
    built_rows: dict[str, dict] = {}  # sha256 → the rows a worker built for the edition, until it is loaded

    def in_order() -> Iterator[tuple[Obtained, ReportExtraction | IngestFailure]]:
        """Each report's extraction as soon as it is ready, in the order of `reports`."""
        for report in reports:
            if report.sha256 in cached:
                started = time.perf_counter()
                hit = cache.get(report.sha256, mode, report.path)
                if hit is not None:
                    from_cache[report.sha256] = time.perf_counter() - started
                    yield report, hit
                    continue
            with clock.adding("extract"):  # with workers: waiting for the next result
                outcome = (
                    next(extracted)
                    if report.sha256 not in cached
                    # the cache entry went bad: extract it again
                    else extract_for_transfer(report.path, verify, claim_of(report.source), limits, ocr, True)
                )
            extracted_so_far.append(report.sha256)
            built_rows[report.sha256] = outcome.rows if isinstance(outcome, Transferred) else None
            with clock.adding("validate + cache"):
                finished = finish_extraction(report, outcome, cache, mode)
            yield report, finished

    # Each edition is loaded as soon as it is extracted, while the workers extract the next
    # ones: the warehouse is held from the first load (a few editions are handed out
    # already, so its opening keeps no worker waiting), and no more than one extraction is in
    # memory at a time. One connection for the loads and the audit.
    labels = {r.sha256: r.source.label for r in reports}
    summary = IngestSummary(db=str(db), labels=labels, from_cache=from_cache)
    con: duckdb.DuckDBPyConnection | None = None

    def warehouse() -> duckdb.DuckDBPyConnection:
        nonlocal con
        if con is None:
            with clock.adding("open warehouse"):
                con = connect(db, wait_seconds=lock_timeout)
        return con

    try:
        for outcome in validated(in_order()):
            con = warehouse()
            rows = built_rows.pop(outcome.sha256, None) if outcome.sha256 is not None else None
            with clock.adding("load"):
                load_one(con, summary, outcome, force, labels, rows)
        con = warehouse()
        with clock.adding("load"):
            for failure in fetch_failures:
                load_one(con, summary, failure)
            record_failures(con, summary)
        clock.lap("extract + load")
        summary.record_audit(audit(con, Aliases.load()))
        clock.lap("audit")
    except BaseException as exc:  # noqa: BLE001 - the run itself failed: what it did so far goes with the error
        summary.extracted = len(extracted_so_far)
        raise with_progress(exc, summary)  # noqa: B904 - the same exception, carrying the run's progress
    finally:
        extracted.close()  # a run that failed midway stops the workers
        if con is not None:
            con.close()
    summary.from_cache = from_cache
    summary.extracted = len(reports) - len(from_cache)
    summary.labels = labels
    if publish or publish_dir is not None:
        try:
            summary.published = publish_warehouse(db, publish_dir, lock_timeout)
        except BaseException as exc:  # noqa: BLE001 - the run failed: what it did so far goes with the error
            raise with_progress(exc, summary)  # noqa: B904 - the same exception, carrying the run's progress
        clock.lap("publish")
    summary.stage_seconds, summary.stage_cpu_seconds = clock.seconds, clock.cpu_seconds
    return summary


PROGRESS_ATTRIBUTE = "nenpo_progress"


def with_progress(exc: BaseException, summary: IngestSummary) -> BaseException:
    """`exc`, which failed the run, carrying what the run did before it (`progress_of`); it
    travels with the exception, pickled or not, out of a Prefect flow run."""
    setattr(exc, PROGRESS_ATTRIBUTE, summary)
    return exc


def progress_of(exc: BaseException) -> IngestSummary | None:
    """What a failed run did before it failed: the files in it, the reports loaded and failed."""
    return getattr(exc, PROGRESS_ATTRIBUTE, None)


class _StageClock:
    """Wall time by stage: `lap` ends a stage of the run; `adding` sums the parts of one that
    interleave (extract, validate, load) within a lap."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.cpu_seconds: dict[str, float] = {}
        self._last, self._last_cpu = time.perf_counter(), time.process_time()

    def lap(self, stage: str) -> None:
        now, cpu = time.perf_counter(), time.process_time()
        self.seconds[stage], self.cpu_seconds[stage] = now - self._last, cpu - self._last_cpu
        self._last, self._last_cpu = now, cpu

    @contextmanager
    def adding(self, stage: str) -> Iterator[None]:
        started, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + time.perf_counter() - started
            self.cpu_seconds[stage] = self.cpu_seconds.get(stage, 0.0) + time.process_time() - cpu
