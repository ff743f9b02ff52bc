"""Reading a PDF by a profile: the stages, each a plain function.

1. `read_pages`: every page through `pages.open_pdf` (engines, quality, OCR where needed)
   into normalised lines, ruled grids, labelled fields and a reading flow (`layout`);
2. `settle_edition`: the edition's year from the profile's year patterns (a title line,
   the metadata), else the catalogue's claim; neither is an error saying what was sought;
3. `split_records`: the records (sheets) by the profile's `record.starts` (the file, a
   form header on each page, a heading line), each named by its name field;
4. per record: `read_sections` (headings by numbering, brackets, font size, the profile's
   patterns), `read_pdca` (labelled fields and section headings matching a phase's
   aliases), `read_categories` (vocabulary; an unknown value is a warning), `read_tables`
   (grid value cells by their headers: KPI values and costs, `tables`), `read_aligned_kpis`
   (year headers and kind rows printed without rules, by aligned positions) and
   `read_inline_kpis` (targets printed in prose);
5. `table_cells`: every grid, cell by cell; 6. `check_gates`: record counts.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from pathlib import Path

import regex

from nenpo.extractors.models import (
    CategoryValue,
    CostValue,
    EditionEvidence,
    ExtractionWarning,
    KpiValue,
    Measure,
    PageRecord,
    PdcaItem,
    ReportExtraction,
    Section,
    TableCell,
)
from nenpo.extractors.normalise import normalise_name, normalise_text, parse_cell, parse_unit
from nenpo.extractors.paragraphs import unwrap
from nenpo.extractors.profiles import layout, tables
from nenpo.extractors.profiles.grammar import HEADING_RULES, HeadingRule, era_of, heading_kind, years_in
from nenpo.extractors.profiles.layout import Field, FlowItem, Page, compact, reading_order
from nenpo.extractors.profiles.model import Profile

__all__ = ["extract_by_profile", "ProfileReading"]

FONT_HEADING = 1.2  # a line this much larger than the body's median size is a heading
CAPTION_GAP = 40.0  # points above a grid where its caption (the indicator) may be printed


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
        self.categories = [(cat, c(cat.label), [(vid, c(p)) for vid, p in cat.values.items()]) for cat in profile.categories]
        self.form_header = c(profile.record.form_header) if profile.record.form_header else None
        self.record_heading = c(profile.record.heading) if profile.record.heading else None
        name = profile.record.name
        self.name_label = c(name.label) if name and name.label else None
        self.name_pattern = c(name.pattern) if name and name.pattern else None
        self.name_drop = c(name.drop) if name and name.drop else None
        sub = profile.record.sub
        self.sub_label = c(sub.label) if sub and sub.label else None
        self.heading_rules = tuple(
            r for r in HEADING_RULES
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


# --- 1. pages ---------------------------------------------------------------------


def read_pages(state: ProfileReading, doc) -> None:
    for page in doc.pages():
        state.page_records.append(PageRecord(
            page=page.number, engine=page.engine, chars=dict(page.chars), quality=page.quality,
            flags=tuple(page.flags), conf=page.conf,
        ))
        state.pages.append(layout.read_page(doc, page))
    number = 0
    for page in state.pages:
        for grid in page.grids:
            number += 1
            state.grid_numbers[id(grid)] = number


# --- 2. edition -------------------------------------------------------------------


def _year_of(text: str) -> int | None:
    found = years_in(normalise_text(text))
    return found[0][0] if found else None


def title_lines(page: Page) -> list:
    """The lines of a page's top quarter, in reading order: where a title is printed."""
    return [l for l in reading_order(page.lines) if l.bbox[1] <= page.height / 4]


