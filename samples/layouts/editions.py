"""Write every sample edition in the two alternative layouts, each with its ground truth.

    python -m nenpo.samples.layouts.editions samples

- ``text-order`` (layout b): the edition's text line by line in the order a PDF text
  layer of the real report reads (an indicator's ○ label can sit lines above its table
  with other ○ lines between; section headings come after the items they head; the Check
  heading closes the Plan/Do part while the Check and Action items follow the Action
  heading), on A4 portrait pages in IPAexGothic, KPI and census blocks ruled, no cover
  page: the edition is named only in body sentences and section headings.
- ``mincho`` (layout c): reading order, IPAex Mincho, headings the size of body text,
  every table unruled (aligned by whitespace only) and free to run across pages, each
  measure sheet on a new page, page numbers in the footer, and a cover page that is only
  an image (no text layer).

Each layout goes to its own folder (`samples/editions-text-order/`,
`samples/editions-mincho/`) as `kawasaki-sme-fy{year}.{layout}.pdf` and `.truth.json`,
with a MANIFEST.json of sha256 digests; the landscape layout (a) stays in
`samples/editions/`. The truth holds the same records as layout (a)'s (from the same
content), with the pages and bboxes of this layout.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import PIL
import reportlab

from nenpo.samples import content
from nenpo.samples import tables_content as tc
from nenpo.samples import tables_pages as tp
from nenpo.samples.content import ARTICLES, SERIES, Indicator, Measure
from nenpo.samples.generate import (
    CHECK_HEADING,
    ERA_LONG,
    FOOTERLESS_SHEETS,
    FULLWIDTH,
    KIND_LABELS,
    ORDINANCE,
    ORDINANCE_TITLE,
    QUIRKS,
    as_items,
    cell_lines,
    edition_filename,
    introduction_paragraphs,
    label_numbers,
    normalised_name,
    sheet_title,
    spaced_row_labels,
    year_header,
)
from nenpo.samples.layouts import cover
from nenpo.samples.layouts.stream import PAGE_BREAK, Stream, cell_ids, resolve, straddle, wrap_columns
from nenpo.samples.layouts.text_order import Layout, Style, lay_out, write_layout
from nenpo.samples.layouts.fonts import MINCHO, find_mincho

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


def _text_order_style() -> Style:
    return Style()


def _mincho_style() -> Style:
    return Style(font=MINCHO, font_file=find_mincho(), size=9.5, leading=1.5, margin_x=56.0, margin_top=60.0,
                 margin_bottom=60.0, ruled=False, heading_size=9.5, page_numbers=True)


LAYOUTS = {
    "text-order": LayoutSpec("text-order", "editions-text-order", _text_order_style, reading_order=False,
                             cover_image=False, sheet_on_new_page=False, tables_as_grids=False),
    "mincho": LayoutSpec("mincho", "editions-mincho", _mincho_style, reading_order=True,
                         cover_image=True, sheet_on_new_page=True, tables_as_grids=True),
}


class Builder:
    """One edition in one layout: the stream of lines and tables, and the truth records on it."""

    def __init__(self, year: int, spec: LayoutSpec, sheet_pages: dict[str, tuple[int, int]] | None,
                 other_pages: dict[str, int] | None):
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

    # --- helpers -------------------------------------------------------------------------

    def paragraph(self, text: str, columns: int = WIDE) -> list[int]:
        return self.s.para(text, columns)

    def items(self, items, columns: int, bullet: str = "○") -> list[list[int]]:
        return [self.s.para((label or bullet) + text, columns) for label, text in items]

    def pdca(self, measure: Measure, phase: str, items, ids_per_item, covers=None) -> None:
        name = normalised_name(measure.name_in(self.year))
        for (label, text), ids in zip(items, ids_per_item, strict=True):
            self.pdca_order[(name, phase)] = order = self.pdca_order.get((name, phase), 0) + 1
            self.s.record("pdca_items", {
                "measure": name, "covers": covers or [name], "phase": phase, "order": order, "label": label,
                "seq": label_numbers(label), "text_raw": text, "page": None, "bbox": None,
            }, ids)

    def grid(self, kind: str, widths: list[float], rows) -> list[list]:
        """An (unruled in the mincho style) table whose cells also go to the truth's `tables`."""
        built = self.s.table(kind, widths, rows)
        cells = [[r, c.col, 1, c.span, "\n".join(t for t, _ in c.lines)]
                 for r, row in enumerate(built) for c in row if c.lines]
        self.s.record("tables", {"kind": kind, "page": None, "pages": [], "bbox": None, "cells": cells},
                      [i for row in built for i in cell_ids(row)])
        return built

    def columns_for(self, width_pt: float) -> int:
        return max(8, int(2 * (width_pt - 8) / self.spec.style().size))

    # --- parts ---------------------------------------------------------------------------

    def introduction(self) -> None:
        self.s.line("１ はじめに")
        self.s.blank()
        for paragraph in introduction_paragraphs(self.year):
            self.paragraph("  " + paragraph, 88)
            self.s.blank()

    def census(self) -> None:
        s = self.s
        s.line("２ 市内産業の現状")
        s.line("（１）産業構造")
        years = tc.CENSUS_YEARS[self.year]
        for k, table in enumerate(tc.CENSUS_TABLES):
            s.line(table.caption)
            if k == 1 and not self.spec.reading_order:
                s.directive(straddle(2))  # the header at a page's foot, the rows on the next page
            header = ["業種大分類", f"{table.measure} 構成比", " ".join(tp.era_abbrev(years[i % 2]) for i in range(4))]
            rows = list(enumerate(tc.CENSUS_CATEGORIES)) + [(None, tc.CENSUS_TOTAL)]
            printed_rows = []
            for index, category in rows:
                counts, shares = [], []
                for year in years:
                    count = table.total(year) if index is None else table.counts[year][index]
                    if index is None:
                        count = tc.CENSUS_MISPRINTS.get((self.year, table.measure, year), count)
                    counts.append(f"{count:,}")
                    shares.append(f"{table.share(year, index):.1f}%")
                printed_rows.append((category, counts, shares))
            cells = [[0, 0, 2, 1, "業種大分類"], [0, 1, 1, 2, table.measure], [0, 3, 1, 2, "構成比"]]
            cells += [[1, 1 + i, 1, 1, tp.era_abbrev(years[i % 2])] for i in range(4)]
            for r, (category, counts, shares) in enumerate(printed_rows, start=2):
                cells.append([r, 0, 1, 1, category])
                cells += [[r, 1 + i, 1, 1, counts[i]] for i in range(2)] + [[r, 3 + i, 1, 1, shares[i]] for i in range(2)]
            if self.spec.tables_as_grids:
                built = self.s.table("census", [160.0] + [80.0] * 4, [
                    [(0, ["業種大分類"]), (1, [table.measure], 2), (3, ["構成比"], 2)],
                    [(1 + i, [tp.era_abbrev(years[i % 2])]) for i in range(4)],
                ] + [[(0, [c])] + [(1 + i, [v]) for i, v in enumerate(counts + shares)] for c, counts, shares in printed_rows])
                header_ids = cell_ids(built[0]) + cell_ids(built[1])
                row_ids = [cell_ids(row) for row in built[2:]]
            else:
                header_ids = [s.line(h) for h in header]
                row_ids = [[s.line(" ".join([c] + counts + shares))] for c, counts, shares in printed_rows]
            s.record("tables", {"kind": "census", "page": None, "pages": [], "bbox": None, "cells": cells},
                     header_ids + [i for ids in row_ids for i in ids])
            for (index, category), ids, (_, counts, shares) in zip(rows, row_ids, printed_rows):
                for i, year in enumerate(years):
                    for measure, value, unit, text in (
                        (table.measure, float(counts[i].replace(",", "")), table.unit, counts[i]),
                        ("構成比", float(shares[i].rstrip("%")), "%", shares[i]),
                    ):
                        s.record("stat_values", {
                            "table": table.measure, "title": table.caption, "category": category, "survey_year": year,
                            "measure": measure, "value": value, "unit": unit, "value_text": text, "period": None,
                            "page": None,
                        }, ids)
            s.line("出所：総務省「経済センサス」")
            s.blank()

    def figures(self) -> None:
        paragraph_ids = []
        for heading, text in tp.figures_paragraphs(self.year):
            self.s.line(heading)
            paragraph_ids.append(self.paragraph("  " + text, 88))
            self.s.blank()
        for k, record in tp.figures_stats(self.year):
            ids = paragraph_ids[k]
            on = [i for i in ids if record["value_text"] in self.s.items[i]] or ids
            self.s.record("stat_values", {**record, "page": None}, on[:1])

    def rosters(self) -> None:
        s = self.s
        s.line("３ 中小企業活性化施策の検証体制等")
        self.paragraph("  条例第 22 条の規定において、市が実施する中小企業活性化施策の実効性を確保するため、"
                       "施策の実施状況について、「川崎市産業振興協議会」の意見を聴いて検証することとしています。", 88)
        for committee in tc.COMMITTEES:
            s.line(f"図表 「{committee.name}」委員名簿（{committee.as_of[self.year]}現在）")
            members = committee.members_in(self.year)
            records = []
            if self.spec.tables_as_grids:
                rows = [[(0, ["役 職 名"], 3), (3, ["氏 名"])]]
                seq = 0
                for grp, _ in committee.groups:
                    in_group = [m for m in members if m[0] == grp]
                    for k, (_, role, name) in enumerate(in_group):
                        seq += 1
                        rows.append([(0, [grp] if k == 0 else []), (1, [str(seq)]), (2, [role]), (3, [name])])
                        records.append((seq, grp, role, name))
                built = self.grid("roster", [70.0, 24.0, 240.0, 110.0], rows)
                member_ids = [cell_ids(row) for row in built[1:]]
            else:
                s.line(" 役 職 名 氏 名")
                member_ids = []
                seq = 0
                for grp, _ in committee.groups:
                    in_group = [m for m in members if m[0] == grp]
                    if not in_group:
                        continue
                    if len(in_group) > 1:
                        for ch in grp:
                            s.line(ch)
                    for k, (_, role, name) in enumerate(in_group):
                        seq += 1
                        prefix = f"{grp} " if len(in_group) == 1 else ""
                        member_ids.append([s.line(f"{prefix}{seq} {role} {name}")])
                        records.append((seq, grp, role, name))
            for (seq, grp, role, name), ids in zip(records, member_ids, strict=True):
                s.record("committee_members", {
                    "committee": committee.name, "seq": seq, "role": role, "name": name, "grp": grp,
                    "as_of": committee.as_of[self.year], "page": None,
                }, ids)
            s.blank()

    def policy_list(self) -> None:
        s = self.s
        self.list_heading_id = s.line(f"４ {ERA_LONG[self.year]}（{self.year}）年度中小企業活性化施策の実施状況")
        self.paragraph(f"  {ERA_LONG[self.year]}（{self.year}）年度の中小企業活性化施策の実施状況は、次のとおりです。", 88)
        s.line("図表 中小企業活性化施策一覧")
        s.line("検証対象事業")
        header = ("条文", "中小企業活性化施策", "事務事業名", "頁")
        pages = self.sheet_pages or {}
        entries = []
        for measure in content.measures_in(self.year):
            name = measure.name_in(self.year)
            if measure.key == "monozukuri" and self.year == 2020:
                name = "ものづくり中小企業経営革新等支援事業"
            start, end = pages.get(measure.key, (0, 0))
            label = name if not measure.parent else f"{measure.parent} {name}"
            entries.append((measure, name, label, start, end))
        row_ids = self._list_rows(header, [
            (f"{m.article}条".translate(FULLWIDTH), ARTICLES[m.article], m.parent, name, f"{start}-{end}")
            for m, name, _, start, end in entries
        ], "policy_list")
        for seq, ((m, name, label, start, end), ids) in enumerate(zip(entries, row_ids, strict=True), start=1):
            s.record("policy_list", {
                "part": "検証対象事業", "article": m.article, "policy": ARTICLES[m.article], "name_raw": label,
                "parent": m.parent, "name": name, "page_start": start, "page_end": end, "page": None, "seq": seq,
            }, ids)
        self.listed = len(entries)

    def _list_rows(self, header, rows, kind) -> list[list[int]]:
        """The list's rows: article and policy printed once per article, a parent once per group."""
        s = self.s
        if self.spec.tables_as_grids:
            grid_rows = [[(c, [h]) for c, h in enumerate(header)]]
            previous_article = None
            for article, policy, parent, name, pages in rows:
                first = article != previous_article
                previous_article = article
                label = name if not parent else f"{parent} {name}"
                grid_rows.append([(0, [article] if first else []), (1, [policy] if first else []), (2, [label]), (3, [pages])])
            built = self.grid(kind, [40.0, 150.0, 240.0, 50.0], grid_rows)
            return [[src for _, src in row[2].lines] for row in built[1:]]
        s.line(" ".join(header))
        ids = []
        previous_article, previous_parent = None, None
        for article, policy, parent, name, pages in rows:
            if article != previous_article:
                s.line(f"{article} {policy}")
                previous_article, previous_parent = article, None
            if parent and parent != previous_parent:
                s.line(parent)
            previous_parent = parent
            ids.append([s.line(f"{name} {pages}")])
        return ids

    def other_list(self) -> None:
        s = self.s
        s.line(" その他の事業")
        pages = self.other_pages or {}
        rows = [(f"{m.article}条".translate(FULLWIDTH), ARTICLES[m.article], None, m.name, str(pages.get(m.name, 0)))
                for m in tc.OTHER_MEASURES]
        row_ids = self._list_rows(("条文", "中小企業活性化施策", "事務事業名", "頁"), rows, "policy_list")
        for k, (m, ids) in enumerate(zip(tc.OTHER_MEASURES, row_ids, strict=True)):
            s.record("policy_list", {
                "part": "その他の事業", "article": m.article, "policy": ARTICLES[m.article], "name_raw": m.name,
                "parent": None, "name": m.name, "page_start": pages.get(m.name, 0), "page_end": pages.get(m.name, 0),
                "page": None, "seq": self.listed + k + 1,
            }, ids)
        s.blank()

    def article_opinions(self) -> None:
        s = self.s
        self.paragraph("  各条文で規定する中小企業活性化施策毎の実施状況に対する産業振興協議会からの意見等は、以下のとおりです。", 88)
        for k, opinion in enumerate(content.ARTICLE_OPINIONS):
            if k % 4 == 0:
                for h in ("条文", "条例に基づく", "中小企業活性化施策", "中小企業活性化施策の実施状況に対する主な検証意見"):
                    s.line(h)
            s.line(f"{opinion.article} 条")
            s.para(ARTICLES[opinion.article], 22)
            for kind, paragraphs in (("overall", opinion.overall), ("covid", opinion.covid)):
                for word in KIND_LABELS[kind]:
                    s.line(word)
                ids = [i for p in paragraphs for i in s.para(p, 56)]
                s.record("article_opinions", {
                    "article": opinion.article, "policy_raw": ARTICLES[opinion.article], "kind": kind,
                    "kind_raw": "".join(KIND_LABELS[kind]), "text_raw": "\n".join(paragraphs), "page": None, "bbox": None,
                }, ids)
        s.line("また、事務事業ごとの施策の実施状況、検証意見等は、以下のとおりです。")

    # --- measure sheets ------------------------------------------------------------------

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
            built = s.table("kpi", [120.0, 130.0, 130.0], [[(1, [headers[0]]), (2, [headers[1]])]] + [
                [(0, [label])] + [(1 + c, lines) for c, (_, _, lines) in enumerate(cells)] for _, _, label, cells in rows
            ])
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
                s.record("kpi_values", {
                    "measure": normalised_name(measure.name_in(self.year)), "measure_raw": measure.name_in(self.year),
                    "indicator_raw": indicator.label, "unit_raw": unit, "fiscal_year": fy, "kind": kind,
                    "value": value.value, "value_text": "\n".join(lines), "status": value.status,
                    "annotation": value.annotation,
                    "sub_value": None if value.sub_value is None else float(value.sub_value), "page": None,
                }, cell_ids_[:1])

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
        footer = None if (year, measure.key) in FOOTERLESS_SHEETS else f"第{measure.article}条 {ARTICLES[measure.article]}"
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
        self.pdca(measure, "covid_do", as_items(measure.covid_do), self.items(as_items(measure.covid_do), WIDE, bullet="・"))
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
                self.pdca(measure, "covid_check", measure.covid_check,
                          self.items(measure.covid_check, WIDE, bullet="・"), covers)
            if reading:
                s.line(action_heading)
            self.pdca(measure, "action", measure.action, self.items(measure.action, WIDE), covers)
            if not reading and late_covid:
                self.pdca(measure, "covid_check", measure.covid_check,
                          self.items(measure.covid_check, WIDE, bullet="・"), covers)
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

    # --- tables after the sheets ---------------------------------------------------------

    def budget(self) -> None:
        s = self.s
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        s.line(" 新型コロナウイルス感染症に関する本市の緊急経済対策")
        header = list(tp.BUDGET_HEADER)
        widths = [24.0, 96.0, 190.0, 76.0, 110.0]

        def lines_for(col: int, paragraphs) -> list[str]:
            columns = self.columns_for(widths[col])
            return [piece for p in paragraphs for forced in p.split("\n") for piece in wrap_columns(forced, columns)]

        for section in tc.BUDGET_TABLES[self.year]:
            s.line(section.title)
            if self.spec.tables_as_grids:
                rows_per_item = [(item, tp._budget_rows(item, lines_for)) for item in section.items]
            else:
                rows_per_item = [(item, tp._budget_rows(item)) for item in section.items]
            row_ids_per_item: list[list[list[int]]] = []
            if self.spec.tables_as_grids:
                grid_rows = [[(c, [h]) for c, h in enumerate(header)]]
                spans = []
                for item, rows in rows_per_item:
                    spans.append(len(rows))
                    for cells in rows:
                        grid_rows.append([(c.col, c.lines) for c in cells])
                built = self.grid("budget", widths, grid_rows)
                k = 1
                for n in spans:
                    row_ids_per_item.append([cell_ids(built[k + j]) for j in range(n)])
                    k += n
            else:
                s.line(" ".join(header))
                for item, rows in rows_per_item:
                    if item.no == section.page_break_before:
                        s.line(" " + " ".join(header))  # the original's header, repeated on its next page
                    item_ids = []
                    for cells in rows:
                        item_ids.append([s.line(line) for c in sorted(cells, key=lambda c: c.col) for line in c.lines])
                    row_ids_per_item.append(item_ids)
            for (item, _), ids in zip(rows_per_item, row_ids_per_item, strict=True):
                scratch = {"budget_items": [], "budget_results": []}
                tp._budget_truth(item, list(range(len(ids))), scratch)
                for record in scratch["budget_items"]:
                    row = record["page"]
                    self.s.record("budget_items", {**record, "page": None}, ids[row])
                self.extra["budget_results"] += scratch["budget_results"]
        for note in tc.BUDGET_FOOTNOTES[self.year]:
            s.line(note)
        s.blank()

    def other_measures(self) -> None:
        s = self.s
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        s.line(" その他の事業")
        next_year, this_year = ERA_LONG[self.year + 1], ERA_LONG[self.year]
        current = None
        for m in tc.OTHER_MEASURES:
            if m.article != current:
                s.line(f"{m.article}条".translate(FULLWIDTH) + f" {ARTICLES[m.article]}")
                current = m.article
            name_id = s.line(m.name)
            plan, results = tp._other_texts(m, self.year)
            heads = [f"{next_year}年度の概要", f"{this_year}年度の実績"]
            if self.spec.tables_as_grids:
                columns = self.columns_for(240.0)
                left = [piece for p in plan for forced in p.split("\n") for piece in wrap_columns(forced, columns)]
                right = [piece for p in results for forced in p.split("\n") for piece in wrap_columns(forced, columns)]
                built = self.grid("other_measure", [240.0, 240.0], [[(0, [heads[0]]), (1, [heads[1]])], [(0, left), (1, right)]])
                ids = [name_id] + cell_ids(built[0]) + cell_ids(built[1])
            else:
                ids = [name_id, s.line(" ".join(heads))]
                ids += [i for p in plan for forced in p.split("\n") for i in s.para(forced, 40)]
                ids += [i for p in results for forced in p.split("\n") for i in s.para(forced, 40)]
            self.other_ids[m.name] = [name_id]
            s.record("other_measures", {
                "article": m.article, "name_raw": m.name,
                "next_year_plan_raw": "\n".join(tp.unwrapped(p) for p in plan),
                "results_raw": "\n".join(tp.unwrapped(p) for p in results), "page": None,
            }, ids)

    def ordinance(self) -> None:
        s = self.s
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        s.line(ORDINANCE_TITLE)
        for paragraph in ORDINANCE:
            self.paragraph(paragraph, 88)

    def build(self) -> Stream:
        self.introduction()
        self.census()
        self.figures()
        self.rosters()
        self.policy_list()
        self.other_list()
        self.article_opinions()
        self.sheets()
        self.budget()
        self.other_measures()
        self.ordinance()
        return self.s


