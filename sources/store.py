"""nenpo's local cache directory: report files stored by content, and what each URL served.

Layout under the cache directory (`$NENPO_CACHE_DIR`, else the user cache directory,
e.g. ``~/.cache/nenpo``)::

    objects/e2/e216cef0….pdf     a downloaded file, named by its sha256
    urls/<hash of the URL>.json  the URL's last response: sha256, size, ETag, Last-Modified
    tmp/                         downloads in progress (moved into objects/ when complete)
    extractions/…                cached extractions (see nenpo.pipeline.cache)

A file enters `objects/` only once it is complete and its sha256 is known, by an atomic
rename, so a crashed download never leaves a partial object behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path

import platformdirs

__all__ = ["CACHE_ENV", "FileStore", "UrlRecord", "default_cache_dir"]

CACHE_ENV = "NENPO_CACHE_DIR"


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

    @contextmanager
    def temp_file(self) -> Iterator[Path]:
        """A fresh file on the cache's own filesystem (so `add` is a rename); removed unless added."""
        tmp_dir = self.root / "tmp"
        tmp_dir.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=tmp_dir, suffix=".part")
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
        try:
            data = json.loads(self._url_file(url).read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None
        record = UrlRecord(**data)
        return record if record.url == url else None

    def save_url_record(self, record: UrlRecord) -> None:
        file = self._url_file(record.url)
        file.parent.mkdir(parents=True, exist_ok=True)
        tmp = file.with_suffix(f".{os.getpid()}-{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps(asdict(record), ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, file)
