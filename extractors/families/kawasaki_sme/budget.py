"""The emergency-measure budget table (新型コロナウイルス感染症に関する本市の緊急経済対策).

Printed as a ruled table over several pages, the header repeated on each::

    № | 事業名                | 概要                 | 予算規模（千円）       | 実績等
    1 | 制度融資（保証料ゼロ・| 実質無利子融資及び…  | 25,242,358             | ・相談件数：19,302 件
      | 実質無利子）          |                      |                        | …
    3 | 中小商業者テイクアウト| …                    | 45,655                 | ・交付件数 205 件
      | 等参入支援事業補助金  |                      | （№13の一部の予算を含む） | ・交付額 16,728 千円
    12| 川崎じもと応援券事業（第１弾） | …          | 3,064,225              | …
      | 川崎じもと応援券事業（第２弾） | …          | 1,521,353              | 【R3 に実施】
    14| 職場環境改善支援補助金 | …                   | （１回目） 30,000 （２回目） 109,609 | （１回目）・交付件数 148 件 …

Every cell is multi-line. A row with two phases is either two sub-rows under one merged
№ cell (第１弾 / 第２弾) or one row whose budget and results cells are split by phase
marks (（１回目） / （２回目））; each phase becomes its own `BudgetItem`. A note under a
budget (``（№13の一部の予算を含む）``) says the amount is shared with the rows it names:
it is kept as `budget_note` with `shared_with`, and the warehouse counts a shared amount
once. Numbers inside 実績等 become `BudgetResult`s (`result_metrics`).

The same rows are read from a ruled grid (`read_budget_grid`) or from a text layer
(`parse_budget_text`, where cells arrive one after another).
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import regex

from nenpo.extractors.families.kawasaki_sme.budget_shares import counted_budgets, sharing_groups  # noqa: F401
from nenpo.extractors.families.kawasaki_sme.models import BudgetItem, BudgetResult
from nenpo.extractors.lines import BBox
from nenpo.extractors.normalise import normalise_name, normalise_text
from nenpo.extractors.paragraphs import unwrap
from nenpo.extractors.text_stream import normalised

if TYPE_CHECKING:
    from nenpo.extractors.grids import Grid


HEADER = regex.compile(r"^\s*(?:№|No\.?)?\s*事業名\s*概要\s*予算規模\s*\(\s*千円\s*\)\s*実績等\s*$")
"""The header as one text-layer line: ``№ 事業名 概要 予算規模 （千円） 実績等``."""

PHASE_MARK = regex.compile(r"^[(（]\s*(?P<phase>[0-9０-９]+\s*回目)\s*[)）]\s*(?P<rest>.*)$")
"""A phase mark opening a budget or results cell part: ``（１回目）``, ``（２回目） 【R3に実施】``."""

PHASE_IN_NAME = regex.compile(r"[(（]\s*(?P<phase>第\s*[0-9０-９]+\s*弾)\s*[)）]\s*$")
"""A phase printed in a sub-row's name: ``川崎じもと応援券事業（第１弾）``, ``…補助金（第 2弾）``."""

AMOUNT = regex.compile(r"^(?P<amount>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)$")
"""A budget amount in 千円: ``25,242,358``, ``8,000``."""

SHARED_WITH = regex.compile(r"(?:№|No\.?)\s*(?P<nos>[0-9]+(?:\s*[、,]\s*[0-9]+)*)")
"""The rows a budget note names: ``（№13の一部の予算を含む）`` → 13, ``（№15、16 の予算を含む）`` → 15, 16."""

RESULT_NUMBER = regex.compile(
    r"(?<![0-9A-Za-z.,/-])(?P<number>[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)\s*"
    r"(?P<unit>百万円|千円|万円|円|事業所|箇所|か所|件|冊|部|台|回|人|名|社|泊|%)"
)
"""A number with its unit inside 実績等: ``66 件``, ``11,073 千円``, ``10,000 部``, ``11台``."""

LABEL_EDGES = regex.compile(r"^[\s・･※○◎:：]+|[\s:：]+$")
"""Bullets, colons and spaces around a result label: ``・相談件数：`` → ``相談件数``."""


