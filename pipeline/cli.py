"""The `nenpo` command line.

nenpo ingest [PATH...] [--catalogue FILE]   fetch, extract, load, audit and publish
             [--prefect/--no-prefect]    (a Prefect flow run when a server is configured)
             [--force] [--max-memory MB] [--timeout S]
nenpo compare [TEXT] [--series ID]         KPI time series across editions (or a family's own)
nenpo audit [--format table|csv|json] [--fail-on warning|error] [--html report.html]
nenpo show MEASURE [--year N]              a measure's PDCA cycle, edition by edition
nenpo sources list | fetch                 the catalogue and the state of each edition
nenpo export --out DIR                     Parquet export of every table and view
nenpo serve [--cron ...] [--timezone ...]  run ingest on a schedule (needs a Prefect server),
             [--force] [--max-memory MB] [--timeout S]
"""

from __future__ import annotations

import contextlib
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from nenpo.pipeline.settings import DEFAULT_CRON, DEFAULT_TIMEZONE, DEPLOYMENT_NAME, RUNNERS


class Runner(StrEnum):
    """Where extract tasks run (pipeline.settings.RUNNERS)."""

    sequential = "sequential"
    processes = "processes"
    dask = "dask"


class Mode(StrEnum):
    """When a second reader runs: pdfplumber's verification, Tesseract's OCR."""

    auto = "auto"
    always = "always"
    never = "never"


class OutputFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class FailOn(StrEnum):
    warning = "warning"
    error = "error"


assert tuple(Runner) == RUNNERS, "the CLI's runners are pipeline.settings.RUNNERS"

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Japanese annual report PDFs → DuckDB.")
sources_app = typer.Typer(no_args_is_help=True, help="The source catalogue: editions, downloads, states.")
app.add_typer(sources_app, name="sources")
app.add_typer(__import__("nenpo.pipeline.cli_profiles", fromlist=["profiles_app"]).profiles_app, name="profiles")
# Piped output (make demo, CI logs) gets a wide table instead of rich's 80-column default.
# No console markup: PDF text, file names and catalogue text are printed as they are
# (a measure named "[/]" or a file "report[final].pdf"); styles are given as Text styles.
console = Console(width=None if sys.stdout.isatty() else 160, markup=False)
err_console = Console(stderr=True, width=None if sys.stderr.isatty() else 160, markup=False)

DbOption = Annotated[Path, typer.Option("--db", help="DuckDB warehouse file.", envvar="NENPO_DB")]
CatalogueOption = Annotated[
    Path | None,
    typer.Option(
        "--catalogue", help="Source catalogue (YAML). Default: $NENPO_CATALOGUE, else sources/catalogue.yaml."
    ),
]
CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache-dir",
        help="Download and extraction cache. Default: $NENPO_CACHE_DIR, else the user cache dir.",
        envvar="NENPO_CACHE_DIR",
    ),
]
PublishDirOption = Annotated[
    Path | None,
    typer.Option("--publish-dir", help="Where the snapshot and Parquet go. Default: <db>.published/ beside the db."),
]
RunnerOption = Annotated[Runner, typer.Option(help="Where extract tasks run.")]
WorkersOption = Annotated[int | None, typer.Option(help="Worker processes for processes/dask (default: CPU count).")]
DaskOption = Annotated[
    str | None, typer.Option("--dask-address", help="Scheduler of an existing Dask cluster (with --runner dask).")
]
LockOption = Annotated[
    float, typer.Option("--lock-timeout", help="Seconds to wait while another process writes the warehouse.")
]
VerifyOption = Annotated[Mode, typer.Option(help="pdfplumber second opinion.")]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace held editions even when the new file reads markedly worse.")
]
MaxMemoryOption = Annotated[
    int, typer.Option("--max-memory", help="MB of memory one report's extraction may add (0: no limit).")
]
TimeoutOption = Annotated[
    float, typer.Option("--timeout", help="Seconds one report's extraction may take (0: no limit).")
]
OcrOption = Annotated[
    Mode,
    typer.Option(
        help="Tesseract OCR of pages without a text layer: auto (pages that need it, if installed), always or never."
    ),
]


def _quiet_prefect(verbose: bool) -> None:
    # Prefect reads its settings when first imported: set them before importing flows.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "INFO" if verbose else "WARNING")
    os.environ.setdefault("PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW", "ignore")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    # the temporary server of --prefect with no server configured: Prefect gives it 20 s to
    # start, which a busy two-core machine can exceed
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "120")
    # Dask workers are separate processes: they take their log level from the environment.
    os.environ.setdefault("DASK_LOGGING__DISTRIBUTED", "info" if verbose else "warning")


def _check_choices(runner: str, dask_address: str | None) -> None:
    if dask_address and runner != Runner.dask:
        raise typer.BadParameter("--dask-address needs --runner dask")


