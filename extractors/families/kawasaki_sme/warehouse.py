"""The Kawasaki report's own warehouse tables and views: the tables only its editions print.

Each table names the `KawasakiExtraction` field whose records it loads (`Table.records`);
the loader fills the columns from the records' attributes of the same names.
"""

from __future__ import annotations

from typing import get_args

from nenpo.extractors.families.kawasaki_sme.budget_shares import counted_budgets
from nenpo.extractors.families.kawasaki_sme.models import OpinionKind
from nenpo.warehouse.columns import Rows
from nenpo.warehouse.schema import (
    DOUBLE,
    EXTRACTOR,
    INTEGER,
    INTEGER_LIST,
    READ_BY,
    REPORT_FY,
    REPORT_ID,
    SERIES,
    SHA256,
    TEXT_SOURCE,
    VARCHAR,
    Column,
    Table,
    bbox,
    one_of,
)
from nenpo.warehouse.views import View

OPINION_KINDS: tuple[str, ...] = get_args(OpinionKind)


def counted_budget(rows: Rows) -> list:
    """Each row's budget, an amount shared by several rows counted once (`budget_shares.counted_budgets`)."""
    bs = rows.records
    return counted_budgets([b.no for b in bs], [b.shared_with for b in bs], [b.budget_thousand_yen for b in bs])


