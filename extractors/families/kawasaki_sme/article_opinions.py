"""The article-level opinion table at the start of section 4, read by position.

    条文 | 条例に基づく中小企業活性化施策 | 中小企業活性化施策の実施状況に対する主な検証意見
    12 条 | 創業、経営の革新等の促進     | 施策全体への意見 | K-NIC では、…
          |                              | コロナ対応への意見 | オンラインの活用や…

Each article has one row per kind of opinion (施策全体への意見: on its measures as a whole;
コロナ対応への意見: on the response to COVID-19). The kind labels are printed wrapped in
their own narrow column (``施策全体`` / ``への意見``, ``コロナ`` / ``対応への`` / ``意見``);
they anchor the rows. Cells are top-aligned: an opinion line belongs to the nearest kind
label at or above it, a kind label to the nearest article above it. A cell's text can run
to several paragraphs, one per measure; they are kept, joined by line breaks.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import regex

from nenpo.extractors.families.kawasaki_sme.models import ArticleOpinion
from nenpo.extractors.lines import BBox, SizedLine
from nenpo.extractors.normalise import normalise_name, normalise_text
from nenpo.extractors.text_stream import normalised

TABLE_HEADER = regex.compile(r"実施状況に対する主な検証意見$")
"""The header of the opinion column: ``中小企業活性化施策の実施状況に対する主な検証意見``."""

TABLE_HEADER_ANYWHERE = regex.compile(r"実施状況に対する主な検証意見\s*$", regex.MULTILINE)
"""The same header as a line of a page's text (lines joined by line breaks)."""

ARTICLE_CELL = regex.compile(r"^(?:第\s*)?(?P<article>[0-9]{1,2})\s*条(?:\s+(?P<policy>\S.*))?$")
"""The article cell: ``12 条``, ``１２条`` (normalised ``12条``); the text layer can put the
policy cell on the same line: ``13 条 連携の促進``."""

KIND_START = (("overall", regex.compile(r"^施策全体")), ("covid", regex.compile(r"^コロナ")))
"""The first printed line of a kind label: ``施策全体`` (→ 施策全体への意見), ``コロナ`` (→ コロナ対応への意見)."""

KIND_FRAGMENT = regex.compile(r"^(?:施策全体|への意見|コロナ|対応への|意見|施策全体への意見|コロナ対応への意見)$")
"""Any printed piece of a kind label."""

SAME_TOP = 1.5  # points: a cell's first line and its row's anchor share a top
PARAGRAPH_GAP = 0.5  # line heights of extra space that start a new paragraph within a cell
CELL_END_GAP = 3.0  # line heights of space after which a cell's text has ended
FOOTER_BAND = 45.0  # points from the bottom: the page number


Line = SizedLine


@dataclass
class TableOpinion:
    article: int
    policy_raw: str
    kind: str
    kind_raw: str
    text_raw: str
    bbox: BBox

    @property
    def policy(self) -> str:
        return normalise_name(self.policy_raw)

    @property
    def text(self) -> str:
        return normalise_text(self.text_raw)


def _anchor_above(anchors: list[tuple[float, object]], top: float):
    above = [a for a in anchors if a[0] <= top + SAME_TOP]
    return max(above, key=lambda a: a[0])[1] if above else None


def _union(boxes: list[BBox]) -> BBox:
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes), max(b[3] for b in boxes))


def _join(lines: list[Line]) -> str:
    """Wrapped lines of one cell, top to bottom: joined, paragraphs separated by a line break."""
    out = ""
    previous: Line | None = None
    for line in sorted(lines, key=lambda l: (l.bbox[1], l.bbox[0])):
        if previous is not None:
            gap = line.bbox[1] - previous.bbox[3]
            height = max(previous.bbox[3] - previous.bbox[1], 1.0)
            if gap > PARAGRAPH_GAP * height:
                out += "\n"
            elif previous.raw[-1:].isspace():
                out += " "
        out += line.raw.strip()
        previous = line
    return out


def _cell_text(lines: list[Line]) -> list[Line]:
    """A cell's lines, top to bottom, up to the first gap too wide to be inside a cell."""
    kept: list[Line] = []
    for line in sorted(lines, key=lambda l: (l.bbox[1], l.bbox[0])):
        if kept and line.bbox[1] - kept[-1].bbox[3] > CELL_END_GAP * max(kept[-1].bbox[3] - kept[-1].bbox[1], 1.0):
            break
        kept.append(line)
    return kept


