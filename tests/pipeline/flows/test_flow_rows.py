"""A Prefect flow run loads what its extract tasks built: each edition's warehouse rows come
from the process that read it, and each edition is loaded as its extraction arrives,
while the others are still extracted (the batch is never in memory at once)."""

from __future__ import annotations

import gc

import nenpo.pipeline.ingest as steps
import nenpo.warehouse.load as load
from nenpo.extractors.models import ReportExtraction
from nenpo.pipeline.flows import ingest_reports
from nenpo.pipeline.ingest import ingest
from tests.conftest import SAMPLE_EDITIONS
from tests.pipeline.test_worker_rows import every_row


def extractions_alive() -> int:
    gc.collect()
    return sum(1 for o in gc.get_objects() if isinstance(o, ReportExtraction))


def test_a_flow_run_inserts_the_rows_its_extract_tasks_built_one_edition_at_a_time(tmp_path, monkeypatch):
    one = ingest([SAMPLE_EDITIONS], tmp_path / "one.duckdb", cache_dir=tmp_path / "c1", limits=None)
    assert one.ok
    in_one_process = every_row(tmp_path / "one.duckdb")

    built_here: list[str] = []
    real_rows = load.table_rows
    monkeypatch.setattr(load, "table_rows", lambda *a: built_here.append(a[0].name) or real_rows(*a))
    already = extractions_alive()
    alive: list[int] = []
    real_load = steps.load_extraction

    def counting_load(con, extraction, **options):
        alive.append(extractions_alive() - already)
        return real_load(con, extraction, **options)

    monkeypatch.setattr(steps, "load_extraction", counting_load)
    summary = ingest_reports(
        paths=[str(SAMPLE_EDITIONS)], db=str(tmp_path / "flow.duckdb"), cache_dir=str(tmp_path / "c2"), publish=False
    )
    assert summary.ok and summary.extracted == 3 and len(summary.loaded) == 3
    # the guarded children of the extract tasks built the rows (a fork inherits the
    # recording function, but its list dies with it): the flow's process only inserted them
    assert built_here == []
    assert alive == [1, 1, 1], "each edition is loaded before the next extraction is read"
    assert every_row(tmp_path / "flow.duckdb") == in_one_process
