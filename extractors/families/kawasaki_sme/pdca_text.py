"""Measure sheets and their Check/Action blocks in a plain text layer (lines, no positions).

A text layer without positions cannot tell the two columns of a sheet apart, so this
reader only finds what text order still gives away: the sheets (a title line above
``事業計画 Plan``), the ``主な検証意見 Check`` heading of each, and the numbered items that
follow it. In text order a block prints its opinions (①②③…), then the responses, whose
numbering starts again (①…), and sometimes a box drawn last with more opinions (the
COVID opinions, e.g. ⑥ after all the responses): each restart of the numbering switches
between opinions and responses. A sheet's block ends at the next sheet's title, or at an
article footer (``第19条 受注機会の増⼤等``) when the sheet is the last one.

The PDF reader (`pdca`) uses positions instead and reads every phase;
`report` runs this reader too, on the PDF's lines in text order, and keeps its
Check/Action block where positions give none (or carry no structure: one column).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

import regex

from nenpo.extractors.families.kawasaki_sme import pdca, sheets
from nenpo.extractors.normalise import normalise_text, split_item


@dataclass(frozen=True)
class TextItem:
    line: int
    """1-based line number of the item's label."""
    label: str
    seq: tuple[int, ...]
    text: str
    """The item's first paragraph (lines up to the next blank line, heading or label), normalised."""
    text_raw: str = ""
    """The same paragraph as printed, label taken off."""
    end_line: int = 0
    """1-based line number of the paragraph's last line."""


@dataclass
class TextSheet:
    title_line: int
    """1-based line number of the sheet title."""
    title: sheets.SheetTitle
    check_line: int | None = None
    end_line: int | None = None
    """1-based line number of the line that closes the sheet's Check/Action block: the
    article footer, the next sheet's title, or for the last sheet without a footer the
    last line of its last item."""
    opinions: list[TextItem] = field(default_factory=list)
    responses: list[TextItem] = field(default_factory=list)
    covers: tuple[str, ...] = ()
    """Measures the sheet's Check/Action block applies to (empty without a block)."""
    first_late: int = 0
    """Index of the first opinion printed after the responses: the box drawn last, which in
    this report holds the COVID opinions (新型コロナウイルス感染症への対応に関する意見)."""
    first_covid: int = 0
    """Index of the first COVID opinion (`covid_opinions`): the opinions from here on are
    the COVID box's, those before it the Check box's."""
    has_covid_box: bool = False
    """The block prints the COVID opinions heading."""


PANDEMIC = regex.compile(r"コロナ|感染症")
"""Words that name the pandemic in an opinion: ``④感染症の影響を受けた企業への資金繰り支援と…``,
``③…コロナ禍だからこそ、マイクロツーリズムに⼒を入れ…``, ``新型コロナが落ち着いた後に…``."""


QUOTE_MIN = 15  # characters an opinion shares with an article's opinion that quotes it


def quotes(text: str, summaries: Sequence[str]) -> bool:
    """Does one of the article's opinions (`summaries`, normalised) quote this opinion?
    The table of opinions per article (施策全体への意見 / コロナ対応への意見) repeats the
    sheets' opinions in shorter words: ``オンラインの活用やハイブリッドによるイベント開催等、``
    is in both the sheet's ④ and the article's コロナ対応への意見 (spaces aside)."""
    text = "".join(text.split())  # ``BCP が`` in one, ``BCPが`` in the other
    for summary in summaries:
        summary = "".join(summary.split())
        match = SequenceMatcher(None, text, summary, autojunk=False).find_longest_match(0, len(text), 0, len(summary))
        if match.size >= QUOTE_MIN:
            return True
    return False


def covid_opinions(
    opinions: Sequence[TextItem],
    first_late: int,
    has_covid_box: bool,
    covid_summaries: Sequence[str] = (),
    overall_summaries: Sequence[str] = (),
) -> int:
    """Where the COVID opinions begin among a block's opinions, by what text order shows.

    Opinions printed after the responses (from `first_late`) are the box drawn last. A
    block whose opinions precede the responses prints the COVID box's opinions last among
    them: from the first one the article's COVID opinion quotes (`covid_summaries`,
    `quotes`) on; before those, where the block prints the COVID box's heading
    (``新型コロナウイルス感染症への対応に関する意見``) or one was quoted, the opinions that name
    the pandemic (`PANDEMIC`), back to one the article's overall opinion quotes
    (`overall_summaries`: a Check opinion). The first opinion stays the Check box's."""
    first = min((k for k in range(1, first_late) if quotes(opinions[k].text, covid_summaries)), default=first_late)
    if has_covid_box or first < first_late:
        while (
            first > 1
            and PANDEMIC.search(opinions[first - 1].text)
            and not quotes(opinions[first - 1].text, overall_summaries)
        ):
            first -= 1
    return first


