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
