"""Drawing primitives for the sample editions: A4 landscape pages set in IPAexGothic.

Coordinates are (x, top) in PDF points from the top-left corner, the convention of
pdfplumber and PyMuPDF, so the bboxes written to the ground truth are directly
comparable with what the extractors report.

Each drawing operation is queued with a *layer*; a page is written layer by layer.
Real report sheets are assembled from boxes whose content-stream order has little to do
with reading order (an indicator label can come long after its table); layers let the
samples reproduce that, so extractors must use positions rather than text order.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4, landscape
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from nenpo.core.errors import NenpoError

PAGE_WIDTH, PAGE_HEIGHT = landscape(A4)
FONT = "IPAexGothic"
MARGIN = 30.0
GUTTER = 16.0
COLUMN_WIDTH = (PAGE_WIDTH - 2 * MARGIN - GUTTER) / 2
LEFT_X = MARGIN
RIGHT_X = MARGIN + COLUMN_WIDTH + GUTTER

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf",
    "/usr/share/fonts/truetype/ipaexfont-gothic/ipaexg.ttf",
)


class FontNotFound(NenpoError, RuntimeError):
    pass


def find_font() -> Path:
    """IPAexGothic: $NENPO_FONT, Debian's fonts-ipaexfont, or the copy in japanize-matplotlib."""
    candidates = [os.environ.get("NENPO_FONT", "")] + list(FONT_CANDIDATES)
    spec = importlib.util.find_spec("japanize_matplotlib")
    if spec and spec.submodule_search_locations:
        candidates.append(os.path.join(spec.submodule_search_locations[0], "fonts", "ipaexg.ttf"))
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise FontNotFound(
        "IPAexGothic not found: install the 'samples' extra (pip install -e '.[samples]'), "
        "Debian's fonts-ipaexfont, or set NENPO_FONT to an ipaexg.ttf"
    )


def register_font() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(find_font())))


def text_width(text: str, size: float) -> float:
    register_font()
    return pdfmetrics.stringWidth(text, FONT, size)


def wrap(text: str, width: float, size: float) -> list[str]:
    """Break Japanese text into lines no wider than `width` (any character may break)."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and text_width(current + ch, size) > width:
            lines.append(current)
            current = ch
        else:
            current += ch
    if current:
        lines.append(current)
    return lines


@dataclass
class Op:
    layer: int
    kind: str
    args: tuple


@dataclass
class Page:
    """One page being laid out; `number` is 1-based."""

    number: int
    ops: list[Op] = field(default_factory=list)

    def text(
        self, x: float, top: float, s: str, size: float = 9.0, layer: int = 1
    ) -> tuple[float, float, float, float]:
        """Queue a string whose glyph box starts at (x, top); return its bbox."""
        self.ops.append(Op(layer, "text", (x, top, s, size)))
        return (x, top, x + text_width(s, size), top + size)

    def line(self, x0: float, top0: float, x1: float, top1: float, layer: int = 1, width: float = 0.6) -> None:
        self.ops.append(Op(layer, "line", (x0, top0, x1, top1, width)))

    def rect(self, x0: float, top: float, x1: float, bottom: float, layer: int = 1) -> None:
        self.ops.append(Op(layer, "rect", (x0, top, x1, bottom)))

    def paragraph(
        self, x: float, top: float, s: str, width: float, size: float = 9.0, layer: int = 1, leading: float = 1.35
    ) -> float:
        """Queue wrapped text; return the top of the next free line."""
        for line in wrap(s, width, size):
            self.text(x, top, line, size, layer)
            top += size * leading
        return top

    def block(
        self, x: float, top: float, s: str, width: float, size: float = 9.0, layer: int = 1, leading: float = 1.35
    ) -> tuple[float, tuple[float, float, float, float]]:
        """Queue wrapped text; return the top of the next free line and the bbox of the text."""
        boxes = []
        for line in wrap(s, width, size):
            boxes.append(self.text(x, top, line, size, layer))
            top += size * leading
        bbox = (min(b[0] for b in boxes), boxes[0][1], max(b[2] for b in boxes), boxes[-1][3])
        return top, bbox

    def render(self, c: canvas.Canvas) -> None:
        for op in sorted(self.ops, key=lambda o: o.layer):
            if op.kind == "text":
                x, top, s, size = op.args
                c.setFont(FONT, size)
                # reportlab places the baseline; IPAexGothic's ascent is 0.88 em.
                c.drawString(x, PAGE_HEIGHT - top - size * 0.88, s)
            elif op.kind == "line":
                x0, top0, x1, top1, width = op.args
                c.setLineWidth(width)
                c.line(x0, PAGE_HEIGHT - top0, x1, PAGE_HEIGHT - top1)
            elif op.kind == "rect":
                x0, top, x1, bottom = op.args
                c.setLineWidth(0.8)
                c.rect(x0, PAGE_HEIGHT - bottom, x1 - x0, bottom - top, stroke=1, fill=0)


def write_pdf(path: Path, pages: list[Page], title: str) -> None:
    """Write pages to `path`, byte-for-byte reproducibly (reportlab's invariant mode)."""
    register_font()
    path.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(
        str(path), pagesize=(PAGE_WIDTH, PAGE_HEIGHT), invariant=1, pageCompression=1, initialFontName=FONT
    )
    c.setTitle(title)
    c.setAuthor("川崎市")
    c.setCreator("nenpo sample generator")
    for page in pages:
        page.render(c)
        c.showPage()
    c.save()
