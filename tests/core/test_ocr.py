"""OCR of scanned pages: the scanned sample edition in each of its three layouts against
its ground truth, provenance, findings, and what happens without Tesseract.

The OCR'd part is kept to the KPI pages of FY2020 in each layout (8 to 10 pages per
layout, recognised once for the module, in parallel processes as an extraction does). In
CI (``CI`` set) a missing Tesseract fails these tests instead of skipping them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb
import pytest

from nenpo.extractors import ocr
from nenpo.extractors.families.kawasaki_sme.report import NeedsOcrError, extract_report
from nenpo.extractors.mupdf import pymupdf
from nenpo.extractors.ocr import extraction_mode, fix_reading
from nenpo.extractors.pages import TextLine, open_pdf
from nenpo.extractors.vertical import fold_vertical_forms, vertical_reading_order
from nenpo.pipeline.ingest import ingest
from nenpo.samples.scanned import scan_pdf
from nenpo.samples.score import score_kpis
from tests.conftest import SAMPLE_EDITIONS

EDITION = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
TRUTH = json.loads((SAMPLE_EDITIONS / "kawasaki-sme-fy2020.truth.json").read_text(encoding="utf-8"))
KPI_PAGES = sorted({k["page"] for k in TRUTH["kpi_values"]})
LAYOUTS = {  # layout: FY2020 in it (the README's "Three layouts of each edition")
    "a": EDITION,
    "b": SAMPLE_EDITIONS.parent / "editions-text-order" / "kawasaki-sme-fy2020.text-order.pdf",
    "c": SAMPLE_EDITIONS.parent / "editions-mincho" / "kawasaki-sme-fy2020.mincho.pdf",
}


def require_tesseract() -> None:
    ocr.available.cache_clear()
    reason = ocr.available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the OCR tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def scanned_kpi_pages(tmp_path_factory) -> Path:
    """FY2020 with its KPI pages scanned (200 dpi, turned, noised, no text layer)."""
    return scan_pdf(EDITION, tmp_path_factory.mktemp("scan") / "fy2020-kpi-scanned.pdf", KPI_PAGES)


@pytest.fixture(scope="module")
def recognised(scanned_kpi_pages):
    require_tesseract()
    return extract_report(scanned_kpi_pages)


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def recognised_layout(request, tmp_path_factory):
    """(truth, extraction) of FY2020 in one layout with its KPI pages scanned; layout (a)
    is the `recognised` extraction."""
    if request.param == "a":
        return TRUTH, request.getfixturevalue("recognised")
    require_tesseract()
    edition = LAYOUTS[request.param]
    truth = json.loads(edition.with_name(edition.stem + ".truth.json").read_text(encoding="utf-8"))
    pages = sorted({k["page"] for k in truth["kpi_values"]})
    scan = scan_pdf(edition, tmp_path_factory.mktemp("scan") / f"{edition.stem}-kpi-scanned.pdf", pages)
    return truth, extract_report(scan)


OTHER_SEED = 3  # another scan of the same pages: each page turned and noised differently


@pytest.fixture(scope="module", params=sorted(LAYOUTS))
def recognised_other_seed(request, tmp_path_factory):
    """(truth, extraction, pages) of FY2020 in one layout with every second KPI page scanned
    by another seed (the others keep their text layer): what the target asks holds for a
    scan, not for one set of turned pages."""
    require_tesseract()
    edition = LAYOUTS[request.param]
    truth = json.loads(edition.with_name(edition.stem + ".truth.json").read_text(encoding="utf-8"))
    pages = sorted({k["page"] for k in truth["kpi_values"]})[::2]
    scan = scan_pdf(edition, tmp_path_factory.mktemp("scan") / f"{edition.stem}-seed.pdf", pages, seed=OTHER_SEED)
    return truth, extract_report(scan), pages


@pytest.fixture
def without_tesseract(monkeypatch, tmp_path):
    """A PATH without tesseract on it (Python is called by its full path)."""
    monkeypatch.setenv("PATH", str(tmp_path))
    ocr.available.cache_clear()
    yield
    ocr.available.cache_clear()


# --- the scanned copy ---------------------------------------------------------------------


def test_scanned_pages_have_no_text_and_the_others_keep_theirs(scanned_kpi_pages):
    with open_pdf(scanned_kpi_pages, ocr="never") as doc:
        pages = list(doc.pages(rulings=False))
    scanned = [p.number for p in pages if "needs_ocr" in p.flags]
    assert scanned == KPI_PAGES
    assert all(p.lines == [] and p.images == 1 for p in pages if p.number in KPI_PAGES)
    assert all(p.engine == "pymupdf" and p.lines for p in pages if p.number not in KPI_PAGES)
    with pymupdf.open(scanned_kpi_pages) as doc:
        assert doc[KPI_PAGES[0] - 1].get_text() == "" and doc[KPI_PAGES[0] - 1].get_fonts() == []


# --- reading the scans --------------------------------------------------------------------


def test_kpi_values_of_scanned_pages_match_the_ground_truth(recognised_layout):
    truth, recognised = recognised_layout
    score = score_kpis(truth, recognised)
    assert score.expected == 82
    # the KPI pages were recognised (and the mincho layout's cover, an image without text)
    assert {k["page"] for k in truth["kpi_values"]} <= {p.page for p in recognised.pages if p.engine == "ocr"}
    assert score.recall >= 0.95, score
    assert score.precision >= 0.98, score


def test_kpi_values_of_pages_scanned_another_way_match_the_ground_truth(recognised_other_seed):
    """Scored on the scanned pages only (the others are read from their text layer)."""
    truth, recognised, pages = recognised_other_seed
    on_scans = {**truth, "kpi_values": [k for k in truth["kpi_values"] if k["page"] in pages]}
    read = recognised.model_copy(update={"kpi_values": tuple(k for k in recognised.kpi_values if k.page in pages)})
    score = score_kpis(on_scans, read)
    assert score.expected >= 30 and {p.page for p in recognised.pages if p.engine == "ocr"} >= set(pages)
    assert score.recall >= 0.95, score
    assert score.precision >= 0.98, score


def test_values_ocr_could_not_read_are_findings_in_every_layout(recognised_layout):
    """A recognised KPI value that is blank or does not parse is never silent."""
    _, recognised = recognised_layout
    warned = {(w.page, w.indicator) for w in recognised.warnings if w.code.startswith("ocr_value_")}
    silent = [
        k
        for k in recognised.kpi_values
        if k.status in ("not_numeric", "not_reported") and (k.page, k.indicator) not in warned
    ]
    assert silent == []


def test_recognised_pages_say_so_and_keep_their_confidence(recognised):
    by_page = {p.page: p for p in recognised.pages}
    for number in KPI_PAGES:
        page = by_page[number]
        assert page.engine == "ocr" and "ocr" in page.flags and "needs_ocr" not in page.flags
        assert page.text_source == "ocr" and 0.0 < page.conf <= 1.0 and page.chars["ocr"] > 100
    assert all(p.engine == "pymupdf" and p.conf is None for p in recognised.pages if p.page not in KPI_PAGES)


def test_every_record_from_a_recognised_page_is_marked(recognised):
    assert {k.text_source for k in recognised.kpi_values} == {"ocr"}  # every KPI table was scanned
    printed = [c for c in recognised.table_cells if c.page not in KPI_PAGES]
    assert printed and {c.text_source for c in printed} == {"text_layer"}
    assert {c.text_source for c in recognised.table_cells if c.page in KPI_PAGES} == {"ocr"}
    assert {i.text_source for i in recognised.pdca_items if i.page in KPI_PAGES} <= {"ocr"}


def _first_page(source: Path, target: Path, number: int) -> Path:
    with pymupdf.open(source) as src, pymupdf.open() as out:
        out.insert_pdf(src, from_page=number - 1, to_page=number - 1)
        out.save(target)
    return target


def test_page_lines_carry_tesseract_confidence(tmp_path):
    require_tesseract()
    one = scan_pdf(_first_page(EDITION, tmp_path / "p.pdf", KPI_PAGES[0]), tmp_path / "p-scanned.pdf")
    with open_pdf(one) as doc:
        page = doc.page(1)
        rulings = doc.rulings(1)
    assert page.engine == "ocr" and page.lines
    assert all(line.conf is not None and 0.0 <= line.conf <= 1.0 for line in page.lines)
    # the KPI tables are ruled: rules found on the image come back as rulings
    assert sum(r.horizontal for r in rulings) >= 6 and sum(not r.horizontal for r in rulings) >= 6
    # typed from the page: the first table's year header and target row
    texts = [line.text.replace(" ", "") for line in page.lines]
    assert "R1(2019)年度" in texts and "目標(件)" in texts and "90" in texts and "95" in texts


# --- without OCR --------------------------------------------------------------------------


def test_auto_without_tesseract_reads_as_before_and_says_ocr_is_unavailable(scanned_kpi_pages, without_tesseract):
    x = extract_report(scanned_kpi_pages, ocr="auto")
    assert x.kpi_values == ()  # the KPI tables were on the scanned pages
    assert all("needs_ocr" in p.flags and p.engine == "none" for p in x.pages if p.page in KPI_PAGES)
    unavailable = [w for w in x.warnings if w.code == "ocr_unavailable"]
    assert len(unavailable) == 1 and "tesseract is not installed" in unavailable[0].message
    assert str(KPI_PAGES[0]) in unavailable[0].message


def test_a_scan_without_tesseract_is_refused_naming_the_reason(tmp_path, without_tesseract):
    scan = scan_pdf(_first_page(EDITION, tmp_path / "cover.pdf", 1), tmp_path / "cover-scanned.pdf")
    with pytest.raises(NeedsOcrError) as err:
        extract_report(scan)
    assert "cover-scanned.pdf" in str(err.value) and "tesseract is not installed" in str(err.value)


def test_ocr_never_keeps_scanned_pages_unread_and_ingest_records_why(scanned_kpi_pages, tmp_path):
    db = tmp_path / "nenpo.duckdb"
    summary = ingest([scanned_kpi_pages], db, ocr="never")
    ((loaded, _),) = summary.loaded
    assert loaded.kpi_values == 0
    with duckdb.connect(str(db), read_only=True) as con:
        engines = {
            e
            for (e,) in con.execute(
                f"SELECT DISTINCT engine FROM report_pages WHERE page IN ({', '.join(map(str, KPI_PAGES))})"
            ).fetchall()
        }
        warnings = con.execute("SELECT code, message FROM extraction_warnings").fetchall()
    assert engines == {"none"}
    assert any(code == "ocr_unavailable" and "--ocr never" in message for code, message in warnings)


def test_extraction_cache_keeps_ocr_modes_apart():
    modes = {extraction_mode("auto", "never"), extraction_mode("auto", "always"), extraction_mode("auto", "auto")}
    assert extraction_mode("auto", "never") == "auto.no-ocr"
    assert len(modes) == 3 or ocr.available() is not None  # without Tesseract, auto is no-ocr too
    with pytest.raises(ValueError):
        extraction_mode("auto", "sometimes")


# --- reading rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "read, fixed",
    [
        # lines Tesseract returned for the scanned sample pages, and what was printed
        ("1.500", "1,500"),
        ("1.930,000", "1,930,000"),
        ("1,400.000", "1,400,000"),
        ("15,.600,000", "15,600,000"),
        ("A21.2", "△21.2"),
        ("A1.5", "△1.5"),
        ("_ 120", "120"),
        ("-〇観光客入込数", "〇観光客入込数"),
        ("目標(%0", "目標(%)"),
        ("実績(件", "実績(件)"),
        ("R] (2019)年度", "R1 (2019)年度"),
        ("-R]1 (2019)年度", "R1 (2019)年度"),
        ("H3O (2018)年度", "H30 (2018)年度"),
        ("O〇ウェルフェアイノベーションフォーラム全体会の開催", "〇ウェルフェアイノベーションフォーラム全体会の開催"),
        ("目標%)", "目標(%)"),  # layout (c), FY2020 (seed 3), page 16
        ("中止.", "中止"),  # layout (c), FY2020 (every second KPI page, seed 3), page 19
        ("_58.4", "58.4"),  # layout (a), FY2020 (seed 3), page 25
        ("目標(%)0", "目標(%)"),  # layout (b), FY2019 (seed 2020), page 9: the bracket found again as a 0
        ("中止 「", "中止"),  # a speck beside the word (layout (c), FY2021, seed 2020, page 19)
        ("1,500 (", "1,500"),
        # left alone
        ("△21.2", "△21.2"),
        ("5.0", "5.0"),
        ("0.125", "0.125"),
        ("A4判", "A4判"),
        ("R1 (2019)年度", "R1 (2019)年度"),
        ("H30 (2018) 年度", "H30 (2018) 年度"),
        ("実績(件)", "実績(件)"),
        ("目標(人) 1,930,000", "目標(人) 1,930,000"),
        ("R元(2019)年度", "R元(2019)年度"),
        ("R3 (2019)年度", "R3 (2019)年度"),  # an era year that reads as one is kept, even wrong
        ("59 (新規38件・変更21件)", "59 (新規38件・変更21件)"),
        ("〇OBuyかわさきフェスティバルの来場者数", "〇OBuyかわさきフェスティバルの来場者数"),
        ("Office 〇", "Office 〇"),
        ("中止「", "中止「"),
        ("5.0", "5.0"),
        ("Co., Ltd.", "Co., Ltd."),  # glued to the word: not a speck beside it
        ("〇観光 【参考", "〇観光 【参考"),
    ],
)
def test_fix_reading(read, fixed):
    assert fix_reading(read) == fixed


def test_vertical_presentation_forms_are_folded():
    assert fold_vertical_forms("︵平成十九年︶﹁含む︒﹂︑") == "(平成十九年)「含む。」、"
    assert fold_vertical_forms("含む。）」を") == "含む。）」を"  # ordinary forms stay as printed


def _glyph(ch: str, x: float, top: float) -> TextLine:
    return TextLine(text=ch, bbox=(x, top, x + 10, top + 10), size=10, block=0, vertical=False)


def test_vertical_columns_read_right_to_left_top_to_bottom():
    # two columns of a tier (x 100 and 80) above a second tier: 上段右 上段左 / 下段
    glyphs = [_glyph(c, 80, 10 + 10 * i) for i, c in enumerate("左列")]
    glyphs += [_glyph(c, 100, 10 + 10 * i) for i, c in enumerate("右列です")]
    glyphs += [_glyph(c, 100, 80 + 10 * i) for i, c in enumerate("下段")]
    lines = vertical_reading_order(glyphs)
    assert [line.text for line in lines] == ["右列です", "左列", "下段"]
    assert all(line.vertical for line in lines)


def test_fix_vertical_reading():
    # lines jpn_vert returned for the gazette page, and what is printed there
    assert ocr.fix_vertical_reading("第六十三条の四第-項第二号") == "第六十三条の四第一項第二号"
    assert ocr.fix_vertical_reading("ーの五医療機関が") == "一の五医療機関が"
    assert ocr.fix_vertical_reading("「-・五メートル」を「- メートル」") == "「一・五メートル」を「一 メートル」"
    assert ocr.fix_vertical_reading("平成20-21年") == "平成20-21年"  # between figures: a dash


def _glyphs(pdf: Path, number: int) -> list[tuple[str, object]]:
    """Every printed character of a page with its ink on the page rendered for OCR."""
    import numpy as np

    with pymupdf.open(pdf) as doc:
        page = doc[number - 1]
        ink = np.asarray(ocr.render(page)) < ocr.DARK
        chars = [
            ch
            for block in page.get_text("rawdict")["blocks"]
            for line in block.get("lines", ())
            for span in line["spans"]
            for ch in span["chars"]
            if not ch["c"].isspace()
        ]
    scale = ocr.OCR_DPI / 72
    out = []
    for ch in chars:
        x0, top, x1, bottom = (int(v * scale) for v in ch["bbox"])
        reach = (bottom - top) // 5  # a glyph's ink may stand a little outside its em box
        box = ink[max(0, top - reach) : bottom + reach + 1, x0 : x1 + 1]
        rows, cols = np.nonzero(box.any(axis=1))[0], np.nonzero(box.any(axis=0))[0]
        if rows.size:
            out.append((ch["c"], box[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]))
    return out


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_minus_triangle_is_told_from_every_other_glyph(layout):
    """Tesseract's jpn model cannot read △; the image can. On the page of FY2020 that prints
    △1.5 and △21.2, in each layout's type, only the two triangles are taken for one."""
    edition = LAYOUTS[layout]
    truth = json.loads(edition.with_name(edition.stem + ".truth.json").read_text(encoding="utf-8"))
    number = next(k["page"] for k in truth["kpi_values"] if k["value_text"].startswith("△"))
    glyphs = _glyphs(edition, number)
    assert len(glyphs) > 300
    assert [ch for ch, ink in glyphs if ocr.is_triangle(ink)] == ["△", "△"]


