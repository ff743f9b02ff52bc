"""``nenpo profiles``: the report families declared in YAML.

    nenpo profiles list [--profiles DIR]             every profile: id, title, where it comes from
    nenpo profiles check FILE [PDF...] [--strict]    validate a profile, then show what it reads
                                                     from each PDF: records, KPI values, costs,
                                                     PDCA sections, categories, warnings, gates

A profile that does not validate is reported with its file, line and field, and the
command exits 1; so does a PDF that cannot be read, a failed count gate, or (with
``--strict``) any extraction warning such as a category value outside the vocabulary.
PDF libraries are imported only when a PDF is read.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

profiles_app = typer.Typer(
    no_args_is_help=True, help="Report families declared in YAML: list them, check one against PDFs."
)
console = Console(width=None if sys.stdout.isatty() else 160, markup=False)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160, markup=False)

ProfilesDir = Annotated[
    list[Path] | None,
    typer.Option(
        "--profiles", help="A directory of profile YAML files (besides the shipped ones and $NENPO_PROFILES)."
    ),
]


@profiles_app.command("list")
def list_profiles(profiles: ProfilesDir = None) -> None:
    """Every profile nenpo finds: shipped in the package, in $NENPO_PROFILES, in --profiles."""
    from nenpo.extractors.profiles.load import ProfileError, discover

    try:
        found = discover(profiles or ())
    except ProfileError as exc:
        err_console.print(str(exc))
        raise typer.Exit(1) from None
    table = Table("id", "title", "priority", "records start by", "file")
    for loaded in found:
        p = loaded.profile
        table.add_row(p.id, p.title, str(p.priority), p.record.starts, str(loaded.path))
    console.print(table)


def _resolve(file: str, dirs) -> Path:
    """A profile file, or the id of a profile nenpo finds."""
    path = Path(file)
    if path.exists():
        return path
    from nenpo.extractors.profiles.load import discover

    for loaded in discover(dirs or ()):
        if loaded.profile.id == file:
            return loaded.path
    err_console.print(f"{file}: no such file, and no profile has that id")
    raise typer.Exit(1)


def _show(extraction, reading) -> None:
    counts = Table(
        "records", "KPI values", "costs", "PDCA sections", "categories", "sections", "table cells", "warnings"
    )
    counts.add_row(
        *(
            str(n)
            for n in (
                len(extraction.measures),
                len(extraction.kpi_values),
                len(extraction.costs),
                len(extraction.pdca_items),
                len(extraction.categories),
                len(extraction.sections),
                len(extraction.table_cells),
                len(extraction.warnings),
            )
        )
    )
    console.print(counts)
    if extraction.measures:
        t = Table("record", "part of", "pages", title="records")
        for m in extraction.measures:
            t.add_row(m.name, m.parent or "", f"{m.page_start}-{m.page_end}")
        console.print(t)
    if extraction.kpi_values:
        t = Table("record", "indicator", "unit", "FY", "kind", "as printed", "value", "page", title="KPI values")
        for k in extraction.kpi_values:
            t.add_row(
                k.measure,
                k.indicator,
                k.unit_raw or "",
                str(k.fiscal_year),
                k.kind,
                k.kind_raw or "",
                k.value_text,
                str(k.page),
            )
        console.print(t)
    if extraction.costs:
        t = Table("record", "item", "FY", "basis", "as printed", "thousand yen", "printed", "page", title="costs")
        for c in extraction.costs:
            amount = "" if c.thousand_yen is None else f"{c.thousand_yen:,.0f}"
            t.add_row(c.measure, c.item, str(c.fiscal_year), c.basis, c.basis_raw, amount, c.value_text, str(c.page))
        console.print(t)
    if extraction.pdca_items:
        t = Table("record", "phase", "label", "text", "page", title="PDCA sections")
        for p in extraction.pdca_items:
            text = p.text.replace("\n", " ")
            t.add_row(p.measure, p.phase, p.label, text[:80] + ("…" if len(text) > 80 else ""), str(p.page))
        console.print(t)
    if extraction.categories:
        t = Table("record", "field", "label", "value", "as printed", "page", title="categories")
        for c in extraction.categories:
            t.add_row(c.measure, c.field, c.label_raw, c.value, c.value_raw, str(c.page))
        console.print(t)
    # warnings and gates as whole lines: a message names a file and a value, and stays greppable
    for w in extraction.warnings:
        console.print(f"warning {w.code}: {w.message}", soft_wrap=True)
    for what, ok, detail in reading.gates:
        console.print(f"gate {what}: {'pass' if ok else 'FAIL'}: {detail}", soft_wrap=True)


def _recognition(profile, pdf: Path) -> str:
    """Would the family claim the file on its own (without --family)?"""
    from nenpo.extractors.profiles.family import recognise_by_profile
    from nenpo.extractors.registry import probe

    found = recognise_by_profile(profile, probe(pdf))
    if found is None:
        return (
            "recognised: no: no line or metadata title matches edition.recognise; ingest it with --family " + profile.id
        )
    return f"recognised: yes, confidence {found.confidence} ({found.why})"


@profiles_app.command("check")
def check(
    file: Annotated[str, typer.Argument(help="Profile YAML file (or the id of an installed profile).")],
    pdfs: Annotated[list[Path] | None, typer.Argument(help="PDFs to read by the profile.")] = None,
    profiles: ProfilesDir = None,
    fiscal_year: Annotated[int | None, typer.Option(help="The edition's year when the file names none.")] = None,
    strict: Annotated[bool, typer.Option(help="Fail on any extraction warning too.")] = False,
) -> None:
    """Validate a profile; then show what it reads from each PDF given."""
    from nenpo.extractors.profiles.load import ProfileError, load_profile

    path = _resolve(file, profiles)
    try:
        profile = load_profile(path)
    except ProfileError as exc:
        err_console.print(str(exc))
        raise typer.Exit(1) from None
    console.print(f"{path}: valid profile {profile.id!r} ({profile.title}); records start by {profile.record.starts}")
    failed = False
    for pdf in pdfs or ():
        from nenpo.extractors.edition import EditionClaim
        from nenpo.extractors.pages import PdfError
        from nenpo.extractors.profiles.engine import extract_by_profile

        claim = EditionClaim(profile.series, fiscal_year, "command_line") if fiscal_year else None
        kept: list = []
        try:
            extraction = extract_by_profile(pdf, profile, claim=claim, keep=kept)
        except PdfError as exc:
            err_console.print(str(exc))
            failed = True
            continue
        console.print(
            f"\n{pdf}: FY{extraction.report_fiscal_year} {extraction.title!r}, {extraction.page_count} page(s)"
        )
        console.print(_recognition(profile, pdf), soft_wrap=True)
        _show(extraction, kept[0])
        failed = failed or any(not ok for _, ok, _ in kept[0].gates) or (strict and bool(extraction.warnings))
    if failed:
        raise typer.Exit(1)


from nenpo.pipeline.errors import wrap_commands  # noqa: E402  (after every command is registered)

wrap_commands(profiles_app)
