"""Spreadsheet cells that cannot run: every CSV and .xlsx the system writes goes through here.

A text that starts with =, +, -, @ (or a tab or carriage return) is a formula to a
spreadsheet program: a debtor's name or a note typed as "=HYPERLINK(...)" or "@SUM(...)"
would run on the clerk's machine when the export is opened (CSV/formula injection, OWASP).
`is_formula` is the rule, in one place:

- CSV (`csv_text`): such a text is written with a leading single quote ('=1+2), as OWASP
  advises, so the program shows it as text;
- .xlsx (`append_row`): such a text is stored as a string cell, never as a formula.

Numbers stay numbers: a negative amount as an int (-1200) is a number, not text.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def is_formula(value: Any) -> bool:
    """Would a spreadsheet take this cell's text as a formula?"""
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_text(value: Any) -> str:
    """A cell for a CSV file: "" for None, numbers as written, a formula-like text quoted."""
    if value is None:
        return ""
    text = str(value)
    return "'" + text if is_formula(value) else text


def append_row(ws, values: Iterable[Any]) -> None:
    """Append a row to an openpyxl worksheet; a formula-like text is stored as a string cell."""
    values = list(values)
    ws.append(values)
    row = ws.max_row
    for col, value in enumerate(values, start=1):
        if is_formula(value):
            cell = ws.cell(row=row, column=col)
            cell.data_type = "s"  # openpyxl made it a formula ("f"); written as text instead