@dataclass(frozen=True)
class Metric:
    metric: str
    value: float
    unit: str
    value_text: str


def result_metrics(results: str) -> list[Metric]:
    """The numbers of a 実績等 text (paragraphs as `paragraphs.unwrap` gives them).

    The label of a number is the text before it, back to the previous number of the same
    paragraph (``・交付件数 66 件`` → 交付件数); a number with no text before it repeats the
    label before it (``融資実績:8,120 件 141,653,132 千円``). A paragraph without numbers
    (``・求人開拓件数``) lends its text to the next paragraph's first label when that one is
    empty or only a bracket (``(増員分) 1,079 件`` → 求人開拓件数(増員分)).
    """
    out: list[Metric] = []
    pending = ""
    for paragraph in results.split("\n"):
        label = ""
        end = 0
        found = False
        for m in RESULT_NUMBER.finditer(paragraph):
            text = LABEL_EDGES.sub("", paragraph[end : m.start()])
            if not found and pending and (not text or text.startswith("(")):
                text = pending + text
            label = text or label
            if label:
                out.append(
                    Metric(label, float(m.group("number").replace(",", "")), m.group("unit"), m.group(0).strip())
                )
            end = m.end()
            found = True
        pending = "" if found else LABEL_EDGES.sub("", paragraph)
    return out


@dataclass
class RawRow:
    """The cell lines of one printed (sub-)row, normalised, before phases are split."""

    no: int | None
    name: list[str] = field(default_factory=list)
    name_raw: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    budget: list[str] = field(default_factory=list)
    results: list[str] = field(default_factory=list)
    page: int = 1
    bbox: BBox | None = None
    line: int | None = None  # text layer: 0-based line of the № (or of the phase name)
    header: int | None = None  # text layer: 0-based line of the header printed over the row


def _split_by_phase(lines: list[str]) -> list[tuple[str | None, list[str]]]:
    """Lines cut at phase marks: [(None, lines before any mark), ('1回目', …), …]."""
    parts: list[tuple[str | None, list[str]]] = [(None, [])]
    for line in lines:
        m = PHASE_MARK.match(line)
        if m:
            parts.append(
                (normalise_text(m.group("phase")).replace(" ", ""), [m.group("rest")] if m.group("rest") else [])
            )
        else:
            parts[-1][1].append(line)
    return [p for p in parts if p[0] is not None or p[1]]


def _budget_cell(lines: list[str]) -> tuple[float | None, str, str | None]:
    """(amount, amount as printed, note) of a budget cell without phase marks."""
    amount, printed, note = None, "", []
    for line in lines:
        m = AMOUNT.match(line.strip())
        if m and amount is None:
            amount, printed = float(m.group("amount").replace(",", "")), m.group("amount")
        else:
            note.append(line.strip())
    return amount, printed, "".join(note) or None


def _shared(note: str | None) -> tuple[int, ...]:
    if not note:
        return ()
    return tuple(int(n) for m in SHARED_WITH.finditer(note) for n in regex.split(r"\s*[、,]\s*", m.group("nos")))


