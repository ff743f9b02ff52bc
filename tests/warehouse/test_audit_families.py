"""The core's audit rules over other families' editions: a rule of Kawasaki's layout runs
only over Kawasaki's series, and the rules comparing editions know an edition held in parts
(one file per record) prints only what its loaded parts print."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.audit import run_rules
from nenpo.warehouse.db import connect
from nenpo.warehouse.identity import refresh_identities
from nenpo.warehouse.load import load_extraction
from tests.factories import edition

COMPARING = ("measure_dropped", "indicator_dropped", "new_measure_or_indicator")


def _warehouse(*extractions):
    con = connect(":memory:")
    for x in extractions:
        load_extraction(con, x)
    refresh_identities(con)
    return con


def _found(con, *checks):
    return sorted((f.check, f.report_fiscal_year, f.measure, f.indicator) for f in run_rules(con, checks))


def _part(year: int, measures: dict, *, series: str = "city-sheets"):
    """An edition of a family whose files hold one record each: the part is the record's name."""
    (name,) = measures
    x = edition(year, measures, series=series)
    return x.model_copy(update={"family": series, "part": name, "source_path": f"/nowhere/{year}-{name}.pdf"})


def _whole(year: int, measures: dict, *, series: str = "city-sheets", articles: dict | None = None):
    return edition(year, measures, series=series, articles=articles).model_copy(update={"family": series})


def test_year_columns_other_than_the_last_two_are_kawasakis_rule_only():
    plan = {"M": {"I": {"target": [1, 2]}}}
    con = _warehouse(edition(2020, plan, years=(2018, 2019)), _whole(2020, plan, series="city-sheets"))
    con.execute("UPDATE kpi_values SET fiscal_year = fiscal_year + 5 WHERE series = 'city-sheets'")
    assert _found(con, "unexpected_year_columns") == [("unexpected_year_columns", 2020, "M", "I")]
    [f] = run_rules(con, ["unexpected_year_columns"])
    assert f.series == "kawasaki-sme"


def test_sheets_loaded_one_record_each_are_not_new_or_dropped_against_each_other():
    a = {"A": {"件数": {"actual": [1, 2]}}}
    b = {"B": {"件数": {"actual": [3, 4]}}}
    con = _warehouse(_part(2023, a), _part(2024, b))
    assert _found(con, *COMPARING) == [], "each year holds another sheet: nothing is known to be new or gone"


def test_within_a_record_both_editions_print_indicators_are_compared():
    con = _warehouse(
        _part(2023, {"A": {"件数": {"actual": [1, 2]}, "回数": {"actual": [1, 2]}}}),
        _part(2023, {"C": {"件数": {"actual": [1, 2]}}}),
        _part(2024, {"A": {"件数": {"actual": [2, 3]}}}),
        _part(2024, {"B": {"件数": {"actual": [3, 4]}}}),
        _part(2024, {"C": {"件数": {"actual": [2, 3]}, "人数": {"actual": [5, 6]}}}),
    )
    assert _found(con, *COMPARING) == [
        ("indicator_dropped", 2024, "A", "回数"),
        ("new_measure_or_indicator", 2024, "C", "人数"),
    ]


def test_a_whole_edition_is_compared_with_a_whole_one():
    con = _warehouse(
        _whole(2023, {"A": {"件数": {"actual": [1, 2]}}, "Gone": {"K": {"actual": [1, 1]}}}),
        _whole(2024, {"A": {"件数": {"actual": [2, 3]}}, "Fresh": {"X": {"actual": [1, 1]}}}, articles={"Fresh": 18}),
    )
    assert _found(con, *COMPARING) == [
        ("measure_dropped", 2024, "Gone", None),
        ("new_measure_or_indicator", 2024, "Fresh", None),
    ]


def test_the_five_real_sheets_give_no_finding(realpdfs_dir: Path, tmp_path):
    """Five sheets of three families (one year each, one file per record): read as printed,
    they hold no misprint the rules look for (multi-year plans, Kyoto's target year, two
    Ikeda sheets of one edition), so any finding would be a false one."""
    sheets = realpdfs_dir / "sheets"
    if not sheets.is_dir():
        pytest.skip(f"evaluation sheets not present at {sheets}")
    summary = ingest([sheets], tmp_path / "w.duckdb", cache_dir=tmp_path / "c", limits=None)
    assert not summary.failed and len(summary.loaded) == 5
    assert [(f.check, f.series, f.measure, f.detail) for f in summary.findings] == []
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        # what the rules saw: years beyond (N−1, N) and two parts of one edition
        assert con.execute("SELECT count(*) FROM kpi_values WHERE fiscal_year > report_fiscal_year").fetchone()[0] > 0
        assert (
            con.execute(
                "SELECT count(*) FROM reports WHERE series = 'ikeda-jimujigyo' AND part IS NOT NULL"
            ).fetchone()[0]
            == 2
        )
    finally:
        con.close()
