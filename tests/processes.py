"""The process tree as /proc shows it, for the tests that kill a run's processes the way
an operator or the kernel's OOM killer would."""

from __future__ import annotations

from pathlib import Path


def children(pid: int) -> list[int]:
    """The pids whose parent is `pid` (a process that exits meanwhile is passed over)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # the command name in brackets may hold spaces and ')': the fields follow the last ')'
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def cmdline(pid: int) -> bytes:
    """The process's command line, NUL-separated; empty once it has exited."""
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return b""
