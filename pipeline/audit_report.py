"""The auditors' HTML report: one self-contained file, findings with their sources.

Findings are grouped by rule and measure. Each finding shows the values behind it side
by side (both editions for cross-edition checks) with a picture of the region of each
source page, rendered with PyMuPDF from the page and bbox stored in the warehouse, and
indicators with findings get a small trend chart (inline SVG). Images are embedded as
data URIs, so the file can be mailed or archived as it is.

A picture is evidence only if it comes from the very file that was loaded: the file at
`reports.source_path` is used when its sha256 is the edition's, else the copy in the
content-addressed download cache (hashed again too); when neither is there, or the file
is not a readable PDF, the report says so plainly in place of the picture.
"""

from __future__ import annotations

import base64
import html
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from nenpo.extractors.mupdf import pymupdf
from nenpo.extractors.pages import sha256_file
from nenpo.sources.store import FileStore

CROP_MARGIN = (160.0, 45.0, 160.0, 30.0)  # left, top, right, bottom points around a cell
CROP_DPI = 110


@dataclass(frozen=True)
class Source:
    """A region of a page of one edition's PDF that a finding points at."""

    label: str
    report_id: str
    page: int
    bbox: tuple[float, float, float, float] | None
    value_text: str | None = None


class PageRenderer:
    """Renders page regions of the loaded editions, opening each PDF once, and only the
    file whose sha256 is the loaded edition's (at its source_path, else in the cache)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, store: FileStore | None = None):
        rows = con.execute("SELECT report_id, source_path, sha256 FROM reports").fetchall()
        self._files = {report_id: (path, sha256) for report_id, path, sha256 in rows}
        self._paths = {report_id: path for report_id, path, _ in rows}
        self._store = store or FileStore()
        self._docs: dict[str, pymupdf.Document | None] = {}
        self._why: dict[str, str] = {}

    def _doc(self, report_id: str) -> pymupdf.Document | None:
        if report_id not in self._docs:
            self._docs[report_id] = self._open(report_id)
        return self._docs[report_id]

    def _open(self, report_id: str) -> pymupdf.Document | None:
        path, sha256 = self._files.get(report_id, (None, None))
        problems: list[str] = []
        if path and Path(path).is_file():
            try:
                actual = sha256_file(path)
            except OSError as exc:
                actual = None
                problems.append(f"{path} cannot be read ({exc})")
            if actual is not None and actual != sha256:
                problems.append(
                    f"the file at {path} is not the one loaded (sha256 {actual[:16]}…, loaded {sha256[:16]}…)"
                )
            elif actual is not None and (doc := _open_pdf(path, problems)) is not None:
                return doc
        else:
            problems.append(f"{path} no longer exists")
        cached = self._store.verified_object(sha256) if sha256 else None
        if cached is not None and (doc := _open_pdf(cached, problems)) is not None:
            self._paths[report_id] = str(cached)
            return doc
        if cached is None:
            problems.append("the download cache holds no copy of it")
        self._why[report_id] = "; ".join(problems)
        return None

    def crop(self, source: Source) -> str | None:
        """A data URI of the region around `source.bbox` (the whole page without a bbox)."""
        doc = self._doc(source.report_id)
        if doc is None or not 1 <= source.page <= doc.page_count:
            return None
        try:
            page = doc[source.page - 1]
            clip = page.rect
            if source.bbox and all(v is not None for v in source.bbox):
                x0, top, x1, bottom = source.bbox
                left, up, right, down = CROP_MARGIN
                clip = pymupdf.Rect(x0 - left, top - up, x1 + right, bottom + down) & page.rect
            dpi = CROP_DPI if source.bbox else 50
            png = page.get_pixmap(clip=clip, dpi=dpi).tobytes("png")
        except Exception as exc:  # noqa: BLE001 - a page MuPDF cannot draw: say so, keep the report
            self._why[source.report_id] = f"page {source.page} cannot be drawn ({type(exc).__name__}: {exc})"
            return None
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")

    def why_missing(self, report_id: str) -> str:
        """Why no picture of this edition can be shown, in plain words."""
        return self._why.get(report_id) or f"{self._paths.get(report_id)}: page not in the file"

    def path(self, report_id: str) -> str | None:
        return self._paths.get(report_id)

    def close(self) -> None:
        for doc in self._docs.values():
            if doc is not None:
                doc.close()


def _kpi_source(con, label: str, kpi_value_id: str | None) -> Source | None:
    if not kpi_value_id:
        return None
    row = con.execute(
        "SELECT report_id, page, bbox_x0, bbox_top, bbox_x1, bbox_bottom, value_text FROM kpi_values WHERE kpi_value_id = ?",
        [kpi_value_id],
    ).fetchone()
    return Source(label, row[0], row[1], tuple(row[2:6]), row[6]) if row else None


def _table_source(con, label: str, report_id: str, measure: str, indicator: str | None) -> Source | None:
    row = con.execute(
        """
        SELECT report_id, min(page), min(bbox_x0), min(bbox_top), max(bbox_x1), max(bbox_bottom),
               string_agg(kind || ' ' || fiscal_year || ': ' || value_text, ' / ' ORDER BY kind DESC, fiscal_year)
        FROM kpi_values_resolved
        WHERE report_id = ? AND measure = ? AND (? IS NULL OR indicator = ?)
        GROUP BY report_id, table_no ORDER BY table_no LIMIT 1
        """,
        [report_id, measure, indicator, indicator],
    ).fetchone()
    return Source(label, row[0], row[1], tuple(row[2:6]), row[6]) if row else None


def sources_for(con: duckdb.DuckDBPyConnection, finding: dict) -> list[Source]:
    """Where a finding's values are printed: both editions for cross-edition checks."""
    evidence = json.loads(finding["evidence"] or "{}")
    check = finding["check"]
    if evidence.get("sources"):  # a rule that names its pages itself (`Source` fields, bbox as a list)
        return [
            Source(
                s["label"],
                s["report_id"],
                int(s["page"]),
                tuple(s["bbox"]) if s.get("bbox") else None,
                s.get("value_text"),
            )
            for s in evidence["sources"]
            if s.get("report_id") and s.get("page")
        ]
    if check == "restated_value":
        pair = [
            _kpi_source(
                con, f"FY{evidence['earlier_report_fiscal_year']} edition", evidence.get("earlier_kpi_value_id")
            ),
            _kpi_source(con, f"FY{evidence['later_report_fiscal_year']} edition", evidence.get("later_kpi_value_id")),
        ]
        return [s for s in pair if s]
    if check in ("indicator_dropped", "measure_dropped") and evidence.get("previous_edition"):
        previous = con.execute(
            "SELECT report_id FROM reports WHERE series = ? AND report_fiscal_year = ?",
            [finding["series"], evidence["previous_edition"]],
        ).fetchone()
        src = previous and _table_source(
            con,
            f"FY{evidence['previous_edition']} edition (last printed)",
            previous[0],
            finding["measure"],
            finding["indicator"],
        )
        return [src] if src else []
    if finding["report_id"] and finding["measure"]:
        src = _table_source(
            con,
            f"FY{finding['report_fiscal_year']} edition",
            finding["report_id"],
            finding["measure"],
            finding["indicator"],
        )
        if src:
            return [src]
    if finding["report_id"] and finding["page"]:
        return [Source(f"FY{finding['report_fiscal_year']} edition", finding["report_id"], finding["page"], None)]
    return []


