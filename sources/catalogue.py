"""The catalogue of report sources: which series nenpo follows and where each edition lives.

The catalogue is a YAML file kept in the repository (`sources/catalogue.yaml`, or the
file named by `--catalogue` / `$NENPO_CATALOGUE`)::

    series:
      - id: kawasaki-sme
        publisher: 川崎市経済労働局
        title: 中小企業活性化施策実施状況報告書
        family: kawasaki-sme    # the report family that reads its editions (nenpo families)
        min_sheets: 15          # count gates (optional): fewer sheets or KPI values fail validation
        min_kpi_values: 40
        editions:
          - fiscal_year: 2020
            url: https://example.org/r2-report.pdf       # fetched into the cache
            path: ../samples/editions/kawasaki-sme-fy2020.pdf  # used when the file exists
            sha256: e216cef0…                            # expected content, when known
    folders:
      - path: inbox/          # every PDF under it, identified by content

Relative paths are relative to the catalogue file. An edition needs a `url` or a
`path` (or both: the local file wins when it exists).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Self

import regex
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from nenpo.core.errors import SourceError

__all__ = [
    "CATALOGUE_ENV",
    "DEFAULT_CATALOGUE",
    "Catalogue",
    "CatalogueError",
    "CatalogueEdition",
    "CatalogueFolder",
    "CatalogueSeries",
    "EditionSource",
    "catalogue_path",
    "load_catalogue",
]

DEFAULT_CATALOGUE = Path(__file__).with_name("catalogue.yaml")
CATALOGUE_ENV = "NENPO_CATALOGUE"

SHA256_PATTERN = r"^[0-9a-f]{64}$"


class CatalogueError(SourceError, ValueError):
    """The catalogue file is missing or does not describe valid sources."""


class _Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class CatalogueEdition(_Entry):
    """One edition of a series: where to get it and what its bytes should be."""

    fiscal_year: int = Field(ge=1900, le=2200)
    url: str | None = None
    path: str | None = None
    sha256: str | None = Field(default=None, pattern=SHA256_PATTERN)

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower(cls, value: object) -> object:
        if isinstance(value, (int, float)):
            raise ValueError("YAML read this sha256 as a number: put it in quotes")
        return value.lower() if isinstance(value, str) else value

    @field_validator("url")
    @classmethod
    def _http_only(cls, url: str | None) -> str | None:
        if url is not None and not url.startswith(("http://", "https://")):
            raise ValueError(f"url must be http:// or https://, got {url!r}")
        return url

    @model_validator(mode="after")
    def _somewhere(self) -> Self:
        if self.url is None and self.path is None:
            raise ValueError(f"edition FY{self.fiscal_year} needs a url or a path")
        return self


class CatalogueSeries(_Entry):
    """A report series: who publishes it, how its title reads, and its editions."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    publisher: str
    title: str
    family: str | None = Field(default=None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    """The report family that reads the series' editions (`nenpo families`); when absent, the
    family whose id is the series', else the one that recognises each file."""
    title_pattern: str | None = None
    """Optional: a regular expression the printed title of every edition must match (after
    NFKC), on top of the family's own recognition of the title."""
    min_sheets: int | None = Field(default=None, ge=0)
    """Count gate: an edition of this series with fewer measure sheets fails validation, even on a first load."""
    min_kpi_values: int | None = Field(default=None, ge=0)
    """Count gate: likewise for KPI values."""
    editions: tuple[CatalogueEdition, ...] = ()

    @field_validator("title_pattern")
    @classmethod
    def _compiles(cls, pattern: str | None) -> str | None:
        if pattern is None:
            return None
        try:
            regex.compile(pattern)
        except regex.error as exc:
            raise ValueError(f"title_pattern does not compile: {exc}") from exc
        return pattern

    @model_validator(mode="after")
    def _one_entry_per_year(self) -> CatalogueSeries:
        years = [e.fiscal_year for e in self.editions]
        duplicates = sorted({y for y in years if years.count(y) > 1})
        if duplicates:
            raise ValueError(f"series {self.id}: fiscal year(s) {duplicates} listed more than once")
        return self


class CatalogueFolder(_Entry):
    """A folder whose PDFs are all ingested, identified by content rather than name."""

    path: str


class Catalogue(_Entry):
    series: tuple[CatalogueSeries, ...] = ()
    folders: tuple[CatalogueFolder, ...] = ()
    base_dir: Path = Field(default=Path("."), exclude=True)
    """Directory relative paths are resolved against (the catalogue file's)."""

    @model_validator(mode="after")
    def _unique_series(self) -> Catalogue:
        ids = [s.id for s in self.series]
        if len(ids) != len(set(ids)):
            raise ValueError(f"series ids must be unique, got {ids}")
        return self

    def resolve(self, path: str) -> Path:
        candidate = Path(path).expanduser()
        return candidate if candidate.is_absolute() else Path(os.path.normpath(self.base_dir / candidate))

    def editions(self) -> Iterator[EditionSource]:
        """Every listed edition, in catalogue order, with its paths resolved."""
        for series in self.series:
            for edition in series.editions:
                yield EditionSource(
                    label=edition.url or str(self.resolve(edition.path or "")),
                    url=edition.url,
                    path=str(self.resolve(edition.path)) if edition.path else None,
                    sha256=edition.sha256,
                    series=series.id,
                    fiscal_year=edition.fiscal_year,
                    title_pattern=series.title_pattern,
                    family=series.family,
                    min_sheets=series.min_sheets,
                    min_kpi_values=series.min_kpi_values,
                )

    def folder_paths(self) -> list[Path]:
        return [self.resolve(f.path) for f in self.folders]


@dataclass(frozen=True)
class EditionSource:
    """Where to get one report, and what the catalogue expects it to be.

    Plain files and folder contents given on the command line are sources too, with
    nothing expected (series, fiscal_year, sha256 and title_pattern all None).
    """

    label: str
    """How the report is named in summaries and `ingest_errors`: its URL or path."""
    url: str | None = None
    path: str | None = None
    sha256: str | None = None
    series: str | None = None
    fiscal_year: int | None = None
    title_pattern: str | None = None
    claimed_by: str = "catalogue"
    """Who says the file is that edition: ``catalogue``, or ``command_line`` for
    ``nenpo ingest PATH --series ID --fiscal-year N``."""
    min_sheets: int | None = None
    min_kpi_values: int | None = None
    family: str | None = None
    """The report family that reads the file (the catalogue series' family, ``nenpo ingest --family``)."""

    @property
    def edition(self) -> str | None:
        return f"{self.series} FY{self.fiscal_year}" if self.series and self.fiscal_year else None


def catalogue_path(path: str | os.PathLike[str] | None = None) -> Path:
    """The catalogue to use: `path`, else `$NENPO_CATALOGUE`, else the one in the repository."""
    if path:
        return Path(path)
    return Path(os.environ[CATALOGUE_ENV]) if os.environ.get(CATALOGUE_ENV) else DEFAULT_CATALOGUE


def load_catalogue(path: str | os.PathLike[str] | None = None) -> Catalogue:
    """Read and check a catalogue file; errors name the file and the offending entry."""
    file = catalogue_path(path)
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    except FileNotFoundError:
        raise CatalogueError(f"catalogue {file} does not exist") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"catalogue {file} is not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"catalogue {file} must be a mapping with 'series' and/or 'folders'")
    try:
        return Catalogue.model_validate({**data, "base_dir": file.resolve().parent})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise CatalogueError(f"catalogue {file}: {problems}") from exc
