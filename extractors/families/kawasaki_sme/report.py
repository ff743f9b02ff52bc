"""One PDF edition → a `ReportExtraction`: sheets, KPI values, the other tables, page
quality, warnings.

Every page is read once, through `extractors.pages` (PyMuPDF first, pdfplumber as a
second opinion where PyMuPDF's text is suspect). Each page's lines are normalised once
and then handed to the readers that need them: the edition evidence (`extractors.edition`),
the sheet tracker, the KPI table finder and the other tables (`table_pages`:
statistics, rosters, policy list, budget table, その他の事業, and every ruled grid cell by
cell). The same lines are kept in text order for the whole document
(`text_order`); after the last page, the text-order readings of sheets, KPI
labels and Check/Action blocks run on them and are settled against the positional ones
(`_settle_sheets`, `_indicator`, `_settle_review`): each record says how it was read
(`read_by`), and two readings that disagree are a `readings_disagree` warning.
Nothing here depends on Prefect.
"""

from __future__ import annotations

import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from pydantic import ValidationError

from nenpo.extractors import edition, ocr_findings
from nenpo.extractors.collector import collector_paused
from nenpo.extractors.errors import InvalidRecordError, NeedsOcrError, UnrecognisedReportError
from nenpo.extractors.families.kawasaki_sme import (
    kpi_grammar,
    kpi_pages,
    pdca,
    pdca_text,
    policy_list,
    sheets,
    table_pages,
    text_order,
)
from nenpo.extractors.families.kawasaki_sme.models import KawasakiExtraction
from nenpo.extractors.families.kawasaki_sme.series import FAMILY_ID, SERIES, SERIES_ID
from nenpo.extractors.models import (
    EXTRACTOR_VERSION,
    ExtractionWarning,
    KpiValue,
    Measure,
    PageRecord,
    PdcaItem,
)
from nenpo.extractors.normalise import (
    check_unit_scale,
    normalise_name,
    normalise_text,
    parse_cell,
    parse_unit,
)
from nenpo.extractors.pages import open_pdf


@contextmanager
def _record_on(path: str | Path, page: int | None, what: str):
    """Turn a pydantic validation error into an error naming the file and page."""
    try:
        yield
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc']))}: {e['msg']} (got {e.get('input')!r})" for e in exc.errors()
        )
        raise InvalidRecordError(path, f"invalid {what}: {problems}", page=page) from exc


@dataclass
class NormLine:
    """A page line with its normalised text (`text`) beside the printed one (`raw`)."""

    text: str
    raw: str
    bbox: tuple[float, float, float, float]
    size: float


@dataclass
class _OpenSheet:
    title: sheets.SheetTitle | None
    page_start: int
    page_end: int
    article: tuple[int, str] | None = None
    read_by: str = "layout"
    start: text_order.Where = (0, float("-inf"))
    end: text_order.Where = (0, float("-inf"))
    text: pdca_text.TextSheet | None = None
    items: list[tuple[int, pdca.PageItem]] = field(default_factory=list)
    review: list[PdcaItem] = field(default_factory=list)
    """Check/Action items read in text order (when `review_by_text`)."""
    review_by_text: bool = False

    @property
    def has_review(self) -> bool:
        if self.review_by_text:
            return bool(self.review)
        return any(item.phase in pdca.REVIEW_PHASES for _, item in self.items)

    def holds(self, where: text_order.Where) -> bool:
        return self.start <= where < self.end


