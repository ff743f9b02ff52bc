"""The shapes every reader shares: a box on the page and the lines readers take.

A reader states the least it needs of a line (`PositionedLine`: text and box; `PrintedLine`:
also the text as printed; `SizedLine`: also the type size), so that the page layer's lines,
recognised lines and lines made in tests all serve.
"""

from __future__ import annotations

from typing import Protocol

BBox = tuple[float, float, float, float]
"""(x0, top, x1, bottom) in PDF points, origin at the top-left of the page."""


class PositionedLine(Protocol):
    """A line on a page: `text` is what the patterns read (normalised)."""

    text: str
    bbox: BBox


class PrintedLine(PositionedLine, Protocol):
    """… with `raw`, the text as printed, which is what cells and labels keep."""

    raw: str


class SizedLine(PrintedLine, Protocol):
    """… with the type size in points (titles and headings are told by it)."""

    size: float
