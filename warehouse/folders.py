"""Folders nenpo writes whole: it replaces only what it wrote itself.

`nenpo export --out DIR` and the published snapshot (`--publish-dir DIR`) replace their
folder's contents on every run. So they write only into folders nenpo created or found
empty, marked as nenpo's by a `.nenpo-owned` file; a non-empty folder without the mark
is refused (`FolderNotOursError`) and nothing in it is touched.

`replace_folder` builds the new contents in a marked sibling folder, then swaps it in: on
Linux with one atomic `renameat2(RENAME_EXCHANGE)` (a reader sees the old folder or the
new one, never neither), elsewhere with two renames. The old contents, which nenpo wrote,
are removed afterwards.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from nenpo.core.errors import WarehouseError

__all__ = ["MARK", "FolderNotOursError", "claim", "is_ours", "remove_stale", "replace_folder"]

MARK = ".nenpo-owned"
MARK_TEXT = "This folder is written by nenpo; its contents are replaced on each run.\n"

T = TypeVar("T")


class FolderNotOursError(WarehouseError):
    """A folder nenpo would replace holds files that nenpo did not write."""

    def __init__(self, folder: Path, why: str):
        self.folder = folder
        super().__init__(
            f"{folder} {why}: nenpo writes only into new or empty folders, or folders it wrote before "
            f"(marked by {MARK}); choose another folder"
        )


def is_ours(folder: Path) -> bool:
    return (folder / MARK).is_file()


def claim(folder: str | os.PathLike[str], looks_ours: Callable[[Path], bool] | None = None) -> Path:
    """Make sure nenpo may write `folder` whole: create and mark it when new or empty; accept
    it when marked (or when `looks_ours` recognises an unmarked layout nenpo wrote before,
    which is then marked); raise FolderNotOursError otherwise."""
    folder = Path(folder)
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise FolderNotOursError(folder, "is not a folder")
    if folder.is_dir() and not is_ours(folder) and any(folder.iterdir()) and not (looks_ours and looks_ours(folder)):
        raise FolderNotOursError(folder, "is not empty and was not written by nenpo")
    folder.mkdir(parents=True, exist_ok=True)
    if not is_ours(folder):
        (folder / MARK).write_text(MARK_TEXT, encoding="utf-8")
    return folder


def replace_folder(target: str | os.PathLike[str], build: Callable[[Path], T]) -> T:
    """Fill a new folder with `build(folder)`, then swap it in for `target` atomically.

    `target` must be absent, empty, or nenpo's (see `claim`); on any error while building,
    `target` is left as it was and the half-built folder is removed.
    """
    target = Path(target).absolute()
    if target.exists() or target.is_symlink():
        claim(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale(target.parent, re.compile(rf"\.{re.escape(target.name)}\.(?P<pid>\d+)\.new"))
    fresh = target.parent / f".{target.name}.{os.getpid()}.new"
    shutil.rmtree(fresh, ignore_errors=True)  # a leftover of this pid's own crashed run
    claim(fresh)
    try:
        result = build(fresh)
    except BaseException:
        shutil.rmtree(fresh, ignore_errors=True)
        raise
    if target.is_dir():
        _exchange(fresh, target)  # `fresh` now holds the old contents
        shutil.rmtree(fresh, ignore_errors=True)
    else:
        os.replace(fresh, target)
    return result


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> None:
    """Swap two folders: atomically where the kernel can (Linux renameat2), else by two renames."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is not None and renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return
    aside = b.with_name(f".{b.name}.{os.getpid()}.old")
    os.replace(b, aside)
    os.replace(a, b)
    os.replace(aside, a)


def remove_stale(folder: Path, pattern: re.Pattern[str]) -> list[Path]:
    """Remove what a nenpo process that no longer runs left half-written in `folder` (killed
    mid-write): entries whose whole name matches `pattern`, whose `pid` group is dead."""
    removed: list[Path] = []
    try:
        entries = list(folder.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = pattern.fullmatch(entry.name)
        if m is None or _alive(int(m["pid"])):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            removed.append(entry)
        except OSError:
            pass
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True  # this process: another of its threads may be writing it right now
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
