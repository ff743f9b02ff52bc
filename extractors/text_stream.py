"""An edition's text layer in reading order, one stream across page breaks.

The table readers read a table twice: from positions on the page (grids, aligned
columns) and from the order of the text layer, the order in which a PDF text extractor
returns the page's lines. The second reading needs the lines of consecutive pages as one
sequence, because a table printed across a page break (header at the foot of one page,
rows at the head of the next) is contiguous in text order once the page furniture
between them (the printed page number) is dropped.

A PDF writes a table row cell by cell, so MuPDF returns one line per cell; consecutive
lines on one baseline, left to right, are joined back into one line
(``農業，林業，漁業`` ``74`` ``64`` ``0.2%`` ``0.2%`` → ``農業，林業，漁業 74 64 0.2% 0.2%``),
which is how the grammars (`stat_tables.parse_census_text`, `budget.parse_budget_text`,
…) expect a row. Where the space between two lines of a page is wider than a line's
spacing (`BLANK_GAP`), the stream holds an empty line, as a text extractor writes a blank
line between paragraphs and between table cells; the grammars read cells by those
breaks. A page break adds none: a cell may go on at the head of the next page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import regex

from nenpo.extractors.lines import BBox
from nenpo.extractors.normalise import normalise_text

FOLIO = regex.compile(r"^-?\s*(?P<folio>[0-9]{1,3})\s*-?$")
"""The printed page number in the footer: ``- 17 -`` or ``17``."""

FOLIO_BAND = 45.0  # points from the bottom of the page where the folio is printed
BLANK_GAP = 0.75  # space between lines, in line heights, that reads as a blank line


class NormalisedLines(list[str]):
    """Lines already normalised (`normalise.normalise_text`) and stripped: the grammars
    take them as they are instead of normalising every line again."""


def normalised(lines: Sequence[str]) -> list[str]:
    """`lines` normalised and stripped, unless they already are (`NormalisedLines`)."""
    if isinstance(lines, NormalisedLines):
        return lines
    return [normalise_text(line).strip() for line in lines]


@dataclass
class StreamLine:
    """One line of the stream: normalised and printed text, its page and box."""

    text: str
    raw: str
    page: int
    bbox: BBox
    parts: list[tuple[str, str, BBox]] = field(default_factory=list)  # the page lines joined into it

    def part_boxes(self, n: int) -> list[BBox]:
        """A box for each of `n` cells read from this line: its parts' boxes when it was
        joined from `n` page lines (one a cell), else the line's box for every cell."""
        return [b for _, _, b in self.parts] if len(self.parts) == n else [self.bbox] * n


def _same_baseline(a: BBox, b: BBox) -> bool:
    height = max(a[3] - a[1], b[3] - b[1], 1.0)
    return abs((a[1] + a[3]) / 2 - (b[1] + b[3]) / 2) < 0.35 * height and b[0] >= a[2] - 1.0


@dataclass
class TextStream:
    """The lines of every page, in text order, page after page."""

    lines: list[StreamLine] = field(default_factory=list)
    body_bottom: float = 0.0  # the lowest bottom of a page's last line so far: where a full page ends
    _texts: NormalisedLines | None = field(default=None, repr=False)

    def _page_break(self, number: int, first: BBox) -> None:
        """A page that ended a line or more above where full pages end closed a paragraph
        (the next line would have fitted): the stream gets the blank line it lost."""
        last = next((l for l in reversed(self.lines) if l.text), None)
        if last is None or last.page != number - 1:
            return
        height = max(last.bbox[3] - last.bbox[1], 1.0)
        if self.body_bottom - last.bbox[3] > (1 + BLANK_GAP) * height:
            self.lines.append(StreamLine("", "", number, (first[0], first[1], first[0], first[1])))

    def add_page(self, number: int, height: float, lines: Sequence[Any]) -> None:
        """Append a page's lines (objects with text, raw and bbox), in the order given."""
        previous: StreamLine | None = None
        for line in lines:
            if line.bbox[1] > height - FOLIO_BAND and FOLIO.match(line.text.strip()):
                continue  # page furniture
            if previous is None:
                self._page_break(number, tuple(line.bbox))
            raw = line.raw.strip()
            if previous is not None and _same_baseline(previous.bbox, line.bbox):
                previous.parts.append((line.text.strip(), raw, tuple(line.bbox)))
                previous.text = f"{previous.text} {line.text.strip()}"
                previous.raw = f"{previous.raw} {raw}"
                b = previous.bbox
                previous.bbox = (b[0], min(b[1], line.bbox[1]), line.bbox[2], max(b[3], line.bbox[3]))
                continue
            if previous is not None and line.bbox[1] - previous.bbox[3] > BLANK_GAP * (
                previous.bbox[3] - previous.bbox[1]
            ):
                self.lines.append(
                    StreamLine("", "", number, (line.bbox[0], previous.bbox[3], line.bbox[0], line.bbox[1]))
                )
            previous = StreamLine(
                line.text.strip(), raw, number, tuple(line.bbox), [(line.text.strip(), raw, tuple(line.bbox))]
            )
            self.lines.append(previous)
        if previous is not None:
            self.body_bottom = max(self.body_bottom, previous.bbox[3])

    @property
    def texts(self) -> NormalisedLines:
        """The lines' normalised texts (computed once)."""
        if self._texts is None or len(self._texts) != len(self.lines):
            self._texts = NormalisedLines(line.text for line in self.lines)
        return self._texts

    @property
    def lefts(self) -> list[float]:
        """Where each line's last part starts on its page (the column of its last cell)."""
        return [line.parts[-1][2][0] if line.parts else line.bbox[0] for line in self.lines]

    def span(self, first: int, last: int) -> tuple[int, BBox]:
        """Page and box of lines first..last (inclusive) on the page of the first."""
        page = self.lines[first].page
        boxes = [l.bbox for l in self.lines[first : last + 1] if l.page == page]
        return page, (
            min(b[0] for b in boxes),
            min(b[1] for b in boxes),
            max(b[2] for b in boxes),
            max(b[3] for b in boxes),
        )
