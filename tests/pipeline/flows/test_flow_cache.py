"""Extraction cache in real flow runs: unchanged files are not extracted again; a changed
file, or a new extractor version, is. Also the artifacts each run leaves in the UI."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace

import pytest

from nenpo.extractors import models, registry
from nenpo.extractors.families.kawasaki_sme import report
from nenpo.pipeline.flows import AUDIT_ARTIFACT_KEY, INGEST_ARTIFACT_KEY, ingest_reports
from tests.conftest import SAMPLE_EDITIONS
from tests.pipeline.flows.runs import artifact, count, count_prefix, task_run_names


@pytest.fixture
def folder(tmp_path):
    """A folder with the three sample editions, which the tests change."""
    inbox = tmp_path / "inbox"
    shutil.copytree(SAMPLE_EDITIONS, inbox, ignore=shutil.ignore_patterns("*.json"))
    return inbox


def run(folder, tmp_path, **options):
    state = ingest_reports(
        paths=[str(folder)],
        db=str(tmp_path / "nenpo.duckdb"),
        cache_dir=str(tmp_path / "cache"),
        publish=False,
        return_state=True,
        **options,
    )
    assert state.is_completed(), state.message
    return state, state.result()


def test_unchanged_files_are_not_extracted_again(folder, tmp_path):
    first_state, first = run(folder, tmp_path)
    assert first.extracted == 3 and first.from_cache == {}
    assert count_prefix(task_run_names(first_state, last="audit-warehouse"), "extract ") == 3

    second_state, second = run(folder, tmp_path)
    assert second.extracted == 0 and len(second.from_cache) == 3
    assert all(load.unchanged for _, load in second.loaded)
    names = task_run_names(second_state, last="audit-warehouse")
    assert count_prefix(names, "extract ") == 0, names
    assert count_prefix(names, "load-editions") == 1

    table = json.loads(artifact(second_state, INGEST_ARTIFACT_KEY).data)
    assert [(row["edition"], row["extraction"], row["outcome"]) for row in table] == [
        (f"kawasaki-sme FY{year}", "cached", "unchanged") for year in (2019, 2020, 2021)
    ]
    assert {row["kpi_values"] for row in table} == {82, 78}
    audit = artifact(second_state, AUDIT_ARTIFACT_KEY)
    assert audit.type == "markdown" and audit.data.startswith("# Audit findings")


def test_a_changed_file_is_extracted_again(folder, tmp_path):
    run(folder, tmp_path)
    fy2020 = folder / "kawasaki-sme-fy2020.pdf"
    fy2020.write_bytes(fy2020.read_bytes() + b"\n% re-published with a note\n")  # same report, new bytes
    state, summary = run(folder, tmp_path)
    assert summary.extracted == 1 and len(summary.from_cache) == 2
    assert count_prefix(task_run_names(state, last="audit-warehouse"), "extract ") == 1
    outcomes = {
        x.report_fiscal_year: (x.sha256 in summary.from_cache, load.unchanged, bool(load.replaced_report_id))
        for x, load in summary.loaded
    }
    assert outcomes == {2019: (True, True, False), 2020: (False, False, True), 2021: (True, True, False)}
    assert count(tmp_path / "nenpo.duckdb", "SELECT count(*) FROM reports") == 3


def test_a_new_extractor_version_extracts_everything_again(folder, tmp_path, monkeypatch):
    run(folder, tmp_path)
    monkeypatch.setattr(models, "EXTRACTOR_VERSION", "0.1.0+next")
    monkeypatch.setattr(report, "EXTRACTOR_VERSION", "0.1.0+next")
    # the cache keys an extraction by the version of the family that reads the file
    kawasaki = registry.family("kawasaki-sme")
    monkeypatch.setitem(registry._registered(), kawasaki.id, replace(kawasaki, extractor_version="0.1.0+next"))
    state, summary = run(folder, tmp_path)
    assert summary.extracted == 3 and summary.from_cache == {}
    assert count_prefix(task_run_names(state, last="audit-warehouse"), "extract ") == 3
    assert all(not load.unchanged and load.replaced_report_id == load.report_id for _, load in summary.loaded)
    db = tmp_path / "nenpo.duckdb"
    assert count(db, "SELECT count(DISTINCT extractor_version) FROM kpi_values") == 1
    assert count(db, "SELECT min(extractor_version) FROM reports") == "0.1.0+next"
    assert (tmp_path / "cache" / "extractions" / "0.1.0+next").is_dir()
