"""Scale-out: extract tasks in local worker processes and on a Dask cluster of two worker
processes give exactly the warehouse the sequential run gives."""

from __future__ import annotations

import pytest

from nenpo.pipeline.flows import ingest_reports
from nenpo.pipeline.runners import build_task_runner
from tests.conftest import SAMPLE_EDITIONS
from tests.pipeline.flows.runs import count_prefix, task_run_names, warehouse_contents


def ingest_with(runner: str, tmp_path, **options):
    db = tmp_path / f"{runner}.duckdb"
    state = ingest_reports(
        paths=[str(SAMPLE_EDITIONS)],
        db=str(db),
        cache_dir=str(tmp_path / f"cache-{runner}"),
        publish=False,
        runner=runner,
        return_state=True,
        **options,
    )
    assert state.is_completed(), state.message
    summary = state.result()
    assert summary.extracted == 3, "a fresh cache: every report is extracted on the runner"
    assert count_prefix(task_run_names(state, last="audit-warehouse"), "extract ") == 3
    return warehouse_contents(db)


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    return ingest_with("sequential", tmp_path_factory.mktemp("sequential"))


def test_sequential_run_loads_the_samples(sequential):
    assert len(sequential["kpi_values"]) == 82 + 82 + 78
    assert len(sequential["reports"]) == 3


def test_local_processes_give_the_same_warehouse(sequential, tmp_path):
    assert ingest_with("processes", tmp_path, workers=2) == sequential


def test_a_dask_cluster_of_two_worker_processes_gives_the_same_warehouse(sequential, tmp_path):
    from distributed import Client, LocalCluster, get_task_stream

    # an existing cluster, reached by its scheduler's address as with --dask-address
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        with get_task_stream(client) as stream:
            assert ingest_with("dask", tmp_path, dask_address=cluster.scheduler_address) == sequential
        workers = set(client.scheduler_info()["workers"])
        assert len(workers) == 2
        ran_on = [task["worker"] for task in stream.data]
        assert len(ran_on) >= 3 and set(ran_on) <= workers, "the extract tasks ran on the cluster's workers"


def test_runner_choices_are_checked():
    from prefect.task_runners import ProcessPoolTaskRunner, ThreadPoolTaskRunner
    from prefect_dask import DaskTaskRunner

    sequential = build_task_runner("sequential")
    assert isinstance(sequential, ThreadPoolTaskRunner) and sequential._max_workers == 1
    assert isinstance(build_task_runner("processes", 2), ProcessPoolTaskRunner)
    remote = build_task_runner("dask", dask_address="tcp://127.0.0.1:8786")
    assert isinstance(remote, DaskTaskRunner) and remote.address == "tcp://127.0.0.1:8786"
    for kind, kwargs, message in [
        ("gpu", {}, "runner must be one of"),
        ("threads", {}, "runner must be one of"),
        ("processes", {"dask_address": "tcp://x:1"}, "needs runner 'dask'"),
        ("processes", {"workers": 0}, "at least 1"),
    ]:
        with pytest.raises(ValueError, match=message):
            build_task_runner(kind, **kwargs)
