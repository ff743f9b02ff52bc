"""Committee rosters (委員名簿) of section 3, read from ruled grids.

A roster is printed as::

    図表 「川崎市産業振興協議会」委員名簿（令和３年８月現在）
    |        役 職 名                         | 氏 名     |
    | 学 | 1 | 専修大学商学部教授（会長）     | 鹿住 倫世 |
    | 識 | 2 | 明治大学経営学部教授           | 岡田 浩一 |
    | 者 | 3 | …                              |           |
    | 関…| 4 | (株)横浜銀行執行役員・…        | …         |

The group label (学識者 / 関係団体役職員) is a merged cell printed one character per
line; a one-row group prints it across. The committee and the date come from the
caption above the grid.
"""

from __future__ import annotations

from typing import Sequence

import regex

from nenpo.extractors.grids import Grid
from nenpo.extractors.models import CommitteeMember
from nenpo.extractors.normalise import normalise_name, normalise_text

ROSTER_CAPTION = regex.compile(r"「(?P<committee>[^」]+)」\s*委員名簿(?:\s*\((?P<as_of>[^()]*?)現在\))?")
"""The caption: ``図表 「川崎市産業振興協議会」委員名簿（令和３年８月現在）`` (normalised:
``図表 「川崎市産業振興協議会」委員名簿(令和3年8月現在)``)."""

CAPTION_GAP = 40.0  # points: how far above the grid its caption may be


def _compact(text: str) -> str:
    return "".join(text.split())


def is_roster(grid: Grid) -> bool:
    header = [_compact(t) for t in grid.row_texts(0)]
    return "氏名" in header and "役職名" in header


def caption_above(grid: Grid, lines: Sequence) -> regex.Match | None:
    x0, top, x1, _ = grid.bbox
    candidates = [
        l for l in lines
        if top - CAPTION_GAP <= l.bbox[3] <= top + 1 and l.bbox[0] < x1 and l.bbox[2] > x0 and ROSTER_CAPTION.search(l.text)
    ]
    if not candidates:
        return None
    return ROSTER_CAPTION.search(max(candidates, key=lambda l: l.bbox[3]).text)


def read_roster(grid: Grid, lines: Sequence, page: int) -> list[CommitteeMember]:
    """The members of one roster grid, in printed order."""
    caption = caption_above(grid, lines)
    committee = caption.group("committee") if caption else ""
    as_of = caption.group("as_of") if caption else None
    header = [_compact(t) for t in grid.row_texts(0)]
    name_col = header.index("氏名")
    role_col = name_col - 1
    members = []
    for r in range(1, grid.n_rows):
        name_cell, role_cell = grid.at(r, name_col), grid.at(r, role_col)
        if name_cell is None or role_cell is None or not name_cell.text:
            continue
        seq = None
        grp = None
        for c in range(role_col):
            cell = grid.at(r, c)
            if cell is None or not cell.text:
                continue
            if cell.row == r and _compact(cell.text).isdigit():
                seq = int(_compact(cell.text))
            else:
                grp = normalise_name(cell.text.replace("\n", ""))
        members.append(CommitteeMember(
            committee=committee, as_of=as_of, seq=seq if seq is not None else len(members) + 1,
            role=normalise_text(role_cell.text.replace("\n", "")), role_raw=role_cell.raw.replace("\n", ""),
            name=normalise_text(name_cell.text), name_raw=name_cell.raw, grp=grp, page=grid.row_page(r, page),
            bbox=grid.row_bbox(r),
        ))
    return members


def read_text(stream) -> list:
    return []