@dataclass
class _State:
    """What the single pass over the pages accumulates."""

    path: str
    edition: edition.EditionFinder = field(default_factory=lambda: edition.EditionFinder(SERIES))
    fiscal_year: int | None = None
    sheets: list[_OpenSheet] = field(default_factory=list)
    tables: list[tuple[int, kpi_pages.PageTable]] = field(default_factory=list)
    page_items: list[tuple[int, pdca.PageItem]] = field(default_factory=list)
    claimed: set[int] = field(default_factory=set)
    """Document lines read as a KPI table's label in text order: no other table's label."""
    article_opinions: tuple = ()
    """The opinions per article (`ArticleOpinion`), once the tables are settled."""
    pdca_carry: dict | None = None
    """Per column, the phase of the last PDCA box of the sheet page just read."""
    kpi_carry: tuple[int, kpi_pages.PageTable] | None = None
    """A KPI table at the foot of the page just read, whose rows may go on on the next page."""
    doc: text_order.DocLines = field(default_factory=text_order.DocLines)
    pages: list[PageRecord] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    tables_state: table_pages.TablesState = field(default_factory=table_pages.TablesState)
    ocr_unavailable: str | None = None
    unsure: list[ocr_findings.UnsureLine] = field(default_factory=list)

    def warn(self, code: str, message: str, page: int | None = None, **kw) -> None:
        self.warnings.append(ExtractionWarning(code=code, message=message, page=page, **kw))


def extract_report(
    path: str | Path, *, verify: str = "auto", claim: edition.EditionClaim | None = None, ocr: str = "auto"
) -> KawasakiExtraction:
    """Extract one edition. Raises `PdfError` subclasses naming the file (and page).

    `claim` is what the catalogue or the command line says the edition is; it decides the
    edition only when the file names none (see `extractors.edition`).
    ocr: 'auto' recognises the pages that need it when Tesseract is installed, 'always'
    every page, 'never' none (see `extractors.ocr_pages`)."""
    started = time.perf_counter()
    path = Path(path)
    state = _State(str(path))
    with collector_paused(), open_pdf(path, verify=verify, ocr=ocr) as doc:
        state.edition.read_metadata(doc.metadata)
        for page in doc.pages(rulings=False):  # table_pages asks for rulings where it needs them
            _read_page(state, page, doc)
        sha256, page_count = doc.sha256, doc.page_count
        state.ocr_unavailable = doc.ocr_unavailable if ocr != "never" else "OCR is switched off (--ocr never)"
        _settle_edition(state, path, claim, doc.metadata)
        return ocr_findings.mark_recognised(
            _finish(state, path, sha256, page_count, time.perf_counter() - started), state.ocr_unavailable, state.unsure
        )


def _settle_edition(state: _State, path: Path, claim: edition.EditionClaim | None, metadata: dict) -> None:
    """The edition from the strongest evidence in the file, else from the claim; raises
    `UnrecognisedReportError` saying what was looked for and what was found."""
    if all("needs_ocr" in p.flags or "empty" in p.flags for p in state.pages):
        why = f" ({state.ocr_unavailable})" if state.ocr_unavailable else ""
        raise NeedsOcrError(
            path,
            f"no page has a text layer (scanned?): needs OCR before extraction{why} [{_page_facts(state)}]",
            page=state.pages[0].page if len(state.pages) == 1 else None,
        )
    strongest = state.edition.strongest()
    if strongest is None and claim is not None and claim.fiscal_year is not None:
        series = claim.series or SERIES_ID
        if series is not None:
            strongest = edition.EditionClaim(series, claim.fiscal_year, claim.by).evidence()
            state.edition.evidence.append(strongest)
            state.warn("edition_from_claim", f"{path}: the file names no edition; {edition.describe(strongest)}")
    if strongest is None:
        raise UnrecognisedReportError(
            path,
            "not an edition of a known report series: looked on every page and in the metadata for "
            f"{state.edition.looked_for()}; found {state.edition.found(metadata)} [{_page_facts(state)}]",
        )
    state.fiscal_year = strongest.fiscal_year


