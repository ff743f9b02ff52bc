"""The document's lines in text order, for the readers that work from it.

Every page's lines are normalised once (`report`) and kept here in the order
of the page's text layer, one list for the whole document: the text-order grammars
(`pdca_text`, `kpi_grammar.indicator_in_text_order`) read that list after the single
pass over the pages, without reading any page again. A place in the document is a
`Where`: (page, top), which orders lines the way text order does on a page set in one
column, and lets a measure sheet that starts mid-page own what follows its title.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

from nenpo.extractors.families.kawasaki_sme.kpi_grammar import CELL_LINE, INDICATOR_LABEL
from nenpo.extractors.families.kawasaki_sme.pdca import ITEM_START

Where = tuple[int, float]
"""(page, top): a place in the document; a sheet read by layout starts at (page, -inf)."""

SIDE_LINES = 5  # lines right of the middle (not numbers) that make a page two-column


@dataclass
class DocLines:
    """Lines (objects with ``text``, ``raw``, ``bbox``, ``size``) of every page, in order."""

    lines: list = field(default_factory=list)
    pages: list[int] = field(default_factory=list)
    starts: dict[int, int] = field(default_factory=dict)
    two_column: dict[int, bool] = field(default_factory=dict)

    def add(self, page: int, lines: Sequence, width: float) -> None:
        self.starts[page] = len(self.lines)
        self.lines.extend(lines)
        self.pages.extend([page] * len(lines))
        middle = width / 2
        side = sum(1 for l in lines if l.bbox[0] > middle + 10 and not CELL_LINE.match(l.text))
        self.two_column[page] = side >= SIDE_LINES

    _texts: list[str] | None = field(default=None, repr=False)

    @property
    def texts(self) -> list[str]:
        return [l.text for l in self.lines]

    def texts_view(self) -> list[str]:
        """`texts`, built once after the last page was added."""
        if self._texts is None or len(self._texts) != len(self.lines):
            self._texts = self.texts
        return self._texts

    @property
    def raws(self) -> list[str]:
        return [l.raw for l in self.lines]

    def where(self, index: int) -> Where:
        if index >= len(self.lines):
            return (self.pages[-1] + 1 if self.pages else 1, float("-inf"))
        return (self.pages[index], self.lines[index].bbox[1])

    def index_of(self, page: int, bbox) -> int | None:
        """The index of the line on `page` with this bbox (a line a positional reader used)."""
        start = self.starts.get(page)
        if start is None:
            return None
        end = bisect.bisect_right(self.pages, page)
        for i in range(start, end):
            if self.lines[i].bbox == bbox:
                return i
        return None

    def page_start(self, page: int) -> int:
        """Index of the first line on `page` or on the first page after it with lines."""
        return bisect.bisect_left(self.pages, page)

    def last_page_before(self, where: Where) -> int:
        """The page of the last line before `where`."""
        page, top = where
        start, end = self.page_start(page), self.page_start(page + 1)
        if any(self.lines[i].bbox[1] < top for i in range(start, end)):
            return page
        return self.pages[start - 1] if start else page

    def fills_measure(self, index: int, around: int = 8) -> bool:
        """Does line `index` run to the right edge of its column, as a wrapped line does?
        The edge is the furthest right that nearby bulleted lines of the same page and x
        reach where they wrap (an ○ line followed by a line without a bullet; lines half as
        wide again run across a wider column and are left out); with no such line nearby,
        nothing says it does not."""
        line, page = self.lines[index], self.pages[index]
        size = max(line.size, 1.0)
        edges = [
            self.lines[i].bbox[2]
            for i in range(max(0, index - around), min(len(self.lines) - 1, index + around + 1))
            if i != index
            and self.pages[i] == page == self.pages[i + 1]
            and abs(self.lines[i].bbox[0] - line.bbox[0]) < size
            and INDICATOR_LABEL.match(self.lines[i].text)
            and not ITEM_START.match(self.lines[i + 1].text)
            and abs(self.lines[i + 1].bbox[0] - line.bbox[0]) < size
            and self.lines[i].bbox[2] - line.bbox[0] <= 1.5 * (line.bbox[2] - line.bbox[0])
        ]
        return not edges or line.bbox[2] >= max(edges) - size
