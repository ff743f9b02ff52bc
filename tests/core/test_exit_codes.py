"""Each exit code in docs/data-team.md's table, produced through the CLI; and every error nenpo
raises on purpose is a `NenpoError` of one of the families users meet."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nenpo.core import errors
from nenpo.pipeline.cli import app
from nenpo.pipeline.ingest import extract_one, load_batch
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS

runner = CliRunner()
DATA_TEAM = REPO_ROOT / "docs" / "data-team.md"


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory) -> Path:
    db = tmp_path_factory.mktemp("exit") / "w.duckdb"
    assert load_batch(db, [extract_one(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")]).ok
    return db


def _codes_documented() -> dict[int, str]:
    """The rows of the exit-code table: `| 0 | done … |`."""
    text = DATA_TEAM.read_text(encoding="utf-8")
    return {int(code): what for code, what in re.findall(r"^\| (\d) \| (.+?) \|", text, flags=re.M)}


def test_the_table_lists_exactly_the_codes_nenpo_uses():
    assert sorted(_codes_documented()) == [0, 1, 2]


def test_exit_0_when_the_command_did_what_it_was_asked(warehouse):
    result = runner.invoke(app, ["audit", "--db", str(warehouse)])
    assert result.exit_code == 0, result.output


def test_exit_1_when_nothing_matched(warehouse):
    result = runner.invoke(app, ["show", "存在しない施策名", "--db", str(warehouse)])
    assert result.exit_code == 1 and "no measure named" in result.output


def test_exit_1_when_a_report_failed_to_load(tmp_path):
    damaged = tmp_path / "damaged.pdf"
    damaged.write_bytes((SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf").read_bytes()[:5000])
    result = runner.invoke(app, ["ingest", str(damaged), "--db", str(tmp_path / "w.duckdb"), "--no-prefect"])
    assert result.exit_code == 1, result.output
    assert "damaged.pdf" in result.output


def test_exit_2_for_a_source_error(tmp_path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("series: [1, 2\n", encoding="utf-8")
    result = runner.invoke(app, ["sources", "list", "--catalogue", str(catalogue), "--db", str(tmp_path / "w.duckdb")])
    assert result.exit_code == 2, result.output
    assert str(catalogue) in result.output and "Traceback" not in result.output


def test_exit_2_for_a_warehouse_error(tmp_path):
    import duckdb

    db = tmp_path / "sales.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE sales (x INTEGER)")
    result = runner.invoke(app, ["compare", "--db", str(db)])
    assert result.exit_code == 2 and str(db) in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["audit", "--format", "xml"],
        ["audit", "--fail-on", "notice"],
        ["ingest", "x.pdf", "--ocr", "sometimes"],
        ["ingest", "x.pdf", "--runner", "gpu"],
        ["ingest", "x.pdf", "--verify", "maybe"],
    ],
    ids=lambda a: " ".join(a[-2:]),
)
def test_exit_2_for_a_choice_that_does_not_exist(warehouse, args):
    result = runner.invoke(app, [*args, "--db", str(warehouse)])
    assert result.exit_code == 2 and args[-1] in result.output


@pytest.mark.parametrize(
    ("module", "name", "family"),
    [
        ("nenpo.extractors.pages", "DamagedPdfError", errors.PdfError),
        ("nenpo.extractors.errors", "UnrecognisedReportError", errors.PdfError),
        ("nenpo.extractors.errors", "NeedsOcrError", errors.PdfError),
        ("nenpo.sources.catalogue", "CatalogueError", errors.SourceError),
        ("nenpo.sources.fetch", "FetchError", errors.SourceError),
        ("nenpo.extractors.profiles.load", "ProfileError", errors.ProfileError),
        ("nenpo.warehouse.schema", "SchemaVersionError", errors.WarehouseError),
        ("nenpo.warehouse.load", "EditionConflictError", errors.WarehouseError),
        ("nenpo.warehouse.db", "WarehouseLockedError", errors.WarehouseError),
        ("nenpo.warehouse.folders", "FolderNotOursError", errors.WarehouseError),
        ("nenpo.warehouse.cycle", "MeasureNotFound", errors.AuditError),
        ("nenpo.warehouse.cycle", "AmbiguousMeasure", errors.AuditError),
        ("nenpo.extractors.registry", "UnknownFamilyError", errors.NenpoError),
    ],
)
def test_each_error_sits_in_its_family(module, name, family):
    import importlib

    cls = getattr(importlib.import_module(module), name)
    assert issubclass(cls, family) and issubclass(cls, errors.NenpoError)


def test_the_old_bases_still_catch():
    from nenpo.sources.catalogue import CatalogueError
    from nenpo.warehouse.cycle import MeasureNotFound
    from nenpo.warehouse.schema import SchemaVersionError

    assert issubclass(CatalogueError, ValueError)
    assert issubclass(MeasureNotFound, LookupError)
    assert issubclass(SchemaVersionError, RuntimeError)


def test_a_pdf_error_names_file_and_page():
    error = errors.PdfError("/data/r.pdf", "no text layer", page=7)
    assert str(error) == "/data/r.pdf, page 7: no text layer"
