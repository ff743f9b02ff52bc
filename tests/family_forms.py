"""Sheets of real report forms typeset afresh with invented content, and their truth.

A profile read only against the few real sheets it was written from could be tuned to
them. These functions draw the same forms again with reportlab (IPAexGothic, other
widths, another content-stream order) holding content invented here: other names,
numbers and years, a row more or fewer. The truth of each sheet is built from that
content, in the format of the truth typed from real pages (`tests/data/sheets/*.json`),
never from what a reader returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from nenpo.samples.layout import FONT, register_font, text_width, wrap

WIDTH, HEIGHT = A4
REIWA = 2018  # 令和N年度 = fiscal year 2018 + N


@dataclass
class Cell:
    """One ruled cell of a form: rows and columns counted from the grid's top-left."""

    row: int
    col: int
    text: str = ""
    rowspan: int = 1
    colspan: int = 1
    align: str = "left"  # left, centre, right
    shade: bool = False
    size: float = 7.5


@dataclass
class Grid:
    """A table of ruled cells at (x, top) with the given column widths and row heights."""

    x: float
    top: float
    widths: list[float]
    heights: list[float]
    cells: list[Cell] = field(default_factory=list)

    def add(self, row: int, col: int, text: str = "", **kw) -> None:
        self.cells.append(Cell(row, col, text, **kw))

    def bottom(self) -> float:
        return self.top + sum(self.heights)


class Sheet:
    """One A4 portrait page drawn from the top-left (PDF points), text after the rules
    and in reverse order of queuing, so the text layer's order is not the reading order."""

    def __init__(self) -> None:
        self.rules: list[tuple] = []
        self.texts: list[tuple[float, float, str, float]] = []

    def text(self, x: float, top: float, s: str, size: float = 7.5) -> None:
        self.texts.append((x, top, s, size))

    def grid(self, grid: Grid) -> None:
        xs = [grid.x]
        for w in grid.widths:
            xs.append(xs[-1] + w)
        ys = [grid.top]
        for h in grid.heights:
            ys.append(ys[-1] + h)
        for cell in grid.cells:
            x0, x1 = xs[cell.col], xs[cell.col + cell.colspan]
            y0, y1 = ys[cell.row], ys[cell.row + cell.rowspan]
            self.rules.append((x0, y0, x1, y1, cell.shade))
            if not cell.text:
                continue
            lines = [part for chunk in cell.text.split("\n") for part in wrap(chunk, x1 - x0 - 6, cell.size)]
            leading = cell.size * 1.25
            top = (y0 + y1) / 2 - leading * len(lines) / 2 if len(lines) <= 2 else y0 + 2
            for line in lines:
                w = text_width(line, cell.size)
                if cell.align == "right":
                    x = x1 - 3 - w
                elif cell.align == "centre":
                    x = (x0 + x1) / 2 - w / 2
                else:
                    x = x0 + 3
                self.text(x, top, line, cell.size)
                top += leading

    def render(self, c: canvas.Canvas) -> None:
        for x0, y0, x1, y1, shade in self.rules:
            c.setLineWidth(0.7)
            if shade:
                c.setFillColorRGB(0.86, 0.88, 0.92)
            c.rect(x0, HEIGHT - y1, x1 - x0, y1 - y0, stroke=1, fill=1 if shade else 0)
            c.setFillColorRGB(0, 0, 0)
        for x, top, s, size in reversed(self.texts):
            c.setFont(FONT, size)
            c.drawString(x, HEIGHT - top - size * 0.88, s)


def write(path: Path, sheets: list[Sheet], title: str) -> Path:
    register_font()
    c = canvas.Canvas(str(path), pagesize=A4, invariant=1, initialFontName=FONT)
    c.setTitle(title)
    for sheet in sheets:
        sheet.render(c)
        c.showPage()
    c.save()
    return path


# --------------------------------------------------------------------------------------
# 池田市 事務事業評価（目標設定シート）


@dataclass
class IkedaCostRow:
    label: str  # as printed, e.g. "事　業　費　　Ａ"
    item: str  # as the truth names it, e.g. "事業費"
    values: tuple[str | None, str | None, str | None, str | None]  # R(y-2)決算, R(y-1)決算, R(y)予算, R(y)決算


@dataclass
class IkedaKpiRow:
    indicator: str
    unit: str
    values: tuple[str | None, str | None, str | None, str | None]  # R(y-1)実績, R(y)見込, R(y)実績, R(end)見込


@dataclass
class IkedaSheetContent:
    number: int
    department: str
    name: str
    year: int  # 令和N年度実施事業: the business year N
    plan_end: int  # 令和N: the plan period's last year (the KPI table's last column)
    outline: str
    plan: str
    do: str
    breakdown: list[IkedaCostRow]  # 主な内訳 rows
    funding: list[IkedaCostRow]  # 財源 rows
    total: IkedaCostRow
    kpis: list[IkedaKpiRow]
    achievement: str
    achievement_reason: str
    effectiveness: str
    efficiency: str
    evaluation_reason: str
    direction: str
    direction_reason: str


