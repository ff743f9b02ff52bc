"""Stable identities of measures and indicators across editions.

Editions rename things: a measure printed as ``ものづくり中小企業経営支援事業`` one year is
``ものづくり中小企業経営革新等支援事業`` the next, an indicator label gains a word. A time
series must stay one line through such a rename, so every printed name is linked to a
*canonical* name (the name in the latest edition that prints it), with the reason:

1. ``pinned``: a user's alias file says so (`aliases.yaml`, or ``--aliases``);
2. ``exact``: the same normalised name was printed by an earlier edition;
3. ``evidence``: a name that disappears in edition N and a name that appears in N are
   the same thing when the evidence is strong enough — the same article, the same
   indicator set (for measures) or the same unit (for indicators), and similar names.
   The score and the evidence are recorded.

Links never cross series; a pin can also forbid a link (``distinct_from``).
"""

from __future__ import annotations

import difflib
import os
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa
import yaml

from nenpo.warehouse.schema import arrow_schema
from nenpo.warehouse.tx import transaction

DEFAULT_ALIASES = Path(__file__).with_name("aliases.yaml")

MEASURE_THRESHOLD = 0.6
"""Evidence score above which a vanished and a new measure are linked."""
INDICATOR_THRESHOLD = 0.6
"""Evidence score above which a vanished and a new indicator of one measure are linked."""


@dataclass(frozen=True)
class Pin:
    series: str
    name: str
    same_as: str | None = None
    distinct_from: str | None = None
    measure: str | None = None  # for indicators: the (canonical) measure they belong to


@dataclass
class Aliases:
    """User-pinned links, read from YAML."""

    measures: list[Pin] = field(default_factory=list)
    indicators: list[Pin] = field(default_factory=list)

    @classmethod
    def load(cls, path: str | Path | None = None) -> Aliases:
        """Read an alias file: `path`, else $NENPO_ALIASES, else the repository's default.

        Every run that links names (each ingest, and `nenpo audit`) reads the same file, so
        a pin set through $NENPO_ALIASES is not undone by the next scheduled ingest.
        """
        path = Path(path or os.environ.get("NENPO_ALIASES") or DEFAULT_ALIASES)
        if not path.is_file():
            if path == DEFAULT_ALIASES:
                return cls()
            raise FileNotFoundError(f"alias file {path} does not exist")
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        try:
            return cls(
                [Pin(**entry) for entry in data.get("measures") or []],
                [Pin(**entry) for entry in data.get("indicators") or []],
            )
        except TypeError as exc:
            raise ValueError(f"{path}: malformed alias entry: {exc}") from exc


def similarity(a: str, b: str) -> float:
    """Name similarity 0..1 (difflib's ratio on the normalised names)."""
    return difflib.SequenceMatcher(None, a, b).ratio()


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 0.0


Evidence = dict[str, object]
"""Why two printed names were linked (same article, indicator overlap, name similarity …), stored as JSON."""


@dataclass
class _Printed:
    """A name as one edition prints it, with what identifies it besides the name."""

    series: str
    edition: int
    name: str
    article: int | None = None
    unit: str | None = None
    children: frozenset[str] = frozenset()


def _measure_score(old: _Printed, new: _Printed) -> tuple[float, Evidence]:
    same_article = old.article is not None and old.article == new.article
    overlap = _jaccard(set(old.children), set(new.children))
    name = similarity(old.name, new.name)
    # a different article rules a rename out; otherwise indicators weigh most
    score = (
        0.0 if (old.article and new.article and not same_article) else 0.5 * overlap + 0.3 * name + 0.2 * same_article
    )
    return score, {
        "same_article": same_article,
        "indicator_overlap": round(overlap, 3),
        "name_similarity": round(name, 3),
    }


def _indicator_score(old: _Printed, new: _Printed) -> tuple[float, Evidence]:
    same_unit = (old.unit or "") == (new.unit or "")
    name = similarity(old.name, new.name)
    score = 0.0 if not same_unit else 0.8 * name + 0.2
    return score, {"same_unit": same_unit, "name_similarity": round(name, 3)}


ScoreFunction = Callable[[_Printed, _Printed], tuple[float, Evidence]]
"""How alike an earlier printed name and a new one are (0..1), and the evidence for it."""


