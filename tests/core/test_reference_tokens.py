"""nenpo.extractors.normalise over the whole reference text layer (skipped without ../shared).

Every number-like token of the FY2020 Kawasaki report is either read by ``parse_number``
or reported as not a number with a reason; nothing raises. The unparsed tokens are
written to a short report (printed, and saved under pytest's tmp path).
"""

from __future__ import annotations

import collections
import re
from pathlib import Path

import pytest

from nenpo.extractors.normalise import (
    find_years,
    normalise_text,
    parse_cell,
    parse_number,
    parse_unit,
    text_quality,
)

pytestmark = pytest.mark.reference

#: A number-like token of the text layer: optional sign (``△ ▲ - － − + ＋``) not glued to
#: a preceding digit or letter, a digit run of either width, then more digits or
#: separators (``, ， 、 . ．``) that are followed by a digit, with the stray single spaces
#: the text layer puts around separators (``35 .1%``, ``1 ,023``), then an optional
#: ``%``/``％``. Examples: ``40,934`` ``△21.2`` ``11．0`` ``99.1％`` ``35 .1%`` ``１``
#: ``15、16`` (two numbers, reported as such) ``19,20`` (``12⽉19,20日``: two days, malformed).
NUMBER_TOKEN_RE = re.compile(
    r"""
    (?<![0-9０-９A-Za-zＡ-Ｚａ-ｚ.．,，])
    [△▲\-－−+＋]?
    [0-9０-９]+
    (?: [0-9０-９] | [ ]?[,，、.．][ ]?(?=[0-9０-９]) )*
    (?:[ ]?[%％])?
    """,
    re.X,
)

#: Share of number-like tokens parse_number reads, measured on the reference: 2,618 of
#: 2,620 (99.9%); the two others are ``15、16`` (multiple numbers) and ``19,20``
#: (malformed grouping: ``12⽉19,20日``, two days).
MIN_PARSED_SHARE = 0.995

#: KPI rows: ``目 標（件） 90 95``, ``実績（万人） 15,600,000 12,760,000``.
KPI_ROW_RE = re.compile(r"^(目 ?標|実 ?績)（(?P<unit>[^）]+)）(?P<cells>.*)$")


def test_every_number_token_is_parsed_or_explained(reference_lines: list[str], tmp_path: Path) -> None:
    tokens: list[tuple[int, str]] = [
        (no, m.group()) for no, line in enumerate(reference_lines, start=1) for m in NUMBER_TOKEN_RE.finditer(line)
    ]
    assert len(tokens) > 2000
    errors: list[tuple[int, str, BaseException]] = []
    unparsed: list[tuple[int, str, str]] = []
    for no, token in tokens:
        try:
            result = parse_number(token)
        except Exception as exc:  # noqa: BLE001 - the test is that this never happens
            errors.append((no, token, exc))
            continue
        if not result.ok:
            assert result.reason, token
            unparsed.append((no, token, result.reason))
    assert errors == []

    share = 1 - len(unparsed) / len(tokens)
    reasons = collections.Counter(reason for _, _, reason in unparsed)
    report = [
        f"number-like tokens: {len(tokens)}, parsed: {len(tokens) - len(unparsed)} ({share:.2%})",
        f"unparsed by reason: {dict(reasons)}",
        *(f"  line {no}: {token!r} -> {reason}" for no, token, reason in unparsed),
    ]
    text = "\n".join(report)
    (tmp_path / "unparsed_tokens.txt").write_text(text + "\n", encoding="utf-8")
    print(text)
    assert share >= MIN_PARSED_SHARE


def test_normalised_reference_has_no_radicals(reference_text: str) -> None:
    out = normalise_text(reference_text)
    left = sorted({c for c in out if 0x2E80 <= ord(c) <= 0x2FDF})
    assert left == []
    assert normalise_text(out) == out
    # the reference does contain them: ~1,000 Kangxi radicals and some Supplement ones
    assert sum(1 for c in reference_text if 0x2F00 <= ord(c) <= 0x2FDF) > 900
    assert sum(1 for c in reference_text if 0x2E80 <= ord(c) <= 0x2EFF) > 50


def test_every_line_goes_through_every_function(reference_lines: list[str]) -> None:
    for line in reference_lines:
        n = normalise_text(line)
        assert normalise_text(n) == n
        text_quality(line)
        parse_cell(line)
        find_years(line)


def test_kpi_year_headers(reference_lines: list[str]) -> None:
    headers = [line for line in reference_lines if "年度 R" in line]
    assert len(headers) == 45
    for line in headers:
        refs = find_years(line)
        assert [(r.year, r.fiscal, r.conflict) for r in refs] == [(2019, True, None), (2020, True, None)]


def test_kpi_rows(reference_lines: list[str]) -> None:
    rows = [m for line in reference_lines if (m := KPI_ROW_RE.match(line.strip()))]
    assert len(rows) >= 80
    units = collections.Counter()
    for m in rows:
        unit = parse_unit(m.group(0).split("）")[0] + "）")
        assert unit is not None, m.group(0)
        units[unit.printed] += 1
        assert not text_quality(m.group(0)).garbled, m.group(0)
        for cell_text in m.group("cells").split():
            cell = parse_cell(cell_text, unit)
            assert cell.status in {"reported", "cancelled"}, cell
    assert set(units) == {"件", "回", "人", "社", "%", "％", "万人"}


def test_chart_labels_are_flagged(reference_lines: list[str]) -> None:
    flagged = {line.strip() for line in reference_lines if text_quality(line).garbled}
    for label in ("採⽤  ⼈材 定着率 低", "取組 ⾏   ⼗分 効果", "将来 経営 関  不安"):
        assert label in flagged
    nonblank = [line for line in reference_lines if line.strip()]
    assert len(flagged) < 0.05 * len(nonblank)
