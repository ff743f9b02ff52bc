"""`nenpo audit`: formats, exit codes, and the HTML report opened in headless Chromium."""

from __future__ import annotations

import json
import shutil

import pytest
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from nenpo.pipeline.ingest import ingest
from tests.conftest import SAMPLE_EDITIONS
from tests.warehouse.test_audit import _expected_findings

PLANTED = len(_expected_findings())

runner = CliRunner()
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("audit-cli") / "nenpo.duckdb"
    assert ingest([SAMPLE_EDITIONS], path).ok
    return path


def test_json_lists_every_finding(db):
    result = runner.invoke(app, ["audit", "--db", str(db), "--format", "json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert len(rows) == PLANTED
    assert {r["check"] for r in rows} == {c for c, *_ in _expected_findings()}


def test_csv_has_a_header_and_a_row_per_finding(db):
    result = runner.invoke(app, ["audit", "--db", str(db), "--format", "csv", "--stored"])
    lines = result.output.strip().splitlines()
    assert lines[0].startswith("severity,check,report_fiscal_year") and len(lines) == PLANTED + 1


@pytest.mark.parametrize(("level", "code"), [("warning", 1), ("error", 0)])
def test_fail_on_sets_the_exit_code(db, level, code):
    result = runner.invoke(app, ["audit", "--db", str(db), "--stored", "--fail-on", level])
    assert result.exit_code == code, result.output


def test_compare_filters_by_indicator_or_measure(db):
    result = runner.invoke(app, ["compare", "観光客入込数", "--db", str(db)])
    assert result.exit_code == 0 and "観光客入込数" in result.output and "創業" not in result.output
    assert runner.invoke(app, ["compare", "no-such-thing", "--db", str(db)]).exit_code == 1


def test_html_report_loads_in_chromium_without_errors(db, tmp_path):
    sync_playwright = pytest.importorskip("playwright.sync_api").sync_playwright
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["audit", "--db", str(db), "--stored", "--html", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert html.count("data:image/png;base64,") >= PLANTED, "each finding shows its source region"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(out.as_uri())
            page.wait_for_selector("body[data-ready=yes]", timeout=10_000)
            assert page.locator(".finding").count() == PLANTED
            assert page.inner_text("#count") == str(PLANTED)
            assert page.locator(".finding img").count() >= PLANTED
            indicators = {(m, i) for _, _, m, i, _ in _expected_findings() if i and m}  # KPI indicators
            assert page.locator("svg.trend").count() == len(indicators)  # one per indicator with findings
            infos = sum(1 for c, *_ in _expected_findings() if c in ("renamed", "actual_far_below_target"))
            page.uncheck("input[data-severity=info]")
            assert page.locator(".finding:visible").count() == PLANTED - infos
            assert errors == []
        finally:
            browser.close()
