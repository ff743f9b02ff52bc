"""The sample editions in the text-order and mincho layouts: what is committed is what the
generator writes, the truth says what the content says, and every layout prints it."""

from __future__ import annotations

import json
import re
import unicodedata

import pdfplumber
import PIL
import pymupdf
import pytest
import reportlab

from nenpo.samples import content
from nenpo.samples.layout import FontNotFound
from nenpo.samples.layouts import editions as layout_editions
from nenpo.samples.layouts.fonts import find_mincho
from nenpo.samples.layouts.stream import MARKERS, wrap_columns
from nenpo.samples.score import LAYOUT_FOLDERS, RECORD_KINDS, expected_findings, score_layout, score_records
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS

SAMPLES = REPO_ROOT / "samples"
LAYOUTS = tuple(layout_editions.LAYOUTS)
CASES = [(name, year) for name in LAYOUTS for year in content.EDITIONS]
PAGE_FIELDS = {"page", "bbox", "page_start", "page_end", "pages"}


def _file(name: str, year: int, suffix: str):
    return SAMPLES / layout_editions.LAYOUTS[name].folder / f"kawasaki-sme-fy{year}.{name}{suffix}"


def _pdf(name: str, year: int):
    return _file(name, year, ".pdf")


def _truth(name: str, year: int) -> dict:
    return json.loads(_file(name, year, ".truth.json").read_text(encoding="utf-8"))


def _flat(text: str) -> str:
    """Page text without line breaks or spaces, NFKC: what a paragraph reads as once joined."""
    return "".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture(scope="module")
def page_texts():
    cache: dict[tuple[str, int], list[str]] = {}

    def texts(name: str, year: int) -> list[str]:
        if (name, year) not in cache:
            with pymupdf.open(_pdf(name, year)) as doc:
                cache[(name, year)] = [page.get_text() for page in doc]
        return cache[(name, year)]

    return texts


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    try:
        find_mincho()
    except FontNotFound as error:
        pytest.skip(str(error))
    out = tmp_path_factory.mktemp("layouts")
    layout_editions.write_all(out)
    return out


@pytest.mark.parametrize(("name", "year"), CASES)
def test_regeneration_is_identical(regenerated, name, year):
    folder = layout_editions.LAYOUTS[name].folder
    manifest = json.loads((SAMPLES / folder / "MANIFEST.json").read_text(encoding="utf-8"))
    stem = f"kawasaki-sme-fy{year}.{name}"
    new, committed = regenerated / folder, SAMPLES / folder
    assert (new / f"{stem}.truth.json").read_text(encoding="utf-8") == (committed / f"{stem}.truth.json").read_text(
        encoding="utf-8"
    )
    with pymupdf.open(new / f"{stem}.pdf") as a, pymupdf.open(committed / f"{stem}.pdf") as b:
        assert [p.get_text("words") for p in a] == [p.get_text("words") for p in b]
    if (reportlab.Version, PIL.__version__) == (manifest["reportlab"], manifest["pillow"]):
        assert (new / f"{stem}.pdf").read_bytes() == (committed / f"{stem}.pdf").read_bytes()


