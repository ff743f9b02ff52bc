"""Extractions cached by file content and extractor version.

An extraction depends only on the PDF's bytes, the extractor version and the `verify`
mode, so it is stored under exactly that key::

    <cache dir>/extractions/<extractor version>/<sha256[:2]>/<sha256>.<verify>.json

The extractor version is that of the family that read the file (a profile family's
includes a digest of its profile). An unchanged file is therefore never extracted twice, a
changed file (new sha256) always is, and a new extractor version — a new nenpo, an edited
profile — starts from an empty directory, which re-extracts that family's files. Entries
are written by atomic rename: a header line naming the input's sha256
and the checksum of the body, then the extraction as pydantic JSON (`model_dump_json`)::

    nenpo-extraction sha256=<input sha256> checksum=<sha256 of the JSON below>
    {"family": "<family id>", "series": "<series id>", …}

What is read back is checked like a worker's result: header, checksum, input sha256 and
extractor version, then the JSON validated by the model. An entry that fails any check, or
cannot be read at all (not UTF-8, a folder, unreadable), is a cache miss with a warning:
the file is extracted again, and the run never fails for it. A cache that cannot be
written (full disk, read-only) is a warning too.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import re
import threading
from pathlib import Path

from pydantic import ValidationError

from nenpo.extractors import models
from nenpo.extractors.models import ReportExtraction
from nenpo.warehouse.folders import remove_stale

__all__ = ["ExtractionCache"]

log = logging.getLogger(__name__)
HEADER = b"nenpo-extraction"
STALE_TMP = re.compile(r".+\.(?P<pid>\d+)-\d+\.tmp")
"""An entry being written, named by its process and thread: `<sha256>.auto.4711-1402.tmp`."""


class ExtractionCache:
    """`version` pins the cache to one extractor version; without it, an entry is taken when
    it was written by the current version of the family that read the file (each family has
    its own: Kawasaki's is the core's `EXTRACTOR_VERSION`, a profile family's changes with its
    profile), so a file is extracted again only when the reader its family uses has changed."""

    def __init__(self, root: str | os.PathLike[str], version: str | None = None):
        self.root = Path(root)
        self.version = version or models.EXTRACTOR_VERSION
        self.pinned = version is not None

    def current_versions(self) -> dict[str, str]:
        """Extractor version → the family ids reading with it now (one version when pinned)."""
        if self.pinned:
            return {self.version: ""}
        from nenpo.extractors import registry

        found = {self.version: ""}
        for f in registry.families():
            found[f.extractor_version] = f"{found.get(f.extractor_version, '')} {f.id}".strip()
        return found

    def entry(self, sha256: str, verify: str, version: str | None = None) -> Path:
        return self.root / "extractions" / (version or self.version) / sha256[:2] / f"{sha256}.{verify}.json"

    def holds(self, sha256: str, verify: str) -> bool:
        """Is there an entry of this content under a version a family reads with now? (Cheap:
        the entry is checked when `get` reads it.)"""
        return any(self.entry(sha256, verify, v).exists() for v in self.current_versions())

    def get(self, sha256: str, verify: str, source_path: str | None = None) -> ReportExtraction | None:
        """The cached extraction of this content, with `source_path` set to where it is now;
        None when there is none or it does not pass its checks (see the module docstring)."""
        for version, family_ids in self.current_versions().items():
            if not self.entry(sha256, verify, version).exists():
                continue
            found = self._read(sha256, verify, version, source_path)
            if found is not None and (self.pinned or found.family is None or found.family in family_ids.split()):
                return found
        return None

    def _read(self, sha256: str, verify: str, version: str, source_path: str | None) -> ReportExtraction | None:
        entry = self.entry(sha256, verify, version)
        try:
            data = entry.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as exc:
            return _miss(entry, f"cannot be read ({type(exc).__name__}: {exc})")
        problem, body = _unwrap(data, sha256)
        if problem is not None:
            return _miss(entry, problem)
        try:
            extraction = ReportExtraction.from_json(body)
        except ValidationError as exc:
            return _miss(entry, f"is not a valid extraction ({exc.error_count()} error(s))")
        if extraction.sha256 != sha256 or extraction.extractor_version != version:
            return _miss(entry, "is of another file or extractor version")
        if source_path is not None and source_path != extraction.source_path:
            extraction = extraction.model_copy(update={"source_path": source_path})
        return extraction

    def put(self, extraction: ReportExtraction, verify: str, text: str | None = None) -> Path | None:
        """Store an extraction; `text` is its JSON when the caller has it already (a worker
        process's result), which saves serialising it again. A cache that cannot be written
        is a warning (returns None), never a failed run."""
        # kept under its own extractor's version: a family with its own version (a profile's)
        # is stored beside the core's, and read back by whoever asks for that version
        entry = self.entry(extraction.sha256, verify, extraction.extractor_version)
        tmp = entry.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        body = (text if text is not None else extraction.model_dump_json()).encode("utf-8")
        header = HEADER + f" sha256={extraction.sha256} checksum={hashlib.sha256(body).hexdigest()}\n".encode()
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            remove_stale(entry.parent, STALE_TMP)  # entries a killed process was writing
            with open(tmp, "wb") as out:
                out.write(header)
                out.write(body)
            os.replace(tmp, entry)
        except OSError as exc:
            log.warning(
                "extraction of %s not cached: %s cannot be written (%s: %s)",
                extraction.source_path,
                entry,
                type(exc).__name__,
                exc,
            )
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
            return None
        return entry


def _unwrap(data: bytes, sha256: str) -> tuple[str | None, bytes]:
    """(problem or None, the JSON body) of a cache entry's bytes."""
    header, _, body = data.partition(b"\n")
    fields = dict(f.split(b"=", 1) for f in header.split()[1:] if b"=" in f)
    if not header.startswith(HEADER + b" "):
        return "has no nenpo-extraction header (written by another nenpo, or edited)", body
    if fields.get(b"sha256") != sha256.encode():
        return f"is of input {fields.get(b'sha256', b'?').decode(errors='replace')}, not {sha256}", body
    if fields.get(b"checksum") != hashlib.sha256(body).hexdigest().encode():
        return "does not match its checksum (changed after it was written)", body
    return None, body


def _miss(entry: Path, problem: str) -> None:
    log.warning("extraction cache entry %s %s: extracting the file again", entry, problem)
    return None
