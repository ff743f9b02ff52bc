"""The printed grammar of the profile engine, fed lines as the real sheets print them
(typed from the pages; the realpdfs tests take them from the PDFs' text layers)."""

from __future__ import annotations

import pytest

from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.profiles.amounts import ITEM_TRIM, UNIT_IN_LABEL
from nenpo.extractors.profiles.categories import BULLET, CHECKED
from nenpo.extractors.profiles.grammar import VALUE_CELL, heading_kind, years_in
from nenpo.extractors.profiles.layout import compact

# (as printed, era of the document, the years it names)
YEARS = [
    ("R4年度", "令和", [2022]),  # 池田市: cost columns
    ("R5年度\n実 績", "令和", [2023]),  # 池田市: KPI column header
    ("R9年度\n見 込", "令和", [2027]),
    ("５年度", "令和", [2023]),  # 横浜市: 事業決算額, era from the edition
    ("３年度", "令和", [2021]),
    ("令和5年度予算現額", "令和", [2023]),  # 京都市: 経費
    ("令和６年度当初予算", "令和", [2024]),
    ("令和 5 年度 ~ 令和 9 年度", "令和", [2023, 2027]),
    ("R1（2019）年度", "令和", [2019]),  # 川崎市
    ("H24", "平成", [2012]),
    ("平成元年度", "平成", [1989]),
    ("2023年度", "令和", [2023]),
    ("R6見込", "令和", [2024]),
]


@pytest.mark.parametrize("printed, era, years", YEARS)
def test_years_as_tables_print_them(printed, era, years):
    assert [y for y, _ in years_in(normalise_text(printed), era)] == years


@pytest.mark.parametrize("printed", ["区 分", "収集率", "目標値", "単位", "第7次", "12 つくる責任 つかう責任", "NO."])
def test_labels_name_no_year(printed):
    assert years_in(normalise_text(printed)) == []


@pytest.mark.parametrize(
    "printed",
    ["1,130", "100.0%", "0", "‐", "26,200(16,100)", "24,255（15,522）", "△21.2", "中止", "59（新規38件・変更21件）"],
)
def test_value_cells(printed):
    assert VALUE_CELL.match(normalise_text(printed))


@pytest.mark.parametrize(
    "printed", ["R4年度", "%", "件", "収集率", "決 算", "事 業 費 A", "A.順調に推移している", "令和5年度決算"]
)
def test_labels_are_not_value_cells(printed):
    assert not VALUE_CELL.match(normalise_text(printed))


@pytest.mark.parametrize(
    "printed, kind",
    [
        ("１ 事業概要（令和６年度）", "number"),  # 京都市
        ("７ 令和７年度の方向性", "number"),
        ("（１）事務事業名・総合計画の体系等", "paren_number"),  # 池田市
        ("（５）事業の成果指標及び評価", "paren_number"),
        ("＜実施成果（アウトプット）＞", "bracket"),  # 京都市
        ("【事業実施期間】", "bracket"),
        ("第２章 市内産業の現状", "chapter"),
        ("① 研究開発型の起業家に対する支援", "circled"),
        ("ア 支援内容", "katakana"),
    ],
)
def test_headings_by_numbering_and_brackets(printed, kind):
    assert heading_kind(normalise_text(printed).strip()) == kind


@pytest.mark.parametrize(
    "printed",
    [
        "＜補助金額＞ ※補助率は補助対象経費の2分の1以内",  # a bracket with text after it: body
        "・ 海外市場のニーズ調査 ：補助上限額：400千円",
        "本事業は、事業実施に当たって、多数の応募があるなど、事業者ニーズが高い取組である。",
        "５年度",
        "100",
    ],
)
def test_body_lines_are_not_headings(printed):
    assert heading_kind(normalise_text(printed).strip()) is None


def test_checked_option_of_a_checkbox_field():
    """京都市 役割分担評価: the ■ option is the value, □ ones are not."""
    assert (
        CHECKED.match(normalise_text("■ 特定の個人または集団に提供されるサービス（個人消費性）")).group("option")
        == "特定の個人または集団に提供されるサービス(個人消費性)"
    )
    assert CHECKED.match(normalise_text("□ より多くの市民に提供されるサービス（共同消費性）")) is None