def _read_page(state: _State, page, doc=None) -> None:
    state.pages.append(
        PageRecord(
            page=page.number,
            engine=page.engine,
            chars=dict(page.chars),
            quality=page.quality,
            flags=tuple(page.flags),
            conf=page.conf,
        )
    )
    for flag in ("needs_ocr", "garbled", "repaired", "ocr_low_confidence"):
        if flag in page.flags:
            state.warn(flag, f"{state.path}, page {page.number}: {flag.replace('_', ' ')}", page.number)
    state.unsure.extend(ocr_findings.unsure_lines(page))
    lines = [NormLine(normalise_text(l.text), l.text, l.bbox, l.size) for l in page.lines if l.text.strip()]
    if not lines:
        return
    texts = [l.text for l in lines]
    state.edition.read_page(page.number, texts, [l.raw for l in lines])
    state.doc.add(page.number, lines, page.width)
    _track_sheet(state, page, lines, texts)
    sheet = state.sheets[-1] if state.sheets and state.sheets[-1].page_end == page.number else None
    kpi_tables, continued, open_table = kpi_pages.read_page(lines, state.kpi_carry[1] if state.kpi_carry else None)
    if continued and state.kpi_carry is not None:
        carried_page, carried = state.kpi_carry
        if not carried.rows:  # a header alone at the foot of the page before
            state.tables.append((carried_page, carried))
        carried.rows.extend(replace(row, page=page.number) for row in continued)
    state.tables.extend((page.number, table) for table in kpi_tables)
    state.kpi_carry = (
        (page.number, open_table)
        if open_table is not None
        else (
            (page.number, kpi_tables[-1]) if kpi_tables and kpi_pages.at_foot(lines, kpi_tables[-1].bbox[3]) else None
        )
    )
    if sheet is not None:
        kpi_boxes = [t.bbox for t in kpi_tables] + [
            t.indicator_bbox for t in kpi_tables if t.indicator_bbox and _plausible_label(t.indicator)
        ]
        kpi_boxes += [r.bbox for r in continued] + [c.bbox for r in continued for c in r.cells if c.bbox]
        carried = state.pdca_carry if state.doc.two_column.get(page.number) is False else None
        state.page_items.extend(
            (page.number, item) for item in pdca.read_page(lines, page.width, page.height, kpi_boxes, carried)
        )
    state.pdca_carry = pdca.last_phases(lines, page.width) if sheet is not None else None
    with _record_on(state.path, page.number, "table"):
        table_pages.read_page(
            state.tables_state,
            page.number,
            page.height,
            lines,
            rulings=page.rulings if doc is None else (lambda: doc.rulings(page.number)),
            kpi_tables=kpi_tables,
            chars=None if doc is None else (lambda clip: doc.chars(page.number, clip)),
            sheet_page=sheet is not None,
        )


def _track_sheet(state: _State, page, lines: list[NormLine], texts: list[str]) -> None:
    """Sheets by layout, page by page: a page with ``事業計画 Plan`` opens one (titled by
    its largest type, or untitled until the text order names it in `_settle_sheets`),
    following pages with the same title or with Check/Action headings continue it."""
    current = state.sheets[-1] if state.sheets else None
    title = sheets.page_title(lines, texts)
    if sheets.is_sheet_start(texts):
        current = _OpenSheet(title, page.number, page.number)
        state.sheets.append(current)
    elif current and current.page_end == page.number - 1 and sheets.is_sheet_continuation(texts):
        if title is None or current.title is None or title.name == current.title.name:
            current.page_end = page.number
        else:
            return
    else:
        return
    article = sheets.page_article(lines, texts, page.height)
    if article and current.article is None:
        current.article = article


def _settle_sheets(state: _State, listed: list[str]) -> None:
    """Each sheet's title and extent, read by layout or by text order (see `sheets`),
    and its Check/Action block (`_settle_review`)."""
    doc = state.doc
    norm = doc.texts
    found = pdca_text.read_text_sheets(doc.raws, norm)
    on_page: dict[int, list[pdca_text.TextSheet]] = {}
    for t in found:
        if t.title_line < len(doc.pages):
            on_page.setdefault(doc.pages[t.title_line], []).append(t)
    kept: list[_OpenSheet] = []
    for sheet in state.sheets:
        text_sheets = on_page.get(sheet.page_start, [])
        for k, text_sheet in enumerate(text_sheets or [None]):
            if k:  # a second sheet starting on the page: only text order sees it
                sheet = _OpenSheet(None, sheet.page_start, sheet.page_start)
            settled = _settle_title(state, sheet, text_sheet, listed)
            if settled is not None:
                kept.append(settled)
    for k, sheet in enumerate(kept):
        after = kept[k + 1].start if k + 1 < len(kept) else None
        if sheet.read_by == "layout":
            end = (sheet.page_end + 1, float("-inf"))
            sheet.end = min(end, after) if after else end
        elif after is not None:
            sheet.end = after
        elif sheet.text is not None and sheet.text.end_line:
            last = sheet.text.end_line - 1
            sheet.end = (doc.pages[last], doc.lines[last].bbox[1] + 0.5)
        else:
            sheet.end = (sheet.page_end + 1, float("-inf"))
        sheet.page_end = max(sheet.page_start, doc.last_page_before(sheet.end))
        if sheet.read_by == "text_order":  # a footer band holds whichever sheet's footer text order put there
            sheet.article = _article_in(state, sheet)
    state.sheets = kept
    for page_no, item in state.page_items:
        sheet = next((s for s in kept if s.holds((page_no, item.bbox[1]))), None)
        if sheet is not None and (page_no, item.bbox[1]) != sheet.start:  # its title is no item of it
            sheet.items.append((page_no, item))


