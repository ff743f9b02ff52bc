"""The policy list 中小企業活性化施策一覧 (条文 / 中小企業活性化施策 / 事務事業名 / 頁).

Section 4 opens with the list of the measures the edition verifies (検証対象事業); the
page after it continues with the other measures (その他の事業). Both parts are ruled
grids whose 条文 and 施策 cells span the rows of an article and whose 頁 cell can span
two measures printed on one page. The part is named by the label printed above the
grid. A measure under a parent is printed ``商業振興関連事業 商店街課題対応事業``.

The list gives every measure its article: `article_for` finds a measure's entry by name,
then by the page range its sheet falls in.

In a text layer (`parse_policy_list_text`) the grid arrives row by row, a spanning cell
once, where its text is printed: the 条文 cell with its policy (``１２条 創業、経営の革新等
の促進``), a parent over its sub-measures, and the 頁 cell at the vertical centre of the
rows it spans. A 頁 printed after a name on its line is centred on that row (``起業化総合
支援事業 17-18``: one row); one printed before a name, or on a line of its own, is centred
on the boundary above that row (``医工連携等推進事業`` / ``59 ソーシャルビジネス振興事業``:
the two rows around it). `_page_spans` solves the rows each 頁 spans from those centres.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import regex

from nenpo.extractors.families.kawasaki_sme.models import PolicyListEntry
from nenpo.extractors.grids import Grid
from nenpo.extractors.normalise import normalise_name, normalise_text
from nenpo.extractors.text_stream import normalised

PARTS = ("検証対象事業", "その他の事業")
PART_LABEL = regex.compile(r"^(?P<part>検証対象事業|その他の事業)$")
"""The label above each part: ``検証対象事業``, ``その他の事業``."""

ARTICLE_CELL = regex.compile(r"^(?P<article>[0-9]{1,2})\s*条$")
"""The 条文 cell: ``１２条`` (normalised ``12条``)."""

PAGES_CELL = regex.compile(r"^(?P<start>[0-9]{1,3})(?:\s*[-~]\s*(?P<end>[0-9]{1,3}))?$")
"""The 頁 cell: ``17-18``, ``59``."""

ARTICLE_HEADING = regex.compile(r"^(?P<article>[0-9]{1,2})\s*条\s+(?P<title>\S+)$")
"""An article heading elsewhere in the report, naming its policy: ``１５条 経営基盤の強化及び小規模企業者の事情の考慮``."""

CAPTION = regex.compile(r"^図表(?:\s|$)")
"""A caption line: ``図表 中小企業活性化施策一覧（つづき）``."""

PARENT = regex.compile(r"^\S+関連事業$")
"""A parent measure printed before its sub-measure: ``商業振興関連事業``, ``工業振興関連事業``."""

LABEL_GAP = 60.0  # points above the grid where its part label is looked for


def _compact(text: str) -> str:
    return "".join(text.split())


def is_policy_list(grid: Grid) -> bool:
    header = [_compact(t) for t in grid.row_texts(0)]
    return "条文" in header and "事務事業名" in header and "頁" in header


def part_above(grid: Grid, lines: Sequence) -> str:
    """The part label closest above the grid; 検証対象事業 when none is printed."""
    top = grid.ys[0]
    labels = [
        (top - l.bbox[3], m.group("part"))
        for l in lines
        if top - LABEL_GAP <= l.bbox[3] <= top + 1 and (m := PART_LABEL.match(_compact(l.text)))
    ]
    return min(labels)[1] if labels else PARTS[0]


def read_policy_list(grid: Grid, lines: Sequence, page: int, seq_start: int = 0) -> list[PolicyListEntry]:
    """The entries of one part of the list, in printed order (seq continues from seq_start)."""
    part = part_above(grid, lines)
    header = [_compact(t) for t in grid.row_texts(0)]
    article_col = header.index("条文")
    name_col = header.index("事務事業名")
    page_col = header.index("頁")
    policy_col = next((c for c, h in enumerate(header) if "施策" in h and c not in (name_col,)), None)
    entries = []
    for r in range(1, grid.n_rows):
        cell = grid.at(r, name_col)
        if cell is None or cell.row != r or not cell.text:
            continue
        article_cell = grid.at(r, article_col)
        article = ARTICLE_CELL.match(_compact(article_cell.text)) if article_cell else None
        policy_cell = grid.at(r, policy_col) if policy_col is not None else None
        pages = PAGES_CELL.match(_compact(grid.at(r, page_col).text)) if grid.at(r, page_col) else None
        parts = cell.text.split()
        parent = None
        names = [cell.text.replace("\n", "")]
        if len(parts) > 1 and PARENT.match(parts[0]):
            parent, names = normalise_name(parts[0]), parts[1:]
        for name in names:
            entries.append(
                PolicyListEntry(
                    part=part,
                    seq=seq_start + len(entries) + 1,
                    article=int(article.group("article")) if article else None,
                    article_title=normalise_text(policy_cell.text.replace("\n", ""))
                    if policy_cell and policy_cell.text
                    else None,
                    parent=parent,
                    name=normalise_name(name),
                    name_raw=cell.raw.replace("\n", ""),
                    page_start=int(pages.group("start")) if pages else None,
                    page_end=int(pages.group("end") or pages.group("start")) if pages else None,
                    page=grid.row_page(r, page),
                    bbox=cell.bbox,
                )
            )
    return entries


def article_for(
    entries: Sequence[PolicyListEntry], name: str, folio: int | None = None, part: str | None = None
) -> PolicyListEntry | None:
    """The list entry of a measure: same normalised name, else the entry whose 頁 range
    holds the measure's printed page (`folio`). Entries without an article are skipped."""
    pool = [e for e in entries if e.article is not None and (part is None or e.part == part)]
    by_name = [e for e in pool if e.name == name]
    if by_name:
        return by_name[0]
    if folio is not None:
        by_page = [
            e for e in pool if e.page_start is not None and e.page_start <= folio <= (e.page_end or e.page_start)
        ]
        if len({e.article for e in by_page}) == 1:
            return by_page[0]
    return None


