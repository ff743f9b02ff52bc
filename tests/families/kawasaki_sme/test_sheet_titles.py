"""Sheet titles: what a title never is, the layout reading that needs larger type, and the
names the policy list prints. Lines are copied from the reference text (FY2020)."""

from __future__ import annotations

from dataclasses import dataclass

from nenpo.extractors.families.kawasaki_sme.sheets import listed_name, page_title, title_rejected
from nenpo.extractors.normalise import normalise_name, normalise_text
from tests.families.kawasaki_sme.test_reference_pdca import SHEETS


@dataclass
class Line:
    text: str
    raw: str
    bbox: tuple[float, float, float, float]
    size: float


def _line(raw: str, top: float, size: float) -> Line:
    return Line(normalise_text(raw), raw, (48.0, top, 300.0, top + size), size)


def test_the_19_titles_of_the_reference_are_titles(reference_lines):
    for title_line, *_ in SHEETS:
        assert title_rejected(normalise_text(reference_lines[title_line - 1])) is None, reference_lines[title_line - 1]


def test_what_is_never_a_title():
    rejected = {
        "○子どもたちのものづくりへの興味・関⼼等を醸成する": "an indicator label or bullet",
        "〇街路灯LED化実施数（累計）": "an indicator label or bullet",
        "【参考 知的財産マッチング成⽴件数】": "an indicator label or bullet",
        "①K-NICでは、研究開発型の起業家への支援に加え": "an item label",
        "エイサーを実施。": "a sentence",
        "主な検証意⾒ Check": "a heading of the sheet",
        "令和３年度以降の対応 Action": "a heading of the sheet",
        "第12条 創業・経営の革新等の促進": "a heading of the sheet",
        "R1（2019）年度": "a KPI row or year header",
        "- 17 -": "a page number",
    }
    assert {line: title_rejected(normalise_text(line)) for line in rejected} == rejected


def test_layout_title_needs_type_larger_than_the_body():
    """A page of a text-order typesetting starts with a body line: that is no title."""
    body = [_line("子どもたちのものづくりへの興味・関⼼等を醸成するイベ", 30, 9.0)] + [
        _line(f"本文{k}", 50 + 14 * k, 9.0) for k in range(5)
    ]
    assert page_title(body, [l.text for l in body]) is None
    titled = [_line(" 新川崎・創造のもり推進事業 ①新産業創造支援事業", 22, 14.0)] + body[1:]
    title = page_title(titled, [l.text for l in titled])
    assert (title.parent, title.position, title.name) == ("新川崎・創造のもり推進事業", 1, "新産業創造支援事業")


def test_names_the_policy_list_prints_under_another_spelling():
    listed = [normalise_name(n) for n in ("ものづくり中小企業経営革新等支援事業", "内陸部操業環境保全対策事業")]
    assert listed_name(normalise_name("ものづくり中⼩企業経営支援事業"), listed)
    assert not listed_name(normalise_name("子どもたちのものづくりへの興味・関⼼等を醸成するイベ"), listed)


def test_two_titles_that_differ_are_a_warning(tmp_path):
    from nenpo.extractors.families.kawasaki_sme.report import extract_report
    from nenpo.samples.layout import LEFT_X, Page, write_pdf

    cover, sheet = Page(1), Page(2)
    cover.text(100, 100, "令和２年度 中小企業活性化施策実施状況報告書", 20)
    sheet.text(LEFT_X, 22, "テスト事業", 14)
    for k in range(4):
        sheet.text(LEFT_X, 120 + 14 * k, f"本文の行{k}", 9)
    sheet.text(LEFT_X, 60, "別の事業", 9)  # drawn last but one: the line before the heading in text order
    sheet.text(LEFT_X, 80, "事業計画 Plan", 9)
    write_pdf(tmp_path / "two.pdf", [cover, sheet], "two titles")
    x = extract_report(tmp_path / "two.pdf")
    assert [(m.name, m.read_by) for m in x.measures] == [("テスト事業", "layout")]
    [warning] = [w for w in x.warnings if w.code == "readings_disagree"]
    assert "'テスト事業' by layout, '別の事業' in text order; kept the layout reading" in warning.message


# --- the policy list's parents, settled by the sheet titles -------------------------------------


def _entry(seq: int, name: str, parent: str | None, pages: tuple[int, int], part: str = "検証対象事業"):
    from nenpo.extractors.families.kawasaki_sme.models import PolicyListEntry

    return PolicyListEntry(
        part=part,
        seq=seq,
        article=16,
        parent=parent,
        name=name,
        name_raw=name,
        page_start=pages[0],
        page_end=pages[1],
        page=24,
    )


def test_joined_title_matches_a_parent_and_its_sub_measure():
    from nenpo.extractors.families.kawasaki_sme.sheets import JOINED_TITLE

    match = JOINED_TITLE.match("観光振興事業・産業観光推進事業")
    assert (match.group("parent"), match.group("name")) == ("観光振興事業", "産業観光推進事業")
    assert not JOINED_TITLE.match("商業振興関連事業 ④まちづくり連動事業")


def test_sheet_titles_settle_the_list_parents():
    from nenpo.extractors.families.kawasaki_sme.sheets import list_parents, parse_title

    entries = [
        _entry(1, "地域連携事業", "商業振興関連事業", (33, 38)),
        _entry(2, "まちづくり連動事業", None, (39, 40)),
        _entry(3, "観光振興事業", None, (43, 44)),
        _entry(4, "産業観光推進事業", None, (43, 44)),
        _entry(5, "雇用労働対策・就業支援事業", None, (45, 46)),
        _entry(1, "まちづくり連動事業", None, (60, 60), part="その他の事業"),
    ]
    titles = [
        parse_title(t, None)
        for t in (
            "商業振興関連事業 ④まちづくり連動事業",
            "観光振興事業・産業観光推進事業",
            "雇用労働対策・就業支援事業",
        )
    ]
    settled, changes = list_parents(entries, titles, "検証対象事業")
    assert [(e.part, e.seq, e.parent, e.name) for e in settled] == [
        ("検証対象事業", 1, "商業振興関連事業", "地域連携事業"),
        ("検証対象事業", 2, "商業振興関連事業", "まちづくり連動事業"),
        ("検証対象事業", 3, "観光振興事業", "産業観光推進事業"),
        ("検証対象事業", 4, None, "雇用労働対策・就業支援事業"),
        ("その他の事業", 1, None, "まちづくり連動事業"),
    ]
    assert [page for _, page in changes] == [24, 24]
