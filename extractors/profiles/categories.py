"""Category fields (達成状況, 方向性 …): the value printed beside (or under, or checked
among the options of) a labelled field, matched against the profile's vocabulary; a value
outside it is an extraction warning naming the page and the value."""

from __future__ import annotations

import regex

from nenpo.extractors.models import CategoryValue
from nenpo.extractors.paragraphs import unwrap
from nenpo.extractors.profiles.layout import Field, compact
from nenpo.extractors.profiles.state import ProfileReading, RecordSpan, fields_of

__all__ = ["BULLET", "CHECKED", "read_categories", "warn_missing_categories"]


BULLET = regex.compile(r"^[・･○◯●]\s*")
"""A bullet before a value: ``・該当なし`` is 該当なし."""

CHECKED = regex.compile(r"^[■☑✓✔◉●]\s*(?P<option>.+)$")
"""A marked option of a check-box field: ``■ 特定の個人または集団に提供されるサービス(個人消費性)``."""


def _category_value(cat, f: Field) -> str:
    if cat.checkbox:
        marked = [m.group("option") for line in f.value.split("\n") if (m := CHECKED.match(line.strip()))]
        return marked[0] if marked else ""
    return BULLET.sub("", unwrap(f.value.split("\n")).split("\n")[0]).strip()


def read_categories(state: ProfileReading, record: RecordSpan, missing: list) -> None:
    """Each category field of the record; one not printed is noted in `missing` (a field a
    sheet prints once per sub-record is missing from the sheet's own part)."""
    for cat, label, vocabulary in state.profile.categories:
        fields = [f for page in record.pages for f in fields_of(record, page) if label.search(compact(f.label))]
        if not fields:
            missing.append((record, cat))
            continue
        # the first field whose value is in the vocabulary (a label may also head a column)
        chosen = None
        for f in fields:
            printed = _category_value(cat, f)
            value = next((vid for vid, p in vocabulary if p.search(printed)), None)
            if value is not None:
                chosen = f
                break
        if chosen is None:
            f = fields[0]
            printed = _category_value(cat, f)
        else:
            f = chosen
        if value is None:
            state.warn(
                "unknown_category",
                f"page {f.page}: {cat.id} ({compact(f.label)}) is {printed!r}, not in the vocabulary "
                f"({', '.join(cat.values)})",
                f.page,
                measure=record.name,
            )
            continue
        state.categories.append(
            CategoryValue(
                measure=record.name,
                field=cat.id,
                label_raw=f.label_raw.replace("\n", " "),
                value=value,
                value_raw=printed,
                page=f.page,
                bbox=f.bbox,
                text_source=state.text_source(f.page),
            )
        )


def warn_missing_categories(state: ProfileReading, missing: list) -> None:
    found = {(c.measure, c.field) for c in state.categories}
    for record, cat in missing:
        related = {record.name, record.parent, *(s.name for s in record.subs)}
        if not any((name, cat.id) in found for name in related if name):
            state.warn(
                "category_missing",
                f"record {record.name!r}: no field labelled like {cat.label!r} ({cat.id})",
                measure=record.name,
            )