def _settle_title(
    state: _State,
    sheet: _OpenSheet,
    text_sheet: pdca_text.TextSheet | None,
    listed: list[str],
) -> _OpenSheet | None:
    """The sheet's title by layout or by text order (None: it has none, which is a warning).
    Two titles that differ are a warning; the one the policy list prints wins, else the layout's."""
    doc = state.doc
    sheet.text = text_sheet
    by_text = None
    if text_sheet is not None and not sheets.title_rejected(doc.lines[text_sheet.title_line - 1].text):
        by_text = replace(text_sheet.title, bbox=doc.lines[text_sheet.title_line - 1].bbox)
    by_layout = sheet.title
    if by_layout is not None and by_text is not None and by_layout.name != by_text.name:
        if listed and sheets.listed_name(by_text.name, listed) and not sheets.listed_name(by_layout.name, listed):
            by_layout = None  # the report lists the name text order found, not the largest type's
        state.warn(
            "readings_disagree",
            f"{state.path}, page {sheet.page_start}: the sheet is titled {sheet.title.printed!r} by layout, "
            f"{by_text.printed!r} in text order; kept the {'layout' if by_layout else 'text order'} reading",
            sheet.page_start,
        )
    if by_layout is not None:
        sheet.start = (sheet.page_start, float("-inf"))
    elif by_text is not None:
        sheet.title, sheet.read_by = by_text, "text_order"
        sheet.start = doc.where(text_sheet.title_line - 1)
    else:
        state.warn(
            "sheet_without_title", f"{state.path}, page {sheet.page_start}: sheet has no title", sheet.page_start
        )
        return None
    return sheet


def _article_in(state: _State, sheet: _OpenSheet) -> tuple[int, str] | None:
    """The first article footer (``第12条 創業・経営の革新等の促進``) inside a sheet read by text order."""
    doc = state.doc
    for i in range(doc.page_start(sheet.start[0]), doc.page_start(sheet.end[0] + 1)):
        if not sheet.holds(doc.where(i)):
            continue
        match = sheets.ARTICLE_FOOTER.match(doc.lines[i].text)
        if match:
            return int(match.group("article")), match.group("title")
    return None


def _settle_article(state: _State, sheet: _OpenSheet, listed: list) -> None:
    """The sheet's article from the policy list's entry for its measure (found by name,
    which no layout moves), cross-checked with the sheet's footer; where the list names
    no entry, the footer; where neither, the entry whose 頁 range holds the sheet's
    printed folio. A footer and list that disagree are a warning; the list wins."""
    footer = sheet.article
    entry = policy_list.entry_for_sheet(listed, sheet.title.name, sheet.title.parent, part=policy_list.PARTS[0])
    if entry is not None:
        article = policy_list.listed_article(entry, listed)
        if footer is not None and footer[0] != article[0]:
            state.warn(
                "readings_disagree",
                f"{state.path}, page {sheet.page_start}: the sheet {sheet.title.printed!r} is under 第{footer[0]}条 by "
                f"its footer, 第{article[0]}条 by the policy list ({entry.name_raw!r}); kept the policy list's",
                sheet.page_start,
                measure=sheet.title.name,
            )
        if footer is None or footer[0] != article[0]:
            sheet.article = article
        return
    folio = state.tables_state.folios.get(sheet.page_start)
    if footer is None and folio is not None:  # only a printed folio: a PDF page number says nothing of the list's 頁
        entry = policy_list.article_for(listed, sheet.title.name, folio, part=policy_list.PARTS[0])
        if entry is not None:
            sheet.article = (entry.article, entry.article_title)


