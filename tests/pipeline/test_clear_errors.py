"""Every command on a locked, corrupt, foreign, missing, full or read-only warehouse: one
clear line naming the file, exit code 2, no traceback; the warehouse left as it was."""

from __future__ import annotations

import contextlib
import os
import subprocess
import uuid
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.pipeline.ingest import extract_one, load_batch
from nenpo.warehouse.db import connect
from nenpo.warehouse.publish import publish
from tests.conftest import SAMPLE_EDITIONS
from tests.pipeline.test_ingest_steps import hold_warehouse

runner = CliRunner()
READERS = (["compare"], ["audit"], ["audit", "--stored"], ["show", "商業"], ["sources", "list"])


def _invoke(args, db, tmp_path):
    extra = ["--out", str(tmp_path / f"out-{uuid.uuid4().hex[:6]}")] if args[0] == "export" else []
    return runner.invoke(app, [*args, *extra, "--db", str(db)])


def _one_clear_line(result, *words):
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and len(lines) == 1, result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("args", [*READERS, ["export"]], ids=" ".join)
def test_a_corrupt_warehouse(tmp_path, args):
    db = tmp_path / "w.duckdb"
    db.write_bytes(os.urandom(64 * 1024))
    before = db.read_bytes()
    _one_clear_line(_invoke(args, db, tmp_path), str(db), "is not a DuckDB database, or is damaged")
    assert db.read_bytes() == before


@pytest.mark.parametrize("args", [*READERS, ["export"]], ids=" ".join)
def test_a_foreign_duckdb_file_is_left_alone(tmp_path, args):
    db = tmp_path / "sales.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("CREATE TABLE sales (x INTEGER)")
    _one_clear_line(_invoke(args, db, tmp_path), str(db), "nenpo")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT table_name FROM duckdb_tables()").fetchall() == [("sales",)]


@pytest.mark.parametrize("args", [["compare"], ["audit"], ["show", "商業"], ["export"]], ids=" ".join)
def test_a_missing_warehouse_is_not_created(tmp_path, args):
    db = tmp_path / "none.duckdb"
    _one_clear_line(_invoke(args, db, tmp_path), str(db), "does not exist")
    assert not db.exists()


@pytest.mark.parametrize("args", [["audit"], ["export"]], ids=" ".join)
def test_a_locked_warehouse_says_who_holds_it_and_where_to_read_meanwhile(tmp_path, args):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    snapshot = publish(db, tmp_path / "w.published").snapshot
    holder = hold_warehouse(db, 30)
    try:
        line = _one_clear_line(
            _invoke(args, db, tmp_path), str(db), "is locked by another process", f"PID {holder.pid}"
        )
        assert f"--db {snapshot}" in line
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.parametrize("args", [["compare"], ["audit", "--stored"], ["show", "商業"]], ids=" ".join)
def test_reading_commands_read_the_snapshot_while_a_load_holds_the_warehouse(tmp_path, args):
    db = tmp_path / "w.duckdb"
    assert load_batch(db, [extract_one(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf")]).ok
    snapshot = publish(db, tmp_path / "w.published").snapshot
    holder = hold_warehouse(db, 30)
    try:
        result = _invoke(args, db, tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 0, result.output
    assert f"PID {holder.pid}): reading its last published snapshot, {snapshot}" in " ".join(result.output.split())


@pytest.mark.parametrize("args", [["compare"], ["show", "商業"]], ids=" ".join)
def test_a_locked_warehouse_without_a_snapshot_is_one_line(tmp_path, args):
    db = tmp_path / "w.duckdb"
    connect(db).close()
    holder = hold_warehouse(db, 30)
    try:
        _one_clear_line(_invoke(args, db, tmp_path), str(db), "is locked by another process", f"PID {holder.pid}")
    finally:
        holder.kill()
        holder.wait()


@contextlib.contextmanager
def small_disk(path: Path, size: str):
    """A tmpfs of `size` at `path`; skips where this machine does not allow mounting."""
    path.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield path
    finally:
        subprocess.run(["umount", "-l", str(path)], check=False)


@pytest.fixture(scope="module")
def extractions():
    return [extract_one(SAMPLE_EDITIONS / f"kawasaki-sme-fy{y}.pdf") for y in (2019, 2020)]


def test_a_full_disk_names_the_real_cause_and_keeps_what_was_loaded(tmp_path, extractions):
    fy2019, fy2020 = extractions
    with small_disk(tmp_path / "disk", "3m") as disk:
        db = disk / "w.duckdb"
        assert load_batch(db, [fy2019]).ok
        summary = load_batch(db, [fy2020])
        [failure] = summary.failed
        assert failure.stage == "load" and "No space left on device" in failure.error
        assert "cannot rollback" not in failure.error
        with duckdb.connect(str(db), read_only=True) as con:
            assert con.execute("SELECT report_fiscal_year FROM reports").fetchall() == [(2019,)]
            assert con.execute("SELECT count(*) FROM kpi_values").fetchone()[0] == len(fy2019.kpi_values)


def test_a_read_only_warehouse_is_one_clear_line(tmp_path, extractions):
    with small_disk(tmp_path / "disk", "8m") as disk:
        db = disk / "w.duckdb"
        assert load_batch(db, [extractions[0]]).ok
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        result = runner.invoke(app, ["audit", "--db", str(db)])
        _one_clear_line(result, "cannot write the warehouse", str(db), "Read-only file system")
        assert runner.invoke(app, ["compare", "--db", str(db)]).exit_code == 0, "reading still works"


def test_a_run_that_fails_on_a_locked_warehouse_says_what_it_did_before_the_error(tmp_path):
    """Exit code 2 (the warehouse stayed locked past --lock-timeout): the reports it read and
    that none was loaded, then the one-line error; the warehouse as it was."""
    db = tmp_path / "w.duckdb"
    assert load_batch(db, [extract_one(SAMPLE_EDITIONS / "kawasaki-sme-fy2019.pdf")]).ok
    folder = tmp_path / "in"
    folder.mkdir()
    for year in (2020, 2021):
        (folder / f"fy{year}.pdf").write_bytes((SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.pdf").read_bytes())
    holder = hold_warehouse(db, 60)
    try:
        result = runner.invoke(
            app,
            [
                "ingest",
                str(folder),
                "--no-prefect",
                "--db",
                str(db),
                "--lock-timeout",
                "0.5",
                "--cache-dir",
                str(tmp_path / "cache"),
                "--no-publish",
            ],
        )
    finally:
        holder.kill()
        holder.wait()
    assert result.exit_code == 2, result.output
    text = " ".join(result.output.split())
    assert "Traceback" not in text
    # the first edition is loaded as soon as it is read: the lock stopped the run there
    assert "1 extracted, 0 from the extraction cache; 2 report(s) in the run, none loaded" in text
    assert (
        f"not loaded by this run (the warehouse holds what it held before): {folder / 'fy2020.pdf'}, "
        f"{folder / 'fy2021.pdf'}" in text
    )
    summary_at, error_at = text.index("none loaded"), text.index("ingest failed:")
    assert summary_at < error_at and "is locked by another process" in text[error_at:]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT report_fiscal_year FROM reports").fetchall() == [(2019,)]
