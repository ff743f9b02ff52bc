"""The budget book (一般会計予算書) as a `ReportFamily`: how an edition, or one part of it, is
recognised and read."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from nenpo.extractors.families.budget_book import lines as g
from nenpo.extractors.families.budget_book.records import BudgetBookExtraction
from nenpo.extractors.family import DocumentProbe, Recognition
from nenpo.extractors.models import EditionEvidence, ExtractionWarning

if TYPE_CHECKING:  # the reader needs the PDF libraries: imported when a file is read, not with the family
    from nenpo.extractors.families.budget_book.reader import Progress

FAMILY_ID = "budget-book"
SERIES_ID = "budget-book"
EXTRACTOR_VERSION = "budget-book 0.1.0"

MARKS = (
    ("歳入歳出予算の総額", "the 予算 article on the totals"),
    ("第1表歳入歳出予算", "第1表 歳入歳出予算"),
    ("歳入歳出予算事項別明細書", "the 事項別明細書's title"),
)
"""Printed phrases that make a document a budget book, compared without spaces."""


def _table_page(text: str) -> bool:
    """A 明細書 or 総括 page: both prior-year and current-year columns in the header."""
    return "本年度予算額" in text and "前年度予算額" in text


def recognise(probe: DocumentProbe) -> Recognition | None:
    """A budget book, or a part of one, when a page prints the totals article, 第1表, the
    明細書 title, or a table with 本年度予算額 and 前年度予算額 columns."""
    why = None
    confidence = 0.9
    year = None
    for number, text in enumerate(probe.page_texts, start=1):
        c = g.compact(text)
        if year is None and (m := g.EDITION_RE.search(c)):
            year = g.fiscal_year(m)
        if why is None:
            for mark, described in MARKS:
                if mark in c:
                    why, confidence = f"{described} on page {number}", 0.9
                    break
            else:
                if _table_page(c):
                    # a section file: a table of the 明細書 or 総括, but other reports print such columns too
                    why, confidence = f"本年度予算額 / 前年度予算額 columns on page {number}", 0.6
    if why is None:
        return None
    return Recognition(series=SERIES_ID, fiscal_year=year, confidence=confidence, why=why)


def extract(
    path, *, claim=None, ocr: str = "auto", verify: str = "auto", progress: Progress | None = None
) -> BudgetBookExtraction:
    """Read a budget book (or a part) into a `BudgetBookExtraction`. The edition's year is the
    one printed (令和N年度…予算), else the claim's; a part that prints neither needs a claim."""
    from nenpo.extractors.errors import UnrecognisedReportError
    from nenpo.extractors.families.budget_book.reader import read_book
    from nenpo.extractors.pages import PdfError, open_pdf, sha256_file

    started = time.perf_counter()
    path = Path(path)
    with open_pdf(path, verify=verify, ocr=ocr) as doc:
        reading = read_book(doc, progress)
        page_count = doc.page_count
    if not reading.appropriations:
        # not a budget book: the file is left to the next family that may read it
        raise UnrecognisedReportError(
            path,
            f"no budget-book page found in {page_count} pages (no 予算 article, 第1表, "
            "総括 or 事項別明細書 table): not a budget book, or one whose headers the vocabulary lacks",
        )
    evidence: list[EditionEvidence] = []
    warnings = list(reading.warnings)
    if reading.fiscal_year is not None:
        evidence.append(
            EditionEvidence(
                kind="title",
                series=SERIES_ID,
                fiscal_year=reading.fiscal_year,
                text=f"令和{reading.fiscal_year - 2018}年度 予算",
            )
        )
    if claim is not None:
        evidence.append(claim.evidence())
        if claim.fiscal_year and reading.fiscal_year and claim.fiscal_year != reading.fiscal_year:
            warnings.append(
                ExtractionWarning(
                    code="edition_claim_disagrees",
                    message=(
                        f"{path}: the file prints fiscal year {reading.fiscal_year}, the {claim.by} says {claim.fiscal_year}"
                    ),
                )
            )
    year = reading.fiscal_year or (claim.fiscal_year if claim is not None else None)
    if year is None:
        raise PdfError(
            path,
            "no fiscal year printed (令和N年度…予算) and none given: name the edition "
            "(the catalogue entry or --fiscal-year)",
        )
    series = (claim.series if claim is not None and claim.series else None) or SERIES_ID
    part = reading.part()
    city = reading.city or ""
    title = f"{city}一般会計予算書 令和{year - 2018}年度" + (f" ({part})" if part else "")
    return BudgetBookExtraction(
        family=FAMILY_ID,
        series=series,
        report_fiscal_year=year,
        title=title,
        source_path=str(path),
        sha256=sha256_file(path),
        page_count=page_count,
        extractor_version=EXTRACTOR_VERSION,
        extracted_at=datetime.now(UTC),
        seconds=time.perf_counter() - started,
        pages=tuple(reading.pages),
        warnings=tuple(warnings),
        edition_evidence=tuple(evidence),
        part=part,
        appropriations=tuple(reading.appropriations),
        appropriation_notes=tuple(reading.notes),
    )
