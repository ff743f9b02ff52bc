"""Quality gates: a damaged copy of an edition never replaces the good one held (unless forced)."""

from __future__ import annotations

import shutil

import duckdb
import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.gates import EditionFigures, figures_held, figures_of, shortfalls
from tests.conftest import SAMPLE_EDITIONS
from tests.damage import random_bytes, without_page_content

FY2020 = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"


def figures(**kw) -> EditionFigures:
    base = dict(
        sha256="a" * 64,
        source_path="/r/fy2020.pdf",
        sheets=10,
        kpi_values=100,
        pdca_items=50,
        page_count=4,
        chars={1: 800, 2: 900, 3: 700, 4: 20},
        garbled=frozenset(),
    )
    return EditionFigures(**{**base, **kw})


# --- the rules, on figures typed here ---------------------------------------------------------


def test_equal_or_better_figures_pass():
    held = figures()
    assert shortfalls(held, figures()) == []
    assert shortfalls(held, figures(sheets=11, kpi_values=120, chars={1: 800, 2: 900, 3: 700, 4: 900})) == []


def test_a_small_drop_in_values_is_tolerated_a_marked_one_is_not():
    held = figures()
    assert shortfalls(held, figures(kpi_values=98, pdca_items=49)) == []
    assert shortfalls(held, figures(kpi_values=97)) == ["KPI values 100 → 97"]
    assert shortfalls(held, figures(pdca_items=40)) == ["PDCA items 50 → 40"]


def test_one_sheet_fewer_fails():
    assert shortfalls(figures(), figures(sheets=9)) == ["measure sheets 10 → 9"]


def test_a_page_that_lost_its_text_is_named_with_its_figures():
    [*counts, lost] = shortfalls(figures(), figures(chars={1: 800, 2: 3, 3: 700, 4: 20}))
    assert counts == ["pages with text 3 → 2"]
    assert lost == "page(s) 2 lost their text (p.2 900 → 3 characters)"


def test_newly_garbled_pages_are_named():
    held = figures(garbled=frozenset({4}))
    assert shortfalls(held, figures(garbled=frozenset({4}))) == []
    assert shortfalls(held, figures(garbled=frozenset({1, 3, 4}))) == [
        "garbled pages 1 → 3 (newly garbled: page(s) 1, 3)"
    ]


# --- real damaged copies of a sample edition --------------------------------------------------


@pytest.fixture(scope="module")
def good():
    return extract_report(FY2020)


@pytest.fixture(scope="module")
def held_db(tmp_path_factory, good):
    """A warehouse holding the good FY2020 edition."""
    root = tmp_path_factory.mktemp("gates")
    db = root / "good.duckdb"
    summary = ingest([FY2020], db, cache_dir=root / "cache")
    assert summary.ok
    return db


def _warehouse(held_db, tmp_path):
    db = tmp_path / "w.duckdb"
    shutil.copy(held_db, db)
    return db


def test_figures_read_back_from_the_warehouse_equal_the_extraction(held_db, good):
    con = duckdb.connect(str(held_db), read_only=True)
    try:
        held = figures_held(con, good.series, good.report_fiscal_year)
    finally:
        con.close()
    assert held == figures_of(good)
    assert held.sheets >= 10 and held.kpi_values > 0 and held.text_pages > 0


def test_a_page_without_its_content_does_not_replace_the_good_edition(held_db, good, tmp_path):
    sheet = good.measures[3]
    damaged = without_page_content(FY2020, tmp_path / "fy2020-damaged.pdf", sheet.page_start)
    db = _warehouse(held_db, tmp_path)
    summary = ingest([damaged], db, cache_dir=tmp_path / "cache")
    assert not summary.ok and summary.loaded == []
    [failure] = summary.failed
    assert failure.stage == "validate"
    assert str(damaged) in failure.error and str(FY2020) in failure.error
    assert f"page(s) {sheet.page_start} lost their text" in failure.error
    assert "--force" in failure.error
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT sha256, measure_count FROM reports").fetchall() == [
            (good.sha256, len(good.measures))
        ]
        assert con.execute("SELECT count(*) FROM kpi_values").fetchone()[0] == len(good.kpi_values)
        assert con.execute("SELECT report, stage FROM ingest_errors").fetchall() == [(str(damaged), "validate")]
    finally:
        con.close()


def test_force_replaces_anyway(held_db, good, tmp_path):
    damaged = without_page_content(FY2020, tmp_path / "fy2020-damaged.pdf", good.measures[3].page_start)
    db = _warehouse(held_db, tmp_path)
    summary = ingest([damaged], db, cache_dir=tmp_path / "cache", force=True)
    assert summary.ok
    [(x, load)] = summary.loaded
    assert load.replaced_report_id == good.report_id
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT sha256 FROM reports").fetchall() == [(x.sha256,)]
    finally:
        con.close()


def test_a_copy_with_random_bytes_never_replaces_with_less(held_db, good, tmp_path):
    """4 KiB of random bytes (over the fonts, with this seed: every sheet reads as garbled):
    whatever the extractor still reads, the warehouse never ends up holding less. Read
    with OCR off: the damage is the subject (pages garbled beyond repair are recognised
    under `--ocr auto`, tested in tests/core/test_ocr_pages.py; here that is 100 s of
    Tesseract)."""
    damaged = random_bytes(FY2020, tmp_path / "fy2020-noise.pdf", size=4096, seed=9)
    db = _warehouse(held_db, tmp_path)
    summary = ingest([damaged], db, cache_dir=tmp_path / "cache", ocr="never")
    con = duckdb.connect(str(db), read_only=True)
    try:
        held = figures_held(con, good.series, good.report_fiscal_year)
    finally:
        con.close()
    assert shortfalls(figures_of(good), held) == []
    if summary.failed:
        assert summary.failed[0].stage in {"extract", "validate"}


def test_a_series_count_gate_applies_to_a_first_load(good, tmp_path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "series:\n"
        "  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: 中小企業活性化施策\n"
        f"    min_sheets: {len(good.measures) + 1}\n    min_kpi_values: {len(good.kpi_values)}\n"
        f"    editions:\n      - {{fiscal_year: 2020, path: {FY2020}}}\n",
        encoding="utf-8",
    )
    db = tmp_path / "first.duckdb"
    summary = ingest(catalogue=catalogue, db=db, cache_dir=tmp_path / "cache")
    [failure] = summary.failed
    assert failure.stage == "validate" and failure.report == str(FY2020)
    assert failure.error.endswith(
        f"reads too little: measure sheets {len(good.measures)} (the series expects at least {len(good.measures) + 1})"
    )
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 0
    finally:
        con.close()
