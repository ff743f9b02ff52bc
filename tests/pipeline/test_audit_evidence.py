"""The auditors' HTML shows a picture only from the very file that was loaded: the file at
source_path when its sha256 matches, else the copy in the download cache; otherwise it
says plainly why it cannot show the evidence, and a non-PDF in place does not crash it."""

from __future__ import annotations

import hashlib
import shutil

import duckdb
import pytest

from nenpo.pipeline.audit_report import render_html
from nenpo.pipeline.ingest import ingest
from nenpo.sources.store import FileStore
from tests.conftest import SAMPLE_EDITIONS


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """FY2019 and FY2020 loaded from copies in a folder of their own (the findings compare them)."""
    root = tmp_path_factory.mktemp("evidence")
    folder = root / "pdfs"
    folder.mkdir()
    for year in (2019, 2020):
        shutil.copy(SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.pdf", folder)
    db = root / "w.duckdb"
    assert ingest([folder], db, cache_dir=root / "cache").ok
    return folder, db


def _html(db, cache, monkeypatch) -> str:
    monkeypatch.setenv("NENPO_CACHE_DIR", str(cache))
    con = duckdb.connect(str(db), read_only=True)
    try:
        return render_html(con, str(db))
    finally:
        con.close()


@pytest.fixture
def fy2020(loaded):
    path = loaded[0] / "kawasaki-sme-fy2020.pdf"
    original = path.read_bytes()
    yield path
    path.write_bytes(original)


def test_pictures_come_from_the_loaded_files(loaded, tmp_path, monkeypatch):
    page = _html(loaded[1], tmp_path / "empty-cache", monkeypatch)
    assert page.count("<img ") > 0 and "cannot show the evidence" not in page


def test_a_replaced_file_shows_no_picture_and_says_why(loaded, fy2020, tmp_path, monkeypatch):
    before = _html(loaded[1], tmp_path / "empty-cache", monkeypatch).count("<img ")
    fy2020.write_bytes((SAMPLE_EDITIONS / "kawasaki-sme-fy2021.pdf").read_bytes())  # another file, same name
    page = _html(loaded[1], tmp_path / "empty-cache", monkeypatch)
    missing = page.count("cannot show the evidence: the file at")
    assert missing > 0 and page.count("<img ") == before - missing
    assert "is not the one loaded" in page and "the download cache holds no copy of it" in page


def test_the_loaded_file_is_found_in_the_download_cache(loaded, fy2020, tmp_path, monkeypatch):
    before = _html(loaded[1], tmp_path / "empty-cache", monkeypatch).count("<img ")
    store = FileStore(tmp_path / "cache")
    copy = tmp_path / "copy.pdf"
    copy.write_bytes(fy2020.read_bytes())
    store.add(copy, hashlib.sha256(fy2020.read_bytes()).hexdigest())
    fy2020.write_bytes(b"%PDF-1.4\n% something else entirely\n")
    page = _html(loaded[1], tmp_path / "cache", monkeypatch)
    assert page.count("<img ") == before and "cannot show the evidence" not in page


def test_a_non_pdf_at_source_path_does_not_crash_it(loaded, fy2020, tmp_path, monkeypatch):
    fy2020.write_bytes(b"<html>not a pdf</html>")
    page = _html(loaded[1], tmp_path / "empty-cache", monkeypatch)
    assert "cannot show the evidence" in page and "is not the one loaded" in page
    fy2020.unlink()
    page = _html(loaded[1], tmp_path / "empty-cache", monkeypatch)
    assert "kawasaki-sme-fy2020.pdf no longer exists" in page
