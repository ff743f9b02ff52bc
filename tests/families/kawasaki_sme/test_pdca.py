"""The PDCA reader on hand-placed lines: headings, items, columns and wrapped lines.

The line texts are copied from the real FY2020 edition's text layer (the reference text),
so the patterns are tested on what the report really prints.
"""

from __future__ import annotations

import random

import pytest

from nenpo.extractors.families.kawasaki_sme import pdca
from nenpo.extractors.families.kawasaki_sme.report import NormLine
from nenpo.extractors.normalise import normalise_text

WIDTH, HEIGHT = 841.89, 595.28
LEFT, RIGHT = 30.0, 428.9


def line(raw: str, x: float, top: float, size: float = 9.0, width: float | None = None) -> NormLine:
    return NormLine(normalise_text(raw), raw, (x, top, x + (width or size * len(raw)), top + size), size)


@pytest.mark.parametrize(
    ("printed", "phase"),
    [
        ("事業計画 Plan", "plan"),
        ("主な取組", "plan"),
        ("事業の実施状況 Do", "do"),
        ("令和２年度の実績", "do"),
        ("令和元年度の実績", "do"),
        ("令和２年度の取組", "do"),
        ("主な成果・活動指標に関する補足事項", "do"),
        ("主な成果・活動指標", None),
        ("新型コロナウイルス感染症に関する対応", "covid_do"),
        ("主な検証意⾒ Check", "check"),
        (" 主な検証意⾒ Check", "check"),
        ("主な検証意⾒\u3000Check", "check"),
        ("新型コロナウイルス感染症への対応に関する意⾒", "covid_check"),
        ("令和３年度以降の対応 Action", "action"),
        ("令和２年度以降の対応 Action", "action"),
        (" 令和３年度の実施計画", "next_plan"),
    ],
)
def test_headings_are_found_on_normalised_text(printed, phase):
    assert pdca.heading_phase(normalise_text(printed)) == (True, phase)


@pytest.mark.parametrize(
    "printed",
    [
        "また、事務事業ごとの施策の実施状況、検証意見等は、以下のとおりです。",
        "○新型コロナウイルス感染症の影響により、展⽰会が中止",
        "新型コロナウイルス感染症を踏まえた対応として、密にならない環境づくりや手指消毒の徹底など、感染予防を",
        "令和３年度の実施計画に基づき",
        "中小企業活性化施策の実施状況に対する主な検証意見",
    ],
)
def test_body_text_is_not_a_heading(printed):
    assert pdca.heading_phase(normalise_text(printed))[0] is False


def test_every_heading_example_matches_its_own_pattern():
    for heading in pdca.HEADINGS:
        assert heading.pattern.match(normalise_text(heading.example)), heading.example


@pytest.mark.parametrize(
    ("printed", "starts"),
    [
        (
            "①・②関係機関、団体等と連携を図りながら、フォーラムの開催等による情報発信やワーキンググループでの実証活",
            True,
        ),
        ("④~⑥新型コロナを踏まえた対応としては、セミナーや就職イベントごとに効果的な開催方法を検討するとともに、", True),
        ("〇街路灯LED化実施数（累計）", True),
        ("◆セミナー開催", True),
        ("※KIS: Kawasaki Innovation Standard", True),
        (
            "・新型コロナウイルス感染症の流⾏により、令和２年度当初については、対⾯での事業実施からインターネット回",
            True,
        ),
        (
            "に対する支援を進めることも良いのではないか。ソーシャルビジネスのアントレプレナーの期待としてはクラウド",
            False,
        ),
        ("Center（K-NIC)の運営", False),
    ],
)
def test_item_starts(printed, starts):
    assert bool(pdca.ITEM_START.match(normalise_text(printed))) is starts


