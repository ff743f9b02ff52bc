"""Real pages: the scanned Osaka fee table read to cells, the vertical gazette in reading
order. Every expected value here was typed by hand from the rendered page image."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest
import regex

from nenpo.extractors.grids import char_splitter, find_grids
from nenpo.extractors.mupdf import pymupdf
from nenpo.extractors.normalise import normalise_text
from nenpo.extractors.pages import open_pdf
from tests.core.test_ocr import require_tesseract

# 平成28年度 特定教育・保育施設等利用者負担額表（保育認定）: the upper figure of each of the
# eight fee cells of a line (保育標準時間認定 3歳未満児 3歳児 4歳児 5歳児, then 保育短時間認定
# the same), typed from the page. The scan's thin rule between a 階層's two lines is not
# always found, so a grid row may hold both lines: a typed value counts when its cell
# holds it.
FEE_ROWS = {
    "第3 左記のうち上記以外の世帯": (8100, 7000, 7000, 3200, 8000, 6900, 6900, 3100),
    "第4 ひとり親世帯等": (5050, 4550, 4550, 2100, 5000, 4500, 4500, 2050),
    "第4 左記のうち上記以外の世帯": (10100, 9100, 9100, 4200, 10000, 9000, 9000, 4100),
    "第5 ひとり親世帯等": (5900, 5200, 5200, 2400, 5850, 5150, 5150, 2350),
    "第5 左記のうち上記以外の世帯": (11800, 10400, 10400, 4800, 11700, 10300, 10300, 4700),
    "第6 ひとり親世帯等": (7000, 6750, 6250, 2750, 6900, 6650, 6150, 2650),
    "第6 左記のうち上記以外の世帯": (14000, 13500, 12500, 5500, 13800, 13300, 12300, 5300),
    "第7 ひとり親世帯等": (7850, 7600, 7050, 3100, 7750, 7500, 6950, 3000),
    "第7 左記のうち上記以外の世帯": (15700, 15200, 14100, 6200, 15500, 15000, 13900, 6000),
}
_FIGURE = re.compile(r"\d[\d,.]*\d|\d")
"""A figure in a cell as recognised: ``5,050`` (or ``5.050``: the scan's commas and full
stops are a pixel apart), ``(4,050)``; only the digits are compared."""


class _Line:
    def __init__(self, line):
        self.text, self.raw, self.bbox, self.size = normalise_text(line.text), line.text, line.bbox, line.size


def _figures(text: str) -> set[int]:
    return {int(re.sub(r"\D", "", m)) for m in _FIGURE.findall(text)}


@pytest.fixture(scope="module")
def fee_grid(realpdfs_dir: Path):
    require_tesseract()
    with open_pdf(realpdfs_dir / "osaka_h29_ryoukinhyou_scanned.pdf") as doc:
        page = doc.page(1)
        grids = find_grids(
            doc.rulings(1), [_Line(l) for l in page.lines], split=char_splitter(lambda clip: doc.chars(1, clip))
        )
    return page, grids


@pytest.mark.realpdfs
def test_scanned_fee_table_is_recognised(fee_grid):
    page, grids = fee_grid
    assert page.engine == "ocr" and "ocr" in page.flags and "needs_ocr" not in page.flags
    assert page.conf is not None and all(line.conf is not None for line in page.lines)
    assert any("利用者負担額表" in line.text.replace(" ", "") for line in page.lines)  # the title


@pytest.mark.realpdfs
def test_scanned_fee_table_reads_to_cells(fee_grid):
    _, grids = fee_grid
    grid = max(grids, key=lambda g: len(g.cells))
    # 階層区分 | 子どもが属する世帯の状況 (three columns) | eight fee columns
    assert max(c.col + c.col_span for c in grid.cells) == 12
    assert max(c.row + c.row_span for c in grid.cells) >= 20  # 第1 … 第23, some rows merged
    rows: dict[int, list[set[int]]] = {}
    for cell in grid.cells:
        if cell.col >= 4:
            rows.setdefault(cell.row, [set() for _ in range(8)])[cell.col - 4] = _figures(cell.text)
    matched = 0
    for label, typed in FEE_ROWS.items():
        hits = max(sum(value in cell for value, cell in zip(typed, got)) for got in rows.values())
        assert hits >= 6, (label, typed)
        matched += hits
    assert matched >= 0.9 * 8 * len(FEE_ROWS)  # of the 72 figures typed from the page


# The gazette's first columns, right to left, and the first column of its lower tier,
# typed from the page image (官報 第4817号, 政令第百四十九号).
GAZETTE_OPENING = (
    "政令第百四十九号"
    "道路交通法施行令の一部を改正する政令"
    "内閣は、道路交通法の一部を改正する法律（平成十九年法律第九十号）の一部の施行に伴い、並び"
    "に道路交通法（昭和三十五年法律第百五号）第四条第一項及び第四項、第五条第一項、第三十九条第"
)
GAZETTE_LOWER_TIER = "一の五医療機関が、傷病者の緊急搬送をしようとする都道府県又は市町村の要請を受けて、当該"
GAZETTE_UPPER_TIER = "六十三条の四第一項」を「第六十三条の四第一項第一号」に改める。"


def _flat(text: str) -> str:
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", text))


@pytest.mark.realpdfs
def test_vertical_gazette_reads_in_order(realpdfs_dir: Path):
    with open_pdf(realpdfs_dir / "kampo_vertical_gazette.pdf") as doc:
        page = doc.page(1)
    assert page.engine == "pymupdf" and "vertical_text" in page.flags
    text = _flat("".join(line.text for line in page.lines))
    assert _flat(GAZETTE_OPENING) in text
    assert _flat(GAZETTE_LOWER_TIER) in text
    # tiers are read top to bottom: a column of the upper tier comes before the lower tier
    assert text.index(_flat(GAZETTE_UPPER_TIER)) < text.index(_flat(GAZETTE_LOWER_TIER))
    assert all(line.vertical for line in page.lines if len(line.text) > 20)


# The same gazette page as an image only (its text layer left behind), read by Tesseract's
# jpn_vert model. Typed by hand from the rendered page: the columns of the upper tier, right
# to left, as printed (full-width brackets, ideographic spaces left out), then the first
# columns of the lower tier.
GAZETTE_COLUMNS = (
    "政令第百四十九号",
    "道路交通法施行令の一部を改正する政令",
    "内閣は、道路交通法の一部を改正する法律（平成十九年法律第九十号）の一部の施行に伴い、並び",
    "に道路交通法（昭和三十五年法律第百五号）第四条第一項及び第四項、第五条第一項、第三十九条第",
    "一項、第五十一条第九項（同条第二十二項、同法第七十二条の二第三項及び第七十五条の八第二項に",
    "おいて準用する場合を含む。）、第五十一条の三第一項、第六十三条の四第一項第二号、第七十一条の",
    "三第二項ただし書、第七十一条の六第一項、第九十条第一項ただし書、第百条の二第一項本文及び第",
    "四号、第百二条の二並びに第百二十五条第一項及び第三項の規定に基づき、この政令を制定する。",
    "道路交通法施行令（昭和三十五年政令第二百七十号）の一部を次のように改正する。",
    "第一条の二第四項第三号中「一・五メートル」を「一メートル」に改め、同条第五項第三号中「第",
    "六十三条の四第一項」を「第六十三条の四第一項第一号」に改める。",
    "第三条の二第一項中「行なわせる」を「行わせる」に、「次の各号に」を「次に」に、「こえない」を",
    "「超えない」に改め、第十号を第十二号とし、第四号から第九号までを二号ずつ繰り下げ、第三号を",
    "第四号とし、同号の次に次の一号を加える。",
    "五法第二十五条の二第二項の道路標識等",
    "第三条の二第一項第二号の次に次の一号を加える。",
    "三法第十三条第二項の道路標識等",
    "第十三条第一項中第一号の五を第一号の六とし、第一号の四の次に次の一号を加える。",
    "一の五医療機関が、傷病者の緊急搬送をしようとする都道府県又は市町村の要請を受けて、当該",
    "傷病者が医療機関に緊急搬送をされるまでの間における応急の治療を行う医師を当該傷病者の所",
    "在する場所にまで運搬するために使用する自動車",
    "第十六条中第二号を削り、第三号を第二号とする。",
)
MISREAD_SHARE = 0.15  # of a column's characters Tesseract may get wrong (条 read as 冬, 令 as 今)


@pytest.fixture(scope="module")
def gazette_image_only(realpdfs_dir: Path, tmp_path_factory) -> Path:
    """The gazette page rendered at 300 dpi and put back as an image: no text layer."""
    target = tmp_path_factory.mktemp("gazette") / "kampo-image-only.pdf"
    with pymupdf.open(realpdfs_dir / "kampo_vertical_gazette.pdf") as src, pymupdf.open() as out:
        page = src[0]
        image = page.get_pixmap(dpi=300, colorspace=pymupdf.csGRAY).tobytes("png")
        out.new_page(width=page.rect.width, height=page.rect.height).insert_image(page.rect, stream=image)
        out.save(target)
    return target


def _found_at(column: str, text: str) -> int | None:
    """Where `column` stands in `text`, allowing ``MISREAD_SHARE`` of its characters to differ."""
    errors = max(1, int(MISREAD_SHARE * len(column)))
    match = regex.search(f"(?:{regex.escape(column)}){{e<={errors}}}", text, flags=regex.BESTMATCH)
    return match.start() if match else None


@pytest.mark.realpdfs
def test_vertical_gazette_without_text_layer_is_recognised_in_reading_order(gazette_image_only):
    require_tesseract()
    with open_pdf(gazette_image_only) as doc:
        page = doc.page(1)
        language = doc._ocr.results[1].language
    assert page.engine == "ocr" and "vertical_text" in page.flags and "needs_ocr" not in page.flags
    assert language == "jpn_vert"
    text = _flat("".join(line.text for line in page.lines))
    where = [_found_at(_flat(column), text) for column in GAZETTE_COLUMNS]
    assert None not in where, [c for c, w in zip(GAZETTE_COLUMNS, where) if w is None]
    # columns right to left, the upper tier before the lower one
    assert where == sorted(where), where
    assert all(line.vertical for line in page.lines if len(line.text) > 20)
