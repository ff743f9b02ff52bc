"""Ingest speed against a plain pdfplumber pass over the same PDF, measured in one run.

    python benchmarks/bench_ingest.py [--copies 3] [--repeat 3]

Builds a large edition by concatenating the FY2020 sample edition (three times per
`--copies`: an edition names one fiscal year, so its pages are repeated rather than
mixed with other editions'), then times, each in a fresh child process so every stage pays
its own imports-free start and reports its own peak memory:

- ``pymupdf text``: PyMuPDF's text of every page (the floor);
- ``pdfplumber pass``: ``extract_text()`` and ``extract_tables()`` on every page (the baseline);
- ``nenpo extract``: `extract_report` alone;
- ``nenpo ingest``: extract + validate + load + audit into an initialised, empty warehouse
  (no Prefect);
- ``ingest, new file``: the same, creating the warehouse file too (its schema and the
  comments documenting every column: a one-time set-up of a few tenths of a second);
- ``re-ingest``: the same file again (nothing changes: the warehouse sees the same sha256);
- ``cached re-ingest``: the same again with the extraction cache (the file is not extracted);
- ``cached, 1 sample`` / ``cached, 3 samples``: cached re-ingests of one and of the three
  sample editions, whose difference is the cost of each additional unchanged report;
- ``2 pdfplumber, 2 procs``: the baseline's pass over two editions at once in two
  processes: what two cores of the machine give a plain PDF reader;
- ``1 report, 1 worker`` / ``2 reports, 2 procs``: one edition extracted by one warm worker
  process, then two at once by two, each the way a worker extracts (a guarded child, the
  result as JSON, validated by the parent): throughput on two cores against one report on
  one core, doing the same work (target ≥ 1.7);
- ``2 reports, 1 proc``: two editions extracted one after the other in one process by
  `extract_report` alone (shown too, though its second report runs on caches the first
  one warmed);
- ``prefect flow``: the same ingest as a Prefect flow run, cold (ephemeral server start)
  and warm (a second run in the same process), to show Prefect's fixed cost apart.

Then a profile of an ingest of the sample editions into a new warehouse, with time grouped
into stages (open and text, tables, normalise/regex, sheets and PDCA, validation,
warehouse set-up, load, audit) by the module
each function lives in; a built-in function counts for its own library where it has one
(regex, pydantic, PyMuPDF, DuckDB) and for its caller's stage otherwise.

Absolute times depend on the machine; the ratios against the baseline are the result.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from queue import Empty

REPO = Path(__file__).resolve().parents[1]
EDITIONS = sorted((REPO / "samples" / "editions").glob("*.pdf"))
LAYOUTS: dict[str, Path] = {
    "landscape": REPO / "samples" / "editions" / "kawasaki-sme-fy2020.pdf",
    "text order": REPO / "samples" / "editions-text-order" / "kawasaki-sme-fy2020.text-order.pdf",
    "mincho": REPO / "samples" / "editions-mincho" / "kawasaki-sme-fy2020.mincho.pdf",
}
"""The FY2020 sample edition in each of its layouts: extraction is compared with the
pdfplumber pass per layout."""


def build_large_edition(out: Path, copies: int, edition: Path = LAYOUTS["landscape"]) -> int:
    import pymupdf

    big = pymupdf.open()
    for _ in range(3 * copies):
        with pymupdf.open(edition) as part:
            big.insert_pdf(part)
    pages = big.page_count
    big.save(out, garbage=3, deflate=True)
    return pages


def stage_pymupdf(path: str) -> None:
    import pymupdf

    with pymupdf.open(path) as doc:
        for page in doc:
            page.get_text()


def stage_pdfplumber(path: str) -> None:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
            page.flush_cache()


def stage_extract(path: str) -> None:
    from nenpo.extractors.families.kawasaki_sme.report import extract_report

    extract_report(path)


def stage_extract_no_ocr(path: str) -> None:
    from nenpo.extractors.families.kawasaki_sme.report import extract_report

    extract_report(path, ocr="never")


def stage_ingest(path: str | list[str], db: str, cache: str | None = None, expect_cached: bool = False) -> None:
    from nenpo.pipeline.ingest import ingest

    paths = path if isinstance(path, list) else [path]
    summary = ingest(paths, db, cache_dir=cache, reuse_extractions=cache is not None)
    assert summary.ok, summary.failed
    assert len(summary.from_cache) == (len(paths) if expect_cached else 0), summary.from_cache


def create_warehouse(db: str) -> None:
    from nenpo.warehouse.db import connect

    connect(db).close()


def stage_two_serial(path: str, other: str) -> None:
    from nenpo.extractors.families.kawasaki_sme.report import extract_report

    extract_report(path)
    extract_report(other)


def stage_one_worker(path: str) -> None:
    """One report on one core, the way a worker extracts it (the denominator of TWO CORES)."""
    _extract_on_workers([path], 1)


def stage_two_parallel(path: str, other: str) -> None:
    _extract_on_workers([path, other], 2)


def _extract_on_workers(paths: list[str], workers: int) -> None:
    from concurrent.futures import ProcessPoolExecutor

    from nenpo.extractors.models import ReportExtraction

    # workers import nenpo before the clock is read, like the serial stage's process; results
    # come back the way the flow's process-based runners bring them back (as JSON)
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("fork")) as pool:
        list(pool.map(_warm, range(workers)))
        started = time.perf_counter()
        results, validating = [], 0.0
        for seconds, text in pool.map(_timed_extract, paths):
            _TIMINGS.setdefault("workers", []).append(seconds)
            mark = time.perf_counter()
            results.append(ReportExtraction.from_json(text))  # as the ingest validates a worker's result
            validating += time.perf_counter() - mark
        assert len(results) == len(paths)
    _TIMINGS["inner"] = time.perf_counter() - started
    _TIMINGS["validating"] = validating


def stage_two_pdfplumber(path: str, other: str) -> None:
    """The baseline's own two-core throughput: two pdfplumber passes at once in two processes."""
    from concurrent.futures import ProcessPoolExecutor

    import pdfplumber  # noqa: F401 - imported before the workers fork, as the baseline's process has it

    with ProcessPoolExecutor(2, mp_context=mp.get_context("fork")) as pool:
        list(pool.map(abs, range(2)))  # the workers are started before the clock is read
        started = time.perf_counter()
        list(pool.map(stage_pdfplumber, [path, other]))
    _TIMINGS["inner"] = time.perf_counter() - started