def _flow_parameters(
    paths: list[Path],
    catalogue: Path | None,
    db: Path,
    verify: str,
    cache_dir: Path | None,
    publish: bool,
    publish_dir: Path | None,
    runner: str,
    workers: int | None,
    dask_address: str | None,
    lock_timeout: float,
    series: str | None = None,
    fiscal_year: int | None = None,
    family: str | None = None,
) -> dict:
    """The run's parameters (the flow's, also given to the plain steps), paths made absolute (a
    served run may start in another directory)."""
    from nenpo.sources.catalogue import catalogue_path

    if not paths and catalogue is None:
        catalogue = catalogue_path()  # nothing named: the catalogue

    def absolute(path: Path | None) -> str | None:
        return str(path.expanduser().absolute()) if path is not None else None

    return {
        "paths": [absolute(p) for p in paths],
        "catalogue": absolute(catalogue),
        "db": absolute(db),
        "verify": str(verify),
        "cache_dir": absolute(cache_dir),
        "publish": publish,
        "publish_dir": absolute(publish_dir),
        "runner": str(runner),
        "workers": workers,
        "dask_address": dask_address,
        "lock_timeout": lock_timeout,
        "series": series,
        "fiscal_year": fiscal_year,
        "family": family,
    }


def _use_profiles(dirs: list[Path]) -> None:
    """Add profile folders for this run: through $NENPO_PROFILES, so the worker processes
    that extract see them too. A folder that is not there, or a profile that does not
    validate, is a usage error naming it."""
    from nenpo.extractors import registry
    from nenpo.extractors.profiles.load import ENV_VAR, ProfileError, discover

    added = [str(d.expanduser().absolute()) for d in dirs]
    before = os.environ.get(ENV_VAR, "")
    os.environ[ENV_VAR] = os.pathsep.join(added + ([before] if before else []))
    registry.refresh()
    try:
        discover()
    except ProfileError as exc:
        raise typer.BadParameter(str(exc), param_hint="--profiles") from None


@app.command()
def ingest(
    paths: Annotated[list[Path] | None, typer.Argument(help="PDF files or folders of PDFs.")] = None,
    catalogue: CatalogueOption = None,
    db: DbOption = Path("nenpo.duckdb"),
    cache_dir: CacheOption = None,
    publish: Annotated[
        bool, typer.Option("--publish/--no-publish", help="Write the analysts' snapshot after loading.")
    ] = True,
    publish_dir: PublishDirOption = None,
    runner: RunnerOption = Runner.sequential,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    lock_timeout: LockOption = 60.0,
    verify: VerifyOption = Mode.auto,
    prefect: Annotated[
        bool | None,
        typer.Option(
            "--prefect/--no-prefect",
            help="Run as a Prefect flow run, or without Prefect. Default: a flow run when a Prefect server is "
            "configured (PREFECT_API_URL), else without Prefect.",
        ),
    ] = None,
    ocr: OcrOption = Mode.auto,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show Prefect's logs.")] = False,
    series: Annotated[
        str | None, typer.Option(help="The series the PDFs given as PATH are editions of (its id in the catalogue).")
    ] = None,
    fiscal_year: Annotated[
        int | None, typer.Option(help="The fiscal year of the edition given as PATH (e.g. 2020).", min=1900, max=2200)
    ] = None,
    family: Annotated[
        str | None,
        typer.Option(
            help="The report family that reads the PDFs given as PATH (see nenpo families); "
            "default: the family that recognises each file."
        ),
    ] = None,
    force: ForceOption = False,
    max_memory: MaxMemoryOption = 4096,
    timeout: TimeoutOption = 900.0,
    profiles: Annotated[
        list[Path] | None,
        typer.Option(
            "--profiles",
            help="A directory (or file) of report family profiles to read with, besides the "
            "shipped ones and $NENPO_PROFILES.",
        ),
    ] = None,
) -> None:
    """Fetch, extract and load report PDFs, then audit the warehouse and publish a snapshot.

    With no PATH, ingests the catalogue. --series/--fiscal-year say which edition the PDFs
    given as PATH are: they decide it for a file that does not name itself, and a file
    that names another edition fails validation, naming both. Exit code 0 when every
    report loaded, 1 when some failed (the others are loaded), 2 when the run itself failed.
    """
    from nenpo.pipeline.orchestration import choose
    from nenpo.pipeline.runners import closed_if_failing

    _check_choices(runner, dask_address)
    if (series or fiscal_year or family) and not paths:
        raise typer.BadParameter("--series/--fiscal-year/--family describe the PDFs given as PATH: name at least one")
    if profiles:
        _use_profiles(profiles)  # before any worker starts: they read the profiles from the environment
    path = choose(prefect)
    pool = _early_pool(path.prefect, runner, workers, dask_address)
    with closed_if_failing(pool):
        _check_family(family)
        parameters = _flow_parameters(
            paths or [],
            catalogue,
            db,
            verify,
            cache_dir,
            publish,
            publish_dir,
            runner,
            workers,
            dask_address,
            lock_timeout,
            series,
            fiscal_year,
            family,
        )
    parameters["ocr"] = str(ocr)
    parameters.update(_limit_parameters(force, max_memory, timeout))
    _quiet_prefect(verbose)
    what = ", ".join(parameters["paths"] + ([parameters["catalogue"]] if parameters["catalogue"] else []))
    with console.status(Text(f"Ingesting {what} into {db} …")):
        if path.temporary_server:
            result = _run_flow_on_temporary_server(parameters, verbose)
        else:
            result = _run_flow(parameters, verbose) if path.prefect else _run_plain(parameters, pool)
    if isinstance(result, BaseException):
        from nenpo.pipeline.errors import explain

        _print_progress(result, what)
        err_console.print(Text.assemble(("ingest failed:", "red"), f" {explain(result) or result}"))
        raise typer.Exit(2)
    _print_summary(result)
    how = f"as Prefect flow run {result.flow_run!r}" if result.flow_run else "without Prefect"
    console.print(f"ran {how}: {path.reason}")
    raise typer.Exit(0 if result.ok else 1)


