"""Where a flow's extract tasks run: one at a time, in local processes, or on a Dask cluster.

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
"""

from __future__ import annotations

import os

from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner

from nenpo.pipeline.settings import RUNNERS

__all__ = ["RUNNERS", "build_task_runner"]


def build_task_runner(
    kind: str = "sequential", workers: int | None = None, dask_address: str | None = None
) -> TaskRunner:
    """A fresh, unstarted task runner of the given kind (use it as a context manager)."""
    if kind not in RUNNERS:
        raise ValueError(f"runner must be one of {', '.join(RUNNERS)}, got {kind!r}")
    if dask_address and kind != "dask":
        raise ValueError(f"a Dask scheduler address needs runner 'dask', not {kind!r}")
    if workers is not None and workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    count = workers or os.cpu_count() or 1
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