def _finish(state: _State, path: Path, sha256: str, page_count: int, seconds: float) -> KawasakiExtraction:
    with _record_on(path, None, "table row"):
        tables = table_pages.finish(state.tables_state, state.path)
    state.warnings.extend(tables.warnings)
    state.article_opinions = tables.article_opinions
    _settle_sheets(state, [e.name for e in tables.policy_list if e.part == policy_list.PARTS[0]])
    listed, changes = sheets.list_parents(tables.policy_list, [s.title for s in state.sheets], policy_list.PARTS[0])
    for change, page in changes:  # the sheet titles settle what the list's text order left open
        state.warn(
            "readings_disagree",
            f"{path}, page {page}: policy list entry {change}; kept the sheet titles' reading",
            page,
        )
    for s in state.sheets:
        _settle_article(state, s, listed)
    measures = []
    for s in state.sheets:
        with _record_on(path, s.page_start, f"measure sheet {s.title.printed!r}"):
            measures.append(
                Measure(
                    name=s.title.name,
                    name_raw=s.title.name_raw,
                    parent=s.title.parent,
                    position=s.title.position,
                    article=s.article[0] if s.article else None,
                    article_title=s.article[1] if s.article else None,
                    page_start=s.page_start,
                    page_end=s.page_end,
                    bbox=s.title.bbox,
                    read_by=s.read_by,
                )
            )
    for m in measures:
        if m.article is None:
            state.warn(
                "article_not_found", f"{path}, page {m.page_start}: no 第N条 footer", m.page_start, measure=m.name
            )
    values: list[KpiValue] = []
    for table_no, (page_no, table) in enumerate(state.tables, start=1):
        sheet = next((s for s in state.sheets if s.holds((page_no, table.columns[0].bbox[1]))), None)
        indicator, read_by = _indicator(state, table_no, page_no, sheet, table)
        measure = sheet.title.name if sheet else None
        values.extend(_kpi_values(state, table_no, page_no, measure, table, indicator, read_by))
    labels = {(state.doc.pages[i], state.doc.lines[i].bbox[:2]) for i in state.claimed}
    for sheet in state.sheets:  # a KPI label read in text order is no PDCA item
        sheet.items = [(p, item) for p, item in sheet.items if (p, item.bbox[:2]) not in labels]
        _settle_trailing(state, sheet)
        _settle_review(state, sheet)
    items = _pdca_items(state)
    evidence = sorted(state.edition.evidence, key=lambda e: edition.KIND_ORDER.index(e.kind))
    titles = [e.text for e in evidence if e.kind == "title"]
    return KawasakiExtraction(
        family=FAMILY_ID,
        series=evidence[0].series,
        report_fiscal_year=state.fiscal_year,
        title=titles[0] if titles else evidence[0].text,
        edition_evidence=tuple(evidence),
        source_path=str(path),
        sha256=sha256,
        page_count=page_count,
        extractor_version=EXTRACTOR_VERSION,
        extracted_at=datetime.now(UTC),
        seconds=seconds,
        pages=tuple(state.pages),
        measures=tuple(measures),
        kpi_values=tuple(values),
        pdca_items=tuple(items),
        article_opinions=tables.article_opinions,
        warnings=tuple(state.warnings),
        stat_values=tables.stat_values,
        committee_members=tables.committee_members,
        policy_list=tuple(listed),
        budget_items=tables.budget_items,
        budget_results=tables.budget_results,
        other_measures=tables.other_measures,
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
                sheet.page_start,
                measure=sheet.title.name,
            )
    return covers


