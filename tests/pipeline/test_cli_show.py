"""`nenpo show`: a measure's PDCA cycle across the loaded editions, in the terminal."""

from __future__ import annotations

import json

import pytest
from rich.console import Console
from typer.testing import CliRunner

from nenpo.extractors.normalise import normalise_text
from nenpo.pipeline import cli
from nenpo.pipeline.ingest import ingest
from tests.conftest import SAMPLE_EDITIONS

runner = CliRunner()


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("show") / "nenpo.duckdb"
    assert ingest([SAMPLE_EDITIONS], path).ok
    return path


@pytest.fixture(autouse=True)
def wide_console(monkeypatch):
    """One table row per line, so that texts can be looked for whole."""
    monkeypatch.setattr(cli, "console", Console(width=1000, markup=False))


def truth(year: int) -> dict:
    return json.loads((SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.truth.json").read_text(encoding="utf-8"))


def show(*args: str) -> str:
    result = runner.invoke(cli.app, ["show", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_every_edition_prints_the_whole_cycle(db):
    output = show("商業力強化事業", "--db", str(db))
    headers = [line for line in output.splitlines() if " edition" in line]
    assert len(headers) == 3 and all("商業振興関連事業 ② 商業⼒強化事業 · FY20" in h for h in headers), headers
    sections = [output.index(f"FY{year} edition") for year in (2019, 2020, 2021)]
    assert sections == sorted(sections)
    for year, start in zip((2019, 2020, 2021), sections):
        end = output.find(" edition", start + 20)
        part = output[start:] if end < 0 else output[start:end]
        for item in truth(year)["pdca_items"]:
            if "商業力強化事業" in item["covers"]:
                assert normalise_text(item["text_raw"]) in part, (year, item["phase"], item["text_raw"])


def test_opinions_sit_beside_their_responses(db):
    output = show("商業力強化事業", "--year", "2020", "--db", str(db))
    rows = {line.split("│")[1].strip(): line for line in output.splitlines() if line.startswith("│")}
    assert (
        "商店街と個店の支援を一体的に進めるべきである。" in rows["1"]
        and "商店街と個店の支援を連携させて実施していく。" in rows["1"]
    )
    assert "若手商業者のネットワークづくり" in rows["2"] and "若手商業者の交流会を開催" in rows["2"]
    assert "COVID ④" in rows["4"]
    assert "FY2019 edition" not in output and "FY2021 edition" not in output


def test_a_shared_block_is_shown_for_the_sub_measure_it_covers(db):
    output = show("商店街課題対応事業", "--year", "2021", "--db", str(db))
    assert "printed on the sheet of 商業力強化事業" in output
    assert "商店街と個店の支援を一体的に進めるべきである。" in output


def test_unanswered_opinions_and_unasked_responses_are_marked(db):
    employment = show("雇用労働対策", "--year", "2020", "--db", str(db))
    row4 = next(line for line in employment.splitlines() if line.startswith("│ 4"))
    assert "外国人材" not in row4 and "企業の魅力を発信する取組が必要である。" in row4 and "no response" in row4
    row6 = next(line for line in employment.splitlines() if line.startswith("│ 6"))
    assert "⑤～⑥" in row6 or "〃" in row6
    ip = show("知的財産", "--year", "2019", "--db", str(db))
    assert "no opinion with this number" in next(line for line in ip.splitlines() if line.startswith("│ 4"))


def test_a_renamed_measure_is_followed_across_editions(db):
    output = show("ものづくり中小企業経営", "--db", str(db))
    assert "ものづくり中小企業経営支援事業 · FY2020 edition" in output
    assert "ものづくり中小企業経営革新等支援事業 · FY2021 edition" in output


def test_ambiguous_and_unknown_names_exit_1(db):
    result = runner.invoke(cli.app, ["show", "事業", "--db", str(db)])
    assert result.exit_code == 1 and "names several measures" in result.output
    result = runner.invoke(cli.app, ["show", "存在しない事業", "--db", str(db)])
    assert result.exit_code == 1 and "no measure named" in result.output
    result = runner.invoke(cli.app, ["show", "観光振興事業", "--year", "2030", "--db", str(db)])
    assert result.exit_code == 1 and "FY2030" in result.output


def test_a_missing_warehouse_is_a_clear_error(tmp_path):
    result = runner.invoke(cli.app, ["show", "観光振興事業", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "does not exist" in result.output
