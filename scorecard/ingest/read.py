"""Read one export into a DuckDB table of text cells, exactly as written, minus personal data.

The header layout (which tool wrote the file, how many header rows) is detected in Python from the
first records (layouts.py). The body is parsed by DuckDB: CSV with `read_csv` (every column as
text, delimiter, quote and header rows from detection), `.xlsx` streamed row by row from openpyxl
in bounded chunks. Columns holding direct identifiers are never read into the table. Nothing is
converted: validation sees every value as it was written.

CSV: UTF-8 (with or without BOM) or cp1252 (transcoded to UTF-8 in streaming chunks first: no
DuckDB extension can be downloaded here); comma, semicolon or tab; CRLF, LF or CR line ends.
XLSX: the first worksheet. A file over a limit of scorecard/limits.py is rejected whole, the limit
named in the reason; the run goes on.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import itertools
import os
import re
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from scorecard.ingest.excel import excel_cell_text
from scorecard.ingest.layouts import (
    GOOGLE_ID_COLUMN,
    QUALTRICS_NOT_RESPONDENTS,
    Column,
    Layout,
    LayoutError,
    add_google_respondent_id,
    detect_layout,
    google_date_order,
)
from scorecard.ingest.normalise import sql_trim
from scorecard.ingest.packs import is_pack, read_pack
from scorecard.ingest.personal import is_personal
from scorecard.ingest.postcodes import lsoa_for
from scorecard.limits import (
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROW_BYTES,
    MAX_ROWS,
    MAX_XLSX_BYTES,
    MAX_XLSX_COMPRESSION_RATIO,
    MAX_XLSX_UNCOMPRESSED_BYTES,
    byte_size,
)
from scorecard.packs import PackError
from scorecard.warehouse.sql_text import quote_literal

CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SUPPORTED_SUFFIXES = CSV_SUFFIXES | XLSX_SUFFIXES
DELIMITERS = (",", ";", "\t")
HEAD_RECORDS = 3  # records looked at to recognise the layout
HEAD_LINES = 200  # lines those records may span (question texts can hold line breaks)

XLSX_CHUNK_ROWS = 10_000  # rows of a worksheet held in memory at once
READ_CHUNK_BYTES = 1 << 20  # bytes read at once when checking or transcoding text
UTF8_BOM = b"\xef\xbb\xbf"
NUL = b"\x00"


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (the whole file is rejected). `header_lines`: the
    lines of its header, where known, so its other lines can be accounted for (data_lines)."""

    def __init__(self, reason: str, header_lines: int = 1):
        super().__init__(reason)
        self.header_lines = header_lines


@dataclass
class ReadOptions:
    """What a mapping may say about reading: extra personal columns to drop, the date order of
    Google Forms timestamps, and a postcode column to turn into `home_lsoa` before it is dropped."""

    personal: tuple[str, ...] = ()
    date_order: str | None = None
    postcode_lsoa: tuple[str, Path] | None = None


@dataclass
class Landed:
    """An export in a DuckDB table: `row_number` (1-based data row), `c0…cN` (the kept columns, in
    `names` order), `excluded` (why a row is not a respondent, else NULL) and `row_label` (where a
    row sits when the file is not a plain table, e.g. "Scores sheet, row 7"; else NULL)."""

    table: str
    layout: Layout
    names: list[str]
    encoding: str | None
    delimiter: str | None
    rows: int
    personal_dropped: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def questions(self) -> dict[str, str]:
        return {column.name: column.question for column in self.layout.columns}

    def cell(self, name: str) -> str:
        """The table column holding the export column `name`."""
        return f"c{self.names.index(name)}"


