"""One writer at a time: an ingest that finds the warehouse held by another process waits
(up to --lock-timeout) or fails clearly, and never leaves the warehouse half-written."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS
from tests.pipeline.flows.runs import count, warehouse_contents

runner = CliRunner()

_HOLD = (
    "import sys, time, duckdb; con = duckdb.connect(sys.argv[1]); "
    "print('ready', flush=True); time.sleep(float(sys.argv[2])); con.close()"
)


def hold_warehouse(db, seconds: float) -> subprocess.Popen:
    """A second process holding the warehouse open for writing (a long load) for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def cli_ingest(db, cache, *extra):
    return runner.invoke(app, ["ingest", str(SAMPLE_EDITIONS), "--db", str(db), "--cache-dir", str(cache), *extra])


def test_an_ingest_fails_clearly_when_the_warehouse_stays_locked(tmp_path):
    db, cache = tmp_path / "w.duckdb", tmp_path / "cache"
    first = cli_ingest(db, cache, "--no-publish", "--runner", "sequential")
    assert first.exit_code == 0, first.output
    before = warehouse_contents(db)

    holder = hold_warehouse(db, 60)
    try:
        started = time.monotonic()
        result = cli_ingest(db, cache, "--lock-timeout", "0.5")
        assert time.monotonic() - started < 30
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2, result.output
    message = " ".join(result.output.split())
    assert f"is locked by another process (PID {holder.pid}" in message
    assert "still locked after waiting" in message
    assert warehouse_contents(db) == before, "nothing was written"
    assert count(db, "SELECT count(*) FROM ingest_errors") == 0


def test_two_concurrent_ingests_take_turns(tmp_path, api_url):
    """A real second `nenpo ingest` process and this one, both started while a third process
    holds the warehouse: both wait, both load, and the warehouse is whole."""
    db = tmp_path / "w.duckdb"
    holder = hold_warehouse(db, 4.0)
    env = {**os.environ, "PREFECT_API_URL": api_url, "NENPO_CACHE_DIR": str(tmp_path / "cache-other")}
    other = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("nenpo")),
            "ingest",
            str(SAMPLE_EDITIONS),
            "--db",
            str(db),
            "--lock-timeout",
            "120",
        ],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = time.monotonic()
        ours = cli_ingest(db, tmp_path / "cache", "--lock-timeout", "120")
        waited = time.monotonic() - started
        out, err = other.communicate(timeout=180)
    finally:
        holder.kill()
        other.kill()
        holder.wait()
        other.wait()
    assert ours.exit_code == 0, ours.output
    assert other.returncode == 0, out + err
    assert waited >= 2.0, "this ingest waited for the process holding the warehouse"
    assert "3 loaded, 0 failed" in ours.output and "3 loaded, 0 failed" in out
    assert count(db, "SELECT count(*) FROM reports") == 3
    assert count(db, "SELECT count(*) FROM kpi_values") == 82 + 82 + 78
    assert count(db, "SELECT count(*) FROM ingest_errors") == 0
