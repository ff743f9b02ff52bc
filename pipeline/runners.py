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
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from nenpo.pipeline.guard import Limits, lost_with_its_worker
from nenpo.pipeline.settings import RUNNERS

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

    from nenpo.extractors.edition import EditionClaim
    from nenpo.pipeline.ingest import IngestFailure, Transferred

__all__ = ["RUNNERS", "build_task_runner", "extract_all"]


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
) -> Iterator[IngestFailure | str | Transferred | BaseException]:
    """Each path's extraction, in the order given, without Prefect (`claims`: what the
    catalogue or command line says each file's edition is, as for `extract_one`).

    Every extraction runs as `extract_for_transfer` under `limits` (a forked child with a
    memory and a time limit, `pipeline.guard`) and comes back as JSON (with `with_rows`, a
    `Transferred` carrying the edition's warehouse rows built in the worker) or an IngestFailure;
    `finish_extraction` turns either into an outcome. `sequential` extracts each file when
    the caller asks for it; `processes` and `dask` start their workers and hand them every
    file at once (before the first result is asked for). A worker process that died takes
    the extractions it held with it (`lost_with_its_worker`): those are extracted again in
    this process, under the limits, so that only the report that killed it fails, as in the
    flow's `_extract_all`. Closing the iterator early drops the files not yet started.
    """
    from nenpo.pipeline.ingest import extract_for_transfer

    jobs = list(zip(paths, claims)) if claims is not None else [(path, None) for path in paths]
    count = min(_worker_count(kind, workers, dask_address), max(len(jobs), 1))
    if kind == "sequential" or not jobs:
        return (extract_for_transfer(path, verify, claim, limits, ocr, with_rows) for path, claim in jobs)
    start = _process_pool if kind == "processes" else _dask_cluster
    futures, close = start(jobs, verify, limits, count, dask_address, ocr, with_rows)
    return _Results(
        zip(jobs, futures),
        close,
        lambda path, claim: extract_for_transfer(path, verify, claim, limits, ocr, with_rows),
    )


def _process_pool(
    jobs: list,
    verify: str,
    limits: Limits | None,
    count: int,
    dask_address: str | None = None,
    ocr: str = "auto",
    with_rows: bool = False,
):
    from nenpo.pipeline.ingest import extract_for_transfer

    # forkserver: workers fork from one clean process that has imported the extractors
    # once, and do not inherit this process's threads (the progress display, DuckDB's) or
    # its open warehouse
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["nenpo.pipeline.ingest", "pdfplumber"])
    pool = ProcessPoolExecutor(count, mp_context=context)
    futures = [pool.submit(extract_for_transfer, path, verify, claim, limits, ocr, with_rows) for path, claim in jobs]
    return futures, lambda: pool.shutdown(wait=True, cancel_futures=True)


def _dask_cluster(
    jobs: list,
    verify: str,
    limits: Limits | None,
    count: int,
    dask_address: str | None,
    ocr: str = "auto",
    with_rows: bool = False,
):
    from distributed import Client, LocalCluster

    from nenpo.pipeline.ingest import extract_for_transfer

    if dask_address:
        client, cluster = Client(dask_address), None
    else:
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    futures = [
        client.submit(extract_for_transfer, path, verify, claim, limits, ocr, with_rows, pure=False)
        for path, claim in jobs
    ]

    def close() -> None:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()

    return futures, close


class _Results:
    """The futures' outcomes in order; `close()` (or the last one) shuts the workers down.
    An extraction lost with its worker is done again by `again(path, claim)`."""

    def __init__(self, jobs_and_futures, close, again):
        # a deque let go of as it is read: a future keeps its result (an edition's JSON and
        # rows) for as long as it is referenced
        self._futures, self._close, self._again = deque(jobs_and_futures), close, again

    def __iter__(self):
        return self

    def __next__(self):
        if not self._futures:
            self.close()
            raise StopIteration
        (path, claim), future = self._futures.popleft()
        outcome = _outcome(future)
        if lost_with_its_worker(outcome):  # not a verdict on the file: extract it again here
            outcome = self._again(path, claim)
        return outcome

    def close(self) -> None:
        if self._close is not None:
            close, self._close = self._close, None
            close()


def _outcome(future):
    try:
        return future.result()
    except Exception as exc:  # noqa: BLE001 - e.g. BrokenProcessPool: a worker process died
        return exc