def trend_svg(points: list[tuple[int, float | None, float | None]], width: int = 260, height: int = 90) -> str:
    """A small line chart of actual (solid) and target (dashed) by fiscal year."""
    values = [v for _, t, a in points for v in (t, a) if v is not None]
    if not values:
        return ""
    years = [y for y, _, _ in points]
    lo, hi = min(values), max(values)
    span = (hi - lo) or abs(hi) or 1.0
    pad = 14

    def xy(i: int, v: float) -> str:
        x = pad + (width - 2 * pad) * (i / max(1, len(years) - 1))
        y = height - pad - (height - 2 * pad) * ((v - lo) / span)
        return f"{x:.1f},{y:.1f}"

    def line(index: int, style: str) -> str:
        pts = [xy(i, p[index]) for i, p in enumerate(points) if p[index] is not None]
        dots = "".join(f'<circle cx="{p.split(",")[0]}" cy="{p.split(",")[1]}" r="2.5"/>' for p in pts)
        return f'<polyline points="{" ".join(pts)}" fill="none" {style}/>{dots}' if pts else ""

    labels = "".join(
        f'<text x="{pad + (width - 2 * pad) * (i / max(1, len(years) - 1)):.1f}" y="{height - 2}" '
        f'font-size="9" text-anchor="middle">{y}</text>'
        for i, y in enumerate(years)
    )
    actual = line(2, "stroke='#1f5fa8' stroke-width='2'")
    target = line(1, "stroke='#999' stroke-dasharray='4 3'")
    return (
        f'<svg class="trend" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-label="trend">{actual}{target}{labels}</svg>'
    )


