"""Ruled tables on a PDF page, built from the page's rulings and its positioned lines.

How tables are found
--------------------
`pages.PageText.rulings` already holds every horizontal and vertical rule of a page
(line segments, thin filled rectangles, stroked rectangles' edges, from MuPDF's
``get_cdrawings``: about a millisecond a page). A table is a connected set of rulings
with at least two distinct x and two distinct y positions:

1. rulings that touch or cross (within ``TOLERANCE``) are joined into groups;
2. a group's distinct vertical x positions and horizontal y positions (snapped within
   ``TOLERANCE``) cut its box into elementary cells;
3. two neighbouring elementary cells are merged when the rule between them is not drawn
   over most of its length (``COVER``): that is how merged cells (a № spanning two phase
   rows, a 関係団体役職員 label spanning thirteen rows, a header spanning two columns)
   come out with their row and column spans;
4. each text line goes to the cell that holds its centre; a cell's lines are read top to
   bottom (lines on one baseline left to right, joined by a space). MuPDF joins text on
   one baseline into one line when the gap is small (a right-aligned budget and the
   next cell's first line), so a line that runs across a drawn column edge is first cut
   there by the caller's `split` (table_pages cuts it along its characters' boxes).

Why not a library's table finder: measured on the sample editions (2 cores), PyMuPDF's
``page.find_tables()`` runs a layout model first (~1 s a page; ~12-25 ms with
``use_layout=False``, and its cell text splits ``4-5`` into ``4 5\\n-``) and pdfplumber's
``find_tables()`` costs 90-200 ms a page (pdfminer's layout). Both would break the
ingest budget (≤ 0.15× a plain pdfplumber pass) if run on every page; this finder costs
well under a millisecond a page on top of the rulings and reuses the lines (and their
normalised text) the other readers already have. Tables printed without rules are read
by the readers that expect them, by aligning lines under a header
(`other_measures`).
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

from nenpo.extractors.lines import BBox, PrintedLine
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.pages import Ruling

TOLERANCE = 2.0  # points: rulings this close touch; positions this close are one
COVER = 0.6  # share of an edge that must be ruled for the edge to count as drawn
MIN_LENGTH = 3.0  # rulings shorter than this are dots or tick marks, not table rules


Line = PrintedLine


@dataclass
class GridCell:
    """One (possibly merged) cell: grid position, spans, box and the lines inside."""

    row: int
    col: int
    row_span: int
    col_span: int
    bbox: BBox
    lines: list[Line] = field(default_factory=list)

    @cached_property
    def text(self) -> str:
        """Normalised text: lines top to bottom joined by '\\n' (one baseline joined by ' ')."""
        return _join(self.lines, "text")

    @cached_property
    def raw(self) -> str:
        """The text as printed, in the same order."""
        return _join(self.lines, "raw")

    @property
    def line_texts(self) -> list[str]:
        return [t for t in self.text.split("\n") if t]


def _join(lines: list[Line], attr: str) -> str:
    if len(lines) < 2:
        return getattr(lines[0], attr).strip() if lines else ""
    rows: list[list[Line]] = []
    for line in sorted(lines, key=lambda l: (l.bbox[1], l.bbox[0])):
        if rows and abs(_mid_y(line.bbox) - _mid_y(rows[-1][0].bbox)) < 0.5 * (line.bbox[3] - line.bbox[1]):
            rows[-1].append(line)
        else:
            rows.append([line])
    return "\n".join(" ".join(getattr(l, attr).strip() for l in sorted(row, key=lambda l: l.bbox[0])) for row in rows)


def _mid_y(b: BBox) -> float:
    return (b[1] + b[3]) / 2


def _x(vertical: Ruling) -> float:
    return (vertical.x0 + vertical.x1) / 2


def _y(horizontal: Ruling) -> float:
    return (horizontal.top + horizontal.bottom) / 2


@dataclass
class Grid:
    """A ruled table: column edges `xs`, row edges `ys`, and its cells in row-major order."""

    xs: list[float]
    ys: list[float]
    cells: list[GridCell]
    _covering: dict[tuple[int, int], GridCell] = field(default_factory=dict, repr=False)
    row_pages: list[int] | None = None  # a table joined across pages: each row's page
    row_edges: list[tuple[float, float]] | None = None  # … and each row's (top, bottom) on it

    def __post_init__(self) -> None:
        for cell in self.cells:
            for r in range(cell.row, cell.row + cell.row_span):
                for c in range(cell.col, cell.col + cell.col_span):
                    self._covering[(r, c)] = cell

    @property
    def bbox(self) -> BBox:
        return (self.xs[0], self.ys[0], self.xs[-1], self.ys[-1])

    @property
    def n_rows(self) -> int:
        return len(self.ys) - 1

    @property
    def n_cols(self) -> int:
        return len(self.xs) - 1

    def at(self, row: int, col: int) -> GridCell | None:
        """The cell covering elementary position (row, col) (a merged cell covers several)."""
        return self._covering.get((row, col))

    def row_bbox(self, row: int) -> BBox:
        """The box of elementary row `row` on its page."""
        top, bottom = self.row_edges[row] if self.row_edges else (self.ys[row], self.ys[row + 1])
        return (self.xs[0], top, self.xs[-1], bottom)

    def row_page(self, row: int, page: int) -> int:
        """The page row `row` is printed on (`page` for a table on one page)."""
        return self.row_pages[row] if self.row_pages else page

    def row_texts(self, row: int) -> list[str]:
        """Normalised text of every column on `row` (a merged cell repeats in each column it covers)."""
        return [cell.text if (cell := self.at(row, c)) else "" for c in range(self.n_cols)]


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _snap(values: Sequence[float]) -> list[float]:
    """Distinct positions: sorted values with neighbours closer than TOLERANCE merged (mean)."""
    out: list[list[float]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= TOLERANCE:
            out[-1].append(v)
        else:
            out.append([v])
    return [sum(group) / len(group) for group in out]


def _merged(rulings: list[Ruling], horizontal: bool) -> list[Ruling]:
    """Collinear pieces of one rule (a rule drawn cell edge by cell edge) merged into one
    ruling per run; pieces that do not touch stay apart, so an undrawn edge stays undrawn."""
    if horizontal:
        pieces = sorted(((r.top + r.bottom) / 2, r.x0, r.x1) for r in rulings)
    else:
        pieces = sorted(((r.x0 + r.x1) / 2, r.top, r.bottom) for r in rulings)
    # pieces of one rule may sit a hair apart in position: group positions, then runs
    runs: list[list[float]] = []
    by_line: list[list[tuple[float, float, float]]] = []
    for piece in pieces:
        if by_line and piece[0] - by_line[-1][-1][0] <= TOLERANCE:
            by_line[-1].append(piece)
        else:
            by_line.append([piece])
    for line_pieces in by_line:
        line_pieces.sort(key=lambda p: p[1])
        current: list[float] | None = None
        for p, a, b in line_pieces:
            if current is not None and a <= current[2] + TOLERANCE:
                if b > current[2]:
                    current[2] = b
                continue
            if current is not None:
                runs.append(current)
            current = [p, a, b]
        if current is not None:
            runs.append(current)
    return [_ruling(run, horizontal) for run in runs]


def _ruling(run: list[float], horizontal: bool) -> Ruling:
    p, a, b = run
    return Ruling(a, p, b, p) if horizontal else Ruling(p, a, p, b)


def _groups(horizontal: list[Ruling], vertical: list[Ruling]) -> list[tuple[list[Ruling], list[Ruling]]]:
    """Rulings joined into connected groups (crossing or touching within TOLERANCE)."""
    rulings = horizontal + vertical
    uf = _UnionFind(len(rulings))
    nh = len(horizontal)
    by_x = sorted(range(len(vertical)), key=lambda i: _x(vertical[i]))
    xs = [_x(vertical[i]) for i in by_x]
    for i, h in enumerate(horizontal):
        lo = bisect.bisect_left(xs, h.x0 - TOLERANCE)
        hi = bisect.bisect_right(xs, h.x1 + TOLERANCE)
        y = _y(h)
        for k in by_x[lo:hi]:
            v = vertical[k]
            if v.top - TOLERANCE <= y <= v.bottom + TOLERANCE:
                uf.union(i, nh + k)
    groups: dict[int, tuple[list[Ruling], list[Ruling]]] = {}
    for i, r in enumerate(rulings):
        hs, vs = groups.setdefault(uf.find(i), ([], []))
        (hs if i < nh else vs).append(r)
    return list(groups.values())


def _nearest(positions: list[float], value: float) -> int:
    i = bisect.bisect_left(positions, value)
    if i == len(positions) or (i > 0 and value - positions[i - 1] < positions[i] - value):
        return i - 1
    return i


def _covered(spans: list[tuple[float, float]], a: float, b: float) -> bool:
    """Do the intervals `spans` cover at least COVER of [a, b]?"""
    total = 0.0
    for lo, hi in spans:
        total += max(0.0, min(hi, b) - max(lo, a))
    return total >= COVER * (b - a)


Splitter = Callable[[Line, list[float]], list[Line]]
"""Splits a line that runs across the given x boundaries into one line per side."""


def _crossings(line: Line, xs: list[float], ys: list[float], v_at: list[list[tuple[float, float]]]) -> list[float]:
    """Interior column edges, drawn at the line's height, that the line runs across."""
    y = _mid_y(line.bbox)
    return [
        xs[j]
        for j in range(1, len(xs) - 1)
        if line.bbox[0] + TOLERANCE < xs[j] < line.bbox[2] - TOLERANCE
        and any(lo - TOLERANCE <= y <= hi + TOLERANCE for lo, hi in v_at[j])
    ]