@dataclass
class Export:
    """An export as a pandas frame, for commands that look at one file (inspect, draft-mapping)."""

    path: Path
    frame: pd.DataFrame  # one column per kept column, all text; index 0..n-1 = data rows in file order
    layout: Layout
    encoding: str | None
    delimiter: str | None
    personal_dropped: list[str]
    excluded: pd.Series  # reason per row that is not a respondent (else missing)
    notes: list[str]

    @property
    def names(self) -> list[str]:
        return list(self.frame.columns)

    @property
    def questions(self) -> dict[str, str]:
        return {column.name: column.question for column in self.layout.columns}


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(READ_CHUNK_BYTES), b""):
            digest.update(block)
    return digest.hexdigest()


# ---- text files: encoding, delimiter, header ----------------------------------------------------


def chunks(path: Path, start: int = 0) -> Iterator[bytes]:
    with open(path, "rb") as handle:
        handle.seek(start)
        yield from iter(lambda: handle.read(READ_CHUNK_BYTES), b"")


def physical_lines(path: Path) -> int:
    """Lines in the file, whatever its line ends (LF, CRLF, CR) and bytes: counted in chunks."""
    lines, ends_with_cr, last = 0, False, b""
    for chunk in chunks(path):
        lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n") - (ends_with_cr and chunk.startswith(b"\n"))
        ends_with_cr, last = chunk.endswith(b"\r"), chunk[-1:]
    return lines + (last not in (b"", b"\n", b"\r"))  # a last line without a line end


def data_lines(path: Path, refused: UnreadableFile) -> int:
    """The lines of a text file refused before its rows could be read, its header's lines left out:
    what the load log counts as read (and refused) for it. Workbooks have no lines: 0."""
    if path.suffix.lower() not in CSV_SUFFIXES:
        return 0
    try:
        return max(physical_lines(path) - refused.header_lines, 0)
    except OSError:  # gone since: nothing left to count
        return 0


