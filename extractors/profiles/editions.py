"""The edition's year: the profile's year patterns on the title lines or every line, then
the metadata; else the catalogue's (or the command line's) claim; neither is an error that
says what was looked for."""

from __future__ import annotations

from nenpo.extractors.models import EditionEvidence
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.profiles.grammar import years_in
from nenpo.extractors.profiles.layout import Page, reading_order
from nenpo.extractors.profiles.state import ProfileReading

__all__ = ["settle_edition", "title_lines"]


def _year_of(text: str) -> int | None:
    found = years_in(normalise_text(text))
    return found[0][0] if found else None


def title_lines(page: Page) -> list:
    """The lines of a page's top quarter, in reading order: where a title is printed."""
    return [l for l in reading_order(page.lines) if l.bbox[1] <= page.height / 4]


def settle_edition(state: ProfileReading, metadata: dict, claim) -> None:
    from nenpo.extractors.errors import NeedsOcrError, UnrecognisedReportError

    if all("needs_ocr" in p.flags or "empty" in p.flags for p in state.page_records):
        raise NeedsOcrError(state.path, "no page has a text layer (scanned?): needs OCR before extraction")
    series = state.profile.profile.series
    for pattern, spec in state.profile.years:
        if spec.where in ("text", "any", "title"):
            pages = state.pages[:1] if spec.where == "title" else state.pages
            for page in pages:
                lines = title_lines(page) if spec.where == "title" else reading_order(page.lines)
                for line in lines:
                    m = pattern.search(line.text)
                    year = _year_of(m.group("year")) if m else None
                    if year is not None:
                        state.evidence.append(EditionEvidence(
                            kind="title", series=series, fiscal_year=spec.report_year(year), text=line.raw, page=page.number,
                        ))
                        break
                if state.evidence:
                    break
        if not state.evidence and spec.where in ("metadata", "any", "title"):
            for key in ("title", "subject"):
                value = str(metadata.get(key) or "")
                m = pattern.search(normalise_text(value))
                year = _year_of(m.group("year")) if m else None
                if year is not None:
                    state.evidence.append(EditionEvidence(
                        kind="metadata", series=series, fiscal_year=spec.report_year(year), text=f"{key}: {value}",
                    ))
                    break
        if state.evidence:
            break
    if not state.evidence and claim is not None and claim.fiscal_year is not None:
        state.evidence.append(EditionEvidence(kind=claim.by, series=claim.series or series, fiscal_year=claim.fiscal_year))
        state.warn("edition_from_claim", f"the file names no edition; the {claim.by.replace('_', ' ')} says FY{claim.fiscal_year}")
    if not state.evidence:
        sought = "; ".join(repr(y.pattern) for y in state.profile.profile.edition.year) or "no year pattern declared"
        first = next((l.raw for l in reading_order(state.pages[0].lines)), "") if state.pages else ""
        raise UnrecognisedReportError(
            state.path, f"no edition year: the {state.profile.profile.id} profile looked for {sought} in the title "
            f"lines and the metadata (first line {first[:60]!r}), and no catalogue entry or --fiscal-year names the year",
        )
    state.fiscal_year = state.evidence[0].fiscal_year
    if state.evidence[0].kind == "title" and state.evidence[0].text:
        state.title = normalise_text(state.evidence[0].text).strip()
    else:
        state.title = str(metadata.get("title") or "").strip() or next(
            (l.text for l in reading_order(state.pages[0].lines)), state.path.stem
        )
