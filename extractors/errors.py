"""Why a PDF that opened could not be read as an edition: errors every family raises.

Each names the file and, where known, the page (`pages.PdfError`).
"""

from __future__ import annotations

from nenpo.extractors.pages import PdfError

__all__ = ["InvalidRecordError", "NeedsOcrError", "PdfError", "UnrecognisedReportError"]


class UnrecognisedReportError(PdfError):
    """The PDF opened, but it is not an edition of a known report series."""


class NeedsOcrError(PdfError):
    """No page of the PDF has a text layer: it is a scan and needs OCR first."""


class InvalidRecordError(PdfError):
    """A value read from a page does not make a valid record (e.g. a year out of range)."""
