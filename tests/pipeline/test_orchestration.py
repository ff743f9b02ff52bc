"""Which path a `nenpo ingest` takes: a Prefect flow run when a server is configured
wherever Prefect reads PREFECT_API_URL, else the plain steps; the flags override."""

from __future__ import annotations

import pytest

from nenpo.pipeline.orchestration import choose, configured_api_url

URL = "http://127.0.0.1:4200/api"


@pytest.fixture
def home(tmp_path):
    """An empty Prefect home and working directory: nothing configured."""
    (tmp_path / "prefect-home").mkdir()
    (tmp_path / "cwd").mkdir()
    return tmp_path


def env(home, **extra) -> dict[str, str]:
    return {"PREFECT_HOME": str(home / "prefect-home"), **extra}


def test_nothing_configured_runs_without_prefect(home):
    path = choose(None, env(home), home / "cwd")
    assert not path.prefect
    assert path.reason.startswith("no Prefect server is configured (PREFECT_API_URL is not set)")


def test_the_environment_configures_a_server(home):
    path = choose(None, env(home, PREFECT_API_URL=URL), home / "cwd")
    assert path.prefect and path.reason == f"a Prefect server is configured (PREFECT_API_URL: {URL})"


@pytest.mark.parametrize(
    "file, text, where",
    [
        (".env", f"PREFECT_API_URL='{URL}'\n", ".env"),
        ("prefect.toml", f'[api]\nurl = "{URL}"\n', "api.url of prefect.toml"),
        ("pyproject.toml", f'[tool.prefect.api]\nurl = "{URL}"\n', "tool.prefect.api.url of pyproject.toml"),
    ],
)
def test_files_in_the_working_directory_configure_a_server(home, file, text, where):
    (home / "cwd" / file).write_text(text, encoding="utf-8")
    assert configured_api_url(env(home), home / "cwd") == (URL, where)
    assert choose(None, env(home), home / "cwd").prefect


def test_the_active_profile_configures_a_server(home):
    profiles = home / "prefect-home" / "profiles.toml"
    profiles.write_text(
        f'active = "team"\n\n[profiles.local]\n\n[profiles.team]\nPREFECT_API_URL = "{URL}"\n', encoding="utf-8"
    )
    url, where = configured_api_url(env(home), home / "cwd")
    assert url == URL and "profile 'team'" in where
    # another profile chosen by PREFECT_PROFILE has no server
    assert configured_api_url(env(home, PREFECT_PROFILE="local"), home / "cwd") == (None, "")


def test_the_flags_override_what_is_configured(home):
    assert not choose(False, env(home, PREFECT_API_URL=URL), home / "cwd").prefect
    forced = choose(True, env(home), home / "cwd")
    assert forced.prefect and "temporary local Prefect server" in forced.reason
    assert f"the Prefect server at {URL}" in choose(True, env(home, PREFECT_API_URL=URL), home / "cwd").reason
