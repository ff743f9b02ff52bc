"""The table readers' patterns and cell grammar, fed real lines of the FY2020 edition
(copied here as literals, so these tests need no ../shared), and the grid builder on
hand-made rulings."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from nenpo.extractors import paragraphs
from nenpo.extractors.families.kawasaki_sme import budget, other_measures, policy_list, rosters, stat_tables
from nenpo.extractors.families.kawasaki_sme.table_pages import PAGE_READERS
from nenpo.extractors.grids import char_splitter, find_grids
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.pages import Ruling


def n(text: str) -> str:
    return normalise_text(text)


# --- census and section-2 figures ---------------------------------------------------------------


@pytest.mark.parametrize("cell", ["H26(2014)", "H28(2016)", "Ｈ26（2014）", "R3(2021)"])
def test_year_cell(cell):
    assert stat_tables.YEAR_CELL.match(n(cell))


def test_year_header_line_and_caption():
    assert stat_tables.YEAR_HEADER_LINE.match(n("H26(2014) H28(2016) H26(2014) H28(2016) "))
    assert not stat_tables.YEAR_HEADER_LINE.match(n("R1（2019）年度 R2（2020）年度"))
    assert stat_tables.CAPTION.match(n("図表 本市の事業所数（民営）の推移（実数、産業別構成比） "))


def test_census_text_rows_keep_categories_with_commas_and_brackets():
    lines = [
        "図表 本市の事業所数（民営）の推移（実数、産業別構成比） ",
        "",
        "業種大分類 ",
        "事業所数 構成比 ",
        "",
        "H26(2014) H28(2016) H26(2014) H28(2016) ",
        "",
        "農業，林業，漁業 74 64 0.2% 0.2% ",
        "",
        " 電気・ガス・熱供給・水道業 25 23 0.1% 0.1% ",
        "サービス業(他に分類されないもの) 2,202 2,063 5.2% 5.0% ",
        "全産業 42,616 40,934 100.0% 100.0% ",
        "",
        "出所：総務省「経済センサス」 ",
    ]
    (table,) = stat_tables.parse_census_text(lines)
    assert [r.category for r in table.rows] == [
        "農業,林業,漁業",
        "電気・ガス・熱供給・水道業",
        "サービス業(他に分類されないもの)",
        "全産業",
    ]
    assert [(c.measure, c.year) for c in table.columns] == [
        ("事業所数", 2014),
        ("事業所数", 2016),
        ("構成比", 2014),
        ("構成比", 2016),
    ]
    assert table.table == "事業所数"


REAL_PROSE = {
    "business_conditions_di": (
        "川崎信用金庫が実施している「中小企業動向調査（2021 年 4-6 月期）」によると、"
        "令和３（2021）年４～６月期の川崎市内中小企業の景況感を総合的に示す業況ＤＩ"
        "（diffusion index（業況判断指数））は、前期業況ＤＩ△32.2 と比較し 11．0 ポイン"
        "ト増の△21.2 となり大幅な改善を示し、令和２（2020）年７～９月期以降、４期連続"
    ),
    "bankruptcies": (
        "   川崎市内における負債総額 1,000 万円以上の企業の倒産件数をみると、平成 20"
        "（2008）年度から平成 22（2010）年度にかけて倒産件数が 100 件台に増加しました"
        "が、平成 23（2011）年度以降は減少傾向が続き、平成 27（2015）年度は 64 件にまで"
        "低下しました。その後、平成 28（2016）年度以降は増減を繰り返し、令和２（2020）"
        "年度は前年度比 36件減の 43 件となりました。 "
    ),
    "job_openings_city": (
        "下降しています。川崎全市の有効求人倍率は、平成 30（2018）年度まで上昇傾向が続"
        "き 1.01 に達しましたが、令和元（2019）年度から下降に転じ、令和２（2020）年度"
        "は前年度比 0.24 減の 0.71 となっています。 "
    ),
    "job_openings_areas": (
        "エリア別にみると、令和２（2020）年度の川崎（南部）の有効求人倍率は 1.17 で"
        "神奈川県の水準（0.80）を超え 1.0 を上回っていますが、川崎北（北部）は 0.45 で"
    ),
}


def test_every_figure_rule_matches_its_real_text():
    assert {r.name for r in stat_tables.FIGURE_RULES} == set(REAL_PROSE)
    got = {
        (f.rule, f.category, f.measure, f.survey_year, f.value)
        for text in REAL_PROSE.values()
        for f in stat_tables.find_figures(n(text))
    }
    assert got == {
        ("business_conditions_di", "市内中小企業", "業況DI", 2021, -21.2),
        ("business_conditions_di", "市内中小企業", "前期業況DI", 2021, -32.2),
        ("bankruptcies", "川崎市", "倒産件数", 2020, 43.0),
        ("job_openings_city", "川崎全市", "有効求人倍率", 2020, 0.71),
        ("job_openings_areas", "川崎(南部)", "有効求人倍率", 2020, 1.17),
        ("job_openings_areas", "神奈川県", "有効求人倍率", 2020, 0.80),
        ("job_openings_areas", "川崎北(北部)", "有効求人倍率", 2020, 0.45),
    }


def test_other_di_figures_are_not_taken_for_the_business_conditions_di():
    text = n("売上額ＤＩは前期比 12.9 ポイント増の△20.0、収益ＤＩは前期比 11.0 ポイント増の△22.1 となり")
    assert stat_tables.find_figures(text) == []


# --- rosters and the policy list ----------------------------------------------------------------


def test_roster_caption():
    m = rosters.ROSTER_CAPTION.search(n("図表 「川崎市産業振興協議会」委員名簿（令和３年８月現在） "))
    assert (m.group("committee"), m.group("as_of")) == ("川崎市産業振興協議会", "令和3年8月")
    m = rosters.ROSTER_CAPTION.search(n("図表 「中小企業活性化専門部会」委員名簿（令和３年８月現在） "))
    assert m.group("committee") == "中小企業活性化専門部会"


@pytest.mark.parametrize(("cell", "article"), [("１２条", 12), ("１９条", 19)])
def test_policy_article_cell(cell, article):
    assert int(policy_list.ARTICLE_CELL.match(n(cell)).group("article")) == article


@pytest.mark.parametrize(("cell", "pages"), [("17-18", (17, 18)), ("72-74", (72, 74)), ("59", (59, None))])
def test_policy_pages_cell(cell, pages):
    m = policy_list.PAGES_CELL.match(cell)
    assert (int(m.group("start")), m.group("end") and int(m.group("end"))) == pages


def test_parent_measure_and_part_labels():
    assert policy_list.PARENT.match("商業振興関連事業") and policy_list.PARENT.match("工業振興関連事業")
    assert not policy_list.PARENT.match("観光振興事業")
    assert policy_list.PART_LABEL.match(n("検証対象事業 ").strip()) and policy_list.PART_LABEL.match("その他の事業")


# --- the budget table ---------------------------------------------------------------------------


def test_budget_header_and_furniture():
    assert budget.HEADER.match(n("№ 事業名 概要 予算規模 （千円） 実績等 "))
    assert budget.HEADER.match(n(" № 事業名 概要 予算規模 （千円） 実績等 "))
    for line in (
        "＊予算規模は、令和２年度末の最終予算額。 ",
        "令和２年度から令和３年度にかけて実施する事業は、両年度をあわせた規模としています。 ",
        "（令和 3年 7月末現在の予算額） ",
        "②令和２年度・令和３年度に実施した項目 ",
    ):
        assert budget.NOT_IN_TABLE.match(n(line).strip()), line
    assert budget.TABLE_END.search(n(" 令和２年度の緊急経済対策に関する実施時期 "))


@pytest.mark.parametrize(("line", "phase"), [("（１回目） ", "1回目"), ("（２回目） ", "2回目")])
def test_phase_mark(line, phase):
    assert budget.PHASE_MARK.match(n(line)).group("phase") == phase


@pytest.mark.parametrize("name", ["川崎じもと応援券事業（第１弾）", "商店街等緊急支援事業補助金（第 2弾）"])
def test_phase_in_name(name):
    assert budget.PHASE_IN_NAME.search(n(name))
    assert budget.PHASE_NAME_END.search(n(name))


@pytest.mark.parametrize(
    ("note", "nos"),
    [
        ("（№13の一部の予算を含む）", (13,)),
        ("（№15、16 の予算を含む）", (15, 16)),
        ("（№3 の予算を含む）", (3,)),
    ],
)
def test_shared_with(note, nos):
    assert budget._shared(n(note)) == nos


@pytest.mark.parametrize(
    ("line", "amount", "rest"),
    [
        ("25,242,358 ", "25,242,358", None),
        ("23,998 ・相談件数 338 件 ", "23,998", "・相談件数 338 件"),
        ("1,521,353 【R3 に実施】 ", "1,521,353", "【R3 に実施】"),
    ],
)
def test_budget_line(line, amount, rest):
    m = budget.BUDGET_LINE.match(n(line))
    assert (m.group("amount"), m.group("rest")) == (amount, rest)


def test_summary_lines_are_not_budgets():
    assert not budget.BUDGET_LINE.match(n("1か月以上認められるもの "))
    assert not budget.BUDGET_LINE.match(n("（融資限度額を 3000 万円から 4000 万円に引き上 "))


def test_result_metrics_of_real_cells():
    cells = [
        [
            "・相談件数：19,302 件 ",
            "・新型コロナウイルス",
            "感染症対応資金 ",
            " 融資実績:8,120 件 ",
            " 141,653,132 千円 ",
        ],
        ["・交付件数 66 件 ", "・交付額 ", "11,073 千円 "],
        ["・ガイドマップ ", "10,000 部作成・配布 ", "・PR動画 (90 秒、15", "秒)作成・配信 "],
        ["・求人開拓件数 ", "（増員分） 1,079 件 ", "※求人開拓件数 ", "（既存分） 1,309 件 "],
        ["【R2-3 にかけて実施】 "],
    ]
    got = [
        [(m.metric, m.value, m.unit) for m in budget.result_metrics(paragraphs.unwrap(n(l) for l in cell))]
        for cell in cells
    ]
    assert got == [
        [
            ("相談件数", 19302, "件"),
            ("新型コロナウイルス感染症対応資金融資実績", 8120, "件"),
            ("新型コロナウイルス感染症対応資金融資実績", 141653132, "千円"),
        ],
        [("交付件数", 66, "件"), ("交付額", 11073, "千円")],
        [("ガイドマップ", 10000, "部")],
        [("求人開拓件数(増員分)", 1079, "件"), ("求人開拓件数(既存分)", 1309, "件")],
        [],
    ]


def test_phases_inside_one_row_become_two_items():
    row = budget.RawRow(
        14,
        ["職場環境改善支援", "補助金"],
        ["職場環境改善支援", "補助金"],
        ["設備等の導入に係る経費への補助"],
        [n("（１回目） "), "30,000", n("（２回目） "), "109,609"],
        [n("（１回目） "), "・交付件数", "148 件", "・交付額", "26,291 千円", n("（２回目） "), "【R3に実施】"],
    )
    items, results = budget.build_items([row])
    assert [(i.phase, i.budget_thousand_yen, i.results_text) for i in items] == [
        ("1回目", 30000, "・交付件数 148 件\n・交付額 26,291 千円"),
        ("2回目", 109609, "【R3に実施】"),
    ]
    assert [(r.phase, r.metric, r.value) for r in results] == [("1回目", "交付件数", 148), ("1回目", "交付額", 26291)]


def test_shared_budget_is_counted_once():
    nos = [1, 3, 5, 9, 10, 11, 12, 12]
    shared = [(), (9,), (10, 11), (3,), (5,), (), (), ()]
    budgets = [100.0, 45655.0, 28190.0, 45655.0, 28190.0, None, 30.0, 40.0]
    assert budget.sharing_groups(nos, shared) == [0, 1, 2, 1, 2, 2, 6, 7]
    assert budget.counted_budgets(nos, shared, budgets) == [100.0, 45655.0, 28190.0, 0.0, 0.0, None, 30.0, 40.0]


# --- その他の事業 and paragraphs ---------------------------------------------------------------


def test_other_measure_headers_and_article_heading():
    assert other_measures.PLAN_HEADER.match(n("令和３年度の概要")) and other_measures.RESULTS_HEADER.match(
        n("令和２年度の実績")
    )
    m = other_measures.ARTICLE_HEADING.match(n("１２条 創業、経営の革新等の促進 "))
    assert (m.group("article"), m.group("title")) == ("12", "創業、経営の革新等の促進")
    assert not other_measures.ARTICLE_HEADING.match(n("１３条"))


def test_unwrap_joins_wrapped_lines_and_keeps_paragraphs():
    lines = [
        "・ セミナーの開催、相談対応、情報発信を通",
        "じ、コミュニティビジネス、ソーシャルビ",
        "ジネスの起業や経営支援を行います。 ",
        "※予算は起業化総合支援事業と一体的に執",
        "行 ",
        "・交付額 ",
        "11,073 千円 ",
    ]
    assert paragraphs.unwrap(n(l) for l in lines) == (
        "・ セミナーの開催、相談対応、情報発信を通じ、コミュニティビジネス、ソーシャルビジネスの起業や経営支援を行います。\n"
        "※予算は起業化総合支援事業と一体的に執行\n・交付額 11,073 千円"
    )


# --- routing and grids --------------------------------------------------------------------------


def test_every_reader_is_routed_by_a_real_heading():
    real = {
        "census": "業種大分類 ",
        "figures": "前期業況ＤＩ△32.2 と比較し",
        "roster": "図表 「川崎市産業振興協議会」委員名簿（令和３年８月現在） ",
        "policy_list": "条文 中小企業活性化施策 事務事業名 頁 ",
        "budget": "№ 事業名 概要 予算規模 （千円） 実績等 ",
        "other_measure": "令和３年度の概要 令和２年度の実績 ",
        "article_opinions": "中小企業活性化施策の実施状況に対する主な検証意見 ",
    }
    for reader in PAGE_READERS:
        assert reader.trigger.search(n(real[reader.kind])), reader.kind
        assert not any(reader.trigger.search(n(text)) for kind, text in real.items() if kind != reader.kind), (
            reader.kind
        )


@dataclass
class L:
    text: str
    raw: str
    bbox: tuple[float, float, float, float]
    size: float = 8.0


def _box(x0, top, x1, bottom):
    return [
        Ruling(x0, top, x1, top),
        Ruling(x0, bottom, x1, bottom),
        Ruling(x0, top, x0, bottom),
        Ruling(x1, top, x1, bottom),
    ]


def test_grid_with_merged_cells():
    """№ spanning two phase rows and a header spanning two columns, drawn as cell borders."""
    rulings = (
        _box(0, 0, 100, 10)
        + _box(100, 0, 300, 10)  # header: № | 予算 (2 cols)
        + _box(0, 10, 100, 30)  # № cell spanning rows 1-2
        + _box(100, 10, 200, 20)
        + _box(200, 10, 300, 20)
        + _box(100, 20, 200, 30)
        + _box(200, 20, 300, 30)
    )
    lines = [
        L("No", "№", (40, 2, 50, 8)),
        L("予算", "予算", (180, 2, 220, 8)),
        L("12", "12", (45, 17, 55, 23)),
        L("第1弾", "第１弾", (110, 12, 150, 18)),
        L("3,064,225", "3,064,225", (220, 12, 290, 18)),
        L("第2弾", "第２弾", (110, 22, 150, 28)),
    ]
    (grid,) = find_grids(rulings, lines)
    assert (grid.n_rows, grid.n_cols) == (3, 3)
    cells = [(c.row, c.col, c.row_span, c.col_span, c.text) for c in grid.cells]
    assert cells == [
        (0, 0, 1, 1, "No"),
        (0, 1, 1, 2, "予算"),
        (1, 0, 2, 1, "12"),
        (1, 1, 1, 1, "第1弾"),
        (1, 2, 1, 1, "3,064,225"),
        (2, 1, 1, 1, "第2弾"),
        (2, 2, 1, 1, ""),
    ]
    assert grid.at(2, 0) is grid.at(1, 0) and grid.row_texts(2) == ["12", "第2弾", ""]


def test_lone_frames_and_underlines_are_not_tables():
    assert find_grids(_box(0, 0, 100, 50), [L("x", "x", (10, 10, 20, 20))]) == []
    assert find_grids([Ruling(0, 10, 300, 10), Ruling(0, 30, 300, 30)], []) == []


def test_line_across_a_drawn_edge_is_cut_at_its_characters():
    """MuPDF prints a name and the summary beside it as one line when the gap is small."""
    rulings = _box(0, 0, 100, 20) + _box(100, 0, 300, 20)
    chars = [(5 + 8 * i, 6, 13 + 8 * i, 14, c) for i, c in enumerate("補助金")] + [
        (106 + 8 * i, 6, 114 + 8 * i, 14, c) for i, c in enumerate("テレワーク")
    ]
    line = L("補助金テレワーク", "補助金テレワーク", (5, 6, 146, 14))
    (grid,) = find_grids(rulings, [line], char_splitter(lambda clip: chars))
    assert [c.text for c in grid.cells] == ["補助金", "テレワーク"]
    (uncut,) = find_grids(rulings, [line])
    assert [c.text for c in uncut.cells] == ["補助金テレワーク", ""]  # all in the cell of its centre


def test_policy_list_gives_an_article_by_name_then_by_printed_page():
    from nenpo.extractors.families.kawasaki_sme.models import PolicyListEntry

    entries = [
        PolicyListEntry(
            part="検証対象事業",
            seq=1,
            article=12,
            name="起業化総合支援事業",
            name_raw="起業化総合支援事業",
            page_start=17,
            page_end=18,
            page=16,
        ),
        PolicyListEntry(
            part="検証対象事業",
            seq=2,
            article=14,
            parent="工業振興関連事業",
            name="ものづくり中小企業経営革新等支援事業",
            name_raw="工業振興関連事業 ものづくり中小企業経営革新等支援事業",
            page_start=27,
            page_end=30,
            page=16,
        ),
        PolicyListEntry(
            part="その他の事業",
            seq=3,
            article=12,
            name="医工連携等推進事業",
            name_raw="医工連携等推進事業",
            page_start=59,
            page_end=59,
            page=17,
        ),
    ]
    assert policy_list.article_for(entries, "起業化総合支援事業").article == 12
    # the sheet prints the older name; its printed page lies in the list's 27-30
    assert policy_list.article_for(entries, "ものづくり中小企業経営支援事業", folio=28).article == 14
    assert policy_list.article_for(entries, "ものづくり中小企業経営支援事業", folio=40) is None
    assert policy_list.article_for(entries, "医工連携等推進事業", part="検証対象事業") is None


def test_page_layer_gives_character_boxes():
    from nenpo.extractors.pages import PdfError, open_pdf
    from tests.conftest import SAMPLE_EDITIONS

    with open_pdf(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf", verify="never") as doc:
        chars = doc.chars(3)
        assert "市内産業の現状" in "".join(c[4] for c in chars)
        heading = doc.chars(3, clip=(0, 0, 842, 50))
        assert "".join(c[4] for c in heading).strip() == "２ 市内産業の現状" and len(heading) < len(chars)
        x0, top, x1, bottom, ch = next(c for c in chars if c[4] == "業")
        assert 0 <= x0 < x1 <= 842 and 0 <= top < bottom <= 596
        with pytest.raises(PdfError, match="no such page"):
            doc.chars(999)


def test_a_grid_no_reader_claims_still_goes_to_table_cells():
    from nenpo.extractors.families.kawasaki_sme.table_pages import TablesState, finish, read_page

    state = TablesState()
    rulings = _box(0, 0, 100, 20) + _box(100, 0, 300, 20) + _box(0, 20, 100, 40) + _box(100, 20, 300, 40)
    lines = [
        L("施設名", "施設名", (5, 5, 40, 15)),
        L("定員", "定員", (105, 5, 130, 15)),
        L("ひまわり園", "ひまわり園", (5, 25, 60, 35)),
        L("60", "６０", (105, 25, 115, 35)),
    ]
    read_page(state, 7, 595, lines, rulings)
    finish(state)
    assert [(c.table_no, c.kind, c.page, c.row, c.col, c.text, c.text_raw) for c in state.table_cells] == [
        (1, None, 7, 0, 0, "施設名", "施設名"),
        (1, None, 7, 0, 1, "定員", "定員"),
        (1, None, 7, 1, 0, "ひまわり園", "ひまわり園"),
        (1, None, 7, 1, 1, "60", "６０"),
    ]
    assert state.stat_values == [] and state.budget_rows == []


def test_folio_amount_results_start_and_label_edges():
    from nenpo.extractors.families.kawasaki_sme.table_pages import FOLIO

    assert FOLIO.match("- 17 -").group("folio") == "17" and FOLIO.match("62").group("folio") == "62"
    assert not FOLIO.match("令和３年度")
    assert budget.AMOUNT.match("25,242,358") and budget.AMOUNT.match("8,000") and not budget.AMOUNT.match("30%")
    assert budget.RESULTS_START.match(n(" ・申請件数 35 件 ").strip()) and budget.RESULTS_START.match("【R3 に実施】")
    assert not budget.RESULTS_START.match("【相談回数上限】1社につき最大 5回まで")
    assert budget.LABEL_EDGES.sub("", n("・相談件数：")) == "相談件数"
