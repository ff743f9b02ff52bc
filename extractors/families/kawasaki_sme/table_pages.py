"""The report's other tables: read page by page inside `extract_report`'s single pass,
settled for the whole edition in `finish`.

A page is routed to the typed readers by what it says: `PAGE_READERS` is the table of
rules (a pattern on the page's normalised text → a reader), so a page that prints no
census header never reaches the census reader. Its ruled grids are built once from its
rulings (`grids.find_grids`, well under a millisecond a page), except on a measure-sheet
page that no grid reader is routed to: there the tables are the KPI tables `kpi_pages`
found by position, and reading the page's drawings (about a millisecond) would only find
them again. Every grid, claimed or not, every KPI table and every table a reader found by
line alignment goes cell by cell into `table_cells`, so nothing printed in a grid is lost.

`finish` then works in named stages over the whole edition:

1. `table_join.join_across_pages`: grids continued on the next page (header repeated or
   not) become one table; the grid readers read the joined tables that start on their
   pages (census, rosters, policy list, budget);
2. the text-order readings: the grammars read the edition's text layer in order
   (`text_stream`), where a table across a page break is contiguous — for every kind a
   page was routed to;
3. `readings.settle`: per table, the reading with the evidence (a layout reading that
   found nothing, or less than a text order that holds all of it, gives way), a
   cross-check where both found the same rows (a disagreement is an extraction warning),
   and `read_by` on every record;
4. `table_cells`: every grid piece (a headerless continuation as rows of the table it
   continues), KPI table and aligned table, and the tables only the text order found,
   in page order;
5. the policy list gives articles to その他の事業 blocks printed without one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import regex

from nenpo.extractors.families.kawasaki_sme import (
    article_opinions,
    budget,
    kpi_pages,
    other_measures,
    policy_list,
    readings,
    rosters,
    stat_tables,
)
from nenpo.extractors.families.kawasaki_sme.models import (
    ArticleOpinion,
    BudgetItem,
    BudgetResult,
    CommitteeMember,
    OtherMeasure,
    PolicyListEntry,
    StatValue,
)
from nenpo.extractors.grids import Grid, char_splitter, find_grids
from nenpo.extractors.lines import BBox
from nenpo.extractors.models import ExtractionWarning, TableCell
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.table_join import JoinedTable, Piece, join_across_pages, place, printed_tables
from nenpo.extractors.text_stream import FOLIO, FOLIO_BAND, TextStream

CAPTION_GAP = 30.0


def caption_above(lines: Sequence, grid: Grid) -> str | None:
    """The ``図表 …`` caption printed just above a grid, as printed."""
    x0, top, x1, _ = grid.bbox
    above = [
        l
        for l in lines
        if top - CAPTION_GAP <= l.bbox[3] <= top + 1
        and l.bbox[0] < x1
        and l.bbox[2] > x0
        and stat_tables.CAPTION.match(l.text)
    ]
    return normalise_text(max(above, key=lambda l: l.bbox[3]).text) if above else None


@dataclass
class TablePage:
    """One page as the table readers see it."""

    number: int
    height: float
    lines: list
    sheet_page: bool = False
    pieces: list[Piece] = field(default_factory=list)
    kpi_found: list[tuple] = field(default_factory=list)  # (bbox, "kpi", cells) of the KPI tables
    aligned: list[tuple[str, BBox, list]] = field(default_factory=list)  # (kind, bbox, cells) found without rulings
    routed: frozenset[str] = frozenset()


@dataclass
class TablesState:
    """What the table readers accumulate over an edition."""

    stat_values: list[StatValue] = field(default_factory=list)
    census_tables: list[tuple[stat_tables.CensusTable, int]] = field(default_factory=list)
    committee_members: list[CommitteeMember] = field(default_factory=list)
    policy_list: list[PolicyListEntry] = field(default_factory=list)
    budget_rows: list[budget.RawRow] = field(default_factory=list)
    other_blocks: list[other_measures.OtherBlock] = field(default_factory=list)
    other_article: tuple[int, str] | None = None
    opinions: list[tuple[int, article_opinions.TableOpinion]] = field(default_factory=list)
    table_cells: list[TableCell] = field(default_factory=list)
    folios: dict[int, int] = field(default_factory=dict)
    pages: list[TablePage] = field(default_factory=list)
    stream: TextStream = field(default_factory=TextStream)
    routed: set[str] = field(default_factory=set)  # kinds some page was routed to
    figure_page: TablePage | None = None  # the page before, where it printed figures in prose
    tables: int = 0

    def add_table(self, page: int, kind: str | None, cells: Sequence[tuple], read_by: str = "layout") -> None:
        """cells: (row, col, row_span, col_span, text, raw, bbox), and the cell's page after
        them where it is not `page` (a table continued on the next page)."""
        self.tables += 1
        self.table_cells.extend(
            TableCell(
                table_no=self.tables,
                kind=kind,
                page=cell_page[0] if cell_page else page,
                row=r,
                col=c,
                row_span=rs,
                col_span=cs,
                text=text,
                text_raw=raw,
                read_by=read_by,
                bbox=bbox,
            )
            for r, c, rs, cs, text, raw, bbox, *cell_page in cells
        )


# --- readers ------------------------------------------------------------------------------
# Grid readers take a table (its pieces joined across pages) and say whether it is theirs;
# line readers take a page's lines.


def _read_census(state: TablesState, table: JoinedTable) -> bool:
    first = table.pieces[0]
    read = stat_tables.read_census_grid(table.grid, caption_above(first.lines, first.grid))
    if read is None:
        return False
    state.census_tables.append((read, table.page))
    return True


def _read_rosters(state: TablesState, table: JoinedTable) -> bool:
    if not rosters.is_roster(table.grid):
        return False
    state.committee_members.extend(rosters.read_roster(table.grid, table.lines, table.page))
    return True


def _read_policy_list(state: TablesState, table: JoinedTable) -> bool:
    if not policy_list.is_policy_list(table.grid):
        return False
    state.policy_list.extend(policy_list.read_policy_list(table.grid, table.lines, table.page, len(state.policy_list)))
    return True


def _read_budget(state: TablesState, table: JoinedTable) -> bool:
    if not budget.is_budget_table(table.grid):
        return False
    state.budget_rows.extend(budget.read_budget_grid(table.grid, table.page))
    return True


def _read_figures(state: TablesState, page: TablePage) -> None:
    state.stat_values.extend(stat_tables.figure_values(page.lines, page.number))


def _read_figures_across(state: TablesState, before: TablePage, page: TablePage) -> None:
    """Figures whose sentence runs from a figures page onto the next (``…川崎（南部）の有効求人倍率は
    1.17 で`` / ``神奈川県の水準（0.80）を超え…``): read over both pages' lines, those not read
    on the first page alone."""

    def key(v: StatValue) -> tuple:
        return (v.table, v.category, v.measure, v.survey_year, v.period)

    found = {key(v) for v in state.stat_values if v.source == "text"}
    pages = [before.number] * len(before.lines) + [page.number] * len(page.lines)
    joined = stat_tables.figure_values([*before.lines, *page.lines], page.number, pages)
    state.stat_values.extend(v for v in joined if key(v) not in found)


def _read_other_measures(state: TablesState, page: TablePage) -> None:
    blocks, state.other_article = other_measures.read_other_measures(
        page.lines, page.number, page.height, state.other_article
    )
    state.other_blocks.extend(blocks)
    for block in blocks:
        page.aligned.append(
            ("other_measure", block.bbox, [(r, c, 1, 1, text, raw, bbox) for r, c, text, raw, bbox in block.cells])
        )


def _read_opinions(state: TablesState, page: TablePage) -> None:
    if not page.sheet_page:
        state.opinions.extend((page.number, o) for o in article_opinions.read_page(page.lines, page.height))


@dataclass(frozen=True)
class PageReader:
    kind: str
    trigger: regex.Pattern
    read_lines: Callable[[TablesState, TablePage], None] | None = None
    read_table: Callable[[TablesState, JoinedTable], bool] | None = None


PAGE_READERS: tuple[PageReader, ...] = (
    PageReader("census", regex.compile(r"業種大分類"), read_table=_read_census),
    PageReader("figures", regex.compile(r"業況DI|倒産件数|有効求人倍率"), read_lines=_read_figures),
    PageReader("roster", regex.compile(r"委員名簿"), read_table=_read_rosters),
    PageReader("policy_list", regex.compile(r"事務事業名"), read_table=_read_policy_list),
    PageReader("budget", regex.compile(r"予算規模"), read_table=_read_budget),
    PageReader(
        "other_measure",
        regex.compile(r"年度の概要[\s\S]*年度の実績|年度の実績[\s\S]*年度の概要"),
        read_lines=_read_other_measures,
    ),
    PageReader("article_opinions", article_opinions.TABLE_HEADER_ANYWHERE, read_lines=_read_opinions),
)
"""Which readers a page goes to: the first pattern each reader needs on the page's
normalised text (``業種大分類`` in a census header, ``委員名簿`` in a roster caption,
``事務事業名`` in the policy list header, ``予算規模（千円）`` in the budget header,
``令和３年度の概要`` beside ``令和２年度の実績``, ``…実施状況に対する主な検証意見`` over the
article opinions). A grid reader reads the tables that start on its pages (pieces joined
across page breaks by `table_join`); a line reader reads the page's lines."""


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


