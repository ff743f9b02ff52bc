"""The run without Prefect does what the flow does: a server down for longer than a
download's quick tries is tried again later, and extractions spread over worker
processes give the warehouse the sequential run gives, and a killed worker costs no
report."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb
import pytest

from nenpo.pipeline.ingest import ingest
from nenpo.sources.fetch import FetchPolicy
from tests.conftest import SAMPLE_EDITIONS
from tests.pdf_server import PdfServer
from tests.pipeline.flows.runs import warehouse_contents
from tests.processes import children, cmdline, killing_first

NAME = "kawasaki-sme-fy2019.pdf"
QUICK = FetchPolicy(attempts=3, backoff_seconds=0.0)


@pytest.fixture(scope="module")
def server():
    srv = PdfServer(lifetime=300).start()
    yield srv
    srv.stop()


def catalogue_of(tmp_path, url: str):
    path = tmp_path / "catalogue.yaml"
    path.write_text(
        "series:\n  - id: kawasaki-sme\n    publisher: 川崎市\n    title: t\n    title_pattern: 中小企業活性化施策\n"
        f"    editions:\n      - {{fiscal_year: 2019, url: '{url}'}}\n",
        encoding="utf-8",
    )
    return path


def test_a_server_down_for_longer_is_tried_again_later(server, tmp_path):
    """Three 500s use up the download's quick tries; the retry a delay later gets the file."""
    catalogue = catalogue_of(tmp_path, server.url(f"/flaky/plain-down/3/{NAME}"))
    summary = ingest(
        [],
        tmp_path / "w.duckdb",
        catalogue=catalogue,
        cache_dir=tmp_path / "cache",
        fetch_policy=QUICK,
        fetch_retry_delays=(0.0, 0.0),
    )
    assert summary.ok, summary.failed
    assert server.flaky_counts["plain-down"] == 4
    assert [x.report_fiscal_year for x, _ in summary.loaded] == [2019]


def test_without_retries_left_the_download_fails_and_is_recorded(server, tmp_path):
    catalogue = catalogue_of(tmp_path, server.url(f"/flaky/plain-gone/9/{NAME}"))
    summary = ingest(
        [],
        tmp_path / "w.duckdb",
        catalogue=catalogue,
        cache_dir=tmp_path / "cache",
        fetch_policy=QUICK,
        fetch_retry_delays=(0.0,),
    )
    [failure] = summary.failed
    assert failure.stage == "fetch" and "500" in failure.error
    assert server.flaky_counts["plain-gone"] == 3 + 3, "two rounds of the download's quick tries"


def test_a_404_is_not_tried_again(server, tmp_path):
    before = server.count("/status/404")
    catalogue = catalogue_of(tmp_path, server.url("/status/404"))
    summary = ingest(
        [],
        tmp_path / "w.duckdb",
        catalogue=catalogue,
        cache_dir=tmp_path / "cache",
        fetch_policy=QUICK,
        fetch_retry_delays=(3600.0,),  # would hang the test if it were tried again
    )
    assert [f.stage for f in summary.failed] == ["fetch"]
    assert server.count("/status/404") == before + 1


@pytest.fixture(scope="module")
def sequential(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("sequential")
    assert ingest([SAMPLE_EDITIONS], tmp / "s.duckdb", cache_dir=tmp / "cache").ok
    return warehouse_contents(tmp / "s.duckdb")


@pytest.mark.parametrize("runner", ["processes", "dask"])
def test_worker_processes_give_the_sequential_warehouse(sequential, runner, tmp_path):
    summary = ingest([SAMPLE_EDITIONS], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache", runner=runner, workers=2)
    assert summary.ok and summary.extracted == 3
    assert warehouse_contents(tmp_path / "w.duckdb") == sequential


def test_a_broken_file_on_a_worker_fails_alone(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    data = (SAMPLE_EDITIONS / NAME).read_bytes()
    (folder / NAME).write_bytes(data)
    (folder / "broken.pdf").write_bytes(data[: len(data) // 3])
    summary = ingest([folder], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache", runner="processes", workers=2)
    assert [x.report_fiscal_year for x, _ in summary.loaded] == [2019]
    [failure] = summary.failed
    assert failure.stage == "extract" and "broken.pdf" in failure.error


def test_each_edition_is_loaded_as_it_is_extracted_and_then_let_go(tmp_path, monkeypatch):
    """While an edition loads, it is the only extraction alive: memory does not grow with the
    number of editions in a run (the benchmark measures the peak RSS)."""
    import gc

    import nenpo.pipeline.ingest as steps
    from nenpo.extractors.models import ReportExtraction

    def extractions_alive() -> int:
        gc.collect()
        return sum(1 for o in gc.get_objects() if isinstance(o, ReportExtraction))

    already = extractions_alive()  # held by other tests' fixtures
    alive: list[int] = []
    real_load = steps.load_extraction

    def counting_load(con, extraction, **options):
        alive.append(extractions_alive() - already)
        return real_load(con, extraction, **options)

    monkeypatch.setattr(steps, "load_extraction", counting_load)
    summary = ingest([SAMPLE_EDITIONS], tmp_path / "w.duckdb", cache_dir=tmp_path / "cache", reuse_extractions=True)
    assert summary.ok and len(alive) == 3
    assert alive == [1, 1, 1]
    again = ingest([SAMPLE_EDITIONS], tmp_path / "w2.duckdb", cache_dir=tmp_path / "cache", reuse_extractions=True)
    assert len(again.from_cache) == 3 and alive[3:] == [1, 1, 1], "cached extractions are read one at a time too"


def _busy_forkserver_workers() -> list[int]:
    """Workers of the processes runner's forkserver that are mid-extraction (their guarded
    child runs)."""
    servers = [pid for pid in children(os.getpid()) if b"forkserver" in cmdline(pid)]
    return [w for server in servers for w in children(server) if children(w)]


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc to find the pool's worker")
def test_kill_9_of_a_pool_worker_does_not_take_down_a_run_without_prefect(tmp_path):
    """A worker of the processes runner is killed while it extracts (its guarded child is
    alive): the pool breaks, the reports it held are extracted again in the run's process,
    and every edition loads, as in the flow."""
    db = tmp_path / "w.duckdb"
    with killing_first(_busy_forkserver_workers) as killed:
        summary = ingest([SAMPLE_EDITIONS], db, cache_dir=tmp_path / "cache", runner="processes", workers=1)
    assert killed, "the watcher killed a pool worker"
    assert summary.ok, summary.failed
    assert sorted(x.report_fiscal_year for x, _ in summary.loaded) == [2019, 2020, 2021]
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM reports").fetchone()[0] == 3
