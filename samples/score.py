"""Score an extraction of a sample edition against its ground truth: PDCA items per phase.

    python -m nenpo.samples.score [samples/editions]

An extracted item counts as found when the ground truth has an item of the same measure
sheet and phase with the same text after normalisation (each truth item matches once).
Precision is found / extracted, recall is found / in the ground truth. The article
opinion table is scored the same way, by (article, kind, text).
"""

from __future__ import annotations

import json
import sys
from collections import Counter
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
        for t in truth["pdca_items"] if t["phase"] == phase
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
                k.value == t["value"] if t["value"] is not None
                else k.status == t["status"] and normalise_text(k.value_text) == normalise_text(t["value_text"])
            )
            if same_value and _same_indicator(k.indicator_raw, t["indicator_raw"]):
                unmatched.remove(t)
                found += 1
                break
    return Score(found, len(extraction.kpi_values), len(truth["kpi_values"]))


def score_editions(folder: Path) -> tuple[dict[str, Score], Score, list[int]]:
    """Scores summed over every sample edition in `folder` (the editions' years last)."""
    from nenpo.extractors.report import extract_report

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
    folder = Path(args[0] if args else "samples/editions")
    totals, opinions, years = score_editions(folder)
    print(f"PDCA items of the sample editions FY{', FY'.join(map(str, years))}")
    print(f"{'phase':<18}{'expected':>9}{'extracted':>10}{'found':>7}{'precision':>11}{'recall':>8}")
    rows = [*totals.items(), ("article opinions", opinions)]
    overall = Score()
    for phase, s in totals.items():
        overall += s
    rows.append(("all PDCA items", overall))
    for name, s in rows:
        print(f"{name:<18}{s.expected:>9}{s.extracted:>10}{s.found:>7}{s.precision:>11.3f}{s.recall:>8.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
