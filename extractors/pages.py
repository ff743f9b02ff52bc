"""The page layer: every extractor reads a PDF through this module, one page at a time.

Why two engines
---------------
PyMuPDF (MuPDF) reads a page's text in a few milliseconds; pdfplumber (pdfminer) needs
tens to hundreds of milliseconds for the same page. PyMuPDF is therefore the primary
engine and pdfplumber is a second opinion, run only where PyMuPDF's text is suspect or
as a once-per-document probe. The real files in ``../shared/realpdfs`` show why neither
engine can be trusted blindly: on a non-embedded font with the predefined
``UniJIS-UCS2-HW-H`` CMap pdfminer returns ~42 real characters where PyMuPDF returns
~770, and a font MuPDF cannot decode would fail the other way round; which engine fails
is a property of the file, so every file gets one probe page checked by both.

Second-opinion rules (``SECOND_OPINION_RULES``; the first that matches gives the reason,
``verify='never'`` skips them all and never opens pdfplumber)

========== =================================================================
forced      ``verify='always'``
no_text     the page uses fonts but PyMuPDF found fewer than ``MIN_TEXT`` real chars
replacement PyMuPDF's text contains U+FFFD
garbled     PyMuPDF's text has damaged code points (``_damaged``): more than
            ``WRONG_SHARE_SUSPECT`` of its characters are controls, U+FFFD, private
            use, radicals (half) or mojibake (``_MOJIBAKE``)
probe       ``verify='auto'``: the document's first page with text, so that a
            systematic failure of the primary engine is noticed on every file
escalated   the probe page chose pdfplumber, so every page of that file is checked
========== =================================================================

The probe is the first page with PyMuPDF text; ``page(n)`` on a fresh document reads the
probe first if it comes before ``n``, so a page's result never depends on call order.
With ``verify`` 'auto' or 'always' pdfplumber is opened once, in ``open_pdf`` (failing to
open is itself a damage signal), and reused by ``plumber_page``; with 'never' it is only
opened if ``plumber_page`` is called.

When both engines ran, each text is rated ``real characters x (1 - wrong share)``, where
*real* excludes controls, U+FFFD, private use and pdfminer's ``(cid:N)``, and the wrong
share counts those plus half of every radical (U+2E80-U+2FDF: right glyph, compatibility
code point). pdfplumber wins only if it beats PyMuPDF by ``SWITCH_MARGIN`` (PyMuPDF keeps
blocks and writing direction, so it gets the tie). The rating deliberately ignores
line-dependent signals such as normalise's lone-kana count: the engines split lines
differently (MuPDF gives vertical writing one character per line), so those would
compare layouts, not text. ``PageText.chars`` records the real characters of every
engine that ran; ``PageText.engine`` the one chosen.

``PageText.quality`` is ``1 - normalise.text_quality(...).score`` (higher is better, as
the warehouse column documents: 1 = clean, 0 = all suspicious) of the chosen text, with
stacked one-character lines joined into columns first so that vertical writing is not
scored as a heap of lone kana.

Garbled text and sparse text are told apart. *Garbled* is a judgement on code points:
undecodable (U+FFFD, ``(cid:N)``), controls, private use, compatibility radicals, mojibake
(UTF-8 read as Latin-1: ``ä»¤å\x92\x8c`` for 令和), or, where both engines ran, engines
disagreeing (its own flag). normalise's score also counts lone glyphs and wide gaps between
CJK characters, which is how a chart label that lost glyphs looks, but also how every
letter-spaced table looks (a lone 目 or 計 in a header cell, 比　　較 justified across its
cell); both engines read the same glyphs from the same content stream there, so a second
opinion cannot repair them and is not asked. Such a page keeps its lower ``quality`` and
is flagged ``sparse_text`` instead of ``garbled``.

Page flags (``FLAG_RULES``; a page can carry several)

================== ==========================================================
needs_ocr          a scan (``ocr_pages.is_scan``): one image covers >=
                   ``OCR_IMAGE_COVER`` of the page and the text layer is empty,
                   or thin (its lines' boxes cover < ``THIN_TEXT_COVER`` of the
                   image) while the image is dark (>= ``SCAN_INK``) outside them
empty              no text and no images
garbled            the chosen text has damaged code points (``_damaged``)
sparse_text        normalise scores the chosen text as garbled only through lone
                   glyphs and wide gaps (letter-spaced tables, labels that lost
                   glyphs), its code points are sound
engines_disagree   both engines ran and their character multisets overlap
                   < ``AGREE_OVERLAP``
vertical_text      >= ``VERTICAL_SHARE`` of the characters are in vertical lines
                   (fitz ``wmode`` 1 / ``dir`` (0, +-1)) or in stacks of one-character
                   lines, which is how MuPDF reports most vertical writing
fonts_not_embedded a font on the page has no embedded font file (``ext`` 'n/a')
repaired           the file itself was damaged and repaired on open
invisible_text     >= ``INVISIBLE_SHARE`` of PyMuPDF's characters are drawn
                   invisibly (render mode 3, span alpha 0): a scanner's or another
                   program's OCR laid over its image
ocr                the page was recognised by Tesseract (it then loses
                   ``needs_ocr``/``empty``/``invisible_text``; see below)
ocr_low_confidence recognised with a mean line confidence under 0.70
================== ==========================================================

``garbled`` and ``sparse_text`` are ``TEXT_RULES``: ``judge_text`` applies them to a text
layer and to recognised text alike, so a recognised page is judged as a printed one.

Scanned pages and vertical writing
----------------------------------
With ``ocr`` 'auto' (the default) or 'always', the pages that need it are recognised by
Tesseract (``extractors.ocr_pages`` says which, ``extractors.ocr`` how): the page's
lines, rulings and characters then come from the recognised image, its engine is
``ocr``, every line carries Tesseract's confidence (``TextLine.conf``) and the page its
mean (``PageText.conf``). Without Tesseract nothing changes and
``PdfDocument.ocr_unavailable`` says why. A page flagged ``vertical_text`` has its
lines put in reading order (``extractors.vertical``: tiers top to bottom, columns right
to left, one line per column) instead of content-stream order.

Damaged files
-------------
A file counts as *truncated* when its last KiB lacks ``%%EOF``/``startxref`` or when
pdfplumber cannot open what PyMuPDF opened. MuPDF silently repairs such files, so a
truncated file is opened and then judged by what MuPDF recovers: if no page yields
real, non-garbled text, ``open_pdf`` raises ``DamagedPdfError`` (the real truncated
Osaka download recovers one empty page and one page of control characters); if some
page does, the document comes back with ``repaired=True`` and every page flagged
'repaired', so a partial report can never pass for a clean one. A file that MuPDF merely
repaired (``is_repaired``, tail intact, pdfplumber opens it) is also ``repaired=True``.

Coordinates are PyMuPDF's page space: points, origin top-left, like pdfplumber's
``(x0, top, x1, bottom)`` for unrotated pages whose crop box is the media box.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from nenpo.core.errors import PdfError
from nenpo.extractors.mupdf import pymupdf
from nenpo.extractors.ocr import OCR_MODES
from nenpo.extractors.ocr_pages import OcrPages, is_scan, ocr_chars, ocr_text_page, scan_evidence
from nenpo.extractors.vertical import vertical_reading_order

__all__ = [
    "DamagedPdfError",
    "FLAG_RULES",
    "PageText",
    "PdfDocument",
    "PdfError",
    "Ruling",
    "SECOND_OPINION_RULES",
    "TextLine",
    "open_pdf",
    "sha256_file",
]

MIN_TEXT = 20  # real characters below which a page with fonts is "no text"
GOOD_TEXT = 20  # real characters a damaged file must recover on some page to be kept
SWITCH_MARGIN = 1.10  # pdfplumber must rate this much better than PyMuPDF to win
AGREE_OVERLAP = 0.90  # multiset overlap below which the engines "disagree"
VERTICAL_SHARE = 0.20
INVISIBLE_SHARE = 0.50  # characters drawn invisibly (render mode 3) that make a layer invisible
THIN = 2.0  # points: a filled rectangle thinner than this is a ruling
WRONG_SHARE_GARBLED = 0.20  # fallback garble threshold when normalise is absent; damage test
WRONG_SHARE_SUSPECT = 0.05  # damaged code points above this share make a page garbled

# Flags for get_text: the dict defaults minus TEXT_PRESERVE_IMAGES, which would decode
# every image into the dict (190 ms on the scanned page instead of 0.5 ms).
_TEXT_FLAGS = pymupdf.TEXTFLAGS_DICT & ~pymupdf.TEXT_PRESERVE_IMAGES
_RAW_FLAGS = pymupdf.TEXTFLAGS_RAWDICT & ~pymupdf.TEXT_PRESERVE_IMAGES
_CID = re.compile(r"\(cid:\d+\)")
_SPACE = re.compile(r"\s")
# Certainly wrong, and not whitespace: C0/C1 controls, U+FFFD, surrogates, private use.
_WRONG = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\ufffd\ud800-\udfff\ue000-\uf8ff\U000f0000-\U0010ffff]")
_RADICAL = re.compile("[\u2e80-\u2fdf]")  # CJK Radicals Supplement + Kangxi radicals
_MOJIBAKE = re.compile(
    "[\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u2030\u2039\u203a]"
)
"""Latin-1 / cp1252 letters that UTF-8 or Shift_JIS bytes become when read as a single-byte
encoding: ``ä»¤å\x92\x8cå…ƒå¹´`` (令和元年 as UTF-8 read as Latin-1), ``Ã©`` for é. × and ÷
(U+00D7, U+00F7), printed in budget formulas (``408,000×98.9%``), are left out."""


class DamagedPdfError(PdfError):
    """Truncated, not a PDF, or unreadable: nothing trustworthy can be extracted."""


@dataclass(frozen=True)
class TextLine:
    text: str  # as the engine returned it, unnormalised
    bbox: tuple[float, float, float, float]  # x0, top, x1, bottom
    size: float  # largest font size on the line
    block: int  # PyMuPDF block number; -1 for pdfplumber lines (no blocks)
    vertical: bool  # written top-to-bottom (fitz wmode 1 / dir (0, +-1))
    conf: float | None = None  # OCR lines: Tesseract's confidence 0..1; None for a text layer
    invisible: bool = False  # drawn invisibly (render mode 3, or transparent): another program's OCR


@dataclass(frozen=True)
class Ruling:
    """A horizontal or vertical rule: a line segment, a thin filled rectangle, or an
    edge of a stroked rectangle. Table extractors build grids from these."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return (self.x1 - self.x0) >= (self.bottom - self.top)


