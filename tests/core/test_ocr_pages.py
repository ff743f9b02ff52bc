"""Which pages are read by OCR: scans with an empty or thin text layer are, born-digital
pages over full-page background images are not, another program's invisible OCR layer is
trusted when it is sound and re-read when it is thin or garbled; recognised text is judged
by the page layer's own text rules. The pages are built from content typed in
``tests/core/scan_pages.py``, which is the ground truth."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from nenpo.extractors import ocr
from nenpo.extractors.mupdf import pymupdf
from nenpo.extractors.ocr import OcrLine, OcrPage
from nenpo.extractors.ocr_pages import SCAN_INK, THIN_TEXT_COVER, ocr_text_page, scan_evidence
from nenpo.extractors.pages import judge_text, open_pdf
from tests.core.scan_pages import BATES, FOLIO, KINDS, MOJIBAKE, ROWS, STAMP, TITLE, build

STAMPS = (STAMP, FOLIO, BATES)
FIGURES = [cell for row in ROWS[1:] for cell in row[1:]]  # 12,480 13,215 298 301 46 52

EXPECTED_FLAGS = {  # kind: the flags the page layer gives it (fonts_not_embedded left out)
    "stamped_scan": ("needs_ocr",),
    "header_scan": ("needs_ocr",),
    "poor_invisible": ("needs_ocr", "invisible_text"),
    "garbled_invisible": ("garbled", "invisible_text"),
    "good_invisible": ("invisible_text",),
    "watermark": (),
    "form_background": (),
    "divider": (),
    "blank_scan": (),
    "letter_spaced": ("sparse_text",),
}
RECOGNISED_AT_START = ["stamped_scan", "header_scan", "poor_invisible"]


def _visible(text: str) -> int:
    return len("".join(text.split()))


def require_tesseract() -> None:
    ocr.available.cache_clear()
    reason = ocr.available()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the OCR tests: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="module")
def kinds(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("kinds") / "kinds.pdf")


@pytest.fixture(scope="module")
def layer_pages(kinds):
    """{kind: page} read from the text layer alone (``ocr='never'``)."""
    with open_pdf(kinds, ocr="never") as doc:
        return dict(zip(KINDS, doc.pages(rulings=False), strict=True))


def test_each_kind_of_page_gets_its_flags(layer_pages):
    got = {kind: tuple(f for f in page.flags if f != "fonts_not_embedded") for kind, page in layer_pages.items()}
    assert got == EXPECTED_FLAGS


def test_auto_recognises_the_scans_and_nothing_else_at_the_start(kinds):
    with open_pdf(kinds, ocr="auto") as doc:
        wanted = doc._ocr.wanted() if doc._ocr is not None else None
    assert wanted == [KINDS.index(kind) + 1 for kind in RECOGNISED_AT_START]


def test_a_thin_layer_keeps_its_characters(layer_pages):
    stamped = layer_pages["stamped_scan"]
    assert stamped.chars["pymupdf"] == sum(_visible(s) for s in STAMPS)  # 26 characters
    assert [line.text for line in stamped.lines] == [STAMP, FOLIO, BATES]


def test_a_sound_invisible_layer_is_trusted_and_read_as_printed(layer_pages):
    page = layer_pages["good_invisible"]
    assert page.engine == "pymupdf" and page.conf is None
    assert [line.text for line in page.lines] == [TITLE, *(cell for row in ROWS for cell in row)]


def test_the_evidence_that_decides(kinds):
    """A stamp's boxes cover a tiny share of the scan, which is dark outside them; a blank
    scan with a folio and a divider's tint hold no ink, so they are left to their layer."""
    with pymupdf.open(kinds) as doc:

        def evidence(kind: str):
            page = doc[KINDS.index(kind)]
            boxes = [line["bbox"] for block in page.get_text("dict")["blocks"] for line in block.get("lines", ())]
            return scan_evidence(page, boxes)

        for kind in ("stamped_scan", "header_scan", "poor_invisible"):
            found = evidence(kind)
            assert found is not None and found.image_cover > 0.99
            assert 0 < found.text_cover < THIN_TEXT_COVER and found.ink >= SCAN_INK
        for kind in ("divider", "blank_scan"):
            found = evidence(kind)
            assert found is not None and 0 < found.text_cover < THIN_TEXT_COVER and found.ink == 0.0
        for kind in ("watermark", "form_background", "good_invisible", "garbled_invisible", "letter_spaced"):
            assert evidence(kind) is None  # more text than a thin layer, or no image


# --- recognised text is judged as a text layer is ---------------------------------------------


def _recognised(texts: list[str]) -> OcrPage:
    lines = tuple(
        OcrLine(text=t, bbox=(40.0, 60.0 + 30 * i, 400.0, 74.0 + 30 * i), size=14.0, conf=0.9, vertical=False, words=())
        for i, t in enumerate(texts)
    )
    return OcrPage(lines=lines, rulings=(), skew=0.0, language="jpn", seconds=0.0)


