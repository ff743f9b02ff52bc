"""Which family reads a file, and reading it: the one entry point for extracting an edition.

The family is the one named (by the catalogue's series, ``nenpo ingest --family``, or a
claim whose series is a family's id); else the family that recognises the file's probe
(`registry.recognise`: highest confidence, then priority). A file no family recognises
from its text layer — a scan whose text needs OCR, a damaged file PyMuPDF will not open,
a report of no known family — is offered to every family's full reader in turn, highest
priority first: a reader that OCRs or repairs the file may still find its edition, and
when none does, the first reader's error says what was looked for and what was found.
"""

from __future__ import annotations

from pathlib import Path

from nenpo.extractors import registry
from nenpo.extractors.edition import EditionClaim
from nenpo.extractors.errors import NeedsOcrError, UnrecognisedReportError
from nenpo.extractors.family import ReportFamily
from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.pages import PdfError

__all__ = ["candidates", "extract_edition"]

RETRY_ON = (UnrecognisedReportError, NeedsOcrError)
"""A family's reader raising one of these leaves the file to the next candidate."""


def candidates(path: str | Path, family: str | None = None, claim: EditionClaim | None = None) -> list[ReportFamily]:
    """The families to read the file with, in order (see the module's docstring)."""
    if family is not None:
        return [registry.family(family)]
    known = {f.id: f for f in registry.families()}
    if claim is not None and claim.series in known:
        return [known[claim.series]]
    try:
        probe = registry.probe(path)
    except PdfError:
        return list(known.values())
    chosen = registry.recognise(probe) if any(text.strip() for text in probe.page_texts) else None
    if chosen is not None:
        return [chosen[0]]
    return list(known.values())


def extract_edition(
    path: str | Path,
    *,
    family: str | None = None,
    claim: EditionClaim | None = None,
    ocr: str = "auto",
    verify: str = "auto",
) -> ReportExtraction:
    """Read the file with the family `candidates` gives. Raises `PdfError` subclasses naming
    the file; with no candidate, `UnrecognisedReportError`."""
    found = candidates(path, family, claim)
    if not found:
        raise UnrecognisedReportError(path, "not an edition of a known report series: no report family is installed")
    first: PdfError | None = None
    for f in found:
        try:
            x = f.extract(path, claim=claim, ocr=ocr, verify=verify)
        except RETRY_ON as exc:
            if len(found) == 1:
                raise
            first = first or exc
            continue
        return x if x.family is not None else x.model_copy(update={"family": f.id})  # the family that read it
    assert first is not None, "found is not empty: each family either returned or failed"
    raise first
