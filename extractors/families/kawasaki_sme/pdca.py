"""PDCA items of a measure sheet, read by position: Plan, Do, Check, Action and their parts.

A sheet is printed in boxes, each opened by a heading (``事業計画 Plan``, ``主な検証意⾒
Check`` …), in two columns; the content stream draws the boxes in any order, so text order
interleaves the columns (the reference text shows a COVID opinion printed after all the
responses). Here every line is assigned to the nearest heading above it in its own
column, and within a box lines are grouped into items: an item starts at a bullet
(``○`` ``・`` ``◆`` ``※``) or an item label (``①``, ``①・②``, ``④~⑥``), and the lines
below it that carry no marker of their own are its wrapped continuation.

Headings are matched on normalised text, so radicals (``意⾒`` → 意見) and the year words
that change with each edition (``令和３年度以降の対応 Action``) do not matter.
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from nenpo.extractors.lines import BBox, SizedLine
from nenpo.extractors.models import PDCA_PHASES, PdcaPhase
from nenpo.extractors.normalise import normalise_text, split_item

Phase = PdcaPhase
PHASES: tuple[Phase, ...] = PDCA_PHASES
REVIEW_PHASES: frozenset[str] = frozenset({"check", "covid_check", "action"})
"""The phases of a Check/Action block, which sub-measures of one parent can share."""

_ERA_YEAR = r"(?:令和|平成)[^年]{0,12}年度"


@dataclass(frozen=True)
class Heading:
    phase: Phase | None
    """The phase whose items follow the heading; None for boxes whose content is not
    PDCA text (the KPI tables of 主な成果・活動指標, read by `kpi_pages`)."""
    pattern: regex.Pattern
    example: str
    """The heading as printed in the real edition."""


HEADINGS: tuple[Heading, ...] = (
    Heading("plan", regex.compile(r"^事業計画\s*Plan$"), "事業計画 Plan"),
    Heading("plan", regex.compile(r"^主な取組$"), "主な取組"),
    Heading("do", regex.compile(r"^事業の実施状況\s*Do$"), "事業の実施状況 Do"),
    Heading("do", regex.compile(rf"^{_ERA_YEAR}の(?:実績|取組)$"), "令和２年度の実績"),
    Heading("do", regex.compile(r"^主な成果・活動指標に関する補足事項$"), "主な成果・活動指標に関する補足事項"),
    Heading(None, regex.compile(r"^主な成果・活動指標$"), "主な成果・活動指標"),
    Heading(
        "covid_do", regex.compile(r"^新型コロナウイルス感染症に関する対応$"), "新型コロナウイルス感染症に関する対応"
    ),
    Heading("check", regex.compile(r"^主な検証意見\s*Check$"), "主な検証意⾒ Check"),
    Heading(
        "covid_check",
        regex.compile(r"^新型コロナウイルス感染症への対応に関する意見$"),
        "新型コロナウイルス感染症への対応に関する意⾒",
    ),
    Heading("action", regex.compile(rf"^{_ERA_YEAR}以降の対応\s*Action$"), "令和３年度以降の対応 Action"),
    Heading("next_plan", regex.compile(rf"^{_ERA_YEAR}の実施計画$"), "令和３年度の実施計画"),
)
"""Box headings of a sheet, tried in order on each line's normalised text (whole line)."""

ITEM_START = regex.compile(r"^(?:[○◎◆◇■□・※]|[①-⑳])")
"""What opens an item (normalised text): ``○各種セミナー…`` ``・新型コロナ…`` ``◆セミナー開催``
``※KIS: …`` ``①K-NICでは…`` ``①・②関係機関…`` ``④~⑥新型コロナを踏まえた対応…``."""

_BULLETS = "○◎◆◇■□・※〇◯●･"
"""Bullets as printed (〇 ◯ ● fold to ○ in normalised text); stripped from an item's text."""