@dataclass
class PageText:
    number: int  # 1-based
    width: float
    height: float
    lines: list[TextLine]  # content-stream order, never sorted
    rulings: list[Ruling]
    engine: str  # 'pymupdf' | 'pdfplumber' | 'ocr' | 'none'
    chars: dict[str, int]  # real characters seen by each engine that ran
    quality: float  # 1 - garble score of the chosen text: 1 = clean .. 0 = garbled
    flags: tuple[str, ...]
    images: int  # images referenced by the page
    conf: float | None = None  # OCR pages: mean line confidence weighted by characters

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)


class _Facts(NamedTuple):
    """What the rules look at for one page."""

    verify: str
    fonts: list[tuple[Any, ...]]  # PyMuPDF's get_fonts(): (xref, ext, type, basefont, name, encoding …)
    real: int  # PyMuPDF real characters
    text: str  # PyMuPDF text
    garbled: bool  # damaged code points (_damaged), not normalise's layout signals
    probe: bool
    escalated: bool


class Rule(NamedTuple):
    name: str
    why: str
    applies: Callable[[Any], bool]


SECOND_OPINION_RULES: tuple[Rule, ...] = (
    Rule("forced", "verify='always'", lambda f: f.verify == "always"),
    Rule("no_text", "fonts but almost no text", lambda f: bool(f.fonts) and f.real < MIN_TEXT),
    Rule("replacement", "U+FFFD in the text", lambda f: "\ufffd" in f.text),
    Rule("garbled", "damaged code points", lambda f: f.garbled),
    Rule("probe", "first page with text in the file", lambda f: f.probe),
    Rule("escalated", "the probe chose pdfplumber", lambda f: f.escalated),
)