def _pdca_items(state: _State) -> list[PdcaItem]:
    items: list[PdcaItem] = []
    for sheet, covers in zip(state.sheets, _review_covers(state)):
        counts: dict[str, int] = {}
        for page_no, item in sheet.items:
            if item.phase in pdca.REVIEW_PHASES and sheet.review_by_text:
                continue  # the block was read in text order
            counts[item.phase] = counts.get(item.phase, 0) + 1
            with _record_on(state.path, page_no, f"PDCA item of {sheet.title.printed!r}"):
                items.append(
                    PdcaItem(
                        measure=sheet.title.name,
                        parent=sheet.title.parent,
                        phase=item.phase,
                        item_no=counts[item.phase],
                        seq=item.seq,
                        label=item.label,
                        text=item.text,
                        text_raw=item.text_raw,
                        page=page_no,
                        bbox=item.bbox,
                        read_by=item.read_by,
                        covers=covers if item.phase in pdca.REVIEW_PHASES else (sheet.title.name,),
                    )
                )
        for item in sheet.review:
            counts[item.phase] = counts.get(item.phase, 0) + 1
            items.append(item.model_copy(update={"item_no": counts[item.phase], "covers": covers}))
    return items


def _one_column(state: _State) -> bool:
    """No sheet page of the edition has a second column (a page of a two-column sheet may
    happen to fill only its left column)."""
    doc = state.doc
    return not any(doc.two_column.get(p) for s in state.sheets for p in range(s.page_start, s.page_end + 1))


def _settle_trailing(state: _State, sheet: _OpenSheet) -> None:
    """On an edition set in one column, the sheet's Plan/Do items read in text order with
    the headings among them (`pdca.settle_trailing`): a box whose heading is printed after
    its items takes them from the box before. Items that move are a `readings_disagree`
    warning (the positional reading put them under the heading above)."""
    if not _one_column(state):
        return
    doc = state.doc
    at: dict[tuple[int, float], list[pdca.PageItem]] = {}
    for page_no, item in sheet.items:
        if item.phase not in pdca.REVIEW_PHASES:
            at.setdefault((page_no, item.bbox[1]), []).append(item)
    sequence: list = []
    for i in range(doc.page_start(sheet.start[0]), doc.page_start(sheet.end[0] + 1)):
        if not sheet.holds(doc.where(i)):
            continue
        found, phase = pdca.heading_phase(doc.lines[i].text)
        if found:
            sequence.append(pdca.HeadingMark(phase))
        else:
            sequence.extend(sorted(at.pop((doc.pages[i], doc.lines[i].bbox[1]), []), key=lambda it: it.bbox[0]))
    moved = pdca.settle_trailing(sequence)
    if moved:
        phases = ", ".join(f"{n} to {p}" for p, n in Counter(item.phase for item in moved).items())
        state.warn(
            "readings_disagree",
            f"{state.path}, page {sheet.page_start}: {len(moved)} PDCA items of {sheet.title.printed!r} sit under "
            f"the heading above them but belong to a heading printed after them ({phases}); kept the text order reading",
            sheet.page_start,
            measure=sheet.title.name,
        )