GRID_READERS = frozenset(reader.kind for reader in PAGE_READERS if reader.read_table is not None)
"""Readers that read ruled grids (the others read the page's lines)."""


def _kpi_cells(table: kpi_pages.PageTable) -> list[tuple]:
    """A KPI table as cells: the year header row, then a row per 目標 / 実績 label."""
    cells = [(0, c + 1, 1, 1, normalise_text(col.text), col.text, col.bbox) for c, col in enumerate(table.columns)]
    for r, row in enumerate(table.rows, start=1):
        cells.append((r, 0, 1, 1, normalise_text(row.label_text), row.label_text, row.bbox))
        cells += [(r, c + 1, 1, 1, normalise_text(cell.text), cell.text, cell.bbox) for c, cell in enumerate(row.cells)]
    return cells


def read_page(
    state: TablesState,
    number: int,
    height: float,
    lines: list,
    rulings: Sequence | Callable[[], Sequence] = (),
    kpi_tables: Sequence[kpi_pages.PageTable] = (),
    chars: Callable[[BBox], list] | None = None,
    sheet_page: bool = False,
) -> None:
    """Take one page in: its lines into the text stream, its grids (as pieces to join),
    what its line readers find. Typed rows from grids and `table_cells` come in `finish`.

    `rulings` are the page's rules, or a callable that reads them (`PdfDocument.rulings`,
    about a millisecond a page): it is not called on a measure-sheet page that no grid
    reader is routed to, whose tables are the KPI tables `kpi_pages` found by position
    (their cells go to table_cells from there). `chars(bbox)` gives the characters inside
    a rectangle of the page (`PdfDocument.chars`), asked for only where a line runs across
    a cell boundary."""
    for line in lines:
        if line.bbox[1] > height - FOLIO_BAND and (m := FOLIO.match(line.text.strip())):
            state.folios[number] = int(m.group("folio"))
    state.stream.add_page(number, height, lines)
    text = "\n".join(l.text for l in lines)
    routed = [reader for reader in PAGE_READERS if reader.trigger.search(text)]
    page = TablePage(number, height, lines, sheet_page, routed=frozenset(r.kind for r in routed))
    state.routed.update(page.routed)
    if not sheet_page or any(r.kind in GRID_READERS for r in routed):
        page_rulings = rulings() if callable(rulings) else rulings
        if page_rulings:
            split = char_splitter(chars) if chars is not None else None
            page.pieces = place(number, height, find_grids(page_rulings, lines, split), lines)
    for reader in routed:
        if reader.read_lines is not None:
            reader.read_lines(state, page)
    if "figures" in page.routed:
        state.figure_page = page
    elif state.figure_page is not None:  # a sentence with figures may go on over the page break
        _read_figures_across(state, state.figure_page, page)
        state.figure_page = None
    page.kpi_found = [(t.bbox, "kpi", _kpi_cells(t)) for t in kpi_tables]
    if page.pieces or page.kpi_found or page.aligned:
        state.pages.append(page)


