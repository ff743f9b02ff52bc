"""Write the sample editions (PDF + ground-truth JSON) of the Kawasaki SME report family.

    python -m nenpo.samples.generate samples/editions

Each edition N is an A4-landscape PDF with a cover, an introduction, section 2's census
tables and figures, section 3's committee rosters, the policy list (中小企業活性化施策一覧,
検証対象事業 and その他の事業), the article opinion table (two pages), one PDCA sheet per
measure, the emergency-measure budget table over two pages, the その他の事業 tables and
the ordinance. A sheet's page A carries Plan, Do and the KPI tables in two columns, page B
the Check and COVID opinions beside the Action responses and next year's plan. The ground
truth JSON beside each PDF is written from the same data the pages are drawn from:
measures, KPI values, PDCA items (phase, order, label, opinion numbers, text as printed,
page, bbox, the measures a shared block covers), the article opinions and the other
tables (drawn by `samples.tables_pages`).

Printing quirks copied from the real FY2020 edition are listed in the tables below
(`QUIRKS`); each one is something an extractor has to survive.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import reportlab

from nenpo.samples import content, tables_pages
from nenpo.samples.content import ARTICLES, EDITIONS, SERIES, Indicator, Measure, Value
from nenpo.samples.layout import COLUMN_WIDTH, LEFT_X, PAGE_HEIGHT, RIGHT_X, Page, text_width, write_pdf

ERA_SHORT = {2018: "H30", 2019: "R1", 2020: "R2", 2021: "R3", 2022: "R4"}
ERA_LONG = {2018: "平成30", 2019: "令和元", 2020: "令和２", 2021: "令和３", 2022: "令和４"}
PUBLISHED = {2019: "令和２年５月", 2020: "令和３年５月", 2021: "令和４年５月"}
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")

# Printing quirks, as (measure key, indicator index) sets. Each mirrors the real edition.
QUIRKS = {
    # the later year's cells in full-width digits (`目 標（回） 1 １`)
    "fullwidth_latest": {("welfare", 1), ("shotengai", 0)},
    # a year header in full-width digits (`R１（2019）年度`)
    "fullwidth_header": {("ip", 1)},
    # the indicator label is drawn after the left column: far from its table in text order
    "label_drawn_late": {("startup", 0), ("monozukuri", 0), ("tourism", 0), ("employment", 1)},
    # a blank gap between the target and actual rows
    "gap_between_rows": {("tourism", 0)},
    # measure keys whose COVID opinions are drawn after everything else on page B, as the
    # real edition's ウェルフェアイノベーション推進事業 prints its opinion ⑥ after the responses
    "covid_opinion_drawn_late": {"welfare"},
    # measure keys whose first two next-year plan bullets share one printed line
    # (`○K-NICにおける起業家支援 ○かわさき起業家塾等の開催`)
    "next_plan_on_one_line": {"startup"},
    # measure keys whose 主な取組 bullets are 〇 (U+3007, the kanji zero) rather than ○
    "kanji_zero_bullets": {"overseas"},
}

CHECK_HEADING = {2019: "主な検証意⾒\u3000Check"}
"""The Check heading where an edition prints it differently (an ideographic space);
elsewhere `主な検証意⾒ Check` — with the Kangxi radical ⾒ every time."""

FOOTERLESS_SHEETS = {(2021, "ip")}
"""(edition, measure key) of sheets printed without their 第N条 footer: the article
then comes from the policy list."""


def spaced_row_labels(measure_index: int, edition: int) -> bool:
    """`目 標` with an inner space on alternate sheets, `目標` on the others."""
    return (measure_index + edition) % 2 == 0


def format_number(number: str, fullwidth: bool = False) -> str:
    """'1930000' → '1,930,000'; '-21.2' → '△21.2' (accounting minus); optional full-width digits."""
    negative = number.startswith("-")
    digits = number.lstrip("-")
    whole, _, frac = digits.partition(".")
    text = f"{int(whole):,}" + (f".{frac}" if frac else "")
    text = ("△" if negative else "") + text
    return text.translate(FULLWIDTH) if fullwidth else text


def cell_lines(value: Value, fullwidth: bool) -> list[str]:
    """The printed lines of one KPI cell."""
    if value.status == "cancelled":
        return ["中止"]
    assert value.number is not None
    main = format_number(value.number, fullwidth)
    if value.annotation:
        main += f"（{value.annotation}）"
    lines = [main]
    if value.sub_value:
        lines.append(f"({format_number(value.sub_value, fullwidth)})")
    return lines


def year_header(fiscal_year: int, fullwidth: bool) -> str:
    era = ERA_SHORT[fiscal_year]
    if fullwidth:
        era = era[0] + era[1:].translate(FULLWIDTH)
    return f"{era}（{fiscal_year}）年度"


def normalised_name(printed: str) -> str:
    return "".join(unicodedata.normalize("NFKC", printed).split())


@dataclass
class Edition:
    """Pages and ground truth of one edition, filled in as pages are laid out."""

    year: int
    pages: list[Page]
    truth: dict
    pdca_order: dict[tuple[str, str], int] = field(default_factory=dict)

    def new_page(self) -> Page:
        page = Page(len(self.pages) + 1)
        self.pages.append(page)
        return page


def draw_page_furniture(page: Page, footer: str | None = None) -> None:
    page.text(410, PAGE_HEIGHT - 22, f"- {page.number} -", 8, layer=4)
    if footer:
        page.text(LEFT_X, PAGE_HEIGHT - 40, footer, 9, layer=4)


def draw_cover(ed: Edition) -> None:
    page = ed.new_page()
    page.text(150, 150, "「川崎市中小企業活性化のための成長戦略に関する条例」に基づく", 14)
    title = f"{ERA_LONG[ed.year]}年度 中小企業活性化施策実施状況報告書"
    page.text(150, 200, title, 22)
    page.text(330, 420, PUBLISHED[ed.year], 14)
    page.text(345, 450, "川 崎 市", 16)
    ed.truth["title"] = title


def introduction_paragraphs(year: int) -> tuple[str, ...]:
    """Section 1's paragraphs; the third names the edition's fiscal year."""
    return (
        "川崎市の中小企業は、事業所数の 99.1％、従業者数の 76.8％など市内の大半を占め、地域社会に欠かせない存在です。",
        "本市では、平成 28（2016）年４月、「川崎市中小企業活性化のための成長戦略に関する条例」を施行しました。",
        f"本報告書は、{ERA_LONG[year]}（{year}）年度の中小企業活性化施策の実施状況を取りまとめたものです。",
        "市内中小企業の業況ＤＩは△21.2 と、前回調査から悪化しました。",
    )


def draw_introduction(ed: Edition) -> None:
    page = ed.new_page()
    page.text(LEFT_X, 40, "１ はじめに", 14)
    top = 80.0
    for paragraph in introduction_paragraphs(ed.year):
        top = page.paragraph(LEFT_X, top, paragraph, 760, 10) + 6
    draw_page_furniture(page)


def sheet_title(measure: Measure, edition: int) -> str:
    name = measure.name_in(edition)
    if measure.parent:
        circled = "①②③④⑤"[measure.position - 1]
        return f"{measure.parent} {circled}{name}"
    return name


def draw_policy_list(ed: Edition, sheet_pages: dict[str, tuple[int, int]]) -> None:
    """Section 4's opening page with the policy list table (条文 / 施策 / 事務事業名 / 頁)."""
    page = ed.pages[ed.truth["policy_list_page"] - 1]
    page.text(LEFT_X, 40, f"４ {ERA_LONG[ed.year]}（{ed.year}）年度中小企業活性化施策の実施状況", 14)
    page.text(LEFT_X, 75, "図表 中小企業活性化施策一覧", 11)
    page.text(LEFT_X + 200, 77, "検証対象事業", 9)
    cols = (LEFT_X, LEFT_X + 60, LEFT_X + 300, LEFT_X + 620, LEFT_X + 700)
    top = 95.0
    row_h = 18.0
    headers = ("条文", "中小企業活性化施策", "事務事業名", "頁")
    rows: list[tuple[str, str, str, str]] = [headers]
    listed = []
    for measure in content.measures_in(ed.year):
        name = measure.name_in(ed.year)
        # the real list prints the measure's newer name before the sheets adopt it
        if measure.key == "monozukuri" and ed.year == 2020:
            name = "ものづくり中小企業経営革新等支援事業"
        start, end = sheet_pages[measure.key]
        article = f"{measure.article}条".translate(FULLWIDTH)
        label = f"{name}" if not measure.parent else f"{measure.parent} {name}"
        rows.append((article, ARTICLES[measure.article], label, f"{start}-{end}"))
        listed.append(
            {
                "part": "検証対象事業",
                "article": measure.article,
                "policy": ARTICLES[measure.article],
                "name_raw": label,
                "parent": measure.parent,
                "name": name,
                "page_start": start,
                "page_end": end,
                "page": page.number,
                "seq": len(listed) + 1,
            }
        )
    for i, row in enumerate(rows):
        row_top = top + i * row_h
        page.line(cols[0], row_top, cols[-1], row_top)
        for x, cell in zip(cols, row):
            page.text(x + 3, row_top + 4, cell, 8.5)
    bottom = top + len(rows) * row_h
    page.line(cols[0], bottom, cols[-1], bottom)
    for x in cols:
        page.line(x, top, x, bottom)
    draw_page_furniture(page)
    ed.truth["policy_list"] = listed
    ed.truth["tables"].append(
        {
            "kind": "policy_list",
            "page": page.number,
            "bbox": [cols[0], top, cols[-1], bottom],
            "cells": [[r, c, 1, 1, cell] for r, row in enumerate(rows) for c, cell in enumerate(row)],
        }
    )