def _trend(con, series: str, measure: str, indicator: str) -> str:
    """The KPI's trend as SVG; '' when the finding names no KPI (a family's own records)."""
    rows = con.execute(
        "SELECT fiscal_year, target, actual FROM kpi_timeseries "
        "WHERE series = ? AND measure = ? AND indicator = ? ORDER BY fiscal_year",
        [series, measure, indicator],
    ).fetchall()
    return trend_svg(rows) if rows else ""


STYLE = """
body{font-family:'IPAexGothic','Noto Sans CJK JP',sans-serif;margin:24px;color:#222}
h1{font-size:20px} h2{font-size:17px;border-bottom:2px solid #ddd;padding-bottom:4px;margin-top:28px}
h3{font-size:15px;margin:18px 0 6px} .rule-doc{color:#555;font-size:13px;white-space:pre-line}
.finding{border:1px solid #ddd;border-radius:6px;padding:10px 12px;margin:8px 0}
.sev{display:inline-block;padding:1px 6px;border-radius:4px;font-size:12px;color:#fff}
.sev-error{background:#b3261e}.sev-warning{background:#c77700}.sev-info{background:#3c6e9f}
.sources{display:flex;gap:12px;flex-wrap:wrap;margin-top:8px}.source{font-size:12px}
.source img{display:block;border:1px solid #ccc;max-width:420px}
.missing{color:#a00;font-size:12px} .meta{color:#666;font-size:12px}
#summary{background:#f4f6f8;padding:8px 12px;border-radius:6px}
"""

SCRIPT = """
(function () {
  var findings = document.querySelectorAll('.finding');
  var counts = {};
  findings.forEach(function (f) { counts[f.dataset.severity] = (counts[f.dataset.severity] || 0) + 1; });
  document.getElementById('count').textContent = String(findings.length);
  document.getElementById('by-severity').textContent =
    Object.keys(counts).sort().map(function (k) { return k + ': ' + counts[k]; }).join(', ');
  document.querySelectorAll('input[data-severity]').forEach(function (box) {
    box.addEventListener('change', function () {
      findings.forEach(function (f) {
        if (f.dataset.severity === box.dataset.severity) { f.style.display = box.checked ? '' : 'none'; }
      });
    });
  });
  document.body.dataset.ready = 'yes';
})();
"""