def ikeda_sheet(content: IkedaSheetContent) -> Sheet:
    """The 目標設定シート drawn with its own proportions (not measured from a real page)."""
    y = content.year
    sheet = Sheet()
    sheet.text(120, 36, f"第７次池田市総合計画 前期基本計画　事務事業評価（令和{y}年度実施事業）", 9.5)
    sheet.text(488, 36, "NO.", 9.5)
    number = Grid(515, 32, [40], [16])
    number.add(0, 0, str(content.number), align="centre", size=9.5)
    sheet.grid(number)
    sheet.text(255, 52, "目標設定シート", 9.5)

    sheet.text(40, 68, "（１）事務事業名・総合計画の体系等", 8.5)
    names = Grid(40, 80, [85, 150, 110, 170], [18])
    names.add(0, 0, "担当部署名", align="centre", shade=True)
    names.add(0, 1, content.department, align="centre")
    names.add(0, 2, "事務事業名", align="centre", shade=True)
    names.add(0, 3, content.name, align="centre")
    sheet.grid(names)

    sheet.text(40, 106, "（２）事業の概要", 8.5)
    outline = Grid(40, 118, [85, 150, 45, 235], [22, 22])
    outline.add(0, 0, "実施期間", align="centre", shade=True)
    outline.add(0, 1, f"令和　{y - 1}　年度　～　令和　{content.plan_end}　年度")
    outline.add(0, 2, "事業内容", rowspan=2, align="centre", shade=True)
    outline.add(0, 3, content.outline, rowspan=2)
    outline.add(1, 0, "実施形態（直営/委託）", align="centre", shade=True)
    outline.add(1, 1, "一部委託")
    sheet.grid(outline)

    sheet.text(40, 172, "（３）「まちづくりの進め方」の視点", 8.5)
    steps = Grid(40, 184, [85, 170, 85, 175], [34])
    steps.add(0, 0, f"上記要素に係る\nR{y}年度取組予定", align="centre", shade=True)
    steps.add(0, 1, content.plan)
    steps.add(0, 2, f"上記要素に係る\nR{y}年度取組実績", align="centre", shade=True)
    steps.add(0, 3, content.do)
    sheet.grid(steps)

    # (4) the cost table, left; (5) the KPI table and the evaluation, right
    top = 240
    sheet.text(40, top - 12, "（４）事業費等(千円単位。千円未満は四捨五入)", 8.5)
    rows = [content.total, *content.breakdown, *content.funding]
    costs = Grid(40, top, [16, 70, 34, 34, 34, 34], [14, 14] + [16] * len(rows) + [16])
    costs.add(0, 0, "区　　分", rowspan=2, colspan=2, align="centre", shade=True)
    for col, head in ((2, f"R{y - 2}年度"), (3, f"R{y - 1}年度")):
        costs.add(0, col, head, align="centre", shade=True)
    costs.add(0, 4, f"R{y}年度", colspan=2, align="centre", shade=True)
    for col, basis in enumerate(("決　算", "決　算", "予　算", "決　算"), start=2):
        costs.add(1, col, basis, align="centre", shade=True)
    costs.add(2, 0, content.total.label, colspan=2, align="centre", shade=True)
    first_breakdown, first_funding = 3, 3 + len(content.breakdown)
    costs.add(first_breakdown, 0, "主な内訳", rowspan=len(content.breakdown), align="centre", shade=True, size=6.5)
    costs.add(first_funding, 0, "財源", rowspan=len(content.funding), align="centre", shade=True)
    for r, row in enumerate(rows, start=2):
        if r > 2:
            costs.add(r, 1, row.label, align="centre", shade=True, size=7)
        for col, value in enumerate(row.values, start=2):
            costs.add(r, col, value or "", align="right")
    last = 2 + len(rows)
    costs.add(last, 0, "受益者負担率　Ｂ÷Ａ", colspan=2, align="centre", shade=True, size=7)
    for col in range(2, 6):
        costs.add(last, col, "")
    sheet.grid(costs)

    sheet.text(270, top - 12, "（５）事業の成果指標及び評価", 8.5)
    # a row is as tall as its indicator's wrapped lines need
    kpi_heights = [max(16.0, len(wrap(row.indicator, 70 - 6, 7.5)) * 7.5 * 1.25 + 5) for row in content.kpis]
    kpi = Grid(270, top, [70, 25, 42, 42, 42, 44], [16, 18] + kpi_heights)
    kpi.add(0, 0, "成果指標の内容", rowspan=2, align="centre", shade=True)
    kpi.add(0, 1, "単位", rowspan=2, align="centre", shade=True)
    kpi.add(0, 2, "目標値", colspan=4, align="centre", shade=True)
    heads = (
        (f"R{y - 1}年度", "実　績"),
        (f"R{y}年度", "見　込"),
        (f"R{y}年度", "実　績"),
        (f"R{content.plan_end}年度", "見　込"),
    )
    for col, (year_label, kind) in enumerate(heads, start=2):
        kpi.add(1, col, f"{year_label}\n{kind}", align="centre", shade=True, size=6.8)
    for r, row in enumerate(content.kpis, start=2):
        kpi.add(r, 0, row.indicator, align="centre")
        kpi.add(r, 1, row.unit, align="centre")
        for col, value in enumerate(row.values, start=2):
            kpi.add(r, col, value or "", align="right")
    sheet.grid(kpi)

    evaluation = Grid(270, kpi.bottom(), [40, 75, 150], [16, 30, 16, 16, 30, 16, 30])
    evaluation.add(0, 0, "成果指標の達成状況", colspan=2, align="centre", shade=True)
    evaluation.add(0, 2, content.achievement, align="centre")
    evaluation.add(1, 0, "判断理由", align="centre", shade=True)
    evaluation.add(1, 1, content.achievement_reason, colspan=2)
    evaluation.add(2, 0, "事業の有効性", colspan=2, align="centre", shade=True)
    evaluation.add(2, 2, content.effectiveness, align="centre")
    evaluation.add(3, 0, "事業の効率性", colspan=2, align="centre", shade=True)
    evaluation.add(3, 2, content.efficiency, align="centre")
    evaluation.add(4, 0, "判断理由", align="centre", shade=True)
    evaluation.add(4, 1, content.evaluation_reason, colspan=2)
    evaluation.add(5, 0, f"R{y + 1}年度以降の事業の方向性", colspan=2, align="centre", shade=True)
    evaluation.add(5, 2, content.direction, align="centre")
    evaluation.add(6, 0, "判断理由", align="centre", shade=True)
    evaluation.add(6, 1, content.direction_reason, colspan=2)
    sheet.grid(evaluation)
    return sheet


