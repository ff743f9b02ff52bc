"""The policy list 中小企業活性化施策一覧 (条文 / 中小企業活性化施策 / 事務事業名 / 頁).

Section 4 opens with the list of the measures the edition verifies (検証対象事業); the
page after it continues with the other measures (その他の事業). Both parts are ruled
grids whose 条文 and 施策 cells span the rows of an article and whose 頁 cell can span
two measures printed on one page. The part is named by the label printed above the
grid. A measure under a parent is printed ``商業振興関連事業 商店街課題対応事業``.

The list gives every measure its article: `article_for` finds a measure's entry by name,
then by the page range its sheet falls in.
"""

from __future__ import annotations

from typing import Sequence

import regex

from nenpo.extractors.grids import Grid
from nenpo.extractors.models import PolicyListEntry
from nenpo.extractors.normalise import normalise_name, normalise_text

PARTS = ("検証対象事業", "その他の事業")
PART_LABEL = regex.compile(r"^(?P<part>検証対象事業|その他の事業)$")
"""The label above each part: ``検証対象事業``, ``その他の事業``."""

ARTICLE_CELL = regex.compile(r"^(?P<article>[0-9]{1,2})\s*条$")
"""The 条文 cell: ``１２条`` (normalised ``12条``)."""

PAGES_CELL = regex.compile(r"^(?P<start>[0-9]{1,3})(?:\s*[-~]\s*(?P<end>[0-9]{1,3}))?$")
"""The 頁 cell: ``17-18``, ``59``."""

PARENT = regex.compile(r"^\S+関連事業$")
"""A parent measure printed before its sub-measure: ``商業振興関連事業``, ``工業振興関連事業``."""

LABEL_GAP = 60.0  # points above the grid where its part label is looked for


def _compact(text: str) -> str:
    return "".join(text.split())


def is_policy_list(grid: Grid) -> bool:
    header = [_compact(t) for t in grid.row_texts(0)]
    return "条文" in header and "事務事業名" in header and "頁" in header


def part_above(grid: Grid, lines: Sequence) -> str:
    """The part label closest above the grid; 検証対象事業 when none is printed."""
    top = grid.ys[0]
    labels = [(top - l.bbox[3], m.group("part")) for l in lines
              if top - LABEL_GAP <= l.bbox[3] <= top + 1 and (m := PART_LABEL.match(_compact(l.text)))]
    return min(labels)[1] if labels else PARTS[0]


def read_policy_list(grid: Grid, lines: Sequence, page: int, seq_start: int = 0) -> list[PolicyListEntry]:
    """The entries of one part of the list, in printed order (seq continues from seq_start)."""
    part = part_above(grid, lines)
    header = [_compact(t) for t in grid.row_texts(0)]
    article_col = header.index("条文")
    name_col = header.index("事務事業名")
    page_col = header.index("頁")
    policy_col = next((c for c, h in enumerate(header) if "施策" in h and c not in (name_col,)), None)
    entries = []
    for r in range(1, grid.n_rows):
        cell = grid.at(r, name_col)
        if cell is None or cell.row != r or not cell.text:
            continue
        article_cell = grid.at(r, article_col)
        article = ARTICLE_CELL.match(_compact(article_cell.text)) if article_cell else None
        policy_cell = grid.at(r, policy_col) if policy_col is not None else None
        pages = PAGES_CELL.match(_compact(grid.at(r, page_col).text)) if grid.at(r, page_col) else None
        parts = cell.text.split()
        parent = None
        names = [cell.text.replace("\n", "")]
        if len(parts) > 1 and PARENT.match(parts[0]):
            parent, names = normalise_name(parts[0]), parts[1:]
        for name in names:
            entries.append(PolicyListEntry(
                part=part, seq=seq_start + len(entries) + 1,
                article=int(article.group("article")) if article else None,
                article_title=normalise_text(policy_cell.text.replace("\n", "")) if policy_cell and policy_cell.text else None,
                parent=parent, name=normalise_name(name), name_raw=cell.raw.replace("\n", ""),
                page_start=int(pages.group("start")) if pages else None,
                page_end=int(pages.group("end") or pages.group("start")) if pages else None,
                page=grid.row_page(r, page), bbox=cell.bbox,
            ))
    return entries


def article_for(
    entries: Sequence[PolicyListEntry], name: str, folio: int | None = None, part: str | None = None
) -> PolicyListEntry | None:
    """The list entry of a measure: same normalised name, else the entry whose 頁 range
    holds the measure's printed page (`folio`). Entries without an article are skipped."""
    pool = [e for e in entries if e.article is not None and (part is None or e.part == part)]
    by_name = [e for e in pool if e.name == name]
    if by_name:
        return by_name[0]
    if folio is not None:
        by_page = [e for e in pool if e.page_start is not None and e.page_start <= folio <= (e.page_end or e.page_start)]
        if len({e.article for e in by_page}) == 1:
            return by_page[0]
    return None


def read_text(stream) -> list:
    return []
