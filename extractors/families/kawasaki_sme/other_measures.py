"""その他の事業: per measure, next year's plan beside this year's results.

Printed without ruling lines, under article headings that are not repeated when a page
breaks inside an article::

    １２条 創業、経営の革新等の促進
    医工連携等推進事業
    令和３年度の概要                    令和２年度の実績
    ・大学や医療機関、医療機器製造…     ・「医工連携フォーラムｉｎかわさき」を開
    …                                   催しました。

The table is found by aligning lines: the header row (``…年度の概要`` beside ``…年度の
実績``) gives the two columns (split at the left edge of the 実績 header), the line
just above the header is the measure's name, and the body runs down to the next name,
article heading or the page footer.

In a text layer (`parse_other_measures_text`) the header is one line (``令和３年度の概要
令和２年度の実績``) and the two columns follow one after the other: the plan, then the
results. Where one ends is told by what they say: the plan describes next year
(``…取組を支援します。``), the results what was done (``…を開催しました。``), so the
results start with the first paragraph whose sentence ends in the past tense (`DONE`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from nenpo.extractors.lines import BBox
from nenpo.extractors.normalise import normalise_name
from nenpo.extractors.paragraphs import PARAGRAPH_START, unwrap
from nenpo.extractors.text_stream import normalised

PLAN_HEADER = regex.compile(r"^(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*年度の概要$")
"""The left header: ``令和３年度の概要`` (normalised ``令和3年度の概要``)."""

RESULTS_HEADER = regex.compile(r"^(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*年度の実績$")
"""The right header: ``令和２年度の実績``."""

ARTICLE_HEADING = regex.compile(r"^(?P<article>[0-9]{1,2})\s*条\s+(?P<title>\S.*)$")
"""An article heading: ``１２条 創業、経営の革新等の促進`` (normalised ``12条 創業、…``)."""

NAME_GAP = 30.0  # points: how far above its header a measure's name may be
FOOTER_BAND = 45.0  # points from the page bottom: page numbers, not body text


@dataclass
class OtherBlock:
    """One measure's block as read from a page (article may come from an earlier page)."""

    article: tuple[int, str] | None
    name: str
    name_raw: str
    plan: str
    results: str
    page: int
    bbox: BBox
    cells: list[tuple[int, int, str, str, BBox]]  # (row, col, text, raw, bbox) for table_cells
    read_by: str = "layout"


def _mid_y(b: BBox) -> float:
    return (b[1] + b[3]) / 2


