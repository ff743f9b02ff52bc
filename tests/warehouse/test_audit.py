"""Audit rules and stable identities: each rule on a small warehouse, then on the samples."""

from __future__ import annotations

import pytest

from nenpo.pipeline.ingest import audit_warehouse, ingest
from nenpo.samples.content import PLANTED_DIFFERENCES
from nenpo.warehouse.audit import audit, load_rules, run_rules
from nenpo.warehouse.db import connect
from nenpo.warehouse.identity import Aliases, Pin, refresh_identities, similarity
from nenpo.warehouse.load import load_extraction
from tests.conftest import SAMPLE_EDITIONS
from tests.factories import edition


def warehouse(*editions, aliases: Aliases | None = None):
    con = connect(":memory:")
    for x in editions:
        load_extraction(con, x)
    refresh_identities(con, aliases)
    return con


def findings(con, check):
    return [f for f in run_rules(con, [check])]


# --- each rule on its own -----------------------------------------------------------------


def test_restated_value_finds_a_changed_actual_but_not_a_cancelled_one():
    con = warehouse(
        edition(
            2019,
            {"M": {"I": {"target": [90, 95], "actual": [150, 160]}, "J": {"target": [5, 5], "actual": [1, "中止"]}}},
        ),
        edition(
            2020,
            {"M": {"I": {"target": [95, 99], "actual": [162, 201]}, "J": {"target": [5, 5], "actual": ["中止", 3]}}},
        ),
    )
    found = findings(con, "restated_value")
    assert [
        (
            f.measure,
            f.indicator,
            f.fiscal_year,
            f.evidence["restated_kind"],
            f.evidence["earlier_value"],
            f.evidence["later_value"],
        )
        for f in found
    ] == [("M", "I", 2019, "actual", 160.0, 162.0)]
    assert "160 in the FY2019 edition, 162 in the FY2020 edition" in found[0].detail
    rows = con.execute("SELECT measure, indicator, fiscal_year, kind, delta FROM kpi_restatements").fetchall()
    assert rows == [("M", "I", 2019, "actual", 2.0)]


def test_restated_value_counts_a_value_that_became_blank():
    con = warehouse(
        edition(2019, {"M": {"I": {"target": [1, 2], "actual": [1, 2]}}}),
        edition(2020, {"M": {"I": {"target": [2, 3], "actual": [None, 3]}}}),
    )
    [f] = findings(con, "restated_value")
    assert f.evidence["earlier_value"] == 2.0 and f.evidence["later_value"] is None and f.evidence["delta"] is None


def test_unit_mismatch_within_one_table():
    con = warehouse(
        edition(2020, {"M": {"I": {"target": [1, 2], "actual": [1, 2]}}}, units={("M", "I"): ("人", "万人")})
    )
    [f] = findings(con, "unit_mismatch")
    assert (f.measure, f.indicator, f.evidence["target_unit"], f.evidence["actual_unit"]) == ("M", "I", "人", "万人")


def test_unit_changed_between_editions_but_not_for_a_mismatched_table():
    con = warehouse(
        edition(2019, {"M": {"I": {"target": [1, 2], "actual": [1, 2]}, "J": {"target": [1, 2], "actual": [1, 2]}}}),
        edition(
            2020,
            {"M": {"I": {"target": [2, 3], "actual": [2, 3]}, "J": {"target": [2, 3], "actual": [2, 3]}}},
            units={("M", "I"): "回", ("M", "J"): ("件", "万件")},
        ),
    )
    found = findings(con, "unit_changed")
    assert {(f.indicator, f.fiscal_year, f.evidence["kind"]) for f in found} == {
        ("I", 2019, "target"),
        ("I", 2019, "actual"),
    }


