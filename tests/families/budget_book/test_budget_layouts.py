"""The budget-book reader on layouts the Fuji files do not have, generated here with PyMuPDF
(never committed): a 歳出 明細書 printed as two separate PDF pages (目 table with 財源内訳
columns left, 節 and 説明 right), without rulings, and a section file naming no year."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from nenpo.extractors.edition import EditionClaim
from nenpo.extractors.families.budget_book.family import extract
from nenpo.extractors.pages import PdfError
from nenpo.samples.layout import find_font
from tests.conftest import REPO_ROOT

FONT_FILE = str(find_font())  # IPAexGothic, from the samples extra
FONT = pymupdf.Font(fontfile=FONT_FILE)
SIZE = 7.0


def put(page, x, y, text, *, right=False):
    """Write `text` with its left edge (or, `right`, its right edge) at x, baseline y."""
    if right:
        x -= FONT.text_length(text, fontsize=SIZE)
    page.insert_text((x, y), text, fontname="ipaexg", fontfile=FONT_FILE, fontsize=SIZE)


def spread_as_two_pages(path: Path, *, with_year: bool) -> Path:
    doc = pymupdf.open()
    left = doc.new_page(width=595, height=842)
    if with_year:
        put(left, 50, 30, "令和９年度 富士見市一般会計予算書")
    put(left, 50, 50, "３ 歳 出")
    put(left, 50, 70, "２款 総務費"), put(left, 380, 70, "９，６１６，１５４千円", right=True)
    put(left, 60, 82, "１項 総務管理費"), put(left, 380, 82, "３，０４８，４５６千円", right=True)
    for x, label in (
        (120, "目"),
        (220, "本年度予算額"),
        (280, "前年度予算額"),
        (345, "比　較"),
        (400, "国県支出金"),
        (480, "一般財源"),
    ):
        put(left, x, 110, label)
    for x in (270, 330, 385, 443, 523):
        put(left, x, 124, "千円", right=True)
    rows = [
        (140, "1 一般管理費", "3,000,000", "2,900,000", "100,000", "500", "2,999,500"),
        (200, "2 文書広報費", "48,456", "50,000", "△1,544", "", "48,456"),
        (260, "計", "3,048,456", "2,950,000", "98,456", "", ""),
    ]
    for y, label, cur, prev, chg, state, general in rows:
        put(left, 50 if label != "計" else 122, y, label)
        for x, text in ((270, cur), (330, prev), (385, chg), (443, state), (523, general)):
            if text:
                put(left, x, y, text, right=True)
    put(left, 50, 300, "２款 総務費"), put(left, 380, 300, "９，６１６，１５４千円", right=True)
    put(left, 60, 312, "２項 徴税費"), put(left, 380, 312, "９２９，２５７千円", right=True)
    put(left, 50, 330, "1 税務総務費")
    for x, text in ((270, "929,257"), (330, "901,591"), (385, "27,666")):
        put(left, x, 330, text, right=True)
    put(left, 122, 370, "計")
    for x, text in ((270, "929,257"), (330, "901,591"), (385, "27,666")):
        put(left, x, 370, text, right=True)

    right = doc.new_page(width=595, height=842)
    put(right, 80, 100, "節")
    for x, label in ((40, "区　分"), (120, "金　額"), (300, "説　明")):
        put(right, x, 110, label)
    for x in (160, 540):
        put(right, x, 124, "千円", right=True)
    setsu = [
        (140, "1 報酬", "1,000,000", "会計年度任用職員報酬", "1,000,000"),
        (155, "2 給料", "2,000,000", "職員給", "2,000,000"),
        (200, "10 需用費", "48,456", "広報紙印刷", "48,456"),
        (330, "2 給料", "929,257", "職員給", "929,257"),
    ]
    for y, label, amount, note, note_amount in setsu:
        put(right, 30, y, label), put(right, 160, y, amount, right=True)
        put(right, 200, y, note), put(right, 540, y, note_amount, right=True)
    put(right, 210, 170, "職員数 ２５人")
    doc.save(path)
    return path


def test_expenditure_spread_on_two_pages_without_rulings(tmp_path):
    x = extract(spread_as_two_pages(tmp_path / "book.pdf", with_year=True), ocr="never")
    assert x.report_fiscal_year == 2027 and x.part == "expenditure-02"
    got = sorted(
        (
            a.level,
            a.kan_no,
            a.kou_no,
            a.moku_no,
            a.setsu_no,
            a.current_thousand_yen,
            a.previous_thousand_yen,
            a.change_thousand_yen,
        )
        for a in x.appropriations
    )
    assert got == sorted(
        [
            ("kan", 2, None, None, None, 9616154, None, None),
            ("kou", 2, 1, None, None, 3048456, 2950000, 98456),
            ("moku", 2, 1, 1, None, 3000000, 2900000, 100000),
            ("setsu", 2, 1, 1, 1, 1000000, None, None),
            ("setsu", 2, 1, 1, 2, 2000000, None, None),
            ("moku", 2, 1, 2, None, 48456, 50000, -1544),
            ("setsu", 2, 1, 2, 10, 48456, None, None),
            ("kou", 2, 2, None, None, 929257, 901591, 27666),
            ("moku", 2, 2, 1, None, 929257, 901591, 27666),
            ("setsu", 2, 2, 1, 2, 929257, None, None),
        ]
    )
    assert {a.side for a in x.appropriations} == {"expenditure"}
    notes = [(n.moku_no, n.setsu_no, n.name, n.thousand_yen) for n in x.appropriation_notes]
    assert notes == [
        (1, 1, "会計年度任用職員報酬", 1000000),
        (1, 2, "職員給", 2000000),
        (1, 2, "職員数25人", None),
        (2, 10, "広報紙印刷", 48456),
        (1, 2, "職員給", 929257),
    ]
    assert [w.code for w in x.warnings] == ["budget_unruled_table"]
    assert len(x.pages) == 2


def test_a_part_naming_no_year_needs_the_edition_named(tmp_path):
    path = spread_as_two_pages(tmp_path / "section.pdf", with_year=False)
    with pytest.raises(PdfError, match="section.pdf.*no fiscal year"):
        extract(path, ocr="never")
    x = extract(path, claim=EditionClaim("someplace", 2027, "command_line"), ocr="never")
    assert (x.series, x.report_fiscal_year) == ("someplace", 2027)


def test_a_file_that_is_no_budget_book_is_a_clear_error():
    sample = REPO_ROOT / "samples" / "editions" / "kawasaki-sme-fy2019.pdf"
    with pytest.raises(PdfError, match="kawasaki-sme-fy2019.pdf: no budget-book page found"):
        extract(sample, claim=EditionClaim("x", 2019, "command_line"), ocr="never")