def _page_of(layout: Layout, ids: list[int], offset: int) -> list[int]:
    wanted = set(ids)
    return sorted({p.page + offset for p in layout.placed if p.line in wanted})


def build_layout_edition(year: int, spec: LayoutSpec) -> tuple[Layout, dict]:
    """Lay the edition out twice: the policy list prints the pages the first pass found."""
    style = spec.style()
    offset = 1 if spec.cover_image else 0
    sheet_pages: dict[str, tuple[int, int]] | None = None
    other_pages: dict[str, int] | None = None
    for _ in range(3):
        builder = Builder(year, spec, sheet_pages, other_pages)
        stream = builder.build()
        layout = lay_out(stream.items, style)
        found_sheets = {}
        for key, (first, last) in builder.sheet_ids.items():
            pages = _page_of(layout, list(range(first, last + 1)), offset)
            found_sheets[key] = (pages[0], pages[-1])
        found_other = {name: _page_of(layout, ids, offset)[0] for name, ids in builder.other_ids.items()}
        if (found_sheets, found_other) == (sheet_pages, other_pages):
            break
        sheet_pages, other_pages = found_sheets, found_other
    else:
        raise RuntimeError(f"page numbers of FY{year} ({spec.name}) do not settle")
    truth: dict = {
        "series": SERIES, "report_fiscal_year": year, "years_printed": [year - 1, year], "layout": spec.name,
        "title": None, "cover": "image" if spec.cover_image else None,
        "measures": [], "kpi_values": [], "pdca_items": [], "policy_list": [], "article_opinions": [],
        "stat_values": [], "committee_members": [], "budget_items": [], "budget_results": [],
        "other_measures": [], "tables": [],
    }
    for measure in content.measures_in(year):
        start, end = sheet_pages[measure.key]
        truth["measures"].append({
            "name": normalised_name(measure.name_in(year)), "name_raw": measure.name_in(year), "parent": measure.parent,
            "position": measure.position, "article": measure.article, "article_title": ARTICLES[measure.article],
            "page_start": start, "page_end": end,
        })
    resolve(stream, layout, truth, page_offset=offset)
    truth["budget_results"] = builder.extra["budget_results"]
    truth["policy_list_page"] = _page_of(layout, [builder.list_heading_id], offset)[0]
    truth["page_count"] = len(layout.pages) + offset
    truth["differences"] = [d for d in content.PLANTED_DIFFERENCES if d["later_edition"] in (year, year + 1)]
    return layout, truth


