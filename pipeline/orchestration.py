"""Whether a `nenpo ingest` runs as a Prefect flow run or as the same steps without Prefect.

    --prefect      always a flow run (on a temporary local server when none is configured)
    --no-prefect   never
    (neither)      a flow run when a Prefect server is configured, else no Prefect

A Prefect server is configured when PREFECT_API_URL is set where Prefect reads it: the
environment, ``.env``, ``prefect.toml`` or ``pyproject.toml`` (``[tool.prefect.api]``) in
the working directory, or the active Prefect profile (``$PREFECT_HOME/profiles.toml``).
Without one, a flow run would start Prefect's ephemeral server, which takes longer than
extracting a few editions and leaves nothing behind when the command exits; the plain
steps (`pipeline.ingest.ingest`) give the same outcomes, `ingest_errors`, audit and
snapshot. `nenpo serve` and deployments always run the flow.

Read without importing Prefect (its import alone takes seconds).
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["Orchestration", "choose", "configured_api_url"]


@dataclass(frozen=True)
class Orchestration:
    prefect: bool
    reason: str
    temporary_server: bool = False
    """A flow run with no server configured: nenpo starts one for the run (`pipeline.local_server`)."""


def _toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}


def _dotenv(path: Path) -> dict[str, str]:
    """`NAME=value` lines of a .env file (quotes stripped)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError:
        return {}
    pairs = (line.removeprefix("export ").split("=", 1) for line in lines if "=" in line and not line.startswith("#"))
    return {name.strip(): value.strip().strip("'\"") for name, value in pairs}


def configured_api_url(environ: Mapping[str, str] = os.environ, cwd: Path | None = None) -> tuple[str | None, str]:
    """The Prefect API URL a flow run would report to, and where it is set."""
    cwd = cwd or Path.cwd()
    if environ.get("PREFECT_API_URL"):
        return environ["PREFECT_API_URL"], "PREFECT_API_URL"
    in_files = (
        (_dotenv(cwd / ".env").get("PREFECT_API_URL"), ".env"),
        (_toml(cwd / "prefect.toml").get("api", {}).get("url"), "api.url of prefect.toml"),
        (
            _toml(cwd / "pyproject.toml").get("tool", {}).get("prefect", {}).get("api", {}).get("url"),
            "tool.prefect.api.url of pyproject.toml",
        ),
    )
    for url, where in in_files:
        if url:
            return url, where
    home = Path(environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()
    profiles_path = Path(environ.get("PREFECT_PROFILES_PATH") or home / "profiles.toml").expanduser()
    profiles = _toml(profiles_path)
    name = environ.get("PREFECT_PROFILE") or profiles.get("active") or "ephemeral"
    url = profiles.get("profiles", {}).get(name, {}).get("PREFECT_API_URL")
    return (url, f"PREFECT_API_URL of Prefect profile {name!r} ({profiles_path})") if url else (None, "")


def choose(prefect: bool | None, environ: Mapping[str, str] = os.environ, cwd: Path | None = None) -> Orchestration:
    """The path of this run and why, from --prefect/--no-prefect and the Prefect settings."""
    url, where = configured_api_url(environ, cwd)
    if prefect is False:
        return Orchestration(False, "--no-prefect was given")
    if prefect:
        target = f"the Prefect server at {url}" if url else "a temporary local Prefect server (no PREFECT_API_URL)"
        return Orchestration(True, f"--prefect was given; reported to {target}", temporary_server=url is None)
    if url:
        return Orchestration(True, f"a Prefect server is configured ({where}: {url})")
    return Orchestration(
        False, "no Prefect server is configured (PREFECT_API_URL is not set); --prefect records a flow run"
    )
