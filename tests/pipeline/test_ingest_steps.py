"""The plain ingest steps without Prefect: the extraction cache, validation against the
catalogue, waiting for the warehouse lock, the Parquet export and the published snapshot."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time

import duckdb
import pytest
from typer.testing import CliRunner

from nenpo.extractors.models import ReportExtraction
from nenpo.pipeline.cache import ExtractionCache
from nenpo.pipeline.cli import app
from nenpo.pipeline.ingest import ingest
from nenpo.warehouse.db import WarehouseLockedError, connect
from nenpo.warehouse.export import exported_relations
from nenpo.warehouse.publish import publish
from nenpo.warehouse.schema import EDITION_TABLES, TABLES
from nenpo.warehouse.views import VIEWS
from tests.conftest import SAMPLE_EDITIONS

FY2019, FY2020, FY2021 = (SAMPLE_EDITIONS / f"kawasaki-sme-fy{y}.pdf" for y in (2019, 2020, 2021))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    """The three sample editions loaded once, with the extraction cache filled."""
    root = tmp_path_factory.mktemp("steps")
    db = root / "nenpo.duckdb"
    summary = ingest([SAMPLE_EDITIONS], db, cache_dir=root / "cache", reuse_extractions=True)
    assert summary.ok and summary.extracted == 3
    return root, db


def with_trailing_comment(source, target) -> None:
    """The same report with other bytes: a PDF comment after %%EOF changes the sha256 only."""
    target.write_bytes(source.read_bytes() + b"\n% re-saved\n")


# --- the extraction cache --------------------------------------------------------------------


def test_cache_round_trip_and_keys(warehouse, tmp_path):
    root, _ = warehouse
    cache = ExtractionCache(root / "cache")
    hit = next(iter((root / "cache" / "extractions").rglob("*.json")))
    digest, verify = hit.name.split(".")[:2]
    extraction = cache.get(digest, verify, "/elsewhere/renamed.pdf")
    assert isinstance(extraction, ReportExtraction) and extraction.sha256 == digest
    assert extraction.source_path == "/elsewhere/renamed.pdf"
    assert cache.get(digest, "always") is None, "another verify mode is another extraction"
    assert ExtractionCache(root / "cache", version="9.9.9").get(digest, verify) is None
    # an extraction is kept under its own extractor's version (a profile family's differs
    # from the core's): a cache asked for another version does not see it
    other = ExtractionCache(tmp_path / "other", version="9.9.9")
    stored = other.put(extraction, verify)
    assert extraction.extractor_version in stored.parts and other.get(digest, verify) is None
    assert ExtractionCache(tmp_path / "other").get(digest, verify) is not None

    copy = ExtractionCache(tmp_path)
    entry = copy.put(extraction, verify)
    assert copy.get(digest, verify) == extraction
    entry.write_text("{ not json", encoding="utf-8")
    assert copy.get(digest, verify) is None, "a damaged entry is a miss, not an error"


def test_reingest_of_unchanged_editions_reads_the_cache_quickly(warehouse):
    root, db = warehouse
    summary = ingest([SAMPLE_EDITIONS], db, cache_dir=root / "cache", reuse_extractions=True)
    assert summary.extracted == 0 and len(summary.from_cache) == 3
    assert all(load.unchanged for _, load in summary.loaded)


def test_a_changed_file_is_extracted_again(warehouse, tmp_path):
    root, db = warehouse
    changed = tmp_path / "kawasaki-sme-fy2019.pdf"
    with_trailing_comment(FY2019, changed)
    target = tmp_path / "w.duckdb"
    shutil.copy(db, target)
    summary = ingest([changed, FY2020], target, cache_dir=root / "cache", reuse_extractions=True)
    assert summary.extracted == 1 and list(summary.from_cache) == [summary.loaded[1][0].sha256]
    [(x, load)] = [(x, load) for x, load in summary.loaded if x.report_fiscal_year == 2019]
    assert x.source_path == str(changed) and load.replaced_report_id and not load.unchanged


# --- validation against the catalogue --------------------------------------------------------


def test_an_edition_that_is_not_what_the_catalogue_says_fails_validation(tmp_path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "series:\n"
        "  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: 中小企業活性化施策\n    editions:\n"
        f"      - {{fiscal_year: 2019, path: {FY2019}}}\n"
        f"      - {{fiscal_year: 2022, path: {FY2021}}}\n",
        encoding="utf-8",
    )
    again = tmp_path / "again-2019.pdf"
    with_trailing_comment(FY2019, again)
    db = tmp_path / "w.duckdb"
    summary = ingest([again], db, catalogue=catalogue, cache_dir=tmp_path / "cache")
    assert [x.report_fiscal_year for x, _ in summary.loaded] == [2019]
    failures = {f.report: f for f in summary.failed}
    assert set(failures) == {str(FY2021), str(again)}
    assert failures[str(FY2021)].stage == "validate"
    assert "the catalogue lists it as FY2022, the PDF's title says FY2021" in failures[str(FY2021)].error
    assert failures[str(again)].stage == "validate"
    assert f"already in this run as {FY2019}" in failures[str(again)].error
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM ingest_errors WHERE stage = 'validate'").fetchone()[0] == 2
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 1


def test_a_catalogue_edition_that_is_missing_fails_at_fetch(tmp_path):
    catalogue = tmp_path / "catalogue.yaml"
    catalogue.write_text(
        "series:\n  - id: kawasaki-sme\n    publisher: p\n    title: t\n    title_pattern: t\n    editions:\n"
        "      - {fiscal_year: 2030, path: not-here.pdf}\n",
        encoding="utf-8",
    )
    summary = ingest([], tmp_path / "w.duckdb", catalogue=catalogue, cache_dir=tmp_path / "cache")
    [failure] = summary.failed
    assert (failure.report, failure.stage) == (str(tmp_path / "not-here.pdf"), "fetch")
    assert "no such file" in failure.error


# --- one writer at a time --------------------------------------------------------------------

_HOLD = (
    "import sys, time, duckdb; "
    "con = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(float(sys.argv[2])); con.close()"
)


def hold_warehouse(db, seconds: float) -> subprocess.Popen:
    """Another process that opens the warehouse for writing and keeps it for `seconds`."""
    proc = subprocess.Popen([sys.executable, "-c", _HOLD, str(db), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_connect_waits_for_the_lock_then_gives_up_clearly(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = hold_warehouse(db, 30)
    try:
        started = time.monotonic()
        with pytest.raises(WarehouseLockedError) as info:
            connect(db, wait_seconds=0.5)
        assert 0.3 <= time.monotonic() - started < 3
        assert info.value.pid == holder.pid and "still locked after waiting" in str(info.value)
    finally:
        holder.kill()
        holder.wait()

    holder = hold_warehouse(db, 1.0)
    try:
        started = time.monotonic()
        connect(db, wait_seconds=30).close()
        assert time.monotonic() - started >= 0.5, "it waited for the other writer"
    finally:
        holder.wait(timeout=30)


# --- export and publish ----------------------------------------------------------------------


def _rows(con, sql):
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_export_writes_every_table_and_view(warehouse, tmp_path):
    _, db = warehouse
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["export", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 0, result.output
    names = {name for name, _ in exported_relations()}
    assert names == {t.name for t in TABLES} | {v.name for v in VIEWS}
    with connect(db, read_only=True) as con:
        for name, partitioned in exported_relations():
            if partitioned:
                source = f"read_parquet('{out / name}/**/*.parquet')"
            else:
                source = f"read_parquet('{out / name}.parquet')"
            columns = ", ".join(f'"{c}"' for c in con.execute(f'SELECT * FROM "{name}" LIMIT 0').fetchdf().columns)
            assert _rows(con, f"SELECT {columns} FROM {source}") == _rows(con, f'SELECT {columns} FROM "{name}"'), name
        years = sorted(p.name for p in (out / "kpi_values").iterdir())
        assert years == ["report_fiscal_year=2019", "report_fiscal_year=2020", "report_fiscal_year=2021"]
        one = out / "kpi_values" / "report_fiscal_year=2020"
        assert con.execute(f"SELECT DISTINCT report_fiscal_year FROM read_parquet('{one}/*.parquet')").fetchall() == [
            (2020,)
        ]
    assert set(EDITION_TABLES) == {name for name, partitioned in exported_relations() if partitioned}


def test_export_of_an_empty_table_still_has_a_schema(tmp_path):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    with connect(db, read_only=True) as con:
        from nenpo.warehouse.export import export_parquet

        export_parquet(con, tmp_path / "out")
        assert con.execute(
            f"SELECT count(*) FROM read_parquet('{tmp_path}/out/kpi_values/**/*.parquet')"
        ).fetchone() == (0,)


def test_publish_swaps_in_a_snapshot_analysts_can_read_while_the_warehouse_is_locked(warehouse, tmp_path):
    _, source_db = warehouse
    db = tmp_path / "w.duckdb"
    shutil.copy(source_db, db)
    out = tmp_path / "published"
    first = publish(db, out)
    assert first.snapshot == out / "w.duckdb" and first.parquet.is_symlink()
    reader = duckdb.connect(str(first.snapshot), read_only=True)  # an analyst with the old snapshot open
    before = reader.execute("SELECT count(*) FROM kpi_values").fetchone()[0]

    with connect(db) as con:
        con.execute("DELETE FROM kpi_values WHERE report_fiscal_year = 2021")
    exports = [publish(db, out) for _ in range(3)]
    assert len([p for p in out.glob(".parquet-*")]) == 2, "the current export and the previous one are kept"
    assert os.readlink(out / "parquet") == exports[-1].parquet.resolve().name
    assert reader.execute("SELECT count(*) FROM kpi_values").fetchone()[0] == before, "the old snapshot is undisturbed"
    reader.close()

    holder = hold_warehouse(db, 30)
    try:
        with pytest.raises(WarehouseLockedError):
            connect(db, read_only=True)
        with connect(out / "w.duckdb", read_only=True) as con:
            assert con.execute("SELECT count(*) FROM kpi_values").fetchone()[0] == before - 78
        with duckdb.connect() as mem:
            parquet = mem.execute(
                f"SELECT count(*) FROM read_parquet('{out}/parquet/kpi_values/**/*.parquet')"
            ).fetchone()[0]
        assert parquet == before - 78
        refused = CliRunner().invoke(app, ["export", "--out", str(tmp_path / "x"), "--db", str(db)])
        assert refused.exit_code == 2 and "is locked by another process" in " ".join(refused.output.split())
        from_snapshot = CliRunner().invoke(app, ["export", "--out", str(tmp_path / "x"), "--db", str(out / "w.duckdb")])
        assert from_snapshot.exit_code == 0, from_snapshot.output
    finally:
        holder.kill()
        holder.wait()
    assert not list(out.glob(".*.tmp")), "no temporary snapshot left behind"


def test_an_extraction_travels_between_processes_as_json_and_comes_back_equal():
    from nenpo.extractors.families.kawasaki_sme.report import extract_report
    from nenpo.pipeline.ingest import extract_for_transfer

    path = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
    sent = extract_for_transfer(path)
    assert isinstance(sent, str)
    direct = extract_report(path)
    back = ReportExtraction.from_json(sent)  # as the family that wrote it: KawasakiExtraction
    assert type(back) is type(direct)
    assert back.model_dump(exclude={"extracted_at", "seconds"}) == direct.model_dump(
        exclude={"extracted_at", "seconds"}
    )
    failed = extract_for_transfer(path.with_name("no-such-file.pdf"))
    assert not isinstance(failed, str) and failed.stage == "extract"


def test_a_workers_json_is_validated_and_cached_as_it_came(tmp_path):
    from nenpo.pipeline.ingest import extract_for_transfer, fetch_source, finish_extraction, plan_sources
    from nenpo.sources.store import FileStore

    path = SAMPLE_EDITIONS / "kawasaki-sme-fy2021.pdf"
    [source] = plan_sources([path])
    report = fetch_source(source, FileStore(tmp_path / "store"))
    sent = extract_for_transfer(path)
    cache = ExtractionCache(tmp_path / "cache")
    done = finish_extraction(report, sent, cache, "auto")
    assert isinstance(done, ReportExtraction) and done.report_fiscal_year == 2021
    header, _, body = cache.entry(done.sha256, "auto").read_text(encoding="utf-8").partition("\n")
    assert header.startswith(f"nenpo-extraction sha256={done.sha256} ") and body == sent  # not serialised again
    assert cache.get(done.sha256, "auto") == done
