"""The source catalogue, HTTP fetching into the content-addressed cache, folder sources and
edition states — against a real HTTP server on 127.0.0.1 (tests/pdf_server.py)."""

from __future__ import annotations

import hashlib
import json
import shutil
import time

import pytest

from nenpo.extractors.normalise import normalise_text
from nenpo.pipeline.ingest import ingest, plan_sources
from nenpo.sources.catalogue import DEFAULT_CATALOGUE, CatalogueError, EditionSource, load_catalogue
from nenpo.sources.fetch import (
    ChecksumMismatchError,
    FetchPolicy,
    HttpStatusError,
    NotAPdfError,
    TooLargeError,
    TransientFetchError,
    fetch_url,
)
from nenpo.sources.local import pdfs_under, unique_by_content
from nenpo.sources.obtain import obtain
from nenpo.sources.status import edition_states, read_ingested
from nenpo.sources.store import FileStore
from tests.conftest import SAMPLE_EDITIONS
from tests.pdf_server import PdfServer

FY2019, FY2020 = "kawasaki-sme-fy2019.pdf", "kawasaki-sme-fy2020.pdf"
QUICK = FetchPolicy(attempts=3, backoff_seconds=0.01, max_backoff_seconds=0.05, timeout_seconds=5, deadline_seconds=20)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(scope="module")
def server():
    srv = PdfServer(lifetime=120).start()
    yield srv
    srv.stop()


@pytest.fixture
def store(tmp_path):
    return FileStore(tmp_path / "cache")


def stored_objects(store: FileStore) -> list:
    return sorted((store.root / "objects").rglob("*.pdf")) if (store.root / "objects").exists() else []


# --- the catalogue ---------------------------------------------------------------------------


def test_bundled_catalogue_lists_the_sample_editions_with_their_checksums():
    manifest = json.loads((SAMPLE_EDITIONS / "MANIFEST.json").read_text())["files"]
    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    editions = list(catalogue.editions())
    assert [(e.series, e.fiscal_year) for e in editions] == [("kawasaki-sme", y) for y in (2019, 2020, 2021)]
    for edition in editions:
        name = f"kawasaki-sme-fy{edition.fiscal_year}.pdf"
        assert edition.path == str(SAMPLE_EDITIONS / name)
        assert edition.sha256 == manifest[name], "regenerated samples: update sources/catalogue.yaml"


def test_the_catalogue_names_the_family_whose_title_rule_matches_every_sample_title():
    """The title pattern lives in the family (its edition evidence), not in the catalogue."""
    from nenpo.extractors.registry import family

    catalogue = load_catalogue(DEFAULT_CATALOGUE)
    (series,) = catalogue.series
    assert series.family == "kawasaki-sme" and series.title_pattern is None
    assert {e.family for e in catalogue.editions()} == {"kawasaki-sme"}
    from nenpo.extractors.families.kawasaki_sme.series import SERIES

    assert family(series.family).id == SERIES[0].id
    title_rule = next(rule for rule in SERIES[0].rules if rule.kind == "title")
    for truth in sorted(SAMPLE_EDITIONS.glob("*.truth.json")):
        title = json.loads(truth.read_text())["title"]
        assert title_rule.pattern.search(normalise_text(title)), title
    assert not title_rule.pattern.search("令和２年度 保育施設一覧")


def test_catalogue_path_comes_from_the_environment(tmp_path, monkeypatch):
    other = tmp_path / "other.yaml"
    other.write_text("series: []\nfolders:\n  - path: inbox\n", encoding="utf-8")
    monkeypatch.setenv("NENPO_CATALOGUE", str(other))
    catalogue = load_catalogue()
    assert catalogue.folder_paths() == [tmp_path / "inbox"]


SERIES_X = "series:\n  - {id: x, publisher: p, title: t, title_pattern: t, editions: "
"""A one-series catalogue, up to its editions (each case supplies them)."""


@pytest.mark.parametrize(
    "text, complaint",
    [
        ("series: [1, 2", "not valid YAML"),
        ("- just a list", "must be a mapping"),
        (
            "series:\n  - {id: x, publisher: p, title: t, title_pattern: t, editions: [{fiscal_year: 2020}]}",
            "needs a url or a path",
        ),
        ("series:\n  - {id: x, publisher: p, title: t, title_pattern: '(', editions: []}", "does not compile"),
        (SERIES_X + "[{fiscal_year: 2020, path: a.pdf, sha256: abc}]}", "sha256"),
        (SERIES_X + "[{fiscal_year: 2020, path: a.pdf, sha256: 1234}]}", "put it in quotes"),
        (
            "series:\n  - {id: x, publisher: p, title: t, title_pattern: t, editions: [{fiscal_year: 2020, url: 'ftp://h/a.pdf'}]}",
            "http:// or https://",
        ),
        (SERIES_X + "[{fiscal_year: 2020, path: a.pdf}, {fiscal_year: 2020, path: b.pdf}]}", "more than once"),
        ("series:\n  - {id: x, publisher: p, title: t, title_pattern: t, colour: red}", "colour"),
    ],
)
def test_a_bad_catalogue_is_refused_naming_the_file(tmp_path, text, complaint):
    path = tmp_path / "catalogue.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError) as info:
        load_catalogue(path)
    assert str(path) in str(info.value) and complaint in str(info.value)


