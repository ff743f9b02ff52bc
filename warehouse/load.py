"""Loading extracted editions into the warehouse.

An edition is identified by (series, report_fiscal_year); an edition that arrives in
several files (a budget book, one file per 款) is loaded part by part, each file naming its
`part`. `load_extraction` replaces all rows of the edition (of the part) — in every table,
the families' too, including rows of a previous file for it — in ONE transaction: on any
error it rolls back and the edition is unchanged. Loading the same file again with the
same extractor version writes nothing.

Every edition table is filled the same way (`table_rows`), from its declaration in the
schema (`schema.Table`: the extraction field it loads, its id column, the few derived
columns), and inserted in bulk with `INSERT INTO … BY NAME SELECT * FROM <arrow table>`.
"""

from __future__ import annotations

import os
import traceback as tb
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pyarrow as pa

from nenpo.core.errors import WarehouseError
from nenpo.extractors.models import ReportExtraction
from nenpo.warehouse.columns import Cells, Rows, element_id, utc
from nenpo.warehouse.schema import Table, arrow_schema, edition_tables, tables_by_name
from nenpo.warehouse.tx import transaction

__all__ = [
    "EditionConflictError",
    "LoadResult",
    "delete_edition",
    "edition_rows",
    "load_extraction",
    "record_error",
]


@dataclass(frozen=True)
class LoadResult:
    report_id: str
    replaced_report_id: str | None
    """report_id of the edition's previous load (equal to report_id when the same file was
    re-extracted by another extractor version); None when the edition was new."""
    unchanged: bool
    """True when the edition already held this file from this extractor version: nothing written."""
    rows: dict[str, int] = field(default_factory=dict)
    """Rows of the edition per table, after the load."""


class EditionConflictError(WarehouseError, ValueError):
    """The file is already loaded as another edition (series, report_fiscal_year) or part of one."""


# --- rows: one builder for every table, driven by its declaration ------------------------------

_BBOX_COLUMNS = ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")


def _sources(table: Table, x: ReportExtraction) -> Sequence[Any]:
    """The objects a table's rows are built from: the records of its field, or `Table.rows`."""
    if table.rows is not None:
        return table.rows(x)
    return getattr(x, table.records, ()) if table.records is not None else ()


def _cell(value: object) -> object:
    """A record attribute as DuckDB takes it: tuples as lists, a dict as a map, times in UTC."""
    if isinstance(value, tuple):
        return list(value)
    if isinstance(value, dict):
        return list(value.items())
    if isinstance(value, datetime):
        return utc(value)
    return value


def _row_values(table: Table, x: ReportExtraction, ingested_at: datetime) -> dict[str, Cells]:
    """Column → values of one edition's rows for `table` (`schema.Table` says how each is filled)."""
    records = _sources(table, x)
    n = len(records)
    context = Rows(x, records, ingested_at)
    derived = dict(table.derived)
    edition = {
        "report_id": x.report_id,
        "series": x.series,
        "report_fiscal_year": x.report_fiscal_year,
        "sha256": x.sha256,
        "extractor_version": x.extractor_version,
    }
    values: dict[str, Cells] = {}
    for column in table.column_names:
        if column in edition:
            values[column] = [edition[column]] * n
        elif column == table.id_column:
            values[column] = [element_id(x.report_id, table.id_prefix, i) for i in range(1, n + 1)]
        elif column == "ordinal":
            values[column] = list(range(1, n + 1))
        elif column in derived:
            values[column] = derived[column](context)
        elif column in _BBOX_COLUMNS:
            corner = _BBOX_COLUMNS.index(column)
            values[column] = [b[corner] if (b := getattr(r, "bbox", None)) is not None else None for r in records]
        elif n == 0 or hasattr(records[0], column):
            values[column] = [_cell(getattr(r, column, None)) for r in records]
        else:  # a misspelt column must not load as NULLs
            raise TypeError(
                f"warehouse table {table.name!r}: column {column!r} is no attribute of {type(records[0]).__name__} "
                "and no edition column, id, ordinal or derived column of the table's declaration"
            )
    return values


def table_rows(table: Table, x: ReportExtraction, ingested_at: datetime) -> pa.Table:
    """The rows of one edition for `table`, typed from its columns."""
    values = _row_values(table, x, ingested_at)
    schema = arrow_schema(table.name)
    return pa.Table.from_arrays([pa.array(values[f.name], type=f.type) for f in schema], schema=schema)


