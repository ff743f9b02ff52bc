"""The printed grammar of a KPI table (主な成果・活動指標), shared by every reader.

A KPI table in the report family is printed as::

    ○川崎市創業支援事業計画全体での創業実績件数      <- indicator label
    R1（2019）年度 R2（2020）年度                     <- one column per fiscal year
    目 標（件） 90 95                                  <- target row, unit in brackets
    実 績（件） 160 201                                <- actual row

The same rows reach nenpo in two shapes: as lines of a text layer (the reference text,
where a row is one line and a cell may spill onto the next lines) and as positioned
lines on a PDF page (`kpi_pages`). This module holds what both share: the
patterns for year headers, row labels and cell tokens, and the row parser for text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import median_low

import regex

YEAR_COLUMN = regex.compile(
    r"(?P<era>[RHSＲＨＳ])\s*(?P<era_year>[0-9０-９]{1,2}|元)\s*[（(]\s*(?P<year>[0-9０-９]{4})\s*[）)]\s*年度"
)
"""One year column of a KPI header.

Matches ``R1（2019）年度``, ``R１（2019）年度``, ``H30(2018)年度``, ``Ｒ２（2020）年度``.
"""

YEAR_HEADER = regex.compile(rf"^\s*(?:{YEAR_COLUMN.pattern}\s*)+$")
"""A line made only of year columns: ``R1（2019）年度 R2（2020）年度``."""

ROW_LABEL = regex.compile(r"^\s*(?P<kind>目\s*標|実\s*績)\s*[（(](?P<unit>[^）)]{0,8})[）)]\s*(?P<rest>.*)$")
"""The label that opens a target or actual row, with the unit in brackets.

Matches ``目 標（件） 90 95``, ``目標（人） 1,930,000``, ``実績（万人） 15,600,000 12,760,000``,
``実 績（%） 74 91``; ``rest`` is whatever cells follow on the same line.
"""

CELL_TOKEN = regex.compile(
    r"""
    (?P<bracketed>[（(]\s*[△▲\-－−]?[0-9０-９][0-9０-９,，.．\s]*[）)])   # (220,000): a sub-value line
  | (?P<number>[△▲\-－−]?[0-9０-９][0-9０-９,，]*(?:\s*[.．]\s*[0-9０-９]+)?\s*[%％]?
        (?:\s*[（(][^（()）]*[）)])?)                                      # 59（新規38件・変更21件）, 35 .1%
  | (?P<word>中止|未実施|集計中|調査中|非公表|[－―—‐\-])                   # 中止 and dashes for not reported
    """,
    regex.VERBOSE,
)
"""One cell of a KPI row in text form.