def edition_title(year: int) -> str:
    return f"{ERA_LONG[year]}年度 中小企業活性化施策実施状況報告書"


def write_layout_edition(year: int, spec: LayoutSpec, out_dir: Path) -> tuple[Path, Path]:
    layout, truth = build_layout_edition(year, spec)
    stem = f"{edition_filename(year)}.{spec.name}"
    pdf, truth_path = out_dir / f"{stem}.pdf", out_dir / f"{stem}.truth.json"
    if spec.cover_image:
        truth["title"] = edition_title(year)
        write_layout(layout, pdf, title=edition_title(year), cover_image=cover.cover_image(year, edition_title(year)))
    else:
        write_layout(layout, pdf)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pdf, truth_path


def write_all(root: Path, years=content.EDITIONS, layouts=tuple(LAYOUTS)) -> list[Path]:
    """Every edition in every alternative layout, one folder per layout with its MANIFEST.json."""
    written = []
    for name in layouts:
        spec = LAYOUTS[name]
        folder = root / spec.folder
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for year in years:
            pdf, truth = write_layout_edition(year, spec, folder)
            files[pdf.name] = hashlib.sha256(pdf.read_bytes()).hexdigest()
            written += [pdf, truth]
            print(f"wrote {pdf} and {truth.name}")
        # byte-identical output is only promised for the reportlab (and, for the drawn cover, Pillow) that wrote it
        manifest = {"reportlab": reportlab.Version, "pillow": PIL.__version__, "files": files}
        (folder / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    write_all(Path(args[0] if args else "samples"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
