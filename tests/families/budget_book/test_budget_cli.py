"""Budget books through the command line, as an analyst uses them: Fuji City's R7 and R8 parts
ingested by ``nenpo ingest`` into a real DuckDB file, then ``nenpo compare --series``, ``nenpo
audit --html`` and the example queries of docs/budget-books.md, each checked against the
amounts typed by hand from the pages (tests/data/budget/*.json)."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO_ROOT, TEST_DATA

pytestmark = pytest.mark.realpdfs

TRUTH = TEST_DATA / "budget"
SERIES = "budget-book"  # the series the family names a budget book it recognises
NENPO = str(Path(sys.executable).parent / "nenpo")
SIDES = {"revenue": "歳入", "expenditure": "歳出"}
LEVELS = {"kan": "款", "kou": "項", "moku": "目"}


def nenpo(*args: str) -> subprocess.CompletedProcess:
    """Run the installed ``nenpo`` command, wide enough that no amount is folded."""
    env = {**os.environ, "COLUMNS": "250", "NO_COLOR": "1"}
    return subprocess.run([NENPO, *args], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=600)


def typed() -> list[dict]:
    """Every typed row of every part: {year, source, side, level, path, name, current, previous}."""
    out = []
    for truth in sorted(TRUTH.glob("*.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        columns = data["columns"]
        for values in data["appropriations"]:
            row = dict(zip(columns, values))
            row.setdefault("source", data.get("source"))
            row.setdefault("side", data.get("side"))
            row["year"] = data["fiscal_year"]
            row["path"] = tuple(
                n for n in (row["kan_no"], row["kou_no"], row["moku_no"], row["setsu_no"]) if n is not None
            )
            out.append(row)
    return out


@pytest.fixture(scope="module")
def warehouse(realpdfs_dir: Path, tmp_path_factory) -> Path:
    folder = realpdfs_dir / "budget"
    if not folder.is_dir():
        pytest.skip(f"budget books not present at {folder}")
    tmp = tmp_path_factory.mktemp("budget-cli")
    db = tmp / "nenpo.duckdb"
    for prefix, year in (("fuji_r07_", 2025), ("fuji_r08_", 2026)):
        files = sorted(str(p) for p in folder.glob(f"{prefix}*.pdf"))
        assert len(files) == 3
        done = nenpo(
            "ingest",
            *files,
            "--family",
            "budget-book",
            "--series",
            SERIES,
            "--fiscal-year",
            str(year),
            "--db",
            str(db),
            "--cache-dir",
            str(tmp / "cache"),
            "--no-publish",
            "--no-prefect",
            "--ocr",
            "never",
        )
        assert done.returncode == 0, done.stdout + done.stderr
    return db


def _table(output: str) -> dict[tuple[str, str], list[str]]:
    """A rich table's body rows keyed by (side, account numbers): the cells after the account."""
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) < 4 or cells[1] not in LEVELS.values():
            continue
        numbers = cells[2].split(" ", 1)[0]
        rows[(cells[0], numbers)] = cells[3:]
    return rows


def _header_years(output: str) -> list[int]:
    return [int(y) for y in re.findall(r"FY(\d{4})", next(l for l in output.splitlines() if "FY" in l and "┃" in l))]


def test_compare_series_prints_every_typed_amount(warehouse):
    done = nenpo("compare", "--series", SERIES, "--db", str(warehouse))
    assert done.returncode == 0, done.stderr
    years = _header_years(done.stdout)
    assert years == [2025, 2026]
    table = _table(done.stdout)
    checked = 0
    for row in typed():
        if row["level"] not in LEVELS or row["source"] == "articles":
            continue
        key = (SIDES[row["side"]], ".".join(map(str, row["path"])))
        cell = table[key][years.index(row["year"])]
        assert cell == f"{row['current']:,}", (key, row)  # no "(next: …)": R8's 前年度 is R7's 本年度 throughout
        checked += 1
    assert checked > 150
    # a 款 printed only by the front part (第1表 / 総括) and one read from its 明細書 section
    assert table[("歳入", "1")] == ["48,352,400", "49,286,300"]
    assert table[("歳入", "18.1.5")] == ["502", "1,500"]  # 教育費寄附金


def test_compare_series_filters_by_name_and_keeps_the_kpi_comparison_elsewhere(warehouse):
    done = nenpo("compare", "寄附金", "--series", SERIES, "--db", str(warehouse))
    assert done.returncode == 0, done.stderr
    table = _table(done.stdout)
    assert table[("歳入", "18")] == ["5,015,125", "6,019,301"]
    assert ("歳入", "1") not in table
    missing = nenpo("compare", "no-such-account", "--series", SERIES, "--db", str(warehouse))
    assert missing.returncode == 1 and "no-such-account" in missing.stderr
    # a series no family compares itself: the core's KPI comparison, which has nothing here
    other = nenpo("compare", "--series", "no-such-series", "--db", str(warehouse))
    assert other.returncode == 1 and "no KPI values match" in other.stderr


def _findings(page: str) -> list[str]:
    return re.findall(r"<div class='finding'.*?</div></div>", page, re.S)


def _sources(finding: str) -> list[tuple[str, int, str]]:
    """(label, page, value as printed) of each evidence picture of a finding."""
    out = []
    for m in re.finditer(
        r"<div class='source'><div>(.*?), page (\d+)(?:: <code>(.*?)</code>)?</div>(<img[^>]*>)?", finding
    ):
        assert m.group(4) and "data:image/png;base64," in m.group(4), finding[:300]
        out.append((html.unescape(m.group(1)), int(m.group(2)), html.unescape(m.group(3) or "")))
    return out


