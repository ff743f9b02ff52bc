"""A sample edition as a stream of printed lines and tables, with ground truth pinned to them.

The alternative layouts are written as a stream: strings (one printed line each), tables
(`text_order.Table`, cells holding lines) and layout directives. Each truth record is
added with the ids of the lines it was printed on; once the stream is flowed onto pages,
`resolve` fills in the record's page (and bbox where the record has one). The records'
other fields come from the sample content, never from reading the PDF back.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from nenpo.samples.layouts.text_order import Cell, Layout, Row, Table

MARKERS = frozenset("○〇・･◎●◆■□※＊*【(（「" + "".join(chr(c) for c in range(0x2460, 0x2474)))
"""A wrapped continuation line never starts with one of these: it would read as a new item."""

CLOSING = frozenset("）)」』】、。，．ー")
"""Nor with closing punctuation (the Japanese line-breaking rule, kinsoku)."""

GLUED = frozenset("0123456789０１２３４５６７８９,.，．%％△▲ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-/:")
"""Characters of numbers and Latin words, which a line break never splits."""


def display_width(text: str) -> int:
    """Columns: two for a full-width character, one for a half-width one."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WFA" else 1 for ch in text)


def _bad_break(before: str, after: str) -> bool:
    return (
        after in MARKERS
        or after in CLOSING
        or after.isdigit()
        or before == " "
        or after == " "
        or (before in GLUED and after in GLUED)
    )


def wrap_columns(text: str, columns: int) -> list[str]:
    """Break text into lines of at most `columns` display columns (any character may break,
    except inside a number or Latin word, next to a space, or before an item marker)."""
    lines: list[str] = []
    current = ""
    for ch in text:
        if current and display_width(current + ch) > columns:
            cut = len(current)
            following = ch
            while cut > max(1, len(current) - 10) and _bad_break(current[cut - 1], following):
                cut -= 1
                following = current[cut]
            if _bad_break(current[cut - 1], following):
                cut = len(current)
            lines.append(current[:cut])
            current = current[cut:]
        current += ch
    if current:
        lines.append(current)
    return lines


PAGE_BREAK = "\f"
"""Directive: start a new page."""


def straddle(keep_rows: int) -> str:
    """Directive: place the next table so that only its first `keep_rows` rows fit on the page."""
    return f"\x0bkeep={keep_rows}"


@dataclass
class Stream:
    """Printed lines and tables in order; `records` are (truth list, record, line ids)."""

    items: list[str | Table] = field(default_factory=list)
    records: list[tuple[str, dict, list[int]]] = field(default_factory=list)
    _next_cell_id: int = 1_000_000

    def line(self, text: str) -> int:
        self.items.append(text)
        return len(self.items) - 1

    def blank(self) -> None:
        self.items.append("")

    def directive(self, text: str) -> None:
        self.items.append(text)

    def para(self, text: str, columns: int, indent: str = "") -> list[int]:
        """A paragraph wrapped to `columns`; forced breaks ('\\n') kept. Returns its line ids."""
        ids = []
        for forced in text.split("\n"):
            for piece in wrap_columns(forced, columns):
                ids.append(self.line(indent + piece))
        return ids

    def cell(self, lines: list[str]) -> list[tuple[str, int]]:
        """Lines of a table cell with fresh ids."""
        out = []
        for text in lines:
            out.append((text, self._next_cell_id))
            self._next_cell_id += 1
        return out

    def table(
        self, kind: str, widths: list[float], rows: list[list[tuple[int, list[str]] | tuple[int, list[str], int]]]
    ) -> list[list[Cell]]:
        """A table of rows of (column, lines[, span]); returns its cells (with their ids) row by row."""
        built = []
        for row in rows:
            cells = [Cell(c[0], self.cell(c[1]), span=c[2] if len(c) > 2 else 1) for c in row]
            built.append(Row(cells))
        self.items.append(Table(kind, widths, built))
        return [r.cells for r in built]

    def record(self, key: str, record: dict, ids: list[int]) -> dict:
        self.records.append((key, record, list(ids)))
        return record


def cell_ids(cells: list[Cell]) -> list[int]:
    return [src for c in cells for _, src in c.lines]


def resolve(stream: Stream, layout: Layout, truth: dict, page_offset: int = 0) -> None:
    """Append every record to its truth list with the page of its first line (plus
    `page_offset` pages printed before the flow) and, where it has one, the bbox of its
    lines on that page."""
    placed: dict[int, list] = {}
    for p in layout.placed:
        placed.setdefault(p.line, []).append(p)
    for key, record, ids in stream.records:
        found = [p for i in ids for p in placed.get(i, [])]
        if not found:
            raise ValueError(f"{key} record printed on no line: {record}")
        page = found[0].page
        on_page = [p.bbox for p in found if p.page == page]
        record["page"] = page + page_offset
        if "bbox" in record:
            record["bbox"] = [
                round(min(b[0] for b in on_page), 2),
                round(min(b[1] for b in on_page), 2),
                round(max(b[2] for b in on_page), 2),
                round(max(b[3] for b in on_page), 2),
            ]
        if "pages" in record:
            record["pages"] = sorted({p.page + page_offset for p in found})
        truth[key].append(record)
