"""The state of each catalogued edition: not fetched, fetched, ingested, or changed upstream.

- not fetched: no local copy (no file at its path, nothing in the cache for its URL) and
  the warehouse does not hold it;
- fetched: a local copy exists and it is not (yet) in the warehouse;
- ingested: the warehouse holds exactly this content for the edition;
- changed upstream: the local copy's sha256 differs from the catalogue's, or from what
  the warehouse holds for the edition (a new file arrived: ingest to load it).

Nothing here touches the network: `nenpo sources fetch` (or an ingest) refreshes the cache.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nenpo.extractors.pages import sha256_file
from nenpo.sources.catalogue import Catalogue, EditionSource
from nenpo.sources.local import pdfs_under, unique_by_content
from nenpo.sources.store import FileStore
from nenpo.warehouse.db import WarehouseLockedError, connect
from nenpo.warehouse.publish import default_publish_dir

__all__ = ["EditionState", "STATES", "edition_states", "local_sha256", "read_ingested"]

STATES = ("not fetched", "fetched", "ingested", "changed upstream")


@dataclass(frozen=True)
class EditionState:
    source: EditionSource
    state: str
    sha256: str | None
    """sha256 of the local copy, if there is one."""
    ingested_sha256: str | None
    """sha256 of the file the warehouse holds for this edition, if any."""
    detail: str = ""


def local_sha256(source: EditionSource, store: FileStore) -> str | None:
    """sha256 of the edition's local copy: its file, else what its URL last served (if cached)."""
    if source.path and Path(source.path).is_file():
        return sha256_file(source.path)
    if source.url:
        record = store.url_record(source.url)
        if record is not None and store.has(record.sha256):
            return record.sha256
    return None


def _state(source: EditionSource, local: str | None, held: str | None) -> tuple[str, str]:
    expected = source.sha256
    if local is None:
        if held and (expected is None or held == expected):
            return "ingested", "no local copy; the warehouse holds the expected file"
        return "not fetched", ""
    if expected and local != expected:
        return "changed upstream", f"local copy {local[:16]} is not the catalogue's sha256 {expected[:16]}"
    if held and held != local:
        return "changed upstream", f"the warehouse holds {held[:16]}, the source now has {local[:16]}: ingest to update"
    if held == local:
        return "ingested", ""
    return "fetched", ""


def edition_states(
    catalogue: Catalogue,
    store: FileStore,
    ingested: dict[tuple[str, int], str],
    extra_folders: Sequence[str | os.PathLike[str]] = (),
) -> list[EditionState]:
    """Every catalogued edition and every PDF of the catalogue's folders, with its state.

    `ingested` maps (series, report_fiscal_year) to the sha256 the warehouse holds.
    """
    states = []
    for source in catalogue.editions():
        local = local_sha256(source, store)
        held = ingested.get((source.series, source.fiscal_year)) if source.series and source.fiscal_year else None
        state, detail = _state(source, local, held)
        states.append(EditionState(source, state, local, held, detail))
    in_warehouse = {sha: edition for edition, sha in ingested.items()}
    for pdf in unique_by_content(pdfs_under([*catalogue.folder_paths(), *extra_folders])):
        edition = in_warehouse.get(pdf.sha256)
        source = EditionSource(
            label=str(pdf.path),
            path=str(pdf.path),
            series=edition[0] if edition else None,
            fiscal_year=edition[1] if edition else None,
        )
        state = "ingested" if edition else "fetched"
        states.append(EditionState(source, state, pdf.sha256, pdf.sha256 if edition else None))
    return states


def read_ingested(db: str | os.PathLike[str]) -> tuple[dict[tuple[str, int], str], str]:
    """(series, report_fiscal_year) → sha256 the warehouse holds, and where that was read.

    While a load holds the warehouse, the published snapshot beside it is read instead.
    A warehouse that does not exist yet holds nothing.
    """
    file = Path(db)
    if not file.is_file():
        return {}, f"{file} (not created yet)"
    try:
        con = connect(file, read_only=True)
        where = str(file)
    except WarehouseLockedError:
        snapshot = default_publish_dir(file) / f"{file.stem}.duckdb"
        if not snapshot.is_file():
            raise
        con = connect(snapshot, read_only=True)
        where = f"{snapshot} (the warehouse is locked by a load; its last published snapshot)"
    try:
        rows = con.execute("SELECT series, report_fiscal_year, sha256 FROM reports").fetchall()
    finally:
        con.close()
    return {(series, year): sha for series, year, sha in rows}, where
