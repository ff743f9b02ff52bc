"""One Prefect test harness for every flow test, with PREFECT_HOME in a temp dir.

Prefect reads its settings when first imported, so the environment is set here, at
import time, before any test module imports a flow. Flows that are not given a cache
directory use a session-wide one in a temp dir ($NENPO_CACHE_DIR), never the user's.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import time

_PREFECT_HOME = tempfile.mkdtemp(prefix="nenpo-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ["NENPO_CACHE_DIR"] = os.path.join(_PREFECT_HOME, "nenpo-cache")
os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "warning")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    started = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=120):
        HARNESS_STARTUP_SECONDS.append(time.perf_counter() - started)
        yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)


HARNESS_STARTUP_SECONDS: list[float] = []
"""How long the test server took to start (reported at the end of the run)."""


@pytest.fixture(scope="session")
def api_url(prefect_harness) -> str:
    """The harness server's API, for subprocesses (`nenpo` CLI runs) to report to."""
    import prefect.settings

    return prefect.settings.PREFECT_API_URL.value()


def pytest_terminal_summary(terminalreporter):
    if HARNESS_STARTUP_SECONDS:
        terminalreporter.write_line(f"Prefect test server start-up: {HARNESS_STARTUP_SECONDS[0]:.1f} s")
