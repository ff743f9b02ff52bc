"""One PDF edition → a `ReportExtraction`: sheets, KPI values, the other tables, page
quality, warnings.

Every page is read once, through `extractors.pages` (PyMuPDF first, pdfplumber as a
second opinion where PyMuPDF's text is suspect). Each page's lines are normalised once
and then handed to the readers that need them: the edition detector, the sheet tracker,
the KPI table finder and the other tables (`extractors.table_pages`: statistics,
rosters, policy list, budget table, その他の事業, and every ruled grid cell by cell).
Nothing here depends on Prefect.
"""

from __future__ import annotations

import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import regex
from pydantic import ValidationError

from nenpo.extractors import article_opinions, kpi_pages, ocr_findings, pdca, policy_list, sheets, table_pages
from nenpo.extractors.collector import collector_paused
from nenpo.extractors.models import (
    EXTRACTOR_VERSION,
    ArticleOpinion,
    ExtractionWarning,
    KpiValue,
    Measure,
    PageRecord,
    PdcaItem,
    ReportExtraction,
)
from nenpo.extractors.normalise import (
    check_unit_scale,
    normalise_name,
    normalise_text,
    parse_cell,
    parse_unit,
    parse_year,
)
from nenpo.extractors.pages import PdfError, TextLine, open_pdf


class UnrecognisedReportError(PdfError):
    """The PDF opened, but it is not an edition of a known report series."""


class NeedsOcrError(PdfError):
    """No page of the PDF has a text layer: it is a scan and needs OCR first."""


class InvalidRecordError(PdfError):
    """A value read from a page does not make a valid record (e.g. a year out of range)."""


@contextmanager
def _record_on(path: str | Path, page: int | None, what: str):
    """Turn a pydantic validation error into an error naming the file and page."""
    try:
        yield
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors())
        raise InvalidRecordError(path, f"invalid {what}: {problems}", page=page) from exc


@dataclass(frozen=True)
class Series:
    """A report family nenpo knows: how to recognise an edition and read its year."""

    id: str
    title: regex.Pattern
    """Matches the edition title on its first pages; the ``year`` group is the fiscal year."""


SERIES: tuple[Series, ...] = (
    Series(
        "kawasaki-sme",
        regex.compile(
            r"(?P<year>(?:令和|平成)\s*(?:元|[0-9]{1,2})\s*(?:\(\s*[0-9]{4}\s*\))?\s*年度)\s*"
            r"中小企業活性化施策(?:の)?実施状況(?:報告書)?"
        ),
    ),
)
"""Title patterns, e.g. ``令和２年度 中小企業活性化施策実施状況報告書`` (after normalisation:
``令和2年度 中小企業活性化施策実施状況報告書``) or the section heading
``令和2(2020)年度中小企業活性化施策の実施状況``."""

TITLE_PAGES = 5  # the title and section 4 heading are printed within the first pages


@dataclass
class NormLine:
    """A page line with its normalised text (`text`) beside the printed one (`raw`)."""

    text: str
    raw: str
    bbox: tuple[float, float, float, float]
    size: float


@dataclass
class _OpenSheet:
    title: sheets.SheetTitle
    page_start: int
    page_end: int
    article: tuple[int, str] | None = None
    items: list[tuple[int, pdca.PageItem]] = field(default_factory=list)

    @property
    def has_review(self) -> bool:
        return any(item.phase in pdca.REVIEW_PHASES for _, item in self.items)


@dataclass
class _State:
    """What the single pass over the pages accumulates."""

    path: str
    series: Series | None = None
    fiscal_year: int | None = None
    title: str | None = None
    sheets: list[_OpenSheet] = field(default_factory=list)
    tables: list[tuple[int, str | None, kpi_pages.PageTable]] = field(default_factory=list)
    opinions: list[tuple[int, article_opinions.TableOpinion]] = field(default_factory=list)
    pages: list[PageRecord] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    tables_state: table_pages.TablesState = field(default_factory=table_pages.TablesState)
    ocr_unavailable: str | None = None
    unsure: list[ocr_findings.UnsureLine] = field(default_factory=list)

    def warn(self, code: str, message: str, page: int | None = None, **kw) -> None:
        self.warnings.append(ExtractionWarning(code=code, message=message, page=page, **kw))


