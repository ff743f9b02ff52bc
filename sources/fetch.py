"""Fetching report PDFs over HTTP(S) into the local content-addressed cache.

`fetch_url` downloads a URL into the `FileStore` with

- retries with exponential back-off for what may pass (timeouts, dropped connections,
  HTTP 408/429/5xx); none for what will not (404, not a PDF, wrong checksum, too large);
- a conditional request (If-None-Match / If-Modified-Since) when the cache already holds
  what the URL served last time, so an unchanged file is not downloaded again;
- a size limit, checked against Content-Length and again while streaming;
- a clear error when the bytes are not a PDF or their sha256 is not the expected one.

Everything here is plain Python (httpx + tenacity); the Prefect flow adds a slower second
layer of retries on top for outages longer than these few seconds.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import httpx
from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from nenpo.core.errors import SourceError
from nenpo.sources.store import FileStore, UrlRecord

__all__ = [
    "ChecksumMismatchError",
    "FetchError",
    "FetchPolicy",
    "Fetched",
    "HttpStatusError",
    "NotAPdfError",
    "TooLargeError",
    "TransientFetchError",
    "fetch_url",
    "is_transient",
]

USER_AGENT = "nenpo (yearly municipal report pipeline)"
PDF_MAGIC = b"%PDF-"
MAGIC_WINDOW = 1024
"""The PDF header may be preceded by junk; readers look for it in the first 1024 bytes."""
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})


@dataclass(frozen=True)
class FetchPolicy:
    attempts: int = 3
    """Tries per URL, the first included."""
    backoff_seconds: float = 0.5
    """Wait before the 2nd try; doubles for each further try."""
    max_backoff_seconds: float = 8.0
    timeout_seconds: float = 30.0
    """Connecting, and each wait for more bytes."""
    deadline_seconds: float = 600.0
    """The whole download of one try, however steadily the bytes trickle in."""
    max_bytes: int = 200 * 2**20


class FetchError(SourceError, RuntimeError):
    """A URL could not be fetched; the message names the URL and the reason."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class TransientFetchError(FetchError):
    """A failure that may pass: a timeout, a dropped connection, HTTP 408/429/5xx."""


class HttpStatusError(FetchError):
    """The server answered with an error status that a retry will not change (e.g. 404)."""

    def __init__(self, url: str, status: int, reason: str):
        self.status = status
        super().__init__(url, f"HTTP {status} {reason}".strip())


class NotAPdfError(FetchError):
    """The server sent something that is not a PDF (an HTML error page, say)."""


class TooLargeError(FetchError):
    """The file is larger than the policy's size limit."""


class ChecksumMismatchError(FetchError):
    """The file's sha256 is not the one the catalogue expects: it changed upstream or is corrupt."""

    def __init__(self, url: str, expected: str, actual: str, path: Path):
        self.expected = expected
        self.actual = actual
        self.path = path
        super().__init__(
            url,
            f"sha256 {actual} differs from the catalogue's {expected}: the file changed upstream "
            f"or is corrupt. The bytes are at {path}; check them, then update sha256 in the catalogue",
        )


def is_transient(exc: BaseException) -> bool:
    """Whether retrying later might succeed."""
    return isinstance(exc, TransientFetchError)


@dataclass(frozen=True)
class Fetched:
    url: str
    path: Path
    sha256: str
    size: int
    status: Literal["downloaded", "unchanged", "not_modified"]
    """downloaded: new bytes; unchanged: the same bytes as last time were sent again;
    not_modified: the server answered 304 and the cached file was used."""
    attempts: int


def fetch_url(
    url: str,
    store: FileStore,
    *,
    expected_sha256: str | None = None,
    policy: FetchPolicy = FetchPolicy(),
    client: httpx.Client | None = None,
) -> Fetched:
    """Fetch `url` into `store` and return the cached file.

    Raises TransientFetchError once the retries are used up, and HttpStatusError,
    NotAPdfError, TooLargeError or ChecksumMismatchError at once.
    """
    own_client = client is None
    if client is None:
        client = httpx.Client(timeout=httpx.Timeout(policy.timeout_seconds), follow_redirects=True)
    retrying = Retrying(
        stop=stop_after_attempt(policy.attempts),
        wait=wait_exponential(multiplier=policy.backoff_seconds, max=policy.max_backoff_seconds),
        retry=retry_if_exception_type(TransientFetchError),
        reraise=True,
    )
    try:
        for attempt in retrying:
            with attempt:
                fetched = _fetch_once(client, url, store, policy, attempt.retry_state.attempt_number)
    except TransientFetchError as exc:
        tries = retrying.statistics.get("attempt_number", policy.attempts)
        raise TransientFetchError(url, f"{exc.reason} (gave up after {tries} attempt(s))") from exc
    finally:
        if own_client:
            client.close()
    if expected_sha256 and fetched.sha256 != expected_sha256:
        raise ChecksumMismatchError(url, expected_sha256, fetched.sha256, fetched.path)
    return fetched


