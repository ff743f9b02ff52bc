"""Which edition a PDF is: its report series and fiscal year, from evidence anywhere in it.

An edition names itself in several places, and a faithful typesetting may drop any of
them (no cover page, no metadata). Every piece of evidence found is kept
(`EditionEvidence`); the edition is read from the strongest one, and `pipeline.ingest`
fails validation when two pieces disagree (the catalogue says FY2020, the body FY2019).

Each family declares its `Series`: a marker phrase and evidence rules (strongest first;
patterns run on normalised text), each of one kind:

========= ======== ====================================================================
kind      where    what it matches
========= ======== ====================================================================
title     any line the edition's title (the cover or a title line)
heading   any line a section heading naming the year
sentence  any page a sentence naming the year (a page's lines are joined)
metadata  the file the PDF's Title or Subject, read like a title line
========= ======== ====================================================================

A claim made outside the file (the catalogue entry, ``nenpo ingest --series/--fiscal-year``)
is evidence too (`EditionClaim`); it decides the edition only when the file itself
names none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import regex

from nenpo.extractors.models import EditionEvidence
from nenpo.extractors.normalise import normalise_text, parse_year

YEAR = r"(?P<year>(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*(?:\(\s*[0-9]{4}\s*\))?\s*年度)"
"""An era fiscal year after normalisation: ``令和2(2020)年度``, ``令和元年度``, ``平成30年度``."""


@dataclass(frozen=True)
class EvidenceRule:
    kind: Literal["title", "heading", "sentence", "metadata"]
    scope: Literal["line", "page", "metadata"]
    pattern: regex.Pattern
    example: str
    """Text the rule matches, as printed in an edition."""


@dataclass(frozen=True)
class Series:
    """A report series, and how an edition of it names its fiscal year."""

    id: str
    marker: str
    """A phrase every piece of evidence contains (normalised): lines without it are skipped."""
    rules: tuple[EvidenceRule, ...]


KIND_ORDER = ("title", "heading", "sentence", "metadata", "catalogue", "command_line")
"""Evidence from strongest to weakest: the edition is read from the first found."""

DESCRIBED = {
    "title": "title",
    "heading": "section heading",
    "sentence": "purpose sentence (本報告書は…)",
    "metadata": "metadata",
    "catalogue": "catalogue",
    "command_line": "command line (--series/--fiscal-year)",
}
"""How messages name each kind of evidence: ``the PDF's section heading says FY2019``."""

CLAIM_KINDS = frozenset({"catalogue", "command_line"})
PER_KIND = 3  # pieces of evidence kept per kind and series: enough to show a conflict


@dataclass(frozen=True)
class EditionClaim:
    """What a source outside the file says the edition is."""

    series: str | None
    fiscal_year: int | None
    by: Literal["catalogue", "command_line"] = "catalogue"
    family: str | None = None
    """The report family that reads the file (its catalogue series' family, ``--family``)."""

    def evidence(self) -> EditionEvidence:
        return EditionEvidence(kind=self.by, series=self.series, fiscal_year=self.fiscal_year, text="")


