"""The temporary Prefect server of `nenpo ingest --prefect` when no server is configured.

Prefect would start one itself (its ephemeral server) and stop it when the interpreter
exits normally; a nenpo killed with SIGKILL leaves it running. nenpo starts the same
server (Prefect's API app under uvicorn, on a free port of 127.0.0.1) as its own child
and, on Linux, asks the kernel to send the server SIGTERM when nenpo dies, however it
dies (``prctl(PR_SET_PDEATHSIG)``). It is stopped at the end of the run either way.

Read without importing Prefect: the server imports it in its own process.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["temporary_server"]

PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
STARTUP_SECONDS = float(os.environ.get("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS") or 120)


def _die_with(parent_pid: int):
    """A preexec_fn: the child gets SIGTERM when `parent_pid` dies (Linux); a parent that is
    already gone (it died between fork and prctl) ends the child at once."""

    def set_parent_death_signal() -> None:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0) != 0:
            os._exit(1)
        if os.getppid() != parent_pid:
            os._exit(1)

    return set_parent_death_signal


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start(port: int) -> subprocess.Popen:
    # the command and environment of Prefect's own ephemeral server (no UI)
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "prefect.server.api.server:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "error",
        "--lifespan",
        "on",
    ]
    env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1", "PREFECT__SERVER_FINAL": "1"}
    env.pop("PREFECT_API_URL", None)
    linux = sys.platform.startswith("linux")
    return subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.DEVNULL,
        preexec_fn=_die_with(os.getpid()) if linux else None,  # noqa: PLW1509 - calls only prctl, before any thread
    )


def _wait_until_healthy(process: subprocess.Popen, api_url: str) -> None:
    import httpx

    deadline = time.monotonic() + STARTUP_SECONDS
    with httpx.Client(timeout=5) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the temporary Prefect server exited with code {process.returncode} while starting")
            try:
                if client.get(f"{api_url}/health").status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
    raise RuntimeError(
        f"the temporary Prefect server did not answer within {STARTUP_SECONDS:.0f} s "
        "(PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS); start one with `prefect server start`"
    )


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@contextmanager
def temporary_server() -> Iterator[str]:
    """A Prefect server for the duration of the block, dying with this process; its API URL."""
    port = _free_port()
    process = _start(port)
    try:
        api_url = f"http://127.0.0.1:{port}/api"
        _wait_until_healthy(process, api_url)
        yield api_url
    finally:
        _stop(process)
