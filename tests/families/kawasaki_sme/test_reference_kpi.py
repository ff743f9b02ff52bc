"""The text-layer KPI parser over the real FY2020 edition's 45 KPI tables.

Expected values were read from the reference text by hand
(`tests/data/reference_kpi_fy2020.json`); the reference itself lives in ../shared and
these tests skip cleanly where it is absent.
"""

from __future__ import annotations

import json

import pytest

from nenpo.extractors.families.kawasaki_sme.kpi_grammar import parse_text_tables
from nenpo.extractors.normalise import check_unit_scale, normalise_name, parse_cell, parse_unit
from tests.conftest import TEST_DATA

EXPECTED = json.loads((TEST_DATA / "reference_kpi_fy2020.json").read_text(encoding="utf-8"))
TABLES = EXPECTED["tables"]


@pytest.fixture(scope="module")
def parsed(reference_lines):
    return parse_text_tables(reference_lines)


def test_finds_all_45_tables(parsed):
    assert len(TABLES) == 45
    assert [t.header_line + 1 for t in parsed] == [t["header_line"] for t in TABLES]


@pytest.mark.parametrize("expected", TABLES, ids=lambda t: f"table{t['no']}-L{t['header_line']}")
def test_table_matches_hand_read_values(parsed, expected):
    table = next(t for t in parsed if t.header_line + 1 == expected["header_line"])
    assert table.years == expected["years"]
    assert table.year_texts == expected["year_text"]
    assert [r.kind for r in table.rows] == [r["kind"] for r in expected["rows"]]
    for row, want in zip(table.rows, expected["rows"]):
        assert row.line + 1 == want["line"]
        assert row.unit_text == want["unit_text"]
        assert row.cells == [c["text"] for c in want["cells"]]
        unit = parse_unit(row.unit_text)
        for text, cell in zip(row.cells, want["cells"]):
            got = parse_cell(text, unit)
            assert (got.value, got.status, got.annotation, got.sub_value) == (
                cell["value"],
                cell["status"],
                cell["annotation"],
                cell["sub_value"],
            ), text


def test_indicator_next_to_the_table_is_found_by_text_order(parsed):
    """Where the label sits right above its table, text order finds it; the two-column
    cases (with an `indicator_note`) are exactly the ones text order cannot place."""
    by_line = {t.header_line + 1: t for t in parsed}
    adjacent = [t for t in TABLES if t["indicator_note"] is None and t["indicator_lines"][-1] >= t["header_line"] - 2]
    assert len(adjacent) >= 25
    for t in adjacent:
        found = by_line[t["header_line"]].indicator
        assert found is not None and normalise_name(t["indicator"]).startswith(normalise_name(found)), t["no"]


def test_unit_mismatch_table_is_reported_not_scaled(parsed):
    table = next(t for t in parsed if any(r.unit_text == "万人" for r in t.rows))
    target, actual = table.rows
    assert (target.unit_text, actual.unit_text) == ("人", "万人")
    values = [parse_cell(c, parse_unit("万人")).value for c in actual.cells]
    assert values == [15_600_000, 12_760_000]
    check = check_unit_scale(parse_unit("万人"), values, reference_unit=parse_unit("人"))
    assert not check.consistent and check.detail


def test_cancelled_and_annotated_cells(parsed):
    cells = {c: parse_cell(c) for t in parsed for r in t.rows for c in r.cells}
    assert cells["中止"].status == "cancelled" and cells["中止"].value is None
    annotated = cells["59（新規38件・変更21件）"]
    assert (annotated.value, annotated.annotation) == (59, "新規38件・変更21件")
