"""The workers of a run: started warm and early, handed the editions largest first.

A guarded extraction forks from the process that runs it, and whatever the child imports
dies with it; the workers (and a sequential run's own process) import once what every
extraction needs (`pipeline.warm`), so each edition costs its reading only. The pool is
started before the run plans its sources, so its start-up overlaps the run's own set-up.
"""

from __future__ import annotations

import os
import sys
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


def _recording_pool(workers: int, handed: list[str]) -> Pool:
    def submit(function, path, *args):
        handed.append(os.path.basename(path))
        future: Future = Future()
        future.set_result(path)
        return future

    return Pool(submit, lambda: None, workers)


def test_editions_are_handed_out_largest_first_and_come_back_in_their_order(tmp_path):
    sizes = {"a.pdf": 10, "b.pdf": 50, "c.pdf": 30, "d.pdf": 40, "e.pdf": 20, "f.pdf": 60}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    jobs = [(str(tmp_path / name), None) for name in sizes]
    handed: list[str] = []
    handout = Handout(jobs, _recording_pool(2, handed), lambda path, claim: (print, path))
    results = [(job, future.result()) for job, future in handout]
    assert [job for job, _ in results] == jobs, "outcomes in the order of the jobs"
    assert [path for _, path in results] == [path for path, _ in jobs]
    # a is asked for first and goes out at once; the rest go largest first, while no more
    # than two per worker are out
    assert handed == ["a.pdf", "f.pdf", "b.pdf", "d.pdf", "c.pdf", "e.pdf"]


def test_no_more_than_two_editions_per_worker_are_out_at_a_time(tmp_path):
    for n in range(12):
        (tmp_path / f"{n:02}.pdf").write_bytes(b"x" * (n + 1))
    jobs = [(str(tmp_path / f"{n:02}.pdf"), None) for n in range(12)]
    handed: list[str] = []
    handout = Handout(jobs, _recording_pool(2, handed), lambda path, claim: (print, path))
    out_when_read = []
    for _ in handout:
        out_when_read.append(len(handed) - len(out_when_read))
    assert max(out_when_read) == 4 and len(handed) == 12
    assert handed[1:4] == ["08.pdf", "07.pdf", "06.pdf"], "the largest of the next eight"


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
