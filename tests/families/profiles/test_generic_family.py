"""The generic family: any PDF with text, read by the broad grammar. Truth typed from the
pages of the five real sheets and taken from the sample editions' typed truth."""

from __future__ import annotations

import json
from collections import Counter

import pytest

from nenpo.extractors.edition import EditionClaim
from nenpo.extractors.errors import NeedsOcrError, UnrecognisedReportError
from nenpo.extractors.normalise import normalise_name
from nenpo.extractors.pages import DamagedPdfError
from nenpo.extractors.profiles.engine import extract_by_profile
from nenpo.extractors.profiles.load import builtin_profile_paths, load_profile
from tests.conftest import SAMPLE_EDITIONS

pytestmark = pytest.mark.realpdfs


@pytest.fixture(scope="module")
def generic():
    return load_profile(next(p for p in builtin_profile_paths() if p.parent.name == "generic"))


@pytest.fixture(scope="module")
def read(generic, realpdfs_dir):
    cache = {}

    def reader(name: str):
        if name not in cache:
            cache[name] = extract_by_profile(realpdfs_dir / "sheets" / f"{name}.pdf", generic, ocr="never")
        return cache[name]

    return reader


def kpis(extraction) -> Counter:
    return Counter((k.indicator, k.unit_raw, k.fiscal_year, k.kind, k.value) for k in extraction.kpi_values)


def costs(extraction) -> Counter:
    return Counter((c.item, c.fiscal_year, c.basis, c.thousand_yen) for c in extraction.costs)


def test_ikeda_kpi_table_kind_and_year_in_the_column_header(read):
    """池田市 No.10 し尿収集事業: 成果指標 rows under 目標値 / R5年度 実績, R6年度 見込, R6年度 実績, R9年度 見込."""
    x = read("ikeda_r7_jimujigyo_hyoka_no010_shinyo")
    assert x.family == "generic" and x.report_fiscal_year == 2024  # 事務事業評価（令和6年度実施事業）
    typed = {
        ("収集率", "%"): (100, 100, 100, 100),
        ("収集件数", "件"): (486, 400, 534, 350),
        ("収集量", "kl"): (566, 550, 553, 550),
    }
    columns = ((2023, "actual"), (2024, "forecast"), (2024, "actual"), (2027, "forecast"))
    want = Counter(
        (name, unit, fy, kind, float(v))
        for (name, unit), values in typed.items()
        for (fy, kind), v in zip(columns, values)
    )
    assert kpis(x) == want
    assert {k.kind_raw for k in x.kpi_values} == {
        "R５年度実績",
        "R６年度見込",
        "R６年度実績",
        "R９年度見込",
    }  # as printed


def test_ikeda_cost_table_years_and_basis_in_the_column_header(read):
    x = read("ikeda_r7_jimujigyo_hyoka_no010_shinyo")
    columns = ((2022, "settled"), (2023, "settled"), (2024, "budget"), (2024, "settled"))  # R4決算 R5決算 R6予算 R6決算
    typed = {
        "事業費": (1130, 1272, 1420, 899),
        "修繕料": (448, 603, 720, 398),
        "燃料費": (416, 377, 430, 336),
        "消耗品費": (123, 126, 102, 102),
        "その他": (1130, 1272, 1420, 899),
        "うち受益者負担": (1130, 1272, 1420, 899),
        "一般財源": (0, 0, 0, 0),
    }
    want = Counter(
        (item, fy, basis, float(v)) for item, values in typed.items() for (fy, basis), v in zip(columns, values)
    )
    assert costs(x) == want  # 受益者負担率 (100.0%) is a ratio: no cost; blank 国・府支出金, 地方債: none
    first = next(c for c in x.costs if c.item == "事業費" and c.fiscal_year == 2022)
    assert (first.item_raw, first.basis_raw, first.value_text, first.unit_raw, first.page) == (
        "事\u3000業\u3000費\u3000\u3000Ａ",
        "決算",
        "1,130",
        "千円",
        1,
    )
    assert first.bbox is not None and first.read_by == "layout" and first.text_source == "text_layer"
    assert not [w for w in x.warnings if w.code == "cross_check"]  # every amount is in the text order too