def build_items(rows: Sequence[RawRow]) -> tuple[list[BudgetItem], list[BudgetResult]]:
    """Budget items and result numbers from printed rows (sub-rows of one № follow it)."""
    groups: list[list[RawRow]] = []
    for row in rows:
        if row.no is None and groups:
            groups[-1].append(row)
        elif row.no is not None:
            groups.append([row])
    items: list[BudgetItem] = []
    results: list[BudgetResult] = []

    def add(no, phase, row: RawRow, summary, budget_lines, result_lines):
        amount, printed, note = _budget_cell(budget_lines)
        results_text = unwrap(result_lines)
        items.append(
            BudgetItem(
                no=no,
                phase=phase,
                name=normalise_name("".join(row.name)),
                name_raw="".join(row.name_raw),
                summary=summary,
                budget_thousand_yen=amount,
                budget_text=printed,
                budget_note=note,
                shared_with=_shared(note),
                results_text=results_text,
                page=row.page,
                bbox=row.bbox,
            )
        )
        results.extend(
            BudgetResult(
                no=no, phase=phase, metric=m.metric, value=m.value, unit=m.unit, value_text=m.value_text, page=row.page
            )
            for m in result_metrics(results_text)
        )

    for group in groups:
        no = group[0].no
        if len(group) > 1:  # 第１弾 / 第２弾 as sub-rows; an unmarked first one is 第1弾
            marks = [PHASE_IN_NAME.search("".join(row.name)) for row in group]
            for k, (row, m) in enumerate(zip(group, marks)):
                if m:
                    phase = normalise_text(m.group("phase")).replace(" ", "")
                else:
                    phase = f"第{k + 1}弾" if any(marks) else str(k + 1)
                add(no, phase, row, unwrap(row.summary), row.budget, row.results)
            continue
        row = group[0]
        summary = unwrap(row.summary)
        budget_parts = _split_by_phase(row.budget)
        phases = [p for p, _ in budget_parts if p is not None]
        if not phases:
            add(no, None, row, summary, row.budget, row.results)
            continue
        result_parts = dict(_split_by_phase(row.results))
        for k, (phase, lines) in enumerate(p for p in budget_parts if p[0] is not None):
            add(no, phase, row, summary, lines, result_parts.get(phase, result_parts.get(None, []) if k == 0 else []))
    return items, results


# --- ruled grids ------------------------------------------------------------------------------


def _compact(text: str) -> str:
    return "".join(text.split())


COLUMNS: tuple[tuple[str, regex.Pattern], ...] = (
    ("no", regex.compile(r"^(?:№|No\.?|番号)$")),
    ("name", regex.compile(r"^事業名$")),
    ("summary", regex.compile(r"^概要$")),
    ("budget", regex.compile(r"^予算(?:規模)?")),
    ("results", regex.compile(r"^実績")),
)
"""Header cell → column role (header text compacted and normalised: ``№`` reads ``No``)."""


def is_budget_table(grid: Grid) -> bool:
    header = [_compact(t) for t in grid.row_texts(0)]
    return any(h == "事業名" for h in header) and any(h.startswith("予算規模") for h in header)


def read_budget_grid(grid: Grid, page: int) -> list[RawRow]:
    """The printed rows of one page's part of the table (a sub-row has no = None)."""
    header = [_compact(t) for t in grid.row_texts(0)]
    cols = {role: next((c for c, h in enumerate(header) if p.match(h)), None) for role, p in COLUMNS}
    if cols["no"] is None:
        cols["no"] = 0
    rows = []
    for r in range(1, grid.n_rows):
        no_cell = grid.at(r, cols["no"])
        row = RawRow(None, page=grid.row_page(r, page), bbox=grid.row_bbox(r))
        if no_cell is not None and no_cell.row == r and _compact(no_cell.text).isdigit():
            row.no = int(_compact(no_cell.text))
        for role in ("name", "summary", "budget", "results"):
            cell = grid.at(r, cols[role]) if cols[role] is not None else None
            if cell is None or cell.row != r:
                continue
            setattr(row, role, cell.text.split("\n") if cell.text else [])
            if role == "name":
                row.name_raw = cell.raw.split("\n") if cell.raw else []
        if row.no is None and not any((row.name, row.summary, row.budget, row.results)):
            continue
        rows.append(row)
    return rows


# --- text layers ------------------------------------------------------------------------------

NOT_IN_TABLE = regex.compile(
    r"^(?:\*|＊|予算規模は|令和.{1,8}年度から.{1,12}年度にかけて実施する事業は|\(令和.{1,12}現在の予算額\)"
    r"|[①-⑳].{0,30}実施した項目|.{0,20}緊急経済対策(?:に関する実施時期)?$)"
)
"""Page furniture between the rows of a text layer: footnotes (``＊予算規模は、令和２年度末の
最終予算額。``, ``令和２年度から令和３年度にかけて実施する事業は、…``, ``（令和 3年 7月末現在の
予算額）``), section titles (``②令和２年度・令和３年度に実施した項目``) and the title."""

TABLE_END = regex.compile(r"緊急経済対策に関する実施時期|^その他の事業$")
"""Where the table's text ends: the schedule chart that follows it (``令和２年度の緊急経済対策に
関する実施時期``) or the next part."""