def _read_grids(state: TablesState) -> None:
    """Stage 1: grids joined across page breaks, each table offered to the grid readers
    routed to the page it starts on."""
    for table in join_across_pages([piece for page in state.pages for piece in page.pieces]):
        routed = next(p.routed for p in state.pages if p.number == table.page)
        for reader in PAGE_READERS:
            if reader.read_table is not None and reader.kind in routed and reader.read_table(state, table):
                for piece in table.pieces:
                    piece.kind = reader.kind
                break


def _grid_cells(group: list[Piece]) -> list[tuple]:
    """A printed table's cells: a headerless continuation's rows go on below, on their page."""
    cells, offset = [], 0
    for piece in group:
        cells += [
            (c.row + offset, c.col, c.row_span, c.col_span, c.text, c.raw, c.bbox, piece.page) for c in piece.grid.cells
        ]
        offset += piece.grid.n_rows
    return cells


def _table_cells(state: TablesState, text_tables: Sequence[tuple] = ()) -> None:
    """Every grid, KPI table and aligned table, cell by cell, in page order (a grid
    continued on the next page without its header is one table), and the tables only the
    text order found (`text_tables`: (page, bbox, kind, cells))."""
    groups = {id(group[0]): group for group in printed_tables([p for page in state.pages for p in page.pieces])}
    found_on: dict[int, list] = {}
    for page in state.pages:
        kpi_boxes = [bbox for bbox, _, _ in page.kpi_found]
        found = [(*t, "layout") for t in page.kpi_found]
        found += [
            (p.grid.bbox, p.kind, _grid_cells(groups[id(p)]), "layout")
            for p in page.pieces
            if id(p) in groups and (p.kind is not None or not any(_overlaps(p.grid.bbox, b) for b in kpi_boxes))
        ]
        found += [(bbox, kind, cells, "layout") for kind, bbox, cells in page.aligned]
        found_on[page.number] = found
    for page, bbox, kind, cells in text_tables:
        found_on.setdefault(page, []).append((bbox, kind, cells, "text_order"))
    for number in sorted(found_on):
        for _, kind, cells, read_by in sorted(found_on[number], key=lambda t: (round(t[0][1] / 10), t[0][0])):
            state.add_table(number, kind, cells, read_by)


