"""Layout (b) of the real FY2020 edition, as a new user would bring it: the reference text
typeset line by line in its own order on A4 portrait pages (KPI and census blocks ruled),
no cover page, no title line, nothing in the metadata. The warehouse must hold what the
reference text holds: the edition named by its body, 19 sheets, 178 KPI values, all 13
Check/Action blocks with their exact opinion and response counts.

Ground truth: the 45 KPI tables typed by hand (`tests/data/reference_kpi_fy2020.json`) and
the sheets and blocks read by hand in `tests.families.kawasaki_sme.test_reference_pdca`. The PDF is rendered into
a temporary folder (never committed); these tests skip where ../shared is absent.
"""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from nenpo.extractors.normalise import normalise_name
from tests.conftest import TEST_DATA
from tests.families.kawasaki_sme.test_reference_pdca import BLOCKS, SHEETS

TABLES = json.loads((TEST_DATA / "reference_kpi_fy2020.json").read_text(encoding="utf-8"))["tables"]
HEADING = "４ 令和２（2020）年度中小企業活性化施策の実施状況"


@pytest.fixture(scope="module")
def extraction(reference_layout_b):
    return reference_layout_b


@pytest.fixture(scope="module")
def warehouse(reference_layout_b_warehouse):
    return reference_layout_b_warehouse


def _sheet_name(printed: str) -> str:
    """The measure a printed sheet header names: the part after ①② for a sub-measure."""
    return normalise_name(re.split(r"[①-⑳]", printed)[-1])


def test_the_edition_is_named_by_its_body(extraction):
    assert (extraction.series, extraction.report_fiscal_year, extraction.title) == ("kawasaki-sme", 2020, HEADING)
    assert {(e.kind, e.fiscal_year) for e in extraction.edition_evidence} == {("heading", 2020), ("sentence", 2020)}


def test_19_sheets_with_their_titles(warehouse):
    rows = warehouse.execute("SELECT parent, position, name, read_by FROM measures ORDER BY ordinal").fetchall()
    assert [(p, pos, n) for p, pos, n, _ in rows] == [(p, pos, normalise_name(n)) for _, p, pos, n, _, _ in SHEETS]
    assert {r for *_, r in rows} == {"text_order"}, "titles set like the body are read in text order"


# The article of each sheet, read by hand from the policy list (section ４, 図表 中小企業活性化
# 施策一覧, lines 1918-1999: 条文 / 中小企業活性化施策 / 事務事業名 / 頁). 内陸部 is printed in
# the rows of １４条 but noted ``（15 条）``; 受注機会の増大等 is the policy of １９条, whose
# row names ※本市の調達等の取組として推進するもの.
ARTICLES = [
    ("起業化総合支援事業", 12),
    ("ウェルフェアイノベーション推進事業", 12),
    ("知的財産戦略の推進", 13),
    ("新産業創造支援事業", 14),
    ("新川崎・創造のもり推進事業", 14),
    ("ものづくり中小企業経営支援事業", 14),
    ("内陸部操業環境保全対策事業", 15),
    ("生産性向上推進事業", 15),
    ("商店街課題対応事業", 16),
    ("商業力強化事業", 16),
    ("地域連携事業", 16),
    ("まちづくり連動事業", 16),
    ("農業振興関連事業多様な連携推進事業", 16),
    ("観光振興事業・産業観光推進事業", 16),
    ("雇用労働対策・就業支援事業", 17),
    ("勤労者福祉対策事業", 17),
    ("海外販路開拓事業", 18),
    ("国際環境産業推進事業", 18),
    ("受注機会の増大等", 19),
]
POLICIES = {
    12: "創業",
    13: "連携の促進",
    14: "研究及び開発の支援",
    15: "経営基盤の強化及び小規模企業者の事情の考慮",
    16: "地域の活性化の促進",
    17: "人材の確保及び育成",
    18: "海外市場の開拓等の促進",
    19: "受注機会の増大等",
}


def test_every_sheet_has_the_article_the_policy_list_gives_it(warehouse, extraction):
    """Footers and headings fall elsewhere in text order than on the landscape sheet: the
    article comes from the list's entry for the measure, cross-checked with the footer."""
    rows = warehouse.execute("SELECT name, article, article_title FROM measures ORDER BY ordinal").fetchall()
    assert [(n, a) for n, a, _ in rows] == [(normalise_name(n), a) for n, a in ARTICLES]
    assert all(t.startswith(POLICIES[a]) for _, a, t in rows), rows
    assert not [w for w in extraction.warnings if w.code == "article_not_found"]


def test_178_kpi_values_match_the_hand_read_tables(warehouse):
    rows = warehouse.execute(
        "SELECT measure, indicator, fiscal_year, kind, value, status, annotation, sub_value, unit_raw, value_text "
        "FROM kpi_values"
    ).fetchall()
    want = Counter()
    for t in TABLES:
        for row in t["rows"]:
            for year, cell in zip(t["years"], row["cells"]):
                want[
                    (
                        _sheet_name(t["measure"]),
                        normalise_name(t["indicator"]),
                        year,
                        row["kind"],
                        cell["value"],
                        cell["status"],
                        cell["annotation"],
                        cell["sub_value"],
                        row["unit_text"],
                        cell["text"],
                    )
                ] += 1
    got = Counter(rows)
    assert sum(want.values()) == len(rows) == 178
    assert got == want, (list((want - got).elements())[:5], list((got - want).elements())[:5])