def ikeda_truth(content: IkedaSheetContent, file: str) -> dict:
    """The truth of an invented Ikeda sheet, in the format of `tests/data/sheets/*.json`."""
    y = REIWA + content.year
    kpi_columns = (
        (y - 1, "actual", "実績"),
        (y, "forecast", "見込"),
        (y, "actual", "実績"),
        (REIWA + content.plan_end, "forecast", "見込"),
    )
    cost_columns = (
        (y - 2, "settled", "決算"),
        (y - 1, "settled", "決算"),
        (y, "budget", "予算"),
        (y, "settled", "決算"),
    )
    kpis = [
        {"indicator": row.indicator, "unit": row.unit, "fiscal_year": fy, "kind": kind, "kind_raw": raw, "value": value}
        for row in content.kpis
        for (fy, kind, raw), value in zip(kpi_columns, row.values)
        if value is not None
    ]
    costs = [
        {"item": row.item, "fiscal_year": fy, "basis": basis, "basis_raw": raw, "value": value, "unit": "千円"}
        for row in (content.total, *content.breakdown, *content.funding)
        for (fy, basis, raw), value in zip(cost_columns, row.values)
        if value is not None
    ]
    return {
        "file": file,
        "family": "ikeda-jimujigyo",
        "typed_from": "generated from the invented content that drew the sheet",
        "record": {"name": content.name, "number": str(content.number), "page": 1},
        "edition": {"fiscal_year_reported": y},
        "kpi": kpis,
        "costs": costs,
        "sections": [
            {"phase": "plan", "heading": f"上記要素に係るR{content.year}年度取組予定", "text": content.plan},
            {"phase": "do", "heading": f"上記要素に係るR{content.year}年度取組実績", "text": content.do},
            {"phase": "check", "heading": "判断理由", "text": content.achievement_reason},
            {"phase": "check", "heading": "判断理由", "text": content.evaluation_reason},
            {"phase": "action", "heading": "判断理由", "text": content.direction_reason},
        ],
        "categories": [
            {"field": "achievement", "label": "成果指標の達成状況", "value": content.achievement},
            {"field": "effectiveness", "label": "事業の有効性", "value": content.effectiveness},
            {"field": "efficiency", "label": "事業の効率性", "value": content.efficiency},
            {"field": "direction", "label": f"R{content.year + 1}年度以降の事業の方向性", "value": content.direction},
        ],
    }


INVENTED_IKEDA = IkedaSheetContent(
    number=42,
    department="農業振興課",
    name="市民農園管理運営事業",
    year=7,
    plan_end=11,
    outline="市民が土に親しむ場として市民農園を貸し出し、区画の管理と利用者講習会を行う。",
    plan="空き区画の解消に向けて募集時期を年２回に増やし、初めての利用者を対象とした講習会を開催する。あわせて区画の案内板を更新する。",
    do="募集を春と秋に行い、講習会を３回開催した。",
    total=IkedaCostRow("事　業　費　　Ａ", "事業費", ("2,310", "2,455", "2,600", "2,518")),
    breakdown=[
        IkedaCostRow("委託料（農園管理）", "委託料（農園管理）", ("1,800", "1,850", "1,900", "1,900")),
        IkedaCostRow("修繕料", "修繕料", ("310", "405", "500", "418")),
        IkedaCostRow("報償費", "報償費", (None, None, "200", "200")),
        IkedaCostRow("", "", (None, None, None, None)),
    ],
    funding=[
        IkedaCostRow("国・府支出金", "国・府支出金", ("500", "500", "500", "500")),
        IkedaCostRow("地方債", "地方債", (None, None, None, None)),
        IkedaCostRow("その他", "その他", ("960", "1,020", "1,080", "1,044")),
        IkedaCostRow("うち受益者負担 Ｂ", "うち受益者負担", ("960", "1,020", "1,080", "1,044")),
        IkedaCostRow("一般財源", "一般財源", ("850", "935", "1,020", "974")),
    ],
    kpis=[
        IkedaKpiRow("区画利用率", "％", ("86.5", "90.0", "93.2", "95.0")),
        IkedaKpiRow("講習会参加者数（延べ人数）", "人", ("48", "60", "71", "80")),
        IkedaKpiRow("利用者満足度", "点", ("3.9", "4.0", "4.1", "‐")),
        IkedaKpiRow("苦情件数", "件", ("12", "10", "7", "5")),
    ],
    achievement="B.概ね順調に推移している",
    achievement_reason="区画利用率は目標を上回ったが、満足度の調査方法を見直す必要がある。",
    effectiveness="A.有効的である（改善の余地がない）",
    efficiency="B.効率的である（改善の余地がある）",
    evaluation_reason="委託先との協議により管理費を抑えたが、修繕の発注方法に改善の余地がある。",
    direction="拡充",
    direction_reason="利用希望が多いため、令和８年度に区画を増設する。",
)
"""A sheet no real file holds: another year (令和7年度実施事業, plan to R11), four KPI rows
(one decimal, one dash), an 報償費 row only in R7, blank 内訳 and 地方債 rows."""


# --------------------------------------------------------------------------------------
# 横浜市 事業評価書


@dataclass
class YokohamaPart:
    """One 細事業 block: name, outline, costs of two years, volume by year, analysis."""

    name: str
    outline: str
    costs: tuple[str, str, str]  # previous year, the year, 差引
    change: str
    volume: str  # 細事業事業量 (the indicator); '' when the block prints none
    unit: str
    planned: dict[int, str]  # 令和N → value (想定)
    actual: dict[int, str]  # 令和N → value (実績)
    analysis: tuple[str, str, str, str, str, str, str]


@dataclass
class YokohamaSheetContent:
    number: int
    name: str
    department: str
    year: int  # 令和N年度事業名: the business year N (the evaluation is 令和N+1年度)
    outline: str
    costs: tuple[str, str, str]
    improvement: str
    parts: list[YokohamaPart]
    break_inside: bool = False  # a block that does not fit breaks before its analysis rows


ANALYSIS_HEADS = ("市民ニーズ", "実施根拠", "妥当性", "事業実績", "(1)実施主体", "(2)実施手法")
ANALYSIS_FIELDS = (
    "citizen_needs",
    "legal_basis",
    "validity",
    "results",
    "delivery_agent",
    "delivery_method",
    "burden_fairness",
)
ANALYSIS_LABELS = (*ANALYSIS_HEADS, "負担の公平性")