def _early_pool(prefect: bool, runner: str, workers: int | None, dask_address: str | None):
    """A run without Prefect on worker processes starts them first, before this command
    starts a thread (its progress display) or opens the warehouse: local workers then fork
    from it, warmed once (`runners.start_pool`), instead of from a fresh interpreter."""
    if prefect or runner == Runner.sequential:
        return None
    from nenpo.pipeline.runners import start_pool

    return start_pool(str(runner), workers, dask_address, fork_here=True)


def _check_family(family: str | None) -> None:
    """--family names an installed family (a usage error names an unknown one)."""
    if family is None:
        return
    from nenpo.extractors.registry import UnknownFamilyError
    from nenpo.extractors.registry import family as known_family

    try:
        known_family(family)
    except UnknownFamilyError as exc:
        raise typer.BadParameter(str(exc)) from None


def _limit_parameters(force: bool, max_memory: int, timeout: float) -> dict:
    """--force, --max-memory and --timeout as the flow's parameters (0: no limit, None)."""
    return {"force": force, "max_memory_mb": max_memory or None, "timeout": timeout or None}


def _run_flow(parameters: dict, verbose: bool = False):
    """The run as a Prefect flow run: its summary, or the exception that failed the run."""
    from nenpo.pipeline.errors import quiet_expected_failures
    from nenpo.pipeline.flows import ReportsFailed, ingest_reports

    if not verbose:  # a run whose reports failed: the summary says it all, no Prefect traceback
        quiet_expected_failures(ReportsFailed)
    try:
        result = ingest_reports(**parameters, return_state=True).result(raise_on_failure=False)
    except Exception as exc:  # noqa: BLE001 - no flow run at all (e.g. the Prefect server could not be reached)
        return exc
    return result.summary if isinstance(result, ReportsFailed) else result


def _run_flow_on_temporary_server(parameters: dict, verbose: bool = False):
    """`_run_flow` reported to a Prefect server started for this run, which dies with this
    process (`pipeline.local_server`): its summary, or the exception that failed the run."""
    from nenpo.pipeline.local_server import temporary_server

    try:
        with temporary_server() as api_url:
            os.environ["PREFECT_API_URL"] = api_url  # before Prefect is imported: it reads its settings then
            from prefect.settings import PREFECT_API_URL, temporary_settings

            with temporary_settings({PREFECT_API_URL: api_url}):  # and when it already was
                try:
                    return _run_flow(parameters, verbose)
                finally:
                    _send_pending_logs_and_events()
    except RuntimeError as exc:  # the server did not start
        return exc
    finally:
        os.environ.pop("PREFECT_API_URL", None)


def _send_pending_logs_and_events() -> None:
    """Let Prefect send the run's queued logs and events before its server stops (as Prefect's
    own test harness does), instead of retrying against a server that is gone."""
    from prefect.events.worker import EventsWorker
    from prefect.logging.handlers import APILogWorker

    for worker in (APILogWorker, EventsWorker):
        with contextlib.suppress(RuntimeError):  # never started
            worker.drain_all()


def _run_plain(parameters: dict, pool=None):
    """The same steps without Prefect (`pipeline.ingest.ingest`, on `pool` when started
    already): its summary, or the exception that failed the run."""
    from nenpo.pipeline.ingest import ingest as ingest_plain

    try:
        return ingest_plain(**_plain_parameters(parameters), reuse_extractions=True, pool=pool)
    except Exception as exc:  # noqa: BLE001 - as a flow run ends Failed: the run itself failed (exit code 2)
        return exc


