"""One clear line, and a documented exit code, for what stops a command.

Every `nenpo` command runs inside `clear_errors`: an error that the user can act on — any
`nenpo.core.errors.NenpoError` (the warehouse is locked, another application's, of another
schema version; the catalogue or a profile is invalid; a PDF cannot be read; a folder is not
nenpo's) and what DuckDB or the OS say about a damaged or unwritable file — is printed as one
line naming the file, what is wrong and what to do, and the command exits with code 2. Any
other error prints one line too, with its type. `-v` (where a command has it) or
`NENPO_DEBUG=1` shows the traceback instead.

Exit codes: 0 done; 1 done, but something is reported as failed (a report not loaded, a
finding at `--fail-on`, nothing matched, a download failed); 2 the command could not run.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from pathlib import Path

import typer

__all__ = ["COULD_NOT_RUN", "clear_errors", "explain", "wrap_commands"]

COULD_NOT_RUN = 2


DUCKDB_RULES: tuple[tuple[tuple[str, ...], Callable[[str], str]], ...] = (
    (
        ("not a valid DuckDB database file",),
        lambda text: (
            f"{_quoted_file(text)}is not a DuckDB database, or is damaged; restore it from a backup "
            f"or give --db another file"
        ),
    ),
    (
        ("Permission denied", "Read-only file system", "read-only"),
        lambda text: (
            f"cannot write the warehouse ({_one_line(text)}); check the folder's permissions, "
            f"or open it where it can be written"
        ),
    ),
    (
        ("No space left on device",),
        lambda text: f"the disk is full ({_one_line(text)}); free space and run again — nothing half-written was kept",
    ),
)
"""What DuckDB says (any of the markers) → the line to print; the first rule that matches wins."""


def _duckdb_io(exc: BaseException) -> str | None:
    text = str(exc)
    for markers, line in DUCKDB_RULES:
        if any(marker in text for marker in markers):
            return line(text)
    return None


def _quoted_file(text: str) -> str:
    start = text.find('"')
    end = text.find('"', start + 1)
    return f"{text[start + 1 : end]} " if 0 <= start < end else ""


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _os_error(exc: OSError) -> str | None:
    import errno

    what = {
        errno.ENOSPC: "the disk is full",
        errno.EROFS: "the file system is read-only",
        errno.EACCES: "permission denied",
        errno.EPERM: "permission denied",
    }.get(exc.errno or -1)
    if what is None:
        return None
    return f"{exc.filename or ''}: {what} ({exc.strerror}); nothing half-written was kept".lstrip(": ")


def explain(exc: BaseException) -> str | None:
    """The one line to print for an error the user can act on; None for anything else."""
    import duckdb

    from nenpo.core.errors import NenpoError

    if isinstance(exc, NenpoError):
        return _one_line(str(exc)) + _snapshot_hint(exc)
    if isinstance(exc, FileNotFoundError) and str(exc).startswith("warehouse "):
        return f"{exc}; ingest into it first (nenpo ingest … --db FILE)"
    if isinstance(exc, duckdb.Error):
        return _duckdb_io(exc)
    if isinstance(exc, OSError):
        return _os_error(exc)
    return None


def _snapshot_hint(exc: BaseException) -> str:
    from nenpo.warehouse.db import WarehouseLockedError
    from nenpo.warehouse.publish import default_publish_dir

    if not isinstance(exc, WarehouseLockedError):
        return ""
    snapshot = default_publish_dir(exc.path) / f"{Path(exc.path).stem}.duckdb"
    return f" Meanwhile the published snapshot can be read: --db {snapshot}" if snapshot.is_file() else ""


def _debugging(kwargs: dict) -> bool:
    return bool(kwargs.get("verbose")) or os.environ.get("NENPO_DEBUG", "") not in ("", "0")


def clear_errors(command: Callable) -> Callable:
    """Wrap a CLI command: errors become one line on stderr and exit code 2 (see module doc)."""

    @functools.wraps(command)
    def run(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit, KeyboardInterrupt):
            raise
        except Exception as exc:
            import click

            if isinstance(exc, click.ClickException) or _debugging(kwargs):
                raise
            line = explain(exc) or f"{type(exc).__name__}: {_one_line(str(exc))} (run with NENPO_DEBUG=1 for details)"
            print(f"nenpo {command.__name__.replace('_', ' ')}: {line}", file=sys.stderr)
            raise typer.Exit(COULD_NOT_RUN) from None

    return run


def wrap_commands(*apps: typer.Typer) -> None:
    """Put every command of these Typer apps inside `clear_errors`."""
    for app in apps:
        for info in app.registered_commands:
            if info.callback is not None and not getattr(info.callback, "__wrapped__", None):
                info.callback = clear_errors(info.callback)


class _ExpectedFailure:
    """A logging filter dropping Prefect's traceback of an exception the CLI reports itself."""

    def __init__(self, kinds: tuple[type[BaseException], ...]):
        self.kinds = kinds

    def filter(self, record) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], self.kinds))


def quiet_expected_failures(*kinds: type[BaseException]) -> None:
    """Prefect logs a flow's exception with its traceback; for `kinds` (a run whose reports
    failed, which the CLI summarises in full) that traceback says nothing more."""
    import logging

    logging.getLogger("prefect.flow_runs").addFilter(_ExpectedFailure(kinds))
