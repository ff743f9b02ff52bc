"""Two readings of every typed table, settled: the layout reading (positions: grids,
aligned columns) and the text-order reading (the grammars over the edition's text
stream, `text_stream`).

Per table, by evidence (`settle`):

- only one reading found the table → that one;
- both found it → they are cross-checked cell by cell (census), row by row (budget,
  rosters, policy list, その他の事業, article opinions); the layout reading is kept unless
  it is incomplete (fewer rows or cells than the text order found), and every
  disagreement is an extraction warning ``readings_differ`` naming the table and the
  first differing row;
- every record says which reading it came from (`read_by`).

A text-order record's page and box are those of the stream line it was read from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Sequence

from nenpo.extractors import article_opinions, budget, other_measures, policy_list, rosters, stat_tables
from nenpo.extractors.models import (
    ArticleOpinion,
    BudgetItem,
    BudgetResult,
    CommitteeMember,
    ExtractionWarning,
    PolicyListEntry,
    StatValue,
)

if TYPE_CHECKING:
    from nenpo.extractors.table_pages import TablesState
    from nenpo.extractors.text_stream import TextStream

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


def _same(a, b) -> bool:
    """Do two rows agree? A field one reading left empty (None) does not count against it."""
    if isinstance(a, tuple) and isinstance(b, tuple) and len(a) == len(b):
        return all(x is None or y is None or _same(x, y) for x, y in zip(a, b))
    return a == b


def _differences(kind: str, key: str, layout: Sequence, text: Sequence, path: str, page: int | None) -> list[ExtractionWarning]:
    """The cross-check of two readings of one table.

    Where both found the same number of rows, they are compared row by row and any
    difference is a ``readings_differ`` warning. Where the layout found some rows but fewer
    than the text order (whose rows are kept), ``layout_reading_incomplete``. A text order
    that found fewer rows says nothing: on a page whose positions carry the table, the text
    layer's order is often not the table's."""
    if not layout or not text or len(layout) > len(text):
        return []
    where = f"{path}, page {page}: {kind} {key}"
    if len(layout) < len(text):
        return [ExtractionWarning(
            code="layout_reading_incomplete",
            message=f"{where}: {len(layout)} rows read by layout, {len(text)} by text order; the text order is kept",
            page=page,
        )]
    rows = [(k, a, b) for k, (a, b) in enumerate(zip(layout, text)) if not _same(a, b)]
    if not rows:
        return []
    detail = "; ".join(f"row {k + 1}: layout {a!r} / text order {b!r}" for k, a, b in rows[:MAX_DIFFERENCES])
    return [ExtractionWarning(
        code="readings_differ",
        message=f"{where}: the layout and text-order readings differ in {len(rows)} of {len(layout)} rows ({detail})",
        page=page,
    )]


def _choose(layout: Sequence, text: Sequence) -> str:
    """Which reading to keep: the layout's, unless it found fewer rows than the text order."""
    return "layout" if layout and len(layout) >= len(text) else "text_order"


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
        if text is None:
            out.stat_values.extend(stat_tables.census_values(table, page))
            continue
        out.warnings.extend(_differences("census table", table.table, _census_rows(table), _census_rows(text), path, page))
        if _choose(table.rows, text.rows) == "layout":
            out.stat_values.extend(stat_tables.census_values(table, page))
        else:
            out.stat_values.extend(_text_census(text, table.title))
    for key, text in text_by_key.items():
        if key not in used and text.rows:
            out.stat_values.extend(_text_census(text, text.title))


def _text_census(table: stat_tables.CensusTable, title: str | None) -> list[StatValue]:
    table.title = table.title or title
    return [v.model_copy(update={"read_by": "text_order"})
            for v in stat_tables.census_values(table, table.rows[0].page if table.rows else 1)]


# --- budget --------------------------------------------------------------------------------------


def _budget(state: TablesState, out: Settled, path: str) -> None:
    layout_rows = state.budget_rows
    text_rows = budget.parse_budget_text(state.stream.texts) if "budget" in state.routed else []
    for row in text_rows:
        if row.line is not None:
            row.page, row.bbox = state.stream.span(row.line, row.line)
    items, results = budget.build_items(layout_rows)
    read_by = "layout"
    if text_rows:
        text_items, text_results = budget.build_items(text_rows)
        page = items[0].page if items else text_items[0].page if text_items else None
        if items:
            out.warnings.extend(_differences(
                "budget table", "rows", [(i.no, i.phase, i.budget_thousand_yen) for i in items],
                [(i.no, i.phase, i.budget_thousand_yen) for i in text_items], path, page,
            ))
        if _choose(items, text_items) == "text_order":
            items, results, read_by = text_items, text_results, "text_order"
    out.budget_items = [i.model_copy(update={"read_by": read_by}) for i in items]
    out.budget_results = [r.model_copy(update={"read_by": read_by}) for r in results]


# --- rows read the same way by both readings -------------------------------------------------------


def _settle_rows(
    kind: str, layout: list, text: list, key: Callable, path: str, out_warnings: list[ExtractionWarning],
) -> list:
    """Layout and text-order rows of one kind of table: cross-check, choose, mark."""
    if text and layout:
        out_warnings.extend(_differences(kind, "rows", [key(r) for r in layout], [key(r) for r in text], path,
                                         getattr(layout[0], "page", None)))
    chosen, read_by = (layout, "layout") if _choose(layout, text) == "layout" else (text, "text_order")
    return [_mark(r, read_by) for r in chosen]


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
    out.committee_members = _settle_rows(
        "roster", state.committee_members, rosters.read_text(stream) if "roster" in routed else [],
        lambda m: (m.committee, m.seq, m.role, m.name, m.grp), path, out.warnings,
    )
    out.policy_list = _settle_rows(
        "policy list", state.policy_list, policy_list.read_text(stream) if "policy_list" in routed else [],
        lambda e: (e.part, e.article, e.name), path, out.warnings,
    )
    out.other_blocks = _settle_rows(
        "その他の事業", state.other_blocks, other_measures.read_text(stream) if "other_measure" in routed else [],
        lambda b: (b.name,), path, out.warnings,
    )
    layout_opinions = [article_opinions.record(page, o) for page, o in state.opinions]
    out.article_opinions = _settle_rows(
        "article opinions", layout_opinions,
        article_opinions.read_text(stream, out.policy_list) if "article_opinions" in routed else [],
        lambda o: (o.article, o.kind, o.text), path, out.warnings,
    )
    return out
