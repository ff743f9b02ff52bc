"""A page as the profile engine sees it: normalised lines, ruled grids, labelled fields
(a label and the value printed beside or under it) and the reading flow that sections
are cut from.

Evidence first: a ruled grid gives its cells by position (`grids.find_grids`, a line run
across a drawn column edge is cut along its characters' boxes); a label outside any grid
takes the line printed to its right on the same baseline (aligned words). Lines are read
top to bottom (lines on one baseline left to right), which is the order the page prints
them in whatever order its content stream holds them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from statistics import median

from nenpo.extractors.grids import Grid, GridCell, char_splitter, find_grids
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.profiles.grammar import VALUE_CELL, heading_kind

BBox = tuple[float, float, float, float]

FURNITURE_BAND = 45.0  # points at the foot of a page where folios and running titles are printed
MAX_LABEL = 40  # characters: a longer cell is a value, never a label
BASELINE = 0.5  # share of a line's height two lines' middles may differ by on one baseline


@dataclass
class Line:
    """A page line: normalised text beside the text as printed."""

    text: str
    raw: str
    bbox: BBox
    size: float


@dataclass
class Field:
    """A label and the value printed beside it (grid cell to the right, row under a full-width
    label, or the line to its right on the same baseline)."""

    label: str
    label_raw: str
    value: str
    value_raw: str
    page: int
    bbox: BBox | None
    value_lines: list[str] = field(default_factory=list)
    read_by: str = "layout"
    above: str = ""  # the label printed above this label in its column (the field it sits under)
    label_bbox: BBox | None = None


@dataclass
class FlowItem:
    """One unit of the reading flow: a line, or a full-width grid cell that may be a heading."""

    text: str
    raw: str
    page: int
    bbox: BBox
    size: float
    in_grid: bool
    heading_cell: bool = False


@dataclass
class Page:
    number: int
    width: float
    height: float
    lines: list[Line]
    grids: list[Grid]
    engine: str
    fields: list[Field] = field(default_factory=list)
    flow: list[FlowItem] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(l.text for l in reading_order(self.lines))


def compact(text: str) -> str:
    """Text with every space and line break removed: labels are matched on it
    (``'事 業 費 A'`` → ``'事業費A'``)."""
    return "".join(text.split())


def is_value(text: str) -> bool:
    return bool(VALUE_CELL.match(text.strip()))


def _same_baseline(a: BBox, b: BBox) -> bool:
    height = max(a[3] - a[1], b[3] - b[1], 1.0)
    return abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < BASELINE * height


def reading_order(lines: list) -> list:
    """Lines top to bottom; lines on one baseline left to right."""
    rows: list[list] = []
    for line in sorted(lines, key=lambda l: (l.bbox[1], l.bbox[0])):
        if rows and _same_baseline(rows[-1][0].bbox, line.bbox):
            rows[-1].append(line)
        else:
            rows.append([line])
    return [l for row in rows for l in sorted(row, key=lambda l: l.bbox[0])]


def read_page(doc, page) -> Page:
    """A `pages.PageText` as normalised lines and grids (lines cut at drawn column edges)."""
    lines = [
        Line(normalise_text(l.text).strip(), l.text.strip(), tuple(l.bbox), l.size)
        for l in page.lines
        if l.text.strip()
    ]
    grids = (
        find_grids(page.rulings, lines, char_splitter(lambda clip: doc.chars(page.number, clip)))
        if page.rulings
        else []
    )
    out = Page(page.number, page.width, page.height, lines, grids, page.engine)
    out.fields = grid_fields(out) + aligned_fields(out)
    out.flow = flow(out)
    return out


def in_grid(bbox: BBox, grids: list[Grid]) -> bool:
    x, y = (bbox[0] + bbox[2]) / 2, (bbox[1] + bbox[3]) / 2
    return any(g.xs[0] <= x <= g.xs[-1] and g.ys[0] <= y <= g.ys[-1] for g in grids)


def _right_of(grid: Grid, cell: GridCell) -> GridCell | None:
    for c in range(cell.col + cell.col_span, grid.n_cols):
        other = grid.at(cell.row, c)
        if other is not None and other is not cell and other.text:
            return other
        if other is not None and other is not cell:
            return None  # an empty cell beside the label: no value
    return None


def _full_width(grid: Grid, cell: GridCell) -> bool:
    return cell.col == 0 and cell.col_span == grid.n_cols


def _below(grid: Grid, cell: GridCell) -> GridCell | None:
    row = cell.row + cell.row_span
    other = grid.at(row, 0) if row < grid.n_rows else None
    return other if other is not None and _full_width(grid, other) and other.text else None


def _label_above(grid: Grid, cell: GridCell) -> str:
    for r in range(cell.row - 1, -1, -1):
        other = grid.at(r, cell.col)
        if other is not None and other is not cell and other.text and not is_value(other.text):
            return compact(other.text) if len(compact(other.text)) <= MAX_LABEL else ""
    return ""


def _column_value(grid: Grid, cell: GridCell) -> GridCell | None:
    """The cell printed under a column header of the same width (the header's value)."""
    for r in range(cell.row + cell.row_span, grid.n_rows):
        other = grid.at(r, cell.col)
        if other is None or other is cell:
            continue
        if other.col != cell.col or other.col_span != cell.col_span:
            return None
        if other.text:
            return other
    return None


def _vertical(cell: GridCell) -> bool:
    """A label written top to bottom (事 / 業 / 実 / 績): it names a group of rows, not a value."""
    lines = cell.line_texts
    return len(lines) >= 2 and all(len(t.strip()) <= 1 for t in lines)


def _header_row(grid: Grid, row: int) -> bool:
    """A row of column headers: every cell starting on it a short label (no amount, no blank
    cell awaiting one), three or more of them, or two under one label spanning both (the
    sub-headers (1)実施主体 / (2)実施手法 under 効率性・経済性)."""
    cells = sorted((c for c in grid.cells if c.row == row), key=lambda c: c.col)
    if len(cells) < 2 or not all(c.text and not is_value(c.text) and len(compact(c.text)) <= MAX_LABEL for c in cells):
        return False
    if len(cells) >= 3:
        return True
    over = grid.at(row - 1, cells[0].col) if row > 0 else None
    return (
        over is not None
        and bool(over.text)
        and not _full_width(grid, over)
        and over.col <= cells[0].col
        and over.col + over.col_span >= cells[-1].col + cells[-1].col_span
    )


def grid_fields(page: Page) -> list[Field]:
    """Every (label cell, value cell) pair of the page's grids: the cell to the right; under
    a full-width banner, the row below; in a row of column headers, the cell below of the
    same width first. Vertical labels name groups of rows, not values, and are skipped."""
    out = []
    for grid in page.grids:
        header_rows = {r for r in range(grid.n_rows) if _header_row(grid, r)}
        for cell in grid.cells:
            text = cell.text
            if not text or is_value(text) or len(compact(text)) > MAX_LABEL or _vertical(cell):
                continue
            if _full_width(grid, cell):
                values = [_below(grid, cell)]
            else:
                right = _right_of(grid, cell)
                under = _column_value(grid, cell)
                values = [under, right] if cell.row in header_rows else [right, under]
            above = _label_above(grid, cell)
            for value in values:
                if value is None:
                    continue
                out.append(
                    Field(
                        label=text,
                        label_raw=cell.raw,
                        value=value.text,
                        value_raw=value.raw,
                        page=page.number,
                        bbox=value.bbox,
                        value_lines=value.line_texts,
                        above=above,
                        label_bbox=cell.bbox,
                    )
                )
    return out


def aligned_fields(page: Page) -> list[Field]:
    """Outside grids: a short line and the next line on its baseline to the right."""
    free = [l for l in reading_order(page.lines) if not in_grid(l.bbox, page.grids)]
    out = []
    for a, b in zip(free, free[1:]):
        if (
            _same_baseline(a.bbox, b.bbox)
            and b.bbox[0] >= a.bbox[2] - 1
            and len(compact(a.text)) <= MAX_LABEL
            and not is_value(a.text)
        ):
            out.append(Field(a.text, a.raw, b.text, b.raw, page.number, b.bbox, [b.text]))
    return out


def flow(page: Page) -> list[FlowItem]:
    """The page's reading flow: lines outside grids, grid lines, and each short full-width
    grid cell as one item (a section heading printed as a table's banner row)."""
    banner_lines: set[int] = set()
    items: list[FlowItem] = []
    for grid in page.grids:
        if grid.n_cols < 2:
            candidates = [c for c in grid.cells if c.text]
        else:  # a banner across the table, or a numbered heading in its first column (７ 令和7年度の方向性)
            candidates = [
                c
                for c in grid.cells
                if c.text
                and (_full_width(grid, c) or (c.col == 0 and heading_kind(" ".join(c.line_texts)) is not None))
            ]
        for cell in candidates:
            if len(compact(cell.text)) > MAX_LABEL or cell.text.endswith("。") or len(cell.line_texts) > 2:
                continue
            banner_lines.update(id(l) for l in cell.lines)
            items.append(
                FlowItem(
                    " ".join(cell.line_texts),
                    " ".join(t.strip() for t in cell.raw.split("\n") if t.strip()),
                    page.number,
                    cell.bbox,
                    max((getattr(l, "size", 0.0) for l in cell.lines), default=0.0),
                    True,
                    True,
                )
            )
    grid_lines = {id(l) for g in page.grids for c in g.cells for l in c.lines}
    for line in page.lines:
        if id(line) in banner_lines or (
            line.bbox[1] > page.height - FURNITURE_BAND and not in_grid(line.bbox, page.grids)
        ):
            continue  # the running foot: folio, chapter title
        items.append(
            FlowItem(
                line.text,
                line.raw,
                page.number,
                line.bbox,
                line.size,
                id(line) in grid_lines or in_grid(line.bbox, page.grids),
            )
        )
    middle = _gutter(items, page.width)
    if middle is None:
        return reading_order(items)
    left = [i for i in items if (i.bbox[0] + i.bbox[2]) / 2 < middle]
    return reading_order(left) + reading_order([i for i in items if (i.bbox[0] + i.bbox[2]) / 2 >= middle])


COLUMN_SHARE = 0.3  # share of a page's lines each column must hold
CROSSING_SHARE = 0.05  # share of lines that may run across the gutter (a title, a wide table)


def _gutter(items: list, width: float) -> float | None:
    """The x of the gutter of a two-column page (左右二段組), or None for one column:
    a vertical strip near the middle that few lines cross, with many lines on each side."""
    if len(items) < 10:
        return None
    for middle in (width * f for f in (0.5, 0.48, 0.52, 0.46, 0.54)):
        left = sum(i.bbox[2] <= middle for i in items)
        right = sum(i.bbox[0] >= middle for i in items)
        crossing = len(items) - left - right
        if (
            left >= COLUMN_SHARE * len(items)
            and right >= COLUMN_SHARE * len(items)
            and crossing <= CROSSING_SHARE * len(items)
        ):
            return middle
    return None


def body_size(pages: list[Page]) -> float:
    sizes = [l.size for p in pages for l in p.lines if l.size > 0]
    return median(sizes) if sizes else 0.0
