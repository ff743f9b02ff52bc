"""OCR cost: seconds per recognised page, and the share of an edition's time OCR takes.

    python benchmarks/bench_ocr.py [--year 2020] [--pages kpi|all] [--layout a|b|c] [--seed 2020]

Makes a scanned copy of a sample edition (`samples.scanned`: the KPI pages by default,
or every page; layout (a) by default, or the text-order (b) or mincho (c) layout; each
page turned and noised as `--seed` draws it), then
extracts it twice in fresh child processes: with ``ocr='auto'``
(the scanned pages are recognised, in parallel, one ``tesseract`` process per core) and
with ``ocr='never'`` (the same file without OCR). The difference is what OCR costs:

- seconds per OCR'd page = (auto - never) / pages recognised (wall clock, all cores);
- OCR share = (auto - never) / auto, the part of the edition's extraction spent on OCR;

and the KPI values of the recognised extraction are scored against the ground truth
(precision and recall, `samples.score.score_kpis`); the values of the ground truth it
did not find are listed with what was read in their place.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
LAYOUTS = {"a": ("editions", ""), "b": ("editions-text-order", ".text-order"), "c": ("editions-mincho", ".mincho")}


def _extract(path: str, mode: str, queue) -> None:
    from nenpo.extractors.errors import NeedsOcrError
    from nenpo.extractors.families.kawasaki_sme.report import extract_report

    started = time.perf_counter()
    try:
        text = extract_report(path, ocr=mode).model_dump_json()
    except NeedsOcrError:  # without OCR a copy scanned throughout is refused: that is its time
        text = ""
    queue.put((time.perf_counter() - started, text))


def timed(path: Path, mode: str):
    from nenpo.extractors.families.kawasaki_sme.models import KawasakiExtraction

    queue = mp.get_context("spawn").Queue()
    proc = mp.get_context("spawn").Process(target=_extract, args=(str(path), mode, queue))
    proc.start()
    seconds, text = queue.get()
    proc.join()
    return seconds, KawasakiExtraction.model_validate_json(text) if text else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=2020)
    parser.add_argument("--pages", choices=("kpi", "all"), default="kpi")
    parser.add_argument("--layout", choices=sorted(LAYOUTS), default="a")
    parser.add_argument("--seed", type=int, default=2020)
    args = parser.parse_args(argv)

    from nenpo.extractors import ocr
    from nenpo.samples.scanned import scan_pdf
    from nenpo.samples.score import score_kpis

    reason = ocr.available()
    if reason is not None:
        print(f"OCR unavailable: {reason}", file=sys.stderr)
        return 1
    folder, suffix = LAYOUTS[args.layout]
    source = REPO / "samples" / folder / f"kawasaki-sme-fy{args.year}{suffix}.pdf"
    truth = json.loads(source.with_name(source.stem + ".truth.json").read_text(encoding="utf-8"))
    pages = sorted({k["page"] for k in truth["kpi_values"]}) if args.pages == "kpi" else None
    with tempfile.TemporaryDirectory() as tmp:
        scanned = scan_pdf(source, Path(tmp) / "scanned.pdf", pages, seed=args.seed)
        never, _ = timed(scanned, "never")
        auto, x = timed(scanned, "auto")
    assert x is not None, "the recognised copy was refused"
    recognised = sum(1 for p in x.pages if p.engine == "ocr")
    score = score_kpis(truth, x)
    ocr_seconds = auto - never
    print(
        f"scanned FY{args.year}, layout ({args.layout}), seed {args.seed} "
        f"({args.pages} pages scanned: {recognised} of {x.page_count} recognised), "
        f"{os.cpu_count()} cores"
    )
    print(f"{'extract, ocr=never':<28}{never:>9.2f} s")
    print(f"{'extract, ocr=auto':<28}{auto:>9.2f} s")
    print(f"{'seconds per OCR page':<28}{ocr_seconds / max(recognised, 1):>9.2f} s")
    print(f"{'OCR share of the edition':<28}{ocr_seconds / auto:>9.1%}")
    print(
        f"{'KPI values (found/extr/exp)':<28}{score.found:>5}/{score.extracted}/{score.expected}"
        f"  precision {score.precision:.3f}  recall {score.recall:.3f}"
    )
    for line in missed(truth, x):
        print(line)
    return 0


def missed(truth: dict, x) -> list[str]:
    """The ground truth's KPI values the extraction did not find, each with what was read on
    its page for the same year and kind (a blank, a misreading, another indicator)."""
    from nenpo.samples.score import score_kpis

    out = []
    for t in truth["kpi_values"]:
        alone = {**truth, "kpi_values": [t]}
        same = [k for k in x.kpi_values if (k.page, k.fiscal_year, k.kind) == (t["page"], t["fiscal_year"], t["kind"])]
        if score_kpis(alone, x.model_copy(update={"kpi_values": tuple(same)})).found:
            continue
        read = "; ".join(f"{k.value_text!r} under {k.indicator_raw!r}" for k in same) or "nothing"
        out.append(
            f"  missed p.{t['page']} {t['fiscal_year']} {t['kind']} {t['value_text']!r} "
            f"({t['indicator_raw']}): read {read}"
        )
    return out


if __name__ == "__main__":
    raise SystemExit(main())
