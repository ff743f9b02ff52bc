"""Numbers of a record: KPI values and costs from its ruled tables (`tables.read_grid`:
each value cell by its headers), KPI tables printed without rules (aligned positions),
and targets printed in prose (the profile's inline patterns)."""

from __future__ import annotations

import regex

from nenpo.extractors.models import CostValue, KpiValue, Section
from nenpo.extractors.normalise import normalise_name, normalise_text, parse_cell, parse_unit
from nenpo.extractors.paragraphs import unwrap
from nenpo.extractors.profiles import layout, tables
from nenpo.extractors.profiles.grammar import years_in
from nenpo.extractors.profiles.layout import Field, FlowItem, Page, compact, reading_order
from nenpo.extractors.profiles.state import ProfileReading, RecordSpan, fields_of

__all__ = ["ITEM_TRIM", "UNIT_IN_LABEL", "read_aligned_kpis", "read_inline_kpis", "read_tables"]

CAPTION_GAP = 40.0  # points above a table where its caption (the indicator) may be printed


UNIT_IN_LABEL = regex.compile(r"\((?P<unit>[^()]{1,6})\)")
"""A unit in brackets after a row label: ``目 標(件)`` → 件."""
ITEM_TRIM = regex.compile(
    r"[、,]?\s*単位\s*[:：]?\s*\(?(?:千円|円|百万円)\)?|\s*\((?:千円|円|百万円|単位[^)]*)\)|\s+[A-Z]$|(?<=[^\sA-Z])[A-Z]$"
)
"""What an item label prints beside its name: ``事業費(千円)``, ``事 業 費 A``, ``うち受益者負担 B``."""
PAREN_TAIL = regex.compile(r"\([^()]*\)$")
"""A bracketed tail of an item whose amount carries a second, bracketed amount:
``経費(一財)`` with ``26,200(16,100)`` is 経費 26,200 and (the profile's paren_item) 16,100."""


def _caption_above(page: Page, grid) -> tuple[str, str] | None:
    """The line printed just above a grid over its width (an indicator's caption)."""
    x0, top, x1, _ = grid.bbox
    above = [
        l
        for l in page.lines
        if top - CAPTION_GAP <= l.bbox[3] <= top + 1
        and l.bbox[0] < x1
        and l.bbox[2] > x0
        and not layout.is_value(l.text)
        and not layout.in_grid(l.bbox, page.grids)
    ]
    if not above:
        return None
    lowest = max(above, key=lambda l: l.bbox[3])
    block = [l for l in reading_order(above) if lowest.bbox[1] - 2.5 * (lowest.bbox[3] - lowest.bbox[1]) <= l.bbox[1]]
    # the last paragraph: ○川崎市創業支援事業計画全体での創業実績件数 under a 主な成果・活動指標 heading
    return unwrap(l.text for l in block).split("\n")[-1], unwrap(l.raw for l in block).split("\n")[-1]


