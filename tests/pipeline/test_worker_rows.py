"""Worker processes build each edition's warehouse rows; the process holding the warehouse
only inserts them. The warehouse is the same, row for row, as a run that builds every row
in one process."""

from __future__ import annotations

from datetime import UTC, datetime

import duckdb
import pytest

import nenpo.warehouse.load as load
from nenpo.pipeline.guard import Limits
from nenpo.pipeline.ingest import Transferred, extract_for_transfer, ingest
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import edition_rows, load_extraction
from nenpo.warehouse.schema import edition_tables
from tests.conftest import SAMPLE_EDITIONS

NAME = "kawasaki-sme-fy2020.pdf"


WHEN = {"ingested_at", "at", "extracted_at", "seconds"}
"""Columns that say when (and how fast) a file was read or loaded: they differ between any two runs."""


def every_row(db) -> dict[str, list[tuple]]:
    """Every row of every edition table and of ingest_errors, all columns but those of `WHEN`."""
    contents = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in (*edition_tables(), "ingest_errors"):
            columns = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall() if r[0] not in WHEN]
            quoted = ", ".join(f'"{c}"' for c in columns)
            contents[table] = sorted(con.execute(f'SELECT {quoted} FROM "{table}"').fetchall(), key=repr)
    return contents


@pytest.fixture(scope="module")
def in_one_process(tmp_path_factory):
    """The samples, each extracted and loaded in this process (no guard: no child builds rows)."""
    tmp = tmp_path_factory.mktemp("one")
    summary = ingest([SAMPLE_EDITIONS], tmp / "one.duckdb", cache_dir=tmp / "cache", limits=None)
    assert summary.ok and len(summary.loaded) == 3
    return every_row(tmp / "one.duckdb")


def test_two_workers_give_the_warehouse_of_one_process_row_for_row(in_one_process, tmp_path, monkeypatch):
    built_here = []
    real = load.table_rows
    monkeypatch.setattr(load, "table_rows", lambda *a: built_here.append(a[0].name) or real(*a))
    started = datetime.now(UTC)
    summary = ingest(
        [SAMPLE_EDITIONS], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache", runner="processes", workers=2
    )
    assert summary.ok and summary.extracted == 3
    assert built_here == [], "the workers built every row; this process only inserted them"
    rows = every_row(tmp_path / "w.duckdb")
    assert sum(len(v) for v in rows.values()) > 1000
    assert rows == in_one_process
    with duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True) as con:
        stamps = [r[0] for r in con.execute("SELECT ingested_at FROM reports").fetchall()]
    assert len(stamps) == 3 and all(started <= t <= datetime.now(UTC) for t in stamps)


def test_a_sequential_guarded_run_gives_the_same_rows(in_one_process, tmp_path):
    summary = ingest([SAMPLE_EDITIONS], tmp_path / "s.duckdb", cache_dir=tmp_path / "cache")
    assert summary.ok
    assert every_row(tmp_path / "s.duckdb") == in_one_process


def test_a_worker_hands_over_the_json_and_the_rows_of_every_edition_table():
    sent = extract_for_transfer(SAMPLE_EDITIONS / NAME, limits=Limits(), with_rows=True)
    assert isinstance(sent, Transferred)
    assert set(sent.rows) == set(edition_tables())
    assert sent.rows["reports"].num_rows == 1 and sent.rows["kpi_values"].num_rows == 82
    assert isinstance(extract_for_transfer(SAMPLE_EDITIONS / NAME, limits=None), str), "without rows: JSON only"


def test_rows_built_beforehand_are_stamped_with_the_load_and_a_missing_or_stale_table_is_built(tmp_path):
    from nenpo.extractors.models import ReportExtraction

    sent = extract_for_transfer(SAMPLE_EDITIONS / NAME, limits=None, with_rows=True)
    x = ReportExtraction.from_json(sent.json)
    rows = dict(sent.rows)
    del rows["kpi_values"]  # missing: built at the load
    rows["measures"] = rows["measures"].drop_columns(["name"])  # another shape: built at the load
    at = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)
    con = connect(tmp_path / "w.duckdb")
    try:
        result = load_extraction(con, x, ingested_at=at, rows=rows)
        assert result.rows["kpi_values"] == 82 and result.rows["measures"] == len(x.measures)
        assert con.execute("SELECT ingested_at FROM reports").fetchone()[0] == at
        assert con.execute("SELECT count(*) FROM measures WHERE name IS NULL").fetchone()[0] == 0
        again = load_extraction(con, x, rows=edition_rows(x))
        assert again.unchanged, "loading the same file again writes nothing"
    finally:
        con.close()
