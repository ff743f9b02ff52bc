"""Micro-benchmark of nenpo.extractors.normalise over the reference text layer.

    python benchmarks/bench_normalise.py [path/to/kawasaki-sme-report-fy2020.txt]

Prints tokens per second for ``parse_cell`` (every number-like token of the text, plus the
KPI cells) and lines per second for ``normalise_text`` and ``text_quality`` (every line).
"cold" empties the memo caches before each run, so every call does the work; "warm" runs
again over the same input, as a report's repeated cells and headers do.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT = REPO_ROOT.parent / "shared" / "reference" / "kawasaki-sme-report-fy2020.txt"

#: Number-like tokens, as in tests/core/test_reference_tokens.py: ``40,934`` ``△21.2`` ``35 .1%``.
NUMBER_TOKEN_RE = re.compile(
    r"(?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ.．,，])[△▲\-－−+＋]?[0-9０-９]+"
    r"(?:[0-9０-９]|[ ]?[,，、.．][ ]?(?=[0-9０-９]))*(?:[ ]?[%％])?"
)
#: KPI rows: ``目 標（件） 90 95``, ``実 績（人） 1,400 中止``.
KPI_ROW_RE = re.compile(r"^(目 ?標|実 ?績)（[^）]+）(?P<cells>.*)$")


def _best_rate(
    fn: Callable[[str], object], items: Sequence[str], repeats: int, before: Callable[[], None] | None
) -> float:
    best = float("inf")
    for _ in range(repeats):
        if before is not None:
            before()
        start = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - start)
    return len(items) / best


def main(argv: list[str]) -> int:
    path = Path(argv[1]) if len(argv) > 1 else DEFAULT
    if not path.is_file():
        print(
            f"reference text not found at {path}\n"
            f"usage: python benchmarks/bench_normalise.py [path/to/kawasaki-sme-report-fy2020.txt]",
            file=sys.stderr,
        )
        return 2
    sys.path.insert(0, str(REPO_ROOT))
    try:
        from nenpo.extractors import normalise as N
    except ImportError:  # not installed: import the folder directly
        import importlib.util

        spec = importlib.util.spec_from_file_location("normalise", REPO_ROOT / "extractors" / "normalise.py")
        assert spec and spec.loader
        N = importlib.util.module_from_spec(spec)
        sys.modules["normalise"] = N
        spec.loader.exec_module(N)

    lines = path.read_text(encoding="utf-8").splitlines()
    tokens = [m.group() for line in lines for m in NUMBER_TOKEN_RE.finditer(line)]
    cells = [c for line in lines if (m := KPI_ROW_RE.match(line.strip())) for c in m.group("cells").split()]
    cell_inputs = tokens + cells
    repeats = 5
    print(f"{path.name}: {len(lines):,} lines, {len(tokens):,} number tokens, {len(cells)} KPI cells")
    print(f"{'function':<16}{'unit':<10}{'cold /s':>14}{'warm /s':>14}")
    for name, fn, items, unit in (
        ("parse_cell", N.parse_cell, cell_inputs, "tokens"),
        ("parse_number", N.parse_number, tokens, "tokens"),
        ("normalise_text", N.normalise_text, lines, "lines"),
        ("text_quality", N.text_quality, lines, "lines"),
        ("find_years", N.find_years, lines, "lines"),
    ):
        cold = _best_rate(fn, items, repeats, N.clear_caches)
        _best_rate(fn, items, 1, None)  # fill the caches
        warm = _best_rate(fn, items, repeats, None)
        print(f"{name:<16}{unit:<10}{cold:>14,.0f}{warm:>14,.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv))
