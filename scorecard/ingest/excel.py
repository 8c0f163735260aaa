"""Spreadsheet cells as the text a CSV export of them would hold."""

from __future__ import annotations

import datetime as dt

import pandas as pd


def excel_cell_text(value: object) -> object:
    """Spreadsheet cell → the text a CSV export of it would hold."""
    if value is None or (isinstance(value, float) and value != value):  # empty cell or NaN
        return pd.NA
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    return text if text.strip() else pd.NA