def test_two_values_read_from_one_recognised_cell_are_a_finding():
    """When the rule between a table's target and actual rows is not found on the image, both
    rows are read from one cell: the figure is right for one of them at most, and said so."""
    from nenpo.extractors.models import PageRecord
    from nenpo.extractors.ocr_findings import mark_recognised
    from tests.factories import edition

    x = edition(2019, {"起業化総合支援事業": {"開催回数": {"target": (6, 8), "actual": (6, 4)}}})
    page = x.kpi_values[0].page
    cell = (667.0, 171.0, 672.0, 193.0)
    merged = tuple(  # FY2018's two cells apart, FY2019's target and actual read from one
        k.model_copy(update={"bbox": cell, "value": 8.0, "value_text": "8"})
        if k.fiscal_year == 2019
        else k.model_copy(update={"bbox": (517.0, 171.0 + 17 * i, 522.0, 178.0 + 17 * i)})
        for i, k in enumerate(x.kpi_values)
    )
    printed = x.model_copy(
        update={
            "kpi_values": merged,
            "pages": (PageRecord(page=page, engine="pymupdf", chars={}, quality=1.0),),
        }
    )
    assert [w for w in mark_recognised(printed, None).warnings if w.code == "ocr_cell_shared"] == []
    scanned = printed.model_copy(
        update={"pages": (PageRecord(page=page, engine="ocr", chars={"ocr": 200}, quality=1.0),)}
    )
    shared = [w for w in mark_recognised(scanned, None).warnings if w.code == "ocr_cell_shared"]
    assert len(shared) == 1 and "2019 target, 2019 actual" in shared[0].message and shared[0].page == page


