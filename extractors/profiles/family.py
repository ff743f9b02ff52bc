"""Every profile a `ReportFamily`: one factory (`profile_family`) and the entry point
(`profile_families`, declared under ``nenpo.families``) that returns all of them: the
profiles shipped in the package and those in ``$NENPO_PROFILES``.

A profile's identities become audit rules (`warehouse.audit.Rule`) over the warehouse's
`costs` table:

- ``sum``: within one sheet, year and basis, the total row (``事業費``) equals the sum of
  the part rows printed (``国・府支出金 + 地方債 + その他 + 一般財源``);
- ``next_edition``: an amount printed for one fiscal year by two consecutive editions of
  a series (this year's sheet repeats last year's 決算) is the same in both.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import regex

from nenpo.extractors.family import DocumentProbe, Recognition, ReportFamily
from nenpo.extractors.profiles.load import Problem
from nenpo.extractors.profiles.model import Identity, Profile

__all__ = ["identity_rule", "profile_families", "profile_family", "recognise_by_profile"]

log = logging.getLogger(__name__)

MIN_TEXT = 20  # real characters a page needs to count as text for the generic family (`_has_text_layer`)
TITLE_LINES = 12  # lines at the head of the first page where a title is looked for


def _lines(probe: DocumentProbe) -> Iterable[tuple[int, str]]:
    for number, text in enumerate(probe.page_texts, start=1):
        for line in text.split("\n"):
            if line.strip():
                yield number, line.strip()


def recognise_by_profile(profile: Profile, probe: DocumentProbe) -> Recognition | None:
    """Does the document look like an edition of the profile's family? Its recognise
    patterns on any line or the metadata title; a profile with none (the generic reader)
    claims any document with text, at its low confidence."""
    patterns = [regex.compile(p) for p in profile.edition.recognise]
    title = str(probe.metadata.get("title") or "")
    why = None
    if patterns:
        for number, line in _lines(probe):
            hit = next((p for p in patterns if p.search(line)), None)
            if hit is not None:
                why = f"page {number}: {line[:60]!r} matches {hit.pattern!r}"
                break
        if why is None and title and any(p.search(title) for p in patterns):
            why = f"metadata title {title!r}"
        if why is None:
            return None
        for required in (regex.compile(p) for p in profile.edition.require):
            if not (any(required.search(line) for _, line in _lines(probe)) or (title and required.search(title))):
                return None
    else:
        if not _has_text_layer(probe):
            return None
        why = "a PDF with text that no other family claims"
    return Recognition(
        series=profile.series, fiscal_year=_probe_year(profile, probe), confidence=profile.edition.confidence, why=why
    )


def _has_text_layer(probe: DocumentProbe) -> bool:
    """Does the document carry its text, so a reader of any document may claim it from the
    probe? More than half its pages hold `MIN_TEXT` real characters (not U+FFFD, private use
    or controls). A scan, whose only text is a folio or a scanner's stamp, or a file whose
    text layer is lost, is not claimed: every family's full reader is then offered it in
    turn (`extractors.dispatch`), so a family that OCRs or repairs it reads it first."""
    from nenpo.extractors.pages import real_chars

    with_text = sum(1 for text in probe.page_texts if real_chars(text) >= MIN_TEXT)
    return with_text * 2 > len(probe.page_texts)


def _probe_year(profile: Profile, probe: DocumentProbe) -> int | None:
    from nenpo.extractors.profiles.grammar import years_in

    for spec in profile.edition.year:
        pattern = regex.compile(spec.pattern)
        lines = list(_lines(probe))
        if spec.where == "title":
            lines = [(n, l) for n, l in lines if n == 1][:TITLE_LINES]
        for _, line in lines:
            m = pattern.search(line)
            found = years_in(m.group("year")) if m else []
            if found:
                return spec.report_year(found[0][0])
    return None


def profile_family(profile: Profile, path: Path | None = None) -> ReportFamily:
    """The `ReportFamily` a profile declares."""

    def recognise(probe: DocumentProbe) -> Recognition | None:
        return recognise_by_profile(profile, probe)

    def extract(pdf, *, claim=None, ocr: str = "auto", verify: str = "auto"):
        from nenpo.extractors.profiles.engine import extract_by_profile

        return extract_by_profile(pdf, profile, claim=claim, ocr=ocr, verify=verify)

    return ReportFamily(
        id=profile.id,
        title=profile.title,
        extractor_version=profile.extractor_version,
        recognise=recognise,
        extract=extract,
        rules=tuple(identity_rule(profile, i) for i in profile.identities),
        priority=profile.priority,
        source=f"profile {path}" if path else "",
    )


def profile_families() -> list[ReportFamily]:
    """Every profile's family (the ``nenpo.families`` entry point).

    A profile that does not load is left out with a warning naming its file, line and field
    (`nenpo profiles list` and `check` fail on it): one broken file in ``$NENPO_PROFILES``
    does not stop the other families. A profile id declared twice is an error."""
    from nenpo.extractors.profiles.load import ProfileError, load_profile, profile_paths

    out: list[ReportFamily] = []
    seen: dict[str, Path] = {}
    for path in dict.fromkeys(p.resolve() for p in profile_paths()):
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            log.warning("report family profile left out: %s", exc)
            continue
        if profile.id in seen:
            raise ProfileError(
                path, [Problem(None, "id", f"profile id {profile.id!r} is also declared in {seen[profile.id]}")]
            )
        seen[profile.id] = path
        out.append(profile_family(profile, path))
    return out


# --- identities as audit rules ------------------------------------------------------


def _cost_rows(con, series: str) -> list[dict]:
    import duckdb

    try:
        cur = con.execute(
            "SELECT c.report_id, r.report_fiscal_year, c.measure, c.item, c.fiscal_year, c.basis, c.thousand_yen, c.page "
            "FROM costs c JOIN reports r USING (report_id) WHERE r.series = ? AND c.thousand_yen IS NOT NULL",
            [series],
        )
    except duckdb.CatalogException:  # a warehouse without the costs table: nothing to check
        return []
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row)) for row in cur.fetchall()]


def identity_rule(profile: Profile, identity: Identity):
    """The audit rule checking one identity of a profile."""
    from nenpo.warehouse.audit import Finding, Rule

    name = f"{profile.id}.{identity.id}"

    def check_sum(con):
        total, parts = regex.compile(identity.total), [regex.compile(p) for p in identity.parts]
        groups: dict[tuple, list[dict]] = {}
        for row in _cost_rows(con, profile.series):
            groups.setdefault((row["report_id"], row["measure"], row["fiscal_year"], row["basis"]), []).append(row)
        for (report_id, measure, year, basis), rows in groups.items():
            totals = [r for r in rows if total.search(r["item"])]
            found = [r for r in rows if any(p.search(r["item"]) for p in parts) and r not in totals]
            if not totals or not found:
                continue
            expected, summed = totals[0]["thousand_yen"], sum(r["thousand_yen"] for r in found)
            if abs(expected - summed) > identity.tolerance:
                yield Finding(
                    check=name,
                    severity=identity.severity,
                    measure=measure,
                    fiscal_year=year,
                    page=totals[0]["page"],
                    detail=f"{totals[0]['item']} {expected:,.0f} ≠ {' + '.join(r['item'] for r in found)} = {summed:,.0f} "
                    f"(thousand yen, {basis})",
                    report_fiscal_year=rows[0]["report_fiscal_year"],
                    series=profile.series,
                    report_id=report_id,
                    evidence={"total": expected, "parts": {r["item"]: r["thousand_yen"] for r in found}},
                )

    def check_next(con):
        item = regex.compile(identity.item)
        by_edition: dict[int, dict[tuple, dict]] = {}
        for row in _cost_rows(con, profile.series):
            if item.search(row["item"]):
                by_edition.setdefault(row["report_fiscal_year"], {})[
                    (row["measure"], row["item"], row["fiscal_year"], row["basis"])
                ] = row
        years = sorted(by_edition)
        for before, after in zip(years, years[1:]):
            for key, new in by_edition[after].items():
                old = by_edition[before].get(key)
                if old is not None and abs(old["thousand_yen"] - new["thousand_yen"]) > identity.tolerance:
                    yield Finding(
                        check=name,
                        severity=identity.severity,
                        measure=key[0],
                        fiscal_year=key[2],
                        page=new["page"],
                        detail=f"{key[1]} for FY{key[2]} ({key[3]}): {old['thousand_yen']:,.0f} in the FY{before} edition, "
                        f"{new['thousand_yen']:,.0f} in the FY{after} edition",
                        report_fiscal_year=after,
                        series=profile.series,
                        report_id=new["report_id"],
                        evidence={"before": old["thousand_yen"], "after": new["thousand_yen"]},
                    )

    description = (
        f"{profile.title}: {identity.total} = {' + '.join(identity.parts)} within a sheet, year and basis"
        if identity.kind == "sum"
        else f"{profile.title}: {identity.item} printed for one fiscal year by consecutive editions is the same amount"
    )
    return Rule(name, identity.severity, description, check_sum if identity.kind == "sum" else check_next)