class _TextFacts(NamedTuple):
    """What the text rules look at: the same for a text layer and for recognised text."""

    real: int
    garbled: bool  # damaged code points
    sparse: bool  # normalise's verdict from lone glyphs and gaps alone


class _PageFacts(NamedTuple):
    real: int
    garbled: bool  # damaged code points
    sparse: bool  # normalise's verdict from lone glyphs and gaps alone
    scan: bool  # ocr_pages.is_scan: an image covers the page, its text layer is empty or thin
    invisible: bool  # most of the text layer is drawn invisibly (render mode 3)
    images: int
    disagree: bool
    vertical_share: float
    fonts: list[tuple[Any, ...]]  # PyMuPDF's get_fonts(): (xref, ext, type, basefont, name, encoding …)
    repaired: bool


TEXT_RULES: tuple[Rule, ...] = (
    Rule("garbled", "chosen text has damaged code points", lambda p: p.real > 0 and p.garbled),
    Rule(
        "sparse_text",
        "lone glyphs and wide gaps, sound code points",
        lambda p: p.real > 0 and p.sparse and not p.garbled,
    ),
)
"""The flags that judge a page's text, a text layer's or a recognised one's (``judge_text``)."""

FLAG_RULES: tuple[Rule, ...] = (
    Rule("needs_ocr", "an image covers the page, its text layer is empty or thin", lambda p: p.scan),
    Rule("empty", "no text, no images", lambda p: p.real == 0 and p.images == 0),
    *TEXT_RULES,
    Rule("engines_disagree", "engines' characters differ", lambda p: p.disagree),
    Rule("vertical_text", "vertical writing", lambda p: p.vertical_share >= VERTICAL_SHARE),
    Rule("fonts_not_embedded", "a font is not embedded", lambda p: any(f[1] in ("n/a", "") for f in p.fonts)),
    Rule("repaired", "file was damaged and repaired", lambda p: p.repaired),
    Rule("invisible_text", "the text layer is not drawn (render mode 3): another program's OCR", lambda p: p.invisible),
)


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, streamed in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


