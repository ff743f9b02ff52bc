"""The committed sample editions are exactly what the generator writes today."""

from __future__ import annotations

import json

import pymupdf
import pytest
import reportlab

from nenpo.samples import content
from nenpo.samples.generate import format_number, main
from tests.conftest import SAMPLE_EDITIONS

MANIFEST = json.loads((SAMPLE_EDITIONS / "MANIFEST.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory):
    out = tmp_path_factory.mktemp("editions")
    assert main([str(out)]) == 0
    return out


def _layout(path):
    """Every page's lines with their positions (rounded), and the fonts used."""
    with pymupdf.open(path) as doc:
        pages = []
        for page in doc:
            lines = [
                ("".join(s["text"] for s in line["spans"]), tuple(round(v, 2) for v in line["bbox"]))
                for block in page.get_text("dict")["blocks"]
                for line in block.get("lines", [])
            ]
            fonts = sorted({(f[1], f[3].split("+")[-1]) for f in page.get_fonts()})
            pages.append((lines, fonts))
        return pages


@pytest.mark.parametrize("year", content.EDITIONS)
def test_regeneration_reproduces_ground_truth(regenerated, year):
    name = f"kawasaki-sme-fy{year}.truth.json"
    assert (regenerated / name).read_text(encoding="utf-8") == (SAMPLE_EDITIONS / name).read_text(encoding="utf-8")


@pytest.mark.parametrize("year", content.EDITIONS)
def test_regeneration_reproduces_every_page(regenerated, year):
    name = f"kawasaki-sme-fy{year}.pdf"
    new, committed = _layout(regenerated / name), _layout(SAMPLE_EDITIONS / name)
    assert new == committed
    assert all(fonts == [("ttf", "IPAexGothic")] for _, fonts in committed if fonts), (
        "IPAexGothic embedded, nothing else"
    )
    if reportlab.Version == MANIFEST["reportlab"]:
        assert (regenerated / name).read_bytes() == (SAMPLE_EDITIONS / name).read_bytes()


def test_kangxi_radicals_survive_into_the_text_layer():
    with pymupdf.open(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf") as doc:
        text = "".join(page.get_text() for page in doc)
    assert "主な検証意⾒ Check" in text and "商業⼒強化事業" in text and "⺠間" in text


def test_consecutive_editions_share_a_year_with_only_planted_differences():
    truths = {
        y: json.loads((SAMPLE_EDITIONS / f"kawasaki-sme-fy{y}.truth.json").read_text(encoding="utf-8"))
        for y in content.EDITIONS
    }
    for earlier, later in ((2019, 2020), (2020, 2021)):

        def shared(year, edition):
            return {
                (k["indicator_raw"], k["kind"]): k["value"]
                for k in truths[edition]["kpi_values"]
                if k["fiscal_year"] == year
            }

        a, b = shared(earlier, earlier), shared(earlier, later)
        changed = {key for key in a.keys() & b.keys() if a[key] != b[key]}
        planted = {
            (d["indicator"], "actual" if d["kind"] == "restated_actual" else "target")
            for d in content.PLANTED_DIFFERENCES
            if d["kind"] in ("restated_actual", "changed_target") and d["later_edition"] == later
        }
        assert changed == planted
        dropped = {i for i, _ in a.keys() - b.keys()}
        assert dropped == {
            d["indicator"]
            for d in content.PLANTED_DIFFERENCES
            if d["kind"] == "dropped_indicator" and d["later_edition"] == later
        }


@pytest.mark.parametrize(
    ("number", "fullwidth", "printed"),
    [
        ("1930000", False, "1,930,000"),
        ("-21.2", False, "△21.2"),
        ("1", True, "１"),
        ("63.5", False, "63.5"),
    ],
)
def test_number_formatting(number, fullwidth, printed):
    assert format_number(number, fullwidth) == printed