def test_ikeda_dash_is_a_value_not_reported(read):
    x = read("ikeda_r7_jimujigyo_hyoka_no018_haishi")
    dash = [k for k in x.kpi_values if k.fiscal_year == 2027]
    assert [(k.indicator, k.kind, k.value, k.status, k.value_text) for k in dash] == [
        ("来場者数", "forecast", None, "not_reported", "‐")
    ]


def test_ikeda_sections_by_numbering(read):
    x = read("ikeda_r7_jimujigyo_hyoka_no010_shinyo")
    numbered = [s for s in x.sections if s.heading.startswith("(")]
    assert sorted(s.heading for s in numbered) == [
        "(1)事務事業名・総合計画の体系等",
        "(2)事業の概要",
        "(3)「まちづくりの進め方」の視点",
        "(4)事業費等(千円単位。千円未満は四捨五入)",
        "(5)事業の成果指標及び評価",
    ]
    assert len({s.level for s in numbered}) == 1 and all(s.path[-1] == s.heading for s in numbered)
    overview = next(s for s in numbered if s.heading == "(2)事業の概要")
    assert "し尿の定期収集と臨時収集及び浄化槽の清掃と保守点検を実施する。" in overview.text


def test_kyoto_numbered_sections_and_pdca_by_vocabulary(read):
    """京都市: １ 事業概要 … ７ 令和７年度の方向性 over two pages (the 7th in a table's first column)."""
    x = read("kyoto_r6_shinki_juujitsu_no010_2p")
    assert x.report_fiscal_year == 2023
    numbered = [(s.heading, s.page) for s in x.sections if s.heading[0].isdigit()]
    assert numbered == [
        ("1 事業概要(令和6年度)", 1),
        ("2 事業目標", 1),
        ("3 令和5年度及び令和6年度の経費 (千円)", 1),
        ("4 取組実績(令和5年度・6年度)", 1),
        ("5 事業目標及び取組実績を踏まえた評価", 2),
        ("6 役割分担評価", 2),
        ("7 令和7年度の方向性", 2),
    ]
    phases = [(p.phase, p.label) for p in x.pdca_items]
    assert phases == [
        ("plan", "2 事業目標"),
        ("do", "4 取組実績(令和5年度・6年度)"),
        ("check", "5 事業目標及び取組実績を踏まえた評価"),
        ("check", "6 役割分担評価"),
        ("action", "7 令和7年度の方向性"),
    ]
    do = x.pdca_items[1]
    assert do.text.startswith("(令和5年度)\n・ 令和5年度は、64件の申請中、13件(14社。1件グループ申請)を採択")
    assert do.text_raw.startswith("（令和５年度）\n・\u3000令和5年度は")
    assert do.text.endswith("コーディネータによる伴走支援等を実施中")  # page 2's repeated header is furniture


def test_kyoto_costs_with_the_header_in_the_amounts_cell(read):
    x = read("kyoto_r6_shinki_juujitsu_no010_2p")
    assert costs(x) == Counter(
        {
            ("経費(一財)", 2023, "budget", 26200.0): 1,
            ("経費(一財)", 2023, "settled", 24255.0): 1,
            ("経費(一財)", 2024, "budget", 26200.0): 1,
            ("経費(一財)", 2025, "budget", 26700.0): 1,
        }
    )
    assert {c.basis_raw for c in x.costs if c.fiscal_year < 2025} == {
        "令和５年度予算現額",
        "令和５年度決算",
        "令和６年度当初予算",
    }


