"""Tables across page breaks: the pieces of one ruled table on consecutive pages, joined.

A table that does not fit on its page goes on at the head of the next, with or without
its header printed again::

    page 7 (foot)  | 業種大分類 | 事業所数 … |        page 8 (head) | 農業，林業，漁業 | 74 | …
                   |            | H26(2014) …|                      | …

A piece *continues* the piece before it when (`continues`):

- it is on the next page, the first grid there with nothing but page furniture above
  it, and the earlier piece is the last grid on its page with nothing below it but page
  furniture and footnotes;
- its columns are drawn at the same x positions (within `COLUMN_TOLERANCE`).

The leading rows a piece prints exactly as the table's first rows are a repeated header
and are dropped (`repeated_header`). `join` stacks the pieces into one `Grid` whose rows
keep their own page and box (`Grid.row_page`, `Grid.row_bbox`), so a typed reader reads a
joined table like any other. In `table_cells` a continuation without a header goes on
as rows of the table it continues; one that prints its header again is a table of its own
there, as printed (`printed_tables`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from nenpo.extractors.grids import Grid, GridCell

COLUMN_TOLERANCE = 2.5  # points: column edges this close are drawn at the same place
FURNITURE_BAND = 45.0  # points at the top and bottom of a page kept for running heads and folios

FOOTNOTE = regex.compile(r"^\s*[＊*※]")
"""A footnote under a table piece (``＊予算規模は、令和２年度末の最終予算額。``): not table content."""


@dataclass
class Piece:
    """One grid as printed on one page, with where it sits on its page."""

    page: int
    index: int  # the grid's index among its page's grids
    grid: Grid
    lines: Sequence[Any]  # the page's lines (for captions above the first piece)
    at_top: bool
    at_bottom: bool
    kind: str | None = None  # the typed reader that claimed the table, once read
    header_rows: int = 0  # leading rows repeating the table's header (a continuation only)
    follows: Piece | None = None  # the piece this one continues, on the page before


def place(page: int, height: float, grids: Sequence[Grid], lines: Sequence[Any]) -> list[Piece]:
    """The page's grids as pieces: is each the first / last thing in the page's body?"""
    pieces = []
    top_band, bottom_band = FURNITURE_BAND, height - FURNITURE_BAND
    for i, grid in enumerate(grids):
        top, bottom = grid.ys[0], grid.ys[-1]
        above = any(top_band < l.bbox[3] <= top + 1 for l in lines)
        below = any(bottom - 1 <= l.bbox[1] < bottom_band and not FOOTNOTE.match(l.text) for l in lines)
        above = above or any(g.ys[-1] <= top + 1 for g in grids if g is not grid)
        below = below or any(g.ys[0] >= bottom - 1 for g in grids if g is not grid)
        pieces.append(Piece(page, i, grid, lines, at_top=not above, at_bottom=not below))
    return pieces


def same_columns(a: Grid, b: Grid) -> bool:
    return len(a.xs) == len(b.xs) and all(abs(x - y) <= COLUMN_TOLERANCE for x, y in zip(a.xs, b.xs))


def continues(previous: Piece, piece: Piece) -> bool:
    """Does `piece` carry on the table `previous` ends on the page before?"""
    return (
        piece.page == previous.page + 1
        and previous.at_bottom
        and piece.at_top
        and same_columns(previous.grid, piece.grid)
    )


def repeated_header(first: Grid, piece: Grid) -> int:
    """How many leading rows of `piece` repeat the first rows of the table (0 when none)."""
    n = 0
    while (
        n < min(first.n_rows, piece.n_rows) - 1 and piece.row_texts(n) == first.row_texts(n) and any(first.row_texts(n))
    ):
        n += 1
    return n


def chains(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """The pieces (in page order) grouped into tables: a piece that continues the last
    piece of a table joins it, any other piece starts a table."""
    out: list[list[Piece]] = []
    open_chain: list[Piece] | None = None
    for piece in pieces:
        if open_chain is not None and continues(open_chain[-1], piece):
            piece.follows = open_chain[-1]
            piece.header_rows = repeated_header(open_chain[0].grid, piece.grid)
            open_chain.append(piece)
            continue
        open_chain = [piece]
        out.append(open_chain)
    return out


def join(chain: Sequence[Piece]) -> Grid:
    """One grid of the chain's pieces, repeated headers dropped; a one-piece chain is its grid."""
    if len(chain) == 1:
        return chain[0].grid
    first = chain[0].grid
    cells: list[GridCell] = []
    pages: list[int] = []
    edges: list[tuple[float, float]] = []
    ys = [first.ys[0]]
    for _k, piece in enumerate(chain):
        grid = piece.grid
        skip = piece.header_rows
        offset = len(pages) - skip
        for cell in grid.cells:
            if cell.row + cell.row_span <= skip:
                continue
            row = max(cell.row, skip)
            joined = GridCell(row + offset, cell.col, cell.row + cell.row_span - row, cell.col_span, cell.bbox)
            joined.lines = cell.lines
            cells.append(joined)
        for r in range(skip, grid.n_rows):
            pages.append(piece.page)
            edges.append((grid.ys[r], grid.ys[r + 1]))
            ys.append(ys[-1] + grid.ys[r + 1] - grid.ys[r])
    cells.sort(key=lambda c: (c.row, c.col))
    return Grid(list(first.xs), ys, cells, row_pages=pages, row_edges=edges)


@dataclass
class JoinedTable:
    """A table as the typed readers see it: its pieces and the grid they make."""

    pieces: list[Piece]
    grid: Grid = field(init=False)

    def __post_init__(self) -> None:
        self.grid = join(self.pieces)

    @property
    def page(self) -> int:
        return self.pieces[0].page

    @property
    def lines(self) -> Sequence[Any]:
        return self.pieces[0].lines


def join_across_pages(pieces: Sequence[Piece]) -> list[JoinedTable]:
    """The named stage: every grid of an edition, pieces on consecutive pages joined."""
    return [JoinedTable(list(chain)) for chain in chains(pieces)]


def printed_tables(pieces: Sequence[Piece]) -> list[list[Piece]]:
    """The pieces grouped as `table_cells` keeps them: a headerless continuation joins the
    table it continues; any other piece starts one."""
    out: list[list[Piece]] = []
    by_piece: dict[int, list[Piece]] = {}
    for piece in pieces:
        if piece.follows is not None and piece.header_rows == 0 and id(piece.follows) in by_piece:
            group = by_piece[id(piece.follows)]
            group.append(piece)
        else:
            group = [piece]
            out.append(group)
        by_piece[id(piece)] = group
    return out
