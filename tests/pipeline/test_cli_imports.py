"""Commands that read the warehouse import no Prefect and no PDF library.

Each command runs in a fresh interpreter, as a user starts it; afterwards the test reads
that interpreter's `sys.modules`. What counts is which libraries are imported, not how
long it took (speed lives in the benchmark).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nenpo.pipeline.ingest import ingest
from tests.conftest import REPO_ROOT, SAMPLE_EDITIONS

HEAVY = ("prefect", "pdfplumber", "pdfminer", "pymupdf", "fitz", "dask", "distributed")

_RUN = """
import json, sys
from nenpo.pipeline.cli import app
try:
    app(sys.argv[1:], prog_name="nenpo")
except SystemExit as exit:
    code = exit.code
heavy = sorted({name.split(".")[0] for name in sys.modules} & set(json.loads(sys.stdin.readline())))
print("\\n" + json.dumps({"code": code, "imported": heavy}))
"""


def run_command(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", _RUN, *args],
        input=json.dumps(HEAVY) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("imports") / "nenpo.duckdb"
    assert ingest([SAMPLE_EDITIONS], path).ok
    return str(path)


def test_help_imports_nothing_heavy():
    result = run_command("--help")
    assert result == {"code": 0, "imported": []}


@pytest.mark.parametrize(
    "command",
    [
        ("compare",),
        ("compare", "創業"),
        ("compare", "--series", "kawasaki-sme"),  # asks the registry whether the family compares itself
        ("show", "商業力強化"),
        ("audit",),
        ("audit", "--stored", "--format", "json"),
        ("export", "--out", "{tmp}"),
    ],
    ids=" ".join,
)
def test_commands_that_read_the_warehouse_import_no_prefect_and_no_pdf_library(db, command, tmp_path):
    args = [a.replace("{tmp}", str(tmp_path / "out")) for a in command]
    result = run_command(*args, "--db", db)
    assert result == {"code": 0, "imported": []}


def test_the_check_sees_a_heavy_import_when_there_is_one(tmp_path):
    """The same check on `ingest`, which must import the PDF libraries to extract."""
    result = run_command(
        "ingest",
        str(SAMPLE_EDITIONS / "kawasaki-sme-fy2020.pdf"),
        "--db",
        str(tmp_path / "w.duckdb"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--no-publish",
        "--no-prefect",
    )
    assert result["code"] == 0
    assert {"pymupdf", "pdfplumber"} <= set(result["imported"]) and "prefect" not in result["imported"]
