"""What `ingest` does with real municipal PDFs that break naive extractors.

Each file gets a documented outcome (see docs/reading.md, "Real-world PDFs"): a clear error that
names the file, recorded in `ingest_errors`, while a good report in the same run loads.
"""

from __future__ import annotations

import json

import duckdb
import pytest

from nenpo.pipeline.ingest import ingest
from tests.conftest import SAMPLE_EDITIONS

OUTCOMES = {
    # file: (substrings the recorded error must contain)
    "osaka_h29_syuurou_truncated.pdf": ("truncated", "no page yields readable text"),
    "osaka_h29_ryoukinhyou_scanned.pdf": ("page 1", "needs OCR", "switched off", "needs_ocr on p.1"),
    "osaka_h29_hoikushi_unijis_hw_nonembedded.pdf": (
        "not an edition of a known report series",
        "engines_disagree on p.1",
        "fonts_not_embedded",
    ),
    "osaka_h29_hoiku_shinseisho_kangxi.pdf": ("not an edition of a known report series", "4 page(s)"),
    "kampo_vertical_gazette.pdf": ("not an edition of a known report series", "vertical_text on p.1"),
    "kobe_h30_hoiku_shisetsu_ichiran.pdf": ("not an edition of a known report series", "11 page(s)"),
}


@pytest.fixture(scope="module")
def run(realpdfs_dir, tmp_path_factory):
    db = tmp_path_factory.mktemp("realpdfs") / "nenpo.duckdb"
    good = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
    paths = [realpdfs_dir / name for name in OUTCOMES] + [good]
    # OCR off: what the scan reads to is tested in test_ocr_real, and CI OCRs few pages
    return ingest(paths, db, ocr="never"), db


def test_good_report_still_loads(run):
    summary, db = run
    assert [x.report_fiscal_year for x, _ in summary.loaded] == [2020]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM kpi_values").fetchone()[0] == 82


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_each_bad_file_has_its_documented_error(run, name):
    summary, db = run
    failure = next(f for f in summary.failed if f.report.endswith(name))
    assert failure.stage == "extract"
    assert name in failure.error
    for expected in OUTCOMES[name]:
        assert expected in failure.error
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute(
            "SELECT stage, error, sha256 FROM ingest_errors WHERE report LIKE ?", [f"%{name}"]
        ).fetchall()
    assert len(rows) == 1 and rows[0][0] == "extract" and name in rows[0][1]
    assert rows[0][2] and len(rows[0][2]) == 64


def test_nothing_of_a_bad_file_is_half_loaded(run):
    summary, db = run
    with duckdb.connect(str(db), read_only=True) as con:
        paths = {r[0] for r in con.execute("SELECT source_path FROM reports").fetchall()}
        pages = con.execute("SELECT count(*) FROM report_pages").fetchone()[0]
    assert paths == {str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")}
    truth = json.loads((SAMPLE_EDITIONS / "kawasaki-sme-fy2020.truth.json").read_text(encoding="utf-8"))
    assert pages == truth["page_count"]
