"""A scanned Kawasaki edition whose only text layer is a scanner's stamp and folios is not
claimed by the generic family from its probe: the families' full readers get it first, and
Kawasaki's reads it (through OCR, or says OCR is needed)."""

from __future__ import annotations

from pathlib import Path

import pymupdf
import pytest

from nenpo.extractors import ocr, registry
from nenpo.extractors.dispatch import candidates, extract_edition
from nenpo.extractors.errors import NeedsOcrError
from nenpo.samples.scanned import scan_pdf
from tests.conftest import SAMPLE_EDITIONS

EDITION = SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"
PAGES = 2
STAMP = "Scan MFP-C3504 10:15"
"""18 characters on every page: under what makes a page one with text (20), as a scanner's stamp is."""


def _stamped_scan(tmp_path: Path) -> Path:
    """The edition's first pages scanned, then a stamp on each page, as a scanner's
    software writes it into the text layer."""
    head = tmp_path / "head.pdf"
    with pymupdf.open(EDITION) as src, pymupdf.open() as out:
        out.insert_pdf(src, from_page=0, to_page=PAGES - 1)
        out.save(head)
    scanned = scan_pdf(head, tmp_path / "scanned.pdf")
    stamped = tmp_path / "stamped-scan.pdf"
    with pymupdf.open(scanned) as doc:
        for page in doc:
            page.insert_text((20, 20), STAMP, fontsize=7)
        doc.save(stamped)
    return stamped


@pytest.fixture(scope="module")
def stamped(tmp_path_factory) -> Path:
    return _stamped_scan(tmp_path_factory.mktemp("stamped"))


def test_a_scan_with_a_stamp_is_offered_to_the_families_full_readers(stamped):
    probe = registry.probe(stamped)
    # the text layer holds more than the old whole-document threshold (20 characters) …
    assert sum(len("".join(t.split())) for t in probe.page_texts) > 20
    assert "MFP-C3504" in probe.page_texts[0]
    # … yet no page has text of its own: no family claims the file from its probe
    assert registry.recognise(probe) is None
    order = [f.id for f in candidates(stamped)]
    assert order[0] == "kawasaki-sme" and order[-1] == "generic" and len(order) == len(registry.families())


def test_no_reader_takes_the_stamped_scan_for_a_generic_report(stamped):
    """Every reader declines: the page layer sees scans under a stamp (``needs_ocr``: an
    image covers each page, the stamp's text is a thin layer over it), so with OCR off the
    error is the first reader's, Kawasaki's, saying the file needs OCR and naming the pages."""
    with pytest.raises(NeedsOcrError) as caught:
        extract_edition(stamped, ocr="never")
    message = str(caught.value)
    assert "stamped-scan.pdf" in message and "needs OCR" in message and "switched off" in message
    assert "needs_ocr on p.1,2" in message


def test_with_ocr_kawasakis_reader_reads_a_scan(tmp_path):
    ocr.available.cache_clear()
    if ocr.available() is not None:
        pytest.skip(ocr.available())
    head = tmp_path / "head.pdf"
    with pymupdf.open(EDITION) as src, pymupdf.open() as out:
        out.insert_pdf(src, from_page=0, to_page=PAGES - 1)
        out.save(head)
    scan = scan_pdf(head, tmp_path / "scan.pdf")
    assert [f.id for f in candidates(scan)][0] == "kawasaki-sme"
    x = extract_edition(scan)
    assert x.family == "kawasaki-sme" and x.report_fiscal_year == 2020
    assert {p.engine for p in x.pages} == {"ocr"}


def test_a_document_with_its_text_is_still_the_generic_familys(realpdfs_dir):
    """A report of no known family with a text layer on most pages stays generic."""
    path = realpdfs_dir / "kobe_h30_hoiku_shisetsu_ichiran.pdf"
    if not path.is_file():
        pytest.skip(f"{path} not present")
    found = registry.recognise(registry.probe(path))
    assert found is not None and found[0].id == "generic"
