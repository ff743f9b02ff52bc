"""Extraction of the bundled sample editions, compared field by field with ground truth."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.extractors.normalise import normalise_name, normalise_text
from tests.conftest import SAMPLE_EDITIONS

EDITIONS = (2019, 2020, 2021)
KPI_FIELDS = ("unit", "unit_raw", "value", "value_text", "status", "annotation", "sub_value", "page")


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda y: f"FY{y}")
def edition(request):
    stem = SAMPLE_EDITIONS / f"kawasaki-sme-fy{request.param}"
    truth = json.loads(stem.with_suffix(".truth.json").read_text(encoding="utf-8"))
    return truth, extract_report(stem.with_suffix(".pdf"))


def test_edition_identity(edition):
    truth, x = edition
    assert x.series == truth["series"]
    assert x.report_fiscal_year == truth["report_fiscal_year"]
    assert x.title == truth["title"]
    assert x.page_count == truth["page_count"]
    assert len(x.sha256) == 64 and x.report_id == x.sha256[:16]


def test_measures_match_ground_truth(edition):
    truth, x = edition
    got = [
        (m.name, m.name_raw, m.parent, m.position, m.article, m.article_title, m.page_start, m.page_end)
        for m in x.measures
    ]
    expected = [
        (
            normalise_name(m["name_raw"]),
            m["name_raw"],
            m["parent"],
            m["position"],
            m["article"],
            m["article_title"],
            m["page_start"],
            m["page_end"],
        )
        for m in truth["measures"]
    ]
    assert got == expected


def _truth_kpis(truth) -> dict[tuple, dict]:
    out = {}
    for k in truth["kpi_values"]:
        key = (normalise_name(k["measure_raw"]), normalise_name(k["indicator_raw"]), k["fiscal_year"], k["kind"])
        out[key] = {
            "unit": normalise_text(k["unit_raw"]),
            "unit_raw": k["unit_raw"],
            "value": k["value"],
            "value_text": k["value_text"],
            "status": k["status"],
            "annotation": k["annotation"],
            "sub_value": k["sub_value"],
            "page": k["page"],
        }
    return out


def test_every_kpi_value_matches_ground_truth(edition):
    truth, x = edition
    expected = _truth_kpis(truth)
    got = {(k.measure, k.indicator, k.fiscal_year, k.kind): k for k in x.kpi_values}
    assert len(got) == len(x.kpi_values), "a (measure, indicator, year, kind) was extracted twice"
    assert set(got) == set(expected)
    mismatches = Counter()
    details = []
    for key, want in expected.items():
        have = got[key]
        for field in KPI_FIELDS:
            if getattr(have, field) != want[field]:
                mismatches[field] += 1
                details.append((key, field, getattr(have, field), want[field]))
    assert not details, f"mismatches per field {dict(mismatches)}: {details[:10]}"


def test_indicators_keep_printed_label(edition):
    truth, x = edition
    printed = {normalise_name(k["indicator_raw"]) for k in truth["kpi_values"]}
    assert {normalise_name(k.indicator_raw) for k in x.kpi_values} == printed
    assert all(k.indicator == normalise_name(k.indicator_raw) for k in x.kpi_values)


def test_provenance_points_inside_the_measure_sheet(edition):
    _, x = edition
    spans = {m.name: (m.page_start, m.page_end) for m in x.measures}
    for k in x.kpi_values:
        start, end = spans[k.measure]
        assert start <= k.page <= end
        x0, top, x1, bottom = k.bbox
        assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 596


def test_unit_mismatch_is_flagged_only_where_planted(edition):
    truth, x = edition
    mismatches = [(w.measure, w.indicator) for w in x.warnings if w.code == "unit_mismatch"]
    planted = [
        (d["measure"], d["indicator"])
        for d in truth["differences"]
        if d["kind"] == "unit_mismatch" and d["edition"] == x.report_fiscal_year
    ]
    assert mismatches == planted
    assert {w.code for w in x.warnings} <= {"unit_mismatch"}


def test_tourism_values_stay_unscaled_in_the_mismatched_table():
    x = extract_report(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")
    actual = [k for k in x.kpi_values if k.indicator == "観光客入込数" and k.kind == "actual"]
    assert [(k.fiscal_year, k.unit, k.value) for k in actual] == [
        (2019, "万人", 15600000.0),
        (2020, "万人", 12760000.0),
    ]


def test_pages_record_engine_and_quality(edition):
    truth, x = edition
    assert [p.page for p in x.pages] == list(range(1, truth["page_count"] + 1))
    assert all(p.engine == "pymupdf" and p.quality > 0.9 for p in x.pages)
    assert "pdfplumber" in x.pages[0].chars, "the first page with text gets a second opinion"
