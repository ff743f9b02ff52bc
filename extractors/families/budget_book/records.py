"""Records of a budget book (予算書): every appropriation of an edition and its 説明 lines."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nenpo.extractors.models import BBox, ReadBy, Record, ReportExtraction

Side = Literal["revenue", "expenditure"]
"""revenue: 歳入; expenditure: 歳出."""
Level = Literal["total", "kan", "kou", "moku", "setsu"]
"""total: 歳入合計 / 歳出合計 (and the 予算 article's 総額); then 款 > 項 > 目 > 節."""
Source = Literal["articles", "第1表", "総括", "明細書"]
"""Which part of the book printed the amount: the 予算 articles (第1条 総額), 第1表 歳入歳出予算,
the 総括 of the 予算説明書, or the 歳入歳出予算事項別明細書."""


class Appropriation(Record):
    """One amount row of a budget book: a total, 款, 項, 目 or 節, as one part of the book prints it.

    The same 款 appears once per part that prints it (第1表, 総括, 明細書); the audit compares them.
    Numbers (kan_no …) are the account's identity within an edition; names are as printed."""

    side: Side
    level: Level
    kan_no: int | None = None
    kan: str | None = None
    kou_no: int | None = None
    kou: str | None = None
    moku_no: int | None = None
    moku: str | None = None
    setsu_no: int | None = None
    setsu: str | None = None
    current_thousand_yen: float | None = Field(description="本年度予算額 in 千円")
    current_text: str = Field(description="本年度 as printed")
    previous_thousand_yen: float | None = Field(
        default=None, description="前年度予算額 in 千円; None where not printed"
    )
    previous_text: str | None = None
    change_thousand_yen: float | None = Field(
        default=None, description="比較 in 千円 (△ negative); None where not printed"
    )
    change_text: str | None = None
    source: Source
    page: int = Field(ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = "layout"

    @property
    def path(self) -> tuple:
        """The account path: (side, kan_no, kou_no, moku_no, setsu_no), None below the level."""
        return (self.side, self.kan_no, self.kou_no, self.moku_no, self.setsu_no)


class AppropriationNote(Record):
    """One 説明 line under a 節: a name with its amount (現年課税分 15,717,000), or a formula
    (調定見込額 408,000×98.9%)."""

    side: Side
    kan_no: int | None = None
    kou_no: int | None = None
    moku_no: int | None = None
    setsu_no: int | None = None
    seq: int = Field(ge=1, description="order of the line under its 節")
    indent: int = Field(ge=0, description="0 for a line flush with the column, 1.. for indented lines")
    name: str = Field(description="the line's words without amount or formula ('' for a formula-only line)")
    text: str = Field(description="the line as printed, normalised")
    thousand_yen: float | None = Field(default=None, description="the amount printed at the right of the line")
    amount_text: str | None = None
    formula: str | None = Field(default=None, description="the formula as printed (408,000×98.9%)")
    formula_label: str | None = Field(default=None, description="調定見込額, 算定標準額 …")
    page: int = Field(ge=1)
    bbox: BBox | None = None
    read_by: ReadBy = "layout"


class BudgetBookExtraction(ReportExtraction):
    """A budget book's edition, or one part of it (``part``: 'front', 'revenue-01' …; None for a
    whole book): split files of one edition load as one edition."""

    appropriations: tuple[Appropriation, ...] = ()
    appropriation_notes: tuple[AppropriationNote, ...] = ()