def _plain_parameters(parameters: dict) -> dict:
    """The flow's parameters as `pipeline.ingest.ingest` takes them (the limits as one `Limits`,
    the flow's defaults where they are not given)."""
    from nenpo.pipeline.guard import Limits

    plain = dict(parameters)
    defaults = Limits()
    plain["limits"] = Limits(plain.pop("max_memory_mb", defaults.max_memory_mb), plain.pop("timeout", defaults.timeout))
    return plain


def _print_progress(failure: BaseException, what: str) -> None:
    """What a run that failed did before it failed: the reports it loaded and the ones it did
    not, or at least what it was given and that it loaded nothing."""
    from nenpo.pipeline.ingest import progress_of

    progress = progress_of(failure)
    if progress is None:
        console.print(f"the run stopped before loading anything ({what}); nothing was loaded")
        return
    if progress.loaded or progress.failed:
        _print_summary(progress)
    else:
        console.print(
            f"{progress.extracted} extracted, {len(progress.from_cache)} from the extraction cache; "
            f"{len(progress.labels)} report(s) in the run, none loaded"
        )
    loaded = {report.sha256 for report, _ in progress.loaded}
    failed = {failure.sha256 for failure in progress.failed}
    not_loaded = [label for sha256, label in progress.labels.items() if sha256 not in loaded | failed]
    if not_loaded:
        console.print("not loaded by this run (the warehouse holds what it held before): " + ", ".join(not_loaded))


def _print_summary(summary) -> None:
    from nenpo.pipeline.summary import summary_rows

    table = Table(title=f"Ingest into {summary.db}", title_justify="left")
    columns = (
        "report",
        "edition",
        "pages",
        "measures",
        "KPI values",
        "PDCA items",
        "warnings",
        "load",
        "extraction",
        "seconds",
    )
    for column in columns:
        table.add_column(column, justify="left" if column in ("report", "edition", "load", "extraction") else "right")
    for row in summary_rows(summary):
        if row["error"] is None:
            table.add_row(
                row["report"],
                row["edition"],
                str(row["pages"]),
                str(row["measures"]),
                str(row["kpi_values"]),
                str(row["pdca_items"]),
                str(row["warnings"]),
                row["outcome"],
                row["extraction"],
                f"{row['seconds']:.3f}",
            )
        else:
            table.add_row(row["report"], "—", "", "", "", "", "", Text(row["outcome"], style="red"), "", "")
    console.print(table)
    if summary.failed:
        errors = Table(title="Failed reports", title_justify="left", show_lines=False)
        errors.add_column("report")
        errors.add_column("stage")
        errors.add_column("error", overflow="fold")
        for failure in summary.failed:
            errors.add_row(failure.report, failure.stage, failure.error)
        err_console.print(errors)
    totals = (
        f"{len(summary.loaded)} loaded, {len(summary.failed)} failed; "
        f"{sum(x.measures for x, _ in summary.loaded)} measures, "
        f"{sum(x.kpi_values for x, _ in summary.loaded)} KPI values, "
        f"{sum(x.warnings for x, _ in summary.loaded)} warnings, "
        f"{sum(x.pdca_items for x, _ in summary.loaded)} PDCA items"
    )
    console.print(totals)
    console.print(
        f"{summary.extracted} extracted, {len(summary.from_cache)} from the extraction cache; "
        f"{len(summary.findings)} audit finding(s){summary.audit_note}"
    )
    if summary.published is not None:
        console.print(f"published {summary.published.snapshot} and {summary.published.parquet}/")


def _format_value(value: float | None, status: str | None) -> str:
    if value is None:
        return {"cancelled": "中止", "not_reported": "－"}.get(status or "", "")
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