INLINE_BULLET = regex.compile(r"(?<=\S)\s+(?=[○◯●〇](?!〇))")
"""A second bullet on the same printed line: ``○K-NICにおける起業家支援 ○かわさき起業家塾等の開催``."""

TITLE_BAND = 45.0  # points from the top: the sheet title
FOOTER_BAND = 45.0  # points from the bottom: article footer and page number
CONTINUATION_GAP = 1.0  # a wrapped line starts less than this many line heights below the last


Line = SizedLine


@dataclass
class PageItem:
    """One item read from a page, before it is tied to a measure."""

    phase: Phase
    label: str
    seq: tuple[int, ...]
    text_raw: str
    bbox: BBox
    column: int
    heading_top: float
    lines: list[str] = field(default_factory=list)
    read_by: str = "layout"
    """``text_order`` once `settle_trailing` moved the item to a heading printed after it."""

    @property
    def text(self) -> str:
        return normalise_text(self.text_raw)


def review_groups(sheets: Sequence[tuple[str | None, int | None, bool]]) -> list[tuple[int, ...]]:
    """Per sheet, the indexes of the sheets its Check/Action block applies to.

    `sheets` are (parent, ①② position, prints a Check/Action block) in printed order.
    Sub-measures of one parent can share one block, printed on the last sheet of the
    group: a block covers its own sheet and the sheets of the same parent just before it
    (consecutive positions) that print no block of their own. A sheet without a block
    gets no indexes (it is covered by a later sheet's block, or by none).
    """
    groups: list[tuple[int, ...]] = []
    for i, (parent, _position, has_review) in enumerate(sheets):
        if not has_review:
            groups.append(())
            continue
        first = i
        while parent is not None and first > 0:
            before_parent, before_position, before_review = sheets[first - 1]
            first_position = sheets[first][1]
            if (
                before_parent != parent
                or before_review
                or before_position is None
                or first_position is None
                or before_position != first_position - 1
            ):
                break
            first -= 1
        groups.append(tuple(range(first, i + 1)))
    return groups


_HEADING_FIRST = frozenset(normalise_text(h.example)[0] for h in HEADINGS)
"""First characters of the headings (事 主 令 新): most lines are ruled out without a regex."""
_HEADING_MAX = 40  # characters: headings are short; body lines are not tried


def heading_phase(text: str) -> tuple[bool, Phase | None]:
    """(is a heading, its phase) for a line's normalised text."""
    if not text or text[0] not in _HEADING_FIRST or len(text) > _HEADING_MAX:
        return False, None
    for heading in HEADINGS:
        if heading.pattern.match(text):
            return True, heading.phase
    return False, None


@dataclass
class _Carried:
    """Stands for the heading of a box that began on the page before."""

    text: str
    raw: str
    bbox: BBox
    size: float


def last_phases(lines: Sequence[Line], width: float) -> dict[int, Phase | None]:
    """Per column, the phase of the lowest heading on the page (the box a next page may go on with)."""
    middle = width / 2
    lowest: dict[int, tuple[float, Phase | None]] = {}
    for line in lines:
        found, phase = heading_phase(line.text)
        if found:
            column = _column(line.bbox, middle)
            if column not in lowest or line.bbox[1] > lowest[column][0]:
                lowest[column] = (line.bbox[1], phase)
    return {column: phase for column, (_, phase) in lowest.items()}


def _within(inner: BBox, outer: BBox) -> bool:
    return (
        inner[0] >= outer[0] - 1 and inner[1] >= outer[1] - 1 and inner[2] <= outer[2] + 1 and inner[3] <= outer[3] + 1
    )


def _union(a: BBox, b: BBox) -> BBox:
    return (min(a[0], b[0]), min(a[1], b[1]), max(a[2], b[2]), max(a[3], b[3]))


def _column(bbox: BBox, middle: float) -> int:
    return 0 if bbox[0] < middle else 1


