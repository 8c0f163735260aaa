"""The CSV download beside each table of the report: the warehouse rows behind the table, with the
marts' column names, so an analyst gets exactly the figures the page shows.

UTF-8 with a byte order mark, so Excel reads the accents and symbols right. Values may come from
survey files, so a text cell that a spreadsheet would run as a formula (it starts with `=`, `+`,
`-`, `@`, tab or carriage return: safe_output.FORMULA_STARTS) is written with a leading `'`,
which makes a spreadsheet show it as text. Numbers are written as numbers, a NULL as an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scorecard.publish.safe_output import FORMULA_STARTS

BOM = "\ufeff"


def csv_cell(value: Any) -> str | numbers.Number:
    if value is None:
        return ""
    kind = type(value)
    if kind is str:  # most cells, then plain numbers: both tested before the slower isinstance checks
        return text_cell(value)
    if kind is int or kind is float:
        return value
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Number):  # a number, negative or not, is never a formula: written as it is
        return value
    return text_cell(value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value))


def text_cell(text: str) -> str:
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(column) for column in columns])
    writer.writerows([csv_cell(row[column]) for column in columns] for row in rows)
    return BOM + buffer.getvalue()