def _title_above(norm: Sequence[str], index: int) -> int | None:
    j = index - 1
    while j >= 0 and not norm[j].strip():
        j -= 1
    return j if j >= 0 else None


def _items(lines: Sequence[str], norm: Sequence[str], start: int, end: int) -> list[TextItem]:
    items = []
    for i in range(start, end):
        seq, label, rest = split_item(norm[i].strip())
        if not label:
            continue
        parts = [rest]
        raw_parts = [split_item(lines[i].strip())[2]]
        j = i + 1
        while (
            j < end
            and norm[j].strip()
            and not split_item(norm[j].strip())[1]
            and not pdca.heading_phase(norm[j].strip())[0]
        ):
            parts.append(norm[j].strip())
            raw_parts.append(lines[j].strip())
            j += 1
        items.append(TextItem(i + 1, label, seq, normalise_text("".join(parts)), "".join(raw_parts), j))
    return items


def _split_runs(items: list[TextItem]) -> tuple[list[TextItem], list[TextItem], int]:
    """Opinions and responses: the numbering restarting switches from one to the other.

    Once the responses have begun, a restart is read by the numbers it names: a response
    printed out of order names an opinion no response has answered yet (``②`` then ``①``);
    opinions printed after the responses (a box drawn last) name numbers no opinion had
    (``⑥``, or ``④`` after ``①②③⑤``); a number both have used, or a third switch, is no
    longer this block (``①令和２年度に実施した項目`` of the next section). The third value
    is how many opinions were printed before the responses."""
    opinions: list[TextItem] = []
    responses: list[TextItem] = []
    current, previous, switches = opinions, None, 0
    for item in items:
        if previous is not None and item.seq and previous.seq and min(item.seq) <= max(previous.seq):
            asked = {n for o in opinions for n in o.seq}
            answered = {n for r in responses for n in r.seq}
            if current is opinions:
                current, switches = responses, switches + 1
            elif set(item.seq) <= asked and not set(item.seq) & answered:
                pass  # a response out of order
            elif not set(item.seq) & asked and switches == 1:
                current, switches = opinions, switches + 1
            else:
                break
        current.append(item)
        previous = item
    before = len(opinions) if switches < 2 else next(k for k, o in enumerate(opinions) if o.line > responses[0].line)
    return opinions, responses, before


def read_text_sheets(lines: Sequence[str], norm: Sequence[str] | None = None) -> list[TextSheet]:
    """Every measure sheet of the text layer, with its Check/Action block where it has one.

    `norm` is the lines normalised, when the caller has them already (a PDF's lines)."""
    if norm is None:
        norm = [normalise_text(line) for line in lines]
    starts = [i for i, text in enumerate(norm) if sheets.SHEET_START.search(text)]
    found: list[TextSheet] = []
    bounds: list[int] = []
    for start in starts:
        title = _title_above(norm, start)
        if title is None:
            continue
        found.append(TextSheet(title + 1, sheets.parse_title(lines[title], None)))
        bounds.append(title)
    for k, sheet in enumerate(found):
        end = bounds[k + 1] if k + 1 < len(found) else len(lines)
        check = next((i for i in range(sheet.title_line, end) if pdca.heading_phase(norm[i]) == (True, "check")), None)
        if check is None:
            continue
        footer = next((i for i in range(check, end) if sheets.ARTICLE_FOOTER.match(norm[i])), end)
        sheet.check_line = check + 1
        sheet.opinions, sheet.responses, sheet.first_late = _split_runs(_items(lines, norm, check + 1, footer))
        sheet.has_covid_box = any(pdca.heading_phase(norm[i]) == (True, "covid_check") for i in range(check, end))
        sheet.first_covid = covid_opinions(sheet.opinions, sheet.first_late, sheet.has_covid_box)
        last_item = max((item.end_line for item in sheet.opinions + sheet.responses), default=check + 1)
        sheet.end_line = footer + 1 if footer < end else (end if k + 1 < len(found) else last_item)
    groups = pdca.review_groups([(s.title.parent, s.title.position, s.check_line is not None) for s in found])
    for sheet, group in zip(found, groups):
        sheet.covers = tuple(found[j].title.name for j in group)
    return found
