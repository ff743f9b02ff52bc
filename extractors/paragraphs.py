"""Multi-line cell text back into paragraphs.

Table cells wrap their text to the cell width, so one sentence arrives as several
printed lines (``テイクアウトやデリバリー、インターネットを活`` / ``用した新たなサービス…``).
A line that starts with a paragraph marker (``・`` ``※`` ``【`` ``(`` ``①`` …) opens a new
paragraph; any other line continues the one before it, joined without a space (Japanese
wraps anywhere) — except before a digit, where the break separated a label from its
number (``・交付額`` / ``11,073 千円`` → ``・交付額 11,073 千円``).
"""

from __future__ import annotations

from collections.abc import Iterable

import regex

PARAGRAPH_START = regex.compile(r"^[・･○◎●◆■□※＊*【(（①-⑳]")
"""A line that opens a paragraph: ``・交付件数 66 件``, ``【対象】``, ``(融資限度額を…``,
``※予算は起業化総合支援事業と一体的に執行``, ``①市内観光農園に加え…``."""


def unwrap(lines: Iterable[str]) -> str:
    """Printed lines → paragraphs joined by '\\n' (see the module docstring)."""
    paragraphs: list[str] = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not paragraphs or PARAGRAPH_START.match(line):
            paragraphs.append(line)
        else:
            paragraphs[-1] += (" " if line[0].isdigit() else "") + line
    return "\n".join(paragraphs)
