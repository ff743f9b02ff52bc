"""Text from a PDF, a file name or a catalogue is shown as text: not as console markup, not
as HTML or Markdown in the Prefect artifact, not as a formula in a CSV."""

from __future__ import annotations

import csv
import io

import pytest
from rich.console import Console
from typer.testing import CliRunner

from nenpo.pipeline import cli
from nenpo.pipeline.safe_text import csv_cell, csv_safe, md_cell
from nenpo.pipeline.summary import audit_markdown
from nenpo.warehouse.audit import Finding
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import load_extraction
from tests.factories import edition

runner = CliRunner()
HOSTILE = "[/]商業[link=https://evil.example]力[/link][bold red]強化"


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        load_extraction(con, edition(2020, {HOSTILE: {"[/red]件数": {"target": [90, 95], "actual": [160, 201]}}}))
    return path


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """The CLI's own console, wide enough for one table row per line."""
    monkeypatch.setattr(cli.console, "_width", 1000)


def test_show_prints_a_measure_name_with_markup_as_it_is(db):
    result = runner.invoke(cli.app, ["show", "強化", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert HOSTILE in result.output and "[/red]件数" in result.output


def test_compare_prints_markup_as_it_is(db):
    result = runner.invoke(cli.app, ["compare", "--db", str(db)])
    assert result.exit_code == 0, result.output
    cells = [line.split("│")[1:3] for line in result.output.splitlines() if line.count("│") > 3]
    measure, indicator = ("".join(column).replace(" ", "") for column in zip(*cells))
    assert measure == HOSTILE.replace(" ", "") and indicator.startswith("[/red]件数")


def test_an_ingest_failure_names_a_file_with_brackets_as_it_is(tmp_path, monkeypatch):
    """A summary of a failed report (printed without running a flow) keeps `report[final].pdf`."""
    from nenpo.pipeline.ingest import IngestFailure, IngestSummary

    summary = IngestSummary(db=str(tmp_path / "[/red].duckdb"))
    summary.failed.append(IngestFailure(str(tmp_path / "report[final].pdf"), "extract", "[/] is not a PDF"))
    buffer = io.StringIO()
    monkeypatch.setattr(cli, "console", Console(file=buffer, width=300, markup=False))
    monkeypatch.setattr(cli, "err_console", Console(file=buffer, width=300, markup=False))
    cli._print_summary(summary)
    out = buffer.getvalue()
    assert "report[final].pdf" in out and "[/red].duckdb" in out and "[/] is not a PDF" in out


def test_the_consoles_do_not_read_markup():
    assert cli.console._markup is False and cli.err_console._markup is False


def test_csv_cells_that_start_a_formula_are_neutralised():
    assert csv_cell('=HYPERLINK("https://evil.example","162")') == '\'=HYPERLINK("https://evil.example","162")'
    assert [csv_cell(v) for v in ("+1", "-1+2", "@SUM(A1)", "\t=1", "商業", 5, None)] == [
        "'+1",
        "'-1+2",
        "'@SUM(A1)",
        "'\t=1",
        "商業",
        5,
        None,
    ]


def test_audit_csv_writes_a_formula_named_measure_as_text(tmp_path):
    db = tmp_path / "w.duckdb"
    name = '=HYPERLINK("https://evil.example","x")'
    with connect(db) as con:
        load_extraction(con, edition(2019, {name: {"件数": {"target": [90, 95], "actual": [150, 160]}}}))
        load_extraction(con, edition(2020, {name: {"件数": {"target": [95, 99], "actual": [162, 201]}}}))
    result = runner.invoke(cli.app, ["audit", "--format", "csv", "--db", str(db)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.output)))
    measures = {row["measure"] for row in rows}
    assert measures, "FY2019's actual is restated (160 → 162): a finding"
    assert all(not m.startswith(("=", "+", "-", "@")) for m in measures)
    assert "'" + name in measures


def test_csv_safe_keeps_numbers_numbers():
    import pandas as pd

    frame = pd.DataFrame({"detail": ["=1+1", "ok"], "page": [-3, 4]})
    safe = csv_safe(frame)
    assert safe["detail"].tolist() == ["'=1+1", "ok"] and safe["page"].tolist() == [-3, 4]


def test_markdown_cells_show_html_as_text():
    assert md_cell("<img src=x onerror=alert(1)> | ①\n次") == "&lt;img src=x onerror=alert(1)&gt; \\| ① 次"
    finding = Finding(
        check="c",
        severity="warning",
        report_fiscal_year=2020,
        measure="<script>x</script>",
        indicator=None,
        fiscal_year=None,
        page=3,
        detail="a & b",
    )
    markdown = audit_markdown([finding], "<b>db</b>")
    assert "<script>" not in markdown and "<b>" not in markdown
    assert "&lt;script&gt;x&lt;/script&gt;" in markdown and "a &amp; b" in markdown
