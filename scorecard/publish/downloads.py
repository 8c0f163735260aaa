"""The CSV download beside each table of the report: the warehouse rows behind the table, with the
marts' column names, so an analyst gets exactly the figures the page shows.

UTF-8 with a byte order mark, so Excel reads the accents and symbols right. Values may come from
survey files, so a text cell that a spreadsheet would run as a formula (it starts with `=`, `+`,
`-`, `@`, tab or carriage return: safe_output.starts_like_formula) is written with a leading `'`,
which makes a spreadsheet show it as text. Numbers are written as numbers, a NULL as an empty cell.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import numbers
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from scorecard.publish.safe_output import starts_like_formula

BOM = "\ufeff"


def csv_cell(value: Any) -> str | numbers.Number:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, numbers.Number):  # a number, negative or not, is never a formula: written as it is
        return value
    text = value.isoformat() if isinstance(value, dt.date | dt.datetime) else str(value)
    return "'" + text if starts_like_formula(text) else text


def csv_text(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_cell(column) for column in columns])
    writer.writerows([csv_cell(row[column]) for column in columns] for row in rows)
    return BOM + buffer.getvalue()
