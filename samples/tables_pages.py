"""Draw the sample editions' other tables and write their ground truth.

Pages drawn here (modelled on the real FY2020 edition):

- section 2 (市内産業の現状): two census tables side by side, 業種大分類 × two survey years
  (`H26(2014)`) of counts and 構成比, with a 全産業 total row; and a page of prose carrying
  業況DI (`△21.2`), the bankruptcy count and job-opening ratios;
- section 3 (検証体制): the two committee rosters (役職名 / 氏名), grouped 学識者 /
  関係団体役職員 in a merged first column printed vertically;
- the policy list's その他の事業 part, on the page after section 4's list, with merged
  条文 / 施策 cells and a 頁 cell shared by two measures;
- the emergency-measure budget table (№ / 事業名 / 概要 / 予算規模（千円） / 実績等) over two
  pages with the header repeated, multi-line cells, a № cell spanning two phase rows
  (第１弾/第２弾), phases inside one row's cells (（１回目）/（２回目）) and shared budgets
  (`（№９の一部の予算を含む）`);
- その他の事業: per measure a two-column block 令和N+1年度の概要 / 令和N年度の実績 printed
  WITHOUT ruling lines, under article headings that are not repeated on a new page.

Every ruled grid and every two-column block is also written to the truth as cells
(`tables`), so the extracted `table_cells` can be scored per table kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from nenpo.samples import tables_content as tc
from nenpo.samples.content import ARTICLES
from nenpo.samples.layout import COLUMN_WIDTH, LEFT_X, PAGE_HEIGHT, RIGHT_X, Page, text_width, wrap

FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
ERA_LONG = {2019: "令和元", 2020: "令和２", 2021: "令和３", 2022: "令和４"}
BOTTOM = PAGE_HEIGHT - 60  # lowest point a table may reach
MARKERS = "・･○◎●◆■□※＊*【(（" + "".join(chr(c) for c in range(0x2460, 0x2474))
"""A printed line starting with one of these opens a paragraph."""


def era_abbrev(year: int) -> str:
    """2014 -> 'H26(2014)', 2021 -> 'R3(2021)': the census header form."""
    return f"H{year - 1988}({year})" if year < 2019 else f"R{year - 2018}({year})"


def unwrapped(paragraph: str) -> str:
    """A paragraph with its forced breaks removed, as the truth records it: a break
    before a digit reads as a space (`・交付額` / `11,073 千円`), any other as nothing."""
    out = ""
    for k, part in enumerate(paragraph.split("\n")):
        out += ("" if k == 0 else (" " if part[:1].isdigit() else "")) + part
    return out


def paragraph_lines(paragraphs, width: float, size: float) -> list[str]:
    """Printed lines of paragraphs wrapped to `width`; forced breaks ('\\n') kept.

    Checks the property the truth relies on: no wrapped continuation line starts with a
    paragraph marker or a digit (so the paragraphs can be told apart again)."""
    lines: list[str] = []
    for paragraph in paragraphs:
        for forced in paragraph.split("\n"):
            wrapped = wrap(forced, width, size)
            for k, line in enumerate(wrapped):
                if k and (line[:1] in MARKERS or line[:1].isdigit()):
                    raise ValueError(f"wrapped line starts a paragraph or a number: {line!r} in {paragraph!r}")
            lines += wrapped
    return lines


# --- ruled grids ------------------------------------------------------------------------------


@dataclass
class Cell:
    row: int
    col: int
    lines: list[str]
    row_span: int = 1
    col_span: int = 1
    align: str = "left"  # left | right | center | vertical


@dataclass
class Grid:
    """A ruled table: column edges `xs`, row edges `ys`, cells with spans."""

    xs: list[float]
    ys: list[float]
    cells: list[Cell] = field(default_factory=list)
    size: float = 8.0

    @property
    def leading(self) -> float:
        return self.size * 1.3


def row_height(lines: int, size: float) -> float:
    return max(1, lines) * size * 1.3 + 6


def draw_grid(page: Page, grid: Grid, kind: str, ed_truth: dict) -> None:
    """Draw the grid's cell borders (none inside merged cells) and texts; record the cells."""
    segments: set[tuple[float, float, float, float]] = set()
    for c in grid.cells:
        x0, x1 = grid.xs[c.col], grid.xs[c.col + c.col_span]
        y0, y1 = grid.ys[c.row], grid.ys[c.row + c.row_span]
        segments |= {(x0, y0, x1, y0), (x0, y1, x1, y1), (x0, y0, x0, y1), (x1, y0, x1, y1)}
        lead = grid.leading
        if c.align == "vertical":
            top = (y0 + y1) / 2 - len(c.lines[0]) * grid.size / 2 if c.lines else y0
            for k, ch in enumerate("".join(c.lines)):
                page.text((x0 + x1) / 2 - grid.size / 2, top + k * grid.size, ch, grid.size)
            continue
        block = len(c.lines) * lead
        top = y0 + 3 if c.align == "left" or block + 6 > y1 - y0 else (y0 + y1 - block) / 2 + (lead - grid.size) / 2
        for k, line in enumerate(c.lines):
            width = text_width(line, grid.size)
            x = {"left": x0 + 3, "right": x1 - 3 - width, "center": (x0 + x1 - width) / 2}[c.align]
            page.text(x, top + k * lead, line, grid.size)
    for x0, y0, x1, y1 in _runs(segments):
        page.line(x0, y0, x1, y1)
    ed_truth["tables"].append(
        {
            "kind": kind,
            "page": page.number,
            "bbox": [grid.xs[0], grid.ys[0], grid.xs[-1], grid.ys[-1]],
            "cells": [
                [
                    c.row,
                    c.col,
                    c.row_span,
                    c.col_span,
                    "\n".join(c.lines) if c.align != "vertical" else "\n".join("".join(c.lines)),
                ]
                for c in sorted(grid.cells, key=lambda c: (c.row, c.col))
            ],
        }
    )