def settle_edition(state: ProfileReading, metadata: dict, claim) -> None:
    from nenpo.extractors.errors import NeedsOcrError, UnrecognisedReportError

    if all("needs_ocr" in p.flags or "empty" in p.flags for p in state.page_records):
        raise NeedsOcrError(state.path, "no page has a text layer (scanned?): needs OCR before extraction")
    series = state.profile.profile.series
    for pattern, spec in state.profile.years:
        if spec.where in ("text", "any", "title"):
            pages = state.pages[:1] if spec.where == "title" else state.pages
            for page in pages:
                lines = title_lines(page) if spec.where == "title" else reading_order(page.lines)
                for line in lines:
                    m = pattern.search(line.text)
                    year = _year_of(m.group("year")) if m else None
                    if year is not None:
                        state.evidence.append(EditionEvidence(
                            kind="title", series=series, fiscal_year=spec.report_year(year), text=line.raw, page=page.number,
                        ))
                        break
                if state.evidence:
                    break
        if not state.evidence and spec.where in ("metadata", "any", "title"):
            for key in ("title", "subject"):
                value = str(metadata.get(key) or "")
                m = pattern.search(normalise_text(value))
                year = _year_of(m.group("year")) if m else None
                if year is not None:
                    state.evidence.append(EditionEvidence(
                        kind="metadata", series=series, fiscal_year=spec.report_year(year), text=f"{key}: {value}",
                    ))
                    break
        if state.evidence:
            break
    if not state.evidence and claim is not None and claim.fiscal_year is not None:
        state.evidence.append(EditionEvidence(kind=claim.by, series=claim.series or series, fiscal_year=claim.fiscal_year))
        state.warn("edition_from_claim", f"the file names no edition; the {claim.by.replace('_', ' ')} says FY{claim.fiscal_year}")
    if not state.evidence:
        sought = "; ".join(repr(y.pattern) for y in state.profile.profile.edition.year) or "no year pattern declared"
        first = next((l.raw for l in reading_order(state.pages[0].lines)), "") if state.pages else ""
        raise UnrecognisedReportError(
            state.path, f"no edition year: the {state.profile.profile.id} profile looked for {sought} in the title "
            f"lines and the metadata (first line {first[:60]!r}), and no catalogue entry or --fiscal-year names the year",
        )
    state.fiscal_year = state.evidence[0].fiscal_year
    if state.evidence[0].kind == "title" and state.evidence[0].text:
        state.title = normalise_text(state.evidence[0].text).strip()
    else:
        state.title = str(metadata.get("title") or "").strip() or next(
            (l.text for l in reading_order(state.pages[0].lines)), state.path.stem
        )


# --- 3. records -------------------------------------------------------------------


def _clean_name(state: ProfileReading, text: str) -> str:
    first = next((t for t in text.split("\n") if t.strip()), "")
    if state.profile.name_drop is not None:
        first = state.profile.name_drop.sub("", first)
    return first.strip()


def find_name(state: ProfileReading, page: Page, top: float = float("-inf"), bottom: float = float("inf")) -> tuple[str, str, tuple] | None:
    """The record name printed on `page` between `top` and `bottom`: the value of the name
    label (grid cell or aligned line), or the name group of the name pattern."""
    cp = state.profile
    if cp.name_label is not None:
        for f in page.fields:
            if f.bbox is not None and top <= f.bbox[1] < bottom and cp.name_label.search(compact(f.label)):
                name = _clean_name(state, f.value)
                raw = _clean_name(state, f.value_raw) if cp.name_drop is None else name
                if name:
                    return name, raw, f.bbox
        for line in reading_order(page.lines):
            m = cp.name_label.search(line.text)
            if m and top <= line.bbox[1] < bottom and line.text[m.end():].strip():
                return _clean_name(state, line.text[m.end():]), line.raw, line.bbox
    if cp.name_pattern is not None:
        for line in reading_order(page.lines):
            m = cp.name_pattern.search(line.text)
            if m and top <= line.bbox[1] < bottom:
                return m.group("name").strip(), line.raw, line.bbox
    return None


