"""The line grammar of a budget book: the few printed forms a cell or heading takes.

Every pattern runs on NFKC-normalised text (full-width digits and commas are ASCII), with
runs of spaces collapsed (``normalise.normalise_text``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

import yaml

AMOUNT_RE = re.compile(r"^(?P<sign>[△▲-])?\s*(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?:\s*千円)?$")
"""An amount cell, in 千円, △ (or ▲) for a negative, the unit optional::

    48,352,400      △8,000      0      48,352,400千円      941,600千円
"""

HEADING_RE = re.compile(r"^(?P<no>\d{1,3})\s*(?P<level>[款項])\s*(?P<name>\S.*?)\s*$")
"""A 明細書 heading (款 or 項), the amount being a separate cell of the row::

    1款 市税        18款 寄附金        1項 市民税        5項 都市計画税
"""

NUMBERED_RE = re.compile(r"^(?P<no>\d{1,3})\s*(?P<name>[^\d\s,].*?)\s*$")
"""A numbered account name (目, 節, 第1表 and 総括 rows)::

    1 個人      1 現年課税分      10 地方特例交付金      2 滞納繰越分
"""

PAGE_NUMBER_RE = re.compile(r"^-\s*\d+\s*-$")
"""A page number::

    - 19 -
"""

ARTICLE_TOTAL_RE = re.compile(r"歳入歳出予算の総額は、?歳入歳出それぞれ\s*(?P<amount>\d{1,3}(?:,\d{3})+|\d+)\s*千円")
"""The 予算 article giving the totals (第1条)::

    第1条 歳入歳出予算の総額は、歳入歳出それぞれ104,500,000千円と定
"""

EDITION_RE = re.compile(
    r"(?P<era>令和|平成)\s*(?P<year>\d{1,2}|元)\s*年度\s*(?P<city>\S*?[都道府県市町村区])?\s*(?:一般会計)?予算"
)
"""The edition's year on the cover or the articles::

    令和7年度富士市一般会計予算      令和8年度 富士市一般会計予算書
"""

ERA_START = {"令和": 2018, "平成": 1988}


def amount(text: str) -> float | None:
    """The amount of an amount cell in 千円 (△ negative), or None when the text is no amount."""
    m = AMOUNT_RE.match(text.strip())
    if m is None:
        return None
    value = float(m["digits"].replace(",", ""))
    return -value if m["sign"] else value


def fiscal_year(match: re.Match) -> int:
    year = 1 if match["year"] == "元" else int(match["year"])
    return ERA_START[match["era"]] + year


def compact(text: str) -> str:
    """The text without any space: headers and labels are compared so (比　　較 → 比較)."""
    return re.sub(r"\s+", "", text)


@dataclass(frozen=True)
class Vocabulary:
    columns: dict[str, tuple[str, ...]]
    amount_columns: frozenset[str]
    parts: tuple[tuple[str, frozenset[str]], ...]
    sides: dict[str, str]
    totals: dict[str, tuple[str, ...]]
    subtotal: frozenset[str]
    formula_labels: tuple[str, ...]

    def column_kind(self, text: str) -> str | None:
        """The column a header cell names (比 較 → 'change'), or None."""
        c = compact(text)
        for kind, labels in self.columns.items():
            if any(c == label or (len(label) > 1 and c.startswith(label)) for label in labels):
                return kind
        return None

    def part(self, kinds: set[str]) -> str | None:
        for source, needs in self.parts:
            if needs <= kinds:
                return source
        return None

    def side(self, text: str) -> str | None:
        """The side a heading names: ２ 歳入, （歳出）, 歳入予算書＿事項別明細書; None for
        both (歳入歳出予算事項別明細書) or neither."""
        c = compact(text).lstrip("0123456789.()（）")
        found = [side for side, word in self.sides.items() if c.startswith(word)]
        if len(found) != 1 or all(word in c for word in self.sides.values()):
            return None
        return found[0]

    def total(self, text: str) -> str | None:
        c = compact(text)
        for side, labels in self.totals.items():
            if c in labels:
                return side
        return None

    def formula(self, text: str) -> tuple[str, str] | None:
        """(label, formula) of a 説明 formula line: 調定見込額 408,000×98.9% → ('調定見込額', '408,000×98.9%')."""
        t = text.strip()
        for label in self.formula_labels:
            if t.startswith(label):
                return label, t[len(label) :].strip()
        return None


@cache
def vocabulary() -> Vocabulary:
    data = yaml.safe_load(resources.files(__package__).joinpath("vocabulary.yaml").read_text(encoding="utf-8"))
    return Vocabulary(
        columns={k: tuple(v) for k, v in data["columns"].items()},
        amount_columns=frozenset(data["amount_columns"]),
        parts=tuple((p["source"], frozenset(p["needs"])) for p in data["parts"]),
        sides=dict(data["sides"]),
        totals={k: tuple(v) for k, v in data["totals"].items()},
        subtotal=frozenset(data["subtotal"]),
        formula_labels=tuple(data["formula_labels"]),
    )
