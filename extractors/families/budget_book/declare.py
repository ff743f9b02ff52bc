"""The budget-book family as nenpo sees it: recognition, reading, tables, view and rules."""

from __future__ import annotations

from nenpo.extractors.families.budget_book.cli import compare_table, register
from nenpo.extractors.families.budget_book.family import EXTRACTOR_VERSION, FAMILY_ID, extract, recognise
from nenpo.extractors.families.budget_book.records import BudgetBookExtraction
from nenpo.extractors.families.budget_book.rules import RULES
from nenpo.extractors.families.budget_book.tables import TABLES, VIEWS
from nenpo.extractors.family import ReportFamily

FAMILY = ReportFamily(
    id=FAMILY_ID,
    title="一般会計予算書（附予算説明書）",
    extractor_version=EXTRACTOR_VERSION,
    recognise=recognise,
    extract=extract,
    extraction=BudgetBookExtraction,
    tables=TABLES,
    views=VIEWS,
    rules=RULES,
    cli=register,
    compare=compare_table,
    priority=5,
)