def split_records(state: ProfileReading) -> None:
    spec = state.profile.profile.record
    if spec.starts == "file":
        found = next((n for p in state.pages if (n := find_name(state, p))), None)
        if found is None:
            name = state.title or state.path.stem
            found = (name, name, None)
            if spec.name is not None:
                state.warn("record_name_missing", "the record's name field was not found; named by the title")
        state.records.append(RecordSpan(normalise_name(found[0]), found[1], list(state.pages), found[2]))
    elif spec.starts == "form":
        for page in state.pages:
            starts = any(state.profile.form_header.search(l.text) for l in page.lines)
            found = find_name(state, page) if starts else None
            current = state.records[-1] if state.records else None
            if starts and found is not None and (current is None or normalise_name(found[0]) != current.name):
                state.records.append(RecordSpan(normalise_name(found[0]), found[1], [page], found[2]))
            elif current is not None:
                current.pages.append(page)
            elif starts:
                state.warn("record_name_missing", "a form page whose name field was not found", page.number)
    else:
        heads = [
            (page, line) for page in state.pages for line in reading_order(page.lines)
            if state.profile.record_heading.search(line.text)
        ]
        for k, (page, line) in enumerate(heads):
            m = state.profile.record_heading.search(line.text)
            name = m.group("name") if "name" in m.groupdict() and m.group("name") else line.text
            span = RecordSpan(normalise_name(name), line.raw, [], line.bbox, start=(page.number, line.bbox[1]))
            if k + 1 < len(heads):
                nxt_page, nxt_line = heads[k + 1]
                span.end = (nxt_page.number, nxt_line.bbox[1])
            span.pages = [p for p in state.pages if span.start[0] <= p.number <= span.end[0]]
            state.records.append(span)
    if not state.records:
        state.warn("no_records", f"no record found (records start by {spec.starts})")
    if state.profile.sub_label is not None:
        for record in list(state.records):
            split_subs(state, record)


def split_subs(state: ProfileReading, record: RecordSpan) -> None:
    """Sub-records: each field labelled like `record.sub` starts one, up to the next."""
    starts = sorted(
        ((f.page, f.label_bbox[1] if f.label_bbox else f.bbox[1], f) for p in record.pages for f in p.fields
         if state.profile.sub_label.search(compact(f.label)) and record.holds(f.page, (f.label_bbox or f.bbox)[1])),
        key=lambda s: (s[0], s[1]),
    )
    seen: set[tuple[int, float]] = set()
    starts = [s for s in starts if (s[0], s[1]) not in seen and not seen.add((s[0], s[1]))]
    subs = []
    for k, (page, top, f) in enumerate(starts):
        end = (starts[k + 1][0], starts[k + 1][1]) if k + 1 < len(starts) else record.end
        name = _clean_name(state, f.value)
        subs.append(RecordSpan(
            normalise_name(name), _clean_name(state, f.value_raw), [p for p in record.pages if page <= p.number <= end[0]],
            f.bbox, start=(page, top - 0.5), end=end, parent=record.name,
        ))
    record.subs = subs
    state.records += subs


# --- 4. per record ----------------------------------------------------------------


def _items(record: RecordSpan, items) -> list:
    return [i for i in items if record.holds(i.page, i.bbox[1])]


def running_heads(pages: list[Page]) -> set[tuple[str, int]]:
    """Lines printed at the same place on two or more pages (a form's repeated header, a
    running title): page furniture, not section text."""
    seen: dict[tuple[str, int], set[int]] = {}
    for page in pages:
        for item in page.flow:
            seen.setdefault((item.text, round(item.bbox[1] / 2)), set()).add(page.number)
    return {key for key, numbers in seen.items() if len(numbers) > 1}


