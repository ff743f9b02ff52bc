"""The records (sheets) of a file: by the profile's ``record.starts`` (the whole file, a
form header on each page, a heading line), each named by its name field, with the
sub-records (細事業) that start at a labelled field inside them."""

from __future__ import annotations

from nenpo.extractors.normalise import normalise_name
from nenpo.extractors.profiles import layout
from nenpo.extractors.profiles.layout import Page, compact, reading_order
from nenpo.extractors.profiles.state import ProfileReading, RecordSpan

__all__ = ["find_name", "split_records", "split_subs"]


def _clean_name(state: ProfileReading, text: str) -> str:
    first = next((t for t in text.split("\n") if t.strip()), "")
    if state.profile.name_drop is not None:
        first = state.profile.name_drop.sub("", first)
    return first.strip()


def find_name(
    state: ProfileReading, page: Page, top: float = float("-inf"), bottom: float = float("inf")
) -> tuple[str, str, tuple] | None:
    """The record name printed on `page` between `top` and `bottom`: the value of the name
    label (grid cell or aligned line), or the name group of the name pattern."""
    cp = state.profile
    if cp.name_label is not None:
        for f in page.fields:
            if f.bbox is not None and top <= f.bbox[1] < bottom and cp.name_label.search(compact(f.label)):
                name = _clean_name(state, f.value)
                raw = _clean_name(state, f.value_raw) if cp.name_drop is None else name
                if name:
                    return name, raw, f.bbox
        for line in reading_order(page.lines):
            m = cp.name_label.search(line.text)
            if m and top <= line.bbox[1] < bottom and line.text[m.end() :].strip():
                return _clean_name(state, line.text[m.end() :]), line.raw, line.bbox
    if cp.name_pattern is not None:
        for line in reading_order(page.lines):
            m = cp.name_pattern.search(line.text)
            if m and top <= line.bbox[1] < bottom:
                return m.group("name").strip(), line.raw, line.bbox
    return None


def split_records(state: ProfileReading) -> None:
    spec = state.profile.profile.record
    if spec.starts == "file":
        found = next((n for p in state.pages if (n := find_name(state, p))), None)
        if found is None:
            name = state.title or state.path.stem
            found = (name, name, None)
            if spec.name is not None:
                state.warn("record_name_missing", "the record's name field was not found; named by the title")
        state.records.append(RecordSpan(normalise_name(found[0]), found[1], list(state.pages), found[2]))
    elif spec.starts == "form":
        for page in state.pages:
            starts = any(state.profile.form_header.search(l.text) for l in page.lines)
            found = find_name(state, page) if starts else None
            current = state.records[-1] if state.records else None
            if starts and found is not None and (current is None or normalise_name(found[0]) != current.name):
                state.records.append(RecordSpan(normalise_name(found[0]), found[1], [page], found[2]))
            elif current is not None:
                current.pages.append(page)
            elif starts:
                state.warn("record_name_missing", "a form page whose name field was not found", page.number)
    else:
        # a record's heading is printed as a line of its own, never inside a table
        found = [
            (page, line, m)
            for page in state.pages
            for line in reading_order(page.lines)
            if not layout.in_grid(line.bbox, page.grids) and (m := state.profile.record_heading.search(line.text))
        ]
        heads = []
        for page, line, m in found:
            name = normalise_name(m.group("name") if "name" in m.groupdict() and m.group("name") else line.text)
            if heads and heads[-1][0] == name:
                continue  # the sheet's name printed again at the head of its next page
            heads.append((name, page, line))
        for k, (name, page, line) in enumerate(heads):
            span = RecordSpan(name, line.raw, [], line.bbox, start=(page.number, line.bbox[1]))
            if k + 1 < len(heads):
                _, nxt_page, nxt_line = heads[k + 1]
                span.end = (nxt_page.number, nxt_line.bbox[1])
            span.pages = [p for p in state.pages if span.start[0] <= p.number <= span.end[0]]
            state.records.append(span)
    if not state.records:
        state.warn("no_records", f"no record found (records start by {spec.starts})")
    if state.profile.sub_label is not None:
        for record in list(state.records):
            split_subs(state, record)


def split_subs(state: ProfileReading, record: RecordSpan) -> None:
    """Sub-records: each field labelled like `record.sub` starts one, up to the next."""
    starts = sorted(
        (
            (f.page, f.label_bbox[1] if f.label_bbox else f.bbox[1], f)
            for p in record.pages
            for f in p.fields
            if state.profile.sub_label.search(compact(f.label)) and record.holds(f.page, (f.label_bbox or f.bbox)[1])
        ),
        key=lambda s: (s[0], s[1]),
    )
    seen: set[tuple[int, float]] = set()
    starts = [s for s in starts if (s[0], s[1]) not in seen and not seen.add((s[0], s[1]))]
    subs = []
    for k, (page, top, f) in enumerate(starts):
        end = (starts[k + 1][0], starts[k + 1][1]) if k + 1 < len(starts) else record.end
        name = _clean_name(state, f.value)
        subs.append(
            RecordSpan(
                normalise_name(name),
                _clean_name(state, f.value_raw),
                [p for p in record.pages if page <= p.number <= end[0]],
                f.bbox,
                start=(page, top - 0.5),
                end=end,
                parent=record.name,
            )
        )
    record.subs = subs
    state.records += subs
