"""The text-order reading of KPI indicator labels, over the real FY2020 edition's 45 tables.

The expected label lines are the hand-typed ones of `tests/data/reference_kpi_fy2020.json`
(``indicator_lines``), not output of the code. The text layer is read as a PDF's lines are:
without its blank lines. Skips where ../shared is absent.
"""

from __future__ import annotations

import json

import pytest

from nenpo.extractors.families.kawasaki_sme import pdca
from nenpo.extractors.families.kawasaki_sme.kpi_grammar import (
    CAPTION_BELOW,
    INDICATOR_LABEL,
    LIST_LINE,
    indicator_in_text_order,
)
from nenpo.extractors.normalise import normalise_name, normalise_text
from tests.conftest import TEST_DATA

TABLES = json.loads((TEST_DATA / "reference_kpi_fy2020.json").read_text(encoding="utf-8"))["tables"]


def _heading_kind(text: str) -> str | None:
    found, phase = pdca.heading_phase(text)
    return (phase or "kpi") if found else None


@pytest.fixture(scope="module")
def printed(reference_lines):
    """The reference lines without blank ones, with their 1-based line numbers."""
    kept = [(n, normalise_text(line)) for n, line in enumerate(reference_lines, start=1) if line.strip()]
    return [n for n, _ in kept], [t for _, t in kept]


@pytest.mark.parametrize("table", TABLES, ids=lambda t: f"table{t['no']}-L{t['header_line']}")
def test_label_lines_match_the_hand_read_ones(printed, table):
    numbers, norm = printed
    header = numbers.index(table["header_line"])
    found = indicator_in_text_order(norm, header, max(0, header - 80), min(len(norm), header + 20), _heading_kind)
    assert found is not None
    lines, name = found
    assert [numbers[i] for i in lines] == table["indicator_lines"]
    label = name if name is not None else "".join(norm[i] for i in lines)
    assert normalise_name(label) == normalise_name(table["indicator"])


def test_patterns_read_real_lines():
    assert CAPTION_BELOW.match("【参考 知的財産マッチング成⽴件数】").group("name") == "知的財産マッチング成⽴件数"
    assert LIST_LINE.match("「ナノテクノロジーセミナー」（1回）") and LIST_LINE.match("・例年の調査項目に加え")
    assert INDICATOR_LABEL.match("〇街路灯LED化実施数（累計）") and not LIST_LINE.match("○KBICの入居率")
