"""Measure sheets (事務事業 PDCA sheets): where each starts and ends, its name and article.

A sheet opens on a page carrying the ``事業計画 Plan`` heading. Its title is read two ways:

- by layout: the page's largest type in the band at the top (``起業化総合支援事業``, or for a
  sub-measure ``商業振興関連事業 ②商業力強化事業``), when that type is larger than the
  page's body text: set in body size, the top line is just the page's first line;
- by text order: the line just before ``事業計画 Plan`` (`pdca_text`), where a sheet starts
  mid-page and its title is set like the body.

Either way a title must look like one (`TITLE_REJECTS`): an ○ indicator label, an item
(``①…``), a sentence or a heading is never a sheet title. Where both readings give a
title and they differ, the one the report lists (the policy list, `listed_name`) wins.
Following pages with the same title, or with the Check / Action headings and no title of
their own, continue a sheet read by layout; a sheet read by text order runs to the next
sheet's title. The footer names the article of the ordinance (``第12条 創業・経営の革新等の促進``);
the policy list names it too, and wherever text order puts the footer (see `report`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

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


TITLE_REJECTS: tuple[tuple[str, regex.Pattern], ...] = (
    ("an indicator label or bullet", regex.compile(r"^\s*[○〇◯●◎◆◇■□・※【]")),
    ("an item label", regex.compile(r"^\s*[①-⑳]")),
    ("a sentence", regex.compile(r"[。．]\s*$")),
    ("a KPI row or year header", regex.compile(r"^\s*(?:目\s*標|実\s*績)\s*[（(]|年度\s*$")),
    (
        "a heading of the sheet",
        regex.compile(r"\b(?:Plan|Do|Check|Action)\b|主な成果・活動指標|主な取組|^第\s*[0-9]+\s*条"),
    ),
    ("a page number", regex.compile(r"^\s*[-‐―－]?\s*[0-9]+\s*[-‐―－]?\s*$")),
)
"""What a sheet title never is (normalised text): ``○子どもたちのものづくりへの…`` (an
indicator label), ``①K-NICでは…``, ``…を実施。``, ``R1(2019)年度``, ``主な検証意見 Check``."""

TITLE_MAX = 40  # characters: a measure name, with its parent, is short


def title_rejected(text: str) -> str | None:
    """Why a line (normalised) cannot be a sheet title, or None."""
    if not text.strip():
        return "empty"
    if len(text.strip()) > TITLE_MAX:
        return "too long"
    return next((why for why, pattern in TITLE_REJECTS if pattern.search(text)), None)


def body_size(lines: Sequence) -> float:
    """The type size most lines of the page are set in."""
    sizes: dict[float, int] = {}
    for line in lines:
        size = round(line.size, 1)
        sizes[size] = sizes.get(size, 0) + 1
    return max(sizes, key=lambda s: (sizes[s], -s)) if sizes else 0.0


def listed_name(name: str, listed: Sequence[str]) -> bool:
    """Does the report list this measure name (normalised) under some spelling? Names
    differ between the policy list and the sheets (``ものづくり中小企業経営革新等支援事業``
    vs ``ものづくり中小企業経営支援事業``), so a close match counts."""
    from difflib import SequenceMatcher

    return any(name == other or SequenceMatcher(None, name, other).ratio() >= 0.75 for other in listed)


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
            printed,
            normalise_name(match.group("name")),
            name_raw.strip(),
            normalise_name(match.group("parent")),
            CIRCLED[match.group("circled")],
            bbox,
        )
    return SheetTitle(printed, normalise_name(text), printed.strip(), None, None, bbox)


def page_title(lines: Sequence, folded: Sequence[str]) -> SheetTitle | None:
    """The sheet title by layout: the largest type in the band at the top of the page, set
    larger than the body and looking like a title (None otherwise)."""
    top_lines = [(line, text) for line, text in zip(lines, folded) if line.bbox[1] < TITLE_BAND and text.strip()]
    if not top_lines:
        return None
    line, text = max(top_lines, key=lambda lt: (lt[0].size, -lt[0].bbox[1]))
    if line.size <= body_size(lines) + 0.5 or title_rejected(text):
        return None
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


JOINED_TITLE = regex.compile(r"^(?P<parent>[^・\s]+)・(?P<name>[^・\s]+)$")
"""A sheet titled with a parent and its one sub-measure: ``観光振興事業・産業観光推進事業``."""


def list_parents(
    entries: Sequence, titles: Sequence[SheetTitle], part: str
) -> tuple[list, list[tuple[str, int | None]]]:
    """The policy list's parents, settled by the sheet titles where the list's text order
    left them open (`PolicyListEntry` records; only those of `part`, the measures with sheets).

    A sub-measure's sheet names its parent (``商業振興関連事業 ④まちづくり連動事業``): a listed
    entry of that name gets that parent. A sheet titled ``観光振興事業・産業観光推進事業``
    joins a parent and its sub-measure: where both are listed one right after the other on
    the same pages and neither has a parent, the first is the second's parent, not an
    entry of its own. Returns the entries and, per change, what was changed and the list's
    page (for a warning)."""
    out = list(entries)
    changes: list[tuple[str, int | None]] = []
    for title in titles:
        joined = JOINED_TITLE.match(title.name) if title.parent is None else None
        for k, entry in enumerate(out):
            if entry.part != part:
                continue
            if title.parent is not None and entry.name == title.name and entry.parent != title.parent:
                changes.append((f"{entry.name!r} under {title.parent!r} (the list read {entry.parent!r})", entry.page))
                out[k] = entry.model_copy(update={"parent": title.parent})
            elif (
                joined
                and k + 1 < len(out)
                and entry.name == joined.group("parent")
                and out[k + 1].name == joined.group("name")
                and entry.part == out[k + 1].part
                and entry.parent is None
                and out[k + 1].parent is None
                and (entry.page_start, entry.page_end) == (out[k + 1].page_start, out[k + 1].page_end)
            ):
                changes.append(
                    (f"{out[k + 1].name!r} under {entry.name!r} (the list read both as measures)", entry.page)
                )
                out[k + 1] = out[k + 1].model_copy(update={"parent": entry.name})
                del out[k]
                out[k:] = [e.model_copy(update={"seq": e.seq - 1}) if e.part == part else e for e in out[k:]]
                break
    return out, changes
