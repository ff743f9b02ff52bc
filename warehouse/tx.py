"""Every write to the warehouse runs in one transaction, through `transaction`."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import duckdb

__all__ = ["rollback_quietly", "transaction"]


@contextmanager
def transaction(con: duckdb.DuckDBPyConnection) -> Iterator[duckdb.DuckDBPyConnection]:
    """BEGIN … COMMIT around the block; on any error (or interrupt) ROLLBACK and re-raise, so
    the warehouse is as it was. Must not be entered inside an open transaction."""
    con.execute("BEGIN TRANSACTION")
    try:
        yield con
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """ROLLBACK after an error, whatever state the error left the connection in.

    When the failure was the disk (full, read-only, gone) DuckDB has often ended the
    transaction or invalidated the connection already, and the ROLLBACK itself raises
    ("cannot rollback - no transaction is active"). Raised from an `except` block, that
    second error would be the one reported; swallowing it keeps the real cause in view.
    """
    import duckdb

    with suppress(duckdb.Error):
        con.execute("ROLLBACK")