# --- text quality ----------------------------------------------------------------


@cache
def _text_quality() -> Callable[[str], Any] | None:
    """normalise.text_quality when that module exists; it owns the garble heuristics."""
    try:
        from nenpo.extractors.normalise import text_quality
    except ImportError:
        return None
    return text_quality


def _count(pattern: re.Pattern[str], text: str) -> int:
    return sum(1 for _ in pattern.finditer(text))


def _real_chars(text: str) -> int:
    """Non-space characters that are not controls, U+FFFD, private use or (cid:N)."""
    text = _CID.sub("", text)
    return len(text) - _count(_SPACE, text) - _count(_WRONG, text)


real_chars = _real_chars  # what recognition counts as a page's text, as the page layer does


def _wrong_share(text: str) -> float:
    """Layout-neutral share of certainly-wrong characters (radicals count half)."""
    text = _CID.sub("\ufffd", text)  # pdfminer's marker for an unmapped glyph
    visible = len(text) - _count(_SPACE, text)
    if not visible:
        return 0.0
    return (_count(_WRONG, text) + 0.5 * _count(_RADICAL, text)) / visible


def damage_share(text: str) -> float:
    """Share of damaged code points: controls, U+FFFD, private use, ``(cid:N)``, radicals
    (half) and mojibake. Lone glyphs and gaps are not damage (see the module docstring)."""
    text = _CID.sub("\ufffd", text)
    visible = len(text) - _count(_SPACE, text)
    if not visible:
        return 0.0
    return _wrong_share(text) + _count(_MOJIBAKE, text) / visible


def _damaged(text: str) -> bool:
    """Code points a second engine might decode better: damage above ``WRONG_SHARE_SUSPECT``."""
    return damage_share(text) > WRONG_SHARE_SUSPECT


def _rating(text: str) -> float:
    return _real_chars(text) * (1.0 - _wrong_share(text))


def _quality(text: str) -> tuple[float, bool]:
    """(garble score 0..1, garbled) from normalise.text_quality; 0.0 for no text."""
    tq = _text_quality()
    if tq is None:  # normalise missing: fall back to the layout-neutral share
        share = _wrong_share(text)
        return share, share > WRONG_SHARE_GARBLED
    q = tq(_CID.sub("\ufffd", text))
    return float(q.score), bool(q.garbled)


