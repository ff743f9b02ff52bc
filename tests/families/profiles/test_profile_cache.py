"""The extraction cache with profile families: a sheet read by a profile is not read again
while its profile is unchanged, and is read again once the profile is edited."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenpo.extractors import registry
from nenpo.extractors.profiles.load import ENV_VAR
from nenpo.pipeline.ingest import ingest
from tests.conftest import REPO_ROOT

FAMILIES_DIR = REPO_ROOT / "extractors" / "families"
SHEET = "ikeda_r7_jimujigyo_hyoka_no010_shinyo.pdf"


@pytest.fixture
def sheet(realpdfs_dir: Path) -> Path:
    path = realpdfs_dir / "sheets" / SHEET
    if not path.is_file():
        pytest.skip(f"evaluation sheet not present at {path}")
    return path


@pytest.fixture
def own_profile(tmp_path, monkeypatch):
    """A copy of Ikeda's profile under another id, in a temporary $NENPO_PROFILES."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    text = (FAMILIES_DIR / "ikeda_jimujigyo" / "profile.yaml").read_text(encoding="utf-8")
    assert text.startswith("# ") and "\nid: ikeda-jimujigyo\n" in text
    copy = folder / "ikeda-copy.yaml"
    copy.write_text(text.replace("\nid: ikeda-jimujigyo\n", "\nid: ikeda-copy\n"), encoding="utf-8")
    monkeypatch.setenv(ENV_VAR, str(folder))
    registry.refresh()
    yield copy
    monkeypatch.delenv(ENV_VAR)
    registry.refresh()


def _run(sheet: Path, tmp_path: Path):
    return ingest(
        [sheet],
        tmp_path / "w.duckdb",
        cache_dir=tmp_path / "cache",
        reuse_extractions=True,
        family="ikeda-copy",
        limits=None,
    )


def test_a_profile_family_extraction_is_reused_until_its_profile_changes(sheet, own_profile, tmp_path):
    first = _run(sheet, tmp_path)
    assert not first.failed and first.extracted == 1 and not first.from_cache
    ((extraction, _),) = first.loaded
    assert extraction.extractor_version == registry.family("ikeda-copy").extractor_version
    assert extraction.extractor_version.startswith("profile-ikeda-copy-")

    second = _run(sheet, tmp_path)
    assert not second.failed and second.extracted == 0 and list(second.from_cache) == [extraction.sha256]

    # an edit that changes what the profile declares (not its `version`) is a new reader
    text = own_profile.read_text(encoding="utf-8")
    own_profile.write_text(
        text.replace("title: 池田市 事務事業評価", "title: 池田市 事務事業評価 (edited)", 1), encoding="utf-8"
    )
    registry.refresh()
    assert registry.family("ikeda-copy").extractor_version != extraction.extractor_version
    third = _run(sheet, tmp_path)
    assert not third.failed and third.extracted == 1 and not third.from_cache

    # and the edited profile's extraction is reused in turn
    fourth = _run(sheet, tmp_path)
    assert fourth.extracted == 0 and list(fourth.from_cache) == [extraction.sha256]