def draw_kpi_table(
    ed: Edition, page: Page, measure: Measure, index: int, ind_index: int, indicator: Indicator, top: float
) -> float:
    """One KPI block: ○label, then a ruled grid of year header, target and actual rows."""
    key = (measure.key, ind_index)
    label_layer = 3 if key in QUIRKS["label_drawn_late"] else 1
    label = indicator.label if indicator.actual_only else "○" + indicator.label
    top = page.paragraph(RIGHT_X, top, label, 230, 9, layer=label_layer, leading=1.3) + 2
    years = (ed.year - 1, ed.year)
    cols = (RIGHT_X, RIGHT_X + 80, RIGHT_X + 230, RIGHT_X + 380)
    header_fw = key in QUIRKS["fullwidth_header"]
    grid_top = top
    page.text(cols[1] + 8, top + 3, year_header(years[0], header_fw), 8.5)
    page.text(cols[2] + 8, top + 3, year_header(years[1], header_fw), 8.5)
    top += 15
    spaced = spaced_row_labels(index, ed.year)
    kinds = ("actual",) if indicator.actual_only else ("target", "actual")
    row_tops = [grid_top, top]
    for kind in kinds:
        unit = indicator.unit_for(ed.year, kind)
        word = {"target": "目標", "actual": "実績"}[kind]
        if spaced:
            word = word[0] + " " + word[1]
        row_label = f"{word}（{unit}）"
        lines_per_cell = []
        for col, fy in enumerate(years):
            value = indicator.cell(ed.year, kind, fy)
            if value is None:
                lines_per_cell.append([])
                continue
            fullwidth = key in QUIRKS["fullwidth_latest"] and col == 1
            lines = cell_lines(value, fullwidth)
            lines_per_cell.append(lines)
            x = cols[col + 1] + 8
            for k, line in enumerate(lines):
                page.text(x, top + 3 + k * 10, line, 8.5)
            ed.truth["kpi_values"].append(
                {
                    "measure": normalised_name(measure.name_in(ed.year)),
                    "measure_raw": measure.name_in(ed.year),
                    "indicator_raw": indicator.label,
                    "unit_raw": unit,
                    "fiscal_year": fy,
                    "kind": kind,
                    "value": value.value,
                    "value_text": "\n".join(lines),
                    "status": value.status,
                    "annotation": value.annotation,
                    "sub_value": None if value.sub_value is None else float(value.sub_value),
                    "page": page.number,
                }
            )
        page.text(cols[0] + 4, top + 3, row_label, 8.5)
        n_lines = max([1] + [len(x) for x in lines_per_cell])
        top += 5 + 10 * n_lines
        if kind == "target" and key in QUIRKS["gap_between_rows"]:
            top += 8
        row_tops.append(top)
    for row_top in row_tops:
        page.line(cols[0], row_top, cols[-1], row_top)
    for x in cols:
        page.line(x, grid_top, x, top)
    return top + 10


