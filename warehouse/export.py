"""Parquet export of the warehouse: every table and view, for tools that do not speak DuckDB.

    out/
      reports/report_fiscal_year=2020/data_0.parquet    per-edition tables, one folder per edition year
      kpi_values/report_fiscal_year=2020/data_0.parquet
      …
      kpi_timeseries.parquet                            views and the other tables, one file each
      audit_findings.parquet
      ingest_errors.parquet

Partitioned tables keep `report_fiscal_year` inside the files as well, so a single file
read on its own still says which edition it holds. Read a table back with e.g.
``SELECT * FROM read_parquet('out/kpi_values/**/*.parquet')``. A per-edition table with
no rows is written as one empty file in its folder, so that glob still finds a schema.

The folder is nenpo's (`warehouse.folders`): an export goes to a new, empty or earlier
export folder only, and replaces its contents whole by an atomic swap, so a reader sees
the previous export or the new one, and files nenpo did not write are never deleted.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb

from nenpo.warehouse.folders import replace_folder
from nenpo.warehouse.schema import EDITION_TABLES, TABLES
from nenpo.warehouse.views import VIEWS

__all__ = ["ExportedTable", "PARTITION_COLUMN", "export_parquet", "exported_relations"]

PARTITION_COLUMN = "report_fiscal_year"


@dataclass(frozen=True)
class ExportedTable:
    name: str
    path: Path
    """A folder (partitioned table) or a .parquet file."""
    rows: int
    partitioned: bool


def exported_relations() -> list[tuple[str, bool]]:
    """(table or view, partitioned by report_fiscal_year) for everything the export writes."""
    return [(t.name, t.name in EDITION_TABLES) for t in TABLES] + [(v.name, False) for v in VIEWS]


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def export_parquet(con: duckdb.DuckDBPyConnection, out_dir: str | os.PathLike[str]) -> list[ExportedTable]:
    """Write every table and view of the warehouse open on `con` as Parquet under `out_dir`.

    `out_dir` must be new, empty or an earlier export (else FolderNotOursError, nothing
    written); its contents are replaced whole once the new export is complete.
    """
    out = Path(out_dir).absolute()
    tables = replace_folder(out, lambda fresh: _write(con, fresh))
    return [replace(t, path=out / t.path.name) for t in tables]


def _write(con: duckdb.DuckDBPyConnection, out: Path) -> list[ExportedTable]:
    exported: list[ExportedTable] = []
    for name, partitioned in exported_relations():
        rows = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]  # type: ignore[index]  # an aggregate returns one row
        if partitioned:
            target = out / name
            target.mkdir()
            if rows:
                con.execute(
                    f'COPY (SELECT * FROM "{name}") TO {_literal(target)} '
                    f"(FORMAT parquet, PARTITION_BY ({PARTITION_COLUMN}), WRITE_PARTITION_COLUMNS true, "
                    f"OVERWRITE_OR_IGNORE true)"
                )
            else:
                con.execute(f'COPY (SELECT * FROM "{name}") TO {_literal(target / "empty.parquet")} (FORMAT parquet)')
        else:
            target = out / f"{name}.parquet"
            con.execute(f'COPY (SELECT * FROM "{name}") TO {_literal(target)} (FORMAT parquet)')
        exported.append(ExportedTable(name, target, rows, partitioned and rows > 0))
    return exported
