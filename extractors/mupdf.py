"""PyMuPDF, imported without the layout and LLM add-ons its wheel brings along.

PyMuPDF 2 depends on `pymupdf_layout` and `pymupdf4llm` and imports both the first time
`pymupdf` is imported. Together they pull in numpy and onnxruntime: about 1 s and
100 MB in every process (each worker of a parallel run pays it again). nenpo never uses
them: it reads text (`get_text`) and drawings (`get_cdrawings`), which do not change with
the add-ons; only `Page.get_layout`, `find_tables` and `to_markdown` would.

PyMuPDF imports each add-on inside `try: … except ImportError`, so marking them absent in
`sys.modules` for the duration of the import makes it skip them. The marks are removed
afterwards: code that imports `pymupdf4llm` itself later still gets it.

    from nenpo.extractors.mupdf import pymupdf
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import TYPE_CHECKING

__all__ = ["SKIPPED_ADDONS", "pymupdf"]

SKIPPED_ADDONS: tuple[str, ...] = ("pymupdf.layout", "pymupdf4llm")
"""Modules PyMuPDF would import on start-up that nenpo has no use for."""


def _import_pymupdf() -> ModuleType:
    if "pymupdf" in sys.modules:  # imported already (by the caller's own code): take it as it is
        return sys.modules["pymupdf"]
    marked = [name for name in SKIPPED_ADDONS if name not in sys.modules]
    for name in marked:
        sys.modules[name] = None  # type: ignore[assignment]  # `import name` now raises ImportError
    try:
        import pymupdf
    finally:
        for name in marked:
            if sys.modules.get(name, False) is None:
                del sys.modules[name]
    module: ModuleType = pymupdf
    return module


if TYPE_CHECKING:  # the type checker reads PyMuPDF's own annotations
    import pymupdf
else:
    pymupdf = _import_pymupdf()
