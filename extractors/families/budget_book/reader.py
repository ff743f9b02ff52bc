"""Reads a budget book (予算書), whole or one part of it, page by page.

A page is recognised by its table header (`layout.find_header`, `vocabulary.yaml: parts`):
目 / 本年度 / 前年度 → the 事項別明細書, 款 / 本年度 / 前年度 → the 総括, 款 / 項 / 金額 → 第1表.
Pages without a table are searched for the 予算 article's totals (第1条 … 総額) and the
edition's year. Rows are read by position (`layout`): which column a cell sits in says what it
is; the line grammar (`lines`) says how to read it. A facing-page spread printed as two PDF
pages (目 table left, 節 and 説明 right) is read as one page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from nenpo.extractors.families.budget_book import lines as g
from nenpo.extractors.families.budget_book.layout import (
    Cell,
    Header,
    Row,
    column_of,
    find_header,
    page_cells,
    rows,
)
from nenpo.extractors.families.budget_book.records import Appropriation, AppropriationNote
from nenpo.extractors.models import ExtractionWarning, PageRecord
from nenpo.extractors.normalise import normalise_name, normalise_text
from nenpo.extractors.pages import PageText, PdfDocument, Ruling

Progress = Callable[[int, int], None]
"""Called with (pages done, pages in all) after every page."""

CONTINUATION_GAP = 2.6  # line heights: a wrapped name's next line is at most this far below


@dataclass
class _Account:
    """An account row being read; names may continue on the next printed line."""

    fields: dict
    name_key: str
    page: int
    bbox: tuple
    last_bottom: float
    height: float

    def continue_name(self, cell_text: str, top: float, page: int) -> bool:
        if page != self.page or top - self.last_bottom > CONTINUATION_GAP * self.height:
            return False
        self.fields[self.name_key] = (self.fields[self.name_key] or "") + cell_text
        self.last_bottom = top + self.height
        return True


@dataclass
class BookReading:
    appropriations: list[Appropriation] = field(default_factory=list)
    notes: list[AppropriationNote] = field(default_factory=list)
    warnings: list[ExtractionWarning] = field(default_factory=list)
    pages: list[PageRecord] = field(default_factory=list)
    fiscal_year: int | None = None
    city: str | None = None
    sources: set[str] = field(default_factory=set)

    def part(self) -> str | None:
        """'front' for the parts before the 明細書, '<side>-<款 no>' for a 明細書 section, None
        for a whole book."""
        detail = [a for a in self.appropriations if a.source == "明細書"]
        front = self.sources & {"articles", "第1表", "総括"}
        if detail and front:
            return None
        if detail:
            first = detail[0]
            return f"{first.side}-{first.kan_no:02d}" if first.kan_no is not None else first.side
        return "front" if front else None


def _join(cells: list[Cell]) -> str:
    """Cells of one column in reading order: printed lines top to bottom, each left to right."""
    ordered: list[list[Cell]] = []
    for c in sorted(cells, key=lambda c: c.mid_y):
        if ordered and abs(ordered[-1][0].mid_y - c.mid_y) <= 3:
            ordered[-1].append(c)
        else:
            ordered.append([c])
    return " ".join(" ".join(c.text for c in sorted(line, key=lambda c: c.x0)) for line in ordered)


def _box(cells: list[Cell]) -> tuple[float, float, float, float]:
    return (min(c.x0 for c in cells), min(c.top for c in cells), max(c.x1 for c in cells), max(c.bottom for c in cells))


class _Page:
    """A table page's rows with each cell placed in its column."""

    def __init__(self, number: int, header: Header, cells: list[Cell]):
        self.number = number
        self.header = header
        self.rows: list[dict[str, list[Cell]]] = []
        self.spans: list[Row] = []
        for row in rows(cells):
            if row.top < header.bottom - 1 and not any(g.HEADING_RE.match(c.text) for c in row.cells):
                continue  # the header band and what is printed above it (titles, running heads)
            placed: dict[str, list[Cell]] = {}
            for cell in row.cells:
                if g.PAGE_NUMBER_RE.match(cell.text):
                    continue
                col = column_of(cell, header.columns)
                if col is not None:
                    placed.setdefault(col.kind, []).append(cell)
            placed["*"] = row.cells
            self.rows.append(placed)
            self.spans.append(row)


