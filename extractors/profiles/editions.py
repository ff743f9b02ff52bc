"""The edition's year: the profile's year patterns on the title lines or every line, then
the metadata; else the catalogue's (or the command line's) claim; neither is an error that
says what was looked for."""

from __future__ import annotations

from nenpo.extractors.models import EditionEvidence
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.profiles.grammar import years_in
from nenpo.extractors.profiles.layout import Page, reading_order
from nenpo.extractors.profiles.state import ProfileReading

__all__ = ["page_facts", "settle_edition", "title_lines"]


def _year_of(text: str) -> int | None:
    found = years_in(normalise_text(text))
    return found[0][0] if found else None


def title_lines(page: Page) -> list:
    """The lines of a page's top quarter, in reading order: where a title is printed."""
    return [l for l in reading_order(page.lines) if l.bbox[1] <= page.height / 4]


def page_facts(pages) -> str:
    """What the page layer saw, for error messages: ``2 page(s), text from pymupdf,
    characters {'pymupdf': 1630}, vertical_text on p.1``."""
    flagged: dict[str, list[int]] = {}
    chars: dict[str, int] = {}
    for p in pages:
        for flag in p.flags:
            flagged.setdefault(flag, []).append(p.page)
        for engine, n in p.chars.items():
            chars[engine] = chars.get(engine, 0) + n
    flags = "; ".join(
        f"{flag} on p.{','.join(map(str, numbers[:5]))}{'…' if len(numbers) > 5 else ''}"
        for flag, numbers in sorted(flagged.items())
    )
    engines = "/".join(sorted({p.engine for p in pages}))
    return f"{len(pages)} page(s), text from {engines}, characters {chars}" + (f", {flags}" if flags else "")


def settle_edition(state: ProfileReading, metadata: dict, claim, ocr_unavailable: str | None = None) -> None:
    """The edition's year (see the module docstring); raises `NeedsOcrError` for a file
    without a text layer and `UnrecognisedReportError` when nothing names the year."""
    from nenpo.extractors.errors import NeedsOcrError, UnrecognisedReportError

    if all("needs_ocr" in p.flags or "empty" in p.flags for p in state.page_records):
        why = f" ({ocr_unavailable})" if ocr_unavailable else ""
        raise NeedsOcrError(
            state.path,
            f"no page has a text layer (scanned?): needs OCR before extraction{why} [{page_facts(state.page_records)}]",
            page=1 if len(state.page_records) == 1 else None,
        )
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
                        state.evidence.append(
                            EditionEvidence(
                                kind="title",
                                series=series,
                                fiscal_year=spec.report_year(year),
                                text=line.raw,
                                page=page.number,
                            )
                        )
                        break
                if state.evidence:
                    break
        if not state.evidence and spec.where in ("metadata", "any", "title"):
            for key in ("title", "subject"):
                value = str(metadata.get(key) or "")
                m = pattern.search(normalise_text(value))
                year = _year_of(m.group("year")) if m else None
                if year is not None:
                    state.evidence.append(
                        EditionEvidence(
                            kind="metadata",
                            series=series,
                            fiscal_year=spec.report_year(year),
                            text=f"{key}: {value}",
                        )
                    )
                    break
        if state.evidence:
            break
    if not state.evidence and claim is not None and claim.fiscal_year is not None:
        state.evidence.append(
            EditionEvidence(kind=claim.by, series=claim.series or series, fiscal_year=claim.fiscal_year)
        )
        state.warn(
            "edition_from_claim",
            f"the file names no edition; the {claim.by.replace('_', ' ')} says FY{claim.fiscal_year}",
        )
    if not state.evidence:
        sought = "; ".join(repr(y.pattern) for y in state.profile.profile.edition.year) or "no year pattern declared"
        first = next((l.raw for l in reading_order(state.pages[0].lines)), "") if state.pages else ""
        raise UnrecognisedReportError(
            state.path,
            f"not an edition of a known report series, and no edition year: the {state.profile.profile.id} "
            f"profile looked for {sought} in the title lines and the metadata (first line {first[:60]!r}), and no "
            f"catalogue entry or --fiscal-year names the year [{page_facts(state.page_records)}]",
        )
    state.fiscal_year = state.evidence[0].fiscal_year
    if state.evidence[0].kind == "title" and state.evidence[0].text:
        state.title = normalise_text(state.evidence[0].text).strip()
    else:
        state.title = str(metadata.get("title") or "").strip() or next(
            (l.text for l in reading_order(state.pages[0].lines)), state.path.stem
        )