# --- corrections of a recognised page's lines, fed lines Tesseract returned for the scans ---


def _ocr_line(text, bbox, words=(), size=8.2, conf=0.93):
    return ocr.OcrLine(text, bbox, size, conf, False, tuple(words) or ((text, bbox),))


def test_unruled_cells_read_as_one_line_are_cut_where_their_columns_start():
    """Layout (c), FY2021 (seed 2020), page 14: an unruled row of two cells, one line to
    Tesseract; the header and the row above start where the second cell does."""
    header = [
        _ocr_line("R2 (2020)年度", (179, 219, 253, 232)),
        _ocr_line("R3 (2021)年度", (309, 219, 383, 232)),
    ]
    above = [_ocr_line("100", (180, 239, 196, 246)), _ocr_line("100", (310, 239, 326, 246))]
    words = [
        ("59", (180, 257, 190, 264)), ("(新規", (197, 256, 246, 268)), ("38", (224, 255, 235, 269)),
        ("件", (234, 255, 243, 269)), ("・", (243, 255, 253, 269)), ("変", (251, 256, 293, 265)),
        ("更", (265, 255, 274, 269)), ("21", (274, 256, 286, 265)), ("件", (286, 255, 294, 269)),
        (")", (294, 255, 300, 269)), ("64", (310, 257, 320, 264)), ("(新規", (327, 256, 354, 264)),
        ("40", (354, 255, 364, 269)), ("件", (366, 256, 370, 264)), ("・", (374, 259, 376, 261)),
        ("変", (380, 256, 424, 264)), ("更", (396, 255, 402, 269)), ("24", (402, 256, 413, 264)),
        ("件", (413, 255, 420, 269)), (")", (420, 255, 424, 269)),
    ]  # fmt: skip
    row = _ocr_line("59 (新規38件・変更21件) 64 (新規40件・変更24件)", (180, 255, 424, 269), words)
    cut = ocr._column_cuts([*header, *above, row])
    assert [l.text for l in cut[4:]] == ["59 (新規38件・変更21件)", "64 (新規40件・変更24件)"]
    assert cut[4].bbox == (180, 255, 300, 269) and cut[5].bbox == (310, 255, 424, 269)
    # alone, with no column around it, the row stays one line
    assert ocr._column_cuts([row]) == [row]


