"""A profile's identities become audit rules over the warehouse: sheets read from real PDFs,
loaded into a real DuckDB file, checked by the generated rules."""

from __future__ import annotations

import pytest

from nenpo.extractors.profiles.engine import extract_by_profile
from nenpo.extractors.profiles.family import profile_family
from nenpo.extractors.profiles.model import Profile
from nenpo.warehouse.db import connect
from nenpo.warehouse.load import load_extraction

pytestmark = pytest.mark.realpdfs

SHEET = {
    "id": "ikeda-test",
    "title": "池田市 事務事業評価 (test)",
    "edition": {"year": [{"pattern": r"事務事業評価\((?P<year>令和[0-9]+年度)実施事業\)"}], "part": "record"},
    "record": {"starts": "form", "form_header": r"事務事業評価\(.*実施事業\)", "name": {"label": "^事務事業名$"}},
    "identities": [
        # holds on the page: その他 1,130 + 一般財源 0 = 事業費 1,130 (blank 国・府支出金, 地方債)
        {
            "id": "funding-sum",
            "kind": "sum",
            "total": "^事業費$",
            "parts": ["^国・府支出金$", "^地方債$", "^その他$", "^一般財源$"],
        },
        # 主な内訳 lists the main items only: 448 + 416 + 123 = 987, not 1,130
        {"id": "breakdown-sum", "kind": "sum", "total": "^事業費$", "parts": ["^修繕料$", "^燃料費$", "^消耗品費$"]},
        {"id": "settled-again", "kind": "next_edition", "item": "^事業費$"},
    ],
}


@pytest.fixture()
def warehouse(tmp_path, realpdfs_dir):
    profile = Profile.model_validate(SHEET)
    x = extract_by_profile(realpdfs_dir / "sheets" / "ikeda_r7_jimujigyo_hyoka_no010_shinyo.pdf", profile, ocr="never")
    con = connect(tmp_path / "nenpo.duckdb")
    load_extraction(con, x)
    yield con, profile, x
    con.close()


def findings(profile, con, identity: str):
    rule = next(r for r in profile_family(profile).rules if r.name == f"ikeda-test.{identity}")
    return list(rule.check(con))


def test_a_sum_that_holds_gives_no_finding(warehouse):
    con, profile, _ = warehouse
    assert findings(profile, con, "funding-sum") == []


def test_a_sum_that_does_not_hold_is_a_finding_per_year_and_basis(warehouse):
    con, profile, _ = warehouse
    found = findings(profile, con, "breakdown-sum")
    assert sorted((f.fiscal_year, f.evidence["total"], sum(f.evidence["parts"].values())) for f in found) == [
        (2022, 1130, 987),
        (2023, 1272, 1106),
        (2024, 899, 836),
        (2024, 1420, 1252),
    ]
    first = next(f for f in found if f.fiscal_year == 2022)
    assert first.check == "ikeda-test.breakdown-sum" and first.measure == "し尿収集事業" and first.page == 1
    assert "事業費 1,130 ≠ 修繕料 + 燃料費 + 消耗品費 = 987" in first.detail


def test_next_edition_repeats_last_years_settled_amounts(warehouse):
    con, profile, x = warehouse
    assert findings(profile, con, "settled-again") == []
    # the next year's sheet of the same business: R5決算 printed again, but as 1,300 (this sheet: 1,272)
    costs = tuple(
        c.model_copy(update={"thousand_yen": 1300.0, "value_text": "1,300"})
        if (c.item, c.fiscal_year, c.basis) == ("事業費", 2023, "settled")
        else c
        for c in x.costs
    )
    later = x.model_copy(update={"report_fiscal_year": 2025, "sha256": "f" * 64, "costs": costs})
    load_extraction(con, later)
    [finding] = findings(profile, con, "settled-again")
    assert (finding.fiscal_year, finding.report_fiscal_year, finding.evidence) == (
        2023,
        2025,
        {"before": 1272.0, "after": 1300.0},
    )
    assert "in the FY2024 edition" in finding.detail and "in the FY2025 edition" in finding.detail
