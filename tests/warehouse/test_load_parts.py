"""An edition held as one whole file and the same edition in parts, in a DuckDB file: never
both at once, so no record is counted twice."""

from __future__ import annotations

import duckdb
import pytest
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.pipeline.ingest import IngestSummary, load_one, record_failures
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import EditionConflictError, load_extraction
from tests.factories import edition

SERIES = "city-book"


def _whole():
    x = edition(2024, {"A": {"件数": {"actual": [1, 2]}}, "B": {"人数": {"actual": [3, 4]}}}, series=SERIES)
    return x.model_copy(update={"family": SERIES, "source_path": "/books/fy2024-whole.pdf"})


def _part(name: str, measures: dict):
    x = edition(2024, measures, series=SERIES)
    return x.model_copy(update={"family": SERIES, "part": name, "source_path": f"/books/fy2024-{name}.pdf"})


PART_A = ("A", {"A": {"件数": {"actual": [1, 2]}}})
PART_B = ("B", {"B": {"人数": {"actual": [3, 4]}}})


def _held(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(
            "SELECT r.part, r.source_path, (SELECT count(*) FROM kpi_values k WHERE k.report_id = r.report_id) "
            "FROM reports r ORDER BY r.part NULLS FIRST"
        ).fetchall()
    finally:
        con.close()


def test_a_part_over_the_whole_edition_is_an_error_naming_both_files(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    try:
        load_extraction(con, _whole())
        with pytest.raises(EditionConflictError) as caught:
            load_extraction(con, _part(*PART_A))
        assert "/books/fy2024-A.pdf" in str(caught.value) and "/books/fy2024-whole.pdf" in str(caught.value)

        # through the pipeline's load step: recorded like any other load error
        summary = IngestSummary()
        load_one(con, summary, _part(*PART_B))
        record_failures(con, summary)
        [failure] = summary.failed
        assert failure.stage == "load" and "/books/fy2024-whole.pdf" in failure.error
        errors = con.execute("SELECT report, stage, error FROM ingest_errors").fetchall()
        assert [(r, s) for r, s, _ in errors] == [("/books/fy2024-B.pdf", "load")]
        assert "/books/fy2024-whole.pdf" in errors[0][2]
    finally:
        con.close()
    assert _held(db) == [(None, "/books/fy2024-whole.pdf", 4)], "nothing of the parts was loaded"


def test_parts_replace_the_whole_edition_once_it_is_deleted_and_a_whole_edition_replaces_parts(tmp_path):
    db = tmp_path / "w.duckdb"
    con = connect(db)
    load_extraction(con, _whole())
    con.close()

    runner = CliRunner()
    missing = runner.invoke(app, ["delete", SERIES, "2023", "--db", str(db)])
    assert missing.exit_code == 1 and "no edition" in missing.output
    deleted = runner.invoke(app, ["delete", SERIES, "2024", "--db", str(db)])
    assert deleted.exit_code == 0, deleted.output
    assert _held(db) == []

    con = connect(db)
    try:
        load_extraction(con, _part(*PART_A))
        load_extraction(con, _part(*PART_B))
    finally:
        con.close()
    assert _held(db) == [("A", "/books/fy2024-A.pdf", 2), ("B", "/books/fy2024-B.pdf", 2)]

    con = connect(db)
    try:
        load_extraction(con, _whole())
    finally:
        con.close()
    assert _held(db) == [(None, "/books/fy2024-whole.pdf", 4)]

    deleted = runner.invoke(app, ["delete", SERIES, "2024", "--part", "A", "--db", str(db)])
    assert deleted.exit_code == 1, "the edition is held whole: there is no part A to delete"
    assert _held(db) == [(None, "/books/fy2024-whole.pdf", 4)]
