"""Cell accuracy of the table readers on the sample editions, per table kind.

    python benchmarks/table_accuracy.py

For every table the generator drew (census, roster, policy list, budget, その他の事業),
each cell of `table_cells` is compared with the ground truth (position, spans, normalised
text); for every typed table, each row is compared field by field. Prints one line per
table kind and per typed table.
"""

from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from nenpo.extractors.families.kawasaki_sme.report import extract_report  # noqa: E402
from tests.table_truth import CellScore, expected_rows, extracted_rows, load_truth, score_cells  # noqa: E402

EDITIONS = (2019, 2020, 2021)


def main() -> int:
    cells: dict[str, CellScore] = {}
    rows: dict[str, list[int]] = {}
    for year in EDITIONS:
        truth = load_truth(year)
        x = extract_report(REPO / "samples" / "editions" / f"kawasaki-sme-fy{year}.pdf")
        for kind, score in score_cells(truth, x).items():
            total = cells.setdefault(kind, CellScore())
            total.cells += score.cells
            total.right += score.right
            total.tables += score.tables
            total.tables_found += score.tables_found
        want, got = expected_rows(truth), extracted_rows(x)
        for table, expected in want.items():
            fields = sum(len(r) for r in expected)
            right = sum(a == b for w, g in zip(expected, got[table]) for a, b in zip(w, g))
            counts = rows.setdefault(table, [0, 0, 0, 0])
            counts[0] += len(expected)
            counts[1] += sum(w == g for w, g in zip(expected, got[table]))
            counts[2] += fields
            counts[3] += right
    print(f"{'table kind':<16}{'tables':>8}{'cells':>8}{'right':>8}{'accuracy':>10}")
    for kind, s in sorted(cells.items()):
        print(f"{kind:<16}{s.tables_found:>4}/{s.tables:<3}{s.cells:>8}{s.right:>8}{s.accuracy:>10.1%}")
    print()
    print(f"{'typed table':<20}{'rows':>6}{'exact':>7}{'fields':>8}{'right':>7}{'accuracy':>10}")
    for table, (n, exact, fields, right) in rows.items():
        print(f"{table:<20}{n:>6}{exact:>7}{fields:>8}{right:>7}{right / fields:>10.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