def extract_report(path: str | Path, *, verify: str = "auto", ocr: str = "auto") -> ReportExtraction:
    """Extract one edition. Raises `PdfError` subclasses naming the file (and page).

    ocr: 'auto' recognises the pages that need it when Tesseract is installed, 'always'
    every page, 'never' none (see `extractors.ocr_pages`)."""
    started = time.perf_counter()
    path = Path(path)
    state = _State(str(path))
    with collector_paused(), open_pdf(path, verify=verify, ocr=ocr) as doc:
        for page in doc.pages(rulings=False):  # table_pages asks for rulings where it needs them
            _read_page(state, page, doc)
        sha256, page_count = doc.sha256, doc.page_count
        state.ocr_unavailable = doc.ocr_unavailable if ocr != "never" else "OCR is switched off (--ocr never)"
        return ocr_findings.mark_recognised(
            _finish(state, path, sha256, page_count, time.perf_counter() - started), state.ocr_unavailable, state.unsure
        )


def _read_page(state: _State, page, doc=None) -> None:
    state.pages.append(PageRecord(
        page=page.number, engine=page.engine, chars=dict(page.chars), quality=page.quality, flags=tuple(page.flags),
        conf=page.conf,
    ))
    for flag in ("needs_ocr", "garbled", "repaired", "ocr_low_confidence"):
        if flag in page.flags:
            state.warn(flag, f"{state.path}, page {page.number}: {flag.replace('_', ' ')}", page.number)
    state.unsure.extend(ocr_findings.unsure_lines(page))
    lines = [NormLine(normalise_text(l.text), l.text, l.bbox, l.size) for l in page.lines if l.text.strip()]
    if not lines:
        return
    texts = [l.text for l in lines]
    if state.fiscal_year is None and page.number <= TITLE_PAGES:
        _detect_edition(state, lines)
    _track_sheet(state, page, lines, texts)
    sheet = state.sheets[-1] if state.sheets and state.sheets[-1].page_end == page.number else None
    kpi_tables = kpi_pages.find_tables(lines)
    for table in kpi_tables:
        state.tables.append((page.number, sheet.title.name if sheet else None, table))
    if sheet is not None:
        sheet.items.extend((page.number, item) for item in pdca.read_page(lines, page.width, page.height))
    elif article_opinions.is_table_page(lines):
        state.opinions.extend((page.number, opinion) for opinion in article_opinions.read_page(lines, page.height))
    with _record_on(state.path, page.number, "table"):
        table_pages.read_page(
            state.tables_state, page.number, page.height, lines,
            rulings=page.rulings if doc is None else (lambda: doc.rulings(page.number)),
            kpi_tables=kpi_tables, chars=None if doc is None else (lambda clip: doc.chars(page.number, clip)),
            sheet_page=sheet is not None,
        )


def _detect_edition(state: _State, lines: list[NormLine]) -> None:
    for line in lines:
        for series in SERIES:
            match = series.title.search(line.text)
            if match:
                year = parse_year(match.group("year"))
                if year is not None:
                    state.series, state.fiscal_year, state.title = series, year.year, line.raw.strip()
                    return


def _track_sheet(state: _State, page, lines: list[NormLine], texts: list[str]) -> None:
    current = state.sheets[-1] if state.sheets else None
    title = sheets.page_title(lines, texts)
    if sheets.is_sheet_start(texts):
        if title is None:
            state.warn("sheet_without_title", f"{state.path}, page {page.number}: sheet has no title", page.number)
            return
        current = _OpenSheet(title, page.number, page.number)
        state.sheets.append(current)
    elif current and current.page_end == page.number - 1 and sheets.is_sheet_continuation(texts):
        if title is None or title.name == current.title.name:
            current.page_end = page.number
        else:
            return
    else:
        return
    article = sheets.page_article(lines, texts, page.height)
    if article and current.article is None:
        current.article = article


