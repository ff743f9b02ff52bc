"""The stages that let a table be read whatever the layout: the text stream across pages,
tables joined across page breaks, the text-order grammars (fed real lines of the FY2020
edition, copied here as literals, so these tests need no ../shared), and the settling of
two readings of one table (choice, cross-check, `read_by`)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nenpo.extractors.families.kawasaki_sme import (
    article_opinions,
    budget,
    other_measures,
    policy_list,
    rosters,
    stat_tables,
)
from nenpo.extractors.families.kawasaki_sme.table_pages import TablesState, finish, read_page
from nenpo.extractors.grids import find_grids
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.pages import Ruling
from nenpo.extractors.table_join import join_across_pages, place, repeated_header
from nenpo.extractors.text_stream import TextStream


def n(text: str) -> str:
    return normalise_text(text)


@dataclass
class L:
    text: str
    raw: str
    bbox: tuple[float, float, float, float]
    size: float = 9.0


def line(raw: str, x: float, top: float, width: float | None = None) -> L:
    return L(n(raw), raw, (x, top, x + (width or 9.0 * len(raw.strip())), top + 9.0))


# --- text stream ---------------------------------------------------------------------------------


def test_stream_joins_cells_on_a_baseline_and_drops_the_folio():
    stream = TextStream()
    stream.add_page(
        3,
        842,
        [
            line("建設業", 51, 719),
            line("31,488", 221, 719),
            line("30,420", 291, 719),
            line("5.7%", 361, 719),
            line("5.6%", 431, 719),
            line("- 3 -", 280, 810),
        ],
    )
    assert stream.texts == ["建設業 31,488 30,420 5.7% 5.6%"]
    assert stream.lines[0].page == 3 and stream.lines[0].bbox == (51, 719, 431 + 36, 728)


def test_stream_marks_wide_spaces_and_an_early_page_end_as_blank_lines():
    stream = TextStream()
    stream.add_page(
        1,
        842,
        [
            line("・交付件数 205 件", 48, 700),
            line("・交付額", 48, 713),
            line("16,728 千円", 48, 726),
            line("4", 48, 779),
        ],
    )  # a full page ends at 788
    stream.add_page(2, 842, [line("小規模事業者臨時", 48, 50), line("給付金", 48, 63)])
    stream.add_page(3, 842, [line("市内の小規模事業者の", 48, 50)])  # page 2 ended early: a paragraph ended there
    assert stream.texts == [
        "・交付件数 205 件",
        "・交付額",
        "16,728 千円",
        "",
        "4",
        "小規模事業者臨時",
        "給付金",
        "",
        "市内の小規模事業者の",
    ]


# --- tables across page breaks -------------------------------------------------------------------


def _rows(x0: float, xs: list[float], tops: list[float]) -> list[Ruling]:
    out = [Ruling(x0, y, xs[-1], y) for y in tops]
    out += [Ruling(x, tops[0], x, tops[-1]) for x in [x0, *xs]]
    return out


EDGES = [100.0, 170.0, 240.0, 310.0, 380.0]  # column edges right of the 業種大分類 column (0-100)
YEARS = ["H26(2014)", "H28(2016)", "H26(2014)", "H28(2016)"]


def _census_header(top: float) -> list[L]:
    return [
        line("業種大分類", 3, top + 13, 60),
        line("事業所数", 103, top + 3, 40),
        line("構成比", 243, top + 3, 30),
        *(line(t, x + 3, top + 23, 50) for t, x in zip(YEARS, EDGES)),
    ]


def _census_rows(top: float) -> list[L]:
    return [
        line("建設業", 3, top + 3, 30),
        *(line(t, x + 3, top + 3, 30) for t, x in zip(["4,078", "3,829", "9.6%", "9.4%"], EDGES)),
        line("全産業", 3, top + 23, 30),
        *(line(t, x + 3, top + 23, 30) for t, x in zip(["42,616", "40,934", "100.0%", "100.0%"], EDGES)),
    ]


def _census_pages(repeat_header: bool) -> TablesState:
    """A census table whose header ends page 7 and whose rows start page 8."""
    state = TablesState()
    caption = line("図表 本市の事業所数（民営）の推移（実数、産業別構成比）", 48, 720, 300)
    read_page(state, 7, 842, [caption, *_census_header(740)], rulings=_rows(0, EDGES, [740, 760, 780]))
    if repeat_header:
        read_page(state, 8, 842, _census_header(50) + _census_rows(90), rulings=_rows(0, EDGES, [50, 70, 90, 110, 130]))
    else:
        read_page(state, 8, 842, _census_rows(50), rulings=_rows(0, EDGES, [50, 70, 90]))
    return state


@pytest.mark.parametrize("repeat_header", [False, True], ids=["header once", "header repeated"])
def test_a_census_table_across_a_page_break_is_read_whole(repeat_header):
    state = _census_pages(repeat_header)
    tables = finish(state)
    values = {(v.category, v.measure, v.survey_year): (v.value_text, v.page) for v in tables.stat_values}
    assert values[("建設業", "事業所数", 2014)] == ("4,078", 8)
    assert values[("全産業", "構成比", 2016)] == ("100.0%", 8)
    assert len(values) == 8 and {v.read_by for v in tables.stat_values} == {"layout"}
    assert {v.title for v in tables.stat_values} == {"図表 本市の事業所数(民営)の推移(実数、産業別構成比)"}
    assert {c.kind for c in tables.table_cells} == {"census"}  # both pieces claimed
    cells = {(c.table_no, c.page, c.row, c.col): c.text for c in tables.table_cells}
    if repeat_header:  # each page prints a whole table: two in table_cells, as printed
        assert len({c.table_no for c in tables.table_cells}) == 2
        assert cells[(2, 8, 2, 1)] == "4,078"
    else:  # the rows go on under the header of page 7: one table
        assert len({c.table_no for c in tables.table_cells}) == 1
        assert cells[(1, 7, 1, 1)] == "H26(2014)" and cells[(1, 8, 2, 1)] == "4,078" and cells[(1, 8, 3, 0)] == "全産業"


def test_pieces_do_not_join_when_something_is_printed_between_them():
    lines7 = _census_header(740)
    grid7 = find_grids(_rows(0, EDGES, [740, 760, 780]), lines7)
    rows8 = _census_rows(80)
    after_a_note = [line("出所：総務省「経済センサス」", 48, 60), *rows8]
    pieces = place(7, 842, grid7, lines7) + place(
        8, 842, find_grids(_rows(0, EDGES, [80, 100, 120]), after_a_note), after_a_note
    )
    assert [len(t.pieces) for t in join_across_pages(pieces)] == [1, 1]
    pieces = place(7, 842, grid7, lines7) + place(8, 842, find_grids(_rows(0, EDGES, [80, 100, 120]), rows8), rows8)
    assert [len(t.pieces) for t in join_across_pages(pieces)] == [2]
    moved = place(8, 842, find_grids(_rows(0, [x + 30 for x in EDGES], [80, 100, 120]), rows8), rows8)
    assert [len(t.pieces) for t in join_across_pages(place(7, 842, grid7, lines7) + moved)] == [1, 1]
    skipped = place(9, 842, find_grids(_rows(0, EDGES, [80, 100, 120]), rows8), rows8)
    assert [len(t.pieces) for t in join_across_pages(place(7, 842, grid7, lines7) + skipped)] == [1, 1]


def test_repeated_header_rows_are_counted():
    lines = [line("No", 3, 3), line("事業名", 103, 3), line("1", 3, 23), line("テレワーク", 103, 23)]
    first = find_grids(_rows(0, [100, 300], [0, 20, 40]), lines)[0]
    again = find_grids(_rows(0, [100, 300], [0, 20, 40]), [lines[0], lines[1], line("2", 3, 23)])[0]
    assert repeated_header(first, again) == 1
    assert repeated_header(first, find_grids(_rows(0, [100, 300], [0, 20]), [line("3", 3, 3)])[0]) == 0


# --- text-order grammars on real lines -------------------------------------------------------------


def test_roster_lines():
    assert rosters.HEADER_LINE.match(n(" 役 職 名 氏 名 ").strip())
    m = rosters.MEMBER_LINE.match(n("1 専修大学商学部教授（会長） 鹿住 倫世 ").strip())
    assert (m.group("group"), m.group("seq"), m.group("role"), m.group("name")) == (
        None,
        "1",
        "専修大学商学部教授(会長)",
        "鹿住 倫世",
    )
    m = rosters.MEMBER_LINE.match(n("学識者 1 専修大学経済学部教授（部会長） 遠山  浩 ").strip())
    assert (m.group("group"), m.group("role"), m.group("name")) == ("学識者", "専修大学経済学部教授(部会長)", "遠山 浩")
    assert rosters.GROUP_PIECE.match("学") and not rosters.GROUP_PIECE.match("16")


def test_roster_from_text_lines():
    lines = [
        "図表 「中小企業活性化専門部会」委員名簿（令和３年８月現在） ",
        "",
        " 役 職 名 氏 名 ",
        "",
        "学識者 1 専修大学経済学部教授（部会長） 遠山  浩 ",
        "関",
        "係",
        "団",
        "体",
        "役",
        "職",
        "員 ",
        "",
        "2 川崎商工会議所副会頭 増山 雅久 ",
        "3 (一社)神奈川県情報サービス産業協会常務理事 大西 雄一 ",
        "   専門部会では、会議の開催や現場視察、企業関係者との意見交換、市の施策担当者へ",
    ]
    got = [(m.committee, m.as_of, m.seq, m.role, m.name, m.grp) for m in rosters.parse_roster_text(lines)]
    assert got == [
        ("中小企業活性化専門部会", "令和3年8月", 1, "専修大学経済学部教授(部会長)", "遠山 浩", "学識者"),
        ("中小企業活性化専門部会", "令和3年8月", 2, "川崎商工会議所副会頭", "増山 雅久", "関係団体役職員"),
        (
            "中小企業活性化専門部会",
            "令和3年8月",
            3,
            "(一社)神奈川県情報サービス産業協会常務理事",
            "大西 雄一",
            "関係団体役職員",
        ),
    ]


def test_policy_list_lines():
    assert policy_list.HEADER_LINE.match(n("条文 中小企業活性化施策 事務事業名 頁 ").strip())
    assert policy_list.ARTICLE_TOKEN.match(n("１２条"))
    assert policy_list.PROSE.search(n("各条文で規定する８つの中小企業活性化施策毎の実施状況に対する産業振興協議会から"))
    assert not policy_list.PROSE.search(n("環境調和型まちづくり(エコタウン)推進事業"))
    assert not policy_list.NAME_END.search("業者の事情の考慮") and policy_list.NAME_END.search("知的財産戦略の推進")
    assert policy_list._words(n("内陸部操業環境保全対策事業（15 条）")) == ["内陸部操業環境保全対策事業(15 条)"]


def test_policy_list_pages_centred_on_their_rows():
    """その他の事業 part of the list as its text layer reads (lines 2002-2022)."""
    lines = [
        "その他の事業",
        "条文 中小企業活性化施策 事務事業名 頁 ",
        "１２条 創業、経営の革新等の促進 ",
        "医工連携等推進事業 ",
        "59 ソーシャルビジネス振興事業 ",
        "環境調和型まちづくり(エコタウン)推進事業 ",
        "環境調和型産業振興事業 ",
        "60 かわさき基準推進事業 ",
        "１３条 連携の促進 クリエイティブ産業活用促進事業 ",
        "１４条 研究及び開発の支援 ",
        "産業立地地区活性化推進事業 ",
        "61 ",
        "先端産業等立地促進事業 ",
        "１５条 ",
        "経営基盤の強化及び小規模企",
        "業者の事情の考慮 ",
        "産業振興協議会等推進事業 ",
        "62 ",
        "川崎市産業振興財団運営支援事業 ",
        " 各条文で規定する８つの中小企業活性化施策毎の実施状況に対する産業振興協議会から",
    ]
    got = [(e.part, e.article, e.policy, e.name, e.pages) for e in policy_list.parse_policy_list_text(lines)]
    assert got == [
        ("その他の事業", 12, "創業、経営の革新等の促進", "医工連携等推進事業", (59, 59)),
        ("その他の事業", 12, "創業、経営の革新等の促進", "ソーシャルビジネス振興事業", (59, 59)),
        ("その他の事業", 12, "創業、経営の革新等の促進", "環境調和型まちづくり(エコタウン)推進事業", (60, 60)),
        ("その他の事業", 12, "創業、経営の革新等の促進", "環境調和型産業振興事業", (60, 60)),
        ("その他の事業", 12, "創業、経営の革新等の促進", "かわさき基準推進事業", (60, 60)),
        ("その他の事業", 13, "連携の促進", "クリエイティブ産業活用促進事業", (60, 60)),
        ("その他の事業", 14, "研究及び開発の支援", "産業立地地区活性化推進事業", (61, 61)),
        ("その他の事業", 14, "研究及び開発の支援", "先端産業等立地促進事業", (61, 61)),
        ("その他の事業", 15, "経営基盤の強化及び小規模企業者の事情の考慮", "産業振興協議会等推進事業", (62, 62)),
        ("その他の事業", 15, "経営基盤の強化及び小規模企業者の事情の考慮", "川崎市産業振興財団運営支援事業", (62, 62)),
    ]


def test_policy_list_pages_after_their_rows_and_a_parent_printed_again():
    """検証対象事業 part (lines 1918-1943): each 頁 follows its group, and a parent is named
    after its main sub-measure."""
    lines = [
        "検証対象事業",
        "条文 中小企業活性化施策 事務事業名 頁 ",
        "１３条 連携の促進 知的財産戦略の推進 21-22 ",
        "１４条 研究及び開発の支援 ",
        "新川崎・創造のもり推進事業 ",
        "新産業創造支援事業 ",
        "新川崎・創造のもり推進事業 ",
        "23-26 ",
        "工業振興関連事業 ",
        "ものづくり中小企業経営革新等支援事業 ",
        "内陸部操業環境保全対策事業（15 条） ",
        "27-30 ",
    ]
    got = [(e.article, e.parent, e.name, e.pages) for e in policy_list.parse_policy_list_text(lines)]
    assert got == [
        (13, None, "知的財産戦略の推進", (21, 22)),
        (14, "新川崎・創造のもり推進事業", "新産業創造支援事業", (23, 26)),
        (14, "新川崎・創造のもり推進事業", "新川崎・創造のもり推進事業", (23, 26)),
        (14, "工業振興関連事業", "ものづくり中小企業経営革新等支援事業", (27, 30)),
        (14, "工業振興関連事業", "内陸部操業環境保全対策事業(15条)", (27, 30)),
    ]


def test_other_measure_lines():
    assert other_measures.HEADER_LINE.match(n("令和３年度の概要    令和２年度の実績   ").strip())
    assert other_measures.DONE.search("・「医工連携フォーラムｉｎかわさき」を開催しました。")
    assert not other_measures.DONE.search(
        "などの開催により、ものづくり企業等の医療分野への参入に向けた取組を支援します。"
    )
    assert other_measures.SECTION_END.match(n(" （参考）川崎市中小企業活性化のための成長戦略に関する条例 ").strip())
    assert other_measures.SECTION_END.match("川崎市中小企業活性化のための成長戦略に関する条例")
    assert not other_measures.SECTION_END.match("・中小企業活性化条例")


def test_other_measure_from_text_lines():
    """Lines 6575-6661: the plan, then the results, told apart by tense (a verb wrapped as
    ``行いまし`` / ``た。`` too)."""
    lines = [
        "１２条 創業、経営の革新等の促進 ",
        "医工連携等推進事業 ",
        "令和３年度の概要 令和２年度の実績 ",
        "・ 大学や医療機関、研究機関、医療機器製造",
        "販売企業、ものづくり企業等を対象とし",
        "への参入に向けた取組を支援します。 ",
        "・「医工連携フォーラムｉｎかわさき」を開",
        "催しました。 ",
        "（専門家による個別アドバイス、 ",
        "技術提案会開催（2回）） ",
        "ソーシャルビジネス振興事業 ",
        "令和３年度の概要 令和２年度の実績 ",
        "・ セミナーの開催、相談対応、情報発信を通",
        "じ、コミュニティビジネス、ソーシャルビ",
        "ジネスの起業や経営支援を行います。 ",
        "※予算は起業化総合支援事業と一体的に執",
        "行 ",
        "・セミナーの開催、相談対応、情報発信を通",
        "じ、コミュニティビジネス、ソーシャル",
        "ビジネスの起業や経営支援を行いまし",
        "た。 ",
        "（起業・創業セミナーの実施：8 回） ",
    ]
    got = [
        (b.article[0], b.name, b.plan[-1], b.results[0], b.results[-1])
        for b in other_measures.parse_other_measures_text(lines)
    ]
    assert got == [
        (
            12,
            "医工連携等推進事業",
            "への参入に向けた取組を支援します。",
            "・「医工連携フォーラムinかわさき」を開",
            "技術提案会開催(2回))",
        ),
        (
            12,
            "ソーシャルビジネス振興事業",
            "行",
            "・セミナーの開催、相談対応、情報発信を通",
            "(起業・創業セミナーの実施:8 回)",
        ),
    ]


def test_article_opinions_from_text_lines():
    """Lines 2090-2155 and the sentence after the table (2360)."""
    lines = [
        "条文 ",
        "条 例 に 基 づ く ",
        "中小企業活性化施策 ",
        "中小企業活性化施策の実施状況に対する主な検証意見 ",
        "12 条 ",
        "創業、経営の革新等の",
        "促進 ",
        "施策全体 ",
        "への意見 ",
        "K-NIC では、クラウドファンディングなど支援メニューを",
        "工夫しながら、ソーシャルビジネスの支援も進めることがで",
        "きると良い。",
        "ウェルフェアイノベーションの推進にあたっては、困りご",
        "との解決を形にしていくことが重要だ。",
        "コロナ ",
        "対応への ",
        "意見 ",
        "オンラインの活用やハイブリッドによるイベント開催等、",
        "れる。 ",
        "13 条 連携の促進 ",
        "施策全体 ",
        "への意見 ",
        "はないか。事業の成果として、それらのマッチング成立件数",
        "ではないか。 ",
        "また、事務事業ごとの施策の実施状況、検証意見等は、以下のとおりです。",
    ]
    got = [(o.article, o.policy, o.kind, o.kind_raw, o.paragraphs) for o in article_opinions.parse_text(lines)]
    assert got == [
        (
            12,
            "創業、経営の革新等の促進",
            "overall",
            "施策全体への意見",
            [
                "K-NIC では、クラウドファンディングなど支援メニューを工夫しながら、"
                "ソーシャルビジネスの支援も進めることができると良い。",
                "ウェルフェアイノベーションの推進にあたっては、困りごとの解決を形にしていくことが重要だ。",
            ],
        ),
        (
            12,
            "創業、経営の革新等の促進",
            "covid",
            "コロナ対応への意見",
            ["オンラインの活用やハイブリッドによるイベント開催等、れる。"],
        ),
        (
            13,
            "連携の促進",
            "overall",
            "施策全体への意見",
            ["はないか。事業の成果として、それらのマッチング成立件数ではないか。"],
        ),
    ]
    assert article_opinions.TABLE_HEADER_ANYWHERE.search(
        "条文\n中小企業活性化施策の実施状況に対する主な検証意見\n12 条"
    )


def test_budget_name_cut_where_a_page_break_took_the_blank_line():
    lines = [
        "№ 事業名 概要 予算規模 （千円） 実績等 ",
        "1 ",
        "制度融資（保証料",
        "ゼロ・実質無利",
        "子） ",
        "",
        "融資",
        "",
        "25,242,358 ",
        "",
        "・相談件数 3 件",
        "2 ",
        "テレワーク導入促",
        "進補助金 ",
        "",
        "導入支援",
        "",
        "12,500 ",
        "3 ",
        "中小商業者テイク",
        "アウト等参入支援",
        "事業補助金 ",
        "",
        "参入支援",
        "",
        "45,655 ",
        "4 ",
        "小規模事業者臨時",
        "給付金 ",
        "市内の小規模事業者の事業継続のための給付金を",
        "交付 ",
        "",
        "126,731 ",
        "",
        "・交付件数 14,025 件 ",
        "5 ",
        "コンテンツグロー",
        "バル化促進事業補",
        "助金 ",
        "",
        "海外展開の支援",
        "",
        "28,190 ",
    ]
    rows = budget.parse_budget_text(lines)
    assert [(r.no, "".join(r.name), r.summary, r.budget) for r in rows[3:]] == [
        (4, "小規模事業者臨時給付金", ["市内の小規模事業者の事業継続のための給付金を", "交付"], ["126,731"]),
        (5, "コンテンツグローバル化促進事業補助金", ["海外展開の支援"], ["28,190"]),
    ]
    assert [(r.no, "".join(r.name)) for r in rows[:3]] == [
        (1, "制度融資(保証料ゼロ・実質無利子)"),
        (2, "テレワーク導入促進補助金"),
        (3, "中小商業者テイクアウト等参入支援事業補助金"),
    ]
    cut = budget._cut_blocks(
        [
            [(0, "小規模事業者臨時"), (1, "給付金"), (2, "市内の小規模事業者の事業継続のための給付金を")],
            [(3, "・交付額"), (4, "8,295 千円"), (5, "商店街等緊急支援"), (6, "事業補助金(第 2"), (7, "弾)")],
        ],
        16,
    )
    assert [[t for _, t in b] for b in cut] == [
        ["小規模事業者臨時", "給付金"],
        ["市内の小規模事業者の事業継続のための給付金を"],
        ["・交付額", "8,295 千円"],
        ["商店街等緊急支援", "事業補助金(第 2", "弾)"],
    ]


# --- settling two readings -----------------------------------------------------------------------


def _census_state() -> TablesState:
    """A census grid on page 3; its text-order reading is the same page's text layer."""
    state = TablesState()
    lines = _census_header(0) + _census_rows(40)
    read_page(state, 3, 842, lines, rulings=_rows(0, EDGES, [0, 20, 40, 60, 80]))
    return state