def test_a_missing_catalogue_is_named(tmp_path):
    with pytest.raises(CatalogueError, match="does not exist"):
        load_catalogue(tmp_path / "nope.yaml")


# --- fetching over HTTP --------------------------------------------------------------------


def test_download_is_stored_by_content(server, store):
    data = server.files[FY2019]
    fetched = fetch_url(server.url(f"/pdf/{FY2019}"), store, policy=QUICK)
    assert (fetched.status, fetched.sha256, fetched.size, fetched.attempts) == ("downloaded", sha(data), len(data), 1)
    assert fetched.path == store.root / "objects" / sha(data)[:2] / f"{sha(data)}.pdf"
    assert fetched.path.read_bytes() == data
    assert not list((store.root / "tmp").iterdir()), "no partial download left behind"


def test_an_unchanged_file_is_not_downloaded_again(server, store):
    url = server.url(f"/pdf/{FY2020}")
    first = fetch_url(url, store, policy=QUICK)
    before = len(server.requests)
    second = fetch_url(url, store, policy=QUICK)
    assert second.status == "not_modified" and second.sha256 == first.sha256 and second.path == first.path
    request = server.requests[before]
    assert request.headers["If-None-Match"] == server.etag(FY2020)
    assert request.headers["If-Modified-Since"] == server.last_modified(FY2020)
    assert len(server.requests) == before + 1


def test_a_file_that_changed_upstream_is_downloaded_and_refused_when_a_checksum_is_expected(server, store):
    old, new = server.files[FY2019], server.files[FY2020]
    server.serve_bytes("changing.pdf", old)
    url = server.url("/pdf/changing.pdf")
    assert fetch_url(url, store, expected_sha256=sha(old), policy=QUICK).status == "downloaded"
    assert fetch_url(url, store, expected_sha256=sha(old), policy=QUICK).status == "not_modified"

    server.serve_bytes("changing.pdf", new)  # new content, new ETag
    with pytest.raises(ChecksumMismatchError) as info:
        fetch_url(url, store, expected_sha256=sha(old), policy=QUICK)
    error = info.value
    assert (error.expected, error.actual) == (sha(old), sha(new))
    assert url in str(error) and "changed upstream" in str(error) and str(error.path) in str(error)
    assert error.path.read_bytes() == new, "the new bytes are kept for inspection"

    source = EditionSource(label=url, url=url, sha256=sha(old), series="kawasaki-sme", fiscal_year=2019)
    catalogue = _catalogue_with(source)
    [state] = edition_states(catalogue, store, {("kawasaki-sme", 2019): sha(old)})
    assert state.state == "changed upstream" and state.sha256 == sha(new)

    refreshed = fetch_url(url, store, policy=QUICK)  # the catalogue updated: no checksum pinned
    assert refreshed.status == "not_modified" and refreshed.sha256 == sha(new)


def test_404_fails_at_once_without_retrying(server, store):
    before = server.count("/status/404")
    with pytest.raises(HttpStatusError) as info:
        fetch_url(server.url("/status/404"), store, policy=QUICK)
    assert info.value.status == 404 and "HTTP 404" in str(info.value) and "/status/404" in str(info.value)
    assert server.count("/status/404") == before + 1
    assert stored_objects(store) == []


def test_500_that_recovers_is_retried_with_back_off(server, store):
    fetched = fetch_url(server.url(f"/flaky/recovers/2/{FY2019}"), store, policy=QUICK)
    assert fetched.status == "downloaded" and fetched.attempts == 3
    assert server.flaky_counts["recovers"] == 3


def test_500_that_does_not_recover_gives_up_after_the_attempts(server, store):
    with pytest.raises(TransientFetchError) as info:
        fetch_url(server.url(f"/flaky/down/100/{FY2019}"), store, policy=QUICK)
    assert "HTTP 500" in str(info.value) and "gave up after 3 attempt(s)" in str(info.value)
    assert server.flaky_counts["down"] == 3