TABLES: tuple[Table, ...] = (
    Table(
        "article_opinions",
        "One row per article and kind of opinion in the table at the start of section 4 "
        "(条文 / 施策 / 施策全体への意見 / コロナ対応への意見): the council's opinion on the "
        "article's measures as a whole, and on their response to COVID-19.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the row within the edition, from 1.", "NOT NULL"),
            Column("article", INTEGER, "第N条 of the ordinance.", "NOT NULL"),
            Column("policy", VARCHAR, "The article's policy (条例に基づく中小企業活性化施策), normalised.", "NOT NULL"),
            Column("policy_raw", VARCHAR, "The policy exactly as printed (wrapped lines joined).", "NOT NULL"),
            Column(
                "kind",
                VARCHAR,
                "'overall' (施策全体への意見) or 'covid' (コロナ対応への意見).",
                f"NOT NULL CHECK (kind IN ({one_of(OPINION_KINDS)}))",
            ),
            Column("kind_raw", VARCHAR, "The kind label exactly as printed (wrapped lines joined).", "NOT NULL"),
            Column("text", VARCHAR, "The opinion, normalised; paragraphs separated by line breaks.", "NOT NULL"),
            Column(
                "text_raw", VARCHAR, "The opinion exactly as printed; paragraphs separated by line breaks.", "NOT NULL"
            ),
            READ_BY,
            Column("page", INTEGER, "Page the row is printed on (1-based).", "NOT NULL"),
            *bbox("opinion text"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="article_opinions",
    ),
    Table(
        "stat_values",
        "One row per statistic printed in section 2 (市内産業の現状): each cell of the census "
        "tables (業種大分類 × survey year: 事業所数, 従業者数, 構成比, with the 全産業 total row) and "
        "figures printed in prose (業況DI, 倒産件数, 有効求人倍率).",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the value within the edition, from 1.", "NOT NULL"),
            Column(
                "table",
                VARCHAR,
                "Which statistic: the census table's measure (事業所数, 従業者数) or the "
                "section the prose figure is printed in (市内中小企業の景況感 …).",
                "NOT NULL",
            ),
            Column("title", VARCHAR, "Caption printed over the table (図表 …), normalised; NULL for prose figures."),
            Column(
                "category",
                VARCHAR,
                "Row of the table (業種大分類 such as 建設業, or 全産業 for the total), "
                "or what a prose figure is about (川崎全市, 神奈川県 …).",
                "NOT NULL",
            ),
            Column(
                "survey_year",
                INTEGER,
                "Year of the survey the value is from (H26(2014) → 2014; a fiscal year for 倒産件数 and 有効求人倍率).",
            ),
            Column(
                "measure",
                VARCHAR,
                "What the value measures: 事業所数, 従業者数, 構成比, 業況DI, 倒産件数, 有効求人倍率 ….",
                "NOT NULL",
            ),
            Column("value", DOUBLE, "The number (△21.2 → -21.2; 21.6% → 21.6); NULL when the cell is not a number."),
            Column("value_text", VARCHAR, "The value as printed (normalised).", "NOT NULL"),
            Column("unit", VARCHAR, "Unit: 事業所, 人, %, 件, 倍, DI."),
            Column(
                "period", VARCHAR, "Survey period when finer than a year (2021年4-6月期; 前期 for the quarter before)."
            ),
            Column(
                "source",
                VARCHAR,
                "'table' (a table cell) or 'text' (a figure in prose).",
                "NOT NULL CHECK (source IN ('table', 'text'))",
            ),
            READ_BY,
            Column("page", INTEGER, "Page the value is printed on (1-based).", "NOT NULL"),
            *bbox("cell (or the line of a prose figure)"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="stat_values",
    ),
    Table(
        "committee_members",
        "One row per member listed in a committee roster (委員名簿) of section 3, so that "
        "membership changes show across editions.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the row within the edition, from 1.", "NOT NULL"),
            Column(
                "committee", VARCHAR, "Committee named in the roster's caption (川崎市産業振興協議会 …).", "NOT NULL"
            ),
            Column("as_of", VARCHAR, "Date the roster is as of, from the caption (令和3年8月), normalised."),
            Column("seq", INTEGER, "Number printed before the member.", "NOT NULL"),
            Column("role", VARCHAR, "役職名, normalised.", "NOT NULL"),
            Column("role_raw", VARCHAR, "役職名 exactly as printed.", "NOT NULL"),
            Column("name", VARCHAR, "氏名, normalised (one space between family and given name).", "NOT NULL"),
            Column("name_raw", VARCHAR, "氏名 exactly as printed.", "NOT NULL"),
            Column("grp", VARCHAR, "Group the member is listed under: 学識者 or 関係団体役職員."),
            READ_BY,
            Column("page", INTEGER, "Page the roster is printed on (1-based).", "NOT NULL"),
            *bbox("roster row"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="committee_members",
    ),
    Table(
        "policy_list",
        "One row per measure in the policy list 中小企業活性化施策一覧 (条文 / 中小企業活性化施策 / "
        "事務事業名 / 頁), both parts: 検証対象事業 (the measures with a PDCA sheet) and その他の事業.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("seq", INTEGER, "Order of the entry in the list, from 1 (both parts).", "NOT NULL"),
            Column(
                "part",
                VARCHAR,
                "'検証対象事業' or 'その他の事業'.",
                "NOT NULL CHECK (part IN ('検証対象事業', 'その他の事業'))",
            ),
            Column("article", INTEGER, "第N条 of the ordinance (the 条文 column)."),
            Column("article_title", VARCHAR, "The 中小企業活性化施策 column: the article's policy, normalised."),
            Column("parent", VARCHAR, "Parent measure printed before the measure (商業振興関連事業), normalised."),
            Column(
                "name", VARCHAR, "Measure name, normalised (joins measures.name and other_measures.name).", "NOT NULL"
            ),
            Column("name_raw", VARCHAR, "The 事務事業名 cell exactly as printed.", "NOT NULL"),
            Column("page_start", INTEGER, "First page the list gives for the measure (頁, as printed)."),
            Column("page_end", INTEGER, "Last page the list gives for the measure."),
            READ_BY,
            Column("page", INTEGER, "Page the list entry is printed on (1-based).", "NOT NULL"),
            *bbox("事務事業名 cell"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, seq)",),
        records="policy_list",
    ),
    Table(
        "budget_items",
        "One row per measure (№) of the emergency-measure budget table (新型コロナウイルス感染症に"
        "関する本市の緊急経済対策: № / 事業名 / 概要 / 予算規模（千円） / 実績等), one per phase when a "
        "measure has two (第1弾/第2弾, 1回目/2回目). A budget shared with other rows "
        "(（№13の一部の予算を含む）) is kept as a note and counted once: sum counted_budget_thousand_yen, "
        "not budget_thousand_yen, for totals (view budget_totals).",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the row within the edition, from 1.", "NOT NULL"),
            Column("no", INTEGER, "The № printed for the measure.", "NOT NULL"),
            Column("phase", VARCHAR, "Phase of the measure (第1弾, 2回目 …), normalised; NULL when it has one."),
            Column("name", VARCHAR, "事業名, normalised (lines joined, spaces removed).", "NOT NULL"),
            Column("name_raw", VARCHAR, "事業名 as printed, lines joined.", "NOT NULL"),
            Column("summary", VARCHAR, "概要, normalised; wrapped lines joined, one paragraph per line.", "NOT NULL"),
            Column(
                "budget_thousand_yen",
                DOUBLE,
                "予算規模 in thousand yen as printed for the row; NULL when none is printed.",
            ),
            Column("budget_text", VARCHAR, "The budget amount as printed.", "NOT NULL"),
            Column("budget_note", VARCHAR, "Note printed under the budget, e.g. (No13の一部の予算を含む), normalised."),
            Column("shared_with", INTEGER_LIST, "The №s the budget note says the amount is shared with.", "NOT NULL"),
            Column(
                "counted_budget_thousand_yen",
                DOUBLE,
                "The amount this row adds to a total: its budget, except that an amount shared by several "
                "rows is counted once (on the first of them) and 0 on the others; NULL when no budget is printed.",
            ),
            Column(
                "results_text", VARCHAR, "実績等, normalised; wrapped lines joined, one paragraph per line.", "NOT NULL"
            ),
            READ_BY,
            Column("page", INTEGER, "Page the row is printed on (1-based).", "NOT NULL"),
            *bbox("table row"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="budget_items",
        derived=(("counted_budget_thousand_yen", counted_budget),),
    ),
    Table(
        "budget_results",
        "One row per number printed inside a budget row's 実績等 (交付件数 66 件, 交付額 11,073 千円, "
        "相談件数 19,302 件 …).",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the number within the edition, from 1.", "NOT NULL"),
            Column("no", INTEGER, "№ of the budget row (budget_items.no).", "NOT NULL"),
            Column("phase", VARCHAR, "Phase of the budget row (budget_items.phase)."),
            Column(
                "metric",
                VARCHAR,
                "What the number counts: the label printed before it (交付件数, 交付額 …).",
                "NOT NULL",
            ),
            Column("value", DOUBLE, "The number.", "NOT NULL"),
            Column("unit", VARCHAR, "Unit printed after the number (件, 千円, 冊 …).", "NOT NULL"),
            Column("value_text", VARCHAR, "Number and unit as printed (normalised).", "NOT NULL"),
            READ_BY,
            Column("page", INTEGER, "Page the number is printed on (1-based).", "NOT NULL"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="budget_results",
    ),
    Table(
        "other_measures",
        "One row per measure of the その他の事業 part: next fiscal year's plan (令和N+1年度の概要) and "
        "the edition year's results (令和N年度の実績), with the article the measure falls under.",
        (
            REPORT_ID,
            SERIES,
            REPORT_FY,
            Column("ordinal", INTEGER, "Order of the measure within the edition, from 1.", "NOT NULL"),
            Column(
                "article",
                INTEGER,
                "第N条 of the ordinance: the article heading above the measure, else the policy list.",
            ),
            Column("article_title", VARCHAR, "Title of that article, normalised."),
            Column("name", VARCHAR, "Measure name, normalised.", "NOT NULL"),
            Column("name_raw", VARCHAR, "Measure name as printed.", "NOT NULL"),
            Column("next_year_plan", VARCHAR, "令和N+1年度の概要, normalised; one paragraph per line.", "NOT NULL"),
            Column("results", VARCHAR, "令和N年度の実績, normalised; one paragraph per line.", "NOT NULL"),
            READ_BY,
            Column("page", INTEGER, "Page the measure is printed on (1-based).", "NOT NULL"),
            *bbox("measure's block"),
            TEXT_SOURCE,
            SHA256,
            EXTRACTOR,
        ),
        ("PRIMARY KEY (report_id, ordinal)",),
        records="other_measures",
    ),
)


OPINION_RESPONSES_SQL = """
CREATE OR REPLACE VIEW opinion_responses AS
WITH numbered AS (
    SELECT
        l.series, l.report_fiscal_year, l.report_id, l.measure_id, l.measure,
        p.pdca_item_id, p.ordinal, p.measure AS printed_on, p.phase, p.label, p.text, p.page, p.shared,
        unnest(p.seq) AS seq
    FROM pdca_items AS p
    JOIN pdca_item_measures AS l USING (pdca_item_id)
    WHERE p.phase IN ('check', 'covid_check', 'action')
),
sides AS (
    SELECT
        series, report_fiscal_year, report_id, measure, seq,
        phase = 'action' AS is_response,
        any_value(measure_id) AS measure_id,
        string_agg(text, chr(10) ORDER BY ordinal) AS text,
        arg_min(phase, ordinal) AS phase,
        arg_min(label, ordinal) AS label,
        arg_min(page, ordinal) AS page,
        arg_min(pdca_item_id, ordinal) AS pdca_item_id,
        arg_min(printed_on, ordinal) AS printed_on,
        bool_or(shared) AS shared
    FROM numbered
    GROUP BY series, report_fiscal_year, report_id, measure, seq, phase = 'action'
),
opinions AS (SELECT * FROM sides WHERE NOT is_response),
responses AS (SELECT * FROM sides WHERE is_response)
SELECT
    coalesce(o.series, r.series) AS series,
    coalesce(o.report_fiscal_year, r.report_fiscal_year) AS report_fiscal_year,
    coalesce(o.report_id, r.report_id) AS report_id,
    coalesce(o.measure_id, r.measure_id) AS measure_id,
    coalesce(o.measure, r.measure) AS measure,
    coalesce(o.seq, r.seq) AS seq,
    o.text AS opinion,
    r.text AS response,
    o.phase AS opinion_phase,
    o.label AS opinion_label,
    r.label AS response_label,
    o.page AS opinion_page,
    r.page AS response_page,
    o.pdca_item_id AS opinion_item_id,
    r.pdca_item_id AS response_item_id,
    coalesce(o.printed_on, r.printed_on) AS printed_on,
    coalesce(o.shared, r.shared) AS shared
FROM opinions AS o
FULL OUTER JOIN responses AS r
    ON o.report_id = r.report_id AND o.measure = r.measure AND o.seq = r.seq
"""

OPINION_RESPONSES = View(
    name="opinion_responses",
    description=(
        "One row per (edition, measure, opinion number): the verification opinion (主な検証意見 "
        "Check, or the COVID opinion that continues its numbering) paired with the Action response "
        "of the same number. A response labelled for several opinions (①・②, ④~⑥) appears on each "
        "of their rows; a shared Check/Action block gives its pairs to every sub-measure it covers. "
        "response is NULL where an opinion was not answered, opinion is NULL for a response to no "
        "printed opinion. Items without a number are not paired."
    ),
    sql=OPINION_RESPONSES_SQL,
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("report_fiscal_year", "INTEGER", "Fiscal year of the edition."),
        ("report_id", "VARCHAR", "report_id of the edition."),
        ("measure_id", "VARCHAR", "measures.measure_id of the measure."),
        ("measure", "VARCHAR", "Measure the opinion is about, normalised."),
        ("seq", "INTEGER", "Opinion number (① → 1)."),
        ("opinion", "VARCHAR", "Opinion text, normalised; NULL when no opinion has this number."),
        ("response", "VARCHAR", "Response text, normalised; NULL when no response names this number."),
        ("opinion_phase", "VARCHAR", "'check' or 'covid_check'; NULL without an opinion."),
        ("opinion_label", "VARCHAR", "Label of the opinion as printed."),
        ("response_label", "VARCHAR", "Label of the response as printed (e.g. ①・② on the rows of both)."),
        ("opinion_page", "INTEGER", "Page the opinion is printed on."),
        ("response_page", "INTEGER", "Page the response is printed on."),
        ("opinion_item_id", "VARCHAR", "pdca_items row of the opinion (bbox, raw text, provenance)."),
        ("response_item_id", "VARCHAR", "pdca_items row of the response."),
        ("printed_on", "VARCHAR", "Measure whose sheet prints the block (differs from measure for a shared block)."),
        ("shared", "BOOLEAN", "True when the block is shared by several sub-measures."),
    ),
)

BUDGET_TOTALS = View(
    name="budget_totals",
    description=(
        "One row per edition with an emergency-measure budget table: its total budget with every "
        "shared amount counted once (the sum of budget_items.counted_budget_thousand_yen), beside "
        "the plain sum of the printed amounts, which counts shared budgets twice."
    ),
    sql="""
CREATE OR REPLACE VIEW budget_totals AS
SELECT
    series,
    report_fiscal_year,
    report_id,
    count(DISTINCT no) AS measures,
    count(*) AS rows,
    sum(counted_budget_thousand_yen) AS budget_thousand_yen,
    sum(budget_thousand_yen) AS printed_sum_thousand_yen,
    count(*) FILTER (WHERE len(shared_with) > 0) AS shared_rows
FROM budget_items
GROUP BY series, report_fiscal_year, report_id
""",
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("report_fiscal_year", "INTEGER", "Edition (its fiscal year)."),
        ("report_id", "VARCHAR", "report_id of the edition."),
        ("measures", "BIGINT", "Distinct №s in the table."),
        ("rows", "BIGINT", "Rows of budget_items (one per phase)."),
        ("budget_thousand_yen", "DOUBLE", "Total budget in thousand yen, each shared amount counted once."),
        (
            "printed_sum_thousand_yen",
            "DOUBLE",
            "Plain sum of the printed amounts (shared budgets counted on every row that prints them).",
        ),
        ("shared_rows", "BIGINT", "Rows whose budget note shares the amount with other rows."),
    ),
)

COMMITTEE_MEMBERSHIP = View(
    name="committee_membership",
    description=(
        "One row per (series, committee, member name): the editions whose roster lists the member, "
        "so that members joining and leaving show across years; role and group from the latest of them."
    ),
    sql="""
CREATE OR REPLACE VIEW committee_membership AS
SELECT
    series,
    committee,
    name,
    list(DISTINCT report_fiscal_year ORDER BY report_fiscal_year) AS editions,
    min(report_fiscal_year) AS first_report_fiscal_year,
    max(report_fiscal_year) AS last_report_fiscal_year,
    arg_max(role, report_fiscal_year) AS role,
    arg_max(grp, report_fiscal_year) AS grp
FROM committee_members
GROUP BY series, committee, name
""",
    columns=(
        ("series", "VARCHAR", "Report series."),
        ("committee", "VARCHAR", "Committee (川崎市産業振興協議会 …)."),
        ("name", "VARCHAR", "Member name, normalised."),
        ("editions", "INTEGER[]", "Editions (report_fiscal_year) whose roster lists the member."),
        ("first_report_fiscal_year", "INTEGER", "First of those editions."),
        ("last_report_fiscal_year", "INTEGER", "Last of those editions."),
        ("role", "VARCHAR", "役職名 in the latest of those editions."),
        ("grp", "VARCHAR", "Group (学識者 / 関係団体役職員) in the latest of those editions."),
    ),
)


VIEWS: tuple[View, ...] = (OPINION_RESPONSES, BUDGET_TOTALS, COMMITTEE_MEMBERSHIP)
