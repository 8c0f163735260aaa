"""Read one export file into a frame of text cells, exactly as written, minus personal data.

CSV: UTF-8 (with or without BOM) or cp1252; comma, semicolon or tab; CRLF, LF or CR line ends.
XLSX: the first worksheet. The header layout (how many header rows, which tool wrote it) is
detected from the first records (layouts.py). Columns holding direct identifiers are dropped here,
before anything else sees them. Every remaining cell comes back as text (or missing), so nothing is
converted before validation has seen it.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from flows.layouts import GOOGLE_ID_COLUMN, Column, Layout, LayoutError, add_google_respondent_id, detect_layout, excluded_rows, google_date_order
from flows.personal import is_personal
from flows.postcodes import lsoa_for

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES
DELIMITERS = (",", ";", "\t")
HEAD_RECORDS = 3  # records looked at to recognise the layout
HEAD_LINES = 200  # lines those records may span (question texts can hold line breaks)


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (the whole file is rejected)."""


@dataclass
class Export:
    path: Path
    frame: pd.DataFrame  # one column per kept column, all text; index 0..n-1 = data rows in file order
    layout: Layout
    encoding: str | None
    delimiter: str | None
    personal_dropped: list[str] = field(default_factory=list)
    excluded: pd.Series | None = None  # reason per row that is not a respondent (else missing)
    row_labels: list[str] | None = None  # where each data row sits, when not a plain table (panel packs)
    notes: list[str] = field(default_factory=list)

    @property
    def questions(self) -> dict[str, str]:
        return {column.name: column.question for column in self.layout.columns}


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


def split_head(text: str, delimiter: str, records: int) -> tuple[list[list[str]], int]:
    """Parse the first `records` records; return them and the character offset where the next begins."""
    lines = text.split("\n", HEAD_LINES)[:HEAD_LINES]
    used = 0

    def feed():
        nonlocal used
        for line in lines:
            used += 1
            yield line + "\n"

    reader = csv.reader(feed(), delimiter=delimiter)
    head = []
    for _ in range(records):
        record = next(reader, None)
        if record is None:
            break
        head.append(record)
    return head, min(len(text), sum(len(line) + 1 for line in lines[:used]))


def read_csv_body(text: str, delimiter: str, width: int) -> pd.DataFrame:
    return pd.read_csv(
        io.StringIO(text),
        sep=delimiter,
        header=None,
        names=list(range(width)),
        index_col=False,
        dtype=str,
        keep_default_na=False,
        na_values=[""],
        skip_blank_lines=True,
        engine="c",
    )


def read_csv_export(path: Path) -> tuple[Layout, pd.DataFrame, str, str]:
    text, encoding = decode(path.read_bytes())
    if "\r" in text:
        # CR-only (classic Mac) and CRLF files: pandas' C parser wants one line-end convention.
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise UnreadableFile("the file is empty or its first line is blank (no header row)")
    delimiter = sniff_delimiter(header_line)
    head, _ = split_head(text, delimiter, HEAD_RECORDS)
    layout = detect_layout(head)
    _, body_start = split_head(text, delimiter, layout.header_rows)
    width = len(layout.columns) - (layout.tool == "google_forms")  # the derived id is not in the file
    try:
        body = read_csv_body(text[body_start:], delimiter, width) if text[body_start:].strip() else pd.DataFrame(columns=range(width), dtype="str")
    except pd.errors.ParserError as error:
        raise UnreadableFile(f"a data row has more cells than the header ({error})") from None
    return layout, body, encoding, delimiter


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


def read_xlsx_export(path: Path) -> tuple[Layout, pd.DataFrame]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"not a readable .xlsx workbook: {error}") from None
    try:
        rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    finally:
        workbook.close()
    if not rows:
        raise UnreadableFile("the first worksheet is empty (no header row)")
    head = [["" if pd.isna(cell := excel_cell_text(value)) else cell for value in row] for row in rows[:HEAD_RECORDS]]
    layout = detect_layout(head)
    width = len(layout.columns) - (layout.tool == "google_forms")
    body = pd.DataFrame([row[:width] for row in rows[layout.header_rows:]], columns=range(width), dtype=object)
    body = body.map(excel_cell_text).astype("str").dropna(how="all").reset_index(drop=True)
    return layout, body


def with_lsoa_from_postcode(body: pd.DataFrame, layout: Layout, postcode_column: str, lookup: Path) -> pd.DataFrame:
    if postcode_column not in body.columns:
        raise UnreadableFile(f"the mapping's postcode column {postcode_column!r} is not in the file")
    if "home_lsoa" in body.columns:
        raise UnreadableFile("the file has a home_lsoa column already; drop postcode_lsoa from the mapping")
    try:
        lsoa = lsoa_for(body[postcode_column], lookup)
    except (ValueError, OSError) as error:
        raise UnreadableFile(f"postcode lookup unusable: {error}") from None
    layout.columns.append(Column("home_lsoa", f"LSOA of {postcode_column} (postcode dropped)"))
    return body.assign(home_lsoa=lsoa)


def read_export(
    path: Path,
    personal: tuple[str, ...] = (),
    date_order: str | None = None,
    postcode_lsoa: tuple[str, Path] | None = None,
) -> Export:
    """Read an export. `personal` names extra columns to drop (a mapping's `personal:`);
    `date_order` settles Google Forms timestamps ('dmy' or 'mdy'); `postcode_lsoa` (postcode column,
    lookup file) turns a full postcode into a `home_lsoa` column before the postcode is dropped."""
    suffix = path.suffix.lower()
    from flows.panel_pack import PackError, is_pack, read_pack  # a pack is an .xlsx; imported here to avoid a cycle

    if is_pack(path):
        try:
            pack = read_pack(path)
        except PackError as error:
            raise UnreadableFile(f"panel pack: {error}") from None
        layout = Layout("panel_pack", f"{pack.side} pack: Scores sheet", 1, [Column(c, c) for c in pack.frame.columns])
        return Export(path, pack.frame, layout, None, None, [], pd.Series(pd.NA, index=pack.frame.index, dtype="str"),
                      [f"Scores sheet, row {row}" for row in pack.sheet_rows], pack.notes)
    try:
        if suffix in XLSX_SUFFIXES:
            (layout, body), encoding, delimiter = read_xlsx_export(path), None, None
        elif suffix in CSV_SUFFIXES:
            layout, body, encoding, delimiter = read_csv_export(path)
        else:
            raise UnreadableFile(f"unsupported file type {suffix!r}; expected one of {sorted(SUPPORTED_SUFFIXES)}")
    except LayoutError as error:
        raise UnreadableFile(str(error)) from None
    in_file = [column for column in layout.columns if column.name != GOOGLE_ID_COLUMN]
    body.columns = [column.name for column in in_file]
    if postcode_lsoa:
        body = with_lsoa_from_postcode(body, layout, *postcode_lsoa)
    dropped = [c.name for c in in_file if is_personal(c.name, c.question) or c.name in personal or c.question in personal]
    if postcode_lsoa:
        dropped += [name for name in body.columns if name == postcode_lsoa[0] and name not in dropped]
    frame = body.drop(columns=dropped)
    if layout.tool == "google_forms":
        try:
            frame = add_google_respondent_id(frame, google_date_order(frame[frame.columns[0]], date_order))
        except LayoutError as error:
            raise UnreadableFile(str(error)) from None
    return Export(path, frame, layout, encoding, delimiter, dropped, excluded_rows(layout, frame))
