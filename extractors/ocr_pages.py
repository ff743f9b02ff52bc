"""Which pages of a document are recognised, and how a recognised page looks to the readers.

``OcrPages`` belongs to one open document. The first time a page is asked for it picks
the pages that need OCR and recognises them all at once, in parallel (``ocr.ocr_images``):

========= =====================================================================
mode      pages recognised
========= =====================================================================
never     none
auto      scans (``is_scan``, what the page layer flags ``needs_ocr``): one
          image covers >= ``OCR_IMAGE_COVER`` of the page and the text layer
          is empty, or thin (its lines' boxes cover < ``THIN_TEXT_COVER`` of
          the image: a stamp, a folio, a header typed after scanning) while
          the image is dark on >= ``SCAN_INK`` of its area outside them; and,
          one at a time as they are read, pages whose text layer is garbled
          beyond repair (flag ``garbled`` after the second engine, at least
          ``BEYOND_REPAIR`` of its code points damaged, at least
          ``GARBLED_CHARS`` characters). A letter-spaced table is
          ``sparse_text``, never ``garbled``: it is left alone.
always    every page
========= =====================================================================

A layer drawn invisibly (render mode 3: a scanner's or another program's OCR) is a text
layer like any other: trusted when sound (flag ``invisible_text``), re-read when thin or
garbled beyond repair. When Tesseract is missing, nothing is recognised and
``unavailable`` says why; the pages keep their ``needs_ocr`` flag, as without OCR.

A recognised page (``ocr_text_page``) replaces its lines with Tesseract's (each with its
confidence), its engine with ``ocr`` and its rulings with the rules found on the image;
its flags lose ``needs_ocr``/``empty``/``invisible_text`` and the layer's text flags, and
gain ``ocr``, the page layer's text flags (``pages.judge_text``) for the recognised text,
and ``ocr_low_confidence`` when the page's mean confidence is below ``LOW_CONFIDENCE``.
A thin layer's lines stay, exact and without a confidence, where no recognised line
reads them better than they print (``_with_uncovered``). A page on which Tesseract finds
nothing keeps its flags (``chars['ocr']`` is 0). A garbled text layer is replaced only
when the recognised text is sound and sure (``_better``).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple

from nenpo.extractors import ocr

if TYPE_CHECKING:
    from PIL import Image

__all__ = [
    "LOW_CONFIDENCE",
    "SCAN_INK",
    "THIN_TEXT_COVER",
    "OcrPages",
    "ScanEvidence",
    "is_scan",
    "ocr_chars",
    "ocr_text_page",
    "scan_evidence",
]

OCR_IMAGE_COVER = 0.50  # an image covering this share of a page makes it a candidate scan
THIN_TEXT_COVER = 0.01  # lines' boxes under this share of that image: a thin layer (born-digital pages
# with 44+ characters cover >= 1.43% of their page; a stamp, folio and Bates number 0.36%)
SCAN_INK = 0.0015  # ... and the image this dark outside them holds what the layer lacks (scanned
# text pages measure >= 0.29% at INK_DPI, a scanned blank page or a tint 0%)
INK_DPI = 72  # resolution the ink is measured at (a 10-point glyph is 10 px high)
LOW_CONFIDENCE = 0.70  # mean confidence below which a recognised page is flagged
BEYOND_REPAIR = 0.20  # share of damaged code points that makes a garbled layer beyond repair
GARBLED_CHARS = 20  # ... when it has at least this many characters (a page, not a stray label)

Box = tuple[float, float, float, float]


class ScanEvidence(NamedTuple):
    """What tells a scanned page from a born-digital one (``scan_evidence``)."""

    image_cover: float  # largest share of the page one image covers
    text_cover: float  # the text lines' boxes (visible or not) over that image's area
    ink: float  # share of the image dark outside those boxes; 0.0 when not measured


def scan_evidence(page: Any, boxes: list[Box]) -> ScanEvidence | None:
    """The evidence for `page` (a PyMuPDF page) whose text lines have `boxes`; None when it
    cannot be a scan: no image, or more text than a thin layer over the whole page.

    get_image_info interprets the page and rendering decodes the image, so both are done
    only for pages that may be scans; the ink only for a thin layer, where it decides."""
    if not page.get_images():  # the resources only: no interpretation
        return None
    area = abs(page.rect) or 1.0
    text = sum(abs(_page_rect(page, box)) for box in boxes)
    if text >= THIN_TEXT_COVER * area:  # thick over any image the page can hold
        return None
    best = max(
        (_page_rect(page, info["bbox"]) for info in page.get_image_info()),
        key=abs,
        default=None,
    )
    if best is None or abs(best) == 0:
        return ScanEvidence(0.0, 0.0, 0.0)
    cover = abs(best) / area
    text_cover = text / abs(best)
    ink = _ink(page, best, boxes) if 0 < text_cover < THIN_TEXT_COVER and cover >= OCR_IMAGE_COVER else 0.0
    return ScanEvidence(round(cover, 4), round(text_cover, 5), round(ink, 5))


def is_scan(evidence: ScanEvidence | None, real: int) -> bool:
    """A page to recognise: an image covers most of it and its text layer is empty (`real`
    characters) or thin while the image holds ink the layer does not account for."""
    if evidence is None or evidence.image_cover < OCR_IMAGE_COVER:
        return False
    if real == 0:
        return True
    return evidence.text_cover < THIN_TEXT_COVER and evidence.ink >= SCAN_INK


def _page_rect(page: Any, box: Any) -> Any:
    """`box` as a PyMuPDF rectangle clipped to the page."""
    from nenpo.extractors.mupdf import pymupdf

    return pymupdf.Rect(box) & page.rect


def _ink(page: Any, image: Any, boxes: list[Box]) -> float:
    """Share of the image's area, outside the text boxes, that renders dark (ocr.DARK)."""
    import numpy as np

    from nenpo.extractors.mupdf import pymupdf

    pix = page.get_pixmap(dpi=INK_DPI, clip=image, colorspace=pymupdf.csGRAY, alpha=False)
    pixels = np.frombuffer(pix.samples, dtype=np.uint8).reshape(pix.height, pix.width)
    outside = np.ones(pixels.shape, dtype=bool)
    scale = INK_DPI / 72.0
    for x0, top, x1, bottom in boxes:
        c0, r0 = int((x0 - image.x0) * scale) - 1, int((top - image.y0) * scale) - 1
        c1, r1 = int((x1 - image.x0) * scale) + 2, int((bottom - image.y0) * scale) + 2
        outside[max(r0, 0) : max(r1, 0), max(c0, 0) : max(c1, 0)] = False
    return float(np.count_nonzero((pixels < ocr.DARK) & outside)) / pixels.size


