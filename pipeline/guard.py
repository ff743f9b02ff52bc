"""Each extraction in a child process with a memory and a time limit, so that one hostile or
broken PDF costs one report, never the run or the machine.

    outcome = guarded(extract_for_transfer, (path, verify), Limits(max_memory_mb=4096, timeout=900))

The child is a fork of the calling process (cheap: everything is imported already, and
it works in Dask's daemonic workers, where multiprocessing may not start children). It
gets an address-space limit of what it already maps plus `max_memory_mb`, so a stream
that inflates to gigabytes ends in a MemoryError (or the child's death) instead of the
machine swapping; past `timeout` seconds it is killed. Whatever happens to the child — a
MemoryError, a crash, a kill -9 from outside, the timeout — comes back as an
`IngestFailure` naming the file, and the run goes on with the next report.

Where there is no fork (Windows) the function runs in the calling process, unguarded.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import pickle
import resource
import select
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "DEFAULT_MAX_MEMORY_MB",
    "DEFAULT_TIMEOUT",
    "Limits",
    "Pickled",
    "guarded",
    "lost_with_its_worker",
    "unpickled",
]

DEFAULT_MAX_MEMORY_MB = 4096
"""Memory one extraction may add: ten times the peak of a 300-page edition."""
DEFAULT_TIMEOUT = 900.0
"""Seconds one extraction may take: far beyond the slowest edition read so far."""


@dataclass(frozen=True)
class Limits:
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    """Address space the child may add to what it maps at the start; None: no limit."""
    timeout: float | None = DEFAULT_TIMEOUT
    """Seconds before the child is killed; None: no limit."""


@dataclass(frozen=True)
class Pickled:
    """A guarded child's result as it came through the pipe, not unpickled: a pool worker
    passes it on as it is, and only the process that uses it unpickles it (`unpickled`)."""

    data: bytes


def unpickled(outcome: object) -> object:
    """`outcome`, or what it holds when it is `Pickled`."""
    return pickle.loads(outcome.data) if isinstance(outcome, Pickled) else outcome


def guarded(
    function: Callable,
    args: tuple,
    limits: Limits,
    path: str | os.PathLike[str],
    preload: tuple[str, ...] = (),
    keep_pickled: bool = False,
):
    """`function(*args)` in a forked child under `limits`; its result (which must pickle), or
    an IngestFailure at stage extract naming `path` when the child failed to return one.

    `preload` names modules the function imports lazily: they are imported once here, in
    the parent, rather than again in every child. With `keep_pickled`, a result the child
    wrote whole (it exited 0) comes back `Pickled`, for another process to unpickle.
    """
    if not hasattr(os, "fork") or (limits.max_memory_mb is None and limits.timeout is None):
        result = function(*args)
        return Pickled(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)) if keep_pickled else result
    for module in preload:
        importlib.import_module(module)
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_end)
        _child(function, args, limits, write_end, path)
    os.close(write_end)
    try:
        data, timed_out = _read_all(read_end, limits.timeout)
    finally:
        os.close(read_end)
    if timed_out:
        _kill(pid)
    _, status = os.waitpid(pid, 0)
    if timed_out:
        return _failure(path, f"extraction took longer than {limits.timeout:g} s (--timeout); stopped")
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        name = signal.Signals(sig).name if sig in signal.Signals._value2member_map_ else str(sig)
        hint = f" (out of memory under --max-memory {limits.max_memory_mb} MB?)" if limits.max_memory_mb else ""
        return _failure(path, f"extraction process died of signal {name}{hint}")
    if keep_pickled and data and os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0:
        return Pickled(data)
    try:
        return pickle.loads(data)
    except Exception:  # noqa: BLE001 - a child's result that does not unpickle: its exit status is the failure
        code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else status
        return _failure(path, f"extraction process ended (exit status {code}) without a result")


def _child(function: Callable, args: tuple, limits: Limits, write_end: int, path) -> None:
    code = 0
    try:
        if limits.max_memory_mb is not None:
            _limit_address_space(limits.max_memory_mb)
        try:
            result = function(*args)
        except MemoryError:
            result = _failure(path, f"extraction ran out of memory (--max-memory {limits.max_memory_mb} MB)")
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(data)
        while view:
            view = view[os.write(write_end, view) :]
    except BaseException:  # noqa: BLE001 - the child must exit with a code whatever happened while writing its result
        code = 70
    finally:
        os._exit(code)  # no atexit handlers, no flushing of the parent's buffers


def _limit_address_space(max_memory_mb: int) -> None:
    mapped = _mapped_bytes()
    limit = mapped + max_memory_mb * 2**20
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _mapped_bytes() -> int:
    """The process's current virtual size (VmSize), 0 where /proc is not there."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _read_all(fd: int, timeout: float | None) -> tuple[bytes, bool]:
    """Everything the child writes until it closes the pipe; (data, True) when time ran out."""
    deadline = None if timeout is None else time.monotonic() + timeout
    chunks: list[bytes] = []
    while True:
        wait = None if deadline is None else deadline - time.monotonic()
        if wait is not None and wait <= 0:
            return b"".join(chunks), True
        ready, _, _ = select.select([fd], [], [], wait)
        if not ready:
            continue
        chunk = os.read(fd, 1 << 20)
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


def _kill(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)


def _failure(path, error: str):
    from nenpo.pipeline.ingest import IngestFailure

    return IngestFailure(str(path), "extract", f"{path}: {error}")


def lost_with_its_worker(outcome: object) -> bool:
    """Whether an extract task's outcome is the loss of the worker process that ran it (a
    process pool broken by a dead worker, a Dask worker killed), not a verdict on the file.

    A dead pool worker takes every extraction it still held with it; the flow extracts those
    again in its own process, under the guard, so that the one report that killed the worker
    fails on its own (or loads, if something else killed it) and the others load.
    """
    from concurrent.futures import BrokenExecutor

    return isinstance(outcome, BrokenExecutor) or type(outcome).__name__ == "KilledWorker"
