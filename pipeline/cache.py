"""Extractions cached by file content and extractor version.

An extraction depends only on the PDF's bytes, the extractor version and the `verify`
mode, so it is stored under exactly that key::

    <cache dir>/extractions/<extractor version>/<sha256[:2]>/<sha256>.<verify>.json

An unchanged file is therefore never extracted twice, a changed file (new sha256) always
is, and a new extractor version starts from an empty directory, which re-extracts
everything. Entries are written by atomic rename: a header line naming the input's sha256
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
    def __init__(self, root: str | os.PathLike[str], version: str | None = None):
        self.root = Path(root)
        self.version = version or models.EXTRACTOR_VERSION

    def entry(self, sha256: str, verify: str) -> Path:
        return self.root / "extractions" / self.version / sha256[:2] / f"{sha256}.{verify}.json"

    def get(self, sha256: str, verify: str, source_path: str | None = None) -> ReportExtraction | None:
        """The cached extraction of this content, with `source_path` set to where it is now;
        None when there is none or it does not pass its checks (see the module docstring)."""
        entry = self.entry(sha256, verify)
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
        if extraction.sha256 != sha256 or extraction.extractor_version != self.version:
            return _miss(entry, "is of another file or extractor version")
        if source_path is not None and source_path != extraction.source_path:
            extraction = extraction.model_copy(update={"source_path": source_path})
        return extraction

    def put(self, extraction: ReportExtraction, verify: str, text: str | None = None) -> Path | None:
        """Store an extraction; `text` is its JSON when the caller has it already (a worker
        process's result), which saves serialising it again. A cache that cannot be written
        is a warning (returns None), never a failed run."""
        if extraction.extractor_version != self.version:
            raise ValueError(
                f"extraction of {extraction.source_path} is from extractor {extraction.extractor_version}, "
                f"this cache holds {self.version}"
            )
        entry = self.entry(extraction.sha256, verify)
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
            log.warning("extraction of %s not cached: %s cannot be written (%s: %s)",
                        extraction.source_path, entry, type(exc).__name__, exc)
            try:
                tmp.unlink(missing_ok=True)
            except OSError:
                pass
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
