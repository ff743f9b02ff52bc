"""One Prefect test harness for every flow test, with PREFECT_HOME in a temp dir.

Prefect reads its settings when first imported, so the environment is set here, at
import time, before any test module imports a flow.
"""

from __future__ import annotations

import os
import shutil
import tempfile

_PREFECT_HOME = tempfile.mkdtemp(prefix="nenpo-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")

import pytest  # noqa: E402
from prefect.testing.utilities import prefect_test_harness  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def prefect_harness():
    with prefect_test_harness(server_startup_timeout=120):
        yield
    shutil.rmtree(_PREFECT_HOME, ignore_errors=True)
