"""nenpo's local cache directory: report files stored by content, and what each URL served.

Layout under the cache directory (`$NENPO_CACHE_DIR`, else the user cache directory,
e.g. ``~/.cache/nenpo``)::

    objects/e2/e216cef0….pdf     a downloaded file, named by its sha256
    urls/<hash of the URL>.json  the URL's last response: sha256, size, ETag, Last-Modified
    tmp/                         downloads in progress (moved into objects/ when complete)
    extractions/…                cached extractions (see nenpo.pipeline.cache)

A file enters `objects/` only once it is complete and its sha256 is known, by an atomic
rename, so a crashed download never leaves a partial object behind. What is read back is
checked, not trusted: an object is hashed again before it is reused (`verified_object`;
one whose bytes changed on disk is moved to `quarantine/` and fetched again), and a URL
record that cannot be read is a cache miss with a warning.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

from nenpo.warehouse.folders import remove_stale

__all__ = ["CACHE_ENV", "FileStore", "UrlRecord", "default_cache_dir"]

CACHE_ENV = "NENPO_CACHE_DIR"
log = logging.getLogger(__name__)
STALE_PART = re.compile(r"(?P<pid>\d+)-.+\.part")
"""A download in progress, named by its process: `4711-k2j3h4.part`."""


def default_cache_dir() -> Path:
    """`$NENPO_CACHE_DIR`, else the platform's user cache directory for nenpo."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured).expanduser() if configured else platformdirs.user_cache_path("nenpo")


@dataclass(frozen=True)
class UrlRecord:
    """What a URL served the last time it was fetched."""

    url: str
    sha256: str
    size: int
    etag: str | None
    last_modified: str | None
    fetched_at: str
    """ISO 8601 time of the fetch, UTC."""


class FileStore:
    """Content-addressed report files and per-URL fetch records under one directory."""

    def __init__(self, root: str | os.PathLike[str] | None = None):
        self.root = Path(root).expanduser() if root is not None else default_cache_dir()

    def object_path(self, sha256: str) -> Path:
        return self.root / "objects" / sha256[:2] / f"{sha256}.pdf"

    def has(self, sha256: str) -> bool:
        return self.object_path(sha256).is_file()

    def verified_object(self, sha256: str) -> Path | None:
        """The stored file of `sha256` when its bytes still hash to it; else None.

        A file whose bytes changed on disk is moved to `quarantine/` (kept for inspection,
        out of the way of the next download), with a warning; an unreadable one is a miss.
        """
        path = self.object_path(sha256)
        if not path.is_file():
            return None
        try:
            actual = _sha256_of(path)
        except OSError as exc:
            log.warning("cache object %s cannot be read (%s): fetching it again", path, exc)
            return None
        if actual == sha256:
            return path
        quarantined = self.root / "quarantine" / f"{sha256}.{actual[:16]}.pdf"
        log.warning(
            "cache object %s no longer hashes to its name (sha256 %s): moved to %s, fetching it again",
            path,
            actual,
            quarantined,
        )
        try:
            quarantined.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, quarantined)
        except OSError:
            pass  # the next download replaces it in place
        return None

    @contextmanager
    def temp_file(self) -> Iterator[Path]:
        """A fresh file on the cache's own filesystem (so `add` is a rename); removed unless added."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        remove_stale(tmp_dir, STALE_PART)  # downloads of a process that was killed
        fd, name = tempfile.mkstemp(dir=tmp_dir, prefix=f"{os.getpid()}-", suffix=".part")
        os.close(fd)
        path = Path(name)
        try:
            yield path
        finally:
            path.unlink(missing_ok=True)

    def add(self, file: Path, sha256: str) -> Path:
        """Move a complete file into the store under its sha256 and return its stored path."""
        target = self.object_path(sha256)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(file, target)
        return target

    def _url_file(self, url: str) -> Path:
        return self.root / "urls" / f"{hashlib.sha256(url.encode()).hexdigest()[:32]}.json"

    def url_record(self, url: str) -> UrlRecord | None:
        """What `url` served last; None when unknown or when its record cannot be read
        (not UTF-8, not JSON, a folder, fields missing: a cache miss, with a warning)."""
        file = self._url_file(url)
        try:
            record = UrlRecord(**json.loads(file.read_text(encoding="utf-8")))
        except FileNotFoundError:
            return None
        except (OSError, ValueError, TypeError) as exc:
            log.warning(
                "cache record %s of %s cannot be read (%s: %s): fetching it again", file, url, type(exc).__name__, exc
            )
            return None
        return record if record.url == url and isinstance(record.sha256, str) else None

    def save_url_record(self, record: UrlRecord) -> None:
        file = self._url_file(record.url)
        file.parent.mkdir(parents=True, exist_ok=True)
        if file.is_dir():  # something else took the record's name: move it aside rather than fail
            os.replace(file, file.with_suffix(f".{os.getpid()}.not-a-record"))
        tmp = file.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, file)


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
