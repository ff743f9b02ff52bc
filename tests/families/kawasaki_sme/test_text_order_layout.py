"""The text-order typesetting: lines come back in the order written; KPI and census blocks are ruled grids."""

from __future__ import annotations

import difflib

import pdfplumber
import pytest

from nenpo.samples.layouts.text_order import (
    CENSUS_YEARS,
    HEADING,
    KPI_ROW,
    KPI_YEAR_HEADER,
    VALUE_TOKEN,
    lay_out,
    main,
    parse_census_block,
    parse_kpi_block,
    render_text_order,
)

KPI_LINES = [
    "○川崎市創業支援事業計画全体での創業実績件数",
    "R1（2019）年度 R2（2020）年度",
    "",
    "目 標（件） 90 95",
    "実 績（件） 160 201",
    "主な成果・活動指標に関する補足事項",
]

CENSUS_LINES = [
    "業種大分類",
    "事業所数 構成比",
    "H26(2014) H28(2016) H26(2014) H28(2016)",
    "農業，林業，漁業 74 64 0.2% 0.2%",
    "建設業 4,078 3,829 9.6% 9.4%",
    "全産業 42,616 40,934 100.0% 100.0%",
    "出所：総務省「経済センサス」",
]


def _lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines() if line.strip()]


@pytest.mark.parametrize(
    ("pattern", "line"),
    [
        (KPI_YEAR_HEADER, "R1（2019）年度 R2（2020）年度"),
        (KPI_YEAR_HEADER, "R１（2019）年度 R２（2020）年度"),
        (KPI_ROW, "目 標（件） 90 95"),
        (KPI_ROW, "実績（万人） 15,600,000 12,760,000"),
        (CENSUS_YEARS, "H26(2014) H28(2016) H26(2014) H28(2016)"),
    ],
)
def test_block_patterns_match_printed_lines(pattern, line):
    assert pattern.match(line)


@pytest.mark.parametrize("token", ["201", "１", "1,520,000", "59（新規38件・変更21件）", "(220,000)", "中止", "△21.2"])
def test_value_tokens(token):
    assert VALUE_TOKEN.match(token)


def test_kpi_block_is_a_grid_of_header_target_and_actual():
    table, after = parse_kpi_block(KPI_LINES, 1)
    assert after == 5
    cells = [[" ".join(s for s, _ in c.lines) for c in row.cells] for row in table.rows]
    assert cells == [
        ["", "R1（2019）年度", "R2（2020）年度"],
        ["目 標（件）", "90", "95"],
        ["実 績（件）", "160", "201"],
    ]


def test_sub_values_stay_in_their_cell():
    lines = ["R1（2019）年度 R2（2020）年度", "目標（人） 1,930,000", "(220,000)", "", "1,950,000", "(220,000)", "本文"]
    table, after = parse_kpi_block(lines, 0)
    assert after == 6
    assert [[s for s, _ in c.lines] for c in table.rows[1].cells[1:]] == [
        ["1,930,000", "(220,000)"],
        ["1,950,000", "(220,000)"],
    ]


def test_census_block_has_two_header_rows_and_every_category():
    table, after = parse_census_block(CENSUS_LINES, 0)
    assert after == 6
    assert len(table.rows) == 2 + 3
    assert [s for s, _ in table.rows[3].cells[0].lines] == ["建設業"]
    assert parse_census_block(KPI_LINES, 0) is None


def test_rendered_lines_read_back_in_order_with_rules(tmp_path):
    lines = ["４ 令和２（2020）年度中小企業活性化施策の実施状況", "", *KPI_LINES, *CENSUS_LINES]
    pdf = render_text_order(lines, tmp_path / "b.pdf")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        assert len(doc.pages) == 1 and page.width < page.height, "A4 portrait, no cover"
        assert _lines(page.extract_text()) == _lines("\n".join(lines))
        tables = page.find_tables()
        assert len(tables) == 2
        assert tables[0].extract() == [
            ["", "R1（2019）年度", "R2（2020）年度"],
            ["目 標（件）", "90", "95"],
            ["実 績（件）", "160", "201"],
        ]
        assert tables[1].extract()[3] == ["建設業", "4,078", "3,829", "9.6%", "9.4%"]


def test_a_table_at_a_page_end_continues_on_the_next_page(tmp_path):
    filler = [f"本文の行 {n}" for n in range(200)]
    layout = lay_out(filler[:1])
    per_page = int((layout.bottom - layout.style.margin_top) / layout.style.line_height)
    lines = filler[: per_page - 1] + KPI_LINES[1:5]
    layout = lay_out(lines)
    pages_of = {p.text: p.page for p in layout.placed}
    assert pages_of["R1（2019）年度"] == 1 and pages_of["160"] == 2


def test_reference_text_reads_back_in_its_own_order(reference_lines, tmp_path):
    pdf = tmp_path / "kawasaki-sme-fy2020.text-order.pdf"
    assert main([str(_write(tmp_path, reference_lines)), str(pdf)]) == 0
    with pdfplumber.open(pdf) as doc:
        assert doc.pages[0].extract_text().startswith("１ はじめに")
        got = _lines("\n".join(page.extract_text() for page in doc.pages))
    expected = _lines("\n".join(reference_lines))
    matcher = difflib.SequenceMatcher(None, expected, got, autojunk=False)
    assert matcher.ratio() > 0.995
    # the one place order changes: a table row whose cells hold two lines each reads row by row
    changed = [expected[a:b] for tag, a, b, _, _ in matcher.get_opcodes() if tag != "equal"]
    assert all(any("(220,000)" in line for line in block) for block in changed)


def _write(folder, lines):
    path = folder / "reference.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("４ 令和２（2020）年度中小企業活性化施策の実施状況", True),
        ("③ 業種別事業所数", True),
        ("図表 本市の事業所数（民営）の推移（実数、産業別構成比）", True),
        ("②若手商業者の交流会を開催していく。", False),
        ("1 専修大学商学部教授（会長） 鹿住 倫世", False),
        ("12 条", False),
    ],
)
def test_only_section_headings_are_set_larger(line, heading):
    assert bool(HEADING.match(line)) is heading
