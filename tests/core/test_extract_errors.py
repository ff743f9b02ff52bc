"""Bad input gets a clear error or warning naming the file and page."""

from __future__ import annotations

import pytest

from nenpo.extractors.families.kawasaki_sme.report import InvalidRecordError, UnrecognisedReportError, extract_report
from nenpo.samples.layout import LEFT_X, RIGHT_X, Page, write_pdf


def _edition(path, header_years=("R1（2019）年度", "R2（2020）年度"), label="○開催回数"):
    cover, sheet = Page(1), Page(2)
    cover.text(100, 100, "令和２年度 中小企業活性化施策実施状況報告書", 20)
    sheet.text(LEFT_X, 22, "テスト事業", 14)
    sheet.text(LEFT_X, 50, "事業計画 Plan", 11)
    if label:
        sheet.text(RIGHT_X, 60, label, 9)
    sheet.text(RIGHT_X + 90, 75, header_years[0], 8.5)
    sheet.text(RIGHT_X + 240, 75, header_years[1], 8.5)
    sheet.text(RIGHT_X + 4, 90, "目標（回）", 8.5)
    sheet.text(RIGHT_X + 90, 90, "8", 8.5)
    sheet.text(RIGHT_X + 240, 90, "８", 8.5)
    sheet.text(RIGHT_X + 4, 105, "実績（回）", 8.5)
    sheet.text(RIGHT_X + 90, 105, "4", 8.5)
    sheet.text(RIGHT_X + 240, 105, "中止", 8.5)
    sheet.text(LEFT_X, 300, "主な検証意⾒ Check", 11)
    sheet.text(LEFT_X, 318, "①開催回数を増やすべきである。", 9)
    sheet.text(RIGHT_X, 300, "令和３年度以降の対応 Action", 11)
    sheet.text(RIGHT_X, 318, "①開催回数を増やしていく。", 9)
    sheet.text(LEFT_X, 555, "第12条 創業・経営の革新等の促進", 9)
    write_pdf(path, [cover, sheet], "test")
    return path


def test_a_small_edition_reads_cleanly(tmp_path):
    x = extract_report(_edition(tmp_path / "ok.pdf"))
    assert x.report_fiscal_year == 2020 and [m.name for m in x.measures] == ["テスト事業"]
    assert [(k.fiscal_year, k.kind, k.value, k.status) for k in x.kpi_values] == [
        (2019, "target", 8.0, "reported"),
        (2020, "target", 8.0, "reported"),
        (2019, "actual", 4.0, "reported"),
        (2020, "actual", None, "cancelled"),
    ]
    assert [(i.phase, i.seq, i.text) for i in x.pdca_items] == [
        ("check", (1,), "開催回数を増やすべきである。"),
        ("action", (1,), "開催回数を増やしていく。"),
    ]
    assert x.warnings == ()


def test_out_of_range_year_is_an_error_naming_file_and_page(tmp_path):
    path = _edition(tmp_path / "bad-year.pdf", header_years=("R1（2019）年度", "R2（9999）年度"))
    with pytest.raises(InvalidRecordError) as err:
        extract_report(path)
    message = str(err.value)
    assert str(path) in message and "page 2" in message and "fiscal_year" in message and "9999" in message


def test_unexpected_year_columns_and_missing_label_are_warnings(tmp_path):
    path = _edition(tmp_path / "odd.pdf", header_years=("H30（2018）年度", "R1（2019）年度"), label=None)
    x = extract_report(path)
    codes = {w.code: w for w in x.warnings}
    assert set(codes) == {"unexpected_year_columns", "indicator_not_found"}
    assert codes["unexpected_year_columns"].page == 2 and str(path) in codes["unexpected_year_columns"].message
    assert {k.indicator for k in x.kpi_values} == {"(table1)"}


def test_a_pdf_of_another_kind_is_unrecognised(tmp_path):
    page = Page(1)
    page.text(100, 100, "保育施設一覧", 20)
    path = tmp_path / "other.pdf"
    write_pdf(path, [page], "other")
    with pytest.raises(UnrecognisedReportError, match="not an edition of a known report series"):
        extract_report(path)