def _split_inline(line: Line) -> list[tuple[str, str, BBox]]:
    """A line that carries several bulleted items, split into (text, raw, bbox) pieces."""
    if not ITEM_START.match(line.text) or INLINE_BULLET.search(line.raw) is None:
        return [(line.text, line.raw, line.bbox)]
    raws = INLINE_BULLET.split(line.raw.strip())
    x0, top, x1, bottom = line.bbox
    total = sum(len(r) for r in raws) or 1
    pieces, start = [], 0
    for raw in raws:
        end = start + len(raw)
        box = (x0 + (x1 - x0) * start / total, top, x0 + (x1 - x0) * end / total, bottom)
        pieces.append((normalise_text(raw), raw, box))
        start = end
    return pieces


def _start_item(phase: Phase, raw: str, bbox: BBox, column: int, heading_top: float) -> PageItem:
    printed = raw.strip()
    seq, label, rest = split_item(printed)
    if not label:
        rest = printed.lstrip(_BULLETS).lstrip()
    return PageItem(phase, label, seq, rest, bbox, column, heading_top, [raw])


ARTICLE_LINE = regex.compile(r"^\s*第\s*[0-9]{1,2}\s*条\s+\S")
"""A sheet's article footer, wherever it is printed: ``第12条 創業・経営の革新等の促進``."""


def read_page(
    lines: Sequence[Line],
    width: float,
    height: float,
    skip: Sequence[BBox] = (),
    carried: dict[int, Phase | None] | None = None,
) -> list[PageItem]:
    """The PDCA items printed on one sheet page, in reading order (left column first,
    then by heading, then top to bottom). Lines inside `skip` (the page's KPI tables and
    their labels) and article footers are no item's text: a page set in one column prints
    them under whatever heading came last. `carried` gives, per column, the phase of the
    last box of the page before (`last_phases`): lines above a column's first heading go
    on with that box (a box that runs over a page break); without it they are dropped."""
    middle = width / 2
    body = [
        l
        for l in lines
        if TITLE_BAND <= l.bbox[1] <= height - FOOTER_BAND
        and not ARTICLE_LINE.match(l.text)
        and not any(_within(l.bbox, box) for box in skip)
    ]
    headings: list[tuple[Line, Phase | None]] = []
    others: list[Line] = []
    for line in body:
        found, phase = heading_phase(line.text)
        (headings.append((line, phase)) if found else others.append(line))
    for column, phase in (carried or {}).items():
        if phase is not None:  # a heading above the page for the box that goes on
            x = 0.0 if column == 0 else middle
            headings.append((_Carried(f"({phase})", "", (x, -1.0, x, -1.0), 0.0), phase))
    if not headings:
        return []

    # per column, the headings' tops in order: a line belongs to the last heading at or above it
    tops: dict[int, list[tuple[float, int]]] = {0: [], 1: []}
    for i, (h, _) in enumerate(headings):
        tops[_column(h.bbox, middle)].append((h.bbox[1], i))
    for column in tops.values():
        column.sort()
    boxes: dict[int, list[Line]] = {}
    for line in others:
        column = tops[_column(line.bbox, middle)]
        k = bisect.bisect_right(column, (line.bbox[1] + 1.0, len(headings)))
        if k:
            boxes.setdefault(column[k - 1][1], []).append(line)

    items: list[PageItem] = []
    for index, box_lines in boxes.items():
        heading, phase = headings[index]
        if phase is None:
            continue
        column = _column(heading.bbox, middle)
        current: PageItem | None = None
        last_bottom = 0.0
        box_lines = sorted(box_lines, key=lambda l: (l.bbox[1], l.bbox[0]))
        if isinstance(heading, _Carried):  # only what starts an item: the rest is a title or a tail
            starts = [k for k, l in enumerate(box_lines) if ITEM_START.match(l.text)]
            box_lines = box_lines[starts[0] :] if starts else []
        for line in box_lines:
            for text, raw, bbox in _split_inline(line):
                gap = bbox[1] - last_bottom
                continues = (
                    current is not None and not ITEM_START.match(text) and gap < CONTINUATION_GAP * max(line.size, 1.0)
                )
                if continues:
                    # a wrapped line joins without a space, unless the printed line ended with
                    # one (``Kawasaki-NEDO Innovation `` / ``Center``)
                    space = " " if current.lines[-1][-1:].isspace() else ""
                    current.text_raw += space + raw.strip()
                    current.bbox = _union(current.bbox, bbox)
                    current.lines.append(raw)
                else:
                    current = _start_item(phase, raw, bbox, column, heading.bbox[1])
                    items.append(current)
                last_bottom = bbox[3]
    items.sort(key=lambda it: (it.column, it.heading_top, it.bbox[1], it.bbox[0]))
    return items


