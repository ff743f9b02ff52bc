"""The README's analyst contract is the warehouse's contract, and its SQL runs."""

from __future__ import annotations

import re

import pytest

from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.db import connect
from nenpo.warehouse.schema import contract_markdown
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS

README = (REPO_ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_contract_section_is_current():
    section = re.search(r"<!-- contract:start -->\n(.*)\n<!-- contract:end -->", README, re.S)
    assert section, "README lacks the contract markers"
    assert section.group(1).strip() == contract_markdown().strip(), "run: python -m nenpo.warehouse.schema README.md"


def test_readme_quickstart_has_the_two_commands():
    assert "make demo" in README and "make test" in README


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    db = tmp_path_factory.mktemp("readme") / "nenpo.duckdb"
    assert ingest([SAMPLE_EDITIONS], db).ok
    return db


def test_readme_sql_examples_run(warehouse):
    queries = re.findall(r"```sql\n(.*?)```", README, re.S)
    assert queries
    con = connect(warehouse, read_only=True)
    try:
        results = [con.execute(q).fetchall() for q in queries]
    finally:
        con.close()
    assert len(queries) >= 5
    assert all(results), "every example returns rows on the sample editions"
    startups = {row[2]: row[4] for row in results[0]}
    assert startups == {2018: 142.0, 2019: 162.0, 2020: 201.0, 2021: 214.0}
