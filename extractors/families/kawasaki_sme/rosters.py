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

In a text layer (`parse_roster_text`) the same roster reads::

    図表 「川崎市産業振興協議会」委員名簿（令和３年８月現在）
     役 職 名 氏 名
    学 / 識 / 者                                  <- the group label, a character a line
    1 専修大学商学部教授（会長） 鹿住 倫世
    …
    学識者 1 専修大学経済学部教授（部会長） 遠山  浩   <- a one-row group, across

A member line is the sequence number, the role and the name; the name is the last two
words (family and given name, printed with a space between them).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import regex

from nenpo.extractors.families.kawasaki_sme.models import CommitteeMember
from nenpo.extractors.grids import Grid
from nenpo.extractors.normalise import normalise_name, normalise_text
from nenpo.extractors.text_stream import normalised

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
        l
        for l in lines
        if top - CAPTION_GAP <= l.bbox[3] <= top + 1
        and l.bbox[0] < x1
        and l.bbox[2] > x0
        and ROSTER_CAPTION.search(l.text)
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
        members.append(
            CommitteeMember(
                committee=committee,
                as_of=as_of,
                seq=seq if seq is not None else len(members) + 1,
                role=normalise_text(role_cell.text.replace("\n", "")),
                role_raw=role_cell.raw.replace("\n", ""),
                name=normalise_text(name_cell.text),
                name_raw=name_cell.raw,
                grp=grp,
                page=grid.row_page(r, page),
                bbox=grid.row_bbox(r),
            )
        )
    return members


HEADER_LINE = regex.compile(r"^役\s*職\s*名\s*氏\s*名$")
"""The header row as one text line: `` 役 職 名 氏 名 ``."""

MEMBER_LINE = regex.compile(
    r"^(?:(?P<group>[^\s0-9]+?)\s*)?(?P<seq>[0-9]{1,2})\s+(?P<role>\S.*?)\s+(?P<name>\S+\s+\S+)$"
)
"""A member as one text line: ``1 専修大学商学部教授（会長） 鹿住 倫世``,
``学識者 1 専修大学経済学部教授（部会長） 遠山  浩`` (a group label in front, printed across),
``関係団体役職員4 (株)横浜銀行執行役員・川崎地域本部長 西田 隆`` (a label run into the №)."""

HEADER_SPLIT = regex.compile(r"^(?P<role>役\s*職\s*名)\s*(?P<name>氏\s*名)$")
"""The header line cut into its two cells: ``役 職 名`` and ``氏 名``."""

GROUP_PIECE = regex.compile(r"^[^\s0-9]{1,3}$")
"""A piece of a group label printed a character a line: ``学``, ``識``, ``者``."""


@dataclass
class TextMember:
    committee: str
    as_of: str | None
    seq: int
    role: str
    name: str
    grp: str | None
    line: int  # 0-based line of the member
    header: int | None = None  # 0-based line of the roster's header (役 職 名 氏 名)
    label: bool = False  # the group label is printed with this member (the first of its group)


def parse_roster_text(lines: Sequence[str]) -> list[TextMember]:
    """The members of every roster in a text layer, in printed order."""
    texts = normalised(lines)
    members: list[TextMember] = []
    for i, text in enumerate(texts):
        caption = ROSTER_CAPTION.search(text) if "委員名簿" in text else None
        if caption is None or not text.startswith("図表"):
            continue
        group_pieces: list[str] = []
        grp: str | None = None
        found = 0
        header = None
        for j in range(i + 1, len(texts)):
            line = texts[j]
            if not line or (not found and HEADER_LINE.match(line)):
                header = j if line else header
                continue
            m = MEMBER_LINE.match(line)
            if m:
                labelled = bool(m.group("group") or group_pieces)
                if m.group("group"):
                    grp = normalise_name(m.group("group"))
                elif group_pieces:
                    grp = normalise_name("".join(group_pieces))
                group_pieces = []
                found += 1
                members.append(
                    TextMember(
                        caption.group("committee"),
                        caption.group("as_of"),
                        int(m.group("seq")),
                        normalise_text(m.group("role")),
                        normalise_text(m.group("name")),
                        grp,
                        j,
                        header,
                        labelled,
                    )
                )
            elif GROUP_PIECE.match(line):
                group_pieces.append(line)
            else:
                break
    return members


def read_text(stream) -> tuple[list[CommitteeMember], list[tuple]]:
    """The rosters of an edition's text stream (`text_stream.TextStream`): the members as
    records, and each roster as table cells (page, bbox, "roster", cells) printed in its
    grid (役職名 over the group, № and role columns, 氏名; a group label on its first row)."""
    members = parse_roster_text(stream.texts)
    out, tables = [], []
    for m in members:
        page, bbox = stream.span(m.line, m.line)
        words = stream.lines[m.line].raw.split()
        lead = len(words) - len(m.role.split()) - 2  # the group label and № before the role
        role_raw = " ".join(words[lead:-2]) if lead >= 1 else m.role
        out.append(
            CommitteeMember(
                committee=m.committee,
                as_of=m.as_of,
                seq=m.seq,
                role=m.role,
                role_raw=role_raw,
                name=m.name,
                name_raw=" ".join(words[-2:]),
                grp=m.grp,
                read_by="text_order",
                page=page,
                bbox=bbox,
            )
        )
    for committee in dict.fromkeys(m.committee for m in members):
        rows = [m for m in members if m.committee == committee]
        cells: list[tuple] = []
        first = stream.lines[rows[0].header if rows[0].header is not None else rows[0].line]
        if rows[0].header is not None:
            m = HEADER_SPLIT.match(first.text)
            boxes = first.part_boxes(2)
            cells += [
                (0, 0, 1, 3, m.group("role"), m.group("role"), boxes[0], first.page),
                (0, 3, 1, 1, m.group("name"), m.group("name"), boxes[1], first.page),
            ]
        for r, m in enumerate(rows, start=1):
            line = stream.lines[m.line]
            values = ([m.grp] if m.label and m.grp else []) + [str(m.seq), m.role, m.name]
            boxes = line.part_boxes(len(values)) if len(line.parts) == len(values) else [line.bbox] * len(values)
            cols = [0, 1, 2, 3][-len(values) :]
            cells += [(r, c, 1, 1, v, v, b, line.page) for c, v, b in zip(cols, values, boxes)]
        tables.append((first.page, first.bbox, "roster", cells))
    return out, tables
