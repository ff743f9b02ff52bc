"""The reliability suite: damaged editions made by the tests never replace a good one, the
extractor survives them within bounded memory and time, and kill -9 at any point of a run
leaves a warehouse where every edition is whole or absent, a snapshot that opens, and a
next run that recovers.

Bounded on purpose (2 cores in CI): a handful of seeded cases each, not a soak.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import duckdb
import pytest

from nenpo.pipeline.guard import Limits
from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.gates import figures_held, shortfalls
from tests.conftest import SAMPLE_EDITIONS
from tests.damage import random_bytes, truncated, without_page_content

FY2020 = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
FUZZ_LIMITS = Limits(max_memory_mb=1024, timeout=120)


@pytest.fixture(scope="module")
def good_warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("reliability")
    db = root / "good.duckdb"
    summary = ingest([FY2020], db, cache_dir=root / "cache")
    assert summary.ok
    return db, summary.loaded[0][0]


def _held(db, good):
    with duckdb.connect(str(db), read_only=True) as con:
        return figures_held(con, good.series, good.report_fiscal_year)


DAMAGE = {
    "8 KiB random at 30 %": lambda out: random_bytes(FY2020, out, size=8192, seed=1, at=0.3),
    "8 KiB random at 70 %": lambda out: random_bytes(FY2020, out, size=8192, seed=2, at=0.7),
    "4 KiB random, seed 9": lambda out: random_bytes(FY2020, out, size=4096, seed=9),
    "4 KiB random, seed 11": lambda out: random_bytes(FY2020, out, size=4096, seed=11),
    "page 12 drawn empty": lambda out: without_page_content(FY2020, out, 12),
    "last 40 % cut off": lambda out: truncated(FY2020, out, keep=0.6),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_a_damaged_edition_never_replaces_the_good_one(good_warehouse, tmp_path, damage):
    """Fuzz, bounded: each damaged copy is read without a crash or a hang (a failure names the
    file), and the warehouse afterwards holds an edition no worse than the good one."""
    db_good, good = good_warehouse
    damaged = DAMAGE[damage](tmp_path / "kawasaki-sme-fy2020-damaged.pdf")
    db = tmp_path / "w.duckdb"
    db.write_bytes(db_good.read_bytes())
    before = _held(db, good)  # the good edition's figures, as the warehouse holds them
    # the damaged bytes are the subject: a copy whose fonts they garble has most pages
    # recognised by OCR under `auto` (a minute of Tesseract, tested in tests/core/test_ocr_pages.py)
    summary = ingest([damaged], db, cache_dir=tmp_path / "cache", limits=FUZZ_LIMITS, ocr="never")
    held = _held(db, good)
    assert shortfalls(before, held) == [], f"{damage}: the warehouse now holds less"
    if summary.loaded:  # accepted: it read as well as the good one (the check above is on it)
        x, _ = summary.loaded[0]
        assert held.sha256 == x.sha256 != good.sha256
    else:
        [failure] = summary.failed
        assert failure.stage in {"extract", "validate"} and held.sha256 == good.sha256
        assert str(damaged) in failure.error, "the failure names the file"
        assert "died of signal" not in failure.error and "took longer" not in failure.error, failure.error


# --- kill -9 during a run ------------------------------------------------------------------------

_RUN = """
import sys
from nenpo.pipeline.ingest import ingest
ingest([sys.argv[1]], sys.argv[2], cache_dir=sys.argv[3], publish_dir=sys.argv[4])
print("done", flush=True)
"""


def _run(db, tmp_path, kill_after: float | None = None) -> tuple[int, float]:
    started = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-c", _RUN, str(SAMPLE_EDITIONS), str(db), str(tmp_path / "cache"), str(tmp_path / "pub")],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    if kill_after is not None:
        try:
            proc.wait(timeout=kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)  # the run and its extraction child, at once
    proc.wait(timeout=600)
    return proc.returncode, time.monotonic() - started


def _check_invariants(db, published):
    """Each edition whole or absent; the snapshot, if any, opens and is a whole warehouse too."""
    for file in [db] + ([published] if published.exists() else []):
        with duckdb.connect(str(file), read_only=True) as con:
            tables = {name for (name,) in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            if "reports" not in tables:
                # killed before the schema's one transaction committed: an empty file, nothing half-made
                assert tables == set(), f"{file}: a schema half-made: {sorted(tables)}"
                continue
            rows = con.execute(
                "SELECT r.report_id, r.measure_count, r.kpi_value_count, r.page_count, "
                "(SELECT count(*) FROM measures m WHERE m.report_id = r.report_id), "
                "(SELECT count(*) FROM kpi_values k WHERE k.report_id = r.report_id), "
                "(SELECT count(*) FROM report_pages p WHERE p.report_id = r.report_id) FROM reports r"
            ).fetchall()
            for report_id, measures, kpis, pages, m, k, p in rows:
                assert (measures, kpis, pages) == (m, k, p), f"{file}: edition {report_id} is not whole"
            orphans = con.execute(
                "SELECT count(*) FROM kpi_values WHERE report_id NOT IN (SELECT report_id FROM reports)"
            ).fetchone()[0]
            assert orphans == 0, f"{file}: rows of an edition that is not there"


def test_kill_9_at_points_through_a_run_leaves_everything_whole_and_the_next_run_recovers(tmp_path):
    """A first, whole run gives the run's length; three runs are then killed at 25 %, 55 %
    and 85 % of it (extract, load, audit/publish on this machine), each checked, each
    followed by the next; a last run must complete with all three editions."""
    reference = tmp_path / "reference"
    reference.mkdir()
    code, length = _run(reference / "w.duckdb", reference)
    assert code == 0
    work = tmp_path / "work"
    work.mkdir()
    db = work / "w.duckdb"
    killed = 0
    for share in (0.25, 0.55, 0.85):
        code, _ = _run(db, work, kill_after=length * share)
        killed += code == -signal.SIGKILL
        if db.exists():
            _check_invariants(db, work / "pub" / "w.duckdb")
    assert killed >= 2, "the runs were killed part-way, not finished first"
    code, _ = _run(db, work)
    assert code == 0
    _check_invariants(db, work / "pub" / "w.duckdb")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 3
    leftovers = [p.name for p in (work / "pub").iterdir() if p.name.endswith(".tmp")]
    assert leftovers == [], "no temporary snapshot left after the recovering run"