def read_sections(state: ProfileReading, record: RecordSpan, body: float) -> list[tuple[Section, FlowItem]]:
    """Headed sections of a record's reading flow; levels by the order heading kinds first appear."""
    furniture = running_heads(record.pages)
    flow = [item for page in record.pages for item in _items(record, page.flow)]
    kinds_seen: list[str] = []
    heads: list[tuple[int, str]] = []
    dropped: set[int] = set()
    for i, item in enumerate(flow):
        kind = None
        if not item.in_grid or item.heading_cell:
            kind = heading_kind(item.text, state.profile.heading_rules)
            if kind is None and state.profile.profile.sections.font and body and item.size >= FONT_HEADING * body \
                    and 2 <= len(item.text) <= 40 and not layout.is_value(item.text) and not item.text.endswith("。") and not item.in_grid:
                kind = "font"
            if kind is None and item.heading_cell and i + 1 < len(flow) and flow[i + 1].in_grid:
                kind = "banner"  # a table's short banner row over its text
        if kind is None and (item.text, round(item.bbox[1] / 2)) in furniture:
            dropped.add(i)  # a repeated form header, a running title: not text of the section before
        if kind is not None:
            heads.append((i, kind))
            if kind not in kinds_seen:
                kinds_seen.append(kind)
    order = sorted(kinds_seen, key=lambda k: (k != "font", kinds_seen.index(k)))
    out: list[tuple[Section, FlowItem]] = []
    stack: list[tuple[int, str]] = []
    for n, (i, kind) in enumerate(heads):
        level = order.index(kind) + 1
        while stack and stack[-1][0] >= level:
            stack.pop()
        item = flow[i]
        stack.append((level, item.text))
        end = heads[n + 1][0] if n + 1 < len(heads) else len(flow)
        body_items = [b for k, b in enumerate(flow[i + 1:end], start=i + 1) if k not in dropped]
        text = unwrap(b.text for b in body_items)
        raw = unwrap(b.raw for b in body_items)
        pages = [b.page for b in body_items] or [item.page]
        out.append((Section(
            measure=record.name, path=tuple(t for _, t in stack), level=level, heading=item.text, heading_raw=item.raw,
            text=text, text_raw=raw, page=item.page, page_end=max(pages), bbox=item.bbox,
            text_source=state.text_source(item.page),
        ), item))
    return out


def phase_of(state: ProfileReading, label: str, above: str = "") -> str | None:
    """The phase whose alias ends latest in the label: Japanese puts the head noun last
    (``事業目標及び取組実績を踏まえた評価`` is a Check). An alias with ``after`` holds only
    under a label matching it (`above`), and then wins over the aliases without."""
    best: tuple[int, str] | None = None
    for phase, pattern, after in state.profile.phases:
        if after is not None:
            if after.search(above) and pattern.search(label):
                return phase
            continue
        for m in pattern.finditer(label):
            if best is None or m.end() > best[0]:
                best = (m.end(), phase)
    return best[1] if best else None


def read_pdca(state: ProfileReading, record: RecordSpan, sections: list[tuple[Section, FlowItem]]) -> None:
    found: list[tuple[str, str, str, str, str, int, tuple | None]] = []
    if state.profile.profile.pdca.from_fields:
        labels_used: set[tuple] = set()
        for page in record.pages:
            for f in _fields(record, page):
                if (f.page, f.label_bbox) in labels_used:
                    continue  # a label's first value (beside it, or under a column header) is its item
                phase = phase_of(state, compact(f.label), f.above)
                if phase:
                    labels_used.add((f.page, f.label_bbox))
                    found.append((phase, compact(f.label), unwrap(f.value.split("\n")), unwrap(f.value_raw.split("\n")),
                                  f.label_raw, f.page, f.bbox))
    field_labels = {compact(f.label) for page in record.pages for f in _fields(record, page)}
    for section, _ in sections:
        phase = phase_of(state, compact(section.heading))
        if compact(section.heading) in field_labels and state.profile.profile.pdca.from_fields:
            continue  # a form label's value is the item; the flow after it may run into the next box
        if phase and section.text:
            found.append((phase, section.heading, section.text, section.text_raw, section.heading_raw, section.page, section.bbox))
    seen: set[tuple[str, str]] = set()
    counts: dict[str, int] = {}
    for phase, label, text, raw, _, page, bbox in found:
        if (phase, compact(text)) in seen or not text:
            continue
        seen.add((phase, compact(text)))
        counts[phase] = counts.get(phase, 0) + 1
        state.pdca.append(PdcaItem(
            measure=record.name, phase=phase, item_no=counts[phase], label=label, text=text, text_raw=raw, page=page,
            bbox=bbox, covers=(record.name,), text_source=state.text_source(page),
        ))


def _fields(record: RecordSpan, page: Page) -> list[Field]:
    return [f for f in page.fields if f.bbox is None or record.holds(f.page, f.bbox[1])]


BULLET = regex.compile(r"^[・･○◯●]\s*")
"""A bullet before a value: ``・該当なし`` is 該当なし."""