def test_prose_is_not_cut_where_a_table_column_starts():
    """Layout (b), FY2020 (seed 1), page 9: ``45件`` ends a sentence over the KPI table
    whose year column starts at x 162, where the ``5`` stands; a sentence is no cell."""
    words = [
        ("①", (48, 351, 57, 359)), ("専", (60, 351, 66, 359)), ("門", (70, 351, 74, 359)),
        ("家", (78, 351, 89, 359)), ("派遣", (93, 351, 110, 359)), ("に", (112, 351, 117, 359)),
        ("よる", (117, 349, 128, 361)), ("支援", (130, 349, 153, 361)), ("4", (156, 351, 156, 358)),
        ("5", (162, 351, 165, 358)), ("件", (168, 351, 176, 359)),
    ]  # fmt: skip
    line = _ocr_line("①専門家派遣による支援45件", (48, 349, 176, 361), words)
    column = [
        _ocr_line("R1 (2019)年度", (162, 391, 231, 403)),
        _ocr_line("45", (161, 411, 172, 418)),
        _ocr_line("44", (161, 428, 172, 435)),
    ]
    assert ocr._column_cuts([line, *column]) == [line, *column]


def test_a_line_tesseract_put_in_two_blocks_is_joined_again():
    """Layout (b), FY2020 (seed 1), page 11: the right-hand piece of a line came last on
    the page, after the heading below it; it rejoins its line, in its place."""
    lines = [
        _ocr_line("②多言語での情報発信を強化していく。", (48.2, 660.0, 204.2, 672.2)),
        _ocr_line("③市内の魅力ある観光資源を市民に", (48.2, 672.7, 191.3, 685.0)),
        _ocr_line("新型コロナウイルス感染症への対応に関する意見", (48.7, 686.6, 245.5, 698.4)),
        _ocr_line("〇就職支援セミナー参加者の就職率", (49.0, 777.0, 192.0, 789.0)),
        _ocr_line("認識していただけるよう、マイクロツーリズムを推進していく。", (201.6, 673.2, 456.2, 684.5), size=7.4),
    ]
    joined = ocr._reattach(lines)
    assert [l.text for l in joined] == [
        "②多言語での情報発信を強化していく。",
        "③市内の魅力ある観光資源を市民に認識していただけるよう、マイクロツーリズムを推進していく。",
        "新型コロナウイルス感染症への対応に関する意見",
        "〇就職支援セミナー参加者の就職率",
    ]
    assert joined[1].bbox == (48.2, 672.7, 456.2, 685.0)
    # layout (a), FY2021 (seed 2020), page 14: the next column's label beside a taller line
    # (its box inflated by a bracket) is a line of its own
    beside = [
        _ocr_line("〇大企業等が…「川崎モデル」 を", (30.7, 61.4, 406.8, 81.4), size=7.92),
        _ocr_line("推進します。", (30.5, 79.9, 78.5, 91.4)),
        _ocr_line("〇知的財産交流会の参加者数", (429.6, 68.9, 545.5, 81.4)),
    ]
    assert ocr._reattach(beside) == beside
    # cells of a table row further apart than a cut are left to the row order
    cells = [_ocr_line("1,100", (162, 123, 186, 132)), _ocr_line("1,100", (292, 124, 316, 132))]
    assert ocr._reattach(cells[::-1]) == cells[::-1]