def render_html(con: duckdb.DuckDBPyConnection, db_label: str = "") -> str:
    """The whole report as one HTML string."""
    from nenpo.warehouse.audit import load_rules

    rules = load_rules()
    cursor = con.execute("SELECT * FROM audit_findings ORDER BY finding_no")
    names = [d[0] for d in cursor.description]
    findings = [dict(zip(names, r)) for r in cursor.fetchall()]
    renderer = PageRenderer(con)
    grouped: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for f in findings:
        grouped[f["check"]][f["measure"] or "(no measure)"].append(f)
    esc = html.escape
    out = [
        "<!DOCTYPE html><html lang='ja'><head><meta charset='utf-8'>",
        "<title>nenpo audit findings</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>nenpo audit findings</h1>",
        f"<p class='meta'>warehouse {esc(db_label)} · generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC</p>",
        "<div id='summary'><b id='count'></b> findings (<span id='by-severity'></span>) · show: "
        + " ".join(
            f"<label><input type='checkbox' checked data-severity='{s}'> {s}</label>"
            for s in ("error", "warning", "info")
        )
        + "</div>",
    ]
    trends_done: set[tuple] = set()
    try:
        for check, by_measure in grouped.items():
            rule = rules.get(check)
            out.append(
                f"<section class='rule' data-rule='{esc(check)}'><h2>{esc(check)} ({sum(map(len, by_measure.values()))})</h2>"
            )
            if rule:
                out.append(f"<p class='rule-doc'>{esc(rule.description)}</p>")
            for measure, items in by_measure.items():
                out.append(f"<h3>{esc(measure)}</h3>")
                for f in items:
                    out.append(_finding_html(con, renderer, f, trends_done))
            out.append("</section>")
    finally:
        renderer.close()
    if not findings:
        out.append("<p>No findings.</p>")
    out.append(f"<script>{SCRIPT}</script></body></html>")
    return "\n".join(out)


def _open_pdf(path, problems: list[str]) -> pymupdf.Document | None:
    try:
        return pymupdf.open(path)
    except Exception as exc:  # noqa: BLE001 - not a PDF, or one MuPDF cannot open
        problems.append(f"{path} is not a readable PDF ({type(exc).__name__}: {exc})")
        return None


def _finding_html(con, renderer: PageRenderer, f: dict, trends_done: set) -> str:
    esc = html.escape
    parts = [
        f"<div class='finding' data-severity='{esc(f['severity'])}' data-check='{esc(f['check'])}'>",
        f"<span class='sev sev-{esc(f['severity'])}'>{esc(f['severity'])}</span> ",
        f"<b>{esc(f['indicator'] or f['measure'] or '')}</b>"
        + (f" · FY{f['fiscal_year']}" if f["fiscal_year"] else "")
        + (f" · FY{f['report_fiscal_year']} edition" if f["report_fiscal_year"] else "")
        + (f" · page {f['page']}" if f["page"] else ""),
        f"<div>{esc(f['detail'])}</div>",
        "<div class='sources'>",
    ]
    for source in sources_for(con, f):
        image = renderer.crop(source)
        parts.append("<div class='source'>")
        parts.append(
            f"<div>{esc(source.label)}, page {source.page}"
            + (f": <code>{esc(source.value_text)}</code>" if source.value_text else "")
            + "</div>"
        )
        if image:
            parts.append(f"<img alt='{esc(source.label)} page {source.page}' src='{image}'>")
        else:
            parts.append(
                f"<div class='missing'>cannot show the evidence: {esc(renderer.why_missing(source.report_id))}</div>"
            )
        parts.append("</div>")
    key = (f["series"], f["measure"], f["indicator"])
    if f["indicator"] and key not in trends_done:
        trends_done.add(key)
        if svg := _trend(con, *key):
            parts.append(f"<div class='source'><div>trend (actual solid, target dashed)</div>{svg}</div>")
    parts.append("</div></div>")
    return "".join(parts)


def write_html(con: duckdb.DuckDBPyConnection, out: str | Path, db_label: str = "") -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_html(con, db_label), encoding="utf-8")
    return out