@app.command()
def compare(
    text: Annotated[str | None, typer.Argument(help="Part of a measure or indicator name.")] = None,
    series: Annotated[
        str | None,
        typer.Option(
            "--series", help="One series; a series whose family compares its own records prints that comparison."
        ),
    ] = None,
    db: DbOption = Path("nenpo.duckdb"),
) -> None:
    """KPI time series across editions: actual / target per fiscal year, latest edition wins.

    With --series, a series whose family compares its own records (`ReportFamily.compare`)
    prints that family's comparison instead."""
    from nenpo.warehouse.reading import connect_for_reading

    con, note = connect_for_reading(db)  # while a load holds the warehouse: its published snapshot
    if note:
        err_console.print(note)
    if series and (family_compare := _family_compare(con, series)) is not None:
        try:
            shown = family_compare(con, series, text)
        finally:
            con.close()
        if shown is None:
            err_console.print(f"nothing in series {series!r} matches" + (f" {text!r}" if text else ""))
            raise typer.Exit(1)
        console.print(shown)
        return
    query = "SELECT * FROM kpi_timeseries"
    params: list = []
    where = []
    if text:
        where.append("(measure ILIKE ? OR indicator ILIKE ?)")
        params += [f"%{text}%", f"%{text}%"]
    if series:
        where.append("series = ?")
        params.append(series)
    if where:
        query += " WHERE " + " AND ".join(where)
    cursor = con.execute(query + " ORDER BY series, measure, indicator, fiscal_year", params)
    names = [d[0] for d in cursor.description]
    rows = [dict(zip(names, values)) for values in cursor.fetchall()]  # rows, not a DataFrame: no pandas import
    con.close()
    if not rows:
        err_console.print("no KPI values match" + (f" {text!r}" if text else ""))
        raise typer.Exit(1)
    years = sorted({row["fiscal_year"] for row in rows})
    several = len({row["series"] for row in rows}) > 1
    table = Table(
        title="KPI actual / target by fiscal year (latest edition that prints each year)", title_justify="left"
    )
    if several:
        table.add_column("series", overflow="fold", max_width=16)
    table.add_column("measure", overflow="fold", max_width=22)
    table.add_column("indicator", overflow="fold", max_width=34)
    table.add_column("unit")
    for year in years:
        table.add_column(f"FY{year}", justify="right")
    groups: dict[tuple[str, str, str], list[dict]] = {}
    for row in rows:
        groups.setdefault((row["series"], row["measure"], row["indicator"]), []).append(row)
    for (series, measure, indicator), group in groups.items():
        by_year = {row["fiscal_year"]: row for row in group}
        cells = []
        for year in years:
            row = by_year.get(year)
            if row is None:
                cells.append("")
                continue
            actual = _format_value(row["actual"], row["actual_status"])
            target = _format_value(row["target"], row["target_status"])
            cells.append(f"{actual} / {target}" if target else actual)
        units = [row["unit"] for row in group if row["unit"] is not None]
        table.add_row(*([series] if several else []), measure, indicator, units[-1] if units else "", *cells)
    console.print(table)


def _family_compare(con, series: str):
    """The `ReportFamily.compare` hook of the family that read `series`, if it has one."""
    found = con.execute(
        "SELECT DISTINCT family FROM reports WHERE series = ? AND family IS NOT NULL", [series]
    ).fetchall()
    if not found:
        return None
    from nenpo.extractors.registry import UnknownFamilyError
    from nenpo.extractors.registry import family as known_family

    for (family_id,) in found:
        try:
            hook = known_family(family_id).compare
        except UnknownFamilyError:
            continue
        if hook is not None:
            return hook
    return None


FINDING_COLUMNS = ("severity", "check", "report_fiscal_year", "measure", "indicator", "fiscal_year", "detail", "page")


@app.command()
def audit(
    db: DbOption = Path("nenpo.duckdb"),
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="How the findings are printed.")
    ] = OutputFormat.table,
    fail_on: Annotated[
        FailOn | None, typer.Option("--fail-on", help="Exit 1 when a finding is at or above this severity.")
    ] = None,
    html_out: Annotated[
        Path | None, typer.Option("--html", help="Also write a self-contained HTML report here.")
    ] = None,
    aliases: Annotated[
        Path | None, typer.Option("--aliases", help="Alias file pinning measure/indicator identities.")
    ] = None,
    refresh: Annotated[
        bool, typer.Option("--refresh/--stored", help="Re-run the rules (default) or print the stored findings.")
    ] = True,
) -> None:
    """Audit the loaded editions against each other and themselves; print the findings.

    Exit code 0, or 1 when --fail-on is given and a finding is at or above that severity.
    """
    import pandas as pd

    from nenpo.warehouse.audit import SEVERITY_RANK

    if not Path(db).expanduser().is_file():
        raise FileNotFoundError(f"warehouse {Path(db).expanduser().absolute()} does not exist")
    if refresh:
        # the rules on their own (as `pipeline.ingest.audit_warehouse`), without importing the extractors
        from nenpo.warehouse.audit import audit as run_audit
        from nenpo.warehouse.db import connect
        from nenpo.warehouse.identity import Aliases

        con = connect(db)
        try:
            run_audit(con, Aliases.load(aliases), reuse=False)
        finally:
            con.close()
    from nenpo.warehouse.reading import connect_for_reading

    con, note = connect_for_reading(db)
    if note:
        err_console.print(note)
    try:
        columns = ", ".join(f'"{c}"' for c in FINDING_COLUMNS)
        frame = con.execute(f"SELECT {columns} FROM audit_findings ORDER BY finding_no").df()
        if html_out:
            from nenpo.pipeline.audit_report import write_html

            write_html(con, html_out, str(db))
    finally:
        con.close()
    if output_format == "csv":
        from nenpo.pipeline.safe_text import csv_safe

        sys.stdout.write(csv_safe(frame).to_csv(index=False))
    elif output_format == "json":
        sys.stdout.write(frame.to_json(orient="records", force_ascii=False, indent=1) + "\n")
    else:
        table = Table(title=f"Audit findings in {db} ({len(frame)})", title_justify="left")
        for column in FINDING_COLUMNS:
            table.add_column(column, overflow="fold")
        for row in frame.itertuples(index=False):
            table.add_row(*["" if pd.isna(v) else str(v) for v in row])
        console.print(table)
    if html_out:
        err_console.print(f"HTML report written to {html_out}")
    if fail_on and any(SEVERITY_RANK[s] >= SEVERITY_RANK[str(fail_on)] for s in frame["severity"]):
        raise typer.Exit(1)


