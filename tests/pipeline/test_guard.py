"""Faults stay local: an extraction that runs out of memory or time, or whose process is
killed, fails its own report; the run goes on with the others."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import duckdb
import pytest

from nenpo.pipeline.guard import Limits, guarded
from nenpo.pipeline.ingest import IngestFailure, ingest
from tests.conftest import SAMPLE_EDITIONS
from tests.processes import children, killing_first

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="the guard forks (POSIX only)")


def _allocate(mb: int) -> str:
    block = bytearray(mb * 2**20)
    return f"allocated {len(block)}"


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _die() -> str:
    os.kill(os.getpid(), signal.SIGKILL)
    return "unreachable"


def test_a_result_comes_back_as_it_was():
    assert guarded(_allocate, (8,), Limits(max_memory_mb=512, timeout=60), "a.pdf") == f"allocated {8 * 2**20}"


def test_running_out_of_memory_fails_that_report():
    outcome = guarded(_allocate, (2048,), Limits(max_memory_mb=128, timeout=60), "bomb.pdf")
    assert isinstance(outcome, IngestFailure) and outcome.stage == "extract"
    assert outcome.error == "bomb.pdf: extraction ran out of memory (--max-memory 128 MB)"


def test_running_out_of_time_fails_that_report():
    outcome = guarded(_sleep, (30,), Limits(max_memory_mb=None, timeout=0.5), "slow.pdf")
    assert isinstance(outcome, IngestFailure)
    assert outcome.error == "slow.pdf: extraction took longer than 0.5 s (--timeout); stopped"


def test_a_killed_process_fails_that_report():
    outcome = guarded(_die, (), Limits(), "dead.pdf")
    assert isinstance(outcome, IngestFailure)
    assert outcome.error.startswith("dead.pdf: extraction process died of signal SIGKILL")


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the extraction process")
def test_kill_9_of_one_extraction_fails_that_report_and_the_others_load(tmp_path):
    """A watcher kills the first extraction process it sees, as an operator or the kernel's
    OOM killer would; that report is recorded as failed, the next one loads."""
    # children that earlier tests left running (a resource tracker, a forkserver) are not
    # the extraction: only a process that appears during the ingest is
    before = set(children(os.getpid()))
    db = tmp_path / "w.duckdb"
    with killing_first(lambda: set(children(os.getpid())) - before, poll=0.005) as killed:
        summary = ingest(
            [SAMPLE_EDITIONS / "kawasaki-sme-fy2019.pdf", SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"],
            db,
            cache_dir=tmp_path / "cache",
        )
    assert killed, "the watcher saw the extraction process"
    [failure] = summary.failed
    assert failure.stage == "extract" and failure.report.endswith("kawasaki-sme-fy2019.pdf")
    assert "died of signal SIGKILL" in failure.error
    assert [x.report_fiscal_year for x, _ in summary.loaded] == [2020]
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT report_fiscal_year FROM reports").fetchall() == [(2020,)]
        assert con.execute("SELECT stage FROM ingest_errors").fetchall() == [("extract",)]
    finally:
        con.close()