def text_encoding(path: Path) -> tuple[str, bool]:
    """The whole file's encoding, checked in streaming chunks — 'utf-8-sig', 'utf-8' or 'cp1252' —
    and whether it holds a carriage return (CRLF or CR line ends)."""
    with open(path, "rb") as handle:
        bom = handle.read(3) == UTF8_BOM
    start = 3 if bom else 0
    for encoding in ("utf-8", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        offset, carriage_return = start, False
        try:
            for chunk in chunks(path, start):
                if NUL in chunk:
                    raise UnreadableFile(f"not a text file: a NUL byte at byte {offset + chunk.index(NUL)}")
                decoder.decode(chunk)
                carriage_return = carriage_return or b"\r" in chunk
                offset += len(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError as error:
            if encoding == "cp1252":
                raise UnreadableFile(f"not UTF-8 or Windows-1252 text ({error.reason} near byte {offset + error.start})") from None
            continue
        return ("utf-8-sig" if bom and encoding == "utf-8" else encoding), carriage_return
    raise AssertionError("unreachable")


def normalised_body(path: Path, encoding: str, header_lines: int, target: Path) -> Path:
    """The file's data rows as UTF-8 with LF line ends (CRLF and lone CR become LF, as in a value
    too), without its first `header_lines` lines: written in streaming chunks to `target`."""
    decoder = codecs.getincrementaldecoder("utf-8" if encoding.startswith("utf-8") else encoding)()
    start = 3 if encoding == "utf-8-sig" else 0
    to_skip, held_cr = header_lines, ""
    with open(target, "w", encoding="utf-8", newline="") as out:
        for chunk in [*chunks(path, start), b""]:
            text = held_cr + decoder.decode(chunk, final=not chunk)
            held_cr = "\r" if chunk and text.endswith("\r") else ""  # its LF may start the next chunk
            text = (text[:-1] if held_cr else text).replace("\r\n", "\n").replace("\r", "\n")
            while to_skip and text:
                end = text.find("\n")
                text = "" if end < 0 else text[end + 1 :]
                to_skip -= end >= 0
            out.write(text)
    return target


def head_text(path: Path, encoding: str) -> str:
    """The start of the file as text: enough for the header records, cut at a line end."""
    row_limit = MAX_ROW_BYTES.value()
    limit = HEAD_RECORDS * row_limit
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if data.startswith(UTF8_BOM):
        data = data[3:]
    text = codecs.getincrementaldecoder("utf-8" if encoding.startswith("utf-8") else encoding)().decode(data[:limit])
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(data) > limit:
        if "\n" not in text:
            raise UnreadableFile(f"the header row is longer than {MAX_ROW_BYTES.named(row_limit)}")
        text = text[: text.rindex("\n") + 1]
    return text


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
    """Parse the first `records` records of the text (question texts may span lines); return them
    and how many lines they took."""
    lines = text.split("\n", HEAD_LINES)[:HEAD_LINES]
    used = 0
    csv.field_size_limit(MAX_ROW_BYTES.value())  # the csv module's own limit (128 KiB) would reject cells ours accepts

    def feed() -> Iterator[str]:
        nonlocal used
        for line in lines:
            used += 1
            yield line + "\n"

    reader = csv.reader(feed(), delimiter=delimiter)
    head = []
    try:
        for _ in range(records):
            record = next(reader, None)
            if record is None:
                break
            head.append(record)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UnreadableFile(f"a value in the first {records} rows is longer than {MAX_ROW_BYTES.named()}") from None
        raise UnreadableFile(f"the header rows are not well-formed CSV ({error})") from None
    return head, used


def csv_error_reason(error: duckdb.Error, width: int) -> str:
    """DuckDB's CSV error as a plain reason. Its message quotes the offending line, which may hold
    personal data, so only the line number and the kind of problem are kept."""
    message = str(error)
    line = re.search(r"CSV Error on Line: (\d+)", message)
    where = f" (line {line.group(1)})" if line else ""
    if "Maximum line size" in message or "max_line_size" in message:
        return f"a row{where} is longer than {MAX_ROW_BYTES.named()}"
    found = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", message)
    if found and int(found.group(2)) > width:
        return f"a data row has more cells than the header's {width}{where}"
    if "unterminated quote" in message:
        return f"a quoted value is never closed{where}"
    return f"not a well-formed CSV file{where}"


def check_columns(width: int) -> None:
    limit = MAX_COLUMNS.value()
    if width > limit:
        raise UnreadableFile(f"{width:,} columns: over {MAX_COLUMNS.named(limit)}")


def too_many_rows(limit: int, header_lines: int = 1) -> UnreadableFile:
    return UnreadableFile(f"more than {limit:,} data rows: over {MAX_ROWS.named(limit)}", header_lines)


def csv_source(path: Path, delimiter: str, header_rows: int, width: int, *, null_padding: bool) -> str:
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(width))
    return (
        f"read_csv({quote_literal(str(path))}, auto_detect = false, header = false, skip = {header_rows}, "
        f"delim = {quote_literal(delimiter)}, quote = '\"', escape = '\"', strict_mode = true, "
        f"null_padding = {str(null_padding).lower()}, parallel = {str(not null_padding).lower()}, "
        f"max_line_size = {MAX_ROW_BYTES.value()}, columns = {{{columns}}})"
    )


# ---- landing ------------------------------------------------------------------------------------


def excluded_expression(layout: Layout, names: list[str]) -> str:
    """SQL giving why a row is not a respondent (Qualtrics previews, tests and spam; LimeSurvey
    responses never submitted), else NULL."""

    def cell(wanted: str) -> str | None:
        found = [i for i, name in enumerate(names) if name.lower().replace(" ", "") == wanted]
        return f"c{found[0]}" if found else None

    status, submitted = cell("status"), cell("submitdate")
    if layout.tool == "qualtrics" and status:
        cases = " ".join(
            f"WHEN {quote_literal(code)} THEN {quote_literal(f'not a respondent: Qualtrics {label} response')}"
            for code, label in QUALTRICS_NOT_RESPONDENTS.items()
        )
        return f"CASE lower({sql_trim(status)}) {cases} END"
    if layout.tool == "limesurvey" and submitted:
        return f"CASE WHEN {sql_trim(submitted)} IS NULL THEN 'incomplete response: LimeSurvey submitdate is empty' END"
    return "NULL::VARCHAR"


def kept_columns(layout: Layout, options: ReadOptions) -> tuple[list[int], list[str], int | None]:
    """Positions of the file's columns that are kept, the names of those dropped as personal, and the
    position of the postcode column a mapping turns into `home_lsoa` (read, looked up, never kept)."""
    in_file = [column for column in layout.columns if column.name != GOOGLE_ID_COLUMN]
    names = [c.name for c in in_file]
    dropped = [c.name for c in in_file if is_personal(c.name, c.question) or c.name in options.personal or c.question in options.personal]
    postcode = None
    if options.postcode_lsoa:
        wanted = options.postcode_lsoa[0]
        if wanted not in names:
            raise UnreadableFile(f"the mapping's postcode column {wanted!r} is not in the file")
        if "home_lsoa" in names:
            raise UnreadableFile("the file has a home_lsoa column already; drop postcode_lsoa from the mapping")
        postcode = names.index(wanted)
        if wanted not in dropped:
            dropped.append(wanted)
    return [i for i, name in enumerate(names) if name not in dropped], dropped, postcode


def body_select(positions: list[int], postcode: int | None) -> str:
    """The file's columns c<i> → the landing's c0…cN (kept ones only), plus the postcode to look up."""
    cells = [f"c{i} AS c{n}" for n, i in enumerate(positions)] + ([f"c{postcode} AS postcode"] if postcode is not None else [])
    return ", ".join(cells) or "NULL::VARCHAR AS c_none"


def land_csv(con: duckdb.DuckDBPyConnection, path: Path, table: str, scratch: Path, options: ReadOptions) -> Landed:
    encoding, carriage_return = text_encoding(path)
    text = head_text(path, encoding)
    header_line = text.split("\n", 1)[0]
    if not header_line.strip():
        raise UnreadableFile("the file is empty or its first line is blank (no header row)")
    delimiter = sniff_delimiter(header_line)
    layout = detect_layout(split_head(text, delimiter, HEAD_RECORDS)[0])
    width = len(layout.columns) - (layout.tool == "google_forms")  # the derived id is not in the file
    check_columns(width)
    header_lines = split_head(text, delimiter, layout.header_rows)[1]
    positions, dropped, postcode = kept_columns(layout, options)
    max_rows = MAX_ROWS.value()
    with body_file(path, encoding, carriage_return, layout.header_rows, header_lines, scratch) as (source, skip):
        for null_padding in (False, True):  # short rows are padded, at the cost of a single-threaded read
            body = csv_source(source, delimiter, skip, width, null_padding=null_padding)
            try:
                # One row past the limit is enough to know the file is over it: the parse stops there.
                con.execute(
                    f"CREATE OR REPLACE TEMP TABLE {table}_body AS SELECT {body_select(positions, postcode)} FROM {body} LIMIT {max_rows + 1}"
                )
                break
            except duckdb.Error as error:
                short = re.search(r"Expected Number of Columns: (\d+) Found: (\d+)", str(error))
                if null_padding or not short or int(short.group(2)) > width:
                    raise UnreadableFile(csv_error_reason(error, width), header_lines) from None
    counted = con.execute(f"SELECT count(*) FROM {table}_body").fetchone()
    if counted and counted[0] > max_rows:
        raise too_many_rows(max_rows, header_lines)
    names = [layout.columns[i].name for i in positions]
    return finish_landing(con, Landed(table, layout, names, encoding, delimiter, 0, dropped), options)


@contextmanager
def body_file(
    path: Path, encoding: str, carriage_return: bool, header_rows: int, header_lines: int, scratch: Path
) -> Iterator[tuple[Path, int]]:
    """The file DuckDB parses and how many lines it skips. A UTF-8 file with LF line ends whose
    header records are one line each is read as it is; any other (cp1252, CR or CRLF line ends, a
    line break inside a header) is first rewritten as UTF-8 with LF line ends, without its header,
    so DuckDB sees one convention and starts exactly at the first data row."""
    if encoding != "cp1252" and not carriage_return and header_lines == header_rows:
        yield path, header_rows
        return
    handle, name = tempfile.mkstemp(suffix=".utf8.csv", dir=scratch)
    os.close(handle)
    try:
        yield normalised_body(path, encoding, header_lines, Path(name)), 0
    finally:
        Path(name).unlink(missing_ok=True)


def land_xlsx(con: duckdb.DuckDBPyConnection, path: Path, table: str, options: ReadOptions) -> Landed:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many types for a damaged workbook
        raise UnreadableFile(f"not a readable .xlsx workbook ({type(error).__name__})") from None
    try:
        sheet = workbook.worksheets[0]
        sheet.reset_dimensions()  # trust the cells, not the declared size (which may claim 2^34 cells)
        rows = sheet.iter_rows(values_only=True)
        head = [row for _, row in zip(range(HEAD_RECORDS), rows, strict=False)]
        if not head:
            raise UnreadableFile("the first worksheet is empty (no header row)")
        check_columns(max(len(row) for row in head))
        layout = detect_layout([[cell_text(value) for value in row] for row in head])
        width = len(layout.columns) - (layout.tool == "google_forms")
        positions, dropped, postcode = kept_columns(layout, options)
        wanted = positions + ([postcode] if postcode is not None else [])
        cells = [f"c{n}" for n in range(len(positions))] + (["postcode"] if postcode is not None else [])
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_body ({', '.join(f'{c} VARCHAR' for c in cells) or 'c_none VARCHAR'})")
        for chunk in worksheet_chunks(head[layout.header_rows :], rows, width):
            whole = pd.DataFrame(chunk, columns=range(width), dtype=object).map(excel_cell_text)
            whole = whole[whole.notna().any(axis=1)]  # an empty row is not a response (one with only personal data is)
            frame = whole[wanted].astype("str").set_axis(cells, axis=1)
            con.register("xlsx_chunk", frame)
            con.execute(f"INSERT INTO {table}_body BY NAME SELECT * FROM xlsx_chunk")
            con.unregister("xlsx_chunk")
    finally:
        workbook.close()
    names = [layout.columns[i].name for i in positions]
    return finish_landing(con, Landed(table, layout, names, None, None, 0, dropped), options)


def cell_text(value: object) -> str:
    text = excel_cell_text(value)
    return "" if pd.isna(text) else str(text)


def check_workbook_size(path: Path) -> None:
    """An .xlsx within the limits on its size as stored, as unpacked (the sum of its zip members'
    declared sizes, which Python's zipfile never reads past) and on the ratio of the two."""
    size = path.stat().st_size
    if size > (limit := MAX_XLSX_BYTES.value()):
        raise UnreadableFile(f"{byte_size(size)}: larger than {MAX_XLSX_BYTES.named(limit)}")
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile:
        raise UnreadableFile("not a readable .xlsx workbook (not a zip archive)") from None
    if unpacked > (limit := MAX_XLSX_UNCOMPRESSED_BYTES.value()):
        raise UnreadableFile(f"unpacks to {byte_size(unpacked)}: larger than {MAX_XLSX_UNCOMPRESSED_BYTES.named(limit)}")
    ratio = unpacked // max(size, 1)
    if ratio > (limit := MAX_XLSX_COMPRESSION_RATIO.value()):
        raise UnreadableFile(f"compressed {ratio:,} to 1: over {MAX_XLSX_COMPRESSION_RATIO.named(limit)} (a zip bomb, or padding)")


def worksheet_chunks(first: list[tuple], rest: Iterator[tuple], width: int) -> Iterator[list[tuple]]:
    """Rows in chunks of XLSX_CHUNK_ROWS, each cut or padded to the header's width, within the
    limits on rows and on a row's size."""
    chunk: list[tuple] = []
    max_rows, max_row_bytes = MAX_ROWS.value(), MAX_ROW_BYTES.value()
    for number, row in enumerate(itertools.chain(first, rest), 1):
        if number > max_rows:
            raise too_many_rows(max_rows)
        if sum(len(value) for value in row if isinstance(value, str)) * 4 > max_row_bytes:  # 4: the most bytes a character takes
            size = sum(len(value.encode("utf-8")) for value in row if isinstance(value, str))
            if size > max_row_bytes:
                raise UnreadableFile(f"data row {number}: {byte_size(size)}, longer than {MAX_ROW_BYTES.named(max_row_bytes)}")
        chunk.append(tuple(row[:width]) + (None,) * (width - len(row)))
        if len(chunk) >= XLSX_CHUNK_ROWS:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def land_pack(con: duckdb.DuckDBPyConnection, path: Path, table: str) -> Landed:
    try:
        pack = read_pack(path)
    except PackError as error:
        raise UnreadableFile(f"panel pack: {error}") from None
    names = list(pack.frame.columns)
    layout = Layout("panel_pack", f"{pack.side} pack: Scores sheet", 1, [Column(c, c) for c in names])
    frame = pack.frame.set_axis([f"c{n}" for n in range(len(names))], axis=1)
    frame["row_label"] = [f"Scores sheet, row {row}" for row in pack.sheet_rows]
    con.register("pack_rows", frame)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT row_number() OVER () AS row_number, * EXCLUDE (row_label), "
        f"NULL::VARCHAR AS excluded, row_label FROM pack_rows"
    )
    con.unregister("pack_rows")
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()
    return Landed(table, layout, names, None, None, rows[0] if rows else 0, [], pack.notes)


