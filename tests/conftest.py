"""Shared fixtures: where the project's sample editions and the external shared/ folder live.

`shared/` (the reference text and real municipal PDFs) sits beside the repository on
developer machines and in CI. Tests that need it skip cleanly where it is absent.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_EDITIONS = REPO_ROOT / "samples" / "editions"
TEST_DATA = REPO_ROOT / "tests" / "data"
"""Ground truth typed from the pages (JSON, YAML); tests in any sub-folder find it here."""
FAMILIES_DIR = REPO_ROOT / "extractors" / "families"


def _shared_dir() -> Path:
    return Path(os.environ.get("NENPO_SHARED", REPO_ROOT.parent / "shared"))


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    path = _shared_dir()
    if not path.is_dir():
        pytest.skip(f"shared folder not present at {path}")
    return path


@pytest.fixture(scope="session")
def reference_text(shared_dir: Path) -> str:
    path = shared_dir / "reference" / "kawasaki-sme-report-fy2020.txt"
    if not path.is_file():
        pytest.skip(f"reference text not present at {path}")
    return path.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def reference_lines(reference_text: str) -> list[str]:
    return reference_text.splitlines()


@pytest.fixture(scope="session")
def reference_layout_b(reference_lines: list[str], tmp_path_factory):
    """The reference text typeset in text order on A4 portrait (layout (b) of FY2020), read
    by the extractor: rendered in a temporary folder, never kept."""
    from nenpo.extractors.families.kawasaki_sme.report import extract_report
    from nenpo.samples.layouts.text_order import render_text_order

    return extract_report(render_text_order(reference_lines, tmp_path_factory.mktemp("layout-b") / "fy2020-b.pdf"))


@pytest.fixture(scope="session")
def reference_layout_b_warehouse(reference_layout_b, tmp_path_factory):
    """A DuckDB warehouse holding only `reference_layout_b`."""
    from nenpo.warehouse.db import connect
    from nenpo.warehouse.load import load_extraction

    con = connect(tmp_path_factory.mktemp("warehouse") / "w.duckdb")
    load_extraction(con, reference_layout_b)
    yield con
    con.close()


@pytest.fixture(scope="session")
def realpdfs_dir(shared_dir: Path) -> Path:
    path = shared_dir / "realpdfs"
    if not path.is_dir():
        pytest.skip(f"real PDFs not present at {path}")
    return path
