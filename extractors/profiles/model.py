"""A report family declared in YAML: the pydantic model of a profile.

A profile says everything the profile engine (`extractors.profiles.engine`) needs to read
an edition of one family without family-specific code::

    id: ikeda-jimujigyo
    title: 池田市 事務事業評価
    edition:
      recognise: ['池田市総合計画.*事務事業評価']
      year:
        - pattern: '事務事業評価\\((?P<year>令和\\S+?年度)実施事業\\)'
          means: reported
    record:
      starts: form
      form_header: '事務事業評価'
      name: {label: '^事務事業名$'}
    pdca:
      plan: ['取組予定']
      do: ['取組実績']
      check: ['判断理由']
      action: ['事業の方向性']
    kpi:
      kinds:
        - {label: '実績', kind: actual}
        - {label: '見込', kind: forecast}
    costs:
      tables: ['事業費']
    categories:
      - id: direction
        label: '事業の方向性'
        values: {現状維持: '現状維持', 廃止: '廃止'}
    gates:
      records: {expected: 1}
    identities:
      - {id: funding-sum, kind: sum, total: '事業費', parts: ['国・府支出金', '地方債', 'その他', '一般財源']}

Every pattern is a regular expression (the `regex` module) matched against normalised
text (`normalise.normalise_text`: NFKC, ASCII digits and brackets); it is compiled when
the profile loads, so a broken pattern is an error naming the file, line and field.
"""

from __future__ import annotations

import hashlib
from typing import Annotated, Literal

import regex
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = [
    "CategoryField",
    "CostBasisLabel",
    "CostSpec",
    "EditionSpec",
    "GateSpec",
    "Identity",
    "InlineKpi",
    "KindLabel",
    "KpiSpec",
    "NameField",
    "PdcaAlias",
    "PdcaSpec",
    "Profile",
    "RecordSpec",
    "SectionSpec",
    "YearPattern",
]


def _compiles(pattern: str) -> str:
    try:
        regex.compile(pattern)
    except regex.error as exc:
        raise ValueError(f"not a valid regular expression {pattern!r}: {exc}") from None
    return pattern


Pattern = Annotated[str, AfterValidator(_compiles)]
"""A regular expression on normalised text, compiled when the profile loads (an error
then names the list index: ``pdca.plan.0``)."""