def judge_text(text: str) -> tuple[float, tuple[str, ...]]:
    """(quality 1 = clean .. 0 = garbled, the ``TEXT_RULES`` flags) of a page's text: how the
    page layer judges its text layer and ``ocr_pages`` the recognised text."""
    score, sparse = _quality(text)
    facts = _TextFacts(_real_chars(text), _damaged(text), sparse)
    return round(1.0 - score, 4), tuple(r.name for r in TEXT_RULES if r.applies(facts))


def _overlap(a: str, b: str) -> float:
    """Share of characters two texts have in common, ignoring order and spaces."""
    ca = Counter(ch for ch in a if not ch.isspace())
    cb = Counter(ch for ch in b if not ch.isspace())
    most = max(sum(ca.values()), sum(cb.values()))
    return sum((ca & cb).values()) / most if most else 1.0


# --- per-engine page readers -----------------------------------------------------


def _mupdf_lines(page: pymupdf.Page) -> list[TextLine]:
    out = []
    for bno, block in enumerate(page.get_text("dict", flags=_TEXT_FLAGS)["blocks"]):
        for line in block.get("lines", ()):
            text = "".join(span["text"] for span in line["spans"])
            if not text.strip():
                continue
            dx, dy = line["dir"]
            out.append(
                TextLine(
                    text=text,
                    bbox=tuple(line["bbox"]),
                    size=max(span["size"] for span in line["spans"]),
                    block=bno,
                    vertical=line.get("wmode", 0) == 1 or abs(dy) > abs(dx),
                    invisible=all(span.get("alpha", 255) == 0 for span in line["spans"]),
                )
            )
    return out


def _plumber_lines(ppage: Any) -> list[TextLine]:
    out = []
    for line in ppage.extract_text_lines(return_chars=True):
        chars = line.get("chars") or ()
        out.append(
            TextLine(
                text=line["text"],
                bbox=(line["x0"], line["top"], line["x1"], line["bottom"]),
                size=max((c["size"] for c in chars), default=0.0),
                block=-1,
                vertical=any(not c.get("upright", True) for c in chars),
            )
        )
    return out


def _rulings(page: pymupdf.Page) -> list[Ruling]:
    """Axis-parallel segments, thin filled rectangles and stroked rectangles' edges.

    get_cdrawings (raw tuples) is used rather than get_drawings: about half the cost
    on the Kobe table pages (~8 ms vs ~15 ms for ~1,000 paths)."""
    out: list[Ruling] = []
    for path in page.get_cdrawings():
        stroked = "s" in path.get("type", "")
        for item in path["items"]:
            kind = item[0]
            if kind == "l":
                (xa, ya), (xb, yb) = item[1], item[2]
                if abs(ya - yb) <= 1.0 or abs(xa - xb) <= 1.0:
                    out.append(Ruling(min(xa, xb), min(ya, yb), max(xa, xb), max(ya, yb)))
            elif kind in ("re", "qu"):
                pts = item[1] if kind == "qu" else ((item[1][0], item[1][1]), (item[1][2], item[1][3]))
                xs = [p[0] for p in pts]
                ys = [p[1] for p in pts]
                x0, top, x1, bottom = min(xs), min(ys), max(xs), max(ys)
                if min(x1 - x0, bottom - top) <= THIN:
                    out.append(Ruling(x0, top, x1, bottom))
                elif stroked and kind == "re":
                    out += [
                        Ruling(x0, top, x1, top),
                        Ruling(x0, bottom, x1, bottom),
                        Ruling(x0, top, x0, bottom),
                        Ruling(x1, top, x1, bottom),
                    ]
    return out


_PATH_TOKENS = (b" re", b"\nre", b" l", b"\nl", b" m", b"\nm", b"Do")
"""Byte sequences that open a path operator (``30 40 m 770 40 l S``, ``0 0 100 20 re``) or
invoke an XObject (``/Fm0 Do``, which may hold paths) in a content stream."""


def _may_draw_rules(page: pymupdf.Page) -> bool:
    """Could the page hold rules? False only when its content streams hold none of
    `_PATH_TOKENS`: a text-only page skips get_cdrawings (about 0.7 ms a page; the scan of
    the decompressed stream is a few byte searches). Text strings that happen to hold
    such bytes only cost the ordinary pass."""
    try:
        contents = page.read_contents()
    except Exception:  # noqa: BLE001 - an unreadable stream: let get_cdrawings decide
        return True
    return any(token in contents for token in _PATH_TOKENS)