def finish_landing(con: duckdb.DuckDBPyConnection, landed: Landed, options: ReadOptions) -> Landed:
    """Number the rows, add the columns derived on reading (home_lsoa from a postcode, the Google
    Forms respondent id) and say which rows are not respondents."""
    body = f"{landed.table}_body"
    cells = [f"c{n}" for n in range(len(landed.names))]
    if options.postcode_lsoa:
        postcodes = con.execute(f"SELECT DISTINCT postcode FROM {body} WHERE postcode IS NOT NULL").df()["postcode"].astype("str")
        try:
            lsoa = lsoa_for(postcodes, options.postcode_lsoa[1])
        except (ValueError, OSError) as error:
            raise UnreadableFile(f"postcode lookup unusable: {error}") from None
        con.register("postcode_lsoa", pd.DataFrame({"postcode": postcodes, "lsoa": lsoa}))
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {body} AS SELECT {', '.join(f'b.{c}' for c in cells)}, p.lsoa AS c{len(cells)} "
            f"FROM {body} b LEFT JOIN postcode_lsoa p USING (postcode) ORDER BY b.rowid"
        )
        con.unregister("postcode_lsoa")
        landed.layout.columns.append(Column("home_lsoa", f"LSOA of {options.postcode_lsoa[0]} (postcode dropped)"))
        landed.names.append("home_lsoa")
        cells.append(f"c{len(cells)}")
    if landed.layout.tool == "google_forms":
        add_google_ids(con, landed, options.date_order)
        cells.append(f"c{len(cells)}")
    selected = ", ".join(cells) + "," if cells else ""
    # The body was written in file order, one row per data row, so its row ids number the rows.
    con.execute(
        f"CREATE OR REPLACE TEMP VIEW {landed.table} AS SELECT rowid + 1 AS row_number, {selected} "
        f"{excluded_expression(landed.layout, landed.names)} AS excluded, NULL::VARCHAR AS row_label FROM {body}"
    )
    rows = con.execute(f"SELECT count(*) FROM {body}").fetchone()
    landed.rows = rows[0] if rows else 0
    return landed