CIRCLED_NUMBERS = {ch: n for n, ch in enumerate("①②③④⑤⑥⑦⑧⑨⑩", start=1)}


def label_numbers(label: str) -> list[int]:
    """The opinion numbers a printed label names: '①' → [1], '①・②' → [1, 2], '⑤～⑥' → [5, 6]."""
    numbers: list[int] = []
    pending_range = False
    for ch in label:
        if ch in CIRCLED_NUMBERS:
            n = CIRCLED_NUMBERS[ch]
            if pending_range and numbers:
                numbers.extend(range(numbers[-1] + 1, n + 1))
            else:
                numbers.append(n)
            pending_range = False
        elif ch in "～~":
            pending_range = True
    return numbers


Item = tuple[str, str]
"""(label as printed, text as printed); label '' for a bulleted item."""

BBox = tuple[float, float, float, float]


def as_items(texts) -> tuple[Item, ...]:
    return tuple(t if isinstance(t, tuple) else ("", t) for t in texts)


def draw_items(
    page: Page,
    x: float,
    top: float,
    items: tuple[Item, ...],
    layer: int,
    bullet: str = "○",
    width: float = COLUMN_WIDTH,
) -> tuple[float, list[BBox]]:
    """Draw each item as one wrapped paragraph: the bullet for unlabelled items, else the label."""
    boxes = []
    for label, text in items:
        top, bbox = page.block(x, top, (label or bullet) + text, width, 9, layer=layer)
        boxes.append(bbox)
        top += 3
    return top, boxes


