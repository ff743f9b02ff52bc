"""The workers of a run: started warm and early, handed the editions largest first.

A guarded extraction forks from the process that runs it, and whatever the child imports
dies with it; the workers (and a sequential run's own process) import once what every
extraction needs (`pipeline.warm`), so each edition costs its reading only. The pool is
started before the run plans its sources, so its start-up overlaps the run's own set-up.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import Future

import nenpo.pipeline.runners as runners
from nenpo.pipeline.ingest import ingest
from nenpo.pipeline.runners import Handout, Pool, start_pool
from tests.conftest import SAMPLE_EDITIONS

WARM = ("pdfplumber", "pandas", "nenpo.extractors.families.kawasaki_sme.report", "nenpo.warehouse.load")
"""Modules an extraction imports lazily (pandas through pyarrow's first list conversion)."""


IMPORTED = f"(__import__('os').getpid(), sorted(set(__import__('sys').modules) & {set(WARM)!r}))"
"""Evaluated in a worker (a builtin pickles by name; a test module's function would not
import there): its pid, and which of `WARM` it has imported."""


def test_the_pool_starts_its_workers_warm_before_any_edition_is_handed_out():
    pool = start_pool("processes", 2)
    try:
        pid, found = pool.submit(eval, IMPORTED).result(timeout=300)
    finally:
        pool.close()
    assert pid != os.getpid()
    assert found == sorted(WARM), "the worker forked from a warmed forkserver"


def test_a_sequential_run_warms_its_own_process_once(tmp_path):
    from nenpo.pipeline.warm import warm

    warm.cache_clear()
    summary = ingest([SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"], tmp_path / "w.duckdb", cache_dir=tmp_path / "c")
    assert summary.ok
    assert warm.cache_info().misses == 1, "warmed before the first guarded extraction forked"
    assert all(name in sys.modules for name in WARM)


def test_the_pool_is_started_before_the_run_plans_its_sources(tmp_path, monkeypatch):
    import nenpo.pipeline.ingest as steps

    calls: list[str] = []
    real_start, real_plan = runners.start_pool, steps.plan_sources

    def start(*args, **kwargs):
        calls.append("start_pool")
        return real_start(*args, **kwargs)

    def plan(*args, **kwargs):
        calls.append("plan_sources")
        return real_plan(*args, **kwargs)

    monkeypatch.setattr(runners, "start_pool", start)
    monkeypatch.setattr(steps, "plan_sources", plan)
    summary = ingest([SAMPLE_EDITIONS], tmp_path / "w.duckdb", cache_dir=tmp_path / "c", runner="processes", workers=2)
    assert summary.ok and len(summary.loaded) == 3
    assert calls == ["start_pool", "plan_sources"]


class _HeldPool:
    """A pool whose jobs finish when the test says so (`finish`), or at once (`at_once`)."""

    def __init__(self, workers: int, at_once: bool = False):
        self.handed: list[str] = []
        self.futures: dict[str, Future] = {}
        self.at_once = at_once
        self.pool = Pool(self.submit, lambda: None, workers)

    def submit(self, function, path, *args):
        name = os.path.basename(path)
        future: Future = Future()
        self.futures[name] = future
        self.handed.append(name)
        if self.at_once:
            future.set_result(path)
        return future

    def finish(self, name: str) -> None:
        self.futures[name].set_result(name)


def _until(condition, what: str) -> None:
    """Wait for the handout's thread to have done something (it runs on its own)."""
    deadline = time.monotonic() + 30
    while not condition():
        assert time.monotonic() < deadline, f"never happened: {what}"
        time.sleep(0.005)


def _files(tmp_path, sizes: dict[str, int]) -> list[tuple[str, None]]:
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    return [(str(tmp_path / name), None) for name in sizes]


def test_editions_go_out_largest_first_as_workers_free_and_the_awaited_one_first(tmp_path):
    jobs = _files(tmp_path, {"a.pdf": 10, "b.pdf": 50, "c.pdf": 30, "d.pdf": 40, "e.pdf": 20, "f.pdf": 60})
    held = _HeldPool(2)
    handout = Handout(jobs, held.pool, lambda path, claim: (print, path))
    try:
        # before anything is asked for: the largest first, two per worker (one running, one queued)
        _until(lambda: len(held.handed) == 4, "four editions out")
        time.sleep(0.05)
        assert held.handed == ["f.pdf", "b.pdf", "d.pdf", "c.pdf"]
        taken: list = []
        reader = threading.Thread(target=lambda: taken.append(next(handout)))
        reader.start()  # the caller now waits for a.pdf, the first in order
        time.sleep(0.05)
        assert not taken and len(held.handed) == 4, "no worker is free yet"
        held.finish("b.pdf")  # a worker is free: not waiting for the caller to ask again
        reader.join(timeout=30)
        assert held.handed[4] == "a.pdf", "the edition the caller waits for goes out first"
        assert taken[0][0] == jobs[0]
        held.finish("d.pdf")
        _until(lambda: len(held.handed) == 6, "the last edition out")
        assert held.handed[5] == "e.pdf"
        for name in ("a.pdf", "c.pdf", "e.pdf", "f.pdf"):
            held.finish(name)
        rest = list(handout)
        assert [job for job, _ in rest] == jobs[1:], "outcomes in the order of the jobs"
        assert [future.result() for _, future in rest] == ["b.pdf", "c.pdf", "d.pdf", "e.pdf", "f.pdf"]
    finally:
        handout.close()


def test_finished_editions_the_caller_has_not_read_are_bounded(tmp_path):
    """The workers run ahead of the caller by at most `AHEAD` editions: each finished one
    is held (its rows, a few MB) until the caller reads it."""
    jobs = _files(tmp_path, {f"{n:02}.pdf": n + 1 for n in range(30)})
    held = _HeldPool(2, at_once=True)
    handout = Handout(jobs, held.pool, lambda path, claim: (print, path))
    try:
        _until(lambda: len(held.handed) == Handout.AHEAD, "the window handed out")
        time.sleep(0.1)
        assert len(held.handed) == Handout.AHEAD, "no more until the caller reads"
        first = next(handout)
        assert first[0] == jobs[0]
        _until(lambda: len(held.handed) == Handout.AHEAD + 1, "one more once one is read")
        assert [job for job, _ in handout] == jobs[1:]
        assert sorted(held.handed) == [f"{n:02}.pdf" for n in range(30)]
    finally:
        handout.close()


def test_a_closed_handout_hands_out_nothing_more(tmp_path):
    jobs = _files(tmp_path, {f"{n}.pdf": 1 for n in range(6)})
    held = _HeldPool(1)
    handout = Handout(jobs, held.pool, lambda path, claim: (print, path))
    _until(lambda: len(held.handed) == 2, "two out for one worker")
    handout.close()
    held.finish(held.handed[0])
    handout._feeder.join(timeout=30)
    assert not handout._feeder.is_alive(), "its thread ended"
    assert len(held.handed) == 2


def test_a_job_the_broken_pool_refused_comes_back_as_that_jobs_outcome(tmp_path):
    """A pool broken by a dead worker refuses new jobs: the refusal is the job's outcome, so
    the run extracts that edition again in its own process (`lost_with_its_worker`)."""
    from concurrent.futures.process import BrokenProcessPool

    from nenpo.pipeline.guard import lost_with_its_worker

    for name in ("a.pdf", "b.pdf"):
        (tmp_path / name).write_bytes(b"x")

    def refusing(function, path, *args):
        raise BrokenProcessPool("a child process terminated abruptly")

    handout = Handout(
        [(str(tmp_path / "a.pdf"), None), (str(tmp_path / "b.pdf"), None)],
        Pool(refusing, lambda: None, 1),
        lambda path, claim: (print, path),
    )
    outcomes = [future.exception() for _, future in handout]
    assert len(outcomes) == 2 and all(lost_with_its_worker(o) for o in outcomes)


def _watched_pools(monkeypatch) -> list[list[str]]:
    """Every pool `start_pool` starts, as the list of times it was closed."""
    started: list[list[str]] = []
    real = runners.start_pool

    def start(*args, **kwargs):
        pool = real(*args, **kwargs)
        closed: list[str] = []
        started.append(closed)

        def close() -> None:
            closed.append("closed")
            pool.close()

        return Pool(pool.submit, close, pool.workers)

    monkeypatch.setattr(runners, "start_pool", start)
    return started


def test_the_command_starts_its_workers_before_it_sets_up_and_the_run_uses_them(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    started = _watched_pools(monkeypatch)
    db = tmp_path / "w.duckdb"
    args = ["ingest", str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"), "--db", str(db), "--no-prefect"]
    result = CliRunner().invoke(app, [*args, "--runner", "processes", "--workers", "2", "--cache-dir", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 loaded, 0 failed" in " ".join(result.output.split())
    assert started == [["closed"]], "one pool, started by the command, used by the run and closed by it"


def test_a_usage_error_after_the_workers_started_closes_them(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    started = _watched_pools(monkeypatch)
    args = ["ingest", str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"), "--db", str(tmp_path / "w.duckdb")]
    result = CliRunner().invoke(app, [*args, "--no-prefect", "--runner", "processes", "--family", "no-such-family"])
    assert result.exit_code == 2
    assert "no-such-family" in result.output
    assert started == [["closed"]]


FORK_CHECK = """
import os, sys, threading
from nenpo.pipeline.runners import start_pool
if sys.argv[1] == "with-a-thread":
    threading.Thread(target=threading.Event().wait, daemon=True).start()
pool = start_pool("processes", 2, fork_here=True)
try:
    parent = pool.submit(os.getppid).result(timeout=300)
finally:
    pool.close()
print("here" if parent == os.getpid() else "forkserver")
"""
"""Run in a fresh interpreter (the test runner's own threads must not decide it): where
the workers forked from."""


def test_the_workers_fork_from_the_command_process_when_it_has_no_other_thread():
    import subprocess

    def forked_from(case: str) -> str:
        done = subprocess.run([sys.executable, "-c", FORK_CHECK, case], capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    assert forked_from("alone") == "here", "warmed once, then forked: no second interpreter imports it all"
    assert forked_from("with-a-thread") == "forkserver", "a process with another thread never forks workers"
