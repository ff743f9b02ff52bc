"""The budget-book family through the seam: found by the registry, recognising budget books and
their parts (and nothing else among the real PDFs), its extraction type round-tripping JSON."""

from __future__ import annotations

from pathlib import Path

import pytest

from nenpo.extractors import registry
from nenpo.extractors.edition import EditionClaim
from nenpo.extractors.families.budget_book import FAMILY
from nenpo.extractors.families.budget_book.records import BudgetBookExtraction


def test_the_registry_finds_the_family():
    family = registry.family("budget-book")
    assert family.extraction is BudgetBookExtraction
    assert {t.name: t.records for t in family.tables} == {
        "appropriations": "appropriations",
        "appropriation_notes": "appropriation_notes",
    }
    assert [v.name for v in family.views] == ["appropriations_timeseries"]
    assert len(family.rules) == 5


@pytest.mark.realpdfs
def test_budget_books_and_only_they_are_recognised(realpdfs_dir: Path):
    budget = sorted((realpdfs_dir / "budget").glob("*.pdf"))
    if not budget:
        pytest.skip("budget books absent")
    for path in budget:
        family, recognition = registry.recognise(registry.probe(path))
        assert family.id == "budget-book", path.name
        assert recognition.fiscal_year == (
            {"r07": 2025, "r08": 2026}[path.name[5:8]] if "gaiyou" in path.name else None
        )
    for path in sorted((realpdfs_dir / "sheets").glob("*.pdf")) + sorted(realpdfs_dir.glob("*.pdf")):
        found = [r.family for r in registry.recognitions(registry.probe(path))] if path.stat().st_size else []
        assert "budget-book" not in found, path.name


@pytest.mark.realpdfs
def test_extraction_round_trips_as_json(realpdfs_dir: Path):
    path = realpdfs_dir / "budget" / "fuji_r08_sainyu_18_kifukin.pdf"
    if not path.is_file():
        pytest.skip("budget books absent")
    x = FAMILY.extract(path, claim=EditionClaim("fuji", 2026, "catalogue"), ocr="never")
    assert x.family == "budget-book" and x.part == "revenue-18"
    again = BudgetBookExtraction.from_json(x.model_dump_json())
    assert again == x
