"""A benchmark catalogue of many editions, written into a folder (never committed).

Edition k (k = 0, 1, …) is sample edition k mod 3 in its own layout; from the fourth on,
every line that names the edition is reprinted with fiscal year 2019 + k — the cover title
(``令和{k+1}年度 中小企業活性化施策実施状況報告書``), the purpose sentence (``本報告書は、
令和{k+1}（{2019+k}）年度の…``) and section 4's heading — and so is the metadata title, so
that every file has its own bytes and is an edition of its own whose evidence agrees. The
KPI tables still print the sample's years: the extractor warns about each of them
(`unexpected_year_columns`) and the audit has more to report, as it would for a
misprinted edition.
"""

from __future__ import annotations

import os
from pathlib import Path

import regex

REPO = Path(__file__).resolve().parents[1]
SAMPLES = sorted((REPO / "samples" / "editions").glob("kawasaki-sme-fy20*.pdf"))
TITLE = "中小企業活性化施策実施状況報告書"
ERA_YEAR = regex.compile(r"令和\s*(?:元|[0-9０-９]+)\s*（\s*[0-9]{4}\s*）\s*年度")
"""The edition's year inside a sentence or heading: ``令和２（2020）年度``, ``令和元（2019）年度``."""


def _font() -> str:
    import japanize_matplotlib  # ships IPAexGothic, the font the sample editions are set in

    return os.path.join(os.path.dirname(japanize_matplotlib.__file__), "fonts", "ipaexg.ttf")


def _reprint(page, line: dict, text: str) -> None:
    """`line` of `page` printed again as `text`, in the same place, size and font."""
    from nenpo.extractors.mupdf import pymupdf

    span = line["spans"][0]
    page.add_redact_annot(pymupdf.Rect(line["bbox"]))
    page.apply_redactions(images=pymupdf.PDF_REDACT_IMAGE_NONE, graphics=pymupdf.PDF_REDACT_LINE_ART_NONE)
    page.insert_text(span["origin"], text, fontsize=span["size"], fontname="ipaexg", fontfile=_font())


def retitle(source: Path, target: Path, fiscal_year: int) -> None:
    """`source` with the lines that name its edition reprinted for `fiscal_year`: the cover
    title, and each line that names the edition's year beside the report's subject (the
    purpose sentence, section 4's heading); the metadata title too."""
    from nenpo.extractors.mupdf import pymupdf

    era = f"令和{fiscal_year - 2018}"
    doc = pymupdf.open(source)
    for page in doc:
        lines = [line for block in page.get_text("dict")["blocks"] for line in block.get("lines", [])]
        for line in lines:
            text = "".join(span["text"] for span in line["spans"])
            if page.number == 0 and TITLE in text:
                _reprint(page, line, f"{era}年度 {TITLE}")
            elif "中小企業活性化施策" in text and ERA_YEAR.search(text):
                _reprint(page, line, ERA_YEAR.sub(f"{era}（{fiscal_year}）年度", text))
    doc.set_metadata({**doc.metadata, "title": f"{era}年度 {TITLE}"})
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