def _finish(state: _State, path: Path, sha256: str, page_count: int, seconds: float) -> ReportExtraction:
    if all("needs_ocr" in p.flags or "empty" in p.flags for p in state.pages):
        why = f" ({state.ocr_unavailable})" if state.ocr_unavailable else ""
        raise NeedsOcrError(
            path, f"no page has a text layer (scanned?): needs OCR before extraction{why} [{_page_facts(state)}]",
            page=state.pages[0].page if len(state.pages) == 1 else None,
        )
    if state.series is None or state.fiscal_year is None:
        raise UnrecognisedReportError(
            path, "not an edition of a known report series: no title with a fiscal year "
            f"(e.g. 令和２年度 中小企業活性化施策実施状況報告書) on pages 1-{TITLE_PAGES} [{_page_facts(state)}]",
        )
    with _record_on(path, None, "table row"):
        tables = table_pages.finish(state.tables_state)
    for s in state.sheets:
        if s.article is None:  # no footer: the policy list names the article
            folio = state.tables_state.folios.get(s.page_start, s.page_start)
            entry = policy_list.article_for(tables.policy_list, s.title.name, folio, part=policy_list.PARTS[0])
            if entry is not None:
                s.article = (entry.article, entry.article_title)
    measures = []
    for s in state.sheets:
        with _record_on(path, s.page_start, f"measure sheet {s.title.printed!r}"):
            measures.append(Measure(
                name=s.title.name, name_raw=s.title.name_raw, parent=s.title.parent, position=s.title.position,
                article=s.article[0] if s.article else None, article_title=s.article[1] if s.article else None,
                page_start=s.page_start, page_end=s.page_end, bbox=s.title.bbox,
            ))
    for m in measures:
        if m.article is None:
            state.warn("article_not_found", f"{path}, page {m.page_start}: no 第N条 footer", m.page_start, measure=m.name)
    values: list[KpiValue] = []
    for table_no, (page_no, measure, table) in enumerate(state.tables, start=1):
        values.extend(_kpi_values(state, table_no, page_no, measure, table))
    items = _pdca_items(state)
    opinions = []
    for page_no, o in state.opinions:
        with _record_on(path, page_no, f"article opinion ({o.article}条 {o.kind_raw})"):
            opinions.append(ArticleOpinion(
                article=o.article, policy=o.policy, policy_raw=o.policy_raw, kind=o.kind, kind_raw=o.kind_raw,
                text=o.text, text_raw=o.text_raw, page=page_no, bbox=o.bbox,
            ))
    return ReportExtraction(
        series=state.series.id, report_fiscal_year=state.fiscal_year, title=state.title or "",
        source_path=str(path), sha256=sha256, page_count=page_count, extractor_version=EXTRACTOR_VERSION,
        extracted_at=datetime.now(timezone.utc), seconds=seconds, pages=tuple(state.pages),
        measures=tuple(measures), kpi_values=tuple(values), pdca_items=tuple(items),
        article_opinions=tuple(opinions), warnings=tuple(state.warnings),
        stat_values=tables.stat_values, committee_members=tables.committee_members, policy_list=tables.policy_list,
        budget_items=tables.budget_items, budget_results=tables.budget_results, other_measures=tables.other_measures,
        table_cells=tables.table_cells,
    )


def _review_covers(state: _State) -> list[tuple[str, ...]]:
    """Per sheet, the measures its items apply to (a shared Check/Action block: every
    sub-measure of the group); warns about sheets whose review no block covers."""
    groups = pdca.review_groups([(s.title.parent, s.title.position, s.has_review) for s in state.sheets])
    covers = [
        tuple(state.sheets[j].title.name for j in group) or (sheet.title.name,)
        for sheet, group in zip(state.sheets, groups)
    ]
    covered = {j for group in groups for j in group}
    for i, sheet in enumerate(state.sheets):
        if i not in covered:
            state.warn(
                "review_not_found",
                f"{state.path}, page {sheet.page_start}: no Check/Action block on the sheet of "
                f"{sheet.title.printed!r}, nor on a later sheet of its parent",
                sheet.page_start, measure=sheet.title.name,
            )
    return covers


