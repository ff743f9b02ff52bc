"""Pages of every kind the page layer must tell apart, built from content typed here (the
ground truth): a printed table scanned, then given what PDF tools add on top of a scan (a
receipt stamp, a folio, a Bates number, a header typed after scanning, another program's
invisible OCR layer, good, poor or garbled), and born-digital pages over full-page
background images (a watermark, a coloured form, a divider page), a blank scan with a
folio and a letter-spaced table."""

from __future__ import annotations

import random
from pathlib import Path

from nenpo.extractors.mupdf import pymupdf
from nenpo.samples.scanned import scan_page

TITLE = "令和５年度　施設利用状況"
ROWS = (
    ("区分", "令和４年度", "令和５年度"),
    ("利用者数", "12,480", "13,215"),
    ("開館日数", "298", "301"),
    ("講座回数", "46", "52"),
)
"""The table printed on the scanned page: what OCR must find on it."""
STAMP = "受付 2024.4.1"
FOLIO = "- 12 -"
BATES = "NENPO-000123"
HEADER = "令和5年度 事務事業評価シート 資料3"
MOJIBAKE = "令和５年度".encode().decode("cp1252", errors="replace")  # ä»¤å’Œï¼•å¹´åº¦
A4 = (595.0, 842.0)  # the born-digital pages
X = (70.0, 230.0, 390.0, 530.0)  # the table's column edges
Y0, ROW = 140.0, 40.0

KINDS = (
    "stamped_scan",  # a scan with a receipt stamp, a folio and a Bates number
    "header_scan",  # a scan with a header typed into the PDF after scanning
    "poor_invisible",  # a scan whose invisible OCR layer holds the title only
    "garbled_invisible",  # a scan whose invisible OCR layer is mojibake
    "good_invisible",  # a scan with another program's full invisible OCR layer
    "watermark",  # a born-digital page over a full-page watermark image
    "form_background",  # a born-digital page over a coloured form image
    "divider",  # a born-digital divider page: a title over a full-page tint
    "blank_scan",  # a scanned blank page with a folio
    "letter_spaced",  # a born-digital table letter-spaced across its cells
)


def _table(page: pymupdf.Page, *, render_mode: int = 0, ruled: bool = True) -> None:
    """TITLE and ROWS at their places; rules drawn unless `render_mode` hides the text."""
    page.insert_text((X[0], 100), TITLE, fontname="japan", fontsize=16, render_mode=render_mode)
    for r, row in enumerate(ROWS):
        top = Y0 + r * ROW
        for c, cell in enumerate(row):
            page.insert_text((X[c] + 8, top + 26), cell, fontname="japan", fontsize=14, render_mode=render_mode)
    if ruled:
        bottom = Y0 + len(ROWS) * ROW
        for r in range(len(ROWS) + 1):
            page.draw_line((X[0], Y0 + r * ROW), (X[-1], Y0 + r * ROW), width=0.8)
        for x in X:
            page.draw_line((x, Y0), (x, bottom), width=0.8)


def _scan_of(draw: object, rng: random.Random) -> bytes:
    """A JPEG of a page drawn by `draw`, as an office copier makes it."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=A4[0], height=A4[1])
        if callable(draw):
            draw(page)
        return scan_page(page, rng)


def _image_page(out: pymupdf.Document, image: bytes) -> pymupdf.Page:
    page = out.new_page(width=A4[0], height=A4[1])
    page.insert_image(page.rect, stream=image)
    return page


def _background(colour: tuple[float, float, float], draw: object = None) -> bytes:
    """A full-page PNG (72 dpi) filled with `colour`, with what `draw` adds."""
    with pymupdf.open() as doc:
        page = doc.new_page(width=A4[0], height=A4[1])
        page.draw_rect(page.rect, color=None, fill=colour)
        if callable(draw):
            draw(page)
        return page.get_pixmap(dpi=72).tobytes("png")


def _watermark(page: pymupdf.Page) -> None:
    page.insert_text((120, 500), "見本", fontname="japan", fontsize=180, color=(0.85, 0.85, 0.85))


def _form(page: pymupdf.Page) -> None:
    """A form's printed frame in dark blue, as a coloured form background carries it."""
    blue = (0.15, 0.25, 0.6)
    page.draw_rect(pymupdf.Rect(50, 60, 545, 800), color=blue, width=2)
    for y in (120, 360, 600):
        page.draw_line((50, y), (545, y), color=blue, width=1.5)


def _letter_spaced(page: pymupdf.Page) -> None:
    page.insert_text((40, 60), "目", fontname="japan", fontsize=10)
    page.insert_text((300, 60), "比　　較", fontname="japan", fontsize=10)
    page.insert_text((600, 60), "説　　　明", fontname="japan", fontsize=10)
    for row in range(8):
        y = 90 + 40 * row
        page.insert_text((40, y), "１　市　民　税", fontname="japan", fontsize=10)
        page.insert_text((200, y), "1,234,567", fontname="japan", fontsize=10)
        page.insert_text((300, y), "△12,345", fontname="japan", fontsize=10)
        page.insert_text((40, y + 20), "計", fontname="japan", fontsize=10)


def build(path: Path, kinds: tuple[str, ...] = KINDS, seed: int = 5) -> Path:
    """One PDF with a page of each of `kinds`, in that order."""
    rng = random.Random(seed)
    with pymupdf.open() as out:
        for kind in kinds:
            if kind == "stamped_scan":
                page = _image_page(out, _scan_of(_table, rng))
                page.insert_text((430, 40), STAMP, fontname="japan", fontsize=9, color=(0.8, 0, 0))
                page.insert_text((280, 815), FOLIO, fontname="helv", fontsize=9)
                page.insert_text((470, 830), BATES, fontname="helv", fontsize=7)
            elif kind == "header_scan":
                page = _image_page(out, _scan_of(_table, rng))
                page.insert_text((70, 40), HEADER, fontname="japan", fontsize=10.5)
            elif kind == "poor_invisible":
                page = _image_page(out, _scan_of(_table, rng))
                page.insert_text((X[0], 100), TITLE, fontname="japan", fontsize=16, render_mode=3)
            elif kind == "garbled_invisible":
                page = _image_page(out, _scan_of(_table, rng))
                for r in range(len(ROWS)):
                    page.insert_text(
                        (X[0] + 8, Y0 + r * ROW + 26), MOJIBAKE * 3, fontname="helv", fontsize=14, render_mode=3
                    )
            elif kind == "good_invisible":
                page = _image_page(out, _scan_of(_table, rng))
                _table(page, render_mode=3, ruled=False)
            elif kind == "watermark":
                page = out.new_page(width=A4[0], height=A4[1])
                page.insert_image(page.rect, stream=_background((1, 1, 1), _watermark))
                _table(page)
            elif kind == "form_background":
                page = out.new_page(width=A4[0], height=A4[1])
                page.insert_image(page.rect, stream=_background((0.86, 0.92, 0.98), _form))
                _table(page)
            elif kind == "divider":
                page = out.new_page(width=A4[0], height=A4[1])
                page.insert_image(page.rect, stream=_background((0.93, 0.96, 0.9)))
                page.insert_text((200, 420), "第２章　資料", fontname="japan", fontsize=24)
            elif kind == "blank_scan":
                page = _image_page(out, _scan_of(None, rng))
                page.insert_text((280, 815), FOLIO, fontname="helv", fontsize=9)
            elif kind == "letter_spaced":
                _letter_spaced(out.new_page(width=842, height=595))
            else:
                raise ValueError(kind)
        out.save(path, garbage=3, deflate=True)
    return path
