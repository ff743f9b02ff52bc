"""Prefect flows: the orchestration shell around `pipeline.ingest`.

The flow adds what a scheduled run needs: one task run per report (visible in the
Prefect UI with its own state), a load step that holds the warehouse's single writer
slot for the whole batch, and an honest final state. Parsing gets no retries: a
re-parse of the same bytes fails the same way and a retry would only hide the bug.
"""

from __future__ import annotations

from prefect import flow, task

from nenpo.extractors.models import ReportExtraction
from nenpo.pipeline.ingest import (
    IngestFailure,
    IngestSummary,
    audit_warehouse,
    discover_pdfs,
    extract_one,
    load_batch,
)
from nenpo.warehouse.audit import Finding


class ReportsFailed(RuntimeError):
    """Raised at the end of a run in which some reports failed; the rest were loaded."""

    def __init__(self, summary: IngestSummary):
        self.summary = summary
        names = ", ".join(f.report for f in summary.failed)
        super().__init__(f"{len(summary.failed)} report(s) failed: {names}")


@task(name="extract-report", task_run_name="extract {path}", retries=0)
def extract_report_task(path: str, verify: str = "auto") -> ReportExtraction | IngestFailure:
    return extract_one(path, verify)


@task(name="load-editions", retries=0)
def load_editions_task(db: str, outcomes: list[ReportExtraction | IngestFailure]) -> IngestSummary:
    return load_batch(db, outcomes)


@task(name="audit-warehouse", retries=0)
def audit_task(db: str) -> list[Finding]:
    return audit_warehouse(db)


@flow(name="ingest_reports")
def ingest_reports(paths: list[str], db: str = "nenpo.duckdb", verify: str = "auto") -> IngestSummary:
    """Ingest report PDFs (files or folders) into the DuckDB warehouse at `db`.

    Ends Completed when every report loaded, Failed (raising `ReportsFailed`, which
    carries the summary) when any report failed; the good reports are loaded either way.
    """
    pdfs = discover_pdfs(paths)
    futures = [extract_report_task.submit(str(p), verify) for p in pdfs]
    outcomes = [future.result() for future in futures]
    summary = load_editions_task(db, outcomes)
    summary.findings = audit_task(db)
    if summary.failed:
        raise ReportsFailed(summary)
    return summary
