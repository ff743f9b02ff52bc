"""The generic family on table shapes the five real sheets do not print, typeset afresh
with invented content (tests/family_forms draws ruled cells; the text layer's order is
reversed, so only positions can be trusted): years down the rows with 計画 / 実績 / 達成率
columns, and a 予算額 / 決算額 cost table in yen."""

from __future__ import annotations

from collections import Counter

import pytest

from nenpo.extractors.profiles.engine import extract_by_profile
from nenpo.extractors.profiles.load import builtin_profile_paths, load_profile
from tests.family_forms import Grid, Sheet, write


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    sheet = Sheet()
    sheet.text(60, 40, "令和６年度 まちづくり事業 実施報告書", size=14)
    sheet.text(60, 80, "１ 成果指標", size=10.5)
    sheet.text(60, 100, "○地域イベントの参加者数（人）", size=9)
    kpi = Grid(60, 116, [90, 80, 80, 80], [18, 18, 18, 18])
    for col, text in enumerate(["年度", "計画", "実績", "達成率"]):
        kpi.add(0, col, text, align="centre", shade=True)
    for row, (year, plan, done, rate) in enumerate(
        [
            ("令和４年度", "1,200", "1,150", "95.8%"),
            ("令和５年度", "1,300", "1,420", "109.2%"),
            ("令和６年度", "1,400", "－", "－"),
        ],
        start=1,
    ):
        kpi.add(row, 0, year)
        kpi.add(row, 1, plan, align="right")
        kpi.add(row, 2, done, align="right")
        kpi.add(row, 3, rate, align="right")
    sheet.grid(kpi)
    sheet.text(60, 210, "２ 事業費の推移", size=10.5)
    sheet.text(400, 228, "（単位：円）", size=8)
    cost = Grid(60, 242, [120, 100, 100, 100], [18, 18, 18, 18])
    for col, text in enumerate(["区分", "令和５年度予算額", "令和５年度決算額", "令和６年度予算額"]):
        cost.add(0, col, text, align="centre", shade=True)
    for row, (item, *amounts) in enumerate(
        [
            ("事業費", "3,000,000", "2,874,500", "3,200,000"),
            ("うち一般財源", "1,000,000", "958,000", "1,100,000"),
            ("執行率", "", "95.8%", ""),
        ],
        start=1,
    ):
        cost.add(row, 0, item)
        for col, amount in enumerate(amounts, start=1):
            cost.add(row, col, amount, align="right")
    sheet.grid(cost)
    sheet.text(60, 330, "３ 今後の方向性", size=10.5)
    sheet.text(60, 350, "参加者の固定化が見られるため、若年層への周知を強化する。", size=9)
    path = write(tmp_path_factory.mktemp("shapes") / "machizukuri.pdf", [sheet], "まちづくり事業 実施報告書")
    generic = load_profile(next(p for p in builtin_profile_paths() if p.parent.name == "generic"))
    return extract_by_profile(path, generic, ocr="never")


def test_years_down_the_rows_kinds_across(report):
    assert report.report_fiscal_year == 2024
    got = Counter(
        (k.indicator, k.unit_raw, k.fiscal_year, k.kind, k.kind_raw, k.value, k.status) for k in report.kpi_values
    )
    name = "地域イベントの参加者数(人)"
    assert got == Counter(
        [
            (name, None, 2022, "target", "計画", 1200.0, "reported"),
            (name, None, 2022, "actual", "実績", 1150.0, "reported"),
            (name, None, 2023, "target", "計画", 1300.0, "reported"),
            (name, None, 2023, "actual", "実績", 1420.0, "reported"),
            (name, None, 2024, "target", "計画", 1400.0, "reported"),
            (name, None, 2024, "actual", "実績", None, "not_reported"),
        ]
    )  # 達成率 is a ratio of the two: no kind, not a KPI value


def test_a_cost_table_in_yen_is_kept_in_thousand_yen(report):
    got = Counter((c.item, c.fiscal_year, c.basis, c.thousand_yen, c.value_text, c.unit_raw) for c in report.costs)
    assert got == Counter(
        [
            ("事業費", 2023, "budget", 3000.0, "3,000,000", "円"),
            ("事業費", 2023, "settled", 2874.5, "2,874,500", "円"),
            ("事業費", 2024, "budget", 3200.0, "3,200,000", "円"),
            ("うち一般財源", 2023, "budget", 1000.0, "1,000,000", "円"),
            ("うち一般財源", 2023, "settled", 958.0, "958,000", "円"),
            ("うち一般財源", 2024, "budget", 1100.0, "1,100,000", "円"),
        ]
    )  # 執行率 is a ratio: skipped


def test_sections_and_the_action_heading(report):
    assert [s.heading for s in report.sections][1:] == ["1 成果指標", "2 事業費の推移", "3 今後の方向性"]
    [action] = [p for p in report.pdca_items if p.phase == "action"]
    assert (
        action.label == "3 今後の方向性" and action.text == "参加者の固定化が見られるため、若年層への周知を強化する。"
    )