def edition_rows(x: ReportExtraction, ingested_at: datetime | None = None) -> dict[str, pa.Table]:
    """The rows of one edition for every edition table (table name → rows), as
    `load_extraction` inserts them: built where the edition was extracted (a worker
    process), so that the process holding the warehouse only inserts. The load stamps the
    `ingested_at` columns again with its own time."""
    at = ingested_at or datetime.now(UTC)
    tables = tables_by_name()
    return {name: table_rows(tables[name], x, at) for name in edition_tables()}


def _restamped(data: pa.Table, ingested_at: datetime) -> pa.Table:
    """`data` with its `ingested_at` column (if it has one) set to `ingested_at`."""
    i = data.schema.get_field_index("ingested_at")
    if i < 0:
        return data
    field = data.schema.field(i)
    return data.set_column(i, field, pa.array([utc(ingested_at)] * data.num_rows, type=field.type))


def _rows_for(table: Table, x: ReportExtraction, at: datetime, built: dict[str, pa.Table] | None) -> pa.Table:
    """The edition's rows for `table`: those built beforehand when they have the table's
    current schema, else built now."""
    data = (built or {}).get(table.name)
    if data is None or not data.schema.equals(arrow_schema(table.name)):
        return table_rows(table, x, at)
    return _restamped(data, at)


# --- writing ---------------------------------------------------------------------------------


def _insert(con: duckdb.DuckDBPyConnection, table: str, data: pa.Table) -> int:
    if data.num_rows == 0:
        return 0
    name = f"_nenpo_load_{table}"
    con.register(name, data)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {name}")
    # Not in a `finally`: after a failed statement the transaction is aborted and unregister()
    # would raise, hiding the real error; the registration is undone by the ROLLBACK anyway.
    con.unregister(name)
    inserted: int = data.num_rows  # pyarrow has no annotations
    return inserted


def _where(report_ids: Iterable[str], edition: tuple[str, int] | None) -> tuple[str, list[object]]:
    """Rows of the given files, and with `edition` (series, fiscal year) every row of that edition."""
    ids = sorted(set(report_ids))
    if edition is None:
        return "report_id IN (SELECT unnest(?::VARCHAR[]))", [ids]
    return "(series = ? AND report_fiscal_year = ?) OR report_id IN (SELECT unnest(?::VARCHAR[]))", [*edition, ids]


def _delete(con: duckdb.DuckDBPyConnection, report_ids: Iterable[str], edition: tuple[str, int] | None) -> None:
    where, params = _where(report_ids, edition)
    tables = edition_tables()
    # one query finds the tables holding such rows (none, for a new edition), so a new
    # edition costs one statement instead of one DELETE per table
    held = con.execute(
        " UNION ALL ".join(
            f"SELECT {i} FROM (SELECT 1 FROM {table} WHERE {where} LIMIT 1)" for i, table in enumerate(tables)
        ),
        params * len(tables),
    ).fetchall()
    holding = {i for (i,) in held}
    for i, table in enumerate(tables):  # children first
        if i in holding:
            con.execute(f"DELETE FROM {table} WHERE {where}", params)


def _counts(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, int]:
    """Rows of the file in every edition table, in one query."""
    tables = list(reversed(edition_tables()))
    sql = " UNION ALL ".join(
        f"SELECT {i} AS t, count(*) AS n FROM {table} WHERE report_id = $report_id" for i, table in enumerate(tables)
    )
    counts = dict(con.execute(sql, {"report_id": report_id}).fetchall())
    return {table: counts[i] for i, table in enumerate(tables)}


def _named(series: str, fiscal_year: int, part: str | None) -> str:
    return f"{series!r} FY{fiscal_year}" + (f" part {part!r}" if part is not None else "")


