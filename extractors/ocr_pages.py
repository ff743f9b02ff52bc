"""Which pages of a document are recognised, and how a recognised page looks to the readers.

``OcrPages`` belongs to one open document. The first time a page is asked for it picks
the pages that need OCR and recognises them all at once, in parallel (``ocr.ocr_images``):

========= =====================================================================
mode      pages recognised
========= =====================================================================
never     none
auto      pages without a text layer whose images cover >= ``OCR_IMAGE_COVER``
          of the page (what the page layer flags ``needs_ocr``), and, one at a
          time as they are read, pages whose text layer is garbled beyond
          repair (flag ``garbled``, quality < ``GARBLED_BELOW``, at least
          ``GARBLED_CHARS`` characters: tables of figures that merely score as
          garbled, quality 0.6-0.9 in the real budget books, are left alone)
always    every page
========= =====================================================================

When Tesseract is missing, nothing is recognised and ``unavailable`` says why; the
pages keep their ``needs_ocr`` flag, as without OCR.

A recognised page (``ocr_text_page``) replaces its lines with Tesseract's (each with its
confidence), its engine with ``ocr`` and its rulings with the rules found on the image;
its flags lose ``needs_ocr``/``empty`` and gain ``ocr``, and ``ocr_low_confidence`` when
the page's mean confidence is below ``LOW_CONFIDENCE``. A page on which Tesseract finds
nothing keeps its flags (``chars['ocr']`` is 0). A garbled text layer is replaced
only when the recognised text rates better (``_better``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nenpo.extractors import ocr

if TYPE_CHECKING:
    from PIL import Image

__all__ = ["LOW_CONFIDENCE", "OcrPages", "ocr_chars", "ocr_text_page"]

OCR_IMAGE_COVER = 0.50  # as pages.OCR_IMAGE_COVER: an image this large is a scanned page
LOW_CONFIDENCE = 0.70  # mean confidence below which a recognised page is flagged
GARBLED_BELOW = 0.50  # quality under which a garbled text layer is beyond repair
GARBLED_CHARS = 20  # ... when it has at least this many characters (a page, not a stray label)


class OcrPages:
    def __init__(self, doc: Any, mode: str = "auto", workers: int | None = None):
        self.doc = doc
        self.mode = mode
        self.workers = workers
        self.results: dict[int, ocr.OcrPage] = {}
        self.unavailable: str | None = None
        self._started = False

    def _needs_ocr(self, number: int) -> bool:
        page = self.doc[number - 1]
        if not page.get_images() or page.get_text().strip():  # images first: no interpretation
            return False
        area = abs(page.rect) or 1.0
        return any(abs(page.rect & info["bbox"]) / area >= OCR_IMAGE_COVER for info in page.get_image_info())

    def _render(self, number: int) -> Image.Image:
        return ocr.render(self.doc[number - 1])

    def _recognise(self, numbers: list[int]) -> None:
        if not numbers:
            return
        reason = ocr.available()
        if reason is not None:
            self.unavailable = reason
            return
        self.results.update(ocr.ocr_images(numbers, self._render, self.workers))

    def read(self, number: int, flags: tuple[str, ...] = (), quality: float = 1.0, real: int = 0) -> ocr.OcrPage | None:
        """The recognised page `number`, or None when it is read from its text layer.
        `flags`, `quality` and `real` (characters) describe the page's text layer."""
        if self.mode == "never":
            return None
        if not self._started:
            self._started = True
            pages = range(1, self.doc.page_count + 1)
            self._recognise([n for n in pages if self.mode == "always" or self._needs_ocr(n)])
        beyond_repair = "garbled" in flags and quality < GARBLED_BELOW and real >= GARBLED_CHARS
        if number not in self.results and beyond_repair and self.unavailable is None:
            self._recognise([number])
        return self.results.get(number)

    @property
    def seconds(self) -> float:
        return sum(page.seconds for page in self.results.values())


def _real(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def ocr_text_page(text_page: Any, recognised: ocr.OcrPage, quality: Callable[[str], tuple[float, bool]]) -> Any:
    """`text_page` (a `pages.PageText`) as read by OCR, or unchanged when it had a text
    layer that rates better than the recognised text."""
    from nenpo.extractors.pages import Ruling, TextLine

    lines = [
        TextLine(text=l.text, bbox=l.bbox, size=l.size, block=-1, vertical=l.vertical, conf=l.conf)
        for l in recognised.lines
    ]
    text = "\n".join(l.text for l in lines)
    score, garbled = quality(text)
    real = _real(text)
    if real == 0:  # nothing recognised: the page stays as it was, 'needs_ocr' and all
        return dataclasses.replace(text_page, chars={**text_page.chars, "ocr": 0})
    if "garbled" in text_page.flags and not _better(real, score, text_page):
        return text_page
    total = sum(len(l.text) for l in lines)
    conf = round(sum((l.conf or 0.0) * len(l.text) for l in lines) / total, 4) if total else None
    vertical = recognised.language == "jpn_vert" or sum(len(l.text) for l in lines if l.vertical) * 5 >= total > 0
    dropped = {"needs_ocr", "empty", "garbled", "vertical_text"}
    flags = tuple(f for f in text_page.flags if f not in dropped) + tuple(
        name
        for name, applies in (
            ("ocr", True),
            ("garbled", real > 0 and garbled),
            ("vertical_text", vertical),
            ("ocr_low_confidence", conf is not None and conf < LOW_CONFIDENCE),
        )
        if applies
    )
    return dataclasses.replace(
        text_page,
        lines=lines,
        rulings=[Ruling(*box) for box in recognised.rulings],
        engine="ocr",
        chars={**text_page.chars, "ocr": real},
        quality=round(1.0 - score, 4),
        flags=flags,
        conf=conf,
    )


def _better(real: int, score: float, text_page: Any) -> bool:
    """Recognised text replaces a garbled layer when it has at least as many characters
    and a better quality."""
    return real >= 0.8 * max(text_page.chars.values(), default=0) and (1.0 - score) > text_page.quality


def ocr_chars(
    recognised: ocr.OcrPage, clip: tuple[float, float, float, float] | None
) -> list[tuple[float, float, float, float, str]]:
    """Characters of a recognised page as (x0, top, x1, bottom, char): each word's box is
    shared evenly among its characters (Tesseract gives boxes per word)."""
    out = []
    for line in recognised.lines:
        for text, (x0, top, x1, bottom) in line.words:
            n = len(text)
            for i, ch in enumerate(text):
                if line.vertical:
                    box = (x0, top + (bottom - top) * i / n, x1, top + (bottom - top) * (i + 1) / n)
                else:
                    box = (x0 + (x1 - x0) * i / n, top, x0 + (x1 - x0) * (i + 1) / n, bottom)
                if clip is None or (box[0] < clip[2] and box[2] > clip[0] and box[1] < clip[3] and box[3] > clip[1]):
                    out.append((*box, ch))
    return out