CHECKED = regex.compile(r"^[■☑✓✔◉●]\s*(?P<option>.+)$")
"""A marked option of a check-box field: ``■ 特定の個人または集団に提供されるサービス(個人消費性)``."""


def _category_value(cat, f: Field) -> str:
    if cat.checkbox:
        marked = [m.group("option") for line in f.value.split("\n") if (m := CHECKED.match(line.strip()))]
        return marked[0] if marked else ""
    return BULLET.sub("", unwrap(f.value.split("\n")).split("\n")[0]).strip()


def read_categories(state: ProfileReading, record: RecordSpan, missing: list) -> None:
    """Each category field of the record; one not printed is noted in `missing` (a field a
    sheet prints once per sub-record is missing from the sheet's own part)."""
    for cat, label, vocabulary in state.profile.categories:
        fields = [f for page in record.pages for f in _fields(record, page) if label.search(compact(f.label))]
        if not fields:
            missing.append((record, cat))
            continue
        # the first field whose value is in the vocabulary (a label may also head a column)
        chosen = None
        for f in fields:
            printed = _category_value(cat, f)
            value = next((vid for vid, p in vocabulary if p.search(printed)), None)
            if value is not None:
                chosen = f
                break
        if chosen is None:
            f = fields[0]
            printed = _category_value(cat, f)
        else:
            f = chosen
        if value is None:
            state.warn(
                "unknown_category", f"page {f.page}: {cat.id} ({compact(f.label)}) is {printed!r}, not in the vocabulary "
                f"({', '.join(cat.values)})", f.page, measure=record.name,
            )
            continue
        state.categories.append(CategoryValue(
            measure=record.name, field=cat.id, label_raw=f.label_raw.replace("\n", " "), value=value, value_raw=printed,
            page=f.page, bbox=f.bbox, text_source=state.text_source(f.page),
        ))


UNIT_IN_LABEL = regex.compile(r"\((?P<unit>[^()]{1,6})\)")
"""A unit in brackets after a row label: ``目 標(件)`` → 件."""
ITEM_TRIM = regex.compile(r"[、,]?\s*単位\s*[:：]?\s*\(?(?:千円|円|百万円)\)?|\s*\((?:千円|円|百万円|単位[^)]*)\)|\s+[A-Z]$|(?<=[^\sA-Z])[A-Z]$")
"""What an item label prints beside its name: ``事業費(千円)``, ``事 業 費 A``, ``うち受益者負担 B``."""
PAREN_TAIL = regex.compile(r"\([^()]*\)$")


def _caption_above(page: Page, grid) -> tuple[str, str] | None:
    """The line printed just above a grid over its width (an indicator's caption)."""
    x0, top, x1, _ = grid.bbox
    above = [l for l in page.lines if top - CAPTION_GAP <= l.bbox[3] <= top + 1 and l.bbox[0] < x1 and l.bbox[2] > x0
             and not layout.is_value(l.text) and not layout._in_grid(l.bbox, page.grids)]
    if not above:
        return None
    lowest = max(above, key=lambda l: l.bbox[3])
    block = [l for l in reading_order(above) if lowest.bbox[1] - 2.5 * (lowest.bbox[3] - lowest.bbox[1]) <= l.bbox[1]]
    # the last paragraph: ○川崎市創業支援事業計画全体での創業実績件数 under a 主な成果・活動指標 heading
    return unwrap(l.text for l in block).split("\n")[-1], unwrap(l.raw for l in block).split("\n")[-1]


def _money_unit(grid, page: Page) -> str | None:
    text = " ".join(c.text for c in grid.cells if c.text) + " " + " ".join(
        l.text for l in page.lines if grid.bbox[1] - CAPTION_GAP <= l.bbox[3] <= grid.bbox[1] + 1
    )
    if "千円" in text:
        return "千円"
    if "百万円" in text:
        return "百万円"
    if regex.search(r"(?<![千万])円", text):
        return "円"
    return None


SCALE = {"千円": 1.0, "百万円": 1000.0, "円": 0.001}


