"""Audit rules of the budget book: the identities a budget book must keep.

Each rule is a plain function over appropriation rows (dicts with the `appropriations`
table's columns, or `Appropriation` records turned into dicts by `as_rows`), yielding
`Finding`s that name both pages involved; `RULES` wraps them as `warehouse.audit.Rule`s over
a warehouse connection.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from nenpo.warehouse.audit import Finding, Rule

LEVELS = ("total", "kan", "kou", "moku", "setsu")
KEYS = ("kan_no", "kou_no", "moku_no", "setsu_no")
PREFERENCE = {"明細書": 0, "総括": 1, "第1表": 2, "articles": 3}
TOLERANCE = 0.5  # 千円: amounts are whole 千円; anything below is float noise

Row = dict


def as_rows(records: Iterable, **edition) -> list[Row]:
    """Records (`Appropriation`) as rows, with edition keys (report_id, series, report_fiscal_year)."""
    return [{**r.model_dump(), **edition} for r in records]


def _label(row: Row) -> str:
    names = [row.get(k) for k in ("kan", "kou", "moku", "setsu") if row.get(k)]
    nos = [f"{n}{row[k]}" for n, k in zip("款項目節", KEYS) if row.get(k) is not None]
    side = {"revenue": "歳入", "expenditure": "歳出"}.get(row["side"], row["side"])
    if row["level"] == "total":
        return f"{side}合計"
    return f"{side} {' '.join(nos)} {names[-1] if names else ''}".strip()


def _where(row: Row) -> str:
    return f"{row['source']} p.{row['page']} ({row.get('report_id') or '?'})"


def _path(row: Row, level: str | None = None) -> tuple:
    level = level or row["level"]
    depth = LEVELS.index(level)
    return (row["side"],) + tuple(row.get(k) if i < depth else None for i, k in enumerate(KEYS))


BBOX = ("bbox_x0", "bbox_top", "bbox_x1", "bbox_bottom")


def _source(row: Row, text_column: str | None = None) -> dict:
    """Where a row is printed, as the audit report's evidence (`pipeline.audit_report.Source`):
    the amount of `text_column` as printed, or without one the account's name and 本年度."""
    bbox = [row[k] for k in BBOX] if all(row.get(k) is not None for k in BBOX) else row.get("bbox")
    shown = (
        row.get(text_column)
        if text_column
        else f"{row.get(row['level']) or ''} {row.get('current_text') or ''}".strip()
    )
    return {
        "label": f"FY{row.get('report_fiscal_year')} edition, {row['source']}",
        "report_id": row.get("report_id"),
        "page": row["page"],
        "bbox": list(bbox) if bbox else None,
        "value_text": shown,
    }


def _finding(check: str, severity: str, detail: str, row: Row, **evidence) -> Finding:
    return Finding(
        check=check,
        severity=severity,
        detail=detail,
        report_fiscal_year=row.get("report_fiscal_year"),
        page=row.get("page"),
        series=row.get("series"),
        report_id=row.get("report_id"),
        indicator=_label(row),
        evidence=evidence,
    )


def change_mismatches(rows: Iterable[Row]) -> Iterator[Finding]:
    """比較 ≠ 本年度 − 前年度 on a row that prints all three."""
    for r in rows:
        cur, prev, chg = r.get("current_thousand_yen"), r.get("previous_thousand_yen"), r.get("change_thousand_yen")
        if None in (cur, prev, chg):
            continue
        if abs((cur - prev) - chg) > TOLERANCE:
            yield _finding(
                "budget_change_mismatch",
                "error",
                f"{_label(r)}: 比較 {r['change_text']} ≠ 本年度 {r['current_text']} − 前年度 {r['previous_text']} "
                f"({cur - prev:,.0f}) on {_where(r)}",
                r,
                current=cur,
                previous=prev,
                change=chg,
                sources=[_source(r, "change_text")],
            )


def _by_edition_source(rows: Iterable[Row]) -> dict[tuple, list[Row]]:
    groups: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        groups[(r.get("series"), r.get("report_fiscal_year"), r["source"])].append(r)
    return groups


