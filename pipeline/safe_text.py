"""Text from PDFs, file names and catalogues, made safe for where it is shown: never read as
Markdown/HTML in the Prefect UI, never run as a formula by a spreadsheet opening a CSV.

    md_cell('<img src=x onerror=alert(1)> | ①')   → '&lt;img src=x onerror=alert(1)&gt; \\| ①'
    csv_cell('=HYPERLINK("http://x","162")')       → '\\'=HYPERLINK("http://x","162")'

The console needs nothing here: the CLI's consoles print with markup off.
"""

from __future__ import annotations

import html

import pandas as pd

__all__ = ["FORMULA_LEADS", "csv_cell", "csv_safe", "md_cell"]

FORMULA_LEADS = ("=", "+", "-", "@", "\t", "\r")
"""Characters that make a spreadsheet read a cell as a formula (OWASP's CSV injection list)."""


def md_cell(text: str) -> str:
    """A Markdown table cell showing `text` as text: HTML escaped, pipes escaped, one line."""
    return html.escape(text, quote=False).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def csv_cell(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe, as
    spreadsheet tools advise; anything else is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_LEADS):
        return "'" + value
    return value


def csv_safe(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with every text cell passed through `csv_cell` (numbers stay numbers)."""
    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    if not text_columns:
        return frame
    safe = frame.copy()
    for column in text_columns:
        safe[column] = safe[column].map(csv_cell)
    return safe
