"""Every mart as Parquet and CSV files, for dashboards and spreadsheets that read files rather than
the warehouse.

The marts are whatever the `marts` schema holds, tables and views alike (information_schema lists
both), so a new mart is exported without a change here. Each file is replaced atomically (written
beside it under a name of its own, then renamed), so a reader never sees half a file nor holds the
run up. DuckDB streams every file; no table is held in memory.

CSV is for spreadsheets: UTF-8 with a byte-order mark (without one, Excel reads UTF-8 as the local
code page), a header row, ISO dates, an empty cell for NULL, and numbers as numbers. Text that starts
like a formula (safe_output.FORMULA_START) gets a leading `'`, so a spreadsheet shows it as text and
never runs it (OWASP's advice for CSV injection); the prefix is added in the SELECT DuckDB writes.
DuckDB's CSV writer has no byte-order-mark option (its PREFIX cannot be combined with HEADER), so the
mark is written first and DuckDB's output copied after it in blocks.
"""

from __future__ import annotations

import codecs
import os
import shutil
from collections.abc import Callable, Sequence
from pathlib import Path

import duckdb

from scorecard.publish.safe_output import FORMULA_START, inside
from scorecard.warehouse.connect import connect
from scorecard.warehouse.sql_text import quote_identifier, quote_literal

SPREADSHEET_TEXT_PREFIX = "'"  # shows the rest of the cell as text
COPY_BLOCK_BYTES = 1 << 20


def mart_names(con: duckdb.DuckDBPyConnection) -> list[str]:
    rows = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'marts' ORDER BY table_name").fetchall()
    return [name for (name,) in rows]


def write_parquet(con: duckdb.DuckDBPyConnection, mart: str, exports_dir: Path) -> Path:
    target, partial = output_paths(exports_dir, f"{mart}.parquet")
    try:
        con.execute(f"COPY (SELECT * FROM marts.{quote_identifier(mart)}) TO ? (FORMAT parquet)", [str(partial)])
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def write_csv(con: duckdb.DuckDBPyConnection, mart: str, exports_dir: Path) -> Path:
    target, partial = output_paths(exports_dir, f"{mart}.csv")
    duckdb_output = inside(exports_dir, f".{target.name}.{os.getpid()}.duckdb.partial")
    try:
        con.execute(f"COPY ({spreadsheet_safe_select(con, mart)}) TO ? (FORMAT csv, HEADER)", [str(duckdb_output)])
        with open(partial, "wb") as written, open(duckdb_output, "rb") as rows:
            written.write(codecs.BOM_UTF8)
            shutil.copyfileobj(rows, written, COPY_BLOCK_BYTES)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
        duckdb_output.unlink(missing_ok=True)
    return target


def spreadsheet_safe_select(con: duckdb.DuckDBPyConnection, mart: str) -> str:
    """SELECT of every column of the mart, text that starts like a formula prefixed with `'`."""
    source = f"marts.{quote_identifier(mart)}"
    columns = []
    for name, column_type, *_ in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall():
        column = quote_identifier(name)
        if column_type == "VARCHAR":
            column = (
                f"CASE WHEN regexp_matches({column}, {quote_literal(FORMULA_START)}) "
                f"THEN {quote_literal(SPREADSHEET_TEXT_PREFIX)} || {column} ELSE {column} END AS {column}"
            )
        columns.append(column)
    return f"SELECT {', '.join(columns)} FROM {source}"


def output_paths(exports_dir: Path, name: str) -> tuple[Path, Path]:
    """The file, and the one it is written to before the rename: named for this process, so an
    export run by hand beside the nightly run never writes into the nightly run's file."""
    return inside(exports_dir, name), inside(exports_dir, f".{name}.{os.getpid()}.partial")


WRITERS: dict[str, Callable[[duckdb.DuckDBPyConnection, str, Path], Path]] = {"parquet": write_parquet, "csv": write_csv}
EXPORT_FORMATS = tuple(WRITERS)


def export_marts(published: Path, exports_dir: Path, formats: Sequence[str] = EXPORT_FORMATS) -> list[Path]:
    """Every mart of the published warehouse in exports_dir, as `<mart>.parquet` and/or `<mart>.csv`."""
    unknown = set(formats) - set(EXPORT_FORMATS)
    if unknown:
        raise ValueError(f"unknown export format(s) {sorted(unknown)}; known: {', '.join(EXPORT_FORMATS)}")
    exports_dir.mkdir(parents=True, exist_ok=True)
    written = []
    with connect(published, read_only=True) as con:
        for mart in mart_names(con):
            for export_format in formats:
                written.append(WRITERS[export_format](con, mart, exports_dir))
    return written