def _fetch_once(client: httpx.Client, url: str, store: FileStore, policy: FetchPolicy, attempt: int) -> Fetched:
    previous = store.url_record(url)
    headers = {"User-Agent": USER_AGENT}
    # the cached bytes are hashed again before a 304 may vouch for them
    if previous is not None and store.verified_object(previous.sha256) is not None:
        if previous.etag:
            headers["If-None-Match"] = previous.etag
        if previous.last_modified:
            headers["If-Modified-Since"] = previous.last_modified
    else:
        previous = None
    try:
        with client.stream("GET", url, headers=headers) as response:
            if response.status_code == 304 and previous is not None:
                cached = store.object_path(previous.sha256)
                return Fetched(url, cached, previous.sha256, previous.size, "not_modified", attempt)
            _check_status(url, response)
            sha256, size, path = _download(url, response, store, policy)
            record = UrlRecord(
                url=url,
                sha256=sha256,
                size=size,
                etag=response.headers.get("ETag"),
                last_modified=response.headers.get("Last-Modified"),
                fetched_at=datetime.now(UTC).isoformat(),
            )
    except httpx.TimeoutException as exc:
        raise TransientFetchError(url, f"timed out ({type(exc).__name__}) after {policy.timeout_seconds:g} s") from exc
    except httpx.UnsupportedProtocol as exc:  # e.g. a redirect to file://: no retry will change it
        raise FetchError(url, f"redirected to an address nenpo does not fetch ({exc})") from exc
    except httpx.TooManyRedirects as exc:
        raise FetchError(url, f"too many redirects ({exc})") from exc
    except httpx.TransportError as exc:
        raise TransientFetchError(url, f"connection failed ({type(exc).__name__}: {exc})") from exc
    store.save_url_record(record)
    status: Literal["unchanged", "downloaded"] = (
        "unchanged" if previous is not None and previous.sha256 == sha256 else "downloaded"
    )
    return Fetched(url, path, sha256, size, status, attempt)


def _check_status(url: str, response: httpx.Response) -> None:
    code = response.status_code
    if code in RETRY_STATUSES:
        raise TransientFetchError(url, f"HTTP {code} {response.reason_phrase}".strip())
    if code != 200:
        raise HttpStatusError(url, code, response.reason_phrase)


def _download(url: str, response: httpx.Response, store: FileStore, policy: FetchPolicy) -> tuple[str, int, Path]:
    declared = response.headers.get("Content-Length")
    if declared and declared.isdigit() and int(declared) > policy.max_bytes:
        raise TooLargeError(url, f"{int(declared)} bytes announced, more than the limit of {policy.max_bytes}")
    deadline = time.monotonic() + policy.deadline_seconds
    digest = hashlib.sha256()
    head = b""
    size = 0
    with store.temp_file() as tmp:
        with open(tmp, "wb") as out:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > policy.max_bytes:
                    raise TooLargeError(url, f"more than the limit of {policy.max_bytes} bytes sent")
                if time.monotonic() > deadline:
                    raise TransientFetchError(url, f"download not complete after {policy.deadline_seconds:g} s")
                if len(head) < MAGIC_WINDOW:
                    head += chunk[: MAGIC_WINDOW - len(head)]
                digest.update(chunk)
                out.write(chunk)
        if PDF_MAGIC not in head:
            kind = response.headers.get("Content-Type", "no Content-Type")
            raise NotAPdfError(url, f"not a PDF ({kind}, {size} bytes starting {head[:24]!r})")
        sha256 = digest.hexdigest()
        return sha256, size, store.add(tmp, sha256)