def _union(boxes: Sequence[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def read_other_measures(
    lines: Sequence, page: int, height: float, carried: tuple[int, str] | None
) -> tuple[list[OtherBlock], tuple[int, str] | None]:
    """The blocks of one page and the article in force at its end (carried to the next page)."""
    body = [l for l in lines if l.bbox[1] < height - FOOTER_BAND]
    plans = [l for l in body if PLAN_HEADER.match(l.text)]
    headers = []
    for plan in plans:
        result = min(
            (
                l
                for l in body
                if RESULTS_HEADER.match(l.text)
                and abs(_mid_y(l.bbox) - _mid_y(plan.bbox)) < 4
                and l.bbox[0] > plan.bbox[2]
            ),
            key=lambda l: l.bbox[0],
            default=None,
        )
        if result is not None:
            headers.append((plan, result))
    headers.sort(key=lambda h: h[0].bbox[1])
    articles = sorted(((l, m) for l in body if (m := ARTICLE_HEADING.match(l.text))), key=lambda lm: lm[0].bbox[1])
    names = []
    for plan, result in headers:
        above = [
            l
            for l in body
            if plan.bbox[1] - NAME_GAP <= l.bbox[3] <= plan.bbox[1] + 1
            and l.bbox[0] < result.bbox[0]
            and not ARTICLE_HEADING.match(l.text)
            and l is not plan
        ]
        names.append(max(above, key=lambda l: l.bbox[3]) if above else None)
    blocks = []
    for k, ((plan, result), name) in enumerate(zip(headers, names)):
        top = max(plan.bbox[3], result.bbox[3])
        stops = [height - FOOTER_BAND]
        if k + 1 < len(headers):
            nxt = names[k + 1] or headers[k + 1][0]
            stops.append(nxt.bbox[1])
        stops += [l.bbox[1] for l, _ in articles if l.bbox[1] > top]
        bottom = min(stops)
        split = result.bbox[0] - 4
        inside = sorted(
            (l for l in body if top - 1 <= _mid_y(l.bbox) < bottom and l is not name),
            key=lambda l: (l.bbox[1], l.bbox[0]),
        )
        left = [l for l in inside if (l.bbox[0] + l.bbox[2]) / 2 < split]
        right = [l for l in inside if (l.bbox[0] + l.bbox[2]) / 2 >= split]
        anchor = name or plan
        heading = [m for l, m in articles if l.bbox[1] < anchor.bbox[1]]
        article = (int(heading[-1].group("article")), heading[-1].group("title")) if heading else carried
        cells = [(0, 0, plan.text, plan.raw.strip(), plan.bbox), (0, 1, result.text, result.raw.strip(), result.bbox)]
        for col, col_lines in ((0, left), (1, right)):
            if col_lines:
                cells.append(
                    (
                        1,
                        col,
                        "\n".join(l.text for l in col_lines),
                        "\n".join(l.raw.strip() for l in col_lines),
                        _union([l.bbox for l in col_lines]),
                    )
                )
        name_raw = name.raw.strip() if name else ""
        blocks.append(
            OtherBlock(
                article,
                normalise_name(name_raw),
                name_raw,
                unwrap(l.text for l in left),
                unwrap(l.text for l in right),
                page,
                _union([plan.bbox, result.bbox] + [l.bbox for l in inside]),
                cells,
            )
        )
    if articles:
        last = articles[-1][1]
        carried = (int(last.group("article")), last.group("title"))
    return blocks, carried


HEADER_LINE = regex.compile(
    r"^(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*年度の概要\s+(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*年度の実績$"
)
"""The header row as one text line: ``令和３年度の概要 令和２年度の実績``."""

DONE = regex.compile(r"(?:ました|でした|った|した)\s*。?\s*$")
"""A sentence in the past tense, as the results are written: ``…を開催しました。``,
``…支援を行いました。``."""

SECTION_END = regex.compile(r"^\(参考\)|^その他の事業$|^[^\s・※(【①-⑳]\S*条例$")
"""Where the part ends: the ordinance that follows it, titled ``（参考）川崎市中小企業活性化の
ための成長戦略に関する条例`` or ``川崎市中小企業活性化のための成長戦略に関する条例``."""


@dataclass
class TextBlock:
    article: tuple[int, str] | None
    name: str
    plan: list[str]
    results: list[str]
    name_line: int
    first: int
    last: int


def _results_start(body: list[str]) -> int:
    """Index of the body line where the results column starts (len(body) when none)."""
    starts = [k for k, text in enumerate(body) if k == 0 or PARAGRAPH_START.match(text) or body[k - 1].endswith("。")]
    for n, k in enumerate(starts):
        end = starts[n + 1] if n + 1 < len(starts) else len(body)
        joined = "".join(body[k:end])
        if any(DONE.search(sentence) for sentence in regex.split(r"(?<=。)", joined) if sentence):
            return k
    return len(body)


def parse_other_measures_text(lines: Sequence[str]) -> list[TextBlock]:
    """Every その他の事業 block of a text layer, in printed order."""
    texts = normalised(lines)
    headers = [i for i, t in enumerate(texts) if "年度の概要" in t and HEADER_LINE.match(t)]
    names = []
    for i in headers:
        j = next((j for j in range(i - 1, max(-1, i - 6), -1) if texts[j]), None)
        names.append(j if j is not None and not ARTICLE_HEADING.match(texts[j]) else None)
    blocks = []
    article = None
    scanned = 0
    for k, (i, name) in enumerate(zip(headers, names)):
        for j in range(scanned, name if name is not None else i):
            if m := ARTICLE_HEADING.match(texts[j]):
                article = (int(m.group("article")), m.group("title"))
        stop = (names[k + 1] if names[k + 1] is not None else headers[k + 1]) if k + 1 < len(headers) else len(texts)
        body_lines = []
        for j in range(i + 1, stop):
            if ARTICLE_HEADING.match(texts[j]) or SECTION_END.match(texts[j]):
                stop = j
                break
            if texts[j]:
                body_lines.append(j)
        body = [texts[j] for j in body_lines]
        cut = _results_start(body)
        if (
            blocks
            and name is not None
            and blocks[-1].name == normalise_name(texts[name])
            and blocks[-1].article == article
        ):
            # the same measure goes on under its name and header printed again on the next page
            previous = blocks[-1]
            previous.plan += body[:cut]
            previous.results += body[cut:]
            previous.last = body_lines[-1] if body_lines else previous.last
            scanned = stop
            continue
        blocks.append(
            TextBlock(
                article,
                normalise_name(texts[name]) if name is not None else "",
                body[:cut],
                body[cut:],
                name if name is not None else i,
                i,
                body_lines[-1] if body_lines else i,
            )
        )
        scanned = stop
    return blocks


def read_text(stream) -> list[OtherBlock]:
    """The その他の事業 blocks of an edition's text stream (`text_stream.TextStream`)."""
    out = []
    for b in parse_other_measures_text(stream.texts):
        page, bbox = stream.span(b.name_line, b.last)
        name_raw = stream.lines[b.name_line].raw
        out.append(
            OtherBlock(
                b.article,
                b.name,
                name_raw,
                unwrap(b.plan),
                unwrap(b.results),
                page,
                bbox,
                [],
                read_by="text_order",
            )
        )
    return out
