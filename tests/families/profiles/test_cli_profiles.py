"""``nenpo profiles list`` and ``nenpo profiles check`` through the command line."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest
from typer.testing import CliRunner

from nenpo.pipeline.cli import app
from tests.conftest import REPO_ROOT

runner = CliRunner()

# An Ikeda-like profile written for the test: its direction vocabulary lacks 現状維持 (printed
# on sheet No.10) and its gate expects two sheets in a file that holds one.
STRICT = """\
id: ikeda-strict
title: 池田市 事務事業評価 (test)
edition:
  recognise: ['池田市総合計画.*事務事業評価']
  year:
    - pattern: '事務事業評価\\((?P<year>令和[0-9]+年度)実施事業\\)'
record:
  starts: form
  form_header: '事務事業評価\\(.*実施事業\\)'
  name: {label: '^事務事業名$'}
categories:
  - id: direction
    label: '事業の方向性'
    values: {expand: '拡充', abolish: '廃止'}
gates:
  records: {expected: 2}
"""


def test_list_shows_every_profile():
    result = runner.invoke(app, ["profiles", "list"])
    assert result.exit_code == 0, result.output
    for family in ("generic", "ikeda-jimujigyo", "kyoto-shinki-juujitsu", "yokohama-jigyo-hyoka"):
        assert family in result.output


def test_list_takes_a_profiles_directory(tmp_path):
    (tmp_path / "strict.yaml").write_text(STRICT, encoding="utf-8")
    result = runner.invoke(app, ["profiles", "list", "--profiles", str(tmp_path)])
    assert result.exit_code == 0 and "ikeda-strict" in result.output


def test_check_reports_an_invalid_profile_by_file_line_and_field(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(STRICT.replace("starts: form", "starts: pages"), encoding="utf-8")
    result = runner.invoke(app, ["profiles", "check", str(path)])
    assert result.exit_code == 1
    assert f"{path}, line 8, field record.starts" in result.output and "'file', 'form' or 'heading'" in result.output


@pytest.mark.realpdfs
def test_check_shows_what_a_profile_reads_and_fails_on_a_gate(tmp_path, realpdfs_dir):
    path = tmp_path / "strict.yaml"
    path.write_text(STRICT, encoding="utf-8")
    pdf = realpdfs_dir / "sheets" / "ikeda_r7_jimujigyo_hyoka_no010_shinyo.pdf"
    result = runner.invoke(app, ["profiles", "check", str(path), str(pdf)])
    out = " ".join(result.output.split())
    assert result.exit_code == 1, result.output  # the gate fails
    assert f"{path}: valid profile 'ikeda-strict'" in result.output
    assert "し尿収集事業" in out and "FY2024" in out
    assert "recognised: yes, confidence 0.9 (page 1: '第7次池田市総合計画" in out
    # the broad KPI grammar and cost tables still read: 収集件数 R5年度実績 486, 事業費 R4決算 1,130
    assert "収集件数" in out and "486" in out and "1,130" in out
    # an unknown category value is a warning naming the page and the value
    assert (
        f"warning unknown_category: {pdf}: page 1: direction (R7年度以降の事業の方向性) is '現状維持', not in the "
        "vocabulary (expand, abolish)" in result.output
    )
    assert "gate records: FAIL: records: read 1, expected 2 (declared)" in result.output


@pytest.mark.realpdfs
def test_check_an_installed_profile_by_id(realpdfs_dir):
    pdf = realpdfs_dir / "sheets" / "kyoto_r6_shinki_juujitsu_no010_2p.pdf"
    result = runner.invoke(app, ["profiles", "check", "generic", str(pdf)])
    assert result.exit_code == 0, result.output
    out = " ".join(result.output.split())
    assert "26,200" in out and "7 令和7年度の方向性" in out and "FY2023" in out
    assert "recognised: yes, confidence 0.1 (a PDF with text that no other family claims)" in out


@pytest.mark.realpdfs
def test_check_names_an_unreadable_pdf(realpdfs_dir):
    pdf = realpdfs_dir / "osaka_h29_syuurou_truncated.pdf"
    result = runner.invoke(app, ["profiles", "check", "generic", str(pdf)])
    assert result.exit_code == 1 and str(pdf) in result.output


def test_listing_profiles_imports_no_pdf_library():
    code = textwrap.dedent("""
        import json, sys
        from nenpo.pipeline.cli import app
        try:
            app(["profiles", "list"], prog_name="nenpo")
        except SystemExit as exit:
            code = exit.code
        heavy = sorted({m.split(".")[0] for m in sys.modules} & {"prefect", "pdfplumber", "pdfminer", "pymupdf", "fitz"})
        print(json.dumps({"code": code, "heavy": heavy}))
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert json.loads(done.stdout.strip().splitlines()[-1]) == {"code": 0, "heavy": []}


def _nenpo(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    import os

    environment = {k: v for k, v in os.environ.items() if k != "NENPO_PROFILES"} | (env or {})
    code = "import sys; from nenpo.pipeline.cli import app; sys.argv = ['nenpo', *sys.argv[1:]]; app()"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, env=environment
    )


def test_ingest_reads_with_the_profiles_of_a_directory(tmp_path, realpdfs_dir):
    pdf = realpdfs_dir / "sheets" / "ikeda_r7_jimujigyo_hyoka_no010_shinyo.pdf"
    if not pdf.is_file():
        pytest.skip(f"evaluation sheet not present at {pdf}")
    folder = tmp_path / "profiles"
    folder.mkdir()
    shipped = (REPO_ROOT / "extractors" / "families" / "ikeda_jimujigyo" / "profile.yaml").read_text(encoding="utf-8")
    (folder / "own.yaml").write_text(shipped.replace("\nid: ikeda-jimujigyo\n", "\nid: ikeda-own\n"), encoding="utf-8")
    db = tmp_path / "w.duckdb"
    common = ["ingest", str(pdf), "--db", str(db), "--no-prefect", "--no-publish", "--cache-dir", str(tmp_path / "c")]

    unknown = _nenpo(*common, "--family", "ikeda-own")
    assert unknown.returncode == 2 and "ikeda-own" in unknown.stderr, "without --profiles the family is unknown"

    done = _nenpo(*common, "--family", "ikeda-own", "--profiles", str(folder))
    assert done.returncode == 0, done.stdout + done.stderr
    import duckdb

    con = duckdb.connect(str(db), read_only=True)
    try:
        assert con.execute("SELECT family, series FROM reports").fetchall() == [("ikeda-own", "ikeda-own")]
    finally:
        con.close()

    (folder / "broken.yaml").write_text(STRICT.replace("starts: form", "starts: pages"), encoding="utf-8")
    broken = _nenpo(*common, "--profiles", str(folder))
    assert broken.returncode == 2 and "broken.yaml" in broken.stderr and "record.starts" in broken.stderr