def test_two_readings_that_agree_give_no_warning_and_say_layout():
    tables = finish(_census_state())
    assert [(v.value_text, v.read_by) for v in tables.stat_values if v.category == "建設業"] == [
        ("4,078", "layout"),
        ("3,829", "layout"),
        ("9.6%", "layout"),
        ("9.4%", "layout"),
    ]
    assert tables.warnings == ()


def test_readings_that_differ_are_a_warning():
    state = _census_state()
    row = next(l for l in state.stream.lines if l.text.startswith("建設業"))
    row.text = "建設業 4,078 3,892 9.6% 9.4%"  # the text layer says otherwise
    state.stream._texts = None
    tables = finish(state)
    assert [w.code for w in tables.warnings] == ["readings_differ"]
    assert "3,829" in tables.warnings[0].message and "3,892" in tables.warnings[0].message


def test_a_layout_reading_with_fewer_rows_gives_way_to_the_text_order():
    state = _census_state()
    state.stream.add_page(4, 842, [line("製造業 3,299 3,034 7.7% 7.4%", 3, 100)])  # a row the grids did not hold
    tables = finish(state)
    assert {v.category: v.read_by for v in tables.stat_values} == {
        "建設業": "text_order",
        "全産業": "text_order",
        "製造業": "text_order",
    }
    assert [w.code for w in tables.warnings] == ["layout_reading_incomplete"]
    assert {v.page for v in tables.stat_values if v.category == "製造業"} == {4}


