"""The report's tables on layout (b) of the real FY2020 edition: the reference text typeset
line by line in its own order on A4 portrait pages, census (and KPI) blocks ruled, tables
running across page breaks wherever they fall. What the warehouse holds is checked against
ground truth read from the reference text by hand (`tests/data/reference_tables_fy2020.json`,
`tests/data/reference_text_tables_fy2020.json`).

The PDF is rendered into a temporary folder (never committed); these tests skip where
../shared is absent.
"""

from __future__ import annotations

import json

import pytest

from nenpo.extractors.normalise import normalise_name, normalise_text, parse_number
from tests.conftest import TEST_DATA

DATA = TEST_DATA
TABLES = json.loads((DATA / "reference_tables_fy2020.json").read_text(encoding="utf-8"))
TEXT_TABLES = json.loads((DATA / "reference_text_tables_fy2020.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def layout_b(reference_layout_b):
    return reference_layout_b


@pytest.fixture(scope="module")
def warehouse(reference_layout_b_warehouse):
    return reference_layout_b_warehouse


def _joined(reference_lines: list[str], first: int, last: int) -> str:
    return "".join(line.strip() for line in reference_lines[first - 1 : last])


# --- census ------------------------------------------------------------------------------------


def test_every_census_cell_is_in_the_warehouse(warehouse):
    rows = warehouse.execute(
        "SELECT \"table\", category, measure, survey_year, value, value_text FROM stat_values WHERE source = 'table'"
    ).fetchall()
    got = {(t, c, m, y): (v, text) for t, c, m, y, v, text in rows}
    want = {
        (table["table"], normalise_text(row["category"]), measure, year): (parse_number(cell).value, cell)
        for table in TABLES["census"]
        for row in table["rows"]
        for measure, year, cell in zip(table["measures"], table["years"], row["cells"])
    }
    assert len(want) == 144 and got == want


def test_a_census_table_across_a_page_break_is_one_table(layout_b):
    """The renderer breaks the page inside the second table: its rows sit on two pages, and
    every row has the table's header (its measures and survey years)."""
    pages = {}
    for v in layout_b.stat_values:
        if v.source == "table":
            pages.setdefault(v.table, set()).add(v.page)
    assert any(len(p) > 1 for p in pages.values()), pages
    assert {(v.table, v.measure, v.survey_year) for v in layout_b.stat_values if v.source == "table"} == {
        (t["table"], m, y) for t in TABLES["census"] for m, y in zip(t["measures"], t["years"])
    }


def test_the_figures_in_prose_are_read(layout_b):
    got = sorted(
        (v.measure, v.category, v.survey_year, v.period, v.value) for v in layout_b.stat_values if v.source == "text"
    )
    assert got == sorted(
        (f["measure"], f["category"], f["survey_year"], f["period"], f["value"]) for f in TABLES["figures"]["values"]
    )


# --- budget --------------------------------------------------------------------------------------


def test_the_whole_budget_table_is_read(layout_b):
    items = layout_b.budget_items
    got = [(i.no, i.phase, i.name, i.budget_thousand_yen, i.budget_note, list(i.shared_with)) for i in items]
    want = [
        (
            b["no"],
            None if p["phase"] is None else normalise_text(p["phase"]).replace(" ", ""),
            normalise_name(p["name"]),
            p["budget_thousand_yen"],
            p["note"] and normalise_text(p["note"]),
            p["shared_with"],
        )
        for b in TABLES["budget"]
        for p in b["phases"]
    ]
    assert got == want
    for b in TABLES["budget"]:
        if not b["metrics_read"]:
            continue
        for p in b["phases"]:
            phase = None if p["phase"] is None else normalise_text(p["phase"]).replace(" ", "")
            metrics = [
                (r.metric, r.value, r.unit) for r in layout_b.budget_results if (r.no, r.phase) == (b["no"], phase)
            ]
            assert metrics == [(normalise_text(m), float(v), u) for m, v, u in p["metrics"]], (b["no"], phase)


# --- rosters, policy list, article opinions, その他の事業 -------------------------------------------


def test_both_rosters_are_read(layout_b):
    got = [(m.committee, m.as_of, m.seq, m.role, m.name, m.grp) for m in layout_b.committee_members]
    want = [
        (
            r["committee"],
            normalise_text(r["as_of"]),
            m["seq"],
            normalise_text(m["role"]),
            normalise_text(m["name"]),
            m["grp"],
        )
        for r in TEXT_TABLES["rosters"]
        for m in r["members"]
    ]
    assert got == want


def test_the_policy_list_is_read(layout_b):
    got = [
        (e.part, e.article, e.article_title, e.parent, e.name, e.page_start, e.page_end) for e in layout_b.policy_list
    ]
    want = [
        (
            e["part"],
            e["article"],
            normalise_text(e["policy"]),
            e["parent"] and normalise_name(e["parent"]),
            normalise_name(e["name"]),
            *e["pages"],
        )
        for e in TEXT_TABLES["policy_list"]
    ]
    assert got == want
    assert [e.seq for e in layout_b.policy_list if e.part == "検証対象事業"] == list(range(1, 20))


def test_the_sheet_titles_settle_the_list_parents(layout_b):
    """Where the list's text order leaves a parent open, the sheet titles settle it
    (``商業振興関連事業 ④まちづくり連動事業``, ``観光振興事業・産業観光推進事業``): a warning each."""
    settled = [w.message for w in layout_b.warnings if w.code == "readings_disagree" and "policy list" in w.message]
    assert len(settled) == 2
    assert "'まちづくり連動事業' under '商業振興関連事業'" in settled[0]
    assert "'産業観光推進事業' under '観光振興事業'" in settled[1]


def test_the_article_opinions_are_read(layout_b, reference_lines):
    got = [(o.article, o.policy, o.kind, o.text) for o in layout_b.article_opinions]
    want = []
    for o in TEXT_TABLES["article_opinions"]:
        starts = o["paragraph_starts"] + [o["lines"][1] + 1]
        paragraphs = [_joined(reference_lines, a, b - 1) for a, b in zip(starts, starts[1:])]
        want.append((o["article"], normalise_name(o["policy"]), o["kind"], normalise_text("\n".join(paragraphs))))
    assert got == want


def test_every_other_measure_is_read(layout_b, reference_lines):
    got = [(o.article, o.name) for o in layout_b.other_measures]
    assert got == [(o["article"], normalise_name(o["name"])) for o in TEXT_TABLES["other_measures"]]
    for measure, o in zip(layout_b.other_measures, TEXT_TABLES["other_measures"]):
        assert measure.next_year_plan and measure.results, o["name"]
        if "results_line" in o:
            first = normalise_text(reference_lines[o["results_line"] - 1].strip())
            assert measure.results.startswith(first), (o["name"], measure.results[:40], first)


# --- how each table was read ---------------------------------------------------------------------


def test_every_record_says_how_it_was_read(layout_b, warehouse):
    """Only the census is ruled on this layout: read by position (and cross-checked against
    the text order without a difference); the other tables by the text order."""
    assert {v.read_by for v in layout_b.stat_values if v.source == "table"} == {"layout"}
    for records in (
        layout_b.budget_items,
        layout_b.committee_members,
        layout_b.policy_list,
        layout_b.other_measures,
        layout_b.article_opinions,
    ):
        assert {r.read_by for r in records} == {"text_order"}
    assert not [w for w in layout_b.warnings if w.code == "readings_differ"]
    for table in (
        "stat_values",
        "budget_items",
        "committee_members",
        "policy_list",
        "other_measures",
        "article_opinions",
    ):
        counts = dict(warehouse.execute(f"SELECT read_by, count(*) FROM {table} GROUP BY read_by").fetchall())
        assert set(counts) <= {"layout", "text_order"} and sum(counts.values()) > 0, table