def _yokohama_part(
    sheet: Sheet, top: float, index: int, part: YokohamaPart, year: int, analysis_sheet: Sheet | None = None
) -> float:
    """Draw one 細事業 block from `top`; return its bottom. With `analysis_sheet`, the block's
    客観的指標に基づく分析 rows go to the top of that (next) page."""
    years = list(range(year - 3, year + 4))
    # columns: index | phase | label | 年度/決算 | seven year columns (the last with a filler)
    block = Grid(44, top, [14, 14, 70, 40, 54, 54, 54, 54, 54, 54, 45], [16, 30, 16, 16, 28, 16, 16, 20, 20])
    block.add(0, 0, str(index), rowspan=9)
    block.add(0, 1, "事業計画", rowspan=2, size=6.5)
    block.add(0, 2, "細事業名称", align="centre")
    block.add(0, 3, part.name, colspan=8, align="centre")
    block.add(1, 2, "細事業概要", align="centre")
    block.add(1, 3, part.outline, colspan=8)
    block.add(2, 1, "事業実績", rowspan=7, size=6.5)
    block.add(2, 2, "細事業費\n(千円)", rowspan=2, align="centre")
    block.add(2, 3, "年度", align="centre")
    block.add(2, 4, f"{year - 1}年度", colspan=2, align="centre")
    block.add(2, 6, f"{year}年度", colspan=2, align="centre")
    block.add(2, 8, "差引（増減）", colspan=2, align="centre")
    block.add(2, 10, "")
    block.add(3, 3, "決算", align="centre")
    block.add(3, 4, part.costs[0], colspan=2, align="right")
    block.add(3, 6, part.costs[1], colspan=2, align="right")
    block.add(3, 8, part.costs[2], colspan=2, align="right")
    block.add(3, 10, "")
    block.add(4, 2, "増減説明", align="centre")
    block.add(4, 3, part.change, colspan=8)
    block.add(5, 2, "細事業事業量", align="centre")
    block.add(5, 3, part.volume, colspan=5)
    block.add(5, 8, "単位", align="centre")
    block.add(5, 9, part.unit, colspan=2)
    block.add(6, 2, "年度", align="centre")
    # seven year columns: 3..9 (col 10 is narrow filler merged into the last year)
    for i, n in enumerate(years):
        span = 2 if i == 6 else 1
        block.add(6, 3 + i, f"{n}年度", colspan=span, align="centre")
        block.add(7, 3 + i, part.planned.get(n, ""), colspan=span)
        block.add(8, 3 + i, part.actual.get(n, ""), colspan=span, shade=n > year)
    block.add(7, 2, "想定", align="centre")
    block.add(8, 2, "実績", align="centre")
    sheet.grid(block)
    if analysis_sheet is not None:  # the block breaks across the page before its analysis
        sheet, bottom = analysis_sheet, 50
    else:
        bottom = block.bottom()
    analysis = Grid(44, bottom, [14, 84, 30, 55, 55, 50, 55, 50, 50, 64], [16, 14, 30])
    analysis.add(0, 0, "", rowspan=3)
    analysis.add(0, 1, "客観的指標に\n基づく分析", rowspan=3, align="centre")
    analysis.add(0, 2, "指標", rowspan=2, align="centre")
    for col, head in enumerate(ANALYSIS_HEADS[:4], start=3):
        analysis.add(0, col, head, rowspan=2, align="centre")
    analysis.add(0, 7, "効率性・経済性", colspan=2, align="centre")
    analysis.add(1, 7, ANALYSIS_HEADS[4], align="centre", size=6.5)
    analysis.add(1, 8, ANALYSIS_HEADS[5], align="centre", size=6.5)
    analysis.add(0, 9, "負担の\n公平性", rowspan=2, align="centre")
    analysis.add(2, 2, "分析\n結果", align="centre")
    for col, value in enumerate(part.analysis, start=3):
        analysis.add(2, col, f"・{value}", size=7)
    sheet.grid(analysis)
    return analysis.bottom()


def yokohama_sheets(content: YokohamaSheetContent) -> list[Sheet]:
    """The 事業評価書 drawn with its own proportions; 細事業 blocks flow onto further pages."""
    y = content.year
    first = Sheet()
    head = Grid(44, 50, [70, 130, 50, 120, 30, 30, 30, 47], [16, 16, 16, 16])
    head.add(0, 0, f"令和{y + 1}年度 事業評価書", colspan=8, align="centre", shade=True, size=8.5)
    head.add(1, 0, f"令和{y}年度事業名", align="centre")
    head.add(1, 1, content.name, colspan=7, align="centre")
    head.add(2, 0, "所管区局・課", align="centre")
    head.add(2, 1, content.department)
    head.add(2, 2, "歳出予算科目", size=6.5)
    head.add(2, 3, "一般会計")
    head.add(2, 4, "03款", align="centre")
    head.add(2, 5, "01項", align="centre")
    head.add(2, 6, "07目", align="centre")
    head.add(2, 7, "")
    head.add(3, 0, "政策・施策", align="centre")
    head.add(3, 1, "政策番号 12", align="centre")
    head.add(3, 2, "施策番号", size=6.5)
    head.add(3, 3, "3", align="centre")
    head.add(3, 4, "評価書番号", colspan=3, align="centre", size=6.5)
    head.add(3, 7, str(content.number), align="centre")
    first.grid(head)
    outline = Grid(44, head.bottom() + 12, [507], [16, 34])
    outline.add(0, 0, "事業概要", align="centre", shade=True)
    outline.add(1, 0, content.outline)
    first.grid(outline)
    costs = Grid(44, outline.bottom() + 12, [100, 30, 80, 80, 80, 137], [16, 16, 16])
    costs.add(0, 0, "事業決算額", colspan=6, align="centre", shade=True)
    costs.add(1, 0, "事業費\n(千円)", rowspan=2, align="centre")
    costs.add(1, 1, "年度", align="centre")
    costs.add(1, 2, f"{y - 1}年度", align="centre")
    costs.add(1, 3, f"{y}年度", align="centre")
    costs.add(1, 4, "差引（増減）", align="centre")
    costs.add(1, 5, "")
    costs.add(2, 1, "決算", align="centre")
    for col, value in enumerate(content.costs, start=2):
        costs.add(2, col, value, align="right")
    costs.add(2, 5, "")
    first.grid(costs)
    improvement = Grid(44, costs.bottom() + 12, [507], [16, 34])
    improvement.add(0, 0, "各細事業の分析結果を踏まえた事業改善の検討等", align="centre", shade=True)
    improvement.add(1, 0, content.improvement)
    first.grid(improvement)
    banner = Grid(44, improvement.bottom() + 12, [507], [16])
    banner.add(0, 0, "細事業の分析", align="centre", shade=True)
    first.grid(banner)

    sheets, sheet, top = [first], first, banner.bottom()
    for index, part in enumerate(content.parts, start=1):
        if content.break_inside and top + 260 > HEIGHT - 40 and top + 200 <= HEIGHT - 40:
            following = Sheet()
            sheets.append(following)
            top = _yokohama_part(sheet, top, index, part, y, analysis_sheet=following)
            sheet = following
            continue
        if top + 260 > HEIGHT - 40:
            sheet, top = Sheet(), 50
            sheets.append(sheet)
        top = _yokohama_part(sheet, top, index, part, y)
    return sheets


