"""Scheduling: the deployment `nenpo serve` serves, and prefect.yaml for a process work pool,
both registered with the test server and read back."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.server.schemas.schedules import CronSchedule as ServerCronSchedule
from typer.testing import CliRunner

from nenpo.pipeline.cli import _flow_parameters, app
from nenpo.pipeline.deploy import build_deployment
from nenpo.pipeline.settings import DEFAULT_CRON, DEFAULT_TIMEZONE, DEPLOYMENT_NAME
from nenpo.sources.catalogue import DEFAULT_CATALOGUE
from tests.conftest import REPO_ROOT


def test_served_runs_get_the_catalogue_and_absolute_paths(tmp_path, monkeypatch):
    monkeypatch.delenv("NENPO_CATALOGUE", raising=False)
    monkeypatch.chdir(tmp_path)
    parameters = _flow_parameters([], None, Path("w.duckdb"), "auto", Path("cache"), True, None, "dask", 2, None, 600.0)
    assert parameters["catalogue"] == str(DEFAULT_CATALOGUE)
    assert parameters["db"] == str(tmp_path / "w.duckdb") and parameters["cache_dir"] == str(tmp_path / "cache")
    assert parameters["paths"] == [] and parameters["runner"] == "dask" and parameters["workers"] == 2


def test_the_served_deployment_runs_monthly_in_tokyo_and_one_at_a_time(tmp_path):
    deployment = build_deployment({"db": str(tmp_path / "w.duckdb"), "catalogue": str(DEFAULT_CATALOGUE)})
    assert deployment.name == DEPLOYMENT_NAME == "nenpo-monthly"
    assert deployment.entrypoint == "nenpo.pipeline.flows.ingest_reports"
    [schedule] = deployment.schedules
    assert (
        (schedule.schedule.cron, schedule.schedule.timezone)
        == (DEFAULT_CRON, DEFAULT_TIMEZONE)
        == ("0 6 1 * *", "Asia/Tokyo")
    )
    assert deployment.concurrency_limit == 1

    deployment_id = deployment.apply()  # what `nenpo serve` does first, against the test server
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(deployment_id)
    assert stored.parameters == {"db": str(tmp_path / "w.duckdb"), "catalogue": str(DEFAULT_CATALOGUE)}
    [stored_schedule] = stored.schedules
    assert stored_schedule.schedule.cron == "0 6 1 * *" and stored_schedule.schedule.timezone == "Asia/Tokyo"
    # the dates the server's scheduler would create runs for
    server_cron = ServerCronSchedule(cron=stored_schedule.schedule.cron, timezone=stored_schedule.schedule.timezone)
    dates = asyncio.run(server_cron.get_dates(2, start=datetime(2026, 12, 15, tzinfo=ZoneInfo("UTC"))))
    tokyo = [d.astimezone(ZoneInfo("Asia/Tokyo")) for d in dates]
    assert [(d.month, d.day, d.hour, d.minute) for d in tokyo] == [(1, 1, 6, 0), (2, 1, 6, 0)]


def test_serve_schedule_is_configurable_and_checked():
    custom = build_deployment({}, name="nightly", cron="30 2 * * *", timezone="Europe/Berlin")
    assert (custom.name, custom.schedules[0].schedule.cron, custom.schedules[0].schedule.timezone) == (
        "nightly",
        "30 2 * * *",
        "Europe/Berlin",
    )
    with pytest.raises(ValueError, match="Invalid timezone"):
        build_deployment({}, timezone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="Invalid cron"):
        build_deployment({}, cron="every month")
    result = CliRunner().invoke(app, ["serve", "--timezone", "Mars/Olympus_Mons"])
    assert result.exit_code == 2 and "Invalid timezone" in result.output


def test_prefect_yaml_deploys_to_a_process_work_pool(api_url):
    config = yaml.safe_load((REPO_ROOT / "prefect.yaml").read_text(encoding="utf-8"))
    [spec] = config["deployments"]
    assert spec["name"] == DEPLOYMENT_NAME
    assert spec["schedules"] == [{"cron": DEFAULT_CRON, "timezone": DEFAULT_TIMEZONE}]
    assert Path(REPO_ROOT / spec["parameters"]["catalogue"]).resolve() == DEFAULT_CATALOGUE.resolve()

    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name=spec["work_pool"]["name"], type="process"))
    deploy = subprocess.run(
        [sys.executable, "-m", "prefect", "--no-prompt", "deploy", "--all"],
        cwd=REPO_ROOT,
        env={**os.environ, "PREFECT_API_URL": api_url},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert deploy.returncode == 0, deploy.stdout + deploy.stderr
    with get_client(sync_client=True) as client:
        stored = client.read_deployment_by_name(f"ingest_reports/{DEPLOYMENT_NAME}")
    assert stored.entrypoint == "pipeline/flows.py:ingest_reports"
    assert stored.work_pool_name == "nenpo"
    assert stored.pull_steps == [{"prefect.deployments.steps.set_working_directory": {"directory": str(REPO_ROOT)}}]
    [schedule] = stored.schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == (DEFAULT_CRON, DEFAULT_TIMEZONE)
    assert stored.global_concurrency_limit is not None and stored.global_concurrency_limit.limit == 1


def test_serve_passes_force_and_the_extraction_limits_to_the_deployment(tmp_path, monkeypatch):
    """`nenpo serve --force --max-memory --timeout`: each scheduled run gets them as parameters.
    `prefect.serve` would run forever; here it does only its first step, registering the
    deployment with the (test) server, which is then read back."""
    import prefect

    applied: list = []
    monkeypatch.setattr(prefect, "serve", lambda *deployments: applied.extend(d.apply() for d in deployments))
    result = CliRunner().invoke(
        app,
        [
            "serve",
            "--name",
            "limits",
            "--db",
            str(tmp_path / "w.duckdb"),
            "--force",
            "--max-memory",
            "512",
            "--timeout",
            "60",
        ],
    )
    assert result.exit_code == 0, result.output
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(applied[0])
    assert (stored.parameters["force"], stored.parameters["max_memory_mb"], stored.parameters["timeout"]) == (
        True,
        512,
        60.0,
    )

    CliRunner().invoke(app, ["serve", "--name", "defaults", "--max-memory", "0", "--timeout", "0"])
    with get_client(sync_client=True) as client:
        stored = client.read_deployment(applied[1])
    # 0 is no limit; without --force a worse edition is refused
    assert (stored.parameters["force"], stored.parameters["max_memory_mb"], stored.parameters["timeout"]) == (
        False,
        None,
        None,
    )