def test_yokohama_years_as_columns_kinds_as_rows(read):
    """横浜市 No.3: 想定 100 every year ３年度 … ９年度, 実績 116, 157, 102, 55 (the rest blank)."""
    x = read("yokohama_r7_jigyo_hyokasho_no003_1p")
    name = "Webサイト脆弱性診断実施件数"
    want = Counter(
        [(name, "件", fy, "target", 100.0) for fy in range(2021, 2028)]
        + [(name, "件", fy, "actual", v) for fy, v in zip(range(2021, 2025), (116.0, 157.0, 102.0, 55.0))]
    )
    assert kpis(x) == want
    assert costs(x) == Counter(
        {
            ("事業費", 2023, "settled", 6268.0): 1,
            ("事業費", 2024, "settled", 21778.0): 1,
            ("細事業費", 2023, "settled", 6268.0): 1,
            ("細事業費", 2024, "settled", 21778.0): 1,
        }
    )
    # 差引（増減） 15,510 is a difference, not a year's amount
    assert not [c for c in x.costs if c.value_text == "15,510"]


def test_yokohama_banner_sections(read):
    x = read("yokohama_r7_jigyo_hyokasho_no001_2p")
    assert [s.heading for s in x.sections] == [
        "令和7年度 事業評価書",
        "事業概要",
        "事業決算額",
        "各細事業の分析結果を踏まえた事業改善の検討等",
        "細事業の分析",
    ]
    overview = x.sections[1]
    assert overview.text == "デジタル統括本部の運営に必要な物品やサービス等の調達等を行います。"
    assert len(x.costs) == 6 and not x.kpi_values  # 事業量 is blank on both 細事業


def test_every_grid_is_kept_cell_by_cell(read):
    x = read("ikeda_r7_jimujigyo_hyoka_no010_shinyo")
    cell = next(c for c in x.table_cells if c.text == "A.順調に推移している")
    assert (cell.page, cell.row_span, cell.col_span) == (1, 1, 4) and cell.bbox is not None
    assert {p.page for p in x.pages} == {1} and x.pages[0].engine == "pymupdf"


def test_kawasaki_sample_editions_kpi_values(generic):
    """The generic family reads every KPI value of the sample editions (typed truth)."""
    for path in sorted(SAMPLE_EDITIONS.glob("kawasaki-sme-fy*.pdf")):
        truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
        want = Counter(
            (normalise_name(k["indicator_raw"]), k["fiscal_year"], k["kind"], k["value"]) for k in truth["kpi_values"]
        )
        x = extract_by_profile(path, generic, ocr="never")
        got = Counter((k.indicator, k.fiscal_year, k.kind, k.value) for k in x.kpi_values)
        assert got == want, path.name
        assert x.report_fiscal_year == truth["report_fiscal_year"]