def _timed_extract(path: str) -> tuple[float, str]:
    """A worker's extraction (including its JSON for the parent) and how long it took."""
    from nenpo.pipeline.ingest import extract_for_transfer

    started = time.perf_counter()
    text = extract_for_transfer(path)
    return time.perf_counter() - started, text


def _warm(_: int) -> None:
    """What the processes runner's workers have done before their first edition: import
    everything an extraction needs (`pipeline.warm`, the forkserver's preload)."""
    from nenpo.pipeline.warm import warm

    warm()


_TIMINGS: dict[str, float] = {}


def stage_prefect(path: str, db: str) -> None:
    import os

    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "ERROR")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    from nenpo.pipeline.flows import ingest_reports

    started = time.perf_counter()
    ingest_reports(paths=[path], db=db)
    cold = time.perf_counter() - started
    Path(db).unlink()
    started = time.perf_counter()
    ingest_reports(paths=[path], db=db)
    _TIMINGS["cold"], _TIMINGS["warm"] = cold, time.perf_counter() - started


STAGES = {
    "pymupdf text": stage_pymupdf,
    "pdfplumber pass": stage_pdfplumber,
    "nenpo extract": stage_extract,
    "nenpo ingest": stage_ingest,
    "ingest, new file": stage_ingest,
    "re-ingest": stage_ingest,
    "cached re-ingest": stage_ingest,
    "cached, 1 sample": stage_ingest,
    "cached, 3 samples": stage_ingest,
    "2 pdfplumber, 2 procs": stage_two_pdfplumber,
    "1 report, 1 worker": stage_one_worker,
    "2 reports, 1 proc": stage_two_serial,
    "2 reports, 2 procs": stage_two_parallel,
}


QUICK_STAGES = ("cached re-ingest", "cached, 1 sample", "cached, 3 samples")


def _child(name: str, args: tuple, queue: mp.Queue) -> None:
    # imports are warmed before the clock starts: start-up is not what is measured (pandas
    # too: pyarrow imports it on its first conversion of a list; every family's readers)
    from nenpo.pipeline.warm import warm

    warm()

    baseline_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    (STAGES | {"prefect flow": stage_prefect, "extract, no OCR": stage_extract_no_ocr})[name](*args)
    seconds = _TIMINGS.get("inner", time.perf_counter() - started)
    # an ingest extracts in forked children (pipeline.guard): the peak is theirs or ours
    rss = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)) / 1024
    queue.put((seconds, rss, rss - baseline_rss, dict(_TIMINGS)))


