"""Write every sample edition in the two alternative layouts, each with its ground truth.

    python -m nenpo.samples.layouts.editions samples

- ``text-order`` (layout b): the edition's text line by line in the order a PDF text
  layer of the real report reads (an indicator's ○ label can sit lines above its table
  with other ○ lines between; section headings come after the items they head; the Check
  heading closes the Plan/Do part while the Check and Action items follow the Action
  heading), on A4 portrait pages in IPAexGothic, KPI and census blocks ruled, no cover
  page: the edition is named only in body sentences and section headings.
- ``mincho`` (layout c): reading order, IPAex Mincho, headings the size of body text,
  every table unruled (aligned by whitespace only) and free to run across pages, each
  measure sheet on a new page, page numbers in the footer, and a cover page that is only
  an image (no text layer).

Each layout goes to its own folder (`samples/editions-text-order/`,
`samples/editions-mincho/`) as `kawasaki-sme-fy{year}.{layout}.pdf` and `.truth.json`,
with a MANIFEST.json of sha256 digests; the landscape layout (a) stays in
`samples/editions/`. The truth holds the same records as layout (a)'s (from the same
content), with the pages and bboxes of this layout.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import PIL
import reportlab

from nenpo.samples import content
from nenpo.samples.content import ARTICLES, SERIES
from nenpo.samples.generate import ERA_LONG, edition_filename, normalised_name
from nenpo.samples.layouts import cover
from nenpo.samples.layouts.base import LayoutSpec
from nenpo.samples.layouts.fonts import MINCHO, find_mincho
from nenpo.samples.layouts.part_back import BackMatter
from nenpo.samples.layouts.part_front import FrontMatter
from nenpo.samples.layouts.part_sheets import Sheets
from nenpo.samples.layouts.stream import Stream, resolve
from nenpo.samples.layouts.text_order import Layout, Style, lay_out, write_layout


def _text_order_style() -> Style:
    return Style()


def _mincho_style() -> Style:
    return Style(
        font=MINCHO,
        font_file=find_mincho(),
        size=9.5,
        leading=1.5,
        margin_x=56.0,
        margin_top=60.0,
        margin_bottom=60.0,
        ruled=False,
        heading_size=9.5,
        page_numbers=True,
    )


LAYOUTS = {
    "text-order": LayoutSpec(
        "text-order",
        "editions-text-order",
        _text_order_style,
        reading_order=False,
        cover_image=False,
        sheet_on_new_page=False,
        tables_as_grids=False,
    ),
    "mincho": LayoutSpec(
        "mincho",
        "editions-mincho",
        _mincho_style,
        reading_order=True,
        cover_image=True,
        sheet_on_new_page=True,
        tables_as_grids=True,
    ),
}


class Builder(FrontMatter, Sheets, BackMatter):
    """One edition in one layout, part by part in the report's order."""

    def build(self) -> Stream:
        self.introduction()
        self.census()
        self.figures()
        self.rosters()
        self.policy_list()
        self.other_list()
        self.article_opinions()
        self.sheets()
        self.budget()
        self.other_measures()
        self.ordinance()
        return self.s


def _page_of(layout: Layout, ids: list[int], offset: int) -> list[int]:
    wanted = set(ids)
    return sorted({p.page + offset for p in layout.placed if p.line in wanted})


def build_layout_edition(year: int, spec: LayoutSpec) -> tuple[Layout, dict]:
    """Lay the edition out twice: the policy list prints the pages the first pass found."""
    style = spec.style()
    offset = 1 if spec.cover_image else 0
    sheet_pages: dict[str, tuple[int, int]] | None = None
    other_pages: dict[str, int] | None = None
    for _ in range(3):
        builder = Builder(year, spec, sheet_pages, other_pages)
        stream = builder.build()
        layout = lay_out(stream.items, style)
        found_sheets = {}
        for key, (first, last) in builder.sheet_ids.items():
            pages = _page_of(layout, list(range(first, last + 1)), offset)
            found_sheets[key] = (pages[0], pages[-1])
        found_other = {name: _page_of(layout, ids, offset)[0] for name, ids in builder.other_ids.items()}
        if (found_sheets, found_other) == (sheet_pages, other_pages):
            break
        sheet_pages, other_pages = found_sheets, found_other
    else:
        raise RuntimeError(f"page numbers of FY{year} ({spec.name}) do not settle")
    truth: dict = {
        "series": SERIES,
        "report_fiscal_year": year,
        "years_printed": [year - 1, year],
        "layout": spec.name,
        "title": None,
        "cover": "image" if spec.cover_image else None,
        "measures": [],
        "kpi_values": [],
        "pdca_items": [],
        "policy_list": [],
        "article_opinions": [],
        "stat_values": [],
        "committee_members": [],
        "budget_items": [],
        "budget_results": [],
        "other_measures": [],
        "tables": [],
    }
    for measure in content.measures_in(year):
        start, end = sheet_pages[measure.key]
        truth["measures"].append(
            {
                "name": normalised_name(measure.name_in(year)),
                "name_raw": measure.name_in(year),
                "parent": measure.parent,
                "position": measure.position,
                "article": measure.article,
                "article_title": ARTICLES[measure.article],
                "page_start": start,
                "page_end": end,
            }
        )
    resolve(stream, layout, truth, page_offset=offset)
    truth["budget_results"] = builder.extra["budget_results"]
    truth["policy_list_page"] = _page_of(layout, [builder.list_heading_id], offset)[0]
    truth["page_count"] = len(layout.pages) + offset
    truth["differences"] = [d for d in content.PLANTED_DIFFERENCES if d["later_edition"] in (year, year + 1)]
    return layout, truth


def edition_title(year: int) -> str:
    return f"{ERA_LONG[year]}年度 中小企業活性化施策実施状況報告書"


def write_layout_edition(year: int, spec: LayoutSpec, out_dir: Path) -> tuple[Path, Path]:
    layout, truth = build_layout_edition(year, spec)
    stem = f"{edition_filename(year)}.{spec.name}"
    pdf, truth_path = out_dir / f"{stem}.pdf", out_dir / f"{stem}.truth.json"
    if spec.cover_image:
        truth["title"] = edition_title(year)
        write_layout(layout, pdf, title=edition_title(year), cover_image=cover.cover_image(year, edition_title(year)))
    else:
        write_layout(layout, pdf)
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return pdf, truth_path


def write_all(root: Path, years=content.EDITIONS, layouts=tuple(LAYOUTS)) -> list[Path]:
    """Every edition in every alternative layout, one folder per layout with its MANIFEST.json."""
    written = []
    for name in layouts:
        spec = LAYOUTS[name]
        folder = root / spec.folder
        folder.mkdir(parents=True, exist_ok=True)
        files = {}
        for year in years:
            pdf, truth = write_layout_edition(year, spec, folder)
            files[pdf.name] = hashlib.sha256(pdf.read_bytes()).hexdigest()
            written += [pdf, truth]
            print(f"wrote {pdf} and {truth.name}")
        # byte-identical output is only promised for the reportlab (and, for the drawn cover, Pillow) that wrote it
        manifest = {"reportlab": reportlab.Version, "pillow": PIL.__version__, "files": files}
        (folder / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return written


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    write_all(Path(args[0] if args else "samples"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
