"""Properties of nenpo.extractors.normalise over generated text: idempotence, no public
function ever raises on any string, and printed numbers read back to the value printed."""

from __future__ import annotations

import signal
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nenpo.extractors.normalise import (
    CIRCLED,
    Cell,
    NumberResult,
    TextQuality,
    Unit,
    UnitCheck,
    YearRef,
    check_unit_scale,
    find_years,
    item_numbers,
    normalise_name,
    normalise_text,
    parse_cell,
    parse_number,
    parse_unit,
    parse_year,
    period_kind,
    split_item,
    text_quality,
)

# Any code point but surrogates.
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=60)

# Text biased towards what the text layer contains: digits of both widths, separators,
# signs, brackets, spaces of every kind, bullets, radicals, circled numbers, era marks.
_LAYER_ALPHABET = (
    "0123456789０１２３４５６７８９,，、.．%％△▲-－−‐+＋~～〜∼()（）[]【】 \u3000\u00a0\u2009\t\n\r"
    "○〇◯●・※①②③④⑤⑥⑩⑳年度月日令和平成昭和元RHSＲ件人回社万千円名中止新規実績目標"
    "⺠⻑⻘⺟⻄⻤⻝⻞⾒⽉⾏⼯⼈\u200b\ufeff\u00ad\u0301\u3099ｺﾛﾅﾞ㈱㍻№"
)
LAYER_TEXT = st.text(st.sampled_from(_LAYER_ALPHABET), max_size=40)
SOME_TEXT = st.one_of(ANY_TEXT, LAYER_TEXT)

PROPERTY_SETTINGS = settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY_SETTINGS
@given(SOME_TEXT)
@example("e\u200b\u0301")  # removing a zero-width space exposes a composition
@example("・〇事業")  # stripping the bullet exposes a line-start 〇
@example("①\u0301")
@example("a \r\n b")
def test_normalise_text_is_idempotent(s: str) -> None:
    once = normalise_text(s)
    assert normalise_text(once) == once


@PROPERTY_SETTINGS
@given(SOME_TEXT)
@example("・〇事業")
@example("○ ○〇x")
@example("e \u0301")
def test_normalise_name_is_idempotent(s: str) -> None:
    once = normalise_name(s)
    assert normalise_name(once) == once
    assert not any(c.isspace() for c in once)


@PROPERTY_SETTINGS
@given(SOME_TEXT)
def test_normalise_text_output_shape(s: str) -> None:
    out = normalise_text(s)
    assert not any(0x2E80 <= ord(c) <= 0x2FDF for c in out)
    assert "  " not in out and "\r" not in out and "\t" not in out
    assert out == out.strip(" \n")
    for c in CIRCLED:  # circled numbers survive
        assert out.count(c) == s.count(c)


@PROPERTY_SETTINGS
@given(SOME_TEXT, st.sampled_from([None, *(parse_unit(u) for u in ("件", "万人", "％", "千円", "名"))]))
def test_no_public_function_raises(s: str, unit: Unit | None) -> None:
    assert isinstance(normalise_text(s), str)
    assert isinstance(normalise_name(s), str)
    numbers = item_numbers(s)
    assert isinstance(numbers, tuple) and all(1 <= n <= 20 for n in numbers)
    nums, label, rest = split_item(s)
    assert label == "" or s.lstrip().startswith(label)
    assert isinstance(text_quality(s), TextQuality)
    q = text_quality(s)
    assert 0.0 <= q.score <= 1.0 and q.garbled == (q.score > 0.06)
    u = parse_unit(s)
    assert u is None or isinstance(u, Unit)
    for apply_scale in (False, True):
        r = parse_number(s, unit, apply_scale)
        assert isinstance(r, NumberResult) and r.text == s
        assert (r.value is None) == (r.reason is not None)
    cell = parse_cell(s, unit)
    assert isinstance(cell, Cell) and cell.text == s
    assert cell.status in {"reported", "cancelled", "not_reported", "not_numeric"}
    assert (cell.value is not None) == (cell.status == "reported")
    assert not (cell.reason or "").startswith("internal error")
    refs = find_years(s)
    assert all(isinstance(r, YearRef) for r in refs)
    first = parse_year(s)
    assert first == (refs[0] if refs else None)
    assert period_kind(s) in {None, "fiscal", "calendar"}
    if unit is not None:
        assert isinstance(check_unit_scale(unit, [len(s), 1e12]), UnitCheck)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**30), 10**30)), max_size=5),
    st.sampled_from(["件", "万人", "千円", "%", "人"]),
    st.sampled_from([None, "人", "万人"]),
)
def test_check_unit_scale_never_raises(values, unit_text, ref_text) -> None:
    unit = parse_unit(unit_text)
    ref = parse_unit(ref_text) if ref_text else None
    assert unit is not None
    check = check_unit_scale(unit, values, ref, reference_values=values[::-1])
    assert isinstance(check, UnitCheck)


