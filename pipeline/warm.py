"""A process that forks extractions imports once what every extraction needs.

Each extraction runs in a forked child (`pipeline.guard`): whatever the child imports
dies with it, so a module imported lazily on the way — a family's readers, PyMuPDF,
pyarrow's pandas bridge (its first conversion of a Python list imports pandas: 0.8 s) —
was imported again for every edition, ~0.8 s of CPU each on top of ~0.4 s of reading.
`warm()` imports them in the process that forks: the sequential run's process before its
first extraction, each pool worker before its first, and the forkserver the workers fork
from (importing this module there warms it: `WARM_ON_IMPORT`), so a worker starts warm.

Nothing here names a family: every installed family's package is imported whole (each
family lives in one folder).
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

__all__ = ["MODULES", "warm"]

MODULES = (
    "pdfplumber",
    "nenpo.extractors.mupdf",
    "nenpo.extractors.dispatch",
    "nenpo.pipeline.ingest",
    "nenpo.warehouse.load",
)
"""What an extraction and the building of its warehouse rows import, besides the families."""


@cache
def warm() -> None:
    """Import `MODULES`, every installed family's package, and pandas through pyarrow's bridge."""
    for name in MODULES:
        importlib.import_module(name)
    from nenpo.extractors import registry

    for package in sorted({f.extract.__module__.rpartition(".")[0] for f in registry.families()}):
        _import_package(package)
    import pyarrow as pa

    pa.array([0])  # pyarrow imports pandas (when installed) on its first conversion of a list


def _import_package(name: str) -> None:
    package = importlib.import_module(name)
    for found in pkgutil.walk_packages(getattr(package, "__path__", []), prefix=f"{name}."):
        importlib.import_module(found.name)


WARM_ON_IMPORT = "nenpo.pipeline.warm_on_import"
"""The module a forkserver preloads: importing it warms the forkserver."""
