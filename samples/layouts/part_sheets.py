"""The measure sheets: Plan, Do, KPI blocks, Check, Action and next year's plan, in the
text-layer order of the real report or in reading order."""

from __future__ import annotations

from nenpo.samples import content
from nenpo.samples.content import ARTICLES, Indicator, Measure
from nenpo.samples.generate import (
    CHECK_HEADING,
    ERA_LONG,
    FOOTERLESS_SHEETS,
    QUIRKS,
    as_items,
    cell_lines,
    normalised_name,
    sheet_title,
    spaced_row_labels,
    year_header,
)
from nenpo.samples.layouts.base import NARROW, WIDE, BuilderBase
from nenpo.samples.layouts.stream import PAGE_BREAK


class Sheets(BuilderBase):
    """Each measure's sheet (or sheets, when a group shares one Check/Action block)."""

    def kpi_block(self, measure: Measure, index: int, ind_index: int, indicator: Indicator, with_label: bool) -> None:
        s = self.s
        key = (measure.key, ind_index)
        if with_label:
            self.kpi_label(indicator)
        years = (self.year - 1, self.year)
        header_fw = key in QUIRKS["fullwidth_header"]
        headers = [year_header(fy, header_fw) for fy in years]
        spaced = spaced_row_labels(index, self.year)
        kinds = ("actual",) if indicator.actual_only else ("target", "actual")
        rows = []
        for kind in kinds:
            unit = indicator.unit_for(self.year, kind)
            word = {"target": "目標", "actual": "実績"}[kind]
            if spaced:
                word = word[0] + " " + word[1]
            cells = []
            for col, fy in enumerate(years):
                value = indicator.cell(self.year, kind, fy)
                cells.append((fy, value, cell_lines(value, key in QUIRKS["fullwidth_latest"] and col == 1)))
            rows.append((kind, unit, f"{word}（{unit}）", cells))
        if self.spec.tables_as_grids:
            built = s.table(
                "kpi",
                [120.0, 130.0, 130.0],
                [[(1, [headers[0]]), (2, [headers[1]])]]
                + [
                    [(0, [label])] + [(1 + c, lines) for c, (_, _, lines) in enumerate(cells)]
                    for _, _, label, cells in rows
                ],
            )
            value_ids = [[[src for _, src in built[1 + r][1 + c].lines] for c in range(2)] for r in range(len(rows))]
        else:
            s.line(" ".join(headers))
            value_ids = []
            for r, (kind, _, label, cells) in enumerate(rows):
                if r and kind == "actual" and key in QUIRKS["gap_between_rows"]:
                    s.blank()
                if all(len(lines) == 1 for _, _, lines in cells):
                    i = s.line(" ".join([label] + [lines[0] for _, _, lines in cells]))
                    value_ids.append([[i], [i]])
                    continue
                ids = []
                for c, (_, _, lines) in enumerate(cells):
                    if c:
                        s.blank()
                    first = s.line(f"{label} {lines[0]}" if c == 0 else lines[0])
                    ids.append([first] + [s.line(extra) for extra in lines[1:]])
                value_ids.append(ids)
        for (kind, unit, _, cells), ids in zip(rows, value_ids, strict=True):
            for (fy, value, lines), cell_ids_ in zip(cells, ids, strict=True):
                s.record(
                    "kpi_values",
                    {
                        "measure": normalised_name(measure.name_in(self.year)),
                        "measure_raw": measure.name_in(self.year),
                        "indicator_raw": indicator.label,
                        "unit_raw": unit,
                        "fiscal_year": fy,
                        "kind": kind,
                        "value": value.value,
                        "value_text": "\n".join(lines),
                        "status": value.status,
                        "annotation": value.annotation,
                        "sub_value": None if value.sub_value is None else float(value.sub_value),
                        "page": None,
                    },
                    cell_ids_[:1],
                )

    def kpi_label(self, indicator: Indicator) -> None:
        label = indicator.label if indicator.actual_only else "○" + indicator.label
        self.s.para(label, NARROW)

    def next_plan(self, measure: Measure) -> None:
        items = as_items(measure.next_plan)
        ids: list[list[int]] = []
        if measure.key in QUIRKS["next_plan_on_one_line"] and len(items) >= 2:
            line = self.s.line(" ○" + items[0][1] + " ○" + items[1][1])
            ids += [[line], [line]]
            items_left = items[2:]
        else:
            items_left = items
        ids += self.items(items_left, WIDE)
        self.pdca(measure, "next_plan", items, ids)

    def sheet(self, measure: Measure, index: int, group: list[Measure]) -> None:
        s = self.s
        year = self.year
        reading = self.spec.reading_order
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        first = s.line(" " + sheet_title(measure, year))
        footer = (
            None if (year, measure.key) in FOOTERLESS_SHEETS else f"第{measure.article}条 {ARTICLES[measure.article]}"
        )
        indicators = [(k, ind) for k, ind in enumerate(measure.indicators) if year in ind.editions]
        late = {k for k, _ in indicators if (measure.key, k) in QUIRKS["label_drawn_late"]} if not reading else set()

        s.line("事業計画 Plan")
        plan_ids = self.items(as_items(measure.plan), WIDE)
        s.line("主な取組")
        bullet = "〇" if measure.key in QUIRKS["kanji_zero_bullets"] else "○"
        effort_ids = self.items(as_items(measure.efforts), NARROW, bullet=bullet)
        self.pdca(measure, "plan", as_items(measure.plan + measure.efforts), plan_ids + effort_ids)
        for k, indicator in indicators:
            if k in late:
                self.kpi_label(indicator)
        if reading:
            s.line("事業の実施状況 Do")
        s.line(f"{ERA_LONG[year]}年度の実績")
        self.pdca(measure, "do", as_items(measure.do), self.items(as_items(measure.do), NARROW))
        if reading:
            s.line("主な成果・活動指標")
            for k, indicator in indicators:
                self.kpi_block(measure, index, k, indicator, with_label=True)
            s.line("主な成果・活動指標に関する補足事項")
        else:
            for n, (k, indicator) in enumerate(indicators):
                self.kpi_block(measure, index, k, indicator, with_label=k not in late)
                if n == 0:
                    s.line("主な成果・活動指標")
                    s.line("事業の実施状況 Do")
        self.pdca(measure, "do", as_items(measure.supplement), self.items(as_items(measure.supplement), NARROW))
        if reading:
            s.line("新型コロナウイルス感染症に関する対応")
        self.pdca(
            measure, "covid_do", as_items(measure.covid_do), self.items(as_items(measure.covid_do), WIDE, bullet="・")
        )
        if not reading:
            s.line("新型コロナウイルス感染症に関する対応")
            s.line("主な成果・活動指標に関する補足事項")
        next_heading = f"{ERA_LONG[year + 1]}年度の実施計画"
        if reading:
            if measure.shares_review_with_next:
                s.line(next_heading)
                self.next_plan(measure)
            if footer:
                s.line(footer)
        else:
            if footer:
                s.line(footer)
            self.next_plan(measure)
            if not measure.shares_review_with_next:
                s.line(CHECK_HEADING.get(year, "主な検証意⾒ Check"))
            s.line(next_heading)
        if not measure.shares_review_with_next:
            covers = [normalised_name(m.name_in(year)) for m in group] if len(group) > 1 else None
            action_heading = f"{ERA_LONG[year + 1]}年度以降の対応 Action"
            covid_heading = "新型コロナウイルス感染症への対応に関する意⾒"
            if reading:
                s.directive(PAGE_BREAK)
                s.line(" " + sheet_title(measure, year))
                s.line(CHECK_HEADING.get(year, "主な検証意⾒ Check"))
            else:
                s.line(action_heading)
            self.pdca(measure, "check", measure.check, self.items(measure.check, WIDE), covers)
            late_covid = measure.key in QUIRKS["covid_opinion_drawn_late"]
            if reading:
                s.line(covid_heading)
            if reading or not late_covid:
                self.pdca(
                    measure,
                    "covid_check",
                    measure.covid_check,
                    self.items(measure.covid_check, WIDE, bullet="・"),
                    covers,
                )
            if reading:
                s.line(action_heading)
            self.pdca(measure, "action", measure.action, self.items(measure.action, WIDE), covers)
            if not reading and late_covid:
                self.pdca(
                    measure,
                    "covid_check",
                    measure.covid_check,
                    self.items(measure.covid_check, WIDE, bullet="・"),
                    covers,
                )
            if reading:
                s.line(next_heading)
                self.next_plan(measure)
                if footer:
                    s.line(footer)
            else:
                s.line(covid_heading)
        self.sheet_ids[measure.key] = [first, len(s.items) - 1]

    def sheets(self) -> None:
        group: list[Measure] = []
        for index, measure in enumerate(content.measures_in(self.year)):
            group.append(measure)
            self.sheet(measure, index, group if not measure.shares_review_with_next else [])
            if not measure.shares_review_with_next:
                group = []
