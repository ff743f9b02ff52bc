"""Warehouse: schema contract, loading rules, kpi_timeseries, locking, error log.

Every test uses a real DuckDB file in tmp_path and hand-made ReportExtraction objects.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
from datetime import UTC, datetime

import duckdb
import pytest

from nenpo.extractors.models import (
    EXTRACTOR_VERSION,
    ExtractionWarning,
    KpiValue,
    Measure,
    PageRecord,
    ReportExtraction,
)
from nenpo.warehouse import load as load_module
from nenpo.warehouse.db import WarehouseLockedError, connect
from nenpo.warehouse.load import EditionConflictError, delete_edition, load_extraction, record_error
from nenpo.warehouse.schema import (
    CONTRACT,
    EDITION_TABLES,
    SCHEMA_VERSION,
    TABLES,
    TABLES_BY_NAME,
    SchemaVersionError,
    contract_markdown,
)

SERIES = "kawasaki-sme"
M_SOGYO = "起業化総合支援事業"
M_SHINSANGYO = "新産業創造支援事業"

# The analysts' contract as docs/analysts.md promises it, kept independent of schema.CONTRACT so that
# dropping a column from CONTRACT cannot make the contract test pass silently.
REQUIRED: dict[str, list[str]] = {
    "reports": [
        "report_id",
        "series",
        "report_fiscal_year",
        "title",
        "source_path",
        "sha256",
        "page_count",
        "extractor_version",
        "ingested_at",
    ],
    "measures": [
        "measure_id",
        "report_id",
        "report_fiscal_year",
        "article",
        "parent",
        "name",
        "page_start",
        "page_end",
    ],
    "kpi_values": [
        "report_id",
        "report_fiscal_year",
        "measure",
        "indicator",
        "unit",
        "fiscal_year",
        "kind",
        "value",
        "value_text",
        "status",
        "annotation",
        "sub_value",
        "page",
        "indicator_raw",
        "unit_raw",
        "table_no",
        "bbox_x0",
        "bbox_top",
        "bbox_x1",
        "bbox_bottom",
        "sha256",
        "extractor_version",
    ],
    "report_pages": ["report_id", "page", "engine", "chars_pymupdf", "chars_pdfplumber", "quality", "flags"],
    "extraction_warnings": [
        "report_id",
        "report_fiscal_year",
        "code",
        "message",
        "page",
        "measure",
        "indicator",
    ],
    "ingest_errors": ["report", "stage", "error", "at", "sha256", "page"],
    "audit_runs": ["audited_at", "inputs_fingerprint", "editions", "findings", "seconds"],
    "kpi_timeseries": [
        "measure",
        "indicator",
        "fiscal_year",
        "target",
        "actual",
        "achievement_ratio",
        "unit",
        "target_status",
        "actual_status",
        "source_report_fiscal_year",
        "source_report_id",
        "target_report_fiscal_year",
        "actual_report_fiscal_year",
        "editions",
    ],
}


# --- hand-made editions ----------------------------------------------------------------------


def sha(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def kpi(
    indicator: str,
    fiscal_year: int,
    kind: str,
    value: float | None,
    *,
    measure: str = M_SOGYO,
    unit: str | None = "件",
    text: str | None = None,
    status: str = "reported",
    table_no: int = 1,
    page: int = 2,
    annotation: str | None = None,
    sub_value: float | None = None,
) -> KpiValue:
    return KpiValue(
        measure=measure,
        indicator=indicator,
        indicator_raw=f"○{indicator}",
        unit=unit,
        unit_raw=unit,
        fiscal_year=fiscal_year,
        kind=kind,
        value=value,
        value_text=text if text is not None else ("" if value is None else f"{value:g}"),
        status=status,
        annotation=annotation,
        sub_value=sub_value,
        table_no=table_no,
        page=page,
        bbox=(72.0, 100.0 + table_no, 300.0, 112.5 + table_no),
    )


def edition(
    fy: int,
    kpis: list[KpiValue] | None = None,
    *,
    seed: str | None = None,
    version: str = EXTRACTOR_VERSION,
    series: str = SERIES,
) -> ReportExtraction:
    if kpis is None:
        kpis = [
            kpi("創業実績件数", fy - 1, "target", 100, annotation="新規38件・変更21件"),
            kpi("創業実績件数", fy - 1, "actual", 90, sub_value=12),
            kpi("創業実績件数", fy, "target", 110),
            kpi("創業実績件数", fy, "actual", 95),
            kpi("支援企業数", fy, "target", 30, measure=M_SHINSANGYO, unit="社", table_no=2, page=3),
        ]
    return ReportExtraction(
        series=series,
        report_fiscal_year=fy,
        title=f"令和{fy - 2018}年度 中小企業活性化施策実施状況報告書",
        source_path=f"/data/{series}-fy{fy}.pdf",
        sha256=sha(seed or f"{series}-{fy}"),
        page_count=4,
        extractor_version=version,
        extracted_at=datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        seconds=1.5,
        pages=tuple(
            PageRecord(
                page=p,
                engine="pymupdf",
                chars={"pymupdf": 1000 + p, "pdfplumber": 990 + p},
                quality=0.95,
                flags=("garbled",) if p == 4 else (),
            )
            for p in range(1, 5)
        ),
        measures=(
            Measure(
                name=M_SOGYO,
                name_raw=f" {M_SOGYO}",
                parent="創業支援",
                position=1,
                article=5,
                article_title="創業の促進",
                page_start=2,
                page_end=2,
                bbox=(50.0, 60.0, 500.0, 80.0),
            ),
            Measure(name=M_SHINSANGYO, name_raw=M_SHINSANGYO, article=6, page_start=3, page_end=4),
        ),
        kpi_values=tuple(kpis),
        warnings=(
            ExtractionWarning(
                code="unit_mismatch",
                message="単位が一致しない",
                page=3,
                measure=M_SHINSANGYO,
                indicator="支援企業数",
            ),
        ),
    )


# --- helpers ---------------------------------------------------------------------------------


@pytest.fixture
def db_path(tmp_path):
    return tmp_path / "warehouse" / "nenpo.duckdb"


@pytest.fixture
def con(db_path):
    con = connect(db_path)
    yield con
    con.close()


TABLE_NAMES = [t.name for t in TABLES]


def snapshot(con) -> dict[str, list[tuple]]:
    return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLE_NAMES}


def count(con, table: str, where: str = "true", params: list | None = None) -> int:
    return con.execute(f"SELECT count(*) FROM {table} WHERE {where}", params or []).fetchone()[0]


def live_columns(con) -> dict[str, dict[str, str]]:
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM duckdb_columns() WHERE database_name = current_database()"
    ).fetchall()
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        out.setdefault(table, {})[column] = data_type
    return out


def timeseries(con) -> dict[tuple[str, str, int], dict]:
    cur = con.execute("SELECT * FROM kpi_timeseries")
    names = [d[0] for d in cur.description]
    return {
        (r["measure"], r["indicator"], r["fiscal_year"]): r for r in (dict(zip(names, row)) for row in cur.fetchall())
    }


# --- schema ----------------------------------------------------------------------------------


def test_contract_columns_exist_with_their_types(con):
    live = live_columns(con)
    for table, columns in REQUIRED.items():
        assert table in live, table
        assert set(columns) <= set(live[table]), (table, set(columns) - set(live[table]))
        assert set(columns) <= {c for c, _, _ in CONTRACT[table]}, table
    assert set(REQUIRED) <= set(CONTRACT)
    for table, columns in CONTRACT.items():
        for column, data_type, description in columns:
            assert live[table].get(column) == data_type, (table, column)
            assert description


def test_contract_is_documented_in_the_file(con):
    table_comments = dict(con.execute("SELECT table_name, comment FROM duckdb_tables()").fetchall())
    table_comments |= dict(con.execute("SELECT view_name, comment FROM duckdb_views()").fetchall())
    column_comments = {
        (t, c): comment
        for t, c, comment in con.execute("SELECT table_name, column_name, comment FROM duckdb_columns()").fetchall()
    }
    for table, columns in CONTRACT.items():
        assert table_comments[table]
        for column, _, description in columns:
            assert column_comments[(table, column)] == description
    markdown = contract_markdown()
    assert "### `kpi_timeseries` (view)" in markdown and "| `achievement_ratio` | DOUBLE |" in markdown


def test_value_is_double_and_kind_status_are_checked(con):
    assert live_columns(con)["kpi_values"]["value"] == "DOUBLE"
    load_extraction(con, edition(2019))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("UPDATE kpi_values SET status = 'maybe'")


def test_connect_creates_parent_dirs_and_is_idempotent(tmp_path):
    path = tmp_path / "a" / "b" / "nenpo.duckdb"
    connect(path).close()
    assert path.is_file()
    with connect(str(path)) as con:
        assert con.execute("SELECT list(version) FROM schema_version").fetchone()[0] == [SCHEMA_VERSION]
        load_extraction(con, edition(2019))
    with connect(path) as con:  # re-applying the schema keeps the data
        assert count(con, "kpi_values") == 5
    with connect(path, read_only=True) as con:
        assert count(con, "reports") == 1
        with pytest.raises(duckdb.Error):
            con.execute("DELETE FROM reports")


def test_read_only_connect_needs_an_existing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="nope.duckdb"):
        connect(tmp_path / "nope.duckdb", read_only=True)
    assert not (tmp_path / "nope.duckdb").exists()


def test_in_memory_warehouse():
    with connect(":memory:") as con:
        assert load_extraction(con, edition(2019)).rows["kpi_values"] == 5


def test_newer_schema_version_is_refused(db_path):
    with connect(db_path) as con:
        con.execute("INSERT INTO schema_version (version) VALUES (?)", [SCHEMA_VERSION + 1])
    with pytest.raises(SchemaVersionError, match="newer"):
        connect(db_path)
    with pytest.raises(SchemaVersionError, match=str(SCHEMA_VERSION + 1)):
        connect(db_path, read_only=True)


def test_a_version_1_file_is_migrated_and_keeps_its_data(db_path):
    with connect(db_path) as con:  # make a file as version 1 left it: no audit_runs
        load_extraction(con, edition(2019))
        con.execute("DROP TABLE audit_runs")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version (version) VALUES (1)")
    with pytest.raises(SchemaVersionError, match="version 1.*read-write to migrate"):
        connect(db_path, read_only=True)
    with connect(db_path) as con:
        assert con.execute("SELECT list(version ORDER BY version) FROM schema_version").fetchone()[0] == list(
            range(1, SCHEMA_VERSION + 1)
        )
        assert con.execute("SELECT count(*) FROM audit_runs").fetchone()[0] == 0
        assert count(con, "kpi_values") == 5
        columns = con.execute(
            "SELECT list(column_name ORDER BY column_index) FROM duckdb_columns() WHERE table_name = 'audit_runs'"
        ).fetchone()[0]
    assert columns == TABLES_BY_NAME["audit_runs"].column_names  # the migration matches the current layout
    with connect(db_path, read_only=True) as con:
        assert count(con, "reports") == 1


READ_BY_TABLES = (
    "article_opinions",
    "stat_values",
    "committee_members",
    "policy_list",
    "budget_items",
    "budget_results",
    "other_measures",
    "table_cells",
)


def test_a_version_2_file_gets_read_by_on_its_table_rows(db_path):
    with connect(db_path) as con:  # make a file as version 2 left it: no read_by columns
        load_extraction(con, edition(2019))
        for table in READ_BY_TABLES:
            con.execute(f"ALTER TABLE {table} DROP COLUMN read_by")
        con.execute("DELETE FROM schema_version")
        con.execute("INSERT INTO schema_version (version) VALUES (1), (2)")
    with connect(db_path) as con:
        for table in READ_BY_TABLES:
            assert con.execute(f"SELECT DISTINCT read_by FROM {table}").fetchall() in ([], [("layout",)]), table
            columns = con.execute(
                "SELECT list(column_name) FROM duckdb_columns() WHERE table_name = ?", [table]
            ).fetchone()[0]
            assert set(columns) == set(TABLES_BY_NAME[table].column_names), table
        assert count(con, "kpi_values") == 5


def test_foreign_file_with_our_tables_but_no_version_is_refused(db_path):
    db_path.parent.mkdir(parents=True)
    with duckdb.connect(str(db_path)) as raw:
        raw.execute("CREATE TABLE reports (x INTEGER)")
    with pytest.raises(SchemaVersionError, match="no schema_version"):
        connect(db_path)
    with duckdb.connect(str(db_path)) as raw:  # left untouched
        tables = {r[0] for r in raw.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    assert tables == {"reports"}


# --- loading ---------------------------------------------------------------------------------


def no_other_tables(rows: dict[str, int]) -> dict[str, int]:
    """The rows a load reports: the given tables, and 0 in every other table of an edition."""
    return {**{t: 0 for t in EDITION_TABLES}, **rows}


def test_load_writes_every_table_with_provenance(con):
    x = edition(2019)
    result = load_extraction(con, x)
    assert result.report_id == x.report_id == x.sha256[:16]
    assert result.replaced_report_id is None and not result.unchanged
    assert result.rows == no_other_tables(
        {"reports": 1, "measures": 2, "kpi_values": 5, "report_pages": 4, "extraction_warnings": 1}
    )
    for table, n in result.rows.items():
        assert count(con, table, "report_id = ?", [x.report_id]) == n

    report = con.execute(
        "SELECT series, report_fiscal_year, title, source_path, sha256, page_count, extractor_version, "
        "extracted_at, seconds, measure_count, kpi_value_count, warning_count, ingested_at FROM reports"
    ).fetchone()
    assert report[:7] == (SERIES, 2019, x.title, x.source_path, x.sha256, 4, EXTRACTOR_VERSION)
    assert report[7] == x.extracted_at and report[8] == 1.5 and report[9:12] == (2, 5, 1)
    assert report[12] is not None

    measures = con.execute(
        "SELECT measure_id, ordinal, name, name_raw, parent, position, article, article_title, "
        "page_start, page_end, bbox_x0, bbox_bottom FROM measures ORDER BY ordinal"
    ).fetchall()
    assert measures[0] == (
        f"{x.report_id}:m1",
        1,
        M_SOGYO,
        f" {M_SOGYO}",
        "創業支援",
        1,
        5,
        "創業の促進",
        2,
        2,
        50.0,
        80.0,
    )
    assert measures[1][0] == f"{x.report_id}:m2" and measures[1][4:6] == (None, None)

    rows = con.execute(
        "SELECT measure, indicator, indicator_raw, fiscal_year, kind, value, value_text, annotation, "
        "sub_value, unit, unit_raw, table_no, page, bbox_x0, bbox_top, bbox_x1, bbox_bottom, sha256, "
        "extractor_version, measure_id FROM kpi_values ORDER BY ordinal"
    ).fetchall()
    assert rows[0] == (
        M_SOGYO,
        "創業実績件数",
        "○創業実績件数",
        2018,
        "target",
        100.0,
        "100",
        "新規38件・変更21件",
        None,
        "件",
        "件",
        1,
        2,
        72.0,
        101.0,
        300.0,
        113.5,
        x.sha256,
        EXTRACTOR_VERSION,
        f"{x.report_id}:m1",
    )
    assert rows[1][8] == 12.0
    assert rows[4][-1] == f"{x.report_id}:m2"
    assert count(con, "kpi_values", "sha256 IS NULL OR extractor_version IS NULL OR page IS NULL") == 0

    page4 = con.execute(
        "SELECT engine, chars_pymupdf, chars_pdfplumber, chars, quality, flags FROM report_pages WHERE page = 4"
    ).fetchone()
    assert page4 == ("pymupdf", 1004, 994, {"pymupdf": 1004, "pdfplumber": 994}, 0.95, ["garbled"])
    warning = con.execute(
        "SELECT report_fiscal_year, code, message, page, measure, indicator FROM extraction_warnings"
    ).fetchone()
    assert warning == (2019, "unit_mismatch", "単位が一致しない", 3, M_SHINSANGYO, "支援企業数")


def test_reloading_the_same_file_changes_nothing(db_path):
    x = edition(2019)
    with connect(db_path) as con:
        first = load_extraction(con, x)
        before = snapshot(con)
        again = load_extraction(con, x)
        assert again.unchanged and again.replaced_report_id is None
        assert again.report_id == first.report_id and again.rows == first.rows
        assert snapshot(con) == before  # ingested_at included
    with connect(db_path) as con:  # also from a new connection, after a reopen
        assert load_extraction(con, x).unchanged
        assert snapshot(con) == before


def test_new_extractor_version_replaces_the_edition(con):
    load_extraction(con, edition(2019))
    measure_ids = con.execute("SELECT list(measure_id ORDER BY measure_id) FROM measures").fetchone()[0]
    (ingested,) = con.execute("SELECT ingested_at FROM reports").fetchone()
    result = load_extraction(con, edition(2019, version="9.9.9"))
    assert not result.unchanged and result.replaced_report_id == result.report_id
    assert con.execute("SELECT list(DISTINCT extractor_version) FROM kpi_values").fetchone()[0] == ["9.9.9"]
    assert con.execute("SELECT list(measure_id ORDER BY measure_id) FROM measures").fetchone()[0] == measure_ids
    assert con.execute("SELECT ingested_at FROM reports").fetchone()[0] >= ingested
    assert count(con, "kpi_values") == 5 and count(con, "reports") == 1


def test_new_file_for_an_edition_leaves_nothing_of_the_old_one(con):
    old = edition(2019, seed="first scan")
    other = edition(2020)
    load_extraction(con, old)
    load_extraction(con, other)
    live = live_columns(con)
    edition_tables = [t for t in TABLE_NAMES if "report_id" in live[t]]

    def rows_of(report_id):
        return {
            t: con.execute(f"SELECT * FROM {t} WHERE report_id = ? ORDER BY ALL", [report_id]).fetchall()
            for t in edition_tables
        }

    other_before = rows_of(other.report_id)
    new = edition(2019, [kpi("創業実績件数", 2019, "actual", 96)], seed="second scan")
    result = load_extraction(con, new)
    assert result.replaced_report_id == old.report_id != new.report_id
    assert result.rows == no_other_tables(
        {"reports": 1, "measures": 2, "kpi_values": 1, "report_pages": 4, "extraction_warnings": 1}
    )
    assert set(edition_tables) >= set(result.rows)
    for table in edition_tables:
        assert count(con, table, "report_id = ?", [old.report_id]) == 0, table
    assert (
        count(
            con,
            "kpi_timeseries",
            "list_contains([source_report_id, target_report_id, actual_report_id], ?)",
            [old.report_id],
        )
        == 0
    )
    assert rows_of(other.report_id) == other_before  # the other edition is untouched
    assert count(con, "kpi_values", "report_fiscal_year = 2019") == 1
    assert count(con, "reports") == 2


def test_same_file_as_another_edition_is_a_conflict(con):
    load_extraction(con, edition(2019, seed="one file"))
    before = snapshot(con)
    with pytest.raises(EditionConflictError, match="FY2019"):
        load_extraction(con, edition(2020, seed="one file"))
    assert snapshot(con) == before
    assert delete_edition(con, SERIES, 2019) == edition(2019, seed="one file").report_id
    assert all(not rows for name, rows in snapshot(con).items() if name != "schema_version")
    assert load_extraction(con, edition(2020, seed="one file")).replaced_report_id is None
    assert delete_edition(con, SERIES, 1999) is None


def test_series_are_separate_editions(con):
    load_extraction(con, edition(2019))
    load_extraction(con, edition(2019, series="other-city"))
    assert count(con, "reports") == 2
    assert {r["fiscal_year"] for r in timeseries(con).values()} == {2018, 2019}
    assert count(con, "kpi_timeseries") == 2 * 3


class _CountingConnection:
    """Delegates to a DuckDB connection, counting execute() calls."""

    def __init__(self, con):
        self._con = con
        self.executes = 0

    def execute(self, *args, **kwargs):
        self.executes += 1
        return self._con.execute(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._con, name)


def test_load_is_bulk_not_row_by_row(con):
    kpis = [
        kpi(f"指標{i}", 2019 + i % 2, ("target", "actual")[i % 2], float(i), table_no=1 + i // 10, page=1 + i % 4)
        for i in range(1000)
    ]
    counting = _CountingConnection(con)
    result = load_extraction(counting, edition(2020, kpis))
    assert result.rows["kpi_values"] == 1000 == count(con, "kpi_values")
    # a handful of statements per table (delete, insert), never one per row
    assert counting.executes < 2 * len(EDITION_TABLES) + 8


# --- rollback --------------------------------------------------------------------------------


def _spy_inserts(monkeypatch) -> list[str]:
    inserted: list[str] = []
    real = load_module._insert

    def spy(con, table, data):
        n = real(con, table, data)
        inserted.append(table)
        return n

    monkeypatch.setattr(load_module, "_insert", spy)
    return inserted


def test_failed_load_rolls_back_and_keeps_the_previous_file(db_path, monkeypatch):
    with connect(db_path) as con:
        load_extraction(con, edition(2019, seed="v1"))
        load_extraction(con, edition(2020))
        record_error(con, "/data/x.pdf", "extract", "kept")
        before = snapshot(con)

        inserted = _spy_inserts(monkeypatch)

        real = load_module.table_rows

        def boom(table, extraction, at):
            if table.name == "kpi_values":
                raise RuntimeError("boom after the first tables")
            return real(table, extraction, at)

        monkeypatch.setattr(load_module, "table_rows", boom)
        with pytest.raises(RuntimeError, match="boom"):
            load_extraction(con, edition(2019, seed="v2"))
        assert inserted == ["reports", "measures"]  # it really failed half-way
        assert snapshot(con) == before

        with pytest.raises(RuntimeError, match="boom"):  # a new edition leaves nothing either
            load_extraction(con, edition(2021))
        assert snapshot(con) == before

        monkeypatch.undo()  # the connection is still usable
        assert load_extraction(con, edition(2019, seed="v1")).unchanged
    with connect(db_path) as con:  # and the file on disk holds the previous data
        assert snapshot(con) == before


def test_database_error_mid_load_rolls_back(con, monkeypatch):
    import pyarrow as pa

    load_extraction(con, edition(2019, seed="v1"))
    before = snapshot(con)
    real = load_module.table_rows

    def twice(table, x, at):
        rows = real(table, x, at)
        return pa.concat_tables([rows, rows]) if table.name == "report_pages" else rows

    monkeypatch.setattr(load_module, "table_rows", twice)
    with pytest.raises(duckdb.ConstraintException):
        load_extraction(con, edition(2019, seed="v2"))
    assert snapshot(con) == before
    assert count(con, "duckdb_views()", "view_name LIKE '_nenpo_load_%'") == 0  # no leaked registrations


# --- kpi_timeseries --------------------------------------------------------------------------


def two_editions() -> tuple[ReportExtraction, ReportExtraction]:
    fy2019 = edition(
        2019,
        [
            kpi("創業実績件数", 2018, "target", 100),
            kpi("創業実績件数", 2018, "actual", 90),
            kpi("創業実績件数", 2019, "target", 110),
            kpi("創業実績件数", 2019, "actual", 95),  # preliminary
            kpi("セミナー参加者数", 2019, "target", 50, unit="人", table_no=2),
            kpi("セミナー参加者数", 2019, "actual", 40, unit="人", table_no=2),
            kpi("相談件数", 2019, "target", 200, table_no=3),
            kpi("来場者数", 2019, "target", 3, unit="万人", table_no=4),
        ],
    )
    fy2020 = edition(
        2020,
        [
            kpi("創業実績件数", 2019, "target", 110),
            kpi("創業実績件数", 2019, "actual", 99),  # restated
            kpi("創業実績件数", 2020, "target", 120),
            kpi("創業実績件数", 2020, "actual", None, text="中止", status="cancelled"),
            kpi("セミナー参加者数", 2019, "actual", 45, unit="人", table_no=2),  # no 2019 target printed
            kpi("相談件数", 2019, "target", None, text="－", status="not_reported", table_no=3),
            kpi("相談件数", 2019, "actual", 180, table_no=3),
            kpi("来場者数", 2019, "actual", 31000, unit="人", table_no=4),
        ],
    )
    return fy2019, fy2020


@pytest.mark.parametrize("order", ["oldest first", "newest first"])
def test_kpi_timeseries_takes_the_latest_edition(con, order):
    fy2019, fy2020 = two_editions()
    for x in (fy2019, fy2020) if order == "oldest first" else (fy2020, fy2019):
        load_extraction(con, x)
    ts = timeseries(con)
    assert len(ts) == 6

    r2018 = ts[(M_SOGYO, "創業実績件数", 2018)]
    assert (r2018["target"], r2018["actual"], r2018["editions"]) == (100.0, 90.0, 1)
    assert r2018["achievement_ratio"] == pytest.approx(0.9)
    assert (r2018["source_report_fiscal_year"], r2018["source_report_id"]) == (2019, fy2019.report_id)

    r2019 = ts[(M_SOGYO, "創業実績件数", 2019)]
    assert (r2019["target"], r2019["actual"]) == (110.0, 99.0)  # the restated actual
    assert r2019["achievement_ratio"] == pytest.approx(99 / 110)
    assert (r2019["source_report_fiscal_year"], r2019["source_report_id"]) == (2020, fy2020.report_id)
    assert (r2019["target_report_fiscal_year"], r2019["actual_report_fiscal_year"]) == (2020, 2020)
    assert (r2019["target_status"], r2019["actual_status"], r2019["unit"], r2019["editions"]) == (
        "reported",
        "reported",
        "件",
        2,
    )
    assert r2019["series"] == SERIES

    r2020 = ts[(M_SOGYO, "創業実績件数", 2020)]
    assert r2020["target"] == 120.0 and r2020["actual"] is None
    assert (r2020["actual_status"], r2020["actual_text"], r2020["achievement_ratio"]) == ("cancelled", "中止", None)

    # the latest edition prints only the actual: the target comes from the edition before
    seminar = ts[(M_SOGYO, "セミナー参加者数", 2019)]
    assert (seminar["target"], seminar["actual"], seminar["unit"]) == (50.0, 45.0, "人")
    assert (seminar["target_report_fiscal_year"], seminar["actual_report_fiscal_year"]) == (2019, 2020)
    assert (seminar["source_report_fiscal_year"], seminar["editions"]) == (2020, 2)
    assert seminar["achievement_ratio"] == pytest.approx(0.9)

    # a blank (－) target in the latest edition does not hide the earlier printed target
    consult = ts[(M_SOGYO, "相談件数", 2019)]
    assert (consult["target"], consult["target_status"], consult["target_report_fiscal_year"]) == (
        200.0,
        "reported",
        2019,
    )
    assert consult["achievement_ratio"] == pytest.approx(0.9)

    # different units: no ratio
    visitors = ts[(M_SOGYO, "来場者数", 2019)]
    assert (visitors["target_unit"], visitors["actual_unit"], visitors["achievement_ratio"]) == ("万人", "人", None)


def test_kpi_timeseries_zero_target_and_only_blank_cells(con):
    load_extraction(
        con,
        edition(
            2020,
            [
                kpi("ゼロ目標", 2020, "target", 0),
                kpi("ゼロ目標", 2020, "actual", 5),
                kpi("未記入", 2020, "target", None, text="－", status="not_reported"),
            ],
        ),
    )
    ts = timeseries(con)
    assert ts[(M_SOGYO, "ゼロ目標", 2020)]["achievement_ratio"] is None
    blank = ts[(M_SOGYO, "未記入", 2020)]
    assert (blank["target"], blank["target_status"], blank["actual_status"]) == (None, "not_reported", None)


# --- locking ---------------------------------------------------------------------------------

_HOLD_DB = "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(120)"


def test_file_locked_by_another_process(db_path):
    connect(db_path).close()
    proc = subprocess.Popen(
        [sys.executable, "-c", _HOLD_DB, str(db_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
        for read_only in (False, True):
            with pytest.raises(WarehouseLockedError) as info:
                connect(db_path, read_only=read_only)
            assert str(db_path) in str(info.value)
            assert info.value.path == db_path
            assert info.value.pid == proc.pid
            assert isinstance(info.value.__cause__, duckdb.IOException)
    finally:
        proc.kill()
        proc.wait()
    connect(db_path).close()  # free again once the other process is gone


# --- ingest errors ---------------------------------------------------------------------------


def test_record_error_writes_a_row(con):
    try:
        raise ValueError("表が読めない")
    except ValueError as exc:
        record_error(con, "/data/kawasaki-fy2020.pdf", "extract", exc, page=12, sha256=sha("x"))
    record_error(con, "abcdef0123456789", "load", "lock timeout")
    rows = con.execute(
        'SELECT report, stage, error, "at", sha256, page, error_type, traceback FROM ingest_errors ORDER BY "at", stage'
    ).fetchall()
    assert len(rows) == 2
    report, stage, error, at, sha256, page, error_type, trace = rows[0]
    assert (report, stage, error, sha256, page, error_type) == (
        "/data/kawasaki-fy2020.pdf",
        "extract",
        "ValueError: 表が読めない",
        sha("x"),
        12,
        "ValueError",
    )
    assert at is not None and "raise ValueError" in trace
    assert rows[1][:3] == ("abcdef0123456789", "load", "lock timeout")
    assert rows[1][4:] == (None, None, None, None)
