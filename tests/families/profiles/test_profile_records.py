"""How records start (a heading line) and count gates read from the document, on a sample
edition whose measure sheets are typed in its truth file."""

from __future__ import annotations

import json

from nenpo.extractors.profiles.engine import extract_by_profile
from nenpo.extractors.profiles.model import Profile
from tests.conftest import SAMPLE_EDITIONS

EDITION = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"

BY_HEADING = {
    "id": "sheets-by-heading",
    "title": "a report whose sheets start at a heading",
    "edition": {
        "year": [{"pattern": r"(?P<year>令和[0-9]+年度)\s*中小企業活性化施策実施状況報告書", "where": "title"}]
    },
    # too loose on purpose: any line of its own ending in 事業 (section titles such as
    # 検証対象事業 too); the gate below counts the sheets by their 事業計画 Plan headings
    "record": {"starts": "heading", "heading": r"^(?P<name>\S{2,30}事業)$"},
    "gates": {"records": {"toc": r"^事業計画\s*Plan$"}},
}


def test_records_by_heading_and_a_gate_that_catches_a_loose_heading():
    truth = json.loads(EDITION.with_suffix(".truth.json").read_text(encoding="utf-8"))
    kept: list = []
    x = extract_by_profile(EDITION, Profile.model_validate(BY_HEADING), ocr="never", keep=kept)
    spans = {m.name: (m.page_start, m.page_end) for m in x.measures}
    # every typed sheet whose name ends in 事業 starts a record on its first page, once:
    # the name printed again at the head of its second page continues it
    for measure in truth["measures"]:
        if measure["name"].endswith("事業") and measure["parent"] is None:  # a sub-measure prints its parent first
            assert spans[measure["name"]][0] == measure["page_start"], measure["name"]
    # table cells are never record headings (the census table prints 複合サービス事業)
    assert "複合サービス事業" not in spans
    [gate] = kept[0].gates
    assert gate == (
        "records",
        False,
        f"records: read {len(x.measures)}, expected {len(truth['measures'])} (table of contents)",
    )
    assert [w.code for w in x.warnings if w.code == "gate_failed"] == ["gate_failed"]