def test_text_census_rows_keep_their_order_and_cells():
    (table,) = stat_tables.parse_census_text(
        ["業種大分類", "事業所数 構成比", "H26(2014) H28(2016) H26(2014) H28(2016)", "建設業 4,078 3,829 9.6% 9.4%"]
    )
    assert [(r.category, r.cells) for r in table.rows] == [("建設業", ["4,078", "3,829", "9.6%", "9.4%"])]


def test_budget_name_ends_where_the_next_line_starts_in_another_column():
    """An unruled table whose columns keep their places: the name ``市内観光農園`` /
    ``の PR 等`` wraps short, and the summary beside it starts further right."""
    lefts = [59, 90, 90, 200, 200, 380]
    lines = [
        "No 事業名 概要 予算規模(千円) 実績等",
        "1 市内観光農園",
        "の PR 等",
        "観光農園の PR 事業を実施",
        "①市内観光農園に加え、周辺観光農園施設",
        "8,000 ・ガイドマップ",
    ]
    (row,) = budget.parse_budget_text(lines, lefts)
    assert ("".join(row.name), row.summary, row.budget, row.results) == (
        "市内観光農園の PR 等",
        ["観光農園の PR 事業を実施", "①市内観光農園に加え、周辺観光農園施設"],
        ["8,000"],
        ["・ガイドマップ"],
    )
