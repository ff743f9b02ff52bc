"""The report's other tables in the warehouse: every extracted row loaded with its
provenance, replaced and deleted with its edition, and the views over them."""

from __future__ import annotations

import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import delete_edition, load_extraction
from nenpo.warehouse.schema import tables_by_name
from tests.conftest import SAMPLE_EDITIONS

EXTRACTION_FIELDS = {
    "stat_values": "stat_values",
    "committee_members": "committee_members",
    "policy_list": "policy_list",
    "budget_items": "budget_items",
    "budget_results": "budget_results",
    "other_measures": "other_measures",
    "table_cells": "table_cells",
}


@pytest.fixture(scope="module")
def extraction():
    return extract_report(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")


def test_every_table_row_is_loaded_with_provenance(tmp_path, extraction):
    x = extraction
    with connect(tmp_path / "w.duckdb") as con:
        result = load_extraction(con, x)
        assert {t: tables_by_name()[t].records for t in EXTRACTION_FIELDS} == EXTRACTION_FIELDS
        for table, field in EXTRACTION_FIELDS.items():
            n = len(getattr(x, field))
            assert n > 0 and result.rows[table] == n, table
            bad = con.execute(
                f"SELECT count(*) FROM {table} WHERE report_id <> ? OR sha256 <> ? OR extractor_version <> ? "
                "OR series <> ? OR report_fiscal_year <> ? OR page IS NULL",
                [x.report_id, x.sha256, x.extractor_version, x.series, x.report_fiscal_year],
            ).fetchone()[0]
            assert bad == 0, table
        # text beside raw text, and boxes on cells
        assert (
            con.execute("SELECT count(*) FROM table_cells WHERE bbox_x0 IS NULL OR text_raw IS NULL").fetchone()[0] == 0
        )
        row = con.execute("SELECT name, name_raw FROM committee_members WHERE name_raw LIKE '%  %'").fetchone()
        assert row[0] == " ".join(row[1].split())


def test_reload_changes_nothing_and_delete_removes_every_table(tmp_path, extraction):
    with connect(tmp_path / "w.duckdb") as con:
        load_extraction(con, extraction)
        before = {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in EXTRACTION_FIELDS}
        assert load_extraction(con, extraction).unchanged
        assert {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in EXTRACTION_FIELDS} == before
        delete_edition(con, extraction.series, extraction.report_fiscal_year)
        for table in EXTRACTION_FIELDS:
            assert con.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table


def test_committee_membership_view_shows_members_joining_and_leaving(tmp_path):
    with connect(tmp_path / "w.duckdb") as con:
        for year in (2019, 2020, 2021):
            load_extraction(con, extract_report(SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.pdf"))
        rows = {
            (r[0], r[1]): r[2]
            for r in con.execute("SELECT committee, name, editions FROM committee_membership").fetchall()
        }
    assert rows[("川崎市産業振興協議会", "北村 俊介")] == [2019]
    assert rows[("川崎市産業振興協議会", "西田 隆")] == [2020, 2021]
    assert rows[("川崎市産業振興協議会", "小池 善一")] == [2021]
    assert rows[("中小企業活性化専門部会", "小池 善一")] == [2019, 2020, 2021]
    assert rows[("川崎市産業振興協議会", "舘 克也")] == [2019, 2020, 2021]


def test_policy_list_joins_measures_and_other_measures(tmp_path, extraction):
    with connect(tmp_path / "w.duckdb") as con:
        load_extraction(con, extraction)
        unmatched = con.execute(
            "SELECT name FROM measures EXCEPT SELECT name FROM policy_list WHERE part = '検証対象事業'"
        ).fetchall()
        # FY2020's list already prints ものづくり中小企業経営革新等支援事業, the sheet the older name
        assert unmatched == [("ものづくり中小企業経営支援事業",)]
        assert con.execute(
            "SELECT count(*) FROM other_measures o JOIN policy_list p ON p.part = 'その他の事業' AND p.name = o.name "
            "AND p.article = o.article AND p.report_id = o.report_id"
        ).fetchone()[0] == len(extraction.other_measures)
        assert con.execute("SELECT count(*) FROM other_measures WHERE article IS NULL").fetchone()[0] == 0


def test_comments_are_written_only_where_the_file_lacks_them(tmp_path):
    from nenpo.warehouse.schema import _stale_comment_sql, comment_sql

    path = tmp_path / "w.duckdb"
    with connect(path) as con:
        assert _stale_comment_sql(con) == []
        con.execute("COMMENT ON COLUMN table_cells.kind IS 'old text'")
        stale = _stale_comment_sql(con)
        assert (
            len(stale) == 1
            and stale[0].startswith('COMMENT ON COLUMN table_cells."kind"')
            and stale[0] in comment_sql()
        )
    with connect(path) as con:  # connecting again documents it again
        assert _stale_comment_sql(con) == []
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'table_cells' AND column_name = 'kind'"
        ).fetchone()[0]
        assert comment.startswith("Typed table that claimed it")
