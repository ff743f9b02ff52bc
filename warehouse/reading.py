"""Reading the warehouse while a load holds it: the published snapshot stands in.

DuckDB lets no other process open a file that a writer holds, not even to read. The
commands that only read (`compare`, `show`, `audit --stored`, `sources list`) therefore
read the last published snapshot beside the warehouse meanwhile, and say so.
"""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from nenpo.warehouse.db import WarehouseLockedError, connect
from nenpo.warehouse.publish import default_publish_dir

__all__ = ["connect_for_reading"]


def connect_for_reading(db: str | os.PathLike[str]) -> tuple[duckdb.DuckDBPyConnection, str | None]:
    """A read-only connection to the warehouse, or to its published snapshot while another
    process holds the warehouse; with a note naming the snapshot in the second case.

    Raises WarehouseLockedError when the warehouse is held and has no snapshot.
    """
    try:
        return connect(db, read_only=True), None
    except WarehouseLockedError as exc:
        file = Path(db).expanduser().absolute()
        snapshot = default_publish_dir(file) / f"{file.stem}.duckdb"
        if not snapshot.is_file():
            raise
        holder = f" (PID {exc.pid})" if exc.pid is not None else ""
        return connect(snapshot, read_only=True), (
            f"{file} is held by a load{holder}: reading its last published snapshot, {snapshot}"
        )
