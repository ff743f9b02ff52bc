"""The budget book's line grammar, fed lines printed in Fuji City's R7 and R8 books (after
NFKC normalisation, as the reader sees them)."""

from __future__ import annotations

import pytest

from nenpo.extractors.families.budget_book import lines as g
from nenpo.extractors.normalise import normalise_text


@pytest.mark.parametrize(
    "printed, value",
    [
        ("48,352,400", 48352400),
        ("△8,000", -8000),
        ("0", 0),
        ("48,352,400千円", 48352400),
        ("941,600千円", 941600),
        ("△1,190,000", -1190000),
        ("１０４，５００，０００", 104500000),
        ("2", 2),
    ],
)
def test_amounts(printed, value):
    assert g.amount(normalise_text(printed)) == value


@pytest.mark.parametrize("printed", ["1 現年課税分", "調定見込額 408,000×98.9%", "- 19 -", "12,34", "千円"])
def test_not_amounts(printed):
    assert g.amount(normalise_text(printed)) is None


@pytest.mark.parametrize(
    "printed, no, level, name",
    [
        ("\u3000１款\u3000市税", 1, "款", "市税"),
        ("１８款\u3000寄附金", 18, "款", "寄附金"),
        ("\u3000１項\u3000市民税", 1, "項", "市民税"),
        ("\u3000５項\u3000都市計画税", 5, "項", "都市計画税"),
    ],
)
def test_headings(printed, no, level, name):
    m = g.HEADING_RE.match(normalise_text(printed))
    assert (int(m["no"]), m["level"], m["name"]) == (no, level, name)


@pytest.mark.parametrize(
    "printed, no, name",
    [
        ("1 現年課税分", 1, "現年課税分"),
        ("10 地方特例交付金", 10, "地方特例交付金"),
        ("2 滞納繰越分", 2, "滞納繰越分"),
        ("1 総務管理費寄", 1, "総務管理費寄"),
    ],
)
def test_numbered_names(printed, no, name):
    m = g.NUMBERED_RE.match(normalise_text(printed))
    assert (int(m["no"]), m["name"]) == (no, name)


def test_numbered_names_are_not_amounts_or_headings():
    assert g.NUMBERED_RE.match("48,352,400") is None
    assert g.NUMBERED_RE.match("1") is None


def test_page_number():
    assert g.PAGE_NUMBER_RE.match("- 131 -") and not g.PAGE_NUMBER_RE.match("131")


def test_article_total():
    line = "第１条\u3000歳入歳出予算の総額は、歳入歳出それぞれ１０４，５００，０００千円と定"
    m = g.ARTICLE_TOTAL_RE.search(g.compact(normalise_text(line)))
    assert m and g.amount(m["amount"]) == 104500000


@pytest.mark.parametrize(
    "printed, year, city",
    [
        ("令和７年度富士市一般会計予算", 2025, "富士市"),
        ("令和８年度 富士市 一般会計予算書", 2026, "富士市"),
    ],
)
def test_edition(printed, year, city):
    m = g.EDITION_RE.search(g.compact(normalise_text(printed)))
    assert g.fiscal_year(m) == year and m["city"] == city


def test_vocabulary_reads_headers_sides_totals_and_formulas():
    v = g.vocabulary()
    assert [
        v.column_kind(normalise_text(t))
        for t in (
            "本年度予算額",
            "前年度予算額",
            "比\u3000\u3000\u3000\u3000較",
            "目",
            "区\u3000\u3000分",
            "金\u3000\u3000額",
            "説\u3000\u3000明",
            "国県支出金",
            "節",
        )
    ] == ["current", "previous", "change", "moku", "setsu", "amount", "notes", "funding", None]
    assert [
        v.side(normalise_text(t))
        for t in (
            "２\u3000\u3000歳    入",
            "（歳\u3000\u3000出）",
            "歳入予算書＿事項別明細書",
            "歳入歳出予算事項別明細書",
            "市税",
        )
    ] == ["revenue", "expenditure", "revenue", None, None]
    assert v.total(normalise_text("歳\u3000\u3000入\u3000\u3000合\u3000\u3000計")) == "revenue"
    assert v.formula(normalise_text("\u3000\u3000調定見込額\u3000\u3000\u3000 （15,490,000-5,000）×98.9％")) == (
        "調定見込額",
        "(15,490,000-5,000)×98.9%",
    )
    assert v.part({"moku", "current", "previous", "change"}) == "明細書"
    assert v.part({"kan", "kou", "amount"}) == "第1表"