def _runs(segments: set[tuple[float, float, float, float]]) -> list[tuple[float, float, float, float]]:
    """Cell edges joined into the longest runs they form on each rule (as the sheets' KPI
    tables are drawn: one line per rule, broken only where a merged cell has no edge)."""
    runs: list[tuple[float, float, float, float]] = []
    for horizontal in (True, False):
        lines: dict[float, list[tuple[float, float]]] = {}
        for x0, y0, x1, y1 in segments:
            if (y0 == y1) == horizontal:
                key, a, b = (y0, x0, x1) if horizontal else (x0, y0, y1)
                lines.setdefault(key, []).append((min(a, b), max(a, b)))
        for key, spans in sorted(lines.items()):
            spans.sort()
            start, end = spans[0]
            for a, b in spans[1:] + [(float("inf"), float("inf"))]:
                if a <= end:
                    end = max(end, b)
                    continue
                runs.append((start, key, end, key) if horizontal else (key, start, key, end))
                start, end = a, b
    return runs


def furniture(page: Page) -> None:
    page.text(410, PAGE_HEIGHT - 22, f"- {page.number} -", 8, layer=4)


# --- section 2: census tables and figures in prose ----------------------------------------------


def draw_census_page(page: Page, edition: int, truth: dict) -> None:
    page.text(LEFT_X, 30, "２ 市内産業の現状", 14)
    page.text(LEFT_X, 54, "（１）産業構造", 11)
    years = tc.CENSUS_YEARS[edition]
    for k, table in enumerate(tc.CENSUS_TABLES):
        x = LEFT_X + k * 400
        page.text(x, 76, table.caption, 9)
        xs = [x, x + 152] + [x + 152 + 57 * i for i in range(1, 5)]
        ys = [92.0, 106.0, 120.0] + [120.0 + 14 * i for i in range(1, len(tc.CENSUS_CATEGORIES) + 2)]
        grid = Grid(xs, ys)
        grid.cells += [
            Cell(0, 0, ["業種大分類"], row_span=2, align="center"),
            Cell(0, 1, [table.measure], col_span=2, align="center"),
            Cell(0, 3, ["構成比"], col_span=2, align="center"),
        ]
        grid.cells += [Cell(1, 1 + i, [era_abbrev(years[i % 2])], align="center") for i in range(4)]
        rows = list(enumerate(tc.CENSUS_CATEGORIES)) + [(None, tc.CENSUS_TOTAL)]
        for r, (index, category) in enumerate(rows, start=2):
            grid.cells.append(Cell(r, 0, [category]))
            for i, year in enumerate(years):
                count = table.total(year) if index is None else table.counts[year][index]
                printed_count = (
                    tc.CENSUS_MISPRINTS.get((edition, table.measure, year), count) if index is None else count
                )
                share = table.share(year, index)
                grid.cells.append(Cell(r, 1 + i, [f"{printed_count:,}"], align="right"))
                grid.cells.append(Cell(r, 3 + i, [f"{share:.1f}%"], align="right"))
                for measure, value, unit, text in (
                    (table.measure, float(printed_count), table.unit, f"{printed_count:,}"),
                    ("構成比", share, "%", f"{share:.1f}%"),
                ):
                    truth["stat_values"].append(
                        {
                            "table": table.measure,
                            "title": table.caption,
                            "category": category,
                            "survey_year": year,
                            "measure": measure,
                            "value": value,
                            "unit": unit,
                            "value_text": text,
                            "period": None,
                            "page": page.number,
                        }
                    )
        draw_grid(page, grid, "census", truth)
        page.text(x, ys[-1] + 6, "出所：総務省「経済センサス」", 8)
    furniture(page)