def add_google_ids(con: duckdb.DuckDBPyConnection, landed: Landed, date_order: str | None) -> None:
    """Google Forms has no response id: derive one from the timestamp and the answers (layouts.py).
    The derivation hashes whole rows in pandas, so a Google Forms export is held in memory once."""
    body = f"{landed.table}_body"
    cells = [f"c{n}" for n in range(len(landed.names))]
    frame = con.execute(f"SELECT {', '.join(cells)} FROM {body} ORDER BY rowid").df().astype("str").set_axis(landed.names, axis=1)
    try:
        frame = add_google_respondent_id(frame, google_date_order(frame[frame.columns[0]], date_order))
    except LayoutError as error:
        raise UnreadableFile(str(error)) from None
    landed.names.append(GOOGLE_ID_COLUMN)
    con.register("google_rows", frame.set_axis([*cells, f"c{len(cells)}"], axis=1))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {body} AS SELECT * FROM google_rows")
    con.unregister("google_rows")


def land(con: duckdb.DuckDBPyConnection, path: Path, table: str, scratch: Path, options: ReadOptions | None = None) -> Landed:
    """Read the export at `path` into the temporary table `table` of `con` (see Landed). Raises
    UnreadableFile, with a plain reason, for a file that cannot be read as a table at all."""
    options = options or ReadOptions()
    suffix = path.suffix.lower()
    size = path.stat().st_size
    if size > (limit := MAX_FILE_BYTES.value()):
        raise UnreadableFile(f"{byte_size(size)}: larger than {MAX_FILE_BYTES.named(limit)}")
    if suffix in XLSX_SUFFIXES:
        check_workbook_size(path)  # before openpyxl reads any of it (its shared strings are read whole)
    try:
        if suffix in XLSX_SUFFIXES and is_pack(path):
            return land_pack(con, path, table)
        if suffix in XLSX_SUFFIXES:
            return land_xlsx(con, path, table, options)
        if suffix in CSV_SUFFIXES:
            return land_csv(con, path, table, scratch, options)
    except LayoutError as error:
        raise UnreadableFile(str(error)) from None
    raise UnreadableFile(f"unsupported file type {suffix!r}; expected one of {sorted(SUPPORTED_SUFFIXES)}")