def test_audit_html_shows_both_pages_of_each_budget_finding(warehouse, tmp_path):
    out = tmp_path / "audit.html"
    done = nenpo("audit", "--db", str(warehouse), "--html", str(out))
    assert done.returncode == 0, done.stderr
    budget = [f for f in _findings(out.read_text(encoding="utf-8")) if "data-check='budget_" in f]
    assert len(budget) == 3  # the text layer's misprinted names, as renames (test_budget_warehouse)
    for finding in budget:
        sources = _sources(finding)
        assert [label.split(",")[0] for label, _, _ in sources] == ["FY2025 edition", "FY2026 edition"]
    tokei = next(f for f in budget if "項5 都市計画税</b>" in f)
    # 都市計画税 (R7) and 邴市計画税 (R8, the text layer's 都): 3,775,200 / 3,808,300 千円 on page 3 of each 市税 file
    assert _sources(tokei) == [
        ("FY2025 edition, 明細書", 3, "都市計画税 3,775,200"),
        ("FY2026 edition, 明細書", 3, "邴市計画税 3,808,300"),
    ]


def _restated_copy(warehouse: Path, tmp_path: Path) -> Path:
    """The warehouse with R8's 前年度 of 教育費寄附金 printed as 2,000 instead of R7's 502, as a
    book folding a supplementary budget into the prior year would print it."""
    db = tmp_path / "restated.duckdb"
    shutil.copy(warehouse, db)
    con = duckdb.connect(str(db))
    changed = con.execute(
        "UPDATE appropriations SET previous_thousand_yen = 2000, previous_text = '2,000', change_thousand_yen = -500, "
        "change_text = '△500' WHERE report_fiscal_year = 2026 AND source = '明細書' AND level = 'moku' "
        "AND kan_no = 18 AND kou_no = 1 AND moku_no = 5 RETURNING page"
    ).fetchall()
    con.close()
    assert len(changed) == 1
    return db


def test_audit_html_shows_a_restatement_with_both_amounts_and_pages(warehouse, tmp_path):
    db = _restated_copy(warehouse, tmp_path)
    out = tmp_path / "audit.html"
    assert nenpo("audit", "--db", str(db), "--html", str(out)).returncode == 0
    [finding] = [f for f in _findings(out.read_text(encoding="utf-8")) if "data-check='budget_restated'" in f]
    assert "教育費寄附金" in finding
    (r7_label, r7_page, r7_text), (r8_label, r8_page, r8_text) = _sources(finding)
    assert (r7_label, r7_text, r8_label, r8_text) == (
        "FY2025 edition, 明細書",
        "502",
        "FY2026 edition, 明細書",
        "2,000",
    )
    assert r7_page >= 1 and r8_page >= 1
    done = nenpo("compare", "寄附金", "--series", SERIES, "--db", str(db))
    assert _table(done.stdout)[("歳入", "18.1.5")] == ["502 (next: 2,000)", "1,500"]


# --- the example queries of docs/budget-books.md -------------------------------------

DOC = REPO_ROOT / "docs" / "budget-books.md"


def sql_blocks() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)


def _query(db: Path, sql: str) -> list[dict]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, values)) for values in cursor.fetchall()]
    finally:
        con.close()


def test_the_docs_hold_three_example_queries():
    blocks = sql_blocks()
    assert len(blocks) == 3
    assert (
        "kan_no = 1" in blocks[0]
        and "abs(change_thousand_yen)" in blocks[1]
        and "restated_by_thousand_yen <> 0" in blocks[2]
    )


def test_docs_query_a_kan_trend(warehouse):
    rows = _query(warehouse, sql_blocks()[0])
    assert [
        (r["fiscal_year"], r["kan"], r["budget_thousand_yen"], r["next_edition_previous_thousand_yen"]) for r in rows
    ] == [
        (2025, "市税", 48352400, 48352400),  # R7's 本年度, and R8's 前年度 (typed from both books)
        (2026, "市税", 49286300, None),
    ]


def test_docs_query_the_largest_changes(warehouse):
    rows = _query(warehouse, sql_blocks()[1])
    moku = [r for r in typed() if r["year"] == 2026 and r["level"] == "moku" and r["source"] == "明細書"]
    assert len(rows) == min(20, len(moku))
    top = max(moku, key=lambda r: abs(r["change"]))
    assert (
        rows[0]["moku"],
        rows[0]["current_thousand_yen"],
        rows[0]["previous_thousand_yen"],
        rows[0]["change_thousand_yen"],
    ) == (top["name"], top["current"], top["previous"], top["change"])
    assert [abs(r["change_thousand_yen"]) for r in rows] == sorted((abs(r["change"]) for r in moku), reverse=True)[:20]


def test_docs_query_the_restatements(warehouse, tmp_path):
    # R8's typed 前年度 is R7's typed 本年度 for every 目 both print: no restatement in the books …
    r7 = {r["path"]: r["current"] for r in typed() if r["year"] == 2025 and r["level"] == "moku"}
    assert all(r7[r["path"]] == r["previous"] for r in typed() if r["year"] == 2026 and r["level"] == "moku")
    assert _query(warehouse, sql_blocks()[2]) == []
    # … so the query is shown finding the one folded into a copy
    rows = _query(_restated_copy(warehouse, tmp_path), sql_blocks()[2])
    assert [
        (
            r["fiscal_year"],
            r["moku"],
            r["budget_thousand_yen"],
            r["next_edition_previous_thousand_yen"],
            r["restated_by_thousand_yen"],
        )
        for r in rows
    ] == [(2025, "教育費寄附金", 502, 2000, 1498)]
    assert rows[0]["page"] >= 1 and rows[0]["next_page"] >= 1 and rows[0]["report_id"] != rows[0]["next_report_id"]