ARTICLE_NOTE = regex.compile(r"^(?P<name>\S.*?)\s*\(\s*(?P<article>[0-9]{1,2})\s*条\s*\)$")
"""A name the list assigns to another article than its row's 条文 cell (normalised):
``内陸部操業環境保全対策事業(15条)`` (printed ``内陸部操業環境保全対策事業（15 条）`` under ``１４条``)."""

CLOSE_NAME = 0.75  # the least similarity of two spellings of one measure name


def _spellings(entry: PolicyListEntry) -> set[str]:
    """The names a sheet may print for a listed measure: its name (without an article
    note), and with its parent before it (``農業振興関連事業多様な連携推進事業``,
    ``観光振興事業・産業観光推進事業``)."""
    note = ARTICLE_NOTE.match(entry.name)
    name = note.group("name") if note else entry.name
    return {name} | ({entry.parent + name, f"{entry.parent}・{name}"} if entry.parent else set())


def entry_for_sheet(
    entries: Sequence[PolicyListEntry], name: str, parent: str | None = None, part: str | None = None
) -> PolicyListEntry | None:
    """The list entry a sheet titled `name` (under `parent`) is: the same name, or the
    name with the list's parent or article note (`_spellings`); else the entry of the
    article whose policy the sheet is titled with (``受注機会の増大等``); else the one closest
    spelling (``ものづくり中小企業経営支援事業`` for the listed ``ものづくり中小企業経営革新等支援
    事業``) when no other entry comes as close. Entries without an article are skipped. No
    page number is used: where a sheet is printed depends on the layout, its name does not."""
    from difflib import SequenceMatcher

    pool = [e for e in entries if e.article is not None and (part is None or e.part == part)]
    same = [e for e in pool if name in _spellings(e)]
    if same:
        return next((e for e in same if parent is None or e.parent == parent), same[0])
    titled = [e for e in pool if e.article_title and normalise_name(e.article_title) == name]
    if len({e.article for e in titled}) == 1:  # a sheet titled with its article's policy (``受注機会の増大等``)
        return titled[0]
    ranked = sorted(
        ((max(SequenceMatcher(None, name, s).ratio() for s in _spellings(e)), k) for k, e in enumerate(pool)),
        reverse=True,
    )
    if ranked and ranked[0][0] >= CLOSE_NAME and (len(ranked) == 1 or ranked[1][0] < ranked[0][0]):
        return pool[ranked[0][1]]
    return None


