"""Comparing what a family reads from an evaluation sheet with the truth typed from its page.

The truth (`tests/data/sheets/<stem>.json`) lists every KPI value, cost cell, PDCA section
and category field as printed. Both sides are reduced to comparable keys (NFKC, spaces
removed, dashes folded), then matched as multisets: what the reader found and the truth
lacks lowers precision, what the truth holds and the reader missed lowers recall.
"""

from __future__ import annotations

import json
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import regex

from tests.conftest import TEST_DATA

TRUTH_DIR = TEST_DATA / "sheets"
KINDS = ("kpi", "costs", "sections", "categories")

_DASHES = regex.compile(r"[\-‐‑‒–—―−－]")


def canon(text: str | None) -> str:
    """Printed text reduced for comparison: ``'事　業　費'`` → ``'事業費'``, ``'１０％'`` → ``'10%'``,
    ``'㎘'`` → ``'kl'``, ``'‐'`` → ``'-'``; brackets folded to ASCII by NFKC."""
    if text is None:
        return ""
    folded = unicodedata.normalize("NFKC", text)
    return _DASHES.sub("-", "".join(folded.split()))


def truth_files() -> list[Path]:
    return sorted(TRUTH_DIR.glob("*.json"))


def load_truth(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _owner(entry: dict, truth: dict) -> str:
    """The record a truth entry belongs to: its sub-record (細事業) when it names one."""
    return canon(entry.get("sub") or truth["record"]["name"])


def truth_keys(truth: dict) -> dict[str, Counter]:
    """The truth as multisets of comparable keys, one per kind."""
    return {
        "kpi": Counter(
            (
                _owner(k, truth),
                canon(k["indicator"]),
                canon(k["unit"]),
                k["fiscal_year"],
                k["kind"],
                canon(k["kind_raw"]),
                canon(k["value"]),
            )
            for k in truth["kpi"]
        ),
        "costs": Counter(
            (_owner(c, truth), canon(c["item"]), c["fiscal_year"], c["basis"], canon(c["value"]))
            for c in truth["costs"]
        ),
        "sections": Counter((_owner(s, truth), s["phase"], canon(s["text"])) for s in truth["sections"]),
        "categories": Counter(
            (_owner(c, truth), c["field"], canon(c["label"]), canon(c["value"])) for c in truth["categories"]
        ),
    }


def _kind_raw(printed: str | None, truth_labels: set[str]) -> str:
    """The kind label within what the reader kept as printed: a header may print the year
    with it (``R5年度 実 績``); the truth types the label alone (``実績``)."""
    text = canon(printed)
    return next((label for label in truth_labels if label and label in text), text)


def extraction_keys(extraction, truth: dict) -> dict[str, Counter]:
    """What the reader extracted, as the same keys as `truth_keys`."""
    labels = {canon(k["kind_raw"]) for k in truth["kpi"]}
    return {
        "kpi": Counter(
            (
                canon(k.measure),
                canon(k.indicator),
                canon(k.unit_raw if k.unit_raw is not None else k.unit),
                k.fiscal_year,
                k.kind,
                _kind_raw(k.kind_raw, labels),
                canon(k.value_text),
            )
            for k in extraction.kpi_values
        ),
        "costs": Counter(
            (canon(c.measure), canon(c.item), c.fiscal_year, c.basis, canon(c.value_text)) for c in extraction.costs
        ),
        "sections": Counter((canon(p.measure), p.phase, canon(p.text)) for p in extraction.pdca_items),
        "categories": Counter(
            (canon(c.measure), c.field, canon(c.label_raw), canon(c.value_raw)) for c in extraction.categories
        ),
    }


@dataclass
class Score:
    """Matches of one kind over one or more sheets."""

    found: int = 0
    expected: int = 0
    matched: int = 0
    missing: list = field(default_factory=list)
    extra: list = field(default_factory=list)

    def add(self, got: Counter, want: Counter) -> None:
        self.found += sum(got.values())
        self.expected += sum(want.values())
        self.matched += sum((got & want).values())
        self.missing += list((want - got).elements())
        self.extra += list((got - want).elements())

    @property
    def precision(self) -> float:
        return self.matched / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.matched / self.expected if self.expected else 1.0


def score(extraction, truth: dict) -> dict[str, Score]:
    got, want = extraction_keys(extraction, truth), truth_keys(truth)
    out = {}
    for kind in KINDS:
        out[kind] = Score()
        out[kind].add(got[kind], want[kind])
    return out
