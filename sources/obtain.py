"""Turning a source (catalogue edition, URL, local file) into a checked local file."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import httpx

from nenpo.extractors.pages import sha256_file
from nenpo.sources.catalogue import EditionSource
from nenpo.sources.fetch import ChecksumMismatchError, FetchError, FetchPolicy, fetch_url
from nenpo.sources.store import FileStore

__all__ = ["Obtained", "obtain"]


@dataclass(frozen=True)
class Obtained:
    """A source's bytes on local disk, with their sha256."""

    source: EditionSource
    path: str
    sha256: str
    how: str
    """local (a file on disk), downloaded, unchanged (same bytes sent again) or not_modified (HTTP 304)."""


def obtain(
    source: EditionSource,
    store: FileStore,
    policy: FetchPolicy = FetchPolicy(),
    client: httpx.Client | None = None,
) -> Obtained:
    """The local file for `source`: its path when that file exists, else a download of its URL.

    Raises FetchError (ChecksumMismatchError when the bytes are not the catalogue's sha256).
    """
    if source.path and Path(source.path).is_file():
        digest = sha256_file(source.path)
        if source.sha256 and digest != source.sha256:
            raise ChecksumMismatchError(source.path, source.sha256, digest, Path(source.path))
        return Obtained(source, source.path, digest, "local")
    if source.url:
        fetched = fetch_url(source.url, store, expected_sha256=source.sha256, policy=policy, client=client)
        return Obtained(source, str(fetched.path), fetched.sha256, fetched.status)
    raise FetchError(source.label, "no such file")