def pdca_truth(
    ed: Edition,
    measure: Measure,
    phase: str,
    items: tuple[Item, ...],
    page: Page,
    boxes: list[BBox],
    covers: list[str] | None = None,
) -> None:
    """Ground truth of PDCA items: `order` counts within (measure, phase) across every call."""
    name = normalised_name(measure.name_in(ed.year))
    for (label, text), bbox in zip(items, boxes, strict=True):
        ed.pdca_order[(name, phase)] = order = ed.pdca_order.get((name, phase), 0) + 1
        ed.truth["pdca_items"].append(
            {
                "measure": name,
                "covers": covers or [name],
                "phase": phase,
                "order": order,
                "label": label,
                "seq": label_numbers(label),
                "text_raw": text,
                "page": page.number,
                "bbox": [round(v, 2) for v in bbox],
            }
        )


def draw_next_plan(ed: Edition, measure: Measure, page: Page, x: float, top: float) -> float:
    page.text(x, top, f"{ERA_LONG[ed.year + 1]}年度の実施計画", 10, layer=2)
    items = as_items(measure.next_plan)
    top += 18
    boxes: list[BBox] = []
    if measure.key in QUIRKS["next_plan_on_one_line"] and len(items) >= 2:
        first, second = "○" + items[0][1], "○" + items[1][1]
        line = page.text(x, top, first + " " + second, 9, layer=2)
        split = x + text_width(first + " ", 9)
        boxes += [(x, line[1], x + text_width(first, 9), line[3]), (split, line[1], line[2], line[3])]
        top += 9 * 1.35 + 3
        items_left = items[2:]
    else:
        items_left = items
    top, more = draw_items(page, x, top, items_left, layer=2)
    pdca_truth(ed, measure, "next_plan", items, page, boxes + more)
    return top


