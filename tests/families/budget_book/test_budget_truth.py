"""The budget-book reader against amounts typed by hand from the page images of Fuji City's
R7 and R8 books (tests/data/budget/<file>.json): every amount read equals the truth, nothing
is read that the truth lacks, and the book's identities hold."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest

from nenpo.extractors.edition import EditionClaim
from nenpo.extractors.families.budget_book.family import extract
from nenpo.extractors.families.budget_book.rules import (
    as_rows,
    change_mismatches,
    part_disagreements,
    restatements,
    sum_mismatches,
)
from tests.conftest import TEST_DATA

pytestmark = pytest.mark.realpdfs

TRUTH = TEST_DATA / "budget"
STEMS = sorted(p.stem for p in TRUTH.glob("*.json"))
KEY = ("source", "side", "level", "kan_no", "kou_no", "moku_no", "setsu_no")


@pytest.fixture(scope="module")
def budget_dir(realpdfs_dir: Path) -> Path:
    path = realpdfs_dir / "budget"
    if not path.is_dir():
        pytest.skip(f"budget books not present at {path}")
    return path


def truth(stem: str) -> dict:
    return json.loads((TRUTH / f"{stem}.json").read_text(encoding="utf-8"))


def truth_rows(t: dict) -> dict[tuple, dict]:
    out = {}
    for values in t["appropriations"]:
        row = dict(zip(t["columns"], values))
        row.setdefault("source", t.get("source"))
        row.setdefault("side", t.get("side"))
        for k in KEY:
            row.setdefault(k, None)
        out[tuple(row[k] for k in KEY)] = row
    return out


@cache
def _extract(path: str, fiscal_year: int):
    return extract(
        path, claim=EditionClaim("fuji-general-account", fiscal_year, "command_line"), verify="auto", ocr="never"
    )


def read(budget_dir: Path, stem: str):
    return _extract(str(budget_dir / f"{stem}.pdf"), truth(stem)["fiscal_year"])


def _name(a) -> str:
    return {"total": "", "kan": a.kan, "kou": a.kou, "moku": a.moku, "setsu": a.setsu}[a.level] or ""


@pytest.mark.parametrize("stem", STEMS)
def test_every_amount_equals_the_truth_and_nothing_extra(budget_dir, stem):
    t = truth(stem)
    expected = truth_rows(t)
    x = read(budget_dir, stem)
    got = {tuple(getattr(a, k) for k in KEY): a for a in x.appropriations}
    assert len(got) == len(x.appropriations), "an account was read twice"
    assert sorted(got, key=str) == sorted(expected, key=str)
    text_layer = t.get("text_layer_names", {})
    for key, row in expected.items():
        a = got[key]
        assert (a.current_thousand_yen, a.previous_thousand_yen, a.change_thousand_yen) == (
            row["current"],
            row["previous"],
            row["change"],
        ), key
        assert _name(a) == text_layer.get(row["name"], row["name"]), key
    assert x.part == t["part"]
    assert x.report_fiscal_year == t["fiscal_year"]
    assert [w.message for w in x.warnings] == []  # ruled tables, sides printed, headings agreeing


@pytest.mark.parametrize("stem", [s for s in STEMS if truth(s)["notes"]])
def test_every_note_equals_the_truth(budget_dir, stem):
    t = truth(stem)
    x = read(budget_dir, stem)
    got = [
        (n.kan_no, n.kou_no, n.moku_no, n.setsu_no, n.formula_label or n.name, n.thousand_yen, n.formula)
        for n in x.appropriation_notes
    ]
    assert got == [tuple(n) for n in t["notes"]]


@pytest.mark.parametrize("stem", STEMS)
def test_printed_text_beside_every_amount(budget_dir, stem):
    for a in read(budget_dir, stem).appropriations:
        assert a.current_text.replace(",", "").replace("△", "-").replace("千円", "") == f"{a.current_thousand_yen:.0f}"
        assert a.page >= 1
        if a.source != "articles":
            assert a.bbox is not None and a.read_by == "layout"


def _all_rows(budget_dir):
    rows = []
    for stem in STEMS:
        x = read(budget_dir, stem)
        rows += as_rows(
            x.appropriations, report_id=x.report_id, series=x.series, report_fiscal_year=x.report_fiscal_year
        )
    return rows


def test_identities_hold_on_both_books(budget_dir):
    """比較 = 本年度 − 前年度, children sum to parents (節 → 目 → 項 → 款 → 合計), and the 予算 article,
    第1表, 総括 and 明細書 agree: the Fuji books keep every identity, so no rule finds anything."""
    rows = _all_rows(budget_dir)
    assert [f.detail for f in change_mismatches(rows)] == []
    assert [f.detail for f in sum_mismatches(rows)] == []
    assert [f.detail for f in part_disagreements(rows)] == []


def test_r8_previous_is_r7_current(budget_dir):
    """R8's 前年度 equals R7's 本年度 wherever both are loaded; the R8 front part's 前年度 for 市税 is
    48,352,400 千円."""
    rows = _all_rows(budget_dir)
    assert [f.detail for f in restatements(rows)] == []
    r8_front = [
        r
        for r in rows
        if r["report_fiscal_year"] == 2026
        and r["source"] == "総括"
        and r["kan_no"] == 1
        and r["side"] == "revenue"
        and r["level"] == "kan"
    ]
    assert [r["previous_thousand_yen"] for r in r8_front] == [48352400]
    compared = {
        (r["level"], r["kan_no"], r.get("kou_no"), r.get("moku_no"))
        for r in rows
        if r["report_fiscal_year"] == 2026 and r["previous_thousand_yen"] is not None
    }
    assert len(compared) > 40  # 款 of the 総括 and 項 / 目 of 市税 and 寄附金


@pytest.mark.parametrize("year", ["r07", "r08"])
def test_a_whole_book_reads_as_its_parts(budget_dir, tmp_path, year):
    """The front part, 市税 and 寄附金 of one year joined into one file (as a whole book arrives)
    read as one edition with no part, every amount equal to the parts' truth."""
    import pymupdf

    stems = [s for s in STEMS if s.startswith(f"fuji_{year}")]
    stems.sort(key=lambda s: ("gaiyou" not in s, s))  # the front part first, as bound
    book = pymupdf.open()
    for stem in stems:
        with pymupdf.open(budget_dir / f"{stem}.pdf") as part:
            book.insert_pdf(part)
    path = tmp_path / f"{year}-book.pdf"
    book.save(path)
    x = extract(path, ocr="never")
    assert x.part is None and x.report_fiscal_year == truth(stems[0])["fiscal_year"]
    expected = {}
    for stem in stems:
        expected.update({k: (r["current"], r["previous"], r["change"]) for k, r in truth_rows(truth(stem)).items()})
    got = {
        tuple(getattr(a, k) for k in KEY): (a.current_thousand_yen, a.previous_thousand_yen, a.change_thousand_yen)
        for a in x.appropriations
    }
    assert got == expected
    assert len(x.appropriation_notes) == sum(len(truth(s)["notes"]) for s in stems)
