"""What is read back from the cache is checked, not trusted: downloads are hashed again
before a 304 may vouch for them, extraction entries carry a checksum and their input's
sha256, and an entry that cannot be read is a miss with a warning, never a failed run.
Downloads come from a real HTTP server on 127.0.0.1, including hostile answers."""

from __future__ import annotations

import hashlib
import logging
import os
from pathlib import Path

import duckdb
import pytest

from nenpo.pipeline.cache import ExtractionCache
from nenpo.pipeline.ingest import ingest
from nenpo.sources.catalogue import EditionSource
from nenpo.sources.fetch import FetchError, TransientFetchError, fetch_url
from nenpo.sources.obtain import obtain
from nenpo.sources.store import FileStore
from tests.conftest import SAMPLE_EDITIONS
from tests.pdf_server import PdfServer

NAME = "kawasaki-sme-fy2019.pdf"
GOOD = (SAMPLE_EDITIONS / NAME).read_bytes()
GOOD_SHA = hashlib.sha256(GOOD).hexdigest()


@pytest.fixture(scope="module")
def server():
    srv = PdfServer(lifetime=120).start()
    yield srv
    srv.stop()


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "cache")


def _alter(path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0xFF
    path.write_bytes(bytes(data))


# --- downloads --------------------------------------------------------------------------------


def test_a_cached_download_altered_on_disk_is_fetched_again_not_vouched_for_by_a_304(server, store, caplog):
    url = server.url(f"/pdf/{NAME}")
    first = fetch_url(url, store, expected_sha256=GOOD_SHA)
    _alter(first.path)
    before = len(server.requests)
    with caplog.at_level(logging.WARNING, logger="nenpo.sources.store"):
        again = fetch_url(url, store, expected_sha256=GOOD_SHA)
    [request] = server.requests[before:]
    assert "If-None-Match" not in request.headers, "no conditional request for bytes that do not hash to the record"
    assert again.status == "downloaded" and again.path.read_bytes() == GOOD
    assert "no longer hashes to its name" in caplog.text
    [quarantined] = (store.root / "quarantine").iterdir()
    assert quarantined.name.startswith(GOOD_SHA) and quarantined.read_bytes() != GOOD


def test_obtain_gives_the_catalogue_bytes_after_the_cache_was_altered(server, store):
    source = EditionSource(label="u", url=server.url(f"/pdf/{NAME}"), sha256=GOOD_SHA)
    obtain(source, store)
    _alter(store.object_path(GOOD_SHA))
    got = obtain(source, store)
    assert got.sha256 == GOOD_SHA and hashlib.sha256(Path(got.path).read_bytes()).hexdigest() == GOOD_SHA


@pytest.mark.parametrize("damage", ["not utf-8", "a folder", "wrong fields", "not json"])
def test_an_unreadable_url_record_is_a_miss_with_a_warning(server, store, caplog, damage):
    url = server.url(f"/pdf/{NAME}")
    fetch_url(url, store)
    record = store._url_file(url)
    record.unlink()
    if damage == "a folder":
        record.mkdir()
        (record / "x").write_text("not ours")
    else:
        record.write_bytes({"not utf-8": b"\xff\xfe{", "wrong fields": b'{"sha": 1}', "not json": b"{"}[damage])
    with caplog.at_level(logging.WARNING, logger="nenpo.sources.store"):
        again = fetch_url(url, store)
    assert again.path.read_bytes() == GOOD and "cannot be read" in caplog.text
    assert store.url_record(url) is not None, "the record is written again"
    if damage == "a folder":
        [aside] = [p for p in record.parent.iterdir() if p.name.endswith(".not-a-record")]
        assert (aside / "x").read_text() == "not ours", "what nenpo did not write is moved aside, not deleted"


def test_a_redirect_to_a_file_address_fails_at_once_without_retries(server, store):
    with pytest.raises(FetchError, match="nenpo does not fetch") as caught:
        fetch_url(server.url("/redirect-file.pdf"), store)
    assert not isinstance(caught.value, TransientFetchError)
    assert server.count("/redirect-file.pdf") == 1


def test_a_redirect_loop_is_a_fetch_error(server, store):
    with pytest.raises(FetchError, match="too many redirects"):
        fetch_url(server.url("/loop/0.pdf"), store)


# --- extractions ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cached(tmp_path_factory):
    """FY2019 ingested once with the extraction cache filled: (cache root, entry path)."""
    root = tmp_path_factory.mktemp("trust")
    summary = ingest([SAMPLE_EDITIONS / NAME], root / "w.duckdb", cache_dir=root / "cache", reuse_extractions=True)
    assert summary.ok and summary.extracted == 1
    [entry] = (root / "cache" / "extractions").rglob("*.json")
    return root / "cache", entry


def _reingest(cache_root, tmp_path):
    db = tmp_path / "again.duckdb"
    summary = ingest([SAMPLE_EDITIONS / NAME], db, cache_dir=cache_root, reuse_extractions=True)
    return summary, db


def test_an_entry_starts_with_its_input_sha256_and_checksum(cached):
    _, entry = cached
    header, _, body = entry.read_bytes().partition(b"\n")
    assert header == f"nenpo-extraction sha256={GOOD_SHA} checksum={hashlib.sha256(body).hexdigest()}".encode()


def test_a_hand_edited_entry_is_not_loaded_as_if_read_from_the_pdf(cached, tmp_path, caplog):
    cache_root, entry = cached
    original = entry.read_bytes()
    try:
        edited = original.replace(b'"value":160.0', b'"value":999999.0', 1)
        assert edited != original, "the sample prints 160 in a KPI table"
        entry.write_bytes(edited)
        with caplog.at_level(logging.WARNING, logger="nenpo.pipeline.cache"):
            summary, db = _reingest(cache_root, tmp_path)
        assert summary.ok and summary.extracted == 1 and not summary.from_cache
        assert "does not match its checksum" in caplog.text
        con = duckdb.connect(str(db), read_only=True)
        try:
            assert con.execute("SELECT count(*) FROM kpi_values WHERE value = 999999").fetchone()[0] == 0
            assert con.execute("SELECT count(*) FROM kpi_values WHERE value = 160").fetchone()[0] >= 1
        finally:
            con.close()
        assert entry.read_bytes() != edited, "the entry is written again from the new extraction"
    finally:
        entry.write_bytes(original)


@pytest.mark.parametrize("damage", ["not utf-8", "a folder", "another input", "no header"])
def test_an_unreadable_extraction_entry_is_a_miss_never_a_failed_run(cached, tmp_path, caplog, damage):
    cache_root, entry = cached
    original = entry.read_bytes()
    copy = ExtractionCache(tmp_path / "c")
    target = copy.entry(GOOD_SHA, "auto")
    target.parent.mkdir(parents=True)
    if damage == "a folder":
        target.mkdir()
    else:
        header, _, body = original.partition(b"\n")
        target.write_bytes(
            {
                "not utf-8": b"\xff\xfe\x00garbage",
                "another input": header.replace(GOOD_SHA.encode(), b"0" * 64) + b"\n" + body,
                "no header": body,
            }[damage]
        )
    with caplog.at_level(logging.WARNING, logger="nenpo.pipeline.cache"):
        assert copy.get(GOOD_SHA, "auto") is None
    assert "extracting the file again" in caplog.text


def test_a_cache_that_cannot_be_written_is_a_warning_not_a_failed_run(tmp_path, caplog):
    cache_root = tmp_path / "cache"
    blocked = ExtractionCache(cache_root).entry(GOOD_SHA, "auto").parent
    blocked.parent.mkdir(parents=True)
    blocked.write_text("a file where the cache wants a folder")  # mkdir fails as on a full or read-only disk
    with caplog.at_level(logging.WARNING, logger="nenpo.pipeline.cache"):
        summary, db = _reingest(cache_root, tmp_path)
    assert summary.ok and len(summary.loaded) == 1
    assert "not cached" in caplog.text
    assert os.path.isfile(blocked)


def test_sources_fetch_goes_on_after_a_hostile_url(server, tmp_path):
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "series:\n"
        "  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: 中小企業活性化施策\n    editions:\n"
        f"      - {{fiscal_year: 2018, url: '{server.url('/loop/0.pdf')}'}}\n"
        f"      - {{fiscal_year: 2019, url: '{server.url('/redirect-file.pdf')}'}}\n"
        f"      - {{fiscal_year: 2020, url: '{server.url(f'/pdf/{NAME}')}'}}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        app, ["sources", "fetch", "--catalogue", str(catalogue), "--cache-dir", str(tmp_path / "c")]
    )
    assert result.exit_code == 1, result.output
    assert FileStore(tmp_path / "c").object_path(GOOD_SHA).read_bytes() == GOOD, "the edition after them is fetched"
    text = " ".join(result.output.split())
    assert "too many redirects" in text and "nenpo does not fetch" in text


