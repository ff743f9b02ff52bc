"""The few warehouse columns no record attribute holds, as small functions of a table's rows.

A `schema.Table` declares them in `derived`; the loader (`warehouse.load`) calls each
with the `Rows` of the table (the extraction, its records for the table, the load's time)
and gets one value per row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Any

from nenpo.extractors.models import ReportExtraction

Cells = list[object]
"""One value per row of a table, as the loader hands them to pyarrow."""


def element_id(report_id: str, prefix: str, ordinal: int) -> str:
    """``'<report_id>:<prefix><ordinal>'``: stable across re-loads of the same file by the same extractor version."""
    return f"{report_id}:{prefix}{ordinal}"


@dataclass
class Rows:
    """What a column function sees: the edition and the records of one table."""

    extraction: ReportExtraction
    records: Sequence[Any]
    ingested_at: datetime

    @cached_property
    def measure_ids(self) -> dict[str, str]:
        """Measure name → measure_id, for names that exactly one measure of the edition has."""
        x = self.extraction
        counts = Counter(m.name for m in x.measures)
        return {
            m.name: element_id(x.report_id, "m", i) for i, m in enumerate(x.measures, start=1) if counts[m.name] == 1
        }


def utc(moment: datetime) -> datetime:
    """Aware datetime in UTC; a naive one is taken as local time, as Python does."""
    return moment.astimezone(UTC)


# --- reports ---------------------------------------------------------------------------------


def ingested_at(rows: Rows) -> Cells:
    return [utc(rows.ingested_at)] * len(rows.records)


def count_of(field: str) -> Callable[[Rows], Cells]:
    """The number of the edition's records in `field` (reports.measure_count …)."""

    def count(rows: Rows) -> Cells:
        return [len(getattr(r, field)) for r in rows.records]

    count.__name__ = f"count_of_{field}"
    return count


# --- records that name their measure ---------------------------------------------------------


def measure_id(rows: Rows) -> Cells:
    """measures.measure_id of the edition's measure with the record's name (NULL when none or several)."""
    return [rows.measure_ids.get(r.measure) for r in rows.records]


# --- PDCA items ------------------------------------------------------------------------------


def shared(rows: Rows) -> Cells:
    """A Check/Action item shared by several sub-measures."""
    return [len(r.covers) > 1 for r in rows.records]


@dataclass(frozen=True)
class ItemMeasure:
    """One (PDCA item, measure it applies to) link."""

    pdca_item_id: str
    measure: str


def item_measures(x: ReportExtraction) -> list[ItemMeasure]:
    """Every item once per measure it covers (its own sheet's when it covers none)."""
    return [
        ItemMeasure(element_id(x.report_id, "p", ordinal), measure)
        for ordinal, item in enumerate(x.pdca_items, start=1)
        for measure in dict.fromkeys(item.covers or (item.measure,))
    ]


# --- pages -----------------------------------------------------------------------------------


def chars_of(engine: str) -> Callable[[Rows], Cells]:
    """Characters one engine read on the page (NULL when it did not run)."""

    def chars(rows: Rows) -> Cells:
        return [r.chars.get(engine) for r in rows.records]

    chars.__name__ = f"chars_{engine}"
    return chars
