"""The printed grammar of a KPI table (主な成果・活動指標), shared by every reader.

A KPI table in the report family is printed as::

    ○川崎市創業支援事業計画全体での創業実績件数      <- indicator label
    R1（2019）年度 R2（2020）年度                     <- one column per fiscal year
    目 標（件） 90 95                                  <- target row, unit in brackets
    実 績（件） 160 201                                <- actual row

The same rows reach nenpo in two shapes: as lines of a text layer (the reference text,
where a row is one line and a cell may spill onto the next lines) and as positioned
lines on a PDF page (`extractors.kpi_pages`). This module holds what both share: the
patterns for year headers, row labels and cell tokens, and the row parser for text.
"""

from __future__ import annotations

from dataclasses import dataclass, field

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
    by position instead (`extractors.kpi_pages`).
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
