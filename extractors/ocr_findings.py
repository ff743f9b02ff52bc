"""What an extraction says about the pages that were recognised rather than read.

* every record printed on a recognised page (engine ``ocr``) gets ``text_source='ocr'``, so
  an auditor can tell a recognised value from a printed one;
* a KPI value read on a recognised page that does not parse as a number (status
  ``not_numeric``: ``1O5``, ``2.5OO``) becomes an ``ocr_value_unreadable`` warning, a
  blank one (``not_reported``) an ``ocr_value_missing`` warning, and one
  whose cell holds a line Tesseract was unsure of (confidence below ``UNSURE``) an
  ``ocr_value_unsure`` warning, quoting the text and the confidence;
* two KPI values of a recognised page read from one cell (the rule between their rows was
  not found on the image) give an ``ocr_cell_shared`` warning;
* pages that needed OCR but were not recognised (no Tesseract, ``--ocr never``) give one
  ``ocr_unavailable`` warning naming the pages and the reason.

Checks that span records (a total that does not add up, a year column that does not
follow) are the warehouse audit's; they apply to recognised values like any other, and
``text_source`` tells which of them were recognised.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from nenpo.extractors.lines import BBox
from nenpo.extractors.models import ExtractionWarning, KpiValue, ReportExtraction

__all__ = ["UNSURE", "UnsureLine", "mark_recognised", "unsure_lines"]

UNSURE = 0.60  # line confidence below which a value read from the line is reported


UNREAD: dict[str, tuple[str, str]] = {
    "not_numeric": ("ocr_value_unreadable", "was recognised but does not read as a number"),
    "not_reported": ("ocr_value_missing", "is blank on a recognised page: the figure may not have been recognised"),
}
"""KPI statuses that, on a recognised page, are reported: warning code and wording."""


class UnsureLine(NamedTuple):
    page: int
    bbox: tuple[float, float, float, float]
    text: str
    conf: float


def unsure_lines(page: Any) -> list[UnsureLine]:
    """The recognised lines of a `pages.PageText` that Tesseract was unsure of."""
    return [
        UnsureLine(page.number, line.bbox, line.text, line.conf)
        for line in page.lines
        if line.conf is not None and line.conf < UNSURE
    ]


def _overlaps(a: BBox, b: BBox) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _value_warnings(x: ReportExtraction, recognised: set[int], unsure: list[UnsureLine]) -> list[ExtractionWarning]:
    out = []
    for k in x.kpi_values:
        if k.page not in recognised:
            continue
        where = f"{x.source_path}, page {k.page}: KPI value {k.value_text!r} ({k.indicator}, {k.fiscal_year} {k.kind})"
        problem = UNREAD.get(k.status)
        if problem is not None:
            out.append(
                ExtractionWarning(
                    code=problem[0],
                    message=f"{where} {problem[1]}",
                    page=k.page,
                    measure=k.measure or None,
                    indicator=k.indicator,
                    text_source="ocr",
                )
            )
        doubts = [u for u in unsure if u.page == k.page and k.bbox is not None and _overlaps(u.bbox, k.bbox)]
        if doubts:
            worst = min(doubts, key=lambda u: u.conf)
            out.append(
                ExtractionWarning(
                    code="ocr_value_unsure",
                    message=f"{where} was recognised with confidence {worst.conf:.2f} (line {worst.text!r})",
                    page=k.page,
                    measure=k.measure or None,
                    indicator=k.indicator,
                    text_source="ocr",
                )
            )
    return out


def _shared_cells(x: ReportExtraction, recognised: set[int]) -> list[ExtractionWarning]:
    """Two KPI values of a recognised page read from one cell (the same box): the rule
    between their rows was not found on the image, so one of them holds the other's figure."""
    by_cell: dict[tuple[int, tuple[float, ...]], list[KpiValue]] = {}
    for k in x.kpi_values:
        if k.page in recognised and k.bbox is not None and k.value_text.strip():
            by_cell.setdefault((k.page, tuple(round(v, 1) for v in k.bbox)), []).append(k)
    out = []
    for (page, _), values in by_cell.items():
        if len(values) < 2:
            continue
        read = ", ".join(f"{k.fiscal_year} {k.kind}" for k in values)
        first = values[0]
        out.append(
            ExtractionWarning(
                code="ocr_cell_shared",
                message=f"{x.source_path}, page {page}: KPI value {first.value_text!r} ({first.indicator}) was read from "
                f"one recognised cell for {read}: a rule between their rows may not have been found on the image",
                page=page,
                measure=first.measure or None,
                indicator=first.indicator,
                text_source="ocr",
            )
        )
    return out


def _unavailable_warning(x: ReportExtraction, reason: str | None) -> list[ExtractionWarning]:
    waiting = [p.page for p in x.pages if "needs_ocr" in p.flags]
    if not waiting or reason is None:
        return []
    listed = ", ".join(map(str, waiting[:10])) + (" …" if len(waiting) > 10 else "")
    return [
        ExtractionWarning(
            code="ocr_unavailable",
            message=f"{x.source_path}: page(s) {listed} have no text layer and were not recognised: {reason}",
            page=waiting[0],
        )
    ]


def mark_recognised(
    x: ReportExtraction, unavailable: str | None, unsure: Sequence[UnsureLine] = ()
) -> ReportExtraction:
    """`x` with its records on recognised pages marked ``text_source='ocr'`` and the OCR
    warnings added."""
    recognised = {p.page for p in x.pages if p.engine == "ocr"}
    update: dict[str, tuple[object, ...]] = {}
    if recognised:
        for name, value in x:
            if isinstance(value, tuple) and value and hasattr(value[0], "text_source"):
                update[name] = tuple(
                    r.model_copy(update={"text_source": "ocr"}) if getattr(r, "page", None) in recognised else r
                    for r in value
                )
    warnings = (
        _value_warnings(x, recognised, list(unsure))
        + _shared_cells(x, recognised)
        + _unavailable_warning(x, unavailable)
    )
    if warnings:
        update["warnings"] = update.get("warnings", x.warnings) + tuple(warnings)
    return x.model_copy(update=update) if update else x
