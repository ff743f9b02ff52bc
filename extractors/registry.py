"""The report families nenpo knows: found through the entry-point group ``nenpo.families``.

A distribution declares its families in its packaging metadata::

    [project.entry-points."nenpo.families"]
    city-sheets = "city_sheets.family:FAMILY"

An entry point loads either a `ReportFamily` or a zero-argument callable returning an
iterable of them (families declared in files, one per file). nenpo's own families are
declared the same way in its pyproject.toml, so a plug-in family is no different from a
built-in one.

`recognise` asks every family about a `DocumentProbe` (`probe`) and takes the surest
answer: highest confidence, ties broken by the family's priority. A family that always
answers with a low confidence (the generic reader) thus takes only the files no other
family recognises.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from typing import TYPE_CHECKING

from nenpo.core.errors import NenpoError
from nenpo.extractors.family import DocumentProbe, Recognition, ReportFamily

if TYPE_CHECKING:
    from nenpo.extractors.models import ReportExtraction

__all__ = [
    "ENTRY_POINT_GROUP",
    "UnknownFamilyError",
    "families",
    "family",
    "probe",
    "recognise",
    "recognitions",
]

ENTRY_POINT_GROUP = "nenpo.families"


class UnknownFamilyError(NenpoError, LookupError):
    """A family id no installed family has."""

    def __init__(self, family_id: str, known: Iterable[str]):
        self.family_id = family_id
        self.known = sorted(known)
        listed = ", ".join(self.known) or "none installed"
        super().__init__(f"unknown report family {family_id!r}; known families: {listed}")


class FamilyDeclarationError(NenpoError, TypeError):
    """An entry point of ``nenpo.families`` loads something that is not a family."""


def _where(ep: EntryPoint) -> str:
    dist = getattr(ep, "dist", None)
    name = f"{dist.name} {dist.version}" if dist is not None else "?"
    return f"{ep.value} ({name})"


def _declared(ep: EntryPoint) -> list[ReportFamily]:
    loaded = ep.load()
    found = [loaded] if isinstance(loaded, ReportFamily) else None
    if found is None and callable(loaded):
        found = list(loaded())
    if found is None or not all(isinstance(f, ReportFamily) for f in found):
        raise FamilyDeclarationError(
            f"entry point {ep.name!r} of {ENTRY_POINT_GROUP!r} ({_where(ep)}) loads {type(loaded).__name__}, "
            "not a ReportFamily or a callable returning ReportFamily objects"
        )
    source = _where(ep)
    return [f if f.source else _with_source(f, source) for f in found]


def _with_source(f: ReportFamily, source: str) -> ReportFamily:
    from dataclasses import replace

    return replace(f, source=source)


@cache
def _registered() -> dict[str, ReportFamily]:
    found: dict[str, ReportFamily] = {}
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda ep: ep.name):
        for f in _declared(ep):
            if f.id in found and found[f.id].source != f.source:
                raise FamilyDeclarationError(
                    f"report family {f.id!r} is declared twice: {found[f.id].source} and {f.source}"
                )
            found[f.id] = f
    return found


def refresh() -> None:
    """Forget the families found so far (after installing a plug-in, or in tests)."""
    _registered.cache_clear()


def families() -> tuple[ReportFamily, ...]:
    """Every installed family, highest priority first, then by id."""
    return tuple(sorted(_registered().values(), key=lambda f: (-f.priority, f.id)))


def family(family_id: str) -> ReportFamily:
    """The family with this id; `UnknownFamilyError` lists the known ids otherwise."""
    known = _registered()
    try:
        return known[family_id]
    except KeyError:
        raise UnknownFamilyError(family_id, known) from None


def probe(path: str | Path) -> DocumentProbe:
    """Metadata and the normalised text of every page, read with PyMuPDF.

    Raises `extractors.pages.PdfError` (naming the file) when the file does not open as a PDF.
    """
    from nenpo.extractors.mupdf import pymupdf
    from nenpo.extractors.normalise import normalise_text
    from nenpo.extractors.pages import PdfError

    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PdfError(path, f"cannot read the file: {exc.strerror or exc}") from exc
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except Exception as exc:  # PyMuPDF raises its own FileDataError and plain RuntimeErrors
        raise PdfError(path, f"not a readable PDF: {exc}") from exc
    with doc:
        texts = []
        for page in doc:
            try:
                texts.append(normalise_text(page.get_text("text")))
            except Exception:  # noqa: BLE001 - a damaged page: recognition goes on with the others
                texts.append("")
        metadata = dict(doc.metadata or {})
    return DocumentProbe(path=path, metadata=metadata, page_texts=tuple(texts), sha256=hashlib.sha256(data).hexdigest())


def recognitions(document: DocumentProbe) -> list[Recognition]:
    """What every family says of the document, surest first (families that decline left out)."""
    ranked: list[tuple[float, int, Recognition]] = []
    for f in families():
        found = f.recognise(document)
        if found is not None:
            if not found.family:
                from dataclasses import replace

                found = replace(found, family=f.id)
            ranked.append((found.confidence, f.priority, found))
    ranked.sort(key=lambda r: (-r[0], -r[1], r[2].family))
    return [r for _, _, r in ranked]


def recognise(document: DocumentProbe) -> tuple[ReportFamily, Recognition] | None:
    """The family that recognises the document with the highest confidence (ties: priority), or None."""
    found = recognitions(document)
    if not found:
        return None
    return family(found[0].family), found[0]


def extraction_type(family_id: str | None) -> type[ReportExtraction]:
    """The `ReportExtraction` subclass of a family (the base class for none or an unknown id)."""
    from nenpo.extractors.models import ReportExtraction

    if family_id is None:
        return ReportExtraction
    found = _registered().get(family_id)
    return found.extraction if found is not None else ReportExtraction
