"""`nenpo ingest PATH --series ID --fiscal-year N` through the real CLI and flow: the
edition of a file that names none, and a file that names another edition."""

from __future__ import annotations

import shutil

import duckdb
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.samples.layout import LEFT_X, Page, write_pdf
from tests.conftest import SAMPLE_EDITIONS

runner = CliRunner()


def test_command_line_edition_for_a_file_that_names_none(tmp_path):
    page = Page(1)
    page.text(LEFT_X, 60, "川崎市の中小企業", 9)
    plain = tmp_path / "plain.pdf"
    write_pdf(plain, [page], "untitled")
    db = tmp_path / "w.duckdb"
    base = ["--db", str(db), "--no-publish", "--cache-dir", str(tmp_path / "cache")]

    refused = runner.invoke(app, ["ingest", str(plain), *base])
    assert refused.exit_code == 1 and "not an edition of a known report series" in refused.output

    loaded = runner.invoke(app, ["ingest", str(plain), *base, "--series", "kawasaki-sme", "--fiscal-year", "2020"])
    assert loaded.exit_code == 0, loaded.output
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT series, report_fiscal_year FROM reports").fetchall() == [("kawasaki-sme", 2020)]
        assert con.execute("SELECT code FROM extraction_warnings").fetchall() == [("edition_from_claim",)]


def test_a_file_naming_another_edition_fails_validation(tmp_path):
    fy2020 = tmp_path / "fy2020.pdf"
    shutil.copy(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf", fy2020)
    result = runner.invoke(
        app,
        [
            "ingest",
            str(fy2020),
            "--db",
            str(tmp_path / "w.duckdb"),
            "--no-publish",
            "--fiscal-year",
            "2019",
        ],
    )
    assert result.exit_code == 1
    output = " ".join(result.output.split())
    assert "validate" in output and "FY2019" in output and "FY2020" in output


def test_edition_flags_need_a_path(tmp_path):
    result = runner.invoke(app, ["ingest", "--db", str(tmp_path / "w.duckdb"), "--fiscal-year", "2020"])
    assert result.exit_code == 2