@pytest.mark.parametrize(("name", "year"), CASES)
def test_truth_holds_the_same_records_as_the_landscape_layout(name, year):
    """Both truths are written from the content; only where things are printed differs."""
    landscape = json.loads((SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.truth.json").read_text(encoding="utf-8"))
    truth = _truth(name, year)

    def content_of(records):
        return sorted(
            json.dumps({k: v for k, v in r.items() if k not in PAGE_FIELDS}, ensure_ascii=False, sort_keys=True)
            for r in records
        )

    for kind in (
        "measures",
        "kpi_values",
        "pdca_items",
        "policy_list",
        "article_opinions",
        "stat_values",
        "committee_members",
        "budget_items",
        "budget_results",
        "other_measures",
    ):
        assert content_of(truth[kind]) == content_of(landscape[kind]), kind
    assert truth["differences"] == landscape["differences"]
    assert (truth["series"], truth["report_fiscal_year"]) == (landscape["series"], landscape["report_fiscal_year"])
    with pymupdf.open(_pdf(name, year)) as doc:
        assert truth["page_count"] == doc.page_count


@pytest.mark.parametrize(("name", "year"), CASES)
def test_every_truth_record_is_printed_on_its_page(page_texts, name, year):
    truth = _truth(name, year)
    pages = [_flat(t) for t in page_texts(name, year)]
    checks = (
        [(k["page"], k["value_text"].split("\n")[0]) for k in truth["kpi_values"]]
        + [(i["page"], (i["text_raw"])[:12]) for i in truth["pdca_items"]]
        + [(o["page"], o["text_raw"][:12]) for o in truth["article_opinions"]]
        + [(s["page"], s["value_text"]) for s in truth["stat_values"]]
        + [(m["page"], m["role"]) for m in truth["committee_members"]]
        + [(e["page"], e["name"]) for e in truth["policy_list"]]
        + [(o["page"], o["name_raw"]) for o in truth["other_measures"]]
    )
    missing = [(page, text) for page, text in checks if _flat(text) not in pages[page - 1]]
    assert not missing, missing[:5]
    # a budget row is on the page where its № is printed; in text order its cells may run onto the next
    for b in truth["budget_items"]:
        assert _flat(b["name_raw"][:6]) in "".join(pages[b["page"] - 1 : b["page"] + 1])
    for m in truth["measures"]:
        sheet = "".join(pages[m["page_start"] - 1 : m["page_end"]])
        assert _flat(m["name_raw"]) in sheet
    for e in truth["policy_list"]:
        assert _flat(f"{e['page_start']}") in pages[e["page"] - 1]


@pytest.mark.parametrize("name", LAYOUTS)
def test_planted_differences_are_printed(page_texts, name):
    text = {year: _flat("".join(page_texts(name, year))) for year in content.EDITIONS}
    truths = {year: _truth(name, year) for year in content.EDITIONS}
    for d in content.PLANTED_DIFFERENCES:
        kind = d["kind"]
        if kind in ("restated_actual", "changed_target"):
            which = "actual" if kind == "restated_actual" else "target"
            for edition, value in ((d["earlier_edition"], d["earlier_value"]), (d["later_edition"], d["later_value"])):
                [record] = [
                    k
                    for k in truths[edition]["kpi_values"]
                    if k["indicator_raw"] == d["indicator"]
                    and k["fiscal_year"] == d["fiscal_year"]
                    and k["kind"] == which
                ]
                assert record["value"] == value
                page = _flat(page_texts(name, edition)[record["page"] - 1])
                assert _flat(f"{value:,}") in page
        elif kind == "renamed_measure":
            assert _flat(d["new_name"]) in text[d["later_edition"]]
            assert _flat(d["measure"]) in text[d["earlier_edition"]]
        elif kind == "dropped_indicator":
            assert d["indicator"] in text[d["earlier_edition"]] and d["indicator"] not in text[d["later_edition"]]
        elif kind == "unit_mismatch":
            assert re.search(r"実\s*績（万人）", "".join(page_texts(name, d["edition"])))
        elif kind == "census_total_mismatch":
            assert f"{d['printed_total']:,}" in text[d["edition"]]


def test_text_order_edition_is_named_only_in_its_body(page_texts):
    for year in content.EDITIONS:
        texts = page_texts("text-order", year)
        assert texts[0].startswith("１ はじめに"), "no cover page"
        assert not any("中小企業活性化施策実施状況報告書" in t for t in texts)
        with pymupdf.open(_pdf("text-order", year)) as doc:
            assert doc[0].rect.width < doc[0].rect.height, "A4 portrait"
            assert "報告書" not in (doc.metadata.get("title") or "")
    era = {2019: "令和元", 2020: "令和２", 2021: "令和３"}
    assert any(f"４ {era[2020]}（2020）年度中小企業活性化施策の実施状況" in t for t in page_texts("text-order", 2020))


def test_text_order_puts_labels_and_check_items_where_a_text_layer_does():
    """An indicator label drawn late in the original sits above other ○ lines; the Check items
    follow the Action heading while the Check heading closes the Plan/Do part."""
    with pdfplumber.open(_pdf("text-order", 2020)) as pdf:
        lines = [line for page in pdf.pages for line in page.extract_text().splitlines()]
    label = lines.index("○川崎市創業支援事業計画全体での創業実績件数")
    achievements = lines.index("令和２年度の実績", label)
    header = lines.index("R1（2019）年度 R2（2020）年度", label)
    assert label < achievements < header
    assert any(line.startswith("○") for line in lines[label + 1 : header])
    check_heading = lines.index("主な検証意⾒ Check")
    action_heading = lines.index("令和３年度以降の対応 Action", check_heading)
    first_check = next(i for i, line in enumerate(lines) if line.startswith("①研究開発型の起業家"))
    assert check_heading < action_heading < first_check


@pytest.mark.parametrize("year", content.EDITIONS)
def test_kpi_and_census_blocks_are_ruled_in_text_order(year):
    truth = _truth("text-order", year)
    pages = {k["page"] for k in truth["kpi_values"]} | {p for t in truth["tables"] for p in t["pages"]}
    with pdfplumber.open(_pdf("text-order", year)) as pdf:
        tables = [t.extract() for number in sorted(pages) for t in pdf.pages[number - 1].find_tables()]
    kpi = [t for t in tables if t and t[0][1] and re.match(r"[RH][0-9０-９]+（\d{4}）年度", t[0][1])]
    census = [t for t in tables if t and t[0][0] == "業種大分類"]
    measured = sum(len([i for i in m.indicators if year in i.editions]) for m in content.measures_in(year))
    assert len(kpi) == measured
    assert all(row[0] and re.match(r"(目\s?標|実\s?績)（", row[0]) for t in kpi for row in t[1:])
    assert len(census) == 2, "both census tables' headers are ruled"


def test_mincho_tables_have_no_rulings_and_the_cover_no_text():
    for year in content.EDITIONS:
        with pymupdf.open(_pdf("mincho", year)) as doc:
            assert all(not page.get_drawings() for page in doc), "tables aligned by whitespace only"
            cover = doc[0]
            assert cover.get_text() == "" and len(cover.get_images()) == 1
            assert doc[1].get_text().strip()
            fonts = {f[3].split("+")[-1] for page in doc for f in page.get_fonts()}
            assert fonts == {"IPAexMincho"}
            assert doc.metadata["title"] == layout_editions.edition_title(year)


def test_mincho_headings_are_the_size_of_body_text():
    with pymupdf.open(_pdf("mincho", 2020)) as doc:
        sizes = {
            round(span["size"], 1)
            for page in doc
            for block in page.get_text("dict")["blocks"]
            for line in block.get("lines", [])
            for span in line["spans"]
            if span["text"].strip()
        }
        text = "".join(page.get_text() for page in doc)
    assert max(sizes) == 9.5
    assert "事業計画 Plan" in text and "２ 市内産業の現状" in text


@pytest.mark.parametrize("name", LAYOUTS)
def test_a_table_crosses_a_page_in_every_edition(name):
    for year in content.EDITIONS:
        truth = _truth(name, year)
        crossing = [t for t in truth["tables"] if len(t["pages"]) > 1]
        assert crossing, f"FY{year}: every table fits on one page"
        table = crossing[0]
        first, last = table["pages"][0], table["pages"][-1]
        with pymupdf.open(_pdf(name, year)) as doc:
            head = _flat(doc[first - 1].get_text())
            tail = _flat(doc[last - 1].get_text())
        header_cell = table["cells"][0][4]
        last_cell = table["cells"][-1][4].split("\n")[-1]
        assert _flat(header_cell) in head and _flat(last_cell) in tail


def test_the_census_header_sits_on_one_page_and_its_rows_on_the_next_in_text_order():
    truth = _truth("text-order", 2020)
    table = [t for t in truth["tables"] if t["kind"] == "census"][1]
    first, second = table["pages"]
    with pymupdf.open(_pdf("text-order", 2020)) as doc:
        head, rows = doc[first - 1].get_text(), doc[second - 1].get_text()
    assert "H28(2016)" in head and "農業，林業，漁業" not in head.split("従業者数")[-1]
    assert "全産業" in rows


def test_layout_folders_are_the_ones_scored():
    assert {folder for folder in LAYOUT_FOLDERS.values() if folder != "editions"} == {
        spec.folder for spec in layout_editions.LAYOUTS.values()
    }


def test_a_refused_edition_finds_nothing_of_any_kind():
    truth = _truth("text-order", 2019)
    nothing = score_records(truth, None)
    assert set(nothing) == set(RECORD_KINDS)
    assert all(s.recall == 0.0 for s in nothing.values() if s.expected)


@pytest.mark.parametrize(
    ("text", "columns"),
    [
        (
            "○研究開発型の分野で事業化を⾏う起業家やベンチャー企業10者に対して、支援ノウハウを有する専門家が伴⾛型で支援",
            20,
        ),
        ("・交付件数 1,234 件、交付額 11,073 千円（○印は新規）①②③の事業を実施", 14),
        ("前期業況ＤＩ△32.2 と比較し 11.0 ポイント増の△21.2 となりました。", 16),
    ],
)
def test_wrapped_lines_never_start_an_item_or_split_a_number(text, columns):
    lines = wrap_columns(text, columns)
    assert "".join(lines) == text
    assert all(line[0] not in MARKERS and not line[0].isdigit() for line in lines[1:])
    for number in re.findall(r"[△\d][\d,.]*\d", text):
        assert any(number in line for line in lines), number


def test_the_landscape_layout_scores_full_marks_on_every_kind():
    """The score's keys read the same fields from truth and extraction: on the layout the
    readers were written with, every kind is found exactly."""
    scores, refused = score_layout(SAMPLE_EDITIONS)
    assert not refused
    imperfect = {
        kind: (s.found, s.extracted, s.expected)
        for kind, s in scores.items()
        if (s.found, s.extracted) != (s.expected, s.expected)
    }
    assert not imperfect
    assert all(s.expected for s in scores.values())


def test_the_planted_differences_call_for_fourteen_findings():
    expected = expected_findings()
    assert sum(expected.values()) == len(expected) == 14
    assert ("renamed", 2021, "ものづくり中小企業経営革新等支援事業", None, None) in expected
    assert ("census_total_mismatch", 2019, None, "事業所数/事業所数", 2016) in expected
