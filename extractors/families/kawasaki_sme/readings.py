"""Two readings of every typed table, settled: the layout reading (positions: grids,
aligned columns) and the text-order reading (the grammars over the edition's text
stream, `text_stream`).

Per table, by evidence (`settle_readings`, the rules are listed there): the reading that
found the table, or found all of it; a cross-check, row by row, where both found the same
rows (census: category by category, budget: № and phase, rosters: committee and №,
policy list: part and name, その他の事業: name, article opinions: article and kind), a
disagreement being an extraction warning ``readings_differ``; and on every record which
reading it came from (`read_by`). A text-order record's page and box are those of the
stream line it was read from.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nenpo.extractors.families.kawasaki_sme import (
    article_opinions,
    budget,
    other_measures,
    policy_list,
    rosters,
    stat_tables,
)
from nenpo.extractors.families.kawasaki_sme.models import (
    ArticleOpinion,
    BudgetItem,
    BudgetResult,
    CommitteeMember,
    PolicyListEntry,
    StatValue,
)
from nenpo.extractors.models import ExtractionWarning

if TYPE_CHECKING:
    from nenpo.extractors.families.kawasaki_sme.table_pages import TablesState

MAX_DIFFERENCES = 3  # differing rows named in one warning


@dataclass
class Settled:
    stat_values: list[StatValue] = field(default_factory=list)
    committee_members: list[CommitteeMember] = field(default_factory=list)
    policy_list: list[PolicyListEntry] = field(default_factory=list)
    budget_items: list[BudgetItem] = field(default_factory=list)
    budget_results: list[BudgetResult] = field(default_factory=list)
    other_blocks: list[other_measures.OtherBlock] = field(default_factory=list)
    article_opinions: list[ArticleOpinion] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    text_tables: list[tuple] = field(default_factory=list)  # (page, bbox, kind, cells) only the text order found


def _same(a, b) -> bool:
    """Do two rows agree? A field one reading left empty (None) does not count against it."""
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(x is None or y is None or _same(x, y) for x, y in zip(a, b))
    return a == b


def _partial(ident) -> bool:
    """A row identity with a part read empty (a その他の事業 block without its name)."""
    parts = ident if isinstance(ident, tuple) else (ident,)
    return any(p == "" for p in parts)


@dataclass(frozen=True)
class Rows:
    """One reading of a table, as the cross-check sees it: per row an identity (which row
    it is) and the values compared."""

    ids: list
    values: list


def settle_readings(
    kind: str, layout: Rows, text: Rows, where: str, page: int | None
) -> tuple[str, list[ExtractionWarning]]:
    """Which reading to keep, and the cross-check's warnings.

    - the layout found nothing → the text order;
    - the text order holds every row the layout found whole, with the same values, and
      more rows, or as many where the layout read some only in part (a row without its
      name: the name printed at the foot of the page before) → the text order (the
      layout's reading is incomplete: warning ``layout_reading_incomplete``);
    - both found the same rows → the layout, compared value by value (warning
      ``readings_differ`` naming the first differing rows);
    - otherwise → the layout, without a word: a text order that does not hold the same
      rows is not the table's order on this page (a two-column page, cells written out of
      order) and says nothing about it."""
    if not layout.ids:
        return ("text_order" if text.ids else "layout"), []
    if not text.ids:
        return "layout", []
    text_values = dict(zip(text.ids, text.values))
    partial = [_partial(i) for i in layout.ids]
    if (len(text.ids) > len(layout.ids) or (any(partial) and len(text.ids) == len(layout.ids))) and all(
        p or (i in text_values and _same(v, text_values[i])) for i, v, p in zip(layout.ids, layout.values, partial)
    ):
        return "text_order", [
            ExtractionWarning(
                code="layout_reading_incomplete",
                message=f"{where}: {kind}: {len(layout.ids)} rows read by layout ({sum(partial)} in part), "
                f"{len(text.ids)} by text order, which holds them all; the text order is kept",
                page=page,
            )
        ]
    if layout.ids != text.ids:
        return "layout", []
    rows = [(k, a, b) for k, (a, b) in enumerate(zip(layout.values, text.values)) if not _same(a, b)]
    if not rows:
        return "layout", []
    detail = "; ".join(f"row {k + 1}: layout {a!r} / text order {b!r}" for k, a, b in rows[:MAX_DIFFERENCES])
    return "layout", [
        ExtractionWarning(
            code="readings_differ",
            message=f"{where}: {kind}: the layout and text-order readings differ in {len(rows)} of {len(layout.ids)} rows "
            f"({detail})",
            page=page,
        )
    ]


# --- census ------------------------------------------------------------------------------------


def _census_key(table: stat_tables.CensusTable) -> tuple:
    return (table.table, tuple((c.measure, c.year) for c in table.columns))


def _census_rows(table: stat_tables.CensusTable) -> list[tuple]:
    return [(r.category, tuple(r.cells)) for r in table.rows]


def _census(state: TablesState, out: Settled, path: str) -> None:
    text_tables = stat_tables.parse_census_text(state.stream.texts) if "census" in state.routed else []
    text_by_key = {}
    for table in text_tables:
        for row in table.rows:
            row.page, box = state.stream.span(row.line, row.line)
            row.boxes = [box] * len(row.cells)
        text_by_key.setdefault(_census_key(table), table)
    used = set()
    for table, page in state.census_tables:
        key = _census_key(table)
        text = text_by_key.get(key)
        used.add(key)
        layout_rows = Rows([r.category for r in table.rows], _census_rows(table))
        text_rows = Rows([r.category for r in text.rows], _census_rows(text)) if text else Rows([], [])
        chosen, warnings = settle_readings(
            f"census table {table.table}", layout_rows, text_rows, f"{path}, page {page}", page
        )
        out.warnings.extend(warnings)
        if chosen == "layout":
            out.stat_values.extend(stat_tables.census_values(table, page))
        else:
            out.stat_values.extend(_text_census(text, table.title))
    for key, text in text_by_key.items():
        if key not in used and text.rows:
            out.stat_values.extend(_text_census(text, text.title))
            first = state.stream.lines[text.stub_line if text.stub_line is not None else text.header_line]
            out.text_tables.append((first.page, first.bbox, "census", stat_tables.text_cells(text, state.stream)))


def _text_census(table: stat_tables.CensusTable, title: str | None) -> list[StatValue]:
    table.title = table.title or title
    return [
        v.model_copy(update={"read_by": "text_order"})
        for v in stat_tables.census_values(table, table.rows[0].page if table.rows else 1)
    ]


# --- budget --------------------------------------------------------------------------------------


def _budget(state: TablesState, out: Settled, path: str) -> None:
    layout_rows = state.budget_rows
    text_rows = budget.parse_budget_text(state.stream.texts, state.stream.lefts) if "budget" in state.routed else []
    for row in text_rows:
        if row.line is not None:
            row.page, row.bbox = state.stream.span(row.line, row.line)
    items, results = budget.build_items(layout_rows)
    read_by = "layout"
    if text_rows:
        text_items, text_results = budget.build_items(text_rows)
        page = items[0].page if items else text_items[0].page if text_items else None
        read_by, warnings = settle_readings(
            "budget table",
            Rows([(i.no, i.phase) for i in items], [(i.no, i.phase, i.budget_thousand_yen) for i in items]),
            Rows([(i.no, i.phase) for i in text_items], [(i.no, i.phase, i.budget_thousand_yen) for i in text_items]),
            f"{path}, page {page}",
            page,
        )
        out.warnings.extend(warnings)
        if read_by == "text_order":
            items, results = text_items, text_results
            if not layout_rows:  # a table no grid holds: its cells as the text order read them
                out.text_tables += budget.text_cells(text_rows, state.stream)
    out.budget_items = [i.model_copy(update={"read_by": read_by}) for i in items]
    out.budget_results = [r.model_copy(update={"read_by": read_by}) for r in results]


# --- rows read the same way by both readings -------------------------------------------------------


def _settle_rows(
    kind: str,
    layout: list,
    text: list,
    ident: Callable,
    key: Callable,
    path: str,
    out_warnings: list[ExtractionWarning],
) -> list:
    """Layout and text-order rows of one kind of table: cross-check, choose, mark."""
    page = getattr(layout[0] if layout else text[0] if text else None, "page", None)
    read_by, warnings = settle_readings(
        kind,
        Rows([ident(r) for r in layout], [key(r) for r in layout]),
        Rows([ident(r) for r in text], [key(r) for r in text]),
        f"{path}, page {page}",
        page,
    )
    out_warnings.extend(warnings)
    return [_mark(r, read_by) for r in (layout if read_by == "layout" else text)]


def _mark(record, read_by: str):
    if hasattr(record, "model_copy"):
        return record.model_copy(update={"read_by": read_by})
    record.read_by = read_by
    return record


def settle(state: TablesState, path: str = "") -> Settled:
    """Both readings of every kind of table, settled (see the module docstring)."""
    out = Settled()
    out.stat_values = [v.model_copy(update={"read_by": "text_order"}) for v in state.stat_values]  # prose figures
    _census(state, out, path)
    _budget(state, out, path)
    stream = state.stream
    routed = state.routed
    text_members, roster_tables = rosters.read_text(stream) if "roster" in routed else ([], [])
    out.committee_members = _settle_rows(
        "roster",
        state.committee_members,
        text_members,
        lambda m: (m.committee, m.seq),
        lambda m: (m.committee, m.seq, m.role, m.name, m.grp),
        path,
        out.warnings,
    )
    if (
        text_members
        and out.committee_members
        and out.committee_members[0].read_by == "text_order"
        and not state.committee_members
    ):  # rosters no grid holds: their cells as the text order read them
        out.text_tables += roster_tables
    text_entries, list_tables = policy_list.read_text(stream) if "policy_list" in routed else ([], [])
    out.policy_list = _settle_rows(
        "policy list",
        state.policy_list,
        text_entries,
        lambda e: (e.part, e.name),
        lambda e: (e.part, e.article, e.name, e.page_start, e.page_end),
        path,
        out.warnings,
    )
    if text_entries and not state.policy_list:  # a list no grid holds: its cells as the text order read them
        out.text_tables += list_tables
    out.other_blocks = _settle_rows(
        "その他の事業",
        state.other_blocks,
        other_measures.read_text(stream) if "other_measure" in routed else [],
        lambda b: b.name,
        lambda b: (b.name, b.article and b.article[0]),
        path,
        out.warnings,
    )
    layout_opinions = [article_opinions.record(page, o) for page, o in state.opinions]
    out.article_opinions = _settle_rows(
        "article opinions",
        layout_opinions,
        article_opinions.read_text(stream, out.policy_list) if "article_opinions" in routed else [],
        lambda o: (o.article, o.kind),
        lambda o: (o.article, o.kind, o.text),
        path,
        out.warnings,
    )
    return out
