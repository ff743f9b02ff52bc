"""Reading order of a page in vertical writing (縦書き).

MuPDF reports most vertical writing one glyph per line, in content-stream order, and a
gazette page stacks tiers (段) of columns with tables inside them, so text order
interleaves columns. The page's lines are put in reading order by recursive XY cuts on
their boxes:

* a region is first cut across where a horizontal band at least ``TIER_GAP`` glyphs high
  holds no text (tiers, a header, the rows of a table); bands are read top to bottom;
  a drawn rule across most of the region that crosses no text also cuts it (the rule
  between two tiers often sits in a narrower gap);
* a region mostly of horizontal lines (a running header) is read left to right, top to
  bottom;
* otherwise it is cut down between columns, where the centres of neighbouring glyphs
  step by at least ``COLUMN_STEP`` glyphs (the columns inside a table cell touch, so a
  gap cannot be required); columns are read right to left;
* a region that cannot be cut is one column: its glyphs are read top to bottom and
  become one `TextLine` (``vertical=True``) whose box is the column's; pieces of one
  column that a gap cut apart are joined again afterwards.

Vertical presentation forms, which some producers and Tesseract's ``jpn_vert`` model
emit (︑ ﹁ ︵ ︰ … U+FE10-FE19, U+FE30-FE4F), are folded to the ordinary characters
(、「（：…) by NFKC, character by character, so that the rest of the text keeps its
printed form.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable, Sequence
from statistics import median
from typing import Any

__all__ = ["fold_vertical_forms", "vertical_reading_order"]

TIER_GAP = 0.75  # glyph heights of empty band that separate tiers or table rows
COLUMN_STEP = 0.6  # glyph widths between the centres of two neighbouring columns
STRADDLE = 0.4  # share of its height a glyph may reach across a tier rule
RULE_SPAN = 0.6  # share of a region's width a rule must cross to separate tiers

_VERTICAL_FORMS = re.compile("[\ufe10-\ufe19\ufe30-\ufe4f]")
"""Vertical presentation forms: ``︑`` (U+FE11, 、), ``﹁`` (U+FE41, 「), ``︵`` (U+FE35, （)."""


def fold_vertical_forms(text: str) -> str:
    """``︵平成十九年︶﹁含む︒﹂`` → ``(平成十九年)「含む。」``: only the presentation forms change."""
    return _VERTICAL_FORMS.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def _horizontal(line: Any) -> bool:
    x0, top, x1, bottom = line.bbox
    return not line.vertical and len(line.text.strip()) >= 2 and (x1 - x0) > (bottom - top)


def _cuts(spans: list[tuple[float, float]], gap: float) -> list[float]:
    """Positions inside empty stretches at least `gap` long between the given spans."""
    cuts = []
    spans = sorted(spans)
    reach = spans[0][1]
    for start, end in spans[1:]:
        if start - reach >= gap:
            cuts.append((start + reach) / 2)
        reach = max(reach, end)
    return cuts


def _split(lines: list[Any], cuts: list[float], key: Callable[[Any], float]) -> list[list[Any]]:
    parts: list[list[Any]] = [[] for _ in range(len(cuts) + 1)]
    for line in lines:
        parts[sum(1 for c in cuts if key(line) > c)].append(line)
    return [p for p in parts if p]


def _column(lines: list[Any]) -> Any:
    """One column read top to bottom, as one line."""
    lines = sorted(lines, key=lambda l: (l.bbox[1], -l.bbox[0]))
    text = "".join(l.text.strip() for l in lines)
    box = (
        min(l.bbox[0] for l in lines),
        min(l.bbox[1] for l in lines),
        max(l.bbox[2] for l in lines),
        max(l.bbox[3] for l in lines),
    )
    return dataclasses.replace(
        lines[0],
        text=text,
        bbox=box,
        size=max(l.size for l in lines),
        vertical=True,
        conf=_mean_conf(lines),
    )


def _mean_conf(lines: list[Any]) -> float | None:
    confs = [(l.conf, len(l.text)) for l in lines if getattr(l, "conf", None) is not None]
    total = sum(n for _, n in confs)
    return round(sum(c * n for c, n in confs) / total, 4) if total else None


def _rule_cuts(lines: list[Any], rules: Sequence[tuple[float, float, float]]) -> list[float]:
    """y of drawn horizontal rules that cross most of the region and no line: the rule
    between two tiers sits in a gap narrower than ``TIER_GAP``, and punctuation set in a
    vertical font can reach over it by a little (``STRADDLE`` of its height)."""
    x0, x1 = min(l.bbox[0] for l in lines), max(l.bbox[2] for l in lines)
    top, bottom = min(l.bbox[1] for l in lines), max(l.bbox[3] for l in lines)
    return [
        y
        for rx0, rx1, y in rules
        if top < y < bottom
        and min(rx1, x1) - max(rx0, x0) >= RULE_SPAN * (x1 - x0)
        and not any(min(y - l.bbox[1], l.bbox[3] - y) > STRADDLE * (l.bbox[3] - l.bbox[1]) for l in lines)
    ]


def _column_cuts(lines: list[Any], glyph: float) -> list[float]:
    """x positions between columns: a jump of ``COLUMN_STEP`` glyphs between the centres
    of neighbouring lines, sorted by centre (columns in a table cell touch; their centres
    still step by a column's pitch)."""
    centres = sorted((l.bbox[0] + l.bbox[2]) / 2 for l in lines)
    return [(a + b) / 2 for a, b in zip(centres, centres[1:]) if b - a >= COLUMN_STEP * glyph]


def _order(lines: list[Any], glyph: float, rules: Sequence[tuple[float, float, float]]) -> list[Any]:
    if len(lines) == 1 and not lines[0].vertical:
        return lines
    across = sorted(set(_cuts([(l.bbox[1], l.bbox[3]) for l in lines], TIER_GAP * glyph) + _rule_cuts(lines, rules)))
    bands = _split(lines, across, lambda l: (l.bbox[1] + l.bbox[3]) / 2) if across else []
    if len(bands) > 1:
        return [out for band in bands for out in _order(band, glyph, rules)]
    if sum(len(l.text) for l in lines if _horizontal(l)) * 2 > sum(len(l.text) for l in lines):
        return sorted(lines, key=lambda l: (l.bbox[1], l.bbox[0]))  # a running header
    down = _column_cuts(lines, glyph)
    parts = _split(lines, down, lambda l: (l.bbox[0] + l.bbox[2]) / 2) if down else []
    if len(parts) > 1:
        return [out for part in reversed(parts) for out in _order(part, glyph, rules)]  # right to left
    return [_column(lines)]


def _rejoin(lines: list[Any]) -> list[Any]:
    """Pieces of one column that a gap cut apart (a comma set low, a blank) joined again."""
    out: list[Any] = []
    for line in lines:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.vertical
            and line.vertical
            and min(prev.bbox[2], line.bbox[2]) - max(prev.bbox[0], line.bbox[0])
            >= 0.5 * min(prev.bbox[2] - prev.bbox[0], line.bbox[2] - line.bbox[0])
            and line.bbox[1] >= prev.bbox[1]
        ):
            out[-1] = _column([prev, line])
        else:
            out.append(line)
    return out


def vertical_reading_order(lines: Sequence[Any], rulings: Sequence[Any] = ()) -> list[Any]:
    """A vertical page's lines (`pages.TextLine`) in reading order, columns joined;
    `rulings` (`pages.Ruling`) give the rules that may separate tiers."""
    lines = [dataclasses.replace(l, text=fold_vertical_forms(l.text)) for l in lines if l.text.strip()]
    if not lines:
        return []
    glyph = median(min(l.bbox[2] - l.bbox[0], l.bbox[3] - l.bbox[1]) for l in lines) or 1.0
    rules = [(r.x0, r.x1, (r.top + r.bottom) / 2) for r in rulings if r.horizontal]
    return _rejoin(_order(lines, glyph, rules))
