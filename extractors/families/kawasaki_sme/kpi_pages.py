"""KPI tables on a PDF page, found by position.

Report sheets are printed in two columns and their content streams are assembled from
boxes, so an indicator label can come long after its table in text order. Here a table
is anchored on its year-header row; its columns are the x-extents of the year cells, its
rows start at the `目標` / `実績` labels under the header, and its indicator is the label
printed directly above it in the same column. A header printed alone at the foot of a
page, or a table whose rows go on at the head of the next page, is continued there
(`read_page`). The label is also read in text order (`kpi_grammar.indicator_in_text_order`),
and `report` settles the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from nenpo.extractors.families.kawasaki_sme.kpi_grammar import (
    CELL_LINE,
    INDICATOR_LABEL,
    ROW_LABEL,
    YEAR_COLUMN,
    row_kind,
    split_cells,
)
from nenpo.extractors.lines import BBox, PositionedLine

Line = PositionedLine
"""A positioned line; `raw`, when a line has it, is the text as printed (cells and labels keep it)."""


def _printed(line: Line) -> str:
    return getattr(line, "raw", line.text).strip()


@dataclass
class Column:
    fiscal_year: int
    text: str
    bbox: BBox


@dataclass
class Cell:
    text: str
    bbox: BBox | None


@dataclass
class Row:
    kind: str
    unit_text: str
    label_text: str
    bbox: BBox
    cells: list[Cell]
    page: int | None = None
    """The page the row is printed on when it is not its table's (a table across a page break)."""