Matches ``160``, ``１``, ``1,930,000``, ``(220,000)``, ``59（新規38件・変更21件）``,
``△21.2``, ``35 .1%``, ``中止``, ``－``.
"""

CELL_LINE = regex.compile(rf"^\s*(?:(?:{CELL_TOKEN.pattern})\s*)+$", regex.VERBOSE)
"""A line holding nothing but cells (the spill-over of a multi-line row)."""

INDICATOR_LABEL = regex.compile(r"^\s*(?:[○〇◯●]|【)")
"""The start of an indicator label: ``○観光客入込数`` or ``【参考 知的財産マッチング成⽴件数】``."""

KIND_WORDS = {"目標": "target", "実績": "actual"}


def row_kind(label: str) -> str:
    """'目 標' → 'target', '実績' → 'actual'."""
    return KIND_WORDS["".join(label.split())]


def split_cells(text: str) -> list[str]:
    """Split the cell text of a row into printed cells, attaching sub-value lines.

    ``'1,930,000\\n(220,000)\\n1,950,000\\n(220,000)'`` → ``['1,930,000\\n(220,000)', '1,950,000\\n(220,000)']``
    """
    cells: list[str] = []
    for match in CELL_TOKEN.finditer(text):
        token = match.group(0).strip()
        if match.group("bracketed") and cells:
            cells[-1] = f"{cells[-1]}\n{token}"
        else:
            cells.append(token)
    return cells


@dataclass
class TextRow:
    kind: str
    unit_text: str
    label_text: str
    cells: list[str]
    line: int


@dataclass
class TextTable:
    """A KPI table read from a text layer (no positions): header line, rows, nearby label."""

    header_line: int
    year_texts: list[str]
    years: list[int]
    rows: list[TextRow] = field(default_factory=list)
    indicator: str | None = None
    indicator_line: int | None = None


def _gregorian(match: regex.Match) -> int:
    return int(match.group("year").translate(str.maketrans("０１２３４５６７８９", "0123456789")))


def parse_text_tables(lines: list[str], max_label_distance: int = 12) -> list[TextTable]:
    """Find every KPI table in a text layer given as lines (0-based indices in results).

    The indicator is the nearest ○ line above the header within `max_label_distance`
    lines; on two-column pages that guess can be wrong, which is why PDF pages are read
    by position instead (`kpi_pages`).
    """
    tables: list[TextTable] = []
    i = 0
    n = len(lines)
    while i < n:
        if not YEAR_HEADER.match(lines[i]):
            i += 1
            continue
        columns = list(YEAR_COLUMN.finditer(lines[i]))
        table = TextTable(i, [m.group(0) for m in columns], [_gregorian(m) for m in columns])
        for back in range(i - 1, max(-1, i - 1 - max_label_distance), -1):
            if INDICATOR_LABEL.match(lines[back]):
                table.indicator, table.indicator_line = lines[back].strip(), back
                break
        j = i + 1
        current: TextRow | None = None
        spill: list[str] = []
        while j < n:
            line = lines[j]
            label = ROW_LABEL.match(line)
            if label:
                if current:
                    current.cells = split_cells("\n".join(spill))
                    table.rows.append(current)
                current = TextRow(row_kind(label.group("kind")), label.group("unit"), line.strip(), [], j)
                spill = [label.group("rest")]
            elif not line.strip() or (current and CELL_LINE.match(line)):
                if current:
                    spill.append(line)
            else:
                break
            j += 1
        if current:
            current.cells = split_cells("\n".join(spill))
            table.rows.append(current)
        if table.rows:
            tables.append(table)
        i = j
    return tables


CAPTION_BELOW = regex.compile(r"^\s*【\s*(?:参考\s*)?(?P<name>[^】]+?)\s*】\s*$")
"""The caption of an actual-only reference table, printed under it: ``【参考 知的財産マッチング成⽴件数】``."""

LIST_LINE = regex.compile(r"^\s*[「『・･]")
"""A line of a list under an item: ``「ナノテクノロジーセミナー」（1回）``, ``・例年の調査項目に加え…``."""

SENTENCE_END = regex.compile(r"[。．]\s*$")
"""The end of a paragraph's sentence: ``…を⾏います。``"""

ADJACENT = 2  # lines between a label and its table: a wrapped line or a subtitle


