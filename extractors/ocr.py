"""Optical character recognition for pages that have no usable text layer.

Route: PyMuPDF renders the page, nenpo straightens it and finds its rules, and Tesseract
(Debian's ``tesseract-ocr`` with the ``jpn`` and ``jpn_vert`` models) reads it through
``pytesseract.image_to_data``. That call was chosen over the alternatives because it is
the one that hands back what an auditor needs:

* a confidence for every word (Tesseract's TSV), which nenpo keeps on every line;
  PyMuPDF's OCR text page (``get_textpage_ocr``) turns Tesseract's output into an
  ordinary text page and drops the confidences;
* word boxes on the image nenpo rendered, so positions mean the same thing as a text
  layer's and the position-based readers work unchanged; ``ocrmypdf`` instead writes a
  new PDF (Ghostscript, a second file per edition) whose hidden text layer has neither
  confidences nor the rules that were found;
* one ``tesseract`` process per page, so pages are recognised in parallel processes
  while the PDF stays open once in the calling process.

What happens to a page (``ocr_page``)

1. render it in grey at ``OCR_DPI``;
2. straighten it: the angle in ``±MAX_SKEW``° whose row profile is sharpest (text lines
   and rules turn into sharp peaks when level), found on a reduced copy;
3. find the rules: runs of dark pixels at least ``RULE_MIN_PT`` long that are hairlines
   (``RULE_THIN_PT``) or long (``RULE_LONG_PT``) and thin (``RULE_MAX_THICK_PT``),
   horizontal and vertical; they become the page's
   ``Ruling``s (so scanned tables are read as cells by ``grids``) and are painted white
   before recognition (a rule through a row of digits is
   the commonest cause of misread digits);
4. remove speckle (a 3x3 median filter) and recognise with ``jpn`` (print smaller than
   ``SMALL_TEXT_PX`` is read again from an enlarged image); when most of the
   text sits in tall, narrow lines the page is vertical writing and is read again with
   ``jpn_vert``, keeping the reading with the higher mean confidence;
5. group Tesseract's words into lines (same block, paragraph and line), cutting a line
   where the gap between two words exceeds ``CUT_GAP`` line heights (cells of a table
   row) and joining words without a space unless they are further apart than
   ``SPACE_GAP`` (two Latin words) or ``CJK_SPACE_GAP`` line heights (Japanese, and
   digits, which full-width print sets a full em apart: ``５０``);
6. read again what Tesseract was unsure of: pieces of one line joined, each cut out and
   scaled to a working glyph height, all stacked on one sheet for one more run, short
   figures once more on their own; and ink that no recognised line covers, kept when
   Tesseract is sure of it (``_reread``, ``_missed``);
7. correct the figures Tesseract misreads (``FIXES``: a thousands comma read as a full
   stop, the minus triangle read as ``A``).

Tesseract is found on PATH; ``available()`` says why OCR cannot run when it cannot (no
``tesseract``, no ``jpn`` model), and callers then behave as if OCR were switched off.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache
from typing import Any

__all__ = [
    "OCR_DPI",
    "OCR_MODES",
    "OcrLine",
    "OcrPage",
    "available",
    "extraction_mode",
    "ocr_images",
    "ocr_page",
    "fix_reading",
    "render",
]

OCR_MODES = ("auto", "always", "never")
OCR_DPI = 300  # Tesseract's models are trained on text of about 300 dpi
MAX_SKEW = 3.0  # degrees: scanners and copiers tilt less than this
SKEW_STEP = 0.1
RULE_MIN_PT = 12.0  # a dark run at least this long (points) may be a rule:
RULE_THIN_PT = 0.8  # ... when it is this thin (a hairline of a table), or
RULE_LONG_PT = 28.0  # ... when it is this long and at most
RULE_MAX_THICK_PT = 4.0  # this thick (a stroke of 一 in a 24-point bold title is
# over 20 points long and 2-3 points thick: it is neither)
DARK = 160  # grey level below which a pixel is ink
CUT_GAP = 1.2  # line heights: a wider gap between words separates two cells
SPACE_GAP = 0.35  # line heights: a narrower gap joins two Latin words without a space
CJK_SPACE_GAP = 0.8  # line heights: Japanese words closer than this are one run of text
VERTICAL_LINES = 0.5  # share of characters in tall narrow lines that makes a page vertical
LANGUAGES = ("jpn", "jpn_vert")
SMALL_TEXT_PX = 28  # median line height below which a page is read again enlarged
TARGET_TEXT_PX = 34  # about the glyph height Tesseract's models read best
MAX_ENLARGE = 2.0
REREAD_BELOW = 0.85  # confidence under which a short line is read again on its own
REREAD_CHARS = 40
FRAGMENT_GAP = 1.5  # line heights between two unsure pieces of one line
FIGURE_CHARS = 6  # a line this short that stays unsure is read once more on its own
FIGURES_PER_PAGE = 24
MISSED_BLOCK = 8  # pixels: ink nothing recognised covers is looked at in blocks this size
MISSED_INK = 6  # ink pixels that make a block count
MISSED_MARGIN = 6  # pixels around a recognised line that belong to it
MISSED_MIN_PT = 4.0
MISSED_MAX_PT = 30.0
MISSED_MAX_WIDTH_PT = 120.0
MISSED_CONF = 0.80  # a reading of missed ink is kept only when this sure
MISSED_MAX_SPOTS = 40
SHEET_MAX_PX = 16000  # height of one sheet of lines read again (Tesseract refuses > 32767)
REREAD_MIN_SCALE = 0.3
REREAD_TEXT_PX = 54  # glyph height lines are read again at
REREAD_MAX_SCALE = 3.0


FIXES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (re.compile(r"(?<=\d)[.,]{2,}(?=\d)"), ",", "a doubled separator: 15,.600,000 → 15,600,000"),
    (re.compile(r"(?<![\d.,])([1-9]\d{0,2})\.(?=\d{3}(?!\d))"), r"\1,",
     "a thousands comma read as a full stop: 1.500 → 1,500; 1.930,000 → 1,930,000"),
    (re.compile(r"(?<=\d,\d{3})\.(?=\d{3}(?!\d))"), ",",
     "the same after a comma group: 1,400.000 → 1,400,000"),
    (re.compile(r"(?:^|(?<=\s))[|_]+(?:\s+|$)"), "", "a bar or underscore left of a rule: _ 120 → 120"),
    (re.compile(r"^[-_|~'.,:;Oo]+\s*(?=[〇○◯●])"), "",
     "a speck or the bullet read twice before a bullet: -〇観光客入込数, O〇ウェルフェア… → 〇…"),
    (re.compile(r"(?<![\w.])A(?=\d[\d,]*\.\d+(?!\w))"), "△",
     "the minus triangle read as a Latin A before a decimal figure: A21.2 → △21.2"),
)
"""Corrections of what Tesseract's ``jpn`` model misreads in figures, applied to every
recognised line. At the resolution of an office scan a comma and a full stop differ by a
pixel or two, and Japanese reports write thousands with commas and decimals with at most
two places (``21.2``, ``△1.5``), so a full stop followed by exactly three digits after a
number that does not start with 0 is a comma; a real ``0.125`` keeps its full stop. The
triangle that marks a negative figure (△) comes out as ``A``; only an ``A`` glued to a
decimal figure is taken for it, so designations such as ``A4`` are left alone."""


def fix_reading(text: str) -> str:
    """``1.500`` → ``1,500``; ``15,.600,000`` → ``15,600,000``; ``A21.2`` → ``△21.2``;
    ``△21.2``, ``0.125``, ``A4`` unchanged."""
    for pattern, replacement, _why in FIXES:
        text = pattern.sub(replacement, text)
    return text.strip()


@dataclass(frozen=True)
class OcrLine:
    text: str
    bbox: tuple[float, float, float, float]  # points, on the straightened page
    size: float  # line height in points
    conf: float  # mean word confidence weighted by characters, 0..1
    vertical: bool
    words: tuple[tuple[str, tuple[float, float, float, float]], ...]


@dataclass(frozen=True)
class OcrPage:
    lines: tuple[OcrLine, ...]
    rulings: tuple[tuple[float, float, float, float], ...]  # x0, top, x1, bottom in points
    skew: float  # degrees the page was turned to level it
    language: str
    seconds: float


@cache
def available() -> str | None:
    """None when OCR can run; otherwise why not (for the 'OCR unavailable' warning)."""
    if shutil.which("tesseract") is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert)"
    try:
        import pytesseract

        languages = set(pytesseract.get_languages(config=""))
    except Exception as exc:  # noqa: BLE001 - a broken installation: say so rather than fail every page
        return f"tesseract does not run: {exc}"
    missing = [lang for lang in LANGUAGES if lang not in languages]
    if "jpn" in missing:
        return "tesseract has no Japanese model (apt-get install tesseract-ocr-jpn tesseract-ocr-jpn-vert)"
    return None


def extraction_mode(verify: str, ocr: str) -> str:
    """The extraction cache's key for a (verify, ocr) pair: ``verify`` alone for the default
    (``ocr='auto'`` with Tesseract present), so existing entries stay valid."""
    if ocr not in OCR_MODES:
        raise ValueError(f"ocr must be 'auto', 'always' or 'never', not {ocr!r}")
    if ocr == "never" or available() is not None:
        return f"{verify}.no-ocr"
    return verify if ocr == "auto" else f"{verify}.ocr-{ocr}"


# --- image preparation ----------------------------------------------------------------------


def render(page: Any, dpi: int = OCR_DPI):
    """A PyMuPDF page as a grey PIL image."""
    from PIL import Image

    from nenpo.extractors.mupdf import pymupdf

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def _skew(image) -> float:
    """The angle (degrees, PIL's sense) that levels the page's text lines and rules."""
    import numpy as np

    small = image.reduce(4)
    best, best_angle = -1.0, 0.0
    steps = int(round(MAX_SKEW / SKEW_STEP))
    for i in range(-steps, steps + 1):
        angle = i * SKEW_STEP
        turned = small.rotate(angle, fillcolor=255) if angle else small
        ink = 255.0 - np.asarray(turned, dtype=np.float32)
        rows = ink.sum(axis=1)
        sharpness = float(np.square(np.diff(rows)).sum())
        if sharpness > best:
            best, best_angle = sharpness, angle
    return best_angle


def _runs(mask, length: int) -> list[tuple[int, int, int]]:
    """(row, start, end) of horizontal runs of True at least `length` long."""
    import numpy as np

    padded = np.pad(mask, ((0, 0), (1, 1))).astype(np.int8)
    edges = np.diff(padded, axis=1)
    rows_s, starts = np.nonzero(edges == 1)
    rows_e, ends = np.nonzero(edges == -1)
    keep = (ends - starts) >= length
    return list(zip(rows_s[keep].tolist(), starts[keep].tolist(), ends[keep].tolist()))


def _bands(runs: list[tuple[int, int, int]]) -> list[tuple[int, int, int, int]]:
    """Runs on neighbouring rows that overlap merged into (x0, y0, x1, y1) boxes: one rule
    drawn several pixels thick."""
    boxes: list[list[int]] = []
    open_boxes: list[list[int]] = []
    for row, start, end in sorted(runs):
        match = None
        for box in open_boxes:
            if box[3] >= row - 1 and start < box[2] and end > box[0]:
                match = box
                break
        if match is None:
            match = [start, row, end, row]
            boxes.append(match)
        else:
            match[0], match[2], match[3] = min(match[0], start), max(match[2], end), row
        open_boxes = [b for b in boxes if b[3] >= row - 1]
    return [(b[0], b[1], b[2], b[3]) for b in boxes]


def _bridged(ink):
    """`ink` with one-pixel holes along each row filled: copier speckle breaks a rule into
    pieces shorter than a rule."""
    out = ink.copy()
    out[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]
    return out


def _rules(image, dpi: int):
    """Rule boxes in pixels (horizontal, vertical) and the image with them painted white."""
    import numpy as np
    from PIL import Image

    pixels = np.asarray(image)
    ink = pixels < DARK
    px = dpi / 72

    def rule(x0: int, y0: int, x1: int, y1: int) -> bool:  # (along, across) in run coordinates
        length, thickness = x1 - x0, y1 - y0 + 1
        return thickness <= RULE_THIN_PT * px or (length >= RULE_LONG_PT * px and thickness <= RULE_MAX_THICK_PT * px)

    shortest = int(RULE_MIN_PT * px)
    horizontal = [b for b in _bands(_runs(_bridged(ink), shortest)) if rule(*b)]
    vertical = [(y0, x0, y1, x1) for x0, y0, x1, y1 in _bands(_runs(_bridged(ink.T), shortest)) if rule(x0, y0, x1, y1)]
    cleaned = pixels.copy()
    for x0, y0, x1, y1 in horizontal + vertical:
        cleaned[max(y0 - 1, 0):y1 + 2, max(x0 - 1, 0):x1 + 1] = 255
    return horizontal, vertical, Image.fromarray(cleaned)


def prepare(image, dpi: int = OCR_DPI):
    """Straighten, find rules, clean: (image for Tesseract, rules in points, skew)."""
    from PIL import ImageFilter

    skew = _skew(image)
    if skew:
        image = image.rotate(skew, resample=3, fillcolor=255)  # 3 = bicubic
    horizontal, vertical, cleaned = _rules(image, dpi)
    scale = 72.0 / dpi
    rulings = tuple(
        (x0 * scale, (y0 + y1) / 2 * scale, x1 * scale, (y0 + y1) / 2 * scale) for x0, y0, x1, y1 in horizontal
    ) + tuple(
        ((x0 + x1) / 2 * scale, y0 * scale, (x0 + x1) / 2 * scale, y1 * scale) for x0, y0, x1, y1 in vertical
    )
    return cleaned.filter(ImageFilter.MedianFilter(3)), rulings, skew


# --- recognition ------------------------------------------------------------------------------


def _words(image, language: str, psm: int = 3) -> list[dict]:
    import pytesseract

    data = pytesseract.image_to_data(
        image, lang=language, config=f"--psm {psm}", output_type=pytesseract.Output.DICT
    )
    words = []
    for i, text in enumerate(data["text"]):
        text = text.strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append({
            "text": text, "conf": conf / 100.0,
            "key": (data["block_num"][i], data["par_num"][i], data["line_num"][i]),
            "box": (data["left"][i], data["top"][i], data["left"][i] + data["width"][i], data["top"][i] + data["height"][i]),
        })
    return words


def _line(words: list[dict], scale: float, vertical: bool) -> OcrLine:
    text = ""
    for prev, word in zip([None, *words], words):
        if prev is not None:
            gap = (word["box"][1] - prev["box"][3]) if vertical else (word["box"][0] - prev["box"][2])
            height = _thickness(words, vertical)
            a, b = prev["text"][-1], word["text"][0]
            latin = a.isascii() and b.isascii() and not (a.isdigit() and b.isdigit())
            text += " " if gap > (SPACE_GAP if latin else CJK_SPACE_GAP) * height else ""
        text += word["text"]
    x0 = min(w["box"][0] for w in words) * scale
    top = min(w["box"][1] for w in words) * scale
    x1 = max(w["box"][2] for w in words) * scale
    bottom = max(w["box"][3] for w in words) * scale
    chars = sum(len(w["text"]) for w in words)
    conf = sum(w["conf"] * len(w["text"]) for w in words) / chars
    return OcrLine(
        text=fix_reading(text), bbox=(x0, top, x1, bottom), size=_thickness(words, vertical) * scale, conf=round(conf, 4),
        vertical=vertical, words=tuple((w["text"], tuple(v * scale for v in w["box"])) for w in words),
    )


def _thickness(words: list[dict], vertical: bool) -> float:
    """Median word height (horizontal lines) or width (vertical ones), in pixels."""
    sizes = sorted((w["box"][2] - w["box"][0]) if vertical else (w["box"][3] - w["box"][1]) for w in words)
    return float(sizes[len(sizes) // 2]) or 1.0


def _is_vertical(words: list[dict]) -> bool:
    x0 = min(w["box"][0] for w in words)
    x1 = max(w["box"][2] for w in words)
    y0 = min(w["box"][1] for w in words)
    y1 = max(w["box"][3] for w in words)
    return sum(len(w["text"]) for w in words) >= 2 and (y1 - y0) > 1.5 * (x1 - x0)


def _lines(words: list[dict], dpi: float) -> list[OcrLine]:
    """Tesseract's lines, cut where a gap between words is wider than ``CUT_GAP`` heights."""
    groups: dict[tuple, list[dict]] = {}
    for word in words:
        groups.setdefault(word["key"], []).append(word)
    scale = 72.0 / dpi
    out = []
    for group in groups.values():
        vertical = _is_vertical(group)
        axis = 1 if vertical else 0
        group.sort(key=lambda w: w["box"][axis])
        # the tallest word sets the gap that separates cells: Latin and digits are shorter
        # than kanji, and full-width brackets leave half an em blank (R1（2019） 年度)
        height = max((w["box"][2] - w["box"][0]) if vertical else (w["box"][3] - w["box"][1]) for w in group)
        run = [group[0]]
        for word in group[1:]:
            if word["box"][axis] - run[-1]["box"][axis + 2] > CUT_GAP * height:
                out.append(_line(run, scale, vertical))
                run = []
            run.append(word)
        out.append(_line(run, scale, vertical))
    return out


def _vertical_share(lines: list[OcrLine]) -> float:
    total = sum(len(line.text) for line in lines)
    return sum(len(line.text) for line in lines if line.vertical) / total if total else 0.0


def _mean_conf(lines: list[OcrLine]) -> float:
    total = sum(len(line.text) for line in lines)
    return sum(line.conf * len(line.text) for line in lines) / total if total else 0.0


def _merge_fragments(lines: list[OcrLine]) -> list[OcrLine]:
    """Unsure pieces of one line joined into one: Tesseract breaks a title in large bold type
    into fragments of different sizes (``ーーテー``, ``Ne9 7ドト``), which are only
    readable again as the whole line. Two unsure horizontal lines are pieces of one when
    their heights overlap by half the smaller and the gap between them is under
    ``FRAGMENT_GAP`` line heights."""
    unsure = [i for i, l in enumerate(lines) if not l.vertical and l.conf < REREAD_BELOW]
    group = {i: i for i in unsure}

    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i

    for a in unsure:
        for b in unsure:
            if a >= b:
                continue
            (ax0, at, ax1, ab), (bx0, bt, bx1, bb) = lines[a].bbox, lines[b].bbox
            overlap = min(ab, bb) - max(at, bt)
            height = max(ab - at, bb - bt)
            gap = max(bx0 - ax1, ax0 - bx1)
            if overlap >= 0.5 * min(ab - at, bb - bt) and gap <= FRAGMENT_GAP * height:
                group[root(b)] = root(a)
    members: dict[int, list[int]] = {}
    for i in unsure:
        members.setdefault(root(i), []).append(i)
    joined = {min(m): m for m in members.values() if len(m) > 1}
    if not joined:
        return lines
    out = []
    gone = {i for m in joined.values() for i in m}
    for i, line in enumerate(lines):
        if i in joined:
            parts = sorted((lines[j] for j in joined[i]), key=lambda l: l.bbox[0])
            box = (min(p.bbox[0] for p in parts), min(p.bbox[1] for p in parts),
                   max(p.bbox[2] for p in parts), max(p.bbox[3] for p in parts))
            out.append(OcrLine("".join(p.text for p in parts), box, box[3] - box[1], min(p.conf for p in parts),
                               False, tuple(w for p in parts for w in p.words)))
        elif i not in gone:
            out.append(line)
    return out


def _reread(image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Lines Tesseract was unsure of, read again on their own: a figure in a cell beside a
    rule (``棚20`` for ``120``), a title in large bold type. Each is cut out with a margin,
    scaled so that its glyphs are about ``TARGET_TEXT_PX`` high, and all of them are
    stacked on one sheet and read in one ``tesseract`` run (``--psm 4``: one column of
    lines); a new reading replaces the old one when it is surer."""
    from PIL import Image

    lines = _merge_fragments(lines)
    unsure = [i for i, l in enumerate(lines) if not l.vertical and l.conf < REREAD_BELOW and len(l.text) <= REREAD_CHARS]
    if not unsure:
        return lines
    crops = []
    for i in unsure:
        x0, top, x1, bottom = (v * dpi / 72 for v in lines[i].bbox)
        margin = 0.4 * (bottom - top)
        box = (max(0, int(x0 - margin)), max(0, int(top - margin)),
               min(image.width, int(x1 + margin) + 1), min(image.height, int(bottom + margin) + 1))
        factor = min(REREAD_MAX_SCALE, max(REREAD_MIN_SCALE, REREAD_TEXT_PX / max(lines[i].size * dpi / 72, 1.0)))
        crop = image.crop(box)
        crops.append((i, box, factor, crop.resize((max(1, round(crop.width * factor)), max(1, round(crop.height * factor))), Image.Resampling.BICUBIC)))
    gap = 2 * TARGET_TEXT_PX
    found: dict[int, list[dict]] = {}
    spans: list[tuple[int, int]] = []
    start = 0
    while start < len(crops):  # sheets stay under Tesseract's image size limit
        end, height = start, gap
        while end < len(crops) and (end == start or height + crops[end][3].height + gap <= SHEET_MAX_PX):
            height += crops[end][3].height + gap
            end += 1
        sheet = Image.new("L", (max(c[3].width for c in crops[start:end]) + 2 * gap, height), 255)
        y, first = gap, len(spans)
        for _, _, _, crop in crops[start:end]:
            sheet.paste(crop, (gap, y))
            spans.append((y, y + crop.height))
            y += crop.height + gap
        for word in _words(sheet, "jpn", psm=4):
            middle = (word["box"][1] + word["box"][3]) / 2
            k = next((k for k in range(first, len(spans)) if spans[k][0] <= middle <= spans[k][1]), None)
            if k is not None:
                found.setdefault(k, []).append(word)
        start = end
    out = list(lines)
    for k, words in found.items():
        i, box, factor, _ = crops[k]
        top = spans[k][0]
        placed = [dict(w, box=(box[0] + (w["box"][0] - gap) / factor, box[1] + (w["box"][1] - top) / factor,
                               box[0] + (w["box"][2] - gap) / factor, box[1] + (w["box"][3] - top) / factor))
                  for w in sorted(words, key=lambda w: w["box"][0])]
        again = _line(placed, 72 / dpi, False)
        if again.conf > lines[i].conf:
            out[i] = OcrLine(again.text, lines[i].bbox, lines[i].size, again.conf, False, again.words)
    return _reread_figures(image, out, dpi, [i for i, _, _, _ in crops])


def _reread_figures(image, lines: list[OcrLine], dpi: float, tried: list[int]) -> list[OcrLine]:
    """Short lines (a figure in a cell) still unsure after ``_reread``, read one at a time
    as a single line (``--psm 7``), at most ``FIGURES_PER_PAGE`` of them."""
    from PIL import Image

    out = list(lines)
    short = [i for i in tried if out[i].conf < REREAD_BELOW and len(out[i].text) <= FIGURE_CHARS]
    for i in short[:FIGURES_PER_PAGE]:
        line = out[i]
        x0, top, x1, bottom = (v * dpi / 72 for v in line.bbox)
        margin = 0.4 * (bottom - top)
        box = (max(0, int(x0 - margin)), max(0, int(top - margin)),
               min(image.width, int(x1 + margin) + 1), min(image.height, int(bottom + margin) + 1))
        crop = image.crop(box)
        crop = crop.resize((crop.width * 2, crop.height * 2), Image.Resampling.BICUBIC)
        words = _words(crop, "jpn", psm=7)
        if not words:
            continue
        moved = [dict(w, box=(box[0] + w["box"][0] / 2, box[1] + w["box"][1] / 2, box[0] + w["box"][2] / 2,
                              box[1] + w["box"][3] / 2)) for w in words]
        again = _line(moved, 72 / dpi, False)
        if again.conf > line.conf:
            out[i] = OcrLine(again.text, line.bbox, line.size, again.conf, False, again.words)
    return out


def _missed(image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Ink that no recognised line covers (Tesseract's layout analysis drops a lone ``1``
    in a table cell), as empty placeholder lines of confidence 0 for ``_reread``. The ink
    is looked at in blocks of ``MISSED_BLOCK`` pixels; a block counts when at least
    ``MISSED_INK`` of its pixels are ink (speckle does not), and touching blocks form a
    spot, kept when it is between ``MISSED_MIN_PT`` and ``MISSED_MAX_PT`` high."""
    import numpy as np

    ink = np.asarray(image) < DARK
    margin = MISSED_MARGIN
    for line in lines:
        for box in (line.bbox, *(box for _, box in line.words)):
            x0, top, x1, bottom = (int(v * dpi / 72) for v in box)
            ink[max(0, top - margin):bottom + margin, max(0, x0 - margin):x1 + margin] = False
    b = MISSED_BLOCK
    h, w = ink.shape[0] // b, ink.shape[1] // b
    blocks = ink[:h * b, :w * b].reshape(h, b, w, b).sum(axis=(1, 3)) >= MISSED_INK
    seen = np.zeros_like(blocks)
    out = []
    for start in zip(*np.nonzero(blocks)):
        if seen[start]:
            continue
        stack, spot = [start], []
        seen[start] = True
        while stack:
            r, c = stack.pop()
            spot.append((r, c))
            for rr in range(r - 1, r + 2):
                for cc in range(c - 1, c + 2):
                    if 0 <= rr < h and 0 <= cc < w and blocks[rr, cc] and not seen[rr, cc]:
                        seen[rr, cc] = True
                        stack.append((rr, cc))
        rows = [r for r, _ in spot]
        cols = [c for _, c in spot]
        box = tuple(v * b * 72 / dpi for v in (min(cols), min(rows), max(cols) + 1, max(rows) + 1))
        if MISSED_MIN_PT <= box[3] - box[1] <= MISSED_MAX_PT and box[2] - box[0] <= MISSED_MAX_WIDTH_PT:
            out.append(OcrLine("", box, box[3] - box[1], 0.0, False, ()))
    return out


def _rejoin(lines: list[OcrLine]) -> list[OcrLine]:
    """Horizontal lines on one row closer than ``CUT_GAP`` heights joined again: a glyph
    recovered from missed ink (the ``）`` of ``R1（2019）年度``) closes the gap that had
    split its line."""
    rows = sorted((l for l in lines if not l.vertical), key=lambda l: (l.bbox[1], l.bbox[0]))
    out: list[OcrLine] = [l for l in lines if l.vertical]
    used: set[int] = set()
    for i, line in enumerate(rows):
        if i in used:
            continue
        parts = [line]
        for j in range(i + 1, len(rows)):
            other, last = rows[j], parts[-1]
            if j in used or other.bbox[1] > line.bbox[3]:
                continue
            overlap = min(last.bbox[3], other.bbox[3]) - max(last.bbox[1], other.bbox[1])
            height = max(last.bbox[3] - last.bbox[1], other.bbox[3] - other.bbox[1])
            gap = other.bbox[0] - last.bbox[2]
            if overlap >= 0.6 * min(last.bbox[3] - last.bbox[1], other.bbox[3] - other.bbox[1]) and -0.2 * height <= gap <= CUT_GAP * height:
                parts.append(other)
                used.add(j)
        if len(parts) == 1:
            out.append(line)
            continue
        chars = sum(len(p.text) for p in parts)
        box = (parts[0].bbox[0], min(p.bbox[1] for p in parts), parts[-1].bbox[2], max(p.bbox[3] for p in parts))
        out.append(OcrLine(
            fix_reading("".join(p.text for p in parts)), box, max(p.size for p in parts),
            round(sum(p.conf * len(p.text) for p in parts) / chars, 4), False, tuple(w for p in parts for w in p.words),
        ))
    return out


def recognise(image, rulings: tuple, skew: float, dpi: float = OCR_DPI) -> OcrPage:
    """Tesseract on a prepared image (see ``prepare``); runs in the calling thread, the
    recognition itself in a ``tesseract`` process."""
    started = time.perf_counter()
    lines = _reread(image, _lines(_words(image, "jpn"), dpi), dpi)
    spots = _missed(image, lines, dpi)
    if len(spots) <= MISSED_MAX_SPOTS:  # more is noise or a picture, not a few lost figures
        # a lone bracket or stroke is the tail of a glyph already read, not a lost one
        found = [l for l in _reread(image, spots, dpi) if l.conf >= MISSED_CONF and any(c.isalnum() for c in l.text)]
        lines = _rejoin(lines + found) if found else lines
    language = "jpn"
    if _vertical_share(lines) >= VERTICAL_LINES and "jpn_vert" in _languages():
        vertical = _lines(_words(image, "jpn_vert"), dpi)
        if _mean_conf(vertical) > _mean_conf(lines):
            lines, language = vertical, "jpn_vert"
    return OcrPage(tuple(lines), rulings, skew, language, time.perf_counter() - started)


@cache
def _languages() -> frozenset[str]:
    import pytesseract

    return frozenset(pytesseract.get_languages(config=""))


def _text_height(page: OcrPage, dpi: float) -> float:
    """Median height in pixels of the confidently read horizontal lines."""
    heights = sorted(l.size * dpi / 72 for l in page.lines if l.conf >= 0.5 and not l.vertical)
    return heights[len(heights) // 2] if heights else 0.0


def ocr_page(image, dpi: int = OCR_DPI) -> OcrPage:
    """Prepare and recognise one rendered page; ``seconds`` covers both.

    Print smaller than ``SMALL_TEXT_PX`` pixels at ``dpi`` (a fee table in 6-point type)
    is read again from the image enlarged towards ``TARGET_TEXT_PX``, and the reading with
    the higher mean confidence is kept."""
    from PIL import Image

    started = time.perf_counter()
    prepared, rulings, skew = prepare(image, dpi)
    page = recognise(prepared, rulings, skew, dpi)
    height = _text_height(page, dpi)
    if 0 < height < SMALL_TEXT_PX:
        factor = min(MAX_ENLARGE, TARGET_TEXT_PX / height)
        enlarged = prepared.resize((round(prepared.width * factor), round(prepared.height * factor)), Image.Resampling.BICUBIC)
        again = recognise(enlarged, rulings, skew, dpi * factor)
        if _mean_conf(list(again.lines)) > _mean_conf(list(page.lines)):
            page = again
    return OcrPage(page.lines, page.rulings, page.skew, page.language, time.perf_counter() - started)


def ocr_images(
    numbers: Iterable[int], render_page: Callable[[int], Any], workers: int | None = None, dpi: int = OCR_DPI
) -> dict[int, OcrPage]:
    """Recognise pages in parallel: {page number: OcrPage}.

    ``render_page`` runs in the calling thread (a PyMuPDF document belongs to one
    thread), one page ahead of the recognisers; each rendered page is prepared and handed
    to its own ``tesseract`` process. ``workers`` pages are recognised at once (default:
    the machine's cores), each ``tesseract`` limited to one thread (``OMP_THREAD_LIMIT=1``)
    so that they do not fight over the cores; at most ``workers + 1`` images are held."""
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    numbers = list(numbers)
    workers = max(1, min(workers or os.cpu_count() or 1, len(numbers) or 1))
    if workers == 1:
        return {n: ocr_page(render_page(n), dpi) for n in numbers}
    results: dict[int, OcrPage] = {}
    with ThreadPoolExecutor(workers) as pool:  # threads only wait on tesseract processes
        running: dict[Future, int] = {}
        for number in numbers:
            running[pool.submit(ocr_page, render_page(number), dpi)] = number
            if len(running) >= workers:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    results[running.pop(future)] = future.result()
        for future, number in running.items():
            results[number] = future.result()
    return results
