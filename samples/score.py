"""Score an extraction of a sample edition against its ground truth.

    python -m nenpo.samples.score [samples/editions]      # PDCA items per phase, one layout
    python -m nenpo.samples.score --all-layouts           # every kind of record, every layout,
                                                          # and the audit's findings per layout

`score_records` scores one extraction against any layout's truth, per kind of record
(`RECORD_KINDS`): each kind has a key built from the truth record and from the
extracted record; a record counts as found when both keys agree (each truth record
matches once).

An extracted item counts as found when the ground truth has an item of the same measure
sheet and phase with the same text after normalisation (each truth item matches once).
Precision is found / extracted, recall is found / in the ground truth. The article
opinion table is scored the same way, by (article, kind, text).
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

import regex

from nenpo.extractors.models import ReportExtraction
from nenpo.extractors.normalise import normalise_name, normalise_text

PHASES = ("plan", "do", "covid_do", "check", "covid_check", "action", "next_plan")


@dataclass
class Score:
    found: int = 0
    extracted: int = 0
    expected: int = 0

    @property
    def precision(self) -> float:
        return self.found / self.extracted if self.extracted else 1.0

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    def __iadd__(self, other: Score) -> Score:
        self.found += other.found
        self.extracted += other.extracted
        self.expected += other.expected
        return self


def _score(expected: Counter, got: Counter) -> Score:
    return Score(sum((expected & got).values()), sum(got.values()), sum(expected.values()))


def truth_pdca_keys(truth: dict, phase: str) -> Counter:
    return Counter(
        (normalise_name(t["measure"]), normalise_text(t["text_raw"]))
        for t in truth["pdca_items"]
        if t["phase"] == phase
    )


def score_pdca(truth: dict, extraction: ReportExtraction) -> dict[str, Score]:
    """Per phase: items found, extracted and expected."""
    return {
        phase: _score(
            truth_pdca_keys(truth, phase),
            Counter((i.measure, i.text) for i in extraction.pdca_items if i.phase == phase),
        )
        for phase in PHASES
    }


def score_article_opinions(truth: dict, extraction: ReportExtraction) -> Score:
    return _score(
        Counter((t["article"], t["kind"], normalise_text(t["text_raw"])) for t in truth["article_opinions"]),
        Counter((o.article, o.kind, o.text) for o in extraction.article_opinions),
    )


def _n(value: float | None) -> float | None:
    return None if value is None else round(float(value), 6)


RecordKeys = tuple[Callable[[dict], tuple], Callable[[ReportExtraction], list[tuple]]]

RECORD_KINDS: dict[str, RecordKeys] = {
    # the sheet a measure is printed on, with the pages it spans in this layout
    "measures": (
        lambda t: [
            (normalise_name(m["name_raw"]), m["article"], m["page_start"], m["page_end"]) for m in t["measures"]
        ],
        lambda x: [(m.name, m.article, m.page_start, m.page_end) for m in x.measures],
    ),
    "kpi_values": (
        lambda t: [
            (
                normalise_name(k["measure_raw"]),
                normalise_name(k["indicator_raw"]),
                k["fiscal_year"],
                k["kind"],
                _n(k["value"]),
                k["status"],
            )
            for k in t["kpi_values"]
        ],
        lambda x: [(k.measure, k.indicator, k.fiscal_year, k.kind, _n(k.value), k.status) for k in x.kpi_values],
    ),
    # the values whatever sheet they were put under
    "kpi_cells": (
        lambda t: [
            (normalise_name(k["indicator_raw"]), k["fiscal_year"], k["kind"], _n(k["value"]), k["status"])
            for k in t["kpi_values"]
        ],
        lambda x: [(k.indicator, k.fiscal_year, k.kind, _n(k.value), k.status) for k in x.kpi_values],
    ),
    # the values on the right page
    "kpi_pages": (
        lambda t: [
            (
                normalise_name(k["measure_raw"]),
                normalise_name(k["indicator_raw"]),
                k["fiscal_year"],
                k["kind"],
                k["page"],
            )
            for k in t["kpi_values"]
        ],
        lambda x: [(k.measure, k.indicator, k.fiscal_year, k.kind, k.page) for k in x.kpi_values],
    ),
    **{
        f"pdca_{phase}": (
            lambda t, phase=phase: list(truth_pdca_keys(t, phase).elements()),
            lambda x, phase=phase: [(i.measure, i.text) for i in x.pdca_items if i.phase == phase],
        )
        for phase in PHASES
    },
    "article_opinions": (
        lambda t: [(o["article"], o["kind"], normalise_text(o["text_raw"])) for o in t["article_opinions"]],
        lambda x: [(o.article, o.kind, o.text) for o in x.article_opinions],
    ),
    "stat_values": (
        lambda t: [
            (s["table"], normalise_text(s["category"]), s["survey_year"], s["measure"], _n(s["value"]))
            for s in t["stat_values"]
        ],
        lambda x: [(s.table, s.category, s.survey_year, s.measure, _n(s.value)) for s in x.stat_values],
    ),
    "committee_members": (
        lambda t: [
            (m["committee"], m["seq"], normalise_text(m["role"]), normalise_text(m["name"]))
            for m in t["committee_members"]
        ],
        lambda x: [(m.committee, m.seq, m.role, m.name) for m in x.committee_members],
    ),
    "policy_list": (
        lambda t: [(e["part"], normalise_name(e["name"]), e["page_start"], e["page_end"]) for e in t["policy_list"]],
        lambda x: [(e.part, e.name, e.page_start, e.page_end) for e in x.policy_list],
    ),
    "budget_items": (
        lambda t: [
            (
                b["no"],
                normalise_text(b["phase"]) if b["phase"] else None,
                _n(b["budget_thousand_yen"]),
                normalise_text(b["summary_raw"]),
            )
            for b in t["budget_items"]
        ],
        lambda x: [(b.no, b.phase, _n(b.budget_thousand_yen), b.summary) for b in x.budget_items],
    ),
    "budget_results": (
        lambda t: [
            (
                r["no"],
                normalise_text(r["phase"]) if r["phase"] else None,
                normalise_text(r["metric"]),
                _n(r["value"]),
                r["unit"],
            )
            for r in t["budget_results"]
        ],
        lambda x: [(r.no, r.phase, r.metric, _n(r.value), r.unit) for r in x.budget_results],
    ),
    "other_measures": (
        lambda t: [
            (
                o["article"],
                normalise_name(o["name_raw"]),
                normalise_text(o["next_year_plan_raw"]),
                normalise_text(o["results_raw"]),
            )
            for o in t["other_measures"]
        ],
        lambda x: [(o.article, o.name, o.next_year_plan, o.results) for o in x.other_measures],
    ),
}
"""Kind of record -> (keys of the truth's records, keys of the extracted records)."""


def score_records(truth: dict, extraction: ReportExtraction | None) -> dict[str, Score]:
    """Per kind of record: found, extracted, expected. `None` (the file was refused) finds nothing."""
    out = {}
    for kind, (truth_keys, extracted_keys) in RECORD_KINDS.items():
        expected = Counter(truth_keys(truth))
        got = Counter(extracted_keys(extraction)) if extraction is not None else Counter()
        out[kind] = _score(expected, got)
    return out


LAYOUT_FOLDERS = {
    "landscape": "editions",
    "text-order": "editions-text-order",
    "mincho": "editions-mincho",
}
"""Layout name -> folder under samples/ holding its editions and their truth."""
SAMPLES_DIR = Path(__file__).resolve().parent


def score_layout(folder: Path) -> tuple[dict[str, Score], list[str]]:
    """Scores summed over the editions in one layout's folder, and why any edition was refused."""
    from nenpo.extractors.families.kawasaki_sme.report import extract_report
    from nenpo.extractors.pages import PdfError

    totals = {kind: Score() for kind in RECORD_KINDS}
    refused = []
    for truth_file in sorted(folder.glob("*.truth.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        pdf = truth_file.with_name(truth_file.name.replace(".truth.json", ".pdf"))
        try:
            extraction = extract_report(pdf)
        except PdfError as error:
            extraction = None
            refused.append(f"{pdf.name}: {error}")
        for kind, score in score_records(truth, extraction).items():
            totals[kind] += score
    return totals, refused


def expected_findings(differences=None) -> Counter:
    """The audit findings the planted differences call for, as (check, edition, measure,
    indicator, fiscal year): exactly these and nothing else."""
    from nenpo.samples.content import PLANTED_DIFFERENCES

    expected: Counter = Counter()
    for d in PLANTED_DIFFERENCES if differences is None else differences:
        kind = d["kind"]
        if kind in ("restated_actual", "changed_target"):
            expected[("restated_value", d["later_edition"], d["measure"], d["indicator"], d["fiscal_year"])] += 1
        elif kind == "unit_mismatch":
            expected[("unit_mismatch", d["edition"], d["measure"], d["indicator"], None)] += 1
        elif kind == "dropped_indicator":
            expected[("indicator_dropped", d["later_edition"], d["measure"], d["indicator"], None)] += 1
        elif kind == "renamed_measure":
            expected[("renamed", d["later_edition"], d["new_name"], None, None)] += 1
        elif kind == "census_total_mismatch":
            expected[("census_total_mismatch", d["edition"], None, f"{d['table']}/{d['table']}", d["survey_year"])] += 1
        elif kind == "unexplained_shortfall":
            expected[("actual_far_below_target", d["edition"], d["measure"], d["indicator"], d["fiscal_year"])] += 1
        elif kind == "unanswered_opinion":
            expected[("opinion_without_response", d["edition"], d["measure"], None, None)] += 1
        elif kind == "unasked_response":
            expected[("response_without_opinion", d["edition"], d["measure"], None, None)] += 1
    return expected


def score_audit(folder: Path) -> Score:
    """Ingest one layout's editions into a scratch warehouse; its audit findings against the planted ones."""
    from nenpo.pipeline.ingest import ingest

    with tempfile.TemporaryDirectory() as scratch:
        summary = ingest([folder], Path(scratch) / "nenpo.duckdb", cache_dir=Path(scratch) / "cache")
        got = Counter((f.check, f.report_fiscal_year, f.measure, f.indicator, f.fiscal_year) for f in summary.findings)
    return _score(expected_findings(), got)


def print_all_layouts(samples_dir: Path = SAMPLES_DIR) -> dict[str, dict[str, Score]]:
    """Precision and recall per kind of record (rows) and layout (columns), every edition summed."""
    results = {}
    refusals = []
    for layout, folder in LAYOUT_FOLDERS.items():
        if (samples_dir / folder).is_dir():
            results[layout], refused = score_layout(samples_dir / folder)
            results[layout]["audit_findings"] = score_audit(samples_dir / folder)
            refusals += [f"{layout}: {r}" for r in refused]
    layouts = list(results)
    print("Extraction of the sample editions per layout: precision / recall (expected records; - : none extracted)")
    print(f"{'kind':<19}" + "".join(f"{name:>22}" for name in layouts))
    for kind in [*RECORD_KINDS, "audit_findings"]:
        cells = []
        for name in layouts:
            s = results[name][kind]
            precision = f"{s.precision:.3f}" if s.extracted else "  -  "  # nothing extracted: no precision
            cells.append(f"{precision} / {s.recall:.3f} ({s.expected:>3})")
        print(f"{kind:<19}" + "".join(f"{cell:>22}" for cell in cells))
    for line in refusals:
        print(f"refused {line}")
    return results


INDICATOR_SIMILARITY = 0.8  # OCR may misread a character or two of a long indicator label


def _same_indicator(a: str, b: str) -> bool:
    a, b = (regex.sub(r"\s+", "", normalise_name(t)) for t in (a, b))
    return a == b or SequenceMatcher(None, a, b).ratio() >= INDICATOR_SIMILARITY


def score_kpis(truth: dict, extraction: ReportExtraction) -> Score:
    """KPI values: an extracted value counts as found when the ground truth has one on the
    same page for the same fiscal year and kind (target/actual), with the same value (or,
    for a cell that is not a number, the same status and text) and an indicator whose
    label matches after normalisation (or is at least ``INDICATOR_SIMILARITY`` alike, so a
    misread character in a long label does not hide a correct value)."""
    unmatched = list(truth["kpi_values"])
    found = 0
    for k in extraction.kpi_values:
        for t in unmatched:
            if (t["page"], t["fiscal_year"], t["kind"]) != (k.page, k.fiscal_year, k.kind):
                continue
            same_value = (
                k.value == t["value"]
                if t["value"] is not None
                else k.status == t["status"] and normalise_text(k.value_text) == normalise_text(t["value_text"])
            )
            if same_value and _same_indicator(k.indicator_raw, t["indicator_raw"]):
                unmatched.remove(t)
                found += 1
                break
    return Score(found, len(extraction.kpi_values), len(truth["kpi_values"]))


def score_editions(folder: Path) -> tuple[dict[str, Score], Score, list[int]]:
    """Scores summed over every sample edition in `folder` (the editions' years last)."""
    from nenpo.extractors.families.kawasaki_sme.report import extract_report

    totals = {phase: Score() for phase in PHASES}
    opinions = Score()
    years = []
    for truth_file in sorted(folder.glob("*.truth.json")):
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        extraction = extract_report(truth_file.with_name(truth_file.name.replace(".truth.json", ".pdf")))
        for phase, score in score_pdca(truth, extraction).items():
            totals[phase] += score
        opinions += score_article_opinions(truth, extraction)
        years.append(truth["report_fiscal_year"])
    return totals, opinions, years


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--all-layouts"]:
        print_all_layouts(Path(args[1]) if len(args) > 1 else SAMPLES_DIR)
        return 0
    folder = Path(args[0] if args else "samples/editions")
    totals, opinions, years = score_editions(folder)
    print(f"PDCA items of the sample editions FY{', FY'.join(map(str, years))}")
    print(f"{'phase':<18}{'expected':>9}{'extracted':>10}{'found':>7}{'precision':>11}{'recall':>8}")
    rows = [*totals.items(), ("article opinions", opinions)]
    overall = Score()
    for _phase, s in totals.items():
        overall += s
    rows.append(("all PDCA items", overall))
    for name, s in rows:
        print(f"{name:<18}{s.expected:>9}{s.extracted:>10}{s.found:>7}{s.precision:>11.3f}{s.recall:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
