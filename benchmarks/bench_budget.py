"""Budget-book reading at the scale of a whole book: a 600+ page book against a plain
pdfplumber pass over the same pages, and the reader's peak memory.

    python benchmarks/bench_budget.py [--pages 600] [--shared ../shared]

The book is Fuji City's budget-book parts (``shared/realpdfs/budget``: front parts, 市税 and
寄附金 of R7 and R8) concatenated and repeated with PyMuPDF into a temporary file until it has
at least ``--pages`` pages. Two fresh child processes then read it:

- the budget-book family's ``extract`` (verify 'auto', no OCR), reporting pages done while it
  runs, and its peak RSS (``ru_maxrss`` of the child);
- the same with ``verify='never'`` (PyMuPDF alone: the cost of the core's second opinions);
- ``pdfplumber``'s ``extract_text`` on every page, the baseline.

The ratio extraction / pdfplumber of each child's CPU seconds is the figure (the target is ≤ 0.15;
wall-clock seconds are printed too, but on a shared machine they measure the neighbours), with
peak RSS ≤ 500 MB.
Skips (exit 0) when the shared folder is absent.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RSS_LIMIT_MB = 500
RATIO_TARGET = 0.15


def build_book(parts: list[Path], pages: int, out: Path) -> int:
    import pymupdf

    book = pymupdf.open()
    while book.page_count < pages:
        for part in parts:
            with pymupdf.open(part) as src:
                book.insert_pdf(src)
    book.save(out, garbage=0)
    count = book.page_count
    book.close()
    return count


def _extract(path: str, queue, verify: str = "auto") -> None:
    from nenpo.extractors.edition import EditionClaim
    from nenpo.extractors.families.budget_book.family import extract

    def progress(done: int, total: int) -> None:
        if done % 50 == 0 or done == total:
            print(f"  budget-book: {done}/{total} pages", file=sys.stderr, flush=True)

    started, cpu = time.perf_counter(), time.process_time()
    x = extract(path, claim=EditionClaim("bench", 2025, "command_line"), ocr="never", verify=verify, progress=progress)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    second_opinions = sum("pdfplumber" in page.chars for page in x.pages)
    queue.put((seconds, cpu, rss_mb, len(x.appropriations), len(x.appropriation_notes), second_opinions))


def _extract_unverified(path: str, queue) -> None:
    _extract(path, queue, verify="never")


def _plumber(path: str, queue) -> None:
    import pdfplumber

    started, cpu = time.perf_counter(), time.process_time()
    with pdfplumber.open(path) as pdf:
        total = len(pdf.pages)
        for n, page in enumerate(pdf.pages, start=1):
            page.extract_text()
            page.flush_cache()
            if n % 50 == 0 or n == total:
                print(f"  pdfplumber: {n}/{total} pages", file=sys.stderr, flush=True)
    queue.put((time.perf_counter() - started, time.process_time() - cpu))


def in_child(target, path: Path):
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=target, args=(str(path), queue))
    proc.start()
    result = queue.get()
    proc.join()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=600)
    parser.add_argument("--shared", type=Path, default=Path(os.environ.get("NENPO_SHARED", REPO.parent / "shared")))
    args = parser.parse_args(argv)
    folder = args.shared / "realpdfs" / "budget"
    parts = sorted(folder.glob("*.pdf"))
    if not parts:
        print(f"bench_budget: no budget books at {folder}; skipped")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "book.pdf"
        pages = build_book(parts, args.pages, book)
        print(f"bench_budget: {pages}-page book from {len(parts)} parts")
        seconds, cpu, rss_mb, rows, notes, checked = in_child(_extract, book)
        unverified, unverified_cpu, *_ = in_child(_extract_unverified, book)
        baseline, baseline_cpu = in_child(_plumber, book)
    # CPU seconds of each child are the figure: on a shared machine wall-clock time measures the neighbours
    print(
        f"budget-book extract: {cpu:.1f} s CPU ({cpu / pages * 1000:.1f} ms/page; {seconds:.1f} s wall), {rows} appropriations, "
        f"{notes} notes; {checked} pages given pdfplumber's second opinion (verify 'auto')"
    )
    print(f"budget-book extract, verify 'never': {unverified_cpu:.1f} s CPU ({unverified:.1f} s wall)")
    print(
        f"pdfplumber extract_text: {baseline_cpu:.1f} s CPU ({baseline_cpu / pages * 1000:.1f} ms/page; {baseline:.1f} s wall)"
    )
    print(
        f"ratio extract / pdfplumber (CPU): {cpu / baseline_cpu:.3f} with verify 'auto', "
        f"{unverified_cpu / baseline_cpu:.3f} with verify 'never' (target <= {RATIO_TARGET})"
    )
    print(
        f"ratio extract / pdfplumber (wall, the neighbours' load included): {seconds / baseline:.3f} with verify 'auto', "
        f"{unverified / baseline:.3f} with verify 'never'; load average {os.getloadavg()[0]:.1f}"
    )
    print(f"peak RSS of the extraction: {rss_mb:.0f} MB (limit {RSS_LIMIT_MB} MB)")
    return 0 if rss_mb <= RSS_LIMIT_MB else 1


if __name__ == "__main__":
    sys.exit(main())
