"""Publishing a read-only copy of the warehouse for analysts.

While a load holds the warehouse, DuckDB lets no other process open it, not even to
read. After each successful ingest nenpo therefore publishes, beside the warehouse
(``<db folder>/<db name>.published/`` unless told otherwise)::

    nenpo.duckdb      a copy of the warehouse file, swapped in atomically (os.replace)
    parquet/          the Parquet export (nenpo.warehouse.export), a symlink swapped
                      atomically to the newest export folder
    .parquet-<time>/  the export folders; the current and the previous one are kept

Readers never see a half-written snapshot: the copy is made under the writer lock after a
CHECKPOINT (so the file holds everything and nobody changes it meanwhile), opened once
to check it, and only then renamed over the previous snapshot. A reader that still has
the previous snapshot open keeps reading it undisturbed.

The folder is nenpo's (`warehouse.folders`): a new or empty folder is marked as such, one
published by an earlier nenpo is recognised by its layout, and any other non-empty folder
is refused (FolderNotOursError) before anything in it is touched.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from nenpo.warehouse.db import connect
from nenpo.warehouse.export import ExportedTable, export_parquet
from nenpo.warehouse.folders import claim, remove_stale
from nenpo.warehouse.schema import check_schema

__all__ = ["Published", "default_publish_dir", "publish"]

KEEP_EXPORTS = 2
STALE = re.compile(r"\.(?:.+\.duckdb|parquet)\.(?P<pid>\d+)\.tmp")
"""Temporary names of a publish (the snapshot's copy, the symlink's), e.g. ``.nenpo.duckdb.4711.tmp``:
one whose process is gone was left by a publish that was killed, and is removed."""


@dataclass(frozen=True)
class Published:
    snapshot: Path
    parquet: Path
    tables: tuple[ExportedTable, ...]
    seconds: float


def default_publish_dir(db: str | os.PathLike[str]) -> Path:
    file = Path(db).expanduser().absolute()
    return file.parent / f"{file.stem}.published"


def publish(
    db: str | os.PathLike[str], publish_dir: str | os.PathLike[str] | None = None, wait_seconds: float = 0.0
) -> Published:
    """Write the snapshot and the Parquet export of the warehouse at `db` into `publish_dir`."""
    started = time.perf_counter()
    file = Path(db).expanduser().absolute()
    out = Path(publish_dir).expanduser().absolute() if publish_dir else default_publish_dir(file)
    claim(out, lambda folder: _published_before(folder, file.stem))
    remove_stale(out, STALE)
    snapshot = out / f"{file.stem}.duckdb"
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    export_dir = out / f".parquet-{stamp}-{os.getpid()}"
    con = connect(file, wait_seconds=wait_seconds)  # the writer lock: nobody changes the file meanwhile
    try:
        con.execute("CHECKPOINT")
        _copy_checked(file, snapshot)
        tables = export_parquet(con, export_dir)
    finally:
        con.close()
    parquet = out / "parquet"
    _swap_symlink(parquet, export_dir.name)
    _prune_exports(out, keep=export_dir.name)
    return Published(snapshot, parquet, tuple(tables), time.perf_counter() - started)


def _published_before(folder: Path, stem: str) -> bool:
    """An unmarked folder that holds this warehouse's snapshot and nothing but what publish writes."""
    names = {p.name for p in folder.iterdir()}
    ours = {f"{stem}.duckdb", "parquet"}
    return f"{stem}.duckdb" in names and all(
        n in ours or n.startswith((".parquet-", f".{stem}.duckdb.", ".parquet.")) for n in names
    )


def _copy_checked(source: Path, target: Path) -> None:
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        shutil.copyfile(source, tmp)
        check = duckdb.connect(str(tmp), read_only=True)
        try:
            check_schema(check, str(tmp))
        finally:
            check.close()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _swap_symlink(link: Path, target_name: str) -> None:
    if link.is_dir() and not link.is_symlink():
        shutil.rmtree(link)  # a plain folder left by an older layout
    tmp = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    tmp.symlink_to(target_name, target_is_directory=True)
    os.replace(tmp, link)


def _prune_exports(out: Path, keep: str) -> None:
    exports = sorted(p for p in out.glob(".parquet-*") if p.is_dir())
    current = out / keep
    for old in [p for p in exports if p != current][: -(KEEP_EXPORTS - 1) or None]:
        shutil.rmtree(old, ignore_errors=True)