def _signed(value: str) -> tuple[str, str]:
    """'-0.24' -> ('0.24', '減'); '6' -> ('6', '増')."""
    return (value.lstrip("-"), "減" if value.startswith("-") else "増")


def _triangle(value: str) -> str:
    return "△" + value[1:] if value.startswith("-") else value


def figures_paragraphs(edition: int) -> list[tuple[str, str]]:
    """Section 2's prose as (heading, paragraph): business conditions DI, bankruptcies, job-opening ratios."""
    f = tc.SECTION_TWO[edition]
    era_di = ERA_LONG[f.di_year]
    change, direction = _signed(f.di_change.replace("．", "."))
    di_text = (
        f"川崎信用金庫が実施している「中小企業動向調査（{f.di_year} 年 4-6 月期）」によると、"
        f"{era_di}（{f.di_year}）年４～６月期の川崎市内中小企業の景況感を総合的に示す業況ＤＩ"
        f"（diffusion index（業況判断指数））は、前期業況ＤＩ{_triangle(f.di_previous)} と比較し "
        f"{f.di_change} ポイント{direction}の{_triangle(f.di)} となりました。"
    )
    b_change, b_dir = _signed(str(f.bankruptcy_change))
    era_b = ERA_LONG[f.bankruptcy_fy]
    bankruptcy_text = (
        "川崎市内における負債総額 1,000 万円以上の企業の倒産件数をみると、平成 23（2011）年度以降は減少傾向が続き、"
        f"{era_b}（{f.bankruptcy_fy}）年度は前年度比 {b_change}件{b_dir}の {f.bankruptcies} 件となりました。"
    )
    j_change, j_dir = _signed(f.jobs_change)
    era_j = ERA_LONG[f.jobs_fy]
    jobs_text = (
        f"川崎全市の有効求人倍率は、{era_j}（{f.jobs_fy}）年度は前年度比 {j_change} {j_dir}の {f.jobs_ratio} となっています。"
        f"エリア別にみると、{era_j}（{f.jobs_fy}）年度の川崎（南部）の有効求人倍率は {f.jobs_south} で"
        f"神奈川県の水準（{f.jobs_prefecture}）を超えていますが、川崎北（北部）は {f.jobs_north} であり、"
        "市内でも地域によって雇用環境に差がみられる状況です。"
    )
    return [
        ("（２）市内中小企業の景況感", di_text),
        ("（３）倒産件数の動向", bankruptcy_text),
        ("（４）川崎市の求人・求職状況", jobs_text),
    ]