REVIEW_TITLES = {
    "check": "Check 検証・評価",
    "covid_check": "Check: COVID-19",
    "action": "Action 改善・対応",
}

PHASE_TITLES = {
    "plan": "Plan 事業計画・主な取組",
    "do": "Do 事業の実施状況",
    "covid_do": "Do: COVID-19 新型コロナウイルス感染症に関する対応",
    "next_plan": "Next year's plan 実施計画",
}


def _item_line(item, bullet: str = "○") -> str:
    return f"{item.label or bullet} {item.text}"


def _kpi_table(cycle) -> Table | None:
    from nenpo.extractors.normalise import normalise_text

    if not cycle.kpis:
        return None
    years = sorted({k.fiscal_year for k in cycle.kpis})
    table = Table(title="主な成果・活動指標 (actual / target)", title_justify="left", show_edge=False)
    table.add_column("indicator", overflow="fold", max_width=40)
    table.add_column("unit")
    for year in years:
        table.add_column(f"FY{year}", justify="right")
    cells: dict[str, dict[tuple[int, str], str]] = {}
    units: dict[str, str] = {}
    for k in cycle.kpis:
        cells.setdefault(k.indicator, {})[(k.fiscal_year, k.kind)] = normalise_text(k.text).replace("\n", " ")
        if k.kind == "actual" or k.indicator not in units:
            units[k.indicator] = k.unit or ""
    for indicator, by_key in cells.items():
        row = []
        for year in years:
            actual, target = by_key.get((year, "actual"), ""), by_key.get((year, "target"), "")
            row.append(f"{actual} / {target}" if target else actual)
        table.add_row(indicator, units[indicator], *row)
    return table


def _pairs_table(cycle) -> Table | None:
    if not cycle.pairs:
        return None
    table = Table(title="Check → Action 検証意見と対応", title_justify="left", show_lines=True)
    table.add_column("№", justify="right")
    table.add_column("opinion 主な検証意見", overflow="fold", ratio=1)
    table.add_column("response 以降の対応", overflow="fold", ratio=1)
    previous = None
    for pair in cycle.pairs:
        if pair.opinion is None:
            opinion = Text("— no opinion with this number —", style="yellow")
        else:
            covid = ("COVID ", "cyan") if pair.opinion_phase == "covid_check" else ""
            opinion = Text.assemble(covid, f"{pair.opinion_label} {pair.opinion}")
        if pair.response is None:
            response = Text("— no response —", style="red")
        elif previous is not None and (pair.response_label, pair.response) == previous:
            response = Text(f"〃 (the response {pair.response_label} above)", style="dim")
        else:
            response = f"{pair.response_label} {pair.response}"
        previous = (pair.response_label, pair.response)
        table.add_row(str(pair.seq), opinion, response)
    return table