def _grid(
    horizontal: list[Ruling], vertical: list[Ruling], lines: Sequence[Line], split: Splitter | None
) -> Grid | None:
    xs = _snap([_x(v) for v in vertical])
    ys = _snap([_y(h) for h in horizontal])
    if len(xs) < 2 or len(ys) < 2:
        return None
    # the rule segments on each grid line, for the drawn-edge test
    v_at: list[list[tuple[float, float]]] = [[] for _ in xs]
    h_at: list[list[tuple[float, float]]] = [[] for _ in ys]
    for v in vertical:
        v_at[_nearest(xs, _x(v))].append((v.top, v.bottom))
    for h in horizontal:
        h_at[_nearest(ys, _y(h))].append((h.x0, h.x1))
    n_rows, n_cols = len(ys) - 1, len(xs) - 1
    uf = _UnionFind(n_rows * n_cols)
    for r in range(n_rows):
        for c in range(n_cols):
            if c + 1 < n_cols and not _covered(v_at[c + 1], ys[r], ys[r + 1]):
                uf.union(r * n_cols + c, r * n_cols + c + 1)
            if r + 1 < n_rows and not _covered(h_at[r + 1], xs[c], xs[c + 1]):
                uf.union(r * n_cols + c, (r + 1) * n_cols + c)
    bounds: dict[int, list[int]] = {}  # root -> [r0, c0, r1, c1]
    for r in range(n_rows):
        for c in range(n_cols):
            b = bounds.get(root := uf.find(r * n_cols + c))
            if b is None:
                bounds[root] = [r, c, r, c]
            else:  # positions come row-major, so r0 is already the least
                b[1], b[2], b[3] = min(b[1], c), r, max(b[3], c)
    cells = []
    index: dict[int, GridCell] = {}
    for root, (r0, c0, r1, c1) in bounds.items():
        cell = GridCell(r0, c0, r1 - r0 + 1, c1 - c0 + 1, (xs[c0], ys[r0], xs[c1 + 1], ys[r1 + 1]))
        cells.append(cell)
        index[root] = cell
    if len(cells) < 2:
        return None  # a framed box, not a table
    placed: list[Line] = []
    for line in lines:
        if not (
            xs[0] - TOLERANCE <= line.bbox[0]
            and line.bbox[2] <= xs[-1] + TOLERANCE
            and ys[0] <= _mid_y(line.bbox) <= ys[-1]
        ):
            continue
        crossed = _crossings(line, xs, ys, v_at) if split is not None else []
        placed += split(line, crossed) if split is not None and crossed else [line]
    for line in placed:
        x = (line.bbox[0] + line.bbox[2]) / 2
        y = _mid_y(line.bbox)
        if not (xs[0] <= x <= xs[-1] and ys[0] <= y <= ys[-1]):
            continue
        c = min(max(bisect.bisect_right(xs, x) - 1, 0), n_cols - 1)
        r = min(max(bisect.bisect_right(ys, y) - 1, 0), n_rows - 1)
        index[uf.find(r * n_cols + c)].lines.append(line)
    cells.sort(key=lambda cell: (cell.row, cell.col))
    return Grid(xs, ys, cells)


