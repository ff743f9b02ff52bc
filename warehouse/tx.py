"""Ending a failed transaction without hiding why it failed."""

from __future__ import annotations

import duckdb

__all__ = ["rollback_quietly"]


def rollback_quietly(con: duckdb.DuckDBPyConnection) -> None:
    """ROLLBACK after an error, whatever state the error left the connection in.

    When the failure was the disk (full, read-only, gone) DuckDB has often ended the
    transaction or invalidated the connection already, and the ROLLBACK itself raises
    ("cannot rollback - no transaction is active"). Raised from an `except` block, that
    second error would be the one reported; swallowing it keeps the real cause in view.
    """
    try:
        con.execute("ROLLBACK")
    except duckdb.Error:
        pass
