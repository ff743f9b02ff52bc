"""The rows and Markdown that the CLI prints and the flow publishes as Prefect artifacts."""

from __future__ import annotations

import json

from nenpo.pipeline.ingest import IngestFailure, ingest
from nenpo.pipeline.summary import SUMMARY_COLUMNS, audit_markdown, summary_rows
from nenpo.warehouse.audit import Finding
from tests.conftest import SAMPLE_EDITIONS


def test_summary_rows_name_each_report_by_its_source(tmp_path):
    summary = ingest([SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"], tmp_path / "w.duckdb")
    summary.labels = {summary.loaded[0][0].sha256: "https://example.org/r2.pdf"}
    summary.failed.append(IngestFailure("https://example.org/r9.pdf", "fetch", "https://example.org/r9.pdf: HTTP 404"))
    summary.failed.append(IngestFailure("/data/in/broken.pdf", "extract", "/data/in/broken.pdf: truncated"))
    loaded, fetch, extract = summary_rows(summary)
    truth = json.loads((SAMPLE_EDITIONS / "kawasaki-sme-fy2020.truth.json").read_text(encoding="utf-8"))
    assert all(tuple(row) == SUMMARY_COLUMNS for row in (loaded, fetch, extract))
    assert loaded == {
        "report": "https://example.org/r2.pdf",
        "edition": "kawasaki-sme FY2020",
        "pages": truth["page_count"],
        "measures": len(truth["measures"]),
        "kpi_values": len(truth["kpi_values"]),
        "pdca_items": len(truth["pdca_items"]),
        "warnings": 1,
        "outcome": "loaded",
        "extraction": "extracted",
        "seconds": round(summary.loaded[0][0].seconds, 3),
        "error": None,
    }
    assert (fetch["report"], fetch["outcome"], fetch["error"]) == (
        "https://example.org/r9.pdf",
        "failed (fetch)",
        "https://example.org/r9.pdf: HTTP 404",
    )
    assert (extract["report"], extract["outcome"]) == ("broken.pdf", "failed (extract)")


def test_audit_markdown_lists_findings_worst_first():
    assert "No findings" in audit_markdown([], "w.duckdb")
    findings = [
        Finding(
            "restated_actual", "info", "FY2019 actual 160 → 162", 2020, "起業化総合支援事業", "創業実績件数", 2019, 7
        ),
        Finding(
            "unit_mismatch",
            "error",
            "target in 人, actual in 万人 | check",
            2021,
            "観光振興事業",
            "観光客入込数",
            2021,
            12,
        ),
        Finding("restated_actual", "info", "FY2020 actual 90 → 91", 2021),
    ]
    text = audit_markdown(findings, "w.duckdb")
    assert text.startswith("# Audit findings — w.duckdb\n") and "3 finding(s)." in text
    assert "| restated_actual | info | 2 |" in text and "| unit_mismatch | error | 1 |" in text
    rows = [line for line in text.splitlines() if line.startswith("| error") or line.startswith("| info")]
    assert rows[0].startswith("| error | unit_mismatch | FY2021 | 観光振興事業 | 観光客入込数 | 2021 | 12 |")
    assert "人, actual in 万人 \\| check" in rows[0], "a | in a detail does not break the table"
    assert [r.split(" | ")[2] for r in rows[1:]] == ["FY2020", "FY2021"]