def _amount_fields(placed: dict[str, list[Cell]], kinds=("current", "previous", "change")) -> dict:
    out: dict = {}
    for kind, key in zip(kinds, ("current", "previous", "change")):
        cells = [c for c in placed.get(kind, []) if c.is_amount]
        if cells:
            text = cells[0].text
            out[f"{key}_thousand_yen"] = g.amount(text)
            out[f"{key}_text"] = text
    return out


class BookReader:
    def __init__(self) -> None:
        self.vocab = g.vocabulary()
        self.out = BookReading()
        self.side: str | None = None
        self.side_by_source: dict[str, str] = {}
        self.kan: dict | None = None
        self.kou: dict | None = None
        self.kou_account: _Account | None = None
        self.moku: _Account | None = None
        self.setsu: _Account | None = None
        self.kan_account: _Account | None = None
        self.note_seq = 0
        self.pending: list[_Account] = []

    # -- document -------------------------------------------------------------------------
    def read(self, doc: PdfDocument, progress: Progress | None = None) -> BookReading:
        total = doc.page_count
        number = 1
        while number <= total:
            page = self._page(doc, number)
            cells = page_cells(page)
            header = self._header(doc, number, cells)
            used = 1
            if (
                header is not None
                and self.vocab.part(header.kinds) == "明細書"
                and "notes" not in header.kinds
                and number < total
            ):
                right = self._page(doc, number + 1)
                right_cells = page_cells(right, x_offset=page.width)
                right_header = find_header(right_cells, [], self.vocab)
                if right_header is not None and "moku" not in right_header.kinds and "notes" in right_header.kinds:
                    cells = cells + right_cells
                    rulings = doc.rulings(number) + _shifted(doc.rulings(number + 1), page.width)
                    header = find_header(cells, rulings, self.vocab)
                    used = 2
            self._read_page(number, page, cells, header)
            if progress is not None:
                progress(min(number + used - 1, total), total)
            number += used
        self._flush()
        return self.out

    def _header(self, doc: PdfDocument, number: int, cells: list[Cell]) -> Header | None:
        """The page's table header; the rulings (the costly part) are read only for a page whose
        cells name table columns."""
        if find_header(cells, [], self.vocab) is None:
            return None
        return find_header(cells, doc.rulings(number), self.vocab)

    def _page(self, doc: PdfDocument, number: int) -> PageText:
        page = doc.page(number, rulings=False)
        if any(r.page == number for r in self.out.pages[-2:]):
            return page  # the right page of a spread looked at once already
        self.out.pages.append(
            PageRecord(
                page=page.number,
                engine=page.engine,
                chars=dict(page.chars),
                quality=page.quality,
                flags=tuple(page.flags),
                conf=page.conf,
            )
        )
        return page

    def _read_page(self, number: int, page: PageText, cells: list[Cell], header: Header | None) -> None:
        text = "".join(c.text for c in cells)
        self._edition(number, text, cells)
        source = self.vocab.part(header.kinds) if header is not None else None
        if source is None:
            self._articles(number, text)
            return
        self.out.sources.add(source)
        if not header.ruled:
            self.out.warnings.append(
                ExtractionWarning(
                    code="budget_unruled_table",
                    page=number,
                    message=f"page {number}: {source} without vertical rulings; columns placed by their header cells",
                )
            )
        side = self._page_side(page, header)
        if side is not None:
            self.side = side
        elif source != self._last_source:
            self.side = self._side_by_structure(header, number)
        self._last_source = source
        tp = _Page(number, header, cells)
        {"明細書": self._detail, "総括": self._summary, "第1表": self._first_table}[source](tp)

    _last_source: str | None = None

    def _page_side(self, page: PageText, header: Header) -> str | None:
        """The side a heading of the page names, the topmost first; every line counts, the
        section label some books print in 1-point type (歳入予算書＿事項別明細書) too."""
        for line in sorted(page.lines, key=lambda line: line.bbox[1]):
            text = normalise_text(line.text)
            side = self.vocab.side(text)
            if side is not None and self.vocab.total(text) is None:
                return side
        return None

    def _side_by_structure(self, header: Header, number: int) -> str:
        if "funding" in header.kinds:
            return "expenditure"
        if self.side is not None:
            return self.side
        self.out.warnings.append(
            ExtractionWarning(
                code="budget_side_assumed",
                page=number,
                message=f"page {number}: no 歳入/歳出 heading and no 財源内訳 columns; read as 歳入",
            )
        )
        return "revenue"

    def _edition(self, number: int, text: str, cells: list[Cell]) -> None:
        if self.out.fiscal_year is not None:
            return
        m = g.EDITION_RE.search(g.compact(text))
        if m:
            self.out.fiscal_year = g.fiscal_year(m)
            self.out.city = m["city"] or None

    def _articles(self, number: int, text: str) -> None:
        m = g.ARTICLE_TOTAL_RE.search(g.compact(normalise_text(text)))
        if not m:
            return
        self.out.sources.add("articles")
        value = g.amount(m["amount"])
        for side in ("revenue", "expenditure"):
            self.out.appropriations.append(
                Appropriation(
                    side=side,
                    level="total",
                    current_thousand_yen=value,
                    current_text=m["amount"],
                    source="articles",
                    page=number,
                    read_by="text_order",
                )
            )

    # -- 事項別明細書 -------------------------------------------------------------------------
    def _detail(self, tp: _Page) -> None:
        # 目 and 節 stay open across the page break: a 説明 continues at the next page's top.
        notes_cols = [c for c in tp.header.columns if c.kind == "notes"]
        note_left = notes_cols[0].x0 if notes_cols else 0.0
        for placed, span in zip(tp.rows, tp.spans):
            label_cells = [c for c in placed.get("moku", []) if c]
            label = _join(label_cells) if label_cells else ""
            row_amounts = [c for c in placed["*"] if c.is_amount and g.HEADING_RE.match(c.text) is None]
            heading = g.HEADING_RE.match(label) if label else None
            if heading and any(c.text.endswith("千円") or c not in label_cells for c in row_amounts):
                amount_cell = next(c for c in row_amounts if c not in label_cells)
                self._heading(tp.number, heading, amount_cell, label_cells)
                continue
            if label and g.compact(label) in self.vocab.subtotal:
                self._subtotal(tp.number, placed, span)
            elif label:
                self._moku_row(tp.number, label, placed, label_cells)
            self._setsu_row(tp.number, placed)
            self._note_row(tp.number, placed, note_left)

    def _heading(self, page: int, m, amount_cell: Cell, label_cells: list[Cell]) -> None:
        no, name, level = int(m["no"]), m["name"], m["level"]
        value = g.amount(amount_cell.text)
        text = amount_cell.text.replace("千円", "").strip()
        box = _box(label_cells + [amount_cell])
        if level == "款":
            if self.kan is not None and self.kan["kan_no"] == no and self.kan["side"] == self.side:
                self._agree(page, "款", name, self.kan["_value"], value)
                return
            self._flush()
            self.kan = {"side": self.side, "kan_no": no, "kan": name, "_value": value}
            self.kou = None
            self.pending.append(
                _Account(
                    dict(
                        side=self.side,
                        level="kan",
                        kan_no=no,
                        kan=name,
                        current_thousand_yen=value,
                        current_text=text,
                        source="明細書",
                    ),
                    "kan",
                    page,
                    box,
                    box[3],
                    box[3] - box[1],
                )
            )
            return
        if self.kan is None:
            self.out.warnings.append(
                ExtractionWarning(
                    code="budget_orphan_heading",
                    page=page,
                    message=f"page {page}: {no}項 {name} before any 款 heading; skipped",
                )
            )
            return
        if self.kou is not None and self.kou["kou_no"] == no:
            self._agree(page, "項", name, self.kou["_value"], value)
            return
        self.moku = self.setsu = None
        self.kou = {"kou_no": no, "kou": name, "_value": value}
        self.kou_account = _Account(
            dict(
                side=self.side,
                level="kou",
                kan_no=self.kan["kan_no"],
                kan=self.kan["kan"],
                kou_no=no,
                kou=name,
                current_thousand_yen=value,
                current_text=text,
                source="明細書",
            ),
            "kou",
            page,
            box,
            box[3],
            box[3] - box[1],
        )
        self.pending.append(self.kou_account)

    def _agree(self, page: int, level: str, name: str, first: float | None, again: float | None) -> None:
        if first != again:
            self.out.warnings.append(
                ExtractionWarning(
                    code="budget_heading_disagrees",
                    page=page,
                    message=f"page {page}: {level} {name} is printed as {again} here and {first} before",
                )
            )

    def _subtotal(self, page: int, placed, span: Row) -> None:
        if self.kou_account is None:
            return
        values = _amount_fields(placed)
        f = self.kou_account.fields
        if "current_thousand_yen" in values and values["current_thousand_yen"] != f["current_thousand_yen"]:
            self.out.warnings.append(
                ExtractionWarning(
                    code="budget_subtotal_disagrees",
                    page=page,
                    message=f"page {page}: 計 of {f['kou']} is {values['current_text']}, its heading {f['current_text']}",
                )
            )
        f.update(values)
        self.kou_account.page, self.kou_account.bbox = page, span.bbox
        self.moku = self.setsu = None

    def _moku_row(self, page: int, label: str, placed, label_cells: list[Cell]) -> None:
        m = g.NUMBERED_RE.match(label)
        values = _amount_fields(placed)
        top = min(c.top for c in label_cells)
        if m and "current_thousand_yen" in values and self.kou is not None:
            cells = label_cells + [c for k in ("current", "previous", "change") for c in placed.get(k, [])]
            box = _box(cells)
            self.setsu = None
            self.moku = _Account(
                dict(
                    side=self.side,
                    level="moku",
                    kan_no=self.kan["kan_no"],
                    kan=self.kan["kan"],
                    kou_no=self.kou["kou_no"],
                    kou=self.kou["kou"],
                    moku_no=int(m["no"]),
                    moku=m["name"],
                    source="明細書",
                    **values,
                ),
                "moku",
                page,
                box,
                box[3],
                box[3] - box[1],
            )
            self.pending.append(self.moku)
        elif not values and self.moku is not None and not m:
            self.moku.continue_name(label, top, page)

    def _setsu_row(self, page: int, placed) -> None:
        words = [c for c in placed.get("setsu", []) if not (c.is_amount and not g.NUMBERED_RE.match(c.text))]
        if not words:
            return
        text = _join(words)
        m = g.NUMBERED_RE.match(text)
        amounts = [c for c in placed.get("amount", []) if c.is_amount]
        top = min(c.top for c in words)
        if m and amounts and self.moku is not None:
            box = _box(words + amounts)
            mf = self.moku.fields
            self.setsu = _Account(
                dict(
                    side=self.side,
                    level="setsu",
                    kan_no=mf["kan_no"],
                    kan=mf["kan"],
                    kou_no=mf["kou_no"],
                    kou=mf["kou"],
                    moku_no=mf["moku_no"],
                    moku=mf["moku"],
                    setsu_no=int(m["no"]),
                    setsu=m["name"],
                    current_thousand_yen=g.amount(amounts[0].text),
                    current_text=amounts[0].text,
                    source="明細書",
                ),
                "setsu",
                page,
                box,
                box[3],
                box[3] - box[1],
            )
            self.note_seq = 0
            self.pending.append(self.setsu)
        elif not amounts and self.setsu is not None and not m:
            self.setsu.continue_name(text, top, page)

    def _note_row(self, page: int, placed, note_left: float) -> None:
        cells = placed.get("notes", [])
        words = [c for c in cells if not c.is_amount]
        if not words:
            return
        amounts = [c for c in cells if c.is_amount]
        owner = self.setsu or self.moku
        if owner is None:
            self.out.warnings.append(
                ExtractionWarning(
                    code="budget_orphan_note",
                    page=page,
                    message=f"page {page}: 説明 line {_join(words)!r} before any 目 or 節",
                )
            )
            return
        text = _join(words)
        formula = self.vocab.formula(text)
        height = max(1.0, words[0].bottom - words[0].top)
        indent = max(0, round((min(c.x0 for c in words) - note_left) / height) - 1)
        raw_indent = len(words[0].raw) - len(words[0].raw.lstrip("\u3000 "))
        self.note_seq += 1
        f = owner.fields
        self.out.notes.append(
            AppropriationNote(
                side=f["side"],
                kan_no=f["kan_no"],
                kou_no=f["kou_no"],
                moku_no=f.get("moku_no"),
                setsu_no=f.get("setsu_no"),
                seq=self.note_seq,
                indent=max(indent, raw_indent),
                name="" if formula else normalise_name(text),
                text=text,
                thousand_yen=g.amount(amounts[0].text) if amounts else None,
                amount_text=amounts[0].text if amounts else None,
                formula=formula[1] if formula else None,
                formula_label=formula[0] if formula else None,
                page=page,
                bbox=_box(words + amounts),
            )
        )

    # -- 総括 and 第1表 -------------------------------------------------------------------------
    def _summary(self, tp: _Page) -> None:
        for placed, _span in zip(tp.rows, tp.spans):
            words = [c for c in placed.get("kan", [])]
            if not words:
                continue
            label = _join(words)
            values = _amount_fields(placed)
            if "current_thousand_yen" not in values:
                continue
            total = self.vocab.total(label)
            m = g.NUMBERED_RE.match(label)
            box = _box(words + [c for k in ("current", "previous", "change") for c in placed.get(k, [])])
            if total is not None:
                self.out.appropriations.append(
                    Appropriation(side=total, level="total", source="総括", page=tp.number, bbox=box, **values)
                )
            elif m:
                self.out.appropriations.append(
                    Appropriation(
                        side=self.side,
                        level="kan",
                        kan_no=int(m["no"]),
                        kan=normalise_name(m["name"]),
                        source="総括",
                        page=tp.number,
                        bbox=box,
                        **values,
                    )
                )

    def _first_table(self, tp: _Page) -> None:
        if self._last_table_page != tp.number - 1:
            self.kan_account = self.kou_account = None
        self._last_table_page = tp.number
        for placed, span in zip(tp.rows, tp.spans):
            amounts = [c for c in placed.get("amount", []) if c.is_amount]
            values = (
                {"current_thousand_yen": g.amount(amounts[0].text), "current_text": amounts[0].text} if amounts else {}
            )
            kan_words = placed.get("kan", [])
            kou_words = placed.get("kou", [])
            if kan_words:
                label = _join(kan_words)
                total = self.vocab.total(label)
                m = g.NUMBERED_RE.match(label)
                box = _box(kan_words + amounts)
                if total is not None and values:
                    self.out.appropriations.append(
                        Appropriation(side=total, level="total", source="第1表", page=tp.number, bbox=box, **values)
                    )
                elif m and values:
                    self._flush()
                    self.kan_account = _Account(
                        dict(side=self.side, level="kan", kan_no=int(m["no"]), kan=m["name"], source="第1表", **values),
                        "kan",
                        tp.number,
                        box,
                        box[3],
                        box[3] - box[1],
                    )
                    self.kou_account = None
                    self.pending.append(self.kan_account)
                elif not values and self.kan_account is not None and not m:
                    self.kan_account.continue_name(label, span.top, tp.number)
            if kou_words:
                label = _join(kou_words)
                total = self.vocab.total(label)
                m = g.NUMBERED_RE.match(label)
                box = _box(kou_words + amounts)
                if total is not None and values:
                    self.out.appropriations.append(
                        Appropriation(side=total, level="total", source="第1表", page=tp.number, bbox=box, **values)
                    )
                elif m and values and self.kan_account is not None:
                    kf = self.kan_account.fields
                    self.kou_account = _Account(
                        dict(
                            side=self.side,
                            level="kou",
                            kan_no=kf["kan_no"],
                            kan=kf["kan"],
                            kou_no=int(m["no"]),
                            kou=m["name"],
                            source="第1表",
                            **values,
                        ),
                        "kou",
                        tp.number,
                        box,
                        box[3],
                        box[3] - box[1],
                    )
                    self.pending.append(self.kou_account)
                elif not values and self.kou_account is not None and not m:
                    self.kou_account.continue_name(label, span.top, tp.number)

    _last_table_page: int = -1

    # -- output ----------------------------------------------------------------------------
    def _flush(self) -> None:
        for acc in self.pending:
            fields = {k: v for k, v in acc.fields.items() if not k.startswith("_")}
            self.out.appropriations.append(Appropriation(page=acc.page, bbox=acc.bbox, **_named(fields)))
        self.pending = []


NAME_FIELDS = ("kan", "kou", "moku", "setsu")


def _named(fields: dict) -> dict:
    """Account names as join keys: spaces printed to justify a name (土　　地) removed."""
    return {k: (normalise_name(v) if k in NAME_FIELDS and v else v) for k, v in fields.items()}


def _shifted(rulings: list[Ruling], dx: float) -> list[Ruling]:
    return [Ruling(r.x0 + dx, r.top, r.x1 + dx, r.bottom) for r in rulings]


def read_book(doc: PdfDocument, progress: Progress | None = None) -> BookReading:
    return BookReader().read(doc, progress)
