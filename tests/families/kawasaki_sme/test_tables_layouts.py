"""The report's tables on every layout of every sample edition, against the generator's
ground truth: the landscape layout (ruled tables, positions), the text-order layout
(lines in text-layer order on A4 portrait, only KPI and census blocks ruled, tables
across page breaks) and the mincho layout (unruled tables, headings at body size,
tables across pages). Each typed table is scored by `samples.score.RECORD_KINDS`."""

from __future__ import annotations

import json
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.samples.score import LAYOUT_FOLDERS, RECORD_KINDS, SAMPLES_DIR, score_records
from tests.table_truth import score_cells

TABLE_KINDS = (
    "stat_values",
    "committee_members",
    "policy_list",
    "budget_items",
    "budget_results",
    "other_measures",
    "article_opinions",
)
EDITIONS = [
    (layout, path)
    for layout, folder in LAYOUT_FOLDERS.items()
    for path in sorted((SAMPLES_DIR / folder).glob("*.truth.json"))
]

KNOWN_MISSES: dict[tuple[str, str, str], int] = {}
"""Rows a layout's text does not settle, per (layout, truth file, kind): none left."""


def _edition_id(e: tuple[str, Path]) -> str:
    return f"{e[0]}-{e[1].name.split('.')[0]}"


@cache
def _read(layout: str, truth_path: Path):
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    return (
        layout,
        truth_path.name,
        truth,
        extract_report(truth_path.with_name(truth_path.name.replace(".truth.json", ".pdf"))),
    )


def _editions_of(layout: str) -> list[tuple[str, Path]]:
    return [e for e in EDITIONS if e[0] == layout]


@pytest.fixture(scope="module", params=EDITIONS, ids=_edition_id)
def edition(request):
    return _read(*request.param)


@pytest.mark.parametrize("kind", TABLE_KINDS)
def test_every_table_row_is_read_on_every_layout(edition, kind):
    layout, name, truth, x = edition
    score = score_records(truth, x)[kind]
    misses = KNOWN_MISSES.get((layout, name, kind), 0)
    truth_keys, extracted_keys = RECORD_KINDS[kind]
    missing = Counter(truth_keys(truth)) - Counter(extracted_keys(x))
    assert score.expected > 0
    assert score.found == score.expected - misses, (layout, name, kind, list(missing)[:3])
    assert score.extracted == score.expected, (layout, name, kind)


def test_every_record_says_how_it_was_read(edition):
    layout, _, _, x = edition
    by = Counter(
        r.read_by
        for kind in ("committee_members", "policy_list", "budget_items", "other_measures", "article_opinions")
        for r in getattr(x, kind)
    )
    assert set(by) <= {"layout", "text_order"}
    if layout == "landscape":  # every table is drawn with its positions: read by layout, cross-checked
        assert set(by) == {"layout"}
    else:  # the rosters, lists and budget are not ruled here: only the text order reads them
        assert {r.read_by for r in x.budget_items} == {"text_order"}
    assert not [w for w in x.warnings if w.code == "readings_differ"], layout


@pytest.mark.parametrize("printed", _editions_of("text-order"), ids=_edition_id)
def test_ruled_census_cells_across_page_breaks(printed):
    """On the text-order layout the census tables are ruled and break across pages: every
    cell is in table_cells, the continuation's rows under the header of the page before.
    (Spans of the header cells are not compared: the rules drawn separate those cells.)
    The landscape layout's ruled census is tested with it; mincho's is unruled (below)."""
    _, _, truth, x = _read(*printed)
    unspanned = {
        **truth,
        "tables": [
            {**t, "cells": [[r, c, 1, 1, text] for r, c, _, _, text in t["cells"]]}
            for t in truth["tables"]
            if t["kind"] == "census"
        ],
    }
    found = {(c.table_no, c.row, c.col): c for c in x.table_cells}
    for c in list(found.values()):
        found[(c.table_no, c.row, c.col)] = c.model_copy(update={"row_span": 1, "col_span": 1})
    x = x.model_copy(update={"table_cells": tuple(found.values())})
    score = score_cells(unspanned, x)["census"]
    assert score.tables_found == score.tables and score.accuracy == 1.0, score.wrong[:5]
    assert any(len({c.page for c in x.table_cells if c.table_no == t}) > 1 for t in {c.table_no for c in x.table_cells})


@pytest.mark.parametrize("printed", _editions_of("mincho"), ids=_edition_id)
def test_unruled_tables_go_to_table_cells_as_printed(printed):
    """On the mincho layout nothing is ruled: the census tables, rosters, policy list and
    budget table the text order reads go to table_cells in the grid they print (the stub
    over two header rows, each measure over its years; 役職名 over the group, № and role
    columns; 条文 and policy on an article's first row; a row per budget (sub-)row), read_by
    text_order."""
    _, _, truth, x = _read(*printed)
    scores = score_cells(truth, x)
    for kind in ("census", "roster", "policy_list", "budget"):
        assert scores[kind].tables_found == scores[kind].tables, kind
        assert scores[kind].right == scores[kind].cells, (kind, scores[kind].wrong[:5])
    assert {c.read_by for c in x.table_cells if c.kind in ("census", "roster", "policy_list", "budget")} == {
        "text_order"
    }
    assert {c.read_by for c in x.table_cells if c.kind == "other_measure"} == {"layout"}