LETTER_SPACED = ["目", "比　　較", "説　　　明", "１　市　民　税　1,234,567　△12,345", "計"] * 4


def test_a_letter_spaced_recognised_table_is_sparse_not_garbled(layer_pages):
    scan = layer_pages["stamped_scan"]
    page = ocr_text_page(scan, _recognised(LETTER_SPACED), judge_text)
    assert page.engine == "ocr" and "sparse_text" in page.flags and "garbled" not in page.flags
    assert "needs_ocr" not in page.flags and page.quality < 1.0
    # the same text in a text layer gets the same text flags
    layer = layer_pages["letter_spaced"]
    assert judge_text(layer.text)[1] == ("sparse_text",) == judge_text("\n".join(LETTER_SPACED))[1]


def test_recognised_mojibake_is_garbled(layer_pages):
    page = ocr_text_page(layer_pages["stamped_scan"], _recognised([MOJIBAKE * 4, "施設利用状況"]), judge_text)
    assert "garbled" in page.flags and "sparse_text" not in page.flags


def test_a_stamp_misread_gives_way_to_the_layer_and_is_not_doubled(layer_pages):
    """A recognised line inside the stamp's box is a reading of it: the layer's exact text
    replaces it. A recognised line that holds the folio within a longer line keeps it."""
    scan = layer_pages["stamped_scan"]
    stamp, folio, bates = scan.lines
    misread = OcrLine("受付 20.24.4.:1", stamp.bbox, 9.0, 0.68, False, ())
    row = OcrLine(
        "合計 - 12 - 件", (folio.bbox[0] - 80, folio.bbox[1], folio.bbox[2] + 40, folio.bbox[3]), 9.0, 0.9, False, ()
    )
    figures = OcrLine("12,480", (238.0, 196.0, 290.0, 212.0), 14.0, 0.9, False, ())
    page = ocr_text_page(scan, OcrPage((figures, misread, row), (), 0.0, "jpn", 0.0), judge_text)
    assert [(line.text, line.conf) for line in page.lines] == [
        (STAMP, None),
        ("12,480", 0.9),
        ("合計 - 12 - 件", 0.9),
        (BATES, None),
    ]
    assert page.conf == 0.9  # printed lines have no confidence and do not count


# --- under auto, with Tesseract -------------------------------------------------------------------


def test_letter_spaced_and_born_digital_pages_never_trigger_ocr(tmp_path):
    require_tesseract()
    quiet = ("letter_spaced", "watermark", "form_background", "divider", "blank_scan", "good_invisible")
    with open_pdf(build(tmp_path / "quiet.pdf", quiet), ocr="auto") as doc:
        pages = list(doc.pages(rulings=False))
        assert doc._ocr is not None and doc._ocr.results == {} and doc.ocr_unavailable is None
    assert all(p.engine == "pymupdf" and "ocr" not in p.flags for p in pages)


def test_auto_reads_a_stamped_scan_and_re_reads_a_garbled_invisible_layer(tmp_path):
    require_tesseract()
    with open_pdf(build(tmp_path / "read.pdf", ("stamped_scan", "garbled_invisible")), ocr="auto") as doc:
        stamped, garbled = list(doc.pages(rulings=False))
    for page in (stamped, garbled):
        assert page.engine == "ocr" and "ocr" in page.flags
        assert not {"needs_ocr", "garbled", "invisible_text"} & set(page.flags)
        read = {line.text.replace(" ", "") for line in page.lines}
        assert len(read & set(FIGURES)) >= 4, read  # the table is read, not lost (of 6 figures)
        assert {"利用者数", "開館日数"} <= read
    # the stamp, folio and Bates number are the layer's, exact, without a confidence
    assert [line.text for line in stamped.lines if line.conf is None] == [STAMP, FOLIO, BATES]
    assert stamped.chars["pymupdf"] == 26 and stamped.chars["ocr"] > 26
    assert MOJIBAKE not in garbled.text and garbled.chars["pymupdf"] == 3 * 4 * len(MOJIBAKE)


def test_the_real_scan_under_a_stamp_is_still_a_scan(realpdfs_dir, tmp_path):
    """The Osaka fee table, a real scan, with a receipt stamp and a folio written on it."""
    source = realpdfs_dir / "osaka_h29_ryoukinhyou_scanned.pdf"
    if not source.is_file():
        pytest.skip(f"{source} not present")
    stamped = tmp_path / "osaka-stamped.pdf"
    with pymupdf.open(source) as doc:
        page = doc[0]
        page.insert_text((page.rect.width - 120, 20), STAMP, fontname="japan", fontsize=9)
        page.insert_text((page.rect.width / 2, page.rect.height - 12), FOLIO, fontname="helv", fontsize=9)
        doc.save(stamped)
    with open_pdf(stamped, ocr="never") as doc:
        page = doc.page(1)
    assert "needs_ocr" in page.flags and page.chars["pymupdf"] == _visible(STAMP) + _visible(FOLIO)
