"""`nenpo ingest` as a real Prefect flow run and without Prefect: the same run either way.

One batch with something for every stage to record (three good editions, a truncated PDF,
a second file claiming an edition already in the run, a catalogued file that is missing)
goes through both paths, each into its own warehouse with its own extraction cache; the
outcomes, `ingest_errors`, the audit and the published snapshot must be identical, on
the first run and on a second run where nothing changed. A worse copy of an edition
held is refused at validate by both alike.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from typer.testing import CliRunner

from nenpo.pipeline.cli import _flow_parameters, _run_flow, _run_plain, app
from nenpo.pipeline.summary import summary_rows
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS
from tests.pipeline.flows.runs import warehouse_contents

runner = CliRunner()


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("batch")
    folder = root / "in"
    folder.mkdir()
    for year in (2019, 2020, 2021):
        shutil.copy(SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.pdf", folder)
    data = (SAMPLE_EDITIONS / "kawasaki-sme-fy2021.pdf").read_bytes()
    (folder / "broken.pdf").write_bytes(data[: len(data) // 3])
    # other bytes, same edition: the second file to claim FY2020 in the batch fails validation
    (folder / "z-fy2020-again.pdf").write_bytes((SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf").read_bytes() + b"\n% x\n")
    catalogue = root / "catalogue.yaml"
    catalogue.write_text(
        "series:\n  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: 中小企業活性化施策\n"
        "    editions:\n      - {fiscal_year: 2030, path: not-here.pdf}\n",
        encoding="utf-8",
    )
    return folder, catalogue


def run(path: str, batch, out: Path):
    folder, catalogue = batch
    parameters = _flow_parameters(
        [folder], catalogue, out / "w.duckdb", "auto", out / "cache", True, None, "sequential", None, None, 30.0
    )
    return (_run_flow if path == "prefect" else _run_plain)(parameters)


def comparable(summary) -> dict:
    """What a run did, without how long it took."""
    return {
        "rows": [{k: v for k, v in row.items() if k != "seconds"} for row in summary_rows(summary)],
        "failed": summary.failed,
        "findings": summary.findings,
        "audit_reused": summary.audit_reused,
        "extracted": summary.extracted,
        "from_cache": sorted(summary.from_cache),
    }


def ingest_errors(db: Path) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT report, stage, error, page, sha256 FROM ingest_errors ORDER BY report, stage"
        ).fetchall()


def parquet_files(published) -> list[str]:
    return sorted(str(p.relative_to(published.parquet)) for p in published.parquet.rglob("*.parquet"))


def flow_run_state(name: str) -> str:
    with get_client(sync_client=True) as client:
        [found] = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(any_=[name])))
    return found.state.type.value


@pytest.fixture(scope="module")
def runs(batch, tmp_path_factory):
    out = {path: tmp_path_factory.mktemp(path) for path in ("prefect", "plain")}
    first = {path: run(path, batch, out[path]) for path in out}
    second = {path: run(path, batch, out[path]) for path in out}
    return out, first, second


def test_the_prefect_path_is_a_real_flow_run_and_the_plain_path_is_none(runs):
    _, first, second = runs
    assert first["plain"].flow_run is None and second["plain"].flow_run is None
    assert first["prefect"].flow_run and second["prefect"].flow_run != first["prefect"].flow_run
    assert flow_run_state(first["prefect"].flow_run) == "FAILED", "some reports failed: the flow run says so"


def test_both_paths_record_the_same_outcomes(runs):
    _, first, second = runs
    assert comparable(first["prefect"]) == comparable(first["plain"])
    assert comparable(second["prefect"]) == comparable(second["plain"])
    outcomes = [(row["report"], row["outcome"]) for row in summary_rows(first["plain"])]
    assert outcomes == [
        ("kawasaki-sme-fy2019.pdf", "loaded"),
        ("kawasaki-sme-fy2020.pdf", "loaded"),
        ("kawasaki-sme-fy2021.pdf", "loaded"),
        ("broken.pdf", "failed (extract)"),
        ("z-fy2020-again.pdf", "failed (validate)"),
        ("not-here.pdf", "failed (fetch)"),
    ]
    assert {row["outcome"] for row in summary_rows(second["plain"]) if row["error"] is None} == {"unchanged"}
    assert second["plain"].audit_reused and second["plain"].extracted == 1, "only the broken file is read again"


def test_both_paths_leave_the_same_warehouse_errors_audit_and_snapshot(runs):
    out, first, _ = runs
    prefect_db, plain_db = out["prefect"] / "w.duckdb", out["plain"] / "w.duckdb"
    assert warehouse_contents(prefect_db) == warehouse_contents(plain_db)  # every edition table, audit_findings, KPIs
    errors = ingest_errors(plain_db)
    assert errors == ingest_errors(prefect_db)
    assert sorted(stage for _, stage, *_ in errors) == ["extract", "extract", "fetch", "fetch", "validate", "validate"]
    assert warehouse_contents(first["prefect"].published.snapshot) == warehouse_contents(
        first["plain"].published.snapshot
    )
    assert parquet_files(first["prefect"].published) == parquet_files(first["plain"].published)


def test_the_cli_says_which_path_it_took_and_why(tmp_path, monkeypatch):
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    monkeypatch.chdir(tmp_path)  # no .env or prefect.toml here
    pdf = str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")
    args = ["ingest", pdf, "--db", str(tmp_path / "w.duckdb"), "--cache-dir", str(tmp_path / "cache"), "--no-publish"]
    plain = runner.invoke(app, args)
    assert plain.exit_code == 0, plain.output
    assert "ran without Prefect: no Prefect server is configured (PREFECT_API_URL is not set)" in plain.output
    flow = runner.invoke(app, [*args, "--prefect"])
    assert flow.exit_code == 0, flow.output
    assert "ran as Prefect flow run '" in flow.output and "--prefect was given" in flow.output


def test_a_configured_server_gets_a_flow_run(tmp_path, api_url):
    """A real `nenpo` process with PREFECT_API_URL set reports its run to that server."""
    env = {**os.environ, "PREFECT_API_URL": api_url, "NENPO_CACHE_DIR": str(tmp_path / "cache")}
    done = subprocess.run(
        [
            str(Path(sys.executable).with_name("nenpo")),
            "ingest",
            str(SAMPLE_EDITIONS / "kawasaki-sme-fy2019.pdf"),
            "--db",
            str(tmp_path / "w.duckdb"),
            "--no-publish",
        ],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    output = " ".join(done.stdout.split())
    assert f"a Prefect server is configured (PREFECT_API_URL: {api_url})" in output
    name = output.split("ran as Prefect flow run '")[1].split("'")[0]
    assert flow_run_state(name) == "COMPLETED"


@pytest.fixture(scope="module")
def gated(tmp_path_factory):
    """Each path's warehouse holds the good FY2020; then a copy of it whose fourth measure
    sheet's page lost its content comes in."""
    from nenpo.extractors.families.kawasaki_sme.report import extract_report
    from tests.damage import without_page_content

    fy2020 = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
    root = tmp_path_factory.mktemp("gated")
    good, damaged = root / "good", root / "damaged"
    good.mkdir()
    damaged.mkdir()
    shutil.copy(fy2020, good)
    without_page_content(fy2020, damaged / fy2020.name, extract_report(fy2020).measures[3].page_start)
    out = {path: tmp_path_factory.mktemp(f"gated-{path}") for path in ("prefect", "plain")}
    results = {}
    for path in out:
        assert run(path, (good, None), out[path]).ok
        results[path] = run(path, (damaged, None), out[path])
    return out, results


