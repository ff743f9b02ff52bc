"""Fuji City's R7 and R8 budget books, split into parts by other people, loaded into a real
DuckDB warehouse: the parts form one edition each, the timeseries view joins R7's 本年度 to
R8's 前年度, and the audit runs the budget-book rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nenpo.extractors.edition import EditionClaim
from nenpo.extractors.families.budget_book.family import extract
from nenpo.warehouse.audit import audit, load_rules
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import load_extraction
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.realpdfs

TRUTH = TEST_DATA / "budget"
SERIES = "fuji-general-account"


@pytest.fixture(scope="module")
def extractions(realpdfs_dir: Path):
    folder = realpdfs_dir / "budget"
    if not folder.is_dir():
        pytest.skip(f"budget books not present at {folder}")
    out = []
    for truth in sorted(TRUTH.glob("*.json")):
        year = json.loads(truth.read_text(encoding="utf-8"))["fiscal_year"]
        out.append(extract(folder / f"{truth.stem}.pdf", claim=EditionClaim(SERIES, year, "command_line"), ocr="never"))
    return out


@pytest.fixture(scope="module")
def warehouse(extractions, tmp_path_factory):
    con = connect(tmp_path_factory.mktemp("budget") / "nenpo.duckdb")
    for x in extractions:
        load_extraction(con, x)
    yield con
    con.close()


def test_split_files_form_one_edition_per_year(warehouse, extractions):
    reports = warehouse.execute(
        "SELECT report_fiscal_year, count(*), list(part ORDER BY part) FROM reports WHERE series = ? GROUP BY 1 ORDER BY 1",
        [SERIES],
    ).fetchall()
    assert reports == [
        (2025, 3, ["front", "revenue-01", "revenue-18"]),
        (2026, 3, ["front", "revenue-01", "revenue-18"]),
    ]
    loaded = warehouse.execute("SELECT count(*) FROM appropriations").fetchone()[0]
    assert loaded == sum(len(x.appropriations) for x in extractions)
    notes = warehouse.execute("SELECT count(*) FROM appropriation_notes").fetchone()[0]
    assert notes == sum(len(x.appropriation_notes) for x in extractions)


def test_reloading_a_part_replaces_only_that_part(warehouse, extractions):
    before = warehouse.execute("SELECT count(*) FROM appropriations").fetchone()[0]
    result = load_extraction(warehouse, extractions[0])
    assert result.unchanged
    assert warehouse.execute("SELECT count(*) FROM appropriations").fetchone()[0] == before


def test_timeseries_row_for_shizei(warehouse):
    rows = warehouse.execute(
        "SELECT fiscal_year, kan, budget_thousand_yen, next_edition_previous_thousand_yen, restated_by_thousand_yen, source "
        "FROM appropriations_timeseries WHERE series = ? AND side = 'revenue' AND level = 'kan' AND kan_no = 1 "
        "ORDER BY fiscal_year",
        [SERIES],
    ).fetchall()
    assert rows == [
        (2025, "市税", 48352400.0, 48352400.0, 0.0, "明細書"),
        (2026, "市税", 49286300.0, None, None, "明細書"),
    ]


def test_timeseries_has_one_row_per_path_and_year(warehouse):
    dupes = warehouse.execute(
        "SELECT count(*) FROM (SELECT series, fiscal_year, side, level, kan_no, kou_no, moku_no, setsu_no, count(*) n "
        "FROM appropriations_timeseries GROUP BY ALL HAVING n > 1)"
    ).fetchone()[0]
    assert dupes == 0
    moku = warehouse.execute(
        "SELECT budget_thousand_yen, next_edition_previous_thousand_yen FROM appropriations_timeseries "
        "WHERE fiscal_year = 2025 AND level = 'moku' AND kan_no = 18 AND kou_no = 1 AND moku_no = 5"
    ).fetchone()
    assert moku == (502.0, 502.0)  # 教育費寄附金: R7 本年度, R8 前年度


def test_audit_runs_the_budget_rules(warehouse):
    names = set(load_rules())
    assert {
        "budget_change_mismatch",
        "budget_children_sum",
        "budget_parts_disagree",
        "budget_restated",
        "budget_account_changes",
    } <= names
    run = audit(warehouse, reuse=False)
    budget = sorted((f.check, f.indicator) for f in run.findings if f.check.startswith("budget_"))
    # The books keep every identity; what the audit shows is the text layer's two misprinted
    # names (邴 for 都 in R8's 市税 file, a lost 塡 in R7's 第1表), as renames.
    assert budget == [
        ("budget_account_renamed", "歳入 款1 項5 目1 都市計画税"),
        ("budget_account_renamed", "歳入 款1 項5 都市計画税"),
        ("budget_account_renamed", "歳入 款10 項2 新型コロナウイルス感染症対策地方税減収補特別交付金"),
    ]
    stored = warehouse.execute("SELECT count(*) FROM audit_findings WHERE \"check\" LIKE 'budget_%'").fetchone()
    assert stored[0] == 3


def test_nenpo_budget_shows_the_trend(extractions, tmp_path):
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    db = tmp_path / "w.duckdb"
    con = connect(db)
    for x in extractions:
        load_extraction(con, x)
    con.close()
    result = CliRunner().invoke(app, ["budget", "市税", "--db", str(db)])
    assert result.exit_code == 0, result.output
    line = next(l for l in result.output.splitlines() if "市税" in l)
    assert "48,352,400" in line and "49,286,300" in line and "next:" not in line
    result = CliRunner().invoke(app, ["budget", "寄附金", "--level", "moku", "--db", str(db)])
    assert "教育費寄附金" in result.output and "1,500" in result.output
