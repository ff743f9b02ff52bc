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
   stop, the minus triangle read as ``A``; ``VERTICAL_FIXES`` on ``jpn_vert``'s columns);
8. vote on the figures: short lines with a digit, and unsure ones, read twice more from a
   black-and-white copy of their box (``jpn``, and ``eng`` limited to digits), the
   agreed figure replacing the first reading (``_vote_figures``);
9. find the minus triangle, which ``jpn`` cannot read, on the image left of each figure
   (``_negative_marks``, ``is_triangle``);
10. put the lines of one row that follow each other left to right
    (``_rows_left_to_right``), as a text layer has a table row's cells.

Tesseract is found on PATH; ``available()`` says why OCR cannot run when it cannot (no
``tesseract``, no ``jpn`` model), and callers then behave as if OCR were switched off.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
    from PIL import Image

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
    "fix_vertical_reading",
    "is_ring",
    "is_triangle",
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
RULE_GAP_PT = 1.5  # a break this long in a rule's ink is bridged when lengthening it
DARK = 160  # grey level below which a pixel is ink
CUT_GAP = 1.2  # line heights: a wider gap between words separates two cells
BLANK_GAP = 0.6  # line heights of blank paper that such a gap must hold
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
    (
        re.compile(r"(?<![\d.,])([1-9]\d{0,2})\.(?=\d{3}(?!\d))"),
        r"\1,",
        "a thousands comma read as a full stop: 1.500 → 1,500; 1.930,000 → 1,930,000",
    ),
    (re.compile(r"(?<=\d,\d{3})\.(?=\d{3}(?!\d))"), ",", "the same after a comma group: 1,400.000 → 1,400,000"),
    (re.compile(r"(?:^|(?<=\s))[|_]+(?:\s+|$)"), "", "a bar or underscore left of a rule: _ 120 → 120"),
    (
        re.compile(r"(?:^|(?<=\s))_+(?=[△\d])"),
        "",
        "an underscore glued to a figure (no figure starts on the baseline: the foot of a rule): _58.4 → 58.4",
    ),
    (
        re.compile(r"^[-_|~'.,:;Oo]+\s*(?=[〇○◯●])"),
        "",
        "a speck or the bullet read twice before a bullet: -〇観光客入込数, O〇ウェルフェア… → 〇…",
    ),
    (
        re.compile(r"^((?:目\s*標|実\s*績)\s*[（(][^（()）0-9]{1,6}?)[0O]?\s*$"),
        r"\1)",
        "a row label's closing bracket lost or read as a zero: 目標(%0 → 目標(%), 実績(件 → 実績(件)",
    ),
    (
        re.compile(r"^((?:目\s*標|実\s*績)\s*[（(][^（()）0-9]{1,6}[）)])[0O]$"),
        r"\1",
        "a row label's closing bracket read twice, restored and again as a zero glued to it (no cell is "
        "printed that close to its label): 目標(%)0 → 目標(%)",
    ),
    (
        re.compile(r"^((?:目\s*標|実\s*績))\s*(?=[^（()）0-9\s]{1,6}[）)]\s*$)"),
        r"\1(",
        "a row label's opening bracket lost: 目標%) → 目標(%)",
    ),
    (
        re.compile(r"(?<=[一-鿿ぁ-んァ-ヶ])\s*[.,'`]+$"),
        "",
        "a speck read as a Latin stop after Japanese at a line's end (Japanese ends with 。): 中止. → 中止",
    ),
    (
        re.compile(r"(?<=\S)\s+[「『（(［\[【〔]$"),
        "",
        "a speck read as an opening bracket after a line's last word: 中止 「 → 中止 (no line ends with "
        "an opening bracket: Japanese line breaking forbids it)",
    ),
    (
        re.compile(r"(?<![\w.])A(?=\d[\d,]*\.\d+(?!\w))"),
        "△",
        "the minus triangle read as a Latin A before a decimal figure: A21.2 → △21.2",
    ),
)
"""Corrections of what Tesseract's ``jpn`` model misreads in figures, applied to every
recognised line. At the resolution of an office scan a comma and a full stop differ by a
pixel or two, and Japanese reports write thousands with commas and decimals with at most
two places (``21.2``, ``△1.5``), so a full stop followed by exactly three digits after a
number that does not start with 0 is a comma; a real ``0.125`` keeps its full stop. The
triangle that marks a negative figure (△) comes out as ``A``; only an ``A`` glued to a
decimal figure is taken for it, so designations such as ``A4`` are left alone."""


VERTICAL_FIXES: tuple[tuple[re.Pattern[str], str, str], ...] = (
    (
        re.compile(r"(?<!\d)[-‐－―—](?!\d)"),
        "一",
        "a hyphen (not between figures) in a column of vertical writing is the kanji 一: 第-項 → 第一項",
    ),
    (
        re.compile(r"(?<![ァ-ヴー])ー"),
        "一",
        "a long-vowel mark that follows no katakana is 一: ーの五 → 一の五; メートル keeps its ー",
    ),
)
"""Corrections of what ``jpn_vert`` misreads, applied to its vertical lines only: set
vertically, the kanji 一 is a short stroke across the column, which it reads as a hyphen
or as the long-vowel mark (whose vertical form is a stroke down the column)."""


def fix_vertical_reading(text: str) -> str:
    """``第-項`` → ``第一項``; ``ーの五`` → ``一の五``; ``メートル`` unchanged."""
    for pattern, replacement, _why in VERTICAL_FIXES:
        text = pattern.sub(replacement, text)
    return text


ERA_START = {"R": 2018, "H": 1988, "S": 1925}  # 令和, 平成, 昭和: western year - era year
YEAR_COLUMN = re.compile(
    r"(?:^[-_~'.,:;|]+\s*)?(?P<era>[RHS])(?P<read>[^\s（(]{0,3}?)\s*(?P<rest>[（(]\s*(?P<year>\d{4})\s*[）)]\s*年度)"
)
"""A year column of a table header as recognised: ``R1 (2019)年度``, ``R] (2019)年度``,
``-R]1 (2019)年度``, ``H30 (2018)年度``."""


def _year_column(match: re.Match[str]) -> str:
    """The era year of a year column that does not read as one, restored from the western
    year printed beside it (the header states the year twice): ``R] (2019)`` → ``R1 (2019)``.
    An era year that reads as digits is kept even when it disagrees, and so is 元."""
    read, era = match["read"], match["era"]
    if read.isdigit() or read == "元":
        return f"{era}{read} {match['rest']}" if match.group(0)[0] in "-_~'.,:;|" else match.group(0)
    return f"{era}{int(match['year']) - ERA_START[era]} {match['rest']}"


def fix_reading(text: str) -> str:
    """``1.500`` → ``1,500``; ``15,.600,000`` → ``15,600,000``; ``A21.2`` → ``△21.2``;
    ``△21.2``, ``0.125``, ``A4`` unchanged."""
    for pattern, replacement, _why in FIXES:
        text = pattern.sub(replacement, text)
    return YEAR_COLUMN.sub(_year_column, text).strip()


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
    tesseract = shutil.which("tesseract")
    if tesseract is None:
        return "tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-jpn tesseract-ocr-jpn-vert)"
    try:  # asked directly: importing pytesseract (and the pandas it imports) costs a second
        listed = subprocess.run([tesseract, "--list-langs"], capture_output=True, text=True, check=False)
    except OSError as exc:  # a broken installation: say so rather than fail every page
        return f"tesseract does not run: {exc}"
    if listed.returncode not in (0, 1):
        return f"tesseract does not run: exit status {listed.returncode}: {listed.stderr.strip()}"
    languages = {line.strip() for line in listed.stdout.splitlines()}  # after a heading: one model a line
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


