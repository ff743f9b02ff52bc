"""Extractions cached by file content and extractor version.

An extraction depends only on the PDF's bytes, the extractor version and the `verify`
mode, so it is stored under exactly that key::

    <cache dir>/extractions/<extractor version>/<sha256[:2]>/<sha256>.<verify>.json

An unchanged file is therefore never extracted twice, a changed file (new sha256) always
is, and a new extractor version starts from an empty directory, which re-extracts
everything. Entries are pydantic JSON (`model_dump_json`), written by atomic rename.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from pydantic import ValidationError

from nenpo.extractors import models
from nenpo.extractors.models import ReportExtraction

__all__ = ["ExtractionCache"]


class ExtractionCache:
    def __init__(self, root: str | os.PathLike[str], version: str | None = None):
        self.root = Path(root)
        self.version = version or models.EXTRACTOR_VERSION

    def entry(self, sha256: str, verify: str) -> Path:
        return self.root / "extractions" / self.version / sha256[:2] / f"{sha256}.{verify}.json"

    def get(self, sha256: str, verify: str, source_path: str | None = None) -> ReportExtraction | None:
        """The cached extraction of this content, with `source_path` set to where it is now."""
        try:
            text = self.entry(sha256, verify).read_text(encoding="utf-8")
            extraction = ReportExtraction.from_json(text)
        except (FileNotFoundError, ValidationError):
            return None  # absent, or written by an incompatible nenpo: extract again
        if extraction.sha256 != sha256 or extraction.extractor_version != self.version:
            return None
        if source_path is not None and source_path != extraction.source_path:
            extraction = extraction.model_copy(update={"source_path": source_path})
        return extraction

    def put(self, extraction: ReportExtraction, verify: str, text: str | None = None) -> Path:
        """Store an extraction; `text` is its JSON when the caller has it already (a worker
        process's result), which saves serialising it again."""
        if extraction.extractor_version != self.version:
            raise ValueError(
                f"extraction of {extraction.source_path} is from extractor {extraction.extractor_version}, "
                f"this cache holds {self.version}"
            )
        entry = self.entry(extraction.sha256, verify)
        entry.parent.mkdir(parents=True, exist_ok=True)
        tmp = entry.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_text(text if text is not None else extraction.model_dump_json(), encoding="utf-8")
        os.replace(tmp, entry)
        return entry
