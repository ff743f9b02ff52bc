"""Damaged copies of a PDF, made by the tests themselves (nothing damaged is committed).

random_bytes(good, bad, size=8192, seed=1)   # a run of random bytes written over the middle
without_page_content(good, bad, page=5)      # one page's content stream emptied, file re-saved
truncated(good, bad, keep=0.6)               # the first 60 % of the bytes
"""

from __future__ import annotations

import random
from pathlib import Path

from nenpo.extractors.mupdf import pymupdf


def random_bytes(source: Path, target: Path, size: int = 8192, seed: int = 0, at: float | None = None) -> Path:
    """A copy with `size` random bytes written over it at `at` (a share of the file; default: a
    seeded random place in the middle 80 %), the way a bad disk or transfer damages a file."""
    data = bytearray(source.read_bytes())
    rng = random.Random(seed)
    share = at if at is not None else rng.uniform(0.1, 0.9)
    start = min(int(len(data) * share), len(data) - size)
    data[start : start + size] = rng.randbytes(size)
    target.write_bytes(bytes(data))
    return target


def without_page_content(source: Path, target: Path, page: int) -> Path:
    """A copy whose page `page` (1-based) draws nothing: its content streams are emptied."""
    doc = pymupdf.open(source)
    try:
        for xref in doc[page - 1].get_contents():
            doc.update_stream(xref, b" ")
        doc.save(target, garbage=0)
    finally:
        doc.close()
    return target


def truncated(source: Path, target: Path, keep: float = 0.6) -> Path:
    data = source.read_bytes()
    target.write_bytes(data[: int(len(data) * keep)])
    return target