Word = dict[str, Any]
"""One word of Tesseract's image_to_data (text, conf, box, key of its line …)."""

Ruling = tuple[float, float, float, float]
"""A drawn rule in points: (x0, top, x1, bottom)."""


# --- image preparation ----------------------------------------------------------------------


def render(page: Any, dpi: int = OCR_DPI) -> Image.Image:
    """A PyMuPDF page as a grey PIL image."""
    from PIL import Image

    from nenpo.extractors.mupdf import pymupdf

    pix = page.get_pixmap(dpi=dpi, colorspace=pymupdf.csGRAY, alpha=False)
    return Image.frombytes("L", (pix.width, pix.height), pix.samples)


def _skew(image: Image.Image) -> float:
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


def _runs(mask: npt.NDArray[np.bool_], length: int) -> list[tuple[int, int, int]]:
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


def _bridged(ink: npt.NDArray[np.bool_]) -> npt.NDArray[np.bool_]:
    """`ink` with one-pixel holes along each row filled: copier speckle breaks a rule into
    pieces shorter than a rule."""
    out = ink.copy()
    out[:, 1:-1] |= ink[:, :-2] & ink[:, 2:]
    return out


def _extended(
    mask: npt.NDArray[np.bool_], box: tuple[int, int, int, int], limit: int, gap: int
) -> tuple[int, int, int, int]:
    """A rule's box (x0, y0, x1, y1; along x in `mask`) lengthened over the thin ink that
    continues it, across holes up to `gap` pixels and at most `limit` pixels each way.

    A hairline scanned grey breaks where the grain lightens it, and the piece left past the
    break is too short to be a rule: unpainted, it is read as a ``1`` beside a cell's
    figure (``159`` for ``59``). Ink that reaches beyond the rule's thickness (a glyph
    touching its end) stops the lengthening."""
    x0, y0, x1, y1 = box
    width = mask.shape[1]
    import numpy as np

    inside: list[bool] = np.asarray(mask[max(y0 - 1, 0) : y1 + 2].any(axis=0)).tolist()
    above: list[bool] = np.asarray(mask[max(y0 - 4, 0) : max(y0 - 1, 0)].any(axis=0)).tolist()
    below: list[bool] = np.asarray(mask[y1 + 2 : y1 + 5].any(axis=0)).tolist()
    outside = [a or b for a, b in zip(above or [False] * width, below or [False] * width)]

    def reach(start: int, step: int) -> int:
        last, x = start, start
        while 0 <= x < width and abs(x - start) <= limit:
            if outside[x]:
                break
            if inside[x]:
                last = x
            elif abs(x - last) > gap:
                break
            x += step
        return last

    return reach(x0, -1), y0, reach(x1 - 1, 1) + 1, y1


def _rules(
    image: Image.Image, dpi: int
) -> tuple[list[tuple[int, int, int, int]], list[tuple[int, int, int, int]], Image.Image]:
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
    limit, gap = shortest, int(RULE_GAP_PT * px)
    horizontal = [_extended(ink, b, limit, gap) for b in _bands(_runs(_bridged(ink), shortest)) if rule(*b)]
    vertical = [
        (y0, x0, y1, x1)
        for x0, y0, x1, y1 in (
            _extended(ink.T, b, limit, gap) for b in _bands(_runs(_bridged(ink.T), shortest)) if rule(*b)
        )
    ]
    cleaned = pixels.copy()
    for x0, y0, x1, y1 in horizontal + vertical:
        cleaned[max(y0 - 1, 0) : y1 + 2, max(x0 - 1, 0) : x1 + 1] = 255
    return horizontal, vertical, Image.fromarray(cleaned)


def prepare(image: Image.Image, dpi: int = OCR_DPI) -> tuple[Image.Image, tuple[Ruling, ...], float]:
    """Straighten, find rules, clean: (image for Tesseract, rules in points, skew)."""
    from PIL import Image, ImageFilter

    skew = _skew(image)
    if skew:
        image = image.rotate(skew, resample=Image.Resampling.BICUBIC, fillcolor=255)
    horizontal, vertical, cleaned = _rules(image, dpi)
    scale = 72.0 / dpi
    rulings = tuple(
        (x0 * scale, (y0 + y1) / 2 * scale, x1 * scale, (y0 + y1) / 2 * scale) for x0, y0, x1, y1 in horizontal
    ) + tuple(((x0 + x1) / 2 * scale, y0 * scale, (x0 + x1) / 2 * scale, y1 * scale) for x0, y0, x1, y1 in vertical)
    return cleaned.filter(ImageFilter.MedianFilter(3)), rulings, skew


# --- recognition ------------------------------------------------------------------------------


def _words(image: Image.Image, language: str, psm: int = 3, whitelist: str = "") -> list[Word]:
    import pytesseract

    config = f"--psm {psm}" + (f" -c tessedit_char_whitelist={whitelist}" if whitelist else "")
    data = pytesseract.image_to_data(image, lang=language, config=config, output_type=pytesseract.Output.DICT)
    words = []
    for i, text in enumerate(data["text"]):
        text = text.strip()
        conf = float(data["conf"][i])
        if not text or conf < 0:
            continue
        words.append(
            {
                "text": text,
                "conf": conf / 100.0,
                "key": (data["block_num"][i], data["par_num"][i], data["line_num"][i]),
                "box": (
                    data["left"][i],
                    data["top"][i],
                    data["left"][i] + data["width"][i],
                    data["top"][i] + data["height"][i],
                ),
            }
        )
    return words


def _line(words: list[Word], scale: float, vertical: bool) -> OcrLine:
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
        text=fix_vertical_reading(fix_reading(text)) if vertical else fix_reading(text),
        bbox=(x0, top, x1, bottom),
        size=_thickness(words, vertical) * scale,
        conf=round(conf, 4),
        vertical=vertical,
        words=tuple((w["text"], tuple(v * scale for v in w["box"])) for w in words),
    )


