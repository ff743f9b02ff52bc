"""The Kawasaki SME report as a `ReportFamily`: how an edition is recognised and read, and
what it adds to the warehouse (its tables, views and audit rules)."""

from __future__ import annotations

from nenpo.extractors import edition
from nenpo.extractors.families.kawasaki_sme import rules_kpi, rules_pdca, rules_tables, warehouse
from nenpo.extractors.families.kawasaki_sme.models import KawasakiExtraction
from nenpo.extractors.families.kawasaki_sme.series import FAMILY_ID, SERIES, SERIES_ID
from nenpo.extractors.family import DocumentProbe, Recognition, ReportFamily
from nenpo.extractors.models import EXTRACTOR_VERSION
from nenpo.warehouse.audit import rules_in

CONFIDENCE = {"title": 0.95, "heading": 0.9, "sentence": 0.85, "metadata": 0.8}
"""How sure each kind of edition evidence makes the family (see `extractors.edition`)."""


def recognise(probe: DocumentProbe) -> Recognition | None:
    """An edition when any page or the metadata carries the title, section 4's heading or the
    purpose sentence (本報告書は…), in any layout: the evidence rules of the full reader."""
    finder = edition.EditionFinder(SERIES)
    finder.read_metadata(probe.metadata)
    for number, text in enumerate(probe.page_texts, start=1):
        lines = text.split("\n")
        finder.read_page(number, lines, lines)
    strongest = finder.strongest()
    if strongest is None:
        return None
    return Recognition(
        series=strongest.series or SERIES_ID,
        fiscal_year=strongest.fiscal_year,
        confidence=CONFIDENCE.get(strongest.kind, 0.8),
        why=f"{edition.DESCRIBED[strongest.kind]} {edition.where(strongest)}",
    )


def extract(path, *, claim=None, ocr: str = "auto", verify: str = "auto"):
    from nenpo.extractors.families.kawasaki_sme.report import extract_report

    return extract_report(path, claim=claim, ocr=ocr, verify=verify)


FAMILY = ReportFamily(
    id=FAMILY_ID,
    title="川崎市 中小企業活性化施策実施状況報告書",
    extractor_version=EXTRACTOR_VERSION,
    recognise=recognise,
    extract=extract,
    extraction=KawasakiExtraction,
    tables=warehouse.TABLES,
    views=warehouse.VIEWS,
    rules=rules_in(rules_kpi, rules_tables, rules_pdca),
    priority=10,
)
