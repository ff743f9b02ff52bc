"""Measure sheets (事務事業 PDCA sheets): where each starts and ends, its name and article.

A sheet opens on a page carrying the ``事業計画 Plan`` heading under a title printed in
the page's largest type at the top (``起業化総合支援事業``, or for a sub-measure
``商業振興関連事業 ②商業力強化事業``). Following pages with the same title, or with the
Check / Action headings and no title of their own, continue it. The footer names the
article of the ordinance (``第12条 創業・経営の革新等の促進``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

import regex

from nenpo.extractors.normalise import CIRCLED, normalise_name, normalise_text

SHEET_START = regex.compile(r"事業計画\s*Plan")
"""The heading that opens a sheet: ``事業計画 Plan``."""

SHEET_CONTINUES = regex.compile(r"検証意見\s*Check|以降の対応\s*Action|事業の実施状況\s*Do")
"""Headings of a sheet's later pages: ``主な検証意⾒ Check`` (radical ⾒ folded), ``令和３年度以降の対応 Action``."""

ARTICLE_FOOTER = regex.compile(r"^\s*第\s*(?P<article>[0-9]{1,2})\s*条\s*(?P<title>\S.*?)\s*$")
"""The sheet footer: ``第12条 創業・経営の革新等の促進``."""

SUB_MEASURE = regex.compile(r"^(?P<parent>\S.*?)\s*(?P<circled>[①-⑳])\s*(?P<name>\S.*)$")
"""A sub-measure title: ``商業振興関連事業 ②商業力強化事業`` → parent, ②, name."""

TITLE_BAND = 45.0  # points from the top of the page where a sheet title is printed
FOOTER_BAND = 70.0  # points from the bottom where the article footer is printed


@dataclass(frozen=True)
class SheetTitle:
    printed: str
    name: str
    name_raw: str
    parent: str | None
    position: int | None
    bbox: tuple[float, float, float, float]


def parse_title(printed: str, bbox) -> SheetTitle:
    """Split a printed sheet title into parent, ①② position and name."""
    text = normalise_text(printed)
    match = SUB_MEASURE.match(text)
    if match:
        raw_match = SUB_MEASURE.match(printed.strip())
        name_raw = raw_match.group("name") if raw_match else match.group("name")
        return SheetTitle(
            printed, normalise_name(match.group("name")), name_raw.strip(),
            normalise_name(match.group("parent")), CIRCLED[match.group("circled")], bbox,
        )
    return SheetTitle(printed, normalise_name(text), printed.strip(), None, None, bbox)


def page_title(lines: Sequence, folded: Sequence[str]) -> SheetTitle | None:
    """The sheet title: the largest type in the band at the top of the page."""
    top_lines = [(line, text) for line, text in zip(lines, folded) if line.bbox[1] < TITLE_BAND and text.strip()]
    if not top_lines:
        return None
    line, _ = max(top_lines, key=lambda lt: (lt[0].size, -lt[0].bbox[1]))
    return parse_title(getattr(line, "raw", line.text), line.bbox)


def page_article(lines: Sequence, folded: Sequence[str], height: float) -> tuple[int, str] | None:
    """The article named in the footer, as (number, title)."""
    for line, text in zip(lines, folded):
        if line.bbox[1] > height - FOOTER_BAND:
            match = ARTICLE_FOOTER.match(text)
            if match:
                return int(match.group("article")), match.group("title")
    return None


def is_sheet_start(folded: Sequence[str]) -> bool:
    return any(SHEET_START.search(text) for text in folded)


def is_sheet_continuation(folded: Sequence[str]) -> bool:
    return any(SHEET_CONTINUES.search(text) for text in folded)