def listed_article(entry: PolicyListEntry, entries: Sequence[PolicyListEntry]) -> tuple[int, str | None]:
    """The article the list gives an entry, as (number, policy): its row's 条文 cell, or
    the article its name notes (``(15条)``), titled as the list titles that article."""
    note = ARTICLE_NOTE.match(entry.name)
    if note is None or int(note.group("article")) == entry.article:
        return entry.article, entry.article_title
    article = int(note.group("article"))
    title = next((e.article_title for e in entries if e.article == article and e.article_title), None)
    return article, title


HEADER_LINE = regex.compile(r"^条文\s*\S*\s*事務事業名\s*頁$")
"""The header row as one text line: ``条文 中小企業活性化施策 事務事業名 頁``."""

ARTICLE_TOKEN = regex.compile(r"^(?P<article>[0-9]{1,2})条$")
"""The 条文 cell as a word of a line: ``１２条`` (normalised ``12条``)."""

PROSE = regex.compile(r"。$|^\S{31,}$")
"""A line of running text, not of the list: a sentence end, or one run of characters
longer than any cell (``各条文で規定する８つの中小企業活性化施策毎の実施状況に対する産業振興協議会から``)."""

NAME_END = regex.compile(r"(?:事業|業務|推進|もの|[)）])$")
"""How a measure name ends (``…事業``, ``知的財産戦略の推進``, ``…推進するもの``); a line
after a wrapped policy that ends otherwise continues the policy (``業者の事情の考慮``)."""


def _words(text: str) -> list[str]:
    """The line's words, a bracketed part kept with its word (``内陸部操業環境保全対策事業(15 条)``)."""
    out: list[str] = []
    for word in text.split():
        if out and out[-1].count("(") > out[-1].count(")"):
            out[-1] += " " + word
        else:
            out.append(word)
    return out


@dataclass
class TextEntry:
    part: str
    article: int | None
    policy: str
    parent: str | None
    name: str
    line: int
    pages: tuple[int, int] | None = None
    raw: str = ""  # the name as the line prints it
    header: int = 0  # the line of its part's header
    cell: str = ""  # the 事務事業名 cell as printed (``商業振興関連事業 商店街課題対応事業``)
    article_cell: str | None = None  # the 条文 cell, on the first entry of its article
    policy_line: int | None = None  # the line the article's policy starts on (first entry only)
    pages_cell: tuple[str, int] | None = None  # the 頁 cell and the rows it spans, on its first row


@dataclass
class _Part:
    part: str
    entries: list[TextEntry] = field(default_factory=list)
    tokens: list[tuple[float, int, tuple[int, int], str]] = field(
        default_factory=list
    )  # (centre in rows, rows before, pages, as printed)


def _centred_spans(part: _Part) -> list[int] | None:
    """The last row of each 頁's span when every 頁 is centred on its rows (spans
    consecutive, rows s..e centred on (s + e) / 2), or None when the centres admit no
    such spans (the list prints its 頁 elsewhere)."""
    ends, start = [], 0
    for centre, *_ in part.tokens:
        end = round(2 * centre) - start
        if end < start or end >= len(part.entries):
            return None
        ends.append(end)
        start = end + 1
    return ends if start == len(part.entries) else None