def figures_stats(edition: int) -> list[tuple[int, dict]]:
    """The statistics the prose carries, as (paragraph index, stat_values record without its page)."""
    f = tc.SECTION_TWO[edition]
    out: list[tuple[int, dict]] = []

    def stat(paragraph, table, category, year, measure, value, unit, text, period=None):
        out.append(
            (
                paragraph,
                {
                    "table": table,
                    "title": None,
                    "category": category,
                    "survey_year": year,
                    "measure": measure,
                    "value": value,
                    "unit": unit,
                    "value_text": text,
                    "period": period,
                },
            )
        )

    period = f"{f.di_year}年4-6月期"
    stat(0, "市内中小企業の景況感", "市内中小企業", f.di_year, "業況DI", float(f.di), "DI", _triangle(f.di), period)
    stat(
        0,
        "市内中小企業の景況感",
        "市内中小企業",
        f.di_year,
        "前期業況DI",
        float(f.di_previous),
        "DI",
        _triangle(f.di_previous),
        "前期",
    )
    stat(1, "倒産件数の動向", "川崎市", f.bankruptcy_fy, "倒産件数", float(f.bankruptcies), "件", str(f.bankruptcies))
    for category, value in (
        ("川崎全市", f.jobs_ratio),
        ("川崎(南部)", f.jobs_south),
        ("神奈川県", f.jobs_prefecture),
        ("川崎北(北部)", f.jobs_north),
    ):
        stat(2, "川崎市の求人・求職状況", category, f.jobs_fy, "有効求人倍率", float(value), "倍", value)
    return out


def draw_figures_page(page: Page, edition: int, truth: dict) -> None:
    """Section 2's prose: business conditions DI, bankruptcies, job-opening ratios."""
    top = 40.0
    for heading, text in figures_paragraphs(edition):
        page.text(LEFT_X, top, heading, 11)
        top = page.paragraph(LEFT_X + 10, top + 20, text, 740, 10) + 24
    furniture(page)
    for _, record in figures_stats(edition):
        truth["stat_values"].append({**record, "page": page.number})


# --- section 3: committee rosters --------------------------------------------------------------


def draw_roster_page(page: Page, edition: int, truth: dict) -> None:
    page.text(LEFT_X, 30, "３ 中小企業活性化施策の検証体制等", 14)
    page.paragraph(
        LEFT_X,
        56,
        "条例第 22 条の規定において、市が実施する中小企業活性化施策の実効性を確保するため、"
        "施策の実施状況について、「川崎市産業振興協議会」の意見を聴いて検証することとしています。",
        780,
        10,
    )
    for k, committee in enumerate(tc.COMMITTEES):
        x = LEFT_X + k * 400
        page.text(x, 100, f"図表 「{committee.name}」委員名簿（{committee.as_of[edition]}現在）", 9)
        members = committee.members_in(edition)
        xs = [x, x + 30, x + 52, x + 284, x + 384]
        ys = [116.0] + [116.0 + 16 * (i + 1) for i in range(len(members) + 1)]
        grid = Grid(xs, ys, size=8.5)
        grid.cells += [Cell(0, 0, ["役 職 名"], col_span=3, align="center"), Cell(0, 3, ["氏 名"], align="center")]
        row = 1
        for grp, _members in committee.groups:
            in_group = [m for m in members if m[0] == grp]
            if not in_group:
                continue
            if len(in_group) == 1:
                grid.cells.append(Cell(row, 0, [grp], align="center"))
            else:
                grid.cells.append(Cell(row, 0, [grp], row_span=len(in_group), align="vertical"))
            for _, role, name in in_group:
                seq = row
                grid.cells += [Cell(row, 1, [str(seq)], align="center"), Cell(row, 2, [role]), Cell(row, 3, [name])]
                truth["committee_members"].append(
                    {
                        "committee": committee.name,
                        "seq": seq,
                        "role": role,
                        "name": name,
                        "grp": grp,
                        "as_of": committee.as_of[edition],
                        "page": page.number,
                    }
                )
                row += 1
        draw_grid(page, grid, "roster", truth)
    furniture(page)


