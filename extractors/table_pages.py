"""The report's other tables, read page by page inside `extract_report`'s single pass.

A page is routed to the typed readers by what it says: `PAGE_READERS` is the table of
rules (a pattern on the page's normalised text → a reader), so a page that prints no
census header never reaches the census reader. Its ruled grids are built once from its
rulings (`grids.find_grids`, well under a millisecond a page), except on a measure-sheet
page that no grid reader is routed to: there the tables are the KPI tables `kpi_pages`
found by position, and reading the page's drawings (about a millisecond) would only find
them again. A reader takes the grids it recognises and records typed rows; every grid,
claimed or not, every KPI table and every table a reader found by line alignment also
goes cell by cell into `table_cells`, so nothing printed in a grid is lost.

What needs the whole edition (budget rows continued on the next page, the policy list
giving articles to measures whose pages do not print one) is settled in `finish`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

import regex

from nenpo.extractors import budget, kpi_pages, other_measures, policy_list, rosters, stat_tables
from nenpo.extractors.grids import Grid, find_grids
from nenpo.extractors.models import (
    BudgetItem,
    BudgetResult,
    CommitteeMember,
    OtherMeasure,
    PolicyListEntry,
    StatValue,
    TableCell,
)
from nenpo.extractors.normalise import normalise_text

BBox = tuple[float, float, float, float]

FOLIO = regex.compile(r"^-?\s*(?P<folio>[0-9]{1,3})\s*-?$")
"""The printed page number in the footer: ``- 17 -`` or ``17``."""

FOLIO_BAND = 45.0  # points from the bottom of the page where the folio is printed
CAPTION_GAP = 30.0


@dataclass
class TablePage:
    """One page as the table readers see it."""

    number: int
    height: float
    lines: list
    grids: list[Grid]
    kinds: dict[int, str] = field(default_factory=dict)  # grid index → kind of the reader that claimed it
    aligned: list[tuple[str, BBox, list]] = field(default_factory=list)  # (kind, bbox, cells) found without rulings

    def claim(self, index: int, kind: str) -> None:
        self.kinds[index] = kind

    def caption_above(self, grid: Grid) -> str | None:
        """The ``図表 …`` caption printed just above a grid, as printed."""
        x0, top, x1, _ = grid.bbox
        above = [l for l in self.lines if top - CAPTION_GAP <= l.bbox[3] <= top + 1 and l.bbox[0] < x1
                 and l.bbox[2] > x0 and stat_tables.CAPTION.match(l.text)]
        return normalise_text(max(above, key=lambda l: l.bbox[3]).text) if above else None


@dataclass
class TablesState:
    """What the table readers accumulate over an edition."""

    stat_values: list[StatValue] = field(default_factory=list)
    committee_members: list[CommitteeMember] = field(default_factory=list)
    policy_list: list[PolicyListEntry] = field(default_factory=list)
    budget_rows: list[budget.RawRow] = field(default_factory=list)
    other_blocks: list[other_measures.OtherBlock] = field(default_factory=list)
    other_article: tuple[int, str] | None = None
    table_cells: list[TableCell] = field(default_factory=list)
    folios: dict[int, int] = field(default_factory=dict)
    tables: int = 0

    def add_table(self, page: int, kind: str | None, cells: Sequence[tuple]) -> None:
        """cells: (row, col, row_span, col_span, text, raw, bbox)."""
        self.tables += 1
        self.table_cells.extend(
            TableCell(table_no=self.tables, kind=kind, page=page, row=r, col=c, row_span=rs, col_span=cs,
                      text=text, text_raw=raw, bbox=bbox)
            for r, c, rs, cs, text, raw, bbox in cells
        )


# --- readers ------------------------------------------------------------------------------


def _read_census(state: TablesState, page: TablePage) -> None:
    for i, grid in enumerate(page.grids):
        table = stat_tables.read_census_grid(grid, page.caption_above(grid))
        if table is not None:
            page.claim(i, "census")
            state.stat_values.extend(stat_tables.census_values(table, page.number))


def _read_figures(state: TablesState, page: TablePage) -> None:
    state.stat_values.extend(stat_tables.figure_values(page.lines, page.number))


def _read_rosters(state: TablesState, page: TablePage) -> None:
    for i, grid in enumerate(page.grids):
        if rosters.is_roster(grid):
            page.claim(i, "roster")
            state.committee_members.extend(rosters.read_roster(grid, page.lines, page.number))


def _read_policy_list(state: TablesState, page: TablePage) -> None:
    for i, grid in enumerate(page.grids):
        if policy_list.is_policy_list(grid):
            page.claim(i, "policy_list")
            state.policy_list.extend(policy_list.read_policy_list(grid, page.lines, page.number, len(state.policy_list)))


def _read_budget(state: TablesState, page: TablePage) -> None:
    for i, grid in enumerate(page.grids):
        if budget.is_budget_table(grid):
            page.claim(i, "budget")
            state.budget_rows.extend(budget.read_budget_grid(grid, page.number))


def _read_other_measures(state: TablesState, page: TablePage) -> None:
    blocks, state.other_article = other_measures.read_other_measures(
        page.lines, page.number, page.height, state.other_article
    )
    state.other_blocks.extend(blocks)
    for block in blocks:
        page.aligned.append(("other_measure", block.bbox, [(r, c, 1, 1, text, raw, bbox) for r, c, text, raw, bbox in block.cells]))


@dataclass(frozen=True)
class PageReader:
    kind: str
    trigger: regex.Pattern
    read: Callable[[TablesState, TablePage], None]


PAGE_READERS: tuple[PageReader, ...] = (
    PageReader("census", regex.compile(r"業種大分類"), _read_census),
    PageReader("figures", regex.compile(r"業況DI|倒産件数|有効求人倍率"), _read_figures),
    PageReader("roster", regex.compile(r"委員名簿"), _read_rosters),
    PageReader("policy_list", regex.compile(r"事務事業名"), _read_policy_list),
    PageReader("budget", regex.compile(r"予算規模"), _read_budget),
    PageReader("other_measure", regex.compile(r"年度の概要[\s\S]*年度の実績|年度の実績[\s\S]*年度の概要"), _read_other_measures),
)
"""Which readers a page goes to: the first pattern each reader needs on the page's
normalised text (``業種大分類`` in a census header, ``委員名簿`` in a roster caption,
``事務事業名`` in the policy list header, ``予算規模（千円）`` in the budget header,
``令和３年度の概要`` beside ``令和２年度の実績``)."""


@dataclass
class SplitLine:
    """A part of a page line cut at a cell boundary (same attributes as report.NormLine)."""

    text: str
    raw: str
    bbox: BBox
    size: float


def char_splitter(chars: Callable[[BBox], list]) -> Callable:
    """A `grids.Splitter` that cuts a line at the given x edges along its characters' boxes
    (`chars(bbox)` gives the characters inside a rectangle: `PdfDocument.chars` clipped to
    the line). A character belongs to the line when most of its height lies within it."""

    def split(line, edges: list[float]) -> list:
        x0, top, x1, bottom = line.bbox
        inside = [
            c for c in chars((x0 - 1, top - 1, x1 + 1, bottom + 1))
            if x0 - 1 <= (c[0] + c[2]) / 2 <= x1 + 1 and min(bottom, c[3]) - max(top, c[1]) >= 0.6 * (c[3] - c[1])
        ]
        parts: dict[int, list] = {}
        for c in sorted(inside, key=lambda c: c[0]):
            parts.setdefault(sum(1 for e in edges if (c[0] + c[2]) / 2 > e), []).append(c)
        if len(parts) < 2:
            return [line]
        out = []
        for _, cs in sorted(parts.items()):
            raw = "".join(c[4] for c in cs).strip()
            if raw:
                out.append(SplitLine(normalise_text(raw), raw, (cs[0][0], top, cs[-1][2], bottom), line.size))
        return out

    return split


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


GRID_READERS = frozenset({"census", "roster", "policy_list", "budget"})
"""Readers that read ruled grids (the others read the page's lines)."""


def _kpi_cells(table: kpi_pages.PageTable) -> list[tuple]:
    """A KPI table as cells: the year header row, then a row per 目標 / 実績 label."""
    cells = [(0, c + 1, 1, 1, normalise_text(col.text), col.text, col.bbox) for c, col in enumerate(table.columns)]
    for r, row in enumerate(table.rows, start=1):
        cells.append((r, 0, 1, 1, normalise_text(row.label_text), row.label_text, row.bbox))
        cells += [(r, c + 1, 1, 1, normalise_text(cell.text), cell.text, cell.bbox) for c, cell in enumerate(row.cells)]
    return cells


def read_page(
    state: TablesState, number: int, height: float, lines: list, rulings: Sequence | Callable[[], Sequence] = (),
    kpi_tables: Sequence[kpi_pages.PageTable] = (), chars: Callable[[BBox], list] | None = None, sheet_page: bool = False,
) -> None:
    """Read one page's tables into `state` (typed rows and table_cells).

    `rulings` are the page's rules, or a callable that reads them (`PdfDocument.rulings`,
    about a millisecond a page): it is not called on a measure-sheet page that no grid
    reader is routed to, whose tables are the KPI tables `kpi_pages` found by position
    (their cells go to table_cells from there). `chars(bbox)` gives the characters inside
    a rectangle of the page (`PdfDocument.chars`), asked for only where a line runs across
    a cell boundary."""
    for line in lines:
        if line.bbox[1] > height - FOLIO_BAND and (m := FOLIO.match(line.text.strip())):
            state.folios[number] = int(m.group("folio"))
    text = "\n".join(l.text for l in lines)
    routed = [reader for reader in PAGE_READERS if reader.trigger.search(text)]
    grids: list[Grid] = []
    if not sheet_page or any(r.kind in GRID_READERS for r in routed):
        page_rulings = rulings() if callable(rulings) else rulings
        if page_rulings:
            split = char_splitter(chars) if chars is not None else None
            grids = find_grids(page_rulings, lines, split)
    page = TablePage(number, height, lines, grids)
    for reader in routed:
        reader.read(state, page)
    kpi_boxes = [t.bbox for t in kpi_tables]
    found = [(t.bbox, "kpi", _kpi_cells(t)) for t in kpi_tables]
    found += [(grid.bbox, page.kinds.get(i), [(c.row, c.col, c.row_span, c.col_span, c.text, c.raw, c.bbox) for c in grid.cells])
              for i, grid in enumerate(page.grids)
              if i in page.kinds or not any(_overlaps(grid.bbox, b) for b in kpi_boxes)]  # a KPI grid is in already
    found += [(bbox, kind, cells) for kind, bbox, cells in page.aligned]
    for _, kind, cells in sorted(found, key=lambda t: (round(t[0][1] / 10), t[0][0])):
        state.add_table(number, kind, cells)


@dataclass
class Tables:
    """The typed tables of an edition, as `finish` settles them."""

    stat_values: tuple[StatValue, ...]
    committee_members: tuple[CommitteeMember, ...]
    policy_list: tuple[PolicyListEntry, ...]
    budget_items: tuple[BudgetItem, ...]
    budget_results: tuple[BudgetResult, ...]
    other_measures: tuple[OtherMeasure, ...]
    table_cells: tuple[TableCell, ...]


def finish(state: TablesState) -> Tables:
    """Assemble the budget rows of every page and give each その他の事業 its article."""
    items, results = budget.build_items(state.budget_rows)
    others = []
    for block in state.other_blocks:
        article = block.article
        if article is None:
            entry = policy_list.article_for(state.policy_list, block.name, state.folios.get(block.page, block.page), "その他の事業")
            article = (entry.article, entry.article_title) if entry else None
        others.append(OtherMeasure(
            article=article[0] if article else None, article_title=normalise_text(article[1]) if article else None,
            name=block.name, name_raw=block.name_raw, next_year_plan=block.plan, results=block.results,
            page=block.page, bbox=block.bbox,
        ))
    return Tables(
        tuple(state.stat_values), tuple(state.committee_members), tuple(state.policy_list), tuple(items),
        tuple(results), tuple(others), tuple(state.table_cells),
    )
