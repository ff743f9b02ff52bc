"""Numbers in ruled tables, read by each value cell's headers.

Every cell holding an amount (`grammar.VALUE_CELL`) is read with its two header paths:
the label cells above it in its column (nearest first, up to the next value cell or a
long text cell) and the label cells left of it in its row (nearest first, up to the next
value cell). The nearest header that names a KPI kind (目標 / 実績 / 見込 …, the profile's
`kpi.kinds`) or a cost basis (決算 / 予算 / 見込, `costs.bases`) decides what the cell is;
its year is the nearest year in the column path, else in the row path. So one reader
takes all the shapes municipal sheets print::

    | 区分 | R4年度 | R5年度 |          years and basis as columns, items as rows
    |      | 決 算  | 決 算  |          (事業費 A | 1,130 | 1,272)
    | 成果指標 | 単位 | R5年度実績 | R6年度見込 |   kind and year in the column header
    | 年度 | 3年度 | 4年度 |              years as columns, kinds as rows
    | 想定 | 100   | 100   |              (想定 → target, 実績 → actual)
    | 年度 経費(一財) | 令和5年度予算現額 26,200(16,100) |   header and amount in one cell

A cost cell is one whose table (its header paths, or the grid) names a cost table
(`costs.tables`: 事業費, 経費, 決算額 …) or whose nearest basis comes before any kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from nenpo.extractors.grids import Grid, GridCell
from nenpo.extractors.normalise import parse_unit
from nenpo.extractors.profiles.grammar import years_in
from nenpo.extractors.profiles.layout import compact, is_value

MAX_HEADER = 24  # characters: a longer cell above a value is text, not its header


@dataclass
class Header:
    text: str  # normalised, lines joined without spaces
    raw: str
    lines: tuple[str, ...] = ()  # the printed lines, normalised (a column of one-character lines is one)
    distance: int = 0  # cells from the value (0: printed in the value's own cell)
    vertical: bool = False  # written top to bottom, one character a line


@dataclass
class ValueCell:
    """An amount with its header paths."""

    cell: GridCell
    text: str  # the amount as printed (normalised)
    raw: str
    above: list[Header]
    left: list[Header]
    own: list[Header]  # header lines printed in the value's own cell (令和5年度予算現額 / 26,200)


@dataclass
class Reading:
    kind: str  # 'kpi' | 'cost'
    label: str  # the kind or basis (target, settled …)
    label_raw: str  # the header as printed that named it (R5年度実績, 決算)
    year: int | None
    year_raw: str | None
    name: str | None  # indicator or item (normalised label)
    name_raw: str | None
    unit: str | None
    cell: ValueCell


def _header(cell: GridCell) -> Header:
    lines = tuple(compact(t) for t in cell.line_texts)
    vertical = len(lines) >= 2 and all(len(t) <= 1 for t in lines)
    if vertical:  # 主 / な / 内 / 訳
        lines = ("".join(lines),)
    return Header(
        compact(cell.text), " ".join(t.strip() for t in cell.raw.split("\n") if t.strip()), lines, vertical=vertical
    )


def _split_own(cell: GridCell) -> tuple[list[Header], str, str] | None:
    """A cell printing a header over its amount: (headers, amount, amount as printed)."""
    lines = cell.line_texts
    raws = [r for r in cell.raw.split("\n") if r.strip()]
    if len(lines) >= 2 and is_value(lines[-1]) and not any(is_value(l) for l in lines[:-1]):
        return (
            [Header(compact(l), r.strip(), (compact(l),)) for l, r in zip(lines[:-1], raws[:-1])],
            lines[-1],
            raws[-1].strip(),
        )
    return None


def value_cells(grid: Grid) -> list[ValueCell]:
    """Every value cell of a grid with its header paths."""
    out = []
    for cell in grid.cells:
        if not cell.text:
            continue
        own: list[Header] = []
        if is_value(cell.text):
            text, raw = cell.text, cell.raw.strip()
        elif (split := _split_own(cell)) is not None:
            own, text, raw = split
        else:
            continue
        out.append(ValueCell(cell, text, raw, _above(grid, cell), _left(grid, cell), own))
    return out


def _is_value_cell(cell: GridCell) -> bool:
    return bool(cell.text) and (is_value(cell.text) or _split_own(cell) is not None)


def _walk(grid: Grid, cell: GridCell, steps) -> list[Header]:
    """Header cells along `steps` ((row, col), nearest first): first past the value cells
    and blanks of the value's own run, then label cells up to the next value cell or a long
    text (another part of the form). Each header keeps its distance in cells."""
    out: list[Header] = []
    seen = {id(cell)}
    in_run = True
    distance = 0
    for r, c in steps:
        other = grid.at(r, c)
        if other is None or id(other) in seen:
            continue
        seen.add(id(other))
        if not other.text:
            continue
        if _is_value_cell(other):
            if in_run:
                continue
            break
        in_run = False
        distance += 1
        if len(compact(other.text)) > MAX_HEADER:
            break
        header = _header(other)
        header.distance = distance
        out.append(header)
    return out


def _above(grid: Grid, cell: GridCell) -> list[Header]:
    return _walk(grid, cell, [(r, cell.col) for r in range(cell.row - 1, -1, -1)])


def _left(grid: Grid, cell: GridCell) -> list[Header]:
    return _walk(grid, cell, [(cell.row, c) for c in range(cell.col - 1, -1, -1)])


def unit_cells(grid: Grid, unit_label: regex.Pattern | None) -> dict[int, str]:
    """Rows → unit, for a grid whose column headed by the unit label (単位) prints a unit per row."""
    if unit_label is None:
        return {}
    out: dict[int, str] = {}
    for cell in grid.cells:
        if not unit_label.search(compact(cell.text)):
            continue
        for r in range(cell.row + cell.row_span, grid.n_rows):
            below = grid.at(r, cell.col)
            if below is not None and below.text and not is_value(below.text) and len(compact(below.text)) <= 6:
                out[r] = below.text.strip()
        right = grid.at(cell.row, cell.col + cell.col_span) if cell.col + cell.col_span < grid.n_cols else None
        if right is not None and len(compact(right.text)) <= 6:
            # a 単位 | 件 pair: the unit of the rows below (blank: they print none)
            out.setdefault(-1 - cell.row, right.text.strip())
    return out


def _unit_above(units: dict[int, str], row: int) -> str | None:
    """The unit of the nearest 単位 | 件 pair above `row`: a grid may hold several blocks
    (横浜市's 細事業), each printing its own pair."""
    pairs = [(-1 - k, unit) for k, unit in units.items() if k < 0 and -1 - k < row]
    return (max(pairs)[1] or None) if pairs else None


def _first(labels, headers: list[Header]) -> tuple[Header, str] | None:
    for h in headers:
        for pattern, value in labels:
            if pattern.search(h.text):
                return h, value
    return None


def read_grid(
    grid: Grid, *, kinds, bases, cost_tables, cost_skip, kpi_skip, unit_label, era: str, money: bool = False
) -> list[Reading]:
    """The KPI and cost readings of a grid's value cells (see the module docstring).

    `kinds` / `bases`: (compiled label pattern, kind or basis) in the profile's order;
    `cost_tables`, `cost_skip`, `kpi_skip`: compiled patterns; `era`: for era-less years (５年度)."""
    grid_names_cost = money or any(
        p.search(compact(c.text)) for c in grid.cells if c.text and not is_value(c.text) for p in cost_tables
    )
    units = unit_cells(grid, unit_label)
    out = []
    for vc in value_cells(grid):
        # nearest first; at one distance the column's header before the row's
        paths = vc.own + sorted(vc.above + vc.left, key=lambda h: (h.distance, h not in vc.above))
        kind = _first(kinds, paths)
        basis = _first(bases, paths)
        names_cost = any(p.search(h.text) for h in paths for p in cost_tables)
        year = None
        for h in paths:
            found = years_in(h.text, era)
            if found:
                year = found[0]
                break
        cost_like = names_cost or grid_names_cost
        if (
            basis is not None
            and cost_like
            and (names_cost or kind is None or (_nearer(basis[0], kind[0], paths) and basis[0] is not kind[0]))
        ):
            if any(p.search(h.text) for h in paths for p in cost_skip):
                continue
            name = _name(vc.left, (bases, kinds), unit_label) or _name(vc.above, (bases, kinds), unit_label)
            out.append(
                Reading(
                    "cost",
                    basis[1],
                    basis[0].raw,
                    year[0] if year else None,
                    year[1] if year else None,
                    name[0] if name else None,
                    name[1] if name else None,
                    None,
                    vc,
                )
            )
        elif kind is not None:
            if any(p.search(h.text) for h in vc.left for p in kpi_skip):
                continue
            name = _name(vc.left, (kinds, bases), unit_label, units_row=units.get(vc.cell.row)) or _name(
                vc.above, (kinds, bases), unit_label
            )
            unit = units.get(vc.cell.row) or _unit_above(units, vc.cell.row)
            out.append(
                Reading(
                    "kpi",
                    kind[1],
                    kind[0].raw,
                    year[0] if year else None,
                    year[1] if year else None,
                    name[0] if name else None,
                    name[1] if name else None,
                    unit,
                    vc,
                )
            )
    return _row_names(out)


def _row_names(readings: list[Reading]) -> list[Reading]:
    """KPI values on one row of a grid are one indicator's: the name found for the row's
    leftmost value stands for the row (a 想定 row under a year header names its indicator once)."""
    first: dict[tuple[int, str], Reading] = {}
    for r in sorted(readings, key=lambda r: r.cell.cell.col):
        if r.kind != "kpi":
            continue
        lead = first.setdefault((r.cell.cell.row, r.label), r)
        if lead.name is not None:
            r.name, r.name_raw = lead.name, lead.name_raw
            r.unit = r.unit or lead.unit
    return readings


def _nearer(a: Header, b: Header, paths: list[Header]) -> bool:
    ids = [id(h) for h in paths]
    return ids.index(id(a)) <= ids.index(id(b))


GENERIC_WORDS = regex.compile(r"^(?:年度|区分|項目|内容|\((?:千円|円|百万円|単位[^)]*)\)|単位[:：]?.*)$")
"""Header lines that name no item: ``年度``, ``区分``, ``(千円)``."""


def _name(headers: list[Header], label_sets, unit_label, units_row: str | None = None) -> tuple[str, str] | None:
    """The nearest header's lines that are not a kind, basis, year, unit or generic word
    (``'年度' / '経費(一財)'`` → ``'経費(一財)'``), with its header as printed. Consecutive
    such lines are one name wrapped in its cell (``'講習会参加者数(' / '延べ人数)'``)."""
    for h in headers:
        if h.vertical:
            continue  # 事 / 業 / 実 / 績 written down a merged cell names a group of rows
        name: list[str] = []
        for line in h.lines or (h.text,):
            if _names_nothing(line, label_sets, unit_label, units_row):
                if name:
                    break
                continue
            name.append(line)
        if name:
            return "".join(name), h.raw
    return None


def _names_nothing(line: str, label_sets, unit_label, units_row: str | None) -> bool:
    if not line or GENERIC_WORDS.match(line):
        return True
    if years_in(line) and len(regex.sub(r"[0-9年度RH令和平成元~\-]", "", line)) <= 2:
        return True
    if any(p.search(line) and len(line) <= 8 for labels in label_sets for p, _ in labels):
        return True
    if unit_label is not None and unit_label.search(line):
        return True
    if len(line) <= 3 and parse_unit(line) is not None:
        return True
    return units_row is not None and line == compact(units_row)