def test_indicator_and_measure_dropped_and_new():
    con = warehouse(
        edition(2019, {"M": {"I": {"actual": [1, 2]}, "J": {"actual": [1, 2]}}, "Gone": {"K": {"actual": [1, 1]}}}),
        edition(
            2020,
            {"M": {"I": {"actual": [2, 3]}, "New": {"actual": [0, 1]}}, "Fresh": {"X": {"actual": [1, 1]}}},
            articles={"Fresh": 18},
        ),
    )
    assert [(f.measure, f.indicator) for f in findings(con, "indicator_dropped")] == [("M", "J")]
    assert [(f.measure, f.indicator) for f in findings(con, "measure_dropped")] == [("Gone", None)]
    assert {(f.measure, f.indicator) for f in findings(con, "new_measure_or_indicator")} == {
        ("Fresh", None),
        ("M", "New"),
    }


def test_unexpected_year_columns():
    con = warehouse(edition(2020, {"M": {"I": {"actual": [1, 2]}}}, years=(2018, 2019)))
    [f] = findings(con, "unexpected_year_columns")
    assert f.evidence["years"] == [2018, 2019] and f.report_fiscal_year == 2020


# --- identities ---------------------------------------------------------------------------

RENAME = (
    edition(
        2020,
        {
            "ものづくり中小企業経営支援事業": {
                "経営革新計画の承認件数": {"actual": [1, 2]},
                "展示会出展件数": {"actual": [1, 2]},
            }
        },
        articles={"ものづくり中小企業経営支援事業": 14},
    ),
    edition(
        2021,
        {
            "ものづくり中小企業経営革新等支援事業": {
                "経営革新計画の承認件数": {"actual": [2, 3]},
                "展示会出展件数": {"actual": [2, 3]},
            }
        },
        articles={"ものづくり中小企業経営革新等支援事業": 14},
    ),
)


def test_renamed_measure_is_linked_by_evidence_and_keeps_one_time_series():
    con = warehouse(*RENAME)
    row = con.execute(
        "SELECT canonical, reason, score, evidence FROM measure_aliases WHERE name = 'ものづくり中小企業経営支援事業'"
    ).fetchone()
    assert row[0] == "ものづくり中小企業経営革新等支援事業" and row[1] == "evidence" and row[2] > 0.9
    assert '"same_article": true' in row[3] and '"indicator_overlap": 1.0' in row[3]
    years = con.execute(
        "SELECT fiscal_year FROM kpi_timeseries WHERE indicator = '経営革新計画の承認件数' ORDER BY 1"
    ).fetchall()
    assert [y for (y,) in years] == [2019, 2020, 2021]
    assert findings(con, "measure_dropped") == [] and len(findings(con, "renamed")) == 1


def test_a_different_article_is_never_a_rename():
    a, b = RENAME
    b = edition(
        2021,
        {"ものづくり中小企業経営革新等支援事業": {"経営革新計画の承認件数": {"actual": [2, 3]}}},
        articles={"ものづくり中小企業経営革新等支援事業": 15},
    )
    con = warehouse(a, b)
    assert con.execute("SELECT count(*) FROM measure_aliases WHERE reason = 'evidence'").fetchone()[0] == 0
    assert len(findings(con, "measure_dropped")) == 1


def test_pins_force_and_forbid_links():
    series = "kawasaki-sme"
    forbid = Aliases(
        measures=[Pin(series, "ものづくり中小企業経営革新等支援事業", distinct_from="ものづくり中小企業経営支援事業")]
    )
    con = warehouse(*RENAME, aliases=forbid)
    assert con.execute("SELECT count(DISTINCT canonical) FROM measure_aliases").fetchone()[0] == 2
    force = Aliases(
        indicators=[
            Pin(
                series,
                "展示会出展件数",
                same_as="経営革新計画の承認件数",
                measure="ものづくり中小企業経営革新等支援事業",
            )
        ]
    )
    con = warehouse(*RENAME, aliases=force)
    reasons = dict(con.execute("SELECT name, reason FROM indicator_aliases").fetchall())
    assert reasons["展示会出展件数"] == "pinned"


