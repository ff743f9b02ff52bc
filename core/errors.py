"""The errors a nenpo user meets, under one base.

Every error nenpo raises on purpose derives from `NenpoError`, in one of five families, so a
caller (the CLI, a Prefect flow, a script) can catch what it can act on without naming each
class::

    NenpoError
    ├── PdfError        a PDF that cannot be opened or read as an edition (names the file and page)
    ├── SourceError     the catalogue is invalid, a download failed
    ├── ProfileError    a report profile (YAML) is invalid (each problem with its line and field)
    ├── WarehouseError  the warehouse is locked, damaged, of another schema version, or refuses a load
    └── AuditError      an audit or cycle question names nothing, or several things

The concrete errors live beside the code that raises them and keep the standard exception
they always were as a base too (`CatalogueError` is still a `ValueError`, `MeasureNotFound` a
`LookupError`, `WarehouseError` a `RuntimeError`), so code that caught those goes on working.
The CLI's exit codes are listed in docs/data-team.md.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["AuditError", "NenpoError", "PdfError", "ProfileError", "SourceError", "WarehouseError"]


class NenpoError(Exception):
    """Something nenpo could not do, said in one line that names the file (and page) involved."""


class PdfError(NenpoError):
    """A PDF could not be read; names the file and, where known, the page."""

    def __init__(self, path: str | Path, reason: str, page: int | None = None):
        self.path = str(path)
        self.page = page
        self.reason = reason
        where = f"{self.path}, page {page}" if page is not None else self.path
        super().__init__(f"{where}: {reason}")


class SourceError(NenpoError):
    """A source of reports failed: the catalogue is invalid, or a download failed."""


class ProfileError(NenpoError, ValueError):
    """A profile that does not load: every problem with its line and field."""

    def __init__(self, path: str | Path, problems: Iterable[object]):
        self.path = str(path)
        self.problems = list(problems)
        super().__init__("\n".join(f"{self.path}, {p}" for p in self.problems))


class WarehouseError(NenpoError, RuntimeError):
    """The warehouse cannot be opened, or refuses a load."""


class AuditError(NenpoError, LookupError):
    """An audit or cycle question cannot be answered as asked (no such measure, several match)."""
