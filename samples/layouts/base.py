"""What every part of an alternative-layout edition shares: the layout's spec, line widths,
and the builder's state and helpers (a stream of lines, truth records pinned to them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from nenpo.samples.content import Measure
from nenpo.samples.generate import label_numbers, normalised_name
from nenpo.samples.layouts.stream import Stream, cell_ids
from nenpo.samples.layouts.text_order import Style

WIDE = 100
"""Columns of a full-width line (a paragraph across the page)."""
NARROW = 52
"""Columns of a line in one column of the original two-column sheet."""


@dataclass(frozen=True)
class LayoutSpec:
    name: str
    folder: str
    style: Callable[[], Style]
    reading_order: bool  # False: the order of the real report's text layer
    cover_image: bool
    sheet_on_new_page: bool
    tables_as_grids: bool  # rosters, policy list, budget, その他の事業 drawn as tables (else as text lines)


class BuilderBase:
    """One edition in one layout: the stream of lines and tables, and the truth records on it."""

    def __init__(
        self,
        year: int,
        spec: LayoutSpec,
        sheet_pages: dict[str, tuple[int, int]] | None,
        other_pages: dict[str, int] | None,
    ):
        self.year = year
        self.spec = spec
        self.s = Stream()
        self.sheet_pages = sheet_pages
        self.other_pages = other_pages
        self.sheet_ids: dict[str, list[int]] = {}
        self.other_ids: dict[str, list[int]] = {}
        self.pdca_order: dict[tuple[str, str], int] = {}
        self.extra: dict[str, list] = {"budget_results": []}
        self.list_heading_id = -1
        self.listed = 0  # entries of the list's 検証対象事業 part

    # --- helpers -------------------------------------------------------------------------

    def paragraph(self, text: str, columns: int = WIDE) -> list[int]:
        return self.s.para(text, columns)

    def items(self, items, columns: int, bullet: str = "○") -> list[list[int]]:
        return [self.s.para((label or bullet) + text, columns) for label, text in items]

    def pdca(self, measure: Measure, phase: str, items, ids_per_item, covers=None) -> None:
        name = normalised_name(measure.name_in(self.year))
        for (label, text), ids in zip(items, ids_per_item, strict=True):
            self.pdca_order[(name, phase)] = order = self.pdca_order.get((name, phase), 0) + 1
            self.s.record(
                "pdca_items",
                {
                    "measure": name,
                    "covers": covers or [name],
                    "phase": phase,
                    "order": order,
                    "label": label,
                    "seq": label_numbers(label),
                    "text_raw": text,
                    "page": None,
                    "bbox": None,
                },
                ids,
            )

    def grid(self, kind: str, widths: list[float], rows) -> list[list]:
        """An (unruled in the mincho style) table whose cells also go to the truth's `tables`."""
        built = self.s.table(kind, widths, rows)
        cells = [
            [r, c.col, 1, c.span, "\n".join(t for t, _ in c.lines)]
            for r, row in enumerate(built)
            for c in row
            if c.lines
        ]
        self.s.record(
            "tables",
            {"kind": kind, "page": None, "pages": [], "bbox": None, "cells": cells},
            [i for row in built for i in cell_ids(row)],
        )
        return built

    def columns_for(self, width_pt: float) -> int:
        return max(8, int(2 * (width_pt - 8) / self.spec.style().size))