def sum_mismatches(rows: Iterable[Row]) -> Iterator[Finding]:
    """Children not summing to their parent within one part of one edition: 節 → 目 → 項 → 款 →
    歳入合計 / 歳出合計, for 本年度 and, where both print it, 前年度. A parent whose children are
    not all loaded (a split book's other files) is compared only when some child is."""
    for (_, _, source), group in _by_edition_source(rows).items():
        if source == "articles":
            continue
        parents = {(r["level"], _path(r)): r for r in group}
        children: dict[tuple, list[Row]] = defaultdict(list)
        for r in group:
            level = LEVELS.index(r["level"])
            if level == 0:
                continue
            parent_level = LEVELS[level - 1]
            children[(parent_level, _path(r, parent_level))].append(r)
        for key, kids in children.items():
            parent = parents.get(key)
            if parent is None:
                continue
            for column, text in (("current_thousand_yen", "本年度"), ("previous_thousand_yen", "前年度")):
                values = [k.get(column) for k in kids]
                if parent.get(column) is None or any(v is None for v in values):
                    continue
                total = sum(values)
                if abs(total - parent[column]) > TOLERANCE:
                    pages = sorted({k["page"] for k in kids})
                    yield _finding(
                        "budget_children_sum",
                        "error",
                        f"{_label(parent)}: {text} {parent[column]:,.0f} on {_where(parent)}, its "
                        f"{len(kids)} {kids[0]['level']} rows sum to {total:,.0f} (pages {pages})",
                        parent,
                        parent=parent[column],
                        children_sum=total,
                        parent_page=parent["page"],
                        children_pages=pages,
                        column=column,
                        sources=[_source(parent, column.replace("thousand_yen", "text"))],
                    )


def part_disagreements(rows: Iterable[Row]) -> Iterator[Finding]:
    """The same account (total, 款 or 項) printed with different amounts by two parts of one
    edition (第1表, 総括, the 明細書, the 予算 article)."""
    seen: dict[tuple, list[Row]] = defaultdict(list)
    for r in rows:
        if r["level"] in ("total", "kan", "kou"):
            seen[(r.get("series"), r.get("report_fiscal_year"), r["level"], _path(r))].append(r)
    for group in seen.values():
        group = sorted(group, key=lambda r: (PREFERENCE.get(r["source"], 9), r["page"]))
        first = group[0]
        for other in group[1:]:
            if other["source"] == first["source"]:
                continue
            for column, text in (("current_thousand_yen", "本年度"), ("previous_thousand_yen", "前年度")):
                a, b = first.get(column), other.get(column)
                if a is not None and b is not None and abs(a - b) > TOLERANCE:
                    yield _finding(
                        "budget_parts_disagree",
                        "error",
                        f"{_label(first)}: {text} {a:,.0f} in {_where(first)} but {b:,.0f} in {_where(other)}",
                        first,
                        first=a,
                        other=b,
                        first_page=first["page"],
                        other_page=other["page"],
                        other_source=other["source"],
                        other_report_id=other.get("report_id"),
                        sources=[
                            _source(first, column.replace("thousand_yen", "text")),
                            _source(other, column.replace("thousand_yen", "text")),
                        ],
                    )


def _one_per_path(rows: Iterable[Row], column: str) -> dict[tuple, Row]:
    """Per (series, year, level, path): the row of the most detailed part that prints `column`."""
    best: dict[tuple, Row] = {}
    for r in rows:
        if r.get(column) is None or r["source"] == "articles":
            continue
        key = (r.get("series"), r.get("report_fiscal_year"), r["level"], _path(r))
        if key not in best or (PREFERENCE[r["source"]], r["page"]) < (
            PREFERENCE[best[key]["source"]],
            best[key]["page"],
        ):
            best[key] = r
    return best


