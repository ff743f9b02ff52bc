"""The parts before the measure sheets: introduction, census tables and figures, rosters,
the policy list and the article opinions."""

from __future__ import annotations

from nenpo.samples import content
from nenpo.samples import tables_content as tc
from nenpo.samples import tables_pages as tp
from nenpo.samples.content import ARTICLES
from nenpo.samples.generate import ERA_LONG, FULLWIDTH, KIND_LABELS, introduction_paragraphs
from nenpo.samples.layouts.base import BuilderBase
from nenpo.samples.layouts.stream import cell_ids, straddle


class FrontMatter(BuilderBase):
    """Sections 1 to 4 up to the first measure sheet."""

    def introduction(self) -> None:
        self.s.line("１ はじめに")
        self.s.blank()
        for paragraph in introduction_paragraphs(self.year):
            self.paragraph("  " + paragraph, 88)
            self.s.blank()

    def census(self) -> None:
        s = self.s
        s.line("２ 市内産業の現状")
        s.line("（１）産業構造")
        years = tc.CENSUS_YEARS[self.year]
        for k, table in enumerate(tc.CENSUS_TABLES):
            s.line(table.caption)
            if k == 1 and not self.spec.reading_order:
                s.directive(straddle(2))  # the header at a page's foot, the rows on the next page
            header = ["業種大分類", f"{table.measure} 構成比", " ".join(tp.era_abbrev(years[i % 2]) for i in range(4))]
            rows = list(enumerate(tc.CENSUS_CATEGORIES)) + [(None, tc.CENSUS_TOTAL)]
            printed_rows = []
            for index, category in rows:
                counts, shares = [], []
                for year in years:
                    count = table.total(year) if index is None else table.counts[year][index]
                    if index is None:
                        count = tc.CENSUS_MISPRINTS.get((self.year, table.measure, year), count)
                    counts.append(f"{count:,}")
                    shares.append(f"{table.share(year, index):.1f}%")
                printed_rows.append((category, counts, shares))
            cells = [[0, 0, 2, 1, "業種大分類"], [0, 1, 1, 2, table.measure], [0, 3, 1, 2, "構成比"]]
            cells += [[1, 1 + i, 1, 1, tp.era_abbrev(years[i % 2])] for i in range(4)]
            for r, (category, counts, shares) in enumerate(printed_rows, start=2):
                cells.append([r, 0, 1, 1, category])
                cells += [[r, 1 + i, 1, 1, counts[i]] for i in range(2)] + [
                    [r, 3 + i, 1, 1, shares[i]] for i in range(2)
                ]
            if self.spec.tables_as_grids:
                built = self.s.table(
                    "census",
                    [160.0] + [80.0] * 4,
                    [
                        [(0, ["業種大分類"]), (1, [table.measure], 2), (3, ["構成比"], 2)],
                        [(1 + i, [tp.era_abbrev(years[i % 2])]) for i in range(4)],
                    ]
                    + [
                        [(0, [c])] + [(1 + i, [v]) for i, v in enumerate(counts + shares)]
                        for c, counts, shares in printed_rows
                    ],
                )
                header_ids = cell_ids(built[0]) + cell_ids(built[1])
                row_ids = [cell_ids(row) for row in built[2:]]
            else:
                header_ids = [s.line(h) for h in header]
                row_ids = [[s.line(" ".join([c] + counts + shares))] for c, counts, shares in printed_rows]
            s.record(
                "tables",
                {"kind": "census", "page": None, "pages": [], "bbox": None, "cells": cells},
                header_ids + [i for ids in row_ids for i in ids],
            )
            for (_index, category), ids, (_, counts, shares) in zip(rows, row_ids, printed_rows):
                for i, year in enumerate(years):
                    for measure, value, unit, text in (
                        (table.measure, float(counts[i].replace(",", "")), table.unit, counts[i]),
                        ("構成比", float(shares[i].rstrip("%")), "%", shares[i]),
                    ):
                        s.record(
                            "stat_values",
                            {
                                "table": table.measure,
                                "title": table.caption,
                                "category": category,
                                "survey_year": year,
                                "measure": measure,
                                "value": value,
                                "unit": unit,
                                "value_text": text,
                                "period": None,
                                "page": None,
                            },
                            ids,
                        )
            s.line("出所：総務省「経済センサス」")
            s.blank()

    def figures(self) -> None:
        paragraph_ids = []
        for heading, text in tp.figures_paragraphs(self.year):
            self.s.line(heading)
            paragraph_ids.append(self.paragraph("  " + text, 88))
            self.s.blank()
        for k, record in tp.figures_stats(self.year):
            ids = paragraph_ids[k]
            on = [i for i in ids if record["value_text"] in self.s.items[i]] or ids
            self.s.record("stat_values", {**record, "page": None}, on[:1])

    def rosters(self) -> None:
        s = self.s
        s.line("３ 中小企業活性化施策の検証体制等")
        self.paragraph(
            "  条例第 22 条の規定において、市が実施する中小企業活性化施策の実効性を確保するため、"
            "施策の実施状況について、「川崎市産業振興協議会」の意見を聴いて検証することとしています。",
            88,
        )
        for committee in tc.COMMITTEES:
            s.line(f"図表 「{committee.name}」委員名簿（{committee.as_of[self.year]}現在）")
            members = committee.members_in(self.year)
            records = []
            if self.spec.tables_as_grids:
                rows = [[(0, ["役 職 名"], 3), (3, ["氏 名"])]]
                seq = 0
                for grp, _ in committee.groups:
                    in_group = [m for m in members if m[0] == grp]
                    for k, (_, role, name) in enumerate(in_group):
                        seq += 1
                        rows.append([(0, [grp] if k == 0 else []), (1, [str(seq)]), (2, [role]), (3, [name])])
                        records.append((seq, grp, role, name))
                built = self.grid("roster", [70.0, 24.0, 240.0, 110.0], rows)
                member_ids = [cell_ids(row) for row in built[1:]]
            else:
                s.line(" 役 職 名 氏 名")
                member_ids = []
                seq = 0
                for grp, _ in committee.groups:
                    in_group = [m for m in members if m[0] == grp]
                    if not in_group:
                        continue
                    if len(in_group) > 1:
                        for ch in grp:
                            s.line(ch)
                    for _, role, name in in_group:
                        seq += 1
                        prefix = f"{grp} " if len(in_group) == 1 else ""
                        member_ids.append([s.line(f"{prefix}{seq} {role} {name}")])
                        records.append((seq, grp, role, name))
            for (seq, grp, role, name), ids in zip(records, member_ids, strict=True):
                s.record(
                    "committee_members",
                    {
                        "committee": committee.name,
                        "seq": seq,
                        "role": role,
                        "name": name,
                        "grp": grp,
                        "as_of": committee.as_of[self.year],
                        "page": None,
                    },
                    ids,
                )
            s.blank()

    def policy_list(self) -> None:
        s = self.s
        self.list_heading_id = s.line(f"４ {ERA_LONG[self.year]}（{self.year}）年度中小企業活性化施策の実施状況")
        self.paragraph(
            f"  {ERA_LONG[self.year]}（{self.year}）年度の中小企業活性化施策の実施状況は、次のとおりです。", 88
        )
        s.line("図表 中小企業活性化施策一覧")
        s.line("検証対象事業")
        header = ("条文", "中小企業活性化施策", "事務事業名", "頁")
        pages = self.sheet_pages or {}
        entries = []
        for measure in content.measures_in(self.year):
            name = measure.name_in(self.year)
            if measure.key == "monozukuri" and self.year == 2020:
                name = "ものづくり中小企業経営革新等支援事業"
            start, end = pages.get(measure.key, (0, 0))
            label = name if not measure.parent else f"{measure.parent} {name}"
            entries.append((measure, name, label, start, end))
        row_ids = self._list_rows(
            header,
            [
                (f"{m.article}条".translate(FULLWIDTH), ARTICLES[m.article], m.parent, name, f"{start}-{end}")
                for m, name, _, start, end in entries
            ],
            "policy_list",
        )
        for seq, ((m, name, label, start, end), ids) in enumerate(zip(entries, row_ids, strict=True), start=1):
            s.record(
                "policy_list",
                {
                    "part": "検証対象事業",
                    "article": m.article,
                    "policy": ARTICLES[m.article],
                    "name_raw": label,
                    "parent": m.parent,
                    "name": name,
                    "page_start": start,
                    "page_end": end,
                    "page": None,
                    "seq": seq,
                },
                ids,
            )
        self.listed = len(entries)

    def _list_rows(self, header, rows, kind) -> list[list[int]]:
        """The list's rows: article and policy printed once per article, a parent once per group."""
        s = self.s
        if self.spec.tables_as_grids:
            grid_rows = [[(c, [h]) for c, h in enumerate(header)]]
            previous_article = None
            for article, policy, parent, name, pages in rows:
                first = article != previous_article
                previous_article = article
                label = name if not parent else f"{parent} {name}"
                grid_rows.append(
                    [(0, [article] if first else []), (1, [policy] if first else []), (2, [label]), (3, [pages])]
                )
            built = self.grid(kind, [40.0, 150.0, 240.0, 50.0], grid_rows)
            return [[src for _, src in row[2].lines] for row in built[1:]]
        s.line(" ".join(header))
        ids = []
        previous_article, previous_parent = None, None
        for article, policy, parent, name, pages in rows:
            if article != previous_article:
                s.line(f"{article} {policy}")
                previous_article, previous_parent = article, None
            if parent and parent != previous_parent:
                s.line(parent)
            previous_parent = parent
            ids.append([s.line(f"{name} {pages}")])
        return ids

    def other_list(self) -> None:
        s = self.s
        s.line(" その他の事業")
        pages = self.other_pages or {}
        rows = [
            (f"{m.article}条".translate(FULLWIDTH), ARTICLES[m.article], None, m.name, str(pages.get(m.name, 0)))
            for m in tc.OTHER_MEASURES
        ]
        row_ids = self._list_rows(("条文", "中小企業活性化施策", "事務事業名", "頁"), rows, "policy_list")
        for k, (m, ids) in enumerate(zip(tc.OTHER_MEASURES, row_ids, strict=True)):
            s.record(
                "policy_list",
                {
                    "part": "その他の事業",
                    "article": m.article,
                    "policy": ARTICLES[m.article],
                    "name_raw": m.name,
                    "parent": None,
                    "name": m.name,
                    "page_start": pages.get(m.name, 0),
                    "page_end": pages.get(m.name, 0),
                    "page": None,
                    "seq": self.listed + k + 1,
                },
                ids,
            )
        s.blank()

    def article_opinions(self) -> None:
        s = self.s
        self.paragraph(
            "  各条文で規定する中小企業活性化施策毎の実施状況に対する産業振興協議会からの意見等は、以下のとおりです。",
            88,
        )
        for k, opinion in enumerate(content.ARTICLE_OPINIONS):
            if k % 4 == 0:
                for h in (
                    "条文",
                    "条例に基づく",
                    "中小企業活性化施策",
                    "中小企業活性化施策の実施状況に対する主な検証意見",
                ):
                    s.line(h)
            s.line(f"{opinion.article} 条")
            s.para(ARTICLES[opinion.article], 22)
            for kind, paragraphs in (("overall", opinion.overall), ("covid", opinion.covid)):
                for word in KIND_LABELS[kind]:
                    s.line(word)
                ids = [i for p in paragraphs for i in s.para(p, 56)]
                s.record(
                    "article_opinions",
                    {
                        "article": opinion.article,
                        "policy_raw": ARTICLES[opinion.article],
                        "kind": kind,
                        "kind_raw": "".join(KIND_LABELS[kind]),
                        "text_raw": "\n".join(paragraphs),
                        "page": None,
                        "bbox": None,
                    },
                    ids,
                )
        s.line("また、事務事業ごとの施策の実施状況、検証意見等は、以下のとおりです。")
