"""The cyclic garbage collector is paused while a report is extracted, and always restored."""

import gc

import pytest

from nenpo.extractors.collector import collector_paused
from nenpo.extractors.families.kawasaki_sme.report import extract_report
from nenpo.extractors.pages import PdfError
from tests.conftest import SAMPLE_EDITIONS


def test_paused_inside_restored_after_even_on_error():
    assert gc.isenabled()
    with pytest.raises(ValueError), collector_paused():
        assert not gc.isenabled()
        with collector_paused():  # nested: the outer block decides
            pass
        assert not gc.isenabled()
        raise ValueError("boom")
    assert gc.isenabled()


def test_a_collector_disabled_by_the_caller_stays_disabled():
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_extraction_runs_with_the_collector_paused_and_gives_it_back(monkeypatch, tmp_path):
    seen = []
    from nenpo.extractors.families.kawasaki_sme import report

    real = report._read_page
    monkeypatch.setattr(report, "_read_page", lambda *a, **k: (seen.append(gc.isenabled()), real(*a, **k))[1])
    x = extract_report(sorted(SAMPLE_EDITIONS.glob("*.pdf"))[0])
    assert seen and not any(seen) and len(seen) == x.page_count
    assert gc.isenabled()
    bad = tmp_path / "bad.pdf"
    bad.write_bytes(b"%PDF-1.4 not really")
    with pytest.raises(PdfError, match="bad.pdf"):
        extract_report(bad)
    assert gc.isenabled()


def test_an_extraction_read_back_from_json_is_equal_and_the_collector_is_back():
    from nenpo.extractors.models import ReportExtraction

    x = extract_report(sorted(SAMPLE_EDITIONS.glob("*.pdf"))[1])
    assert ReportExtraction.from_json(x.model_dump_json()) == x
    assert gc.isenabled()
