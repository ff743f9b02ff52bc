"""Box headings printed after their items, and COVID opinions told by their words: lines
as the text layer of the FY2020 report prints them (the sheet of 起業化総合支援事業)."""

from __future__ import annotations

from nenpo.extractors.families.kawasaki_sme import pdca_text
from nenpo.extractors.families.kawasaki_sme.pdca import HeadingMark, PageItem, heading_phase, settle_trailing
from nenpo.extractors.normalise import normalise_text


def _item(phase: str, printed: str) -> PageItem:
    return PageItem(phase, "", (), printed[1:], (0.0, 0.0, 1.0, 1.0), 0, 0.0, [printed])


def _heading(printed: str) -> HeadingMark:
    found, phase = heading_phase(normalise_text(printed))
    assert found, printed
    return HeadingMark(phase)


def test_headings_after_their_items_take_them():
    supplement = _item("do", "○かわさき起業家オーディションについては、アフター")
    covid = [
        _item(
            "do",
            "・新型コロナウイルス感染症の流⾏により、令和２年度当初については、対⾯での事業実施からインターネット回",
        ),
        _item(
            "do",
            "・その後は、新型コロナウイルス感染症の流⾏状況を踏まえ、感染予防を徹底した上で、対⾯及びオンライを併用",
        ),
    ]
    next_plan = [_item("do", "○K-NICにおける起業家支援"), _item("do", "○かわさき起業家塾等の開催")]
    plan = _item("plan", "○起業家支援拠点「Kawasaki-NEDO Innovation")
    sequence = [
        _heading("主な取組"),
        plan,
        _heading("主な成果・活動指標"),
        _heading("事業の実施状況 Do"),
        supplement,
        *covid,
        _heading("新型コロナウイルス感染症に関する対応"),
        _heading("主な成果・活動指標に関する補足事項"),
        *next_plan,
        _heading("主な検証意⾒ Check"),
        _heading("令和３年度の実施計画"),
        _heading("令和３年度以降の対応 Action"),
    ]
    moved = settle_trailing(sequence)
    assert [i.phase for i in (plan, supplement, *covid, *next_plan)] == [
        "plan",
        "do",
        "covid_do",
        "covid_do",
        "next_plan",
        "next_plan",
    ]
    assert moved == [*covid, *next_plan] and {i.read_by for i in moved} == {"text_order"}


def test_a_box_titled_twice_leads_its_items():
    """``事業の実施状況 Do`` then ``令和２年度の実績``: one box, its items after both headings."""
    effort, done = (
        _item("plan", "○起業家支援拠点の運営"),
        _item("do", "○創業フォーラム及びかわさき起業家塾を開催し、創業を"),
    )
    assert (
        settle_trailing(
            [_heading("主な取組"), effort, _heading("事業の実施状況 Do"), _heading("令和２年度の実績"), done]
        )
        == []
    )
    assert (effort.phase, done.phase) == ("plan", "do")


def test_a_covid_box_takes_only_items_with_a_bullet_of_their_own():
    supplement = _item("do", "○フォーラム全体会はオンラインで開催した。")
    sequence = [
        _heading("事業の実施状況 Do"),
        supplement,
        _heading("新型コロナウイルス感染症に関する対応"),
        _heading("主な成果・活動指標に関する補足事項"),
    ]
    assert settle_trailing(sequence) == [] and supplement.phase == "do"


def test_pandemic_words():
    assert pdca_text.PANDEMIC.search("④新型コロナへの対応については、オンラインで実施可能なイベント")
    assert pdca_text.PANDEMIC.search(
        "⑤市内の魅⼒に触れる機会の少ない市⺠も多いことから、コロナ禍だからこそ、マイクロツーリズム"
    )
    assert pdca_text.PANDEMIC.search("④感染症の影響を受けた企業への資金繰り支援と一体で進めるべきである。")
    assert not pdca_text.PANDEMIC.search(
        "④人の集まるイベントが開催できない中、オンラインの活用やハイブリッドによるイベント開催等"
    )