@pytest.mark.parametrize(
    "edition, page, misread, box, printed",
    [
        # layout (c), FY2021 (seed 2020), page 21: a figure over its sub-value, read with junk
        ("editions-mincho/kawasaki-sme-fy2021.mincho.pdf", 21, "71,400,000ババnn", (180, 341, 224, 353), "1,400,000"),
        # layout (a), FY2020 (seed 2), page 12: a lone full-width １ read as a bracket, sure of it
        ("editions/kawasaki-sme-fy2020.pdf", 12, "]", (670, 183, 672, 189), "1"),
    ],
)
def test_a_misread_figure_is_voted_right(tmp_path, edition, page, misread, box, printed):
    """Lines Tesseract returned for scanned sample pages, read again from their box: both
    voters (``jpn``, and ``eng`` limited to digits) read the printed figure."""
    require_tesseract()
    one = scan_pdf(_first_page(SAMPLE_EDITIONS.parent / edition, tmp_path / "p.pdf", page), tmp_path / "scan.pdf")
    with pymupdf.open(one) as doc:
        rendered = ocr.render(doc[0])
    # the part of the page around the line (levelled and cleaned as the page would be)
    scale, x, y = ocr.OCR_DPI / 72, max(0, box[0] - 120), max(0, box[1] - 60)
    image, _, _ = ocr.prepare(
        rendered.crop((int(x * scale), int(y * scale), int((x + 300) * scale), int((y + 120) * scale)))
    )
    moved = (box[0] - x, box[1] - y, box[2] - x, box[3] - y)
    line = _ocr_line(misread, moved, size=box[3] - box[1], conf=0.85 if len(misread) == 1 else 0.5327)
    (voted,) = ocr._vote_figures(image, [line], ocr.OCR_DPI)
    assert voted.text == printed and voted.bbox == line.bbox