def test_kawasaki_sample_pdca_by_heading_vocabulary(generic):
    x = extract_by_profile(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf", generic, ocr="never")
    page10 = [(p.phase, p.label) for p in x.pdca_items if p.page in (10, 11)]
    assert page10 == [
        ("plan", "事業計画 Plan"),
        ("do", "事業の実施状況 Do"),
        ("check", "主な検証意見 Check"),
        ("action", "令和3年度以降の対応 Action"),
    ]
    plan = x.pdca_items[[p.label for p in x.pdca_items].index("事業計画 Plan")]
    assert plan.text.startswith(
        "○各種セミナー・研修会等の実施を通じて創業を目指す個人を発掘し、ビジネスプランの作成を支援する"
    )
    headings = [s.heading for s in x.sections if s.page in (3, 4)]
    assert headings[:5] == [
        "2 市内産業の現状",
        "(1)産業構造",
        "(2)市内中小企業の景況感",
        "(3)倒産件数の動向",
        "(4)川崎市の求人・求職状況",
    ]
    nested = next(s for s in x.sections if s.heading == "(2)市内中小企業の景況感")
    # the cover's title lines head nothing: the numbered chapters are the top level
    assert nested.path == ("2 市内産業の現状", "(2)市内中小企業の景況感") and nested.level == 2


def test_no_year_is_an_error_that_says_so_and_a_claim_settles_it(generic, realpdfs_dir):
    from nenpo.extractors.profiles.model import Profile

    blind = Profile.model_validate(
        {**generic.model_dump(), "id": "blind", "edition": {"year": [{"pattern": "(?P<year>never[0-9]{4})"}]}}
    )
    path = realpdfs_dir / "sheets" / "kyoto_r6_shinki_juujitsu_no010_2p.pdf"
    with pytest.raises(UnrecognisedReportError) as caught:
        extract_by_profile(path, blind, ocr="never")
    message = str(caught.value)
    assert str(path) in message and "no edition year" in message and "catalogue" in message and "2 page(s)" in message
    x = extract_by_profile(path, blind, ocr="never", claim=EditionClaim(None, 2023))
    assert x.report_fiscal_year == 2023 and [w.code for w in x.warnings if w.code == "edition_from_claim"] == [
        "edition_from_claim"
    ]


def test_scanned_and_damaged_files_still_fail(generic, realpdfs_dir):
    with pytest.raises(NeedsOcrError) as caught:
        extract_by_profile(realpdfs_dir / "osaka_h29_ryoukinhyou_scanned.pdf", generic, ocr="never")
    assert caught.value.page == 1 and "switched off" in str(caught.value) and "needs_ocr on p.1" in str(caught.value)
    with pytest.raises(DamagedPdfError):
        extract_by_profile(realpdfs_dir / "osaka_h29_syuurou_truncated.pdf", generic, ocr="never")


def test_kawasaki_tables_printed_without_rules_read_by_aligned_words(generic):
    """The Mincho typesetting draws no rules: the KPI tables are read from year headers and
    目標 / 実績 rows by their positions. A cell that prints a sub-value on a second line
    (宿泊客数 with 外国人 in brackets) is not read that way yet; everything read is right."""
    for path in sorted((SAMPLE_EDITIONS.parent / "editions-mincho").glob("*.pdf")):
        truth = json.loads(path.with_name(path.name.replace(".pdf", ".truth.json")).read_text(encoding="utf-8"))
        want = Counter(
            (normalise_name(k["indicator_raw"]), k["fiscal_year"], k["kind"], k["value"]) for k in truth["kpi_values"]
        )
        x = extract_by_profile(path, generic, ocr="never")
        assert not x.table_cells  # no ruled grid anywhere
        got = Counter((k.indicator, k.fiscal_year, k.kind, k.value) for k in x.kpi_values)
        assert not got - want, path.name
        assert {k[0] for k in (want - got).elements()} == {"宿泊施設の年間宿泊客数()内は外国人"}, path.name
        plan = [p for p in x.pdca_items if p.label == "事業計画 Plan"]
        assert plan and plan[0].text.startswith("○各種セミナー・研修会等の実施を通じて創業を目指す個人を発掘し")


def test_generic_claims_any_pdf_with_text_that_no_other_family_claims(realpdfs_dir):
    from nenpo.extractors import registry

    kobe = registry.probe(realpdfs_dir / "kobe_h30_hoiku_shisetsu_ichiran.pdf")
    family, found = registry.recognise(kobe)
    assert (
        family.id == "generic"
        and found.confidence == 0.1
        and family.priority == min(f.priority for f in registry.families())
    )
    sheet = registry.probe(realpdfs_dir / "sheets" / "ikeda_r7_jimujigyo_hyoka_no010_shinyo.pdf")
    ranked = [r.family for r in registry.recognitions(sheet)]
    assert ranked[0] != "generic" and ranked[-1] == "generic"  # a known family wins; generic only also answers
    scanned = registry.probe(realpdfs_dir / "osaka_h29_ryoukinhyou_scanned.pdf")
    assert registry.family("generic").recognise(scanned) is None  # no text: nothing to claim