def yokohama_truth(content: YokohamaSheetContent, file: str) -> dict:
    y = REIWA + content.year
    kpis, costs, sections, categories = [], [], [], []
    costs += [
        {
            "item": "事業費",
            "fiscal_year": y - 1,
            "basis": "settled",
            "basis_raw": "決算",
            "value": content.costs[0],
            "unit": "千円",
        },
        {
            "item": "事業費",
            "fiscal_year": y,
            "basis": "settled",
            "basis_raw": "決算",
            "value": content.costs[1],
            "unit": "千円",
        },
    ]
    sections.append(
        {"phase": "action", "heading": "各細事業の分析結果を踏まえた事業改善の検討等", "text": content.improvement}
    )
    for part in content.parts:
        sub = part.name
        costs += [
            {
                "item": "細事業費",
                "sub": sub,
                "fiscal_year": y - 1,
                "basis": "settled",
                "basis_raw": "決算",
                "value": part.costs[0],
                "unit": "千円",
            },
            {
                "item": "細事業費",
                "sub": sub,
                "fiscal_year": y,
                "basis": "settled",
                "basis_raw": "決算",
                "value": part.costs[1],
                "unit": "千円",
            },
        ]
        sections.append({"phase": "plan", "heading": "細事業概要", "sub": sub, "text": part.outline})
        sections.append({"phase": "do", "heading": "増減説明", "sub": sub, "text": part.change})
        for kind, raw, values in (("target", "想定", part.planned), ("actual", "実績", part.actual)):
            kpis += [
                {
                    "indicator": part.volume,
                    "unit": part.unit,
                    "sub": sub,
                    "fiscal_year": REIWA + n,
                    "kind": kind,
                    "kind_raw": raw,
                    "value": v,
                }
                for n, v in sorted(values.items())
            ]
        categories += [
            {"field": f, "label": l, "value": v, "sub": sub}
            for f, l, v in zip(ANALYSIS_FIELDS, ANALYSIS_LABELS, part.analysis)
        ]
    return {
        "file": file,
        "family": "yokohama-jigyo-hyoka",
        "typed_from": "generated from the invented content that drew the sheet",
        "record": {
            "name": content.name,
            "number": str(content.number),
            "page": 1,
            "subs": [p.name for p in content.parts],
        },
        "edition": {"fiscal_year_reported": y},
        "kpi": kpis,
        "costs": costs,
        "sections": sections,
        "categories": categories,
    }


INVENTED_YOKOHAMA = YokohamaSheetContent(
    number=17,
    name="地域図書館運営事業",
    department="教育委員会事務局中央図書館企画運営課",
    year=5,
    outline="市内の地域図書館を運営し、資料の貸出と読書活動の推進を行います。",
    costs=("118,402", "121,950", "3,548"),
    improvement="開館時間の延長による利用の伸びを検証し、配架の見直しを進めます。",
    parts=[
        YokohamaPart(
            name="地域図書館運営（管理運営費）",
            outline="地域図書館の施設管理と窓口業務を行います。",
            costs=("96,210", "98,004", "1,794"),
            change="光熱水費の増",
            volume="貸出冊数",
            unit="千冊",
            planned={2: "9,800", 3: "9,800", 4: "9,900", 5: "9,900", 6: "10,000", 7: "10,000", 8: "10,000"},
            actual={2: "9,512", 3: "9,688", 4: "9,871", 5: "10,105"},
            analysis=("増加傾向", "条例", "該当なし", "目標を達成", "委託等の拡大不可", "該当なし", "なじまない"),
        ),
        YokohamaPart(
            name="読書活動推進",
            outline="子どもの読書活動を推進するため、おはなし会と講座を開催します。",
            costs=("22,192", "23,946", "1,754"),
            change="講座の回数の増",
            volume="おはなし会の参加者数",
            unit="人",
            planned={2: "12,000", 3: "12,000", 4: "12,500", 5: "12,500", 6: "13,000", 7: "13,000", 8: "13,000"},
            actual={2: "8,430", 3: "10,977", 4: "12,604", 5: "11,830"},
            analysis=(
                "測ることはなじまない",
                "規則・方針",
                "該当なし",
                "目標を概ね達成",
                "委託等不可",
                "改善の余地あり",
                "求めていない",
            ),
        ),
        YokohamaPart(
            name="移動図書館運営",
            outline="図書館から離れた地域を移動図書館車で巡回します。",
            costs=("0", "0", "0"),
            change="増減なし",
            volume="",
            unit="",
            planned={},
            actual={},
            analysis=(
                "測ることはなじまない",
                "規則・方針",
                "該当なし",
                "目標設定になじまない",
                "委託等不可",
                "該当なし",
                "なじまない",
            ),
        ),
    ],
)
"""A business of 令和5年度 (evaluated in 令和6), three 細事業 over two pages: two with
想定 / 実績 rows (years 令和2 … 8), one printing no volume; numbers in the thousands."""


# --------------------------------------------------------------------------------------
# 京都市 新規・充実事業の取組状況と当初予算（案）への反映状況


@dataclass
class KyotoTarget:
    group: str  # 実施成果(アウトプット) or 事業効果(アウトカム)
    indicator: str
    value: str
    unit: str
    basis: str  # 数値目標の考え方 ('' when the sheet gives none)


@dataclass
class KyotoSheetContent:
    number: int
    bureau: str
    name: str
    year: int  # 令和N年度新規・充実事業の取組状況: the year reported
    period: str
    outline: list[str]
    targets: list[KyotoTarget]
    costs: list[tuple[str, str, str, int, str]]  # (label, 経費, 一般財源, fiscal year, basis)
    results: list[str]
    evaluation: list[str]
    roles: list[tuple[str, str, tuple[str, str], int]]  # (group, field, options, marked index)
    proposal: tuple[str, str]  # 予算案 経費, 一般財源
    direction: str


def _lines_height(text_lines: list[str], width: float, size: float = 8.0) -> float:
    count = sum(len(wrap(t, width - 6, size)) or 1 for t in text_lines)
    return count * size * 1.25 + 8


def _kyoto_header(sheet: Sheet, content: KyotoSheetContent) -> float:
    y = content.year
    sheet.text(110, 38, f"令和{y}年度新規・充実事業の取組状況と令和{y + 2}年度当初予算(案)への反映状況について", 9)
    sheet.text(60, 58, "No.", 8)
    number = Grid(60, 70, [60], [15])
    number.add(0, 0, str(content.number), align="centre", size=8.5)
    sheet.grid(number)
    sheet.text(380, 73, "所管局", 8.5)
    bureau = Grid(430, 70, [110], [15])
    bureau.add(0, 0, content.bureau, align="centre", size=8.5)
    sheet.grid(bureau)
    head = Grid(60, 92, [60, 300, 120], [26])
    head.add(0, 0, f"事業名\n(令和{y + 1}年度)", align="centre", shade=True, size=7.5)
    head.add(0, 1, content.name, size=8.5)
    head.add(0, 2, f"【事業実施期間】\n{content.period}", align="centre", size=6.5)
    sheet.grid(head)
    return head.bottom() + 10


