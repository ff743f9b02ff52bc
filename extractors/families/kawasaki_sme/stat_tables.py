"""Section 2's statistics: census tables (業種大分類 × survey years) and figures in prose.

A census table is printed as::

    業種大分類 | 事業所数            | 構成比
               | H26(2014) H28(2016) | H26(2014) H28(2016)
    農業，林業，漁業 | 74 | 64 | 0.2% | 0.2%
    …
    全産業     | 42,616 | 40,934 | 100.0% | 100.0%

It reaches nenpo as a ruled grid on a PDF page (`read_census_grid`) or as lines of a
text layer (`parse_census_text`, one row per line); both become the same long-form
`StatValue`s through `census_values`. Survey years come from the header cells
(`H26(2014)` → 2014); the unit of a column from `MEASURE_UNITS`.

Section 2 also prints figures in prose: the business-conditions DI (`業況ＤＩ … △21.2`),
the bankruptcy count and job-opening ratios. `FIGURE_RULES` is the table of patterns
that read them from a page's text, each rule naming the values it yields.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from nenpo.extractors.families.kawasaki_sme.models import StatValue
from nenpo.extractors.grids import Grid
from nenpo.extractors.lines import BBox
from nenpo.extractors.normalise import normalise_text, parse_number, parse_year
from nenpo.extractors.text_stream import normalised

CENSUS_HEADER = regex.compile(r"^業種大分類$")
"""The first header cell of a census table: ``業種大分類``."""

YEAR_CELL = regex.compile(r"^(?:[RHS]|令和|平成)\s*(?:元|[0-9]{1,2})\s*\(\s*[0-9]{4}\s*\)(?:\s*年)?$")
"""A survey-year header cell: ``H26(2014)``, ``R3(2021)`` (normalised from ``Ｈ26（2014）``)."""

YEAR_HEADER_LINE = regex.compile(r"^\s*(?:(?:[RHS])\s*[0-9]{1,2}\s*\(\s*[0-9]{4}\s*\)\s*){2,}$")
"""A text-layer line made only of survey years: ``H26(2014) H28(2016) H26(2014) H28(2016)``."""

CAPTION = regex.compile(r"^図表\s*\S")
"""A table caption: ``図表 本市の事業所数（民営）の推移（実数、産業別構成比）``."""

MEASURE_UNITS: dict[str, str] = {"事業所数": "事業所", "従業者数": "人", "構成比": "%"}
"""Census header → unit of its values (the counts' units are not printed)."""

TOTAL_CATEGORY = "全産業"
SHARE_MEASURE = "構成比"


@dataclass(frozen=True)
class CensusColumn:
    measure: str
    year: int
    year_text: str


@dataclass
class CensusRow:
    category: str
    cells: list[str]  # normalised cell text per value column
    boxes: list[BBox | None]
    line: int | None = None  # text layer: 0-based line number
    page: int | None = None  # the row's page when it is not the table's (a table across pages)


@dataclass
class CensusTable:
    """A census table as read: caption, value columns and rows (text layer: line numbers)."""

    title: str | None
    columns: list[CensusColumn]
    rows: list[CensusRow]
    header_line: int | None = None  # text layer: the survey years' line
    measures_line: int | None = None  # … the measures' line above it
    stub_line: int | None = None  # … the line printing ``業種大分類`` (may be the measures' line)

    @property
    def table(self) -> str:
        """The table's name: its first measure that is not 構成比 (事業所数, 従業者数)."""
        return next((c.measure for c in self.columns if c.measure != SHARE_MEASURE), self.columns[0].measure)


def census_values(table: CensusTable, page: int, source: str = "table") -> list[StatValue]:
    """Long form: one StatValue per (category, column)."""
    out = []
    for row in table.rows:
        for column, text, box in zip(table.columns, row.cells, row.boxes):
            number = parse_number(text)
            out.append(
                StatValue(
                    table=table.table,
                    title=table.title,
                    category=row.category,
                    survey_year=column.year,
                    measure=column.measure,
                    value=number.value,
                    value_text=text,
                    unit=MEASURE_UNITS.get(column.measure, "%" if number.percent else None),
                    source=source,
                    page=row.page or page,
                    bbox=box,
                )
            )
    return out


def _compact(text: str) -> str:
    return "".join(text.split())


def read_census_grid(grid: Grid, title: str | None) -> CensusTable | None:
    """A census table from a ruled grid, or None when the grid is not one."""
    first = grid.at(0, 0)
    if first is None or not CENSUS_HEADER.match(_compact(first.text)):
        return None
    year_row = next(
        (r for r in range(grid.n_rows) if sum(bool(YEAR_CELL.match(t)) for t in grid.row_texts(r)) >= 2), None
    )
    if year_row is None:
        return None
    columns: list[CensusColumn] = []
    value_cols = []
    for c in range(1, grid.n_cols):
        year_text = grid.at(year_row, c).text if grid.at(year_row, c) else ""
        if not YEAR_CELL.match(year_text):
            continue
        above = grid.at(year_row - 1, c) if year_row > 0 else None
        measure = _compact(above.text) if above is not None and above is not grid.at(year_row, c) else ""
        if not measure and columns:  # a group header drawn over its first column only
            measure = columns[-1].measure
        columns.append(CensusColumn(measure, parse_year(year_text).year, year_text))
        value_cols.append(c)
    rows = []
    for r in range(year_row + 1, grid.n_rows):
        label = grid.at(r, 0)
        if label is None or label.row != r or not label.text:
            continue
        cells = [grid.at(r, c) for c in value_cols]
        rows.append(
            CensusRow(
                normalise_text(label.text.replace("\n", "")),
                [cell.text if cell else "" for cell in cells],
                [cell.bbox if cell else None for cell in cells],
                page=grid.row_pages[r] if grid.row_pages else None,
            )
        )
    return CensusTable(title, columns, rows)


_ROW_CELL = r"[△▲-]?[0-9][0-9,]*(?:\.[0-9]+)?%?"


def parse_census_text(lines: Sequence[str]) -> list[CensusTable]:
    """Census tables in a text layer: a survey-year line, the measure line above it (which
    may begin with the stub's header, ``業種大分類 事業所数 構成比``), the caption (``図表 …``)
    above that, and one row per line below (category, then cells)."""
    tables = []
    texts = normalised(lines)
    for i, text in enumerate(texts):
        if "(" not in text or not YEAR_HEADER_LINE.match(text):
            continue
        years = text.split()
        above = [j for j in range(i - 1, max(-1, i - 6), -1) if texts[j]]
        if not above:
            continue
        measures = texts[above[0]].split()
        if measures and CENSUS_HEADER.match(
            measures[0]
        ):  # the stub's header on the same line: ``業種大分類 事業所数 構成比``
            measures = measures[1:]
        if not measures or len(years) % len(measures):
            continue
        per = len(years) // len(measures)
        columns = [CensusColumn(measures[k // per], parse_year(y).year, y) for k, y in enumerate(years)]
        title = next((texts[j] for j in range(i - 1, max(-1, i - 12), -1) if CAPTION.match(texts[j])), None)
        row_re = regex.compile(rf"^(?P<category>\S.*?)\s+(?P<cells>(?:{_ROW_CELL}\s+){{{len(years) - 1}}}{_ROW_CELL})$")
        rows = []
        for j in range(i + 1, len(texts)):
            if not texts[j]:
                continue
            m = row_re.match(texts[j])
            if m is None:
                break
            rows.append(CensusRow(m.group("category"), m.group("cells").split(), [None] * len(years), j))
        stub = next((j for j in above[:2] if CENSUS_HEADER.match(texts[j].split()[0])), None)
        tables.append(CensusTable(title, columns, rows, header_line=i, measures_line=above[0], stub_line=stub))
    return tables


# --- figures printed in prose ------------------------------------------------------------------

_ERA_YEAR = r"(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*(?:\(\s*[0-9]{4}\s*\))?\s*年度"
_SIGNED = r"[△▲-]?\s*[0-9]+(?:\s*\.\s*[0-9]+)?"


@dataclass(frozen=True)
class Figure:
    """One value a rule yields: the match group holding it and what it is."""

    group: str
    table: str
    category: str
    measure: str
    unit: str
    period: str | None = None  # a fixed period label; None → the rule's `period` group, if any


@dataclass(frozen=True)
class FigureRule:
    name: str
    pattern: regex.Pattern
    figures: tuple[Figure, ...]


FIGURE_RULES: tuple[FigureRule, ...] = (
    FigureRule(
        "business_conditions_di",
        regex.compile(
            r"中小企業動向調査\((?P<period>(?P<year>[0-9]{4})\s*年\s*[0-9]{1,2}\s*[-~]\s*[0-9]{1,2}\s*月期)\)"
            rf".{{0,160}}?前期業況DI\s*(?P<previous>{_SIGNED})\s*と比較し.{{0,30}}?ポイント\s*[増減]の\s*(?P<value>{_SIGNED})"
        ),
        (
            Figure("value", "市内中小企業の景況感", "市内中小企業", "業況DI", "DI"),
            Figure("previous", "市内中小企業の景況感", "市内中小企業", "前期業況DI", "DI", period="前期"),
        ),
    ),
    FigureRule(
        "bankruptcies",
        regex.compile(
            rf"倒産件数.{{0,400}}?(?P<year>{_ERA_YEAR})は前年度比\s*[0-9]+\s*件\s*[増減]の\s*(?P<value>[0-9][0-9,]*)\s*件"
        ),
        (Figure("value", "倒産件数の動向", "川崎市", "倒産件数", "件"),),
    ),
    FigureRule(
        "job_openings_city",
        regex.compile(
            rf"川崎全市の有効求人倍率は.{{0,200}}?(?P<year>{_ERA_YEAR})は前年度比\s*[0-9.]+\s*[増減]の\s*(?P<value>[0-9]+\.[0-9]+)"
        ),
        (Figure("value", "川崎市の求人・求職状況", "川崎全市", "有効求人倍率", "倍"),),
    ),
    FigureRule(
        "job_openings_areas",
        regex.compile(
            rf"(?P<year>{_ERA_YEAR})の川崎\(南部\)の有効求人倍率は\s*(?P<south>[0-9]+\.[0-9]+)\s*で\s*"
            rf"神奈川県の水準\(\s*(?P<prefecture>[0-9]+\.[0-9]+)\s*\).{{0,80}}?川崎北\(北部\)は\s*(?P<north>[0-9]+\.[0-9]+)"
        ),
        (
            Figure("south", "川崎市の求人・求職状況", "川崎(南部)", "有効求人倍率", "倍"),
            Figure("prefecture", "川崎市の求人・求職状況", "神奈川県", "有効求人倍率", "倍"),
            Figure("north", "川崎市の求人・求職状況", "川崎北(北部)", "有効求人倍率", "倍"),
        ),
    ),
)
"""Figures in section 2's prose, matched on the page's normalised text joined without
line breaks. Real text they match (FY2020 edition):

- ``「中小企業動向調査（2021 年 4-6 月期）」によると、…業況ＤＩ（diffusion index（業況判断指数））は、
  前期業況ＤＩ△32.2 と比較し 11．0 ポイント増の△21.2 となり``
- ``…企業の倒産件数をみると、…令和２（2020）年度は前年度比 36件減の 43 件となりました。``
- ``川崎全市の有効求人倍率は、平成 30（2018）年度まで上昇傾向が続き 1.01 に達しましたが、…
  令和２（2020）年度は前年度比 0.24 減の 0.71 となっています。``
- ``令和２（2020）年度の川崎（南部）の有効求人倍率は 1.17 で神奈川県の水準（0.80）を超え 1.0 を
  上回っていますが、川崎北（北部）は 0.45 であり``
"""


@dataclass(frozen=True)
class FigureMatch:
    rule: str
    table: str
    category: str
    measure: str
    unit: str
    survey_year: int | None
    period: str | None
    value: float | None
    value_text: str
    start: int  # offset of the value in the joined text


def find_figures(text: str) -> list[FigureMatch]:
    """Every figure of `FIGURE_RULES` in one normalised text (a page's lines joined)."""
    out = []
    for rule in FIGURE_RULES:
        for m in rule.pattern.finditer(text):
            year = m.group("year")
            survey_year = int(year) if year.isdigit() else (parse_year(year).year if parse_year(year) else None)
            for figure in rule.figures:
                printed = m.group(figure.group)
                period = figure.period or (_compact(m.group("period")) if "period" in m.groupdict() else None)
                out.append(
                    FigureMatch(
                        rule.name,
                        figure.table,
                        figure.category,
                        figure.measure,
                        figure.unit,
                        survey_year,
                        period,
                        parse_number(printed).value,
                        _compact(printed),
                        m.start(figure.group),
                    )
                )
    return out


def figure_values(lines: Sequence, page: int, pages: Sequence[int] | None = None) -> list[StatValue]:
    """The figures printed in prose on a page, each with the box of the line it is on;
    `pages` gives each line's page where the lines run over a page break."""
    text = ""
    starts = []
    for line in lines:
        starts.append(len(text))
        text += line.text.strip()
    out = []
    for f in find_figures(text):
        index = max(k for k, s in enumerate(starts) if s <= f.start)
        out.append(
            StatValue(
                table=f.table,
                category=f.category,
                survey_year=f.survey_year,
                measure=f.measure,
                value=f.value,
                value_text=f.value_text,
                unit=f.unit,
                period=f.period,
                source="text",
                page=pages[index] if pages is not None else page,
                bbox=lines[index].bbox,
            )
        )
    return out


def text_cells(table: CensusTable, stream) -> list[tuple]:
    """A census table the text order read, as table cells printed in its grid: the stub
    over two header rows, each measure over its survey years, then a row per category.
    Cells are (row, col, row_span, col_span, text, raw, bbox, page); a cell's box is its
    part of the stream line where the line was joined from one page line a cell."""
    cells: list[tuple] = []

    def put(r, c, rs, cs, text, raw, bbox, page):
        cells.append((r, c, rs, cs, normalise_text(text), raw, bbox, page))

    per = len(table.columns) // max(len({c.measure for c in table.columns}), 1)
    if table.stub_line is not None:
        line = stream.lines[table.stub_line]
        put(0, 0, 2, 1, line.parts[0][0], line.parts[0][1], line.parts[0][2], line.page)
    if table.measures_line is not None:
        line = stream.lines[table.measures_line]
        parts = [p for p in line.parts if not CENSUS_HEADER.match(_compact(p[0]))]
        names = [c.measure for c in table.columns[::per]]
        boxes = [b for _, _, b in parts] if len(parts) == len(names) else [line.bbox] * len(names)
        raws = [r for _, r, _ in parts] if len(parts) == len(names) else names
        for g, (name, raw, box) in enumerate(zip(names, raws, boxes)):
            put(0, 1 + g * per, 1, per, name, raw, box, line.page)
    line = stream.lines[table.header_line]
    for k, (column, box) in enumerate(zip(table.columns, line.part_boxes(len(table.columns)))):
        put(1, 1 + k, 1, 1, column.year_text, column.year_text, box, line.page)
    for r, row in enumerate(table.rows, start=2):
        line = stream.lines[row.line]
        boxes = line.part_boxes(1 + len(row.cells))
        put(r, 0, 1, 1, row.category, row.category, boxes[0], line.page)
        for k, (text, box) in enumerate(zip(row.cells, boxes[1:])):
            put(r, 1 + k, 1, 1, text, text, box, line.page)
    return cells