def test_non_string_input_is_a_typed_failure() -> None:
    for bad in (None, 12, 3.5, b"\xff", object()):
        assert isinstance(normalise_text(bad), str)  # type: ignore[arg-type]
        assert isinstance(parse_number(bad), NumberResult)  # type: ignore[arg-type]
        assert isinstance(parse_cell(bad), Cell)  # type: ignore[arg-type]
        assert parse_unit(bad) is None or isinstance(parse_unit(bad), Unit)  # type: ignore[arg-type]
        assert isinstance(find_years(bad), list)  # type: ignore[arg-type]
    assert check_unit_scale(None, [1]).consistent  # type: ignore[arg-type]
    assert parse_number("12", unit="件").value == 12  # type: ignore[arg-type]


WATCHDOG_SECONDS = 60


@pytest.mark.parametrize(
    "s",
    [
        "1" + " " * 20000 + "x",
        "(" * 20000,
        "①" + " " * 20000 + "x",
        "中止" + " " * 20000 + "x",
        "。" * 20000 + "x",
        "令和2" + "\n" * 20000 + "x",
        "1," * 10000,
        "採 " * 10000,
        "\u0301" * 20000,
    ],
)
def test_long_pathological_input_does_not_hang(s: str) -> None:
    """Catastrophic backtracking on a long line would run for hours: a watchdog far above
    any normal cost (the suite asserts no speed; `make bench` measures it) ends such a run."""

    def hung(signum, frame):
        raise AssertionError(f"normalising a {len(s)}-character line did not finish in {WATCHDOG_SECONDS} s")

    previous = signal.signal(signal.SIGALRM, hung)
    signal.alarm(WATCHDOG_SECONDS)
    try:
        normalise_text(s)
        normalise_name(s)
        split_item(s)
        text_quality(s)
        parse_unit(s)
        parse_number(s)
        parse_cell(s)
        find_years(s)
        period_kind(s)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


# ---------------------------------------------------------------------------------------
# Numbers printed in the styles of the text layer read back to the same value
# ---------------------------------------------------------------------------------------

_FULL = str.maketrans("0123456789", "０１２３４５６７８９")


def _group(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    parts = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return sep.join(parts)


@st.composite
def printed_numbers(draw) -> tuple[str, Decimal, bool]:
    integer = draw(st.integers(min_value=0, max_value=10**15))
    decimals = draw(st.integers(min_value=0, max_value=4))
    frac = draw(st.integers(min_value=0, max_value=10**decimals - 1)) if decimals else 0
    negative = draw(st.booleans())
    digits = str(integer)
    sep = draw(st.sampled_from(["", ",", "，"]))
    body = _group(digits, sep) if sep else digits
    exact = Decimal(digits)
    if decimals:
        frac_digits = str(frac).rjust(decimals, "0")
        body += draw(st.sampled_from([".", "．", " ."])) + frac_digits
        exact = Decimal(f"{digits}.{frac_digits}")
    if draw(st.booleans()):
        body = body.translate(_FULL)
    if negative:
        body = draw(st.sampled_from(["△", "▲", "-", "－", "−"])) + body
        exact = -exact
    percent = draw(st.booleans())
    if percent:
        body += draw(st.sampled_from(["%", "％"]))
    if draw(st.booleans()):
        body = draw(st.sampled_from([" ", "\u3000"])) + body + " "
    return body, exact, percent


@settings(max_examples=500, deadline=None)
@given(printed_numbers())
def test_numbers_round_trip(case: tuple[str, Decimal, bool]) -> None:
    text, exact, percent = case
    r = parse_number(text)
    assert r.ok, (text, r)
    assert r.value == float(exact)
    assert r.percent == percent
    cell = parse_cell(text)
    assert cell.status == "reported" and cell.value == float(exact)


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**9), st.sampled_from(["万人", "千円", "百万円", "千件"]))
def test_scaled_numbers_are_exact(n: int, unit_text: str) -> None:
    unit = parse_unit(unit_text)
    assert unit is not None
    r = parse_number(f"{n:,}", unit, apply_scale=True)
    assert r.value == float(Decimal(n) * Decimal(int(unit.scale)))