def read_tables(state: ProfileReading, record: RecordSpan) -> None:
    cp = state.profile
    indicator_field = None
    if cp.indicator_field is not None:
        indicator_field = next((f for p in record.pages for f in _fields(record, p) if cp.indicator_field.search(compact(f.label))), None)
    for page in record.pages:
        for grid in page.grids:
            table_no = state.grid_numbers[id(grid)]
            money = _money_unit(grid, page)
            readings = tables.read_grid(
                grid, kinds=cp.kinds, bases=cp.bases, cost_tables=cp.cost_tables, cost_skip=cp.cost_skip,
                kpi_skip=cp.kpi_skip, unit_label=cp.unit_label, era=state.era, money=money is not None,
            )
            for r in readings:
                if not record.holds(page.number, r.cell.cell.bbox[1]):
                    continue
                if r.year is None:
                    state.warn("no_year", f"page {page.number}: {r.kind} cell {r.cell.raw!r} under no year", page.number,
                               measure=record.name)
                    continue
                if r.kind == "kpi":
                    _kpi(state, record, page, grid, r, table_no, indicator_field)
                else:
                    _cost(state, record, page, r, money)


def _kpi(state, record, page, grid, r: tables.Reading, table_no: int, indicator_field: Field | None) -> None:
    indicator, indicator_raw = r.name, r.name_raw
    if indicator is None and indicator_field is not None:
        indicator, indicator_raw = compact(indicator_field.value.split("\n")[0]), indicator_field.value_raw.split("\n")[0].strip()
    if indicator is None:
        caption = _caption_above(page, grid)
        if caption is not None:
            indicator, indicator_raw = caption
    if indicator is None:
        state.warn("kpi_no_indicator", f"page {page.number}: KPI cell {r.cell.raw!r} names no indicator", page.number,
                   measure=record.name)
        return
    unit_raw = r.unit
    if unit_raw is None:
        m = UNIT_IN_LABEL.search(normalise_text(r.label_raw))
        unit_raw = m.group("unit") if m else None
    unit = parse_unit(unit_raw) if unit_raw else None
    cell = parse_cell(r.cell.text, unit)
    state.kpis.append(KpiValue(
        measure=record.name, indicator=normalise_name(indicator), indicator_raw=indicator_raw, unit=unit.canonical if unit else unit_raw,
        unit_raw=unit_raw, fiscal_year=r.year, kind=r.label, kind_raw=compact(r.label_raw), value=cell.value,
        value_text=r.cell.raw, status=cell.status, annotation=cell.annotation, sub_value=cell.sub_value, table_no=table_no,
        page=page.number, bbox=r.cell.cell.bbox, read_by="layout", text_source=state.text_source(page.number),
    ))


def _cost(state, record, page, r: tables.Reading, money: str | None) -> None:
    if r.name is None:
        state.warn("cost_no_item", f"page {page.number}: cost cell {r.cell.raw!r} names no item", page.number,
                   measure=record.name)
        return
    unit_raw = money
    scale = SCALE.get(money or "", 1.0 if state.profile.profile.costs.unit == "thousand_yen" else 0.001)
    cell = parse_cell(r.cell.text)
    item = ITEM_TRIM.sub("", r.name).strip()
    paren = state.profile.profile.costs.paren_item
    amounts = [(item, cell.value, r.cell.raw)]
    if cell.sub_value is not None and paren:
        outer, _, inner = r.cell.raw.partition("(") if "(" in r.cell.raw else r.cell.raw.partition("（")
        amounts = [(PAREN_TAIL.sub("", item).strip() or item, cell.value, outer.strip()),
                   (paren, cell.sub_value, inner.rstrip(")）").strip())]
    for name, value, printed in amounts:
        state.costs.append(CostValue(
            measure=record.name, item=normalise_name(name), item_raw=r.name_raw, fiscal_year=r.year, basis=r.label,
            basis_raw=compact(r.label_raw), thousand_yen=None if value is None else round(value * scale, 6),
            value_text=printed, unit_raw=unit_raw, page=page.number, bbox=r.cell.cell.bbox, read_by="layout",
            text_source=state.text_source(page.number),
        ))