def _print_cycle(cycle) -> None:
    from rich.rule import Rule

    position = f" {'①②③④⑤⑥⑦⑧⑨⑩'[cycle.position - 1]}" if cycle.position and cycle.position <= 10 else ""
    parent = f"{cycle.parent}{position} " if cycle.parent else ""
    article = f"第{cycle.article}条 {cycle.article_title} · " if cycle.article else ""
    console.print(
        Rule(
            Text.assemble(
                (f"{parent}{cycle.name_raw}", "bold"), f" · FY{cycle.report_fiscal_year} edition · {cycle.series}"
            ),
            align="left",
        )
    )
    console.print(f"{article}pages {cycle.page_start}–{cycle.page_end}")
    for phase in ("plan", "do", "covid_do"):
        items = cycle.items.get(phase)
        if items:
            console.print(f"\n{PHASE_TITLES[phase]}", style="bold")
            for item in items:
                console.print(f"  {_item_line(item, '・' if phase == 'covid_do' else '○')}", overflow="fold")
    kpis = _kpi_table(cycle)
    if kpis is not None:
        console.print()
        console.print(kpis)
    pairs = _pairs_table(cycle)
    if pairs is not None:
        console.print()
        if cycle.review_printed_on:
            console.print(
                f"Check/Action block shared with other sub-measures, printed on the sheet of {cycle.review_printed_on}",
                style="dim",
            )
        console.print(pairs)
    else:  # a family that pairs no opinions with responses: its review phases as printed
        for phase in ("check", "covid_check", "action"):
            for n, item in enumerate(cycle.items.get(phase, [])):
                if n == 0:
                    console.print(f"\n{REVIEW_TITLES[phase]}", style="bold")
                console.print(f"  {_item_line(item)}", overflow="fold")
    unnumbered = (
        [i for phase in ("check", "covid_check") for i in cycle.items.get(phase, []) if not i.label] if pairs else []
    )
    for item in unnumbered:
        console.print(Text.assemble("  ", ("unnumbered opinion:", "dim"), f" ・{item.text}"), overflow="fold")
    items = cycle.items.get("next_plan")
    if items:
        console.print(f"\n{PHASE_TITLES['next_plan']}", style="bold")
        for item in items:
            console.print(f"  {_item_line(item)}", overflow="fold")
    console.print()


@app.command()
def show(
    measure: Annotated[str, typer.Argument(help="Measure name, or part of it (e.g. 商業力強化).")],
    year: Annotated[int | None, typer.Option("--year", help="Only this edition (its fiscal year).")] = None,
    db: DbOption = Path("nenpo.duckdb"),
) -> None:
    """A measure's full PDCA cycle in every loaded edition: Plan, Do, KPIs, each Check
    opinion beside its Action response, and the next year's plan."""
    from nenpo.warehouse.cycle import AmbiguousMeasure, MeasureNotFound, find_cycles
    from nenpo.warehouse.reading import connect_for_reading

    con, note = connect_for_reading(db)  # a missing or foreign warehouse: one line, exit 2
    if note:
        err_console.print(note)
    try:
        cycles = find_cycles(con, measure, year)
    except AmbiguousMeasure as exc:
        err_console.print(f"{exc}; give more of the name")
        raise typer.Exit(1) from None
    except MeasureNotFound as exc:
        err_console.print(str(exc))
        raise typer.Exit(1) from None
    finally:
        con.close()
    for cycle in cycles:
        _print_cycle(cycle)


def _catalogue_or_exit(catalogue: Path | None):
    from nenpo.sources.catalogue import CatalogueError, load_catalogue

    try:
        return load_catalogue(catalogue)
    except CatalogueError as exc:
        err_console.print(str(exc), style="red")
        raise typer.Exit(2) from None


@sources_app.command("list")
def sources_list(
    catalogue: CatalogueOption = None,
    db: DbOption = Path("nenpo.duckdb"),
    cache_dir: CacheOption = None,
) -> None:
    """Every catalogued edition with its state: not fetched, fetched, ingested, changed upstream."""
    from nenpo.sources.catalogue import catalogue_path
    from nenpo.sources.status import edition_states, read_ingested
    from nenpo.sources.store import FileStore

    listed = _catalogue_or_exit(catalogue)
    ingested, where = read_ingested(db)
    table = Table(title=f"Catalogue {catalogue_path(catalogue)}; warehouse {where}", title_justify="left")
    for column in ("series", "FY", "state", "source", "sha256", "detail"):
        table.add_column(column, overflow="fold")
    for item in edition_states(listed, FileStore(cache_dir), ingested):
        s = item.source
        table.add_row(
            s.series or "",
            str(s.fiscal_year or ""),
            item.state,
            s.url or s.path or "",
            (item.sha256 or "")[:16],
            item.detail,
        )
    console.print(table)


@sources_app.command("fetch")
def sources_fetch(
    catalogue: CatalogueOption = None,
    cache_dir: CacheOption = None,
) -> None:
    """Download every catalogued edition that has a URL into the cache (conditionally).

    Exit code 1 when any download failed.
    """
    from nenpo.sources.fetch import FetchError, fetch_url
    from nenpo.sources.store import FileStore

    store = FileStore(cache_dir)
    table = Table(title=f"Fetch into {store.root}", title_justify="left")
    for column in ("series", "FY", "url", "result", "sha256"):
        table.add_column(column, overflow="fold")
    failed = 0
    for source in _catalogue_or_exit(catalogue).editions():
        if not source.url:
            continue
        try:
            fetched = fetch_url(source.url, store, expected_sha256=source.sha256)
            result, sha = fetched.status, fetched.sha256[:16]
        except Exception as exc:  # noqa: BLE001 - one edition's failure never stops the others
            failed += 1
            reason = exc.reason if isinstance(exc, FetchError) else str(exc)
            result, sha = Text(f"{type(exc).__name__}: {reason}", style="red"), ""
        table.add_row(source.series or "", str(source.fiscal_year), source.url, result, sha)
    console.print(table)
    raise typer.Exit(1 if failed else 0)