TEXT_ORDER_FY2020 = LAYOUTS["b"]


def _rendered(pdf: Path, number: int):
    with pymupdf.open(pdf) as doc:
        return ocr.render(doc[number - 1])


def test_a_rule_broken_by_the_scan_is_found_whole_and_painted_out():
    """Layout (b), FY2020, page 8: the scan broke the vertical rule between the year columns
    9 points above the table's foot, and the piece left was read as the ``1`` of ``159``
    (for ``59``). The page, with that break made in its rule, still gives the whole rule."""
    import numpy as np
    from PIL import Image

    scale = ocr.OCR_DPI / 72
    pixels = np.asarray(_rendered(TEXT_ORDER_FY2020, 8)).copy()
    x, top, bottom = (round(v * scale) for v in (288.0, 577.0, 629.0))
    rule_columns = [c for c in range(x - 6, x + 7) if (pixels[top + 10 : bottom - 10, c] < ocr.DARK).all()]
    assert rule_columns, "the rule between the year columns is on the page"
    broken = round(620.0 * scale)
    pixels[broken : broken + 4, min(rule_columns) : max(rule_columns) + 1] = 255
    horizontal, vertical, cleaned = ocr._rules(Image.fromarray(pixels), ocr.OCR_DPI)
    at_x = [v for v in vertical if v[0] <= max(rule_columns) and v[2] >= min(rule_columns)]
    assert at_x and max(v[3] for v in at_x) >= bottom - 2  # reaches the foot past the break
    assert not (np.asarray(cleaned)[broken + 5 : bottom - 2, x - 6 : x + 7] < ocr.DARK).any()


def test_a_line_is_cut_only_where_the_gap_between_words_is_blank():
    """Layout (b), FY2020 (seed 2), page 8: Tesseract boxed ``支援`` over ``援`` alone, so the
    sentence seemed to have a gap wider than a cell's after ``を``; the image shows glyphs
    there, and the sentence stays one line."""
    import numpy as np

    scale = ocr.OCR_DPI / 72
    ink = np.asarray(_rendered(TEXT_ORDER_FY2020, 8)) < ocr.DARK
    words = [
        ("〇", (49, 565, 57, 572)), ("経営", (58, 563, 78, 575)), ("革新", (78, 564, 97, 573)),
        ("計画", (97, 565, 116, 573)), ("の", (116, 563, 123, 575)), ("策定", (123, 563, 142, 575)),
        ("を", (142, 565, 146, 572)), ("支援", (168, 565, 177, 572)), ("し", (174, 563, 177, 575)),
        ("、", (177, 563, 186, 575)), ("承", (186, 565, 199, 573)), ("認", (202, 565, 209, 572)),
        ("に", (211, 566, 217, 572)), ("つなげ", (217, 564, 249, 573)), ("た", (236, 563, 243, 575)),
        ("。", (243, 563, 249, 575)),
    ]  # fmt: skip
    tesseract = [
        {"text": t, "conf": 0.93, "key": (1, 1, 1), "box": tuple(round(v * scale) for v in box)} for t, box in words
    ]
    (line,) = ocr._lines(tesseract, ocr.OCR_DPI, ink)
    assert line.text.replace(" ", "") == "〇経営革新計画の策定を支援し、承認につなげた。"
    # a row's cells, with blank paper between them, are still cut apart
    cells = [("目標(件)", (53, 597, 91, 609)), ("100", (162, 599, 178, 606)), ("100", (292, 599, 308, 606))]
    row = [{"text": t, "conf": 0.93, "key": (2, 1, 1), "box": tuple(round(v * scale) for v in b)} for t, b in cells]
    assert [l.text for l in ocr._lines(row, ocr.OCR_DPI, ink)] == ["目標(件)", "100", "100"]


def test_a_figure_box_stretched_over_a_speck_is_cut_to_its_glyphs():
    """Layout (c), FY2020 (seed 2), page 25: Tesseract boxed ``110`` from x 165 over a speck,
    left of its column (which starts at 180), so the target fell out of the table. The
    page with a speck where the scan had one gives the figure its glyphs' box again."""
    import numpy as np
    from PIL import Image

    scale = ocr.OCR_DPI / 72
    mincho = LAYOUTS["c"]
    pixels = np.asarray(_rendered(mincho, 25)).copy()
    x, y = round(165.5 * scale), round(236.0 * scale)
    pixels[y : y + 5, x : x + 5] = 0
    read = _ocr_line("110", (165, 235, 196, 246))
    (trimmed,) = ocr._trimmed_to_glyphs(Image.fromarray(pixels), [read], ocr.OCR_DPI)
    assert trimmed.text == "110" and trimmed.bbox == pytest.approx((180, 235, 196, 246), abs=1.0)
    prose = _ocr_line("〇海外展示会・商談会での商談件数", (57, 202, 208, 215))
    assert ocr._trimmed_to_glyphs(Image.fromarray(pixels), [prose], ocr.OCR_DPI) == [prose]


