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
import time
from pathlib import Path

import duckdb

from nenpo.core.errors import WarehouseError
from nenpo.warehouse.schema import SchemaVersionError, apply_schema, check_schema

__all__ = ["MEMORY", "SchemaVersionError", "WarehouseError", "WarehouseLockedError", "connect"]

MEMORY = ":memory:"


class WarehouseLockedError(WarehouseError):
    """Another process holds the lock on the warehouse file."""

    def __init__(
        self, path: Path, pid: int | None = None, holder: str | None = None, detail: str = "", waited: float = 0.0
    ):
        self.path = path
        self.pid = pid
        self.holder = holder
        self.waited = waited
        who = f" (PID {pid}{', ' + holder if holder else ''})" if pid is not None else ""
        after = f" (still locked after waiting {waited:.1f} s)" if waited else ""
        super().__init__(
            f"warehouse {path} is locked by another process{who}{after}; close that process or wait for it "
            f"to finish, then retry. DuckDB said: {detail}"
        )


_LOCK_MESSAGE = "Could not set lock on file"
_HOLDER = re.compile(r"Conflicting lock is held in (?P<holder>.*?) \(PID (?P<pid>\d+)\)")


def _locked_error(path: Path, exc: duckdb.Error, waited: float = 0.0) -> WarehouseLockedError:
    detail = str(exc)
    m = _HOLDER.search(detail)
    if m:
        return WarehouseLockedError(path, int(m["pid"]), m["holder"], detail, waited)
    return WarehouseLockedError(path, detail=detail, waited=waited)


def _open(file: Path, read_only: bool, wait_seconds: float) -> duckdb.DuckDBPyConnection:
    """duckdb.connect, polling while another process holds the lock, up to `wait_seconds`."""
    started = time.monotonic()
    pause = 0.05
    while True:
        try:
            return duckdb.connect(str(file), read_only=read_only)
        except duckdb.IOException as exc:
            if _LOCK_MESSAGE not in str(exc):
                raise
            waited = time.monotonic() - started
            if waited + pause > wait_seconds:
                raise _locked_error(file, exc, waited) from exc
        time.sleep(pause)
        pause = min(pause * 2, 1.0)


def connect(
    path: str | os.PathLike[str], read_only: bool = False, wait_seconds: float = 0.0
) -> duckdb.DuckDBPyConnection:
    """Open (creating if needed) the warehouse at `path` and make sure its schema is current.

    Read-write: creates missing parent directories, creates or migrates the schema and
    (re)creates the views. Read-only: the file must exist and be at this nenpo's schema
    version; nothing is written. `":memory:"` gives a throw-away warehouse.

    DuckDB lets one process at a time open a file read-write (and none read it meanwhile):
    while another process holds it, `connect` retries for up to `wait_seconds`, then raises
    WarehouseLockedError. Also raises FileNotFoundError for a missing file opened
    read-only, SchemaVersionError for an incompatible file.
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
    con = _open(file, read_only, wait_seconds)
    try:
        if read_only:
            check_schema(con, str(file))
        else:
            apply_schema(con, str(file))
    except BaseException:
        con.close()
        raise
    return con