def _link(
    printed: list[_Printed], pins: list[Pin], threshold: float, score_fn: ScoreFunction
) -> dict[str, tuple[str, str, float | None, Evidence]]:
    """Link every printed name of one series (and one measure, for indicators) to a canonical one.

    Returns name → (canonical, reason, score, evidence). Editions are walked oldest first;
    a name that vanishes is matched against the names that appear in the same edition.
    """
    by_edition: dict[int, dict[str, _Printed]] = defaultdict(dict)
    for p in printed:
        by_edition[p.edition][p.name] = p
    identity: dict[str, str] = {}  # name → identity key (the first name it was printed under)
    link: dict[str, tuple[str, float | None, Evidence]] = {}  # identity key → why its names were linked
    forced = {p.name: p.same_as for p in pins if p.same_as}
    forbidden = {(p.name, p.distinct_from) for p in pins if p.distinct_from}
    forbidden |= {(b, a) for a, b in forbidden}
    previous: dict[str, _Printed] = {}
    for edition in sorted(by_edition):
        current = by_edition[edition]
        vanished = [n for n in previous if n not in current]
        for name in (n for n in current if n not in identity):
            if name in forced:
                target = forced[name]
                identity[name] = identity.get(target, target)
                link[identity[name]] = ("pinned", None, {"name": name, "same_as": target})
                continue
            best, best_score, best_evidence = None, threshold, {}
            for old in vanished:
                if (name, old) in forbidden:
                    continue
                score, evidence = score_fn(previous[old], current[name])
                if score >= best_score:
                    best, best_score, best_evidence = old, score, evidence
            if best is None:
                identity[name] = name
                continue
            identity[name] = identity[best]
            link[identity[name]] = (
                "evidence",
                round(best_score, 3),
                {"previous_name": best, "name": name, **best_evidence},
            )
            vanished.remove(best)
        previous = {**{n: p for n, p in previous.items() if n not in current}, **current}
    # canonical = the name the identity carries in the latest edition that prints it
    latest: dict[str, tuple[int, str]] = {}
    for p in printed:
        key = identity[p.name]
        if key not in latest or p.edition > latest[key][0]:
            latest[key] = (p.edition, p.name)
    return {name: (latest[key][1], *link.get(key, ("exact", 1.0, {}))) for name, key in identity.items()}


def resolve(con: duckdb.DuckDBPyConnection, aliases: Aliases | None = None) -> tuple[pa.Table, pa.Table]:
    """Compute measure_aliases and indicator_aliases from everything loaded."""
    aliases = aliases or Aliases()
    rows = con.execute(
        """
        SELECT m.series, m.report_fiscal_year, m.name, any_value(m.article),
               list(DISTINCT k.indicator) FILTER (WHERE k.indicator IS NOT NULL)
        FROM measures m LEFT JOIN kpi_values k
          ON k.report_id = m.report_id AND k.measure = m.name
        GROUP BY ALL
        """
    ).fetchall()
    measure_rows: list[dict[str, object]] = []
    measure_canonical: dict[tuple[str, str], str] = {}
    for series in sorted({r[0] for r in rows}):
        printed = [
            _Printed(s, fy, name, article, None, frozenset(ind or []))
            for s, fy, name, article, ind in rows
            if s == series
        ]
        pins = [p for p in aliases.measures if p.series == series]
        for name, (canonical, why, score, evidence) in sorted(
            _link(printed, pins, MEASURE_THRESHOLD, _measure_score).items()
        ):
            measure_canonical[(series, name)] = canonical
            years = sorted(p.edition for p in printed if p.name == name)
            measure_rows.append(
                {
                    "series": series,
                    "name": name,
                    "canonical": canonical,
                    "reason": why,
                    "score": score,
                    "evidence": _json(evidence),
                    "first_report_fiscal_year": years[0],
                    "last_report_fiscal_year": years[-1],
                }
            )
    kpis = con.execute(
        "SELECT series, report_fiscal_year, measure, indicator, any_value(unit) FROM kpi_values GROUP BY ALL"
    ).fetchall()
    groups: dict[tuple[str, str], list[_Printed]] = defaultdict(list)
    for series, fy, measure, indicator, unit in kpis:
        canonical_measure = measure_canonical.get((series, measure), measure)
        groups[(series, canonical_measure)].append(_Printed(series, fy, indicator, None, unit))
    indicator_rows: list[dict[str, object]] = []
    for (series, measure), printed in sorted(groups.items()):
        pins = [p for p in aliases.indicators if p.series == series and p.measure in (None, measure)]
        for name, (canonical, why, score, evidence) in sorted(
            _link(printed, pins, INDICATOR_THRESHOLD, _indicator_score).items()
        ):
            years = sorted(p.edition for p in printed if p.name == name)
            indicator_rows.append(
                {
                    "series": series,
                    "measure": measure,
                    "name": name,
                    "canonical": canonical,
                    "reason": why,
                    "score": score,
                    "evidence": _json(evidence),
                    "first_report_fiscal_year": years[0],
                    "last_report_fiscal_year": years[-1],
                }
            )
    return _arrow(measure_rows, "measure_aliases"), _arrow(indicator_rows, "indicator_aliases")


def _json(evidence: Evidence) -> str:
    import json

    return json.dumps(evidence, ensure_ascii=False, sort_keys=True)


def _arrow(rows: list[dict[str, object]], table: str) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=arrow_schema(table))


def refresh_identities(con: duckdb.DuckDBPyConnection, aliases: Aliases | None = None) -> tuple[int, int]:
    """Recompute both alias tables in one transaction; return their row counts."""
    measures, indicators = resolve(con, aliases)
    with transaction(con):
        for table, data in (("measure_aliases", measures), ("indicator_aliases", indicators)):
            con.execute(f"DELETE FROM {table}")
            con.register("_nenpo_aliases", data)
            try:
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _nenpo_aliases")
            finally:
                con.unregister("_nenpo_aliases")
    return measures.num_rows, indicators.num_rows