def landed_frame(con: duckdb.DuckDBPyConnection, landed: Landed, names: list[str] | None = None) -> pd.DataFrame:
    """The landed export columns `names` (all by default) as a pandas frame of text, in file order."""
    names = landed.names if names is None else names
    cells = ", ".join(landed.cell(name) for name in names) or "NULL AS c_none"
    frame = con.execute(f"SELECT {cells} FROM {landed.table} ORDER BY row_number").df()
    return frame[[c for c in frame.columns if c != "c_none"]].astype("str").set_axis(names, axis=1)


def read_export(
    path: Path,
    personal: tuple[str, ...] = (),
    date_order: str | None = None,
    postcode_lsoa: tuple[str, Path] | None = None,
) -> Export:
    """One export as a pandas frame (for inspecting a file; the nightly run keeps rows in DuckDB)."""
    with tempfile.TemporaryDirectory(prefix="scorecard-read-") as scratch, duckdb.connect() as con:
        landed = land(con, path, "export", Path(scratch), ReadOptions(personal, date_order, postcode_lsoa))
        frame = landed_frame(con, landed)
        excluded = con.execute("SELECT excluded FROM export ORDER BY row_number").df()["excluded"].astype("str")
    return Export(path, frame, landed.layout, landed.encoding, landed.delimiter, landed.personal_dropped, excluded, landed.notes)