def run_stage(name: str, args: tuple) -> tuple[float, float, float, dict]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, args, queue))
    proc.start()
    while True:  # a child that dies never answers: do not wait for it forever
        try:
            result = queue.get(timeout=1)
            break
        except Empty:
            if not proc.is_alive():
                raise SystemExit(f"stage {name!r} died with exit code {proc.exitcode}") from None
    proc.join()
    if proc.exitcode:
        raise SystemExit(f"stage {name!r} failed with exit code {proc.exitcode}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=3, help="copies of the three sample editions (96 pages each)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="rounds, each running every stage once (the short ones more often); medians are reported",
    )
    parser.add_argument("--no-prefect", action="store_true", help="skip the Prefect flow timing")
    args = parser.parse_args(argv)
    load_at_start = os.getloadavg()[0]
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "large-edition.pdf"
        other = Path(tmp) / "large-edition-2.pdf"
        pages = build_large_edition(pdf, args.copies)
        build_large_edition(other, args.copies)
        db = str(Path(tmp) / "bench.duckdb")
        samples_db = str(Path(tmp) / "samples.duckdb")
        cache = str(Path(tmp) / "cache")
        samples = [str(p) for p in EDITIONS]
        stage_args = {
            "nenpo ingest": (str(pdf), db),
            "ingest, new file": (str(pdf), db),
            "re-ingest": (str(pdf), db),
            "cached re-ingest": (str(pdf), db, cache, True),
            "cached, 1 sample": (samples[:1], samples_db, cache, True),
            "cached, 3 samples": (samples, samples_db, cache, True),
            "2 pdfplumber, 2 procs": (str(pdf), str(other)),
            "2 reports, 1 proc": (str(pdf), str(other)),
            "2 reports, 2 procs": (str(pdf), str(other)),
        }
        results: dict[str, tuple[float, float, float]] = {}
        details: dict[str, list[dict]] = {}
        # not timed: fill the extraction cache (and the samples' warehouse)
        run_stage("cached re-ingest", (str(pdf), db, cache + "-fill"))
        run_stage("cached re-ingest", (samples, samples_db, cache + "-fill"))
        shutil.copytree(cache + "-fill", cache)
        runs: dict[str, list[tuple]] = {name: [] for name in STAGES}
        # Rounds: every stage once per round, in order, so that a slow spell of a shared
        # machine weighs on all stages alike rather than on whichever ran during it. The
        # short stages run several times a round: a tenth of a second is easily shaken.
        for _ in range(args.repeat):
            for name in STAGES:
                for _ in range(1 if name not in QUICK_STAGES else -(-7 // args.repeat)):
                    if name in ("nenpo ingest", "ingest, new file"):
                        Path(db).unlink(missing_ok=True)
                    if name == "nenpo ingest":  # an initialised, empty warehouse: creating one is set-up, timed apart
                        create_warehouse(db)
                    runs[name].append(run_stage(name, stage_args.get(name, (str(pdf),))))
        for name, done in runs.items():
            results[name] = (statistics.median(r[0] for r in done), max(r[1] for r in done), max(r[2] for r in done))
            details[name] = [r[3] for r in done]
        per_layout = layout_ratios(Path(tmp), args.repeat)
        prefect = None
        if not args.no_prefect:
            Path(db).unlink(missing_ok=True)
            prefect = run_stage("prefect flow", (str(EDITIONS[0]), db))[3]
        profile = profile_stages(EDITIONS, db=str(Path(tmp) / "profile.duckdb"))
    baseline = results["pdfplumber pass"][0]
    print(
        f"{pages}-page edition, median of {args.repeat} rounds, {mp.cpu_count()} cores, Python {sys.version.split()[0]}"
    )
    print(f"{'stage':<20}{'seconds':>9}{'pages/s':>9}{'× pdfplumber':>14}{'peak RSS MB':>13}{'RSS growth MB':>15}")
    for name, (seconds, rss, growth) in results.items():
        if name.startswith("cached, "):
            continue  # the sample editions, for the per-report cost below
        n = pages * (2 if name.startswith("2 ") else 1)
        print(f"{name:<20}{seconds:>9.3f}{n / seconds:>9.0f}{seconds / baseline:>14.3f}{rss:>13.0f}{growth:>15.0f}")
    print()
    print(
        f"ingest / pdfplumber pass:           {results['nenpo ingest'][0] / baseline:.3f}  (target ≤ 0.15); "
        f"{results['ingest, new file'][0] / baseline:.3f} when the run also creates the warehouse file"
    )
    one, three = results["cached, 1 sample"][0], results["cached, 3 samples"][0]
    print(
        f"re-ingest of unchanged editions:    {(three - one) / 2 * 1000:.0f} ms per additional report "
        f"(cached re-ingest of 3 sample editions {three * 1000:.0f} ms, of 1 {one * 1000:.0f} ms)  "
        f"(target ≤ 50 ms of work beyond start-up)"
    )
    print(
        f"                                    the {pages}-page edition: {results['cached re-ingest'][0] * 1000:.0f} ms "
        f"from the extraction cache, {results['re-ingest'][0] * 1000:.0f} ms extracted again"
    )
    speedup = 2 * results["1 report, 1 worker"][0] / results["2 reports, 2 procs"][0]
    plain = 2 * results["nenpo extract"][0] / results["2 reports, 2 procs"][0]
    machine = 2 * results["pdfplumber pass"][0] / results["2 pdfplumber, 2 procs"][0]
    serial = results["2 reports, 1 proc"][0] / results["2 reports, 2 procs"][0]
    print(
        f"TWO CORES: two reports on two cores {speedup:.2f}× the throughput of one report on one core  (target ≥ 1.7);"
        f" load average {load_at_start:.1f} at the start, {os.getloadavg()[0]:.1f} now (other work lowers it)"
    )
    print(
        f"                                    the baseline on the same cores: two pdfplumber passes at once "
        f"{machine:.2f}× one pass on one core (what this machine gives two processes)"
    )
    print(
        f"                                    {plain:.2f}× `extract_report` alone in one process (no guarded child, "
        "no JSON, no validation: less work per report than a worker does)"
    )
    print(
        f"                                    {serial:.2f}× two reports one after the other in one process "
        f"(the second reuses the first's warm caches)"
    )
    workers = statistics.median(max(d["workers"]) for d in details["2 reports, 2 procs"])
    validating = statistics.median(d["validating"] for d in details["2 reports, 2 procs"])
    print(
        f"                                    the slower worker took {workers:.2f} s "
        f"({workers / results['nenpo extract'][0]:.2f}× one report alone: the cores slow each other), "
        f"the parent validated the results in {validating:.2f} s"
    )
    print(f"peak RSS of the ingest:             {results['nenpo ingest'][1]:.0f} MB  (target ≤ 400 MB)")
    print("extraction / pdfplumber pass, per layout of the FY2020 edition (target ≤ 0.15):")
    for layout, (pages_read, plumber, extract, no_ocr) in per_layout.items():
        print(
            f"  {layout:<14}{pages_read:>5} pages  pdfplumber {plumber:7.3f} s  nenpo extract {extract:7.3f} s  "
            f"{extract / plumber:6.3f}   with no page read by OCR {no_ocr:7.3f} s  {no_ocr / plumber:6.3f}"
        )
    if prefect:
        print(
            f"prefect flow run of one edition:    cold {prefect['cold']:.2f} s (ephemeral server start), "
            f"warm {prefect['warm']:.2f} s"
        )
    print()
    print("where the time of an ingest goes (3 sample editions into a new warehouse, cProfile):")
    total = sum(profile.values())
    for stage, seconds in sorted(profile.items(), key=lambda kv: -kv[1]):
        print(f"  {stage:<22}{seconds:>8.3f} s {100 * seconds / total:>6.1f} %")
    return 0


def layout_ratios(tmp: Path, repeat: int) -> dict[str, tuple[int, float, float, float]]:
    """Per layout: pages, and the median seconds of the pdfplumber pass, of `extract_report`
    and of `extract_report` reading no page by OCR, over that layout's FY2020 edition
    printed three times (the mincho layout's cover is an image: OCR reads it)."""
    ratios = {}
    for layout, edition in LAYOUTS.items():
        pdf = tmp / f"layout-{layout.replace(' ', '-')}.pdf"
        pages = build_large_edition(pdf, 1, edition)
        plumber, extract, no_ocr = [], [], []
        for _ in range(repeat):  # interleaved, as the rounds above
            plumber.append(run_stage("pdfplumber pass", (str(pdf),))[0])
            extract.append(run_stage("nenpo extract", (str(pdf),))[0])
            no_ocr.append(run_stage("extract, no OCR", (str(pdf),))[0])
        ratios[layout] = (pages, statistics.median(plumber), statistics.median(extract), statistics.median(no_ocr))
    return ratios


STAGE_OF_MODULE: tuple[tuple[str, str], ...] = (
    ("pdfplumber", "tables (pdfplumber)"),
    ("pdfminer", "tables (pdfplumber)"),
    ("pymupdf", "open + text (PyMuPDF)"),
    ("extractors/pages", "open + text (PyMuPDF)"),
    ("extractors/normalise", "normalise + regex"),
    ("regex", "normalise + regex"),
    ("re/", "normalise + regex"),
    ("kawasaki_sme/kpi", "tables (positions)"),
    ("extractors/grids", "tables (rulings)"),
    ("kawasaki_sme/table_pages", "tables (rulings)"),
    ("kawasaki_sme/stat_tables", "tables (rulings)"),
    ("kawasaki_sme/rosters", "tables (rulings)"),
    ("kawasaki_sme/budget", "tables (rulings)"),
    ("kawasaki_sme/policy_list", "tables (rulings)"),
    ("kawasaki_sme/other_measures", "tables (rulings)"),
    ("kawasaki_sme/sheets", "sheets + PDCA"),
    ("kawasaki_sme/pdca", "sheets + PDCA"),
    ("kawasaki_sme/article_opinions", "sheets + PDCA"),
    ("extractors/paragraphs", "sheets + PDCA"),
    ("kawasaki_sme/rules_", "audit"),
    ("kawasaki_sme/warehouse", "load (DuckDB)"),
    ("extractors/", "extraction, other"),
    ("pydantic", "validation (pydantic)"),
    ("warehouse/schema", "warehouse set-up"),
    ("warehouse/db", "warehouse set-up"),
    ("warehouse/audit", "audit"),
    ("warehouse/rules_", "audit"),
    ("warehouse/identity", "audit"),
    ("duckdb", "load (DuckDB)"),
    ("pyarrow", "load (DuckDB)"),
    ("warehouse/", "load (DuckDB)"),
    ("pipeline/cache", "extraction cache"),
)
"""Which stage a function's time counts for, by the first matching part of its file path."""

STAGE_OF_BUILTIN: tuple[tuple[str, str], ...] = (
    ("re.Pattern", "normalise + regex"),
    ("_regex.Pattern", "normalise + regex"),
    ("pydantic_core", "validation (pydantic)"),
    ("pymupdf", "open + text (PyMuPDF)"),
    ("duckdb", "load (DuckDB)"),
    ("pyarrow", "load (DuckDB)"),
)
"""Built-in (C) functions with a stage of their own, by name; the others count for their caller's stage."""


def _stage(func: tuple[str, int, str], callers: dict, stats: dict, depth: int = 0) -> str:
    filename, _, name = func
    if filename == "~":  # a built-in: by its name, else the stage of the function that called it
        named = next((s for part, s in STAGE_OF_BUILTIN if part in name), None)
        if named or not callers or depth > 3:
            return named or "other"
        caller = max(callers, key=lambda c: callers[c][2])  # the caller it spent most time under
        return _stage(caller, stats[caller][4], stats, depth + 1) if caller in stats else "other"
    return next((s for part, s in STAGE_OF_MODULE if part in filename), "other")


def profile_stages(paths, db: str) -> dict[str, float]:
    """Self time of every function during extraction + load + audit, summed by stage.

    A first, unprofiled ingest into a throw-away warehouse imports everything lazily
    imported, so the profile holds the work, not the imports. Extraction runs in this
    process (no guard child), so that the profile sees it.
    """
    import cProfile
    import pstats

    from nenpo.pipeline.ingest import ingest

    ingest(paths, db + ".warm", limits=None)
    profiler = cProfile.Profile()
    profiler.enable()
    ingest(paths, db, limits=None)
    profiler.disable()
    stats = pstats.Stats(profiler).stats
    stages: dict[str, float] = {}
    for func, (_, _, self_time, _, callers) in stats.items():
        stage = _stage(func, callers, stats)
        stages[stage] = stages.get(stage, 0.0) + self_time
    return stages


if __name__ == "__main__":
    raise SystemExit(main())