class OcrPages:
    """The recognised pages of one document. `needs_ocr(number)` says whether a page is a
    scan (the page layer's ``needs_ocr`` flag: ``is_scan`` on its evidence)."""

    def __init__(self, doc: Any, mode: str, needs_ocr: Callable[[int], bool], workers: int | None = None):
        self.doc = doc
        self.mode = mode
        self.needs_ocr = needs_ocr
        self.workers = workers
        self.results: dict[int, ocr.OcrPage] = {}
        self.unavailable: str | None = None
        self._started = False

    def wanted(self) -> list[int]:
        """The pages recognised together when the first page is read."""
        if self.mode == "never":
            return []
        pages = range(1, self.doc.page_count + 1)
        return [n for n in pages if self.mode == "always" or self.needs_ocr(n)]

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

    def read(self, number: int, flags: tuple[str, ...] = (), damage: float = 0.0, real: int = 0) -> ocr.OcrPage | None:
        """The recognised page `number`, or None when it is read from its text layer.
        `flags`, `damage` (share of damaged code points, ``pages.damage_share``) and `real`
        (characters) describe the page's text layer."""
        if self.mode == "never":
            return None
        if not self._started:
            self._started = True
            self._recognise(self.wanted())
        beyond_repair = "garbled" in flags and damage >= BEYOND_REPAIR and real >= GARBLED_CHARS
        if number not in self.results and beyond_repair and self.unavailable is None:
            self._recognise([number])
        return self.results.get(number)

    @property
    def seconds(self) -> float:
        return sum(page.seconds for page in self.results.values())


def _real(text: str) -> int:
    return sum(1 for ch in text if not ch.isspace())


