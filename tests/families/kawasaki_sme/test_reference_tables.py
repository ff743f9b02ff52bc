"""The text-layer table readers over the real FY2020 edition: the two census tables, the
figures in section 2's prose and the 22 emergency-measure rows.

Expected values were read from the reference text by hand
(`tests/data/reference_tables_fy2020.json`); the reference lives in ../shared and these
tests skip cleanly where it is absent.
"""

from __future__ import annotations

import json

import pytest

from nenpo.extractors.families.kawasaki_sme.budget import build_items, parse_budget_text
from nenpo.extractors.families.kawasaki_sme.stat_tables import census_values, find_figures, parse_census_text
from nenpo.extractors.normalise import normalise_name, normalise_text, parse_number
from tests.conftest import TEST_DATA

EXPECTED = json.loads((TEST_DATA / "reference_tables_fy2020.json").read_text(encoding="utf-8"))

pytestmark = pytest.mark.reference


@pytest.fixture(scope="module")
def census(reference_lines):
    return parse_census_text(reference_lines)


def test_finds_the_two_census_tables(census):
    assert [t.header_line + 1 for t in census] == [t["header_line"] for t in EXPECTED["census"]]


@pytest.mark.parametrize("expected", EXPECTED["census"], ids=lambda t: t["table"])
def test_census_table_matches_hand_read_values(census, expected):
    table = next(t for t in census if t.header_line + 1 == expected["header_line"])
    assert table.table == expected["table"]
    assert table.title == normalise_text(expected["title"])
    assert [c.measure for c in table.columns] == expected["measures"]
    assert [c.year for c in table.columns] == expected["years"]
    assert [(r.line + 1, r.category, r.cells) for r in table.rows] == [
        (r["line"], normalise_text(r["category"]), r["cells"]) for r in expected["rows"]
    ]
    values = {(v.category, v.measure, v.survey_year): v for v in census_values(table, page=1, source="text")}
    for row in expected["rows"]:
        for measure, year, text in zip(expected["measures"], expected["years"], row["cells"]):
            v = values[(normalise_text(row["category"]), measure, year)]
            assert v.value == parse_number(text).value and v.value is not None
            assert v.unit == {"事業所数": "事業所", "従業者数": "人", "構成比": "%"}[measure]


def test_census_categories_add_up_to_the_printed_totals(census):
    """The real tables add up (the planted mismatch is only in the samples)."""
    for table in census:
        values = census_values(table, page=1)
        for measure, year in {(v.measure, v.survey_year) for v in values if v.measure != "構成比"}:
            column = [v for v in values if (v.measure, v.survey_year) == (measure, year)]
            total = next(v.value for v in column if v.category == "全産業")
            assert sum(v.value for v in column if v.category != "全産業") == total


def test_section_two_figures_match_hand_read_values(reference_lines):
    first, last = EXPECTED["figures"]["lines"]
    text, starts = "", []
    for number in range(first, last + 1):
        starts.append((len(text), number))
        text += normalise_text(reference_lines[number - 1])
    found = find_figures(text)
    got = [
        (f.measure, f.category, f.survey_year, f.period, f.value, max(n for s, n in starts if s <= f.start))
        for f in found
    ]
    assert got == [
        (v["measure"], v["category"], v["survey_year"], v["period"], v["value"], v["line"])
        for v in EXPECTED["figures"]["values"]
    ]


@pytest.fixture(scope="module")
def budget(reference_lines):
    rows = parse_budget_text(reference_lines)
    items, results = build_items(rows)
    return rows, items, results


def test_finds_the_22_numbered_rows_on_their_lines(budget):
    rows, items, _ = budget
    numbered = [r for r in rows if r.no is not None]
    assert [(r.no, r.line + 1) for r in numbered] == [(b["no"], b["line"]) for b in EXPECTED["budget"]]
    assert sorted({i.no for i in items}) == list(range(1, 23))


