"""Audit rules over the report's other tables, on the sample editions loaded into a real
DuckDB warehouse: exactly the planted finding, and each rule firing on a changed value."""

from __future__ import annotations

import duckdb
import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.samples import content
from nenpo.samples import tables_content as tc
from nenpo.warehouse.audit import load_rules, run_rules
from nenpo.warehouse.load import load_extraction
from nenpo.warehouse.schema import apply_schema
from tests.conftest import SAMPLE_EDITIONS

TABLE_RULES = (
    "census_total_mismatch",
    "census_shares_not_100",
    "budget_shared_amounts_differ",
    "budget_note_unknown_row",
    "budget_double_counted",
)


@pytest.fixture(scope="module")
def extractions():
    return [extract_report(SAMPLE_EDITIONS / f"kawasaki-sme-fy{y}.pdf") for y in content.EDITIONS]


@pytest.fixture
def con(extractions):
    con = duckdb.connect()
    apply_schema(con)
    for x in extractions:
        load_extraction(con, x)
    yield con
    con.close()


def findings(con, rule):
    return run_rules(con, [rule])


def test_rules_are_registered_with_docstrings():
    rules = load_rules()
    for name in TABLE_RULES:
        assert name in rules and rules[name].description


def test_samples_give_exactly_the_planted_finding(con):
    found = run_rules(con, TABLE_RULES)
    planted = next(d for d in content.PLANTED_DIFFERENCES if d["kind"] == "census_total_mismatch")
    assert [(f.check, f.report_fiscal_year, f.fiscal_year) for f in found] == [
        ("census_total_mismatch", planted["edition"], planted["survey_year"])
    ]
    evidence = found[0].evidence
    assert (evidence["table"], evidence["sum_of_categories"], evidence["printed_total"]) == (
        planted["table"],
        planted["sum_of_categories"],
        planted["printed_total"],
    )
    assert found[0].page is not None and "40,934" in found[0].detail and "40,943" in found[0].detail


def test_census_total_mismatch_fires_on_a_changed_category(con):
    con.execute(
        "UPDATE stat_values SET value = value + 5 WHERE report_fiscal_year = 2021 AND \"table\" = '従業者数' "
        "AND category = '建設業' AND measure = '従業者数' AND survey_year = 2021"
    )
    found = findings(con, "census_total_mismatch")
    assert {
        (f.report_fiscal_year, f.fiscal_year, f.evidence["printed_total"] - f.evidence["sum_of_categories"])
        for f in found
    } == {(2019, 2016, 9), (2021, 2021, -5)}


def test_census_shares_allow_rounding_but_not_more(con):
    sums = {
        round(sum(t.share(y, i) for i in range(len(tc.CENSUS_CATEGORIES))), 1)
        for t in tc.CENSUS_TABLES
        for y in (2014, 2016, 2021)
    }
    assert sums - {100.0}, "the samples' shares miss 100 by rounding somewhere"
    assert findings(con, "census_shares_not_100") == []
    con.execute(
        "UPDATE stat_values SET value = value + 0.9 WHERE report_fiscal_year = 2020 AND \"table\" = '事業所数' "
        "AND category = '製造業' AND measure = '構成比' AND survey_year = 2014"
    )
    (finding,) = findings(con, "census_shares_not_100")
    assert (finding.report_fiscal_year, finding.fiscal_year, finding.severity) == (2020, 2014, "warning")


SHARED_POOLS = {2019: (45655,), 2020: (45655, 28190), 2021: (28190,)}
"""Budgets each sample edition prints on rows that name each other (counted once)."""


def test_budget_totals_count_shared_budgets_once(con):
    rows = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT report_fiscal_year, budget_thousand_yen, printed_sum_thousand_yen FROM budget_totals"
        ).fetchall()
    }
    for edition in content.EDITIONS:
        printed = sum(
            phase.budget
            for section in tc.BUDGET_TABLES[edition]
            for item in section.items
            for phase in (item.phases or (item,))
            if phase.budget is not None
        )
        assert rows[edition] == (printed - sum(SHARED_POOLS[edition]), printed)


def test_budget_shared_amounts_differ(con):
    assert findings(con, "budget_shared_amounts_differ") == []
    con.execute("UPDATE budget_items SET budget_thousand_yen = 45000 WHERE report_fiscal_year = 2020 AND no = 9")
    (finding,) = findings(con, "budget_shared_amounts_differ")
    assert finding.report_fiscal_year == 2020 and finding.evidence == {"nos": [3, 9], "amounts": [45000.0, 45655.0]}


def test_budget_note_unknown_row(con):
    assert findings(con, "budget_note_unknown_row") == []
    con.execute("UPDATE budget_items SET shared_with = [3, 99] WHERE report_fiscal_year = 2019 AND no = 6")
    (finding,) = findings(con, "budget_note_unknown_row")
    assert (finding.report_fiscal_year, finding.evidence["no"], finding.evidence["missing"]) == (2019, 6, [99])


def test_budget_double_counted(con):
    assert findings(con, "budget_double_counted") == []
    con.execute(
        "UPDATE budget_items SET counted_budget_thousand_yen = budget_thousand_yen "
        "WHERE report_fiscal_year = 2020 AND no = 9"
    )
    (finding,) = findings(con, "budget_double_counted")
    assert (
        finding.severity == "error" and finding.evidence["counted_total"] - finding.evidence["expected_total"] == 45655
    )
