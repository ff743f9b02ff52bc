"""Which family reads a file (`extractors.dispatch`), through a real ingest into DuckDB: a
catch-all family of the lowest priority takes what no other family recognises, a named
family reads what it is given, and the command line lists the families."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from nenpo.extractors import dispatch, registry
from nenpo.extractors.family import DocumentProbe, Recognition, ReportFamily
from nenpo.extractors.models import PageRecord, ReportExtraction, Section
from nenpo.pipeline import cli
from nenpo.pipeline.ingest import ingest
from nenpo.samples.layout import LEFT_X, Page, write_pdf
from tests.conftest import SAMPLE_EDITIONS

KAWASAKI_2020 = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"


def _recognise_anything(probe: DocumentProbe) -> Recognition:
    return Recognition(series="any-report", fiscal_year=None, confidence=0.05, why="any PDF with text")


def _read_first_lines(path, *, claim=None, ocr="auto", verify="auto") -> ReportExtraction:
    """The first page's lines as one section: what a catch-all reader keeps at the least."""
    probe = registry.probe(path)
    lines = [line for line in probe.page_texts[0].split("\n") if line.strip()]
    return ReportExtraction(
        family="catch-all",
        series="any-report",
        report_fiscal_year=(claim.fiscal_year if claim and claim.fiscal_year else 2024),
        title=lines[0],
        source_path=str(path),
        sha256=probe.sha256,
        page_count=len(probe.page_texts),
        extracted_at=datetime.now(UTC),
        pages=tuple(
            PageRecord(page=n, engine="pymupdf", chars={"pymupdf": len(t)}, quality=1.0)
            for n, t in enumerate(probe.page_texts, start=1)
        ),
        sections=(
            Section(
                path=(lines[0],),
                level=1,
                heading=lines[0],
                heading_raw=lines[0],
                text="\n".join(lines[1:]),
                text_raw="\n".join(lines[1:]),
                page=1,
            ),
        ),
    )


CATCH_ALL = ReportFamily(
    id="catch-all",
    title="any report",
    extractor_version="0.0.1",
    recognise=_recognise_anything,
    extract=_read_first_lines,
    priority=-100,
)


@pytest.fixture()
def with_catch_all(monkeypatch):
    families = {"kawasaki-sme": registry.family("kawasaki-sme"), "catch-all": CATCH_ALL}
    monkeypatch.setattr(registry, "_registered", lambda: families)


def _other_report(path: Path) -> Path:
    page = Page(1)
    for k, line in enumerate(("令和６年度 保育施設一覧", "施設名 定員 所在地", "みどり保育園 60 北区")):
        page.text(LEFT_X, 60 + 14 * k, line, 9)
    write_pdf(path, [page], "保育施設一覧")
    return path


def test_the_catch_all_takes_only_what_no_other_family_recognises(with_catch_all, tmp_path):
    other = _other_report(tmp_path / "hoiku.pdf")
    assert [f.id for f in dispatch.candidates(other)] == ["catch-all"]
    assert [f.id for f in dispatch.candidates(KAWASAKI_2020)] == ["kawasaki-sme"]
    x = dispatch.extract_edition(other)
    assert (x.family, x.title, x.sections[0].text) == (
        "catch-all",
        "令和6年度 保育施設一覧",
        "施設名 定員 所在地\nみどり保育園 60 北区",
    )


def test_an_ingest_loads_each_file_with_its_family(with_catch_all, tmp_path):
    other = _other_report(tmp_path / "hoiku.pdf")
    db = tmp_path / "w.duckdb"
    summary = ingest([other, KAWASAKI_2020], db, cache_dir=tmp_path / "cache", limits=None)
    assert summary.ok, summary.failed
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT family, series, report_fiscal_year FROM reports ORDER BY family").fetchall() == [
            ("catch-all", "any-report", 2024),
            ("kawasaki-sme", "kawasaki-sme", 2020),
        ]
        assert con.execute("SELECT heading FROM sections").fetchall() == [("令和6年度 保育施設一覧",)]


def test_a_named_family_reads_the_file_even_when_another_recognises_it(with_catch_all, tmp_path):
    summary = ingest(
        [KAWASAKI_2020],
        tmp_path / "w.duckdb",
        cache_dir=tmp_path / "cache",
        limits=None,
        family="catch-all",
        fiscal_year=2020,
    )
    assert summary.ok, summary.failed
    assert [(x.series, x.report_fiscal_year) for x, _ in summary.loaded] == [("any-report", 2020)]


def test_a_file_without_text_is_offered_to_every_family_by_priority(with_catch_all, tmp_path):
    blank = tmp_path / "scan.pdf"
    write_pdf(blank, [Page(1)], "scan")
    assert [f.id for f in dispatch.candidates(blank)] == ["kawasaki-sme", "catch-all"]


def test_an_unknown_family_is_a_clear_failure(tmp_path):
    summary = ingest([KAWASAKI_2020], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache", limits=None, family="nope")
    (failure,) = summary.failed
    assert failure.stage == "extract" and "unknown report family 'nope'" in failure.error
    assert "kawasaki-sme" in failure.error and str(KAWASAKI_2020) in failure.error


def test_nenpo_families_lists_them():
    result = CliRunner().invoke(cli.app, ["families"])
    assert result.exit_code == 0, result.output
    assert "kawasaki-sme" in result.output and "article_opinions" in result.output
    refused = CliRunner().invoke(cli.app, ["ingest", str(KAWASAKI_2020), "--family", "nope"])
    known = refused.output.split("known families:")[1]
    assert refused.exit_code == 2 and "kawasaki-sme" in known and "generic" in known


def test_a_family_adds_its_own_commands(monkeypatch):
    import typer

    def commands(app: typer.Typer) -> None:
        @app.command("budget-totals")
        def budget_totals(year: int) -> None:
            """A family's own command."""
            typer.echo(f"totals of FY{year}")

    with_cli = ReportFamily(
        id="with-cli",
        title="t",
        extractor_version="1",
        recognise=lambda p: None,
        extract=_read_first_lines,
        cli=commands,
    )
    monkeypatch.setattr(registry, "_registered", lambda: {"with-cli": with_cli})
    app = typer.Typer()

    @app.command()
    def core() -> None:
        """A core command."""

    cli.add_family_commands(app)
    result = CliRunner().invoke(app, ["budget-totals", "2024"])
    assert result.exit_code == 0 and "totals of FY2024" in result.output