def draw_sheet(ed: Edition, measure: Measure, index: int, group: list[Measure]) -> tuple[int, int]:
    """A measure's PDCA sheet; returns its page span.

    Page A: Plan, 主な取組 and Do on the left; KPI tables, their notes and the COVID
    response on the right. Page B: Check and COVID opinions on the left; Action and the
    next year's plan on the right. A sub-measure that shares its group's review prints its
    next year's plan on page A and has no page B.
    """
    title = sheet_title(measure, ed.year)
    footer = (
        None if (ed.year, measure.key) in FOOTERLESS_SHEETS else f"第{measure.article}条 {ARTICLES[measure.article]}"
    )
    page = ed.new_page()
    start = page.number
    page.text(LEFT_X, 22, title, 14, layer=0)

    # left column: Plan and Do
    top = 50.0
    page.text(LEFT_X, top, "事業計画 Plan", 11, layer=2)
    top, plan_boxes = draw_items(page, LEFT_X, top + 18, as_items(measure.plan), layer=2)
    page.text(LEFT_X, top + 4, "主な取組", 10, layer=2)
    effort_bullet = "〇" if measure.key in QUIRKS["kanji_zero_bullets"] else "○"
    top, effort_boxes = draw_items(
        page, LEFT_X + 8, top + 20, as_items(measure.efforts), layer=2, bullet=effort_bullet, width=COLUMN_WIDTH - 8
    )
    page.text(LEFT_X, top + 6, "事業の実施状況 Do", 11, layer=2)
    page.text(LEFT_X, top + 24, f"{ERA_LONG[ed.year]}年度の実績", 10, layer=2)
    top, do_boxes = draw_items(page, LEFT_X, top + 40, as_items(measure.do), layer=2)
    pdca_truth(ed, measure, "plan", as_items(measure.plan + measure.efforts), page, plan_boxes + effort_boxes)
    pdca_truth(ed, measure, "do", as_items(measure.do), page, do_boxes)

    # right column: KPI tables, supplement, COVID response
    top = 50.0
    page.text(RIGHT_X, top, "主な成果・活動指標", 11, layer=1)
    top += 20
    for ind_index, indicator in enumerate(measure.indicators):
        if ed.year not in indicator.editions:
            continue
        top = draw_kpi_table(ed, page, measure, index, ind_index, indicator, top)
    page.text(RIGHT_X, top, "主な成果・活動指標に関する補足事項", 10, layer=1)
    top, boxes = draw_items(page, RIGHT_X, top + 16, as_items(measure.supplement), layer=1)
    pdca_truth(ed, measure, "do", as_items(measure.supplement), page, boxes)
    page.text(RIGHT_X, top + 4, "新型コロナウイルス感染症に関する対応", 10, layer=1)
    top, boxes = draw_items(page, RIGHT_X, top + 20, as_items(measure.covid_do), layer=1, bullet="・")
    pdca_truth(ed, measure, "covid_do", as_items(measure.covid_do), page, boxes)
    if measure.shares_review_with_next:
        draw_next_plan(ed, measure, page, RIGHT_X, top + 6)
    draw_page_furniture(page, footer)
    if measure.shares_review_with_next:
        return start, page.number

    # page B: Check and Action (shared by the whole group when sub-measures share one)
    page = ed.new_page()
    page.text(LEFT_X, 22, title, 14, layer=0)
    covers = [normalised_name(m.name_in(ed.year)) for m in group] if len(group) > 1 else None
    next_year = ERA_LONG[ed.year + 1]
    top, boxes = draw_items(page, LEFT_X, 68.0, measure.check, layer=1)
    pdca_truth(ed, measure, "check", measure.check, page, boxes, covers)
    page.text(LEFT_X, top + 4, "新型コロナウイルス感染症への対応に関する意⾒", 10, layer=3)
    late = measure.key in QUIRKS["covid_opinion_drawn_late"]
    top, boxes = draw_items(page, LEFT_X, top + 20, measure.covid_check, layer=5 if late else 1, bullet="・")
    pdca_truth(ed, measure, "covid_check", measure.covid_check, page, boxes, covers)
    page.text(LEFT_X, 50, CHECK_HEADING.get(ed.year, "主な検証意⾒ Check"), 11, layer=3)

    top = 50.0
    page.text(RIGHT_X, top, f"{next_year}年度以降の対応 Action", 11, layer=2)
    top, boxes = draw_items(page, RIGHT_X, top + 18, measure.action, layer=2)
    pdca_truth(ed, measure, "action", measure.action, page, boxes, covers)
    draw_next_plan(ed, measure, page, RIGHT_X, top + 6)
    draw_page_furniture(page, footer)
    return start, page.number


