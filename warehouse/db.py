"""Opening the warehouse: path handling, schema on first use, clear errors.

    from nenpo.warehouse.db import connect
    with connect("demo/nenpo.duckdb") as con:
        con.sql("SELECT * FROM kpi_timeseries").df()

A DuckDB file can be open read-write by one process at a time; a second process gets
`WarehouseLockedError` naming the file (and the process holding it, when DuckDB says).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

from nenpo.warehouse.schema import SchemaVersionError, apply_schema, check_schema

__all__ = ["MEMORY", "SchemaVersionError", "WarehouseError", "WarehouseLockedError", "connect"]

MEMORY = ":memory:"


class WarehouseError(RuntimeError):
    """Base class of the warehouse's own errors."""


class WarehouseLockedError(WarehouseError):
    """Another process holds the lock on the warehouse file."""

    def __init__(self, path: Path, pid: int | None = None, holder: str | None = None, detail: str = ""):
        self.path = path
        self.pid = pid
        self.holder = holder
        who = f" (PID {pid}{', ' + holder if holder else ''})" if pid is not None else ""
        super().__init__(
            f"warehouse {path} is locked by another process{who}; close that process or wait for it "
            f"to finish, then retry. DuckDB said: {detail}"
        )


_LOCK_MESSAGE = "Could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.*?) \(PID (?P<pid>\d+)\)")


def _locked_error(path: Path, exc: duckdb.Error) -> WarehouseLockedError:
    detail = str(exc)
    m = _HOLDER.search(detail)
    if m:
        return WarehouseLockedError(path, int(m["pid"]), m["holder"], detail)
    return WarehouseLockedError(path, detail=detail)


def connect(path: str | os.PathLike[str], read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse at `path` and make sure its schema is current.

    Read-write: creates missing parent directories, creates or migrates the schema and
    (re)creates the views. Read-only: the file must exist and be at this nenpo's schema
    version; nothing is written. `":memory:"` gives a throw-away warehouse.

    Raises WarehouseLockedError when another process holds the file, FileNotFoundError for
    a missing file opened read-only, SchemaVersionError for an incompatible file.
    """
    if str(path) == MEMORY:
        if read_only:
            raise ValueError("an in-memory warehouse cannot be opened read-only")
        con = duckdb.connect(MEMORY)
        apply_schema(con, MEMORY)
        return con

    file = Path(path).expanduser().absolute()
    if read_only:
        if not file.is_file():
            raise FileNotFoundError(f"warehouse {file} does not exist")
    else:
        file.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(file), read_only=read_only)
    except duckdb.IOException as exc:
        if _LOCK_MESSAGE in str(exc):
            raise _locked_error(file, exc) from exc
        raise
    try:
        if read_only:
            check_schema(con, str(file))
        else:
            apply_schema(con, str(file))
    except BaseException:
        con.close()
        raise
    return con