def _settle_review(state: _State, sheet: _OpenSheet) -> None:
    """A sheet's Check/Action items, by layout (its boxes) or by text order (the numbered
    block after 主な検証意見 Check). The boxes' positions are kept when they yield opinions
    and, on sheets set in one column (no sheet page of the edition has a second column),
    agree with the text order's counts: only they tell a COVID opinion by its box. The
    text order is kept where the layout yields no opinion but the text order a numbered
    block, and on one-column sheets where the two differ number for number (a text-order typesetting
    prints the Check and Action headings one after the other and every item under the
    second; the numbering still tells opinions from responses). On a one-column sheet
    without a text-order block, stray layout items (under a heading of the next sheet's
    box) are dropped. Both yielding different counts is a warning."""
    doc = state.doc
    by_layout = [(page_no, item) for page_no, item in sheet.items if item.phase in pdca.REVIEW_PHASES]
    text = sheet.text
    opinions = responses = []
    if text is not None and text.check_line is not None and sheet.holds(doc.where(text.check_line - 1)):
        opinions, responses = text.opinions, text.responses
    layout_opinions = [i for _, i in by_layout if i.phase in ("check", "covid_check") and i.label]
    layout_responses = [i for _, i in by_layout if i.phase == "action" and i.label]
    one_column = _one_column(state)
    agree = [i.seq for _, i in by_layout if i.phase != "action"] == [o.seq for o in opinions] and [
        i.seq for _, i in by_layout if i.phase == "action"
    ] == [r.seq for r in responses]  # the same items, number for number
    sheet.review_by_text = (bool(opinions) and (not layout_opinions or (one_column and not agree))) or (
        one_column and not opinions and not layout_opinions
    )
    if opinions and layout_opinions and not agree:
        state.warn(
            "readings_disagree",
            f"{state.path}, page {sheet.page_start}: the Check/Action block of {sheet.title.printed!r} reads "
            f"{len(layout_opinions)} opinions and {len(layout_responses)} responses by layout, "
            f"{len(opinions)} and {len(responses)} in text order; kept the "
            f"{'text order' if sheet.review_by_text else 'layout'} reading",
            sheet.page_start,
            measure=sheet.title.name,
        )
    if not sheet.review_by_text:
        return
    doc = state.doc
    late = text.first_covid if text is not None and text.first_covid else len(opinions)
    if text is not None and text.first_late and sheet.article is not None:  # the article's opinions quote the sheets'
        said = [o for o in state.article_opinions if o.article == sheet.article[0]]
        late = pdca_text.covid_opinions(
            opinions,
            text.first_late,
            text.has_covid_box,
            [o.text for o in said if o.kind == "covid"],
            [o.text for o in said if o.kind == "overall"],
        )
    for phase, run in (("check", opinions[:late]), ("covid_check", opinions[late:]), ("action", responses)):
        for item in run:
            first, last = item.line - 1, max(item.line, item.end_line) - 1
            boxes = [doc.lines[i].bbox for i in range(first, last + 1) if doc.pages[i] == doc.pages[first]]
            with _record_on(state.path, doc.pages[first], f"PDCA item of {sheet.title.printed!r}"):
                sheet.review.append(
                    PdcaItem(
                        measure=sheet.title.name,
                        parent=sheet.title.parent,
                        phase=phase,
                        item_no=1,
                        seq=item.seq,
                        label=item.label,
                        text=item.text,
                        text_raw=item.text_raw,
                        page=doc.pages[first],
                        bbox=kpi_pages._union(boxes),
                        read_by="text_order",
                    )
                )


def _indicator(
    state: _State,
    table_no: int,
    page: int,
    sheet: _OpenSheet | None,
    table: kpi_pages.PageTable,
) -> tuple[str | None, str]:
    """A KPI table's indicator label and how it was read: by position (the label right above
    the table in its column) or by text order (`kpi_grammar.indicator_in_text_order`). On a
    page set in two columns positions win a disagreement; on a page in one column the text
    order does (the label printed above the table may belong to another box there), unless
    the page was recognised: its lines' order is then Tesseract's, not the printer's."""
    doc = state.doc
    header = doc.index_of(page, table.columns[0].bbox)
    by_text = None
    if header is not None:
        floor = doc.page_start(sheet.start[0]) if sheet else max(0, header - 60)
        if sheet is not None:
            while floor < header and not sheet.holds(doc.where(floor)):
                floor += 1
        ceiling = min(len(doc.lines), header + 40)
        found = kpi_grammar.indicator_in_text_order(
            doc.texts_view(),
            header,
            floor,
            ceiling,
            _heading_kind,
            doc.fills_measure,
            state.claimed,
        )
        if found is not None:
            lines, name = found
            state.claimed.update(lines)
            by_text = name if name is not None else "".join(doc.lines[i].raw.strip() for i in lines)
    by_layout = table.indicator
    if by_layout is not None and not _plausible_label(by_layout):
        by_layout = None  # a paragraph above the table, not its label
    if by_layout is None or by_text is None:
        return (by_layout, "layout") if by_layout is not None else (by_text, "text_order")
    if normalise_name(by_layout) == normalise_name(by_text):
        return by_layout, "layout"
    recognised = any(p.page == page and p.engine == "ocr" for p in state.pages)
    chosen = (by_layout, "layout") if doc.two_column.get(page) or recognised else (by_text, "text_order")
    state.warn(
        "readings_disagree",
        f"{state.path}, page {page}: KPI table {table_no} is labelled {by_layout!r} by position, "
        f"{by_text!r} in text order; kept the {chosen[1].replace('_', ' ')} reading",
        page,
        measure=sheet.title.name if sheet else None,
    )
    return chosen