def _sheet_page_b() -> list[NormLine]:
    """Page B of the real 起業化総合支援事業 sheet, laid out in two columns."""
    return [
        line("起業化総合支援事業", LEFT, 22, 14),
        line("主な検証意⾒ Check", LEFT, 50, 11),
        line(
            "①K-NICはNEDOと実施していることから研究開発型の起業家に対する支援は強いが、ソーシャルビジネスの起業家",
            LEFT,
            68,
        ),
        line("に対する支援を進めることも良いのではないか。", LEFT, 80.2),
        line(
            "②かわさき起業家オーディションにおいて、協賛企業からの特典は事業展開の促進に直結することから、協賛企業",
            LEFT,
            95.3,
        ),
        line("を増やすと共に、融資やビジネスサポートなどのメリットがより充実できると良いのではないか。", LEFT, 107.5),
        line("新型コロナウイルス感染症への対応に関する意⾒", LEFT, 130, 10),
        line(
            "④人の集まるイベントが開催できない中、オンラインの活用やハイブリッドによるイベント開催等、引続き⼯夫し",
            LEFT,
            146,
        ),
        line("ながら事業を実施することが必要である。", LEFT, 158.2),
        line("令和３年度以降の対応 Action", RIGHT, 50, 11),
        line(
            "①・②K-NICでは、研究開発型の起業家への支援に加え、ソーシャルビジネス分野での起業を目指す方のための連続セ",
            RIGHT,
            68,
        ),
        line("ミナーや相談会等も実施している。", RIGHT, 80.2),
        line(
            "④新型コロナへの対応については、オンラインで実施可能なイベント、相談会等については原則オンライン化し、",
            RIGHT,
            95.3,
        ),
        line("令和３年度の実施計画", RIGHT, 130, 10),
        line("○K-NICにおける起業家支援 ○かわさき起業家塾等の開催", RIGHT, 148, width=300),
        line("○⾼成⻑が⾒込まれるベンチャー企業等への集中的支援（10者程度）", RIGHT, 163),
        line("第12条 創業・経営の革新等の促進", LEFT, 555),
    ]


def test_items_are_read_by_position_whatever_the_content_order():
    lines = _sheet_page_b()
    expected = pdca.read_page(lines, WIDTH, HEIGHT)
    for seed in range(5):
        shuffled = lines[:]
        random.Random(seed).shuffle(shuffled)
        assert pdca.read_page(shuffled, WIDTH, HEIGHT) == expected
    assert [(i.phase, i.label, i.seq) for i in expected] == [
        ("check", "①", (1,)),
        ("check", "②", (2,)),
        ("covid_check", "④", (4,)),
        ("action", "①・②", (1, 2)),
        ("action", "④", (4,)),
        ("next_plan", "", ()),
        ("next_plan", "", ()),
        ("next_plan", "", ()),
    ]


def test_wrapped_lines_are_one_item_and_raw_text_is_kept():
    items = pdca.read_page(_sheet_page_b(), WIDTH, HEIGHT)
    first = items[0]
    assert first.text_raw == (
        "K-NICはNEDOと実施していることから研究開発型の起業家に対する支援は強いが、ソーシャルビジネスの起業家"
        "に対する支援を進めることも良いのではないか。"
    )
    assert first.bbox[1] == 68 and first.bbox[3] == 80.2 + 9
    covid = items[2]
    assert covid.text == normalise_text(
        "人の集まるイベントが開催できない中、オンラインの活用やハイブリッドによるイベント開催等、引続き⼯夫し"
        "ながら事業を実施することが必要である。"
    )
    assert "工夫" in covid.text and "⼯夫" in covid.text_raw


def test_two_bullets_on_one_line_are_two_items():
    items = [i for i in pdca.read_page(_sheet_page_b(), WIDTH, HEIGHT) if i.phase == "next_plan"]
    assert [i.text for i in items] == [
        "K-NICにおける起業家支援",
        "かわさき起業家塾等の開催",
        "高成長が見込まれるベンチャー企業等への集中的支援(10者程度)",
    ]
    assert items[0].bbox[2] <= items[1].bbox[0]


def test_numbered_lines_in_a_do_box_stay_in_do():
    """The real 内陸部操業環境保全対策事業 prints ①② under 令和２年度の実績: results, not opinions."""
    lines = [
        line("事業の実施状況 Do", LEFT, 50, 11),
        line("令和２年度の実績", LEFT, 68, 10),
        line("○がんばるものづくり企業操業環境整備助成制度を活用した操業環境の整備・改善の推進", LEFT, 84),
        line("①操業環境改善支援の交付件数 3件", LEFT, 99),
        line("②⽴地促進支援の交付決定件数 1件", LEFT, 114),
    ]
    items = pdca.read_page(lines, WIDTH, HEIGHT)
    assert [(i.phase, i.seq) for i in items] == [("do", ()), ("do", (1,)), ("do", (2,))]


def test_kpi_box_lines_are_not_items():
    lines = [
        line("主な成果・活動指標", RIGHT, 50, 11),
        line("○川崎市創業支援事業計画全体での創業実績件数", RIGHT, 70),
        line("R1（2019）年度 R2（2020）年度", RIGHT + 90, 86, 8.5),
        line("主な成果・活動指標に関する補足事項", RIGHT, 140, 10),
        line("○かわさき起業家オーディションについては、アフター", RIGHT, 156),
    ]
    items = pdca.read_page(lines, WIDTH, HEIGHT)
    assert [(i.phase, i.text) for i in items] == [("do", "かわさき起業家オーディションについては、アフター")]


def test_a_page_without_headings_has_no_items():
    assert pdca.read_page([line("○アナウト(株)", LEFT, 100)], WIDTH, HEIGHT) == []