def _kyoto_section(sheet: Sheet, top: float, heading: str, lines: list[str]) -> float:
    body = Grid(60, top, [480], [16, _lines_height(lines, 480)])
    body.add(0, 0, heading, shade=True, size=8.5)
    body.add(1, 0, "\n".join(lines), size=8.0)
    sheet.grid(body)
    return body.bottom()


def kyoto_sheets(content: KyotoSheetContent) -> list[Sheet]:
    """The two pages of a 新規・充実事業 sheet drawn with their own proportions."""
    y = content.year
    first = Sheet()
    top = _kyoto_header(first, content)
    top = _kyoto_section(first, top, f"1 事業概要(令和{y + 1}年度)", content.outline)
    top = _kyoto_section(first, top, "2 事業目標", _target_lines(content.targets))
    costs = Grid(60, top, [80] + [400 / len(content.costs)] * len(content.costs), [16, 16, 16])
    costs.add(0, 0, f"3 令和{y}年度及び令和{y + 1}年度の経費", colspan=1 + len(content.costs), shade=True, size=8.5)
    costs.add(1, 0, "年度", align="centre", shade=True)
    costs.add(2, 0, "経費(一財)", align="centre", shade=True)
    for col, (label, total, general, _, _) in enumerate(content.costs, start=1):
        costs.add(1, col, label, align="centre", shade=True)
        costs.add(2, col, f"{total}({general})", align="centre")
    first.grid(costs)
    first.text(505, top + 4, "(千円)", 7.5)
    _kyoto_section(first, costs.bottom(), f"4 取組実績(令和{y}年度・{y + 1}年度)", content.results)

    second = Sheet()
    top = _kyoto_header(second, content)
    top = _kyoto_section(second, top, "5 事業目標及び取組実績を踏まえた評価", content.evaluation)
    roles = Grid(60, top, [70, 80, 330], [16] + [26] * len(content.roles))
    roles.add(0, 0, "6 役割分担評価", colspan=3, shade=True, size=8.5)
    groups: dict[str, list[int]] = {}
    for r, (group, _, _, _) in enumerate(content.roles, start=1):
        groups.setdefault(group, []).append(r)
    for group, rows in groups.items():
        roles.add(rows[0], 0, group, rowspan=len(rows), align="centre", shade=True)
    for r, (_, label, options, marked) in enumerate(content.roles, start=1):
        roles.add(r, 1, label, align="centre", shade=True)
        roles.add(r, 2, "\n".join(("■ " if i == marked else "□ ") + o for i, o in enumerate(options)), size=7.5)
    second.grid(roles)
    plan = Grid(60, roles.bottom(), [150, 100, 230], [24, 20])
    plan.add(0, 0, f"7 令和{y + 2}年度の方向性", rowspan=2, shade=True, size=8.5)
    plan.add(0, 1, "予算案\n経費(一財)、単位(千円)", align="centre", shade=True, size=7)
    plan.add(0, 2, f"{content.proposal[0]}({content.proposal[1]})", align="centre")
    plan.add(1, 1, "方向性", align="centre", shade=True)
    plan.add(1, 2, content.direction, align="centre")
    second.grid(plan)
    return [first, second]


def _target_lines(targets: list[KyotoTarget]) -> list[str]:
    lines: list[str] = []
    for group in dict.fromkeys(t.group for t in targets):
        lines.append(f"<{group}>")
        lines += [
            f"・指標:{t.indicator}【数値目標:{t.value}{t.unit}"
            + (f"(数値目標の考え方:{t.basis})】" if t.basis else "】")
            for t in targets
            if t.group == group
        ]
    return lines


def kyoto_truth(content: KyotoSheetContent, file: str) -> dict:
    y = REIWA + content.year
    costs = [
        {"item": item, "fiscal_year": fy, "basis": basis, "basis_raw": label, "value": value, "unit": "千円"}
        for label, total, general, fy, basis in content.costs
        for item, value in (("経費", total), ("一般財源", general))
    ]
    costs += [
        {
            "item": "経費",
            "fiscal_year": y + 2,
            "basis": "budget",
            "basis_raw": "予算案",
            "value": content.proposal[0],
            "unit": "千円",
            "page": 2,
        },
        {
            "item": "一般財源",
            "fiscal_year": y + 2,
            "basis": "budget",
            "basis_raw": "予算案",
            "value": content.proposal[1],
            "unit": "千円",
            "page": 2,
        },
    ]
    field_ids = {"公益性": "public_benefit", "必需性": "necessity", "政策性": "policy", "行政専門性": "expertise"}
    return {
        "file": file,
        "family": "kyoto-shinki-juujitsu",
        "typed_from": "generated from the invented content that drew the sheet",
        "record": {"name": content.name, "number": str(content.number), "page": 1},
        "edition": {"fiscal_year_reported": y},
        "kpi": [
            {
                "indicator": t.indicator,
                "unit": t.unit,
                "fiscal_year": y + 1,
                "kind": "target",
                "kind_raw": "数値目標",
                "value": t.value,
            }
            for t in content.targets
        ],
        "costs": costs,
        "sections": [
            {"phase": "plan", "heading": "2 事業目標", "text": "".join(_target_lines(content.targets))},
            {
                "phase": "do",
                "heading": f"4 取組実績(令和{content.year}年度・{content.year + 1}年度)",
                "text": "".join(content.results),
            },
            {"phase": "check", "heading": "5 事業目標及び取組実績を踏まえた評価", "text": "".join(content.evaluation)},
        ],
        "categories": [
            {"field": field_ids[label], "label": label, "value": options[marked]}
            for _, label, options, marked in content.roles
        ]
        + [{"field": "direction", "label": "方向性", "value": content.direction}],
    }


