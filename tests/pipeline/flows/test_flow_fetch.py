"""A catalogue of editions published over HTTP, ingested by the flow from a real local server:
downloads, conditional re-downloads, task-level retries, and failures recorded honestly."""

from __future__ import annotations

import hashlib

import pytest
from typer.testing import CliRunner

import nenpo.pipeline.flows as flows
from nenpo.pipeline.cli import app
from nenpo.pipeline.flows import ReportsFailed, ingest_reports
from tests.conftest import SAMPLE_EDITIONS
from tests.pdf_server import PdfServer
from tests.pipeline.flows.runs import count, count_prefix, task_run_names

NAMES = {year: f"kawasaki-sme-fy{year}.pdf" for year in (2019, 2020, 2021)}


@pytest.fixture(scope="module")
def server():
    srv = PdfServer(lifetime=300).start()
    yield srv
    srv.stop()


def write_catalogue(path, urls: dict[int, str], sha256: dict[int, str] | None = None) -> str:
    lines = [
        "series:",
        "  - id: kawasaki-sme",
        "    publisher: 川崎市",
        "    title: 中小企業活性化施策実施状況報告書",
        "    title_pattern: 中小企業活性化施策(?:の)?実施状況",
        "    editions:",
    ]
    for year, url in urls.items():
        pinned = f", sha256: '{sha256[year]}'" if sha256 and year in sha256 else ""
        lines.append(f"      - {{fiscal_year: {year}, url: '{url}'{pinned}}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return str(path)


def sha(name: str) -> str:
    return hashlib.sha256((SAMPLE_EDITIONS / name).read_bytes()).hexdigest()


def test_catalogue_editions_are_downloaded_then_revalidated(server, tmp_path):
    catalogue = write_catalogue(
        tmp_path / "catalogue.yaml",
        {
            2019: server.url(f"/flaky/flow-2019/1/{NAMES[2019]}"),  # a 500 first, then the file
            2020: server.url(f"/pdf/{NAMES[2020]}"),
            2021: server.url(f"/pdf/{NAMES[2021]}"),
        },
        {year: sha(name) for year, name in NAMES.items()},
    )
    db, cache = tmp_path / "nenpo.duckdb", tmp_path / "cache"
    state = ingest_reports(catalogue=catalogue, db=str(db), cache_dir=str(cache), return_state=True)
    assert state.is_completed(), state.message
    summary = state.result()
    assert sorted(x.report_fiscal_year for x, _ in summary.loaded) == [2019, 2020, 2021]
    assert server.flaky_counts["flow-2019"] == 2, "the 500 was retried inside the download"
    names = task_run_names(state)
    assert count_prefix(names, "fetch http://127.0.0.1") == 3 and count_prefix(names, "extract ") == 3
    assert count(db, "SELECT count(*) FROM kpi_values") == 82 + 82 + 78
    assert summary.published is not None and summary.published.snapshot.is_file()

    before = len(server.requests)
    again = ingest_reports(catalogue=catalogue, db=str(db), cache_dir=str(cache), return_state=True).result()
    assert again.extracted == 0 and all(load.unchanged for _, load in again.loaded)
    revalidations = server.requests[before:]
    assert len(revalidations) == 3 and all("If-None-Match" in r.headers for r in revalidations)

    listing = CliRunner().invoke(
        app, ["sources", "list", "--catalogue", catalogue, "--db", str(db), "--cache-dir", str(cache)]
    )
    assert listing.exit_code == 0, listing.output
    assert listing.output.count("ingested") == 3


def test_a_server_down_for_longer_is_retried_by_the_task(server, tmp_path, monkeypatch):
    # The download's own 3 quick tries all get a 500; Prefect's task retry (delay shortened
    # here from minutes) tries again and gets the file.
    monkeypatch.setattr(flows, "fetch_report_task", flows.fetch_report_task.with_options(retry_delay_seconds=0))
    catalogue = write_catalogue(tmp_path / "catalogue.yaml", {2019: server.url(f"/flaky/flow-down/3/{NAMES[2019]}")})
    state = ingest_reports(
        catalogue=catalogue,
        db=str(tmp_path / "w.duckdb"),
        cache_dir=str(tmp_path / "cache"),
        publish=False,
        return_state=True,
    )
    assert state.is_completed(), state.message
    assert server.flaky_counts["flow-down"] == 4
    assert [x.report_fiscal_year for x, _ in state.result().loaded] == [2019]


def test_failed_downloads_are_recorded_and_the_rest_still_load(server, tmp_path, monkeypatch):
    monkeypatch.setattr(flows, "fetch_report_task", flows.fetch_report_task.with_options(retry_delay_seconds=0))
    catalogue = write_catalogue(
        tmp_path / "catalogue.yaml",
        {
            2019: server.url(f"/pdf/{NAMES[2019]}"),
            2020: server.url("/status/404"),
            2021: server.url("/html.pdf"),
            2022: server.url(f"/pdf/{NAMES[2020]}"),
        },
        {2022: "0" * 64},
    )
    db = tmp_path / "w.duckdb"
    before = server.count("/status/404")
    state = ingest_reports(catalogue=catalogue, db=str(db), cache_dir=str(tmp_path / "cache"), return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, ReportsFailed)
    assert [x.report_fiscal_year for x, _ in error.summary.loaded] == [2019]
    failures = {f.report: f for f in error.summary.failed}
    assert {f.stage for f in failures.values()} == {"fetch"}
    assert "HTTP 404" in failures[server.url("/status/404")].error
    assert "not a PDF" in failures[server.url("/html.pdf")].error
    assert "differs from the catalogue's" in failures[server.url(f"/pdf/{NAMES[2020]}")].error
    assert server.count("/status/404") == before + 1, "a 404 is not retried, neither by the download nor by Prefect"
    assert count(db, "SELECT count(*) FROM ingest_errors WHERE stage = 'fetch'") == 3
    assert error.summary.published is not None, "the editions that loaded are published"
