"""The family registry: families found through the ``nenpo.families`` entry points, a
probe of a real PDF, recognition by confidence then priority."""

from __future__ import annotations

from dataclasses import replace

import pytest

from nenpo.extractors import registry
from nenpo.extractors.family import DocumentProbe, Recognition, ReportFamily
from nenpo.extractors.pages import PdfError
from tests.conftest import REPO_ROOT

REPO = REPO_ROOT
SAMPLE_SETS = ("editions", "editions-text-order", "editions-mincho")


def test_the_kawasaki_family_is_found_through_its_entry_point():
    ids = [f.id for f in registry.families()]
    assert "kawasaki-sme" in ids
    found = registry.family("kawasaki-sme")
    assert found.title.startswith("川崎市")
    assert "nenpo.extractors.families.kawasaki_sme" in found.source


def test_an_unknown_family_lists_the_known_ones():
    with pytest.raises(registry.UnknownFamilyError) as err:
        registry.family("no-such-family")
    assert "no-such-family" in str(err.value) and "kawasaki-sme" in str(err.value)


@pytest.mark.parametrize("folder", SAMPLE_SETS)
def test_every_sample_layout_is_recognised_with_its_year(folder):
    pdfs = sorted((REPO / "samples" / folder).glob("*.pdf"))
    assert len(pdfs) == 3
    for pdf in pdfs:
        probe = registry.probe(pdf)
        assert len(probe.page_texts) > 1 and len(probe.sha256) == 64
        chosen = registry.recognise(probe)
        assert chosen is not None, pdf
        family, recognition = chosen
        year = int(pdf.name.split("-fy")[1][:4])
        assert (family.id, recognition.series, recognition.fiscal_year) == ("kawasaki-sme", "kawasaki-sme", year)


def test_the_reference_in_layout_b_is_recognised_by_its_body(reference_lines, tmp_path):
    """Layout (b) has no cover, title line or metadata: the section heading or the purpose
    sentence on an inner page names the edition."""
    from nenpo.samples.layouts.text_order import render_text_order

    probe = registry.probe(render_text_order(reference_lines, tmp_path / "fy2020-b.pdf"))
    family, recognition = registry.recognise(probe)
    assert (family.id, recognition.fiscal_year) == ("kawasaki-sme", 2020)
    assert "title" not in recognition.why.split()[0]


def test_a_pdf_of_another_report_is_not_kawasakis(realpdfs_dir):
    probe = registry.probe(realpdfs_dir / "kobe_h30_hoiku_shisetsu_ichiran.pdf")
    assert registry.family("kawasaki-sme").recognise(probe) is None


def test_a_file_that_is_no_pdf_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "notes.pdf"
    bad.write_text("not a pdf")
    with pytest.raises(PdfError, match="notes.pdf"):
        registry.probe(bad)


def _always(confidence: float, fid: str, priority: int) -> ReportFamily:
    def recognise(probe: DocumentProbe) -> Recognition:
        return Recognition(series=fid, fiscal_year=None, confidence=confidence, why="always")

    return ReportFamily(
        id=fid, title=fid, extractor_version="0", recognise=recognise, extract=lambda *a, **k: None, priority=priority
    )


def test_highest_confidence_wins_then_priority(monkeypatch):
    """A catch-all family with a low confidence and the lowest priority takes only what no
    other family recognises."""
    pdf = REPO / "samples" / "editions" / "kawasaki-sme-fy2020.pdf"
    probe = registry.probe(pdf)
    kawasaki = registry.family("kawasaki-sme")
    catch_all = _always(0.1, "catch-all", -100)
    monkeypatch.setattr(registry, "_registered", lambda: {"kawasaki-sme": kawasaki, "catch-all": catch_all})
    assert registry.recognise(probe)[0].id == "kawasaki-sme"
    other = replace(probe, page_texts=("何か別の報告書",), metadata={})
    assert registry.recognise(other)[0].id == "catch-all"
    tie = _always(0.1, "tie", 5)
    monkeypatch.setattr(registry, "_registered", lambda: {"catch-all": catch_all, "tie": tie})
    assert registry.recognise(other)[0].id == "tie"


def declared_in_a_file() -> list[ReportFamily]:
    """What a profile plug-in's entry point loads: a function returning several families."""
    return [_always(0.2, "profile-a", 0), _always(0.2, "profile-b", 0)]


def test_an_entry_point_may_load_a_function_returning_families():
    from importlib.metadata import EntryPoint

    found = registry._declared(
        EntryPoint("profiles", "tests.core.test_families:declared_in_a_file", registry.ENTRY_POINT_GROUP)
    )
    assert [f.id for f in found] == ["profile-a", "profile-b"]
    assert all(f.source.startswith("tests.core.test_families:declared_in_a_file") for f in found)


def test_an_entry_point_loading_something_else_is_a_clear_error():
    from importlib.metadata import EntryPoint

    with pytest.raises(registry.FamilyDeclarationError, match="entry point 'bad'.*os.path:sep.*not a ReportFamily"):
        registry._declared(EntryPoint("bad", "os.path:sep", registry.ENTRY_POINT_GROUP))