@pytest.mark.parametrize(
    "printed, item",
    [
        ("事 業 費 A", "事業費"),
        ("うち受益者負担 B", "うち受益者負担"),
        ("細事業費\n（千円）", "細事業費"),
        ("経費（一財）、単位（千円）", "経費(一財)"),
        ("国・府支出金", "国・府支出金"),
    ],
)
def test_item_labels_lose_what_is_printed_beside_the_name(printed, item):
    text = normalise_text(printed)
    assert compact(ITEM_TRIM.sub("", text)) == item


def test_units_and_bullets():
    assert UNIT_IN_LABEL.search(normalise_text("目 標（件）")).group("unit") == "件"
    assert BULLET.sub("", "・該当なし") == "該当なし"


# --- the same grammar on the real sheets' text layers ------------------------------


@pytest.fixture(scope="module")
def sheet_lines(realpdfs_dir):
    from nenpo.extractors.pages import open_pdf

    out = {}
    for name in (
        "ikeda_r7_jimujigyo_hyoka_no010_shinyo",
        "kyoto_r6_shinki_juujitsu_no010_2p",
        "yokohama_r7_jigyo_hyokasho_no003_1p",
    ):
        with open_pdf(realpdfs_dir / "sheets" / f"{name}.pdf", verify="never", ocr="never") as doc:
            out[name] = [normalise_text(l.text).strip() for page in doc.pages(rulings=False) for l in page.lines]
    return out


@pytest.mark.realpdfs
def test_real_year_columns(sheet_lines):
    """横浜市 prints its volume years ３年度 … ９年度 without an era: 2021 … 2027 in a 令和 edition."""
    years = sorted(
        {
            years_in(l)[0][0]
            for l in sheet_lines["yokohama_r7_jigyo_hyokasho_no003_1p"]
            if l.endswith("年度") and len(l) <= 4 and l[0].isdigit()
        }
    )
    assert years == list(range(2021, 2028))
    ikeda = {
        l: years_in(l)[0][0] for l in sheet_lines["ikeda_r7_jimujigyo_hyoka_no010_shinyo"] if l in ("R4年度", "R9年度")
    }
    assert ikeda == {"R4年度": 2022, "R9年度": 2027}


@pytest.mark.realpdfs
def test_real_headings_and_values(sheet_lines):
    kyoto = [l for l in sheet_lines["kyoto_r6_shinki_juujitsu_no010_2p"] if heading_kind(l) == "number"]
    assert sorted(l.split()[0] for l in kyoto) == ["1", "2", "3", "4", "5", "6", "7"]
    assert "26,200(16,100)" in [l for l in sheet_lines["kyoto_r6_shinki_juujitsu_no010_2p"] if VALUE_CELL.match(l)]
    ikeda = sheet_lines["ikeda_r7_jimujigyo_hyoka_no010_shinyo"]
    assert [l for l in ikeda if heading_kind(l) == "paren_number"] == [
        "(4)事業費等(千円単位。千円未満は四捨五入)",
        "(5)事業の成果指標及び評価",
        "(3)「まちづくりの進め方」の視点",
        "(1)事務事業名・総合計画の体系等",
        "(2)事業の概要",
    ]  # content-stream order: the form starts mid-page


def test_bracketed_tails_and_generic_header_words():
    from nenpo.extractors.profiles.amounts import PAREN_TAIL
    from nenpo.extractors.profiles.tables import GENERIC_WORDS

    assert PAREN_TAIL.sub("", normalise_text("経費（一財）")) == "経費"
    assert [
        w
        for w in ("年度", "区分", "(千円)", "単位:千円", "経費(一財)", "事業費")
        if GENERIC_WORDS.match(normalise_text(w))
    ] == [
        "年度",
        "区分",
        "(千円)",
        "単位:千円",
    ]


def test_list_items_are_never_font_headings():
    from nenpo.extractors.profiles.sections import LIST_ITEM

    assert LIST_ITEM.match(normalise_text("○地域イベントの参加者数（人）"))
    assert LIST_ITEM.match("※ 1つ以上に○")
    assert not LIST_ITEM.match(normalise_text("２ 事業費の推移"))