def ocr_text_page(
    text_page: Any, recognised: ocr.OcrPage, judge: Callable[[str], tuple[float, tuple[str, ...]]]
) -> Any:
    """`text_page` (a `pages.PageText`) as read by OCR, or unchanged when it had a text
    layer that rates better than the recognised text. `judge` is the page layer's
    ``judge_text``: the recognised text gets the same text flags as a text layer would.

    A scan with a thin text layer keeps that layer's lines that no recognised line covers
    (a stamp too small for Tesseract), placed by their tops; the others were recognised
    from the rendered page, which shows them."""
    from nenpo.extractors.pages import Ruling, TextLine

    lines = [
        TextLine(text=l.text, bbox=l.bbox, size=l.size, block=-1, vertical=l.vertical, conf=l.conf)
        for l in recognised.lines
    ]
    text = "\n".join(l.text for l in lines)
    quality, text_flags = judge(text)
    real = _real(text)
    if real == 0:  # nothing recognised: the page stays as it was, 'needs_ocr' and all
        return dataclasses.replace(text_page, chars={**text_page.chars, "ocr": 0})
    conf = _mean_conf(lines)
    if "garbled" in text_page.flags and not _better(real, text_flags, conf):
        return text_page
    if "needs_ocr" in text_page.flags and text_page.lines:
        lines = _with_uncovered(lines, text_page.lines)
        conf = _mean_conf(lines)  # of the recognised lines kept
    total = sum(len(l.text) for l in lines)
    vertical = recognised.language == "jpn_vert" or sum(len(l.text) for l in lines if l.vertical) * 5 >= total > 0
    dropped = {"needs_ocr", "empty", "garbled", "sparse_text", "vertical_text", "invisible_text"}
    flags = (
        tuple(f for f in text_page.flags if f not in dropped)
        + ("ocr",)
        + text_flags
        + tuple(
            name
            for name, applies in (
                ("vertical_text", vertical),
                ("ocr_low_confidence", conf is not None and conf < LOW_CONFIDENCE),
            )
            if applies
        )
    )
    return dataclasses.replace(
        text_page,
        lines=lines,
        rulings=[Ruling(*box) for box in recognised.rulings],
        engine="ocr",
        chars={**text_page.chars, "ocr": real},
        quality=quality,
        flags=flags,
        conf=conf,
    )


COVERED = 0.5  # share of a box inside another that makes it a reading of the other


def _with_uncovered(recognised: list[Any], layer: list[Any]) -> list[Any]:
    """`recognised` lines merged with a thin text `layer`'s: a recognised line lying mostly
    within a layer line's box (padded by half its height: the image was levelled) is a
    reading of printed text and gives way to it; a layer line mostly covered by a larger
    recognised line is already read as part of it. Each layer line kept goes before the
    first line that starts below it."""
    padded = [_pad(line.bbox) for line in layer]
    out = [r for r in recognised if not any(_inside(r.bbox, box) for box in padded)]
    for line in layer:
        if any(_inside(line.bbox, r.bbox) for r in out):
            continue
        at = next((i for i, r in enumerate(out) if r.bbox[1] > line.bbox[1]), len(out))
        out.insert(at, line)
    return out


def _pad(box: Box) -> Box:
    half = (box[3] - box[1]) / 2
    return (box[0] - half, box[1] - half, box[2] + half, box[3] + half)


def _inside(a: Box, b: Box) -> bool:
    """Does at least ``COVERED`` of box `a` lie within box `b`?"""
    area = max((a[2] - a[0]) * (a[3] - a[1]), 1e-6)
    return _overlap_area(a, b) >= COVERED * area


def _overlap_area(a: Box, b: Box) -> float:
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


def _mean_conf(lines: list[Any]) -> float | None:
    """Mean confidence of the recognised lines weighted by characters (layer lines, with
    no confidence, left out)."""
    sure = [l for l in lines if l.conf is not None]
    total = sum(len(l.text) for l in sure)
    return round(sum(l.conf * len(l.text) for l in sure) / total, 4) if total else None


def _better(real: int, flags: tuple[str, ...], conf: float | None) -> bool:
    """Recognised text replaces a garbled layer when the same rules find it sound, Tesseract
    is sure of it and it is a page's worth (``GARBLED_CHARS``). Characters are not compared
    with the layer's: mojibake spends two or three code points on one kanji."""
    return "garbled" not in flags and conf is not None and conf >= LOW_CONFIDENCE and real >= GARBLED_CHARS


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