# --- policy list: その他の事業 part ---------------------------------------------------------


def draw_other_policy_list(page: Page, edition: int, other_pages: dict[str, int], truth: dict) -> None:
    """The policy list continued: その他の事業 (条文 / 施策 / 事務事業名 / 頁)."""
    page.text(LEFT_X, 40, "図表 中小企業活性化施策一覧（つづき）", 11)
    page.text(LEFT_X, 60, "その他の事業", 10)
    xs = [LEFT_X, LEFT_X + 60, LEFT_X + 300, LEFT_X + 620, LEFT_X + 700]
    measures = tc.OTHER_MEASURES
    ys = [78.0] + [78.0 + 17 * (i + 1) for i in range(len(measures) + 1)]
    grid = Grid(xs, ys, size=8.5)
    grid.cells += [
        Cell(0, c, [h], align="center") for c, h in enumerate(("条文", "中小企業活性化施策", "事務事業名", "頁"))
    ]
    row = 1
    seq = sum(1 for e in truth["policy_list"])
    while row <= len(measures):
        article = measures[row - 1].article
        span = sum(1 for m in measures if m.article == article)
        grid.cells.append(Cell(row, 0, [f"{article}条".translate(FULLWIDTH)], row_span=span, align="center"))
        grid.cells.append(Cell(row, 1, [ARTICLES[article]], row_span=span))
        row += span
    row = 1
    while row <= len(measures):
        page_no = other_pages[measures[row - 1].name]
        span = 1
        while row + span <= len(measures) and other_pages[measures[row + span - 1].name] == page_no and span < 2:
            span += 1
        grid.cells.append(Cell(row, 3, [str(page_no)], row_span=span, align="center"))
        row += span
    for row, m in enumerate(measures, start=1):
        grid.cells.append(Cell(row, 2, [m.name]))
        seq += 1
        truth["policy_list"].append(
            {
                "part": "その他の事業",
                "article": m.article,
                "policy": ARTICLES[m.article],
                "name_raw": m.name,
                "parent": None,
                "name": m.name,
                "page_start": other_pages[m.name],
                "page_end": other_pages[m.name],
                "page": page.number,
                "seq": seq,
            }
        )
    draw_grid(page, grid, "policy_list", truth)
    furniture(page)


# --- emergency-measure budget table -----------------------------------------------------------

BUDGET_XS = [40.0, 66.0, 168.0, 498.0, 590.0, 790.0]
BUDGET_HEADER = ("№", "事業名", "概要", "予算規模（千円）", "実績等")
CELL_SIZE = 8.0


def _budget_lines(col: int, paragraphs) -> list[str]:
    width = BUDGET_XS[col + 1] - BUDGET_XS[col] - 6
    if col == 1:  # a name: wrapped anywhere, read back without breaks
        return wrap(paragraphs[0], width, CELL_SIZE)
    return paragraph_lines(paragraphs, width, CELL_SIZE)