INVENTED_KYOTO = KyotoSheetContent(
    number=23,
    bureau="文化市民局",
    name="地域コミュニティ活性化応援事業",
    year=6,
    period="令和6年度~8年度",
    outline=[
        "自治会・町内会の担い手不足に対応するため、専門の相談員が地域の活動を支援するとともに、",
        "活動の立ち上げに要する経費の一部を補助する。",
    ],
    targets=[
        KyotoTarget("実施成果(アウトプット)", "相談員による支援件数", "120", "件", "各区3件を基本に算出"),
        KyotoTarget("実施成果(アウトプット)", "担い手講座の受講者数", "300", "人", "過去の講座の実績から算出"),
        KyotoTarget(
            "事業効果(アウトカム)", "支援後に新たな活動を始めた団体の割合", "25", "%", "支援団体への調査により算出"
        ),
        KyotoTarget("事業効果(アウトカム)", "受講者の満足度", "4.5", "点", ""),
    ],
    costs=[
        ("令和6年度予算現額", "12,480", "6,240", 2024, "budget"),
        ("令和6年度決算", "11,902", "5,951", 2024, "settled"),
        ("令和7年度当初予算", "13,000", "6,500", 2025, "budget"),
    ],
    results=[
        "(令和6年度)",
        "・相談員2名を配置し、98件の相談に対応した。",
        "・担い手講座を6回開催し、延べ254人が受講した。",
        "(令和7年度)",
        "・相談員を3名に増員し、支援を継続中",
    ],
    evaluation=[
        "相談件数は目標に届かなかったものの、支援を受けた団体の3割が新たな活動を始めており、",
        "一定の効果が見られた。引き続き、区役所と連携して周知を強化する必要がある。",
    ],
    roles=[
        (
            "公共性",
            "公益性",
            ("より多くの市民に提供されるサービス(共同消費性)", "特定の個人または集団に提供されるサービス(個人消費性)"),
            0,
        ),
        ("公共性", "必需性", ("日常生活に必要不可欠なサービス(必需)", "日常生活に必要不可欠でないサービス(選択)"), 0),
        (
            "実施主体の妥当性",
            "政策性",
            ("政策的意思決定を必要とするサービス(政策的)", "経常業務の度合いが高いサービス(経常的)"),
            1,
        ),
        (
            "実施主体の妥当性",
            "行政専門性",
            ("行政上の専門知識を必要とするサービス(行政専門性)", "行政上の専門知識を必要としないサービス(一般専門性)"),
            0,
        ),
    ],
    proposal=("14,200", "7,100"),
    direction="拡充",
)
"""A sheet of another year (令和6年度 reported, 令和8年度 budget), four targets (a decimal,
another unit each), other options marked, direction 拡充, section text in half-width type."""


# --------------------------------------------------------------------------------------
# Varied sheets: content drawn from small vocabularies by a seeded generator, so each seed
# is another sheet (row counts, years, blanks, dashes, wrapped names) with its own truth.

IKEDA_NAMES = (
    "図書館資料整備事業",
    "防犯灯維持管理事業",
    "子育て支援センター運営事業",
    "観光案内所運営事業",
    "道路照明灯ＬＥＤ化推進事業",
    "高齢者見守りネットワーク事業",
)
IKEDA_DEPARTMENTS = ("市民活動推進課", "道路管理課", "子育て支援課", "にぎわい戦略課", "高齢福祉課")
INDICATORS = (
    ("利用者数", "人"),
    ("開催回数", "回"),
    ("利用者満足度", "％"),
    ("相談件数", "件"),
    ("設置基数", "基"),
    ("貸出冊数", "冊"),
    ("参加団体数", "団体"),
    ("見守り協力事業者数（累計）", "者"),
)
BREAKDOWN = ("委託料", "修繕料", "需用費", "報酬", "使用料及び賃借料", "負担金【民生費】")
ACHIEVEMENT = ("A.順調に推移している", "B.概ね順調に推移している", "C.遅れている")
EFFECTIVENESS = ("A.有効的である（改善の余地がない）", "B.有効的である（改善の余地がある）")
EFFICIENCY = ("A.効率的である（改善の余地がない）", "B.効率的である（改善の余地がある）")
DIRECTIONS = ("拡充", "現状維持", "改善", "縮小", "廃止", "休止")
REASONS = (
    "利用者の増加に対応するため、実施体制を見直した。",
    "前年度の課題を踏まえ、関係機関との連携を強化した。",
    "計画どおりに事業を実施し、一定の成果が得られた。",
    "事業の目的を達成したため、事業のあり方を検討する。",
)


def _amount(rng, low: int, high: int) -> str:
    return f"{rng.randint(low, high):,}"


def varied_ikeda(seed: int) -> IkedaSheetContent:
    import random

    rng = random.Random(seed)
    year = rng.randint(5, 12)
    columns = 4
    breakdown = [
        IkedaCostRow(item, item, tuple(_amount(rng, 10, 3000) if rng.random() > 0.15 else None for _ in range(columns)))
        for item in rng.sample(BREAKDOWN, rng.randint(1, 4))
    ]
    general = [rng.randint(0, 5000) for _ in range(columns)]
    state = [rng.choice((0, rng.randint(100, 2000))) for _ in range(columns)]
    other = [rng.choice((0, rng.randint(100, 2000))) for _ in range(columns)]
    total = [g + s + o for g, s, o in zip(general, state, other)]
    funding = [
        IkedaCostRow("国・府支出金", "国・府支出金", tuple(f"{v:,}" for v in state)),
        IkedaCostRow("地方債", "地方債", (None,) * columns),
        IkedaCostRow("その他", "その他", tuple(f"{v:,}" if v else None for v in other)),
        IkedaCostRow("うち受益者負担 Ｂ", "うち受益者負担", tuple(f"{v:,}" if v else None for v in other)),
        IkedaCostRow("一般財源", "一般財源", tuple(f"{v:,}" for v in general)),
    ]

    def kpi_value(unit: str) -> str | None:
        roll = rng.random()
        if roll < 0.08:
            return None
        if roll < 0.15:
            return "‐"
        return f"{rng.uniform(10, 99):.1f}" if unit == "％" else _amount(rng, 1, 20000)

    kpis = [
        IkedaKpiRow(name, unit, tuple(kpi_value(unit) for _ in range(4)))
        for name, unit in rng.sample(INDICATORS, rng.randint(1, 5))
    ]
    return IkedaSheetContent(
        number=rng.randint(1, 150),
        department=rng.choice(IKEDA_DEPARTMENTS),
        name=rng.choice(IKEDA_NAMES),
        year=year,
        plan_end=year + rng.randint(1, 4),
        outline=rng.choice(REASONS),
        plan=rng.choice(REASONS),
        do=rng.choice(REASONS),
        breakdown=breakdown,
        funding=funding,
        total=IkedaCostRow("事　業　費　　Ａ", "事業費", tuple(f"{v:,}" for v in total)),
        kpis=kpis,
        achievement=rng.choice(ACHIEVEMENT),
        achievement_reason=rng.choice(REASONS),
        effectiveness=rng.choice(EFFECTIVENESS),
        efficiency=rng.choice(EFFICIENCY),
        evaluation_reason=rng.choice(REASONS),
        direction=rng.choice(DIRECTIONS),
        direction_reason=rng.choice(REASONS),
    )