def _page_spans(part: _Part) -> None:
    """Give each entry the 頁 whose span holds it: centred spans where the list's 頁 are
    printed at the centre of their rows, else each 頁 closes the rows read since the one
    before (a list that prints the 頁 after its rows: ``新産業創造支援事業`` /
    ``新川崎・創造のもり推進事業`` / ``23-26``)."""
    ends = _centred_spans(part)
    if ends is None:
        ends = [max(count - 1, 0) for _, count, *_ in part.tokens]
    start = 0
    for end, (_, _, pages, printed) in zip(ends, part.tokens):
        for entry in part.entries[start : end + 1]:
            entry.pages = pages
        if start <= end < len(part.entries):
            part.entries[start].pages_cell = (printed, end - start + 1)
        start = max(start, end + 1)


def parse_policy_list_text(lines: Sequence[str], titles: dict[int, str] | None = None) -> list[TextEntry]:
    """Every entry of every part of the list in a text layer, in printed order.

    `titles` (article → policy, as the report prints it elsewhere) cut a policy run into
    the measure after it (``経営基盤の強化及び小規模企業者の事情の考慮生産性向上推進事業``)."""
    titles = titles or {}
    texts = normalised(lines)
    parts: list[_Part] = []
    for i, text in enumerate(texts):
        if "事務事業名" not in text or not HEADER_LINE.match(text):
            continue
        label = next(
            (m.group("part") for j in range(i - 1, max(-1, i - 5), -1) if (m := PART_LABEL.match(_compact(texts[j])))),
            PARTS[0],
        )
        part = _Part(label)
        parts.append(part)
        article, policy, parent = None, "", None
        article_cell: tuple[str, int | None] | None = None  # the 条文 cell not yet given to an entry, its policy's line
        policy_open = False
        named_articles: list[int] = []  # entries read under each article, in order
        for j in range(i + 1, len(texts)):
            text = texts[j]
            if not text:
                continue
            if HEADER_LINE.match(text) or PROSE.search(text) or PART_LABEL.match(_compact(text)):
                break
            if CAPTION.match(text):
                continue  # the list's caption printed again over its continuation
            words = _words(text)
            if words and (m := ARTICLE_TOKEN.match(words[0])) and len(words) > 1:
                title = titles.get(int(m.group("article")))
                if title and words[1].startswith(title) and len(words[1]) > len(title):
                    words[1:2] = [title, words[1][len(title) :]]
            if policy_open and len(words) == 1 and not NAME_END.search(words[0]) and not PAGES_CELL.match(words[0]):
                policy += words[0]  # the policy cell wrapped
                continue
            policy_open = False
            named = False
            parent_here = None
            for w, word in enumerate(words):
                if m := ARTICLE_TOKEN.match(word):
                    article, policy, parent, policy_open = int(m.group("article")), "", None, True
                    article_cell = (word, None)
                    named_articles.append(0)
                elif (pages := PAGES_CELL.match(word)) and (
                    w > 0 or len(words) == 1 or not ARTICLE_TOKEN.match(words[0])
                ):
                    # after a name on its line: centred on that row; else on the boundary above the next
                    centre = len(part.entries) - (1 if named else 0.5)
                    part.tokens.append(
                        (
                            centre,
                            len(part.entries),
                            (int(pages.group("start")), int(pages.group("end") or pages.group("start"))),
                            word,
                        )
                    )
                    if named or len(words) == 1:
                        parent = None  # a parent's group ends with its 頁
                elif policy_open and not policy:
                    policy = word
                    if article_cell is not None:
                        article_cell = (article_cell[0], j)
                elif word.startswith("(") and part.entries and not named:
                    part.entries[-1].name += word  # a name's second line in brackets
                    part.entries[-1].raw += word
                    part.entries[-1].cell += "\n" + word
                elif PARENT.match(word):
                    parent, parent_here = normalise_name(word), word
                else:
                    entry = TextEntry(
                        label,
                        article,
                        policy,
                        parent,
                        normalise_name(word),
                        j,
                        raw=word,
                        header=i,
                        cell=f"{parent_here} {word}" if parent_here else word,
                    )
                    if article_cell is not None:
                        entry.article_cell, entry.policy_line = article_cell
                        article_cell = None
                    part.entries.append(entry)
                    named = True
                    if named_articles:
                        named_articles[-1] += 1
            if policy and words and ARTICLE_TOKEN.match(words[0]) and len(words) > 2:
                policy_open = False
        if 0 in named_articles:
            # an article cell with no measure after it: the part is written column by column
            # (every 条文 cell, then every 頁, then every name), and its rows cannot be told
            part.entries, part.tokens = [], []
    out: list[TextEntry] = []
    for part in parts:
        _own_parents(part)
        _page_spans(part)
        out.extend(part.entries)
    return out