def _budget_rows(item: tc.BudgetItem, lines_for=_budget_lines) -> list[list[Cell]]:
    """The printed rows of one numbered item: one per 第N弾 phase, else one (cells relative to row 0).

    `lines_for(col, paragraphs)` wraps a cell's paragraphs to its column."""
    rows: list[list[Cell]] = []
    if item.phases_as_rows:
        for k, phase in enumerate(item.phases):
            cells = [
                Cell(k, 1, lines_for(1, [phase.name])),
                Cell(k, 2, lines_for(2, phase.summary)),
                Cell(
                    k,
                    3,
                    [f"{phase.budget:,}"] + ([] if phase.note is None else lines_for(3, [phase.note])),
                    align="right",
                ),
                Cell(k, 4, lines_for(4, phase.results)),
            ]
            rows.append(cells)
        rows[0].insert(0, Cell(0, 0, [str(item.no)], row_span=len(item.phases), align="center"))
        return rows
    if item.phases:
        budget = [line for p in item.phases for line in (f"（{p.label}）", f"{p.budget:,}")]
        results = [line for p in item.phases for line in [f"（{p.label}）"] + lines_for(4, p.results)]
    else:
        budget = ([] if item.budget is None else [f"{item.budget:,}"]) + (
            [] if item.note is None else lines_for(3, [item.note])
        )
        results = lines_for(4, item.results)
    return [
        [
            Cell(0, 0, [str(item.no)], align="center"),
            Cell(0, 1, lines_for(1, [item.name])),
            Cell(0, 2, lines_for(2, item.summary)),
            Cell(0, 3, budget, align="right"),
            Cell(0, 4, results),
        ]
    ]


def _budget_truth(item: tc.BudgetItem, page_of_row: list[int], truth: dict) -> None:
    def add(phase, name, summary, budget, note, results, metrics, page):
        truth["budget_items"].append(
            {
                "no": item.no,
                "name_raw": name,
                "phase": phase,
                "summary_raw": "\n".join(unwrapped(p) for p in summary),
                "budget_thousand_yen": budget,
                "budget_note_raw": note,
                "results_text_raw": "\n".join(unwrapped(p) for p in results),
                "page": page,
            }
        )
        truth["budget_results"] += [
            {"no": item.no, "phase": phase, "metric": m.metric, "value": m.value, "unit": m.unit} for m in metrics
        ]

    if item.phases_as_rows:
        for k, p in enumerate(item.phases):
            add(p.label, p.name, p.summary, p.budget, p.note, p.results, p.metrics, page_of_row[k])
    elif item.phases:
        for p in item.phases:
            add(p.label, item.name, item.summary, p.budget, None, p.results, p.metrics, page_of_row[0])
    else:
        add(None, item.name, item.summary, item.budget, item.note, item.results, item.metrics, page_of_row[0])


def draw_budget_pages(first: Page, second: Page, edition: int, truth: dict) -> None:
    """The table over two pages: the header is repeated at the top of the second page."""
    first.text(LEFT_X, 24, "新型コロナウイルス感染症に関する本市の緊急経済対策", 13)
    page, top = first, 46.0
    grid: Grid | None = None

    def open_grid(top: float) -> Grid:
        g = Grid(list(BUDGET_XS), [top, top + 16], size=CELL_SIZE)
        g.cells += [Cell(0, c, [h], align="center") for c, h in enumerate(BUDGET_HEADER)]
        return g

    def close_grid() -> None:
        if grid is not None and len(grid.ys) > 2:
            draw_grid(page, grid, "budget", truth)

    for section in tc.BUDGET_TABLES[edition]:
        page.text(BUDGET_XS[0], top, section.title, 10)
        grid = open_grid(top + 16)
        for item in section.items:
            if item.no == section.page_break_before:
                close_grid()
                _footnotes(page, edition)
                page, top = second, 30.0
                grid = open_grid(top)
            rows = _budget_rows(item)
            first_row = len(grid.ys) - 1
            pages = []
            for k, cells in enumerate(rows):
                height = row_height(max(len(c.lines) for c in cells if True), CELL_SIZE)
                grid.ys.append(grid.ys[-1] + height)
                for c in cells:
                    c.row = first_row + k
                    grid.cells.append(c)
                pages.append(page.number)
            if grid.ys[-1] > BOTTOM:
                raise ValueError(f"budget table overflows page {page.number} at № {item.no}")
            _budget_truth(item, pages, truth)
        close_grid()
        top = grid.ys[-1] + 16
        grid = None
    _footnotes(page, edition)
    furniture(first)
    furniture(second)