def read_page(lines: Sequence[Line], height: float) -> list[TableOpinion]:
    """Every (article, kind) row of the opinion table printed on the page."""
    header = next((l for l in lines if TABLE_HEADER.search(l.text)), None)
    if header is None:
        return []
    body = [l for l in lines if header.bbox[1] + SAME_TOP < l.bbox[1] <= height - FOOTER_BAND]
    # only a whole label line anchors a row: the opinion ``コロナ禍では、…`` starts like one
    kinds = [
        (l.bbox[1], (l, kind))
        for l in body
        if KIND_FRAGMENT.match(l.text)
        for kind, pattern in KIND_START
        if pattern.match(l.text)
    ]
    if not kinds:
        return []
    kind_x0 = min(l.bbox[0] for _, (l, _) in kinds)
    articles = []
    same_line_policy: dict[int, str] = {}
    for l in body:
        if l.bbox[0] < kind_x0 and (m := ARTICLE_CELL.match(l.text)) is not None:
            articles.append((l.bbox[1], (l, int(m.group("article")))))
            if m.group("policy"):
                raw = ARTICLE_CELL.match(l.raw.strip())
                same_line_policy[id(l)] = raw.group("policy") if raw and raw.group("policy") else m.group("policy")
    if not articles:
        return []
    fragments = [l for l in body if KIND_FRAGMENT.match(l.text) and abs(l.bbox[0] - kind_x0) < 3.0]
    fragment_ids = {id(l) for l in fragments}
    text_x0 = max(l.bbox[2] for l in fragments)
    article_x1 = min(l.bbox[2] for _, (l, _) in articles)

    policy_lines: dict[int, list[Line]] = {}
    cell_lines: dict[int, list[Line]] = {}
    label_lines: dict[int, list[Line]] = {}
    for line in body:
        x0, top = line.bbox[0], line.bbox[1]
        if id(line) in fragment_ids:
            kind_line = _anchor_above(kinds, top)
            if kind_line is not None:
                label_lines.setdefault(id(kind_line[0]), []).append(line)
        elif x0 >= text_x0 - 1.0:
            kind_line = _anchor_above(kinds, top)
            if kind_line is not None:
                cell_lines.setdefault(id(kind_line[0]), []).append(line)
        elif article_x1 <= x0 < kind_x0 - 1.0:
            article = _anchor_above(articles, top)
            if article is not None:
                policy_lines.setdefault(id(article[0]), []).append(line)

    opinions = []
    for top, (kind_line, kind) in sorted(kinds, key=lambda k: k[0]):
        article = _anchor_above(articles, top)
        cell = _cell_text(cell_lines.get(id(kind_line), []))
        if article is None or not cell:
            continue
        article_line, number = article
        policy = same_line_policy.get(id(article_line), "") + _join(policy_lines.get(id(article_line), []))
        opinions.append(
            TableOpinion(
                article=number,
                policy_raw=policy.replace("\n", ""),
                kind=kind,
                kind_raw="".join(l.raw.strip() for l in sorted(label_lines[id(kind_line)], key=lambda l: l.bbox[1])),
                text_raw=_join(cell),
                bbox=_union([l.bbox for l in cell]),
            )
        )
    return opinions


def record(page: int, o: TableOpinion, read_by: str = "layout") -> ArticleOpinion:
    return ArticleOpinion(
        article=o.article,
        policy=o.policy,
        policy_raw=o.policy_raw,
        kind=o.kind,
        kind_raw=o.kind_raw,
        text=o.text,
        text_raw=o.text_raw,
        read_by=read_by,
        page=page,
        bbox=o.bbox,
    )


COLUMN_HEADER = regex.compile(r"^(?:条文|条\s*例\s*に\s*基\s*づ\s*く|中小企業活性化施策)$")
"""The other column headers, printed again on each page: ``条文``, ``条 例 に 基 づ く``."""

WIDER = 1.15  # a line this much wider than the widest opinion line so far is not in the table
SETTLE_LINES = 3  # opinion lines read before the width is trusted


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@dataclass
class TextOpinion:
    article: int
    policy: str
    kind: str
    kind_raw: str
    lines: list[int]
    paragraphs: list[str]


def parse_text(lines: Sequence[str]) -> list[TextOpinion]:
    """The (article, kind) rows of the opinion table in a text layer (0-based lines)."""
    texts = normalised(lines)
    start = next((i for i, t in enumerate(texts) if "検証意見" in t and TABLE_HEADER.search(t)), None)
    if start is None:
        return []
    out: list[TextOpinion] = []
    article: tuple[int, str] | None = None
    policy_open = False
    current: TextOpinion | None = None
    widest = 0
    read = 0
    j = start + 1
    while j < len(texts):
        text = texts[j]
        j += 1
        if not text:
            continue
        if TABLE_HEADER.search(text) or COLUMN_HEADER.match(text):
            continue
        if (m := ARTICLE_CELL.match(text)) is not None:
            article = (int(m.group("article")), m.group("policy") or "")
            policy_open, current = not m.group("policy"), None
            continue
        kind = next((k for k, pattern in KIND_START if pattern.match(text)), None)
        if kind is not None and KIND_FRAGMENT.match(text) and article is not None:
            label = [text]
            while (
                j < len(texts)
                and (KIND_FRAGMENT.match(texts[j]) or not texts[j])
                and not any(p.match(texts[j]) for _, p in KIND_START)
            ):
                if texts[j]:
                    label.append(texts[j])
                j += 1
            current = TextOpinion(article[0], article[1], kind, "".join(label), [], [])
            out.append(current)
            policy_open = False
            continue
        if policy_open and article is not None:
            article = (article[0], article[1] + text)
            continue
        if current is None:
            if out:
                break
            continue
        if read >= SETTLE_LINES and _width(text) > WIDER * widest:
            break
        widest, read = max(widest, _width(text)), read + 1
        current.lines.append(j - 1)
        if current.paragraphs and current.paragraphs[-1].endswith("。"):  # a sentence closing a line ends its paragraph
            current.paragraphs.append(text)
        elif current.paragraphs:
            current.paragraphs[-1] += text
        else:
            current.paragraphs.append(text)
    return [o for o in out if o.lines]


def read_text(stream, policies: Sequence = ()) -> list[ArticleOpinion]:
    """The opinion table of an edition's text stream (`text_stream.TextStream`), as records;
    `policies` (policy list entries) give each article's policy where they name it."""
    titles = {e.article: e.article_title for e in policies if e.article is not None and e.article_title}
    out = []
    for o in parse_text(stream.texts):
        page, bbox = stream.span(o.lines[0], o.lines[-1])
        raw = "\n".join(o.paragraphs)
        policy = titles.get(o.article) or o.policy
        out.append(
            ArticleOpinion(
                article=o.article,
                policy=normalise_name(policy),
                policy_raw=policy,
                kind=o.kind,
                kind_raw=o.kind_raw,
                text=normalise_text(raw),
                text_raw=raw,
                read_by="text_order",
                page=page,
                bbox=bbox,
            )
        )
    return out
