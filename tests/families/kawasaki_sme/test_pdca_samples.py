"""PDCA items and article opinions of the sample editions against the generator's ground truth."""

from __future__ import annotations

import json
from collections import Counter

import pymupdf
import pytest

from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.extractors.normalise import normalise_name, normalise_text
from nenpo.samples.score import PHASES, score_article_opinions, score_pdca
from tests.conftest import SAMPLE_EDITIONS

EDITIONS = (2019, 2020, 2021)
BBOX_TOLERANCE = 1.0  # points: the generator places glyph boxes, PyMuPDF reports line boxes
SPLIT_TOLERANCE = 6.0  # points: two items on one printed line are split by character count


@pytest.fixture(scope="module", params=EDITIONS, ids=lambda y: f"FY{y}")
def edition(request):
    stem = SAMPLE_EDITIONS / f"kawasaki-sme-fy{request.param}"
    truth = json.loads(stem.with_suffix(".truth.json").read_text(encoding="utf-8"))
    return truth, extract_report(stem.with_suffix(".pdf"))


def test_item_counts_per_measure_and_phase_are_exact(edition):
    truth, x = edition
    expected = Counter((normalise_name(t["measure"]), t["phase"]) for t in truth["pdca_items"])
    assert Counter((i.measure, i.phase) for i in x.pdca_items) == expected
    assert {p for _, p in expected} == set(PHASES), "every phase is printed in the samples"


def test_every_item_matches_ground_truth(edition):
    truth, x = edition
    expected = [
        (
            normalise_name(t["measure"]),
            t["phase"],
            t["order"],
            t["label"],
            tuple(t["seq"]),
            normalise_text(t["text_raw"]),
            t["text_raw"],
            t["page"],
            tuple(map(normalise_name, t["covers"])),
        )
        for t in truth["pdca_items"]
    ]
    got = [(i.measure, i.phase, i.item_no, i.label, i.seq, i.text, i.text_raw, i.page, i.covers) for i in x.pdca_items]
    assert sorted(got) == sorted(expected)


def test_every_item_is_where_it_is_printed(edition):
    truth, x = edition
    boxes = {(normalise_name(t["measure"]), t["phase"], t["order"]): t["bbox"] for t in truth["pdca_items"]}
    for item in x.pdca_items:
        want = boxes[(item.measure, item.phase, item.item_no)]
        one_line_pair = item.measure == "起業化総合支援事業" and item.phase == "next_plan" and item.item_no <= 2
        tolerance = (SPLIT_TOLERANCE, BBOX_TOLERANCE) if one_line_pair else (BBOX_TOLERANCE, BBOX_TOLERANCE)
        for k, (have, expected) in enumerate(zip(item.bbox, want)):
            assert abs(have - expected) <= tolerance[k % 2], (item.measure, item.phase, item.item_no, item.bbox, want)


def test_precision_and_recall_are_perfect_on_the_samples(edition):
    truth, x = edition
    for phase, score in score_pdca(truth, x).items():
        assert (score.precision, score.recall) == (1.0, 1.0), phase
    assert score_article_opinions(truth, x).found == len(truth["article_opinions"]) == 14


def test_shared_block_is_recorded_once_and_covers_both_sub_measures(edition):
    _, x = edition
    on_first = [i for i in x.pdca_items if i.measure == "商店街課題対応事業"]
    assert {i.phase for i in on_first} == {"plan", "do", "covid_do", "next_plan"}
    review = [
        i for i in x.pdca_items if i.measure == "商業力強化事業" and i.phase in ("check", "covid_check", "action")
    ]
    assert len(review) == 8
    assert all(i.covers == ("商店街課題対応事業", "商業力強化事業") for i in review)
    actions = [(i.label, i.seq) for i in review if i.phase == "action"]
    assert actions == [("②", (2,)), ("①", (1,)), ("③", (3,)), ("④", (4,))], "labels kept in printed order"


def test_labels_naming_several_opinions(edition):
    _, x = edition
    labels = {(i.measure, i.label): i.seq for i in x.pdca_items if i.phase == "action" and len(i.seq) > 1}
    assert labels == {
        ("ウェルフェアイノベーション推進事業", "①・②"): (1, 2),
        (
            "ものづくり中小企業経営支援事業" if x.report_fiscal_year < 2021 else "ものづくり中小企業経営革新等支援事業",
            "②・③",
        ): (2, 3),
        ("雇用労働対策・就業支援事業", "⑤～⑥"): (5, 6),
    }


def test_article_opinions_match_ground_truth(edition):
    truth, x = edition
    expected = [
        (
            t["article"],
            normalise_name(t["policy_raw"]),
            t["policy_raw"],
            t["kind"],
            t["kind_raw"],
            normalise_text(t["text_raw"]),
            t["text_raw"],
            t["page"],
        )
        for t in truth["article_opinions"]
    ]
    got = [
        (o.article, o.policy, o.policy_raw, o.kind, o.kind_raw, o.text, o.text_raw, o.page) for o in x.article_opinions
    ]
    assert got == expected
    for o, t in zip(x.article_opinions, truth["article_opinions"]):
        assert all(abs(a - b) <= BBOX_TOLERANCE for a, b in zip(o.bbox, t["bbox"])), (o.article, o.kind)


def test_no_warnings_beyond_the_planted_unit_mismatch(edition):
    _, x = edition
    assert {w.code for w in x.warnings} <= {"unit_mismatch"}


def test_content_order_interleaves_what_positions_keep_apart():
    """The trap is real: in the content stream the welfare sheet's COVID opinion comes after
    the page footer, and the Check heading after the opinions it heads."""
    truth = json.loads((SAMPLE_EDITIONS / "kawasaki-sme-fy2020.truth.json").read_text(encoding="utf-8"))
    welfare = [t for t in truth["pdca_items"] if t["measure"] == "ウェルフェアイノベーション推進事業"]
    covid = next(t for t in welfare if t["phase"] == "covid_check")
    first_opinion = next(t for t in welfare if t["phase"] == "check")
    with pymupdf.open(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf") as doc:
        texts = [line for line in doc[covid["page"] - 1].get_text().splitlines() if line.strip()]
    assert texts.index(covid["label"] + covid["text_raw"]) > texts.index("第12条 創業・経営の革新等の促進")
    assert texts.index("主な検証意⾒ Check") > texts.index(first_opinion["label"] + first_opinion["text_raw"])