def test_what_a_killed_process_was_writing_into_the_cache_is_removed(server, store, tmp_path):
    import subprocess
    import sys

    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    (store.root / "tmp").mkdir(parents=True)
    part = store.root / "tmp" / f"{dead.pid}-abc123.part"
    part.write_bytes(b"%PDF-1.7 half a download")
    fetch_url(server.url(f"/pdf/{NAME}"), store)
    assert not part.exists()

    cache = ExtractionCache(tmp_path / "c")
    entry = cache.entry(GOOD_SHA, "auto")
    entry.parent.mkdir(parents=True)
    half = entry.parent / f"{GOOD_SHA}.auto.{dead.pid}-77.tmp"
    half.write_text("{ half an entry")
    from nenpo.pipeline.ingest import extract_one

    cache.put(extract_one(SAMPLE_EDITIONS / NAME), "auto")
    assert not half.exists() and entry.is_file()


def test_a_downloaded_edition_refused_by_the_gates_is_named_by_its_url(server, tmp_path):
    """A refusal at validate names the URL, as every failure of a downloaded file does."""
    from tests.damage import without_page_content

    db = tmp_path / "w.duckdb"
    assert ingest([SAMPLE_EDITIONS / NAME], db, cache_dir=tmp_path / "c").ok
    damaged = without_page_content(SAMPLE_EDITIONS / NAME, tmp_path / "damaged.pdf", 12)
    server.serve_bytes("damaged-2019.pdf", damaged.read_bytes())
    url = server.url("/pdf/damaged-2019.pdf")
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "series:\n"
        "  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: 中小企業活性化施策\n    editions:\n"
        f"      - {{fiscal_year: 2019, url: '{url}'}}\n",
        encoding="utf-8",
    )
    summary = ingest(catalogue=catalogue, db=db, cache_dir=tmp_path / "c")
    [failure] = summary.failed
    assert failure.stage == "validate" and failure.report == url
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT report, stage FROM ingest_errors").fetchall() == [(url, "validate")]