def _pdca_items(state: _State) -> list[PdcaItem]:
    items: list[PdcaItem] = []
    for sheet, covers in zip(state.sheets, _review_covers(state)):
        counts: dict[str, int] = {}
        for page_no, item in sheet.items:
            counts[item.phase] = counts.get(item.phase, 0) + 1
            with _record_on(state.path, page_no, f"PDCA item of {sheet.title.printed!r}"):
                items.append(PdcaItem(
                    measure=sheet.title.name, parent=sheet.title.parent, phase=item.phase,
                    item_no=counts[item.phase], seq=item.seq, label=item.label, text=item.text,
                    text_raw=item.text_raw, page=page_no, bbox=item.bbox,
                    covers=covers if item.phase in pdca.REVIEW_PHASES else (sheet.title.name,),
                ))
    return items


def _page_facts(state: _State) -> str:
    """What the page layer saw, for error messages: pages, engines, flags by page."""
    engines = sorted({p.engine for p in state.pages})
    flagged: dict[str, list[int]] = {}
    for p in state.pages:
        for flag in p.flags:
            flagged.setdefault(flag, []).append(p.page)
    flags = "; ".join(f"{flag} on p.{','.join(map(str, pages[:5]))}{'…' if len(pages) > 5 else ''}"
                      for flag, pages in sorted(flagged.items()))
    chars = {}
    for p in state.pages:
        for engine, n in p.chars.items():
            chars[engine] = chars.get(engine, 0) + n
    return f"{len(state.pages)} page(s), text from {'/'.join(engines)}, characters {chars}" + (f", {flags}" if flags else "")


def _kpi_values(state: _State, table_no: int, page: int, measure: str | None, table: kpi_pages.PageTable) -> list[KpiValue]:
    where = f"{state.path}, page {page}"
    if measure is None:
        state.warn("kpi_outside_sheet", f"{where}: KPI table {table_no} is not on a measure sheet", page)
        measure = ""
    indicator_raw = table.indicator or f"(table {table_no})"
    if table.indicator is None:
        state.warn("indicator_not_found", f"{where}: no indicator label above KPI table {table_no}", page, measure=measure)
    indicator = normalise_name(indicator_raw)
    years = [c.fiscal_year for c in table.columns]
    expected = [state.fiscal_year - 1, state.fiscal_year]
    if years != expected:
        state.warn(
            "unexpected_year_columns", f"{where}: KPI table {table_no} prints years {years}, expected {expected}",
            page, measure=measure, indicator=indicator,
        )
    units = {row.kind: parse_unit(row.unit_text) for row in table.rows}
    _check_units(state, where, page, measure, indicator, table, units)
    values = []
    for row in table.rows:
        unit = units[row.kind]
        for column, cell in zip(table.columns, row.cells):
            parsed = parse_cell(cell.text, unit)
            with _record_on(state.path, page, f"KPI value in table {table_no} ({indicator_raw}, {column.text})"):
                values.append(KpiValue(
                    measure=measure, indicator=indicator, indicator_raw=indicator_raw,
                    unit=normalise_text(row.unit_text) or None,
                    unit_raw=row.unit_text or None,
                    fiscal_year=column.fiscal_year, kind=row.kind, value=parsed.value, value_text=cell.text,
                    status=parsed.status, annotation=parsed.annotation, sub_value=parsed.sub_value,
                    table_no=table_no, page=page, bbox=cell.bbox or row.bbox,
                ))
    return values


def _check_units(state, where, page, measure, indicator, table, units) -> None:
    target, actual = units.get("target"), units.get("actual")
    if not (target and actual) or normalise_text(target.printed) == normalise_text(actual.printed):
        return
    numbers = {
        row.kind: [v for v in (parse_cell(c.text, units[row.kind]).value for c in row.cells) if v is not None]
        for row in table.rows
    }
    check = check_unit_scale(actual, numbers.get("actual", []), reference_unit=target)
    state.warn(
        "unit_mismatch",
        f"{where}: target unit {target.printed!r} and actual unit {actual.printed!r} differ"
        + (f" ({check.detail})" if check.detail else ""),
        page, measure=measure, indicator=indicator,
    )
