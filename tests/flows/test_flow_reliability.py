"""Through the flow and the CLI: a damaged edition ends the run Failed (exit 1) at validate
with the good one kept, `--force` replaces it; a file name with console markup in it is
printed as it is."""

from __future__ import annotations

import duckdb
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from tests.conftest import SAMPLE_EDITIONS
from tests.damage import without_page_content

runner = CliRunner()
FY2020 = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"


def _held(db):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("SELECT sha256, measure_count FROM reports").fetchall()


def test_a_damaged_edition_fails_the_run_at_validate_and_force_replaces_it(tmp_path):
    db = tmp_path / "w.duckdb"
    assert runner.invoke(app, ["ingest", str(FY2020), "--db", str(db), "--no-publish"]).exit_code == 0
    good = _held(db)
    folder = tmp_path / "[" / "red] inbox"  # the path reads ".../[/red] inbox/..."
    folder.mkdir(parents=True)
    damaged = without_page_content(FY2020, folder / "report[final].pdf", 12)

    result = runner.invoke(app, ["ingest", str(damaged), "--db", str(db)])
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "0 loaded, 1 failed" in text and "failed (validate)" in text
    assert "report[final].pdf" in text and "lost their text" in text and "--force" in text
    assert "[/red] inbox" in text
    assert _held(db) == good
    published = tmp_path / "w.published" / "w.duckdb"
    assert _held(published) == good, "the analysts' snapshot keeps the good edition too"

    forced = runner.invoke(app, ["ingest", str(damaged), "--db", str(db), "--force", "--no-publish"])
    assert forced.exit_code == 0, forced.output
    assert _held(db) != good and "replaced" in forced.output
