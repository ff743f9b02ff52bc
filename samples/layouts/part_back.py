"""The parts after the measure sheets: the emergency-measure budget table, その他の事業 and
the ordinance."""

from __future__ import annotations

from nenpo.samples import tables_content as tc
from nenpo.samples import tables_pages as tp
from nenpo.samples.content import ARTICLES
from nenpo.samples.generate import ERA_LONG, FULLWIDTH, ORDINANCE, ORDINANCE_TITLE
from nenpo.samples.layouts.base import BuilderBase
from nenpo.samples.layouts.stream import PAGE_BREAK, cell_ids, wrap_columns


class BackMatter(BuilderBase):
    """The budget table, その他の事業 and the ordinance."""

    def budget(self) -> None:
        s = self.s
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        s.line(" 新型コロナウイルス感染症に関する本市の緊急経済対策")
        header = list(tp.BUDGET_HEADER)
        widths = [24.0, 96.0, 190.0, 76.0, 110.0]

        def lines_for(col: int, paragraphs) -> list[str]:
            columns = self.columns_for(widths[col])
            return [piece for p in paragraphs for forced in p.split("\n") for piece in wrap_columns(forced, columns)]

        for section in tc.BUDGET_TABLES[self.year]:
            s.line(section.title)
            if self.spec.tables_as_grids:
                rows_per_item = [(item, tp._budget_rows(item, lines_for)) for item in section.items]
            else:
                rows_per_item = [(item, tp._budget_rows(item)) for item in section.items]
            row_ids_per_item: list[list[list[int]]] = []
            if self.spec.tables_as_grids:
                grid_rows = [[(c, [h]) for c, h in enumerate(header)]]
                spans = []
                for _item, rows in rows_per_item:
                    spans.append(len(rows))
                    for cells in rows:
                        grid_rows.append([(c.col, c.lines) for c in cells])
                built = self.grid("budget", widths, grid_rows)
                k = 1
                for n in spans:
                    row_ids_per_item.append([cell_ids(built[k + j]) for j in range(n)])
                    k += n
            else:
                s.line(" ".join(header))
                for item, rows in rows_per_item:
                    if item.no == section.page_break_before:
                        s.line(" " + " ".join(header))  # the original's header, repeated on its next page
                    item_ids = []
                    for cells in rows:
                        item_ids.append([s.line(line) for c in sorted(cells, key=lambda c: c.col) for line in c.lines])
                    row_ids_per_item.append(item_ids)
            for (item, _), ids in zip(rows_per_item, row_ids_per_item, strict=True):
                scratch = {"budget_items": [], "budget_results": []}
                tp._budget_truth(item, list(range(len(ids))), scratch)
                for record in scratch["budget_items"]:
                    row = record["page"]
                    self.s.record("budget_items", {**record, "page": None}, ids[row])
                self.extra["budget_results"] += scratch["budget_results"]
        for note in tc.BUDGET_FOOTNOTES[self.year]:
            s.line(note)
        s.blank()

    def other_measures(self) -> None:
        s = self.s
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        s.line(" その他の事業")
        next_year, this_year = ERA_LONG[self.year + 1], ERA_LONG[self.year]
        current = None
        for m in tc.OTHER_MEASURES:
            if m.article != current:
                s.line(f"{m.article}条".translate(FULLWIDTH) + f" {ARTICLES[m.article]}")
                current = m.article
            name_id = s.line(m.name)
            plan, results = tp._other_texts(m, self.year)
            heads = [f"{next_year}年度の概要", f"{this_year}年度の実績"]
            if self.spec.tables_as_grids:
                columns = self.columns_for(240.0)
                left = [piece for p in plan for forced in p.split("\n") for piece in wrap_columns(forced, columns)]
                right = [piece for p in results for forced in p.split("\n") for piece in wrap_columns(forced, columns)]
                built = self.grid(
                    "other_measure", [240.0, 240.0], [[(0, [heads[0]]), (1, [heads[1]])], [(0, left), (1, right)]]
                )
                ids = [name_id] + cell_ids(built[0]) + cell_ids(built[1])
            else:
                ids = [name_id, s.line(" ".join(heads))]
                ids += [i for p in plan for forced in p.split("\n") for i in s.para(forced, 40)]
                ids += [i for p in results for forced in p.split("\n") for i in s.para(forced, 40)]
            self.other_ids[m.name] = [name_id]
            s.record(
                "other_measures",
                {
                    "article": m.article,
                    "name_raw": m.name,
                    "next_year_plan_raw": "\n".join(tp.unwrapped(p) for p in plan),
                    "results_raw": "\n".join(tp.unwrapped(p) for p in results),
                    "page": None,
                },
                ids,
            )

    def ordinance(self) -> None:
        s = self.s
        if self.spec.sheet_on_new_page:
            s.directive(PAGE_BREAK)
        s.line(ORDINANCE_TITLE)
        for paragraph in ORDINANCE:
            self.paragraph(paragraph, 88)
