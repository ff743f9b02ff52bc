"""Typeset text line by line in the order given, on A4 portrait pages: layout (b).

    python -m nenpo.samples.layouts.text_order IN.txt OUT.pdf

A PDF's text layer reads in some order; this writes lines in exactly that order, one
text line per printed line, so a reader meets the report the way a text extractor meets
it. KPI blocks (a year-header line, then 目標 / 実績 rows) and census tables (業種 stub,
group header, H26(2014)… year header, then rows of numbers) are drawn as ruled tables:
cells with grid lines. Blocks flow across page breaks wherever they fall, so a table's
header can sit at the foot of one page and its rows at the head of the next.

`lay_out` returns every drawn string with its source line, page and bbox, which the
sample generator turns into ground truth; `render_text_order` writes the PDF.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from nenpo.samples.layout import FONT as GOTHIC
from nenpo.samples.layout import find_font

PAGE_WIDTH, PAGE_HEIGHT = A4
BBox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Style:
    """Type and rules of one typesetting."""

    font: str = GOTHIC
    font_file: Path | None = None  # None: IPAexGothic from `layout.find_font`
    size: float = 9.0
    leading: float = 1.45
    margin_x: float = 48.0
    margin_top: float = 50.0
    margin_bottom: float = 50.0
    ruled: bool = True
    heading_size: float = 11.0  # lines `HEADING` matches; equal to `size` for body-size headings
    page_numbers: bool = False
    ascent: float = 0.88  # IPAex fonts: the glyph box starts 0.88 em above the baseline

    @property
    def width(self) -> float:
        return PAGE_WIDTH - 2 * self.margin_x

    @property
    def line_height(self) -> float:
        return self.size * self.leading


def register(style: Style) -> None:
    if style.font not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(style.font, str(style.font_file or find_font())))


# --- block grammar -------------------------------------------------------------------

YEAR_CELL = r"[RＲHＨ][0-9０-９元]{1,2}[（(][0-9]{4}[）)]年度"
KPI_YEAR_HEADER = re.compile(rf"^\s*{YEAR_CELL}(?:\s+{YEAR_CELL})+\s*$")
"""The year header of a KPI block: `R1（2019）年度 R2（2020）年度`, `R１（2019）年度 R２（2020）年度`."""

KPI_ROW = re.compile(r"^\s*((?:目\s*標|実\s*績)[（(][^）)]*[）)])\s*(.*?)\s*$")
"""A KPI row: `目 標（件） 90 95`, `実績（万人） 15,600,000 12,760,000`, `目標（人） 1,930,000`."""

VALUE_TOKEN = re.compile(
    r"^(?:[△▲]?[0-9０-９][0-9０-９,，.．]*[%％]?(?:（[^）]*）)?|[(（][0-9０-９,，]+[)）]|中止|－|―|-)$"
)
"""One printed KPI value: `201`, `１`, `1,520,000`, `59（新規38件・変更21件）`, `(220,000)`, `中止`."""

SUB_VALUE = re.compile(r"^[(（][0-9０-９,，]+[)）]$")
"""A value printed under another in the same cell: `(220,000)`."""

CENSUS_YEARS = re.compile(r"^\s*(?:[HRＨＲ][0-9０-９]{1,2}[(（][0-9]{4}[)）]\s*){2,}$")
"""The year header of a census table: `H26(2014) H28(2016) H26(2014) H28(2016)`."""

CENSUS_GROUPS = re.compile(r"^\s*(\S+)\s+(\S+)\s*$")
"""The group header above it: `事業所数 構成比`."""

CENSUS_NUMBER = re.compile(r"^[△▲]?[0-9０-９][0-9０-９,，.．]*[%％]?$")
"""A census cell: `4,078`, `9.6%`, `0`."""

HEADING = re.compile(r"^\s*(?:[１-９]{1,2}\s\S|[①-⑳]\s\S{2,20}\s*$|図表\s)")
"""Lines set as headings: `４ 令和２（2020）年度中小企業活性化施策の実施状況`, `③ 業種別事業所数`, `図表 …`."""


@dataclass
class Cell:
    col: int
    lines: list[tuple[str, int]]  # (text, source line index)
    span: int = 1
    drop: float = 0.0  # lowered by this many ems: a group name below its row's stub reads after it


@dataclass
class Row:
    cells: list[Cell]
    rule_from_col: int = 0  # columns left of this continue a cell from the row above


@dataclass
class Table:
    kind: str  # "kpi" or "census"
    widths: list[float]
    rows: list[Row]


def _next_nonblank(lines: list, i: int) -> int:
    while i < len(lines) and isinstance(lines[i], str) and not lines[i].strip():
        i += 1
    return i


def _split_values(tokens: list[tuple[str, int]], columns: int) -> list[list[tuple[str, int]]]:
    """Group value tokens into cells: a sub-value `(220,000)` joins the cell before it."""
    cells: list[list[tuple[str, int]]] = []
    for token, src in tokens:
        if SUB_VALUE.match(token) and cells:
            cells[-1].append((token, src))
        else:
            cells.append([(token, src)])
    while len(cells) > columns and len(cells) > 1:  # more values than years: keep them, last cell
        last = cells.pop()
        cells[-1].extend(last)
    return cells


def parse_kpi_block(lines: list, i: int) -> tuple[Table, int] | None:
    """A KPI block starting at line i (its year header); returns the table and the next line."""
    if not KPI_YEAR_HEADER.match(lines[i]):
        return None
    years = lines[i].split()
    rows: list[tuple[tuple[str, int], list[tuple[str, int]]]] = []
    j = i + 1
    while True:
        k = _next_nonblank(lines, j)
        if k >= len(lines) or not isinstance(lines[k], str):
            break
        row = KPI_ROW.match(lines[k])
        tokens = lines[k].split()
        if row:
            rows.append(((row.group(1), k), [(t, k) for t in row.group(2).split()]))
        elif rows and tokens and all(VALUE_TOKEN.match(t) for t in tokens):
            rows[-1][1].extend((t, k) for t in tokens)
        else:
            break
        j = k + 1
    if not rows:
        return None
    label_width = 110.0
    value_width = 130.0
    table = Table("kpi", [label_width] + [value_width] * len(years), [])
    table.rows.append(Row([Cell(0, [])] + [Cell(c + 1, [(y, i)]) for c, y in enumerate(years)]))
    for label, values in rows:
        cells = _split_values(values, len(years))
        table.rows.append(Row([Cell(0, [label])] + [Cell(c + 1, cell) for c, cell in enumerate(cells)]))
    return table, j


def parse_census_block(lines: list[str], i: int) -> tuple[Table, int] | None:
    """A census table starting at line i: stub `業種大分類`, groups `事業所数 構成比`, years, rows."""
    stub_at = i
    groups_at = _next_nonblank(lines, stub_at + 1)
    years_at = _next_nonblank(lines, groups_at + 1)
    if years_at >= len(lines) or not all(isinstance(lines[n], str) for n in (groups_at, years_at)):
        return None
    stub = lines[stub_at].strip()
    groups = CENSUS_GROUPS.match(lines[groups_at])
    if not (stub and " " not in stub and groups and CENSUS_YEARS.match(lines[years_at])):
        return None
    years = lines[years_at].split()
    per_group = len(years) // 2
    rows: list[Row] = []
    j = years_at + 1
    while True:
        k = _next_nonblank(lines, j)
        if k >= len(lines) or not isinstance(lines[k], str):
            break
        tokens = lines[k].split()
        if len(tokens) <= len(years) or not all(CENSUS_NUMBER.match(t) for t in tokens[-len(years) :]):
            break
        label = " ".join(tokens[: -len(years)])
        rows.append(Row([Cell(0, [(label, k)])] + [Cell(c + 1, [(t, k)]) for c, t in enumerate(tokens[-len(years) :])]))
        j = k + 1
    if not rows:
        return None
    header = [
        Row(
            [Cell(0, [(stub, stub_at)])]
            + [
                Cell(1 + g * per_group, [(name, groups_at)], span=per_group, drop=0.6)
                for g, name in enumerate(groups.groups())
            ]
        ),
        Row([Cell(0, [])] + [Cell(c + 1, [(y, years_at)]) for c, y in enumerate(years)], rule_from_col=1),
    ]
    return Table("census", [170.0] + [70.0] * len(years), header + rows), j


BLOCK_PARSERS = (parse_kpi_block, parse_census_block)


# --- flowing lines onto pages ----------------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """One drawn string: its source line, page (1-based) and bbox (x0, top, x1, bottom)."""

    line: int
    page: int
    bbox: BBox
    text: str


@dataclass
class Layout:
    style: Style
    pages: list[list[tuple]] = field(default_factory=list)  # per page: ("text", x, top, s, size) / ("line", …)
    placed: list[Placed] = field(default_factory=list)
    top: float = 0.0
    keep_rows: int | None = None

    @property
    def bottom(self) -> float:
        return PAGE_HEIGHT - self.style.margin_bottom

    def new_page(self) -> None:
        self.pages.append([])
        self.top = self.style.margin_top

    def ensure(self, height: float) -> None:
        if not self.pages or self.top + height > self.bottom:
            self.new_page()

    def text(self, x: float, top: float, s: str, size: float, src: int) -> None:
        self.pages[-1].append(("text", x, top, s, size))
        width = pdfmetrics.stringWidth(s, self.style.font, size)
        self.placed.append(
            Placed(src, len(self.pages), (round(x, 2), round(top, 2), round(x + width, 2), round(top + size, 2)), s)
        )

    def rule(self, x0: float, top0: float, x1: float, top1: float) -> None:
        if self.style.ruled:
            self.pages[-1].append(("line", x0, top0, x1, top1))

    def fitted_size(self, s: str, size: float, width: float) -> float:
        """Shrink a line too long for the measure rather than break it: one line stays one line."""
        natural = pdfmetrics.stringWidth(s, self.style.font, size)
        return size if natural <= width else max(4.0, size * width / natural * 0.995)

    def line(self, s: str, src: int) -> None:
        stripped = s.rstrip()
        body = stripped.lstrip(" \u3000\t")
        if not body:
            return
        indent = (len(stripped) - len(body)) * self.style.size * 0.5
        size = self.style.heading_size if HEADING.match(body) else self.style.size
        height = size * self.style.leading
        self.ensure(height)
        x = self.style.margin_x + indent
        self.text(x, self.top, body, self.fitted_size(body, size, self.style.width - indent), src)
        self.top += height

    def gap(self) -> None:
        if self.pages and self.top > self.style.margin_top:
            self.top += self.style.line_height * 0.4

    def table(self, table: Table) -> None:
        """Row by row; a row that does not fit starts a new page (the header is not repeated)."""
        size = self.style.size
        pad = 3.0
        x_of = [self.style.margin_x]
        for w in table.widths:
            x_of.append(x_of[-1] + w)
        right = x_of[-1]
        heights = [max(len(c.lines) * 1.25 + c.drop for c in row.cells) * size + 2 * pad for row in table.rows]
        if self.keep_rows is not None:
            kept = sum(heights[: self.keep_rows])
            if not self.pages or self.top + kept > self.bottom:
                self.new_page()
            self.top = max(self.top, self.bottom - kept)
            self.keep_rows = None
        for row, height in zip(table.rows, heights):
            starts_page = not self.pages or self.top + height > self.bottom
            if starts_page:
                self.new_page()
            row_top = self.top
            rule_from = 0 if starts_page else row.rule_from_col
            self.rule(x_of[rule_from], row_top, right, row_top)
            for cell in row.cells:
                x0, x1 = x_of[cell.col], x_of[cell.col + cell.span]
                for k, (s, src) in enumerate(cell.lines):
                    cell_size = self.fitted_size(s, size, x1 - x0 - 2 * pad)
                    self.text(x0 + pad, row_top + pad + (k * 1.25 + cell.drop) * size, s, cell_size, src)
            bottom = row_top + height
            for x in x_of:
                self.rule(x, row_top, x, bottom)
            self.rule(x_of[0], bottom, right, bottom)
            self.top = bottom
        self.top += self.style.line_height * 0.4


def lay_out(lines: list[str | Table], style: Style = Style()) -> Layout:
    """Flow `lines` onto pages: tables for KPI and census blocks, one printed line per line else.

    Items may also be ready-made `Table`s and two directives: a form feed ("\\f") starts a new
    page; "\\x0bkeep=N" places the next table so that only its first N rows fit on the page."""
    register(style)
    layout = Layout(style)
    i = 0
    while i < len(lines):
        item = lines[i]
        if isinstance(item, Table):
            layout.table(item)
            i += 1
            continue
        if item == "\f":
            if layout.pages and layout.pages[-1]:
                layout.new_page()
            i += 1
            continue
        if item.startswith("\x0bkeep="):
            layout.keep_rows = int(item.split("=", 1)[1])
            i += 1
            continue
        if not item.strip():
            layout.gap()
            while i < len(lines) and isinstance(lines[i], str) and not lines[i].strip():
                i += 1
            continue
        for parse in BLOCK_PARSERS:
            found = parse(lines, i)
            if found:
                table, i = found
                layout.table(table)
                break
        else:
            layout.line(item, i)
            i += 1
    if not layout.pages:
        layout.new_page()
    return layout


def write_layout(
    layout: Layout, out: Path, *, title: str | None = None, cover_image: Image.Image | None = None
) -> Path:
    """Write the pages to `out`, byte-for-byte reproducibly (reportlab's invariant mode).

    `cover_image` puts a first page that is only that image (no text layer)."""
    style = layout.style
    register(style)
    out.parent.mkdir(parents=True, exist_ok=True)
    c = canvas.Canvas(str(out), pagesize=A4, invariant=1, pageCompression=1, initialFontName=style.font)
    if title:
        c.setTitle(title)
    c.setCreator("nenpo sample generator")
    if cover_image is not None:
        c.drawImage(ImageReader(cover_image), 0, 0, width=PAGE_WIDTH, height=PAGE_HEIGHT)
        c.showPage()
    offset = 1 if cover_image is not None else 0
    for number, ops in enumerate(layout.pages, start=1 + offset):
        for op in ops:
            if op[0] == "text":
                _, x, top, s, size = op
                c.setFont(style.font, size)
                c.drawString(x, PAGE_HEIGHT - top - size * style.ascent, s)
            else:
                _, x0, top0, x1, top1 = op
                c.setLineWidth(0.6)
                c.line(x0, PAGE_HEIGHT - top0, x1, PAGE_HEIGHT - top1)
        if style.page_numbers:
            c.setFont(style.font, style.size)
            label = f"- {number} -"
            c.drawCentredString(PAGE_WIDTH / 2, style.margin_bottom / 2, label)
        c.showPage()
    c.save()
    return out


def render_text_order(lines: list[str], out: Path, *, title: str | None = None) -> Path:
    """Write `lines` in the given order onto A4 portrait pages (no cover); return `out`.

    `title` goes into the PDF's metadata only; nothing is printed beyond the lines."""
    return write_layout(lay_out(lines), Path(out), title=title)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python -m nenpo.samples.layouts.text_order IN.txt OUT.pdf", file=sys.stderr)
        return 2
    source, out = Path(args[0]), Path(args[1])
    lines = source.read_text(encoding="utf-8").splitlines()
    render_text_order(lines, out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