def _own_parents(part: _Part) -> None:
    """A name printed again among the names after it, within its article, heads them (the
    list prints ``新川崎・創造のもり推進事業`` over ``新産業創造支援事業`` and
    ``新川崎・創造のもり推進事業``): it becomes their parent, not an entry."""
    k = 0
    while k < len(part.entries):
        entry = part.entries[k]
        same = [e for e in part.entries[k + 1 :] if e.article == entry.article]
        if any(e.name == entry.name for e in same):
            for e in same[: [e.name for e in same].index(entry.name) + 1]:
                e.parent = e.parent or entry.name
            del part.entries[k]
            part.tokens = [(c - 1 if c > k else c, n - 1 if n > k else n, p, t) for c, n, p, t in part.tokens]
            continue
        k += 1


def read_text(stream) -> tuple[list[PolicyListEntry], list[tuple]]:
    """The policy list of an edition's text stream (`text_stream.TextStream`): the entries
    as records, and each part as table cells (page, bbox, "policy_list", cells) printed in
    its grid (条文 and policy on an article's first row, 事務事業名, 頁 over the rows it spans)."""
    titles = {
        int(m.group("article")): m.group("title")
        for text in stream.texts
        if "条" in text[:4] and (m := ARTICLE_HEADING.match(text)) and " " not in m.group("title")
    }
    entries = parse_policy_list_text(stream.texts, titles)
    out = []
    for seq, e in enumerate(entries, start=1):
        page, bbox = stream.span(e.line, e.line)
        out.append(
            PolicyListEntry(
                part=e.part,
                seq=seq,
                article=e.article,
                article_title=normalise_text(e.policy) or None,
                parent=e.parent,
                name=e.name,
                name_raw=e.raw,
                page_start=e.pages[0] if e.pages else None,
                page_end=e.pages[1] if e.pages else None,
                read_by="text_order",
                page=page,
                bbox=bbox,
            )
        )
    tables = []
    for header in dict.fromkeys(e.header for e in entries):
        rows = [e for e in entries if e.header == header]
        line = stream.lines[header]
        words = line.text.split()
        boxes = line.part_boxes(len(words))
        cells = [(0, c, 1, 1, w, w, b, line.page) for c, (w, b) in enumerate(zip(words, boxes))]
        for r, e in enumerate(rows, start=1):
            name_line = stream.lines[e.line]
            if e.article_cell is not None:
                cells.append((r, 0, 1, 1, e.article_cell, e.article_cell, name_line.bbox, name_line.page))
                policy_at = stream.lines[e.policy_line] if e.policy_line is not None else name_line
                cells.append((r, 1, 1, 1, e.policy, e.policy, policy_at.bbox, policy_at.page))
            cells.append((r, 2, 1, 1, e.cell, e.cell, name_line.bbox, name_line.page))
            if e.pages_cell is not None:
                cells.append(
                    (r, 3, e.pages_cell[1], 1, e.pages_cell[0], e.pages_cell[0], name_line.bbox, name_line.page)
                )
        tables.append((line.page, line.bbox, "policy_list", cells))
    return out, tables