def _thickness(words: list[Word], vertical: bool) -> float:
    """Median word height (horizontal lines) or width (vertical ones), in pixels."""
    sizes = sorted((w["box"][2] - w["box"][0]) if vertical else (w["box"][3] - w["box"][1]) for w in words)
    return float(sizes[len(sizes) // 2]) or 1.0


def _is_vertical(words: list[Word]) -> bool:
    x0 = min(w["box"][0] for w in words)
    x1 = max(w["box"][2] for w in words)
    y0 = min(w["box"][1] for w in words)
    y1 = max(w["box"][3] for w in words)
    return sum(len(w["text"]) for w in words) >= 2 and (y1 - y0) > 1.5 * (x1 - x0)


def _blank_gap(ink: npt.NDArray[np.bool_] | None, left: Word, right: Word, height: float) -> bool:
    """Is the gap between two words of a horizontal line blank paper on the image? Its
    widest run of columns without ink must reach ``BLANK_GAP`` line heights: Tesseract
    may box a word short (``支援`` boxed over ``援`` alone), leaving glyphs in a "gap" that
    is none. Without an image every gap counts as blank."""
    if ink is None:
        return True
    top = min(left["box"][1], right["box"][1])
    bottom = max(left["box"][3], right["box"][3])
    import numpy as np

    columns: list[bool] = np.asarray(ink[top:bottom, left["box"][2] : right["box"][0]].any(axis=0)).tolist()
    widest = run = 0
    for inked in columns:
        run = 0 if inked else run + 1
        widest = max(widest, run)
    return widest >= BLANK_GAP * height


def _lines(words: list[Word], dpi: float, ink: npt.NDArray[np.bool_] | None = None) -> list[OcrLine]:
    """Tesseract's lines, cut where a gap between words is wider than ``CUT_GAP`` heights
    and blank on the image (`ink`, when given)."""
    groups: dict[tuple[int, ...], list[Word]] = {}
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
            if word["box"][axis] - run[-1]["box"][axis + 2] > CUT_GAP * height and (
                vertical or _blank_gap(ink, run[-1], word, height)
            ):
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
            box = (
                min(p.bbox[0] for p in parts),
                min(p.bbox[1] for p in parts),
                max(p.bbox[2] for p in parts),
                max(p.bbox[3] for p in parts),
            )
            out.append(
                OcrLine(
                    "".join(p.text for p in parts),
                    box,
                    box[3] - box[1],
                    min(p.conf for p in parts),
                    False,
                    tuple(w for p in parts for w in p.words),
                )
            )
        elif i not in gone:
            out.append(line)
    return out


def _crop_for_vote(
    image: Image.Image,
    bbox: tuple[float, float, float, float],
    dpi: float,
    margin: float,
    glyph_px: float,
    scales: tuple[float, float],
    size: float | None = None,
    black_and_white: bool = False,
) -> tuple[tuple[int, int, int, int], float, Image.Image]:
    """A box (points) cut out of the page to be read again on its own: (the crop's box in
    pixels, the factor it was scaled by, the crop). The box is widened by `margin` of its
    height on every side, turned to black and white when asked (copier grain is what hides
    a lone ``1`` or a comma), and scaled so that glyphs `size` points high (the box's height
    when None) become `glyph_px` pixels high, within `scales` (lowest, highest factor)."""
    from PIL import Image

    x0, top, x1, bottom = (v * dpi / 72 for v in bbox)
    widen = margin * (bottom - top)
    box = (
        max(0, int(x0 - widen)),
        max(0, int(top - widen)),
        min(image.width, int(x1 + widen) + 1),
        min(image.height, int(bottom + widen) + 1),
    )
    crop = image.crop(box)
    if black_and_white:
        crop = crop.point(lambda v: 0 if v < DARK else 255)
    height = size * dpi / 72 if size is not None else bottom - top
    factor = min(scales[1], max(scales[0], glyph_px / max(height, 1.0)))
    if factor != 1.0:
        crop = crop.resize(
            (max(1, round(crop.width * factor)), max(1, round(crop.height * factor))), Image.Resampling.BICUBIC
        )
    return box, factor, crop


def _reread(image: Image.Image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Lines Tesseract was unsure of, read again on their own: a figure in a cell beside a
    rule (``棚20`` for ``120``), a title in large bold type. Each is cut out with a margin,
    scaled so that its glyphs are about ``TARGET_TEXT_PX`` high, and all of them are
    stacked on one sheet and read in one ``tesseract`` run (``--psm 4``: one column of
    lines); a new reading replaces the old one when it is surer."""
    from PIL import Image

    lines = _merge_fragments(lines)
    unsure = [
        i for i, l in enumerate(lines) if not l.vertical and l.conf < REREAD_BELOW and len(l.text) <= REREAD_CHARS
    ]
    if not unsure:
        return lines
    crops = []
    for i in unsure:
        crops.append(
            (
                i,
                *_crop_for_vote(
                    image, lines[i].bbox, dpi, 0.4, REREAD_TEXT_PX, (REREAD_MIN_SCALE, REREAD_MAX_SCALE), lines[i].size
                ),
            )
        )
    gap = 2 * TARGET_TEXT_PX
    found: dict[int, list[Word]] = {}
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
        placed = [
            dict(
                w,
                box=(
                    box[0] + (w["box"][0] - gap) / factor,
                    box[1] + (w["box"][1] - top) / factor,
                    box[0] + (w["box"][2] - gap) / factor,
                    box[1] + (w["box"][3] - top) / factor,
                ),
            )
            for w in sorted(words, key=lambda w: w["box"][0])
        ]
        again = _line(placed, 72 / dpi, False)
        if again.conf > lines[i].conf:
            out[i] = OcrLine(again.text, lines[i].bbox, lines[i].size, again.conf, False, again.words)
    return _reread_figures(image, out, dpi, [i for i, _, _, _ in crops])


def _reread_figures(image: Image.Image, lines: list[OcrLine], dpi: float, tried: list[int]) -> list[OcrLine]:
    """Short lines (a figure in a cell) still unsure after ``_reread``, read one at a time
    as a single line (``--psm 7``), at most ``FIGURES_PER_PAGE`` of them."""

    out = list(lines)
    short = [i for i in tried if out[i].conf < REREAD_BELOW and len(out[i].text) <= FIGURE_CHARS]
    for i in short[:FIGURES_PER_PAGE]:
        line = out[i]
        box, _, crop = _crop_for_vote(image, line.bbox, dpi, 0.4, 0.0, (2.0, 2.0))
        words = _words(crop, "jpn", psm=7)
        if not words:
            continue
        moved = [
            dict(
                w,
                box=(
                    box[0] + w["box"][0] / 2,
                    box[1] + w["box"][1] / 2,
                    box[0] + w["box"][2] / 2,
                    box[1] + w["box"][3] / 2,
                ),
            )
            for w in words
        ]
        again = _line(moved, 72 / dpi, False)
        if again.conf > line.conf:
            out[i] = OcrLine(again.text, line.bbox, line.size, again.conf, False, again.words)
    return out


def _missed(image: Image.Image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
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
            ink[max(0, top - margin) : bottom + margin, max(0, x0 - margin) : x1 + margin] = False
    b = MISSED_BLOCK
    h, w = ink.shape[0] // b, ink.shape[1] // b
    blocks = ink[: h * b, : w * b].reshape(h, b, w, b).sum(axis=(1, 3)) >= MISSED_INK
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


CELL_FIGURES_PER_PAGE = 16  # unsure missed ink in ruled cells read by the two voters


def in_ruled_cell(box: tuple[float, float, float, float], rulings: tuple[Ruling, ...]) -> bool:
    """Whether ``box`` (points) lies inside a cell of a ruled grid: a horizontal rule above
    and below it and a vertical rule left and right of it, each running past its middle."""
    x0, top, x1, bottom = box
    mx, my = (x0 + x1) / 2, (top + bottom) / 2
    flat = [r for r in rulings if r[2] - r[0] >= r[3] - r[1]]
    upright = [r for r in rulings if r[2] - r[0] < r[3] - r[1]]
    return (
        any(r[0] <= mx <= r[2] and r[1] <= top for r in flat)
        and any(r[0] <= mx <= r[2] and r[1] >= bottom for r in flat)
        and any(r[1] <= my <= r[3] and r[0] <= x0 for r in upright)
        and any(r[1] <= my <= r[3] and r[0] >= x1 for r in upright)
    )


def _cell_figures(image: Image.Image, spots: list[OcrLine], rulings: tuple[Ruling, ...], dpi: float) -> list[OcrLine]:
    """Missed ink the reading of ``_reread`` was unsure of (a lone ``5`` or ``１`` in a cell,
    which Tesseract's layout analysis dropped), kept when it lies in a cell of a ruled grid
    and both voters, reading its crop alone in black and white (``jpn``, and ``eng``
    restricted to ``FIGURE_CHARSET``; one line, ``--psm 7``, then one glyph, ``--psm 10``),
    agree on one figure (``VOTE_DIGITS``). Ink they do not agree on stays unread."""
    from PIL import ImageOps

    if "eng" not in _languages():
        return []
    out = []
    for spot in [s for s in spots if in_ruled_cell(s.bbox, rulings)][:CELL_FIGURES_PER_PAGE]:
        _, _, crop = _crop_for_vote(
            image, spot.bbox, dpi, 0.3, VOTE_TEXT_PX, (1.0, REREAD_MAX_SCALE), black_and_white=True
        )
        alone = ImageOps.expand(crop, border=TARGET_TEXT_PX, fill=255)
        blank = OcrLine("", spot.bbox, spot.size, 0.0, False, ())
        for psm in (7, 10):
            agreed = _agreed(  # against a blank line: an unsure first reading gets no say
                blank, _words(alone, "jpn", psm=psm), _words(alone, "eng", psm=psm, whitelist=FIGURE_CHARSET)
            )
            if agreed is not None:
                out.append(agreed)
                break
    return out


FIGURE_CHARSET = "0123456789,.()%"  # what the second reading of a figure may contain
VOTE_CHARS = 12  # lines this short are voted on when they hold a digit or Tesseract was unsure
VOTE_TEXT_PX = 34  # glyph height the voters read at (smaller print is enlarged)
VOTE_DIGITS = re.compile(r"^[△(（]?\d[\d,]*(?:\.\d+)?[)）%％]?$")
"""What two voters must agree on to replace a reading: one figure, ``1,251``, ``(220,000)``,
``21.2``, ``5.0%``; its sign is the image's (``_negative_marks``)."""

ALONE_PER_PAGE = 16  # figures the voters disagreed on, read once more on their own

VOTE_START = re.compile(r"^[△(（]?\d[\d,.]*\d")
"""An unsure line of any length that starts with a figure is voted on too: a second reading
of its box may have brought in ink beside it (``1,400,000<ユーニー ニーーょ``)."""


def _middle(words: list[Word]) -> float:
    middle: float = sum(w["box"][1] + w["box"][3] for w in words) / (2 * len(words))
    return middle


def _sheet_read(crops: list[Image.Image], language: str, psm: int, whitelist: str = "") -> dict[int, list[Word]]:
    """Crops stacked on sheets (under ``SHEET_MAX_PX``) and read in one run per sheet:
    {index of the crop: the words, left to right, of the text line at its middle} (a
    figure's box may take in the top of the line under it: ``1,930,000`` over
    ``(220,000)`` in one cell)."""
    from PIL import Image

    gap = 2 * TARGET_TEXT_PX
    found: dict[int, list[Word]] = {}
    start = 0
    while start < len(crops):
        end, height = start, gap
        while end < len(crops) and (end == start or height + crops[end].height + gap <= SHEET_MAX_PX):
            height += crops[end].height + gap
            end += 1
        sheet = Image.new("L", (max(c.width for c in crops[start:end]) + 2 * gap, height), 255)
        spans, y = [], gap
        for crop in crops[start:end]:
            sheet.paste(crop, (gap, y))
            spans.append((y, y + crop.height))
            y += crop.height + gap
        lines: dict[tuple[int, tuple[int, ...]], list[Word]] = {}
        for word in _words(sheet, language, psm=psm, whitelist=whitelist):
            middle = (word["box"][1] + word["box"][3]) / 2
            k = next((k for k, (a, b) in enumerate(spans) if a <= middle <= b), None)
            if k is not None:
                lines.setdefault((k, word["key"]), []).append(word)
        for k, (a, b) in enumerate(spans):  # of the text lines in a crop, the one at its middle
            here = [words for (kk, _), words in lines.items() if kk == k]
            if here:
                found[start + k] = min(here, key=lambda ws: abs(_middle(ws) - (a + b) / 2))
        start = end
    return {k: sorted(words, key=lambda w: w["box"][0]) for k, words in found.items()}


def _vote_figures(image: Image.Image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Short lines that hold a digit, or that Tesseract was unsure of (and unsure lines that
    start with a figure, ``VOTE_START``), read twice more from
    a black-and-white copy of their box (grey copier grain is what makes a lone ``1`` or a
    comma disappear): by ``jpn`` and by ``eng`` restricted to digits and separators
    (``FIGURE_CHARSET``). When the two agree on one figure (``VOTE_DIGITS``) that figure
    replaces the first reading (``あとら]`` → ``1,251``); when they disagree the first
    reading stands, with its confidence, and the findings report it if it is unsure."""
    from PIL import ImageOps

    if "eng" not in _languages():
        return lines
    candidates = [
        i
        for i, l in enumerate(lines)
        if not l.vertical
        and l.text.strip()
        and (
            len(l.text.replace(" ", "")) <= VOTE_CHARS
            and (any(c.isdigit() for c in l.text) or l.conf < REREAD_BELOW or _no_letters(l.text))
            or lone_among_figures(l, lines)
            or VOTE_START.match(l.text)
            and l.conf < REREAD_BELOW
        )
    ]
    lone = {i for i in candidates if lone_among_figures(lines[i], lines)}
    if not candidates:
        return lines
    crops = []
    for i in candidates:
        _, _, crop = _crop_for_vote(
            image, lines[i].bbox, dpi, 0.3, VOTE_TEXT_PX, (1.0, REREAD_MAX_SCALE), lines[i].size, black_and_white=True
        )
        crops.append(crop)
    by_jpn = _sheet_read(crops, "jpn", psm=4)
    by_eng = _sheet_read(crops, "eng", psm=4, whitelist=FIGURE_CHARSET)
    out = list(lines)
    undecided = []
    for k, i in enumerate(candidates):
        agreed = _agreed(lines[i], by_jpn.get(k, []), by_eng.get(k, []))
        if agreed is not None:
            out[i] = agreed
        elif _unsettled(lines[i]) or i in lone:
            undecided.append(k)
    # a figure the voters disagreed on is read once more alone, as one line (--psm 7): on
    # a sheet of many crops Tesseract's layout analysis may join a crop's line with its
    # neighbours' (``1.400.000`` against ``1,400,000``) or drop a lone ``1`` altogether
    for k in undecided[:ALONE_PER_PAGE]:
        i = candidates[k]
        alone = ImageOps.expand(crops[k], border=TARGET_TEXT_PX, fill=255)
        agreed = _agreed(
            lines[i],
            _words(alone, "jpn", psm=7),
            _words(alone, "eng", psm=7, whitelist=FIGURE_CHARSET),
        )
        if agreed is not None:
            out[i] = agreed
    return out


LONE_CHARS = 2  # a cell's reading this short, with no digit, may be a lone figure misread


def lone_among_figures(line: OcrLine, lines: list[OcrLine]) -> bool:
    """A glyph or two with no digit (``り`` for a lone ``5``) in a table of figures: a
    figure is printed on its row and one starts where it starts in the column above or
    below it (within a glyph's height)."""
    text = line.text.replace(" ", "")
    if line.vertical or not 0 < len(text) <= LONE_CHARS or any(c.isdigit() for c in text):
        return False
    x0, top, _, bottom = line.bbox
    middle, height = (top + bottom) / 2, bottom - top
    figures = [l for l in lines if l is not line and VOTE_DIGITS.match(l.text.replace(" ", ""))]
    on_row = any(l.bbox[1] <= middle <= l.bbox[3] for l in figures)
    in_column = any(abs(l.bbox[0] - x0) <= height and not l.bbox[1] <= middle <= l.bbox[3] for l in figures)
    return on_row and in_column


def _no_letters(text: str) -> bool:
    """A line of marks only (``]``, ``|``, ``.``): on a table page, often a lone digit
    misread (``１`` read as ``]``)."""
    return not any(c.isalpha() for c in text)


def _agreed(line: OcrLine, jpn_words: list[Word], eng_words: list[Word]) -> OcrLine | None:
    """The line as the two voters read it, when they agree on one figure that differs from
    the first reading; else None. The minus triangle only ``jpn`` can read (``eng`` is
    restricted to ``FIGURE_CHARSET``): ``△21.2`` by ``jpn`` and ``21.2`` by ``eng`` agree."""
    jpn, eng = (_unmatched_close("".join(w["text"] for w in words).strip()) for words in (jpn_words, eng_words))
    if jpn == eng and line.text.startswith("△") and not jpn.startswith("△"):
        jpn = eng = "△" + jpn  # the sign read before (``A21.2``), which ``eng`` cannot give
    if jpn.startswith("△") and jpn[1:] == eng:
        eng = jpn  # the sign ``jpn`` read (``A21.2``, see ``FIXES``), which ``eng`` has no glyph for
    if jpn != eng or not VOTE_DIGITS.match(jpn) or jpn == line.text:
        return None
    conf = round(min(sum(w["conf"] for w in ws) / len(ws) for ws in (jpn_words, eng_words)), 4)
    return OcrLine(jpn, line.bbox, line.size, max(conf, line.conf), False, ((jpn, line.bbox),))


def _unmatched_close(text: str) -> str:
    """A reading with its trailing closing bracket dropped when it opened none: a speck
    beside a lone figure read as a bracket by the digits-only voter (``0)`` for ``0``)."""
    text = fix_reading(text)
    if text[-1:] in ")）" and not any(c in "(（" for c in text):
        return text[:-1]
    return text


def _unsettled(line: OcrLine) -> bool:
    """A line the vote should settle and did not: it starts with a figure but is not one
    (``71,400,000ババnn``), it is marks only (``]``), or it is short, holds a digit and
    Tesseract was unsure of it."""
    text = line.text.strip()
    if VOTE_DIGITS.match(text):
        return line.conf < REREAD_BELOW
    return (
        bool(VOTE_START.match(text)) or _no_letters(text) or any(c.isdigit() for c in text) and line.conf < REREAD_BELOW
    )


FIGURE_LINE = re.compile(r"^(?P<prefix>[^\d()（）+\-−]{0,3}?)\s*(?P<figure>\d[\d,]*(?:\.\d+)?)(?P<rest>\s*[%％]?)$")
"""A cell that holds one figure, perhaps after what Tesseract made of a sign it cannot
read: ``21.2``, ``へ1.5``, ``へハ21.2``, ``ム1.5``, ``A21.2``, ``1,251``, ``5.0%``."""

TRIANGLE_ASPECT = (0.7, 1.7)  # width / height of a printed △ or ▲
TRIANGLE_APEX = 0.45  # the top quarter's rows span at most this share of the width
TRIANGLE_BASE = 0.80  # the bottom quarter's rows span at least this share of it, and
TRIANGLE_BASE_INK = 0.75  # a row in its bottom quarter is this solid (a base, not two legs as in A)
TRIANGLE_BELOW = 0.1  # share of its height that may lie under the base (speckle, not a stem)
TRIANGLE_MIDDLE = (0.3, 0.8)  # share of the width the middle row spans (it widens steadily:
TRIANGLE_STEADY = 0.9  # the rows' spans correlate this well with their height on the glyph)
TRIANGLE_OFF_CENTRE = 0.15  # the apex is this close to the middle of the width
TRIANGLE_REACH = 1.2  # line heights left of a figure where its sign may stand


def _glyph_boxes(ink: npt.NDArray[np.bool_]) -> list[tuple[int, int, int, int]]:
    """(x0, top, x1, bottom) of the runs of inked columns of a strip, left to right."""
    import numpy as np

    cols = ink.any(axis=0)
    padded = np.pad(cols, 1).astype(np.int8)
    starts = np.nonzero(np.diff(padded) == 1)[0]
    ends = np.nonzero(np.diff(padded) == -1)[0]
    out = []
    for a, b in zip(starts.tolist(), ends.tolist()):
        rows = np.nonzero(ink[:, a:b].any(axis=1))[0]
        out.append((a, int(rows[0]), b, int(rows[-1]) + 1))
    return out


def is_triangle(ink: npt.NDArray[np.bool_]) -> bool:
    """Is this glyph (a boolean array cut to its ink) the triangle that marks a negative
    figure (△, ▲)? Its rows widen steadily from an apex at the middle of the top to a
    solid base: a Latin A stands on two legs, a 4 on a stem, a 2 or 7 is wide at the top,
    and a boxed kanji (画, 出) is as wide at its middle as at its base."""
    import numpy as np

    height, width = ink.shape
    solid_rows = np.nonzero(ink.sum(axis=1) >= TRIANGLE_BASE_INK * width)[0]
    if not solid_rows.size or height - 1 - solid_rows[-1] > TRIANGLE_BELOW * height:
        return False  # a stem under the bar, as in 4
    ink = ink[: solid_rows[-1] + 1]  # what is left below the base is copier speckle
    height = ink.shape[0]
    if height < 5 or not TRIANGLE_ASPECT[0] <= width / height <= TRIANGLE_ASPECT[1]:
        return False
    spans, centres = [], []
    for row in ink:
        cols = np.nonzero(row)[0]
        spans.append((cols[-1] - cols[0] + 1) / width if cols.size else 0.0)
        centres.append((cols[-1] + cols[0]) / 2 / width if cols.size else 0.5)
    quarter = max(1, height // 4)
    apex = sum(spans[:quarter]) / quarter
    base = sum(spans[-quarter:]) / quarter
    middle = spans[height // 2]
    steady = float(np.corrcoef(np.arange(height), spans)[0, 1]) if np.std(spans) > 0 else 0.0
    centred = abs(sum(centres[:quarter]) / quarter - 0.5) <= TRIANGLE_OFF_CENTRE
    return (
        apex <= TRIANGLE_APEX
        and base >= TRIANGLE_BASE
        and TRIANGLE_MIDDLE[0] <= middle <= TRIANGLE_MIDDLE[1]
        and steady >= TRIANGLE_STEADY
        and centred
    )


def _negative_marks(image: Image.Image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Figures whose sign Tesseract cannot read: the ``jpn`` model has no △ in its
    character set, so a negative figure comes back as ``へ1.5``, ``A21.2`` or plain
    ``1.5``. For every line that reads as one figure (``FIGURE_LINE``) the first glyph on
    the image, within ``TRIANGLE_REACH`` line heights left of it, is looked at: when it is
    a triangle (`is_triangle`) the figure's prefix becomes ``△``; otherwise the line is
    left as read."""
    import numpy as np

    pixels = np.asarray(image)
    scale = dpi / 72
    out = []
    for line in lines:
        found = None if line.vertical else FIGURE_LINE.match(line.text)
        if found is None or found["prefix"] == "△":
            out.append(line)
            continue
        x0, top, x1, bottom = (v * scale for v in line.bbox)
        height = bottom - top
        left = max(0, int(x0 - TRIANGLE_REACH * height))
        strip = pixels[max(0, int(top - 0.2 * height)) : int(bottom + 0.2 * height) + 1, left : int(x1) + 1] < DARK
        glyphs = [g for g in _glyph_boxes(strip) if g[3] - g[1] >= 0.4 * height]  # not specks nor a comma
        if glyphs and is_triangle(strip[glyphs[0][1] : glyphs[0][3], glyphs[0][0] : glyphs[0][2]]):
            text = "△" + found["figure"] + found["rest"]
            out.append(OcrLine(text, line.bbox, line.size, line.conf, False, line.words))
        else:
            out.append(line)
    return out


RING_ASPECT = (0.8, 1.25)  # width / height of a printed 〇 (a Latin O or a 0 is narrower)
RING_CORNER = 0.15  # share of the side of each corner square of its box, which a ring leaves blank
RING_CORNER_INK = 0.1  # share of a corner square's pixels that may be ink (speckle)
RING_HOLE = 0.25  # share of the box the enclosed blank inside a ring covers at least
RING_CENTRE = 0.5  # share of the side of the square at its centre, which a ring leaves blank
RING_CENTRE_INK = 0.02  # (speckle aside): a circled figure (①, ②) has its figure there
RING_OFF_CENTRE = 0.15  # the enclosed blank's centre is this close to the box's centre
RING_MIN_HEIGHT = 0.9  # line heights: a bullet is as tall as a kanji (a speck or a Latin o is shorter)
RING_REACH = 1.5  # line heights left of a line's box where its bullet may stand
RING_AGREE = 0.7  # the line read again without its bullet is at least this alike to the first reading
RING_PER_PAGE = 8  # lines read again after a bullet, at most


def is_ring(ink: npt.NDArray[np.bool_]) -> bool:
    """Is this glyph (a boolean array cut to its ink) the circle that starts an item or a
    KPI label (〇)? It is about as wide as high, its corners are blank, and its ink closes
    around a blank centre: a Latin O or a 0 is narrower, 口 and 回 fill their corners, a
    circled figure (①) has ink at its centre, and の or つ leave their inside open to the
    paper around them."""
    import numpy as np

    height, width = ink.shape
    if height < 8 or not RING_ASPECT[0] <= width / height <= RING_ASPECT[1]:
        return False
    side = max(1, round(RING_CORNER * min(height, width)))
    corners = (ink[:side, :side], ink[:side, -side:], ink[-side:, :side], ink[-side:, -side:])
    if any(c.mean() > RING_CORNER_INK for c in corners):
        return False
    a, b = round((1 - RING_CENTRE) / 2 * height), round((1 - RING_CENTRE) / 2 * width)
    if ink[a : height - a, b : width - b].mean() > RING_CENTRE_INK:
        return False
    outside = np.zeros((height + 2, width + 2), dtype=bool)  # paper reached from the border
    blank = np.pad(~ink, 1, constant_values=True)
    outside[0, :] = outside[-1, :] = outside[:, 0] = outside[:, -1] = True
    while True:  # grow the outside through blank pixels (4-neighbours) until it stops
        grown = outside.copy()
        grown[1:, :] |= outside[:-1, :]
        grown[:-1, :] |= outside[1:, :]
        grown[:, 1:] |= outside[:, :-1]
        grown[:, :-1] |= outside[:, 1:]
        grown &= blank
        if (grown == outside).all():
            break
        outside = grown
    hole = blank[1:-1, 1:-1] & ~outside[1:-1, 1:-1]
    if hole.mean() < RING_HOLE:
        return False
    rows, cols = np.nonzero(hole)
    return bool(
        abs(rows.mean() / height - 0.5) <= RING_OFF_CENTRE and abs(cols.mean() / width - 0.5) <= RING_OFF_CENTRE
    )


CJK_START = re.compile(r"^[\u3040-\u30ff\u4e00-\u9fff々]")
"""A reading that starts with kana or a kanji: what follows a bullet (``ウェルフェア…``)."""


def _ring_bullets(image: Image.Image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Lines whose bullet Tesseract misread, given it back: copier grain beside the circle
    that starts an item or a KPI label can make ``〇ウェルフェア…`` come out as
    ``- つウェルフェア…``, and the label is then no label. For a horizontal line that does
    not start with a bullet (``BULLET_START``), the first glyph on the image at its start
    (ink at least ``RING_MIN_HEIGHT`` line heights tall, within ``RING_REACH`` line
    heights left of its box) is looked at; when it is a ring (`is_ring`), what follows the
    ring is read again on its own (``--psm 7``), and the line becomes ``〇`` and that
    reading when the reading starts with Japanese and is at least ``RING_AGREE`` alike to
    the first one (the two readings cross-check each other; the shape alone says only that
    a circle is printed there)."""
    import difflib

    import numpy as np
    from PIL import Image, ImageOps

    pixels = np.asarray(image)
    scale = dpi / 72
    out = list(lines)
    tried = 0
    for i, line in enumerate(lines):
        if tried >= RING_PER_PAGE:
            break
        if line.vertical or len(line.text) < 3 or BULLET_START.match(line.text):
            continue
        x0, top, x1, bottom = (v * scale for v in line.bbox)
        height = line.size * scale
        band = (max(0, int(top - 0.3 * height)), min(pixels.shape[0], int(bottom + 0.3 * height) + 1))
        left = max(0, int(x0 - RING_REACH * height))
        strip = pixels[band[0] : band[1], left : int(min(x1, x0 + 3 * height)) + 1] < DARK
        glyphs = [g for g in _glyph_boxes(strip) if g[3] - g[1] >= RING_MIN_HEIGHT * height]
        if not glyphs or not is_ring(strip[glyphs[0][1] : glyphs[0][3], glyphs[0][0] : glyphs[0][2]]):
            continue
        tried += 1
        ring_right = left + glyphs[0][2]
        box = (ring_right + 1, band[0], min(image.width, int(x1 + 0.4 * height) + 1), band[1])
        factor = min(REREAD_MAX_SCALE, max(REREAD_MIN_SCALE, REREAD_TEXT_PX / max(height, 1.0)))
        crop = image.crop(box)
        crop = crop.resize(
            (max(1, round(crop.width * factor)), max(1, round(crop.height * factor))), Image.Resampling.BICUBIC
        )
        words = _words(ImageOps.expand(crop, border=TARGET_TEXT_PX, fill=255), "jpn", psm=7)
        if not words:
            continue
        placed = [
            dict(
                w,
                box=(
                    box[0] + (w["box"][0] - TARGET_TEXT_PX) / factor,
                    box[1] + (w["box"][1] - TARGET_TEXT_PX) / factor,
                    box[0] + (w["box"][2] - TARGET_TEXT_PX) / factor,
                    box[1] + (w["box"][3] - TARGET_TEXT_PX) / factor,
                ),
            )
            for w in sorted(words, key=lambda w: w["box"][0])
        ]
        rest = _line(placed, 72 / dpi, False)
        first = re.sub(r"\s", "", line.text)
        again = re.sub(r"\s", "", rest.text)
        if not CJK_START.match(again) or difflib.SequenceMatcher(None, first, again).ratio() < RING_AGREE:
            continue
        g = glyphs[0]
        ring = ((left + g[0]) / scale, (band[0] + g[1]) / scale, ring_right / scale, (band[0] + g[3]) / scale)
        bbox = (ring[0], min(line.bbox[1], ring[1]), line.bbox[2], max(line.bbox[3], ring[3]))
        out[i] = OcrLine(
            fix_reading("〇" + rest.text),
            bbox,
            line.size,
            min(line.conf, rest.conf),
            False,
            (("〇", ring), *rest.words),
        )
    return out


SPECK_HEIGHT = 0.4  # line heights: ink shorter than this at a figure's ends is a speck (or a comma)
SPECK_MIN_PT = 2.0  # a box is trimmed only when this much of it goes


def _trimmed_to_glyphs(image: Image.Image, lines: list[OcrLine], dpi: float) -> list[OcrLine]:
    """Boxes of figures cut to their glyphs: Tesseract stretches a figure's box over copier
    speckle beside it (``110`` boxed from 15 points left of its ``1``), which can put the
    figure outside its column. For a line that reads as one figure (``FIGURE_LINE``),
    specks (ink less than ``SPECK_HEIGHT`` line heights tall) at either end of its box are
    left out of the box; the text is unchanged."""
    import numpy as np

    pixels = np.asarray(image)
    scale = dpi / 72
    out = []
    for line in lines:
        if line.vertical or not FIGURE_LINE.match(line.text):
            out.append(line)
            continue
        x0, top, x1, bottom = (int(round(v * scale)) for v in line.bbox)
        height = max(bottom - top, 1)
        glyphs = [g for g in _glyph_boxes(pixels[top:bottom, x0:x1] < DARK) if g[3] - g[1] >= SPECK_HEIGHT * height]
        if not glyphs:
            out.append(line)
            continue
        left, right = x0 + glyphs[0][0], x0 + glyphs[-1][2]
        if (left - x0) + (x1 - right) < SPECK_MIN_PT * scale:
            out.append(line)
            continue
        box = (left / scale, line.bbox[1], right / scale, line.bbox[3])
        words = tuple((t, (max(b[0], box[0]), b[1], min(b[2], box[2]), b[3])) for t, b in line.words)
        out.append(OcrLine(line.text, box, line.size, line.conf, False, words))
    return out


def _same_row(a: OcrLine, b: OcrLine, share: float) -> bool:
    """Do two horizontal lines overlap vertically by `share` of the lower one's height?"""
    overlap = min(a.bbox[3], b.bbox[3]) - max(a.bbox[1], b.bbox[1])
    return overlap >= share * min(a.bbox[3] - a.bbox[1], b.bbox[3] - b.bbox[1])


def _rejoin(lines: list[OcrLine], found: list[OcrLine]) -> list[OcrLine]:
    """`found` lines (glyphs recovered from missed ink) put in among `lines`: one that sits
    on a line's row closer than ``CUT_GAP`` heights is joined to it (the ``）`` of
    ``R1（2019）年度`` closes the gap that had split its line); the others take their
    place after the line they follow on their row, or after the last line above them.
    The order of `lines` is kept."""
    out = list(lines)
    for spot in sorted(found, key=lambda l: l.bbox[0]):
        joined = False
        for i, line in enumerate(out):
            if line.vertical or not _same_row(line, spot, 0.6):
                continue
            left, right = (line, spot) if line.bbox[0] <= spot.bbox[0] else (spot, line)
            height = max(line.bbox[3] - line.bbox[1], spot.bbox[3] - spot.bbox[1])
            if -0.2 * height <= right.bbox[0] - left.bbox[2] <= CUT_GAP * height:
                out[i] = _joined(left, right)
                joined = True
                break
        if not joined:
            out.insert(_place(out, spot), spot)
    return out


def _joined(left: OcrLine, right: OcrLine) -> OcrLine:
    chars = len(left.text) + len(right.text)
    box = (
        left.bbox[0],
        min(left.bbox[1], right.bbox[1]),
        max(left.bbox[2], right.bbox[2]),
        max(left.bbox[3], right.bbox[3]),
    )
    return OcrLine(
        fix_reading(left.text + right.text),
        box,
        max(left.size, right.size),
        round((left.conf * len(left.text) + right.conf * len(right.text)) / max(chars, 1), 4),
        False,
        left.words + right.words,
    )


def _place(lines: list[OcrLine], spot: OcrLine) -> int:
    """Where a recovered line goes in the page's order: after the line left of it on its
    row, else after the last line that ends above it."""
    beside = [
        i for i, l in enumerate(lines) if not l.vertical and _same_row(l, spot, 0.5) and l.bbox[2] <= spot.bbox[0]
    ]
    if beside:
        return max(beside, key=lambda i: lines[i].bbox[2]) + 1
    above = [i for i, l in enumerate(lines) if l.bbox[3] <= spot.bbox[1] + 1]
    return max(above, key=lambda i: lines[i].bbox[3]) + 1 if above else 0


def _rows_left_to_right(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines that follow each other in Tesseract's order and share a row put left to right.

    Tesseract orders the cells of a table row by their tops, which a residual tilt of a
    pixel decides (``R2（2020）年度`` before ``R1（2019）年度``); a text layer, and the
    readers that work from its order, give a row's cells left to right. Only neighbours in
    the order are moved, so the columns of a page in two columns stay apart."""
    out: list[OcrLine] = []
    run: list[OcrLine] = []
    for line in [*lines, None]:
        if line is not None and run and not line.vertical and not run[0].vertical and _same_row(run[0], line, 0.5):
            run.append(line)
            continue
        out.extend(sorted(run, key=lambda l: l.bbox[0]))
        run = [line] if line is not None else []
    return out


BULLET_START = re.compile(r"^[〇○◯●・※◆■□]")
"""A line that starts an item or a label (``〇知的財産交流会の参加者数``, the next column's
label beside a line): never the rest of another line."""


def _reattach(lines: list[OcrLine]) -> list[OcrLine]:
    """Pieces of one printed line that Tesseract put in different blocks, joined again.

    Its layout analysis may cut a long line in two at an ordinary word gap and put the
    right-hand piece at the end of the page (``③市内の魅力ある観光資源を市民に`` …
    ``認識していただけるよう、…``), which breaks the reading order the text-order readers
    rely on. A line that starts closer than ``CUT_GAP`` line heights right of another on
    the same row, does not follow it in Tesseract's order and does not start an item
    (``BULLET_START``), is joined to it: had the two been one line of Tesseract's,
    ``_lines`` would not have cut them either."""
    out = list(lines)
    moved = True
    while moved:
        moved = False
        for i, piece in enumerate(out):
            if piece.vertical:
                continue
            if BULLET_START.match(piece.text):
                continue  # an item or a label starts there: a line of its own
            for j, left in enumerate(out):
                if j in (i, i - 1) or left.vertical or not _same_row(left, piece, 0.6):
                    continue
                height = max(left.bbox[3] - left.bbox[1], piece.bbox[3] - piece.bbox[1])
                if -0.2 * height <= piece.bbox[0] - left.bbox[2] <= CUT_GAP * height:
                    out[j] = _joined(left, piece)
                    del out[i]
                    moved = True
                    break
            if moved:
                break
    return out


ALIGN_PT = 3.0  # left edges this close start one column
COLUMN_REACH = 10  # line heights above and below a row where its column's other cells are looked for
COLUMN_GAP = 0.3  # line heights: two cells of a row are at least this far apart
COLUMN_LINES = 2  # other lines that must start at a column's left edge
CELL_END = re.compile(r"[\d)）%％]$")
"""How a cell of figures ends: ``59 (新規38件・変更21件)``, ``1,500``, ``5.0%``."""
CELL_START = re.compile(r"^(?:[△▲(（]?\d|中止)")
"""How a cell of figures starts: ``64 (新規40件…``, ``△1.5``, ``(60,000)``, ``中止``."""


def _column_cuts(lines: list[OcrLine]) -> list[OcrLine]:
    """Cells of an unruled table row that Tesseract read as one line, cut apart where the
    lines around them show a column starts: ``59 (新規38件・変更21件) 64 (新規40件・変更24件)``
    → two cells, because the figures above and below ``64`` (and the year header over
    them) start at its left edge. A line is cut before a word only when that word starts a
    figure (``CELL_START``), the words before it are a cell of figures (``CELL_START``,
    ``CELL_END``), the gap before it is at least ``COLUMN_GAP`` line heights, and at least
    ``COLUMN_LINES`` other lines within ``COLUMN_REACH`` line heights start where it does
    (within ``ALIGN_PT``); prose, whose words align with nothing, is never cut."""
    starts = [(l.bbox[0], (l.bbox[1] + l.bbox[3]) / 2) for l in lines if not l.vertical]
    out: list[OcrLine] = []
    for line in lines:
        out.extend(_cut_at_columns(line, starts) if not line.vertical and len(line.words) > 1 else [line])
    return out


def _cut_at_columns(line: OcrLine, starts: list[tuple[float, float]]) -> list[OcrLine]:
    height = line.bbox[3] - line.bbox[1]
    middle = (line.bbox[1] + line.bbox[3]) / 2
    pieces: list[list[tuple[str, tuple[float, float, float, float]]]] = [[line.words[0]]]
    for word in line.words[1:]:
        x = word[1][0]
        aligned = sum(1 for x0, y in starts if abs(x0 - x) <= ALIGN_PT and 0 < abs(y - middle) <= COLUMN_REACH * height)
        before = _words_text(pieces[-1])
        apart = x - pieces[-1][-1][1][2] >= COLUMN_GAP * height
        if (
            apart
            and aligned >= COLUMN_LINES
            and CELL_START.match(before)
            and CELL_END.search(before)
            and CELL_START.match(word[0])
        ):
            pieces.append([])
        pieces[-1].append(word)
    if len(pieces) == 1:
        return [line]
    out = []
    for words in pieces:
        box = (
            min(b[0] for _, b in words),
            min(b[1] for _, b in words),
            max(b[2] for _, b in words),
            max(b[3] for _, b in words),
        )
        out.append(OcrLine(fix_reading(_words_text(words)), box, line.size, line.conf, False, tuple(words)))
    return out


def _words_text(words: list[tuple[str, tuple[float, float, float, float]]]) -> str:
    """Words of a horizontal line (boxes in points) joined as ``_line`` joins them."""
    height = max(b[3] - b[1] for _, b in words)
    text = words[0][0]
    for (a, abox), (b, bbox) in zip(words, words[1:]):
        latin = a[-1].isascii() and b[0].isascii() and not (a[-1].isdigit() and b[0].isdigit())
        text += (" " if bbox[0] - abox[2] > (SPACE_GAP if latin else CJK_SPACE_GAP) * height else "") + b
    return text


SPECK_CONF = 0.5  # a digit read from ink smaller than a glyph, with less confidence than this, is a speck


def _not_specks(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines without the digits Tesseract made of a speck: a line holding a digit, read
    with confidence under ``SPECK_CONF`` from a box less than ``MISSED_MIN_PT`` high (no
    printed digit is that small), is dropped (``1`` boxed 1 point high beside ``50``,
    confidence 0.16, joined the cell as ``50\n1``). Small marks that are no digits
    (``－`` for a figure not reported, ``・``) are kept."""
    return [
        l
        for l in lines
        if l.vertical
        or l.conf >= SPECK_CONF
        or l.bbox[3] - l.bbox[1] >= MISSED_MIN_PT
        or not any(c.isdigit() for c in l.text)
    ]


def recognise(image: Image.Image, rulings: tuple[Ruling, ...], skew: float, dpi: float = OCR_DPI) -> OcrPage:
    """Tesseract on a prepared image (see ``prepare``); runs in the calling thread, the
    recognition itself in a ``tesseract`` process."""
    started = time.perf_counter()
    import numpy as np

    lines = _reread(image, _lines(_words(image, "jpn"), dpi, np.asarray(image) < DARK), dpi)
    spots = _missed(image, lines, dpi)
    if len(spots) <= MISSED_MAX_SPOTS:  # more is noise or a picture, not a few lost figures
        # a lone bracket or stroke is the tail of a glyph already read, not a lost one
        read = _reread(image, spots, dpi)
        found = [l for l in read if l.conf >= MISSED_CONF and any(c.isalnum() for c in l.text)]
        found += _cell_figures(image, [l for l in read if l not in found], rulings, dpi)
        lines = _rejoin(lines, found) if found else lines
    lines = _column_cuts(_reattach(_ring_bullets(image, lines, dpi)))
    lines = _trimmed_to_glyphs(image, _vote_figures(image, _not_specks(lines), dpi), dpi)
    lines = _rows_left_to_right(_negative_marks(image, lines, dpi))
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


def ocr_page(image: Image.Image, dpi: int = OCR_DPI) -> OcrPage:
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
        enlarged = prepared.resize(
            (round(prepared.width * factor), round(prepared.height * factor)), Image.Resampling.BICUBIC
        )
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
        running: dict[Future[OcrPage], int] = {}
        for number in numbers:
            running[pool.submit(ocr_page, render_page(number), dpi)] = number
            if len(running) >= workers:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    results[running.pop(future)] = future.result()
        for future, number in running.items():
            results[number] = future.result()
    return results
