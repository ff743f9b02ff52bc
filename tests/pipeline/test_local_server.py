"""The Prefect server that `nenpo ingest --prefect` starts when none is configured dies with
nenpo, even when nenpo is killed with SIGKILL (nothing of nenpo's runs to stop it)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from nenpo.pipeline.orchestration import choose
from tests.conftest import SAMPLE_EDITIONS

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="parent-death signal is Linux only")

NENPO = Path(sys.executable).with_name("nenpo")


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def poll(condition, seconds: float):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    return condition()


def test_only_prefect_without_a_server_starts_one(tmp_path):
    environ = {"PREFECT_HOME": str(tmp_path)}
    assert choose(True, environ, tmp_path).temporary_server
    assert not choose(True, {**environ, "PREFECT_API_URL": "http://127.0.0.1:4200/api"}, tmp_path).temporary_server
    assert not choose(None, environ, tmp_path).temporary_server


def test_the_temporary_server_dies_when_nenpo_is_killed(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env.update(PREFECT_HOME=str(tmp_path / "prefect-home"), NENPO_CACHE_DIR=str(tmp_path / "cache"))
    nenpo = subprocess.Popen(
        [
            str(NENPO),
            "ingest",
            "--prefect",
            str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"),
            "--db",
            str(tmp_path / "w.duckdb"),
        ],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = None
    try:
        servers = poll(lambda: [p for p in children(nenpo.pid) if "prefect.server.api.server" in cmdline(p)], 30)
        assert servers, "nenpo ingest --prefect started no Prefect server of its own"
        [server] = servers
        assert alive(server)
        nenpo.kill()
        nenpo.wait()
        assert poll(lambda: not alive(server), 20), f"the Prefect server {server} outlived nenpo"
    finally:
        if nenpo.poll() is None:
            nenpo.kill()
            nenpo.wait()
        if server is not None and alive(server):
            os.kill(server, signal.SIGKILL)  # a server left behind by a failed assertion
