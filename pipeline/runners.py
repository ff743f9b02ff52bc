"""Where extractions run: one at a time, in local processes, or on a Dask cluster.

    sequential  one at a time, in the flow's process (the default)
    processes   a pool of local worker processes (Prefect's ProcessPoolTaskRunner)
    dask        a Dask cluster: a temporary LocalCluster of worker processes, or the
                existing cluster whose scheduler is at `dask_address`

There is no thread pool: PyMuPDF does not support threads (concurrent calls can give
wrong results or crash the interpreter), so every process extracts one file at a time —
each Dask worker has a single thread too.

Workers of a Dask cluster on other machines must see the same file paths (the PDFs and
the cache directory), e.g. on a shared mount; results come back to the flow's process,
which does all writing.

`build_task_runner` gives a Prefect flow its task runner; `extract_all` runs the same
extractions with no Prefect (a run with no Prefect server: see `pipeline.orchestration`),
on a process pool or a Dask client of the same shape.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nenpo.pipeline.guard import Limits, lost_with_its_worker, unpickled
from nenpo.pipeline.settings import RUNNERS
from nenpo.pipeline.warm import WARM_ON_IMPORT, warm

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

    from nenpo.extractors.edition import EditionClaim
    from nenpo.pipeline.ingest import IngestFailure, Transferred

__all__ = ["RUNNERS", "Pool", "build_task_runner", "closed_if_failing", "extract_all", "start_pool"]


def _worker_count(kind: str, workers: int | None, dask_address: str | None) -> int:
    if kind not in RUNNERS:
        raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, got {kind!r}")
    if dask_address and kind != "dask":
        raise ValueError(f"a Dask scheduler address needs runner 'dask', not {kind!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    return workers or os.cpu_count() or 1


def build_task_runner(
    kind: str = "sequential", workers: int | None = None, dask_address: str | None = None
) -> TaskRunner:
    """A fresh, unstarted task runner of the given kind (use it as a context manager)."""
    count = _worker_count(kind, workers, dask_address)
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner

    if kind == "sequential":
        return ThreadPoolTaskRunner(max_workers=1)  # one worker thread: extractions never overlap
    if kind == "processes":
        return ProcessPoolTaskRunner(max_workers=count)
    from prefect_dask import DaskTaskRunner  # imports dask.distributed: only when asked for

    if dask_address:
        return DaskTaskRunner(address=dask_address)
    return DaskTaskRunner(
        cluster_class="distributed.LocalCluster",
        cluster_kwargs={"n_workers": count, "threads_per_worker": 1, "processes": True, "dashboard_address": None},
    )


def extract_all(
    paths: Iterable[str],
    verify: str = "auto",
    kind: str = "sequential",
    workers: int | None = None,
    dask_address: str | None = None,
    claims: Iterable[EditionClaim | None] | None = None,
    limits: Limits | None = Limits(),
    ocr: str = "auto",
    with_rows: bool = False,
    pool: Pool | None = None,
) -> Iterator[IngestFailure | str | Transferred | BaseException]:
    """Each path's extraction, in the order given, without Prefect (`claims`: what the
    catalogue or command line says each file's edition is, as for `extract_one`).

    Every extraction runs as `extract_for_transfer` under `limits` (a forked child with a
    memory and a time limit, `pipeline.guard`) and comes back as JSON (with `with_rows`, a
    `Transferred` carrying the edition's warehouse rows built in the worker) or an IngestFailure;
    `finish_extraction` turns either into an outcome. `sequential` extracts each file when
    the caller asks for it; `processes` and `dask` hand their workers the files a few at a
    time, as the workers finish them (`Handout`). A worker process that died takes
    the extractions it held with it (`lost_with_its_worker`): those are extracted again in
    this process, under the limits, so that only the report that killed it fails, as in the
    flow's `_arrivals`. Closing the iterator early drops the files not yet started.

    `pool`: workers started beforehand (`start_pool`), so that their start-up overlapped the
    caller's own; closing the iterator closes it. Workers are handed one file per task,
    the largest of the next files first, so that they finish together.
    """
    from nenpo.pipeline.ingest import extract_for_transfer

    jobs = list(zip(paths, claims)) if claims is not None else [(path, None) for path in paths]
    if kind == "sequential" or not jobs:
        if pool is not None:
            pool.close()
        return (extract_for_transfer(path, verify, claim, limits, ocr, with_rows) for path, claim in jobs)
    if pool is None:
        pool = start_pool(kind, min(_worker_count(kind, workers, dask_address), len(jobs)), dask_address)
    assert pool is not None, "a pool of processes or Dask workers"
    handout = Handout(
        jobs, pool, lambda path, claim: (extract_for_transfer, path, verify, claim, limits, ocr, with_rows, True)
    )

    def close() -> None:
        handout.close()
        pool.close()

    return _Results(
        handout, close, lambda path, claim: extract_for_transfer(path, verify, claim, limits, ocr, with_rows)
    )


@dataclass
class Pool:
    """Started worker processes: `submit(function, *args)` gives a future; `close()` stops them."""

    submit: Callable[..., Any]
    close: Callable[[], None]
    workers: int


def start_pool(
    kind: str, workers: int | None = None, dask_address: str | None = None, *, fork_here: bool = False
) -> Pool | None:
    """Worker processes for `extract_all`, started now (None for `sequential`).

    Each worker is asked to warm itself at once (`pipeline.warm`), so the processes start
    while the caller does its own set-up (planning, the warehouse, the extraction cache).

    `fork_here`: local workers fork from this process, warmed first, instead of from a
    forkserver that starts a fresh interpreter and imports it all again (2.4 s of CPU,
    and the first edition waits for it). Only a process with no other thread may fork
    (a lock another thread holds would stay locked in the child forever): with other
    threads, or DuckDB open, the forkserver is used whatever `fork_here` says.
    """
    count = _worker_count(kind, workers, dask_address)
    if kind == "sequential":
        return None
    if kind == "processes":
        return _forked_pool(count) if fork_here and _single_threaded() else _process_pool(count)
    pool = _dask_cluster(count, dask_address)
    for _ in range(pool.workers):
        pool.submit(warm)
    return pool


def _start_workers(pool: ProcessPoolExecutor, count: int) -> None:
    for _ in range(count):
        pool.submit(warm)
    # while the workers start, this process has a core to spare: pyarrow's bridge to pandas,
    # which its first load and the audit need, is imported now rather than on the way
    import pyarrow as pa

    pa.array([0])


@contextmanager
def closed_if_failing(pool: Pool | None) -> Iterator[None]:
    """Close `pool` when the block fails (before `extract_all` has taken it over)."""
    try:
        yield
    except BaseException:
        if pool is not None:
            pool.close()
        raise


def _single_threaded() -> bool:
    """No other Python thread runs, and DuckDB (whose threads Python does not see) is not loaded."""
    import sys

    return threading.active_count() == 1 and "duckdb" not in sys.modules


def _forked_pool(count: int) -> Pool:
    warm()
    pool = ProcessPoolExecutor(count, mp_context=multiprocessing.get_context("fork"))
    for _ in range(count):  # the first submit forks every worker, now, from this thread
        pool.submit(warm)
    return Pool(pool.submit, lambda: pool.shutdown(wait=True, cancel_futures=True), count)


def _process_pool(count: int) -> Pool:
    # forkserver: workers fork from one clean process, and do not inherit this process's
    # threads (the progress display, DuckDB's) or its open warehouse; the forkserver has
    # imported what an extraction needs (`pipeline.warm`), so each worker starts warm
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload([WARM_ON_IMPORT])
    pool = ProcessPoolExecutor(count, mp_context=context)
    # a submit starts a worker when none is idle, and waits for the forkserver to have
    # warmed itself (seconds): the workers are started on a thread, the caller goes on
    starting = threading.Thread(target=_start_workers, args=(pool, count), daemon=True)
    starting.start()

    def submit(function: Callable[..., Any], *args: Any) -> Any:
        starting.join()
        return pool.submit(function, *args)

    def close() -> None:
        starting.join()
        pool.shutdown(wait=True, cancel_futures=True)

    return Pool(submit, close, count)


def _dask_cluster(count: int, dask_address: str | None) -> Pool:
    from distributed import Client, LocalCluster

    if dask_address:
        client, cluster = Client(dask_address), None
    else:
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    futures: list = []

    def submit(function: Callable[..., Any], *args: Any) -> Any:
        future = client.submit(function, *args, pure=False)
        futures.append(future)
        return future

    def close() -> None:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()

    workers = len(client.scheduler_info().get("workers", {})) or count
    return Pool(submit, close, workers)


class Handout:
    """The jobs' futures in the order of `jobs`, each job handed to the pool by a thread of
    its own as soon as a worker can take it, whatever the caller is doing (loading the
    edition before, say): no more than two per worker are out and unfinished at a time (one
    running, one queued, so a worker that finishes never waits), and the next one out is
    the job the caller waits for, else the largest file (bytes) among the next `AHEAD`
    not yet taken — the largest first, so the workers finish together. The caller reads
    the outcomes in order and so holds at most `AHEAD` finished ones."""

    AHEAD = 12
    PER_WORKER = 2

    def __init__(self, jobs: list, pool: Pool, task: Callable[[str, Any], tuple]):
        self._jobs, self._pool, self._task = list(jobs), pool, task
        self._sizes = [_size(path) for path, _ in self._jobs]
        self._futures: dict[int, Any] = {}  # handed out, not yet taken by the caller
        self._handed: set[int] = set()
        self._unfinished = 0  # handed out and not done
        self._head = 0  # the job the caller takes next
        self._waiting = False  # the caller waits for the head
        self._closed = False
        self._changed = threading.Condition()
        self._feeder = threading.Thread(target=self._feed, name="nenpo-handout", daemon=True)
        self._feeder.start()

    def __iter__(self):
        return self

    def __next__(self) -> tuple[tuple[str, Any], Any]:
        with self._changed:
            n = self._head
            if n >= len(self._jobs) or self._closed:
                raise StopIteration
            self._waiting = True
            self._changed.notify_all()
            while n not in self._futures:
                self._changed.wait()
            self._waiting, self._head = False, n + 1
            self._changed.notify_all()  # the window moved on
            return self._jobs[n], self._futures.pop(n)

    def close(self) -> None:
        """Hand out nothing more (the jobs already out run on)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def _feed(self) -> None:
        while True:
            with self._changed:
                while (n := self._pick()) is None:
                    if self._closed or len(self._handed) == len(self._jobs):
                        return
                    self._changed.wait()
                self._handed.add(n)
                self._unfinished += 1
            future = self._hand_out(n)  # unlocked: the first submit waits for the workers to start
            with self._changed:
                self._futures[n] = future
                self._changed.notify_all()
            future.add_done_callback(self._finished)

    def _finished(self, _future: Any) -> None:
        with self._changed:
            self._unfinished -= 1
            self._changed.notify_all()

    def _pick(self) -> int | None:
        if self._closed or self._unfinished >= self.PER_WORKER * self._pool.workers:
            return None
        window = [n for n in range(self._head, min(self._head + self.AHEAD, len(self._jobs))) if n not in self._handed]
        if not window:
            return None
        if self._waiting and window[0] == self._head:
            return self._head
        return max(window, key=lambda n: (self._sizes[n], -n))

    def _hand_out(self, n: int) -> Any:
        try:
            function, *args = self._task(*self._jobs[n])
            return self._pool.submit(function, *args)
        except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: a worker died; the job's outcome says so
            refused: Future = Future()
            refused.set_exception(exc)
            return refused


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


class _Results:
    """The futures' outcomes in order; `close()` (or the last one) shuts the workers down.
    An extraction lost with its worker is done again by `again(path, claim)`."""

    def __init__(self, jobs_and_futures: Iterator, close, again):
        # read one at a time and let go of: a future keeps its result (an edition's JSON and
        # rows) for as long as it is referenced
        self._futures, self._close, self._again = jobs_and_futures, close, again

    def __iter__(self):
        return self

    def __next__(self):
        try:
            (path, claim), future = next(self._futures)
        except StopIteration:
            self.close()
            raise
        outcome = _outcome(future)
        del future
        if lost_with_its_worker(outcome):  # not a verdict on the file: extract it again here
            outcome = self._again(path, claim)
        return outcome

    def close(self) -> None:
        if self._close is not None:
            close, self._close = self._close, None
            close()


def _outcome(future):
    try:
        return unpickled(future.result())  # the worker passed on its guarded child's pickle
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: a worker process died
        return exc