def test_labels_far_from_their_table_are_read_in_text_order(warehouse):
    """Table 1's label is 26 lines above it in text order, with other ○ lines between; table
    9 has only a 【参考 …】 caption under it."""
    rows = dict(
        warehouse.execute("SELECT DISTINCT indicator, read_by FROM kpi_values WHERE table_no IN (1, 9)").fetchall()
    )
    assert rows == {
        "川崎市創業支援事業計画全体での創業実績件数": "text_order",
        "知的財産マッチング成立件数": "text_order",
    }


def test_all_13_check_action_blocks_with_exact_counts(warehouse):
    rows = warehouse.execute(
        "SELECT measure, phase, label, read_by FROM pdca_items WHERE phase IN ('check', 'covid_check', 'action') "
        "ORDER BY ordinal"
    ).fetchall()
    got: dict[str, tuple[list[str], list[str]]] = {}
    for measure, phase, label, _ in rows:
        opinions, responses = got.setdefault(measure, ([], []))
        (responses if phase == "action" else opinions).append(label)
    want = {
        normalise_name(name): ([label for _, label in BLOCKS[check][0]], [label for _, label in BLOCKS[check][1]])
        for _, _, _, name, check, _ in SHEETS
        if check is not None
    }
    assert got == want
    assert sum(len(o) for o, _ in got.values()) == 65 and sum(len(r) for _, r in got.values()) == 60
    assert {r for *_, r in rows} == {"text_order"}


def test_shared_blocks_cover_every_sub_measure(extraction):
    covers = {i.measure: i.covers for i in extraction.pdca_items if i.phase == "check"}
    assert covers == {
        normalise_name(name): tuple(normalise_name(c) for c in cov)
        for _, _, _, name, check, cov in SHEETS
        if check is not None
    }


def test_disagreeing_readings_are_warnings(extraction):
    disagree = [w for w in extraction.warnings if w.code == "readings_disagree"]
    assert any("KPI table 4 " in w.message and "○主なプロジェクト事例" in w.message for w in disagree)
    assert all(w.page is not None for w in disagree)


def test_covid_opinions_by_text_order(warehouse):
    """The box drawn last holds COVID opinions: text order prints them after the responses
    (ウェルフェア ⑥ at line 2734, 新川崎 ④ at 3242, 雇用 ④⑤⑥ at 5203-5209, on the sheet of
    勤労者福祉対策事業 that prints the shared block). A block whose opinions precede the
    responses prints its COVID box's opinions last among them: from the one the article's
    コロナ対応への意見 quotes (起業化 ④ …オンラインの活用やハイブリッドによるイベント開催等、…;
    知的財産 ④ …オンラインの活用により、市内企業と地方の企業が容易に繋がる…), and the last
    that name the pandemic (新川崎 ⑤ 新型コロナウイルス感染症対応の観点から…, 内陸部 ⑤ 新型コロナの影響で…,
    生産性 ⑥ …新型コロナの終息後も…, 地域連携 ③④ …コロナ禍で… / 新型コロナが落ち着いた後に…,
    農業 ④ …コロナ禍を機会と捉えて…, 観光 ④⑤⑥ コロナ禍…, 国際環境 ⑥ コロナ禍では…, 受注機会 ④
    …新型コロナ感染症対応…) up to one the article's 施策全体への意見 quotes (地域連携 ② ウィズコロナ…
    ＩＴの活用等、新たな視点や取組を通じて事業を発展させることが必要であり: a Check opinion)."""
    rows = warehouse.execute(
        "SELECT measure, label FROM pdca_items WHERE phase = 'covid_check' ORDER BY ordinal"
    ).fetchall()
    late = [
        ("ウェルフェアイノベーション推進事業", "⑥"),
        ("新川崎・創造のもり推進事業", "④"),
        ("勤労者福祉対策事業", "④"),
        ("勤労者福祉対策事業", "⑤"),
        ("勤労者福祉対策事業", "⑥"),
    ]
    assert set(late) <= set(rows)
    assert rows == [
        ("起業化総合支援事業", "④"),
        ("ウェルフェアイノベーション推進事業", "⑥"),
        ("知的財産戦略の推進", "④"),
        ("新川崎・創造のもり推進事業", "⑤"),
        ("新川崎・創造のもり推進事業", "④"),
        ("内陸部操業環境保全対策事業", "⑤"),
        ("生産性向上推進事業", "⑥"),
        ("地域連携事業", "③"),
        ("地域連携事業", "④"),
        ("農業振興関連事業多様な連携推進事業", "④"),
        ("観光振興事業・産業観光推進事業", "④"),
        ("観光振興事業・産業観光推進事業", "⑤"),
        ("観光振興事業・産業観光推進事業", "⑥"),
        ("勤労者福祉対策事業", "④"),
        ("勤労者福祉対策事業", "⑤"),
        ("勤労者福祉対策事業", "⑥"),
        ("国際環境産業推進事業", "⑥"),
        ("受注機会の増大等", "④"),
    ]