def _footnotes(page: Page, edition: int) -> None:
    for k, note in enumerate(tc.BUDGET_FOOTNOTES[edition]):
        page.text(BUDGET_XS[0], BOTTOM + 8 + k * 11, note, 8)


# --- その他の事業 -----------------------------------------------------------------------------

OTHER_SIZE = 9.0
OTHER_WIDTH = COLUMN_WIDTH - 20


def other_measure_pages(edition: int) -> list[list[tc.OtherMeasure]]:
    """The measures of each その他の事業 page, in order."""
    pages: list[list[tc.OtherMeasure]] = [[]]
    for m in tc.OTHER_MEASURES:
        if m.new_page and pages[-1]:
            pages.append([])
        pages[-1].append(m)
    return pages


def _other_texts(m: tc.OtherMeasure, edition: int) -> tuple[list[str], list[str]]:
    numbers = m.numbers.get(edition, ())
    results = [p.format(*numbers) for p in m.results]
    return list(m.plan), results


def draw_other_measures(pages: list[Page], edition: int, truth: dict) -> dict[str, int]:
    """その他の事業 pages; returns measure name -> page it is printed on."""
    printed: dict[str, int] = {}
    next_year, this_year = ERA_LONG[edition + 1], ERA_LONG[edition]
    current_article = None
    for page, measures in zip(pages, other_measure_pages(edition)):
        top = 30.0
        if page is pages[0]:
            page.text(LEFT_X, top, "その他の事業", 13)
            top += 26
        for m in measures:
            if m.article != current_article:
                page.text(LEFT_X, top, f"{m.article}条".translate(FULLWIDTH) + f" {ARTICLES[m.article]}", 10.5)
                top += 20
                current_article = m.article
            page.text(LEFT_X + 4, top, m.name, 10)
            top += 16
            header_top = top
            page.text(LEFT_X + 10, top, f"{next_year}年度の概要", OTHER_SIZE)
            page.text(RIGHT_X + 10, top, f"{this_year}年度の実績", OTHER_SIZE)
            top += 14
            plan, results = _other_texts(m, edition)
            left = paragraph_lines(plan, OTHER_WIDTH, OTHER_SIZE)
            right = paragraph_lines(results, OTHER_WIDTH, OTHER_SIZE)
            for k, line in enumerate(left):
                page.text(LEFT_X + 10, top + k * OTHER_SIZE * 1.35, line, OTHER_SIZE)
            for k, line in enumerate(right):
                page.text(RIGHT_X + 10, top + k * OTHER_SIZE * 1.35, line, OTHER_SIZE)
            top += max(len(left), len(right)) * OTHER_SIZE * 1.35 + 14
            if top > BOTTOM:
                raise ValueError(f"その他の事業 overflows page {page.number} at {m.name}")
            printed[m.name] = page.number
            truth["other_measures"].append(
                {
                    "article": m.article,
                    "name_raw": m.name,
                    "next_year_plan_raw": "\n".join(unwrapped(p) for p in plan),
                    "results_raw": "\n".join(unwrapped(p) for p in results),
                    "page": page.number,
                }
            )
            truth["tables"].append(
                {
                    "kind": "other_measure",
                    "page": page.number,
                    "bbox": [LEFT_X + 10, header_top, RIGHT_X + 10 + OTHER_WIDTH, top - 14],
                    "cells": [
                        [0, 0, 1, 1, f"{next_year}年度の概要"],
                        [0, 1, 1, 1, f"{this_year}年度の実績"],
                        [1, 0, 1, 1, "\n".join(left)],
                        [1, 1, 1, 1, "\n".join(right)],
                    ],
                }
            )
        furniture(page)
    return printed