def _reading_units(lines: list[TextLine]) -> list[tuple[str, bool]]:
    """Lines as (text, vertical) units, with stacks of one-character lines (each directly
    under the previous one at the same x) joined into one vertical unit: MuPDF reports
    most vertical writing that way, one glyph per line."""
    units: list[tuple[str, bool]] = []
    prev: TextLine | None = None
    for line in lines:
        text = line.text.strip()
        stacked = (
            len(text) == 1
            and prev is not None
            and len(prev.text.strip()) == 1
            and abs(line.bbox[0] - prev.bbox[0]) < 1.0
            and 0 <= line.bbox[1] - prev.bbox[3] < 2.0
        )
        if stacked and units:
            units[-1] = (units[-1][0] + text, True)
        else:
            units.append((text, line.vertical))
        prev = line
    return units


def _vertical_share(units: list[tuple[str, bool]]) -> float:
    total = sum(len(text) for text, _ in units)
    return sum(len(text) for text, vertical in units if vertical) / total if total else 0.0


def _invisible_share(lines: list[TextLine]) -> float:
    """Share of the characters on invisible lines (a scanner's OCR layer over its image)."""
    total = sum(len(line.text) for line in lines)
    return sum(len(line.text) for line in lines if line.invisible) / total if total else 0.0


# --- document --------------------------------------------------------------------


