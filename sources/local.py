"""Report files on disk: PDFs named directly or found under folders, identified by content."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from nenpo.extractors.pages import sha256_file

__all__ = ["LocalPdf", "pdfs_under", "unique_by_content"]


@dataclass(frozen=True)
class LocalPdf:
    path: Path
    sha256: str


def pdfs_under(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given, and every *.pdf (any case) under the given folders, each folder sorted."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf"))
        else:
            found.append(path)
    return found


def unique_by_content(paths: Iterable[Path]) -> list[LocalPdf]:
    """Existing files, once per distinct sha256 (the first path wins)."""
    seen: set[str] = set()
    unique: list[LocalPdf] = []
    for path in paths:
        if not path.is_file():
            continue
        digest = sha256_file(path)
        if digest not in seen:
            seen.add(digest)
            unique.append(LocalPdf(path, digest))
    return unique
