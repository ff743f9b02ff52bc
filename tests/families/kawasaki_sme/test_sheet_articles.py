"""A sheet's article from the policy list's entry for its measure. Names are copied from the
reference text's list (FY2020, lines 1918-1999) and its sheet titles."""

from __future__ import annotations

from nenpo.extractors.families.kawasaki_sme.models import PolicyListEntry
from nenpo.extractors.families.kawasaki_sme.policy_list import ARTICLE_NOTE, entry_for_sheet, listed_article
from nenpo.extractors.normalise import normalise_name, normalise_text

PART = "検証対象事業"
# (条文, 施策, parent, 事務事業名 as printed)
ROWS = [
    (14, "研究及び開発の支援", "工業振興関連事業", "ものづくり中小企業経営革新等支援事業"),
    (14, "研究及び開発の支援", "工業振興関連事業", "内陸部操業環境保全対策事業（15 条）"),
    (15, "経営基盤の強化及び小規模企業者の事情の考慮", None, "生産性向上推進事業"),
    (16, "地域の活性化の促進", "商業振興関連事業", "商業力強化事業"),
    (16, "地域の活性化の促進", "農業振興関連事業", "多様な連携推進事業"),
    (16, "地域の活性化の促進", "観光振興事業", "産業観光推進事業"),
    (19, "受注機会の増大等", None, "※本市の調達等の取組として推進するもの（入札制度改革の取組状況等）"),
]
ENTRIES = [
    PolicyListEntry(part=PART, seq=k, article=a, article_title=t, parent=p, name=normalise_name(n), name_raw=n, page=1)
    for k, (a, t, p, n) in enumerate(ROWS, start=1)
]


def _entry(title: str, parent: str | None = None):
    return entry_for_sheet(ENTRIES, normalise_name(title), parent and normalise_name(parent), PART)


def test_article_note_matches_the_printed_name():
    match = ARTICLE_NOTE.match(normalise_name("内陸部操業環境保全対策事業（15 条）"))
    assert (match.group("name"), match.group("article")) == ("内陸部操業環境保全対策事業", "15")
    assert ARTICLE_NOTE.match(normalise_name("環境調和型まちづくり（エコタウン）推進事業")) is None


def test_a_noted_article_overrides_the_rows_cell():
    entry = _entry("内陸部操業環境保全対策事業", "工業振興関連事業")
    assert entry is ENTRIES[1]
    assert listed_article(entry, ENTRIES) == (15, "経営基盤の強化及び小規模企業者の事情の考慮")
    assert listed_article(ENTRIES[0], ENTRIES) == (14, "研究及び開発の支援")


def test_sheet_titles_find_their_entries():
    """Titles as the sheets print them (reference lines 3244, 4457, 4621, 5575)."""
    assert _entry("ものづくり中小企業経営支援事業", "工業振興関連事業") is ENTRIES[0]  # another spelling
    assert _entry("農業振興関連事業多様な連携推進事業") is ENTRIES[4]  # parent and name run together
    assert _entry("観光振興事業・産業観光推進事業") is ENTRIES[5]  # joined by ・
    assert _entry("受注機会の増大等") is ENTRIES[6]  # titled with the article's policy
    assert normalise_text(ENTRIES[6].article_title) == "受注機会の増大等"


def test_an_unlisted_name_finds_nothing():
    assert _entry("国際環境産業推進事業") is None
    assert _entry("事業") is None


def test_a_footer_that_disagrees_with_the_list_is_a_warning(tmp_path):
    """The list puts テスト事業 under １２条; its sheet's footer prints 第13条: the list wins."""
    from nenpo.extractors.families.kawasaki_sme.report import extract_report
    from nenpo.samples.layout import LEFT_X, PAGE_HEIGHT, Page, write_pdf

    cover, listing, sheet = Page(1), Page(2), Page(3)
    cover.text(100, 100, "令和２年度 中小企業活性化施策実施状況報告書", 20)
    for k, line in enumerate(
        [
            "検証対象事業",
            "条文 中小企業活性化施策 事務事業名 頁",
            "１２条 創業、経営の革新等の促進",
            "テスト事業 3-3",
            "各事業の実施状況は次のとおりです。",
        ]
    ):
        listing.text(LEFT_X, 80 + 14 * k, line, 9)
    sheet.text(LEFT_X, 22, "テスト事業", 14)
    sheet.text(LEFT_X, 80, "事業計画 Plan", 9)
    for k in range(4):
        sheet.text(LEFT_X, 120 + 14 * k, f"本文の行{k}", 9)
    sheet.text(LEFT_X, PAGE_HEIGHT - 30, "第13条 連携の促進", 9)
    write_pdf(tmp_path / "footer.pdf", [cover, listing, sheet], "footer and list")
    x = extract_report(tmp_path / "footer.pdf")
    assert [(e.name, e.article) for e in x.policy_list] == [("テスト事業", 12)]
    assert [(m.name, m.article, m.article_title) for m in x.measures] == [
        ("テスト事業", 12, "創業、経営の革新等の促進")
    ]
    [warning] = [w for w in x.warnings if w.code == "readings_disagree" and "footer" in w.message]
    assert (
        "under 第13条 by its footer, 第12条 by the policy list ('テスト事業'); kept the policy list's"
        in warning.message
    )
