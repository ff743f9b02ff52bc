"""The article opinion table reader on hand-placed lines copied from the real FY2020 edition."""

from __future__ import annotations

import random

from nenpo.extractors.families.kawasaki_sme import article_opinions
from nenpo.extractors.families.kawasaki_sme.report import NormLine
from nenpo.extractors.normalise import normalise_text

HEIGHT = 595.28
ARTICLE_X, POLICY_X, KIND_X, TEXT_X = 34.0, 84.0, 224.0, 286.0


def line(raw: str, x: float, top: float, width: float | None = None) -> NormLine:
    return NormLine(normalise_text(raw), raw, (x, top, x + (width or 9.0 * len(raw.strip())), top + 9.0), 9.0)


def real_table() -> list[NormLine]:
    """Lines 2086-2140 of the reference text, placed as the printed table places them."""
    return [
        line("条文 ", ARTICLE_X, 40),
        line("条 例 に 基 づ く ", POLICY_X, 40),
        line("中小企業活性化施策 ", POLICY_X, 51),
        line("中小企業活性化施策の実施状況に対する主な検証意見 ", 280, 44),
        line("12 条 ", ARTICLE_X, 70),
        line("創業、経営の革新等の", POLICY_X, 70, 120),
        line("促進 ", POLICY_X, 81),
        line("施策全体 ", KIND_X, 70, 36),
        line("への意見 ", KIND_X, 81, 36),
        line("K-NIC では、クラウドファンディングなど支援メニューを", TEXT_X, 70, 460),
        line("工夫しながら、ソーシャルビジネスの支援も進めることがで", TEXT_X, 82, 460),
        line("きると良い。", TEXT_X, 94, 100),
        line("ウェルフェアイノベーションの推進にあたっては、困りご", TEXT_X, 110, 460),
        line("との解決を形にしていくことが重要だ。", TEXT_X, 122, 300),
        line("コロナ ", KIND_X, 140, 27),
        line("対応への ", KIND_X, 151, 36),
        line("意見 ", KIND_X, 162, 18),
        line("オンラインの活用やハイブリッドによるイベント開催等、", TEXT_X, 140, 460),
        line("工夫しながら事業を実施することが必要だ。", TEXT_X, 152, 360),
        line("13 条 連携の促進 ", ARTICLE_X, 180, 120),
        line("施策全体 ", KIND_X, 180, 36),
        line("への意見 ", KIND_X, 191, 36),
        line("「香辛子」などの派生した成果等が創出されていることか", TEXT_X, 180, 460),
        line("ら、派生した成果も含め効果的に発信していくことが必要で", TEXT_X, 192, 460),
        line("はないか。", TEXT_X, 204, 90),
        line("コロナ ", KIND_X, 222, 27),
        line("対応への ", KIND_X, 233, 36),
        line("意見 ", KIND_X, 244, 18),
        line("コロナ禍では、相手が明確である段階であれば、逆にリモ", TEXT_X, 222, 460),
        line("ートの方が海外展開を進めやすいのではないか。", TEXT_X, 234, 400),
        line("- 5 -", 410, 573),
    ]


def test_rows_of_the_real_table():
    rows = article_opinions.read_page(real_table(), HEIGHT)
    assert [(r.article, r.policy, r.kind, r.kind_raw) for r in rows] == [
        (12, "創業、経営の革新等の促進", "overall", "施策全体への意見"),
        (12, "創業、経営の革新等の促進", "covid", "コロナ対応への意見"),
        (13, "連携の促進", "overall", "施策全体への意見"),
        (13, "連携の促進", "covid", "コロナ対応への意見"),
    ]
    assert rows[0].text_raw == (
        "K-NIC では、クラウドファンディングなど支援メニューを工夫しながら、ソーシャルビジネスの支援も進めることがで"
        "きると良い。\nウェルフェアイノベーションの推進にあたっては、困りごとの解決を形にしていくことが重要だ。"
    )
    assert rows[3].text.startswith("コロナ禍では、相手が明確") and rows[3].text.endswith("進めやすいのではないか。")
    assert rows[1].bbox == (TEXT_X, 140, TEXT_X + 460, 161)


def test_content_order_does_not_matter():
    lines = real_table()
    expected = article_opinions.read_page(lines, HEIGHT)
    for seed in range(5):
        random.Random(seed).shuffle(lines)
        assert article_opinions.read_page(lines, HEIGHT) == expected


def test_patterns_on_real_lines():
    assert article_opinions.TABLE_HEADER.search(line("中小企業活性化施策の実施状況に対する主な検証意見 ", 280, 44).text)
    assert article_opinions.ARTICLE_CELL.match(normalise_text("１２条")).group("article") == "12"
    assert article_opinions.ARTICLE_CELL.match(normalise_text("13 条 連携の促進")).group("policy") == "連携の促進"
    assert article_opinions.ARTICLE_CELL.match(normalise_text("19 条に規定する")) is None
    for fragment in ("施策全体 ", "への意見 ", "コロナ ", "対応への ", "意見 "):
        assert article_opinions.KIND_FRAGMENT.match(normalise_text(fragment)), fragment
    assert article_opinions.KIND_FRAGMENT.match("コロナ禍では、相手が明確である段階であれば") is None


def test_a_page_without_the_table_has_no_rows():
    assert article_opinions.read_page([line("12 条 ", ARTICLE_X, 70), line("施策全体 ", KIND_X, 70)], HEIGHT) == []