@dataclass
class PdfDocument:
    """An open PDF. Use as a context manager; iterate pages() once per pass."""

    path: str
    sha256: str
    page_count: int
    repaired: bool
    metadata: dict[str, Any]
    _doc: pymupdf.Document = field(repr=False)
    _data: bytes = field(repr=False)
    _verify: str = field(default="auto", repr=False)
    _plumber: Any = field(default=None, repr=False)
    _plumber_failed: bool = field(default=False, repr=False)
    _probe: int | None = field(default=None, repr=False)  # 0 = no page has text
    _escalated: bool | None = field(default=None, repr=False)  # None = probe not read
    _ocr: OcrPages | None = field(default=None, repr=False)
    _scans: dict[int, bool] = field(default_factory=dict, repr=False)

    @property
    def ocr_unavailable(self) -> str | None:
        """Why pages that need OCR were not recognised (None when OCR ran or was not needed)."""
        return self._ocr.unavailable if self._ocr is not None else None

    def __enter__(self) -> PdfDocument:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._plumber is not None:
            self._plumber.close()
            self._plumber = None
        self._doc.close()

    def pages(self, *, rulings: bool = True) -> Iterator[PageText]:
        """Yield every page in order; each is parsed when asked for, nothing is kept."""
        for number in range(1, self.page_count + 1):
            yield self.page(number, rulings=rulings)

    def page(self, number: int, *, rulings: bool = True) -> PageText:
        """Read one page (1-based). rulings=False skips get_cdrawings (text-only callers)."""
        if not 1 <= number <= self.page_count:
            raise PdfError(self.path, f"no such page (the file has {self.page_count})", number)
        try:
            return self._read(number, rulings)
        except PdfError:
            raise
        except Exception as exc:  # MuPDF errors on one damaged page
            raise PdfError(self.path, f"cannot read page: {exc}", number) from exc

    def rulings(self, number: int) -> list[Ruling]:
        """The rulings of one page, read on demand (``pages(rulings=False)`` callers that need
        them only for some pages). A page whose content streams draw no path gets []."""
        if not 1 <= number <= self.page_count:
            raise PdfError(self.path, f"no such page (the file has {self.page_count})", number)
        if self._ocr is not None and (recognised := self._ocr.read(number)) is not None:
            return [Ruling(*box) for box in recognised.rulings]
        page = self._doc[number - 1]
        return _rulings(page) if _may_draw_rules(page) else []

    def chars(
        self, number: int, clip: tuple[float, float, float, float] | None = None
    ) -> list[tuple[float, float, float, float, str]]:
        """PyMuPDF's characters of a page (or of the `clip` rectangle on it) as
        (x0, top, x1, bottom, char), in text order.

        Table readers ask for them only where a line runs across a cell boundary, clipped
        to that line (a fraction of a millisecond; the whole page costs a few): MuPDF
        joins text on one baseline into one line when the gap is small (a measure name
        and the summary beside it, a right-aligned budget and the next cell), and the
        characters' boxes tell which part belongs to which cell."""
        if not 1 <= number <= self.page_count:
            raise PdfError(self.path, f"no such page (the file has {self.page_count})", number)
        if self._ocr is not None and (recognised := self._ocr.read(number)) is not None:
            return ocr_chars(recognised, clip)
        raw = self._doc[number - 1].get_text("rawdict", flags=_RAW_FLAGS, clip=clip)
        return [
            (*ch["bbox"], ch["c"])
            for block in raw["blocks"]
            for line in block.get("lines", ())
            for span in line["spans"]
            for ch in span["chars"]
        ]

    def plumber_page(self, number: int) -> Any:
        """The pdfplumber page for table extraction elsewhere; pdfplumber is opened on
        the same bytes at most once per document. Call .close() on it when done to free
        pdfminer's layout cache."""
        pdf = self._open_plumber()
        if pdf is None:
            raise PdfError(self.path, "pdfplumber cannot open this file", number)
        return pdf.pages[number - 1]

    # -- internals

    def _open_plumber(self) -> Any:
        if self._plumber is None and not self._plumber_failed:
            import pdfplumber

            try:
                self._plumber = pdfplumber.open(io.BytesIO(self._data))
            except Exception:  # noqa: BLE001 - pdfplumber cannot open what PyMuPDF did: PyMuPDF stands alone
                self._plumber_failed = True
        return self._plumber

    def _needs_ocr(self, number: int, lines: list[TextLine] | None = None) -> bool:
        """Is page `number` a scan to recognise (``ocr_pages.is_scan``)? Decided once from
        PyMuPDF's text lines (`lines` when the caller has them), for the page flag and for
        the choice of pages to recognise alike."""
        if number not in self._scans:
            page = self._doc[number - 1]
            if not page.get_images():  # the resources only: most pages stop here
                self._scans[number] = False
            else:
                lines = _mupdf_lines(page) if lines is None else lines
                real = _real_chars("\n".join(line.text for line in lines))
                evidence = scan_evidence(page, [line.bbox for line in lines] if real else [])
                self._scans[number] = is_scan(evidence, real)
        return self._scans[number]

    def _probe_number(self) -> int:
        """First page with PyMuPDF text (0 if none): the once-per-file cross-check."""
        if self._probe is None:
            self._probe = next((i + 1 for i in range(self.page_count) if _real_chars(self._doc[i].get_text()) > 0), 0)
        return self._probe

    def _read(self, number: int, with_rulings: bool) -> PageText:
        page = self._doc[number - 1]
        lines = _mupdf_lines(page)
        scan = self._needs_ocr(number, lines)
        invisible = _invisible_share(lines) >= INVISIBLE_SHARE
        text = "\n".join(line.text for line in lines)
        fonts = page.get_fonts()
        real = _real_chars(text)
        units = _reading_units(lines)
        score, sparse = _quality("\n".join(u for u, _ in units))
        garbled = _damaged(text)
        chars = {"pymupdf": real}
        engine = "pymupdf" if real else "none"

        probe = escalated = False
        if self._verify == "auto":
            probe_no = self._probe_number()
            probe = number == probe_no
            if probe_no and number > probe_no and self._escalated is None:
                self._read(probe_no, False)  # random access: settle escalation first
            escalated = number > probe_no and bool(self._escalated)
        facts = _Facts(self._verify, fonts, real, text, garbled, probe, escalated)
        reason = next((r.name for r in SECOND_OPINION_RULES if r.applies(facts)), None)

        disagree = False
        if self._verify != "never" and reason and (pdf := self._open_plumber()) is not None:
            ppage = pdf.pages[number - 1]
            try:
                p_lines = _plumber_lines(ppage)
            except Exception:  # noqa: BLE001 - pdfminer fails on this page: PyMuPDF stands alone
                p_lines = None  # pdfminer failed on this page: PyMuPDF stands alone
            finally:
                ppage.close()  # drop pdfminer's per-page layout cache
            if p_lines is not None:
                p_text = "\n".join(line.text for line in p_lines)
                chars["pdfplumber"] = _real_chars(p_text)
                disagree = _overlap(text, p_text) < AGREE_OVERLAP
                if _rating(p_text) > SWITCH_MARGIN * _rating(text):
                    lines, real, engine = p_lines, chars["pdfplumber"], "pdfplumber"
                    units = _reading_units(lines)
                    score, sparse = _quality("\n".join(u for u, _ in units))
                    garbled = _damaged(p_text)
        if probe:
            self._escalated = engine == "pdfplumber"

        images = len(page.get_images())
        pf = _PageFacts(
            real=real,
            garbled=garbled,
            sparse=sparse,
            scan=scan,
            invisible=invisible,
            images=images,
            disagree=disagree,
            vertical_share=_vertical_share(units),
            fonts=fonts,
            repaired=self.repaired,
        )
        flags = tuple(r.name for r in FLAG_RULES if r.applies(pf))
        text_page = PageText(
            number=number,
            width=page.rect.width,
            height=page.rect.height,
            lines=lines,
            rulings=_rulings(page) if with_rulings and _may_draw_rules(page) else [],
            engine=engine,
            chars=chars,
            quality=round(1.0 - score, 4),
            flags=flags,
            images=images,
        )
        damage = damage_share("\n".join(line.text for line in lines)) if "garbled" in flags else 0.0
        if self._ocr is not None and (recognised := self._ocr.read(number, flags, damage, real)) is not None:
            text_page = ocr_text_page(text_page, recognised, judge_text)
        if "vertical_text" in text_page.flags:
            separators = text_page.rulings or (_rulings(page) if _may_draw_rules(page) else [])
            text_page.lines = vertical_reading_order(text_page.lines, separators)
        return text_page