def read_aligned_kpis(state: ProfileReading, record: RecordSpan) -> None:
    """KPI tables printed without rules: a row of year columns, then rows opening with a
    kind label whose values sit under the years (matched by horizontal overlap)."""
    cp = state.profile
    table_no = len(state.grid_numbers)
    for page in record.pages:
        free = [l for l in reading_order(page.lines) if not layout._in_grid(l.bbox, page.grids) and record.holds(page.number, l.bbox[1])]
        rows: list[list] = []
        for line in free:
            if rows and layout._same_baseline(rows[-1][0].bbox, line.bbox):
                rows[-1].append(line)
            else:
                rows.append([line])
        for i, row in enumerate(rows):
            years = [(l, years_in(l.text, state.era)) for l in row]
            if len(row) < 2 or not all(len(y) == 1 for _, y in years):
                continue
            table_no += 1
            caption = next((" ".join(l.text for l in rows[k]) for k in range(i - 1, max(-1, i - 3), -1)
                            if not any(years_in(l.text) for l in rows[k])), None)
            for data in rows[i + 1:i + 7]:
                label = data[0]
                kind = next(((p, k) for p, k in cp.kinds if p.search(compact(label.text))), None)
                if kind is None:
                    break
                m = UNIT_IN_LABEL.search(label.text)
                unit = parse_unit(m.group("unit")) if m else None
                for value in data[1:]:
                    column = max(years, key=lambda y: min(value.bbox[2], y[0].bbox[2]) - max(value.bbox[0], y[0].bbox[0]))
                    if min(value.bbox[2], column[0].bbox[2]) - max(value.bbox[0], column[0].bbox[0]) <= 0 or caption is None:
                        continue
                    cell = parse_cell(value.text, unit)
                    state.kpis.append(KpiValue(
                        measure=record.name, indicator=normalise_name(caption), indicator_raw=caption,
                        unit=unit.canonical if unit else None, unit_raw=m.group("unit") if m else None,
                        fiscal_year=column[1][0][0], kind=kind[1], kind_raw=compact(label.text.split("(")[0]),
                        value=cell.value, value_text=value.raw, status=cell.status, annotation=cell.annotation,
                        sub_value=cell.sub_value, table_no=table_no, page=page.number, bbox=value.bbox, read_by="layout",
                        text_source=state.text_source(page.number),
                    ))


def read_inline_kpis(state: ProfileReading, record: RecordSpan, sections: list[tuple[Section, FlowItem]]) -> None:
    """Targets printed in prose, matched paragraph by paragraph."""
    if not state.profile.inline:
        return
    years = {"report": state.fiscal_year, "next": (state.fiscal_year or 0) + 1}
    for section, _ in sections:
        for paragraph in section.text.split("\n"):
            for pattern, spec in state.profile.inline:
                for m in pattern.finditer(paragraph):
                    unit_raw = m.groupdict().get("unit")
                    unit = parse_unit(unit_raw) if unit_raw else None
                    cell = parse_cell(m.group("value"), unit)
                    year = years.get(spec.year) if spec.year != "evaluated" else (state.fiscal_year or 0) + 1
                    state.kpis.append(KpiValue(
                        measure=record.name, indicator=normalise_name(m.group("indicator")),
                        indicator_raw=m.group("indicator").strip(), unit=unit.canonical if unit else unit_raw,
                        unit_raw=unit_raw, fiscal_year=year, kind=spec.kind,
                        kind_raw=spec.kind_raw or (m.groupdict().get("label") or None), value=cell.value,
                        value_text=m.group("value"), status=cell.status, table_no=1, page=section.page,
                        bbox=section.bbox, read_by="text_order", text_source=state.text_source(section.page),
                    ))


def warn_missing_categories(state: ProfileReading, missing: list) -> None:
    found = {(c.measure, c.field) for c in state.categories}
    for record, cat in missing:
        related = {record.name, record.parent, *(s.name for s in record.subs)}
        if not any((name, cat.id) in found for name in related if name):
            state.warn("category_missing", f"record {record.name!r}: no field labelled like {cat.label!r} ({cat.id})",
                       measure=record.name)


