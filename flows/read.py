"""Read one export file into a frame of text cells, exactly as written.

CSV: UTF-8 (with or without BOM) or cp1252; comma, semicolon or tab; CRLF, LF or CR line ends.
XLSX: the first worksheet, header in the first row. Every cell comes back as text (or missing),
so nothing is converted before validation has seen it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES
DELIMITERS = (",", ";", "\t")


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (the whole file is rejected)."""


@dataclass
class Export:
    path: Path
    frame: pd.DataFrame  # one column per header cell, all text; index 0..n-1 = data rows in file order
    encoding: str | None
    delimiter: str | None


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name). UTF-8 BOM first, then strict UTF-8, then cp1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError as error:
        raise UnreadableFile(f"not UTF-8 or Windows-1252 text ({error.reason} at byte {error.start})") from None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header row into the most cells, quotes respected: a split that
    leaves a quote inside a cell cut a quoted name apart, so it does not count."""
    best, best_cells = ",", 0
    for delimiter in DELIMITERS:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        if any('"' in cell for cell in cells):
            continue
        if len(cells) > best_cells:
            best, best_cells = delimiter, len(cells)
    return best


def read_csv_text(text: str, delimiter: str) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=True,
        engine="c",
    )


def read_csv_export(path: Path) -> Export:
    text, encoding = decode(path.read_bytes())
    if "\r" in text:
        # CR-only (classic Mac) and CRLF files: pandas' C parser wants one line-end convention.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise UnreadableFile("the file is empty or its first line is blank (no header row)")
    delimiter = sniff_delimiter(header_line)
    try:
        frame = read_csv_text(text, delimiter)
    except pd.errors.ParserError as error:
        raise UnreadableFile(f"not a well-formed delimited file: {error}") from None
    return Export(path=path, frame=frame, encoding=encoding, delimiter=delimiter)


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


def read_xlsx_export(path: Path) -> Export:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"not a readable .xlsx workbook: {error}") from None
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise UnreadableFile("the first worksheet is empty (no header row)")
        names = [str(cell).strip() if cell is not None else "" for cell in header]
        frame = pd.DataFrame(list(rows), columns=range(len(names)), dtype=object)
    finally:
        workbook.close()
    frame = frame.map(excel_cell_text).astype("str")
    frame.columns = names
    frame = frame.dropna(how="all").reset_index(drop=True)
    return Export(path=path, frame=frame, encoding=None, delimiter=None)


def read_export(path: Path) -> Export:
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx_export(path)
    if suffix in CSV_SUFFIXES:
        return read_csv_export(path)
    raise UnreadableFile(f"unsupported file type {suffix!r}; expected one of {sorted(SUPPORTED_SUFFIXES)}")