def test_alias_file_is_read(tmp_path):
    path = tmp_path / "aliases.yaml"
    path.write_text("measures:\n  - {series: s, name: a, same_as: b}\nindicators: []\n", encoding="utf-8")
    assert Aliases.load(path).measures == [Pin("s", "a", same_as="b")]
    path.write_text("measures:\n  - {series: s, nme: a}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="malformed alias entry"):
        Aliases.load(path)
    assert Aliases.load(None).measures == []  # the repository's default file pins nothing


def test_similarity():
    assert similarity("商業力強化事業", "商業力強化事業") == 1.0
    assert similarity("ものづくり中小企業経営支援事業", "ものづくり中小企業経営革新等支援事業") > 0.85


def test_every_rule_has_a_description():
    rules = load_rules()
    assert len(rules) >= 8
    assert all(len(r.description) > 40 for r in rules.values())


# --- the sample editions: exactly the planted differences ---------------------------------


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    db = tmp_path_factory.mktemp("audit") / "nenpo.duckdb"
    summary = ingest([SAMPLE_EDITIONS], db)
    assert summary.ok
    return db, summary.findings


def _expected_findings():
    expected = set()
    for d in PLANTED_DIFFERENCES:
        kind = d["kind"]
        if kind in ("restated_actual", "changed_target"):
            expected.add(("restated_value", d["later_edition"], d["measure"], d["indicator"], d["fiscal_year"]))
        elif kind == "unit_mismatch":
            expected.add(("unit_mismatch", d["edition"], d["measure"], d["indicator"], None))
        elif kind == "dropped_indicator":
            expected.add(("indicator_dropped", d["later_edition"], d["measure"], d["indicator"], None))
        elif kind == "renamed_measure":
            expected.add(("renamed", d["later_edition"], d["new_name"], None, None))
        elif kind == "census_total_mismatch":
            expected.add(("census_total_mismatch", d["edition"], None, f"{d['table']}/{d['table']}", d["survey_year"]))
        elif kind == "unexplained_shortfall":
            expected.add(("actual_far_below_target", d["edition"], d["measure"], d["indicator"], d["fiscal_year"]))
        elif kind == "unanswered_opinion":
            expected.add(("opinion_without_response", d["edition"], d["measure"], None, None))
        elif kind == "unasked_response":
            expected.add(("response_without_opinion", d["edition"], d["measure"], None, None))
    return expected


def test_samples_give_exactly_the_planted_differences(samples):
    _, found = samples
    got = {(f.check, f.report_fiscal_year, f.measure, f.indicator, f.fiscal_year) for f in found}
    assert got == _expected_findings()
    assert len(found) == len(got)


def test_samples_timeseries_keeps_the_renamed_measure_as_one_line(samples):
    db, _ = samples
    con = connect(db, read_only=True)
    rows = con.execute(
        "SELECT fiscal_year, actual, source_report_fiscal_year FROM kpi_timeseries "
        "WHERE indicator = '経営革新計画の承認件数' ORDER BY fiscal_year"
    ).fetchall()
    assert rows == [(2018, 88.0, 2019), (2019, 91.0, 2020), (2020, 59.0, 2021), (2021, 64.0, 2021)]
    measures = con.execute(
        "SELECT DISTINCT measure FROM kpi_timeseries WHERE indicator = '経営革新計画の承認件数'"
    ).fetchall()
    assert measures == [("ものづくり中小企業経営革新等支援事業",)]


def test_audit_is_stored_and_rerun_is_stable(samples):
    db, found = samples
    kept = audit_warehouse(db)  # nothing changed since the ingest's audit: its findings come back
    assert kept.reused and kept.findings == found
    again = audit_warehouse(db, reuse=False)
    assert not again.reused and again.findings == found
    con = connect(db, read_only=True)
    assert con.execute("SELECT count(*) FROM audit_findings").fetchone()[0] == len(found)


def test_shortfalls_explained_by_the_supplement_are_not_findings(samples):
    db, found = samples
    con = connect(db, read_only=True)
    shortfalls = con.execute(
        "SELECT a.report_fiscal_year, a.measure, a.indicator FROM kpi_values_resolved a "
        "JOIN kpi_values_resolved t ON t.report_id = a.report_id AND t.table_no = a.table_no "
        " AND t.fiscal_year = a.fiscal_year AND t.kind = 'target' "
        "WHERE a.kind = 'actual' AND a.fiscal_year = a.report_fiscal_year AND a.value < 0.5 * t.value ORDER BY ALL"
    ).fetchall()
    flagged = {(f.report_fiscal_year, f.measure, f.indicator) for f in found if f.check == "actual_far_below_target"}
    assert len(shortfalls) >= 4, "the samples carry explained shortfalls (中止, 下回った, 減少 in 補足事項)"
    assert flagged == {
        (2019, "ウェルフェアイノベーション推進事業", "ウェルフェアイノベーションフォーラム全体会の開催回数")
    }
    assert flagged < set(shortfalls)


def test_alias_file_from_the_environment_is_used_by_every_run(tmp_path, monkeypatch):
    path = tmp_path / "pins.yaml"
    path.write_text(
        "measures:\n  - {series: kawasaki-sme, name: ものづくり中小企業経営革新等支援事業,"
        " distinct_from: ものづくり中小企業経営支援事業}\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("NENPO_ALIASES", str(path))
    assert Aliases.load().measures[0].distinct_from == "ものづくり中小企業経営支援事業"
    con = warehouse(*RENAME, aliases=Aliases.load())
    assert con.execute("SELECT count(DISTINCT canonical) FROM measure_aliases").fetchone()[0] == 2


# --- an unchanged warehouse keeps its latest audit ---------------------------------------------

RESTATED = {"M": {"I": {"target": [95, 99], "actual": [162, 201]}}}


def _runs(con):
    return con.execute("SELECT editions, findings FROM audit_runs ORDER BY audited_at").fetchall()


def test_audit_is_kept_while_its_inputs_are_unchanged_and_rerun_when_they_change(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    load_extraction(con, edition(2019, {"M": {"I": {"target": [90, 95], "actual": [150, 160]}}}))
    load_extraction(con, edition(2020, RESTATED))
    first = audit(con)
    assert not first.reused and [f.check for f in first.findings] == ["restated_value"]
    assert _runs(con) == [(2, 1)]

    kept = audit(con)  # same editions, pins and code: read back, not run
    assert kept.reused and kept.findings == first.findings and kept.audited_at == first.audited_at
    assert _runs(con) == [(2, 1)]

    pinned = audit(con, Aliases(measures=[Pin("kawasaki-sme", "M", distinct_from="N")]))
    assert not pinned.reused  # the alias pins are an input
    assert _runs(con) == [(2, 1), (2, 1)]

    load_extraction(con, edition(2020, {"M": {"I": {"target": [95, 99], "actual": [160, 201]}}}))  # restatement fixed
    fixed = audit(con, Aliases(measures=[Pin("kawasaki-sme", "M", distinct_from="N")]))
    assert not fixed.reused and fixed.findings == []
    assert con.execute("SELECT count(*) FROM audit_findings").fetchone()[0] == 0

    forced = audit(con, Aliases(measures=[Pin("kawasaki-sme", "M", distinct_from="N")]), reuse=False)
    assert not forced.reused and forced.audited_at > fixed.audited_at
    assert _runs(con)[-2:] == [(2, 0), (2, 0)]


def test_reingesting_unchanged_editions_keeps_the_audit(tmp_path):
    db = tmp_path / "nenpo.duckdb"
    first = ingest([SAMPLE_EDITIONS], db)
    again = ingest([SAMPLE_EDITIONS], db)
    assert not first.audit_reused and again.audit_reused
    assert all(result.unchanged for _, result in again.loaded)
    assert again.findings == first.findings and again.audited_at == first.audited_at
