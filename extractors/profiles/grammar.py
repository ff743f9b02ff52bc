"""The printed grammar the profile engine reads by: years in table headers, value cells,
section headings. Every pattern runs on normalised text (`normalise.normalise_text`:
full-width digits and letters folded to ASCII, ``（）`` to ``()``)."""

from __future__ import annotations

from dataclasses import dataclass

import regex

from nenpo.extractors.normalise import ERA_OFFSETS

__all__ = ["HEADING_RULES", "VALUE_CELL", "YEAR_TOKEN", "HeadingRule", "heading_kind", "years_in"]

YEAR_TOKEN = regex.compile(
    r"""
    (?<![A-Za-z0-9])(?P<era>令和|平成|R|H)\s*(?P<era_year>元|[0-9]{1,2})(?![0-9])
        (?:\s*\(\s*(?P<bracket>[0-9]{4})\s*\))?\s*(?:年度|年)?
  | (?<![0-9])(?P<gregorian>(?:19|20)[0-9]{2})(?![0-9])\s*(?:年度|年)?
  | (?<![A-Za-z0-9])(?P<bare>元|[0-9]{1,2})\s*年度
    """,
    regex.VERBOSE,
)
"""A fiscal year as table headers print it.

Matches ``R5``, ``R5年度``, ``令和5年度``, ``令和5(2023)年度``, ``H24``, ``平成元年``,
``2023``, ``2023年度``, ``R6見込`` (the ``R6``), and an era-less ``5年度`` (from ``５年度``),
whose era is the document's (`years_in`'s `era`)."""

_ERA = {"R": "令和", "H": "平成", "令和": "令和", "平成": "平成"}


def years_in(text: str, era: str = "令和") -> list[tuple[int, str]]:
    """Every fiscal year in `text` as (Gregorian year, matched text), left to right.

    ``'R5年度 実 績'`` → ``[(2023, 'R5年度')]``; ``'5年度'`` with era 令和 → ``[(2023, '5年度')]``;
    ``'令和5年度~7年度'`` → 2023 and 2025."""
    out = []
    for m in YEAR_TOKEN.finditer(text):
        if m.group("gregorian"):
            out.append((int(m.group("gregorian")), m.group(0).strip()))
            continue
        printed = m.group("era_year") or m.group("bare")
        n = 1 if printed == "元" else int(printed)
        if n == 0:
            continue
        name = _ERA[m.group("era")] if m.group("era") else era
        out.append((ERA_OFFSETS[name] + n, m.group(0).strip()))
    return out


def era_of(year: int) -> str:
    """The era a fiscal year falls in (令和 from 2019)."""
    return "令和" if year >= 2019 else "平成"


VALUE_CELL = regex.compile(
    r"""^(?:
        [△▲+\-]?\s*[0-9][0-9,]*(?:\.[0-9]+)?\s*%?         # 1,130  100.0%  △21.2
        (?:\s*\(\s*[△▲\-]?[0-9][0-9,]*(?:\.[0-9]+)?\s*\)   # 26,200(16,100)
          | \s*\([^()]{1,20}\))?                             # 59(新規38件・変更21件)
      | [\-‐－―—ー]                                         # a dash: not reported
      | 中止|未実施|集計中|調査中|非公表                        # a word in place of the number
    )$""",
    regex.VERBOSE,
)
"""A table cell holding one amount or count (or a dash): ``1,130``, ``100.0%``, ``0``,
``26,200(16,100)``, ``59(新規38件・変更21件)``, ``‐``, ``中止``. Labels (``R4年度``, ``収集率``,
``%``) do not match."""


@dataclass(frozen=True)
class HeadingRule:
    kind: str
    pattern: regex.Pattern
    example: str


HEADING_RULES: tuple[HeadingRule, ...] = (
    HeadingRule(
        "chapter", regex.compile(r"^第\s*[0-9一二三四五六七八九十]+\s*[章節部編款]?(?:\s|$)"), "第2章 事業の概要"
    ),
    HeadingRule("number", regex.compile(r"^[0-9]{1,2}(?:[.．、]\s*|\s+)(?=\S)(?![0-9])"), "1 事業概要(令和6年度)"),
    HeadingRule("paren_number", regex.compile(r"^\([0-9]{1,2}\)\s*(?=\S)"), "(1)事務事業名・総合計画の体系等"),
    HeadingRule("circled", regex.compile(r"^[①-⑳]\s*(?=\S)"), "①事業の目的"),
    HeadingRule("katakana", regex.compile(r"^[ア-ン](?:[.．、]\s*|\s+)(?=\S)"), "ア 支援内容"),
    HeadingRule(
        "bracket", regex.compile(r"^(?:【[^】]{1,30}】|<[^>]{1,30}>|≪[^≫]{1,30}≫)\s*$"), "<実施成果(アウトプット)>"
    ),
    HeadingRule("mark", regex.compile(r"^[■□●◆◇]\s*\S"), "■事業の成果"),
)
"""Lines that open a section, by how they are numbered or marked (a table of rules, tried in
order). A heading is also short (`MAX_HEADING`) and does not end a sentence (``。``)."""

MAX_HEADING = 40


def heading_kind(text: str, rules: tuple[HeadingRule, ...] = HEADING_RULES) -> str | None:
    """The kind of heading `text` (normalised, stripped) is, or None for body text.

    ``'1 事業概要(令和6年度)'`` → 'number'; ``'(2)事業の概要'`` → 'paren_number';
    ``'<補助金額> ※補助率は…'`` → None (text follows the bracket); ``'・ 展示会出展'`` → None."""
    if not text or len(text) > MAX_HEADING or text.endswith("。"):
        return None
    return next((rule.kind for rule in rules if rule.pattern.search(text)), None)
