"""Every sample edition in every layout (landscape, text order, mincho) against its ground
truth: the measures with their pages, KPI values (recall and precision at least 0.995), and
the Check/Action blocks' opinion and response counts. The truth comes from the generator's
content, not from the extractor."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.extractors.normalise import normalise_name
from tests.conftest import REPO_ROOT

SAMPLES = REPO_ROOT / "samples"
EDITIONS = sorted(
    p
    for folder in ("editions", "editions-text-order", "editions-mincho")
    for p in (SAMPLES / folder).glob("*.truth.json")
)


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda p: p.name.removesuffix(".truth.json"))
def edition(request):
    truth = json.loads(request.param.read_text(encoding="utf-8"))
    return truth, extract_report(request.param.with_name(request.param.name.replace(".truth.json", ".pdf")))


def test_every_layout_is_scored():
    assert {p.parent.name for p in EDITIONS} == {"editions", "editions-text-order", "editions-mincho"}


def test_measures_and_their_pages(edition):
    truth, x = edition
    assert [(m.name, m.parent, m.position, m.page_start, m.page_end) for m in x.measures] == [
        (normalise_name(m["name_raw"]), m["parent"], m["position"], m["page_start"], m["page_end"])
        for m in truth["measures"]
    ]


def test_kpi_values_recall_and_precision(edition):
    truth, x = edition
    want = Counter(
        (
            normalise_name(k["measure_raw"]),
            normalise_name(k["indicator_raw"]),
            k["fiscal_year"],
            k["kind"],
            k["value"],
            k["status"],
            k["page"],
        )
        for k in truth["kpi_values"]
    )
    got = Counter((k.measure, k.indicator, k.fiscal_year, k.kind, k.value, k.status, k.page) for k in x.kpi_values)
    found = sum((want & got).values())
    recall, precision = found / sum(want.values()), found / max(1, sum(got.values()))
    assert recall >= 0.995 and precision >= 0.995, (recall, precision, list((want - got).elements())[:4])


def test_check_action_counts(edition):
    truth, x = edition

    def counts(items):
        c = Counter()
        for measure, phase in items:
            c[(measure, "action" if phase == "action" else "opinion")] += 1
        return c

    review = ("check", "covid_check", "action")
    assert counts((i.measure, i.phase) for i in x.pdca_items if i.phase in review) == counts(
        (normalise_name(t["measure"]), t["phase"]) for t in truth["pdca_items"] if t["phase"] in review
    )