BUDGET_LINE = regex.compile(r"^(?P<amount>[0-9]{1,3}(?:,[0-9]{3})+)(?:\s+(?P<rest>\S.*))?$")
"""A text-layer line opening the budget cell: ``25,242,358``, ``23,998 ・相談件数 338 件``
(the results cell starts on the same line), ``1,521,353 【R3 に実施】``."""

BUDGET_IN_LINE = regex.compile(
    r"^(?P<before>.*[^\s(（])\s+(?P<amount>[0-9]{1,3}(?:,[0-9]{3})+)(?:\s+(?P<rest>(?![円万千件人冊部社%])\S.*))?$"
)
"""A summary line that runs on into the budget cell on its baseline (and maybe the
results): ``【概要】1冊 10,000 円(1,000 円×12枚) 1,521,353 ・発売冊数``,
``…資金繰り支援を実施 18,410,522 ・相談件数:6,214 件``; never an amount with its unit
(``上限 1,000 万円``)."""

PHASE_NAME_END = regex.compile(r"第\s*[0-9０-９]+\s*弾\s*[)）]\s*$")
"""The end of a phase sub-row's name: ``事業（第２弾）``, ``事業補助金（第 2`` / ``弾）`` joined."""

RESULTS_START = regex.compile(r"^(?:・|※|【R)")
"""A line that can open a results cell when no budget was printed: ``・申請件数 35 件``."""


def _blocks(lines: list[tuple[int, str]]) -> list[list[tuple[int, str]]]:
    """Runs of non-blank lines."""
    out: list[list[tuple[int, str]]] = [[]]
    for i, text in lines:
        if text:
            out[-1].append((i, text))
        elif out[-1]:
            out.append([])
    return [b for b in out if b]


def _row_start(text: str, expected: int) -> tuple[str, str] | None:
    """(text before the №, text after it) when `text` opens row `expected`, else None:
    ``12``, ``【R3 に実施】 21`` (the row before ends on the №'s line), ``1 制度融資(保証料ゼ``
    (the name starts on it; never a number with its unit, ``3 件``)."""
    if text == str(expected):
        return "", ""
    m = regex.match(rf"^(?P<before>.*\S)\s+{expected}$", text)
    if m and not AMOUNT.match(m.group("before")):
        return m.group("before"), ""
    m = regex.match(rf"^{expected}\s+(?P<after>[^\s0-9,.].*)$", text)
    if m and not RESULT_NUMBER.match(text):
        return "", m.group("after")
    return None


def parse_budget_text(lines: Sequence[str], lefts: Sequence[float] | None = None) -> list[RawRow]:
    """The printed rows of the table in a text layer (line numbers are 0-based).

    Cells arrive one after another: the №, the name (up to the first blank line), the
    summary, the budget (a comma-grouped amount or a phase mark) with its note, then the
    results until the next № (which may end a results line: ``【R3 に実施】 21``). Phase
    sub-rows start with a name ending ``（第２弾）``. Footnotes, repeated headers and section
    titles between pages are skipped (`NOT_IN_TABLE`). `lefts` (where each line's last
    part starts on its page) tell a name from the summary beside it where the table's
    columns are printed in place."""
    texts = normalised(lines)
    start = next((i for i, t in enumerate(texts) if "予算規模" in t and HEADER.match(t)), None)
    if start is None:
        return []
    end = next((i for i in range(start, len(texts)) if TABLE_END.search(texts[i]) and i > start), len(texts))
    body = [
        (i, "" if HEADER.match(t) or NOT_IN_TABLE.match(t) else t)
        for i, t in enumerate(texts[start + 1 : end], start + 1)
    ]
    # cut into rows at № lines
    rows_lines: list[tuple[int, int, list[tuple[int, str]]]] = []
    expected = 1
    current: list[tuple[int, str]] | None = None
    for i, text in body:
        opened = _row_start(text, expected) if text else None
        if opened is not None:
            before, after = opened
            if current is not None and before:
                current.append((i, before))
            current = [(i, after)] if after else []
            rows_lines.append((expected, i, current))
            expected += 1
        elif current is not None:
            current.append((i, text))
    rows: list[RawRow] = []
    width = name_width([cell_lines for _, _, cell_lines in rows_lines])
    headers = [i for i in range(start, end) if HEADER.match(texts[i])]
    body_lefts = [lefts[i] for i, t in body if t] if lefts is not None else []
    columnar = lefts if body_lefts and max(body_lefts) - min(body_lefts) > COLUMNAR else None
    for no, line_no, cell_lines in rows_lines:
        for row in _text_row(no, line_no, cell_lines, width, columnar):
            row.header = max(h for h in headers if h <= (row.line if row.line is not None else line_no))
            rows.append(row)
    return rows


