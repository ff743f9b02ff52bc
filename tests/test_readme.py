"""The README and the pages in docs/ stay current: the analysts' contract and the auditors' rule
list are generated from the code, every SQL example runs on a real warehouse, every command is
documented, and every link between the pages resolves."""

from __future__ import annotations

import re

import pytest
import typer

from nenpo.pipeline.cli import app
from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.db import connect
from nenpo.warehouse.generated_docs import GENERATED, section
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS

DOCS = REPO_ROOT / "docs"
README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
ANALYSTS = (DOCS / "analysts.md").read_text(encoding="utf-8")
DATA_TEAM = (DOCS / "data-team.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", sorted(GENERATED))
def test_generated_sections_are_current(page):
    marker, write = GENERATED[page]
    found = section((DOCS / page).read_text(encoding="utf-8"), marker)
    assert found is not None, f"docs/{page} lacks the {marker} markers"
    assert found.strip() == write().strip(), "run: python -m nenpo.warehouse.generated_docs docs"


def test_the_readme_is_short_and_has_the_two_commands():
    assert len(README.splitlines()) <= 200
    assert "make demo" in README and "make test" in README


def _commands(group, prefix: str = "") -> list[str]:
    """Every command's full name (`sources list`), sub-commands of a group included."""
    names = []
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            names += _commands(command, f"{prefix}{name} ")
        else:
            names.append(f"{prefix}{name}")
    return names


def test_every_command_is_in_the_readme_summary_and_in_the_data_teams_page():
    commands = _commands(typer.main.get_command(app))
    assert {"ingest", "audit", "sources list", "profiles check", "families"} <= set(commands)
    for command in commands:
        assert f"`nenpo {command}" in README, f"README's command table lacks nenpo {command}"
        assert f"nenpo {command}" in DATA_TEAM, f"docs/data-team.md lacks nenpo {command}"


def test_links_between_pages_resolve():
    pages = {"README.md": README} | {f"docs/{p.name}": p.read_text(encoding="utf-8") for p in DOCS.glob("*.md")}
    for name, text in pages.items():
        base = (REPO_ROOT / name).parent
        for target in re.findall(r"\]\(([^)#\s]+\.md)(?:#[^)]*)?\)", text):
            assert (base / target).is_file(), f"{name} links to {target}, which does not exist"


def test_the_merge_markers_for_figures_are_in_place():
    assert "<!-- OCR figures -->" in (DOCS / "reading.md").read_text(encoding="utf-8")
    assert "<!-- Performance figures -->" in (DOCS / "performance.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("readme") / "nenpo.duckdb"
    assert ingest([SAMPLE_EDITIONS], db).ok
    return db


def test_the_analysts_sql_examples_run(warehouse):
    queries = re.findall(r"```sql\n(.*?)```", ANALYSTS, re.S)
    assert len(queries) >= 5
    con = connect(warehouse, read_only=True)
    try:
        results = [con.execute(q).fetchall() for q in queries]
    finally:
        con.close()
    assert all(results), "every example returns rows on the sample editions"
    startups = {row[2]: row[4] for row in results[0]}
    assert startups == {2018: 142.0, 2019: 162.0, 2020: 201.0, 2021: 214.0}
