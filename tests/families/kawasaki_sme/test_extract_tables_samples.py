"""The report's other tables on the sample editions, every cell against the generator's
ground truth: census statistics and section-2 figures, rosters, the policy list, the
emergency-measure budget table (items and the numbers in 実績等), その他の事業, and every
drawn table's cells in `table_cells`."""

from __future__ import annotations

import pymupdf
import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.samples import content
from nenpo.samples import tables_content as tc
from tests.conftest import SAMPLE_EDITIONS
from tests.table_truth import expected_rows, extracted_rows, load_truth, score_cells

EDITIONS = (2019, 2020, 2021)
TYPED_TABLES = ("stat_values", "committee_members", "policy_list", "budget_items", "budget_results", "other_measures")


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda y: f"FY{y}")
def edition(request):
    return load_truth(request.param), extract_report(SAMPLE_EDITIONS / f"kawasaki-sme-fy{request.param}.pdf")


@pytest.mark.parametrize("table", TYPED_TABLES)
def test_every_row_of_every_typed_table_matches_ground_truth(edition, table):
    truth, x = edition
    expected, got = expected_rows(truth)[table], extracted_rows(x)[table]
    assert expected, f"the generator wrote no {table}"
    wrong = [(want, have) for want, have in zip(expected, got) if want != have]
    assert not wrong, f"{len(wrong)} of {len(expected)} {table} rows differ, e.g. {wrong[:3]}"
    assert len(got) == len(expected)


def test_every_drawn_table_is_read_cell_by_cell(edition):
    truth, x = edition
    scores = score_cells(truth, x)
    assert set(scores) == {"census", "roster", "policy_list", "budget", "other_measure"}
    for kind, score in scores.items():
        assert score.tables_found == score.tables, kind
        assert score.accuracy == 1.0, (kind, score.wrong[:5])


def test_every_grid_goes_to_table_cells(edition):
    """Drawn tables of every kind, and the KPI grids (read by their own finder), are in
    table_cells, numbered in page order."""
    truth, x = edition
    tables = {c.table_no: (c.page, c.kind) for c in x.table_cells}
    assert list(tables) == list(range(1, len(tables) + 1))
    assert [page for page, _ in tables.values()] == sorted(page for page, _ in tables.values())
    kpi_tables = max(v.table_no for v in x.kpi_values)
    assert sum(1 for _, kind in tables.values() if kind == "kpi") == kpi_tables
    drawn = {
        kind: sum(1 for t in truth["tables"] if t["kind"] == kind) for kind in {t["kind"] for t in truth["tables"]}
    }
    assert {kind: sum(1 for _, k in tables.values() if k == kind) for kind in drawn} == drawn


def test_census_survey_years_come_from_the_headers(edition):
    truth, x = edition
    years = tc.CENSUS_YEARS[x.report_fiscal_year]
    census = [s for s in x.stat_values if s.source == "table"]
    assert {s.survey_year for s in census} == set(years)
    assert {s.table for s in census} == {"事業所数", "従業者数"}
    assert len(census) == 2 * 2 * 2 * (len(tc.CENSUS_CATEGORIES) + 1)


def test_di_is_read_with_its_triangle_as_a_negative(edition):
    _, x = edition
    di = next(s for s in x.stat_values if s.measure == "業況DI")
    figures = tc.SECTION_TWO[x.report_fiscal_year]
    assert di.value == float(figures.di) < 0 and di.value_text.startswith("△")


def test_phases_are_separate_rows_and_shared_budgets_are_notes(edition):
    _, x = edition
    phased = {b.no for b in x.budget_items if b.phase is not None}
    assert phased and all(sum(1 for b in x.budget_items if b.no == no) == 2 for no in phased)
    shared = [b for b in x.budget_items if b.shared_with]
    assert shared and all(b.budget_note and "予算" in b.budget_note for b in shared)


def test_budget_table_spans_two_pages(edition):
    _, x = edition
    assert len({b.page for b in x.budget_items}) == 2


def test_roster_membership_changes_between_editions():
    members = {
        y: {
            (m.committee, m.name) for m in extract_report(SAMPLE_EDITIONS / f"kawasaki-sme-fy{y}.pdf").committee_members
        }
        for y in (2019, 2020)
    }
    assert members[2019] - members[2020] == {("川崎市産業振興協議会", "北村 俊介")}
    assert members[2020] - members[2019] == {("川崎市産業振興協議会", "西田 隆")}


def test_sheet_without_footer_gets_its_article_from_the_policy_list():
    path = SAMPLE_EDITIONS / "kawasaki-sme-fy2021.pdf"
    x = extract_report(path)
    ip = next(m for m in x.measures if m.name == "知的財産戦略の推進")
    with pymupdf.open(path) as doc:
        sheet_text = "".join(doc[p - 1].get_text() for p in range(ip.page_start, ip.page_end + 1))
    assert "第13条" not in sheet_text, "the planted sheet prints no footer"
    assert (ip.article, ip.article_title) == (13, "連携の促進")
    assert not [w for w in x.warnings if w.code == "article_not_found"]


def test_other_measure_on_a_page_without_its_article_heading_keeps_the_article():
    x = extract_report(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")
    first_on_page = {}
    for o in x.other_measures:
        first_on_page.setdefault(o.page, o)
    carried = [o for o in first_on_page.values() if o.name == "かわさき基準推進事業"]
    assert carried and carried[0].article == 12


def test_planted_census_mismatch_is_in_the_truth():
    planted = [d for d in content.PLANTED_DIFFERENCES if d["kind"] == "census_total_mismatch"]
    assert len(planted) == 1
    d = planted[0]
    table = next(t for t in tc.CENSUS_TABLES if t.measure == d["table"])
    assert table.total(d["survey_year"]) == d["sum_of_categories"] != d["printed_total"]
    truth = load_truth(d["edition"])
    total = next(
        s
        for s in truth["stat_values"]
        if s["table"] == d["table"]
        and s["category"] == "全産業"
        and s["survey_year"] == d["survey_year"]
        and s["measure"] == d["table"]
    )
    assert total["value"] == d["printed_total"]


def test_kpi_tables_are_in_table_cells_with_their_values(edition):
    from nenpo.extractors.normalise import normalise_text

    _, x = edition
    cells = {(c.page, c.text) for c in x.table_cells if c.kind == "kpi"}
    assert all((k.page, normalise_text(k.value_text)) in cells for k in x.kpi_values)
    headers = {c.text for c in x.table_cells if c.kind == "kpi" and c.row == 0}
    assert {f"R{x.report_fiscal_year - 2018}({x.report_fiscal_year})年度"} <= headers