def test_both_paths_refuse_the_same_worse_edition(gated):
    out, results = gated
    assert comparable(results["prefect"]) == comparable(results["plain"])
    [failure] = results["plain"].failed
    assert failure.stage == "validate" and "--force" in failure.error, failure
    prefect_db, plain_db = out["prefect"] / "w.duckdb", out["plain"] / "w.duckdb"
    assert ingest_errors(prefect_db) == ingest_errors(plain_db) != []
    assert warehouse_contents(prefect_db) == warehouse_contents(plain_db)


def test_a_flow_run_that_fails_on_a_locked_warehouse_says_what_it_did_before_the_error(tmp_path, monkeypatch, api_url):
    """As without Prefect (tests/pipeline/test_clear_errors.py): exit code 2, the reports read and
    that none was loaded, then the one-line error."""
    from nenpo.pipeline.ingest import extract_one, load_batch
    from tests.pipeline.test_ingest_steps import hold_warehouse

    monkeypatch.setenv("PREFECT_API_URL", api_url)
    db = tmp_path / "w.duckdb"
    assert load_batch(db, [extract_one(SAMPLE_EDITIONS / "kawasaki-sme-fy2019.pdf")]).ok
    pdf = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
    holder = hold_warehouse(db, 60)
    try:
        result = runner.invoke(
            app,
            [
                "ingest",
                str(pdf),
                "--prefect",
                "--db",
                str(db),
                "--lock-timeout",
                "0.5",
                "--cache-dir",
                str(tmp_path / "cache"),
                "--no-publish",
            ],
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "1 extracted, 0 from the extraction cache; 1 report(s) in the run, none loaded" in text
    assert f"not loaded by this run (the warehouse holds what it held before): {pdf}" in text
    assert text.index("none loaded") < text.index("ingest failed:") and "is locked by another process" in text
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT report_fiscal_year FROM reports").fetchall() == [(2019,)]
