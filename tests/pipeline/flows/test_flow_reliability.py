"""Through the flow and the CLI: a damaged edition ends the run Failed (exit 1) at validate
with the good one kept, `--force` replaces it; a file name with console markup in it is
printed as it is; a pool worker killed mid-extraction does not take down the run."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.pipeline.flows import ingest_reports
from tests.conftest import SAMPLE_EDITIONS
from tests.damage import without_page_content
from tests.processes import children, cmdline, killing_first

runner = CliRunner()
FY2020 = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"


def _held(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT sha256, measure_count FROM reports").fetchall()


def test_a_damaged_edition_fails_the_run_at_validate_and_force_replaces_it(tmp_path):
    db = tmp_path / "w.duckdb"
    assert runner.invoke(app, ["ingest", str(FY2020), "--db", str(db), "--no-publish"]).exit_code == 0
    good = _held(db)
    folder = tmp_path / "[" / "red] inbox"  # the path reads ".../[/red] inbox/..."
    folder.mkdir(parents=True)
    damaged = without_page_content(FY2020, folder / "report[final].pdf", 12)

    result = runner.invoke(app, ["ingest", str(damaged), "--db", str(db)])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "0 loaded, 1 failed" in text and "failed (validate)" in text
    assert "report[final].pdf" in text and "lost their text" in text and "--force" in text
    assert _held(db) == good
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT report, stage FROM ingest_errors").fetchall() == [(str(damaged), "validate")]
    published = tmp_path / "w.published" / "w.duckdb"
    assert _held(published) == good, "the analysts' snapshot keeps the good edition too"

    forced = runner.invoke(app, ["ingest", str(damaged), "--db", str(db), "--force", "--no-publish"])
    assert forced.exit_code == 0, forced.output
    assert _held(db) != good and "replaced" in forced.output


def _busy_spawned_workers() -> list[int]:
    """Spawned pool workers that are mid-extraction (their guarded child runs)."""
    return [pid for pid in children(os.getpid()) if b"spawn_main" in cmdline(pid) and children(pid)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the pool's worker")
def test_kill_9_of_a_pool_worker_does_not_take_down_the_run(tmp_path):
    """The processes runner's worker is killed while it extracts (as the OOM killer or an
    operator would): the pool breaks, the reports it held are extracted again in the flow's
    process, and the run loads every edition."""
    db = tmp_path / "w.duckdb"
    with killing_first(_busy_spawned_workers) as killed:
        state = ingest_reports(
            paths=[str(SAMPLE_EDITIONS)],
            db=str(db),
            cache_dir=str(tmp_path / "cache"),
            runner="processes",
            workers=1,
            publish=False,
            return_state=True,
        )
    assert killed, "the watcher killed a pool worker"
    summary = state.result(raise_on_failure=False)
    assert state.is_completed(), summary
    assert sorted(x.report_fiscal_year for x, _ in summary.loaded) == [2019, 2020, 2021]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 3
