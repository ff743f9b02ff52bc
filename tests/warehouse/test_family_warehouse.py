"""The warehouse for every family: editions of a family other than Kawasaki's, loaded from
records typed here, into a real DuckDB file; KPI time series, restatements, `compare`,
`show` and `audit` across its editions; editions in parts; the migration from schema 3."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from nenpo.extractors.models import (
    CategoryValue,
    CostValue,
    KpiValue,
    Measure,
    PageRecord,
    PdcaItem,
    ReportExtraction,
    Section,
)
from nenpo.pipeline import cli
from nenpo.warehouse.audit import audit
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import EditionConflictError, delete_edition, load_extraction
from nenpo.warehouse.schema import SCHEMA_VERSION, tables_by_name

FAMILY = "test-family"
SERIES = "ikeda-jimujigyo"
MEASURE = "地域防災推進事業"
INDICATOR = "防災訓練参加者数"


def _sha(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def _kpi(fy: int, kind: str, value: float | None, label: str, *, text: str | None = None, page: int = 1) -> KpiValue:
    return KpiValue(
        measure=MEASURE,
        indicator=INDICATOR,
        indicator_raw=INDICATOR,
        unit="人",
        unit_raw="人",
        fiscal_year=fy,
        kind=kind,
        kind_raw=label,
        value=value,
        value_text=text or f"{value:,.0f}",
        status="reported",
        table_no=1,
        page=page,
        bbox=(100.0, 200.0, 150.0, 212.0),
    )


def sheet(
    edition_year: int, kpis: list[KpiValue], *, seed: str | None = None, ocr_page: bool = False
) -> ReportExtraction:
    """One 事務事業評価シート of edition `edition_year` (令和N年度 evaluating the year before)."""
    source = "ocr" if ocr_page else "text_layer"
    return ReportExtraction(
        family=FAMILY,
        series=SERIES,
        report_fiscal_year=edition_year,
        title=f"令和{edition_year - 2018}年度 事務事業評価シート",
        source_path=f"/data/{SERIES}-{edition_year}.pdf",
        sha256=_sha(seed or f"{SERIES}-{edition_year}"),
        page_count=2,
        extractor_version="9.9.9",
        extracted_at=datetime(2025, 6, 1, tzinfo=UTC),
        pages=(
            PageRecord(page=1, engine="pymupdf", chars={"pymupdf": 900}, quality=0.97),
            PageRecord(page=2, engine="ocr", chars={"ocr": 400}, quality=0.8, conf=0.91, text_source=source),
        ),
        measures=(Measure(name=MEASURE, name_raw=MEASURE, page_start=1, page_end=2, bbox=(40.0, 50.0, 500.0, 70.0)),),
        kpi_values=tuple(kpis),
        pdca_items=(
            PdcaItem(
                measure=MEASURE,
                phase="plan",
                item_no=1,
                text="自主防災組織の訓練を支援する。",
                text_raw="自主防災組織の訓練を支援する。",
                page=1,
            ),
            PdcaItem(
                measure=MEASURE,
                phase="check",
                item_no=1,
                text="参加者は増えたが若年層が少ない。",
                text_raw="参加者は増えたが若年層が少ない。",
                page=2,
                text_source=source,
            ),
            PdcaItem(
                measure=MEASURE,
                phase="action",
                item_no=1,
                text="学校と連携した訓練を行う。",
                text_raw="学校と連携した訓練を行う。",
                page=2,
                text_source=source,
            ),
        ),
        sections=(
            Section(
                measure=MEASURE,
                path=("事業の概要",),
                level=1,
                heading="事業の概要",
                heading_raw="１ 事業の概要",
                text="市民の防災力を高める。",
                text_raw="市民の防災力を高める。",
                page=1,
                bbox=(40.0, 90.0, 200.0, 104.0),
            ),
            Section(
                measure=MEASURE,
                path=("事業の概要", "目的"),
                level=2,
                heading="目的",
                heading_raw="(1) 目的",
                text="災害に備える。",
                text_raw="災害に備える。",
                page=1,
                page_end=2,
            ),
        ),
        costs=(
            CostValue(
                measure=MEASURE,
                item="事業費",
                item_raw="事業費",
                fiscal_year=edition_year - 1,
                basis="settled",
                basis_raw=f"R{edition_year - 2019}決算",
                thousand_yen=12_345.0,
                value_text="12,345",
                unit_raw="千円",
                page=2,
                bbox=(300.0, 400.0, 360.0, 412.0),
            ),
            CostValue(
                measure=MEASURE,
                item="一般財源",
                item_raw="うち一般財源",
                fiscal_year=edition_year,
                basis="budget",
                basis_raw=f"R{edition_year - 2018}予算",
                thousand_yen=None,
                value_text="－",
                page=2,
            ),
        ),
        categories=(
            CategoryValue(
                measure=MEASURE,
                field="direction",
                label_raw="今後の方向性",
                value="現状維持",
                value_raw="現状維持",
                page=2,
            ),
        ),
    )


R5 = [
    _kpi(2022, "target", 500, "目標値"),
    _kpi(2022, "actual", 450, "実績値"),
    _kpi(2023, "target", 520, "目標値"),
    _kpi(2023, "forecast", 480, "R5見込"),
]
R6 = [
    _kpi(2022, "actual", 455, "実績値", page=2),
    _kpi(2023, "target", 520, "目標値"),
    _kpi(2023, "actual", 530, "実績値"),
    _kpi(2024, "target", 540, "目標値"),
]


@pytest.fixture()
def db(tmp_path):
    path = tmp_path / "nenpo.duckdb"
    with connect(path) as con:
        load_extraction(con, sheet(2023, R5))
        load_extraction(con, sheet(2024, R6, ocr_page=True))
        audit(con)
    return path


def test_the_family_and_its_records_are_loaded_by_name(db):
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT family, part, report_fiscal_year FROM reports ORDER BY 3").fetchall() == [
            (FAMILY, None, 2023),
            (FAMILY, None, 2024),
        ]
        assert con.execute(
            "SELECT path, level, heading_raw, text, page, page_end, bbox_top FROM sections "
            "WHERE report_fiscal_year = 2024 ORDER BY ordinal"
        ).fetchall() == [
            (["事業の概要"], 1, "１ 事業の概要", "市民の防災力を高める。", 1, None, 90.0),
            (["事業の概要", "目的"], 2, "(1) 目的", "災害に備える。", 1, 2, None),
        ]
        costs = con.execute(
            "SELECT c.measure_id = m.measure_id, item_raw, c.fiscal_year, basis, basis_raw, thousand_yen, value_text, unit_raw "
            "FROM costs c JOIN measures m USING (report_id) WHERE c.report_fiscal_year = 2024 ORDER BY c.ordinal"
        ).fetchall()
        assert costs == [
            (True, "事業費", 2023, "settled", "R5決算", 12345.0, "12,345", "千円"),
            (True, "うち一般財源", 2024, "budget", "R6予算", None, "－", None),
        ]
        assert con.execute(
            "SELECT field, label_raw, value FROM categories WHERE report_fiscal_year = 2023"
        ).fetchall() == [("direction", "今後の方向性", "現状維持")]
        assert con.execute(
            "SELECT kind, kind_raw FROM kpi_values WHERE report_fiscal_year = 2023 ORDER BY ordinal"
        ).fetchall() == [("target", "目標値"), ("actual", "実績値"), ("target", "目標値"), ("forecast", "R5見込")]
        # OCR provenance: which rows were recognised, and how sure the page was
        assert con.execute(
            "SELECT report_fiscal_year, page, text_source, conf FROM report_pages WHERE page = 2 ORDER BY 1"
        ).fetchall() == [(2023, 2, "text_layer", 0.91), (2024, 2, "ocr", 0.91)]
        assert con.execute(
            "SELECT phase, text_source FROM pdca_items WHERE report_fiscal_year = 2024 ORDER BY ordinal"
        ).fetchall() == [("plan", "text_layer"), ("check", "ocr"), ("action", "ocr")]
        # none of Kawasaki's own tables holds a row of it
        assert con.execute("SELECT count(*) FROM budget_items").fetchone()[0] == 0


def test_kpi_timeseries_and_restatements_across_its_editions(db):
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT fiscal_year, target, actual, target_report_fiscal_year, actual_report_fiscal_year, editions "
            "FROM kpi_timeseries WHERE series = ? AND measure = ? AND indicator = ? ORDER BY fiscal_year",
            [SERIES, MEASURE, INDICATOR],
        ).fetchall()
        assert rows == [
            (2022, 500.0, 455.0, 2023, 2024, 2),
            (2023, 520.0, 530.0, 2024, 2024, 2),
            (2024, 540.0, None, 2024, None, 1),
        ]
        assert con.execute(
            "SELECT fiscal_year, kind, earlier_value, later_value, later_page FROM kpi_restatements WHERE series = ?",
            [SERIES],
        ).fetchall() == [(2022, "actual", 450.0, 455.0, 2)]
        findings = con.execute(
            'SELECT "check", fiscal_year FROM audit_findings WHERE series = ? AND "check" = \'restated_value\'',
            [SERIES],
        ).fetchall()
        assert findings == [("restated_value", 2022)]


@pytest.fixture()
def wide_console(monkeypatch):
    monkeypatch.setattr(cli, "console", Console(width=1000, markup=False))


def test_compare_show_and_audit_on_the_command_line(db, wide_console):
    runner = CliRunner()
    compared = runner.invoke(cli.app, ["compare", "防災", "--db", str(db)])
    assert compared.exit_code == 0, compared.output
    line = next(line for line in compared.output.splitlines() if INDICATOR in line)
    assert "455 / 500" in line and "530 / 520" in line and "FY2024" in compared.output
    shown = runner.invoke(cli.app, ["show", "防災推進", "--db", str(db)])
    assert shown.exit_code == 0, shown.output
    assert "FY2023 edition · ikeda-jimujigyo" in shown.output and "FY2024 edition · ikeda-jimujigyo" in shown.output
    assert "参加者は増えたが若年層が少ない。" in shown.output and "学校と連携した訓練を行う。" in shown.output
    audited = runner.invoke(cli.app, ["audit", "--db", str(db), "--format", "json"])
    assert audited.exit_code == 0, audited.output
    assert '"check":"restated_value"' in audited.output.replace(" ", "")


def _part(part: str, seed: str, amount: float) -> ReportExtraction:
    x = sheet(2024, [], seed=seed)
    cost = x.costs[0].model_copy(update={"item": part, "item_raw": part, "thousand_yen": amount})
    return x.model_copy(update={"series": "budget-book-test", "part": part, "costs": (cost,)})


def test_a_part_replaces_only_its_own_rows(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        load_extraction(con, _part("第1款", "p1", 100.0))
        load_extraction(con, _part("第2款", "p2", 200.0))

        def held():
            return con.execute(
                "SELECT part, item, thousand_yen FROM costs JOIN reports USING (report_id) ORDER BY part"
            ).fetchall()

        assert held() == [("第1款", "第1款", 100.0), ("第2款", "第2款", 200.0)]
        again = load_extraction(con, _part("第1款", "p1", 100.0))
        assert again.unchanged
        replaced = load_extraction(con, _part("第1款", "p1-corrected", 150.0))
        assert replaced.replaced_report_id == _sha("p1")[:16]
        assert held() == [("第1款", "第1款", 150.0), ("第2款", "第2款", 200.0)]
        with pytest.raises(EditionConflictError, match="part '第2款'"):  # one file is one part
            load_extraction(con, _part("第1款", "p2", 1.0))
        whole = _part("第1款", "whole", 999.0).model_copy(update={"part": None})
        load_extraction(con, whole)  # the whole edition replaces every part
        assert held() == [(None, "第1款", 999.0)]
        assert con.execute("SELECT count(*) FROM measures").fetchone()[0] == 1
        # a part beside the whole edition would count its records twice: refused, nothing written
        with pytest.raises(EditionConflictError, match="holds whole from"):
            load_extraction(con, _part("第2款", "p2", 200.0))
        assert held() == [(None, "第1款", 999.0)]
        assert delete_edition(con, "budget-book-test", 2024, part="第2款") is None
        assert delete_edition(con, "budget-book-test", 2024) == _sha("whole")[:16]
        assert held() == []
        load_extraction(con, _part("第2款", "p2", 200.0))
        assert delete_edition(con, "budget-book-test", 2024, part="第2款") == _sha("p2")[:16]
        assert held() == []


def test_an_extraction_comes_back_from_json_as_its_familys_type():
    x = sheet(2023, R5)
    back = ReportExtraction.from_json(x.model_dump_json())
    assert type(back) is ReportExtraction and back == x  # a family not installed: the shared records
    from nenpo.extractors.families.kawasaki_sme.models import KawasakiExtraction

    k = KawasakiExtraction(**{**x.model_dump(), "family": "kawasaki-sme"})
    assert type(ReportExtraction.from_json(k.model_dump_json().encode())) is KawasakiExtraction


V3_REPORTS = """CREATE TABLE reports (
    report_id VARCHAR NOT NULL, series VARCHAR NOT NULL, report_fiscal_year INTEGER NOT NULL, title VARCHAR NOT NULL,
    source_path VARCHAR NOT NULL, sha256 VARCHAR NOT NULL, page_count INTEGER NOT NULL,
    extractor_version VARCHAR NOT NULL, ingested_at TIMESTAMP WITH TIME ZONE NOT NULL,
    extracted_at TIMESTAMP WITH TIME ZONE NOT NULL, seconds DOUBLE NOT NULL, measure_count INTEGER NOT NULL,
    kpi_value_count INTEGER NOT NULL, warning_count INTEGER NOT NULL,
    PRIMARY KEY (report_id), UNIQUE (series, report_fiscal_year))"""
"""The reports table as schema version 3 declared it."""


def test_a_version_3_file_is_migrated_to_version_4(tmp_path):
    path = tmp_path / "v3.duckdb"
    with connect(path) as con:  # make a file as version 3 left it
        load_extraction(con, sheet(2023, R5))
        con.execute("CREATE TABLE old_reports AS SELECT * EXCLUDE (family, part) FROM reports")
        con.execute("DROP TABLE reports")
        con.execute(V3_REPORTS)
        con.execute("INSERT INTO reports SELECT * FROM old_reports")
        con.execute("DROP TABLE old_reports")
        con.execute(
            "CREATE TABLE old_kpis AS SELECT * EXCLUDE (kind_raw, text_source) FROM kpi_values WHERE kind <> 'forecast'"
        )
        con.execute("DROP TABLE kpi_values")
        con.execute("CREATE TABLE kpi_values AS SELECT * FROM old_kpis")
        con.execute("DROP TABLE old_kpis")
        for table in ("measures", "pdca_items", "report_pages", "extraction_warnings", "table_cells"):
            con.execute(f"ALTER TABLE {table} DROP COLUMN text_source")
        con.execute("ALTER TABLE report_pages DROP COLUMN conf")
        for table in ("sections", "costs", "categories", "article_opinions"):
            con.execute(f"DROP TABLE {table}")
        con.execute("ALTER TABLE stat_values DROP COLUMN text_source")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version (version) VALUES (1), (2), (3)")
    with connect(path) as con:
        assert con.execute("SELECT max(version) FROM schema_version").fetchone()[0] == SCHEMA_VERSION == 4
        tables = tables_by_name()
        for name in (
            "reports",
            "kpi_values",
            "measures",
            "report_pages",
            "sections",
            "costs",
            "stat_values",
            "article_opinions",
        ):
            columns = con.execute(
                "SELECT list(column_name ORDER BY column_index) FROM duckdb_columns() WHERE table_name = ?", [name]
            ).fetchone()[0]
            assert set(columns) == set(tables[name].column_names), name
        # the data is kept, the family of an old edition is its series' (one family per series until 4)
        assert con.execute("SELECT family, part FROM reports").fetchall() == [(SERIES, None)]
        assert con.execute("SELECT count(*), count(kind_raw) FROM kpi_values").fetchone() == (3, 0)
        assert con.execute("SELECT DISTINCT text_source FROM measures").fetchall() == [("text_layer",)]
        # and version 4's rules hold: a forecast may be loaded, a second part of an edition too
        load_extraction(con, sheet(2023, R5, seed="again"))
        assert con.execute("SELECT count(*) FROM kpi_values WHERE kind = 'forecast'").fetchone()[0] == 1
        load_extraction(con, sheet(2024, R6).model_copy(update={"part": "別冊"}))
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 2


def test_a_column_no_record_fills_is_an_error_not_nulls():
    from dataclasses import replace

    from nenpo.warehouse import load as load_module
    from nenpo.warehouse.schema import VARCHAR, Column

    sections = tables_by_name()["sections"]
    misspelt = replace(sections, columns=sections.columns + (Column("heading_rwa", VARCHAR, "misspelt"),))
    with pytest.raises(TypeError, match="'heading_rwa' is no attribute of Section"):
        load_module._row_values(misspelt, sheet(2023, R5), datetime.now(UTC))