LABEL_MAX = 80  # characters: an indicator label is a name, not a paragraph


def _plausible_label(label: str | None) -> bool:
    """A label is a name: short, and no sentence (``○…支援した。`` above a table is a paragraph)."""
    return label is not None and len(label) <= LABEL_MAX and "。" not in label


def _heading_kind(text: str) -> str | None:
    """A box heading's phase, 'kpi' for the KPI box, None for any other line."""
    found, phase = pdca.heading_phase(text)
    return (phase or "kpi") if found else None


def _page_facts(state: _State) -> str:
    """What the page layer saw, for error messages: pages, engines, flags by page."""
    engines = sorted({p.engine for p in state.pages})
    flagged: dict[str, list[int]] = {}
    for p in state.pages:
        for flag in p.flags:
            flagged.setdefault(flag, []).append(p.page)
    flags = "; ".join(
        f"{flag} on p.{','.join(map(str, pages[:5]))}{'…' if len(pages) > 5 else ''}"
        for flag, pages in sorted(flagged.items())
    )
    chars = {}
    for p in state.pages:
        for engine, n in p.chars.items():
            chars[engine] = chars.get(engine, 0) + n
    return f"{len(state.pages)} page(s), text from {'/'.join(engines)}, characters {chars}" + (
        f", {flags}" if flags else ""
    )


def _kpi_values(
    state: _State,
    table_no: int,
    page: int,
    measure: str | None,
    table: kpi_pages.PageTable,
    label: str | None,
    read_by: str,
) -> list[KpiValue]:
    where = f"{state.path}, page {page}"
    if measure is None:
        state.warn("kpi_outside_sheet", f"{where}: KPI table {table_no} is not on a measure sheet", page)
        measure = ""
    indicator_raw = label or f"(table {table_no})"
    if label is None:
        state.warn(
            "indicator_not_found", f"{where}: no indicator label above KPI table {table_no}", page, measure=measure
        )
    indicator = normalise_name(indicator_raw)
    years = [c.fiscal_year for c in table.columns]
    expected = [state.fiscal_year - 1, state.fiscal_year]
    if years != expected:
        state.warn(
            "unexpected_year_columns",
            f"{where}: KPI table {table_no} prints years {years}, expected {expected}",
            page,
            measure=measure,
            indicator=indicator,
        )
    units = {row.kind: parse_unit(row.unit_text) for row in table.rows}
    _check_units(state, where, page, measure, indicator, table, units)
    values = []
    for row in table.rows:
        unit = units[row.kind]
        for column, cell in zip(table.columns, row.cells):
            parsed = parse_cell(cell.text, unit)
            with _record_on(state.path, page, f"KPI value in table {table_no} ({indicator_raw}, {column.text})"):
                values.append(
                    KpiValue(
                        measure=measure,
                        indicator=indicator,
                        indicator_raw=indicator_raw,
                        unit=normalise_text(row.unit_text) or None,
                        unit_raw=row.unit_text or None,
                        fiscal_year=column.fiscal_year,
                        kind=row.kind,
                        value=parsed.value,
                        value_text=cell.text,
                        status=parsed.status,
                        annotation=parsed.annotation,
                        sub_value=parsed.sub_value,
                        table_no=table_no,
                        page=row.page or page,
                        bbox=cell.bbox or row.bbox,
                        read_by=read_by,
                    )
                )
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
        page,
        measure=measure,
        indicator=indicator,
    )
