"""The Kawasaki report's own records: the tables only its editions print, and the
extraction that carries them beside the shared records (`extractors.models`)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from nenpo.extractors.models import BBox, ReadBy, Record, ReportExtraction

OpinionKind = Literal["overall", "covid"]


class ArticleOpinion(Record):
    """The council's opinion on one article's measures, as a whole or on COVID-19 (the table
    at the start of section 4: 条文 / 施策 / 施策全体への意見 / コロナ対応への意見)."""

    article: int = Field(ge=1, description="第N条 of the ordinance")
    policy: str
    policy_raw: str
    kind: OpinionKind
    kind_raw: str
    text: str
    text_raw: str
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)
    bbox: BBox | None = None


class StatValue(Record):
    """One statistic printed in section 2: a census cell (業種大分類 × survey year) or a
    figure printed in prose (業況DI △21.2, 倒産件数, 有効求人倍率)."""

    table: str = Field(description="which statistic: the census measure (事業所数) or the prose section")
    title: str | None = Field(default=None, description="caption printed over the table (図表 …)")
    category: str
    survey_year: int | None = Field(default=None, ge=1900, le=2200)
    measure: str
    value: float | None
    value_text: str
    unit: str | None = None
    period: str | None = Field(default=None, description="survey period when finer than a year (2021年4-6月期)")
    source: Literal["table", "text"] = "table"
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)
    bbox: BBox | None = None


class CommitteeMember(Record):
    """One line of a committee roster (委員名簿)."""

    committee: str
    as_of: str | None = None
    seq: int
    role: str
    role_raw: str
    name: str
    name_raw: str
    grp: str | None = Field(default=None, description="学識者 / 関係団体役職員")
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)
    bbox: BBox | None = None


class PolicyListEntry(Record):
    """One measure in the policy list 中小企業活性化施策一覧 (条文 / 施策 / 事務事業名 / 頁)."""

    part: str = Field(description="検証対象事業 or その他の事業")
    seq: int = Field(ge=1)
    article: int | None = None
    article_title: str | None = None
    parent: str | None = None
    name: str
    name_raw: str
    page_start: int | None = None
    page_end: int | None = None
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)
    bbox: BBox | None = None


class BudgetItem(Record):
    """One row (or phase of a row) of the emergency-measure budget table."""

    no: int
    phase: str | None = None
    name: str
    name_raw: str
    summary: str
    budget_thousand_yen: float | None = None
    budget_text: str = ""
    budget_note: str | None = None
    shared_with: tuple[int, ...] = ()
    results_text: str = ""
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)
    bbox: BBox | None = None


class BudgetResult(Record):
    """A number printed inside a budget row's 実績等 cell (交付件数 66 件)."""

    no: int
    phase: str | None = None
    metric: str
    value: float
    unit: str
    value_text: str
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)


class OtherMeasure(Record):
    """One その他の事業 block: next year's plan and this year's results of a measure."""

    article: int | None = None
    article_title: str | None = None
    name: str
    name_raw: str
    next_year_plan: str
    results: str
    read_by: ReadBy = Field(
        default="layout", description="layout: from positions on the page; text_order: from the text layer's order"
    )
    page: int = Field(ge=1)
    bbox: BBox | None = None


class KawasakiExtraction(ReportExtraction):
    """An edition of the Kawasaki SME report: the shared records and the report's own tables."""

    article_opinions: tuple[ArticleOpinion, ...] = ()
    stat_values: tuple[StatValue, ...] = ()
    committee_members: tuple[CommitteeMember, ...] = ()
    policy_list: tuple[PolicyListEntry, ...] = ()
    budget_items: tuple[BudgetItem, ...] = ()
    budget_results: tuple[BudgetResult, ...] = ()
    other_measures: tuple[OtherMeasure, ...] = ()