@pytest.mark.parametrize("expected", EXPECTED["budget"], ids=lambda b: f"no{b['no']}")
def test_budget_row_matches_hand_read_values(budget, expected):
    rows, items, results = budget
    got = [i for i in items if i.no == expected["no"]]
    want = expected["phases"]
    assert [i.phase for i in got] == [
        None if p["phase"] is None else normalise_text(p["phase"]).replace(" ", "") for p in want
    ]
    assert [i.name for i in got] == [normalise_name(p["name"]) for p in want]
    assert [i.budget_thousand_yen for i in got] == [p["budget_thousand_yen"] for p in want]
    assert [i.budget_note for i in got] == [p["note"] and normalise_text(p["note"]) for p in want]
    assert [list(i.shared_with) for i in got] == [p["shared_with"] for p in want]
    for p in want:
        if "line" in p:  # a phase printed as its own sub-row: its name's line
            row = next(r for r in rows if r.no is None and normalise_name("".join(r.name)) == normalise_name(p["name"]))
            assert row.line + 1 == p["line"]
    if expected["metrics_read"]:
        for item, p in zip(got, want):
            metrics = [(r.metric, r.value, r.unit) for r in results if r.no == item.no and r.phase == item.phase]
            assert metrics == [(normalise_text(m), float(v), u) for m, v, u in p["metrics"]]


def test_shared_budgets_name_each_other(budget):
    """№3 and №13 print one pool of 45,655 千円; №5 and №15 one of 28,190 千円 (with №16)."""
    _, items, _ = budget
    by_no = {i.no: i for i in items if i.phase in (None, "第1弾")}
    assert by_no[3].budget_thousand_yen == by_no[13].budget_thousand_yen == 45655
    assert 13 in by_no[3].shared_with and 3 in by_no[13].shared_with
    assert by_no[5].budget_thousand_yen == by_no[15].budget_thousand_yen == 28190
    assert {15, 16} <= set(by_no[5].shared_with) and 5 in by_no[15].shared_with


# --- the tables a text-order reading finds: rosters, policy list, opinions, その他の事業 -------------

TEXT_TABLES = json.loads((TEST_DATA / "reference_text_tables_fy2020.json").read_text(encoding="utf-8"))


def test_rosters_match_hand_read_members(reference_lines):
    from nenpo.extractors.families.kawasaki_sme.rosters import parse_roster_text

    got = [(m.committee, m.as_of, m.seq, m.role, m.name, m.grp) for m in parse_roster_text(reference_lines)]
    assert got == [
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


def test_policy_list_matches_hand_read_entries_but_two_parents(reference_lines):
    """The list alone does not show that まちづくり連動事業 is under 商業振興関連事業, nor that
    観光振興事業 heads 産業観光推進事業 (the sheets' titles do): those two entries differ."""
    from nenpo.extractors.families.kawasaki_sme.policy_list import parse_policy_list_text

    got = [(e.part, e.article, e.policy, e.parent, e.name, e.pages) for e in parse_policy_list_text(reference_lines)]
    want = [
        (
            e["part"],
            e["article"],
            normalise_text(e["policy"]),
            e["parent"] and normalise_name(e["parent"]),
            normalise_name(e["name"]),
            tuple(e["pages"]),
        )
        for e in TEXT_TABLES["policy_list"]
    ]
    differ = {w[4] for w in want if w not in got} | {g[4] for g in got if g not in want}
    assert differ == {"まちづくり連動事業", "観光振興事業", "産業観光推進事業"}
    assert len(got) == len(want) + 1


def test_article_opinions_match_hand_read_cells(reference_lines):
    from nenpo.extractors.families.kawasaki_sme.article_opinions import parse_text

    got = [(o.article, o.kind, o.lines[0] + 1, o.lines[-1] + 1, len(o.paragraphs)) for o in parse_text(reference_lines)]
    assert got == [
        (o["article"], o["kind"], *o["lines"], len(o["paragraph_starts"])) for o in TEXT_TABLES["article_opinions"]
    ]


def test_other_measures_match_hand_read_blocks(reference_lines):
    from nenpo.extractors.families.kawasaki_sme.other_measures import parse_other_measures_text

    blocks = parse_other_measures_text(reference_lines)
    assert [(b.article[0], b.name) for b in blocks] == [
        (o["article"], normalise_name(o["name"])) for o in TEXT_TABLES["other_measures"]
    ]
    for block, o in zip(blocks, TEXT_TABLES["other_measures"]):
        if "results_line" in o:
            assert block.results[0] == normalise_text(reference_lines[o["results_line"] - 1]).strip(), o["name"]
