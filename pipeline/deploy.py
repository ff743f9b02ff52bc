"""Running `ingest_reports` on a schedule: the deployment that `nenpo serve` serves.

`build_deployment` makes the deployment (schedule, parameters, one run at a time);
`nenpo serve` hands it to `prefect.serve`, which registers it with the Prefect server
named by PREFECT_API_URL and then runs each scheduled flow run in a subprocess until
stopped. Schedules need a long-lived server (`prefect server start`): the ephemeral
server that a plain `nenpo ingest` starts exits with the command, and with it the
scheduler. `prefect.yaml` describes the same deployment for a process work pool.
"""

from __future__ import annotations

from typing import Any

from prefect.client.schemas.schedules import CronSchedule
from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from nenpo.pipeline.flows import ingest_reports
from nenpo.pipeline.settings import DEFAULT_CRON, DEFAULT_TIMEZONE, DEPLOYMENT_NAME

__all__ = ["DEFAULT_CRON", "DEFAULT_TIMEZONE", "DEPLOYMENT_NAME", "build_deployment"]


def build_deployment(
    parameters: dict[str, Any] | None = None,
    *,
    name: str = DEPLOYMENT_NAME,
    cron: str = DEFAULT_CRON,
    timezone: str = DEFAULT_TIMEZONE,
) -> RunnerDeployment:
    """The scheduled deployment of `ingest_reports` with the given flow parameters.

    Raises ValueError for a cron string or time zone Prefect does not accept.
    """
    try:
        CronSchedule(cron=cron, timezone=timezone)  # the schedule's own checks, with their messages
    except ValueError as exc:
        problems = "; ".join(e["msg"] for e in exc.errors()) if hasattr(exc, "errors") else str(exc)
        raise ValueError(f"invalid schedule {cron!r} in {timezone!r}: {problems}") from exc
    return ingest_reports.to_deployment(
        name=name,
        schedules=[Cron(cron, timezone=timezone)],
        parameters=parameters or {},
        concurrency_limit=1,  # a run still going when the next is due makes the next wait
        tags=["nenpo"],
        description=f"Ingest the nenpo catalogue on cron {cron!r} ({timezone}), then audit and publish.",
        entrypoint_type=EntrypointType.MODULE_PATH,
    )
