"""Ingest speed against a plain pdfplumber pass over the same PDF, measured in one run.

    python benchmarks/bench_ingest.py [--copies 3] [--repeat 3]

Builds a large edition by concatenating the bundled sample editions (`--copies` times
each, 96 pages per copy), then times, each in a fresh child process so every stage pays
its own imports-free start and reports its own peak memory:

- ``pymupdf text``: PyMuPDF's text of every page (the floor);
- ``pdfplumber pass``: ``extract_text()`` and ``extract_tables()`` on every page (the baseline);
- ``nenpo extract``: `extract_report` alone;
- ``nenpo ingest``: extract + validate + load into a new DuckDB file (no Prefect);
- ``re-ingest``: the same file again (nothing changes: the warehouse sees the same sha256).

Absolute times depend on the machine; the ratios against the baseline are the result.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
EDITIONS = sorted((REPO / "samples" / "editions").glob("*.pdf"))


def build_large_edition(out: Path, copies: int) -> int:
    import pymupdf

    big = pymupdf.open()
    for _ in range(copies):
        for path in EDITIONS:
            with pymupdf.open(path) as part:
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
    from nenpo.extractors.report import extract_report

    extract_report(path)


def stage_ingest(path: str, db: str) -> None:
    from nenpo.pipeline.ingest import ingest

    summary = ingest([path], db)
    assert summary.ok, summary.failed


STAGES = {
    "pymupdf text": stage_pymupdf,
    "pdfplumber pass": stage_pdfplumber,
    "nenpo extract": stage_extract,
    "nenpo ingest": stage_ingest,
    "re-ingest": stage_ingest,
}


def _child(name: str, args: tuple, queue: mp.Queue) -> None:
    # imports are warmed before the clock starts: start-up is not what is measured
    import nenpo.pipeline.ingest  # noqa: F401
    import pdfplumber  # noqa: F401

    started = time.perf_counter()
    STAGES[name](*args)
    seconds = time.perf_counter() - started
    queue.put((seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024))


def run_stage(name: str, args: tuple) -> tuple[float, float]:
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_child, args=(name, args, queue))
    proc.start()
    result = queue.get()
    proc.join()
    if proc.exitcode:
        raise SystemExit(f"stage {name!r} failed with exit code {proc.exitcode}")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--copies", type=int, default=3, help="copies of the three sample editions (96 pages each)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per stage; the median is reported")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        pdf = Path(tmp) / "large-edition.pdf"
        pages = build_large_edition(pdf, args.copies)
        db = str(Path(tmp) / "bench.duckdb")
        results: dict[str, tuple[float, float]] = {}
        for name in STAGES:
            runs = []
            for i in range(args.repeat):
                stage_args = (str(pdf),) if name not in ("nenpo ingest", "re-ingest") else (str(pdf), db)
                if name == "nenpo ingest":
                    Path(db).unlink(missing_ok=True)
                runs.append(run_stage(name, stage_args))
            results[name] = (statistics.median(r[0] for r in runs), max(r[1] for r in runs))
    baseline = results["pdfplumber pass"][0]
    print(f"{pages}-page edition, median of {args.repeat} runs, {mp.cpu_count()} cores, Python {sys.version.split()[0]}")
    print(f"{'stage':<18}{'seconds':>10}{'pages/s':>10}{'× pdfplumber':>14}{'peak RSS MB':>14}")
    for name, (seconds, rss) in results.items():
        print(f"{name:<18}{seconds:>10.3f}{pages / seconds:>10.0f}{seconds / baseline:>14.3f}{rss:>14.0f}")
    print(f"re-ingest of an unchanged edition: {results['re-ingest'][0] * 1000:.0f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