@dataclass
class Tables:
    """The typed tables of an edition, as `finish` settles them."""

    stat_values: tuple[StatValue, ...]
    committee_members: tuple[CommitteeMember, ...]
    policy_list: tuple[PolicyListEntry, ...]
    budget_items: tuple[BudgetItem, ...]
    budget_results: tuple[BudgetResult, ...]
    other_measures: tuple[OtherMeasure, ...]
    article_opinions: tuple[ArticleOpinion, ...]
    table_cells: tuple[TableCell, ...]
    warnings: tuple[ExtractionWarning, ...] = ()


def finish(state: TablesState, path: str = "") -> Tables:
    """Settle the edition's tables (the stages of the module docstring)."""
    _read_grids(state)
    settled = readings.settle(state, path)
    _table_cells(state, settled.text_tables)
    others = []
    for block in settled.other_blocks:
        article = block.article
        if article is None:
            entry = policy_list.article_for(
                settled.policy_list, block.name, state.folios.get(block.page, block.page), "その他の事業"
            )
            article = (entry.article, entry.article_title) if entry else None
        others.append(
            OtherMeasure(
                article=article[0] if article else None,
                article_title=normalise_text(article[1]) if article else None,
                name=block.name,
                name_raw=block.name_raw,
                next_year_plan=block.plan,
                results=block.results,
                read_by=block.read_by,
                page=block.page,
                bbox=block.bbox,
            )
        )
    return Tables(
        tuple(settled.stat_values),
        tuple(settled.committee_members),
        tuple(settled.policy_list),
        tuple(settled.budget_items),
        tuple(settled.budget_results),
        tuple(others),
        tuple(settled.article_opinions),
        tuple(state.table_cells),
        tuple(settled.warnings),
    )
