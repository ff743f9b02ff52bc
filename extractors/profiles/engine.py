"""Reading a PDF by a profile: the stages, each a plain function.

1. `read_pages`: every page through `pages.open_pdf` (engines, quality, OCR where needed)
   into normalised lines, ruled grids, labelled fields and a reading flow (`layout`);
2. `settle_edition`: the edition's year from the profile's year patterns (a title line,
   the metadata), else the catalogue's claim; neither is an error saying what was sought;
3. `split_records`: the records (sheets) by the profile's `record.starts` (the file, a
   form header on each page, a heading line), each named by its name field;
4. per record: `read_sections` (headings by numbering, brackets, font size, the profile's
   patterns), `read_pdca` (labelled fields and section headings matching a phase's
   aliases), `read_categories` (vocabulary; an unknown value is a warning), `read_tables`
   (grid value cells by their headers: KPI values and costs, `tables`), `read_aligned_kpis`
   (year headers and kind rows printed without rules, by aligned positions) and
   `read_inline_kpis` (targets printed in prose);
5. `table_cells`: every grid, cell by cell; 6. `check_gates`: record counts.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import regex

from nenpo.extractors.models import Measure, PageRecord, ReportExtraction, TableCell
from nenpo.extractors.profiles import layout
from nenpo.extractors.profiles.amounts import read_aligned_kpis, read_inline_kpis, read_tables
from nenpo.extractors.profiles.categories import read_categories, warn_missing_categories
from nenpo.extractors.profiles.editions import settle_edition
from nenpo.extractors.profiles.model import Profile
from nenpo.extractors.profiles.records import split_records
from nenpo.extractors.profiles.sections import read_pdca, read_sections
from nenpo.extractors.profiles.state import CompiledProfile, ProfileReading

__all__ = ["ProfileReading", "extract_by_profile"]


# --- 1. pages ---------------------------------------------------------------------


def read_pages(state: ProfileReading, doc) -> None:
    for page in doc.pages():
        state.page_records.append(
            PageRecord(
                page=page.number,
                engine=page.engine,
                chars=dict(page.chars),
                quality=page.quality,
                flags=tuple(page.flags),
                conf=page.conf,
            )
        )
        state.pages.append(layout.read_page(doc, page))
    number = 0
    for page in state.pages:
        for grid in page.grids:
            number += 1
            state.grid_numbers[id(grid)] = number


# --- 5, 6 ---------------------------------------------------------------------------


def table_cells(state: ProfileReading) -> None:
    for page in state.pages:
        for grid in page.grids:
            table_no = state.grid_numbers[id(grid)]
            for cell in grid.cells:
                if not cell.text:
                    continue
                state.cells.append(
                    TableCell(
                        table_no=table_no,
                        kind=None,
                        page=page.number,
                        row=cell.row,
                        col=cell.col,
                        row_span=cell.row_span,
                        col_span=cell.col_span,
                        text=cell.text,
                        text_raw=cell.raw,
                        read_by="layout",
                        bbox=cell.bbox,
                        text_source=state.text_source(page.number),
                    )
                )


def check_gates(state: ProfileReading) -> None:
    gates = state.profile.profile.gates
    counts = {
        "records": sum(r.parent is None for r in state.records),
        "kpi_values": len(state.kpis),
        "costs": len(state.costs),
    }
    for what in ("records", "kpi_values", "costs"):
        gate = getattr(gates, what)
        if gate is None:
            continue
        expected = gate.expected
        how = "declared"
        if gate.toc is not None:
            toc = regex.compile(gate.toc)
            expected = sum(1 for p in state.pages for l in p.lines if toc.search(l.text))
            how = "table of contents"
        ok = True
        detail = []
        if expected is not None:
            ok = ok and counts[what] == expected
            detail.append(f"expected {expected} ({how})")
        if gate.at_least is not None:
            ok = ok and counts[what] >= gate.at_least
            detail.append(f"at least {gate.at_least}")
        message = f"{what}: read {counts[what]}, " + ", ".join(detail)
        state.gates.append((what, ok, message))
        if not ok:
            state.warn("gate_failed", message)


# --- the whole --------------------------------------------------------------------


def extract_by_profile(
    path: str | Path, profile: Profile, *, claim=None, ocr: str = "auto", verify: str = "auto", keep: list | None = None
) -> ReportExtraction:
    """Read one PDF by a profile (see the module docstring). Raises `pages.PdfError`
    subclasses naming the file: damaged, scanned without OCR, or no edition year.
    `keep`, when given, receives the `ProfileReading` (gate results for `profiles check`)."""
    from nenpo.extractors.pages import open_pdf

    started = time.perf_counter()
    path = Path(path)
    state = ProfileReading(path, CompiledProfile(profile))
    with open_pdf(path, verify=verify, ocr=ocr) as doc:
        read_pages(state, doc)
        unavailable = doc.ocr_unavailable if ocr != "never" else "OCR is switched off (--ocr never)"
        settle_edition(state, doc.metadata, claim, unavailable)
        sha256, page_count = doc.sha256, doc.page_count
    split_records(state)
    body = layout.body_size(state.pages)
    missing: list = []
    for record in state.records:
        sections = read_sections(state, record, body)
        state.sections += [s for s, _ in sections]
        read_pdca(state, record, sections)
        read_categories(state, record, missing)
        read_tables(state, record)
        read_aligned_kpis(state, record)
        read_inline_kpis(state, record, sections)
    warn_missing_categories(state, missing)
    table_cells(state)
    check_gates(state)
    if keep is not None:
        keep.append(state)
    measures = tuple(
        Measure(
            name=r.name,
            name_raw=r.name_raw,
            parent=r.parent,
            page_start=r.pages[0].number if r.pages else 1,
            page_end=r.pages[-1].number if r.pages else 1,
            bbox=r.bbox,
            read_by=r.read_by,
        )
        for r in state.records
    )
    top = [r for r in state.records if r.parent is None]
    part = top[0].name if profile.edition.part == "record" and len(top) == 1 else None
    return ReportExtraction(
        family=profile.id,
        series=profile.series,
        part=part,
        report_fiscal_year=state.fiscal_year,
        title=state.title,
        source_path=str(path),
        sha256=sha256,
        page_count=page_count,
        extractor_version=profile.extractor_version,
        extracted_at=datetime.now(UTC),
        seconds=round(time.perf_counter() - started, 4),
        pages=tuple(state.page_records),
        measures=measures,
        kpi_values=tuple(state.kpis),
        pdca_items=tuple(state.pdca),
        warnings=tuple(state.warnings),
        table_cells=tuple(state.cells),
        sections=tuple(state.sections),
        costs=tuple(state.costs),
        categories=tuple(state.categories),
        edition_evidence=tuple(state.evidence),
    )
