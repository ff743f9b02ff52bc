"""The sample editions' other tables: ground truth (written by the generator) against what
`extract_report` read, field by field and cell by cell.

Shared by the tests (`test_extract_tables_samples.py`) and by
`benchmarks/table_accuracy.py`, which prints the cell accuracy per table kind.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.normalise import normalise_name, normalise_text
from tests.conftest import REPO_ROOT

SAMPLE_EDITIONS = REPO_ROOT / "samples" / "editions"


def load_truth(year: int) -> dict:
    return json.loads((SAMPLE_EDITIONS / f"kawasaki-sme-fy{year}.truth.json").read_text(encoding="utf-8"))


def _text(value: str | None) -> str | None:
    return None if value is None else normalise_text(value)


def expected_rows(truth: dict) -> dict[str, list[tuple]]:
    """Each typed table's rows as the extraction must produce them, normalised like it."""
    return {
        "stat_values": sorted(
            (
                s["table"],
                _text(s["category"]),
                s["survey_year"],
                s["measure"],
                s["value"],
                _text(s["value_text"]),
                s["unit"],
                _text(s["period"]),
                _text(s["title"]),
                s["page"],
            )
            for s in truth["stat_values"]
        ),
        "committee_members": [
            (m["committee"], _text(m["as_of"]), m["seq"], _text(m["role"]), _text(m["name"]), m["grp"], m["page"])
            for m in truth["committee_members"]
        ],
        "policy_list": [
            (
                e["part"],
                e["seq"],
                e["article"],
                _text(e["policy"]),
                e["parent"] and normalise_name(e["parent"]),
                normalise_name(e["name"]),
                e["page_start"],
                e["page_end"],
                e["page"],
            )
            for e in truth["policy_list"]
        ],
        "budget_items": [
            (
                b["no"],
                _text(b["phase"]),
                normalise_name(b["name_raw"]),
                _text(b["summary_raw"]),
                None if b["budget_thousand_yen"] is None else float(b["budget_thousand_yen"]),
                _text(b["budget_note_raw"]),
                _text(b["results_text_raw"]),
                b["page"],
            )
            for b in truth["budget_items"]
        ],
        "budget_results": [
            (r["no"], _text(r["phase"]), _text(r["metric"]), float(r["value"]), r["unit"])
            for r in truth["budget_results"]
        ],
        "other_measures": [
            (
                o["article"],
                normalise_name(o["name_raw"]),
                _text(o["next_year_plan_raw"]),
                _text(o["results_raw"]),
                o["page"],
            )
            for o in truth["other_measures"]
        ],
    }


def extracted_rows(x: ReportExtraction) -> dict[str, list[tuple]]:
    return {
        "stat_values": sorted(
            (s.table, s.category, s.survey_year, s.measure, s.value, s.value_text, s.unit, s.period, s.title, s.page)
            for s in x.stat_values
        ),
        "committee_members": [
            (m.committee, m.as_of, m.seq, m.role, m.name, m.grp, m.page) for m in x.committee_members
        ],
        "policy_list": [
            (e.part, e.seq, e.article, e.article_title, e.parent, e.name, e.page_start, e.page_end, e.page)
            for e in x.policy_list
        ],
        "budget_items": [
            (b.no, b.phase, b.name, b.summary, b.budget_thousand_yen, b.budget_note, b.results_text, b.page)
            for b in x.budget_items
        ],
        "budget_results": [(r.no, r.phase, r.metric, r.value, r.unit) for r in x.budget_results],
        "other_measures": [(o.article, o.name, o.next_year_plan, o.results, o.page) for o in x.other_measures],
    }


@dataclass
class CellScore:
    """Cells of the truth tables of one kind, and how many were read exactly."""

    cells: int = 0
    right: int = 0
    tables: int = 0
    tables_found: int = 0
    wrong: list = field(default_factory=list)

    @property
    def accuracy(self) -> float:
        return self.right / self.cells if self.cells else 1.0


def score_cells(truth: dict, x: ReportExtraction) -> dict[str, CellScore]:
    """Every cell of every table the generator drew, against `table_cells`, per table kind.

    A truth table is matched to the extracted table of the same page and kind whose
    top-left corner (of the union of its cells on that page) is closest; a cell is right when its position,
    spans and normalised text all agree."""
    by_table: dict[int, list] = {}
    for c in x.table_cells:
        by_table.setdefault(c.table_no, []).append(c)
    scores: dict[str, CellScore] = {}
    for table in truth["tables"]:
        score = scores.setdefault(table["kind"], CellScore())
        score.tables += 1
        score.cells += len(table["cells"])
        candidates = []
        for cells in by_table.values():
            if cells[0].page != table["page"] or cells[0].kind != table["kind"]:
                continue
            boxes = [c.bbox for c in cells if c.bbox and c.page == cells[0].page]  # a table across pages: its first
            box = (
                min(b[0] for b in boxes),
                min(b[1] for b in boxes),
                max(b[2] for b in boxes),
                max(b[3] for b in boxes),
            )
            candidates.append((abs(box[0] - table["bbox"][0]) + abs(box[1] - table["bbox"][1]), cells))
        if not candidates:
            score.wrong.append((table["page"], table["kind"], "table not found"))
            continue
        distance, cells = min(candidates, key=lambda c: c[0])
        score.tables_found += 1
        got = {(c.row, c.col): (c.row_span, c.col_span, c.text) for c in cells}
        for row, col, row_span, col_span, text in table["cells"]:
            want = (row_span, col_span, normalise_text(text))
            if got.get((row, col)) == want:
                score.right += 1
            else:
                score.wrong.append((table["page"], row, col, want, got.get((row, col))))
    return scores


def field_mismatches(expected: list[tuple], got: list[tuple]) -> Counter:
    """Per field position, how many rows differ (rows compared in order)."""
    out: Counter = Counter()
    for want, have in zip(expected, got):
        for k, (a, b) in enumerate(zip(want, have)):
            if a != b:
                out[k] += 1
    return out
