"""Loading extracted editions into the warehouse.

An edition is identified by (series, report_fiscal_year). `load_extraction` replaces all
rows of the edition — in every table, including rows of a previous file for the same
edition — in ONE transaction: on any error it rolls back and the edition is unchanged.
Loading the same file again with the same extractor version writes nothing.

Rows are built as pyarrow tables (typed from `schema.TABLES`) and inserted in bulk with
`INSERT INTO … BY NAME SELECT * FROM <registered arrow table>`.
"""

from __future__ import annotations

import os
import traceback as tb
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone

import duckdb
import pyarrow as pa

from nenpo.extractors.families.kawasaki_sme.budget import counted_budgets
from nenpo.extractors.models import ReportExtraction
from nenpo.warehouse.schema import EDITION_TABLES, arrow_schema
from nenpo.warehouse.tx import rollback_quietly

__all__ = [
    "EditionConflictError",
    "LoadResult",
    "delete_edition",
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


class EditionConflictError(ValueError):
    """The file is already loaded as another edition (series, report_fiscal_year)."""


# --- row builders: one per table, each returns a typed pyarrow Table ------------------------


def _utc(moment: datetime) -> datetime:
    """Aware datetime in UTC; a naive one is taken as local time, as Python does."""
    return moment.astimezone(timezone.utc)


def _table(name: str, columns: Mapping[str, list]) -> pa.Table:
    schema = arrow_schema(name)
    n = len(next(iter(columns.values()))) if columns else 0
    arrays = [
        pa.array(columns[f.name], type=f.type) if f.name in columns else pa.nulls(n, type=f.type)
        for f in schema
    ]
    return pa.Table.from_arrays(arrays, schema=schema)


def _edition_columns(x: ReportExtraction, n: int) -> dict[str, list]:
    return {
        "report_id": [x.report_id] * n,
        "series": [x.series] * n,
        "report_fiscal_year": [x.report_fiscal_year] * n,
        "sha256": [x.sha256] * n,
        "extractor_version": [x.extractor_version] * n,
    }


def _bbox_columns(boxes: list) -> dict[str, list]:
    return {
        name: [b[i] if b is not None else None for b in boxes]
        for i, name in enumerate(("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom"))
    }


def _measure_id(report_id: str, ordinal: int) -> str:
    return f"{report_id}:m{ordinal}"


def _kpi_value_id(report_id: str, ordinal: int) -> str:
    return f"{report_id}:k{ordinal}"


def _report_rows(x: ReportExtraction, ingested_at: datetime) -> pa.Table:
    return _table(
        "reports",
        {
            **_edition_columns(x, 1),
            "title": [x.title],
            "source_path": [x.source_path],
            "page_count": [x.page_count],
            "ingested_at": [_utc(ingested_at)],
            "extracted_at": [_utc(x.extracted_at)],
            "seconds": [x.seconds],
            "measure_count": [len(x.measures)],
            "kpi_value_count": [len(x.kpi_values)],
            "warning_count": [len(x.warnings)],
        },
    )


def _measure_rows(x: ReportExtraction) -> pa.Table:
    ms = x.measures
    ordinals = list(range(1, len(ms) + 1))
    return _table(
        "measures",
        {
            **_edition_columns(x, len(ms)),
            "measure_id": [_measure_id(x.report_id, i) for i in ordinals],
            "ordinal": ordinals,
            "article": [m.article for m in ms],
            "article_title": [m.article_title for m in ms],
            "parent": [m.parent for m in ms],
            "position": [m.position for m in ms],
            "name": [m.name for m in ms],
            "name_raw": [m.name_raw for m in ms],
            "page_start": [m.page_start for m in ms],
            "page_end": [m.page_end for m in ms],
            "read_by": [m.read_by for m in ms],
            **_bbox_columns([m.bbox for m in ms]),
        },
    )


def _measure_ids_by_name(x: ReportExtraction) -> dict[str, str]:
    """Measure name → measure_id, for names that exactly one measure of the edition has."""
    counts = Counter(m.name for m in x.measures)
    return {
        m.name: _measure_id(x.report_id, i)
        for i, m in enumerate(x.measures, start=1)
        if counts[m.name] == 1
    }


def _kpi_value_rows(x: ReportExtraction) -> pa.Table:
    ks = x.kpi_values
    ordinals = list(range(1, len(ks) + 1))
    measure_ids = _measure_ids_by_name(x)
    return _table(
        "kpi_values",
        {
            **_edition_columns(x, len(ks)),
            "kpi_value_id": [_kpi_value_id(x.report_id, i) for i in ordinals],
            "ordinal": ordinals,
            "measure_id": [measure_ids.get(k.measure) for k in ks],
            "measure": [k.measure for k in ks],
            "indicator": [k.indicator for k in ks],
            "indicator_raw": [k.indicator_raw for k in ks],
            "unit": [k.unit for k in ks],
            "unit_raw": [k.unit_raw for k in ks],
            "fiscal_year": [k.fiscal_year for k in ks],
            "kind": [k.kind for k in ks],
            "value": [k.value for k in ks],
            "value_text": [k.value_text for k in ks],
            "status": [k.status for k in ks],
            "annotation": [k.annotation for k in ks],
            "sub_value": [k.sub_value for k in ks],
            "table_no": [k.table_no for k in ks],
            "read_by": [k.read_by for k in ks],
            "page": [k.page for k in ks],
            **_bbox_columns([k.bbox for k in ks]),
        },
    )


def _pdca_item_id(report_id: str, ordinal: int) -> str:
    return f"{report_id}:p{ordinal}"


def _pdca_item_rows(x: ReportExtraction) -> pa.Table:
    items = x.pdca_items
    ordinals = list(range(1, len(items) + 1))
    measure_ids = _measure_ids_by_name(x)
    return _table(
        "pdca_items",
        {
            **_edition_columns(x, len(items)),
            "pdca_item_id": [_pdca_item_id(x.report_id, i) for i in ordinals],
            "ordinal": ordinals,
            "measure_id": [measure_ids.get(i.measure) for i in items],
            "measure": [i.measure for i in items],
            "parent": [i.parent for i in items],
            "phase": [i.phase for i in items],
            "item_no": [i.item_no for i in items],
            "seq": [list(i.seq) for i in items],
            "label": [i.label for i in items],
            "text": [i.text for i in items],
            "text_raw": [i.text_raw for i in items],
            "shared": [len(i.covers) > 1 for i in items],
            "read_by": [i.read_by for i in items],
            "page": [i.page for i in items],
            **_bbox_columns([i.bbox for i in items]),
        },
    )


def _pdca_item_measure_rows(x: ReportExtraction) -> pa.Table:
    measure_ids = _measure_ids_by_name(x)
    links = [
        (_pdca_item_id(x.report_id, ordinal), measure)
        for ordinal, item in enumerate(x.pdca_items, start=1)
        for measure in dict.fromkeys(item.covers or (item.measure,))
    ]
    return _table(
        "pdca_item_measures",
        {
            **_edition_columns(x, len(links)),
            "pdca_item_id": [item_id for item_id, _ in links],
            "measure_id": [measure_ids.get(measure) for _, measure in links],
            "measure": [measure for _, measure in links],
        },
    )


def _article_opinion_rows(x: ReportExtraction) -> pa.Table:
    ops = x.article_opinions
    return _table(
        "article_opinions",
        {
            **_edition_columns(x, len(ops)),
            "ordinal": list(range(1, len(ops) + 1)),
            "article": [o.article for o in ops],
            "policy": [o.policy for o in ops],
            "policy_raw": [o.policy_raw for o in ops],
            "kind": [o.kind for o in ops],
            "kind_raw": [o.kind_raw for o in ops],
            "text": [o.text for o in ops],
            "text_raw": [o.text_raw for o in ops],
            "read_by": [o.read_by for o in ops],
            "page": [o.page for o in ops],
            **_bbox_columns([o.bbox for o in ops]),
        },
    )


def _page_rows(x: ReportExtraction) -> pa.Table:
    ps = x.pages
    return _table(
        "report_pages",
        {
            **_edition_columns(x, len(ps)),
            "page": [p.page for p in ps],
            "engine": [p.engine for p in ps],
            "chars_pymupdf": [p.chars.get("pymupdf") for p in ps],
            "chars_pdfplumber": [p.chars.get("pdfplumber") for p in ps],
            "chars": [list(p.chars.items()) for p in ps],
            "quality": [p.quality for p in ps],
            "flags": [list(p.flags) for p in ps],
        },
    )


def _warning_rows(x: ReportExtraction) -> pa.Table:
    ws = x.warnings
    return _table(
        "extraction_warnings",
        {
            **_edition_columns(x, len(ws)),
            "ordinal": list(range(1, len(ws) + 1)),
            "code": [w.code for w in ws],
            "message": [w.message for w in ws],
            "page": [w.page for w in ws],
            "measure": [w.measure for w in ws],
            "indicator": [w.indicator for w in ws],
        },
    )


def _ordinal_columns(n: int) -> dict[str, list]:
    return {"ordinal": list(range(1, n + 1))}


def _stat_value_rows(x: ReportExtraction) -> pa.Table:
    vs = x.stat_values
    return _table(
        "stat_values",
        {
            **_edition_columns(x, len(vs)),
            **_ordinal_columns(len(vs)),
            "table": [v.table for v in vs],
            "title": [v.title for v in vs],
            "category": [v.category for v in vs],
            "survey_year": [v.survey_year for v in vs],
            "measure": [v.measure for v in vs],
            "value": [v.value for v in vs],
            "value_text": [v.value_text for v in vs],
            "unit": [v.unit for v in vs],
            "period": [v.period for v in vs],
            "source": [v.source for v in vs],
            "read_by": [v.read_by for v in vs],
            "page": [v.page for v in vs],
            **_bbox_columns([v.bbox for v in vs]),
        },
    )


def _committee_rows(x: ReportExtraction) -> pa.Table:
    ms = x.committee_members
    return _table(
        "committee_members",
        {
            **_edition_columns(x, len(ms)),
            **_ordinal_columns(len(ms)),
            **{f: [getattr(m, f) for m in ms]
               for f in ("committee", "as_of", "seq", "role", "role_raw", "name", "name_raw", "grp", "read_by", "page")},
            **_bbox_columns([m.bbox for m in ms]),
        },
    )


def _policy_list_rows(x: ReportExtraction) -> pa.Table:
    es = x.policy_list
    return _table(
        "policy_list",
        {
            **_edition_columns(x, len(es)),
            **{f: [getattr(e, f) for e in es]
               for f in ("seq", "part", "article", "article_title", "parent", "name", "name_raw", "page_start",
                         "page_end", "read_by", "page")},
            **_bbox_columns([e.bbox for e in es]),
        },
    )


def _budget_item_rows(x: ReportExtraction) -> pa.Table:
    bs = x.budget_items
    counted = counted_budgets([b.no for b in bs], [b.shared_with for b in bs], [b.budget_thousand_yen for b in bs])
    return _table(
        "budget_items",
        {
            **_edition_columns(x, len(bs)),
            **_ordinal_columns(len(bs)),
            **{f: [getattr(b, f) for b in bs]
               for f in ("no", "phase", "name", "name_raw", "summary", "budget_thousand_yen", "budget_text",
                         "budget_note", "results_text", "read_by", "page")},
            "shared_with": [list(b.shared_with) for b in bs],
            "counted_budget_thousand_yen": counted,
            **_bbox_columns([b.bbox for b in bs]),
        },
    )


def _budget_result_rows(x: ReportExtraction) -> pa.Table:
    rs = x.budget_results
    return _table(
        "budget_results",
        {
            **_edition_columns(x, len(rs)),
            **_ordinal_columns(len(rs)),
            **{f: [getattr(r, f) for r in rs] for f in ("no", "phase", "metric", "value", "unit", "value_text", "read_by", "page")},
        },
    )


def _other_measure_rows(x: ReportExtraction) -> pa.Table:
    os_ = x.other_measures
    return _table(
        "other_measures",
        {
            **_edition_columns(x, len(os_)),
            **_ordinal_columns(len(os_)),
            **{f: [getattr(o, f) for o in os_]
               for f in ("article", "article_title", "name", "name_raw", "next_year_plan", "results", "read_by", "page")},
            **_bbox_columns([o.bbox for o in os_]),
        },
    )


def _table_cell_rows(x: ReportExtraction) -> pa.Table:
    cs = x.table_cells
    return _table(
        "table_cells",
        {
            **_edition_columns(x, len(cs)),
            **{f: [getattr(c, f) for c in cs]
               for f in ("page", "table_no", "kind", "row", "col", "row_span", "col_span", "text", "text_raw", "read_by")},
            **_bbox_columns([c.bbox for c in cs]),
        },
    )


TABLE_ROWS = (
    ("stat_values", _stat_value_rows),
    ("committee_members", _committee_rows),
    ("policy_list", _policy_list_rows),
    ("budget_items", _budget_item_rows),
    ("budget_results", _budget_result_rows),
    ("other_measures", _other_measure_rows),
    ("table_cells", _table_cell_rows),
)
"""The report's other tables: warehouse table → row builder (inserted after the KPI tables)."""


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
    return data.num_rows


_EDITION_WHERE = "(series = ? AND report_fiscal_year = ?) OR report_id IN (SELECT unnest(?::VARCHAR[]))"


def _delete(con: duckdb.DuckDBPyConnection, series: str, fiscal_year: int, report_ids: Iterable[str]) -> None:
    params = [series, fiscal_year, sorted(set(report_ids))]
    # one query finds the tables holding rows of the edition (none, for a new one), so a
    # new edition costs one statement instead of one DELETE per table
    held = con.execute(
        " UNION ALL ".join(
            f"SELECT {i} FROM (SELECT 1 FROM {table} WHERE {_EDITION_WHERE} LIMIT 1)"
            for i, table in enumerate(EDITION_TABLES)
        ),
        params * len(EDITION_TABLES),
    ).fetchall()
    holding = {i for (i,) in held}
    for i, table in enumerate(EDITION_TABLES):  # children first
        if i in holding:
            con.execute(f"DELETE FROM {table} WHERE {_EDITION_WHERE}", params)


def _counts(con: duckdb.DuckDBPyConnection, report_id: str) -> dict[str, int]:
    """Rows of the edition in every edition table, in one query."""
    tables = list(reversed(EDITION_TABLES))
    sql = " UNION ALL ".join(
        f"SELECT {i} AS t, count(*) AS n FROM {table} WHERE report_id = $report_id" for i, table in enumerate(tables)
    )
    counts = dict(con.execute(sql, {"report_id": report_id}).fetchall())
    return {table: counts[i] for i, table in enumerate(tables)}


def load_extraction(
    con: duckdb.DuckDBPyConnection,
    extraction: ReportExtraction,
    *,
    ingested_at: datetime | None = None,
) -> LoadResult:
    """Load one edition in one transaction, replacing whatever the warehouse held for it.

    Returns unchanged=True without writing when the edition already holds the same file
    (sha256) extracted by the same extractor version. Raises EditionConflictError when the
    same file is loaded as another edition (delete that edition first). On any error the
    transaction is rolled back and the warehouse is as it was. Must not be called inside
    an open transaction.
    """
    x = extraction
    report_id = x.report_id
    con.execute("BEGIN TRANSACTION")
    try:
        previous = con.execute(
            "SELECT report_id, sha256, extractor_version FROM reports "
            "WHERE series = ? AND report_fiscal_year = ?",
            [x.series, x.report_fiscal_year],
        ).fetchone()
        if previous is not None and previous[1] == x.sha256 and previous[2] == x.extractor_version:
            rows = _counts(con, report_id)
            con.execute("ROLLBACK")
            return LoadResult(report_id, None, True, rows)

        elsewhere = con.execute(
            "SELECT series, report_fiscal_year FROM reports "
            "WHERE report_id = ? AND NOT (series = ? AND report_fiscal_year = ?)",
            [report_id, x.series, x.report_fiscal_year],
        ).fetchone()
        if elsewhere is not None:
            raise EditionConflictError(
                f"{x.source_path} (report_id {report_id}) is already loaded as edition "
                f"{elsewhere[0]!r} FY{elsewhere[1]}, not {x.series!r} FY{x.report_fiscal_year}; "
                f"delete that edition first"
            )

        replaced = previous[0] if previous is not None else None
        _delete(con, x.series, x.report_fiscal_year, [report_id] + ([replaced] if replaced else []))

        rows: dict[str, int] = {}
        rows["reports"] = _insert(con, "reports", _report_rows(x, ingested_at or datetime.now(timezone.utc)))
        rows["measures"] = _insert(con, "measures", _measure_rows(x))
        rows["kpi_values"] = _insert(con, "kpi_values", _kpi_value_rows(x))
        rows["pdca_items"] = _insert(con, "pdca_items", _pdca_item_rows(x))
        rows["pdca_item_measures"] = _insert(con, "pdca_item_measures", _pdca_item_measure_rows(x))
        rows["article_opinions"] = _insert(con, "article_opinions", _article_opinion_rows(x))
        rows["report_pages"] = _insert(con, "report_pages", _page_rows(x))
        rows["extraction_warnings"] = _insert(con, "extraction_warnings", _warning_rows(x))
        for table, build in TABLE_ROWS:
            rows[table] = _insert(con, table, build(x))
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    return LoadResult(report_id, replaced, False, rows)


def delete_edition(con: duckdb.DuckDBPyConnection, series: str, report_fiscal_year: int) -> str | None:
    """Delete every row of an edition in one transaction; return its report_id (None if absent)."""
    con.execute("BEGIN TRANSACTION")
    try:
        row = con.execute(
            "SELECT report_id FROM reports WHERE series = ? AND report_fiscal_year = ?",
            [series, report_fiscal_year],
        ).fetchone()
        report_id = row[0] if row else None
        _delete(con, series, report_fiscal_year, [report_id] if report_id else [])
        con.execute("COMMIT")
    except BaseException:
        rollback_quietly(con)
        raise
    return report_id


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
        "INSERT INTO ingest_errors (report, stage, error, \"at\", sha256, page, error_type, traceback) "
        "VALUES (?, ?, ?, current_timestamp, ?, ?, ?, ?)",
        [os.fspath(report), stage, text, sha256, page, error_type, trace],
    )