def text_cells(rows: Sequence[RawRow], stream) -> list[tuple]:
    """The table the text order read, as table cells printed in its grid: a table per
    header printed (№ / 事業名 / 概要 / 予算規模（千円） / 実績等), a row per printed (sub-)row,
    each cell its lines joined by line breaks. (page, bbox, "budget", cells) per table."""
    tables = []
    for header in dict.fromkeys(r.header for r in rows):
        line = stream.lines[header]
        names = [
            m.group(0) for m in regex.finditer(r"(?:№|No\.?)|事業名|概要|予算規模\s*\(\s*千円\s*\)|実績等", line.text)
        ]
        boxes = line.part_boxes(len(names))
        cells = [(0, c, 1, 1, n, n, b, line.page) for c, (n, b) in enumerate(zip(names, boxes))]
        for r, row in enumerate((row for row in rows if row.header == header), start=1):
            at = stream.lines[row.line] if row.line is not None else line
            values = [
                str(row.no) if row.no is not None else "",
                "\n".join(row.name),
                "\n".join(row.summary),
                "\n".join(row.budget),
                "\n".join(row.results),
            ]
            cells += [(r, c, 1, 1, v, v, at.bbox, at.page) for c, v in enumerate(values) if v]
        tables.append((line.page, line.bbox, "budget", cells))
    return tables


FULL = 0.85  # a name line at least this share of the name column's width is full: the name may go on


def display_width(text: str) -> int:
    """Width in half-width cells (a full-width character counts two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def name_width(rows_lines: Sequence[list[tuple[int, str]]]) -> int:
    """The width a name wraps at: the commonest width of the rows' first name lines."""
    widths = Counter(display_width(next(t for _, t in lines if t)) for lines in rows_lines if any(t for _, t in lines))
    return widths.most_common(1)[0][0] if widths else 0


COLUMN_STEP = 20.0  # points: a line starting this far right or left of the one before is in another column
COLUMNAR = 50.0  # points: body lines starting this far apart say the table's columns are where they are printed


def _name_end(block: list[tuple[int, str]], width: int, lefts: Sequence[float] | None = None) -> int | None:
    """Where the name at the head of a block ends when no blank line closed it. Where the
    lines keep their columns' positions (`lefts`: where each line's last part starts), at
    the first line in another column; else after a line that does not fill the name
    column (unless a bracket is open), or before a line wider than the column."""
    for j in range(1, len(block)):
        if lefts is not None:
            if abs(lefts[block[j][0]] - lefts[block[j - 1][0]]) > COLUMN_STEP:
                return j
            continue
        before, text = block[j - 1][1], block[j][1]
        open_bracket = before.count("(") > before.count(")")
        if display_width(text) > width / FULL or (display_width(before) < FULL * width and not open_bracket):
            return j
    return None


def _phase_name_at(block: list[tuple[int, str]], e: int, width: int) -> int:
    """The first line of a phase sub-row's name ending on line e: back over lines that
    leave a bracket open or fill the name column (``川崎じもと応援券`` / ``事業（第２弾）``,
    ``川崎じもと応援券事業(第`` / ``2弾)``), never over a result or an amount."""
    s = e
    while s > 0 and e - s < 2:
        before = block[s - 1][1]
        if RESULTS_START.match(before) or RESULT_NUMBER.search(before) or AMOUNT.match(before.strip()):
            break
        if not (before.count("(") > before.count(")") or (width and display_width(before) >= FULL * width)):
            break
        s -= 1
    return s


