"""A benchmark catalogue of many editions, written into a folder (never committed).

Edition k (k = 0, 1, …) is sample edition k mod 3 in its own layout; from the fourth on,
its cover title is reprinted with fiscal year 2019 + k (``令和{k+1}年度 中小企業活性化施策
実施状況報告書``), so that every file has its own bytes and is an edition of its own. The
pages inside still print the sample's years: the extractor warns about each KPI table
(`unexpected_year_columns`) and the audit has more to report, as it would for a
misprinted edition.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "editions").glob("kawasaki-sme-fy20*.pdf"))
TITLE = "中小企業活性化施策実施状況報告書"


def _font() -> str:
    import japanize_matplotlib  # ships IPAexGothic, the font the sample editions are set in

    return os.path.join(os.path.dirname(japanize_matplotlib.__file__), "fonts", "ipaexg.ttf")


def retitle(source: Path, target: Path, fiscal_year: int) -> None:
    """`source` with its cover title reprinted for `fiscal_year`, in the same place and size."""
    from nenpo.extractors.mupdf import pymupdf

    doc = pymupdf.open(source)
    page = doc[0]
    lines = [line for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
    title = next(line for line in lines if TITLE in "".join(span["text"] for span in line["spans"]))
    span = title["spans"][0]
    page.add_redact_annot(pymupdf.Rect(title["bbox"]))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    page.insert_text(span["origin"], f"令和{fiscal_year - 2018}年度 {TITLE}", fontsize=span["size"], fontname="ipaexg",
                     fontfile=_font())
    doc.save(target, garbage=3, deflate=True)


def write_catalogue(folder: Path, editions: int) -> list[Path]:
    """`editions` PDFs in `folder`, FY2019 onwards, one per fiscal year."""
    import shutil

    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for k in range(editions):
        source, year = SAMPLES[k % len(SAMPLES)], 2019 + k
        target = folder / f"edition-{year}.pdf"
        if k < len(SAMPLES):
            shutil.copyfile(source, target)  # the sample itself: FY2019, FY2020, FY2021
        else:
            retitle(source, target, year)
        paths.append(target)
    return paths
