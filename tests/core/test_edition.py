"""Which edition a PDF is, from evidence anywhere in it (`extractors.edition`), and what
happens when that evidence, the catalogue and the command line disagree."""

from __future__ import annotations

import shutil

import pytest

from nenpo.extractors.edition import EditionClaim, EditionFinder
from nenpo.extractors.families.kawasaki_sme.report import UnrecognisedReportError, extract_report
from nenpo.extractors.families.kawasaki_sme.series import SERIES
from nenpo.extractors.normalise import normalise_text
from nenpo.pipeline.ingest import ingest
from nenpo.samples.layout import LEFT_X, Page, write_pdf
from nenpo.warehouse.db import connect
from tests.conftest import SAMPLE_EDITIONS

HEADING = "４ 令和２（2020）年度中小企業活性化施策の実施状況"
SENTENCE = [  # the purpose sentence as the reference text breaks it (lines 132-134)
    " 本報告書は、条例の規定に基づき、令和２（2020）年度の中小企業活性化施策の実施状 ",
    "況の検証結果、検証結果を踏まえた対応内容及び施策の実施状況を取りまとめたものです。 ",
]


def _found(lines: list[str], page: int = 1, metadata: dict | None = None) -> EditionFinder:
    finder = EditionFinder(SERIES)
    finder.read_metadata(metadata or {})
    finder.read_page(page, [normalise_text(line) for line in lines], lines)
    return finder


def test_each_rule_reads_the_line_it_documents():
    rules = {rule.kind: rule for rule in SERIES[0].rules}
    for kind, rule in rules.items():
        assert rule.pattern.search(
            normalise_text(
                rule.example.replace(
                    "…", "本報告書は、令和２（2020）年度の中小企業活性化施策の実施状況の検証結果を取りまとめた"
                )
                if kind == "sentence"
                else rule.example.removeprefix("Title: ")
            )
        ), kind
    assert [(e.kind, e.fiscal_year, e.page) for e in _found([HEADING], page=6).evidence] == [("heading", 2020, 6)]
    assert [(e.kind, e.fiscal_year) for e in _found(SENTENCE).evidence] == [("sentence", 2020)]
    assert [(e.kind, e.fiscal_year) for e in _found(["令和元年度 中小企業活性化施策実施状況報告書"]).evidence] == [
        ("title", 2019)
    ]
    assert [
        (e.kind, e.fiscal_year)
        for e in _found([], metadata={"title": "令和３年度 中小企業活性化施策実施状況報告書"}).evidence
    ] == [("metadata", 2021)]


def test_body_lines_naming_other_years_are_not_evidence():
    lines = [
        "のヒアリング等を通じ、令和２（2020）年度の中小企業活性化施策の実施状況の確認、",  # a sentence, not the purpose one
        "中小企業活性化施策の実施状況に対する主な検証意見",
        "令和元年度の検証を行う間に、",
    ]
    finder = _found(lines)
    assert finder.evidence == [] and "中小企業活性化施策" in finder.near_misses[0]


def test_the_reference_text_names_fiscal_2020(reference_lines):
    finder = EditionFinder(SERIES)
    finder.read_page(1, [normalise_text(line) for line in reference_lines], reference_lines)
    assert {(e.kind, e.fiscal_year) for e in finder.evidence} == {("heading", 2020), ("sentence", 2020)}
    assert finder.strongest().text == HEADING.strip()


def _untitled(path, *lines: str):
    """A one-page PDF of body lines and no title or metadata naming the edition."""
    page = Page(1)
    for k, line in enumerate(lines):
        page.text(LEFT_X, 60 + 14 * k, line, 9)
    write_pdf(path, [page], "untitled")
    return path


def test_an_edition_named_only_in_its_body_is_recognised(tmp_path):
    x = extract_report(_untitled(tmp_path / "body.pdf", "１ はじめに", *[s.strip() for s in SENTENCE], HEADING))
    assert (x.series, x.report_fiscal_year, x.title) == ("kawasaki-sme", 2020, HEADING)
    assert [(e.kind, e.page) for e in x.edition_evidence] == [("heading", 1), ("sentence", 1)]


def test_an_unrecognised_file_says_what_was_looked_for_and_found(tmp_path):
    path = _untitled(tmp_path / "other.pdf", "中小企業活性化施策の概要", "保育施設一覧")
    with pytest.raises(UnrecognisedReportError) as err:
        extract_report(path)
    message = str(err.value)
    assert str(path) in message and "not an edition of a known report series" in message
    assert "section heading like '４ 令和２（2020）年度中小企業活性化施策の実施状況'" in message
    assert "page 1: '中小企業活性化施策の概要'" in message and "metadata title 'untitled'" in message


def test_a_claim_decides_only_for_a_file_that_names_no_edition(tmp_path):
    path = _untitled(tmp_path / "plain.pdf", "川崎市の中小企業")
    x = extract_report(path, claim=EditionClaim("kawasaki-sme", 2020, "command_line"))
    assert (x.series, x.report_fiscal_year) == ("kawasaki-sme", 2020)
    assert [e.kind for e in x.edition_evidence] == ["command_line"]
    assert [w.code for w in x.warnings] == ["edition_from_claim"]
    named = extract_report(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf", claim=EditionClaim("kawasaki-sme", 2019))
    assert named.report_fiscal_year == 2020  # the file's own title wins; validation reports the conflict


def test_command_line_edition_loads_a_file_without_one(tmp_path):
    path = _untitled(tmp_path / "plain.pdf", "川崎市の中小企業")
    db = tmp_path / "w.duckdb"
    refused = ingest([path], db, cache_dir=tmp_path / "cache")
    assert [f.stage for f in refused.failed] == ["extract"] and "looked on every page" in refused.failed[0].error
    summary = ingest(
        [path], db, cache_dir=tmp_path / "cache", reuse_extractions=True, series="kawasaki-sme", fiscal_year=2020
    )
    assert summary.ok and [(x.series, x.report_fiscal_year) for x, _ in summary.loaded] == [("kawasaki-sme", 2020)]
    assert not list((tmp_path / "cache").glob("extractions/**/*.json")), "an edition taken from a claim is not cached"
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT report_fiscal_year FROM reports").fetchall() == [(2020,)]


def test_conflicting_evidence_fails_validation_naming_both(tmp_path):
    fy2020 = tmp_path / "fy2020.pdf"
    shutil.copy(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf", fy2020)
    summary = ingest([fy2020], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache", fiscal_year=2019)
    [failure] = summary.failed
    assert failure.stage == "validate"
    assert (
        "the command line (--series/--fiscal-year) lists it as FY2019, the PDF's title says FY2020 "
        "(page 1: '令和２年度 中小企業活性化施策実施状況報告書')"
    ) in failure.error
    mixed = _untitled(
        tmp_path / "mixed.pdf",
        "令和２年度 中小企業活性化施策実施状況報告書",
        "４ 令和元（2019）年度中小企業活性化施策の実施状況",
    )
    summary = ingest([mixed], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache")
    [failure] = summary.failed
    assert failure.stage == "validate"
    assert (
        "the PDF's title says FY2020 (page 1: '令和２年度 中小企業活性化施策実施状況報告書'), "
        "the PDF's section heading says FY2019 (page 1: '４ 令和元（2019）年度中小企業活性化施策の実施状況')"
    ) in failure.error
