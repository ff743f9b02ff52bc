"""The page layer on generated PDFs (built in tmp_path) and on the real municipal files.

Generated pages use PyMuPDF's built-in 'japan' font (a non-embedded CJK font), so every
text page also carries 'fonts_not_embedded' -- that is what such a file really is.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pymupdf
import pytest

from nenpo.extractors import pages as pages_mod
from nenpo.extractors.pages import (
    FLAG_RULES,
    DamagedPdfError,
    PdfError,
    TextLine,
    open_pdf,
    sha256_file,
)

TITLE = "令和５年度　事業報告書"
BODY = "歳出決算額は１２，３４５千円でした。前年度比で増加しています。"


def _save(doc: pymupdf.Document, path: Path) -> Path:
    doc.save(path)
    doc.close()
    return path


def _text_pdf(path: Path, n_pages: int = 1) -> Path:
    doc = pymupdf.open()
    for i in range(n_pages):
        page = doc.new_page()  # A4-ish 595 x 842
        page.insert_text((72, 100), f"{TITLE}　第{i + 1}頁", fontname="japan", fontsize=12)
        for row in range(5):
            page.insert_text((72, 140 + 20 * row), BODY, fontname="japan", fontsize=10)
    return _save(doc, path)


@pytest.fixture
def text_pdf(tmp_path: Path) -> Path:
    return _text_pdf(tmp_path / "text.pdf")


# --- generated files ---------------------------------------------------------


def test_text_page_lines_bbox_and_flags(text_pdf: Path) -> None:
    with open_pdf(text_pdf) as doc:
        assert doc.page_count == 1 and doc.repaired is False
        page = doc.page(1)
    assert page.number == 1 and (page.width, page.height) == (595, 842)
    assert [line.text for line in page.lines] == [f"{TITLE}　第1頁"] + [BODY] * 5
    first = page.lines[0]
    assert isinstance(first, TextLine)
    # insert_text puts the baseline at y=100; the line box spans the 12 pt em above it
    assert first.bbox[0] == pytest.approx(72) and first.bbox[1] == pytest.approx(88, abs=1)
    assert first.bbox[3] == pytest.approx(102.4, abs=1) and first.size == pytest.approx(12)
    assert page.lines[1].size == pytest.approx(10) and not first.vertical
    assert page.engine == "pymupdf"
    assert page.chars["pymupdf"] == len(re.sub(r"\s", "", page.text))
    assert page.quality == 1.0  # 1 - normalise.text_quality().score: higher is better
    assert page.flags == ("fonts_not_embedded",)
    assert page.images == 0 and page.rulings == []
    assert page.text.splitlines()[1] == BODY


def test_two_columns_keep_content_stream_order(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    # right column written first: callers must see stream order, not a sorted order
    for row in range(3):
        page.insert_text((320, 100 + 20 * row), f"右欄{row + 1}行目の本文", fontname="japan", fontsize=10)
    for row in range(3):
        page.insert_text((50, 100 + 20 * row), f"左欄{row + 1}行目の本文", fontname="japan", fontsize=10)
    with open_pdf(_save(doc, tmp_path / "cols.pdf")) as pdf:
        lines = pdf.page(1).lines
    assert [line.text[:2] for line in lines] == ["右欄"] * 3 + ["左欄"] * 3
    assert all(line.bbox[0] == pytest.approx(320) for line in lines[:3])
    assert all(line.bbox[0] == pytest.approx(50) for line in lines[3:])
    assert lines[3].bbox[1] == pytest.approx(lines[0].bbox[1])  # same row, two columns


def test_ruled_table_rulings(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    xs, ys = [50, 200, 350], [100, 130, 160, 190]
    for y in ys:
        page.draw_line((xs[0], y), (xs[-1], y))
    for x in xs:
        page.draw_line((x, ys[0]), (x, ys[-1]))
    page.draw_rect(pymupdf.Rect(50, 250, 350, 250.5), color=None, fill=(0, 0, 0))  # thin filled rect
    page.draw_rect(pymupdf.Rect(400, 100, 500, 150))  # stroked box: four edges
    page.draw_rect(pymupdf.Rect(400, 300, 500, 400), color=None, fill=(0.9, 0.9, 0.9))  # shading
    page.insert_text((60, 120), "項目", fontname="japan", fontsize=10)
    page.insert_text((210, 120), "１２３", fontname="japan", fontsize=10)
    with open_pdf(_save(doc, tmp_path / "table.pdf")) as pdf:
        page_text = pdf.page(1)
        no_rulings = pdf.page(1, rulings=False)
    rulings = page_text.rulings
    horizontal = sorted((r.top, r.x0, r.x1) for r in rulings if r.horizontal)
    vertical = sorted((r.x0, r.top, r.bottom) for r in rulings if not r.horizontal)
    assert horizontal == sorted([(y, 50, 350) for y in ys] + [(100, 400, 500), (150, 400, 500), (250, 50, 350)])
    assert vertical == sorted([(x, 100, 190) for x in xs] + [(400, 100, 150), (500, 100, 150)])
    assert [line.text for line in page_text.lines] == ["項目", "１２３"]
    assert no_rulings.rulings == [] and no_rulings.text == page_text.text


def test_image_only_page_needs_ocr_and_blank_page_is_empty(tmp_path: Path) -> None:
    doc = pymupdf.open()
    page = doc.new_page()
    pix = pymupdf.Pixmap(pymupdf.csGRAY, pymupdf.IRect(0, 0, 60, 84), False)
    pix.clear_with(200)
    page.insert_image(page.rect, pixmap=pix)
    doc.new_page()  # nothing at all
    small = doc.new_page()
    small.insert_image(pymupdf.Rect(50, 50, 100, 100), pixmap=pix)  # a logo, not a scan
    with open_pdf(_save(doc, tmp_path / "scan.pdf"), ocr="never") as pdf:  # OCR: tests/core/test_ocr.py
        scan, blank, logo = list(pdf.pages())
    assert (scan.engine, scan.flags, scan.images, scan.lines) == ("none", ("needs_ocr",), 1, [])
    assert scan.chars == {"pymupdf": 0}  # no fonts: no reason to ask pdfplumber
    assert (blank.engine, blank.flags, blank.images) == ("none", ("empty",), 0)
    assert (logo.flags, logo.images) == ((), 1)


def test_truncated_before_any_page_is_damaged(text_pdf: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut_early.pdf"
    cut.write_bytes(text_pdf.read_bytes()[:300])
    with pytest.raises(DamagedPdfError) as err:
        open_pdf(cut)
    assert err.value.path == str(cut) and err.value.page is None
    assert "cut_early.pdf" in str(err.value)


def test_truncated_with_readable_pages_is_repaired(tmp_path: Path) -> None:
    data = _text_pdf(tmp_path / "three.pdf", n_pages=3).read_bytes()
    cut = tmp_path / "cut_half.pdf"
    cut.write_bytes(data[: len(data) // 2])  # objects of page 1 survive, the rest is gone
    with open_pdf(cut) as doc:
        assert doc.repaired is True
        got = list(doc.pages())
    assert all("repaired" in p.flags for p in got)
    assert got[0].text.startswith(TITLE)
    assert all(p.flags == ("empty", "repaired") for p in got[1:] if not p.lines)
    # the same file without its trailer alone: every page comes back, still flagged
    tail_cut = tmp_path / "no_trailer.pdf"
    tail_cut.write_bytes(data[: data.rindex(b"startxref")])
    with open_pdf(tail_cut, verify="never") as doc:
        assert doc.repaired and [p.flags[-1] for p in doc.pages()] == ["repaired"] * 3


@pytest.mark.parametrize("content", [b"", b"hello, not a PDF at all\n", b"%PDF-1.7\n garbage"])
def test_non_pdf_bytes_are_damaged(tmp_path: Path, content: bytes) -> None:
    bad = tmp_path / "report.pdf"
    bad.write_bytes(content)
    with pytest.raises(DamagedPdfError, match="report.pdf"):
        open_pdf(bad)


def test_missing_file_and_bad_page_name_the_file(tmp_path: Path, text_pdf: Path) -> None:
    with pytest.raises(PdfError, match="nope.pdf"):
        open_pdf(tmp_path / "nope.pdf")
    with open_pdf(text_pdf) as doc, pytest.raises(PdfError) as err:
        doc.page(2)
    assert err.value.page == 2 and str(err.value).startswith(f"{text_pdf}, page 2:")
    with pytest.raises(ValueError):
        open_pdf(text_pdf, verify="sometimes")


def test_sha256_matches_file_bytes(text_pdf: Path) -> None:
    expected = hashlib.sha256(text_pdf.read_bytes()).hexdigest()
    assert sha256_file(text_pdf) == expected
    with open_pdf(text_pdf) as doc:
        assert doc.sha256 == expected


def test_verify_modes_decide_where_pdfplumber_runs(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page()  # blank first page: the probe is the first page *with text*
    for _ in range(2):
        doc.new_page().insert_text((72, 100), BODY, fontname="japan", fontsize=10)
    path = _save(doc, tmp_path / "three.pdf")
    with open_pdf(path, verify="auto") as pdf:
        assert [sorted(p.chars) for p in pdf.pages()] == [["pymupdf"], ["pdfplumber", "pymupdf"], ["pymupdf"]]
    with open_pdf(path, verify="always") as pdf:
        got = list(pdf.pages())
        assert [sorted(p.chars) for p in got] == [["pdfplumber", "pymupdf"]] * 3
        assert got[1].chars["pdfplumber"] == got[1].chars["pymupdf"] == len(BODY)
        assert all("engines_disagree" not in p.flags for p in got)
    with open_pdf(path, verify="never") as pdf:
        assert [p.chars for p in pdf.pages()] == [{"pymupdf": 0}] + [{"pymupdf": len(BODY)}] * 2
        assert pdf._plumber is None  # never opened


def test_plumber_page_opens_pdfplumber_once(tmp_path: Path) -> None:
    path = _text_pdf(tmp_path / "two.pdf", n_pages=2)
    with open_pdf(path, verify="never") as doc:
        first = doc.plumber_page(1)
        second = doc.plumber_page(2)
        assert first.pdf is second.pdf is doc._plumber
        assert first.page_number == 1 and second.page_number == 2
        assert TITLE.replace("　", "") in first.extract_text().replace(" ", "").replace("　", "")


def test_pdfplumber_lines_replace_missing_pymupdf_text(tmp_path: Path, monkeypatch) -> None:
    """Simulate PyMuPDF losing a page's text: pdfplumber's lines take over, same shape."""
    path = _text_pdf(tmp_path / "t.pdf")
    monkeypatch.setattr(pages_mod, "_mupdf_lines", lambda page: [])
    with open_pdf(path) as doc:
        page = doc.page(1)
    assert page.engine == "pdfplumber" and page.chars["pymupdf"] == 0
    assert page.chars["pdfplumber"] > 100 and "engines_disagree" in page.flags
    assert page.lines[1].text == BODY and page.lines[1].block == -1
    assert page.lines[1].bbox[0] == pytest.approx(72) and page.lines[1].size == pytest.approx(10)


def test_probe_choosing_pdfplumber_escalates_to_every_page(tmp_path: Path, monkeypatch) -> None:
    """PyMuPDF returning plausible but partial text is only caught by the probe; once the
    probe prefers pdfplumber, every later page is checked too."""
    path = _text_pdf(tmp_path / "p.pdf", n_pages=3)
    real = pages_mod._mupdf_lines
    monkeypatch.setattr(pages_mod, "_mupdf_lines", lambda page: real(page)[:1])
    with open_pdf(path) as doc:
        assert [p.engine for p in doc.pages()] == ["pdfplumber"] * 3
    with open_pdf(path) as doc:  # random access settles the probe first
        assert doc.page(3).engine == "pdfplumber"
    with open_pdf(path, verify="never") as doc:
        assert [p.engine for p in doc.pages()] == ["pymupdf"] * 3


def test_without_normalise_the_local_score_is_used(text_pdf: Path, monkeypatch) -> None:
    monkeypatch.setattr(pages_mod, "_text_quality", lambda: None)
    with open_pdf(text_pdf) as doc:
        page = doc.page(1)
    assert page.quality == 1.0 and "garbled" not in page.flags
    assert pages_mod._quality("\x06\x1e\t\xab\x06B") == (0.5, True)  # like the truncated file


def test_flag_rules_are_the_documented_set() -> None:
    assert [r.name for r in FLAG_RULES] == [
        "needs_ocr",
        "empty",
        "garbled",
        "sparse_text",
        "engines_disagree",
        "vertical_text",
        "fonts_not_embedded",
        "repaired",
        "invisible_text",
    ]
    for rule in FLAG_RULES:
        assert rule.name in pages_mod.__doc__


def _table_pdf(path: Path, n_pages: int = 3) -> Path:
    """Pages like a budget book's 明細書: header cells letter-spaced across their width
    (目, 比　　較, 説　　　明), lone 計 rows, amounts far apart."""
    doc = pymupdf.open()
    for _ in range(n_pages):
        page = doc.new_page(width=842, height=595)
        page.insert_text((40, 60), "目", fontname="japan", fontsize=10)
        page.insert_text((300, 60), "比　　較", fontname="japan", fontsize=10)
        page.insert_text((600, 60), "説　　　明", fontname="japan", fontsize=10)
        for row in range(8):
            y = 90 + 40 * row
            page.insert_text((40, y), "１　市　民　税", fontname="japan", fontsize=10)
            page.insert_text((200, y), "1,234,567", fontname="japan", fontsize=10)
            page.insert_text((300, y), "△12,345", fontname="japan", fontsize=10)
            page.insert_text((40, y + 20), "計", fontname="japan", fontsize=10)
    return _save(doc, path)


def test_letter_spaced_table_pages_are_sparse_not_garbled(tmp_path: Path) -> None:
    """Lone glyphs and wide gaps lower the quality, but both engines read the same glyphs:
    no second opinion beyond the probe, and the page is 'sparse_text', not 'garbled'."""
    path = _table_pdf(tmp_path / "table.pdf")
    with open_pdf(path) as doc:
        got = list(doc.pages())
    assert [sorted(p.chars) for p in got] == [["pdfplumber", "pymupdf"], ["pymupdf"], ["pymupdf"]]  # probe only
    assert all(p.quality < 1.0 and "sparse_text" in p.flags and "garbled" not in p.flags for p in got)
    assert all(p.engine == "pymupdf" for p in got)


def test_mojibake_and_control_codes_are_garbled_and_checked(tmp_path: Path) -> None:
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 100), TITLE, fontname="japan", fontsize=12)  # the clean probe
    mojibake = "令和元年".encode().decode("cp1252", errors="replace")  # ä»¤å’Œå…ƒå¹´
    doc.new_page().insert_text((72, 100), mojibake * 4 + "事業の概要", fontname="helv", fontsize=10)
    doc.new_page().insert_text((72, 100), BODY, fontname="japan", fontsize=10)
    path = _save(doc, tmp_path / "mojibake.pdf")
    with open_pdf(path) as pdf:
        got = list(pdf.pages())
    assert [sorted(p.chars) for p in got] == [["pdfplumber", "pymupdf"]] * 2 + [["pymupdf"]]
    assert "garbled" in got[1].flags and "garbled" not in got[2].flags


@pytest.mark.parametrize(
    ("line", "damaged"),
    [
        ("ä»¤å’Œå…ƒå¹´åº¦ ä¸€èˆ¬ä¼šè¨ˆäºˆç®—æ›¸", True),  # 令和元年度 一般会計予算書, UTF-8 read as cp1252
        ("\x06\x1e\t\xab\x06B\x06\x1e", True),  # like the real truncated download's page 2
        ("調定見込額 408,000×98.9%", False),  # × is printed, not mojibake
        ("比　　較　　　目　　計", False),  # letter-spaced header cells
        ("主な検証意⾒（Check）として、事業の効果を毎⽉確認した", False),  # Kangxi radicals: a font quirk NFKC repairs
        ("", False),
    ],
)
def test_damaged_code_points(line: str, damaged: bool) -> None:
    assert pages_mod._damaged(line) is damaged


# --- the real municipal files (../shared/realpdfs) ---------------------------


@pytest.mark.realpdfs
def test_real_truncated_download_is_damaged(realpdfs_dir: Path) -> None:
    path = realpdfs_dir / "osaka_h29_syuurou_truncated.pdf"
    for verify in ("auto", "never"):  # the missing tail alone is enough to judge it
        with pytest.raises(DamagedPdfError) as err:
            open_pdf(path, verify=verify)
        assert err.value.path == str(path) and err.value.page is None
        message = str(err.value)
        assert "osaka_h29_syuurou_truncated.pdf" in message and "truncated" in message
        assert ("pdfplumber cannot open it" in message) == (verify == "auto")


@pytest.mark.realpdfs
def test_real_scanned_page_needs_ocr(realpdfs_dir: Path) -> None:
    with open_pdf(realpdfs_dir / "osaka_h29_ryoukinhyou_scanned.pdf", ocr="never") as doc:  # OCR: test_ocr_real
        assert doc.page_count == 1 and not doc.repaired
        page = doc.page(1)
    assert page.flags == ("needs_ocr",) and page.engine == "none"
    assert page.images == 1 and page.lines == [] and page.chars == {"pymupdf": 0}


@pytest.mark.realpdfs
def test_real_nonembedded_unijis_page_keeps_pymupdf(realpdfs_dir: Path) -> None:
    with open_pdf(realpdfs_dir / "osaka_h29_hoikushi_unijis_hw_nonembedded.pdf") as doc:
        page = doc.page(1)
    assert page.engine == "pymupdf"
    assert page.chars["pymupdf"] >= 700  # observed 774 real characters
    assert page.chars["pdfplumber"] < 100  # observed 42
    assert {"engines_disagree", "fonts_not_embedded"} <= set(page.flags)
    assert "garbled" not in page.flags
    assert page.lines[0].text == "（あて先）\u2003保健福祉センター所\u2ed1"  # ⻑ kept as printed


@pytest.mark.realpdfs
def test_real_kangxi_form_text_has_radicals(realpdfs_dir: Path) -> None:
    with open_pdf(realpdfs_dir / "osaka_h29_hoiku_shinseisho_kangxi.pdf") as doc:
        got = list(doc.pages())
    assert len(got) == 4
    radicals = [sum("\u2e80" <= ch <= "\u2fdf" for ch in p.text) for p in got]
    assert radicals == [26, 59, 30, 46]  # per page; the set (⺟ ⻑ ⼊ ⼥ ⽇ ⽉ ⽤ ⾃ ⾏ …) checked by eye
    assert "⽤" in got[0].text and "利⽤" in got[3].text
    assert all(p.engine == "pymupdf" and "fonts_not_embedded" in p.flags for p in got)
    assert [p.chars["pymupdf"] for p in got] == [991, 1566, 1159, 1294]
    # page 1 is the probe: pdfplumber reads 259 characters of the same form
    assert got[0].chars["pdfplumber"] == 259 and "engines_disagree" in got[0].flags
    # (whether pages 1 and 3 -- boxes of one-kanji labels 年 月 日 -- also count as
    # 'garbled' is normalise.text_quality's call and not pinned here)
    assert len(got[0].rulings) > 1000  # a form of ruled boxes


@pytest.mark.realpdfs
def test_real_vertical_gazette(realpdfs_dir: Path) -> None:
    with open_pdf(realpdfs_dir / "kampo_vertical_gazette.pdf") as doc:
        page = doc.page(1)
    assert "vertical_text" in page.flags
    # MuPDF gives 254 Identity-V glyphs (dir (0, 1)) and the rest as stacked one-character
    # lines starting 第 二 条 (the column at x 421); the page comes back in reading order,
    # one line per column (the order is checked against the printed page in test_ocr_real)
    first_column = next(line for line in page.lines if line.text.startswith("第二条"))
    assert first_column.vertical and first_column.bbox[0] == pytest.approx(421, abs=1)
    # pdfplumber reads the same characters (it is the probe) but interleaves the columns;
    # PyMuPDF's one-glyph lines keep the positions, so it keeps the page
    assert page.engine == "pymupdf" and page.chars == {"pymupdf": 2634, "pdfplumber": 2634}
    assert page.flags == ("vertical_text", "fonts_not_embedded")  # not 'garbled'


@pytest.mark.realpdfs
def test_real_kobe_tables(realpdfs_dir: Path) -> None:
    with open_pdf(realpdfs_dir / "kobe_h30_hoiku_shisetsu_ichiran.pdf") as doc:
        assert doc.page_count == 11 and doc.metadata["author"] == "神戸市"
        got = list(doc.pages())
    assert len(got) == 11
    full_width_digits = sum(len(re.findall("[０-９]", p.text)) for p in got)
    assert full_width_digits == 2596
    assert sum(p.text.count("○") for p in got) == 564
    assert all(p.engine == "pymupdf" and p.flags == () for p in got)
    assert [sorted(p.chars) for p in got[:2]] == [["pdfplumber", "pymupdf"], ["pymupdf"]]
    for p in got[1:10]:  # the table pages
        assert len(p.rulings) > 500
        assert sum(r.horizontal for r in p.rulings) > 400 and sum(not r.horizontal for r in p.rulings) > 60
    assert "幼保連携型認定こども園　聖ニコラス天使園" in got[1].text


def test_pages_without_path_operators_skip_the_rulings_pass():
    """`_may_draw_rules` may only say False for a page whose rulings are empty anyway."""
    import pymupdf

    from nenpo.extractors.pages import _may_draw_rules, _rulings
    from tests.conftest import SAMPLE_EDITIONS

    with pymupdf.open(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf") as doc:
        verdicts = [(_may_draw_rules(page), bool(_rulings(page))) for page in doc]
    assert all(may for may, has in verdicts if has)
    assert any(not may for may, _ in verdicts), "text-only pages (cover, sheet B pages) skip get_cdrawings"