@dataclass
class EditionFinder:
    """Collects evidence page by page (`read_page`), then from the metadata (`read_metadata`)."""

    evidence: list[EditionEvidence]
    near_misses: list[str]

    series: tuple[Series, ...]

    def __init__(self, series: Sequence[Series]) -> None:
        self.evidence, self.near_misses = [], []
        self.series = tuple(series)

    def _add(self, series: Series, rule: EvidenceRule, match: regex.Match, printed: str, page: int | None) -> None:
        if sum(e.kind == rule.kind and e.series == series.id for e in self.evidence) >= PER_KIND:
            return
        year = parse_year(match.group("year"))
        if year is not None:
            self.evidence.append(
                EditionEvidence(
                    kind=rule.kind,
                    series=series.id,
                    fiscal_year=year.year,
                    text=printed.strip(),
                    page=page,
                )
            )

    def read_page(self, page: int, texts: Sequence[str], raws: Sequence[str]) -> None:
        """`texts`: the page's lines normalised; `raws`: as printed."""
        for series in self.series:
            marked = [i for i, text in enumerate(texts) if series.marker in text]
            if not marked:
                continue
            found = False
            for rule in series.rules:
                if rule.scope == "line":
                    for i in marked:
                        match = rule.pattern.search(texts[i])
                        if match:
                            self._add(series, rule, match, raws[i], page)
                            found = True
                elif rule.scope == "page":
                    joined = "".join(t.strip() for t in texts)
                    match = rule.pattern.search(joined)
                    if match:
                        self._add(series, rule, match, match.group(0), page)
                        found = True
            if not found and len(self.near_misses) < 3:
                self.near_misses.append(f"page {page}: {raws[marked[0]].strip()[:60]!r}")

    def read_metadata(self, metadata: Mapping[str, object]) -> None:
        for series in self.series:
            for rule in series.rules:
                if rule.scope != "metadata":
                    continue
                for key in ("title", "subject"):
                    value = str(metadata.get(key) or "")
                    match = rule.pattern.search(normalise_text(value))
                    if match:
                        self._add(series, rule, match, f"{key}: {value}", None)
                        break

    def strongest(self) -> EditionEvidence | None:
        ranked = sorted(self.evidence, key=lambda e: KIND_ORDER.index(e.kind))
        return ranked[0] if ranked else None

    def looked_for(self) -> str:
        return "; ".join(
            f"{DESCRIBED[rule.kind]} like {rule.example!r}" for series in self.series for rule in series.rules
        )

    def found(self, metadata: Mapping[str, object]) -> str:
        seen = list(self.near_misses) or ["no line naming the series"]
        title = str(metadata.get("title") or "").strip()
        seen.append(f"metadata title {title!r}" if title else "no metadata title")
        return "; ".join(seen)


def where(e: EditionEvidence) -> str:
    """``page 12: '４ 令和元（2019）年度…'`` for messages."""
    place = f"page {e.page}: " if e.page is not None else ""
    return f"{place}{e.text!r}" if e.text else place.rstrip(": ")


def conflicts(evidence: Sequence[EditionEvidence]) -> list[tuple[EditionEvidence, EditionEvidence]]:
    """Pairs of evidence that name different editions: the first piece naming each
    (series, year), against the first piece of the strongest edition."""
    firsts: dict[tuple[str | None, int | None], EditionEvidence] = {}
    for e in sorted(evidence, key=lambda e: KIND_ORDER.index(e.kind)):
        firsts.setdefault((e.series, e.fiscal_year), e)
    if len(firsts) < 2:
        return []
    pieces = list(firsts.values())
    lead = pieces[0]
    return [(lead, other) for other in pieces[1:] if not _compatible(lead, other)]


def _compatible(a: EditionEvidence, b: EditionEvidence) -> bool:
    """A claim that leaves the series or year open agrees with anything on that count."""
    same_series = a.series is None or b.series is None or a.series == b.series
    same_year = a.fiscal_year is None or b.fiscal_year is None or a.fiscal_year == b.fiscal_year
    return same_series and same_year


def describe(e: EditionEvidence, fields: Sequence[str] = ("fiscal_year", "series")) -> str:
    """``the PDF's section heading says FY2019 (page 12: '…')`` or ``the catalogue lists it as FY2020``."""
    what = []
    if "fiscal_year" in fields and e.fiscal_year is not None:
        what.append(f"FY{e.fiscal_year}")
    if "series" in fields and e.series is not None:
        what.append(f"series {e.series!r}")
    if e.kind in CLAIM_KINDS:
        return f"the {DESCRIBED[e.kind]} lists it as {' of '.join(what)}"
    return f"the PDF's {DESCRIBED[e.kind]} says {' of '.join(what)} ({where(e)})"


def conflict_message(a: EditionEvidence, b: EditionEvidence) -> str:
    """Both sides of a conflict, a claim first, naming only what differs:
    ``the catalogue lists it as FY2020, the PDF's section heading says FY2019 (page 12: '…')``."""
    if b.kind in CLAIM_KINDS and a.kind not in CLAIM_KINDS:
        a, b = b, a
    fields = [
        f
        for f in ("fiscal_year", "series")
        if getattr(a, f) is not None and getattr(b, f) is not None and getattr(a, f) != getattr(b, f)
    ]
    return f"{describe(a, fields)}, {describe(b, fields)}"
