"""A record's headed sections, and its PDCA items: labelled form fields and section
headings whose label matches a phase's aliases."""

from __future__ import annotations

import regex

from nenpo.extractors.models import PdcaItem, Section
from nenpo.extractors.paragraphs import unwrap
from nenpo.extractors.profiles import layout
from nenpo.extractors.profiles.grammar import heading_kind
from nenpo.extractors.profiles.layout import FlowItem, Page, compact
from nenpo.extractors.profiles.state import ProfileReading, RecordSpan, fields_of, items_of

__all__ = ["phase_of", "read_pdca", "read_sections", "running_heads"]

FONT_HEADING = 1.2  # a line this much larger than the body's median size is a heading

LIST_ITEM = regex.compile(r"^[・･○◯◎※＊*]")
"""A list item or note, however large its type: ``○地域イベントの参加者数（人）``, ``※ 1つ以上に○``."""


def running_heads(pages: list[Page]) -> set[tuple[str, int]]:
    """Lines printed at the same place on two or more pages (a form's repeated header, a
    running title): page furniture, not section text."""
    seen: dict[tuple[str, int], set[int]] = {}
    for page in pages:
        for item in page.flow:
            seen.setdefault((item.text, round(item.bbox[1] / 2)), set()).add(page.number)
    return {key for key, numbers in seen.items() if len(numbers) > 1}


def read_sections(state: ProfileReading, record: RecordSpan, body: float) -> list[tuple[Section, FlowItem]]:
    """Headed sections of a record's reading flow; levels by the order heading kinds first appear."""
    furniture = running_heads(record.pages)
    flow = [item for page in record.pages for item in items_of(record, page.flow)]
    kinds_seen: list[str] = []
    heads: list[tuple[int, str]] = []
    dropped: set[int] = set()
    for i, item in enumerate(flow):
        kind = None
        if not item.in_grid or item.heading_cell:
            kind = heading_kind(item.text, state.profile.heading_rules)
            if (
                kind is None
                and state.profile.profile.sections.font
                and body
                and item.size >= FONT_HEADING * body
                and 2 <= len(item.text) <= 40
                and not layout.is_value(item.text)
                and not item.text.endswith("。")
                and not item.in_grid
                and not LIST_ITEM.match(item.text)
            ):
                kind = "font"
            if kind is None and item.heading_cell and i + 1 < len(flow) and flow[i + 1].in_grid:
                kind = "banner"  # a table's short banner row over its text
        if kind is None and (item.text, round(item.bbox[1] / 2)) in furniture:
            dropped.add(i)  # a repeated form header, a running title: not text of the section before
        if kind is not None:
            heads.append((i, kind))
            if kind not in kinds_seen:
                kinds_seen.append(kind)
    order = sorted(kinds_seen, key=lambda k: (k != "font", kinds_seen.index(k)))
    head_at = {i for i, _ in heads}
    # a title page (a cover: headings and nothing else) heads no section after it
    title_pages = {
        page
        for page in {item.page for item in flow}
        if all(k in head_at or k in dropped for k, item in enumerate(flow) if item.page == page)
    }
    out: list[tuple[Section, FlowItem]] = []
    stack: list[tuple[int, str, int]] = []
    for n, (i, kind) in enumerate(heads):
        level = order.index(kind) + 1
        item = flow[i]
        if stack and stack[-1][2] in title_pages and item.page not in title_pages:
            stack.clear()
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, item.text, item.page))
        end = heads[n + 1][0] if n + 1 < len(heads) else len(flow)
        body_items = [b for k, b in enumerate(flow[i + 1 : end], start=i + 1) if k not in dropped]
        text = unwrap(b.text for b in body_items)
        raw = unwrap(b.raw for b in body_items)
        pages = [b.page for b in body_items] or [item.page]
        out.append(
            (
                Section(
                    measure=record.name,
                    path=tuple(t for _, t, _ in stack),
                    level=len(stack),
                    heading=item.text,
                    heading_raw=item.raw,
                    text=text,
                    text_raw=raw,
                    page=item.page,
                    page_end=max(pages),
                    bbox=item.bbox,
                    text_source=state.text_source(item.page),
                ),
                item,
            )
        )
    return out


def phase_of(state: ProfileReading, label: str, above: str = "") -> str | None:
    """The phase whose alias ends latest in the label: Japanese puts the head noun last
    (``事業目標及び取組実績を踏まえた評価`` is a Check). An alias with ``after`` holds only
    under a label matching it (`above`), and then wins over the aliases without."""
    best: tuple[int, str] | None = None
    for phase, pattern, after in state.profile.phases:
        if after is not None:
            if after.search(above) and pattern.search(label):
                return phase
            continue
        for m in pattern.finditer(label):
            if best is None or m.end() > best[0]:
                best = (m.end(), phase)
    return best[1] if best else None


def _apart(places: set, where: tuple) -> bool:
    """Is `where` (page, box) clear of every place the same text was already read at?
    Boxes that overlap are one printed text read twice."""
    page, box = where
    for other_page, other in places:
        if other_page != page or box is None or other is None:
            return False
        if box[0] < other[2] and other[0] < box[2] and box[1] < other[3] and other[1] < box[3]:
            return False
    return True


def read_pdca(state: ProfileReading, record: RecordSpan, sections: list[tuple[Section, FlowItem]]) -> None:
    found: list[tuple[str, str, str, str, str, int, tuple | None]] = []
    if state.profile.profile.pdca.from_fields:
        labels_used: set[tuple] = set()
        for page in record.pages:
            for f in fields_of(record, page):
                if (f.page, f.label_bbox) in labels_used:
                    continue  # a label's first value (beside it, or under a column header) is its item
                phase = phase_of(state, compact(f.label), f.above)
                if phase:
                    labels_used.add((f.page, f.label_bbox))
                    found.append(
                        (
                            phase,
                            compact(f.label),
                            unwrap(f.value.split("\n")),
                            unwrap(f.value_raw.split("\n")),
                            f.label_raw,
                            f.page,
                            f.bbox,
                        )
                    )
    field_labels = {compact(f.label) for page in record.pages for f in fields_of(record, page)}
    for section, _ in sections:
        phase = phase_of(state, compact(section.heading))
        if compact(section.heading) in field_labels and state.profile.profile.pdca.from_fields:
            continue  # a form label's value is the item; the flow after it may run into the next box
        if phase and section.text:
            found.append(
                (
                    phase,
                    section.heading,
                    section.text,
                    section.text_raw,
                    section.heading_raw,
                    section.page,
                    section.bbox,
                )
            )
    # A text read twice (a field's box and the flow under a heading) is one item; two boxes
    # printing the same text (two 判断理由 saying the same) are two.
    boxes: set[tuple] = set()
    texts: dict[tuple[str, str], set] = {}
    counts: dict[str, int] = {}
    for phase, label, text, raw, _, page, bbox in found:
        if not text:
            continue
        where = (page, tuple(round(v) for v in bbox) if bbox else None)
        same_text = texts.setdefault((phase, compact(text)), set())
        if (phase, where) in boxes or (same_text and not _apart(same_text, where)):
            continue
        boxes.add((phase, where))
        same_text.add(where)
        counts[phase] = counts.get(phase, 0) + 1
        state.pdca.append(
            PdcaItem(
                measure=record.name,
                phase=phase,
                item_no=counts[phase],
                label=label,
                text=text,
                text_raw=raw,
                page=page,
                bbox=bbox,
                covers=(record.name,),
                text_source=state.text_source(page),
            )
        )
