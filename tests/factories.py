"""Small hand-made editions for warehouse and audit tests.

    edition(2020, {"起業化総合支援事業": {"創業件数": {"target": [90, 95], "actual": [160, 201]}}})

builds a `ReportExtraction` of FY2020 whose KPI tables print FY2019 and FY2020.
A cell may be a number, None (not reported) or "中止" (cancelled).
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

from nenpo.extractors.models import KpiValue, Measure, ReportExtraction


def _cell(value):
    if value == "中止":
        return None, "中止", "cancelled"
    if value is None:
        return None, "", "not_reported"
    return float(value), f"{value:,}", "reported"


def edition(
    year: int,
    measures: dict[str, dict[str, dict]],
    *,
    series: str = "kawasaki-sme",
    articles: dict[str, int] | None = None,
    units: dict[tuple[str, str], str | tuple[str, str]] | None = None,
    years: tuple[int, int] | None = None,
) -> ReportExtraction:
    articles = articles or {}
    units = units or {}
    years = years or (year - 1, year)
    measure_records, kpis = [], []
    table_no = 0
    for page, (name, indicators) in enumerate(measures.items(), start=4):
        measure_records.append(
            Measure(name=name, name_raw=name, article=articles.get(name, 12), page_start=page, page_end=page)
        )
        for indicator, rows in indicators.items():
            table_no += 1
            unit = units.get((name, indicator), "件")
            target_unit, actual_unit = unit if isinstance(unit, tuple) else (unit, unit)
            for kind, cells in rows.items():
                for fy, raw in zip(years, cells):
                    value, text, status = _cell(raw)
                    kpis.append(
                        KpiValue(
                            measure=name,
                            indicator=indicator,
                            indicator_raw="○" + indicator,
                            unit=target_unit if kind == "target" else actual_unit,
                            unit_raw=target_unit if kind == "target" else actual_unit,
                            fiscal_year=fy,
                            kind=kind,
                            value=value,
                            value_text=text,
                            status=status,
                            table_no=table_no,
                            page=page,
                            bbox=(500.0, 100.0 + table_no, 540.0, 110.0 + table_no),
                        )
                    )
    digest = hashlib.sha256(json.dumps([series, year, measures], ensure_ascii=False, default=str).encode()).hexdigest()
    return ReportExtraction(
        series=series,
        report_fiscal_year=year,
        title=f"FY{year}",
        source_path=f"/nowhere/fy{year}.pdf",
        sha256=digest,
        page_count=20,
        extracted_at=datetime(2026, 1, 1, tzinfo=UTC),
        measures=tuple(measure_records),
        kpi_values=tuple(kpis),
    )
