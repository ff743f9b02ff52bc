"""Prefect flows: the orchestration shell around `pipeline.ingest`.

`ingest_reports` runs catalogue or paths → fetch → extract → validate → load → audit →
publish. The flow adds what a scheduled run needs: a task run per download and per
extraction (visible in the Prefect UI with its own state), extract tasks spread over the
chosen task runner (one at a time, local processes, Dask), one writer at a time on the warehouse,
artifacts the team can follow over time, and an honest final state.

Retries: downloads retry — a few quick tries inside `fetch_url`, then up to
`FETCH_RETRIES` task retries minutes apart for a server that is down for longer. Parsing
gets none: a re-parse of the same bytes fails the same way and a retry would only hide
the bug.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Iterable, Iterator
from pathlib import Path

from prefect import flow, task
from prefect.artifacts import create_markdown_artifact, create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.futures import PrefectFuture
from prefect.runtime import flow_run
from prefect.task_runners import TaskRunner

from nenpo.core.errors import NenpoError
from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.ocr import extraction_mode
from nenpo.pipeline.cache import ExtractionCache
from nenpo.pipeline.guard import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, Limits, lost_with_its_worker
from nenpo.pipeline.ingest import (
    IngestFailure,
    IngestSummary,
    Transferred,
    audit_warehouse,
    cached_extractions,
    claim_of,
    extract_for_transfer,
    fetch_failure,
    fetch_source,
    finish_extraction,
    load_batch,
    plan_sources,
    unique_reports,
    validated,
    with_progress,
)
from nenpo.pipeline.runners import build_task_runner
from nenpo.pipeline.settings import FETCH_RETRY_SECONDS
from nenpo.pipeline.summary import audit_markdown, summary_rows
from nenpo.sources.catalogue import EditionSource
from nenpo.sources.fetch import is_transient
from nenpo.sources.obtain import Obtained
from nenpo.sources.store import FileStore
from nenpo.warehouse.audit import AuditRun
from nenpo.warehouse.publish import Published
from nenpo.warehouse.publish import publish as publish_warehouse

INGEST_ARTIFACT_KEY = "nenpo-ingest-summary"
AUDIT_ARTIFACT_KEY = "nenpo-audit-findings"
FETCH_RETRIES = len(FETCH_RETRY_SECONDS)
FETCH_RETRY_DELAYS = list(FETCH_RETRY_SECONDS)  # 60 s, then 120 s


class ReportsFailed(NenpoError, RuntimeError):
    """Raised at the end of a run in which some reports failed; the rest were loaded."""

    def __init__(self, summary: IngestSummary):
        self.summary = summary
        names = ", ".join(f.report for f in summary.failed)
        super().__init__(f"{len(summary.failed)} report(s) failed: {names}")


def retry_if_transient(task, task_run, state) -> bool:
    """Prefect retry condition: retry a download only when the failure may pass."""
    return is_transient(state.result(raise_on_failure=False))


@task(
    name="fetch-report",
    task_run_name="fetch {source.label}",
    retries=FETCH_RETRIES,
    retry_delay_seconds=FETCH_RETRY_DELAYS,
    retry_jitter_factor=0.2,
    retry_condition_fn=retry_if_transient,
)
def fetch_report_task(source: EditionSource, cache_dir: str) -> Obtained:
    return fetch_source(source, FileStore(cache_dir))


@task(name="extract-report", task_run_name="extract {label}", retries=0)
def extract_report_task(
    path: str,
    verify: str = "auto",
    label: str = "",
    claim=None,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    timeout: float | None = DEFAULT_TIMEOUT,
    ocr: str = "auto",
    with_rows: bool = True,
) -> str | Transferred | IngestFailure:
    """Extract the file at `path` (`label` names its source in the UI: a URL or the path;
    `claim` the edition its catalogue entry or the command line says it is).

    The extraction comes back as JSON with the edition's warehouse rows built where it was
    read (a `Transferred`, see `extract_for_transfer`); `_arrivals` turns it back into a
    `ReportExtraction`, and the load only inserts the rows. It runs in a child process
    under the memory and time limits (`pipeline.guard`): a bomb or a hang fails this
    report only.
    """
    return extract_for_transfer(path, verify, claim, Limits(max_memory_mb, timeout), ocr, with_rows)


@task(name="load-editions", retries=0, cache_policy=NO_CACHE)
def load_editions_task(
    db: str,
    outcomes: Iterable[ReportExtraction | IngestFailure],
    lock_timeout: float = 0.0,
    force: bool = False,
    labels: dict[str, str] | None = None,
    built_rows: dict[str, dict | None] | None = None,
) -> IngestSummary:
    """Load each edition as `outcomes` gives it (while the extract tasks go on), with the
    rows its worker built (`built_rows`: sha256 → rows, filled as the outcomes arrive).
    No cache policy: the outcomes arrive as the task runs, and are not inputs to hash."""
    return load_batch(db, outcomes, lock_timeout, force, labels, built_rows)


@task(name="audit-warehouse", retries=0)
def audit_task(db: str, lock_timeout: float = 0.0) -> AuditRun:
    return audit_warehouse(db, wait_seconds=lock_timeout)


@task(name="publish-snapshot", retries=0)
def publish_task(db: str, publish_dir: str | None, lock_timeout: float = 0.0) -> Published:
    return publish_warehouse(db, publish_dir, lock_timeout)


def _fetch_all(sources: list[EditionSource], cache_dir: str) -> tuple[list[Obtained], list[IngestFailure]]:
    """Local files are read in the flow; each URL is a fetch task (with retries), all at once."""
    store = FileStore(cache_dir)
    obtained: list[Obtained | PrefectFuture] = []
    for source in sources:
        if source.url and not (source.path and Path(source.path).is_file()):
            obtained.append(fetch_report_task.submit(source, cache_dir))
        else:
            try:
                obtained.append(fetch_source(source, store))
            except Exception as exc:  # noqa: BLE001 - one source's failure is recorded; the others go on
                obtained.append(fetch_failure(source, exc))
    ok: list[Obtained] = []
    failed: list[IngestFailure] = []
    for source, item in zip(sources, obtained):
        if isinstance(item, PrefectFuture):
            item = item.result(raise_on_failure=False)
            if isinstance(item, BaseException):
                item = fetch_failure(source, item)
        (failed if isinstance(item, IngestFailure) else ok).append(item)
    return ok, failed


def _submit_extractions(
    task_runner: TaskRunner, reports: list[Obtained], verify: str, limits: Limits, ocr: str
) -> deque[PrefectFuture]:
    """An extract task on the runner for each report, all at once (from the flow, so each
    is a task run of the flow's own)."""
    return deque(
        task_runner.submit(
            extract_report_task,
            {
                "path": r.path,
                "verify": verify,
                "label": r.source.label,
                "claim": claim_of(r.source),
                "max_memory_mb": limits.max_memory_mb,
                "timeout": limits.timeout,
                "ocr": ocr,
            },
        )
        for r in reports
    )


def _arrivals(
    reports: list[Obtained],
    hits: dict[str, ReportExtraction],
    futures: deque[PrefectFuture],
    cache: ExtractionCache,
    verify: str,
    limits: Limits,
    ocr: str,
    built_rows: dict[str, dict | None],
) -> Iterator[tuple[Obtained, ReportExtraction | IngestFailure]]:
    """Each report's extraction in the order of `reports`, as soon as it is ready: from the
    cache (`hits`) or from the next of `futures` (one per report not in `hits`, in order),
    each future let go of once read. The rows a worker built go into `built_rows` by sha256."""
    mode = extraction_mode(verify, ocr)
    for report in reports:
        if report.sha256 in hits:
            yield report, hits[report.sha256]
            continue
        future = futures.popleft()
        try:
            outcome = future.result(raise_on_failure=False)
        except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: a worker process died
            outcome = exc
        del future
        if lost_with_its_worker(outcome):  # not a verdict on the file: extract it again here
            outcome = extract_for_transfer(report.path, verify, claim_of(report.source), limits, ocr, True)
        built_rows[report.sha256] = outcome.rows if isinstance(outcome, Transferred) else None
        yield report, finish_extraction(report, outcome, cache, mode)


@flow(name="ingest_reports")
def ingest_reports(
    paths: list[str] | None = None,
    db: str = "nenpo.duckdb",
    verify: str = "auto",
    catalogue: str | None = None,
    cache_dir: str | None = None,
    publish: bool = True,
    publish_dir: str | None = None,
    runner: str = "sequential",
    workers: int | None = None,
    dask_address: str | None = None,
    lock_timeout: float = 60.0,
    series: str | None = None,
    fiscal_year: int | None = None,
    family: str | None = None,
    force: bool = False,
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB,
    timeout: float | None = DEFAULT_TIMEOUT,
    ocr: str = "auto",
) -> IngestSummary:
    """Ingest report PDFs (the catalogue's editions and folders, files, folders) into the
    DuckDB warehouse at `db`, then audit it and publish a read-only snapshot.

    Ends Completed when every report loaded, Failed (raising `ReportsFailed`, which
    carries the summary) when any report failed; the good reports are loaded and
    published either way. A warehouse held by another process for longer than
    `lock_timeout` seconds fails the run (WarehouseLockedError) with nothing written.
    `series` and `fiscal_year` say which edition the files of `paths` are, `family` which
    report family reads them.
    An edition that reads markedly worse than the one held fails at validate unless `force`.
    Each extraction may add `max_memory_mb` of memory and take `timeout` seconds (None: no
    limit); past that it fails as its report's extract failure and the run goes on.
    `ocr` (auto, always, never) says which pages Tesseract reads (`extractors.ocr_pages`).
    """
    store = FileStore(cache_dir)
    sources = plan_sources(paths or [], catalogue, series, fiscal_year, family)
    obtained, fetch_failures = _fetch_all(sources, str(store.root))
    reports = unique_reports(obtained)
    cache, limits = ExtractionCache(store.root), Limits(max_memory_mb, timeout)
    hits, from_cache = cached_extractions(cache, reports, extraction_mode(verify, ocr))
    misses = [r for r in reports if r.sha256 not in hits]
    labels = {r.sha256: r.source.label for r in reports}
    summary = IngestSummary(db=db, from_cache=from_cache, extracted=len(misses), labels=labels)
    built_rows: dict[str, dict | None] = {}
    try:
        # each edition is loaded as its extraction arrives, while the workers go on: the
        # batch is never in memory at once
        with build_task_runner(runner if misses else "sequential", workers, dask_address) as task_runner:
            futures = _submit_extractions(task_runner, misses, verify, limits, ocr)
            arrivals = _arrivals(reports, hits, futures, cache, verify, limits, ocr, built_rows)
            outcomes = itertools.chain(validated(arrivals), fetch_failures)
            loaded = load_editions_task(db, outcomes, lock_timeout, force, labels, built_rows)
        summary.loaded, summary.failed = loaded.loaded, loaded.failed
        summary.record_audit(audit_task(db, lock_timeout))
        summary.flow_run = flow_run.get_name()
        if publish:
            summary.published = publish_task(db, publish_dir, lock_timeout)
    except Exception as exc:  # noqa: BLE001 - the run itself failed: what it did so far goes with the error
        raise with_progress(exc, summary)  # noqa: B904 - the same exception, carrying the run's progress
    _create_artifacts(summary)
    if summary.failed:
        raise ReportsFailed(summary)
    return summary


def _create_artifacts(summary: IngestSummary) -> None:
    loaded, failed = len(summary.loaded), len(summary.failed)
    create_table_artifact(
        key=INGEST_ARTIFACT_KEY,
        table=summary_rows(summary),
        description=(
            f"Ingest into {summary.db}: {loaded} loaded, {failed} failed; {summary.extracted} extracted, "
            f"{len(summary.from_cache)} from the extraction cache"
        ),
    )
    create_markdown_artifact(
        key=AUDIT_ARTIFACT_KEY,
        markdown=audit_markdown(summary.findings, summary.db),
        description=f"Audit of {summary.db} after the ingest{summary.audit_note}",
    )