def indicator_in_text_order(
    norm: Sequence[str],
    header: int,
    floor: int,
    ceiling: int,
    is_heading: Callable[[str], str | None],
    fills_measure: Callable[[int], bool] | None = None,
    claimed: frozenset[int] | set[int] = frozenset(),
) -> tuple[list[int], str | None] | None:
    """The indicator label of the KPI table whose year header is line `header`, read from
    text order alone: (the label's line indexes, the name when a caption gives it).

    `norm` are the document's lines (normalised), `floor`..`ceiling` the measure sheet's;
    `is_heading(text)` gives a box heading's phase (``'do'``) or ``'kpi'`` for the KPI
    box, None for other lines. Rules, in order:

    1. adjacent: an ○ line at most `ADJACENT` lines above the header, not a sentence
       (``○…支援した。``) nor another table's label (`claimed`), with no other ○ line,
       heading, KPI row or list line (``「ナノ茶論」…``, ``・…``: the details of a Do
       item) between, and not the first item of a Plan/Do box (an ○ line right under
       ``令和２年度の実績`` is that box's caption);
    2. across a Do box: walking up from the table, the first Do heading with an ○ line
       just above it (captions between skipped, not a paragraph's sentence, not claimed):
       a two-column page printed the KPI label, then the Do column, then the table (or
       the tables); failing that, the Do box's first ○ line of rule 1;
    3. a caption under the table: ``【参考 …】`` on one of the two lines after the table;
    4. further up: the ○ line above an earlier Do heading (a second table's label can sit
       above the first table's Do box).

    A label line is joined with the next when the next is no longer than it (a wrapped
    label's last line is never longer; a subtitle under a short label is) and, where
    positions are known, `fills_measure(i)` says the label line runs to the column's edge
    (else `fills_by_length`).
    """
    fills = fills_measure or (lambda i: fills_by_length(norm, i))

    def label_at(i: int) -> list[int]:
        block = [i]
        if (
            i + 1 < header
            and not INDICATOR_LABEL.match(norm[i + 1])
            and not is_heading(norm[i + 1])
            and len(norm[i + 1].strip()) <= len(norm[i].strip())
            and fills(i)
        ):
            block.append(i + 1)
        return block

    def box_item(i: int) -> bool:
        return i - 1 >= floor and is_heading(norm[i - 1]) not in (None, "kpi")

    def sentence(i: int) -> bool:
        return any(SENTENCE_END.search(norm[j]) for j in label_at(i))

    first_item = None
    for i in range(header - 1, max(floor - 1, header - 2 - ADJACENT), -1):
        text = norm[i]
        if is_heading(text) or ROW_LABEL.match(text) or YEAR_HEADER.match(text) or LIST_LINE.match(text):
            break
        if INDICATOR_LABEL.match(text):
            if sentence(i) or i in claimed:
                break
            if not box_item(i):
                return label_at(i), None
            first_item = i
            break

    def above_do_heading(i: int) -> int | None:
        for j in range(i - 1, max(floor, i - 4) - 1, -1):
            if is_heading(norm[j]) or SENTENCE_END.search(norm[j]):
                return None  # a paragraph of the box above, not a label
            if INDICATOR_LABEL.match(norm[j]) and not box_item(j) and j not in claimed and not sentence(j):
                return j
        return None

    do_headings = [i for i in range(header - 1, floor - 1, -1) if is_heading(norm[i]) == "do"]
    if do_headings:
        found = above_do_heading(do_headings[0])
        if found is not None:
            return label_at(found), None
    if first_item is not None:
        return label_at(first_item), None
    end = header + 1
    while end < ceiling and (ROW_LABEL.match(norm[end]) or CELL_LINE.match(norm[end]) or YEAR_HEADER.match(norm[end])):
        end += 1
    for i in range(end, min(ceiling, end + 2)):
        caption = CAPTION_BELOW.match(norm[i])
        if caption:
            return [i], caption.group("name")
    for i in do_headings[1:]:
        found = above_do_heading(i)
        if found is not None:
            return label_at(found), None
    return None


def fills_by_length(norm: Sequence[str], index: int, around: int = 8) -> bool:
    """Text-only `fills_measure`: is line `index` as long as the nearby ○ lines that wrap
    (an ○ line followed by a line without a bullet; their median, leaving out lines half
    as long again, which run across a wider column), within a character? The median, not
    the longest: a line of half-width Latin counts more characters than it is wide."""
    length = len(norm[index].strip())
    edges = [
        len(norm[i].strip())
        for i in range(max(0, index - around), min(len(norm) - 1, index + around + 1))
        if i != index
        and INDICATOR_LABEL.match(norm[i])
        and norm[i + 1].strip()
        and not INDICATOR_LABEL.match(norm[i + 1])
        and not LIST_LINE.match(norm[i + 1])
        and len(norm[i].strip()) <= 1.5 * length
    ]
    return not edges or length >= median_low(edges) - 1