@dataclass(frozen=True)
class HeadingMark:
    """A box heading's place among a sheet's items in text order (see `settle_trailing`)."""

    phase: Phase | None


def bullet(item: PageItem) -> str:
    """The mark an item is printed with (``○`` ``・`` …; ``①`` for a numbered item)."""
    return normalise_text(item.lines[0].strip())[:1] if item.lines else ""


def settle_trailing(sequence: Sequence[HeadingMark | PageItem]) -> list[PageItem]:
    """Items of boxes whose heading is printed after them, moved to that heading's phase.

    `sequence` is a sheet's headings and items (Plan/Do and next year's plan; no
    Check/Action item) in text order, on a sheet set in one column where positions say
    no more than that order. A text layer draws a box's heading before or after its
    items; which, each heading tells by what follows it: a heading followed directly by
    the heading of another phase (or by the sheet's end) has no items after it, so it
    trails the items before it (a heading followed by one of its own phase is a box titled
    twice: ``事業の実施状況 Do`` then ``令和２年度の実績``) (``新型コロナウイルス感染症に関する対応``
    then ``主な成果・活動指標に関する補足事項``;
    ``主な検証意見 Check`` then ``令和３年度の実施計画`` then the Action heading). The items
    between two headings go to the heading before them unless a trailing heading after
    them claims them: a COVID box (``新型コロナウイルス感染症に関する対応``) claims the last
    items printed with a bullet of their own (``・`` after ``○`` items: the Do box's
    supplement and the COVID box are one run of text), any other box the whole run.
    Of several trailing headings after one run, the nearest takes an item. The KPI
    heading (phase None) and the Check/Action headings claim no run here.
    Returns the items whose phase changed (each marked ``read_by="text_order"``)."""
    claims = [k for k, token in enumerate(sequence) if isinstance(token, HeadingMark)]
    moved: list[PageItem] = []
    claimed: set[int] = set()
    for k in claims:
        token = sequence[k]
        after = sequence[k + 1] if k + 1 < len(sequence) else None
        empty = after is None or (isinstance(after, HeadingMark) and after.phase != token.phase)
        if not empty or token.phase is None or token.phase in REVIEW_PHASES:
            continue
        # the run of items before this heading's cluster of headings
        start = k
        while start > 0 and isinstance(sequence[start - 1], HeadingMark):
            start -= 1
        run_end = start
        while start > 0 and not isinstance(sequence[start - 1], HeadingMark):
            start -= 1
        run = [t for t in sequence[start:run_end] if isinstance(t, PageItem)]
        marked = len(run)
        while marked > 0 and ITEM_START.match(bullet(run[marked - 1])):
            marked -= 1
        run = run[marked:]  # a box's items open with a bullet or label; a caption before them is not one
        if not run:
            continue
        if token.phase == "covid_do":
            marks = [bullet(item) for item in run]
            tail = len(run)
            while tail > 0 and marks[tail - 1] == marks[-1]:
                tail -= 1
            if tail == 0 and start > 0:
                continue  # one bullet throughout: the box before owns the run
            run = run[tail:]
        for item in run:
            if id(item) in claimed:
                continue  # the heading nearest the items took them
            claimed.add(id(item))
            if item.phase != token.phase:
                item.phase, item.read_by = token.phase, "text_order"
                moved.append(item)
    return moved
