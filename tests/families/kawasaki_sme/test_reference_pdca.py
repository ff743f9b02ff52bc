"""The 19 measure sheets of the real FY2020 edition and their Check/Action blocks.

The expected values below were read by hand from the reference text
(../shared/reference/kawasaki-sme-report-fy2020.txt, lines 2361-5827); line numbers are
1-based. Five blocks are shared by the sub-measures of one parent and printed on the
last sheet of the group. Text order puts some COVID opinions after all the responses
(ウェルフェア ⑥ at line 2734, 新川崎 ④ at 3242, 雇用 ④⑤⑥ at 5203-5209). These tests skip
cleanly where ../shared is absent.
"""

from __future__ import annotations

import pytest

from nenpo.extractors.families.kawasaki_sme.pdca_text import read_text_sheets

# (title line, parent, position, name, Check heading line or None, covers)
SHEETS = [
    (2361, None, None, "起業化総合支援事業", 2468, ("起業化総合支援事業",)),
    (2557, None, None, "ウェルフェアイノベーション推進事業", 2673, ("ウェルフェアイノベーション推進事業",)),
    (2740, None, None, "知的財産戦略の推進", 2864, ("知的財産戦略の推進",)),
    (2927, "新川崎・創造のもり推進事業", 1, "新産業創造支援事業", None, ()),
    (
        3092,
        "新川崎・創造のもり推進事業",
        2,
        "新川崎・創造のもり推進事業",
        3187,
        ("新産業創造支援事業", "新川崎・創造のもり推進事業"),
    ),
    (3244, "工業振興関連事業", 1, "ものづくり中小企業経営支援事業", None, ()),
    (
        3430,
        "工業振興関連事業",
        2,
        "内陸部操業環境保全対策事業",
        3516,
        ("ものづくり中小企業経営支援事業", "内陸部操業環境保全対策事業"),
    ),
    (3577, None, None, "生産性向上推進事業", 3780, ("生産性向上推進事業",)),
    (3831, "商業振興関連事業", 1, "商店街課題対応事業", None, ()),
    (3969, "商業振興関連事業", 2, "商業力強化事業", None, ()),
    (4112, "商業振興関連事業", 3, "地域連携事業", 4225, ("商店街課題対応事業", "商業力強化事業", "地域連携事業")),
    (4253, "商業振興関連事業", 4, "まちづくり連動事業", 4425, ("まちづくり連動事業",)),
    (4457, None, None, "農業振興関連事業多様な連携推進事業", 4568, ("農業振興関連事業多様な連携推進事業",)),
    (4621, None, None, "観光振興事業・産業観光推進事業", 4742, ("観光振興事業・産業観光推進事業",)),
    (4811, "雇用労働対策関連事業", 1, "雇用労働対策・就業支援事業", None, ()),
    (5015, "雇用労働対策関連事業", 2, "勤労者福祉対策事業", 5160, ("雇用労働対策・就業支援事業", "勤労者福祉対策事業")),
    (5219, "海外展開関連事業", 1, "海外販路開拓事業", None, ()),
    (5370, "海外展開関連事業", 2, "国際環境産業推進事業", 5495, ("海外販路開拓事業", "国際環境産業推進事業")),
    (5575, None, None, "受注機会の増大等", 5766, ("受注機会の増大等",)),
]

