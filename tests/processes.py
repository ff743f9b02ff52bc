"""The process tree as /proc shows it, for the tests that kill a run's processes the way
an operator or the kernel's OOM killer would."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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


@contextmanager
def killing_first(targets: Callable[[], Iterable[int]], poll: float = 0.01) -> Iterator[list[int]]:
    """While the block runs, a watcher thread sends SIGKILL to the first pid `targets()`
    names (asked every `poll` seconds) and stops; the list yielded holds the pid killed."""
    stop = threading.Event()
    killed: list[int] = []

    def watch() -> None:
        while not stop.is_set() and not killed:
            for pid in targets():
                os.kill(pid, signal.SIGKILL)
                killed.append(pid)
                break
            time.sleep(poll)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    try:
        yield killed
    finally:
        stop.set()
        watcher.join()
