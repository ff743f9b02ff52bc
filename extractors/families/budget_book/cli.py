"""``nenpo budget``: an account's amounts over the editions, from `appropriations_timeseries`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

LEVELS = ("total", "kan", "kou", "moku", "setsu")


def trend_rows(
    con,
    text: str | None = None,
    level: str | tuple[str, ...] = "kan",
    side: str | None = None,
    series: str | None = None,
) -> list[dict]:
    """Rows of the timeseries at one level or several (names matching `text`, of one series or
    all), ordered by account and year."""
    levels = (level,) if isinstance(level, str) else tuple(level)
    query = f"SELECT * FROM appropriations_timeseries WHERE level IN ({', '.join('?' * len(levels))})"
    params: list = list(levels)
    if series:
        query += " AND series = ?"
        params.append(series)
    if side:
        query += " AND side = ?"
        params.append(side)
    if text:
        query += " AND (kan ILIKE ? OR kou ILIKE ? OR moku ILIKE ? OR setsu ILIKE ?)"
        params += [f"%{text}%"] * 4
    cursor = con.execute(query + " ORDER BY series, side, kan_no, kou_no, moku_no, setsu_no, fiscal_year", params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, values)) for values in cursor.fetchall()]


COMPARE_LEVELS = ("kan", "kou", "moku")
SIDES = {"revenue": "歳入", "expenditure": "歳出"}


def _account(row: dict) -> str:
    """``1.2.1 固定資産税``: the account's numbers and its own name."""
    nos = ".".join(str(row[k]) for k in ("kan_no", "kou_no", "moku_no", "setsu_no") if row[k] is not None)
    return f"{nos} {row.get(row['level']) or ''}".strip()


def compare_table(con, series: str, text: str | None = None):
    """``nenpo compare --series``: every 款, 項 and 目 of the series (names matching `text`) with
    the amount each edition budgets for its year, and the next edition's 前年度 where it differs;
    None when nothing matches."""
    from rich.table import Table

    rows = trend_rows(con, text, COMPARE_LEVELS, series=series)
    if not rows:
        return None
    years = sorted({r["fiscal_year"] for r in rows})
    table = Table(
        title=f"{series}: budget by fiscal year, 千円 (as budgeted; next edition's 前年度 where it differs)",
        title_justify="left",
    )
    for column in ("side", "level"):
        table.add_column(column)
    table.add_column("account", overflow="fold", max_width=40)
    for year in years:
        table.add_column(f"FY{year}", justify="right")
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault((r["side"], r["kan_no"], r["kou_no"] or 0, r["moku_no"] or 0, r["level"]), []).append(r)
    for key in sorted(groups, key=lambda k: (k[0] != "revenue", *k[1:4])):
        group = groups[key]
        by_year = {r["fiscal_year"]: r for r in group}
        last = group[-1]
        table.add_row(
            SIDES.get(last["side"], last["side"]),
            {"kan": "款", "kou": "項", "moku": "目"}[last["level"]],
            _account(last),
            *[_cell(by_year[y]) if y in by_year else "" for y in years],
        )
    return table


def _cell(row: dict) -> str:
    budget = f"{row['budget_thousand_yen']:,.0f}"
    restated = row["restated_by_thousand_yen"]
    if restated:  # the next edition printed another 前年度
        return f"{budget} (next: {row['next_edition_previous_thousand_yen']:,.0f})"
    return budget


def register(app: typer.Typer) -> None:
    @app.command("budget")
    def budget(
        text: Annotated[str | None, typer.Argument(help="Part of a 款 / 項 / 目 / 節 name.")] = None,
        level: Annotated[str, typer.Option(help="total, kan, kou, moku or setsu.")] = "kan",
        side: Annotated[str | None, typer.Option(help="revenue or expenditure (both by default).")] = None,
        db: Annotated[Path, typer.Option("--db", help="DuckDB warehouse file.", envvar="NENPO_DB")] = Path(
            "nenpo.duckdb"
        ),
    ) -> None:
        """Budget books: an account's 本年度 per fiscal year (千円), with the next edition's 前年度
        where it differs."""
        from rich.console import Console
        from rich.table import Table

        from nenpo.warehouse.reading import connect_for_reading

        if level not in LEVELS:
            raise typer.BadParameter(f"level must be one of {', '.join(LEVELS)}, not {level!r}")
        con, note = connect_for_reading(db)
        if note:
            Console(stderr=True).print(note)
        rows = trend_rows(con, text, level, side)
        con.close()
        if not rows:
            Console(stderr=True).print("no appropriations match" + (f" {text!r}" if text else ""))
            raise typer.Exit(1)
        years = sorted({r["fiscal_year"] for r in rows})
        table = Table(title=f"Budget by fiscal year, 千円 ({level})", title_justify="left")
        table.add_column("side")
        table.add_column("account", overflow="fold", max_width=40)
        for year in years:
            table.add_column(f"FY{year}", justify="right")
        groups: dict[tuple, list[dict]] = {}
        for r in rows:
            groups.setdefault(
                (r["series"], r["side"], r["kan_no"], r["kou_no"], r["moku_no"], r["setsu_no"]), []
            ).append(r)
        for key, group in groups.items():
            by_year = {r["fiscal_year"]: r for r in group}
            last = group[-1]
            nos = ".".join(str(n) for n in key[2:] if n is not None)
            name = last.get(level) if level != "total" else "合計"
            table.add_row(
                last["side"], f"{nos} {name or ''}".strip(), *[_cell(by_year[y]) if y in by_year else "" for y in years]
            )
        Console().print(table)