def restatements(rows: Iterable[Row]) -> Iterator[Finding]:
    """The next edition's 前年度 ≠ this edition's 本年度 for the same account: a supplementary
    budget folded into the prior year's figure, a restatement, or a renumbered account."""
    rows = list(rows)
    current = _one_per_path(rows, "current_thousand_yen")
    previous = _one_per_path(rows, "previous_thousand_yen")
    for (series, year, level, path), nxt in previous.items():
        this = current.get((series, year - 1, level, path))
        if this is None:
            continue
        a, b = this["current_thousand_yen"], nxt["previous_thousand_yen"]
        if abs(a - b) > TOLERANCE:
            yield _finding(
                "budget_restated",
                "warning",
                f"{_label(this)}: 本年度 {a:,.0f} in the {year - 1} edition ({_where(this)}), "
                f"前年度 {b:,.0f} in the {year} edition ({_where(nxt)})",
                this,
                budget=a,
                next_previous=b,
                page=this["page"],
                next_page=nxt["page"],
                next_report_id=nxt.get("report_id"),
                next_fiscal_year=year,
                sources=[_source(this, "current_text"), _source(nxt, "previous_text")],
            )


def account_changes(rows: Iterable[Row]) -> Iterator[Finding]:
    """款 / 項 / 目 renamed (same number, other name), moved (same name, other number under the
    same parent) or dropped (absent from the next edition, whose loaded parts print its parent:
    a 款 needs the next edition's 総括 or 第1表, a 項 or 目 its parent's 明細書 section)."""
    rows = list(rows)
    named = _one_per_path([r for r in rows if r["level"] in ("total", "kan", "kou", "moku")], "current_thousand_yen")
    by_year: dict[tuple, dict[tuple, Row]] = defaultdict(dict)
    for (series, year, level, path), r in named.items():
        by_year[(series, year)][(level, path)] = r
    for (series, year), accounts in by_year.items():
        nxt = by_year.get((series, year + 1))
        if not nxt:
            continue
        for (level, path), r in accounts.items():
            if level == "total":
                continue
            depth = LEVELS.index(level)
            parent = _path(r, LEVELS[depth - 1])
            siblings = {
                a[level] for (lv, p), a in accounts.items() if lv == level and _path(a, LEVELS[depth - 1]) == parent
            }
            name = r[level]
            same = nxt.get((level, path))
            if same is not None and same[level] == name:
                continue
            moved = [
                a
                for (lv, p), a in nxt.items()
                if lv == level and p != path and a[level] == name and _path(a, LEVELS[depth - 1]) == parent
            ]
            if moved:
                target = moved[0]
                yield _finding(
                    "budget_account_moved",
                    "info",
                    f"{_label(r)}: {name!r} is number {r[KEYS[depth - 1]]} in {year} ({_where(r)}), "
                    f"{target[KEYS[depth - 1]]} in {year + 1} ({_where(target)})",
                    r,
                    name=name,
                    page=r["page"],
                    next_page=target["page"],
                    sources=[_source(r), _source(target)],
                )
            elif same is not None and same[level] not in siblings:
                yield _finding(
                    "budget_account_renamed",
                    "info",
                    f"{_label(r)}: named {name!r} in {year} ({_where(r)}), {same[level]!r} in {year + 1} ({_where(same)})",
                    r,
                    name=name,
                    next_name=same[level],
                    page=r["page"],
                    next_page=same["page"],
                    sources=[_source(r), _source(same)],
                )
            elif (LEVELS[depth - 1], parent) in nxt:
                yield _finding(
                    "budget_account_dropped",
                    "warning",
                    f"{_label(r)} {name!r} ({_where(r)}) is not in the {year + 1} edition",
                    r,
                    name=name,
                    page=r["page"],
                    sources=[_source(r)],
                )


def _warehouse_rows(con) -> list[Row]:
    try:
        cur = con.execute("SELECT * FROM appropriations")
    except Exception:  # noqa: BLE001 - no budget book loaded into this warehouse: nothing to check
        return []
    names = [d[0] for d in cur.description]
    return [dict(zip(names, values)) for values in cur.fetchall()]


def _rule(name: str, severity: str, fn) -> Rule:
    return Rule(name, severity, (fn.__doc__ or "").strip(), lambda con: list(fn(_warehouse_rows(con))))


RULES = (
    _rule("budget_change_mismatch", "error", change_mismatches),
    _rule("budget_children_sum", "error", sum_mismatches),
    _rule("budget_parts_disagree", "error", part_disagreements),
    _rule("budget_restated", "warning", restatements),
    _rule("budget_account_changes", "info", account_changes),
)
