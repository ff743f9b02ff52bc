"""Positions on a budget-book page: rows of cells and the columns the header row names.

Columns come from the page's vertical rulings where it has them (each header claims the
ruled interval around its centre; ruled intervals without a header, such as the gutter of a
facing-page spread, hold nothing), else from the header cells themselves (the boundaries
half-way between neighbouring headers, an amount column ending at its 千円 unit mark).
Words are placed by their left edge and amounts by their right edge, as they are printed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nenpo.extractors.families.budget_book.lines import AMOUNT_RE, PAGE_NUMBER_RE, Vocabulary, compact
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.pages import PageText, Ruling

MIN_HEIGHT = 3.0  # points: lines lower than this are hidden labels, not print
SNAP = 2.0  # points: rulings closer than this are one
MIN_RULE = 20.0  # points: shorter vertical strokes are glyph outlines, not column rules


@dataclass(frozen=True)
class Cell:
    text: str  # normalised
    raw: str
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def mid_y(self) -> float:
        return (self.top + self.bottom) / 2

    @property
    def is_amount(self) -> bool:
        return AMOUNT_RE.match(self.text) is not None

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (self.x0, self.top, self.x1, self.bottom)


@dataclass
class Row:
    cells: list[Cell] = field(default_factory=list)

    @property
    def top(self) -> float:
        return min(c.top for c in self.cells)

    @property
    def bbox(self) -> tuple[float, float, float, float]:
        return (
            min(c.x0 for c in self.cells),
            self.top,
            max(c.x1 for c in self.cells),
            max(c.bottom for c in self.cells),
        )


@dataclass(frozen=True)
class Column:
    kind: str
    x0: float
    x1: float
    amount: bool


def page_cells(page: PageText, x_offset: float = 0.0) -> list[Cell]:
    cells = []
    for line in page.lines:
        x0, top, x1, bottom = line.bbox
        text = normalise_text(line.text)
        if not text or PAGE_NUMBER_RE.match(text) or bottom - top < MIN_HEIGHT or line.vertical:
            continue
        cells.append(Cell(text, line.text, x0 + x_offset, top, x1 + x_offset, bottom))
    return cells


def rows(cells: list[Cell]) -> list[Row]:
    """Cells grouped into printed rows: a cell joins the row whose first cell's middle is within
    half a line height of its own middle (the text layer's order is not used: some files
    list a page bottom to top)."""
    out: list[Row] = []
    for cell in sorted(cells, key=lambda c: (c.mid_y, c.x0)):
        tol = max(2.5, (cell.bottom - cell.top) * 0.6)
        if out and abs(out[-1].cells[0].mid_y - cell.mid_y) <= tol:
            out[-1].cells.append(cell)
        else:
            out.append(Row([cell]))
    return out


@dataclass(frozen=True)
class Header:
    kinds: set[str]
    bottom: float
    columns: tuple[Column, ...]
    ruled: bool


def find_header(cells: list[Cell], rulings: list[Ruling], vocab: Vocabulary) -> Header | None:
    """The table header of a page: the band of header cells around the topmost cell naming an
    amount column, and the columns it names."""
    labelled = [(c, vocab.column_kind(c.text)) for c in cells]
    labelled = [(c, k) for c, k in labelled if k is not None]
    anchors = [c for c, k in labelled if k in ("current", "amount")]
    if not anchors:
        return None
    anchor = min(anchors, key=lambda c: c.top)
    band = [(c, k) for c, k in labelled if anchor.top - 14 <= c.top <= anchor.bottom + 14]
    kinds = {k for _, k in band}
    bottom = max(c.bottom for c, _ in band)
    units = [c for c in cells if compact(c.text) == "千円" and bottom - 2 <= c.top <= bottom + 24]
    vertical = _verticals(rulings, anchor.top)
    columns = _ruled(band, vertical, vocab) if len(vertical) >= 3 else ()
    ruled = bool(columns)
    if not columns:
        columns = _unruled(band, units, vocab)
    return Header(kinds, max([bottom] + [u.bottom for u in units]), columns, ruled)


def _verticals(rulings: list[Ruling], top: float) -> list[float]:
    xs = sorted(r.x0 for r in rulings if not r.horizontal and r.bottom > top and r.bottom - r.top >= MIN_RULE)
    snapped: list[float] = []
    for x in xs:
        if not snapped or x - snapped[-1] > SNAP:
            snapped.append(x)
    return snapped


def _ruled(band, xs: list[float], vocab: Vocabulary) -> tuple[Column, ...]:
    columns = []
    for cell, kind in band:
        mid = (cell.x0 + cell.x1) / 2
        for a, b in zip(xs, xs[1:]):
            if a <= mid <= b:
                columns.append(Column(kind, a, b, kind in vocab.amount_columns))
                break
    unique = {(c.x0, c.x1): c for c in columns}
    return tuple(sorted(unique.values(), key=lambda c: c.x0))


def _unruled(band, units: list[Cell], vocab: Vocabulary) -> tuple[Column, ...]:
    heads = sorted(band, key=lambda ck: ck[0].x0)
    edges = []
    for cell, kind in heads:
        right = cell.x1
        if kind in vocab.amount_columns:
            below = [u for u in units if u.x1 >= cell.x0 and u.x0 <= cell.x1 + 20]
            if below:
                right = max(u.x1 for u in below)
        edges.append((cell, kind, right))
    columns = []
    for i, (cell, kind, right) in enumerate(edges):
        left = -1e9 if i == 0 else columns[-1].x1
        if i + 1 == len(edges):
            x1 = 1e9
        elif kind in vocab.amount_columns:
            x1 = right + 3
        else:
            x1 = (cell.x1 + edges[i + 1][0].x0) / 2
        columns.append(Column(kind, left, x1, kind in vocab.amount_columns))
    return tuple(columns)


def column_of(cell: Cell, columns: tuple[Column, ...]) -> Column | None:
    """The column holding a cell: amounts by their right edge, words by their left edge."""
    x = cell.x1 - 1 if cell.is_amount else cell.x0 + 1
    for col in columns:
        if col.x0 <= x <= col.x1:
            if cell.is_amount or not col.amount:
                return col
            return None
    return None