def load_extraction(
    con: duckdb.DuckDBPyConnection,
    extraction: ReportExtraction,
    *,
    ingested_at: datetime | None = None,
    rows: dict[str, pa.Table] | None = None,
) -> LoadResult:
    """Load one edition (or one part of it) in one transaction, replacing what the warehouse
    held for it.

    A whole edition (``part`` None) replaces every row of (series, report_fiscal_year), its
    parts' too; a part replaces only the rows of the same part of the edition. Returns
    unchanged=True without writing when the warehouse already holds the same file (sha256)
    extracted by the same extractor version for it. Raises EditionConflictError when the
    same file is loaded as another edition or part (delete that one first), and when a part
    is loaded while the edition is held as one whole file (naming both files: the part
    beside the whole would count its records twice; delete the whole edition first). On any error the
    transaction is rolled back and the warehouse is as it was. Must not be called inside an
    open transaction. `rows` are the edition's rows built beforehand (`edition_rows` of
    this extraction); a table they lack, or hold in another shape, is built here.
    """
    x = extraction
    report_id = x.report_id
    tables = tables_by_name()
    with transaction(con):
        held = con.execute(
            "SELECT report_id, sha256, extractor_version, part, source_path FROM reports "
            "WHERE series = ? AND report_fiscal_year = ?",
            [x.series, x.report_fiscal_year],
        ).fetchall()
        previous = [r for r in held if x.part is None or r[3] == x.part]
        if len(previous) == 1 and previous[0][1:4] == (x.sha256, x.extractor_version, x.part):
            return LoadResult(report_id, None, True, _counts(con, report_id))

        elsewhere = con.execute(
            "SELECT series, report_fiscal_year, part FROM reports WHERE report_id = ? "
            "AND NOT (series = ? AND report_fiscal_year = ? AND part IS NOT DISTINCT FROM ?)",
            [report_id, x.series, x.report_fiscal_year, x.part],
        ).fetchone()
        if elsewhere is not None:
            raise EditionConflictError(
                f"{x.source_path} (report_id {report_id}) is already loaded as edition {_named(*elsewhere)}, "
                f"not {_named(x.series, x.report_fiscal_year, x.part)}; delete that edition first"
            )

        whole = [r for r in held if r[3] is None]
        if x.part is not None and whole:
            # the part beside the whole file would count the edition's records twice
            raise EditionConflictError(
                f"{x.source_path} is part {x.part!r} of edition {_named(x.series, x.report_fiscal_year, None)}, "
                f"which the warehouse holds whole from {whole[0][4]} (report_id {whole[0][0]}); a part is not "
                f"loaded beside the whole edition: delete the whole edition first "
                f"(nenpo delete {x.series} {x.report_fiscal_year}), or load the whole file again"
            )

        replaced = previous[0][0] if previous else None
        edition = (x.series, x.report_fiscal_year) if x.part is None else None
        if held:
            # a new edition (no `reports` row for it, nor for the file: `elsewhere`) has no
            # rows to delete: every row of a file is written in the transaction that writes
            # its `reports` row
            _delete(con, [report_id, *(r[0] for r in previous)], edition)
        at = ingested_at or datetime.now(UTC)
        counts = {name: _insert(con, name, _rows_for(tables[name], x, at, rows)) for name in reversed(edition_tables())}
    return LoadResult(report_id, replaced, False, counts)


def delete_edition(
    con: duckdb.DuckDBPyConnection, series: str, report_fiscal_year: int, part: str | None = None
) -> str | None:
    """Delete every row of an edition (with `part`, of that part only) in one transaction;
    return the report_id of its (first) file, None when nothing was loaded for it."""
    with transaction(con):
        held = con.execute(
            "SELECT report_id FROM reports WHERE series = ? AND report_fiscal_year = ? "
            "AND (? IS NULL OR part = ?) ORDER BY part NULLS FIRST, report_id",
            [series, report_fiscal_year, part, part],
        ).fetchall()
        ids = [r[0] for r in held]
        _delete(con, ids, (series, report_fiscal_year) if part is None else None)
    return ids[0] if ids else None


def record_error(
    con: duckdb.DuckDBPyConnection,
    report: str | os.PathLike[str],
    stage: str,
    error: BaseException | str,
    page: int | None = None,
    sha256: str | None = None,
) -> None:
    """Append one row to ingest_errors for a report that failed at a pipeline stage."""
    if isinstance(error, BaseException):
        cls = type(error)
        error_type = cls.__qualname__ if cls.__module__ == "builtins" else f"{cls.__module__}.{cls.__qualname__}"
        text = f"{cls.__name__}: {error}" if str(error) else cls.__name__
        trace = "".join(tb.format_exception(error)) if error.__traceback__ is not None else None
    else:
        error_type, text, trace = None, str(error), None
    con.execute(
        'INSERT INTO ingest_errors (report, stage, error, "at", sha256, page, error_type, traceback) '
        "VALUES (?, ?, ?, current_timestamp, ?, ?, ?, ?)",
        [os.fspath(report), stage, text, sha256, page, error_type, trace],
    )