def _truncated(data: bytes) -> bool:
    """A complete PDF ends with 'startxref <offset> %%EOF' within its last KiB."""
    tail = data[-1024:]
    return b"%%EOF" not in tail or b"startxref" not in tail


def _recovers_text(doc: pymupdf.Document) -> bool:
    """Does any page of a repaired file hold real, non-garbled text?"""
    for page in doc:
        text = page.get_text()
        if _real_chars(text) >= GOOD_TEXT and _wrong_share(text) <= WRONG_SHARE_GARBLED:
            return True
    return False


def open_pdf(path: str | Path, *, verify: str = "auto", ocr: str = "auto") -> PdfDocument:
    """Open a PDF for page reading.

    verify: 'auto' (second opinion where suspect + one probe page), 'always' (every
    page through both engines), 'never' (PyMuPDF only; pdfplumber is not opened).
    ocr: 'auto' (pages that need it, when Tesseract is installed), 'always' (every
    page), 'never'; see ``extractors.ocr_pages``.
    Raises DamagedPdfError for files that are not PDFs, cannot be opened, or are
    truncated beyond recovery (see the module docstring); PdfError if encrypted.
    """
    if verify not in ("auto", "always", "never"):
        raise ValueError(f"verify must be 'auto', 'always' or 'never', not {verify!r}")
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be 'auto', 'always' or 'never', not {ocr!r}")
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PdfError(path, f"cannot read file: {exc.strerror or exc}") from exc
    if b"%PDF-" not in data[:1024]:
        raise DamagedPdfError(path, "not a PDF (no %PDF- header)")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:
        raise DamagedPdfError(path, f"cannot be opened: {exc}") from exc
    if doc.needs_pass:
        doc.close()
        raise PdfError(path, "encrypted: needs a password")
    if doc.page_count == 0:
        doc.close()
        raise DamagedPdfError(path, "no pages")

    pdf = PdfDocument(
        path=str(path),
        sha256=hashlib.sha256(data).hexdigest(),
        page_count=doc.page_count,
        repaired=False,
        metadata=dict(doc.metadata or {}),
        _doc=doc,
        _data=data,
        _verify=verify,
    )
    pdf._ocr = OcrPages(doc, ocr, pdf._needs_ocr)
    signs = []
    if _truncated(data):
        signs.append("no startxref/%%EOF at the end (truncated)")
    if verify != "never" and pdf._open_plumber() is None:
        signs.append("pdfplumber cannot open it")
    if signs and not _recovers_text(doc):
        pdf.close()
        raise DamagedPdfError(path, "; ".join(signs) + "; no page yields readable text")
    pdf.repaired = bool(signs) or doc.is_repaired
    return pdf
