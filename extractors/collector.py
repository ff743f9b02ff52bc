"""Pausing Python's cyclic garbage collector while a report's records are built.

An extraction allocates tens of thousands of small objects (lines, cells, pydantic
records) that stay alive until the report is loaded, and none of them form reference
cycles. Each time enough objects have been allocated, the collector scans the young ones,
and every so often everything alive, imported modules included: about a tenth of an
edition's extraction time. Freed objects are still freed at once by reference counting;
only cycles wait for the collector, which runs as usual again once the block is left.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector for the block; re-enable it after, if it was enabled
    before (nested blocks leave it to the outermost)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