def test_backoff_waits_longer_each_time(server, store):
    policy = FetchPolicy(attempts=3, backoff_seconds=0.2, max_backoff_seconds=1.0, timeout_seconds=5)
    started = time.monotonic()
    fetch_url(server.url(f"/flaky/backoff/2/{FY2019}"), store, policy=policy)
    assert 0.2 + 0.4 <= time.monotonic() - started < 3.0


def test_a_slow_server_times_out_and_a_patient_client_gets_the_file(server, store):
    slow = server.url(f"/slow/1.0/{FY2019}")
    impatient = FetchPolicy(attempts=2, backoff_seconds=0.01, timeout_seconds=0.2)
    started = time.monotonic()
    with pytest.raises(TransientFetchError) as info:
        fetch_url(slow, store, policy=impatient)
    assert "timed out" in str(info.value) and "gave up after 2 attempt(s)" in str(info.value)
    assert time.monotonic() - started < 1.5
    patient = FetchPolicy(attempts=1, timeout_seconds=5)
    assert fetch_url(slow, store, policy=patient).sha256 == sha(server.files[FY2019])


def test_a_trickling_download_is_cut_at_the_deadline(server, store):
    policy = FetchPolicy(attempts=1, timeout_seconds=5, deadline_seconds=0.3)
    with pytest.raises(TransientFetchError, match="not complete after 0.3 s"):
        fetch_url(server.url(f"/trickle/0.1/{FY2019}"), store, policy=policy)
    assert stored_objects(store) == []


def test_bytes_that_are_not_a_pdf_are_refused(server, store):
    with pytest.raises(NotAPdfError) as info:
        fetch_url(server.url("/html.pdf"), store, policy=QUICK)
    assert "not a PDF" in str(info.value) and "text/html" in str(info.value) and "<html>" in str(info.value)
    assert stored_objects(store) == [] and store.url_record(server.url("/html.pdf")) is None


def test_a_wrong_checksum_is_refused(server, store):
    with pytest.raises(ChecksumMismatchError) as info:
        fetch_url(server.url(f"/pdf/{FY2019}"), store, expected_sha256="0" * 64, policy=QUICK)
    assert "0" * 64 in str(info.value) and sha(server.files[FY2019]) in str(info.value)


def test_the_size_limit_holds_with_and_without_content_length(server, store):
    limit = FetchPolicy(attempts=1, max_bytes=200_000)
    before = len(server.requests)
    with pytest.raises(TooLargeError, match="announced"):
        fetch_url(server.url("/big.pdf?bytes=5000000"), store, policy=limit)
    with pytest.raises(TooLargeError, match="more than the limit of 200000 bytes sent"):
        fetch_url(server.url("/endless.pdf?bytes=5000000"), store, policy=limit)
    assert len(server.requests) == before + 2
    assert stored_objects(store) == [] and not list((store.root / "tmp").iterdir())
    assert fetch_url(server.url("/big.pdf?bytes=150000"), store, policy=limit).size == 150_000


# --- local files and folders ---------------------------------------------------------------


def test_a_folder_source_identifies_files_by_content(tmp_path):
    inbox = tmp_path / "inbox"
    (inbox / "sub").mkdir(parents=True)
    shutil.copy(SAMPLE_EDITIONS / FY2019, inbox / "a.pdf")
    shutil.copy(SAMPLE_EDITIONS / FY2019, inbox / "sub" / "same-bytes-other-name.PDF")
    shutil.copy(SAMPLE_EDITIONS / FY2020, inbox / "sub" / "b.pdf")
    (inbox / "notes.txt").write_text("not a report")
    found = pdfs_under([inbox])
    assert [p.name for p in found] == ["a.pdf", "b.pdf", "same-bytes-other-name.PDF"]
    unique = unique_by_content(found)
    assert [(p.path.name, p.sha256[:8]) for p in unique] == [
        ("a.pdf", sha((SAMPLE_EDITIONS / FY2019).read_bytes())[:8]),
        ("b.pdf", sha((SAMPLE_EDITIONS / FY2020).read_bytes())[:8]),
    ]

    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text("folders:\n  - path: inbox\n", encoding="utf-8")
    assert [s.path for s in plan_sources([], catalogue)] == [str(p) for p in found]


def test_obtain_prefers_the_local_file_and_checks_it(server, store, tmp_path):
    local = tmp_path / "r.pdf"
    shutil.copy(SAMPLE_EDITIONS / FY2019, local)
    digest = sha(local.read_bytes())
    url = server.url(f"/pdf/{FY2019}")
    before = len(server.requests)
    got = obtain(EditionSource(label=url, url=url, path=str(local), sha256=digest), store)
    assert (got.how, got.path, got.sha256) == ("local", str(local), digest)
    assert len(server.requests) == before, "a local copy needs no download"
    with pytest.raises(ChecksumMismatchError):
        obtain(EditionSource(label=str(local), path=str(local), sha256="1" * 64), store)
    local.unlink()
    assert obtain(EditionSource(label=url, url=url, path=str(local), sha256=digest), store, QUICK).how == "downloaded"