def test_a_digit_tesseract_made_of_a_speck_is_dropped():
    """Layout (b), FY2020 (seed 3), page 10: a ``1`` boxed one point high beside the cell
    ``50`` (confidence 0.16) joined the cell as ``50\\n1``; a printed digit is never that
    small. A small mark that is no digit (``－``, a figure not reported) stays."""
    cell = _ocr_line("50", (293, 135, 307, 145), conf=0.88)
    speck = _ocr_line("1", (365, 137, 365, 138), conf=0.16)
    dash = _ocr_line("－", (300, 140, 306, 141), conf=0.3)
    sure = _ocr_line("1", (180, 341, 183, 348), conf=0.92)
    assert ocr._not_specks([cell, speck, dash, sure]) == [cell, dash, sure]


def _fully_scanned_page(source: Path, number: int, tmp_path: Path):
    """Page `number` of `source` as the fully scanned copy of seed 2020 turns and noises it,
    prepared. The seed draws page after page (an angle and a noise seed each, as
    ``scan_page`` does), so the draws of the pages before it are made first."""
    import random

    from nenpo.samples.scanned import MAX_ANGLE, scan_page

    rng = random.Random(2020)
    for _ in range(number - 1):
        rng.uniform(-MAX_ANGLE, MAX_ANGLE)
        rng.getrandbits(32)
    with pymupdf.open(source) as src, pymupdf.open() as out:
        page = src[number - 1]
        new = out.new_page(width=page.rect.width, height=page.rect.height)
        new.insert_image(new.rect, stream=scan_page(page, rng))
        out.save(tmp_path / "scan.pdf")
    image, rulings, _ = ocr.prepare(_rendered(tmp_path / "scan.pdf", 1))
    return image, rulings


def test_a_lone_glyph_in_a_table_of_figures_is_voted_on(tmp_path):
    """Layout (c), FY2020 fully scanned (seed 2020), page 8: the 2020 target ``5`` read as
    ``り`` (sure of it, 0.90); a figure stands on its row and in its column, so both voters
    read it alone, and agree on ``5``."""
    require_tesseract()
    image, _ = _fully_scanned_page(LAYOUTS["c"], 8, tmp_path)
    lines = [
        _ocr_line("7", (310, 444, 314, 451), conf=0.96),
        _ocr_line("5", (180, 514, 184, 521), conf=0.96),
        _ocr_line("り", (309.6, 514.3, 314.2, 521.5), size=7.2, conf=0.9),
        _ocr_line("10", (310, 532, 320, 540)),
    ]
    assert ocr.lone_among_figures(lines[2], lines)
    assert not ocr.lone_among_figures(lines[2], lines[1:3])  # no figure in its column
    assert not ocr.lone_among_figures(lines[2], [lines[0], lines[2]])  # none on its row
    voted = ocr._vote_figures(image, lines, ocr.OCR_DPI)
    assert [l.text for l in voted] == ["7", "5", "5", "10"] and voted[2].bbox == lines[2].bbox


def test_a_closing_bracket_no_figure_opened_is_a_speck(tmp_path):
    """Layout (a), FY2020 fully scanned (seed 2020), page 20: the 2020 actual ``０`` read
    as ``0)`` (0.68); the digits-only voter reads the speck beside it as a bracket too,
    ``jpn`` reads ``0``: without the unmatched bracket they agree."""
    require_tesseract()
    assert ocr._unmatched_close("0)") == "0" and ocr._unmatched_close("(220,000)") == "(220,000)"
    image, _ = _fully_scanned_page(LAYOUTS["a"], 20, tmp_path)
    line = _ocr_line("0)", (668.4, 117.1, 673.2, 123.6), size=6.5, conf=0.68)
    (voted,) = ocr._vote_figures(image, [line], ocr.OCR_DPI)
    assert voted.text == "0" and voted.bbox == line.bbox


def _ink_box(image, near: tuple[float, float, float, float]) -> tuple[float, float, float, float]:
    """The box (points) of the ink within 4 points of `near` on a prepared page."""
    import numpy as np

    scale = ocr.OCR_DPI / 72
    x0, top = int((near[0] - 4) * scale), int((near[1] - 4) * scale)
    ink = np.asarray(image)[top : int((near[3] + 4) * scale), x0 : int((near[2] + 4) * scale)] < ocr.DARK
    rows, cols = np.nonzero(ink.any(axis=1))[0], np.nonzero(ink.any(axis=0))[0]
    return (
        (x0 + cols[0]) / scale,
        (top + rows[0]) / scale,
        (x0 + cols[-1] + 1) / scale,
        (top + rows[-1] + 1) / scale,
    )


