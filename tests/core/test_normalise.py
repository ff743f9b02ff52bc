"""Rules of nenpo.extractors.normalise, each checked on lines copied from the reference
text layer (FY2020 Kawasaki SME report) so that these tests run without ../shared."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import unicodedata

import pytest

from nenpo.extractors.normalise import (
    CIRCLED,
    GARBLED_THRESHOLD,
    KANGXI_RADICALS,
    RADICALS_SUPPLEMENT,
    UNITS,
    Cell,
    NumberResult,
    TextQuality,
    Unit,
    UnitCheck,
    YearRef,
    check_unit_scale,
    find_years,
    fiscal_year_of,
    item_numbers,
    normalise_name,
    normalise_text,
    parse_cell,
    parse_number,
    parse_unit,
    parse_year,
    period_kind,
    split_item,
    text_quality,
)
from tests.conftest import TEST_DATA

KPI_JSON = TEST_DATA / "reference_kpi_fy2020.json"

# ---------------------------------------------------------------------------------------
# normalise_text
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        # Kangxi radicals (NFKC)
        ("主な検証意⾒ Check", "主な検証意見 Check"),
        ("令和３年５⽉18日（⽕）", "令和3年5月18日(火)"),
        (
            "○ものづくり工房事業の中止 ものづくり体験教室や⼯場⾒学会を中止し、市ホームページに⼯場の紹介を掲載。",
            "○ものづくり工房事業の中止 ものづくり体験教室や工場見学会を中止し、市ホームページに工場の紹介を掲載。",
        ),
        # CJK Radicals Supplement (explicit map; NFKC leaves them)
        ("⺠間創業支援事業者", "民間創業支援事業者"),
        ("独自の⻑距離ワイヤレス給電技術を活用し、FA用途や", "独自の長距離ワイヤレス給電技術を活用し、FA用途や"),
        ("川崎市⻘年⼯業経営研究会(1)、川崎ものづくりブラ", "川崎市青年工業経営研究会(1)、川崎ものづくりブラ"),
        ("新城⻄通り 商店街の組織⼒強化など", "新城西通り 商店街の組織力強化など"),
        (
            "○「事業所⺟集団データベース（平成30年次フレーム）」を基に",
            "○「事業所母集団データベース(平成30年次フレーム)」を基に",
        ),
        # full-width digits, point, percent, brackets
        ("期比 11.0 ポイント増の△22.1 となり", "期比 11.0 ポイント増の△22.1 となり"),
        (
            "（diffusion index（業況判断指数））は、前期業況ＤＩ△32.2 と比較し 11．0 ポイン",
            "(diffusion index(業況判断指数))は、前期業況DI△32.2 と比較し 11.0 ポイン",
        ),
        ("契約⾦額の割合は７０.４８％であった。", "契約金額の割合は70.48%であった。"),
        # half-width katakana
        (
            "〇ナイトタイムエコノミーの推進（ｺﾛﾅｳｲﾙｽの影響により一部中止）",
            "○ナイトタイムエコノミーの推進(コロナウイルスの影響により一部中止)",
        ),
        # spaces: trailing space stripped, runs collapsed, ideographic space folded
        (
            "  川崎市の中小企業は、事業所数の 99.1％、従業者数の 76.8％（＊）など市内の大半を",
            "川崎市の中小企業は、事業所数の 99.1%、従業者数の 76.8%(*)など市内の大半を",
        ),
        ("主要 取扱商品      変更", "主要 取扱商品 変更"),
        ("各区役所：第 3 火曜日 9:00～12:00  ", "各区役所:第 3 火曜日 9:00~12:00"),
        ("令和\u3000３\u00a0年度\u2009実績", "令和 3 年度 実績"),
        # wave dashes, one spelling
        ("・令和2年11⽉1日~3日に開催予定であったが", "・令和2年11月1日~3日に開催予定であったが"),
        ("11/13〜1/11", "11/13~1/11"),
        ("年 1.0～2.0％の", "年 1.0~2.0%の"),
        # bullets
        (
            "〇国費等を活用し、目標を上回るプロジェクトを形成した。",
            "○国費等を活用し、目標を上回るプロジェクトを形成した。",
        ),
        (" 〇KOBSの海外支援コーディネーターによる相談対応", "○KOBSの海外支援コーディネーターによる相談対応"),
        ("●受付\n◯相談", "○受付\n○相談"),
        # circled numbers kept (NFKC would make them digits)
        ("①・②関係機関、団体等と連携を図りながら", "①・②関係機関、団体等と連携を図りながら"),
        ("④~⑥新型コロナを踏まえた対応としては、", "④~⑥新型コロナを踏まえた対応としては、"),
        ("⑳", "⑳"),
        # line breaks kept, each line stripped
        ("1,930,000 \r\n (220,000)", "1,930,000\n(220,000)"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_normalise_text(raw: str, expected: str) -> None:
    assert normalise_text(raw) == expected
    assert normalise_text(expected) == expected


def test_kanji_zero_is_only_a_bullet_at_line_start() -> None:
    assert normalise_text("令和〇年度") == "令和〇年度"
    assert normalise_text("〇〇商店街") == "〇〇商店街"  # a placeholder, not a bullet
    assert normalise_text("○a\n〇b") == "○a\n○b"
    assert normalise_text("x 〇 y") == "x 〇 y"


def test_every_radicals_supplement_code_point_is_mapped() -> None:
    assigned = [cp for cp in range(0x2E80, 0x2F00) if unicodedata.name(chr(cp), None)]
    assert len(assigned) == 115
    for cp in assigned:
        target = RADICALS_SUPPLEMENT[chr(cp)]
        assert "CJK UNIFIED IDEOGRAPH" in unicodedata.name(target), hex(cp)
        assert normalise_text(chr(cp)) == target
    for radical, ideograph in {
        "⺠": "民",
        "⻑": "長",
        "⻘": "青",
        "⺟": "母",
        "⻄": "西",
        "⻤": "鬼",
        "⻝": "食",
        "⻞": "食",
    }.items():
        assert normalise_text(radical) == ideograph


def test_every_kangxi_radical_folds_to_an_ideograph() -> None:
    assert len(KANGXI_RADICALS) == 0x2FD6 - 0x2F00
    for radical, ideograph in KANGXI_RADICALS.items():
        assert "CJK UNIFIED IDEOGRAPH" in unicodedata.name(ideograph)
        assert normalise_text(radical) == ideograph
    assert normalise_text("⾒⽉⾏⼯⾦⼒") == "見月行工金力"


def test_normalise_text_leaves_no_controls_or_odd_spaces() -> None:
    out = normalise_text("a\x00b\u200bc\ufeffd\u3000\u3000e\tf\x85g")
    assert out == "a bcd e f\ng"


def test_normalise_text_accepts_non_strings() -> None:
    assert normalise_text(None) == ""  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# normalise_name
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("○川崎市創業支援事業計画全体での創業実績件数", "川崎市創業支援事業計画全体での創業実績件数"),
        ("〇街路灯LED化実施数（累計）", "街路灯LED化実施数(累計)"),
        ("ものづくり中⼩企業経営支援事業", "ものづくり中小企業経営支援事業"),
        (" 商業振興関連事業 ②商業⼒強化事業", "商業振興関連事業②商業力強化事業"),
        ("○かわさき起業家オーディション等の開催回数 ", "かわさき起業家オーディション等の開催回数"),
        ("・交付件数 66 件 ", "交付件数66件"),
        (
            "○研究開発型のベンチャー企業等への個別・集中支援の\n実施件数",
            "研究開発型のベンチャー企業等への個別・集中支援の実施件数",
        ),
        ("起業化総合支援事業。", "起業化総合支援事業"),
        ("", ""),
    ],
)
def test_normalise_name(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected
    assert normalise_name(expected) == expected


def test_normalise_name_joins_spellings_of_one_name() -> None:
    assert normalise_name("○主要観光施設の年間観光客数") == normalise_name("主要観光施設の年間 観光客数 ")
    assert normalise_name("⺠間創業支援") == normalise_name("民間 創業支援")


# ---------------------------------------------------------------------------------------
# Item labels
# ---------------------------------------------------------------------------------------


def test_circled_table() -> None:
    assert len(CIRCLED) == 20
    assert CIRCLED["①"] == 1 and CIRCLED["⑳"] == 20


@pytest.mark.parametrize(
    ("label", "numbers"),
    [
        ("①", (1,)),
        ("①・②", (1, 2)),
        ("④~⑥", (4, 5, 6)),
        ("④～⑥", (4, 5, 6)),
        ("④〜⑥", (4, 5, 6)),
        ("①②", (1, 2)),
        ("①、③", (1, 3)),
        ("⑥~④", (6, 4)),
        ("①・①", (1,)),
        ("", ()),
        ("検証意見", ()),
        ("1", ()),
    ],
)
def test_item_numbers(label: str, numbers: tuple[int, ...]) -> None:
    assert item_numbers(label) == numbers


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("①・②K-NICでは…", ((1, 2), "①・②", "K-NICでは…")),
        (
            "①・②関係機関、団体等と連携を図りながら、フォーラムの開催等による情報発信",
            ((1, 2), "①・②", "関係機関、団体等と連携を図りながら、フォーラムの開催等による情報発信"),
        ),
        (
            "④~⑥新型コロナを踏まえた対応としては、セミナーや就職イベントごとに",
            ((4, 5, 6), "④~⑥", "新型コロナを踏まえた対応としては、セミナーや就職イベントごとに"),
        ),
        ("②かわさき起業家オーディションにおいて、", ((2,), "②", "かわさき起業家オーディションにおいて、")),
        ("① 事業所数 ", ((1,), "①", "事業所数 ")),
        ("○かわさき起業家オーディションの開催", ((), "", "○かわさき起業家オーディションの開催")),
        ("", ((), "", "")),
    ],
)
def test_split_item(line: str, expected: tuple) -> None:
    assert split_item(line) == expected


# ---------------------------------------------------------------------------------------
# Text quality
# ---------------------------------------------------------------------------------------


def test_text_quality_prose_and_kpi_rows_are_clean() -> None:
    for line in (
        "主な検証意⾒ Check",
        "目 標（件） 90 95",
        "実 績（人） 1,400 中止",
        "・交付件数 66 件 ",
        "条 例 に 基 づ く ",
        "令和３年度の概要      令和２年度の実績  ",
        "・新型コロナウイルス感染症の流⾏により、令和２年度当初については、対⾯での事業実施からインターネット回",
        "（株）野村総合研究所 他",
    ):
        q = text_quality(line)
        assert not q.garbled, (line, q)
        assert q.score <= GARBLED_THRESHOLD


def test_text_quality_counts_radicals_low() -> None:
    q = text_quality("主な検証意⾒ Check")
    assert q.radicals == 1 and q.chars == 11
    assert q.score < 0.01 and not q.garbled
    q = text_quality("⺠間創業支援事業者")
    assert q.supplement_radicals == 1 and not q.garbled


@pytest.mark.parametrize(
    "line",
    [
        "採⽤  ⼈材 定着率 低 ",
        "取組 ⾏   ⼗分 効果 ",
        "将来 経営 関  不安",
        "新技術      情報不⾜",
        "何  始   良       ",
        "導",  # one glyph of a vertical chart label
    ],
)
def test_text_quality_flags_chart_labels_that_lost_glyphs(line: str) -> None:
    q = text_quality(line)
    assert q.garbled, q
    assert q.lone_kana + q.gaps >= 1


def test_text_quality_weighs_lost_characters_high() -> None:
    assert text_quality("事業\ufffd\ufffd").garbled
    assert text_quality("事業\ue000\ue001").private_use == 2
    assert text_quality("事\x01業").control == 1
    assert text_quality("事\x01業").garbled
    q = text_quality("")
    assert q == TextQuality(0, 0, 0, 0, 0, 0, 0.0, False)


def test_text_quality_lone_kana_counts() -> None:
    q = text_quality("採⽤  ⼈材 定着率 低 ")
    assert (q.chars, q.radicals, q.lone_kana, q.gaps) == (8, 2, 1, 1)


# ---------------------------------------------------------------------------------------
# Units
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "printed", "canonical", "scale", "kind"),
    [
        ("（件）", "件", "件", 1, "count"),
        ("(万人)", "万人", "人", 10_000, "count"),
        ("件", "件", "件", 1, "count"),
        (" ％ ", "％", "%", 1, "percent"),
        ("（%）", "%", "%", 1, "percent"),
        ("目 標（件）", "件", "件", 1, "count"),
        ("実 績（回）", "回", "回", 1, "count"),
        ("目 標（社）", "社", "社", 1, "count"),
        ("実績（万人）", "万人", "人", 10_000, "count"),
        ("予算規模 （千円）", "千円", "円", 1000, "money"),
        ("百万円", "百万円", "円", 1e6, "money"),
        ("単位：千円", "千円", "円", 1000, "money"),
        ("名", "名", "名", 1, "count"),
        ("か所", "か所", "か所", 1, "count"),
        ("ヶ所", "ヶ所", "か所", 1, "count"),
        ("箇所", "箇所", "か所", 1, "count"),
        ("団体", "団体", "団体", 1, "count"),
        ("店", "店", "店", 1, "count"),
        ("者", "者", "者", 1, "count"),
        ("日", "日", "日", 1, "other"),
        ("時間", "時間", "時間", 1, "other"),
        ("円", "円", "円", 1, "money"),
        ("倍", "倍", "倍", 1, "ratio"),
        ("ポイント", "ポイント", "ポイント", 1, "other"),
        ("t", "t", "t", 1, "other"),
        ("（⼈）", "⼈", "人", 1, "count"),  # Kangxi radical ⼈
    ],
)
def test_parse_unit(text: str, printed: str, canonical: str, scale: float, kind: str) -> None:
    unit = parse_unit(text)
    assert unit == Unit(printed, canonical, float(scale), kind)


@pytest.mark.parametrize("text", ["", "（新規38件・変更21件）", "R1（2019）年度", "万%", "中止", "()"])
def test_parse_unit_rejects_non_units(text: str) -> None:
    assert parse_unit(text) is None


def test_units_table() -> None:
    assert UNITS["万人"] == Unit("万人", "人", 10_000.0, "count")
    assert UNITS["千円"].scale == 1000 and UNITS["百万円"].scale == 1e6
    assert UNITS["％"].canonical == UNITS["%"].canonical == "%"
    assert {UNITS[k].canonical for k in ("か所", "ヶ所", "箇所")} == {"か所"}
    for key, unit in UNITS.items():
        assert unit.printed == key
        assert unit.kind in {"count", "money", "percent", "ratio", "other"}
        assert parse_unit(key) == unit


# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "percent"),
    [
        ("90", 90, False),
        ("1,930,000", 1_930_000, False),
        ("１", 1, False),
        ("０", 0, False),
        ("６", 6, False),
        ("△21.2", -21.2, False),
        ("▲3", -3, False),
        ("△32.2", -32.2, False),
        ("11．0", 11.0, False),
        ("35 .1%", 35.1, True),
        ("23 .0%", 23.0, True),
        ("1 ,023", 1023, False),
        ("1 ,930", 1930, False),
        ("76.8", 76.8, False),
        ("76.8％", 76.8, True),
        ("99.1％", 99.1, True),
        ("７０.４８％", 70.48, True),
        ("１，０００", 1000, False),
        ("1、930", 1930, False),
        ("+5", 5, False),
        ("＋5", 5, False),
        ("-5", -5, False),
        ("－5", -5, False),
        ("−5", -5, False),
        ("‐5", -5, False),
        (" 25,242,358 ", 25_242_358, False),
        ("141,653,132", 141_653_132, False),
    ],
)
def test_parse_number(text: str, value: float, percent: bool) -> None:
    r = parse_number(text)
    assert r == NumberResult(text, float(value), None, percent)
    assert r.ok and isinstance(r.value, float)


def test_parse_number_integers_are_floats_equal_to_the_int() -> None:
    r = parse_number("1,930,000")
    assert r.value == 1930000.0 and r.value == 1930000 and type(r.value) is float


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("中止", "no digits"),
        ("－", "no digits"),
        ("①", "no digits"),
        ("90 95", "multiple numbers"),
        ("15、16", "multiple numbers"),
        ("2～3", "multiple numbers"),
        ("11/13~1/11", "multiple numbers"),
        ("9:00～12:00", "multiple numbers"),
        ("59（新規38件・変更21件）", "text"),
        ("約４％減", "text"),
        ("R2.4", "text"),
        ("22 件", "text"),
        ("(60,000)", "bracketed"),
        ("1,93", "malformed"),
        ("19,20", "malformed"),
        ("5.", "malformed"),
        ("1.2.3", "malformed"),
        ("--5", "malformed"),
        ("9" * 400, "too large"),
    ],
)
def test_parse_number_failures(text: str, reason: str) -> None:
    r = parse_number(text)
    assert r.value is None and not r.ok
    assert r.reason == reason


def test_parse_number_with_unit() -> None:
    man = parse_unit("(万人)")
    assert parse_number("1,560", man).value == 1560
    assert parse_number("1,560", man, apply_scale=True).value == 15_600_000
    assert parse_number("1.1", man, apply_scale=True).value == 11_000  # exact, not 11000.000000000002
    assert parse_number("15名", parse_unit("名")).value == 15
    assert parse_number("73", parse_unit("（％）")).percent
    assert parse_number("25,242,358", parse_unit("千円"), apply_scale=True).value == 25_242_358_000
    assert parse_number("5", None, apply_scale=True).value == 5


# ---------------------------------------------------------------------------------------
# Cells
# ---------------------------------------------------------------------------------------


def test_cell_annotated() -> None:
    cell = parse_cell("59（新規38件・変更21件）", parse_unit("件"))
    assert cell == Cell("59（新規38件・変更21件）", 59.0, "reported", "新規38件・変更21件", None, None, None)


@pytest.mark.parametrize(
    ("text", "value", "sub"),
    [
        ("1,930,000\n(220,000)", 1_930_000, 220_000),
        ("2,170,000\n(280,000)", 2_170_000, 280_000),
        ("1,400,000 (60,000)", 1_400_000, 60_000),
        ("1,400,000\n(60,000)", 1_400_000, 60_000),
        ("1,400,000（60,000）", 1_400_000, 60_000),
    ],
)
def test_cell_with_sub_value(text: str, value: float, sub: float) -> None:
    cell = parse_cell(text, parse_unit("人"))
    assert (cell.text, cell.value, cell.status, cell.sub_value) == (text, value, "reported", sub)
    assert cell.sub_value_text is not None and cell.annotation is None


@pytest.mark.parametrize("text", ["中止", "（中止）", "開催中止", "新型コロナウイルス感染症の影響により中止"])
def test_cell_cancelled(text: str) -> None:
    cell = parse_cell(text)
    assert cell.status == "cancelled" and cell.value is None and cell.text == text


@pytest.mark.parametrize("text", ["－", "―", "-", "—", "", "  ", "ー", "…", "(-)"])
def test_cell_not_reported(text: str) -> None:
    cell = parse_cell(text)
    assert cell.status == "not_reported" and cell.value is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("１", 1),
        ("０", 0),
        ("６", 6),
        ("△21.2", -21.2),
        ("76.8", 76.8),
        ("1,520,000", 1_520_000),
        ("968,702", 968_702),
        ("1,500", 1500),
        ("11．0", 11.0),
    ],
)
def test_cell_reported(text: str, value: float) -> None:
    cell = parse_cell(text)
    assert (cell.value, cell.status, cell.annotation, cell.reason) == (value, "reported", None, None)


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("未実施", "no digits"),
        ("集計中", "no digits"),
        ("90 95", "multiple numbers"),
        ("R2.4", "text"),
        ("(60,000)", "only a bracketed value"),
    ],
)
def test_cell_not_numeric(text: str, reason: str) -> None:
    cell = parse_cell(text)
    assert (cell.status, cell.value, cell.reason, cell.text) == ("not_numeric", None, reason, text)


def test_cell_qualifiers_and_printed_units() -> None:
    cell = parse_cell("約100件以上", parse_unit("件"))
    assert (cell.value, cell.annotation) == (100, "約 以上")
    assert parse_cell("15名", parse_unit("名")).annotation is None
    assert parse_cell("15名", parse_unit("人")).annotation == "名"
    scaled = parse_cell("5.7万人", parse_unit("人"))
    assert scaled.status == "not_numeric" and scaled.value is None  # never silently unscaled


def test_cell_value_is_never_scaled() -> None:
    cell = parse_cell("15,600,000", parse_unit("（万人）"))
    assert cell.value == 15_600_000


def _reference_cells() -> list[tuple[str, str, dict]]:
    if not KPI_JSON.is_file():
        return []
    data = json.loads(KPI_JSON.read_text(encoding="utf-8"))
    return [
        (row["unit_text"], row["label_text"], cell)
        for table in data["tables"]
        for row in table["rows"]
        for cell in row["cells"]
    ]


@pytest.mark.skipif(not KPI_JSON.is_file(), reason="hand-transcribed KPI tables not present")
def test_cells_of_the_45_reference_kpi_tables() -> None:
    cells = _reference_cells()
    assert len(cells) >= 170
    for unit_text, label, expected in cells:
        unit = parse_unit(label)
        assert unit is not None and unit.printed == unit_text, label
        cell = parse_cell(expected["text"], unit)
        got = {k: getattr(cell, k) for k in ("value", "status", "annotation", "sub_value")}
        want = {k: expected[k] for k in ("value", "status", "annotation", "sub_value")}
        assert got == want, expected["text"]


# ---------------------------------------------------------------------------------------
# Unit scale consistency
# ---------------------------------------------------------------------------------------


def test_check_unit_scale_reference_mismatch() -> None:
    """目標（人） 17,480,000 18,000,000 over 実績（万人） 15,600,000 12,760,000."""
    target_unit, actual_unit = parse_unit("目標（人）"), parse_unit("実績（万人）")
    assert target_unit and actual_unit
    check = check_unit_scale(actual_unit, [15_600_000, 12_760_000], target_unit)
    assert not check.consistent
    assert check.detail and "万人" in check.detail and "implausible" in check.detail
    # the magnitude rule alone reaches the same verdict
    check = check_unit_scale(
        actual_unit, [15_600_000, 12_760_000], target_unit, reference_values=[17_480_000, 18_000_000]
    )
    assert not check.consistent
    # the target row itself is fine; its check points at the other row
    check = check_unit_scale(
        target_unit, [17_480_000, 18_000_000], actual_unit, reference_values=[15_600_000, 12_760_000]
    )
    assert check.consistent and check.detail and "misprinted" in check.detail


def test_check_unit_scale_magnitude_rule_without_plausibility() -> None:
    man, nin = parse_unit("万人"), parse_unit("人")
    assert man and nin
    # 7,700 万人 = 77 million: plausible alone, but equal to the 人 row beside it
    check = check_unit_scale(man, [7_700, 7_900], nin, reference_values=[7_700, 7_900])
    assert not check.consistent
    # 1,560 万人 beside 17,480,000 人: the scale is right
    assert check_unit_scale(man, [1_560, 1_276], nin, reference_values=[17_480_000, 18_000_000]) == UnitCheck(
        True, None
    )


def test_check_unit_scale_simple_cases() -> None:
    assert check_unit_scale(parse_unit("件"), [90, 95]) == UnitCheck(True, None)  # type: ignore[arg-type]
    assert check_unit_scale(parse_unit("千円"), [25_242_358, 12_500]).consistent  # type: ignore[arg-type]
    assert check_unit_scale(parse_unit("万人"), []).consistent  # type: ignore[arg-type]
    assert check_unit_scale(parse_unit("万人"), [float("nan"), 5]).consistent  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# Years
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "year", "era", "era_year", "bracket", "fiscal", "month", "day"),
    [
        ("令和２（2020）年度", 2020, "令和", 2, 2020, True, None, None),
        ("令和元年度", 2019, "令和", 1, None, True, None, None),
        ("平成28年", 2016, "平成", 28, None, False, None, None),
        ("R1（2019）年度 R2（2020）年度", 2019, "令和", 1, 2019, True, None, None),
        ("R１（2019）年度 R２（2020）年度", 2019, "令和", 1, 2019, True, None, None),
        ("回答率が約５％向上（Ｒ1:39.5%⇒Ｒ2:45.7％）", 2019, "令和", 1, None, False, None, None),
        ("Ｒ２", 2020, "令和", 2, None, False, None, None),
        ("H30", 2018, "平成", 30, None, False, None, None),
        ("H26(2014) H28(2016) H26(2014) H28(2016) ", 2014, "平成", 26, 2014, False, None, None),
        ("S63", 1988, "昭和", 63, None, False, None, None),
        ("2020年度", 2020, None, None, None, True, None, None),
        ("R2.4 R2.5 R2.6", 2020, "令和", 2, None, False, 4, None),
        ("令和３年５⽉18日（⽕）", 2021, "令和", 3, None, False, 5, 18),
        ("平成 28（2016）年４月、", 2016, "平成", 28, 2016, False, 4, None),
        ("・令和2年10⽉５日に開催予定であったが", 2020, "令和", 2, None, False, 10, 5),
        ("中小企業基本法（昭和 38年法律第 154 号）", 1963, "昭和", 38, None, False, None, None),
        ("「中小企業動向調査（2021 年 4-6 月期）」", 2021, None, None, None, False, None, None),
        ("2020（令和2）年度", 2020, "令和", 2, None, True, None, None),
        ("FY2020", 2020, None, None, None, True, None, None),
    ],
)
def test_parse_year(text, year, era, era_year, bracket, fiscal, month, day) -> None:
    ref = parse_year(text)
    assert ref is not None
    assert (ref.year, ref.era, ref.era_year, ref.bracket_year, ref.fiscal, ref.month, ref.day) == (
        year,
        era,
        era_year,
        bracket,
        fiscal,
        month,
        day,
    )
    assert ref.conflict is None


def test_parse_year_conflict() -> None:
    ref = parse_year("令和２（2019）年度")
    assert ref is not None
    assert ref.year == 2020 and ref.bracket_year == 2019
    assert ref.conflict and "2019" in ref.conflict and "2020" in ref.conflict
    ref = parse_year("2019（令和2）年度")
    assert ref is not None and ref.conflict


@pytest.mark.parametrize("text", ["", "中止", "1,023", "H2O", "第 22条", "令和〇年", "令和0年度", "43.5%"])
def test_parse_year_none(text: str) -> None:
    assert parse_year(text) is None


def test_find_years_in_order() -> None:
    line = "平成 28 年経済センサス活動調査の集計結果（平成 30（2018）年 6 月 28 日公表）に"
    refs = find_years(line)
    assert [(r.year, r.month, r.day) for r in refs] == [(2016, None, None), (2018, 6, 28)]
    assert [r.year for r in find_years("R1（2019）年度 R2（2020）年度")] == [2019, 2020]
    header = "R2.4 R2.5 R2.6 R2.7 R2.8 R2.9 R2.10 R2.11 R2.12 R3.1 R3.2 R3.3 R3.4 R3.5 "
    assert [(r.year, r.month) for r in find_years(header)][-3:] == [(2021, 3), (2021, 4), (2021, 5)]
    assert len(find_years(header)) == 14
    assert find_years("") == []


def test_year_ref_is_frozen() -> None:
    ref = parse_year("令和元年度")
    assert isinstance(ref, YearRef)
    with pytest.raises(dataclasses.FrozenInstanceError):
        ref.year = 1  # type: ignore[misc]


@pytest.mark.parametrize(
    ("d", "fy"),
    [
        (dt.date(2021, 3, 31), 2020),
        (dt.date(2021, 4, 1), 2021),
        (dt.date(2020, 1, 1), 2019),
        (dt.date(2020, 12, 31), 2020),
        (dt.datetime(2021, 5, 18, 10, 0), 2021),
    ],
)
def test_fiscal_year_of(d: dt.date, fy: int) -> None:
    assert fiscal_year_of(d) == fy


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("R1（2019）年度 R2（2020）年度", "fiscal"),
        ("令和２年度の実績", "fiscal"),
        ("○観光客数、宿泊客数、ツアー参加者数は、年(1-12⽉）集計して", "calendar"),
        ("年(1-12⽉）集計", "calendar"),
        ("平成28年", "calendar"),
        ("平成 28（2016）年の事業所数は 40,934 となり", "calendar"),
        ("４月～翌年３月", "fiscal"),
        ("事業の実施状況 Do", None),
        ("年間4回開催", None),
        ("", None),
    ],
)
def test_period_kind(text: str, kind: str | None) -> None:
    assert period_kind(text) == kind