# --- edition states ------------------------------------------------------------------------


def _catalogue_with(*sources: EditionSource):
    from nenpo.sources.catalogue import Catalogue, CatalogueEdition, CatalogueSeries

    editions = tuple(
        CatalogueEdition(fiscal_year=s.fiscal_year, url=s.url, path=s.path, sha256=s.sha256) for s in sources
    )
    return Catalogue(
        series=(
            CatalogueSeries(id="kawasaki-sme", publisher="川崎市", title="t", title_pattern="t", editions=editions),
        )
    )


def test_edition_states(server, store, tmp_path):
    fy19, fy20 = (sha((SAMPLE_EDITIONS / n).read_bytes()) for n in (FY2019, FY2020))
    catalogue = _catalogue_with(
        EditionSource(label="a", url=server.url("/pdf/never-fetched.pdf"), fiscal_year=2018),
        EditionSource(label="b", path=str(SAMPLE_EDITIONS / FY2019), sha256=fy19, fiscal_year=2019),
        EditionSource(label="c", path=str(SAMPLE_EDITIONS / FY2020), sha256=fy20, fiscal_year=2020),
        EditionSource(label="d", path=str(SAMPLE_EDITIONS / FY2020), fiscal_year=2021),
        EditionSource(label="e", path=str(tmp_path / "gone.pdf"), sha256=fy19, fiscal_year=2022),
    )
    ingested = {("kawasaki-sme", 2020): fy20, ("kawasaki-sme", 2021): fy19, ("kawasaki-sme", 2022): fy19}
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    shutil.copy(SAMPLE_EDITIONS / FY2020, inbox / "scan-0001.pdf")
    shutil.copy(SAMPLE_EDITIONS / "kawasaki-sme-fy2021.pdf", inbox / "scan-0002.pdf")
    states = [(s.source.fiscal_year, s.state) for s in edition_states(catalogue, store, ingested, [inbox])]
    assert states == [
        (2018, "not fetched"),
        (2019, "fetched"),
        (2020, "ingested"),
        (2021, "changed upstream"),
        (2022, "ingested"),
        (2020, "ingested"),
        (None, "fetched"),  # the folder: recognised by content, not by name
    ]


def test_read_ingested_falls_back_to_the_snapshot_while_the_warehouse_is_locked(tmp_path):
    import subprocess
    import sys

    db = tmp_path / "w.duckdb"
    assert read_ingested(db) == ({}, f"{db} (not created yet)")
    ingest([SAMPLE_EDITIONS / FY2019], db, publish_dir=tmp_path / "w.published")
    held, where = read_ingested(db)
    assert held == {("kawasaki-sme", 2019): sha((SAMPLE_EDITIONS / FY2019).read_bytes())} and where == str(db)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)",
            str(db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        again, where = read_ingested(db)
        assert again == held and "snapshot" in where
    finally:
        holder.kill()
        holder.wait()


# --- the sources commands ------------------------------------------------------------------


def test_sources_fetch_and_list_commands(server, tmp_path):
    from typer.testing import CliRunner

    from nenpo.pipeline.cli import app

    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "series:\n  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: t\n    editions:\n"
        f"      - {{fiscal_year: 2019, url: '{server.url('/pdf/' + FY2019)}'}}\n"
        f"      - {{fiscal_year: 2020, url: '{server.url('/status/404')}'}}\n",
        encoding="utf-8",
    )
    common = ["--catalogue", str(catalogue), "--cache-dir", str(tmp_path / "cache")]
    runner = CliRunner()
    listed = runner.invoke(app, ["sources", "list", *common, "--db", str(tmp_path / "w.duckdb")])
    assert listed.exit_code == 0 and listed.output.count("not fetched") == 2
    fetched = runner.invoke(app, ["sources", "fetch", *common])
    assert fetched.exit_code == 1, fetched.output
    assert "downloaded" in fetched.output and "HttpStatusError: HTTP 404" in fetched.output
    again = runner.invoke(app, ["sources", "fetch", *common])
    assert "not_modified" in again.output
    listed = runner.invoke(app, ["sources", "list", *common, "--db", str(tmp_path / "w.duckdb")])
    assert listed.output.count("not fetched") == 1 and "fetched" in listed.output.replace("not fetched", "")
    broken = tmp_path / "broken.yaml"
    broken.write_text("series: [", encoding="utf-8")
    refused = runner.invoke(app, ["sources", "list", "--catalogue", str(broken)])
    assert refused.exit_code == 2 and "not valid YAML" in refused.output