def find_grids(rulings: Sequence[Ruling], lines: Sequence[Line], split: Splitter | None = None) -> list[Grid]:
    """Every ruled table on a page, top to bottom then left to right.

    `split`, when given, is asked to cut a line that runs across a drawn column edge (see
    `char_splitter`); without it such a line goes to the cell of its centre."""
    horizontal, vertical = [], []
    for r in rulings:
        width, height = r.x1 - r.x0, r.bottom - r.top
        if width >= height:
            if width >= MIN_LENGTH:
                horizontal.append(r)
        elif height >= MIN_LENGTH:
            vertical.append(r)
    horizontal, vertical = _merged(horizontal, True), _merged(vertical, False)
    if len(horizontal) < 2 or len(vertical) < 2:
        return []
    grids = []
    for hs, vs in _groups(horizontal, vertical):
        if len(hs) >= 2 and len(vs) >= 2:
            grid = _grid(hs, vs, lines, split)
            if grid is not None:
                grids.append(grid)
    grids.sort(key=lambda g: (round(g.ys[0] / 10), g.xs[0]))
    return grids


# --- cutting a line at drawn column edges -----------------------------------------------


@dataclass
class SplitLine:
    """A part of a page line cut at a cell boundary, with a page line's attributes (text
    normalised, raw as printed)."""

    text: str
    raw: str
    bbox: BBox
    size: float


