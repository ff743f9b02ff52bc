"""What the profile engine carries through its stages: the profile's patterns compiled
once (`CompiledProfile`), the records found (`RecordSpan`) and everything read so far
(`ProfileReading`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import regex

from nenpo.extractors.models import (
    CategoryValue,
    CostValue,
    EditionEvidence,
    ExtractionWarning,
    KpiValue,
    PageRecord,
    PdcaItem,
    Section,
    TableCell,
)
from nenpo.extractors.profiles.grammar import HEADING_RULES, HeadingRule, era_of
from nenpo.extractors.profiles.layout import Field, Page
from nenpo.extractors.profiles.model import Profile

__all__ = ["CompiledProfile", "ProfileReading", "RecordSpan", "fields_of", "items_of"]


class CompiledProfile:
    """A profile's patterns, compiled once."""

    def __init__(self, profile: Profile):
        self.profile = profile
        c = regex.compile
        self.recognise = [c(p) for p in profile.edition.recognise]
        self.years = [(c(y.pattern), y) for y in profile.edition.year]
        self.kinds = [(c(k.label), k.kind) for k in profile.kpi.kinds]
        self.bases = [(c(b.label), b.basis) for b in profile.costs.bases]
        self.cost_tables = [c(p) for p in profile.costs.tables]
        self.cost_skip = [c(p) for p in profile.costs.skip_rows]
        self.kpi_skip = [c(p) for p in profile.kpi.skip_rows]
        self.unit_label = c(profile.kpi.unit_field) if profile.kpi.unit_field else None
        self.indicator_field = c(profile.kpi.indicator_field) if profile.kpi.indicator_field else None
        self.phases = [(phase, c(a.label), c(a.after) if a.after else None) for phase, a in profile.pdca.phases()]
        self.categories = [
            (cat, c(cat.label), [(vid, c(p)) for vid, p in cat.values.items()]) for cat in profile.categories
        ]
        self.form_header = c(profile.record.form_header) if profile.record.form_header else None
        self.record_heading = c(profile.record.heading) if profile.record.heading else None
        name = profile.record.name
        self.name_label = c(name.label) if name and name.label else None
        self.name_pattern = c(name.pattern) if name and name.pattern else None
        self.name_drop = c(name.drop) if name and name.drop else None
        sub = profile.record.sub
        self.sub_label = c(sub.label) if sub and sub.label else None
        self.heading_rules = tuple(
            r
            for r in HEADING_RULES
            if (profile.sections.numbering or r.kind in ("bracket", "mark"))
            and (profile.sections.brackets or r.kind not in ("bracket", "mark"))
        ) + tuple(HeadingRule("profile", c(p), p) for p in profile.sections.headings)
        self.inline = [(c(k.pattern), k) for k in profile.kpi.inline]


@dataclass
class RecordSpan:
    """A record (sheet): its name and the pages (with a y-range on each) it covers."""

    name: str
    name_raw: str
    pages: list[Page]
    bbox: tuple | None = None
    read_by: str = "layout"
    start: tuple[int, float] = (0, float("-inf"))  # (page, top) where it starts (heading mode, sub-records)
    end: tuple[int, float] = (10**9, float("inf"))
    parent: str | None = None
    subs: list[RecordSpan] = field(default_factory=list)

    def holds(self, page: int, top: float) -> bool:
        """Is a thing printed at (page, top) this record's (and not one of its sub-records')?"""
        return self.start <= (page, top) < self.end and not any(s.holds(page, top) for s in self.subs)


@dataclass
class ProfileReading:
    """What the stages accumulate."""

    path: Path
    profile: CompiledProfile
    pages: list[Page] = field(default_factory=list)
    page_records: list[PageRecord] = field(default_factory=list)
    evidence: list[EditionEvidence] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    fiscal_year: int | None = None
    title: str = ""
    records: list[RecordSpan] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    pdca: list[PdcaItem] = field(default_factory=list)
    categories: list[CategoryValue] = field(default_factory=list)
    kpis: list[KpiValue] = field(default_factory=list)
    costs: list[CostValue] = field(default_factory=list)
    cells: list[TableCell] = field(default_factory=list)
    gates: list[tuple[str, bool, str]] = field(default_factory=list)
    grid_numbers: dict[int, int] = field(default_factory=dict)

    def warn(self, code: str, message: str, page: int | None = None, **kw) -> None:
        self.warnings.append(ExtractionWarning(code=code, message=f"{self.path}: {message}", page=page, **kw))

    @cached_property
    def era(self) -> str:
        return era_of(self.fiscal_year or 2019)

    def text_source(self, page: int) -> str:
        return "ocr" if self.pages[page - 1].engine == "ocr" else "text_layer"


def items_of(record: RecordSpan, items) -> list:
    return [i for i in items if record.holds(i.page, i.bbox[1])]


def fields_of(record: RecordSpan, page: Page) -> list[Field]:
    return [f for f in page.fields if f.bbox is None or record.holds(f.page, f.bbox[1])]
