"""PyMuPDF is imported without its layout and LLM add-ons, and they stay importable."""

import subprocess
import sys

import pytest

PROBE = """
import sys
import nenpo.extractors.pages
loaded = [m for m in ("pymupdf.layout", "pymupdf4llm", "onnxruntime") if m in sys.modules]
print("loaded:", ",".join(loaded))
import importlib.util
print("findable:", importlib.util.find_spec("pymupdf4llm") is not None)
"""


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout


def test_pages_import_skips_the_addons_and_leaves_them_importable():
    out = _run(PROBE)
    assert "loaded: \n" in out
    if "findable: True" not in out:
        pytest.skip("this PyMuPDF comes without pymupdf4llm")
    # a later explicit import is not blocked
    assert _run("import nenpo.extractors.pages, pymupdf4llm; print(pymupdf4llm.__name__)").strip() == "pymupdf4llm"


def test_a_pymupdf_imported_before_nenpo_is_used_as_is():
    code = "import pymupdf, sys; import nenpo.extractors.mupdf as m; print(m.pymupdf is pymupdf, 'pymupdf4llm' in sys.modules)"
    assert _run(code).split() == ["True", _run("import pymupdf, sys; print('pymupdf4llm' in sys.modules)").strip()]