ARTICLE_TABLE_COLUMNS = (LEFT_X, LEFT_X + 50, LEFT_X + 190, LEFT_X + 250, LEFT_X + 782)
"""x of the article opinion table's rules: 条文 | 施策 | kind | opinion text | right edge."""
KIND_LABELS = {"overall": ("施策全体", "への意見"), "covid": ("コロナ", "対応への", "意見")}
ARTICLES_PER_PAGE = 4


def draw_article_opinions(ed: Edition) -> None:
    """Section 4's table of the council's opinions per article (one or more pages).

    Columns 条文 / 条例に基づく中小企業活性化施策 / (kind) / 主な検証意見; every article has a
    row for its measures as a whole (施策全体への意見) and one for COVID-19 (コロナ対応への意見).
    Cells are top-aligned; an article's rows never break across pages and the header row
    is repeated on every page.
    """
    cols = ARTICLE_TABLE_COLUMNS
    opinions = content.ARTICLE_OPINIONS
    for first in range(0, len(opinions), ARTICLES_PER_PAGE):
        page = ed.new_page()
        top = 40.0
        if first == 0:
            top = (
                page.paragraph(
                    LEFT_X,
                    top,
                    "各条文で規定する中小企業活性化施策毎の実施状況に対する産業振興協議会からの意見等は、以下のとおりです。",
                    780,
                    10,
                )
                + 8
            )
        header_top = top
        page.text(cols[0] + 4, top + 4, "条文", 9)
        page.text(cols[1] + 4, top + 4, "条例に基づく", 9)
        page.text(cols[1] + 4, top + 15, "中小企業活性化施策", 9)
        page.text(cols[2] + 60, top + 8, "中小企業活性化施策の実施状況に対する主な検証意見", 9)
        top += 28
        body_top = top
        page.line(cols[0], header_top, cols[-1], header_top)
        page.line(cols[0], body_top, cols[-1], body_top)
        for opinion in opinions[first : first + ARTICLES_PER_PAGE]:
            page.text(cols[0] + 4, top + 4, f"{opinion.article} 条", 9)
            page.paragraph(cols[1] + 4, top + 4, ARTICLES[opinion.article], cols[2] - cols[1] - 8, 9)
            for kind, paragraphs in (("overall", opinion.overall), ("covid", opinion.covid)):
                row_top = top
                for k, word in enumerate(KIND_LABELS[kind]):
                    page.text(cols[2] + 4, row_top + 4 + k * 11, word, 9)
                text_top = row_top + 4
                boxes = []
                for paragraph in paragraphs:
                    text_top, bbox = page.block(cols[3] + 6, text_top, paragraph, cols[4] - cols[3] - 12, 9)
                    boxes.append(bbox)
                    text_top += 4
                top = max(text_top, row_top + 4 + 11 * len(KIND_LABELS[kind])) + 4
                # the rule under the overall row spans kind and text; under the COVID row, the whole table
                page.line(cols[2] if kind == "overall" else cols[0], top, cols[-1], top)
                ed.truth["article_opinions"].append(
                    {
                        "article": opinion.article,
                        "policy_raw": ARTICLES[opinion.article],
                        "kind": kind,
                        "kind_raw": "".join(KIND_LABELS[kind]),
                        "text_raw": "\n".join(paragraphs),
                        "page": page.number,
                        "bbox": [
                            round(min(b[0] for b in boxes), 2),
                            round(boxes[0][1], 2),
                            round(max(b[2] for b in boxes), 2),
                            round(boxes[-1][3], 2),
                        ],
                    }
                )
        for x in cols:
            page.line(x, body_top if x == cols[3] else header_top, x, top)
        draw_page_furniture(page)


ORDINANCE_TITLE = "川崎市中小企業活性化のための成長戦略に関する条例"
ORDINANCE = (
    "（目的）第１条 この条例は、中小企業の活性化に関し、基本理念を定め、市の責務等を明らかにすることにより、"
    "地域経済の発展に寄与することを目的とする。",
    "附 則 この条例は、平成28年４月１日から施⾏する。",
)


def draw_ordinance(ed: Edition) -> None:
    page = ed.new_page()
    page.text(LEFT_X, 40, ORDINANCE_TITLE, 14)
    top = page.paragraph(LEFT_X, 80, ORDINANCE[0], 760, 10)
    page.paragraph(LEFT_X, top + 10, ORDINANCE[1], 760, 10)
    draw_page_furniture(page)