class _Spec(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class YearPattern(_Spec):
    """Where the edition's year is printed and what it means."""

    pattern: Pattern = Field(description="regex with a group 'year' holding the year as printed (令和7年度, R7, 2025)")
    means: Literal["reported", "evaluated"] = Field(
        default="reported",
        description="reported: the year whose business the edition reports; evaluated: the "
        "year the evaluation was made (the report year is then year + evaluated_offset)",
    )
    evaluated_offset: int = Field(default=-1, description="report year = evaluated year + this (usually -1)")
    where: Literal["title", "text", "metadata", "any"] = Field(
        default="any",
        description="title: the first page's top quarter, then the metadata; text: every line; "
        "metadata: the Title/Subject; any: text, then metadata",
    )

    _check = field_validator("pattern")(lambda cls, v: _compiles(v))

    @field_validator("pattern")
    @classmethod
    def _has_year_group(cls, v: str) -> str:
        if "year" not in regex.compile(v).groupindex:
            raise ValueError(f"pattern {v!r} has no group named 'year' (?P<year>…)")
        return v

    def report_year(self, year: int) -> int:
        return year + self.evaluated_offset if self.means == "evaluated" else year


class EditionSpec(_Spec):
    """How an edition of the family is recognised and which fiscal year it is."""

    series: str | None = Field(default=None, description="series id (the profile id when absent)")
    recognise: tuple[Pattern, ...] = Field(
        default=(),
        description="regexes of which one must match a page's text or the metadata title for "
        "the family to claim the file; none: the family claims any PDF with text (the generic reader)",
    )
    require: tuple[Pattern, ...] = Field(
        default=(),
        description="regexes that must each match some line (or the metadata title) as well: "
        "a title other families print too (令和7年度 事業評価書) with a label only this one prints (所管区局・課)",
    )
    confidence: float = Field(default=0.9, ge=0, le=1, description="confidence of a recognition")
    year: tuple[YearPattern, ...] = ()
    part: Literal["whole", "record"] = Field(
        default="whole",
        description="whole: a file is the whole edition; record: a file holding one record is the "
        "part of the edition named by it (sheets published one file each), so the files of one year load side by side",
    )

    @field_validator("recognise", "require")
    @classmethod
    def _compile_all(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(p) for p in v)


class NameField(_Spec):
    """Where a record's name is printed: the value beside a label, or a regex group."""

    label: Pattern | None = Field(
        default=None, description="label whose value cell (right of it) or rest of line is the name"
    )
    pattern: Pattern | None = Field(default=None, description="regex with a group 'name' on a line")
    drop: Pattern | None = Field(
        default=None, description="regex removed from the name (text printed in the same cell)"
    )

    @model_validator(mode="after")
    def _one_of(self) -> NameField:
        if (self.label is None) == (self.pattern is None):
            raise ValueError("give exactly one of 'label' or 'pattern'")
        for p in (self.label, self.pattern):
            if p is not None:
                _compiles(p)
        if self.pattern is not None and "name" not in regex.compile(self.pattern).groupindex:
            raise ValueError(f"pattern {self.pattern!r} has no group named 'name'")
        return self


class RecordSpec(_Spec):
    """How a record (one sheet, one business) starts, and the sub-records inside it."""

    starts: Literal["file", "form", "heading"] = Field(
        default="file",
        description="file: the whole file is one record; form: every page printing "
        "form_header starts one (consecutive pages with the same name continue it); heading: a line "
        "matching heading starts one",
    )
    form_header: Pattern | None = None
    heading: Pattern | None = Field(
        default=None, description="regex of a record's heading line (group 'name' optional)"
    )
    name: NameField | None = None
    sub: NameField | None = Field(
        default=None,
        description="a sub-record (細事業) starts at each field so labelled; what is printed from "
        "there to the next one (or the record's end) is the sub-record's, named by the field's value",
    )

    @model_validator(mode="after")
    def _mode_needs(self) -> RecordSpec:
        if self.starts == "form" and self.form_header is None:
            raise ValueError("starts: form needs form_header")
        if self.starts == "heading" and self.heading is None:
            raise ValueError("starts: heading needs heading")
        for p in (self.form_header, self.heading):
            if p is not None:
                _compiles(p)
        return self


Phase = Literal["plan", "do", "check", "action"]


class PdcaAlias(_Spec):
    """A phase alias that holds only under a given label: ``{label: '判断理由', after:
    '方向性'}`` is the 判断理由 printed under the 方向性 field (the label above it in its column)."""

    label: Pattern
    after: Pattern | None = None

    @model_validator(mode="after")
    def _compile_all(self) -> PdcaAlias:
        for p in (self.label, self.after):
            if p is not None:
                _compiles(p)
        return self


class PdcaSpec(_Spec):
    """Heading (or form label) aliases per phase: a label matching one of a phase's regexes
    opens an item of that phase; its text is the cell beside it or the section under it."""

    plan: tuple[Pattern | PdcaAlias, ...] = ()
    do: tuple[Pattern | PdcaAlias, ...] = ()
    check: tuple[Pattern | PdcaAlias, ...] = ()
    action: tuple[Pattern | PdcaAlias, ...] = ()
    from_fields: bool = Field(
        default=True,
        description="labelled form fields (a label cell and its value) open items too, not only section headings",
    )

    @model_validator(mode="after")
    def _compile_all(self) -> PdcaSpec:
        for phase in ("plan", "do", "check", "action"):
            for p in getattr(self, phase):
                if isinstance(p, str):
                    _compiles(p)
        return self

    def phases(self) -> list[tuple[Phase, PdcaAlias]]:
        return [
            (phase, p if isinstance(p, PdcaAlias) else PdcaAlias(label=p))
            for phase in ("plan", "do", "check", "action")
            for p in getattr(self, phase)
        ]


class KindLabel(_Spec):
    """A printed label of a KPI value's kind: ``目標値`` → target."""

    label: Pattern
    kind: Literal["target", "actual", "forecast"]

    _check = field_validator("label")(lambda cls, v: _compiles(v))


class InlineKpi(_Spec):
    """A KPI value printed in prose: ``指標:支援企業数【数値目標:10社(…)】``."""

    pattern: Pattern = Field(description="regex with groups 'indicator' and 'value' (and optional 'unit')")
    kind: Literal["target", "actual", "forecast"] = "target"
    kind_raw: str | None = Field(
        default=None, description="label to record as printed (default: the matched text's label group 'label')"
    )
    year: Literal["report", "next", "evaluated"] = Field(
        default="report",
        description="the fiscal year the value is for: the report year, the year after it, or the evaluation year",
    )

    @field_validator("pattern")
    @classmethod
    def _groups(cls, v: str) -> str:
        _compiles(v)
        groups = regex.compile(v).groupindex
        missing = [g for g in ("indicator", "value") if g not in groups]
        if missing:
            raise ValueError(f"pattern {v!r} lacks group(s) {', '.join(missing)}")
        return v


DEFAULT_KINDS: tuple[KindLabel, ...] = (
    KindLabel(label=r"見込", kind="forecast"),
    KindLabel(label=r"目\s*標|計\s*画|想\s*定|予\s*定", kind="target"),
    KindLabel(label=r"実\s*績", kind="actual"),
)
"""The broad grammar: 見込 first (``R6見込`` under a 目標値 header is a forecast)."""


class KpiSpec(_Spec):
    """KPI tables: which labels name a kind, where the indicator and unit are printed."""

    kinds: tuple[KindLabel, ...] = DEFAULT_KINDS
    indicator_field: Pattern | None = Field(default=None, description="label whose value cell names the indicator")
    unit_field: Pattern | None = Field(default=r"^単\s*位$", description="label of the unit column or cell")
    skip_rows: tuple[Pattern, ...] = Field(default=(), description="row labels that are not indicators")
    inline: tuple[InlineKpi, ...] = ()

    @model_validator(mode="after")
    def _compile_all(self) -> KpiSpec:
        for p in (self.indicator_field, self.unit_field, *self.skip_rows):
            if p is not None:
                _compiles(p)
        return self


class CostBasisLabel(_Spec):
    label: Pattern
    basis: Literal["settled", "budget", "forecast"]

    _check = field_validator("label")(lambda cls, v: _compiles(v))


DEFAULT_BASES: tuple[CostBasisLabel, ...] = (
    CostBasisLabel(label=r"決\s*算", basis="settled"),
    CostBasisLabel(label=r"見\s*込", basis="forecast"),
    CostBasisLabel(label=r"予\s*算", basis="budget"),
)


class CostSpec(_Spec):
    """Cost tables (事業費, 決算額, 予算額, 財源 rows)."""

    tables: tuple[Pattern, ...] = Field(
        default=(r"事\s*業\s*費", r"経\s*費", r"決\s*算\s*額", r"予\s*算\s*額"),
        description="a table block whose row or column labels match one of these is a cost table",
    )
    bases: tuple[CostBasisLabel, ...] = DEFAULT_BASES
    unit: Literal["thousand_yen", "yen"] = Field(default="thousand_yen", description="when the table prints no unit")
    paren_item: str | None = Field(
        default=None, description="item of a bracketed second amount: 26,200(16,100) → 一般財源"
    )
    skip_rows: tuple[Pattern, ...] = Field(
        default=(r"率", r"差\s*引", r"増\s*減"), description="row/column labels that are not amounts"
    )

    @model_validator(mode="after")
    def _compile_all(self) -> CostSpec:
        for p in (*self.tables, *self.skip_rows):
            _compiles(p)
        return self


class CategoryField(_Spec):
    """A category field: its label and its vocabulary (value id → regex on the printed value)."""

    id: str
    label: Pattern
    values: dict[str, Pattern]
    checkbox: bool = Field(default=False, description="options printed with □/■ marks: the marked one is the value")

    @model_validator(mode="after")
    def _compile_all(self) -> CategoryField:
        _compiles(self.label)
        for p in self.values.values():
            _compiles(p)
        if not self.values:
            raise ValueError("a category needs at least one value")
        return self


class GateSpec(_Spec):
    """How many records an edition must yield."""

    expected: int | None = Field(default=None, ge=0, description="declared count")
    toc: Pattern | None = Field(default=None, description="regex on a contents line, one match per record")
    at_least: int | None = Field(default=None, ge=0)

    _check = field_validator("toc")(lambda cls, v: _compiles(v) if v is not None else v)


class Gates(_Spec):
    records: GateSpec | None = None
    kpi_values: GateSpec | None = None
    costs: GateSpec | None = None


class Identity(_Spec):
    """An identity that must hold, checked as an audit rule over the warehouse."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    kind: Literal["sum", "next_edition"]
    total: Pattern | None = Field(default=None, description="sum: the total row's item")
    parts: tuple[Pattern, ...] = Field(default=(), description="sum: the part rows' items")
    item: Pattern | None = Field(default=None, description="next_edition: the item compared")
    tolerance: float = Field(default=1.0, ge=0, description="thousand yen of rounding allowed")
    severity: Literal["info", "warning", "error"] = "warning"

    @model_validator(mode="after")
    def _needs(self) -> Identity:
        if self.kind == "sum" and (self.total is None or not self.parts):
            raise ValueError("kind: sum needs total and parts")
        if self.kind == "next_edition" and self.item is None:
            raise ValueError("kind: next_edition needs item")
        for p in (self.total, self.item, *self.parts):
            if p is not None:
                _compiles(p)
        return self


class SectionSpec(_Spec):
    """Headings: which lines open a section (beside numbering, brackets and font size)."""

    headings: tuple[Pattern, ...] = Field(default=(), description="extra regexes of heading lines")
    numbering: bool = Field(default=True, description="１ / (1) / ① / 第N / ア numbering opens sections")
    brackets: bool = Field(default=True, description="【】 ＜＞ ■ □ ● lines open sections")
    font: bool = Field(default=True, description="lines printed larger or bolder than the body open sections")

    @field_validator("headings")
    @classmethod
    def _compile_all(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_compiles(p) for p in v)


class Profile(_Spec):
    """One report family declared in YAML."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="family id: lowercase, digits, hyphens")
    title: str
    version: str = Field(default="1", description="bump when the profile changes what it reads")
    priority: int = Field(default=5, description="breaks ties of confidence; the generic family has the lowest")
    edition: EditionSpec = EditionSpec()
    record: RecordSpec = RecordSpec()
    sections: SectionSpec = SectionSpec()
    pdca: PdcaSpec = PdcaSpec()
    kpi: KpiSpec = KpiSpec()
    costs: CostSpec = CostSpec()
    categories: tuple[CategoryField, ...] = ()
    gates: Gates = Gates()
    identities: tuple[Identity, ...] = ()

    @model_validator(mode="after")
    def _unique_ids(self) -> Profile:
        for what, ids in (("category", [c.id for c in self.categories]), ("identity", [i.id for i in self.identities])):
            dup = {i for i in ids if ids.count(i) > 1}
            if dup:
                raise ValueError(f"{what} id(s) declared twice: {', '.join(sorted(dup))}")
        return self

    @property
    def series(self) -> str:
        return self.edition.series or self.id

    @property
    def extractor_version(self) -> str:
        """The version of this profile's reader, e.g. ``profile-ikeda-jimujigyo-1-3f2a9c0d1e``:
        the declared version and a digest of everything the profile declares, so an edited
        profile is a new reader (its cached extractions are not reused) even when its
        `version` was not bumped."""
        digest = hashlib.sha256(self.model_dump_json().encode("utf-8")).hexdigest()[:10]
        return f"profile-{self.id}-{self.version}-{digest}"