Char = tuple[float, float, float, float, str]
"""A character with its box: (x0, top, x1, bottom, char), as `PdfDocument.chars` gives them."""


def char_splitter(chars: Callable[[BBox], list[Char]]) -> Splitter:
    """A `Splitter` that cuts a line at the given x edges along its characters' boxes
    (`chars(bbox)` gives the characters inside a rectangle: `PdfDocument.chars` clipped to
    the line). A character belongs to the line when most of its height lies within it."""

    def split(line: Line, edges: list[float]) -> list[Line]:
        x0, top, x1, bottom = line.bbox
        inside = [
            c
            for c in chars((x0 - 1, top - 1, x1 + 1, bottom + 1))
            if x0 - 1 <= (c[0] + c[2]) / 2 <= x1 + 1 and min(bottom, c[3]) - max(top, c[1]) >= 0.6 * (c[3] - c[1])
        ]
        parts: dict[int, list[Char]] = {}
        for c in sorted(inside, key=lambda c: c[0]):
            parts.setdefault(sum(1 for e in edges if (c[0] + c[2]) / 2 > e), []).append(c)
        if len(parts) < 2:
            return [line]
        # The Splitter type promises only printed lines; the page lines readers split carry their size.
        size: float = line.size  # type: ignore[attr-defined]
        out: list[Line] = []
        for _, cs in sorted(parts.items()):
            raw = "".join(c[4] for c in cs).strip()
            if raw:
                out.append(SplitLine(normalise_text(raw), raw, (cs[0][0], top, cs[-1][2], bottom), size))
        return out

    return split
