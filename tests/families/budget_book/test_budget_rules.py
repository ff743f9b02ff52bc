"""The budget book's audit rules as plain functions over rows: each identity broken once, and
each finding names both pages."""

from __future__ import annotations

from nenpo.extractors.families.budget_book.rules import (
    account_changes,
    change_mismatches,
    part_disagreements,
    restatements,
    sum_mismatches,
)


def row(
    level,
    kan_no=None,
    kou_no=None,
    moku_no=None,
    setsu_no=None,
    *,
    cur,
    prev=None,
    chg=None,
    source="明細書",
    page=1,
    year=2025,
    side="revenue",
    name="x",
    report_id="r7",
):
    names = {"kan": None, "kou": None, "moku": None, "setsu": None}
    if level != "total":
        names[level] = name
    return dict(
        series="s",
        report_fiscal_year=year,
        report_id=report_id,
        source=source,
        side=side,
        level=level,
        kan_no=kan_no,
        kou_no=kou_no,
        moku_no=moku_no,
        setsu_no=setsu_no,
        current_thousand_yen=cur,
        current_text=f"{cur:,}",
        previous_thousand_yen=prev,
        previous_text=None if prev is None else f"{prev:,}",
        change_thousand_yen=chg,
        change_text=None if chg is None else f"{chg:,}",
        page=page,
        **names,
    )


def test_change_mismatch():
    good = row("moku", 1, 1, 1, cur=100, prev=80, chg=20)
    bad = row("moku", 1, 1, 2, cur=100, prev=80, chg=30, page=7)
    findings = list(change_mismatches([good, bad]))
    assert [(f.check, f.page, f.evidence["change"]) for f in findings] == [("budget_change_mismatch", 7, 30)]


def test_children_sum_to_parent_at_every_level():
    rows = [
        row("kou", 1, 1, cur=300, prev=250, page=3),
        row("moku", 1, 1, 1, cur=100, prev=100, page=2),
        row("moku", 1, 1, 2, cur=200, prev=140, page=3),  # 前年度 sums to 240, not 250
        row("setsu", 1, 1, 1, 1, cur=60, page=2),
        row("setsu", 1, 1, 1, 2, cur=41, page=2),  # 節 sum 101 ≠ 目 100
    ]
    found = {
        (f.evidence["column"], f.evidence["parent_page"], tuple(f.evidence["children_pages"]))
        for f in sum_mismatches(rows)
    }
    assert found == {("previous_thousand_yen", 3, (2, 3)), ("current_thousand_yen", 2, (2,))}


def test_totals_are_the_sum_of_their_kan_per_part():
    rows = [
        row("total", cur=1000, source="総括", page=16),
        row("kan", 1, cur=600, source="総括", page=16),
        row("kan", 2, cur=300, source="総括", page=16),
    ]
    [f] = sum_mismatches(rows)
    assert f.evidence["parent"] == 1000 and f.evidence["children_sum"] == 900


def test_parts_disagree_names_both_pages():
    rows = [
        row("kan", 1, cur=48352400, source="明細書", page=19, report_id="a"),
        row("kan", 1, cur=48352400, source="第1表", page=2, report_id="b"),
        row("kan", 1, cur=48352000, prev=46460600, source="総括", page=16, report_id="b"),
    ]
    [f] = part_disagreements(rows)
    assert (f.page, f.evidence["other_page"], f.evidence["other_source"]) == (19, 16, "総括")
    assert "明細書 p.19" in f.detail and "総括 p.16" in f.detail


def test_restatement_between_editions_names_both_pages():
    r7 = row("kan", 1, cur=48352400, source="明細書", page=19, year=2025, report_id="r7")
    r8_same = row("kan", 1, cur=49286300, prev=48352400, chg=933900, source="総括", page=16, year=2026, report_id="r8")
    assert list(restatements([r7, r8_same])) == []
    r8_restated = dict(r8_same, previous_thousand_yen=48500000.0, previous_text="48,500,000")
    [f] = restatements([r7, r8_restated])
    assert (f.check, f.page, f.evidence["next_page"], f.evidence["next_report_id"]) == ("budget_restated", 19, 16, "r8")


def test_accounts_renamed_moved_and_dropped():
    r7 = [
        row("kan", 1, cur=10, name="市税"),
        row("kou", 1, 1, cur=5, name="市民税", page=4),
        row("kou", 1, 2, cur=3, name="固定資産税", page=4),
        row("kou", 1, 3, cur=2, name="軽自動車税", page=5),
    ]
    r8 = [
        row("kan", 1, cur=10, name="市税", year=2026, report_id="r8"),
        row("kou", 1, 1, cur=5, name="個人市民税", year=2026, report_id="r8", page=6),  # renamed
        row("kou", 1, 3, cur=3, name="固定資産税", year=2026, report_id="r8", page=7),
    ]  # moved 2 → 3, 軽自動車税 dropped
    found = sorted((f.check, f.evidence.get("name"), f.evidence.get("next_page")) for f in account_changes(r7 + r8))
    assert found == [
        ("budget_account_dropped", "軽自動車税", None),
        ("budget_account_moved", "固定資産税", 7),
        ("budget_account_renamed", "市民税", 6),
    ]


def test_an_account_of_a_part_not_loaded_next_year_is_not_dropped():
    r7 = [row("kan", 18, cur=5, name="寄附金"), row("kou", 18, 1, cur=5, name="寄附金")]
    r8_detail_only = [row("kan", 1, cur=10, name="市税", year=2026)]
    assert list(account_changes(r7 + r8_detail_only)) == []
    r8_with_front = r8_detail_only + [row("total", cur=10, source="総括", year=2026, page=16)]
    assert [(f.check, f.evidence["name"]) for f in account_changes(r7 + r8_with_front)] == [
        ("budget_account_dropped", "寄附金")
    ]
