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
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from typing import TYPE_CHECKING

from nenpo.pipeline.settings import RUNNERS

if TYPE_CHECKING:
    from prefect.task_runners import TaskRunner

    from nenpo.extractors.edition import EditionClaim
    from nenpo.extractors.models import ReportExtraction
    from nenpo.pipeline.ingest import IngestFailure

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
    paths: Iterable[str], verify: str = "auto", kind: str = "sequential", workers: int | None = None,
    dask_address: str | None = None, claims: Iterable[EditionClaim | None] | None = None,
) -> Iterator[ReportExtraction | IngestFailure | str | BaseException]:
    """Each path's extraction, in the order given, without Prefect (`claims`: what the
    catalogue or command line says each file's edition is, as for `extract_one`).

    `sequential` extracts in this process, each file when the caller asks for it;
    `processes` and `dask` start their workers and hand them every file at once (before
    the first result is asked for), and results come back as JSON (`extract_for_transfer`);
    a worker that crashed gives its exception. `finish_extraction` turns either into an
    outcome. Closing the iterator early drops the files not yet started.
    """
    from nenpo.pipeline.ingest import extract_one

    paths = list(paths)
    claims = list(claims) if claims is not None else [None] * len(paths)
    count = min(_worker_count(kind, workers, dask_address), max(len(paths), 1))
    if kind == "sequential" or not paths:
        return (extract_one(path, verify, claim) for path, claim in zip(paths, claims))
    if kind == "processes":
        return _Results(*_process_pool(paths, verify, claims, count))
    return _Results(*_dask_cluster(paths, verify, claims, count, dask_address))


def _process_pool(paths: list[str], verify: str, claims: list, count: int):
    from nenpo.pipeline.ingest import extract_for_transfer

    # forkserver: workers fork from one clean process that has imported the extractors
    # once, and do not inherit this process's threads (the progress display, DuckDB's) or
    # its open warehouse
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["nenpo.pipeline.ingest", "pdfplumber"])
    pool = ProcessPoolExecutor(count, mp_context=context)
    futures = [pool.submit(extract_for_transfer, path, verify, claim) for path, claim in zip(paths, claims)]
    return futures, lambda: pool.shutdown(wait=True, cancel_futures=True)


def _dask_cluster(paths: list[str], verify: str, claims: list, count: int, dask_address: str | None):
    from distributed import Client, LocalCluster

    from nenpo.pipeline.ingest import extract_for_transfer

    if dask_address:
        client, cluster = Client(dask_address), None
    else:
        cluster = LocalCluster(n_workers=count, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    futures = client.map(extract_for_transfer, paths, [verify] * len(paths), claims, pure=False)

    def close() -> None:
        client.cancel(futures)
        client.close()
        if cluster is not None:
            cluster.close()

    return futures, close


class _Results:
    """The futures' outcomes in order; `close()` (or the last one) shuts the workers down."""

    def __init__(self, futures, close):
        self._futures, self._close = iter(futures), close

    def __iter__(self):
        return self

    def __next__(self):
        try:
            future = next(self._futures)
        except StopIteration:
            self.close()
            raise
        return _outcome(future)

    def close(self) -> None:
        if self._close is not None:
            close, self._close = self._close, None
            close()


def _outcome(future):
    try:
        return future.result()
    except Exception as exc:  # a worker that died: the report fails, the others go on
        return exc