def build_edition(year: int) -> Edition:
    ed = Edition(
        year,
        [],
        {
            "series": SERIES,
            "report_fiscal_year": year,
            "years_printed": [year - 1, year],
            "measures": [],
            "kpi_values": [],
            "pdca_items": [],
            "policy_list": [],
            "article_opinions": [],
            "stat_values": [],
            "committee_members": [],
            "budget_items": [],
            "budget_results": [],
            "other_measures": [],
            "tables": [],
        },
    )
    draw_cover(ed)
    draw_introduction(ed)
    tables_pages.draw_census_page(ed.new_page(), year, ed.truth)
    tables_pages.draw_figures_page(ed.new_page(), year, ed.truth)
    tables_pages.draw_roster_page(ed.new_page(), year, ed.truth)
    ed.truth["policy_list_page"] = ed.new_page().number  # filled once sheet pages are known
    other_list_page = ed.new_page()  # the list's その他の事業 part, filled at the end
    draw_article_opinions(ed)
    measures = content.measures_in(year)
    sheet_pages: dict[str, tuple[int, int]] = {}
    group: list[Measure] = []
    for index, measure in enumerate(measures):
        group.append(measure)
        span = draw_sheet(ed, measure, index, group if not measure.shares_review_with_next else [])
        sheet_pages[measure.key] = span
        ed.truth["measures"].append(
            {
                "name": normalised_name(measure.name_in(year)),
                "name_raw": measure.name_in(year),
                "parent": measure.parent,
                "position": measure.position,
                "article": measure.article,
                "article_title": ARTICLES[measure.article],
                "page_start": span[0],
                "page_end": span[1],
            }
        )
        if not measure.shares_review_with_next:
            group = []
    tables_pages.draw_budget_pages(ed.new_page(), ed.new_page(), year, ed.truth)
    other_pages = [ed.new_page() for _ in tables_pages.other_measure_pages(year)]
    printed = tables_pages.draw_other_measures(other_pages, year, ed.truth)
    draw_policy_list(ed, sheet_pages)
    tables_pages.draw_other_policy_list(other_list_page, year, printed, ed.truth)
    draw_ordinance(ed)
    ed.truth["page_count"] = len(ed.pages)
    ed.truth["differences"] = [d for d in content.PLANTED_DIFFERENCES if d["later_edition"] in (year, year + 1)]
    return ed


def edition_filename(year: int) -> str:
    return f"kawasaki-sme-fy{year}"


def write_edition(year: int, out_dir: Path) -> tuple[Path, Path]:
    ed = build_edition(year)
    pdf = out_dir / f"{edition_filename(year)}.pdf"
    truth = out_dir / f"{edition_filename(year)}.truth.json"
    write_pdf(pdf, ed.pages, ed.truth["title"])
    truth.write_text(json.dumps(ed.truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pdf, truth


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    out_dir = Path(args[0] if args else "samples/editions")
    files = {}
    for year in EDITIONS:
        pdf, truth = write_edition(year, out_dir)
        files[pdf.name] = hashlib.sha256(pdf.read_bytes()).hexdigest()
        print(f"wrote {pdf} and {truth.name}")
    # byte-identical output is only promised for the reportlab version that wrote it
    manifest = {"reportlab": reportlab.Version, "files": files}
    (out_dir / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    if out_dir.resolve() == EDITIONS_DIR.resolve():
        sync_catalogue(files)
    return 0


EDITIONS_DIR = Path(__file__).with_name("editions")
CATALOGUE = Path(__file__).resolve().parents[1] / "sources" / "catalogue.yaml"


def sync_catalogue(files: dict[str, str], catalogue: Path = CATALOGUE) -> None:
    """Give the source catalogue's entries for the sample editions their new sha256."""
    if not catalogue.is_file():
        return
    text = catalogue.read_text(encoding="utf-8")
    for name, digest in files.items():
        text = re.sub(
            rf"(path: \.\./samples/editions/{re.escape(name)}\n\s*sha256: )'[0-9a-f]{{64}}'", rf"\g<1>'{digest}'", text
        )
    catalogue.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