def _cut_blocks(
    blocks: list[list[tuple[int, str]]],
    width: int = 0,
    lefts: Sequence[float] | None = None,
) -> list[list[tuple[int, str]]]:
    """Blocks cut where a blank line between cells was lost (a page break falling on it,
    or a text layer without blank lines):

    - the name block, where the name ends (`_name_end`): ``小規模事業者臨時`` / ``給付金`` /
      ``市内の小規模事業者の事業継続のための給付金を``;
    - around a phase sub-row's name inside a block: ``・交付額`` / ``8,295 千円`` /
      ``商店街等緊急支援`` / ``事業補助金（第 2`` / ``弾）`` / ``【概要】…``."""
    out: list[list[tuple[int, str]]] = []
    for k, block in enumerate(blocks):
        pieces = [block]
        ends = [
            e
            for e in range(len(block))
            if PHASE_NAME_END.search(block[e][1]) or (e and PHASE_NAME_END.search(block[e - 1][1] + block[e][1]))
        ]
        cuts = sorted({c for e in ends for c in (_phase_name_at(block, e, width), e + 1) if 0 < c < len(block)})
        if cuts:
            pieces = [block[a:b] for a, b in zip([0, *cuts], [*cuts, len(block)])]
        if k == 0 and (width or lefts) and len(pieces[0]) > 1 and (j := _name_end(pieces[0], width, lefts)) is not None:
            pieces[:1] = [pieces[0][:j], pieces[0][j:]]
        out += [p for p in pieces if p]
    return out


def _text_row(
    no: int,
    line_no: int,
    cell_lines: list[tuple[int, str]],
    width: int = 0,
    lefts: Sequence[float] | None = None,
) -> list[RawRow]:
    blocks = _cut_blocks(_blocks(cell_lines), width, lefts)
    out: list[RawRow] = []
    k = 0
    while k < len(blocks):
        name_block = blocks[k]
        row = RawRow(
            no if not out else None,
            [t for _, t in name_block],
            [t for _, t in name_block],
            line=name_block[0][0] if out else line_no,
        )
        k += 1
        stage = "summary"
        while k < len(blocks):
            block = blocks[k]
            joined = "".join(t for _, t in block)
            if stage != "summary" and PHASE_NAME_END.search(joined) and len(block) <= 3:
                break  # the next phase's name
            for _, text in block:
                m = BUDGET_LINE.match(text)
                if stage == "summary" and not m and (inline := BUDGET_IN_LINE.match(text)):
                    row.summary.append(inline.group("before"))  # the summary's last line, then the budget
                    m = BUDGET_LINE.match(text[inline.start("amount") :])
                if stage == "summary" and (m or PHASE_MARK.match(text)):
                    stage = "budget"
                if stage == "budget":
                    if m:
                        row.budget.append(m.group("amount"))
                        if m.group("rest"):
                            row.results.append(m.group("rest"))
                            stage = "results"
                        continue
                    mark = PHASE_MARK.match(text)
                    if mark and text not in row.budget:  # a phase mark seen again opens the results
                        row.budget.append(text)
                        continue
                    if not mark and row.budget and _in_note(row.budget, text):
                        row.budget.append(text)
                        continue
                    stage = "results"
                if stage == "results":
                    row.results.append(text)
                else:
                    row.summary.append(text)
            k += 1
        if not row.budget and not row.results and row.summary:
            # no budget printed: trailing result lines end the summary
            cut = next(
                (
                    j
                    for j in range(len(row.summary) - 1, 0, -1)
                    if RESULTS_START.match(row.summary[j]) and not RESULTS_START.match(row.summary[j - 1])
                ),
                None,
            )
            if cut is not None and regex.search(RESULT_NUMBER, "".join(row.summary[cut:])):
                row.summary, row.results = row.summary[:cut], row.summary[cut:]
        out.append(row)
    return out


def _in_note(budget: list[str], text: str) -> bool:
    """Is `text` part of the note under a budget? A note opens with '(' and runs to ')'."""
    note = "".join(t for t in budget if not AMOUNT.match(t) and not PHASE_MARK.match(t))
    if PHASE_MARK.match(budget[-1]):
        return False
    if not note:
        return text.startswith("(") and "予算" in text or text.startswith("(No") or text.startswith("(№")
    return note.count("(") > note.count(")")
