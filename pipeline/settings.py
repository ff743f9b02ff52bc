"""Defaults of the data team's runs, importable without importing Prefect.

Prefect reads its settings when first imported, so the CLI must be able to check its
options before anything imports Prefect.
"""

DEFAULT_CRON = "0 6 1 * *"
"""06:00 on the 1st of every month."""
DEFAULT_TIMEZONE = "Asia/Tokyo"
DEPLOYMENT_NAME = "nenpo-monthly"

RUNNERS = ("sequential", "processes", "dask")
"""Where extract tasks can run (see nenpo.pipeline.runners). No thread pool: PyMuPDF does not
support threads, so extractions in one process run one at a time."""

FETCH_RETRY_SECONDS = (60.0, 120.0)
"""A download that failed in a way that may pass (a server error, a timeout), after the few
quick tries inside the download itself, is tried again after each of these delays: a
server that is down for minutes. The flow's fetch task and a run without Prefect alike."""
