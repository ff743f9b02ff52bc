"""Budgets shared by several rows of the emergency-measure budget table, counted once.

Pure functions of the rows' №s, notes and amounts: the warehouse (`warehouse.py`) and the
audit rules use them without the PDF readers of `budget`.
"""

from __future__ import annotations

from collections.abc import Sequence


def sharing_groups(nos: Sequence[int], shared_with: Sequence[Sequence[int]]) -> list[int]:
    """For each row, the index of the first row of its sharing group: rows are joined when
    one's note names the other's № (``（№13の一部の予算を含む）`` joins row 3 with row 13)."""
    parent = list(range(len(nos)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    rows_of: dict[int, list[int]] = {}
    for i, no in enumerate(nos):
        rows_of.setdefault(no, []).append(i)
    for i, named in enumerate(shared_with):
        for no in named:
            for j in rows_of.get(no, ()):
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [find(i) for i in range(len(nos))]


def counted_budgets(
    nos: Sequence[int], shared_with: Sequence[Sequence[int]], budgets: Sequence[float | None]
) -> list[float | None]:
    """The amount each row adds to a total, so that a shared budget is counted once.

    A row outside any sharing group counts its own budget. In a group (rows whose notes
    name each other) the largest printed amount counts once, on the first row printing
    it, and the group's other rows count 0 (their amounts are the same pool; when the
    printed amounts differ, the audit rule ``budget_shared_amounts_differ`` reports it).
    Rows without a budget count NULL."""
    groups = sharing_groups(nos, shared_with)
    out: list[float | None] = []
    for i, budget in enumerate(budgets):
        members = [j for j, g in enumerate(groups) if g == groups[i]]
        if budget is None or len(members) == 1:
            out.append(budget)
            continue
        amount = max(budgets[j] for j in members if budgets[j] is not None)
        first = next(j for j in members if budgets[j] == amount)
        out.append(amount if i == first else 0.0)
    return out
