"""Reading back what a flow run did from the Prefect API (task runs, artifacts) and from the warehouse."""

from __future__ import annotations

import time

import duckdb
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import (
    ArtifactFilter,
    ArtifactFilterFlowRunId,
    ArtifactFilterKey,
    FlowRunFilter,
    FlowRunFilterId,
)

from nenpo.warehouse.schema import EDITION_TABLES

# Columns that say when or how long, or where the file was: they differ between two
# runs that loaded the same content.
VOLATILE = {"ingested_at", "extracted_at", "seconds", "source_path", "audited_at", "at", "traceback"}


def task_run_names(state, last: str = "publish-snapshot", timeout: float = 30.0) -> list[str]:
    """Names of the flow run's task runs, once its last task run has reached the API.

    Task runs reach the server as events, shortly after they happen: wait for the last
    one, then read once more so that none still in flight is missed.
    """
    flow_run_id = state.state_details.flow_run_id
    deadline = time.monotonic() + timeout
    seen_last = False
    while True:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[flow_run_id])))
        names = sorted(r.name for r in runs)
        if seen_last or time.monotonic() > deadline:
            return names
        seen_last = any(n.startswith(last) for n in names)
        time.sleep(0.3 if seen_last else 0.1)


def count_prefix(names: list[str], prefix: str) -> int:
    return sum(1 for n in names if n.startswith(prefix))


def artifact(state, key: str):
    with get_client(sync_client=True) as client:
        found = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=[key]),
                flow_run_id=ArtifactFilterFlowRunId(any_=[state.state_details.flow_run_id]),
            )
        )
    assert len(found) == 1, f"expected one {key} artifact, found {len(found)}"
    return found[0]


def warehouse_contents(db) -> dict[str, list[tuple]]:
    """Every edition table, the audit findings and the KPI view, sorted, without volatile columns."""
    contents = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in (*EDITION_TABLES, "audit_findings", "kpi_timeseries"):
            columns = [
                c for c in con.execute(f'SELECT * FROM "{table}" LIMIT 0').fetchdf().columns if c not in VOLATILE
            ]
            quoted = ", ".join(f'"{c}"' for c in columns)
            contents[table] = sorted(con.execute(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr)
    return contents


def count(db, sql: str):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql).fetchone()[0]