def test_a_lone_figure_in_a_ruled_cell_is_read_when_both_voters_agree(tmp_path):
    """Layout (a), FY2020 fully scanned (seed 2020), page 10: a lone ``5`` in each year's
    cell of the last KPI table (printed at x 517 and 667, y 251 to 259), the ink Tesseract's
    layout analysis dropped. In a cell of the ruled grid, read alone by both voters, it is
    ``5``; the same ink outside a grid is left alone."""
    require_tesseract()
    image, rulings = _fully_scanned_page(LAYOUTS["a"], 10, tmp_path)
    spots = [
        ocr.OcrLine("", box, box[3] - box[1], 0.0, False, ())
        for box in (_ink_box(image, (516.9, 250.8, 522.3, 259.3)), _ink_box(image, (666.9, 250.8, 672.3, 259.3)))
    ]
    assert all(ocr.in_ruled_cell(s.bbox, rulings) for s in spots)
    read = ocr._cell_figures(image, spots, rulings, ocr.OCR_DPI)
    assert [(l.text, l.bbox) for l in read] == [("5", s.bbox) for s in spots]
    assert ocr._cell_figures(image, spots, (), ocr.OCR_DPI) == []  # no grid: no cell
    heading = _ink_box(image, (30.0, 224.2, 110.0, 234.2))  # 令和２年度の実績, beside the tables
    assert not ocr.in_ruled_cell(heading, rulings)


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_the_bullet_ring_is_told_from_every_other_glyph(layout):
    """The circle that starts an item or a KPI label (〇, ○), on a KPI page of FY2020 in each
    layout's type, is a ring; circled figures (①), 口, の and the rest are not. The one other
    round glyph, a Latin ``o``, is shorter than a kanji by more than ``RING_MIN_HEIGHT``
    allows at a line's start."""
    glyphs = _glyphs(LAYOUTS[layout], 10)
    circles = [ink for ch, ink in glyphs if ch in "〇○"]
    assert len(circles) >= 7 and all(ocr.is_ring(ink) for ink in circles)
    kanji = sorted(ink.shape[0] for ch, ink in glyphs if "一" <= ch <= "鿿")
    others = [(ch, ink) for ch, ink in glyphs if ch not in "〇○" and ocr.is_ring(ink)]
    assert all(ch == "o" and ink.shape[0] < ocr.RING_MIN_HEIGHT * kanji[len(kanji) // 2] for ch, ink in others)
    assert len(glyphs) - len(circles) - len(others) > 300


def test_a_bullet_misread_beside_a_speck_is_given_back(tmp_path):
    """Layout (b), FY2020 fully scanned (seed 2020), page 7: copier grain left of the circle
    of the KPI label ``〇ウェルフェアイノベーションフォーラム全体会の開催回`` (``数`` on the next
    line) made Tesseract read ``- つウェ ルフェアイ ノ ベーション…``, no label. The first
    glyph is a ring, and what follows it, read again alone, agrees: the label is given back.
    The items of the Check box on the same page (``①…``, circled figures) are left alone."""
    require_tesseract()
    image, _ = _fully_scanned_page(LAYOUTS["b"], 7, tmp_path)
    misread = _ocr_line(
        "- つウェ ルフェアイ ノ ベーションフォーラム全体会の開催回",
        (42.24, 405.84, 281.52, 417.84),
        size=6.48,
        conf=0.92,
    )
    item = _ocr_line(
        "①ソーシャルビジネス分野での起業を目指す方のための連続セミナーや相談会等を実施していく。",
        (48.2, 114.0, 438.0, 126.0),
        size=8.0,
    )
    fixed, kept = ocr._ring_bullets(image, [misread, item], ocr.OCR_DPI)
    assert fixed.text == "〇ウェルフェアイノベーションフォーラム全体会の開催回"
    assert 48 < fixed.bbox[0] < 50 and fixed.bbox[2] == misread.bbox[2]  # the speck left out of the box
    assert kept == item


def test_a_negative_figure_is_voted_with_the_sign_only_jpn_reads(tmp_path):
    """Layout (c), FY2020 fully scanned (seed 2020), page 25: the 2020 actual ``△21.2`` read
    as ``人A2T.2`` (0.38). ``jpn`` reads its box as ``A21.2`` (``△21.2``, see ``FIXES``),
    ``eng``, which has no △, as ``21.2``: they agree on the figure, and the sign is kept."""
    require_tesseract()
    image, _ = _fully_scanned_page(LAYOUTS["c"], 25, tmp_path)
    line = _ocr_line(
        "人A2T.2",
        (309.12, 329.04, 337.68, 340.8),
        words=(("人", (309.12, 329.04, 313.2, 340.8)),),
        size=11.76,
        conf=0.38,
    )
    (voted,) = ocr._vote_figures(image, [line], ocr.OCR_DPI)
    assert voted.text == "△21.2" and voted.bbox == line.bbox
    words = [{"text": "21.2", "conf": 0.5}]
    assert ocr._agreed(line, [{"text": "A21.2", "conf": 0.7}], words).text == "△21.2"
    assert ocr._agreed(line, [{"text": "A21.3", "conf": 0.7}], words) is None
