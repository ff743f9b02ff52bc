"""What a run did, as rows and Markdown: for the CLI, and for the artifacts in the Prefect UI."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from nenpo.pipeline.ingest import IngestSummary
from nenpo.pipeline.safe_text import md_cell
from nenpo.warehouse.audit import SEVERITY_RANK, Finding

__all__ = ["SUMMARY_COLUMNS", "audit_markdown", "summary_rows"]

SUMMARY_COLUMNS = (
    "report",
    "edition",
    "pages",
    "measures",
    "kpi_values",
    "pdca_items",
    "warnings",
    "outcome",
    "extraction",
    "seconds",
    "error",
)


def summary_rows(summary: IngestSummary) -> list[dict]:
    """One row per report: loaded editions first, then failures (with stage and error)."""
    rows = []
    for x, load in summary.loaded:
        cached = x.sha256 in summary.from_cache
        rows.append(
            {
                "report": _name(summary.labels.get(x.sha256, x.source_path)),
                "edition": f"{x.series} FY{x.report_fiscal_year}",
                "pages": x.page_count,
                "measures": x.measures,
                "kpi_values": x.kpi_values,
                "pdca_items": x.pdca_items,
                "warnings": x.warnings,
                "outcome": "unchanged" if load.unchanged else ("replaced" if load.replaced_report_id else "loaded"),
                "extraction": "cached" if cached else "extracted",
                "seconds": round(summary.from_cache[x.sha256] if cached else x.seconds, 3),
                "error": None,
            }
        )
    for f in summary.failed:
        rows.append(
            {
                "report": _name(f.report),
                "edition": None,
                "pages": None,
                "measures": None,
                "kpi_values": None,
                "pdca_items": None,
                "warnings": None,
                "outcome": f"failed ({f.stage})",
                "extraction": None,
                "seconds": None,
                "error": f.error,
            }
        )
    return rows


def _name(source: str) -> str:
    """A URL as it is (it says where the file came from); a path by its file name."""
    return source if "://" in source else Path(source).name


def audit_markdown(findings: list[Finding], db: str = "") -> str:
    """The audit findings as Markdown: counts by rule and severity, then each finding."""
    title = f"# Audit findings{f' — {md_cell(db)}' if db else ''}"
    if not findings:
        return f"{title}\n\nNo findings: every audit rule passed.\n"
    ordered = sorted(findings, key=lambda f: (-SEVERITY_RANK[f.severity], f.check, f.report_fiscal_year or 0))
    counts = Counter((f.check, f.severity) for f in findings)
    lines = [title, "", f"{len(findings)} finding(s).", "", "| rule | severity | findings |", "|---|---|---|"]
    lines += [f"| {check} | {severity} | {n} |" for (check, severity), n in sorted(counts.items())]
    lines += [
        "",
        "| severity | rule | edition | measure | indicator | FY | page | detail |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in ordered:
        cells = [
            f.severity,
            f.check,
            f"FY{f.report_fiscal_year}" if f.report_fiscal_year else "",
            f.measure or "",
            f.indicator or "",
            str(f.fiscal_year or ""),
            str(f.page or ""),
            f.detail,
        ]
        lines.append("| " + " | ".join(md_cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