YOKOHAMA_PARTS = ("窓口運営", "システム保守", "広報啓発", "施設維持管理（指定管理料）", "研修事業", "調査委託")
YOKOHAMA_VOLUMES = (("窓口相談件数", "件"), ("研修受講者数", "人"), ("点検回数", "回"), ("発行部数", "部"), ("", ""))
YOKOHAMA_ANALYSIS = (
    ("増加傾向", "横ばい", "減少傾向", "測ることはなじまない"),
    ("法律・政令", "条例", "規則・方針"),
    ("該当なし",),
    ("目標を達成", "目標を概ね達成", "目標未達成", "目標設定になじまない"),
    ("委託等不可", "委託等の拡大不可"),
    ("該当なし", "改善の余地あり"),
    ("なじまない", "求めていない", "求めている"),
)


def varied_yokohama(seed: int) -> YokohamaSheetContent:
    import random

    rng = random.Random(seed)
    year = rng.randint(4, 10)
    parts = []
    for name in rng.sample(YOKOHAMA_PARTS, rng.randint(1, 3)):
        before, now = rng.randint(0, 90000), rng.randint(0, 90000)
        volume, unit = rng.choice(YOKOHAMA_VOLUMES)
        years = range(year - 3, year + 4)
        planned = {n: _amount(rng, 1, 9000) for n in years} if volume else {}
        actual = {n: _amount(rng, 1, 9000) for n in years if n <= year} if volume else {}
        parts.append(
            YokohamaPart(
                name=name,
                outline=rng.choice(REASONS),
                costs=(f"{before:,}", f"{now:,}", f"{now - before:,}"),
                change=rng.choice(REASONS),
                volume=volume,
                unit=unit,
                planned=planned,
                actual=actual,
                analysis=tuple(rng.choice(options) for options in YOKOHAMA_ANALYSIS),
            )
        )
    before = sum(int(p.costs[0].replace(",", "")) for p in parts)
    now = sum(int(p.costs[1].replace(",", "")) for p in parts)
    return YokohamaSheetContent(
        number=rng.randint(1, 99),
        name=rng.choice(("区役所事務費", "情報化推進事業", "公園維持管理事業")),
        department="総務局総務課",
        year=year,
        outline=rng.choice(REASONS),
        costs=(f"{before:,}", f"{now:,}", f"{now - before:,}"),
        improvement=rng.choice(REASONS),
        parts=parts,
    )


KYOTO_TARGETS = (
    ("相談対応件数", "件"),
    ("支援企業数", "社"),
    ("セミナー参加者数", "人"),
    ("売上の増加", "%"),
    ("利用者の満足度", "点"),
    ("連携した団体の数", "団体"),
    ("訪問回数", "回"),
)
KYOTO_DIRECTIONS = ("拡充", "現状のまま継続", "見直し", "縮小", "廃止")
KYOTO_ROLES = (
    (
        "公共性",
        "公益性",
        ("より多くの市民に提供されるサービス(共同消費性)", "特定の個人または集団に提供されるサービス(個人消費性)"),
    ),
    ("公共性", "必需性", ("日常生活に必要不可欠なサービス(必需)", "日常生活に必要不可欠でないサービス(選択)")),
    (
        "実施主体の妥当性",
        "政策性",
        ("政策的意思決定を必要とするサービス(政策的)", "経常業務の度合いが高いサービス(経常的)"),
    ),
    (
        "実施主体の妥当性",
        "行政専門性",
        ("行政上の専門知識を必要とするサービス(行政専門性)", "行政上の専門知識を必要としないサービス(一般専門性)"),
    ),
)


def varied_kyoto(seed: int, year: int | None = None) -> KyotoSheetContent:
    """A varied sheet; `year` (令和N reported) fixes the edition, for several sheets of one book."""
    import random

    rng = random.Random(seed)
    year = rng.randint(4, 10) if year is None else year
    targets = []
    for name, unit in rng.sample(KYOTO_TARGETS, rng.randint(1, 5)):
        value = f"{rng.uniform(1, 9):.1f}" if unit == "点" else str(rng.randint(1, 500))
        group = "実施成果(アウトプット)" if unit in ("件", "社", "人", "回", "団体") else "事業効果(アウトカム)"
        targets.append(KyotoTarget(group, name, value, unit, rng.choice(("", "過去の実績から算出", "調査により算出"))))
    targets.sort(key=lambda t: t.group != "実施成果(アウトプット)")

    def money() -> tuple[str, str]:
        total = rng.randint(1000, 90000)
        return f"{total:,}", f"{rng.randint(0, total):,}"

    costs = []
    for label, fy, basis in (
        (f"令和{year}年度予算現額", year, "budget"),
        (f"令和{year}年度決算", year, "settled"),
        (f"令和{year + 1}年度当初予算", year + 1, "budget"),
    ):
        total, general = money()
        costs.append((label, total, general, REIWA + fy, basis))
    return KyotoSheetContent(
        number=rng.randint(1, 80),
        bureau=rng.choice(("産業観光局", "保健福祉局", "都市計画局")),
        name=rng.choice(("中小企業デジタル化支援事業", "地域の居場所づくり推進事業", "空き家活用促進事業")),
        year=year,
        period=f"令和{year}年度~{year + rng.randint(1, 3)}年度",
        outline=[rng.choice(REASONS) for _ in range(rng.randint(1, 3))],
        targets=targets,
        costs=costs,
        results=[f"(令和{year}年度)"] + [f"・{rng.choice(REASONS)}" for _ in range(rng.randint(1, 4))],
        evaluation=rng.sample(REASONS, rng.randint(1, 3)),
        roles=[(group, label, options, rng.randint(0, 1)) for group, label, options in KYOTO_ROLES],
        proposal=money(),
        direction=rng.choice(KYOTO_DIRECTIONS),
    )