# Check heading line → opinions [(line, label)], responses [(line, label)], as printed.
BLOCKS = {
    2468: ([(2527, "①"), (2531, "②"), (2534, "③"), (2537, "④")], [(2540, "①"), (2544, "②"), (2548, "③"), (2551, "④")]),
    2673: (
        [(2689, "①"), (2692, "②"), (2695, "③"), (2698, "④"), (2701, "⑤"), (2734, "⑥")],
        [(2704, "①"), (2708, "②"), (2709, "③"), (2712, "④"), (2715, "⑤"), (2718, "⑥")],
    ),
    2864: ([(2891, "①"), (2894, "②"), (2897, "③"), (2900, "④")], [(2905, "①"), (2908, "②"), (2909, "③"), (2913, "④")]),
    3187: (
        [(3206, "①"), (3209, "②"), (3212, "③"), (3215, "⑤"), (3242, "④")],
        [(3218, "①"), (3221, "②"), (3224, "③"), (3229, "④")],
    ),
    3516: (
        [(3548, "①"), (3551, "②"), (3554, "③"), (3559, "④"), (3563, "⑤")],
        [(3566, "①・②"), (3569, "③"), (3572, "④"), (3575, "⑤")],
    ),
    3780: (
        [(3784, "①"), (3788, "②"), (3792, "③"), (3795, "④"), (3798, "⑤"), (3801, "⑥")],
        [(3805, "①・②"), (3809, "③"), (3812, "④"), (3817, "⑤"), (3820, "⑥")],
    ),
    4225: ([(4229, "①"), (4232, "②"), (4236, "③"), (4237, "④")], [(4240, "①"), (4243, "②"), (4246, "③"), (4249, "④")]),
    4425: (
        [(4429, "①"), (4432, "②"), (4433, "③"), (4436, "④"), (4439, "⑤")],
        [(4442, "①"), (4446, "②"), (4447, "③"), (4450, "④"), (4453, "⑤")],
    ),
    4568: ([(4578, "①"), (4582, "②"), (4585, "③"), (4587, "④")], [(4607, "①"), (4611, "②"), (4615, "③"), (4618, "④")]),
    4742: (
        [(4763, "①"), (4766, "②"), (4769, "③"), (4773, "④"), (4776, "⑤"), (4780, "⑥")],
        [(4783, "①"), (4786, "②"), (4787, "③"), (4790, "④"), (4793, "⑤"), (4794, "⑥")],
    ),
    5160: (
        [(5164, "①"), (5169, "②"), (5173, "③"), (5203, "④"), (5206, "⑤"), (5209, "⑥")],
        [(5178, "①"), (5183, "②"), (5186, "③"), (5190, "④~⑥")],
    ),
    5495: (
        [(5502, "①"), (5503, "②"), (5506, "③"), (5509, "④"), (5510, "⑤"), (5514, "⑥")],
        [(5556, "①"), (5559, "②"), (5563, "③"), (5566, "④"), (5569, "⑤"), (5572, "⑥")],
    ),
    5766: ([(5785, "①"), (5790, "②"), (5793, "③"), (5796, "④")], [(5800, "①"), (5813, "②"), (5817, "③"), (5822, "④")]),
}


@pytest.fixture(scope="module")
def found(reference_lines):
    return read_text_sheets(reference_lines)


def test_all_19_measure_sheets_are_found(found):
    assert len(found) == 19
    assert [(s.title_line, s.title.parent, s.title.position, s.title.name) for s in found] == [
        (line, parent, position, name) for line, parent, position, name, _, _ in SHEETS
    ]


def test_13_check_action_blocks_and_what_they_cover(found):
    assert [(s.check_line, s.covers) for s in found] == [(check, covers) for *_, check, covers in SHEETS]
    assert sum(s.check_line is not None for s in found) == len(BLOCKS) == 13


@pytest.mark.parametrize("check_line", sorted(BLOCKS))
def test_opinions_and_responses_of_each_block(found, check_line):
    sheet = next(s for s in found if s.check_line == check_line)
    opinions, responses = BLOCKS[check_line]
    assert [(i.line, i.label) for i in sheet.opinions] == opinions
    assert [(i.line, i.label) for i in sheet.responses] == responses


def test_counts_over_the_edition(found):
    """65 opinions and 60 responses (three responses answer several opinions: ①・② twice, ④~⑥)."""
    assert sum(len(s.opinions) for s in found) == 65
    assert sum(len(s.responses) for s in found) == 60
    assert [r.label for s in found for r in s.responses if len(r.seq) > 1] == ["①・②", "①・②", "④~⑥"]


def test_unanswered_opinions_are_the_ones_read_by_hand(found):
    """新川崎's opinion ⑤ (line 3215) is the only one no response names."""
    unanswered = [
        (s.title.name, o.line, o.label)
        for s in found
        for o in s.opinions
        if not set(o.seq) & {n for r in s.responses for n in r.seq}
    ]
    assert unanswered == [("新川崎・創造のもり推進事業", 3215, "⑤")]
    unasked = [
        (s.title.name, r.line)
        for s in found
        for r in s.responses
        if not set(r.seq) <= {n for o in s.opinions for n in o.seq}
    ]
    assert unasked == []


def test_item_text_starts_after_the_label(found):
    employment = next(s for s in found if s.check_line == 5160)
    assert employment.responses[-1].seq == (4, 5, 6)
    assert employment.responses[-1].text.startswith("新型コロナを踏まえた対応としては、セミナーや就職イベントごとに")
    assert employment.opinions[3].text.startswith("新型コロナ対応でオンラインによるセミナーやイベント等開催は必要")
