"""Export and publish replace only what nenpo wrote: a user's folder is refused, never emptied."""

from __future__ import annotations

import os
import shutil

import pytest
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.warehouse.db import connect
from nenpo.warehouse.export import export_parquet
from nenpo.warehouse.folders import MARK, FolderNotOursError, replace_folder
from nenpo.warehouse.publish import publish


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "w.duckdb"
    connect(path).close()
    return path


def _user_folder(path):
    (path / "reports").mkdir(parents=True)
    (path / "reports" / "mine.xlsx").write_text("an analyst's own file")
    return path


def test_export_refuses_a_folder_it_did_not_write_and_leaves_it_alone(db, tmp_path):
    out = _user_folder(tmp_path / "out")
    result = CliRunner().invoke(app, ["export", "--out", str(out), "--db", str(db)])
    assert result.exit_code == 2
    assert "is not empty and was not written by nenpo" in " ".join(result.output.split())
    assert (out / "reports" / "mine.xlsx").read_text() == "an analyst's own file"
    assert sorted(p.name for p in out.iterdir()) == ["reports"]
    assert not list(tmp_path.glob(".out.*")), "no half-built folder left beside it"


def test_export_into_a_new_or_empty_folder_marks_it_and_replaces_it_whole_next_time(db, tmp_path):
    out = tmp_path / "empty"
    out.mkdir()
    with connect(db, read_only=True) as con:
        first = export_parquet(con, out)
        assert (out / MARK).is_file() and all(t.path.exists() and t.path.parent == out for t in first)
        (out / "stale.parquet").write_text("left by an earlier export")
        export_parquet(con, out)
    assert not (out / "stale.parquet").exists(), "an earlier export is replaced whole"
    assert {p.name for p in out.iterdir()} == {MARK} | {t.path.name for t in first}


def test_a_failed_export_leaves_the_previous_one(tmp_path):
    out = tmp_path / "out"
    replace_folder(out, lambda fresh: (fresh / "a.parquet").write_text("first"))

    def broken(fresh):
        (fresh / "a.parquet").write_text("half")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        replace_folder(out, broken)
    assert (out / "a.parquet").read_text() == "first"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_a_file_or_symlink_in_place_of_the_folder_is_refused(tmp_path):
    target = tmp_path / "file"
    target.write_text("x")
    with pytest.raises(FolderNotOursError, match="is not a folder"):
        replace_folder(target, lambda fresh: None)
    link = tmp_path / "link"
    link.symlink_to(_user_folder(tmp_path / "real"))
    with pytest.raises(FolderNotOursError):
        replace_folder(link, lambda fresh: None)
    assert (tmp_path / "real" / "reports" / "mine.xlsx").exists()


def test_publish_refuses_a_users_folder_that_holds_a_parquet_folder(db, tmp_path):
    out = tmp_path / "shared-with-team"
    (out / "parquet").mkdir(parents=True)
    (out / "parquet" / "mine.parquet").write_text("not nenpo's")
    with pytest.raises(FolderNotOursError):
        publish(db, out)
    assert (out / "parquet" / "mine.parquet").read_text() == "not nenpo's"
    assert sorted(p.name for p in out.iterdir()) == ["parquet"]


def test_publish_takes_over_a_folder_an_earlier_nenpo_published(db, tmp_path):
    out = tmp_path / "w.published"
    publish(db, out)
    os.remove(out / MARK)  # as an earlier nenpo left it: snapshot, parquet symlink, export folders
    published = publish(db, out)
    assert (out / MARK).is_file() and published.parquet.is_symlink()
    shutil.rmtree(out)


def _dead_pid() -> int:
    import subprocess
    import sys

    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_publish_removes_the_temporary_snapshot_a_killed_publish_left(db, tmp_path):
    out = tmp_path / "w.published"
    publish(db, out)
    dead, alive = _dead_pid(), os.getppid()
    left = out / f".w.duckdb.{dead}.tmp"
    left.write_bytes(b"18 MB of a half-copied snapshot")
    in_use = out / f".w.duckdb.{alive}.tmp"
    in_use.write_bytes(b"another publish, still running")
    publish(db, out)
    assert not left.exists() and in_use.exists()


def test_what_this_process_is_writing_is_never_stale(tmp_path):
    import re

    from nenpo.warehouse.folders import remove_stale

    mine = tmp_path / f"{os.getpid()}-abc.part"  # another thread's download in progress
    mine.write_bytes(b"%PDF-")
    gone = tmp_path / f"{_dead_pid()}-def.part"
    gone.write_bytes(b"%PDF-")
    assert remove_stale(tmp_path, re.compile(r"(?P<pid>\d+)-.+\.part")) == [gone]
    assert mine.exists()
