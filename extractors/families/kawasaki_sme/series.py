"""How an edition of the Kawasaki SME report names itself: its title, section 4's heading,
the purpose sentence (本報告書は…) and the PDF metadata (`extractors.edition` reads them).

This is the one place the report's title pattern is written: recognition
(`family.recognise`), the reader (`report`) and the catalogue all take it from here.
"""

from __future__ import annotations

import regex

from nenpo.extractors.edition import YEAR, EvidenceRule, Series

FAMILY_ID = "kawasaki-sme"
SERIES_ID = "kawasaki-sme"
"""The family and its one series share the id."""

_TITLE = regex.compile(rf"{YEAR}\s*中小企業活性化施策(?:の)?実施状況報告書")
"""The edition title: ``令和２年度 中小企業活性化施策実施状況報告書`` → ``令和2年度 中小企業活性化施策実施状況報告書``."""

_HEADING = regex.compile(rf"^\s*[0-9]{{1,2}}\s*\.?\s*{YEAR}\s*中小企業活性化施策の実施状況\s*$")
"""Section 4's heading: ``４ 令和２（2020）年度中小企業活性化施策の実施状況``."""

_SENTENCE = regex.compile(rf"本報告書は[^。]{{0,80}}?{YEAR}の中小企業活性化施策の実施状況[^。]{{0,120}}?取りまとめた")
"""The purpose sentence, over joined lines: ``本報告書は、条例の規定に基づき、令和２（2020）年度の
中小企業活性化施策の実施状況の検証結果、…を取りまとめたものです。``"""

SERIES: tuple[Series, ...] = (
    Series(
        SERIES_ID,
        "中小企業活性化施策",
        (
            EvidenceRule("title", "line", _TITLE, "令和２年度 中小企業活性化施策実施状況報告書"),
            EvidenceRule("heading", "line", _HEADING, "４ 令和２（2020）年度中小企業活性化施策の実施状況"),
            EvidenceRule(
                "sentence",
                "page",
                _SENTENCE,
                "本報告書は、…令和２（2020）年度の中小企業活性化施策の実施状況の検証結果…を取りまとめたもの",
            ),
            EvidenceRule("metadata", "metadata", _TITLE, "Title: 令和２年度 中小企業活性化施策実施状況報告書"),
        ),
    ),
)