def test_covid_opinions_are_the_last_that_name_the_pandemic():
    lines = [
        "①KBICには様々な分野の企業が集積しており、",
        "②KBICを退去した事業者は、市内で転居先を見つけることが難しくなっていることから、",
        "③新型コロナの影響により、ITを活用せざるを得ない状況になった。",
        "④BCPが整っていない事業者は多く、",
        "⑤新型コロナウイルス感染症対応の観点から、セミナー、相談会等はオンラインが参加しやすい。",
    ]
    opinions = pdca_text._items(lines, [normalise_text(l) for l in lines], 0, len(lines))
    assert pdca_text.covid_opinions(opinions, len(opinions), has_covid_box=True) == 4
    assert pdca_text.covid_opinions(opinions, len(opinions), has_covid_box=False) == 5
    assert pdca_text.covid_opinions(opinions, 3, has_covid_box=True) == 2  # ③ before the late ④⑤ names it too


def test_an_article_opinion_quotes_a_sheet_opinion():
    """The FY2020 report's article 12 コロナ対応への意見 and the ④ of 起業化総合支援事業."""
    summary = normalise_text(
        "オンラインの活用やハイブリッドによるイベント開催等、⼯夫しながら事業を実施することが必要だ。"
    )
    opinion = normalise_text(
        "人の集まるイベントが開催できない中、オンラインの活用やハイブリッドによるイベント開催等、引続き⼯夫し"
    )
    assert pdca_text.quotes(opinion, [summary])
    assert pdca_text.quotes(
        normalise_text("BCPが整っていない事業者は多く、BCP作成に目が向いていない"),
        [normalise_text("BCP が整っていない事業者は多く、すそ野を広げた支援")],
    )
    assert not pdca_text.quotes(
        normalise_text("③市内の事業者団体等とつながる機会があるとよいのではないか。"), [summary]
    )


def test_quoted_covid_opinion_and_overall_one_bound_the_covid_box():
    lines = [
        "①中小企業や個人事業主にとって新規出店は費用負担が大きいことから、",
        "②ウィズコロナやアフターコロナ以降の環境では、ITの活用等、新たな視点や取組を通じて事業を発展させることが必要であり、",
        "③川崎じもと応援券は、コロナ禍で厳しい飲食店等に需要の増加をもたらして良かった。",
        "④人の集まるイベントが開催できない中、オンラインの活用やハイブリッドによるイベント開催等、引続き工夫しながら",
    ]
    opinions = pdca_text._items(lines, [normalise_text(l) for l in lines], 0, len(lines))
    overall = [
        normalise_text("商業振興にあたっては、ＩＴの活用等、新たな視点や取組を通じて事業を発展させることが必要であり")
    ]
    covid = [
        normalise_text("オンラインの活用やハイブリッドによるイベント開催等、⼯夫しながら事業を実施することが必要だ。")
    ]
    assert pdca_text.covid_opinions(opinions, 4, True, covid, overall) == 2  # ④ quoted, ③ named, ② quoted as overall
    assert pdca_text.covid_opinions(opinions, 4, False, covid, overall) == 2  # the quote tells the box is there
    assert pdca_text.covid_opinions(opinions, 4, False) == 4  # no heading, no quote: no COVID opinion
    assert pdca_text.covid_opinions(opinions, 4, True) == 4  # ④ names no pandemic: it ends the block
    assert pdca_text.covid_opinions(opinions, 3, True) == 1  # ③② name it; ① stays the Check box's


def test_a_caption_before_the_items_stays_where_it_was():
    """``Kawasaki Deep Tech Accelerator`` / ``起業相談の様子`` (photo captions) print before the
    article footer and next year's items, then ``令和３年度の実施計画`` follows."""
    captions = [_item("do", "KKawasaki Deep Tech Accelerator採択者"), _item("do", "起業相談の様子")]
    captions[0].lines, captions[1].lines = ["Kawasaki Deep Tech Accelerator採択者"], ["起業相談の様子"]
    items = [_item("do", "○K-NICにおける起業家支援"), _item("do", "○かわさき起業家塾等の開催")]
    sequence = [
        _heading("主な成果・活動指標に関する補足事項"),
        *captions,
        *items,
        _heading("主な検証意⾒ Check"),
        _heading("令和３年度の実施計画"),
        _heading("事業の実施状況 Do"),
    ]
    assert settle_trailing(sequence) == items
    assert [i.phase for i in captions + items] == ["do", "do", "next_plan", "next_plan"]