def _money_unit(grid, page: Page) -> str | None:
    text = (
        " ".join(c.text for c in grid.cells if c.text)
        + " "
        + " ".join(l.text for l in page.lines if grid.bbox[1] - CAPTION_GAP <= l.bbox[3] <= grid.bbox[1] + 1)
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
    """KPI values and costs of the record's ruled tables. Each amount read by position is
    cross-checked with the text order: the page's text layer, in content-stream order, must
    print it (a cell put together from characters of two places would not be)."""
    cp = state.profile
    indicator_field = None
    if cp.indicator_field is not None:
        indicator_field = next(
            (f for p in record.pages for f in fields_of(record, p) if cp.indicator_field.search(compact(f.label))), None
        )
    for page in record.pages:
        printed = compact("".join(line.raw for line in page.lines))
        for grid in page.grids:
            table_no = state.grid_numbers[id(grid)]
            money = _money_unit(grid, page)
            readings = tables.read_grid(
                grid,
                kinds=cp.kinds,
                bases=cp.bases,
                cost_tables=cp.cost_tables,
                cost_skip=cp.cost_skip,
                kpi_skip=cp.kpi_skip,
                unit_label=cp.unit_label,
                era=state.era,
                money=money is not None,
            )
            for r in readings:
                if not record.holds(page.number, r.cell.cell.bbox[1]):
                    continue
                if compact(r.cell.raw) not in printed:
                    state.warn(
                        "cross_check",
                        f"page {page.number}: {r.kind} cell {r.cell.raw!r} read from the table's "
                        "layout is not in the page's text order",
                        page.number,
                        measure=record.name,
                    )
                if r.year is None:
                    state.warn(
                        "no_year",
                        f"page {page.number}: {r.kind} cell {r.cell.raw!r} under no year",
                        page.number,
                        measure=record.name,
                    )
                    continue
                if r.kind == "kpi":
                    _kpi(state, record, page, grid, r, table_no, indicator_field)
                else:
                    _cost(state, record, page, r, money)


def _kpi(state, record, page, grid, r: tables.Reading, table_no: int, indicator_field: Field | None) -> None:
    indicator, indicator_raw = r.name, r.name_raw
    if indicator is None and indicator_field is not None:
        indicator, indicator_raw = (
            compact(indicator_field.value.split("\n")[0]),
            indicator_field.value_raw.split("\n")[0].strip(),
        )
    if indicator is None:
        caption = _caption_above(page, grid)
        if caption is not None:
            indicator, indicator_raw = caption
    if indicator is None:
        state.warn(
            "kpi_no_indicator",
            f"page {page.number}: KPI cell {r.cell.raw!r} names no indicator",
            page.number,
            measure=record.name,
        )
        return
    unit_raw = r.unit
    if unit_raw is None:
        m = UNIT_IN_LABEL.search(normalise_text(r.label_raw))
        unit_raw = m.group("unit") if m else None
    unit = parse_unit(unit_raw) if unit_raw else None
    cell = parse_cell(r.cell.text, unit)
    state.kpis.append(
        KpiValue(
            measure=record.name,
            indicator=normalise_name(indicator),
            indicator_raw=indicator_raw,
            unit=unit.canonical if unit else unit_raw,
            unit_raw=unit_raw,
            fiscal_year=r.year,
            kind=r.label,
            kind_raw=compact(r.label_raw),
            value=cell.value,
            value_text=r.cell.raw,
            status=cell.status,
            annotation=cell.annotation,
            sub_value=cell.sub_value,
            table_no=table_no,
            page=page.number,
            bbox=r.cell.cell.bbox,
            read_by="layout",
            text_source=state.text_source(page.number),
        )
    )


def _cost(state, record, page, r: tables.Reading, money: str | None) -> None:
    if r.name is None:
        state.warn(
            "cost_no_item",
            f"page {page.number}: cost cell {r.cell.raw!r} names no item",
            page.number,
            measure=record.name,
        )
        return
    unit_raw = money
    scale = SCALE.get(money or "", 1.0 if state.profile.profile.costs.unit == "thousand_yen" else 0.001)
    cell = parse_cell(r.cell.text)
    item = ITEM_TRIM.sub("", r.name).strip()
    paren = state.profile.profile.costs.paren_item
    amounts = [(item, cell.value, r.cell.raw)]
    if cell.sub_value is not None and paren:
        outer, _, inner = r.cell.raw.partition("(") if "(" in r.cell.raw else r.cell.raw.partition("（")
        amounts = [
            (PAREN_TAIL.sub("", item).strip() or item, cell.value, outer.strip()),
            (paren, cell.sub_value, inner.rstrip(")）").strip()),
        ]
    for name, value, printed in amounts:
        state.costs.append(
            CostValue(
                measure=record.name,
                item=normalise_name(name),
                item_raw=r.name_raw,
                fiscal_year=r.year,
                basis=r.label,
                basis_raw=compact(r.label_raw),
                thousand_yen=None if value is None else round(value * scale, 6),
                value_text=printed,
                unit_raw=unit_raw,
                page=page.number,
                bbox=r.cell.cell.bbox,
                read_by="layout",
                text_source=state.text_source(page.number),
            )
        )


def _aligned_caption(above: list[list], header: list) -> str | None:
    """The indicator printed over a year header without rules: the last paragraph of the
    rows just above it (``○研究開発型のベンチャー企業等への個別・集中支援の`` / ``実施件数``)."""
    top = min(l.bbox[1] for l in header)
    lines = [l for row in above for l in row if top - CAPTION_GAP <= l.bbox[1] < top and not years_in(l.text)]
    if not lines:
        return None
    return unwrap(l.text for l in lines).split("\n")[-1]


def read_aligned_kpis(state: ProfileReading, record: RecordSpan) -> None:
    """KPI tables printed without rules: a row of year columns, then rows opening with a
    kind label whose values sit under the years (matched by horizontal overlap)."""
    cp = state.profile
    table_no = len(state.grid_numbers)
    for page in record.pages:
        free = [
            l
            for l in reading_order(page.lines)
            if not layout.in_grid(l.bbox, page.grids) and record.holds(page.number, l.bbox[1])
        ]
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
            caption = _aligned_caption(rows[max(0, i - 4) : i], row)
            for data in rows[i + 1 : i + 7]:
                label = data[0]
                kind = next(((p, k) for p, k in cp.kinds if p.search(compact(label.text))), None)
                if kind is None:
                    break
                m = UNIT_IN_LABEL.search(label.text)
                unit = parse_unit(m.group("unit")) if m else None
                for value in data[1:]:
                    column = max(
                        years, key=lambda y: min(value.bbox[2], y[0].bbox[2]) - max(value.bbox[0], y[0].bbox[0])
                    )
                    if (
                        min(value.bbox[2], column[0].bbox[2]) - max(value.bbox[0], column[0].bbox[0]) <= 0
                        or caption is None
                    ):
                        continue
                    cell = parse_cell(value.text, unit)
                    state.kpis.append(
                        KpiValue(
                            measure=record.name,
                            indicator=normalise_name(caption),
                            indicator_raw=caption,
                            unit=unit.canonical if unit else None,
                            unit_raw=m.group("unit") if m else None,
                            fiscal_year=column[1][0][0],
                            kind=kind[1],
                            kind_raw=compact(label.text.split("(")[0]),
                            value=cell.value,
                            value_text=value.raw,
                            status=cell.status,
                            annotation=cell.annotation,
                            sub_value=cell.sub_value,
                            table_no=table_no,
                            page=page.number,
                            bbox=value.bbox,
                            read_by="layout",
                            text_source=state.text_source(page.number),
                        )
                    )


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
                    state.kpis.append(
                        KpiValue(
                            measure=record.name,
                            indicator=normalise_name(m.group("indicator")),
                            indicator_raw=m.group("indicator").strip(),
                            unit=unit.canonical if unit else unit_raw,
                            unit_raw=unit_raw,
                            fiscal_year=year,
                            kind=spec.kind,
                            kind_raw=spec.kind_raw or (m.groupdict().get("label") or None),
                            value=cell.value,
                            value_text=m.group("value"),
                            status=cell.status,
                            table_no=1,
                            page=section.page,
                            bbox=section.bbox,
                            read_by="text_order",
                            text_source=state.text_source(section.page),
                        )
                    )