@app.command()
def export(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the Parquet files into.")],
    db: DbOption = Path("nenpo.duckdb"),
) -> None:
    """Write every table and view as Parquet (per-edition tables partitioned by report_fiscal_year)."""
    from nenpo.warehouse.db import connect
    from nenpo.warehouse.export import export_parquet

    con = connect(db, read_only=True)  # locked: one line naming the published snapshot to export instead
    try:
        tables = export_parquet(con, out)  # a folder nenpo did not write: one line, nothing touched
    finally:
        con.close()
    for table in tables:
        console.print(f"{table.name}: {table.rows} rows → {table.path}")


@app.command()
def serve(
    cron: Annotated[str, typer.Option(help="Cron schedule of the runs.")] = DEFAULT_CRON,
    timezone: Annotated[str, typer.Option(help="IANA time zone the cron schedule is read in.")] = DEFAULT_TIMEZONE,
    name: Annotated[str, typer.Option(help="Deployment name.")] = DEPLOYMENT_NAME,
    catalogue: CatalogueOption = None,
    db: DbOption = Path("nenpo.duckdb"),
    cache_dir: CacheOption = None,
    publish_dir: PublishDirOption = None,
    runner: RunnerOption = Runner.sequential,
    workers: WorkersOption = None,
    dask_address: DaskOption = None,
    lock_timeout: LockOption = 600.0,
    verify: VerifyOption = Mode.auto,
    force: ForceOption = False,
    max_memory: MaxMemoryOption = 4096,
    timeout: TimeoutOption = 900.0,
) -> None:
    """Serve ingest_reports on a cron schedule (default 06:00 on the 1st of each month, Asia/Tokyo).

    Needs a long-lived Prefect server (`prefect server start`, PREFECT_API_URL set):
    schedules do not run on the ephemeral server. Runs until stopped (Ctrl-C).
    """
    _check_choices(runner, dask_address)
    parameters = _flow_parameters(
        [], catalogue, db, verify, cache_dir, True, publish_dir, runner, workers, dask_address, lock_timeout
    )
    parameters.update(_limit_parameters(force, max_memory, timeout))
    _quiet_prefect(False)
    from prefect import serve as prefect_serve

    from nenpo.pipeline.deploy import build_deployment

    try:
        deployment = build_deployment(parameters, name=name, cron=cron, timezone=timezone)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from exc
    prefect_serve(deployment)


@app.command()
def delete(
    series: Annotated[str, typer.Argument(help="The edition's series (its id, as nenpo sources list shows it).")],
    fiscal_year: Annotated[int, typer.Argument(help="The edition's fiscal year (e.g. 2024).")],
    part: Annotated[
        str | None, typer.Option(help="Delete only this part of an edition held in parts (default: every file).")
    ] = None,
    db: DbOption = Path("nenpo.duckdb"),
    lock_timeout: LockOption = 60.0,
) -> None:
    """Delete an edition (or one part of it) from the warehouse, in one transaction: every row
    of it in every table. Exit code 1 when the warehouse holds nothing for it."""
    from nenpo.warehouse.db import connect
    from nenpo.warehouse.load import delete_edition

    if not db.exists():
        err_console.print(f"no warehouse at {db}")
        raise typer.Exit(1)
    con = connect(db, wait_seconds=lock_timeout)
    try:
        gone = delete_edition(con, series, fiscal_year, part)
    finally:
        con.close()
    what = f"{series} FY{fiscal_year}" + (f" part {part!r}" if part is not None else "")
    if gone is None:
        err_console.print(f"{db} holds no edition {what}")
        raise typer.Exit(1)
    console.print(f"deleted {what} from {db}")


@app.command("families")
def families_list() -> None:
    """The report families nenpo reads (built in and installed plug-ins): id, title, version,
    where each comes from, and its warehouse tables."""
    from nenpo.extractors.registry import families

    table = Table(title="Report families (highest priority first)", title_justify="left")
    for column in ("id", "title", "version", "priority", "tables", "from"):
        table.add_column(column, overflow="fold")
    for f in families():
        table.add_row(
            f.id, f.title, f.extractor_version, str(f.priority), ", ".join(t.name for t in f.tables), f.source
        )
    console.print(table)


def add_family_commands(target: typer.Typer) -> None:
    """Each family's own commands (`ReportFamily.cli`), on `target`."""
    from nenpo.extractors.registry import families

    for f in families():
        if f.cli is not None:
            f.cli(target)


add_family_commands(app)

from nenpo.pipeline.errors import wrap_commands  # noqa: E402  (after every command is registered)

wrap_commands(app, sources_app)