@dataclass
class PageTable:
    """A KPI table found on a page: indicator label, year columns, rows of cells."""

    columns: list[Column]
    rows: list[Row] = field(default_factory=list)
    indicator: str | None = None
    indicator_bbox: BBox | None = None

    @property
    def bbox(self) -> BBox:
        boxes = [c.bbox for c in self.columns] + [r.bbox for r in self.rows]
        boxes += [c.bbox for r in self.rows for c in r.cells if c.bbox]
        return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _union(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _height(b: BBox) -> float:
    return b[3] - b[1]


def _same_row(a: BBox, b: BBox) -> bool:
    """Two boxes share a printed row when their vertical centres are within half a line."""
    return abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < max(_height(a), _height(b)) * 0.5


def _digits(text: str) -> int:
    return int(text.translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def _header_rows(lines: Sequence[Line]) -> list[list[Column]]:
    """Year-header rows: year cells on one printed row, left to right."""
    columns = []
    for line in lines:
        for match in YEAR_COLUMN.finditer(line.text):
            columns.append(Column(_digits(match.group("year")), match.group(0), line.bbox))
    rows: list[list[Column]] = []
    for col in sorted(columns, key=lambda c: (c.bbox[1], c.bbox[0])):
        for row in rows:
            if _same_row(row[0].bbox, col.bbox) and abs(col.bbox[0] - row[-1].bbox[2]) < 250:
                row.append(col)
                break
        else:
            rows.append([col])
    return [sorted(r, key=lambda c: c.bbox[0]) for r in rows]


def read_page(
    lines: Sequence[Line], carried: PageTable | None = None
) -> tuple[list[PageTable], list[Row], PageTable | None]:
    """The KPI tables of a page, and what crosses a page break.

    Returns (tables, rows, open): `rows` are the rows printed at the top of the page before
    any year header, which continue `carried` (the last table of the page before, or its
    header printed alone at the foot of that page); `open` is a year header at the foot of
    this page with no row under it, whose rows the next page prints."""
    headers = _header_rows(lines)
    labels = [(line, ROW_LABEL.match(line.text)) for line in lines]
    labels = [(line, m) for line, m in labels if m]
    if not labels and not headers:
        return [], [], None
    rows: list[Row] = []
    if carried is not None and labels:
        first_top = min((h[0].bbox[1] for h in headers), default=float("inf"))
        lifted = [
            Column(c.fiscal_year, c.text, (c.bbox[0], -2.0 - _height(c.bbox), c.bbox[2], -2.0)) for c in carried.columns
        ]
        rows = [r for r in _rows(lines, labels, lifted, headers) if r.bbox[1] < first_top]
    tables: list[PageTable] = []
    open_table = None
    for columns in headers:
        table = PageTable(columns, _rows(lines, labels, columns, headers))
        if table.rows or _at_foot(lines, columns):
            table.indicator, table.indicator_bbox = _indicator_above(lines, table, tables)
        if table.rows:
            tables.append(table)
        elif _at_foot(lines, columns):
            open_table = table
    return tables, rows, open_table


def _at_foot(lines: Sequence[Line], columns: list[Column]) -> bool:
    """Is a header the last thing printed on its page (but a page number)?"""
    return at_foot(lines, max(c.bbox[3] for c in columns))


def at_foot(lines: Sequence[Line], bottom: float) -> bool:
    """Is nothing but numbers (a page number) printed below `bottom` on the page?"""
    return not any(line.bbox[1] > bottom and not CELL_LINE.match(line.text) for line in lines)


def _rows(lines: Sequence[Line], labels: list, columns: list[Column], headers: list[list[Column]]) -> list[Row]:
    """The 目標 / 実績 rows under a year header: labels left of the first year column, below
    the header and before the next one, with the cells of each year column in their band."""
    first_x = columns[0].bbox[0]
    pitch = columns[1].bbox[0] - columns[0].bbox[0] if len(columns) > 1 else 120.0
    left_limit = first_x - pitch * 1.5
    right_limit = columns[-1].bbox[0] + pitch
    head_bottom = max(c.bbox[3] for c in columns)
    # row labels: left of the first year column, below the header, before the next header
    below = [
        (line, m) for line, m in labels if left_limit <= line.bbox[0] < first_x and line.bbox[1] >= head_bottom - 1
    ]
    below.sort(key=lambda lm: lm[0].bbox[1])
    next_header_top = min(
        (h[0].bbox[1] for h in headers if h[0].bbox[1] > head_bottom and abs(h[0].bbox[0] - first_x) < pitch),
        default=float("inf"),
    )
    row_labels = []
    last_bottom = head_bottom
    for line, m in below:
        if (
            line.bbox[1] >= next_header_top
            or (row_labels or head_bottom > 0)
            and line.bbox[1] - last_bottom > 6 * _height(line.bbox)
        ):
            break
        row_labels.append((line, m))
        last_bottom = line.bbox[3]
    rows = []
    for k, (line, m) in enumerate(row_labels):
        band_top = line.bbox[1] - _height(line.bbox) * 0.4
        band_bottom = (
            row_labels[k + 1][0].bbox[1] - _height(line.bbox) * 0.4
            if k + 1 < len(row_labels)
            else min(next_header_top, line.bbox[3] + 4 * _height(line.bbox))
        )
        cells = _cells_in_band(lines, columns, band_top, band_bottom, right_limit, is_last=k + 1 == len(row_labels))
        printed = ROW_LABEL.match(_printed(line)) or m
        if m.group("rest").strip():
            # cells printed on the label's own line (one text run for the whole row)
            inline = split_cells(printed.group("rest"))
            cells = [Cell(t, line.bbox) for t in inline] + cells[len(inline) :]
        rows.append(Row(row_kind(m.group("kind")), printed.group("unit"), _printed(line), line.bbox, cells))
    return rows


def _cells_in_band(
    lines: Sequence[Line], columns: list[Column], top: float, bottom: float, right_limit: float, is_last: bool
) -> list[Cell]:
    """The cell text of each year column between `top` and `bottom`, lines joined by '\\n'."""
    edges = [c.bbox[0] - 8 for c in columns] + [right_limit]
    found: list[list[Line]] = [[] for _ in columns]
    for line in lines:
        x_mid = (line.bbox[0] + line.bbox[2]) / 2
        y_mid = (line.bbox[1] + line.bbox[3]) / 2
        if not (top <= y_mid < bottom) or not (edges[0] <= line.bbox[0] < edges[-1]):
            continue
        if not CELL_LINE.match(line.text):
            continue
        for col in range(len(columns)):
            if edges[col] <= x_mid < edges[col + 1]:
                found[col].append(line)
                break
    cells = []
    for col_lines in found:
        col_lines.sort(key=lambda l: l.bbox[1])
        if is_last and col_lines:
            # the last row ends at the first vertical gap wider than a line
            kept = [col_lines[0]]
            for line in col_lines[1:]:
                if line.bbox[1] - kept[-1].bbox[3] > _height(line.bbox):
                    break
                kept.append(line)
            col_lines = kept
        if col_lines:
            cells.append(Cell("\n".join(_printed(l) for l in col_lines), _union([l.bbox for l in col_lines])))
        else:
            cells.append(Cell("", None))
    return cells


def _indicator_above(
    lines: Sequence[Line], table: PageTable, earlier: list[PageTable]
) -> tuple[str | None, BBox | None]:
    """The label printed directly above the table in the same column.

    Walks up from the header through contiguous lines that start at the table's left
    edge; the label is the block that begins with ○ (or 【…】 for reference tables).
    """
    head = _union([c.bbox for c in table.columns])
    above = [l.bbox[0] for l in lines if l.bbox[3] <= head[1] + 1 and l.bbox[0] < head[0]]
    left = min(r.bbox[0] for r in table.rows) if table.rows else (min(above) if above else head[0])
    right = head[2]
    candidates = [
        line
        for line in lines
        if line.bbox[3] <= head[1] + 1
        and abs(line.bbox[0] - left) < 12
        and line.bbox[0] < right
        and not any(_inside(line.bbox, t.bbox) for t in earlier)
    ]
    candidates.sort(key=lambda l: -l.bbox[3])
    block: list[Line] = []
    edge = head[1]
    for line in candidates:
        gap = edge - line.bbox[3]
        if gap > 1.2 * _height(line.bbox) + 4:
            break
        block.append(line)
        edge = line.bbox[1]
        if INDICATOR_LABEL.match(line.text):
            block.reverse()
            return "".join(_printed(l) for l in block), _union([l.bbox for l in block])
    return None, None


def _inside(inner: BBox, outer: BBox) -> bool:
    return (
        inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1 and inner[2] <= outer[2] + 1 and inner[3] <= outer[3] + 1
    )