# --- 5, 6 ---------------------------------------------------------------------------


def table_cells(state: ProfileReading) -> None:
    for page in state.pages:
        for grid in page.grids:
            table_no = state.grid_numbers[id(grid)]
            for cell in grid.cells:
                if not cell.text:
                    continue
                state.cells.append(TableCell(
                    table_no=table_no, kind=None, page=page.number, row=cell.row, col=cell.col, row_span=cell.row_span,
                    col_span=cell.col_span, text=cell.text, text_raw=cell.raw, read_by="layout", bbox=cell.bbox,
                    text_source=state.text_source(page.number),
                ))


def check_gates(state: ProfileReading) -> None:
    gates = state.profile.profile.gates
    counts = {"records": sum(r.parent is None for r in state.records), "kpi_values": len(state.kpis), "costs": len(state.costs)}
    for what in ("records", "kpi_values", "costs"):
        gate = getattr(gates, what)
        if gate is None:
            continue
        expected = gate.expected
        how = "declared"
        if gate.toc is not None:
            toc = regex.compile(gate.toc)
            expected = sum(1 for p in state.pages for l in p.lines if toc.search(l.text))
            how = "table of contents"
        ok = True
        detail = []
        if expected is not None:
            ok = ok and counts[what] == expected
            detail.append(f"expected {expected} ({how})")
        if gate.at_least is not None:
            ok = ok and counts[what] >= gate.at_least
            detail.append(f"at least {gate.at_least}")
        message = f"{what}: read {counts[what]}, " + ", ".join(detail)
        state.gates.append((what, ok, message))
        if not ok:
            state.warn("gate_failed", message)


# --- the whole --------------------------------------------------------------------


def extract_by_profile(path: str | Path, profile: Profile, *, claim=None, ocr: str = "auto", verify: str = "auto",
                       keep: list | None = None) -> ReportExtraction:
    """Read one PDF by a profile (see the module docstring). Raises `pages.PdfError`
    subclasses naming the file: damaged, scanned without OCR, or no edition year.
    `keep`, when given, receives the `ProfileReading` (gate results for `profiles check`)."""
    from nenpo.extractors.pages import open_pdf

    started = time.perf_counter()
    path = Path(path)
    state = ProfileReading(path, CompiledProfile(profile))
    with open_pdf(path, verify=verify, ocr=ocr) as doc:
        read_pages(state, doc)
        settle_edition(state, doc.metadata, claim)
        sha256, page_count = doc.sha256, doc.page_count
    split_records(state)
    body = layout.body_size(state.pages)
    missing: list = []
    for record in state.records:
        sections = read_sections(state, record, body)
        state.sections += [s for s, _ in sections]
        read_pdca(state, record, sections)
        read_categories(state, record, missing)
        read_tables(state, record)
        read_aligned_kpis(state, record)
        read_inline_kpis(state, record, sections)
    warn_missing_categories(state, missing)
    table_cells(state)
    check_gates(state)
    if keep is not None:
        keep.append(state)
    measures = tuple(
        Measure(name=r.name, name_raw=r.name_raw, parent=r.parent, page_start=r.pages[0].number if r.pages else 1,
                page_end=r.pages[-1].number if r.pages else 1, bbox=r.bbox, read_by=r.read_by)
        for r in state.records
    )
    top = [r for r in state.records if r.parent is None]
    part = top[0].name if profile.edition.part == "record" and len(top) == 1 else None
    return ReportExtraction(
        family=profile.id, series=profile.series, part=part, report_fiscal_year=state.fiscal_year, title=state.title,
        source_path=str(path), sha256=sha256, page_count=page_count,
        extractor_version=f"profile-{profile.id}-{profile.version}", extracted_at=datetime.now(timezone.utc),
        seconds=round(time.perf_counter() - started, 4), pages=tuple(state.page_records), measures=measures,
        kpi_values=tuple(state.kpis), pdca_items=tuple(state.pdca), warnings=tuple(state.warnings),
        table_cells=tuple(state.cells), sections=tuple(state.sections), costs=tuple(state.costs),
        categories=tuple(state.categories), edition_evidence=tuple(state.evidence),
    )
