"""Real Prefect flow runs of `ingest_reports` and the `nenpo` CLI that calls it."""

from __future__ import annotations

import json
import shutil

import duckdb
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.pipeline.flows import INGEST_ARTIFACT_KEY, ReportsFailed, ingest_reports
from tests.conftest import SAMPLE_EDITIONS
from tests.pipeline.flows.runs import artifact

runner = CliRunner()


def _count(db, sql):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]


def test_flow_loads_the_sample_editions_and_completes(tmp_path):
    db = tmp_path / "nenpo.duckdb"
    state = ingest_reports(paths=[str(SAMPLE_EDITIONS)], db=str(db), return_state=True)
    assert state.is_completed()
    summary = state.result()
    assert sorted(x.report_fiscal_year for x, _ in summary.loaded) == [2019, 2020, 2021]
    assert _count(db, "SELECT count(*) FROM kpi_values") == 82 + 82 + 78
    assert _count(db, "SELECT count(*) FROM ingest_errors") == 0

    again = ingest_reports(paths=[str(SAMPLE_EDITIONS)], db=str(db), return_state=True).result()
    assert all(load.unchanged for _, load in again.loaded)
    assert _count(db, "SELECT count(*) FROM kpi_values") == 82 + 82 + 78


def test_flow_with_a_corrupt_pdf_fails_honestly_and_loads_the_rest(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLE_EDITIONS / "kawasaki-sme-fy2019.pdf", folder)
    data = (SAMPLE_EDITIONS / "kawasaki-sme-fy2021.pdf").read_bytes()
    (folder / "broken.pdf").write_bytes(data[: len(data) // 3])
    db = tmp_path / "nenpo.duckdb"
    state = ingest_reports(paths=[str(folder)], db=str(db), return_state=True)
    assert state.is_failed()
    error = state.result(raise_on_failure=False)
    assert isinstance(error, ReportsFailed)
    assert [f.report for f in error.summary.failed] == [str(folder / "broken.pdf")]
    assert _count(db, "SELECT count(*) FROM reports") == 1
    assert _count(db, "SELECT count(*) FROM ingest_errors WHERE report LIKE '%broken.pdf' AND stage = 'extract'") == 1
    rows = json.loads(artifact(state, INGEST_ARTIFACT_KEY).data)
    assert [(r["edition"], r["outcome"]) for r in rows] == [
        ("kawasaki-sme FY2019", "loaded"),
        (None, "failed (extract)"),
    ]
    assert "broken.pdf" in rows[1]["error"]
    published = error.summary.published.snapshot
    assert _count(published, "SELECT count(*) FROM reports") == 1, "the good report is published"


def test_cli_ingest_and_compare(tmp_path):
    db = tmp_path / "demo.duckdb"
    result = runner.invoke(app, ["ingest", str(SAMPLE_EDITIONS), "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert "3 loaded, 0 failed; 30 measures, 242 KPI values, 1 warnings" in result.output
    assert "kept from the audit" not in result.output

    again = runner.invoke(app, ["ingest", str(SAMPLE_EDITIONS), "--db", str(db)])
    assert again.exit_code == 0, again.output
    assert "0 extracted, 3 from the extraction cache" in again.output
    assert "kept from the audit of" in again.output  # nothing changed: the rules were not run again

    result = runner.invoke(app, ["compare", "--db", str(db)])
    assert result.exit_code == 0, result.output
    for year in (2018, 2019, 2020, 2021):
        assert f"FY{year}" in result.output
    assert "162 / 90" in result.output  # FY2019 startups, as restated by the FY2020 edition


def test_cli_exit_code_says_a_report_failed(tmp_path):
    bad = tmp_path / "not-a-report.pdf"
    bad.write_bytes(b"this is not a PDF at all")
    result = runner.invoke(
        app, ["ingest", str(bad), str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"), "--db", str(tmp_path / "x.duckdb")]
    )
    assert result.exit_code == 1
    assert "1 loaded, 1 failed" in result.output
